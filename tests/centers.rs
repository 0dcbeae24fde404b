//! A center's own edition: any consultation center prints the leaflets with its own name,
//! contacts and QR codes, from `content/centers/<id>.toml`, and none of another's. The
//! fictitious center of `tests/fixtures/centers/sample.toml` (example.org, numbers of no
//! subscriber) beside the shipped Hokkaido center.

mod common;

use std::fs;

use common::{Project, stderr, stdout};
use leafpress::content;

/// The shipped content with the fixture center beside the Hokkaido one.
fn with_sample() -> Project {
    let p = Project::new();
    fs::copy(
        common::project().join("tests/fixtures/centers/sample.toml"),
        p.path("content/centers/sample.toml"),
    )
    .unwrap();
    p
}

/// Lays out a leaflet of the copy's content as center `id` prints it.
fn render(p: &Project, id: &str, template: &str, tag: &str) -> leafpress::fit::Rendered {
    let content = p.content().for_center(id).unwrap();
    let topic = &content.topics[0];
    leafpress::fit::render_one(common::engine(), topic, template, &topic.langs[tag], false)
        .unwrap_or_else(|e| panic!("{template}-{tag}: {e:?}"))
}

/// What the Hokkaido center's edition prints and another center's never may.
const HIECC: [&str; 7] = [
    "011-200-9595",
    "011-221-7845",
    "support@hiecc.or.jp",
    "hiecc",
    "北海道外国人相談センター",
    "Hokkaido Foreign Residents",
    "HIECC",
];

#[test]
fn a_second_center_prints_its_own_name_and_numbers_and_none_of_anothers() {
    let p = with_sample();
    // a Latin, a CJK and two Brahmic scripts; names of its own (en, zh-Hans, th) and the
    // Japanese name with the English one (ne)
    for (tag, name) in [
        ("en", "Sample City International Center"),
        ("zh-Hans", "样本市国际交流中心"),
        ("th", "ศูนย์แลกเปลี่ยนระหว่างประเทศเมืองแซมเปิล"),
        (
            "ne",
            "サンプル市国際交流センター (Sample City International Center)",
        ),
    ] {
        for template in common::TEMPLATES {
            let r = render(&p, "sample", template, tag);
            let text = common::visible(&common::all_text(&r.document));
            let has = |s: &str| text.contains(&common::visible(s));
            assert!(has(name), "{template}-{tag}: the center's name");
            assert!(has("03-0000-1234"), "{template}-{tag}: its phone");
            for theirs in HIECC {
                assert!(!has(theirs), "{template}-{tag}: prints {theirs}");
            }
            let codes: Vec<String> = common::qr_codes(&r.document, 150.0).concat();
            assert!(
                codes.iter().all(|c| !c.contains("hiecc")),
                "{template}-{tag}: {codes:?}"
            );
            if template == "faq" {
                assert!(has("desk@example.org") && has("03-0000-5678"), "{tag}");
                assert!(
                    codes.contains(&"https://center.example.org/".to_owned()),
                    "{tag}: {codes:?}"
                );
                assert_eq!(r.leaflet.author, name, "the PDF's author");
            }
        }
    }
}

