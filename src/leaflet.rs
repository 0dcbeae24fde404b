//! Model stage: turns validated content (one topic, one template, one language) into the data
//! a template lays out: resolved text runs, the hotline table, URLs with their QR codes.
//! Everything here is data; the template decides only where it goes and how it looks.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::breaks::Breaks;
use crate::content::Center;
use crate::content::facts::{Contact, Dated};
use crate::content::lang::{Field, Lang};
use crate::content::record::{self, Level};
use crate::content::text::{self, Labels};
use crate::content::validate::{LABELS, LangLabels};
use crate::content::values::Date;
use crate::content::{Block, Topic};
use crate::diag::Diagnostic;
use crate::fonts;
use crate::qr;

/// Everything one leaflet needs, before layout.
#[derive(Debug, Clone)]
pub struct Leaflet {
    pub topic: String,
    pub template: String,
    pub lang: String,
    pub title: String,
    pub author: String,
    pub edition: Date,
    /// Blocks shown in the source language because they are not translated yet.
    pub fallbacks: Vec<String>,
    /// The data the template reads as `/data.json`.
    pub data: Value,
    /// Further virtual files (the QR codes), by path.
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Leaflet {
    /// The output file name: `<topic>-<template>-<lang>.pdf`.
    pub fn file_name(&self) -> String {
        format!("{}-{}-{}.pdf", self.topic, self.template, self.lang)
    }
}

/// Builds the leaflet model. Missing blocks fall back to the source language when
/// `allow_missing` is set (and are listed in `fallbacks`); otherwise they are errors.
pub fn build(
    topic: &Topic,
    template: &str,
    lang: &Lang,
    allow_missing: bool,
) -> Result<Leaflet, Vec<Diagnostic>> {
    let source = topic.source().ok_or_else(|| {
        vec![Diagnostic::error(
            &topic.facts_path,
            "the source language has no file",
        )]
    })?;
    let stack = fonts::stack_for(&lang.tag).ok_or_else(|| {
        vec![Diagnostic::error(
            &lang.path,
            format!("no font stack for language `{}`", lang.tag),
        )]
    })?;
    let center = topic.center.as_ref();
    let own = LangLabels {
        lang,
        source,
        center,
    };
    let src = LangLabels {
        lang: source,
        source,
        center,
    };
    let mut errors = Vec::new();
    let mut fallbacks = Vec::new();
    let mut blocks = Map::new();
    for (name, src_block) in source
        .blocks
        .iter()
        .filter(|(n, _)| topic.prints(template, n))
    {
        let (block, labels, fallback): (&Block, &LangLabels, bool) = match lang.blocks.get(name) {
            Some(b) if src_block.fields.keys().all(|k| b.fields.contains_key(k)) => {
                (b, &own, false)
            }
            _ if allow_missing || lang.tag == source.tag => (src_block, &src, true),
            _ => {
                errors.push(Diagnostic::error(lang.file_for(name).0, format!("block [{name}] is not (fully) translated"))
                    .with_hint("translate it, or build with --allow-missing to print the source text, marked"));
                continue;
            }
        };
        if fallback {
            fallbacks.push(name.clone());
        }
        let path = lang.file_for(name).0;
        let mut fields = Map::new();
        fields.insert("fallback".into(), Value::Bool(fallback));
        for (key, field) in &block.fields {
            let value = match field.get_ref() {
                Field::Text(s) if name == LABELS => Value::String(s.clone()),
                Field::List(items) if name == LABELS => {
                    json!(items.iter().map(|i| i.get_ref()).collect::<Vec<_>>())
                }
                Field::Text(s) => runs(s, topic, labels, path, &mut errors),
                Field::List(items) => Value::Array(
                    items
                        .iter()
                        .map(|i| runs(i.get_ref(), topic, labels, path, &mut errors))
                        .collect(),
                ),
            };
            fields.insert(key.clone(), value);
        }
        blocks.insert(name.clone(), Value::Object(fields));
    }

    let facts = &topic.facts;
    let hotlines: Vec<Value> = facts
        .hotlines
        .iter()
        .map(|h| {
            let (phone, url) = match &h.contact {
                Contact::Phone(p) => (facts.phones.get(p), None),
                Contact::Url(u) => (None, Some(u.as_str())),
            };
            json!({
                "id": h.id,
                "phone": phone.map(|p| &p.number),
                "toll-free": phone.is_some_and(|p| p.toll_free),
                "url": url,
                "rows": h.rows.iter().map(|(group, hours)| json!({
                    "languages": text::format_languages(facts, group, &own).unwrap_or_default(),
                    "hours": text::format_hours(facts, hours, &own),
                })).collect::<Vec<_>>(),
                "closed": h.closed.as_ref().and_then(|c| facts.closures.get(c)).map(|&(from, to)| {
                    text::format_closed(from, to, &own)
                }),
            })
        })
        .collect();

    let mut files = BTreeMap::new();
    let mut urls = Map::new();
    for (id, url) in &facts.urls {
        let path = format!("/qr/{id}.svg");
        match qr::svg(url) {
            Ok(svg) => {
                files.insert(path.clone(), svg.into_bytes());
            }
            Err(e) => errors.push(Diagnostic::error(&topic.facts_path, e)),
        }
        urls.insert(
            id.clone(),
            json!({ "url": url, "display": text::display_url(url), "qr": path }),
        );
    }

    let center = topic
        .center
        .as_ref()
        .map(|c| center_data(c, &own, &lang.tag, &mut files, &mut errors));

    if !errors.is_empty() {
        return Err(errors);
    }
    let edition = lang.edition.unwrap_or(Date {
        year: 1970,
        month: 1,
        day: 1,
    });
    let header = blocks.get(&format!("{template}-header"));
    let plain_field = |key: &str| {
        header
            .and_then(|h| h.get(key))
            .map(value_plain)
            .unwrap_or_default()
    };
    let title = plain_field("title");
    let author = topic
        .center
        .as_ref()
        .map(|c| crate::content::ruby::strip(&c.name_for(&lang.tag).0))
        .unwrap_or_default();
    let as_of = oldest_source(topic, template, source).map(|a| {
        own.label("as-of")
            .replace("{date}", &text::format_as_of(a, &own))
    });
    // The draft band prints while one printed block is unreviewed (a block missing, and
    // shown in the source language, is unreviewed too); a reviewed leaflet says instead,
    // small, when it was reviewed.
    let level = record::level(topic, template, lang);
    let draft = matches!(level, Level::Draft | Level::PartlyReviewed);
    let reviewed = (level == Level::Reviewed)
        .then(|| record::reviewed_on(topic, template, lang))
        .flatten()
        .map(|on| {
            own.label("reviewed-on")
                .replace("{date}", &text::format_date(on, &own))
        });
    // Where lines may break: Japanese terms whole, the words of unspaced scripts (breaks.rs).
    let breaks = Breaks::new(&lang.keep_together);
    let mut blocks = Value::Object(blocks);
    let mut hotlines = Value::Array(hotlines);
    breaks.mark(&mut blocks);
    breaks.mark(&mut hotlines);
    let mut center = center;
    if let Some(c) = center.as_mut() {
        breaks.mark(c);
    }
    let mut data = json!({
        "tag": lang.tag,
        "lang": stack.lang,
        "region": stack.region,
        "fonts": stack.families,
        "ja-fonts": fonts::JAPANESE,
        "keep-words": stack.keep_words,
        // Right to left (Urdu): typst mirrors text, lists, grids and the footer by the
        // language's direction; the templates keep screens, QR codes and pictograms as
        // they are, and numbers, addresses and Japanese terms in their own direction.
        "rtl": stack.rtl,
        // A language picker: every language of the topic, named in its own script.
        "languages": topic.langs.values().map(|l| json!({"tag": l.tag, "name": l.name})).collect::<Vec<_>>(),
        "title": title,
        "author": author,
        "keywords": [title, author, "マイナ保険証", "マイナンバーカード", "資格確認書", lang.name],
        "edition": breaks.words(&own.label("edition").replace("{date}", &text::format_date(edition, &own))),
        "draft": draft.then(|| breaks.words(own.label("draft"))),
        "reviewed": reviewed.map(|r| breaks.words(&r)),
        // When the oldest source of what the leaflet prints stated it ("as of July 2025").
        "as-of": as_of.map(|a| breaks.words(&a)),
        "center": center,
        "fallback-note": breaks.words(own.label("fallback")),
        "blocks": blocks,
        "hotlines": hotlines,
        "urls": urls,
        "phones": facts.phones.iter().map(|(id, p)| (id.clone(), json!({"number": p.number, "toll-free": p.toll_free}))).collect::<Map<_, _>>(),
        "emails": facts.emails,
        // Japanese terms and the card reader's screen texts, for the screens a template draws
        // (with their readings, for やさしい日本語).
        "terms": facts.terms.iter().map(|(id, t)| {
            let t = facts.term_ruby.get(id).filter(|_| own.furigana()).unwrap_or(t);
            (id.clone(), Value::String(t.clone()))
        }).collect::<Map<_, _>>(),
        // Readings are set as ruby above their kanji (｜漢字《かんじ》 in the text).
        "furigana": own.furigana(),
        "language-name": breaks.words(if own.furigana() { &lang.printed_name } else { &lang.name }),
    });
    // What the templates measure to space the lines by the ink of this leaflet's text.
    let printed = [
        "blocks",
        "hotlines",
        "terms",
        "urls",
        "phones",
        "emails",
        "edition",
        "draft",
        "reviewed",
        "as-of",
        "center",
        "fallback-note",
        "language-name",
    ];
    data["ink-sample"] = Value::String(fonts::ink_sample(printed.map(|k| &data[k])));
    Ok(Leaflet {
        topic: topic.id.clone(),
        template: template.to_owned(),
        lang: lang.tag.clone(),
        title,
        author,
        edition,
        fallbacks,
        data,
        files,
    })
}

/// The center as a template prints it, in the reader's language: its name (and whether it
/// fell back to Japanese with English), who runs it, its contacts, hours and languages, its
/// URLs with their QR codes (`/qr/center-<id>.svg`) and its logo (`/center/logo.svg`).
fn center_data(
    c: &Center,
    labels: &LangLabels,
    tag: &str,
    files: &mut BTreeMap<String, Vec<u8>>,
    errors: &mut Vec<Diagnostic>,
) -> Value {
    let (name, fallback) = c.name_for(tag);
    let printed = |kind: &str, id: &str| {
        !c.facts
            .not_printed
            .contains(&(kind.to_owned(), id.to_owned()))
    };
    let mut urls = Map::new();
    for (id, url) in c.facts.urls.iter().filter(|(id, _)| printed("url", id)) {
        let path = format!("/qr/center-{id}.svg");
        match qr::svg(url) {
            Ok(svg) => drop(files.insert(path.clone(), svg.into_bytes())),
            Err(e) => errors.push(Diagnostic::error(&c.path, e)),
        }
        urls.insert(
            id.clone(),
            json!({ "url": url, "display": text::display_url(url), "qr": path }),
        );
    }
    let logo = c.logo.as_ref().map(|svg| {
        files.insert("/center/logo.svg".into(), svg.clone());
        "/center/logo.svg"
    });
    let languages = (!c.languages.is_empty()).then(|| {
        let names: Vec<&str> = c
            .languages
            .iter()
            .map(|code| labels.language_name(code).unwrap_or(code))
            .collect();
        names.join(labels.label("list-separator"))
    });
    let phone = |id: &str| {
        c.facts
            .phones
            .get(id)
            .filter(|_| printed("phone", id))
            .map(|p| p.number.clone())
    };
    json!({
        "id": c.id,
        "name": name,
        // for the logo's alt text: without readings
        "name-plain": crate::content::ruby::strip(&name),
        // its Japanese name beside it, when that is not what the reader's name already is
        // (Japanese, やさしい日本語 without its readings, a name that fell back to Japanese)
        "name-ja": (!fallback && crate::content::ruby::strip(&name) != c.name).then_some(&c.name),
        "fallback": fallback,
        "operated-by": c.operated_by_for(tag),
        "address": c.address,
        "phone": phone("main"),
        "fax": phone("fax"),
        "email": c.facts.emails.get("main").filter(|_| printed("email", "main")),
        "hours": printed("hours", "consultation")
            .then(|| c.facts.hours.get("consultation").map(|_| text::format_hours(&c.facts, "consultation", labels)))
            .flatten(),
        "languages": languages,
        "urls": urls,
        "logo": logo,
        // "Questions? <center>: <phone>" in the reader's words (the guide's footer line)
        "ask": labels.label("ask-center").split_inclusive(['}']).fold(Vec::<Value>::new(), |mut runs, piece| {
            let (before, field) = piece.rsplit_once('{').unwrap_or((piece, ""));
            if !before.is_empty() {
                runs.push(json!({"k": "plain", "t": before}));
            }
            match field {
                "center}" => runs.push(json!({"k": "plain", "t": name})),
                "phone}" => runs.push(json!({"k": "phone", "t": phone("main").unwrap_or_default()})),
                "" => {}
                other => runs.push(json!({"k": "plain", "t": format!("{{{other}")})),
            }
            runs
        }),
    })
}

/// The oldest `as-of` among the facts a leaflet prints: those its text refers to (the
/// blocks of `template` in the source language, which every translation follows), the
/// hotlines, and the center's. What the leaflet says its facts are as of.
fn oldest_source<'a>(topic: &'a Topic, template: &str, source: &Lang) -> Option<&'a Dated> {
    let facts = &topic.facts;
    let mut dated: Vec<&Dated> = Vec::new();
    for (name, block) in &source.blocks {
        if !topic.prints(template, name) {
            continue;
        }
        for field in block.fields.values() {
            let strings: Vec<&str> = match field.get_ref() {
                Field::Text(s) => vec![s.as_str()],
                Field::List(items) => items.iter().map(|i| i.get_ref().as_str()).collect(),
            };
            for s in strings {
                for (kind, id) in text::placeholders(s) {
                    dated.extend(facts.as_of.get(&(kind.to_owned(), id.to_owned())));
                }
            }
        }
    }
    for h in &facts.hotlines {
        dated.extend(facts.as_of.get(&("hotline".to_owned(), h.id.clone())));
    }
    if let Some(c) = &topic.center {
        dated.extend(
            c.facts
                .as_of
                .iter()
                .filter(|(k, _)| !c.facts.not_printed.contains(k))
                .map(|(_, d)| d),
        );
    }
    dated.into_iter().min_by_key(|d| d.last_day)
}

fn runs(
    s: &str,
    topic: &Topic,
    labels: &dyn Labels,
    path: &std::path::Path,
    errors: &mut Vec<Diagnostic>,
) -> Value {
    match text::resolve(s, &topic.facts, labels) {
        Ok(r) => serde_json::to_value(r).unwrap_or(Value::Null),
        Err(es) => {
            errors.extend(es.into_iter().map(|e| Diagnostic::error(path, e.message)));
            Value::Null
        }
    }
}

/// The plain text of a runs value (for PDF metadata): without readings (furigana).
fn value_plain(v: &Value) -> String {
    let text: String = v
        .as_array()
        .map(|runs| {
            runs.iter()
                .filter_map(|r| r.get("t").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    crate::content::ruby::strip(&text)
}
