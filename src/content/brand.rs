//! `[brand]`: the clinic's logo, colours, font and home-page picture, and
//! the contrast rule its colours must pass against the clinic theme's
//! backgrounds (WCAG 2.2 AA, 4.5:1 for text), in light and dark mode.

use serde::{Deserialize, Serialize};

/// `[brand]` as config.toml writes it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Brand {
    /// Site path of the logo (SVG or raster), e.g. `images/logo.svg`.
    pub logo: Option<String>,
    pub logo_alt: Option<String>,
    /// Links, the header's rule and outlined buttons: `#0b57a4`.
    pub primary: Option<String>,
    /// The call-to-action buttons ("Book an appointment"): `#a3123a`.
    pub accent: Option<String>,
    /// The same two for dark mode; worked out from the light ones when absent.
    pub primary_dark: Option<String>,
    pub accent_dark: Option<String>,
    /// Site path of a font file shipped with the site (WOFF2, WOFF, TTF,
    /// OTF) for headings and the clinic's name; body text keeps the
    /// system's own fonts, tuned for each screen and free to load.
    pub font: Option<String>,
    /// Site path of the home page's picture.
    pub hero: Option<String>,
    pub hero_alt: Option<String>,
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colour([u8; 3]);

impl Colour {
    /// `#rgb` or `#rrggbb`.
    pub fn parse(text: &str) -> Option<Colour> {
        let hex = text.trim().strip_prefix('#')?;
        let digit = |i: usize, len: usize| u8::from_str_radix(hex.get(i..i + len)?, 16).ok();
        match hex.len() {
            3 => Some(Colour([
                digit(0, 1)? * 17,
                digit(1, 1)? * 17,
                digit(2, 1)? * 17,
            ])),
            6 => Some(Colour([digit(0, 2)?, digit(2, 2)?, digit(4, 2)?])),
            _ => None,
        }
    }

    pub fn hex(self) -> String {
        let [r, g, b] = self.0;
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    /// WCAG's relative luminance.
    fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let [r, g, b] = self.0;
        0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    }

    /// WCAG's contrast ratio, 1 to 21.
    pub fn contrast(self, other: Colour) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        let (light, dark) = if a > b { (a, b) } else { (b, a) };
        (light + 0.05) / (dark + 0.05)
    }

    /// Mixed `share` (0 to 1) of the way toward `other`.
    fn toward(self, other: Colour, share: f64) -> Colour {
        let mix =
            |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * share).round() as u8;
        Colour([
            mix(self.0[0], other.0[0]),
            mix(self.0[1], other.0[1]),
            mix(self.0[2], other.0[2]),
        ])
    }
}

pub const WHITE: Colour = Colour([0xff, 0xff, 0xff]);
pub const BLACK: Colour = Colour([0, 0, 0]);

/// WCAG 2.2 AA for text of ordinary size.
pub const AA_TEXT: f64 = 4.5;

/// A background of the clinic theme a brand colour is drawn on, as
/// `themes/clinic/static/style.css` sets it (a test keeps the two equal).
#[derive(Debug, Clone, Copy)]
pub struct Background {
    pub name: &'static str,
    pub colour: Colour,
}

const fn bg(name: &'static str, rgb: [u8; 3]) -> Background {
    Background {
        name,
        colour: Colour(rgb),
    }
}

/// Light mode: the page (`--bg`), panels (`--panel`), physician panels (`--md-panel`).
pub const LIGHT: [Background; 3] = [
    bg("the page background #ffffff", [0xff, 0xff, 0xff]),
    bg("the panel background #f3f6f9", [0xf3, 0xf6, 0xf9]),
    bg("the physician panel background #e9f5f5", [0xe9, 0xf5, 0xf5]),
];

/// Dark mode, the same three.
pub const DARK: [Background; 3] = [
    bg("the dark page background #12161a", [0x12, 0x16, 0x1a]),
    bg("the dark panel background #1c2228", [0x1c, 0x22, 0x28]),
    bg(
        "the dark physician panel background #15292a",
        [0x15, 0x29, 0x2a],
    ),
];

/// A brand colour that fails against a background.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The key in `[brand]`: `primary`, `accent_dark`…
    pub key: &'static str,
    pub written: String,
    /// What it is drawn on or under: "the page background #ffffff", "white button text".
    pub against: String,
    pub ratio: f64,
    /// The nearest colour of the same hue that passes every pair.
    pub alternative: Colour,
}

impl Failure {
    pub fn message(&self) -> String {
        format!(
            "[brand] {} = \"{}\" has a contrast of {:.2}:1 with {}; WCAG AA needs {AA_TEXT}:1 for text",
            self.key, self.written, self.ratio, self.against
        )
    }

    pub fn help(&self) -> String {
        format!(
            "use {key} = \"{alt}\", the nearest shade that passes on every background of the theme",
            key = self.key,
            alt = self.alternative.hex()
        )
    }
}

