//! Each network's house style (../shared/PLATFORMS.md): Threads takes one
//! topic tag beside the text, Facebook no hashtags, X and Bluesky a couple,
//! LinkedIn and Facebook the teaser and the description both; every item
//! stays within its network's limit as that network counts.

use std::path::Path;

use crate::common::{Fixture, post, rounds, stderr};
use serde_json::Value;

const NETWORKS: &str = r#"
[social]
hashtags = ["Springfield"]
[networks.mastodon]
account = "@clinic@med.example"
[networks.bluesky]
account = "clinic.bsky.social"
[networks.x]
account = "@clinic"
[networks.linkedin]
account = "Clinic"
reach = "both"
[networks.facebook]
id = "1234"
[networks.threads]
account = "clinic"
"#;

fn social_items(root: &Path) -> Vec<Value> {
    let out = rounds()
        .env("SOURCE_DATE_EPOCH", "1793491200")
        .args(["social", "--format", "json", "--root"])
        .arg(root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    json["items"].as_array().unwrap().clone()
}

fn teaser<'a>(items: &'a [Value], network: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i["network"] == network && i["kind"] == "teaser")
        .unwrap_or_else(|| panic!("a {network} teaser in {items:#?}"))
}

fn site() -> Fixture {
    let fixture = Fixture::new(&[(
        "content/blog/walks.md",
        &post(
            "Walking for your heart",
            "date = 2026-01-01\nreviewed_by = \"patel\"\nlast_reviewed = 2026-10-01\n\
             description = \"A brisk 20-minute walk most days lowers blood pressure.\"\n\
             tags = [\"heart health\", \"walking\", \"exercise\", \"blood pressure\", \"habits\"]\n\
             [social]\nteaser = \"Walk with us this spring.\"",
            "Body.",
        ),
    )]);
    fixture.write(
        "config.toml",
        &format!("{}{NETWORKS}", crate::common::CONFIG),
    );
    fixture
}

fn tags_in(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.starts_with('#'))
        .count()
}

#[test]
fn threads_gets_one_topic_tag_beside_the_text() {
    let fixture = site();
    let items = social_items(fixture.root());
    let threads = teaser(&items, "threads");
    let text = threads["text"].as_str().unwrap();
    assert_eq!(tags_in(text), 0, "no hashtags in the text: {text}");
    assert_eq!(threads["hashtags"], serde_json::json!(["#HeartHealth"]));
}

#[test]
fn hashtags_follow_each_networks_house_style() {
    let fixture = site();
    let items = social_items(fixture.root());
    let count = |network: &str| tags_in(teaser(&items, network)["text"].as_str().unwrap());
    assert_eq!(count("facebook"), 0, "Facebook posts rarely need hashtags");
    assert!(count("x") <= 2 && count("x") >= 1, "X: one or two");
    assert!(
        count("bluesky") <= 2 && count("bluesky") >= 1,
        "Bluesky: a few at most"
    );
    assert!(
        (3..=5).contains(&count("linkedin")),
        "LinkedIn: three to five"
    );
    assert!(
        count("mastodon") >= 3,
        "Mastodon: hashtags are how people find posts"
    );
    // `max_hashtags` still decides where it is set.
    let config = format!("{}{NETWORKS}", crate::common::CONFIG).replace(
        "[networks.facebook]\n",
        "[networks.facebook]\nmax_hashtags = 2\n",
    );
    fixture.write("config.toml", &config);
    let items = social_items(fixture.root());
    assert_eq!(
        tags_in(teaser(&items, "facebook")["text"].as_str().unwrap()),
        2
    );
}

#[test]
fn linkedin_and_facebook_use_their_room() {
    let fixture = site();
    let items = social_items(fixture.root());
    for network in ["linkedin", "facebook"] {
        let text = teaser(&items, network)["text"].as_str().unwrap();
        assert!(
            text.contains("Walk with us this spring.") && text.contains("A brisk 20-minute walk"),
            "{network}: {text}"
        );
    }
    let x = teaser(&items, "x")["text"].as_str().unwrap();
    assert!(
        !x.contains("A brisk 20-minute walk"),
        "X keeps the tightest text: {x}"
    );
}

