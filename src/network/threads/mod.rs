//! Threads: 500 characters with emoji counted by their UTF-8 bytes, at most
//! five links, one-day polls on text posts only.

pub mod client;

use unicode_segmentation::UnicodeSegmentation;

use super::counting::is_emoji;
use super::{
    Attachment, FEED_SIDE, HashtagStyle, PictureFormat, PictureLimits, PollRules, Rules,
    TagPlacement,
};

pub struct Threads;

/// Threads refuses a post with more links than this.
pub const THREADS_MAX_LINKS: usize = 5;

impl Rules for Threads {
    fn key(&self) -> &'static str {
        "threads"
    }
    fn name(&self) -> &'static str {
        "Threads"
    }
    fn limit(&self) -> usize {
        500
    }
    fn count(&self, text: &str) -> usize {
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
    fn fits(&self, text: &str) -> bool {
        self.count(text) <= self.limit() && threads_links(text, None) <= THREADS_MAX_LINKS
    }
    fn poll_rules(&self) -> Option<PollRules> {
        Some(PollRules {
            max_options: 4,
            max_option_len: 25,
            min_seconds: 86_400,
            max_seconds: 86_400,
            allows_health_questions: true,
        })
    }
    fn refuses_poll_length(&self, _seconds: u64) -> bool {
        // Every Threads poll runs a day: any asked length runs as one.
        false
    }
    fn poll_excludes_media(&self) -> bool {
        // Polls go on text posts only.
        true
    }
    /// The Threads API has no edit.
    fn edits(&self) -> bool {
        false
    }

    fn accent(&self) -> &'static str {
        "#3d3d3d"
    }
    fn hashtag_style(&self) -> HashtagStyle {
        // One topic per post (`topic_tag`), not a row of hashtags.
        HashtagStyle {
            most: 1,
            placement: TagPlacement::Topic,
        }
    }
    fn uses_room(&self) -> bool {
        false
    }
    fn mention(&self, handle: &str, _name: &str) -> Option<String> {
        super::at_handle(handle)
    }
    fn pictures(&self) -> PictureLimits {
        // developers.facebook.com/docs/threads/overview, "Image
        // specifications": JPEG or PNG, at most 8 MB; wider than 1440 px is
        // scaled down by Threads, so the side Rounds sends is enough.
        PictureLimits {
            formats: vec![PictureFormat::Jpeg, PictureFormat::Png],
            max_bytes: 8 * 1024 * 1024,
            max_pixels: u64::from(FEED_SIDE) * u64::from(FEED_SIDE),
            longest_side: FEED_SIDE,
        }
    }
    fn attachment(&self, image: bool, native_poll: bool) -> Attachment {
        // A poll is a text post alone; an image post shows the image; a text
        // post gets the link back as its card.
        if native_poll {
            Attachment::Nothing
        } else if image {
            Attachment::Image
        } else {
            Attachment::LinkCard
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::threads_links;
    use crate::network::Network;
    use crate::network::samples::{FAMILY, FLAG, WAVE_DARK};

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
}
