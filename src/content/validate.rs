//! Cross-file checks of a topic: every language against the source language, every
//! placeholder against the facts, statements bound to a date against today, and facts that
//! nothing uses.

use std::collections::BTreeSet;
use std::ops::Range;

use toml::Spanned;

use super::lang::{Block, Declared, Field, Lang};
use super::record::REVIEWED;
use super::ruby;
use super::text::{self, Labels, TextError};
use super::values::Date;
use super::{Topic, did_you_mean_hint, is_language_tag};
use crate::diag::Diagnostic;

/// The `[labels]` keys every source language must define.
pub const REQUIRED_LABELS: [&str; 18] = [
    "date",
    "month-day",
    "months",
    "list-separator",
    "toll-free",
    "caller-pays",
    "every-day",
    "weekdays",
    "weekends-holidays",
    "all-day",
    "closed",
    "edition",
    "draft",
    "fallback",
    "page",
    "languages",
    "hours",
    "reviewed-on",
];

pub const LABELS: &str = "labels";

/// The longest text one content string may hold (the longest shipped one has 440).
pub const MAX_TEXT_CHARS: usize = 2000;
pub const LANGUAGE_NAMES: &str = "language-names";

/// What a validation run is for.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Statements bound to a date before this are stale.
    pub today: Date,
    /// Missing translations are warnings (the leaflet shows the source text, marked).
    pub allow_missing: bool,
    /// Stale statements and stale facts are errors.
    pub strict: bool,
    /// A printed fact whose `as-of` is more months before `today` than this is stale
    /// (`None`: the topic's `max-fact-age-months`, else [`MAX_FACT_AGE_MONTHS`]).
    pub max_fact_age_months: Option<u32>,
}

/// The limit of a topic that sets none (`max-fact-age-months` in facts.toml).
pub const MAX_FACT_AGE_MONTHS: u32 = 12;

impl Options {
    /// Checks as of `today`: missing translations are errors, stale things warnings.
    pub fn on(today: Date) -> Options {
        Options {
            today,
            allow_missing: false,
            strict: false,
            max_fact_age_months: None,
        }
    }
}

/// A language's words, falling back to the source language's for missing labels, and the
/// center the leaflet is printed for.
pub struct LangLabels<'a> {
    pub lang: &'a Lang,
    pub source: &'a Lang,
    pub center: Option<&'a super::Center>,
}

impl<'a> LangLabels<'a> {
    fn field(&self, block: &str, key: &str) -> Option<&'a Field> {
        let get = |l: &'a Lang| l.blocks.get(block).and_then(|b| b.fields.get(key));
        get(self.lang)
            .or_else(|| get(self.source))
            .map(|f| f.get_ref())
    }
}

impl Labels for LangLabels<'_> {
    fn label(&self, key: &str) -> &str {
        match self.field(LABELS, key) {
            Some(Field::Text(s)) => s,
            _ => "",
        }
    }

    fn months(&self) -> Vec<&str> {
        match self.field(LABELS, "months") {
            Some(Field::List(items)) => items.iter().map(|s| s.get_ref().as_str()).collect(),
            _ => Vec::new(),
        }
    }

    fn language_name(&self, code: &str) -> Option<&str> {
        match self.field(LANGUAGE_NAMES, code) {
            Some(Field::Text(s)) => Some(s),
            _ => None,
        }
    }

    fn center(&self) -> Option<(String, String)> {
        let c = self.center?;
        Some((c.name_for(&self.lang.tag).0, c.phone()?.to_owned()))
    }

    fn clock(&self) -> super::lang::Clock {
        self.lang.clock
    }

    fn furigana(&self) -> bool {
        self.lang.tag == ruby::EASY_JAPANESE
    }
}

