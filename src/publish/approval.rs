//! Approvals: the step before publishing when `[publish] require_approval`
//! is on. They are records in the ledger, so they are committed, reviewed
//! and carried to CI with everything else `rounds publish` reads.

use crate::ledger::lock::LedgerLock;
use crate::ledger::{FILE, Ledger};
use crate::outreach::OutreachItem;

/// What is done to each chosen item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Approve,
    /// Withdraws an approval that has not been acted on yet.
    Withdraw,
}

/// What became of one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub id: String,
    /// False when the item was already as asked, or had gone further.
    pub changed: bool,
    /// Its ledger state afterwards ("approved", "posted", "not approved").
    pub state: String,
}

/// Why no approval was written.
#[derive(Debug, thiserror::Error)]
pub enum ApprovalError {
    /// An id names no item of the site (on the chosen network).
    #[error("no outreach item `{id}`{}", near_hint(.near.as_deref()))]
    NoSuchItem { id: String, near: Option<String> },
    #[error("cannot write {FILE}: {0}")]
    Unwritable(std::io::Error),
}

fn near_hint(near: Option<&str>) -> String {
    match near {
        Some(near) => format!("; did you mean `{near}`?"),
        None => "; `rounds social` lists every item".into(),
    }
}

/// Gives the verdict to the items `ids` name (an item's id, or a post's id
/// for all its items) among `items`, and writes the ledger. Nothing is
/// written when any id names nothing.
pub fn settle(
    ledger: &Ledger,
    root: &std::path::Path,
    lock: &LedgerLock,
    items: &[&OutreachItem],
    ids: &[String],
    verdict: Verdict,
) -> Result<Vec<Approval>, ApprovalError> {
    let chosen = choose(items, ids)?;
    let mut ledger = ledger.clone();
    let at = crate::ledger::time::now();
    let approvals = chosen
        .into_iter()
        .map(|item| {
            let changed = match verdict {
                Verdict::Approve => ledger.approve(&item.id, item.network, at),
                Verdict::Withdraw => ledger.unapprove(&item.id),
            };
            let state = match ledger.get(&item.id) {
                Some(record) => format!("{:?}", record.state).to_lowercase(),
                None => "not approved".into(),
            };
            Approval {
                id: item.id.clone(),
                changed,
                state,
            }
        })
        .collect();
    ledger.save(root, lock).map_err(ApprovalError::Unwritable)?;
    Ok(approvals)
}

/// The items `ids` name, each once, in the order first named.
fn choose<'i>(
    items: &[&'i OutreachItem],
    ids: &[String],
) -> Result<Vec<&'i OutreachItem>, ApprovalError> {
    let mut chosen: Vec<&OutreachItem> = Vec::new();
    for id in ids {
        let id = id.trim_end_matches('/');
        let matching: Vec<&OutreachItem> = items
            .iter()
            .copied()
            .filter(|i| i.id == id || i.id.starts_with(&format!("{id}/")))
            .collect();
        if matching.is_empty() {
            return Err(ApprovalError::NoSuchItem {
                id: id.to_string(),
                near: crate::diagnostic::suggest(id, items.iter().map(|i| i.id.as_str()))
                    .map(str::to_string),
            });
        }
        for item in matching {
            if !chosen.iter().any(|c| c.id == item.id) {
                chosen.push(item);
            }
        }
    }
    Ok(chosen)
}
