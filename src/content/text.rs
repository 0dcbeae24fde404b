//! Rich text: resolving `{kind:id}` placeholders in content strings against the facts, and
//! formatting dates, hours and language lists in the reader's language.
//!
//! The result is a list of runs (plain text, a Japanese term, a phone number, a URL) that
//! reaches the template as data, never as markup.

use serde::Serialize;

use super::facts::{Days, Facts};
use super::values::{Date, MonthDay};

/// A piece of resolved text, styled by the template according to its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "k", content = "t", rename_all = "kebab-case")]
pub enum Run {
    Plain(String),
    /// A Japanese official term: printed with Japanese glyph forms.
    Term(String),
    Phone(String),
    Url(String),
}

/// The kinds of placeholder a content string may contain.
pub const KINDS: [&str; 10] = [
    "date", "phone", "url", "email", "hours", "langs", "closed", "ja", "num", "center",
];

/// What `{center:ID}` may print: the center's name in the reader's language, its phone.
pub const CENTER_IDS: [&str; 2] = ["name", "phone"];

/// A placeholder problem: byte offset of the placeholder in the string, message, hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextError {
    pub offset: usize,
    pub placeholder: String,
    pub message: String,
    pub hint: Option<String>,
}

/// Where a language's words for dates, days and lists come from.
pub trait Labels {
    /// The label `key` of `[labels]` (empty if missing: validation reports that).
    fn label(&self, key: &str) -> &str;
    /// Month names, January first.
    fn months(&self) -> Vec<&str>;
    /// The reader's name for the language with code `code`.
    fn language_name(&self, code: &str) -> Option<&str>;
    /// The center the leaflet is printed for: its name for this reader, and its phone
    /// (none: the text is checked without a center, and `{center:…}` prints nothing).
    fn center(&self) -> Option<(String, String)>;
    /// How the reader's language writes the time of day.
    fn clock(&self) -> super::lang::Clock {
        super::lang::Clock::TwentyFourHour
    }
    /// Whether Japanese terms are printed with their readings (やさしい日本語).
    fn furigana(&self) -> bool {
        false
    }
}

/// A time of day as the reader's language writes it: `8:30`, or 午前8時30分 / 午後8時 (with
/// `furigana`, their readings: ｜午前《ごぜん》8｜時《じ》30｜分《ぷん》).
pub fn format_time(t: super::values::Time, clock: super::lang::Clock, furigana: bool) -> String {
    match clock {
        super::lang::Clock::TwentyFourHour => t.to_string(),
        super::lang::Clock::JapaneseAmPm => {
            let (half, hour) = match t.hour {
                h if h < 12 || h == 24 => ("午前", h % 24),
                h => ("午後", h - 12),
            };
            let read = |kanji: &str, reading: &str| {
                if furigana {
                    format!("｜{kanji}《{reading}》")
                } else {
                    kanji.to_owned()
                }
            };
            let half = read(
                half,
                if half == "午前" {
                    "ごぜん"
                } else {
                    "ごご"
                },
            );
            let mut out = format!("{half}{hour}{}", read("時", "じ"));
            if t.minute != 0 {
                // 1, 3, 4, 6, 8 and 10, 20…: ぷん (いっぷん, さんじゅっぷん); else ふん
                let p = matches!(t.minute % 10, 0 | 1 | 3 | 4 | 6 | 8);
                let fun = read("分", if p { "ぷん" } else { "ふん" });
                out.push_str(&format!("{}{fun}", t.minute));
            }
            out
        }
    }
}

/// A day of the month in Japanese with its reading over it, for やさしい日本語: the days
/// read their own way (1日 ついたち, 2日 ふつか, 20日 はつか…) carry it over the number and
/// 日, the others (15日 じゅうごにち) over 日 alone.
fn japanese_day(day: u8) -> String {
    let own = match day {
        1 => "ついたち",
        2 => "ふつか",
        3 => "みっか",
        4 => "よっか",
        5 => "いつか",
        6 => "むいか",
        7 => "なのか",
        8 => "ようか",
        9 => "ここのか",
        10 => "とおか",
        14 => "じゅうよっか",
        20 => "はつか",
        24 => "にじゅうよっか",
        _ => return format!("{day}｜日《にち》"),
    };
    format!("｜{day}日《{own}》")
}

/// A piece of a content string: its byte offset, its text, and (kind, id) if a placeholder.
type Piece<'a> = (usize, &'a str, Option<(&'a str, &'a str)>);

