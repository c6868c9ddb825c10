//! What templates see: posts, people and terms as plain serializable views.

use serde::Serialize;
use serde_json::Value;

use crate::content::front_matter::MAX_TERMS_PER_POST;
use crate::content::{Audience, Date, Kind, Post};
use crate::derive::Derived;
use crate::load::Site;
use crate::markdown::{Heading, Rendered};

/// A post as lists show it; the post page adds its content and contents table.
#[derive(Debug, Serialize)]
pub struct PostView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub permalink: String,
    pub path: &'a str,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub last_reviewed: Option<Date>,
    pub reviewed_by: Option<Person>,
    pub authors: Vec<Person>,
    pub taxonomies: serde_json::Map<String, Value>,
    pub tags: Vec<TermLink>,
    pub categories: Vec<TermLink>,
    pub slug: &'a str,
    pub audience: Audience,
    /// For themes: whether the post speaks to patients, to physicians, or both.
    pub for_patients: bool,
    pub for_physicians: bool,
    pub kind: Kind,
    pub sources: Vec<SourceView<'a>>,
    pub image: Option<ImageView>,
    pub lang: &'a str,
    pub summary: Option<&'a str>,
    pub reading_minutes: usize,
    pub word_count: usize,
    pub section: LinkView<'a>,
    pub physicians: Option<PhysiciansView<'a>>,
    /// What was corrected after publishing, and whether it was withdrawn.
    pub corrections: &'a [crate::content::front_matter::Correction],
    pub withdrawn: Option<&'a crate::content::front_matter::Withdrawal>,
    pub social: Option<&'a crate::content::front_matter::Social>,
    /// Where the post was cross-posted, for "Also on …" links.
    pub syndication: Vec<crate::ledger::SyndicationLink>,
    pub extra: &'a serde_json::Map<String, Value>,
}

/// The parts only the post's own page needs.
#[derive(Debug, Serialize)]
pub struct PostBody<'a> {
    pub content: &'a str,
    pub toc: &'a [Heading],
    pub newer: Option<LinkView<'a>>,
    pub older: Option<LinkView<'a>>,
}

#[derive(Debug, Serialize)]
pub struct LinkView<'a> {
    pub title: &'a str,
    pub permalink: String,
}

/// A doctor named in front matter, with their record from `data/doctors`.
#[derive(Debug, Serialize)]
pub struct Person {
    pub key: String,
    pub name: String,
    /// Their page of posts, `/authors/<key>/`, when that taxonomy exists.
    pub permalink: Option<String>,
    pub known: bool,
    #[serde(flatten)]
    pub record: serde_json::Map<String, Value>,
}

#[derive(Debug, Serialize)]
pub struct TermLink {
    pub name: String,
    pub permalink: String,
}

/// A citation: `doi:`, `pmid:` and URLs become links.
#[derive(Debug, Serialize)]
pub struct SourceView<'a> {
    pub text: &'a str,
    pub url: Option<String>,
    /// `doi`, `pmid`, `url` or `text`.
    pub kind: &'static str,
}

#[derive(Debug, Serialize)]
pub struct ImageView {
    pub url: String,
    /// Its path on the site (`/blog/walk/photo.jpg`), for `picture(path=…)`;
    /// `None` for an image on another host.
    pub path: Option<String>,
    pub alt: Option<String>,
    /// The body already shows this picture, so the page need not show it
    /// again above it.
    pub in_body: bool,
}

#[derive(Debug, Serialize)]
pub struct PhysiciansView<'a> {
    pub title: Option<&'a str>,
    pub summary: Option<&'a str>,
    /// Tests from `data/services`, with their key.
    pub tests: Vec<Value>,
}

pub fn source(text: &str) -> SourceView<'_> {
    let trimmed = text.trim();
    let lower = trimmed.to_ascii_lowercase();
    if let Some(doi) = lower.strip_prefix("doi:").map(|_| trimmed[4..].trim()) {
        return SourceView {
            text,
            url: Some(format!("https://doi.org/{doi}")),
            kind: "doi",
        };
    }
    if let Some(pmid) = lower.strip_prefix("pmid:").map(|_| trimmed[5..].trim()) {
        return SourceView {
            text,
            url: Some(format!("https://pubmed.ncbi.nlm.nih.gov/{pmid}/")),
            kind: "pmid",
        };
    }
    if lower.starts_with("https://") || lower.starts_with("http://") {
        return SourceView {
            text,
            url: Some(trimmed.to_string()),
            kind: "url",
        };
    }
    SourceView {
        text,
        url: None,
        kind: "text",
    }
}

pub use crate::config::image_url;

/// A doctor's record as pages show it: their languages also by name
/// (`language_names`, unless the record gives its own).
fn shown_record(record: &serde_json::Map<String, Value>) -> serde_json::Map<String, Value> {
    let mut record = record.clone();
    if !record.contains_key("language_names") {
        if let Some(Value::Array(tags)) = record.get("languages") {
            let names: Vec<Value> = tags
                .iter()
                .filter_map(Value::as_str)
                .map(|tag| Value::String(super::names::language_name(tag)))
                .collect();
            record.insert("language_names".into(), Value::Array(names));
        }
    }
    record
}

/// Whether `html`, the body of the post at `post_path`, has an `<img>` of
/// the picture `image` names, however either spells its address
/// (`photo.jpg`, `/blog/post/photo.jpg`, the full URL).
fn body_shows(config: &crate::config::Config, post_path: &str, html: &str, image: &str) -> bool {
    static IMG_SRC: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"<img\b[^>]*?\bsrc="([^"]*)""#).expect("a valid pattern")
    });
    let wanted = image_url(config, post_path, image);
    IMG_SRC
        .captures_iter(html)
        .any(|c| image_url(config, post_path, &c[1].replace("&amp;", "&")) == wanted)
}

