//! X's weighted length against twitter-text's published conformance cases
//! (`conformance/validate.yml`: the v3 "WeightedTweetsWithDiscountedEmoji"
//! table, its "lengths" and "urls_without_protocol" cases, and the
//! directional-marker cases), written down here as (description, text,
//! weighted length). The long texts are built from their repeated parts.

use crate::common::twitter_text::{self, weighted_length};

const POEM: &str = "故人西辞黄鹤楼，烟花三月下扬州。孤帆远影碧空尽，唯见长江天际流。朱雀桥边野草花，乌衣巷口夕阳斜。旧时王谢堂前燕，飞入寻常百姓家。朝辞白帝彩云间，千里江陵一日还。两岸猿声啼不住，轻舟已过万重山。泪湿罗巾梦不成，夜深前殿按歌声。红颜未老恩先断，斜倚薰笼坐到明。独在异乡为异客，每逢佳节倍思亲。遥知兄弟登高处，遍插茱萸少一人。";
const FAMILY: &str = "👨\u{200D}👩\u{200D}👧\u{200D}👦";
const KANA: &str = "あいうえおかきくけこ";

fn x10(n: usize) -> String {
    "xxxxxxxxxx-".repeat(n)
}

fn cases() -> Vec<(&'static str, String, usize)> {
    let long_host = format!("https://{}.com/foo", "somesuperlongurl".repeat(249));
    vec![
        // lengths
        ("count the characters", "This is a test.".into(), 15),
        ("http URL", "http://test.com".into(), 23),
        ("https URL", "https://test.com".into(), 23),
        ("URL without protocol", "test.com".into(), 23),
        (
            "several URLs",
            "Test https://test.com test https://test.com test.com test".into(),
            86,
        ),
        // urls_without_protocol: each is a link, so 23
        ("domain + gTLD", "example.com".into(), 23),
        ("subdomain + domain + gTLD", "www.example.com".into(), 23),
        ("domain + ccTLD", "t.co".into(), 23),
        ("subdomain + domain + ccTLD", "foo.co.jp".into(), 23),
        (
            "domain + path + query",
            "example.com/path/to/resource?search=foo&lang=en".into(),
            23,
        ),
        // tweets: exactly at the limit
        ("140 double-byte characters", "の".repeat(140), 280),
        ("140 cats", "\u{1F431}".repeat(140), 280),
        // WeightedTweetsWithDiscountedEmojiCounterTest
        ("regular tweet with url", "Hi http://test.co".into(), 26),
        ("just url", "http://test.co".into(), 23),
        ("long tweet", format!("285 chars-{}", x10(25)), 285),
        (
            "url in the middle",
            format!("285 chars- http://www.twitter.com/jack {}", x10(24)),
            299,
        ),
        (
            "url at the end",
            format!("{} http://www.twitter.com/jack ", x10(24)),
            289,
        ),
        (
            "10 urls",
            "https://www.twitter.com/aloha ".repeat(10),
            240,
        ),
        ("160 CJK", POEM.into(), 320),
        ("160 emoji", "😷".repeat(160), 320),
        ("3 latin + 160 CJK", format!("the{POEM}"), 323),
        (
            "decomposed character outside 280",
            format!("282 chars-{}xxxxxA\u{301}x", x10(24)),
            281,
        ),
        ("Á is normalised into one", "A\u{301}B".into(), 2),
        ("שּׁ is normalised into three", "A\u{FB2C}".into(), 4),
        ("mixed, with a ZWJ family", format!("H🐱☺{FAMILY}"), 7),
        ("emoji in the BMP and beyond", "😷👾😡🔥💩".into(), 10),
        (
            "skin tone and ZWJ profession",
            "🙋🏽👨\u{200D}🎤".into(),
            4,
        ),
        (
            "general punctuation",
            "This is a tweet with general punctuation characters: \u{2000}\u{2001}\u{2002}\u{2003}\u{2004}\u{2005}\u{2006}\u{2007}\u{2008}\u{2009}\u{200A}\u{200B} ‐ ‑ ‒ – — ― ‖  ‗ ‘ ’ ‚ ‛ “ ” „ ‟ ′ ″ ‴ ‵ ‶ ‷".into(),
            110,
        ),
        (
            "long url with invalid domain labels and a short url",
            format!(
                "Long url with invalid domain labels and a short url: {long_host} {long_host} {long_host} https://validurl.com"
            ),
            12_079,
        ),
        (
            "64-character domain without protocol",
            format!("{}s.com", "randomurl".repeat(7)),
            68,
        ),
        (
            "punycoded host over 63 characters is not a link",
            format!("{} http://{}あいう.com", KANA.repeat(12), KANA.repeat(5)),
            358,
        ),
        (
            "punycoded host within 63 characters is a link",
            format!("{} http://{}あい.com", KANA.repeat(12), KANA.repeat(5)),
            264,
        ),
        ("140 family emoji", FAMILY.repeat(140), 280),
        (
            "Unicode 10 emoji, with a tag-sequence flag",
            "Unicode 10.0 emoji: 🤪; 🧕; 🧕🏾; 🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}".into(),
            34,
        ),
        ("Unicode 9 emoji", "Unicode 9.0 emoji: 🤠; 💃; 💃🏾".into(), 29),
        // UnicodeDirectionalMarkerCounterTest
        (
            "invalid characters",
            "ABC\u{202A}\u{FFFF}ABC\u{FFFE}".into(),
            12,
        ),
        (
            "directional marks around a URL",
            "\u{2066}\u{202A}http://foobar.پاکستان/\u{202C}\u{2069}".into(),
            31,
        ),
    ]
}

