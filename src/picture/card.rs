//! The social card a post without a picture gets: 1200 × 630, the post's
//! title wrapped to fit, the clinic's name (and logo), who reviewed it, the
//! site's address, in the clinic's colour. Drawn as SVG and rendered by
//! resvg with the fonts in this binary and no others, so every machine makes
//! the same bytes.

use std::sync::{Arc, LazyLock};

use image::RgbaImage;
use resvg::usvg;

use super::convert::{Decoded, PictureError, pixmap_to_image};

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

/// Atkinson Hyperlegible (Braille Institute, SIL Open Font License 1.1;
/// `fonts/OFL.txt`): drawn to be told apart letter by letter, by readers
/// with low vision too.
const FAMILY: &str = "Atkinson Hyperlegible";
static REGULAR: &[u8] = include_bytes!("fonts/AtkinsonHyperlegible-Regular.ttf");
static BOLD: &[u8] = include_bytes!("fonts/AtkinsonHyperlegible-Bold.ttf");

/// Only the fonts above: never the machine's own, which differ from one
/// machine to the next. Generic families (`sans-serif`) in a post's SVG
/// land on them too.
static FONTS: LazyLock<Arc<usvg::fontdb::Database>> = LazyLock::new(|| {
    let mut fonts = usvg::fontdb::Database::new();
    fonts.load_font_data(REGULAR.to_vec());
    fonts.load_font_data(BOLD.to_vec());
    fonts.set_serif_family(FAMILY);
    fonts.set_sans_serif_family(FAMILY);
    fonts.set_cursive_family(FAMILY);
    fonts.set_fantasy_family(FAMILY);
    fonts.set_monospace_family(FAMILY);
    Arc::new(fonts)
});

/// How every SVG is read, the card's and a post's: the binary's fonts, and
/// no file read from disk (an `<image href="/etc/…">` draws nothing).
pub fn svg_options() -> usvg::Options<'static> {
    usvg::Options {
        font_family: FAMILY.to_string(),
        fontdb: FONTS.clone(),
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    }
}

/// What a card shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Card {
    /// The post's title (or, for the clinic's own card, its description).
    pub headline: String,
    pub clinic: String,
    /// The reviewing doctor's name, for a medically reviewed post.
    pub reviewer: Option<String>,
    /// The site's address without `https://`: `riversideheart.example`.
    pub host: String,
    /// The clinic's colour: the background.
    pub accent: [u8; 3],
}

/// Left and right margins.
const MARGIN: f32 = 80.0;
/// The title's box: from below the clinic's name to above the band.
const TITLE_TOP: f32 = 175.0;
const TITLE_BOTTOM: f32 = 490.0;
/// The band at the foot that holds the reviewer and the address.
const BAND_TOP: f32 = 520.0;
/// Title sizes tried in turn, largest first; the smallest cuts the title.
const TITLE_SIZES: [f32; 5] = [72.0, 64.0, 56.0, 48.0, 42.0];
const LINE_HEIGHT: f32 = 1.18;
/// The logo's box, top right.
const LOGO_BOX: (u32, u32) = (220, 96);

impl Card {
    /// What the card shows, in words: its alt text.
    pub fn alt(&self) -> String {
        let mut alt = format!("Card: {} — {}", self.headline, self.clinic);
        if let Some(reviewer) = &self.reviewer {
            alt.push_str(&format!(", reviewed by {reviewer}"));
        }
        alt
    }

