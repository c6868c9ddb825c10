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
