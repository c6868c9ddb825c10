//! Issue 19 items 3–5: a new correction or withdrawal reaches the copies
//! already posted, as each network allows, exactly once, through the same
//! approval step, dry run and crash rules as a first post. Mastodon against
//! its contract server (edits checked against the saved API description).

use std::process::Output;

use crate::common::mastodon::{DEFAULT_TOKEN, MastodonServer};
use crate::common::{Fixture, post, rounds, stderr};

const TEASER: &str = "Tips 💓 for your blood pressure.";
const NOTE: &str = "The home reading to call us about is 180/120, not 160/110.";

fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}

fn front(extra_top: &str, corrections: &str) -> String {
    post(
        "Blood pressure basics",
        &format!(
            "date = 2026-01-10\n{extra_top}[social]\nteaser = \"{TEASER}\"\nask = \"Do you check yours at home?\"\n{corrections}"
        ),
        "Body.",
    )
}

fn clinic(mastodon: &str, publish: &str) -> Fixture {
    let fixture = Fixture::new(&[("content/blog/bp.md", &front("", ""))]);
    fixture.write(
        "config.toml",
        &format!(
            "{}\n[networks.mastodon]\ninstance = \"{mastodon}\"\n\n[publish]\n{publish}",
            crate::common::CONFIG
        ),
    );
    fixture
}

fn correct(fixture: &Fixture, note: &str) {
    let corrections = format!("\n[[corrections]]\ndate = {}\nnote = \"{note}\"\n", today());
    fixture.write("content/blog/bp.md", &front("", &corrections));
}

fn withdraw(fixture: &Fixture) {
    let top = format!(
        "withdrawn = {{ date = {}, reason = \"Guidance changed.\" }}\n",
        today()
    );
    fixture.write("content/blog/bp.md", &front(&top, ""));
}

fn run(fixture: &Fixture, args: &[&str], failpoint: Option<&str>) -> Output {
    let mut command = rounds();
    command
        .env("ROUNDS_MASTODON_TOKEN", DEFAULT_TOKEN)
        .env("ROUNDS_STATE_DIR", fixture.root().join(".state"))
        .args(args)
        .arg("--root")
        .arg(fixture.root());
    match failpoint {
        Some(spec) => command.env("FAILPOINTS", spec),
        None => command.env_remove("FAILPOINTS"),
    };
    command.output().unwrap()
}

fn publish(fixture: &Fixture) -> Output {
    let out = run(fixture, &["publish", "--yes"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    out
}

fn records(fixture: &Fixture) -> Vec<toml::Value> {
    let text = std::fs::read_to_string(fixture.root().join("syndication.toml")).unwrap();
    let table: toml::Table = toml::from_str(&text).expect("the ledger is valid TOML");
    table["item"].as_array().cloned().unwrap_or_default()
}

fn record<'a>(records: &'a [toml::Value], id: &str) -> &'a toml::Value {
    records
        .iter()
        .find(|r| r["id"].as_str() == Some(id))
        .unwrap_or_else(|| panic!("no record {id}: {records:#?}"))
}

fn puts(server: &MastodonServer) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.method == "PUT")
        .count()
}

fn deletes(server: &MastodonServer) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.method == "DELETE")
        .count()
}

fn no_violations(server: &MastodonServer) {
    assert!(
        server.contract_violations().is_empty(),
        "{:#?}",
        server.contract_violations()
    );
}

