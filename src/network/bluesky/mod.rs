//! Bluesky: 300 grapheme clusters and 3,000 bytes; no native polls. Links
//! are facets: the text shows a short form of the address
//! (`clinic.org/blog/rsv-signs…`) and the facet and the link card carry the
//! whole tracked address, so the words keep the room.

pub mod client;

use unicode_segmentation::UnicodeSegmentation;

use super::{
    FEED_SIDE, HashtagStyle, PictureFormat, PictureLimits, PollRules, Rules, TagPlacement,
};

pub struct Bluesky;

impl Rules for Bluesky {
    fn key(&self) -> &'static str {
        "bluesky"
    }
    fn name(&self) -> &'static str {
        "Bluesky"
    }
    fn limit(&self) -> usize {
        300
    }
    fn count(&self, text: &str) -> usize {
        text.graphemes(true).count()
    }
    fn fits(&self, text: &str) -> bool {
        // Bluesky also caps the bytes of a post.
        self.count(text) <= self.limit() && text.len() <= 3000
    }
    fn poll_rules(&self) -> Option<PollRules> {
        None
    }
    fn poll_excludes_media(&self) -> bool {
        // No native polls: a poll is a text post, asked in words.
        true
    }
    /// A record can be rewritten, but apps keep showing the version they indexed and a strong reference (a reply, a quote) names the old one: no edits.
    fn edits(&self) -> bool {
        false
    }

    fn accent(&self) -> &'static str {
        "#0560d4"
    }
    fn hashtag_style(&self) -> HashtagStyle {
        // A few at most: Bluesky's feeds are found by people, not tags.
        HashtagStyle {
            most: 2,
            placement: TagPlacement::EndOfText,
        }
    }
    fn uses_room(&self) -> bool {
        false
    }
    fn mention(&self, handle: &str, _name: &str) -> Option<String> {
        super::at_handle(handle)
    }
    fn written_link(&self, url: &str) -> String {
        short_link(url)
    }
    fn attachment(&self, _image: bool, _native_poll: bool) -> super::Attachment {
        // Every post carries the link card (`app.bsky.embed.external`); the
        // post's image is its thumbnail.
        super::Attachment::LinkCard
    }
    fn pictures(&self) -> PictureLimits {
        // The `app.bsky.embed.images` and `app.bsky.embed.external` lexicons:
        // `maxSize` 1,000,000 bytes, `accept: image/*`; the app shows JPEG
        // and PNG (it converts nothing, and SVG never shows).
        PictureLimits {
            formats: vec![PictureFormat::Jpeg, PictureFormat::Png],
            max_bytes: 1_000_000,
            max_pixels: u64::from(FEED_SIDE) * u64::from(FEED_SIDE),
            longest_side: FEED_SIDE,
        }
    }
}

/// Characters of the path a short link keeps before its `…`, as Bluesky's
/// own app shortens links it shows.
const SHORT_PATH: usize = 16;

/// `https://www.clinic.org/blog/rsv-signs/?utm_source=bluesky` →
/// `clinic.org/blog/rsv-signs…`: no scheme, no `www.`, no query or
/// fragment, the path cut after a few characters.
pub fn short_link(url: &str) -> String {
    let bare = url.split_once("://").map_or(url, |(_, rest)| rest);
    let bare = bare.strip_prefix("www.").unwrap_or(bare);
    let bare = bare.split(['?', '#']).next().unwrap_or(bare);
    let bare = bare.trim_end_matches('/');
    let Some((host, path)) = bare.split_once('/') else {
        return bare.to_string();
    };
    if path.chars().count() <= SHORT_PATH {
        return bare.to_string();
    }
    let kept: String = path.chars().take(SHORT_PATH - 1).collect();
    format!("{host}/{}…", kept.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::short_link;
    use crate::network::Network;

    #[test]
    fn links_are_written_short() {
        assert_eq!(
            short_link(
                "https://www.riversideheart.org/blog/rsv-in-babies/?utm_source=bluesky&utm_medium=social"
            ),
            "riversideheart.org/blog/rsv-in-bab…"
        );
        assert_eq!(
            short_link("https://clinic.example/blog/bp/?utm_source=bluesky"),
            "clinic.example/blog/bp"
        );
        assert_eq!(short_link("https://clinic.example/"), "clinic.example");
        assert_eq!(
            short_link("http://clinic.example/a#top"),
            "clinic.example/a"
        );
        // Other networks write the whole address.
        let url = "https://clinic.example/blog/bp/?utm_source=x";
        assert_eq!(Network::X.written_link(url), url);
        assert_eq!(Network::Bluesky.written_link(url), "clinic.example/blog/bp");
    }
    use crate::network::samples::{E_ACUTE_COMBINING, FAMILY, FLAG, WAVE_DARK};

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
}
