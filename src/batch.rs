//! Batch stage: one run of `build` (or `check`) from start to end. It loads and checks the
//! content, plans the leaflets (`plan`), lays each out (`fit`) on every core, hands what it
//! made to the writer (`writer`, the only code that writes into the output folder), and
//! publishes the manifest, checksums and counter page of the folder.
//!
//! One failing leaflet does not stop the others, and a leaflet that was not written is
//! always a failure (exit 1). A failure never takes a leaflet away: the earlier good one
//! stays in the folder and stays listed until a new one replaces it.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::content::{self, Content, Topic, validate};
use crate::diag::{self, Diagnostic, printable};
use crate::fit::{self, Rendered};
use crate::fonts::FontSet;
use crate::leaflet;
use crate::parallel::longest_first;
use crate::plan::{self, Job};
use crate::publish::{self, Entry, MANIFEST, PREVIEWS};
use crate::render::{self, Engine};
use crate::reuse::{Inputs, LastBuild, Previous};
use crate::sandbox::Root;
use crate::settings::Settings;
use crate::writer::Output;
use crate::{Failure, glyphs, templates};

/// One leaflet written (or kept up to date) by this run.
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
    /// The SHA-256 of each image (`entry.images()`: thumbnail, previews), for SHA256SUMS.
    pub image_sums: Vec<String>,
    /// Kept from the last build: its inputs have not changed since.
    pub kept: bool,
}

/// Preview resolution: 1 pixel per point (72 dpi, 595 × 842 px for A4).
pub const PREVIEW_PIXELS_PER_PT: f64 = 1.0;

/// Loads and validates all content: the diagnostics of every topic and of the templates
/// folder's entries, sorted.
pub fn load_and_check(
    s: &Settings,
    fonts: Option<&FontSet>,
    templates_root: &Root,
) -> Result<(Content, Vec<Diagnostic>), Failure> {
    let mut content = content::load(&s.content).map_err(Failure::Io)?;
    if let Some(id) = &s.center {
        content = content.for_center(id).map_err(Failure::Usage)?;
    }
    let templates_text = templates::text(templates_root);
    let opts = validate::Options {
        allow_missing: s.allow_missing,
        strict: s.strict,
        max_fact_age_months: s.max_fact_age_months,
        ..validate::Options::on(s.today)
    };
    let mut diags = content.diagnostics.clone();
    diags.extend(templates::problems(templates_root));
    for topic in &content.topics {
        diags.extend(validate::topic(topic, &templates_text, &opts));
        if let Some(fonts) = fonts {
            // The languages this run builds, and the source they fall back to.
            let wanted = |tag: &str| s.wants_lang(tag) || tag == topic.facts.source_language;
            diags.extend(glyphs::check(topic, fonts, wanted));
        }
    }
    diag::sort(&mut diags);
    diags.dedup();
    Ok((content, diags))
}

/// Builds every planned leaflet. Prints each file written and each problem; returns the
/// files written and whether anything failed: a leaflet not written, or an error reported
/// for anything the run was asked to build.
pub fn build(s: &Settings) -> Result<(Vec<Written>, bool), Failure> {
    let fonts = load_fonts(s)?;
    let engine = Engine::new(fonts.clone(), &s.templates);
    build_editions(&engine, &fonts, s)
}

/// [`build_with`] for each edition asked for (`--center`: each center into a folder of its
/// own, with its own manifest, checksums and counter page).
pub fn build_editions(
    engine: &Engine,
    fonts: &FontSet,
    s: &Settings,
) -> Result<(Vec<Written>, bool), Failure> {
    let mut all = Vec::new();
    let mut failed = false;
    for edition in s.editions() {
        if let Some(id) = &edition.center {
            eprintln!(
                "== the edition of center `{id}`, into {}",
                printable(&edition.out.display().to_string())
            );
        }
        let (written, f) = build_with(engine, fonts, &edition)?;
        all.extend(written);
        failed |= f;
    }
    Ok((all, failed))
}

