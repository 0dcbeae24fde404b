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

  // (thumbnails below the fold and the QR codes load lazily: load them all before looking)
  await page.$$eval("img", (is) => is.forEach((i) => { i.loading = "eager"; }));
  await page.waitForFunction(() => [...document.images].every((i) => i.complete), null, { timeout: 20000 });
  const images = await page.$$eval("img", (is) =>
    is.map((i) => ({
      src: i.src, loaded: i.complete && i.naturalWidth > 0, alt: i.alt, lang: i.lang,
      natural: i.naturalWidth, shown: i.getBoundingClientRect().width,
    })),
  );
  const thumbnails = images.filter((i) => i.src.includes("/thumbnails/"));
  const qrs = images.filter((i) => i.src.includes("/qr/"));
  check(thumbnails.length === local.filter((h) => h.endsWith(".pdf")).length,
    `a thumbnail per PDF (${thumbnails.length})`);
  // (a thumbnail's alt text is in the leaflet's language, marked; a QR code's is its address)
  for (const i of thumbnails) check(i.loaded && i.alt !== "" && i.lang !== "", `thumbnail loads, with alt text in its language: ${i.src}`);
  for (const i of qrs) check(i.loaded && i.alt.includes("https://"), `QR code loads, with its address as alt text: ${i.src}`);
  // a thumbnail is made at the size it is shown (twice that, for sharp displays), not a
  // full page; a QR code is a vector drawing, sharp at any size
  for (const i of thumbnails) {
    check(i.natural === 2 * Math.round(i.shown), `thumbnail is ${i.natural} px for ${i.shown} CSS px: ${i.src}`);
  }
  for (const i of qrs) check(i.src.endsWith(".svg") && i.shown >= 96, `QR code is an SVG ${i.shown} CSS px wide: ${i.src}`);

  const tiles = await page.$$eval(".tile", (ts) => ts.length);
  // a clerk types a language's name as they know it: in its script, in Japanese (katakana
  // or hiragana), in English, without accents, in any case
  const cases = [
    ["한국어", ["ko"]], ["Tiếng", ["vi"]], ["ネパール", ["ne"]], ["pt-BR", ["pt-BR"]], ["韓国", ["ko"]],
    ["korean", ["ko"]], ["KOREAN", ["ko"]], ["viet", ["vi"]], ["tieng viet", ["vi"]], ["nepali", ["ne"]],
    ["chinese", ["zh-Hans", "zh-Hant"]], ["burmese", ["my"]], ["khmer", ["km"]], ["brazil", ["pt-BR"]],
    ["ねぱーる", ["ne"]], ["べとなむ", ["vi"]],
  ];
  for (const [typed, tags] of cases) {
    await page.fill("#q", "");
    await page.locator("#q").pressSequentially(typed);
    const shown = await page.$$eval(".tile:not([hidden]) h2 span", (s) => s.map((x) => x.lang));
    const want = tags;
    check(shown.length === want.length && want.every((t) => shown.includes(t)),
      `typing "${typed}" leaves ${want.join(", ")} (shown: ${shown.join(", ")})`);
    check(await page.$eval("#none", (n) => n.hidden), `"${typed}": no "no match" message`);
  }
  // nothing matches: said, with a way back to all
  await page.fill("#q", "");
  await page.locator("#q").pressSequentially("klingon");
  check(await page.$$eval(".tile:not([hidden])", (ts) => ts.length) === 0, "typing \"klingon\" leaves no tile");
  check(await page.$eval("#none", (n) => !n.hidden && n.textContent.includes("No language matches")), "and says that no language matches");
  await page.click("#all");
  const all = await page.$$eval(".tile:not([hidden])", (ts) => ts.length);
  check(all === tiles, `"show all" shows all ${tiles} tiles again`);
  check(await page.$eval("#q", (q) => q.value === "" && document.activeElement === q), "and empties the field, focused");

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
  // the filter stays in view while the clerk scrolls down a phone's long page
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight / 2));
  const top = await page.$eval(".find", (f) => f.getBoundingClientRect().top);
  check(top >= 0 && top < 5, `the filter stays at the top while scrolling (at ${top} px)`);
  await page.screenshot({ path: resolve(shots, "index-phone.png"), fullPage: false });

  const plain = await browser.newPage({ javaScriptEnabled: false });
  await plain.goto(index, { waitUntil: "load" });
  const visible = await plain.$$eval(".tile:not([hidden])", (ts) => ts.length);
  check(visible === tiles, `without JavaScript all ${tiles} tiles are listed`);
  check(await plain.$eval(".find", (f) => getComputedStyle(f).display === "none"), "without JavaScript the filter field is hidden");
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
