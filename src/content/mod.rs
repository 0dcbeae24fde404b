//! Content stage: reads a content folder (one sub-folder per topic, each with `facts.toml`,
//! one `<lang>.toml` per language, and for a template whose text is kept apart a folder
//! `<template>/` with one `<lang>.toml` per language), validates it, and gives the model later
//! stages use.
//!
//! Every problem found is returned as a [`Diagnostic`] with file, line and column; loading
//! goes on after a problem so that one run reports all of them.

pub mod center;
pub mod facts;
pub mod lang;
pub mod record;
pub mod ruby;
pub mod text;
pub mod validate;
pub mod values;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

pub use center::Center;
pub use facts::Facts;
pub use lang::{Block, Declared, Field, Lang, Translation};
pub use record::Level;

use crate::diag::Diagnostic;
use crate::sandbox::{Refused, Root};

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
    /// The center whose edition its leaflets are printed for: the one facts.toml names, or
    /// the one a run asks for (`--center`, see [`Content::for_center`]).
    pub center: Option<Center>,
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
    /// The centers that loaded, by id.
    pub centers: BTreeMap<String, Center>,
    /// Every center's file present (also those that did not load), by id.
    pub center_files: BTreeMap<String, PathBuf>,
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
    /// The content as printed for center `id`: every topic's leaflets carry that center.
    /// An error naming the centers there are if there is no such center (or its file does
    /// not load: its errors are among the diagnostics).
    pub fn for_center(mut self, id: &str) -> Result<Content, String> {
        let Some(center) = self.centers.get(id).cloned() else {
            let known: Vec<&str> = self.center_files.keys().map(String::as_str).collect();
            return Err(if let Some(path) = self.center_files.get(id) {
                // (its errors here: this is said before any diagnostic is printed)
                let errors: Vec<String> = self
                    .diagnostics
                    .iter()
                    .filter(|d| d.is_error() && d.path == *path)
                    .map(ToString::to_string)
                    .collect();
                format!("the center `{id}` does not load:\n{}", errors.join("\n"))
            } else if known.is_empty() {
                format!(
                    "no center `{id}`: the content has no centers (content/{}/<id>.toml; `leafpress new-center {id}` writes one to fill in)",
                    center::FOLDER
                )
            } else {
                format!("no center `{id}`; centers found: {}", known.join(", "))
            });
        };
        for t in &mut self.topics {
            t.center = Some(center.clone());
        }
        Ok(self)
    }

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

/// Reads every topic under `dir`. Every entry of the folder is accounted for (this is the
/// one place that decides what a content folder holds, for `build`, `check` and every other
/// command):
///
/// - a folder is a topic (its name an id); a topic without `facts.toml` is an error, and its
///   language files are leaflets that fail;
/// - in a topic, `facts.toml`, every `<tag>.toml` (whatever it is: a folder, a FIFO or a
///   dangling link where a file belongs is a language whose leaflets fail, with an error
///   naming the path) and `<template>/<tag>.toml`;
/// - anything else is named in a warning (`vi.toml.bak` is not used), and names starting
///   with `.` (editors' swap files, `.gitkeep`) are passed over;
/// - a link that leads out of the content folder is an error, and is not read.
///
/// Parse errors are collected; a topic whose facts cannot be read comes back as
/// [`Unloaded`], with its error reported.
pub fn load(dir: &Path) -> Result<Content, Diagnostic> {
    let cannot = |e: std::io::Error| {
        Diagnostic::error(dir, format!("cannot read the content folder: {e}"))
            .with_hint("run leafpress from the project folder, or pass --content DIR")
    };
    let root = Root::new(dir, MAX_FILE_BYTES).map_err(cannot)?;
    let mut content = Content::default();
    let all = entries(&root, dir).map_err(cannot)?;
    // The centers first: a topic names its default one.
    if let Some((path, Entry::Folder)) = all.iter().find(|(p, _)| file_name(p) == center::FOLDER) {
        load_centers(&root, path, &mut content);
    }
    for (path, what) in all {
        let name = file_name(&path);
        if name == center::FOLDER {
            if let Entry::Refused(r) = what {
                content.diagnostics.push(refused(&path, &r));
            }
            continue;
        }
        match what {
            Entry::Folder if is_id(&name) => {
                match load_topic(&root, &path, &mut content.diagnostics) {
                    Ok(mut topic) => {
                        let mut diags = Vec::new();
                        topic.center = default_center(&topic, &content, &mut diags);
                        content.diagnostics.extend(diags);
                        content.topics.push(topic)
                    }
                    Err(unloaded) => content.unloaded.push(unloaded),
                }
            }
            Entry::Folder => content.diagnostics.push(
                Diagnostic::error(&path, format!("`{name}` is not a topic name"))
                    .with_hint("a topic folder's name is part of every file name it prints: use lowercase letters a–z, digits and '-' (e.g. mynumber-health-insurance)"),
            ),
            Entry::File => content.diagnostics.push(not_used(
                &path,
                "the content folder holds topic folders (one per topic); files beside them are not read",
            )),
            Entry::Refused(r) => content.diagnostics.push(refused(&path, &r)),
        }
    }
    if content.topics.is_empty() && content.unloaded.is_empty() {
        let mut d = Diagnostic::error(dir, "no topic found: no sub-folder has a facts.toml")
            .with_hint("a topic is a folder with facts.toml and one <lang>.toml per language");
        if let Some(first) = content.diagnostics.iter().find(|d| d.is_error()) {
            d.message = format!("no topic found ({})", first.message);
        }
        return Err(d);
    }
    Ok(content)
}