#[test]
fn every_item_of_the_example_site_fits_its_network_as_it_counts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
    let items = social_items(&root);
    assert!(items.len() > 100);
    for item in &items {
        let (length, limit) = (
            item["length"].as_u64().unwrap(),
            item["limit"].as_u64().unwrap(),
        );
        assert!(length <= limit, "{} counts {length} of {limit}", item["id"]);
    }
}

fn award_site(teaser: &str) -> Fixture {
    let fixture = Fixture::new(&[(
        "content/blog/award.md",
        &post(
            "Dr. Nguyen named Physician of the Year",
            &format!(
                "date = 2026-01-01\nkind = \"award\"\nauthors = [\"patel\"]\nreviewed_by = \"patel\"\nlast_reviewed = 2026-10-01\n[social]\nhonorees = [\"nguyen\"]\nteaser = \"{teaser}\""
            ),
            "Body.",
        ),
    )]);
    fixture.write(
        "config.toml",
        &format!("{}{NETWORKS}", crate::common::CONFIG),
    );
    fixture.write(
        "data/doctors.toml",
        &format!(
            "{}\n[nguyen]\nname = \"Dr. Linh Nguyen\"\ncredentials = \"MD\"\nmastodon = \"@drnguyen@med.example\"\n",
            crate::common::DOCTORS
        ),
    );
    fixture
}

fn award_text(items: &[Value], network: &str) -> String {
    items
        .iter()
        .find(|i| i["network"] == network && i["kind"] == "award")
        .unwrap_or_else(|| panic!("a {network} award item in {items:#?}"))["text"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn an_award_teaser_that_congratulates_is_not_congratulated_again() {
    let fixture =
        award_site("Congratulations, Dr. Nguyen! Our patients voted her Physician of the Year.");
    let items = social_items(fixture.root());
    for network in [
        "mastodon", "bluesky", "x", "linkedin", "facebook", "threads",
    ] {
        let text = award_text(&items, network);
        assert_eq!(
            text.to_lowercase().matches("congratulations").count(),
            1,
            "{network}: {text}"
        );
        assert!(
            text.starts_with("Congratulations, Dr. Nguyen!"),
            "{network}: {text}"
        );
    }
    // Where she has a handle, it follows in a line of its own; the author is
    // not the one congratulated.
    let mastodon = award_text(&items, "mastodon");
    assert!(
        mastodon.contains("Well deserved, @drnguyen@med.example!"),
        "{mastodon}"
    );
    assert!(!mastodon.contains("Patel"), "{mastodon}");
    let facebook = award_text(&items, "facebook");
    assert!(
        !facebook.contains("Well deserved"),
        "her name is already there: {facebook}"
    );
}

#[test]
fn an_award_teaser_that_does_not_congratulate_is_led_by_the_honoree() {
    let fixture = award_site("Our patients voted her Physician of the Year.");
    let items = social_items(fixture.root());
    let mastodon = award_text(&items, "mastodon");
    assert!(
        mastodon.starts_with("Congratulations to @drnguyen@med.example! Our patients"),
        "{mastodon}"
    );
    let x = award_text(&items, "x");
    assert!(
        x.starts_with("Congratulations to Dr. Linh Nguyen! Our patients"),
        "{x}"
    );
}

#[test]
fn a_typo_in_honorees_is_an_error_with_did_you_mean() {
    let fixture = award_site("Our patients voted her Physician of the Year.");
    let text = std::fs::read_to_string(fixture.root().join("content/blog/award.md")).unwrap();
    fixture.write(
        "content/blog/award.md",
        &text.replace("[\"nguyen\"]", "[\"nguyn\"]"),
    );
    let out = rounds()
        .args(["check", "--format", "json", "--root"])
        .arg(fixture.root())
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap_or("").contains("nguyn"))
        .unwrap_or_else(|| panic!("an error names the typo: {json:#}"));
    assert_eq!(found["severity"], "error");
    assert!(
        found["help"]
            .as_str()
            .unwrap()
            .contains("did you mean `nguyen`?"),
        "{found}"
    );
}
