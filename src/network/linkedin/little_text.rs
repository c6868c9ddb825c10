//! LinkedIn's "little" text format, which the Posts API reads `commentary` in.
//!
//! Fifteen characters are reserved (`\ | { } @ [ ] ( ) < > # * _ ~`) and must
//! be written with a backslash before them, even where they start no element:
//! LinkedIn cuts a post short at the first one it cannot parse, and still
//! answers 201. Our hashtags become `{hashtag|\#|Tag}` templates so they stay
//! links, and a mention we mean (`@[Name](urn:li:organization:1)`, written
//! only from a URN in `data/`) is kept. Everything else, `@handles` and the
//! characters inside URLs included, is escaped: LinkedIn drops the backslash
//! before it shows the text and links its URLs, so `utm\_source` still links
//! to `utm_source`.
//!
//! Counting lives here too, because it is done on what is sent: LinkedIn's
//! 3,000-character limit does not say whether escapes count, so they do, and
//! in UTF-16 units as LinkedIn's Java services measure a string. The text can
//! then only fall short of the limit, never be refused or cut.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// The characters the format reserves, in the order the documentation lists them.
pub const RESERVED: [char; 15] = [
    '|', '{', '}', '@', '[', ']', '(', ')', '<', '>', '#', '\\', '*', '_', '~',
];

/// `#Tag` where another network would link it: after a start, a space or
/// punctuation, with at least one letter (a number alone is no hashtag).
static HASHTAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\p{L}\p{N}_&/#])(#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)").expect("valid")
});

/// A mention in LinkedIn's own form, which only a URN can make.
static MENTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"@\[([^\[\]\n]*)\]\((urn:li:(?:organization|person):[A-Za-z0-9_\-]+)\)")
        .expect("valid")
});

/// The pieces of a plain text that are not escaped character by character.
enum Element {
    Hashtag(String),
    Mention { name: String, urn: String },
}

