//! Themes: the templates and static files a site is drawn with.
//!
//! Templates are layered: the built-in `clinic` theme, then the site's chosen
//! theme from `themes/<name>/`, then the site's own `templates/`. A later layer
//! replaces a template of the same name, so a site overrides one page at a time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::diagnostic::{Diagnostic, Position};

static BUILT_IN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/clinic");

/// The name of the theme compiled into the binary.
pub const DEFAULT_THEME: &str = "clinic";

/// Where a template or static file came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    BuiltIn(PathBuf),
    File(PathBuf),
}

impl Origin {
    /// A path to show users: site-relative for their files, `themes/clinic/…` for built-ins.
    pub fn display_path(&self) -> PathBuf {
        match self {
            Origin::BuiltIn(p) => Path::new("themes").join(DEFAULT_THEME).join(p),
            Origin::File(p) => p.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Template {
    pub text: String,
    pub origin: Origin,
}

/// A static file to publish: its bytes are read when written.
#[derive(Debug, Clone)]
pub enum StaticSource {
    BuiltIn(&'static [u8]),
    File(PathBuf),
}

#[derive(Debug, Default)]
pub struct Theme {
    /// Template name (`post.html`, `partials/head.html`) to its text.
    pub templates: BTreeMap<String, Template>,
    /// Output path relative to the site root to its source.
    pub static_files: BTreeMap<String, StaticSource>,
    /// The theme's words by language (`i18n/es.toml`): key to text. The
    /// site's own `i18n/` files change or add to the theme's.
    pub strings: BTreeMap<String, Strings>,
}

/// One language's words of the theme: key to text.
pub type Strings = BTreeMap<String, String>;

/// The language whose words stand in for those another language lacks.
pub const FALLBACK_LANGUAGE: &str = "en";

impl Theme {
    /// The words for pages in `lang`: the English ones, replaced by those
    /// the language has. The second value is false when the theme and site
    /// have no words at all in `lang`.
    pub fn strings_for(&self, lang: &str) -> (Strings, bool) {
        let mut words = self
            .strings
            .get(FALLBACK_LANGUAGE)
            .cloned()
            .unwrap_or_default();
        let own = self.strings.get(lang);
        if let Some(own) = own {
            words.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        (words, own.is_some())
    }

    /// Adds the words of one `i18n/<lang>.toml`, named `file` in messages.
    fn add_strings(&mut self, file: &Path, text: &str) -> Result<(), Diagnostic> {
        let lang = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let words: Strings = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|span| crate::diagnostic::position_of(text, span.start));
            Diagnostic::error(
                "theme/strings",
                format!(
                    "the theme's words in `{lang}` cannot be read: {}",
                    e.message()
                ),
            )
            .in_file(file)
            .at_opt(at)
            .with_help(
                "write one `key = \"text\"` per line, e.g. reviewed_by = \"Medically reviewed by\"",
            )
        })?;
        self.strings.entry(lang).or_default().extend(words);
        Ok(())
    }
}

impl Theme {
    /// Loads the layered templates and static files for the site at `root`.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Vec<Diagnostic>> {
        let mut theme = Theme::default();
        theme.add_built_in(&BUILT_IN);
        let Some(theme_dir) = crate::site_path::folder_within("themes", name) else {
            return Err(vec![
                Diagnostic::error(
                    crate::site_path::OUTSIDE_SITE,
                    format!("theme `{name}` leads outside the site's themes/ folder"),
                )
                .in_file(crate::config::Config::FILE)
                .at_opt(theme_line(root))
                .with_help("name a folder of themes/, e.g. theme = \"calm\" for themes/calm/"),
            ]);
        };
        if root.join(&theme_dir).is_dir() {
            theme.add_folder(
                root,
                &theme_dir.join("templates"),
                &theme_dir.join("static"),
            )?;
            theme.add_strings_in(root, &theme_dir.join("i18n"))?;
        } else if name != DEFAULT_THEME {
            let known = available(root);
            return Err(vec![
                Diagnostic::error("config/theme", format!("theme `{name}` not found"))
                    .in_file(crate::config::Config::FILE)
                    .at_opt(theme_line(root))
                    .with_help(format!(
                        "put the theme in {}, or use one of: {}",
                        theme_dir.display(),
                        known.join(", ")
                    )),
            ]);
        }
        theme.add_folder(root, Path::new("templates"), Path::new("static"))?;
        theme.add_strings_in(root, Path::new("i18n"))?;
        Ok(theme)
    }

    /// The `*.toml` files of `dir` (the theme's or the site's `i18n/`).
    fn add_strings_in(&mut self, root: &Path, dir: &Path) -> Result<(), Vec<Diagnostic>> {
        let (files, mut problems) = files_under(root, dir);
        for (rel, file) in files {
            if !rel.ends_with(".toml") || rel.contains('/') {
                continue;
            }
            match crate::source::read_text(root, &file) {
                Ok(text) => problems.extend(self.add_strings(&file, &text).err()),
                Err(problem) => problems.push(problem),
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    fn add_built_in(&mut self, dir: &'static Dir<'static>) {
        for entry in dir.entries() {
            if let Some(sub) = entry.as_dir() {
                self.add_built_in(sub);
            } else if let Some(file) = entry.as_file() {
                let path = file.path();
                if let Ok(rel) = path.strip_prefix("templates") {
                    let text = String::from_utf8_lossy(file.contents()).into_owned();
                    self.templates.insert(
                        slash_path(rel),
                        Template {
                            text,
                            origin: Origin::BuiltIn(path.to_path_buf()),
                        },
                    );
                } else if let Ok(rel) = path.strip_prefix("static") {
                    self.static_files
                        .insert(slash_path(rel), StaticSource::BuiltIn(file.contents()));
                } else if path.starts_with("i18n") {
                    let text = String::from_utf8_lossy(file.contents());
                    let origin = Path::new("themes").join(DEFAULT_THEME).join(path);
                    // The shipped words are checked by a unit test.
                    let _ = self.add_strings(&origin, &text);
                }
            }
        }
    }

    fn add_folder(
        &mut self,
        root: &Path,
        templates: &Path,
        statics: &Path,
    ) -> Result<(), Vec<Diagnostic>> {
        let (templates, mut problems) = files_under(root, templates);
        let (statics, more) = files_under(root, statics);
        problems.extend(more);
        for (rel, file) in templates {
            match std::fs::read(root.join(&file)) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => {
                        self.templates.insert(
                            rel,
                            Template {
                                text,
                                origin: Origin::File(file),
                            },
                        );
                    }
                    Err(e) => {
                        problems.push(crate::source::not_utf8(&file, e.as_bytes(), e.utf8_error()))
                    }
                },
                Err(e) => problems.push(crate::source::unreadable(&file, &e)),
            }
        }
        for (rel, file) in statics {
            self.static_files
                .insert(rel, StaticSource::File(root.join(file)));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

/// Files below `root/dir`, as (path relative to `dir` with `/`, path
/// relative to `root`), and an error for each link that leads out of the site.
fn files_under(root: &Path, dir: &Path) -> (Vec<(String, PathBuf)>, Vec<Diagnostic>) {
    let walk = crate::site_path::walk(root, dir, crate::source::is_hidden);
    let files = walk
        .files
        .into_iter()
        .filter_map(|file| {
            let rel = file.strip_prefix(dir).ok()?;
            Some((slash_path(rel), file.clone()))
        })
        .collect();
    let problems = walk
        .links_out
        .iter()
        .map(|link| crate::site_path::link_outside(link))
        .collect();
    (files, problems)
}

fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn available(root: &Path) -> Vec<String> {
    let mut names = vec![DEFAULT_THEME.to_string()];
    if let Ok(entries) = std::fs::read_dir(root.join("themes")) {
        names.extend(
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned()),
        );
    }
    names
}

fn theme_line(root: &Path) -> Option<Position> {
    let text = std::fs::read_to_string(root.join(crate::config::Config::FILE)).ok()?;
    crate::config::line_of(&text, "theme")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every shipped language has every English key, and every key a
    /// shipped template asks for (`strings.key`) is in English.
    #[test]
    fn shipped_words_cover_every_key_the_templates_use() {
        let mut theme = Theme::default();
        theme.add_built_in(&BUILT_IN);
        let english = &theme.strings[FALLBACK_LANGUAGE];
        assert!(theme.strings.len() >= 2, "English and Spanish are shipped");
        for (lang, words) in &theme.strings {
            let missing: Vec<&String> =
                english.keys().filter(|k| !words.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        }
        for (name, template) in &theme.templates {
            for (at, _) in template.text.match_indices("strings.") {
                let key: String = template.text[at + 8..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                assert!(
                    english.contains_key(&key),
                    "{name} uses strings.{key}, which en.toml lacks"
                );
            }
        }
    }
}
