//! What the browser tests share: where Chromium and the npm packages are,
//! and whether the tests may be skipped when a tool is missing.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const CHROMIUM: &str = "/usr/bin/chromium";

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn browser_dir() -> PathBuf {
    repo().join("tests/browser")
}

pub fn on_path(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
}

/// Whether the headless Chromium tests can run: node, Debian's Chromium and
/// the npm packages (with axe-core when the test runs axe). False, or a
/// panic under `ROUNDS_BROWSER_TESTS=1`, as [`tools_present`] says.
pub fn chromium_ready(with_axe: bool) -> bool {
    let node_modules = browser_dir().join("node_modules");
    tools_present(&[
        ("node", on_path("node")),
        (CHROMIUM, Path::new(CHROMIUM).is_file()),
        (
            "tests/browser/node_modules (npm ci)",
            node_modules.join("puppeteer-core").is_dir()
                && (!with_axe || node_modules.join("axe-core").is_dir()),
        ),
    ])
}

/// Returns false (after saying why) when a tool is missing and the test
/// may be skipped; panics when it may not.
pub fn tools_present(needs: &[(&str, bool)]) -> bool {
    let missing: Vec<&str> = needs
        .iter()
        .filter(|(_, present)| !present)
        .map(|(what, _)| *what)
        .collect();
    if missing.is_empty() {
        return true;
    }
    let missing = missing.join(", ");
    if std::env::var("ROUNDS_BROWSER_TESTS").as_deref() == Ok("1") {
        panic!(
            "ROUNDS_BROWSER_TESTS=1 but the browser tests cannot run: missing {missing}. \
             Run ./scripts/test, which installs them."
        );
    }
    // Straight to stderr, past the test harness's capture, so that the
    // skip shows in a plain `cargo test`.
    let _ = writeln!(
        std::io::stderr(),
        "skipped: browser tests need {missing}: run ./scripts/test"
    );
    false
}
