//! `[deploy]` in config.toml: the places `rounds deploy` uploads the site to,
//! and the cache rules for its files.
//!
//! ```toml
//! [deploy]
//! target = "www"                      # used without --target (default: the only one)
//!
//! [deploy.targets.www]
//! url = "s3://www.clinic.example/?region=us-east-1"
//!
//! [deploy.targets.preview]            # the same, field by field
//! provider = "s3"                     # s3 (also R2, B2, MinIO), gcs, azure
//! bucket = "clinic-preview"
//! prefix = "site"
//! endpoint = "https://ACCOUNT.r2.cloudflarestorage.com"
//! region = "auto"
//!
//! [[deploy.cache]]
//! pattern = "images/**"
//! cache_control = "public, max-age=604800"
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::cache::{CachePolicy, CacheRule};
use crate::config::{Config, line_of};
use crate::diagnostic::{Diagnostic, Position, suggest};
use crate::schema::{self, Origin, Schema, fields_of};

/// The kinds of object storage a target can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// AWS S3 and everything that speaks its API: Cloudflare R2, Backblaze
    /// B2, MinIO, DigitalOcean Spaces.
    S3,
    Gcs,
    Azure,
}

impl Provider {
    const ALL: [Provider; 3] = [Provider::S3, Provider::Gcs, Provider::Azure];

    /// The name in `provider = "…"`.
    pub fn key(self) -> &'static str {
        match self {
            Provider::S3 => "s3",
            Provider::Gcs => "gcs",
            Provider::Azure => "azure",
        }
    }

    /// The scheme of its URLs: `s3://bucket/prefix`.
    pub fn scheme(self) -> &'static str {
        match self {
            Provider::S3 => "s3",
            Provider::Gcs => "gs",
            Provider::Azure => "az",
        }
    }

    fn from_key(key: &str) -> Option<Provider> {
        Provider::ALL.into_iter().find(|p| p.key() == key)
    }

    fn from_scheme(scheme: &str) -> Option<Provider> {
        match scheme {
            "s3" | "s3a" => Some(Provider::S3),
            "gs" | "gcs" => Some(Provider::Gcs),
            "az" | "azure" | "abfs" => Some(Provider::Azure),
            _ => None,
        }
    }
}

/// One place the site can be deployed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The NAME of `[deploy.targets.NAME]`.
    pub name: String,
    pub provider: Provider,
    /// The bucket (a container on Azure).
    pub bucket: String,
    /// The folder in the bucket the site goes to, without slashes at either
    /// end; empty for the bucket's root. `--delete` touches nothing outside it.
    pub prefix: String,
    /// S3 only: overrides `AWS_REGION`.
    pub region: Option<String>,
    /// S3 only: the API's address for R2, B2 or MinIO; overrides `AWS_ENDPOINT_URL`.
    pub endpoint: Option<String>,
}

impl fmt::Display for Target {
    /// `s3://bucket/prefix`: names the place in messages, and holds no secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.provider.scheme(), self.bucket)?;
        if !self.prefix.is_empty() {
            write!(f, "/{}", self.prefix)?;
        }
        Ok(())
    }
}

