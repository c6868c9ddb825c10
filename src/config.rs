//! The site's `config.toml`: the clinic, its site, and settings for each stage.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Position};
use crate::schema::{self, Format, Origin, Schema, Shape, fields_of};

type Table = serde_json::Map<String, serde_json::Value>;

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Config {
    pub title: String,
    pub description: Option<String>,
    pub base_url: String,
    /// The site's main language: its pages are at the top of the site.
    #[serde(default = "default_language")]
    pub language: String,
    /// Further languages the site is written in (`[languages.es]`): their
    /// pages are under `/es/`, from translations such as `post.es.md`.
    #[serde(default)]
    pub languages: std::collections::BTreeMap<String, LanguageConfig>,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_paginate_by")]
    pub paginate_by: usize,
    #[serde(default = "default_feed_limit")]
    pub feed_limit: usize,
    pub default_image: Option<String>,
    pub default_image_alt: Option<String>,
    #[serde(default = "default_taxonomies")]
    pub taxonomies: Vec<TaxonomyConfig>,
    #[serde(default)]
    pub clinic: Clinic,
    /// The logo, colours, font and home-page picture (`content/brand.rs`).
    #[serde(default)]
    pub brand: crate::content::brand::Brand,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// The language-access notice (Section 1557): `derive/language_access.rs`.
    pub language_access: Option<LanguageAccess>,
    #[serde(default)]
    pub extra: Table,
    // Settings owned by later stages (outreach, checks, publishing, deploys).
    #[serde(default)]
    pub networks: Table,
    #[serde(default)]
    pub social: Table,
    #[serde(default)]
    pub physicians: Table,
    #[serde(default)]
    pub check: Table,
    #[serde(default)]
    pub publish: Table,
    #[serde(default)]
    pub deploy: Table,
    /// `base_url` as config.toml writes it, when this build's pages link to
    /// another address (`rounds serve`'s local one, `build --base-url`). The
    /// outreach links to the published site whatever the pages do, so its
    /// links and lengths are those `rounds publish` sends.
    #[serde(skip)]
    pub published_base_url: Option<String>,
}

fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "clinic".into()
}
fn default_paginate_by() -> usize {
    10
}
fn default_feed_limit() -> usize {
    20
}
fn default_true() -> bool {
    true
}

fn default_taxonomies() -> Vec<TaxonomyConfig> {
    ["tags", "categories", "authors"]
        .into_iter()
        .map(|name| TaxonomyConfig {
            name: name.into(),
            paginate_by: None,
            feeds: true,
        })
        .collect()
}

/// A taxonomy such as tags: list pages for each term, with feeds.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct TaxonomyConfig {
    pub name: String,
    pub paginate_by: Option<usize>,
    #[serde(default = "default_true")]
    pub feeds: bool,
}

/// What a further language of the site says of it (`[languages.es]`); both
/// default to the main language's.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct LanguageConfig {
    pub title: Option<String>,
    pub description: Option<String>,
}

/// The practice itself: how patients and referring offices reach it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Clinic {
    pub name: Option<String>,
    pub specialty: Option<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
    pub email: Option<String>,
    pub address: Option<Address>,
    #[serde(default)]
    pub hours: Vec<String>,
    pub booking_url: Option<String>,
    pub referral_url: Option<String>,
    pub liaison: Option<Liaison>,
    pub disclaimer: Option<String>,
    pub language_assistance: Option<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub npi: Vec<String>,
    pub logo: Option<String>,
    /// A photo of the clinic (its building, its waiting room), a site path;
    /// the theme shows it on the About section.
    pub photo: Option<String>,
    pub photo_alt: Option<String>,
}

/// `[language_access]`: the notice of free language assistance a covered
/// clinic must post (45 CFR 92.11), with taglines in the languages it lists.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct LanguageAccess {
    /// Language tags of the taglines to show, in order (`["es", "zh-Hant"]`).
    #[serde(default)]
    pub languages: Vec<String>,
    /// The notice of nondiscrimination; a default naming the clinic otherwise.
    pub nondiscrimination: Option<String>,
    /// The number the taglines give; `[clinic] phone` otherwise.
    pub phone: Option<String>,
    /// A TTY or relay number for the notice (e.g. "711").
    pub tty: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Address {
    pub street: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

/// The person referring offices talk to.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Liaison {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct MarkdownConfig {
    #[serde(default = "default_highlight_theme")]
    pub highlight_theme: String,
    #[serde(default = "default_highlight_theme_dark")]
    pub highlight_theme_dark: String,
    #[serde(default = "default_true")]
    pub smart_punctuation: bool,
}

