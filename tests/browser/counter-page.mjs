// The counter page as a person uses it: opens output/index.html from file:// in Debian's
// headless Chromium and checks that every link resolves to a file of the build, every
// thumbnail loads, typing part of a name narrows the tiles to the right one, the page works
// without JavaScript, and saves screenshots at desktop and phone width.
//
// usage: node counter-page.mjs OUTPUT_DIR [SCREENSHOT_DIR]
import { chromium } from "playwright-core";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const out = resolve(process.argv[2] ?? "output");
const shots = resolve(process.argv[3] ?? out);
const index = pathToFileURL(resolve(out, "index.html")).href;
let passed = 0;
let failed = 0;
const check = (ok, what) => {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? "ok" : "FAILED"}  ${what}`);
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(index, { waitUntil: "load" });

  const links = await page.$$eval("a[href]", (as) => as.map((a) => a.href));
  const local = links.filter((h) => h.startsWith("file:"));
  check(local.length > 0, `${local.length} links to files of the build`);
  for (const href of local) check(existsSync(fileURLToPath(href)), `link resolves: ${href}`);

  const images = await page.$$eval("img", (is) =>
    is.map((i) => ({ src: i.src, loaded: i.complete && i.naturalWidth > 0, alt: i.alt, lang: i.lang })),
  );
  for (const i of images) check(i.loaded && i.alt !== "" && i.lang !== "", `thumbnail loads, with alt text: ${i.src}`);

  const tiles = await page.$$eval(".tile", (ts) => ts.length);
  for (const [typed, tag] of [["한국어", "ko"], ["Tiếng", "vi"], ["ネパール", "ne"], ["pt-BR", "pt-BR"], ["韓国", "ko"]]) {
    await page.fill("#q", "");
    await page.locator("#q").pressSequentially(typed);
    const shown = await page.$$eval(".tile:not([hidden]) h2 span", (s) => s.map((x) => x.lang));
    check(shown.length === 1 && shown[0] === tag, `typing "${typed}" leaves only ${tag} (shown: ${shown.join(", ")})`);
  }
  await page.fill("#q", "");
  const all = await page.$$eval(".tile:not([hidden])", (ts) => ts.length);
  check(all === tiles, `an empty filter shows all ${tiles} tiles again`);

  // keyboard: from the top of the page, Tab goes to the filter field, then to a PDF link
  await page.reload({ waitUntil: "load" });
  await page.keyboard.press("Tab");
  check(await page.evaluate(() => document.activeElement?.id === "q"), "Tab reaches the filter field");
  await page.keyboard.press("Tab");
  check(
    await page.evaluate(() => document.activeElement?.tagName === "A" && document.activeElement.href.endsWith(".pdf")),
    "the next Tab reaches a PDF link",
  );

  await page.screenshot({ path: resolve(shots, "index-desktop.png"), fullPage: false });
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  check(!overflow, "no sideways scrolling at phone width (and so at 200 % zoom)");
  await page.screenshot({ path: resolve(shots, "index-phone.png"), fullPage: false });

  const plain = await browser.newPage({ javaScriptEnabled: false });
  await plain.goto(index, { waitUntil: "load" });
  const visible = await plain.$$eval(".tile:not([hidden])", (ts) => ts.length);
  check(visible === tiles, `without JavaScript all ${tiles} tiles are listed`);
  check(await plain.$eval("#q", (q) => q.hidden), "without JavaScript the filter field is hidden");
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
