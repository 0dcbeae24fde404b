//! What a reader sees of the lines, on every page of every leaflet (all languages, both
//! templates): no two lines' ink touches, no line's ink leaves the box it is printed in or
//! runs into a rule, a picture or another box, and a Japanese official term (`{ja:…}`) is
//! never broken over two lines.
//!
//! Read from the laid-out frames: each glyph's ink is its outline's bounding box from the
//! font (ttf-parser), scaled to the glyph's size and placed where typst placed the glyph
//! (its offsets and every enclosing transform included).

mod common;

use std::collections::BTreeMap;

use common::*;
use typst::layout::{Frame, FrameItem};
use typst::visualize::Geometry;
use typst_layout::PagedDocument;

/// The characters leafpress writes into text to steer line breaking (no ink, no width).
const JOINERS: [char; 2] = ['\u{2060}', '\u{200B}'];

/// Lines whose baselines are closer than this are one line (typst sets the marks of a Thai
/// cluster split across two text runs a fraction of a point off the baseline).
const SAME_LINE: f64 = 1.5;
/// Pieces of text on one baseline further apart than this are different lines (columns).
const COLUMN_GAP: f64 = 3.0;
/// Overlaps smaller than this (pt) are rounding.
const EPS: f64 = 0.05;

#[derive(Debug, Clone, Copy)]
struct Rect {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Rect {
    const EMPTY: Rect = Rect {
        x0: f64::INFINITY,
        y0: f64::INFINITY,
        x1: f64::NEG_INFINITY,
        y1: f64::NEG_INFINITY,
    };
    fn add(&mut self, x: f64, y: f64) {
        self.x0 = self.x0.min(x);
        self.y0 = self.y0.min(y);
        self.x1 = self.x1.max(x);
        self.y1 = self.y1.max(y);
    }
    fn union(&mut self, o: Rect) {
        self.add(o.x0, o.y0);
        self.add(o.x1, o.y1);
    }
    fn is_empty(&self) -> bool {
        self.x0 > self.x1
    }
    /// How far the two overlap (the smaller of the two overlaps), or a negative number.
    fn overlap(&self, o: &Rect) -> f64 {
        (self.x1.min(o.x1) - self.x0.max(o.x0)).min(self.y1.min(o.y1) - self.y0.max(o.y0))
    }
    fn contains_point(&self, x: f64, y: f64) -> bool {
        self.x0 <= x && x <= self.x1 && self.y0 <= y && y <= self.y1
    }
    /// How far `o` reaches out of this rectangle (0 when inside).
    fn outreach(&self, o: &Rect) -> f64 {
        [
            self.x0 - o.x0,
            o.x1 - self.x1,
            self.y0 - o.y0,
            o.y1 - self.y1,
        ]
        .into_iter()
        .fold(0.0, f64::max)
    }
    fn area(&self) -> f64 {
        (self.x1 - self.x0) * (self.y1 - self.y0)
    }
}

/// An affine map (x, y) → (a x + c y + e, b x + d y + f), in points.
#[derive(Clone, Copy)]
struct Affine {
    a: f64,
    b: f64,
    c: f64,
    d: f64,
    e: f64,
    f: f64,
}

impl Affine {
    const ID: Affine = Affine {
        a: 1.0,
        b: 0.0,
        c: 0.0,
        d: 1.0,
        e: 0.0,
        f: 0.0,
    };
    fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        (
            self.a * x + self.c * y + self.e,
            self.b * x + self.d * y + self.f,
        )
    }
    /// `self` after `inner`: maps a point of `inner`'s space to this one's.
    fn then(&self, inner: &Affine) -> Affine {
        Affine {
            a: self.a * inner.a + self.c * inner.b,
            b: self.b * inner.a + self.d * inner.b,
            c: self.a * inner.c + self.c * inner.d,
            d: self.b * inner.c + self.d * inner.d,
            e: self.a * inner.e + self.c * inner.f + self.e,
            f: self.b * inner.e + self.d * inner.f + self.f,
        }
    }
    fn translate(x: f64, y: f64) -> Affine {
        Affine {
            e: x,
            f: y,
            ..Affine::ID
        }
    }
    /// The bounding box of a rectangle of the local space.
    fn rect(&self, r: Rect) -> Rect {
        let mut out = Rect::EMPTY;
        for (x, y) in [(r.x0, r.y0), (r.x1, r.y0), (r.x0, r.y1), (r.x1, r.y1)] {
            let (x, y) = self.apply(x, y);
            out.add(x, y);
        }
        out
    }
}

