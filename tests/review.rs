//! A native speaker's review, end to end: records bound to the text they approved and voided
//! by an edit, the review sheet, PO and XLIFF exports, imports that change exactly what the
//! reviewer changed (and write nothing when anything is wrong), `accept`, and the draft band
//! that goes only once every printed block is reviewed. Each case edits a copy of the
//! shipped content and runs the real binary.

mod common;

use std::fs;

use common::{Project, TOPIC, check_says, stderr, stdout};

use leafpress::review::sheet;
use std::path::PathBuf;

const AN: &str = "Nguyễn Văn An";

/// The lines of `after` that are not in `before` and those of `before` not in `after`
/// (a line-set difference: enough to say what an import changed in a file).
fn changed_lines(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
    let b: Vec<&str> = before.lines().collect();
    let a: Vec<&str> = after.lines().collect();
    let added = a
        .iter()
        .filter(|l| !b.contains(l))
        .map(|l| l.to_string())
        .collect();
    let removed = b
        .iter()
        .filter(|l| !a.contains(l))
        .map(|l| l.to_string())
        .collect();
    (added, removed)
}

/// A PO file as a CAT tool leaves it after a reviewer approved every string: no `fuzzy`.
fn approve_all_po(po: &str) -> String {
    po.replace(
        "#, fuzzy, python-brace-format\n",
        "#, python-brace-format\n",
    )
    .replace("#, fuzzy\n", "")
}

/// The draft band's text and the "reviewed on" line of `vi`, without spaces (as
/// `common::flowed_text` gives the text).
const VI_DRAFT: &str = "Bảndịchnháp:chưađượcngườibảnngữkiểmtra.";
const VI_REVIEWED: &str = "Bảndịchđãđượcngườibảnngữkiểmtravàongày7tháng12năm2026.";

/// Lays out a leaflet of the copy's content in memory.
fn render(p: &Project, template: &str, tag: &str) -> leafpress::fit::Rendered {
    let content = p.content();
    let topic = &content.topics[0];
    leafpress::fit::render_one(common::engine(), topic, template, &topic.langs[tag], false)
        .unwrap_or_else(|e| panic!("{template}-{tag}: {e:?}"))
}

#[test]
fn a_record_is_bound_to_the_text_it_approved_and_an_edit_voids_it() {
    let p = Project::new();
    let out = p.run(&[
        "review",
        "accept",
        "--lang",
        "vi",
        "--reviewer",
        AN,
        "--on",
        "2026-12-07",
        "--template",
        "faq",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "content/mynumber-health-insurance/vi.toml: 18 block(s) recorded as reviewed by {AN} on 2026-12-07\nvi: faq reviewed, guide partly reviewed\n"
        )
    );
    // The record sits in the block, right after translated-from.
    let vi = p.read(&format!("{TOPIC}/vi.toml"));
    let at = vi.find("[faq-lead]\ntranslated-from = \"fa46a0e1\"\nreviewed = { by = \"Nguyễn Văn An\", on = \"2026-12-07\", source = \"");
    assert!(at.is_some(), "{vi}");
    assert_eq!(vi.matches("\nreviewed = {").count(), 18);

    let status = p.run(&["status", "--template", "faq", "--fail-unreviewed"]);
    assert_eq!(status.status.code(), Some(1));
    assert!(
        stdout(&status)
            .contains("vi           18 / 18        0         0     100%   18 / 18  reviewed\n"),
        "{}",
        stdout(&status)
    );
    assert!(
        stdout(&status)
            .contains("es           18 / 18        0         0     100%    0 / 18  draft\n")
    );
    assert!(
        stderr(&status)
            .contains("error: es (faq) has 18 block(s) not reviewed by a native speaker\n")
    );
    assert!(!stderr(&status).contains("vi (faq)"), "{}", stderr(&status));

    // Editing the translation voids its block's review; so does editing the English.
    p.edit(
        "vi.toml",
        "Thẻ bảo hiểm y tế cũ",
        "Thẻ bảo hiểm y tế kiểu cũ",
    );
    p.edit(
        "en.toml",
        "heading = \"Where to ask\"",
        "heading = \"Where to ask for help\"",
    );
    let status = stdout(&p.run(&["status", "--template", "faq"]));
    assert!(
        status.contains(
            "vi           18 / 18        0         1      94%   16 / 18  partly reviewed\n          outdated: [faq-contact]\n          changed since review: [faq-contact]\n          changed since review: [faq-lead]\n"
        ),
        "{status}"
    );
    // A voided record is not an error: the text is simply no longer reviewed.
    let check = p.run(&["check", "--today", "2026-11-21"]);
    assert_eq!(
        stdout(&check),
        "0 error(s), 0 warning(s)\n",
        "{}",
        stderr(&check)
    );
    let list = stdout(&p.run(&["list"]));
    assert!(
        list.lines().any(
            |l| l.starts_with("    vi ") && l.ends_with(" Tiếng Việt          partly reviewed")
        ),
        "{list}"
    );
    assert!(
        list.lines()
            .any(|l| l.starts_with("    es ") && l.ends_with(" Español             draft")),
        "{list}"
    );
}

