//! XLIFF 1.2: a language's strings for OmegaT, Weblate, Crowdin, Okapi or any CAT tool, and
//! reading the file back.
//!
//! 1.2 rather than 2.x: every tool the centers' volunteers use reads 1.2 (Weblate reads no
//! 2.x at all), and 1.2 has what a review needs: `approved` on a unit and `state` on its
//! target.
//!
//! One `<trans-unit>` per unit, grouped per block (`<group resname="faq-lead">`): `id` and
//! `resname` are the unit id, `<source>` the English, `<target>` the translation.
//! Placeholders are inline codes, `<ph id="1" ctype="x-leafpress-placeholder"
//! equiv-text="{phone:card}">{phone:card}</ph>`, which a CAT tool shows as a tag to copy,
//! not as text to translate. Notes (`<note>`) give where the string is printed, what its
//! placeholders print and the Japanese official terms; the hash of the English string the
//! export was made from is the unit's `lp:source-hash` attribute.
//!
//! States: a reviewed unit is `approved="yes"` with `state="signed-off"`; a draft has
//! `state="needs-review-translation"` (Weblate: translated, waiting for review); a
//! translation whose English changed since is `needs-translation` (needs editing); an
//! untranslated unit has no target. On import, `approved="yes"`, `signed-off` or `final`
//! is approved.

use std::fmt::Write as _;

use super::{ReviewBlock, notes, tokens};
use crate::content::lang::Lang;
use crate::content::record::{self, Review};
use crate::content::{REVIEW_SHEET, Topic};
use crate::status::BlockState;

pub const XLIFF_NS: &str = "urn:oasis:names:tc:xliff:document:1.2";
/// leafpress's own attributes (the source hash), in a namespace of its own.
pub const LEAFPRESS_NS: &str = "urn:x-leafpress:review:1";

/// The XLIFF file of a language's blocks; an error if a string holds a character XML 1.0
/// cannot carry.
pub fn write(topic: &Topic, lang: &Lang, blocks: &[ReviewBlock]) -> Result<String, String> {
    let source = topic.source().map_or("en", |s| s.tag.as_str());
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<xliff version=\"1.2\" xmlns=\"{XLIFF_NS}\" xmlns:lp=\"{LEAFPRESS_NS}\">"
    );
    let _ = writeln!(
        out,
        "  <file original=\"{}\" datatype=\"plaintext\" source-language=\"{}\" target-language=\"{}\" product-name=\"leafpress\">",
        attr(&topic.id)?,
        attr(source)?,
        attr(&lang.tag)?
    );
    out.push_str("    <header>\n");
    let _ = writeln!(
        out,
        "      <tool tool-id=\"leafpress\" tool-name=\"leafpress\" tool-version=\"{}\"/>",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        out,
        "      <note>{}</note>",
        text(&format!(
            "{} ({}): the text of the leaflets of {}, for a native speaker's review. Check every translation against the English: the meaning, the official terms, the tone. Correct what is wrong and approve every string you have checked (approved=\"yes\", or state signed-off). Keep the placeholders (tags) as they are: they are filled in from one list of facts when the leaflet is printed. The reviewer's name for the record is given on import (leafpress review import --reviewer) or as the contact-name of a review phase in this header.",
            lang.name, lang.tag, topic.id
        ))?
    );
    out.push_str("    </header>\n    <body>\n");
    for block in blocks {
        let printed_in = if block.name == REVIEW_SHEET {
            "the review sheet (not a leaflet)".to_owned()
        } else {
            block.templates.join(", ")
        };
        let _ = writeln!(
            out,
            "      <group id=\"{0}\" resname=\"{0}\">",
            attr(block.name)?
        );
        for unit in &block.units {
            let reviewed = matches!(block.review, Review::Reviewed(_));
            let _ = writeln!(
                out,
                "        <trans-unit id=\"{0}\" resname=\"{0}\" xml:space=\"preserve\"{1} lp:source-hash=\"{2}\">",
                attr(&unit.id)?,
                if reviewed && unit.target.is_some() {
                    " approved=\"yes\""
                } else {
                    ""
                },
                record::string_hash(unit.source)
            );
            let (source_xml, ids) = inline(unit.source, &[])?;
            let _ = writeln!(out, "          <source>{source_xml}</source>");
            if let Some(t) = unit.target {
                let state = match (block.state, block.review) {
                    (_, Review::Reviewed(_)) => "signed-off",
                    (BlockState::Outdated, _) | (_, Review::Changed(_)) => "needs-translation",
                    _ => "needs-review-translation",
                };
                let (target_xml, _) = inline(t, &ids)?;
                let _ = writeln!(
                    out,
                    "          <target state=\"{state}\">{target_xml}</target>"
                );
            }
            let n = notes(topic, lang, unit);
            let item = unit
                .item
                .map(|(i, n)| format!(", item {} of {n}", i + 1))
                .unwrap_or_default();
            let mut lines = vec![format!(
                "[{}] {}{item}; printed in: {printed_in}",
                unit.block, unit.key
            )];
            if !n.facts.is_empty() {
                lines.push(format!(
                    "Facts, filled in when printed: {}",
                    n.facts.join("; ")
                ));
            }
            if !n.terms.is_empty() {
                lines.push(format!(
                    "Japanese official terms, printed in Japanese: {}",
                    n.terms.join("; ")
                ));
            }
            if unit.target.is_some() {
                lines.push(format!("Standing: {}", block.standing()));
            }
            for l in lines {
                let _ = writeln!(
                    out,
                    "          <note from=\"leafpress\" annotates=\"source\">{}</note>",
                    text(&l)?
                );
            }
            out.push_str("        </trans-unit>\n");
        }
        out.push_str("      </group>\n");
    }
    out.push_str("    </body>\n  </file>\n</xliff>\n");
    Ok(out)
}

