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
        });
        let html = page(&site, std::slice::from_ref(&item));
        let card = the_card(&html);
        if network == Network::Bluesky {
            // The picture is the card's thumbnail.
            assert!(card.contains("<a class=\"link-card with-image\""), "{card}");
        } else {
            assert!(
                card.contains("<figure class=\"media\"><img src=\"https://cdn.example/pulse.png\""),
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
        the_card(&facebook).contains("<strong class=\"name\">Riverside Heart Page</strong></span>"),
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
