//! `rounds serve`: pages, the 404 page, the outreach preview, content types,
//! no way out of the site; and the live preview: rebuilds on save, reload
//! events, the error kept beside the last good build, a clean stop.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::common::Fixture;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A raw GET, so paths like `/../x` reach the server unnormalised.
fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, response)
}

#[test]
fn serves_the_built_site_and_nothing_else() {
    let site = Fixture::new(&[(
        "content/blog/bp.md",
        &crate::common::post("BP", "date = 2026-01-01", "Body."),
    )]);
    site.write("secret.txt", "do not serve");
    let port = free_port();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("rounds"))
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(site.root())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "serve did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let (status, page) = get(port, "/blog/bp/");
    assert_eq!(status, 200);
    assert!(page.to_lowercase().contains("content-type: text/html"));
    assert!(
        page.contains(&format!("http://127.0.0.1:{port}/blog/bp/")),
        "links point at the preview"
    );
    let (status, page) = get(port, "/no-such-page/");
    assert_eq!(status, 404);
    assert!(
        page.contains("could not find that page"),
        "the theme's 404 page"
    );
    assert_eq!(get(port, "/_outreach/").0, 200);
    for attack in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/blog/%2e%2e/%2e%2e/secret.txt",
    ] {
        let (status, body) = get(port, attack);
        assert!(status == 404 || status == 400, "{attack}: {status}");
        assert!(!body.contains("do not serve"), "{attack}");
    }
    assert!(
        !site.root().join("public").exists(),
        "a preview never writes public/"
    );
    // A polite stop, so the server removes its scratch folder.
    std::process::Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success(), "SIGTERM stops it cleanly");
}

/// Starts `rounds serve` on a free port, its log to `stderr`, and waits
/// until it answers.
fn spawn(site: &Fixture, stderr: std::process::Stdio) -> (std::process::Child, u16) {
    let port = free_port();
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("rounds"))
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(site.root())
        .stdout(std::process::Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "serve did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (child, port)
}

/// Starts `rounds serve` on a free port and waits until it answers.
fn start(site: &Fixture) -> (std::process::Child, u16) {
    spawn(site, std::process::Stdio::piped())
}

/// The server-sent events, one `(name, data)` per event, read on a thread.
pub(crate) fn events(port: u16) -> std::sync::mpsc::Receiver<(String, String)> {
    use std::io::BufRead;
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET /_rounds/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let reader = std::io::BufReader::new(stream);
        let (mut name, mut data) = (String::new(), String::new());
        for line in reader.lines() {
            let Ok(line) = line else { return };
            if let Some(n) = line.strip_prefix("event: ") {
                name = n.trim().to_string();
            } else if let Some(d) = line.strip_prefix("data: ") {
                data.push_str(d);
            } else if line.is_empty() && !name.is_empty() {
                if sender.send((name.clone(), data.clone())).is_err() {
                    return;
                }
                name.clear();
                data.clear();
            }
        }
    });
    // The stream is open once the server has answered its headers; give it a moment.
    std::thread::sleep(Duration::from_millis(300));
    receiver
}

fn next_event(events: &std::sync::mpsc::Receiver<(String, String)>) -> (String, String) {
    events
        .recv_timeout(Duration::from_secs(60))
        .expect("an event within a minute")
}

/// Waits for reload events until the page shows `text`: one save may give
/// more than one rebuild (a truncate, then a write), so an event can be an
/// earlier save's.
fn reloaded_with(
    events: &std::sync::mpsc::Receiver<(String, String)>,
    port: u16,
    path: &str,
    text: &str,
) {
    loop {
        assert_eq!(next_event(events).0, "reload");
        if get(port, path).1.contains(text) {
            return;
        }
    }
}

/// A server whose log goes to a file, printed when the test fails, so a
/// failure under load shows what the server saw.
struct Logged {
    child: Option<std::process::Child>,
    log: tempfile::NamedTempFile,
}

impl Logged {
    fn start(site: &Fixture) -> (Logged, u16) {
        let log = tempfile::NamedTempFile::new().unwrap();
        let (child, port) = spawn(site, log.reopen().unwrap().into());
        let served = Logged {
            child: Some(child),
            log,
        };
        (served, port)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }

    /// Stops it with Ctrl-C and returns its exit status and log.
    fn interrupt(mut self) -> (std::process::ExitStatus, String) {
        let mut child = self.child.take().unwrap();
        let stopped = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(stopped.success());
        let status = child.wait().unwrap();
        (status, self.log())
    }
}

