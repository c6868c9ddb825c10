//! Diagnostics: what went wrong, where, and how to fix it.
//!
//! Every stage reports problems as [`Diagnostic`] values instead of bailing
//! out at the first one, so a build shows all of its errors together.

use std::fmt;
use std::path::PathBuf;

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

    /// The text of 1-based line `number` of `text` (the one indexed), without
    /// its line break.
    pub fn line<'t>(&self, text: &'t str, number: usize) -> Option<&'t str> {
        let start = *self.starts.get(number.checked_sub(1)?)?;
        let end = self.starts.get(number).map_or(text.len(), |&next| next - 1);
        text.get(start..end.max(start))
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
    fn lines_are_found_by_number() {
        let text = "one\ntwo\n\nfour";
        let index = LineIndex::new(text);
        assert_eq!(index.line(text, 1), Some("one"));
        assert_eq!(index.line(text, 3), Some(""));
        assert_eq!(index.line(text, 4), Some("four"));
        assert_eq!(index.line(text, 5), None);
        assert_eq!(index.line(text, 0), None);
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
