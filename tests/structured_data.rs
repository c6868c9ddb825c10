//! JSON-LD and metadata on every page of the example site, and on a post
//! whose title tries to break out of the script element.

use std::path::Path;

use crate::common::{Fixture, post, rounds, stderr};
use scraper::{Html, Selector};
use serde_json::Value;

fn json_ld(html: &str) -> Vec<Value> {
    let doc = Html::parse_document(html);
    let selector = Selector::parse("script[type=\"application/ld+json\"]").unwrap();
    doc.select(&selector)
        .map(|script| {
            let text: String = script.text().collect();
            serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("JSON-LD does not parse: {e}\n{text}"))
        })
        .collect()
}

/// All nodes of a page's `@graph`s.
fn nodes(html: &str) -> Vec<Value> {
    json_ld(html)
        .into_iter()
        .flat_map(|doc| {
            assert_eq!(doc["@context"], "https://schema.org");
            doc["@graph"].as_array().cloned().unwrap_or_default()
        })
        .collect()
}

fn of_type<'a>(nodes: &'a [Value], kind: &str) -> Vec<&'a Value> {
    nodes.iter().filter(|n| n["@type"] == kind).collect()
}

fn meta(html: &str, attr: &str, name: &str) -> Option<String> {
    let doc = Html::parse_document(html);
    let selector = Selector::parse(&format!("meta[{attr}=\"{name}\"]")).unwrap();
    doc.select(&selector)
        .next()
        .and_then(|m| m.value().attr("content"))
        .map(str::to_string)
}

fn build_example() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
    let result = rounds()
        .args(["build", "--quiet", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(result.status.success(), "{}", stderr(&result));
    out
}

#[test]
fn every_page_has_the_clinic_canonical_and_share_tags() {
    let out = build_example();
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(out.path()) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).unwrap();
        if html.contains("http-equiv=\"refresh\"") {
            continue; // redirect pages for aliases
        }
        pages += 1;
        let all = nodes(&html);
        let clinic = of_type(&all, "MedicalClinic");
        assert_eq!(clinic.len(), 1, "{}", entry.path().display());
        let clinic = clinic[0];
        assert_eq!(clinic["telephone"], "+1-555-0100");
        assert_eq!(clinic["address"]["@type"], "PostalAddress");
        assert!(
            clinic["openingHours"]
                .as_array()
                .is_some_and(|h| !h.is_empty())
        );
        assert!(clinic["medicalSpecialty"].is_string());
        assert!(
            clinic["availableService"]
                .as_array()
                .is_some_and(|s| s.iter().any(|s| s["@type"] == "MedicalTest"))
        );
        for (attr, name) in [
            ("property", "og:title"),
            ("property", "og:description"),
            ("property", "og:url"),
            ("name", "twitter:card"),
            ("name", "description"),
        ] {
            assert!(
                meta(&html, attr, name).is_some_and(|v| !v.is_empty()),
                "{name} on {}",
                entry.path().display()
            );
        }
        assert!(html.contains("rel=\"canonical\""));
        assert!(html.contains("type=\"application/rss+xml\""));
    }
    assert!(pages > 50, "only {pages} pages checked");
}

#[test]
fn posts_are_medical_web_pages_with_review_and_citations() {
    let out = build_example();
    let html =
        std::fs::read_to_string(out.path().join("blog/heart-attack-signs/index.html")).unwrap();
    let all = nodes(&html);
    let page = of_type(&all, "MedicalWebPage");
    assert_eq!(page.len(), 1, "{all:#?}");
    let page = page[0];
    assert_eq!(page["author"][0]["@type"], "Physician");
    assert_eq!(page["reviewedBy"]["@type"], "Physician");
    assert!(
        page["lastReviewed"]
            .as_str()
            .is_some_and(|d| d.starts_with("2026-"))
    );
    assert!(page["citation"].as_array().is_some_and(|c| !c.is_empty()));
    assert_eq!(page["medicalAudience"][0]["@type"], "Patient");
    let crumbs = of_type(&all, "BreadcrumbList");
    assert_eq!(crumbs[0]["itemListElement"].as_array().unwrap().len(), 3);
    assert_eq!(
        crumbs[0]["itemListElement"][2]["item"],
        "https://riversideheart.example/blog/heart-attack-signs/"
    );

    let physician_post = std::fs::read_to_string(
        out.path()
            .join("for-physicians/hs-crp-when-it-helps/index.html"),
    )
    .unwrap();
    let all = nodes(&physician_post);
    let page = of_type(&all, "MedicalWebPage");
    assert_eq!(
        page[0]["medicalAudience"][0]["@type"], "Clinician",
        "{all:#?}"
    );

    let award =
        std::fs::read_to_string(out.path().join("blog/lab-excellence-award-2026/index.html"))
            .unwrap();
    let all = nodes(&award);
    assert_eq!(
        of_type(&all, "BlogPosting").len(),
        1,
        "news is not medical content"
    );
    assert!(of_type(&all, "MedicalWebPage").is_empty());
}

#[test]
fn doctor_pages_describe_a_physician() {
    let out = build_example();
    let html = std::fs::read_to_string(out.path().join("authors/patel/index.html")).unwrap();
    let all = nodes(&html);
    let doctor = of_type(&all, "Physician");
    assert_eq!(doctor.len(), 1);
    assert_eq!(doctor[0]["name"], "Dr. Priya Patel");
    assert_eq!(doctor[0]["identifier"]["value"], "1847205618");
    assert!(html.contains("og:image"));
}

#[test]
fn a_hostile_title_cannot_break_the_page() {
    let title = r#"Is \"low-fat\" </script><script>alert(1)</script> & 'safe'?"#;
    let site = Fixture::new(&[(
        "content/blog/hostile.md",
        &post(
            title,
            "date = 2026-01-01\ndescription = \"</script><b>bold</b>\"\nreviewed_by = \"patel\"\nlast_reviewed = 2026-01-01",
            "Body.",
        ),
    )]);
    site.build_ok();
    let html = site.read("blog/hostile/index.html");
    let doc = Html::parse_document(&html);
    let scripts: Vec<_> = doc.select(&Selector::parse("script").unwrap()).collect();
    assert_eq!(scripts.len(), 1, "no script element was injected");
    let all = nodes(&html);
    let page = of_type(&all, "MedicalWebPage");
    assert_eq!(
        page[0]["headline"],
        r#"Is "low-fat" </script><script>alert(1)</script> & 'safe'?"#
    );
    assert_eq!(page[0]["description"], "</script><b>bold</b>");
    let h1: String = doc
        .select(&Selector::parse("h1").unwrap())
        .next()
        .unwrap()
        .text()
        .collect();
    assert!(h1.contains("</script>"), "the title is shown as text: {h1}");
    assert_eq!(
        meta(&html, "property", "og:title").unwrap(),
        format!(
            "{} · Riverside Heart",
            r#"Is "low-fat" </script><script>alert(1)</script> & 'safe'?"#
        )
    );
}
