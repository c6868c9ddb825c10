//! serde's words turned into the content model's. serde says "invalid type:
//! string "RSV, babies", expected a sequence"; a clinic reads "`tags` should
//! be a list of words, not text" and, as the help, `tags = ["RSV", "babies"]`,
//! made from its own value. Every message about a value of the wrong kind, a
//! value not among those allowed, or a missing key is made here, so none
//! shows a Rust or serde type name ("struct", "sequence", "variant", "map").

use super::{Format, Schema, Shape};
use crate::diagnostic::suggest;

/// One step of the way from a document's root to a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Step {
    Key(String),
    /// The n-th item (from 0) of a list.
    Item(usize),
}

/// A value serde could not read.
#[derive(Debug)]
pub(super) struct Failure {
    /// serde's message, without a place or a key path.
    pub message: String,
    /// Where the value is, from the root of what was read.
    pub path: Vec<Step>,
    /// The value as written in the text, where the parser shows it (TOML).
    pub written: Option<String>,
}

/// What is wrong, which decides the rule: `…/unknown-key`, `…/type`,
/// `…/value`, `…/missing-key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Wrong {
    UnknownKey,
    Type,
    Value,
    MissingKey,
}

/// A problem with a value, in the content model's words.
pub(super) struct Explained {
    pub wrong: Wrong,
    pub message: String,
    pub help: String,
}

/// What was written, as serde describes it.
#[derive(Debug, Clone, PartialEq)]
enum Found {
    Text(String),
    Number(String),
    Bool(bool),
    Date(String),
    List,
    Table,
    Nothing,
    Other,
}

/// What a key holds, read from serde's "expected …".
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Text,
    Bool,
    Whole,
    /// A whole number, 0 or more.
    Count,
    Number,
    List,
    Table,
    Date,
    Other(String),
}

/// What serde said.
enum Said<'m> {
    Kind {
        found: Found,
        expected: &'m str,
    },
    Length {
        length: &'m str,
    },
    Variant {
        written: &'m str,
        allowed: Vec<&'m str>,
    },
    UnknownKey {
        key: &'m str,
    },
    MissingKey {
        key: &'m str,
    },
    Other(&'m str),
}

/// The key an "unknown field" message names (from a table that denies
/// unknown keys), to be reported as every unknown key is.
pub(super) fn unknown_field(message: &str) -> Option<&str> {
    match read(message) {
        Said::UnknownKey { key } => Some(key),
        _ => None,
    }
}

/// Whether a message is serde's about a value, rather than about the syntax.
pub(super) fn is_about_a_value(message: &str) -> bool {
    !matches!(read(message), Said::Other(_)) || message.contains("not a date")
}

fn read(message: &str) -> Said<'_> {
    let ticked = ticked(message);
    let first = ticked.first().copied().unwrap_or("");
    if let Some(rest) = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
    {
        if let Some((found, expected)) = rest.rsplit_once(", expected ") {
            return Said::Kind {
                found: found_of(found),
                expected,
            };
        }
    }
    if let Some(rest) = message.strip_prefix("invalid length ") {
        return Said::Length {
            length: rest.split(',').next().unwrap_or(rest),
        };
    }
    if message.starts_with("unknown variant ") {
        return Said::Variant {
            written: first,
            allowed: ticked[1.min(ticked.len())..].to_vec(),
        };
    }
    if message.starts_with("unknown field ") {
        return Said::UnknownKey { key: first };
    }
    if message.starts_with("missing field ") {
        return Said::MissingKey { key: first };
    }
    Said::Other(message)
}

/// The words between backticks: `a`, `b`.
fn ticked(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).collect()
}