/// A run of text as placed on the page.
#[derive(Debug, Clone)]
struct Piece {
    baseline: f64,
    size: f64,
    /// Set in Japanese (`ja()`): its text as the data has it, joiners and all.
    japanese: Option<String>,
    /// From the start to the end of its advance, on the baseline.
    x0: f64,
    x1: f64,
    ink: Rect,
    text: String,
}

/// Something drawn: a box (filled or stroked rectangle or path), a rule, a picture.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Box,
    Rule,
    Picture,
}

#[derive(Debug, Clone, Copy)]
struct Drawn {
    kind: Kind,
    /// Its extent, stroke included.
    outer: Rect,
    /// Where text may be: inside the stroke.
    inner: Rect,
}

fn walk(frame: &Frame, at: Affine, pieces: &mut Vec<Piece>, drawn: &mut Vec<Drawn>) {
    for (pos, item) in frame.items() {
        let here = at.then(&Affine::translate(pos.x.to_pt(), pos.y.to_pt()));
        match item {
            FrameItem::Group(g) => {
                let t = g.transform;
                let inner = Affine {
                    a: t.sx.get(),
                    b: t.ky.get(),
                    c: t.kx.get(),
                    d: t.sy.get(),
                    e: t.tx.to_pt(),
                    f: t.ty.to_pt(),
                };
                walk(&g.frame, here.then(&inner), pieces, drawn);
            }
            FrameItem::Text(t) => {
                let ttf = t.font.ttf();
                let per_unit = t.size.to_pt() / f64::from(ttf.units_per_em());
                let size = t.size.to_pt();
                let mut ink = Rect::EMPTY;
                let mut cursor = 0.0;
                for g in &t.glyphs {
                    if let Some(bb) = ttf.glyph_bounding_box(ttf_parser::GlyphId(g.id)) {
                        let x = cursor + g.x_offset.get() * size;
                        let y = -g.y_offset.get() * size; // the frame's y grows downwards
                        ink.union(here.rect(Rect {
                            x0: x + f64::from(bb.x_min) * per_unit,
                            x1: x + f64::from(bb.x_max) * per_unit,
                            y0: y - f64::from(bb.y_max) * per_unit,
                            y1: y - f64::from(bb.y_min) * per_unit,
                        }));
                    }
                    cursor += g.x_advance.get() * size;
                }
                if ink.is_empty() {
                    continue; // spaces
                }
                let (x0, baseline) = here.apply(0.0, 0.0);
                let (x1, _) = here.apply(t.width().to_pt(), 0.0);
                pieces.push(Piece {
                    baseline,
                    size,
                    japanese: (t.lang == typst::text::Lang::JAPANESE).then(|| t.text.to_string()),
                    x0: x0.min(x1),
                    x1: x0.max(x1),
                    ink,
                    text: t.text.chars().filter(|c| !JOINERS.contains(c)).collect(),
                });
            }
            FrameItem::Shape(shape, _) => {
                if shape.fill.is_none() && shape.stroke.is_none() {
                    continue;
                }
                let stroke = shape.stroke.as_ref().map_or(0.0, |s| s.thickness.to_pt());
                let local = |r: typst::layout::Rect| Rect {
                    x0: r.min.x.to_pt(),
                    y0: r.min.y.to_pt(),
                    x1: r.max.x.to_pt(),
                    y1: r.max.y.to_pt(),
                };
                let outer = here.rect(local(shape.bbox(true)));
                let kind = match shape.geometry {
                    Geometry::Line(_) => Kind::Rule,
                    _ => Kind::Box,
                };
                let half = stroke / 2.0;
                let mut inner = here.rect(local(shape.bbox(false)));
                inner = Rect {
                    x0: inner.x0 + half,
                    y0: inner.y0 + half,
                    x1: inner.x1 - half,
                    y1: inner.y1 - half,
                };
                drawn.push(Drawn { kind, outer, inner });
            }
            FrameItem::Image(_, size, _) => {
                let r = here.rect(Rect {
                    x0: 0.0,
                    y0: 0.0,
                    x1: size.x.to_pt(),
                    y1: size.y.to_pt(),
                });
                drawn.push(Drawn {
                    kind: Kind::Picture,
                    outer: r,
                    inner: r,
                });
            }
            _ => {}
        }
    }
}

