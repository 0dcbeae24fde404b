//! Diagnostics: one problem found in the content or a template, pointing at a file, line and
//! column, printed the same way for every stage: `path:line:col: error: message` in logs and
//! pipes, and on a terminal also the offending line with a caret under the column
//! (annotate-snippets, as rustc, typst-cli and just show it).

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// How bad a problem is: errors stop a leaflet from being printed, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A place in a file: 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` in `text` (clamped to the text's length).
    pub fn of_offset(text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Position { line, column }
    }
}

/// One problem, with where it is and, where we know one, how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: PathBuf,
    pub position: Option<Position>,
    pub message: String,
    pub hint: Option<String>,
    /// The offending line, for the caret form (set by [`Diagnostic::at`]).
    pub snippet: Option<Box<Snippet>>,
}

/// One line of a file and the bytes of it a diagnostic points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub line: String,
    /// Byte range within `line` (at least one character wide where the line has one).
    pub span: Range<usize>,
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// One line per problem (and its hint): for CI logs and pipes.
    Short,
    /// The one-line form, then the offending line with a caret under the column.
    Rich { color: bool },
}

impl Style {
    /// Rich on a terminal (coloured unless `NO_COLOR` is set), short otherwise.
    pub fn for_stream(is_terminal: bool) -> Style {
        if is_terminal {
            Style::Rich {
                color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            }
        } else {
            Style::Short
        }
    }
}

impl Diagnostic {
    pub fn error(path: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.to_path_buf(),
            position: None,
            message: message.into(),
            hint: None,
            snippet: None,
        }
    }

    pub fn warning(path: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, message)
        }
    }

    /// Points the diagnostic at the start of `span` (byte range) in `source`.
    pub fn at(mut self, source: &str, span: Range<usize>) -> Self {
        let mut start = span.start.min(source.len());
        while !source.is_char_boundary(start) {
            start -= 1;
        }
        self.position = Some(Position::of_offset(source, start));
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let line = source[line_start..line_end].trim_end_matches('\r');
        let from = (start - line_start).min(line.len());
        // Underline the span on this line, or at least the character at the column.
        let to = span.end.saturating_sub(line_start).clamp(from, line.len());
        let to = if to > from {
            to
        } else {
            line[from..]
                .chars()
                .next()
                .map_or(from, |c| from + c.len_utf8())
        };
        self.snippet = Some(Box::new(Snippet {
            line: line.to_owned(),
            span: from..to,
        }));
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The diagnostic as printed in `style`.
    pub fn render(&self, style: Style) -> String {
        let color = match style {
            Style::Short => return self.to_string(),
            Style::Rich { color } => color,
        };
        let (Some(position), Some(snippet)) = (self.position, &self.snippet) else {
            return self.to_string();
        };
        use annotate_snippets::{AnnotationKind, Group, Level, Renderer};
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let path = printable(&self.path.display().to_string()).into_owned();
        let message = printable(&self.message);
        let line = printable(&snippet.line);
        if line != snippet.line.as_str() {
            // the caret would point at the wrong column of the escaped line
            return self.to_string();
        }
        let mut report = vec![
            level.primary_title(message.as_ref()).element(
                annotate_snippets::Snippet::source(&snippet.line)
                    .line_start(position.line)
                    .path(&path)
                    .annotation(AnnotationKind::Primary.span(snippet.span.clone())),
            ),
        ];
        let hint = self.hint.as_deref().map(printable);
        if let Some(hint) = &hint {
            report.push(Group::with_title(
                Level::HELP.secondary_title(hint.as_ref()),
            ));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&report)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", printable(&self.path.display().to_string()))?;
        if let Some(p) = self.position {
            write!(f, ":{}:{}", p.line, p.column)?;
        }
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, ": {severity}: {}", printable(&self.message))?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {}", printable(hint))?;
        }
        Ok(())
    }
}

/// `s` as it may be printed to a terminal or a log: control characters (a newline in a file
/// name, ESC, NUL; not a tab) are written as `\u{1b}` escapes, so that a name can neither
/// break a log's lines nor drive the terminal. Everything else, every script, prints as
/// itself.
pub fn printable(s: &str) -> Cow<'_, str> {
    let escaped = |c: char| c.is_control() && c != '\t';
    if !s.chars().any(escaped) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if escaped(c) {
                    format!("\\u{{{:x}}}", c as u32)
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// Sorts diagnostics by file and position so that a run's report reads top to bottom.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.path, a.position, a.severity, &a.message)
            .cmp(&(&b.path, b.position, b.severity, &b.message))
    });
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    closest(word, candidates)
        .filter(|(d, c)| *d <= 2.max(c.chars().count() / 3))
        .map(|(_, c)| c)
}

/// The candidate with the smallest edit distance to `word` (ties: the first in order), and
/// that distance, however far it is.
pub fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<(usize, &'a str)> {
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(word, c), c))
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let text = "a = 1\nb = \"日本\"x";
        assert_eq!(
            Position::of_offset(text, 0),
            Position { line: 1, column: 1 }
        );
        let x = text.find('x').unwrap();
        assert_eq!(
            Position::of_offset(text, x),
            Position { line: 2, column: 9 }
        );
    }

    #[test]
    fn control_characters_are_escaped_for_logs() {
        assert_eq!(printable("vi.toml"), "vi.toml");
        assert_eq!(printable("a\nb\u{1b}[31m"), "a\\u{a}b\\u{1b}[31m");
        let d = Diagnostic::error(Path::new("con\ntent/x\u{7}.toml"), "bad \u{0}");
        assert_eq!(
            d.to_string(),
            "con\\u{a}tent/x\\u{7}.toml: error: bad \\u{0}"
        );
    }

    #[test]
    fn suggests_close_keys_only() {
        assert_eq!(did_you_mean("tittle", ["title", "heading"]), Some("title"));
        assert_eq!(did_you_mean("zzz", ["title", "heading"]), None);
    }
}
