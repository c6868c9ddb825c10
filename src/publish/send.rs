//! A publishing run, from the site's outreach to every item's outcome: which
//! items are chosen and due, one queue per network, each network's client,
//! the user's go-ahead, then the workers. The command line only asks and
//! prints.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::workers::{self, Queue, Report};
use super::{BuiltSite, Journal, Outcome, Setup, SetupError, connect, decide, retry};
use crate::ledger::Ledger;
use crate::ledger::lock::LedgerLock;
use crate::load::Site;
use crate::network::Network;
use crate::outreach::{Outreach, OutreachItem};
use crate::progress::Progress;

/// Which items a run looks at: `--network` and `--only`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Selection<'a> {
    /// Only these networks; empty for every network.
    pub networks: &'a [Network],
    /// Only items of posts whose file or URL contains this text.
    pub only: Option<&'a str>,
    /// Also edit the copies whose post changed since they were posted,
    /// where the network edits (`--update-changed`).
    pub update_changed: bool,
}

impl Selection<'_> {
    pub fn admits(&self, item: &OutreachItem) -> bool {
        (self.networks.is_empty() || self.networks.contains(&item.network))
            && self.only.is_none_or(|o| {
                item.post.as_deref().unwrap_or("").contains(o) || item.post_url.contains(o)
            })
    }
}

/// What a run is asked to do.
pub struct Request<'a> {
    pub selection: Selection<'a>,
    /// The built site, whose images are uploaded with the items.
    pub public: PathBuf,
    /// The site's ledger, held for the whole run; `None` is a dry run, which
    /// sends nothing and writes nothing, and so needs no lock.
    pub lock: Option<&'a LedgerLock>,
}

/// Why a run sent nothing at all.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// A network's client could not be made; no network was posted to.
    #[error(transparent)]
    Setup(#[from] SetupError),
    /// The user did not confirm.
    #[error("Nothing was posted.")]
    Declined,
}

/// Posts what is due among the chosen items, after `confirm` agrees to the
/// count. Every chosen item comes back with its outcome: first those not
/// sent (posted already, not due, awaiting approval), then what the
/// workers did, or `WouldPost` in a dry run.
pub fn run<'i>(
    site: &'i Site,
    outreach: &'i Outreach,
    request: &Request,
    confirm: impl FnOnce(usize) -> bool,
    progress: &Progress,
) -> Result<Report<'i>, RunError> {
    let (mut outcomes, due) = sort_out(site, outreach, request.selection);
    let Some(lock) = request.lock else {
        outcomes.extend(due.into_iter().map(|item| (item, Outcome::WouldPost)));
        return Ok(Report {
            outcomes,
            stopped: Vec::new(),
        });
    };
    if due.is_empty() {
        return Ok(Report {
            outcomes,
            stopped: Vec::new(),
        });
    }
    let built = BuiltSite {
        public: request.public.clone(),
        base_url: site.config.base().to_string(),
        pictures: outreach.pictures.clone(),
    };
    let queues = queues(site, due, &built)?;
    let count: usize = queues.iter().map(|queue| queue.items.len()).sum();
    if !confirm(count) {
        return Err(RunError::Declined);
    }
    let journal = Journal::new(site.ledger.clone(), |l: &Ledger| l.save(&site.root, lock));
    let rules = workers::Rules {
        policy: &retry::Policy::default(),
        max_wait: site.outreach.publish.max_wait,
    };
    progress.start("Posting", count as u64);
    let mut report = workers::post_all(queues, &journal, &rules, progress);
    progress.finish();
    outcomes.append(&mut report.outcomes);
    report.outcomes = outcomes;
    Ok(report)
}

/// The chosen items, split into those that are not sent now (with why) and
/// those due, in the outreach's order.
fn sort_out<'i>(
    site: &Site,
    outreach: &'i Outreach,
    selection: Selection,
) -> (Vec<(&'i OutreachItem, Outcome)>, Vec<&'i OutreachItem>) {
    let require_approval = site.outreach.publish.require_approval;
    let now = chrono::Utc::now();
    let mut outcomes = Vec::new();
    let mut due = Vec::new();
    // First posts, then what new corrections and withdrawals ask of the
    // copies already posted.
    let updates = if selection.update_changed {
        &outreach.updates[..]
    } else {
        &[]
    };
    let items = outreach
        .items
        .iter()
        .chain(&outreach.follow_ups)
        .chain(updates);
    for item in items.filter(|i| selection.admits(i)) {
        match decide(item, &site.ledger, now, require_approval) {
            Some(outcome) => outcomes.push((item, outcome)),
            None => due.push(item),
        }
    }
    (outcomes, due)
}

/// One queue per network, in the order its items are due, each with its
/// client; every client is made before anything is sent.
fn queues<'i>(
    site: &Site,
    due: Vec<&'i OutreachItem>,
    built: &BuiltSite,
) -> Result<Vec<Queue<'i>>, SetupError> {
    let mut by_network: BTreeMap<Network, Vec<&OutreachItem>> = BTreeMap::new();
    for item in due {
        by_network.entry(item.network).or_default().push(item);
    }
    by_network
        .into_iter()
        .map(|(network, items)| {
            let setup = Setup {
                settings: site.outreach.networks.get(&network),
                built: built.clone(),
                timeout: site.outreach.publish.timeout,
            };
            Ok(Queue {
                network,
                client: connect(network, &setup)?,
                items,
            })
        })
        .collect()
}
