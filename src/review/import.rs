//! `review import` and `review accept`: what a reviewer returned, merged into the language
//! files with their comments, order and layout kept (toml_edit), after everything `check`
//! checks has passed on the result. A command that fails writes nothing.
//!
//! What a returned unit says, by format (see `po` and `xliff`):
//!
//! | mark | PO | XLIFF |
//! | --- | --- | --- |
//! | untranslated | empty `msgstr` | no or empty `<target>` |
//! | needs work | `fuzzy` | `state` new or needs-… |
//! | translated | — | `state="translated"` or none |
//! | approved | not fuzzy | `approved="yes"`, or `state` signed-off or final |
//!
//! A new translation is merged whatever its mark (a draft stays a draft). A block all of
//! whose strings are at least translated is stamped as translated from the current source;
//! a block all of whose strings are approved is recorded as reviewed, when a reviewer is
//! named (on the command line or in the file). A block already reviewed whose text did not
//! change keeps its record (and its reviewer).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, Table, Value};

use super::{ReviewBlock, blocks, date_arg, is_term, po, tokens, xliff};
use crate::batch;
use crate::cli::{ReviewAcceptArgs, ReviewImportArgs};
use crate::content::lang::{self, Lang, TRANSLATED_FROM};
use crate::content::record::{self, REVIEWED, Review};
use crate::content::values::Date;
use crate::content::{self, Content, Topic, validate};
use crate::diag::{Diagnostic, Style};
use crate::render::Engine;
use crate::settings::Settings;
use crate::status::{self, BlockState};
use crate::{Failure, exit, glyphs};

/// What a returned file says of one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    Untranslated,
    NeedsWork,
    Translated,
    Approved,
}

/// One unit of a returned file.
#[derive(Debug, Clone)]
pub struct Returned {
    pub id: String,
    /// The source text as the file has it.
    pub source: String,
    pub source_hash: Option<String>,
    pub target: Option<String>,
    pub mark: Mark,
    /// Where the unit is in the returned file.
    pub offset: usize,
}

/// A returned PO or XLIFF file.
#[derive(Debug, Clone)]
pub struct ReturnedFile {
    pub topic: Option<String>,
    pub lang: Option<String>,
    pub reviewer: Option<String>,
    pub units: Vec<Returned>,
}

/// Reads a returned file: XLIFF when it is XML, else PO.
pub fn read(path: &Path, text: &str) -> Result<ReturnedFile, Diagnostic> {
    let xml = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<');
    if xml {
        let f = xliff::parse(text).map_err(|(at, m)| {
            Diagnostic::error(path, format!("not a readable XLIFF file: {m}")).at(text, at..at)
        })?;
        Ok(ReturnedFile {
            topic: f.original,
            lang: f.target_language,
            reviewer: f.reviewer,
            units: f
                .units
                .into_iter()
                .map(|u| {
                    let needs = u
                        .state
                        .as_deref()
                        .is_some_and(|s| s == "new" || s.starts_with("needs-"));
                    let signed = matches!(u.state.as_deref(), Some("signed-off" | "final"));
                    let mark = match &u.target {
                        None => Mark::Untranslated,
                        Some(_) if u.approved || signed => Mark::Approved,
                        Some(_) if needs => Mark::NeedsWork,
                        Some(_) => Mark::Translated,
                    };
                    Returned {
                        id: u.id,
                        source: u.source,
                        source_hash: u.source_hash,
                        target: u.target,
                        mark,
                        offset: u.offset,
                    }
                })
                .collect(),
        })
    } else {
        let f = po::parse(text).map_err(|(at, m)| {
            Diagnostic::error(path, format!("not a readable PO file: {m}")).at(text, at..at)
        })?;
        let header = |k: &str| f.header(k).map(str::to_owned).filter(|v| !v.is_empty());
        Ok(ReturnedFile {
            topic: header(po::TOPIC_HEADER),
            lang: header("Language").map(|l| l.replace('_', "-")),
            reviewer: header(po::REVIEWER_HEADER),
            units: f
                .entries
                .into_iter()
                .map(|e| {
                    let mark = if e.msgstr.is_empty() {
                        Mark::Untranslated
                    } else if e.is_fuzzy() {
                        Mark::NeedsWork
                    } else {
                        Mark::Approved
                    };
                    let source_hash = e
                        .extracted
                        .iter()
                        .find_map(|x| x.strip_prefix(po::SOURCE_HASH_NOTE))
                        .map(|h| h.trim().to_owned());
                    Returned {
                        id: e.msgctxt.clone().unwrap_or_default(),
                        source: e.msgid,
                        source_hash,
                        target: (!e.msgstr.is_empty()).then_some(e.msgstr),
                        mark,
                        offset: e.offset,
                    }
                })
                .collect(),
        })
    }
}

