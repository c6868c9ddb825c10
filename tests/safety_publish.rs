//! `rounds publish` under pressure (issue 14, defects 9–11): two runs at once,
//! settings out of range, a worker that stops, a network that keeps asking to
//! wait, replies without an id, a ledger that contradicts itself and a network
//! address that is not one. Every server is a contract server on 127.0.0.1.

use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::contract::Response;
use crate::common::mastodon::{DEFAULT_TOKEN, Fault, MastodonServer};
use crate::common::x::XServer;
use crate::common::{Fixture, post, rounds, stderr};
use serde_json::json;

const TOKEN_VAR: &str = "ROUNDS_MASTODON_TOKEN";

/// Two items for Mastodon (a teaser and a discussion starter) and one not yet due.
fn clinic(mastodon: &str, publish: &str) -> Fixture {
    let fixture = Fixture::new(&[
        (
            "content/blog/bp.md",
            &post(
                "Blood pressure basics",
                "date = 2026-01-10\n[social]\nteaser = \"Tips for your blood pressure.\"\nask = \"Do you check yours at home?\"",
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
            "{}\n[networks.mastodon]\ninstance = \"{mastodon}\"\n{publish}",
            crate::common::CONFIG
        ),
    );
    fixture
}

/// A Mastodon that posts every request again, as one without idempotency
/// keys does (the key is forgotten at once).
fn forgetful_mastodon() -> MastodonServer {
    MastodonServer::start_with(crate::common::mastodon::Config {
        idempotency_ttl: Duration::ZERO,
        ..Default::default()
    })
}

fn publish(fixture: &Fixture, args: &[&str]) -> Output {
    rounds()
        .env(TOKEN_VAR, DEFAULT_TOKEN)
        .env("ROUNDS_STATE_DIR", fixture.root().join(".state"))
        .env_remove("FAILPOINTS")
        .args(["publish", "--yes", "--root"])
        .arg(fixture.root())
        .args(args)
        .output()
        .unwrap()
}

/// `rounds publish --yes` in the background.
fn spawn_publish(fixture: &Fixture, args: &[&str]) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("rounds"))
        .env("NO_COLOR", "1")
        .env(TOKEN_VAR, DEFAULT_TOKEN)
        .env("ROUNDS_STATE_DIR", fixture.root().join(".state"))
        .env_remove("FAILPOINTS")
        .args(["publish", "--yes", "--root"])
        .arg(fixture.root())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn wait_until(what: &str, done: impl Fn() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "timed out waiting until {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn ledger_states(fixture: &Fixture) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(fixture.root().join("syndication.toml")).expect("ledger");
    let table: toml::Table = toml::from_str(&text).expect("the ledger is valid TOML");
    let mut states: Vec<(String, String)> = table
        .get("item")
        .and_then(|i| i.as_array())
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_string(),
                i["state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    states.sort();
    states
}

const BOTH_POSTED: [(&str, &str); 2] = [
    ("blog/bp/discussion/mastodon", "posted"),
    ("blog/bp/teaser/mastodon", "posted"),
];

fn assert_both_posted_once(server: &MastodonServer, fixture: &Fixture) {
    let texts = server.posted_texts();
    assert_eq!(texts.len(), 2, "each item posted exactly once: {texts:#?}");
    assert_ne!(texts[0], texts[1]);
    let states = ledger_states(fixture);
    let expected: Vec<(String, String)> = BOTH_POSTED
        .iter()
        .map(|(i, s)| (i.to_string(), s.to_string()))
        .collect();
    assert_eq!(states, expected);
}

/// The 1-based line of `config.toml` that starts with `key =`.
fn config_line(fixture: &Fixture, key: &str) -> usize {
    let text = std::fs::read_to_string(fixture.root().join("config.toml")).unwrap();
    text.lines()
        .position(|l| l.trim_start().starts_with(&format!("{key} =")))
        .expect("the key is in config.toml")
        + 1
}

// ---------------------------------------------------------------------------
// Defect 9: one run at a time

#[test]
fn a_second_publish_stops_at_once_while_one_runs() {
    let server = forgetful_mastodon();
    // The first status is stored at once and answered 3 s later: the first run
    // is mid-post, holding the ledger, when the second starts.
    server.push_fault("POST /api/v1/statuses", Fault::Slow(Duration::from_secs(3)));
    let fixture = clinic(&server.url(), "");
    let first = spawn_publish(&fixture, &[]);
    wait_until("the first run has posted", || {
        !server.posted_texts().is_empty()
    });

    let started = Instant::now();
    let second = publish(&fixture, &[]);
    let said = stderr(&second);
    assert!(!second.status.success(), "the second run must stop: {said}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "it stops at once, it does not wait for the first"
    );
    assert!(
        said.contains(&format!("pid {}", first.id())) && said.contains("--wait"),
        "names the other run and the way to wait for it: {said}"
    );

    let first = first.wait_with_output().unwrap();
    assert!(first.status.success(), "{}", stderr(&first));
    assert_both_posted_once(&server, &fixture);
}

#[test]
fn a_publish_with_wait_waits_for_the_other_and_posts_nothing_twice() {
    let server = forgetful_mastodon();
    server.push_fault("POST /api/v1/statuses", Fault::Slow(Duration::from_secs(2)));
    let fixture = clinic(&server.url(), "");
    let first = spawn_publish(&fixture, &[]);
    wait_until("the first run has posted", || {
        !server.posted_texts().is_empty()
    });

    let second = publish(&fixture, &["--wait"]);
    let said = stderr(&second);
    assert!(second.status.success(), "{said}");
    assert!(said.contains("waiting"), "says it waits: {said}");
    let first = first.wait_with_output().unwrap();
    assert!(first.status.success(), "{}", stderr(&first));
    assert_both_posted_once(&server, &fixture);
    assert!(
        said.lines()
            .any(|l| l.starts_with("Mastodon") && l.split_whitespace().nth(1) == Some("2")),
        "the waiting run found both already posted: {said}"
    );
}

#[test]
fn runs_started_together_post_each_item_once() {
    let server = forgetful_mastodon();
    let fixture = clinic(&server.url(), "");
    let runs: Vec<Child> = (0..3)
        .map(|_| spawn_publish(&fixture, &["--wait"]))
        .collect();
    for run in runs {
        let out = run.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert_both_posted_once(&server, &fixture);
    assert!(
        !fixture.root().join("syndication.toml.lock").exists(),
        "the lock file goes with the last run"
    );
}

#[test]
fn a_dry_run_neither_takes_nor_waits_for_the_lock() {
    let server = forgetful_mastodon();
    server.push_fault("POST /api/v1/statuses", Fault::Slow(Duration::from_secs(3)));
    let fixture = clinic(&server.url(), "");
    let first = spawn_publish(&fixture, &[]);
    wait_until("the first run has posted", || {
        !server.posted_texts().is_empty()
    });
    let started = Instant::now();
    let dry = publish(&fixture, &["--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "it did not wait"
    );
    let first = first.wait_with_output().unwrap();
    assert!(first.status.success(), "{}", stderr(&first));
    assert_both_posted_once(&server, &fixture);
}

// ---------------------------------------------------------------------------
// Defect 10: settings in range, and no panic turned into success

#[test]
fn a_huge_timeout_is_refused_at_its_line_with_the_range() {
    let server = MastodonServer::start();
    let fixture = clinic(
        &server.url(),
        "\n[publish]\ntimeout = \"9999999999999999999h\"\n",
    );
    let line = config_line(&fixture, "timeout");
    for args in [
        vec!["build"],
        vec!["check"],
        vec!["publish", "--dry-run"],
        vec!["publish", "--yes"],
    ] {
        let out = rounds()
            .env(TOKEN_VAR, DEFAULT_TOKEN)
            .args(&args)
            .arg("--root")
            .arg(fixture.root())
            .output()
            .unwrap();
        let said = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {said}");
        assert!(
            said.contains(&format!("config.toml:{line}:")),
            "{args:?} names the line: {said}"
        );
        assert!(
            said.contains("timeout") && said.contains("1s") && said.contains("10m"),
            "{args:?} gives the allowed range: {said}"
        );
        assert!(!said.contains("panicked"), "{said}");
    }
    assert!(server.requests().is_empty());
}

#[test]
fn out_of_range_counts_and_waits_name_their_line() {
    let server = MastodonServer::start();
    let fixture = clinic(
        &server.url(),
        "max_hashtags = 100000\n\n[publish]\nmax_wait = \"30d\"\n",
    );
    let out = fixture.build(&[]);
    let said = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    for key in ["max_hashtags", "max_wait"] {
        let line = config_line(&fixture, key);
        assert!(
            said.contains(&format!("config.toml:{line}:")) && said.contains(key),
            "{key} at line {line}: {said}"
        );
    }
}

#[test]
fn a_worker_that_stops_fails_the_run() {
    let server = MastodonServer::start();
    let fixture = clinic(&server.url(), "");
    let out = rounds()
        .env(TOKEN_VAR, DEFAULT_TOKEN)
        .env("FAILPOINTS", "publish::before-request=panic")
        .args(["publish", "--yes", "--root"])
        .arg(fixture.root())
        .output()
        .unwrap();
    let said = stderr(&out);
    assert!(
        !out.status.success(),
        "a stopped worker is a failure: {said}"
    );
    assert!(!said.contains("Nothing to publish."), "{said}");
    assert!(said.contains("Mastodon"), "names the network: {said}");
}

// ---------------------------------------------------------------------------
// Defect 11

#[test]
fn a_network_that_keeps_asking_to_wait_is_left_for_the_next_run() {
    let server = MastodonServer::start();
    for _ in 0..40 {
        server.push_fault(
            "POST /api/v1/statuses",
            Fault::TooMany {
                retry_after_secs: 2,
            },
        );
    }
    let fixture = clinic(&server.url(), "\n[publish]\nmax_wait = \"3s\"\n");
    let started = Instant::now();
    let out = publish(&fixture, &[]);
    let took = started.elapsed();
    let said = stderr(&out);
    assert!(!out.status.success(), "not everything went out: {said}");
    assert!(
        took < Duration::from_secs(8),
        "stopped after about 3 s of waiting, took {took:?}: {said}"
    );
    assert!(said.contains("max_wait"), "says why it stopped: {said}");
    assert!(server.posted_texts().is_empty());
    let sent = server.requests_to("POST", "/api/v1/statuses").len();
    assert!(sent <= 3, "no request after the wait ran out: {sent}");
    // Nothing is marked failed, so nothing is lost: the next run posts it all.
    let states = ledger_states(&fixture);
    assert!(
        states.iter().all(|(_, state)| state == "pending"),
        "{states:?}"
    );
    // The network calms down.
    while server.pending_faults() > 0 {
        let _ = crate::common::contract::send(
            server.addr(),
            "POST",
            "/api/v1/statuses",
            &[],
            b"",
            Duration::from_secs(5),
        );
    }
    let again = publish(&fixture, &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_both_posted_once(&server, &fixture);
}

#[test]
fn a_mastodon_reply_without_an_id_leaves_the_item_pending() {
    let server = MastodonServer::start();
    server.push_fault(
        "POST /api/v1/statuses",
        Fault::Answer(Response::json(200, &json!({}))),
    );
    let fixture = clinic(&server.url(), "");
    let out = publish(&fixture, &["--only", "bp"]);
    assert!(!out.status.success());
    let mut states: Vec<String> = ledger_states(&fixture)
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    states.sort();
    assert_eq!(
        states,
        ["pending", "posted"],
        "an answer without an id is an unknown outcome, not a failure"
    );
    assert_eq!(
        server.requests_to("POST", "/api/v1/statuses").len(),
        2,
        "not sent again in the same run"
    );
    let again = publish(&fixture, &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_both_posted_once(&server, &fixture);
}

#[test]
fn an_x_reply_without_an_id_leaves_the_item_pending() {
    let server = XServer::start();
    server.push_fault(
        "POST /2/tweets",
        Fault::Answer(Response::json(
            201,
            &json!({"data": {"text": "Tips for your blood pressure."}}),
        )),
    );
    let fixture = Fixture::new(&[(
        "content/blog/bp.md",
        &post(
            "Blood pressure basics",
            "date = 2026-01-10\n[social]\nteaser = \"Tips for your blood pressure.\"",
            "Body.",
        ),
    )]);
    fixture.write(
        "config.toml",
        &format!(
            "{}\n[networks.x]\naccount = \"@RiversideHeart\"\ninstance = \"{}\"\n",
            crate::common::CONFIG,
            server.url()
        ),
    );
    let out = rounds()
        .env("ROUNDS_X_ACCESS_TOKEN", crate::common::x_api::ACCESS_TOKEN)
        .env(
            "ROUNDS_X_REFRESH_TOKEN",
            crate::common::x_api::REFRESH_TOKEN,
        )
        .env("ROUNDS_X_CLIENT_ID", crate::common::x_api::CLIENT_ID)
        .env("ROUNDS_STATE_DIR", fixture.root().join(".state"))
        .args(["publish", "--yes", "--root"])
        .arg(fixture.root())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let states = ledger_states(&fixture);
    assert!(
        states.contains(&("blog/bp/teaser/x".into(), "pending".into())),
        "{states:?}\n{}",
        stderr(&out)
    );
    assert_eq!(
        server.requests_to("POST", "/2/tweets").len(),
        1,
        "X has no idempotency key: an unknown outcome is never sent again blindly"
    );
}

#[test]
fn a_ledger_that_records_an_item_twice_is_refused_at_its_line() {
    let server = MastodonServer::start();
    let fixture = clinic(&server.url(), "");
    let ledger = "\
[[item]]
id = \"blog/bp/teaser/mastodon\"
network = \"mastodon\"
state = \"posted\"
url = \"https://med.example/@clinic/1\"

[[item]]
id = \"blog/bp/discussion/mastodon\"
network = \"mastodon\"
state = \"posted\"
url = \"https://med.example/@clinic/2\"

[[item]]
id = \"blog/bp/teaser/mastodon\"
network = \"mastodon\"
state = \"pending\"
";
    fixture.write("syndication.toml", ledger);
    for args in [vec!["build"], vec!["publish", "--yes"]] {
        let out = rounds()
            .env(TOKEN_VAR, DEFAULT_TOKEN)
            .args(&args)
            .arg("--root")
            .arg(fixture.root())
            .output()
            .unwrap();
        let said = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {said}");
        assert!(
            said.contains("syndication.toml:14:"),
            "{args:?} names the second record: {said}"
        );
        assert!(
            said.contains("blog/bp/teaser/mastodon")
                && said.contains("posted")
                && said.contains("pending"),
            "{args:?} names the item and both states: {said}"
        );
    }
    assert!(server.requests().is_empty());

    // The same state twice is refused too.
    fixture.write(
        "syndication.toml",
        &ledger.replace("\"pending\"", "\"posted\""),
    );
    let out = fixture.build(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("syndication.toml:14:"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_network_address_that_is_not_a_url_is_refused_by_every_command() {
    let fixture = clinic("not a url", "");
    let line = config_line(&fixture, "instance");
    for args in [
        vec!["build"],
        vec!["check"],
        vec!["social"],
        vec!["publish", "--dry-run"],
    ] {
        let out = rounds()
            .args(&args)
            .arg("--root")
            .arg(fixture.root())
            .output()
            .unwrap();
        let said = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {said}");
        assert!(
            said.contains(&format!("config.toml:{line}:")) && said.contains("instance"),
            "{args:?}: {said}"
        );
        assert!(!said.contains("builder error"), "{said}");
    }
}
