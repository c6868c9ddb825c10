//! `rounds publish` to the X contract server on 127.0.0.1: posts land once in
//! the documented shape, through faults, renewed tokens, OAuth 1.0a
//! signatures, lost replies and a killed process.

use std::process::Output;
use std::time::{Duration, Instant};

use crate::common::x::{Config, Fault, XServer};
use crate::common::x_api::{
    ACCESS_TOKEN, CLIENT_ID, CONSUMER_KEY, CONSUMER_SECRET, OAUTH1_TOKEN, OAUTH1_TOKEN_SECRET,
    REFRESH_TOKEN, USER_ID,
};
use crate::common::{Fixture, post, rounds, stderr};

/// Two posts, three items for X: the blood-pressure teaser and its
/// discussion starter, and the salt teaser.
pub fn clinic(server: &XServer) -> Fixture {
    let fixture = Fixture::new(&[
        (
            "content/blog/bp.md",
            &post(
                "Blood pressure basics",
                "date = 2026-01-10\ntags = [\"heart health\"]\n[social]\nteaser = \"Café-style tips 💓 & tricks for your blood pressure.\"\nask = \"Do you check yours at home?\"",
                "Body.",
            ),
        ),
        (
            "content/blog/salt.md",
            &post(
                "Salt and the heart",
                "date = 2026-01-12\n[social]\nteaser = \"Where the salt hides in a café menu.\"",
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
            "{}\n[networks.x]\naccount = \"@RiversideHeart\"\ninstance = \"{}\"\n",
            crate::common::CONFIG,
            server.url()
        ),
    );
    fixture
}

/// `rounds publish --yes` with an OAuth 2.0 token that can be renewed.
pub fn publish(fixture: &Fixture, args: &[&str]) -> Output {
    rounds()
        .env("ROUNDS_X_ACCESS_TOKEN", ACCESS_TOKEN)
        .env("ROUNDS_X_REFRESH_TOKEN", REFRESH_TOKEN)
        .env("ROUNDS_X_CLIENT_ID", CLIENT_ID)
        .env("ROUNDS_STATE_DIR", fixture.root().join(".state"))
        .args(["publish", "--yes", "--root"])
        .arg(fixture.root())
        .args(args)
        .output()
        .unwrap()
}

fn ledger(fixture: &Fixture) -> toml::Table {
    let text = std::fs::read_to_string(fixture.root().join("syndication.toml")).expect("ledger");
    toml::from_str(&text).expect("the ledger is always valid TOML")
}

fn items_in(fixture: &Fixture, state: &str) -> Vec<toml::Table> {
    ledger(fixture)
        .get("item")
        .and_then(|i| i.as_array())
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|i| i.as_table().cloned())
        .filter(|i| i["state"].as_str() == Some(state))
        .collect()
}

fn assert_clean(server: &XServer) {
    assert!(
        server.contract_violations().is_empty(),
        "{:#?}",
        server.contract_violations()
    );
}

/// Three posts on the timeline, none twice, all recorded.
fn assert_posted_once(server: &XServer, fixture: &Fixture) {
    let mut texts = server.posted_texts();
    assert_eq!(texts.len(), 3, "{texts:#?}");
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), 3, "nothing posted twice");
    assert_eq!(items_in(fixture, "posted").len(), 3);
}

