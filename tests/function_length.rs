//! Short functions that say what they do, and one error story: no function
//! in `src/` runs over 80 lines unless a `// Long:` comment right above it
//! says why, and no function returns `Result<_, String>`. Test modules at
//! the end of a file are exempt.

use std::path::Path;

/// The most lines a function may run without saying why.
const MOST_LINES: usize = 80;

/// A function found in a source file: its name, first line and length.
#[derive(Debug, PartialEq, Eq)]
struct Function {
    name: String,
    line: usize,
    lines: usize,
    explained: bool,
}

/// The text before the file's test module, as lines.
fn code_lines(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().collect();
    let end = lines
        .windows(2)
        .position(|w| w[0].trim() == "#[cfg(test)]" && w[1].trim_start().starts_with("mod tests"))
        .unwrap_or(lines.len());
    lines[..end].to_vec()
}

/// The name of the function a line opens, if it opens one with a body.
fn opens_function(line: &str) -> Option<&str> {
    let trimmed = line.trim_start();
    let rest = trimmed
        .split_once("fn ")
        .filter(|(before, _)| {
            before
                .split_whitespace()
                .all(|word| word.starts_with("pub") || ["async", "const", "unsafe"].contains(&word))
        })?
        .1;
    if trimmed.ends_with(';') {
        return None;
    }
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// Whether the comments and attributes right above line `at` say why the
/// function is long.
fn explained(lines: &[&str], at: usize) -> bool {
    lines[..at]
        .iter()
        .rev()
        .map(|l| l.trim_start())
        .take_while(|l| l.starts_with("//") || l.starts_with("#["))
        .any(|l| l.contains("Long:"))
}

fn functions(text: &str) -> Vec<Function> {
    let lines = code_lines(text);
    let mut found = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        let Some(name) = opens_function(line) else {
            continue;
        };
        let indent = line.len() - line.trim_start().len();
        let close = " ".repeat(indent) + "}";
        let Some(end) = lines[at..]
            .iter()
            .position(|l| l.starts_with(&close) && l.len() - l.trim_start().len() == indent)
        else {
            continue;
        };
        found.push(Function {
            name: name.to_string(),
            line: at + 1,
            lines: end + 1,
            explained: explained(&lines, at),
        });
    }
    found
}

/// `(line, text)` of every line that returns `Result<_, String>`.
fn string_errors(text: &str) -> Vec<(usize, String)> {
    code_lines(text)
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            let l = l.replace(' ', "");
            !l.trim_start().starts_with("//") && l.contains(",String>") && l.contains("Result<")
        })
        .map(|(i, l)| (i + 1, l.trim().to_string()))
        .collect()
}

fn sources() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    walkdir::WalkDir::new(&src)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let rel = e.path().strip_prefix(&src).unwrap().display().to_string();
            (rel, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn no_function_runs_long_without_saying_why() {
    let long: Vec<String> = sources()
        .iter()
        .flat_map(|(file, text)| {
            functions(text)
                .into_iter()
                .filter(|f| f.lines > MOST_LINES && !f.explained)
                .map(move |f| format!("src/{file}:{}: `{}` runs {} lines", f.line, f.name, f.lines))
        })
        .collect();
    assert!(
        long.is_empty(),
        "split these by what they switch on, or say why above them with `// Long:`:\n{}",
        long.join("\n")
    );
}

#[test]
fn no_function_returns_a_bare_string_error() {
    let found: Vec<String> = sources()
        .iter()
        .flat_map(|(file, text)| {
            string_errors(text)
                .into_iter()
                .map(move |(line, text)| format!("src/{file}:{line}: {text}"))
        })
        .collect();
    assert!(
        found.is_empty(),
        "give these a typed error of their stage:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_scanner_measures_functions_and_sees_the_why() {
    let body = "    let x = 1;\n".repeat(85);
    let text = format!(
        "//! A file.\n\nfn short() {{\n    one();\n}}\n\n// Long: one arm per page kind.\npub fn explained() {{\n{body}}}\n\npub(crate) fn unexplained(a: u8) -> Result<(), String> {{\n{body}}}\n\nfn declared();\n\n#[cfg(test)]\nmod tests {{\n    fn in_tests() {{\n{body}    }}\n}}\n"
    );
    let found = functions(&text);
    let summary: Vec<(&str, usize, bool)> = found
        .iter()
        .map(|f| (f.name.as_str(), f.lines, f.explained))
        .collect();
    assert_eq!(
        summary,
        [
            ("short", 3, false),
            ("explained", 87, true),
            ("unexplained", 87, false)
        ],
        "the test module and a bodiless declaration are not counted"
    );
    assert_eq!(found[2].line, 96);
    assert_eq!(
        string_errors(&text),
        [(
            96,
            "pub(crate) fn unexplained(a: u8) -> Result<(), String> {".to_string()
        )]
    );
}
