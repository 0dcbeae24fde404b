//! Font coverage: every character a leaflet prints must be in its language's font stack
//! (typst would silently draw a fallback glyph or tofu otherwise).

use crate::content::Topic;
use crate::content::lang::Field;
use crate::content::text::{self, Run};
use crate::content::validate::{LABELS, LangLabels};
use crate::diag::Diagnostic;
use crate::fonts::{self, FontSet};

/// One diagnostic per missing character per string, at the character's position, for the
/// languages `wanted` (a run checks the languages it builds).
pub fn check(topic: &Topic, fonts: &FontSet, wanted: impl Fn(&str) -> bool) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let Some(source) = topic.source() else {
        return diags;
    };
    let japanese = fonts.coverage(fonts::JAPANESE);
    for lang in topic.langs.values().filter(|l| wanted(&l.tag)) {
        let Some(stack) = fonts::stack_for(&lang.tag) else {
            continue;
        };
        let missing_families = fonts.missing_families(stack.families);
        if !missing_families.is_empty() {
            diags.push(
                Diagnostic::error(
                    &lang.path,
                    format!(
                        "the fonts of `{}` are not in the font folder: {}",
                        lang.tag,
                        missing_families.join(", ")
                    ),
                )
                .with_hint("add the font files to fonts/ (see fonts/README.md)"),
            );
            continue;
        }
        let own = fonts.coverage(stack.families);
        // the center's name and who runs it, as this language's leaflets print them
        if let Some(center) = &topic.center {
            let printed = [
                center.names.get(&lang.tag),
                center.operated_by.get(&lang.tag),
            ];
            for value in printed.into_iter().flatten() {
                if let Some(c) = value.get_ref().chars().find(|c| !own.covers(*c)) {
                    let at = value.span().start;
                    diags.push(
                        Diagnostic::error(
                            &center.path,
                            format!(
                                "U+{:04X} '{c}' is not in any font for {}",
                                c as u32, lang.tag
                            ),
                        )
                        .at(&center.text, at..at)
                        .with_hint(format!(
                            "fonts for {}: {}",
                            lang.tag,
                            stack.families.join(", ")
                        )),
                    );
                }
            }
        }
        let labels = LangLabels {
            lang,
            source,
            center: topic.center.as_ref(),
        };
        let mut check_string = |s: &str, span: std::ops::Range<usize>, block: &str| {
            let resolved = if block == LABELS {
                Ok(vec![Run::Plain(s.to_owned())])
            } else {
                text::resolve(s, &topic.facts, &labels)
            };
            let Ok(runs) = resolved else { return };
            let mut reported = Vec::new();
            for run in &runs {
                let (t, cov, whose) = match run {
                    Run::Term(t) => (t, &japanese, "ja"),
                    Run::Plain(t) | Run::Phone(t) | Run::Url(t) => (t, &own, lang.tag.as_str()),
                };
                for c in t.chars() {
                    if !cov.covers(c) && !reported.contains(&c) {
                        reported.push(c);
                        let raw = lang.text.get(span.clone()).unwrap_or("");
                        let at = raw.find(c).map_or(span.start, |i| span.start + i);
                        diags.push(
                            Diagnostic::error(
                                &lang.path,
                                format!("U+{:04X} '{c}' is not in any font for {whose}", c as u32),
                            )
                            .at(&lang.text, at..at)
                            .with_hint(format!(
                                "fonts for {whose}: {}",
                                stack_names(whose, stack.families)
                            )),
                        );
                    }
                }
            }
        };
        for (name, block) in &lang.blocks {
            for field in block.fields.values() {
                match field.get_ref() {
                    Field::Text(s) => check_string(s, field.span(), name),
                    Field::List(items) => items
                        .iter()
                        .for_each(|i| check_string(i.get_ref(), i.span(), name)),
                }
            }
        }
    }
    diags
}

fn stack_names(whose: &str, families: &[&str]) -> String {
    if whose == "ja" {
        fonts::JAPANESE.join(", ")
    } else {
        families.join(", ")
    }
}
