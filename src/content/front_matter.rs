//! Front matter: the typed header of every content file.
//!
//! This file is the one place the front-matter schema is written down; the
//! list of known keys for error messages is read from these types.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::date::Date;
use crate::diagnostic::{Diagnostic, Position};
use crate::schema::{self, Format, Origin, Schema, fields_of};

/// Who a post is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    #[default]
    Patients,
    Physicians,
    Both,
}

impl Audience {
    pub fn reaches_patients(self) -> bool {
        matches!(self, Audience::Patients | Audience::Both)
    }

    pub fn reaches_physicians(self) -> bool {
        matches!(self, Audience::Physicians | Audience::Both)
    }
}

/// What a post is, which decides the outreach derived from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    #[default]
    Article,
    Prevention,
    Partner,
    Poll,
    Award,
    Practice,
    Testing,
    News,
    Story,
    Testimonial,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct PostFrontMatter {
    pub title: String,
    pub description: Option<String>,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    #[serde(default)]
    pub draft: bool,
    pub slug: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    pub reviewed_by: Option<String>,
    pub last_reviewed: Option<Date>,
    #[serde(default)]
    pub audience: Audience,
    #[serde(default)]
    pub kind: Kind,
    #[serde(default)]
    pub sources: Vec<String>,
    pub image: Option<String>,
    pub image_alt: Option<String>,
    pub weight: Option<i64>,
    pub template: Option<String>,
    pub lang: Option<String>,
    pub consent: Option<Consent>,
    pub social: Option<Social>,
    pub physicians: Option<Physicians>,
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A patient's written authorization to publish their story (45 CFR 164.508).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Consent {
    pub reference: String,
    pub expires: Date,
}

/// How a post is shared on social networks.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Social {
    pub teaser: Option<String>,
    #[serde(default)]
    pub teasers: BTreeMap<String, String>,
    pub hashtags: Option<Vec<String>>,
    #[serde(default)]
    pub mentions: Vec<String>,
    /// Who an award post congratulates: keys of `data/doctors.toml` (the
    /// post's authors wrote it; they are not its honorees).
    #[serde(default)]
    pub honorees: Vec<String>,
    pub ask: Option<String>,
    pub schedule: Option<Date>,
    #[serde(default)]
    pub skip: bool,
    #[serde(default)]
    pub approved: bool,
    #[serde(default)]
    pub poll: Vec<PollFrontMatter>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct PollFrontMatter {
    pub question: String,
    pub options: Vec<String>,
    pub duration: Option<String>,
    /// Whether the poll asks about the reader's health, which some networks
    /// forbid (LinkedIn). On a clinic's site a poll is about health unless
    /// the writer says otherwise.
    #[serde(default = "about_health")]
    pub about_health: bool,
}

fn about_health() -> bool {
    true
}

/// The physician-facing version of a post.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Physicians {
    pub title: Option<String>,
    pub summary: Option<String>,
    #[serde(default)]
    pub tests: Vec<String>,
}

impl Schema for PostFrontMatter {
    fn known_keys(path: &[&str]) -> Option<&'static [&'static str]> {
        match path {
            [] => Some(fields_of::<PostFrontMatter>()),
            ["consent"] => Some(fields_of::<Consent>()),
            ["social"] => Some(fields_of::<Social>()),
            ["social", "poll"] => Some(fields_of::<PollFrontMatter>()),
            ["physicians"] => Some(fields_of::<Physicians>()),
            _ => None,
        }
    }
}

/// How a section orders its posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    #[default]
    Date,
    Title,
    Weight,
    None,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct SectionFrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub sort_by: SortBy,
    pub paginate_by: Option<usize>,
    pub template: Option<String>,
    pub page_template: Option<String>,
    pub weight: Option<i64>,
    #[serde(default)]
    pub draft: bool,
    pub audience: Option<Audience>,
    pub lang: Option<String>,
    pub feeds: Option<bool>,
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Schema for SectionFrontMatter {
    fn known_keys(path: &[&str]) -> Option<&'static [&'static str]> {
        match path {
            [] => Some(fields_of::<SectionFrontMatter>()),
            _ => None,
        }
    }
}

/// A content file split into its header and its markdown body.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    pub format: Format,
    pub header: &'a str,
    /// 1-based line of the header's first line.
    pub header_line: usize,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
}

