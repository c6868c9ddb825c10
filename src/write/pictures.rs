//! The site's images as pages show them: a `<picture>` with a WebP
//! `<source>` and an `<img>` in the image's own format, both with `srcset`
//! and `sizes`, the image's `width` and `height` (the page keeps its room
//! while it loads), `decoding="async"`, and `loading="lazy"` unless it is
//! the page's first. The variants are `picture::responsive`'s; this file
//! only writes the HTML, for post and section bodies (`body`) and for
//! templates (`picture(path=…)`, registered by the frame).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use tera::Value;

use crate::markdown::escape;
use crate::picture::Pictures;
use crate::picture::responsive::Responsive;

/// What the article column takes: the whole phone screen, at most 42rem.
pub const COLUMN: &str = "(min-width: 45rem) 42rem, 100vw";

/// How one image is shown.
pub struct Shown<'a> {
    pub alt: &'a str,
    pub sizes: &'a str,
    pub eager: bool,
    /// Attributes the `<img>` keeps as they were (`class`, `title`),
    /// already escaped, with their leading space.
    pub extra: &'a str,
    /// `width` and `height` as the page gave them, instead of the image's.
    pub size: Option<(&'a str, &'a str)>,
}

/// The HTML of `image` (its `src` as the page names it) shown as `shown`
/// says: a `<picture>` when it has variants, else an `<img>` with its size.
pub fn tag(image: Option<&Responsive>, src: &str, shown: &Shown) -> String {
    let loading = if shown.eager {
        r#" fetchpriority="high""#
    } else {
        r#" loading="lazy""#
    };
    let alt = escape(shown.alt);
    let extra = shown.extra;
    let Some(image) = image else {
        return format!(
            r#"<img src="{}" alt="{alt}"{extra}{loading} decoding="async">"#,
            escape(src)
        );
    };
    let size = match shown.size {
        Some((w, h)) => format!(r#" width="{}" height="{}""#, escape(w), escape(h)),
        None => format!(r#" width="{}" height="{}""#, image.width, image.height),
    };
    let (Some(fallback), Some((own, better))) = (image.fallback(), image.sets.split_last()) else {
        return format!(
            r#"<img src="{}" alt="{alt}"{size}{extra}{loading} decoding="async">"#,
            escape(src)
        );
    };
    let sizes = escape(shown.sizes);
    let srcset = |set: &crate::picture::responsive::SrcSet| {
        set.candidates
            .iter()
            .map(|c| format!("{} {}w", escape(&c.url), c.width))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut html = String::from("<picture>");
    for set in better {
        html.push_str(&format!(
            r#"<source type="{}" srcset="{}" sizes="{sizes}">"#,
            set.mime,
            srcset(set)
        ));
    }
    html.push_str(&format!(
        r#"<img src="{}" srcset="{}" sizes="{sizes}" alt="{alt}"{size}{extra}{loading} decoding="async"></picture>"#,
        escape(&fallback.url),
        srcset(own),
    ));
    html
}

/// `html`, a body of the page at `page_path`, with each `<img>` of a site
/// image drawn as [`tag`] does, in the article column; the first is eager
/// when `eager_first` (the page shows no picture above its body). Images
/// on another host, and those already in a `<picture>`, stay as they are.
pub fn body<'h>(
    html: &'h str,
    page_path: &str,
    pictures: &Pictures,
    eager_first: bool,
) -> Cow<'h, str> {
    static IMG: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?s)<picture\b.*?</picture>|<img\b[^>]*>").expect("a valid pattern")
    });
    if !html.contains("<img") {
        return Cow::Borrowed(html);
    }
    let mut first = eager_first;
    let mut out = String::with_capacity(html.len());
    let mut last = 0;
    for found in IMG.find_iter(html) {
        let text = found.as_str();
        if text.starts_with("<picture") {
            // The page's first image, however it is written.
            first = false;
            continue;
        }
        let Some(drawn) = rewritten(text, page_path, pictures, first) else {
            continue;
        };
        first = false;
        out.push_str(&html[last..found.start()]);
        out.push_str(&drawn);
        last = found.end();
    }
    out.push_str(&html[last..]);
    Cow::Owned(out)
}

