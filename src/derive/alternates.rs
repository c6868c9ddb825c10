//! A page's versions in the site's other languages: a post and its
//! translations, a section and the same folder's list in another language,
//! a term and the same term there. The head's `hreflang` links, the
//! language switcher and the sitemap's `xhtml:link`s all come from here.

use std::collections::HashMap;

use super::{Page, PageKind, Taxonomy};
use crate::load::Site;

/// One version of a page: its language (as `hreflang` writes it) and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternate {
    pub lang: String,
    /// The site language whose tree holds it (`Post::tree`).
    pub tree: String,
    pub path: String,
}

/// What the versions of one page share.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key<'a> {
    Post(&'a str),
    Physician(&'a str),
    Section(String),
    Taxonomy(&'a str),
    Term(&'a str, &'a str),
}

/// Pages' versions, by the page's path.
pub type Alternates = HashMap<String, Vec<Alternate>>;

/// For each page that has a version in another language, all its versions
/// (its own included), main language first.
pub fn for_pages(site: &Site, pages: &[Page], taxonomies: &[Taxonomy]) -> Alternates {
    if site.config.languages.is_empty() {
        return Alternates::new();
    }
    let keys: Vec<Option<(Key, Alternate)>> = pages
        .iter()
        .map(|page| key_of(site, taxonomies, page))
        .collect();
    let mut versions: HashMap<&Key, Vec<&Alternate>> = HashMap::new();
    for (key, alternate) in keys.iter().flatten() {
        versions.entry(key).or_default().push(alternate);
    }
    let trees = site.config.trees();
    let rank = |a: &&Alternate| trees.iter().position(|t| *t == a.tree);
    keys.iter()
        .flatten()
        .filter_map(|(key, own)| {
            let mut all = versions[key].clone();
            if all.len() < 2 {
                return None;
            }
            all.sort_by_key(rank);
            Some((own.path.clone(), all.into_iter().cloned().collect()))
        })
        .collect()
}

/// A language's own name for itself, for the switcher; the code when the
/// list lacks it.
pub fn native_name(lang: &str) -> &str {
    let base = lang.split(['-', '_']).next().unwrap_or(lang);
    NATIVE_NAMES
        .iter()
        .find(|(code, _)| *code == lang || *code == base)
        .map_or(lang, |(_, name)| name)
}

/// The languages most spoken in the US after English (Census ACS), and a
/// few more, each in its own words.
const NATIVE_NAMES: &[(&str, &str)] = &[
    ("en", "English"),
    ("es", "Español"),
    ("zh-Hant", "中文（繁體）"),
    ("zh-Hans", "中文（简体）"),
    ("zh", "中文"),
    ("vi", "Tiếng Việt"),
    ("tl", "Tagalog"),
    ("ko", "한국어"),
    ("ru", "Русский"),
    ("ar", "العربية"),
    ("ht", "Kreyòl ayisyen"),
    ("fr", "Français"),
    ("pl", "Polski"),
    ("pt", "Português"),
    ("it", "Italiano"),
    ("de", "Deutsch"),
    ("ja", "日本語"),
    ("fa", "فارسی"),
    ("hi", "हिन्दी"),
    ("bn", "বাংলা"),
    ("ur", "اردو"),
    ("uk", "Українська"),
    ("so", "Soomaali"),
    ("am", "አማርኛ"),
    ("hmn", "Hmoob"),
];

fn key_of<'a>(
    site: &'a Site,
    taxonomies: &'a [Taxonomy],
    page: &Page,
) -> Option<(Key<'a>, Alternate)> {
    let (key, lang, tree) = match &page.kind {
        PageKind::Post(i) => {
            let post = &site.posts[*i];
            (Key::Post(&post.translation_key), &post.lang, &post.tree)
        }
        PageKind::Physician(i) => {
            let post = &site.posts[*i];
            (
                Key::Physician(&post.translation_key),
                &post.lang,
                &post.tree,
            )
        }
        PageKind::Section { section, pager } if pager.number == 1 => {
            let s = &site.sections[*section];
            let folder = s.content_path.replace(&format!(".{}.md", s.tree), ".md");
            (Key::Section(folder), &s.lang, &s.tree)
        }
        PageKind::Taxonomy(t) => {
            let taxonomy = &taxonomies[*t];
            (
                Key::Taxonomy(&taxonomy.name),
                &taxonomy.tree,
                &taxonomy.tree,
            )
        }
        PageKind::Term {
            taxonomy,
            term,
            pager,
        } if pager.number == 1 => {
            let taxonomy = &taxonomies[*taxonomy];
            let term = &taxonomy.terms[*term];
            (
                Key::Term(&taxonomy.name, &term.slug),
                &taxonomy.tree,
                &taxonomy.tree,
            )
        }
        _ => return None,
    };
    let alternate = Alternate {
        lang: lang.clone(),
        tree: tree.clone(),
        path: page.path.clone(),
    };
    Some((key, alternate))
}

/// The `hreflang` links of a page with versions in other languages: each
/// version, then `x-default` for the main language's (the one a reader
/// whose language the site lacks is sent to).
pub fn hreflang_links(alternates: &[Alternate], main: &str) -> Vec<(String, String)> {
    let mut links: Vec<(String, String)> = alternates
        .iter()
        .map(|a| (a.lang.clone(), a.path.clone()))
        .collect();
    if let Some(default) = alternates.iter().find(|a| a.tree == main) {
        links.push(("x-default".into(), default.path.clone()));
    }
    links
}
