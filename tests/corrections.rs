//! Corrections and withdrawals on the site (issue 19 item 2): a dated notice
//! on the page and in its JSON-LD; a withdrawn post keeps its address (never
//! a 404) but leaves the feeds, the sitemap, every list, and the outreach.

use crate::common::{Fixture, post, rounds, stderr};
use scraper::{Html, Selector};
use serde_json::Value;

fn graph(html: &str) -> Vec<Value> {
    let doc = Html::parse_document(html);
    let selector = Selector::parse("script[type=\"application/ld+json\"]").unwrap();
    doc.select(&selector)
        .flat_map(|s| {
            let text: String = s.text().collect();
            let doc: Value = serde_json::from_str(&text).expect("JSON-LD parses");
            doc["@graph"].as_array().cloned().unwrap_or_default()
        })
        .collect()
}

fn article(html: &str) -> Value {
    graph(html)
        .into_iter()
        .find(|n| n["@type"] == "MedicalWebPage" || n["@type"] == "BlogPosting")
        .expect("an article node")
}

fn text_of(html: &str, css: &str) -> String {
    let doc = Html::parse_document(html);
    doc.select(&Selector::parse(css).unwrap())
        .flat_map(|e| e.text())
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn site() -> Fixture {
    Fixture::new(&[
        (
            "content/blog/screening.md",
            &post(
                "Colon cancer screening",
                "date = 2026-03-01\ntags = [\"screening\"]\n\n[[corrections]]\ndate = 2026-04-02\nnote = \"The starting age for screening is 45, not 50.\"",
                "Most adults should start screening at 45.\n",
            ),
        ),
        (
            "content/blog/old-advice.md",
            &post(
                "Aspirin every day for everyone",
                "date = 2026-02-01\ntags = [\"screening\"]\nwithdrawn = { date = 2026-05-01, reason = \"Guidance changed: daily aspirin is no longer advised for most people without heart disease.\" }",
                "Old advice.\n",
            ),
        ),
        (
            "content/blog/current.md",
            &post(
                "Flu shots",
                "date = 2026-01-15\ntags = [\"screening\"]",
                "Get one each fall.\n",
            ),
        ),
    ])
}

#[test]
fn a_correction_is_shown_dated_on_the_page_and_in_its_structured_data() {
    let site = site();
    site.build_ok();
    let html = site.read("blog/screening/index.html");
    let notice = text_of(&html, ".notice-correction");
    assert!(
        notice.contains("Correction")
            && notice.contains("April 2, 2026")
            && notice.contains("The starting age for screening is 45, not 50."),
        "{notice}"
    );
    let node = article(&html);
    assert_eq!(node["correction"][0]["@type"], "CorrectionComment");
    assert_eq!(node["correction"][0]["datePublished"], "2026-04-02");
    assert_eq!(
        node["correction"][0]["text"],
        "The starting age for screening is 45, not 50."
    );
    // A corrected post is still everywhere it was.
    assert!(site.read("rss.xml").contains("/blog/screening/"));
}

#[test]
fn a_withdrawn_post_keeps_its_address_with_a_notice_and_leaves_every_list() {
    let site = site();
    site.build_ok();
    let html = site.read("blog/old-advice/index.html");
    let notice = text_of(&html, ".notice-withdrawn");
    assert!(
        notice.contains("This article was withdrawn on May 1, 2026")
            && notice.contains("daily aspirin is no longer advised"),
        "{notice}"
    );
    assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"));
    let node = article(&html);
    assert_eq!(node["creativeWorkStatus"], "Withdrawn");
    assert_eq!(node["expires"], "2026-05-01");
    assert!(
        node["correction"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("Withdrawn: Guidance changed"),
        "{node}"
    );
    for file in [
        "rss.xml",
        "atom.xml",
        "sitemap.xml",
        "blog/index.html",
        "index.html",
        "tags/screening/index.html",
        "tags/screening/rss.xml",
        "blog/current/index.html",
        "blog/screening/index.html",
    ] {
        assert!(
            !site.read(file).contains("/blog/old-advice/"),
            "{file} still links the withdrawn post"
        );
    }
    // The others are still listed.
    assert!(site.read("sitemap.xml").contains("/blog/current/"));
    assert!(site.read("blog/index.html").contains("/blog/current/"));
}

#[test]
fn a_withdrawn_post_yields_no_outreach_and_a_typo_in_its_table_is_named() {
    let site = site();
    site.write(
        "config.toml",
        &format!(
            "{}\n[networks.mastodon]\naccount = \"@clinic@med.example\"\ninstance = \"https://med.example\"\n",
            crate::common::CONFIG
        ),
    );
    let out = rounds()
        .args(["social", "--format", "json", "--root"])
        .arg(site.root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = json["items"].as_array().unwrap();
    assert!(!items.is_empty(), "the other posts yield items");
    assert!(
        items.iter().all(|i| !i.to_string().contains("old-advice")),
        "the withdrawn post yielded an item"
    );

    site.write(
        "content/blog/old-advice.md",
        &post(
            "Aspirin every day",
            "date = 2026-02-01\nwithdrawn = { date = 2026-05-01, reasons = \"Changed.\" }",
            "Old.\n",
        ),
    );
    let err = stderr(&site.build(&[]));
    assert!(err.contains("content/blog/old-advice.md:4:"), "{err}");
    assert!(err.contains("reason"), "{err}");
}
