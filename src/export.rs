//! `export-typst`: each leaflet of the plan as a self-contained typst project in
//! `DIR/<leaflet>/` that stock typst compiles to the same pages: `main.typ` (the template;
//! the other modules of the templates folder beside it), `data.json` (with the type size the
//! leaflet fits at), `qr/*.svg` and a README with the command. For a designer who wants to
//! hand-tune one leaflet, and for the benchmark against stock typst.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, printable};
use crate::render::Engine;
use crate::settings::Settings;
use crate::writer::write_atomic;
use crate::{Failure, batch, fit, plan, templates};

/// Writes the projects. A project folder that exists already (it may hold a designer's
/// work) is refused before anything is written, unless `force`. Returns whether anything
/// failed.
pub fn export_typst(s: &Settings, dir: &Path, force: bool) -> Result<bool, Failure> {
    let fonts = batch::load_fonts(s)?;
    let templates_root = templates::root(&s.templates)?;
    let (content, diags) = batch::load_and_check(s, Some(&fonts), &templates_root)?;
    let jobs = plan::plan(&content, s, &templates_root)?;
    if !force {
        let existing: Vec<String> = jobs
            .iter()
            .map(|j| dir.join(j.name()))
            .filter(|p| fs::symlink_metadata(p).is_ok())
            .map(|p| printable(&p.display().to_string()).into_owned())
            .collect();
        if !existing.is_empty() {
            return Err(Failure::Usage(format!(
                "{} exist(s) already and may hold hand-made changes: {}; pass --force to overwrite, or export into another folder",
                existing.len(),
                existing.join(", ")
            )));
        }
    }
    let engine = Engine::new(fonts, &s.templates);
    let fonts_dir = fs::canonicalize(&s.fonts).unwrap_or_else(|_| s.fonts.clone());
    let io = |path: &Path, e: io::Error| {
        Failure::Io(Diagnostic::error(path, format!("cannot write: {e}")))
    };
    let relevant: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| plan::concerns(&content, s, d))
        .collect();
    let mut failed = false;
    for d in &relevant {
        eprintln!("{}", d.render(s.style));
        failed |= d.is_error();
    }
    let sources = templates::sources(&templates_root);
    for job in &jobs {
        let (topic, lang) = match job.ready_unless_blocked(&relevant) {
            Ok(ready) => ready,
            Err(why) => {
                eprintln!("error: {}: not exported, {why}", printable(&job.name()));
                failed = true;
                continue;
            }
        };
        let rendered = match fit::render_one(&engine, topic, &job.template, lang, s.allow_missing) {
            Ok(r) => r,
            Err(errors) => {
                errors
                    .iter()
                    .for_each(|e| eprintln!("{}", e.render(s.style)));
                eprintln!("error: {}: not exported", printable(&job.name()));
                failed = true;
                continue;
            }
        };
        let project = dir.join(job.name());
        let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
        // The template as main.typ, and the modules it may import (the .typ files that are
        // not leaflets themselves); other leaflets' templates stay out.
        for (name, text) in &sources {
            let file = if *name == job.template {
                "main.typ".to_owned()
            } else if templates::max_pages(text).is_none() {
                format!("{name}.typ")
            } else {
                continue;
            };
            files.push((project.join(file), text.clone().into_bytes()));
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
        println!("{}/main.typ", printable(&project.display().to_string()));
    }
    Ok(failed)
}
