// Starts the policy-lsp server for `policy` documents and restarts it when its
// settings change (lints and taxonomy reach the server only at initialization;
// compareWith is also sent on its own when it changes, without a restart).
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import { LanguageClient, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";

// The id doubles as the settings prefix: vscode-languageclient reads `policyLsp.trace.server`.
const CLIENT_ID = "policyLsp";
const RESTART_SETTINGS = ["policyLsp.server.path", "policyLsp.lints", "policyLsp.taxonomy"];

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("Policy LSP");
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("policyLsp.restartServer", restart),
    vscode.commands.registerCommand("policyLsp.showPracticeGraph", () => showReport(false)),
    vscode.commands.registerCommand("policyLsp.showWorkspacePracticeGraph", () => showReport(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (RESTART_SETTINGS.some((s) => e.affectsConfiguration(s))) void restart();
      else if (e.affectsConfiguration("policyLsp.compareWith")) void sendCompareWith();
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await stop();
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) await running.stop().catch(() => undefined);
}

async function start(): Promise<void> {
  const config = vscode.workspace.getConfiguration("policyLsp");
  const configured = config.get<string>("server.path")?.trim() || "policy-lsp";
  const command = findServer(configured);
  if (!command) {
    const choice = await vscode.window.showErrorMessage(
      `policy-lsp: the language server \`${configured}\` was not found` +
        (configured.includes(path.sep) ? "." : " on PATH.") +
        " Build it with `cargo build --release` and put target/release/policy-lsp on PATH," +
        " or set `policyLsp.server.path` to the executable. Highlighting works without it.",
      "Open Settings",
    );
    if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "policyLsp.server.path");
    }
    return;
  }
  output?.appendLine(`Starting ${command}`);
  const serverOptions: ServerOptions = { command, args: [] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: "policy" }],
    initializationOptions: initializationOptions(config),
    outputChannel: output,
  };
  client = new LanguageClient(CLIENT_ID, "Policy LSP", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    void vscode.window.showErrorMessage(`policy-lsp: the language server ${command} failed to start: ${String(err)}`);
  }
}

/** `{ taxonomy?, lints, compareWith? }` as the server reads them. */
function initializationOptions(config: vscode.WorkspaceConfiguration): Record<string, unknown> {
  const options: Record<string, unknown> = { lints: config.get<Record<string, string>>("lints") ?? {} };
  const taxonomy = config.get<string>("taxonomy")?.trim();
  if (taxonomy) options.taxonomy = resolveInWorkspace(taxonomy);
  const compareWith = compareWithSetting(config);
  if (compareWith) options.compareWith = compareWith;
  return options;
}

/** The other annotator's folder or path pattern (`${relativeFile}` kept), or "" for none. */
function compareWithSetting(config: vscode.WorkspaceConfiguration): string {
  const value = config.get<string>("compareWith")?.trim();
  return value ? resolveInWorkspace(value) : "";
}

/** Tells the running server the new `compareWith` ("" switches the comparison off). */
async function sendCompareWith(): Promise<void> {
  const compareWith = compareWithSetting(vscode.workspace.getConfiguration("policyLsp"));
  await client
    ?.sendNotification("workspace/didChangeConfiguration", { settings: { compareWith } })
    .catch((err) => output?.appendLine(`compareWith not sent: ${String(err)}`));
}

/** The executable to run, or undefined when there is none: a bare name is looked up on PATH. */
function findServer(configured: string): string | undefined {
  if (configured.includes("/") || configured.includes("\\")) {
    const file = resolveInWorkspace(configured);
    return isExecutable(file) ? file : undefined;
  }
  const exts = process.platform === "win32" ? (process.env.PATHEXT ?? ".EXE").split(";") : [""];
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    for (const ext of exts) {
      const file = path.join(dir, configured + ext);
      if (dir && isExecutable(file)) return file;
    }
  }
  return undefined;
}

function resolveInWorkspace(file: string): string {
  const expanded = file.replace(/^~(?=$|[\\/])/, process.env.HOME ?? "~");
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return path.isAbsolute(expanded) || !folder ? expanded : path.join(folder, expanded);
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

// "Policy: Show Practice Graph": the server binary's `report` on the current document (or, for
// the workspace command, the first workspace folder), written to a temporary file and shown in a
// webview. The page is self-contained; its own Content-Security-Policy allows its inline style
// and script and nothing else. A click on a line link opens that line in the editor.
async function showReport(workspace: boolean): Promise<void> {
  const configured = vscode.workspace.getConfiguration("policyLsp").get<string>("server.path")?.trim() || "policy-lsp";
  const command = findServer(configured);
  if (!command) {
    void vscode.window.showErrorMessage(`policy-lsp: the server \`${configured}\` was not found; set policyLsp.server.path.`);
    return;
  }
  let args: string[];
  let input: string | undefined;
  let title: string;
  if (workspace) {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      void vscode.window.showErrorMessage("policy-lsp: open a folder to see its practice graph.");
      return;
    }
    args = [folder.uri.fsPath];
    title = `Practice graph: ${folder.name}`;
  } else {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== "policy") {
      void vscode.window.showErrorMessage("policy-lsp: open a .policy document to see its practice graph.");
      return;
    }
    // Unsaved text goes through stdin, so the graph is the one of what the editor shows.
    if (doc.isUntitled || doc.isDirty) {
      args = ["-"];
      input = doc.getText();
    } else {
      args = [doc.uri.fsPath];
    }
    title = `Practice graph: ${path.basename(doc.uri.fsPath)}`;
  }
  const out = path.join(os.tmpdir(), `policy-lsp-report-${process.pid}-${workspace ? "workspace" : "document"}.html`);
  const ok = await new Promise<boolean>((resolve) => {
    const child = execFile(command, ["report", ...args, "-o", out], { maxBuffer: 1 << 20 }, (err, _stdout, stderr) => {
      if (stderr) output?.appendLine(stderr.trimEnd());
      // Exit 2 with a page written (an unreadable file among others) still shows the page.
      resolve(fs.existsSync(out) && (!err || (err as { code?: number }).code === 2));
    });
    if (input !== undefined) child.stdin?.end(input);
  });
  if (!ok) {
    void vscode.window.showErrorMessage("policy-lsp: the report could not be written; see the Policy LSP output.");
    return;
  }
  output?.appendLine(`Report written to ${out}`);
  const panel = vscode.window.createWebviewPanel("policyLsp.report", title, vscode.ViewColumn.Beside, {
    enableScripts: true,
    localResourceRoots: [],
  });
  panel.webview.html = fs.readFileSync(out, "utf8");
  panel.webview.onDidReceiveMessage(async (message: { open?: string }) => {
    const match = /^(file:.*?)(?:#L(\d+))?$/.exec(message?.open ?? "");
    if (!match) return;
    const line = Math.max(0, Number(match[2] ?? 1) - 1);
    const editor = await vscode.window.showTextDocument(vscode.Uri.parse(match[1]), { viewColumn: vscode.ViewColumn.One });
    editor.selection = new vscode.Selection(line, 0, line, 0);
    editor.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.InCenter);
  });
}
