//! One diagnostic drawn as a compiler draws it, quoting only the part of its
//! source line that fits the terminal.
//!
//! A markdown paragraph is one line, often thousands of characters long;
//! quoting it whole would bury the caret. Each quoted line is therefore a
//! window around the problem, handed to codespan as a one-line "file" whose
//! line and column numbers are the real ones.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::{self, Files};
use codespan_reporting::term::{self, termcolor::WriteColor};

use crate::diagnostic::{Diagnostic, LineIndex, Position, Severity};
use crate::secrets::scrub;

/// The quoted part of one source line.
struct Window {
    name: String,
    /// The line's real 1-based number.
    line: usize,
    /// Characters cut from the start of the line (before the text shown).
    cut: usize,
    text: String,
    /// Where the problem is, in bytes of `text`.
    span: Range<usize>,
}

impl<'a> Files<'a> for Window {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, files::Error> {
        Ok(&self.name)
    }
    fn source(&'a self, (): ()) -> Result<&'a str, files::Error> {
        Ok(&self.text)
    }
    fn line_index(&'a self, (): (), _: usize) -> Result<usize, files::Error> {
        Ok(0)
    }
    fn line_range(&'a self, (): (), _: usize) -> Result<Range<usize>, files::Error> {
        Ok(0..self.text.len())
    }
    fn line_number(&'a self, (): (), _: usize) -> Result<usize, files::Error> {
        Ok(self.line)
    }
    fn column_number(&'a self, (): (), _: usize, byte: usize) -> Result<usize, files::Error> {
        let byte = byte.min(self.text.len());
        Ok(self.cut + self.text[..byte].chars().count() + 1)
    }
}

/// A source file read once, however many diagnostics quote it.
struct Source {
    text: String,
    lines: LineIndex,
}

/// Draws diagnostics, reading each quoted file once.
pub struct Drawer<'r> {
    root: &'r Path,
    /// How many characters of a source line fit beside the gutter.
    width: usize,
    sources: HashMap<PathBuf, Option<Source>>,
    config: term::Config,
}

impl<'r> Drawer<'r> {
    pub fn new(root: &'r Path, columns: usize) -> Self {
        Drawer {
            root,
            // The gutter (` 123 │ `) and a little slack for the caret line.
            width: columns.saturating_sub(12).max(40),
            sources: HashMap::new(),
            config: term::Config::default(),
        }
    }

    pub fn draw(&mut self, out: &mut dyn WriteColor, diagnostic: &Diagnostic) {
        let mut report = match diagnostic.severity {
            Severity::Error => Report::error(),
            Severity::Warning => Report::warning(),
        }
        .with_code(diagnostic.rule)
        .with_message(scrub(&diagnostic.message));
        if let Some(help) = &diagnostic.help {
            report = report.with_notes(vec![format!("help: {}", scrub(help))]);
        }
        let window = diagnostic
            .file
            .as_deref()
            .zip(diagnostic.position)
            .and_then(|(file, at)| self.window(file, at, diagnostic.span_chars));
        // A failed write to the terminal is not worth failing the build for.
        match window {
            Some(window) => {
                let report = report.with_labels(vec![Label::primary((), window.span.clone())]);
                let _ = term::emit_to_write_style(out, &self.config, &window, &report);
            }
            None => {
                if let Some(file) = &diagnostic.file {
                    report.notes.insert(0, located(file, diagnostic.position));
                }
                // Without a label no file is read: any will do.
                let none = cut(String::new(), Position { line: 1, column: 1 }, "", 1, 1);
                let _ = term::emit_to_write_style(out, &self.config, &none, &report);
            }
        }
    }

    fn window(&mut self, file: &Path, at: Position, span_chars: usize) -> Option<Window> {
        let root = self.root;
        let source = self
            .sources
            .entry(file.to_path_buf())
            .or_insert_with(|| read(&root.join(file)))
            .as_ref()?;
        let line = source.lines.line(&source.text, at.line)?;
        Some(cut(
            file.display().to_string(),
            at,
            line,
            span_chars,
            self.width,
        ))
    }
}