#[test]
fn posts_land_once_in_the_documented_shape() {
    let server = XServer::start();
    let fixture = clinic(&server);
    let out = publish(&fixture, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_posted_once(&server, &fixture);
    for post in server.posts() {
        assert_eq!(
            post.request.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["text"],
            "text only: no image, no poll here"
        );
        assert!(post.text.contains("utm_source=x"), "{}", post.text);
        assert!(post.text.chars().count() > 0);
    }
    for item in items_in(&fixture, "posted") {
        let url = item["url"].as_str().unwrap();
        assert!(
            url.starts_with("https://x.com/RiversideHeart/status/"),
            "{url}"
        );
    }
    assert_clean(&server);

    // Again: nothing is sent, and the table says why.
    let before = server.requests().len();
    let again = publish(&fixture, &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(server.requests().len(), before, "a re-run sends nothing");
    let row: Vec<String> = stderr(&again)
        .lines()
        .find(|l| l.starts_with("X "))
        .expect("a row for X")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    assert_eq!(row[1..], ["3", "1"], "3 already posted, 1 not yet due");
}

#[test]
fn a_dry_run_sends_nothing() {
    let server = XServer::start();
    let fixture = clinic(&server);
    let out = publish(&fixture, &["--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("blog/bp/teaser/x"), "{printed}");
    assert!(server.requests().is_empty());
    assert!(!fixture.root().join("syndication.toml").exists());
}

#[test]
fn a_refused_token_is_a_clear_error_without_the_secret() {
    let server = XServer::start();
    let fixture = clinic(&server);
    let secret = "x-wrong-but-secret-token";
    let out = rounds()
        .env("ROUNDS_X_ACCESS_TOKEN", secret)
        .env("ROUNDS_STATE_DIR", fixture.root().join(".state"))
        .args(["publish", "--yes", "--root"])
        .arg(fixture.root())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let everything = format!("{}{}", stderr(&out), String::from_utf8_lossy(&out.stdout));
    assert!(everything.contains("401"), "{everything}");
    assert!(everything.contains("ROUNDS_X_ACCESS_TOKEN"), "{everything}");
    assert!(!everything.contains(secret));
    assert_eq!(
        server.requests_to("POST", "/2/tweets").len(),
        3,
        "a 401 is not retried"
    );
    fixture.build_ok();
    for (path, bytes) in crate::common::tree(fixture.root()) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(secret),
            "token written to {path}"
        );
    }
}

#[test]
fn missing_credentials_name_the_variable() {
    let server = XServer::start();
    let fixture = clinic(&server);
    let out = rounds()
        .args(["publish", "--yes", "--root"])
        .arg(fixture.root())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("ROUNDS_X_ACCESS_TOKEN"),
        "{}",
        stderr(&out)
    );
    assert!(server.requests().is_empty());
}

#[test]
fn transient_faults_are_retried_without_double_posting() {
    let server = XServer::start();
    // The first item meets a 429 (with X's reset time), a 503 after the post
    // was stored, and a reset connection; its fourth try is refused as a
    // duplicate, and the client finds its own post on the timeline.
    server.push_fault(
        "POST /2/tweets",
        Fault::TooMany {
            retry_after_secs: 1,
        },
    );
    server.push_fault("POST /2/tweets", Fault::FailAfterCommit(503));
    server.push_fault("POST /2/tweets", Fault::Reset);
    let fixture = clinic(&server);
    let out = publish(&fixture, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_posted_once(&server, &fixture);
    assert_eq!(
        server.duplicate_refusals(),
        1,
        "the retry after the lost reply"
    );
    assert_clean(&server);
}

#[test]
fn a_lost_reply_then_a_rerun_leaves_one_post() {
    let server = XServer::start();
    // Stored, but every try of the first item fails: it stays pending.
    server.push_fault("POST /2/tweets", Fault::FailAfterCommit(502));
    for _ in 0..3 {
        server.push_fault("POST /2/tweets", Fault::Status(502));
    }
    let fixture = clinic(&server);
    let out = publish(&fixture, &[]);
    assert!(!out.status.success(), "the item failed this run");
    assert_eq!(items_in(&fixture, "pending").len(), 1);
    let tweets_before = server.requests_to("POST", "/2/tweets").len();

    let out = publish(&fixture, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_posted_once(&server, &fixture);
    assert_eq!(
        server.requests_to("POST", "/2/tweets").len(),
        tweets_before,
        "found on the timeline, not sent again"
    );
    assert_eq!(server.duplicate_refusals(), 0);
    assert_clean(&server);
}

#[test]
fn a_reply_slower_than_the_timeout_is_found_not_posted_twice() {
    let server = XServer::start();
    // Stored at once, answered after 4 s; the client gives up after 1 s,
    // tries again, is refused as a duplicate and finds its post.
    server.push_fault("POST /2/tweets", Fault::Slow(Duration::from_secs(4)));
    let fixture = clinic(&server);
    let config = std::fs::read_to_string(fixture.root().join("config.toml")).unwrap();
    fixture.write(
        "config.toml",
        &format!("{config}\n[publish]\ntimeout = \"1s\"\n"),
    );
    let started = Instant::now();
    let out = publish(&fixture, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(started.elapsed() < Duration::from_secs(4), "did not wait");
    assert_posted_once(&server, &fixture);
    assert_eq!(server.duplicate_refusals(), 1);
    assert_clean(&server);
}

#[test]
fn a_rejected_item_is_marked_failed_and_tried_again_next_run() {
    let server = XServer::start();
    server.push_fault("POST /2/tweets", Fault::Status(400));
    let fixture = clinic(&server);
    let out = publish(&fixture, &[]);
    assert!(!out.status.success(), "a failure fails the run");
    assert_eq!(server.posts().len(), 2, "the others went on");
    let failed = items_in(&fixture, "failed");
    assert_eq!(failed.len(), 1);
    assert!(
        failed[0]["error"].as_str().unwrap().starts_with("400"),
        "X's answer is kept: {failed:?}"
    );
    let again = publish(&fixture, &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_posted_once(&server, &fixture);
}

#[test]
fn a_pending_item_from_hours_ago_is_found_not_reposted() {
    let server = XServer::start();
    let fixture = clinic(&server);
    let out = publish(&fixture, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let urls: Vec<String> = items_in(&fixture, "posted")
        .iter()
        .map(|i| i["url"].as_str().unwrap().to_string())
        .collect();
    // Rewind the ledger to a crash two hours ago, after the posts landed.
    let mut table = ledger(&fixture);
    let then = chrono::Utc::now() - chrono::Duration::hours(2);
    for item in table["item"].as_array_mut().unwrap() {
        let item = item.as_table_mut().unwrap();
        let key = format!("{}@{}", item["id"].as_str().unwrap(), then.timestamp());
        item.insert("state".into(), "pending".into());
        item.insert("remote_id".into(), key.into());
        item.insert(
            "at".into(),
            then.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                .into(),
        );
        item.remove("url");
    }
    fixture.write("syndication.toml", &toml::to_string(&table).unwrap());
    server.with(|api| {
        for post in &mut api.posts {
            post.created_at = then + chrono::Duration::seconds(1);
        }
    });

    let out = publish(&fixture, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server.posts().len(), 3, "found, not posted again");
    assert_eq!(server.duplicate_refusals(), 0);
    let mut found: Vec<String> = items_in(&fixture, "posted")
        .iter()
        .map(|i| i["url"].as_str().unwrap().to_string())
        .collect();
    let mut urls = urls;
    found.sort();
    urls.sort();
    assert_eq!(found, urls);
    let searches = server.requests_to("GET", &format!("/2/users/{USER_ID}/tweets"));
    assert!(
        !searches.is_empty() && searches.iter().all(|r| r.query.contains("start_time=")),
        "looked on the timeline since the first try"
    );
    assert_clean(&server);
}

#[test]
fn an_identical_post_that_is_not_ours_fails_with_xs_reason() {
    let server = XServer::start();
    let fixture = clinic(&server);
    // Post every item by hand a day ago, then make them new again to X.
    let out = publish(&fixture, &["--only", "salt"]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::remove_file(fixture.root().join("syndication.toml")).unwrap();
    server.with(|api| {
        for post in &mut api.posts {
            post.created_at = chrono::Utc::now() - chrono::Duration::hours(20);
        }
    });
    let out = publish(&fixture, &["--only", "salt"]);
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(message.contains("duplicate content"), "{message}");
    assert_eq!(server.posts().len(), 1);
    assert_eq!(items_in(&fixture, "failed").len(), 1);
}

#[test]
fn an_expired_token_is_renewed_and_the_newest_pair_kept() {
    let server = XServer::start_with(Config {
        access_expired: true,
        ..Config::default()
    });
    let fixture = clinic(&server);
    let out = publish(&fixture, &["--only", "bp"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server.refreshes(), 1);
    assert_eq!(server.posts().len(), 2);
    let saved: Vec<_> = std::fs::read_dir(fixture.root().join(".state"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(saved.len(), 1, "one saved token pair");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = saved[0].metadata().unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "readable only by its owner");
    }
    let (_, refresh) = server.tokens();
    let text = std::fs::read_to_string(saved[0].path()).unwrap();
    assert!(text.contains(&refresh), "the rotated refresh token is kept");

    // The next run starts from the saved pair: the environment's pair was
    // spent, and using it would be refused.
    let out = publish(&fixture, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server.refreshes(), 1, "no renewal needed");
    assert_eq!(server.posts().len(), 3);
    assert_clean(&server);
}

#[test]
fn oauth_1_signed_posts_land() {
    let server = XServer::start();
    let fixture = clinic(&server);
    let out = rounds()
        .env("ROUNDS_X_CONSUMER_KEY", CONSUMER_KEY)
        .env("ROUNDS_X_CONSUMER_SECRET", CONSUMER_SECRET)
        .env("ROUNDS_X_ACCESS_TOKEN", OAUTH1_TOKEN)
        .env("ROUNDS_X_ACCESS_TOKEN_SECRET", OAUTH1_TOKEN_SECRET)
        .args(["publish", "--yes", "--root"])
        .arg(fixture.root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_posted_once(&server, &fixture);
    assert!(server.requests_to("POST", "/2/tweets").iter().all(|r| {
        r.header("authorization")
            .is_some_and(|a| a.starts_with("OAuth "))
    }),);
    assert_clean(&server);
}

#[test]
fn polls_go_out_natively_and_images_with_alt_text() {
    let server = XServer::start();
    let fixture = clinic(&server);
    fixture.write_bytes(
        "static/images/pulse.png",
        include_bytes!("fixtures/images/pulse.png"),
    );
    fixture.write(
        "content/blog/bp.md",
        &post(
            "Blood pressure basics",
            "date = 2026-01-10\nimage = \"/images/pulse.png\"\nimage_alt = \"A nurse takes a man's blood pressure\"\n[social]\nteaser = \"Know your numbers.\"\n[[social.poll]]\nquestion = \"How often do you check your blood pressure?\"\noptions = [\"Weekly\", \"Monthly\", \"Rarely\"]\nduration = \"3d\"",
            "Body.",
        ),
    );
    fixture.build_ok();
    let out = publish(&fixture, &["--only", "bp"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let posts = server.posts();
    let poll = posts.iter().find(|p| p.poll.is_some()).expect("a poll");
    assert_eq!(
        poll.request["poll"],
        serde_json::json!({"options": ["Weekly", "Monthly", "Rarely"], "duration_minutes": 4320})
    );
    assert!(
        poll.media_ids.is_empty(),
        "X takes a poll or media, not both"
    );
    let teaser = posts
        .iter()
        .find(|p| !p.media_ids.is_empty())
        .expect("the image");
    let media = server.media();
    assert_eq!(media.len(), 1, "{media:?}");
    assert_eq!(teaser.media_ids, [media[0].id.clone()]);
    assert_eq!(media[0].category, "tweet_image");
    // The post's image, encoded afresh (no metadata kept): its pixels.
    assert_eq!(
        image::load_from_memory(&media[0].bytes).unwrap().to_rgb8(),
        image::load_from_memory(include_bytes!("fixtures/images/pulse.png"))
            .unwrap()
            .to_rgb8(),
        "the uploaded picture is the post's image"
    );
    assert_eq!(
        media[0].alt_text.as_deref(),
        Some("A nurse takes a man's blood pressure")
    );
    assert_clean(&server);

    // The preview shows X's poll card, without the image X will not attach.
    let preview = std::fs::read_to_string(fixture.root().join("outreach/index.html")).unwrap();
    let card = preview
        .split("<article")
        .find(|c| c.contains("id=\"blog/bp/poll-1/x\""))
        .expect("the X poll card");
    assert!(card.contains("0 votes · 3 days left"), "{card}");
    assert!(card.contains("<li>Monthly</li>"));
    assert!(!card.contains("<img"), "{card}");
}

#[test]
fn a_killed_publish_resumes_and_posts_each_item_once() {
    let server = XServer::start();
    // The second post is stored at once, then its reply hangs: kill there.
    server.push_fault("POST /2/tweets", Fault::Slow(Duration::ZERO));
    server.push_fault("POST /2/tweets", Fault::Slow(Duration::from_secs(30)));
    let fixture = clinic(&server);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("rounds"))
        .env("ROUNDS_X_ACCESS_TOKEN", ACCESS_TOKEN)
        .args(["publish", "--yes", "--quiet", "--root"])
        .arg(fixture.root())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while server.posts().len() < 2 && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(server.posts().len(), 2, "both stored before the kill");
    assert_eq!(items_in(&fixture, "pending").len(), 1);

    let out = publish(&fixture, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_posted_once(&server, &fixture);
    assert_eq!(server.duplicate_refusals(), 0, "found before posting again");
    assert_clean(&server);
}

/// Killed at each dangerous point (`--features failpoints`), then run
/// again: every item lands exactly once and the ledger stays valid.
#[cfg(feature = "failpoints")]
#[test]
fn items_land_exactly_once_whatever_the_crash() {
    const POINTS: &[(&str, usize)] = &[
        ("publish::before-request", 2),
        ("publish::after-request", 1),
        ("publish::after-request", 3),
        // Saves go: pending 1, posted 1, pending 2 ... so hit 2 loses
        // "posted 1" and hit 3 loses "pending 2".
        ("ledger::before-rename", 2),
        ("ledger::before-rename", 3),
    ];
    for &(point, hit) in POINTS {
        let server = XServer::start();
        let fixture = clinic(&server);
        let spec = if hit == 1 {
            format!("{point}=return")
        } else {
            format!("{point}={}*off->return", hit - 1)
        };
        let crashed = rounds()
            .env("ROUNDS_X_ACCESS_TOKEN", ACCESS_TOKEN)
            .env("FAILPOINTS", spec)
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
            ledger(&fixture);
        }
        let resumed = publish(&fixture, &[]);
        assert!(
            resumed.status.success(),
            "re-run after {point} #{hit}: {}",
            stderr(&resumed)
        );
        assert_posted_once(&server, &fixture);
        assert_eq!(
            server.duplicate_refusals(),
            0,
            "after {point} #{hit}: found on the timeline before posting again"
        );
        assert_clean(&server);
    }
}