/// A string as XLIFF content, its placeholders as `<ph>` inline codes. `source_ids` are the
/// source's codes in order (token, id): a target's code takes the id of the same token in
/// the source (its n-th occurrence), or a new one. Returns the codes written.
fn inline(
    s: &str,
    source_ids: &[(String, usize)],
) -> Result<(String, Vec<(String, usize)>), String> {
    let mut out = String::new();
    let mut ids: Vec<(String, usize)> = Vec::new();
    let mut next = source_ids.iter().map(|(_, i)| *i).max().unwrap_or(0) + 1;
    let mut last = 0;
    for (range, token) in tokens(s) {
        out.push_str(&text(&s[last..range.start])?);
        let seen = ids.iter().filter(|(t, _)| t == token).count();
        let id = source_ids
            .iter()
            .filter(|(t, _)| t == token)
            .nth(seen)
            .map(|(_, i)| *i)
            .unwrap_or_else(|| {
                let i = if source_ids.is_empty() {
                    ids.len() + 1
                } else {
                    next
                };
                next += 1;
                i
            });
        ids.push((token.to_owned(), id));
        let _ = write!(
            out,
            "<ph id=\"{id}\" ctype=\"x-leafpress-placeholder\" equiv-text=\"{0}\">{0}</ph>",
            attr(token)?
        );
        last = range.end;
    }
    out.push_str(&text(&s[last..])?);
    Ok((out, ids))
}

/// Text content, escaped.
fn text(s: &str) -> Result<String, String> {
    escape(s, false)
}

/// An attribute value, escaped.
fn attr(s: &str) -> Result<String, String> {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                return Err(format!(
                    "U+{:04X} cannot be written in XML 1.0 (in {s:?})",
                    c as u32
                ));
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// One trans-unit as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// `resname`, or `id` when there is none.
    pub id: String,
    pub source: String,
    pub target: Option<String>,
    pub approved: bool,
    /// The target's `state`, if any.
    pub state: Option<String>,
    pub source_hash: Option<String>,
    /// Byte offset of the trans-unit.
    pub offset: usize,
}

/// An XLIFF file as read.
#[derive(Debug, Clone, Default)]
pub struct File {
    pub original: Option<String>,
    pub target_language: Option<String>,
    /// The contact-name of a review phase (`<phase process-name="review">`), if any.
    pub reviewer: Option<String>,
    pub units: Vec<Unit>,
}

/// Reads an XLIFF 1.2 (or 1.1) file with one `<file>`.
pub fn parse(xml: &str) -> Result<File, (usize, String)> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| {
        let p = e.pos();
        (
            offset_of(xml, p.row as usize, p.col as usize),
            e.to_string(),
        )
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "xliff" {
        return Err((
            0,
            format!(
                "the root element is <{}>, not <xliff>",
                root.tag_name().name()
            ),
        ));
    }
    match root.attribute("version") {
        Some("1.2" | "1.1") => {}
        Some(v) => {
            return Err((
                root.range().start,
                format!("XLIFF {v} is not supported: export and return XLIFF 1.2"),
            ));
        }
        None => return Err((root.range().start, "<xliff> has no version".into())),
    }
    let files: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name((XLIFF_NS, "file")) || n.tag_name().name() == "file")
        .collect();
    let [file] = files.as_slice() else {
        return Err((
            root.range().start,
            format!("expected one <file>, found {}", files.len()),
        ));
    };
    let mut out = File {
        original: file.attribute("original").map(str::to_owned),
        target_language: file.attribute("target-language").map(str::to_owned),
        ..File::default()
    };
    for phase in file
        .descendants()
        .filter(|n| n.tag_name().name() == "phase")
    {
        if phase.attribute("process-name") == Some("review")
            && let Some(name) = phase
                .attribute("contact-name")
                .filter(|n| !n.trim().is_empty())
        {
            out.reviewer = Some(name.trim().to_owned());
        }
    }
    for tu in file
        .descendants()
        .filter(|n| n.tag_name().name() == "trans-unit")
    {
        let id = tu
            .attribute("resname")
            .or_else(|| tu.attribute("id"))
            .unwrap_or_default()
            .to_owned();
        let child = |name: &str| tu.children().find(|c| c.tag_name().name() == name);
        let source_node = child("source");
        let source = source_node.map(|n| content(n, None)).unwrap_or_default();
        let target_node = child("target");
        let target = target_node
            .map(|n| content(n, source_node))
            .filter(|t| !t.is_empty());
        out.units.push(Unit {
            id,
            source,
            target,
            approved: tu.attribute("approved") == Some("yes"),
            state: target_node
                .and_then(|n| n.attribute("state"))
                .map(str::to_owned),
            source_hash: tu
                .attribute((LEAFPRESS_NS, "source-hash"))
                .map(str::to_owned),
            offset: tu.range().start,
        });
    }
    Ok(out)
}

