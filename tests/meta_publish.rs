//! `rounds publish` to Facebook Pages and Threads, the real binary against
//! their contract servers on 127.0.0.1: the posts' shapes, Facebook's
//! scheduled posts, Threads' two steps, and exactly once through faults, lost
//! replies and (with `--features failpoints`) a process killed at every
//! dangerous point.

use std::process::Output;

use crate::common::contract::{ContractServer, Fault};
use crate::common::facebook::{self, FacebookApi};
use crate::common::threads::{self, ThreadsApi};
use crate::common::{Fixture, ledger, post, rounds, stderr};
use chrono::{DateTime, Duration, SecondsFormat, Utc};

const FACEBOOK_VAR: &str = "ROUNDS_FACEBOOK_PAGE_TOKEN";
const THREADS_VAR: &str = "ROUNDS_THREADS_TOKEN";

fn feed() -> String {
    format!("/v25.0/{}/feed", facebook::PAGE_ID)
}

fn threads_edge(edge: &str) -> String {
    format!("/v1.0/{}/{edge}", threads::USER_ID)
}

/// A clinic with one due post (a teaser and a discussion item per network)
/// and one dated 2099.
fn clinic(facebook: Option<&str>, threads: Option<&str>) -> Fixture {
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
    let mut config = crate::common::CONFIG.to_string();
    if let Some(url) = facebook {
        config.push_str(&format!(
            "\n[networks.facebook]\ninstance = \"{url}\"\nid = \"{}\"\n",
            facebook::PAGE_ID
        ));
    }
    if let Some(url) = threads {
        config.push_str(&format!(
            "\n[networks.threads]\ninstance = \"{url}\"\nid = \"{}\"\n",
            threads::USER_ID
        ));
    }
    fixture.write("config.toml", &config);
    fixture
}

/// A post whose `[social] schedule` is this far ahead.
fn scheduled_post(fixture: &Fixture, ahead: Duration) -> DateTime<Utc> {
    let due = Utc::now() + ahead;
    let due = DateTime::parse_from_rfc3339(&due.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap()
        .with_timezone(&Utc);
    fixture.write(
        "content/blog/soon.md",
        &post(
            "Salt and the heart",
            &format!(
                "date = 2026-01-12\n[social]\nteaser = \"Where the salt hides in a café menu.\"\nschedule = \"{}\"",
                due.to_rfc3339_opts(SecondsFormat::Secs, true)
            ),
            "Body.",
        ),
    );
    due
}

fn command(fixture: &Fixture, args: &[&str]) -> assert_cmd::Command {
    let mut command = rounds();
    command
        .env(FACEBOOK_VAR, facebook::TOKEN)
        .env(THREADS_VAR, threads::TOKEN)
        .env("ROUNDS_STATE_DIR", fixture.root().join(".state"))
        .env_remove("FAILPOINTS")
        .args(["publish", "--yes", "--root"])
        .arg(fixture.root())
        .args(args);
    command
}

fn publish(fixture: &Fixture, args: &[&str]) -> Output {
    command(fixture, args).output().unwrap()
}

fn posted(fixture: &Fixture) -> Vec<String> {
    ledger::ids(fixture.root(), "posted")
}

fn no_violations<A: crate::common::contract::Api>(server: &ContractServer<A>) {
    let violations = server.contract_violations();
    assert!(violations.is_empty(), "{violations:#?}");
}

fn facebook_messages(server: &ContractServer<FacebookApi>) -> Vec<String> {
    server.with(|api| api.messages())
}

fn thread_texts(server: &ContractServer<ThreadsApi>) -> Vec<String> {
    server.with(|api| api.texts())
}

/// Each text once, and as many as expected.
fn once_each(mut texts: Vec<String>, expected: usize) {
    assert_eq!(texts.len(), expected, "{texts:#?}");
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), expected, "something was posted twice");
}

