//! No trackers: a page of the built site loads nothing from another host —
//! no script, stylesheet, font, image, frame or media — unless `[check]
//! allowed_hosts` lists it. A patient reading about a diagnosis should not
//! tell an ad network about it. Links a reader may follow are not loads.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::derive::{Derived, PageKind};
use crate::diagnostic::{Diagnostic, LineIndex};
use crate::load::Site;

pub const LOADS: &str = "privacy/third-party";

static TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<(script|img|iframe|frame|link|source|video|audio|track|embed|object|input)\b([^>]*)>")
        .expect("valid regex")
});
static ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?is)\b(src|href|data|srcset|poster|rel|type)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"#,
    )
    .expect("valid regex")
});
static STYLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)<style\b[^>]*>(.*?)</style>|\bstyle\s*=\s*"([^"]*)""#).expect("valid regex")
});
static CSS_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?:url\(\s*['"]?|@import\s+['"])((?:https?:)?//[^'")\s]+)"#)
        .expect("valid regex")
});

/// `rel` values of `<link>` that make the browser fetch something.
const FETCHING_RELS: &[&str] = &[
    "stylesheet",
    "icon",
    "apple-touch-icon",
    "preload",
    "modulepreload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "manifest",
];

/// Every URL on another host that `html` makes the browser load.
pub fn foreign_loads(html: &str, own_host: &str) -> Vec<String> {
    let mut found = Vec::new();
    for tag in TAG.captures_iter(html) {
        let name = tag[1].to_ascii_lowercase();
        let mut urls = Vec::new();
        let mut rel = String::new();
        let mut kind = String::new();
        for attribute in ATTRIBUTE.captures_iter(&tag[2]) {
            let key = attribute[1].to_ascii_lowercase();
            let value = attribute
                .get(2)
                .or(attribute.get(3))
                .or(attribute.get(4))
                .map_or("", |m| m.as_str());
            match key.as_str() {
                "rel" => rel = value.to_ascii_lowercase(),
                "type" => kind = value.to_ascii_lowercase(),
                "srcset" => urls.extend(
                    value
                        .split(',')
                        .filter_map(|c| c.split_whitespace().next())
                        .map(str::to_string),
                ),
                // `<a href>` is not matched by TAG; `href` loads only on `<link>`.
                "href" if name != "link" => {}
                _ => urls.push(value.to_string()),
            }
        }
        if name == "link" && !rel.split_whitespace().any(|r| FETCHING_RELS.contains(&r)) {
            continue;
        }
        // An image button is the only `<input>` that loads anything.
        if name == "input" && kind != "image" {
            continue;
        }
        found.extend(urls.into_iter().filter(|u| is_foreign(u, own_host)));
    }
    for style in STYLE.captures_iter(html) {
        let css = style.get(1).or(style.get(2)).map_or("", |m| m.as_str());
        for url in CSS_URL.captures_iter(css) {
            if is_foreign(&url[1], own_host) {
                found.push(url[1].to_string());
            }
        }
    }
    found
}

