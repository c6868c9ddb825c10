//! A post's polls: checked once against every network that will run them
//! natively, then drawn as one item per network: a native poll where the
//! network has one that fits, else the options numbered in the text.

use super::compose::Composer;
use super::public::Public;
use super::{HeldBack, HoldReason, ItemKind, Network, OutreachItem, Poll, Reach, parse_duration};
use crate::content::front_matter::{PollFrontMatter, Social};
use crate::diagnostic::Diagnostic;
use crate::network::PollRules;

/// What a poll runs for when its front matter gives no `duration`.
const DEFAULT_DURATION: &str = "1d";

/// A poll of a post's `[social]` that passed its checks.
pub(super) struct CheckedPoll<'s> {
    /// Its place among the post's polls, from 0 (the id says `poll-1`).
    pub(super) n: usize,
    pub(super) poll: &'s PollFrontMatter,
    /// How long it runs.
    pub(super) seconds: u64,
}

impl CheckedPoll<'_> {
    /// `poll-1`: the poll's part of its items' ids.
    fn kind_in_id(&self) -> String {
        format!("poll-{}", self.n + 1)
    }
}

impl Composer<'_> {
    /// The post's polls that every enabled network can run; the others are
    /// reported and left out.
    pub(super) fn checked_polls<'s>(
        &self,
        social: &'s Social,
        problems: &mut Vec<Diagnostic>,
    ) -> Vec<CheckedPoll<'s>> {
        let mut polls = Vec::new();
        for (n, poll) in social.poll.iter().enumerate() {
            let (seconds, found) = self.check_poll(poll);
            if found.is_empty() {
                polls.push(CheckedPoll { n, poll, seconds });
            }
            problems.extend(found);
        }
        polls
    }

    /// How long the poll runs (0 when unreadable), and every problem with it.
    fn check_poll(&self, poll: &PollFrontMatter) -> (u64, Vec<Diagnostic>) {
        let mut found = Vec::new();
        if !(2..=4).contains(&poll.options.len()) {
            found.push(self.poll_error(
                format!(
                    "a poll needs 2 to 4 options; this one has {}",
                    poll.options.len()
                ),
                &poll.question,
                "give the poll between two and four `options`",
            ));
        }
        let seconds = match parse_duration(poll.duration.as_deref().unwrap_or(DEFAULT_DURATION)) {
            Some(s) => s,
            None => {
                found.push(self.poll_error(
                    format!(
                        "poll duration `{}` is not understood",
                        poll.duration.as_deref().unwrap_or_default()
                    ),
                    poll.duration.as_deref().unwrap_or(&poll.question),
                    "write durations like \"30m\", \"12h\" or \"3d\"",
                ));
                0
            }
        };
        for (network, _) in self.site.outreach.enabled() {
            found.extend(self.check_poll_on(network, poll, seconds));
        }
        (seconds, found)
    }

    /// The poll against one network's native poll rules, where it will run.
    fn check_poll_on(
        &self,
        network: Network,
        poll: &PollFrontMatter,
        seconds: u64,
    ) -> Vec<Diagnostic> {
        let Some(rules) = network.poll_rules() else {
            return Vec::new();
        };
        // Polls are public items: a network for physicians never gets one.
        if self.site.outreach.reach(network) == Reach::Physicians {
            return Vec::new();
        }
        if !rules.allows_health_questions && poll.about_health {
            return Vec::new();
        }
        let mut found: Vec<Diagnostic> = poll
            .options
            .iter()
            .filter_map(|option| self.option_too_long(network, &rules, option))
            .collect();
        if seconds > 0 && network.refuses_poll_length(seconds) {
            found.push(self.poll_error(
                format!(
                    "a poll of {} is outside what {} allows",
                    poll.duration.as_deref().unwrap_or(DEFAULT_DURATION),
                    network.name()
                ),
                poll.duration.as_deref().unwrap_or(&poll.question),
                &format!(
                    "use between {} and {} minutes",
                    rules.min_seconds / 60,
                    rules.max_seconds / 60
                ),
            ));
        }
        found
    }

    fn option_too_long(
        &self,
        network: Network,
        rules: &PollRules,
        option: &str,
    ) -> Option<Diagnostic> {
        let len = option.chars().count();
        (len > rules.max_option_len).then(|| {
            self.poll_error(
                format!(
                    "poll option \"{option}\" has {len} characters; {} allows {}",
                    network.name(),
                    rules.max_option_len
                ),
                option,
                &format!("shorten it to {} characters or fewer", rules.max_option_len),
            )
        })
    }

    /// A problem with a poll, at the front-matter line holding `at`.
    fn poll_error(&self, message: String, at: &str, help: &str) -> Diagnostic {
        Diagnostic::error("outreach/poll", message)
            .in_file(&self.post.file)
            .at(self.line_of(at))
            .with_help(help.to_string())
    }

    /// A network whose policy forbids polls about health does not get one:
    /// what is held back, or `None` when the poll may go there.
    pub(super) fn health_poll_refused(
        &self,
        network: Network,
        checked: &CheckedPoll,
    ) -> Option<HeldBack> {
        let refuses = network
            .poll_rules()
            .is_some_and(|r| !r.allows_health_questions);
        (refuses && checked.poll.about_health).then(|| HeldBack {
            id: self.id(&checked.kind_in_id(), network),
            network,
            why: HoldReason::HealthPoll,
        })
    }

    /// The poll on one network: native where its options fit the network's
    /// poll, else numbered in the text for replies.
    pub(super) fn poll_item(&self, public: &Public, checked: &CheckedPoll) -> OutreachItem {
        let network = public.network;
        let poll = checked.poll;
        let native = network.poll_rules().is_some_and(|r| {
            poll.options.len() <= r.max_options
                && poll
                    .options
                    .iter()
                    .all(|o| o.chars().count() <= r.max_option_len)
        });
        let fixed = if native {
            vec![]
        } else {
            let numbered: Vec<String> = poll
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| format!("{}. {o}", i + 1))
                .collect();
            vec![
                numbered.join("\n"),
                "Reply with your number, and read more:".into(),
            ]
        };
        let parts = public.parts(poll.question.clone(), fixed);
        let id = self.id(&checked.kind_in_id(), network);
        let mut item = self.base_item(network, ItemKind::Poll, id, public.link.clone(), &parts);
        if native && network.poll_excludes_media() {
            item.image = None;
        }
        item.poll = Some(Poll {
            question: poll.question.clone(),
            options: poll.options.clone(),
            seconds: checked.seconds,
            native,
        });
        item
    }
}
