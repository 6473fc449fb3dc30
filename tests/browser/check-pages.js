// Opens the pages of a built site in Debian's headless Chromium (through puppeteer-core,
// which never downloads a browser) at a desktop and a phone width, and reports as JSON
// on stdout:
// - pages: for the chosen pages (both languages, both widths) console errors, failed
//   requests, what the page shows (highlighted quotes, claims, statuses, the answers
//   inline in the Alibaba page), axe-core violations and whether its screenshot is blank;
// - overflow: every page of the site, at both widths, that scrolls sideways, with the
//   widest element that makes it do so;
// - overlaps: any text of an entity page's relation diagram whose box overlaps another
//   text or another node's box, at the desktop width (phones get the table instead).
//
// usage: node check-pages.js SITE_DIR SHOT_DIR CHROMIUM_PATH [DOCS_SHOT_DIR]
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { pathToFileURL } = require("url");
const puppeteer = require("puppeteer-core");

const [siteDir, shotDir, chromium, docsShotDir] = process.argv.slice(2);
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const WIDTHS = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 390, height: 844, mobile: true },
];
const LANGS = ["", "de/"];
const PAGES = [
  { name: "home", path: "index.html" },
  { name: "entity", path: "id/org/hikvision.html" },
  { name: "alibaba", path: "id/org/alibaba.html", docs: "entity" },
  { name: "claim", path: "id/claim/alibaba-pla-memo/alibaba-supplies-pla.html", docs: "claim" },
  { name: "article", path: "id/article/alibaba-pla-memo.html", docs: "article" },
  { name: "document", path: "id/doc/white-house-memo-alibaba.html" },
  { name: "claims", path: "claims.html" },
  { name: "search", path: "search.html", query: "?q=hikvision", axe: false, langs: [""] },
];

function walk(dir, base = dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, base, out);
    else if (entry.name.endsWith(".html")) out.push(path.relative(base, full).split(path.sep).join("/"));
  }
  return out.sort();
}

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

// Whether the page scrolls sideways, and the widest element sticking out if so.
function measureOverflow() {
  const root = document.documentElement;
  const width = root.clientWidth;
  if (root.scrollWidth <= width) return null;
  // Content of a box that scrolls or clips on its own does not widen the page.
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") return true;
    }
    return false;
  };
  let widest = null;
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && !clipped(el) && (!widest || r.right > widest.right)) {
      widest = { right: Math.round(r.right), tag: el.tagName.toLowerCase(), cls: el.className && String(el.className), text: (el.textContent || "").trim().slice(0, 60) };
    }
  }
  return { scrollWidth: root.scrollWidth, width, widest };
}

// Text boxes of the relation diagram that overlap another text or another node.
function measureDiagram() {
  const svg = document.querySelector("figure.diagram svg");
  if (!svg || svg.getBoundingClientRect().width === 0) return { drawn: false, overlaps: [] };
  const groups = Array.from(svg.querySelectorAll(".node-group"));
  const texts = [];
  groups.forEach((g, gi) => g.querySelectorAll("text").forEach((t) => texts.push({ g: gi, r: t.getBoundingClientRect(), text: t.textContent })));
  const rects = groups.map((g, gi) => ({ g: gi, r: g.querySelector("rect").getBoundingClientRect() }));
  const hit = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
  const overlaps = [];
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      if (hit(texts[i].r, texts[j].r)) overlaps.push(`text "${texts[i].text}" overlaps text "${texts[j].text}"`);
    }
    for (const n of rects) {
      if (n.g !== texts[i].g && hit(texts[i].r, n.r)) overlaps.push(`text "${texts[i].text}" overlaps another node`);
      if (n.g === texts[i].g && !inside(texts[i].r, n.r)) overlaps.push(`text "${texts[i].text}" sticks out of its node`);
    }
  }
  const fontPx = texts.length ? Math.min(...texts.map((t) => t.r.height)) : 0;
  return { drawn: true, overlaps, texts: texts.length, smallestTextPx: fontPx };
}

