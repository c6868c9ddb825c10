//! Reading `data/`: every TOML, YAML and JSON file becomes a value for the
//! templates, under its path (`data/lab/tests.toml` is `data.lab.tests`).

use std::ffi::OsStr;
use std::path::Path;

use super::DATA;
use crate::diagnostic::{Diagnostic, Position};
use crate::schema::{self, Format, Origin, Schema};
use crate::source::{is_hidden, read_text};

/// A `data/` file parsed into JSON values for templates.
struct DataFile(serde_json::Value);

impl<'de> serde::Deserialize<'de> for DataFile {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde_json::Value::deserialize(d).map(DataFile)
    }
}

impl Schema for DataFile {
    fn known_keys(_: &[&str]) -> Option<&'static [&'static str]> {
        None
    }
}

pub(super) fn load(
    root: &Path,
) -> Result<serde_json::Map<String, serde_json::Value>, Vec<Diagnostic>> {
    let dir = root.join(DATA);
    let mut data = serde_json::Map::new();
    if !dir.is_dir() {
        return Ok(data);
    }
    let walk = crate::site_path::walk(root, Path::new(DATA), is_hidden);
    let mut problems: Vec<Diagnostic> = walk
        .links_out
        .iter()
        .map(|link| crate::site_path::link_outside(link))
        .collect();
    for file in walk.files {
        let Some(value) = parse(root, &file) else {
            continue;
        };
        match value {
            Ok(value) => {
                problems.extend(photos_outside(root, &file, &value));
                problems.extend(mistyped(root, &file, &value));
                insert_data(&mut data, &file, value);
            }
            Err(mut e) => problems.append(&mut e),
        }
    }
    if problems.is_empty() {
        Ok(data)
    } else {
        Err(problems)
    }
}

/// A data file's value, or its problems; `None` for a file that is not data.
fn parse(root: &Path, file: &Path) -> Option<Result<serde_json::Value, Vec<Diagnostic>>> {
    let format = match file.extension().and_then(OsStr::to_str).unwrap_or("") {
        "toml" => Format::Toml,
        "yaml" | "yml" => Format::Yaml,
        "json" => return Some(parse_json(root, file)),
        _ => return None,
    };
    Some(read_text(root, file).map_err(|d| vec![d]).and_then(|text| {
        let origin = Origin {
            file,
            first_line: 1,
        };
        schema::parse::<DataFile>(format, &text, origin).map(|d| d.0)
    }))
}

fn parse_json(root: &Path, file: &Path) -> Result<serde_json::Value, Vec<Diagnostic>> {
    let text = read_text(root, file).map_err(|d| vec![d])?;
    serde_json::from_str(&text).map_err(|e| {
        vec![
            Diagnostic::error("syntax", format!("invalid JSON: {e}"))
                .in_file(file)
                .at(crate::diagnostic::Position {
                    line: e.line(),
                    column: e.column(),
                })
                .with_help("check for a missing comma or quote"),
        ]
    })
}

/// A doctor's `photo` in `data/doctors.*` is a site path, which the pages
/// link to; one that climbs out of the site is refused at its line.
fn photos_outside(root: &Path, file: &Path, value: &serde_json::Value) -> Vec<Diagnostic> {
    if file.parent() != Some(Path::new(DATA)) || file.file_stem() != Some(OsStr::new("doctors")) {
        return Vec::new();
    }
    let outside: Vec<&str> = value
        .as_object()
        .into_iter()
        .flat_map(|doctors| doctors.values())
        .filter_map(|doctor| doctor.get("photo")?.as_str())
        .filter(|photo| !photo.contains("://") && crate::site_path::site_path("/", photo).is_none())
        .collect();
    if outside.is_empty() {
        return Vec::new();
    }
    let text = std::fs::read_to_string(root.join(file)).unwrap_or_default();
    outside
        .into_iter()
        .map(|photo| {
            let at = text.lines().enumerate().find_map(|(i, line)| {
                let column = line.find("photo")?;
                line[column..].contains(photo).then(|| crate::diagnostic::Position {
                    line: i + 1,
                    column: line[..column].chars().count() + 1,
                })
            });
            crate::site_path::outside_output(
                "photo",
                photo,
                file,
                at,
                "name the photo by its site path, e.g. photo = \"/images/doctors/patel.jpg\" for static/images/doctors/patel.jpg",
            )
        })
        .collect()
}

