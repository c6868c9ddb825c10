//! One item as a card: the post as its network draws it (the clinic's
//! avatar, name and handle, the words, a native poll, the image or the link
//! card), then what the clinic needs to know (length against the limit,
//! where it stands, notes, how to approve it). The structure is the same for
//! every network; `preview.css` gives each its shape (`.net-<key>`), so a new
//! network gets a card without a change here.

use chrono::{DateTime, Utc};

use super::Context;
use super::html::{esc, url};
use super::state::{Standing, State, approvable};
use crate::network::Attachment;
use crate::outreach::OutreachItem;

/// The card of `item`, the `n`th on the page.
pub fn card(item: &OutreachItem, n: usize, standing: &Standing, context: &Context) -> String {
    let network = item.network;
    let native_poll = item.poll.as_ref().filter(|p| p.native);
    let attachment = match network.attachment(item.image.is_some(), native_poll.is_some()) {
        Attachment::Image => image(item, context),
        Attachment::LinkCard => link_card(item, context),
        Attachment::Nothing => String::new(),
    };
    format!(
        "<article class=\"card net-{key}\" id=\"{id}\" data-id=\"{id}\" data-network=\"{key}\" data-post=\"{post}\" data-kind=\"{kind}\" data-state=\"{state}\" data-due=\"{due}\" data-length=\"{length}\" data-limit=\"{limit}\" style=\"--accent:{accent}\" aria-labelledby=\"t{n}\">\n\
<header class=\"card-head\"><h4 id=\"t{n}\"><span class=\"badge\">{name}</span> <span class=\"kind\">{kind}</span></h4> <span class=\"state\">{label}</span></header>\n\
<div class=\"mock\">\n{who}\n<p class=\"text\">{text}</p>\n{poll}{attachment}{actions}</div>\n{facts}</article>\n",
        key = network.key(),
        id = esc(&item.id),
        post = esc(&super::post_key(item)),
        kind = item.kind.label(),
        state = standing.state.key(),
        label = standing.state.label(),
        due = super::due(item)
            .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .unwrap_or_default(),
        length = item.length,
        limit = item.limit,
        accent = network.accent(),
        name = network.name(),
        who = who(item, context),
        text = super::text::shown(item),
        poll = native_poll
            .map(|p| poll(&p.options, network.poll_seconds(p.seconds)))
            .unwrap_or_default(),
        actions = ACTIONS,
        facts = facts(item, standing, context),
    )
}

/// Reply, repost, like, share: drawn, not working.
const ACTIONS: &str = "<div class=\"actions\" aria-hidden=\"true\"><svg><use href=\"#i-reply\"/></svg><svg><use href=\"#i-repost\"/></svg><svg><use href=\"#i-like\"/></svg><svg><use href=\"#i-share\"/></svg></div>\n";

/// The clinic's avatar, name and handle on this network, and the day it goes out.
fn who(item: &OutreachItem, context: &Context) -> String {
    let clinic = &context.clinic;
    let avatar = match &clinic.logo {
        Some(logo) => format!("<img class=\"avatar\" src=\"{}\" alt=\"\">", url(logo)),
        None => format!(
            "<span class=\"avatar initials\" aria-hidden=\"true\">{}</span>",
            esc(&clinic.initials)
        ),
    };
    let account = context.account(item.network);
    // An account with spaces is a page's name (LinkedIn, Facebook).
    let (name, handle) = match account {
        Some(a) if a.contains(' ') => (a.to_string(), None),
        Some(a) => (
            clinic.name.clone(),
            Some(format!("@{}", a.trim_start_matches('@'))),
        ),
        None => (clinic.name.clone(), None),
    };
    let when = super::due(item)
        .map(|d| d.format("%-d %b %Y").to_string())
        .unwrap_or_else(|| "now".into());
    format!(
        "<div class=\"who\">{avatar}<span class=\"names\"><strong class=\"name\">{}</strong>{}</span><span class=\"when\">{when}</span></div>",
        esc(&name),
        handle
            .map(|h| format!(" <span class=\"handle\">{}</span>", esc(&h)))
            .unwrap_or_default(),
    )
}

