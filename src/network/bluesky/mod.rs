//! Bluesky: 300 grapheme clusters and 3,000 bytes; no native polls.

pub mod client;

use unicode_segmentation::UnicodeSegmentation;

use super::{FEED_SIDE, PictureFormat, PictureLimits, PollRules, Rules};

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
    fn accent(&self) -> &'static str {
        "#0560d4"
    }
    fn mention(&self, handle: &str, _name: &str) -> Option<String> {
        super::at_handle(handle)
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

#[cfg(test)]
mod tests {
    use crate::network::Network;
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
