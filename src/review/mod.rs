//! Review stage: a native speaker's review of a translation, on paper or in a translator's
//! tool, and its record in the language files.
//!
//! ```text
//! content ──units──▶ export: sheet (PDF, typst) · po (gettext) · xliff (1.2)
//! returned file ──po/xliff: parse──▶ units ──import: check, merge (toml_edit)──▶ language files
//! reviewer's word ──accept──▶ review records in the language files
//! ```
//!
//! A unit is one translatable string: a text field, or one item of a list field. Its id is
//! `block.key` or `block.key.N` (N from 1). Records are per block (`content::record`): a
//! block is recorded as reviewed when all its units are approved and a reviewer is named.

pub mod import;
pub mod po;
pub mod sheet;
pub mod xliff;

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::batch;
use crate::cli::{Paths, ReviewCommand, ReviewExportArgs, ReviewFormat};
use crate::content::lang::{Field, Lang};
use crate::content::record::{self, Record, Review};
use crate::content::text::{self, Run};
use crate::content::validate::{LABELS, LangLabels};
use crate::content::values::Date;
use crate::content::{self, Content, REVIEW_SHEET, Topic};
use crate::diag::{Diagnostic, Style};
use crate::settings::Settings;
use crate::status::{self, BlockState};
use crate::{Failure, exit};

/// `leafpress review …`: dispatches to export, import or accept.
pub fn run(cmd: ReviewCommand, style: Style) -> Result<u8, Failure> {
    match cmd {
        ReviewCommand::Export(a) => export(&a, style),
        ReviewCommand::Import(a) => import::import(&a, style),
        ReviewCommand::Accept(a) => import::accept(&a, style),
    }
}

/// One translatable string of a language: its source, its translation, where it is.
#[derive(Debug, Clone)]
pub struct Unit<'a> {
    /// `block.key` or `block.key.N` (N from 1).
    pub id: String,
    pub block: &'a str,
    pub key: &'a str,
    /// The item of a list field (from 0), with the number of items of the source list.
    pub item: Option<(usize, usize)>,
    /// The source language's string (for a key only a translation has, such as the name of
    /// one of the topic's languages in [language-names], the key itself).
    pub source: &'a str,
    /// The translation, if there is one.
    pub target: Option<&'a str>,
    /// Where the translation is (or belongs): file and, if it is there, byte range.
    pub path: &'a Path,
    pub span: Option<Range<usize>>,
}

/// One block of a language as a reviewer sees it: its strings and where it stands.
#[derive(Debug, Clone)]
pub struct ReviewBlock<'a> {
    pub name: &'a str,
    /// The templates whose leaflet prints it (none for [review-sheet]).
    pub templates: Vec<&'a str>,
    pub state: BlockState,
    pub review: Review<'a>,
    pub units: Vec<Unit<'a>>,
}

impl ReviewBlock<'_> {
    /// What a reviewer is told about the block's standing, in English.
    pub fn standing(&self) -> String {
        match (self.state, self.review) {
            (BlockState::Missing, _) => "not yet translated".into(),
            (_, Review::Reviewed(r)) => format!("reviewed by {} on {}", r.by, r.on),
            (_, Review::Changed(r)) => format!(
                "changed since the review by {} on {}: the English or the translation was edited",
                r.by, r.on
            ),
            (BlockState::Outdated, _) => {
                "draft; the English text has changed since it was translated".into()
            }
            _ => "draft: not yet reviewed".into(),
        }
    }

    pub fn record(&self) -> Option<&Record> {
        match self.review {
            Review::Reviewed(r) => Some(r),
            _ => None,
        }
    }
}

