//! The promises at the edges, tried as a careless or hostile user would: a leaflet that was
//! not written is always a failure; nothing outside the project's folders is read; a failed
//! run never replaces or unlists an earlier good leaflet; the output folder has one writer at
//! a time; names and text that reach a file, a link or a log are safe. Each case runs the
//! real binary on a copy of the shipped content.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{Project, TOPIC, copy_dir, stderr, stdout};

/// Runs leafpress and fails the test if it takes longer than `secs` (a FIFO read would
/// hang it forever).
fn run_within(p: &Project, args: &[&str], secs: u64) -> Output {
    let child = p
        .command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output().unwrap()));
    rx.recv_timeout(Duration::from_secs(secs))
        .unwrap_or_else(|_| {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("leafpress {args:?} did not finish within {secs} s (it hangs)")
        })
}

/// Every file of the folder (and its images) with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut all = BTreeMap::new();
    for sub in ["", "previews", "thumbnails", "qr"] {
        let Ok(rd) = fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for e in rd.flatten() {
            if e.file_type().unwrap().is_file() {
                let name = Path::new(sub).join(e.file_name());
                all.insert(name.display().to_string(), fs::read(e.path()).unwrap());
            }
        }
    }
    all
}

/// `sha256sum -c SHA256SUMS` in the folder: every line's file has that sum.
fn sums_check(dir: &Path) {
    let sums = fs::read_to_string(dir.join("SHA256SUMS")).expect("SHA256SUMS");
    for (file, sum) in leafpress::publish::read_sha256sums(&sums) {
        let bytes = fs::read(dir.join(&file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            leafpress::publish::sha256_hex(&bytes),
            sum,
            "sha256sum -c fails on {file}"
        );
    }
}

/// The manifest's leaflets by file: (sha256, from an earlier build).
fn manifest(dir: &Path) -> BTreeMap<String, (String, bool)> {
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    m["leaflets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["file"].as_str().unwrap().to_owned(),
                (
                    l["sha256"].as_str().unwrap().to_owned(),
                    l["from-earlier-build"].as_bool().unwrap(),
                ),
            )
        })
        .collect()
}

/// The manifest, the checksums and the files agree.
fn folder_is_consistent(dir: &Path) {
    sums_check(dir);
    let sums: BTreeMap<String, String> =
        leafpress::publish::read_sha256sums(&fs::read_to_string(dir.join("SHA256SUMS")).unwrap())
            .into_iter()
            .collect();
    for (file, (sha, _)) in manifest(dir) {
        assert_eq!(
            sums.get(&file),
            Some(&sha),
            "{file}: manifest and SHA256SUMS"
        );
    }
    let temporaries: Vec<String> = files(dir)
        .into_keys()
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(temporaries.is_empty(), "left behind: {temporaries:?}");
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a NUL-terminated path that lives across the call.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
}

// ---- 1–3: the plan is the folder -----------------------------------------------------------

