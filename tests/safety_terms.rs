//! Terms per post are bounded. Every term a post lists is a page and two
//! feeds that list the post, and the post's entry shows all its terms, so
//! one post's cost grows with the square of its terms: 2,000 tags made
//! 256 MB in 68 s (debug build). A post may list at most 50 terms per
//! taxonomy; more is refused at the key's line before anything is drawn.

mod common;

use std::time::{Duration, Instant};

use common::Fixture;

fn terms(count: usize) -> String {
    (0..count)
        .map(|i| format!("\"Topic {i}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn build_within(site: &Fixture, limit: Duration) -> std::process::Output {
    common::rounds()
        .arg("build")
        .arg("--root")
        .arg(site.root())
        .timeout(limit)
        .output()
        .unwrap()
}

#[test]
fn five_thousand_tags_are_refused_at_their_line_at_once() {
    let site = Fixture::new(&[(
        "content/blog/many.md",
        &common::post(
            "Many",
            &format!("date = 2026-01-01\ntags = [{}]", terms(5000)),
            "Body.",
        ),
    )]);
    let started = Instant::now();
    let out = build_within(&site, Duration::from_secs(60));
    let took = started.elapsed();
    let log = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "refused, not built: {log}");
    assert!(took < Duration::from_secs(20), "refused at once: {took:?}");
    assert!(
        log.contains("content/blog/many.md:4:1") && log.contains("content/too-many-terms"),
        "at the `tags` line: {log}"
    );
    assert!(
        log.contains("5000") && log.contains("at most 50"),
        "says how many and the limit: {log}"
    );
    assert!(!site.root().join("public").exists(), "nothing written");
}

#[test]
fn the_limit_holds_for_every_taxonomy_and_fifty_terms_build() {
    let config = common::CONFIG.replace(
        "paginate_by = 2\n",
        "paginate_by = 2\ntaxonomies = [{ name = \"tags\" }, { name = \"conditions\" }]\n",
    );
    let site = Fixture::new(&[
        (
            "content/blog/fifty.md",
            &common::post(
                "Fifty",
                &format!("date = 2026-01-01\ntags = [{}]", terms(50)),
                "Body.",
            ),
        ),
        (
            "content/blog/conditions.md",
            &common::post(
                "Conditions",
                &format!(
                    "date = 2026-01-02\n\n[extra]\nnote = \"x\"\nconditions = [{}]",
                    terms(51)
                ),
                "Body.",
            ),
        ),
    ]);
    site.write("config.toml", &config);
    let out = build_within(&site, Duration::from_secs(60));
    let log = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(
        log.contains("content/blog/conditions.md:7:1") && log.contains("`conditions` lists 51"),
        "{log}"
    );
    assert_eq!(
        log.matches("content/too-many-terms").count(),
        1,
        "50 tags are fine: {log}"
    );

    site.remove("content/blog/conditions.md");
    let out = build_within(&site, Duration::from_secs(60));
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(site.exists("tags/topic-49/index.html"));
}