/// What is wrong with a `[deploy.targets.NAME]` table. Quoted URLs are shown
/// with their user info and secret parameters hidden.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("set either `url` or `bucket`, not both")]
    UrlAndBucket,
    #[error("set `url` (e.g. \"s3://my-bucket/site\") or `bucket` with `provider`")]
    NoPlace,
    #[error("`provider` comes from the url's scheme (s3://, gs://, az://); remove one of them")]
    ProviderAndUrl,
    #[error("unknown provider `{key}`; did you mean `{near}`?")]
    MisspeltProvider { key: String, near: &'static str },
    #[error("unknown provider `{key}`; providers are s3 (also R2, B2, MinIO), gcs, azure")]
    UnknownProvider { key: String },
    #[error("`url` {shown:?} is not a URL ({source}); write e.g. \"s3://my-bucket/site\"")]
    UrlNotAUrl {
        shown: String,
        source: url::ParseError,
    },
    #[error(
        "`url` {shown:?}: unknown scheme `{scheme}`; use s3:// (also for R2, B2, MinIO), gs:// or az://"
    )]
    UnknownScheme { shown: String, scheme: String },
    #[error("`url` must not hold credentials; they come from the environment (see README.md)")]
    UrlHoldsCredentials,
    #[error("`url` {shown:?}: unknown setting `{setting}`; the url takes `region` and `endpoint`")]
    UnknownUrlSetting { shown: String, setting: String },
    #[error("`prefix` {prefix:?} must be a folder path such as \"site\" or \"clinic/www\"")]
    NotAFolder { prefix: String },
    #[error("`{bucket}` is not a bucket name: no slashes or spaces")]
    NotABucket { bucket: String },
    /// Only S3-compatible stores take a region or an endpoint.
    #[error(
        "`region` and `endpoint` are for S3-compatible targets; {provider} reads its account from the environment"
    )]
    NotS3 { provider: &'static str },
    #[error(
        "`endpoint` {shown:?} is not a URL ({source}); write e.g. \"https://s3.us-west-004.backblazeb2.com\""
    )]
    EndpointNotAUrl {
        shown: String,
        source: url::ParseError,
    },
    #[error("`endpoint` {shown:?} must start with https://")]
    EndpointNotHttp { shown: String },
    #[error(
        "`endpoint` {shown:?} must not hold credentials; they come from the environment (see README.md)"
    )]
    EndpointHoldsCredentials { shown: String },
}

impl TargetError {
    /// The key of `[deploy.targets.NAME]` the mistake is in, if it is one.
    fn key(&self) -> Option<&'static str> {
        match self {
            TargetError::NoPlace => None,
            TargetError::UrlAndBucket
            | TargetError::UrlNotAUrl { .. }
            | TargetError::UnknownScheme { .. }
            | TargetError::UrlHoldsCredentials
            | TargetError::UnknownUrlSetting { .. } => Some("url"),
            TargetError::ProviderAndUrl
            | TargetError::MisspeltProvider { .. }
            | TargetError::UnknownProvider { .. } => Some("provider"),
            TargetError::NotAFolder { .. } => Some("prefix"),
            TargetError::NotABucket { .. } => Some("bucket"),
            TargetError::NotS3 { .. } => Some("region"),
            TargetError::EndpointNotAUrl { .. }
            | TargetError::EndpointNotHttp { .. }
            | TargetError::EndpointHoldsCredentials { .. } => Some("endpoint"),
        }
    }
}

/// Why no target could be picked for a deploy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PickError {
    #[error(
        "no deploy target: add one to config.toml, e.g.\n\n  [deploy.targets.www]\n  url = \"s3://my-bucket\"\n"
    )]
    NoTargets,
    #[error(
        "several deploy targets ({}): pass --target NAME, or set `target = \"NAME\"` under [deploy]",
        .names.join(", ")
    )]
    Several { names: Vec<String> },
    #[error("no deploy target `{wanted}`; did you mean `{near}`?")]
    Misspelt { wanted: String, near: String },
    #[error("no deploy target `{wanted}`; targets are: {}", .known.join(", "))]
    Unknown { wanted: String, known: Vec<String> },
}

/// Everything `[deploy]` says.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The target used without `--target`.
    pub default: Option<String>,
    pub targets: Vec<Target>,
    pub cache: CachePolicy,
}

impl Settings {
    /// The target `--target NAME` names, or the default one.
    pub fn pick(&self, name: Option<&str>) -> Result<&Target, PickError> {
        let names = || self.targets.iter().map(|t| t.name.clone()).collect();
        let wanted = name.or(self.default.as_deref());
        match (wanted, self.targets.as_slice()) {
            (_, []) => Err(PickError::NoTargets),
            (None, [only]) => Ok(only),
            (None, _) => Err(PickError::Several { names: names() }),
            (Some(wanted), targets) => targets.iter().find(|t| t.name == wanted).ok_or_else(|| {
                let known: Vec<String> = names();
                match suggest(wanted, known.iter().map(String::as_str)) {
                    Some(near) => PickError::Misspelt {
                        wanted: wanted.to_string(),
                        near: near.to_string(),
                    },
                    None => PickError::Unknown {
                        wanted: wanted.to_string(),
                        known,
                    },
                }
            }),
        }
    }
}

