//! Review records: a native speaker's approval of one translated block, bound by hash to the
//! English block they compared it with and to the translated text they approved.
//!
//! A record is a bookkeeping key of the block, like `translated-from`:
//!
//! ```toml
//! [faq-lead]
//! translated-from = "fa46a0e1"
//! reviewed = { by = "Nguyễn Văn An", on = "2026-12-07", source = "<32 hex>", text = "<32 hex>" }
//! ```
//!
//! Editing either side voids it: the hashes no longer match, and the block is "changed since
//! review". A language's standing (draft, partly reviewed, reviewed) is derived from its
//! blocks' records, per template, never typed.
//!
//! The hashes are SHA-256 of the block's fields, cut to 128 bits. `translated-from` uses a
//! 32-bit FNV hash: enough to notice that the English moved on, but an approval is a record
//! of what one person read, and an edit that kept a 32-bit hash (one in four billion by
//! chance, and easily on purpose) would carry the approval over to text nobody reviewed.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use sha2::{Digest, Sha256};
use toml::Spanned;

use super::lang::{Block, Field, Lang};
use super::values::Date;
use super::{Topic, did_you_mean_hint};
use crate::diag::Diagnostic;

/// The bookkeeping key of a review record.
pub const REVIEWED: &str = "reviewed";

/// The keys of a record, in the order leafpress writes them.
pub const RECORD_KEYS: [&str; 4] = ["by", "on", "source", "text"];

/// Hex digits of a review hash (128 bits).
pub const HASH_DIGITS: usize = 32;

/// One block's review: who, when, and the hashes of what they compared and approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The reviewer, as they want to be named in the record (never printed on a leaflet).
    pub by: String,
    pub on: Date,
    /// [`text_hash`] of the source language's block they compared the translation with.
    pub source: String,
    /// [`text_hash`] of the translated block they approved.
    pub text: String,
    /// Where the record is in its file.
    pub span: Range<usize>,
}