/// The fonts of `s.fonts`: an error (exit 2) if the folder cannot be read or lacks a face
/// some language needs.
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
    let templates_root = templates::root(&s.templates)?;
    // The lock first: what the last build left is read, and the folder written, by one
    // run at a time.
    let out = Output::open(&s.out)?;
    let last = if s.publish {
        LastBuild::new(
            Inputs::of(&templates_root, &s.fonts, s.pdf_date),
            Previous::read(out.root()),
            s.reuse,
        )
    } else {
        LastBuild::default()
    };
    if !last.may_keep() {
        // every leaflet will be laid out: typst's font hashes, while the content is checked
        fonts.hash_in_background();
    }
    let (content, diags) = load_and_check(s, Some(fonts), &templates_root)?;
    let jobs = plan::plan(&content, s, &templates_root)?;
    // The problems of what this run builds (not those of a language it was not asked for).
    let relevant: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| plan::concerns(&content, s, d))
        .collect();
    for d in &relevant {
        eprintln!("{}", d.render(s.style));
    }
    // Lay out, export and write the leaflets on every core (each job's files are written
    // whole or not at all); report in plan order, so that messages and files are those of a
    // sequential run.
    let outcomes = longest_first(s.jobs, &jobs, Job::weight, |job| {
        let outcome = match job.ready_unless_blocked(&relevant) {
            Ok((topic, lang)) => {
                match build_one(engine, topic, &job.template, lang, s, &last, &out) {
                    Ok(w) => Outcome::Built(Box::new(w)),
                    Err(errors) => Outcome::Failed(errors),
                }
            }
            Err(why) => Outcome::Blocked(why),
        };
        if s.one_shot {
            forget_unused_layouts();
        }
        outcome
    });
    let mut written = Vec::new();
    let mut failed = Vec::new();
    for (job, outcome) in jobs.iter().zip(outcomes) {
        let name = printable(&job.name()).into_owned();
        match outcome {
            Outcome::Blocked(why) => {
                eprintln!("error: {name}: not built, {why}");
                failed.push(job);
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
                    printable(&w.path.display().to_string()),
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
                failed.push(job);
            }
        }
    }
    if s.publish {
        publish_folder(&out, &content, &templates_root, &written, &failed, &last, s)?;
    }
    let errors = relevant.iter().filter(|d| d.is_error()).count();
    if !failed.is_empty() {
        eprintln!(
            "{} of {} leaflet(s) failed; {} written",
            failed.len(),
            jobs.len(),
            written.len()
        );
    } else if errors > 0 {
        eprintln!("{errors} error(s) reported; every leaflet was written");
    }
    Ok((written, !failed.is_empty() || errors > 0))
}

/// What became of one job.
enum Outcome {
    /// Not attempted: its content has errors (said above), or did not load.
    Blocked(String),
    Built(Box<Written>),
    Failed(Vec<Diagnostic>),
}

/// Drops typst's memoized results that neither of the last two leaflets used. A leaflet
/// reuses its own (every layout pass, every type size tried) and little of another's;
/// keeping all would hold every leaflet of a run in memory (measured: 430 MB for the 30
/// leaflets, about 170 MB with this, in the same time).
pub fn forget_unused_layouts() {
    typst::comemo::evict(2);
}

