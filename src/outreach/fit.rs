//! Fitting a post's words into a network's limit: cut at a sentence, else a
//! word, else a grapheme, and never inside a URL, a hashtag or a mention.

use std::ops::Range;
use std::sync::LazyLock;

use unicode_segmentation::UnicodeSegmentation;

use super::network::Network;

const ELLIPSIS: &str = "…";

/// The parts of an item's text, joined with blank lines.
#[derive(Debug, Clone, Default)]
pub struct Parts {
    /// The words, which may be shortened.
    pub body: String,
    /// Lines that must stay whole (e.g. "Thanks @gym@fit.example"), after the body.
    pub fixed: Vec<String>,
    /// The link back to the post; always kept.
    pub link: Option<String>,
    /// Dropped from the end first when space is short.
    pub hashtags: Vec<String>,
}

/// What fitting did, for the preview and `rounds social`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fitted {
    pub text: String,
    pub shortened: bool,
    pub dropped_hashtags: Vec<String>,
}

pub fn join(body: &str, fixed: &[String], link: Option<&str>, hashtags: &[String]) -> String {
    let mut blocks: Vec<String> = Vec::new();
    if !body.trim().is_empty() {
        blocks.push(body.trim().to_string());
    }
    blocks.extend(fixed.iter().filter(|f| !f.is_empty()).cloned());
    if let Some(link) = link {
        blocks.push(link.to_string());
    }
    if !hashtags.is_empty() {
        blocks.push(hashtags.join(" "));
    }
    blocks.join("\n\n")
}

/// Why an item cannot fit its network's limit: what must stay (the fixed
/// lines and the link) is already too long.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("even without its words this item counts {count} of {network}'s {limit}")]
pub struct TooLong {
    /// What the item counts without its words and hashtags.
    pub count: usize,
    /// The network's name, as users know it.
    pub network: &'static str,
    pub limit: usize,
}

/// Fits the parts into `network`'s limit, or says why they cannot fit.
pub fn fit(network: Network, parts: &Parts) -> Result<Fitted, TooLong> {
    let link = parts.link.as_deref();
    let mut hashtags = parts.hashtags.clone();
    let mut dropped = Vec::new();
    let whole = join(&parts.body, &parts.fixed, link, &hashtags);
    if network.fits(&whole) {
        return Ok(Fitted {
            text: whole,
            shortened: false,
            dropped_hashtags: dropped,
        });
    }
    // Hashtags go first, but keep one if the words can be shortened instead.
    while hashtags.len() > 1 {
        dropped.insert(0, hashtags.pop().expect("not empty"));
        let text = join(&parts.body, &parts.fixed, link, &hashtags);
        if network.fits(&text) {
            return Ok(Fitted {
                text,
                shortened: false,
                dropped_hashtags: dropped,
            });
        }
    }
    for tags in [hashtags.clone(), Vec::new()] {
        if let Some(body) = shorten(network, &parts.body, |b| join(b, &parts.fixed, link, &tags)) {
            if tags.is_empty() {
                dropped.extend(hashtags.clone());
            }
            return Ok(Fitted {
                text: join(&body, &parts.fixed, link, &tags),
                shortened: true,
                dropped_hashtags: dropped,
            });
        }
    }
    let bare = join("", &parts.fixed, link, &[]);
    if network.fits(&bare) {
        dropped.extend(hashtags);
        return Ok(Fitted {
            text: bare,
            shortened: true,
            dropped_hashtags: dropped,
        });
    }
    Err(TooLong {
        count: network.count(&bare),
        network: network.name(),
        limit: network.limit(),
    })
}

/// The longest cut of `body` (with an ellipsis) whose whole text fits,
/// preferring a sentence end, then a word break, then any grapheme break.
fn shorten(network: Network, body: &str, whole: impl Fn(&str) -> String) -> Option<String> {
    let body = body.trim();
    let cuts = cut_points(body);
    let fits_at = |end: usize| {
        let candidate = cut(body, end);
        network.fits(&whole(&candidate)).then_some(candidate)
    };
    // Counting is monotonic in the cut position, so binary search the longest fit.
    let longest = |points: &[usize]| -> Option<usize> {
        let (mut lo, mut hi) = (0usize, points.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if fits_at(points[mid]).is_some() {
                lo = mid + 1
            } else {
                hi = mid
            }
        }
        lo.checked_sub(1).map(|i| points[i])
    };
    let any = longest(&cuts.graphemes)?;
    let word = longest(&cuts.words);
    let sentence = longest(&cuts.sentences);
    // A sentence end is best unless it throws away more than a third of the room.
    let choice = match (sentence, word) {
        (Some(s), _) if s * 3 >= any * 2 => s,
        (_, Some(w)) if w * 2 >= any => w,
        _ => any,
    };
    fits_at(choice)
}

fn cut(body: &str, end: usize) -> String {
    let kept = body[..end].trim_end();
    let kept = kept.trim_end_matches([',', ';', ':', '-', '–', '—']);
    if kept.ends_with(['.', '!', '?'])
        && end < body.len()
        && body[end..].starts_with(char::is_whitespace)
    {
        kept.to_string()
    } else {
        format!("{kept}{ELLIPSIS}")
    }
}

