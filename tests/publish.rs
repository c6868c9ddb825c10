//! `rounds publish` against a Mastodon contract server and a real Bluesky PDS
//! on 127.0.0.1: exactly once, through faults and a killed process.

use std::process::Output;
use std::time::{Duration, Instant};

use crate::common::mastodon::{DEFAULT_TOKEN, Fault, MastodonServer};
use crate::common::{Fixture, post, rounds, stderr};
use serde_json::Value;

fn clinic(mastodon: &str, bluesky: Option<&str>) -> Fixture {
    let fixture = Fixture::new(&[
        (
            "content/blog/bp.md",
            &post(
                "Blood pressure basics",
                "date = 2026-01-10\ntags = [\"heart health\"]\n[social]\nteaser = \"Café-style tips 💓 for your blood pressure.\"\nask = \"Do you check yours at home?\"",
                "Body.",
            ),
        ),
        (
            "content/blog/later.md",
            &post("Not yet", "date = 2099-01-01", "Body."),
        ),
    ]);
    let mut config = format!(
        "{}\n[networks.mastodon]\ninstance = \"{mastodon}\"\n",
        crate::common::CONFIG
    );
    if let Some(service) = bluesky {
        config.push_str(&format!("\n[networks.bluesky]\ninstance = \"{service}\"\n"));
    }
    fixture.write("config.toml", &config);
    fixture
}

fn publish(fixture: &Fixture, args: &[&str]) -> Output {
    rounds()
        .env(mastodon_var(), DEFAULT_TOKEN)
        .env("ROUNDS_STATE_DIR", fixture.root().join(".state"))
        .args(["publish", "--yes", "--root"])
        .arg(fixture.root())
        .args(args)
        .output()
        .unwrap()
}

fn mastodon_var() -> &'static str {
    "ROUNDS_MASTODON_TOKEN"
}

fn ledger(fixture: &Fixture) -> toml::Table {
    let text =
        std::fs::read_to_string(fixture.root().join("syndication.toml")).expect("ledger written");
    toml::from_str(&text).expect("the ledger is always valid TOML")
}

