//! Redirect pages for aliases: old addresses keep working after a move.

use pulldown_cmark_escape::{escape_href, escape_html};

use std::collections::{BTreeMap, HashSet};

use super::{Derived, Generated, Page, PageKind};
use crate::diagnostic::Diagnostic;
use crate::load::Site;

pub const ALIAS_CLASH: &str = "content/alias-clash";

/// The site's redirects: `/blog/page/1/` to `/blog/` for each section list
/// with a second page, then every post's aliases.
pub(super) fn for_site(site: &Site, pages: &[Page]) -> Vec<Generated> {
    let mut redirects = Vec::new();
    for page in pages {
        match &page.kind {
            // `/blog/page/1/` is what people type after seeing `/blog/page/2/`.
            PageKind::Section { section, pager } if pager.number == 2 => {
                let path = &site.sections[*section].path;
                redirects.push(redirect_to(site, &format!("{path}page/1/"), path));
            }
            _ => {}
        }
    }
    for post in &site.posts {
        for alias in &post.front.aliases {
            redirects.push(redirect_to(site, alias, &post.path));
        }
    }
    redirects
}

fn redirect_to(site: &Site, from: &str, to: &str) -> Generated {
    Generated {
        output: output_file(from),
        bytes: page(&site.config.permalink(to)).into_bytes(),
    }
}

/// The output files of every alias, which [`clashes`] reports on.
pub(super) fn alias_outputs(site: &Site) -> HashSet<String> {
    site.posts
        .iter()
        .flat_map(|p| p.front.aliases.iter().map(|a| output_file(a)))
        .collect()
}

/// An alias's redirect where the site writes something else: a page, a
/// feed, the sitemap, a static or copied file, or inside a file's path (the
/// redirect of `/rss.xml` is `rss.xml/index.html`, so `rss.xml` would have
/// to be a folder). Each is reported at the alias, naming what it hits.
pub(super) fn clashes(site: &Site, derived: &Derived) -> Vec<Diagnostic> {
    let owners = outputs(site, derived);
    let mut problems = Vec::new();
    for post in &site.posts {
        for alias in &post.front.aliases {
            let Some(hit) = clash(&owners, alias) else {
                continue;
            };
            problems.push(
                Diagnostic::error(ALIAS_CLASH, format!("alias `{alias}` {hit}"))
                    .in_file(&post.file)
                    .at_opt(crate::load::value_position(post, &["aliases"], alias))
                    .spanning(alias.chars().count())
                    .with_help(
                        "remove the alias, or give an old address that no page, feed or file of the site uses",
                    ),
            );
        }
    }
    problems
}

/// What the alias's redirect would collide with, said after "alias `/x/`".
fn clash(owners: &BTreeMap<String, String>, alias: &str) -> Option<String> {
    let output = output_file(alias);
    if let Some(what) = owners.get(&output) {
        return Some(format!("is the address of {what} ({output})"));
    }
    let written = alias.trim_matches('/');
    let mut folder = String::new();
    for part in output.split('/').take(output.split('/').count() - 1) {
        if !folder.is_empty() {
            folder.push('/');
        }
        folder.push_str(part);
        if let Some(what) = owners.get(&folder) {
            return Some(if folder == written {
                format!("is the address of {what} ({folder})")
            } else {
                format!("lies under `{folder}`, which is {what}, not a folder")
            });
        }
    }
    let inside = format!("{output}/");
    owners
        .range(inside.clone()..)
        .next()
        .filter(|(file, _)| file.starts_with(&inside))
        .map(|(file, what)| format!("is a folder of the site, holding {what} ({file})"))
}

