//! Outreach settings from `config.toml`: `[networks.*]`, `[social]`,
//! `[physicians]` and `[publish]`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::network::{Network, Reach};
use super::{address, bounds};
use crate::config::{Config, line_of};
use crate::diagnostic::Diagnostic;
use crate::schema::{self, Origin, Schema, Shape, fields_of};

/// One configured network. The account and API fields are read by `rounds publish`.
#[derive(Debug, Clone, Deserialize)]
#[allow(dead_code)]
pub struct NetworkSettings {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Who posts there are for; LinkedIn defaults to physicians, the rest to the public.
    pub reach: Option<Reach>,
    /// The clinic's account: `@clinic@instance` on Mastodon, a handle elsewhere.
    pub account: Option<String>,
    /// Mastodon instance or Bluesky service URL; another API base for the
    /// other networks (tests point it at a local server).
    pub instance: Option<String>,
    /// LinkedIn organisation URN (`urn:li:organization:…`), Facebook Page id,
    /// Threads user id (default `me`).
    pub id: Option<String>,
    /// At most this many hashtags per item; the network's house style
    /// (`Rules::hashtag_style`) when unset.
    pub max_hashtags: Option<usize>,
    /// Visibility on Mastodon (`public`, `unlisted`).
    pub visibility: Option<String>,
    /// LinkedIn API version header, `YYYYMM`; Graph API version on Facebook
    /// (`v25.0`) and Threads (`v1.0`).
    pub api_version: Option<String>,
}

impl NetworkSettings {
    /// The most hashtags an item carries on `network`: `max_hashtags`, or the
    /// network's house style.
    pub fn most_hashtags(&self, network: Network) -> usize {
        self.max_hashtags.unwrap_or(network.hashtag_style().most)
    }
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct SocialSettings {
    /// Add `utm_source`, `utm_medium` and `utm_campaign` to links back.
    #[serde(default = "yes")]
    pub utm: bool,
    #[serde(default = "social")]
    pub utm_medium: String,
    /// Hashtags added to every item, e.g. the clinic's town.
    #[serde(default)]
    pub hashtags: Vec<String>,
    pub recommend: Option<Recommend>,
}

fn social() -> String {
    "social".into()
}

/// The recurring "recommend us to a friend" item.
#[derive(Debug, Clone, Deserialize)]
pub struct Recommend {
    pub text: String,
    /// How often, in days.
    #[serde(default = "thirty")]
    pub every_days: u32,
    /// The page it links to (default: the home page).
    pub path: Option<String>,
}

fn thirty() -> u32 {
    30
}

#[derive(Debug, Clone, Deserialize)]
pub struct PhysicianSettings {
    /// Where physician articles are published.
    #[serde(default = "for_physicians")]
    pub section: String,
}

impl Default for PhysicianSettings {
    fn default() -> Self {
        PhysicianSettings {
            section: for_physicians(),
        }
    }
}

fn for_physicians() -> String {
    "for-physicians".into()
}

/// `[publish]`: how `rounds publish` sends.
#[derive(Debug, Clone, Deserialize)]
pub struct PublishSettings {
    /// Only items approved with `rounds social approve` (or `approved = true`
    /// in a post's `[social]`) go out.
    #[serde(default)]
    pub require_approval: bool,
    /// How long to wait for a network's answer before trying again, e.g. "30s".
    #[serde(default = "thirty_seconds", deserialize_with = "duration")]
    pub timeout: std::time::Duration,
    /// The most one run waits, in all, for one network that asks it to slow
    /// down (429) or is down; past it, that network's remaining items are
    /// left for the next run.
    #[serde(default = "five_minutes", deserialize_with = "duration")]
    pub max_wait: std::time::Duration,
    /// What a withdrawal does to the copies already posted.
    #[serde(default)]
    pub on_withdrawal: OnWithdrawal,
}

/// `[publish] on_withdrawal`: what `rounds publish` does to a withdrawn
/// post's copies. The default tells: the people who saw the advice learn it
/// no longer stands (a deleted copy tells them nothing, and cannot be
/// undone), and a boost or quote of an edited copy carries the notice too.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnWithdrawal {
    /// The notice in the copy where it can be edited, in a reply under it elsewhere.
    #[default]
    Reply,
    /// The copy deleted, where the network lets Rounds delete it.
    Delete,
}