/// The text of a `<source>` or `<target>`: its text, each inline code as the placeholder it
/// stands for (its content, else its `equiv-text`, else that of the source's code with the
/// same id), markers (`<g>`, `<mrk>`) by their content.
fn content(node: roxmltree::Node, source: Option<roxmltree::Node>) -> String {
    let mut out = String::new();
    for c in node.children() {
        if c.is_text() {
            out.push_str(c.text().unwrap_or_default());
            continue;
        }
        if !c.is_element() {
            continue;
        }
        match c.tag_name().name() {
            "ph" | "x" | "bx" | "ex" | "it" | "bpt" | "ept" => {
                let own = c.text().map(str::to_owned).filter(|t| !t.is_empty());
                let equiv = c.attribute("equiv-text").map(str::to_owned);
                let from_source = || {
                    let id = c.attribute("id")?;
                    let s = source?
                        .descendants()
                        .find(|n| n.is_element() && n.attribute("id") == Some(id))?;
                    s.text()
                        .map(str::to_owned)
                        .or_else(|| s.attribute("equiv-text").map(str::to_owned))
                };
                out.push_str(&own.or(equiv).or_else(from_source).unwrap_or_default());
            }
            "sub" => {}
            _ => out.push_str(&content(c, source)),
        }
    }
    out
}

fn offset_of(text: &str, row: usize, col: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(row.saturating_sub(1))
        .map(str::len)
        .sum();
    let line = &text[line_start.min(text.len())..];
    line_start
        + line
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(line.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_inline_codes_and_come_back() {
        let (src, ids) = inline("Call {phone:a} or {phone:b}, {ja:x}.", &[]).unwrap();
        assert_eq!(
            src,
            "Call <ph id=\"1\" ctype=\"x-leafpress-placeholder\" equiv-text=\"{phone:a}\">{phone:a}</ph> or <ph id=\"2\" ctype=\"x-leafpress-placeholder\" equiv-text=\"{phone:b}\">{phone:b}</ph>, <ph id=\"3\" ctype=\"x-leafpress-placeholder\" equiv-text=\"{ja:x}\">{ja:x}</ph>."
        );
        let (tgt, _) = inline("{phone:b} hoặc {phone:a} & {ja:y}", &ids).unwrap();
        assert!(tgt.starts_with("<ph id=\"2\""), "{tgt}");
        assert!(tgt.contains("<ph id=\"1\""), "{tgt}");
        assert!(tgt.contains("&amp; <ph id=\"4\""), "{tgt}");
        let xml = format!(
            "<xliff version=\"1.2\" xmlns=\"{XLIFF_NS}\" xmlns:lp=\"{LEAFPRESS_NS}\"><file original=\"t\" source-language=\"en\" target-language=\"vi\" datatype=\"plaintext\"><header><phase-group><phase phase-name=\"r\" process-name=\"review\" contact-name=\"An\"/></phase-group></header><body><trans-unit id=\"u\" lp:source-hash=\"h\" approved=\"yes\"><source>{src}</source><target state=\"signed-off\"><mrk mtype=\"seg\" mid=\"0\">{tgt}</mrk> <x id=\"3\"/></target></trans-unit></body></file></xliff>"
        );
        let f = parse(&xml).unwrap();
        assert_eq!(f.reviewer.as_deref(), Some("An"));
        let u = &f.units[0];
        assert_eq!(u.source, "Call {phone:a} or {phone:b}, {ja:x}.");
        assert_eq!(
            u.target.as_deref(),
            Some("{phone:b} hoặc {phone:a} & {ja:y} {ja:x}")
        );
        assert!(u.approved);
        assert_eq!(u.source_hash.as_deref(), Some("h"));
    }

    #[test]
    fn xliff_2_is_refused_by_name() {
        let e = parse("<xliff version=\"2.0\" xmlns=\"urn:oasis:names:tc:xliff:document:2.0\"/>")
            .unwrap_err();
        assert!(e.1.contains("XLIFF 2.0 is not supported"), "{e:?}");
    }
}
