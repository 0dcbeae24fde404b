//! Scripts written without spaces between words (Thai, Burmese, Khmer) must break lines at
//! the word boundaries leafpress marked (`breaks`: U+200B between words, U+2060 between
//! the syllables of a word) and never inside a cluster; every language's text must be
//! covered by its fonts; long words must not overflow their boxes.

mod common;

use common::*;
use leafpress::breaks::{BREAK, JOIN};

/// Combining marks of Thai, Myanmar and Khmer: a line may never start with one.
fn is_combining(c: char) -> bool {
    matches!(c,
        '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}'
        | '\u{102B}'..='\u{103E}' | '\u{1056}'..='\u{1059}' | '\u{105E}'..='\u{1060}'
        | '\u{1062}'..='\u{1064}' | '\u{1067}'..='\u{106D}' | '\u{1071}'..='\u{1074}'
        | '\u{1082}'..='\u{108D}' | '\u{108F}' | '\u{109A}'..='\u{109D}'
        | '\u{17B4}'..='\u{17D3}' | '\u{17DD}')
}

/// Every string of a leaflet's data, as printed (runs joined).
fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items)
            if !items.is_empty() && items.iter().all(|i| i.get("t").is_some()) =>
        {
            out.push(items.iter().filter_map(|i| i["t"].as_str()).collect());
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
        serde_json::Value::Object(m) => m.values().for_each(|i| strings(i, out)),
        _ => {}
    }
}

/// A text of the data as printed, without leafpress's marks, and where in it a line may
/// break between two words (where a U+200B was).
fn unmark(marked: &str) -> (String, Vec<usize>) {
    let (mut text, mut breaks) = (String::new(), Vec::new());
    for c in marked.chars() {
        match c {
            BREAK => breaks.push(text.len()),
            JOIN => {}
            c => text.push(c),
        }
    }
    (text, breaks)
}

/// Lines whose break falls inside a word or a cluster: (line, why).
fn bad_breaks(template: &str, tag: &str, in_script: fn(char) -> bool) -> (usize, Vec<String>) {
    let r = render_in(template, tag);
    let mut marked = Vec::new();
    strings(&r.leaflet.data, &mut marked);
    let texts: Vec<(String, Vec<usize>)> = marked.iter().map(|t| unmark(t)).collect();
    let mut checked = 0;
    let mut bad = Vec::new();
    for line in lines(&r.document) {
        for seg in line.split(" | ") {
            let seg = seg.trim_end();
            if let Some(first) = seg.chars().next().filter(|c| is_combining(*c)) {
                bad.push(format!(
                    "line starts with combining U+{:04X}: {seg}",
                    first as u32
                ));
            }
            // Where does this line end in its source string? The break must be a word
            // boundary there (or a space).
            if !seg.chars().last().is_some_and(in_script) {
                continue;
            }
            // The line may occur in several strings (short lines): the break is fine if it
            // falls on a word boundary (or a space) in any of them.
            let ends: Vec<(&String, &Vec<usize>, usize)> = texts
                .iter()
                .flat_map(|(t, breaks)| {
                    t.match_indices(seg)
                        .map(move |(i, _)| (t, breaks, i + seg.len()))
                })
                .collect();
            if ends.is_empty() {
                continue;
            }
            checked += 1;
            let at_boundary = |(text, breaks, at): &(&String, &Vec<usize>, usize)| {
                *at >= text.len()
                    || text[*at..].starts_with(char::is_whitespace)
                    || breaks.contains(at)
            };
            if !ends.iter().any(at_boundary) {
                let (text, _, at) = ends[0];
                let before: String = seg
                    .chars()
                    .rev()
                    .take(8)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                let after: String = text[at..].chars().take(8).collect();
                bad.push(format!(
                    "break inside a word: …{before}|{after}…  (line: {seg})"
                ));
            }
        }
    }
    (checked, bad)
}