#[derive(Debug, Default)]
struct Cuts {
    sentences: Vec<usize>,
    words: Vec<usize>,
    graphemes: Vec<usize>,
}

/// Byte offsets where `body` may be cut, ascending; none inside a protected token.
fn cut_points(body: &str) -> Cuts {
    let protected = protected_ranges(body);
    let allowed = |at: usize| at > 0 && !protected.iter().any(|r| r.start < at && at < r.end);
    let mut cuts = Cuts::default();
    for (at, _) in body.grapheme_indices(true) {
        if allowed(at) {
            cuts.graphemes.push(at);
        }
    }
    for (at, word) in body.split_word_bound_indices() {
        if word.chars().all(char::is_whitespace) && allowed(at) {
            cuts.words.push(at);
            if body[..at].trim_end().ends_with(['.', '!', '?']) {
                cuts.sentences.push(at);
            }
        }
    }
    cuts
}

static TOKEN: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(
        // LinkedIn's `@[Name](urn:li:…)`; `#tag`; `@user`, `@user@instance.example`,
        // `@handle.bsky.social` (no trailing dot).
        r"@\[[^\[\]\n]*\]\(urn:li:[a-z]+:[A-Za-z0-9_\-]+\)|#[\p{L}\p{N}_]+|@[\p{L}\p{N}_]+(?:[.\-][\p{L}\p{N}_]+)*(?:@[\p{L}\p{N}]+(?:[.\-][\p{L}\p{N}]+)*)?",
    ).expect("valid regex")
});

/// URLs, hashtags and mentions: never cut inside these.
pub fn protected_ranges(text: &str) -> Vec<Range<usize>> {
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    let mut ranges: Vec<Range<usize>> = finder.links(text).map(|l| l.start()..l.end()).collect();
    ranges.extend(TOKEN.find_iter(text).map(|m| m.range()));
    ranges
}

/// `heart health` → `#HeartHealth`; tags made of nothing usable are dropped.
pub fn hashtag(tag: &str) -> Option<String> {
    let words: String = tag
        .trim_start_matches('#')
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect();
    // A hashtag of digits alone is not linked by any network.
    (!words.is_empty() && !words.chars().all(|c| c.is_ascii_digit())).then(|| format!("#{words}"))
}

