//! The syndication ledger, `syndication.toml` at the site root: what has been
//! posted where. `rounds publish` writes it; the build reads it to give each
//! post its "Also on …" links. It is meant to be committed.

mod consistency;
pub mod lock;
pub mod time;

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::network::Network;
use crate::schema::{self, Format, Origin, Schema, fields_of};

pub const FILE: &str = "syndication.toml";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Approved by `rounds social approve`, not yet sent.
    Approved,
    Pending,
    Posted,
    Failed,
}

/// One outreach item's fate on its network.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SyndicationRecord {
    /// The outreach item's id, e.g. `blog/bp/teaser/mastodon`.
    pub id: String,
    pub network: Network,
    pub state: State,
    pub remote_id: Option<String>,
    pub url: Option<String>,
    /// When the state last changed, to the second.
    #[serde(default, with = "time")]
    pub at: Option<DateTime<Utc>>,
    /// The server's message when posting failed.
    pub error: Option<String>,
    /// For a posted item: a digest of what was sent (`OutreachItem::fingerprint`)
    /// and its words, so a later change to the post is seen as drift.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_text: Option<String>,
    /// For a follow-up (a correction or a withdrawal carried to a copy): the
    /// id of the copy's own record, and what was done to it. Its own id
    /// names what it carried: `…/correction-2`, `…/withdrawal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
}

/// What a follow-up does to a copy already posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// The copy's text changed in place (Mastodon, Facebook, LinkedIn).
    Edit,
    /// A reply under the copy (where it cannot be edited, and for polls).
    Reply,
    /// The copy removed (`[publish] on_withdrawal = "delete"`).
    Delete,
}

impl Action {
    pub fn label(self) -> &'static str {
        match self {
            Action::Edit => "edit",
            Action::Reply => "reply",
            Action::Delete => "delete",
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Ledger {
    #[serde(default, rename = "item")]
    pub items: Vec<SyndicationRecord>,
}

impl Schema for Ledger {
    fn known_keys(path: &[&str]) -> Option<&'static [&'static str]> {
        match path {
            [] => Some(&["item"]),
            ["item"] => Some(fields_of::<SyndicationRecord>()),
            _ => None,
        }
    }
}

/// A link to a post's copy on a network, for `rel="syndication"`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SyndicationLink {
    pub network: Network,
    pub network_name: &'static str,
    pub url: String,
}

