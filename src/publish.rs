//! Publish stage: what goes out beside the PDFs of a run, built from what the run wrote:
//! `manifest.json` (for CI, mail merge, publishing), `SHA256SUMS` (for `sha256sum -c`) and
//! `index.html` (the counter page: pick a language, print). Data in, text out; the writer
//! (`writer`) writes the files.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::content::{self, Level, Topic, validate};
use crate::qr;

/// The files written beside the PDFs, and the folder of the page previews.
pub const MANIFEST: &str = "manifest.json";
pub const SHA256SUMS: &str = "SHA256SUMS";
pub const INDEX: &str = "index.html";
pub const PREVIEWS: &str = "previews";
/// The folder of the page-1 thumbnails the counter page shows.
pub const THUMBNAILS: &str = "thumbnails";
/// The folder of the QR codes of the hosted PDFs (`--base-url`), for the counter page.
pub const QR: &str = "qr";
/// The folders of an output folder that hold files of the leaflets.
pub const FOLDERS: [&str; 3] = [PREVIEWS, THUMBNAILS, QR];
/// A thumbnail's width in pixels: it is shown 120 CSS pixels wide, twice that for sharp
/// displays.
pub const THUMBNAIL_WIDTH_PX: f64 = 240.0;

/// The images of a leaflet of `pages` pages named `stem`: its page-1 thumbnail, then, with
/// `previews` (`build --previews`), a 72-dpi preview of every page.
pub fn image_names(stem: &str, pages: usize, previews: bool) -> Vec<String> {
    let mut names = vec![format!("{THUMBNAILS}/{stem}.png")];
    if previews {
        names.extend((1..=pages).map(|n| format!("{PREVIEWS}/{stem}-{n}.png")));
    }
    names
}

/// One leaflet of the output folder, as it is published: written (or kept up to date) by
/// this run, or kept from an earlier build.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Entry {
    /// The PDF, relative to the output folder.
    pub file: String,
    pub topic: String,
    pub template: String,
    /// The template's name in the staff's language (Japanese), e.g. よくある質問.
    pub template_name: String,
    pub language: Language,
    /// The leaflet's title, in its language.
    pub title: String,
    /// The leaflet's level (`source`, `draft`, `partly-reviewed` or `reviewed`: what the
    /// review records of the blocks it prints say).
    pub translation: String,
    pub edition: String,
    pub pages: usize,
    pub bytes: usize,
    pub sha256: String,
    /// The type size it was set at to fit its pages (1.0 = the template's sizes).
    pub type_scale: f64,
    /// The page-1 thumbnail (PNG, relative to the output folder), for the counter page.
    #[serde(default)]
    pub thumbnail: Option<String>,
    /// A PNG of every page, relative to the output folder (`build --previews`).
    pub previews: Vec<String>,
    /// The key of everything it was made from (see `reuse`): a build that finds the same
    /// key, and the files as listed here, keeps them.
    pub input: Option<String>,
    /// Not made by the run that wrote this manifest: it failed, or was not asked for
    /// (`--lang`), and the good leaflet of an earlier build stays published until a new
    /// one replaces it.
    #[serde(default)]
    pub from_earlier_build: bool,
    /// The consultation center whose edition it is (`content/centers/<id>.toml`).
    #[serde(default)]
    pub center: Option<String>,
}

impl Entry {
    /// Its images: the thumbnail, then the previews.
    pub fn images(&self) -> Vec<String> {
        self.thumbnail
            .iter()
            .chain(&self.previews)
            .cloned()
            .collect()
    }

    /// The leaflet's level, as published.
    pub fn level(&self) -> Level {
        Level::from_key(&self.translation).unwrap_or(Level::Draft)
    }
}

/// A language as a counter needs it: its tag, its name in its own script, and its name in
/// the staff's language.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Language {
    pub tag: String,
    pub name: String,
    pub name_ja: String,
    /// Where it stands in the order a counter looks for it (the MHLW leaflet's order).
    #[serde(skip)]
    pub order: usize,
    /// Other names a clerk may type to find it (`[counter-search]` of facts.toml: its
    /// English name, common other names).
    #[serde(skip)]
    pub search: Vec<String>,
}

/// The language the staff read at the counter: names of languages and templates come from
/// its file.
pub const STAFF_LANGUAGE: &str = "ja";

