//! The items of a patient-facing post on a public network, one function per
//! kind: the post's own item (a teaser, a shout-out for a partner, an award's
//! congratulations), a discussion starter, and its polls.

use super::compose::Composer;
use super::fit::Parts;
use super::polls::CheckedPoll;
use super::settings::NetworkSettings;
use super::{ItemKind, Network, Outreach, OutreachItem};
use crate::content::Kind;
use crate::content::front_matter::Social;

/// What every public item of one post on one network shares.
pub(super) struct Public {
    pub(super) network: Network,
    /// The link back to the post, with its UTM parameters.
    pub(super) link: String,
    pub(super) hashtags: Vec<String>,
}

impl Public {
    /// An item's parts: its words and fixed lines, with the shared link and hashtags.
    pub(super) fn parts(&self, body: String, fixed: Vec<String>) -> Parts {
        Parts {
            body,
            fixed,
            link: Some(self.link.clone()),
            hashtags: self.hashtags.clone(),
        }
    }
}

impl Composer<'_> {
    /// The post's public items on `network`, in the order they are listed:
    /// its own item, a discussion starter, then each poll.
    pub(super) fn public_items(
        &self,
        network: Network,
        network_settings: &NetworkSettings,
        social: &Social,
        polls: &[CheckedPoll],
        outreach: &mut Outreach,
    ) {
        let public = Public {
            network,
            link: self.link(network, &self.post.path),
            hashtags: self.hashtags(social, network_settings.most_hashtags(network)),
        };
        outreach.items.push(self.post_item(&public, social));
        if let Some(ask) = &social.ask {
            outreach.items.push(self.discussion_item(&public, ask));
        }
        for poll in polls {
            match self.health_poll_refused(network, poll) {
                Some(held) => outreach.held_back.push(held),
                None => outreach.items.push(self.poll_item(&public, poll)),
            }
        }
    }

    /// The post's own item, by what kind of post it is.
    fn post_item(&self, public: &Public, social: &Social) -> OutreachItem {
        let network = public.network;
        let mentions: Vec<String> = social
            .mentions
            .iter()
            .map(|key| self.handle(self.record("partners", key), key, network))
            .collect();
        let words = self.words(network, social);
        let (kind, body, fixed) = match self.post.front.kind {
            Kind::Award => (
                ItemKind::Award,
                self.congratulations(network, &words),
                Vec::new(),
            ),
            Kind::Partner => (ItemKind::Shoutout, words, vec![thanks(&mentions)]),
            _ if !mentions.is_empty() => (
                ItemKind::Teaser,
                words,
                vec![format!("With {}", mentions.join(", "))],
            ),
            _ => (ItemKind::Teaser, words, Vec::new()),
        };
        let parts = public.parts(body, fixed);
        let id = self.id(kind.label(), network);
        let mut item = self.base_item(network, kind, id, public.link.clone(), &parts);
        item.mentions = mentions;
        item
    }

    /// An award's words: the congratulations lead, so a shortened text still
    /// says who won.
    fn congratulations(&self, network: Network, words: &str) -> String {
        let doctors: Vec<String> = self
            .post
            .front
            .authors
            .iter()
            .map(|key| self.handle(self.record("doctors", key), key, network))
            .collect();
        let who = if doctors.is_empty() {
            "our team".to_string()
        } else {
            doctors.join(" and ")
        };
        format!("Congratulations to {who}! {words}")
    }

    /// The post's `ask`, as a question to reply to.
    fn discussion_item(&self, public: &Public, ask: &str) -> OutreachItem {
        let parts = public.parts(
            ask.to_string(),
            vec!["Tell us what you think, and read the article:".into()],
        );
        self.base_item(
            public.network,
            ItemKind::Discussion,
            self.id("discussion", public.network),
            public.link.clone(),
            &parts,
        )
    }
}

/// A partner's shout-out line, or none when the post names no partner.
fn thanks(mentions: &[String]) -> String {
    if mentions.is_empty() {
        String::new()
    } else {
        format!("Thank you, {}!", mentions.join(", "))
    }
}