/// Where a string is: block, key, and the item of a list (index, items in the source).
type StringAt = (String, String, Option<(usize, usize)>);

/// A change to one language: new strings, blocks to stamp, blocks to record as reviewed.
#[derive(Debug, Default)]
struct Change {
    /// Where → the new string.
    texts: BTreeMap<StringAt, String>,
    stamp: BTreeSet<String>,
    record: BTreeSet<String>,
}

/// `leafpress review import FILE [--reviewer NAME]`.
pub fn import(a: &ReviewImportArgs, style: Style) -> Result<u8, Failure> {
    let on = date_arg(a.on.as_deref())?;
    let cli_reviewer = a.reviewer.as_deref().map(reviewer_name).transpose()?;
    let bytes = std::fs::read(&a.file).map_err(|e| {
        Failure::Io(Diagnostic::error(
            &a.file,
            format!("cannot read the file: {e}"),
        ))
    })?;
    let Ok(text) = String::from_utf8(bytes) else {
        eprintln!(
            "{}",
            Diagnostic::error(&a.file, "the file is not UTF-8")
                .with_hint("save it as UTF-8 (PO: Content-Type: text/plain; charset=UTF-8)")
                .render(style)
        );
        return Ok(exit::PROBLEMS);
    };
    let returned = match read(&a.file, &text) {
        Ok(r) => r,
        Err(d) => {
            eprintln!("{}", d.render(style));
            return Ok(exit::PROBLEMS);
        }
    };
    let file_reviewer = match returned.reviewer.as_deref().map(reviewer_name) {
        Some(Ok(r)) => Some(r),
        Some(Err(Failure::Usage(m))) => {
            eprintln!(
                "error: {}: the reviewer named in the file: {m}",
                a.file.display()
            );
            return Ok(exit::PROBLEMS);
        }
        _ => None,
    };
    let (reviewer, from) = match (cli_reviewer, file_reviewer) {
        (Some(r), _) => (Some(r), "--reviewer"),
        (None, Some(r)) => (Some(r), "the file"),
        (None, None) => (None, ""),
    };
    let s = super::settings(&a.paths, style);
    let content = super::load(&a.paths)?;
    let Some(tag) = returned.lang.clone() else {
        eprintln!(
            "error: {}: the file does not say its language (PO header `Language`, XLIFF `target-language`)",
            a.file.display()
        );
        return Ok(exit::PROBLEMS);
    };
    let (topic, lang) = pick_topic(&content, &tag, returned.topic.as_deref())?;
    let Some(source) = topic.source() else {
        return Err(Failure::Usage("the topic has no source language".into()));
    };
    let all = blocks(topic, lang, &[], true);
    let mut at: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (b, block) in all.iter().enumerate() {
        for (u, unit) in block.units.iter().enumerate() {
            at.insert(unit.id.as_str(), (b, u));
        }
    }
    let mut problems = Vec::new();
    let problem = |r: &Returned, msg: String, hint: &str| {
        Diagnostic::error(&a.file, msg)
            .at(&text, r.offset..r.offset)
            .with_hint(hint)
    };
    let mut seen: BTreeMap<(usize, usize), &Returned> = BTreeMap::new();
    let mut change = Change::default();
    for r in &returned.units {
        let Some(&(b, u)) = at.get(r.id.as_str()) else {
            problems.push(problem(
                r,
                format!("unit `{}` is not a string of `{tag}`", r.id),
                "it may have been renamed or removed from the source since the export: export the language again",
            ));
            continue;
        };
        if seen.insert((b, u), r).is_some() {
            problems.push(problem(
                r,
                format!("unit `{}` is in the file twice", r.id),
                "keep one of them",
            ));
            continue;
        }
        let unit = &all[b].units[u];
        let target = r.target.as_deref().filter(|_| r.mark != Mark::Untranslated);
        let changes_text = target.is_some_and(|t| Some(t) != unit.target);
        if !changes_text && r.mark < Mark::Translated {
            continue; // nothing to apply
        }
        let same_source = match &r.source_hash {
            Some(h) => *h == record::string_hash(unit.source),
            None => r.source == unit.source,
        };
        if !same_source {
            problems.push(problem(
                r,
                format!(
                    "unit `{}`: the {} text has changed since the export",
                    r.id, source.tag
                ),
                &format!(
                    "export `{tag}` again and review this string against the current {} text: it is not applied",
                    source.tag
                ),
            ));
            continue;
        }
        if let Some(t) = target.filter(|_| changes_text) {
            if let Some(msg) = placeholder_problem(unit.source, t) {
                problems.push(problem(
                    r,
                    format!("unit `{}`: {msg}", r.id),
                    "placeholders are filled in from the facts when the leaflet is printed: keep each one of the source text as it is written ({ja:…} terms may be left out or added)",
                ));
                continue;
            }
            change.texts.insert(
                (unit.block.to_owned(), unit.key.to_owned(), unit.item),
                t.to_owned(),
            );
        }
    }
    // Blocks: stamped when every string is translated in the file, recorded when every
    // string is approved and a reviewer is named.
    let mut notes = Vec::new();
    let mut approved_without_reviewer = 0;
    for (b, block) in all.iter().enumerate() {
        let marks: Vec<Option<Mark>> = (0..block.units.len())
            .map(|u| {
                seen.get(&(b, u))
                    .filter(|r| r.target.is_some())
                    .map(|r| r.mark)
            })
            .collect();
        if marks.iter().all(Option::is_none) {
            continue;
        }
        let changed = block.units.iter().any(|u| {
            change
                .texts
                .contains_key(&(u.block.to_owned(), u.key.to_owned(), u.item))
        });
        let all_at_least = |m: Mark| marks.iter().all(|x| x.is_some_and(|x| x >= m));
        if all_at_least(Mark::Translated) && (changed || block.state != BlockState::Current) {
            change.stamp.insert(block.name.to_owned());
        }
        let approved = marks.iter().filter(|m| **m == Some(Mark::Approved)).count();
        if all_at_least(Mark::Approved) {
            let kept = matches!(block.review, Review::Reviewed(_)) && !changed;
            if reviewer.is_none() {
                if !kept {
                    approved_without_reviewer += 1;
                }
            } else if !kept {
                change.record.insert(block.name.to_owned());
                change.stamp.insert(block.name.to_owned());
            }
        } else if approved > 0 {
            notes.push(format!(
                "note: [{}]: {approved} of {} strings approved; a review is recorded per block, so [{}] is not recorded as reviewed",
                block.name,
                block.units.len(),
                block.name
            ));
        }
    }
    if !problems.is_empty() {
        for d in &problems {
            eprintln!("{}", d.render(style));
        }
        eprintln!(
            "error: {}: {} problem(s); nothing was written",
            a.file.display(),
            problems.len()
        );
        return Ok(exit::PROBLEMS);
    }
    for n in &notes {
        eprintln!("{n}");
    }
    if approved_without_reviewer > 0 {
        eprintln!(
            "note: {approved_without_reviewer} block(s) approved in the file, but no reviewer is named (--reviewer NAME, or {} in the file): no review recorded",
            if text.trim_start().starts_with('<') {
                "a <phase process-name=\"review\" contact-name=\"…\">"
            } else {
                "the header X-Leafpress-Reviewer"
            }
        );
    }
    let said = reviewer
        .as_ref()
        .map(|r| format!("reviewer: {r} (from {from})"));
    commit(
        &s,
        topic,
        lang,
        change,
        reviewer.as_deref(),
        on,
        said,
        style,
    )
}

