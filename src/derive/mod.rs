//! Derive: from the loaded and rendered site, everything that is published.
//!
//! Pages to draw with templates (posts, paginated sections, taxonomy terms,
//! 404: `pages`), and files made here directly (feeds: `channels` and
//! `feed`; sitemaps: `sitemap`; redirects: `redirect`; the code stylesheet:
//! `syntax_css`), and the language-access notice (`language_access`).
//! Taxonomies and pagination come from one pass over the posts.

pub mod alternates;
mod channels;
pub mod feed;
pub mod language_access;
mod pages;
mod pagination;
pub mod redirect;
pub mod sitemap;
mod syntax_css;
pub mod taxonomy;

use std::path::Path;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::Post;
use crate::diagnostic::Diagnostic;
use crate::load::Site;
use crate::render::Bodies;
pub use pagination::Pager;
pub use syntax_css::SYNTAX_CSS;
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
    /// The language-access notice (`language_access.rs`).
    LanguageAccess,
    /// A text file drawn from a template, such as `robots.txt`.
    Text,
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
    /// Each page's versions in the site's languages, by its path, for the
    /// pages that have one in another language.
    pub alternates: alternates::Alternates,
    /// For each post, the terms it is filed under: (taxonomy, term).
    pub post_terms: Vec<Vec<(usize, usize)>>,
    /// For each post, its page for referring physicians, if it has one.
    pub physician_paths: Vec<Option<String>>,
    /// Which picture each post's page and items carry, and the files to
    /// make for them (`src/picture/`).
    pub pictures: std::sync::Arc<crate::picture::Pictures>,
    /// The physicians' section and the posts it lists, when it also lists
    /// physician articles made there from posts elsewhere (see [`Derived::listed`]).
    pub physician_list: Option<(usize, Vec<usize>)>,
    /// The language-access notice, when `[language_access]` is configured:
    /// its page's content and every page's footer link.
    pub language_access: Option<language_access::Notice>,
}

impl Derived {
    /// The posts section `index` lists: its own, and for the physicians'
    /// section every physician article made there as well, so that its
    /// list holds all the pages under it.
    pub fn listed<'s>(&'s self, site: &'s Site, index: usize) -> &'s [usize] {
        match &self.physician_list {
            Some((section, list)) if *section == index => list,
            _ => &site.sections[index].posts,
        }
    }
}

