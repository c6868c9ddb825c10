//! `rounds publish` stopped dead at each dangerous point — before a request,
//! after a request but before the ledger records it, and halfway through
//! writing the ledger — then run again: every item ends up posted exactly
//! once, on the Mastodon contract server and on the real Bluesky PDS, and the
//! ledger on disk is valid TOML after every crash.
//!
//! The crash is `abort()` at a named fail point (the `fail` crate), so it is a
//! real process death at an exact place, with no unwinding or cleanup. The
//! points exist only in builds with the `failpoints` feature, which
//! `./scripts/test` turns on.
#![cfg(feature = "failpoints")]

use std::process::Output;

use crate::common::mastodon::{DEFAULT_TOKEN, MastodonServer};
use crate::common::{Fixture, post, rounds, stderr};

/// Where to crash, and on which hit of the point (the first hit is item one).
const POINTS: &[(&str, usize)] = &[
    ("publish::before-request", 2),
    ("publish::after-request", 1),
    ("publish::after-request", 3),
    // Saves go: pending 1, posted 1, pending 2 ... so hit 2 loses "posted 1"
    // and hit 3 loses "pending 2".
    ("ledger::before-rename", 2),
    ("ledger::before-rename", 3),
];

fn clinic(mastodon: &str, bluesky: Option<&str>) -> Fixture {
    let fixture = Fixture::new(&[
        (
            "content/blog/bp.md",
            &post(
                "Blood pressure basics",
                "date = 2026-01-10\n[social]\nteaser = \"Tips 💓 for your blood pressure.\"\nask = \"Do you check yours at home?\"",
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

struct Run<'a> {
    fixture: &'a Fixture,
    network: &'a str,
    bluesky: Option<&'a crate::common::pds::TestAccount>,
}

impl Run<'_> {
    fn publish(&self, failpoint: Option<String>) -> Output {
        let mut command = rounds();
        command
            .env("ROUNDS_MASTODON_TOKEN", DEFAULT_TOKEN)
            .env("ROUNDS_STATE_DIR", self.fixture.root().join(".state"))
            .args(["publish", "--yes", "--network", self.network, "--root"])
            .arg(self.fixture.root());
        if let Some(account) = self.bluesky {
            command
                .env("ROUNDS_BLUESKY_HANDLE", &account.handle)
                .env("ROUNDS_BLUESKY_APP_PASSWORD", &account.password);
        }
        match failpoint {
            Some(spec) => command.env("FAILPOINTS", spec),
            None => command.env_remove("FAILPOINTS"),
        };
        command.output().unwrap()
    }

    /// Crashes at `point` on its `hit`-th pass, checks the ledger, re-runs.
    fn crash_then_resume(&self, point: &str, hit: usize) {
        let spec = if hit == 1 {
            format!("{point}=return")
        } else {
            format!("{point}={}*off->return", hit - 1)
        };
        let crashed = self.publish(Some(spec));
        assert!(
            !crashed.status.success(),
            "{point} #{hit} was never reached: {}",
            stderr(&crashed)
        );
        let ledger = self.fixture.root().join("syndication.toml");
        if ledger.exists() {
            let text = std::fs::read_to_string(&ledger).unwrap();
            toml::from_str::<toml::Table>(&text)
                .unwrap_or_else(|e| panic!("ledger broken after {point} #{hit}: {e}\n{text}"));
        }
        let resumed = self.publish(None);
        assert!(
            resumed.status.success(),
            "re-run after {point} #{hit}: {}",
            stderr(&resumed)
        );
    }

    fn posted_ids(&self) -> Vec<String> {
        let text = std::fs::read_to_string(self.fixture.root().join("syndication.toml")).unwrap();
        let table: toml::Table = toml::from_str(&text).unwrap();
        let mut ids: Vec<String> = table["item"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["state"].as_str() == Some("posted"))
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    }
}

fn no_litter(fixture: &Fixture) {
    let litter: Vec<_> = std::fs::read_dir(fixture.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".syndication.toml."))
        .collect();
    assert!(
        litter.len() <= 1,
        "at most the one temporary file of the last crash: {litter:?}"
    );
}

#[test]
fn mastodon_items_land_exactly_once_whatever_the_crash() {
    for &(point, hit) in POINTS {
        let server = MastodonServer::start();
        let fixture = clinic(&server.url(), None);
        let run = Run {
            fixture: &fixture,
            network: "mastodon",
            bluesky: None,
        };
        run.crash_then_resume(point, hit);
        let mut texts = server.posted_texts();
        assert_eq!(texts.len(), 3, "after {point} #{hit}: {texts:?}");
        texts.sort();
        texts.dedup();
        assert_eq!(texts.len(), 3, "nothing posted twice after {point} #{hit}");
        assert_eq!(
            run.posted_ids().len(),
            3,
            "all recorded after {point} #{hit}"
        );
        assert!(
            server.contract_violations().is_empty(),
            "{:?}",
            server.contract_violations()
        );
        no_litter(&fixture);
    }
}

#[test]
fn bluesky_items_land_exactly_once_whatever_the_crash() {
    let Some(url) = crate::common::pds::pds_url_or_skip() else {
        return;
    };
    for &(point, hit) in POINTS {
        let account = crate::common::pds::create_account(&url);
        let server = MastodonServer::start();
        let fixture = clinic(&server.url(), Some(&url));
        let run = Run {
            fixture: &fixture,
            network: "bluesky",
            bluesky: Some(&account),
        };
        run.crash_then_resume(point, hit);
        let posts = crate::common::pds::list_posts(&url, &account.did);
        let mut texts: Vec<&str> = posts
            .iter()
            .map(|p| p["value"]["text"].as_str().unwrap())
            .collect();
        assert_eq!(texts.len(), 3, "after {point} #{hit}: {texts:#?}");
        texts.sort();
        texts.dedup();
        assert_eq!(texts.len(), 3, "nothing posted twice after {point} #{hit}");
        assert_eq!(
            run.posted_ids().len(),
            3,
            "all recorded after {point} #{hit}"
        );
        no_litter(&fixture);
    }
}