/// Validates a topic; returns every problem found.
pub fn topic(topic: &Topic, templates_text: &str, opts: &Options) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let Some(source) = topic.source() else {
        return diags;
    };
    if source.translation.declared != Declared::Source {
        diags.push(
            Diagnostic::error(
                &source.path,
                format!(
                    "`{}` is the source language but is marked `{}`",
                    source.tag,
                    source.translation.declared.name()
                ),
            )
            .with_hint("set translation = \"source\" in [meta]"),
        );
    }
    // Only a translation is reviewed: the source is what it is reviewed against.
    for (name, block) in &source.blocks {
        if let Some(r) = &block.reviewed {
            let (path, file) = source.file_for(name);
            diags.push(
                Diagnostic::error(
                    path,
                    format!(
                        "[{name}] of the source language `{}` has a review record",
                        source.tag
                    ),
                )
                .at(file, r.span.clone())
                .with_hint(format!(
                    "a review records that a translation says what the {} text says: delete `{REVIEWED}` here",
                    source.tag
                )),
            );
        }
    }
    source_labels(topic, source, &mut diags);
    for lang in topic.langs.values() {
        if !is_language_tag(&lang.tag) {
            diags.push(
                Diagnostic::error(
                    &lang.path,
                    format!("`{}` is not a valid BCP 47 language tag", lang.tag),
                )
                .with_hint("name the file by its tag, e.g. ja.toml, zh-Hans.toml, pt-BR.toml"),
            );
        } else if crate::fonts::stack_for(&lang.tag).is_none() {
            diags.push(
                Diagnostic::error(&lang.path, format!("no font stack for language `{}`", lang.tag))
                    .with_hint("add the language's script to the font stacks in src/fonts.rs and its font to fonts/"),
            );
        }
        if lang.tag != source.tag {
            if lang.translation.declared == Declared::Source {
                diags.push(Diagnostic::error(&lang.path, format!(
                    "`{}` is marked as the source language, but the topic's source language is `{}`",
                    lang.tag, source.tag
                )).with_hint("set translation = \"draft\" in [meta]; a review is recorded per block"));
            }
            compare_with_source(topic, lang, source, opts, &mut diags);
        }
        let labels = LangLabels {
            lang,
            source,
            center: topic.center.as_ref(),
        };
        for (name, block) in &lang.blocks {
            for_each_string(block, |s, span| {
                check_string(topic, lang, &labels, name, s, span.clone(), &mut diags);
                if lang.tag == ruby::EASY_JAPANESE {
                    check_easy_japanese(topic, lang, &labels, name, s, span, &mut diags);
                }
            });
            if let Some(until) = &block.until {
                check_until(topic, lang, name, until, opts, &mut diags);
            }
        }
    }
    let used = used_facts(topic, templates_text);
    unused_facts(topic, &used, &mut diags);
    stale_facts(topic, &used, opts, &mut diags);
    diags
}

fn source_labels(topic: &Topic, source: &Lang, diags: &mut Vec<Diagnostic>) {
    let Some(labels) = source.blocks.get(LABELS) else {
        diags.push(
            Diagnostic::error(&source.path, "missing table [labels]")
                .with_hint(format!("add [labels] with: {}", REQUIRED_LABELS.join(", "))),
        );
        return;
    };
    for key in REQUIRED_LABELS {
        if !labels.fields.contains_key(key) {
            diags.push(
                Diagnostic::error(&source.path, format!("missing key `{key}` in [labels]"))
                    .at(&source.text, labels.span.clone()),
            );
        }
    }
    let names = source.blocks.get(LANGUAGE_NAMES);
    let codes: BTreeSet<&String> = topic.facts.language_groups.values().flatten().collect();
    for code in codes {
        if !names.is_some_and(|b| b.fields.contains_key(code.as_str())) {
            diags.push(
                Diagnostic::error(
                    &source.path,
                    format!("no name for language `{code}` in [language-names]"),
                )
                .with_hint(format!(
                    "facts.toml's language groups use `{code}`: add `{code} = \"…\"`"
                )),
            );
        }
    }
}

/// Every string of a block with its span in the file.
fn for_each_string(block: &Block, mut f: impl FnMut(&str, Range<usize>)) {
    for field in block.fields.values() {
        match field.get_ref() {
            Field::Text(s) => f(s, field.span()),
            Field::List(items) => items.iter().for_each(|i| f(i.get_ref(), i.span())),
        }
    }
}

