//! Model stage, text for layout: where a line may break, written into the text itself so
//! that typst (and stock typst compiling an exported project) can break lines only there.
//!
//! - A Japanese official term (`{ja:…}`) is one unit: its characters are joined with
//!   U+2060 WORD JOINER, so it moves whole to the next line when it does not fit.
//! - Scripts written without spaces between words (Thai, Lao, Burmese, Khmer: Unicode line
//!   break class SA): typst breaks their lines where ICU's LSTM model guesses a word ends,
//!   and it guesses wrong on loanwords and compounds (`ကောင်|တာ` "counter", `ជនបរ|ទេស`
//!   "foreigner", `နံ|ဘာ`), leaving half a word on a line. ICU4X's dictionary segmenter
//!   knows those words but derails elsewhere, breaking inside syllables (`ผลก|า|รตร|วจสุ`
//!   for ผลการตรวจสุขภาพ, `អាចប|ង្ហា` for អាចបង្ហាញ). So leafpress takes the LSTM's word
//!   boundaries and drops those inside a dictionary word that begins or ends at one of
//!   them (where the two agree on where a word is, the dictionary's reading of it wins:
//!   ကောင်တာ, สอบถาม "to ask", ยินยอม "to consent"), then those inside the words of the
//!   language's `keep` list (`[line-breaks]` of its file: compounds both get wrong, e.g.
//!   ร้านขายยา "pharmacy", ရှိပါက "if there is"). Between two words it writes
//!   U+200B ZERO WIDTH SPACE (a break opportunity); between the syllables of a word, U+2060
//!   WORD JOINER (none). Inside a syllable nothing is written: a joiner there would split
//!   what the font shapes as one cluster.
//!
//! Both characters are default-ignorable: they have no glyph and no width.

use std::sync::LazyLock;

use icu_properties::CodePointMapData;
use icu_properties::props::{GeneralCategory, GeneralCategoryGroup, LineBreak};
use icu_segmenter::options::WordBreakInvariantOptions;
use icu_segmenter::{WordSegmenter, WordSegmenterBorrowed};
use serde_json::Value;

/// No line break here (U+2060 WORD JOINER).
pub const JOIN: char = '\u{2060}';
/// A line may break here (U+200B ZERO WIDTH SPACE).
pub const BREAK: char = '\u{200B}';

static LSTM: LazyLock<WordSegmenterBorrowed<'static>> =
    LazyLock::new(|| WordSegmenter::new_lstm(WordBreakInvariantOptions::default()));
static DICTIONARY: LazyLock<WordSegmenterBorrowed<'static>> =
    LazyLock::new(|| WordSegmenter::new_dictionary(WordBreakInvariantOptions::default()));

/// A letter or mark of a script written without spaces between words (line break class
/// SA: Thai, Lao, Burmese, Khmer, …); their digits and punctuation are not (they break by
/// the ordinary rules).
pub fn is_unspaced(c: char) -> bool {
    CodePointMapData::<LineBreak>::new().get(c) == LineBreak::ComplexContext
}

fn is_mark(c: char) -> bool {
    GeneralCategoryGroup::Mark.contains(CodePointMapData::<GeneralCategory>::new().get(c))
}

/// Whether a joiner or a break may stand between `a` and `b`, two characters of a word:
/// only between syllables. Not before a mark (a vowel sign, a tone mark, a medial, the
/// Thai and Lao AM, whose shaping reaches back over the tone mark), and not after a
/// virama or coeng (U+1039 Burmese, U+17D2 Khmer: the next consonant is stacked below),
/// nor next to a zero width joiner or non-joiner.
fn between_syllables(a: char, b: char) -> bool {
    const AFTER_NOT: [char; 4] = ['\u{1039}', '\u{17D2}', '\u{200C}', '\u{200D}'];
    const BEFORE_NOT: [char; 4] = ['\u{0E33}', '\u{0EB3}', '\u{200C}', '\u{200D}'];
    !is_mark(b) && !AFTER_NOT.contains(&a) && !BEFORE_NOT.contains(&b)
}

/// How leafpress marks line breaks in one language's text.
#[derive(Debug, Clone, Default)]
pub struct Breaks {
    /// Words and compounds never broken inside (the language's `[line-breaks] keep`).
    keep: Vec<String>,
}

impl Breaks {
    pub fn new(keep: &[String]) -> Breaks {
        Breaks {
            keep: keep.to_vec(),
        }
    }

    /// A Japanese term as one unit: its characters joined.
    pub fn term(&self, term: &str) -> String {
        let mut out = String::with_capacity(term.len() * 2);
        for (i, c) in term.chars().enumerate() {
            if i > 0 {
                out.push(JOIN);
            }
            out.push(c);
        }
        out
    }

