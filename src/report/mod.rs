//! Diagnostics printed for a person to act on: sorted by file and line, the
//! first few of each rule in full, one line for the rest of that rule, and a
//! closing table of counts per rule, worst first.
//!
//! A migrated site can raise tens of thousands of warnings; nobody reads
//! those on a terminal, and drawing them one unbuffered write at a time cost
//! more than the build. `--all` prints every one; `--format json` lists them
//! all for tools.

mod excerpt;

use std::collections::BTreeMap;
use std::path::Path;

use codespan_reporting::term::termcolor::{Color, ColorSpec, WriteColor};

use crate::diagnostic::{Diagnostic, Severity};

pub use excerpt::Drawer;

/// How much to print.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Print every diagnostic, not the first few of each rule.
    pub all: bool,
    /// The terminal's width in characters.
    pub columns: usize,
}

impl Options {
    /// The first few per rule, at the width of the terminal on stderr.
    pub fn for_stderr(all: bool) -> Options {
        let columns = terminal_size::terminal_size_of(std::io::stderr())
            .map_or(100, |(width, _)| usize::from(width.0));
        Options { all, columns }
    }
}

/// Errors of one rule shown in full before the rest are counted.
const ERRORS_PER_RULE: usize = 10;
/// Warnings of one rule shown in full before the rest are counted.
const WARNINGS_PER_RULE: usize = 3;
/// Below this many diagnostics, a table of counts says nothing new.
const TABLE_AFTER: usize = 10;

/// Puts diagnostics in reading order: by file, then line, then column; those
/// of the whole site (no file) first. Equal places keep the order they were
/// found in.
pub fn sort(problems: &mut [Diagnostic]) {
    problems.sort_by(|a, b| {
        a.file.cmp(&b.file).then_with(|| {
            let place = |d: &Diagnostic| d.position.map(|p| (p.line, p.column));
            place(a).cmp(&place(b))
        })
    });
}

