//! Redirect pages for aliases: old addresses keep working after a move.

use pulldown_cmark_escape::{escape_href, escape_html};

use super::{Generated, Page, PageKind};
use crate::load::Site;

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
