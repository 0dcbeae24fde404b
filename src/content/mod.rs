//! Content stage: reads a content folder (one sub-folder per topic, each with `facts.toml`,
//! one `<lang>.toml` per language, and for a template whose text is kept apart a folder
//! `<template>/` with one `<lang>.toml` per language), validates it, and gives the model later
//! stages use.
//!
//! Every problem found is returned as a [`Diagnostic`] with file, line and column; loading
//! goes on after a problem so that one run reports all of them.

pub mod facts;
pub mod lang;
pub mod record;
pub mod text;
pub mod validate;
pub mod values;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

pub use facts::Facts;
pub use lang::{Block, Declared, Field, Lang, Translation};
pub use record::Level;

use crate::diag::Diagnostic;

/// The largest content file leafpress reads (a leaflet's text is a few kilobytes).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The block of every language file that no leaflet prints: the review sheet's own words
/// (what the reviewer is asked to look for, how to return the sheet, the column heads), in
/// the reviewer's language. It is translated and checked like every block, but it is not
/// part of any leaflet: `Topic::prints` is false for it, so `status` does not count it for
/// a leaflet and its review does not decide a leaflet's draft band.
pub const REVIEW_SHEET: &str = "review-sheet";

/// A topic: one set of facts, its templates and its languages.
#[derive(Debug, Clone)]
pub struct Topic {
    pub id: String,
    pub dir: PathBuf,
    pub facts_path: PathBuf,
    /// The text of facts.toml, to point diagnostics at lines and columns.
    pub facts_text: String,
    pub facts: Facts,
    /// By language tag: the languages that loaded.
    pub langs: BTreeMap<String, Lang>,
    /// By language tag: every language file present, also those that could not be read
    /// or parsed (their errors are reported), so that a run plans their leaflets too.
    pub lang_files: BTreeMap<String, PathBuf>,
    /// By (template, language tag): every template file present (`guide/ja.toml`).
    pub part_files: BTreeMap<(String, String), PathBuf>,
}

impl Topic {
    /// The language every other language is translated from.
    pub fn source(&self) -> Option<&Lang> {
        self.langs.get(&self.facts.source_language)
    }

    /// The template a block is the text of (`guide-consent` → `guide`), or `None` for a block
    /// every template shares ([labels], [language-names], [hotline-…]).
    pub fn template_of<'a>(&'a self, block: &str) -> Option<&'a str> {
        self.facts
            .templates
            .iter()
            .map(String::as_str)
            .find(|t| is_block_of(block, t))
    }

    /// Whether `template`'s leaflet prints block `name`: its own blocks and the shared ones,
    /// never [`REVIEW_SHEET`].
    pub fn prints(&self, template: &str, name: &str) -> bool {
        name != REVIEW_SHEET && self.template_of(name).is_none_or(|t| t == template)
    }
}

