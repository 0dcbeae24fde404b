//! Shared helpers of the integration tests: the shipped content, a rendering engine, and a
//! way to read what a laid-out page says (text lines, QR codes).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use leafpress::batch::{self, Rendered, Settings};
use leafpress::content::values::Date;
use leafpress::content::{self, Content};
use leafpress::fonts::FontSet;
use leafpress::render::Engine;
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
    batch::render_one(engine(), topic, template, &topic.langs[tag], false).unwrap_or_else(|e| {
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
    pub page: usize,
    pub y: f64,
    pub x: f64,
    pub width: f64,
    pub text: String,
}

/// All text items of a document with their absolute positions, in reading order.
pub fn placed_text(doc: &PagedDocument) -> Vec<Placed> {
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
    out.sort_by(|a, b| {
        (a.page, (a.y * 10.0) as i64, (a.x * 10.0) as i64).cmp(&(
            b.page,
            (b.y * 10.0) as i64,
            (b.x * 10.0) as i64,
        ))
    });
    out
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
