//! Command-line arguments (clap derive). Parsing only: `main` dispatches.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit codes:
  0  success (warnings may have been printed)
  1  content or layout errors: some leaflet was not built, or check/status found problems
  2  usage or I/O error: bad arguments, unreadable content, fonts or templates, unwritable output";

/// Multilingual, printable A4 leaflets (PDF) from one source of truth.
#[derive(Debug, Parser)]
#[command(name = "leafpress", version, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// How problems are printed: `short` is one `file:line:col: error: …` line each (for CI
    /// logs); `rich` also shows the offending line with a caret under the column; `auto` is
    /// rich on a terminal and short in pipes and logs.
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Auto)]
    pub message_format: MessageFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    Auto,
    Short,
    Rich,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build leaflets (default: every topic, template and language) into the output folder.
    #[command(after_help = EXIT_CODES)]
    Build(BuildArgs),
    /// List the topics, templates and languages found in the content.
    List(Paths),
    /// Check everything `build` would use, without writing PDFs.
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
    /// Translation status per language: blocks translated, missing, outdated.
    #[command(after_help = EXIT_CODES)]
    Status(StatusArgs),
    /// Record that a language's blocks are translated from the current source text
    /// (sets `translated-from` in the language file).
    Stamp(StampArgs),
    /// A native speaker's review: export a language for review (a printed sheet, gettext PO
    /// or XLIFF 1.2), import the reviewed file, or record the review of a printed sheet.
    #[command(subcommand, after_help = EXIT_CODES)]
    Review(ReviewCommand),
    /// Write each leaflet as a self-contained typst project that stock typst compiles to
    /// the same pages (DIR/<topic>-<template>-<lang>/main.typ).
    ExportTypst(ExportArgs),
    /// Rebuild the leaflets a saved change affects (PDFs only), until Ctrl-C; errors are
    /// printed and the last good PDF is kept.
    Watch(WatchArgs),
    /// Write a consultation center's file to fill in (content/centers/ID.toml).
    NewCenter(NewCenterArgs),
}

#[derive(Debug, Args)]
pub struct NewCenterArgs {
    #[command(flatten)]
    pub paths: Paths,
    /// The center's id: lowercase letters, digits and '-' (it names its output folder).
    #[arg(value_name = "ID")]
    pub id: String,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub paths: Paths,
    #[command(flatten)]
    pub leaflets: Leaflets,
}

/// Which leaflets, and where they go (build and watch).
#[derive(Debug, Args)]
pub struct Leaflets {
    #[command(flatten)]
    pub only: Only,
    /// The output folder.
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
    /// Print untranslated blocks in the source language, visibly marked, instead of failing.
    #[arg(long)]
    pub allow_missing: bool,
}

/// A part of the plan: some languages, some templates (default: all).
#[derive(Debug, Args)]
pub struct Only {
    /// Only this language (BCP 47 tag, e.g. ja, zh-Hans); repeatable.
    #[arg(long = "lang", id = "lang", value_name = "TAG")]
    pub langs: Vec<String>,
    /// Only this template (e.g. faq); repeatable.
    #[arg(long = "template", id = "template", value_name = "NAME")]
    pub template_names: Vec<String>,
    /// The edition of this consultation center (content/centers/ID.toml), into OUT/ID/;
    /// repeatable (default: each topic's own center, into OUT).
    #[arg(long = "center", id = "center", value_name = "ID")]
    pub centers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub paths: Paths,
    /// The folder to write the projects into.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub only: Only,
    /// Overwrite projects that exist already (they may hold hand-made changes).
    #[arg(long)]
    pub force: bool,
}

/// Where content, templates and fonts are (defaults: the project folder's).
#[derive(Debug, Clone, Args)]
pub struct Paths {
    /// The content folder: one sub-folder per topic.
    #[arg(long, value_name = "DIR", default_value = "content")]
    pub content: PathBuf,
    /// The templates folder.
    #[arg(long, value_name = "DIR", default_value = "templates")]
    pub templates: PathBuf,
    /// The fonts folder (only these fonts are used).
    #[arg(long, value_name = "DIR", default_value = "fonts")]
    pub fonts: PathBuf,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub paths: Paths,
    #[command(flatten)]
    pub leaflets: Leaflets,
    #[command(flatten)]
    pub age: FactAge,
    /// Where the output folder will be published (e.g. https://example.org/leaflets/): the
    /// counter page (index.html) then shows a QR code of each hosted PDF.
    #[arg(long, value_name = "URL", value_parser = http_url)]
    pub base_url: Option<String>,
    /// Lay out this many leaflets at once (default: one per core; 1: one after another).
    /// The output is the same either way.
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
    pub jobs: usize,
    /// Also write a 72-dpi PNG preview of every page (previews/), for e-mail and web pages;
    /// the counter page needs only the page-1 thumbnails every build writes.
    #[arg(long)]
    pub previews: bool,
    /// Lay out every leaflet again. By default a leaflet is kept when nothing it is made from
    /// (its text, the facts, the templates, the fonts, leafpress itself) has changed since the
    /// last build into the same folder and its PDF and previews are still as written.
    #[arg(long)]
    pub rebuild: bool,
}