fn default_highlight_theme() -> String {
    "InspiredGitHub".into()
}
fn default_highlight_theme_dark() -> String {
    "base16-ocean.dark".into()
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            highlight_theme: default_highlight_theme(),
            highlight_theme_dark: default_highlight_theme_dark(),
            smart_punctuation: true,
        }
    }
}

impl Schema for Config {
    fn known_keys(path: &[&str]) -> Option<&'static [&'static str]> {
        match path {
            [] => Some(fields_of::<Config>()),
            ["clinic"] => Some(fields_of::<Clinic>()),
            ["brand"] => Some(fields_of::<crate::content::brand::Brand>()),
            ["clinic", "address"] => Some(fields_of::<Address>()),
            ["clinic", "liaison"] => Some(fields_of::<Liaison>()),
            ["markdown"] => Some(fields_of::<MarkdownConfig>()),
            ["language_access"] => Some(fields_of::<LanguageAccess>()),
            ["taxonomies"] => Some(fields_of::<TaxonomyConfig>()),
            ["languages", _] => Some(fields_of::<LanguageConfig>()),
            _ => None,
        }
    }

    fn shape(path: &[&str]) -> Option<Shape> {
        let shape = match path {
            ["title"] => Shape::example("\"Riverside Heart & Vascular\""),
            ["base_url"] => Shape::example("\"https://riversideheart.example\""),
            ["clinic", "address"] => Shape::example(ADDRESS).made_from_text(address_of),
            ["clinic", "liaison"] => Shape::example(
                "{ name = \"Ana Ruiz\", phone = \"+1-555-0102\", email = \"referrals@clinic.example\" }",
            ),
            ["clinic", "hours"] => Shape::example("[\"Mo-Fr 08:00-17:00\", \"Sa 09:00-12:00\"]")
                .what("a list of opening hours"),
            ["clinic", "npi"] => {
                Shape::example("[\"1234567893\"]").what("a list of NPI numbers, each in quotes")
            }
            ["clinic", "languages"] => {
                Shape::example("[\"en\", \"es\"]").what("a list of language tags")
            }
            ["languages"] => Shape::example("{ es = { title = \"Clínica Riverside\" } }")
                .what("a table per language, e.g. [languages.es]"),
            ["languages", _] => Shape::example("{ title = \"Clínica Riverside\" }")
                .what("a table with the site's title and description in that language"),
            ["language_access", "languages"] => Shape::example("[\"es\", \"zh-Hant\", \"vi\"]")
                .what("a list of language tags of the shipped taglines"),
            ["taxonomies"] => Shape::example("[{ name = \"tags\" }, { name = \"categories\" }]")
                .what("a list of tables such as { name = \"tags\" }"),
            _ => return None,
        };
        Some(shape)
    }

    fn synonyms(path: &[&str]) -> &'static [(&'static str, &'static str)] {
        match path {
            [] => &[
                ("url", "base_url"),
                ("site_url", "base_url"),
                ("baseurl", "base_url"),
                ("lang", "language"),
                ("locale", "language"),
                ("per_page", "paginate_by"),
                ("rss_limit", "feed_limit"),
                ("image", "default_image"),
                ("og_image", "default_image"),
                ("taxonomy", "taxonomies"),
                ("practice", "clinic"),
                ("social_networks", "networks"),
            ],
            ["clinic"] => &[
                ("telephone", "phone"),
                ("tel", "phone"),
                ("mail", "email"),
                ("opening_hours", "hours"),
                ("open", "hours"),
                ("booking", "booking_url"),
                ("appointments", "booking_url"),
                ("referrals", "referral_url"),
                ("location", "address"),
                ("npis", "npi"),
                ("specialty_name", "specialty"),
            ],
            ["brand"] => &[
                ("color", "primary"),
                ("colour", "primary"),
                ("primary_color", "primary"),
                ("primary_colour", "primary"),
                ("secondary", "accent"),
                ("accent_color", "accent"),
                ("accent_colour", "accent"),
                ("typeface", "font"),
                ("font_family", "font"),
                ("hero_image", "hero"),
                ("banner", "hero"),
                ("alt", "logo_alt"),
            ],
            ["clinic", "address"] => &[
                ("state", "region"),
                ("province", "region"),
                ("zip", "postal_code"),
                ("zipcode", "postal_code"),
                ("postcode", "postal_code"),
                ("town", "city"),
                ("line1", "street"),
                ("address", "street"),
            ],
            _ => &[],
        }
    }
}