/// "in content/post.md:3:1" for a problem whose line cannot be quoted.
fn located(file: &Path, at: Option<Position>) -> String {
    match at {
        Some(p) => format!("in {}:{}:{}", file.display(), p.line, p.column),
        None => format!("in {}", file.display()),
    }
}

fn read(path: &Path) -> Option<Source> {
    let bytes = std::fs::read(path).ok()?;
    // The quoted line may hold a URL with a password; lines stay where they
    // were, so the label still finds its line.
    let text = scrub(&String::from_utf8_lossy(&bytes));
    let lines = LineIndex::new(&text);
    Some(Source { text, lines })
}

/// The window of `line` (1-based number `at.line`) around column `at.column`
/// that fits `width` characters, marked with `…` where it was cut.
fn cut(name: String, at: Position, line: &str, span_chars: usize, width: usize) -> Window {
    let chars: Vec<char> = line.trim_end_matches('\r').chars().collect();
    let start_col = at.column.saturating_sub(1).min(chars.len());
    let span_chars = span_chars.max(1).min(width / 2);
    let (from, to) = if chars.len() <= width {
        (0, chars.len())
    } else {
        // Some context before the problem, the rest after it.
        let from = start_col.saturating_sub(width / 4);
        let to = (from + width).min(chars.len());
        (to.saturating_sub(width).min(from), to)
    };
    let lead = if from > 0 { "…" } else { "" };
    let tail = if to < chars.len() { "…" } else { "" };
    let shown: String = chars[from..to].iter().collect();
    let text = format!("{lead}{shown}{tail}");
    let span_start = lead.len() + char_bytes(&chars[from..start_col.max(from)]);
    let span_end_col = (start_col + span_chars).min(to);
    let span_end = span_start + char_bytes(&chars[start_col.max(from)..span_end_col.max(from)]);
    Window {
        name,
        line: at.line,
        // The `…` stands in the first column shown, so the numbering of the
        // characters after it stays true.
        cut: from.saturating_sub(lead.chars().count()),
        text,
        span: span_start..span_end.max(span_start),
    }
}

fn char_bytes(chars: &[char]) -> usize {
    chars.iter().map(|c| c.len_utf8()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    #[test]
    fn a_short_line_is_quoted_whole() {
        let w = cut("a.md".into(), at(3, 5), "one two three", 3, 80);
        assert_eq!(w.text, "one two three");
        assert_eq!(&w.text[w.span.clone()], "two");
        assert_eq!(w.column_number((), 0, w.span.start).unwrap(), 5);
        assert_eq!(w.line_number((), 0).unwrap(), 3);
    }

    #[test]
    fn a_long_line_is_cut_around_the_problem_and_keeps_its_columns() {
        let line = format!("{}TARGET{}", "a".repeat(5000), "b".repeat(5000));
        let w = cut("a.md".into(), at(1, 5001), &line, 6, 60);
        assert!(w.text.chars().count() <= 62, "{}", w.text);
        assert!(
            w.text.starts_with('…') && w.text.ends_with('…'),
            "{}",
            w.text
        );
        assert_eq!(&w.text[w.span.clone()], "TARGET");
        assert_eq!(w.column_number((), 0, w.span.start).unwrap(), 5001);
    }

    #[test]
    fn a_problem_near_the_end_of_a_long_line_shows_the_end() {
        let line = format!("{}END", "x".repeat(500));
        let w = cut("a.md".into(), at(1, 501), &line, 3, 40);
        assert!(w.text.ends_with("END"), "{}", w.text);
        assert_eq!(&w.text[w.span.clone()], "END");
        assert_eq!(w.column_number((), 0, w.span.start).unwrap(), 501);
    }

    #[test]
    fn wide_characters_are_counted_as_characters() {
        let w = cut("a.md".into(), at(1, 3), "éé bad", 3, 80);
        assert_eq!(&w.text[w.span.clone()], " ba");
    }
}
