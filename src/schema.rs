//! Parsing TOML and YAML documents into typed values with precise errors.
//!
//! Unknown keys are not silently dropped: every key the target type does not
//! know is reported with its line and the nearest known key, so a typo such as
//! `reviewd_by` cannot pass unnoticed.

use std::path::Path;

use serde::de::{self, DeserializeOwned, Visitor};

use crate::diagnostic::{Diagnostic, Position, position_of, suggest};

/// The text format of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Toml => "TOML",
            Format::Yaml => "YAML",
        }
    }
}

/// A type whose nested tables are known, so unknown keys can be explained.
pub trait Schema: DeserializeOwned {
    /// The keys allowed at `path` (table names from the root, array indices
    /// removed), or `None` where any key is allowed.
    fn known_keys(path: &[&str]) -> Option<&'static [&'static str]>;
}

/// Where a document sits in its file, so positions can be reported in file terms.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub file: &'a Path,
    /// 1-based line of the document's first line in the file.
    pub first_line: usize,
}

/// Parses `text` as `T`, reporting syntax errors, type errors and unknown keys.
pub fn parse<T: Schema>(format: Format, text: &str, origin: Origin) -> Result<T, Vec<Diagnostic>> {
    let mut unknown = Vec::new();
    let result = match format {
        Format::Toml => parse_toml::<T>(text, &mut unknown),
        Format::Yaml => parse_yaml::<T>(text, &mut unknown),
    };
    let mut diagnostics: Vec<Diagnostic> = unknown
        .iter()
        .map(|path| unknown_key(format, text, origin, &[], path, T::known_keys))
        .collect();
    match result {
        Ok(value) if diagnostics.is_empty() => Ok(value),
        Ok(_) => Err(diagnostics),
        Err((message, position)) => {
            let position = position.map(|p| shift(p, origin));
            diagnostics.push(
                Diagnostic::error("syntax", format!("invalid {}: {message}", format.name()))
                    .in_file(origin.file)
                    .at_opt(position)
                    .with_help(syntax_help(format, &message)),
            );
            Err(diagnostics)
        }
    }
}

type ParseError = (String, Option<Position>);

fn parse_toml<T: DeserializeOwned>(text: &str, unknown: &mut Vec<String>) -> Result<T, ParseError> {
    let located = |e: toml::de::Error| {
        let position = e.span().map(|span| position_of(text, span.start));
        (e.message().trim().to_string(), position)
    };
    let deserializer = toml::Deserializer::parse(text).map_err(located)?;
    serde_ignored::deserialize(deserializer, |path| unknown.push(path.to_string())).map_err(located)
}

