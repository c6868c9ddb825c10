//! Derive: from the loaded and rendered site, everything that is published.
//!
//! Pages to draw with templates (posts, paginated sections, taxonomy terms,
//! 404), and files made here directly (feeds, sitemaps, redirects, the code
//! stylesheet). Taxonomies and pagination come from one pass over the posts.

pub mod feed;
pub mod redirect;
pub mod sitemap;
pub mod taxonomy;

use std::ops::Range;

use rayon::prelude::*;

use crate::content::{Post, Section};
use crate::diagnostic::Diagnostic;
use crate::load::Site;
use crate::markdown::highlight;
use crate::render::Bodies;
pub use taxonomy::Taxonomy;

/// A page drawn with a template.
#[derive(Debug, Clone)]
pub struct Page {
    /// URL path: `/blog/page/2/`.
    pub path: String,
    /// File under the output folder: `blog/page/2/index.html`.
    pub output: String,
    pub template: String,
    pub kind: PageKind,
}

#[derive(Debug, Clone)]
pub enum PageKind {
    Post(usize),
    /// A post's article for referring physicians, under the physicians' section.
    Physician(usize),
    Section {
        section: usize,
        pager: Pager,
    },
    Taxonomy(usize),
    Term {
        taxonomy: usize,
        term: usize,
        pager: Pager,
    },
    NotFound,
    /// A text file drawn from a template, such as `robots.txt`.
    Text,
}

/// One page of a paginated list.
#[derive(Debug, Clone)]
pub struct Pager {
    /// 1-based.
    pub number: usize,
    pub count: usize,
    /// The slice of the list shown on this page.
    pub range: Range<usize>,
    /// The list's first page, e.g. `/blog/`; later pages are `/blog/page/N/`.
    pub base: String,
}

impl Pager {
    pub fn path_of(&self, number: usize) -> String {
        page_path(&self.base, number)
    }
}

/// A file made without templates.
#[derive(Debug, Clone)]
pub struct Generated {
    pub output: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Default)]
pub struct Derived {
    pub pages: Vec<Page>,
    pub generated: Vec<Generated>,
    pub taxonomies: Vec<Taxonomy>,
    /// All posts, newest first.
    pub by_date: Vec<usize>,
    /// Each post's neighbours in its section: (newer, older).
    pub neighbours: Vec<(Option<usize>, Option<usize>)>,
    /// For each post, the terms it is filed under: (taxonomy, term).
    pub post_terms: Vec<Vec<(usize, usize)>>,
    /// For each post, its page for referring physicians, if it has one.
    pub physician_paths: Vec<Option<String>>,
}

pub const SYNTAX_CSS: &str = "syntax.css";

/// What decides where a post appears: its URL, date, template, old addresses,
/// terms and physician page. When an edit leaves this alone, the site's set
/// of pages and every list's membership stay as they were.
#[derive(Debug, PartialEq, Eq)]
pub struct Placement {
    path: String,
    date: Option<crate::content::Date>,
    draft: bool,
    template: Option<String>,
    aliases: Vec<String>,
    weight: Option<i64>,
    terms: Vec<Vec<String>>,
    physician_path: Option<String>,
}

impl Placement {
    pub fn of(site: &Site, post: &Post) -> Placement {
        Placement {
            path: post.path.clone(),
            date: post.date,
            draft: post.front.draft,
            template: post.front.template.clone(),
            aliases: post.front.aliases.clone(),
            weight: post.front.weight,
            terms: site
                .config
                .taxonomies
                .iter()
                .map(|t| {
                    taxonomy::values(post, &t.name)
                        .into_iter()
                        .map(slug::slugify)
                        .collect()
                })
                .collect(),
            physician_path: physician_path(site, post),
        }
    }
}

