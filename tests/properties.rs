//! Properties over arbitrary input: any text placed in a content field goes through load,
//! validation and layout without a panic, and printable text is printed as itself (data,
//! never typst markup).

mod common;

use leafpress::content::{self, Field};
use proptest::prelude::*;

fn options(allow_missing: bool, strict: bool) -> content::validate::Options {
    let today = content::values::Date {
        year: 2026,
        month: 11,
        day: 21,
    };
    content::validate::Options {
        allow_missing,
        strict,
        ..content::validate::Options::on(today)
    }
}

/// Replaces the English answer with `text` and runs the whole pipeline in memory.
fn pipeline(text: &str) -> Result<String, String> {
    let mut topic = common::content().topics[0].clone();
    let lang = topic.langs.get_mut("en").unwrap();
    let field = lang
        .blocks
        .get_mut("faq-question")
        .unwrap()
        .fields
        .get_mut("answer")
        .unwrap();
    *field = toml::Spanned::new(field.span(), Field::Text(text.to_owned()));
    let opts = options(false, false);
    let diags = content::validate::topic(&topic, "", &opts);
    if diags.iter().any(|d| d.is_error()) {
        return Err(diags
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n"));
    }
    let r = leafpress::fit::render_one(common::engine(), &topic, "faq", &topic.langs["en"], false)
        .map_err(|e| {
            e.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        })?;
    assert!(r.pdf.starts_with(b"%PDF-"));
    Ok(common::all_text(&r.document))
}

/// The same text from a raw TOML file: bytes → parse → validate, never a panic.
fn parse_bytes(bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let topic = dir.path().join("t");
    std::fs::create_dir(&topic).unwrap();
    std::fs::copy(
        common::project().join("content/mynumber-health-insurance/facts.toml"),
        topic.join("facts.toml"),
    )
    .unwrap();
    std::fs::write(topic.join("en.toml"), bytes).unwrap();
    if let Ok(c) = content::load(dir.path()) {
        let opts = options(true, true);
        for t in &c.topics {
            let _ = content::validate::topic(t, "", &opts);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_unicode_never_crashes(text in "\\PC{0,80}|[\\x00-\\x1f\\u{200e}\\u{200f}\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}a-z#$*_~]{0,40}") {
        let _ = pipeline(&text);
    }

    #[test]
    fn markup_characters_print_as_themselves(text in "[a-zA-Z0-9#$*_~\\[\\]\\\\<>@=`'\"/:;{}()+-]{1,60}") {
        let printed = pipeline(&text).expect("printable ASCII always builds");
        let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        prop_assert!(squash(&printed).contains(&squash(&text)), "{text:?} not printed verbatim");
    }

    #[test]
    fn any_bytes_as_a_language_file_never_crash(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        parse_bytes(&bytes);
    }

    #[test]
    fn toml_like_text_never_crashes(text in "(\\[[a-z-]{1,8}\\]\n|[a-z-]{1,8} = (\"[^\"\\n]{0,20}\"|\\[\"[^\"\\n]{0,10}\"\\]|[0-9]{1,3}|\\{[a-z]=1\\})\n){0,12}") {
        parse_bytes(text.as_bytes());
    }
}
