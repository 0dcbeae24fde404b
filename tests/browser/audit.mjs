// The counter page as an auditor sees it: axe-core (WCAG 2.2 A/AA rules) in Debian's headless
// Chromium, and Lighthouse (mobile) for performance, accessibility and best practices, on the
// page served over HTTP from localhost (as a web server publishes it).
//
// usage: node audit.mjs URL   (e.g. http://127.0.0.1:8765/index.html)
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";

const url = process.argv[2];
const require = createRequire(import.meta.url);
const axeSource = require("fs").readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const chromePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
let failed = 0;
const check = (ok, what) => {
  if (!ok) failed++;
  console.log(`${ok ? "ok" : "FAILED"}  ${what}`);
};

// axe, at desktop and phone width
const browser = await chromium.launch({ executablePath: chromePath, args: flags });
try {
  for (const width of [1280, 390]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(url, { waitUntil: "load" });
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(() =>
      window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } }));
    for (const v of result.violations) console.log(`  axe ${v.id}: ${v.help} (${v.nodes.length})`);
    check(result.violations.length === 0, `axe at ${width} px: ${result.violations.length} violation(s), ${result.passes.length} rule(s) pass`);
  }
} finally {
  await browser.close();
}

// Lighthouse, mobile (its default)
const chrome = await chromeLauncher.launch({ chromePath, chromeFlags: flags });
try {
  const { lhr } = await lighthouse(url, { port: chrome.port, output: "json", logLevel: "error",
    onlyCategories: ["performance", "accessibility", "best-practices"] });
  const score = (c) => Math.round(lhr.categories[c].score * 100);
  for (const [c, min] of [["performance", 95], ["accessibility", 100], ["best-practices", 100]]) {
    check(score(c) >= min, `Lighthouse mobile ${c}: ${score(c)} (at least ${min})`);
  }
  for (const a of Object.values(lhr.audits)) {
    if (a.score !== null && a.score < 1 && a.scoreDisplayMode !== "informative" && a.scoreDisplayMode !== "notApplicable") {
      console.log(`  lighthouse ${a.id}: ${a.title} (${a.displayValue ?? a.score})`);
    }
  }
} finally {
  await chrome.kill();
}
process.exit(failed === 0 ? 0 : 1);
