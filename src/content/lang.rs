//! Loading a language file (`<tag>.toml`): `[meta]` and the blocks of translated text, and
//! the language's template files (`<template>/<tag>.toml`: the blocks of one template whose
//! text the topic keeps apart, so that a translator opens one file for one leaflet).
//!
//! Blocks are read generically (a block is a table of strings and lists of strings, and its
//! bookkeeping keys: `translated-from`, `until`, and `reviewed`, the one key whose value is a
//! table, a review record: `record::parse`) and then checked against the source language's
//! file, which defines which blocks and fields exist.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use toml::Spanned;

use super::record::{self, Level, REVIEWED, Record};
use super::values::Date;
use crate::diag::Diagnostic;

/// Keys every block may have besides its text fields (bookkeeping, not text: no text field
/// may have these names). `reviewed` is the third, a review record (`record::REVIEWED`).
pub const TRANSLATED_FROM: &str = "translated-from";
pub const UNTIL: &str = "until";

/// One language of a topic, as written by its translator.
#[derive(Debug, Clone)]
pub struct Lang {
    pub tag: String,
    pub path: PathBuf,
    /// The file's text, to point diagnostics at lines and columns.
    pub text: String,
    /// Its name in its own words (`[meta] name`), plain: for the counter page, the manifest,
    /// lists and messages.
    pub name: String,
    /// The name as the leaflets print it: with the readings of its kanji in a language
    /// printed with furigana (`やさしい｜日本語《にほんご》`), else `name`.
    pub printed_name: String,
    pub edition: Option<Date>,
    /// What `[meta] translation` declares, and what the review records say per template.
    pub translation: Translation,
    /// How it writes the time of day (`[meta] clock`).
    pub clock: Clock,
    /// Every block, from the language file and its template files.
    pub blocks: BTreeMap<String, Block>,
    /// Words and compounds a line never breaks inside (`[line-breaks] keep`; see
    /// `breaks`): where the word segmenters of a script written without spaces are wrong.
    pub keep_together: Vec<String>,
    /// By template: the file that holds that template's blocks (`guide/<tag>.toml`), for the
    /// templates whose text the topic keeps apart. The file may be missing (text empty).
    pub parts: BTreeMap<String, Part>,
}

/// A template's file of a language.
#[derive(Debug, Clone)]
pub struct Part {
    pub path: PathBuf,
    /// The file's text ("" when it is missing or did not load).
    pub text: String,
    /// The file is there but could not be read or parsed (that error is reported; its
    /// blocks are not reported again as untranslated).
    pub failed: bool,
}

impl Lang {
    /// The template file that holds block `name`, if the block is a template's
    /// (`guide-…`) and the topic keeps that template's text apart.
    pub fn part_of(&self, name: &str) -> Option<&Part> {
        self.parts
            .iter()
            .find(|(t, _)| super::is_block_of(name, t))
            .map(|(_, p)| p)
    }

    /// The file (path and text) where block `name` is written, or belongs.
    pub fn file_for(&self, name: &str) -> (&Path, &str) {
        match self.part_of(name) {
            Some(p) => (&p.path, &p.text),
            None => (&self.path, &self.text),
        }
    }

    /// Every file of the language: the language file, then its template files.
    pub fn files(&self) -> impl Iterator<Item = (&Path, &str)> {
        std::iter::once((self.path.as_path(), self.text.as_str())).chain(
            self.parts
                .values()
                .map(|p| (p.path.as_path(), p.text.as_str())),
        )
    }
}

/// What `[meta] translation` declares: the source language, or a translation. Whether a
/// translation has been reviewed is never typed: it is derived from its blocks' review
/// records ([`Translation::levels`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Declared {
    /// The source language: every other language is translated from it.
    Source,
    /// A translation: a draft until a native speaker has reviewed its blocks.
    #[default]
    Draft,
}

impl Declared {
    pub const NAMES: [&'static str; 2] = ["source", "draft"];

    pub fn name(self) -> &'static str {
        Declared::NAMES[self as usize]
    }
}