/// Loads every `<id>.toml` of the centers folder; other files are logos (a center's file
/// names its own) or not used.
fn load_centers(root: &Root, dir: &Path, content: &mut Content) {
    let mut others = Vec::new();
    for (path, what) in entries(root, dir).unwrap_or_default() {
        let name = file_name(&path);
        let Some(id) = name.strip_suffix(".toml") else {
            match what {
                Entry::Refused(r) => content.diagnostics.push(refused(&path, &r)),
                _ => others.push(path),
            }
            continue;
        };
        if !is_id(id) {
            content.diagnostics.push(
                Diagnostic::error(&path, format!("`{id}` is not a center id"))
                    .with_hint("a center's id names its output folder: use lowercase letters a–z, digits and '-'"),
            );
            continue;
        }
        content.center_files.insert(id.to_owned(), path.clone());
        let Some(text) = read_text(root, &path, &mut content.diagnostics) else {
            continue;
        };
        let (center, diags) = center::load(root, &path, &text);
        content.diagnostics.extend(diags);
        if let Some(c) = center {
            content.centers.insert(c.id.clone(), c);
        }
    }
    for path in others {
        let logo = file_name(&path);
        let used = content
            .centers
            .values()
            .any(|c| c.text.contains(&format!("\"{logo}\"")));
        if !used {
            content.diagnostics.push(not_used(
                &path,
                "the centers folder holds one <id>.toml per center and the logos they name",
            ));
        }
    }
}

/// The center a topic's facts name, if it loaded; an error at the name if there is no
/// such center.
fn default_center(topic: &Topic, content: &Content, diags: &mut Vec<Diagnostic>) -> Option<Center> {
    let id = topic.facts.center.as_ref()?;
    if let Some(c) = content.centers.get(id.get_ref()) {
        return Some(c.clone());
    }
    if !content.center_files.contains_key(id.get_ref()) {
        let known: Vec<&str> = content.center_files.keys().map(String::as_str).collect();
        diags.push(
            Diagnostic::error(&topic.facts_path, format!("no center `{}`", id.get_ref()))
                .at(&topic.facts_text, id.span())
                .with_hint(if known.is_empty() {
                    format!(
                        "add content/{}/{}.toml (`leafpress new-center {}`)",
                        center::FOLDER,
                        id.get_ref(),
                        id.get_ref()
                    )
                } else {
                    format!("centers found: {}", known.join(", "))
                }),
        );
    }
    None
}

/// What an entry of a content folder is.
enum Entry {
    /// A folder (or a link to one inside the content folder).
    Folder,
    /// A regular file (or a link to one inside the content folder).
    File,
    /// What leafpress must not read: a link out, a FIFO, a device, a dangling link.
    Refused(Refused),
}