/// What a field of a `data/` record holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Text,
    /// A list of text, e.g. `languages = ["en", "es"]`.
    List(&'static str),
}

use Shape::{List, Text};

/// The records Rounds itself reads from a `data/` file: what one record is
/// called, and the shape of each field the theme, the pages and the outreach
/// read (docs/content-model.md, "data/"). Other fields are free for a theme.
struct Records {
    stem: &'static str,
    record: &'static str,
    fields: &'static [(&'static str, Shape)],
}

/// The schema of `data/doctors.*`, `data/partners.*` and `data/services.*`:
/// checked as the site loads, so that a wrong kind of value is reported at
/// its line instead of failing in a template or vanishing from a page.
const RECORDS: &[Records] = &[
    Records {
        stem: "doctors",
        record: "doctor",
        fields: &[
            ("name", Text),
            ("credentials", Text),
            ("role", Text),
            ("specialty", Text),
            ("bio", Text),
            ("photo", Text),
            ("photo_alt", Text),
            ("languages", List("[\"en\", \"es\"]")),
            ("language_names", List("[\"English\", \"Español\"]")),
            ("npi", Text),
            ("mastodon", Text),
            ("bluesky", Text),
            ("x", Text),
            ("linkedin", Text),
        ],
    },
    Records {
        stem: "partners",
        record: "partner",
        fields: &[
            ("name", Text),
            ("kind", Text),
            ("url", Text),
            ("description", Text),
            ("mastodon", Text),
            ("bluesky", Text),
            ("x", Text),
            ("linkedin", Text),
            ("facebook", Text),
            ("threads", Text),
            ("instagram", Text),
        ],
    },
    Records {
        stem: "services",
        record: "service",
        fields: &[
            ("name", Text),
            ("specimen", Text),
            ("turnaround", Text),
            ("cpt", Text),
            ("description", Text),
            ("preparation", Text),
            ("audience", Text),
        ],
    },
];

/// Every record of a doctors, partners or services file that is not a table,
/// and every field of one whose value is not of its shape, at its line.
fn mistyped(root: &Path, file: &Path, value: &serde_json::Value) -> Vec<Diagnostic> {
    let stem = file.file_stem().and_then(OsStr::to_str).unwrap_or("");
    let Some(records) = RECORDS
        .iter()
        .find(|r| r.stem == stem && file.parent() == Some(Path::new(DATA)))
    else {
        return Vec::new();
    };
    let mut found: Vec<(String, Option<&str>, String, String)> = Vec::new();
    for (key, record) in value.as_object().into_iter().flatten() {
        let Some(fields) = record.as_object() else {
            found.push((
                key.clone(),
                None,
                format!(
                    "{} `{key}` should be a table of its fields, not {}",
                    records.record,
                    kind_of(record)
                ),
                format!("write it as a table:\n[{key}]\nname = \"…\""),
            ));
            continue;
        };
        for &(field, shape) in records.fields {
            let Some(value) = fields.get(field) else {
                continue;
            };
            if let Some((what, help)) = wrong_shape(field, shape, value) {
                let message = format!("`{field}` of {} `{key}` {what}", records.record);
                found.push((key.clone(), Some(field), message, help));
            }
        }
    }
    if found.is_empty() {
        return Vec::new();
    }
    let text = std::fs::read_to_string(root.join(file)).unwrap_or_default();
    found
        .into_iter()
        .map(|(key, field, message, help)| {
            Diagnostic::error("data/wrong-kind", message)
                .in_file(file)
                .at_opt(field_position(&text, file, &key, field))
                .spanning(field.map_or(key.chars().count(), |f| f.chars().count()))
                .with_help(help)
        })
        .collect()
}

/// What is wrong with a field's value for its shape, and how to write it.
fn wrong_shape(field: &str, shape: Shape, value: &serde_json::Value) -> Option<(String, String)> {
    match shape {
        Text if value.is_string() => None,
        Text => Some((
            format!("should be text, not {}", kind_of(value)),
            format!("put it in quotes: {field} = \"{}\"", plain(value)),
        )),
        List(example) => {
            let help = format!("write it as a list: {field} = {example}");
            let Some(items) = value.as_array() else {
                return Some((
                    format!("should be a list of text, not {}", kind_of(value)),
                    help,
                ));
            };
            let (n, item) = items.iter().enumerate().find(|(_, i)| !i.is_string())?;
            Some((
                format!(
                    "should be a list of text, but item {} is {}",
                    n + 1,
                    kind_of(item)
                ),
                help,
            ))
        }
    }
}