/// One `<img>` of a body drawn again; `None` leaves it as it is.
fn rewritten(img: &str, page_path: &str, pictures: &Pictures, eager: bool) -> Option<String> {
    static ATTRIBUTE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"([A-Za-z][\w:-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>/]+)))?"#)
            .expect("a valid pattern")
    });
    let inner = img
        .strip_prefix("<img")?
        .trim_end_matches('>')
        .trim_end_matches('/');
    let mut src = None;
    let mut alt = String::new();
    let mut extra = String::new();
    let (mut width, mut height) = (None, None);
    for c in ATTRIBUTE.captures_iter(inner) {
        let name = c[1].to_ascii_lowercase();
        let value = c
            .get(2)
            .or(c.get(3))
            .or(c.get(4))
            .map_or("", |m| m.as_str());
        match name.as_str() {
            "src" => src = Some(unescape(value)),
            "alt" => alt = unescape(value),
            // Set here: the markdown's `loading="lazy"` does not know
            // whether the image is the page's first.
            "loading" | "decoding" | "fetchpriority" => {}
            // A page's own `srcset` is left alone.
            "srcset" | "sizes" => return None,
            "width" => width = Some(value),
            "height" => height = Some(value),
            _ => extra.push_str(&format!(r#" {name}="{}""#, escape(&unescape(value)))),
        }
    }
    let src = src?;
    if src.contains("://") || src.starts_with("//") || src.starts_with("data:") {
        return None;
    }
    let path = crate::site_path::site_path(page_path, src.split(['?', '#']).next()?)?;
    let image = pictures.shown(&path)?;
    // Markdown's own are the file's as stored, which a photo's EXIF may
    // turn: the image's own (upright) are used then. A page's smaller size
    // of the same shape wins.
    let size = width.zip(height).filter(|&(w, h)| {
        let (Ok(w), Ok(h)) = (w.parse::<f64>(), h.parse::<f64>()) else {
            return false;
        };
        let (iw, ih) = (f64::from(image.width), f64::from(image.height));
        (w * ih - h * iw).abs() <= 0.01 * w * ih && w < iw
    });
    let shown = Shown {
        alt: &alt,
        sizes: COLUMN,
        eager,
        extra: &extra,
        size,
    };
    Some(tag(Some(image), &src, &shown))
}

/// An attribute's value as markdown wrote it, its entities read back (the
/// few pulldown-cmark writes), so that it is escaped once again, not twice.
fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The templates' `picture(path=…, alt=…, sizes=…, eager=…, class=…)`: the
/// site image at `path` (from the site's root, as `get_url` takes it) as
/// [`tag`] draws it; `sizes` defaults to the article column, `eager` to
/// false. A path on another host is shown as an `<img>` of it.
pub struct PictureFunction {
    pub pictures: Arc<Pictures>,
    /// The site's address, as `Config::base`.
    pub base: String,
}

impl tera::Function for PictureFunction {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let text = |key: &str| args.get(key).and_then(Value::as_str);
        let path = text("path").ok_or_else(|| {
            tera::Error::msg("`picture` needs `path`, the image's address from the site's root: picture(path=\"/images/clinic.jpg\", alt=\"…\")")
        })?;
        let class = text("class")
            .map(|c| format!(r#" class="{}""#, escape(c)))
            .unwrap_or_default();
        let shown = Shown {
            alt: text("alt").unwrap_or(""),
            sizes: text("sizes").unwrap_or(COLUMN),
            eager: args.get("eager").and_then(Value::as_bool).unwrap_or(false),
            extra: &class,
            size: None,
        };
        let remote = path.contains("://") || path.starts_with("//");
        let site_path = (!remote)
            .then(|| crate::site_path::site_path("/", path))
            .flatten();
        let image = site_path.as_deref().and_then(|p| self.pictures.shown(p));
        let src = match &site_path {
            Some(p) => format!("{}{p}", self.base),
            None => path.to_string(),
        };
        Ok(Value::String(tag(image, &src, &shown)))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::picture::responsive::{Candidate, SrcSet};

    fn pictures() -> Pictures {
        let set = |mime, ext| SrcSet {
            mime,
            candidates: [480, 800]
                .iter()
                .map(|w| Candidate {
                    width: *w,
                    url: format!("/img/a-{w}.{ext}"),
                    file: format!("img/a-{w}.{ext}"),
                })
                .collect(),
        };
        let mut pictures = Pictures::default();
        pictures.shown.insert(
            "blog/walk/photo.jpg".into(),
            Responsive {
                width: 4000,
                height: 3000,
                sets: vec![set("image/webp", "webp"), set("image/jpeg", "jpg")],
            },
        );
        pictures
    }

    #[test]
    fn a_body_image_becomes_a_picture_and_only_the_first_is_eager() {
        let html = r#"<p><img src="photo.jpg" alt="A &quot;walk&quot;" title="By the river" /></p><p><img src="/blog/walk/photo.jpg" alt=""></p>"#;
        let out = body(html, "/blog/walk/", &pictures(), true);
        assert_eq!(out.matches("<picture>").count(), 2, "{out}");
        assert!(out.contains(
            r#"<source type="image/webp" srcset="/img/a-480.webp 480w, /img/a-800.webp 800w""#
        ));
        assert!(out.contains(r#"alt="A &quot;walk&quot;" width="4000" height="3000" title="By the river" fetchpriority="high""#), "{out}");
        assert_eq!(out.matches(r#"loading="lazy""#).count(), 1);
        assert!(out.contains(r#"<img src="/img/a-800.jpg""#));
    }

    #[test]
    fn other_hosts_unknown_files_and_written_pictures_stay() {
        let html = r#"<img src="https://cdn.example/x.jpg" alt=""><img src="nope.jpg" alt=""><picture><img src="photo.jpg"></picture>"#;
        assert_eq!(body(html, "/blog/walk/", &pictures(), true), html);
    }
}
