//! The review sheet: a bilingual A4 PDF for a native speaker who reviews with a pen. Per
//! block its id, the English and the translation as printed (facts resolved: phone
//! numbers, dates, the Japanese terms), a box to tick "correct" and room for a correction;
//! a first page that says, in the reviewer's language and in English, what to look for and
//! how to return the sheet (the `[review-sheet]` block of each language file).
//!
//! Laid out by `templates/review-sheet.typ` with the same engine, fonts and PDF standards
//! (PDF/A-2a and PDF/UA-1: tagged, with title and language) as the leaflets.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{ReviewBlock, as_printed, blocks};
use crate::content::lang::{Field, Lang};
use crate::content::text::Run;
use crate::content::validate::{LABELS, LANGUAGE_NAMES};
use crate::content::values::Date;
use crate::content::{REVIEW_SHEET, Topic};
use crate::diag::Diagnostic;
use crate::fonts;
use crate::leaflet::Leaflet;
use crate::render::Engine;

/// The template that lays the sheet out (`templates/review-sheet.typ`; not a leaflet: it
/// has no `leafpress: max-pages` line, so `build` never makes it one).
pub const TEMPLATE: &str = "review-sheet";

/// The sheet's data: a [`Leaflet`] of template [`TEMPLATE`], for the render engine.
pub fn build(topic: &Topic, lang: &Lang, templates: &[String]) -> Result<Leaflet, Vec<Diagnostic>> {
    let source = topic.source().ok_or_else(|| {
        vec![Diagnostic::error(
            &topic.facts_path,
            "the source language has no file",
        )]
    })?;
    let stack = |tag: &str| {
        fonts::stack_for(tag).ok_or_else(|| {
            vec![Diagnostic::error(
                &lang.path,
                format!("no font stack for language `{tag}`"),
            )]
        })
    };
    let own_stack = stack(&lang.tag)?;
    let en_stack = stack(&source.tag)?;
    let blocks: Vec<ReviewBlock> = blocks(topic, lang, templates, false);
    // The sheet's own words: the reviewer's language, and the source's (English).
    let words = |l: &Lang| -> Value {
        let mut m = Map::new();
        if let Some(b) = l.blocks.get(REVIEW_SHEET) {
            for (key, field) in &b.fields {
                let v = match field.get_ref() {
                    Field::Text(s) => runs(&as_printed(topic, l, REVIEW_SHEET, s)),
                    Field::List(items) => Value::Array(
                        items
                            .iter()
                            .map(|i| runs(&as_printed(topic, l, REVIEW_SHEET, i.get_ref())))
                            .collect(),
                    ),
                };
                m.insert(key.clone(), v);
            }
        }
        Value::Object(m)
    };
    let label = |l: &Lang, key: &str| word(l, source, LABELS, key);
    // "English" in the reviewer's language, from its [language-names].
    let english_own = word(lang, source, LANGUAGE_NAMES, &source.tag);
    let english_en = word(source, source, LANGUAGE_NAMES, &source.tag);
    let template_names: BTreeMap<&str, String> = topic
        .facts
        .templates
        .iter()
        .map(|t| {
            let title = |l: &Lang| {
                l.blocks
                    .get(&format!("{t}-header"))
                    .and_then(|b| b.fields.get("label"))
                    .and_then(|f| match f.get_ref() {
                        Field::Text(s) => Some(s.clone()),
                        Field::List(_) => None,
                    })
                    .unwrap_or_else(|| t.clone())
            };
            (t.as_str(), format!("{} / {}", title(lang), title(source)))
        })
        .collect();
    let block_data: Vec<Value> = blocks
        .iter()
        .map(|b| {
            let rows: Vec<Value> = b
                .units
                .iter()
                .map(|u| {
                    let key = match u.item {
                        Some((i, _)) => format!("{} {}", u.key, i + 1),
                        None => u.key.to_owned(),
                    };
                    json!({
                        "key": key,
                        "en": runs(&as_printed(topic, source, b.name, u.source)),
                        "tr": u.target.map(|t| runs(&as_printed(topic, lang, b.name, t))),
                    })
                })
                .collect();
            json!({
                "id": b.name,
                "where": b.templates.iter().map(|t| template_names.get(t).cloned().unwrap_or_default()).collect::<Vec<_>>(),
                "standing": b.standing(),
                "reviewed": b.record().is_some(),
                "rows": rows,
            })
        })
        .collect();
    let edition = lang.edition.unwrap_or(Date {
        year: 1970,
        month: 1,
        day: 1,
    });
    let en_words = words(source);
    // A word the language lacks is the English one (a block not yet translated).
    let mut own_words = en_words.clone();
    if let (Value::Object(all), Value::Object(mine)) = (&mut own_words, words(lang)) {
        all.extend(mine);
    }
    let plain_title = |w: &Value| {
        w.get("title")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(|x| x.get("t").and_then(Value::as_str))
                    .collect::<String>()
            })
            .unwrap_or_default()
    };
    let title = format!(
        "{}: {} ({}) · {}",
        plain_title(&own_words),
        lang.name,
        lang.tag,
        plain_title(&en_words)
    );
    // the reviewer's language spaced by the ink of what the sheet prints, as a leaflet is
    let ink_sample = fonts::ink_sample(std::iter::once(&own_words).chain(&block_data));
    let data = json!({
        "ink-sample": ink_sample,
        "tag": lang.tag,
        "lang": own_stack.lang,
        "region": own_stack.region,
        "fonts": own_stack.families,
        "en-lang": en_stack.lang,
        "en-fonts": en_stack.families,
        "ja-fonts": fonts::JAPANESE,
        "keep-words": own_stack.keep_words,
        "title": title,
        "topic": topic.id,
        "language-name": lang.name,
        "english-own": english_own,
        "english-en": english_en,
        "edition": edition.to_string(),
        "page": label(lang, "page"),
        "page-en": label(source, "page"),
        "own": own_words,
        "en": en_words,
        "blocks": block_data,
    });
    Ok(Leaflet {
        topic: topic.id.clone(),
        template: TEMPLATE.to_owned(),
        lang: lang.tag.clone(),
        title,
        author: "leafpress".to_owned(),
        edition,
        fallbacks: Vec::new(),
        data,
        files: BTreeMap::new(),
    })
}

/// A string of a language's block (the source's where the language has none).
fn word(lang: &Lang, source: &Lang, block: &str, key: &str) -> String {
    [lang, source]
        .iter()
        .find_map(|l| match l.blocks.get(block)?.fields.get(key)?.get_ref() {
            Field::Text(s) => Some(s.clone()),
            Field::List(_) => None,
        })
        .unwrap_or_default()
}

fn runs(r: &[Run]) -> Value {
    serde_json::to_value(r).unwrap_or(Value::Null)
}

/// A sheet laid out and exported.
pub struct Sheet {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub blocks: usize,
    pub document: typst_layout::PagedDocument,
}

/// Lays the sheet out and exports it as PDF (dated like the leaflets: the edition, or
/// `SOURCE_DATE_EPOCH`).
pub fn render(engine: &Engine, sheet: Leaflet) -> Result<Sheet, Vec<Diagnostic>> {
    let compiled = engine.compile(&sheet)?;
    let date = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .map_or(sheet.edition, Date::from_unix);
    let pdf = engine.pdf(&sheet, &compiled.document, date)?;
    let blocks = sheet.data["blocks"].as_array().map_or(0, Vec::len);
    Ok(Sheet {
        pdf,
        pages: compiled.document.pages().len(),
        blocks,
        document: compiled.document,
    })
}
