// Opens pages of a built site in Debian's headless Chromium (through puppeteer-core,
// which never downloads a browser) and reports, as JSON on stdout, for each page:
// console errors, failed requests, what the page shows (highlighted quotes, claims with
// statuses), axe-core violations, and whether its screenshot is blank.
//
// usage: node check-pages.js SITE_DIR SHOT_DIR CHROMIUM_PATH
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { pathToFileURL } = require("url");
const puppeteer = require("puppeteer-core");

const [siteDir, shotDir, chromium] = process.argv.slice(2);
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const PAGES = [
  { name: "home", path: "index.html" },
  { name: "entity", path: "id/org/hikvision.html" },
  { name: "claim", path: "id/claim/alibaba-pla-memo/alibaba-supplies-pla.html" },
  { name: "article", path: "id/article/alibaba-pla-memo.html" },
  { name: "search", path: "search.html", query: "?q=hikvision", axe: false },
];

// Fraction of pixels that differ from the most common colour, from the PNG decoded by
// the browser itself (no image library needed).
async function inkFraction(page, png) {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = "data:image/png;base64," + b64;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext("2d");
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, img.width, img.height).data;
    const counts = new Map();
    for (let i = 0; i < data.length; i += 16) {
      const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
      counts.set(key, (counts.get(key) || 0) + 1);
    }
    let total = 0, top = 0;
    for (const n of counts.values()) { total += n; top = Math.max(top, n); }
    return { ink: 1 - top / total, colours: counts.size };
  }, png.toString("base64"));
}

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "claimgraph-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    userDataDir: profile,
    protocolTimeout: 60000,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--no-first-run", "--disable-sync", "--disable-dev-shm-usage", "--allow-file-access-from-files"],
  });
  const results = [];
  try {
    for (const spec of PAGES) {
      const page = await browser.newPage();
      await page.setViewport({ width: 1200, height: 900 });
      const errors = [];
      page.on("console", (msg) => { if (msg.type() === "error") errors.push("console: " + msg.text()); });
      page.on("pageerror", (err) => errors.push("page error: " + err.message));
      page.on("requestfailed", (req) => errors.push("request failed: " + req.url()));
      const url = pathToFileURL(path.join(siteDir, spec.path)).href + (spec.query || "");
      await page.goto(url, { waitUntil: "load", timeout: 30000 });
      const shows = await page.evaluate(() => ({
        title: document.title,
        h1: (document.querySelector("h1") || {}).textContent || "",
        highlighted: document.querySelectorAll(".article-text mark.quote a[href]").length,
        quoteLangs: Array.from(document.querySelectorAll("[lang] mark.quote, blockquote.quote[lang]")).length,
        claimCards: document.querySelectorAll(".claim-card").length,
        statusBadges: Array.from(document.querySelectorAll(".badge")).map((b) => b.textContent.trim()),
        diagram: document.querySelectorAll("figure.diagram svg").length,
        searchResults: Array.from(document.querySelectorAll("#search-results a")).map((a) => a.getAttribute("href")),
        scripts: Array.from(document.scripts).map((s) => s.src || "inline"),
      }));
      const shot = path.join(shotDir, spec.name + ".png");
      const png = await page.screenshot({ path: shot, fullPage: true });
      const blank = await inkFraction(page, Buffer.from(png));
      let violations = [];
      if (spec.axe !== false) {
        await page.evaluate(axeSource);
        const axe = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
        violations = axe.violations.map((v) => ({
          id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
        }));
      }
      results.push({ name: spec.name, path: spec.path, errors, shows, screenshot: shot, ink: blank.ink, colours: blank.colours, violations });
      await page.close();
    }
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => { console.error(e && e.stack || String(e)); process.exit(1); });