/// `[deploy]` as written.
#[derive(Debug, Deserialize)]
struct DeployTable {
    target: Option<String>,
    #[serde(default)]
    targets: BTreeMap<String, Value>,
    #[serde(default)]
    cache: Vec<Value>,
}

/// `[deploy.targets.NAME]` as written.
#[derive(Debug, Deserialize)]
struct TargetTable {
    url: Option<String>,
    provider: Option<String>,
    bucket: Option<String>,
    prefix: Option<String>,
    region: Option<String>,
    endpoint: Option<String>,
}

/// `[[deploy.cache]]` as written.
#[derive(Debug, Deserialize)]
struct CacheTable {
    pattern: String,
    cache_control: String,
}

impl Schema for DeployTable {
    fn known_keys(path: &[&str]) -> Option<&'static [&'static str]> {
        match path {
            [] => Some(fields_of::<DeployTable>()),
            _ => None,
        }
    }
}

impl Schema for TargetTable {
    fn known_keys(path: &[&str]) -> Option<&'static [&'static str]> {
        match path {
            [] => Some(fields_of::<TargetTable>()),
            _ => None,
        }
    }
}

impl Schema for CacheTable {
    fn known_keys(path: &[&str]) -> Option<&'static [&'static str]> {
        match path {
            [] => Some(fields_of::<CacheTable>()),
            _ => None,
        }
    }
}

/// Reads `[deploy]`, reporting every mistake at its line in config.toml.
pub fn load(config: &Config, root: &Path) -> Result<Settings, Vec<Diagnostic>> {
    let text = std::fs::read_to_string(root.join(Config::FILE)).unwrap_or_default();
    load_from(&config.deploy, &text)
}

fn load_from(
    deploy: &serde_json::Map<String, Value>,
    text: &str,
) -> Result<Settings, Vec<Diagnostic>> {
    if deploy.get("targets").is_some_and(Value::is_array) {
        return Err(vec![
            problem(
                text,
                "deploy.targets",
                "write each target as its own table, [deploy.targets.NAME]",
            )
            .with_help("e.g. [deploy.targets.www] with url = \"s3://my-bucket\""),
        ]);
    }
    let table: DeployTable = schema::parse_table(
        Value::Object(deploy.clone()),
        &["deploy"],
        text,
        origin(),
        header_line(text, "deploy", 0),
    )?;
    let mut problems = Vec::new();
    let targets = targets(&table, text, &mut problems);
    let cache = cache_policy(&table, text, &mut problems);
    problems.extend(unknown_default(&table, text));
    if problems.is_empty() {
        Ok(Settings {
            default: table.target,
            targets,
            cache,
        })
    } else {
        Err(problems)
    }
}

/// Where the tables are read from, for the schema's positions.
fn origin() -> Origin<'static> {
    Origin {
        file: Path::new(Config::FILE),
        first_line: 1,
    }
}

/// The `[deploy.targets.*]` that are right; what is wrong with the others
/// goes to `problems`.
fn targets(table: &DeployTable, text: &str, problems: &mut Vec<Diagnostic>) -> Vec<Target> {
    let mut targets = Vec::new();
    for (name, value) in &table.targets {
        let path = format!("deploy.targets.{name}");
        let written = match schema::parse_table::<TargetTable>(
            value.clone(),
            &["deploy", "targets", name],
            text,
            origin(),
            header_line(text, &path, 0),
        ) {
            Ok(written) => written,
            Err(more) => {
                problems.extend(more);
                continue;
            }
        };
        match target(name, written) {
            Ok(target) => targets.push(target),
            Err(why) => {
                let mut d = problem(text, &path, &why.to_string());
                // At the key the mistake is in, when the table writes it.
                let key = why.key().filter(|key| value.get(key).is_some());
                if let Some(at) = key.and_then(|key| {
                    schema::toml_key_position(text, &["deploy", "targets", name], key)
                }) {
                    d.position = Some(at);
                }
                problems.push(d);
            }
        }
    }
    targets
}

