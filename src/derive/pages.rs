//! The pages drawn with templates: one per post, per physician article, per
//! page of each section and term list, per taxonomy, and the 404 and
//! `robots.txt`. A template a page needs but the theme lacks is named here,
//! at the file that asked for it.

use std::path::Path;

use super::pagination::paginate;
use super::{Page, PageKind, Taxonomy, redirect};
use crate::diagnostic::Diagnostic;
use crate::load::Site;

/// Every page, in the order they are drawn, and the templates they miss.
pub(super) fn pages(
    site: &Site,
    taxonomies: &[Taxonomy],
    physician_paths: &[Option<String>],
    physician_list: Option<&(usize, Vec<usize>)>,
) -> (Vec<Page>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut pages = post_pages(site, &mut problems);
    pages.extend(physician_pages(site, physician_paths));
    pages.extend(section_pages(site, physician_list, &mut problems));
    pages.extend(taxonomy_pages(taxonomies));
    pages.extend(fixed_pages());
    (pages, problems)
}

/// Each post's page, with its own template, its section's, or `post.html`
/// (`page.html` for a page about the clinic, `kind = "page"`).
fn post_pages(site: &Site, problems: &mut Vec<Diagnostic>) -> Vec<Page> {
    let mut pages = Vec::new();
    for (i, post) in site.posts.iter().enumerate() {
        let section = &site.sections[post.section];
        let default = if post.front.kind == crate::content::Kind::Page {
            "page.html"
        } else {
            "post.html"
        };
        let template = post
            .front
            .template
            .clone()
            .or_else(|| section.front.page_template.clone())
            .unwrap_or_else(|| default.into());
        problems.extend(missing_template(
            site,
            &template,
            &post.file,
            &post.source,
            post.front.template.is_some(),
        ));
        pages.push(Page {
            output: redirect::output_file(&post.path),
            path: post.path.clone(),
            template,
            kind: PageKind::Post(i),
        });
    }
    pages
}

/// A physician article for each post that has one away from its own page.
fn physician_pages(site: &Site, physician_paths: &[Option<String>]) -> Vec<Page> {
    physician_paths
        .iter()
        .enumerate()
        .filter_map(|(i, path)| match path {
            Some(path) if *path != site.posts[i].path => Some(Page {
                output: redirect::output_file(path),
                path: path.clone(),
                template: "physician.html".into(),
                kind: PageKind::Physician(i),
            }),
            _ => None,
        })
        .collect()
}

/// Every page of every section's list; home is drawn with `index.html`.
/// The physicians' section lists the physician articles made there too.
fn section_pages(
    site: &Site,
    physician_list: Option<&(usize, Vec<usize>)>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Page> {
    let mut pages = Vec::new();
    for (s, section) in site.sections.iter().enumerate() {
        let default = if section.is_home() {
            "index.html"
        } else {
            "section.html"
        };
        let template = section
            .front
            .template
            .clone()
            .unwrap_or_else(|| default.into());
        problems.extend(missing_template(
            site,
            &template,
            &section.file,
            &section.source,
            section.front.template.is_some(),
        ));
        let per_page = section.front.paginate_by.unwrap_or(site.config.paginate_by);
        let listed = match physician_list {
            Some((listing, list)) if *listing == s => list.len(),
            _ => section.posts.len(),
        };
        for pager in paginate(&section.path, listed, per_page) {
            pages.push(Page {
                path: pager.path_of(pager.number),
                output: redirect::output_file(&pager.path_of(pager.number)),
                template: template.clone(),
                kind: PageKind::Section { section: s, pager },
            });
        }
    }
    pages
}

/// Each taxonomy's list of terms, followed by every page of each term's posts.
fn taxonomy_pages(taxonomies: &[Taxonomy]) -> Vec<Page> {
    let mut pages = Vec::new();
    for (t, taxonomy) in taxonomies.iter().enumerate() {
        pages.push(Page {
            path: taxonomy.path.clone(),
            output: redirect::output_file(&taxonomy.path),
            template: "taxonomy.html".into(),
            kind: PageKind::Taxonomy(t),
        });
        for (n, term) in taxonomy.terms.iter().enumerate() {
            for pager in paginate(&term.path, term.posts.len(), taxonomy.paginate_by) {
                pages.push(Page {
                    path: pager.path_of(pager.number),
                    output: redirect::output_file(&pager.path_of(pager.number)),
                    template: "term.html".into(),
                    kind: PageKind::Term {
                        taxonomy: t,
                        term: n,
                        pager,
                    },
                });
            }
        }
    }
    pages
}

/// The pages every site has, whatever its content.
fn fixed_pages() -> [Page; 2] {
    [
        Page {
            path: "/404.html".into(),
            output: "404.html".into(),
            template: "404.html".into(),
            kind: PageKind::NotFound,
        },
        Page {
            path: "/robots.txt".into(),
            output: "robots.txt".into(),
            template: "robots.txt".into(),
            kind: PageKind::Text,
        },
    ]
}

/// A template `file` asks for (at its `template` key when `named_in_file`)
/// that the theme does not have, with the nearest name it does.
pub(super) fn missing_template(
    site: &Site,
    name: &str,
    file: &Path,
    source: &str,
    named_in_file: bool,
) -> Option<Diagnostic> {
    if site.theme.templates.contains_key(name) {
        return None;
    }
    let known = site
        .theme
        .templates
        .keys()
        .filter(|k| k.ends_with(".html") && !k.starts_with("partials/"));
    let help = match crate::diagnostic::suggest(name, known.clone().map(String::as_str)) {
        Some(near) => format!(
            "did you mean `{near}`? Templates live in templates/ or themes/<name>/templates/"
        ),
        None => format!(
            "add templates/{name}, or use one of: {}",
            known.map(String::as_str).collect::<Vec<_>>().join(", ")
        ),
    };
    let position = named_in_file
        .then(|| crate::config::line_of(source, "template"))
        .flatten();
    Some(
        Diagnostic::error("template/missing", format!("template `{name}` not found"))
            .in_file(file)
            .at_opt(position)
            .with_help(help),
    )
}