fn check_string(
    topic: &Topic,
    lang: &Lang,
    labels: &LangLabels,
    block: &str,
    s: &str,
    span: Range<usize>,
    diags: &mut Vec<Diagnostic>,
) {
    let (path, file) = lang.file_for(block);
    if s.trim().is_empty() {
        diags.push(
            Diagnostic::error(path, format!("empty text in [{block}]"))
                .at(file, span)
                .with_hint("write the text, or delete the key to mark it as not yet translated"),
        );
        return;
    }
    let chars = s.chars().count();
    if chars > MAX_TEXT_CHARS {
        diags.push(
            Diagnostic::error(path, format!("text in [{block}] is {chars} characters long; a leaflet text is limited to {MAX_TEXT_CHARS}"))
                .at(file, span)
                .with_hint("a leaflet has two pages: shorten the text or split it"),
        );
        return;
    }
    if block == LABELS {
        return; // labels hold patterns ({day}, {n}), not fact placeholders
    }
    if let Err(errors) = text::resolve(s, &topic.facts, labels) {
        for e in errors {
            let at = locate(file, &span, s, &e);
            let mut d = Diagnostic::error(path, e.message).at(file, at..at);
            if let Some(h) = e.hint {
                d = d.with_hint(h);
            }
            diags.push(d);
        }
    }
}

/// The longest sentence of やさしい日本語 (characters, without readings and spaces): the
/// checklists after the national guideline say about 24, never over 30.
pub const EASY_SENTENCE_CHARS: usize = 30;

/// やさしい日本語: every kanji has its reading (an error at the kanji, or at a term whose
/// facts give none), and a sentence over [`EASY_SENTENCE_CHARS`] is a warning.
fn check_easy_japanese(
    topic: &Topic,
    lang: &Lang,
    labels: &LangLabels,
    block: &str,
    s: &str,
    span: Range<usize>,
    diags: &mut Vec<Diagnostic>,
) {
    let (path, file) = lang.file_for(block);
    let raw = file.get(span.clone()).unwrap_or("");
    // where the n-th `c` of the value is in the file (a basic string: no escapes here)
    let in_file = |offset: usize, c: char| {
        let nth = s[..offset].matches(c).count();
        raw.match_indices(c)
            .nth(nth)
            .map_or(span.start, |(i, _)| span.start + i)
    };
    if let Some((offset, k)) = ruby::unread_kanji(s) {
        let at = in_file(offset, k);
        diags.push(
            Diagnostic::error(path, format!("`{k}` has no reading (furigana)"))
                .at(file, at..at)
                .with_hint("in やさしい日本語 every kanji has its reading: ｜漢字《かんじ》"),
        );
    }
    for (kind, id) in text::placeholders(s) {
        let term = (kind == "ja").then(|| topic.facts.terms.get(id)).flatten();
        if term.is_some_and(|t| t.chars().any(ruby::is_kanji))
            && !topic.facts.term_ruby.contains_key(id)
        {
            let placeholder = format!("{{ja:{id}}}");
            let at = raw
                .find(&placeholder)
                .map_or(span.start, |i| span.start + i);
            diags.push(
                Diagnostic::error(path, format!("the term `{id}` has no reading (furigana)"))
                    .at(file, at..at)
                    .with_hint(format!(
                        "give it one in facts.toml: {id} = {{ term = …, ruby = \"｜漢字《かんじ》…\" }}"
                    )),
            );
        }
    }
    if block == LABELS {
        return; // patterns and words, not sentences
    }
    let resolved = text::resolve(s, &topic.facts, labels)
        .map(|runs| text::plain(&runs))
        .unwrap_or_else(|_| s.to_owned());
    for (sentence, chars) in ruby::sentences(&resolved) {
        if chars > EASY_SENTENCE_CHARS {
            diags.push(
                Diagnostic::warning(
                    path,
                    format!(
                        "a sentence of {chars} characters (やさしい日本語: about 24, never over {EASY_SENTENCE_CHARS}): {sentence}"
                    ),
                )
                .at(file, span.clone())
                .with_hint("one idea per sentence: split it"),
            );
        }
    }
}

/// The byte offset in the file of a placeholder found in a string value at `span`.
fn locate(file: &str, span: &Range<usize>, value: &str, e: &TextError) -> usize {
    let raw = file.get(span.clone()).unwrap_or("");
    let nth = value[..e.offset].matches(e.placeholder.as_str()).count();
    raw.match_indices(e.placeholder.as_str())
        .nth(nth)
        .map_or(span.start, |(i, _)| span.start + i)
}