const ADDRESS: &str = "{ street = \"12 River St\", city = \"Springfield\", region = \"IL\", postal_code = \"62701\" }";

/// `[clinic.address]` from an address written on one line, as on an
/// envelope: "1 Main St, Springfield, IL 62701".
fn address_of(text: &str) -> Option<String> {
    let mut parts: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let quoted = |t: &str| toml::Value::String(t.to_string()).to_string();
    let mut fields = Vec::new();
    let country = match parts.last() {
        Some(&last)
            if parts.len() > 3 && last.chars().all(|c| c.is_ascii_uppercase() || c == '.') =>
        {
            parts.pop()
        }
        _ => None,
    };
    let (region, postal_code) = match parts.len() {
        3.. => {
            let last = parts.pop()?;
            match last.rsplit_once(' ') {
                Some((region, code)) if code.chars().any(|c| c.is_ascii_digit()) => {
                    (Some(region.trim()), Some(code))
                }
                _ if last.chars().any(|c| c.is_ascii_digit()) => (None, Some(last)),
                _ => (Some(last), None),
            }
        }
        _ => (None, None),
    };
    let city = if parts.len() >= 2 { parts.pop() } else { None };
    fields.push(("street", parts.join(", ")));
    for (key, value) in [
        ("city", city),
        ("region", region),
        ("postal_code", postal_code),
        ("country", country),
    ] {
        if let Some(value) = value {
            fields.push((key, value.to_string()));
        }
    }
    let written: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{k} = {}", quoted(v)))
        .collect();
    Some(format!("{{ {} }}", written.join(", ")))
}

impl Config {
    pub const FILE: &'static str = "config.toml";

