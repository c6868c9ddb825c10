//! LinkedIn organisation pages: 3,000 characters of escaped little text,
//! article posts with our own card, polls of 1, 3, 7 or 14 days that may not
//! ask about health, mentions by URN; it reaches physicians by default.

pub mod client;
pub mod little_text;

use super::{
    Attachment, FEED_SIDE, HashtagStyle, PictureFormat, PictureLimits, PollRules, Reach, Rules,
    SettingError, TagPlacement,
};

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
        little_text::length(text)
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
    /// The Posts API updates a post's `commentary` (a partial update).
    fn edits(&self) -> bool {
        true
    }

    fn accent(&self) -> &'static str {
        "#0a66c2"
    }
    fn hashtag_style(&self) -> HashtagStyle {
        // Three to five at the end of a longer, professional post.
        HashtagStyle {
            most: 5,
            placement: TagPlacement::EndOfText,
        }
    }
    fn uses_room(&self) -> bool {
        true
    }
    fn mention(&self, urn: &str, name: &str) -> Option<String> {
        // Mentions go by member or organisation URN only; a profile URL
        // names them plainly.
        is_mentionable_urn(urn).then(|| format!("@[{name}]({urn})"))
    }
    fn pictures(&self) -> PictureLimits {
        // learn.microsoft.com/linkedin/marketing/community-management/shares/
        // images-api: JPG, GIF and PNG, fewer than 36,152,320 pixels.
        // The byte limit is from LinkedIn's help for image posts (5 MB); the
        // Images API page gives none.
        PictureLimits {
            formats: vec![PictureFormat::Jpeg, PictureFormat::Png, PictureFormat::Gif],
            max_bytes: 5 * 1024 * 1024,
            max_pixels: 36_152_319,
            longest_side: FEED_SIDE,
        }
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
    fn check_api_version(&self, version: &str) -> Result<(), SettingError> {
        let month = version.get(4..).and_then(|m| m.parse::<u8>().ok());
        let valid = version.len() == 6
            && version.bytes().all(|b| b.is_ascii_digit())
            && version.starts_with("20")
            && month.is_some_and(|m| (1..=12).contains(&m));
        if valid {
            Ok(())
        } else {
            Err(SettingError::ApiVersion {
                version: version.to_string(),
                network: "LinkedIn",
                wanted: "the year and month as YYYYMM, e.g. \"202605\"",
            })
        }
    }
    fn check_id(&self, id: &str) -> Result<(), SettingError> {
        organization_number(id)
            .map(|_| ())
            .ok_or_else(|| SettingError::Id {
                id: id.to_string(),
                account: "LinkedIn organisation",
                wanted: "its URN, e.g. \"urn:li:organization:5550100\"",
            })
    }
    fn shown_text(&self, text: &str) -> String {
        // What shows is the commentary, unescaped.
        little_text::shown(&little_text::commentary(text))
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

#[cfg(test)]
mod tests {
    use crate::network::{Network, Reach};

    #[test]
    fn linkedin_counts_its_escaped_commentary() {
        assert_eq!(Network::LinkedIn.count("héllo"), 5);
        assert!(Network::LinkedIn.fits(&"a".repeat(3000)));
        assert!(!Network::LinkedIn.fits(&"a".repeat(3001)));
        // Escapes are sent, so they count: 1,500 parentheses are 3,000.
        assert!(Network::LinkedIn.fits(&"(".repeat(1500)));
        assert!(!Network::LinkedIn.fits(&"(".repeat(1501)));
    }

    #[test]
    fn linkedin_polls_run_1_3_7_or_14_days() {
        let day = 86_400;
        let runs = |asked| Network::LinkedIn.poll_seconds(asked) / day;
        assert_eq!(runs(3_600), 1, "a day at least");
        assert_eq!(runs(day), 1);
        assert_eq!(runs(2 * day + 3_600), 1, "never longer than asked");
        assert_eq!(runs(3 * day), 3);
        assert_eq!(runs(6 * day), 3);
        assert_eq!(runs(7 * day), 7);
        assert_eq!(runs(13 * day), 7);
        assert_eq!(runs(14 * day), 14);
        assert_eq!(runs(30 * day), 14);
    }

    #[test]
    fn linkedin_goes_to_physicians_by_default_and_checks_its_id() {
        assert_eq!(Network::LinkedIn.default_reach(), Reach::Physicians);
        assert!(
            Network::LinkedIn
                .check_id("urn:li:organization:5550100")
                .is_ok()
        );
        for bad in [
            "5550100",
            "urn:li:person:abc",
            "urn:li:organization:",
            "urn:li:organization:12a",
        ] {
            let message = Network::LinkedIn.check_id(bad).unwrap_err().to_string();
            assert!(message.contains("urn:li:organization:"), "{message}");
        }
    }

    #[test]
    fn linkedin_api_versions_are_a_year_and_month() {
        assert!(Network::LinkedIn.check_api_version("202605").is_ok());
        for bad in ["2026-05", "202613", "199905", "20260"] {
            let message = Network::LinkedIn
                .check_api_version(bad)
                .unwrap_err()
                .to_string();
            assert_eq!(
                message,
                format!(
                    "`{bad}` is not a LinkedIn API version; write the year and month as YYYYMM, e.g. \"202605\""
                )
            );
        }
    }
}
