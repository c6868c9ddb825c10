//! How long browsers and CDNs may keep each file: the `Cache-Control` header,
//! from the site's `[[deploy.cache]]` rules first, then sensible defaults.

use globset::GlobMatcher;

/// The defaults, first match wins. Pages must show a correction at once (a
/// medical site fixes a dosage and it has to be seen), so HTML is revalidated
/// on every visit; feeds are polled, so a few minutes spare the origin. Rounds
/// does not fingerprint its stylesheets, so they are kept only an hour.
const DEFAULTS: &[(&str, &str)] = &[
    ("*.{html,htm}", "public, max-age=0, must-revalidate"),
    (
        "*.{xml,rss,atom,json,txt,webmanifest}",
        "public, max-age=300",
    ),
    ("*.{css,js,mjs}", "public, max-age=3600"),
    (
        "*.{png,jpg,jpeg,gif,webp,avif,svg,svgz,ico,woff,woff2,ttf,otf,mp4,webm,mp3,ogg,pdf}",
        "public, max-age=86400",
    ),
    ("*", "public, max-age=3600"),
];

/// A file whose name carries its content's hash never changes under that
/// name, so it may be kept for a year.
const FINGERPRINTED: &str = "public, max-age=31536000, immutable";

/// What is wrong with a `[[deploy.cache]]` rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// Its `Cache-Control` would be empty, or break the header onto a new
    /// line.
    #[error("`cache_control` must be one line, e.g. \"public, max-age=3600\"")]
    NotOneLine,
    #[error("`pattern` is empty; write e.g. \"*.html\" or \"images/**\"")]
    EmptyPattern,
    #[error("`pattern` {pattern:?} is not a valid glob: {kind}")]
    NotAGlob {
        pattern: String,
        kind: globset::ErrorKind,
    },
}

/// Where the rules for `Cache-Control` come from, for error messages.
#[derive(Debug, Clone)]
pub struct CacheRule {
    pub pattern: String,
    pub cache_control: String,
}

#[derive(Clone)]
enum Matcher {
    /// A pattern without `/` matches the file name in any folder (as in
    /// `.gitignore`); one with `/` matches the whole path from the site root.
    Glob { glob: GlobMatcher, whole_path: bool },
    /// `app.3f9a2c1b.css`: a hex hash of 8 or more digits before the extension.
    Fingerprinted,
}

#[derive(Clone)]
struct Rule {
    matcher: Matcher,
    cache_control: String,
}

// The compiled globs' own Debug output runs to pages; the pattern says it all.
impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pattern = match &self.matcher {
            Matcher::Glob { glob, .. } => glob.glob().glob(),
            Matcher::Fingerprinted => "<fingerprinted>",
        };
        write!(f, "{pattern} => {}", self.cache_control)
    }
}

/// The `Cache-Control` of every file of the site.
#[derive(Debug, Clone)]
pub struct CachePolicy {
    rules: Vec<Rule>,
}

impl Default for CachePolicy {
    fn default() -> Self {
        CachePolicy::new(&[]).expect("the default cache rules are valid")
    }
}

impl CachePolicy {
    /// The site's rules before the defaults. An invalid rule is returned with
    /// its index in `site` and what is wrong with it.
    pub fn new(site: &[CacheRule]) -> Result<CachePolicy, (usize, RuleError)> {
        let mut rules = Vec::new();
        for (i, rule) in site.iter().enumerate() {
            let cache_control = rule.cache_control.trim();
            if cache_control.is_empty() || cache_control.contains(['\r', '\n']) {
                return Err((i, RuleError::NotOneLine));
            }
            rules.push(Rule {
                matcher: glob(&rule.pattern).map_err(|e| (i, e))?,
                cache_control: cache_control.to_string(),
            });
        }
        rules.push(Rule {
            matcher: Matcher::Fingerprinted,
            cache_control: FINGERPRINTED.into(),
        });
        for (pattern, cache_control) in DEFAULTS {
            rules.push(Rule {
                matcher: glob(pattern).map_err(|e| (usize::MAX, e))?,
                cache_control: (*cache_control).into(),
            });
        }
        Ok(CachePolicy { rules })
    }

