//! The site's feeds: which lists have one (the site, each section with posts
//! and feeds on, each term of a taxonomy with feeds) and which posts each
//! carries; `feed` writes them as RSS and Atom.

use rayon::prelude::*;

use super::feed::{self, Channel, Entry};
use super::{Derived, Generated};
use crate::content::{Post, Section};
use crate::load::Site;
use crate::render::Bodies;

/// A feed to write: what it is about, and its posts (indexes), newest first.
type Listing<'a> = (Channel<'a>, Vec<usize>);

/// Feeds for the site, each section with posts, and each taxonomy term.
pub(super) fn feeds(site: &Site, bodies: &Bodies, derived: &Derived) -> Vec<Generated> {
    let config = &site.config;
    let limit = config.feed_limit.max(1);
    let physicians_path = format!("/{}/", site.outreach.physicians.section);
    let mut lists: Vec<Listing> = site
        .sections
        .iter()
        .filter(|s| s.is_home())
        .map(|home| site_listing(site, home, derived, limit))
        .collect();
    lists.extend(section_listings(site, derived, limit, &physicians_path));
    lists.extend(term_listings(site, derived, limit));
    lists
        .par_iter()
        .flat_map_iter(|(channel, list)| {
            let entries: Vec<Entry> = list
                .iter()
                .map(|&i| Entry {
                    path: match &derived.physician_paths[i] {
                        Some(path) if channel.path == physicians_path => path,
                        _ => &site.posts[i].path,
                    },
                    post: &site.posts[i],
                    body: &bodies.posts[i],
                    author_names: author_names(site, &site.posts[i]),
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

/// What the site says of itself in a language: its description, else its title.
fn site_description(site: &Site, tree: &str) -> String {
    let config = &site.config;
    config
        .description_in(tree)
        .unwrap_or_else(|| config.title_in(tree))
        .to_string()
}

/// The feed of a language's home (`/`, `/es/`): its newest posts, whole.
fn site_listing<'a>(
    site: &'a Site,
    home: &'a Section,
    derived: &Derived,
    limit: usize,
) -> Listing<'a> {
    let config = &site.config;
    let posts = derived
        .by_date
        .iter()
        .copied()
        .filter(|&i| site.posts[i].tree == home.tree);
    (
        Channel {
            title: config.title_in(&home.tree).to_string(),
            description: site_description(site, &home.tree),
            path: &home.path,
            lang: &home.lang,
            full_content: true,
        },
        posts.take(limit).collect(),
    )
}

/// A feed for each section below home that has posts (the physicians'
/// section has those of every physician article) and does not turn feeds off.
fn section_listings<'a>(
    site: &'a Site,
    derived: &Derived,
    limit: usize,
    physicians_path: &str,
) -> Vec<Listing<'a>> {
    let config = &site.config;
    site.sections
        .iter()
        .filter(|s| {
            let has_posts = !s.posts.is_empty()
                || (s.path == physicians_path
                    && derived.physician_paths.iter().any(Option::is_some));
            !s.is_home() && has_posts && s.front.feeds.unwrap_or(true)
        })
        .map(|section| {
            (
                Channel {
                    title: format!("{} — {}", section.title, config.title_in(&section.tree)),
                    description: section
                        .front
                        .description
                        .clone()
                        .unwrap_or_else(|| site_description(site, &section.tree)),
                    path: &section.path,
                    lang: &section.lang,
                    full_content: true,
                },
                if section.path == physicians_path {
                    physician_articles(derived, limit)
                } else {
                    newest_first(section, &site.posts, limit)
                },
            )
        })
        .collect()
}

/// The physicians' feed carries every physician article, wherever its post lives.
fn physician_articles(derived: &Derived, limit: usize) -> Vec<usize> {
    let mut list: Vec<usize> = derived
        .by_date
        .iter()
        .copied()
        .filter(|&i| derived.physician_paths[i].is_some())
        .collect();
    list.truncate(limit);
    list
}

/// A feed for each term of a taxonomy with feeds: summaries only.
fn term_listings<'a>(site: &'a Site, derived: &'a Derived, limit: usize) -> Vec<Listing<'a>> {
    let config = &site.config;
    let mut lists = Vec::new();
    for taxonomy in derived.taxonomies.iter().filter(|t| t.feeds) {
        for term in &taxonomy.terms {
            lists.push((
                Channel {
                    title: format!("{} — {}", term.name, config.title_in(&taxonomy.tree)),
                    description: format!(
                        "Posts filed under {} at {}",
                        term.name,
                        config.clinic_name()
                    ),
                    path: &term.path,
                    lang: &taxonomy.tree,
                    full_content: false,
                },
                term.posts.iter().copied().take(limit).collect(),
            ));
        }
    }
    lists
}

/// A post's authors by name, from `data/doctors`, else by key.
fn author_names(site: &Site, post: &Post) -> Vec<String> {
    let doctors = site.data.get("doctors");
    post.front
        .authors
        .iter()
        .map(|key| {
            doctors
                .and_then(|d| d.get(key)?.get("name")?.as_str().map(str::to_string))
                .unwrap_or_else(|| key.clone())
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
