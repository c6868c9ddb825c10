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

/// The stylesheet for highlighted code: `light`, and `dark` for dark mode.
pub fn stylesheet(light: &str, dark: &str) -> Result<String, String> {
    let css = |name: &str| {
        let theme = THEMES.themes.get(name).ok_or_else(|| name.to_string())?;
        css_for_theme_with_class_style(theme, CLASS_STYLE).map_err(|e| e.to_string())
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
