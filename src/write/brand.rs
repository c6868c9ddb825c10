//! `[brand]` as the theme sees it (`brand` in templates): the CSS that sets
//! its colours and font, and its logo and hero picture with their sizes, so
//! the browser keeps their room before they load (no layout shift).

use serde::Serialize;

use crate::load::Site;
use crate::load::brand::published_path;
use crate::theme::StaticSource;

#[derive(Debug, Default, Serialize)]
pub struct BrandView {
    /// CSS for a `<style>` in the head; empty when `[brand]` sets nothing.
    pub css: String,
    pub logo: Option<Picture>,
    pub hero: Option<Picture>,
}

#[derive(Debug, Serialize)]
pub struct Picture {
    /// Site path, as `get_url` and `picture()` take it: `/images/logo.svg`.
    pub path: String,
    pub url: String,
    pub alt: String,
    pub width: Option<u64>,
    pub height: Option<u64>,
}

pub fn view(site: &Site) -> BrandView {
    let brand = &site.config.brand;
    let mut css = match brand.palette() {
        Ok(Some(palette)) => palette.css(),
        _ => String::new(),
    };
    css.push_str(&font_css(site));
    BrandView {
        css,
        logo: picture(site, &brand.logo, &brand.logo_alt),
        hero: picture(site, &brand.hero, &brand.hero_alt),
    }
}

fn picture(site: &Site, path: &Option<String>, alt: &Option<String>) -> Option<Picture> {
    let rel = published_path(path.as_deref()?)?;
    let (width, height) = dimensions(site, &rel).unzip();
    Some(Picture {
        url: site.config.permalink(&format!("/{rel}")),
        path: format!("/{rel}"),
        alt: alt.clone().unwrap_or_default(),
        width,
        height,
    })
}

fn dimensions(site: &Site, rel: &str) -> Option<(u64, u64)> {
    let file = match site.theme.static_files.get(rel) {
        Some(StaticSource::File(path)) => path.clone(),
        Some(StaticSource::BuiltIn(_)) => return None,
        None => site
            .content_files
            .iter()
            .find(|(_, out)| out == rel)
            .map(|(file, _)| file.clone())?,
    };
    crate::markdown::image_dimensions(&file)
}

/// `@font-face` for the site's own font, one file for every heading
/// weight (so the browser never fakes a bold), set on headings and the
/// clinic's name.
fn font_css(site: &Site) -> String {
    let Some(rel) = site.config.brand.font.as_deref().and_then(published_path) else {
        return String::new();
    };
    let format = crate::content::brand::font_format(&rel).unwrap_or("woff2");
    format!(
        "@font-face{{font-family:\"Clinic\";src:url(\"{}\") format(\"{format}\");font-weight:400 900;font-display:swap}}\
         :root{{--heading-font:\"Clinic\",var(--font)}}",
        site.config.permalink(&format!("/{rel}"))
    )
}