impl Default for PublishSettings {
    fn default() -> Self {
        PublishSettings {
            require_approval: false,
            timeout: thirty_seconds(),
            max_wait: five_minutes(),
            on_withdrawal: OnWithdrawal::Reply,
        }
    }
}

fn thirty_seconds() -> std::time::Duration {
    std::time::Duration::from_secs(30)
}

fn five_minutes() -> std::time::Duration {
    std::time::Duration::from_secs(300)
}

/// A duration; its range was checked before (see `bounds`).
fn duration<'de, D: serde::Deserializer<'de>>(d: D) -> Result<std::time::Duration, D::Error> {
    let text = String::deserialize(d)?;
    super::duration::parse(&text).map_err(|_| {
        serde::de::Error::custom(format!(
            "`{text}` is not a duration; write e.g. \"30s\", \"2m\" or \"1h30m\""
        ))
    })
}

// Unknown keys are reported at their line by `schema::parse_table`, with
// the key meant (near in spelling, or in meaning below).

impl Schema for NetworkSettings {
    fn known_keys(path: &[&str]) -> Option<&'static [&'static str]> {
        match path {
            [] => Some(fields_of::<NetworkSettings>()),
            _ => None,
        }
    }

    fn shape(path: &[&str]) -> Option<Shape> {
        match path {
            ["account"] => Some(Shape::example("\"@clinic@med.example\"")),
            ["instance"] => Some(Shape::example("\"https://med.example\"")),
            _ => None,
        }
    }

    fn synonyms(path: &[&str]) -> &'static [(&'static str, &'static str)] {
        match path {
            [] => &[
                ("handle", "account"),
                ("username", "account"),
                ("user", "account"),
                ("name", "account"),
                ("server", "instance"),
                ("host", "instance"),
                ("url", "instance"),
                ("api", "instance"),
                ("enable", "enabled"),
                ("active", "enabled"),
                ("audience", "reach"),
                ("hashtags", "max_hashtags"),
                ("hashtag_limit", "max_hashtags"),
                ("version", "api_version"),
                ("page_id", "id"),
                ("organization", "id"),
                ("urn", "id"),
            ],
            ["reach"] => &[
                ("patients", "public"),
                ("everyone", "both"),
                ("all", "both"),
                ("doctors", "physicians"),
                ("physician", "physicians"),
                ("referrers", "physicians"),
            ],
            _ => &[],
        }
    }
}

impl Schema for SocialSettings {
    fn known_keys(path: &[&str]) -> Option<&'static [&'static str]> {
        match path {
            [] => Some(fields_of::<SocialSettings>()),
            ["recommend"] => Some(fields_of::<Recommend>()),
            _ => None,
        }
    }

    fn shape(path: &[&str]) -> Option<Shape> {
        match path {
            ["hashtags"] => Some(Shape::example("[\"Springfield\"]").what("a list of words")),
            ["recommend"] => Some(Shape::example(
                "{ text = \"Know someone who is putting off a check-up? Send them our way.\", every_days = 30 }",
            )),
            ["recommend", "text"] => Some(Shape::example(
                "\"Know someone who is putting off a check-up?\"",
            )),
            _ => None,
        }
    }

    fn synonyms(path: &[&str]) -> &'static [(&'static str, &'static str)] {
        match path {
            [] => &[
                ("tags", "hashtags"),
                ("tracking", "utm"),
                ("utm_source", "utm"),
                ("medium", "utm_medium"),
                ("recommendation", "recommend"),
                ("referral", "recommend"),
            ],
            ["recommend"] => &[
                ("teaser", "text"),
                ("message", "text"),
                ("every", "every_days"),
                ("interval", "every_days"),
                ("days", "every_days"),
                ("link", "path"),
                ("url", "path"),
                ("page", "path"),
            ],
            _ => &[],
        }
    }
}