/// Plain text as LinkedIn's commentary: hashtags as templates, our mentions
/// kept, every other reserved character escaped.
pub fn commentary(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut last = 0;
    for (range, element) in elements(text) {
        escape_into(&mut out, &text[last..range.start]);
        match element {
            Element::Hashtag(tag) => {
                out.push_str("{hashtag|\\#|");
                escape_into(&mut out, &tag);
                out.push('}');
            }
            Element::Mention { name, urn } => {
                out.push_str("@[");
                escape_into(&mut out, &name);
                out.push_str("](");
                out.push_str(&urn);
                out.push(')');
            }
        }
        last = range.end;
    }
    escape_into(&mut out, &text[last..]);
    out
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        if RESERVED.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Hashtags and mentions outside URLs, in order.
fn elements(text: &str) -> Vec<(Range<usize>, Element)> {
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    let urls: Vec<Range<usize>> = finder.links(text).map(|l| l.start()..l.end()).collect();
    let outside = |r: &Range<usize>| !urls.iter().any(|u| u.start < r.end && r.start < u.end);
    let mut found: Vec<(Range<usize>, Element)> = Vec::new();
    for c in MENTION.captures_iter(text) {
        let whole = c.get(0).expect("match").range();
        if outside(&whole) {
            let element = Element::Mention {
                name: c[1].to_string(),
                urn: c[2].to_string(),
            };
            found.push((whole, element));
        }
    }
    for c in HASHTAG.captures_iter(text) {
        let tag = c.get(1).expect("group").range();
        let inside_mention = found
            .iter()
            .any(|(r, _)| r.start < tag.end && tag.start < r.end);
        if outside(&tag) && !inside_mention {
            let element = Element::Hashtag(text[tag.start + 1..tag.end].to_string());
            found.push((tag, element));
        }
    }
    found.sort_by_key(|(r, _)| r.start);
    found
}

/// How long `text` is as LinkedIn measures its commentary.
pub fn length(text: &str) -> usize {
    commentary(text).encode_utf16().count()
}

/// Commentary as LinkedIn shows it: escapes dropped, `{hashtag|#|Tag}` as
/// `#Tag`, a mention as its name. For the preview, and to recognise a post
/// read back from LinkedIn, which may write a template either way.
pub fn shown(commentary: &str) -> String {
    static TEMPLATE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\{hashtag\|(?:\\#|#|＃)\|((?:\\.|[^\\{}|])*)\}").expect("valid")
    });
    static MENTIONED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^@(?:\[((?:\\.|[^\\\[\]])*)\])?\((urn:li:[a-zA-Z]+:[^)\s]+)\)").expect("valid")
    });
    let mut out = String::with_capacity(commentary.len());
    let mut rest = commentary;
    while let Some(c) = rest.chars().next() {
        if let Some(m) = TEMPLATE.captures(rest) {
            out.push('#');
            out.push_str(&unescape(&m[1]));
            rest = &rest[m[0].len()..];
        } else if let Some(m) = MENTIONED.captures(rest) {
            let name = m.get(1).map(|n| unescape(n.as_str()));
            out.push_str(name.as_deref().unwrap_or(&m[2]));
            rest = &rest[m[0].len()..];
        } else if c == '\\' {
            let escaped = rest[1..].chars().next();
            match escaped {
                Some(e) => {
                    out.push(e);
                    rest = &rest[1 + e.len_utf8()..];
                }
                None => {
                    out.push('\\');
                    rest = "";
                }
            }
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (c, chars.clone().next()) {
            ('\\', Some(next)) => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reserved_character_is_escaped_alone_and_together() {
        for c in RESERVED {
            let text = format!("a {c} b");
            assert_eq!(commentary(&text), format!("a \\{c} b"), "{c:?}");
            assert_eq!(shown(&commentary(&text)), text, "{c:?} round trip");
        }
        let all: String = RESERVED.iter().collect();
        assert_eq!(
            commentary(&all),
            r"\|\{\}\@\[\]\(\)\<\>\#\\\*\_\~",
            "each one escaped once, the backslash too"
        );
        assert_eq!(shown(&commentary(&all)), all);
        assert_eq!(
            commentary("plain words, 100% safe: yes! \"ok\" $5 ^ & = + ;"),
            "plain words, 100% safe: yes! \"ok\" $5 ^ & = + ;"
        );
    }

    #[test]
    fn our_hashtags_become_templates_and_other_hashes_are_escaped() {
        assert_eq!(
            commentary("Walk more. #HeartHealth #Springfield"),
            r"Walk more. {hashtag|\#|HeartHealth} {hashtag|\#|Springfield}"
        );
        assert_eq!(commentary("We are #1 in town"), r"We are \#1 in town");
        assert_eq!(
            commentary("C# and a#b"),
            r"C\# and a\#b",
            "not at a word start"
        );
        assert_eq!(
            commentary("#heart_health"),
            r"{hashtag|\#|heart\_health}",
            "a reserved character inside a tag is escaped too"
        );
        assert_eq!(
            commentary("#PresiónArterial"),
            r"{hashtag|\#|PresiónArterial}"
        );
        assert_eq!(
            shown(r"{hashtag|\#|HeartHealth} {hashtag|#|Walk} {hashtag|＃|Run}"),
            "#HeartHealth #Walk #Run",
            "LinkedIn may write the sign escaped or not"
        );
    }

    #[test]
    fn a_url_is_escaped_inside_and_shown_whole() {
        let link = "https://heart.example/blog/a_b/?utm_source=linkedin&utm_medium=social&utm_campaign=a_b#top~1";
        let text = format!("Read (and share): {link}\n\n#Heart");
        let sent = commentary(&text);
        assert_eq!(
            sent,
            "Read \\(and share\\): https://heart.example/blog/a\\_b/?utm\\_source=linkedin&utm\\_medium=social&utm\\_campaign=a\\_b\\#top\\~1\n\n{hashtag|\\#|Heart}",
            "the fragment's # is part of the URL, not a hashtag"
        );
        // What LinkedIn shows, and then links, is the URL as it was.
        assert_eq!(shown(&sent), text);
        let mut finder = linkify::LinkFinder::new();
        finder.kinds(&[linkify::LinkKind::Url]);
        let shown_text = shown(&sent);
        let links: Vec<_> = finder
            .links(&shown_text)
            .map(|l| l.as_str().to_string())
            .collect();
        assert_eq!(links, [link]);
    }

    #[test]
    fn our_mentions_are_kept_and_handles_are_plain_text() {
        let text =
            "Thank you, @[Prairie (East) Center](urn:li:organization:555) and @gym@fit.example!";
        let sent = commentary(text);
        assert_eq!(
            sent,
            r"Thank you, @[Prairie \(East\) Center](urn:li:organization:555) and \@gym\@fit.example!"
        );
        assert_eq!(
            shown(&sent),
            "Thank you, Prairie (East) Center and @gym@fit.example!"
        );
        assert_eq!(
            commentary("@[x](https://evil.example)"),
            r"\@\[x\]\(https://evil.example\)"
        );
    }

    #[test]
    fn length_counts_what_is_sent_in_utf16_units() {
        assert_eq!(length("héllo"), 5);
        assert_eq!(length("(a)"), 5);
        assert_eq!(length("#Tag"), "{hashtag|\\#|Tag}".len());
        assert_eq!(length("😀"), 2, "outside the BMP: two UTF-16 units");
    }
}
