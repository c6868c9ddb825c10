//! `rounds check`: each rule reports file, line and rule id, levels come from
//! `[check]`, and `rounds build` stops on errors.

mod common;

use common::{Fixture, post, rounds, stderr};
use serde_json::Value;

/// A site whose config keeps every rule at its default level.
fn site(files: &[(&str, &str)]) -> Fixture {
    let fixture = Fixture::new(files);
    let config = common::CONFIG.replace("[check]\n\"review/missing\" = \"warning\"\n", "");
    fixture.write("config.toml", &config);
    fixture
}

fn check(fixture: &Fixture) -> (bool, Value, String) {
    let out = rounds()
        .env("SOURCE_DATE_EPOCH", "1793491200")
        .args(["check", "--format", "json", "--root"])
        .arg(fixture.root())
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.success(), json, stderr(&out))
}

fn find<'a>(json: &'a Value, rule: &str) -> Vec<&'a Value> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .collect()
}

const REVIEWED: &str = "reviewed_by = \"patel\"\nlast_reviewed = 2026-10-01";

#[test]
fn a_patient_post_needs_a_known_reviewer_and_a_fresh_review() {
    let fixture = site(&[
        (
            "content/blog/none.md",
            &post("No review", "date = 2026-01-01", "Body."),
        ),
        (
            "content/blog/typo.md",
            &post(
                "Typo",
                "reviewed_by = \"patle\"\nlast_reviewed = 2026-10-01",
                "Body.",
            ),
        ),
        (
            "content/blog/old.md",
            &post(
                "Old",
                "reviewed_by = \"patel\"\nlast_reviewed = 2024-05-01",
                "Body.",
            ),
        ),
        (
            "content/blog/news.md",
            &post("News", "kind = \"news\"", "Not medical, no review needed."),
        ),
    ]);
    let (ok, json, _) = check(&fixture);
    assert!(!ok);
    let missing = find(&json, "review/missing");
    assert_eq!(missing.len(), 1, "{json:#}");
    assert_eq!(missing[0]["file"], "content/blog/none.md");
    let unknown = find(&json, "review/unknown-doctor");
    assert_eq!(unknown[0]["line"], 3);
    assert_eq!(unknown[0]["help"], "did you mean `patel`?");
    let stale = find(&json, "review/stale");
    assert_eq!(stale[0]["severity"], "warning");
    assert!(
        stale[0]["message"]
            .as_str()
            .unwrap()
            .contains("30 months ago"),
        "{stale:?}"
    );
    assert_eq!(json["errors"], 2);
}

#[test]
fn sources_and_consent_are_checked() {
    let fixture = site(&[
        (
            "content/blog/prev.md",
            &post(
                "Prevention",
                &format!("kind = \"prevention\"\n{REVIEWED}"),
                "Body.",
            ),
        ),
        (
            "content/blog/cite.md",
            &post(
                "Cited",
                &format!(
                    "{REVIEWED}\nsources = [\"doi:11.1/x\", \"pmid:12ab\", \"doi:10.1161/CIR.0000000000000678\"]"
                ),
                "Body.",
            ),
        ),
        (
            "content/blog/story.md",
            &post("A story", "kind = \"story\"", "Body."),
        ),
        (
            "content/blog/expired.md",
            &post(
                "Old story",
                "kind = \"testimonial\"\nconsent = { reference = \"AUTH-1\", expires = 2025-01-01 }",
                "Body.",
            ),
        ),
    ]);
    let (_, json, _) = check(&fixture);
    assert_eq!(find(&json, "sources/missing").len(), 1);
    let malformed = find(&json, "sources/malformed");
    assert_eq!(malformed.len(), 2, "{malformed:?}");
    let consent = find(&json, "privacy/consent");
    assert_eq!(consent.len(), 2);
    assert!(consent.iter().any(|d| {
        d["message"]
            .as_str()
            .unwrap()
            .contains("expired on 2025-01-01")
    }));
}

#[test]
fn accessibility_problems_point_at_their_line_and_column() {
    let body = "Intro.\n\n#### Too deep\n\n![](chart.png)\n\nSee [click here](https://x.example/). [![Logo of the gym](logo.png)](https://gym.example/)\n";
    let fixture = site(&[(
        "content/blog/a11y.md",
        &post("A11y", &format!("{REVIEWED}\nimage = \"hero.png\""), body),
    )]);
    let (_, json, text) = check(&fixture);
    let heading = find(&json, "a11y/heading-order");
    assert_eq!(
        (heading[0]["line"].as_u64(), heading[0]["column"].as_u64()),
        (Some(10), Some(1)),
        "{json:#}"
    );
    let alt = find(&json, "a11y/alt-text");
    assert_eq!(
        (alt[0]["line"].as_u64(), alt[0]["column"].as_u64()),
        (Some(12), Some(1))
    );
    let link = find(&json, "a11y/link-text");
    assert_eq!(
        link.len(),
        1,
        "an image with alt text is a fine link: {link:?}"
    );
    assert_eq!(link[0]["column"], 5);
    assert_eq!(find(&json, "a11y/image-alt").len(), 1);
    assert!(text.contains("Checked:") || text.is_empty());
}

