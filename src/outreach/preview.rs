//! `outreach/index.html`: every item as a card that looks roughly as it will
//! on its network, with its length against the limit, before anything is sent.

use std::collections::BTreeMap;

use pulldown_cmark_escape::{escape_href, escape_html};

use super::OutreachItem;
use super::network::Attachment;

fn esc(s: &str) -> String {
    let mut out = String::new();
    escape_html(&mut out, s).ok();
    out
}

/// A URL for an attribute: `escape_href` already turns `&` into `&amp;`.
fn url(s: &str) -> String {
    let mut out = String::new();
    escape_href(&mut out, s).ok();
    out
}

/// Links in the text become links, as the network will show them.
fn linked(text: &str) -> String {
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    let mut out = String::new();
    for span in finder.spans(text) {
        match span.kind() {
            Some(_) => out.push_str(&format!(
                "<a href=\"{}\">{}</a>",
                url(span.as_str()),
                esc(span.as_str())
            )),
            None => out.push_str(&esc(span.as_str())),
        }
    }
    out
}

/// The text as the network will show it.
fn shown_text(item: &OutreachItem) -> String {
    item.network.shown_text(&item.text)
}

/// `3 days`, `12 hours`, `30 minutes`: a poll's length as people say it.
fn duration_label(seconds: u64) -> String {
    let (count, unit) = if seconds >= 86_400 && seconds % 86_400 == 0 {
        (seconds / 86_400, "day")
    } else if seconds >= 3600 {
        (seconds / 3600, "hour")
    } else {
        (seconds / 60, "minute")
    };
    format!("{count} {unit}{}", if count == 1 { "" } else { "s" })
}

/// The post's image with its title, as a network shows an attached image.
fn image_card(item: &OutreachItem) -> String {
    let Some(image) = &item.image else {
        return String::new();
    };
    format!(
        "<figure class=\"link-card\"><img src=\"{}\" alt=\"{}\" loading=\"lazy\"><figcaption><strong>{}</strong>{}</figcaption></figure>",
        url(&image.url),
        esc(image.alt.as_deref().unwrap_or_default()),
        esc(&item.title),
        item.description
            .as_deref()
            .map(|d| format!("<br>{}", esc(d)))
            .unwrap_or_default()
    )
}

/// The card a network makes from the linked page's Open Graph tags: its
/// image when it has one, its domain, title and description.
fn link_card(item: &OutreachItem) -> String {
    let domain = url::Url::parse(&item.link)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    let image = item
        .image
        .as_ref()
        .map(|i| {
            format!(
                "<img src=\"{}\" alt=\"{}\" loading=\"lazy\">",
                url(&i.url),
                esc(i.alt.as_deref().unwrap_or_default())
            )
        })
        .unwrap_or_default();
    format!(
        "<a class=\"link-card\" href=\"{href}\">{image}<span class=\"caption\"><span class=\"domain\">{domain}</span><strong>{title}</strong>{description}</span></a>",
        href = url(&item.link),
        domain = esc(&domain),
        title = esc(&item.title),
        description = item
            .description
            .as_deref()
            .map(|d| format!("<span>{}</span>", esc(d)))
            .unwrap_or_default(),
    )
}

pub fn render(
    site_title: &str,
    items: &[OutreachItem],
    state: impl Fn(&OutreachItem) -> String,
) -> String {
    let mut by_post: BTreeMap<&str, Vec<&OutreachItem>> = BTreeMap::new();
    for item in items {
        by_post
            .entry(item.post_url.as_str())
            .or_default()
            .push(item);
    }
    let mut body = String::new();
    for (post_url, items) in &by_post {
        let title = items.first().map(|i| i.title.as_str()).unwrap_or_default();
        body.push_str(&format!(
            "<section class=\"post\"><h2><a href=\"{}\">{}</a></h2>\n<div class=\"cards\">\n",
            url(post_url),
            esc(title)
        ));
        for item in items {
            let over = item.length > item.limit;
            let percent = (item.length * 100 / item.limit.max(1)).min(100);
            let mut card = format!(
                "<article class=\"card\" id=\"{id}\" style=\"--accent:{accent}\">\n<header><span class=\"network\">{network}</span> <span class=\"kind\">{kind}</span> <span class=\"state\">{state}</span></header>\n<p class=\"text\">{text}</p>\n",
                id = esc(&item.id),
                accent = item.network.accent(),
                network = item.network.name(),
                kind = item.kind.label(),
                state = esc(&state(item)),
                text = linked(&shown_text(item)),
            );
            let native_poll = item.poll.as_ref().filter(|p| p.native);
            if let Some(poll) = native_poll {
                card.push_str("<ul class=\"poll\">");
                for option in &poll.options {
                    card.push_str(&format!("<li>{}</li>", esc(option)));
                }
                // As long as the network keeps it open (Threads: a day).
                card.push_str(&format!(
                    "</ul><p class=\"meta\">Poll open {}</p>",
                    duration_label(item.network.poll_seconds(poll.seconds))
                ));
            }
            match item
                .network
                .attachment(item.image.is_some(), native_poll.is_some())
            {
                Attachment::Image => card.push_str(&image_card(item)),
                Attachment::LinkCard => card.push_str(&link_card(item)),
                Attachment::Nothing => {}
            }
            card.push_str(&format!(
                "<footer><meter min=\"0\" max=\"{limit}\" value=\"{len}\" aria-label=\"Length\"></meter> <span class=\"{cls}\">{len} / {limit}</span>{when}<br><code>{id}</code></footer>",
                limit = item.limit,
                len = item.length,
                cls = if over { "over" } else { "ok" },
                when = item.not_before.as_deref().map(|d| format!(" · not before {}", esc(d))).unwrap_or_default(),
                id = esc(&item.id),
            ));
            let _ = percent;
            for warning in &item.warnings {
                card.push_str(&format!("<p class=\"warning\">⚠ {}</p>", esc(warning)));
            }
            card.push_str("</article>\n");
            body.push_str(&card);
        }
        body.push_str("</div></section>\n");
    }
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"robots\" content=\"noindex\">\n<title>Outreach preview · {title}</title>\n<style>{css}</style>\n</head>\n<body>\n<main>\n<h1>Outreach preview</h1>\n<p>{count} items for {title}. Nothing here has been posted; <code>rounds publish</code> sends what is due.</p>\n{body}</main>\n</body>\n</html>\n",
        title = esc(site_title),
        count = items.len(),
        css = CSS,
    )
}

