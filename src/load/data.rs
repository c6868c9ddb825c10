//! Reading `data/`: every TOML, YAML and JSON file becomes a value for the
//! templates, under its path (`data/lab/tests.toml` is `data.lab.tests`).

use std::ffi::OsStr;
use std::path::Path;

use super::DATA;
use crate::diagnostic::Diagnostic;
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
