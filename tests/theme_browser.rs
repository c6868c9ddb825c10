//! The clinic theme in a real browser and in the Nu HTML Checker: builds
//! `example-site/` with the real binary, then runs `tests/browser/check.mjs`
//! (axe-core in light and dark, screenshots, focus, tap targets, no
//! third-party requests, no-JavaScript rendering) and
//! `tests/browser/validate.sh` (vnu.jar over every HTML file).
//!
//! They need Debian's Chromium, Java, Node and `npm ci` in `tests/browser`,
//! which `./scripts/test` installs. Without them the tests say "skipped"
//! and pass, unless `ROUNDS_BROWSER_TESTS=1` (set by `./scripts/test`),
//! when they fail.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::browser::{CHROMIUM, browser_dir, chromium_ready, on_path, repo, tools_present};

/// The example site, built for the local test server (root-relative links).
fn build_example_site() -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("temp dir");
    let built = crate::common::rounds()
        .arg("build")
        .arg("--root")
        .arg(repo().join("example-site"))
        .arg("--output")
        .arg(out.path())
        .args(["--base-url", "/", "--quiet"])
        .output()
        .expect("run rounds");
    assert!(
        built.status.success(),
        "building example-site failed:\n{}",
        crate::common::stderr(&built)
    );
    assert!(out.path().join("index.html").is_file());
    out
}

fn show(out: &Output) -> String {
    format!(
        "{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn example_site_passes_axe_and_browser_checks() {
    if !chromium_ready(true) {
        return;
    }
    let site = build_example_site();
    // Next to target/debug, so that the screenshots outlive the test.
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("screenshots");
    // Clear the last run's pictures (not the folder: another run may be
    // writing to it).
    if let Ok(entries) = std::fs::read_dir(&shots) {
        for entry in entries.flatten() {
            if entry.path().extension().is_some_and(|ext| ext == "png") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    let out = Command::new("node")
        .arg(browser_dir().join("check.mjs"))
        .arg(site.path())
        .arg(&shots)
        .env("CHROMIUM", CHROMIUM)
        .output()
        .expect("run node tests/browser/check.mjs");
    assert!(
        out.status.success(),
        "tests/browser/check.mjs found problems (screenshots and report.json in {}):\n{}",
        shots.display(),
        show(&out)
    );
}

#[test]
fn example_site_passes_nu_html_checker() {
    if !tools_present(&[
        ("node", on_path("node")),
        ("java", on_path("java")),
        (
            "tests/browser/node_modules/vnu-jar (npm ci)",
            browser_dir()
                .join("node_modules/vnu-jar/build/dist/vnu.jar")
                .is_file(),
        ),
    ]) {
        return;
    }
    let site = build_example_site();
    let out = Command::new("bash")
        .arg(browser_dir().join("validate.sh"))
        .arg(site.path())
        .output()
        .expect("run tests/browser/validate.sh");
    assert!(
        out.status.success(),
        "the Nu HTML Checker found errors in the example site:\n{}",
        show(&out)
    );
}

/// Issue 18's layout and budgets: no page of the example site is wider than
/// a 320, 390 or 1280 px window; no image moves a page as it loads; the home
/// page's first load is under 200 kB; article lines run 60 to 80
/// characters; the phone menu opens without JavaScript; and posts have their
/// side column on wide screens (`tests/browser/layout.mjs`).
#[test]
fn example_site_fits_every_width_within_its_budget_without_layout_shift() {
    if !chromium_ready(false) {
        return;
    }
    let site = build_example_site();
    let report = tempfile::tempdir().expect("temp dir");
    let out = Command::new("node")
        .arg(browser_dir().join("layout.mjs"))
        .arg(site.path())
        .arg(report.path())
        .env("CHROMIUM", CHROMIUM)
        .output()
        .expect("run node tests/browser/layout.mjs");
    assert!(
        out.status.success(),
        "tests/browser/layout.mjs found problems:\n{}",
        show(&out)
    );
    // What it measured, for the note.
    println!("{}", String::from_utf8_lossy(&out.stdout));
}
