// The grammar against the spec's own cases: for every case without edits in
// ../../../shared/conformance/*.json, the content the grammar scopes as an
// annotation must be exactly the semantic tokens the server must send, and the
// characters it marks invalid must be exactly those the server reports as
// syntax errors. Falls back to the sample in examples/ when shared/ is absent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const require = createRequire(import.meta.url);
const vsctm = require("vscode-textmate");
const onig = require("vscode-oniguruma");

const KINDS = ["actor", "action", "data", "purpose"];
// The syntax errors a grammar can see; padded-annotation is a warning on a valid annotation.
const SYNTAX_CODES = ["unclosed-annotation", "unmatched-closer", "mismatched-closer", "empty-annotation"];

async function loadGrammar() {
  const wasm = readFileSync(join(dirname(require.resolve("vscode-oniguruma")), "onig.wasm")).buffer;
  await onig.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new onig.OnigScanner(patterns),
      createOnigString: (s) => new onig.OnigString(s),
    }),
    loadGrammar: async (scope) => {
      if (scope !== "text.policy") return null;
      const path = join(root, "syntaxes", "policy.tmLanguage.json");
      return vsctm.parseRawGrammar(readFileSync(path, "utf8"), path);
    },
  });
  return registry.loadGrammar("text.policy");
}

// The LSP's three line endings, and no others (docs/language.md §2).
const splitLines = (text) => text.split(/\r\n|\r|\n/);

// UTF-16 index -> index in Unicode scalar values, the unit of the case files.
function charIndex(line, utf16) {
  return [...line.slice(0, utf16)].length;
}

/** Tokens [kind, line, start, end] and invalid characters "code line:char", as the grammar sees them. */
function tokenize(grammar, text) {
  const tokens = [];
  const invalid = new Set();
  let stack = vsctm.INITIAL;
  splitLines(text).forEach((line, ln) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    let open = null; // the content token being merged across escape sub-tokens
    for (const t of r.tokens) {
      const meta = t.scopes.find((s) => s.startsWith("meta.annotation."));
      const kind = meta && meta.split(".")[2];
      const isContent = kind && !t.scopes.some((s) => s.startsWith("punctuation.") || s.startsWith("invalid."));
      const start = charIndex(line, t.startIndex);
      const end = charIndex(line, t.endIndex);
      if (isContent && open && open[0] === kind && open[3] === start) {
        open[3] = end;
      } else if (isContent) {
        open = [kind, ln, start, end];
        tokens.push(open);
      } else {
        open = null;
      }
      const bad = t.scopes.find((s) => s.startsWith("invalid.illegal."));
      if (bad) {
        const code = bad.split(".")[2];
        for (let c = start; c < end; c++) invalid.add(`${code} ${ln}:${c}`);
      }
    }
  });
  return { tokens, invalid };
}

function checkCase(grammar, c) {
  const { tokens, invalid } = tokenize(grammar, c.text);
  // A token's optional fifth element (modifiers) is the server's business: the grammar cannot classify.
  const expectedTokens = c.tokens.map((t) => t.slice(0, 4));
  assert.deepEqual(tokens, expectedTokens, "annotation content scoped by the grammar");
  // Every character the spec reports must be marked with one of the codes reported there.
  const expected = new Map();
  for (const [code, ln, s, e] of c.diagnostics) {
    if (!SYNTAX_CODES.includes(code)) continue;
    for (let ch = s; ch < e; ch++) {
      const key = `${ln}:${ch}`;
      expected.set(key, [...(expected.get(key) ?? []), code]);
    }
  }
  const marked = new Map([...invalid].map((k) => k.split(" ")).map(([code, key]) => [key, code]));
  for (const [key, codes] of expected) {
    assert.ok(marked.has(key), `${codes.join("/")} at ${key} is not marked invalid`);
    assert.ok(codes.includes(marked.get(key)), `${key} marked ${marked.get(key)}, spec says ${codes}`);
  }
  for (const [key, code] of marked) {
    assert.ok(expected.has(key), `${code} at ${key} is marked invalid but the spec reports nothing there`);
  }
}

const grammar = await loadGrammar();
const shared = join(root, "..", "shared", "conformance");
const caseFiles = existsSync(shared) ? ["syntax.json", "corpus.json"].map((f) => join(shared, f)).filter(existsSync) : [];

if (caseFiles.length === 0) {
  console.log("# no ../shared/conformance beside the checkout: checking the sample in examples/ only");
  test("the JD sample has no syntax errors and 164 annotations", () => {
    const text = readFileSync(join(root, "examples", "jd-privacy-policy.policy"), "utf8");
    const { tokens, invalid } = tokenize(grammar, text);
    assert.equal(invalid.size, 0);
    assert.equal(tokens.length, 164);
  });
}
for (const file of caseFiles) {
  for (const c of JSON.parse(readFileSync(file, "utf8")).cases) {
    if (c.edits) continue; // the grammar is line-local by construction; edits test the server
    test(`${file.split("/").pop()}: ${c.name}`, () => checkCase(grammar, c));
  }
}