    /// The card's pixels, with `logo` (decoded) top right.
    pub fn render(&self, logo: Option<&Decoded>) -> Result<RgbaImage, PictureError> {
        let svg = self.svg(logo.is_some());
        let tree = usvg::Tree::from_str(&svg, &svg_options())
            .map_err(|e| PictureError::Svg(e.to_string()))?;
        let mut pixmap = resvg::tiny_skia::Pixmap::new(WIDTH, HEIGHT)
            .ok_or_else(|| PictureError::Svg("the card's size".into()))?;
        resvg::render(
            &tree,
            resvg::tiny_skia::Transform::identity(),
            &mut pixmap.as_mut(),
        );
        let mut card = pixmap_to_image(pixmap);
        if let Some(logo) = logo {
            let (w, h) = LOGO_BOX;
            let fitted = logo
                .image
                .resize(w, h, image::imageops::FilterType::CatmullRom);
            let x = WIDTH - MARGIN as u32 - w + (w - fitted.width()) / 2;
            let y = 52 + (h - fitted.height()) / 2;
            image::imageops::overlay(&mut card, &fitted.to_rgba8(), x.into(), y.into());
        }
        Ok(card)
    }

    /// The card as an SVG drawing.
    fn svg(&self, with_logo: bool) -> String {
        let ink = ink_on(self.accent);
        let band = shade(self.accent, 0.72);
        let band_ink = ink_on(band);
        let clinic_width = if with_logo {
            WIDTH as f32 - 2.0 * MARGIN - LOGO_BOX.0 as f32 - 40.0
        } else {
            WIDTH as f32 - 2.0 * MARGIN
        };
        let clinic = cut_to(&self.clinic, 36.0, false, clinic_width);
        let (size, lines) = title_lines(&self.headline);
        let line_height = size * LINE_HEIGHT;
        let block = line_height * lines.len() as f32;
        let top = TITLE_TOP + ((TITLE_BOTTOM - TITLE_TOP) - block).max(0.0) / 2.0;
        let mut title = String::new();
        for (i, line) in lines.iter().enumerate() {
            let baseline = top + size * 0.95 + line_height * i as f32;
            title.push_str(&format!(
                r#"<text x="{MARGIN}" y="{baseline:.1}" font-size="{size}" font-weight="700">{}</text>"#,
                escape(line)
            ));
        }
        let reviewer = self.reviewer.as_ref().map_or(String::new(), |name| {
            let words = cut_to(&format!("Reviewed by {name}"), 30.0, true, 640.0);
            format!(
                r#"<text x="{MARGIN}" y="586" font-size="30" font-weight="700">{}</text>"#,
                escape(&words)
            )
        });
        let logo_backing = if with_logo {
            let (w, h) = LOGO_BOX;
            let x = WIDTH - MARGIN as u32 - w - 12;
            format!(
                r##"<rect x="{x}" y="40" width="{}" height="{}" rx="12" fill="#ffffff"/>"##,
                w + 24,
                h + 24
            )
        } else {
            String::new()
        };
        let host_x = WIDTH as f32 - MARGIN;
        format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FAMILY}">
<rect width="{WIDTH}" height="{HEIGHT}" fill="{accent}"/>
<rect y="{BAND_TOP}" width="{WIDTH}" height="{band_height}" fill="{band}"/>
{logo_backing}
<g fill="{ink}"><text x="{MARGIN}" y="112" font-size="36">{clinic}</text>{title}</g>
<g fill="{band_ink}">{reviewer}<text x="{host_x}" y="586" font-size="28" text-anchor="end">{host}</text></g>
</svg>"##,
            accent = hex(self.accent),
            band = hex(band),
            ink = hex(ink),
            band_ink = hex(band_ink),
            band_height = HEIGHT as f32 - BAND_TOP,
            clinic = escape(&clinic),
            host = escape(&self.host),
        )
    }
}

/// The largest title size at which the title fits its box, and its lines;
/// at the smallest size, the lines that fit, the last one cut with "…".
fn title_lines(title: &str) -> (f32, Vec<String>) {
    let width = WIDTH as f32 - 2.0 * MARGIN;
    for size in TITLE_SIZES {
        let fits = ((TITLE_BOTTOM - TITLE_TOP) / (size * LINE_HEIGHT)).floor() as usize;
        let lines = wrap(title, size, true, width);
        if lines.len() <= fits {
            return (size, lines);
        }
        if size == TITLE_SIZES[TITLE_SIZES.len() - 1] {
            let mut kept: Vec<String> = lines.into_iter().take(fits).collect();
            if let Some(last) = kept.last_mut() {
                *last = cut_to(&format!("{last} …"), size, true, width);
            }
            return (size, kept);
        }
    }
    unreachable!("the last size returns")
}

