//! X: 280 by twitter-text's v3 weights (its own module); polls of up to 4
//! options of 25 characters, without media.

use super::{PollRules, Rules};

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
        super::twitter_text::weighted_length(text)
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
    fn accent(&self) -> &'static str {
        "#1c2126"
    }
    fn mention(&self, handle: &str, _name: &str) -> Option<String> {
        super::at_handle(handle)
    }
}
