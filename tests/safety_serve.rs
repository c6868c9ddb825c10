//! `rounds serve` under stress: a source folder moved away and back is
//! watched again; no response during saves is cut short or empty; an
//! over-long path is a 404 with the site's page; a template that would never
//! finish shows the error overlay and the server keeps running.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::Fixture;
use crate::serve::events;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One response, as bytes arrived.
struct Response {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

impl Response {
    fn content_length(&self) -> Option<usize> {
        self.headers.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A raw GET; the path is sent as given.
fn get(port: u16, path: &str) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    // A connection the server cuts mid-body still gives what came before.
    let _ = stream.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(raw.len());
    let headers = String::from_utf8_lossy(&raw[..split]).into_owned();
    let body = raw.get(split + 4..).unwrap_or_default().to_vec();
    let status = headers
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Response {
        status,
        headers,
        body,
    }
}

/// Starts `rounds serve` with its scratch folder under `tmp`, and waits
/// until it answers.
fn start(site: &Fixture, tmp: &Path, failpoints: Option<&str>) -> (Child, u16) {
    let port = free_port();
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("rounds"));
    command
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(site.root())
        .env("TMPDIR", tmp)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    match failpoints {
        Some(spec) => command.env("FAILPOINTS", spec),
        None => command.env_remove("FAILPOINTS"),
    };
    let child = command.spawn().unwrap();
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

/// Stops the server politely and returns its log.
fn stop(child: Child) -> String {
    Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{:?}\n{log}", output.status);
    log
}

/// Waits up to `limit` for the page at `path` to contain `text`.
fn shows_within(port: u16, path: &str, text: &str, limit: Duration) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if get(port, path).text().contains(text) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

fn post(body: &str) -> String {
    crate::common::post("BP", "date = 2026-01-01", body)
}

#[test]
fn a_content_folder_moved_away_and_back_is_watched_again() {
    let site = Fixture::new(&[("content/blog/bp.md", &post("First version."))]);
    let tmp = tempfile::tempdir().unwrap();
    let (child, port) = start(&site, tmp.path(), None);
    let content = site.root().join("content");
    let away = tmp.path().join("content-away");

    // Away long enough to be noticed, then back.
    std::fs::rename(&content, &away).unwrap();
    std::thread::sleep(Duration::from_millis(800));
    std::fs::rename(&away, &content).unwrap();
    std::thread::sleep(Duration::from_millis(800));
    site.write("content/blog/bp.md", &post("Second version."));
    assert!(
        shows_within(
            port,
            "/blog/bp/",
            "Second version.",
            Duration::from_secs(20)
        ),
        "an edit after content/ came back is picked up"
    );

    // Away and back within one debounce.
    let other = site.root().join("content-renamed");
    std::fs::rename(&content, &other).unwrap();
    std::fs::rename(&other, &content).unwrap();
    std::thread::sleep(Duration::from_millis(800));
    site.write("content/blog/bp.md", &post("Third version."));
    assert!(
        shows_within(port, "/blog/bp/", "Third version.", Duration::from_secs(20)),
        "an edit after a quick move away and back is picked up"
    );

    let log = stop(child);
    assert!(
        log.contains("content/ was moved or deleted"),
        "the log says the folder went away: {log}"
    );
    assert!(log.contains("watching content/ again"), "{log}");
}

/// Every response while full rebuilds swap the site in: complete, never an
/// empty 200, never a 5xx, never a missing page. The failpoint holds the
/// swap open (the old site moved out, the new not yet in) for 150 ms, so
/// requests land in that window on every save.
#[cfg(feature = "failpoints")]
#[test]
fn responses_during_saves_are_whole_pages() {
    let site = Fixture::new(&[
        ("content/blog/bp.md", &post("A page long enough to notice.")),
        ("static/note.txt", &"x".repeat(10_000)),
    ]);
    let tmp = tempfile::tempdir().unwrap();
    let (child, port) = start(&site, tmp.path(), Some("output::mid-swap=sleep(150)"));
    let stop_requests = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let requesters: Vec<_> = ["/blog/bp/", "/blog/bp", "/note.txt", "/"]
        .into_iter()
        .map(|path| {
            let stop_requests = stop_requests.clone();
            std::thread::spawn(move || {
                let mut problems = Vec::new();
                let mut count = 0;
                while !stop_requests.load(std::sync::atomic::Ordering::Relaxed) {
                    let response = get(port, path);
                    count += 1;
                    let length = response.content_length();
                    let whole = length.is_none_or(|n| n == response.body.len());
                    let expected = if path == "/blog/bp" { 307 } else { 200 };
                    if response.status != expected
                        || !whole
                        || (expected == 200 && response.body.is_empty())
                    {
                        problems.push(format!(
                            "{path}: {} with Content-Length {length:?} and {} bytes",
                            response.status,
                            response.body.len()
                        ));
                    }
                }
                (count, problems)
            })
        })
        .collect();
    // Config edits rebuild everything, so every save swaps the site.
    let started = Instant::now();
    for i in 0..12 {
        let config =
            crate::common::CONFIG.replace("Riverside Heart\"", &format!("Riverside Heart {i}\""));
        site.write("config.toml", &config);
        std::thread::sleep(Duration::from_millis(400));
        if started.elapsed() > Duration::from_secs(40) {
            break;
        }
    }
    stop_requests.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut total = 0;
    let mut problems = Vec::new();
    for requester in requesters {
        let (count, found) = requester.join().unwrap();
        total += count;
        problems.extend(found);
    }
    let log = stop(child);
    assert!(log.contains("Rebuilt everything"), "saves rebuilt: {log}");
    assert!(
        problems.is_empty(),
        "{} of {total} responses were not whole pages, e.g. {:?}",
        problems.len(),
        &problems[..problems.len().min(5)]
    );
}

#[test]
fn an_over_long_path_is_the_sites_404_page() {
    let site = Fixture::new(&[("content/blog/bp.md", &post("Body."))]);
    let tmp = tempfile::tempdir().unwrap();
    let (child, port) = start(&site, tmp.path(), None);
    let long_segment = "a".repeat(300);
    let many_segments = format!("/{}", vec!["b".repeat(200); 30].join("/"));
    for path in [
        format!("/{long_segment}"),
        format!("/blog/{long_segment}/"),
        format!("/blog/bp/{long_segment}.html"),
        many_segments,
        format!("/{}", "%41".repeat(300)),
        "/blog/%00/".to_string(),
    ] {
        let response = get(port, &path);
        assert_eq!(response.status, 404, "{}…", &path[..40.min(path.len())]);
        assert!(
            response.text().contains("could not find that page"),
            "the theme's 404 page for {}…: {}",
            &path[..40.min(path.len())],
            response.text()
        );
    }
    assert_eq!(get(port, "/blog/bp/").status, 200, "still serving");
    stop(child);
}

#[test]
fn a_template_that_never_finishes_shows_the_overlay_and_serving_goes_on() {
    let site = Fixture::new(&[("content/blog/bp.md", &post("Body text."))]);
    let tmp = tempfile::tempdir().unwrap();
    let (child, port) = start(&site, tmp.path(), None);
    let events = events(port);
    let next_error = || loop {
        let (name, data) = events
            .recv_timeout(Duration::from_secs(60))
            .expect("an event within a minute (the server is still running)");
        if name == "error" {
            return data;
        }
    };

    site.write(
        "templates/post.html",
        "<main>{{ page.title }}\n{% include \"post.html\" %}</main>",
    );
    let data = next_error();
    assert!(
        data.contains("templates/post.html") && data.contains("includes itself"),
        "{data}"
    );
    assert!(get(port, "/blog/bp/").text().contains("Body text."));

    site.write(
        "templates/macros.html",
        "{% macro down(n) %}{{ self::down(n=n + 1) }}{% endmacro down %}",
    );
    site.write(
        "templates/post.html",
        "{% import \"macros.html\" as m %}<main>{{ m::down(n=1) }}</main>",
    );
    let data = next_error();
    assert!(
        data.contains("`down`") && data.contains("templates/macros.html"),
        "{data}"
    );
    assert!(
        get(port, "/blog/bp/").text().contains("Body text."),
        "the last good build is still served"
    );

    stop(child);
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert!(left.is_empty(), "the scratch folder is removed: {left:?}");
}
