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

/// One `<select>` of the filters: "All" and each value with its count.
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
        select("network", "Network", "All", &networks, total),
        select("post", "Post", "All", &posts, total),
        select("kind", "Kind", "All", &kinds, total),
        select("state", "State", "All", &states, total),
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
mod tests {
    use super::*;
    use crate::outreach::{Image, Poll};
    use crate::publish::graph::sample_item;

    /// A site read from a temporary folder, as `rounds build` reads one.
    fn site(extra: &str) -> (tempfile::TempDir, Site) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.toml"),
            format!("title = \"Heart\"\nbase_url = \"https://heart.example\"\n\n[clinic]\nname = \"Riverside Heart\"\n{extra}"),
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        let site = crate::load::load(dir.path(), &Default::default()).expect("the site loads");
        (dir, site)
    }

    fn page(site: &Site, items: &[OutreachItem]) -> String {
        render(site, items, Utc::now(), "../public")
    }

    /// The one card of `html`.
    fn the_card(html: &str) -> &str {
        let start = html.find("<article").expect("a card");
        &html[start..html[start..].find("</article>").unwrap() + start]
    }

    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    #[test]
    fn every_network_label_meets_aa_with_white_text() {
        for network in Network::ALL {
            let ratio = 1.05 / (luminance(network.accent()) + 0.05);
            assert!(
                ratio >= 4.5,
                "{}'s label {} is {ratio:.2}:1 on white, under AA's 4.5:1",
                network.name(),
                network.accent()
            );
        }
        let clinic = 1.05 / (luminance(CLINIC_COLOUR) + 0.05);
        assert!(clinic >= 4.5, "the initials disc: {clinic:.2}:1");
    }

    #[test]
    fn facebook_and_linkedin_draw_the_big_card_with_the_domain() {
        let (_dir, site) = site("");
        for network in [Network::Facebook, Network::LinkedIn] {
            let mut item = sample_item(network, None);
            let html = page(&site, std::slice::from_ref(&item));
            let card = the_card(&html);
            assert!(
                card.contains(&format!("--accent:{}", network.accent())),
                "{card}"
            );
            assert!(
                card.contains(
                    "<a class=\"link-card\" href=\"https://heart.example/blog/bp/?utm_source="
                ),
                "{card}"
            );
            assert!(
                card.contains("<span class=\"domain\">heart.example</span>"),
                "{card}"
            );
            assert!(
                card.contains("<strong class=\"title\">Blood pressure basics</strong>"),
                "{card}"
            );
            assert!(card.contains("What the numbers mean."), "{card}");
            item.image = Some(Image {
                url: "https://heart.example/images/pulse.png".into(),
                alt: Some("A cuff".into()),
                card: false,
            });
            let html = page(&site, std::slice::from_ref(&item));
            // From this build's files, beside the preview.
            assert!(
                the_card(&html).contains("<a class=\"link-card with-image\" href=\"https://heart.example/blog/bp/?utm_source=")
                    && the_card(&html).contains("<img src=\"../public/images/pulse.png\" alt=\"A cuff\""),
                "{html}"
            );
        }
    }

    #[test]
    fn bluesky_mastodon_and_x_show_the_link_card_without_a_picture() {
        let (_dir, site) = site("");
        for network in [Network::Bluesky, Network::Mastodon, Network::X] {
            let mut item = sample_item(network, None);
            let html = page(&site, std::slice::from_ref(&item));
            assert!(
                the_card(&html).contains("<a class=\"link-card\""),
                "{network:?}: {html}"
            );
            item.image = Some(Image {
                url: "https://cdn.example/pulse.png".into(),
                alt: None,
                card: false,
            });
            let html = page(&site, std::slice::from_ref(&item));
            let card = the_card(&html);
            if network == Network::Bluesky {
                // The picture is the card's thumbnail.
                assert!(card.contains("<a class=\"link-card with-image\""), "{card}");
            } else {
                assert!(
                    card.contains(
                        "<figure class=\"media\"><img src=\"https://cdn.example/pulse.png\""
                    ),
                    "{card}"
                );
                assert!(!card.contains("link-card"), "{card}");
            }
        }
    }

    #[test]
    fn threads_draws_its_poll_alone_and_bluesky_asks_in_words() {
        let (_dir, site) = site("");
        let mut item = sample_item(Network::Threads, None);
        item.poll = Some(Poll {
            question: "How often?".into(),
            options: vec!["Daily".into(), "Weekly".into()],
            seconds: 3 * 86_400,
            native: true,
        });
        let html = page(&site, std::slice::from_ref(&item));
        let card = the_card(&html);
        assert!(
            card.contains("<ul><li>Daily</li><li>Weekly</li></ul>"),
            "{card}"
        );
        // Threads keeps a poll open a day.
        assert!(card.contains("0 votes · 1 day left"), "{card}");
        assert!(!card.contains("link-card"), "{card}");
        let mut words = sample_item(Network::Bluesky, None);
        words.poll = Some(Poll {
            native: false,
            ..item.poll.clone().unwrap()
        });
        let card = page(&site, &[words]);
        assert!(!the_card(&card).contains("class=\"poll\""), "{card}");
    }

    #[test]
    fn each_card_shows_the_clinic_s_account_on_its_network() {
        let (_dir, site) = site(
            "\n[networks.mastodon]\naccount = \"@heart@med.example\"\ninstance = \"https://med.example\"\n\n[networks.facebook]\naccount = \"Riverside Heart Page\"\nid = \"555010012345\"\n",
        );
        let mastodon = page(&site, &[sample_item(Network::Mastodon, None)]);
        let card = the_card(&mastodon);
        assert!(
            card.contains("<span class=\"avatar initials\" aria-hidden=\"true\">RH</span>"),
            "{card}"
        );
        assert!(card.contains("<strong class=\"name\">Riverside Heart</strong> <span class=\"handle\">@heart@med.example</span>"), "{card}");
        let facebook = page(&site, &[sample_item(Network::Facebook, None)]);
        assert!(
            the_card(&facebook)
                .contains("<strong class=\"name\">Riverside Heart Page</strong></span>"),
            "{facebook}"
        );
    }

    #[test]
    fn the_built_page_names_the_command_that_approves() {
        let (_dir, site) = site("\n[publish]\nrequire_approval = true\n");
        let html = page(&site, &[sample_item(Network::X, Some("2030-01-01"))]);
        let card = the_card(&html);
        assert!(card.contains("data-state=\"waiting\""), "{card}");
        assert!(
            card.contains("<code>rounds social approve blog/bp/teaser/x</code>"),
            "{card}"
        );
        assert!(card.contains("on or after 1 Jan 2030"), "{card}");
        assert!(
            !html.contains("<meta name=\"rounds-approve-token\""),
            "only `rounds serve` adds the token"
        );
        assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"));
    }

    #[test]
    fn pictures_load_from_this_build() {
        let (_dir, site) = site("");
        assert_eq!(
            local(&site, "../public", "https://heart.example/a/b.png"),
            "../public/a/b.png"
        );
        assert_eq!(
            local(&site, "", "https://heart.example/a/b.png"),
            "/a/b.png"
        );
        assert_eq!(
            local(&site, "../public", "https://heart.example.evil/b.png"),
            "https://heart.example.evil/b.png"
        );
        assert_eq!(initials("Riverside Heart & Vascular"), "RH");
        assert_eq!(initials("élan clinic"), "ÉC");
    }
}