/// A native poll before anyone has voted.
fn poll(options: &[String], seconds: u64) -> String {
    let options: String = options
        .iter()
        .map(|o| format!("<li>{}</li>", esc(o)))
        .collect();
    format!(
        "<div class=\"poll\"><ul>{options}</ul><p class=\"poll-meta\">0 votes · {} left</p></div>\n",
        duration_label(seconds)
    )
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

/// The item's own image, as the network shows an attached picture.
fn image(item: &OutreachItem, context: &Context) -> String {
    let Some(image) = &item.image else {
        return String::new();
    };
    format!(
        "<figure class=\"media\"><img src=\"{}\" alt=\"{}\" loading=\"lazy\"></figure>\n",
        url(&context.local(&image.url)),
        esc(image.alt.as_deref().unwrap_or_default())
    )
}

/// `riversideheart.example`: the link back's host, as cards name it.
fn domain(link: &str) -> String {
    url::Url::parse(link)
        .ok()
        .and_then(|u| {
            u.host_str()
                .map(|h| h.trim_start_matches("www.").to_string())
        })
        .unwrap_or_default()
}

/// The card a network makes from the linked page's Open Graph tags: its
/// image, domain, title and description, leading to the tracked address.
fn link_card(item: &OutreachItem, context: &Context) -> String {
    let image = item
        .image
        .as_ref()
        .map(|i| {
            format!(
                "<img src=\"{}\" alt=\"{}\" loading=\"lazy\">",
                url(&context.local(&i.url)),
                esc(i.alt.as_deref().unwrap_or_default())
            )
        })
        .unwrap_or_default();
    format!(
        "<a class=\"link-card{wide}\" href=\"{href}\">{image}<span class=\"caption\"><span class=\"domain\">{domain}</span><strong class=\"title\">{title}</strong>{description}</span></a>\n",
        wide = if image.is_empty() { "" } else { " with-image" },
        href = url(&item.link),
        domain = esc(&domain(&item.link)),
        title = esc(&item.title),
        description = item
            .description
            .as_deref()
            .map(|d| format!("<span class=\"description\">{}</span>", esc(d)))
            .unwrap_or_default(),
    )
}

/// Length, state, notes and the approval, under the post.
fn facts(item: &OutreachItem, standing: &Standing, context: &Context) -> String {
    let over = item.length.saturating_sub(item.limit);
    let length = format!(
        "<p class=\"length\"><meter min=\"0\" max=\"{limit}\" value=\"{len}\" aria-label=\"Length\"></meter> <span class=\"{cls}\">{len} of {limit}</span> characters{too}</p>",
        limit = item.limit,
        len = item.length,
        cls = if over > 0 { "over" } else { "ok" },
        too = if over > 0 {
            format!(": <strong class=\"over\">{over} too many</strong>")
        } else {
            String::new()
        },
    );
    let notes = if item.warnings.is_empty() {
        String::new()
    } else {
        let notes: String = item
            .warnings
            .iter()
            .map(|w| format!("<li>{}</li>", esc(w)))
            .collect();
        format!("<ul class=\"notes\" aria-label=\"Notes\">{notes}</ul>")
    };
    format!(
        "<div class=\"facts\">{length}<p class=\"standing\">{}</p>{notes}{}</div>\n",
        where_it_stands(item, standing),
        approval(item, standing, context.require_approval),
    )
}

/// "5 Jan 2026", with the time when it has one.
fn day(instant: DateTime<Utc>) -> String {
    if instant.format("%H:%M:%S").to_string() == "00:00:00" {
        instant.format("%-d %b %Y").to_string()
    } else {
        instant.format("%-d %b %Y, %H:%M UTC").to_string()
    }
}

/// What happens next, in words.
fn where_it_stands(item: &OutreachItem, standing: &Standing) -> String {
    let when = match standing.later {
        Some(later) => format!("on or after {}", day(later)),
        None => "with the next <code>rounds publish</code>".into(),
    };
    let at = standing
        .record
        .and_then(|r| r.at)
        .map(|at| format!(" {}", day(at)))
        .unwrap_or_default();
    match standing.state {
        State::Waiting => format!("Waiting for approval; then it goes out {when}."),
        State::Approved if standing.approved_in_post => {
            format!("Approved in the post (<code>approved = true</code>); it goes out {when}.")
        }
        State::Approved => format!("Approved{at}; it goes out {when}."),
        State::Due => match standing.later {
            Some(later) => format!(
                "Due: the next <code>rounds publish</code> hands it to {}, which publishes it on {}.",
                item.network.name(),
                day(later)
            ),
            None => "Due: the next <code>rounds publish</code> sends it.".into(),
        },
        State::Scheduled => format!("Scheduled: it goes out {when}."),
        State::Sending => format!(
            "Being sent: a <code>rounds publish</code> run began sending it{at}; the next run checks {} before sending again.",
            item.network.name()
        ),
        State::Failed => format!(
            "Failed{at}: {}. The next <code>rounds publish</code> tries again.",
            esc(standing
                .record
                .and_then(|r| r.error.as_deref())
                .unwrap_or("no reason was recorded")
                .trim_end_matches('.'))
        ),
        State::Posted if standing.record.is_some_and(|r| item.differs_from(r)) => format!(
            "Posted{at}, and changed since: the copy on {} still says what was sent. <details class=\"drift\"><summary>As posted</summary><p>{}</p></details>",
            item.network.name(),
            esc(standing
                .record
                .and_then(|r| r.sent_text.as_deref())
                .unwrap_or("(not recorded)"))
        ),
        State::Posted => format!(
            "Posted{at}.{}",
            standing
                .record
                .and_then(|r| r.url.as_deref())
                .map(|u| format!(
                    " <a href=\"{}\">See it on {}</a>",
                    url(u),
                    item.network.name()
                ))
                .unwrap_or_default()
        ),
    }
}

/// How to approve it, or withdraw its approval: the command, which the
/// page's script turns into a button under `rounds serve`.
fn approval(item: &OutreachItem, standing: &Standing, require_approval: bool) -> String {
    let id = esc(&item.id);
    match approvable(standing, require_approval) {
        Some(action) => {
            let command = if action == "approve" {
                "approve"
            } else {
                "unapprove"
            };
            let verb = if action == "approve" {
                "approve it"
            } else {
                "withdraw the approval"
            };
            format!(
                "<p class=\"approve-box\" data-approvable=\"{action}\">To {verb}, run <code>rounds social {command} {id}</code></p>"
            )
        }
        None => format!("<p class=\"item-id\"><code>{id}</code></p>"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(duration_label(86_400), "1 day");
        assert_eq!(duration_label(3 * 86_400), "3 days");
        assert_eq!(duration_label(90_000), "25 hours");
        assert_eq!(duration_label(1_800), "30 minutes");
    }

    #[test]
    fn cards_name_the_link_s_host() {
        assert_eq!(
            domain("https://www.heart.example/blog/?utm=1"),
            "heart.example"
        );
        assert_eq!(domain("not a link"), "");
    }
}