/// Prints `problems` (already in reading order) to `out`.
pub fn print(out: &mut dyn WriteColor, root: &Path, problems: &[Diagnostic], options: Options) {
    let mut drawer = Drawer::new(root, options.columns);
    let mut counts: BTreeMap<(&'static str, Severity), usize> = BTreeMap::new();
    for diagnostic in problems {
        let seen = counts
            .entry((diagnostic.rule, diagnostic.severity))
            .or_default();
        *seen += 1;
        if options.all || *seen <= quota(diagnostic.severity) {
            drawer.draw(out, diagnostic);
        }
    }
    if !options.all {
        print_hidden(out, &counts);
    }
    if problems.len() > TABLE_AFTER || (!options.all && any_hidden(&counts)) {
        print_table(out, &counts);
    }
}

fn quota(severity: Severity) -> usize {
    match severity {
        Severity::Error => ERRORS_PER_RULE,
        Severity::Warning => WARNINGS_PER_RULE,
    }
}

fn any_hidden(counts: &BTreeMap<(&'static str, Severity), usize>) -> bool {
    counts
        .iter()
        .any(|((_, severity), &n)| n > quota(*severity))
}

/// `… and 9,980 more readability/grade warnings (…)`, one line per rule.
fn print_hidden(out: &mut dyn WriteColor, counts: &BTreeMap<(&'static str, Severity), usize>) {
    for ((rule, severity), &n) in counts {
        let Some(more) = n.checked_sub(quota(*severity)).filter(|&m| m > 0) else {
            continue;
        };
        let _ = writeln!(
            out,
            "… and {} more {rule} {} (--all prints every one; --format json lists them all)",
            grouped(more),
            noun(*severity, more),
        );
    }
}

/// The counts per rule, the rules with most errors first, then most warnings.
fn print_table(out: &mut dyn WriteColor, counts: &BTreeMap<(&'static str, Severity), usize>) {
    let mut rows: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for ((rule, severity), &n) in counts {
        let row = rows.entry(rule).or_default();
        match severity {
            Severity::Error => row.0 += n,
            Severity::Warning => row.1 += n,
        }
    }
    let mut rows: Vec<(&str, (usize, usize))> = rows.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let _ = writeln!(out);
    let mut bold = ColorSpec::new();
    bold.set_bold(true);
    let _ = out.set_color(&bold);
    let _ = writeln!(out, "{:>8}  {:>8}  rule", "errors", "warnings");
    let _ = out.reset();
    for (rule, (errors, warnings)) in rows {
        let _ = out.set_color(ColorSpec::new().set_fg((errors > 0).then_some(Color::Red)));
        let _ = write!(out, "{:>8}", grouped_or_dash(errors));
        let _ = out.reset();
        let _ = writeln!(out, "  {:>8}  {rule}", grouped_or_dash(warnings));
    }
}

fn noun(severity: Severity, n: usize) -> &'static str {
    match (severity, n) {
        (Severity::Error, 1) => "error",
        (Severity::Error, _) => "errors",
        (Severity::Warning, 1) => "warning",
        (Severity::Warning, _) => "warnings",
    }
}

fn grouped_or_dash(n: usize) -> String {
    if n == 0 { "-".into() } else { grouped(n) }
}

/// 12345 → "12,345"
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Position;
    use codespan_reporting::term::termcolor::NoColor;

    fn warning(rule: &'static str, file: &str, line: usize) -> Diagnostic {
        Diagnostic::warning(rule, format!("{rule} at {line}"))
            .in_file(file)
            .at(Position { line, column: 1 })
    }

    fn printed(problems: &[Diagnostic], all: bool) -> String {
        let mut out = NoColor::new(Vec::new());
        let options = Options { all, columns: 80 };
        print(&mut out, Path::new("/nonexistent"), problems, options);
        String::from_utf8(out.into_inner()).unwrap()
    }

    #[test]
    fn numbers_are_grouped_in_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1234567), "1,234,567");
    }

    #[test]
    fn diagnostics_sort_by_file_then_line() {
        let mut problems = vec![
            warning("a", "b.md", 7),
            warning("a", "a.md", 9),
            warning("a", "b.md", 5),
            Diagnostic::error("config/x", "site-wide"),
        ];
        sort(&mut problems);
        let order: Vec<_> = problems.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(order, ["site-wide", "a at 9", "a at 5", "a at 7"]);
    }

    #[test]
    fn each_rule_shows_its_first_few_then_counts_the_rest() {
        let mut problems: Vec<_> = (1..=50)
            .map(|i| warning("readability/grade", "p.md", i))
            .collect();
        problems.push(warning("review/stale", "p.md", 60));
        let text = printed(&problems, false);
        assert_eq!(
            text.matches("readability/grade at").count(),
            WARNINGS_PER_RULE,
            "{text}"
        );
        assert!(text.contains("review/stale at 60"), "{text}");
        assert!(
            text.contains("… and 47 more readability/grade warnings"),
            "{text}"
        );
        // The table lists the busiest rule first.
        let table = &text[text.find("warnings  rule").unwrap()..];
        assert!(
            table.find("readability/grade") < table.find("review/stale"),
            "{table}"
        );
        assert!(table.contains("50  readability/grade"), "{table}");
    }

    #[test]
    fn all_shows_every_one() {
        let problems: Vec<_> = (1..=20)
            .map(|i| warning("readability/grade", "p.md", i))
            .collect();
        let text = printed(&problems, true);
        assert_eq!(text.matches("readability/grade at").count(), 20);
        assert!(!text.contains("more readability/grade"), "{text}");
    }

    #[test]
    fn errors_come_first_in_the_table() {
        let mut problems: Vec<_> = (1..=20)
            .map(|i| warning("readability/grade", "p.md", i))
            .collect();
        problems.push(Diagnostic::error("review/missing", "no review").in_file("q.md"));
        let text = printed(&problems, false);
        let table = &text[text.find("warnings  rule").unwrap()..];
        assert!(
            table.find("review/missing") < table.find("readability/grade"),
            "{table}"
        );
    }

    #[test]
    fn a_few_diagnostics_need_no_table() {
        let text = printed(&[warning("a/b", "p.md", 1)], false);
        assert!(!text.contains("warnings  rule"), "{text}");
    }
}
