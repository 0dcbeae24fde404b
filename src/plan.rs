//! Plan stage: the leaflets a run is asked for (topics × templates × languages), from the
//! files present, not from what parsed: a language file that does not parse, is not UTF-8,
//! is a folder or a FIFO, or a topic whose `facts.toml` does not load, is a leaflet that
//! fails, counted in "N of M leaflet(s) failed" and in the exit status. `build`, `check`
//! and `export-typst` plan with this one function, so they can never disagree. Reads
//! nothing but the templates folder's names; writes nothing.

use std::path::{Path, PathBuf};

use crate::content::{self, Content, Topic};
use crate::diag::Diagnostic;
use crate::sandbox::Root;
use crate::settings::Settings;
use crate::{Failure, templates};

/// One leaflet a run is asked to build.
pub struct Job<'a> {
    pub topic_id: String,
    pub template: String,
    pub tag: String,
    /// The language file (it may be missing, or not parse: then the job fails).
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

    /// How much work it is, roughly: the length of its language's text for the template (a
    /// long text, or a script of three bytes a letter, takes longer to lay out).
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
                    .map(|d| crate::diag::printable(&d.path.display().to_string()).into_owned())
                    .collect();
                files.dedup();
                Err(if files.is_empty() {
                    format!(
                        "{} did not load",
                        crate::diag::printable(&self.lang_file.display().to_string())
                    )
                } else {
                    format!("{} error(s) above in {}", blocking.len(), files.join(", "))
                })
            }
        }
    }
}

/// How much work a leaflet is, roughly (see [`Job::weight`]).
pub fn weight(lang: &content::Lang, template: &str) -> usize {
    lang.text.len() + lang.parts.get(template).map_or(0, |p| p.text.len())
}

/// Every leaflet the content makes, asked for or not: (topic, template, language tag). What
/// the output folder may hold; what a build publishes.
pub fn all_leaflets(content: &Content, templates_dir: &Root) -> Vec<(String, String, String)> {
    let mut all: Vec<(String, String, String)> = plan_all(content, templates_dir)
        .iter()
        .map(|j| (j.topic_id.clone(), j.template.clone(), j.tag.clone()))
        .collect();
    all.sort();
    all
}

/// The jobs of a run: (topic, template, language) for every language of every topic, also
/// those that did not load, sorted, filtered by --template/--lang. A `--lang` or
/// `--template` that names nothing of the content is a usage error.
pub fn plan<'a>(
    content: &'a Content,
    s: &Settings,
    templates_dir: &Root,
) -> Result<Vec<Job<'a>>, Failure> {
    let all = plan_all(content, templates_dir);
    let langs = content.language_tags();
    for l in &s.langs {
        if !langs.contains(&l.as_str()) {
            return Err(Failure::Usage(format!(
                "no content for language `{}`; languages found: {}",
                crate::diag::printable(l),
                langs.join(", ")
            )));
        }
    }
    let mut names: Vec<&str> = content
        .topics
        .iter()
        .flat_map(|t| t.facts.templates.iter().map(String::as_str))
        .collect();
    let leaflet_templates = templates::leaflet_templates(templates_dir);
    names.extend(leaflet_templates.iter().map(String::as_str));
    names.sort();
    names.dedup();
    for t in &s.templates_wanted {
        if !names.contains(&t.as_str()) {
            return Err(Failure::Usage(format!(
                "no template `{}`; templates found: {}",
                crate::diag::printable(t),
                names.join(", ")
            )));
        }
    }
    Ok(all
        .into_iter()
        .filter(|j| s.wants_template(&j.template) && s.wants_lang(&j.tag))
        .collect())
}

