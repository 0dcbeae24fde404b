//! Fit stage: lays a leaflet out and exports it in memory, at the largest type size that
//! keeps it within its template's page limit, and refuses text that runs out of its box.
//! Touches no file but the templates typst reads.

use std::collections::BTreeMap;

use crate::content::{self, Topic};
use crate::diag::Diagnostic;
use crate::leaflet::{self, Leaflet};
use crate::render::Engine;
use crate::templates;

/// A leaflet laid out and exported, in memory.
pub struct Rendered {
    pub leaflet: Leaflet,
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub document: typst_layout::PagedDocument,
    /// The type size it was set at (1.0 = the template's sizes).
    pub scale: f64,
    /// The template's warnings (printed by the caller, in plan order).
    pub warnings: Vec<Diagnostic>,
}

/// Type sizes tried, largest first, until a leaflet fits its template's page limit.
pub const SCALES: [f64; 4] = [1.0, 0.95, 0.9, 0.85];

/// Lays out and exports one leaflet in memory, dated its edition. A leaflet that does not
/// fit its page limit is set a little smaller, down to 85 %, before it fails.
pub fn render_one(
    engine: &Engine,
    topic: &Topic,
    template: &str,
    lang: &content::Lang,
    allow_missing: bool,
) -> Result<Rendered, Vec<Diagnostic>> {
    fit(
        engine,
        leaflet::build(topic, template, lang, allow_missing)?,
        lang,
        None,
    )
}

/// Lays out and exports a leaflet at the largest type size of [`SCALES`] that fits its
/// template's page limit. `pdf_date` is the PDF's date (`SOURCE_DATE_EPOCH`), else the
/// leaflet's edition.
pub fn fit(
    engine: &Engine,
    mut leaflet: Leaflet,
    lang: &content::Lang,
    pdf_date: Option<content::values::Date>,
) -> Result<Rendered, Vec<Diagnostic>> {
    let template = leaflet.template.clone();
    let source = engine
        .templates()
        .read(&engine.template_path(&template))
        .map(|t| String::from_utf8_lossy(&t).into_owned())
        .unwrap_or_default();
    let limit = templates::max_pages(&source);
    if templates::needs_center(&source) && leaflet.data["center"].is_null() {
        return Err(vec![
            Diagnostic::error(&lang.path, format!(
                "the {template} leaflet in `{}` prints a consultation center's name and contacts, and none is named",
                lang.tag
            ))
            .with_hint("name the topic's center in facts.toml ([topic] center = \"<id>\", a file content/centers/<id>.toml), or build with --center ID"),
        ]);
    }
    let mut pages = 0;
    for scale in SCALES {
        leaflet.data["font-scale"] = serde_json::json!(scale);
        let compiled = engine.compile(&leaflet)?;
        pages = compiled.document.pages().len();
        if limit.is_some_and(|max| pages > max) {
            continue;
        }
        let overflows = overflowing_text(&compiled.document);
        if !overflows.is_empty() {
            return Err(overflows
                .into_iter()
                .map(|(kind, pages, text)| {
                    let (what, hint) = match kind {
                        Overflow::Side => ("overflows its box", "a word or address is too long for its column: shorten it or allow a break (a space)"),
                        Overflow::Page => ("runs off the bottom of the page", "the footer or the page's last box is too tall for the space left: shorten its text"),
                    };
                    Diagnostic::error(&lang.path, format!(
                        "the {template} leaflet in `{}`: text {what} on {}: “{text}”",
                        lang.tag,
                        on_pages(&pages)
                    ))
                    .with_hint(hint)
                })
                .collect());
        }
        let date = pdf_date.unwrap_or(leaflet.edition);
        let pdf = engine.pdf(&leaflet, &compiled.document, date)?;
        return Ok(Rendered {
            leaflet,
            pdf,
            pages,
            document: compiled.document,
            scale,
            warnings: compiled.warnings,
        });
    }
    Err(vec![Diagnostic::error(&lang.path, format!(
        "the {template} leaflet in `{}` needs {pages} pages even at {:.0} % type size; the template allows {}",
        lang.tag,
        SCALES[SCALES.len() - 1] * 100.0,
        limit.unwrap_or_default()
    )).with_hint("shorten the text of this language")])
}

/// "page 2", "pages 1, 2".
fn on_pages(pages: &[usize]) -> String {
    let list: Vec<String> = pages.iter().map(usize::to_string).collect();
    match list.len() {
        1 => format!("page {}", list[0]),
        _ => format!("pages {}", list.join(", ")),
    }
}

/// The most characters of overflowing text one message quotes.
const QUOTED: usize = 80;

/// Where text that does not fit went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Overflow {
    /// Past the edge of the box that holds it: a word too long for its column (typst does
    /// not break it, it runs over).
    Side,
    /// Below the page: a footer or a closing box too tall for the space left.
    Page,
}

/// Text drawn past the edge of the box that holds it, or below the page: the text of each
/// page that overflows, and the pages where the same text overflows (a label repeated in
/// every page's footer is one problem, not one per page or per word).
pub fn overflowing_text(doc: &typst_layout::PagedDocument) -> Vec<(Overflow, Vec<usize>, String)> {
    use typst::layout::{Abs, Frame, FrameItem};
    // `top`: where the frame is on the page; `bottom`: the page's bottom edge
    fn walk(frame: &Frame, top: Abs, bottom: Abs, out: &mut Vec<(Overflow, String)>) {
        for (pos, item) in frame.items() {
            match item {
                FrameItem::Group(g) => walk(&g.frame, top + pos.y, bottom, out),
                FrameItem::Text(t) if t.width() > Abs::zero() => {
                    // typst hangs line-final punctuation into the margin on purpose
                    // (`text(overhang:)`): up to about half an em is not an overflow. (Only
                    // the right edge: a hanging indent sets text left of its frame.)
                    let end = pos.x + t.width();
                    if top + pos.y > bottom {
                        out.push((Overflow::Page, t.text.to_string()));
                    } else if end > frame.width() + t.size * 0.6 {
                        out.push((Overflow::Side, t.text.to_string()));
                    }
                }
                _ => {}
            }
        }
    }
    let mut by_text: BTreeMap<(Overflow, String), Vec<usize>> = BTreeMap::new();
    let mut order = Vec::new();
    for (i, page) in doc.pages().iter().enumerate() {
        let mut texts = Vec::new();
        walk(&page.frame, Abs::zero(), page.frame.height(), &mut texts);
        for kind in [Overflow::Side, Overflow::Page] {
            let of_kind: Vec<&str> = texts
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, t)| t.as_str())
                .collect();
            if of_kind.is_empty() {
                continue;
            }
            let joined = of_kind.join(" ");
            let mut quoted: String = joined.chars().take(QUOTED).collect();
            if joined.chars().count() > QUOTED {
                quoted.push('…');
            }
            let key = (kind, quoted);
            if !by_text.contains_key(&key) {
                order.push(key.clone());
            }
            by_text.entry(key).or_default().push(i + 1);
        }
    }
    order
        .into_iter()
        .map(|key| {
            let pages = by_text.remove(&key).unwrap_or_default();
            (key.0, pages, key.1)
        })
        .collect()
}
