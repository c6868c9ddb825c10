//! The social networks: each one's limits and way of counting, in one place.

use serde::{Deserialize, Serialize};
use unicode_properties::{EmojiStatus, UnicodeEmoji};
use unicode_segmentation::UnicodeSegmentation;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Network {
    Mastodon,
    Bluesky,
    X,
    LinkedIn,
    Facebook,
    Threads,
}

/// What a network's native polls allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollRules {
    pub max_options: usize,
    pub max_option_len: usize,
    pub min_seconds: u64,
    pub max_seconds: u64,
    /// LinkedIn's policy forbids polls that ask about health.
    pub allows_health_questions: bool,
}

/// Who a network reaches by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Reach {
    Public,
    Physicians,
    Both,
}

/// Width of every URL on networks that shorten links.
const URL_WEIGHT: usize = 23;

impl Network {
    pub const ALL: [Network; 6] = [
        Network::Mastodon,
        Network::Bluesky,
        Network::X,
        Network::LinkedIn,
        Network::Facebook,
        Network::Threads,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Network::Mastodon => "mastodon",
            Network::Bluesky => "bluesky",
            Network::X => "x",
            Network::LinkedIn => "linkedin",
            Network::Facebook => "facebook",
            Network::Threads => "threads",
        }
    }

    /// Whether `rounds publish` can post to this network yet.
    pub fn can_publish(self) -> bool {
        matches!(self, Network::Mastodon | Network::Bluesky | Network::X)
    }

    pub fn name(self) -> &'static str {
        match self {
            Network::Mastodon => "Mastodon",
            Network::Bluesky => "Bluesky",
            Network::X => "X",
            Network::LinkedIn => "LinkedIn",
            Network::Facebook => "Facebook",
            Network::Threads => "Threads",
        }
    }

    pub fn from_key(key: &str) -> Option<Network> {
        Network::ALL.into_iter().find(|n| n.key() == key)
    }

    /// The most a post may count, in this network's own units.
    pub fn limit(self) -> usize {
        match self {
            Network::Mastodon | Network::Threads => 500,
            Network::Bluesky => 300,
            Network::X => 280,
            Network::LinkedIn => 3000,
            Network::Facebook => 63_206,
        }
    }

    pub fn default_reach(self) -> Reach {
        match self {
            Network::LinkedIn => Reach::Both,
            _ => Reach::Public,
        }
    }

    pub fn poll_rules(self) -> Option<PollRules> {
        match self {
            Network::Mastodon => Some(PollRules {
                max_options: 4,
                max_option_len: 50,
                min_seconds: 300,
                max_seconds: 2_629_746,
                allows_health_questions: true,
            }),
            Network::X => Some(PollRules {
                max_options: 4,
                max_option_len: 25,
                min_seconds: 5 * 60,
                max_seconds: 10_080 * 60,
                allows_health_questions: true,
            }),
            Network::LinkedIn => Some(PollRules {
                max_options: 4,
                max_option_len: 30,
                min_seconds: 86_400,
                max_seconds: 14 * 86_400,
                allows_health_questions: false,
            }),
            Network::Threads => Some(PollRules {
                max_options: 4,
                max_option_len: 25,
                min_seconds: 86_400,
                max_seconds: 86_400,
                allows_health_questions: true,
            }),
            Network::Bluesky | Network::Facebook => None,
        }
    }

    /// Whether hashtags belong in posts here (they do little on Facebook and LinkedIn
    /// beyond a few, but they are harmless; every network accepts them).
    pub fn uses_hashtags(self) -> bool {
        true
    }

    /// Length of `text` as this network counts it.
    pub fn count(self, text: &str) -> usize {
        match self {
            Network::Mastodon => mastodon_length(text),
            Network::Bluesky => text.graphemes(true).count(),
            Network::X => x_weighted_length(text),
            Network::LinkedIn | Network::Facebook => text.chars().count(),
            Network::Threads => threads_length(text),
        }
    }

    /// Whether `text` may be posted as it is.
    pub fn fits(self, text: &str) -> bool {
        let within = self.count(text) <= self.limit();
        match self {
            // Bluesky also caps the bytes of a post.
            Network::Bluesky => within && text.len() <= 3000,
            Network::Threads => within && urls(text).count() <= 5,
            _ => within,
        }
    }
}

fn urls(text: &str) -> impl Iterator<Item = linkify::Link<'_>> {
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    finder.links(text).collect::<Vec<_>>().into_iter()
}

/// Replaces each URL with `placeholder_len` placeholder characters.
fn with_short_urls(text: &str, placeholder: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for link in urls(text) {
        out.push_str(&text[last..link.start()]);
        out.push_str(placeholder);
        last = link.end();
    }
    out.push_str(&text[last..]);
    out
}

/// Mastodon: URLs count 23; a mention counts only its `@user` part.
fn mastodon_length(text: &str) -> usize {
    let shortened = with_short_urls(text, &"x".repeat(URL_WEIGHT));
    let mention_domain = mention_domains_len(&shortened);
    shortened.graphemes(true).count() - mention_domain
}

