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

/// What a network shows below a post's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attachment {
    /// The post's image, uploaded or fetched with the post.
    Image,
    /// A card the network makes from the linked page's Open Graph tags:
    /// image, title, description and domain.
    LinkCard,
    Nothing,
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

    /// How far ahead this network takes a post to publish later by itself
    /// (shortest, longest lead). An item due within it is sent now, scheduled,
    /// instead of being held back until it is due.
    pub fn schedules_ahead(self) -> Option<(chrono::Duration, chrono::Duration)> {
        match self {
            // Facebook takes `scheduled_publish_time` 10 minutes to 30 days
            // ahead. The margins cover retries and clocks that disagree.
            Network::Facebook => Some((chrono::Duration::minutes(15), chrono::Duration::days(29))),
            _ => None,
        }
    }

    /// What goes below an item's text here, given whether it has an image
    /// the network can take and a native poll.
    pub fn attachment(self, image: bool, native_poll: bool) -> Attachment {
        match self {
            // A link post: Facebook makes the card, whatever the item has.
            Network::Facebook => Attachment::LinkCard,
            // Threads: a poll is a text post alone; an image post shows the
            // image; a text post gets the link back as its card.
            Network::Threads if native_poll => Attachment::Nothing,
            Network::Threads if image => Attachment::Image,
            Network::Threads => Attachment::LinkCard,
            // An article post: our own title, description and thumbnail;
            // a poll stands alone.
            Network::LinkedIn if native_poll => Attachment::Nothing,
            Network::LinkedIn => Attachment::LinkCard,
            _ if native_poll && self.poll_excludes_media() => Attachment::Nothing,
            _ if image => Attachment::Image,
            _ => Attachment::Nothing,
        }
    }

    /// Whether a post with a native poll must go without its image.
    pub fn poll_excludes_media(self) -> bool {
        // Mastodon and X refuse a poll with media; Threads takes polls on text posts only.
        matches!(
            self,
            Network::Mastodon | Network::Bluesky | Network::X | Network::Threads
        )
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

    /// Physician-facing items go to LinkedIn, public ones everywhere else;
    /// `reach` under `[networks.*]` changes it.
    pub fn default_reach(self) -> Reach {
        match self {
            Network::LinkedIn => Reach::Physicians,
            _ => Reach::Public,
        }
    }

    /// Whether `id` under `[networks.*]` names an account the way this network does.
    /// Whether `api_version` is written the way this network's API wants it.
    /// (Graph versions, `v25.0`, are checked where Facebook and Threads connect.)
    pub fn check_api_version(self, version: &str) -> Result<(), String> {
        match self {
            Network::LinkedIn => {
                let month = version.get(4..).and_then(|m| m.parse::<u8>().ok());
                let valid = version.len() == 6
                    && version.bytes().all(|b| b.is_ascii_digit())
                    && version.starts_with("20")
                    && month.is_some_and(|m| (1..=12).contains(&m));
                if valid {
                    Ok(())
                } else {
                    Err(format!(
                        "`{version}` is not a LinkedIn API version; write the year and month as YYYYMM, e.g. \"202605\""
                    ))
                }
            }
            _ => Ok(()),
        }
    }

    pub fn check_id(self, id: &str) -> Result<(), String> {
        match self {
            Network::LinkedIn => organization_number(id)
                .map(|_| ())
                .ok_or_else(|| {
                    format!(
                        "`{id}` is not a LinkedIn organisation; write its URN, e.g. \"urn:li:organization:5550100\""
                    )
                }),
            _ => Ok(()),
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

    /// How long a native poll asked to run `seconds` runs here. LinkedIn
    /// offers 1, 3, 7 or 14 days: the longest that does not outlast the one
    /// asked for, and a day at least; elsewhere, within the network's limits.
    pub fn poll_seconds(self, seconds: u64) -> u64 {
        const DAY: u64 = 86_400;
        match self {
            Network::LinkedIn => {
                let days = [14, 7, 3].into_iter().find(|d| seconds >= d * DAY);
                days.unwrap_or(1) * DAY
            }
            _ => self
                .poll_rules()
                .map_or(seconds, |r| seconds.clamp(r.min_seconds, r.max_seconds)),
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
            Network::LinkedIn => super::little_text::length(text),
            Network::Facebook => text.chars().count(),
            Network::Threads => threads_length(text),
        }
    }

    /// Whether `text` may be posted as it is.
    pub fn fits(self, text: &str) -> bool {
        let within = self.count(text) <= self.limit();
        match self {
            // Bluesky also caps the bytes of a post.
            Network::Bluesky => within && text.len() <= 3000,
            Network::Threads => within && threads_links(text, None) <= THREADS_MAX_LINKS,
            _ => within,
        }
    }
}

/// The number in a LinkedIn organisation URN, `urn:li:organization:5550100`.
pub fn organization_number(urn: &str) -> Option<u64> {
    let digits = urn.strip_prefix("urn:li:organization:")?;
    digits
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| digits.parse().ok())
        .flatten()
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

/// Threads refuses a post with more links than this.
pub const THREADS_MAX_LINKS: usize = 5;

/// The links of a Threads post as Threads counts them: each different URL in
/// the text once, schemeless ones (`www.example.com`) included, and the link
/// attachment when it is not one of them.
pub fn threads_links(text: &str, attachment: Option<&str>) -> usize {
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    finder.url_must_have_scheme(false);
    let mut unique: Vec<&str> = finder.links(text).map(|l| l.as_str()).collect();
    unique.extend(attachment);
    unique.sort_unstable();
    unique.dedup();
    unique.len()
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
        // Threads' documentation: emoji count as their UTF-8 bytes; other
        // characters (accents, CJK) count one each.
        assert_eq!(Network::Threads.count("hi 😀"), 3 + 4);
        assert_eq!(Network::Threads.count("❤️"), 6, "heart + VS16: 3 + 3 bytes");
        assert_eq!(Network::Threads.count("1️⃣"), 7, "keycap: 1 + 3 + 3 bytes");
        assert_eq!(Network::Threads.count(FLAG), 8);
        assert_eq!(Network::Threads.count(WAVE_DARK), 8);
        assert_eq!(Network::Threads.count(FAMILY), FAMILY.len());
        assert_eq!(Network::Threads.count(FAMILY), 25);
        assert_eq!(Network::Threads.count("心臓 café #1"), 10);
        assert!(Network::Threads.fits(&"a".repeat(500)));
        assert!(!Network::Threads.fits(&"a".repeat(501)));
        assert!(Network::Threads.fits(&"😀".repeat(125)));
        assert!(!Network::Threads.fits(&"😀".repeat(126)));
        let links = |n: usize| {
            (0..n)
                .map(|i| format!("https://a.example/{i}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert!(Network::Threads.fits(&links(5)));
        assert!(!Network::Threads.fits(&links(6)));
    }

    #[test]
    fn threads_counts_links_as_its_documentation_does() {
        // The documentation's own examples: each different URL once, schemeless
        // ones too, and the link attachment unless it is one of them.
        assert_eq!(
            threads_links("www.facebook.com", Some("www.facebook.com")),
            1
        );
        assert_eq!(
            threads_links(
                "www.instagram.com and www.threads.com",
                Some("www.facebook.com")
            ),
            3
        );
        assert_eq!(
            threads_links(
                "www.example.com, www.example.com, and www.test.com",
                Some("www.test.com")
            ),
            2
        );
        let repeated = "https://a.example/x ".repeat(6);
        assert!(Network::Threads.fits(&repeated), "one link, six times");
    }

    #[test]
    fn linkedin_counts_its_escaped_commentary_and_facebook_characters() {
        assert_eq!(Network::LinkedIn.count("héllo"), 5);
        assert!(Network::LinkedIn.fits(&"a".repeat(3000)));
        assert!(!Network::LinkedIn.fits(&"a".repeat(3001)));
        // Escapes are sent, so they count: 1,500 parentheses are 3,000.
        assert!(Network::LinkedIn.fits(&"(".repeat(1500)));
        assert!(!Network::LinkedIn.fits(&"(".repeat(1501)));
        assert_eq!(Network::Facebook.count("(é)"), 3);
        assert_eq!(Network::Facebook.limit(), 63_206);
    }

    #[test]
    fn linkedin_polls_run_1_3_7_or_14_days() {
        let day = 86_400;
        let runs = |asked| Network::LinkedIn.poll_seconds(asked) / day;
        assert_eq!(runs(3_600), 1, "a day at least");
        assert_eq!(runs(day), 1);
        assert_eq!(runs(2 * day + 3_600), 1, "never longer than asked");
        assert_eq!(runs(3 * day), 3);
        assert_eq!(runs(6 * day), 3);
        assert_eq!(runs(7 * day), 7);
        assert_eq!(runs(13 * day), 7);
        assert_eq!(runs(14 * day), 14);
        assert_eq!(runs(30 * day), 14);
        assert_eq!(Network::Mastodon.poll_seconds(300), 300);
    }

    #[test]
    fn linkedin_goes_to_physicians_by_default_and_checks_its_id() {
        assert_eq!(Network::LinkedIn.default_reach(), Reach::Physicians);
        assert_eq!(Network::Mastodon.default_reach(), Reach::Public);
        assert!(
            Network::LinkedIn
                .check_id("urn:li:organization:5550100")
                .is_ok()
        );
        for bad in [
            "5550100",
            "urn:li:person:abc",
            "urn:li:organization:",
            "urn:li:organization:12a",
        ] {
            let message = Network::LinkedIn.check_id(bad).unwrap_err();
            assert!(message.contains("urn:li:organization:"), "{message}");
        }
    }
}