/// Everything read from a content folder, and every problem found while reading it.
#[derive(Debug, Default)]
pub struct Content {
    pub topics: Vec<Topic>,
    /// Topics whose facts.toml could not be read or parsed: their leaflets cannot be built,
    /// but they are counted (and reported) as leaflets that failed.
    pub unloaded: Vec<Unloaded>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A topic folder whose facts did not load.
#[derive(Debug, Clone)]
pub struct Unloaded {
    pub id: String,
    pub facts_path: PathBuf,
    /// By language tag: the language files present.
    pub lang_files: BTreeMap<String, PathBuf>,
    /// By (template, language tag): the template files present.
    pub part_files: BTreeMap<(String, String), PathBuf>,
}

impl Content {
    /// Every language tag with a file in some topic, loaded or not, sorted.
    pub fn language_tags(&self) -> Vec<&str> {
        let files = self.topics.iter().map(|t| &t.lang_files);
        let files = files.chain(self.unloaded.iter().map(|u| &u.lang_files));
        let mut tags: Vec<&str> = files.flat_map(|f| f.keys().map(String::as_str)).collect();
        tags.sort();
        tags.dedup();
        tags
    }
}

/// Reads every topic under `dir`. Parse errors are collected; a topic whose facts cannot be
/// read is left out (with its error reported).
pub fn load(dir: &Path) -> Result<Content, Diagnostic> {
    let entries = fs::read_dir(dir).map_err(|e| {
        Diagnostic::error(dir, format!("cannot read the content folder: {e}"))
            .with_hint("run leafpress from the project folder, or pass --content DIR")
    })?;
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut content = Content::default();
    for topic_dir in dirs {
        let facts_path = topic_dir.join("facts.toml");
        if !facts_path.is_file() {
            continue;
        }
        match load_topic(&topic_dir, &facts_path, &mut content.diagnostics) {
            Ok(topic) => content.topics.push(topic),
            Err(unloaded) => content.unloaded.push(unloaded),
        }
    }
    if content.topics.is_empty() && content.unloaded.is_empty() {
        return Err(
            Diagnostic::error(dir, "no topic found: no sub-folder has a facts.toml")
                .with_hint("a topic is a folder with facts.toml and one <lang>.toml per language"),
        );
    }
    Ok(content)
}

/// Loads one topic folder; a topic whose facts do not load comes back as [`Unloaded`].
fn load_topic(
    dir: &Path,
    facts_path: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Result<Topic, Unloaded> {
    let id = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Every `<tag>.toml` beside facts.toml is a language, whether or not it parses, and
    // every `<template>/<tag>.toml` is that language's text of a template.
    let lang_files = toml_files(dir);
    let mut part_files = BTreeMap::new();
    for e in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = e.path();
        if path.is_dir() {
            let template = path.file_name().unwrap_or_default().to_string_lossy();
            for (tag, file) in toml_files(&path) {
                part_files.insert((template.clone().into_owned(), tag), file);
            }
        }
    }
    let facts = read_text(facts_path, diags).and_then(|text| {
        let (facts, facts_diags) = facts::load(facts_path, &text);
        diags.extend(facts_diags);
        Some((facts?, text))
    });
    let Some((facts, text)) = facts else {
        return Err(Unloaded {
            id,
            facts_path: facts_path.to_path_buf(),
            lang_files,
            part_files,
        });
    };
    // The templates whose text is kept apart: those with a folder.
    let part_templates: Vec<&String> = facts
        .templates
        .iter()
        .filter(|t| dir.join(t).is_dir())
        .collect();
    for ((template, tag), path) in &part_files {
        if !facts.templates.contains(template) {
            diags.push(
                Diagnostic::error(
                    path,
                    format!("`{template}` is not a template of this topic"),
                )
                .with_hint(format!(
                    "facts.toml [topic] templates = {:?}: add `{template}` there, or move the file",
                    facts.templates
                )),
            );
        } else if !lang_files.contains_key(tag) {
            diags.push(
                Diagnostic::error(path, format!("there is no language file {tag}.toml"))
                    .with_hint(format!(
                        "a language's [meta] and [labels] are in {}/{tag}.toml: add it, or check the file name",
                        dir.display()
                    )),
            );
        }
    }
    let mut langs = BTreeMap::new();
    for (tag, path) in &lang_files {
        let Some(text) = read_text(path, diags) else {
            continue;
        };
        let (lang, lang_diags) = lang::load(path, &text, tag);
        diags.extend(lang_diags);
        let Some(mut lang) = lang else {
            continue;
        };
        // A template's block written in the language file instead of the template's file.
        lang.blocks.retain(|name, block| {
            let Some(template) = part_templates.iter().find(|t| is_block_of(name, t)) else {
                return true;
            };
            diags.push(
                Diagnostic::error(path, format!("[{name}] belongs in {template}/{tag}.toml"))
                    .at(&text, block.span.clone())
                    .with_hint(format!(
                        "the `{template}` template's text is kept apart: move the block to {}",
                        dir.join(template).join(format!("{tag}.toml")).display()
                    )),
            );
            false
        });
        for &template in &part_templates {
            let path = dir.join(template).join(format!("{tag}.toml"));
            let present = part_files.contains_key(&(template.clone(), tag.clone()));
            let mut part = lang::Part {
                path: path.clone(),
                text: String::new(),
                failed: present,
            };
            if let Some(text) = present.then(|| read_text(&path, diags)).flatten() {
                let (blocks, part_diags) = lang::load_part(&path, &text, template);
                diags.extend(part_diags);
                part.failed = blocks.is_none();
                for (name, block) in blocks.into_iter().flatten() {
                    lang.blocks.insert(name, block);
                }
                part.text = text;
            }
            lang.parts.insert(template.clone(), part);
        }
        langs.insert(tag.clone(), lang);
    }
    let mut topic = Topic {
        id,
        dir: dir.to_path_buf(),
        facts_path: facts_path.to_path_buf(),
        facts_text: text,
        facts,
        langs,
        lang_files,
        part_files,
    };
    // What the review records say, per template (derived here, never typed).
    let levels: Vec<_> = topic
        .langs
        .values()
        .map(|l| (l.tag.clone(), record::levels(&topic, l)))
        .collect();
    for (tag, levels) in levels {
        if let Some(l) = topic.langs.get_mut(&tag) {
            l.translation.levels = levels;
        }
    }
    if !topic.lang_files.contains_key(&topic.facts.source_language) {
        diags.push(
            Diagnostic::error(
                facts_path,
                format!(
                    "the source language `{}` has no file",
                    topic.facts.source_language
                ),
            )
            .with_hint(format!(
                "add {}/{}.toml",
                dir.display(),
                topic.facts.source_language
            )),
        );
    }
    Ok(topic)
}

/// Whether a block is the text of `template`: named `<template>-…` (`guide-consent`).
pub fn is_block_of(block: &str, template: &str) -> bool {
    block
        .strip_prefix(template)
        .is_some_and(|rest| rest.starts_with('-'))
}

/// The `<stem>.toml` files of a folder by stem (`facts.toml` excepted).
fn toml_files(dir: &Path) -> BTreeMap<String, PathBuf> {
    let mut files = BTreeMap::new();
    for e in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = e.path();
        let is_toml = path.extension().is_some_and(|e| e == "toml");
        if is_toml && path.is_file() && path.file_name().is_some_and(|n| n != "facts.toml") {
            let tag = path.file_stem().unwrap_or_default().to_string_lossy();
            files.insert(tag.into_owned(), path);
        }
    }
    files
}

