//! The `leafpress` command: parses arguments, dispatches to a command, sets the exit code.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use unicode_width::UnicodeWidthStr;

use leafpress::batch;
use leafpress::cli::{
    CheckArgs, Cli, Command, Leaflets, MessageFormat, Paths, StampArgs, StatusArgs,
};
use leafpress::content::values::Date;
use leafpress::content::{self, Content};
use leafpress::diag::{Diagnostic, Style};
use leafpress::settings::{self as run_settings, Settings};
use leafpress::status::{self, BlockState};
use leafpress::{Failure, exit};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Problems go to stderr, except `check`'s report, which is its output.
    let on_stdout = matches!(cli.command, Command::Check(_));
    let style = match cli.message_format {
        MessageFormat::Short => Style::Short,
        MessageFormat::Rich => Style::Rich { color: false },
        MessageFormat::Auto if on_stdout => Style::for_stream(std::io::stdout().is_terminal()),
        MessageFormat::Auto => Style::for_stream(std::io::stderr().is_terminal()),
    };
    let pdf_date =
        match run_settings::source_date_epoch(std::env::var("SOURCE_DATE_EPOCH").ok().as_deref()) {
            Ok(d) => d,
            Err(msg) => {
                eprintln!("error: {msg}");
                return ExitCode::from(exit::USAGE_OR_IO);
            }
        };
    let settings = |p: &Paths, today: Date| Settings {
        pdf_date,
        ..project_settings(p, today, style)
    };
    let leaflets = |p: &Paths, l: Leaflets| Settings {
        out: l.out,
        langs: l.only.langs,
        templates_wanted: l.only.template_names,
        centers: l.only.centers,
        allow_missing: l.allow_missing,
        ..settings(p, Date::today())
    };
    let result = match cli.command {
        Command::Build(a) => build(Settings {
            max_fact_age_months: a.age.months,
            base_url: a.base_url,
            jobs: a.jobs,
            reuse: !a.rebuild,
            previews: a.previews,
            ..leaflets(&a.paths, a.leaflets)
        }),
        Command::List(p) => list(&p, style),
        Command::Check(a) => check(&a, style, settings),
        Command::Status(a) => status(&a, style),
        Command::Stamp(a) => stamp(&a, style),
        Command::Review(a) => leafpress::review::run(a, style),
        Command::Watch(a) => leafpress::watch::run(&Settings {
            publish: false,
            one_shot: false,
            reuse: false,
            ..leaflets(&a.paths, a.leaflets)
        }),
        Command::ExportTypst(a) => export_typst(
            &Settings {
                langs: a.only.langs,
                templates_wanted: a.only.template_names,
                centers: a.only.centers,
                ..settings(&a.paths, Date::today())
            },
            &a.dir,
            a.force,
        ),
        Command::NewCenter(a) => new_center(&a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Failure::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(exit::USAGE_OR_IO)
        }
        Err(Failure::Io(d)) => {
            eprintln!("{}", d.render(style));
            ExitCode::from(exit::USAGE_OR_IO)
        }
    }
}

/// The project's folders as given, every language and template, nothing written yet.
fn project_settings(p: &Paths, today: Date, style: Style) -> Settings {
    Settings {
        content: p.content.clone(),
        templates: p.templates.clone(),
        fonts: p.fonts.clone(),
        style,
        ..Settings::in_project(std::path::Path::new("."), today)
    }
}

fn build(s: Settings) -> Result<u8, Failure> {
    let (_, failed) = batch::build(&s)?;
    Ok(if failed { exit::PROBLEMS } else { exit::OK })
}

/// Each edition asked for (`--center ID`: into DIR/ID/, as `build` writes OUT/ID/), or the
/// topics' own into DIR.
fn export_typst(s: &Settings, dir: &std::path::Path, force: bool) -> Result<u8, Failure> {
    let mut failed = false;
    for edition in s.editions() {
        let into = match &edition.center {
            Some(id) if !s.centers.is_empty() => dir.join(id),
            _ => dir.to_path_buf(),
        };
        failed |= leafpress::export::export_typst(&edition, &into, force)?;
    }
    Ok(if failed { exit::PROBLEMS } else { exit::OK })
}

