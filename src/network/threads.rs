//! Threads: 500 characters with emoji counted by their UTF-8 bytes, at most
//! five links, one-day polls on text posts only.

use unicode_segmentation::UnicodeSegmentation;

use super::counting::is_emoji;
use super::{Attachment, PollRules, Rules};

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
    fn accent(&self) -> &'static str {
        "#3d3d3d"
    }
    fn mention(&self, handle: &str, _name: &str) -> Option<String> {
        super::at_handle(handle)
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