/// The `[[deploy.cache]]` rules before the defaults; the defaults alone when
/// a rule is wrong, which goes to `problems`.
fn cache_policy(table: &DeployTable, text: &str, problems: &mut Vec<Diagnostic>) -> CachePolicy {
    let mut rules = Vec::new();
    for (i, value) in table.cache.iter().enumerate() {
        match schema::parse_table::<CacheTable>(
            value.clone(),
            &["deploy", "cache"],
            text,
            origin(),
            header_line(text, "deploy.cache", i),
        ) {
            Ok(rule) => rules.push(CacheRule {
                pattern: rule.pattern,
                cache_control: rule.cache_control,
            }),
            Err(more) => problems.extend(more),
        }
    }
    match CachePolicy::new(&rules) {
        Ok(cache) => cache,
        Err((i, why)) => {
            problems.push(
                Diagnostic::error("config/deploy", format!("[[deploy.cache]]: {why}"))
                    .in_file(Config::FILE)
                    .at_opt(header_line(text, "deploy.cache", i))
                    .with_help("patterns are globs: \"*.html\", \"images/**\", \"/blog/*.xml\""),
            );
            CachePolicy::default()
        }
    }
}

/// `target = "NAME"` under `[deploy]` when no `[deploy.targets.NAME]` is.
fn unknown_default(table: &DeployTable, text: &str) -> Option<Diagnostic> {
    let default = table.target.as_ref()?;
    if table.targets.contains_key(default) {
        return None;
    }
    let known: Vec<&str> = table.targets.keys().map(String::as_str).collect();
    let mut d = problem(
        text,
        "deploy",
        &format!("`target = \"{default}\"` names no [deploy.targets.{default}]"),
    );
    d.position = line_of(text, "target").or(d.position);
    d.help = Some(match suggest(default, known.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None if known.is_empty() => "add a [deploy.targets.NAME] table".into(),
        None => format!("targets are: {}", known.join(", ")),
    });
    Some(d)
}

/// A target from its table: a `url`, or `bucket` and the other fields.
fn target(name: &str, written: TargetTable) -> Result<Target, TargetError> {
    let mut target = match (&written.url, &written.bucket) {
        (Some(_), Some(_)) => return Err(TargetError::UrlAndBucket),
        (None, None) => return Err(TargetError::NoPlace),
        (Some(_), None) if written.provider.is_some() => return Err(TargetError::ProviderAndUrl),
        (Some(url), None) => from_url(name, url)?,
        (None, Some(bucket)) => from_bucket(name, bucket, written.provider.as_deref())?,
    };
    // The fields win over what the url says.
    if let Some(prefix) = written.prefix {
        target.prefix = prefix;
    }
    target.prefix = clean_prefix(&target.prefix)?;
    if written.region.is_some() {
        target.region = written.region;
    }
    if written.endpoint.is_some() {
        target.endpoint = written.endpoint;
    }
    check(&target)?;
    Ok(target)
}

/// `bucket = "…"` with `provider = "…"` (S3 unless said).
fn from_bucket(name: &str, bucket: &str, provider: Option<&str>) -> Result<Target, TargetError> {
    let provider = match provider {
        None => Provider::S3,
        Some(key) => Provider::from_key(key).ok_or_else(|| {
            match suggest(key, Provider::ALL.map(Provider::key)) {
                Some(near) => TargetError::MisspeltProvider {
                    key: key.to_string(),
                    near,
                },
                None => TargetError::UnknownProvider {
                    key: key.to_string(),
                },
            }
        })?,
    };
    Ok(Target {
        name: name.into(),
        provider,
        bucket: bucket.trim().into(),
        prefix: String::new(),
        region: None,
        endpoint: None,
    })
}

