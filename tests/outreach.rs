//! Outreach from posts: the items for the example site (snapshot), what each
//! kind of post yields, and clear errors for bad `[social]` and `[physicians]`.

use std::path::Path;

use crate::common::{Fixture, post, rounds, stderr};
use serde_json::Value;

const NETWORKS: &str = r#"
[networks.mastodon]
account = "@clinic@med.example"
[networks.bluesky]
account = "clinic.bsky.social"
[networks.x]
account = "@clinic"
[networks.linkedin]
account = "Clinic"
reach = "both"
"#;

/// 2026-11-01, so recurring items get the same id on every run.
const FIXED_DAY: &str = "1793491200";

fn social_json(root: &Path, args: &[&str]) -> Value {
    let out = rounds()
        .env("SOURCE_DATE_EPOCH", FIXED_DAY)
        .args(["social", "--format", "json", "--root"])
        .arg(root)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn example_site_outreach_snapshot() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
    let json = social_json(&root, &[]);
    let items = json["items"].as_array().unwrap();
    let mut text = String::new();
    for item in items {
        text.push_str(&format!(
            "── {} [{} / {}, {}/{}]\n{}\n",
            item["id"].as_str().unwrap(),
            item["network"].as_str().unwrap(),
            item["kind"].as_str().unwrap(),
            item["length"],
            item["limit"],
            item["text"].as_str().unwrap()
        ));
        if let Some(poll) = item["poll"].as_object() {
            text.push_str(&format!(
                "   poll: {} native={}\n",
                poll["options"], poll["native"]
            ));
        }
    }
    insta::assert_snapshot!("example_site_outreach", text);
    // Every kind of item the issue asks for is there.
    for kind in [
        "teaser",
        "poll",
        "discussion",
        "shoutout",
        "award",
        "recommend",
        "physician-article",
    ] {
        assert!(items.iter().any(|i| i["kind"] == kind), "no {kind} item");
    }
}

fn site(extra_config: &str, files: &[(&str, &str)]) -> Fixture {
    let fixture = Fixture::new(files);
    fixture.write(
        "config.toml",
        &format!("{}{NETWORKS}{extra_config}", crate::common::CONFIG),
    );
    fixture.write(
        "data/partners.toml",
        "[gym]\nname = \"Riverside Gym\"\nmastodon = \"@gym@fit.example\"\nbluesky = \"riversidegym.bsky.social\"\nlinkedin = \"urn:li:organization:42\"\n\n[market]\nname = \"Farmers Market\"\n",
    );
    fixture.write("data/services.toml", "[lipid]\nname = \"Lipid panel\"\nspecimen = \"Serum\"\nturnaround = \"1 day\"\ncpt = \"80061\"\n");
    fixture
}

fn items_for<'a>(json: &'a Value, network: &str) -> Vec<&'a Value> {
    json["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["network"] == network)
        .collect()
}

#[test]
fn a_partner_post_names_each_network_handle() {
    let fixture = site(
        "",
        &[(
            "content/blog/gym.md",
            &post(
                "Our new gym partner",
                "date = 2026-05-01\nkind = \"partner\"\ntags = [\"move more\"]\n[social]\nteaser = \"Free classes this month.\"\nmentions = [\"gym\", \"market\"]",
                "Body.",
            ),
        )],
    );
    let json = social_json(fixture.root(), &[]);
    let mastodon = items_for(&json, "mastodon");
    assert_eq!(mastodon[0]["kind"], "shoutout");
    let text = mastodon[0]["text"].as_str().unwrap();
    assert!(text.contains("@gym@fit.example"), "{text}");
    assert!(
        text.contains("Farmers Market"),
        "a partner without a handle is named: {text}"
    );
    assert!(text.contains(
        "https://heart.example/blog/gym/?utm_source=mastodon&utm_medium=social&utm_campaign=gym"
    ));
    assert!(text.contains("#MoveMore"));
    let bluesky = items_for(&json, "bluesky");
    assert!(
        bluesky[0]["text"]
            .as_str()
            .unwrap()
            .contains("@riversidegym.bsky.social")
    );
    let linkedin = items_for(&json, "linkedin")[0]["text"].as_str().unwrap();
    assert!(
        linkedin.contains("@[Riverside Gym](urn:li:organization:42)"),
        "mentioned by its URN on LinkedIn: {linkedin}"
    );
    assert!(linkedin.contains("Farmers Market"), "{linkedin}");
}