#[test]
fn levels_come_from_config_and_build_stops_on_errors() {
    let fixture = site(&[(
        "content/blog/none.md",
        &post("No review", "date = 2026-01-01", "Body."),
    )]);
    let out = fixture.build(&[]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("error[review/missing]"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("content/blog/none.md:2:1"),
        "{}",
        stderr(&out)
    );

    fixture.write(
        "config.toml",
        &format!(
            "{}\n[check]\n\"review/missing\" = \"off\"\n",
            common::CONFIG.replace("[check]\n\"review/missing\" = \"warning\"\n", "")
        ),
    );
    let (ok, json, _) = check(&fixture);
    assert!(ok, "{json:#}");
    fixture.build_ok();

    fixture.write(
        "config.toml",
        &format!(
            "{}\n[check]\n\"review/mising\" = \"off\"\n",
            common::CONFIG.replace("[check]\n\"review/missing\" = \"warning\"\n", "")
        ),
    );
    let out = fixture.build(&[]);
    assert!(
        stderr(&out).contains("did you mean `review/missing`?"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_example_site_passes_its_checks() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
    let out = rounds()
        .env("SOURCE_DATE_EPOCH", "1793491200")
        .args(["check", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Checked: no problems"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn patient_identifiers_are_caught_and_the_clinics_own_details_are_not() {
    let body = "Mrs. K, a 93-year-old patient (DOB: 03/14/1931, MRN: 00482913), lives at 42 Elm Street, IL 62704.\n\n\
Reach her daughter at (217) 555-0188 or jane.k@mail.example. SSN 123-45-6789.\n\n\
Our clinic: call +1-555-0100.\n\n\
<!-- rounds:allow privacy: the poison-control line, not a patient's -->\n\
Poison control: 1-800-222-1222.\n";
    let fixture = site(&[(
        "content/blog/case.md",
        &post("A case", &format!("kind = \"news\"\n{REVIEWED}"), body),
    )]);
    let (ok, json, _) = check(&fixture);
    assert!(!ok);
    let rules: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    for rule in [
        "privacy/age",
        "privacy/date",
        "privacy/record-number",
        "privacy/address",
        "privacy/phone",
        "privacy/email",
        "privacy/ssn",
    ] {
        assert!(rules.contains(&rule), "{rule} missing from {rules:?}");
    }
    let phones: Vec<_> = find(&json, "privacy/phone");
    assert_eq!(
        phones.len(),
        1,
        "the clinic's number and the allowed line pass: {phones:?}"
    );
    assert_eq!(
        (phones[0]["line"].as_u64(), phones[0]["column"].as_u64()),
        (Some(10), Some(23))
    );
    assert_eq!(find(&json, "privacy/address").len(), 2, "street and ZIP");
}

/// `[check]` with the given lines, every rule otherwise at its default.
fn with_check(fixture: &Fixture, lines: &str) {
    let config = common::CONFIG.replace("[check]\n\"review/missing\" = \"warning\"\n", "");
    fixture.write("config.toml", &format!("{config}\n[check]\n{lines}\n"));
}

const DENSE: &str = include_str!("fixtures/readability/dense-post.md");
const LEAFLET: &str = include_str!("fixtures/readability/leaflet-5th-grade.txt");
const CLINIC_BLOG: &str = include_str!("fixtures/readability/clinic-blog.txt");

#[test]
fn a_dense_patient_post_gets_one_grade_warning_naming_its_hardest_sentence() {
    let fixture = site(&[
        (
            "content/blog/dense.md",
            &post("Blood pressure", REVIEWED, DENSE),
        ),
        (
            "content/blog/plain.md",
            &post("Your heart", REVIEWED, LEAFLET),
        ),
        (
            "content/refer/dense.md",
            &post(
                "For doctors",
                &format!("audience = \"physicians\"\n{REVIEWED}"),
                DENSE,
            ),
        ),
    ]);
    let (ok, json, _) = check(&fixture);
    assert!(ok, "readability only warns: {json:#}");
    let grade = find(&json, "readability/grade");
    assert_eq!(grade.len(), 1, "{json:#}");
    assert_eq!(grade[0]["severity"], "warning");
    assert_eq!(grade[0]["file"], "content/blog/dense.md");
    assert_eq!(
        (grade[0]["line"].as_u64(), grade[0]["column"].as_u64()),
        (Some(7), Some(1))
    );
    let message = grade[0]["message"].as_str().unwrap();
    assert!(message.contains("grade 26.3"), "{message}");
    assert!(message.contains("SMOG 23.6"), "{message}");
    let help = grade[0]["help"].as_str().unwrap();
    assert!(
        help.contains("line 7 (grade 29.5): \"Patients with uncontrolled hypertension frequently require combination"),
        "{help}"
    );
    assert!(
        help.contains("hypertension → high blood pressure"),
        "{help}"
    );
    let files: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"].as_str().unwrap().starts_with("readability/"))
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert!(
        files.iter().all(|f| *f == "content/blog/dense.md"),
        "the plain post and the physicians' post pass: {files:?}"
    );
}

#[test]
fn jargon_is_reported_once_at_its_line_and_column_unless_explained() {
    let body = "Plain words first.\n\n\
After a myocardial infarction, your renal doctor checks you. Ask us anything.\n\n\
An echocardiogram (heart ultrasound) is painless. The `cardiac` code is not prose.\n";
    let fixture = site(&[(
        "content/blog/news.md",
        &post("Clinic news", &format!("kind = \"news\"\n{REVIEWED}"), body),
    )]);
    let (_, json, _) = check(&fixture);
    let jargon = find(&json, "readability/jargon");
    let at: Vec<(u64, u64, &str)> = jargon
        .iter()
        .map(|d| {
            (
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["help"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(at.len(), 2, "{json:#}");
    assert_eq!((at[0].0, at[0].1), (10, 9));
    assert!(at[0].2.starts_with("say \"heart attack\""), "{}", at[0].2);
    assert_eq!((at[1].0, at[1].1), (10, 37));
    assert!(at[1].2.starts_with("say \"kidney\""), "{}", at[1].2);
    assert_eq!(jargon[1]["severity"], "warning");
    assert!(
        find(&json, "readability/too-short").is_empty(),
        "short news is not scored"
    );
}

#[test]
fn a_site_extends_the_jargon_list_in_its_data() {
    let body = "Ask about a Holter monitor and our heart and lipid lab. A lipid panel too.\n";
    let fixture = site(&[(
        "content/blog/news.md",
        &post("Clinic news", &format!("kind = \"news\"\n{REVIEWED}"), body),
    )]);
    fixture.write(
        "data/plain-words.toml",
        "\"holter monitor\" = \"a heart monitor you wear at home\"\n\"heart and lipid lab\" = \"\"\n\"lipid panel\" = \"\"\n",
    );
    let (_, json, _) = check(&fixture);
    let jargon = find(&json, "readability/jargon");
    assert_eq!(jargon.len(), 1, "{json:#}");
    assert_eq!(
        jargon[0]["message"],
        "\"Holter monitor\" is medical jargon for many patients"
    );

    fixture.write("data/plain-words.toml", "renal = 3\n");
    let (ok, json, _) = check(&fixture);
    assert!(!ok);
    let problem = find(&json, "config/plain-words");
    assert_eq!(problem[0]["file"], "data/plain-words.toml");
    assert_eq!(problem[0]["line"], 1);
}

#[test]
fn reading_grade_sets_the_target_and_short_articles_are_not_scored() {
    let fixture = site(&[
        (
            "content/blog/blog.md",
            &post("Heart month", REVIEWED, CLINIC_BLOG),
        ),
        (
            "content/blog/short.md",
            &post("Short", REVIEWED, "Walk every day. It helps your heart."),
        ),
    ]);
    let (_, json, _) = check(&fixture);
    assert_eq!(
        find(&json, "readability/grade").len(),
        1,
        "FK 10.2 is above 8"
    );
    let short = find(&json, "readability/too-short");
    assert_eq!(short.len(), 1, "{json:#}");
    assert_eq!(short[0]["file"], "content/blog/short.md");
    assert!(short[0]["message"].as_str().unwrap().starts_with("7 words"));

    with_check(&fixture, "reading_grade = 14");
    let (ok, json, _) = check(&fixture);
    assert!(ok, "{json:#}");
    assert!(find(&json, "readability/grade").is_empty(), "{json:#}");

    with_check(&fixture, "reading_grade = \"eight\"");
    let (ok, json, _) = check(&fixture);
    assert!(!ok);
    let bad = find(&json, "config/check");
    assert!(
        bad[0]["message"]
            .as_str()
            .unwrap()
            .contains("`reading_grade` must be a positive number"),
        "{json:#}"
    );

    with_check(
        &fixture,
        "\"readability/too-short\" = \"off\"\n\"readability/grade\" = \"error\"",
    );
    let (ok, json, _) = check(&fixture);
    assert!(!ok, "the grade is an error now");
    assert!(find(&json, "readability/too-short").is_empty());
}
