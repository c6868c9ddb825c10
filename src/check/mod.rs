//! Check: what a medical publisher must get right, as diagnostics with file,
//! line and column. Each rule's level (error, warning, off) is set in
//! `[check]` in config.toml; `rounds build` stops on errors.

mod accessibility;
mod privacy;
mod readability;
mod review;

use std::collections::HashMap;

use crate::config::Config;
use crate::content::{Date, Post};
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::Site;

/// Every rule, with its default level.
pub const RULES: &[(&str, Level)] = &[
    (review::MISSING, Level::Error),
    (review::UNKNOWN_DOCTOR, Level::Error),
    (review::STALE, Level::Warning),
    (review::SOURCES_MISSING, Level::Warning),
    (review::SOURCE_MALFORMED, Level::Error),
    (review::CONSENT, Level::Error),
    (accessibility::ALT_TEXT, Level::Error),
    (accessibility::HEADING_ORDER, Level::Warning),
    (accessibility::LINK_TEXT, Level::Warning),
    (accessibility::IMAGE_ALT, Level::Error),
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
    /// The Flesch–Kincaid grade patient-facing posts should not exceed.
    pub reading_grade: f64,
}

impl Settings {
    pub fn from_config(
        config: &Config,
        root: &std::path::Path,
    ) -> Result<Settings, Vec<Diagnostic>> {
        let mut levels = HashMap::new();
        let mut review_months = 12;
        let mut reading_grade = readability::DEFAULT_GRADE;
        let mut problems = Vec::new();
        let text = std::fs::read_to_string(root.join(Config::FILE)).unwrap_or_default();
        for (key, value) in &config.check {
            if key == "review_months" {
                match value.as_u64() {
                    Some(n) => review_months = n as u32,
                    None => problems.push(bad(
                        &text,
                        key,
                        "`review_months` must be a whole number of months",
                    )),
                }
                continue;
            }
            if key == "reading_grade" {
                match value.as_f64().filter(|g| g.is_finite() && *g > 0.0) {
                    Some(grade) => reading_grade = grade,
                    None => problems.push(bad(
                        &text,
                        key,
                        "`reading_grade` must be a positive number, the US school grade, e.g. 8",
                    )),
                }
                continue;
            }
            if !RULES.iter().any(|(id, _)| id == key) {
                let known: Vec<&str> = RULES.iter().map(|(id, _)| *id).collect();
                let mut d = bad(&text, key, &format!("unknown check rule `{key}`"));
                d.help = Some(
                    match crate::diagnostic::suggest(key, known.iter().copied()) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => format!("rules are: {}", known.join(", ")),
                    },
                );
                problems.push(d);
                continue;
            }
            let level = match value.as_str() {
                Some("error") => Level::Error,
                Some("warning") => Level::Warning,
                Some("off") => Level::Off,
                _ => {
                    problems.push(bad(
                        &text,
                        key,
                        "a rule's level is \"error\", \"warning\" or \"off\"",
                    ));
                    continue;
                }
            };
            levels.insert(key.clone(), level);
        }
        if problems.is_empty() {
            Ok(Settings {
                levels,
                review_months,
                reading_grade,
            })
        } else {
            Err(problems)
        }
    }

    pub fn level(&self, rule: &str) -> Level {
        self.levels
            .get(rule)
            .copied()
            .or_else(|| RULES.iter().find(|(id, _)| *id == rule).map(|(_, l)| *l))
            .unwrap_or(Level::Error)
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

/// Runs every rule over every post.
pub fn check(site: &Site, settings: &Settings, today: Date) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let allowed = privacy::Allowed::new(site);
    let (readability, mut found) = readability::Readability::new(site, settings);
    let per_post: Vec<Diagnostic> = site
        .posts
        .par_iter()
        .flat_map_iter(|post| {
            let mut found = review::check(site, post, settings, today);
            found.extend(accessibility::check(post));
            found.extend(privacy::check(post, &allowed));
            found.extend(readability.check(post));
            found
        })
        .collect();
    found.extend(per_post);
    found
        .into_iter()
        .filter_map(|mut d| match settings.level(d.rule) {
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

/// A diagnostic at the front-matter line that sets `key`, or the file's top.
fn at_key(post: &Post, rule: &'static str, key: &str, message: String) -> Diagnostic {
    let header_end = post.body_offset.min(post.source.len());
    let position = crate::config::line_of(&post.source[..header_end], key)
        .unwrap_or(crate::diagnostic::Position { line: 1, column: 1 });
    Diagnostic::error(rule, message)
        .in_file(&post.file)
        .at(position)
}