#[test]
fn thai_burmese_and_khmer_break_at_word_boundaries_only() {
    type InScript = fn(char) -> bool;
    let scripts: [(&str, InScript); 3] = [
        ("th", |c| ('\u{0E00}'..='\u{0E7F}').contains(&c)),
        ("my", |c| ('\u{1000}'..='\u{109F}').contains(&c)),
        ("km", |c| ('\u{1780}'..='\u{17FF}').contains(&c)),
    ];
    for template in TEMPLATES {
        for (tag, in_script) in scripts {
            let (checked, bad) = bad_breaks(template, tag, in_script);
            assert!(
                checked >= 5,
                "{template}-{tag}: only {checked} line breaks inside running text were checked"
            );
            assert!(bad.is_empty(), "{template}-{tag}:\n{}", bad.join("\n"));
        }
    }
}

#[test]
fn words_the_segmenters_split_are_never_broken() {
    // ร้านขาย|ยา left ยา alone on a line (th, keep list), ကောင်|တာ "counter" broke inside
    // the loanword (my, the dictionary), ရှိပါ|က "if there is" (my, keep list).
    for (tag, word) in [("th", "ร้านขายยา"), ("my", "ကောင်တာ"), ("my", "ရှိပါက")]
    {
        let mut found = 0;
        for template in TEMPLATES {
            let r = render_in(template, tag);
            let mut texts = Vec::new();
            strings(&r.leaflet.data, &mut texts);
            for t in &texts {
                // The text without the marks, and where each of its characters is in `t`.
                let chars: Vec<(usize, char)> = t
                    .char_indices()
                    .filter(|(_, c)| *c != BREAK && *c != JOIN)
                    .collect();
                let plain: String = chars.iter().map(|(_, c)| c).collect();
                for (at, _) in plain.match_indices(word) {
                    found += 1;
                    let first = plain[..at].chars().count();
                    let (start, end) = (chars[first].0, chars[first + word.chars().count() - 1].0);
                    assert!(
                        !t[start..end].contains(BREAK),
                        "{template}-{tag}: a line may break inside {word}: {:?}",
                        &t[start..end]
                    );
                }
            }
        }
        assert!(found > 0, "{tag}: {word} is not in the leaflets any more");
    }
}

#[test]
fn every_language_is_covered_by_its_fonts() {
    let topic = &content().topics[0];
    let fonts = leafpress::fonts::FontSet::load(&project().join("fonts")).unwrap();
    let diags = leafpress::glyphs::check(topic, &fonts, |_| true);
    assert!(
        diags.is_empty(),
        "{}",
        diags
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    // And the glyphs actually used come from the language's own fonts (no silent fallback):
    // each leaflet embeds its script's font.
    for (tag, family) in [
        ("th", "NotoSansThai"),
        ("my", "NotoSansMyanmar"),
        ("km", "NotoSansKhmer"),
        ("ne", "NotoSansDevanagari"),
        ("ja", "NotoSansCJKjp"),
        ("zh-Hans", "NotoSansCJKsc"),
        ("zh-Hant", "NotoSansCJKtc"),
        ("ko", "NotoSansCJKkr"),
        ("vi", "NotoSans-"),
    ] {
        let pdf = String::from_utf8_lossy(&render(tag).pdf).into_owned();
        assert!(pdf.contains(family), "{tag}: {family} is not embedded");
    }
}

#[test]
fn nothing_overflows_the_page_width() {
    // A4 is 595.28 pt wide, the margins 12 mm (34.02 pt) each side.
    let right_edge = 595.28 - 34.02 + 0.5;
    for (template, tag) in TEMPLATES
        .iter()
        .flat_map(|t| languages().into_iter().map(move |l| (t, l)))
    {
        let r = render_in(template, &tag);
        for p in placed_text(&r.document) {
            assert!(
                p.x + p.width <= right_edge,
                "{template}-{tag}: text runs past the right margin: {:?} ends at {:.1} pt",
                p.text,
                p.x + p.width
            );
        }
    }
}
