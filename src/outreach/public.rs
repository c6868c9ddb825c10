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
            Kind::Award => {
                let (body, fixed) = self.congratulations(network, social, &words);
                (ItemKind::Award, body, fixed)
            }
            Kind::Partner => {
                let line = thanks(&words, &mentions);
                (ItemKind::Shoutout, words, vec![line])
            }
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

    /// An award's words and its fixed lines. The congratulations lead, so a
    /// shortened text still says who won; but a teaser that already
    /// celebrates is not congratulated again, and its honorees' handles
    /// follow it in a line of their own.
    fn congratulations(
        &self,
        network: Network,
        social: &Social,
        words: &str,
    ) -> (String, Vec<String>) {
        let honorees: Vec<(String, String)> = social
            .honorees
            .iter()
            .map(|key| {
                let record = self.record("doctors", key);
                let name = record
                    .and_then(|r| r.get("name"))
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or(key)
                    .to_string();
                (name, self.handle(record, key, network))
            })
            .collect();
        if !celebrates(words) {
            let who = match honorees.is_empty() {
                true => "our team".to_string(),
                false => and_list(honorees.iter().map(|(_, shown)| shown.as_str())),
            };
            return (format!("Congratulations to {who}! {words}"), Vec::new());
        }
        // Handles the words cannot carry themselves; a plain name the
        // teaser already says is not said again.
        let tagged: Vec<&str> = honorees
            .iter()
            .filter(|(name, shown)| shown != name || !names_in(words, name))
            .map(|(_, shown)| shown.as_str())
            .collect();
        let fixed = match tagged.is_empty() {
            true => Vec::new(),
            false => vec![format!("Well deserved, {}!", and_list(tagged.into_iter()))],
        };
        (words.to_string(), fixed)
    }

    /// The post's `ask`, as a question to reply to.
    fn discussion_item(&self, public: &Public, ask: &str) -> OutreachItem {
        let parts = public.parts(ask.to_string(), vec![reply_line(ask)]);
        self.base_item(
            public.network,
            ItemKind::Discussion,
            self.id("discussion", public.network),
            public.link.clone(),
            &parts,
        )
    }
}

/// Whether the writer's words already congratulate or celebrate, so a
/// "Congratulations to …!" before them would say it twice.
fn celebrates(words: &str) -> bool {
    let lower = words.to_lowercase();
    [
        "congratulat",
        "congrats",
        "proud",
        "celebrat",
        "well deserved",
        "honored",
        "honoured",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// Whether `words` name the person: their surname is in the text.
fn names_in(words: &str, name: &str) -> bool {
    name.split_whitespace()
        .last()
        .is_some_and(|surname| words.contains(surname.trim_end_matches(',')))
}

/// "A", "A and B", "A, B and C".
fn and_list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.concat(),
    }
}

/// A partner's shout-out line, or none when the post names no partner; a
/// teaser that thanks already has the partners named "with" it instead.
fn thanks(words: &str, mentions: &[String]) -> String {
    if mentions.is_empty() {
        String::new()
    } else if words.to_lowercase().contains("thank") {
        format!("With {}", and_list(mentions.iter().map(String::as_str)))
    } else {
        format!(
            "Thank you, {}!",
            and_list(mentions.iter().map(String::as_str))
        )
    }
}

/// The line between a discussion question and its link: an invitation to
/// reply, unless the question already makes one.
fn reply_line(ask: &str) -> String {
    let lower = ask.to_lowercase();
    let invites = ["tell us", "reply", "comment", "let us know", "share"]
        .iter()
        .any(|w| lower.contains(w));
    if invites {
        "Read the article:".into()
    } else {
        "Tell us what you think, and read the article:".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_that_already_congratulate_are_not_congratulated_again() {
        assert!(celebrates("Congratulations, Dr. Nguyen! She was named…"));
        assert!(celebrates("Proud moment: our lab earned the award."));
        assert!(!celebrates("Our lab earned the 2026 award."));
    }

    #[test]
    fn thanks_and_invitations_are_not_said_twice() {
        let gym = vec!["@gym@fit.example".to_string()];
        assert_eq!(
            thanks("Come walk with us.", &gym),
            "Thank you, @gym@fit.example!"
        );
        assert_eq!(
            thanks("Thank you to our friends at the gym!", &gym),
            "With @gym@fit.example"
        );
        assert_eq!(
            reply_line("Tell us your favourite walk?"),
            "Read the article:"
        );
        assert_eq!(
            reply_line("What is your favourite walk?"),
            "Tell us what you think, and read the article:"
        );
    }

    #[test]
    fn names_are_listed_as_people_say_them() {
        assert_eq!(and_list(["A"].into_iter()), "A");
        assert_eq!(and_list(["A", "B"].into_iter()), "A and B");
        assert_eq!(and_list(["A", "B", "C"].into_iter()), "A, B and C");
        assert!(names_in("Congratulations, Dr. Nguyen!", "Dr. Linh Nguyen"));
        assert!(!names_in("Congratulations to our lab!", "Dr. Linh Nguyen"));
    }
}
