//! Syntax highlighting with CSS classes: one stylesheet, no inline styles.

use std::sync::LazyLock;

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

// Loaded on first use: most clinic posts have no code at all.
static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);
static THEMES: LazyLock<ThemeSet> = LazyLock::new(ThemeSet::load_defaults);

/// Highlights `code` written in `lang`; `None` when the language is unknown.
pub fn highlight(code: &str, lang: &str) -> Option<String> {
    let syntaxes = &*SYNTAXES;
    let syntax = syntaxes
        .find_syntax_by_token(lang)
        .or_else(|| syntaxes.find_syntax_by_name(lang))?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        generator
            .parse_html_for_line_which_includes_newline(line)
            .ok()?;
    }
    Some(generator.finalize())
}

/// The names of the themes `stylesheet` accepts.
pub fn theme_names() -> Vec<&'static str> {
    THEMES.themes.keys().map(String::as_str).collect()
}

/// Why the code stylesheet could not be made.
#[derive(Debug, thiserror::Error)]
pub enum StylesheetError {
    /// `[markdown] highlight_theme` (or `_dark`) names no theme syntect has.
    #[error("unknown code highlighting theme `{0}`")]
    UnknownTheme(String),
    /// syntect could not write a known theme as CSS.
    #[error("cannot make CSS from code highlighting theme `{theme}`: {source}")]
    Css {
        theme: String,
        source: syntect::Error,
    },
}

/// The stylesheet for highlighted code: `light`, and `dark` for dark mode.
pub fn stylesheet(light: &str, dark: &str) -> Result<String, StylesheetError> {
    let css = |name: &str| {
        let theme = THEMES
            .themes
            .get(name)
            .ok_or_else(|| StylesheetError::UnknownTheme(name.to_string()))?;
        css_for_theme_with_class_style(theme, CLASS_STYLE).map_err(|source| StylesheetError::Css {
            theme: name.to_string(),
            source,
        })
    };
    let light = css(light)?;
    let dark = css(dark)?;
    Ok(format!(
        "{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_get_classes_not_styles() {
        let html = highlight("fn main() {}\n", "rust").unwrap();
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(!html.contains("style="));
        assert!(highlight("x", "no-such-language").is_none());
    }

    #[test]
    fn stylesheet_has_a_dark_mode() {
        let css = stylesheet("InspiredGitHub", "base16-ocean.dark").unwrap();
        assert!(css.contains("prefers-color-scheme: dark"));
        assert!(stylesheet("nope", "base16-ocean.dark").is_err());
    }
}