impl Drop for Logged {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
            if std::thread::panicking() {
                eprintln!("--- the server's log ---\n{}", self.log());
            }
        }
    }
}

#[test]
fn a_save_rebuilds_reloads_and_a_broken_build_keeps_the_last_good_one() {
    let post = |body: &str| crate::common::post("BP", "date = 2026-01-01", body);
    let site = Fixture::new(&[("content/blog/bp.md", &post("First version."))]);
    let (served, port) = Logged::start(&site);
    let (_, page) = get(port, "/blog/bp/");
    assert!(page.contains("First version."));
    assert!(
        page.contains("<script src=\"/_rounds/live.js\" defer></script></body>"),
        "the live script is injected into served pages"
    );
    let events = events(port);

    site.write("content/blog/bp.md", &post("Second version."));
    reloaded_with(&events, port, "/blog/bp/", "Second version.");

    // An editor that saves through a temporary file and a rename.
    let temporary = site.root().join("content/blog/.bp.md.tmp");
    std::fs::write(&temporary, post("Third version.")).unwrap();
    std::fs::rename(&temporary, site.root().join("content/blog/bp.md")).unwrap();
    reloaded_with(&events, port, "/blog/bp/", "Third version.");

    site.write(
        "content/blog/bp.md",
        "+++\ntitle = \"BP\"\n\nNo closing line.\n",
    );
    // Skip a late reload from the rename above.
    let (name, data) = std::iter::repeat_with(|| next_event(&events))
        .find(|(name, _)| name != "reload")
        .unwrap();
    assert_eq!(name, "error");
    assert!(
        data.contains("content/blog/bp.md:1:1") && data.contains("never closed"),
        "the error names the file and line: {data}"
    );
    assert!(
        get(port, "/blog/bp/").1.contains("Third version."),
        "the last good build is still served"
    );
    // A page opened now hears about the failure at once.
    let late = self::events(port);
    assert_eq!(next_event(&late).0, "error");

    site.write("content/blog/bp.md", &post("Fourth version."));
    // Fixing it clears the error.
    reloaded_with(&events, port, "/blog/bp/", "Fourth version.");

    // A new static/ folder is picked up and watched from then on; a
    // stylesheet alone is then swapped, not reloaded.
    site.write("static/extra.css", "body { color: #222; }\n");
    reloaded_with(&events, port, "/extra.css", "#222");
    // Let a second rebuild of that save, if any, go by first.
    while events.recv_timeout(Duration::from_millis(500)).is_ok() {}
    site.write("static/extra.css", "body { color: #333; }\n");
    assert_eq!(next_event(&events).0, "css");
    let (_, css) = get(port, "/extra.css");
    assert!(
        css.to_lowercase()
            .contains("content-type: text/css; charset=utf-8"),
        "{css}"
    );
    assert!(css.contains("#333"));

    // Ctrl-C stops it cleanly.
    let (status, log) = served.interrupt();
    assert!(status.success(), "exit status {status:?}");
    assert!(
        log.contains(" pages in ") && log.contains("Updated "),
        "a saved post redraws only its pages: {log}"
    );
    assert!(log.trim_end().ends_with("Stopped."), "{log}");
}

/// The body of a response, without the live script `serve` injects.
fn served_body(response: &str) -> String {
    let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    body.replace("<script src=\"/_rounds/live.js\" defer></script>", "")
}

/// The text files a fresh `rounds build` makes at the preview's address,
/// compared with what the preview serves now: `None` when all agree, else
/// the first difference.
fn differs_from_full_build(site: &Fixture, port: u16) -> Option<String> {
    let out = tempfile::tempdir().unwrap();
    let built = crate::common::rounds()
        .args(["build", "--quiet", "--base-url"])
        .arg(format!("http://127.0.0.1:{port}"))
        .arg("--output")
        .arg(out.path().join("site"))
        .arg("--root")
        .arg(site.root())
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", crate::common::stderr(&built));
    let mut files = crate::common::tree(&out.path().join("site"));
    files.retain(|(rel, _)| {
        [".html", ".xml", ".txt", ".json", ".css"]
            .iter()
            .any(|ext| rel.ends_with(ext))
    });
    let preview = std::fs::read(out.path().join("site.outreach/index.html")).unwrap();
    files.push(("_outreach/index.html".into(), preview));
    for (rel, bytes) in files {
        let path = format!("/{}", rel.trim_end_matches("index.html"));
        let (status, response) = get(port, &path);
        let expected = String::from_utf8_lossy(&bytes);
        if status != 200 || served_body(&response) != expected {
            return Some(format!(
                "{path} ({status}) differs:\n--- full build\n{expected}\n--- served\n{}",
                served_body(&response)
            ));
        }
    }
    None
}