#[test]
fn a_language_file_that_is_a_folder_a_dangling_link_or_a_fifo_fails_its_leaflets() {
    type Make = fn(&Path);
    let cases: [(&str, Make, &str); 3] = [
        (
            "a folder",
            |p| fs::create_dir(p).unwrap(),
            "it is a folder, not a regular file",
        ),
        (
            "a dangling link",
            |p| symlink("nowhere.toml", p).unwrap(),
            "it is a link to nowhere.toml, which does not exist",
        ),
        (
            "a FIFO",
            mkfifo,
            "it is a FIFO (named pipe), not a regular file",
        ),
    ];
    for (what, make, says) in cases {
        let p = Project::new();
        let vi = p.path(&format!("{TOPIC}/vi.toml"));
        fs::remove_file(&vi).unwrap();
        make(&vi);
        for args in [
            &["build", "--out", "out", "--lang", "vi", "--lang", "en"][..],
            &["check"][..],
        ] {
            let out = run_within(&p, args, 300);
            let text = stdout(&out) + &stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{what}, {args:?}: {text}");
            assert!(
                text.contains(&format!(
                    "content/mynumber-health-insurance/vi.toml: error: cannot read the file: {says}"
                )),
                "{what}: {text}"
            );
        }
        let out = run_within(
            &p,
            &["build", "--out", "out", "--lang", "vi", "--lang", "en"],
            300,
        );
        assert!(
            stderr(&out).ends_with("2 of 4 leaflet(s) failed; 2 written\n"),
            "{what}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn a_template_file_without_its_language_file_fails_build_exactly_as_check() {
    let p = Project::new();
    fs::rename(
        p.path(&format!("{TOPIC}/vi.toml")),
        p.path(&format!("{TOPIC}/vi.toml.bak")),
    )
    .unwrap();
    let out = p.run(&["build", "--out", "out", "--template", "guide"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let guides = common::languages().len();
    for line in [
        "content/mynumber-health-insurance/guide/vi.toml: error: there is no language file vi.toml\n".to_owned(),
        "content/mynumber-health-insurance/vi.toml.bak: warning: not used by leafpress\n".to_owned(),
        "error: mynumber-health-insurance-guide-vi: not built, 1 error(s) above in content/mynumber-health-insurance/guide/vi.toml\n".to_owned(),
        format!("1 of {guides} leaflet(s) failed; {} written\n", guides - 1),
    ] {
        assert!(err.contains(&line), "{line}\n{err}");
    }
    let build = p.run(&["build", "--out", "out"]);
    let err = stderr(&build);
    assert_eq!(build.status.code(), Some(1));
    let check = p.run(&["check"]);
    assert_eq!(check.status.code(), Some(1));
    // one function decides for both: the same problems
    let problems = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.contains(": error: ") || l.contains(": warning: "))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(problems(&stdout(&check)), problems(&err));
}

#[test]
fn a_topic_folder_without_facts_is_an_error_and_its_leaflets_fail() {
    let p = Project::new();
    fs::create_dir(p.path("content/second-topic")).unwrap();
    fs::copy(
        p.path(&format!("{TOPIC}/en.toml")),
        p.path("content/second-topic/en.toml"),
    )
    .unwrap();
    fs::write(p.path("content/notes.txt"), "not a topic").unwrap();
    let out = p.run(&["build", "--out", "out", "--lang", "en"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for line in [
        "content/notes.txt: warning: not used by leafpress\n",
        "content/second-topic/facts.toml: error: this topic folder has no facts.toml\n",
        "error: second-topic-faq-en: not built, 1 error(s) above in content/second-topic/facts.toml\n",
        "2 of 4 leaflet(s) failed; 2 written\n",
    ] {
        assert!(err.contains(line), "{line}\n{err}");
    }
    assert_eq!(p.run(&["check"]).status.code(), Some(1));
}

// ---- 4–5: the sandbox is the folders -------------------------------------------------------

/// A copy of the templates in the project, with `faq.typ` reading `file` at its top.
fn templates_reading(p: &Project, file: &str) {
    copy_dir(&common::project().join("templates"), &p.path("templates"));
    let faq = p.path("templates/faq.typ");
    let text = fs::read_to_string(&faq).unwrap().replacen(
        "#import \"common.typ\": *\n",
        &format!("#import \"common.typ\": *\n#let _ = read(\"{file}\")\n"),
        1,
    );
    fs::write(&faq, text).unwrap();
}

#[test]
fn a_link_in_the_templates_that_leads_out_is_never_read() {
    let p = Project::new();
    fs::write(p.path("secret.txt"), "LEAFPRESS-SECRET").unwrap();
    templates_reading(&p, "evil.txt");
    symlink(p.path("secret.txt"), p.path("templates/evil.txt")).unwrap();
    let args = [
        "build",
        "--out",
        "out",
        "--lang",
        "en",
        "--templates",
        "templates",
    ];
    let out = p.run(&args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.starts_with("templates/evil.txt: error: cannot be read by a template: it is a link that leads outside its folder (to "),
        "{err}"
    );
    let faq = fs::read_to_string(p.path("templates/faq.typ")).unwrap();
    let line = 1 + faq
        .lines()
        .position(|l| l == "#let _ = read(\"evil.txt\")")
        .unwrap();
    assert!(err.contains(&format!("templates/faq.typ:{line}:15: error: failed to load file (templates/evil.txt: it is a link that leads outside its folder")), "{err}");
    assert!(err.contains("error: mynumber-health-insurance-faq-en: not built\n"));
    for (name, bytes) in files(&p.path("out")) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("LEAFPRESS-SECRET"), "{name}");
    }
    // a link that stays inside the folder is read
    fs::remove_file(p.path("templates/evil.txt")).unwrap();
    fs::write(p.path("templates/inside.txt"), "fine").unwrap();
    symlink("inside.txt", p.path("templates/evil.txt")).unwrap();
    let out = p.run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_device_or_a_fifo_in_the_templates_is_refused_without_hanging() {
    for (what, make) in [
        (
            "a link to /dev/zero",
            (|p: &Path| symlink("/dev/zero", p).unwrap()) as fn(&Path),
        ),
        ("a FIFO", mkfifo),
    ] {
        let p = Project::new();
        templates_reading(&p, "x");
        make(&p.path("templates/x"));
        let out = run_within(
            &p,
            &[
                "build",
                "--out",
                "out",
                "--lang",
                "en",
                "--template",
                "faq",
                "--templates",
                "templates",
            ],
            120,
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{what}: {err}");
        assert!(
            err.starts_with("templates/x: error: cannot be read by a template: it is "),
            "{what}: {err}"
        );
        assert!(!p.path("out/mynumber-health-insurance-faq-en.pdf").exists());
    }
}

// ---- 6, 12: a failure never replaces or unlists a good leaflet -----------------------------

/// Runs leafpress with writes limited to `max_bytes` per file (as on a full disk: a write
/// past the limit fails with EFBIG; SIGXFSZ ignored, as `prlimit --fsize` in a shell that
/// traps it).
fn run_with_file_size_limit(p: &Project, args: &[&str], max_bytes: u64) -> Output {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_leafpress"));
    cmd.current_dir(p.dir.path()).args(args);
    cmd.arg("--fonts").arg(common::project().join("fonts"));
    cmd.arg("--templates")
        .arg(common::project().join("templates"));
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: max_bytes,
                rlim_max: max_bytes,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.output().unwrap()
}

#[test]
fn a_full_disk_never_replaces_the_good_pdf_and_the_checksums_still_hold() {
    let p = Project::new();
    let out = p.run(&["build", "--out", "out", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let good = files(&p.path("out"));
    p.edit(
        "en.toml",
        "title = \"How to use your My Number Card",
        "title = \"How to use the My Number Card",
    );
    // the FAQ's new PDF (about 94 kB) cannot be written; the manifest can
    let out = run_with_file_size_limit(
        &p,
        &["build", "--rebuild", "--out", "out", "--lang", "en"],
        60_000,
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("out/mynumber-health-insurance-faq-en.pdf: error: cannot write it: File too large (os error 27)"), "{err}");
    assert!(err.contains("note: out/mynumber-health-insurance-faq-en.pdf of an earlier build (edition 2026-11-21) stays published until a new one is built"), "{err}");
    let now = files(&p.path("out"));
    for (name, bytes) in &good {
        if name.contains("faq-en") {
            assert_eq!(
                now.get(name),
                Some(bytes),
                "{name} is as the good build wrote it"
            );
        }
    }
    folder_is_consistent(&p.path("out"));
    let listed = manifest(&p.path("out"));
    assert!(
        listed["mynumber-health-insurance-faq-en.pdf"].1,
        "from an earlier build"
    );
    assert!(!listed["mynumber-health-insurance-guide-en.pdf"].1);

    // `thumbnails` is a file: the new PDF is not written either, and nothing is inconsistent
    fs::remove_dir_all(p.path("out/thumbnails")).unwrap();
    fs::write(p.path("out/thumbnails"), "in the way").unwrap();
    let out = p.run(&["build", "--rebuild", "--out", "out", "--lang", "en"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("is not a folder (a file or a link is in its place)"),
        "{err}"
    );
    assert_eq!(
        fs::read(p.path("out/mynumber-health-insurance-faq-en.pdf")).unwrap(),
        good["mynumber-health-insurance-faq-en.pdf"]
    );
    sums_check(&p.path("out"));
}

#[test]
fn a_language_that_fails_stays_published_from_the_earlier_build() {
    let p = Project::new();
    let args = ["build", "--out", "out", "--lang", "ko", "--lang", "en"];
    assert_eq!(p.run(&args).status.code(), Some(0));
    let good = files(&p.path("out"));
    p.edit("ko.toml", "label = \"", "label = ");
    let out = p.run(&args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("note: out/mynumber-health-insurance-faq-ko.pdf of an earlier build (edition 2026-11-21) stays published until a new one is built"), "{err}");
    folder_is_consistent(&p.path("out"));
    let listed = manifest(&p.path("out"));
    for t in ["faq", "guide"] {
        assert!(listed[&format!("mynumber-health-insurance-{t}-ko.pdf")].1);
        assert!(!listed[&format!("mynumber-health-insurance-{t}-en.pdf")].1);
    }
    let index = fs::read_to_string(p.path("out/index.html")).unwrap();
    assert!(index.contains("한국어"), "Korean stays on the counter page");
    for (name, bytes) in &good {
        if name.contains("-ko") {
            assert_eq!(&files(&p.path("out"))[name], bytes, "{name}");
        }
    }
    // a build of other languages only keeps Korean listed too
    let out = p.run(&["build", "--out", "out", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(manifest(&p.path("out")).contains_key("mynumber-health-insurance-faq-ko.pdf"));
    // once mended, Korean is built again and no longer "earlier"
    p.edit("ko.toml", "label = ", "label = \"");
    assert_eq!(p.run(&args).status.code(), Some(0));
    assert!(!manifest(&p.path("out"))["mynumber-health-insurance-faq-ko.pdf"].1);
    folder_is_consistent(&p.path("out"));
}

// ---- 7–8: one writer at a time, safe temporaries -------------------------------------------

#[test]
fn two_builds_into_one_folder_at_once_leave_it_consistent() {
    let (a, b) = (Project::new(), Project::new());
    b.edit(
        "en.toml",
        "title = \"How to use your My Number Card",
        "title = \"How to use the My Number Card",
    );
    let out = a.path("shared-out");
    let out = out.to_str().unwrap();
    let mut waited = false;
    for round in 0..6 {
        let spawn = |p: &Project| {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_leafpress"));
            cmd.current_dir(p.dir.path())
                .args(["build", "--lang", "en", "--template", "faq", "--out", out])
                .arg("--fonts")
                .arg(common::project().join("fonts"))
                .arg("--templates")
                .arg(common::project().join("templates"))
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (x, y) = (spawn(&a), spawn(&b));
        for child in [x, y] {
            let o = child.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&o.stderr).into_owned();
            assert_eq!(o.status.code(), Some(0), "round {round}: {err}");
            waited |= err.contains("note: another leafpress run is writing to");
        }
        folder_is_consistent(Path::new(out));
    }
    assert!(waited, "in six rounds the two runs met at least once");
}

#[test]
fn temporaries_are_never_followed_and_what_a_killed_run_left_is_removed() {
    let p = Project::new();
    fs::create_dir_all(p.path("out/thumbnails")).unwrap();
    fs::write(p.path("victim"), "untouched").unwrap();
    // links planted where a temporary might be written, by an older leafpress or this one
    for name in [
        "out/.index.html.4242.tmp",
        "out/.mynumber-health-insurance-faq-en.pdf.4242.tmp",
        "out/.leafpress-planted.tmp",
        "out/thumbnails/.leafpress-planted.tmp",
    ] {
        symlink(p.path("victim"), p.path(name)).unwrap();
    }
    let out = p.run(&["build", "--out", "out", "--lang", "en", "--template", "faq"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("note: removed 4 temporary file(s) an interrupted run left in out"),
        "{err}"
    );
    assert_eq!(fs::read_to_string(p.path("victim")).unwrap(), "untouched");
    folder_is_consistent(&p.path("out"));

    // a run killed while it writes: the next run removes what it left
    p.edit("en.toml", "label = \"FAQ\"", "label = \"FAQ!\"");
    let mut child = Command::new(env!("CARGO_BIN_EXE_leafpress"))
        .current_dir(p.dir.path())
        .args(["build", "--out", "out", "--lang", "en"])
        .arg("--fonts")
        .arg(common::project().join("fonts"))
        .arg("--templates")
        .arg(common::project().join("templates"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        let staged = files(&p.path("out")).keys().any(|n| n.ends_with(".tmp"));
        if staged || child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let _ = child.kill();
    let _ = child.wait();
    let out = p.run(&["build", "--out", "out", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    folder_is_consistent(&p.path("out"));
}

// ---- 9–10: names and text that reach a file, a link or a log -------------------------------

#[test]
fn a_topic_name_that_would_break_a_link_a_checksum_or_a_log_is_refused() {
    let p = Project::new();
    for name in ["a#b?c d", "new\nline", "esc\u{1b}[31mred"] {
        fs::create_dir(p.path(&format!("content/{name}"))).unwrap();
        fs::copy(
            p.path(&format!("{TOPIC}/facts.toml")),
            p.path(&format!("content/{name}/facts.toml")),
        )
        .unwrap();
    }
    let out = p.run(&["build", "--out", "out", "--lang", "en"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/a#b?c d: error: `a#b?c d` is not a topic name\n"),
        "{err}"
    );
    assert!(
        err.contains("content/new\\u{a}line: error: `new\\u{a}line` is not a topic name\n"),
        "{err}"
    );
    assert!(err.contains("content/esc\\u{1b}[31mred: error:"), "{err}");
    assert!(!err.contains('\u{1b}'), "no raw escape reaches the log");
    // what was built is published with links and checksums that work
    folder_is_consistent(&p.path("out"));
    let index = fs::read_to_string(p.path("out/index.html")).unwrap();
    for href in index.split("href=\"").skip(1) {
        let href = &href[..href.find('"').unwrap()];
        if !href.starts_with("http") && !href.starts_with("data:") {
            assert!(p.path(&format!("out/{href}")).is_file(), "{href}");
        }
    }
}

#[test]
fn a_control_character_in_content_is_refused_where_it_is_written() {
    let p = Project::new();
    p.edit(
        "vi.toml",
        "name = \"Tiếng Việt\"",
        "name = \"Tiếng\\u0000Việt\"",
    );
    p.edit(
        "facts.toml",
        "term = \"マイナポータル\"",
        "term = \"マイナ\\u001bポータル\"",
    );
    let out = p.run(&["check"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(text.contains(&format!(
        "content/mynumber-health-insurance/vi.toml:{}: error: a control character (U+0000) in a text\n  hint: content is plain text: remove it (or write a space)\n",
        p.pos("vi.toml", "\\u0000", 0)
    )), "{text}");
    assert!(text.contains(&format!(
        "content/mynumber-health-insurance/facts.toml:{}: error: a control character (U+001B) in a text\n",
        p.pos("facts.toml", "\\u001b", 0)
    )), "{text}");
    let out = p.run(&["build", "--out", "out", "--lang", "vi"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!p.path("out/mynumber-health-insurance-faq-vi.pdf").exists());
    // a line break is text in a paragraph, not in a name
    let p = Project::new();
    p.edit(
        "vi.toml",
        "name = \"Tiếng Việt\"",
        "name = \"Tiếng\\nViệt\"",
    );
    let text = stdout(&p.run(&["check"]));
    assert!(text.contains("error: a line break in a text\n  hint: a name or label is one line: write it without a line break\n"), "{text}");
}

// ---- 11: fonts are declared ----------------------------------------------------------------

#[test]
fn a_missing_font_face_is_an_error_never_a_silent_fallback() {
    let p = Project::new();
    copy_dir(&common::project().join("fonts"), &p.path("fonts"));
    fs::remove_file(p.path("fonts/NotoSans-Regular.ttf")).unwrap();
    let out = p.run(&["build", "--out", "out", "--fonts", "fonts"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "fonts: error: the font folder fonts lacks Noto Sans Regular (NotoSans-Regular.ttf): every language's text needs its faces (see fonts/README.md)\n  hint: run leafpress from the project folder, or pass --fonts DIR\n"
    );
    assert!(!p.path("out").exists() || files(&p.path("out")).is_empty());
}

// ---- the small ones ------------------------------------------------------------------------

#[test]
fn a_bad_source_date_epoch_is_an_error() {
    let p = Project::new();
    for (value, says) in [
        (
            "garbage",
            "error: SOURCE_DATE_EPOCH=`garbage` is not a number of seconds since 1970-01-01 (e.g. 1733097600)\n",
        ),
        (
            "99999999999999",
            "error: SOURCE_DATE_EPOCH=99999999999999 is not a date from 1970 to 9999 (seconds since 1970-01-01)\n",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_leafpress"))
            .current_dir(p.dir.path())
            .args(["build", "--out", "out"])
            .env("SOURCE_DATE_EPOCH", value)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(stderr(&out), says);
    }
}

#[test]
fn fail_under_takes_a_percentage() {
    let p = Project::new();
    for bad in ["NaN", "101", "-1", "lots"] {
        let out = p.run(&["status", &format!("--fail-under={bad}")]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(
            stderr(&out).contains("write a percentage from 0 to 100"),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(
        p.run(&["status", "--fail-under", "100"]).status.code(),
        Some(0)
    );
}

#[test]
fn export_typst_never_overwrites_a_project_unless_forced() {
    let p = Project::new();
    let (fonts, templates) = (
        common::project().join("fonts"),
        common::project().join("templates"),
    );
    let args = [
        "export-typst",
        "projects",
        "--lang",
        "en",
        "--template",
        "faq",
        "--fonts",
        fonts.to_str().unwrap(),
        "--templates",
        templates.to_str().unwrap(),
    ];
    assert_eq!(p.run(&args).status.code(), Some(0));
    let main = p.path("projects/mynumber-health-insurance-faq-en/main.typ");
    fs::write(&main, "// a designer's work").unwrap();
    let out = p.run(&args);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: 1 exist(s) already and may hold hand-made changes: projects/mynumber-health-insurance-faq-en; pass --force to overwrite, or export into another folder\n"
    );
    assert_eq!(fs::read_to_string(&main).unwrap(), "// a designer's work");
    let mut forced = args.to_vec();
    forced.push("--force");
    assert_eq!(p.run(&forced).status.code(), Some(0));
    assert_ne!(fs::read_to_string(&main).unwrap(), "// a designer's work");
}

#[test]
fn an_overlong_label_is_one_error_not_one_per_word() {
    let p = Project::new();
    let vi = p.path(&format!("{TOPIC}/vi.toml"));
    let text = fs::read_to_string(&vi).unwrap();
    let start = text.find("\ndraft = \"").unwrap() + 1;
    let end = start + text[start..].find('\n').unwrap();
    let label = format!("draft = \"{}\"", "X".repeat(1900));
    fs::write(&vi, format!("{}{label}{}", &text[..start], &text[end..])).unwrap();
    let out = p.run(&["build", "--out", "out", "--lang", "vi"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    let errors: Vec<&str> = err.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(errors.len(), 2, "one per leaflet: {err}");
    assert!(
        errors[0].contains("text overflows its box on pages 1, 2: “XXXX"),
        "{err}"
    );
}