fn http_url(s: &str) -> Result<String, String> {
    let ok = ["https://", "http://"]
        .iter()
        .any(|p| s.strip_prefix(p).is_some_and(|rest| !rest.is_empty()));
    if ok && !s.contains(char::is_whitespace) {
        Ok(s.to_owned())
    } else {
        Err("write the full address, starting with https:// (or http://)".into())
    }
}

fn percent(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err("write a percentage from 0 to 100, e.g. 100 or 87.5".into()),
    }
}

/// How old a printed fact's source may be.
#[derive(Debug, Clone, Copy, Args)]
pub struct FactAge {
    /// Warn about printed facts whose `as-of` is more than this many months old (default:
    /// the topic's `max-fact-age-months`, else 12).
    #[arg(long = "max-fact-age", value_name = "MONTHS")]
    pub months: Option<u32>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub paths: Paths,
    /// The date statements are checked against (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// Treat stale statements (bound to a date that has passed) and stale facts (older
    /// than --max-fact-age) as errors.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub age: FactAge,
    /// Untranslated blocks are warnings, not errors.
    #[arg(long)]
    pub allow_missing: bool,
    /// Check the leaflets as this center prints them (repeatable; default: each topic's own
    /// center).
    #[arg(long = "center", value_name = "ID")]
    pub centers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub paths: Paths,
    /// Exit 1 if any language has less than this percentage of blocks translated and current
    /// (0 to 100).
    #[arg(long, value_name = "PERCENT", value_parser = percent)]
    pub fail_under: Option<f64>,
    /// Exit 1 if any block is outdated.
    #[arg(long)]
    pub fail_outdated: bool,
    /// Exit 1 if any translated leaflet prints a block not reviewed by a native speaker
    /// (unreviewed, or changed since its review).
    #[arg(long)]
    pub fail_unreviewed: bool,
    /// Only this template's leaflets (repeatable; default: every template).
    #[arg(long = "template", value_name = "NAME")]
    pub template_names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct StampArgs {
    #[command(flatten)]
    pub paths: Paths,
    /// The language file to stamp (BCP 47 tag).
    #[arg(long = "lang", value_name = "TAG", required = true)]
    pub lang: String,
    /// Stamp only this block (repeatable; default: every block that is fully translated).
    #[arg(long = "block", value_name = "NAME")]
    pub blocks: Vec<String>,
    /// Stamp only the blocks this template prints (repeatable).
    #[arg(long = "template", value_name = "NAME")]
    pub template_names: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Write a language's text for a reviewer: a bilingual A4 sheet (PDF) to mark with a
    /// pen, or a gettext PO or XLIFF 1.2 file for Poedit, Weblate, OmegaT, Crowdin…
    #[command(after_help = EXIT_CODES)]
    Export(ReviewExportArgs),
    /// Merge a reviewed PO or XLIFF file into the language files: changed translations, and
    /// a review record for every block whose strings are all approved (with a reviewer
    /// named). Everything is checked first; a file that fails writes nothing.
    #[command(after_help = EXIT_CODES)]
    Import(ReviewImportArgs),
    /// Record that a reviewer checked the printed sheet and found these blocks correct
    /// (type their corrections in first).
    #[command(after_help = EXIT_CODES)]
    Accept(ReviewAcceptArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReviewFormat {
    /// A bilingual A4 review sheet (PDF): English and the translation as printed, a box
    /// to tick and room for a correction per block.
    Sheet,
    /// gettext PO: one entry per string; a draft is `fuzzy`.
    Po,
    /// XLIFF 1.2: one trans-unit per string, placeholders as inline codes.
    Xliff,
}

#[derive(Debug, Args)]
pub struct ReviewExportArgs {
    #[command(flatten)]
    pub paths: Paths,
    /// The language to review (BCP 47 tag).
    #[arg(long = "lang", value_name = "TAG", required = true)]
    pub lang: String,
    /// Only the blocks this template's leaflet prints (repeatable; default: every leaflet).
    #[arg(long = "template", value_name = "NAME")]
    pub template_names: Vec<String>,
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: ReviewFormat,
    /// The file to write (default: <topic>-review-<lang>.pdf, .po or .xlf in the current
    /// folder).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReviewImportArgs {
    #[command(flatten)]
    pub paths: Paths,
    /// The PO or XLIFF file a translator or reviewer returned.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Who reviewed it, as they want to be named in the record. Without a reviewer (here, or
    /// in the file: PO header `X-Leafpress-Reviewer`, XLIFF `<phase process-name="review"
    /// contact-name="…">`), translations are merged but no review is recorded.
    #[arg(long, value_name = "NAME")]
    pub reviewer: Option<String>,
    /// The day of the review (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReviewAcceptArgs {
    #[command(flatten)]
    pub paths: Paths,
    /// The language reviewed (BCP 47 tag).
    #[arg(long = "lang", value_name = "TAG", required = true)]
    pub lang: String,
    /// Who reviewed it, as they want to be named in the record.
    #[arg(long, value_name = "NAME", required = true)]
    pub reviewer: String,
    /// Only this block (repeatable; default: every block the sheet showed).
    #[arg(long = "block", value_name = "ID")]
    pub blocks: Vec<String>,
    /// Only the blocks this template's leaflet prints (repeatable; default: every leaflet).
    #[arg(long = "template", value_name = "NAME")]
    pub template_names: Vec<String>,
    /// The day of the review (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn arguments_are_well_formed() {
        Cli::command().debug_assert();
    }
}
