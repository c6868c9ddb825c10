//! A network's `instance`, the server `rounds publish` talks to: a web
//! address with `https://` (or `http://`) and a host, checked when
//! config.toml is read, so `build`, `check` and `social` refuse it at its
//! line instead of `publish` failing later with an HTTP library's words.

use serde_json::{Map, Value};

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::schema::toml_key_position;

/// The keys of a `[networks.*]` table that name a server.
const ADDRESS_KEYS: &[&str] = &["instance"];

/// Checks the address keys of one `[networks.*]` table (at `path`); a key
/// found wrong is removed, so reading the table after says nothing more.
pub fn check(table: &mut Map<String, Value>, path: &[&str], text: &str) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for key in ADDRESS_KEYS {
        let Some(value) = table.get(*key) else {
            continue;
        };
        if let Err(why) = web_address(value) {
            problems.push(
                Diagnostic::error(
                    "config/network-address",
                    format!("`[{}] {key}` {why}", path.join(".")),
                )
                .in_file(Config::FILE)
                .at_opt(toml_key_position(text, path, key))
                .spanning(key.chars().count())
                .with_help(format!(
                    "write the server's web address, e.g. {key} = \"https://social.example\""
                )),
            );
            table.remove(*key);
        }
    }
    problems
}

/// Why a value is not an address to post to; each message follows the
/// key's name (`` `[networks.mastodon] instance` is … ``).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum NotAnAddress {
    #[error("must be a web address in quotes")]
    NotText,
    #[error("is \"{0}\", which is not a web address")]
    Unreadable(String),
    #[error("is \"{0}\"; it must begin with https:// (or http:// for a server on this machine)")]
    NotWeb(String),
    #[error("is \"{0}\", which names no server")]
    NoServer(String),
    #[error(
        "holds a user name or password; credentials come only from the environment (see README.md, \"Publish\")"
    )]
    Credentials,
}

/// The value as an address to post to, or why it is not one.
fn web_address(value: &Value) -> Result<(), NotAnAddress> {
    let Some(text) = value.as_str() else {
        return Err(NotAnAddress::NotText);
    };
    let url =
        url::Url::parse(text.trim()).map_err(|_| NotAnAddress::Unreadable(text.to_string()))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(NotAnAddress::NotWeb(text.to_string()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(NotAnAddress::NoServer(text.to_string()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(NotAnAddress::Credentials);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_addresses_with_a_host_are_taken() {
        for good in [
            "https://med.example",
            "http://127.0.0.1:8080",
            "https://bsky.social/",
        ] {
            assert_eq!(web_address(&Value::from(good)), Ok(()), "{good}");
        }
        for bad in [
            "not a url",
            "med.example",
            "ftp://med.example",
            "https://",
            "file:///etc/passwd",
            "https://user:pw@med.example",
        ] {
            assert!(web_address(&Value::from(bad)).is_err(), "{bad}");
        }
        assert!(web_address(&Value::from(3)).is_err());
    }

    #[test]
    fn a_bad_address_is_refused_at_its_line() {
        let text = "title = \"T\"\n[networks.mastodon]\ninstance = \"not a url\"\n";
        let mut table = serde_json::json!({"instance": "not a url"})
            .as_object()
            .unwrap()
            .clone();
        let problems = check(&mut table, &["networks", "mastodon"], text);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].position.map(|p| p.line), Some(3));
        assert!(problems[0].message.contains("not a web address"));
        assert!(table.is_empty());
    }
}