/// What a whole target must be, however it was written.
fn check(target: &Target) -> Result<(), TargetError> {
    if target.bucket.is_empty() || target.bucket.contains(['/', ' ']) {
        return Err(TargetError::NotABucket {
            bucket: target.bucket.clone(),
        });
    }
    if target.provider != Provider::S3 && (target.region.is_some() || target.endpoint.is_some()) {
        return Err(TargetError::NotS3 {
            provider: target.provider.key(),
        });
    }
    match &target.endpoint {
        Some(endpoint) => check_endpoint(endpoint),
        None => Ok(()),
    }
}

/// An S3 endpoint: an http(s) address without credentials in it.
fn check_endpoint(endpoint: &str) -> Result<(), TargetError> {
    // Quoted only with its user info and secret parameters hidden.
    let shown = crate::secrets::url(endpoint);
    let parsed = match url::Url::parse(endpoint) {
        Ok(parsed) => parsed,
        Err(source) => return Err(TargetError::EndpointNotAUrl { shown, source }),
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(TargetError::EndpointNotHttp { shown });
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(TargetError::EndpointHoldsCredentials { shown });
    }
    Ok(())
}

/// `s3://bucket/prefix?region=…&endpoint=…`
fn from_url(name: &str, written: &str) -> Result<Target, TargetError> {
    // Quoted only with its user info and secret parameters hidden.
    let shown = crate::secrets::url(written);
    let parsed = match url::Url::parse(written.trim()) {
        Ok(parsed) => parsed,
        Err(source) => return Err(TargetError::UrlNotAUrl { shown, source }),
    };
    let Some(provider) = Provider::from_scheme(parsed.scheme()) else {
        return Err(TargetError::UnknownScheme {
            shown,
            scheme: parsed.scheme().to_string(),
        });
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(TargetError::UrlHoldsCredentials);
    }
    let bucket = parsed.host_str().unwrap_or("").to_string();
    let mut target = Target {
        name: name.into(),
        provider,
        bucket,
        prefix: parsed.path().to_string(),
        region: None,
        endpoint: None,
    };
    for (key, value) in parsed.query_pairs() {
        match key.as_ref() {
            "region" => target.region = Some(value.into_owned()),
            "endpoint" => target.endpoint = Some(value.into_owned()),
            other => {
                return Err(TargetError::UnknownUrlSetting {
                    shown,
                    setting: other.to_string(),
                });
            }
        }
    }
    Ok(target)
}

/// `/site/` → `site`; refuses `..` and empty segments, which would reach
/// outside the folder or name no object.
fn clean_prefix(prefix: &str) -> Result<String, TargetError> {
    let trimmed = prefix.trim().trim_matches('/');
    if trimmed.is_empty() {
        return Ok(String::new());
    }
    if trimmed
        .split('/')
        .any(|s| s.is_empty() || s == "." || s == "..")
    {
        return Err(TargetError::NotAFolder {
            prefix: prefix.to_string(),
        });
    }
    Ok(trimmed.to_string())
}

fn problem(text: &str, table: &str, message: &str) -> Diagnostic {
    Diagnostic::error("config/deploy", format!("[{table}]: {message}"))
        .in_file(Config::FILE)
        .at_opt(header_line(text, table, 0))
        .with_help("see \"Deploy\" in README.md")
}

