//! Bluesky: 300 grapheme clusters and 3,000 bytes; no native polls.

use unicode_segmentation::UnicodeSegmentation;

use super::{PollRules, Rules};

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
}