/// Lays out and exports one leaflet, then has the writer write its PDF and a PNG preview of
/// every page, whole or not at all. A leaflet whose inputs are those of the last build,
/// with its files as that build wrote them, is kept instead.
pub fn build_one(
    engine: &Engine,
    topic: &Topic,
    template: &str,
    lang: &content::Lang,
    s: &Settings,
    last: &LastBuild,
    out: &Output,
) -> Result<Written, Vec<Diagnostic>> {
    let leaflet = leaflet::build(topic, template, lang, s.allow_missing)?;
    let key = last.key(&leaflet);
    let file = leaflet.file_name();
    let path = s.out.join(&file);
    let (title, edition) = (leaflet.title.clone(), leaflet.edition.to_string());
    let stem = file.trim_end_matches(".pdf").to_owned();
    // the images this run publishes of a leaflet of `pages` pages
    let wanted = |pages| {
        if s.publish {
            publish::image_names(&stem, pages, s.previews)
        } else {
            Vec::new()
        }
    };
    let published = |pages, bytes, sha256, scale, images: Vec<String>| Entry {
        file: file.clone(),
        topic: topic.id.clone(),
        template: template.to_owned(),
        template_name: publish::template_name(topic, template),
        language: publish::language(topic, lang),
        title: title.clone(),
        translation: lang.translation.level(template).key().to_owned(),
        edition: edition.clone(),
        pages,
        bytes,
        sha256,
        type_scale: scale,
        thumbnail: images.first().cloned(),
        previews: images.iter().skip(1).cloned().collect(),
        input: key.clone(),
        from_earlier_build: false,
        center: topic.center.as_ref().map(|c| c.id.clone()),
    };
    let kept = key
        .as_deref()
        .and_then(|k| last.kept(&file, k))
        .filter(|k| k.entry.images() == wanted(k.entry.pages));
    if let Some(k) = kept {
        let e = k.entry;
        let images = e.images();
        return Ok(Written {
            path,
            pages: e.pages,
            bytes: e.bytes,
            scale: e.type_scale,
            entry: published(e.pages, e.bytes, e.sha256, e.type_scale, images),
            warnings: Vec::new(),
            image_sums: k.image_sums,
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
    } = fit::fit(engine, leaflet, lang, s.pdf_date)?;
    let mut files: Vec<(String, Vec<u8>)> = vec![(file.clone(), pdf.clone())];
    let images = wanted(pages);
    let image_sums = if let Some(same) = last.same_images(&file, &pdf, &images) {
        // The same PDF renders the same images: keep those of an unchanged leaflet (and the
        // PDF, which is the file on disk already).
        files.clear();
        same
    } else {
        // The thumbnail (page 1, shown on the counter page) and the previews, on every core
        // (rasterizing is most of the cost).
        let pngs = longest_first(
            0,
            &images,
            |_| 1,
            |rel| {
                let png = match rel.strip_prefix(&format!("{PREVIEWS}/{stem}-")) {
                    Some(n) => {
                        let page = n.trim_end_matches(".png").parse::<usize>().unwrap_or(1);
                        render::png(&document.pages()[page - 1], PREVIEW_PIXELS_PER_PT)
                    }
                    None => render::thumbnail(&document.pages()[0], publish::THUMBNAIL_WIDTH_PX),
                };
                png.map_err(|e| Diagnostic::error(&s.out.join(rel), e))
            },
        )
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| vec![e])?;
        let mut sums = Vec::new();
        for (rel, png) in images.iter().zip(pngs) {
            sums.push(publish::sha256_hex(&png));
            files.push((rel.clone(), png));
        }
        sums
    };
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(rel, bytes)| (rel.as_str(), bytes.as_slice()))
        .collect();
    if !refs.is_empty() {
        out.commit(&refs).map_err(|e| vec![e])?;
    }
    let mut entry = published(pages, pdf.len(), publish::sha256_hex(&pdf), scale, images);
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
        image_sums,
        kept: false,
    })
}