    /// Reads and checks `config.toml` under `root`.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let file = Path::new(Config::FILE);
        let bytes = std::fs::read(root.join(file)).map_err(|e| {
            let help = if e.kind() == std::io::ErrorKind::NotFound {
                format!(
                    "run `rounds build` from the site folder, pass `--root DIR`, or create a site with `rounds init {}`",
                    root.display()
                )
            } else {
                "check the file's permissions".into()
            };
            vec![Diagnostic::error("config/unreadable", format!("cannot read {}: {e}", root.join(file).display())).with_help(help)]
        })?;
        // Not UTF-8: at the line and column of the first byte that is not.
        let text = String::from_utf8(bytes)
            .map_err(|e| vec![crate::source::not_utf8(file, e.as_bytes(), e.utf8_error())])?;
        let origin = Origin {
            file,
            first_line: 1,
        };
        let config = schema::parse::<Config>(Format::Toml, &text, origin)?;
        let mut problems = Vec::new();
        let base = config.base_url.trim();
        if !(base.starts_with("http://") || base.starts_with("https://") || base.starts_with('/')) {
            problems.push(
                Diagnostic::error("config/base-url", format!("base_url `{base}` is not an absolute URL"))
                    .in_file(file)
                    .at_opt(line_of(&text, "base_url"))
                    .with_help("write the address the site is published at, e.g. base_url = \"https://riversideheart.example\""),
            );
        }
        let mut seen = std::collections::HashSet::new();
        for taxonomy in &config.taxonomies {
            if slug::slugify(&taxonomy.name) != taxonomy.name || !seen.insert(&taxonomy.name) {
                problems.push(
                    Diagnostic::error("config/taxonomy", format!("taxonomy name `{}` must be unique, lowercase, letters, digits and dashes", taxonomy.name))
                        .in_file(file)
                        .at_opt(line_of(&text, "taxonomies"))
                        .with_help("use names such as \"tags\", \"categories\", \"authors\""),
                );
            }
        }
        problems.extend(config.paths_outside(&text));
        problems.extend(brand_problems(&config.brand, &text));
        if problems.is_empty() {
            let mut config = config;
            // `[clinic] logo` is the older spelling of `[brand] logo`.
            if config.brand.logo.is_none() {
                config.brand.logo = config.clinic.logo.clone();
            }
            config.clinic.logo = config.brand.logo.clone();
            Ok(config)
        } else {
            Err(problems)
        }
    }

    /// Images named in config are site paths; they may not climb out of it.
    fn paths_outside(&self, text: &str) -> Vec<Diagnostic> {
        let file = Path::new(Config::FILE);
        let images = [
            (&self.default_image, ["default_image"].as_slice()),
            (&self.clinic.logo, ["clinic", "logo"].as_slice()),
            (&self.brand.logo, ["brand", "logo"].as_slice()),
            (&self.brand.hero, ["brand", "hero"].as_slice()),
            (&self.brand.font, ["brand", "font"].as_slice()),
            (&self.clinic.photo, ["clinic", "photo"].as_slice()),
        ];
        images
            .into_iter()
            .filter_map(|(value, key)| Some((value.as_deref()?, key)))
            .filter(|(value, _)| {
                !value.contains("://") && crate::site_path::site_path("/", value).is_none()
            })
            .map(|(value, key)| {
                crate::site_path::outside_output(
                    &key.join("."),
                    value,
                    file,
                    key_line(text, key),
                    "name a file of the site by its site path, e.g. \"/images/clinic.jpg\" for static/images/clinic.jpg",
                )
            })
            .collect()
    }

    /// The base URL without a trailing slash; paths are appended to it.
    pub fn base(&self) -> &str {
        self.base_url.trim().trim_end_matches('/')
    }

    /// The absolute URL of a site path such as `/blog/post/`.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base(), path)
    }

    /// The address the site is published at, without a trailing slash:
    /// config.toml's `base_url` even when this build's pages link elsewhere.
    pub fn published_base(&self) -> &str {
        self.published_base_url
            .as_deref()
            .unwrap_or(&self.base_url)
            .trim()
            .trim_end_matches('/')
    }

    /// The absolute URL of a site path on the published site: what outreach
    /// links to.
    pub fn published_permalink(&self, path: &str) -> String {
        format!("{}{}", self.published_base(), path)
    }

    /// The clinic's display name, falling back to the site title.
    pub fn clinic_name(&self) -> &str {
        self.clinic.name.as_deref().unwrap_or(&self.title)
    }

    /// The site's languages, the main one first: each has a tree of pages.
    pub fn trees(&self) -> Vec<&str> {
        let mut trees = vec![self.language.as_str()];
        trees.extend(
            self.languages
                .keys()
                .map(String::as_str)
                .filter(|l| *l != self.language),
        );
        trees
    }

    /// Whether `lang` is one of the site's further languages (not the main one).
    pub fn is_translation_language(&self, lang: &str) -> bool {
        lang != self.language && self.languages.contains_key(lang)
    }

    /// Where a language's tree of pages starts: `""` for the main language,
    /// `"/es"` for Spanish.
    pub fn tree_prefix(&self, tree: &str) -> String {
        if tree == self.language {
            String::new()
        } else {
            format!("/{tree}")
        }
    }

    /// The language tree a site path is in: `/es/blog/` is Spanish's.
    pub fn tree_of_path<'c>(&'c self, path: &str) -> &'c str {
        let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
        match self.languages.get_key_value(first) {
            Some((lang, _)) if path.len() > first.len() + 1 && *lang != self.language => lang,
            _ => &self.language,
        }
    }

    /// The site's title in `tree`'s language.
    pub fn title_in(&self, tree: &str) -> &str {
        self.languages
            .get(tree)
            .and_then(|l| l.title.as_deref())
            .unwrap_or(&self.title)
    }

    /// The site's description in `tree`'s language.
    pub fn description_in(&self, tree: &str) -> Option<&str> {
        self.languages
            .get(tree)
            .and_then(|l| l.description.as_deref())
            .or(self.description.as_deref())
    }
}