/// How far a language's text can be trusted: what `[meta]` declares, and per template the
/// level its blocks' review records give the leaflet (`record::level`, set when the topic
/// is loaded).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Translation {
    pub declared: Declared,
    /// By template: draft, partly reviewed or reviewed (source for the source language).
    pub levels: BTreeMap<String, Level>,
}

impl Translation {
    /// The level of `template`'s leaflet.
    pub fn level(&self, template: &str) -> Level {
        match self.declared {
            Declared::Source => Level::Source,
            Declared::Draft => self.levels.get(template).copied().unwrap_or(Level::Draft),
        }
    }

    /// The language's standing as `list` prints it: one level when every template has it,
    /// else each template's (`faq: reviewed, guide: draft`).
    pub fn summary(&self) -> String {
        let mut levels: Vec<Level> = self.levels.values().copied().collect();
        levels.dedup();
        match (self.declared, levels.as_slice()) {
            (Declared::Source, _) => Level::Source.name().to_owned(),
            (_, []) => Level::Draft.name().to_owned(),
            (_, [one]) => one.name().to_owned(),
            _ => self
                .levels
                .iter()
                .map(|(t, l)| format!("{t}: {}", l.name()))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// A table of text: fields by key, and the bookkeeping keys.
#[derive(Debug, Clone)]
pub struct Block {
    pub span: Range<usize>,
    pub fields: BTreeMap<String, Spanned<Field>>,
    pub translated_from: Option<Spanned<String>>,
    pub until: Option<Spanned<String>>,
    /// A native speaker's review of this block (`reviewed = { … }`), if well-formed.
    pub reviewed: Option<Record>,
}

/// A text field: one string, or a list of strings (paragraphs, options).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Text(String),
    List(Vec<Spanned<String>>),
}

impl Field {
    pub fn kind(&self) -> &'static str {
        match self {
            Field::Text(_) => "a string",
            Field::List(_) => "an array of strings",
        }
    }
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl<'de> Visitor<'de> for FieldVisitor {
            type Value = Field;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Field, E> {
                Ok(Field::Text(v.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Field, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<String>>()? {
                    items.push(item);
                }
                Ok(Field::List(items))
            }
        }
        d.deserialize_any(FieldVisitor)
    }
}

/// A top-level entry of a language file: a block's table, or a stray value that belongs in one.
enum Entry {
    Table(Table),
    Stray,
}

/// A table of a language file as read: its text fields, and a review record if it has one
/// (the only key whose value is a table; read as any TOML value, checked by `record::parse`).
#[derive(Default)]
struct Table {
    fields: BTreeMap<String, Spanned<Field>>,
    reviewed: Option<Spanned<toml::Value>>,
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EntryVisitor;
        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = Entry;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Entry, A::Error> {
                let mut table = Table::default();
                while let Some(k) = map.next_key::<String>()? {
                    if k == REVIEWED {
                        table.reviewed = Some(map.next_value()?);
                    } else {
                        table.fields.insert(k, map.next_value()?);
                    }
                }
                Ok(Entry::Table(table))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Entry, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Entry::Stray)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Entry, E> {
                Ok(Entry::Stray)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Entry, E> {
                Ok(Entry::Stray)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Entry, E> {
                Ok(Entry::Stray)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Entry, E> {
                Ok(Entry::Stray)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Entry, E> {
                Ok(Entry::Stray)
            }
        }
        d.deserialize_any(EntryVisitor)
    }
}

type RawFile = BTreeMap<Spanned<String>, Spanned<Entry>>;

/// Tables of a language file that are not blocks of the leaflet's text.
const NOT_BLOCKS: [&str; 4] = ["meta", "labels", "language-names", "line-breaks"];

const META_KEYS: [&str; 4] = ["language", "name", "edition", "translation"];
/// Keys `[meta]` may have besides [`META_KEYS`].
const META_OPTIONAL: [&str; 1] = ["clock"];

/// How a language writes the time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// `8:30`, `20:00` (every language but the next).
    #[default]
    TwentyFourHour,
    /// 午前8時30分, 午後8時 (やさしい日本語: `[meta] clock = "ja-ampm"`).
    JapaneseAmPm,
}

/// The tables of a language or template file, with errors for keys outside any table.
type Tables = BTreeMap<String, Spanned<Table>>;

fn tables(path: &Path, text: &str, example: &str) -> Result<(Tables, Vec<Diagnostic>), Diagnostic> {
    let raw: RawFile = toml::from_str(text).map_err(|e| super::toml_error(path, text, &e))?;
    let mut diags = Vec::new();
    // Keys outside any table: name them, and the block they were probably meant for.
    let (tables, strays): (Vec<_>, Vec<_>) = raw
        .into_iter()
        .partition(|(_, v)| matches!(v.get_ref(), Entry::Table(_)));
    let mut names: Vec<(&str, usize)> = tables
        .iter()
        .map(|(k, v)| (k.get_ref().as_str(), v.span().start))
        .collect();
    names.sort_by_key(|&(_, at)| at);
    // a block of a leaflet's own text (not one every template shares) is the clearest example
    let example = names
        .iter()
        .find(|(n, _)| !NOT_BLOCKS.contains(n) && *n != "links")
        .map_or(example, |(n, _)| n);
    for (key, _) in &strays {
        let key_name = key.get_ref();
        let closest = crate::diag::closest(key_name, names.iter().map(|(n, _)| *n));
        let mut d = Diagnostic::error(
            path,
            format!(
                "stray key `{key_name}` outside any table: a language file holds block tables such as [{example}], and every text belongs in one"
            ),
        )
        .at(text, key.span());
        if let Some((_, name)) = closest {
            d = d.with_hint(if name == key_name {
                format!("[{name}] is a table: write [{name}] on a line of its own, and its keys below it")
            } else {
                format!("the closest block is [{name}]: move the key into its table, or delete it")
            });
        }
        diags.push(d);
    }
    let tables = tables
        .into_iter()
        .filter_map(|(k, v)| {
            let span = v.span();
            match v.into_inner() {
                Entry::Table(t) => Some((k.into_inner(), Spanned::new(span, t))),
                Entry::Stray => None,
            }
        })
        .collect();
    Ok((tables, diags))
}

/// Parses a language file. `tag` is the file's stem, which must match `meta.language`.
pub fn load(path: &Path, text: &str, tag: &str) -> (Option<Lang>, Vec<Diagnostic>) {
    let (mut raw, mut diags) = match tables(path, text, "faq-lead") {
        Ok(t) => t,
        Err(d) => return (None, vec![d]),
    };
    let err = |span: Range<usize>, msg: String| Diagnostic::error(path, msg).at(text, span);
    let mut lang = Lang {
        tag: tag.to_owned(),
        path: path.to_path_buf(),
        text: text.to_owned(),
        name: String::new(),
        printed_name: String::new(),
        edition: None,
        translation: Translation::default(),
        clock: Clock::default(),
        blocks: BTreeMap::new(),
        keep_together: Vec::new(),
        parts: BTreeMap::new(),
    };
    match raw.remove("meta") {
        None => diags.push(
            Diagnostic::error(path, "missing table [meta]")
                .with_hint("add [meta] with language, name, edition and translation"),
        ),
        Some(meta) => {
            let meta_span = meta.span();
            let Table {
                fields: meta,
                reviewed,
            } = meta.into_inner();
            if let Some(r) = reviewed {
                diags.push(
                    err(r.span(), format!("unknown key `{REVIEWED}` in [meta]")).with_hint(
                        "a review is recorded per block of text, in the block: `reviewed = { … }`",
                    ),
                );
            }
            for key in META_KEYS {
                if !meta.contains_key(key) {
                    diags.push(err(
                        meta_span.clone(),
                        format!("missing key `{key}` in [meta]"),
                    ));
                }
            }
            for (key, value) in &meta {
                let span = value.span();
                let Field::Text(s) = value.get_ref() else {
                    diags.push(err(span, format!("`meta.{key}` must be a string")));
                    continue;
                };
                if let Some(d) = control(path, text, span.clone(), s, false) {
                    diags.push(d);
                    continue;
                }
                match key.as_str() {
                    "language" if s != tag => diags.push(
                        err(
                            span,
                            format!("`meta.language` is `{s}` but the file is named `{tag}.toml`"),
                        )
                        .with_hint("the file name and meta.language must be the same language tag"),
                    ),
                    "language" => {}
                    "name" if s.trim().is_empty() => {
                        diags.push(err(span, "`meta.name` is empty".into()))
                    }
                    "name" => {
                        lang.name = super::ruby::strip(s);
                        lang.printed_name = s.clone();
                    }
                    "edition" => match Date::parse(s) {
                        Some(d) => lang.edition = Some(d),
                        None => diags.push(
                            err(span, format!("`{s}` is not a date"))
                                .with_hint("write the edition as an ISO date: YYYY-MM-DD"),
                        ),
                    },
                    "clock" => match s.as_str() {
                        "24h" => lang.clock = Clock::TwentyFourHour,
                        "ja-ampm" => lang.clock = Clock::JapaneseAmPm,
                        _ => diags.push(
                            err(span, format!("unknown clock `{s}`"))
                                .with_hint("use 24h (8:30, 20:00) or ja-ampm (午前8時30分, 午後8時)"),
                        ),
                    },
                    "translation" => match s.as_str() {
                        "source" => lang.translation.declared = Declared::Source,
                        "draft" => lang.translation.declared = Declared::Draft,
                        "reviewed" => diags.push(
                            err(
                                span,
                                "`translation = \"reviewed\"` cannot be typed: a review is recorded per block (`reviewed = { by, on, source, text }`), and a language is reviewed once every block its leaflets print is".into(),
                            )
                            .with_hint("keep translation = \"draft\"; `leafpress review accept` or `review import` records a native speaker's review, and `leafpress status` shows what is reviewed"),
                        ),
                        _ => diags.push(
                            err(span, format!("unknown translation status `{s}`"))
                                .with_hint("use one of: source, draft"),
                        ),
                    },
                    other => {
                        let mut d = err(span, format!("unknown key `{other}` in [meta]"));
                        if let Some(h) = super::did_you_mean_hint(other, META_KEYS.iter().chain(&META_OPTIONAL).copied()) {
                            d = d.with_hint(h);
                        }
                        diags.push(d);
                    }
                }
            }
        }
    }
    if let Some(table) = raw.remove("line-breaks") {
        for (key, value) in table.into_inner().fields {
            match (key.as_str(), value.get_ref()) {
                ("keep", Field::List(items)) => {
                    for item in items {
                        if item.get_ref().trim().is_empty()
                            || item
                                .get_ref()
                                .contains(|c: char| c.is_whitespace() || c.is_control())
                        {
                            diags.push(
                                err(item.span(), "a `line-breaks.keep` entry must be one word, without spaces".into())
                                    .with_hint("a line may break at a space anyway; list the word or compound that must not break"),
                            );
                        } else {
                            lang.keep_together.push(item.get_ref().clone());
                        }
                    }
                }
                ("keep", Field::Text(_)) => diags.push(err(
                    value.span(),
                    "`line-breaks.keep` must be an array of strings".into(),
                )),
                (other, _) => diags.push(
                    err(
                        value.span(),
                        format!("unknown key `{other}` in [line-breaks]"),
                    )
                    .with_hint("[line-breaks] holds `keep`: the words a line never breaks inside"),
                ),
            }
        }
    }
    let blocks = blocks(path, text, raw, &mut diags);
    lang.blocks = blocks;
    (Some(lang), diags)
}

/// The block tables of a file, with their bookkeeping keys taken apart.
fn blocks(
    path: &Path,
    text: &str,
    raw: Tables,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Block> {
    let mut out = BTreeMap::new();
    for (name, table) in raw {
        let span = table.span();
        let Table {
            mut fields,
            reviewed,
        } = table.into_inner();
        let mut bookkeeping = |key: &str, diags: &mut Vec<Diagnostic>| match fields.remove(key) {
            Some(v) => match v.get_ref() {
                Field::Text(s) => Some(Spanned::new(v.span(), s.clone())),
                Field::List(_) => {
                    diags.push(
                        Diagnostic::error(path, format!("`{name}.{key}` must be a string"))
                            .at(text, v.span()),
                    );
                    None
                }
            },
            None => None,
        };
        let translated_from = bookkeeping(TRANSLATED_FROM, diags);
        let until = bookkeeping(UNTIL, diags);
        // Paragraph text may hold a line break; names and labels are one line.
        let newline = !NOT_BLOCKS.contains(&name.as_str());
        for field in fields.values() {
            match field.get_ref() {
                Field::Text(s) => diags.extend(control(path, text, field.span(), s, newline)),
                Field::List(items) => {
                    for i in items {
                        diags.extend(control(path, text, i.span(), i.get_ref(), newline));
                    }
                }
            }
        }
        let reviewed = reviewed.and_then(|r| record::parse(path, text, &name, &r, diags));
        out.insert(
            name,
            Block {
                span,
                fields,
                translated_from,
                until,
                reviewed,
            },
        );
    }
    out
}

/// Content is text: a control character in a string (a NUL, ESC, a tab; a newline where
/// `newline` is false) is an error at the escape that wrote it. It would reach the PDF's
/// metadata, the counter page and the logs.
pub(crate) fn control(
    path: &Path,
    file: &str,
    span: Range<usize>,
    value: &str,
    newline: bool,
) -> Option<Diagnostic> {
    let bad = |c: char| c.is_control() && !(newline && c == '\n');
    let c = value.chars().find(|&c| bad(c))?;
    let raw = file.get(span.clone()).unwrap_or("");
    let at = span.start + control_in_raw(raw, &bad).unwrap_or(0);
    let what = match c {
        '\n' => "a line break".to_owned(),
        '\t' => "a tab".to_owned(),
        c => format!("a control character (U+{:04X})", c as u32),
    };
    Some(
        Diagnostic::error(path, format!("{what} in a text"))
            .at(file, at..at)
            .with_hint(if c == '\n' {
                "a name or label is one line: write it without a line break".to_owned()
            } else {
                "content is plain text: remove it (or write a space)".to_owned()
            }),
    )
}

/// Where, in a TOML string as written (quotes included), the first character `bad` is:
/// written as itself or as an escape (`\u0000`, `\t`, `\e`).
fn control_in_raw(raw: &str, bad: &dyn Fn(char) -> bool) -> Option<usize> {
    let literal = raw.starts_with('\'');
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\\' && !literal {
            let decoded = match chars.next() {
                Some((_, 'u')) | Some((_, 'U')) | Some((_, 'x')) => {
                    let len = match raw[i + 1..].chars().next() {
                        Some('u') => 4,
                        Some('U') => 8,
                        _ => 2,
                    };
                    let hex: String = (0..len)
                        .filter_map(|_| chars.next().map(|(_, c)| c))
                        .collect();
                    u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                }
                Some((_, 'b')) => Some('\u{8}'),
                Some((_, 't')) => Some('\t'),
                Some((_, 'n')) => Some('\n'),
                Some((_, 'f')) => Some('\u{c}'),
                Some((_, 'r')) => Some('\r'),
                Some((_, 'e')) => Some('\u{1b}'),
                _ => None,
            };
            if decoded.is_some_and(bad) {
                return Some(i);
            }
        } else if bad(c) && !(c == '\n' && raw.starts_with("\"\"\"") && i < 4) {
            return Some(i);
        }
    }
    None
}

/// Parses a template file of a language (`<template>/<tag>.toml`): blocks of that template
/// only, all named `<template>-…`; [meta], [labels] and the other shared blocks stay in the
/// language file.
pub fn load_part(
    path: &Path,
    text: &str,
    template: &str,
) -> (Option<BTreeMap<String, Block>>, Vec<Diagnostic>) {
    let example = format!("{template}-header");
    let (raw, mut diags) = match tables(path, text, &example) {
        Ok(t) => t,
        Err(d) => return (None, vec![d]),
    };
    let mut blocks = blocks(path, text, raw, &mut diags);
    blocks.retain(|name, block| {
        let own = super::is_block_of(name, template);
        if !own {
            diags.push(
                Diagnostic::error(
                    path,
                    format!("[{name}] does not belong in a file of the `{template}` template"),
                )
                .at(text, block.span.clone())
                .with_hint(format!(
                    "this file holds only [{template}-…] blocks; [meta], [labels] and the text that every template shares are in the language file beside facts.toml"
                )),
            );
        }
        own
    });
    (Some(blocks), diags)
}
