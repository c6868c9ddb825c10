//! `outreach/index.html` (and `/_outreach/` under `rounds serve`): every
//! item as a card that looks like its network, in the order they are due,
//! with a count per state and filters, before anything is sent. Its links
//! and lengths are those `rounds publish` sends: the items link to the
//! published site even when the pages of this build link elsewhere.
//!
//! `card` draws one item, `text` its words, `state` where it stands;
//! `preview.css` gives each network its look and `preview.js` the filters
//! and, under `rounds serve` only, the approve buttons. Everything is inline:
//! the page loads nothing from another host.

mod card;
mod html;
pub mod state;
mod text;

use chrono::{DateTime, Utc};

use crate::load::Site;
use crate::network::Network;
use crate::outreach::{ItemKind, OutreachItem};
use html::{esc, url};
use state::{Standing, State};

/// The preview's styles: the page, then each network's look.
const CSS: &str = include_str!("preview.css");
/// Filters, counts and (under `rounds serve`) approvals.
const SCRIPT: &str = include_str!("preview.js");

/// The clinic's initials disc when config.toml names no logo: the clinic
/// theme's accent, which holds AA contrast with white initials.
const CLINIC_COLOUR: &str = "#a3123a";

/// The clinic as its accounts show it.
struct Clinic {
    name: String,
    initials: String,
    /// `[clinic] logo`, as the page loads it.
    logo: Option<String>,
}

/// What every card needs besides its item.
struct Context<'a> {
    site: &'a Site,
    clinic: Clinic,
    require_approval: bool,
    /// Where this build's files are, seen from the page.
    local_files: &'a str,
}

impl Context<'_> {
    /// The clinic's account on `network`, from `[networks.*]`.
    fn account(&self, network: Network) -> Option<&str> {
        self.site
            .outreach
            .networks
            .get(&network)
            .and_then(|n| n.account.as_deref())
            .map(str::trim)
            .filter(|a| !a.is_empty())
    }

    fn local(&self, address: &str) -> String {
        local(self.site, self.local_files, address)
    }
}

/// An image of the published site as the page loads it: from this build's
/// files, so a picture not yet deployed still shows.
fn local(site: &Site, local_files: &str, address: &str) -> String {
    match address.strip_prefix(site.config.published_base()) {
        Some(path) if path.starts_with('/') => format!("{local_files}{path}"),
        _ => address.to_string(),
    }
}

/// "RH" for "Riverside Heart & Vascular".
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next().filter(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// The post an item comes from, as the filter names it.
fn post_key(item: &OutreachItem) -> String {
    item.post.clone().unwrap_or_else(|| item.post_url.clone())
}

/// When the item may go out.
fn due(item: &OutreachItem) -> Option<DateTime<Utc>> {
    item.not_before
        .as_deref()
        .and_then(crate::content::Date::parse)
        .map(|d| d.instant().with_timezone(&Utc))
}

/// The page for `items` as they stand at `now`. `local_files` is where the
/// files of this build are from the page (`../public`, or the address
/// `rounds serve` serves them at): pictures load from there.
pub fn render(
    site: &Site,
    items: &[OutreachItem],
    now: DateTime<Utc>,
    local_files: &str,
) -> String {
    let require_approval = site.outreach.publish.require_approval;
    let name = site.config.clinic_name();
    let logo = site.config.clinic.logo.as_deref().map(|logo| {
        local(
            site,
            local_files,
            &crate::config::published_image_url(&site.config, "/", logo),
        )
    });
    let context = Context {
        site,
        clinic: Clinic {
            name: name.to_string(),
            initials: initials(name),
            logo,
        },
        require_approval,
        local_files,
    };
    let mut order: Vec<(&OutreachItem, Standing)> = items
        .iter()
        .map(|item| {
            (
                item,
                state::standing(item, &site.ledger, require_approval, now),
            )
        })
        .collect();
    order.sort_by_key(|(item, _)| {
        (
            due(item),
            post_key(item),
            Network::ALL.iter().position(|n| *n == item.network),
            item.kind as usize,
        )
    });
    let body = if items.is_empty() {
        empty(site)
    } else {
        format!(
            "{}\n<main id=\"items\">\n{}</main>\n",
            top(&context, &order),
            groups(&context, &order)
        )
    };
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"robots\" content=\"noindex\">\n<meta name=\"color-scheme\" content=\"light dark\">\n<title>Outreach preview · {title}</title>\n<style>{CSS}:root{{--clinic:{CLINIC_COLOUR}}}</style>\n</head>\n<body>\n<a class=\"skip\" href=\"#items\">Skip to the items</a>\n{ICONS}\n{body}<script>{SCRIPT}</script>\n</body>\n</html>\n",
        title = esc(&site.config.title),
    )
}