/// The blocks of `lang` a review covers, in the order of the source files: those the
/// leaflets of `templates` print (every leaflet when empty), then, for a whole language
/// (no template named) and when `with_sheet_text`, the review sheet's own words.
pub fn blocks<'a>(
    topic: &'a Topic,
    lang: &'a Lang,
    templates: &[String],
    with_sheet_text: bool,
) -> Vec<ReviewBlock<'a>> {
    let Some(source) = topic.source() else {
        return Vec::new();
    };
    let file_rank = |name: &str| {
        let path = source.file_for(name).0;
        let files: Vec<&Path> = source.files().map(|(p, _)| p).collect();
        files.iter().position(|p| *p == path).unwrap_or(usize::MAX)
    };
    let mut names: Vec<&String> = source
        .blocks
        .keys()
        .filter(|n| {
            let printed = topic
                .facts
                .templates
                .iter()
                .any(|t| (templates.is_empty() || templates.contains(t)) && topic.prints(t, n));
            printed || (with_sheet_text && templates.is_empty() && n.as_str() == REVIEW_SHEET)
        })
        .collect();
    names.sort_by_key(|n| {
        (
            n.as_str() == REVIEW_SHEET,
            file_rank(n),
            source.blocks[*n].span.start,
        )
    });
    names
        .into_iter()
        .map(|name| {
            let src = &source.blocks[name];
            let block = lang.blocks.get(name);
            let path = lang.file_for(name).0;
            let mut fields: Vec<(&String, &toml::Spanned<Field>, bool)> =
                src.fields.iter().map(|(k, f)| (k, f, true)).collect();
            fields.sort_by_key(|(_, f, _)| f.span().start);
            // Keys only the translation has (names of the topic's languages).
            if let Some(b) = block {
                let mut extra: Vec<_> = b
                    .fields
                    .iter()
                    .filter(|(k, _)| !src.fields.contains_key(*k))
                    .map(|(k, f)| (k, f, false))
                    .collect();
                extra.sort_by_key(|(_, f, _)| f.span().start);
                fields.extend(extra);
            }
            let mut units = Vec::new();
            for (key, field, in_source) in fields {
                let own = block.and_then(|b| b.fields.get(key));
                match field.get_ref() {
                    Field::Text(s) => {
                        let target = match own.map(|f| f.get_ref()) {
                            Some(Field::Text(t)) => Some(t.as_str()),
                            _ => None,
                        };
                        units.push(Unit {
                            id: format!("{name}.{key}"),
                            block: name,
                            key,
                            item: None,
                            source: if in_source { s } else { key },
                            target,
                            path,
                            span: own.map(|f| f.span()),
                        });
                    }
                    Field::List(items) => {
                        let own_items = match own.map(|f| f.get_ref()) {
                            Some(Field::List(t)) => t.as_slice(),
                            _ => &[],
                        };
                        for (i, item) in items.iter().enumerate() {
                            let t = own_items.get(i);
                            units.push(Unit {
                                id: format!("{name}.{key}.{}", i + 1),
                                block: name,
                                key,
                                item: Some((i, items.len())),
                                source: item.get_ref(),
                                target: t.map(|t| t.get_ref().as_str()),
                                path,
                                span: t.map(|t| t.span()),
                            });
                        }
                    }
                }
            }
            ReviewBlock {
                name,
                templates: topic
                    .facts
                    .templates
                    .iter()
                    .map(String::as_str)
                    .filter(|t| topic.prints(t, name))
                    .collect(),
                state: status::block_state(lang, source, name),
                review: record::block_review(lang, source, name),
                units,
            }
        })
        .collect()
}

/// The placeholders and label patterns of a string, in order: `{kind:id}`, `{day}`, `{n}`…
/// (a brace with spaces or other characters inside is text).
pub fn tokens(s: &str) -> Vec<(Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(open) = s[i..].find('{').map(|o| o + i) {
        let Some(close) = s[open + 1..].find(['{', '}']).map(|c| c + open + 1) else {
            break;
        };
        let inner = &s[open + 1..close];
        let ok = s.as_bytes()[close] == b'}'
            && !inner.is_empty()
            && inner.matches(':').count() <= 1
            && inner
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b':');
        if ok {
            out.push((open..close + 1, &s[open..=close]));
            i = close + 1;
        } else {
            i = open + 1;
        }
    }
    out
}

/// Whether a token is a Japanese official term (`{ja:…}`), which a translation may leave
/// out or add (a language written in Japanese writes the term itself).
pub fn is_term(token: &str) -> bool {
    token.starts_with("{ja:")
}

/// What a unit's placeholders print, for the translator's notes: each fact placeholder of
/// the source with its value (dates and hours in English and in the language), and the
/// Japanese terms.
pub struct Notes {
    /// `{phone:card} = 0120-0178-27`, `{date:x} = 2 December 2024 (ngày 2 tháng 12 năm 2024)`.
    pub facts: Vec<String>,
    /// `{ja:certificate} = 資格確認書`.
    pub terms: Vec<String>,
    /// Every token of the source, for "keep them as they are".
    pub placeholders: Vec<String>,
}

