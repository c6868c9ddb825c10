//! X: 280 by twitter-text's v3 weights (its own module); polls of up to 4
//! options of 25 characters, without media.

pub mod auth;
pub mod client;
pub mod oauth1;
pub mod twitter_text;

use super::{
    FEED_SIDE, HashtagStyle, PictureFormat, PictureLimits, PollRules, Rules, TagPlacement,
};

pub struct X;

impl Rules for X {
    fn key(&self) -> &'static str {
        "x"
    }
    fn name(&self) -> &'static str {
        "X"
    }
    fn limit(&self) -> usize {
        280
    }
    fn count(&self, text: &str) -> usize {
        twitter_text::weighted_length(text)
    }
    fn poll_rules(&self) -> Option<PollRules> {
        Some(PollRules {
            max_options: 4,
            max_option_len: 25,
            min_seconds: 5 * 60,
            max_seconds: 10_080 * 60,
            allows_health_questions: true,
        })
    }
    fn poll_excludes_media(&self) -> bool {
        // A tweet carries a poll or media, not both.
        true
    }
    /// The X API v2 has no endpoint that edits a post.
    fn edits(&self) -> bool {
        false
    }

    fn accent(&self) -> &'static str {
        "#1c2126"
    }
    fn hashtag_style(&self) -> HashtagStyle {
        // The tightest text: one or two hashtags.
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
    fn pictures(&self) -> PictureLimits {
        // docs.x.com, media upload ("Media best practices"): JPG, PNG, GIF
        // and WEBP, images up to 5 MB. No pixel limit is documented: the
        // limit is the side Rounds sends.
        PictureLimits {
            formats: vec![
                PictureFormat::Jpeg,
                PictureFormat::Png,
                PictureFormat::Webp,
                PictureFormat::Gif,
            ],
            max_bytes: 5 * 1024 * 1024,
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
}