/// Splits `s` into literal text and `{kind:id}` placeholders.
fn pieces(s: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = 0;
    let mut i = 0;
    while let Some(open) = s[i..].find('{').map(|o| o + i) {
        let Some(close) = s[open..].find('}').map(|c| c + open) else {
            break;
        };
        let inner = &s[open + 1..close];
        let is_placeholder = inner.split_once(':').is_some_and(|(k, id)| {
            !k.is_empty()
                && k.bytes().all(|b| b.is_ascii_lowercase())
                && !id.is_empty()
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
        if is_placeholder {
            if open > rest {
                out.push((rest, &s[rest..open], None));
            }
            let (k, id) = inner.split_once(':').unwrap_or_default();
            out.push((open, &s[open..=close], Some((k, id))));
            rest = close + 1;
            i = close + 1;
        } else {
            i = open + 1;
        }
    }
    if rest < s.len() {
        out.push((rest, &s[rest..], None));
    }
    out
}

/// Resolves every placeholder in `s`. Returns the runs, or every problem found.
pub fn resolve(s: &str, facts: &Facts, labels: &dyn Labels) -> Result<Vec<Run>, Vec<TextError>> {
    let mut runs: Vec<Run> = Vec::new();
    let mut errors = Vec::new();
    for (offset, text, placeholder) in pieces(s) {
        let Some((kind, id)) = placeholder else {
            push_plain(&mut runs, text);
            continue;
        };
        if facts.invalid.contains(&format!("{kind}:{id}")) {
            continue; // reported where the fact is defined
        }
        let fail = |message: String, known: Vec<&str>| {
            let hint = crate::diag::did_you_mean(id, known.iter().copied())
                .map(|s| format!("did you mean `{{{kind}:{s}}}`?"))
                .or_else(|| {
                    (!known.is_empty()).then(|| format!("known ids: {}", known.join(", ")))
                });
            TextError {
                offset,
                placeholder: text.to_owned(),
                message,
                hint,
            }
        };
        let unknown = |what: &str, keys: Vec<&str>| {
            fail(format!("unknown {what} id `{id}` in `{text}`"), keys)
        };
        match kind {
            "date" => match facts.dates.get(id) {
                Some(d) => push_plain(&mut runs, &format_date(*d, labels)),
                None => errors.push(unknown(
                    "date",
                    facts.dates.keys().map(String::as_str).collect(),
                )),
            },
            "phone" => match facts.phones.get(id) {
                Some(p) => runs.push(Run::Phone(p.number.clone())),
                None => errors.push(unknown(
                    "phone",
                    facts.phones.keys().map(String::as_str).collect(),
                )),
            },
            "url" => match facts.urls.get(id) {
                Some(u) => runs.push(Run::Url(display_url(u).to_owned())),
                None => errors.push(unknown(
                    "url",
                    facts.urls.keys().map(String::as_str).collect(),
                )),
            },
            "email" => match facts.emails.get(id) {
                Some(e) => push_plain(&mut runs, e),
                None => errors.push(unknown(
                    "email",
                    facts.emails.keys().map(String::as_str).collect(),
                )),
            },
            "hours" => match facts.hours.get(id) {
                Some(_) => push_plain(&mut runs, &format_hours(facts, id, labels)),
                None => errors.push(unknown(
                    "hours",
                    facts.hours.keys().map(String::as_str).collect(),
                )),
            },
            "langs" => match format_languages(facts, id, labels) {
                Ok(t) => push_plain(&mut runs, &t),
                Err(msg) => errors.push(fail(
                    msg,
                    facts.language_groups.keys().map(String::as_str).collect(),
                )),
            },
            "closed" => match facts.closures.get(id) {
                Some(&(from, to)) => push_plain(&mut runs, &format_closed(from, to, labels)),
                None => errors.push(unknown(
                    "closure",
                    facts.closures.keys().map(String::as_str).collect(),
                )),
            },
            "ja" => match facts.terms.get(id) {
                Some(t) => runs.push(Run::Term(
                    facts
                        .term_ruby
                        .get(id)
                        .filter(|_| labels.furigana())
                        .unwrap_or(t)
                        .clone(),
                )),
                None => errors.push(unknown(
                    "term",
                    facts.terms.keys().map(String::as_str).collect(),
                )),
            },
            "center" if CENTER_IDS.contains(&id) => match (labels.center(), id) {
                (Some((name, _)), "name") => push_plain(&mut runs, &name),
                (Some((_, phone)), _) => runs.push(Run::Phone(phone)),
                (None, _) => {}
            },
            "center" => errors.push(fail(
                format!("unknown center id `{id}` in `{text}`"),
                CENTER_IDS.to_vec(),
            )),
            "num" => match facts.numbers.get(id) {
                Some(n) => push_plain(&mut runs, &n.to_string()),
                None => errors.push(unknown(
                    "number",
                    facts.numbers.keys().map(String::as_str).collect(),
                )),
            },
            _ => errors.push(TextError {
                offset,
                placeholder: text.to_owned(),
                message: format!("unknown placeholder kind `{kind}` in `{text}`"),
                hint: Some(
                    crate::diag::did_you_mean(kind, KINDS)
                        .map(|k| format!("did you mean `{{{k}:{id}}}`?"))
                        .unwrap_or_else(|| {
                            format!(
                                "placeholders are {{KIND:ID}} with KIND one of: {}",
                                KINDS.join(", ")
                            )
                        }),
                ),
            }),
        }
    }
    if errors.is_empty() {
        Ok(runs)
    } else {
        Err(errors)
    }
}

/// The placeholders of `s` as (kind, id), of any kind: `{kind:id}`.
pub fn placeholders(s: &str) -> impl Iterator<Item = (&str, &str)> {
    pieces(s).into_iter().filter_map(|(_, _, p)| p)
}

fn push_plain(runs: &mut Vec<Run>, text: &str) {
    if let Some(Run::Plain(last)) = runs.last_mut() {
        last.push_str(text);
    } else if !text.is_empty() {
        runs.push(Run::Plain(text.to_owned()));
    }
}

/// Concatenates the text of runs (for PDF metadata and plain-text uses).
pub fn plain(runs: &[Run]) -> String {
    runs.iter()
        .map(|r| match r {
            Run::Plain(t) | Run::Term(t) | Run::Phone(t) | Run::Url(t) => t.as_str(),
        })
        .collect()
}

/// A URL as printed under its QR code: without the scheme.
pub fn display_url(url: &str) -> &str {
    url.strip_prefix("https://").unwrap_or(url)
}

/// When a source stated a fact, as precise as it is: a day (`2 December 2024`), a month
/// (`July 2025`, the `month-year` label) or a year.
pub fn format_as_of(dated: &super::facts::Dated, labels: &dyn Labels) -> String {
    let d = dated.last_day;
    match dated.text.len() {
        4 => d.year.to_string(),
        7 => {
            let months = labels.months();
            let month = months.get(usize::from(d.month) - 1).copied().unwrap_or("");
            labels
                .label("month-year")
                .replace("{month}", month)
                .replace("{year}", &d.year.to_string())
        }
        _ => format_date(d, labels),
    }
}

pub fn format_date(d: Date, labels: &dyn Labels) -> String {
    let months = labels.months();
    let month = months.get(usize::from(d.month) - 1).copied().unwrap_or("");
    fill_day(labels.label("date"), d.day)
        .replace("{month}", month)
        .replace("{year}", &d.year.to_string())
}

fn format_month_day(d: MonthDay, labels: &dyn Labels) -> String {
    let months = labels.months();
    let month = months.get(usize::from(d.month) - 1).copied().unwrap_or("");
    fill_day(labels.label("month-day"), d.day).replace("{month}", month)
}

/// `{day}` of a date label; `{day-ja}` is the day with 日 and its reading (やさしい日本語:
/// `{day-ja}` for 2 is ｜2日《ふつか》, see [`japanese_day`]).
fn fill_day(label: &str, day: u8) -> String {
    label
        .replace("{day-ja}", &japanese_day(day))
        .replace("{day}", &day.to_string())
}

/// A yearly closure in the reader's words: "Closed 29 December – 3 January".
pub fn format_closed(from: MonthDay, to: MonthDay, labels: &dyn Labels) -> String {
    labels
        .label("closed")
        .replace("{from}", &format_month_day(from, labels))
        .replace("{to}", &format_month_day(to, labels))
}

/// Opening hours in the reader's words: "Weekdays 9:30–20:00 / Weekends and holidays 9:30–17:30".
/// Consecutive spans on the same days share the day word: "Weekdays 9:00–12:00, 13:00–17:00".
pub fn format_hours(facts: &Facts, id: &str, labels: &dyn Labels) -> String {
    let Some(hours) = facts.hours.get(id) else {
        return String::new();
    };
    let mut parts: Vec<(Days, Vec<String>)> = Vec::new();
    for h in hours {
        let span = match h.open {
            Some((from, to)) => match labels.clock() {
                super::lang::Clock::TwentyFourHour => format!("{from}–{to}"),
                clock => format!(
                    "{}から{}まで",
                    format_time(from, clock, labels.furigana()),
                    format_time(to, clock, labels.furigana())
                ),
            },
            None => labels.label("all-day").to_owned(),
        };
        match parts.last_mut() {
            Some((days, spans)) if *days == h.days => spans.push(span),
            _ => parts.push((h.days, vec![span])),
        }
    }
    parts
        .into_iter()
        .map(|(days, spans)| {
            let all_day_every_day =
                days == Days::EveryDay && hours.iter().all(|h| h.open.is_none());
            if all_day_every_day {
                spans.join(", ")
            } else {
                format!("{} {}", labels.label(days.label_key()), spans.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The languages of group `id`, named in the reader's language.
pub fn format_languages(facts: &Facts, id: &str, labels: &dyn Labels) -> Result<String, String> {
    let Some(codes) = facts.language_groups.get(id) else {
        return Err(format!("unknown language group id `{id}`"));
    };
    let mut names = Vec::new();
    for code in codes {
        match labels.language_name(code) {
            Some(n) => names.push(n),
            None => return Err(format!("no name for language `{code}` in [language-names]")),
        }
    }
    Ok(names.join(labels.label("list-separator")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_placeholders_and_keeps_other_braces() {
        let p = pieces("a {date:x} b {not a placeholder} {ja:term-1}");
        let kinds: Vec<_> = p.iter().map(|(_, t, k)| (*t, k.is_some())).collect();
        assert_eq!(
            kinds,
            vec![
                ("a ", false),
                ("{date:x}", true),
                (" b {not a placeholder} ", false),
                ("{ja:term-1}", true)
            ]
        );
    }
}