/// The notes of a unit.
pub fn notes(topic: &Topic, lang: &Lang, unit: &Unit) -> Notes {
    let mut notes = Notes {
        facts: Vec::new(),
        terms: Vec::new(),
        placeholders: Vec::new(),
    };
    let Some(source) = topic.source() else {
        return notes;
    };
    let center = topic.center.as_ref();
    let en = LangLabels {
        lang: source,
        source,
        center,
    };
    let own = LangLabels {
        lang,
        source,
        center,
    };
    for (_, token) in tokens(unit.source) {
        if notes.placeholders.iter().any(|p| p == token) {
            continue;
        }
        notes.placeholders.push(token.to_owned());
        if unit.block == LABELS || !token.contains(':') {
            continue;
        }
        let print = |labels: &LangLabels| {
            text::resolve(token, &topic.facts, labels)
                .map(|runs| text::plain(&runs))
                .unwrap_or_default()
        };
        let (in_en, in_own) = (print(&en), print(&own));
        if is_term(token) {
            notes.terms.push(format!("{token} = {in_en}"));
        } else if in_en == in_own || lang.tag == source.tag {
            notes.facts.push(format!("{token} = {in_en}"));
        } else {
            notes
                .facts
                .push(format!("{token} = {in_en} (in {}: {in_own})", lang.name));
        }
    }
    notes
}

/// A string as printed: its placeholders resolved (labels are patterns, printed as written).
pub fn as_printed(topic: &Topic, lang: &Lang, block: &str, s: &str) -> Vec<Run> {
    let Some(source) = topic.source() else {
        return vec![Run::Plain(s.to_owned())];
    };
    if block == LABELS {
        return vec![Run::Plain(s.to_owned())];
    }
    let center = topic.center.as_ref();
    text::resolve(
        s,
        &topic.facts,
        &LangLabels {
            lang,
            source,
            center,
        },
    )
    .unwrap_or_else(|_| vec![Run::Plain(s.to_owned())])
}

/// The settings of a review command: the project's folders, nothing to build.
pub(crate) fn settings(p: &Paths, style: Style) -> Settings {
    Settings {
        content: p.content.clone(),
        templates: p.templates.clone(),
        fonts: p.fonts.clone(),
        style,
        ..Settings::in_project(Path::new("."), Date::today())
    }
}

/// The topics that have language `tag`, with the language; a usage error if none has it or
/// it is the source language.
pub(crate) fn topics_with<'a>(
    content: &'a Content,
    tag: &str,
) -> Result<Vec<(&'a Topic, &'a Lang)>, Failure> {
    let mut found = Vec::new();
    for topic in &content.topics {
        let Some(lang) = topic.langs.get(tag) else {
            continue;
        };
        if topic.source().is_some_and(|s| s.tag == lang.tag) {
            return Err(Failure::Usage(format!(
                "`{tag}` is the source language: translations are reviewed against it"
            )));
        }
        found.push((topic, lang));
    }
    if found.is_empty() {
        let known = content.language_tags().join(", ");
        return Err(Failure::Usage(if content.language_tags().contains(&tag) {
            format!("language `{tag}` does not load (see the errors above)")
        } else {
            format!("no content for language `{tag}`; languages found: {known}")
        }));
    }
    Ok(found)
}

/// A date argument (`--on`), or today.
pub(crate) fn date_arg(on: Option<&str>) -> Result<Date, Failure> {
    match on {
        Some(s) => Date::parse(s)
            .ok_or_else(|| Failure::Usage(format!("--on `{s}` is not a date; write YYYY-MM-DD"))),
        None => Ok(Date::today()),
    }
}

