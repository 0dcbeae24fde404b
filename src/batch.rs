//! Batch stage: plans the jobs of a run (topics × templates × languages), renders each, and
//! is the only place that writes to the output folder. One failing leaflet does not stop
//! the others; every PDF is written atomically, so a failure never leaves a partial file or
//! destroys an earlier good one.
//!
//! The plan comes from the files present, not from what parsed: a language file that does
//! not parse, or a topic whose facts do not load, is a leaflet that failed, counted in
//! "N of M leaflet(s) failed" and in the exit status.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::content::values::Date;
use crate::content::{self, Content, Topic, validate};
use crate::diag::{self, Diagnostic, Style};
use crate::fonts::FontSet;
use crate::leaflet::{self, Leaflet};
use crate::parallel::longest_first;
use crate::publish::{self, Entry, Language};
use crate::render::Engine;
use crate::reuse::LastBuild;
use crate::{Failure, glyphs, render};

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
    /// Printed facts with an older `as-of` are stale (warnings; errors when `strict`).
    pub max_fact_age_months: u32,
    /// How diagnostics are printed.
    pub style: Style,
    /// Where the output folder will be published (`--base-url`): the counter page then
    /// shows a QR code of each hosted PDF.
    pub base_url: Option<String>,
    /// How many leaflets are laid out at once (`--jobs`; 0: one per core).
    pub jobs: usize,
    /// Write the previews, manifest, checksums and counter page beside the PDFs (`build`);
    /// `watch` writes the PDFs only.
    pub publish: bool,
    /// The process ends after this run (`build`, `check`, `export-typst`): the fonts are
    /// mapped rather than read, and typst's memoized layouts are forgotten after each
    /// leaflet, so that memory stays flat however many leaflets a run has. `watch` reads
    /// the fonts and keeps the layouts for the next save.
    pub one_shot: bool,
    /// Keep a leaflet's PDF and previews from the last build into `out` when nothing it is
    /// made from has changed since (`build`; `--rebuild` turns it off).
    pub reuse: bool,
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
            max_fact_age_months: validate::MAX_FACT_AGE_MONTHS,
            style: Style::Short,
            base_url: None,
            jobs: 0,
            publish: true,
            one_shot: true,
            reuse: true,
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
    /// How it is published: manifest entry, counter-page tile.
    pub entry: Entry,
    /// The template's warnings while laying it out.
    pub warnings: Vec<Diagnostic>,
    /// The SHA-256 of each preview (`entry.previews`), for SHA256SUMS.
    pub preview_sums: Vec<String>,
    /// Kept from the last build: its inputs have not changed since.
    pub kept: bool,
}

/// The folder of the page previews, inside the output folder.
pub const PREVIEWS: &str = "previews";
/// Preview resolution: 1 pixel per point (72 dpi, 595 × 842 px for A4).
pub const PREVIEW_PIXELS_PER_PT: f64 = 1.0;
/// The files written beside the PDFs.
pub const MANIFEST: &str = "manifest.json";
pub const SHA256SUMS: &str = "SHA256SUMS";
pub const INDEX: &str = "index.html";

