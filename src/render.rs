//! Render: every post's and section's markdown to HTML, in parallel, once.
//!
//! Internal links need every post's permalink, and `#anchor` links need the
//! target's headings, so anchors are checked after all bodies are rendered.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, LineIndex};
use crate::load::Site;
use crate::markdown::{self, Links, Rendered, Source};

/// Rendered bodies, indexed like `Site::posts` and `Site::sections`.
#[derive(Debug, Default)]
pub struct Bodies {
    pub posts: Vec<Rendered>,
    pub sections: Vec<Rendered>,
}

/// Renders all markdown; returns every problem found, not only the first.
pub fn render(site: &Site) -> (Bodies, Vec<Diagnostic>) {
    let permalinks = permalinks(site);
    let links = Links {
        permalinks: &permalinks,
    };
    let options = markdown::options(site.config.markdown.smart_punctuation);
    let render_file = |file: &Path, text: &str, body_offset: usize| {
        render_one(site, &links, options, file, text, body_offset)
    };
    let posts: Vec<_> = site
        .posts
        .par_iter()
        .map(|post| render_file(&post.file, &post.source, post.body_offset))
        .collect();
    let sections: Vec<_> = site
        .sections
        .par_iter()
        .map(|section| {
            if section.body().trim().is_empty() {
                return (Rendered::default(), Vec::new());
            }
            render_file(&section.file, &section.source, section.body_offset)
        })
        .collect();

    let mut problems = Vec::new();
    let mut bodies = Bodies::default();
    for (rendered, mut found) in posts {
        problems.append(&mut found);
        bodies.posts.push(rendered);
    }
    for (rendered, mut found) in sections {
        problems.append(&mut found);
        bodies.sections.push(rendered);
    }
    problems.extend(missing_anchors(site, &bodies));
    (bodies, problems)
}

/// Renders post `index` alone, e.g. after it was saved: its links to other
/// posts and their anchors are checked against the bodies already rendered.
pub fn render_post(site: &Site, bodies: &Bodies, index: usize) -> (Rendered, Vec<Diagnostic>) {
    let permalinks = permalinks(site);
    let links = Links {
        permalinks: &permalinks,
    };
    let options = markdown::options(site.config.markdown.smart_punctuation);
    let post = &site.posts[index];
    let (rendered, mut problems) = render_one(
        site,
        &links,
        options,
        &post.file,
        &post.source,
        post.body_offset,
    );
    if !rendered.anchor_links.is_empty() {
        let mut headings = headings(site, bodies);
        // The post's own headings are the new ones.
        headings.insert(&post.content_path, &rendered.heading_ids);
        problems.extend(anchor_problems(
            &headings,
            &post.file,
            &post.source,
            &rendered,
        ));
    }
    (rendered, problems)
}

fn render_one(
    site: &Site,
    links: &Links,
    options: pulldown_cmark::Options,
    file: &Path,
    text: &str,
    body_offset: usize,
) -> (Rendered, Vec<Diagnostic>) {
    let source = Source {
        file,
        text,
        body_offset,
        dir: folder_of(file),
        root: site.root.as_path(),
    };
    markdown::render(&source, links, options)
}

/// `blog/bp.md` → `https://clinic.example/blog/bp/`, for posts and sections.
pub fn permalinks(site: &Site) -> HashMap<String, String> {
    let posts = site
        .posts
        .iter()
        .map(|p| (p.content_path.clone(), site.config.permalink(&p.path)));
    let sections = site
        .sections
        .iter()
        .map(|s| (s.content_path.clone(), site.config.permalink(&s.path)));
    posts.chain(sections).collect()
}

fn folder_of(file: &Path) -> PathBuf {
    file.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Every post's and section's heading ids, by content path.
fn headings<'a>(site: &'a Site, bodies: &'a Bodies) -> HashMap<&'a str, &'a [String]> {
    let posts = site
        .posts
        .iter()
        .map(|p| &p.content_path)
        .zip(&bodies.posts);
    let sections = site
        .sections
        .iter()
        .map(|s| &s.content_path)
        .zip(&bodies.sections);
    posts
        .chain(sections)
        .map(|(path, body)| (path.as_str(), body.heading_ids.as_slice()))
        .collect()
}

fn missing_anchors(site: &Site, bodies: &Bodies) -> Vec<Diagnostic> {
    let headings = headings(site, bodies);
    let sources = site
        .posts
        .iter()
        .map(|p| (&p.file, &p.source))
        .zip(&bodies.posts)
        .chain(
            site.sections
                .iter()
                .map(|s| (&s.file, &s.source))
                .zip(&bodies.sections),
        );
    let mut problems = Vec::new();
    for ((file, text), body) in sources {
        problems.extend(anchor_problems(&headings, file, text, body));
    }
    problems
}

/// `@/post.md#anchor` links in one body whose target has no such heading.
fn anchor_problems(
    headings: &HashMap<&str, &[String]>,
    file: &Path,
    text: &str,
    body: &Rendered,
) -> Vec<Diagnostic> {
    if body.anchor_links.is_empty() {
        return Vec::new();
    }
    let index = LineIndex::new(text);
    let mut problems = Vec::new();
    for link in &body.anchor_links {
        let ids = headings
            .get(link.target.as_str())
            .copied()
            .unwrap_or_default();
        if ids.contains(&link.anchor) {
            continue;
        }
        let help = match crate::diagnostic::suggest(&link.anchor, ids.iter().map(String::as_str)) {
            Some(near) => format!("did you mean `#{near}`?"),
            None if ids.is_empty() => {
                format!("`{}` has no headings to link to", link.target)
            }
            None => format!(
                "its headings are: {}",
                ids.iter()
                    .map(|i| format!("#{i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        problems.push(
            Diagnostic::error(
                "link/missing-anchor",
                format!(
                    "link to `@/{}#{}`, but that post has no heading with this id",
                    link.target, link.anchor
                ),
            )
            .in_file(file)
            .at(index.position(text, link.offset))
            .with_help(help),
        );
    }
    problems
}