/// `leafpress review export`: writes one file per topic that has the language.
fn export(a: &ReviewExportArgs, style: Style) -> Result<u8, Failure> {
    // A block not yet translated is no reason not to review the others: it is exported
    // untranslated (the sheet shows "—"), as `--allow-missing` shows it.
    let s = Settings {
        allow_missing: true,
        ..settings(&a.paths, style)
    };
    let fonts = match a.format {
        ReviewFormat::Sheet => Some(batch::load_fonts(&s)?),
        _ => None,
    };
    let templates_root = crate::templates::root(&s.templates)?;
    let (content, diags) = batch::load_and_check(&s, fonts.as_ref(), &templates_root)?;
    crate::plan::known_templates(&content, &a.template_names)?;
    let found = topics_with(&content, &a.lang)?;
    // The export shows the text as it is printed: the language's own errors stop it.
    let errors: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.is_error())
        .filter(|d| {
            found.iter().any(|(t, l)| {
                d.path == t.facts_path
                    || l.files().any(|(p, _)| p == d.path)
                    || t.source()
                        .is_some_and(|s| s.files().any(|(p, _)| p == d.path))
            })
        })
        .collect();
    if !errors.is_empty() {
        for d in &errors {
            eprintln!("{}", d.render(style));
        }
        eprintln!(
            "error: `{}` has {} error(s): fix them (see `leafpress check`), then export",
            a.lang,
            errors.len()
        );
        return Ok(exit::PROBLEMS);
    }
    if found.len() > 1 && a.out.is_some() {
        return Err(Failure::Usage(format!(
            "{} topics have `{}`: leave out --out to write one file per topic",
            found.len(),
            a.lang
        )));
    }
    let engine = fonts.map(|f| crate::render::Engine::new(f, &s.templates));
    for (topic, lang) in found {
        let ext = match a.format {
            ReviewFormat::Sheet => "pdf",
            ReviewFormat::Po => "po",
            ReviewFormat::Xliff => "xlf",
        };
        let out = a
            .out
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("{}-review-{}.{ext}", topic.id, lang.tag)));
        let (bytes, what) = match (a.format, &engine) {
            (ReviewFormat::Sheet, Some(engine)) => {
                let sheet = sheet::build(topic, lang, &a.template_names)
                    .and_then(|l| sheet::render(engine, l));
                match sheet {
                    Ok(r) => {
                        let what = format!("{} pages, {} blocks", r.pages, r.blocks);
                        (r.pdf, what)
                    }
                    Err(ds) => {
                        for d in &ds {
                            eprintln!("{}", d.render(style));
                        }
                        return Ok(exit::PROBLEMS);
                    }
                }
            }
            (ReviewFormat::Po, _) => {
                let blocks = blocks(topic, lang, &a.template_names, true);
                let n: usize = blocks.iter().map(|b| b.units.len()).sum();
                (
                    po::write(topic, lang, &blocks).into_bytes(),
                    format!("{n} strings in {} blocks", blocks.len()),
                )
            }
            (ReviewFormat::Xliff, _) => {
                let blocks = blocks(topic, lang, &a.template_names, true);
                let n: usize = blocks.iter().map(|b| b.units.len()).sum();
                let x = xliff::write(topic, lang, &blocks).map_err(|e| {
                    Failure::Io(Diagnostic::error(&out, format!("cannot write XLIFF: {e}")))
                })?;
                (
                    x.into_bytes(),
                    format!("{n} strings in {} blocks", blocks.len()),
                )
            }
            (ReviewFormat::Sheet, None) => unreachable!("fonts are loaded for a sheet"),
        };
        crate::writer::write_atomic(&out, &bytes)
            .map_err(|e| Failure::Io(Diagnostic::error(&out, format!("cannot write: {e}"))))?;
        println!("{}: {} ({what})", out.display(), lang.tag);
    }
    Ok(exit::OK)
}

/// The plain text of runs.
pub fn plain(runs: &[Run]) -> String {
    text::plain(runs)
}

/// The files of a language and of its source, for matching diagnostics.
pub(crate) fn lang_files(lang: &Lang) -> Vec<PathBuf> {
    lang.files().map(|(p, _)| p.to_path_buf()).collect()
}

/// Loads the content for a review command (errors of other languages are not this
/// command's business; those of the language are reported by the caller).
pub(crate) fn load(p: &Paths) -> Result<Content, Failure> {
    content::load(&p.content).map_err(Failure::Io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_placeholders_and_patterns_not_other_braces() {
        let t: Vec<&str> = tokens("a {date:x} {day} {not one} {{n}} {ja:term-1}{")
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        assert_eq!(t, ["{date:x}", "{day}", "{n}", "{ja:term-1}"]);
    }
}
