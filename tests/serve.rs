//! `rounds serve` (one build, no live reload yet): pages, the 404 page, the
//! outreach preview, content types, and no way out of the site.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::Fixture;

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
        &common::post("BP", "date = 2026-01-01", "Body."),
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
    child.kill().unwrap();
    child.wait().unwrap();
}
