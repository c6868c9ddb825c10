//! Follow-ups: what a post's new correction or withdrawal asks of each copy
//! already posted (`syndication.toml`). Each is an outreach item of its own,
//! with its own ledger record, so it goes through the same approval, dry run,
//! retries and crash rules as a first post.
//!
//! Only an explicit act is carried: a `[[corrections]]` entry dated on or
//! after the day the copy was posted, or `withdrawn`. A silent change of the
//! words is drift, shown by `rounds social`, and left alone.

use serde::Serialize;

use super::{ItemKind, OutreachItem};
use crate::content::Post;
use crate::ledger::{Action, Ledger, State, SyndicationRecord};
use crate::load::Site;
use crate::outreach::settings::OnWithdrawal;

/// What a follow-up does, to which copy.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FollowUp {
    pub action: Action,
    /// The copy's own item id, e.g. `blog/bp/teaser/mastodon`.
    pub of: String,
    /// The copy's id and address on its network.
    pub remote_id: String,
    pub remote_url: Option<String>,
    /// The line that says what changed; a copy whose text (or a reply under
    /// it) carries it has had this follow-up, which is how a run after a
    /// crash knows the edit or reply went out.
    pub notice: String,
}

/// The follow-ups due now, in the posts' order, then the copies' order.
pub fn plan(site: &Site) -> Vec<OutreachItem> {
    let mut posts: Vec<&Post> = site.posts.iter().collect();
    posts.sort_by(|a, b| a.content_path.cmp(&b.content_path));
    let on_withdrawal = site.outreach.publish.on_withdrawal;
    let mut items = Vec::new();
    for post in posts {
        if post.front.corrections.is_empty() && post.front.withdrawn.is_none() {
            continue;
        }
        let stem = format!("{}/", crate::ledger::stem_of(&post.content_path));
        let copies = site.ledger.items.iter().filter(|r| {
            r.state == State::Posted
                && r.of.is_none()
                && r.id.starts_with(&stem)
                && r.remote_id.is_some()
                && !site.ledger.deleted(&r.id)
        });
        for copy in copies {
            let of_copy = Copy {
                site,
                post,
                record: copy,
            };
            match &post.front.withdrawn {
                Some(_) => items.extend(of_copy.withdrawal(on_withdrawal)),
                None => items.extend(of_copy.corrections()),
            }
        }
    }
    items.retain(|item| !done(&site.ledger, &item.id));
    items
}

/// Where an edit's notices begin, after the copy's own words.
const NOTICES: &str = "\n\nCorrection (";

/// With `rounds publish --update-changed`: an edit of each copy whose post
/// now says something else, on a network that edits, never of a poll. Its
/// id names the new words' digest, so each change is sent once; the copy
/// keeps the correction notices already carried to it.
pub fn updates(site: &Site, items: &[OutreachItem]) -> Vec<OutreachItem> {
    let mut updates = Vec::new();
    for item in items {
        let Some(record) = item.changed_since_posted(&site.ledger) else {
            continue;
        };
        let Some(post) = site
            .posts
            .iter()
            .find(|p| item.post.as_deref() == Some(p.content_path.as_str()))
        else {
            continue;
        };
        if post.front.is_withdrawn() || site.ledger.deleted(&record.id) {
            continue;
        }
        let copy = Copy { site, post, record };
        if !copy.editable() || record.remote_id.is_none() {
            continue;
        }
        let carried: Vec<String> = post
            .front
            .corrections
            .iter()
            .enumerate()
            .filter(|(n, _)| done(&site.ledger, &format!("{}/correction-{}", record.id, n + 1)))
            .map(|(_, c)| format!("Correction ({}): {}", c.date, c.note))
            .collect();
        let text = match carried.is_empty() {
            true => item.text.clone(),
            false => format!("{}\n\n{}", item.text, carried.join("\n")),
        };
        if item.network.count(&text) > item.network.limit() {
            continue;
        }
        let id = format!("{}/update-{}", record.id, item.fingerprint());
        let mut update = copy.item(id, item.kind, String::new(), Some(text), None);
        update.link = item.link.clone();
        updates.push(update);
    }
    updates.retain(|item| !done(&site.ledger, &item.id));
    updates
}

/// A follow-up whose record says it went out.
fn done(ledger: &Ledger, id: &str) -> bool {
    ledger.get(id).is_some_and(|r| r.state == State::Posted)
}

/// One copy of a post, and what its follow-ups say.
struct Copy<'a> {
    site: &'a Site,
    post: &'a Post,
    record: &'a SyndicationRecord,
}

