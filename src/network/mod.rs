//! The social networks, one module each, and the registry that names them.
//! Each network's facts (limit, counting, polls, reach, what shows below a
//! post, mention style, its colour in the preview) are in its own module as
//! one implementation of [`Rules`]; the rest of Rounds asks through
//! [`Network`] and never matches on a network's name. Adding a network is a
//! module here, a variant and a line in [`Network::rules`], and its client in
//! `src/publish/` (docs/architecture.md lists every file).

pub mod bluesky;
mod counting;
pub mod facebook;
pub mod linkedin;
pub mod mastodon;
pub mod pictures;
pub mod threads;
pub mod x;

use serde::{Deserialize, Serialize};

pub use linkedin::little_text;
pub use pictures::{FEED_SIDE, PictureFormat, PictureLimits};
pub use threads::{THREADS_MAX_LINKS, threads_links};
pub use x::twitter_text;

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

/// A network's house style for hashtags (a convention, not an API rule):
/// how many read well there, and where they go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashtagStyle {
    /// The most an item carries unless `max_hashtags` says otherwise.
    pub most: usize,
    pub placement: TagPlacement,
}

/// Where an item's hashtags go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagPlacement {
    /// A line of hashtags after the words and the link.
    EndOfText,
    /// One topic, sent beside the text rather than in it (Threads'
    /// `topic_tag`).
    Topic,
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

/// A `[networks.*]` setting written in a way its network cannot take. What
/// each network wants is its own fact (in its module); the shape of the
/// message is shared, so every network's mistakes read alike.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingError {
    /// `api_version` is not a version of the network's API.
    #[error("`{version}` is not a {network} API version; write {wanted}")]
    ApiVersion {
        version: String,
        network: &'static str,
        /// How a version is written, with an example.
        wanted: &'static str,
    },
    /// `id` does not name an account the way the network does.
    #[error("`{id}` is not a {account}; write {wanted}")]
    Id {
        id: String,
        /// What the id must name, e.g. "LinkedIn organisation".
        account: &'static str,
        /// How such an id is written, with an example.
        wanted: &'static str,
    },
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
    /// Whether its API lets a post's text be changed in place, so a
    /// correction goes into the copy itself rather than a reply under it.
    fn edits(&self) -> bool;
    /// How a post names an account, given the handle (or URN) that
    /// `data/*.toml` records for it here; `None` names it in plain words.
    fn mention(&self, handle: &str, name: &str) -> Option<String>;
    /// How many hashtags read well here, and where they go.
    fn hashtag_style(&self) -> HashtagStyle;
    /// Whether posts here read best with room: the teaser and the post's
    /// description both, rather than the tightest text.
    fn uses_room(&self) -> bool;
    /// The pictures it takes: formats, bytes and pixels, from its own
    /// documentation (each module says where).
    fn pictures(&self) -> PictureLimits;

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
    /// network can take and a native poll. Without an image, the network
    /// draws the card of the link back from the page's Open Graph tags
    /// (Mastodon and X do); beside a poll it draws neither.
    fn attachment(&self, image: bool, native_poll: bool) -> Attachment {
        if native_poll && self.poll_excludes_media() {
            Attachment::Nothing
        } else if image {
            Attachment::Image
        } else {
            Attachment::LinkCard
        }
    }
    /// How far ahead it takes a post to publish later by itself (shortest,
    /// longest lead). An item due within it is sent now, scheduled, instead
    /// of being held back until it is due.
    fn schedules_ahead(&self) -> Option<(chrono::Duration, chrono::Duration)> {
        None
    }
    /// Whether `api_version` is written the way its API wants it.
    fn check_api_version(&self, _version: &str) -> Result<(), SettingError> {
        Ok(())
    }
    /// Whether `id` under `[networks.*]` names an account the way it does.
    fn check_id(&self, _id: &str) -> Result<(), SettingError> {
        Ok(())
    }
    /// The text as the network will show it.
    fn shown_text(&self, text: &str) -> String {
        text.to_string()
    }
    /// The link back as the item's text writes it: the whole tracked address
    /// where the text is all the network has, a short form where a facet
    /// carries the address beside the words (Bluesky).
    fn written_link(&self, url: &str) -> String {
        url.to_string()
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

    pub fn check_api_version(self, version: &str) -> Result<(), SettingError> {
        self.rules().check_api_version(version)
    }

    pub fn check_id(self, id: &str) -> Result<(), SettingError> {
        self.rules().check_id(id)
    }

    pub fn accent(self) -> &'static str {
        self.rules().accent()
    }

    pub fn edits(self) -> bool {
        self.rules().edits()
    }

    pub fn mention(self, handle: &str, name: &str) -> Option<String> {
        self.rules().mention(handle, name)
    }

    pub fn shown_text(self, text: &str) -> String {
        self.rules().shown_text(text)
    }

    pub fn written_link(self, url: &str) -> String {
        self.rules().written_link(url)
    }

    pub fn hashtag_style(self) -> HashtagStyle {
        self.rules().hashtag_style()
    }

    pub fn uses_room(self) -> bool {
        self.rules().uses_room()
    }

    pub fn pictures(self) -> PictureLimits {
        self.rules().pictures()
    }
}

/// `@handle`, with or without the `@` it was written with: how Mastodon,
/// Bluesky, X and Threads mention an account.
fn at_handle(handle: &str) -> Option<String> {
    Some(format!("@{}", handle.trim_start_matches('@')))
}

/// Text whose length each network counts its own way, for the networks'
/// tests.
#[cfg(test)]
mod samples {
    pub const FAMILY: &str = "👨\u{200D}👩\u{200D}👧\u{200D}👦";
    pub const FLAG: &str = "🇺🇸";
    pub const WAVE_DARK: &str = "👋🏿";
    pub const E_ACUTE_COMBINING: &str = "e\u{301}";
}
