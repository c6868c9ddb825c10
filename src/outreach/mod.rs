//! Outreach: from every post, what the clinic posts elsewhere (teasers, polls,
//! discussion starters, shout-outs, awards, physician articles, "recommend us"),
//! each item fitted to its network and linking back to the blog.

pub mod address;
pub mod bounds;
mod compose;
pub mod duration;
pub mod fit;
pub mod follow_up;
pub mod newsletter;
mod physician;
mod polls;
pub mod preview;
mod public;
mod recommend;
pub mod settings;

// The networks sit below the outreach; these keep its old paths working.
pub(crate) use crate::network::{self, little_text, twitter_text};

use serde::Serialize;

use crate::content::Date;
use crate::diagnostic::Diagnostic;
use crate::load::Site;
use crate::render::Bodies;
pub use network::{Network, Reach};
pub use settings::Settings;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    Teaser,
    Poll,
    Discussion,
    Shoutout,
    Award,
    Recommend,
    PhysicianArticle,
    /// A correction carried to a copy already posted (`follow_up`).
    Correction,
    /// A withdrawal carried to a copy already posted.
    Withdrawal,
}

impl ItemKind {
    pub fn label(self) -> &'static str {
        match self {
            ItemKind::Teaser => "teaser",
            ItemKind::Poll => "poll",
            ItemKind::Discussion => "discussion",
            ItemKind::Shoutout => "shout-out",
            ItemKind::Award => "award",
            ItemKind::Recommend => "recommend",
            ItemKind::PhysicianArticle => "physician-article",
            ItemKind::Correction => "correction",
            ItemKind::Withdrawal => "withdrawal",
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Poll {
    pub question: String,
    pub options: Vec<String>,
    pub seconds: u64,
    /// A native poll; otherwise the options are numbered in the text.
    pub native: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Image {
    pub url: String,
    pub alt: Option<String>,
    /// The post's (or the clinic's) social card, which is also its page's
    /// `og:image`: a network that draws a link card from the page shows it
    /// there, and is not sent it as well.
    pub card: bool,
}

/// One thing to post on one network.
#[derive(Debug, Clone, Serialize)]
pub struct OutreachItem {
    /// Stable across builds: `blog/bp/teaser/mastodon`.
    pub id: String,
    /// The post it comes from (`blog/bp.md`), if any.
    pub post: Option<String>,
    pub post_url: String,
    pub title: String,
    pub description: Option<String>,
    pub network: Network,
    pub kind: ItemKind,
    pub text: String,
    /// The link back, with UTM parameters when configured.
    pub link: String,
    pub hashtags: Vec<String>,
    pub mentions: Vec<String>,
    pub poll: Option<Poll>,
    pub image: Option<Image>,
    pub language: String,
    pub not_before: Option<String>,
    pub approved: bool,
    pub length: usize,
    pub limit: usize,
    pub warnings: Vec<String>,
    /// For a correction or withdrawal carried to a copy already posted:
    /// what is done to which copy. `None` for a first post.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<follow_up::FollowUp>,
}

impl OutreachItem {
    /// A digest of what the network is sent (text, link, poll, picture),
    /// which the ledger keeps for a posted item: when the post's words
    /// change later, the item is seen to differ from its copy.
    pub fn fingerprint(&self) -> String {
        let mut sent = format!("{}\0{}\0", self.text, self.link);
        if let Some(poll) = &self.poll {
            sent.push_str(&format!(
                "{}\0{}\0{}\0",
                poll.question,
                poll.options.join("\u{1}"),
                poll.seconds
            ));
        }
        if let Some(image) = &self.image {
            sent.push_str(&format!(
                "{}\0{}",
                image.url,
                image.alt.as_deref().unwrap_or("")
            ));
        }
        let digest = ring::digest::digest(&ring::digest::SHA256, sent.as_bytes());
        digest.as_ref()[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The ledger's record of this item when it was posted with other
    /// words, link, poll or picture than it has now.
    pub fn changed_since_posted<'l>(
        &self,
        ledger: &'l crate::ledger::Ledger,
    ) -> Option<&'l crate::ledger::SyndicationRecord> {
        // A copy edited to these words (`--update-changed`) says them now.
        let updated = format!("{}/update-{}", self.id, self.fingerprint());
        if ledger
            .get(&updated)
            .is_some_and(|r| r.state == crate::ledger::State::Posted)
        {
            return None;
        }
        ledger.get(&self.id).filter(|r| self.differs_from(r))
    }

    /// Whether `record` is of this item posted with other words, link, poll
    /// or picture (a record from before Rounds kept digests says nothing).
    pub fn differs_from(&self, record: &crate::ledger::SyndicationRecord) -> bool {
        record.state == crate::ledger::State::Posted
            && record
                .sent
                .as_deref()
                .is_some_and(|sent| sent != self.fingerprint())
    }
}

/// Everything derived for outreach in one build.
#[derive(Debug, Default)]
pub struct Outreach {
    pub items: Vec<OutreachItem>,
    /// (file name under `outreach/newsletter/`, HTML)
    pub newsletters: Vec<(String, String)>,
    /// Items a network's policy keeps from it, said once in `rounds social`
    /// rather than warned about on every check.
    pub held_back: Vec<HeldBack>,
    /// Where the items' pictures come from, so `rounds publish` can make one
    /// the built site does not have yet.
    pub pictures: std::sync::Arc<crate::picture::Pictures>,
    /// What new corrections and withdrawals ask of the copies already
    /// posted (`follow_up::plan`); never written to the outreach files.
    pub follow_ups: Vec<OutreachItem>,
    /// Edits of the copies whose post changed since, for `rounds publish
    /// --update-changed` (`follow_up::updates`).
    pub updates: Vec<OutreachItem>,
}

/// An item that is not made for a network, and why.
#[derive(Debug, Clone, Serialize)]
pub struct HeldBack {
    /// The id the item would have had.
    pub id: String,
    pub network: Network,
    pub why: HoldReason,
}

/// Why a network does not get an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HoldReason {
    /// The network's policy forbids polls about health (LinkedIn's does).
    HealthPoll,
}

impl HoldReason {
    /// What `rounds social` says of the items held back for this reason.
    pub fn explained(self, network: Network) -> String {
        match self {
            HoldReason::HealthPoll => format!(
                "{} does not allow polls about health, so they are not sent there; a poll is about health unless it says `about_health = false`",
                network.name()
            ),
        }
    }
}

pub fn derive(
    site: &Site,
    bodies: &Bodies,
    pictures: &std::sync::Arc<crate::picture::Pictures>,
    today: Date,
) -> (Outreach, Vec<Diagnostic>) {
    let mut outreach = Outreach {
        pictures: pictures.clone(),
        ..Outreach::default()
    };
    let mut problems = Vec::new();
    let mut order: Vec<usize> = (0..site.posts.len()).collect();
    order.sort_by(|a, b| {
        site.posts[*a]
            .content_path
            .cmp(&site.posts[*b].content_path)
    });
    for i in order {
        let composer = compose::Composer {
            site,
            post: &site.posts[i],
            body: &bodies.posts[i],
            pictures: pictures.posts.get(i),
        };
        composer.items(&mut outreach, &mut problems);
    }
    recommend::recommend(site, today, pictures, &mut outreach.items);
    outreach.follow_ups = follow_up::plan(site);
    outreach.updates = follow_up::updates(site, &outreach.items);
    (outreach, problems)
}

/// `1d`, `12h`, `30m`, `2d12h` → seconds; see [`duration::parse`].
pub fn parse_duration(text: &str) -> Option<u64> {
    duration::parse(text).ok().map(|d| d.as_secs())
}

pub fn utm(settings: &Settings, url: &str, network: Network, campaign: &str) -> String {
    if !settings.social.utm {
        return url.to_string();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!(
        "{url}{separator}utm_source={}&utm_medium={}&utm_campaign={campaign}",
        network.key(),
        settings.social.utm_medium
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1d"), Some(86_400));
        assert_eq!(parse_duration("2d12h"), Some(216_000));
        assert_eq!(parse_duration("30m"), Some(1_800));
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(parse_duration("12"), None);
    }
}