fn parse_yaml<T: DeserializeOwned>(text: &str, unknown: &mut Vec<String>) -> Result<T, ParseError> {
    // An empty YAML document is an empty mapping, as in TOML.
    let text = if text.trim().is_empty() { "{}" } else { text };
    let deserializer = serde_yaml_ng::Deserializer::from_str(text);
    serde_ignored::deserialize(deserializer, |path| unknown.push(path.to_string())).map_err(|e| {
        let position = e.location().map(|l| Position {
            line: l.line(),
            column: l.column(),
        });
        // The location is reported separately; drop the copy in the text.
        let message = e.to_string();
        let message = match message.find(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        (message, position)
    })
}

fn shift(p: Position, origin: Origin) -> Position {
    Position {
        line: p.line + origin.first_line - 1,
        column: p.column,
    }
}

fn syntax_help(format: Format, message: &str) -> String {
    if message.contains("missing field") {
        return "add the missing key".into();
    }
    if message.contains("invalid date") {
        return "write dates as YYYY-MM-DD, or as 2026-03-01T09:30:00-05:00 with a time".into();
    }
    match format {
        Format::Toml => "check the TOML syntax: strings need quotes, lists use [ ], one `key = value` per line".into(),
        Format::Yaml => "check the YAML syntax: `key: value`, consistent indentation, quote values containing `:`".into(),
    }
}

/// Reads `value`, one table already parsed out of a TOML document (such as
/// `[deploy.targets.www]` of config.toml, whose path `under` is), as `T`:
/// unknown keys are reported at their line with the nearest known key, as
/// [`parse`] does for a whole document; `T::known_keys` sees paths from the
/// table. A type error has no position of its own: it is reported at `at`.
pub fn parse_table<T: Schema>(
    value: serde_json::Value,
    under: &[&str],
    text: &str,
    origin: Origin,
    at: Option<Position>,
) -> Result<T, Vec<Diagnostic>> {
    let mut unknown = Vec::new();
    let result: Result<T, _> =
        serde_ignored::deserialize(value, |path| unknown.push(path.to_string()));
    let mut diagnostics: Vec<Diagnostic> = unknown
        .iter()
        .map(|path| unknown_key(Format::Toml, text, origin, under, path, T::known_keys))
        .collect();
    match result {
        Ok(value) if diagnostics.is_empty() => Ok(value),
        Ok(_) => Err(diagnostics),
        Err(e) => {
            let message = e.to_string();
            diagnostics.push(
                Diagnostic::error(
                    "config/invalid",
                    format!("[{}]: {message}", under.join(".")),
                )
                .in_file(origin.file)
                .at_opt(at)
                .with_help(syntax_help(Format::Toml, &message)),
            );
            Err(diagnostics)
        }
    }
}

fn unknown_key(
    format: Format,
    text: &str,
    origin: Origin,
    under: &[&str],
    path: &str,
    known_keys: fn(&[&str]) -> Option<&'static [&'static str]>,
) -> Diagnostic {
    let segments: Vec<&str> = path
        .split('.')
        .filter(|s| s.parse::<usize>().is_err() && !s.starts_with('?'))
        .collect();
    let (key, parents) = segments.split_last().unwrap_or((&"", &[]));
    let table: Vec<&str> = under.iter().chain(parents).copied().collect();
    let position = find_key(format, text, &table, key).map(|p| shift(p, origin));
    let shown = match under {
        [] => path.to_string(),
        _ => format!("{}.{path}", under.join(".")),
    };
    let mut diagnostic =
        Diagnostic::error("front-matter/unknown-key", format!("unknown key `{shown}`"))
            .in_file(origin.file)
            .at_opt(position)
            .spanning(key.chars().count());
    diagnostic.rule = if origin.file.ends_with("config.toml") {
        "config/unknown-key"
    } else {
        "front-matter/unknown-key"
    };
    diagnostic.help = Some(match known_keys(parents) {
        Some(known) => match suggest(key, known.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("known keys here: {}", known.join(", ")),
        },
        None => "remove it, or move it under [extra]".into(),
    });
    diagnostic
}

/// Where `key` is written in a TOML document under the tables `table`
/// (`["networks", "mastodon"]`), to report a problem with its value there.
pub fn toml_key_position(text: &str, table: &[&str], key: &str) -> Option<Position> {
    find_key(Format::Toml, text, table, key)
}

/// Finds the line where `key` is written under the tables `parents`.
fn find_key(format: Format, text: &str, parents: &[&str], key: &str) -> Option<Position> {
    let mut offset = 0;
    let mut inside_parent = parents.is_empty();
    let mut fallback = None;
    let dotted = format!("{}.{key}", parents.join("."));
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let bare = trimmed.trim_start_matches("- ").trim_start();
        let lead = line.len() - bare.len();
        if format == Format::Toml && bare.starts_with('[') {
            let name = bare
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim();
            inside_parent = name == parents.join(".");
        }
        if format == Format::Yaml && parents.last().is_some_and(|p| key_at(bare, p, format)) {
            inside_parent = true;
        }
        let found = if key_at(bare, key, format) {
            Some(0)
        } else if format == Format::Toml && !parents.is_empty() && key_at(bare, &dotted, format) {
            // `social.teasr = "…"` written at the top level.
            return Some(position_of(text, offset + lead + dotted.len() - key.len()));
        } else {
            // Inside an inline table: `poll = { questoin = "…" }`.
            bare.find(&format!("{key} ="))
                .or_else(|| bare.find(&format!("{key}=")))
                .filter(|&i| i > 0 && matches!(bare.as_bytes()[i - 1], b' ' | b'{' | b','))
        };
        if let Some(shift) = found {
            let at = offset + lead + shift;
            if inside_parent {
                return Some(position_of(text, at));
            }
            fallback.get_or_insert(at);
        }
        offset += line.len();
    }
    fallback.map(|at| position_of(text, at))
}