/// Loads and validates all content: the diagnostics of every topic, sorted.
pub fn load_and_check(
    s: &Settings,
    fonts: Option<&FontSet>,
) -> Result<(Content, Vec<Diagnostic>), Failure> {
    let content = content::load(&s.content).map_err(Failure::Io)?;
    let templates_text = templates_text(&s.templates);
    let opts = validate::Options {
        allow_missing: s.allow_missing,
        strict: s.strict,
        max_fact_age_months: s.max_fact_age_months,
        ..validate::Options::on(s.today)
    };
    let mut diags = content.diagnostics.clone();
    for topic in &content.topics {
        diags.extend(validate::topic(topic, &templates_text, &opts));
        if let Some(fonts) = fonts {
            // The languages this run builds, and the source they fall back to.
            let wanted = |tag: &str| {
                s.langs.is_empty()
                    || s.langs.iter().any(|l| l == tag)
                    || tag == topic.facts.source_language
            };
            diags.extend(glyphs::check(topic, fonts, wanted));
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
/// files written and whether anything failed: a leaflet not written, or an error reported
/// for anything the run was asked to build.
pub fn build(s: &Settings) -> Result<(Vec<Written>, bool), Failure> {
    let fonts = load_fonts(s)?;
    let engine = Engine::new(fonts.clone(), &s.templates);
    build_with(&engine, &fonts, s)
}

/// The fonts of `s.fonts`.
pub fn load_fonts(s: &Settings) -> Result<FontSet, Failure> {
    let fonts = if s.one_shot {
        FontSet::map(&s.fonts)
    } else {
        FontSet::load(&s.fonts)
    };
    fonts.map_err(|e| {
        Failure::Io(
            Diagnostic::error(&s.fonts, e)
                .with_hint("run leafpress from the project folder, or pass --fonts DIR"),
        )
    })
}

/// [`build`] with fonts and a typst engine already loaded (`watch` keeps them warm).
pub fn build_with(
    engine: &Engine,
    fonts: &FontSet,
    s: &Settings,
) -> Result<(Vec<Written>, bool), Failure> {
    let last = LastBuild::of(s);
    if !last.may_keep() {
        // every leaflet will be laid out: typst's font hashes, while the content is checked
        fonts.hash_in_background();
    }
    let (content, diags) = load_and_check(s, Some(fonts))?;
    let jobs = plan(&content, s)?;
    // The problems of what this run builds (not those of a language it was not asked for).
    let relevant: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| jobs.iter().any(|j| j.depends_on(&d.path)) || !is_content_file(&content, d))
        .collect();
    for d in &relevant {
        eprintln!("{}", d.render(s.style));
    }
    fs::create_dir_all(&s.out).map_err(|e| {
        Failure::Io(
            Diagnostic::error(&s.out, format!("cannot create the output folder: {e}"))
                .with_hint("pass a writable folder with --out DIR"),
        )
    })?;
    // Lay out, export and write the leaflets on every core (each job writes its own files);
    // report in plan order, so that messages and files are those of a sequential run.
    let outcomes = longest_first(s.jobs, &jobs, Job::weight, |job| {
        let outcome = outcome(engine, job, &relevant, s, &last);
        if s.one_shot {
            forget_unused_layouts();
        }
        outcome
    });
    let mut written = Vec::new();
    let mut failed = 0;
    for (job, outcome) in jobs.iter().zip(outcomes) {
        let name = job.name();
        match outcome {
            Outcome::Blocked(why) => {
                eprintln!("error: {name}: not built, {why}");
                failed += 1;
            }
            Outcome::Built(w) => {
                for warning in &w.warnings {
                    eprintln!("{}", warning.render(s.style));
                }
                let fitted = if w.scale < 1.0 {
                    format!("  (set at {:.0} % type size to fit)", w.scale * 100.0)
                } else {
                    String::new()
                };
                let kept = if w.kept { "  (up to date)" } else { "" };
                println!(
                    "{}  {} page{}  {:.1} kB{fitted}{kept}",
                    w.path.display(),
                    w.pages,
                    if w.pages == 1 { "" } else { "s" },
                    w.bytes as f64 / 1000.0
                );
                written.push(*w);
            }
            Outcome::Failed(errors) => {
                for e in &errors {
                    eprintln!("{}", e.render(s.style));
                }
                eprintln!("error: {name}: not built");
                failed += 1;
            }
        }
    }
    if s.publish && !written.is_empty() {
        publish_run(&written, &content, s)?;
    }
    let errors = relevant.iter().filter(|d| d.is_error()).count();
    if failed > 0 {
        eprintln!(
            "{failed} of {} leaflet(s) failed; {} written",
            jobs.len(),
            written.len()
        );
    } else if errors > 0 {
        eprintln!("{errors} error(s) reported; every leaflet was written");
    }
    Ok((written, failed > 0 || errors > 0))
}

/// What became of one job.
enum Outcome {
    /// Not attempted: its content has errors (said above), or did not load.
    Blocked(String),
    Built(Box<Written>),
    Failed(Vec<Diagnostic>),
}

/// Builds one job unless its content has errors.
fn outcome(
    engine: &Engine,
    job: &Job,
    relevant: &[&Diagnostic],
    s: &Settings,
    last: &LastBuild,
) -> Outcome {
    match job.ready_unless_blocked(relevant) {
        Ok((topic, lang)) => match build_one(engine, topic, &job.template, lang, s, last) {
            Ok(w) => Outcome::Built(Box::new(w)),
            Err(errors) => Outcome::Failed(errors),
        },
        Err(why) => Outcome::Blocked(why),
    }
}

/// Drops typst's memoized results that neither of the last two leaflets used. A leaflet
/// reuses its own (every layout pass, every type size tried) and little of another's;
/// keeping all would hold every leaflet of a run in memory (measured: 430 MB for the 30
/// leaflets, about 170 MB with this, in the same time).
pub fn forget_unused_layouts() {
    typst::comemo::evict(2);
}

/// How much work a leaflet is, roughly: the length of its language's text for the template
/// (a long text, or a script of three bytes a letter, takes longer to lay out).
fn weight(lang: &content::Lang, template: &str) -> usize {
    lang.text.len() + lang.parts.get(template).map_or(0, |p| p.text.len())
}

/// One leaflet a run is asked to build.
pub struct Job<'a> {
    pub topic_id: String,
    pub template: String,
    pub tag: String,
    /// The language file, which exists (it may not parse).
    pub lang_file: PathBuf,
    /// The files it is made from: its language file, the topic's facts, the source language.
    pub inputs: Vec<PathBuf>,
    /// The loaded topic and language; `None` when either did not load.
    pub ready: Option<(&'a Topic, &'a content::Lang)>,
}

impl Job<'_> {
    /// `<topic>-<template>-<lang>`, as the PDF is named.
    pub fn name(&self) -> String {
        format!("{}-{}-{}", self.topic_id, self.template, self.tag)
    }

    /// How much work it is, roughly (see [`weight`]).
    pub fn weight(&self) -> usize {
        self.ready
            .map_or(0, |(_, lang)| weight(lang, &self.template))
    }

    /// Whether a problem in `path` concerns this leaflet.
    pub fn depends_on(&self, path: &Path) -> bool {
        self.inputs.iter().any(|p| p == path)
    }

    /// The loaded topic and language, unless the leaflet must not be printed: its content
    /// did not load, or has errors (its own file, the facts, or the source language it falls
    /// back to). Then why, for "not built, …".
    pub fn ready_unless_blocked(
        &self,
        diags: &[&Diagnostic],
    ) -> Result<(&Topic, &content::Lang), String> {
        let blocking: Vec<&&Diagnostic> = diags
            .iter()
            .filter(|d| d.is_error() && self.depends_on(&d.path))
            .collect();
        match self.ready {
            Some(ready) if blocking.is_empty() => Ok(ready),
            _ => {
                let mut files: Vec<String> = blocking
                    .iter()
                    .map(|d| d.path.display().to_string())
                    .collect();
                files.dedup();
                Err(if files.is_empty() {
                    format!("{} did not load", self.lang_file.display())
                } else {
                    format!("{} error(s) above in {}", blocking.len(), files.join(", "))
                })
            }
        }
    }
}

