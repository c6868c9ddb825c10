//! The live preview of `rounds serve` in a real browser: starts the real
//! binary on a fixture site, then runs `tests/browser/reload.mjs`, which
//! edits the site's files under an open page and checks that the page
//! reloads by itself after a save, swaps its stylesheet without reloading
//! after a CSS edit, shows the error overlay over the last good page when
//! the build breaks, and reloads without it once fixed.
//!
//! It needs Debian's Chromium, Node and `npm ci` in `tests/browser`, which
//! `./scripts/test` installs. Without them the test says "skipped" and
//! passes, unless `ROUNDS_BROWSER_TESTS=1` (set by `./scripts/test`), when
//! it fails.

use std::io::Read;
use std::net::TcpStream;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::Fixture;

use crate::common::browser::{CHROMIUM, browser_dir, chromium_ready, repo};

fn show(out: &Output) -> String {
    format!(
        "{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `rounds serve`, stopped politely (SIGTERM, so that it removes
/// its scratch folder) when dropped, even when the test fails.
struct Server {
    child: Option<Child>,
    port: u16,
    log: Arc<Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts `rounds serve` on a free port and waits until it answers.
    fn start(site: &Fixture) -> Server {
        let port = free_port();
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("rounds"))
            .args(["serve", "--port", &port.to_string(), "--root"])
            .arg(site.root())
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run rounds serve");
        // Read its log as it comes, so that a full pipe never blocks it.
        let log = Arc::new(Mutex::new(String::new()));
        let mut stderr = child.stderr.take().expect("piped stderr");
        let sink = log.clone();
        let reader = std::thread::spawn(move || {
            let mut buffer = [0; 4096];
            while let Ok(n) = stderr.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        let mut server = Server {
            child: Some(child),
            port,
            log,
            reader: Some(reader),
        };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = server
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!("rounds serve exited ({status}):\n{}", server.log());
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "rounds serve did not answer within a minute:\n{}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// SIGTERM and a wait (its whole log read); a hard kill if it does not
    /// stop in time, and then None.
    fn stop(&mut self) -> Option<std::process::ExitStatus> {
        let mut child = self.child.take()?;
        let _ = Command::new("kill").arg(child.id().to_string()).status();
        let asked = Instant::now();
        let mut stopped = None;
        while asked.elapsed() < Duration::from_secs(15) {
            if let Ok(Some(status)) = child.try_wait() {
                stopped = Some(status);
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if stopped.is_none() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        stopped
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

#[test]
fn an_open_page_reloads_swaps_css_and_shows_build_errors() {
    if !chromium_ready(false) {
        return;
    }
    // The site's static/style.css replaces the theme's (the page links it
    // as /style.css); a copy of it, so that the page looks as usual.
    let theme_css = std::fs::read_to_string(repo().join("themes/clinic/static/style.css"))
        .expect("the clinic theme's style.css");
    let site = Fixture::new(&[
        (
            "content/blog/bp.md",
            &crate::common::post("BP", "date = 2026-01-01", "First version."),
        ),
        ("static/style.css", &theme_css),
    ]);
    let mut server = Server::start(&site);
    let post_url = server.url("/blog/bp/");

    let out = Command::new("node")
        .arg(browser_dir().join("reload.mjs"))
        .arg(&post_url)
        .arg(site.root())
        .env("CHROMIUM", CHROMIUM)
        .output()
        .expect("run node tests/browser/reload.mjs");
    assert!(
        out.status.success(),
        "tests/browser/reload.mjs failed on {post_url}:\n{}\n--- rounds serve ---\n{}",
        show(&out),
        server.log()
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("reload.mjs prints a JSON summary");
    let steps: Vec<&str> = summary["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter(|s| s["ok"] == true)
        .filter_map(|s| s["step"].as_str())
        .collect();
    assert_eq!(
        steps,
        ["open", "reload", "css", "error", "fixed"],
        "{summary}"
    );

    let status = server.stop();
    let log = server.log();
    assert!(
        status.is_some_and(|s| s.success()),
        "rounds serve did not stop cleanly on SIGTERM ({status:?}):\n{log}"
    );
    assert!(
        log.contains("Updated "),
        "a save redraws only what it touched: {log}"
    );
    assert!(log.contains("Rebuild failed"), "{log}");
    assert!(log.trim_end().ends_with("Stopped."), "{log}");
}