/// A line of text: the pieces on one baseline that follow each other without a gap.
#[derive(Debug, Clone)]
struct Line {
    baseline: f64,
    x0: f64,
    x1: f64,
    ink: Rect,
    text: String,
    /// The text of its Japanese pieces, joiners and all.
    japanese: String,
}

/// Groups the pieces of a page into lines. typst places a mark that the font positions
/// vertically (a Khmer subscript, a Thai tone mark) as a piece of its own, without width,
/// at the mark's height: such a piece belongs to the line it stands on.
fn lines_of(pieces: Vec<Piece>) -> Vec<Line> {
    let (mut full, marks): (Vec<Piece>, Vec<Piece>) =
        pieces.into_iter().partition(|p| p.x1 - p.x0 > 0.01);
    // (by baseline to the hundredth of a point: pieces of one line can differ in the last
    // bits, and a line is read left to right)
    let row = |p: &Piece| (p.baseline * 100.0).round();
    full.sort_by(|a, b| row(a).total_cmp(&row(b)).then(a.x0.total_cmp(&b.x0)));
    // Pieces join a line when they share its baseline and touch its extent.
    let mut lines: Vec<Line> = Vec::new();
    for p in full {
        let joined = lines.iter_mut().rev().take(40).find(|l| {
            (l.baseline - p.baseline).abs() < SAME_LINE
                && p.x0 <= l.x1 + COLUMN_GAP
                && l.x0 <= p.x1 + COLUMN_GAP
        });
        match joined {
            Some(l) => {
                l.x0 = l.x0.min(p.x0);
                l.x1 = l.x1.max(p.x1);
                l.ink.union(p.ink);
                l.text.push_str(&p.text);
                l.japanese.push_str(p.japanese.as_deref().unwrap_or(""));
            }
            None => lines.push(Line {
                baseline: p.baseline,
                x0: p.x0,
                x1: p.x1,
                ink: p.ink,
                text: p.text,
                japanese: p.japanese.unwrap_or_default(),
            }),
        }
    }
    for m in marks {
        let home = lines
            .iter_mut()
            .filter(|l| l.x0 - COLUMN_GAP <= m.x0 && m.x0 <= l.x1 + COLUMN_GAP)
            .filter(|l| (l.baseline - m.baseline).abs() < m.size)
            .min_by(|a, b| {
                (a.baseline - m.baseline)
                    .abs()
                    .total_cmp(&(b.baseline - m.baseline).abs())
            });
        match home {
            Some(l) => l.ink.union(m.ink),
            None => lines.push(Line {
                baseline: m.baseline,
                x0: m.x0,
                x1: m.x1,
                ink: m.ink,
                text: m.text,
                japanese: String::new(),
            }),
        }
    }
    lines
}

fn short(s: &str) -> String {
    let s: String = s
        .chars()
        .filter(|c| !c.is_whitespace() || *c == ' ')
        .collect();
    if s.chars().count() > 28 {
        format!("{}…", s.chars().take(28).collect::<String>())
    } else {
        s
    }
}

/// The pieces of text and the drawings of each page.
fn pages(doc: &PagedDocument) -> Vec<(Vec<Piece>, Vec<Drawn>)> {
    doc.pages()
        .iter()
        .map(|page| {
            let (mut pieces, mut drawn) = (Vec::new(), Vec::new());
            walk(&page.frame, Affine::ID, &mut pieces, &mut drawn);
            (pieces, drawn)
        })
        .collect()
}

/// Whether lines can be told apart from the pieces typst lays out. Not for Nastaliq (Urdu):
/// typst sets one Nastaliq word as several pieces on baselines that step down along the
/// word's slope, so pieces of one line fall into different "lines" and those always seem to
/// touch. Urdu's line spacing is taken from the font's own ink (`text-ink()` in
/// `templates/common.typ`, leading = deepest descent + line gap); its ink is still checked
/// against every box and drawing here, piece by piece.
fn lines_can_be_told_apart(tag: &str) -> bool {
    tag != "ur"
}