    /// The header for the file a browser knows as `name` (a site path such as
    /// `blog/bp/index.html`).
    pub fn cache_control(&self, name: &str) -> &str {
        let file = name.rsplit('/').next().unwrap_or(name);
        self.rules
            .iter()
            .find(|rule| match &rule.matcher {
                Matcher::Glob {
                    glob,
                    whole_path: true,
                } => glob.is_match(name),
                Matcher::Glob { glob, .. } => glob.is_match(file),
                Matcher::Fingerprinted => fingerprinted(file),
            })
            .map_or("public, max-age=3600", |rule| rule.cache_control.as_str())
    }
}

fn glob(pattern: &str) -> Result<Matcher, RuleError> {
    let trimmed = pattern.trim().trim_start_matches('/');
    if trimmed.is_empty() {
        return Err(RuleError::EmptyPattern);
    }
    let glob = globset::GlobBuilder::new(trimmed)
        .literal_separator(true)
        .build()
        .map_err(|e| RuleError::NotAGlob {
            pattern: pattern.to_string(),
            kind: e.kind().clone(),
        })?;
    Ok(Matcher::Glob {
        glob: glob.compile_matcher(),
        whole_path: trimmed.contains('/'),
    })
}

/// True for `name.<hash>.ext` with a hex hash of at least 8 digits.
fn fingerprinted(file: &str) -> bool {
    let mut parts = file.rsplit('.');
    let (Some(_ext), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !stem.is_empty() && hash.len() >= 8 && hash.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(pattern: &str, cache_control: &str) -> CacheRule {
        CacheRule {
            pattern: pattern.into(),
            cache_control: cache_control.into(),
        }
    }

    #[test]
    fn defaults_by_kind_of_file() {
        let policy = CachePolicy::default();
        assert_eq!(
            policy.cache_control("blog/bp/index.html"),
            "public, max-age=0, must-revalidate"
        );
        assert_eq!(policy.cache_control("rss.xml"), "public, max-age=300");
        assert_eq!(
            policy.cache_control("tags/bp/atom.xml"),
            "public, max-age=300"
        );
        assert_eq!(policy.cache_control("style.css"), "public, max-age=3600");
        assert_eq!(
            policy.cache_control("images/clinic.svg"),
            "public, max-age=86400"
        );
        assert_eq!(
            policy.cache_control("app.3f9a2c1b.css"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(policy.cache_control("CNAME"), "public, max-age=3600");
    }

    #[test]
    fn site_rules_come_first_and_match_names_or_paths() {
        let policy = CachePolicy::new(&[
            rule("images/**", "public, max-age=604800"),
            rule("*.css", "no-cache"),
        ])
        .unwrap();
        assert_eq!(
            policy.cache_control("images/doctors/patel.svg"),
            "public, max-age=604800"
        );
        // No `/` in the pattern: it matches the file name in any folder.
        assert_eq!(policy.cache_control("print.css"), "no-cache");
        assert_eq!(policy.cache_control("theme/a/print.css"), "no-cache");
        // A path pattern does not match the same name elsewhere.
        assert_eq!(
            policy.cache_control("blog/images/x.svg"),
            "public, max-age=86400"
        );
    }

    #[test]
    fn a_leading_slash_anchors_at_the_site_root() {
        let policy = CachePolicy::new(&[rule("/blog/*.html", "no-store")]).unwrap();
        assert_eq!(policy.cache_control("blog/a.html"), "no-store");
        assert_eq!(
            policy.cache_control("blog/a/index.html"),
            "public, max-age=0, must-revalidate"
        );
    }

    #[test]
    fn bad_rules_are_named_by_index() {
        let err = CachePolicy::new(&[rule("*.html", "x"), rule("[unclosed", "x")]).unwrap_err();
        assert_eq!(err.0, 1);
        assert!(err.1.to_string().contains("not a valid glob"), "{}", err.1);
        let err = CachePolicy::new(&[rule("*.html", "a\nb")]).unwrap_err();
        assert!(err.1.to_string().contains("one line"), "{}", err.1);
    }

    #[test]
    fn fingerprints_need_a_long_hex_hash() {
        assert!(fingerprinted("main.0123abcd.js"));
        assert!(!fingerprinted("main.js"));
        assert!(!fingerprinted("print.css"));
        assert!(!fingerprinted("blood.pressure.css"));
        assert!(!fingerprinted(".0123abcd.js"));
    }
}