impl Schema for PhysicianSettings {
    fn known_keys(path: &[&str]) -> Option<&'static [&'static str]> {
        match path {
            [] => Some(fields_of::<PhysicianSettings>()),
            _ => None,
        }
    }

    fn synonyms(path: &[&str]) -> &'static [(&'static str, &'static str)] {
        match path {
            [] => &[
                ("folder", "section"),
                ("path", "section"),
                ("dir", "section"),
            ],
            _ => &[],
        }
    }
}

impl Schema for PublishSettings {
    fn known_keys(path: &[&str]) -> Option<&'static [&'static str]> {
        match path {
            [] => Some(fields_of::<PublishSettings>()),
            _ => None,
        }
    }

    fn shape(path: &[&str]) -> Option<Shape> {
        match path {
            ["timeout" | "max_wait"] => {
                Some(Shape::example("\"30s\"").what("a duration such as \"30s\" or \"2m\""))
            }
            ["on_withdrawal"] => Some(Shape::example("\"reply\"").what("\"reply\" or \"delete\"")),
            _ => None,
        }
    }

    fn synonyms(path: &[&str]) -> &'static [(&'static str, &'static str)] {
        match path {
            [] => &[
                ("approval", "require_approval"),
                ("approve", "require_approval"),
                ("review", "require_approval"),
                ("wait", "max_wait"),
                ("max_delay", "max_wait"),
                ("deadline", "max_wait"),
                ("timeout_secs", "timeout"),
                ("request_timeout", "timeout"),
                ("withdrawal", "on_withdrawal"),
                ("on_withdraw", "on_withdrawal"),
            ],
            _ => &[],
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub publish: PublishSettings,
    pub networks: BTreeMap<Network, NetworkSettings>,
    pub social: SocialSettings,
    pub physicians: PhysicianSettings,
}

impl Settings {
    pub fn reach(&self, network: Network) -> Reach {
        self.networks
            .get(&network)
            .and_then(|n| n.reach)
            .unwrap_or(network.default_reach())
    }

    pub fn enabled(&self) -> impl Iterator<Item = (Network, &NetworkSettings)> {
        self.networks
            .iter()
            .filter(|(_, s)| s.enabled)
            .map(|(n, s)| (*n, s))
    }
}

/// Reads the outreach tables, reporting mistakes at their line in config.toml.
pub fn load(config: &Config, root: &Path) -> Result<Settings, Vec<Diagnostic>> {
    let text = std::fs::read_to_string(root.join(Config::FILE)).unwrap_or_default();
    let mut problems = Vec::new();
    let mut settings = Settings::default();
    for (key, value) in &config.networks {
        if let Some((network, s)) = read_network(key, value, &text, &mut problems) {
            settings.networks.insert(network, s);
        }
    }
    settings.social = read_social(config, &text, &mut problems);
    settings.physicians = read_physicians(config, &text, &mut problems);
    settings.publish = read_publish(config, &text, &mut problems);
    if problems.is_empty() {
        Ok(settings)
    } else {
        Err(problems)
    }
}

/// A problem with `[table]`, at its header's line.
fn problem(text: &str, table: &str, error: &dyn std::fmt::Display) -> Diagnostic {
    Diagnostic::error("config/outreach", format!("[{table}]: {error}"))
        .in_file(Config::FILE)
        .at_opt(table_line(text, table))
        .with_help("see the outreach settings in README.md")
}

