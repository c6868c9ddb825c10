//! Parsing TOML and YAML documents into typed values with precise errors.
//!
//! Unknown keys are not silently dropped: every key the target type does not
//! know is reported with its line and the nearest known key, in spelling or
//! in meaning, so a typo such as `reviewd_by`, or a word such as `handle` for
//! `account`, cannot pass unnoticed. A value of the wrong kind is explained in
//! the content model's words at its own line ([`words`]).

mod locate;
mod words;

use std::path::Path;

use serde::de::{self, DeserializeOwned, Visitor};

use crate::diagnostic::{Diagnostic, Position, position_of, suggest};
use words::{Failure, Step, Wrong};

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

/// A type whose nested tables are known, so unknown keys and values of the
/// wrong kind can be explained. Paths are table names from the root (of the
/// document, or of the table [`parse_table`] reads), list items left out.
pub trait Schema: DeserializeOwned {
    /// The keys allowed at `path`, or `None` where any key is allowed.
    fn known_keys(path: &[&str]) -> Option<&'static [&'static str]>;

    /// How the key at `path` is written, where its type alone says too
    /// little (see [`Shape`]).
    fn shape(_path: &[&str]) -> Option<Shape> {
        None
    }

    /// Words people write for one this schema knows, as (written, meant):
    /// keys of the table at `path` (`("handle", "account")`), or values of
    /// the key at `path` (`("doctors", "physicians")`). Spelling is
    /// suggested without them; these are near in meaning.
    fn synonyms(_path: &[&str]) -> &'static [(&'static str, &'static str)] {
        &[]
    }

    /// Where `key`, unknown in the table at `path`, belongs instead, when it
    /// belongs somewhere else (`[social]` in a section's `_index.md`).
    fn elsewhere(_path: &[&str], _key: &str) -> Option<String> {
        None
    }
}

/// How a key is written, in the words of docs/content-model.md: what it
/// holds, and a right value for the help.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// "a list of words"; `None`: said from its type ("a table with
    /// `reference` and `expires`", read from the type's fields).
    pub what: Option<&'static str>,
    /// A right value, as TOML: `["heart", "blood pressure"]`.
    pub example: &'static str,
    /// A right value made from the text written instead, where one can be
    /// (the table of an address from "1 Main St, Springfield, IL 62701").
    pub from_text: fn(&str) -> Option<String>,
}

impl Shape {
    pub const fn example(example: &'static str) -> Shape {
        Shape {
            what: None,
            example,
            from_text: no_text,
        }
    }

    pub const fn what(self, what: &'static str) -> Shape {
        Shape {
            what: Some(what),
            ..self
        }
    }

    pub const fn made_from_text(self, from_text: fn(&str) -> Option<String>) -> Shape {
        Shape { from_text, ..self }
    }
}

fn no_text(_: &str) -> Option<String> {
    None
}

/// Where a document sits in its file, so positions can be reported in file terms.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub file: &'a Path,
    /// 1-based line of the document's first line in the file.
    pub first_line: usize,
}

/// What is read, and where, for the diagnostics about it.
struct Context<'a> {
    format: Format,
    /// The document's text (a front matter's header alone).
    text: &'a str,
    origin: Origin<'a>,
    /// The table that is read, for [`parse_table`]; empty for a document.
    under: &'a [&'a str],
    /// Where a problem is reported when its key cannot be found.
    at: Option<Position>,
}

/// Why a document could not be read.
enum Problem {
    Syntax(String, Option<Position>),
    /// A value, at its position in the document where the parser tells it.
    Value(Failure, Option<Position>),
}

/// The private key a TOML date is handed to serde under, as a one-entry table.
const TOML_DATE: &str = "$__toml_private_datetime";

/// Parses `text` as `T`, reporting syntax errors, type errors and unknown keys.
pub fn parse<T: Schema>(format: Format, text: &str, origin: Origin) -> Result<T, Vec<Diagnostic>> {
    let mut unknown = Vec::new();
    let result = match format {
        Format::Toml => parse_toml::<T>(text, &mut unknown),
        Format::Yaml => parse_yaml::<T>(text, &mut unknown),
    };
    let context = Context {
        format,
        text,
        origin,
        under: &[],
        at: None,
    };
    let failed_at = match &result {
        Err(Problem::Value(failure, _)) => Some(failure.path.clone()),
        _ => None,
    };
    let mut diagnostics = unknown_keys::<T>(&context, &unknown, failed_at.as_deref());
    match result {
        Ok(value) if diagnostics.is_empty() => Ok(value),
        Ok(_) => Err(diagnostics),
        Err(Problem::Syntax(message, position)) => {
            diagnostics.push(
                Diagnostic::error("syntax", format!("invalid {}: {message}", format.name()))
                    .in_file(origin.file)
                    .at_opt(position.map(|p| shift(p, origin)))
                    .with_help(syntax_help(format)),
            );
            Err(diagnostics)
        }
        Err(Problem::Value(failure, position)) => {
            diagnostics.push(value_problem::<T>(&context, &failure, position));
            Err(diagnostics)
        }
    }
}