fn check_until(
    topic: &Topic,
    lang: &Lang,
    block: &str,
    until: &Spanned<String>,
    opts: &Options,
    diags: &mut Vec<Diagnostic>,
) {
    let id = until.get_ref();
    let (path, file) = lang.file_for(block);
    let Some(date) = topic.facts.dates.get(id) else {
        let mut d = Diagnostic::error(
            path,
            format!("unknown date id `{id}` in `until` of [{block}]"),
        )
        .at(file, until.span());
        if let Some(h) = did_you_mean_hint(id, topic.facts.dates.keys().map(String::as_str)) {
            d = d.with_hint(h);
        }
        diags.push(d);
        return;
    };
    if *date < opts.today {
        let message = format!(
            "[{block}] is true only until {date} (`{id}`), which has passed (today is {})",
            opts.today
        );
        let d = if opts.strict {
            Diagnostic::error(path, message)
        } else {
            Diagnostic::warning(path, message)
        };
        diags.push(
            d.at(file, until.span())
                .with_hint("update or remove the statement, then the `until` key"),
        );
    }
}

fn compare_with_source(
    topic: &Topic,
    lang: &Lang,
    source: &Lang,
    opts: &Options,
    diags: &mut Vec<Diagnostic>,
) {
    let missing = |name: &str, msg: String, span: Option<Range<usize>>| {
        let (path, file) = lang.file_for(name);
        let d = if opts.allow_missing {
            Diagnostic::warning(path, msg)
        } else {
            Diagnostic::error(path, msg)
        };
        let d = match span {
            Some(s) => d.at(file, s),
            None => d,
        };
        d.with_hint(if opts.allow_missing {
            format!(
                "the leaflet shows the {} text there, marked as not translated",
                source.tag
            )
        } else {
            format!(
                "translate it from {}, or build with --allow-missing to show the {} text, marked",
                source.file_for(name).0.display(),
                source.tag
            )
        })
    };
    let mut absent = Vec::new();
    for (name, src_block) in &source.blocks {
        let (path, file) = lang.file_for(name);
        let Some(block) = lang.blocks.get(name) else {
            match lang.part_of(name) {
                // reported where the file failed to load
                Some(p) if p.failed => {}
                // a template's file that is not there at all: said once, for the file
                Some(p) if !p.path.is_file() => {
                    if !absent.contains(&p.path) {
                        absent.push(p.path.clone());
                        let template = topic.template_of(name).unwrap_or_default();
                        diags.push(missing(
                            name,
                            format!(
                                "the {template} is not translated into `{}`: the file is missing",
                                lang.tag
                            ),
                            None,
                        ));
                    }
                }
                _ => diags.push(missing(
                    name,
                    format!("block [{name}] is not translated"),
                    None,
                )),
            }
            continue;
        };
        for (key, src_field) in &src_block.fields {
            let Some(field) = block.fields.get(key) else {
                diags.push(missing(
                    name,
                    format!("`{name}.{key}` is not translated"),
                    Some(block.span.clone()),
                ));
                continue;
            };
            match (src_field.get_ref(), field.get_ref()) {
                (Field::Text(_), Field::Text(_)) => {}
                (Field::List(a), Field::List(b)) => {
                    if a.len() != b.len() && !(name == LABELS && key == "months") {
                        diags.push(
                            Diagnostic::error(
                                path,
                                format!(
                                    "`{name}.{key}` has {} items, {} has {}",
                                    b.len(),
                                    source.tag,
                                    a.len()
                                ),
                            )
                            .at(file, field.span())
                            .with_hint("keep one item per item of the source list"),
                        );
                    }
                }
                (a, b) => diags.push(
                    Diagnostic::error(
                        path,
                        format!(
                            "`{name}.{key}` is {}, expected {} as in {}",
                            b.kind(),
                            a.kind(),
                            source.tag
                        ),
                    )
                    .at(file, field.span()),
                ),
            }
        }
        for (key, field) in &block.fields {
            // A language may also name the topic's own languages (zh-Hans, pt-BR, km…): the
            // counter page shows them in the staff's language.
            let names_a_language = name == LANGUAGE_NAMES && topic.lang_files.contains_key(key);
            if !src_block.fields.contains_key(key) && !names_a_language {
                let mut d = Diagnostic::error(path, format!("unknown key `{key}` in [{name}]"))
                    .at(file, field.span());
                if let Some(h) = did_you_mean_hint(key, src_block.fields.keys().map(String::as_str))
                {
                    d = d.with_hint(h);
                }
                diags.push(d);
            }
        }
    }
    for (name, block) in &lang.blocks {
        if !source.blocks.contains_key(name) {
            let (path, file) = lang.file_for(name);
            let mut d = Diagnostic::error(path, format!("unknown block [{name}]"))
                .at(file, block.span.clone());
            if let Some(h) = did_you_mean_hint(name, source.blocks.keys().map(String::as_str)) {
                d = d.with_hint(h);
            }
            diags.push(d);
        }
    }
    if let Some(Field::List(months)) = lang
        .blocks
        .get(LABELS)
        .and_then(|b| b.fields.get("months"))
        .map(|f| f.get_ref())
        && months.len() != 12
    {
        {
            let span = lang.blocks[LABELS].fields["months"].span();
            diags.push(
                Diagnostic::error(
                    &lang.path,
                    format!("`labels.months` has {} names, expected 12", months.len()),
                )
                .at(&lang.text, span),
            );
        }
    }
}