#[test]
fn weighted_lengths_match_twitter_texts_conformance_cases() {
    let failures: Vec<String> = cases()
        .into_iter()
        .filter_map(|(what, text, expected)| {
            let got = weighted_length(&text);
            (got != expected).then(|| format!("{what}: expected {expected}, got {got}"))
        })
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn flags_keycaps_and_skin_tones_are_one_emoji_each() {
    assert_eq!(weighted_length("🇺🇸"), 2);
    assert_eq!(weighted_length("1\u{FE0F}\u{20E3}"), 2);
    assert_eq!(weighted_length("👋🏿"), 2);
    assert_eq!(weighted_length("❤\u{FE0F}"), 2);
    // Digits and `#` are emoji only as keycaps.
    assert_eq!(weighted_length("#1"), 2);
}

#[test]
fn bare_names_that_are_not_links_count_as_letters() {
    // A two-letter country code without a path or subdomain, as twitter-text.
    assert_eq!(weighted_length("Dr.Li"), 5);
    assert_eq!(weighted_length("see clinic.de/heart"), 4 + 23);
    // Not a scheme X links.
    assert_eq!(weighted_length("ftp://a"), 7);
    assert_eq!(weighted_length("e.g. this"), 9);
}

#[test]
fn the_280_boundary() {
    let link = "https://heart.example/blog/bp/?utm_source=x&utm_medium=social";
    let text = format!("{} {link}", "a".repeat(256));
    assert_eq!(weighted_length(&text), 280);
    assert_eq!(weighted_length(&format!("b{text}")), 281);
    assert_eq!(weighted_length(&format!("{}心", "a".repeat(278))), 280);
    assert_eq!(weighted_length(&format!("{}心", "a".repeat(279))), 281);
}
#[test]
fn urls_end_before_punctuation_and_unopened_brackets() {
    let text = "(see https://a.example/x_(y)). Or example.com, or https://b.example/?q=1!";
    let found: Vec<&str> = twitter_text::urls(text)
        .into_iter()
        .map(|r| &text[r])
        .collect();
    assert_eq!(
        found,
        [
            "https://a.example/x_(y)",
            "example.com",
            "https://b.example/?q=1"
        ]
    );
}
