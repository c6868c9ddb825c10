//! The items of one post: which kinds it gets on each network (public items,
//! a physician article, a newsletter), and what every item shares: its id,
//! its link back, its words, its hashtags and names, and its text fitted to
//! the network.

use serde_json::Value;

use super::fit::{self, Parts};
use super::{Image, ItemKind, Network, Outreach, OutreachItem, Reach, newsletter};
use crate::content::Post;
use crate::content::front_matter::Social;
use crate::derive::feed::strip_tags;
use crate::diagnostic::{Diagnostic, Position, position_of};
use crate::load::Site;
use crate::network::TagPlacement;

/// A data file's record (`data/partners.toml`'s `gym`): its fields by name.
pub(super) type Record = serde_json::Map<String, Value>;

/// One post, with what its items are made from.
pub(super) struct Composer<'a> {
    pub(super) site: &'a Site,
    pub(super) post: &'a Post,
    pub(super) body: &'a crate::markdown::Rendered,
    /// Its pictures, one per network (`src/picture/`).
    pub(super) pictures: Option<&'a crate::picture::PostPictures>,
}

impl Composer<'_> {
    /// Every item of the post on every enabled network, in the order they are
    /// listed: per network, its public items, then its physician article.
    pub(super) fn items(&self, outreach: &mut Outreach, problems: &mut Vec<Diagnostic>) {
        let post = self.post;
        let default_social = Social::default();
        let social = post.front.social.as_ref().unwrap_or(&default_social);
        // A withdrawn post yields nothing new (`rounds publish` acts on its copies).
        if social.skip || post.front.is_withdrawn() {
            return;
        }
        let settings = &self.site.outreach;
        let to_public = post.front.audience.reaches_patients();
        let physician_path = crate::derive::physician_path(self.site, post);
        let polls = self.checked_polls(social, problems);
        for (network, network_settings) in settings.enabled() {
            let reach = settings.reach(network);
            if to_public && reach != Reach::Physicians {
                self.public_items(network, network_settings, social, &polls, outreach);
            }
            if let (Some(path), true) = (&physician_path, reach != Reach::Public) {
                outreach
                    .items
                    .push(self.physician_item(network, social, path));
            }
        }
        if let Some(path) = &physician_path {
            let page_url = self.site.config.published_permalink(path);
            outreach.newsletters.push((
                format!("{}.html", post.slug),
                newsletter::render(self.site, post, &page_url),
            ));
        }
    }

    /// `blog/bp/teaser/mastodon`: the same on every build, so the ledger
    /// knows an item it has posted.
    pub(super) fn id(&self, kind: &str, network: Network) -> String {
        let stem = crate::ledger::stem_of(&self.post.content_path);
        format!("{stem}/{kind}/{}", network.key())
    }

    pub(super) fn link(&self, network: Network, path: &str) -> String {
        let url = self.site.config.published_permalink(path);
        super::utm(&self.site.outreach, &url, network, &self.post.slug)
    }

    /// The most hashtags an item of this post carries on `network`.
    pub(super) fn most_hashtags(&self, network: Network) -> usize {
        self.site
            .outreach
            .networks
            .get(&network)
            .map_or(network.hashtag_style().most, |n| n.most_hashtags(network))
    }

    /// The words of a teaser: per-network text, the teaser, the description,
    /// or the first paragraph. A network with room (LinkedIn, Facebook) gets
    /// the teaser and the description both, where they differ.
    pub(super) fn words(&self, network: Network, social: &Social) -> String {
        let description = self.post.front.description.as_ref();
        let teaser = social.teasers.get(network.key()).or(social.teaser.as_ref());
        if let (true, Some(teaser), Some(description)) = (network.uses_room(), teaser, description)
        {
            if !repeats(teaser, description) {
                return format!("{}\n\n{}", teaser.trim(), description.trim());
            }
        }
        teaser
            .or(description)
            .cloned()
            .or_else(|| {
                self.body
                    .summary
                    .as_deref()
                    .map(|s| strip_tags(s).trim().to_string())
            })
            .unwrap_or_else(|| self.post.front.title.clone())
    }

    pub(super) fn hashtags(&self, social: &Social, max: usize) -> Vec<String> {
        let own: Vec<&str> = match &social.hashtags {
            Some(tags) => tags.iter().map(String::as_str).collect(),
            None => self.post.front.tags.iter().map(String::as_str).collect(),
        };
        let clinic = self
            .site
            .outreach
            .social
            .hashtags
            .iter()
            .map(String::as_str);
        let mut tags = fit::hashtags(own.into_iter().chain(clinic));
        tags.truncate(max);
        tags
    }

    /// A partner's or doctor's name as this network shows it: a handle where they have one.
    pub(super) fn handle(&self, record: Option<&Record>, key: &str, network: Network) -> String {
        let Some(record) = record else {
            return key.to_string();
        };
        let name = record
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(key)
            .to_string();
        record
            .get(network.key())
            .and_then(Value::as_str)
            .and_then(|handle| network.mention(handle, &name))
            .unwrap_or(name)
    }

    pub(super) fn record<'s>(&'s self, file: &str, key: &str) -> Option<&'s Record> {
        self.site.data.get(file)?.get(key)?.as_object()
    }

    /// An item of the post with its text fitted to the network; the caller
    /// adds what only its kind has (mentions, a poll, another title).
    pub(super) fn base_item(
        &self,
        network: Network,
        kind: ItemKind,
        id: String,
        link: String,
        parts: &Parts,
    ) -> OutreachItem {
        let post = self.post;
        let social = post.front.social.as_ref();
        let mut warnings = Vec::new();
        let (text, hashtags) = fitted(network, parts, &mut warnings);
        let image = self.image(network);
        if image.as_ref().is_some_and(|i| i.alt.is_none()) {
            warnings.push("image has no alt text".into());
        }
        if let Some(note) = self.pictures.and_then(|p| p.note.clone()) {
            warnings.push(note);
        }
        let not_before = social
            .and_then(|s| s.schedule)
            .or(post.date)
            .map(|d| d.to_string());
        OutreachItem {
            id,
            post: Some(post.content_path.clone()),
            post_url: self.site.config.published_permalink(&post.path),
            title: post.front.title.clone(),
            description: post.front.description.clone(),
            network,
            kind,
            length: network.count(&text),
            limit: network.limit(),
            text,
            link,
            hashtags,
            mentions: Vec::new(),
            poll: None,
            image,
            language: post.lang.clone(),
            not_before,
            approved: social.is_some_and(|s| s.approved),
            warnings,
            follow_up: None,
        }
    }

    /// The post's picture as `network` takes it: its image converted for
    /// the network, or its card (see `src/picture/`).
    fn image(&self, network: Network) -> Option<Image> {
        let chosen = self.pictures?.networks.get(&network)?;
        Some(Image {
            url: chosen.url.clone(),
            alt: chosen.alt.clone(),
            card: chosen.card,
        })
    }

    /// Where `needle` first appears in the post's front matter, else its top.
    pub(super) fn line_of(&self, needle: &str) -> Position {
        let source = &self.post.source;
        let at = source[..self.post.body_offset].find(needle).unwrap_or(0);
        position_of(source, at)
    }
}