/// What is wrong with the ink on the pages of `doc`, by kind.
fn ink_problems(doc: &PagedDocument, tag: &str) -> BTreeMap<&'static str, Vec<String>> {
    let mut out: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    for (i, (pieces, drawn)) in pages(doc).into_iter().enumerate() {
        let lines = lines_of(pieces);
        let n = i + 1;
        // Two lines whose ink boxes overlap.
        for (k, a) in lines.iter().enumerate() {
            if !lines_can_be_told_apart(tag) {
                break;
            }
            for b in &lines[k + 1..] {
                if (a.baseline - b.baseline).abs() < SAME_LINE {
                    continue;
                }
                let o = a.ink.overlap(&b.ink);
                if o > EPS {
                    let (upper, lower) = if a.baseline < b.baseline {
                        (a, b)
                    } else {
                        (b, a)
                    };
                    out.entry("lines touch").or_default().push(format!(
                        "p{n}: “{}” / “{}” overlap {o:.2} pt",
                        short(&upper.text),
                        short(&lower.text)
                    ));
                }
            }
        }
        for l in &lines {
            // The box a line is printed in: the smallest box drawn around where it starts.
            let (x, y) = (l.x0 + 0.1, l.baseline - 0.1);
            let own = drawn
                .iter()
                .filter(|d| d.kind == Kind::Box && d.inner.contains_point(x, y))
                .min_by(|a, b| a.inner.area().total_cmp(&b.inner.area()));
            if let Some(own) = own {
                let out_by = own.inner.outreach(&l.ink);
                if out_by > EPS {
                    out.entry("ink leaves its box")
                        .or_default()
                        .push(format!("p{n}: “{}” by {out_by:.2} pt", short(&l.text)));
                }
            }
            // Anything else drawn that the ink runs into: a rule, a picture, another box.
            for d in &drawn {
                if d.kind == Kind::Box && d.inner.contains_point(x, y) {
                    continue;
                }
                let o = d.outer.overlap(&l.ink);
                if o > EPS {
                    let what = match d.kind {
                        Kind::Box => "box",
                        Kind::Rule => "rule",
                        Kind::Picture => "picture",
                    };
                    out.entry("ink runs into a drawing")
                        .or_default()
                        .push(format!(
                            "p{n}: “{}” into a {what} by {o:.2} pt",
                            short(&l.text)
                        ));
                }
            }
        }
    }
    out
}

/// Every leaflet, in a fixed order: (template, language).
fn leaflets() -> Vec<(&'static str, String)> {
    TEMPLATES
        .iter()
        .flat_map(|t| languages().into_iter().map(move |l| (*t, l)))
        .collect()
}

#[test]
fn lines_never_touch_and_ink_stays_in_its_box() {
    let mut report = Vec::new();
    let mut failed = false;
    for (template, tag) in leaflets() {
        let r = render_in(template, &tag);
        let problems = ink_problems(&r.document, &tag);
        let counts: Vec<String> = problems
            .iter()
            .map(|(k, v)| format!("{k}: {}", v.len()))
            .collect();
        report.push(format!(
            "{template}-{tag}: {}",
            if counts.is_empty() {
                "ok".to_owned()
            } else {
                counts.join(", ")
            }
        ));
        for (kind, list) in &problems {
            failed = true;
            for p in list.iter().take(6) {
                report.push(format!("    {kind}: {p}"));
            }
        }
    }
    println!("{}", report.join("\n"));
    assert!(!failed, "\n{}", report.join("\n"));
}

/// The Japanese terms a leaflet prints from `{ja:…}` placeholders.
fn terms(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) if m.get("k").and_then(|k| k.as_str()) == Some("term") => {
            if let Some(t) = m.get("t").and_then(|t| t.as_str()) {
                out.push(t.chars().filter(|c| !JOINERS.contains(c)).collect());
            }
        }
        serde_json::Value::Object(m) => m.values().for_each(|v| terms(v, out)),
        serde_json::Value::Array(a) => a.iter().for_each(|v| terms(v, out)),
        _ => {}
    }
}

fn bare(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !JOINERS.contains(c))
        .collect()
}

/// A term as leafpress writes it into the data: its characters joined with U+2060.
fn joined(term: &str) -> String {
    term.chars()
        .map(String::from)
        .collect::<Vec<_>>()
        .join("\u{2060}")
}

