//! `[brand]`'s files are the site's: each must be one the build publishes
//! (from `static/`, the theme's `static/` or `content/`).

use std::path::Path;

use crate::config::{Config, key_line, value_at};
use crate::diagnostic::Diagnostic;
use crate::theme::Theme;

/// A diagnostic for each `[brand]` file the site does not have.
pub fn missing_files(
    root: &Path,
    config: &Config,
    theme: &Theme,
    content_files: &[(std::path::PathBuf, String)],
) -> Vec<Diagnostic> {
    let brand = &config.brand;
    let named = [
        ("logo", &brand.logo),
        ("hero", &brand.hero),
        ("font", &brand.font),
    ];
    let published = |rel: &str| {
        theme.static_files.contains_key(rel) || content_files.iter().any(|(_, out)| out == rel)
    };
    let mut problems = Vec::new();
    for (key, value) in named {
        let Some(value) = value.as_deref() else {
            continue;
        };
        let Some(rel) = published_path(value) else {
            continue; // refused by config (outside the site, another host)
        };
        if published(&rel) {
            continue;
        }
        // Only on a problem: config.toml again, for the line.
        let text = std::fs::read_to_string(root.join(Config::FILE)).unwrap_or_default();
        problems.push(
            Diagnostic::error(
                "brand/missing",
                format!("[brand] {key} = \"{value}\" names a file the site does not have"),
            )
            .in_file(Config::FILE)
            .at_opt(value_at(&text, key_line(&text, &["brand", key])))
            .with_help(format!(
                "put the file at static/{rel}, or name a file of static/ by its site path"
            )),
        );
    }
    problems
}

/// `images/logo.svg` for `images/logo.svg` or `/images/logo.svg`; `None`
/// for an address on another host or a path outside the site.
pub fn published_path(value: &str) -> Option<String> {
    if value.contains("://") || value.starts_with("//") {
        return None;
    }
    let path = crate::site_path::site_path("/", value)?;
    Some(path.trim_start_matches('/').to_string())
}