/// The pairs one brand colour must pass: text on each background, or
/// (for a button colour) the button's own text on it.
#[derive(Debug, Clone, Copy)]
enum Use {
    /// Links and outlines on the theme's backgrounds.
    TextOn(&'static [Background]),
    /// A button filled with the colour, its text in `text`.
    ButtonUnder(Colour, &'static str),
}

impl Use {
    fn pairs(self) -> Vec<(Colour, String)> {
        match self {
            Use::TextOn(backgrounds) => backgrounds
                .iter()
                .map(|b| (b.colour, b.name.to_string()))
                .collect(),
            Use::ButtonUnder(text, name) => vec![(text, name.to_string())],
        }
    }

    /// The colour to move toward until a failing colour passes.
    fn away(self) -> Colour {
        let background = match self {
            Use::TextOn(backgrounds) => backgrounds[0].colour,
            Use::ButtonUnder(text, _) => text,
        };
        if background.luminance() > 0.5 {
            BLACK
        } else {
            WHITE
        }
    }

    fn worst(self, colour: Colour) -> Option<(f64, String)> {
        self.pairs()
            .into_iter()
            .map(|(other, name)| (colour.contrast(other), name))
            .min_by(|a, b| a.0.total_cmp(&b.0))
    }

    fn passes(self, colour: Colour) -> bool {
        self.worst(colour)
            .is_some_and(|(ratio, _)| ratio >= AA_TEXT)
    }

    /// The least change toward black or white that passes every pair.
    fn nearest_passing(self, colour: Colour) -> Colour {
        let away = self.away();
        (1..=100)
            .map(|step| colour.toward(away, f64::from(step) / 100.0))
            .find(|c| self.passes(*c))
            .unwrap_or(away)
    }
}

/// The colours the clinic theme draws with, light and dark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Palette {
    pub primary: Colour,
    pub accent: Colour,
    pub primary_dark: Colour,
    pub accent_dark: Colour,
}

/// What a `[brand]` colour key holds that is not a colour at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAColour {
    pub key: &'static str,
    pub written: String,
}

/// Light-mode button text (`--accent-fg`), and dark mode's (the dark page colour).
const BUTTON_TEXT_LIGHT: Colour = WHITE;
const BUTTON_TEXT_DARK: Colour = Colour([0x12, 0x16, 0x1a]);

pub enum Problem {
    NotAColour(NotAColour),
    Contrast(Failure),
}

impl Brand {
    /// The palette of the colours `[brand]` names, each checked against
    /// the theme; `None` when it names none. Dark shades not written are
    /// the nearest shades of the light ones that pass in dark mode.
    pub fn palette(&self) -> Result<Option<Palette>, Vec<Problem>> {
        if self.primary.is_none() && self.accent.is_none() {
            return Ok(None);
        }
        let mut problems = Vec::new();
        let primary = self.colour("primary", &self.primary, DEFAULT_PRIMARY, &mut problems);
        let accent = self.colour("accent", &self.accent, DEFAULT_ACCENT, &mut problems);
        let primary_dark = self.colour("primary_dark", &self.primary_dark, primary, &mut problems);
        let accent_dark = self.colour("accent_dark", &self.accent_dark, accent, &mut problems);
        let light_button = Use::ButtonUnder(BUTTON_TEXT_LIGHT, "its white button text");
        let dark_button = Use::ButtonUnder(BUTTON_TEXT_DARK, "its dark button text #12161a");
        let checks = [
            ("primary", &self.primary, primary, Use::TextOn(&LIGHT)),
            ("accent", &self.accent, accent, light_button),
            (
                "primary_dark",
                &self.primary_dark,
                primary_dark,
                Use::TextOn(&DARK),
            ),
            ("accent_dark", &self.accent_dark, accent_dark, dark_button),
        ];
        let mut chosen = [primary, accent, primary_dark, accent_dark];
        for (slot, (key, written, colour, usage)) in chosen.iter_mut().zip(checks) {
            match written {
                // A shade left out (only the dark ones can be, here): the
                // light one if it passes, else its nearest shade that does.
                None if !usage.passes(colour) => *slot = usage.nearest_passing(colour),
                None => {}
                Some(text) if Colour::parse(text).is_some() => {
                    if let Some((ratio, against)) =
                        usage.worst(colour).filter(|(r, _)| *r < AA_TEXT)
                    {
                        problems.push(Problem::Contrast(Failure {
                            key,
                            written: text.clone(),
                            against,
                            ratio,
                            alternative: usage.nearest_passing(colour),
                        }));
                    }
                }
                Some(_) => {} // reported as not a colour
            }
        }
        let [primary, accent, primary_dark, accent_dark] = chosen;
        if problems.is_empty() {
            Ok(Some(Palette {
                primary,
                accent,
                primary_dark,
                accent_dark,
            }))
        } else {
            Err(problems)
        }
    }