/// The facts a leaflet prints, as (kind, id): referred to by a language, a hotline or a
/// template.
fn used_facts<'a>(topic: &'a Topic, templates_text: &str) -> BTreeSet<(&'static str, &'a str)> {
    let f = &topic.facts;
    let mut used: BTreeSet<(&str, &str)> = BTreeSet::new();
    for lang in topic.langs.values() {
        for block in lang.blocks.values() {
            for_each_string(block, |s, _| {
                for (kind, id) in text::placeholders(s) {
                    // The kind from KINDS and the id from the facts (both outlive the
                    // strings scanned); an unknown kind or id is reported elsewhere.
                    let Some(kind) = text::KINDS.into_iter().find(|k| *k == kind) else {
                        continue;
                    };
                    if let Some(k) = fact_key(f, kind, id) {
                        used.insert((kind, k));
                    }
                }
            });
            if let Some((k, _)) = block
                .until
                .as_ref()
                .and_then(|u| f.dates.get_key_value(u.get_ref()))
            {
                used.insert(("date", k));
            }
        }
    }
    for h in &f.hotlines {
        match &h.contact {
            super::facts::Contact::Phone(p) => used.insert(("phone", p)),
            super::facts::Contact::Url(u) => used.insert(("url", u)),
        };
        for (g, hours) in &h.rows {
            used.insert(("langs", g));
            used.insert(("hours", hours));
        }
        if let Some(c) = &h.closed {
            used.insert(("closed", c));
        }
        used.insert(("hotline", &h.id));
    }
    // Templates get phones, URLs, e-mails and Japanese terms (the screen texts) as data
    // (`d.phones.at("hiecc")`, `d.terms.at("screen-pin")`); every other fact reaches them
    // only resolved inside a text.
    let in_template = |id: &str| templates_text.contains(&format!("\"{id}\""));
    let template_kinds = ["phone", "url", "email", "ja"];
    for (kind, _, ids) in fact_tables(f) {
        if !template_kinds.contains(&kind) {
            continue;
        }
        for id in ids {
            if in_template(id) {
                used.insert((kind, id));
            }
        }
    }
    used
}

/// Every table of facts: (placeholder kind, table name in facts.toml, ids).
fn fact_tables(f: &super::Facts) -> [(&'static str, &'static str, Vec<&String>); 9] {
    [
        ("date", "dates", f.dates.keys().collect()),
        ("phone", "phones", f.phones.keys().collect()),
        ("url", "urls", f.urls.keys().collect()),
        ("email", "emails", f.emails.keys().collect()),
        ("hours", "hours", f.hours.keys().collect()),
        (
            "langs",
            "language-groups",
            f.language_groups.keys().collect(),
        ),
        ("closed", "closures", f.closures.keys().collect()),
        ("ja", "terms", f.terms.keys().collect()),
        ("num", "numbers", f.numbers.keys().collect()),
    ]
}

/// Warns about facts that nothing prints (unless kept for the record: `printed = false`).
fn unused_facts(topic: &Topic, used: &BTreeSet<(&str, &str)>, diags: &mut Vec<Diagnostic>) {
    let f = &topic.facts;
    for (kind, table, ids) in fact_tables(f) {
        for id in ids {
            let record_only = f.not_printed.contains(&(kind.to_owned(), id.clone()));
            if !used.contains(&(kind, id.as_str())) && !record_only {
                let at = topic_fact_offset(&topic.facts_text, table, id);
                let d = Diagnostic::warning(
                    &topic.facts_path,
                    format!("fact `{table}.{id}` is not used by any language or template"),
                )
                .with_hint(format!(
                    "use it with {{{kind}:{id}}}, or remove it if it is no longer needed"
                ));
                diags.push(match at {
                    Some(o) => d.at(&topic.facts_text, o..o),
                    None => d,
                });
            }
        }
    }
}

