//! The languages the Ministry does not print (issue 21): Urdu set right to left with its
//! numbers whole, やさしい日本語 with a reading over every kanji, and `check` refusing a kanji
//! without one. (Pages, fonts, phone numbers, QR codes, overflow, broken words and
//! colliding lines of every language, the new ones too, are in leaflets.rs, scripts.rs and
//! ink.rs.)

mod common;

use common::*;
use typst::layout::{Frame, FrameItem};
use typst_layout::PagedDocument;

/// The pieces of text of a document that are drawn (not typst's zero-width duplicates).
fn items(doc: &PagedDocument) -> Vec<Placed> {
    laid_out(doc)
        .into_iter()
        .filter(|p| p.width > 0.0)
        .collect()
}

fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

fn is_kanji(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '々' | '〆' | 'ヶ')
}

/// Urdu runs right to left: in every piece of Urdu text on the pages, the glyph drawn
/// leftmost is the last of the text (the letters' order reversed on the page, as right to
/// left shaping does), while the numbers and Japanese terms inside the lines keep their
/// own direction. And the pages mirror: the hotline table's phone numbers, in the first
/// column, stand in the right half of the page.
#[test]
fn urdu_runs_right_to_left_and_its_pages_mirror() {
    fn walk(frame: &Frame, out: &mut Vec<(bool, bool)>) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(g) => walk(&g.frame, out),
                FrameItem::Text(t) if t.glyphs.len() > 1 => {
                    let arabic = t.text.chars().all(|c| is_arabic(c) || c.is_whitespace());
                    let latin = t.text.chars().all(|c| c.is_ascii_graphic());
                    let starts: Vec<u16> = t.glyphs.iter().map(|g| g.range.start).collect();
                    let backwards = starts.windows(2).all(|w| w[0] >= w[1]);
                    let forwards = starts.windows(2).all(|w| w[0] <= w[1]);
                    if arabic {
                        out.push((true, backwards));
                    } else if latin {
                        out.push((false, forwards));
                    }
                }
                _ => {}
            }
        }
    }
    for template in TEMPLATES {
        let r = render_in(template, "ur");
        let mut runs = Vec::new();
        r.document
            .pages()
            .iter()
            .for_each(|p| walk(&p.frame, &mut runs));
        let urdu: Vec<bool> = runs.iter().filter(|r| r.0).map(|r| r.1).collect();
        let latin: Vec<bool> = runs.iter().filter(|r| !r.0).map(|r| r.1).collect();
        assert!(
            urdu.len() > 200,
            "{template}-ur: {} runs of Urdu",
            urdu.len()
        );
        assert!(
            urdu.iter().all(|b| *b),
            "{template}-ur: {} of {} runs of Urdu are set left to right",
            urdu.iter().filter(|b| !**b).count(),
            urdu.len()
        );
        assert!(
            latin.len() > 20 && latin.iter().all(|b| *b),
            "{template}-ur: numbers and addresses left to right"
        );
        let all = items(&r.document);
        let width = r.document.pages()[0].frame.width().to_pt();
        for number in ["0120-0178-27", "0120-0178-26"] {
            let big = all
                .iter()
                .filter(|i| i.text == number)
                .max_by(|a, b| a.size.total_cmp(&b.size))
                .unwrap_or_else(|| panic!("{template}-ur: {number} not printed"));
            assert!(
                big.x > width / 2.0,
                "{template}-ur: the hotline {number} stands at {:.0} pt, in the left half",
                big.x
            );
        }
    }
}

/// Every phone number of the hotlines and the center is printed whole and left to right
/// (in a box of its own inside the right-to-left line): its digits in one piece of text, in
/// their order, never reversed or split by the Urdu around it.
#[test]
fn urdu_keeps_every_phone_number_whole_and_in_order() {
    let facts = &content().topics[0].facts;
    let mut numbers: Vec<String> = facts.phones.values().map(|p| p.number.clone()).collect();
    numbers.extend(["011-200-9595".to_owned(), "011-221-7845".to_owned()]);
    for template in TEMPLATES {
        let r = render_in(template, "ur");
        let texts: Vec<String> = items(&r.document).into_iter().map(|i| i.text).collect();
        for n in &numbers {
            if template == "guide" && n.starts_with("011-") {
                continue; // the guide prints the center's phone only (in its last box)
            }
            let whole = texts.iter().filter(|t| t.contains(n.as_str())).count();
            let reversed: String = n.chars().rev().collect();
            assert!(whole > 0, "{template}-ur: {n} is not printed in one piece");
            assert!(
                !texts.iter().any(|t| t.contains(&reversed)),
                "{template}-ur: {n} is printed reversed"
            );
        }
    }
}

/// In やさしい日本語 every kanji on every page has its reading above it: a piece of kana at
/// about half its size, just above its line, over it.
#[test]
fn every_kanji_of_easy_japanese_has_its_reading_above_it() {
    for template in TEMPLATES {
        let r = render_in(template, "ja-x-easy");
        let all = items(&r.document);
        let mut checked = 0;
        let mut missing = Vec::new();
        for base in all.iter().filter(|i| i.text.chars().any(is_kanji)) {
            checked += 1;
            if !all
                .iter()
                .any(|r| is_reading(r, std::slice::from_ref(base)))
            {
                missing.push(format!("page {}: {}", base.page + 1, base.text));
            }
        }
        assert!(checked > 100, "{template}: {checked} pieces with kanji");
        assert!(
            missing.is_empty(),
            "{template}-ja-x-easy: kanji without a reading: {missing:?}"
        );
    }
}

/// `check` refuses a kanji without a reading in an easy-Japanese file, where it is (the
/// character's line and column), and warns at a sentence over 30 characters.
#[test]
fn check_refuses_a_kanji_without_its_reading() {
    let p = Project::new();
    let file = "ja-x-easy.toml";
    // the labels' draft notice: ｜下書《したが》き → 下書き
    p.edit(file, "｜下書《したが》き", "下書き");
    let at = p.pos(file, "下書き", 0);
    let out = p.run(&["check"]);
    let err = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "{TOPIC}/{file}:{at}: error: `下` has no reading (furigana)"
        )),
        "{err}"
    );
    // a sentence of more than 30 characters, in a block
    let p = Project::new();
    let long = "これは とても ながい ぶんしょうで、もっと ながく なって、まだ おわりません。";
    let text = p.read(&format!("{TOPIC}/{file}"));
    let answer = text
        .lines()
        .find(|l| l.starts_with("answer = \""))
        .expect("an answer");
    p.edit(file, answer, &format!("answer = \"{long}\""));
    let at = p.pos(file, long, 0);
    let out = p.run(&["check"]);
    let err = stdout(&out);
    let warning = err
        .lines()
        .find(|l| l.contains(": warning: a sentence of "))
        .unwrap_or_else(|| panic!("no warning: {err}"));
    // (its column: the string's, counted from its opening quote)
    let (line, _) = at.split_once(':').unwrap();
    assert!(
        warning.starts_with(&format!("{TOPIC}/{file}:{line}:")),
        "{warning}"
    );
    let chars: usize = warning
        .split("a sentence of ")
        .nth(1)
        .and_then(|w| w.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(chars > 30, "{warning}");
    assert!(
        warning.ends_with(&long.replace(' ', "")) || warning.ends_with(long),
        "{warning}"
    );
}