fn parse_toml<T: DeserializeOwned>(text: &str, unknown: &mut Vec<Vec<Step>>) -> Result<T, Problem> {
    let at = |span: Option<std::ops::Range<usize>>| span.map(|s| position_of(text, s.start));
    let deserializer = toml::Deserializer::parse(text)
        .map_err(|e| Problem::Syntax(e.message().trim().to_string(), at(e.span())))?;
    let mut track = serde_path_to_error::Track::new();
    let mut record = |path: serde_ignored::Path| unknown.push(ignored_steps(&path));
    let ignored = serde_ignored::Deserializer::new(deserializer, &mut record);
    let result = T::deserialize(serde_path_to_error::Deserializer::new(ignored, &mut track));
    result.map_err(|e| {
        let failure = Failure {
            message: e.message().trim().to_string(),
            path: tracked_steps(&track.path()),
            written: e.span().and_then(|s| text.get(s)).map(str::to_string),
        };
        Problem::Value(failure, at(e.span()))
    })
}

fn parse_yaml<T: DeserializeOwned>(text: &str, unknown: &mut Vec<Vec<Step>>) -> Result<T, Problem> {
    // An empty YAML document is an empty mapping, as in TOML.
    let text = if text.trim().is_empty() { "{}" } else { text };
    let mut track = serde_path_to_error::Track::new();
    let mut record = |path: serde_ignored::Path| unknown.push(ignored_steps(&path));
    let deserializer = serde_yaml_ng::Deserializer::from_str(text);
    let ignored = serde_ignored::Deserializer::new(deserializer, &mut record);
    let result = T::deserialize(serde_path_to_error::Deserializer::new(ignored, &mut track));
    result.map_err(|e| {
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
        // YAML's own syntax errors come from the same call: a document that
        // reads as YAML has a value of the wrong kind.
        if serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text).is_err() {
            return Problem::Syntax(message, position);
        }
        // serde_yaml names the key before the message (`tags: invalid type…`).
        let message = match message.split_once(": ") {
            Some((path, rest)) if !path.contains(' ') && words::is_about_a_value(rest) => {
                rest.to_string()
            }
            _ => message,
        };
        let failure = Failure {
            message,
            path: tracked_steps(&track.path()),
            written: None,
        };
        Problem::Value(failure, position)
    })
}

fn ignored_steps(path: &serde_ignored::Path) -> Vec<Step> {
    use serde_ignored::Path as P;
    match path {
        P::Root => Vec::new(),
        P::Seq { parent, index } => {
            let mut steps = ignored_steps(parent);
            steps.push(Step::Item(*index));
            steps
        }
        P::Map { parent, key } => {
            let mut steps = ignored_steps(parent);
            steps.push(Step::Key(key.clone()));
            steps
        }
        P::Some { parent } | P::NewtypeStruct { parent } | P::NewtypeVariant { parent } => {
            ignored_steps(parent)
        }
    }
}

fn tracked_steps(path: &serde_path_to_error::Path) -> Vec<Step> {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(Step::Item(*index)),
            Segment::Map { key } => Some(Step::Key(key.clone())),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

fn shift(p: Position, origin: Origin) -> Position {
    Position {
        line: p.line + origin.first_line - 1,
        column: p.column,
    }
}

fn syntax_help(format: Format) -> String {
    match format {
        Format::Toml => "check the TOML syntax: strings need quotes, lists use [ ], one `key = value` per line".into(),
        Format::Yaml => "check the YAML syntax: `key: value`, consistent indentation, quote values containing `:`".into(),
    }
}

/// The rule of a problem in `file`: `config/…` in config.toml,
/// `ledger/…` in syndication.toml, `data/…` under data/, else `front-matter/…`.
fn rule(file: &Path, wrong: Wrong) -> &'static str {
    let area = if file.ends_with("config.toml") {
        0
    } else if file.ends_with("syndication.toml") {
        1
    } else if file.starts_with("data") {
        2
    } else {
        3
    };
    const RULES: [[&str; 4]; 4] = [
        [
            "config/unknown-key",
            "config/type",
            "config/value",
            "config/missing-key",
        ],
        [
            "ledger/unknown-key",
            "ledger/type",
            "ledger/value",
            "ledger/missing-key",
        ],
        [
            "data/unknown-key",
            "data/type",
            "data/value",
            "data/missing-key",
        ],
        [
            "front-matter/unknown-key",
            "front-matter/type",
            "front-matter/value",
            "front-matter/missing-key",
        ],
    ];
    let what = match wrong {
        Wrong::UnknownKey => 0,
        Wrong::Type => 1,
        Wrong::Value => 2,
        Wrong::MissingKey => 3,
    };
    RULES[area][what]
}

