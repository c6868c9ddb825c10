//! Check: what a medical publisher must get right, as diagnostics with file,
//! line and column. Each rule's level (error, warning, off) is set in
//! `[check]` in config.toml; `rounds build` stops on errors.

mod accessibility;
pub mod external;
mod images;
mod language;
mod language_access;
mod photos;
mod privacy;
mod readability;
mod references;
pub mod report;
mod review;
mod terms;
pub mod third_party;

use std::collections::HashMap;

use serde_json::Value;

use crate::config::Config;
use crate::content::{Date, Post};
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::Site;

/// Every rule, with its default level.
pub const RULES: &[(&str, Level)] = &[
    (terms::TOO_MANY, Level::Warning),
    (review::MISSING, Level::Error),
    (references::UNKNOWN_DOCTOR, Level::Error),
    (references::UNKNOWN_PARTNER, Level::Error),
    (references::UNKNOWN_SERVICE, Level::Error),
    (review::STALE, Level::Warning),
    (review::SOURCES_MISSING, Level::Warning),
    (review::SOURCE_MALFORMED, Level::Error),
    (review::CONSENT, Level::Error),
    (photos::CONSENT, Level::Warning),
    (accessibility::ALT_TEXT, Level::Error),
    (accessibility::HEADING_ORDER, Level::Warning),
    (accessibility::LINK_TEXT, Level::Warning),
    (accessibility::IMAGE_ALT, Level::Error),
    (language::LANG, Level::Warning),
    (language_access::NOTICE, Level::Warning),
    (privacy::PHONE, Level::Error),
    (privacy::EMAIL, Level::Error),
    (privacy::SSN, Level::Error),
    (privacy::DATE, Level::Error),
    (privacy::AGE, Level::Error),
    (privacy::ADDRESS, Level::Error),
    (privacy::RECORD, Level::Error),
    (privacy::NPI, Level::Error),
    (privacy::MEDICARE, Level::Error),
    (privacy::IP, Level::Error),
    (privacy::URL, Level::Error),
    (privacy::EVENT_DATE, Level::Error),
    (privacy::HEALTH_PLAN, Level::Error),
    (privacy::ACCOUNT, Level::Error),
    (privacy::LICENSE, Level::Error),
    (privacy::VEHICLE, Level::Error),
    (privacy::DEVICE, Level::Error),
    (third_party::LOADS, Level::Error),
    (images::LOCATION, Level::Warning),
    (images::METADATA, Level::Warning),
    (images::TOO_LARGE, Level::Warning),
    (external::BROKEN, Level::Warning),
    (readability::GRADE, Level::Warning),
    (readability::JARGON, Level::Warning),
    (readability::TOO_SHORT, Level::Warning),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Off,
}

/// Rule levels and limits from `[check]`.
#[derive(Debug, Clone)]
pub struct Settings {
    levels: HashMap<String, Level>,
    /// A review older than this many months is stale.
    pub review_months: u32,
    /// Hosts pages may load from (`privacy/third-party`), e.g. a video embed.
    pub allowed_hosts: Vec<String>,
    /// How long `--external` waits for a link's server.
    pub external_timeout: std::time::Duration,
    /// The Flesch–Kincaid grade patient-facing posts should not exceed.
    pub reading_grade: f64,
    /// The Szigriszt-Pazos perspicuity (INFLESZ scale) Spanish patient-facing
    /// posts should reach.
    pub reading_ease_es: f64,
    /// An image of the site over this many bytes is too large (`image/too-large`).
    pub image_max_bytes: u64,
    /// An image of the site wider or taller than this is too large.
    pub image_max_side: u32,
}

impl Settings {
    pub fn from_config(
        config: &Config,
        root: &std::path::Path,
    ) -> Result<Settings, Vec<Diagnostic>> {
        let text = std::fs::read_to_string(root.join(Config::FILE)).unwrap_or_default();
        let mut settings = Settings {
            levels: HashMap::new(),
            review_months: 12,
            allowed_hosts: Vec::new(),
            external_timeout: std::time::Duration::from_secs(10),
            reading_grade: readability::DEFAULT_GRADE,
            reading_ease_es: readability::DEFAULT_EASE_ES,
            image_max_bytes: images::MAX_BYTES,
            image_max_side: images::MAX_SIDE,
        };
        let problems: Vec<Diagnostic> = config
            .check
            .iter()
            .filter_map(|(key, value)| settings.set(key, value, &text).err())
            .collect();
        if problems.is_empty() {
            Ok(settings)
        } else {
            Err(problems)
        }
    }