/// Whether `description` mostly says again what `teaser` says: then a
/// network with room gets the teaser alone, as a person would write it.
fn repeats(teaser: &str, description: &str) -> bool {
    let said = content_words(teaser);
    let words = content_words(description);
    if words.is_empty() {
        return true;
    }
    let again = words.iter().filter(|w| said.contains(*w)).count();
    // Two in five of its words already said: it reads as the same sentence.
    again * 5 >= words.len() * 2
}

/// The words that carry a text's meaning, lowercased and roughly stemmed
/// ("checks", "checked" and "checking" are one word).
fn content_words(text: &str) -> std::collections::BTreeSet<String> {
    const LITTLE: &[&str] = &[
        "the", "and", "for", "you", "your", "our", "are", "with", "that", "this", "from", "what",
        "how", "why", "when", "here", "can", "its", "not", "but", "all", "get", "will", "than",
        "them", "they", "has", "have", "more", "most", "about", "into", "out", "one", "who",
        "does", "also", "just", "some",
    ];
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 3 && !LITTLE.contains(&w.as_str()))
        .map(|w| {
            for suffix in ["ing", "ed", "s"] {
                if let Some(stem) = w.strip_suffix(suffix).filter(|s| s.chars().count() >= 3) {
                    return stem.to_string();
                }
            }
            w
        })
        .collect()
}

/// The parts fitted to the network's limit, and the hashtags kept; what
/// fitting had to do (or why it could not) is added to `warnings`. Text that
/// cannot fit is kept whole, so the preview shows what is too long.
pub(super) fn fitted(
    network: Network,
    parts: &Parts,
    warnings: &mut Vec<String>,
) -> (String, Vec<String>) {
    // The link as this network's text writes it, and counts it; a topic tag
    // goes beside the text, not in it.
    let topic = network.hashtag_style().placement == TagPlacement::Topic;
    let written = Parts {
        link: parts.link.as_deref().map(|l| network.written_link(l)),
        hashtags: if topic {
            Vec::new()
        } else {
            parts.hashtags.clone()
        },
        ..parts.clone()
    };
    if topic {
        let (text, _) = fitted_text(network, &written, warnings);
        return (text, parts.hashtags.iter().take(1).cloned().collect());
    }
    fitted_text(network, &written, warnings)
}

/// The parts fitted as they are.
fn fitted_text(
    network: Network,
    parts: &Parts,
    warnings: &mut Vec<String>,
) -> (String, Vec<String>) {
    match fit::fit(network, parts) {
        Ok(fitted) => {
            if fitted.shortened {
                warnings.push("text shortened to fit".to_string());
            }
            if !fitted.dropped_hashtags.is_empty() {
                warnings.push(format!("left out {}", fitted.dropped_hashtags.join(" ")));
            }
            let kept = parts
                .hashtags
                .iter()
                .filter(|h| !fitted.dropped_hashtags.contains(h))
                .cloned()
                .collect();
            (fitted.text, kept)
        }
        Err(too_long) => {
            warnings.push(too_long.to_string());
            (
                fit::join(
                    &parts.body,
                    &parts.fixed,
                    parts.link.as_deref(),
                    &parts.hashtags,
                ),
                parts.hashtags.clone(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::repeats;

    #[test]
    fn a_description_that_says_the_teaser_again_is_left_out() {
        let teaser = "Team Riverside is walking and running the Heart of Springfield 5K on May 16. Join us! Free blood pressure checks at the finish line.";
        let again = "Walk or run with our team at the Heart of Springfield 5K on May 16, and get a free blood pressure check at the finish line.";
        assert!(repeats(teaser, again));
        let valentine =
            "Skip the candy box. Here are five free Valentine's gifts your heart will love.";
        let more = "Small, free things you can do this week that your heart will thank you for.";
        assert!(!repeats(valentine, more));
    }
}
