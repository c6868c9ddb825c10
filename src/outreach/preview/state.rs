//! Where each item stands, as the preview shows it: from the ledger's record
//! (posted, being sent, failed, approved), `[publish] require_approval` and
//! its due date, decided as `rounds publish` decides (`publish::decide`; a
//! test below keeps the two in step).

use chrono::{DateTime, Utc};

use crate::ledger::{self, Ledger, SyndicationRecord};
use crate::outreach::OutreachItem;

/// One item's state. The order is the order of the work: what needs the
/// clinic first, what is done last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    /// `require_approval` is on and nobody has approved it.
    Waiting,
    /// Approved (in the ledger, or `approved = true` in the post).
    Approved,
    /// The next `rounds publish` sends it.
    Due,
    /// Not before its date, and its network cannot schedule it that far.
    Scheduled,
    /// A run began sending it (a pending record).
    Sending,
    /// The last run could not post it; the next one tries again.
    Failed,
    Posted,
}

impl State {
    pub const ALL: [State; 7] = [
        State::Waiting,
        State::Approved,
        State::Due,
        State::Scheduled,
        State::Sending,
        State::Failed,
        State::Posted,
    ];

    /// Its key in the page (`data-state`, the filter, `?state=`).
    pub fn key(self) -> &'static str {
        match self {
            State::Waiting => "waiting",
            State::Approved => "approved",
            State::Due => "due",
            State::Scheduled => "scheduled",
            State::Sending => "sending",
            State::Failed => "failed",
            State::Posted => "posted",
        }
    }

    /// What the card says.
    pub fn label(self) -> &'static str {
        match self {
            State::Waiting => "waiting for approval",
            State::Approved => "approved",
            State::Due => "due",
            State::Scheduled => "scheduled",
            State::Sending => "being sent",
            State::Failed => "failed",
            State::Posted => "posted",
        }
    }
}

/// An item's state and what the page says about it.
pub struct Standing<'l> {
    pub state: State,
    pub record: Option<&'l SyndicationRecord>,
    /// When it may go out, if that is still ahead.
    pub later: Option<DateTime<Utc>>,
    /// Approved in the post's front matter: no ledger record to withdraw.
    pub approved_in_post: bool,
}

/// Where `item` stands at `now`.
pub fn standing<'l>(
    item: &OutreachItem,
    ledger: &'l Ledger,
    require_approval: bool,
    now: DateTime<Utc>,
) -> Standing<'l> {
    let record = ledger.get(&item.id);
    let due = item
        .not_before
        .as_deref()
        .and_then(crate::content::Date::parse)
        .map(|d| d.instant().with_timezone(&Utc));
    let later = due.filter(|due| *due > now);
    // A network that schedules posts itself takes the item now.
    let held_back = later.is_some_and(|due| {
        !item
            .network
            .schedules_ahead()
            .is_some_and(|(shortest, longest)| (shortest..=longest).contains(&(due - now)))
    });
    let state = match record.map(|r| r.state) {
        Some(ledger::State::Posted) => State::Posted,
        Some(ledger::State::Pending) => State::Sending,
        Some(ledger::State::Failed) => State::Failed,
        Some(ledger::State::Approved) => State::Approved,
        None if require_approval && !item.approved => State::Waiting,
        None if require_approval => State::Approved,
        None if held_back => State::Scheduled,
        None => State::Due,
    };
    Standing {
        state,
        record,
        later,
        approved_in_post: item.approved && record.is_none(),
    }
}

/// What the page can do about an item under `rounds serve`: approve it,
/// withdraw its approval, or nothing.
pub fn approvable(standing: &Standing, require_approval: bool) -> Option<&'static str> {
    match standing.state {
        State::Waiting => Some("approve"),
        State::Approved if !standing.approved_in_post => Some("withdraw"),
        // Approving matters only when `rounds publish` asks for it.
        State::Due | State::Scheduled if require_approval => Some("approve"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::Network;
    use crate::publish::{Outcome, decide, graph::sample_item};

    fn record(id: &str, state: ledger::State) -> SyndicationRecord {
        SyndicationRecord {
            id: id.into(),
            network: Network::Mastodon,
            state,
            remote_id: None,
            url: None,
            at: None,
            error: None,
            sent: None,
            sent_text: None,
            of: None,
            action: None,
        }
    }

    /// The preview says "due" exactly when `rounds publish` would send the
    /// item, and names the same reason when it would not.
    #[test]
    fn states_agree_with_what_publish_decides() {
        let now = "2026-03-01T12:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let dates = [
            None,
            Some("2026-02-01"),
            Some("2026-03-10"),
            Some("2027-01-01"),
        ];
        let records = [
            None,
            Some(ledger::State::Approved),
            Some(ledger::State::Pending),
            Some(ledger::State::Failed),
            Some(ledger::State::Posted),
        ];
        for network in [Network::Mastodon, Network::Facebook] {
            for date in dates {
                for held in records {
                    for (require, approved) in [(false, false), (true, false), (true, true)] {
                        let mut item = sample_item(network, date);
                        item.approved = approved;
                        let mut ledger = Ledger::default();
                        if let Some(state) = held {
                            ledger.set(record(&item.id, state));
                        }
                        let state = standing(&item, &ledger, require, now).state;
                        let case = format!(
                            "{network:?} {date:?} {held:?} require={require} approved={approved}: {state:?}"
                        );
                        match decide(&item, &ledger, now, require) {
                            Some(Outcome::AlreadyPosted) => {
                                assert_eq!(state, State::Posted, "{case}")
                            }
                            Some(Outcome::NotDue(_)) => assert!(
                                matches!(
                                    state,
                                    State::Scheduled
                                        | State::Waiting
                                        | State::Approved
                                        | State::Failed
                                        | State::Sending
                                ),
                                "{case}"
                            ),
                            Some(Outcome::AwaitingApproval) => {
                                assert_eq!(state, State::Waiting, "{case}")
                            }
                            None => assert!(
                                matches!(
                                    state,
                                    State::Due | State::Approved | State::Failed | State::Sending
                                ),
                                "{case}"
                            ),
                            Some(other) => panic!("{case}: {other:?}"),
                        }
                        if state == State::Due {
                            assert_eq!(decide(&item, &ledger, now, require), None, "{case}");
                        }
                        if state == State::Scheduled {
                            assert!(
                                matches!(
                                    decide(&item, &ledger, now, require),
                                    Some(Outcome::NotDue(_))
                                ),
                                "{case}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn only_what_can_change_is_approvable() {
        let now = Utc::now();
        let item = sample_item(Network::X, None);
        let mut ledger = Ledger::default();
        let waiting = standing(&item, &ledger, true, now);
        assert_eq!(approvable(&waiting, true), Some("approve"));
        assert_eq!(
            approvable(&standing(&item, &ledger, false, now), false),
            None
        );
        ledger.set(record(&item.id, ledger::State::Approved));
        assert_eq!(
            approvable(&standing(&item, &ledger, true, now), true),
            Some("withdraw")
        );
        ledger.set(record(&item.id, ledger::State::Posted));
        assert_eq!(approvable(&standing(&item, &ledger, true, now), true), None);
        let mut in_post = sample_item(Network::X, None);
        in_post.approved = true;
        let empty = Ledger::default();
        let approved = standing(&in_post, &empty, true, now);
        assert_eq!(approved.state, State::Approved);
        assert_eq!(
            approvable(&approved, true),
            None,
            "front matter approvals stay"
        );
    }
}
