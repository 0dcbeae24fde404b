//! Broken content gets an exact, actionable message (file:line:col, what is wrong, a hint),
//! a non-zero exit, and never a wrong or half-written PDF. Each case edits a copy of the
//! shipped content and runs the real binary.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{Project, TOPIC, check_says, copy_dir, stderr, stdout};

use proptest::prelude::*;

#[test]
fn shipped_content_checks_clean() {
    let out = Project::new().run(&["check", "--today", "2026-11-21", "--strict"]);
    assert_eq!(
        stdout(&out),
        "0 error(s), 0 warning(s)\n",
        "{}",
        stderr(&out)
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn toml_syntax_error() {
    let p = Project::new();
    p.edit("en.toml", "label = \"FAQ\"", "label = \"FAQ");
    check_says(
        &p,
        &format!(
            "content/mynumber-health-insurance/en.toml:{}: error: invalid basic string, expected `\"`\n",
            p.pos("en.toml", "label = \"FAQ", 12)
        ),
    );
}

#[test]
fn unknown_key_suggests_the_right_one() {
    let p = Project::new();
    p.edit(
        "ja.toml",
        "title = \"マイナンバーカードを健康保険証として使うには\"",
        "titel = \"マイナンバーカードを健康保険証として使うには\"",
    );
    check_says(
        &p,
        &format!("content/mynumber-health-insurance/ja.toml:{}: error: `faq-header.title` is not translated
  hint: translate it from content/mynumber-health-insurance/en.toml, or build with --allow-missing to show the en text, marked
content/mynumber-health-insurance/ja.toml:{}: error: unknown key `titel` in [faq-header]
  hint: did you mean `title`?", p.pos("ja.toml", "[faq-header]", 0), p.pos("ja.toml", "titel = ", 8)),
    );
}

#[test]
fn a_fact_nothing_prints_is_reported_until_one_language_uses_it() {
    let p = Project::new();
    p.edit(
        "facts.toml",
        "card-japanese = { number = \"0570-783-578\"",
        "spare = { number = \"011-200-9596\", toll-free = false, source = \"a test\" }\ncard-japanese = { number = \"0570-783-578\"",
    );
    let out = p.run(&["check", "--today", "2026-11-21"]);
    assert_eq!(
        stdout(&out),
        format!("content/mynumber-health-insurance/facts.toml:{}: warning: fact `phones.spare` is not used by any language or template
  hint: use it with {{phone:spare}}, or remove it if it is no longer needed
0 error(s), 1 warning(s)
", p.pos("facts.toml", "spare = ", 0)),
        "{}",
        stderr(&out)
    );
    assert_eq!(out.status.code(), Some(0));
    // a placeholder in one string of one language is a use
    p.edit(
        "vi.toml",
        "heading = \"Quý vị có biết?\"",
        "heading = \"Quý vị có biết? {phone:spare}\"",
    );
    let out = p.run(&["check", "--today", "2026-11-21"]);
    assert_eq!(
        stdout(&out),
        "0 error(s), 0 warning(s)\n",
        "{}",
        stderr(&out)
    );
}

#[test]
fn unknown_fact_id_in_a_placeholder() {
    let p = Project::new();
    p.edit("vi.toml", "{phone:card-fallback}", "{phone:card-fallbak}");
    check_says(
        &p,
        &format!("content/mynumber-health-insurance/vi.toml:{}: error: unknown phone id `card-fallbak` in `{{phone:card-fallbak}}`
  hint: did you mean `{{phone:card-fallback}}`?", p.pos("vi.toml", "{phone:card-fallbak}", 0)),
    );
}

#[test]
fn malformed_phone_number_is_reported_once() {
    let p = Project::new();
    p.edit(
        "facts.toml",
        "number = \"0570-783-578\"",
        "number = \"0570 783 578\"",
    );
    check_says(
        &p,
        &format!("content/mynumber-health-insurance/facts.toml:{}: error: `0570 783 578` is not a Japanese phone number
  hint: write it with hyphens, e.g. 0120-0178-27, 0570-064-738, 050-3818-1250 or 011-200-9595", p.pos("facts.toml", "\"0570 783 578\"", 0)),
    );
}

#[test]
fn url_that_is_not_https() {
    let p = Project::new();
    p.edit(
        "facts.toml",
        "\"https://myna.go.jp/\"",
        "\"http://myna.go.jp/\"",
    );
    check_says(
        &p,
        &format!("content/mynumber-health-insurance/facts.toml:{}: error: `http://myna.go.jp/` is not an absolute https URL
  hint: write the full address, starting with https://", p.pos("facts.toml", "\"http://myna.go.jp/\"", 0)),
    );
}

#[test]
fn hours_that_end_before_they_start() {
    let p = Project::new();
    p.edit(
        "facts.toml",
        "from = \"09:00\", to = \"18:00\"",
        "from = \"19:00\", to = \"18:00\"",
    );
    let out = p.run(&["check", "--today", "2026-11-21"]);
    let text = stdout(&out);
    let at = p.pos("facts.toml", "to = \"18:00\"", 5);
    assert!(
        text.starts_with(&format!("content/mynumber-health-insurance/facts.toml:{at}: error: the end `18:00` is not after the start `19:00`\n")),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn character_no_font_has() {
    let p = Project::new();
    p.edit("th.toml", "ถาม", "ถาม𓀀");
    let out = p.run(&["check", "--today", "2026-11-21"]);
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.contains("U+13000"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.starts_with("content/mynumber-health-insurance/th.toml:"),
        "{line}"
    );
    assert!(
        line.ends_with(": error: U+13000 '𓀀' is not in any font for th"),
        "{line}"
    );
    assert_eq!(out.status.code(), Some(1));
    // build refuses to print it, and still prints every other language
    let out = p.run(&["build", "--out", "out"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!p.path("out/mynumber-health-insurance-faq-th.pdf").exists());
    assert!(p.path("out/mynumber-health-insurance-faq-en.pdf").exists());
    assert!(
        stderr(&out).contains(&all_but_one_language()),
        "{}",
        stderr(&out)
    );
}

#[test]
fn statement_past_its_date_warns_then_fails_under_strict() {
    let p = Project::new();
    p.edit(
        "en.toml",
        "[faq-lead]\n",
        "[faq-lead]\nuntil = \"expired-cards-accepted-until\"\n",
    );
    let expected = "content/mynumber-health-insurance/en.toml:AT: {}: [faq-lead] is true only until 2026-03-31 (`expired-cards-accepted-until`), which has passed (today is 2026-11-21)\n  hint: update or remove the statement, then the `until` key\n"
        .replace("AT", &p.pos("en.toml", "\"expired-cards-accepted-until\"", 0));
    let out = p.run(&["check", "--today", "2026-11-21"]);
    assert_eq!(
        stdout(&out),
        expected.replace("{}", "warning") + "0 error(s), 1 warning(s)\n"
    );
    assert_eq!(out.status.code(), Some(0));
    let out = p.run(&["check", "--today", "2026-11-21", "--strict"]);
    assert_eq!(
        stdout(&out),
        expected.replace("{}", "error") + "1 error(s), 0 warning(s)\n"
    );
    assert_eq!(out.status.code(), Some(1));
    let out = p.run(&["check", "--today", "2026-03-31", "--strict"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn missing_block_fails_that_language_unless_allowed() {
    let p = Project::new();
    let vi = p.path(&format!("{TOPIC}/vi.toml"));
    let text = fs::read_to_string(&vi).unwrap();
    let start = text.find("[faq-did-you-know]").unwrap();
    let end = start + text[start..].find("\n[faq-footer]").unwrap();
    fs::write(&vi, format!("{}{}", &text[..start], &text[end + 1..])).unwrap();

    let out = p.run(&["build", "--out", "out", "--lang", "vi", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("content/mynumber-health-insurance/vi.toml: error: block [faq-did-you-know] is not translated"), "{}", stderr(&out));
    assert!(!p.path("out/mynumber-health-insurance-faq-vi.pdf").exists());
    assert!(p.path("out/mynumber-health-insurance-faq-en.pdf").exists());

    let out = p.run(&["build", "--out", "out", "--lang", "vi", "--allow-missing"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: block [faq-did-you-know] is not translated"),
        "{}",
        stderr(&out)
    );
    assert!(p.path("out/mynumber-health-insurance-faq-vi.pdf").exists());

    let status = p.run(&["status", "--fail-under", "100"]);
    assert_eq!(status.status.code(), Some(1));
    assert!(stdout(&status).contains("vi           17 / 18        1         0      94%    0 / 18  draft\n          missing:  [faq-did-you-know]\n"), "{}", stdout(&status));
}

#[test]
fn changed_source_text_marks_translations_outdated() {
    let p = Project::new();
    let clean = p.run(&["status", "--fail-outdated"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    p.edit(
        "en.toml",
        "heading = \"Did you know?\"",
        "heading = \"Good to know\"",
    );
    let out = p.run(&["status", "--fail-outdated"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("ja           18 / 18        0         1      94%    0 / 18  draft\n          outdated: [faq-did-you-know]\n"), "{text}");
    assert!(stderr(&out).contains("error: ja (faq) has 1 outdated block(s)"));
    // the guide does not print that block: its rows are untouched
    assert!(!stderr(&out).contains("(guide)"), "{}", stderr(&out));
    // stamping records the new source version
    let out = p.run(&["stamp", "--lang", "ja", "--block", "faq-did-you-know"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&p.run(&["status"]))
            .contains("ja           18 / 18        0         0     100%    0 / 18  draft")
    );
}

#[test]
fn failed_run_keeps_the_earlier_pdf_and_leaves_no_temporary_file() {
    let p = Project::new();
    let out = p.run(&["build", "--out", "out", "--lang", "ko"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let pdf = p.path("out/mynumber-health-insurance-faq-ko.pdf");
    let good = fs::read(&pdf).unwrap();
    p.edit("ko.toml", "{phone:card-fallback}", "{phone:nope}");
    let out = p.run(&["build", "--out", "out", "--lang", "ko"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        fs::read(&pdf).unwrap(),
        good,
        "the earlier good PDF is unchanged"
    );
    // no temporary file left behind, in the output folder or its images
    for dir in ["out", "out/thumbnails"] {
        let names: Vec<_> = fs::read_dir(p.path(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names
                .iter()
                .all(|n| !n.starts_with('.') || n == ".leafpress.lock"),
            "{names:?}"
        );
    }
}

#[test]
fn io_problems_exit_2_with_one_clear_line() {
    let p = Project::new();
    let out = p.run(&["build", "--fonts", "no-such-fonts"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .starts_with("no-such-fonts: error: cannot read the font folder no-such-fonts:"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("panicked"));

    let out = p.run(&["build", "--content", "nowhere"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("nowhere: error: cannot read the content folder:"),
        "{}",
        stderr(&out)
    );

    fs::write(p.path("blocker"), "a file, not a folder").unwrap();
    let out = p.run(&["build", "--out", "blocker/out"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("blocker/out: error: cannot create the output folder:"),
        "{}",
        stderr(&out)
    );

    let out = p.run(&["build", "--lang", "xx"]);
    assert_eq!(out.status.code(), Some(2));
    let found = common::languages().join(", ");
    assert!(
        stderr(&out).contains(&format!(
            "error: no content for language `xx`; languages found: {found}\n"
        )),
        "{}",
        stderr(&out)
    );
}

#[test]
fn templates_cannot_read_outside_their_folder_or_use_packages() {
    let p = Project::new();
    fs::create_dir_all(p.path("templates")).unwrap();
    let cases = [
        (
            "#read(\"/etc/passwd\")",
            "templates/faq.typ:1:7: error: failed to load file (/etc/passwd is outside the templates folder",
        ),
        (
            "#import \"@preview/example:0.1.0\": *",
            "templates/faq.typ:1:9: error:",
        ),
        (
            "#import \"@preview/example:0.1.0\": *",
            "leafpress prints offline and uses no typst packages",
        ),
    ];
    for (template, expected) in cases {
        fs::write(p.path("templates/faq.typ"), template).unwrap();
        let out = p.run(&[
            "build",
            "--out",
            "out",
            "--lang",
            "en",
            "--templates",
            "templates",
        ]);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains(expected),
            "{template}:\n{}",
            stderr(&out)
        );
        assert!(!p.path("out/mynumber-health-insurance-faq-en.pdf").exists());
    }
}

#[test]
fn pathological_input_gets_a_clear_error() {
    // a 100 000-character string
    let p = Project::new();
    p.edit(
        "vi.toml",
        "answer = \"",
        &format!("answer = \"{}", "Lorem ipsum ".repeat(8_334)),
    );
    let out = p.run(&["check", "--today", "2026-11-21"]);
    assert!(
        stdout(&out).starts_with(&format!("content/mynumber-health-insurance/vi.toml:{}: error: text in [faq-question] is 100348 characters long; a leaflet text is limited to 2000\n", p.pos("vi.toml", "answer = ", 9))),
        "{}",
        stdout(&out)
    );
    assert_eq!(out.status.code(), Some(1));

    // deeply nested tables
    let p = Project::new();
    p.edit(
        "vi.toml",
        "[faq-footer]",
        &format!(
            "[deep]\nx = {}1{}\n\n[faq-footer]",
            "{a = ".repeat(5000),
            "}".repeat(5000)
        ),
    );
    let out = p.run(&["check", "--today", "2026-11-21"]);
    let deep = p.pos("vi.toml", "x = {a = ", 0);
    let deep_line = deep.split(':').next().unwrap();
    assert!(
        stdout(&out).contains(&format!("vi.toml:{deep_line}:")),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("error: cannot recurse further; max recursion depth met"),
        "{}",
        stdout(&out)
    );
    assert_eq!(out.status.code(), Some(1));

    // a 50 MB content file
    let p = Project::new();
    let es = p.path(&format!("{TOPIC}/es.toml"));
    let mut text = fs::read_to_string(&es).unwrap();
    text.push_str(&format!("# {}\n", "x".repeat(50_000_000)));
    fs::write(&es, text).unwrap();
    let out = p.run(&["check", "--today", "2026-11-21"]);
    assert!(
        stdout(&out).contains("content/mynumber-health-insurance/es.toml: error: the file is 50"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("bytes; content files are limited to 1048576 bytes"));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn not_utf8_is_reported_with_its_position() {
    let p = Project::new();
    let path = p.path(&format!("{TOPIC}/tl.toml"));
    let mut bytes = fs::read(&path).unwrap();
    bytes.splice(0..0, b"# caf\xe9\n".iter().copied());
    fs::write(&path, bytes).unwrap();
    let out = p.run(&["check", "--today", "2026-11-21"]);
    assert!(
        stdout(&out).starts_with("content/mynumber-health-insurance/tl.toml:1:6: error: the file is not valid UTF-8\n  hint: save the file as UTF-8\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn missing_key_wrong_type_and_duplicate_id() {
    let p = Project::new();
    p.edit(
        "facts.toml",
        "card = { number = \"0120-0178-27\", toll-free = true, ",
        "card = { toll-free = true, ",
    );
    check_says(
        &p,
        &format!(
            "content/mynumber-health-insurance/facts.toml:{}: error: missing field `number`",
            p.pos("facts.toml", "card = { toll-free", 7)
        ),
    );

    let p = Project::new();
    p.edit(
        "facts.toml",
        "card = { number = \"0120-0178-27\", toll-free = true, ",
        "card = { number = \"0120-0178-27\", toll-free = \"yes\", ",
    );
    check_says(
        &p,
        &format!(
            "content/mynumber-health-insurance/facts.toml:{}: error: invalid type: string \"yes\", expected a boolean",
            p.pos("facts.toml", "\"yes\"", 0)
        ),
    );

    let p = Project::new();
    p.edit("facts.toml", "card-japanese = { number = \"0570-783-578\"", "card-japanese = { number = \"0570-783-578\", toll-free = false, source = \"x\" }\ncard-japanese = { number = \"0570-783-578\"");
    check_says(
        &p,
        &format!(
            "content/mynumber-health-insurance/facts.toml:{}: error: duplicate key",
            {
                let first = p.pos("facts.toml", "card-japanese = { number", 0);
                let line: usize = first.split(':').next().unwrap().parse().unwrap();
                format!("{}:1", line + 1)
            }
        ),
    );

    let p = Project::new();
    p.edit(
        "vi.toml",
        "title = \"Cách dùng",
        "title = 42\nxtitle = \"Cách dùng",
    );
    check_says(
        &p,
        &format!(
            "content/mynumber-health-insurance/vi.toml:{}: error: invalid type: integer `42`, expected a string or an array of strings",
            p.pos("vi.toml", "title = 42", 8)
        ),
    );

    let p = Project::new();
    p.edit(
        "facts.toml",
        "days = \"weekdays\", from = \"09:30\"",
        "days = \"weekday\", from = \"09:30\"",
    );
    check_says(
        &p,
        &format!(
            "content/mynumber-health-insurance/facts.toml:{}: error: unknown days `weekday`\n  hint: did you mean `weekdays`?",
            p.pos("facts.toml", "\"weekday\"", 0)
        ),
    );

    let p = Project::new();
    p.edit(
        "facts.toml",
        "date = \"2025-12-01\"",
        "date = \"2025-12-32\"",
    );
    check_says(
        &p,
        &format!(
            "content/mynumber-health-insurance/facts.toml:{}: error: `2025-12-32` is not a date\n  hint: write an ISO date: YYYY-MM-DD, e.g. 2024-12-02",
            p.pos("facts.toml", "\"2025-12-32\"", 0)
        ),
    );
}

#[test]
fn a_word_too_long_for_its_box_is_an_error() {
    let p = Project::new();
    p.edit(
        "en.toml",
        "  \"By post\",",
        "  \"By post: Mynumbercardapplicationformwithoutspaces\",",
    );
    check_says(
        &p,
        "content/mynumber-health-insurance/en.toml: error: the faq leaflet in `en`: text overflows its box on page 1: “Mynumbercardapplicationformwithoutspaces”
  hint: a word or address is too long for its column: shorten it or allow a break (a space)",
    );
}

// ---- the exit status tells the truth ------------------------------------------------------

/// Runs `build --out out` (plus `args`) and returns (exit code, stderr); also asserts that
/// `check` agrees: it fails exactly when `build` does.
fn build_and_check(p: &Project, args: &[&str]) -> (Option<i32>, String) {
    let mut build = vec!["build", "--out", "out", "--message-format", "short"];
    build.extend_from_slice(args);
    let out = p.run(&build);
    let check = p.run(&["check", "--today", "2026-11-21"]);
    assert_eq!(
        check.status.code() == Some(0),
        out.status.code() == Some(0),
        "check and build disagree:\ncheck: {}{}\nbuild: {}",
        stdout(&check),
        stderr(&check),
        stderr(&out)
    );
    (out.status.code(), stderr(&out))
}

/// The PDFs in `out/`, by language tag.
/// The summary line of a build of every leaflet in which one language's two leaflets failed.
fn all_but_one_language() -> String {
    let all = 2 * common::languages().len();
    format!("2 of {all} leaflet(s) failed; {} written", all - 2)
}

fn written(p: &Project) -> Vec<String> {
    let mut tags: Vec<String> = fs::read_dir(p.path("out"))
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter_map(|n| {
                    n.strip_prefix("mynumber-health-insurance-faq-")?
                        .strip_suffix(".pdf")
                        .map(str::to_owned)
                })
                .collect()
        })
        .unwrap_or_default();
    tags.sort();
    tags
}

#[test]
fn facts_that_do_not_parse_fail_every_leaflet() {
    let p = Project::new();
    p.edit(
        "facts.toml",
        "templates = [\"faq\", \"guide\"]",
        "templates = [\"faq\", \"guide\"",
    );
    let (code, err) = build_and_check(&p, &[]);
    assert_eq!(code, Some(1));
    assert!(
        err.starts_with(&format!("content/mynumber-health-insurance/facts.toml:{}: error: missing comma between array elements, expected `,`\n", p.pos("facts.toml", "source-language = ", 0))),
        "{err}"
    );
    assert!(
        err.contains("error: mynumber-health-insurance-faq-ko: not built, 1 error(s) above in content/mynumber-health-insurance/facts.toml\n"),
        "{err}"
    );
    assert!(
        err.ends_with(&format!(
            "\n{n} of {n} leaflet(s) failed; 0 written\n",
            n = 2 * common::languages().len()
        )),
        "{err}"
    );
    assert!(written(&p).is_empty());
}

#[test]
fn a_language_file_that_is_not_utf8_fails_its_leaflet_only() {
    let p = Project::new();
    let path = p.path(&format!("{TOPIC}/vi.toml"));
    let mut bytes = fs::read(&path).unwrap();
    bytes.splice(0..0, b"# Ti\xe9ng\n".iter().copied());
    fs::write(&path, bytes).unwrap();
    let (code, err) = build_and_check(&p, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        format!("content/mynumber-health-insurance/vi.toml:1:5: error: the file is not valid UTF-8
  hint: save the file as UTF-8
error: mynumber-health-insurance-faq-vi: not built, 1 error(s) above in content/mynumber-health-insurance/vi.toml
error: mynumber-health-insurance-guide-vi: not built, 1 error(s) above in content/mynumber-health-insurance/vi.toml
{}
", all_but_one_language())
    );
    assert_eq!(written(&p).len(), common::languages().len() - 1);
    assert!(!written(&p).contains(&"vi".to_owned()));
}

#[test]
fn a_language_file_that_does_not_parse_fails_its_leaflet_also_when_asked_for_alone() {
    let p = Project::new();
    p.edit("ko.toml", "label = \"", "label = ");
    let (code, err) = build_and_check(&p, &[]);
    assert_eq!(code, Some(1));
    let expected = format!("content/mynumber-health-insurance/ko.toml:{}: error: missing opening quote, expected `\"`
error: mynumber-health-insurance-faq-ko: not built, 1 error(s) above in content/mynumber-health-insurance/ko.toml
error: mynumber-health-insurance-guide-ko: not built, 1 error(s) above in content/mynumber-health-insurance/ko.toml
", p.pos("ko.toml", "label = ", 8));
    assert_eq!(err, format!("{expected}{}\n", all_but_one_language()));
    assert_eq!(written(&p).len(), common::languages().len() - 1);
    // asked for alone: the parse error, never "no content for language"
    let out = p.run(&[
        "build",
        "--out",
        "out2",
        "--lang",
        "ko",
        "--message-format",
        "short",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!("{expected}2 of 2 leaflet(s) failed; 0 written\n")
    );
    // list still names it
    let list = p.run(&["list", "--message-format", "short"]);
    assert!(
        stdout(&list)
            .lines()
            .any(|l| l.starts_with("    ko ") && l.split_whitespace().nth(1) == Some("?")),
        "{}",
        stdout(&list)
    );
    assert_eq!(list.status.code(), Some(1));
}

#[test]
fn a_stray_top_level_key_names_itself_and_the_closest_block() {
    let p = Project::new();
    p.edit("ko.toml", "[meta]", "colour = \"red\"\n\n[meta]");
    check_says(
        &p,
        "content/mynumber-health-insurance/ko.toml:4:1: error: stray key `colour` outside any table: a language file holds block tables such as [faq-header], and every text belongs in one
  hint: the closest block is [labels]: move the key into its table, or delete it",
    );
    let p = Project::new();
    p.edit("ko.toml", "[meta]", "faq-leed = \"…\"\n\n[meta]");
    check_says(
        &p,
        "content/mynumber-health-insurance/ko.toml:4:1: error: stray key `faq-leed` outside any table: a language file holds block tables such as [faq-header], and every text belongs in one
  hint: the closest block is [faq-lead]: move the key into its table, or delete it",
    );
}

#[test]
fn a_line_breaks_table_holds_words_to_keep_whole() {
    let p = Project::new();
    p.edit(
        "th.toml",
        "keep = [\"ร้านขายยา\"]",
        "keep = [\"ร้าน ขายยา\"]\nbreak = [\"x\"]",
    );
    let out = p.run(&["check", "--today", "2026-11-21"]);
    let text = stdout(&out);
    let th: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("content/mynumber-health-insurance/th.toml"))
        .take(4)
        .collect();
    assert_eq!(
        th.join("\n"),
        "content/mynumber-health-insurance/th.toml:12:9: error: a `line-breaks.keep` entry must be one word, without spaces
  hint: a line may break at a space anyway; list the word or compound that must not break
content/mynumber-health-insurance/th.toml:13:9: error: unknown key `break` in [line-breaks]
  hint: [line-breaks] holds `keep`: the words a line never breaks inside",
        "\n{text}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn on_a_terminal_an_error_shows_its_line_with_a_caret() {
    let p = Project::new();
    p.edit("vi.toml", "{phone:card-fallback}", "{phone:card-fallbak}");
    let out = p.run(&["check", "--today", "2026-11-21", "--message-format", "rich"]);
    let at = p.pos("vi.toml", "{phone:card-fallbak}", 0);
    let line = at.split(':').next().unwrap().to_owned();
    assert_eq!(at, format!("{line}:24"));
    assert_eq!(
        stdout(&out),
        "error: unknown phone id `card-fallbak` in `{phone:card-fallbak}`
   --> content/mynumber-health-insurance/vi.toml:LINE:24
    |
LINE |   \"Nếu không gọi được: {phone:card-fallbak}; nếu cả hai số đều không gọi được: {phone:card-fallback-2} (cả hai số: người gọi trả ph...
    |                        ^
    |
help: did you mean `{phone:card-fallback}`?
1 error(s), 0 warning(s)
"
        .replace("LINE", &line)
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn list_lines_up_in_every_script() {
    use unicode_width::UnicodeWidthStr;
    let out = Project::new().run(&["list"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("    ")).collect();
    assert_eq!(rows.len(), common::languages().len(), "{text}");
    // the status column starts at the same display column on every row
    let columns: Vec<usize> = rows
        .iter()
        .map(|r| {
            let status = ["source", "draft", "reviewed"]
                .iter()
                .filter_map(|s| r.rfind(s))
                .max()
                .unwrap();
            r[..status].width()
        })
        .collect();
    assert!(
        columns.iter().all(|&c| c == columns[0]),
        "{columns:?}\n{text}"
    );
    assert!(text.contains("日本語") && text.contains("ខ្មែរ"), "{text}");
}

#[test]
fn a_printed_fact_older_than_the_limit_warns_then_fails_under_strict() {
    // Every printed fact is dated (as-of 2025 or later); one made older than the others by
    // years stands out with a limit of 24 months.
    let p = Project::new();
    // the topic's own limit (max-fact-age-months = 24): the 2025 sources pass in 2026
    let out = p.run(&["check", "--today", "2026-11-21", "--strict"]);
    assert_eq!(stdout(&out), "0 error(s), 0 warning(s)\n");
    // a stricter limit on the command line: every printed fact of July 2025 is named
    let facts = fs::read_to_string(p.path(&format!("{TOPIC}/facts.toml"))).unwrap();
    let line = facts
        .lines()
        .position(|l| l.starts_with("card-japanese = { open"))
        .unwrap();
    let col = facts
        .lines()
        .nth(line)
        .unwrap()
        .find("\"2025-07\"")
        .unwrap()
        + 1;
    let expected = format!("content/mynumber-health-insurance/facts.toml:{}:{col}: {{}}: fact `hours.card-japanese` is printed but its source is as of 2025-07 (15 months before 2026-11-21); facts older than 12 months must be re-checked
  hint: check it against its source (seed 001) and update `as-of`, or stop printing it
", line + 1);
    let stale = |args: &[&str]| {
        let mut all = vec!["check", "--today", "2026-11-21", "--max-fact-age", "12"];
        all.extend_from_slice(args);
        p.run(&all)
    };
    let out = stale(&[]);
    assert!(
        stdout(&out).contains(&expected.replace("{}", "warning")),
        "{}",
        stdout(&out)
    );
    let named = stdout(&out).matches(": warning: fact `").count();
    assert!(named > 40, "{}", stdout(&out));
    assert!(
        stdout(&out).ends_with(&format!("0 error(s), {named} warning(s)\n")),
        "{}",
        stdout(&out)
    );
    assert_eq!(out.status.code(), Some(0));
    let out = stale(&["--strict"]);
    assert!(stdout(&out).contains(&expected.replace("{}", "error")));
    assert_eq!(out.status.code(), Some(1));
    // past the topic's limit, CI (check --strict) fails until someone re-checks the facts
    let out = p.run(&["check", "--today", "2027-09-01", "--strict"]);
    assert!(
        stdout(&out).contains(
            "(25 months before 2027-09-01); facts older than 24 months must be re-checked"
        ),
        "{}",
        stdout(&out)
    );
    assert_eq!(out.status.code(), Some(1));
    // a fact kept for the record (printed = false) is neither unused nor stale
    let out = p.run(&[
        "check",
        "--today",
        "2030-01-01",
        "--strict",
        "--max-fact-age",
        "12",
    ]);
    assert!(!stdout(&out).contains("consultation"), "{}", stdout(&out));
}

/// How a content file gets broken in the property test below.
#[derive(Debug, Clone)]
enum Corruption {
    /// Cut off somewhere between 5 % and 95 % of its length.
    Truncate(f64),
    /// Replaced by these bytes.
    RandomBytes(Vec<u8>),
    /// A byte that is never valid UTF-8 inserted somewhere.
    BadUtf8(f64),
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 6,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Any one content file corrupted: `build` exits 1, names that file, and still writes
    /// every leaflet that does not depend on it.
    #[test]
    fn any_one_corrupted_content_file_fails_only_what_depends_on_it(
        file in prop::sample::select(vec![
            "facts.toml", "en.toml", "ja.toml", "ko.toml", "zh-Hant.toml", "th.toml",
            "my.toml", "km.toml", "ne.toml", "pt-BR.toml", "vi.toml", "mn.toml",
        ]),
        how in prop_oneof![
            (0.05..0.95f64).prop_map(Corruption::Truncate),
            prop::collection::vec(any::<u8>(), 1..300).prop_map(Corruption::RandomBytes),
            (0.0..1.0f64).prop_map(Corruption::BadUtf8),
        ],
    ) {
        let p = Project::new();
        let path = p.path(&format!("{TOPIC}/{file}"));
        let mut bytes = fs::read(&path).unwrap();
        match &how {
            Corruption::Truncate(at) => bytes.truncate((bytes.len() as f64 * at) as usize),
            Corruption::RandomBytes(b) => bytes = b.clone(),
            Corruption::BadUtf8(at) => {
                let i = (bytes.len() as f64 * at) as usize;
                bytes.insert(i, 0xff);
            }
        }
        fs::write(&path, &bytes).unwrap();
        let out = p.run(&["build", "--out", "out", "--message-format", "short"]);
        let err = stderr(&out);
        prop_assert_eq!(out.status.code(), Some(1), "{:?} {:?}:\n{}", file, how, err);
        // facts.toml cut short may still parse: then what is missing is reported where a
        // language refers to it, and a leaflet that needs none of it is right to be built
        if file == "facts.toml" && matches!(how, Corruption::Truncate(_)) {
            return Ok(());
        }
        prop_assert!(err.contains(&format!("{TOPIC}/{file}")), "{:?} {:?}:\n{}", file, how, err);
        let tag = file.trim_end_matches(".toml");
        let everyone_depends = file == "facts.toml" || file == "en.toml";
        let expected: Vec<String> = if everyone_depends {
            vec![]
        } else {
            common::languages().into_iter().filter(|l| l != tag).collect()
        };
        prop_assert_eq!(written(&p), expected, "{:?} {:?}:\n{}", file, how, err);
    }
}

#[test]
fn files_no_leaflet_produces_are_reported_and_left_in_place() {
    let p = Project::new();
    fs::create_dir_all(p.path("out/previews")).unwrap();
    let removed = "out/mynumber-health-insurance-faq-xx.pdf";
    let removed_preview = "out/previews/mynumber-health-insurance-faq-xx-1.png";
    fs::write(p.path(removed), "a language removed since").unwrap();
    fs::write(p.path(removed_preview), "its preview").unwrap();
    let out = p.run(&["build", "--out", "out", "--lang", "en", "--template", "faq"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "note: {removed} was not produced by this build: no leaflet of the content makes it (left in place)\n\
             note: {removed_preview} was not produced by this build: no leaflet of the content makes it (left in place)\n"
        )
    );
    assert!(p.path(removed).exists() && p.path(removed_preview).exists());
    // what this build wrote, and only that, is in the manifest
    let manifest = fs::read_to_string(p.path("out/manifest.json")).unwrap();
    assert_eq!(manifest.matches("\"file\":").count(), 1, "{manifest}");
    assert!(
        stdout(&out).ends_with("out/manifest.json\nout/index.html\nout/SHA256SUMS\n"),
        "{}",
        stdout(&out)
    );
}

/// The files of a folder (and its sub-folders), by relative path.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                files.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    files
}

#[test]
fn a_parallel_build_says_and_writes_exactly_what_a_sequential_one_does() {
    let p = Project::new();
    // one leaflet fails too: its messages must come in the same place
    p.edit("ko.toml", "{phone:card-fallback}", "{phone:nope}");
    let langs = [
        "--lang", "en", "--lang", "ja", "--lang", "ko", "--lang", "th", "--lang", "km",
    ];
    let run = |out: &str, jobs: &str| {
        let mut args = vec![
            "build",
            "--out",
            out,
            "--jobs",
            jobs,
            "--message-format",
            "short",
        ];
        args.extend_from_slice(&langs);
        p.run(&args)
    };
    let one = run("one", "1");
    let two = run("two", "2");
    assert_eq!(one.status.code(), Some(1));
    assert_eq!(two.status.code(), one.status.code());
    assert_eq!(stdout(&two), stdout(&one).replace("one/", "two/"));
    assert_eq!(stderr(&two), stderr(&one).replace("one/", "two/"));
    let (a, b) = (tree(&p.path("one")), tree(&p.path("two")));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (file, bytes) in &a {
        assert!(
            bytes == &b[file],
            "{file} differs between --jobs 1 and --jobs 2"
        );
    }
    // two templates of five languages, one of which fails
    assert_eq!(a.keys().filter(|f| f.ends_with(".pdf")).count(), 8);
}

#[test]
fn export_typst_writes_a_self_contained_project_per_leaflet() {
    let p = Project::new();
    let out = p.run(&[
        "export-typst",
        "projects",
        "--lang",
        "vi",
        "--template",
        "faq",
        "--fonts",
        common::project().join("fonts").to_str().unwrap(),
        "--templates",
        common::project().join("templates").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "projects/mynumber-health-insurance-faq-vi/main.typ\n"
    );
    let dir = p.path("projects/mynumber-health-insurance-faq-vi");
    let template = fs::read_to_string(common::project().join("templates/faq.typ")).unwrap();
    assert_eq!(fs::read_to_string(dir.join("main.typ")).unwrap(), template);
    let data: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("data.json")).unwrap()).unwrap();
    assert_eq!(data["tag"], "vi");
    // the type size the leaflet fits its pages at, as `build` finds it
    let built = p.run(&["build", "--out", "out", "--lang", "vi", "--template", "faq"]);
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(p.path("out/manifest.json")).unwrap()).unwrap();
    assert_eq!(data["font-scale"], manifest["leaflets"][0]["type-scale"]);
    assert!(
        data["font-scale"].as_f64().unwrap() < 1.0,
        "the Vietnamese FAQ is set smaller to fit"
    );
    for qr in [
        "card-portal",
        "card-contact",
        "center-validity-leaflet",
        "center-web",
        "center-facebook",
    ] {
        let svg = fs::read_to_string(dir.join(format!("qr/{qr}.svg"))).unwrap();
        assert!(svg.contains("<svg"), "{qr}");
    }
    let readme = fs::read_to_string(dir.join("README")).unwrap();
    assert!(
        readme.starts_with("typst compile --root . --font-path "),
        "{readme}"
    );
    assert!(readme.ends_with(" --ignore-system-fonts --ignore-embedded-fonts main.typ mynumber-health-insurance-faq-vi.pdf\n"), "{readme}");
}

#[test]
fn watch_rebuilds_on_save_and_keeps_the_last_good_pdf_on_a_broken_save() {
    use std::io::{BufRead, BufReader, Read};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    let p = Project::new();
    let root = common::project();
    let mut child = Command::new(env!("CARGO_BIN_EXE_leafpress"))
        .current_dir(p.dir.path())
        .args([
            "watch",
            "--out",
            "out",
            "--lang",
            "vi",
            "--template",
            "faq",
            "--message-format",
            "short",
        ])
        .arg("--fonts")
        .arg(root.join("fonts"))
        .arg("--templates")
        .arg(root.join("templates"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let log = Arc::new(Mutex::new(String::new()));
    let streams: [Box<dyn Read + Send>; 2] = [
        Box::new(child.stdout.take().unwrap()),
        Box::new(child.stderr.take().unwrap()),
    ];
    for stream in streams {
        let log = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                log.lock().unwrap().push_str(&(line + "\n"));
            }
        });
    }
    let until = |what: &str, done: &dyn Fn(&str) -> bool| {
        let start = Instant::now();
        while !done(&log.lock().unwrap()) {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "waited for {what}:\n{}",
                log.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    until("the first build", &|l| l.contains("(Ctrl-C stops)"));
    let pdf = p.path("out/mynumber-health-insurance-faq-vi.pdf");
    let first = fs::read(&pdf).unwrap();

    // a save that changes the text: the PDF changes
    p.edit(
        "vi.toml",
        "heading = \"Quý vị có biết?\"",
        "heading = \"Quý vị đã biết chưa?\"",
    );
    let start = Instant::now();
    while fs::read(&pdf).unwrap() == first {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{}",
            log.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    until("the rebuild to finish", &|l| {
        l.matches("-- done in").count() >= 2
    });
    let second = fs::read(&pdf).unwrap();

    // a broken save: the error is shown, the last good PDF stays, no temporary file
    p.edit("vi.toml", "[meta]", "[meta");
    until("the error", &|l| {
        l.contains("error: mynumber-health-insurance-faq-vi: not built")
    });
    assert!(
        log.lock()
            .unwrap()
            .contains("content/mynumber-health-insurance/vi.toml:")
    );
    assert_eq!(fs::read(&pdf).unwrap(), second, "the last good PDF is kept");
    let mut names: Vec<String> = fs::read_dir(p.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [".leafpress.lock", "mynumber-health-insurance-faq-vi.pdf"],
        "PDFs only (and the folder's lock), nothing half written"
    );

    // Ctrl-C stops it cleanly
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "watch did not stop"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    until("the goodbye", &|l| l.contains("watch: stopped"));
}

#[test]
fn export_typst_refuses_a_leaflet_whose_content_has_errors_as_build_does() {
    let p = Project::new();
    // an error that would not stop the layout itself (the glyph is drawn as tofu)
    p.edit("th.toml", "ถาม", "ถาม𓀀");
    let root = common::project();
    let out = p.run(&[
        "export-typst",
        "projects",
        "--lang",
        "th",
        "--template",
        "faq",
        "--message-format",
        "short",
        "--fonts",
        root.join("fonts").to_str().unwrap(),
        "--templates",
        root.join("templates").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).ends_with(
            "error: mynumber-health-insurance-faq-th: not exported, 1 error(s) above in content/mynumber-health-insurance/th.toml\n"
        ),
        "{}",
        stderr(&out)
    );
    assert!(!p.path("projects/mynumber-health-insurance-faq-th").exists());
}

// ---- a template's own files (guide/<tag>.toml) ---------------------------------------------

#[test]
fn a_broken_guide_file_fails_that_languages_guide_only() {
    let p = Project::new();
    p.edit("guide/vi.toml", "label = \"", "label = ");
    let (code, err) = build_and_check(&p, &["--lang", "vi", "--lang", "en"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        "content/mynumber-health-insurance/guide/vi.toml:6:9: error: missing opening quote, expected `\"`\n\
         error: mynumber-health-insurance-guide-vi: not built, 1 error(s) above in content/mynumber-health-insurance/guide/vi.toml\n\
         1 of 4 leaflet(s) failed; 3 written\n"
    );
    assert!(p.path("out/mynumber-health-insurance-faq-vi.pdf").exists());
    assert!(
        p.path("out/mynumber-health-insurance-guide-en.pdf")
            .exists()
    );
    assert!(
        !p.path("out/mynumber-health-insurance-guide-vi.pdf")
            .exists()
    );
}

#[test]
fn guide_blocks_live_in_the_guide_file_and_are_counted_per_template() {
    let p = Project::new();
    // a guide block moved into the language file is refused, with where it belongs
    let vi = fs::read_to_string(p.path(&format!("{TOPIC}/guide/vi.toml"))).unwrap();
    let at = vi.find("[guide-call-center]").unwrap();
    fs::write(p.path(&format!("{TOPIC}/guide/vi.toml")), &vi[..at]).unwrap();
    let main = fs::read_to_string(p.path(&format!("{TOPIC}/vi.toml"))).unwrap();
    fs::write(
        p.path(&format!("{TOPIC}/vi.toml")),
        format!("{main}\n{}", &vi[at..]),
    )
    .unwrap();
    let out = p.run(&[
        "check",
        "--today",
        "2026-11-21",
        "--message-format",
        "short",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains(": error: [guide-call-center] belongs in guide/vi.toml\n  hint: the `guide` template's text is kept apart: move the block to "),
        "{text}"
    );
    assert!(
        text.contains("content/mynumber-health-insurance/guide/vi.toml: error: block [guide-call-center] is not translated\n"),
        "{text}"
    );
    // status counts it missing for the guide only
    let status = stdout(&p.run(&["status"]));
    let guide = &status[status.find("· guide").unwrap()..];
    let faq = &status[..status.find("· guide").unwrap()];
    assert!(
        guide.contains("vi           16 / 17        1         0      94%    0 / 17  draft\n          missing:  [guide-call-center]\n"),
        "{status}"
    );
    assert!(
        faq.contains("vi           18 / 18        0         0     100%    0 / 18  draft\n"),
        "{status}"
    );
    // a template name with a typo is a usage error, never an empty table
    let typo = p.run(&["status", "--template", "gide"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(
        stderr(&typo).contains("no template `gide`; templates found: faq, guide"),
        "{}",
        stderr(&typo)
    );
}

#[test]
fn a_missing_guide_file_is_one_error_and_falls_back_when_allowed() {
    let p = Project::new();
    fs::remove_file(p.path(&format!("{TOPIC}/guide/vi.toml"))).unwrap();
    let (code, err) = build_and_check(&p, &["--lang", "vi"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        "content/mynumber-health-insurance/guide/vi.toml: error: the guide is not translated into `vi`: the file is missing\n\
         \x20 hint: translate it from content/mynumber-health-insurance/guide/en.toml, or build with --allow-missing to show the en text, marked\n\
         error: mynumber-health-insurance-guide-vi: not built, 1 error(s) above in content/mynumber-health-insurance/guide/vi.toml\n\
         1 of 2 leaflet(s) failed; 1 written\n"
    );
    let out = p.run(&["build", "--out", "out", "--lang", "vi", "--allow-missing"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        p.path("out/mynumber-health-insurance-guide-vi.pdf")
            .exists()
    );
}

#[test]
fn a_build_keeps_the_leaflets_whose_inputs_have_not_changed() {
    let p = Project::new();
    copy_dir(&common::project().join("templates"), &p.path("templates"));
    copy_dir(&common::project().join("fonts"), &p.path("fonts"));
    // builds en and ja (FAQ) into `dir`; the languages it kept from the last build
    let build = |dir: &str, extra: &[&str]| -> Vec<String> {
        let mut args = vec![
            "build",
            "--out",
            dir,
            "--templates",
            "templates",
            "--fonts",
            "fonts",
            "--lang",
            "en",
            "--lang",
            "ja",
            "--template",
            "faq",
        ];
        args.extend_from_slice(extra);
        let out = p.run(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
            .lines()
            .filter_map(|l| l.strip_suffix("  (up to date)"))
            .map(|l| {
                l.split(".pdf")
                    .next()
                    .unwrap()
                    .rsplit('-')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    let pdf = |lang: &str| p.path(&format!("out/mynumber-health-insurance-faq-{lang}.pdf"));
    let none: Vec<String> = vec![];
    assert_eq!(build("out", &[]), none, "a first build lays out everything");
    let first = tree(&p.path("out"));
    let written_at = fs::metadata(pdf("en")).unwrap().modified().unwrap();
    assert_eq!(build("out", &[]), ["en", "ja"], "nothing changed");
    assert!(
        tree(&p.path("out")) == first,
        "a build that keeps everything publishes the same files"
    );
    assert_eq!(
        fs::metadata(pdf("en")).unwrap().modified().unwrap(),
        written_at,
        "not written again"
    );

    // the text of one language: that language is laid out again
    p.edit(
        "ja.toml",
        "edition = \"{date}版\"",
        "edition = \"{date} 版\"",
    );
    assert_eq!(build("out", &[]), ["en"]);
    // a template file (even one a template only imports), a font file, the files on disk
    let common_typ = p.path("templates/common.typ");
    let mut typ = fs::read_to_string(&common_typ).unwrap();
    typ.push_str("// a comment\n");
    fs::write(&common_typ, typ).unwrap();
    assert_eq!(build("out", &[]), none, "a template changed");
    let font = fs::File::options()
        .write(true)
        .open(p.path("fonts/NotoSans-Regular.ttf"))
        .unwrap();
    font.set_modified(std::time::SystemTime::UNIX_EPOCH)
        .unwrap();
    assert_eq!(build("out", &[]), none, "a font changed");
    fs::write(pdf("en"), "not the PDF that was written").unwrap();
    assert_eq!(build("out", &[]), ["ja"], "a PDF changed on disk");
    fs::remove_file(p.path("out/thumbnails/mynumber-health-insurance-faq-ja.png")).unwrap();
    assert_eq!(build("out", &[]), ["en"], "a thumbnail is missing");
    assert_eq!(
        build("out", &["--previews"]),
        none,
        "page previews asked for: every leaflet is drawn again"
    );
    assert_eq!(build("out", &["--previews"]), ["en", "ja"]);
    fs::remove_file(p.path("out/previews/mynumber-health-insurance-faq-ja-2.png")).unwrap();
    assert_eq!(
        build("out", &["--previews"]),
        ["en"],
        "a preview is missing"
    );
    assert_eq!(
        build("out", &[]),
        none,
        "previews no longer asked for: written again without them"
    );
    assert_eq!(
        build("out", &["--rebuild"]),
        none,
        "--rebuild lays out everything"
    );

    // what the kept and rebuilt leaflets published is what a build from scratch publishes
    assert_eq!(build("out", &[]), ["en", "ja"]);
    assert_eq!(build("fresh", &[]), none);
    assert!(
        tree(&p.path("out")) == tree(&p.path("fresh")),
        "kept output differs from a fresh build"
    );
}