/// Every job of the content, unfiltered.
fn plan_all<'a>(content: &'a Content, templates_dir: &Root) -> Vec<Job<'a>> {
    // A topic whose facts did not load names no templates: it would have had the leaflet
    // templates of the templates folder.
    let all_templates = templates::leaflet_templates(templates_dir);
    let mut jobs = Vec::new();
    for topic in &content.topics {
        let source_tag = &topic.facts.source_language;
        let source = topic.lang_files.get(source_tag);
        for template in &topic.facts.templates {
            // A template whose text is kept apart also reads `<template>/<tag>.toml`, and
            // the source language's (whether or not they exist: a missing one is an error).
            let kept_apart = topic.part_files.keys().any(|(t, _)| t == template)
                || topic.langs.values().any(|l| l.parts.contains_key(template));
            let part = |tag: &str| {
                kept_apart.then(|| topic.dir.join(template).join(format!("{tag}.toml")))
            };
            for tag in tags(&topic.lang_files, &topic.part_files, template) {
                let file = topic.dir.join(format!("{tag}.toml"));
                let mut inputs = vec![file.clone(), topic.facts_path.clone()];
                inputs.extend(source.cloned());
                inputs.extend(part(&tag));
                inputs.extend(part(source_tag));
                inputs.extend(topic.center.as_ref().map(|c| c.path.clone()));
                jobs.push(Job {
                    topic_id: topic.id.clone(),
                    template: template.clone(),
                    ready: topic.langs.get(&tag).map(|lang| (topic, lang)),
                    tag,
                    lang_file: file,
                    inputs,
                });
            }
        }
    }
    for u in &content.unloaded {
        for template in &all_templates {
            for tag in tags(&u.lang_files, &u.part_files, template) {
                let file = u.facts_path.with_file_name(format!("{tag}.toml"));
                let mut inputs = vec![file.clone(), u.facts_path.clone()];
                inputs.extend(u.part_files.get(&(template.clone(), tag.clone())).cloned());
                jobs.push(Job {
                    topic_id: u.id.clone(),
                    template: template.clone(),
                    tag,
                    lang_file: file,
                    inputs,
                    ready: None,
                });
            }
        }
    }
    jobs
}

/// The languages of a topic for `template`: every language file, and every template file
/// of `template` (a `guide/vi.toml` without `vi.toml` is a leaflet that fails, not one
/// that is left out).
fn tags(
    lang_files: &std::collections::BTreeMap<String, PathBuf>,
    part_files: &std::collections::BTreeMap<(String, String), PathBuf>,
    template: &str,
) -> Vec<String> {
    let mut tags: Vec<String> = lang_files
        .keys()
        .cloned()
        .chain(
            part_files
                .keys()
                .filter(|(t, _)| t == template)
                .map(|(_, tag)| tag.clone()),
        )
        .collect();
    tags.sort();
    tags.dedup();
    tags
}

/// The problems a run reports and counts: all, except those in the files of a language or
/// template it was not asked for (`--lang ja` does not fail on an error in `vi.toml`).
pub fn concerns(content: &Content, s: &Settings, d: &Diagnostic) -> bool {
    // a center's file: the center(s) this run prints for (asked for, or the topics' own)
    if let Some(id) = content
        .center_files
        .iter()
        .find(|(_, p)| **p == d.path)
        .map(|(id, _)| id)
    {
        return s.center.as_ref() == Some(id)
            || s.center.is_none()
                && content
                    .topics
                    .iter()
                    .any(|t| t.facts.center.as_ref().map(|c| c.get_ref()) == Some(id));
    }
    let topic_dirs = content.topics.iter().map(|t| t.dir.as_path()).chain(
        content
            .unloaded
            .iter()
            .filter_map(|u| u.facts_path.parent()),
    );
    for dir in topic_dirs {
        let Ok(rel) = d.path.strip_prefix(dir) else {
            continue;
        };
        let parts: Vec<String> = rel
            .iter()
            .map(|c| c.to_string_lossy().into_owned())
            .collect();
        let tag = |file: &str| file.strip_suffix(".toml").map(str::to_owned);
        return match parts.as_slice() {
            [file] if file == "facts.toml" => true,
            [file] => tag(file).is_none_or(|t| s.wants_lang(&t)),
            [template, file] => {
                s.wants_template(template) && tag(file).is_none_or(|t| s.wants_lang(&t))
            }
            _ => true,
        };
    }
    true
}

/// `--template` must name a template of the content (of status, stamp and review: a typo
/// would otherwise print nothing and succeed).
pub fn known_templates(content: &Content, names: &[String]) -> Result<(), Failure> {
    let mut known: Vec<&str> = content
        .topics
        .iter()
        .flat_map(|t| t.facts.templates.iter().map(String::as_str))
        .collect();
    known.sort();
    known.dedup();
    match names.iter().find(|n| !known.contains(&n.as_str())) {
        Some(n) => Err(Failure::Usage(format!(
            "no template `{n}`; templates found: {}",
            known.join(", ")
        ))),
        None => Ok(()),
    }
}