/// Where language `tag` stands in the topic's `counter-order` (others after, by tag).
pub fn counter_order(topic: &Topic, tag: &str) -> usize {
    let order = &topic.facts.counter_order;
    order.iter().position(|t| t == tag).unwrap_or(order.len())
}

/// A language as the counter page shows it: its own name, its name in the staff's language
/// (`[language-names]` of ja.toml: the tag, else its language subtag), its place in the
/// topic's `counter-order`.
pub fn language(topic: &Topic, lang: &content::Lang) -> Language {
    let staff = topic.langs.get(STAFF_LANGUAGE);
    let named = |key: &str| {
        staff
            .and_then(|l| l.blocks.get(validate::LANGUAGE_NAMES))
            .and_then(|b| b.fields.get(key))
            .and_then(|f| match f.get_ref() {
                content::Field::Text(t) => Some(t.clone()),
                content::Field::List(_) => None,
            })
    };
    let primary = lang.tag.split('-').next().unwrap_or(&lang.tag);
    Language {
        tag: lang.tag.clone(),
        name: lang.name.clone(),
        name_ja: named(&lang.tag)
            .or_else(|| named(primary))
            .unwrap_or_else(|| lang.tag.clone()),
        order: counter_order(topic, &lang.tag),
        search: topic
            .facts
            .counter_search
            .get(&lang.tag)
            .cloned()
            .unwrap_or_default(),
    }
}

/// A template's name in the staff's language: the `label` of its `[<template>-header]`.
pub fn template_name(topic: &Topic, template: &str) -> String {
    let header = format!("{template}-header");
    [STAFF_LANGUAGE, topic.facts.source_language.as_str()]
        .iter()
        .filter_map(|tag| {
            topic
                .langs
                .get(*tag)?
                .blocks
                .get(&header)?
                .fields
                .get("label")
        })
        .find_map(|f| match f.get_ref() {
            content::Field::Text(t) => Some(t.clone()),
            content::Field::List(_) => None,
        })
        .unwrap_or_else(|| template.to_owned())
}

/// The SHA-256 of `bytes`, as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// `manifest.json`: every leaflet of the run, in file order.
pub fn manifest(entries: &[Entry]) -> String {
    #[derive(Serialize)]
    struct Manifest<'a> {
        generator: String,
        leaflets: &'a [Entry],
    }
    let m = Manifest {
        generator: format!("leafpress {}", env!("CARGO_PKG_VERSION")),
        leaflets: entries,
    };
    let mut text = serde_json::to_string_pretty(&m).unwrap_or_default();
    text.push('\n');
    text
}

/// `SHA256SUMS`, as `sha256sum -c` reads it: `<hex>  <file>` per line, sorted by file. A
/// name with a backslash or a line break is written as GNU coreutils writes it (the line
/// starts with `\\`, and `\\`, `\n`, `\r` are escaped), so that it cannot break the file.
pub fn sha256sums(files: &[(String, String)]) -> String {
    let mut files = files.to_vec();
    files.sort_by(|a, b| a.1.cmp(&b.1));
    files
        .iter()
        .map(|(sum, f)| {
            if f.contains(['\\', '\n', '\r']) {
                let f = f
                    .replace('\\', "\\\\")
                    .replace('\n', "\\n")
                    .replace('\r', "\\r");
                format!("\\{sum}  {f}\n")
            } else {
                format!("{sum}  {f}\n")
            }
        })
        .collect()
}

/// The lines of a `SHA256SUMS` as (file, sum), escapes undone (see [`sha256sums`]).
pub fn read_sha256sums(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let (escaped, line) = match line.strip_prefix('\\') {
                Some(rest) => (true, rest),
                None => (false, line),
            };
            let (sum, file) = line.split_once("  ")?;
            let file = if escaped {
                let mut out = String::new();
                let mut chars = file.chars();
                while let Some(c) = chars.next() {
                    match (c, c == '\\') {
                        (_, true) => match chars.next() {
                            Some('n') => out.push('\n'),
                            Some('r') => out.push('\r'),
                            Some(other) => out.push(other),
                            None => {}
                        },
                        (c, false) => out.push(c),
                    }
                }
                out
            } else {
                file.to_owned()
            };
            Some((file, sum.to_owned()))
        })
        .collect()
}