/// Waits until the preview agrees with a full build (feeds and the outreach
/// preview are updated just after the reload), failing with the difference.
fn matches_full_build(site: &Fixture, port: u16, after: &str) {
    let started = Instant::now();
    loop {
        let Some(difference) = differs_from_full_build(site, port) else {
            return;
        };
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "after {after}: {difference}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn incremental_updates_give_what_a_full_build_gives() {
    let post = |title: &str, front: &str, body: &str| crate::common::post(title, front, body);
    let site = Fixture::new(&[
        (
            "content/blog/bp.md",
            &post(
                "Blood pressure",
                "date = 2026-01-01\ntags = [\"Heart\", \"BP\"]",
                "Check it yearly.",
            ),
        ),
        (
            "content/blog/salt.md",
            &post(
                "Salt",
                "date = 2026-01-02\ntags = [\"Heart\", \"Food\"]",
                "Less salt.",
            ),
        ),
        (
            "content/blog/walk.md",
            &post(
                "Walking",
                "date = 2026-01-03\ntags = [\"Heart\"]",
                "Walk daily.",
            ),
        ),
        (
            "content/blog/sleep.md",
            &post(
                "Sleep",
                "date = 2026-01-04\ntags = [\"Food\"]",
                "Sleep well.",
            ),
        ),
        (
            "content/news/award.md",
            &post(
                "Our award",
                "date = 2026-01-05\nkind = \"award\"",
                "We won.",
            ),
        ),
    ]);
    let (child, port) = start(&site);
    let events = events(port);
    matches_full_build(&site, port, "the first build");

    let steps: [(&str, &str, String, &str); 5] = [
        (
            "a body edit",
            "content/blog/salt.md",
            post(
                "Salt",
                "date = 2026-01-02\ntags = [\"Heart\", \"Food\"]",
                "Much less salt.",
            ),
            "Much less salt.",
        ),
        (
            "a title edit, shown in lists, neighbours and related boxes",
            "content/blog/salt.md",
            post(
                "Salt and you",
                "date = 2026-01-02\ntags = [\"Heart\", \"Food\"]",
                "Much less salt.",
            ),
            "Salt and you",
        ),
        (
            "a new tag, which moves the post between lists",
            "content/blog/walk.md",
            post(
                "Walking",
                "date = 2026-01-03\ntags = [\"Heart\", \"Food\"]",
                "Walk daily.",
            ),
            "Walk daily.",
        ),
        (
            "a new date, which reorders the lists",
            "content/blog/bp.md",
            post(
                "Blood pressure",
                "date = 2026-01-06\ntags = [\"Heart\", \"BP\"]",
                "Check it yearly.",
            ),
            "Check it yearly.",
        ),
        (
            "an award's text, shown by get_posts on the awards page",
            "content/news/award.md",
            post(
                "Our award",
                "date = 2026-01-05\nkind = \"award\"\ndescription = \"Top clinic 2026\"",
                "We won.",
            ),
            "We won.",
        ),
    ];
    for (what, file, text, shown) in &steps {
        site.write(file, text);
        let path = format!(
            "/{}/",
            file.trim_start_matches("content/").trim_end_matches(".md")
        );
        reloaded_with(&events, port, &path, shown);
        matches_full_build(&site, port, what);
    }

    // A template override: its pages are redrawn with it.
    site.write(
        "templates/partials/related.html",
        "<aside class=\"related-test\">{% for p in related %}{{ p.title }};{% endfor %}</aside>",
    );
    reloaded_with(&events, port, "/blog/salt/", "related-test");
    matches_full_build(&site, port, "a new template");
    site.write(
        "templates/partials/related.html",
        "<aside class=\"related-edited\">{% for p in related %}{{ p.title }}|{% endfor %}</aside>",
    );
    reloaded_with(&events, port, "/blog/salt/", "related-edited");
    matches_full_build(&site, port, "a template edit");

    std::process::Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(
        log.contains("Updated ") && log.contains("Rebuilt everything"),
        "edits that keep the pages in place are incremental, others full: {log}"
    );
}
