//! End to end: the shipped content builds into real PDFs, and what a reader gets is right:
//! pages and size, the facts in every language, QR codes that scan, identical rebuilds,
//! Korean kept whole, text printed as data.

mod common;

use std::collections::BTreeSet;
use std::fs;

use common::*;
use leafpress::batch;

const URLS_PRINTED: [&str; 5] = [
    "https://www.kojinbango-card.go.jp/en-link/",
    "https://www.kojinbango-card.go.jp/en-otoiawase/",
    "https://www.hiecc.or.jp/soudan/info/detail.html?pid=8927241337679",
    "https://www.hiecc.or.jp/soudan",
    "https://www.facebook.com/hiecc.support",
];

const BASE_URL: &str = "https://example.org/leaflets/";

/// The call center's numbers (with both fallbacks and the Japanese line): every leaflet
/// prints them, from the same facts.
const HOTLINE_NUMBERS: [&str; 5] = [
    "0120-0178-27",
    "0120-0178-26",
    "0570-064-738",
    "050-3818-1250",
    "0570-783-578",
];

#[test]
fn build_writes_every_language_as_a_two_page_a4_pdf_and_publishes_it() {
    let out = tempfile::tempdir().unwrap();
    let s = leafpress::settings::Settings {
        base_url: Some(BASE_URL.into()),
        previews: true,
        ..settings(out.path())
    };
    let (written, failed) = batch::build(&s).expect("build runs");
    assert!(!failed, "some leaflet failed");
    let names: BTreeSet<String> = fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pdf"))
        .collect();
    for tag in languages() {
        for template in TEMPLATES {
            assert!(
                names.contains(&format!("mynumber-health-insurance-{template}-{tag}.pdf")),
                "{template}-{tag} missing in {names:?}"
            );
        }
    }
    assert_eq!(
        names.len(),
        languages().len() * TEMPLATES.len(),
        "one PDF per language and template, and nothing else: {names:?}"
    );
    for w in &written {
        let bytes = fs::read(&w.path).unwrap();
        assert!(bytes.starts_with(b"%PDF-"), "{}", w.path.display());
        assert_eq!(bytes.len(), w.bytes);
        // The FAQ is two pages; the guide at most eight, an even number (duplex).
        let guide = w.path.to_string_lossy().contains("-guide-");
        assert!(
            if guide {
                w.pages <= 8 && w.pages.is_multiple_of(2)
            } else {
                (1..=2).contains(&w.pages)
            },
            "{}: {} pages",
            w.path.display(),
            w.pages
        );
        // Small enough to e-mail: all fonts are subset. The Urdu guide is the largest
        // (550 kB: Nastaliq places every glyph of a word on its own), then the Khmer guide
        // and the easy-Japanese one (its furigana: 430 kB).
        let limit = if w.path.to_string_lossy().ends_with("-ur.pdf") {
            600_000
        } else {
            450_000
        };
        assert!(w.bytes < limit, "{}: {} bytes", w.path.display(), w.bytes);
        let pdf = String::from_utf8_lossy(&bytes);
        assert_eq!(
            pdf.matches("/MediaBox[0 0 595.2756 841.8898]").count(),
            w.pages,
            "{}: every page A4",
            w.path.display()
        );
        assert!(
            pdf.contains("/Lang("),
            "{}: no document language",
            w.path.display()
        );
        assert!(
            pdf.contains("/Creator(leafpress)"),
            "{}: creator",
            w.path.display()
        );
        // Exported as PDF/UA-1: typst refuses the export unless title, language, alt text
        // of every QR code and the tag structure are in order.
        assert!(
            pdf.contains("<pdfuaid:part>1</pdfuaid:part>"),
            "{}: PDF/UA-1",
            w.path.display()
        );
        // ... and PDF/A-2a at the same time (archival, accessible level).
        assert!(
            pdf.contains("<pdfaid:part>2</pdfaid:part>")
                && pdf.contains("<pdfaid:conformance>A</pdfaid:conformance>"),
            "{}: PDF/A-2a",
            w.path.display()
        );
    }
    previews_are_png_pages(out.path(), &written);
    thumbnails_are_small_first_pages(out.path(), &written);
    manifest_and_checksums_describe_what_was_written(out.path(), &written);
    counter_page_lists_every_language(out.path());
}