/// What the counter page says in its own words (Japanese for the staff, English beside it),
/// by level (`Level::key`).
const STATUS: [(&str, &str, &str); 4] = [
    ("source", "原文", "source text"),
    (
        "reviewed",
        "翻訳（確認済み）",
        "translation reviewed by a native speaker",
    ),
    (
        "partly-reviewed",
        "翻訳（一部のみ確認済み）",
        "translation partly reviewed by a native speaker",
    ),
    (
        "draft",
        "翻訳の下書き（ネイティブ未確認）",
        "draft translation, not yet reviewed by a native speaker",
    ),
];

/// The counter page and the images it links to besides the thumbnails: with `base_url`, a
/// QR code of each hosted PDF (`qr/<leaflet>.svg`, loaded as it scrolls into view, so that
/// a phone does not parse 30 of them before it shows the page).
pub fn counter_page(
    entries: &[Entry],
    base_url: Option<&str>,
    center: Option<&str>,
) -> (String, Vec<(String, Vec<u8>)>) {
    let mut qr_files = Vec::new();
    if let Some(base) = base_url {
        for e in entries {
            let url = format!("{}/{}", base.trim_end_matches('/'), url_path(&e.file));
            if let Ok(svg) = qr::svg(&url) {
                qr_files.push((qr_file(&e.file), svg.into_bytes()));
            }
        }
    }
    (index_html(entries, base_url, center), qr_files)
}

/// Where the counter page's QR code of `file` (a PDF) is.
fn qr_file(file: &str) -> String {
    format!("{QR}/{}.svg", file.trim_end_matches(".pdf"))
}

/// `index.html`: one tile per language, in the order a counter looks for it, each with the
/// page-1 thumbnail and a link per template; a filter field (a few lines of JavaScript;
/// without it the page lists everything). Self-contained but for its images: inline CSS,
/// no fonts, nothing fetched from elsewhere. With `base_url`, each template link also gets a
/// QR code of the hosted PDF (an image of [`counter_page`]).
pub fn index_html(entries: &[Entry], base_url: Option<&str>, center: Option<&str>) -> String {
    let mut langs: Vec<&Language> = entries.iter().map(|e| &e.language).collect();
    langs.sort_by(|a, b| (a.order, &a.tag).cmp(&(b.order, &b.tag)));
    langs.dedup_by(|a, b| a.tag == b.tag);
    let mut editions: Vec<&str> = entries.iter().map(|e| e.edition.as_str()).collect();
    editions.sort();
    editions.dedup();

    let mut h = String::new();
    h.push_str(HEAD);
    let _ = write!(
        h,
        "<header>\n<h1>マイナ保険証のリーフレット <span lang=\"en\">Leaflets: the My Number Card as health insurance card</span></h1>\n{}\
         <p>版 <span lang=\"en\">Edition</span>: {}</p>\n\
         </header>\n\
         <search class=\"find\"><label for=\"q\">言語をさがす <span lang=\"en\">Find a language</span></label>\
         <input id=\"q\" type=\"search\" autocomplete=\"off\" placeholder=\"korean, ベトナム, Tiếng Việt, ねぱーる, pt-BR …\"></search>\n\
         <main>\n<p id=\"none\" class=\"none\" role=\"status\" hidden>該当する言語がありません <span lang=\"en\">No language matches</span> \
         <button type=\"button\" id=\"all\">すべて表示 <span lang=\"en\">Show all</span></button></p>\n<ul class=\"tiles\">\n",
        center.map_or(String::new(), |c| format!(
            "<p class=\"center\" lang=\"ja\">{}</p>\n",
            esc(c)
        )),
        esc(&editions.join(", "))
    );
    for (i, lang) in langs.into_iter().enumerate() {
        // the first tiles' thumbnails are in view at once; the others load as they scroll in
        let lazy = if i < 4 { "" } else { " loading=\"lazy\"" };
        let mine: Vec<&Entry> = entries
            .iter()
            .filter(|e| e.language.tag == lang.tag)
            .collect();
        // every name a clerk may type: its own, Japanese, English and other names, its tag
        // (the script normalizes case, accents and kana)
        let mut words = vec![lang.name.as_str(), lang.name_ja.as_str(), lang.tag.as_str()];
        words.extend(lang.search.iter().map(String::as_str));
        let search = words.join(" ");
        let _ = write!(
            h,
            "<li class=\"tile\" data-search=\"{}\">\n<h2><span lang=\"{}\">{}</span></h2>\n\
             <p class=\"ja\" lang=\"ja\">{} <span class=\"tag\" lang=\"en\">{}</span></p>\n",
            esc(&search),
            esc(&lang.tag),
            esc(&lang.name),
            esc(&lang.name_ja),
            esc(&lang.tag)
        );
        let first = mine[0];
        // One status for the tile when its leaflets agree; else the tile says "partly
        // reviewed" and each leaflet its own.
        let same = mine.iter().all(|e| e.level() == first.level());
        let level = if same {
            first.level()
        } else {
            Level::PartlyReviewed
        };
        let _ = write!(
            h,
            "<p class=\"status {}\">{} · {}</p>\n<ul class=\"docs\">\n",
            level.key(),
            status_words(level),
            esc(&first.edition)
        );
        for e in mine {
            // a number and its unit never apart ("145 kB", "2 ページ")
            let size = format!("{:.0}\u{a0}kB", e.bytes as f64 / 1000.0);
            let _ = write!(h, "<li><a href=\"{file}\">", file = esc(&url_path(&e.file)));
            if let Some(thumb) = &e.thumbnail {
                let _ = write!(
                    h,
                    "<img src=\"{}\" width=\"120\" height=\"170\" decoding=\"async\"{lazy} alt=\"{}\" lang=\"{}\">",
                    esc(&url_path(thumb)),
                    esc(&format!("{} (1 / {})", e.title, e.pages)),
                    esc(&lang.tag)
                );
            }
            let level = if same {
                String::new()
            } else {
                format!(
                    " <span class=\"status {}\">{}</span>",
                    e.level().key(),
                    status_words(e.level())
                )
            };
            let _ = write!(
                h,
                "<span class=\"doc\">{} <span class=\"meta\">PDF · {}\u{a0}ページ <span lang=\"en\">pages</span> · {}{level}</span></span></a>",
                esc(&e.template_name),
                e.pages,
                size
            );
            if let Some(base) = base_url {
                let url = format!("{}/{}", base.trim_end_matches('/'), url_path(&e.file));
                let _ = write!(
                    h,
                    "<figure class=\"qr\"><img src=\"{src}\" width=\"104\" height=\"104\" loading=\"lazy\" decoding=\"async\" alt=\"QR: {u}\"><figcaption>スマホで持ち帰る <span lang=\"en\">Take it on your phone</span><br><a href=\"{u}\">{shown}</a></figcaption></figure>",
                    src = esc(&url_path(&qr_file(&e.file))),
                    u = esc(&url),
                    // an address breaks after a / or a . only, never inside a word
                    shown = esc(&url).replace('/', "/<wbr>").replace('.', ".<wbr>")
                );
            }
            h.push_str("</li>\n");
        }
        h.push_str("</ul>\n</li>\n");
    }
    h.push_str("</ul>\n</main>\n");
    h.push_str(SCRIPT);
    h.push_str("</body>\n</html>\n");
    h
}