/// Whether a diagnostic is about one content file of a topic (rather than the run as a
/// whole: a template, the content folder): a file in a topic's folder, present or missing.
fn is_content_file(content: &Content, d: &Diagnostic) -> bool {
    let topics = content.topics.iter().map(|t| &t.facts_path);
    let mut all = topics.chain(content.unloaded.iter().map(|u| &u.facts_path));
    all.any(|facts| facts.parent().is_some_and(|dir| d.path.starts_with(dir)))
}

/// The jobs of a run: (topic, template, language) for every language file present, sorted,
/// filtered by --template/--lang.
pub fn plan<'a>(content: &'a Content, s: &Settings) -> Result<Vec<Job<'a>>, Failure> {
    // A topic whose facts did not load names no templates: it would have had the leaflet
    // templates of the templates folder.
    let all_templates = leaflet_templates(&s.templates);
    let wanted = |template: &str, tag: &str| {
        (s.templates_wanted.is_empty() || s.templates_wanted.iter().any(|t| t == template))
            && (s.langs.is_empty() || s.langs.iter().any(|l| l == tag))
    };
    let mut jobs = Vec::new();
    for topic in &content.topics {
        let source_tag = &topic.facts.source_language;
        let source = topic.lang_files.get(source_tag);
        for template in &topic.facts.templates {
            // A template whose text is kept apart also reads `<template>/<tag>.toml`, and
            // the source language's (whether or not they exist: a missing one is an error).
            let part = |tag: &str| {
                let dir = topic.dir.join(template);
                dir.is_dir().then(|| dir.join(format!("{tag}.toml")))
            };
            for (tag, file) in &topic.lang_files {
                if !wanted(template, tag) {
                    continue;
                }
                let mut inputs = vec![file.clone(), topic.facts_path.clone()];
                inputs.extend(source.cloned());
                inputs.extend(part(tag));
                inputs.extend(part(source_tag));
                jobs.push(Job {
                    topic_id: topic.id.clone(),
                    template: template.clone(),
                    tag: tag.clone(),
                    lang_file: file.clone(),
                    inputs,
                    ready: topic.langs.get(tag).map(|lang| (topic, lang)),
                });
            }
        }
    }
    for u in &content.unloaded {
        for template in &all_templates {
            for (tag, file) in &u.lang_files {
                if wanted(template, tag) {
                    let mut inputs = vec![file.clone(), u.facts_path.clone()];
                    inputs.extend(u.part_files.get(&(template.clone(), tag.clone())).cloned());
                    jobs.push(Job {
                        topic_id: u.id.clone(),
                        template: template.clone(),
                        tag: tag.clone(),
                        lang_file: file.clone(),
                        inputs,
                        ready: None,
                    });
                }
            }
        }
    }
    let langs = content.language_tags();
    for l in &s.langs {
        if !langs.contains(&l.as_str()) {
            return Err(Failure::Usage(format!(
                "no content for language `{l}`; languages found: {}",
                langs.join(", ")
            )));
        }
    }
    let mut templates: Vec<&str> = content
        .topics
        .iter()
        .flat_map(|t| t.facts.templates.iter().map(String::as_str))
        .chain(all_templates.iter().map(String::as_str))
        .collect();
    templates.sort();
    templates.dedup();
    for t in &s.templates_wanted {
        if !templates.contains(&t.as_str()) {
            return Err(Failure::Usage(format!(
                "no template `{t}`; templates found: {}",
                templates.join(", ")
            )));
        }
    }
    Ok(jobs)
}