#[test]
fn polls_are_native_where_a_network_has_them_and_numbered_text_elsewhere() {
    let fixture = site(
        "",
        &[(
            "content/blog/salt.md",
            &post(
                "Salt poll",
                "date = 2026-05-01\n[[social.poll]]\nquestion = \"How often do you check labels?\"\noptions = [\"Always\", \"Sometimes\", \"Never\"]\nduration = \"2d\"\n[[social.poll]]\nquestion = \"Which day suits a label-reading class?\"\noptions = [\"Tuesday\", \"Saturday\"]\nabout_health = false",
                "Body.",
            ),
        )],
    );
    let out = rounds()
        .args(["social", "--format", "json", "--root"])
        .arg(fixture.root())
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let poll = |network: &str| {
        items_for(&json, network)
            .into_iter()
            .find(|i| i["kind"] == "poll")
            .cloned()
    };
    let mastodon = poll("mastodon").unwrap();
    assert_eq!(mastodon["poll"]["native"], true);
    assert_eq!(mastodon["poll"]["seconds"], 172_800);
    let bluesky = poll("bluesky").unwrap();
    assert_eq!(bluesky["poll"]["native"], false);
    assert!(
        bluesky["text"]
            .as_str()
            .unwrap()
            .contains("1. Always\n2. Sometimes\n3. Never")
    );
    // A poll is about health unless it says otherwise: LinkedIn gets only
    // the one marked `about_health = false`.
    let linkedin: Vec<&Value> = items_for(&json, "linkedin")
        .into_iter()
        .filter(|i| i["kind"] == "poll")
        .collect();
    assert_eq!(linkedin.len(), 1, "{linkedin:#?}");
    assert_eq!(
        linkedin[0]["poll"]["question"],
        "Which day suits a label-reading class?"
    );
    // Said once, as what is held back, not as a warning on every check.
    let held = json["held_back"].as_array().expect("held_back");
    assert_eq!(held.len(), 1, "{held:#?}");
    assert_eq!(held[0]["id"], "blog/salt/poll-1/linkedin");
    assert_eq!(held[0]["why"], "health-poll");
    let warnings = json["diagnostics"].to_string();
    assert!(!warnings.contains("poll-health"), "{warnings}");
    let human = rounds()
        .args(["social", "--root"])
        .arg(fixture.root())
        .output()
        .unwrap();
    let said = stderr(&human);
    assert_eq!(
        said.matches("LinkedIn does not allow polls about health")
            .count(),
        1,
        "{said}"
    );
}

#[test]
fn physician_posts_get_a_page_a_linkedin_text_a_newsletter_and_a_feed() {
    let fixture = site(
        "",
        &[
            (
                "content/for-physicians/_index.md",
                "+++\ntitle = \"For physicians\"\naudience = \"physicians\"\n+++\n",
            ),
            (
                "content/blog/cholesterol.md",
                &post(
                    "Know your cholesterol",
                    "date = 2026-05-01\nreviewed_by = \"patel\"\n[physicians]\ntitle = \"Lipid testing for your patients\"\nsummary = \"When to order a lipid panel.\"\ntests = [\"lipid\"]",
                    "Body.",
                ),
            ),
        ],
    );
    fixture.build_ok();
    let page = fixture.read("for-physicians/cholesterol/index.html");
    assert!(page.contains("Lipid testing for your patients"));
    assert!(page.contains("80061"), "test menu with the CPT code");
    assert!(
        page.contains("https://heart.example/blog/cholesterol/"),
        "a link to the patient post"
    );
    assert!(page.contains("Refer a patient"));
    let feed = rss::Channel::read_from(fixture.read("for-physicians/rss.xml").as_bytes()).unwrap();
    assert_eq!(
        feed.items()[0].link(),
        Some("https://heart.example/for-physicians/cholesterol/")
    );
    let outreach = std::fs::read_to_string(fixture.root().join("outreach/outreach.json")).unwrap();
    let json: Value = serde_json::from_str(&outreach).unwrap();
    let linkedin: Vec<_> = items_for(&json, "linkedin")
        .into_iter()
        .filter(|i| i["kind"] == "physician-article")
        .collect();
    assert_eq!(linkedin.len(), 1);
    assert!(
        linkedin[0]["text"]
            .as_str()
            .unwrap()
            .contains("Lipid panel: CPT 80061 · serum · results 1 day")
    );
    assert!(
        items_for(&json, "mastodon")
            .iter()
            .all(|i| i["kind"] != "physician-article"),
        "physician items stay off public networks"
    );
    let letter =
        std::fs::read_to_string(fixture.root().join("outreach/newsletter/cholesterol.html"))
            .unwrap();
    assert!(letter.contains("<table role=\"presentation\"") && letter.contains("style=\""));
    assert!(
        std::fs::read_to_string(fixture.root().join("outreach/index.html"))
            .unwrap()
            .contains("blog/cholesterol/teaser/mastodon")
    );
    assert!(
        !fixture.exists("outreach"),
        "outreach is never inside the deployed site"
    );
}

#[test]
fn skipped_and_draft_posts_yield_nothing() {
    let fixture = site(
        "",
        &[
            (
                "content/blog/quiet.md",
                &post("Quiet", "date = 2026-05-01\n[social]\nskip = true", "Body."),
            ),
            (
                "content/blog/draft.md",
                &post("Draft", "date = 2026-05-01\ndraft = true", "Body."),
            ),
        ],
    );
    let json = social_json(fixture.root(), &[]);
    assert_eq!(json["items"].as_array().unwrap().len(), 0, "{json:#}");
}