/// `leafpress review accept --lang TAG --reviewer NAME [--block ID]…`.
pub fn accept(a: &ReviewAcceptArgs, style: Style) -> Result<u8, Failure> {
    let on = date_arg(a.on.as_deref())?;
    let reviewer = reviewer_name(&a.reviewer)?;
    let s = super::settings(&a.paths, style);
    let content = super::load(&a.paths)?;
    crate::plan::known_templates(&content, &a.template_names)?;
    let found = super::topics_with(&content, &a.lang)?;
    let mut code = exit::OK;
    for (topic, lang) in found {
        let shown = blocks(topic, lang, &a.template_names, false);
        let every = blocks(topic, lang, &[], true);
        let selected: Vec<&ReviewBlock> = if a.blocks.is_empty() {
            shown.iter().collect()
        } else {
            let mut out = Vec::new();
            for name in &a.blocks {
                match every.iter().find(|b| b.name == name) {
                    Some(b) => out.push(b),
                    None => {
                        let names: Vec<&str> = every.iter().map(|b| b.name).collect();
                        let hint = crate::diag::did_you_mean(name, names.iter().copied())
                            .map(|n| format!("; did you mean `{n}`?"))
                            .unwrap_or_default();
                        return Err(Failure::Usage(format!(
                            "no block `{name}` in `{}`{hint}",
                            lang.tag
                        )));
                    }
                }
            }
            out
        };
        let mut problems = Vec::new();
        let mut change = Change::default();
        let mut kept = 0;
        for b in selected {
            let (path, _) = lang.file_for(b.name);
            match b.state {
                BlockState::Missing => problems.push(
                    Diagnostic::error(path, format!("[{}] is not (fully) translated", b.name))
                        .with_hint("translate it (and type in the reviewer's corrections), then accept"),
                ),
                BlockState::Outdated => problems.push(
                    Diagnostic::error(
                        path,
                        format!(
                            "[{}] was translated from another version of the {} text",
                            b.name,
                            topic.source().map_or("source", |s| s.tag.as_str())
                        ),
                    )
                    .with_hint(format!(
                        "bring it up to date, stamp it (leafpress stamp --lang {} --block {}), print a new sheet, then accept",
                        lang.tag, b.name
                    )),
                ),
                BlockState::Current => {
                    if matches!(b.review, Review::Reviewed(_)) && a.blocks.is_empty() {
                        kept += 1;
                    } else {
                        change.record.insert(b.name.to_owned());
                    }
                }
            }
        }
        if !problems.is_empty() {
            for d in &problems {
                eprintln!("{}", d.render(style));
            }
            eprintln!(
                "error: `{}`: {} block(s) cannot be recorded as reviewed; nothing was written",
                lang.tag,
                problems.len()
            );
            code = exit::PROBLEMS;
            continue;
        }
        if kept > 0 {
            eprintln!(
                "note: {kept} block(s) already reviewed and unchanged keep their record (name them with --block to record them again)"
            );
        }
        let c = commit(&s, topic, lang, change, Some(&reviewer), on, None, style)?;
        code = code.max(c);
    }
    Ok(code)
}