impl Ledger {
    /// Reads the ledger; a site that has never published has none.
    pub fn load(root: &Path) -> Result<Ledger, Vec<Diagnostic>> {
        let file = Path::new(FILE);
        let text = match std::fs::read_to_string(root.join(file)) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Ledger::default()),
            Err(e) => return Err(vec![crate::source::unreadable(file, &e)]),
        };
        let ledger = schema::parse::<Ledger>(
            Format::Toml,
            &text,
            Origin {
                file,
                first_line: 1,
            },
        )?;
        match consistency::repeated_records(&text) {
            problems if problems.is_empty() => Ok(ledger),
            problems => Err(problems),
        }
    }

    pub fn get(&self, id: &str) -> Option<&SyndicationRecord> {
        self.items.iter().find(|r| r.id == id)
    }

    /// Records a state change, replacing the item's earlier record.
    pub fn set(&mut self, record: SyndicationRecord) {
        match self.items.iter_mut().find(|r| r.id == record.id) {
            Some(existing) => *existing = record,
            None => self.items.push(record),
        }
    }

    /// Approves an item nothing has happened to yet; false when it already
    /// has a record (approved, sent or posted).
    pub fn approve(&mut self, id: &str, network: Network, at: DateTime<Utc>) -> bool {
        if self.get(id).is_some() {
            return false;
        }
        self.items.push(SyndicationRecord {
            id: id.to_string(),
            network,
            state: State::Approved,
            remote_id: None,
            url: None,
            at: Some(at),
            error: None,
            sent: None,
            sent_text: None,
            of: None,
            action: None,
        });
        true
    }

    /// Withdraws an approval that has not been acted on; false otherwise.
    pub fn unapprove(&mut self, id: &str) -> bool {
        let before = self.items.len();
        self.items
            .retain(|r| !(r.id == id && r.state == State::Approved));
        self.items.len() != before
    }

    /// Writes the ledger atomically: a temporary file beside it, then a rename,
    /// so a crash at any moment leaves either the old or the new ledger whole.
    /// Only the holder of the ledger's lock writes it, so the file renamed
    /// into place is always one this process has just written.
    pub fn save(&self, root: &Path, _held: &lock::LedgerLock) -> std::io::Result<()> {
        use std::io::Write;
        let mut text = String::from(
            "# Written by `rounds publish` after each post goes out; commit it so the next\n\
             # build shows each post's \"Also on …\" links and nothing is posted twice.\n\n",
        );
        text.push_str(&toml::to_string(&self.scrubbed()).map_err(std::io::Error::other)?);
        remove_stale_temporaries(root);
        // Named for this process, with a random tail, and created new (never
        // opened if it exists), so no other writer's file is ever renamed.
        let mut file = tempfile::Builder::new()
            .prefix(&format!("{TEMPORARY_PREFIX}{}.", std::process::id()))
            .tempfile_in(root)?;
        file.write_all(text.as_bytes())?;
        file.as_file().sync_all()?;
        crash_point!("ledger::before-rename");
        file.persist(root.join(FILE)).map_err(|e| e.error)?;
        Ok(())
    }

    /// The ledger as it may be written and committed: what came from a server
    /// (its ids, URLs and error messages) without any secret it echoed. The
    /// item ids and times are Rounds' own and stay as they are.
    fn scrubbed(&self) -> Ledger {
        let scrub = |field: &Option<String>| field.as_deref().map(crate::secrets::scrub);
        Ledger {
            items: self
                .items
                .iter()
                .map(|r| SyndicationRecord {
                    remote_id: scrub(&r.remote_id),
                    url: scrub(&r.url),
                    error: scrub(&r.error),
                    ..r.clone()
                })
                .collect(),
        }
    }

    /// Whether the copy `id` names was deleted by a follow-up.
    pub fn deleted(&self, id: &str) -> bool {
        self.items.iter().any(|r| {
            r.of.as_deref() == Some(id)
                && r.action == Some(Action::Delete)
                && r.state == State::Posted
        })
    }

    /// The networks a post was posted to, one link each, in network order.
    /// `stem` is the post's item-id prefix, e.g. `blog/bp`. A follow-up is
    /// no copy of its own, and a deleted copy is no longer there to link to;
    /// an edited or replied-to copy keeps its address.
    pub fn links_for(&self, stem: &str) -> Vec<SyndicationLink> {
        let prefix = format!("{stem}/");
        let mut links: Vec<SyndicationLink> = Vec::new();
        for record in &self.items {
            if record.state != State::Posted
                || !record.id.starts_with(&prefix)
                || record.of.is_some()
                || self.deleted(&record.id)
            {
                continue;
            }
            let Some(url) = &record.url else { continue };
            if links.iter().any(|l| l.network == record.network) {
                continue;
            }
            links.push(SyndicationLink {
                network: record.network,
                network_name: record.network.name(),
                url: url.clone(),
            });
        }
        links.sort_by_key(|l| l.network);
        links
    }
}

/// Temporary ledgers are named so that one a crash left behind can be found.
const TEMPORARY_PREFIX: &str = ".syndication.toml.";

