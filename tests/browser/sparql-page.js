// Uses the live server's SPARQL page in Debian's headless Chromium (through
// puppeteer-core) as a person would, at 1280 and 390 px: the editor highlights and
// completes a prefixed name, the query runs, the results table shows labels beside
// IRIs, the CSV download link saves a file; and the search page finds a claim by a word
// of its German quote. Reports JSON on stdout: per width what the page showed, the
// downloaded CSV's first lines, console errors, horizontal overflow and axe-core
// violations; writes a full-page screenshot per width.
//
// usage: node sparql-page.js BASE_URL SHOT_DIR CHROMIUM_PATH
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const puppeteer = require("puppeteer-core");

const [base, shotDir, chromium] = process.argv.slice(2);
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const WIDTHS = [1280, 390];
const QUERY = "SELECT ?entity ?claim WHERE {\n  ?claim cg:about ?entity ; a ";

async function waitForFile(dir, limitMs) {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    const done = fs.readdirSync(dir).filter((f) => !f.endsWith(".crdownload"));
    if (done.length) { return path.join(dir, done[0]); }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("no download within " + limitMs + " ms");
}

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "claimgraph-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    userDataDir: profile,
    protocolTimeout: 60000,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--no-first-run", "--disable-sync", "--disable-dev-shm-usage"],
  });
  const results = [];
  try {
    for (const width of WIDTHS) {
      const page = await browser.newPage();
      await page.setViewport({ width, height: 900 });
      const errors = [];
      page.on("console", (msg) => {
        // A browser asks for /favicon.ico by itself; the site has none.
        if (msg.type() === "error" && !/favicon/.test(msg.location().url || "")) { errors.push("console: " + msg.text()); }
      });
      page.on("pageerror", (err) => errors.push("page error: " + err.message));
      page.on("requestfailed", (req) => errors.push("request failed: " + req.url()));
      page.on("request", (req) => {
        if (!req.url().startsWith(base)) { errors.push("left the server: " + req.url()); }
      });
      await page.goto(base + "/sparql", { waitUntil: "load", timeout: 30000 });
      await page.waitForSelector(".CodeMirror", { timeout: 10000 });
      const highlighted = await page.evaluate(() => document.querySelectorAll(".CodeMirror .cm-keyword").length);

      // Type a query; completion offers the ontology's classes for "cg:Den".
      await page.evaluate(() => document.querySelector(".CodeMirror").CodeMirror.setValue(""));
      await page.click(".CodeMirror");
      await page.keyboard.type(QUERY);
      await page.keyboard.type("cg:Den");
      await page.waitForSelector(".CodeMirror-hints", { timeout: 5000 });
      const hints = await page.evaluate(() =>
        Array.from(document.querySelectorAll(".CodeMirror-hint")).map((h) => h.textContent));
      await page.keyboard.press("Enter");
      await page.keyboard.type(" }");
      const typed = await page.evaluate(() => document.querySelector(".CodeMirror").CodeMirror.getValue());

      // Run it.
      await Promise.all([
        page.waitForNavigation({ waitUntil: "load", timeout: 30000 }),
        page.click("#sparql-form button[type=submit]"),
      ]);
      await page.waitForSelector("table.results", { timeout: 10000 });
      const shows = await page.evaluate(() => ({
        url: location.pathname + location.search,
        rows: document.querySelectorAll("table.results tbody tr").length,
        labelled: Array.from(document.querySelectorAll("table.results td")).filter((td) => td.querySelector(".iri") && td.querySelector("a")).length,
        firstCell: (document.querySelector("table.results tbody td") || {}).textContent || "",
        downloads: Array.from(document.querySelectorAll(".downloads a")).map((a) => a.textContent),
        overflow: document.documentElement.scrollWidth - window.innerWidth,
      }));

      const shot = path.join(shotDir, "sparql-" + width + ".png");
      await page.screenshot({ path: shot, fullPage: true });
      await page.evaluate(axeSource);
      const axe = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      const violations = axe.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
      }));

      // Download the CSV by its link.
      const downloads = fs.mkdtempSync(path.join(os.tmpdir(), "claimgraph-download-"));
      const cdp = await page.createCDPSession();
      await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: downloads });
      const links = await page.$$(".downloads a");
      let csvLink = null;
      for (const link of links) {
        if ((await link.evaluate((a) => a.textContent)) === "CSV") { csvLink = link; }
      }
      if (!csvLink) { throw new Error("no CSV download link"); }
      await csvLink.click();
      const file = await waitForFile(downloads, 15000);
      const csv = fs.readFileSync(file, "utf8");
      fs.rmSync(downloads, { recursive: true, force: true });

      results.push({
        width, errors, highlighted, hints, typed, shows, screenshot: shot, violations,
        download: { name: path.basename(file), lines: csv.split(/\r?\n/).filter(Boolean).length, head: csv.split(/\r?\n/).slice(0, 2) },
      });
      await page.close();
    }

    // The search finds the denial by a word of its German quote.
    const page = await browser.newPage();
    await page.setViewport({ width: 390, height: 900 });
    const errors = [];
    page.on("pageerror", (err) => errors.push("page error: " + err.message));
    page.on("requestfailed", (req) => errors.push("request failed: " + req.url()));
    const loaded = [];
    page.on("request", (req) => loaded.push(new URL(req.url()).pathname));
    await page.goto(base + "/search.html?q=Unsinn", { waitUntil: "load", timeout: 30000 });
    await page.waitForFunction(() => /result|Nothing/.test(document.getElementById("search-status").textContent), { timeout: 10000 });
    const search = await page.evaluate(() => ({
      status: document.getElementById("search-status").textContent,
      hits: Array.from(document.querySelectorAll("#search-results a")).map((a) => a.getAttribute("href")),
      quotes: Array.from(document.querySelectorAll("#search-results q")).map((q) => ({ text: q.textContent, lang: q.lang })),
    }));
    search.loaded = loaded.filter((p) => p.startsWith("/search/"));
    search.errors = errors;
    results.push({ search });
    await page.close();
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => { console.error(e && e.stack || String(e)); process.exit(1); });
