//! `syntax.css`: the stylesheet for highlighted code, from the themes that
//! `[markdown]` names in `config.toml`.

use super::Generated;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Position};
use crate::load::Site;
use crate::markdown::highlight::{self, StylesheetError};

pub const SYNTAX_CSS: &str = "syntax.css";

/// The code stylesheet, or why the configured themes cannot make one.
pub(super) fn stylesheet(site: &Site) -> Result<Generated, Diagnostic> {
    let markdown = &site.config.markdown;
    match highlight::stylesheet(&markdown.highlight_theme, &markdown.highlight_theme_dark) {
        Ok(css) => Ok(Generated {
            output: SYNTAX_CSS.into(),
            bytes: css.into_bytes(),
        }),
        Err(error) => Err(stylesheet_problem(site, &error)),
    }
}

/// The problem at the line of `config.toml` that names the theme, with the
/// nearest theme there is.
fn stylesheet_problem(site: &Site, error: &StylesheetError) -> Diagnostic {
    let name = match error {
        StylesheetError::UnknownTheme(name) | StylesheetError::Css { theme: name, .. } => name,
    };
    let text = std::fs::read_to_string(site.root.join(Config::FILE)).unwrap_or_default();
    let names = highlight::theme_names();
    let help = match crate::diagnostic::suggest(name, names.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("use one of: {}", names.join(", ")),
    };
    Diagnostic::error("config/highlight-theme", error.to_string())
        .in_file(Config::FILE)
        .at_opt(
            text.lines()
                .position(|l| l.contains(name.as_str()))
                .map(|i| Position {
                    line: i + 1,
                    column: 1,
                }),
        )
        .with_help(help)
}
