//! Feeds: RSS 2.0 and Atom for the site, each section and each taxonomy term.

use crate::content::front_matter::MAX_TERMS_PER_POST;
use atom_syndication as atom;
use rss::extension::atom::{AtomExtension, Link as AtomLink};

use crate::config::Config;
use crate::content::{Date, Post};
use crate::markdown::Rendered;

/// What a feed is about: its title, its page and where it is published.
pub struct Channel<'a> {
    pub title: String,
    pub description: String,
    /// The page the feed belongs to, e.g. `/blog/`.
    pub path: &'a str,
    pub lang: &'a str,
    /// Whole posts, or only their summaries (taxonomy feeds, which are for
    /// finding posts, and would otherwise repeat every post many times over).
    pub full_content: bool,
}

/// One post as a feed entry sees it.
pub struct Entry<'a> {
    pub post: &'a Post,
    /// The page the entry links to: the post, or its physician article.
    pub path: &'a str,
    pub body: &'a Rendered,
    pub author_names: Vec<String>,
}

pub const RSS: &str = "rss.xml";
pub const ATOM: &str = "atom.xml";

pub fn rss(config: &Config, channel: &Channel, entries: &[Entry]) -> String {
    let page = config.permalink(channel.path);
    let self_link = AtomLink {
        href: format!("{page}{RSS}"),
        rel: "self".into(),
        mime_type: Some("application/rss+xml".into()),
        ..Default::default()
    };
    let items = entries
        .iter()
        .map(|entry| {
            let post = entry.post;
            let link = config.permalink(entry.path);
            let categories = post
                .front
                .tags
                .iter()
                .take(MAX_TERMS_PER_POST)
                .chain(post.front.categories.iter().take(MAX_TERMS_PER_POST))
                .map(|t| rss::Category {
                    name: t.clone(),
                    domain: None,
                })
                .collect::<Vec<_>>();
            rss::ItemBuilder::default()
                .title(Some(post.front.title.clone()))
                .link(Some(link.clone()))
                .guid(Some(rss::Guid {
                    value: link,
                    permalink: true,
                }))
                .pub_date(post.date.map(|d| d.rfc2822()))
                .description(Some(description(entry)))
                .content(channel.full_content.then(|| entry.body.html.clone()))
                .author(None)
                .dublin_core_ext(dublin_core(&entry.author_names))
                .categories(categories)
                .build()
        })
        .collect::<Vec<_>>();
    let updated = newest(entries).map(|d| d.rfc2822());
    let mut channel_out = rss::ChannelBuilder::default()
        .title(channel.title.clone())
        .link(page)
        .description(channel.description.clone())
        .language(Some(channel.lang.to_string()))
        .generator(Some(format!("Rounds {}", env!("CARGO_PKG_VERSION"))))
        .last_build_date(updated)
        .items(items)
        .build();
    channel_out.set_atom_ext(AtomExtension {
        links: vec![self_link],
    });
    channel_out.to_string()
}

pub fn atom(config: &Config, channel: &Channel, entries: &[Entry]) -> String {
    let page = config.permalink(channel.path);
    let link = |href: String, rel: &str, mime: Option<&str>| atom::Link {
        href,
        rel: rel.into(),
        mime_type: mime.map(Into::into),
        ..Default::default()
    };
    let items = entries
        .iter()
        .map(|entry| {
            let post = entry.post;
            let permalink = config.permalink(entry.path);
            let published = post.date.map(|d| d.instant());
            let updated = post.updated().map(|d| d.instant()).unwrap_or_else(epoch);
            let authors = entry
                .author_names
                .iter()
                .map(|name| atom::Person {
                    name: name.clone(),
                    ..Default::default()
                })
                .collect::<Vec<_>>();
            let categories = post
                .front
                .tags
                .iter()
                .take(MAX_TERMS_PER_POST)
                .chain(post.front.categories.iter().take(MAX_TERMS_PER_POST))
                .map(|t| atom::Category {
                    term: t.clone(),
                    ..Default::default()
                })
                .collect::<Vec<_>>();
            atom::EntryBuilder::default()
                .title(post.front.title.clone())
                .id(permalink.clone())
                .updated(updated)
                .published(published)
                .authors(authors)
                .categories(categories)
                .links(vec![link(permalink, "alternate", Some("text/html"))])
                .summary(Some(atom::Text::plain(description(entry))))
                .content(channel.full_content.then(|| {
                    atom::ContentBuilder::default()
                        .value(Some(entry.body.html.clone()))
                        .content_type(Some("html".to_string()))
                        .lang(Some(post.lang.clone()))
                        .build()
                }))
                .build()
        })
        .collect::<Vec<_>>();
    let feed = atom::FeedBuilder::default()
        .title(channel.title.clone())
        .subtitle(Some(atom::Text::plain(channel.description.clone())))
        .id(page.clone())
        .lang(Some(channel.lang.to_string()))
        .updated(newest(entries).map(|d| d.instant()).unwrap_or_else(epoch))
        .generator(Some(atom::Generator {
            value: "Rounds".into(),
            uri: None,
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }))
        .links(vec![
            link(
                format!("{page}{ATOM}"),
                "self",
                Some("application/atom+xml"),
            ),
            link(page, "alternate", Some("text/html")),
        ])
        .entries(items)
        .build();
    feed.to_string()
}

/// The description a reader shows: the post's own, else its summary as text.
fn description(entry: &Entry) -> String {
    entry.post.front.description.clone().unwrap_or_else(|| {
        let summary = entry.body.summary.as_deref().unwrap_or_default();
        strip_tags(summary).trim().to_string()
    })
}

fn dublin_core(authors: &[String]) -> Option<rss::extension::dublincore::DublinCoreExtension> {
    (!authors.is_empty()).then(|| rss::extension::dublincore::DublinCoreExtension {
        creators: authors.to_vec(),
        ..Default::default()
    })
}

fn newest(entries: &[Entry]) -> Option<Date> {
    entries.iter().filter_map(|e| e.post.updated()).max()
}

fn epoch() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::UNIX_EPOCH.fixed_offset()
}

/// Drops HTML tags and decodes the few entities the renderer emits.
pub fn strip_tags(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