/// Writes `content/centers/<id>.toml` to fill in (never over an existing one).
fn new_center(a: &leafpress::cli::NewCenterArgs) -> Result<u8, Failure> {
    use leafpress::content::center;
    if !a
        .id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        || a.id.is_empty()
    {
        return Err(Failure::Usage(format!(
            "`{}` is not a center id: use lowercase letters a–z, digits and '-' (it names the center's output folder)",
            leafpress::diag::printable(&a.id)
        )));
    }
    let dir = a.paths.content.join(center::FOLDER);
    let path = dir.join(format!("{}.toml", a.id));
    if std::fs::symlink_metadata(&path).is_ok() {
        return Err(Failure::Usage(format!(
            "{} exists already: edit it, or choose another id",
            path.display()
        )));
    }
    std::fs::create_dir_all(&dir)
        .and_then(|_| leafpress::writer::write_atomic(&path, center::template(&a.id).as_bytes()))
        .map_err(|e| Failure::Io(Diagnostic::error(&path, format!("cannot write: {e}"))))?;
    println!(
        "{}: fill it in, then `leafpress check --center {}` and `leafpress build --center {}`",
        path.display(),
        a.id,
        a.id
    );
    Ok(exit::OK)
}

fn list(p: &Paths, style: Style) -> Result<u8, Failure> {
    let content = content::load(&p.content).map_err(Failure::Io)?;
    for d in &content.diagnostics {
        eprintln!("{}", d.render(style));
    }
    for t in &content.topics {
        println!("topic {}", t.id);
        println!("  templates: {}", t.facts.templates.join(", "));
        println!("  languages:");
        // Columns by display width: 日本語 is three characters but six columns wide.
        let width = t.langs.values().map(|l| l.name.width()).max().unwrap_or(0) + 2;
        let tags = t
            .lang_files
            .keys()
            .map(|k| k.len())
            .max()
            .unwrap_or(0)
            .max(8);
        for tag in t.lang_files.keys() {
            let (name, status) = match t.langs.get(tag) {
                Some(l) => (l.name.as_str(), l.translation.summary()),
                None => ("?", "does not load (see the errors above)".to_owned()),
            };
            let pad = " ".repeat(width.saturating_sub(name.width()));
            println!("    {tag:<tags$} {name}{pad}{status}");
        }
    }
    for u in &content.unloaded {
        println!(
            "topic {}: its facts do not load (see the errors above)",
            u.id
        );
    }
    Ok(if content.diagnostics.iter().any(Diagnostic::is_error) {
        exit::PROBLEMS
    } else {
        exit::OK
    })
}

