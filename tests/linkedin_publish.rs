//! `rounds publish` to a LinkedIn organisation page, against the LinkedIn
//! contract server on 127.0.0.1: the posts' shape, exactly once through
//! faults, lost answers, a lost ledger and a killed process.

use std::process::Output;
use std::time::Duration;

use crate::common::contract::Fault;
use crate::common::linkedin::{self, DEFAULT_TOKEN, LinkedInServer, ORGANIZATION};
use crate::common::{Fixture, post, rounds, stderr};
use serde_json::Value;

const TOKEN_VAR: &str = "ROUNDS_LINKEDIN_TOKEN";

/// A clinic with a post full of LinkedIn's reserved characters, a post not
/// yet due, and LinkedIn reaching everyone.
fn clinic(server: &str, extra: &str) -> Fixture {
    let fixture = Fixture::new(&[
        (
            "content/blog/bp.md",
            &post(
                "Blood pressure basics",
                "date = 2026-01-10\ndescription = \"Know your numbers\"\ntags = [\"heart health\"]\n[social]\nteaser = \"Tips (and a *few* myths) about blood_pressure: lower <= better | ask @ the desk ~ #1 question [really] {honestly} \\\\ done.\"\nask = \"Do you check yours at home?\"",
                "Body.",
            ),
        ),
        (
            "content/blog/later.md",
            &post("Not yet", "date = 2099-01-01", "Body."),
        ),
    ]);
    fixture.write(
        "config.toml",
        &format!(
            "{}\n[networks.linkedin]\nid = \"{ORGANIZATION}\"\ninstance = \"{server}\"\nreach = \"both\"\n{extra}",
            crate::common::CONFIG
        ),
    );
    fixture
}

fn publish(fixture: &Fixture, args: &[&str]) -> Output {
    rounds()
        .env(TOKEN_VAR, DEFAULT_TOKEN)
        .args(["publish", "--yes", "--root"])
        .arg(fixture.root())
        .args(args)
        .output()
        .unwrap()
}

fn ledger(fixture: &Fixture) -> Vec<toml::Table> {
    let text = std::fs::read_to_string(fixture.root().join("syndication.toml")).expect("ledger");
    let table: toml::Table = toml::from_str(&text).expect("valid TOML");
    table["item"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_table().unwrap().clone())
        .collect()
}

fn posted(fixture: &Fixture) -> Vec<(String, String)> {
    let mut posted: Vec<_> = ledger(fixture)
        .into_iter()
        .filter(|i| i["state"].as_str() == Some("posted"))
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_string(),
                i["url"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    posted.sort();
    posted
}

fn no_violations(server: &LinkedInServer) {
    let violations = server.contract_violations();
    assert!(violations.is_empty(), "{violations:#?}");
}

/// Each shown text once, and how many posts there are.
fn exactly_once(server: &LinkedInServer, expected: usize) {
    let mut texts = linkedin::shown_texts(server);
    assert_eq!(texts.len(), expected, "{texts:#?}");
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), expected, "nothing posted twice");
}

