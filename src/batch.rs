//! Batch stage: plans the jobs of a run (topics × templates × languages), renders each, and
//! is the only place that writes to the output folder. One failing leaflet does not stop
//! the others; every PDF is written atomically, so a failure never leaves a partial file or
//! destroys an earlier good one.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::content::values::Date;
use crate::content::{self, Content, Topic, validate};
use crate::diag::{self, Diagnostic};
use crate::fonts::FontSet;
use crate::leaflet::{self, Leaflet};
use crate::render::Engine;
use crate::{Failure, glyphs};

/// Where things are, and what to build.
#[derive(Debug, Clone)]
pub struct Settings {
    pub content: PathBuf,
    pub templates: PathBuf,
    pub fonts: PathBuf,
    pub out: PathBuf,
    pub langs: Vec<String>,
    pub templates_wanted: Vec<String>,
    pub allow_missing: bool,
    pub today: Date,
    pub strict: bool,
}

impl Settings {
    /// Everything of the project at `root` (content/, templates/, fonts/ → output/), every
    /// language and template, statements checked against `today`.
    pub fn in_project(root: &Path, today: Date) -> Settings {
        Settings {
            content: root.join("content"),
            templates: root.join("templates"),
            fonts: root.join("fonts"),
            out: root.join("output"),
            langs: Vec::new(),
            templates_wanted: Vec::new(),
            allow_missing: false,
            today,
            strict: false,
        }
    }
}

/// One leaflet written.
#[derive(Debug, Clone)]
pub struct Written {
    pub path: PathBuf,
    pub pages: usize,
    pub bytes: usize,
    /// The type size it had to be set at to fit (1.0 = the template's sizes).
    pub scale: f64,
}

/// Loads and validates all content: the diagnostics of every topic, sorted.
pub fn load_and_check(
    s: &Settings,
    fonts: Option<&FontSet>,
) -> Result<(Content, Vec<Diagnostic>), Failure> {
    let content = content::load(&s.content).map_err(Failure::Io)?;
    let templates_text = templates_text(&s.templates);
    let opts = validate::Options {
        today: s.today,
        allow_missing: s.allow_missing,
        strict: s.strict,
    };
    let mut diags = content.diagnostics.clone();
    for topic in &content.topics {
        diags.extend(validate::topic(topic, &templates_text, &opts));
        if let Some(fonts) = fonts {
            diags.extend(glyphs::check(topic, fonts));
        }
    }
    diag::sort(&mut diags);
    diags.dedup();
    Ok((content, diags))
}

/// All template sources, for the "fact used by a template" check.
fn templates_text(dir: &Path) -> String {
    let mut text = String::new();
    if let Ok(rd) = fs::read_dir(dir) {
        let mut paths: Vec<_> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "typ"))
        {
            text.push_str(&fs::read_to_string(p).unwrap_or_default());
        }
    }
    text
}

/// The most pages a template allows: its `// leafpress: max-pages = N` line.
pub fn max_pages(template_source: &str) -> Option<usize> {
    template_source.lines().take(20).find_map(|l| {
        l.trim()
            .strip_prefix("// leafpress: max-pages =")
            .and_then(|n| n.trim().parse().ok())
    })
}

