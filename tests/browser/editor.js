// Reviews a pasted article in the editor (`claimgraph serve --edit`) in Debian's headless
// Chromium, as a reporter would: logs in, pastes the article, then on the review page
// accepts two drafted claims by keyboard, fixes the first one's claimant, rejects the
// third, adds a claim by selecting words in the article, and saves. Screenshots the review
// page at 1280 and 390 px before saving. Reports JSON on stdout: what the page showed at
// each width (highlights, cards, horizontal overflow, axe-core violations), the console
// errors, and what the saved page said.
//
// usage: node editor.js BASE_URL SHOT_DIR CHROMIUM_PATH TOKEN ARTICLE_FILE SELECTION CLAIMANT
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const puppeteer = require("puppeteer-core");

const [base, shotDir, chromium, token, articleFile, selection, claimant] = process.argv.slice(2);
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

async function submit(page, selector) {
  await Promise.all([
    page.waitForNavigation({ waitUntil: "load", timeout: 30000 }),
    page.click(selector),
  ]);
}

// What the page showed, and the errors it logged (printed on failure too).
const report = { errors: [], widths: [] };

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
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    page.on("console", (msg) => {
      if (msg.type() === "error" && !/favicon/.test(msg.location().url || "")) { report.errors.push("console: " + msg.text()); }
    });
    page.on("pageerror", (err) => report.errors.push("page error: " + err.message));
    page.on("request", (req) => {
      if (!req.url().startsWith(base)) { report.errors.push("left the server: " + req.url()); }
    });

    // Log in.
    await page.goto(base + "/edit", { waitUntil: "load", timeout: 30000 });
    report.loginPage = new URL(page.url()).pathname;
    await page.type("#login-reviewer", "Rita Reporter");
    await page.type("#login-token", token);
    await submit(page, ".edit-login button[type=submit]");

    // Paste the article with its metadata.
    const text = fs.readFileSync(articleFile, "utf8");
    await page.type("#new-title", "Britain orders telecom operators to strip ZTE gear");
    await page.type("#new-publisher", "Example Telegraph");
    await page.type("#new-date", "2026-03-10");
    await page.type("#new-url", "https://news.example/zte");
    await page.select("#new-language", "en");
    await page.$eval("#new-text", (el, value) => { el.value = value; el.dispatchEvent(new Event("input")); }, text);
    await submit(page, ".new-article button[type=submit]");
    report.reviewUrl = new URL(page.url()).pathname;
    report.drafted = await page.$$eval(".claim-card", (cards) => cards.map((c) => ({
      id: c.querySelector(".card-id").textContent,
      claimant: c.querySelector("input.claimant").value,
    })));

    // Keyboard: the first claim, accept, accept, reject.
    await page.focus("#keys");
    await page.evaluate(() => document.activeElement.blur());
    for (const key of ["j", "a", "a", "r"]) { await page.keyboard.press(key); }
    report.currentAfterKeys = await page.$eval(".claim-card.current", (c) => c.dataset.index);

    // Fix the first claim's claimant with the type-ahead field.
    await page.click("#c0-claimant", { clickCount: 3 });
    await page.keyboard.press("Backspace");
    await page.type("#c0-claimant", claimant);
    await page.$eval("#c0-statement", (el) => { el.value = ""; });
    await page.type("#c0-statement", "The British government ordered mobile operators to remove ZTE equipment from their 5G networks by 2027.");

    // Add a claim by selecting words in the article.
    const selected = await page.evaluate((wanted) => {
      const root = document.getElementById("article-text");
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      const nodes = [];
      let all = "";
      for (let n = walker.nextNode(); n; n = walker.nextNode()) { nodes.push([n, all.length]); all += n.data; }
      const at = all.indexOf(wanted);
      if (at < 0) { return null; }
      const point = (offset) => {
        for (let i = nodes.length - 1; i >= 0; i--) {
          if (nodes[i][1] <= offset) { return [nodes[i][0], offset - nodes[i][1]]; }
        }
        return null;
      };
      const range = document.createRange();
      range.setStart(...point(at));
      range.setEnd(...point(at + wanted.length));
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      return sel.toString();
    }, selection);
    report.selected = selected;
    await page.waitForFunction(() => !document.getElementById("add-from-selection").disabled, { timeout: 5000 });
    await page.click("#add-from-selection");
    const added = await page.$eval("#new-claims .claim-card", (c) => c.dataset.index);
    await page.type("#c" + added + "-claimant", "ncsc");
    await page.$eval("#c" + added + "-statement", (el) => { el.value = ""; });
    await page.type("#c" + added + "-statement", "The NCSC says ZTE's base stations can be updated remotely without the operators' knowledge.");
    await page.select("#c" + added + "-kind", "allegation");
    await page.type("#c" + added + "-about", "zte");
    report.addedQuote = await page.$eval("#c" + added + "-quote", (el) => el.value);

    // The page at both widths, decisions made, before saving.
    for (const width of [1280, 390]) {
      await page.setViewport({ width, height: width > 500 ? 900 : 844 });
      await page.evaluate(() => window.scrollTo(0, 0));
      const shows = await page.evaluate(() => ({
        marks: document.querySelectorAll("#article-text mark").length,
        cards: document.querySelectorAll(".claim-card").length,
        accepted: document.querySelectorAll(".claim-card.decision-accept").length,
        rejected: document.querySelectorAll(".claim-card.decision-reject").length,
        overflow: document.documentElement.scrollWidth - window.innerWidth,
        scripts: Array.from(document.querySelectorAll("#article-text script, #article-text img")).length,
      }));
      const shot = path.join(shotDir, "editor-review-" + width + ".png");
      await page.screenshot({ path: shot });
      await page.evaluate(axeSource);
      const axe = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      const violations = axe.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
      }));
      report.widths.push({ width, shows, screenshot: shot, violations });
    }
    await page.setViewport({ width: 1280, height: 900 });

    await submit(page, "#save");
    report.saved = await page.evaluate(() => ({
      url: location.pathname + location.search,
      notice: (document.getElementById("saved") || {}).textContent || "",
      problems: (document.getElementById("not-imported") || {}).textContent || "",
      fieldErrors: Array.from(document.querySelectorAll(".field-error")).map((e) => (e.dataset.field || "") + ": " + e.textContent),
    }));
    await page.close();
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(report, null, 1));
}

main().catch((err) => {
  console.error(err && err.stack || String(err));
  console.error("page errors: " + JSON.stringify(report.errors));
  process.exit(1);
});