/// A level in the counter page's words: Japanese, then English.
fn status_words(level: Level) -> String {
    let (ja, en) = STATUS
        .iter()
        .find(|(k, _, _)| *k == level.key())
        .map_or(("", ""), |(_, ja, en)| (*ja, *en));
    format!("{ja} <span lang=\"en\">{en}</span>")
}

/// A file name as a relative URL path: every byte that is not an unreserved character or a
/// `/` percent-encoded (`a#b?c d.pdf` → `a%23b%3Fc%20d.pdf`), so that a name can never
/// become a fragment, a query or another path.
pub fn url_path(file: &str) -> String {
    let mut out = String::with_capacity(file.len());
    for b in file.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Escapes text for HTML content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const HEAD: &str = r#"<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>リーフレット一覧 · Leaflets</title>
<noscript><style>body .find { display: none; }</style></noscript>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%230e4d64'/%3E%3Crect x='4' y='3' width='8' height='10' rx='1' fill='%23fff'/%3E%3C/svg%3E">
<style>
:root { color-scheme: light; --ink: #1b262c; --accent: #0e4d64; --tint: #e8f1f3; --rule: #8aa9b3; }
* { box-sizing: border-box; }
body { margin: 0; font: 1rem/1.5 system-ui, sans-serif; color: var(--ink); background: #fff; }
header { padding: 1rem 1.25rem; background: var(--accent); color: #fff; }
h1 { margin: 0 0 .25rem; font-size: 1.35rem; line-height: 1.3; }
h1 span { display: block; font-size: .95rem; font-weight: normal; }
header p { margin: .25rem 0; }
.find { display: block; position: sticky; top: 0; z-index: 1; padding: .6rem 1.25rem; background: #fff; border-bottom: 1px solid var(--rule); box-shadow: 0 2px 4px rgb(0 0 0 / 8%); }
.find label { display: block; font-weight: bold; }
.find input { width: 100%; max-width: 28rem; font-size: 1.15rem; padding: .45rem .6rem; border: 2px solid var(--accent); border-radius: .3rem; }
.none { font-size: 1.1rem; }
.none button { font: inherit; margin-left: .5rem; padding: .3rem .8rem; border: 2px solid var(--accent); border-radius: .3rem; background: #fff; color: var(--accent); cursor: pointer; }
main { padding: 1rem 1.25rem 2rem; }
.tiles { list-style: none; margin: 0; padding: 0; display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(min(100%, 19rem), 1fr)); }
.tile { border: 1px solid var(--rule); border-radius: .5rem; padding: .8rem 1rem 1rem; }
.tile[hidden] { display: none; }
.tile h2 { margin: 0; font-size: 1.9rem; line-height: 1.35; }
.ja { margin: 0 0 .3rem; font-size: 1.1rem; }
.tag { color: #4a5a60; font-size: .9rem; margin-left: .4rem; }
.status { margin: 0 0 .6rem; font-size: .9rem; padding: .2rem .45rem; border-radius: .25rem; background: var(--tint); }
.status.draft, .status.partly-reviewed { background: #fff4d6; border: 1px solid #c9a227; }
.meta .status { display: block; margin: .2rem 0 0; }
.docs { list-style: none; margin: 0; padding: 0; display: grid; gap: .6rem; }
.docs a { color: var(--accent); }
.docs > li > a { display: flex; gap: .75rem; align-items: flex-start; text-decoration: none; border-radius: .3rem; padding: .25rem; }
.docs > li > a:hover .doc, .docs > li > a:focus .doc { text-decoration: underline; }
a:focus-visible, input:focus-visible, button:focus-visible { outline: 3px solid #b35900; outline-offset: 2px; }
.docs img { border: 1px solid var(--rule); background: #fff; flex: none; width: 7.5rem; height: auto; }
.doc { font-weight: bold; font-size: 1.05rem; }
.meta { display: block; font-weight: normal; font-size: .9rem; color: var(--ink); }
.qr { margin: .4rem 0 0; display: flex; gap: .6rem; align-items: center; font-size: .85rem; }
.qr img { width: 6.5rem; height: 6.5rem; flex: none; }
.qr a { overflow-wrap: anywhere; }
</style>
</head>
<body>
"#;

const SCRIPT: &str = r#"<script>
// The filter (hidden without JavaScript, so that the page then simply lists everything). A
// language is found by any of its names (its own, Japanese, English, other names, its tag),
// whatever the case, the accents (tieng viet: Tiếng Việt) or the kana (ねぱーる: ネパール).
const norm = (s) => s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
  .replace(/đ/g, "d").replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60))
  .replace(/\s+/g, " ");
const find = document.querySelector(".find");
const q = document.getElementById("q");
const none = document.getElementById("none");
const tiles = Array.from(document.querySelectorAll(".tile"), (t) => [t, norm(t.dataset.search)]);
const filter = () => {
  const v = norm(q.value.trim());
  let shown = 0;
  for (const [t, words] of tiles) {
    t.hidden = v !== "" && !words.includes(v);
    if (!t.hidden) shown++;
  }
  none.hidden = shown > 0;
};
q.addEventListener("input", filter);
document.getElementById("all").addEventListener("click", () => { q.value = ""; filter(); q.focus(); });
</script>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_a_known_text() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn names_are_escaped_for_links_and_checksums() {
        assert_eq!(url_path("a#b?c d/é.pdf"), "a%23b%3Fc%20d/%C3%A9.pdf");
        let files = vec![
            ("0".repeat(64), "plain.pdf".to_owned()),
            ("1".repeat(64), "new\nline\\x.pdf".to_owned()),
        ];
        let text = sha256sums(&files);
        assert_eq!(
            text,
            format!(
                "\\{}  new\\nline\\\\x.pdf\n{}  plain.pdf\n",
                "1".repeat(64),
                "0".repeat(64)
            )
        );
        let back = read_sha256sums(&text);
        assert_eq!(back[0], ("new\nline\\x.pdf".to_owned(), "1".repeat(64)));
        assert_eq!(back[1], ("plain.pdf".to_owned(), "0".repeat(64)));
    }

    #[test]
    fn html_escapes_content() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