/// The page's heading, what it shows, the count per state and the filters.
fn top(context: &Context, order: &[(&OutreachItem, Standing)]) -> String {
    let site = context.site;
    let networks: Vec<String> = site
        .outreach
        .enabled()
        .map(|(network, _)| network.name().to_string())
        .collect();
    let approval = if context.require_approval {
        "Approval is on (<code>[publish] require_approval = true</code>): <code>rounds publish</code> sends only approved items. Approve them here under <code>rounds serve</code>, or with <code>rounds social approve</code>."
    } else {
        "Approval is off: <code>rounds publish</code> sends each item when it is due."
    };
    format!(
        "<header class=\"top\">\n<h1>Outreach preview</h1>\n<p class=\"lede\">{count} items for {clinic} on {networks}, in the order they are due. Each link and length is what <code>rounds publish</code> sends: links lead to <a href=\"{base}/\">{base_text}</a>.</p>\n<p class=\"lede\">{approval}</p>\n{off}{tally}\n{filters}\n</header>",
        count = order.len(),
        clinic = esc(&context.clinic.name),
        networks = listed(&networks),
        base = url(site.config.published_base()),
        base_text = esc(site.config.published_base()),
        off = turned_off(site),
        tally = tally(order),
        filters = filters(order),
    )
}