/// The topic of a returned file's language: the one the file names, or the only one.
fn pick_topic<'a>(
    content: &'a Content,
    tag: &str,
    named: Option<&str>,
) -> Result<(&'a Topic, &'a Lang), Failure> {
    let found = super::topics_with(content, tag)?;
    match named {
        Some(id) => found.into_iter().find(|(t, _)| t.id == id).ok_or_else(|| {
            Failure::Usage(format!(
                "the file is of topic `{id}`, which has no language `{tag}` here"
            ))
        }),
        None if found.len() == 1 => Ok(found[0]),
        None => Err(Failure::Usage(format!(
            "several topics have `{tag}` and the file does not say which it is"
        ))),
    }
}

/// A reviewer's name as the record will hold it.
fn reviewer_name(name: &str) -> Result<String, Failure> {
    let n = name.trim();
    if n.is_empty() {
        return Err(Failure::Usage(
            "the reviewer's name is empty: give it as they want to be named in the record".into(),
        ));
    }
    if n.chars().any(char::is_control) || n.chars().count() > 200 {
        return Err(Failure::Usage(
            "the reviewer's name must be one line of at most 200 characters".into(),
        ));
    }
    Ok(n.to_owned())
}

/// What is wrong with a translation's placeholders, against its source: every
/// placeholder and pattern of the source, and no other (`{ja:…}` terms excepted).
fn placeholder_problem(source: &str, target: &str) -> Option<String> {
    // ({day-ja}, the day with its Japanese reading, is a way of writing {day})
    let set = |s: &str| -> BTreeSet<String> {
        tokens(s)
            .into_iter()
            .map(|(_, t)| if t == "{day-ja}" { "{day}" } else { t }.to_owned())
            .filter(|t| !is_term(t))
            .collect()
    };
    let (want, got) = (set(source), set(target));
    let missing: Vec<&String> = want.difference(&got).collect();
    let extra: Vec<&String> = got.difference(&want).collect();
    let list = |v: &[&String]| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
    match (missing.is_empty(), extra.is_empty()) {
        (true, true) => None,
        (false, true) => Some(format!(
            "the translation lacks {} of the source text",
            list(&missing)
        )),
        (true, false) => Some(format!(
            "the translation has {}, which the source text does not",
            list(&extra)
        )),
        (false, false) => Some(format!(
            "the translation lacks {} and has {} instead",
            list(&missing),
            list(&extra)
        )),
    }
}