function describePage() {
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length) && !el.closest("details:not([open])");
  const answers = Array.from(document.querySelectorAll(".answer")).filter(visible);
  return {
    title: document.title,
    lang: document.documentElement.lang,
    h1: (document.querySelector("h1") || {}).textContent || "",
    highlighted: document.querySelectorAll(".article-text mark.quote a[href]").length,
    quoteLangs: Array.from(document.querySelectorAll("[lang] mark.quote, blockquote.quote[lang]")).length,
    quotesWithoutLang: Array.from(document.querySelectorAll("blockquote.quote")).filter((q) => !q.closest("[lang]") && !q.lang).length,
    claimCards: document.querySelectorAll(".claim-card").length,
    statusBadges: Array.from(document.querySelectorAll(".badge")).map((b) => b.textContent.trim()),
    answers: answers.map((a) => ({ kind: a.className, text: a.innerText.replace(/\s+/g, " ").trim() })),
    diagram: document.querySelectorAll("figure.diagram svg").length,
    searchResults: Array.from(document.querySelectorAll("#search-results a")).map((a) => a.getAttribute("href")),
    scripts: Array.from(document.scripts).map((s) => s.src || "inline"),
    headerHeight: Math.round((document.querySelector(".site-header") || { getBoundingClientRect: () => ({ height: 0 }) }).getBoundingClientRect().height),
  };
}

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "claimgraph-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    userDataDir: profile,
    protocolTimeout: 60000,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--no-first-run", "--disable-sync", "--disable-dev-shm-usage", "--allow-file-access-from-files",
      "--hide-scrollbars", "--font-render-hinting=none"],
  });
  const report = { pages: [], overflow: [], overlaps: [], checked: 0, diagrams: 0 };
  const started = Date.now();
  try {
    const page = await browser.newPage();
    let errors = [];
    page.on("console", (msg) => { if (msg.type() === "error") errors.push("console: " + msg.text()); });
    page.on("pageerror", (err) => errors.push("page error: " + err.message));
    page.on("requestfailed", (req) => errors.push("request failed: " + req.url()));

    // 1. The chosen pages, in depth.
    for (const spec of PAGES) {
      for (const lang of spec.langs || LANGS) {
        for (const w of WIDTHS) {
          await page.setViewport({ width: w.width, height: w.height, isMobile: !!w.mobile, hasTouch: !!w.mobile });
          errors = [];
          const url = pathToFileURL(path.join(siteDir, lang + spec.path)).href + (spec.query || "");
          await page.goto(url, { waitUntil: "load", timeout: 30000 });
          const shows = await page.evaluate(describePage);
          const name = `${spec.name}-${lang ? "de" : "en"}-${w.width}`;
          const shot = path.join(shotDir, name + ".png");
          const png = await page.screenshot({ path: shot, fullPage: true });
          const blank = await inkFraction(page, Buffer.from(png));
          if (docsShotDir && spec.docs) {
            // The first screen only: what a reader sees on opening the page.
            await page.screenshot({ path: path.join(docsShotDir, `${spec.docs}-${lang ? "de" : "en"}-${w.width}.png`) });
          }
          let violations = [];
          if (spec.axe !== false) {
            await page.evaluate(axeSource);
            const axe = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
            violations = axe.violations.map((v) => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
            }));
          }
          report.pages.push({ name: spec.name, lang: lang ? "de" : "en", width: w.width, path: lang + spec.path, errors, shows, screenshot: shot, ink: blank.ink, colours: blank.colours, violations });
        }
      }
    }

    // 2. Every page of the site at both widths: no sideways scrolling; diagrams whole.
    const all = walk(siteDir);
    for (const w of WIDTHS) {
      await page.setViewport({ width: w.width, height: w.height, isMobile: !!w.mobile, hasTouch: !!w.mobile });
      for (const rel of all) {
        if (Date.now() - started > 420000) throw new Error("the page walk took longer than 7 minutes");
        await page.goto(pathToFileURL(path.join(siteDir, rel)).href, { waitUntil: "load", timeout: 30000 });
        const overflow = await page.evaluate(measureOverflow);
        const diagram = await page.evaluate(measureDiagram);
        report.checked++;
        if (overflow) report.overflow.push({ page: rel, width: w.width, ...overflow });
        if (diagram.drawn) {
          report.diagrams++;
          if (w.width >= 1000) diagram.overlaps.forEach((o) => report.overlaps.push({ page: rel, width: w.width, overlap: o }));
          report.smallestDiagramTextPx = Math.min(report.smallestDiagramTextPx || 99, diagram.smallestTextPx);
        }
      }
    }
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(report));
}

main().catch((e) => { console.error(e && e.stack || String(e)); process.exit(1); });