#[test]
fn several_centers_build_one_folder_each_with_its_own_counter_page() {
    let p = with_sample();
    let out = p.run(&[
        "build", "--out", "out", "--lang", "en", "--lang", "ja", "--center", "hiecc", "--center",
        "sample",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for (id, name) in [
        ("hiecc", "北海道外国人相談センター"),
        ("sample", "サンプル市国際交流センター"),
    ] {
        let index = p.read(&format!("out/{id}/index.html"));
        assert!(index.contains(name), "{id}: its counter page names it");
        let manifest = p.read(&format!("out/{id}/manifest.json"));
        assert_eq!(
            manifest.matches(&format!("\"center\": \"{id}\"")).count(),
            4
        );
        assert!(p.path(&format!("out/{id}/SHA256SUMS")).is_file());
    }
    // the Hokkaido edition asked for by name is the default edition, byte for byte
    let out = p.run(&["build", "--out", "default", "--lang", "en", "--lang", "ja"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for file in [
        "mynumber-health-insurance-faq-en.pdf",
        "mynumber-health-insurance-guide-ja.pdf",
    ] {
        assert_eq!(
            fs::read(p.path(&format!("default/{file}"))).unwrap(),
            fs::read(p.path(&format!("out/hiecc/{file}"))).unwrap(),
            "{file}"
        );
    }
    // a center that does not exist is a usage error, naming those that do
    let out = p.run(&["build", "--out", "out", "--center", "nowhere"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "== the edition of center `nowhere`, into out/nowhere\nerror: no center `nowhere`; centers found: hiecc, sample\n"
    );
}

#[test]
fn the_faq_needs_a_center_and_says_so() {
    let p = Project::new();
    p.edit("facts.toml", "center = \"hiecc\"\n", "");
    let out = p.run(&["build", "--out", "out", "--lang", "en"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("content/mynumber-health-insurance/en.toml: error: the faq leaflet in `en` prints a consultation center's name and contacts, and none is named\n  hint: name the topic's center in facts.toml ([topic] center = \"<id>\", a file content/centers/<id>.toml), or build with --center ID\n"), "{err}");
    // the guide does without: no "questions?" line
    assert!(
        p.path("out/mynumber-health-insurance-guide-en.pdf")
            .is_file()
    );
    // a center the topic names that does not exist is an error at the name
    let p = Project::new();
    p.edit("facts.toml", "center = \"hiecc\"", "center = \"hiec\"");
    let out = p.run(&["check"]);
    assert!(
        stdout(&out).contains(&format!(
            "content/mynumber-health-insurance/facts.toml:{}: error: no center `hiec`\n  hint: centers found: hiecc\n",
            p.pos("facts.toml", "\"hiec\"", 0)
        )),
        "{}",
        stdout(&out)
    );
}

/// `line:col` of `needle` in the fixture center's file of the copy.
fn at(p: &Project, needle: &str) -> String {
    let text = p.read("content/centers/sample.toml");
    let i = text.find(needle).unwrap();
    let line = text[..i].matches('\n').count() + 1;
    let col = text[..i].rsplit('\n').next().unwrap().chars().count() + 1;
    format!("{line}:{col}")
}

fn edit_sample(p: &Project, from: &str, to: &str) {
    let path = p.path("content/centers/sample.toml");
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn an_incomplete_or_broken_center_file_gets_a_positioned_error() {
    let cases: [(&str, &str, &str, &str); 4] = [
        (
            "main = { number = \"03-0000-1234\", source = \"test fixture\", as-of = \"2026-12\" }\n",
            "",
            "[phones]",
            "error: the center has no main phone\n  hint: add the number residents call: main = { number = \"…\", source = \"…\" }",
        ),
        (
            "\"https://center.example.org/\"",
            "\"http://center.example.org/\"",
            "\"http://",
            "error: `http://center.example.org/` is not an absolute https URL",
        ),
        (
            "en = \"Sample City International Center\"",
            "en = \"Sample\\u0007City\"",
            "\\u0007",
            "error: a control character (U+0007) in a text",
        ),
        (
            "[phones]",
            "[phones]\nmobile = { number = \"03-0000-0000\", source = \"test fixture\" }",
            "mobile",
            "error: unknown id `mobile` in [phones]",
        ),
    ];
    for (from, to, needle, says) in cases {
        let p = with_sample();
        edit_sample(&p, from, to);
        let out = p.run(&["check", "--center", "sample"]);
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(1), "{says}: {text}");
        assert!(
            text.contains(&format!(
                "content/centers/sample.toml:{}: {says}",
                at(&p, needle)
            )),
            "{says}:\n{text}"
        );
        // `check` of everything says it too; a build of the Hokkaido edition does not
        // depend on it
        assert_eq!(p.run(&["check"]).status.code(), Some(1), "{says}");
        let build = p.run(&["build", "--out", "out", "--lang", "en", "--template", "faq"]);
        assert_eq!(
            build.status.code(),
            Some(0),
            "{says}: another center's file fails the Hokkaido edition: {}",
            stderr(&build)
        );
    }
    // no [phones] at all: said at [center]
    let p = with_sample();
    let text = p.read("content/centers/sample.toml");
    let start = text.find("[phones]").unwrap();
    let end = text.find("[emails]").unwrap();
    fs::write(
        p.path("content/centers/sample.toml"),
        format!("{}{}", &text[..start], &text[end..]),
    )
    .unwrap();
    let out = p.run(&["check", "--center", "sample"]);
    assert!(
        stdout(&out).contains(&format!(
            "content/centers/sample.toml:{}: error: the center has no phone",
            at(&p, "[center]")
        )),
        "{}",
        stdout(&out)
    );
}

#[test]
fn new_center_writes_a_file_to_fill_in_that_check_refuses_until_it_is() {
    let p = Project::new();
    let out = p.run(&["new-center", "kobe"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "content/centers/kobe.toml: fill it in, then `leafpress check --center kobe` and `leafpress build --center kobe`\n"
    );
    let out = p.run(&["check", "--center", "kobe"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1));
    for says in [
        "error: the center's name is empty",
        "error: the source of `name` is empty",
        "error: empty text in [names]",
        "error: `` is not a Japanese phone number",
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with("content/centers/kobe.toml:") && l.ends_with(says)),
            "{says}:\n{text}"
        );
    }
    // never over an existing file
    let out = p.run(&["new-center", "kobe"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("exists already"));
    // the shipped content loads it as a center (and still builds its own edition)
    let c = content::load(&p.path("content")).unwrap();
    assert!(c.center_files.contains_key("kobe"));
    assert!(c.topics[0].center.as_ref().is_some_and(|c| c.id == "hiecc"));
}

/// A center file that does not parse: asked for by `--center`, the run stops and says why
/// (its error, with where), before anything is written.
#[test]
fn a_center_file_that_does_not_parse_stops_its_edition_with_its_error() {
    let p = with_sample();
    edit_sample(&p, "[phones]", "[phones");
    let line = at(&p, "[phones");
    let expected = format!(
        "error: the center `sample` does not load:\ncontent/centers/sample.toml:{}:",
        line.split(':').next().unwrap()
    );
    for args in [
        &["check", "--center", "sample"][..],
        &["build", "--out", "out", "--center", "sample"][..],
    ] {
        let out = p.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&expected),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert!(!p.path("out/sample/manifest.json").exists());
}

/// A center's facts age like the topic's: a printed one older than the limit is named
/// where it is, a warning (an error with --strict).
#[test]
fn a_centers_old_fact_is_named_where_it_is() {
    let p = with_sample();
    edit_sample(
        &p,
        "main = { number = \"03-0000-1234\", source = \"test fixture\", as-of = \"2026-12\" }",
        "main = { number = \"03-0000-1234\", source = \"test fixture\", as-of = \"2023-01\" }",
    );
    let out = p.run(&["check", "--center", "sample", "--today", "2026-12-07"]);
    let text = stdout(&out);
    let line = at(&p, "main = { number = \"03-0000-1234\"");
    let line = line.split(':').next().unwrap();
    let said = text
        .lines()
        .find(|l| l.contains("fact `phones.main` is printed"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        said.starts_with(&format!("content/centers/sample.toml:{line}:"))
            && said.ends_with(
                ": warning: fact `phones.main` is printed but its source is as of 2023-01 (46 months before 2026-12-07); facts older than 24 months must be re-checked"
            ),
        "{said}"
    );
    assert_eq!(out.status.code(), Some(0), "{text}");
    let strict = p.run(&[
        "check",
        "--center",
        "sample",
        "--today",
        "2026-12-07",
        "--strict",
    ]);
    assert_eq!(strict.status.code(), Some(1), "{}", stdout(&strict));
}

/// `export-typst --center` exports that center's edition, one folder per center.
#[test]
fn export_typst_exports_the_center_asked_for() {
    let p = with_sample();
    let out = p.run(&[
        "export-typst",
        "projects",
        "--center",
        "sample",
        "--lang",
        "en",
        "--template",
        "faq",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let data = p.read("projects/sample/mynumber-health-insurance-faq-en/data.json");
    assert!(data.contains("Sample City International Center"), "{data}");
    assert!(
        !data.contains("011-200-9595"),
        "HIECC's number in another center's edition"
    );
}