const CSS: &str = "body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1c2126;background:#f3f6f9}\
main{max-width:80rem;margin:0 auto;padding:1rem}\
a{color:#0b57a4}\
.cards{display:grid;gap:1rem;grid-template-columns:repeat(auto-fill,minmax(min(100%,20rem),1fr))}\
.card{background:#fff;border-radius:.75rem;border-top:6px solid var(--accent);padding:.75rem 1rem;box-shadow:0 1px 3px #0002}\
.card header{font-size:.9rem;color:#4b5661}.network{font-weight:700;color:var(--accent)}\
.kind{background:#e9eef3;border-radius:1rem;padding:0 .5rem}.state{float:right}\
.text{white-space:pre-wrap;overflow-wrap:anywhere}\
.poll{list-style:none;padding:0}.poll li{border:1px solid #c9d1d9;border-radius:1rem;padding:.2rem .75rem;margin:.25rem 0}\
.link-card{margin:0;border:1px solid #c9d1d9;border-radius:.5rem;overflow:hidden}.link-card img{display:block;width:100%;max-height:10rem;object-fit:cover}\
.link-card figcaption{padding:.5rem;font-size:.9rem}\
a.link-card{display:block;color:inherit;text-decoration:none}\
.link-card .caption{display:flex;flex-direction:column;padding:.5rem;font-size:.9rem}.domain{color:#4b5661;text-transform:uppercase;font-size:.75rem}\
footer{font-size:.85rem;color:#4b5661;margin-top:.5rem}meter{width:8rem}.over{color:#a3123a;font-weight:700}\
.warning{color:#8a1c1c;font-size:.9rem;margin:.25rem 0}";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outreach::{Image, Network, Poll};
    use crate::publish::graph::sample_item;

    fn card(item: &OutreachItem) -> String {
        render("Clinic", std::slice::from_ref(item), |_| {
            "not yet posted".into()
        })
    }

    #[test]
    fn link_addresses_are_escaped_once() {
        assert_eq!(
            url("https://a.example/?x=1&y=2"),
            "https://a.example/?x=1&amp;y=2"
        );
    }

    #[test]
    fn facebook_shows_the_link_card_facebook_makes() {
        let mut item = sample_item(Network::Facebook, None);
        let html = card(&item);
        assert!(html.contains("--accent:#1877f2"), "{html}");
        assert!(html.contains("<a class=\"link-card\""), "{html}");
        assert!(
            html.contains("<span class=\"domain\">heart.example</span>"),
            "{html}"
        );
        assert!(
            html.contains("<strong>Blood pressure basics</strong>"),
            "{html}"
        );
        assert!(html.contains("What the numbers mean."), "{html}");
        item.image = Some(Image {
            url: "https://heart.example/images/pulse.png".into(),
            alt: Some("A cuff".into()),
            card: false,
        });
        let html = card(&item);
        assert!(
            html.contains("<img src=\"https://heart.example/images/pulse.png\" alt=\"A cuff\""),
            "{html}"
        );
    }

    #[test]
    fn threads_shows_a_poll_open_a_day_an_image_or_the_link_card() {
        let mut item = sample_item(Network::Threads, None);
        assert!(card(&item).contains("<a class=\"link-card\""));
        item.image = Some(Image {
            url: "https://heart.example/images/pulse.png".into(),
            alt: None,
            card: false,
        });
        let html = card(&item);
        assert!(html.contains("<figure class=\"link-card\"><img"), "{html}");
        assert!(!html.contains("<a class=\"link-card\""), "{html}");
        item.image = None;
        item.poll = Some(Poll {
            question: "How often?".into(),
            options: vec!["Daily".into(), "Weekly".into()],
            seconds: 3 * 86_400,
            native: true,
        });
        let html = card(&item);
        assert!(html.contains("<li>Daily</li><li>Weekly</li>"), "{html}");
        assert!(html.contains("Poll open 1 day"), "{html}");
        assert!(!html.contains("link-card\""), "{html}");
    }
}