fn check(
    a: &CheckArgs,
    style: Style,
    settings: impl Fn(&Paths, Date) -> Settings,
) -> Result<u8, Failure> {
    let today = match &a.today {
        Some(t) => Date::parse(t).ok_or_else(|| {
            Failure::Usage(format!("--today `{t}` is not a date; write YYYY-MM-DD"))
        })?,
        None => Date::today(),
    };
    let s = Settings {
        allow_missing: a.allow_missing,
        strict: a.strict,
        max_fact_age_months: a.age.months,
        centers: a.centers.clone(),
        ..settings(&a.paths, today)
    };
    let fonts = batch::load_fonts(&s)?;
    let templates_root = leafpress::templates::root(&s.templates)?;
    let mut diags = Vec::new();
    // Each edition asked for (a center's), or the topics' own.
    for edition in s.editions() {
        let (content, found) = batch::load_and_check(&edition, Some(&fonts), &templates_root)?;
        // Lay out every leaflet too (those whose content has no errors): template errors
        // and overflow are found only that way.
        let layout =
            batch::check_layout(&content, &edition, fonts.clone(), &templates_root, &found)?;
        diags.extend(found);
        diags.extend(layout);
    }
    leafpress::diag::sort(&mut diags);
    diags.dedup();
    for d in &diags {
        println!("{}", d.render(style));
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    println!("{errors} error(s), {warnings} warning(s)");
    Ok(if errors > 0 { exit::PROBLEMS } else { exit::OK })
}

fn load_content(p: &Paths, style: Style) -> Result<Content, Failure> {
    let content = content::load(&p.content).map_err(Failure::Io)?;
    for d in content.diagnostics.iter().filter(|d| d.is_error()) {
        eprintln!("{}", d.render(style));
    }
    Ok(content)
}

fn status(a: &StatusArgs, style: Style) -> Result<u8, Failure> {
    let content = load_content(&a.paths, style)?;
    leafpress::plan::known_templates(&content, &a.template_names)?;
    let mut failed =
        !content.diagnostics.is_empty() && content.diagnostics.iter().any(Diagnostic::is_error);
    for topic in &content.topics {
        let rows = status::topic_status(topic, &a.template_names);
        print!("{}", status::table(topic, &rows));
        for r in &rows {
            if a.fail_under.is_some_and(|min| r.percent_current() < min) {
                eprintln!(
                    "error: {} ({}) is {:.0}% current, under --fail-under {}",
                    r.tag,
                    r.template,
                    r.percent_current(),
                    a.fail_under.unwrap_or_default()
                );
                failed = true;
            }
            if a.fail_outdated && r.count(BlockState::Outdated) > 0 {
                eprintln!(
                    "error: {} ({}) has {} outdated block(s)",
                    r.tag,
                    r.template,
                    r.count(BlockState::Outdated)
                );
                failed = true;
            }
            if a.fail_unreviewed && r.unreviewed() > 0 {
                eprintln!(
                    "error: {} ({}) has {} block(s) not reviewed by a native speaker",
                    r.tag,
                    r.template,
                    r.unreviewed()
                );
                failed = true;
            }
        }
    }
    Ok(if failed { exit::PROBLEMS } else { exit::OK })
}

fn stamp(a: &StampArgs, style: Style) -> Result<u8, Failure> {
    let content = load_content(&a.paths, style)?;
    leafpress::plan::known_templates(&content, &a.template_names)?;
    let mut found = false;
    for topic in &content.topics {
        let (Some(lang), Some(source)) = (topic.langs.get(&a.lang), topic.source()) else {
            continue;
        };
        found = true;
        if lang.tag == source.tag {
            return Err(Failure::Usage(format!(
                "`{}` is the source language: nothing to stamp",
                lang.tag
            )));
        }
        let names: Vec<String> = source
            .blocks
            .keys()
            .filter(|n| a.blocks.is_empty() || a.blocks.contains(n))
            .filter(|n| {
                a.template_names.is_empty() || a.template_names.iter().any(|t| topic.prints(t, n))
            })
            .filter(|n| status::block_state(lang, source, n) != BlockState::Missing)
            .cloned()
            .collect();
        // Each block is stamped in the file it is written in (the language file, or its
        // template's file).
        for (path, text) in lang.files() {
            let here: Vec<String> = names
                .iter()
                .filter(|n| lang.file_for(n).0 == path)
                .cloned()
                .collect();
            if here.is_empty() {
                continue;
            }
            let stamped = status::stamp(text, lang, source, &here);
            leafpress::writer::write_atomic(path, stamped.as_bytes())
                .map_err(|e| Failure::Io(Diagnostic::error(path, format!("cannot write: {e}"))))?;
            println!(
                "{}: stamped {} block(s) as translated from the current {} text",
                path.display(),
                here.len(),
                source.tag
            );
        }
    }
    if !found {
        return Err(Failure::Usage(format!(
            "no content for language `{}`",
            a.lang
        )));
    }
    Ok(exit::OK)
}
