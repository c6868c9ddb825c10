//! A post's cost is linear in its terms. Every term a post lists is a page
//! and two feeds that list the post; when each listing showed all the
//! post's terms, one post cost the square of its terms (2,000 tags made
//! 256 MB in 68 s, 5,000 made 1.54 GB in 390 s, debug build). Lists and
//! feeds now show at most 50 terms of each taxonomy with a post, and a post
//! with more is warned at the key's line.

use std::time::{Duration, Instant};

use crate::common::Fixture;

fn terms(count: usize) -> String {
    (0..count)
        .map(|i| format!("\"Topic {i}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn build_within(site: &Fixture, limit: Duration) -> std::process::Output {
    crate::common::rounds()
        .arg("build")
        .arg("--root")
        .arg(site.root())
        .timeout(limit)
        .output()
        .unwrap()
}

/// Builds a site whose one post lists `count` tags: (the output's bytes, the log).
fn build_with_tags(count: usize) -> (u64, String) {
    let site = Fixture::new(&[(
        "content/blog/many.md",
        &crate::common::post(
            "Many",
            &format!("date = 2026-01-01\ntags = [{}]", terms(count)),
            "Body.",
        ),
    )]);
    let out = build_within(&site, Duration::from_secs(60));
    let log = crate::common::stderr(&out);
    assert!(out.status.success(), "{count} tags build: {log}");
    let bytes = crate::common::tree(&site.root().join("public"))
        .iter()
        .map(|(_, b)| b.len() as u64)
        .sum();
    if count > 50 {
        let own = std::fs::read_to_string(site.root().join("public/blog/many/index.html")).unwrap();
        let last = format!("/tags/topic-{}/", count - 1);
        assert!(own.contains(&last), "the post's own page links every tag");
        let rss = std::fs::read_to_string(site.root().join("public/tags/topic-0/rss.xml")).unwrap();
        assert_eq!(
            rss.matches("<category>").count(),
            50,
            "a feed shows 50 of them"
        );
    }
    (bytes, log)
}

#[test]
fn five_thousand_tags_build_in_linear_time_with_a_warning_at_their_line() {
    let (thousand, _) = build_with_tags(1000);
    let started = Instant::now();
    let (five_thousand, log) = build_with_tags(5000);
    let took = started.elapsed();
    // Linear: five times the terms, five times the pages and feeds. The
    // square would be twenty-five times (2,000 tags made 256 MB).
    assert!(
        five_thousand < 6 * thousand,
        "5,000 tags made {five_thousand} bytes, 1,000 made {thousand}"
    );
    assert!(took < Duration::from_secs(45), "5,000 tags took {took:?}");
    assert!(
        log.contains("content/blog/many.md:4:1") && log.contains("content/too-many-terms"),
        "a warning at the `tags` line: {log:.400}"
    );
    assert!(
        log.contains("lists 5000 terms") && log.contains("at most 50"),
        "says how many and what lists show: {log:.400}"
    );
}

#[test]
fn the_cap_holds_for_every_taxonomy_and_fifty_terms_are_quiet() {
    let config = crate::common::CONFIG.replace(
        "paginate_by = 2\n",
        "paginate_by = 2\ntaxonomies = [{ name = \"tags\" }, { name = \"conditions\" }]\n",
    );
    let site = Fixture::new(&[
        (
            "content/blog/fifty.md",
            &crate::common::post(
                "Fifty",
                &format!("date = 2026-01-01\ntags = [{}]", terms(50)),
                "Body.",
            ),
        ),
        (
            "content/blog/conditions.md",
            &crate::common::post(
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
    let log = crate::common::stderr(&out);
    assert!(out.status.success(), "{log}");
    assert!(
        log.contains("content/blog/conditions.md:7:1") && log.contains("`conditions` lists 51"),
        "{log}"
    );
    assert_eq!(
        log.matches("content/too-many-terms").count(),
        1,
        "50 tags are fine: {log}"
    );
    assert!(site.exists("tags/topic-49/index.html"));
    assert!(site.exists("conditions/topic-50/index.html"));
}