fn posted_ids(fixture: &Fixture) -> Vec<String> {
    let ledger = ledger(fixture);
    let items = ledger
        .get("item")
        .and_then(|i| i.as_array())
        .cloned()
        .unwrap_or_default();
    items
        .iter()
        .filter(|i| i["state"].as_str() == Some("posted"))
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn due_items_are_posted_once_and_recorded() {
    let server = MastodonServer::start();
    let fixture = clinic(&server.url(), None);
    let out = publish(&fixture, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let texts = server.posted_texts();
    assert_eq!(
        texts.len(),
        2,
        "teaser and discussion, not the post dated 2099: {texts:?}"
    );
    assert!(texts[0].contains("utm_source=mastodon"));
    let statuses = server.requests_to("POST", "/api/v1/statuses");
    assert!(statuses.iter().all(|r| {
        r.header("idempotency-key")
            .is_some_and(|k| k.starts_with("blog/bp/"))
    }));
    assert!(
        server.contract_violations().is_empty(),
        "{:?}",
        server.contract_violations()
    );
    assert_eq!(posted_ids(&fixture).len(), 2);

    // A second run posts nothing and says why, in a table per network.
    let again = publish(&fixture, &[]);
    assert!(again.status.success());
    assert_eq!(server.posted_texts().len(), 2);
    let table = stderr(&again);
    let header = table
        .lines()
        .find(|l| l.contains("already posted"))
        .expect(&table);
    assert!(header.contains("not yet due"), "{table}");
    let row: Vec<&str> = table
        .lines()
        .find(|l| l.starts_with("Mastodon"))
        .expect(&table)
        .split_whitespace()
        .collect();
    assert_eq!(
        row[1..],
        ["2", "1"],
        "2 already posted, 1 not yet due: {table}"
    );

    // The build now links to the copies.
    fixture.build_ok();
    assert!(
        fixture
            .read("blog/bp/index.html")
            .contains("rel=\"syndication\"")
    );
}

#[test]
fn a_dry_run_sends_nothing_and_writes_nothing() {
    let server = MastodonServer::start();
    let fixture = clinic(&server.url(), None);
    let out = publish(&fixture, &["--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains("blog/bp/teaser/mastodon") && printed.contains("Café-style tips 💓"),
        "{printed}"
    );
    assert!(server.requests().is_empty(), "a dry run made requests");
    assert!(!fixture.root().join("syndication.toml").exists());
}

#[test]
fn transient_faults_are_retried_without_double_posting() {
    let server = MastodonServer::start();
    // Faults apply to the next requests whatever they are, and the client tries
    // an item up to four times. The first item meets a 429 (Retry-After), a 502
    // after the server stored the status, and a reset connection; its fourth try
    // must get the stored status back through the Idempotency-Key, not post again.
    server.push_fault(
        "POST /api/v1/statuses",
        Fault::TooMany {
            retry_after_secs: 1,
        },
    );
    server.push_fault("POST /api/v1/statuses", Fault::FailAfterCommit(502));
    server.push_fault("POST /api/v1/statuses", Fault::Reset);
    let fixture = clinic(&server.url(), None);
    let out = publish(&fixture, &[]);
    let log: Vec<_> = server
        .requests()
        .iter()
        .map(|r| {
            (
                r.path.clone(),
                r.header("idempotency-key").map(str::to_string),
                r.response_status,
            )
        })
        .collect();
    assert!(out.status.success(), "{}\n{log:#?}", stderr(&out));
    let mut texts = server.posted_texts();
    assert_eq!(texts.len(), 2, "{texts:?}");
    texts.dedup();
    assert_eq!(texts.len(), 2, "nothing posted twice");
    assert_eq!(posted_ids(&fixture).len(), 2);
}

#[test]
fn a_rejection_is_reported_with_the_servers_message() {
    let server = MastodonServer::with_token("another-token");
    let fixture = clinic(&server.url(), None);
    let out = publish(&fixture, &[]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("The access token is invalid"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        server.requests_to("POST", "/api/v1/statuses").len(),
        2,
        "a 401 is not retried"
    );
}

#[test]
fn secrets_never_appear_in_output_or_files() {
    let server = MastodonServer::with_token("another-token");
    let fixture = clinic(&server.url(), None);
    let secret = DEFAULT_TOKEN;
    let out = publish(&fixture, &[]);
    let everything = format!("{}{}", stderr(&out), String::from_utf8_lossy(&out.stdout));
    assert!(!everything.contains(secret));
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
    let server = MastodonServer::start();
    let fixture = clinic(&server.url(), None);
    let out = rounds()
        .env_remove(mastodon_var())
        .args(["publish", "--yes", "--root"])
        .arg(fixture.root())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("ROUNDS_MASTODON_TOKEN"),
        "{}",
        stderr(&out)
    );
    assert!(server.requests().is_empty());
}

#[test]
fn a_killed_publish_resumes_and_posts_each_item_exactly_once() {
    let server = MastodonServer::start();
    // The second status is stored at once, then its reply hangs: kill the process there.
    server.push_fault("POST /api/v1/statuses", Fault::Slow(Duration::ZERO));
    server.push_fault(
        "POST /api/v1/statuses",
        Fault::Slow(Duration::from_secs(30)),
    );
    let fixture = clinic(&server.url(), None);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("rounds"))
        .env(mastodon_var(), DEFAULT_TOKEN)
        .args(["publish", "--yes", "--quiet", "--root"])
        .arg(fixture.root())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while server.posted_texts().len() < 2 && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        server.posted_texts().len(),
        2,
        "both stored before the kill"
    );
    // The ledger is whole, and the second item is pending with its key.
    let table = ledger(&fixture);
    let pending = table["item"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["state"].as_str() == Some("pending"))
        .count();
    assert_eq!(pending, 1, "{table:#?}");

    let out = publish(&fixture, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        server.posted_texts().len(),
        2,
        "the re-run did not post again: {:?}",
        server.posted_texts()
    );
    assert_eq!(posted_ids(&fixture).len(), 2);
}

#[test]
fn bluesky_posts_have_facets_a_card_and_land_once() {
    let Some(url) = crate::common::pds::pds_url_or_skip() else {
        return;
    };
    let account = crate::common::pds::create_account(&url);
    let server = MastodonServer::start();
    let fixture = clinic(&server.url(), Some(&url));
    let run = || {
        rounds()
            .env(mastodon_var(), DEFAULT_TOKEN)
            .env("ROUNDS_BLUESKY_HANDLE", &account.handle)
            .env("ROUNDS_BLUESKY_APP_PASSWORD", &account.password)
            .env("ROUNDS_STATE_DIR", fixture.root().join(".state"))
            .args(["publish", "--yes", "--network", "bluesky", "--root"])
            .arg(fixture.root())
            .output()
            .unwrap()
    };
    let out = run();
    assert!(out.status.success(), "{}", stderr(&out));
    let posts = crate::common::pds::list_posts(&url, &account.did);
    assert_eq!(posts.len(), 2, "{posts:#?}");
    for entry in &posts {
        let record: &Value = &entry["value"];
        let text = record["text"].as_str().unwrap();
        assert!(text.chars().count() <= 300);
        let bytes = text.as_bytes();
        let facets = record["facets"].as_array().unwrap();
        let slice = |f: &Value| {
            let start = f["index"]["byteStart"].as_u64().unwrap() as usize;
            let end = f["index"]["byteEnd"].as_u64().unwrap() as usize;
            String::from_utf8(bytes[start..end].to_vec()).unwrap()
        };
        let link = facets
            .iter()
            .find(|f| f["features"][0]["$type"] == "app.bsky.richtext.facet#link")
            .expect("link facet");
        // The text shows the address short; the facet leads to the tracked one.
        assert_eq!(slice(link), "heart.example/blog/bp");
        assert!(
            link["features"][0]["uri"]
                .as_str()
                .unwrap()
                .starts_with("https://heart.example/blog/bp/?utm_source=bluesky")
        );
        let tag = facets
            .iter()
            .find(|f| f["features"][0]["$type"] == "app.bsky.richtext.facet#tag")
            .expect("tag facet");
        assert_eq!(slice(tag), "#HeartHealth");
        assert_eq!(record["embed"]["$type"], "app.bsky.embed.external");
        assert_eq!(
            record["embed"]["external"]["uri"], link["features"][0]["uri"],
            "the card leads where the link does"
        );
        assert_eq!(record["langs"][0], "en");
    }
    assert!(posts.iter().any(|p| {
        p["value"]["text"]
            .as_str()
            .unwrap()
            .contains("Café-style tips 💓")
    }));
    // Again: nothing new, and the session was resumed rather than re-created.
    let again = run();
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(crate::common::pds::list_posts(&url, &account.did).len(), 2);
    let state = std::fs::read_dir(fixture.root().join(".state"))
        .unwrap()
        .count();
    assert_eq!(state, 1, "one saved session");
}

/// A teaser that fills most of Bluesky's 300 characters keeps its last words:
/// the long tracked address is a facet behind a short form, not text.
#[test]
fn bluesky_writes_a_long_tracked_link_short_and_keeps_the_words() {
    let Some(url) = crate::common::pds::pds_url_or_skip() else {
        return;
    };
    let account = crate::common::pds::create_account(&url);
    let server = MastodonServer::start();
    let fixture = clinic(&server.url(), Some(&url));
    let teaser = "RSV can make babies very sick. Watch for fast breathing, a cough that gets worse, \
                  trouble feeding or fewer wet diapers. Most babies get better at home with rest and fluids, \
                  but if your baby is working hard to breathe or has blue lips, call us right away.";
    fixture.write(
        "content/blog/rsv-in-babies-what-parents-should-watch-for.md",
        &post(
            "RSV in babies: what parents should watch for",
            &format!("date = 2026-01-12\ntags = [\"RSV\"]\n[social]\nteaser = \"{teaser}\""),
            "Body.",
        ),
    );
    fixture.remove("content/blog/bp.md");
    let out = rounds()
        .env("ROUNDS_BLUESKY_HANDLE", &account.handle)
        .env("ROUNDS_BLUESKY_APP_PASSWORD", &account.password)
        .env("ROUNDS_STATE_DIR", fixture.root().join(".state"))
        .args([
            "publish",
            "--yes",
            "--network",
            "bluesky",
            "--only",
            "rsv",
            "--root",
        ])
        .arg(fixture.root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let posts = crate::common::pds::list_posts(&url, &account.did);
    let teaser_post = posts
        .iter()
        .map(|p| &p["value"])
        .find(|v| v["text"].as_str().unwrap().starts_with("RSV can make"))
        .unwrap_or_else(|| panic!("the teaser was posted: {posts:#?}"));
    let text = teaser_post["text"].as_str().unwrap();
    assert!(
        text.contains("call us right away."),
        "the teaser kept its words: {text}"
    );
    assert!(
        !text.contains("utm_source"),
        "no tracked address in the text: {text}"
    );
    assert!(text.contains("heart.example/blog/rsv-in-bab…"), "{text}");
    let link = teaser_post["facets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["features"][0]["$type"] == "app.bsky.richtext.facet#link")
        .expect("a link facet");
    let (start, end) = (
        link["index"]["byteStart"].as_u64().unwrap() as usize,
        link["index"]["byteEnd"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        &text.as_bytes()[start..end],
        "heart.example/blog/rsv-in-bab…".as_bytes()
    );
    let uri = link["features"][0]["uri"].as_str().unwrap();
    assert!(
        uri.starts_with("https://heart.example/blog/rsv-in-babies-what-parents-should-watch-for/?utm_source=bluesky"),
        "{uri}"
    );
    assert_eq!(teaser_post["embed"]["external"]["uri"], uri);
}

#[test]
fn mastodon_polls_go_out_natively_within_the_instance_limits() {
    let server = MastodonServer::start();
    let fixture = clinic(&server.url(), None);
    fixture.write(
        "content/blog/poll.md",
        &post(
            "Salt poll",
            "date = 2026-01-11\n[[social.poll]]\nquestion = \"How often do you check labels?\"\noptions = [\"Always\", \"Sometimes\", \"Never\"]\nduration = \"3d\"",
            "Body.",
        ),
    );
    let out = publish(&fixture, &["--only", "poll"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let polls: Vec<_> = server
        .statuses()
        .into_iter()
        .filter(|s| !s["poll"].is_null())
        .collect();
    assert_eq!(polls.len(), 1, "{:#?}", server.statuses());
    let request = server
        .requests_to("POST", "/api/v1/statuses")
        .into_iter()
        .find(|r| r.json().is_some_and(|b| !b["poll"].is_null()))
        .unwrap();
    let body = request.json().unwrap();
    assert_eq!(
        body["poll"]["options"],
        serde_json::json!(["Always", "Sometimes", "Never"])
    );
    assert_eq!(body["poll"]["expires_in"], 259_200);
    assert!(
        server.contract_violations().is_empty(),
        "{:?}",
        server.contract_violations()
    );
}

fn outcomes(out: &Output) -> Vec<(String, String)> {
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_string(),
                i["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn with_approval_required_only_approved_items_go_out() {
    let server = MastodonServer::start();
    let fixture = clinic(&server.url(), None);
    let config = std::fs::read_to_string(fixture.root().join("config.toml")).unwrap();
    fixture.write(
        "config.toml",
        &format!("{config}\n[publish]\nrequire_approval = true\n"),
    );
    let out = publish(&fixture, &["--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        server.requests().is_empty(),
        "nothing approved, nothing sent"
    );
    assert!(
        outcomes(&out)
            .iter()
            .filter(|(id, _)| id.starts_with("blog/bp/"))
            .all(|(_, o)| o == "awaiting approval"),
        "{:?}",
        outcomes(&out)
    );

    // A typo is refused with a suggestion, and nothing is written.
    let typo = rounds()
        .args(["social", "approve", "blog/bp/teaser/mastodn", "--root"])
        .arg(fixture.root())
        .output()
        .unwrap();
    assert!(!typo.status.success());
    assert!(
        stderr(&typo).contains("did you mean `blog/bp/teaser/mastodon`"),
        "{}",
        stderr(&typo)
    );
    assert!(!fixture.root().join("syndication.toml").exists());

    let approve = rounds()
        .args(["social", "approve", "blog/bp/teaser/mastodon", "--root"])
        .arg(fixture.root())
        .output()
        .unwrap();
    assert!(approve.status.success(), "{}", stderr(&approve));
    let table = ledger(&fixture);
    let states: Vec<(&str, &str)> = table["item"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["id"].as_str().unwrap(), i["state"].as_str().unwrap()))
        .collect();
    assert_eq!(states, [("blog/bp/teaser/mastodon", "approved")]);

    // The preview shows the state before anything is sent.
    fixture.build_ok();
    let preview =
        std::fs::read_to_string(fixture.root().join("outreach/index.html")).expect("preview");
    assert!(preview.contains("approved"), "preview shows the approval");

    let out = publish(&fixture, &["--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server.posted_texts().len(), 1, "only the approved teaser");
    assert!(
        outcomes(&out).contains(&("blog/bp/teaser/mastodon".into(), "posted".into())),
        "{:?}",
        outcomes(&out)
    );
    assert_eq!(posted_ids(&fixture), ["blog/bp/teaser/mastodon"]);

    // A whole post can be approved at once; withdrawing leaves posted items alone.
    let post_wide = rounds()
        .args([
            "social",
            "approve",
            "blog/bp",
            "--network",
            "mastodon",
            "--root",
        ])
        .arg(fixture.root())
        .output()
        .unwrap();
    assert!(post_wide.status.success(), "{}", stderr(&post_wide));
    let withdraw = rounds()
        .args([
            "social",
            "unapprove",
            "blog/bp",
            "--format",
            "json",
            "--root",
        ])
        .arg(fixture.root())
        .output()
        .unwrap();
    let changed: Value = serde_json::from_slice(&withdraw.stdout).unwrap();
    let changed: Vec<&str> = changed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["changed"] == true)
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(changed, ["blog/bp/discussion/mastodon"]);
    assert_eq!(posted_ids(&fixture), ["blog/bp/teaser/mastodon"]);
}

#[test]
fn a_reply_slower_than_the_timeout_is_retried_and_lands_once() {
    let server = MastodonServer::start();
    // Stored at once, answered after 4 s; the client gives up after 1 s.
    server.push_fault("POST /api/v1/statuses", Fault::Slow(Duration::from_secs(4)));
    let fixture = clinic(&server.url(), None);
    let config = std::fs::read_to_string(fixture.root().join("config.toml")).unwrap();
    fixture.write(
        "config.toml",
        &format!("{config}\n[publish]\ntimeout = \"1s\"\n"),
    );
    let started = Instant::now();
    let out = publish(&fixture, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "did not wait for the slow reply"
    );
    let statuses = server.requests_to("POST", "/api/v1/statuses");
    assert_eq!(
        statuses.len(),
        3,
        "a timed-out try, its retry, the second item"
    );
    assert_eq!(
        statuses[0].header("idempotency-key"),
        statuses[1].header("idempotency-key"),
        "the retry carries the same key"
    );
    assert_eq!(
        server.posted_texts().len(),
        2,
        "{:?}",
        server.posted_texts()
    );
    assert_eq!(posted_ids(&fixture).len(), 2);
}

#[test]
fn a_bad_publish_setting_names_its_line() {
    let server = MastodonServer::start();
    let fixture = clinic(&server.url(), None);
    let config = std::fs::read_to_string(fixture.root().join("config.toml")).unwrap();
    fixture.write(
        "config.toml",
        &format!("{config}\n[publish]\ntimeout = \"soon\"\n"),
    );
    let out = publish(&fixture, &[]);
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(message.contains("`soon` is not a duration"), "{message}");
    assert!(message.contains("config.toml:"), "{message}");
    assert!(server.requests().is_empty());
}

#[test]
fn the_posts_image_is_uploaded_with_its_alt_text_before_the_status() {
    let server = MastodonServer::start();
    let fixture = clinic(&server.url(), None);
    fixture.write_bytes(
        "static/images/pulse.png",
        include_bytes!("fixtures/images/pulse.png"),
    );
    fixture.write(
        "content/blog/bp.md",
        &post(
            "Blood pressure basics",
            "date = 2026-01-10\nimage = \"/images/pulse.png\"\nimage_alt = \"A nurse takes a man's blood pressure\"\n[social]\nteaser = \"Know your numbers.\"",
            "Body.",
        ),
    );
    fixture.build_ok();
    let out = publish(&fixture, &["--only", "bp"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let order: Vec<String> = server
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(order[0], "/api/v2/media", "{order:?}");
    let media = server.media();
    assert_eq!(media.len(), 1, "one upload for the teaser");
    assert_eq!(
        media[0].attachment["description"],
        "A nurse takes a man's blood pressure"
    );
    let teaser = server
        .statuses()
        .into_iter()
        .find(|s| !s["media_attachments"].as_array().unwrap().is_empty())
        .expect("a status with the image");
    assert_eq!(
        teaser["media_attachments"][0]["id"],
        media[0].attachment["id"]
    );
    assert!(
        server.contract_violations().is_empty(),
        "{:?}",
        server.contract_violations()
    );
}

#[test]
fn a_pending_item_older_than_the_idempotency_window_is_found_not_reposted() {
    // The server forgets keys at once, as a real one does after an hour.
    let server = MastodonServer::start_with(crate::common::mastodon::Config {
        idempotency_ttl: Duration::ZERO,
        ..Default::default()
    });
    let fixture = clinic(&server.url(), None);
    let out = publish(&fixture, &["--only", "bp"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server.posted_texts().len(), 2);
    // Rewind the ledger to a crash two hours ago, after the post landed but
    // before it was recorded.
    let mut table = ledger(&fixture);
    let urls: Vec<String> = table["item"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["url"].as_str().unwrap().to_string())
        .collect();
    let two_hours_ago = (chrono::Utc::now() - chrono::Duration::hours(2))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    for item in table["item"].as_array_mut().unwrap() {
        let item = item.as_table_mut().unwrap();
        item.insert("state".into(), "pending".into());
        item.insert("at".into(), two_hours_ago.clone().into());
        item.remove("url");
        let key = item["id"].as_str().unwrap().to_string();
        item.insert("remote_id".into(), key.into());
    }
    fixture.write("syndication.toml", &toml::to_string(&table).unwrap());

    let out = publish(&fixture, &["--only", "bp"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        server.posted_texts().len(),
        2,
        "found among the account's statuses, not posted again"
    );
    let found: Vec<String> = ledger(&fixture)["item"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["url"].as_str().unwrap().to_string())
        .collect();
    let (mut found, mut urls) = (found, urls);
    found.sort();
    urls.sort();
    assert_eq!(found, urls);
    assert_eq!(posted_ids(&fixture).len(), 2);
}

#[test]
fn a_rejected_item_is_marked_failed_and_tried_again_next_run() {
    let server = MastodonServer::start();
    server.push_fault("POST /api/v1/statuses", Fault::Status(422));
    let fixture = clinic(&server.url(), None);
    let out = publish(&fixture, &[]);
    assert!(!out.status.success(), "a failure fails the run");
    assert_eq!(server.posted_texts().len(), 1, "the other item went on");
    let table = ledger(&fixture);
    let failed: Vec<&str> = table["item"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["state"].as_str() == Some("failed"))
        .map(|i| i["error"].as_str().unwrap())
        .collect();
    assert_eq!(failed.len(), 1, "{table:#?}");
    assert!(
        failed[0].starts_with("422"),
        "the server's message is kept: {failed:?}"
    );

    let again = publish(&fixture, &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(server.posted_texts().len(), 2);
    assert_eq!(posted_ids(&fixture).len(), 2);
}

/// Issue 19 item 1: what was sent is recorded, so a later change to the
/// post shows as drift in `rounds social`, with both versions, and a
/// second `rounds publish` still sends nothing for it.
#[test]
fn a_posted_item_whose_post_changed_is_shown_as_drift_with_both_versions() {
    let server = MastodonServer::start();
    let fixture = clinic(&server.url(), None);
    let out = publish(&fixture, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let ledger = ledger(&fixture);
    let teaser = ledger["item"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"].as_str() == Some("blog/bp/teaser/mastodon"))
        .expect("the teaser's record")
        .clone();
    assert!(
        teaser["sent"].as_str().is_some_and(|s| s.len() == 24),
        "{teaser}"
    );
    assert!(
        teaser["sent_text"]
            .as_str()
            .is_some_and(|t| t.contains("Café-style tips")),
        "{teaser}"
    );
    let social = |args: &[&str]| {
        rounds()
            .args(["social", "--root"])
            .arg(fixture.root())
            .args(args)
            .output()
            .unwrap()
    };
    let json: Value = serde_json::from_slice(&social(&["--format", "json"]).stdout).unwrap();
    assert_eq!(
        json["changed_since_posted"],
        serde_json::json!([]),
        "nothing changed yet"
    );

    fixture.write(
        "content/blog/bp.md",
        &post(
            "Blood pressure basics",
            "date = 2026-01-10\ntags = [\"heart health\"]\n[social]\nteaser = \"Kitchen-table tips for your blood pressure.\"\nask = \"Do you check yours at home?\"",
            "Body.",
        ),
    );
    let json: Value = serde_json::from_slice(&social(&["--format", "json"]).stdout).unwrap();
    let drift = json["changed_since_posted"].as_array().unwrap();
    assert_eq!(drift.len(), 1, "only the teaser changed: {drift:?}");
    assert_eq!(drift[0]["id"], "blog/bp/teaser/mastodon");
    assert!(
        drift[0]["posted_text"]
            .as_str()
            .unwrap()
            .contains("Café-style tips")
    );
    assert!(
        drift[0]["text"]
            .as_str()
            .unwrap()
            .contains("Kitchen-table tips")
    );
    let human = String::from_utf8_lossy(&social(&[]).stdout).to_string();
    assert!(human.contains("Changed since posted (1)"), "{human}");
    assert!(
        human.contains("posted:") && human.contains("now:"),
        "{human}"
    );
    // A silent change is shown, never sent.
    let again = publish(&fixture, &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(server.posted_texts().len(), 2);
}
