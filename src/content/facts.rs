//! Loading and validating `facts.toml`: the numbers, hours, dates, URLs and terms shared by
//! every language of a topic. Everything is checked here once, so later stages can trust it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::values::{AsOf, Date, MonthDay, Time, is_https_url, is_japanese_phone};
use crate::diag::Diagnostic;

/// The validated facts of a topic.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub templates: Vec<String>,
    pub source_language: String,
    /// The order a counter looks for languages in (language tags); others follow by tag.
    pub counter_order: Vec<String>,
    pub checked: Option<Date>,
    /// How old (months) a printed fact's source may be before `check` says it must be
    /// re-checked (`--max-fact-age` overrides it).
    pub max_fact_age_months: Option<u32>,
    /// The center whose edition is built by default (its id, where facts.toml names it).
    pub center: Option<Spanned<String>>,
    pub dates: BTreeMap<String, Date>,
    pub phones: BTreeMap<String, Phone>,
    pub emails: BTreeMap<String, String>,
    pub urls: BTreeMap<String, String>,
    pub language_groups: BTreeMap<String, Vec<String>>,
    pub hours: BTreeMap<String, Vec<Hours>>,
    pub closures: BTreeMap<String, (MonthDay, MonthDay)>,
    pub hotlines: Vec<Hotline>,
    pub terms: BTreeMap<String, String>,
    /// Terms with their readings (`ruby`), for やさしい日本語.
    pub term_ruby: BTreeMap<String, String>,
    /// Numbers printed in a text (`{num:ID}`): shares, ages, periods, digit counts.
    pub numbers: BTreeMap<String, u64>,
    /// Facts that exist but are malformed (`kind:id`): their own error is reported once,
    /// and references to them are not reported again as unknown.
    pub invalid: std::collections::BTreeSet<String>,
    /// Facts kept for the record only (`printed = false`), as (kind, id).
    pub not_printed: std::collections::BTreeSet<(String, String)>,
    /// Other names a clerk may type to find a language on the counter page, by tag (its
    /// English name, common other names); not printed on any leaflet.
    pub counter_search: BTreeMap<String, Vec<String>>,
    /// Facts with an `as-of` date, as (kind, id): when their source stated them.
    pub as_of: BTreeMap<(String, String), Dated>,
}

/// When a fact's source stated it (`as-of`), for the staleness check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dated {
    /// As written: `2024`, `2025-07`, `2025-07-01`.
    pub text: String,
    /// The last day of that period: the fact's age counts from here.
    pub last_day: Date,
    /// Byte offset of the value in facts.toml.
    pub offset: usize,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    pub number: String,
    pub toll_free: bool,
}

/// When a service is open: which days, and from/to (None: all day).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hours {
    pub days: Days,
    pub open: Option<(Time, Time)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Days {
    EveryDay,
    Weekdays,
    WeekendsHolidays,
}

impl Days {
    pub const NAMES: [&'static str; 3] = ["every-day", "weekdays", "weekends-holidays"];

    fn parse(s: &str) -> Option<Days> {
        match s {
            "every-day" => Some(Days::EveryDay),
            "weekdays" => Some(Days::Weekdays),
            "weekends-holidays" => Some(Days::WeekendsHolidays),
            _ => None,
        }
    }

    /// The key of this day set's word in a language's `[labels]`.
    pub fn label_key(self) -> &'static str {
        Days::NAMES[self as usize]
    }
}

