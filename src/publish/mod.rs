//! Publish: send the outreach items that are due and not yet posted, one at a
//! time, writing the ledger after every state change so that a crash or a
//! re-run never posts an item twice.

pub mod approval;
pub mod graph;
pub mod reply;
pub mod retry;
pub mod send;
pub mod setup;
pub mod workers;

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::ledger::{Ledger, State, SyndicationRecord};
use crate::outreach::OutreachItem;
use crate::outreach::follow_up::FollowUp;

pub use send::{Request, RunError, Selection, run};
pub use setup::{BuiltSite, Setup, SetupError, connect};

/// The HTTP client every network's client uses: a timeout, and our name.
pub fn http_client(timeout: Duration) -> Result<reqwest::blocking::Client, PostError> {
    reqwest::blocking::Client::builder()
        .timeout(timeout)
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
    /// The request may have made the post, and the reply does not say (a
    /// success without an id): the item stays pending for the next run to
    /// look up, and is not sent again in this one, which could post it twice.
    pub unconfirmed: bool,
}

impl PostError {
    pub fn permanent(message: impl Into<String>) -> Self {
        PostError {
            message: message.into(),
            transient: false,
            retry_after: None,
            unconfirmed: false,
        }
    }

    pub fn transient(message: impl Into<String>) -> Self {
        PostError {
            transient: true,
            ..PostError::permanent(message)
        }
    }

    pub fn unconfirmed(message: impl Into<String>) -> Self {
        PostError {
            unconfirmed: true,
            ..PostError::permanent(message)
        }
    }
}

/// A network's client. Each network's rules live in its own type; the
/// publishing loop below knows nothing about any one of them.
pub trait Client: Send {
    /// A key that makes a repeated post of this item land once: Mastodon's
    /// Idempotency-Key, a Bluesky record key. Kept in the ledger while pending.
    fn new_key(&self, item: &OutreachItem) -> String;
    /// After a crash: was the item already posted under this key? `since` is
    /// when the interrupted attempt began.
    fn find(
        &mut self,
        item: &OutreachItem,
        key: &str,
        since: Option<DateTime<Utc>>,
    ) -> Result<Option<Remote>, PostError>;
    fn post(&mut self, item: &OutreachItem, key: &str) -> Result<Remote, PostError>;
    /// Posts in steps (Threads: a container, then its publication), handing
    /// `checkpoint` a new key once a step has made something on the network,
    /// before the next step. The key is saved in the ledger, so `find` after a
    /// crash can finish what was begun rather than begin again. A network that
    /// posts in one request has nothing to save.
    fn post_in_steps(
        &mut self,
        item: &OutreachItem,
        key: &str,
        checkpoint: &mut Checkpoint,
    ) -> Result<Remote, PostError> {
        let _ = checkpoint;
        self.post(item, key)
    }
    /// Carries a correction or withdrawal to a copy already posted: edits
    /// it, replies under it or deletes it, as `follow.action` says. For a
    /// delete the answer is the copy itself.
    fn follow_up(
        &mut self,
        item: &OutreachItem,
        follow: &FollowUp,
        key: &str,
    ) -> Result<Remote, PostError> {
        let _ = (follow, key);
        Err(PostError::permanent(format!(
            "Rounds cannot carry a correction or withdrawal to {} yet: {} it by hand at {}, then set this item's `state` to \"posted\" in {}",
            item.network.name(),
            follow.action.label(),
            follow.remote_url.as_deref().unwrap_or(&follow.remote_id),
            crate::ledger::FILE
        )))
    }
    /// After a crash: did the follow-up already happen? (The copy's text
    /// has the notice, a reply under it does, the copy is gone.)
    fn find_follow_up(
        &mut self,
        item: &OutreachItem,
        follow: &FollowUp,
        key: &str,
    ) -> Result<Option<Remote>, PostError> {
        let _ = (item, follow, key);
        Ok(None)
    }
}

/// Saves an item's new key while it is still pending; see [`Client::post_in_steps`].
pub type Checkpoint<'a> = dyn FnMut(&str) -> Result<(), PostError> + 'a;

/// What happened to one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Posted(String),
    AlreadyPosted,
    NotDue(String),
    AwaitingApproval,
    Failed(String),
    WouldPost,
    /// Not sent in this run, and why; the next run sends it.
    Postponed(String),
}

impl Outcome {
    pub const LABELS: [&'static str; 7] = [
        "posted",
        "already posted",
        "not yet due",
        "awaiting approval",
        "failed",
        "would post",
        "postponed",
    ];

    pub fn label(&self) -> &'static str {
        let index = match self {
            Outcome::Posted(_) => 0,
            Outcome::AlreadyPosted => 1,
            Outcome::NotDue(_) => 2,
            Outcome::AwaitingApproval => 3,
            Outcome::Failed(_) => 4,
            Outcome::WouldPost => 5,
            Outcome::Postponed(_) => 6,
        };
        Self::LABELS[index]
    }
}

