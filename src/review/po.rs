//! gettext PO: a language's strings for Poedit, Weblate, Lokalize or any PO editor, and
//! reading the file back.
//!
//! One entry per unit: `msgctxt` is the unit id (`faq-lead.paragraphs.2`), `msgid` the
//! English string, `msgstr` the translation. A translator comment lists the placeholders to
//! keep; extracted comments (`#.`, shown as notes for translators) give where the string is
//! printed, what its placeholders print (the facts, the Japanese official terms) and the
//! hash of the English string the export was made from; `#:` points at the translation in
//! its TOML file. Strings with placeholders carry `python-brace-format`: `msgfmt -c` then
//! checks that the translation names no placeholder the English does not, and translate-
//! toolkit's `pofilter` (the `pythonbraceformat` test) and Weblate's check of that flag
//! that every placeholder is kept.
//!
//! PO has no state for "approved": an entry is untranslated, fuzzy or translated. The export
//! marks every translation that is not reviewed `fuzzy` ("needs work" in Poedit, "needs
//! editing" in Weblate). A reviewer removes the flag from each string they have checked
//! (or corrected); on import with a reviewer named, a block whose strings are all
//! translated and not fuzzy is recorded as reviewed. Fuzzy strings stay drafts.

use std::fmt::Write as _;

use super::{ReviewBlock, notes};
use crate::content::lang::Lang;
use crate::content::record::{self, Review};
use crate::content::{REVIEW_SHEET, Topic};

/// The PO header field that names the reviewer (who the record will name).
pub const REVIEWER_HEADER: &str = "X-Leafpress-Reviewer";
/// The PO header field that names the topic.
pub const TOPIC_HEADER: &str = "X-Leafpress-Topic";
/// The prefix of the extracted comment that records the hash of the English string.
pub const SOURCE_HASH_NOTE: &str = "leafpress-source-hash: ";

/// The PO file of a language's blocks.
pub fn write(topic: &Topic, lang: &Lang, blocks: &[ReviewBlock]) -> String {
    let source = topic.source().map_or("en", |s| s.tag.as_str());
    let edition = lang
        .edition
        .map_or_else(|| "1970-01-01".to_owned(), |d| d.to_string());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {} ({}): the text of the leaflets of {}, for a native speaker's review.",
        lang.name, lang.tag, topic.id
    );
    out.push_str(
        "# Check every translation against the English: the meaning, the official terms, the tone.\n\
         # Correct what is wrong, then remove the fuzzy flag (\"Needs work\" in Poedit) from every\n\
         # string you have checked. Strings still fuzzy stay drafts. Keep the placeholders in\n\
         # braces ({phone:card}, {ja:certificate}, {day}) exactly as they are: they are filled in\n\
         # from one list of facts when the leaflet is printed.\n\
         # Write your name, as it should appear in the record of the review, in the header\n\
         # X-Leafpress-Reviewer (or it is given on import: leafpress review import --reviewer).\n",
    );
    out.push_str("msgid \"\"\nmsgstr \"\"\n");
    let header = [
        (
            "Project-Id-Version",
            format!("leafpress {} {edition}", topic.id),
        ),
        ("Report-Msgid-Bugs-To", String::new()),
        ("POT-Creation-Date", format!("{edition} 00:00+0000")),
        ("PO-Revision-Date", format!("{edition} 00:00+0000")),
        ("Last-Translator", String::new()),
        ("Language-Team", format!("{} <>", lang.name)),
        ("Language", lang.tag.replace('-', "_")),
        ("MIME-Version", "1.0".into()),
        ("Content-Type", "text/plain; charset=UTF-8".into()),
        ("Content-Transfer-Encoding", "8bit".into()),
        (
            "X-Generator",
            format!("leafpress {}", env!("CARGO_PKG_VERSION")),
        ),
        (TOPIC_HEADER, topic.id.clone()),
        ("X-Leafpress-Source-Language", source.to_owned()),
        (REVIEWER_HEADER, String::new()),
    ];
    for (k, v) in header {
        let _ = writeln!(out, "{}", quote(&format!("{k}: {v}\n")));
    }
    for block in blocks {
        let printed_in = if block.name == REVIEW_SHEET {
            "the review sheet (not a leaflet)".to_owned()
        } else {
            block.templates.join(", ")
        };
        for unit in &block.units {
            out.push('\n');
            let n = notes(topic, lang, unit);
            if !n.placeholders.is_empty() {
                let _ = writeln!(
                    out,
                    "# Placeholders, keep them as they are: {}",
                    n.placeholders.join(" ")
                );
            }
            let item = unit
                .item
                .map(|(i, n)| format!(", item {} of {n}", i + 1))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "#. [{}] {}{item}; printed in: {printed_in}",
                unit.block, unit.key
            );
            if !n.facts.is_empty() {
                let _ = writeln!(
                    out,
                    "#. Facts, filled in when printed: {}",
                    n.facts.join("; ")
                );
            }
            if !n.terms.is_empty() {
                let _ = writeln!(
                    out,
                    "#. Japanese official terms, printed in Japanese: {}",
                    n.terms.join("; ")
                );
            }
            if unit.target.is_some() {
                let _ = writeln!(out, "#. {}", capitalize(&block.standing()));
            }
            let _ = writeln!(
                out,
                "#. {SOURCE_HASH_NOTE}{}",
                record::string_hash(unit.source)
            );
            let line = unit
                .span
                .as_ref()
                .map(|s| crate::diag::Position::of_offset(file_text(lang, unit), s.start).line);
            let rel = reference(topic, unit.path);
            match line {
                Some(l) => {
                    let _ = writeln!(out, "#: {rel}:{l}");
                }
                None => {
                    let _ = writeln!(out, "#: {rel}");
                }
            }
            let fuzzy = unit.target.is_some() && !matches!(block.review, Review::Reviewed(_));
            let brace = !n.placeholders.is_empty();
            match (fuzzy, brace) {
                (true, true) => out.push_str("#, fuzzy, python-brace-format\n"),
                (true, false) => out.push_str("#, fuzzy\n"),
                (false, true) => out.push_str("#, python-brace-format\n"),
                (false, false) => {}
            }
            let _ = writeln!(out, "msgctxt {}", quote(&unit.id));
            let _ = writeln!(out, "msgid {}", quote(unit.source));
            let _ = writeln!(out, "msgstr {}", quote(unit.target.unwrap_or("")));
        }
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn file_text<'a>(lang: &'a Lang, unit: &super::Unit) -> &'a str {
    lang.files()
        .find(|(p, _)| *p == unit.path)
        .map_or("", |(_, t)| t)
}