#[test]
fn japanese_terms_are_never_broken_over_two_lines() {
    let mut report = Vec::new();
    let mut failed = false;
    for (template, tag) in leaflets() {
        let r = render_in(template, &tag);
        let mut list = Vec::new();
        terms(&r.leaflet.data["blocks"], &mut list);
        list.sort();
        list.dedup();
        // What is set in Japanese, as it flows (a paragraph's lines one after the other)
        // and line by line, without spaces. In the other languages that is the terms and
        // the card reader's screen texts; in the Japanese leaflet all text, where the same
        // words are also ordinary Japanese (which breaks by Japanese rules): there the terms
        // are the joined ones.
        let in_japanese = tag == "ja";
        let text = |s: &str| -> String {
            s.chars()
                .filter(|c| !c.is_whitespace() && (in_japanese || !JOINERS.contains(c)))
                .collect()
        };
        let (mut flowed, mut lines) = (String::new(), Vec::new());
        for (pieces, _) in pages(&r.document) {
            for p in &pieces {
                flowed.push_str(&text(p.japanese.as_deref().unwrap_or("")));
            }
            lines.extend(lines_of(pieces).into_iter().map(|l| text(&l.japanese)));
        }
        let (mut checked, mut broken) = (0, Vec::new());
        for term in &list {
            let needle = if in_japanese {
                joined(term)
            } else {
                term.clone()
            };
            let printed = flowed.matches(needle.as_str()).count();
            let whole: usize = lines
                .iter()
                .map(|l| l.matches(needle.as_str()).count())
                .sum();
            checked += printed;
            if whole < printed {
                // Where: a line that ends with the term's beginning.
                let at = lines
                    .iter()
                    .map(|l| bare(l))
                    .find(|l| {
                        (1..term.chars().count()).any(|k| {
                            let head: String = term.chars().take(k).collect();
                            l.ends_with(&head)
                        })
                    })
                    .map(|l| {
                        let tail: Vec<char> = l.chars().rev().take(20).collect();
                        tail.into_iter().rev().collect::<String>()
                    })
                    .unwrap_or_default();
                broken.push(format!("{term} ×{} (a line ends “…{at}”)", printed - whole));
            }
        }
        assert!(
            checked > 0 || in_japanese,
            "{template}-{tag}: no Japanese term found on the pages"
        );
        report.push(format!(
            "{template}-{tag}: {checked} terms printed, {} broken{}",
            broken
                .iter()
                .map(|b| b
                    .split(" ×")
                    .nth(1)
                    .and_then(|n| n.split(' ').next())
                    .and_then(|n| n.parse::<usize>().ok())
                    .unwrap_or(0))
                .sum::<usize>(),
            if broken.is_empty() {
                String::new()
            } else {
                format!(": {}", broken.join("; "))
            }
        ));
        failed |= !broken.is_empty();
    }
    println!("{}", report.join("\n"));
    assert!(!failed, "\n{}", report.join("\n"));
}

/// The text items of a document in the order they were laid out: their text (without
/// joiners), and whether typst widened one of their glyphs beyond the font's advance (the
/// space it adds between CJK and Latin letters or digits, `text.cjk-latin-spacing`).
fn items_in_order(doc: &PagedDocument) -> Vec<(String, bool, f64)> {
    fn walk(frame: &Frame, out: &mut Vec<(String, bool, f64)>) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(g) => walk(&g.frame, out),
                FrameItem::Text(t) => {
                    let ttf = t.font.ttf();
                    let em = f64::from(ttf.units_per_em());
                    let widened = t.glyphs.iter().any(|g| {
                        let natural = ttf
                            .glyph_hor_advance(ttf_parser::GlyphId(g.id))
                            .map_or(0.0, |a| f64::from(a) / em);
                        g.x_advance.get() - natural > 0.1
                    });
                    let text = t.text.chars().filter(|c| !JOINERS.contains(c)).collect();
                    out.push((text, widened, t.size.to_pt()));
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for page in doc.pages() {
        walk(&page.frame, &mut out);
    }
    out
}

#[test]
fn the_card_readers_screen_texts_print_exactly() {
    // The PIN screen says あと2回: typst's space between Japanese and digits (あと 2 回) is
    // not on the screen.
    let screen = "あと2回";
    for tag in languages() {
        let r = render_in("guide", &tag);
        let items = items_in_order(&r.document);
        let found = (0..items.len()).find_map(|i| {
            let mut text = String::new();
            for (k, (t, _, size)) in items[i..].iter().enumerate().take(5) {
                // (a reading over a kanji, in やさしい日本語: half the size of its text)
                if *size < 0.6 * items[i].2 {
                    continue;
                }
                text.push_str(t);
                if text == screen {
                    return Some(&items[i..=i + k]);
                }
                if !screen.starts_with(&text) {
                    break;
                }
            }
            None
        });
        let Some(pieces) = found else {
            panic!("guide-{tag}: {screen} is not on the PIN screen");
        };
        assert!(
            pieces.iter().all(|(_, widened, _)| !widened),
            "guide-{tag}: space was added inside {screen}: {pieces:?}"
        );
    }
}