/// Hashtags from tags, CamelCased, without duplicates (case-insensitively).
pub fn hashtags<'a>(tags: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    tags.into_iter()
        .filter_map(hashtag)
        .filter(|h| seen.insert(h.to_lowercase()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(body: &str, tags: &[&str]) -> Parts {
        Parts {
            body: body.into(),
            fixed: vec![],
            link: Some(
                "https://clinic.example/blog/bp/?utm_source=x&utm_medium=social&utm_campaign=bp"
                    .into(),
            ),
            hashtags: tags.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn short_text_is_left_alone() {
        let fitted = fit(
            Network::Mastodon,
            &parts("Check your blood pressure.", &["#Heart"]),
        )
        .unwrap();
        assert!(!fitted.shortened);
        assert_eq!(
            fitted.text,
            "Check your blood pressure.\n\nhttps://clinic.example/blog/bp/?utm_source=x&utm_medium=social&utm_campaign=bp\n\n#Heart"
        );
    }

    #[test]
    fn long_text_is_cut_at_a_sentence_and_keeps_its_link() {
        let body = format!(
            "{} Second sentence here. {}",
            "First sentence is short.",
            "word ".repeat(100)
        );
        let fitted = fit(Network::X, &parts(&body, &["#Heart"])).unwrap();
        assert!(fitted.shortened);
        assert!(Network::X.fits(&fitted.text));
        assert!(fitted.text.contains("https://clinic.example/blog/bp/"));
        assert!(fitted.text.contains("#Heart"));
    }

    #[test]
    fn urls_hashtags_and_mentions_are_never_cut() {
        let body = format!(
            "{} see https://example.org/{} and #LongHashtagHere @gym@fit.example end",
            "a ".repeat(100),
            "p".repeat(60)
        );
        for network in [Network::X, Network::Bluesky] {
            let fitted = fit(network, &parts(&body, &[])).unwrap();
            let kept = fitted.text.split("\n\n").next().unwrap();
            for token in [
                "https://example.org/",
                "#LongHashtagHere",
                "@gym@fit.example",
            ] {
                if let Some(at) = kept.find(&token[..4]) {
                    assert!(
                        kept[at..].starts_with(token) || !kept[at..].starts_with(&token[..4]),
                        "{network:?} cut {token}: {kept}"
                    );
                }
            }
            assert!(network.fits(&fitted.text));
        }
    }

    #[test]
    fn a_linkedin_mention_is_one_protected_token() {
        let text = "Thanks @[Prairie Family Center](urn:li:organization:42) and #Walk";
        let tokens: Vec<&str> = protected_ranges(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(
            tokens,
            ["@[Prairie Family Center](urn:li:organization:42)", "#Walk"]
        );
    }

    #[test]
    fn text_without_spaces_is_cut_between_graphemes() {
        let body = "心臓の健康を守るために毎日歩きましょう".repeat(20);
        let fitted = fit(Network::X, &parts(&body, &[])).unwrap();
        assert!(fitted.text.ends_with(&format!("{ELLIPSIS}\n\nhttps://clinic.example/blog/bp/?utm_source=x&utm_medium=social&utm_campaign=bp")));
        let family = "👨\u{200D}👩\u{200D}👧".repeat(200);
        let fitted = fit(Network::Bluesky, &parts(&family, &[])).unwrap();
        let body = fitted
            .text
            .split("\n\n")
            .next()
            .unwrap()
            .trim_end_matches(ELLIPSIS);
        assert_eq!(
            body.len() % "👨\u{200D}👩\u{200D}👧".len(),
            0,
            "no family was split"
        );
    }

    #[test]
    fn hashtags_are_camel_cased_and_unique() {
        assert_eq!(
            hashtags([
                "heart health",
                "Heart-Health",
                "prevention",
                "2026",
                "#already"
            ]),
            ["#HeartHealth", "#Prevention", "#Already"]
        );
        assert_eq!(
            hashtag("presión arterial").as_deref(),
            Some("#PresiónArterial")
        );
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;
    use unicode_segmentation::UnicodeSegmentation;

    use super::*;

    /// Words that stress counting: emoji sequences, flags, CJK, combining accents,
    /// URLs, hashtags and mentions.
    fn word() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z]{1,12}",
            "[a-z]{1,8}[.!?,]",
            Just("👨\u{200D}👩\u{200D}👧".to_string()),
            Just("🇺🇸".to_string()),
            Just("👋🏽".to_string()),
            Just("心臓病".to_string()),
            Just("e\u{301}te\u{301}".to_string()),
            "https://[a-z]{3,10}\\.example/[a-z0-9/]{0,40}",
            "#[A-Za-z]{2,20}",
            "@[a-z]{2,10}@[a-z]{2,8}\\.example",
        ]
    }

    fn text(max_words: usize) -> impl Strategy<Value = String> {
        prop::collection::vec(word(), 1..max_words).prop_map(|w| w.join(" "))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// What Threads refuses never comes out of fitting: over 500 with
        /// emoji as bytes, or more than five different links counting the
        /// link card (the link back, sent again as `link_attachment`).
        #[test]
        fn threads_items_pass_threads_own_checks(
            body in prop::collection::vec(
                prop_oneof![
                    Just("😀".to_string()),
                    Just("👨\u{200D}👩\u{200D}👧".to_string()),
                    Just("❤️".to_string()),
                    "https://[a-z]{3,6}\\.example/[a-z]{0,6}",
                    "www\\.[a-z]{3,6}\\.com",
                    "[a-z]{1,8}",
                ],
                1..150,
            ).prop_map(|w| w.join(" ")),
        ) {
            let link = "https://clinic.example/blog/a-post/?utm_source=threads".to_string();
            let parts = Parts { body, fixed: vec![], link: Some(link.clone()), hashtags: vec!["#Heart".into()] };
            let fitted = fit(Network::Threads, &parts).expect("a short link always fits");
            prop_assert!(Network::Threads.count(&fitted.text) <= 500, "{}", fitted.text);
            let links = crate::outreach::network::threads_links(&fitted.text, Some(&link));
            prop_assert!(links <= 5, "{links} links: {}", fitted.text);
        }

        #[test]
        fn every_item_fits_keeps_its_link_and_cuts_cleanly(
            body in text(120),
            tags in prop::collection::vec("[a-z ]{1,20}", 0..6),
            network in prop::sample::select(Network::ALL.to_vec()),
        ) {
            let link = "https://clinic.example/blog/a-post/?utm_source=x&utm_medium=social&utm_campaign=a-post".to_string();
            let parts = Parts { body: body.clone(), fixed: vec![], link: Some(link.clone()), hashtags: hashtags(tags.iter().map(String::as_str)) };
            let fitted = fit(network, &parts).expect("a post with a short link always fits");
            prop_assert!(network.fits(&fitted.text), "{} over the limit: {}", network.name(), fitted.text);
            prop_assert!(fitted.text.contains(&link));

            let trimmed = body.trim();
            let kept = fitted.text.split("\n\n").next().unwrap_or_default();
            if fitted.text.starts_with(&link) {
                return Ok(()); // the words were dropped entirely
            }
            let kept = kept.strip_suffix(ELLIPSIS).unwrap_or(kept);
            prop_assert!(trimmed.starts_with(kept), "the words are a prefix of the original");
            let end = kept.len();
            if end < trimmed.len() {
                let boundaries: Vec<usize> = trimmed.grapheme_indices(true).map(|(i, _)| i).collect();
                prop_assert!(boundaries.contains(&end) || trimmed[..end].trim_end().len() < end, "cut inside a grapheme at {end}");
                for range in protected_ranges(trimmed) {
                    prop_assert!(range.end <= end || range.start >= end || kept.trim_end().len() <= range.start,
                        "cut inside {:?}", &trimmed[range]);
                }
            }
        }
    }
}