/// Every page has a 595 × 842 px PNG preview (72 dpi, RGB) in previews/ that decodes to a
/// page with something printed on it (even a blank back page has its footer).
fn previews_are_png_pages(out: &std::path::Path, written: &[batch::Written]) {
    for w in written {
        assert_eq!(w.entry.previews.len(), w.pages, "{}", w.entry.file);
        for p in &w.entry.previews {
            let file = fs::File::open(out.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
            let mut reader = png::Decoder::new(std::io::BufReader::new(file))
                .read_info()
                .unwrap_or_else(|e| panic!("{p}: {e}"));
            let mut pixels = vec![0; reader.output_buffer_size().expect("a page-sized buffer")];
            let info = reader
                .next_frame(&mut pixels)
                .unwrap_or_else(|e| panic!("{p}: {e}"));
            assert_eq!((info.width, info.height), (595, 842), "{p}");
            assert_eq!(info.color_type, png::ColorType::Rgb, "{p}");
            let inked = pixels
                .chunks(3)
                .filter(|c| c.iter().any(|&v| v < 200))
                .count();
            assert!(
                inked > 200,
                "{p}: {inked} dark pixels, the page looks blank"
            );
        }
    }
}

/// `text` is printed in a cell over two lines: a cell ends with its beginning, and a cell of
/// one of the next lines starts with the rest.
fn over_two_lines(lines: &[String], text: &str) -> bool {
    let cells = |l: &String| l.split(" | ").map(str::to_owned).collect::<Vec<_>>();
    lines.iter().enumerate().any(|(i, l)| {
        cells(l).iter().any(|a| {
            (1..text.len())
                .filter(|&k| text.is_char_boundary(k) && a.ends_with(&text[..k]))
                .any(|k| {
                    lines[i + 1..(i + 6).min(lines.len())]
                        .iter()
                        .any(|m| cells(m).iter().any(|b| b.starts_with(&text[k..])))
                })
        })
    })
}

/// Every leaflet has a 240 px wide PNG of its first page in thumbnails/ for the counter
/// page, small enough that a page of 46 of them loads fast.
fn thumbnails_are_small_first_pages(out: &std::path::Path, written: &[batch::Written]) {
    for w in written {
        let t = w.entry.thumbnail.as_deref().expect("a thumbnail");
        assert!(t.starts_with("thumbnails/") && t.ends_with(".png"), "{t}");
        let bytes = fs::read(out.join(t)).unwrap_or_else(|e| panic!("{t}: {e}"));
        assert!(bytes.len() < 30_000, "{t}: {} bytes", bytes.len());
        let reader = png::Decoder::new(std::io::Cursor::new(&bytes))
            .read_info()
            .unwrap_or_else(|e| panic!("{t}: {e}"));
        let info = reader.info();
        assert_eq!(info.width, 240, "{t}");
        // A4's proportions
        assert!((338..=340).contains(&info.height), "{t}: {}", info.height);
    }
}

/// manifest.json lists exactly the leaflets written, with their real sizes and hashes, and
/// SHA256SUMS covers every file of the build (as `sha256sum -c` would check it).
fn manifest_and_checksums_describe_what_was_written(
    out: &std::path::Path,
    written: &[batch::Written],
) {
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let leaflets = manifest["leaflets"].as_array().unwrap();
    assert_eq!(leaflets.len(), written.len());
    for l in leaflets {
        let file = l["file"].as_str().unwrap();
        let bytes = fs::read(out.join(file)).unwrap();
        assert_eq!(l["bytes"].as_u64(), Some(bytes.len() as u64), "{file}");
        assert_eq!(
            l["sha256"].as_str(),
            Some(leafpress::publish::sha256_hex(&bytes).as_str())
        );
        assert_eq!(l["topic"], "mynumber-health-insurance");
        let template = l["template"].as_str().unwrap();
        assert!(TEMPLATES.contains(&template), "{file}");
        assert_eq!(l["edition"], "2026-11-21");
        let pages = l["pages"].as_u64().unwrap();
        if template == "faq" {
            assert_eq!(pages, 2, "{file}");
        } else {
            assert!(pages <= 8 && pages.is_multiple_of(2), "{file}: {pages}");
        }
        let tag = l["language"]["tag"].as_str().unwrap();
        assert!(file.ends_with(&format!("-{tag}.pdf")), "{file}");
        let name_ja = l["language"]["name-ja"].as_str().unwrap();
        assert!(
            name_ja.ends_with('語') || name_ja.ends_with('）'),
            "{tag}: {name_ja}"
        );
        let expected = if tag == "en" { "source" } else { "draft" };
        assert_eq!(l["translation"], expected, "{tag}");
        let scale = l["type-scale"].as_f64().unwrap();
        // The FAQs of the tallest scripts need 85 %: Burmese's stacked marks need leading
        // of 0.93 em and its lists the same space between items (at 90 % it was set with
        // lines that touched); Sinhala's vowel signs above and below and Urdu's Nastaliq
        // (its words descend diagonally) need as much.
        let smallest = if template == "faq" && ["my", "si", "ur"].contains(&tag) {
            0.85
        } else {
            0.9
        };
        assert!((smallest..=1.0).contains(&scale), "{tag}: set at {scale}");
    }
    let sums = fs::read_to_string(out.join("SHA256SUMS")).unwrap();
    let mut listed = BTreeSet::new();
    for line in sums.lines() {
        let (sum, file) = line.split_once("  ").expect("`<sha256>  <file>`");
        let bytes = fs::read(out.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(sum, leafpress::publish::sha256_hex(&bytes), "{file}");
        listed.insert(file.to_owned());
    }
    let mut files = BTreeSet::new();
    for dir in ["", "previews", "thumbnails", "qr"] {
        for e in fs::read_dir(out.join(dir)).unwrap() {
            let e = e.unwrap();
            // (the lock that keeps two builds from writing at once is not part of the build)
            let own = e.file_name() == "SHA256SUMS" || e.file_name() == ".leafpress.lock";
            if e.path().is_file() && !own {
                let name = e.file_name().to_string_lossy().into_owned();
                files.insert(if dir.is_empty() {
                    name
                } else {
                    format!("{dir}/{name}")
                });
            }
        }
    }
    assert_eq!(listed, files, "SHA256SUMS lists every file of the build");
}

/// index.html: self-contained, a tile per language in the counter's order with `lang` on
/// the name, thumbnails with alt text, links to files of this build, and a QR code of each
/// hosted PDF that decodes to its address.
fn counter_page_lists_every_language(out: &std::path::Path) {
    let html = fs::read_to_string(out.join("index.html")).unwrap();
    for fetched in ["src=\"http", "@import", "url(", "@font-face"] {
        assert!(
            !html.contains(fetched),
            "index.html fetches something: {fetched}"
        );
    }
    // its one link: the icon, in the page itself
    for link in html.split("<link").skip(1) {
        let link = &link[..link.find('>').unwrap()];
        assert!(
            link.contains("href=\"data:"),
            "index.html fetches <link{link}>"
        );
    }
    let tiles: Vec<&str> = html.split("<li class=\"tile\"").skip(1).collect();
    assert_eq!(tiles.len(), languages().len());
    let order: Vec<&str> = tiles
        .iter()
        .map(|t| {
            let at = t.find("<h2><span lang=\"").unwrap() + 16;
            &t[at..at + t[at..].find('"').unwrap()]
        })
        .collect();
    assert_eq!(
        order,
        [
            "ja",
            "ja-x-easy",
            "en",
            "ko",
            "zh-Hans",
            "zh-Hant",
            "es",
            "pt-BR",
            "tl",
            "vi",
            "id",
            "ne",
            "th",
            "my",
            "km",
            "mn",
            "si",
            "bn",
            "hi",
            "ur",
            "ru",
            "uk",
            "uz"
        ],
        "easy Japanese beside Japanese, the MHLW leaflet's order, then the others"
    );
    for attr in ["href=\"", "src=\""] {
        for part in html.split(attr).skip(1) {
            let target = &part[..part.find('"').unwrap()];
            if !target.starts_with("https://") && !target.starts_with("data:") {
                assert!(
                    out.join(target).is_file(),
                    "{attr}{target} is not a file of the build"
                );
            }
        }
    }
    // a thumbnail and a QR code per leaflet, the FAQ first in each tile
    assert_eq!(
        html.matches("<img src=\"thumbnails/").count(),
        languages().len() * TEMPLATES.len()
    );
    assert_eq!(
        html.matches("<img src=\"qr/").count(),
        languages().len() * TEMPLATES.len()
    );
    for t in &tiles {
        let (faq, guide) = (t.find("-faq-").unwrap(), t.find("-guide-").unwrap());
        assert!(faq < guide);
    }
    assert!(!html.contains("alt=\"\""), "every thumbnail has alt text");
    // the QR codes: vector SVG files, decoded from a raster
    let mut decoded = BTreeSet::new();
    for part in html.split("<img src=\"qr/").skip(1) {
        let file = format!("qr/{}", &part[..part.find('"').unwrap()]);
        let svg = fs::read_to_string(out.join(&file)).unwrap();
        assert!(svg.starts_with("<svg"), "{file}");
        let tree = resvg::usvg::Tree::from_str(&svg, &resvg::usvg::Options::default()).unwrap();
        let size = 200;
        let scale = size as f32 / tree.size().width();
        let mut pixmap = resvg::tiny_skia::Pixmap::new(size, size).unwrap();
        pixmap.fill(resvg::tiny_skia::Color::WHITE);
        resvg::render(
            &tree,
            resvg::tiny_skia::Transform::from_scale(scale, scale),
            &mut pixmap.as_mut(),
        );
        let data = pixmap.data();
        let mut img =
            rqrr::PreparedImage::prepare_from_greyscale(size as usize, size as usize, |x, y| {
                data[(y * size as usize + x) * 4]
            });
        for g in img.detect_grids() {
            decoded.insert(g.decode().unwrap().1);
        }
    }
    let expected: BTreeSet<String> = languages()
        .iter()
        .flat_map(|t| TEMPLATES.map(|m| format!("{BASE_URL}mynumber-health-insurance-{m}-{t}.pdf")))
        .collect();
    assert_eq!(decoded, expected);
}

#[test]
fn every_language_prints_the_hotline_numbers_and_urls_from_the_facts() {
    for tag in languages() {
        let r = render(&tag);
        let text = all_text(&r.document);
        let joined = text.replace('\n', "");
        for number in HOTLINE_NUMBERS
            .iter()
            .chain(&["011-200-9595", "011-221-7845"])
        {
            assert!(text.contains(number), "{tag}: {number} not printed");
        }
        // (a cell of the hotline table breaks an address over two of its lines, with the
        // next cell's lines between them as the page is read; or, in the order typst laid
        // the text out, the address whole)
        let ls = lines(&r.document);
        let flowed = flowed_text(&r.document);
        for url in URLS_PRINTED {
            let shown = url.trim_start_matches("https://");
            assert!(
                joined.contains(shown) || over_two_lines(&ls, shown) || flowed.contains(shown),
                "{tag}: {shown} not printed"
            );
        }
        // Japanese official terms stay beside the translation, also in the box on what to
        // do when the card cannot be read.
        for term in [
            "マイナ保険証",
            "資格確認書",
            "マイナンバーカード",
            "個人番号通知書",
            "資格情報のお知らせ",
            "被保険者資格申立書",
        ] {
            assert!(
                contains_across_a_line_break(&text, term),
                "{tag}: {term} not printed"
            );
        }
        assert!(
            text.contains("support@hiecc.or.jp"),
            "{tag}: e-mail not printed"
        );
    }
}

/// Whether `text` (lines of a page, columns joined by " | ") has `term`, whole or broken
/// over two lines. A line of a neighbouring column may stand between the two parts (the
/// large hotline number beside "(個人番号" / "通知書)").
fn contains_across_a_line_break(text: &str, term: &str) -> bool {
    let lines: Vec<&str> = text.lines().collect();
    let chars: Vec<char> = term.chars().collect();
    let starts_a_column = |line: &str, tail: &str| {
        line.split(" | ")
            .any(|column| column.trim_start().starts_with(tail))
    };
    lines.iter().any(|l| l.contains(term))
        || (0..lines.len()).any(|n| {
            (1..chars.len()).any(|i| {
                let head: String = chars[..i].iter().collect();
                let tail: String = chars[i..].iter().collect();
                lines[n].trim_end().ends_with(&head)
                    && lines[n + 1..]
                        .iter()
                        .take(2)
                        .any(|l| starts_a_column(l, &tail))
            })
        })
}

#[test]
fn hours_are_printed_in_the_readers_words() {
    let en = all_text(&render("en").document);
    assert!(en.contains("Every day 8:30–20:00"), "{en}");
    assert!(en.contains("Weekdays 9:30–20:00"), "{en}");
    assert!(en.contains("Weekends and holidays 9:30–17:30"), "{en}");
    assert!(en.contains("Closed 29 December – 3 January"), "{en}");
    assert!(en.contains("since 2 December 2024"), "{en}");
    let ja = all_text(&render("ja").document);
    assert!(ja.contains("毎日 8:30–20:00"), "{ja}");
    assert!(ja.contains("2024年12月2日から"), "{ja}");
}

#[test]
fn qr_codes_decode_from_a_150_dpi_raster() {
    for tag in ["en", "ja", "ko"] {
        let r = render(tag);
        let found: BTreeSet<String> = qr_codes(&r.document, 150.0).into_iter().flatten().collect();
        let expected: BTreeSet<String> = URLS_PRINTED.iter().map(|s| s.to_string()).collect();
        assert_eq!(found, expected, "{tag}: QR codes on the pages");
    }
}

#[test]
fn qr_codes_are_vectors_at_least_18_mm_wide() {
    let r = render("en");
    let svg = String::from_utf8_lossy(&r.leaflet.files["/qr/card-portal.svg"]).into_owned();
    assert!(
        svg.starts_with("<svg") && svg.contains("<path"),
        "a vector drawing"
    );
    assert!(
        svg.contains(r#"viewBox="0 0 37 37""#),
        "29 modules and a 4-module quiet zone"
    );
    // Every image on the pages is a QR code, and the code itself (without its quiet zone
    // of 4 modules each side) is at least 18 mm wide, in both leaflets.
    assert_eq!(qr_images(&r.document).len(), URLS_PRINTED.len());
    for template in TEMPLATES {
        for (w, modules) in qr_images(&render_in(template, "en").document) {
            let code = w * (modules - 8) as f64 / modules as f64;
            assert!(
                code >= 18.0,
                "{template}: a QR code of {} modules is {code:.1} mm wide",
                modules - 8
            );
        }
    }
}

/// The images of a document: their width (mm) and their modules with the quiet zone
/// (the SVG's viewBox), as placed on the pages.
fn qr_images(doc: &typst_layout::PagedDocument) -> Vec<(f64, usize)> {
    fn walk(frame: &typst::layout::Frame, out: &mut Vec<(f64, usize)>) {
        for (_, item) in frame.items() {
            match item {
                typst::layout::FrameItem::Group(g) => walk(&g.frame, out),
                typst::layout::FrameItem::Image(image, size, _) => {
                    let typst::visualize::ImageKind::Svg(svg) = image.kind() else {
                        panic!("an image that is not a QR code's SVG");
                    };
                    let text = String::from_utf8_lossy(svg.data());
                    let at = text.find("viewBox=\"0 0 ").expect("a viewBox") + 13;
                    let n: usize = text[at..]
                        .split(' ')
                        .next()
                        .and_then(|n| n.parse().ok())
                        .expect("its width in modules");
                    out.push((size.x.to_mm(), n));
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    doc.pages().iter().for_each(|p| walk(&p.frame, &mut out));
    out
}

#[test]
fn same_input_gives_the_same_bytes() {
    let a = render("ja").pdf;
    let b = render("ja").pdf;
    assert_eq!(a, b);
    let out1 = tempfile::tempdir().unwrap();
    let out2 = tempfile::tempdir().unwrap();
    let mut s1 = settings(out1.path());
    s1.langs = vec!["en".into()];
    let mut s2 = settings(out2.path());
    s2.langs = vec!["en".into()];
    batch::build(&s1).unwrap();
    batch::build(&s2).unwrap();
    let name = "mynumber-health-insurance-faq-en.pdf";
    assert_eq!(
        fs::read(out1.path().join(name)).unwrap(),
        fs::read(out2.path().join(name)).unwrap()
    );
}

#[test]
fn pdf_metadata_names_title_language_and_author() {
    let r = render("zh-Hans");
    let pdf = String::from_utf8_lossy(&r.pdf).into_owned();
    assert!(pdf.contains("/Lang(zh-CN)"), "language");
    assert_eq!(r.leaflet.title, "如何将个人编号卡作为健康保险证使用");
    assert_eq!(r.leaflet.author, "北海道外国人咨询中心");
    assert!(pdf.contains("/Creator(leafpress)"), "fixed creator");
    assert!(pdf.contains("/Title(") || pdf.contains("/Title<"), "title");
}

/// The words a Korean leaflet may show: every whitespace-separated token of its text.
fn korean_tokens(r: &leafpress::fit::Rendered) -> BTreeSet<String> {
    fn collect(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(visible(s)),
            serde_json::Value::Array(items) if items.iter().all(|i| i.get("t").is_some()) => {
                out.push(visible(
                    &items
                        .iter()
                        .filter_map(|i| i["t"].as_str())
                        .collect::<String>(),
                ));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| collect(i, out)),
            serde_json::Value::Object(m) => m.values().for_each(|i| collect(i, out)),
            _ => {}
        }
    }
    let mut strings = Vec::new();
    collect(&r.leaflet.data, &mut strings);
    // Words, and the pieces of a word that a line may start with: before an opening bracket.
    let mut tokens = BTreeSet::new();
    for word in strings.iter().flat_map(|s| s.split_whitespace()) {
        tokens.insert(word.to_owned());
        for (i, _) in word.match_indices('(').filter(|(i, _)| *i > 0) {
            tokens.insert(word[..i].to_owned());
            tokens.insert(word[i..].to_owned());
        }
        tokens.extend(word.split('・').map(str::to_owned));
    }
    tokens
}

/// Line-edge words that are not whole words of the text (a word broken across lines).
fn broken_korean_words(r: &leafpress::fit::Rendered) -> Vec<String> {
    let is_hangul = |c: char| ('\u{AC00}'..='\u{D7A3}').contains(&c);
    // A word's Hangul core: without the punctuation and labels the template adds around it.
    let core = |s: &str| s.trim_matches(|c: char| !is_hangul(c)).to_owned();
    let tokens: BTreeSet<String> = korean_tokens(r).iter().map(|t| core(t)).collect();
    let hangul = |s: &str| s.chars().any(is_hangul);
    let mut broken = Vec::new();
    for line in lines(&r.document) {
        for segment in line.split(" | ") {
            // Lines may break at spaces and after the "・" of a list.
            let words: Vec<&str> = segment
                .split(|c: char| c.is_whitespace() || c == '・')
                .filter(|w| !w.is_empty())
                .collect();
            for w in [words.first(), words.last()].into_iter().flatten() {
                if hangul(w) && !tokens.contains(&core(w)) {
                    broken.push(format!("{w}  (line: {segment})"));
                }
            }
        }
    }
    broken
}

#[test]
fn korean_breaks_lines_between_words_only() {
    for template in TEMPLATES {
        let broken = broken_korean_words(&render_in(template, "ko"));
        assert!(
            broken.is_empty(),
            "Korean words broken across lines ({template}):\n{}",
            broken.join("\n")
        );
    }

    // The check can fail: without the keep-words rule typst breaks between syllables.
    let topic = &content().topics[0];
    let mut leaflet = leafpress::leaflet::build(topic, "faq", &topic.langs["ko"], false).unwrap();
    leaflet.data["keep-words"] = serde_json::json!(false);
    leaflet.data["font-scale"] = serde_json::json!(1.0);
    let document = engine()
        .compile(&leaflet)
        .map_err(|_| "compiles")
        .unwrap()
        .document;
    let loose = leafpress::fit::Rendered {
        leaflet,
        pdf: vec![],
        pages: 0,
        document,
        scale: 1.0,
        warnings: vec![],
    };
    assert!(
        !broken_korean_words(&loose).is_empty(),
        "the test would not see a broken word"
    );
}

#[test]
fn content_text_prints_as_itself_not_as_markup() {
    let topic = &content().topics[0];
    let mut t = topic.clone();
    let lang = t.langs.get_mut("en").unwrap();
    let tricky = "8:30~20:00 #set $x$ *bold* _it_ ] [ \\ < @ref // not a comment";
    let block = lang.blocks.get_mut("faq-question").unwrap();
    let field = block.fields.get_mut("answer").unwrap();
    *field = toml::Spanned::new(field.span(), leafpress::content::Field::Text(tricky.into()));
    let r = leafpress::fit::render_one(engine(), &t, "faq", &t.langs["en"], false)
        .unwrap_or_else(|e| panic!("{e:?}"));
    let text = all_text(&r.document);
    assert!(
        text.contains(tricky),
        "the answer is not printed verbatim:\n{text}"
    );
}

#[test]
fn missing_block_falls_back_to_english_with_a_visible_marker() {
    let mut topic = content().topics[0].clone();
    topic
        .langs
        .get_mut("vi")
        .unwrap()
        .blocks
        .remove("faq-did-you-know");
    let vi = &topic.langs["vi"];
    let refused = leafpress::fit::render_one(engine(), &topic, "faq", vi, false);
    assert!(
        refused.is_err(),
        "a missing block stops the build without --allow-missing"
    );
    let r = leafpress::fit::render_one(engine(), &topic, "faq", vi, true)
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(r.leaflet.fallbacks, vec!["faq-did-you-know".to_string()]);
    let text = all_text(&r.document);
    assert!(
        text.contains("Did you know?"),
        "the English block is printed"
    );
    let marker = "Chưa được dịch: hiển thị bằng tiếng Anh";
    assert_eq!(
        text.matches(marker).count(),
        1,
        "the fallback is marked once, in the reader's language:\n{text}"
    );
}

#[test]
fn templates_get_a_language_picker_in_each_languages_own_script() {
    let r = render("en");
    let picker: Vec<(String, String)> = r.leaflet.data["languages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["tag"].as_str().unwrap().to_owned(),
                l["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(picker.len(), languages().len());
    for (tag, name) in [
        ("ja", "日本語"),
        ("th", "ภาษาไทย"),
        ("ko", "한국어"),
        ("zh-Hans", "简体中文"),
        ("en", "English"),
    ] {
        assert!(
            picker.contains(&(tag.to_owned(), name.to_owned())),
            "{tag} {name} in {picker:?}"
        );
    }
}

// ---- the guide (templates/guide.typ) ----------------------------------------------------------

/// What every language's guide prints from the facts: the hotline numbers (the same table as
/// the FAQ's), the card reader's screen texts in Japanese, and the Japanese official terms.
#[test]
fn every_guide_prints_the_hotlines_screen_texts_and_terms_from_the_facts() {
    let facts = &content().topics[0].facts;
    let screen_texts: Vec<&String> = facts
        .terms
        .iter()
        .filter(|(id, _)| {
            id.starts_with("screen-")
                || ["agree", "disagree", "agree-all", "agree-each"].contains(&id.as_str())
        })
        .map(|(_, t)| t)
        .collect();
    assert_eq!(screen_texts.len(), 14);
    for tag in languages() {
        let r = render_in("guide", &tag);
        assert!(
            r.pages <= 8 && r.pages.is_multiple_of(2),
            "{tag}: {} pages",
            r.pages
        );
        let pdf = String::from_utf8_lossy(&r.pdf);
        assert_eq!(
            pdf.matches("/MediaBox[0 0 595.2756 841.8898]").count(),
            r.pages,
            "{tag}: every page A4"
        );
        // Every font is embedded (as a subset): one font file per font descriptor.
        let descriptors = pdf.matches("/Type/FontDescriptor").count();
        assert!(descriptors >= 2, "{tag}: {descriptors} fonts");
        assert_eq!(
            pdf.matches("/FontFile").count(),
            descriptors,
            "{tag}: a font is not embedded"
        );
        let text = all_text(&r.document);
        for number in HOTLINE_NUMBERS {
            assert!(text.contains(number), "{tag}: {number} not printed");
        }
        // Screen texts wrap inside their drawn screens: read them in layout order (and
        // without the readings over their kanji, in やさしい日本語).
        let flowed = flowed_text_without_readings(&r.document);
        for screen in &screen_texts {
            assert!(
                flowed.contains(screen.as_str()),
                "{tag}: the screen text {screen} is not printed"
            );
        }
        for term in [
            "マイナ保険証",
            "資格確認書",
            "健康保険証",
            "マイナポータル",
            "資格情報のお知らせ",
            "被保険者資格申立書",
            "高額療養費制度",
        ] {
            assert!(flowed.contains(term), "{tag}: {term} not printed");
        }
        // The page number "n / N" and the edition on every page; the draft mark on every
        // page of a draft translation.
        let draft = r.leaflet.data["draft"]
            .as_str()
            .map(|d| visible(d).chars().take(12).collect::<String>());
        let edition = r.leaflet.data["edition"].as_str().unwrap();
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        for (i, page) in pages_text(&r.document).iter().enumerate() {
            let page = squeeze(page);
            let n = i + 1;
            let number = format!("{n}/{}", r.pages);
            assert!(page.contains(&number), "{tag}: page {n} has no number");
            // (Text read back from Khmer or Burmese glyph runs is not always the source text:
            // the year of the edition, and the first letters of the draft mark.)
            assert!(
                page.contains("2026") && edition.contains("2026"),
                "{tag}: page {n} has no edition"
            );
            if let Some(d) = &draft {
                let start: String = squeeze(d).chars().take(4).collect();
                // (typst sets a Nastaliq word as pieces along its slope, in the order they
                // stand: an Urdu page holds the mark's letters, not in a row)
                let has = if tag == "ur" {
                    start.chars().all(|c| page.contains(c))
                } else {
                    page.contains(&start)
                };
                assert!(has, "{tag}: page {n} has no draft mark");
            }
        }
    }
}

/// The text of each page.
fn pages_text(doc: &typst_layout::PagedDocument) -> Vec<String> {
    // in the order typst laid the text out (right to left, "1 / 8" stands as 8 / 1 on the
    // page, and is 1 / 8 here)
    fn walk(frame: &typst::layout::Frame, out: &mut String) {
        for (_, item) in frame.items() {
            match item {
                typst::layout::FrameItem::Group(g) => walk(&g.frame, out),
                typst::layout::FrameItem::Text(t) if t.width().to_pt() > 0.0 => {
                    out.push_str(&visible(&t.text));
                    out.push('\n');
                }
                _ => {}
            }
        }
    }
    doc.pages()
        .iter()
        .map(|page| {
            let mut text = String::new();
            walk(&page.frame, &mut text);
            text
        })
        .collect()
}

#[test]
fn guide_qr_codes_decode_from_a_150_dpi_raster() {
    let expected: BTreeSet<&str> = [
        "https://www.kojinbango-card.go.jp/",
        "https://net.kojinbango-card.go.jp/",
        "https://myna.go.jp/",
        "https://www.kojinbango-card.go.jp/en-link/",
        "https://www.kojinbango-card.go.jp/en-otoiawase/",
    ]
    .into();
    for tag in ["en", "my"] {
        let r = render_in("guide", tag);
        let decoded: BTreeSet<String> =
            qr_codes(&r.document, 150.0).into_iter().flatten().collect();
        let decoded: BTreeSet<&str> = decoded.iter().map(String::as_str).collect();
        assert_eq!(decoded, expected, "{tag}");
    }
}

/// A section never starts in the last lines of a page: each section title has at least
/// three lines of its section below it on its page.
#[test]
fn guide_sections_never_start_at_the_foot_of_a_page() {
    use typst::introspection::Introspector;
    let heading = typst::foundations::Selector::Elem(
        <typst::model::HeadingElem as typst::foundations::NativeElement>::ELEM,
        None,
    );
    for tag in languages() {
        let r = render_in("guide", &tag);
        let doc = &r.document;
        let placed = placed_text(doc);
        let headings = doc.introspector().query(&heading);
        assert_eq!(
            headings.len(),
            11,
            "{tag}: the title, 8 sections and 2 sub-headings"
        );
        for h in headings.iter() {
            let at = doc.introspector().position(h.location().unwrap()).unwrap();
            let page = at.page.get() - 1;
            let y = at.point.y.to_pt();
            let mut below: Vec<i64> = placed
                .iter()
                .filter(|p| p.page == page && p.y > y + 20.0 && p.y < 841.89 - 45.0)
                .map(|p| p.y.round() as i64)
                .collect();
            below.dedup();
            assert!(
                below.len() >= 3,
                "{tag}: a section title on page {} has only {} line(s) below it",
                page + 1,
                below.len()
            );
        }
    }
}

#[test]
fn the_guide_rebuilds_to_the_same_bytes() {
    assert!(render_in("guide", "km").pdf == render_in("guide", "km").pdf);
}
