// Drives a real VS Code (code-server, started by vscode-e2e.sh) as an annotator would:
// opens the JD sample, checks the language and that it starts with no errors, breaks a
// bracket and waits for the error squiggle and its Problems entry, hovers a sensitive data
// item and reads its classification, inspects the semantic token under the cursor, takes
// screenshots, then retypes the bracket and waits for the error to go.
import { createRequire } from "node:module";
import { join } from "node:path";

const { PLAYWRIGHT_DIR, CODE_SERVER_URL, SCREENSHOT_DIR } = process.env;
const { chromium } = createRequire(join(PLAYWRIGHT_DIR, "package.json"))("playwright-core");

// The sample's line 16 (1-based): `…京东<账户名>、<密码>、您本人的<手机号码>…`
const LINE = 16;
const ACCOUNT_CLOSER_COL = 53; // the `>` after 账户名
const PASSWORD_COL = 57; // on 码 of 密码 (sensitive personal information), one less while the `>` is deleted

let passed = 0;
let failed = 0;
async function check(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok - ${name} (${Date.now() - t0} ms)`);
  } catch (err) {
    failed++;
    console.log(`not ok - ${name}: ${String(err?.message ?? err).split("\n")[0]}`);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `vscode-failure-${failed}.png`) }).catch(() => {});
  }
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
page.setDefaultTimeout(30_000);

const editor = page.locator(".editor-instance .monaco-editor").first();
const problemsStatus = page.locator('[id="status.problems"]');

/** Puts the cursor before the character at a 1-based line and column, and checks the status bar agrees. */
async function goTo(line, col) {
  // Go to Line takes visual columns (a CJK character counts two), so walk to the character instead.
  await page.keyboard.press("Control+G");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor();
  await input.fill(`:${line}:1`);
  await page.locator(".quick-input-widget", { hasText: `line ${line}` }).waitFor();
  await page.keyboard.press("Enter");
  const status = page.locator('[id="status.editor.selection"]');
  await status.getByText(`Ln ${line}, Col 1`, { exact: true }).waitFor({ timeout: 15_000 });
  for (let i = 1; i < col; i++) await page.keyboard.press("ArrowRight");
  // On a loaded machine the status bar lags the keys, or a key lands while the
  // editor is still taking focus back from the quick input: read where the
  // cursor is and walk the difference, a few times, before giving up.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const text = (await status.innerText().catch(() => "")).trim();
    const m = text.match(/^Ln (\d+), Col (\d+)$/);
    if (m && Number(m[1]) === line && Number(m[2]) === col) return;
    if (Date.now() > deadline) throw new Error(`cursor at "${text}", wanted Ln ${line}, Col ${col}`);
    await page.waitForTimeout(500);
    const again = (await status.innerText().catch(() => "")).trim().match(/^Ln (\d+), Col (\d+)$/);
    if (again && Number(again[1]) === line && again[2] === m?.[2]) {
      const diff = col - Number(again[2]);
      const key = diff > 0 ? "ArrowRight" : "ArrowLeft";
      for (let i = 0; i < Math.abs(diff); i++) await page.keyboard.press(key);
    }
  }
}

async function command(label) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor();
  await input.fill(`>${label}`);
  await page.locator(".quick-input-list .monaco-list-row.focused", { hasText: label }).waitFor();
  await page.keyboard.press("Enter");
}

/** Errors and warnings shown in the status bar, e.g. { errors: 1, warnings: 0 }. */
async function problemCounts() {
  const label = (await problemsStatus.getAttribute("aria-label")) ?? "";
  if (/^No Problems/i.test(label)) return { errors: 0, warnings: 0, label };
  // "1 Error, 0 Warnings" or "Errors: 1, Warnings: 0", depending on the version
  const n = (word) => {
    const m = label.match(new RegExp(`(\\d+)\\s*${word}|${word}:?\\s*(\\d+)`, "i"));
    return m ? Number(m[1] ?? m[2]) : NaN;
  };
  return { errors: n("errors?"), warnings: n("warnings?"), label };
}

async function waitForErrors(predicate, what) {
  const deadline = Date.now() + 30_000;
  let last;
  while (Date.now() < deadline) {
    last = await problemCounts();
    if (predicate(last.errors)) return last;
    await page.waitForTimeout(250);
  }
  throw new Error(`${what}: status bar says "${last?.label}"`);
}

try {
  await check("code-server loads the workbench", async () => {
    await page.goto(CODE_SERVER_URL);
    await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
    await page.locator(".explorer-folders-view, .explorer-viewlet").first().waitFor({ timeout: 60_000 });
  });

  await check("the .policy file opens in the policy language", async () => {
    await page.keyboard.press("Control+P");
    await page.keyboard.type("jd-privacy-policy.policy");
    await page.locator(".quick-input-list .monaco-list-row").first().waitFor();
    await page.keyboard.press("Enter");
    await editor.waitFor();
    await page.locator(".view-lines").first().getByText("一、我们如何收集和使用您的个人信息").waitFor();
    const mode = page.locator('[id="status.editor.mode"]');
    await mode.getByText("Policy annotation").waitFor();
  });

  await check("TextMate grammar colours the brackets and content before the server answers", async () => {
    // Monaco renders each token as a span with an mtk<N> colour class; a data annotation's
    // brackets and content differ from the surrounding text.
    await goTo(LINE, 1);
    const line = page.locator(".view-line", { hasText: "<账户名>" }).first();
    const classes = await line.locator("span > span").evaluateAll((spans) => spans.map((s) => [s.textContent, s.className]));
    const plain = classes.find(([t]) => t?.includes("您本人的"))?.[1];
    const content = classes.find(([t]) => t === "账户名")?.[1];
    if (!plain || !content) throw new Error(`tokens not found: ${JSON.stringify(classes.slice(0, 12))}`);
    if (plain === content) throw new Error(`账户名 is coloured like plain text (${plain})`);
  });

  await check("the server starts and the sample has no errors", async () => {
    await waitForErrors((n) => n === 0, "expected 0 errors");
    // Give the server time to publish: a missing server would have shown an error notification.
    await page.waitForTimeout(1500);
    const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "policy-lsp" });
    if (await toast.count()) throw new Error(`notification: ${await toast.first().innerText()}`);
  });

  await check("breaking a bracket shows an error squiggle and an unclosed-annotation problem", async () => {
    await goTo(LINE, ACCOUNT_CLOSER_COL);
    await page.keyboard.press("Delete");
    await waitForErrors((n) => n >= 1, "expected an error after deleting `>`");
    await editor.locator(".squiggly-error").first().waitFor();
    await page.keyboard.press("Control+Shift+M");
    const row = page.locator(".markers-panel .monaco-list-row", { hasText: "unclosed-annotation" }).first();
    await row.waitFor();
    const text = await row.innerText();
    if (!text.includes("policy-lsp")) throw new Error(`problem row without source policy-lsp: ${text}`);
    await editor.click({ position: { x: 5, y: 5 } }).catch(() => {});
  });

  await check("hover on a sensitive data item states its classification", async () => {
    await goTo(LINE, PASSWORD_COL - 1);
    await command("Show or Focus Hover");
    const hover = page.locator(".monaco-hover:not(.hidden) .hover-contents, .monaco-hover:not(.hidden) .monaco-hover-content").first();
    await hover.getByText("个人敏感信息").first().waitFor();
    console.log(`# hover: ${(await hover.innerText()).split("\n").filter(Boolean).slice(0, 2).join(" | ")}`);
    await page.waitForTimeout(500); // let the hover fade in for the screenshot
    await page.screenshot({ path: join(SCREENSHOT_DIR, "vscode-diagnostic-and-hover.png") });
    await page.keyboard.press("Escape");
  });

  await check("retyping the bracket clears the error", async () => {
    await goTo(LINE, ACCOUNT_CLOSER_COL);
    await page.keyboard.type(">");
    await waitForErrors((n) => n === 0, "expected 0 errors after retyping `>`");
    // The squiggle goes when the editor redraws the decorations, a moment after the count.
    const gone = Date.now() + 10_000;
    while ((await editor.locator(".squiggly-error").count()) && Date.now() < gone) await page.waitForTimeout(250);
    if (await editor.locator(".squiggly-error").count()) throw new Error("a squiggle is still shown");
  });

  await check("the semantic token under the cursor is data, sensitive", async () => {
    await goTo(LINE, PASSWORD_COL);
    await command("Developer: Inspect Editor Tokens and Scopes");
    const widget = page.locator(".token-inspect-widget");
    await widget.getByText("semantic token type").waitFor();
    const text = await widget.innerText();
    await page.screenshot({ path: join(SCREENSHOT_DIR, "vscode-semantic-token.png") });
    await page.keyboard.press("Escape");
    if (!/semantic token type\s+data/.test(text)) throw new Error(`token type: ${text.replace(/\s+/g, " ")}`);
    if (!/modifiers\s+sensitive/.test(text)) throw new Error(`modifiers: ${text.replace(/\s+/g, " ")}`);
  });

  await check("selecting text and typing < wraps it in a data annotation", async () => {
    await goTo(LINE, 1);
    await page.keyboard.press("Shift+ArrowRight");
    await page.keyboard.press("Shift+ArrowRight");
    await page.keyboard.type("<");
    await page.locator(".view-line", { hasText: "<您首>先需要" }).first().waitFor({ timeout: 5_000 });
    await page.keyboard.press("Control+Z");
  });

  await check("Policy: Show Practice Graph opens the document's report in a webview with the graph", async () => {
    await goTo(LINE, 1);
    await command("Policy: Show Practice Graph");
    const tab = page.locator(".tab", { hasText: "Practice graph: jd-privacy-policy.policy" }).first();
    await tab.waitFor();
    // The webview's page lives in nested iframes; find the frame that holds the graph.
    const deadline = Date.now() + 30_000;
    let labels = [];
    while (Date.now() < deadline && !labels.includes("个人身份信息")) {
      for (const frame of page.frames()) {
        labels = await frame
          .evaluate(() => [...document.querySelectorAll("#graph .node text.label")].map((t) => t.textContent))
          .catch(() => []);
        if (labels.length) break;
      }
      if (!labels.includes("个人身份信息")) await page.waitForTimeout(250);
    }
    console.log(`# webview graph: ${labels.length} nodes (${labels.slice(0, 5).join(", ")} …)`);
    for (const l of ["第一方", "收集", "个人身份信息"]) {
      if (!labels.includes(l)) throw new Error(`no node ${l} in the webview: ${labels.join(", ")}`);
    }
    await page.screenshot({ path: join(SCREENSHOT_DIR, "vscode-practice-graph.png") });
  });

  await check("Policy: Show Practice Graph for Workspace opens the folder's report", async () => {
    await command("Policy: Show Practice Graph for Workspace");
    await page.locator(".tab", { hasText: "Practice graph: workspace" }).first().waitFor();
  });
} finally {
  console.log(`vscode: ${passed} passed, ${failed} failed`);
  await browser.close();
}
process.exit(failed === 0 ? 0 : 1);