    fn colour(
        &self,
        key: &'static str,
        written: &Option<String>,
        fallback: Colour,
        problems: &mut Vec<Problem>,
    ) -> Colour {
        match written {
            None => fallback,
            Some(text) => Colour::parse(text).unwrap_or_else(|| {
                problems.push(Problem::NotAColour(NotAColour {
                    key,
                    written: text.clone(),
                }));
                fallback
            }),
        }
    }
}

/// The clinic theme's own colours, used for a key `[brand]` leaves out.
pub const DEFAULT_PRIMARY: Colour = Colour([0x0b, 0x57, 0xa4]);
pub const DEFAULT_ACCENT: Colour = Colour([0xa3, 0x12, 0x3a]);

impl Palette {
    /// The CSS that sets the theme's variables to these colours.
    pub fn css(&self) -> String {
        format!(
            ":root{{--link:{};--accent:{};--brand:{}}}\
             @media (prefers-color-scheme: dark){{:root{{--link:{};--accent:{};--brand:{}}}}}",
            self.primary.hex(),
            self.accent.hex(),
            self.primary.hex(),
            self.primary_dark.hex(),
            self.accent_dark.hex(),
            self.primary_dark.hex(),
        )
    }
}

/// The font formats a browser loads, by file extension, for `@font-face`.
pub fn font_format(path: &str) -> Option<&'static str> {
    let ext = path.rsplit('.').next()?.to_ascii_lowercase();
    match ext.as_str() {
        "woff2" => Some("woff2"),
        "woff" => Some("woff"),
        "ttf" => Some("truetype"),
        "otf" => Some("opentype"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brand(primary: &str, accent: &str) -> Brand {
        Brand {
            primary: Some(primary.into()),
            accent: Some(accent.into()),
            ..Brand::default()
        }
    }

    #[test]
    fn contrast_matches_wcag_examples() {
        assert!((WHITE.contrast(BLACK) - 21.0).abs() < 1e-9);
        // #767676 on white is the well-known 4.54:1 grey.
        let grey = Colour::parse("#767676").unwrap();
        assert!((grey.contrast(WHITE) - 4.54).abs() < 0.01);
        assert_eq!(Colour::parse("#abc"), Colour::parse("#aabbcc"));
        assert_eq!(Colour::parse("blue"), None);
    }

    #[test]
    fn the_themes_own_colours_pass() {
        let palette = brand("#0b57a4", "#a3123a")
            .palette()
            .ok()
            .flatten()
            .unwrap();
        assert_eq!(palette.primary.hex(), "#0b57a4");
        // The dark shades are worked out and pass on the dark panels.
        for b in DARK {
            assert!(
                palette.primary_dark.contrast(b.colour) >= AA_TEXT,
                "{}",
                b.name
            );
        }
        assert!(palette.accent_dark.contrast(BUTTON_TEXT_DARK) >= AA_TEXT);
    }

    #[test]
    fn a_pale_primary_fails_naming_the_pair_and_a_passing_shade() {
        let Err(problems) = brand("#4a90e2", "#a3123a").palette() else {
            panic!("a pale blue passed");
        };
        let Some(Problem::Contrast(failure)) = problems.first() else {
            panic!("no contrast failure");
        };
        assert_eq!(failure.key, "primary");
        // The darkest of the light backgrounds is the one it fails worst on.
        assert!(failure.against.contains("#e9f5f5"), "{}", failure.against);
        assert!(failure.ratio < 4.5);
        assert!(
            failure.message().contains("2.95:1"),
            "{}",
            failure.message()
        );
        for b in LIGHT {
            assert!(failure.alternative.contrast(b.colour) >= AA_TEXT);
        }
        // The nearest: one step lighter would fail.
        assert!(
            failure
                .alternative
                .toward(Colour::parse("#4a90e2").unwrap(), 0.05)
                .contrast(LIGHT[2].colour)
                < AA_TEXT
        );
    }

    #[test]
    fn a_light_accent_fails_under_white_text() {
        let Err(problems) = brand("#0b57a4", "#ff9900").palette() else {
            panic!("orange under white text passed");
        };
        assert!(problems.iter().any(|p| matches!(p, Problem::Contrast(f) if f.key == "accent" && f.against.contains("white"))));
    }

    #[test]
    fn a_written_dark_shade_is_checked_too() {
        let mut b = brand("#0b57a4", "#a3123a");
        b.primary_dark = Some("#0b57a4".into());
        let Err(problems) = b.palette() else {
            panic!("dark blue on a dark page passed");
        };
        assert!(
            problems
                .iter()
                .any(|p| matches!(p, Problem::Contrast(f) if f.key == "primary_dark"))
        );
    }

    #[test]
    fn backgrounds_match_the_themes_stylesheet() {
        let css = include_str!("../../themes/clinic/static/style.css");
        for b in LIGHT.iter().chain(DARK.iter()) {
            assert!(
                css.contains(&b.colour.hex()),
                "style.css has no {}",
                b.colour.hex()
            );
        }
    }
}
