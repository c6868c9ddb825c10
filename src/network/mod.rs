//! The social networks, one module each, and the registry that names them.
//! Each network's facts (limit, counting, polls, reach, what shows below a
//! post, mention style, its colour in the preview) are in its own module as
//! one implementation of [`Rules`]; the rest of Rounds asks through
//! [`Network`] and never matches on a network's name. Adding a network is a
//! module here, a variant and a line in [`Network::rules`], and its client in
//! `src/publish/` (docs/architecture.md lists every file).

mod bluesky;
mod counting;
mod facebook;
pub mod linkedin;
pub mod little_text;
mod mastodon;
pub mod threads;
pub mod twitter_text;
mod x;

use serde::{Deserialize, Serialize};

pub use threads::{THREADS_MAX_LINKS, threads_links};

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

/// One network's rules. What every network must decide has no default, so a
/// new network cannot compile with another's answers.
pub trait Rules: Sync {
    /// The key under `[networks.*]`, in item ids and on the command line.
    fn key(&self) -> &'static str;
    /// The name people know it by.
    fn name(&self) -> &'static str;
    /// The most a post may count, in this network's own units.
    fn limit(&self) -> usize;
    /// Length of `text` as this network counts it.
    fn count(&self, text: &str) -> usize;
    /// What its native polls allow, if it has them.
    fn poll_rules(&self) -> Option<PollRules>;
    /// Whether a post with a native poll must go without its image.
    fn poll_excludes_media(&self) -> bool;
    /// The brand colour of its card in the outreach preview (it meets WCAG
    /// AA contrast with white text).
    fn accent(&self) -> &'static str;
    /// How a post names an account, given the handle (or URN) that
    /// `data/*.toml` records for it here; `None` names it in plain words.
    fn mention(&self, handle: &str, name: &str) -> Option<String>;

    /// Whether `text` may be posted as it is.
    fn fits(&self, text: &str) -> bool {
        self.count(text) <= self.limit()
    }
    /// Who it reaches unless `reach` under `[networks.*]` says otherwise.
    fn default_reach(&self) -> Reach {
        Reach::Public
    }
    /// How long a native poll asked to run `seconds` runs here.
    fn poll_seconds(&self, seconds: u64) -> u64 {
        self.poll_rules()
            .map_or(seconds, |r| seconds.clamp(r.min_seconds, r.max_seconds))
    }
    /// Whether a poll asked to run `seconds` is refused (rather than run for
    /// the nearest length the network allows).
    fn refuses_poll_length(&self, seconds: u64) -> bool {
        self.poll_rules()
            .is_some_and(|r| !(r.min_seconds..=r.max_seconds).contains(&seconds))
    }
    /// What goes below an item's text, given whether it has an image the
    /// network can take and a native poll.
    fn attachment(&self, image: bool, native_poll: bool) -> Attachment {
        if native_poll && self.poll_excludes_media() {
            Attachment::Nothing
        } else if image {
            Attachment::Image
        } else {
            Attachment::Nothing
        }
    }
    /// How far ahead it takes a post to publish later by itself (shortest,
    /// longest lead). An item due within it is sent now, scheduled, instead
    /// of being held back until it is due.
    fn schedules_ahead(&self) -> Option<(chrono::Duration, chrono::Duration)> {
        None
    }
    /// Whether `api_version` is written the way its API wants it.
    fn check_api_version(&self, _version: &str) -> Result<(), String> {
        Ok(())
    }
    /// Whether `id` under `[networks.*]` names an account the way it does.
    fn check_id(&self, _id: &str) -> Result<(), String> {
        Ok(())
    }
    /// The text as the network will show it.
    fn shown_text(&self, text: &str) -> String {
        text.to_string()
    }
}

impl Network {
    pub const ALL: [Network; 6] = [
        Network::Mastodon,
        Network::Bluesky,
        Network::X,
        Network::LinkedIn,
        Network::Facebook,
        Network::Threads,
    ];

    /// The registry: the one place a network's name leads to its rules.
    pub fn rules(self) -> &'static dyn Rules {
        match self {
            Network::Mastodon => &mastodon::Mastodon,
            Network::Bluesky => &bluesky::Bluesky,
            Network::X => &x::X,
            Network::LinkedIn => &linkedin::LinkedIn,
            Network::Facebook => &facebook::Facebook,
            Network::Threads => &threads::Threads,
        }
    }

    pub fn key(self) -> &'static str {
        self.rules().key()
    }

    pub fn name(self) -> &'static str {
        self.rules().name()
    }

    pub fn from_key(key: &str) -> Option<Network> {
        Network::ALL.into_iter().find(|n| n.key() == key)
    }

    /// Every network's key, for messages: "mastodon, bluesky, … or threads".
    pub fn keys_listed() -> String {
        let keys: Vec<&str> = Network::ALL.iter().map(|n| n.key()).collect();
        match keys.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => keys.join(""),
        }
    }

    pub fn limit(self) -> usize {
        self.rules().limit()
    }

    pub fn count(self, text: &str) -> usize {
        self.rules().count(text)
    }

    pub fn fits(self, text: &str) -> bool {
        self.rules().fits(text)
    }

    pub fn default_reach(self) -> Reach {
        self.rules().default_reach()
    }

    pub fn poll_rules(self) -> Option<PollRules> {
        self.rules().poll_rules()
    }

    pub fn poll_seconds(self, seconds: u64) -> u64 {
        self.rules().poll_seconds(seconds)
    }

    pub fn refuses_poll_length(self, seconds: u64) -> bool {
        self.rules().refuses_poll_length(seconds)
    }

    pub fn poll_excludes_media(self) -> bool {
        self.rules().poll_excludes_media()
    }

    pub fn attachment(self, image: bool, native_poll: bool) -> Attachment {
        self.rules().attachment(image, native_poll)
    }

    pub fn schedules_ahead(self) -> Option<(chrono::Duration, chrono::Duration)> {
        self.rules().schedules_ahead()
    }

    pub fn check_api_version(self, version: &str) -> Result<(), String> {
        self.rules().check_api_version(version)
    }

    pub fn check_id(self, id: &str) -> Result<(), String> {
        self.rules().check_id(id)
    }

    pub fn accent(self) -> &'static str {
        self.rules().accent()
    }

    pub fn mention(self, handle: &str, name: &str) -> Option<String> {
        self.rules().mention(handle, name)
    }

    pub fn shown_text(self, text: &str) -> String {
        self.rules().shown_text(text)
    }
}

/// `@handle`, with or without the `@` it was written with: how Mastodon,
/// Bluesky, X and Threads mention an account.
fn at_handle(handle: &str) -> Option<String> {
    Some(format!("@{}", handle.trim_start_matches('@')))
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