/// Counts the characters of `@domain` parts in `@user@domain` mentions.
fn mention_domains_len(text: &str) -> usize {
    static MENTION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?:^|[^\w/])@[A-Za-z0-9_]+(@[A-Za-z0-9.\-]+[A-Za-z0-9])")
            .expect("valid regex")
    });
    MENTION
        .captures_iter(text)
        .filter_map(|c| c.get(1))
        .map(|m| m.as_str().chars().count())
        .sum()
}

/// Whether a grapheme cluster is shown as an emoji.
pub fn is_emoji(cluster: &str) -> bool {
    let mut chars = cluster.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let presented = matches!(
        first.emoji_status(),
        EmojiStatus::EmojiPresentation
            | EmojiStatus::EmojiPresentationAndModifierBase
            | EmojiStatus::EmojiPresentationAndEmojiComponent
            | EmojiStatus::EmojiPresentationAndModifierAndEmojiComponent
    );
    if presented {
        return true;
    }
    // Text-default symbols become emoji with VS16, a keycap or a ZWJ sequence.
    first.is_emoji_char()
        && cluster
            .chars()
            .any(|c| matches!(c, '\u{FE0F}' | '\u{20E3}' | '\u{200D}'))
}

/// X: twitter-text's v3 weights, in their own module.
fn x_weighted_length(text: &str) -> usize {
    super::twitter_text::weighted_length(text)
}

/// Threads: characters, but an emoji counts as many as its UTF-8 bytes.
fn threads_length(text: &str) -> usize {
    text.graphemes(true)
        .map(|g| {
            if is_emoji(g) {
                g.len()
            } else {
                g.chars().count()
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAMILY: &str = "👨\u{200D}👩\u{200D}👧\u{200D}👦";
    const FLAG: &str = "🇺🇸";
    const WAVE_DARK: &str = "👋🏿";
    const E_ACUTE_COMBINING: &str = "e\u{301}";

    #[test]
    fn bluesky_counts_grapheme_clusters() {
        assert_eq!(Network::Bluesky.count(FAMILY), 1);
        assert_eq!(Network::Bluesky.count(FLAG), 1);
        assert_eq!(Network::Bluesky.count(WAVE_DARK), 1);
        assert_eq!(Network::Bluesky.count(E_ACUTE_COMBINING), 1);
        assert_eq!(Network::Bluesky.count("心臓"), 2);
        let at_limit = "a".repeat(300);
        assert!(Network::Bluesky.fits(&at_limit));
        assert!(!Network::Bluesky.fits(&format!("{at_limit}b")));
        // 200 family emoji are 200 graphemes but 5,000 bytes: over the byte cap.
        assert!(!Network::Bluesky.fits(&FAMILY.repeat(200)));
        assert!(Network::Bluesky.fits(&FAMILY.repeat(100)));
    }

    #[test]
    fn x_weighs_urls_cjk_and_emoji() {
        assert_eq!(Network::X.count("hello"), 5);
        assert_eq!(Network::X.count("心臓病"), 6);
        assert_eq!(Network::X.count(FAMILY), 2);
        assert_eq!(Network::X.count(FLAG), 2);
        assert_eq!(Network::X.count(WAVE_DARK), 2);
        assert_eq!(
            Network::X.count(
                "https://riversideheart.example/blog/a-very-long-address-indeed/?utm_source=x"
            ),
            23
        );
        assert_eq!(Network::X.count("see https://a.example/"), 4 + 23);
        // NFC first: a decomposed é weighs what the composed one does.
        assert_eq!(Network::X.count(E_ACUTE_COMBINING), 1);
        assert_eq!(Network::X.count("#1"), 2, "digits and # are not emoji");
        assert!(Network::X.fits(&"a".repeat(280)));
        assert!(!Network::X.fits(&"a".repeat(281)));
        assert!(!Network::X.fits(&"心".repeat(141)));
        assert!(Network::X.fits(&"心".repeat(140)));
    }

    #[test]
    fn mastodon_counts_urls_as_23_and_mentions_by_user() {
        assert_eq!(
            Network::Mastodon.count("hi https://example.com/a/very/long/path/that/goes/on"),
            3 + 23
        );
        assert_eq!(
            Network::Mastodon.count("thanks @gym@fit.example!"),
            "thanks @gym!".len()
        );
        assert_eq!(Network::Mastodon.count(FAMILY), 1);
        assert!(Network::Mastodon.fits(&"a".repeat(500)));
        assert!(!Network::Mastodon.fits(&"a".repeat(501)));
    }

    #[test]
    fn threads_counts_emoji_by_bytes_and_caps_links() {
        assert_eq!(Network::Threads.count("hi 😀"), 3 + 4);
        assert_eq!(Network::Threads.count(FAMILY), FAMILY.len());
        let six_links = (0..6)
            .map(|i| format!("https://a.example/{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(!Network::Threads.fits(&six_links));
    }

    #[test]
    fn linkedin_and_facebook_count_characters() {
        assert_eq!(Network::LinkedIn.count("héllo"), 5);
        assert!(Network::LinkedIn.fits(&"a".repeat(3000)));
        assert!(!Network::LinkedIn.fits(&"a".repeat(3001)));
        assert_eq!(Network::Facebook.limit(), 63_206);
    }
}