/// The line of the `nth` `[table]` or `[[table]]` header, else of the line
/// that sets the table's last key inline.
fn header_line(text: &str, table: &str, nth: usize) -> Option<Position> {
    let single = format!("[{table}]");
    let array = format!("[[{table}]]");
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let line = line.trim();
            let header = line.split('#').next().unwrap_or("").trim();
            header == single || header == array
        })
        .nth(nth)
        .map(|(i, _)| Position {
            line: i + 1,
            column: 1,
        })
        .or_else(|| line_of(text, table.rsplit('.').next().unwrap_or(table)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(text: &str) -> Result<Settings, Vec<Diagnostic>> {
        let doc: toml::Table = toml::from_str(text).unwrap();
        let deploy = doc
            .get("deploy")
            .cloned()
            .unwrap_or(toml::Value::Table(Default::default()));
        let value = serde_json::to_value(deploy).unwrap();
        load_from(value.as_object().unwrap(), text)
    }

    fn one_error(text: &str) -> Diagnostic {
        let errors = settings(text).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:#?}");
        errors.into_iter().next().unwrap()
    }

    #[test]
    fn a_url_gives_bucket_prefix_region_and_endpoint() {
        let s = settings(
            "[deploy.targets.www]\nurl = \"s3://clinic-site/www/?region=auto&endpoint=https://acct.r2.cloudflarestorage.com\"\n",
        )
        .unwrap();
        let www = s.pick(None).unwrap();
        assert_eq!(www.provider, Provider::S3);
        assert_eq!(www.bucket, "clinic-site");
        assert_eq!(www.prefix, "www");
        assert_eq!(www.region.as_deref(), Some("auto"));
        assert_eq!(
            www.endpoint.as_deref(),
            Some("https://acct.r2.cloudflarestorage.com")
        );
        assert_eq!(www.to_string(), "s3://clinic-site/www");
    }

    #[test]
    fn fields_work_as_well_as_a_url() {
        let s = settings(
            "[deploy]\ntarget = \"gcs\"\n[deploy.targets.gcs]\nprovider = \"gcs\"\nbucket = \"clinic\"\nprefix = \"/a/b/\"\n[deploy.targets.azure]\nurl = \"az://web\"\n",
        )
        .unwrap();
        let gcs = s.pick(None).unwrap();
        assert_eq!((gcs.provider, gcs.prefix.as_str()), (Provider::Gcs, "a/b"));
        assert_eq!(s.pick(Some("azure")).unwrap().provider, Provider::Azure);
    }

    #[test]
    fn azure_static_websites_live_in_the_dollar_web_container() {
        let s = settings("[deploy.targets.az]\nurl = \"az://$web\"\n").unwrap();
        let az = s.pick(None).unwrap();
        assert_eq!((az.provider, az.bucket.as_str()), (Provider::Azure, "$web"));
        assert_eq!(az.to_string(), "az://$web");
    }

    #[test]
    fn unknown_keys_are_located_with_a_suggestion() {
        let text = "title = \"T\"\n\n[deploy.targets.www]\nbukcet = \"x\"\n";
        let e = one_error(text);
        assert_eq!(e.rule, "config/unknown-key");
        assert_eq!(e.message, "unknown key `deploy.targets.www.bukcet`");
        assert_eq!(e.position.unwrap().line, 4);
        assert_eq!(e.help.as_deref(), Some("did you mean `bucket`?"));

        let e = one_error("[deploy]\ntargte = \"www\"\n");
        assert_eq!(e.position.unwrap().line, 2);
        assert_eq!(e.help.as_deref(), Some("did you mean `target`?"));

        let text = "[[deploy.cache]]\npattern = \"*.html\"\ncache_control = \"x\"\n\n[[deploy.cache]]\npatern = \"*.css\"\ncache_control = \"y\"\n";
        let errors = settings(text).unwrap_err();
        let typo = errors
            .iter()
            .find(|e| e.rule == "config/unknown-key")
            .unwrap();
        assert_eq!(typo.position.unwrap().line, 6);
        assert_eq!(typo.help.as_deref(), Some("did you mean `pattern`?"));
    }

    #[test]
    fn mistakes_in_a_target_point_at_their_key() {
        let text = "[deploy.targets.www]\nurl = \"ftp://x\"\n";
        let e = one_error(text);
        assert_eq!(e.position.unwrap().line, 2);
        assert!(e.message.contains("unknown scheme `ftp`"), "{}", e.message);
        let e = one_error("[deploy.targets.a]\nurl = \"s3://b\"\nprovider = \"s3\"\n");
        assert_eq!(e.position.unwrap().line, 3);
        let e = one_error("[deploy.targets.a]\nurl = \"gs://b\"\nregion = \"x\"\n");
        assert_eq!(e.position.unwrap().line, 3);
        // Nothing to point at but the table.
        let e = one_error("[deploy.targets.a]\nprefix = \"site\"\n");
        assert_eq!(e.position.unwrap().line, 1);

        let e = one_error("[deploy.targets.a]\nurl = \"s3://b\"\nbucket = \"b\"\n");
        assert!(e.message.contains("not both"), "{}", e.message);
        let e = one_error("[deploy.targets.a]\nprovider = \"gcp\"\nbucket = \"b\"\n");
        assert!(e.message.contains("did you mean `gcs`"), "{}", e.message);
        let e = one_error("[deploy.targets.a]\nurl = \"s3://b\"\nprefix = \"a/../x\"\n");
        assert!(e.message.contains("folder path"), "{}", e.message);
        let e = one_error("[deploy.targets.a]\nurl = \"s3://key:secret@b\"\n");
        assert!(e.message.contains("credentials"), "{}", e.message);
        let e = one_error("[deploy.targets.a]\nurl = \"s3://b?regoin=x\"\n");
        assert!(
            e.message.contains("unknown setting `regoin`"),
            "{}",
            e.message
        );
        let e = one_error("[deploy.targets.a]\nurl = \"gs://b?region=x\"\n");
        assert!(e.message.contains("S3-compatible"), "{}", e.message);
    }

    #[test]
    fn type_errors_and_bad_rules_are_located() {
        let e = one_error("[deploy.targets.www]\nbucket = 5\n");
        assert_eq!((e.rule, e.position.unwrap().line), ("config/type", 2));
        assert_eq!(
            e.message,
            "`bucket` in [deploy.targets.www] should be text, not the number 5"
        );
        assert_eq!(
            e.help.as_deref(),
            Some("write it as text: `bucket = \"5\"`")
        );

        let text = "[[deploy.cache]]\npattern = \"*.html\"\ncache_control = \"x\"\n[[deploy.cache]]\npattern = \"[oops\"\ncache_control = \"y\"\n";
        let e = one_error(text);
        assert_eq!(e.position.unwrap().line, 4);
        assert!(e.message.contains("not a valid glob"), "{}", e.message);

        let e = one_error("[[deploy.targets]]\nurl = \"s3://b\"\n");
        assert!(e.message.contains("[deploy.targets.NAME]"), "{}", e.message);
    }

    #[test]
    fn the_default_target_must_exist() {
        let e = one_error("[deploy]\ntarget = \"ww\"\n[deploy.targets.www]\nurl = \"s3://b\"\n");
        assert_eq!(e.position.unwrap().line, 2);
        assert_eq!(e.help.as_deref(), Some("did you mean `www`?"));
    }

    #[test]
    fn picking_a_target() {
        let none = settings("").unwrap();
        assert!(
            none.pick(None)
                .unwrap_err()
                .to_string()
                .contains("no deploy target")
        );
        let two = settings(
            "[deploy.targets.www]\nurl = \"s3://a\"\n[deploy.targets.preview]\nurl = \"s3://b\"\n",
        )
        .unwrap();
        assert!(two.pick(None).unwrap_err().to_string().contains("--target"));
        assert_eq!(two.pick(Some("preview")).unwrap().bucket, "b");
        assert!(
            two.pick(Some("previw"))
                .unwrap_err()
                .to_string()
                .contains("did you mean `preview`")
        );
    }

    #[test]
    fn site_cache_rules_apply_first() {
        let s = settings("[[deploy.cache]]\npattern = \"*.html\"\ncache_control = \"no-store\"\n")
            .unwrap();
        assert_eq!(s.cache.cache_control("index.html"), "no-store");
    }
}