/// Reads `value`, one table already parsed out of a TOML document (such as
/// `[deploy.targets.www]` of config.toml, whose path `under` is), as `T`:
/// unknown keys and values of the wrong kind are reported at their key's
/// line, as [`parse`] does for a whole document; `T`'s paths are from the
/// table. A problem whose key cannot be found is reported at `at`.
pub fn parse_table<T: Schema>(
    value: serde_json::Value,
    under: &[&str],
    text: &str,
    origin: Origin,
    at: Option<Position>,
) -> Result<T, Vec<Diagnostic>> {
    let mut unknown = Vec::new();
    let mut track = serde_path_to_error::Track::new();
    let mut record = |path: serde_ignored::Path| unknown.push(ignored_steps(&path));
    let ignored = serde_ignored::Deserializer::new(value, &mut record);
    let result = T::deserialize(serde_path_to_error::Deserializer::new(ignored, &mut track));
    let context = Context {
        format: Format::Toml,
        text,
        origin,
        under,
        at,
    };
    let failure = result.map_err(|e| Failure {
        message: e.to_string(),
        path: tracked_steps(&track.path()),
        written: None,
    });
    let failed_at = failure.as_ref().err().map(|f| f.path.clone());
    let mut diagnostics = unknown_keys::<T>(&context, &unknown, failed_at.as_deref());
    match failure {
        Ok(value) if diagnostics.is_empty() => Ok(value),
        Ok(_) => Err(diagnostics),
        Err(failure) => {
            diagnostics.push(value_problem::<T>(&context, &failure, None));
            Err(diagnostics)
        }
    }
}

/// The unknown keys of a document. A TOML date where a table belongs is
/// handed over as a table with one private key: it is a value of the wrong
/// kind, reported once, not an unknown key.
/// They are in the order of their lines, whatever order they were read in.
fn unknown_keys<T: Schema>(
    context: &Context,
    unknown: &[Vec<Step>],
    failed_at: Option<&[Step]>,
) -> Vec<Diagnostic> {
    let mut found: Vec<Diagnostic> = unknown
        .iter()
        .filter_map(|steps| match steps.split_last() {
            Some((Step::Key(key), table)) if key == TOML_DATE => {
                (failed_at != Some(table)).then(|| date_for_table::<T>(context, table))
            }
            _ => Some(unknown_key::<T>(context, steps, None)),
        })
        .collect();
    found.sort_by_key(|d| d.position.map(|p| (p.line, p.column)));
    found
}

/// A date written where the table at `table` belongs.
fn date_for_table<T: Schema>(context: &Context, table: &[Step]) -> Diagnostic {
    let keys: Vec<&str> = context
        .under
        .iter()
        .copied()
        .chain(words::keys(table))
        .collect();
    let found = keys
        .split_last()
        .and_then(|(key, parents)| locate::find_value(context.format, context.text, parents, key));
    let failure = Failure {
        message: "invalid type: map, expected a map".into(),
        path: table.to_vec(),
        written: found.map(|(_, value)| value.to_string()),
    };
    let position = found.map(|(at, _)| position_of(context.text, at));
    value_problem::<T>(context, &failure, position)
}

/// A value that could not be read, in the content model's words, at its own
/// position (`position`, in the document) or else at its key's.
fn value_problem<T: Schema>(
    context: &Context,
    failure: &Failure,
    position: Option<Position>,
) -> Diagnostic {
    if let Some(key) = words::unknown_field(&failure.message) {
        let mut steps = failure.path.clone();
        steps.push(Step::Key(key.to_string()));
        return unknown_key::<T>(context, &steps, position);
    }
    let explained = words::explain::<T>(failure, context.format, context.under);
    let position = position
        .or_else(|| {
            let keys: Vec<&str> = context
                .under
                .iter()
                .copied()
                .chain(words::keys(&failure.path))
                .collect();
            let (key, parents) = keys.split_last()?;
            locate::find_key(context.format, context.text, parents, key)
        })
        .map(|p| shift(p, context.origin))
        .or(context.at);
    let span = failure
        .written
        .as_deref()
        .map_or(1, |w| w.lines().next().unwrap_or("").chars().count());
    Diagnostic::error(
        rule(context.origin.file, explained.wrong),
        explained.message,
    )
    .in_file(context.origin.file)
    .at_opt(position)
    .spanning(span)
    .with_help(explained.help)
}