    /// Takes one key of `[check]`: a limit by its name, else a rule's level.
    fn set(&mut self, key: &str, value: &Value, text: &str) -> Result<(), Diagnostic> {
        let bad = |message: &str| bad(text, key, message);
        match key {
            "allowed_hosts" => {
                self.allowed_hosts = host_names(value).ok_or_else(|| {
                    bad("`allowed_hosts` is a list of host names, e.g. [\"www.youtube-nocookie.com\"]")
                })?;
            }
            "external_timeout" => {
                let secs = value
                    .as_str()
                    .and_then(crate::outreach::parse_duration)
                    .ok_or_else(|| bad("`external_timeout` is a duration such as \"10s\""))?;
                self.external_timeout = std::time::Duration::from_secs(secs);
            }
            "review_months" => {
                let months = value
                    .as_u64()
                    .ok_or_else(|| bad("`review_months` must be a whole number of months"))?;
                self.review_months = months as u32;
            }
            "reading_grade" => {
                self.reading_grade = value
                    .as_f64()
                    .filter(|g| g.is_finite() && *g > 0.0)
                    .ok_or_else(|| {
                        bad("`reading_grade` must be a positive number, the US school grade, e.g. 8")
                    })?;
            }
            "reading_ease_es" => {
                self.reading_ease_es = value
                    .as_f64()
                    .filter(|e| e.is_finite() && (0.0..=100.0).contains(e))
                    .ok_or_else(|| {
                        bad("`reading_ease_es` must be a number from 0 to 100 on the INFLESZ scale, e.g. 55 (\"normal\")")
                    })?;
            }
            "image_max_bytes" => {
                self.image_max_bytes = value.as_u64().filter(|n| *n > 0).ok_or_else(|| {
                    bad("`image_max_bytes` must be a positive whole number of bytes, e.g. 2000000")
                })?;
            }
            "image_max_side" => {
                self.image_max_side = value
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .filter(|n| *n > 0)
                    .ok_or_else(|| {
                        bad("`image_max_side` must be a positive whole number of pixels, e.g. 3000")
                    })?;
            }
            rule => {
                let level = rule_level(rule, value, text)?;
                self.levels.insert(rule.to_string(), level);
            }
        }
        Ok(())
    }

    pub fn level(&self, rule: &str) -> Level {
        self.levels
            .get(rule)
            .copied()
            .or_else(|| RULES.iter().find(|(id, _)| *id == rule).map(|(_, l)| *l))
            .unwrap_or(Level::Error)
    }
}

