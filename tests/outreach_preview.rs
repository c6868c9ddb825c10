//! The outreach preview (`outreach/index.html`, `/_outreach/` under `rounds
//! serve`): links and lengths as `rounds publish` sends them even under
//! `serve`, a count per state that matches the cards, an empty state that
//! says how to turn a network on, and the approve button's endpoint, which
//! answers only the preview itself and writes the ledger exactly as `rounds
//! social approve` does. The same page in Chromium (filters, order, axe,
//! screenshots) is at the end.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use scraper::{Html, Selector};
use serde_json::Value;

use crate::common::browser::{CHROMIUM, browser_dir, chromium_ready};
use crate::common::{Fixture, post, rounds, stderr};

const NETWORKS: &str = r#"
[networks.mastodon]
account = "@heart@med.example"
instance = "https://med.example"

[networks.bluesky]
account = "heart.bsky.social"

[networks.x]
account = "@RiversideHeart"

[networks.linkedin]
account = "Riverside Heart"
id = "urn:li:organization:5550100"
reach = "both"

[networks.facebook]
account = "Riverside Heart"
id = "555010012345"

[networks.threads]
account = "@riversideheart"

[social]
hashtags = ["Springfield"]
"#;

const APPROVAL: &str = "\n[publish]\nrequire_approval = true\n";