/// A file's path as a PO reference: relative to the content folder (`topic/vi.toml`).
fn reference(topic: &Topic, path: &std::path::Path) -> String {
    let base = topic.dir.parent().unwrap_or(&topic.dir);
    path.strip_prefix(base)
        .unwrap_or(path)
        .to_string_lossy()
        .replace(' ', "_")
}

/// A PO string literal: C escapes, on one line.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\{:03o}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One entry of a PO file as read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    pub msgctxt: Option<String>,
    pub msgid: String,
    pub msgstr: String,
    pub flags: Vec<String>,
    /// `#.` lines, without the marker.
    pub extracted: Vec<String>,
    /// Byte offset of the entry's first line.
    pub offset: usize,
    /// The entry has plural forms (leafpress writes none).
    pub plural: bool,
}

impl Entry {
    pub fn is_fuzzy(&self) -> bool {
        self.flags.iter().any(|f| f == "fuzzy")
    }
}

/// A PO file as read: the header's fields and the entries (obsolete `#~` entries skipped).
#[derive(Debug, Clone, Default)]
pub struct File {
    pub header: Vec<(String, String)>,
    pub entries: Vec<Entry>,
}

impl File {
    pub fn header(&self, key: &str) -> Option<&str> {
        self.header
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }
}

/// A syntax error: byte offset and message.
pub type SyntaxError = (usize, String);