pub fn derive(site: &Site, bodies: &Bodies) -> (Derived, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let posts = &site.posts;
    let mut by_date: Vec<usize> = (0..posts.len()).collect();
    by_date.sort_by(|a, b| {
        posts[*b]
            .date
            .cmp(&posts[*a].date)
            .then_with(|| posts[*a].path.cmp(&posts[*b].path))
    });

    let doctors = site.data.get("doctors");
    let taxonomies = taxonomy::build(
        &site.config.taxonomies,
        site.config.paginate_by,
        posts,
        &by_date,
        |taxonomy, value| {
            (taxonomy == "authors")
                .then(|| {
                    doctors?
                        .get(value)?
                        .get("name")?
                        .as_str()
                        .map(str::to_string)
                })
                .flatten()
        },
        |taxonomy| match (taxonomy, doctors.and_then(|d| d.as_object())) {
            ("authors", Some(doctors)) => doctors.keys().cloned().collect(),
            _ => Vec::new(),
        },
    );
    let mut post_terms = vec![Vec::new(); posts.len()];
    for (t, taxonomy) in taxonomies.iter().enumerate() {
        for (n, term) in taxonomy.terms.iter().enumerate() {
            for &p in &term.posts {
                post_terms[p].push((t, n));
            }
        }
    }

    let mut neighbours = vec![(None, None); posts.len()];
    for section in &site.sections {
        for (i, &p) in section.posts.iter().enumerate() {
            let newer = i.checked_sub(1).map(|j| section.posts[j]);
            let older = section.posts.get(i + 1).copied();
            neighbours[p] = (newer, older);
        }
    }

    let mut pages = Vec::new();
    for (i, post) in posts.iter().enumerate() {
        let section = &site.sections[post.section];
        let template = post
            .front
            .template
            .clone()
            .or_else(|| section.front.page_template.clone())
            .unwrap_or_else(|| "post.html".into());
        if let Some(problem) = missing_template(
            site,
            &template,
            &post.file,
            &post.source,
            post.front.template.is_some(),
        ) {
            problems.push(problem);
        }
        pages.push(Page {
            output: redirect::output_file(&post.path),
            path: post.path.clone(),
            template,
            kind: PageKind::Post(i),
        });
    }
    let physician_paths: Vec<Option<String>> =
        posts.iter().map(|p| physician_path(site, p)).collect();
    for (i, path) in physician_paths.iter().enumerate() {
        match path {
            Some(path) if *path != posts[i].path => pages.push(Page {
                output: redirect::output_file(path),
                path: path.clone(),
                template: "physician.html".into(),
                kind: PageKind::Physician(i),
            }),
            _ => {}
        }
    }
    let mut generated = Vec::new();
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
        if let Some(problem) = missing_template(
            site,
            &template,
            &section.file,
            &section.source,
            section.front.template.is_some(),
        ) {
            problems.push(problem);
        }
        let per_page = section.front.paginate_by.unwrap_or(site.config.paginate_by);
        for pager in paginate(&section.path, section.posts.len(), per_page) {
            if pager.number == 2 {
                // `/blog/page/1/` is what people type after seeing `/blog/page/2/`.
                generated.push(redirect_to(
                    site,
                    &format!("{}page/1/", section.path),
                    &section.path,
                ));
            }
            pages.push(Page {
                path: pager.path_of(pager.number),
                output: redirect::output_file(&pager.path_of(pager.number)),
                template: template.clone(),
                kind: PageKind::Section { section: s, pager },
            });
        }
    }
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
    pages.push(Page {
        path: "/404.html".into(),
        output: "404.html".into(),
        template: "404.html".into(),
        kind: PageKind::NotFound,
    });
    pages.push(Page {
        path: "/robots.txt".into(),
        output: "robots.txt".into(),
        template: "robots.txt".into(),
        kind: PageKind::Text,
    });

    for post in posts {
        for alias in &post.front.aliases {
            generated.push(redirect_to(site, alias, &post.path));
        }
    }

    let mut derived = Derived {
        pages,
        generated,
        taxonomies,
        by_date,
        neighbours,
        post_terms,
        physician_paths,
    };
    derived.generated.par_extend(feeds(site, bodies, &derived));
    derived.generated.extend(sitemaps(site, &derived));
    match highlight::stylesheet(
        &site.config.markdown.highlight_theme,
        &site.config.markdown.highlight_theme_dark,
    ) {
        Ok(css) => derived.generated.push(Generated {
            output: SYNTAX_CSS.into(),
            bytes: css.into_bytes(),
        }),
        Err(name) => problems.push(unknown_highlight_theme(site, &name)),
    }
    problems.extend(clashing_outputs(&derived));
    (derived, problems)
}