/// The host of an absolute or protocol-relative URL.
pub fn host_of(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .or_else(|| url.strip_prefix("//"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority.rsplit('@').next().unwrap_or(authority);
    Some(host.split(':').next().unwrap_or(host))
}

fn is_foreign(url: &str, own_host: &str) -> bool {
    let url = url.trim().replace("&amp;", "&");
    host_of(&url).is_some_and(|host| !host.eq_ignore_ascii_case(own_host))
}

/// Whether `host` is `allowed` or under it (`youtube-nocookie.com` allows
/// `www.youtube-nocookie.com`).
fn is_allowed(host: &str, allowed: &[String]) -> bool {
    let host = host.to_ascii_lowercase();
    allowed.iter().any(|a| {
        let a = a.trim().to_ascii_lowercase();
        host == a || host.ends_with(&format!(".{a}"))
    })
}

/// One diagnostic per foreign URL not allowed, at the line that brings it in:
/// the post's or section's own markdown, else the theme template, else the page.
pub fn diagnose(
    site: &Site,
    derived: &Derived,
    loads: &[(usize, String)],
    allowed: &[String],
) -> Vec<Diagnostic> {
    let mut by_url: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (page, url) in loads {
        let host = host_of(url).unwrap_or_default();
        if !is_allowed(host, allowed) {
            by_url.entry(url.as_str()).or_default().push(*page);
        }
    }
    by_url
        .into_iter()
        .map(|(url, pages)| {
            let host = host_of(url).unwrap_or_default();
            let first = &derived.pages[pages[0]];
            let others = match pages.len() {
                1 => String::new(),
                2 => " and 1 other page".into(),
                n => format!(" and {} other pages", n - 1),
            };
            let message = format!(
                "{} loads {url}{others}: a third party ({host}) learns who reads it",
                first.path
            );
            let help = format!(
                "serve it from the site (static/), or allow the host with `allowed_hosts = [\"{host}\"]` under [check]"
            );
            let diagnostic = Diagnostic::error(LOADS, message).with_help(help);
            match source_of(site, derived, &pages, url) {
                Some((file, text, offset)) => {
                    let index = LineIndex::new(text);
                    diagnostic
                        .in_file(file)
                        .at(index.position(text, offset))
                        .spanning(url.chars().count())
                }
                None => diagnostic.in_file(std::path::Path::new(&first.output)),
            }
        })
        .collect()
}

/// The file (and byte offset) whose text holds `url`: a post on one of the
/// pages, else a section's `_index.md`, else a theme template.
fn source_of<'a>(
    site: &'a Site,
    derived: &Derived,
    pages: &[usize],
    url: &str,
) -> Option<(std::path::PathBuf, &'a str, usize)> {
    for &page in pages {
        if let PageKind::Post(i) | PageKind::Physician(i) = derived.pages[page].kind {
            let post = &site.posts[i];
            if let Some(offset) = post.source.find(url) {
                return Some((post.file.clone(), post.source.as_str(), offset));
            }
        }
    }
    // A section's own text (`content/_index.md` for the home page), which
    // is drawn on its pages only.
    for &page in pages {
        if let PageKind::Section { section, .. } = derived.pages[page].kind {
            let section = &site.sections[section];
            if let Some(offset) = section.source.find(url) {
                return Some((section.file.clone(), section.source.as_str(), offset));
            }
        }
    }
    site.theme.templates.values().find_map(|template| {
        let text = template.text.as_str();
        text.find(url)
            .or_else(|| text.find(host_of(url)?))
            .map(|offset| (template.origin.display_path(), text, offset))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_the_browser_fetches_from_elsewhere() {
        let html = r#"<head>
<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Inter">
<link rel="canonical" href="https://other.example/page/">
<link rel="alternate" type="application/rss+xml" href="https://feeds.example/rss">
<script async src="//www.googletagmanager.com/gtag/js?id=G-1"></script>
<script src="/js/site.js"></script>
<style>body { background: url('https://cdn.example/bg.png') }</style>
</head><body>
<img src="https://heart.example/images/a.png" srcset="https://img.example/a-2x.png 2x, /a.png 1x">
<a href="https://www.cdc.gov/bp/">CDC</a>
<iframe src='https://www.youtube.com/embed/x'></iframe>
<input type="text" src="https://never.example/x">
<p style="background-image:url(//pixel.example/t.gif)">x</p>
</body>"#;
        let loads = foreign_loads(html, "heart.example");
        assert_eq!(
            loads,
            [
                "https://fonts.googleapis.com/css2?family=Inter",
                "//www.googletagmanager.com/gtag/js?id=G-1",
                "https://img.example/a-2x.png",
                "https://www.youtube.com/embed/x",
                "https://cdn.example/bg.png",
                "//pixel.example/t.gif",
            ]
        );
    }

    #[test]
    fn allowed_hosts_cover_their_subdomains_only() {
        let allowed = vec!["youtube-nocookie.com".to_string()];
        assert!(is_allowed("www.youtube-nocookie.com", &allowed));
        assert!(is_allowed("YouTube-NoCookie.com", &allowed));
        assert!(!is_allowed("evil-youtube-nocookie.com", &allowed));
        assert_eq!(
            host_of("https://user@cdn.example:8443/x"),
            Some("cdn.example")
        );
    }
}
