// Opens the JD sample's report (written by report-e2e.sh) from file:// in Debian's chromium and
// checks what a reader would: it loads with no console error and no request outside the file
// (every request is recorded: only the file itself and data: URLs are allowed), markup in a
// policy line stays text, the practice graph has the nodes the sample's practices give, a click
// on a node lists its documents and lines, and the other sections are there. Saves a screenshot
// of the graph.
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const { PLAYWRIGHT_DIR, REPORT_HTML, SCREENSHOT } = process.env;
const { chromium } = createRequire(join(PLAYWRIGHT_DIR, "package.json"))("playwright-core");
const url = pathToFileURL(REPORT_HTML).href;

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (err) {
    failed++;
    console.log(`not ok - ${name}: ${String(err?.message ?? err).split("\n")[0]}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
page.setDefaultTimeout(15_000);
const problems = [];
const requests = [];
page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`); });
page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
page.on("request", (r) => requests.push(r.url()));
page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));

await page.goto(url, { waitUntil: "load" });
await page.waitForTimeout(300);

await check("the page loads from file:// with no console error", async () => {
  assert(problems.length === 0, problems.join("; "));
  assert((await page.title()).includes("practice report"), `title: ${await page.title()}`);
});

await check("no request leaves the file (only itself and data: URLs)", async () => {
  const outside = requests.filter((r) => r !== url && !r.startsWith("data:"));
  assert(requests.includes(url), `the page itself was not requested: ${requests.join(", ")}`);
  assert(outside.length === 0, `requests outside the file: ${outside.join(", ")}`);
});

await check("markup in a policy line stays text (no script ran, no element injected)", async () => {
  assert((await page.evaluate(() => window.__pwned)) === undefined, "an injected script ran");
  assert((await page.locator("body img").count()) === 0, "an <img> from the policy became an element");
  assert((await page.locator("body b").count()) === 0, "a <b> from the policy became an element");
  const scripts = await page.locator("script").count();
  assert(scripts === 2, `expected the page's 2 script elements, found ${scripts}`);
});

const labels = await page.locator("#graph .node text.label").allTextContents();
console.log(`# ${labels.length} graph nodes: ${labels.slice(0, 12).join(", ")} …`);

await check("the graph has the JD sample's roles, action classes and categories", async () => {
  // (我们) is the first party, (您) is not annotated as an actor who collects; [收集] is collect,
  // [使用] use; <身份证> is 个人身份信息 (sensitive), <手机号码> 个人基本资料 (not sensitive).
  for (const l of ["第一方", "收集", "使用", "存储", "个人身份信息", "个人基本资料", "个人财产信息"]) {
    assert(labels.includes(l), `no node ${l} among ${labels.join(", ")}`);
  }
  const sensitive = await page.locator("#graph .node.data.sensitive text.label").allTextContents();
  assert(sensitive.includes("个人身份信息") && sensitive.includes("个人财产信息"),
    `sensitive nodes: ${sensitive.join(", ")}`);
  assert(!sensitive.includes("个人基本资料"), "个人基本资料 marked sensitive");
  const edges = await page.locator("#graph path.edge").count();
  assert(edges >= labels.length - 1, `only ${edges} edges for ${labels.length} nodes`);
});

await check("the graph is laid out in four columns, roles left of purposes", async () => {
  const x = async (sel) => (await page.locator(sel).first().boundingBox()).x;
  const actor = await x("#graph .node.actor");
  const action = await x("#graph .node.action");
  const data = await x("#graph .node.data");
  const purpose = await x("#graph .node.purpose");
  assert(actor < action && action < data && data < purpose, `x: ${actor} ${action} ${data} ${purpose}`);
});

await check("a click on a node lists its documents and lines", async () => {
  await page.locator("#graph .node.data", { hasText: "个人身份信息" }).first().click();
  const details = page.locator("#details");
  await details.locator("h3", { hasText: "identity" }).waitFor();
  const links = await details.locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  assert(links.length > 0 && links.every((h) => /jd-privacy-policy\.policy#L\d+$/.test(h)),
    `line links: ${links.join(", ")}`);
  assert((await page.locator("#graph .node.dim").count()) > 0, "unrelated nodes not dimmed");
});

await check("the injected line's data item is listed as text", async () => {
  const findings = await page.locator("#documents").innerText();
  assert(findings.includes("<script>") || (await page.locator("#report-data").textContent()).includes("\\u003cscript"),
    "the injected text is not shown as text");
});

await check("sensitivity chart, disclosures, findings and documents are there", async () => {
  assert((await page.locator("#sensitivity svg.chart .bar.sensitive").count()) > 0, "no sensitive bar");
  assert((await page.locator("#topics td.yes").count()) > 0, "no covered topic");
  assert((await page.locator("#findings table.codes tr").count()) > 1, "no finding counted");
  assert((await page.locator("#documents table.docs tbody tr").count()) === 1, "not one document row");
});

// What a reader sees after clicking an action class (the README's picture), and the whole
// graph with nothing selected beside it.
await page.reload({ waitUntil: "load" });
await page.locator("#graph .node.action", { hasText: "收集" }).first().click();
await page.evaluate(() => {
  const g = document.querySelector("#graph .node.selected").getBoundingClientRect();
  const box = document.querySelector(".graph");
  const b = box.getBoundingClientRect();
  box.scrollTop += g.top - b.top - box.clientHeight / 2;
  document.activeElement?.blur();
});
await page.locator("#practices").screenshot({ path: SCREENSHOT });
await page.reload({ waitUntil: "load" });
await page.addStyleTag({ content: ".graph { max-height: none !important; } #details { display: none; }" });
await page.locator("#practices").screenshot({ path: SCREENSHOT.replace(/\.png$/, "-full.png") });
console.log(`# screenshot: ${SCREENSHOT}`);
await browser.close();
console.log(`report: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
