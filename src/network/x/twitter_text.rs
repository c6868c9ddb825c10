//! X's way of counting a post: twitter-text's v3 configuration. The text is
//! NFC-normalised; every URL X would wrap in t.co counts 23; an emoji
//! sequence counts 2; any other code point counts 1 in a few Latin and
//! punctuation ranges and 2 elsewhere (CJK, most symbols).
//!
//! This file depends on nothing else in the crate, so the tests include it
//! as it is: `tests/x_counting.rs` holds twitter-text's published
//! conformance cases, and the X contract server counts with it.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{EmojiStatus, UnicodeEmoji};
use unicode_segmentation::UnicodeSegmentation;

/// What one t.co link counts, whatever the URL's own length.
pub const URL_WEIGHT: usize = 23;

/// twitter-text's ranges of weight 100 (one character); the rest weigh 200.
const LIGHT_RANGES: [(u32, u32); 4] = [(0, 4351), (8192, 8205), (8208, 8223), (8242, 8247)];

/// Top-level domains that make a bare `name.tld` a link, as twitter-text's
/// list does. A subset of its ~1,500 gTLDs: the common ones and those a
/// clinic might use; any two-letter country code is taken as well.
const GENERIC_TLDS: &[&str] = &[
    "com",
    "net",
    "org",
    "edu",
    "gov",
    "mil",
    "int",
    "info",
    "biz",
    "name",
    "pro",
    "mobi",
    "app",
    "dev",
    "blog",
    "news",
    "online",
    "site",
    "shop",
    "store",
    "tech",
    "xyz",
    "health",
    "clinic",
    "care",
    "doctor",
    "hospital",
    "dental",
    "dentist",
    "med",
    "healthcare",
    "fitness",
    "physio",
    "surgery",
    "pharmacy",
    "vision",
    "help",
    "community",
    "link",
    "page",
    "website",
    "social",
];

/// Country codes that are links without a path or a subdomain (`t.co`).
const SHORT_CCTLDS: [&str; 2] = ["co", "tv"];

/// The weighted length of `text`, as X counts it against 280.
pub fn weighted_length(text: &str) -> usize {
    let text: String = text.nfc().collect();
    let mut total = 0;
    let mut last = 0;
    for url in urls(&text) {
        total += weigh_words(&text[last..url.start]) + URL_WEIGHT;
        last = url.end;
    }
    total + weigh_words(&text[last..])
}

fn weigh_words(segment: &str) -> usize {
    segment
        .graphemes(true)
        .map(|g| {
            if is_emoji(g) {
                2
            } else {
                g.chars().map(char_weight).sum()
            }
        })
        .sum()
}

fn char_weight(c: char) -> usize {
    let code = c as u32;
    let light = LIGHT_RANGES
        .iter()
        .any(|(low, high)| (*low..=*high).contains(&code));
    if light { 1 } else { 2 }
}

/// Whether a grapheme cluster is one emoji (a ZWJ family, a flag, a keycap,
/// a skin tone): twitter-text counts each such sequence once.
pub fn is_emoji(cluster: &str) -> bool {
    let Some(first) = cluster.chars().next() else {
        return false;
    };
    let presented = matches!(
        first.emoji_status(),
        EmojiStatus::EmojiPresentation
            | EmojiStatus::EmojiPresentationAndModifierBase
            | EmojiStatus::EmojiPresentationAndEmojiComponent
            | EmojiStatus::EmojiPresentationAndModifierAndEmojiComponent
    );
    // Text-default symbols become emoji with VS16, a keycap or a ZWJ sequence.
    presented
        || (first.is_emoji_char()
            && cluster
                .chars()
                .any(|c| matches!(c, '\u{FE0F}' | '\u{20E3}' | '\u{200D}')))
}

/// The byte ranges of the URLs in `text` that X turns into t.co links: with
/// `http(s)://`, or bare `name.tld` with a known top-level domain.
pub fn urls(text: &str) -> Vec<Range<usize>> {
    // linkify wants an ASCII top-level domain, so URLs with a scheme are
    // found here (`http://foobar.پاکستان/` is a link on X), the rest by linkify.
    static SCHEMED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\bhttps?://[^\s<>\x22\x{200B}-\x{200F}\x{202A}-\x{202E}\x{2066}-\x{2069}\x{FEFF}]+")
            .expect("valid regex")
    });
    let mut found: Vec<Range<usize>> = SCHEMED
        .find_iter(text)
        .map(|m| m.start()..m.start() + trimmed(m.as_str()).len())
        .filter(|r| is_linked(&text[r.clone()]))
        .collect();
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    finder.url_must_have_scheme(false);
    let bare: Vec<Range<usize>> = finder
        .links(text)
        .filter(|l| !l.as_str().contains("://"))
        .map(|l| l.start()..l.start() + trimmed(l.as_str()).len())
        .filter(|r| !found.iter().any(|f| f.start < r.end && r.start < f.end))
        .filter(|r| is_linked(&text[r.clone()]))
        .collect();
    found.extend(bare);
    found.sort_by_key(|r| r.start);
    found
}

/// A URL without the punctuation of the sentence around it, a closing
/// bracket it did not open, or an invisible mark after it.
fn trimmed(url: &str) -> &str {
    // Directional and other invisible format marks end a URL.
    let marks = |c: char| matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}');
    let url = url.find(marks).map_or(url, |end| &url[..end]);
    let mut url = url.trim_end_matches(['.', ',', '!', '?', ':', ';', '\'', '"']);
    while url.ends_with(')') && url.matches(')').count() > url.matches('(').count() {
        url = &url[..url.len() - 1];
    }
    url
}

/// Whether X links `url`: an http(s) scheme or none, a host whose labels
/// fit DNS (63 octets once punycoded), and without a scheme a known TLD.
fn is_linked(url: &str) -> bool {
    let (scheme, rest) = match url.find("://") {
        Some(at) => (Some(&url[..at]), &url[at + 3..]),
        None => (None, url),
    };
    if scheme.is_some_and(|s| !s.eq_ignore_ascii_case("http") && !s.eq_ignore_ascii_case("https")) {
        return false;
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let has_path = authority_end < rest.len();
    let authority = &rest[..authority_end];
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let Ok(parsed) = url::Url::parse(&format!("http://{host_port}/")) else {
        return false;
    };
    let Some(url::Host::Domain(host)) = parsed.host() else {
        // An IP address is linked only with a scheme.
        return scheme.is_some() && parsed.host().is_some();
    };
    let labels: Vec<&str> = host.split('.').collect();
    let fits_dns = labels
        .iter()
        .all(|l| (1..=63).contains(&l.len()) && !l.starts_with('-') && !l.ends_with('-'));
    if !fits_dns || labels.len() < 2 {
        return false;
    }
    if scheme.is_some() {
        return true;
    }
    let tld = labels[labels.len() - 1];
    if GENERIC_TLDS.contains(&tld) || tld.starts_with("xn--") {
        return true;
    }
    let country = tld.len() == 2 && tld.chars().all(|c| c.is_ascii_alphabetic());
    // twitter-text leaves `name.de` alone unless it has a path or a subdomain.
    country && (has_path || labels.len() > 2 || SHORT_CCTLDS.contains(&tld))
}