/// Removes temporary ledgers left by a process killed while saving; the real
/// ledger is whole either way, these are only litter. Under the ledger's lock
/// no other process is saving, so every one found is litter.
fn remove_stale_temporaries(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        if entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(TEMPORARY_PREFIX))
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The item-id prefix of a post: `content/blog/bp.md` → `blog/bp`.
pub fn stem_of(content_path: &str) -> &str {
    content_path
        .trim_end_matches(".md")
        .trim_end_matches("/index")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posted_items_become_one_link_per_network() {
        let ledger: Ledger = toml::from_str(
            r#"
[[item]]
id = "blog/bp/teaser/mastodon"
network = "mastodon"
state = "posted"
url = "https://med.example/@clinic/1"

[[item]]
id = "blog/bp/discussion/mastodon"
network = "mastodon"
state = "posted"
url = "https://med.example/@clinic/2"

[[item]]
id = "blog/bp/teaser/bluesky"
network = "bluesky"
state = "failed"
error = "rate limited"

[[item]]
id = "blog/bpx/teaser/x"
network = "x"
state = "posted"
url = "https://x.example/1"
"#,
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let held =
            lock::LedgerLock::acquire(dir.path(), "test", lock::WhenHeld::Stop, |_| {}).unwrap();
        ledger.save(dir.path(), &held).unwrap();
        let again = Ledger::load(dir.path()).unwrap();
        assert_eq!(again.items.len(), 4, "a saved ledger reads back");
        let links = ledger.links_for("blog/bp");
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].url, "https://med.example/@clinic/1");
        assert_eq!(stem_of("blog/cuff/index.md"), "blog/cuff");
    }

    #[test]
    fn a_deleted_copy_leaves_the_links_and_a_follow_up_is_no_copy() {
        let ledger: Ledger = toml::from_str(
            r#"
[[item]]
id = "blog/bp/teaser/mastodon"
network = "mastodon"
state = "posted"
url = "https://med.example/@clinic/1"

[[item]]
id = "blog/bp/teaser/mastodon/correction-1"
network = "mastodon"
state = "posted"
url = "https://med.example/@clinic/1"
of = "blog/bp/teaser/mastodon"
action = "edit"

[[item]]
id = "blog/bp/teaser/bluesky/correction-1"
network = "bluesky"
state = "posted"
url = "https://bsky.app/profile/did:plc:a/post/2"
of = "blog/bp/teaser/bluesky"
action = "reply"

[[item]]
id = "blog/bp/teaser/x"
network = "x"
state = "posted"
url = "https://x.com/c/status/1"

[[item]]
id = "blog/bp/teaser/x/withdrawal"
network = "x"
state = "posted"
url = ""
of = "blog/bp/teaser/x"
action = "delete"
"#,
        )
        .unwrap();
        let links = ledger.links_for("blog/bp");
        assert_eq!(links.len(), 1, "{links:?}");
        assert_eq!(
            links[0].url, "https://med.example/@clinic/1",
            "edited, kept"
        );
        assert!(ledger.deleted("blog/bp/teaser/x"));
        assert!(!ledger.deleted("blog/bp/teaser/mastodon"));
    }

    #[test]
    fn the_ledger_is_written_without_the_secrets_a_server_echoed() {
        crate::secrets::register("ledger-test-token-77");
        let mut ledger = Ledger::default();
        ledger.set(SyndicationRecord {
            id: "blog/bp/teaser/mastodon".into(),
            network: Network::Mastodon,
            state: State::Failed,
            remote_id: Some("blog/bp/teaser/mastodon".into()),
            url: Some("https://med.example/@c/1?access_token=ledger-test-token-77".into()),
            at: Some("2026-02-01T12:00:00Z".parse().unwrap()),
            error: Some("400: authorization: Bearer ledger-test-token-77".into()),
            sent: None,
            sent_text: None,
            of: None,
            action: None,
        });
        let dir = tempfile::tempdir().unwrap();
        let held =
            lock::LedgerLock::acquire(dir.path(), "test", lock::WhenHeld::Stop, |_| {}).unwrap();
        ledger.save(dir.path(), &held).unwrap();
        let text = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
        assert!(!text.contains("ledger-test-token-77"), "{text}");
        let again = Ledger::load(dir.path()).unwrap();
        assert_eq!(again.items[0].id, "blog/bp/teaser/mastodon");
        assert_eq!(
            again.items[0].error.as_deref(),
            Some("400: authorization: Bearer [redacted]")
        );
    }

    #[test]
    fn times_are_written_to_the_second_in_utc() {
        let mut ledger = Ledger::default();
        ledger.approve(
            "blog/bp/teaser/x",
            Network::X,
            "2026-02-01T13:00:00.25+01:00".parse().unwrap(),
        );
        let text = toml::to_string(&ledger).unwrap();
        assert!(text.contains("at = \"2026-02-01T12:00:00Z\"\n"), "{text}");
        let again: Ledger = toml::from_str(&text).unwrap();
        assert_eq!(
            again.items[0].at,
            Some("2026-02-01T12:00:00Z".parse().unwrap())
        );
        assert_eq!(time::now().timestamp_subsec_nanos(), 0);
    }

    #[test]
    fn an_unreadable_time_is_an_error_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE),
            "[[item]]\nid = \"blog/bp/teaser/x\"\nnetwork = \"x\"\nstate = \"pending\"\nat = \"yesterday\"\n",
        )
        .unwrap();
        let problems = Ledger::load(dir.path()).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert_eq!(problems[0].position.unwrap().line, 5, "{problems:#?}");
        assert!(
            problems[0]
                .message
                .contains("`at` = \"yesterday\" is not a time"),
            "{}",
            problems[0].message
        );
    }
}