/// `text` broken into lines no wider than `width` at `size`, measured with
/// the card's own font: at spaces, and inside a word only when the word
/// alone is wider than a line.
pub(super) fn wrap(text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if measure(&candidate, size, bold) <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // A word wider than the line is cut where it must be.
        let mut rest = word.to_string();
        while measure(&rest, size, bold) > width {
            let cut = longest_prefix(&rest, size, bold, width);
            lines.push(rest[..cut].to_string());
            rest = rest[cut..].to_string();
        }
        line = rest;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` as it is if it fits `width`, else cut with "…" where it fits.
fn cut_to(text: &str, size: f32, bold: bool, width: f32) -> String {
    if measure(text, size, bold) <= width {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.trim_end_matches(" …").chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate = format!("{}…", chars.iter().collect::<String>().trim_end());
        if measure(&candidate, size, bold) <= width {
            return candidate;
        }
    }
    "…".to_string()
}

/// The byte length of the longest start of `word` (at least one character)
/// that fits `width`.
fn longest_prefix(word: &str, size: f32, bold: bool, width: f32) -> usize {
    let ends: Vec<usize> = word.char_indices().map(|(i, _)| i).skip(1).collect();
    let mut best = ends.first().copied().unwrap_or(word.len());
    for &end in &ends {
        if measure(&word[..end], size, bold) <= width {
            best = end;
        } else {
            break;
        }
    }
    best
}

/// How wide `text` is drawn at `size` with the card's font: laid out by
/// usvg itself, so the width is the one the card will have (kerning and
/// all).
pub(super) fn measure(text: &str, size: f32, bold: bool) -> f32 {
    if text.trim().is_empty() {
        return 0.0;
    }
    let weight = if bold { 700 } else { 400 };
    let svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="10000" height="400"><text x="0" y="200" font-family="{FAMILY}" font-size="{size}" font-weight="{weight}">{}</text></svg>"#,
        escape(text)
    );
    usvg::Tree::from_str(&svg, &svg_options())
        .map(|tree| tree.root().abs_bounding_box().right())
        .unwrap_or(f32::MAX)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// `colour` darkened to `factor` of its light.
fn shade(colour: [u8; 3], factor: f32) -> [u8; 3] {
    colour.map(|c| (f32::from(c) * factor).round() as u8)
}

/// White or near-black, whichever reads better on `background` (WCAG
/// contrast ratio).
fn ink_on(background: [u8; 3]) -> [u8; 3] {
    const DARK: [u8; 3] = [0x12, 0x16, 0x1a];
    let white = contrast(luminance([255, 255, 255]), luminance(background));
    let dark = contrast(luminance(DARK), luminance(background));
    if white >= dark { [255, 255, 255] } else { DARK }
}

/// WCAG 2 relative luminance.
fn luminance(colour: [u8; 3]) -> f32 {
    let channel = |c: u8| {
        let c = f32::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(colour[0]) + 0.7152 * channel(colour[1]) + 0.0722 * channel(colour[2])
}

fn contrast(a: f32, b: f32) -> f32 {
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

/// `#a3123a` or `#a13` as a colour.
pub fn parse_colour(text: &str) -> Option<[u8; 3]> {
    let hex = text.trim().strip_prefix('#')?;
    let digit = |i: usize, len: usize| u8::from_str_radix(hex.get(i..i + len)?, 16).ok();
    match hex.len() {
        6 => Some([digit(0, 2)?, digit(2, 2)?, digit(4, 2)?]),
        3 => Some([digit(0, 1)? * 17, digit(1, 1)? * 17, digit(2, 1)? * 17]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(title: &str) -> Card {
        Card {
            headline: title.into(),
            clinic: "Riverside Heart & Vascular".into(),
            reviewer: Some("Dr. Priya Patel".into()),
            host: "riversideheart.example".into(),
            accent: [0xa3, 0x12, 0x3a],
        }
    }

    #[test]
    fn lines_break_at_spaces_by_measured_width() {
        let wide = measure("WWWWWWWWWW", 60.0, true);
        let narrow = measure("iiiiiiiiii", 60.0, true);
        assert!(
            wide > 2.0 * narrow,
            "{wide} vs {narrow}: measured, not counted"
        );
        let lines = wrap(
            "When to call us about chest pain that comes and goes",
            72.0,
            true,
            1040.0,
        );
        assert!(lines.len() >= 2, "{lines:?}");
        for line in &lines {
            assert!(measure(line, 72.0, true) <= 1040.0, "{line}");
        }
        assert_eq!(
            lines.join(" "),
            "When to call us about chest pain that comes and goes"
        );
        let long = wrap(&"a".repeat(200), 72.0, true, 1040.0);
        assert!(long.len() > 1 && long.iter().all(|l| measure(l, 72.0, true) <= 1040.0));
    }

    #[test]
    fn a_long_title_gets_smaller_then_is_cut() {
        let (big, _) = title_lines("Salt and the heart");
        assert_eq!(big, 72.0);
        let words = "Everything a family should know about high blood pressure ".repeat(8);
        let (small, lines) = title_lines(&words);
        assert_eq!(small, 42.0);
        assert!(lines.last().unwrap().ends_with('…'), "{lines:?}");
    }

    #[test]
    fn the_card_is_the_same_pixels_every_time_and_says_what_it_shows() {
        let a = card("Blood pressure at home: how to get a true reading");
        let first = a.render(None).unwrap();
        assert_eq!((first.width(), first.height()), (WIDTH, HEIGHT));
        assert_eq!(first, a.render(None).unwrap());
        assert_ne!(first, card("Another title").render(None).unwrap());
        // The background is the clinic's colour; the title is drawn on it.
        assert_eq!(first.get_pixel(10, 10).0, [0xa3, 0x12, 0x3a, 255]);
        assert!(first.pixels().any(|p| p.0 == [255, 255, 255, 255]));
        assert_eq!(
            a.alt(),
            "Card: Blood pressure at home: how to get a true reading — Riverside Heart & Vascular, reviewed by Dr. Priya Patel"
        );
    }

    #[test]
    fn the_clinics_logo_sits_top_right_on_white() {
        let red = image::RgbImage::from_pixel(300, 100, image::Rgb([200, 0, 0]));
        let logo = Decoded {
            image: image::DynamicImage::ImageRgb8(red),
            kind: super::super::convert::Kind::Graphic,
        };
        let with = card("Salt").render(Some(&logo)).unwrap();
        let without = card("Salt").render(None).unwrap();
        // Inside the logo's box: the logo; around it, its white backing.
        assert_eq!(with.get_pixel(1010, 100).0, [200, 0, 0, 255]);
        assert_eq!(with.get_pixel(WIDTH - 85, 45).0, [255, 255, 255, 255]);
        assert_eq!(without.get_pixel(1010, 100).0, [0xa3, 0x12, 0x3a, 255]);
    }

    #[test]
    fn ink_reads_on_light_and_dark_colours() {
        assert_eq!(ink_on([0xa3, 0x12, 0x3a]), [255, 255, 255]);
        assert_eq!(ink_on([0xff, 0xe0, 0x80]), [0x12, 0x16, 0x1a]);
        assert_eq!(parse_colour("#a3123a"), Some([0xa3, 0x12, 0x3a]));
        assert_eq!(parse_colour("#fff"), Some([255, 255, 255]));
        assert_eq!(parse_colour("red"), None);
    }
}