fn found_of(found: &str) -> Found {
    let ticked = || found.split('`').nth(1).unwrap_or("").to_string();
    if let Some(text) = found.strip_prefix("string ") {
        let text = serde_json::from_str::<String>(text)
            .unwrap_or_else(|_| text.trim_matches('"').to_string());
        return Found::Text(text);
    }
    match found.split(' ').next().unwrap_or("") {
        "integer" | "floating" => Found::Number(ticked()),
        "boolean" => Found::Bool(ticked() == "true"),
        "character" => Found::Text(ticked()),
        "sequence" => Found::List,
        "map" => Found::Table,
        "unit" | "Option" => Found::Nothing,
        _ => Found::Other,
    }
}

fn kind_of(expected: &str) -> Kind {
    match expected {
        "a string" | "a borrowed string" | "a character" | "a char" => Kind::Text,
        "a boolean" => Kind::Bool,
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => Kind::Whole,
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => Kind::Count,
        "f32" | "f64" => Kind::Number,
        "a sequence" | "an array" => Kind::List,
        "a map" | "a table" => Kind::Table,
        _ if expected.starts_with("a tuple") => Kind::List,
        _ if expected.starts_with("struct ") => Kind::Table,
        _ if expected.starts_with("a date") => Kind::Date,
        _ => Kind::Other(expected.to_string()),
    }
}

/// `2026-03-01`, `2026-03-01T09:30:00Z`, `09:30:00`: a TOML date or time.
fn looks_like_date(text: &str) -> bool {
    let b = text.trim().as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range)
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    (digits(0..4) && b.get(4) == Some(&b'-') && digits(5..7) && b.get(7) == Some(&b'-'))
        || (digits(0..2) && b.get(2) == Some(&b':'))
}

/// How a value at `path` is named in a message: "`tags`", "`address` in
/// [clinic]", "`options` in [[social.poll]]", "item 2 of `tags`".
fn name_of(under: &[&str], path: &[Step]) -> String {
    match path.split_last() {
        Some((Step::Item(i), parents)) => format!("item {} of {}", i + 1, name_of(under, parents)),
        Some((Step::Key(key), parents)) => {
            let tables: Vec<&str> = under.iter().copied().chain(keys(parents)).collect();
            match (tables.is_empty(), parents.last()) {
                (true, _) => format!("`{key}`"),
                (false, Some(Step::Item(_))) => format!("`{key}` in [[{}]]", tables.join(".")),
                (false, _) => format!("`{key}` in [{}]", tables.join(".")),
            }
        }
        None if under.is_empty() => "the document".into(),
        None => format!("[{}]", under.join(".")),
    }
}

/// The keys of a path, without the list items.
pub(super) fn keys(path: &[Step]) -> impl Iterator<Item = &str> {
    path.iter().filter_map(|step| match step {
        Step::Key(key) => Some(key.as_str()),
        Step::Item(_) => None,
    })
}

/// Explains `failure` in the words of docs/content-model.md. `under` names
/// the table what was read sits in (`["networks", "bluesky"]`), if any.
pub(super) fn explain<T: Schema>(failure: &Failure, format: Format, under: &[&str]) -> Explained {
    let path: Vec<&str> = keys(&failure.path).collect();
    let name = name_of(under, &failure.path);
    let place = Place {
        format,
        under,
        path: &failure.path,
    };
    match read(&failure.message) {
        Said::Kind { found, expected } => {
            let found = refined(found, failure.written.as_deref());
            wrong_kind::<T>(&place, &name, found, kind_of(expected))
        }
        Said::MissingKey { .. } if failure.written.as_deref().is_some_and(looks_like_date) => {
            // A TOML date is read as a table holding it: a date where a table belongs.
            let date = failure.written.clone().unwrap_or_default();
            wrong_kind::<T>(&place, &name, Found::Date(date), Kind::Table)
        }
        Said::MissingKey { key } => missing::<T>(&place, &path, key),
        Said::Variant { written, allowed } => {
            not_allowed::<T>(&place, &name, &path, written, &allowed)
        }
        Said::Length { length } => Explained {
            wrong: Wrong::Type,
            message: format!("{name} has {length} items, which is not as many as it takes"),
            help: shape_help::<T>(&place, &path),
        },
        Said::UnknownKey { key } => Explained {
            wrong: Wrong::UnknownKey,
            message: format!("unknown key `{key}` in {name}"),
            help: "remove it, or check its spelling in docs/content-model.md".into(),
        },
        Said::Other(message) => Explained {
            wrong: Wrong::Type,
            message: match failure.path.is_empty() {
                true => message.to_string(),
                false => format!("{name}: {message}"),
            },
            help: match message.contains("date") {
                true => {
                    "write dates as 2026-03-01, or as 2026-03-01T09:30:00-05:00 with a time".into()
                }
                false => shape_help::<T>(&place, &path),
            },
        },
    }
}

