//! An item's words as its network shows them: the text the network is sent
//! (`Network::shown_text`), its links as links, the link back as the text
//! writes it (Bluesky's short `clinic.org/blog/rsv…`) leading to the whole
//! tracked address as the facet does, and hashtags and mentions drawn as
//! the network draws them.

use super::html::{esc, url};
use crate::outreach::OutreachItem;
use crate::outreach::fit::protected_ranges;

/// The shown text as HTML.
pub fn shown(item: &OutreachItem) -> String {
    let text = item.network.shown_text(&item.text);
    let written = item.network.written_link(&item.link);
    // The link back is the last of its kind in the text, as the Bluesky
    // client finds it for its facet.
    let back = (!written.is_empty())
        .then(|| text.rfind(&written))
        .flatten()
        .map(|start| start..start + written.len());
    let mut spans: Vec<(std::ops::Range<usize>, Span)> = Vec::new();
    if let Some(range) = back.clone() {
        spans.push((range, Span::Link(&item.link)));
    }
    for range in protected_ranges(&text) {
        if spans
            .iter()
            .any(|(r, _)| range.start < r.end && r.start < range.end)
        {
            continue;
        }
        let span = match text[range.clone()].chars().next() {
            Some('#') | Some('@') => Span::Tag,
            _ => Span::Url,
        };
        spans.push((range, span));
    }
    spans.sort_by_key(|(r, _)| r.start);
    let mut out = String::new();
    let mut at = 0;
    for (range, span) in spans {
        out.push_str(&esc(&text[at..range.start]));
        let words = &text[range.clone()];
        match span {
            Span::Link(href) => {
                out.push_str(&format!("<a href=\"{}\">{}</a>", url(href), address(words)))
            }
            Span::Url => out.push_str(&format!(
                "<a href=\"{}\">{}</a>",
                url(words),
                address(words)
            )),
            Span::Tag => out.push_str(&format!("<span class=\"tag\">{}</span>", esc(words))),
        }
        at = range.end;
    }
    out.push_str(&esc(&text[at..]));
    out
}

/// An address as link text, its `https://www.` apart: networks whose apps
/// show links without it hide it in `preview.css`.
fn address(words: &str) -> String {
    let scheme = ["https://", "http://"]
        .iter()
        .find(|s| words.starts_with(*s))
        .map_or(0, |s| s.len());
    let prefix = scheme
        + if words[scheme..].starts_with("www.") {
            4
        } else {
            0
        };
    if prefix == 0 {
        return esc(words);
    }
    format!(
        "<span class=\"scheme\">{}</span>{}",
        esc(&words[..prefix]),
        esc(&words[prefix..])
    )
}

enum Span<'a> {
    /// The link back, written as the network writes it.
    Link(&'a str),
    Url,
    /// A hashtag or a mention.
    Tag,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::Network;
    use crate::publish::graph::sample_item;

    #[test]
    fn the_short_bluesky_link_leads_to_the_tracked_address() {
        let mut item = sample_item(Network::Bluesky, None);
        item.link =
            "https://heart.example/blog/blood-pressure/?utm_source=bluesky&utm_medium=social"
                .into();
        let short = Network::Bluesky.written_link(&item.link);
        item.text = format!("Know your numbers.\n\n{short}\n\n#HeartHealth @gym.bsky.social");
        let html = shown(&item);
        assert!(
            html.contains(&format!(
                "<a href=\"https://heart.example/blog/blood-pressure/?utm_source=bluesky&amp;utm_medium=social\">{short}</a>"
            )),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"tag\">#HeartHealth</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"tag\">@gym.bsky.social</span>"),
            "{html}"
        );
    }

    #[test]
    fn whole_links_are_links_and_words_are_escaped() {
        let mut item = sample_item(Network::Mastodon, None);
        item.link = "https://heart.example/a?x=1&y=2".into();
        item.text =
            "Salt & you <3 https://heart.example/a?x=1&y=2 and http://www.other.example/".into();
        let html = shown(&item);
        assert!(html.starts_with("Salt &amp; you &lt;3 <a href=\"https://heart.example/a?x=1&amp;y=2\"><span class=\"scheme\">https://</span>heart.example/a?x=1&amp;y=2</a>"), "{html}");
        assert!(html.ends_with("<a href=\"http://www.other.example/\"><span class=\"scheme\">http://www.</span>other.example/</a>"), "{html}");
    }
}