/// What is wrong in `[brand]`: a colour that is not one or fails contrast,
/// a picture without its alt text, a font that is not a file of the site.
fn brand_problems(brand: &crate::content::brand::Brand, text: &str) -> Vec<Diagnostic> {
    use crate::content::brand::{Problem, font_format};
    let file = Path::new(Config::FILE);
    let at = |key: &str| value_at(text, key_line(text, &["brand", key]));
    let mut problems: Vec<Diagnostic> = match brand.palette() {
        Ok(_) => Vec::new(),
        Err(found) => found
            .into_iter()
            .map(|problem| match problem {
                Problem::NotAColour(bad) => Diagnostic::error(
                    "brand/colour",
                    format!("[brand] {} = \"{}\" is not a colour", bad.key, bad.written),
                )
                .in_file(file)
                .at_opt(at(bad.key))
                .with_help(format!(
                    "write it as a hex colour, e.g. {} = \"#0b57a4\"",
                    bad.key
                )),
                Problem::Contrast(failure) => {
                    Diagnostic::error("brand/contrast", failure.message())
                        .in_file(file)
                        .at_opt(at(failure.key))
                        .with_help(failure.help())
                }
            })
            .collect(),
    };
    for (picture, alt, key, alt_key) in [
        (&brand.logo, &brand.logo_alt, "logo", "logo_alt"),
        (&brand.hero, &brand.hero_alt, "hero", "hero_alt"),
    ] {
        if picture.is_some() && alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
            problems.push(
                Diagnostic::error("brand/alt", format!("[brand] {key} has no {alt_key}"))
                    .in_file(file)
                    .at_opt(at(key))
                    .with_help(format!(
                        "say what the picture shows, e.g. {alt_key} = \"{}\"",
                        if key == "logo" {
                            "Riverside Heart & Vascular"
                        } else {
                            "Our waiting room, with a play corner for children"
                        }
                    )),
            );
        }
    }
    for (key, value) in [
        ("logo", &brand.logo),
        ("hero", &brand.hero),
        ("font", &brand.font),
    ] {
        let Some(value) = value else { continue };
        if value.contains("://") || value.starts_with("//") {
            problems.push(
                Diagnostic::error("brand/remote", format!("[brand] {key} = \"{value}\" is on another site"))
                    .in_file(file)
                    .at_opt(at(key))
                    .with_help("put the file in static/ and name it by its site path, e.g. \"fonts/clinic.woff2\": a page that loads from another host tells it who reads about which condition"),
            );
        } else if key == "font" && font_format(value).is_none() {
            problems.push(
                Diagnostic::error("brand/font", format!("[brand] {key} = \"{value}\" is not a font file a browser loads"))
                    .in_file(file)
                    .at_opt(at(key))
                    .with_help("name a .woff2 file (or .woff, .ttf, .otf) in static/, e.g. \"fonts/clinic.woff2\""),
            );
        }
    }
    problems
}

/// The start of the value on the line a key sets, `key = "value"`: a
/// problem with a value points at it, not at its key.
pub fn value_at(text: &str, key: Option<Position>) -> Option<Position> {
    let key = key?;
    let line = text.lines().nth(key.line - 1)?;
    let after = line.find('=')? + 1;
    let value = after + (line[after..].len() - line[after..].trim_start().len());
    Some(Position {
        line: key.line,
        column: line[..value].chars().count() + 1,
    })
}

/// The position of the first line that sets `key`.
pub fn line_of(text: &str, key: &str) -> Option<Position> {
    text.lines().enumerate().find_map(|(i, line)| {
        let rest = line.trim_start().strip_prefix(key)?;
        rest.trim_start()
            .starts_with(['=', ':'])
            .then_some(Position {
                line: i + 1,
                column: line.len() - line.trim_start().len() + 1,
            })
    })
}