/// Where a value sits, to write it out in the help.
struct Place<'a> {
    format: Format,
    under: &'a [&'a str],
    path: &'a [Step],
}

impl Place<'_> {
    /// The key the value is written under: `tags`, `address`.
    fn key(&self) -> Option<&str> {
        match self.path.last() {
            Some(Step::Key(key)) => Some(key),
            _ => None,
        }
    }

    /// The tables around the key, from the document's root.
    fn tables(&self) -> Vec<&str> {
        let parents = &self.path[..self.path.len().saturating_sub(1)];
        self.under.iter().copied().chain(keys(parents)).collect()
    }
}

/// A TOML date is handed to serde as a table holding it; the text shows it.
fn refined(found: Found, written: Option<&str>) -> Found {
    match (found, written) {
        (Found::Table, Some(text)) if looks_like_date(text) => Found::Date(text.trim().into()),
        (Found::Text(text), _) if looks_like_date(&text) => Found::Date(text),
        (found, _) => found,
    }
}

fn wrong_kind<T: Schema>(place: &Place, name: &str, found: Found, kind: Kind) -> Explained {
    let path: Vec<&str> = keys(place.path).collect();
    // A shape is the key's; an item of its list is said from its kind.
    let shape = T::shape(&path).filter(|_| place.key().is_some());
    let what = what_of::<T>(&kind, shape.as_ref(), &path);
    let found_words = match &found {
        Found::Text(_) => "text".to_string(),
        Found::Number(n) => format!("the number {n}"),
        Found::Bool(b) => format!("`{b}`"),
        Found::Date(_) => "a date".into(),
        Found::List => "a list".into(),
        Found::Table => "a table".into(),
        Found::Nothing => "empty".into(),
        Found::Other => "another kind of value".into(),
    };
    let example = example_of::<T>(&kind, &found, shape.as_ref(), &path);
    if place.path.is_empty() && place.under.is_empty() {
        let first = T::known_keys(&[])
            .and_then(|k| k.first())
            .unwrap_or(&"title");
        let line = match place.format {
            Format::Toml => format!("one `key = value` per line, e.g. `{first} = \"…\"`"),
            Format::Yaml => format!("one `key: value` per line, e.g. `{first}: …`"),
        };
        return Explained {
            wrong: Wrong::Type,
            message: format!("this should be keys with their values, not {found_words}"),
            help: format!("write {line}"),
        };
    }
    Explained {
        wrong: Wrong::Type,
        message: format!("{name} should be {what}, not {found_words}"),
        help: written_out(place, &example).after(&format!("write it as {}", short(&kind))),
    }
}

fn not_allowed<T: Schema>(
    place: &Place,
    name: &str,
    path: &[&str],
    written: &str,
    allowed: &[&str],
) -> Explained {
    let listed: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
    let lower = written.trim().to_lowercase();
    let meant = T::synonyms(path)
        .iter()
        .find(|(word, _)| *word == lower)
        .map(|(_, meant)| *meant)
        .filter(|meant| allowed.contains(meant))
        .or_else(|| allowed.iter().copied().find(|a| *a == lower))
        .or_else(|| suggest(&lower, allowed.iter().copied()));
    let value = |v: &str| toml::Value::String(v.to_string()).to_string();
    let help = match meant {
        Some(meant) => {
            written_out(place, &value(meant)).after(&format!("did you mean `{meant}`? write it"))
        }
        None => written_out(place, &value(allowed.first().copied().unwrap_or("")))
            .after("write one of them, e.g."),
    };
    Explained {
        wrong: Wrong::Value,
        message: format!(
            "{name} is `{written}`, which is not one of {}",
            listed.join(", ")
        ),
        help,
    }
}

