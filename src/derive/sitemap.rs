//! `sitemap.xml`, split into a sitemap index past the protocol's 50,000 URLs.

use pulldown_cmark_escape::escape_html;

use super::{Derived, Generated, PageKind};
use crate::config::Config;
use crate::content::Date;
use crate::load::Site;

pub const MAX_URLS: usize = 50_000;

pub struct Url {
    pub path: String,
    pub modified: Option<Date>,
    /// The page in every language it has, itself included: (hreflang, path).
    pub alternates: Vec<(String, String)>,
}

/// Returns (output path, XML) for each sitemap file.
pub fn sitemaps(config: &Config, urls: &[Url]) -> Vec<(String, String)> {
    if urls.len() <= MAX_URLS {
        return vec![("sitemap.xml".into(), urlset(config, urls))];
    }
    let mut files: Vec<(String, String)> = urls
        .chunks(MAX_URLS)
        .enumerate()
        .map(|(i, chunk)| (format!("sitemap{}.xml", i + 1), urlset(config, chunk)))
        .collect();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (name, _) in &files {
        index.push_str("  <sitemap><loc>");
        escape_html(&mut index, &config.permalink(&format!("/{name}"))).ok();
        index.push_str("</loc></sitemap>\n");
    }
    index.push_str("</sitemapindex>\n");
    files.push(("sitemap.xml".into(), index));
    files
}

/// The site's sitemap files: every page but the 404 and text files, each
/// with the last update of what it shows, when it knows one.
pub(super) fn for_site(site: &Site, derived: &Derived) -> Vec<Generated> {
    let urls: Vec<Url> = derived
        .pages
        .iter()
        .filter_map(|page| {
            let modified = match &page.kind {
                // A withdrawn post keeps its address, but search engines are not sent to it.
                PageKind::Post(i) | PageKind::Physician(i)
                    if site.posts[*i].front.is_withdrawn() =>
                {
                    return None;
                }
                PageKind::Post(i) => site.posts[*i].updated(),
                PageKind::Section { section, pager } => {
                    let posts = derived.listed(site, *section);
                    posts[pager.range.clone()]
                        .iter()
                        .filter_map(|&i| site.posts[i].updated())
                        .max()
                }
                PageKind::NotFound | PageKind::Text => return None,
                _ => None,
            };
            Some(Url {
                path: page.path.clone(),
                modified,
                alternates: derived
                    .alternates
                    .get(&page.path)
                    .map_or_else(Vec::new, |a| {
                        super::alternates::hreflang_links(a, &site.config.language)
                    }),
            })
        })
        .collect();
    sitemaps(&site.config, &urls)
        .into_iter()
        .map(|(output, xml)| Generated {
            output,
            bytes: xml.into_bytes(),
        })
        .collect()
}

fn urlset(config: &Config, urls: &[Url]) -> String {
    let mut xml = String::with_capacity(urls.len() * 120 + 200);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"");
    if urls.iter().any(|u| !u.alternates.is_empty()) {
        xml.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    }
    xml.push_str(">\n");
    for url in urls {
        xml.push_str("  <url><loc>");
        escape_html(&mut xml, &config.permalink(&url.path)).ok();
        xml.push_str("</loc>");
        if let Some(modified) = url.modified {
            xml.push_str("<lastmod>");
            xml.push_str(&modified.day().to_string());
            xml.push_str("</lastmod>");
        }
        // Google's form: every version lists every version, itself included.
        for (lang, path) in &url.alternates {
            xml.push_str("<xhtml:link rel=\"alternate\" hreflang=\"");
            escape_html(&mut xml, lang).ok();
            xml.push_str("\" href=\"");
            escape_html(&mut xml, &config.permalink(path)).ok();
            xml.push_str("\"/>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}