/// Printed facts whose source is older than the limit: re-check them before printing again.
fn stale_facts(
    topic: &Topic,
    used: &BTreeSet<(&str, &str)>,
    opts: &Options,
    diags: &mut Vec<Diagnostic>,
) {
    let limit = |own: Option<u32>| {
        opts.max_fact_age_months
            .or(own)
            .or(topic.facts.max_fact_age_months)
            .unwrap_or(MAX_FACT_AGE_MONTHS)
    };
    let printed = |(kind, id): &(String, String)| used.contains(&(kind.as_str(), id.as_str()));
    let topic_facts = (
        &topic.facts,
        topic.facts_path.as_path(),
        topic.facts_text.as_str(),
    );
    stale_in(topic_facts, limit(None), printed, opts, diags);
    // The center's facts: every one it does not keep for the record is printed.
    if let Some(c) = &topic.center {
        let printed = |key: &(String, String)| !c.facts.not_printed.contains(key);
        stale_in(
            (&c.facts, c.path.as_path(), c.text.as_str()),
            limit(c.max_fact_age_months),
            printed,
            opts,
            diags,
        );
    }
}

/// The printed facts of one file (facts.toml, a center's file) whose source is older than
/// `limit` months.
fn stale_in(
    (facts, path, text): (&super::Facts, &std::path::Path, &str),
    limit: u32,
    printed: impl Fn(&(String, String)) -> bool,
    opts: &Options,
    diags: &mut Vec<Diagnostic>,
) {
    for (key, dated) in &facts.as_of {
        if !printed(key) {
            continue;
        }
        let age = dated.last_day.months_until(opts.today);
        if age <= limit {
            continue;
        }
        let (kind, id) = key;
        let table = fact_tables(facts)
            .into_iter()
            .find(|(k, _, _)| k == kind)
            .map_or("hotlines", |(_, t, _)| t);
        let message = format!(
            "fact `{table}.{id}` is printed but its source is as of {} ({age} months before {}); facts older than {} months must be re-checked",
            dated.text, opts.today, limit
        );
        let d = if opts.strict {
            Diagnostic::error(path, message)
        } else {
            Diagnostic::warning(path, message)
        };
        diags.push(d.at(text, dated.offset..dated.offset).with_hint(format!(
            "check it against its source ({}) and update `as-of`, or stop printing it",
            dated.source
        )));
    }
}

fn fact_key<'a>(f: &'a super::Facts, kind: &str, id: &str) -> Option<&'a str> {
    let k = match kind {
        "date" => f.dates.get_key_value(id).map(|(k, _)| k),
        "phone" => f.phones.get_key_value(id).map(|(k, _)| k),
        "url" => f.urls.get_key_value(id).map(|(k, _)| k),
        "email" => f.emails.get_key_value(id).map(|(k, _)| k),
        "hours" => f.hours.get_key_value(id).map(|(k, _)| k),
        "langs" => f.language_groups.get_key_value(id).map(|(k, _)| k),
        "closed" => f.closures.get_key_value(id).map(|(k, _)| k),
        "ja" => f.terms.get_key_value(id).map(|(k, _)| k),
        "num" => f.numbers.get_key_value(id).map(|(k, _)| k),
        _ => None,
    };
    k.map(String::as_str)
}

/// Where `id = …` is defined inside `[table]` of facts.toml (a best effort for pointing).
fn topic_fact_offset(text: &str, table: &str, id: &str) -> Option<usize> {
    let start = text.find(&format!("[{table}]"))?;
    let rel = text[start..].lines().scan(0, |pos, line| {
        let here = *pos;
        *pos += line.len() + 1;
        Some((here, line))
    });
    for (off, line) in rel {
        if line.trim_start().starts_with(&format!("{id} "))
            || line.trim_start().starts_with(&format!("{id}="))
        {
            return Some(start + off + line.len() - line.trim_start().len());
        }
    }
    None
}