/// The position of the line that sets the key at `path` (`["physicians",
/// "section"]`): inside its table (`[physicians]`, or an inline table on a
/// parent's line), else the first line that sets its last part.
pub fn key_line(text: &str, path: &[&str]) -> Option<Position> {
    for split in (0..path.len()).rev() {
        let key = path[split];
        if split == 0 {
            // Top-level keys come before the first table header.
            let top = text.split("\n[").next().unwrap_or(text);
            if let Some(position) = line_of(top, key) {
                return Some(position);
            }
            continue;
        }
        let header = format!("[{}]", path[..split].join("."));
        let Some(start) = text.lines().position(|l| l.trim() == header) else {
            continue;
        };
        let table: Vec<&str> = text
            .lines()
            .skip(start + 1)
            .take_while(|l| !l.trim_start().starts_with('['))
            .collect();
        if let Some(p) = line_of(&table.join("\n"), key) {
            return Some(Position {
                line: p.line + start + 1,
                column: p.column,
            });
        }
    }
    line_of(text, path.last()?)
}

/// Resolves an image named in front matter: co-located, site path or URL.
/// Loading refused every path that leaves the site; should one reach here
/// all the same, the post's own page stands in for it.
pub fn image_url(config: &Config, post_path: &str, image: &str) -> String {
    resolve_image(post_path, image, |path| config.permalink(path))
}

/// [`image_url`] on the published site, for outreach (see
/// [`Config::published_permalink`]).
pub fn published_image_url(config: &Config, post_path: &str, image: &str) -> String {
    resolve_image(post_path, image, |path| config.published_permalink(path))
}

fn resolve_image(post_path: &str, image: &str, permalink: impl Fn(&str) -> String) -> String {
    if image.contains("://") {
        return image.to_string();
    }
    match crate::site_path::site_path(post_path, image) {
        Some(path) => permalink(&path),
        None => permalink(post_path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_a_minimal_config() {
        let config: Config =
            toml::from_str("title = \"T\"\nbase_url = \"https://x.example/\"").unwrap();
        assert_eq!(config.theme, "clinic");
        assert_eq!(config.taxonomies.len(), 3);
        assert_eq!(config.permalink("/blog/"), "https://x.example/blog/");
    }

    #[test]
    fn keys_are_found_in_their_table() {
        let text = "section = \"top\"\n[social]\nsection = 1\nrecommend = { path = \"/\" }\n[physicians]\nsection = \"x\"\n";
        let at = |path: &[&str]| key_line(text, path).map(|p| (p.line, p.column));
        assert_eq!(at(&["physicians", "section"]), Some((6, 1)));
        assert_eq!(at(&["social", "recommend", "path"]), Some((4, 1)));
        assert_eq!(at(&["section"]), Some((1, 1)));
        assert_eq!(at(&["clinic", "logo"]), None);
    }

    #[test]
    fn an_address_on_one_line_is_split_into_its_table() {
        assert_eq!(
            address_of("1 Main St, Suite 3, Springfield, IL 62701").as_deref(),
            Some(
                "{ street = \"1 Main St, Suite 3\", city = \"Springfield\", region = \"IL\", postal_code = \"62701\" }"
            )
        );
        assert_eq!(
            address_of("12 River St").as_deref(),
            Some("{ street = \"12 River St\" }")
        );
    }

    #[test]
    fn a_clinic_key_is_suggested_by_meaning() {
        let text = "title = \"T\"\nbase_url = \"https://x.example\"\n[clinic]\ntelephone = \"1\"\n[clinic.address]\nzip = \"62701\"\n";
        let origin = Origin {
            file: Path::new("config.toml"),
            first_line: 1,
        };
        let errors = schema::parse::<Config>(Format::Toml, text, origin).unwrap_err();
        let helps: Vec<(usize, Option<&str>)> = errors
            .iter()
            .map(|e| (e.position.unwrap().line, e.help.as_deref()))
            .collect();
        assert_eq!(
            helps,
            [
                (4, Some("did you mean `phone`?")),
                (6, Some("did you mean `postal_code`?"))
            ]
        );
    }

    #[test]
    fn unknown_clinic_key_is_suggested() {
        let text = "title = \"T\"\nbase_url = \"https://x.example\"\n[clinic]\nphnoe = \"1\"\n";
        let errors = schema::parse::<Config>(
            Format::Toml,
            text,
            Origin {
                file: Path::new("config.toml"),
                first_line: 1,
            },
        )
        .unwrap_err();
        assert_eq!(errors[0].position.unwrap().line, 4);
        assert_eq!(errors[0].help.as_deref(), Some("did you mean `phone`?"));
        assert_eq!(errors[0].rule, "config/unknown-key");
    }
}
