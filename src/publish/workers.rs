//! The networks' workers: one thread per network, posting its items in order,
//! one at a time. The networks run side by side, while each timeline gets its
//! posts in the order written and one client never races its own rate limit.
//!
//! A network that keeps asking to wait spends its share of `[publish]
//! max_wait` and its remaining items are postponed to the next run. A worker
//! that stops (a bug in Rounds) fails the run and is named: what it had not
//! reported is never taken for "nothing to publish".

use std::sync::Mutex;
use std::time::Duration;

use super::{Client, Journal, Outcome, post_one, retry};
use crate::outreach::{Network, OutreachItem};
use crate::progress::Progress;

/// A network's client and the items due on it, in the order they go out.
pub struct Queue<'i> {
    pub network: Network,
    pub client: Box<dyn Client>,
    pub items: Vec<&'i OutreachItem>,
}

/// What became of every item, and the networks whose worker stopped.
pub struct Report<'i> {
    pub outcomes: Vec<(&'i OutreachItem, Outcome)>,
    pub stopped: Vec<Network>,
}

/// How every worker posts: the retry policy and each network's wait budget.
pub struct Rules<'a> {
    pub policy: &'a retry::Policy,
    pub max_wait: Duration,
}

/// Posts every queue, one worker per network.
pub fn post_all<'i>(
    queues: Vec<Queue<'i>>,
    journal: &Journal,
    rules: &Rules,
    progress: &Progress,
) -> Report<'i> {
    // Outcomes are kept as they happen, so a worker that stops halfway
    // still leaves what it did.
    let done: Mutex<Vec<(&'i OutreachItem, Outcome)>> = Mutex::new(Vec::new());
    let mut stopped = Vec::new();
    let mut unreported: Vec<&'i OutreachItem> = Vec::new();
    std::thread::scope(|scope| {
        let handles: Vec<_> = queues
            .into_iter()
            .map(|queue| {
                let (network, items) = (queue.network, queue.items.clone());
                let done = &done;
                let handle = scope.spawn(move || work(queue, journal, rules, progress, done));
                (network, items, handle)
            })
            .collect();
        for (network, items, handle) in handles {
            if handle.join().is_err() {
                stopped.push(network);
                unreported.extend(items);
            }
        }
    });
    let mut outcomes = done.into_inner().unwrap_or_else(|e| e.into_inner());
    for item in unreported {
        if !outcomes.iter().any(|(i, _)| i.id == item.id) {
            let why = format!(
                "not finished: the {} worker stopped on an error in Rounds; syndication.toml holds what it did, and the next run goes on from there",
                item.network.name()
            );
            outcomes.push((item, Outcome::Failed(why)));
        }
    }
    Report { outcomes, stopped }
}

/// One network's worker: its items in order, until done or out of waiting.
fn work<'i>(
    mut queue: Queue<'i>,
    journal: &Journal,
    rules: &Rules,
    progress: &Progress,
    done: &Mutex<Vec<(&'i OutreachItem, Outcome)>>,
) {
    let mut budget = retry::Budget::new(rules.max_wait);
    for item in queue.items {
        let outcome = if budget.is_spent() {
            Outcome::Postponed(budget.why_spent())
        } else {
            post_one(
                queue.client.as_mut(),
                item,
                journal,
                rules.policy,
                &mut budget,
            )
        };
        progress.inc();
        done.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((item, outcome));
    }
}
