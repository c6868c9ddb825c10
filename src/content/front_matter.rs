//! Front matter: the typed header of every content file.
//!
//! This file is the one place the front-matter schema is written down; the
//! list of known keys for error messages is read from these types.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::date::Date;
use crate::diagnostic::{Diagnostic, Position};
use crate::schema::{self, Format, Origin, Schema, Shape, fields_of};

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
    /// A page about the clinic ("Our doctors", "Awards"), not a medical
    /// article: drawn with `page.html`, without review, reading time,
    /// disclaimer or share box.
    Page,
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
    /// What was corrected after publishing, oldest first: each shown on the
    /// page with its date, and in its structured data.
    #[serde(default)]
    pub corrections: Vec<Correction>,
    /// The post no longer stands: its page keeps its address with a notice,
    /// and it leaves the feeds, the sitemap and every list.
    pub withdrawn: Option<Withdrawal>,
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A correction made after publishing: `[[corrections]]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Correction {
    pub date: Date,
    pub note: String,
}

/// `withdrawn = { date = 2026-05-01, reason = "…" }`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Withdrawal {
    pub date: Date,
    pub reason: String,
}

impl PostFrontMatter {
    pub fn is_withdrawn(&self) -> bool {
        self.withdrawn.is_some()
    }
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
            ["corrections"] => Some(fields_of::<Correction>()),
            ["withdrawn"] => Some(fields_of::<Withdrawal>()),
            _ => None,
        }
    }

    fn shape(path: &[&str]) -> Option<Shape> {
        shape(path)
    }

    fn synonyms(path: &[&str]) -> &'static [(&'static str, &'static str)] {
        match path {
            [] => POST_KEYS,
            ["audience"] => AUDIENCES,
            ["kind"] => KINDS,
            ["consent"] => CONSENT_KEYS,
            ["social"] => SOCIAL_KEYS,
            ["social", "poll"] => POLL_KEYS,
            ["physicians"] => PHYSICIANS_KEYS,
            _ => &[],
        }
    }
}

/// How the keys of posts and sections are written, where their types say
/// too little (docs/content-model.md, "Post front matter").
fn shape(path: &[&str]) -> Option<Shape> {
    let shape = match path {
        ["title"] => Shape::example("\"Five ways to lower your blood pressure\""),
        ["tags" | "categories"] | ["social", "hashtags"] => {
            Shape::example("[\"heart\", \"blood pressure\"]").what("a list of words")
        }
        ["authors"] => Shape::example("[\"patel\"]").what("a list of keys of data/doctors.toml"),
        ["reviewed_by"] => {
            Shape::example("\"patel\"").what("a key of data/doctors.toml, in quotes")
        }
        ["aliases"] => Shape::example("[\"/old/path/\"]").what("a list of old addresses"),
        ["sources"] => Shape::example("[\"pmid:12345678\"]")
            .what("a list of sources (URLs, `doi:…`, `pmid:…` or citations)"),
        ["date" | "updated" | "last_reviewed"] | ["social", "schedule"] => {
            Shape::example("2026-03-01")
        }
        ["consent"] => Shape::example(CONSENT).made_from_text(consent_expiring),
        ["consent", "reference"] => Shape::example("\"authorization 2026-014\""),
        ["consent", "expires"] => Shape::example("2027-01-01"),
        ["corrections"] => Shape::example(
            "[[corrections]]\ndate = 2026-05-02\nnote = \"The starting age for screening is 45, not 50.\"",
        )
        .what("a list of tables, each with a date and a note"),
        ["corrections", "date"] | ["withdrawn", "date"] => Shape::example("2026-05-02"),
        ["withdrawn"] => Shape::example(
            "{ date = 2026-05-02, reason = \"The guidance this article gave has changed.\" }",
        ),
        ["social", "mentions"] => {
            Shape::example("[\"riverside-ymca\"]").what("a list of keys of data/partners.toml")
        }
        ["social", "teasers"] => Shape::example("{ mastodon = \"…\", bluesky = \"…\" }")
            .what("a table of network = text"),
        ["social", "poll"] => Shape::example(POLL),
        ["social", "poll", "options"] => {
            Shape::example("[\"Yes\", \"Not yet\"]").what("a list of 2 to 4 answers")
        }
        ["social", "poll", "question"] => Shape::example("\"Have you had your flu shot?\""),
        ["extra"] => Shape::example("{ conditions = [\"hypertension\"] }")
            .what("a table of keys of your own (`post.extra` in templates)"),
        ["physicians", "tests"] => {
            Shape::example("[\"lipid-panel\"]").what("a list of keys of data/services.toml")
        }
        _ => return None,
    };
    Some(shape)
}

const CONSENT: &str = "{ reference = \"authorization 2026-014\", expires = 2027-01-01 }";
const POLL: &str = "{ question = \"Have you had your flu shot?\", options = [\"Yes\", \"Not yet\"], duration = \"1d\" }";

/// A date written as `consent` is most likely when the consent expires.
fn consent_expiring(text: &str) -> Option<String> {
    let date = text.trim();
    let is_date = !date.is_empty()
        && date
            .chars()
            .all(|c| c.is_ascii_digit() || "-:TZ+.".contains(c));
    (is_date && Date::parse(date).is_some())
        .then(|| format!("{{ reference = \"authorization 2026-014\", expires = {date} }}"))
}

/// Keys people write for the front matter's own.
const POST_KEYS: &[(&str, &str)] = &[
    ("reviewer", "reviewed_by"),
    ("reviewed", "last_reviewed"),
    ("reviewed_on", "last_reviewed"),
    ("review_date", "last_reviewed"),
    ("last_review", "last_reviewed"),
    ("summary", "description"),
    ("excerpt", "description"),
    ("abstract", "description"),
    ("tag", "tags"),
    ("keywords", "tags"),
    ("category", "categories"),
    ("author", "authors"),
    ("doctor", "authors"),
    ("doctors", "authors"),
    ("published", "date"),
    ("publish_date", "date"),
    ("pubdate", "date"),
    ("modified", "updated"),
    ("lastmod", "updated"),
    ("references", "sources"),
    ("citations", "sources"),
    ("redirects", "aliases"),
    ("redirect_from", "aliases"),
    ("thumbnail", "image"),
    ("cover", "image"),
    ("featured_image", "image"),
    ("alt", "image_alt"),
    ("language", "lang"),
    ("locale", "lang"),
    ("layout", "template"),
    ("order", "weight"),
    ("hidden", "draft"),
    ("unpublished", "draft"),
    ("url", "slug"),
    ("permalink", "slug"),
    ("type", "kind"),
    ("readers", "audience"),
    ("authorization", "consent"),
    ("outreach", "social"),
];

/// Words people write for an audience.
const AUDIENCES: &[(&str, &str)] = &[
    ("doctors", "physicians"),
    ("doctor", "physicians"),
    ("physician", "physicians"),
    ("referrers", "physicians"),
    ("clinicians", "physicians"),
    ("providers", "physicians"),
    ("professionals", "physicians"),
    ("public", "patients"),
    ("patient", "patients"),
    ("families", "patients"),
    ("all", "both"),
    ("everyone", "both"),
];

const KINDS: &[(&str, &str)] = &[
    ("post", "article"),
    ("blog", "article"),
    ("event", "news"),
    ("announcement", "news"),
    ("review", "testimonial"),
    ("patient-story", "story"),
    ("about", "page"),
];

const CONSENT_KEYS: &[(&str, &str)] = &[
    ("ref", "reference"),
    ("id", "reference"),
    ("form", "reference"),
    ("expiry", "expires"),
    ("expiration", "expires"),
    ("until", "expires"),
    ("valid_until", "expires"),
];

const SOCIAL_KEYS: &[(&str, &str)] = &[
    ("text", "teaser"),
    ("tweet", "teaser"),
    ("tags", "hashtags"),
    ("question", "ask"),
    ("scheduled", "schedule"),
    ("publish_at", "schedule"),
    ("polls", "poll"),
    ("partners", "mentions"),
];

const POLL_KEYS: &[(&str, &str)] = &[
    ("choices", "options"),
    ("answers", "options"),
    ("length", "duration"),
    ("ends", "duration"),
];

const PHYSICIANS_KEYS: &[(&str, &str)] = &[
    ("abstract", "summary"),
    ("clinical_summary", "summary"),
    ("labs", "tests"),
    ("services", "tests"),
];

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

    fn shape(path: &[&str]) -> Option<Shape> {
        shape(path)
    }

    fn synonyms(path: &[&str]) -> &'static [(&'static str, &'static str)] {
        match path {
            [] => SECTION_KEYS,
            ["audience"] => AUDIENCES,
            _ => &[],
        }
    }

    /// A post's key in a section's `_index.md`, such as `[social]`.
    fn elsewhere(path: &[&str], key: &str) -> Option<String> {
        let for_posts = path.is_empty() && fields_of::<PostFrontMatter>().contains(&key);
        for_posts.then(|| {
            format!(
                "`{key}` is for a post's front matter; a section (_index.md) takes: {}",
                fields_of::<SectionFrontMatter>().join(", ")
            )
        })
    }
}

const SECTION_KEYS: &[(&str, &str)] = &[
    ("summary", "description"),
    ("order", "weight"),
    ("sort", "sort_by"),
    ("order_by", "sort_by"),
    ("per_page", "paginate_by"),
    ("paginate", "paginate_by"),
    ("rss", "feeds"),
    ("feed", "feeds"),
    ("language", "lang"),
    ("hidden", "draft"),
    ("layout", "template"),
];

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
    fn a_date_as_consent_is_shown_as_the_table_it_expires_in() {
        let text = "---\ntitle: Story\nconsent: 2027-01-01\n---\n";
        let errors = parse::<PostFrontMatter>(text, Path::new("s.md")).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert_eq!(errors[0].rule, "front-matter/type");
        assert_eq!(
            errors[0].position,
            Some(Position {
                line: 3,
                column: 10
            })
        );
        assert_eq!(
            errors[0].help.as_deref(),
            Some(
                "write it as a table:\nconsent:\n  reference: authorization 2026-014\n  expires: 2027-01-01"
            )
        );
    }

    #[test]
    fn a_post_key_in_a_section_says_where_it_belongs() {
        let text = "+++\ntitle = \"Blog\"\ntags = [\"a\"]\n+++\n";
        let errors = parse::<SectionFrontMatter>(text, Path::new("_index.md")).unwrap_err();
        assert_eq!(errors[0].position, Some(Position { line: 3, column: 1 }));
        let help = errors[0].help.as_deref().unwrap();
        assert!(
            help.starts_with("`tags` is for a post's front matter"),
            "{help}"
        );
    }

    #[test]
    fn a_poll_option_of_the_wrong_kind_is_named_in_its_table() {
        let text =
            "+++\ntitle = \"BP\"\n[[social.poll]]\nquestion = \"q\"\noptions = \"yes, no\"\n+++\n";
        let errors = parse::<PostFrontMatter>(text, Path::new("p.md")).unwrap_err();
        assert_eq!(
            errors[0].message,
            "`options` in [[social.poll]] should be a list of 2 to 4 answers, not text"
        );
        assert_eq!(errors[0].position.unwrap().line, 5);
        assert_eq!(
            errors[0].help.as_deref(),
            Some("write it as a list: `options = [\"yes\", \"no\"]`")
        );
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