/// Reads a content file as UTF-8 text, refusing files too large to be content.
fn read_text(path: &Path, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let fail = |msg: String| Diagnostic::error(path, msg);
    match fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE_BYTES => {
            diags.push(
                fail(format!(
                    "the file is {} bytes; content files are limited to {MAX_FILE_BYTES} bytes",
                    m.len()
                ))
                .with_hint("a leaflet's text is a few kilobytes: is this the right file?"),
            );
            return None;
        }
        Err(e) => {
            diags.push(fail(format!("cannot read the file: {e}")));
            return None;
        }
        Ok(_) => {}
    }
    match fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(s) => Some(s),
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                diags.push(
                    fail("the file is not valid UTF-8".into())
                        .at(&text, offset..offset)
                        .with_hint("save the file as UTF-8"),
                );
                None
            }
        },
        Err(e) => {
            diags.push(fail(format!("cannot read the file: {e}")));
            None
        }
    }
}

/// A TOML parse or type error as a diagnostic at its position.
pub(crate) fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> Diagnostic {
    let message = e.message().trim().to_owned();
    let d = Diagnostic::error(path, message);
    match e.span() {
        Some(span) => d.at(text, span),
        None => d,
    }
}

/// "did you mean `x`?" for the closest candidate, if any is close.
pub(crate) fn did_you_mean_hint<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    crate::diag::did_you_mean(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// Ids: lowercase ASCII letters, digits and '-'.
pub(crate) fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A BCP 47 language tag of the shapes leafpress uses: language, optional script, optional
/// region (`ja`, `zh-Hans`, `pt-BR`, `sr-Latn-RS`).
pub fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let lang_ok = parts
        .next()
        .is_some_and(|l| (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_lowercase()));
    let mut stage = 0;
    for p in parts {
        let script = p.len() == 4
            && p.as_bytes()[0].is_ascii_uppercase()
            && p.bytes().skip(1).all(|b| b.is_ascii_lowercase());
        let region = (p.len() == 2 && p.bytes().all(|b| b.is_ascii_uppercase()))
            || (p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit()));
        stage = match (stage, script, region) {
            (0, true, _) => 1,
            (0 | 1, _, true) => 2,
            _ => return false,
        };
    }
    lang_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        for ok in [
            "ja",
            "en",
            "zh-Hans",
            "zh-Hant",
            "pt-BR",
            "my",
            "km",
            "es-419",
            "sr-Latn-RS",
        ] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["", "EN", "zh_Hans", "pt-br", "english", "zh-Hans-Hant", "j"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }
}