/// A key at `steps` that `T` does not know, at `position` (in the document)
/// or else where it is written.
fn unknown_key<T: Schema>(
    context: &Context,
    steps: &[Step],
    position: Option<Position>,
) -> Diagnostic {
    let keys: Vec<&str> = words::keys(steps).collect();
    let (key, parents) = keys.split_last().map_or(("", &[][..]), |(k, p)| (*k, p));
    let table: Vec<&str> = context.under.iter().chain(parents).copied().collect();
    let position = position
        .or_else(|| locate::find_key(context.format, context.text, &table, key))
        .map(|p| shift(p, context.origin))
        .or(context.at);
    let shown: Vec<&str> = context.under.iter().chain(&keys).copied().collect();
    Diagnostic::error(
        rule(context.origin.file, Wrong::UnknownKey),
        format!("unknown key `{}`", shown.join(".")),
    )
    .in_file(context.origin.file)
    .at_opt(position)
    .spanning(key.chars().count())
    .with_help(unknown_key_help::<T>(parents, key))
}

/// The key meant: near in meaning, known elsewhere, near in spelling; else
/// the keys there are.
fn unknown_key_help<T: Schema>(parents: &[&str], key: &str) -> String {
    let known = T::known_keys(parents);
    let lower = key.to_lowercase();
    let meant = T::synonyms(parents)
        .iter()
        .find(|(written, _)| *written == lower)
        .map(|(_, meant)| *meant)
        .filter(|meant| known.is_none_or(|known| known.contains(meant)));
    if let Some(meant) = meant {
        return format!("did you mean `{meant}`?");
    }
    if let Some(why) = T::elsewhere(parents, key) {
        return why;
    }
    match known {
        Some(known) => match suggest(key, known.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("known keys here: {}", known.join(", ")),
        },
        None => "remove it, or move it under [extra]".into(),
    }
}

