//! Mastodon: 500 characters, URLs count 23, a mention counts only its
//! `@user` part; polls of up to 4 options of 50 characters, without media.

pub mod client;

use unicode_segmentation::UnicodeSegmentation;

use super::counting::{URL_WEIGHT, with_short_urls};
use super::{
    FEED_SIDE, HashtagStyle, PictureFormat, PictureLimits, PollRules, Rules, TagPlacement,
};

pub struct Mastodon;

impl Rules for Mastodon {
    fn key(&self) -> &'static str {
        "mastodon"
    }
    fn name(&self) -> &'static str {
        "Mastodon"
    }
    fn limit(&self) -> usize {
        500
    }
    fn count(&self, text: &str) -> usize {
        let shortened = with_short_urls(text, &"x".repeat(URL_WEIGHT));
        shortened.graphemes(true).count() - mention_domains_len(&shortened)
    }
    fn poll_rules(&self) -> Option<PollRules> {
        Some(PollRules {
            max_options: 4,
            max_option_len: 50,
            min_seconds: 300,
            max_seconds: 2_629_746,
            allows_health_questions: true,
        })
    }
    fn poll_excludes_media(&self) -> bool {
        // The API refuses a status with both a poll and media.
        true
    }
    /// `PUT /api/v1/statuses/:id` edits a status (Mastodon 3.5+); boosts show the edit.
    fn edits(&self) -> bool {
        true
    }

    fn accent(&self) -> &'static str {
        "#563acc"
    }
    fn hashtag_style(&self) -> HashtagStyle {
        // Hashtags are how people find posts on Mastodon (PLATFORMS.md,
        // house style); CamelCased so screen readers say the words.
        HashtagStyle {
            most: 4,
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
        // Mastodon's defaults (app/models/media_attachment.rb: IMAGE_LIMIT
        // 16 MB, MAX_IMAGE_PIXELS 33,177,600, i.e. 7680 × 4320), as
        // `GET /api/v2/instance` reports them under
        // `configuration.media_attachments`. An instance may set others: the
        // client reads them before it uploads and fits the picture again.
        PictureLimits {
            formats: vec![
                PictureFormat::Jpeg,
                PictureFormat::Png,
                PictureFormat::Webp,
                PictureFormat::Gif,
            ],
            max_bytes: 16 * 1024 * 1024,
            max_pixels: 33_177_600,
            longest_side: FEED_SIDE,
        }
    }
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

#[cfg(test)]
mod tests {
    use crate::network::samples::FAMILY;
    use crate::network::{Network, Reach};

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
    fn mastodon_polls_run_as_asked_and_reach_the_public() {
        assert_eq!(Network::Mastodon.poll_seconds(300), 300);
        assert_eq!(Network::Mastodon.default_reach(), Reach::Public);
    }
}