    /// `text` with its words of unspaced scripts marked: a break between two words, a
    /// joiner between the syllables of one. Other text is returned as it is.
    pub fn words(&self, text: &str) -> String {
        if !text.chars().any(is_unspaced) {
            return text.to_owned();
        }
        let breaks = self.word_breaks(text);
        let mut out = String::with_capacity(text.len() * 2);
        let mut prev: Option<char> = None;
        for (i, c) in text.char_indices() {
            if let Some(p) = prev
                && is_unspaced(p)
                && is_unspaced(c)
                && between_syllables(p, c)
            {
                out.push(if breaks.binary_search(&i).is_ok() {
                    BREAK
                } else {
                    JOIN
                });
            }
            out.push(c);
            prev = Some(c);
        }
        out
    }

    /// The byte offsets of `text` where one word ends and the next begins (sorted).
    fn word_breaks(&self, text: &str) -> Vec<usize> {
        // The segmenters see only the unspaced scripts: every other character (a Japanese
        // name in a Burmese sentence, which the LSTM has no model for) as spaces of its
        // length, so that the offsets are those of `text`.
        let masked: String = text
            .chars()
            .map(|c| {
                if is_unspaced(c) {
                    c.to_string()
                } else {
                    " ".repeat(c.len_utf8())
                }
            })
            .collect();
        let mut breaks: Vec<usize> = LSTM.segment_str(&masked).collect();
        // Where the dictionary's word begins or ends where the LSTM also found a word
        // boundary, nothing inside it is a word end. (Where the dictionary derails, its
        // pieces hardly ever meet the LSTM's boundaries, and the LSTM's words stand.)
        let dictionary: Vec<usize> = DICTIONARY.segment_str(&masked).collect();
        let lstm = breaks.clone();
        for w in dictionary.windows(2) {
            let (start, end) = (w[0], w[1]);
            if lstm.binary_search(&start).is_ok() || lstm.binary_search(&end).is_ok() {
                breaks.retain(|&b| b <= start || b >= end);
            }
        }
        for keep in self.keep.iter().filter(|k| !k.is_empty()) {
            for (start, _) in text.match_indices(keep.as_str()) {
                let end = start + keep.len();
                breaks.retain(|&b| b <= start || b >= end);
            }
        }
        breaks
    }

    /// Marks every text of a leaflet's data: `{"k": "term"}` runs joined whole, every
    /// other string's words marked.
    pub fn mark(&self, value: &mut Value) {
        match value {
            Value::String(s) => *s = self.words(s),
            Value::Array(items) => {
                items.iter_mut().for_each(|v| self.mark(v));
                // A line may break before the bracket that opens a term, wherever the rules
                // of the text around it would glue the two ("“Mynaportal”（マイナポータル）"):
                // the term moves to the next line with its brackets.
                for i in 1..items.len() {
                    if items[i].get("k").and_then(Value::as_str) != Some("term") {
                        continue;
                    }
                    if let Some(Value::String(before)) = items[i - 1].get_mut("t")
                        && let Some(open) = before.pop()
                    {
                        let glued = before
                            .chars()
                            .next_back()
                            .is_some_and(|c| !c.is_whitespace());
                        if glued && matches!(open, '(' | '（') {
                            before.push(BREAK);
                        }
                        before.push(open);
                    }
                }
            }
            Value::Object(map) if map.get("k").and_then(Value::as_str) == Some("term") => {
                if let Some(Value::String(t)) = map.get_mut("t") {
                    *t = self.term(t);
                }
            }
            Value::Object(map) => map.values_mut().for_each(|v| self.mark(v)),
            _ => {}
        }
    }
}

