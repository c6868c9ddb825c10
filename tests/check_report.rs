//! The reading-level report: `rounds check --format json` carries every
//! patient-facing post's scores, `--report` writes the page inside the site
//! (never where it would be published), and `/_check/` under `rounds serve`
//! sorts, opens the hardest sentences and passes axe in headless Chromium.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::browser::{CHROMIUM, browser_dir, chromium_ready, repo};
use crate::common::{rounds, stderr};

/// A copy of `example-site/`, without outputs of an earlier build by hand.
fn example_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = repo().join("example-site");
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(&from).unwrap();
        if rel.starts_with("public") || rel.starts_with("outreach") {
            continue;
        }
        let target = dir.path().join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    dir
}

fn check(root: &Path, args: &[&str]) -> std::process::Output {
    rounds()
        .env("SOURCE_DATE_EPOCH", "1793491200")
        .arg("check")
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap()
}

#[test]
fn json_carries_every_patient_posts_scores_even_under_the_target() {
    let site = example_site();
    let out = check(site.path(), &["--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let posts = json["posts"].as_array().expect("posts");
    // Every post of the example site but those for physicians only.
    let mut patient_files = 0;
    for entry in walkdir::WalkDir::new(site.path().join("content")) {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy();
        // Sections (`_index.md`, `_index.es.md`) are lists, not posts.
        if name.ends_with(".md") && !name.starts_with("_index") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            // Pages about the clinic (`kind = "page"`) are not medical articles.
            if !text.contains("audience = \"physicians\"") && !text.contains("kind = \"page\"") {
                patient_files += 1;
            }
        }
    }
    assert_eq!(posts.len(), patient_files, "{posts:#?}");
    let graded: Vec<&Value> = posts.iter().filter(|p| p["grade"].is_f64()).collect();
    assert!(graded.len() >= 10, "{posts:#?}");
    for p in &graded {
        for key in ["reading_ease", "smog"] {
            assert!(p[key].is_f64(), "{key} in {p:#}");
        }
        assert!(p["words"].as_u64().unwrap() >= 100, "{p:#}");
        assert!(!p["hardest"].as_array().unwrap().is_empty(), "{p:#}");
        assert!(p["title"].is_string() && p["path"].is_string(), "{p:#}");
    }
    let under = graded
        .iter()
        .filter(|p| p["grade"].as_f64().unwrap() <= 8.0 && p["over_target"] == false)
        .count();
    assert!(under >= 1, "posts under the target carry their grade too");
    // A Spanish post has the Spanish scores instead of a grade.
    let spanish = posts
        .iter()
        .find(|p| p["file"] == "content/blog/presion-arterial-consejos.md")
        .unwrap();
    assert!(spanish["grade"].is_null(), "{spanish:#}");
    let perspicuity = spanish["szigriszt_pazos"]
        .as_f64()
        .expect("szigriszt_pazos");
    assert!(
        spanish["fernandez_huerta"].as_f64().unwrap() > perspicuity,
        "{spanish:#}"
    );
    assert!(spanish["inflesz"].is_string(), "{spanish:#}");
    assert!(spanish["hardest"][0]["perspicuity"].is_f64(), "{spanish:#}");
    // The draft's warnings are counted on its row.
    let draft = posts
        .iter()
        .find(|p| p["file"] == "content/blog/flu-shot-and-your-heart.md")
        .unwrap();
    assert!(draft["diagnostics"].as_u64().unwrap() >= 1, "{draft:#}");
}

#[test]
fn the_report_is_written_in_the_site_and_never_where_it_is_published() {
    let site = example_site();
    let out = check(site.path(), &["--report"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(site.path().join("check-report.html")).unwrap();
    assert!(page.contains("<table class=\"sortable\">"), "{page}");
    assert!(page.matches("<tr><td").count() >= 10);
    assert!(
        page.contains("<th scope=\"col\">Perspicuity (es)</th>"),
        "{page}"
    );
    assert!(
        page.contains("perspicuity "),
        "a Spanish row's hardest sentences"
    );
    let out = check(site.path(), &["--report", "reports/reading.html"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site.path().join("reports/reading.html").is_file());
    for refused in [
        "public/check.html",
        "static/check.html",
        "../check.html",
        "/tmp/check.html",
        "check.txt",
    ] {
        let out = check(site.path(), &["--report", refused]);
        assert!(!out.status.success(), "{refused} was accepted");
        assert!(stderr(&out).contains("outside public/"), "{}", stderr(&out));
    }
    assert!(!site.path().join("public/check.html").exists());
    assert!(!site.path().join("static/check.html").exists());
}

/// A running `rounds serve`, stopped (SIGTERM) when dropped.
struct Served {
    child: Child,
    port: u16,
}

impl Served {
    fn start(root: &Path) -> Served {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(assert_cmd::cargo::cargo_bin("rounds"))
            .args(["serve", "--quiet", "--port", &port.to_string(), "--root"])
            .arg(root)
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run rounds serve");
        let mut served = Served { child, port };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = served.child.try_wait() {
                panic!("rounds serve exited ({status})");
            }
            assert!(started.elapsed() < Duration::from_secs(60));
            std::thread::sleep(Duration::from_millis(50));
        }
        served
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

#[test]
fn the_report_under_serve_sorts_opens_and_passes_axe() {
    if !chromium_ready(true) {
        return;
    }
    let site = example_site();
    let served = Served::start(site.path());
    let url = format!("http://127.0.0.1:{}/_check/", served.port);
    let out = Command::new("node")
        .arg(browser_dir().join("check_report.mjs"))
        .arg(&url)
        .env("CHROMIUM", CHROMIUM)
        .output()
        .expect("run node tests/browser/check_report.mjs");
    assert!(
        out.status.success(),
        "tests/browser/check_report.mjs found problems:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).expect("a JSON summary");
    assert_eq!(summary["ok"], true, "{summary:#}");
    assert!(
        summary["grades"].as_array().unwrap().len() >= 10,
        "{summary:#}"
    );
}