pub struct Views<'a> {
    site: &'a Site,
    derived: &'a Derived,
    doctors: Option<&'a serde_json::Map<String, Value>>,
    services: Option<&'a serde_json::Map<String, Value>>,
    authors_taxonomy: Option<usize>,
}

impl PostView<'_> {
    /// The post as lists and `get_posts` show it: at most
    /// [`MAX_TERMS_PER_POST`] terms of each taxonomy (and authors).
    pub fn listed(mut self) -> Self {
        self.tags.truncate(MAX_TERMS_PER_POST);
        self.categories.truncate(MAX_TERMS_PER_POST);
        self.authors.truncate(MAX_TERMS_PER_POST);
        for terms in self.taxonomies.values_mut() {
            if let Value::Array(list) = terms {
                list.truncate(MAX_TERMS_PER_POST);
            }
        }
        self
    }
}

impl<'a> Views<'a> {
    pub fn new(site: &'a Site, derived: &'a Derived) -> Self {
        Views {
            site,
            derived,
            doctors: site.data.get("doctors").and_then(Value::as_object),
            services: site.data.get("services").and_then(Value::as_object),
            authors_taxonomy: derived.taxonomies.iter().position(|t| t.name == "authors"),
        }
    }

    pub fn person(&self, key: &str) -> Person {
        let record = self
            .doctors
            .and_then(|d| d.get(key))
            .and_then(Value::as_object);
        let permalink = self.authors_taxonomy.map(|_| {
            self.site
                .config
                .permalink(&format!("/authors/{}/", slug::slugify(key)))
        });
        Person {
            key: key.to_string(),
            name: record
                .and_then(|r| r.get("name"))
                .and_then(Value::as_str)
                .unwrap_or(key)
                .to_string(),
            permalink,
            known: record.is_some(),
            record: record.map(shown_record).unwrap_or_default(),
        }
    }

    pub fn post(&self, index: usize, body: &'a Rendered) -> PostView<'a> {
        let site = self.site;
        let post: &'a Post = &site.posts[index];
        let config = &site.config;
        let front = &post.front;
        let mut taxonomies = serde_json::Map::new();
        let mut by_name: std::collections::HashMap<&str, Vec<TermLink>> = Default::default();
        for &(t, n) in &self.derived.post_terms[index] {
            let taxonomy = &self.derived.taxonomies[t];
            let term = &taxonomy.terms[n];
            by_name
                .entry(taxonomy.name.as_str())
                .or_default()
                .push(TermLink {
                    name: term.name.clone(),
                    permalink: config.permalink(&term.path),
                });
        }
        for (name, links) in &by_name {
            taxonomies.insert(
                name.to_string(),
                serde_json::to_value(links).unwrap_or_default(),
            );
        }
        let image = front.image.as_deref().map(|image| ImageView {
            url: image_url(config, &post.path, image),
            path: (!image.contains("://") && !image.starts_with("//"))
                .then(|| crate::site_path::site_path(&post.path, image))
                .flatten(),
            alt: front.image_alt.clone(),
            in_body: body_shows(config, &post.path, &body.html, image),
        });
        let section = &site.sections[post.section];
        PostView {
            title: &front.title,
            description: front.description.as_deref(),
            permalink: config.permalink(&post.path),
            path: &post.path,
            date: post.date,
            updated: front.updated,
            last_reviewed: front.last_reviewed,
            reviewed_by: front.reviewed_by.as_deref().map(|k| self.person(k)),
            authors: front.authors.iter().map(|k| self.person(k)).collect(),
            tags: by_name.remove("tags").unwrap_or_default(),
            categories: by_name.remove("categories").unwrap_or_default(),
            taxonomies,
            slug: &post.slug,
            audience: front.audience,
            for_patients: front.audience.reaches_patients(),
            for_physicians: front.audience.reaches_physicians() || front.physicians.is_some(),
            kind: front.kind,
            sources: front.sources.iter().map(|s| source(s)).collect(),
            image,
            lang: &post.lang,
            summary: body.summary.as_deref(),
            reading_minutes: body.reading_minutes,
            word_count: body.word_count,
            section: LinkView {
                title: &section.title,
                permalink: config.permalink(&section.path),
            },
            physicians: front.physicians.as_ref().map(|p| PhysiciansView {
                title: p.title.as_deref(),
                summary: p.summary.as_deref(),
                tests: p.tests.iter().map(|key| self.service(key)).collect(),
            }),
            corrections: &front.corrections,
            withdrawn: front.withdrawn.as_ref(),
            social: front.social.as_ref(),
            syndication: site
                .ledger
                .links_for(crate::ledger::stem_of(&post.content_path)),
            extra: &front.extra,
        }
    }

    pub fn link(&self, index: usize) -> LinkView<'a> {
        let post = &self.site.posts[index];
        LinkView {
            title: &post.front.title,
            permalink: self.site.config.permalink(&post.path),
        }
    }

    fn service(&self, key: &str) -> Value {
        let mut record = self
            .services
            .and_then(|s| s.get(key))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        record
            .entry("name")
            .or_insert_with(|| Value::String(key.to_string()));
        record.insert("key".into(), Value::String(key.to_string()));
        Value::Object(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_become_links() {
        assert_eq!(
            source("doi:10.1161/CIR.0000000000000678").url.as_deref(),
            Some("https://doi.org/10.1161/CIR.0000000000000678")
        );
        assert_eq!(
            source("PMID: 30879355").url.as_deref(),
            Some("https://pubmed.ncbi.nlm.nih.gov/30879355/")
        );
        assert_eq!(source("https://www.cdc.gov/bp").kind, "url");
        assert!(source("Smith J. A book. 2020.").url.is_none());
    }
}