/// Where `key` is written in a TOML document under the tables `table`
/// (`["networks", "mastodon"]`), to report a problem with its value there.
pub fn toml_key_position(text: &str, table: &[&str], key: &str) -> Option<Position> {
    locate::find_key(Format::Toml, text, table, key)
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
        #[serde(default)]
        tags: Vec<String>,
        #[serde(default)]
        draft: bool,
        paginate_by: Option<usize>,
        place: Option<Place>,
        #[serde(default)]
        audience: Audience,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Place {
        street: Option<String>,
        city: Option<String>,
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Audience {
        #[default]
        Patients,
        Physicians,
    }

    impl Schema for Doc {
        fn known_keys(path: &[&str]) -> Option<&'static [&'static str]> {
            match path {
                [] => Some(fields_of::<Doc>()),
                ["social"] => Some(fields_of::<Inner>()),
                ["place"] => Some(fields_of::<Place>()),
                _ => None,
            }
        }

        fn shape(path: &[&str]) -> Option<Shape> {
            match path {
                ["title"] => Some(Shape::example("\"Blood pressure\"")),
                ["tags"] => Some(Shape::example("[\"heart\"]").what("a list of words")),
                _ => None,
            }
        }

        fn synonyms(path: &[&str]) -> &'static [(&'static str, &'static str)] {
            match path {
                [] => &[("handle", "reviewed_by")],
                ["audience"] => &[("doctors", "physicians")],
                _ => &[],
            }
        }
    }

    /// The one problem of `text`, read as a `Doc` in `format`.
    fn one(format: Format, text: &str) -> Diagnostic {
        let errors = parse::<Doc>(format, text, origin()).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:#?}");
        errors.into_iter().next().unwrap()
    }

    fn origin() -> Origin<'static> {
        Origin {
            file: Path::new("content/post.md"),
            first_line: 2,
        }
    }

    #[test]
    fn fields_are_read_from_the_type() {
        assert_eq!(fields_of::<Inner>(), &["question"]);
        assert_eq!(
            &fields_of::<Doc>()[..3],
            &["title", "reviewed_by", "social"]
        );
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
    }

    #[test]
    fn a_missing_key_is_named_with_its_example() {
        let e = one(Format::Toml, "reviewed_by = \"x\"\n");
        assert_eq!(e.rule, "front-matter/missing-key");
        assert_eq!(e.message, "`title` is missing");
        assert_eq!(
            e.help.as_deref(),
            Some("add it: `title = \"Blood pressure\"`")
        );
    }

    #[test]
    fn values_of_the_wrong_kind_are_said_in_words_with_the_fix() {
        let e = one(Format::Toml, "title = \"t\"\ndraft = \"yes\"\n");
        assert_eq!(e.rule, "front-matter/type");
        assert_eq!(e.position, Some(Position { line: 3, column: 9 }));
        assert_eq!(e.message, "`draft` should be `true` or `false`, not text");
        assert_eq!(
            e.help.as_deref(),
            Some("write it as `true` or `false`: `draft = true`")
        );

        let e = one(Format::Toml, "title = \"t\"\npaginate_by = -1\n");
        assert_eq!(
            e.message,
            "`paginate_by` should be a whole number, 0 or more, not the number -1"
        );

        let e = one(Format::Toml, "title = 2026\n");
        assert_eq!(e.message, "`title` should be text, not the number 2026");
        assert_eq!(
            e.help.as_deref(),
            Some("write it as text: `title = \"2026\"`")
        );

        let e = one(Format::Toml, "title = \"t\"\ntags = [\"a\", 3]\n");
        assert_eq!(
            e.message,
            "item 2 of `tags` should be text, not the number 3"
        );
        assert_eq!(
            e.position,
            Some(Position {
                line: 3,
                column: 14
            })
        );

        let e = one(Format::Yaml, "title: t\ndraft: maybe\n");
        assert_eq!(e.message, "`draft` should be `true` or `false`, not text");
        assert_eq!(e.position.unwrap().line, 3);
    }

    #[test]
    fn a_date_where_a_table_belongs_is_one_problem_at_its_value() {
        // All of `place`'s keys are optional: only the date's private key tells.
        let e = one(Format::Toml, "title = \"t\"\nplace = 2026-01-01\n");
        assert_eq!(e.rule, "front-matter/type");
        assert_eq!(
            e.message,
            "`place` should be a table with `street` and `city`, not a date"
        );
        assert_eq!(e.position, Some(Position { line: 3, column: 9 }));
        assert!(!e.help.as_deref().unwrap().contains("$__toml"));
    }

    #[test]
    fn a_value_not_allowed_is_matched_by_meaning_then_spelling() {
        let e = one(Format::Toml, "title = \"t\"\naudience = \"doctors\"\n");
        assert_eq!(e.rule, "front-matter/value");
        assert_eq!(
            e.message,
            "`audience` is `doctors`, which is not one of `patients`, `physicians`"
        );
        assert_eq!(
            e.help.as_deref(),
            Some("did you mean `physicians`? write it: `audience = \"physicians\"`")
        );
        let e = one(Format::Yaml, "title: t\naudience: Patient\n");
        assert_eq!(
            e.help.as_deref(),
            Some("did you mean `patients`? write it: `audience: patients`")
        );
    }

    #[test]
    fn an_unknown_key_is_matched_by_meaning() {
        let e = one(Format::Toml, "title = \"t\"\nhandle = \"x\"\n");
        assert_eq!(e.help.as_deref(), Some("did you mean `reviewed_by`?"));
    }

    #[test]
    fn a_table_read_out_of_a_document_names_its_keys_at_their_line() {
        let text = "title = \"t\"\n[social]\nquestion = 5\n";
        let value = serde_json::json!({ "question": 5 });
        let at = Some(Position { line: 2, column: 1 });
        let errors = parse_table::<InnerTable>(value, &["social"], text, config(), at).unwrap_err();
        assert_eq!(errors[0].rule, "config/type");
        assert_eq!(
            errors[0].message,
            "`question` in [social] should be text, not the number 5"
        );
        assert_eq!(errors[0].position, Some(Position { line: 3, column: 1 }));
        let value = serde_json::json!({});
        let errors = parse_table::<InnerTable>(value, &["social"], text, config(), at).unwrap_err();
        assert_eq!(errors[0].message, "`question` is missing from [social]");
        assert_eq!(errors[0].position, Some(Position { line: 2, column: 2 }));
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct InnerTable {
        question: String,
    }

    impl Schema for InnerTable {
        fn known_keys(path: &[&str]) -> Option<&'static [&'static str]> {
            match path {
                [] => Some(fields_of::<InnerTable>()),
                _ => None,
            }
        }
    }

    fn config() -> Origin<'static> {
        Origin {
            file: Path::new("config.toml"),
            first_line: 1,
        }
    }
}