/// Whether an item goes out now, and if not, why not.
pub fn decide(
    item: &OutreachItem,
    ledger: &Ledger,
    now: DateTime<Utc>,
    require_approval: bool,
) -> Option<Outcome> {
    let record = ledger.get(&item.id);
    if record.is_some_and(|r| r.state == State::Posted) {
        return Some(Outcome::AlreadyPosted);
    }
    if let Some(not_before) = &item.not_before {
        let due = crate::content::Date::parse(not_before).map(|d| d.instant().with_timezone(&Utc));
        if due.is_some_and(|due| due > now && !schedulable(item.network, due - now)) {
            return Some(Outcome::NotDue(not_before.clone()));
        }
    }
    // Any record at all means someone approved it: `approve` wrote it, or a
    // run already began sending it under an earlier approval.
    if require_approval && !item.approved && record.is_none() {
        return Some(Outcome::AwaitingApproval);
    }
    None
}

/// Whether `network` can take a post now and publish it itself `lead` later.
fn schedulable(network: crate::outreach::Network, lead: chrono::Duration) -> bool {
    network
        .schedules_ahead()
        .is_some_and(|(shortest, longest)| (shortest..=longest).contains(&lead))
}

/// When an item should go live, if that is still ahead: a network that
/// schedules posts itself is sent the item early, with this time.
pub fn goes_live(item: &OutreachItem, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let due = crate::content::Date::parse(item.not_before.as_deref()?)?
        .instant()
        .with_timezone(&Utc);
    (due > now).then_some(due)
}

/// The ledger shared by the networks' workers: every state change is saved
/// at once, under the lock, so the file on disk is always the latest whole state.
pub struct Journal<'a> {
    ledger: Mutex<Ledger>,
    save: Box<SaveLedger<'a>>,
}

/// Writes the ledger where it lives (a file; memory in unit tests).
type SaveLedger<'a> = dyn Fn(&Ledger) -> std::io::Result<()> + Sync + 'a;