#[test]
fn facebook_link_posts_land_once_with_the_link_back() {
    let server = facebook::start();
    let fixture = clinic(Some(&server.url()), None);
    let out = publish(&fixture, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let posts = server.with(|api| api.posts.clone());
    assert_eq!(
        posts.len(),
        2,
        "teaser and discussion, not 2099: {posts:#?}"
    );
    for post in &posts {
        let link = post.link.as_deref().unwrap();
        assert!(
            link.starts_with("https://heart.example/blog/bp/?utm_source=facebook"),
            "{link}"
        );
        assert!(post.message.as_deref().unwrap().contains(link));
        assert_eq!(post.scheduled, None);
    }
    assert!(
        posts[0]
            .message
            .as_deref()
            .unwrap()
            .starts_with("Café-style tips 💓")
    );
    for request in server.requests_to("POST", &feed()) {
        assert_eq!(request.bearer(), Some(facebook::TOKEN));
        assert_eq!(request.mime(), "application/x-www-form-urlencoded");
        assert!(!request.body_text().contains("access_token"));
    }
    no_violations(&server);
    assert_eq!(posted(&fixture).len(), 2);
    let teaser = ledger::record(fixture.root(), "blog/bp/teaser/facebook").unwrap();
    assert_eq!(
        teaser["url"].as_str().unwrap(),
        format!("https://www.facebook.com/{}", posts[0].id)
    );

    let again = publish(&fixture, &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(
        server.requests_to("POST", &feed()).len(),
        2,
        "nothing sent again"
    );
    let table = stderr(&again);
    let row: Vec<&str> = table
        .lines()
        .find(|l| l.starts_with("Facebook"))
        .expect(&table)
        .split_whitespace()
        .collect();
    assert_eq!(
        row[1..],
        ["2", "1"],
        "2 already posted, 1 not yet due: {table}"
    );
}

#[test]
fn an_item_due_later_goes_to_facebook_as_a_scheduled_post() {
    let server = facebook::start();
    let fixture = clinic(Some(&server.url()), None);
    let due = scheduled_post(&fixture, Duration::days(3));
    let out = publish(&fixture, &["--only", "soon"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let requests = server.requests_to("POST", &feed());
    assert_eq!(requests.len(), 1);
    let form = requests[0].form();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    assert_eq!(field("published").as_deref(), Some("false"));
    assert_eq!(
        field("scheduled_publish_time"),
        Some(due.timestamp().to_string())
    );
    assert_eq!(server.with(|api| api.posts[0].scheduled), Some(due));
    no_violations(&server);
    // Recorded as posted: Facebook holds it and publishes it on time.
    assert_eq!(
        posted(&fixture),
        vec!["blog/soon/teaser/facebook".to_string()]
    );
    let again = publish(&fixture, &["--only", "soon"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(server.requests_to("POST", &feed()).len(), 1);
    assert!(
        stderr(&again).contains("already posted"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn an_item_beyond_facebooks_window_waits() {
    let server = facebook::start();
    let fixture = clinic(Some(&server.url()), None);
    scheduled_post(&fixture, Duration::days(45));
    let out = publish(&fixture, &["--only", "soon", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["items"][0]["outcome"], "not yet due");
    assert!(server.requests().is_empty());
}

#[test]
fn threads_posts_are_a_container_then_a_thread_once() {
    let server = threads::start();
    let fixture = clinic(None, Some(&server.url()));
    let out = publish(&fixture, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let containers = server.with(|api| api.containers.clone());
    assert_eq!(containers.len(), 2, "{containers:#?}");
    for container in &containers {
        assert_eq!(container.media_type, "TEXT");
        let link = container.link_attachment.as_deref().unwrap();
        assert!(
            link.starts_with("https://heart.example/blog/bp/?utm_source=threads"),
            "{link}"
        );
        assert!(container.text.as_deref().unwrap().contains(link));
    }
    once_each(thread_texts(&server), 2);
    // Each item: its container, then its publication, then its permalink.
    let steps: Vec<String> = server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        steps[0],
        format!("POST {}", threads_edge("threads")),
        "{steps:#?}"
    );
    assert_eq!(
        steps[1],
        format!("POST {}", threads_edge("threads_publish")),
        "{steps:#?}"
    );
    for request in server.requests() {
        assert_eq!(request.bearer(), Some(threads::TOKEN));
    }
    no_violations(&server);
    assert_eq!(posted(&fixture).len(), 2);
    let teaser = ledger::record(fixture.root(), "blog/bp/teaser/threads").unwrap();
    assert!(
        teaser["url"]
            .as_str()
            .unwrap()
            .starts_with("https://www.threads.net/@riversideheart/post/")
    );
    let before = server.requests().len();
    let again = publish(&fixture, &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(server.requests().len(), before, "a re-run sends nothing");
}

#[test]
fn threads_polls_are_native_and_images_come_from_the_deployed_site() {
    let server = threads::start();
    let fixture = clinic(None, Some(&server.url()));
    fixture.write_bytes(
        "static/images/pulse.png",
        include_bytes!("fixtures/images/pulse.png"),
    );
    fixture.write(
        "content/blog/bp.md",
        &post(
            "Blood pressure basics",
            "date = 2026-01-10\nimage = \"/images/pulse.png\"\nimage_alt = \"A nurse takes a man's blood pressure\"\n[social]\nteaser = \"Know your numbers.\"\n[[social.poll]]\nquestion = \"How often do you check your blood pressure?\"\noptions = [\"Daily\", \"Weekly\", \"Rarely\"]",
            "Body.",
        ),
    );
    fixture.build_ok();
    let out = publish(&fixture, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    no_violations(&server);
    let containers = server.with(|api| api.containers.clone());
    let image = containers
        .iter()
        .find(|c| c.media_type == "IMAGE")
        .expect("the teaser is an image post");
    // The post's image as made for Threads (JPEG or PNG, at most 8 MB), in
    // the built site.
    let url = image.image_url.as_deref().unwrap();
    assert!(
        url.starts_with("https://heart.example/social/") && url.ends_with(".png"),
        "{url}"
    );
    assert!(fixture.exists(url.trim_start_matches("https://heart.example/")));
    assert_eq!(
        image.alt_text.as_deref(),
        Some("A nurse takes a man's blood pressure")
    );
    let poll = containers
        .iter()
        .find(|c| c.poll.is_some())
        .expect("a poll post");
    assert_eq!(
        poll.media_type, "TEXT",
        "polls go on text posts, without the image"
    );
    assert_eq!(
        poll.poll,
        Some(serde_json::json!({"option_a": "Daily", "option_b": "Weekly", "option_c": "Rarely"}))
    );
    assert_eq!(server.with(|api| api.threads.len()), 2);
}

#[test]
fn a_dry_run_sends_nothing_and_writes_nothing() {
    let facebook = facebook::start();
    let threads = threads::start();
    let fixture = clinic(Some(&facebook.url()), Some(&threads.url()));
    scheduled_post(&fixture, Duration::days(3));
    let out = publish(&fixture, &["--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = String::from_utf8_lossy(&out.stdout);
    for id in [
        "blog/bp/teaser/facebook",
        "blog/bp/teaser/threads",
        "blog/soon/teaser/facebook",
    ] {
        assert!(printed.contains(id), "{id} in {printed}");
    }
    assert!(
        !printed.contains("blog/soon/teaser/threads"),
        "not yet due there"
    );
    assert!(
        printed.contains("scheduled: Facebook publishes it at "),
        "{printed}"
    );
    assert!(facebook.requests().is_empty() && threads.requests().is_empty());
    assert!(!fixture.root().join("syndication.toml").exists());
}

#[test]
fn a_bad_token_is_a_clear_error_that_is_not_retried_or_leaked() {
    let facebook = facebook::with_token("the-pages-real-token");
    let threads = threads::with_token("the-real-threads-token");
    let fixture = clinic(Some(&facebook.url()), Some(&threads.url()));
    let out = publish(&fixture, &[]);
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(message.contains("Invalid OAuth access token"), "{message}");
    assert!(message.contains(FACEBOOK_VAR), "{message}");
    assert!(message.contains(THREADS_VAR), "{message}");
    assert_eq!(
        facebook.requests_to("POST", &feed()).len(),
        2,
        "one try per item"
    );
    assert_eq!(threads.requests().len(), 2, "one try per item");
    assert_eq!(ledger::ids(fixture.root(), "failed").len(), 4);
    let everything = format!("{message}{}", String::from_utf8_lossy(&out.stdout));
    for secret in [facebook::TOKEN, threads::TOKEN] {
        assert!(!everything.contains(secret));
        for (path, bytes) in crate::common::tree(fixture.root()) {
            assert!(
                !String::from_utf8_lossy(&bytes).contains(secret),
                "token written to {path}"
            );
        }
    }
}

#[test]
fn missing_settings_and_secrets_are_named() {
    let server = facebook::start();
    let fixture = clinic(Some(&server.url()), None);
    let out = command(&fixture, &[])
        .env_remove(FACEBOOK_VAR)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains(FACEBOOK_VAR), "{}", stderr(&out));
    let config = std::fs::read_to_string(fixture.root().join("config.toml")).unwrap();
    fixture.write(
        "config.toml",
        &config.replace(&format!("id = \"{}\"\n", facebook::PAGE_ID), ""),
    );
    let out = publish(&fixture, &[]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("set `id`"), "{}", stderr(&out));
    fixture.write("config.toml", &format!("{config}api_version = \"21.0\"\n"));
    let out = publish(&fixture, &[]);
    assert!(stderr(&out).contains("v25.0"), "{}", stderr(&out));
    assert!(server.requests().is_empty());
}

#[test]
fn transient_faults_are_retried_without_double_posting() {
    let facebook = facebook::start();
    let threads = threads::start();
    let fixture = clinic(Some(&facebook.url()), Some(&threads.url()));
    // Facebook: a Page rate limit (403, code 32), a 503, a reset connection;
    // the fourth try lands.
    let post = format!("POST {}", feed());
    facebook.push_fault(
        &post,
        Fault::RateLimited {
            reset_after_secs: 0,
        },
    );
    facebook.push_fault(&post, Fault::Status(503));
    facebook.push_fault(&post, Fault::Reset);
    // Threads: an app rate limit (400, code 4), then a container made whose
    // answer was lost; the third try makes another and publishes it.
    let create = format!("POST {}", threads_edge("threads"));
    threads.push_fault(
        &create,
        Fault::RateLimited {
            reset_after_secs: 0,
        },
    );
    threads.push_fault(&create, Fault::FailAfterCommit(500));
    let out = publish(&fixture, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    once_each(facebook_messages(&facebook), 2);
    once_each(thread_texts(&threads), 2);
    assert_eq!(facebook.pending_faults() + threads.pending_faults(), 0);
    assert_eq!(
        threads.with(|api| api.containers.len()),
        3,
        "the lost container stays unpublished"
    );
    no_violations(&facebook);
    no_violations(&threads);
    assert_eq!(posted(&fixture).len(), 4);
}

#[test]
fn a_thread_not_yet_propagated_is_published_again_and_its_permalink_read_again() {
    let server = threads::start();
    let fixture = clinic(None, Some(&server.url()));
    // Publishing the moment a container is made can meet "not propagated
    // yet" (subcode 4279009); then the permalink's answer is lost.
    server.push_fault(
        &format!("POST {}", threads_edge("threads_publish")),
        Fault::Answer(crate::common::graph::error(
            400,
            24,
            Some(4_279_009),
            "OAuthException",
            "Media Not Found",
        )),
    );
    server.push_fault("GET /v1.0/1800", Fault::Reset);
    let out = publish(&fixture, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    once_each(thread_texts(&server), 2);
    assert_eq!(
        server.with(|api| api.containers.len()),
        2,
        "the container was reused"
    );
    assert_eq!(server.pending_faults(), 0);
    no_violations(&server);
}

#[test]
fn a_lost_reply_then_a_rerun_still_posts_once() {
    let facebook = facebook::start();
    let threads = threads::start();
    let fixture = clinic(Some(&facebook.url()), Some(&threads.url()));
    // The first post lands but its answer is lost; every retry fails before
    // reaching the server, so the item stays pending for the next run.
    let post = format!("POST {}", feed());
    facebook.push_fault(&post, Fault::FailAfterCommit(502));
    for _ in 0..3 {
        facebook.push_fault(&post, Fault::Status(500));
    }
    // Threads: the first thread is published but the answer is lost, and the
    // retries cannot even read the container's status.
    threads.push_fault(
        &format!("POST {}", threads_edge("threads_publish")),
        Fault::FailAfterCommit(500),
    );
    for _ in 0..3 {
        threads.push_fault("GET /v1.0/1790", Fault::Reset);
    }
    let first = publish(&fixture, &[]);
    assert!(!first.status.success(), "the lost items failed this run");
    let pending = ledger::ids(fixture.root(), "pending");
    assert_eq!(pending.len(), 2, "{pending:?}");
    let threads_key = ledger::record(fixture.root(), "blog/bp/teaser/threads").unwrap();
    assert!(
        threads_key["remote_id"]
            .as_str()
            .unwrap()
            .starts_with("container:"),
        "the container is in the ledger: {threads_key:?}"
    );
    let second = publish(&fixture, &[]);
    assert!(second.status.success(), "{}", stderr(&second));
    once_each(facebook_messages(&facebook), 2);
    once_each(thread_texts(&threads), 2);
    assert_eq!(posted(&fixture).len(), 4);
    // The found posts are recorded as they are on the networks.
    let teaser = ledger::record(fixture.root(), "blog/bp/teaser/threads").unwrap();
    let first_thread = teaser_thread(&threads);
    assert_eq!(teaser["remote_id"].as_str(), Some(first_thread.id.as_str()));
    assert_eq!(
        teaser["url"].as_str(),
        Some(first_thread.permalink().as_str())
    );
    no_violations(&facebook);
    no_violations(&threads);
}

/// A run whose every try to publish the first container fails (503) leaves
/// the item pending with its container in the ledger.
fn container_left_unpublished(server: &ContractServer<ThreadsApi>, fixture: &Fixture) -> String {
    for _ in 0..4 {
        server.push_fault(
            &format!("POST {}", threads_edge("threads_publish")),
            Fault::Status(503),
        );
    }
    let first = publish(fixture, &[]);
    assert!(!first.status.success());
    let container = server.with(|api| api.containers[0].id.clone());
    let record = ledger::record(fixture.root(), "blog/bp/teaser/threads").unwrap();
    assert_eq!(record["state"].as_str(), Some("pending"));
    assert_eq!(
        record["remote_id"].as_str(),
        Some(format!("container:{container}").as_str())
    );
    container
}

#[test]
fn a_container_left_unpublished_is_published_on_the_next_run() {
    let server = threads::start();
    let fixture = clinic(None, Some(&server.url()));
    let container = container_left_unpublished(&server, &fixture);
    let second = publish(&fixture, &[]);
    assert!(second.status.success(), "{}", stderr(&second));
    once_each(thread_texts(&server), 2);
    assert_eq!(
        server.with(|api| api.containers.len()),
        2,
        "no new container"
    );
    assert_eq!(teaser_thread(&server).container, container);
    no_violations(&server);
}

fn teaser_thread(server: &ContractServer<ThreadsApi>) -> threads::Thread {
    server.with(|api| {
        api.threads
            .iter()
            .find(|t| t.text.as_deref().unwrap().starts_with("Café"))
            .cloned()
            .expect("the teaser's thread")
    })
}

#[test]
fn an_expired_container_is_replaced() {
    let server = threads::start();
    let fixture = clinic(None, Some(&server.url()));
    let container = container_left_unpublished(&server, &fixture);
    server.with(|api| api.age(Duration::hours(25)));
    let second = publish(&fixture, &[]);
    assert!(second.status.success(), "{}", stderr(&second));
    once_each(thread_texts(&server), 2);
    assert_eq!(server.with(|api| api.containers.len()), 3);
    assert_ne!(
        teaser_thread(&server).container,
        container,
        "the expired one was not published"
    );
    no_violations(&server);
}

#[test]
fn a_duplicate_answer_is_recognised_as_already_posted() {
    let server = facebook::start();
    let fixture = clinic(Some(&server.url()), None);
    // The post lands, the answer is lost, and the retry meets Facebook's
    // duplicate check: the client finds the post rather than failing.
    server.push_fault(&format!("POST {}", feed()), Fault::FailAfterCommit(502));
    let out = publish(&fixture, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    once_each(facebook_messages(&server), 2);
    let statuses: Vec<Option<u16>> = server
        .requests_to("POST", &feed())
        .iter()
        .map(|r| r.response_status)
        .collect();
    assert_eq!(
        statuses,
        [Some(502), Some(400), Some(200)],
        "lost, duplicate, second item"
    );
    assert_eq!(posted(&fixture).len(), 2);
    no_violations(&server);
}

/// Crash tests: `rounds publish` aborted at a named fail point, then run
/// again; every item lands exactly once and the ledger stays valid.
#[cfg(feature = "failpoints")]
mod crashes {
    use super::*;

    /// Where to crash, and on which pass (the first pass is item one's).
    const POINTS: &[(&str, usize)] = &[
        ("publish::before-request", 2),
        ("publish::after-request", 1),
        ("publish::after-request", 3),
        ("ledger::before-rename", 2),
        ("ledger::before-rename", 3),
    ];

    fn crash_then_resume(fixture: &Fixture, network: &str, point: &str, hit: usize) {
        let crashed = command(fixture, &["--network", network])
            .env("FAILPOINTS", ledger::failpoint(point, hit))
            .output()
            .unwrap();
        assert!(
            !crashed.status.success(),
            "{point} #{hit} was never reached: {}",
            stderr(&crashed)
        );
        if fixture.root().join("syndication.toml").exists() {
            ledger::read(fixture.root());
        }
        let resumed = publish(fixture, &["--network", network]);
        assert!(
            resumed.status.success(),
            "re-run after {point} #{hit}: {}",
            stderr(&resumed)
        );
        assert!(ledger::litter(fixture.root()).len() <= 1);
    }

    /// Three items: a teaser and a discussion, and another post's teaser.
    fn three_items(facebook: Option<&str>, threads: Option<&str>) -> Fixture {
        let fixture = clinic(facebook, threads);
        fixture.remove("content/blog/later.md");
        fixture.write(
            "content/blog/salt.md",
            &post(
                "Salt and the heart",
                "date = 2026-01-12\n[social]\nteaser = \"Where the salt hides in a café menu.\"",
                "Body.",
            ),
        );
        fixture
    }

    #[test]
    fn facebook_items_land_exactly_once_whatever_the_crash() {
        for &(point, hit) in POINTS {
            let server = facebook::start();
            let fixture = three_items(Some(&server.url()), None);
            // One of them scheduled, so a crash is also found among the scheduled posts.
            fixture.remove("content/blog/salt.md");
            scheduled_post(&fixture, Duration::days(2));
            crash_then_resume(&fixture, "facebook", point, hit);
            once_each(facebook_messages(&server), 3);
            assert_eq!(posted(&fixture).len(), 3, "after {point} #{hit}");
            no_violations(&server);
        }
    }

    #[test]
    fn threads_items_land_exactly_once_whatever_the_crash() {
        let points = POINTS.iter().copied().chain([
            ("threads::after-container", 1),
            ("threads::after-container", 2),
            // Saves: pending 1, container 1, posted 1: the container's key is lost.
            ("ledger::before-rename", 2),
        ]);
        for (point, hit) in points {
            let server = threads::start();
            let fixture = three_items(None, Some(&server.url()));
            crash_then_resume(&fixture, "threads", point, hit);
            once_each(thread_texts(&server), 3);
            assert_eq!(posted(&fixture).len(), 3, "after {point} #{hit}");
            no_violations(&server);
        }
    }

    #[test]
    fn a_crash_between_container_and_publication_publishes_that_container() {
        let server = threads::start();
        let fixture = three_items(None, Some(&server.url()));
        let crashed = command(&fixture, &[])
            .env("FAILPOINTS", "threads::after-container=return")
            .output()
            .unwrap();
        assert!(!crashed.status.success());
        assert_eq!(server.with(|api| api.containers.len()), 1);
        assert!(server.with(|api| api.threads.is_empty()));
        let record = ledger::record(fixture.root(), "blog/bp/teaser/threads").unwrap();
        assert_eq!(record["state"].as_str(), Some("pending"));
        let container = server.with(|api| api.containers[0].id.clone());
        assert_eq!(
            record["remote_id"].as_str(),
            Some(format!("container:{container}").as_str())
        );
        let resumed = publish(&fixture, &[]);
        assert!(resumed.status.success(), "{}", stderr(&resumed));
        once_each(thread_texts(&server), 3);
        assert_eq!(
            server.with(|api| api.containers.len()),
            3,
            "the saved container was published, not replaced"
        );
        assert_eq!(
            server.with(|api| api.threads[0].container.clone()),
            container
        );
        no_violations(&server);
    }
}
