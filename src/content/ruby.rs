//! Furigana for やさしい日本語 (easy Japanese): the reading of kanji, written in the content
//! in the Aozora Bunko notation Japanese writers know: `｜漢字《かんじ》` (a full-width
//! vertical bar before the base, the reading in double angle brackets after it), or, as in
//! Aozora Bunko, `漢字《かんじ》` without the bar when the base is the run of kanji right
//! before the reading. The templates set the reading above its base (ruby); `check` refuses
//! a kanji without one in an easy-Japanese file.

/// The tag of the easy-Japanese language (BCP 47 has no subtag for it: a private use one).
pub const EASY_JAPANESE: &str = "ja-x-easy";

const BAR: char = '｜';
const OPEN: char = '《';
const CLOSE: char = '》';

/// A kanji (a CJK ideograph, or the iteration and abbreviation marks 々 〆 ヶ that stand
/// for one): what needs a reading.
pub fn is_kanji(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}' | '々' | '〆' | 'ヶ')
}

/// A piece of a text: as written, or a base with its reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    /// (byte offset of the base in the text, base, reading)
    Ruby(usize, &'a str, &'a str),
}

/// The pieces of `s`. Markup that is not complete (`《` with no `》`) is text.
pub fn pieces(s: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = 0; // start of text not yet output
    let mut search = 0;
    while let Some(open) = s[search..].find(OPEN).map(|i| i + search) {
        let Some(close) = s[open..].find(CLOSE).map(|i| i + open) else {
            break;
        };
        let reading = &s[open + OPEN.len_utf8()..close];
        // the base: after a bar (the last one before the reading, not before `rest`), or
        // the kanji right before the reading
        let bar = s[rest..open].rfind(BAR).map(|i| i + rest);
        let start = match bar {
            Some(b) => b,
            None => {
                let before = &s[rest..open];
                let kanji_start = before
                    .char_indices()
                    .rev()
                    .take_while(|(_, c)| is_kanji(*c))
                    .last()
                    .map(|(i, _)| i + rest);
                match kanji_start {
                    Some(k) => k,
                    None => {
                        search = open + OPEN.len_utf8();
                        continue;
                    }
                }
            }
        };
        let base_start = if bar.is_some() {
            start + BAR.len_utf8()
        } else {
            start
        };
        let base = &s[base_start..open];
        if base.is_empty() || reading.is_empty() || reading.contains([OPEN, BAR]) {
            search = open + OPEN.len_utf8();
            continue;
        }
        if start > rest {
            out.push(Piece::Text(&s[rest..start]));
        }
        out.push(Piece::Ruby(base_start, base, reading));
        rest = close + CLOSE.len_utf8();
        search = rest;
    }
    if rest < s.len() {
        out.push(Piece::Text(&s[rest..]));
    }
    out
}

/// `s` as read without its readings (the bases only): what the text says, for a PDF's
/// metadata, a comparison, a length.
pub fn strip(s: &str) -> String {
    pieces(s)
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => t,
            Piece::Ruby(_, base, _) => base,
        })
        .collect()
}

/// The first kanji of `s` outside every ruby base: (byte offset, the kanji).
pub fn unread_kanji(s: &str) -> Option<(usize, char)> {
    let mut offset = 0;
    for p in pieces(s) {
        match p {
            Piece::Text(t) => {
                if let Some((i, c)) = t.char_indices().find(|(_, c)| is_kanji(*c)) {
                    return Some((offset + i, c));
                }
                offset += t.len();
            }
            Piece::Ruby(at, base, reading) => {
                // `at` is where the base starts; the piece ends after the reading
                offset = at + base.len() + OPEN.len_utf8() + reading.len() + CLOSE.len_utf8();
            }
        }
    }
    None
}

/// The sentences of a text (split after 。！？ and at line breaks), without readings and
/// spaces (分かち書き does not count), with their character counts.
pub fn sentences(s: &str) -> Vec<(String, usize)> {
    let plain = strip(s);
    let mut out = Vec::new();
    let mut current = String::new();
    for c in plain.chars() {
        if c == '\n' {
            out.push(std::mem::take(&mut current));
            continue;
        }
        if !c.is_whitespace() {
            current.push(c);
        }
        if matches!(c, '。' | '！' | '？' | '!' | '?') {
            out.push(std::mem::take(&mut current));
        }
    }
    out.push(current);
    out.into_iter()
        .filter(|s| !s.is_empty())
        .map(|s| {
            let n = s.chars().count();
            (s, n)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_in_both_notations() {
        assert_eq!(
            pieces("｜保険《ほけん》の カード"),
            vec![Piece::Ruby(3, "保険", "ほけん"), Piece::Text("の カード")]
        );
        assert_eq!(
            pieces("この病院《びょういん》で"),
            vec![
                Piece::Text("この"),
                Piece::Ruby(6, "病院", "びょういん"),
                Piece::Text("で")
            ]
        );
        assert_eq!(
            strip("｜資格確認書《しかくかくにんしょ》を"),
            "資格確認書を"
        );
        // incomplete markup is text
        assert_eq!(pieces("《ない"), vec![Piece::Text("《ない")]);
    }

    #[test]
    fn a_kanji_without_a_reading_is_found() {
        assert_eq!(unread_kanji("｜保険《ほけん》 カード"), None);
        assert_eq!(unread_kanji("｜保険《ほけん》の 証"), Some((28, '証')));
        assert_eq!(unread_kanji("すべて ひらがな"), None);
        assert_eq!(unread_kanji("毎日"), Some((0, '毎')));
    }

    #[test]
    fn sentences_are_counted_without_readings_and_spaces() {
        let s = sentences("｜病院《びょういん》に 行きます。 カードを 見せます。");
        assert_eq!(s[0], ("病院に行きます。".to_owned(), 8));
        assert_eq!(s[1], ("カードを見せます。".to_owned(), 9));
    }
}
