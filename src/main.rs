//! The `leafpress` command: parses arguments, dispatches to a command, sets the exit code.

use std::process::ExitCode;

use clap::Parser;

use leafpress::batch::{self, Settings};
use leafpress::cli::{CheckArgs, Cli, Command, Paths, StampArgs, StatusArgs};
use leafpress::content::values::Date;
use leafpress::content::{self, Content};
use leafpress::diag::Diagnostic;
use leafpress::fonts::FontSet;
use leafpress::status::{self, BlockState};
use leafpress::{Failure, exit};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(a) => build(settings(
            &a.paths,
            a.out,
            a.langs,
            a.template_names,
            a.allow_missing,
            Date::today(),
            false,
        )),
        Command::List(p) => list(&p),
        Command::Check(a) => check(&a),
        Command::Status(a) => status(&a),
        Command::Stamp(a) => stamp(&a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Failure::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(exit::USAGE_OR_IO)
        }
        Err(Failure::Io(d)) => {
            eprintln!("{d}");
            ExitCode::from(exit::USAGE_OR_IO)
        }
    }
}

fn settings(
    p: &Paths,
    out: std::path::PathBuf,
    langs: Vec<String>,
    templates: Vec<String>,
    allow_missing: bool,
    today: Date,
    strict: bool,
) -> Settings {
    Settings {
        content: p.content.clone(),
        templates: p.templates.clone(),
        fonts: p.fonts.clone(),
        out,
        langs,
        templates_wanted: templates,
        allow_missing,
        today,
        strict,
    }
}

fn build(s: Settings) -> Result<u8, Failure> {
    let (_, failed) = batch::build(&s)?;
    Ok(if failed { exit::PROBLEMS } else { exit::OK })
}

fn list(p: &Paths) -> Result<u8, Failure> {
    let content = content::load(&p.content).map_err(Failure::Io)?;
    for d in &content.diagnostics {
        eprintln!("{d}");
    }
    for t in &content.topics {
        println!("topic {}", t.id);
        println!("  templates: {}", t.facts.templates.join(", "));
        println!("  languages:");
        for l in t.langs.values() {
            println!("    {:<8} {:<22} {}", l.tag, l.name, l.translation.name());
        }
    }
    Ok(if content.diagnostics.iter().any(Diagnostic::is_error) {
        exit::PROBLEMS
    } else {
        exit::OK
    })
}

fn check(a: &CheckArgs) -> Result<u8, Failure> {
    let today = match &a.today {
        Some(t) => Date::parse(t).ok_or_else(|| {
            Failure::Usage(format!("--today `{t}` is not a date; write YYYY-MM-DD"))
        })?,
        None => Date::today(),
    };
    let s = settings(
        &a.paths,
        "output".into(),
        vec![],
        vec![],
        a.allow_missing,
        today,
        a.strict,
    );
    let fonts = FontSet::load(&s.fonts).map_err(|e| Failure::Io(Diagnostic::error(&s.fonts, e)))?;
    let (content, mut diags) = batch::load_and_check(&s, Some(&fonts))?;
    // Lay out every leaflet too: template errors and overflow are found only that way.
    if !diags.iter().any(Diagnostic::is_error) {
        diags.extend(batch::check_layout(&content, &s, fonts));
    }
    for d in &diags {
        println!("{d}");
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    println!("{errors} error(s), {warnings} warning(s)");
    Ok(if errors > 0 { exit::PROBLEMS } else { exit::OK })
}

fn load_content(p: &Paths) -> Result<Content, Failure> {
    let content = content::load(&p.content).map_err(Failure::Io)?;
    for d in content.diagnostics.iter().filter(|d| d.is_error()) {
        eprintln!("{d}");
    }
    Ok(content)
}

fn status(a: &StatusArgs) -> Result<u8, Failure> {
    let content = load_content(&a.paths)?;
    let mut failed =
        !content.diagnostics.is_empty() && content.diagnostics.iter().any(Diagnostic::is_error);
    for topic in &content.topics {
        let rows = status::topic_status(topic);
        print!("{}", status::table(topic, &rows));
        for r in &rows {
            if a.fail_under.is_some_and(|min| r.percent_current() < min) {
                eprintln!(
                    "error: {} is {:.0}% current, under --fail-under {}",
                    r.tag,
                    r.percent_current(),
                    a.fail_under.unwrap_or_default()
                );
                failed = true;
            }
            if a.fail_outdated && r.count(BlockState::Outdated) > 0 {
                eprintln!(
                    "error: {} has {} outdated block(s)",
                    r.tag,
                    r.count(BlockState::Outdated)
                );
                failed = true;
            }
        }
    }
    Ok(if failed { exit::PROBLEMS } else { exit::OK })
}

fn stamp(a: &StampArgs) -> Result<u8, Failure> {
    let content = load_content(&a.paths)?;
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
            .filter(|n| status::block_state(lang, source, n) != BlockState::Missing)
            .cloned()
            .collect();
        let text = status::stamp(&lang.text, lang, source, &names);
        batch::write_atomic(&lang.path, text.as_bytes()).map_err(|e| {
            Failure::Io(Diagnostic::error(&lang.path, format!("cannot write: {e}")))
        })?;
        println!(
            "{}: stamped {} block(s) as translated from the current {} text",
            lang.path.display(),
            names.len(),
            source.tag
        );
    }
    if !found {
        return Err(Failure::Usage(format!(
            "no content for language `{}`",
            a.lang
        )));
    }
    Ok(exit::OK)
}