fn missing<T: Schema>(place: &Place, path: &[&str], key: &str) -> Explained {
    let full: Vec<&str> = path.iter().copied().chain([key]).collect();
    let example = T::shape(&full).map_or_else(|| "\"…\"".to_string(), |s| s.example.to_string());
    let mut steps = place.path.to_vec();
    steps.push(Step::Key(key.to_string()));
    let at = Place {
        path: &steps,
        ..*place
    };
    let table = match place.path.last() {
        None if place.under.is_empty() => String::new(),
        // One of `[[social.poll]]`: its line tells which.
        Some(Step::Item(_)) => format!(" from [[{}]]", place.tables().join(".")),
        _ => format!(" from {}", name_of(place.under, place.path)),
    };
    Explained {
        wrong: Wrong::MissingKey,
        message: format!("`{key}` is missing{table}"),
        help: written_out(&at, &example).after("add it"),
    }
}

/// "write it as a list: `tags = ["a"]`" for the shape of the key at `path`.
fn shape_help<T: Schema>(place: &Place, path: &[&str]) -> String {
    match T::shape(path) {
        Some(shape) => written_out(place, shape.example)
            .after(&format!("write it as {}", shape.what.unwrap_or("shown"))),
        None => "see docs/content-model.md for how it is written".into(),
    }
}

/// What a key holds, in words: the shape's, or the kind's, with a table's keys.
fn what_of<T: Schema>(kind: &Kind, shape: Option<&Shape>, path: &[&str]) -> String {
    if let Some(what) = shape.and_then(|s| s.what) {
        return what.to_string();
    }
    match kind {
        Kind::Table => match T::known_keys(path) {
            Some(keys) if !keys.is_empty() => format!("a table with {}", and_list(keys)),
            _ => "a table".into(),
        },
        Kind::Other(expected) if !serde_words(expected) => expected.clone(),
        kind => short(kind),
    }
}

/// A few words for a kind: "a list", "`true` or `false`".
fn short(kind: &Kind) -> String {
    match kind {
        Kind::Text => "text",
        Kind::Bool => "`true` or `false`",
        Kind::Whole => "a whole number",
        Kind::Count => "a whole number, 0 or more",
        Kind::Number => "a number",
        Kind::List => "a list",
        Kind::Table => "a table",
        Kind::Date => "a date such as 2026-03-01",
        Kind::Other(_) => "another kind of value",
    }
    .into()
}

/// Words only Rust or serde use, which a message never shows.
fn serde_words(text: &str) -> bool {
    [
        "struct", "sequence", "variant", "map", "enum", "option", "i64", "u32", "usize", "JSON",
    ]
    .iter()
    .any(|w| text.contains(w))
}