/// The leaflet templates of a templates folder: its `.typ` files that declare their page
/// limit (`// leafpress: max-pages = N`; shared modules do not), by name.
pub fn leaflet_templates(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "typ"))
        .filter(|p| fs::read_to_string(p).is_ok_and(|t| max_pages(&t).is_some()))
        .filter_map(|p| Some(p.file_stem()?.to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names
}

/// Lays out, exports and writes one leaflet: the PDF, then a PNG preview of every page.
/// A leaflet whose inputs are those of the last build, with its files as that build wrote
/// them, is kept instead.
pub fn build_one(
    engine: &Engine,
    topic: &Topic,
    template: &str,
    lang: &content::Lang,
    s: &Settings,
    last: &LastBuild,
) -> Result<Written, Vec<Diagnostic>> {
    let leaflet = leaflet::build(topic, template, lang, s.allow_missing)?;
    let key = last.key(&leaflet);
    let file = leaflet.file_name();
    let path = s.out.join(&file);
    let (title, edition) = (leaflet.title.clone(), leaflet.edition.to_string());
    let published = |pages, bytes, sha256, scale, previews| Entry {
        file: file.clone(),
        topic: topic.id.clone(),
        template: template.to_owned(),
        template_name: template_name(topic, template),
        language: language(topic, lang),
        title: title.clone(),
        translation: lang.translation.name(),
        edition: edition.clone(),
        pages,
        bytes,
        sha256,
        type_scale: scale,
        previews,
        input: key.clone(),
    };
    if let Some(k) = key.as_deref().and_then(|k| last.kept(&s.out, &file, k)) {
        return Ok(Written {
            path: path.clone(),
            pages: k.pages,
            bytes: k.bytes,
            scale: k.type_scale,
            entry: published(k.pages, k.bytes, k.sha256, k.type_scale, k.previews),
            warnings: Vec::new(),
            preview_sums: k.preview_sums,
            kept: true,
        });
    }
    let Rendered {
        pdf,
        pages,
        scale,
        document,
        warnings,
        ..
    } = fit(engine, leaflet, lang)?;
    let cannot_write = |path: &Path, what: &str, e: io::Error| {
        vec![
            Diagnostic::error(path, format!("cannot write the {what}: {e}"))
                .with_hint("check that the output folder is writable and the disk is not full"),
        ]
    };
    // The same PDF renders the same previews: keep those of an unchanged leaflet.
    let unchanged = fs::read(&path).is_ok_and(|old| old == pdf);
    write_atomic(&path, &pdf).map_err(|e| cannot_write(&path, "PDF", e))?;
    let stem = file.trim_end_matches(".pdf");
    // A preview of every page, the pages on every core (rasterizing is most of the cost).
    let to_preview = if s.publish { document.pages() } else { &[] };
    let previews: Vec<String> = (1..=to_preview.len())
        .map(|n| format!("{PREVIEWS}/{stem}-{n}.png"))
        .collect();
    let write_preview =
        |(page, rel): &(&typst_layout::Page, &String)| -> Result<String, Vec<Diagnostic>> {
            let preview = s.out.join(rel);
            if unchanged && let Ok(png) = fs::read(&preview) {
                return Ok(publish::sha256_hex(&png));
            }
            let png = render::png(page, PREVIEW_PIXELS_PER_PT)
                .map_err(|e| vec![Diagnostic::error(&preview, e)])?;
            fs::create_dir_all(s.out.join(PREVIEWS))
                .and_then(|_| write_atomic(&preview, &png))
                .map_err(|e| cannot_write(&preview, "preview", e))?;
            Ok(publish::sha256_hex(&png))
        };
    let work: Vec<_> = to_preview.iter().zip(&previews).collect();
    let preview_sums = longest_first(0, &work, |_| 1, write_preview)
        .into_iter()
        .collect::<Result<Vec<String>, _>>()?;
    let mut entry = published(pages, pdf.len(), publish::sha256_hex(&pdf), scale, previews);
    if !warnings.is_empty() {
        // no key: a leaflet with warnings is laid out again next time, to say them again
        entry.input = None;
    }
    Ok(Written {
        path,
        pages,
        bytes: pdf.len(),
        scale,
        entry,
        warnings,
        preview_sums,
        kept: false,
    })
}

/// The language the staff read at the counter: names of languages and templates come from
/// its file.
pub const STAFF_LANGUAGE: &str = "ja";

/// A language as the counter page shows it: its own name, its name in the staff's language
/// (`[language-names]` of ja.toml: the tag, else its language subtag), its place in the
/// topic's `counter-order`.
fn language(topic: &Topic, lang: &content::Lang) -> Language {
    let staff = topic.langs.get(STAFF_LANGUAGE);
    let named = |key: &str| {
        staff
            .and_then(|l| l.blocks.get(validate::LANGUAGE_NAMES))
            .and_then(|b| b.fields.get(key))
            .and_then(|f| match f.get_ref() {
                content::Field::Text(t) => Some(t.clone()),
                content::Field::List(_) => None,
            })
    };
    let primary = lang.tag.split('-').next().unwrap_or(&lang.tag);
    let order = &topic.facts.counter_order;
    Language {
        tag: lang.tag.clone(),
        name: lang.name.clone(),
        name_ja: named(&lang.tag)
            .or_else(|| named(primary))
            .unwrap_or_else(|| lang.tag.clone()),
        order: order
            .iter()
            .position(|t| *t == lang.tag)
            .unwrap_or(order.len()),
    }
}

/// A template's name in the staff's language: the `label` of its `[<template>-header]`.
fn template_name(topic: &Topic, template: &str) -> String {
    let header = format!("{template}-header");
    [STAFF_LANGUAGE, topic.facts.source_language.as_str()]
        .iter()
        .filter_map(|tag| {
            topic
                .langs
                .get(*tag)?
                .blocks
                .get(&header)?
                .fields
                .get("label")
        })
        .find_map(|f| match f.get_ref() {
            content::Field::Text(t) => Some(t.clone()),
            content::Field::List(_) => None,
        })
        .unwrap_or_else(|| template.to_owned())
}

/// Writes what goes out beside the PDFs of this run: manifest.json, index.html and
/// SHA256SUMS (atomically, after the PDFs, listing only what this run wrote), and reports
/// files in the output folder that no leaflet of the content produces (a language removed
/// since): they are left in place, never deleted.
fn publish_run(written: &[Written], content: &Content, s: &Settings) -> Result<(), Failure> {
    let entries: Vec<Entry> = written.iter().map(|w| w.entry.clone()).collect();
    let manifest = publish::manifest(&entries);
    let index = publish::index_html(&entries, s.base_url.as_deref());
    let mut sums: Vec<(String, String)> = Vec::new();
    for w in written {
        sums.push((w.entry.sha256.clone(), w.entry.file.clone()));
        for (p, sum) in w.entry.previews.iter().zip(&w.preview_sums) {
            sums.push((sum.clone(), p.clone()));
        }
    }
    sums.push((publish::sha256_hex(manifest.as_bytes()), MANIFEST.into()));
    sums.push((publish::sha256_hex(index.as_bytes()), INDEX.into()));
    for (name, text) in [
        (MANIFEST, manifest.as_str()),
        (INDEX, index.as_str()),
        (SHA256SUMS, publish::sha256sums(&sums).as_str()),
    ] {
        let path = s.out.join(name);
        write_atomic(&path, text.as_bytes())
            .map_err(|e| Failure::Io(Diagnostic::error(&path, format!("cannot write: {e}"))))?;
        println!("{}", path.display());
    }
    for stray in strays(content, s) {
        eprintln!(
            "note: {} was not produced by this build: no leaflet of the content makes it (left in place)",
            stray.display()
        );
    }
    Ok(())
}

/// Files in the output folder (and its previews) that no leaflet of the content would
/// write: what a removed language or template left behind.
fn strays(content: &Content, s: &Settings) -> Vec<PathBuf> {
    let mut known: Vec<String> = vec![MANIFEST.into(), INDEX.into(), SHA256SUMS.into()];
    let all_templates = leaflet_templates(&s.templates);
    for t in &content.topics {
        for template in t.facts.templates.iter().chain(&all_templates) {
            for tag in t.lang_files.keys() {
                known.push(format!("{}-{template}-{tag}", t.id));
            }
        }
    }
    // `<leaflet>.pdf`, or `<leaflet>-<page>.png` in previews/
    let produced = |name: &str| {
        let stem = name.trim_end_matches(".pdf").trim_end_matches(".png");
        let page_of = stem
            .rsplit_once('-')
            .filter(|(_, n)| n.parse::<usize>().is_ok())
            .map(|(leaflet, _)| leaflet);
        known
            .iter()
            .any(|k| k == name || k == stem || Some(k.as_str()) == page_of)
    };
    let mut out = Vec::new();
    for dir in [s.out.clone(), s.out.join(PREVIEWS)] {
        let Ok(rd) = fs::read_dir(&dir) else { continue };
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let ours = name.ends_with(".pdf") || name.ends_with(".png") || known.contains(&name);
            if e.path().is_file() && ours && !produced(&name) {
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}

/// A leaflet laid out and exported, in memory.
pub struct Rendered {
    pub leaflet: Leaflet,
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub document: typst_layout::PagedDocument,
    /// The type size it was set at (1.0 = the template's sizes).
    pub scale: f64,
    /// The template's warnings (printed by the caller, in plan order).
    pub warnings: Vec<Diagnostic>,
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
    fit(
        engine,
        leaflet::build(topic, template, lang, allow_missing)?,
        lang,
    )
}

/// Lays out and exports a leaflet at the largest type size of [`SCALES`] that fits its
/// template's page limit.
fn fit(
    engine: &Engine,
    mut leaflet: Leaflet,
    lang: &content::Lang,
) -> Result<Rendered, Vec<Diagnostic>> {
    let template = leaflet.template.clone();
    let template_path = engine.template_path(&template);
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
            warnings: compiled.warnings,
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

/// Writes, per leaflet of the plan, a self-contained typst project in `dir/<leaflet>/` that
/// stock typst compiles to the same pages: `main.typ` (the template; the other modules of
/// the templates folder beside it), `data.json` (with the type size the leaflet fits at),
/// `qr/*.svg` and a README with the command. For a designer who wants to hand-tune one
/// leaflet, and for the benchmark against stock typst. Returns whether anything failed.
pub fn export_typst(s: &Settings, dir: &Path) -> Result<bool, Failure> {
    let fonts = load_fonts(s)?;
    let (content, diags) = load_and_check(s, Some(&fonts))?;
    let jobs = plan(&content, s)?;
    let engine = Engine::new(fonts, &s.templates);
    let fonts_dir = fs::canonicalize(&s.fonts).unwrap_or_else(|_| s.fonts.clone());
    let io = |path: &Path, e: io::Error| {
        Failure::Io(Diagnostic::error(path, format!("cannot write: {e}")))
    };
    let relevant: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| jobs.iter().any(|j| j.depends_on(&d.path)))
        .collect();
    let mut failed = false;
    for d in &relevant {
        eprintln!("{}", d.render(s.style));
        failed |= d.is_error();
    }
    for job in &jobs {
        let (topic, lang) = match job.ready_unless_blocked(&relevant) {
            Ok(ready) => ready,
            Err(why) => {
                eprintln!("error: {}: not exported, {why}", job.name());
                failed = true;
                continue;
            }
        };
        let rendered = match render_one(&engine, topic, &job.template, lang, s.allow_missing) {
            Ok(r) => r,
            Err(errors) => {
                errors
                    .iter()
                    .for_each(|e| eprintln!("{}", e.render(s.style)));
                eprintln!("error: {}: not exported", job.name());
                failed = true;
                continue;
            }
        };
        let project = dir.join(job.name());
        let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
        // The template as main.typ, and the modules it may import (the .typ files that are
        // not leaflets themselves); other leaflets' templates stay out.
        for entry in fs::read_dir(&s.templates).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "typ") {
                let text = fs::read(&path).map_err(|e| io(&path, e))?;
                let name = if path.file_stem().is_some_and(|n| *n == *job.template) {
                    "main.typ".into()
                } else if max_pages(&String::from_utf8_lossy(&text)).is_none() {
                    entry.file_name().to_string_lossy().into_owned()
                } else {
                    continue;
                };
                files.push((project.join(name), text));
            }
        }
        let data = serde_json::to_string_pretty(&rendered.leaflet.data).unwrap_or_default();
        files.push((project.join("data.json"), data.into_bytes()));
        for (virtual_path, bytes) in &rendered.leaflet.files {
            files.push((
                project.join(virtual_path.trim_start_matches('/')),
                bytes.clone(),
            ));
        }
        let readme = format!(
            "typst compile --root . --font-path {} --ignore-system-fonts --ignore-embedded-fonts main.typ {}.pdf\n",
            fonts_dir.display(),
            job.name()
        );
        files.push((project.join("README"), readme.into_bytes()));
        for (path, bytes) in &files {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
            }
            write_atomic(path, bytes).map_err(|e| io(path, e))?;
        }
        println!("{}/main.typ", project.display());
    }
    Ok(failed)
}

/// Lays out every leaflet without writing it: template errors, overflow and page limits.
pub fn check_layout(content: &Content, s: &Settings, fonts: FontSet) -> Vec<Diagnostic> {
    let engine = Engine::new(fonts, &s.templates);
    let leaflets: Vec<_> = content
        .topics
        .iter()
        .flat_map(|t| {
            t.facts
                .templates
                .iter()
                .flat_map(move |template| t.langs.values().map(move |l| (t, template, l)))
        })
        .collect();
    let weight = |(_, template, lang): &(&Topic, &String, &content::Lang)| weight(lang, template);
    let mut diags: Vec<Diagnostic> =
        longest_first(s.jobs, &leaflets, weight, |(t, template, lang)| {
            let diags = match render_one(&engine, t, template, lang, s.allow_missing) {
                Ok(r) => r.warnings,
                Err(e) => e,
            };
            forget_unused_layouts();
            diags
        })
        .into_iter()
        .flatten()
        .collect();
    diag::sort(&mut diags);
    diags.dedup();
    diags
}
