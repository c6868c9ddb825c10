//! Diagnostics: what went wrong, where, and how to fix it.
//!
//! Every stage reports problems as [`Diagnostic`] values instead of bailing
//! out at the first one, so a build shows all of its errors together.

use std::fmt;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor::WriteColor};
use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A place in a source file: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One problem found in the site's input. Its words are scrubbed of secrets
/// however it is printed: as JSON, with `Display` or by [`emit`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable rule id, e.g. `front-matter/unknown-key`.
    pub rule: &'static str,
    #[serde(serialize_with = "scrubbed")]
    pub message: String,
    /// Path relative to the site root where possible.
    pub file: Option<PathBuf>,
    #[serde(flatten)]
    pub position: Option<Position>,
    /// How many characters the problem spans from `position` (at least 1).
    #[serde(skip)]
    pub span_chars: usize,
    #[serde(serialize_with = "scrubbed")]
    pub help: Option<String>,
}

/// Serializes a diagnostic's words without the secrets they may quote.
fn scrubbed<S: serde::Serializer, T: Scrub>(text: &T, serializer: S) -> Result<S::Ok, S::Error> {
    text.scrubbed().serialize(serializer)
}

/// Text that can be scrubbed of secrets.
trait Scrub {
    type Out: Serialize;
    fn scrubbed(&self) -> Self::Out;
}

impl Scrub for String {
    type Out = String;
    fn scrubbed(&self) -> String {
        crate::secrets::scrub(self)
    }
}

impl Scrub for Option<String> {
    type Out = Option<String>;
    fn scrubbed(&self) -> Option<String> {
        self.as_deref().map(crate::secrets::scrub)
    }
}

impl Diagnostic {
    pub fn error(rule: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            rule,
            message: message.into(),
            file: None,
            position: None,
            span_chars: 1,
            help: None,
        }
    }

    pub fn warning(rule: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(rule, message)
        }
    }

    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    pub fn at(mut self, position: Position) -> Self {
        self.position = Some(position);
        self
    }

    pub fn at_opt(mut self, position: Option<Position>) -> Self {
        self.position = position;
        self
    }

    pub fn spanning(mut self, chars: usize) -> Self {
        self.span_chars = chars.max(1);
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            if let Some(p) = self.position {
                write!(f, ":{}:{}", p.line, p.column)?;
            }
            write!(f, ": ")?;
        }
        write!(f, "{} [{}]", self.message.scrubbed(), self.rule)?;
        if let Some(help) = self.help.scrubbed() {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Converts byte offsets in a text to line/column positions.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The 1-based position of byte `offset` in `text`.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        Position {
            line: line + 1,
            column,
        }
    }
}

/// Position of a byte offset, for one-off lookups.
pub fn position_of(text: &str, offset: usize) -> Position {
    LineIndex::new(text).position(text, offset)
}

/// Writes diagnostics as a compiler would: coloured, with the source line.
pub fn emit(out: &mut dyn WriteColor, root: &Path, diagnostics: &[Diagnostic]) {
    let mut files = SimpleFiles::new();
    // Each file is read and indexed once, however many diagnostics it has.
    let mut ids: std::collections::HashMap<&Path, Option<usize>> = Default::default();
    let config = term::Config::default();
    for diagnostic in diagnostics {
        let mut report = match diagnostic.severity {
            Severity::Error => Report::error(),
            Severity::Warning => Report::warning(),
        }
        .with_code(diagnostic.rule)
        .with_message(diagnostic.message.scrubbed());
        if let Some(help) = diagnostic.help.scrubbed() {
            report = report.with_notes(vec![format!("help: {help}")]);
        }
        let snippet = diagnostic
            .file
            .as_deref()
            .zip(diagnostic.position)
            .and_then(|(file, pos)| {
                let id = *ids.entry(file).or_insert_with(|| {
                    let text = std::fs::read(root.join(file)).ok()?;
                    // The quoted line may hold a URL with a password; lines
                    // stay where they were, so the label still finds its line.
                    let text = crate::secrets::scrub(&String::from_utf8_lossy(&text));
                    Some(files.add(file.display().to_string(), text))
                });
                let id = id?;
                let text = files.get(id).ok()?.source();
                let range = byte_range(text, pos, diagnostic.span_chars)?;
                Some((id, range))
            });
        match snippet {
            Some((id, range)) => {
                report = report.with_labels(vec![Label::primary(id, range)]);
            }
            None => {
                if let Some(file) = &diagnostic.file {
                    let mut notes = vec![format!("in {}", file.display())];
                    notes.append(&mut report.notes);
                    report.notes = notes;
                }
            }
        }
        // A failed write to the terminal is not worth failing the build for.
        let _ = term::emit_to_write_style(out, &config, &files, &report);
    }
}

fn byte_range(text: &str, pos: Position, chars: usize) -> Option<std::ops::Range<usize>> {
    let line_start = if pos.line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(pos.line - 2)?.0 + 1
    };
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = &text[line_start..line_end];
    let mut indices = line.char_indices().map(|(i, _)| i).chain([line.len()]);
    let start = indices
        .nth(pos.column.saturating_sub(1))
        .unwrap_or(line.len());
    let end = line[start..]
        .char_indices()
        .nth(chars)
        .map_or(line.len(), |(i, _)| start + i);
    Some(line_start + start..line_start + end.max(start))
}

/// Counts errors and warnings for a summary line.
pub fn counts(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

/// Suggests the closest known word to a misspelt one, if any is close enough.
pub fn suggest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(word, k), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "ab\ncé d\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(index.position(text, 3), Position { line: 2, column: 1 });
        // "é" is two bytes but one column.
        assert_eq!(index.position(text, 6), Position { line: 2, column: 3 });
    }

    #[test]
    fn byte_range_follows_columns() {
        let text = "one\ntwo three\n";
        let range = byte_range(text, Position { line: 2, column: 5 }, 5).unwrap();
        assert_eq!(&text[range], "three");
    }

    #[test]
    fn a_diagnostic_never_shows_a_secret_however_it_is_printed() {
        crate::secrets::register("diagnostic-secret-31");
        let d = Diagnostic::error("config/deploy", "`url` \"s3://k:diagnostic-secret-31@b\"")
            .in_file("config.toml")
            .with_help("not diagnostic-secret-31");
        let json = serde_json::to_string(&d).unwrap();
        let shown = d.to_string();
        for text in [&json, &shown] {
            assert!(!text.contains("diagnostic-secret-31"), "{text}");
            assert!(text.contains("s3://***@b"), "{text}");
        }
    }

    #[test]
    fn suggests_near_keys_only() {
        let known = ["reviewed_by", "last_reviewed", "title"];
        assert_eq!(suggest("reviewd_by", known), Some("reviewed_by"));
        assert_eq!(suggest("zzz", known), None);
    }
}