/// Reads a PO file.
pub fn parse(text: &str) -> Result<File, SyntaxError> {
    #[derive(PartialEq, Clone, Copy)]
    enum Part {
        None,
        Ctxt,
        Id,
        IdPlural,
        Str,
    }
    let mut file = File::default();
    let mut cur = Entry::default();
    let mut started = false;
    let mut part = Part::None;
    let mut offset = 0;
    let finish = |cur: &mut Entry, started: &mut bool, file: &mut File| {
        if *started {
            let e = std::mem::take(cur);
            if e.msgctxt.is_none() && e.msgid.is_empty() {
                file.header = e
                    .msgstr
                    .lines()
                    .filter_map(|l| l.split_once(':'))
                    .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                    .collect();
            } else {
                file.entries.push(e);
            }
        }
        *started = false;
    };
    for line in text.split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        let l = line.trim_end_matches(['\n', '\r']).trim_start();
        if l.is_empty() {
            continue;
        }
        if let Some(rest) = l.strip_prefix('#') {
            // A comment after a msgstr starts the next entry.
            if part == Part::Str {
                finish(&mut cur, &mut started, &mut file);
                part = Part::None;
            }
            if rest.starts_with('~') {
                continue; // obsolete entry
            }
            if !started {
                started = true;
                cur.offset = at;
            }
            if let Some(flags) = rest.strip_prefix(',') {
                cur.flags.extend(
                    flags
                        .split(',')
                        .map(|f| f.trim().to_owned())
                        .filter(|f| !f.is_empty()),
                );
            } else if let Some(x) = rest.strip_prefix('.') {
                cur.extracted
                    .push(x.strip_prefix(' ').unwrap_or(x).to_owned());
            }
            continue;
        }
        let (keyword, rest) = match l.find([' ', '\t', '"']) {
            Some(i) => (&l[..i], l[i..].trim_start()),
            None => (l, ""),
        };
        let string = |s: &str| unquote(s).map_err(|m| (at, m));
        match keyword {
            "" => {
                let s = string(rest)?;
                match part {
                    Part::Ctxt => cur.msgctxt.get_or_insert_with(String::new).push_str(&s),
                    Part::Id => cur.msgid.push_str(&s),
                    Part::Str => cur.msgstr.push_str(&s),
                    Part::IdPlural => {}
                    Part::None => return Err((at, "a string continues nothing".into())),
                }
            }
            "msgctxt" => {
                if part == Part::Str {
                    finish(&mut cur, &mut started, &mut file);
                }
                if !started {
                    started = true;
                    cur.offset = at;
                }
                cur.msgctxt = Some(string(rest)?);
                part = Part::Ctxt;
            }
            "msgid" => {
                if part == Part::Str {
                    finish(&mut cur, &mut started, &mut file);
                }
                if !started {
                    started = true;
                    cur.offset = at;
                }
                cur.msgid = string(rest)?;
                part = Part::Id;
            }
            "msgid_plural" => {
                cur.plural = true;
                string(rest)?;
                part = Part::IdPlural;
            }
            "msgstr" | "msgstr[0]" => {
                if !matches!(part, Part::Id | Part::IdPlural) {
                    return Err((at, "msgstr without a msgid before it".into()));
                }
                cur.msgstr = string(rest)?;
                part = Part::Str;
            }
            k if k.starts_with("msgstr[") => {
                string(rest)?;
                part = Part::Str;
            }
            other => return Err((at, format!("unknown keyword `{other}`"))),
        }
    }
    if part == Part::Id || part == Part::Ctxt {
        return Err((text.len(), "the last entry has no msgstr".into()));
    }
    finish(&mut cur, &mut started, &mut file);
    Ok(file)
}

/// A PO string literal's value.
fn unquote(s: &str) -> Result<String, String> {
    let s = s.trim_end();
    let inner = s
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .filter(|_| s.len() >= 2)
        .ok_or_else(|| format!("expected a string in double quotes, found `{s}`"))?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            return Err("an unescaped `\"` inside a string".into());
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('a') => out.push('\u{7}'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('v') => out.push('\u{b}'),
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some(d @ '0'..='7') => {
                let mut v = d.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(x) => {
                            v = v * 8 + x;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            Some('x') => {
                let mut v = 0;
                while let Some(x) = chars.peek().and_then(|c| c.to_digit(16)) {
                    v = v * 16 + x;
                    chars.next();
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            Some(other) => return Err(format!("unknown escape `\\{other}`")),
            None => return Err("a string ends with `\\`".into()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_tools_write() {
        let text = "# a comment\nmsgid \"\"\nmsgstr \"\"\n\"Language: vi\\n\"\n\"X-Leafpress-Reviewer: An\\n\"\n\n\
                    #. note\n#, fuzzy, python-brace-format\nmsgctxt \"a.b\"\nmsgid \"\"\n\"Call \"\n\"{phone:x}\"\nmsgstr \"G\\u{1ecd}i \\\"{phone:x}\\\"\"\n\n\
                    #~ msgid \"old\"\n#~ msgstr \"cũ\"\n\nmsgctxt \"a.c\"\nmsgid \"Two\\nlines\"\nmsgstr \"\"\n";
        let f = parse(&text.replace("\\u{1ecd}", "ọ")).unwrap();
        assert_eq!(f.header("language"), Some("vi"));
        assert_eq!(f.header(REVIEWER_HEADER), Some("An"));
        assert_eq!(f.entries.len(), 2);
        let e = &f.entries[0];
        assert_eq!(e.msgctxt.as_deref(), Some("a.b"));
        assert_eq!(e.msgid, "Call {phone:x}");
        assert_eq!(e.msgstr, "Gọi \"{phone:x}\"");
        assert!(e.is_fuzzy());
        assert_eq!(e.extracted, ["note"]);
        assert_eq!(f.entries[1].msgid, "Two\nlines");
        assert!(!f.entries[1].is_fuzzy());
    }

    #[test]
    fn quote_and_unquote_agree() {
        for s in [
            "",
            "a \"b\" \\ c",
            "tab\tnew\nline",
            "ngày 2 tháng 12",
            "\u{1}",
        ] {
            assert_eq!(unquote(&quote(s)).unwrap(), s);
        }
    }

    #[test]
    fn a_broken_file_says_where() {
        let (at, msg) = parse("msgid \"a\"\nmsgstr \"b\nmsgid").unwrap_err();
        assert_eq!(at, 10);
        assert!(msg.contains("double quotes"), "{msg}");
    }
}