/// One line of the hotline table: a phone number or a web page, and who is served when.
#[derive(Debug, Clone)]
pub struct Hotline {
    pub id: String,
    pub contact: Contact,
    /// (language group id, hours id)
    pub rows: Vec<(String, String)>,
    pub closed: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Contact {
    Phone(String),
    Url(String),
}

// ---- the file as written -------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct FactsFile {
    topic: TopicSection,
    #[serde(default)]
    dates: BTreeMap<String, DateFact>,
    #[serde(default)]
    phones: BTreeMap<String, PhoneFact>,
    #[serde(default)]
    emails: BTreeMap<String, EmailFact>,
    #[serde(default)]
    urls: BTreeMap<String, UrlFact>,
    #[serde(default)]
    language_groups: BTreeMap<String, GroupFact>,
    #[serde(default)]
    hours: BTreeMap<String, HoursFact>,
    #[serde(default)]
    closures: BTreeMap<String, ClosureFact>,
    #[serde(default)]
    hotlines: Vec<HotlineFact>,
    #[serde(default)]
    terms: BTreeMap<String, TermFact>,
    #[serde(default)]
    numbers: BTreeMap<String, NumberFact>,
    #[serde(default)]
    counter_search: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct TopicSection {
    templates: Vec<Spanned<String>>,
    source_language: Spanned<String>,
    checked: Option<Spanned<String>>,
    #[serde(default)]
    counter_order: Vec<Spanned<String>>,
    max_fact_age_months: Option<u32>,
    /// The center whose edition is built by default (`content/centers/<id>.toml`).
    center: Option<Spanned<String>>,
}

/// Declares a fact as written in facts.toml: its own fields, then where it comes from (the
/// same four keys for every kind of fact).
macro_rules! fact {
    ($name:ident { $($(#[$attr:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        #[derive(Deserialize)]
        #[serde(rename_all = "kebab-case", deny_unknown_fields)]
        pub(super) struct $name {
            $($(#[$attr])* pub(super) $field: $ty,)*
            /// Where the fact comes from: a seed, facts.md, a public page.
            pub(super) source: Spanned<String>,
            /// When that source stated it (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`), for facts
            /// that can go stale; `check` warns once it is older than the limit.
            pub(super) as_of: Option<Spanned<String>>,
            /// Where sources disagree: the other source, and which one this fact follows.
            #[allow(dead_code)]
            pub(super) conflict: Option<String>,
            /// `false`: kept for the record (why the leaflet no longer says something);
            /// not printed, so not reported as unused.
            #[serde(default = "yes")]
            pub(super) printed: bool,
        }

        impl Sourced for $name {
            fn origin(&self) -> Origin<'_> {
                Origin {
                    source: &self.source,
                    as_of: self.as_of.as_ref(),
                    printed: self.printed,
                }
            }
        }
    };
}

fn yes() -> bool {
    true
}

/// A fact that says where it comes from.
pub(super) trait Sourced {
    fn origin(&self) -> Origin<'_>;
}

/// (kind, id, origin) of every fact of a table.
pub(super) fn sourced<'a, F: Sourced>(
    kind: &'static str,
    table: &'a BTreeMap<String, F>,
) -> impl Iterator<Item = (&'static str, &'a String, Origin<'a>)> {
    table.iter().map(move |(id, f)| (kind, id, f.origin()))
}

/// Where a fact comes from, as written.
pub(super) struct Origin<'a> {
    pub(super) source: &'a Spanned<String>,
    pub(super) as_of: Option<&'a Spanned<String>>,
    pub(super) printed: bool,
}

fact!(DateFact { date: Spanned<String> });
fact!(PhoneFact {
    number: Spanned<String>,
    #[serde(default)]
    toll_free: bool,
});
fact!(EmailFact { address: Spanned<String> });
fact!(UrlFact { url: Spanned<String> });
fact!(GroupFact { languages: Vec<Spanned<String>> });
fact!(HoursFact { open: Vec<OpenFact> });
fact!(ClosureFact {
    from: Spanned<String>,
    to: Spanned<String>,
});
fact!(TermFact {
    term: Spanned<String>,
    /// The term with its readings (furigana), for やさしい日本語: `｜資格確認書《しかくかくにんしょ》`.
    ruby: Option<Spanned<String>>,
});
fact!(NumberFact { value: u64 });
fact!(HotlineFact {
    id: Spanned<String>,
    phone: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    rows: Vec<RowFact>,
    closed: Option<Spanned<String>>,
});

/// One span of opening hours.
#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct OpenFact {
    days: Spanned<String>,
    from: Option<Spanned<String>>,
    to: Option<Spanned<String>>,
    #[serde(default)]
    all_day: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct RowFact {
    languages: Spanned<String>,
    hours: Spanned<String>,
}

// ---- validation ----------------------------------------------------------------------------

/// Parses and validates a facts file. Returns the facts (possibly partial) and every problem.
pub fn load(path: &Path, text: &str) -> (Option<Facts>, Vec<Diagnostic>) {
    let file: FactsFile = match toml::from_str(text) {
        Ok(f) => f,
        Err(e) => return (None, vec![super::toml_error(path, text, &e)]),
    };
    let mut v = Validator::new(path, text);
    let facts = v.facts(file);
    (Some(facts), v.diags)
}

/// Checks facts as written, collecting every problem (facts.toml, a center's file).
pub(super) struct Validator<'a> {
    path: &'a Path,
    text: &'a str,
    pub(super) diags: Vec<Diagnostic>,
}

impl<'a> Validator<'a> {
    pub(super) fn new(path: &'a Path, text: &'a str) -> Validator<'a> {
        Validator {
            path,
            text,
            diags: Vec::new(),
        }
    }

    pub(super) fn error(&mut self, at: &Spanned<String>, message: String, hint: Option<&str>) {
        let mut d = Diagnostic::error(self.path, message).at(self.text, at.span());
        if let Some(h) = hint {
            d = d.with_hint(h);
        }
        self.diags.push(d);
    }

    /// Checks that `id` names an entry of `table` (a fact of kind `what`).
    fn reference<T>(
        &mut self,
        id: &Spanned<String>,
        table: &BTreeMap<String, T>,
        what: &str,
    ) -> bool {
        if table.contains_key(id.get_ref()) {
            return true;
        }
        let hint = super::did_you_mean_hint(id.get_ref(), table.keys().map(String::as_str));
        self.error(
            id,
            format!("unknown {what} id `{}`", id.get_ref()),
            hint.as_deref(),
        );
        false
    }

    fn facts(&mut self, file: FactsFile) -> Facts {
        let mut facts = Facts {
            templates: file
                .topic
                .templates
                .iter()
                .map(|t| t.get_ref().clone())
                .collect(),
            source_language: file.topic.source_language.get_ref().clone(),
            counter_order: file
                .topic
                .counter_order
                .iter()
                .map(|t| t.get_ref().clone())
                .collect(),
            max_fact_age_months: file.topic.max_fact_age_months,
            center: file.topic.center.clone(),
            ..Facts::default()
        };
        if let Some(c) = &file.topic.checked {
            facts.checked = self.date(c);
        }
        for t in &file.topic.templates {
            if !super::is_id(t.get_ref()) {
                self.error(
                    t,
                    format!("`{}` is not a template name", t.get_ref()),
                    Some("use lowercase letters, digits and '-'"),
                );
            }
        }
        for (id, d) in &file.dates {
            match self.date(&d.date) {
                Some(date) => drop(facts.dates.insert(id.clone(), date)),
                None => drop(facts.invalid.insert(format!("date:{id}"))),
            }
        }
        self.contacts(
            &mut facts,
            &file.phones,
            &file.emails,
            &file.urls,
            &file.hours,
        );
        for (id, group) in &file.language_groups {
            let codes = &group.languages;
            for code in codes {
                if !super::is_language_tag(code.get_ref()) {
                    self.error(
                        code,
                        format!("`{}` is not a language code", code.get_ref()),
                        Some("use a BCP 47 code such as en, zh or pt"),
                    );
                }
            }
            facts.language_groups.insert(
                id.clone(),
                codes.iter().map(|c| c.get_ref().clone()).collect(),
            );
        }
        for (id, c) in &file.closures {
            match (self.month_day(&c.from), self.month_day(&c.to)) {
                (Some(from), Some(to)) => drop(facts.closures.insert(id.clone(), (from, to))),
                _ => drop(facts.invalid.insert(format!("closed:{id}"))),
            }
        }
        for (id, t) in &file.terms {
            let term = &t.term;
            if term.get_ref().trim().is_empty() {
                self.error(term, format!("term `{id}` is empty"), None);
            }
            self.plain_text(term);
            if let Some(ruby) = &t.ruby {
                self.plain_text(ruby);
                let read = super::ruby::strip(ruby.get_ref());
                if read != *term.get_ref() {
                    self.error(
                        ruby,
                        format!("the readings of term `{id}` are of `{read}`, not of `{}`", term.get_ref()),
                        Some("write the term itself with its readings: ｜漢字《かんじ》 around each part"),
                    );
                } else if let Some((_, k)) = super::ruby::unread_kanji(ruby.get_ref()) {
                    self.error(
                        ruby,
                        format!("`{k}` in term `{id}` has no reading"),
                        Some("every kanji of `ruby` is in a base: ｜漢字《かんじ》"),
                    );
                } else {
                    facts.term_ruby.insert(id.clone(), ruby.get_ref().clone());
                }
            }
            facts.terms.insert(id.clone(), term.get_ref().clone());
        }
        for (id, n) in &file.numbers {
            facts.numbers.insert(id.clone(), n.value);
        }
        for (tag, words) in &file.counter_search {
            if !super::is_language_tag(tag.get_ref()) {
                self.error(
                    tag,
                    format!("`{}` is not a language tag", tag.get_ref()),
                    Some("[counter-search] holds search words per language tag, e.g. my = [\"Burmese\", \"Myanmar\"]"),
                );
            }
            for w in words {
                self.plain_text(w);
            }
            facts.counter_search.insert(
                tag.get_ref().clone(),
                words.iter().map(|w| w.get_ref().clone()).collect(),
            );
        }
        let mut seen = BTreeMap::new();
        for h in &file.hotlines {
            if let Some(hotline) = self.hotline(h, &file, &mut seen) {
                facts.hotlines.push(hotline);
            }
        }
        let origins = sourced("date", &file.dates)
            .chain(sourced("phone", &file.phones))
            .chain(sourced("email", &file.emails))
            .chain(sourced("url", &file.urls))
            .chain(sourced("langs", &file.language_groups))
            .chain(sourced("hours", &file.hours))
            .chain(sourced("closed", &file.closures))
            .chain(sourced("ja", &file.terms))
            .chain(sourced("num", &file.numbers))
            .chain(
                file.hotlines
                    .iter()
                    .map(|f| ("hotline", f.id.get_ref(), f.origin())),
            );
        for (kind, id, origin) in origins {
            self.origin(&mut facts, kind, id, &origin);
        }
        facts
    }

    /// Checks and records the phone numbers, e-mail addresses, URLs and opening hours.
    pub(super) fn contacts(
        &mut self,
        facts: &mut Facts,
        phones: &BTreeMap<String, PhoneFact>,
        emails: &BTreeMap<String, EmailFact>,
        urls: &BTreeMap<String, UrlFact>,
        hours: &BTreeMap<String, HoursFact>,
    ) {
        for (id, p) in phones {
            let n = p.number.get_ref();
            // Kept even when malformed (the error below blocks the build), so that the
            // languages referring to it do not each report it as unknown.
            facts.phones.insert(
                id.clone(),
                Phone {
                    number: n.clone(),
                    toll_free: p.toll_free,
                },
            );
            if !is_japanese_phone(n) {
                self.error(
                    &p.number,
                    format!("`{n}` is not a Japanese phone number"),
                    Some("write it with hyphens, e.g. 0120-0178-27, 0570-064-738, 050-3818-1250 or 011-200-9595"),
                );
            }
            if p.toll_free && !n.starts_with("0120-") && !n.starts_with("0800-") {
                self.error(
                    &p.number,
                    format!("`{n}` is marked toll-free but is not a 0120 or 0800 number"),
                    None,
                );
            }
        }
        for (id, e) in emails {
            let a = e.address.get_ref();
            facts.emails.insert(id.clone(), a.clone());
            if !a.contains('@') || a.contains(|c: char| c.is_whitespace() || c.is_control()) {
                self.error(&e.address, format!("`{a}` is not an e-mail address"), None);
            }
        }
        for (id, u) in urls {
            let url = u.url.get_ref();
            facts.urls.insert(id.clone(), url.clone());
            if !is_https_url(url) {
                self.error(
                    &u.url,
                    format!("`{url}` is not an absolute https URL"),
                    Some("write the full address, starting with https://"),
                );
            }
        }
        for (id, h) in hours {
            let list = &h.open;
            let parsed: Vec<Hours> = list.iter().filter_map(|h| self.hours(h)).collect();
            if parsed.len() == list.len() {
                facts.hours.insert(id.clone(), parsed);
            } else {
                facts.invalid.insert(format!("hours:{id}"));
            }
        }
    }

    /// Checks and records where a fact comes from.
    pub(super) fn origin(&mut self, facts: &mut Facts, kind: &str, id: &str, o: &Origin) {
        if o.source.get_ref().trim().is_empty() {
            self.error(
                o.source,
                format!("the source of `{id}` is empty"),
                Some("name where the fact comes from: a seed, facts.md or a public page"),
            );
        }
        let key = (kind.to_owned(), id.to_owned());
        if !o.printed {
            facts.not_printed.insert(key.clone());
        }
        let Some(as_of) = o.as_of else { return };
        match AsOf::parse(as_of.get_ref()) {
            Some(a) => drop(facts.as_of.insert(
                key,
                Dated {
                    text: as_of.get_ref().clone(),
                    last_day: a.last_day,
                    offset: as_of.span().start,
                    source: o.source.get_ref().clone(),
                },
            )),
            None => self.error(
                as_of,
                format!("`{}` is not a date", as_of.get_ref()),
                Some("write when the source stated the fact: YYYY, YYYY-MM or YYYY-MM-DD"),
            ),
        }
    }

    /// A printed text holds no control character.
    pub(super) fn plain_text(&mut self, s: &Spanned<String>) {
        let d = super::lang::control(self.path, self.text, s.span(), s.get_ref(), false);
        self.diags.extend(d);
    }

    fn date(&mut self, s: &Spanned<String>) -> Option<Date> {
        let d = Date::parse(s.get_ref());
        if d.is_none() {
            self.error(
                s,
                format!("`{}` is not a date", s.get_ref()),
                Some("write an ISO date: YYYY-MM-DD, e.g. 2024-12-02"),
            );
        }
        d
    }

    fn month_day(&mut self, s: &Spanned<String>) -> Option<MonthDay> {
        let d = MonthDay::parse(s.get_ref());
        if d.is_none() {
            self.error(
                s,
                format!("`{}` is not a month and day", s.get_ref()),
                Some("write MM-DD, e.g. 12-29"),
            );
        }
        d
    }

    fn time(&mut self, s: &Spanned<String>) -> Option<Time> {
        let t = Time::parse(s.get_ref());
        if t.is_none() {
            self.error(
                s,
                format!("`{}` is not a time", s.get_ref()),
                Some("write HH:MM on the 24-hour clock, e.g. 08:30 or 20:00"),
            );
        }
        t
    }

    fn hours(&mut self, h: &OpenFact) -> Option<Hours> {
        let days = Days::parse(h.days.get_ref());
        if days.is_none() {
            let hint = super::did_you_mean_hint(h.days.get_ref(), Days::NAMES);
            let hint = hint.unwrap_or_else(|| format!("use one of: {}", Days::NAMES.join(", ")));
            self.error(
                &h.days,
                format!("unknown days `{}`", h.days.get_ref()),
                Some(&hint),
            );
        }
        let open = match (&h.from, &h.to, h.all_day) {
            (None, None, true) => Some(None),
            (Some(from), Some(to), false) => match (self.time(from), self.time(to)) {
                (Some(a), Some(b)) if b > a => Some(Some((a, b))),
                (Some(_), Some(_)) => {
                    self.error(
                        to,
                        format!(
                            "the end `{}` is not after the start `{}`",
                            to.get_ref(),
                            from.get_ref()
                        ),
                        None,
                    );
                    None
                }
                _ => None,
            },
            _ => {
                self.error(
                    &h.days,
                    "hours need `from` and `to`, or `all-day = true` (not both)".into(),
                    None,
                );
                None
            }
        };
        Some(Hours {
            days: days?,
            open: open?,
        })
    }

    fn hotline(
        &mut self,
        h: &HotlineFact,
        file: &FactsFile,
        seen: &mut BTreeMap<String, ()>,
    ) -> Option<Hotline> {
        if seen.insert(h.id.get_ref().clone(), ()).is_some() {
            self.error(
                &h.id,
                format!("duplicate hotline id `{}`", h.id.get_ref()),
                None,
            );
        }
        let contact = match (&h.phone, &h.url) {
            (Some(p), None) => self
                .reference(p, &file.phones, "phone")
                .then(|| Contact::Phone(p.get_ref().clone())),
            (None, Some(u)) => self
                .reference(u, &file.urls, "url")
                .then(|| Contact::Url(u.get_ref().clone())),
            _ => {
                self.error(
                    &h.id,
                    format!("hotline `{}` needs either `phone` or `url`", h.id.get_ref()),
                    None,
                );
                None
            }
        };
        let mut ok = true;
        for r in &h.rows {
            ok &= self.reference(&r.languages, &file.language_groups, "language group");
            ok &= self.reference(&r.hours, &file.hours, "hours");
        }
        if let Some(c) = &h.closed {
            ok &= self.reference(c, &file.closures, "closure");
        }
        Some(Hotline {
            id: h.id.get_ref().clone(),
            contact: contact?,
            rows: h
                .rows
                .iter()
                .map(|r| (r.languages.get_ref().clone(), r.hours.get_ref().clone()))
                .collect(),
            closed: h.closed.as_ref().map(|c| c.get_ref().clone()),
        })
        .filter(|_| ok)
    }
}
