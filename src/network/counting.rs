//! Counting shared by several networks: URLs found in text, and emoji.

use unicode_properties::{EmojiStatus, UnicodeEmoji};

/// Width of every URL on networks that shorten links.
pub const URL_WEIGHT: usize = 23;

fn urls(text: &str) -> impl Iterator<Item = linkify::Link<'_>> {
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    finder.links(text).collect::<Vec<_>>().into_iter()
}

/// Replaces each URL with `placeholder`.
pub fn with_short_urls(text: &str, placeholder: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for link in urls(text) {
        out.push_str(&text[last..link.start()]);
        out.push_str(placeholder);
        last = link.end();
    }
    out.push_str(&text[last..]);
    out
}

/// Whether a grapheme cluster is shown as an emoji.
pub fn is_emoji(cluster: &str) -> bool {
    let mut chars = cluster.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let presented = matches!(
        first.emoji_status(),
        EmojiStatus::EmojiPresentation
            | EmojiStatus::EmojiPresentationAndModifierBase
            | EmojiStatus::EmojiPresentationAndEmojiComponent
            | EmojiStatus::EmojiPresentationAndModifierAndEmojiComponent
    );
    if presented {
        return true;
    }
    // Text-default symbols become emoji with VS16, a keycap or a ZWJ sequence.
    first.is_emoji_char()
        && cluster
            .chars()
            .any(|c| matches!(c, '\u{FE0F}' | '\u{20E3}' | '\u{200D}'))
}