/// Applies a change to a language's files in memory, checks the result as `check` would
/// (the language's content, its glyphs, its leaflets' layout), and only then writes the
/// files, each atomically. Prints what it wrote (after `said`, when it writes anything).
#[allow(clippy::too_many_arguments)]
fn commit(
    s: &Settings,
    topic: &Topic,
    lang: &Lang,
    change: Change,
    reviewer: Option<&str>,
    on: Date,
    said: Option<String>,
    style: Style,
) -> Result<u8, Failure> {
    if change.texts.is_empty() && change.stamp.is_empty() && change.record.is_empty() {
        println!("`{}`: nothing to change", lang.tag);
        return Ok(exit::OK);
    }
    let Some(source) = topic.source() else {
        return Err(Failure::Usage("the topic has no source language".into()));
    };
    let originals: BTreeMap<PathBuf, String> = lang
        .files()
        .map(|(p, t)| (p.to_path_buf(), t.to_owned()))
        .collect();
    let report = |ds: &[Diagnostic]| {
        for d in ds {
            eprintln!("{}", d.render(style));
        }
        eprintln!(
            "error: `{}`: the result would not pass `leafpress check`; nothing was written",
            lang.tag
        );
        Ok(exit::PROBLEMS)
    };
    // 1. The new strings.
    let mut texts = originals.clone();
    let mut docs: BTreeMap<PathBuf, DocumentMut> = BTreeMap::new();
    let doc_of =
        |path: &Path, docs: &mut BTreeMap<PathBuf, DocumentMut>| -> Result<(), Diagnostic> {
            if !docs.contains_key(path) {
                let text = originals.get(path).map_or("", String::as_str);
                let doc = text.parse::<DocumentMut>().map_err(|e| {
                    Diagnostic::error(path, format!("cannot edit the file: {}", e.message()))
                })?;
                docs.insert(path.to_path_buf(), doc);
            }
            Ok(())
        };
    let mut changed_strings: BTreeMap<PathBuf, usize> = BTreeMap::new();
    for ((block, key, item), value) in &change.texts {
        let path = lang.file_for(block).0.to_path_buf();
        if let Err(d) = doc_of(&path, &mut docs) {
            return report(&[d]);
        }
        let doc = docs.get_mut(&path).expect("loaded above");
        if let Err(m) = set_text(doc, block, key, *item, value) {
            return report(&[Diagnostic::error(&path, m)]);
        }
        *changed_strings.entry(path).or_default() += 1;
    }
    for (path, doc) in &docs {
        texts.insert(path.clone(), doc.to_string());
    }
    // 2. The bookkeeping, from the new text: translated-from and the review records.
    let (Some(mid), diags) = reload(lang, &texts) else {
        return report(&diag_errors(reload(lang, &texts).1));
    };
    if diags.iter().any(Diagnostic::is_error) {
        return report(&diag_errors(diags));
    }
    let mut recorded: BTreeMap<PathBuf, usize> = BTreeMap::new();
    for block in change.stamp.union(&change.record) {
        let (Some(src), Some(own)) = (source.blocks.get(block), mid.blocks.get(block)) else {
            continue;
        };
        let path = lang.file_for(block).0.to_path_buf();
        if let Err(d) = doc_of(&path, &mut docs) {
            return report(&[d]);
        }
        let doc = docs.get_mut(&path).expect("loaded above");
        let Some(table) = doc.get_mut(block).and_then(Item::as_table_mut) else {
            continue;
        };
        if change.stamp.contains(block) {
            let hash = status::block_hash(src);
            if own.translated_from.as_ref().map(|h| h.get_ref()) != Some(&hash) {
                set_bookkeeping(table, TRANSLATED_FROM, &basic(&hash));
            }
        }
        if change.record.contains(block)
            && let Some(by) = reviewer
        {
            let value = format!(
                "{{ by = {}, on = \"{on}\", source = \"{}\", text = \"{}\" }}",
                basic(by),
                record::text_hash(src),
                record::text_hash(own)
            );
            set_bookkeeping(table, REVIEWED, &value);
            *recorded.entry(path).or_default() += 1;
        }
    }
    for (path, doc) in &docs {
        texts.insert(path.clone(), doc.to_string());
    }
    // 3. Everything `check` checks, on the result.
    let (Some(mut new), diags) = reload(lang, &texts) else {
        return report(&diag_errors(reload(lang, &texts).1));
    };
    let mut problems = diag_errors(diags);
    new.translation.levels = record::levels(topic, &new);
    let mut new_topic = topic.clone();
    new_topic.langs.insert(lang.tag.clone(), new);
    let files: Vec<PathBuf> = super::lang_files(lang);
    let opts = validate::Options::on(Date::today());
    problems.extend(diag_errors(
        validate::topic(&new_topic, "", &opts)
            .into_iter()
            .filter(|d| files.contains(&d.path))
            .collect(),
    ));
    if !problems.is_empty() {
        return report(&problems);
    }
    let fonts = batch::load_fonts(s)?;
    problems.extend(diag_errors(glyphs::check(&new_topic, &fonts, |t| {
        t == lang.tag
    })));
    if !problems.is_empty() {
        return report(&problems);
    }
    // Lay the leaflets out, as `check` does once the content is clean.
    let engine = Engine::new(fonts, &s.templates);
    let new = &new_topic.langs[&lang.tag];
    for template in &topic.facts.templates {
        if let Err(ds) = crate::fit::render_one(&engine, &new_topic, template, new, false) {
            problems.extend(diag_errors(ds));
        }
    }
    if !problems.is_empty() {
        return report(&problems);
    }
    // 4. Write, each file atomically, only what changed.
    if let Some(said) = said {
        println!("{said}");
    }
    for (path, text) in &texts {
        if originals.get(path) == Some(text) {
            continue;
        }
        crate::writer::write_atomic(path, text.as_bytes())
            .map_err(|e| Failure::Io(Diagnostic::error(path, format!("cannot write: {e}"))))?;
        let mut what = Vec::new();
        if let Some(n) = changed_strings.get(path) {
            what.push(format!("{n} string(s) changed"));
        }
        if let Some(n) = recorded.get(path) {
            what.push(format!(
                "{n} block(s) recorded as reviewed by {} on {on}",
                reviewer.unwrap_or_default()
            ));
        }
        if what.is_empty() {
            what.push("stamped as translated from the current source".into());
        }
        println!("{}: {}", path.display(), what.join("; "));
    }
    let levels: Vec<String> = topic
        .facts
        .templates
        .iter()
        .map(|t| format!("{t} {}", record::level(&new_topic, t, new).name()))
        .collect();
    println!("{}: {}", lang.tag, levels.join(", "));
    Ok(exit::OK)
}