/// `allowed_hosts`: a list of strings, or nothing.
fn host_names(value: &Value) -> Option<Vec<String>> {
    value.as_array().and_then(|hosts| {
        hosts
            .iter()
            .map(|h| h.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
    })
}

/// The level set for `rule`, which must be one of [`RULES`].
fn rule_level(rule: &str, value: &Value, text: &str) -> Result<Level, Diagnostic> {
    if !RULES.iter().any(|(id, _)| *id == rule) {
        let known: Vec<&str> = RULES.iter().map(|(id, _)| *id).collect();
        let mut d = bad(text, rule, &format!("unknown check rule `{rule}`"));
        d.help = Some(
            match crate::diagnostic::suggest(rule, known.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("rules are: {}", known.join(", ")),
            },
        );
        return Err(d);
    }
    match value.as_str() {
        Some("error") => Ok(Level::Error),
        Some("warning") => Ok(Level::Warning),
        Some("off") => Ok(Level::Off),
        _ => Err(bad(
            text,
            rule,
            "a rule's level is \"error\", \"warning\" or \"off\"",
        )),
    }
}

fn bad(text: &str, key: &str, message: &str) -> Diagnostic {
    Diagnostic::error("config/check", message.to_string())
        .in_file(Config::FILE)
        .at_opt(
            crate::config::line_of(text, &format!("\"{key}\""))
                .or_else(|| crate::config::line_of(text, key)),
        )
        .with_help("set rules under [check], e.g. \"review/stale\" = \"error\"")
}

/// Reads the tables the rules share (the pronouncing dictionary, the
/// hyphenation patterns, the identifier patterns) now rather than in the
/// first post's check.
pub fn prepare() {
    readability::prepare();
    privacy::prepare();
}

/// The rules, ready to run over one post at a time: `rounds serve` keeps one
/// and checks only the post that was saved.
pub struct Checker {
    settings: Settings,
    today: Date,
    allowed: privacy::Allowed,
    readability: readability::Readability,
}

impl Checker {
    /// The checker, and any problem with the site-wide rule files.
    pub fn new(site: &Site, settings: Settings, today: Date) -> (Checker, Vec<Diagnostic>) {
        let (readability, found) = readability::Readability::new(site, &settings);
        let found = settings.apply(found);
        let checker = Checker {
            allowed: privacy::Allowed::new(site),
            readability,
            settings,
            today,
        };
        (checker, found)
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// A patient-facing post's reading level (`None` for one for physicians).
    pub fn reading(&self, post: &Post) -> Option<readability::Reading> {
        self.readability.reading(post)
    }

    /// A review on `date` is older than `review_months`.
    pub fn is_stale(&self, date: Date) -> bool {
        review::months_between(date, self.today) >= i64::from(self.settings.review_months)
    }

    /// Every rule over one post.
    pub fn post(&self, site: &Site, post: &Post) -> Vec<Diagnostic> {
        let mut found = review::check(post, &self.settings, self.today);
        found.extend(references::check(site, post));
        found.extend(accessibility::check(post));
        found.extend(language::check(post));
        found.extend(privacy::check(post, &self.allowed));
        found.extend(photos::check(post, self.today));
        found.extend(self.readability.check(post));
        found.extend(terms::check(site, post));
        let found = self.settings.apply(found);
        // A draft is not published, so nothing in it stops a build yet;
        // its problems are the writer's to-do list.
        if post.front.draft {
            found.into_iter().map(as_draft_warning).collect()
        } else {
            found
        }
    }
}

fn as_draft_warning(mut d: Diagnostic) -> Diagnostic {
    if d.is_error() {
        d.severity = Severity::Warning;
        d.message
            .push_str(" (in a draft: fix it before publishing)");
    }
    d
}

/// The site's own images as sources: what their metadata tells, and their size.
pub fn check_images(site: &Site, settings: &Settings) -> Vec<Diagnostic> {
    images::check(site, settings)
}

/// The clinic's language-access notice (`clinic/language-access`).
pub fn check_language_access(site: &Site, settings: &Settings) -> Vec<Diagnostic> {
    settings.apply(language_access::check(site))
}

/// Identifiers in outreach items that did not come from a post's own file.
pub fn check_outreach(
    site: &Site,
    items: &[crate::outreach::OutreachItem],
    settings: &Settings,
) -> Vec<Diagnostic> {
    let allowed = privacy::Allowed::new(site);
    let posts: HashMap<&str, &Post> = site
        .posts
        .iter()
        .map(|p| (p.content_path.as_str(), p))
        .collect();
    let mut found: Vec<Diagnostic> = items
        .iter()
        .flat_map(|item| {
            let post = item.post.as_deref().and_then(|p| posts.get(p).copied());
            privacy::check_item(item, post, &allowed)
        })
        .collect();
    // The same config text reaches every network: say it once.
    found.dedup_by(|a, b| {
        a.rule == b.rule && a.message.split(": ").nth(1) == b.message.split(": ").nth(1)
    });
    settings.apply(found)
}

impl Settings {
    /// Sets each diagnostic's severity from its rule's level; drops the ones turned off.
    pub fn apply(&self, found: Vec<Diagnostic>) -> Vec<Diagnostic> {
        found
            .into_iter()
            .filter_map(|mut d| match self.level(d.rule) {
                Level::Off => None,
                Level::Warning => {
                    d.severity = Severity::Warning;
                    Some(d)
                }
                Level::Error => {
                    d.severity = Severity::Error;
                    Some(d)
                }
            })
            .collect()
    }
}

/// A diagnostic at the front-matter line that sets `key`, or the file's top.
fn at_key(post: &Post, rule: &'static str, key: &str, message: String) -> Diagnostic {
    let header_end = post.body_offset.min(post.source.len());
    let position = crate::config::line_of(&post.source[..header_end], key)
        .unwrap_or(crate::diagnostic::Position { line: 1, column: 1 });
    Diagnostic::error(rule, message)
        .in_file(&post.file)
        .at(position)
}