/// `text` without the marks of [`Breaks`] (as a reader copies it).
pub fn unmarked(text: &str) -> String {
    text.chars().filter(|c| *c != JOIN && *c != BREAK).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of a marked text, breaks shown as `|`, joiners dropped.
    fn words(keep: &[&str], text: &str) -> String {
        let keep: Vec<String> = keep.iter().map(|s| s.to_string()).collect();
        Breaks::new(&keep)
            .words(text)
            .replace(BREAK, "|")
            .replace(JOIN, "")
    }

    #[test]
    fn text_of_other_scripts_in_an_unspaced_sentence_is_left_alone() {
        // a Japanese name in a Burmese sentence: no complaint from the segmenter, and the
        // Burmese words are marked as in a sentence of their own
        let b = Breaks::new(&[]);
        let mixed = b.words("ကောင်တာ サンプル市 ကောင်တာ");
        assert!(mixed.contains(" サンプル市 "), "{mixed}");
        assert_eq!(mixed.split(' ').next(), b.words("ကောင်တာ").split(' ').next());
    }

    #[test]
    fn a_term_is_joined_whole() {
        assert_eq!(
            Breaks::default().term("マイナ保険証"),
            "マ\u{2060}イ\u{2060}ナ\u{2060}保\u{2060}険\u{2060}証"
        );
        assert_eq!(
            unmarked(&Breaks::default().term("資格確認書")),
            "資格確認書"
        );
    }

    #[test]
    fn other_scripts_are_left_as_they_are() {
        let b = Breaks::default();
        for s in [
            "Health insurance (資格確認書)",
            "Thẻ bảo hiểm",
            "건강보험증",
            "स्वास्थ्य बीमा",
        ] {
            assert_eq!(b.words(s), s);
        }
    }

    #[test]
    fn where_the_lstm_and_the_dictionary_agree_on_a_word_it_stays_whole() {
        // The LSTM alone breaks ကောင်|တာ ("counter") and ជន|បរទេស ("foreigner").
        assert!(words(&[], "ဆေးဆိုင်၏ ကောင်တာရှိ").contains("ကောင်တာ"));
        assert!(words(&[], "សម្រាប់ជនបរទេសរស់នៅ").contains("ជនបរទេស"));
        assert_eq!(words(&[], "กรุณาสอบถาม"), "กรุณา|สอบถาม");
        assert!(!words(&[], "ท่านยินยอม").contains("ยิน|ยอม"));
        // Where the dictionary derails (ผลก|า|รตร|วจสุ|ขภ|า|พ), the LSTM's words stand.
        assert_eq!(words(&[], "ผลการตรวจสุขภาพ"), "ผลการ|ตรวจ|สุขภาพ");
    }

    #[test]
    fn the_keep_list_holds_compounds_together() {
        assert_eq!(words(&[], "ร้านขายยา"), "ร้าน|ขาย|ยา");
        assert_eq!(words(&["ร้านขายยา"], "หรือร้านขายยา"), "หรือ|ร้านขายยา");
        assert_eq!(words(&["ရှိပါက"], "ရှိပါက"), "ရှိပါက");
    }

    #[test]
    fn nothing_is_written_inside_a_syllable() {
        // Joiners go between syllables only: never before a mark (the AA and E of
        // ကောင်), never after a coeng or virama (the stacked consonants of ស្ត្រី, ကမ္ဘာ).
        for s in ["ကောင်တာ", "ស្ត្រី", "ကမ္ဘာ", "น้ำ", "ក្រុមហ៊ុន"]
        {
            let marked = Breaks::default().words(s);
            let chars: Vec<char> = marked.chars().collect();
            for (i, c) in chars.iter().enumerate() {
                if *c == JOIN || *c == BREAK {
                    assert!(
                        between_syllables(chars[i - 1], chars[i + 1]),
                        "{s}: {marked:?}"
                    );
                }
            }
            assert_eq!(unmarked(&marked), s);
        }
        assert_eq!(Breaks::default().words("ကောင်").replace(JOIN, "·"), "ကော·င်");
    }

    #[test]
    fn a_line_may_break_before_the_bracket_of_a_term() {
        let mut v = serde_json::json!([
            {"k": "plain", "t": "网上服务“Mynaportal”（"}, {"k": "term", "t": "マイナポータル"},
            {"k": "plain", "t": "）开通 ("}, {"k": "term", "t": "資格確認書"},
        ]);
        Breaks::default().mark(&mut v);
        assert_eq!(v[0]["t"], "网上服务“Mynaportal”\u{200B}（");
        assert_eq!(v[2]["t"], "）开通 (");
    }

    #[test]
    fn terms_and_strings_of_data_are_marked() {
        let mut v = serde_json::json!({
            "a": [{"k": "plain", "t": "ร้านขายยา "}, {"k": "term", "t": "資格確認書"}],
            "label": "ร้านขายยา",
        });
        Breaks::new(&["ร้านขายยา".to_owned()]).mark(&mut v);
        let plain = v["a"][0]["t"].as_str().unwrap();
        assert_eq!(unmarked(plain), "ร้านขายยา ");
        assert!(!plain.contains(BREAK) && plain.contains(JOIN), "{plain:?}");
        assert_eq!(v["a"][1]["t"], "資\u{2060}格\u{2060}確\u{2060}認\u{2060}書");
        assert_eq!(v["label"], plain.trim_end());
    }
}