/// Three posts: one long ago, one soon, one far ahead; one with a poll.
fn clinic(extra_config: &str) -> Fixture {
    let fixture = Fixture::new(&[
        (
            "content/blog/bp.md",
            &post(
                "Blood pressure basics",
                "date = 2026-01-05\ndescription = \"What the numbers mean.\"\ntags = [\"blood pressure\"]",
                "Your blood pressure has two numbers. Here is what each means and when to call us.",
            ),
        ),
        (
            "content/blog/salt.md",
            &post(
                "Salt check",
                "date = 2030-03-01\ndescription = \"Where salt hides.\"\n[[social.poll]]\nquestion = \"How often do you check labels for salt?\"\noptions = [\"Always\", \"Sometimes\", \"Never\"]\nduration = \"1d\"",
                "Most salt comes from packaged food.",
            ),
        ),
        (
            "content/blog/walk.md",
            &post(
                "Walking after a stent",
                "date = 2029-06-01\ndescription = \"A week-by-week plan.\"",
                "Start with ten minutes a day.",
            ),
        ),
    ]);
    fixture.write(
        "config.toml",
        &format!("{}{NETWORKS}{extra_config}", crate::common::CONFIG),
    );
    fixture
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `rounds serve`, stopped politely (SIGTERM) when dropped; its
/// log goes to a file outside the site, shown when a test fails.
struct Served {
    child: Child,
    port: u16,
    log: tempfile::NamedTempFile,
}

impl Served {
    fn start(site: &Fixture) -> Served {
        let port = free_port();
        let log = tempfile::NamedTempFile::new().unwrap();
        let child = Command::new(assert_cmd::cargo::cargo_bin("rounds"))
            .args(["serve", "--quiet", "--port", &port.to_string(), "--root"])
            .arg(site.root())
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(log.reopen().unwrap())
            .spawn()
            .expect("run rounds serve");
        let mut served = Served { child, port, log };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = served.child.try_wait() {
                panic!("rounds serve exited ({status}):\n{}", served.log());
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "rounds serve did not answer within a minute:\n{}",
                served.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        served
    }

    fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin())
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }

    /// The preview page as the browser gets it.
    fn preview(&self) -> String {
        let response = reqwest::blocking::get(self.url("/_outreach/")).expect("GET /_outreach/");
        assert_eq!(response.status(), 200, "{}", self.log());
        response.text().unwrap()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let asked = Instant::now();
        while asked.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn select(selector: &str) -> Selector {
    Selector::parse(selector).unwrap()
}

/// `rounds social --format json`'s items by id.
fn social_items(root: &Path) -> Vec<Value> {
    let out = rounds()
        .args(["social", "--format", "json", "--root"])
        .arg(root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    json["items"].as_array().unwrap().clone()
}

fn cards(page: &Html) -> Vec<scraper::ElementRef<'_>> {
    page.select(&select("article.card")).collect()
}

#[test]
fn served_preview_links_to_the_published_site_and_counts_as_publish_does() {
    let site = clinic("");
    let served = Served::start(&site);
    let html = served.preview();
    let page = Html::parse_document(&html);
    let hrefs: Vec<&str> = page
        .select(&select("[href]"))
        .filter_map(|e| e.value().attr("href"))
        .collect();
    assert!(!hrefs.is_empty());
    for href in &hrefs {
        assert!(
            !href.contains("127.0.0.1"),
            "a link of the served preview leads to the local preview: {href}"
        );
    }
    let text: String = page.root_element().text().collect();
    assert!(
        !text.contains("127.0.0.1"),
        "the served preview shows the local address in its text"
    );
    assert!(
        hrefs
            .iter()
            .any(|h| h.starts_with("https://heart.example/blog/bp/?utm_source=bluesky")),
        "the short Bluesky link leads to the tracked address: {hrefs:?}"
    );
    let items = social_items(site.root());
    let cards = cards(&page);
    assert_eq!(cards.len(), items.len(), "one card per item");
    for item in &items {
        let id = item["id"].as_str().unwrap();
        let card = cards
            .iter()
            .find(|c| c.value().attr("data-id") == Some(id))
            .unwrap_or_else(|| panic!("no card for {id}"));
        assert_eq!(
            card.value().attr("data-length"),
            Some(item["length"].to_string().as_str()),
            "{id}: the served preview counts another length than `rounds social`"
        );
        let shown: String = card.text().collect();
        assert!(
            shown.contains(&format!("{} of {}", item["length"], item["limit"])),
            "{id}: the length against the limit: {shown}"
        );
    }
    // The domain under LinkedIn's and Facebook's cards is the clinic's.
    let domains: Vec<String> = page
        .select(&select(".net-linkedin .domain, .net-facebook .domain"))
        .map(|d| d.text().collect::<String>().to_lowercase())
        .collect();
    assert!(!domains.is_empty());
    assert!(domains.iter().all(|d| d == "heart.example"), "{domains:?}");
}

#[test]
fn the_count_of_each_state_matches_the_cards() {
    let site = clinic(APPROVAL);
    site.write(
        "syndication.toml",
        r#"[[item]]
id = "blog/bp/teaser/mastodon"
network = "mastodon"
state = "posted"
remote_id = "1"
url = "https://med.example/@heart/1"
at = "2026-01-05T10:00:00Z"

[[item]]
id = "blog/bp/teaser/x"
network = "x"
state = "failed"
error = "403 Forbidden"
at = "2026-01-05T10:00:00Z"

[[item]]
id = "blog/bp/teaser/bluesky"
network = "bluesky"
state = "approved"
at = "2026-01-05T10:00:00Z"
"#,
    );
    site.build_ok();
    let html = std::fs::read_to_string(site.root().join("outreach/index.html")).unwrap();
    assert!(
        !html.contains("Nothing here has been posted"),
        "the page says nothing was posted beside a posted card"
    );
    let page = Html::parse_document(&html);
    let cards = cards(&page);
    let state_of = |id: &str| {
        cards
            .iter()
            .find(|c| c.value().attr("data-id") == Some(id))
            .and_then(|c| c.value().attr("data-state"))
            .unwrap_or_else(|| panic!("no card for {id}"))
            .to_string()
    };
    assert_eq!(state_of("blog/bp/teaser/mastodon"), "posted");
    assert_eq!(state_of("blog/bp/teaser/x"), "failed");
    assert_eq!(state_of("blog/bp/teaser/bluesky"), "approved");
    assert_eq!(state_of("blog/bp/teaser/threads"), "waiting");
    let counts: Vec<(String, usize)> = page
        .select(&select(".tally [data-state]"))
        .map(|li| {
            (
                li.value().attr("data-state").unwrap().to_string(),
                li.value().attr("data-count").unwrap().parse().unwrap(),
            )
        })
        .collect();
    assert!(counts.iter().any(|(s, _)| s == "posted"), "{counts:?}");
    let mut total = 0;
    for (state, count) in &counts {
        let cards_in = cards
            .iter()
            .filter(|c| c.value().attr("data-state") == Some(state))
            .count();
        assert_eq!(*count, cards_in, "{state}: the count and the cards differ");
        total += count;
    }
    assert_eq!(total, cards.len(), "every card is counted once: {counts:?}");
    // Ordered by due date: the 2026 post, then 2029, then 2030.
    let due: Vec<&str> = cards
        .iter()
        .map(|c| c.value().attr("data-due").unwrap_or(""))
        .collect();
    let mut sorted = due.clone();
    sorted.sort();
    assert_eq!(due, sorted, "cards are not in the order they are due");
    assert!(due.first().unwrap().starts_with("2026-01-05"), "{due:?}");
    // The posted card links to the post on its network.
    assert!(html.contains("href=\"https://med.example/@heart/1\""));
    assert!(html.contains("403 Forbidden"), "the failure says why");
}

#[test]
fn an_empty_preview_says_which_networks_are_on_and_how_to_turn_one_on() {
    let site = Fixture::new(&[(
        "content/blog/bp.md",
        &post("BP", "date = 2026-01-05", "Body."),
    )]);
    site.build_ok();
    let html = std::fs::read_to_string(site.root().join("outreach/index.html")).unwrap();
    let page = Html::parse_document(&html);
    let text: String = page.root_element().text().collect();
    assert!(
        text.contains("No network is turned on"),
        "the empty preview does not say why it is empty:\n{text}"
    );
    assert!(text.contains("[networks.mastodon]"), "{text}");
    assert!(text.contains("config.toml"), "{text}");

    // A network set up but turned off is named as such.
    site.write(
        "config.toml",
        &format!(
            "{}\n[networks.x]\naccount = \"@RiversideHeart\"\nenabled = false\n",
            crate::common::CONFIG
        ),
    );
    site.build_ok();
    let html = std::fs::read_to_string(site.root().join("outreach/index.html")).unwrap();
    let text: String = Html::parse_document(&html).root_element().text().collect();
    assert!(text.contains("X is set up but turned off"), "{text}");
    assert!(text.contains("enabled = false"), "{text}");
}

/// The ledger's text with the times blanked, to compare two ledgers.
fn without_times(root: &Path) -> String {
    let text = std::fs::read_to_string(root.join("syndication.toml")).unwrap_or_default();
    text.lines()
        .map(|l| {
            if l.starts_with("at = ") {
                "at = …"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A POST to the approve endpoint with the given headers.
fn ask(served: &Served, headers: &[(&str, &str)], body: &Value) -> (u16, String) {
    let client = reqwest::blocking::Client::new();
    let mut request = client
        .post(served.url("/_rounds/approve"))
        .header("content-type", "application/json")
        .body(body.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().expect("POST /_rounds/approve");
    (response.status().as_u16(), response.text().unwrap())
}

#[test]
fn the_preview_approves_like_rounds_social_approve_and_only_for_itself() {
    let site = clinic(APPROVAL);
    let twin = clinic(APPROVAL);
    let id = "blog/walk/teaser/mastodon";

    // The built page carries no token: it says which command approves.
    site.build_ok();
    let built = std::fs::read_to_string(site.root().join("outreach/index.html")).unwrap();
    assert!(
        !built.contains("<meta name=\"rounds-approve-token\""),
        "a token in the built page"
    );
    assert!(built.contains(&format!("rounds social approve {id}")));

    let served = Served::start(&site);
    let html = served.preview();
    let page = Html::parse_document(&html);
    let token = page
        .select(&select("meta[name=rounds-approve-token]"))
        .next()
        .and_then(|m| m.value().attr("content"))
        .unwrap_or_else(|| panic!("no token in the served preview"))
        .to_string();
    assert!(token.len() >= 32, "a guessable token: {token}");
    let origin = served.origin();
    let approve = serde_json::json!({"id": id, "approve": true});
    let refused = [
        // No token.
        vec![("origin", origin.as_str())],
        // Another token.
        vec![
            ("origin", origin.as_str()),
            ("x-rounds-token", "0123456789abcdef0123456789abcdef"),
        ],
        // Another page open in the browser.
        vec![
            ("origin", "http://evil.example"),
            ("x-rounds-token", token.as_str()),
        ],
        // No origin at all.
        vec![("x-rounds-token", token.as_str())],
        // The right origin, but the browser says the request is cross-site.
        vec![
            ("origin", origin.as_str()),
            ("x-rounds-token", token.as_str()),
            ("sec-fetch-site", "cross-site"),
        ],
    ];
    for headers in &refused {
        let (status, body) = ask(&served, headers, &approve);
        assert_eq!(status, 403, "{headers:?} answered {status}: {body}");
    }
    assert!(
        !site.root().join("syndication.toml").exists()
            || !std::fs::read_to_string(site.root().join("syndication.toml"))
                .unwrap()
                .contains(id),
        "a refused request wrote the ledger"
    );
    let get = reqwest::blocking::get(served.url("/_rounds/approve")).unwrap();
    assert_eq!(get.status(), 405, "only POST approves");

    let good = [
        ("origin", origin.as_str()),
        ("x-rounds-token", token.as_str()),
        ("sec-fetch-site", "same-origin"),
    ];
    let (status, body) = ask(&served, &good, &approve);
    assert_eq!(status, 200, "{body}\n{}", served.log());
    let answer: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["state"], "approved", "{answer}");
    assert_eq!(answer["changed"], true, "{answer}");

    let cli = rounds()
        .args(["social", "approve", id, "--root"])
        .arg(twin.root())
        .output()
        .unwrap();
    assert!(cli.status.success(), "{}", stderr(&cli));
    let record = crate::common::ledger::record(site.root(), id).expect("the approval is recorded");
    assert!(record.get("at").is_some(), "{record}");
    assert_eq!(
        without_times(site.root()),
        without_times(twin.root()),
        "the preview's approval differs from `rounds social approve`'s"
    );

    // An id that names nothing is refused and writes nothing.
    let (status, _) = ask(
        &served,
        &good,
        &serde_json::json!({"id": "blog/nothing/teaser/x", "approve": true}),
    );
    assert_eq!(status, 404);

    let withdraw = serde_json::json!({"id": id, "approve": false});
    let (status, body) = ask(&served, &good, &withdraw);
    assert_eq!(status, 200, "{body}");
    let answer: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["state"], "waiting", "{answer}");
    let cli = rounds()
        .args(["social", "unapprove", id, "--root"])
        .arg(twin.root())
        .output()
        .unwrap();
    assert!(cli.status.success(), "{}", stderr(&cli));
    assert!(crate::common::ledger::record(site.root(), id).is_none());
    assert_eq!(without_times(site.root()), without_times(twin.root()));
}

/// Where this test keeps its screenshots: `target/screenshots/outreach/`,
/// a folder of its own, since the theme's browser test clears the PNGs of
/// `target/screenshots/` when it starts.
fn screenshots() -> std::path::PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("screenshots/outreach")
}

#[test]
fn the_served_preview_in_chromium_filters_orders_approves_and_passes_axe() {
    if !chromium_ready(true) {
        return;
    }
    // The example site: every network, every kind of item, real words.
    let copy = tempfile::tempdir().unwrap();
    let root = copy.path().to_path_buf();
    copy_dir(&crate::common::browser::repo().join("example-site"), &root);
    let config = std::fs::read_to_string(root.join("config.toml")).unwrap();
    std::fs::write(root.join("config.toml"), format!("{config}{APPROVAL}")).unwrap();
    let site = Fixture { dir: copy };
    let served = Served::start(&site);
    let shots = screenshots();
    std::fs::create_dir_all(&shots).unwrap();
    let out = Command::new("node")
        .arg(browser_dir().join("outreach.mjs"))
        .arg(served.url("/_outreach/"))
        .arg(&shots)
        .env("CHROMIUM", CHROMIUM)
        .output()
        .expect("run node tests/browser/outreach.mjs");
    assert!(
        out.status.success(),
        "tests/browser/outreach.mjs found problems (screenshots in {}):\n{}\n{}\n--- rounds serve ---\n{}",
        shots.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        served.log()
    );
    let summary: Value = serde_json::from_slice(&out.stdout).expect("a JSON summary");
    // The button in the page wrote the ledger.
    let approved = summary["approved"].as_str().expect("an approved id");
    let record = crate::common::ledger::record(&root, approved)
        .unwrap_or_else(|| panic!("the page's Approve wrote nothing: {summary}"));
    assert_eq!(record["state"].as_str(), Some("approved"));
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        // Outputs of an earlier build by hand are not the site.
        if rel.starts_with("public") || rel.starts_with("outreach") {
            continue;
        }
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