/// A problem with `key` of `[table]`, at the key's line.
fn key_problem(text: &str, path: &[&str], key: &str, error: &dyn std::fmt::Display) -> Diagnostic {
    let table = path.join(".");
    Diagnostic::error("config/outreach", format!("`{key}` in [{table}]: {error}"))
        .in_file(Config::FILE)
        .at_opt(schema::toml_key_position(text, path, key).or_else(|| table_line(text, &table)))
        .spanning(key.chars().count())
        .with_help("see the outreach settings in README.md")
}

/// Reads one table of config.toml at `path` as `T`: unknown keys and values
/// of the wrong kind are reported at their line, by `schema::parse_table`.
fn read<T: Schema>(value: Value, path: &[&str], text: &str) -> Result<T, Vec<Diagnostic>> {
    let origin = Origin {
        file: Path::new(Config::FILE),
        first_line: 1,
    };
    schema::parse_table(value, path, text, origin, table_line(text, &path.join(".")))
}

/// `[networks.<key>]`: a known network, its numbers in range, its server an
/// address, and its id and API version as the network writes them.
fn read_network(
    key: &str,
    value: &Value,
    text: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<(Network, NetworkSettings)> {
    let table = format!("networks.{key}");
    let Some(network) = Network::from_key(key) else {
        let known: Vec<&str> = Network::ALL.iter().map(|n| n.key()).collect();
        let mut d = problem(text, &table, &format!("unknown network `{key}`"));
        d.help = Some(
            match crate::diagnostic::suggest(key, known.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("networks are: {}", known.join(", ")),
            },
        );
        problems.push(d);
        return None;
    };
    let path = ["networks", key];
    let mut value = value.clone();
    if let Value::Object(table) = &mut value {
        problems.extend(bounds::check(table, &path, bounds::NETWORK, text));
        problems.extend(address::check(table, &path, text));
    }
    let settings = match read::<NetworkSettings>(value, &path, text) {
        Ok(s) => s,
        Err(more) => {
            problems.extend(more);
            return None;
        }
    };
    if let Some(Err(why)) = settings.id.as_deref().map(|id| network.check_id(id)) {
        problems.push(key_problem(text, &path, "id", &why));
    }
    let version = settings.api_version.as_deref();
    if let Some(Err(why)) = version.map(|v| network.check_api_version(v)) {
        problems.push(key_problem(text, &path, "api_version", &why));
    }
    Some((network, settings))
}

/// `[social]`, with `recommend.path` resolved to a page of the site.
fn read_social(config: &Config, text: &str, problems: &mut Vec<Diagnostic>) -> SocialSettings {
    let mut social = config.social.clone();
    if let Some(Value::Object(recommend)) = social.get_mut("recommend") {
        let path = ["social", "recommend"];
        problems.extend(bounds::check(recommend, &path, bounds::RECOMMEND, text));
    }
    let mut settings = match read::<SocialSettings>(Value::Object(social), &["social"], text) {
        Ok(s) => s,
        Err(more) => {
            problems.extend(more);
            SocialSettings::default()
        }
    };
    if let Some(recommend) = &mut settings.recommend {
        problems.extend(resolve_recommend_path(recommend, text));
    }
    settings
}

/// `[physicians]`, with its section resolved to a folder of the output.
fn read_physicians(
    config: &Config,
    text: &str,
    problems: &mut Vec<Diagnostic>,
) -> PhysicianSettings {
    let table = Value::Object(config.physicians.clone());
    let mut settings = match read::<PhysicianSettings>(table, &["physicians"], text) {
        Ok(s) => s,
        Err(more) => {
            problems.extend(more);
            PhysicianSettings::default()
        }
    };
    problems.extend(resolve_physicians_section(&mut settings, text));
    settings
}

/// `[publish]`, its durations in range.
fn read_publish(config: &Config, text: &str, problems: &mut Vec<Diagnostic>) -> PublishSettings {
    let mut publish = config.publish.clone();
    problems.extend(bounds::check(
        &mut publish,
        &["publish"],
        bounds::PUBLISH,
        text,
    ));
    match read::<PublishSettings>(Value::Object(publish), &["publish"], text) {
        Ok(s) => s,
        Err(more) => {
            problems.extend(more);
            PublishSettings::default()
        }
    }
}

/// `[physicians] section` is a folder of the output: resolved, and refused
/// when it leaves it, before anything is written there.
fn resolve_physicians_section(settings: &mut PhysicianSettings, text: &str) -> Option<Diagnostic> {
    match crate::site_path::output_folder(&settings.section) {
        Some(folder) => {
            settings.section = folder;
            None
        }
        None => Some(crate::site_path::outside_output(
            "[physicians] section",
            &settings.section,
            Path::new(Config::FILE),
            crate::config::key_line(text, &["physicians", "section"]),
            "name a folder of the site, e.g. section = \"for-physicians\"",
        )),
    }
}

/// `[social] recommend.path` is a page of the site the item links to.
fn resolve_recommend_path(recommend: &mut Recommend, text: &str) -> Option<Diagnostic> {
    let path = recommend.path.as_deref()?;
    match crate::site_path::site_path("/", path) {
        Some(resolved) => {
            recommend.path = Some(resolved);
            None
        }
        None => Some(crate::site_path::outside_output(
            "[social] recommend.path",
            path,
            Path::new(Config::FILE),
            crate::config::key_line(text, &["social", "recommend", "path"]),
            "name a page of the site by its path, e.g. path = \"/contact/\"",
        )),
    }
}

fn table_line(text: &str, table: &str) -> Option<crate::diagnostic::Position> {
    let header = format!("[{table}]");
    text.lines()
        .position(|l| l.trim() == header)
        .map(|i| crate::diagnostic::Position {
            line: i + 1,
            column: 1,
        })
        .or_else(|| line_of(text, table.rsplit('.').next().unwrap_or(table)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The problems `load` finds in a config.toml of `text`.
    fn problems(text: &str) -> Vec<Diagnostic> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(Config::FILE), text).unwrap();
        let config: Config = toml::from_str(text).unwrap();
        load(&config, dir.path()).unwrap_err()
    }

    const TOP: &str = "title = \"T\"\nbase_url = \"https://x.example\"\n";

    #[test]
    fn every_unknown_key_is_at_its_line_with_the_key_meant() {
        let text = format!(
            "{TOP}[networks.mastodon]\nserver = \"https://m.example\"\nhandle = \"@a@m.example\"\n[publish]\nwait = \"1m\"\n"
        );
        let found: Vec<(usize, String)> = problems(&text)
            .iter()
            .map(|d| (d.position.unwrap().line, d.help.clone().unwrap()))
            .collect();
        assert_eq!(
            found,
            [
                (4, "did you mean `instance`?".to_string()),
                (5, "did you mean `account`?".to_string()),
                (7, "did you mean `max_wait`?".to_string()),
            ]
        );
    }

    #[test]
    fn a_network_id_is_refused_at_its_line() {
        let text = format!("{TOP}[networks.linkedin]\naccount = \"a\"\nid = \"clinic page\"\n");
        let d = problems(&text).remove(0);
        assert_eq!(d.position.map(|p| p.line), Some(5));
        assert!(
            d.message.starts_with("`id` in [networks.linkedin]: "),
            "{}",
            d.message
        );
    }

    #[test]
    fn a_reach_not_allowed_is_suggested_by_meaning() {
        let text = format!("{TOP}[networks.x]\nreach = \"everyone\"\n");
        let d = problems(&text).remove(0);
        assert_eq!(
            (d.rule, d.position.map(|p| p.line)),
            ("config/value", Some(4))
        );
        assert_eq!(
            d.help.as_deref(),
            Some("did you mean `both`? write it: `reach = \"both\"`")
        );
    }
}