/// `a`, `b` and `c`.
fn and_list(keys: &[&str]) -> String {
    let ticked: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    match ticked.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// A right value, as TOML: made from what was written where it can be,
/// else the shape's example, else one for the kind.
fn example_of<T: Schema>(
    kind: &Kind,
    found: &Found,
    shape: Option<&Shape>,
    path: &[&str],
) -> String {
    let text = match found {
        Found::Text(t) | Found::Date(t) => Some(t.as_str()),
        _ => None,
    };
    if let Some(made) = shape.zip(text).and_then(|(s, t)| (s.from_text)(t)) {
        return made;
    }
    let quoted = |t: &str| toml::Value::String(t.to_string()).to_string();
    // A list of words made from the text, unless the key lists something else.
    let of_words = shape.is_none_or(|s| s.example.starts_with("[\""));
    let from_found = match (kind, found) {
        (Kind::List, Found::Text(t)) if of_words => {
            let items: Vec<String> = t
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(quoted)
                .collect();
            Some(format!("[{}]", items.join(", ")))
        }
        (Kind::List, Found::Number(t) | Found::Date(t)) if of_words => {
            Some(format!("[{}]", quoted(t)))
        }
        (Kind::Bool, Found::Text(t)) => match t.trim().to_lowercase().as_str() {
            "yes" | "y" | "on" | "true" => Some("true".into()),
            "no" | "n" | "off" | "false" => Some("false".into()),
            _ => None,
        },
        (Kind::Whole | Kind::Count | Kind::Number, Found::Text(t))
            if t.trim().parse::<f64>().is_ok() =>
        {
            Some(t.trim().to_string())
        }
        (Kind::Text, Found::Number(t) | Found::Date(t)) => Some(quoted(t)),
        (Kind::Text, Found::Bool(b)) => Some(quoted(&b.to_string())),
        _ => None,
    };
    if let Some(example) = from_found.or_else(|| shape.map(|s| s.example.to_string())) {
        return example;
    }
    match kind {
        Kind::Text | Kind::Other(_) => "\"…\"".into(),
        Kind::Bool => "true".into(),
        Kind::Whole | Kind::Count | Kind::Number => "1".into(),
        Kind::List => "[\"…\"]".into(),
        Kind::Date => "2026-03-01".into(),
        Kind::Table => {
            // Its first key shows the form; the message lists them all.
            let keys = T::known_keys(path).unwrap_or(&[]);
            format!("{{ {} = \"…\" }}", keys.first().unwrap_or(&"key"))
        }
    }
}

/// The most a table is written on one line, `key = { … }`; a longer one is
/// shown as a table of its own.
const INLINE: usize = 70;

/// A key and its value written out in the document's own format.
struct Shown {
    code: String,
    /// Several lines, shown below the help's first line.
    block: bool,
    /// Written as a table of its own (`[clinic.address]`): where it goes.
    own_table: Option<String>,
}

impl Shown {
    /// "{lead}: `code`", or the lines below "{lead}:".
    fn after(&self, lead: &str) -> String {
        match (self.block, &self.own_table) {
            (true, Some(below)) => match lead.ends_with("a table") {
                true => format!("{lead} of its own{below}:\n{}", self.code),
                false => format!("{lead}, as a table of its own{below}:\n{}", self.code),
            },
            (true, None) => format!("{lead}:\n{}", self.code),
            (false, _) => format!("{lead}: `{}`", self.code),
        }
    }
}

/// The key at `place` with the value `example` (TOML text), as the document
/// would write it: `tags = ["a"]`, `tags: [a]`, or a table written out.
fn written_out(place: &Place, example: &str) -> Shown {
    let line = |code: String| Shown {
        code,
        block: false,
        own_table: None,
    };
    let value: Option<toml::Value> = example.parse().ok();
    let Some(key) = place.key() else {
        return line(example.to_string());
    };
    match (place.format, value) {
        (Format::Toml, Some(toml::Value::Table(table))) => {
            let inline = format!("{key} = {example}");
            let in_list = place.path.iter().any(|s| matches!(s, Step::Item(_)));
            if inline.chars().count() <= INLINE || in_list {
                return line(inline);
            }
            let mut tables = place.tables();
            let below = match tables.is_empty() {
                true => ", after the other keys".to_string(),
                false => format!(", below the other keys of [{}]", tables.join(".")),
            };
            tables.push(key);
            let mut code = format!("[{}]", tables.join("."));
            for (k, v) in in_written_order(&table, example) {
                code.push_str(&format!("\n{k} = {v}"));
            }
            Shown {
                code,
                block: true,
                own_table: Some(below),
            }
        }
        (Format::Toml, _) => line(format!("{key} = {example}")),
        (Format::Yaml, Some(toml::Value::Table(table))) => {
            let mut code = format!("{key}:");
            for (k, v) in in_written_order(&table, example) {
                code.push_str(&format!("\n  {k}: {}", yaml(v)));
            }
            Shown {
                code,
                block: true,
                own_table: None,
            }
        }
        (Format::Yaml, Some(value)) => line(format!("{key}: {}", yaml(&value))),
        (Format::Yaml, None) => line(format!("{key}: {example}")),
    }
}

/// A table's entries in the order the example writes them.
fn in_written_order<'t>(
    table: &'t toml::Table,
    example: &str,
) -> Vec<(&'t String, &'t toml::Value)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| example.find(&format!("{k} =")).unwrap_or(usize::MAX));
    entries
}

