//! Facebook Pages: link posts (Facebook draws the card), 63,206 characters,
//! no polls through the API, native scheduling ahead of time.

pub mod client;

use super::{
    Attachment, FEED_SIDE, HashtagStyle, PictureFormat, PictureLimits, PollRules, Rules,
    TagPlacement,
};

pub struct Facebook;

impl Rules for Facebook {
    fn key(&self) -> &'static str {
        "facebook"
    }
    fn name(&self) -> &'static str {
        "Facebook"
    }
    fn limit(&self) -> usize {
        63_206
    }
    fn count(&self, text: &str) -> usize {
        text.chars().count()
    }
    fn poll_rules(&self) -> Option<PollRules> {
        None
    }
    fn poll_excludes_media(&self) -> bool {
        false
    }
    /// A Page post's `message` is updated by `POST /{post-id}`.
    fn edits(&self) -> bool {
        true
    }

    fn accent(&self) -> &'static str {
        // Facebook's blue since 2023; the older #1877f2 is 4.2:1 on white,
        // under AA's 4.5:1 for the preview's label.
        "#0866ff"
    }
    fn hashtag_style(&self) -> HashtagStyle {
        // Hashtags rarely help a Facebook Page's post; `max_hashtags` can
        // still ask for some.
        HashtagStyle {
            most: 0,
            placement: TagPlacement::EndOfText,
        }
    }
    fn uses_room(&self) -> bool {
        true
    }
    fn mention(&self, _handle: &str, _name: &str) -> Option<String> {
        // Page mentions need ids the API resolves: name them plainly.
        None
    }
    fn pictures(&self) -> PictureLimits {
        // developers.facebook.com/docs/graph-api/reference/page/photos/
        // ("Creating"): JPEG, PNG, GIF, TIFF, HEIF or WebP under 4 MB. The
        // link post's card is made from the page's `og:image`, which the
        // same limits serve.
        PictureLimits {
            formats: vec![PictureFormat::Jpeg, PictureFormat::Png, PictureFormat::Gif],
            max_bytes: 4 * 1000 * 1000,
            max_pixels: u64::from(FEED_SIDE) * u64::from(FEED_SIDE),
            longest_side: FEED_SIDE,
        }
    }
    fn attachment(&self, _image: bool, _native_poll: bool) -> Attachment {
        // A link post: Facebook makes the card, whatever the item has.
        Attachment::LinkCard
    }
    fn schedules_ahead(&self) -> Option<(chrono::Duration, chrono::Duration)> {
        // Facebook takes `scheduled_publish_time` 10 minutes to 30 days
        // ahead. The margins cover retries and clocks that disagree.
        Some((chrono::Duration::minutes(15), chrono::Duration::days(29)))
    }
}

#[cfg(test)]
mod tests {
    use crate::network::Network;

    #[test]
    fn facebook_counts_characters() {
        assert_eq!(Network::Facebook.count("(é)"), 3);
        assert_eq!(Network::Facebook.limit(), 63_206);
    }
}
