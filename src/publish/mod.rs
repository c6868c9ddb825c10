//! Publish: send the outreach items that are due and not yet posted, one at a
//! time, writing the ledger after every state change so that a crash or a
//! re-run never posts an item twice.

pub mod bluesky;
pub mod mastodon;
pub mod retry;

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::ledger::{Ledger, State, SyndicationRecord};
use crate::outreach::OutreachItem;

/// The HTTP client every network's client uses: a timeout, and our name.
pub fn http_client() -> Result<reqwest::blocking::Client, PostError> {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .user_agent(concat!("rounds/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| PostError::permanent(format!("cannot start an HTTP client: {e}")))
}

/// A post made on a network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    pub id: String,
    pub url: String,
}

/// Why a post did not go out.
#[derive(Debug, Clone)]
pub struct PostError {
    pub message: String,
    /// Worth trying again: a timeout, a reset connection, a 5xx or a 429.
    pub transient: bool,
    /// How long the server asked us to wait.
    pub retry_after: Option<Duration>,
}

impl PostError {
    pub fn permanent(message: impl Into<String>) -> Self {
        PostError {
            message: message.into(),
            transient: false,
            retry_after: None,
        }
    }

    pub fn transient(message: impl Into<String>) -> Self {
        PostError {
            message: message.into(),
            transient: true,
            retry_after: None,
        }
    }
}

/// A network's client. Each network's rules live in its own type; the
/// publishing loop below knows nothing about any one of them.
pub trait Client {
    /// A key that makes a repeated post of this item land once: Mastodon's
    /// Idempotency-Key, a Bluesky record key. Kept in the ledger while pending.
    fn new_key(&self, item: &OutreachItem) -> String;
    /// After a crash: was the item already posted under this key?
    fn find(&mut self, key: &str) -> Result<Option<Remote>, PostError>;
    fn post(&mut self, item: &OutreachItem, key: &str) -> Result<Remote, PostError>;
}

/// What happened to one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Posted(String),
    AlreadyPosted,
    NotDue(String),
    AwaitingApproval,
    Failed(String),
    WouldPost,
}

impl Outcome {
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Posted(_) => "posted",
            Outcome::AlreadyPosted => "already posted",
            Outcome::NotDue(_) => "not yet due",
            Outcome::AwaitingApproval => "awaiting approval",
            Outcome::Failed(_) => "failed",
            Outcome::WouldPost => "would post",
        }
    }
}

/// Whether an item goes out now, and if not, why not.
pub fn decide(
    item: &OutreachItem,
    ledger: &Ledger,
    now: DateTime<Utc>,
    require_approval: bool,
) -> Option<Outcome> {
    if ledger
        .get(&item.id)
        .is_some_and(|r| r.state == State::Posted)
    {
        return Some(Outcome::AlreadyPosted);
    }
    if let Some(not_before) = &item.not_before {
        let due = crate::content::Date::parse(not_before).map(|d| d.instant().with_timezone(&Utc));
        if due.is_some_and(|due| due > now) {
            return Some(Outcome::NotDue(not_before.clone()));
        }
    }
    if require_approval && !item.approved {
        return Some(Outcome::AwaitingApproval);
    }
    None
}

/// Posts one item through `client`, recording every step in the ledger.
/// `save` writes the ledger; it is called before and after the request.
pub fn post_one(
    client: &mut dyn Client,
    item: &OutreachItem,
    ledger: &mut Ledger,
    save: &mut dyn FnMut(&Ledger) -> std::io::Result<()>,
    policy: &retry::Policy,
) -> Outcome {
    let now = || Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let earlier = ledger.get(&item.id).cloned();
    // A pending record means an earlier run may have posted before it stopped.
    let key = match earlier
        .as_ref()
        .filter(|r| r.state == State::Pending)
        .and_then(|r| r.remote_id.clone())
    {
        Some(key) => {
            match retry::run(policy, || client.find(&key)) {
                Ok(Some(remote)) => return record_posted(ledger, save, item, remote, now()),
                Ok(None) => {}
                Err(e) => return record_failed(ledger, save, item, Some(key), e.message, now()),
            }
            key
        }
        None => client.new_key(item),
    };
    ledger.set(SyndicationRecord {
        id: item.id.clone(),
        network: item.network,
        state: State::Pending,
        remote_id: Some(key.clone()),
        url: None,
        at: Some(now()),
        error: None,
    });
    if let Err(e) = save(ledger) {
        return Outcome::Failed(format!("cannot write the ledger, so nothing was sent: {e}"));
    }
    match retry::run(policy, || client.post(item, &key)) {
        Ok(remote) => record_posted(ledger, save, item, remote, now()),
        Err(e) => record_failed(ledger, save, item, Some(key), e.message, now()),
    }
}

fn record_posted(
    ledger: &mut Ledger,
    save: &mut dyn FnMut(&Ledger) -> std::io::Result<()>,
    item: &OutreachItem,
    remote: Remote,
    at: String,
) -> Outcome {
    ledger.set(SyndicationRecord {
        id: item.id.clone(),
        network: item.network,
        state: State::Posted,
        remote_id: Some(remote.id),
        url: Some(remote.url.clone()),
        at: Some(at),
        error: None,
    });
    match save(ledger) {
        Ok(()) => Outcome::Posted(remote.url),
        Err(e) => Outcome::Failed(format!(
            "posted at {}, but the ledger could not be written: {e}",
            remote.url
        )),
    }
}

fn record_failed(
    ledger: &mut Ledger,
    save: &mut dyn FnMut(&Ledger) -> std::io::Result<()>,
    item: &OutreachItem,
    key: Option<String>,
    message: String,
    at: String,
) -> Outcome {
    // Keep the key: a failure that actually reached the server (a lost reply)
    // is found again through it on the next run.
    ledger.set(SyndicationRecord {
        id: item.id.clone(),
        network: item.network,
        state: State::Pending,
        remote_id: key,
        url: None,
        at: Some(at),
        error: Some(message.clone()),
    });
    let _ = save(ledger);
    Outcome::Failed(message)
}

/// Removes anything that looks like a secret from a server's message before
/// it is shown or stored.
pub fn scrub(message: &str, secrets: &[&str]) -> String {
    let mut out = message.to_string();
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        out = out.replace(secret, "[redacted]");
    }
    out
}