/// The entries of folder `dir` of the content, sorted, hidden ones (`.…`) left out.
fn entries(root: &Root, dir: &Path) -> std::io::Result<Vec<(PathBuf, Entry)>> {
    let mut found: Vec<(PathBuf, Entry)> = Vec::new();
    for e in fs::read_dir(dir)? {
        let path = e?.path();
        if file_name(&path).starts_with('.') {
            continue;
        }
        let what = match root.resolve(&path) {
            Ok((_, m)) if m.is_dir() => Entry::Folder,
            Ok((_, m)) if m.is_file() => Entry::File,
            Ok(_) => match root.open(&path) {
                Err(r) => Entry::Refused(r),
                Ok(_) => Entry::File,
            },
            Err(r) => Entry::Refused(r),
        };
        found.push((path, what));
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(found)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A warning: this entry of the content folder is not read.
fn not_used(path: &Path, why: &str) -> Diagnostic {
    Diagnostic::warning(path, "not used by leafpress").with_hint(why.to_owned())
}

/// An error: this entry must not be read (a link out, a FIFO, …).
fn refused(path: &Path, why: &Refused) -> Diagnostic {
    Diagnostic::error(path, format!("cannot read it: {why}"))
        .with_hint("content files are regular files inside the content folder")
}

/// Loads one topic folder; a topic whose facts do not load (or that has none) comes back
/// as [`Unloaded`].
fn load_topic(root: &Root, dir: &Path, diags: &mut Vec<Diagnostic>) -> Result<Topic, Unloaded> {
    let id = file_name(dir);
    let facts_path = dir.join("facts.toml");
    // Every `<tag>.toml` beside facts.toml is a language, whether or not it can be read or
    // parsed, and every `<template>/<tag>.toml` is that language's text of a template.
    let mut lang_files = BTreeMap::new();
    let mut part_files = BTreeMap::new();
    let mut part_dirs = Vec::new();
    let mut has_facts = false;
    for (path, what) in entries(root, dir).unwrap_or_default() {
        let name = file_name(&path);
        match (name.strip_suffix(".toml"), what) {
            (Some("facts"), _) => has_facts = true,
            (Some(tag), _) => drop(lang_files.insert(tag.to_owned(), path)),
            (None, Entry::Folder) => {
                part_dirs.push(name.clone());
                for (file, what) in entries(root, &path).unwrap_or_default() {
                    match file_name(&file).strip_suffix(".toml") {
                        Some(tag) => drop(part_files.insert((name.clone(), tag.to_owned()), file)),
                        None => diags.push(match what {
                            Entry::Refused(r) => refused(&file, &r),
                            _ => not_used(&file, &format!(
                                "a template's folder holds one <tag>.toml per language (e.g. {name}/en.toml)"
                            )),
                        }),
                    }
                }
            }
            (None, Entry::Refused(r)) => diags.push(refused(&path, &r)),
            (None, _) => diags.push(not_used(
                &path,
                "a topic folder holds facts.toml, one <tag>.toml per language and a folder per template whose text is kept apart",
            )),
        }
    }
    let unloaded = |lang_files, part_files| Unloaded {
        id: id.clone(),
        facts_path: facts_path.clone(),
        lang_files,
        part_files,
    };
    if !has_facts {
        diags.push(
            Diagnostic::error(&facts_path, "this topic folder has no facts.toml")
                .with_hint("a topic is a folder with facts.toml and one <lang>.toml per language; move other folders out of the content folder"),
        );
        return Err(unloaded(lang_files, part_files));
    }
    let facts = read_text(root, &facts_path, diags).and_then(|text| {
        let (facts, facts_diags) = facts::load(&facts_path, &text);
        diags.extend(facts_diags);
        Some((facts?, text))
    });
    let Some((facts, text)) = facts else {
        return Err(unloaded(lang_files, part_files));
    };
    // The templates whose text is kept apart: those with a folder.
    let part_templates: Vec<&String> = facts
        .templates
        .iter()
        .filter(|t| part_dirs.contains(t))
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
        let Some(text) = read_text(root, path, diags) else {
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
            if let Some(text) = present.then(|| read_text(root, &path, diags)).flatten() {
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
        facts_path: facts_path.clone(),
        facts_text: text,
        facts,
        langs,
        lang_files,
        part_files,
        center: None,
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
                &facts_path,
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

/// Reads a content file as UTF-8 text: a regular file inside the content folder, not too
/// large to be content.
fn read_text(root: &Root, path: &Path, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let fail = |msg: String| Diagnostic::error(path, msg);
    let bytes = match root.read(path) {
        Ok(bytes) => bytes,
        Err(Refused::TooLarge(size)) => {
            diags.push(
                fail(format!(
                    "the file is {size} bytes; content files are limited to {MAX_FILE_BYTES} bytes"
                ))
                .with_hint("a leaflet's text is a few kilobytes: is this the right file?"),
            );
            return None;
        }
        Err(why) => {
            diags.push(
                fail(format!("cannot read the file: {why}"))
                    .with_hint("content files are regular files inside the content folder"),
            );
            return None;
        }
    };
    match String::from_utf8(bytes) {
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
/// region (`ja`, `zh-Hans`, `pt-BR`, `sr-Latn-RS`), and optionally a private use part of
/// lowercase subtags of 1 to 8 letters or digits (`ja-x-easy`: BCP 47 has no subtag for
/// easy Japanese, so it is a private use one).
pub fn is_language_tag(s: &str) -> bool {
    let (s, private) = match s.split_once("-x-") {
        Some((tag, private)) => (tag, Some(private)),
        None => (s, None),
    };
    if let Some(p) = private
        && !p.split('-').all(|sub| {
            (1..=8).contains(&sub.len())
                && sub
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
    {
        return false;
    }
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
            "ja-x-easy",
        ] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in [
            "",
            "EN",
            "zh_Hans",
            "pt-br",
            "english",
            "zh-Hans-Hant",
            "j",
            "ja-x-",
            "ja-x-Easy",
            "ja-x-verylongsubtag",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }
}