#[test]
fn the_draft_band_prints_until_every_printed_block_is_reviewed() {
    let p = Project::new();
    let accept = |extra: &[&str]| {
        let mut args = vec![
            "review",
            "accept",
            "--lang",
            "vi",
            "--reviewer",
            AN,
            "--on",
            "2026-12-07",
        ];
        args.extend_from_slice(extra);
        let out = p.run(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        out
    };
    // Every block of the FAQ but one: still a draft on every page.
    let content = p.content();
    let topic = &content.topics[0];
    let mut blocks: Vec<String> = topic.langs["en"]
        .blocks
        .keys()
        .filter(|n| topic.prints("faq", n) && n.as_str() != "faq-footer")
        .cloned()
        .collect();
    let args: Vec<String> = blocks
        .drain(..)
        .flat_map(|b| ["--block".to_owned(), b])
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    accept(&args);
    let faq = render(&p, "faq", "vi");
    let text = common::flowed_text(&faq.document);
    assert_eq!(text.matches(VI_DRAFT).count(), faq.pages, "{text}");
    assert!(!text.contains(VI_REVIEWED));

    // The last one: the band goes, and the leaflet says, small, when it was reviewed.
    let out = accept(&["--block", "faq-footer"]);
    assert_eq!(
        stdout(&out),
        format!(
            "content/mynumber-health-insurance/vi.toml: 1 block(s) recorded as reviewed by {AN} on 2026-12-07\nvi: faq reviewed, guide partly reviewed\n"
        )
    );
    let faq = render(&p, "faq", "vi");
    let text = common::flowed_text(&faq.document);
    assert!(!text.contains(VI_DRAFT), "{text}");
    assert_eq!(text.matches(VI_REVIEWED).count(), faq.pages, "{text}");
    // The guide prints blocks nobody has reviewed yet: still a draft.
    let guide = render(&p, "guide", "vi");
    assert!(common::flowed_text(&guide.document).contains(VI_DRAFT));

    // What `build` writes is that document, and the manifest and counter page say so.
    let out = p.run(&["build", "--out", "out", "--lang", "vi"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        fs::read(p.path("out/mynumber-health-insurance-faq-vi.pdf")).unwrap() == faq.pdf,
        "the built PDF is not the document laid out here"
    );
    let manifest = p.read("out/manifest.json");
    let level = |file: &str| {
        let at = manifest.find(&format!("\"file\": \"{file}\"")).unwrap();
        let rest = &manifest[at..];
        let t = rest.find("\"translation\": \"").unwrap() + 16;
        rest[t..t + rest[t..].find('"').unwrap()].to_owned()
    };
    assert_eq!(level("mynumber-health-insurance-faq-vi.pdf"), "reviewed");
    assert_eq!(
        level("mynumber-health-insurance-guide-vi.pdf"),
        "partly-reviewed"
    );
    let index = p.read("out/index.html");
    assert!(index.contains("<p class=\"status partly-reviewed\">翻訳（一部のみ確認済み） <span lang=\"en\">translation partly reviewed by a native speaker</span> · 2026-11-21</p>"), "{index}");
    assert!(index.contains("<span class=\"status reviewed\">翻訳（確認済み） <span lang=\"en\">translation reviewed by a native speaker</span></span>"));

    // The other languages' leaflets are untouched: still drafts.
    let es = render(&p, "faq", "es");
    assert!(common::flowed_text(&es.document).contains("Traducciónprovisional"));
}

#[test]
fn a_po_round_trip_changes_exactly_the_strings_changed_and_records_the_review() {
    let p = Project::new();
    let out = p.run(&[
        "review",
        "export",
        "--lang",
        "vi",
        "--template",
        "faq",
        "--format",
        "po",
        "--out",
        "vi.po",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let po = p.read("vi.po");
    // (every string of the leaflet: as many as the file has entries, not counting its
    // header)
    let strings = po.matches("\nmsgid \"").count() - 1;
    assert!(strings > 100, "{strings}");
    assert_eq!(
        stdout(&out),
        format!("vi.po: vi ({strings} strings in 18 blocks)\n")
    );
    // A draft is fuzzy; placeholders are listed, protected by a format flag, and what
    // they print is in the notes.
    assert!(po.contains(
        "# Placeholders, keep them as they are: {date:new-cards-stopped} {date:old-cards-last-day} {date:expired-cards-accepted-until}\n\
         #. [faq-lead] paragraphs, item 2 of 3; printed in: faq\n\
         #. Facts, filled in when printed: {date:new-cards-stopped} = 2 December 2024 (in Tiếng Việt: ngày 2 tháng 12 năm 2024); {date:old-cards-last-day} = 1 December 2025 (in Tiếng Việt: ngày 1 tháng 12 năm 2025); {date:expired-cards-accepted-until} = 31 March 2026 (in Tiếng Việt: ngày 31 tháng 3 năm 2026)\n\
         #. Draft: not yet reviewed\n"
    ), "{po}");
    assert!(po.contains("#, fuzzy, python-brace-format\nmsgctxt \"faq-lead.paragraphs.2\"\n"));
    assert!(po.contains(
        "#. Japanese official terms, printed in Japanese: {ja:certificate} = 資格確認書\n"
    ));
    assert_eq!(
        po.matches("\n#, fuzzy").count(),
        strings,
        "every draft string is fuzzy"
    );

    // The reviewer corrects one string and approves all (clears every fuzzy flag).
    let before = p.read(&format!("{TOPIC}/vi.toml"));
    let guide_before = p.read(&format!("{TOPIC}/guide/vi.toml"));
    let reviewed = approve_all_po(&po).replace(
        "msgctxt \"faq-question.answer-label\"\nmsgid \"A\"\nmsgstr \"Đáp\"",
        "msgctxt \"faq-question.answer-label\"\nmsgid \"A\"\nmsgstr \"Trả lời\"",
    );
    assert_ne!(reviewed, approve_all_po(&po));
    fs::write(p.path("vi.po"), reviewed).unwrap();
    let out = p.run(&[
        "review",
        "import",
        "vi.po",
        "--reviewer",
        AN,
        "--on",
        "2026-12-07",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "reviewer: {AN} (from --reviewer)\ncontent/mynumber-health-insurance/vi.toml: 1 string(s) changed; 18 block(s) recorded as reviewed by {AN} on 2026-12-07\nvi: faq reviewed, guide partly reviewed\n"
        )
    );
    let after = p.read(&format!("{TOPIC}/vi.toml"));
    let (added, removed) = changed_lines(&before, &after);
    assert_eq!(removed, ["answer-label = \"Đáp\""]);
    let (records, other): (Vec<&String>, Vec<&String>) = added.iter().partition(|l| {
        l.starts_with("reviewed = { by = \"Nguyễn Văn An\", on = \"2026-12-07\", source = \"")
    });
    assert_eq!(records.len(), 18, "{added:?}");
    assert_eq!(other, ["answer-label = \"Trả lời\""]);
    // Comments, order and layout kept: removing the new lines gives the old file back.
    let stripped: Vec<&str> = after
        .lines()
        .filter(|l| !l.starts_with("reviewed = "))
        .collect();
    assert_eq!(
        stripped.join("\n") + "\n",
        before.replace("answer-label = \"Đáp\"", "answer-label = \"Trả lời\"")
    );
    assert!(after.starts_with("# Tiếng Việt (Vietnamese). Draft translation from en.toml.\n"));
    assert_eq!(p.read(&format!("{TOPIC}/guide/vi.toml")), guide_before);

    // The leaflet prints the new text, without the draft band.
    let faq = render(&p, "faq", "vi");
    let text = common::flowed_text(&faq.document);
    assert!(text.contains("Trảlời"), "{text}");
    assert!(!text.contains(VI_DRAFT));

    // Exported again, the reviewed strings are no longer fuzzy.
    p.run(&[
        "review",
        "export",
        "--lang",
        "vi",
        "--template",
        "faq",
        "--format",
        "po",
        "--out",
        "again.po",
    ]);
    let again = p.read("again.po");
    assert_eq!(again.matches("\n#, fuzzy").count(), 0);
    assert!(again.contains(&format!("#. Reviewed by {AN} on 2026-12-07\n")));
}

#[test]
fn an_xliff_import_without_a_reviewer_merges_the_text_and_records_nothing() {
    let p = Project::new();
    let out = p.run(&[
        "review",
        "export",
        "--lang",
        "ja",
        "--template",
        "guide",
        "--format",
        "xliff",
        "--out",
        "ja.xlf",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let xlf = p.read("ja.xlf");
    assert!(xlf.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\""));
    assert!(xlf.contains("<target state=\"needs-review-translation\">"));
    assert!(!xlf.contains("xml:space=\"preserve\" approved=\"yes\""));
    assert!(xlf.contains("<ph id=\"1\" ctype=\"x-leafpress-placeholder\" equiv-text=\"{phone:card-fallback}\">{phone:card-fallback}</ph>"));
    // A CAT tool: one target changed, every unit approved.
    let approved = xlf.replace("\" lp:source-hash=", "\" approved=\"yes\" lp:source-hash=");
    let old = "<target state=\"needs-review-translation\">ガイド</target>";
    assert!(approved.contains(old));
    let before = p.snapshot();
    fs::write(
        p.path("ja.xlf"),
        approved.replacen(old, "<target state=\"translated\">ガイド（改）</target>", 1),
    )
    .unwrap();
    let out = p.run(&["review", "import", "ja.xlf"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("approved in the file, but no reviewer is named (--reviewer NAME, or a <phase process-name=\"review\" contact-name=\"…\"> in the file): no review recorded"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        stdout(&out),
        "content/mynumber-health-insurance/guide/ja.toml: 1 string(s) changed\nja: faq draft, guide draft\n"
    );
    let after = p.snapshot();
    let changed: Vec<&PathBuf> = after
        .keys()
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert_eq!(changed, [&p.path(&format!("{TOPIC}/guide/ja.toml"))]);
    let guide = p.read(&format!("{TOPIC}/guide/ja.toml"));
    assert!(guide.contains("label = \"ガイド（改）\""), "{guide}");
    assert!(!guide.contains("reviewed = "));

    // The reviewer named in the file (an XLIFF review phase) is the record's.
    let xlf = p.read("ja.xlf").replace(
        "<header>",
        "<header>\n      <phase-group><phase phase-name=\"review-1\" process-name=\"review\" contact-name=\"田中 花子\"/></phase-group>",
    );
    fs::write(p.path("ja.xlf"), xlf).unwrap();
    let out = p.run(&["review", "import", "ja.xlf", "--on", "2026-12-08"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("reviewer: 田中 花子 (from the file)\n"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).ends_with("ja: faq partly reviewed, guide reviewed\n"),
        "{}",
        stdout(&out)
    );
    let guide = p.read(&format!("{TOPIC}/guide/ja.toml"));
    assert_eq!(
        guide
            .matches("reviewed = { by = \"田中 花子\", on = \"2026-12-08\"")
            .count(),
        11
    );
}

#[test]
fn an_import_that_fails_writes_nothing() {
    let p = Project::new();
    p.run(&[
        "review",
        "export",
        "--lang",
        "vi",
        "--template",
        "faq",
        "--format",
        "po",
        "--out",
        "vi.po",
    ]);
    let po = approve_all_po(&p.read("vi.po"));
    let import = |po: &str| {
        let before = p.snapshot();
        fs::write(p.path("vi.po"), po).unwrap();
        let out = p.run(&["review", "import", "vi.po", "--reviewer", AN]);
        assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
        assert_eq!(stdout(&out), "");
        let mut now = p.snapshot();
        now.remove(&p.path("vi.po"));
        let mut was = before.clone();
        was.remove(&p.path("vi.po"));
        assert!(now == was, "an import that failed wrote files");
        stderr(&out)
    };
    // A placeholder lost, a unit that is not there, and one good change: nothing applied.
    let bad = po
        .replace(
            "msgstr \"Tạm dừng sử dụng khi bị mất hoặc bị trộm: {hours:suspension}.\"",
            "msgstr \"Tạm dừng sử dụng khi bị mất hoặc bị trộm.\"",
        )
        .replace("msgctxt \"faq-steps.step\"", "msgctxt \"faq-steps.stepp\"")
        .replace("msgstr \"Đáp\"", "msgstr \"Trả lời\"");
    let err = import(&bad);
    let line = |ctxt: &str| {
        let at = bad.find(&format!("msgctxt \"{ctxt}\"")).unwrap();
        // the entry starts at its first comment line
        let start = bad[..at].rfind("\n\n").unwrap() + 2;
        bad[..start].lines().count() + 1
    };
    assert_eq!(
        err,
        format!(
            "vi.po:{}:1: error: unit `faq-steps.stepp` is not a string of `vi`\n\
             \x20 hint: it may have been renamed or removed from the source since the export: export the language again\n\
             vi.po:{}:1: error: unit `hotline-card.notes.1`: the translation lacks {{hours:suspension}} of the source text\n\
             \x20 hint: placeholders are filled in from the facts when the leaflet is printed: keep each one of the source text as it is written ({{ja:…}} terms may be left out or added)\n\
             error: vi.po: 2 problem(s); nothing was written\n",
            line("faq-steps.stepp"),
            line("hotline-card.notes.1")
        )
    );
    // The English changed since the export: the unit is refused by name.
    p.edit(
        "en.toml",
        "answer-label = \"A\"",
        "answer-label = \"Answer\"",
    );
    let err = import(&po.replace("msgstr \"Đáp\"", "msgstr \"Trả lời\""));
    assert!(
        err.contains(": error: unit `faq-question.answer-label`: the en text has changed since the export\n  hint: export `vi` again and review this string against the current en text: it is not applied\n"),
        "{err}"
    );
    p.edit(
        "en.toml",
        "answer-label = \"Answer\"",
        "answer-label = \"A\"",
    );
    // Everything `check` checks, before anything is written: a character no font has…
    let err = import(&po.replace("msgstr \"Đáp\"", "msgstr \"Đáp 𓀀\""));
    assert_eq!(
        err,
        "content/mynumber-health-insurance/vi.toml:81:21: error: U+13000 '𓀀' is not in any font for vi\n\
         \x20 hint: fonts for vi: Noto Sans, Noto Sans CJK JP\n\
         error: `vi`: the result would not pass `leafpress check`; nothing was written\n"
    );
    // …and a text too long for the leaflet's two pages.
    let long = "Thẻ bảo hiểm y tế cũ không còn dùng được nữa. ".repeat(30);
    let mut longer = po.clone();
    for start in [
        "Thẻ bảo hiểm y tế cũ (",
        "Thẻ bảo hiểm y tế mới",
        "Thẻ My Number chỉ",
    ] {
        let at = format!("msgstr \"{start}");
        assert!(longer.contains(&at), "{start}");
        longer = longer.replacen(&at, &format!("msgstr \"{long}{start}"), 1);
    }
    let err = import(&longer);
    assert!(
        err.contains("error: the faq leaflet in `vi` needs 3 pages even at 85 % type size; the template allows 2"),
        "{err}"
    );
}

#[test]
fn accept_records_only_current_translations() {
    let p = Project::new();
    p.edit(
        "en.toml",
        "heading = \"Did you know?\"",
        "heading = \"Good to know\"",
    );
    let vi = p.path(&format!("{TOPIC}/vi.toml"));
    let text = fs::read_to_string(&vi).unwrap();
    fs::write(&vi, text.replacen("question-label = \"Hỏi\"\n", "", 1)).unwrap();
    let before = p.snapshot();
    let out = p.run(&[
        "review",
        "accept",
        "--lang",
        "vi",
        "--reviewer",
        AN,
        "--template",
        "faq",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "content/mynumber-health-insurance/vi.toml: error: [faq-question] is not (fully) translated\n\
         \x20 hint: translate it (and type in the reviewer's corrections), then accept\n\
         content/mynumber-health-insurance/vi.toml: error: [faq-did-you-know] was translated from another version of the en text\n\
         \x20 hint: bring it up to date, stamp it (leafpress stamp --lang vi --block faq-did-you-know), print a new sheet, then accept\n\
         error: `vi`: 2 block(s) cannot be recorded as reviewed; nothing was written\n"
    );
    assert!(p.snapshot() == before);
    let out = p.run(&[
        "review",
        "accept",
        "--lang",
        "vi",
        "--reviewer",
        AN,
        "--block",
        "faq-lead",
        "--block",
        "faq-leed",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: no block `faq-leed` in `vi`; did you mean `faq-lead`?\n"
    );
    let out = p.run(&["review", "accept", "--lang", "en", "--reviewer", AN]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: `en` is the source language: translations are reviewed against it\n"
    );
    let out = p.run(&["review", "accept", "--lang", "vi", "--reviewer", "  "]);
    assert_eq!(out.status.code(), Some(2));
    assert!(p.snapshot() == before);
}

#[test]
fn reviewed_is_never_typed_in_meta() {
    let p = Project::new();
    p.edit(
        "vi.toml",
        "translation = \"draft\"",
        "translation = \"reviewed\"",
    );
    check_says(
        &p,
        "content/mynumber-health-insurance/vi.toml:7:15: error: `translation = \"reviewed\"` cannot be typed: a review is recorded per block (`reviewed = { by, on, source, text }`), and a language is reviewed once every block its leaflets print is
  hint: keep translation = \"draft\"; `leafpress review accept` or `review import` records a native speaker's review, and `leafpress status` shows what is reviewed",
    );
}

#[test]
fn a_malformed_review_record_is_refused_where_it_is() {
    let p = Project::new();
    p.edit(
        "vi.toml",
        "[faq-lead]\n",
        "[faq-lead]\nreviewed = { by = \"\", on = \"2026-13-07\", source = \"abc\", txt = \"x\" }\n",
    );
    p.edit(
        "vi.toml",
        "[faq-question]\n",
        "[faq-question]\nreviewed = \"yes\"\n",
    );
    p.edit(
        "vi.toml",
        "[faq-steps]\n",
        "[faq-steps]\nreviewed = { by = \"An\", on = 2026-12-07, source = \"0123456789abcdef0123456789abcdef\", text = 5 }\n",
    );
    p.edit(
        "en.toml",
        "[faq-contact]\n",
        "[faq-contact]\nreviewed = { by = \"An\", on = \"2026-12-07\", source = \"0123456789abcdef0123456789abcdef\", text = \"0123456789abcdef0123456789abcdef\" }\n",
    );
    check_says(
        &p,
        "content/mynumber-health-insurance/en.toml:113:12: error: [faq-contact] of the source language `en` has a review record
  hint: a review records that a translation says what the en text says: delete `reviewed` here
content/mynumber-health-insurance/vi.toml:65:12: error: `faq-lead.reviewed` has no `text`
  hint: write reviewed = { by = \"<name>\", on = \"YYYY-MM-DD\", source = \"<hash>\", text = \"<hash>\" }, as `leafpress review accept` or `review import` writes it
content/mynumber-health-insurance/vi.toml:65:14: error: `faq-lead.reviewed.by` is empty
  hint: name the reviewer, as they want to be named in the record
content/mynumber-health-insurance/vi.toml:65:23: error: `faq-lead.reviewed.on` is `2026-13-07`, not a date
  hint: write the day of the review as an ISO date: YYYY-MM-DD
content/mynumber-health-insurance/vi.toml:65:42: error: `faq-lead.reviewed.source` is `abc`, not a review hash
  hint: a review hash is 32 lowercase hex digits; let `leafpress review accept` write the record
content/mynumber-health-insurance/vi.toml:65:58: error: unknown key `txt` in `faq-lead.reviewed`
  hint: did you mean `text`?
content/mynumber-health-insurance/vi.toml:74:12: error: `faq-question.reviewed` must be a table with the reviewer, the date and two hashes, not a string
  hint: write reviewed = { by = \"<name>\", on = \"YYYY-MM-DD\", source = \"<hash>\", text = \"<hash>\" }, as `leafpress review accept` or `review import` writes it
content/mynumber-health-insurance/vi.toml:82:87: error: `faq-steps.reviewed.text` must be a string, not an integer
  hint: write reviewed = { by = \"<name>\", on = \"YYYY-MM-DD\", source = \"<hash>\", text = \"<hash>\" }, as `leafpress review accept` or `review import` writes it",
    );
    // A malformed record fails the language's leaflets in `build` too.
    let out = p.run(&[
        "build",
        "--out",
        "out",
        "--lang",
        "vi",
        "--message-format",
        "short",
    ]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn the_review_sheet_shows_every_block_its_english_and_the_facts_resolved() {
    let content = common::content();
    let topic = &content.topics[0];
    let source = topic.source().unwrap();
    // The phone numbers the English text names ({phone:…}), as they are printed.
    let phones: Vec<&str> = source
        .blocks
        .values()
        .flat_map(|b| b.fields.values())
        .flat_map(|f| match f.get_ref() {
            leafpress::content::Field::Text(t) => vec![t.clone()],
            leafpress::content::Field::List(items) => {
                items.iter().map(|i| i.get_ref().clone()).collect()
            }
        })
        .flat_map(|s| {
            leafpress::content::text::placeholders(&s)
                .filter(|(k, _)| *k == "phone")
                .map(|(_, id)| topic.facts.phones[id].number.as_str())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(phones.len() >= 3, "{phones:?}");
    for tag in common::languages() {
        let lang = &topic.langs[&tag];
        if tag == source.tag {
            continue;
        }
        let data = sheet::build(topic, lang, &[]).unwrap();
        let s = sheet::render(common::engine(), data).unwrap();
        let text = common::flowed_text(&s.document);
        let lines = common::all_text(&s.document);
        assert!(s.pages >= 10, "{tag}: {} pages", s.pages);
        // every block the leaflets print, by id; never the sheet's own words
        for (name, _) in source
            .blocks
            .iter()
            .filter(|(n, _)| topic.facts.templates.iter().any(|t| topic.prints(t, n)))
        {
            assert!(lines.contains(name.as_str()), "{tag}: no [{name}]");
        }
        assert!(!lines.contains("review-sheet"), "{tag}");
        // every English string, as printed
        let en: String = leafpress::review::blocks(topic, lang, &[], false)
            .iter()
            .flat_map(|b| b.units.clone())
            .map(|u| {
                leafpress::review::plain(&leafpress::review::as_printed(
                    topic, source, u.block, u.source,
                ))
            })
            .collect::<Vec<_>>()
            .join("\u{0}");
        for s in en.split('\u{0}') {
            let flat: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(text.contains(&flat), "{tag}: missing English {s:?}");
        }
        // the facts resolved, never a placeholder
        for phone in &phones {
            assert!(text.contains(phone), "{tag}: no {phone}");
        }
        assert!(
            !text.contains("{phone:") && !text.contains("{ja:") && !text.contains("{date:"),
            "{tag}"
        );
        // the reviewer's words, their language's and the English
        // (word by word: a right-to-left line's words are laid out from the right)
        let sheet_words =
            |l: &leafpress::content::Lang| match l.blocks["review-sheet"].fields["title"].get_ref()
            {
                leafpress::content::Field::Text(t) => {
                    t.split_whitespace().map(str::to_owned).collect::<Vec<_>>()
                }
                _ => unreachable!(),
            };
        // (typst sets a Nastaliq word as several pieces along its slope: the Urdu title is
        // looked for in the document's title, which the sheet sets from it)
        let nastaliq = tag == "ur";
        let mut words = sheet_words(source);
        if !nastaliq {
            words.extend(sheet_words(lang));
        }
        for word in &words {
            assert!(text.contains(word.as_str()), "{tag}: no {word:?}");
        }
        if nastaliq {
            let title = sheet_words(lang).join(" ");
            assert!(
                String::from_utf8_lossy(&s.pdf).contains(&title),
                "{tag}: no {title:?}"
            );
        }
        // a tagged PDF with its fonts embedded, its language and title
        let pdf = String::from_utf8_lossy(&s.pdf);
        assert!(
            pdf.contains("/StructTreeRoot") && pdf.contains("/MarkInfo"),
            "{tag}"
        );
        assert!(pdf.contains("/FontFile"), "{tag}");
        assert!(
            !pdf.contains("/Type/Font/Subtype/Type1/BaseFont/Helvetica"),
            "{tag}"
        );
        assert!(
            pdf.contains("pdfuaid:part") && pdf.contains("<dc:title>"),
            "{tag}"
        );
    }
}

#[test]
fn review_export_writes_the_sheet_and_refuses_the_source_language() {
    let p = Project::new();
    let out = p.run(&[
        "review", "export", "--lang", "th", "--format", "sheet", "--out", "th.pdf",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(
        said.starts_with("th.pdf: th (") && said.ends_with(" pages, 29 blocks)\n"),
        "{said}"
    );
    assert!(fs::read(p.path("th.pdf")).unwrap().starts_with(b"%PDF-"));
    let out = p.run(&["review", "export", "--lang", "en", "--format", "po"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: `en` is the source language: translations are reviewed against it\n"
    );
    let out = p.run(&["review", "export", "--lang", "xx", "--format", "po"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(&format!(
            "error: no content for language `xx`; languages found: {}\n",
            common::languages().join(", ")
        )),
        "{}",
        stderr(&out)
    );
}
