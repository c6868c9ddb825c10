//! LinkedIn organisation pages: 3,000 characters of escaped little text,
//! article posts with our own card, polls of 1, 3, 7 or 14 days that may not
//! ask about health, mentions by URN; it reaches physicians by default.

use super::{Attachment, PollRules, Reach, Rules};

pub struct LinkedIn;

impl Rules for LinkedIn {
    fn key(&self) -> &'static str {
        "linkedin"
    }
    fn name(&self) -> &'static str {
        "LinkedIn"
    }
    fn limit(&self) -> usize {
        3000
    }
    fn count(&self, text: &str) -> usize {
        super::little_text::length(text)
    }
    fn poll_rules(&self) -> Option<PollRules> {
        Some(PollRules {
            max_options: 4,
            max_option_len: 30,
            min_seconds: 86_400,
            max_seconds: 14 * 86_400,
            allows_health_questions: false,
        })
    }
    fn poll_seconds(&self, seconds: u64) -> u64 {
        // 1, 3, 7 or 14 days: the longest that does not outlast the one
        // asked for, and a day at least.
        const DAY: u64 = 86_400;
        let days = [14, 7, 3].into_iter().find(|d| seconds >= d * DAY);
        days.unwrap_or(1) * DAY
    }
    fn poll_excludes_media(&self) -> bool {
        // Its attachment rule already keeps a poll alone.
        false
    }
    fn accent(&self) -> &'static str {
        "#0a66c2"
    }
    fn mention(&self, urn: &str, name: &str) -> Option<String> {
        // Mentions go by member or organisation URN only; a profile URL
        // names them plainly.
        is_mentionable_urn(urn).then(|| format!("@[{name}]({urn})"))
    }
    fn default_reach(&self) -> Reach {
        Reach::Physicians
    }
    fn attachment(&self, _image: bool, native_poll: bool) -> Attachment {
        // An article post: our own title, description and thumbnail; a
        // poll stands alone.
        if native_poll {
            Attachment::Nothing
        } else {
            Attachment::LinkCard
        }
    }
    fn check_api_version(&self, version: &str) -> Result<(), String> {
        let month = version.get(4..).and_then(|m| m.parse::<u8>().ok());
        let valid = version.len() == 6
            && version.bytes().all(|b| b.is_ascii_digit())
            && version.starts_with("20")
            && month.is_some_and(|m| (1..=12).contains(&m));
        if valid {
            Ok(())
        } else {
            Err(format!(
                "`{version}` is not a LinkedIn API version; write the year and month as YYYYMM, e.g. \"202605\""
            ))
        }
    }
    fn check_id(&self, id: &str) -> Result<(), String> {
        organization_number(id).map(|_| ()).ok_or_else(|| {
            format!(
                "`{id}` is not a LinkedIn organisation; write its URN, e.g. \"urn:li:organization:5550100\""
            )
        })
    }
    fn shown_text(&self, text: &str) -> String {
        // What shows is the commentary, unescaped.
        super::little_text::shown(&super::little_text::commentary(text))
    }
}

/// The number in a LinkedIn organisation URN, `urn:li:organization:5550100`.
pub fn organization_number(urn: &str) -> Option<u64> {
    let digits = urn.strip_prefix("urn:li:organization:")?;
    digits
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| digits.parse().ok())
        .flatten()
}

/// A member or organisation URN, the only way to mention one on LinkedIn.
fn is_mentionable_urn(value: &str) -> bool {
    ["urn:li:organization:", "urn:li:person:"]
        .iter()
        .any(|prefix| {
            value.strip_prefix(prefix).is_some_and(|id| {
                !id.is_empty()
                    && id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            })
        })
}
