//! Loading a language file (`<tag>.toml`): `[meta]` and the blocks of translated text, and
//! the language's template files (`<template>/<tag>.toml`: the blocks of one template whose
//! text the topic keeps apart, so that a translator opens one file for one leaflet).
//!
//! Blocks are read generically (a block is a table of strings and lists of strings) and then
//! checked against the source language's file, which defines which blocks and fields exist.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use toml::Spanned;

use super::values::Date;
use crate::diag::Diagnostic;

/// Keys every block may have besides its text fields.
pub const TRANSLATED_FROM: &str = "translated-from";
pub const UNTIL: &str = "until";

/// One language of a topic, as written by its translator.
#[derive(Debug, Clone)]
pub struct Lang {
    pub tag: String,
    pub path: PathBuf,
    /// The file's text, to point diagnostics at lines and columns.
    pub text: String,
    pub name: String,
    pub edition: Option<Date>,
    pub translation: Translation,
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

/// How far a language's text can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Translation {
    /// The source language: every other language is translated from it.
    Source,
    /// Checked by a native speaker.
    Reviewed,
    /// Not yet checked by a native speaker: the leaflet says so.
    Draft,
}

impl Translation {
    pub const NAMES: [&'static str; 3] = ["source", "reviewed", "draft"];

    pub fn name(self) -> &'static str {
        Translation::NAMES[self as usize]
    }
}

/// A table of text: fields by key, and the bookkeeping keys.
#[derive(Debug, Clone)]
pub struct Block {
    pub span: Range<usize>,
    pub fields: BTreeMap<String, Spanned<Field>>,
    pub translated_from: Option<Spanned<String>>,
    pub until: Option<Spanned<String>>,
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
    Table(BTreeMap<String, Spanned<Field>>),
    Stray,
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
                let mut fields = BTreeMap::new();
                while let Some((k, v)) = map.next_entry::<String, Spanned<Field>>()? {
                    fields.insert(k, v);
                }
                Ok(Entry::Table(fields))
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

/// The tables of a language or template file, with errors for keys outside any table.
type Tables = BTreeMap<String, Spanned<BTreeMap<String, Spanned<Field>>>>;

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
    let example = names
        .iter()
        .find(|(n, _)| !NOT_BLOCKS.contains(n))
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
        edition: None,
        translation: Translation::Draft,
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
            let meta = meta.into_inner();
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
                    "name" => lang.name = s.clone(),
                    "edition" => match Date::parse(s) {
                        Some(d) => lang.edition = Some(d),
                        None => diags.push(
                            err(span, format!("`{s}` is not a date"))
                                .with_hint("write the edition as an ISO date: YYYY-MM-DD"),
                        ),
                    },
                    "translation" => match Translation::NAMES.iter().position(|n| n == s) {
                        Some(i) => {
                            lang.translation = [
                                Translation::Source,
                                Translation::Reviewed,
                                Translation::Draft,
                            ][i]
                        }
                        None => diags.push(
                            err(span, format!("unknown translation status `{s}`"))
                                .with_hint("use one of: source, reviewed, draft"),
                        ),
                    },
                    other => {
                        let mut d = err(span, format!("unknown key `{other}` in [meta]"));
                        if let Some(h) = super::did_you_mean_hint(other, META_KEYS) {
                            d = d.with_hint(h);
                        }
                        diags.push(d);
                    }
                }
            }
        }
    }
    if let Some(table) = raw.remove("line-breaks") {
        for (key, value) in table.into_inner() {
            match (key.as_str(), value.get_ref()) {
                ("keep", Field::List(items)) => {
                    for item in items {
                        if item.get_ref().trim().is_empty()
                            || item.get_ref().contains(char::is_whitespace)
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
        let mut fields = table.into_inner();
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
        out.insert(
            name,
            Block {
                span,
                fields,
                translated_from,
                until,
            },
        );
    }
    out
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
