//! Shared helpers of the integration tests: the shipped content, a rendering engine, and a
//! way to read what a laid-out page says (text lines, QR codes).
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use leafpress::content::values::Date;
use leafpress::content::{self, Content};
use leafpress::fit::{self, Rendered};
use leafpress::fonts::FontSet;
use leafpress::render::Engine;
use leafpress::settings::Settings;
use typst::layout::{FrameItem, Point};
use typst_layout::PagedDocument;

pub fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn settings(out: &Path) -> Settings {
    Settings {
        out: out.to_path_buf(),
        ..Settings::in_project(
            &project(),
            Date {
                year: 2026,
                month: 11,
                day: 21,
            },
        )
    }
}

pub fn content() -> &'static Content {
    static C: OnceLock<Content> = OnceLock::new();
    C.get_or_init(|| content::load(&project().join("content")).expect("content loads"))
}

pub fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        Engine::new(
            FontSet::load(&project().join("fonts")).expect("fonts load"),
            &project().join("templates"),
        )
    })
}

/// Renders the shipped FAQ leaflet of `tag` in memory.
pub fn render(tag: &str) -> Rendered {
    render_in("faq", tag)
}

/// The leaflet templates of the shipped content.
pub const TEMPLATES: [&str; 2] = ["faq", "guide"];

