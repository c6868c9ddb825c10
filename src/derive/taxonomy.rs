//! Taxonomies: tags, categories and authors, grouped in one pass over the posts.

use std::collections::HashMap;

use serde::Serialize;

use crate::config::TaxonomyConfig;
use crate::content::Post;
pub use crate::content::front_matter::listed;

#[derive(Debug, Clone, Serialize)]
pub struct Taxonomy {
    pub name: String,
    /// The site language whose posts it files (see `Post::tree`); the
    /// authors' pages are the main language's, and list every post.
    #[serde(skip)]
    pub tree: String,
    /// `/tags/`
    pub path: String,
    #[serde(skip)]
    pub paginate_by: usize,
    #[serde(skip)]
    pub feeds: bool,
    /// Terms sorted by name.
    pub terms: Vec<Term>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Term {
    /// As first written in front matter (or a doctor's name for `authors`).
    pub name: String,
    pub slug: String,
    /// `/tags/blood-pressure/`
    pub path: String,
    /// Newest first.
    #[serde(skip)]
    pub posts: Vec<usize>,
}

/// The terms a post lists under a taxonomy; other taxonomies than the three
/// built-in ones are read from `[extra]`, e.g. `extra.conditions = [...]`.
pub fn values<'p>(post: &'p Post, taxonomy: &str) -> Vec<&'p str> {
    listed(&post.front, taxonomy)
}

/// A term becomes a folder (`/tags/<term>/`): one too long to be a file
/// name is reported at its line, before it fails a template's page.
pub(super) fn too_long(site: &crate::load::Site) -> Vec<crate::diagnostic::Diagnostic> {
    let mut problems = Vec::new();
    for taxonomy in &site.config.taxonomies {
        let name = taxonomy.name.as_str();
        let path: Vec<&str> = match name {
            "tags" | "categories" | "authors" => vec![name],
            _ => vec!["extra", name],
        };
        for post in &site.posts {
            for value in values(post, name) {
                let length = slug::slugify(value).len();
                if length <= crate::load::MAX_NAME_BYTES {
                    continue;
                }
                problems.push(
                    crate::diagnostic::Diagnostic::error(
                        crate::load::SLUG_TOO_LONG,
                        format!(
                            "a term of `{name}` makes a URL part of {length} characters; a file name holds at most {}",
                            crate::load::MAX_NAME_BYTES
                        ),
                    )
                    .in_file(&post.file)
                    .at_opt(crate::load::value_position(post, &path, value))
                    .spanning(value.chars().count())
                    .with_help("keep a term to a few words, as a reader would look for it"),
                );
            }
        }
    }
    problems
}

/// The site's languages, main first, and where each one's pages start.
pub struct Trees<'a> {
    pub names: Vec<&'a str>,
    pub prefixes: Vec<String>,
}

/// Builds every configured taxonomy, once per language of the site (the
/// authors' once). `by_date` is all posts, newest first, so each term's list
/// comes out sorted without sorting it again.
pub fn build(
    configs: &[TaxonomyConfig],
    default_paginate_by: usize,
    posts: &[Post],
    by_date: &[usize],
    trees: &Trees<'_>,
    display_name: impl Fn(&str, &str) -> Option<String>,
    seeds: impl Fn(&str) -> Vec<String>,
) -> Vec<Taxonomy> {
    let mut built = Vec::new();
    for (n, tree) in trees.names.iter().enumerate() {
        let prefix = &trees.prefixes[n];
        for config in configs {
            let authors = config.name == "authors";
            if authors && n > 0 {
                continue;
            }
            let in_tree: Vec<usize> = by_date
                .iter()
                .copied()
                .filter(|&i| authors || posts[i].tree == *tree)
                .collect();
            built.push(build_one(
                config,
                default_paginate_by,
                posts,
                &in_tree,
                (tree, prefix),
                &display_name,
                &seeds,
            ));
        }
    }
    built
}

/// One taxonomy of one language: `(tree, prefix)` names it and where its pages start.
fn build_one(
    config: &TaxonomyConfig,
    default_paginate_by: usize,
    posts: &[Post],
    by_date: &[usize],
    (tree, prefix): (&str, &str),
    display_name: &impl Fn(&str, &str) -> Option<String>,
    seeds: &impl Fn(&str) -> Vec<String>,
) -> Taxonomy {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut terms: Vec<Term> = Vec::new();
    let mut term_of = |value: &str, terms: &mut Vec<Term>| -> Option<usize> {
        let slug = slug::slugify(value);
        if slug.is_empty() {
            return None;
        }
        Some(*index.entry(slug.clone()).or_insert_with(|| {
            terms.push(Term {
                name: display_name(&config.name, value).unwrap_or_else(|| value.to_string()),
                path: format!("{prefix}/{}/{slug}/", config.name),
                slug,
                posts: Vec::new(),
            });
            terms.len() - 1
        }))
    };
    // Terms that exist before any post uses them: every doctor has a page.
    for value in seeds(&config.name) {
        term_of(&value, &mut terms);
    }
    for &i in by_date {
        for value in values(&posts[i], &config.name) {
            let Some(at) = term_of(value, &mut terms) else {
                continue;
            };
            // A post that lists a term twice (or two spellings of it) appears once.
            if terms[at].posts.last() != Some(&i) {
                terms[at].posts.push(i);
            }
        }
    }
    terms.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.slug.cmp(&b.slug))
    });
    Taxonomy {
        name: config.name.clone(),
        tree: tree.to_string(),
        path: format!("{prefix}/{}/", config.name),
        paginate_by: config.paginate_by.unwrap_or(default_paginate_by),
        feeds: config.feeds,
        terms,
    }
}