fn key_at(line: &str, key: &str, format: Format) -> bool {
    let rest = line
        .strip_prefix(key)
        .or_else(|| line.strip_prefix(&format!("\"{key}\"")))
        .or_else(|| line.strip_prefix(&format!("'{key}'")));
    let Some(rest) = rest else { return false };
    let rest = rest.trim_start();
    match format {
        Format::Toml => rest.starts_with('='),
        Format::Yaml => rest.starts_with(':'),
    }
}

/// The field names of a struct type, read from its `Deserialize` impl, so the
/// list of known keys is never written down twice.
pub fn fields_of<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Probe<'f>(&'f mut &'static [&'static str]);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("probe")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> de::Deserializer<'de> for Probe<'_> {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            *self.0 = fields;
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        question: String,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Doc {
        title: String,
        reviewed_by: Option<String>,
        #[serde(default)]
        social: Option<Inner>,
    }

    impl Schema for Doc {
        fn known_keys(path: &[&str]) -> Option<&'static [&'static str]> {
            match path {
                [] => Some(fields_of::<Doc>()),
                ["social"] => Some(fields_of::<Inner>()),
                _ => None,
            }
        }
    }

    fn origin() -> Origin<'static> {
        Origin {
            file: Path::new("content/post.md"),
            first_line: 2,
        }
    }

    #[test]
    fn fields_are_read_from_the_type() {
        assert_eq!(fields_of::<Doc>(), &["title", "reviewed_by", "social"]);
    }

    #[test]
    fn unknown_toml_key_is_located_and_explained() {
        let text = "title = \"x\"\nreviewd_by = \"dr-lee\"\n";
        let errors = parse::<Doc>(Format::Toml, text, origin()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].position, Some(Position { line: 3, column: 1 }));
        assert_eq!(
            errors[0].help.as_deref(),
            Some("did you mean `reviewed_by`?")
        );
    }

    #[test]
    fn unknown_nested_key_is_found_under_its_table() {
        let text = "title = \"x\"\nquestoin = 1\n[social]\nquestion = \"a\"\nquestoin = \"b\"\n";
        let errors = parse::<Doc>(Format::Toml, text, origin()).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        let nested = errors
            .iter()
            .find(|e| e.message.contains("social."))
            .unwrap();
        assert_eq!(nested.position.unwrap().line, 6);
        assert_eq!(nested.help.as_deref(), Some("did you mean `question`?"));
    }

    #[test]
    fn unknown_yaml_key_is_located() {
        let text = "title: x\nsocial:\n  question: a\n  questoin: b\n";
        let errors = parse::<Doc>(Format::Yaml, text, origin()).unwrap_err();
        assert_eq!(errors[0].position, Some(Position { line: 5, column: 3 }));
    }

    #[test]
    fn syntax_errors_carry_positions() {
        let errors = parse::<Doc>(Format::Toml, "title = \"x\ndate = 1\n", origin()).unwrap_err();
        assert_eq!(errors[0].position.unwrap().line, 2);
        let errors = parse::<Doc>(Format::Yaml, "title: [x\n", origin()).unwrap_err();
        assert!(errors[0].position.is_some());
        let errors = parse::<Doc>(Format::Toml, "reviewed_by = \"x\"\n", origin()).unwrap_err();
        assert!(errors[0].message.contains("title"), "{}", errors[0].message);
    }
}
