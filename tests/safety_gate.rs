//! The same gate everywhere: `rounds social`, `rounds publish --dry-run` and
//! `rounds publish --yes` refuse exactly what `rounds build` refuses, because
//! all of them go through the one pipeline (`src/pipeline.rs`).

use std::process::Output;

use crate::common::mastodon::{DEFAULT_TOKEN, MastodonServer};
use crate::common::{Fixture, post, rounds, stderr};

const MASTODON_TOKEN: &str = "ROUNDS_MASTODON_TOKEN";

/// A clinic posting to a Mastodon contract server, with `extra_config`
/// appended to its config and one post whose front matter adds `front`.
fn clinic(server: &MastodonServer, extra_config: &str, front: &str, body: &str) -> Fixture {
    let fixture = Fixture::new(&[(
        "content/blog/bp.md",
        &post(
            "Blood pressure basics",
            &format!("date = 2026-01-10\ntags = [\"heart health\"]\n{front}"),
            body,
        ),
    )]);
    fixture.write(
        "config.toml",
        &format!(
            "{}\n{extra_config}\n[networks.mastodon]\ninstance = \"{}\"\n",
            crate::common::CONFIG,
            server.url()
        ),
    );
    fixture
}

fn run(fixture: &Fixture, args: &[&str]) -> Output {
    rounds()
        .env(MASTODON_TOKEN, DEFAULT_TOKEN)
        .env("ROUNDS_STATE_DIR", fixture.root().join(".state"))
        .args(args)
        .arg("--root")
        .arg(fixture.root())
        .output()
        .unwrap()
}

/// Build, social, dry run and a real publish all refuse the site, name
/// `rule`, and nothing reaches the server.
fn every_command_refuses(fixture: &Fixture, server: &MastodonServer, rule: &str) {
    let build = run(fixture, &["build"]);
    assert!(!build.status.success(), "build refuses the site");
    assert!(stderr(&build).contains(rule), "{}", stderr(&build));
    for args in [
        &["social"][..],
        &["social", "--format", "json"],
        &["publish", "--dry-run"],
        &["publish", "--yes"],
    ] {
        let out = run(fixture, args);
        let (text, err) = (String::from_utf8_lossy(&out.stdout), stderr(&out));
        assert!(
            !out.status.success(),
            "{args:?} must refuse what build refuses:\n{text}\n{err}"
        );
        if args.contains(&"json") {
            let json: serde_json::Value = serde_json::from_str(&text).expect("JSON on stdout");
            assert_eq!(json["items"], serde_json::json!([]), "no items: {text}");
            let rules: Vec<&str> = json["diagnostics"]
                .as_array()
                .expect("diagnostics listed")
                .iter()
                .filter_map(|d| d["rule"].as_str())
                .collect();
            assert!(
                rules.iter().any(|r| r.starts_with(rule)),
                "{args:?}: {rules:?}"
            );
        } else {
            assert!(err.contains(rule), "{args:?} names the rule:\n{err}");
            assert!(
                !text.contains("/teaser/") && !err.contains("Would post"),
                "{args:?} shows no item of a refused site as fine:\n{text}\n{err}"
            );
        }
    }
    assert!(
        server.posted_texts().is_empty(),
        "nothing is posted: {:?}",
        server.posted_texts()
    );
    assert!(
        !fixture.root().join("syndication.toml").exists()
            || !std::fs::read_to_string(fixture.root().join("syndication.toml"))
                .unwrap()
                .contains("posted"),
        "the ledger records nothing as posted"
    );
}

#[test]
fn a_phone_number_in_the_recommend_text_is_refused_by_social_and_publish() {
    let server = MastodonServer::start();
    let fixture = clinic(
        &server,
        "[social]\nrecommend = { text = \"Ask Maria Lopez at 555-867-5309 how we helped.\", every_days = 30 }",
        "[social]\nteaser = \"Know your numbers.\"",
        "Body.",
    );
    every_command_refuses(&fixture, &server, "privacy/");
}

#[test]
fn a_teaser_with_a_birth_date_and_record_number_is_refused_by_social_and_publish() {
    let server = MastodonServer::start();
    let fixture = clinic(
        &server,
        "",
        "[social]\nteaser = \"Our patient (DOB 03/14/1961, MRN 4471920) got her pressure down.\"",
        "Body.",
    );
    every_command_refuses(&fixture, &server, "privacy/");
}

#[test]
fn a_page_the_build_refuses_for_a_third_party_script_is_refused_by_publish() {
    let server = MastodonServer::start();
    let fixture = clinic(
        &server,
        "",
        "[social]\nteaser = \"Know your numbers.\"",
        "Body.\n\n<script src=\"https://tracker.example/pixel.js\"></script>\n",
    );
    every_command_refuses(&fixture, &server, "privacy/third-party");
}