/// Builds every planned leaflet. Prints each file written and each problem; returns the
/// files written and whether anything failed.
pub fn build(s: &Settings) -> Result<(Vec<Written>, bool), Failure> {
    let fonts = FontSet::load(&s.fonts).map_err(|e| {
        Failure::Io(
            Diagnostic::error(&s.fonts, e)
                .with_hint("run leafpress from the project folder, or pass --fonts DIR"),
        )
    })?;
    let (content, diags) = load_and_check(s, Some(&fonts))?;
    for d in &diags {
        eprintln!("{d}");
    }
    let jobs = plan(&content.topics, s)?;
    let engine = Engine::new(fonts, &s.templates);
    fs::create_dir_all(&s.out).map_err(|e| {
        Failure::Io(
            Diagnostic::error(&s.out, format!("cannot create the output folder: {e}"))
                .with_hint("pass a writable folder with --out DIR"),
        )
    })?;
    let mut written = Vec::new();
    let mut failed = 0;
    for (topic, template, tag) in &jobs {
        let lang = &topic.langs[tag];
        // A leaflet is not printed from content with errors: its own file, the facts or the
        // source language it falls back to.
        let blocking: Vec<&Diagnostic> = diags
            .iter()
            .filter(|d| d.is_error())
            .filter(|d| {
                d.path == lang.path
                    || d.path == topic.facts_path
                    || topic.source().is_some_and(|src| d.path == src.path)
            })
            .collect();
        let name = format!("{}-{template}-{tag}", topic.id);
        if !blocking.is_empty() {
            eprintln!(
                "error: {name}: not built, {} content error(s) above",
                blocking.len()
            );
            failed += 1;
            continue;
        }
        match build_one(&engine, topic, template, lang, s) {
            Ok(w) => {
                let fitted = if w.scale < 1.0 {
                    format!("  (set at {:.0} % type size to fit)", w.scale * 100.0)
                } else {
                    String::new()
                };
                println!(
                    "{}  {} page{}  {:.1} kB{fitted}",
                    w.path.display(),
                    w.pages,
                    if w.pages == 1 { "" } else { "s" },
                    w.bytes as f64 / 1000.0
                );
                written.push(w);
            }
            Err(errors) => {
                for e in &errors {
                    eprintln!("{e}");
                }
                eprintln!("error: {name}: not built");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        eprintln!(
            "{failed} of {} leaflet(s) failed; {} written",
            jobs.len(),
            written.len()
        );
    }
    Ok((written, failed > 0))
}

/// The jobs of a run: (topic, template, language), sorted, filtered by --template/--lang.
fn plan<'a>(
    topics: &'a [Topic],
    s: &Settings,
) -> Result<Vec<(&'a Topic, String, String)>, Failure> {
    let mut jobs = Vec::new();
    for topic in topics {
        for template in &topic.facts.templates {
            if !s.templates_wanted.is_empty() && !s.templates_wanted.contains(template) {
                continue;
            }
            for tag in topic.langs.keys() {
                if s.langs.is_empty() || s.langs.contains(tag) {
                    jobs.push((topic, template.clone(), tag.clone()));
                }
            }
        }
    }
    let known = |f: &dyn Fn(&Topic) -> Vec<String>| {
        let mut all: Vec<String> = topics.iter().flat_map(f).collect();
        all.sort();
        all.dedup();
        all
    };
    let langs = known(&|t| t.langs.keys().cloned().collect());
    for l in &s.langs {
        if !langs.contains(l) {
            return Err(Failure::Usage(format!(
                "no content for language `{l}`; languages found: {}",
                langs.join(", ")
            )));
        }
    }
    let templates = known(&|t| t.facts.templates.clone());
    for t in &s.templates_wanted {
        if !templates.contains(t) {
            return Err(Failure::Usage(format!(
                "no template `{t}`; templates found: {}",
                templates.join(", ")
            )));
        }
    }
    Ok(jobs)
}

/// Lays out, exports and writes one leaflet.
pub fn build_one(
    engine: &Engine,
    topic: &Topic,
    template: &str,
    lang: &content::Lang,
    s: &Settings,
) -> Result<Written, Vec<Diagnostic>> {
    let Rendered {
        leaflet,
        pdf,
        pages,
        scale,
        ..
    } = render_one(engine, topic, template, lang, s.allow_missing)?;
    let path = s.out.join(leaflet.file_name());
    write_atomic(&path, &pdf).map_err(|e| {
        vec![
            Diagnostic::error(&path, format!("cannot write the PDF: {e}"))
                .with_hint("check that the output folder is writable and the disk is not full"),
        ]
    })?;
    Ok(Written {
        path,
        pages,
        bytes: pdf.len(),
        scale,
    })
}

/// A leaflet laid out and exported, in memory.
pub struct Rendered {
    pub leaflet: Leaflet,
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub document: typst_layout::PagedDocument,
    /// The type size it was set at (1.0 = the template's sizes).
    pub scale: f64,
}

/// Type sizes tried, largest first, until a leaflet fits its template's page limit.
pub const SCALES: [f64; 4] = [1.0, 0.95, 0.9, 0.85];

/// Lays out and exports one leaflet in memory: (model, PDF bytes, page count). A leaflet
/// that does not fit its page limit is set a little smaller, down to 85 %, before it fails.
pub fn render_one(
    engine: &Engine,
    topic: &Topic,
    template: &str,
    lang: &content::Lang,
    allow_missing: bool,
) -> Result<Rendered, Vec<Diagnostic>> {
    let mut leaflet = leaflet::build(topic, template, lang, allow_missing)?;
    let template_path = engine.template_path(template);
    let limit = fs::read_to_string(&template_path)
        .ok()
        .and_then(|t| max_pages(&t));
    let mut pages = 0;
    for scale in SCALES {
        leaflet.data["font-scale"] = serde_json::json!(scale);
        let compiled = engine.compile(&leaflet)?;
        pages = compiled.document.pages().len();
        if limit.is_some_and(|max| pages > max) {
            continue;
        }
        for w in &compiled.warnings {
            eprintln!("{w}");
        }
        let overflows = overflowing_text(&compiled.document);
        if !overflows.is_empty() {
            return Err(overflows
                .into_iter()
                .map(|(page, text)| {
                    Diagnostic::error(&lang.path, format!(
                        "the {template} leaflet in `{}`: text overflows its box on page {page}: “{text}”",
                        lang.tag
                    ))
                    .with_hint("a word or address is too long for its column: shorten it or allow a break (a space)")
                })
                .collect());
        }
        let pdf = engine.pdf(&leaflet, &compiled.document, pdf_date(leaflet.edition))?;
        return Ok(Rendered {
            leaflet,
            pdf,
            pages,
            document: compiled.document,
            scale,
        });
    }
    Err(vec![Diagnostic::error(&lang.path, format!(
        "the {template} leaflet in `{}` needs {pages} pages even at {:.0} % type size; the template allows {}",
        lang.tag,
        SCALES[SCALES.len() - 1] * 100.0,
        limit.unwrap_or_default()
    )).with_hint("shorten the text of this language")])
}

/// Text drawn past the right edge of the box that holds it (a word too long for its
/// column: typst does not break it, it runs over): (page number, the text).
pub fn overflowing_text(doc: &typst_layout::PagedDocument) -> Vec<(usize, String)> {
    use typst::layout::{Abs, Frame, FrameItem};
    fn walk(frame: &Frame, page: usize, out: &mut Vec<(usize, String)>) {
        for (pos, item) in frame.items() {
            match item {
                FrameItem::Group(g) => walk(&g.frame, page, out),
                FrameItem::Text(t) => {
                    // typst hangs line-final punctuation into the margin on purpose
                    // (`text(overhang:)`): up to about half an em is not an overflow.
                    let end = pos.x + t.width();
                    if end > frame.width() + t.size * 0.6 && t.width() > Abs::zero() {
                        out.push((page, t.text.to_string()));
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for (i, page) in doc.pages().iter().enumerate() {
        walk(&page.frame, i + 1, &mut out);
    }
    out
}

/// The PDF's creation date: SOURCE_DATE_EPOCH when set (reproducible builds), else the
/// content's edition date.
fn pdf_date(edition: Date) -> Date {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .map_or(edition, Date::from_unix)
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so
/// that readers see the old file or the new one, never a partial one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Lays out every leaflet without writing it: template errors, overflow and page limits.
pub fn check_layout(content: &Content, s: &Settings, fonts: FontSet) -> Vec<Diagnostic> {
    let engine = Engine::new(fonts, &s.templates);
    let mut diags = Vec::new();
    for topic in &content.topics {
        for template in &topic.facts.templates {
            for lang in topic.langs.values() {
                if let Err(e) = render_one(&engine, topic, template, lang, s.allow_missing) {
                    diags.extend(e);
                }
            }
        }
    }
    diag::sort(&mut diags);
    diags.dedup();
    diags
}