fn diag_errors(ds: Vec<Diagnostic>) -> Vec<Diagnostic> {
    ds.into_iter().filter(Diagnostic::is_error).collect()
}

/// The language parsed again from `texts` (its files' new text by path; the others as they
/// were), in memory.
fn reload(lang: &Lang, texts: &BTreeMap<PathBuf, String>) -> (Option<Lang>, Vec<Diagnostic>) {
    let main = texts.get(&lang.path).unwrap_or(&lang.text);
    let (new, mut diags) = lang::load(&lang.path, main, &lang.tag);
    let Some(mut new) = new else {
        return (None, diags);
    };
    new.blocks
        .retain(|name, _| !lang.parts.keys().any(|t| content::is_block_of(name, t)));
    for (template, part) in &lang.parts {
        let mut p = part.clone();
        if let Some(t) = texts.get(&part.path) {
            p.text = t.clone();
        }
        if !p.text.is_empty() {
            let (blocks, d) = lang::load_part(&p.path, &p.text, template);
            diags.extend(d);
            p.failed = blocks.is_none();
            new.blocks.extend(blocks.into_iter().flatten());
        }
        new.parts.insert(template.clone(), p);
    }
    (Some(new), diags)
}

/// A TOML basic string (in double quotes), as the language files write them.
fn basic(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value from its TOML text (so that it is written exactly so).
fn value(text: &str) -> Value {
    text.parse::<Value>()
        .unwrap_or_else(|_| Value::from(text.to_owned()))
}

/// Sets a string of block `block`: field `key`, or item `item` of it, keeping the decor
/// (spacing, trailing comment) of what it replaces.
fn set_text(
    doc: &mut DocumentMut,
    block: &str,
    key: &str,
    item: Option<(usize, usize)>,
    new: &str,
) -> Result<(), String> {
    if doc.get(block).is_none() {
        doc.insert(block, Item::Table(Table::new()));
    }
    let table = doc
        .get_mut(block)
        .and_then(Item::as_table_mut)
        .ok_or_else(|| format!("[{block}] is not a table"))?;
    let mut v = value(&basic(new));
    match item {
        None => match table.get_mut(key).and_then(Item::as_value_mut) {
            Some(old) => {
                *v.decor_mut() = old.decor().clone();
                *old = v;
            }
            None => {
                table.insert(key, Item::Value(v));
            }
        },
        Some((i, n)) => {
            if table.get(key).is_none() {
                table.insert(key, Item::Value(Value::Array(toml_edit::Array::new())));
            }
            let array = table
                .get_mut(key)
                .and_then(Item::as_array_mut)
                .ok_or_else(|| format!("`{block}.{key}` is not a list"))?;
            if i < array.len() {
                let old = array.get(i).map(|o| o.decor().clone());
                if let Some(d) = old {
                    *v.decor_mut() = d;
                }
                array.replace(i, v);
            } else if i == array.len() && i < n {
                array.push_formatted(v);
            } else {
                return Err(format!(
                    "`{block}.{key}` has {} items: item {} cannot be added before the ones missing",
                    array.len(),
                    i + 1
                ));
            }
        }
    }
    Ok(())
}

/// Sets a bookkeeping key of a block (`translated-from`, `reviewed`) to the value written
/// in `text`; a new key goes first in the block (`reviewed` right after `translated-from`).
fn set_bookkeeping(table: &mut Table, key: &str, text: &str) {
    let mut v = value(text);
    if let Some(old) = table.get_mut(key).and_then(Item::as_value_mut) {
        *v.decor_mut() = old.decor().clone();
        *old = v;
        return;
    }
    table.insert(key, Item::Value(v));
    let rank = |k: &str| match k {
        TRANSLATED_FROM => 0,
        REVIEWED => 1,
        _ => 2,
    };
    table.sort_values_by(|a, _, b, _| rank(a.get()).cmp(&rank(b.get())));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_must_match_the_source_terms_excepted() {
        let src = "Call {phone:a} ({ja:x}) until {date:d}.";
        assert_eq!(placeholder_problem(src, "{date:d}: {phone:a}"), None);
        assert_eq!(
            placeholder_problem(src, "Gọi {phone:b} trước {date:d} {ja:y}"),
            Some("the translation lacks {phone:a} and has {phone:b} instead".into())
        );
        assert_eq!(
            placeholder_problem("{day} {month}", "{day}"),
            Some("the translation lacks {month} of the source text".into())
        );
    }

    #[test]
    fn edits_keep_comments_order_and_layout() {
        let text = "# head\n\n[a]\ntranslated-from = \"1\"\n# about x\nx = 'old' # trailing\nlist = [\n  \"one\",\n  \"two\", # c\n]\n\n[b]\n# first\ny = \"z\"\n";
        let mut doc: DocumentMut = text.parse().unwrap();
        set_text(&mut doc, "a", "x", None, "new \"quoted\"").unwrap();
        set_text(&mut doc, "a", "list", Some((1, 2)), "hai").unwrap();
        let b = doc.get_mut("b").and_then(Item::as_table_mut).unwrap();
        set_bookkeeping(b, REVIEWED, "{ by = \"An\", on = \"2026-12-07\" }");
        set_bookkeeping(b, TRANSLATED_FROM, "\"2\"");
        assert_eq!(
            doc.to_string(),
            "# head\n\n[a]\ntranslated-from = \"1\"\n# about x\nx = \"new \\\"quoted\\\"\" # trailing\nlist = [\n  \"one\",\n  \"hai\", # c\n]\n\n[b]\ntranslated-from = \"2\"\nreviewed = { by = \"An\", on = \"2026-12-07\" }\n# first\ny = \"z\"\n"
        );
    }
}