impl<'a> Journal<'a> {
    pub fn new(ledger: Ledger, save: impl Fn(&Ledger) -> std::io::Result<()> + Sync + 'a) -> Self {
        Journal {
            ledger: Mutex::new(ledger),
            save: Box::new(save),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Ledger> {
        // A worker that panicked left the ledger as it was before its change.
        self.ledger.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn get(&self, id: &str) -> Option<SyndicationRecord> {
        self.lock().get(id).cloned()
    }

    pub fn record(&self, record: SyndicationRecord) -> std::io::Result<()> {
        let mut ledger = self.lock();
        ledger.set(record);
        (self.save)(&ledger)
    }
}

fn now() -> DateTime<Utc> {
    crate::ledger::time::now()
}

/// Posts one item through `client`, recording every step in the journal:
/// pending (with its key) before the request, posted or failed after it.
pub fn post_one(
    client: &mut dyn Client,
    item: &OutreachItem,
    journal: &Journal,
    policy: &retry::Policy,
    budget: &mut retry::Budget,
) -> Outcome {
    let key = match resume(client, item, journal, policy, budget) {
        Ok(key) => key,
        Err(outcome) => return outcome,
    };
    let pending = SyndicationRecord {
        id: item.id.clone(),
        network: item.network,
        state: State::Pending,
        remote_id: Some(key.clone()),
        url: None,
        at: Some(now()),
        error: None,
        sent: None,
        sent_text: None,
        of: item.follow_up.as_ref().map(|f| f.of.clone()),
        action: item.follow_up.as_ref().map(|f| f.action),
    };
    if let Err(e) = journal.record(pending.clone()) {
        return Outcome::Failed(format!("cannot write the ledger, so nothing was sent: {e}"));
    }
    crash_point!("publish::before-request");
    let mut checkpoint = |step: &str| {
        journal
            .record(SyndicationRecord {
                remote_id: Some(step.to_string()),
                at: Some(now()),
                ..pending.clone()
            })
            .map_err(|e| {
                PostError::permanent(format!(
                    "cannot write the ledger, so the post was not finished: {e}"
                ))
            })
    };
    let result = retry::run(policy, budget, || match &item.follow_up {
        Some(follow) => client.follow_up(item, follow, &key),
        None => client.post_in_steps(item, &key, &mut checkpoint),
    });
    match result {
        Ok(remote) => {
            crash_point!("publish::after-request");
            record_posted(journal, item, remote)
        }
        Err(e) => {
            // The latest key: a step may have moved it on.
            let key = journal
                .get(&item.id)
                .and_then(|r| r.remote_id)
                .unwrap_or(key);
            record_failed(journal, item, key, e)
        }
    }
}

/// The key to post the item under: a new one, or the key of an earlier
/// attempt that was interrupted and is not found on the network. `Err` is
/// the item's outcome when it was found posted, or when whether it was is
/// still unknown.
fn resume(
    client: &mut dyn Client,
    item: &OutreachItem,
    journal: &Journal,
    policy: &retry::Policy,
    budget: &mut retry::Budget,
) -> Result<String, Outcome> {
    let earlier = journal.get(&item.id);
    // A pending record means an earlier run may have posted before it stopped.
    let Some((key, at)) = earlier
        .as_ref()
        .filter(|r| r.state == State::Pending)
        .and_then(|r| r.remote_id.clone().map(|key| (key, r.at)))
    else {
        return Ok(client.new_key(item));
    };
    let find = |client: &mut dyn Client| match &item.follow_up {
        Some(follow) => client.find_follow_up(item, follow, &key),
        None => client.find(item, &key, at),
    };
    match retry::run(policy, budget, || find(&mut *client)) {
        Ok(Some(remote)) => Err(record_posted(journal, item, remote)),
        Ok(None) => Ok(key),
        // Whether it went out is still unknown: it stays pending, to be
        // looked for again, whatever the error.
        Err(e) => {
            let unknown = PostError {
                transient: true,
                ..e
            };
            Err(record_failed(journal, item, key, unknown))
        }
    }
}

fn record_posted(journal: &Journal, item: &OutreachItem, remote: Remote) -> Outcome {
    let record = SyndicationRecord {
        id: item.id.clone(),
        network: item.network,
        state: State::Posted,
        remote_id: Some(remote.id),
        url: Some(remote.url.clone()),
        at: Some(now()),
        error: None,
        sent: Some(item.fingerprint()),
        sent_text: Some(item.text.clone()),
        of: item.follow_up.as_ref().map(|f| f.of.clone()),
        action: item.follow_up.as_ref().map(|f| f.action),
    };
    match journal.record(record) {
        Ok(()) => Outcome::Posted(remote.url),
        Err(e) => Outcome::Failed(format!(
            "posted at {}, but the ledger could not be written: {e}",
            remote.url
        )),
    }
}

fn record_failed(journal: &Journal, item: &OutreachItem, key: String, error: PostError) -> Outcome {
    // A rejection never reached the timeline: `failed`, and the next run
    // tries again. A transient failure may have been a lost reply to a post
    // that did land, so it stays `pending` with its key, to be found first.
    let state = if error.transient || error.unconfirmed {
        State::Pending
    } else {
        State::Failed
    };
    // Whatever a network's client let through, a server's words are shown
    // and stored only without the secrets they may echo.
    let message = crate::secrets::scrub(&error.message);
    let _ = journal.record(SyndicationRecord {
        id: item.id.clone(),
        network: item.network,
        state,
        remote_id: Some(key),
        url: None,
        at: Some(now()),
        error: Some(message.clone()),
        sent: None,
        sent_text: None,
        of: item.follow_up.as_ref().map(|f| f.of.clone()),
        action: item.follow_up.as_ref().map(|f| f.action),
    });
    Outcome::Failed(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::Network;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-02-01T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn images_are_read_only_from_inside_the_built_site() {
        let dir = tempfile::tempdir().unwrap();
        let public = dir.path().join("public");
        std::fs::create_dir_all(public.join("images")).unwrap();
        std::fs::write(public.join("images/pulse.png"), "png").unwrap();
        std::fs::write(dir.path().join("outside.png"), "secret").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(
            dir.path().join("outside.png"),
            public.join("images/link.png"),
        )
        .unwrap();
        let site = BuiltSite {
            public,
            base_url: "https://heart.example/".into(),
            pictures: Default::default(),
        };
        let bytes = |path: &str| {
            site.picture(&format!("https://heart.example{path}"))
                .ok()
                .map(|i| i.bytes)
        };
        assert_eq!(bytes("/images/pulse.png"), Some(b"png".to_vec()));
        assert_eq!(
            bytes("/blog/bp/../../images/pulse.png"),
            Some(b"png".to_vec())
        );
        assert_eq!(bytes("/../outside.png"), None);
        assert_eq!(bytes("/blog/bp/../../../outside.png"), None);
        assert_eq!(bytes("/images/link.png"), None, "a link out of the site");
    }

    fn due_at(network: Network, when: &str) -> Option<Outcome> {
        let item = graph::sample_item(network, Some(when));
        decide(&item, &Ledger::default(), now(), false)
    }

    #[test]
    fn an_item_due_later_waits_unless_its_network_schedules_it() {
        let tomorrow = "2026-02-02T12:00:00Z";
        assert_eq!(
            due_at(Network::Mastodon, tomorrow),
            Some(Outcome::NotDue(tomorrow.into()))
        );
        assert_eq!(
            due_at(Network::Facebook, tomorrow),
            None,
            "scheduled on Facebook"
        );
        // Outside Facebook's window (10 minutes to 30 days ahead) it waits too.
        for outside in ["2026-02-01T12:05:00Z", "2026-03-15"] {
            assert_eq!(
                due_at(Network::Facebook, outside),
                Some(Outcome::NotDue(outside.into()))
            );
        }
        assert_eq!(due_at(Network::Facebook, "2026-01-10"), None, "already due");
        assert_eq!(due_at(Network::Mastodon, "2026-01-10"), None);
    }

    #[test]
    fn only_future_times_go_live_later() {
        let later = graph::sample_item(Network::Facebook, Some("2026-02-02"));
        assert_eq!(
            goes_live(&later, now()).map(|t| t.to_rfc3339()),
            Some("2026-02-02T00:00:00+00:00".to_string())
        );
        let past = graph::sample_item(Network::Facebook, Some("2026-01-02"));
        assert_eq!(goes_live(&past, now()), None);
    }
}