/// What decides where a post appears: its URL, date, template, old addresses,
/// terms and physician page. When an edit leaves this alone, the site's set
/// of pages and every list's membership stay as they were.
#[derive(Debug, PartialEq, Eq)]
pub struct Placement {
    path: String,
    date: Option<crate::content::Date>,
    draft: bool,
    withdrawn: bool,
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
            withdrawn: post.front.is_withdrawn(),
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

/// Everything the site publishes, and what stops it: missing templates, an
/// unknown code theme, two things at one address.
pub fn derive(site: &Site, bodies: &Bodies) -> (Derived, Vec<Diagnostic>) {
    let by_date = newest_first(&site.posts);
    let taxonomies = taxonomies(site, &by_date);
    let physician_paths: Vec<Option<String>> =
        site.posts.iter().map(|p| physician_path(site, p)).collect();
    let physician_list = physician_list(site, &physician_paths, &by_date);
    let (mut pages, mut problems) =
        pages::pages(site, &taxonomies, &physician_paths, physician_list.as_ref());
    let (notice, notice_problems) = language_access::notice(site);
    problems.extend(notice_problems);
    if let Some(page) = language_access::page(notice.as_ref()) {
        match pages::missing_template(site, &page.template, Path::new(Config::FILE), "", false) {
            Some(missing) => problems.push(missing),
            None => pages.push(page),
        }
    }
    let generated = redirect::for_site(site, &pages);
    let mut derived = Derived {
        alternates: alternates::for_pages(site, &pages, &taxonomies),
        post_terms: terms_of_posts(&taxonomies, site.posts.len()),
        neighbours: neighbours(site),
        pages,
        generated,
        taxonomies,
        by_date,
        physician_paths,
        pictures: std::sync::Arc::new(crate::picture::plan(site)),
        physician_list,
        language_access: notice,
    };
    derived
        .generated
        .par_extend(channels::feeds(site, bodies, &derived));
    derived.generated.extend(sitemap::for_site(site, &derived));
    match syntax_css::stylesheet(site) {
        Ok(css) => derived.generated.push(css),
        Err(problem) => problems.push(problem),
    }
    problems.extend(redirect::clashes(site, &derived));
    problems.extend(clashing_outputs(&derived, &redirect::alias_outputs(site)));
    problems.extend(taxonomy::too_long(site));
    (derived, problems)
}

/// All posts, newest first; posts of one date by path.
fn newest_first(posts: &[Post]) -> Vec<usize> {
    // A withdrawn post is in no list, feed or taxonomy: only its own page stays.
    let mut by_date: Vec<usize> = (0..posts.len())
        .filter(|&i| !posts[i].front.is_withdrawn())
        .collect();
    by_date.sort_by(|a, b| {
        posts[*b]
            .date
            .cmp(&posts[*a].date)
            .then_with(|| posts[*a].path.cmp(&posts[*b].path))
    });
    by_date
}

/// The site's taxonomies; authors are named from `data/doctors`, and every
/// doctor there has a page even before writing a post.
fn taxonomies(site: &Site, by_date: &[usize]) -> Vec<Taxonomy> {
    let doctors = site.data.get("doctors");
    // Only languages the site has pages in.
    let mut names = site.config.trees();
    names.retain(|t| site.home_of(t).is_some());
    let trees = taxonomy::Trees {
        prefixes: names.iter().map(|t| site.config.tree_prefix(t)).collect(),
        names,
    };
    taxonomy::build(
        &site.config.taxonomies,
        site.config.paginate_by,
        &site.posts,
        by_date,
        &trees,
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
    )
}

/// For each of `count` posts, the terms it is filed under: (taxonomy, term).
fn terms_of_posts(taxonomies: &[Taxonomy], count: usize) -> Vec<Vec<(usize, usize)>> {
    let mut post_terms = vec![Vec::new(); count];
    for (t, taxonomy) in taxonomies.iter().enumerate() {
        for (n, term) in taxonomy.terms.iter().enumerate() {
            for &p in &term.posts {
                post_terms[p].push((t, n));
            }
        }
    }
    post_terms
}

/// Each post's neighbours in its section: (newer, older).
fn neighbours(site: &Site) -> Vec<(Option<usize>, Option<usize>)> {
    let mut neighbours = vec![(None, None); site.posts.len()];
    for section in &site.sections {
        for (i, &p) in section.posts.iter().enumerate() {
            let newer = i.checked_sub(1).map(|j| section.posts[j]);
            let older = section.posts.get(i + 1).copied();
            neighbours[p] = (newer, older);
        }
    }
    neighbours
}

/// Two outputs at one file: a pagination page that collides with a post, say.
/// An alias's redirect is left to [`redirect::clashes`], which names the alias.
fn clashing_outputs(
    derived: &Derived,
    aliases: &std::collections::HashSet<String>,
) -> Vec<Diagnostic> {
    let mut seen = std::collections::HashMap::new();
    let outputs = derived
        .pages
        .iter()
        .map(|p| p.output.as_str())
        .chain(derived.generated.iter().map(|g| g.output.as_str()));
    let mut problems = Vec::new();
    for output in outputs.filter(|o| !aliases.contains(*o)) {
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

/// What the physicians' section lists when physician articles are made
/// there from posts in other sections: its own posts and those articles,
/// newest first (or the articles after its own, when it sorts otherwise).
fn physician_list(
    site: &Site,
    physician_paths: &[Option<String>],
    by_date: &[usize],
) -> Option<(usize, Vec<usize>)> {
    let path = format!("/{}/", site.outreach.physicians.section);
    let section = site.sections.iter().position(|s| s.path == path)?;
    let made = by_date.iter().copied().filter(|&i| {
        physician_paths[i]
            .as_ref()
            .is_some_and(|p| *p != site.posts[i].path)
    });
    let mut list = site.sections[section].posts.clone();
    let own = list.len();
    list.extend(made);
    if list.len() == own {
        return None;
    }
    if site.sections[section].front.sort_by == crate::content::front_matter::SortBy::Date {
        let mut rank = vec![0; site.posts.len()];
        for (n, &i) in by_date.iter().enumerate() {
            rank[i] = n;
        }
        list.sort_by_key(|&i| rank[i]);
    }
    Some((section, list))
}

/// The physician page a post gets, if it speaks to referring offices:
/// its own URL when it is in the physicians' section, else one made there.
pub fn physician_path(site: &Site, post: &Post) -> Option<String> {
    let section = &site.outreach.physicians.section;
    let prefix = site.config.tree_prefix(&post.tree);
    let in_section = site.sections[post.section].path == format!("{prefix}/{section}/");
    if in_section && (post.front.audience.reaches_physicians() || post.front.physicians.is_some()) {
        Some(post.path.clone())
    } else if post.front.physicians.is_some() {
        Some(format!("{prefix}/{section}/{}/", post.slug))
    } else {
        None
    }
}