/// Publishes the output folder: manifest.json, index.html and SHA256SUMS list the leaflets
/// this run wrote or kept, and every other leaflet of the content that an earlier build
/// left in the folder, still as written (a leaflet that failed now, or was not asked for,
/// stays published until a new one replaces it). Files that no leaflet of the content
/// produces any more (a language removed since) are reported, never deleted.
fn publish_folder(
    out: &Output,
    content: &Content,
    templates_root: &Root,
    written: &[Written],
    failed: &[&Job],
    last: &LastBuild,
    s: &Settings,
) -> Result<(), Failure> {
    let mut entries: Vec<Entry> = written.iter().map(|w| w.entry.clone()).collect();
    let mut sums: Vec<(String, String)> = Vec::new();
    for w in written {
        sums.push((w.entry.sha256.clone(), w.entry.file.clone()));
        for (p, sum) in w.entry.images().iter().zip(&w.image_sums) {
            sums.push((sum.clone(), p.clone()));
        }
    }
    let made: BTreeSet<&str> = written.iter().map(|w| w.entry.file.as_str()).collect();
    let all = plan::all_leaflets(content, templates_root);
    for (topic_id, template, tag) in &all {
        let file = format!("{topic_id}-{template}-{tag}.pdf");
        if made.contains(file.as_str()) {
            continue;
        }
        let Some(earlier) = last.earlier(&file) else {
            continue;
        };
        let mut entry = earlier.entry;
        entry.from_earlier_build = true;
        if let Some(topic) = content.topics.iter().find(|t| t.id == *topic_id) {
            entry.language.order = publish::counter_order(topic, tag);
        }
        sums.push((entry.sha256.clone(), entry.file.clone()));
        for (p, sum) in entry.images().iter().zip(&earlier.image_sums) {
            sums.push((sum.clone(), p.clone()));
        }
        if failed
            .iter()
            .any(|j| j.name() == file.trim_end_matches(".pdf"))
        {
            eprintln!(
                "note: {} of an earlier build (edition {}) stays published until a new one is built",
                printable(&s.out.join(&file).display().to_string()),
                entry.edition
            );
        }
        entries.push(entry);
    }
    entries.sort_by(|a, b| a.file.cmp(&b.file));
    let manifest = publish::manifest(&entries);
    // The counter page names the center whose edition the folder holds.
    let center = content.topics.iter().find_map(|t| t.center.as_ref());
    let (index, qr_files) = publish::counter_page(
        &entries,
        s.base_url.as_deref(),
        center.map(|c| c.name.as_str()),
    );
    sums.push((publish::sha256_hex(manifest.as_bytes()), MANIFEST.into()));
    sums.push((publish::sha256_hex(index.as_bytes()), publish::INDEX.into()));
    for (path, bytes) in &qr_files {
        sums.push((publish::sha256_hex(bytes), path.clone()));
    }
    out.publish(&manifest, &index, &publish::sha256sums(&sums), &qr_files)?;
    for name in [MANIFEST, publish::INDEX, publish::SHA256SUMS] {
        println!("{}", printable(&s.out.join(name).display().to_string()));
    }
    // `<leaflet>.pdf`, `<leaflet>.png` in thumbnails/, `<leaflet>.svg` in qr/ or
    // `<leaflet>-<page>.png` in previews/, of a leaflet of the content
    let known: BTreeSet<String> = all
        .iter()
        .map(|(t, template, tag)| format!("{t}-{template}-{tag}"))
        .collect();
    let leaflet_of = |name: &str| -> Option<String> {
        let stem = [".pdf", ".png", ".svg"]
            .iter()
            .find_map(|ext| name.strip_suffix(ext))?;
        let page_of = stem
            .rsplit_once('-')
            .filter(|(_, n)| n.parse::<usize>().is_ok())
            .map(|(leaflet, _)| leaflet);
        [Some(stem), page_of]
            .into_iter()
            .flatten()
            .find(|l| known.contains(*l))
            .map(str::to_owned)
    };
    // An image of one of the folder's leaflets that this publication does not list (a
    // preview of a build with `--previews`, a page the leaflet no longer has, the QR code
    // of a `--base-url` no longer given) no longer shows what is published: removed.
    let listed: BTreeSet<String> = entries
        .iter()
        .flat_map(|e| e.images())
        .chain(qr_files.iter().map(|(p, _)| p.clone()))
        .collect();
    for image in out.images(|rel| !listed.contains(rel)) {
        let name = image.file_name().unwrap_or_default().to_string_lossy();
        if leaflet_of(&name).is_some() && std::fs::remove_file(&image).is_ok() {
            eprintln!(
                "note: removed {}: an image of an earlier build that this build does not make",
                printable(&image.display().to_string())
            );
        }
    }
    let produced = |name: &str| {
        [MANIFEST, publish::INDEX, publish::SHA256SUMS].contains(&name)
            || leaflet_of(name).is_some()
    };
    for stray in out.strays(produced) {
        eprintln!(
            "note: {} was not produced by this build: no leaflet of the content makes it (left in place)",
            printable(&stray.display().to_string())
        );
    }
    Ok(())
}

/// Lays out every leaflet of the plan without writing it: template errors, overflow and
/// page limits (the leaflets whose content has errors are not laid out: those are said).
pub fn check_layout(
    content: &Content,
    s: &Settings,
    fonts: FontSet,
    templates_root: &Root,
    diags: &[Diagnostic],
) -> Result<Vec<Diagnostic>, Failure> {
    let engine = Engine::new(fonts, &s.templates);
    let jobs = plan::plan(content, s, templates_root)?;
    let relevant: Vec<&Diagnostic> = diags.iter().collect();
    let mut found: Vec<Diagnostic> = longest_first(s.jobs, &jobs, Job::weight, |job| {
        let Ok((topic, lang)) = job.ready_unless_blocked(&relevant) else {
            return Vec::new();
        };
        let found = match fit::render_one(&engine, topic, &job.template, lang, s.allow_missing) {
            Ok(r) => r.warnings,
            Err(e) => e,
        };
        forget_unused_layouts();
        found
    })
    .into_iter()
    .flatten()
    .collect();
    diag::sort(&mut found);
    found.dedup();
    Ok(found)
}