/// Renders the shipped leaflet of `template` in `tag` in memory.
pub fn render_in(template: &str, tag: &str) -> Rendered {
    let topic = &content().topics[0];
    fit::render_one(engine(), topic, template, &topic.langs[tag], false).unwrap_or_else(|e| {
        panic!(
            "{template}-{tag} does not render: {}",
            e.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

/// Every language of the shipped content.
pub fn languages() -> Vec<String> {
    content().topics[0].langs.keys().cloned().collect()
}

/// Text as a reader sees it: without the invisible marks leafpress writes into the data to
/// steer line breaking (U+2060 word joiner, U+200B zero width space; `leafpress::breaks`).
pub fn visible(text: &str) -> String {
    leafpress::breaks::unmarked(text)
}

/// A piece of text placed on a page: page index, baseline y, x, width, the text.
#[derive(Debug, Clone)]
pub struct Placed {
    /// The page's index (from 0).
    pub page: usize,
    /// The baseline.
    pub y: f64,
    /// The left edge.
    pub x: f64,
    pub width: f64,
    /// The type size (pt).
    pub size: f64,
    pub text: String,
}

/// All text items of a document with their absolute positions, in the order typst laid
/// them out.
pub fn laid_out(doc: &PagedDocument) -> Vec<Placed> {
    fn walk(frame: &typst::layout::Frame, origin: Point, page: usize, out: &mut Vec<Placed>) {
        for (pos, item) in frame.items() {
            let at = origin + *pos;
            match item {
                FrameItem::Group(g) => walk(
                    &g.frame,
                    at + Point::new(g.transform.tx, g.transform.ty),
                    page,
                    out,
                ),
                FrameItem::Text(t) => out.push(Placed {
                    page,
                    y: at.y.to_pt(),
                    x: at.x.to_pt(),
                    width: t.width().to_pt(),
                    size: t.size.to_pt(),
                    text: visible(&t.text),
                }),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for (i, page) in doc.pages().iter().enumerate() {
        walk(&page.frame, Point::zero(), i, &mut out);
    }
    out
}

/// All text items of a document with their absolute positions, in reading order.
pub fn placed_text(doc: &PagedDocument) -> Vec<Placed> {
    let mut out = laid_out(doc);
    out.sort_by(|a, b| {
        (a.page, (a.y * 10.0) as i64, (a.x * 10.0) as i64).cmp(&(
            b.page,
            (b.y * 10.0) as i64,
            (b.x * 10.0) as i64,
        ))
    });
    out
}

/// Whether `r` is a reading (furigana) set above a kanji in a やさしい日本語 leaflet: kana at
/// about half the size of a piece of `all` just below it, over it.
#[allow(dead_code)]
pub fn is_reading(r: &Placed, all: &[Placed]) -> bool {
    let kana = |c: char| matches!(c, '\u{3040}'..='\u{30FF}');
    let mid = r.x + r.width / 2.0;
    r.width > 0.0
        && r.text.chars().all(kana)
        && all.iter().any(|b| {
            b.page == r.page
                && (r.size / b.size - 0.5).abs() < 0.05
                && (0.5..1.5).contains(&((b.y - r.y) / b.size))
                && mid > b.x - 1.0
                && mid < b.x + b.width + 1.0
        })
}

/// The text of a document in the order it was laid out (a paragraph's lines one after the
/// other, whatever stands beside them), without whitespace: to find a text that may wrap
/// over several lines of a narrow box.
pub fn flowed_text(doc: &PagedDocument) -> String {
    fn walk(frame: &typst::layout::Frame, out: &mut String) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(g) => walk(&g.frame, out),
                FrameItem::Text(t) if t.width().to_pt() > 0.0 => {
                    out.extend(visible(&t.text).chars().filter(|c| !c.is_whitespace()))
                }
                _ => {}
            }
        }
    }
    let mut out = String::new();
    for page in doc.pages() {
        walk(&page.frame, &mut out);
    }
    out
}

/// `flowed_text` without the readings (furigana) set above kanji in a やさしい日本語
/// leaflet.
#[allow(dead_code)]
pub fn flowed_text_without_readings(doc: &PagedDocument) -> String {
    let all: Vec<Placed> = laid_out(doc)
        .into_iter()
        .filter(|p| p.width > 0.0)
        .collect();
    all.iter()
        .filter(|p| !is_reading(p, &all))
        .flat_map(|p| p.text.chars().filter(|c| !c.is_whitespace()))
        .collect()
}

/// The text of a document, one line per baseline; pieces more than 2 pt apart on a line
/// (other columns) are separated by " | ".
pub fn lines(doc: &PagedDocument) -> Vec<String> {
    let mut lines: Vec<(usize, f64, Vec<Placed>)> = Vec::new();
    // Zero-width items are typst's duplicates of a cluster split across text runs (Thai
    // tone marks): nothing is drawn for them, and they sit a little off the baseline.
    for p in placed_text(doc).into_iter().filter(|p| p.width > 0.0) {
        match lines.last_mut() {
            Some((page, y, items)) if *page == p.page && (*y - p.y).abs() < 0.5 => items.push(p),
            _ => lines.push((p.page, p.y, vec![p])),
        }
    }
    lines
        .into_iter()
        .map(|(_, _, items)| {
            let mut s = String::new();
            let mut end: Option<f64> = None;
            for it in items {
                if end.is_some_and(|e| it.x - e > 2.0) {
                    s.push_str(" | ");
                }
                s.push_str(&it.text);
                end = Some(it.x + it.width);
            }
            s
        })
        .collect()
}

/// All the text of a document, lines joined by newlines.
pub fn all_text(doc: &PagedDocument) -> String {
    lines(doc).join("\n")
}

/// Decodes the QR codes of each page from a raster at `dpi`: each image on the page is cut
/// out of the rendered page (with a margin) and given to the decoder.
pub fn qr_codes(doc: &PagedDocument, dpi: f32) -> Vec<Vec<String>> {
    fn images(
        frame: &typst::layout::Frame,
        origin: Point,
        out: &mut Vec<(Point, typst::layout::Size)>,
    ) {
        for (pos, item) in frame.items() {
            let at = origin + *pos;
            match item {
                FrameItem::Group(g) => images(
                    &g.frame,
                    at + Point::new(g.transform.tx, g.transform.ty),
                    out,
                ),
                FrameItem::Image(_, size, _) => out.push((at, *size)),
                _ => {}
            }
        }
    }
    let scale = f64::from(dpi) / 72.0;
    doc.pages()
        .iter()
        .map(|page| {
            let pixmap = typst_render::render(
                page,
                &typst_render::RenderOptions {
                    pixel_per_pt: scale.into(),
                    render_bleed: false,
                },
            );
            let (w, h) = (pixmap.width() as usize, pixmap.height() as usize);
            let data = pixmap.data();
            let grey_at = |x: usize, y: usize| {
                let i = (y * w + x) * 4;
                // Premultiplied RGBA over white, to grey.
                let a = u32::from(data[i + 3]);
                let grey = (u32::from(data[i]) * 30
                    + u32::from(data[i + 1]) * 59
                    + u32::from(data[i + 2]) * 11)
                    / 100;
                (grey + (255 - a)).min(255) as u8
            };
            let mut placed = Vec::new();
            images(&page.frame, Point::zero(), &mut placed);
            let mut found = Vec::new();
            for (at, size) in placed {
                let margin = 8.0; // pt
                let x0 = ((at.x.to_pt() - margin) * scale).max(0.0) as usize;
                let y0 = ((at.y.to_pt() - margin) * scale).max(0.0) as usize;
                let x1 = (((at.x + size.x).to_pt() + margin) * scale).min(w as f64) as usize;
                let y1 = (((at.y + size.y).to_pt() + margin) * scale).min(h as f64) as usize;
                let mut img =
                    rqrr::PreparedImage::prepare_from_greyscale(x1 - x0, y1 - y0, |x, y| {
                        grey_at(x0 + x, y0 + y)
                    });
                found.extend(
                    img.detect_grids()
                        .into_iter()
                        .filter_map(|g| g.decode().ok().map(|(_, s)| s)),
                );
            }
            found.sort();
            found
        })
        .collect()
}

/// A copy of the shipped content in a temporary folder, and the real binary run in it.
pub struct Project {
    pub dir: tempfile::TempDir,
}

/// The shipped topic's folder, relative to a project.
pub const TOPIC: &str = "content/mynumber-health-insurance";

impl Project {
    /// A copy of the shipped content in a temporary folder.
    pub fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&project().join("content"), &dir.path().join("content"));
        Project { dir }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Replaces `from` (which must occur) with `to` in a content file.
    pub fn edit(&self, file: &str, from: &str, to: &str) -> &Self {
        let p = self.path(&format!("{TOPIC}/{file}"));
        let text = fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{file} does not contain {from:?}");
        fs::write(&p, text.replacen(from, to, 1)).unwrap();
        self
    }

    /// `line:column` (1-based, columns in characters) of the first `needle` in a content
    /// file of the copy, plus `chars` characters: expected positions follow the content as
    /// it is, not as it was when the test was written.
    pub fn pos(&self, file: &str, needle: &str, chars: usize) -> String {
        let text = fs::read_to_string(self.path(&format!("{TOPIC}/{file}"))).unwrap();
        let at = text
            .find(needle)
            .unwrap_or_else(|| panic!("{file} does not contain {needle:?}"));
        let before = &text[..at];
        let line = before.matches('\n').count() + 1;
        let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
            .chars()
            .count()
            + 1;
        format!("{line}:{}", col + chars)
    }

    /// A file of the copy, as text.
    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap()
    }

    /// Every content file's bytes, by path.
    pub fn snapshot(&self) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
        fn walk(dir: &Path, out: &mut std::collections::BTreeMap<PathBuf, Vec<u8>>) {
            for e in fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(&p, out);
                } else {
                    out.insert(p.clone(), fs::read(&p).unwrap());
                }
            }
        }
        let mut out = std::collections::BTreeMap::new();
        walk(&self.path("content"), &mut out);
        out
    }

    /// The copy's content, loaded.
    pub fn content(&self) -> Content {
        content::load(&self.path("content")).unwrap()
    }

    /// Runs leafpress in the copy, with the project's fonts and templates.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// The command [`Project::run`] runs.
    pub fn command(&self, args: &[&str]) -> Command {
        let p = project();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_leafpress"));
        cmd.current_dir(self.dir.path()).args(args);
        if !args.contains(&"--fonts")
            && args
                .first()
                .is_some_and(|a| matches!(*a, "build" | "check" | "review" | "export-typst"))
        {
            cmd.arg("--fonts").arg(p.join("fonts"));
        }
        if !args.contains(&"--templates")
            && args
                .first()
                .is_some_and(|a| matches!(*a, "build" | "check" | "review" | "export-typst"))
        {
            cmd.arg("--templates").arg(p.join("templates"));
        }
        cmd
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `check` of the copy prints exactly `expected` (then the count line) and exits 1.
#[allow(dead_code)]
pub fn check_says(p: &Project, expected: &str) {
    let out = p.run(&["check", "--today", "2026-11-21"]);
    let text = stdout(&out);
    let body: Vec<&str> = text
        .lines()
        .filter(|l| !l.ends_with("warning(s)"))
        .collect();
    assert_eq!(
        body.join("\n"),
        expected.trim_end(),
        "\nfull output:\n{text}{}",
        stderr(&out)
    );
    assert_eq!(out.status.code(), Some(1), "{text}");
}