/// Splits `text` at its `+++` (TOML) or `---` (YAML) fences.
pub fn split<'a>(text: &'a str, file: &Path) -> Result<Split<'a>, Diagnostic> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[bom..];
    let first_line = rest.lines().next().unwrap_or("").trim_end();
    let (format, fence) = match first_line {
        "+++" => (Format::Toml, "+++"),
        "---" => (Format::Yaml, "---"),
        _ => {
            return Err(Diagnostic::error(
                "front-matter/missing",
                "this file has no front matter",
            )
            .in_file(file)
            .at(Position { line: 1, column: 1 })
            .with_help("start the file with a header between +++ lines, e.g.\n+++\ntitle = \"Five ways to lower your blood pressure\"\n+++"));
        }
    };
    let header_start = bom + rest.find('\n').map_or(rest.len(), |i| i + 1);
    let mut offset = header_start;
    for line in text[header_start..].split_inclusive('\n') {
        if line.trim_end() == fence {
            let body_offset = offset + line.len();
            return Ok(Split {
                format,
                header: &text[header_start..offset],
                header_line: 2,
                body_offset,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(
        "front-matter/unclosed",
        format!("the front matter opened with `{fence}` is never closed"),
    )
    .in_file(file)
    .at(Position { line: 1, column: 1 })
    .spanning(3)
    .with_help(format!(
        "add a line with only `{fence}` after the last header line"
    )))
}

/// Splits and parses a content file's header as `T`.
pub fn parse<'a, T: Schema>(text: &'a str, file: &Path) -> Result<(T, Split<'a>), Vec<Diagnostic>> {
    let split = split(text, file).map_err(|d| vec![d])?;
    let origin = Origin {
        file,
        first_line: split.header_line,
    };
    let value = schema::parse::<T>(split.format, split.header, origin)?;
    Ok((value, split))
}

/// The most terms of one taxonomy that lists and feeds show with a post.
/// Each term is a page and two feeds that list the post; if every listing
/// showed all its terms, a post would cost the square of its terms (2,000
/// tags made 256 MB). Capped, it costs what its terms do. 50 is far more
/// than readers use; the post's own page shows them all.
pub const MAX_TERMS_PER_POST: usize = 50;

/// The terms a post lists under a taxonomy; other taxonomies than the three
/// built-in ones are read from `[extra]`, e.g. `extra.conditions = [...]`.
pub fn listed<'p>(front: &'p PostFrontMatter, taxonomy: &str) -> Vec<&'p str> {
    let listed = match taxonomy {
        "tags" => &front.tags,
        "categories" => &front.categories,
        "authors" => &front.authors,
        _ => {
            let extra = front.extra.get(taxonomy).and_then(|v| v.as_array());
            return extra
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str())
                .collect();
        }
    };
    listed.iter().map(String::as_str).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_toml_and_yaml() {
        let file = Path::new("a.md");
        let text = "+++\ntitle = \"a\"\n+++\nbody\n";
        let s = split(text, file).unwrap();
        assert_eq!(s.format, Format::Toml);
        assert_eq!(s.header, "title = \"a\"\n");
        assert_eq!(&text[s.body_offset..], "body\n");
        let text = "---\r\ntitle: a\r\n---\r\nbody";
        let s = split(text, file).unwrap();
        assert_eq!(s.format, Format::Yaml);
        assert_eq!(&text[s.body_offset..], "body");
    }

    #[test]
    fn missing_and_unclosed_front_matter_are_errors() {
        let file = Path::new("a.md");
        assert_eq!(
            split("# Hi\n", file).unwrap_err().rule,
            "front-matter/missing"
        );
        assert_eq!(
            split("+++\ntitle = 1\n", file).unwrap_err().rule,
            "front-matter/unclosed"
        );
    }

    #[test]
    fn typo_in_front_matter_names_the_line_and_the_fix() {
        let text = "+++\ntitle = \"BP\"\nreviewd_by = \"dr-lee\"\n+++\n";
        let errors = parse::<PostFrontMatter>(text, Path::new("content/blog/bp.md")).unwrap_err();
        assert_eq!(errors[0].position, Some(Position { line: 3, column: 1 }));
        assert_eq!(
            errors[0].help.as_deref(),
            Some("did you mean `reviewed_by`?")
        );
    }

    #[test]
    fn typo_in_a_poll_is_found() {
        let text = "+++\ntitle = \"BP\"\n[[social.poll]]\nquestion = \"q\"\noptoins = [\"a\", \"b\"]\n+++\n";
        let errors = parse::<PostFrontMatter>(text, Path::new("p.md")).unwrap_err();
        let unknown = errors
            .iter()
            .find(|e| e.rule == "front-matter/unknown-key")
            .unwrap();
        assert_eq!(unknown.position.unwrap().line, 5);
        assert_eq!(unknown.help.as_deref(), Some("did you mean `options`?"));
    }

    #[test]
    fn bad_enum_value_is_located() {
        let text = "---\ntitle: BP\naudience: doctors\n---\n";
        let errors = parse::<PostFrontMatter>(text, Path::new("p.md")).unwrap_err();
        assert_eq!(errors[0].position.unwrap().line, 3);
        assert!(
            errors[0].message.contains("patients"),
            "{}",
            errors[0].message
        );
    }
}