/// The review hash of a block's text: SHA-256 over its fields (keys and strings, each
/// length-prefixed, so that no two different blocks encode alike), cut to 128 bits, as 32
/// hex digits. Bookkeeping keys (`translated-from`, `until`, `reviewed`) are not text.
pub fn text_hash(block: &Block) -> String {
    let mut h = Sha256::new();
    let mut eat = |tag: u8, s: &str| {
        h.update([tag]);
        h.update((s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    for (key, field) in &block.fields {
        eat(b'k', key);
        match field.get_ref() {
            Field::Text(s) => eat(b't', s),
            Field::List(items) => {
                eat(b'l', &items.len().to_string());
                for i in items {
                    eat(b'i', i.get_ref());
                }
            }
        }
    }
    hex128(&h.finalize())
}

/// The review hash of one string (an exported unit's source): SHA-256 cut to 128 bits.
pub fn string_hash(s: &str) -> String {
    hex128(&Sha256::digest(s.as_bytes()))
}

fn hex128(digest: &[u8]) -> String {
    digest[..HASH_DIGITS / 2]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `s` has the form of a review hash.
pub fn is_hash(s: &str) -> bool {
    s.len() == HASH_DIGITS && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// What the records say of one block of a translation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review<'a> {
    /// No record.
    Unreviewed,
    /// A record that matches the block and its source block as they are.
    Reviewed(&'a Record),
    /// A record, but the source block or the translation has been edited since.
    Changed(&'a Record),
}

/// The review of block `name` of `lang` against the source language's block.
pub fn block_review<'a>(lang: &'a Lang, source: &Lang, name: &str) -> Review<'a> {
    let (Some(block), Some(src)) = (lang.blocks.get(name), source.blocks.get(name)) else {
        return Review::Unreviewed;
    };
    match &block.reviewed {
        None => Review::Unreviewed,
        Some(r) if r.source == text_hash(src) && r.text == text_hash(block) => Review::Reviewed(r),
        Some(r) => Review::Changed(r),
    }
}

/// How far a leaflet's (or a language's) translation can be trusted, derived from the
/// review records of the blocks it prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// The source language: every other language is translated from it.
    Source,
    /// No printed block is reviewed.
    Draft,
    /// Some printed blocks are reviewed, not all.
    PartlyReviewed,
    /// Every printed block is reviewed, as it is now.
    Reviewed,
}

impl Level {
    /// As `status` and `list` print it.
    pub fn name(self) -> &'static str {
        match self {
            Level::Source => "source",
            Level::Draft => "draft",
            Level::PartlyReviewed => "partly reviewed",
            Level::Reviewed => "reviewed",
        }
    }

    /// As manifest.json and the counter page's classes have it.
    pub fn key(self) -> &'static str {
        match self {
            Level::PartlyReviewed => "partly-reviewed",
            other => other.name(),
        }
    }

    /// The level of a [`Level::key`] (a manifest of an earlier build).
    pub fn from_key(key: &str) -> Option<Level> {
        [
            Level::Source,
            Level::Draft,
            Level::PartlyReviewed,
            Level::Reviewed,
        ]
        .into_iter()
        .find(|l| l.key() == key)
    }
}

/// The level of `template`'s leaflet in `lang`: over the blocks it prints.
pub fn level(topic: &Topic, template: &str, lang: &Lang) -> Level {
    let Some(source) = topic.source() else {
        return Level::Draft;
    };
    if lang.tag == source.tag {
        return Level::Source;
    }
    let printed: Vec<&String> = source
        .blocks
        .keys()
        .filter(|n| topic.prints(template, n))
        .collect();
    let reviewed = printed
        .iter()
        .filter(|n| matches!(block_review(lang, source, n), Review::Reviewed(_)))
        .count();
    match reviewed {
        0 => Level::Draft,
        n if n == printed.len() => Level::Reviewed,
        _ => Level::PartlyReviewed,
    }
}

/// The date of the latest review of the blocks `template`'s leaflet prints (when the
/// leaflet's translation was reviewed, once every block is).
pub fn reviewed_on(topic: &Topic, template: &str, lang: &Lang) -> Option<Date> {
    let source = topic.source()?;
    source
        .blocks
        .keys()
        .filter(|n| topic.prints(template, n))
        .filter_map(|n| match block_review(lang, source, n) {
            Review::Reviewed(r) => Some(r.on),
            _ => None,
        })
        .max()
}

/// The levels of every template of a language (set on [`Lang::translation`] when the
/// topic is loaded).
pub fn levels(topic: &Topic, lang: &Lang) -> BTreeMap<String, Level> {
    topic
        .facts
        .templates
        .iter()
        .map(|t| (t.clone(), level(topic, t, lang)))
        .collect()
}

/// Reads the `reviewed` key of block `name`; every problem is reported at its position.
pub(super) fn parse(
    path: &Path,
    text: &str,
    name: &str,
    value: &Spanned<toml::Value>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Record> {
    let form = "reviewed = { by = \"<name>\", on = \"YYYY-MM-DD\", source = \"<hash>\", text = \"<hash>\" }, as `leafpress review accept` or `review import` writes it";
    let err = |span: Range<usize>, msg: String| Diagnostic::error(path, msg).at(text, span);
    let span = value.span();
    let toml::Value::Table(table) = value.get_ref() else {
        diags.push(
            err(
                span,
                format!(
                    "`{name}.{REVIEWED}` must be a table with the reviewer, the date and two hashes, not {}",
                    a(value.get_ref().type_str())
                ),
            )
            .with_hint(format!("write {form}")),
        );
        return None;
    };
    // The table's values carry no spans of their own here: point at the key in the record.
    let key_at = |key: &str| -> Range<usize> {
        let raw = text.get(span.clone()).unwrap_or("");
        let mut from = 0;
        while let Some(i) = raw[from..].find(key) {
            let at = from + i;
            let before = raw[..at].chars().next_back();
            let after = raw[at + key.len()..].trim_start().chars().next();
            if matches!(before, Some('{' | ' ' | ',' | '\n' | '\t')) && after == Some('=') {
                return span.start + at..span.start + at + key.len();
            }
            from = at + key.len();
        }
        span.clone()
    };
    let mut ok = true;
    for key in table.keys() {
        if !RECORD_KEYS.contains(&key.as_str()) {
            let mut d = err(
                key_at(key),
                format!("unknown key `{key}` in `{name}.{REVIEWED}`"),
            );
            d = d.with_hint(
                did_you_mean_hint(key, RECORD_KEYS)
                    .unwrap_or_else(|| format!("a review record has {}", RECORD_KEYS.join(", "))),
            );
            diags.push(d);
            ok = false;
        }
    }
    let mut strings = BTreeMap::new();
    for key in RECORD_KEYS {
        match table.get(key) {
            None => {
                diags.push(
                    err(span.clone(), format!("`{name}.{REVIEWED}` has no `{key}`"))
                        .with_hint(format!("write {form}")),
                );
                ok = false;
            }
            Some(toml::Value::String(s)) => {
                strings.insert(key, s.clone());
            }
            // A bare TOML date (on = 2026-12-07) is a date too.
            Some(toml::Value::Datetime(dt))
                if key == "on" && dt.date.is_some() && dt.time.is_none() =>
            {
                strings.insert(key, dt.to_string());
            }
            Some(v) => {
                diags.push(
                    err(
                        key_at(key),
                        format!(
                            "`{name}.{REVIEWED}.{key}` must be a string, not {}",
                            a(v.type_str())
                        ),
                    )
                    .with_hint(format!("write {form}")),
                );
                ok = false;
            }
        }
    }
    if let Some(by) = strings.get("by")
        && by.trim().is_empty()
    {
        diags.push(
            err(key_at("by"), format!("`{name}.{REVIEWED}.by` is empty"))
                .with_hint("name the reviewer, as they want to be named in the record"),
        );
        ok = false;
    }
    let on = strings.get("on").and_then(|s| {
        let d = Date::parse(s);
        if d.is_none() {
            diags.push(
                err(
                    key_at("on"),
                    format!("`{name}.{REVIEWED}.on` is `{s}`, not a date"),
                )
                .with_hint("write the day of the review as an ISO date: YYYY-MM-DD"),
            );
        }
        d
    });
    for key in ["source", "text"] {
        if let Some(h) = strings.get(key)
            && !is_hash(h)
        {
            diags.push(
                err(key_at(key), format!("`{name}.{REVIEWED}.{key}` is `{h}`, not a review hash"))
                    .with_hint(format!(
                        "a review hash is {HASH_DIGITS} lowercase hex digits; let `leafpress review accept` write the record"
                    )),
            );
            ok = false;
        }
    }
    let (Some(on), true) = (on, ok) else {
        return None;
    };
    Some(Record {
        by: strings.remove("by").unwrap_or_default(),
        on,
        source: strings.remove("source").unwrap_or_default(),
        text: strings.remove("text").unwrap_or_default(),
        span,
    })
}

/// A TOML type's name with its article: "a string", "an integer".
fn a(type_name: &str) -> String {
    let article = if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {type_name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(fields: &[(&str, Field)]) -> Block {
        Block {
            span: 0..0,
            fields: fields
                .iter()
                .map(|(k, f)| ((*k).to_owned(), Spanned::new(0..0, f.clone())))
                .collect(),
            translated_from: None,
            until: None,
            reviewed: None,
        }
    }

    #[test]
    fn the_hash_is_128_bits_of_sha256_and_tells_apart_what_a_join_would_not() {
        let a = block(&[("a", Field::Text("bc".into()))]);
        let b = block(&[("ab", Field::Text("c".into()))]);
        let list = |items: &[&str]| {
            Field::List(
                items
                    .iter()
                    .map(|s| Spanned::new(0..0, (*s).to_owned()))
                    .collect(),
            )
        };
        let c = block(&[("a", list(&["b", "c"]))]);
        let d = block(&[("a", list(&["bc"]))]);
        let hashes = [text_hash(&a), text_hash(&b), text_hash(&c), text_hash(&d)];
        for (i, h) in hashes.iter().enumerate() {
            assert!(is_hash(h), "{h}");
            for g in &hashes[i + 1..] {
                assert_ne!(h, g);
            }
        }
        assert_eq!(string_hash("abc"), "ba7816bf8f01cfea414140de5dae2223");
    }
}