/// A build that must fail with every `expected` text in its messages.
fn fails(fixture: &Fixture, expected: &[&str]) {
    let out = fixture.build(&[]);
    let message = stderr(&out);
    assert!(!out.status.success(), "should fail:\n{message}");
    for text in expected {
        assert!(message.contains(text), "expected {text:?} in:\n{message}");
    }
}

#[test]
fn a_poll_option_too_long_for_a_network_is_an_error_at_its_line() {
    let fixture = site(
        "",
        &[(
            "content/blog/poll.md",
            &post(
                "Poll",
                "[[social.poll]]\nquestion = \"Which?\"\noptions = [\"Short\", \"An option far longer than twenty-five characters\"]",
                "Body.",
            ),
        )],
    );
    fails(&fixture, &["content/blog/poll.md:5:", "X allows 25"]);
}

#[test]
fn bad_poll_shapes_are_errors() {
    let fixture = site(
        "",
        &[(
            "content/blog/poll.md",
            &post(
                "Poll",
                "[[social.poll]]\nquestion = \"Pick one\"\noptions = [\"Only\"]\nduration = \"soonish\"",
                "Body.",
            ),
        )],
    );
    fails(
        &fixture,
        &[
            "content/blog/poll.md:4:",
            "2 to 4 options",
            "content/blog/poll.md:6:",
            "`soonish`",
        ],
    );
}

#[test]
fn misspelt_social_and_physician_keys_are_named() {
    let fixture = site(
        "",
        &[(
            "content/blog/typo.md",
            &post(
                "Typo",
                "[social]\nteasr = \"Hi\"\n[physicians]\nsumary = \"x\"",
                "Body.",
            ),
        )],
    );
    fails(
        &fixture,
        &[
            "content/blog/typo.md:4:1",
            "did you mean `teaser`?",
            "content/blog/typo.md:6:1",
            "did you mean `summary`?",
        ],
    );
}

#[test]
fn unknown_networks_and_settings_in_config_are_named() {
    let fixture = site(
        "\n[networks.mastadon]\naccount = \"x\"\n\n[social]\nutm = \"yes\"\n",
        &[("content/a.md", &post("A", "", "Body."))],
    );
    fails(
        &fixture,
        &[
            "config.toml:",
            "unknown network `mastadon`",
            "did you mean `mastodon`?",
            "[social]",
        ],
    );
}

#[test]
fn posts_link_to_their_syndicated_copies() {
    let fixture = site(
        "",
        &[(
            "content/blog/bp.md",
            &post("BP", "date = 2026-05-01", "Body."),
        )],
    );
    fixture.write(
        "syndication.toml",
        "[[item]]\nid = \"blog/bp/teaser/mastodon\"\nnetwork = \"mastodon\"\nstate = \"posted\"\nremote_id = \"11\"\nurl = \"https://med.example/@clinic/11\"\n\n\
         [[item]]\nid = \"blog/bp/teaser/bluesky\"\nnetwork = \"bluesky\"\nstate = \"failed\"\nerror = \"rate limited\"\n",
    );
    fixture.build_ok();
    let page = fixture.read("blog/bp/index.html");
    assert!(page.contains("<a class=\"u-syndication\" rel=\"syndication\" href=\"https://med.example/@clinic/11\">Mastodon</a>"), "{page}");
    assert!(
        !page.contains("Bluesky</a>,"),
        "failed items are not linked"
    );

    fixture.write(
        "syndication.toml",
        "[[item]]\nid = \"blog/bp/teaser/x\"\nnetwork = \"x\"\nstat = \"posted\"\n",
    );
    fails(&fixture, &["syndication.toml:4:1", "did you mean `state`?"]);
}

#[test]
fn linkedin_reaches_physicians_by_default_and_its_poll_rules_stay_out_of_the_way() {
    let fixture = Fixture::new(&[
        (
            "content/for-physicians/_index.md",
            "+++\ntitle = \"For physicians\"\naudience = \"physicians\"\n+++\n",
        ),
        (
            "content/blog/salt.md",
            &post(
                "Salt and the heart",
                "date = 2026-05-01\n[physicians]\nsummary = \"Sodium targets for your patients.\"\n[[social.poll]]\nquestion = \"Which do you check first on a label?\"\noptions = [\"The sodium per serving, every time\", \"The serving size\"]",
                "Body.",
            ),
        ),
    ]);
    fixture.write(
        "config.toml",
        &format!(
            "{}\n[networks.mastodon]\naccount = \"@clinic@med.example\"\n[networks.linkedin]\nid = \"urn:li:organization:5550100\"\n",
            crate::common::CONFIG
        ),
    );
    let json = social_json(fixture.root(), &[]);
    let kinds: Vec<&str> = items_for(&json, "linkedin")
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["physician-article"],
        "only physician items by default"
    );
    assert!(
        items_for(&json, "mastodon")
            .iter()
            .any(|i| i["kind"] == "poll"),
        "the public networks still get the poll"
    );
    assert!(
        json["diagnostics"].as_array().unwrap().is_empty(),
        "LinkedIn's 30-character options do not apply to a network that gets no polls: {}",
        json["diagnostics"]
    );
}