/// A value as a reader would write it, for a help that quotes it.
fn plain(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(_) | serde_json::Value::Object(_) => "…".into(),
        other => other.to_string(),
    }
}

/// A value's kind in the content model's words.
fn kind_of(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "empty",
        serde_json::Value::Bool(_) => "true or false",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "text",
        serde_json::Value::Array(_) => "a list",
        // TOML dates reach JSON as a table of one private key.
        serde_json::Value::Object(map)
            if map.len() == 1 && map.keys().all(|k| k.contains("datetime")) =>
        {
            "a date"
        }
        serde_json::Value::Object(_) => "a table",
    }
}

/// Where `field` of the record `key` is written (or the record itself,
/// without a field), in a TOML, YAML or JSON data file.
fn field_position(text: &str, file: &Path, key: &str, field: Option<&str>) -> Option<Position> {
    let toml = file.extension() == Some(OsStr::new("toml"));
    let Some(field) = field else {
        return if toml {
            crate::schema::toml_key_position(text, &[], key)
                .or_else(|| crate::config::line_of(text, &format!("[{key}]")))
        } else {
            line_of_key(text, key, 0)
        };
    };
    if toml {
        return crate::schema::toml_key_position(text, &[key], field);
    }
    // YAML and JSON: the field's first line after the record's.
    let record = line_of_key(text, key, 0)?;
    line_of_key(text, field, record.line)
}

/// The first line after line `after` that sets `key` (`key:` in YAML,
/// `"key":` in JSON), at the key.
fn line_of_key(text: &str, key: &str, after: usize) -> Option<Position> {
    text.lines().enumerate().skip(after).find_map(|(i, line)| {
        let trimmed = line.trim_start();
        let quoted = format!("\"{key}\"");
        let rest = trimmed
            .strip_prefix(quoted.as_str())
            .or_else(|| trimmed.strip_prefix(key))?;
        rest.trim_start().starts_with(':').then(|| Position {
            line: i + 1,
            column: line[..line.len() - trimmed.len()].chars().count() + 1,
        })
    })
}

/// `data/lab/tests.toml` becomes `data.lab.tests`.
fn insert_data(
    data: &mut serde_json::Map<String, serde_json::Value>,
    file: &Path,
    value: serde_json::Value,
) {
    let rel = file.strip_prefix(DATA).unwrap_or(file).with_extension("");
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let mut table = data;
    for part in &parts[..parts.len() - 1] {
        let entry = table
            .entry(part.clone())
            .or_insert_with(|| serde_json::Value::Object(Default::default()));
        if !entry.is_object() {
            *entry = serde_json::Value::Object(Default::default());
        }
        table = entry.as_object_mut().unwrap();
    }
    table.insert(parts[parts.len() - 1].clone(), value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_of_the_wrong_kind_is_found_under_its_record() {
        let yaml = "patel:\n  languages: [en]\nokafor:\n  name: Okafor\n  languages: en\n";
        let at = field_position(
            yaml,
            Path::new("data/doctors.yaml"),
            "okafor",
            Some("languages"),
        );
        assert_eq!(at, Some(Position { line: 5, column: 3 }));
        let json = "{\n \"patel\": {\"npi\": \"1\"},\n \"okafor\": {\n  \"npi\": 1\n }\n}\n";
        let at = field_position(json, Path::new("data/doctors.json"), "okafor", Some("npi"));
        assert_eq!(at, Some(Position { line: 4, column: 3 }));
        let toml = "[patel]\nnpi = \"1\"\n[okafor]\nnpi = 1\n";
        let at = field_position(toml, Path::new("data/doctors.toml"), "okafor", Some("npi"));
        assert_eq!(at.map(|p| p.line), Some(4));
    }

    #[test]
    fn shapes_say_what_is_wrong_in_plain_words() {
        let (what, help) = wrong_shape("npi", Text, &serde_json::json!(1234567893)).unwrap();
        assert_eq!(what, "should be text, not a number");
        assert_eq!(help, "put it in quotes: npi = \"1234567893\"");
        let list = List("[\"en\"]");
        let (what, _) = wrong_shape("languages", list, &serde_json::json!(["en", 2])).unwrap();
        assert_eq!(what, "should be a list of text, but item 2 is a number");
        assert!(wrong_shape("languages", list, &serde_json::json!(["en"])).is_none());
    }
}