/// Every file the site writes but an alias's redirect, with what it is.
fn outputs(site: &Site, derived: &Derived) -> BTreeMap<String, String> {
    let mut owners = BTreeMap::new();
    for page in &derived.pages {
        owners.insert(page.output.clone(), page_kind(site, derived, &page.kind));
    }
    for generated in &derived.generated {
        if let Some(what) = generated_kind(&generated.output) {
            owners.insert(generated.output.clone(), what.to_string());
        }
    }
    for rel in site.theme.static_files.keys() {
        owners.insert(rel.clone(), "a static file".to_string());
    }
    for (_, rel) in &site.content_files {
        owners.insert(rel.clone(), "a file copied from content/".to_string());
    }
    for post in &site.posts {
        let Some(dir) = post.file.parent() else {
            continue;
        };
        for asset in &post.assets {
            let rel = asset.strip_prefix(dir).unwrap_or(asset);
            let rel: Vec<_> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect();
            owners.insert(
                format!("{}{}", post.path.trim_start_matches('/'), rel.join("/")),
                format!("a file beside {}", post.file.display()),
            );
        }
    }
    owners
}

/// A page, as the alias's error names it.
fn page_kind(site: &Site, derived: &Derived, kind: &PageKind) -> String {
    match kind {
        PageKind::Post(i) => format!("the page of {}", site.posts[*i].file.display()),
        PageKind::Physician(i) => {
            format!("the physician page of {}", site.posts[*i].file.display())
        }
        PageKind::Section { section, pager } if pager.number > 1 => format!(
            "page {} of the section {}",
            pager.number,
            site.sections[*section].file.display()
        ),
        PageKind::Section { section, .. } => {
            format!("the section {}", site.sections[*section].file.display())
        }
        PageKind::Taxonomy(t) => format!("the list of all `{}`", derived.taxonomies[*t].name),
        PageKind::Term { taxonomy, term, .. } => {
            let taxonomy = &derived.taxonomies[*taxonomy];
            format!(
                "the `{}` page of `{}`",
                taxonomy.name, taxonomy.terms[*term].name
            )
        }
        PageKind::NotFound => "the page-not-found page".to_string(),
        PageKind::LanguageAccess => "the language-assistance notice".to_string(),
        PageKind::Text => "a file drawn from a template".to_string(),
    }
}

/// A generated file by its name; `None` for an alias's own redirect.
fn generated_kind(output: &str) -> Option<&'static str> {
    let name = output.rsplit('/').next().unwrap_or(output);
    if name == super::feed::RSS {
        Some("an RSS feed")
    } else if name == super::feed::ATOM {
        Some("an Atom feed")
    } else if name.starts_with("sitemap") && name.ends_with(".xml") {
        Some("the sitemap")
    } else if output == super::syntax_css::SYNTAX_CSS {
        Some("the code-highlighting stylesheet")
    } else if output.ends_with("page/1/index.html") {
        Some("the redirect to a section's first page")
    } else {
        None
    }
}

/// A small page that sends browsers and search engines to `target`.
pub fn page(target: &str) -> String {
    let mut href = String::new();
    escape_href(&mut href, target).ok();
    let mut attr = String::new();
    escape_html(&mut attr, &href).ok();
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved</title>\n\
         <link rel=\"canonical\" href=\"{attr}\">\n<meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={attr}\">\n</head>\n\
         <body>\n<p>This page has moved to <a href=\"{attr}\">{attr}</a>.</p>\n</body>\n</html>\n"
    )
}

/// The file an address is served from: `/old/` → `old/index.html`.
pub fn output_file(path: &str) -> String {
    let trimmed = path.trim_start_matches('/');
    if trimmed.ends_with(".html") || trimmed.ends_with(".htm") {
        trimmed.to_string()
    } else if trimmed.is_empty() {
        "index.html".into()
    } else {
        format!("{}/index.html", trimmed.trim_end_matches('/'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_escapes_its_target() {
        let html = page("https://x.example/a\"b/");
        assert!(html.contains("url=https://x.example/a%22b/"), "{html}");
        assert_eq!(output_file("/old/post/"), "old/post/index.html");
        assert_eq!(output_file("/old/post.html"), "old/post.html");
    }
}