/// `/blog/` page 3 → `/blog/page/3/`.
pub fn page_path(base: &str, number: usize) -> String {
    if number <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{number}/")
    }
}

/// Splits a list of `len` items into pages; an empty list still gets one page.
fn paginate(base: &str, len: usize, per_page: usize) -> Vec<Pager> {
    let per_page = if per_page == 0 { len.max(1) } else { per_page };
    let count = len.div_ceil(per_page).max(1);
    (0..count)
        .map(|i| Pager {
            number: i + 1,
            count,
            range: (i * per_page).min(len)..((i + 1) * per_page).min(len),
            base: base.to_string(),
        })
        .collect()
}

fn redirect_to(site: &Site, from: &str, to: &str) -> Generated {
    Generated {
        output: redirect::output_file(from),
        bytes: redirect::page(&site.config.permalink(to)).into_bytes(),
    }
}

fn missing_template(
    site: &Site,
    name: &str,
    file: &std::path::Path,
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

fn unknown_highlight_theme(site: &Site, name: &str) -> Diagnostic {
    let text =
        std::fs::read_to_string(site.root.join(crate::config::Config::FILE)).unwrap_or_default();
    let names = highlight::theme_names();
    let help = match crate::diagnostic::suggest(name, names.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("use one of: {}", names.join(", ")),
    };
    Diagnostic::error(
        "config/highlight-theme",
        format!("unknown code highlighting theme `{name}`"),
    )
    .in_file(crate::config::Config::FILE)
    .at_opt(
        text.lines()
            .position(|l| l.contains(name))
            .map(|i| crate::diagnostic::Position {
                line: i + 1,
                column: 1,
            }),
    )
    .with_help(help)
}

/// Feeds for the site, each section with posts, and each taxonomy term.
fn feeds(site: &Site, bodies: &Bodies, derived: &Derived) -> Vec<Generated> {
    let config = &site.config;
    let limit = config.feed_limit.max(1);
    let mut lists: Vec<(feed::Channel, Vec<usize>)> = Vec::new();
    let site_description = config
        .description
        .clone()
        .unwrap_or_else(|| config.title.clone());
    lists.push((
        feed::Channel {
            title: config.title.clone(),
            description: site_description.clone(),
            path: "/",
            lang: &config.language,
            full_content: true,
        },
        derived.by_date.iter().copied().take(limit).collect(),
    ));
    let physicians_path = format!("/{}/", site.outreach.physicians.section);
    for section in site.sections.iter().filter(|s| {
        let has_posts = !s.posts.is_empty()
            || (s.path == physicians_path && derived.physician_paths.iter().any(Option::is_some));
        !s.is_home() && has_posts && s.front.feeds.unwrap_or(true)
    }) {
        lists.push((
            feed::Channel {
                title: format!("{} — {}", section.title, config.title),
                description: section
                    .front
                    .description
                    .clone()
                    .unwrap_or_else(|| site_description.clone()),
                path: &section.path,
                lang: &section.lang,
                full_content: true,
            },
            if section.path == physicians_path {
                // The physicians' feed carries every physician article, wherever its post lives.
                let mut list: Vec<usize> = derived
                    .by_date
                    .iter()
                    .copied()
                    .filter(|&i| derived.physician_paths[i].is_some())
                    .collect();
                list.truncate(limit);
                list
            } else {
                newest_first(section, &site.posts, limit)
            },
        ));
    }
    for taxonomy in derived.taxonomies.iter().filter(|t| t.feeds) {
        for term in &taxonomy.terms {
            lists.push((
                feed::Channel {
                    title: format!("{} — {}", term.name, config.title),
                    description: format!(
                        "Posts filed under {} at {}",
                        term.name,
                        config.clinic_name()
                    ),
                    path: &term.path,
                    lang: &config.language,
                    full_content: false,
                },
                term.posts.iter().copied().take(limit).collect(),
            ));
        }
    }
    let doctors = site.data.get("doctors");
    let author_names = |post: &Post| -> Vec<String> {
        post.front
            .authors
            .iter()
            .map(|key| {
                doctors
                    .and_then(|d| d.get(key)?.get("name")?.as_str().map(str::to_string))
                    .unwrap_or_else(|| key.clone())
            })
            .collect()
    };
    lists
        .par_iter()
        .flat_map_iter(|(channel, list)| {
            let entries: Vec<feed::Entry> = list
                .iter()
                .map(|&i| feed::Entry {
                    path: match &derived.physician_paths[i] {
                        Some(path) if channel.path == physicians_path => path,
                        _ => &site.posts[i].path,
                    },
                    post: &site.posts[i],
                    body: &bodies.posts[i],
                    author_names: author_names(&site.posts[i]),
                })
                .collect();
            let dir = channel.path.trim_start_matches('/');
            [
                Generated {
                    output: format!("{dir}{}", feed::RSS),
                    bytes: feed::rss(config, channel, &entries).into_bytes(),
                },
                Generated {
                    output: format!("{dir}{}", feed::ATOM),
                    bytes: feed::atom(config, channel, &entries).into_bytes(),
                },
            ]
        })
        .collect()
}

/// A section's posts, newest first, whatever order the section shows them in.
fn newest_first(section: &Section, posts: &[Post], limit: usize) -> Vec<usize> {
    let mut list = section.posts.clone();
    list.sort_by(|a, b| posts[*b].date.cmp(&posts[*a].date));
    list.truncate(limit);
    list
}

fn sitemaps(site: &Site, derived: &Derived) -> Vec<Generated> {
    let urls: Vec<sitemap::Url> = derived
        .pages
        .iter()
        .filter_map(|page| {
            let modified = match &page.kind {
                PageKind::Post(i) => site.posts[*i].updated(),
                PageKind::Section { section, pager } => {
                    let posts = &site.sections[*section].posts;
                    posts[pager.range.clone()]
                        .iter()
                        .filter_map(|&i| site.posts[i].updated())
                        .max()
                }
                PageKind::NotFound | PageKind::Text => return None,
                _ => None,
            };
            Some(sitemap::Url {
                path: page.path.clone(),
                modified,
            })
        })
        .collect();
    sitemap::sitemaps(&site.config, &urls)
        .into_iter()
        .map(|(output, xml)| Generated {
            output,
            bytes: xml.into_bytes(),
        })
        .collect()
}

/// Two outputs at one file: a pagination page that collides with a post, say.
fn clashing_outputs(derived: &Derived) -> Vec<Diagnostic> {
    let mut seen = std::collections::HashMap::new();
    let outputs = derived
        .pages
        .iter()
        .map(|p| p.output.as_str())
        .chain(derived.generated.iter().map(|g| g.output.as_str()));
    let mut problems = Vec::new();
    for output in outputs {
        if let Some(count) = seen.get_mut(output) {
            *count += 1;
            if *count == 2 {
                problems.push(
                    Diagnostic::error("content/duplicate-output", format!("two pages would be written to {output}"))
                        .with_help("a post, alias or section page uses an address the site already uses (e.g. `page/2/`, `rss.xml`, `tags/`); rename the post or change its `slug`"),
                );
            }
        } else {
            seen.insert(output, 1);
        }
    }
    problems
}

/// The physician page a post gets, if it speaks to referring offices:
/// its own URL when it is in the physicians' section, else one made there.
pub fn physician_path(site: &Site, post: &Post) -> Option<String> {
    let section = &site.outreach.physicians.section;
    let in_section = site.sections[post.section].path == format!("/{section}/");
    if in_section && (post.front.audience.reaches_physicians() || post.front.physicians.is_some()) {
        Some(post.path.clone())
    } else if post.front.physicians.is_some() {
        Some(format!("/{section}/{}/", post.slug))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagination_covers_every_item_once() {
        let pagers = paginate("/blog/", 23, 10);
        assert_eq!(pagers.len(), 3);
        assert_eq!(pagers[2].range, 20..23);
        assert_eq!(pagers[1].path_of(2), "/blog/page/2/");
        assert_eq!(pagers[0].path_of(1), "/blog/");
        assert_eq!(paginate("/blog/", 0, 10).len(), 1);
        assert_eq!(paginate("/blog/", 7, 0)[0].range, 0..7);
    }
}