/// "Mastodon, Bluesky and X".
fn listed(names: &[String]) -> String {
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

/// Networks set up with `enabled = false`, named so nobody wonders where they went.
fn turned_off(site: &Site) -> String {
    site.outreach
        .networks
        .iter()
        .filter(|(_, s)| !s.enabled)
        .map(|(network, _)| {
            format!(
                "<p class=\"lede\">{} is set up but turned off (<code>enabled = false</code> under <code>[networks.{}]</code> in config.toml): remove that line to post there.</p>\n",
                network.name(),
                network.key()
            )
        })
        .collect()
}

/// How many items are in each state, each a way to show only those.
fn tally(order: &[(&OutreachItem, Standing)]) -> String {
    let entries: String = State::ALL
        .iter()
        .map(|state| {
            let count = order.iter().filter(|(_, s)| s.state == *state).count();
            format!(
                "<li data-state=\"{key}\" data-count=\"{count}\"{hidden}><a href=\"?state={key}\"><strong>{count}</strong> {label}</a></li>",
                key = state.key(),
                label = state.label(),
                hidden = if count == 0 { " hidden" } else { "" },
            )
        })
        .collect();
    format!("<ul class=\"tally\" aria-label=\"Items by state\">{entries}</ul>")
}

/// One `<select>` of the filters: "every …" and each value with its count.
fn select(
    name: &str,
    label: &str,
    every: &str,
    values: &[(String, String, usize)],
    total: usize,
) -> String {
    let options: String = values
        .iter()
        .map(|(value, text, count)| {
            format!(
                "<option value=\"{}\" data-label=\"{}\">{} ({count})</option>",
                esc(value),
                esc(text),
                esc(text)
            )
        })
        .collect();
    format!(
        "<p><label for=\"f-{name}\">{label}</label> <select id=\"f-{name}\" name=\"{name}\"><option value=\"\">{every} ({total})</option>{options}</select></p>"
    )
}

/// Counts of each value of `key` in `order`, in the order first met.
fn values(
    order: &[(&OutreachItem, Standing)],
    key: impl Fn(&OutreachItem, &Standing) -> (String, String),
) -> Vec<(String, String, usize)> {
    let mut out: Vec<(String, String, usize)> = Vec::new();
    for (item, standing) in order {
        let (value, text) = key(item, standing);
        match out.iter_mut().find(|(v, _, _)| *v == value) {
            Some(entry) => entry.2 += 1,
            None => out.push((value, text, 1)),
        }
    }
    out
}

/// The filters, hidden until the script shows them: without it, every card shows.
fn filters(order: &[(&OutreachItem, Standing)]) -> String {
    let total = order.len();
    let mut networks = values(order, |i, _| {
        (i.network.key().into(), i.network.name().into())
    });
    networks.sort_by_key(|(key, _, _)| Network::ALL.iter().position(|n| n.key() == key));
    let posts = values(order, |i, _| (post_key(i), i.title.clone()));
    let mut kinds = values(order, |i, _| (i.kind.label().into(), i.kind.label().into()));
    kinds.sort_by_key(|(key, _, _)| kind_order(key));
    // Every state, so one an approval brings is there to choose.
    let states: Vec<(String, String, usize)> = State::ALL
        .iter()
        .map(|state| {
            let count = order.iter().filter(|(_, s)| s.state == *state).count();
            (state.key().into(), state.label().into(), count)
        })
        .collect();
    format!(
        "<form id=\"filters\" class=\"filters\" aria-label=\"Show only\" hidden>\n{}{}{}{}<p><button type=\"reset\">Show all</button></p>\n<p id=\"shown\" role=\"status\">Showing {total} of {total} items</p>\n</form>",
        select("network", "Network", "Every network", &networks, total),
        select("post", "Post", "Every post", &posts, total),
        select("kind", "Kind", "Every kind", &kinds, total),
        select("state", "State", "Every state", &states, total),
    )
}

fn kind_order(label: &str) -> usize {
    [
        ItemKind::Teaser,
        ItemKind::Poll,
        ItemKind::Discussion,
        ItemKind::Shoutout,
        ItemKind::Award,
        ItemKind::Recommend,
        ItemKind::PhysicianArticle,
    ]
    .iter()
    .position(|k| k.label() == label)
    .unwrap_or(usize::MAX)
}

/// The cards under a heading per day they are due, and per post within it.
fn groups(context: &Context, order: &[(&OutreachItem, Standing)]) -> String {
    let mut out = String::new();
    let mut day: Option<String> = None;
    let mut post: Option<String> = None;
    for (n, (item, standing)) in order.iter().enumerate() {
        let this_day = item
            .not_before
            .as_deref()
            .and_then(crate::content::Date::parse)
            .map(|d| d.day().format("%A %-d %B %Y").to_string())
            .unwrap_or_else(|| "Whenever rounds publish runs".into());
        let this_post = post_key(item);
        if day.as_ref() != Some(&this_day) {
            if day.is_some() {
                out.push_str("</div></section>\n</section>\n");
            }
            out.push_str(&format!(
                "<section class=\"day\">\n<h2>{}</h2>\n",
                esc(&this_day)
            ));
            day = Some(this_day);
            post = None;
        }
        if post.as_ref() != Some(&this_post) {
            if post.is_some() {
                out.push_str("</div></section>\n");
            }
            out.push_str(&format!(
                "<section class=\"post\">\n<h3><a href=\"{}\">{}</a></h3>\n<div class=\"cards\">\n",
                url(&item.post_url),
                esc(&item.title)
            ));
            post = Some(this_post);
        }
        out.push_str(&card::card(item, n, standing, context));
    }
    if day.is_some() {
        out.push_str("</div></section>\n</section>\n");
    }
    out
}

/// A preview with nothing in it says why, and how to change that.
fn empty(site: &Site) -> String {
    let on: Vec<String> = site
        .outreach
        .enabled()
        .map(|(n, _)| n.name().to_string())
        .collect();
    let why = if on.is_empty() {
        format!(
            "<h2>No network is turned on</h2>\n<p>Rounds writes posts for {}, but config.toml turns none of them on, so there is nothing to preview. A new site has them commented out: remove the <code>#</code> before a network's lines in config.toml, or add its table, for example:</p>\n<pre><code>[networks.mastodon]\ninstance = \"https://mastodon.example\"\naccount = \"@clinic@mastodon.example\"</code></pre>\n<p>Then build again (<code>rounds serve</code> follows the change by itself). The README's outreach section lists every network's settings.</p>",
            listed(
                &Network::ALL
                    .iter()
                    .map(|n| n.name().to_string())
                    .collect::<Vec<_>>()
            )
        )
    } else {
        format!(
            "<h2>No items yet</h2>\n<p>{} {} turned on, but no post gives them anything to post: drafts wait until they are published (<code>rounds serve --drafts</code> shows them), and a post with <code>[social] skip = true</code> has no outreach.</p>",
            listed(&on),
            if on.len() == 1 { "is" } else { "are" }
        )
    };
    format!(
        "<header class=\"top\">\n<h1>Outreach preview</h1>\n<p class=\"lede\">0 items for {}.</p>\n{}</header>\n<main id=\"items\" class=\"empty\">\n{why}\n</main>\n",
        esc(site.config.clinic_name()),
        turned_off(site)
    )
}

/// The drawn icons of the cards' action rows, once per page.
const ICONS: &str = "<svg class=\"sprite\" aria-hidden=\"true\" focusable=\"false\">\
<symbol id=\"i-reply\" viewBox=\"0 0 24 24\"><path d=\"M4 5h16v11H9l-5 4z\"/></symbol>\
<symbol id=\"i-repost\" viewBox=\"0 0 24 24\"><path d=\"M4 10V7h13l-3-3M20 14v3H7l3 3\"/></symbol>\
<symbol id=\"i-like\" viewBox=\"0 0 24 24\"><path d=\"M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10z\"/></symbol>\
<symbol id=\"i-share\" viewBox=\"0 0 24 24\"><path d=\"M12 15V3M7 8l5-5 5 5M5 13v7h14v-7\"/></symbol>\
</svg>";

#[cfg(test)]
mod tests;