/// A value in YAML's flow style: `[RSV, babies]`, `physicians`, `"a: b"`.
fn yaml(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) if plain_in_yaml(s) => s.clone(),
        toml::Value::String(s) => serde_json::Value::String(s.clone()).to_string(),
        toml::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(yaml).collect();
            format!("[{}]", items.join(", "))
        }
        toml::Value::Table(table) => {
            let entries: Vec<String> = table
                .iter()
                .map(|(k, v)| format!("{k}: {}", yaml(v)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        other => other.to_string(),
    }
}

/// Text YAML reads back as the same text without quotes.
fn plain_in_yaml(text: &str) -> bool {
    let special = |c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c);
    !text.is_empty()
        && text.trim() == text
        && !text.starts_with(special)
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.contains([',', '[', ']', '{', '}'])
        && text.parse::<f64>().is_err()
        && !looks_like_date(text)
        && !["true", "false", "yes", "no", "on", "off", "null", "~"]
            .contains(&text.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_are_read() {
        let said = read("invalid type: string \"RSV, babies\", expected a sequence");
        assert!(
            matches!(said, Said::Kind { found: Found::Text(ref t), expected: "a sequence" } if t == "RSV, babies")
        );
        let said =
            read("unknown variant `doctors`, expected one of `patients`, `physicians`, `both`");
        assert!(
            matches!(said, Said::Variant { written: "doctors", ref allowed } if allowed == &["patients", "physicians", "both"])
        );
        assert_eq!(
            unknown_field("unknown field `handle`, expected one of `account`"),
            Some("handle")
        );
        assert!(matches!(
            read("missing field `title`"),
            Said::MissingKey { key: "title" }
        ));
        assert!(is_about_a_value(
            "invalid value: integer `-1`, expected usize"
        ));
        assert!(!is_about_a_value("did not find expected node content"));
    }

    #[test]
    fn values_are_named_where_they_sit() {
        let key = |k: &str| Step::Key(k.into());
        assert_eq!(name_of(&[], &[key("tags")]), "`tags`");
        assert_eq!(
            name_of(&[], &[key("clinic"), key("address")]),
            "`address` in [clinic]"
        );
        assert_eq!(
            name_of(
                &[],
                &[key("social"), key("poll"), Step::Item(0), key("options")]
            ),
            "`options` in [[social.poll]]"
        );
        assert_eq!(
            name_of(&["publish"], &[key("timeout")]),
            "`timeout` in [publish]"
        );
        assert_eq!(
            name_of(&[], &[key("tags"), Step::Item(1)]),
            "item 2 of `tags`"
        );
    }

    #[test]
    fn yaml_text_is_quoted_only_when_it_must_be() {
        let v = |s: &str| yaml(&toml::Value::String(s.into()));
        assert_eq!(v("babies"), "babies");
        assert_eq!(v("a: b"), "\"a: b\"");
        assert_eq!(v("yes"), "\"yes\"");
        assert_eq!(v("12"), "\"12\"");
    }
}