impl Copy<'_> {
    /// Whether the copy's text can be changed in place: its network edits,
    /// it is not a poll (a poll is never edited: its votes would no longer
    /// match its question), and Rounds kept the words it sent.
    fn editable(&self) -> bool {
        self.record.network.edits() && !self.is_poll() && self.record.sent_text.is_some()
    }

    /// The copy's words without its notices: as first posted, or as the
    /// latest `--update-changed` edit made them.
    fn base_text(&self) -> Option<String> {
        let updated = self.site.ledger.items.iter().rev().find(|r| {
            r.of.as_deref() == Some(self.record.id.as_str())
                && r.state == State::Posted
                && r.id.contains("/update-")
        });
        let text = updated.or(Some(self.record))?.sent_text.as_deref()?;
        Some(match text.find(NOTICES) {
            Some(at) => text[..at].to_string(),
            None => text.to_string(),
        })
    }

    /// Whether the copy is a poll: its id's kind is `poll-1`, `poll-2`…
    fn is_poll(&self) -> bool {
        self.kind()
            .is_some_and(|k| k.starts_with(ItemKind::Poll.label()))
    }

    /// The kind part of the copy's id (`teaser`, `discussion`, `poll-1`).
    fn kind(&self) -> Option<&str> {
        self.record.id.rsplit('/').nth(1)
    }

    /// One follow-up per correction dated on or after the copy's posting day.
    fn corrections(&self) -> Vec<OutreachItem> {
        let posted = self.record.at.map(|at| at.date_naive());
        let mut notices: Vec<String> = Vec::new();
        let mut items = Vec::new();
        for (n, correction) in self.post.front.corrections.iter().enumerate() {
            if posted.is_some_and(|day| correction.date.day() < day) {
                continue;
            }
            let notice = format!("Correction ({}): {}", correction.date, correction.note);
            notices.push(notice.clone());
            let edited = self
                .base_text()
                .map(|sent| format!("{sent}\n\n{}", notices.join("\n")));
            let id = format!("{}/correction-{}", self.record.id, n + 1);
            items.push(self.item(id, ItemKind::Correction, notice, edited, None));
        }
        items
    }

    fn withdrawal(&self, on_withdrawal: OnWithdrawal) -> Option<OutreachItem> {
        let withdrawn = self.post.front.withdrawn.as_ref()?;
        let notice = format!(
            "Withdrawn ({}): \"{}\" no longer stands. {}",
            withdrawn.date, self.post.front.title, withdrawn.reason
        );
        let id = format!("{}/withdrawal", self.record.id);
        let edited = self
            .record
            .sent_text
            .as_deref()
            .map(|sent| format!("{notice}\n\n{sent}"));
        let delete = (on_withdrawal == OnWithdrawal::Delete).then_some(Action::Delete);
        Some(self.item(id, ItemKind::Withdrawal, notice, edited, delete))
    }

    /// How a reply under this copy begins: under a discussion starter or a
    /// poll it says which article it is about. It also keeps the replies
    /// under a post's copies apart, which X requires (it refuses a text the
    /// account posted in the last day).
    fn lead(&self) -> String {
        if self.is_poll() {
            return format!(
                "About the article behind this poll, \"{}\". ",
                self.post.front.title
            );
        }
        match self.kind() {
            Some("discussion") => format!(
                "About the article behind this question, \"{}\". ",
                self.post.front.title
            ),
            _ => String::new(),
        }
    }

    /// The follow-up item: an edit when the copy can be edited and the new
    /// text fits, a reply with the notice and the link otherwise.
    fn item(
        &self,
        id: String,
        kind: ItemKind,
        notice: String,
        edited: Option<String>,
        action: Option<Action>,
    ) -> OutreachItem {
        let network = self.record.network;
        let link = self.site.config.published_permalink(&self.post.path);
        let edited = edited
            .filter(|text| self.editable() && network.count(text) <= network.limit())
            .filter(|_| action.is_none());
        let (action, text) = match (action, edited) {
            (Some(Action::Delete), _) => (Action::Delete, notice.clone()),
            (_, Some(text)) => (Action::Edit, text),
            _ => (
                Action::Reply,
                reply_text(network, &self.lead(), &notice, &link),
            ),
        };
        OutreachItem {
            id,
            post: Some(self.post.content_path.clone()),
            post_url: link.clone(),
            title: self.post.front.title.clone(),
            description: None,
            network,
            kind,
            length: network.count(&text),
            limit: network.limit(),
            text,
            link,
            hashtags: Vec::new(),
            mentions: Vec::new(),
            poll: None,
            image: None,
            language: self.post.lang.clone(),
            not_before: None,
            approved: false,
            warnings: Vec::new(),
            follow_up: Some(FollowUp {
                action,
                of: self.record.id.clone(),
                remote_id: self.record.remote_id.clone().unwrap_or_default(),
                remote_url: self.record.url.clone(),
                notice,
            }),
        }
    }
}

/// The notice and the link, the notice shortened with "…" to fit the network.
fn reply_text(network: crate::outreach::Network, lead: &str, notice: &str, link: &str) -> String {
    let whole = format!("{lead}{notice}\n{link}");
    if network.count(&whole) <= network.limit() {
        return whole;
    }
    let mut words: Vec<&str> = notice.split(' ').collect();
    while words.len() > 1 {
        words.pop();
        let text = format!("{lead}{}…\n{link}", words.join(" "));
        if network.count(&text) <= network.limit() {
            return text;
        }
    }
    whole
}