#[test]
fn due_items_are_posted_once_as_article_posts_by_the_page() {
    let server = linkedin::start();
    let fixture = clinic(&server.url(), "");
    let out = publish(&fixture, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    no_violations(&server);
    exactly_once(&server, 2);
    let posts = linkedin::posts(&server);
    let teaser = posts
        .iter()
        .find(|p| p.shown.starts_with("Tips"))
        .expect("the teaser");
    // Every reserved character reached readers whole: nothing was cut.
    assert!(
        teaser.shown.starts_with(
            "Tips (and a *few* myths) about blood_pressure: lower <= better | ask @ the desk ~ #1 question [really] {honestly} \\ done."
        ),
        "{}",
        teaser.shown
    );
    assert!(
        teaser.shown.ends_with("#HeartHealth"),
        "the hashtag is a hashtag: {}",
        teaser.shown
    );
    assert!(teaser.commentary.contains(r"{hashtag|\#|HeartHealth}"));
    let link =
        "https://heart.example/blog/bp/?utm_source=linkedin&utm_medium=social&utm_campaign=bp";
    assert!(
        teaser.shown.contains(link),
        "the URL shows whole: {}",
        teaser.shown
    );
    let body = &teaser.body;
    assert_eq!(body["author"], ORGANIZATION);
    assert_eq!(body["visibility"], "PUBLIC");
    assert_eq!(body["lifecycleState"], "PUBLISHED");
    assert_eq!(body["distribution"]["feedDistribution"], "MAIN_FEED");
    assert_eq!(body["content"]["article"]["source"], link);
    assert_eq!(body["content"]["article"]["title"], "Blood pressure basics");
    assert_eq!(
        body["content"]["article"]["description"],
        "Know your numbers"
    );
    // No image of its own: the post's card is the article's thumbnail.
    let thumbnail = body["content"]["article"]["thumbnail"].as_str();
    assert!(
        thumbnail.is_some_and(|t| t.starts_with("urn:li:image:")),
        "{body}"
    );
    for request in server.requests_to("POST", "/rest/posts") {
        assert_eq!(request.header("linkedin-version"), Some("202605"));
        assert_eq!(request.header("x-restli-protocol-version"), Some("2.0.0"));
    }
    let recorded = posted(&fixture);
    assert_eq!(recorded.len(), 2);
    for (_, url) in &recorded {
        let urn = url
            .strip_prefix("https://www.linkedin.com/feed/update/")
            .and_then(|u| u.strip_suffix('/'))
            .expect(url);
        assert!(posts.iter().any(|p| p.urn == urn), "{url}");
    }

    // Again: nothing is sent, and the table says why.
    let again = publish(&fixture, &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(linkedin::posts(&server).len(), 2);
    let row = stderr(&again)
        .lines()
        .find(|l| l.starts_with("LinkedIn"))
        .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "));
    assert_eq!(
        row.as_deref(),
        Some("2 1"),
        "2 already posted, 1 not yet due: {}",
        stderr(&again)
    );
}

#[test]
fn a_dry_run_sends_nothing_and_writes_nothing() {
    let server = linkedin::start();
    let fixture = clinic(&server.url(), "");
    let out = publish(&fixture, &["--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("blog/bp/teaser/linkedin"), "{printed}");
    assert!(server.requests().is_empty());
    assert!(!fixture.root().join("syndication.toml").exists());
}

#[test]
fn a_bad_token_is_a_clear_error_that_never_shows_the_token() {
    let server = linkedin::start_with(linkedin::Config {
        token: "the-right-token".into(),
        ..Default::default()
    });
    let fixture = clinic(&server.url(), "");
    let out = publish(&fixture, &[]);
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(message.contains("401: Invalid access token"), "{message}");
    assert!(message.contains(TOKEN_VAR), "names the variable: {message}");
    // Each item stops at its first call (its card's upload): not retried.
    assert_eq!(
        server
            .requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count(),
        2,
        "a 401 is not retried"
    );
    fixture.build_ok();
    let everything = format!("{message}{}", String::from_utf8_lossy(&out.stdout));
    assert!(!everything.contains(DEFAULT_TOKEN));
    for (path, bytes) in crate::common::tree(fixture.root()) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(DEFAULT_TOKEN),
            "token written to {path}"
        );
    }
}

#[test]
fn missing_settings_and_credentials_are_named() {
    let server = linkedin::start();
    let fixture = clinic(&server.url(), "");
    let out = rounds()
        .env_remove(TOKEN_VAR)
        .args(["publish", "--yes", "--root"])
        .arg(fixture.root())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains(TOKEN_VAR), "{}", stderr(&out));

    for (setting, expected) in [
        (
            "api_version = \"2026-05\"",
            "`2026-05` is not a LinkedIn API version; write the year and month as YYYYMM",
        ),
        (
            "api_version = \"202613\"",
            "`202613` is not a LinkedIn API version",
        ),
    ] {
        let fixture = clinic(&server.url(), setting);
        let out = publish(&fixture, &[]);
        assert!(!out.status.success());
        let message = stderr(&out);
        assert!(message.contains(expected), "{message}");
        assert!(
            message.contains("config.toml:"),
            "names the line: {message}"
        );
    }
    let fixture = clinic(&server.url(), "");
    let config = std::fs::read_to_string(fixture.root().join("config.toml")).unwrap();
    fixture.write("config.toml", &config.replace(ORGANIZATION, "5550100"));
    let out = publish(&fixture, &[]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("`5550100` is not a LinkedIn organisation; write its URN"),
        "{}",
        stderr(&out)
    );
    assert!(server.requests().is_empty());
}

#[test]
fn a_sunset_api_version_says_what_to_change() {
    let server = linkedin::start_with(linkedin::Config {
        versions: (202611, 202611),
        ..Default::default()
    });
    let fixture = clinic(&server.url(), "");
    let out = publish(&fixture, &[]);
    assert!(!out.status.success());
    assert!(
        stderr(&out)
            .contains("LinkedIn no longer serves API version 202605; set a newer api_version"),
        "{}",
        stderr(&out)
    );
    let fixture = clinic(&server.url(), "api_version = \"202611\"");
    let out = publish(&fixture, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    exactly_once(&server, 2);
}

#[test]
fn transient_faults_are_retried_without_double_posting() {
    let server = linkedin::start();
    server.push_fault(
        "POST /rest/posts",
        Fault::TooMany {
            retry_after_secs: 1,
        },
    );
    server.push_fault("POST /rest/posts", Fault::Status(503));
    server.push_fault("POST /rest/posts", Fault::FailAfterCommit(502));
    let fixture = clinic(&server.url(), "");
    let out = publish(&fixture, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    exactly_once(&server, 2);
    assert_eq!(posted(&fixture).len(), 2);
    assert_eq!(server.pending_faults(), 0);
    no_violations(&server);
}

#[test]
fn a_lost_answer_then_a_rerun_leaves_exactly_one_post() {
    // LinkedIn forgets duplicates at once here, so only looking can save us.
    let server = linkedin::start_with(linkedin::Config {
        duplicate_window: Duration::ZERO,
        ..Default::default()
    });
    server.push_fault("POST /rest/posts", Fault::FailAfterCommit(502));
    for _ in 0..4 {
        server.push_fault("GET /rest/posts", Fault::Status(503));
    }
    let fixture = clinic(&server.url(), "");
    let out = publish(&fixture, &["--only", "bp"]);
    assert!(!out.status.success(), "the item could not be confirmed");
    let pending: Vec<_> = ledger(&fixture)
        .into_iter()
        .filter(|i| i["state"].as_str() == Some("pending"))
        .collect();
    assert_eq!(
        pending.len(),
        1,
        "left pending, to be looked for: {pending:#?}"
    );
    assert_eq!(linkedin::posts(&server).len(), 2);

    let again = publish(&fixture, &["--only", "bp"]);
    assert!(again.status.success(), "{}", stderr(&again));
    exactly_once(&server, 2);
    assert_eq!(posted(&fixture).len(), 2);
    no_violations(&server);
}

#[test]
fn a_reply_slower_than_the_timeout_is_found_not_posted_again() {
    let server = linkedin::start_with(linkedin::Config {
        duplicate_window: Duration::ZERO,
        ..Default::default()
    });
    server.push_fault("POST /rest/posts", Fault::Slow(Duration::from_secs(4)));
    let fixture = clinic(&server.url(), "[publish]\ntimeout = \"1s\"\n");
    let out = publish(&fixture, &["--only", "bp"]);
    assert!(out.status.success(), "{}", stderr(&out));
    exactly_once(&server, 2);
    assert_eq!(
        server.requests_to("GET", "/rest/posts").len(),
        1,
        "the retry looked first"
    );
}

#[test]
fn a_lost_ledger_is_recovered_from_linkedins_duplicate_answer() {
    let server = linkedin::start();
    let fixture = clinic(&server.url(), "");
    let out = publish(&fixture, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = posted(&fixture);
    std::fs::remove_file(fixture.root().join("syndication.toml")).unwrap();

    let out = publish(&fixture, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    exactly_once(&server, 2);
    let duplicates = server
        .requests_to("POST", "/rest/posts")
        .into_iter()
        .filter(|r| r.response_status == Some(422))
        .count();
    assert_eq!(duplicates, 2, "LinkedIn answered DUPLICATE_POST to both");
    assert_eq!(
        posted(&fixture),
        before,
        "recorded with the first posts' URLs"
    );
    no_violations(&server);
}

#[test]
fn the_posts_image_becomes_the_article_thumbnail() {
    let server = linkedin::start();
    let fixture = clinic(&server.url(), "");
    fixture.write_bytes(
        "static/images/pulse.png",
        include_bytes!("fixtures/images/pulse.png"),
    );
    fixture.write(
        "content/blog/bp.md",
        &post(
            "Blood pressure basics",
            "date = 2026-01-10\nimage = \"/images/pulse.png\"\nimage_alt = \"A nurse takes a blood pressure\"\n[social]\nteaser = \"Know your numbers.\"\nask = \"Do you check yours at home?\"",
            "Body.",
        ),
    );
    fixture.build_ok();
    let out = publish(&fixture, &["--only", "bp"]);
    assert!(out.status.success(), "{}", stderr(&out));
    no_violations(&server);
    let images = server.with(|api| api.images.clone());
    assert_eq!(images.len(), 1, "uploaded once, used by both posts");
    // The post's picture, encoded afresh (nothing of the file's metadata
    // kept): the same pixels.
    let sent = image::load_from_memory(images[0].bytes.as_deref().expect("bytes")).unwrap();
    let original = image::load_from_memory(include_bytes!("fixtures/images/pulse.png")).unwrap();
    assert_eq!(sent.to_rgb8(), original.to_rgb8());
    let puts = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .count();
    assert_eq!(puts, 1);
    for post in linkedin::posts(&server) {
        assert_eq!(
            post.body["content"]["article"]["thumbnail"],
            images[0].urn.as_str()
        );
    }
}

#[test]
fn polls_go_out_natively_and_health_polls_not_at_all() {
    let server = linkedin::start();
    let fixture = clinic(&server.url(), "");
    fixture.write(
        "content/blog/salt.md",
        &post(
            "Salt poll",
            "date = 2026-01-11\n[[social.poll]]\nquestion = \"How often do you read labels?\"\noptions = [\"Always\", \"Sometimes\", \"Never\"]\nduration = \"10d\"\nabout_health = false\n[[social.poll]]\nquestion = \"Has a doctor told you your blood pressure is high?\"\noptions = [\"Yes\", \"No\"]",
            "Body.",
        ),
    );
    let out = publish(&fixture, &["--only", "salt"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(
        !message.contains("outreach/poll-health"),
        "a poll held back by policy is not a warning: {message}"
    );
    no_violations(&server);
    let polls: Vec<Value> = linkedin::posts(&server)
        .into_iter()
        .filter_map(|p| p.body["content"].get("poll").cloned())
        .collect();
    assert_eq!(polls.len(), 1, "only the poll that is not about health");
    assert_eq!(polls[0]["question"], "How often do you read labels?");
    assert_eq!(
        polls[0]["options"],
        serde_json::json!([{"text": "Always"}, {"text": "Sometimes"}, {"text": "Never"}])
    );
    assert_eq!(
        polls[0]["settings"]["duration"], "SEVEN_DAYS",
        "10 days: the longest LinkedIn offers that is not longer"
    );
    assert!(
        posted(&fixture)
            .iter()
            .all(|(id, _)| !id.contains("poll-2")),
        "{:?}",
        posted(&fixture)
    );
}

#[test]
fn the_preview_shows_linkedins_article_card() {
    let server = linkedin::start();
    let fixture = clinic(&server.url(), "");
    fixture.build_ok();
    let preview =
        std::fs::read_to_string(fixture.root().join("outreach/index.html")).expect("preview");
    let card = preview
        .split("<article class=\"card")
        .find(|c| c.contains("id=\"blog/bp/teaser/linkedin\""))
        .expect("a LinkedIn card");
    assert!(card.contains("--accent:#0a66c2"), "{card}");
    // Every post has a picture now: its own, or its social card.
    assert!(
        card.contains("class=\"link-card with-image\"")
            && card.contains("alt=\"Card: Blood pressure basics — Riverside Heart\""),
        "an article card with the post's social card: {card}"
    );
    assert!(
        card.contains("<strong class=\"title\">Blood pressure basics</strong><span class=\"description\">Know your numbers</span>"),
        "{card}"
    );
    assert!(
        card.contains("<span class=\"domain\">heart.example</span>"),
        "{card}"
    );
    assert!(
        card.contains("Tips (and a *few* myths)") && !card.contains("\\("),
        "the text as LinkedIn shows it, without escapes: {card}"
    );
}

#[cfg(feature = "failpoints")]
#[test]
fn items_land_exactly_once_whatever_the_crash() {
    const POINTS: &[(&str, usize)] = &[
        ("publish::before-request", 2),
        ("publish::after-request", 1),
        ("publish::after-request", 2),
        ("ledger::before-rename", 2),
        ("ledger::before-rename", 3),
    ];
    for &(point, hit) in POINTS {
        // No duplicate check to lean on: only the ledger and looking can keep it to once.
        let server = linkedin::start_with(linkedin::Config {
            duplicate_window: Duration::ZERO,
            ..Default::default()
        });
        let fixture = clinic(&server.url(), "");
        let spec = if hit == 1 {
            format!("{point}=return")
        } else {
            format!("{point}={}*off->return", hit - 1)
        };
        let crashed = rounds()
            .env(TOKEN_VAR, DEFAULT_TOKEN)
            .env("FAILPOINTS", &spec)
            .args(["publish", "--yes", "--root"])
            .arg(fixture.root())
            .output()
            .unwrap();
        assert!(
            !crashed.status.success(),
            "{point} #{hit} was never reached: {}",
            stderr(&crashed)
        );
        if fixture.root().join("syndication.toml").exists() {
            ledger(&fixture); // still valid TOML
        }
        let resumed = publish(&fixture, &[]);
        assert!(
            resumed.status.success(),
            "re-run after {point} #{hit}: {}",
            stderr(&resumed)
        );
        exactly_once(&server, 2);
        assert_eq!(
            posted(&fixture).len(),
            2,
            "all recorded after {point} #{hit}"
        );
        no_violations(&server);
    }
}