#[test]
fn a_correction_edits_each_mastodon_copy_once_and_keeps_its_link() {
    let server = MastodonServer::start();
    let fixture = clinic(&server.url(), "");
    publish(&fixture);
    assert_eq!(server.statuses().len(), 2, "teaser and discussion");

    // A typo fix is drift, and is left alone.
    fixture.write(
        "content/blog/bp.md",
        &front("", "").replace("Tips 💓", "Tips 💓 (updated)"),
    );
    publish(&fixture);
    assert_eq!(puts(&server), 0, "a silent change edits nothing");

    correct(&fixture, NOTE);
    let dry = run(&fixture, &["publish", "--dry-run"], None);
    assert!(dry.status.success(), "{}", stderr(&dry));
    let printed = String::from_utf8_lossy(&dry.stdout);
    for id in [
        "blog/bp/teaser/mastodon/correction-1",
        "blog/bp/discussion/mastodon/correction-1",
    ] {
        assert!(printed.contains(id), "the dry run lists {id}: {printed}");
    }
    assert!(printed.contains("edit of"), "{printed}");
    assert_eq!(puts(&server), 0, "a dry run edits nothing");

    publish(&fixture);
    assert_eq!(puts(&server), 2, "one edit per copy");
    let texts = server.posted_texts();
    assert_eq!(texts.len(), 2, "edited in place, nothing new posted");
    for text in &texts {
        assert!(
            text.contains(&format!("Correction ({}): {NOTE}", today())),
            "{text}"
        );
    }
    assert!(
        texts[0].starts_with(TEASER),
        "the copy keeps its words: {}",
        texts[0]
    );
    let records = records(&fixture);
    let edit = record(&records, "blog/bp/teaser/mastodon/correction-1");
    assert_eq!(edit["state"].as_str(), Some("posted"));
    assert_eq!(edit["action"].as_str(), Some("edit"));
    assert_eq!(edit["of"].as_str(), Some("blog/bp/teaser/mastodon"));
    no_violations(&server);

    // Carried once: the next run does nothing more.
    publish(&fixture);
    assert_eq!(puts(&server), 2);

    // The page still links to the edited copy.
    fixture.build_ok();
    let page = fixture.read("blog/bp/index.html");
    let url = record(&records, "blog/bp/teaser/mastodon")["url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(page.contains(&url), "the edited copy keeps its link");
}

#[test]
fn a_correction_too_long_for_the_copy_is_a_reply_under_it() {
    let server = MastodonServer::start();
    let fixture = clinic(&server.url(), "");
    publish(&fixture);
    let long = "The reading to call us about is 180/120. ".repeat(12);
    correct(&fixture, long.trim());
    publish(&fixture);
    assert_eq!(puts(&server), 0, "an edit that does not fit is not made");
    let statuses = server.statuses();
    assert_eq!(statuses.len(), 4, "one reply under each copy");
    let replies: Vec<_> = statuses
        .iter()
        .filter(|s| !s["in_reply_to_id"].is_null())
        .collect();
    assert_eq!(replies.len(), 2);
    let ids: Vec<&str> = statuses[..2]
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(
        replies
            .iter()
            .all(|r| ids.contains(&r["in_reply_to_id"].as_str().unwrap()))
    );
    let texts = server.posted_texts();
    assert!(texts[2].starts_with("Correction ("), "{}", texts[2]);
    assert!(texts[2].contains("https://"), "with the link: {}", texts[2]);
    no_violations(&server);
    publish(&fixture);
    assert_eq!(server.statuses().len(), 4, "replied once");
}

#[test]
fn a_withdrawal_deletes_the_copies_when_publish_says_so_and_they_leave_the_page() {
    let server = MastodonServer::start();
    let fixture = clinic(&server.url(), "on_withdrawal = \"delete\"\n");
    publish(&fixture);
    fixture.build_ok();
    assert!(
        fixture
            .read("blog/bp/index.html")
            .contains("rel=\"syndication\"")
    );
    withdraw(&fixture);
    let dry = run(&fixture, &["publish", "--dry-run"], None);
    let printed = String::from_utf8_lossy(&dry.stdout);
    assert!(
        printed.contains("blog/bp/teaser/mastodon/withdrawal") && printed.contains("delete of"),
        "{printed}"
    );
    assert_eq!(deletes(&server), 0);
    publish(&fixture);
    assert_eq!(deletes(&server), 2);
    assert!(server.statuses().is_empty(), "both copies deleted");
    no_violations(&server);
    publish(&fixture);
    assert_eq!(deletes(&server), 2, "deleted once");
    fixture.build_ok();
    let page = fixture.read("blog/bp/index.html");
    assert!(
        !page.contains("rel=\"syndication\""),
        "a deleted copy leaves the 'Also on' links"
    );
}

#[test]
fn a_withdrawal_by_default_puts_the_notice_in_each_copy() {
    let server = MastodonServer::start();
    let fixture = clinic(&server.url(), "");
    publish(&fixture);
    withdraw(&fixture);
    publish(&fixture);
    assert_eq!(deletes(&server), 0, "nothing deleted by default");
    assert_eq!(puts(&server), 2);
    let texts = server.posted_texts();
    for text in &texts {
        assert!(
            text.starts_with(&format!("Withdrawn ({})", today())),
            "the notice comes first: {text}"
        );
    }
    assert!(
        texts[0].contains(TEASER),
        "the copy keeps its words: {}",
        texts[0]
    );
    no_violations(&server);
}

#[test]
fn approval_gates_a_correction() {
    let server = MastodonServer::start();
    let fixture = clinic(&server.url(), "");
    publish(&fixture);
    fixture.write(
        "config.toml",
        &format!(
            "{}\n[networks.mastodon]\ninstance = \"{}\"\n\n[publish]\nrequire_approval = true\n",
            crate::common::CONFIG,
            server.url()
        ),
    );
    correct(&fixture, NOTE);
    let out = publish(&fixture);
    assert_eq!(puts(&server), 0, "not approved: {}", stderr(&out));
    assert!(
        stderr(&out).contains("awaiting approval"),
        "{}",
        stderr(&out)
    );
    let approved = run(
        &fixture,
        &["social", "approve", "blog/bp/teaser/mastodon/correction-1"],
        None,
    );
    assert!(approved.status.success(), "{}", stderr(&approved));
    publish(&fixture);
    assert_eq!(puts(&server), 1, "only the approved one");
    let texts = server.posted_texts();
    assert!(
        texts[0].contains(NOTE) && !texts[1].contains(NOTE),
        "{texts:?}"
    );
}

/// Crashes at `point` on its first pass, then runs again.
#[cfg(feature = "failpoints")]
fn crash_then_resume(fixture: &Fixture, point: &str) {
    let crashed = run(
        fixture,
        &["publish", "--yes"],
        Some(&format!("{point}=return")),
    );
    assert!(
        !crashed.status.success(),
        "{point} was never reached: {}",
        stderr(&crashed)
    );
    records(fixture); // valid TOML after the crash
    publish(fixture);
}

#[cfg(feature = "failpoints")]
#[test]
fn a_crash_before_or_after_an_edit_edits_once() {
    for point in ["publish::before-request", "publish::after-request"] {
        let server = MastodonServer::start();
        let fixture = clinic(&server.url(), "");
        publish(&fixture);
        correct(&fixture, NOTE);
        crash_then_resume(&fixture, point);
        assert_eq!(puts(&server), 2, "{point}: one edit per copy");
        let records = records(&fixture);
        for id in [
            "blog/bp/teaser/mastodon/correction-1",
            "blog/bp/discussion/mastodon/correction-1",
        ] {
            assert_eq!(
                record(&records, id)["state"].as_str(),
                Some("posted"),
                "{point}"
            );
        }
        no_violations(&server);
    }
}

#[cfg(feature = "failpoints")]
#[test]
fn a_crash_before_or_after_a_delete_deletes_once() {
    for point in ["publish::before-request", "publish::after-request"] {
        let server = MastodonServer::start();
        let fixture = clinic(&server.url(), "on_withdrawal = \"delete\"\n");
        publish(&fixture);
        withdraw(&fixture);
        crash_then_resume(&fixture, point);
        assert_eq!(deletes(&server), 2, "{point}: one delete per copy");
        assert!(server.statuses().is_empty());
        no_violations(&server);
    }
}

#[cfg(feature = "failpoints")]
#[test]
fn a_crash_after_a_reply_replies_once() {
    let server = MastodonServer::start();
    let fixture = clinic(&server.url(), "");
    publish(&fixture);
    let long = "The reading to call us about is 180/120. ".repeat(12);
    correct(&fixture, long.trim());
    crash_then_resume(&fixture, "publish::after-request");
    assert_eq!(server.statuses().len(), 4, "one reply per copy");
    no_violations(&server);
}

// ---------------------------------------------------------------------------
// Bluesky, against a real PDS: no edits, so a correction is a reply under
// each copy; a withdrawal is a reply, or the copy's deletion.

struct Bluesky {
    url: String,
    account: crate::common::pds::TestAccount,
    fixture: Fixture,
}

impl Bluesky {
    fn start(publish: &str) -> Option<Bluesky> {
        let url = crate::common::pds::pds_url_or_skip()?;
        let account = crate::common::pds::create_account(&url);
        let fixture = Fixture::new(&[("content/blog/bp.md", &front("", ""))]);
        fixture.write(
            "config.toml",
            &format!(
                "{}\n[networks.bluesky]\ninstance = \"{url}\"\n\n[publish]\n{publish}",
                crate::common::CONFIG
            ),
        );
        Some(Bluesky {
            url,
            account,
            fixture,
        })
    }

    fn run(&self, args: &[&str], failpoint: Option<&str>) -> Output {
        let mut command = rounds();
        command
            .env("ROUNDS_STATE_DIR", self.fixture.root().join(".state"))
            .env("ROUNDS_BLUESKY_HANDLE", &self.account.handle)
            .env("ROUNDS_BLUESKY_APP_PASSWORD", &self.account.password)
            .args(args)
            .arg("--root")
            .arg(self.fixture.root());
        match failpoint {
            Some(spec) => command.env("FAILPOINTS", spec),
            None => command.env_remove("FAILPOINTS"),
        };
        command.output().unwrap()
    }

    fn publish(&self) {
        let out = self.run(&["publish", "--yes"], None);
        assert!(out.status.success(), "{}", stderr(&out));
    }

    fn posts(&self) -> Vec<serde_json::Value> {
        crate::common::pds::list_posts(&self.url, &self.account.did)
    }

    /// The replies, each with the copy it is under.
    fn replies(&self) -> Vec<(String, String)> {
        self.posts()
            .iter()
            .filter(|p| !p["value"]["reply"].is_null())
            .map(|p| {
                (
                    p["value"]["reply"]["parent"]["uri"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    p["value"]["text"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }
}

#[test]
fn a_correction_is_a_reply_under_each_bluesky_copy() {
    let Some(bluesky) = Bluesky::start("") else {
        return;
    };
    bluesky.publish();
    let copies: Vec<String> = bluesky
        .posts()
        .iter()
        .map(|p| p["uri"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(copies.len(), 2, "teaser and discussion");
    correct(&bluesky.fixture, NOTE);
    let dry = bluesky.run(&["publish", "--dry-run"], None);
    let printed = String::from_utf8_lossy(&dry.stdout);
    assert!(
        printed.contains("blog/bp/teaser/bluesky/correction-1") && printed.contains("reply of"),
        "{printed}"
    );
    assert_eq!(bluesky.posts().len(), 2, "a dry run posts nothing");
    bluesky.publish();
    let replies = bluesky.replies();
    assert_eq!(replies.len(), 2, "one reply per copy: {replies:?}");
    for (parent, text) in &replies {
        assert!(copies.contains(parent), "under a copy: {parent}");
        assert!(
            text.contains(&format!("Correction ({}): {NOTE}", today())),
            "{text}"
        );
        assert!(
            text.contains("https://heart.example/blog/bp/"),
            "with the link: {text}"
        );
    }
    // The reply's link is clickable: a facet over it.
    let reply = bluesky
        .posts()
        .into_iter()
        .find(|p| !p["value"]["reply"].is_null())
        .unwrap();
    assert_eq!(
        reply["value"]["facets"][0]["features"][0]["$type"],
        "app.bsky.richtext.facet#link"
    );
    bluesky.publish();
    assert_eq!(bluesky.replies().len(), 2, "replied once");
}

#[test]
fn a_withdrawal_deletes_the_bluesky_copies_when_publish_says_so() {
    let Some(bluesky) = Bluesky::start("on_withdrawal = \"delete\"\n") else {
        return;
    };
    bluesky.publish();
    assert_eq!(bluesky.posts().len(), 2);
    withdraw(&bluesky.fixture);
    bluesky.publish();
    assert!(bluesky.posts().is_empty(), "{:?}", bluesky.posts());
    bluesky.fixture.build_ok();
    let page = bluesky.fixture.read("blog/bp/index.html");
    assert!(
        !page.contains("rel=\"syndication\""),
        "no link to a deleted copy"
    );
}

#[test]
fn a_withdrawal_by_default_is_a_reply_under_each_bluesky_copy() {
    let Some(bluesky) = Bluesky::start("") else {
        return;
    };
    bluesky.publish();
    withdraw(&bluesky.fixture);
    bluesky.publish();
    let replies = bluesky.replies();
    assert_eq!(replies.len(), 2, "{replies:?}");
    assert!(
        replies.iter().all(|(_, t)| t.contains("Withdrawn (")),
        "{replies:?}"
    );
    assert_eq!(bluesky.posts().len(), 4, "nothing deleted by default");
}

#[cfg(feature = "failpoints")]
#[test]
fn a_crash_before_or_after_a_bluesky_reply_or_delete_acts_once() {
    for (publish, point) in [
        ("", "publish::before-request"),
        ("", "publish::after-request"),
        ("on_withdrawal = \"delete\"\n", "publish::before-request"),
        ("on_withdrawal = \"delete\"\n", "publish::after-request"),
    ] {
        let Some(bluesky) = Bluesky::start(publish) else {
            return;
        };
        bluesky.publish();
        if publish.is_empty() {
            correct(&bluesky.fixture, NOTE);
        } else {
            withdraw(&bluesky.fixture);
        }
        let crashed = bluesky.run(&["publish", "--yes"], Some(&format!("{point}=return")));
        assert!(!crashed.status.success(), "{point}: {}", stderr(&crashed));
        bluesky.publish();
        if publish.is_empty() {
            assert_eq!(bluesky.replies().len(), 2, "{point}: one reply per copy");
        } else {
            assert!(bluesky.posts().is_empty(), "{point}: both deleted");
        }
        let records = records(&bluesky.fixture);
        let follow_ups = records.iter().filter(|r| r.get("of").is_some());
        assert!(follow_ups.clone().count() == 2, "{records:#?}");
        assert!(
            follow_ups
                .into_iter()
                .all(|r| r["state"].as_str() == Some("posted")),
            "{records:#?}"
        );
    }
}

// ---------------------------------------------------------------------------
// X, against its contract server: no edit in API v2, so a correction is a
// reply (`reply.in_reply_to_tweet_id`); a withdrawal a reply or a delete.

fn x_clinic(server: &crate::common::x::XServer, publish: &str) -> Fixture {
    let fixture = Fixture::new(&[("content/blog/bp.md", &front("", ""))]);
    fixture.write(
        "config.toml",
        &format!(
            "{}\n[networks.x]\naccount = \"@RiversideHeart\"\ninstance = \"{}\"\n\n[publish]\n{publish}",
            crate::common::CONFIG,
            server.url()
        ),
    );
    fixture
}

fn x_run(fixture: &Fixture, args: &[&str], failpoint: Option<&str>) -> Output {
    use crate::common::x_api::{ACCESS_TOKEN, CLIENT_ID, REFRESH_TOKEN};
    let mut command = rounds();
    command
        .env("ROUNDS_X_ACCESS_TOKEN", ACCESS_TOKEN)
        .env("ROUNDS_X_REFRESH_TOKEN", REFRESH_TOKEN)
        .env("ROUNDS_X_CLIENT_ID", CLIENT_ID)
        .env("ROUNDS_STATE_DIR", fixture.root().join(".state"))
        .args(args)
        .arg("--root")
        .arg(fixture.root());
    match failpoint {
        Some(spec) => command.env("FAILPOINTS", spec),
        None => command.env_remove("FAILPOINTS"),
    };
    command.output().unwrap()
}

fn x_publish(fixture: &Fixture) {
    let out = x_run(fixture, &["publish", "--yes"], None);
    assert!(out.status.success(), "{}", stderr(&out));
}

fn x_replies(server: &crate::common::x::XServer) -> Vec<(String, String)> {
    server
        .posts()
        .iter()
        .filter_map(|p| {
            let parent = p.request["reply"]["in_reply_to_tweet_id"].as_str()?;
            Some((parent.to_string(), p.text.clone()))
        })
        .collect()
}

#[test]
fn a_correction_is_a_reply_under_each_x_copy() {
    let server = crate::common::x::XServer::start();
    let fixture = x_clinic(&server, "");
    x_publish(&fixture);
    let copies: Vec<String> = server.posts().iter().map(|p| p.id.clone()).collect();
    assert_eq!(copies.len(), 2);
    correct(&fixture, NOTE);
    let dry = x_run(&fixture, &["publish", "--dry-run"], None);
    let printed = String::from_utf8_lossy(&dry.stdout);
    assert!(
        printed.contains("blog/bp/teaser/x/correction-1") && printed.contains("reply of"),
        "{printed}"
    );
    assert_eq!(server.posts().len(), 2, "a dry run posts nothing");
    x_publish(&fixture);
    let replies = x_replies(&server);
    assert_eq!(replies.len(), 2, "{replies:?}");
    for (parent, text) in &replies {
        assert!(copies.contains(parent));
        assert!(
            text.contains("Correction (") && text.contains(NOTE),
            "{text}"
        );
    }
    assert!(
        server.contract_violations().is_empty(),
        "{:#?}",
        server.contract_violations()
    );
    x_publish(&fixture);
    assert_eq!(x_replies(&server).len(), 2, "replied once");
}

#[test]
fn a_withdrawal_deletes_the_x_copies_when_publish_says_so() {
    let server = crate::common::x::XServer::start();
    let fixture = x_clinic(&server, "on_withdrawal = \"delete\"\n");
    x_publish(&fixture);
    withdraw(&fixture);
    x_publish(&fixture);
    assert_eq!(server.deleted().len(), 2);
    assert!(server.posts().is_empty());
    x_publish(&fixture);
    assert_eq!(server.deleted().len(), 2, "deleted once");
    assert!(
        server.contract_violations().is_empty(),
        "{:#?}",
        server.contract_violations()
    );
}

#[cfg(feature = "failpoints")]
#[test]
fn a_crash_before_or_after_an_x_reply_or_delete_acts_once() {
    for (publish, point) in [
        ("", "publish::before-request"),
        ("", "publish::after-request"),
        ("on_withdrawal = \"delete\"\n", "publish::before-request"),
        ("on_withdrawal = \"delete\"\n", "publish::after-request"),
    ] {
        let server = crate::common::x::XServer::start();
        let fixture = x_clinic(&server, publish);
        x_publish(&fixture);
        if publish.is_empty() {
            correct(&fixture, NOTE);
        } else {
            withdraw(&fixture);
        }
        let crashed = x_run(
            &fixture,
            &["publish", "--yes"],
            Some(&format!("{point}=return")),
        );
        assert!(!crashed.status.success(), "{point}: {}", stderr(&crashed));
        x_publish(&fixture);
        if publish.is_empty() {
            assert_eq!(x_replies(&server).len(), 2, "{point}: one reply per copy");
        } else {
            assert_eq!(server.deleted().len(), 2, "{point}: one delete per copy");
        }
        assert!(
            server.contract_violations().is_empty(),
            "{point}: {:#?}",
            server.contract_violations()
        );
    }
}

#[test]
fn update_changed_edits_a_changed_copy_once_where_the_network_edits() {
    let server = MastodonServer::start();
    let fixture = clinic(&server.url(), "");
    publish(&fixture);
    let fixed = front("", "").replace("Tips 💓", "Tips 💓 (updated)");
    fixture.write("content/blog/bp.md", &fixed);
    publish(&fixture);
    assert_eq!(puts(&server), 0, "drift alone edits nothing");
    let dry = run(
        &fixture,
        &["publish", "--dry-run", "--update-changed"],
        None,
    );
    let printed = String::from_utf8_lossy(&dry.stdout);
    assert!(
        printed.contains("blog/bp/teaser/mastodon/update-"),
        "{printed}"
    );
    let out = run(&fixture, &["publish", "--yes", "--update-changed"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(puts(&server), 1, "only the teaser changed");
    assert!(server.posted_texts()[0].contains("Tips 💓 (updated)"));
    let again = run(&fixture, &["publish", "--yes", "--update-changed"], None);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(puts(&server), 1, "edited once");
    let social = run(&fixture, &["social"], None);
    assert!(
        !String::from_utf8_lossy(&social.stdout).contains("Changed since posted")
            && !stderr(&social).contains("Changed since posted"),
        "the edited copy says what the post says"
    );
    // A later correction keeps the updated words.
    let corrections = format!("\n[[corrections]]\ndate = {}\nnote = \"{NOTE}\"\n", today());
    fixture.write(
        "content/blog/bp.md",
        &front("", &corrections).replace("Tips 💓", "Tips 💓 (updated)"),
    );
    publish(&fixture);
    let teaser = &server.posted_texts()[0];
    assert!(
        teaser.contains("(updated)") && teaser.contains(NOTE),
        "{teaser}"
    );
    no_violations(&server);
}

#[test]
fn a_correction_to_a_poll_is_a_reply_never_an_edit() {
    let server = MastodonServer::start();
    let poll = "[[social.poll]]\nquestion = \"How often do you check yours?\"\noptions = [\"Daily\", \"Weekly\", \"Never\"]\nduration = \"3d\"\n";
    let fixture = Fixture::new(&[(
        "content/blog/bp.md",
        &post(
            "Blood pressure basics",
            &format!("date = 2026-01-10\n{poll}"),
            "Body.",
        ),
    )]);
    fixture.write(
        "config.toml",
        &format!(
            "{}\n[networks.mastodon]\ninstance = \"{}\"\n",
            crate::common::CONFIG,
            server.url()
        ),
    );
    publish(&fixture);
    let polls: Vec<String> = server
        .statuses()
        .iter()
        .filter(|s| !s["poll"].is_null())
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(polls.len(), 1, "{:#?}", server.statuses());
    let corrections = format!("\n[[corrections]]\ndate = {}\nnote = \"{NOTE}\"\n", today());
    fixture.write(
        "content/blog/bp.md",
        &post(
            "Blood pressure basics",
            &format!("date = 2026-01-10\n{poll}{corrections}"),
            "Body.",
        ),
    );
    publish(&fixture);
    let under_poll: Vec<_> = server
        .statuses()
        .into_iter()
        .filter(|s| s["in_reply_to_id"].as_str() == Some(polls[0].as_str()))
        .collect();
    assert_eq!(under_poll.len(), 1, "a reply under the poll");
    assert!(
        server
            .requests()
            .iter()
            .all(|r| !(r.method == "PUT" && r.path.ends_with(&polls[0]))),
        "the poll was edited"
    );
    no_violations(&server);
}

// ---------------------------------------------------------------------------
// Facebook Pages, against the Graph contract server: a Page post's message
// is edited in place (`POST /{post-id}`); a withdrawal edits or deletes it.

fn fb_clinic(url: &str, publish: &str) -> Fixture {
    let fixture = Fixture::new(&[("content/blog/bp.md", &front("", ""))]);
    fixture.write(
        "config.toml",
        &format!(
            "{}\n[networks.facebook]\ninstance = \"{url}\"\nid = \"{}\"\n\n[publish]\n{publish}",
            crate::common::CONFIG,
            crate::common::facebook::PAGE_ID
        ),
    );
    fixture
}

fn fb_run(fixture: &Fixture, args: &[&str], failpoint: Option<&str>) -> Output {
    let mut command = rounds();
    command
        .env("ROUNDS_FACEBOOK_PAGE_TOKEN", crate::common::facebook::TOKEN)
        .env("ROUNDS_STATE_DIR", fixture.root().join(".state"))
        .args(args)
        .arg("--root")
        .arg(fixture.root());
    match failpoint {
        Some(spec) => command.env("FAILPOINTS", spec),
        None => command.env_remove("FAILPOINTS"),
    };
    command.output().unwrap()
}

fn fb_publish(fixture: &Fixture) {
    let out = fb_run(fixture, &["publish", "--yes"], None);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_correction_edits_each_facebook_post_and_a_withdrawal_can_delete_it() {
    let server = crate::common::facebook::start();
    let fixture = fb_clinic(&server.url(), "on_withdrawal = \"delete\"\n");
    fb_publish(&fixture);
    assert_eq!(server.with(|api| api.posts.len()), 2);
    correct(&fixture, NOTE);
    let dry = fb_run(&fixture, &["publish", "--dry-run"], None);
    assert!(String::from_utf8_lossy(&dry.stdout).contains("edit of"));
    fb_publish(&fixture);
    let messages = server.with(|api| api.messages());
    assert_eq!(messages.len(), 2, "edited in place");
    assert!(messages.iter().all(|m| m.contains(NOTE)), "{messages:?}");
    assert!(messages[0].starts_with(TEASER), "{messages:?}");
    fb_publish(&fixture);
    let edits = server
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && !r.path.ends_with("/feed"))
        .count();
    assert_eq!(edits, 2, "edited once");
    withdraw(&fixture);
    fb_publish(&fixture);
    assert!(server.with(|api| api.posts.is_empty()), "deleted");
    assert!(
        server.contract_violations().is_empty(),
        "{:#?}",
        server.contract_violations()
    );
}

#[cfg(feature = "failpoints")]
#[test]
fn a_crash_after_a_facebook_edit_or_delete_acts_once() {
    for point in ["publish::before-request", "publish::after-request"] {
        let server = crate::common::facebook::start();
        let fixture = fb_clinic(&server.url(), "on_withdrawal = \"delete\"\n");
        fb_publish(&fixture);
        correct(&fixture, NOTE);
        let crashed = fb_run(
            &fixture,
            &["publish", "--yes"],
            Some(&format!("{point}=return")),
        );
        assert!(!crashed.status.success(), "{point}: {}", stderr(&crashed));
        fb_publish(&fixture);
        let edits = server
            .requests()
            .iter()
            .filter(|r| r.method == "POST" && !r.path.ends_with("/feed"))
            .count();
        assert_eq!(edits, 2, "{point}: one edit per post");
        withdraw(&fixture);
        let crashed = fb_run(
            &fixture,
            &["publish", "--yes"],
            Some(&format!("{point}=return")),
        );
        assert!(!crashed.status.success(), "{point}: {}", stderr(&crashed));
        fb_publish(&fixture);
        let deletes = server
            .requests()
            .iter()
            .filter(|r| r.method == "DELETE")
            .count();
        assert_eq!(deletes, 2, "{point}: one delete per post");
        assert!(
            server.contract_violations().is_empty(),
            "{point}: {:#?}",
            server.contract_violations()
        );
    }
}

// ---------------------------------------------------------------------------
// LinkedIn, against its contract server: a partial update of the post's
// `commentary` (in little text), or its deletion.

fn li_clinic(url: &str, publish: &str) -> Fixture {
    let fixture = Fixture::new(&[("content/blog/bp.md", &front("", ""))]);
    fixture.write(
        "config.toml",
        &format!(
            "{}\n[networks.linkedin]\nid = \"{}\"\ninstance = \"{url}\"\nreach = \"both\"\n\n[publish]\n{publish}",
            crate::common::CONFIG,
            crate::common::linkedin::ORGANIZATION
        ),
    );
    fixture
}

fn li_run(fixture: &Fixture, failpoint: Option<&str>) -> Output {
    let mut command = rounds();
    command
        .env(
            "ROUNDS_LINKEDIN_TOKEN",
            crate::common::linkedin::DEFAULT_TOKEN,
        )
        .args(["publish", "--yes", "--root"])
        .arg(fixture.root());
    match failpoint {
        Some(spec) => command.env("FAILPOINTS", spec),
        None => command.env_remove("FAILPOINTS"),
    };
    command.output().unwrap()
}

fn li_publish(fixture: &Fixture) {
    let out = li_run(fixture, None);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_correction_updates_each_linkedin_post_and_a_withdrawal_can_delete_it() {
    use crate::common::linkedin;
    let server = linkedin::start();
    let fixture = li_clinic(&server.url(), "on_withdrawal = \"delete\"\n");
    li_publish(&fixture);
    assert_eq!(linkedin::posts(&server).len(), 2);
    // Parentheses are reserved in little text: the update must escape them.
    correct(&fixture, "Call us (day or night) at 180/120.");
    li_publish(&fixture);
    let shown = linkedin::shown_texts(&server);
    assert_eq!(shown.len(), 2, "updated in place");
    assert!(
        shown
            .iter()
            .all(|t| t.contains("Call us (day or night) at 180/120.")),
        "{shown:?}"
    );
    li_publish(&fixture);
    let updates = server
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.starts_with("/rest/posts/"))
        .count();
    assert_eq!(updates, 2, "updated once");
    withdraw(&fixture);
    li_publish(&fixture);
    assert!(linkedin::posts(&server).is_empty(), "deleted");
    assert!(
        server.contract_violations().is_empty(),
        "{:#?}",
        server.contract_violations()
    );
}

#[cfg(feature = "failpoints")]
#[test]
fn a_crash_after_a_linkedin_update_or_delete_acts_once() {
    use crate::common::linkedin;
    for point in ["publish::before-request", "publish::after-request"] {
        let server = linkedin::start();
        let fixture = li_clinic(&server.url(), "on_withdrawal = \"delete\"\n");
        li_publish(&fixture);
        correct(&fixture, NOTE);
        let crashed = li_run(&fixture, Some(&format!("{point}=return")));
        assert!(!crashed.status.success(), "{point}: {}", stderr(&crashed));
        li_publish(&fixture);
        let updates = server
            .requests()
            .iter()
            .filter(|r| r.method == "POST" && r.path.starts_with("/rest/posts/"))
            .count();
        assert_eq!(updates, 2, "{point}: one update per post");
        withdraw(&fixture);
        let crashed = li_run(&fixture, Some(&format!("{point}=return")));
        assert!(!crashed.status.success(), "{point}: {}", stderr(&crashed));
        li_publish(&fixture);
        let deletes = server
            .requests()
            .iter()
            .filter(|r| r.method == "DELETE")
            .count();
        assert_eq!(deletes, 2, "{point}: one delete per post");
        assert!(
            server.contract_violations().is_empty(),
            "{point}: {:#?}",
            server.contract_violations()
        );
    }
}
