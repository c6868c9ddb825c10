//! What a terminal shows of a site with thousands of warnings: the first few
//! of each rule in full, one line for the rest, a table of counts, in file and
//! line order; `--all` and `--format json` keep every one.

use std::collections::BTreeMap;

use crate::common::{Fixture, post, rounds, stderr};
use serde_json::Value;

/// Jargon the shipped plain-words list reports once per post each.
const JARGON: &[&str] = &[
    "hypertension",
    "hypotension",
    "cardiac",
    "cardiovascular",
    "vascular",
    "arrhythmia",
    "tachycardia",
    "bradycardia",
    "palpitations",
    "angina",
];

/// `posts` reviewed posts, each raising one `readability/jargon` warning per
/// word of `JARGON`, and one with a heading that skips a level.
fn noisy_site(posts: usize) -> Fixture {
    let fixture = Fixture::new(&[]);
    let body: String = JARGON
        .iter()
        .map(|word| format!("Some people have {word} at home.\n\n"))
        .collect();
    for n in 0..posts {
        let text = post(
            &format!("Post {n}"),
            "date = 2026-01-01\nreviewed_by = \"patel\"\nlast_reviewed = 2026-10-01",
            &format!("{body}## A part\n\n#### Too deep\n\nThe end.\n"),
        );
        fixture.write(&format!("content/blog/post-{n:04}.md"), &text);
    }
    fixture
}

fn check(fixture: &Fixture, args: &[&str]) -> std::process::Output {
    rounds()
        .env("SOURCE_DATE_EPOCH", "1793491200")
        .arg("check")
        .args(args)
        .arg("--root")
        .arg(fixture.root())
        .output()
        .unwrap()
}

/// How many diagnostics of each rule the JSON lists.
fn counts_in_json(fixture: &Fixture) -> (BTreeMap<String, usize>, Vec<Value>) {
    let out = check(fixture, &["--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let all = json["diagnostics"].as_array().unwrap().clone();
    let mut counts = BTreeMap::new();
    for d in &all {
        *counts
            .entry(d["rule"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    (counts, all)
}

/// The rule of each diagnostic drawn in full (`warning[rule]: …`).
fn drawn(text: &str) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for line in text.lines() {
        if let Some(rest) = line
            .strip_prefix("warning[")
            .or(line.strip_prefix("error["))
        {
            let rule = rest.split(']').next().unwrap().to_string();
            *counts.entry(rule).or_default() += 1;
        }
    }
    counts
}

#[test]
fn thousands_of_warnings_print_a_screenful_per_rule_and_everything_in_json() {
    let fixture = noisy_site(120);
    let (in_json, _) = counts_in_json(&fixture);
    let jargon = in_json["readability/jargon"];
    assert!(
        jargon >= 1200,
        "the fixture raises the warnings: {in_json:?}"
    );
    assert!(in_json["a11y/heading-order"] >= 120, "{in_json:?}");

    let out = check(&fixture, &[]);
    let text = stderr(&out);
    let shown = drawn(&text);
    for (rule, &n) in &shown {
        assert!(n <= 10, "{rule} drew {n} diagnostics in full:\n{text}");
    }
    assert_eq!(shown.get("readability/jargon"), Some(&3), "{text}");
    assert!(
        text.contains(&format!(
            "… and {} more readability/jargon warnings",
            group(jargon - 3)
        )),
        "{text}"
    );
    // A closing table, busiest rule first, with every count.
    let table = &text[text.find("warnings  rule").expect("a table of counts")..];
    let jargon_row = table.find("readability/jargon").unwrap();
    assert!(
        jargon_row < table.find("a11y/heading-order").unwrap(),
        "{table}"
    );
    assert!(
        table.contains(&format!("{}  readability/jargon", group(jargon))),
        "{table}"
    );
    // A screenful per rule, not one per warning.
    assert!(text.lines().count() < 150, "{} lines", text.lines().count());
    assert!(text.contains("Checked: "), "{text}");
}

#[test]
fn all_prints_every_diagnostic() {
    let fixture = noisy_site(8);
    let (in_json, _) = counts_in_json(&fixture);
    let out = check(&fixture, &["--all"]);
    let shown = drawn(&stderr(&out));
    assert_eq!(
        shown
            .iter()
            .map(|(r, n)| (r.as_str(), *n))
            .collect::<BTreeMap<_, _>>(),
        in_json
            .iter()
            .map(|(r, n)| (r.as_str(), *n))
            .collect::<BTreeMap<_, _>>()
    );
    assert!(!stderr(&out).contains("more readability/jargon"));
}

#[test]
fn diagnostics_come_in_file_then_line_order() {
    let fixture = noisy_site(5);
    let (_, all) = counts_in_json(&fixture);
    let places: Vec<(String, u64, u64)> = all
        .iter()
        .map(|d| {
            let n = |k: &str| d[k].as_u64().unwrap_or(0);
            (
                d["file"].as_str().unwrap_or("").to_string(),
                n("line"),
                n("column"),
            )
        })
        .collect();
    let mut sorted = places.clone();
    sorted.sort();
    assert_eq!(places, sorted, "JSON lists diagnostics in reading order");

    // The terminal shows them in the same order.
    let text = stderr(&check(&fixture, &["--all"]));
    let headers: Vec<(String, u64)> = text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("┌─ "))
        .map(|place| {
            let mut parts = place.rsplitn(3, ':');
            let _column = parts.next();
            let line = parts.next().unwrap().parse().unwrap();
            (parts.next().unwrap().to_string(), line)
        })
        .collect();
    assert!(headers.len() > 20, "{text}");
    let mut sorted = headers.clone();
    sorted.sort();
    assert_eq!(headers, sorted);
}

#[test]
fn a_long_paragraph_is_quoted_around_the_problem_not_whole() {
    let long = format!(
        "{} hypertension {}",
        "word ".repeat(600),
        "more ".repeat(600)
    );
    let fixture = Fixture::new(&[(
        "content/blog/long.md",
        &post(
            "Long",
            "date = 2026-01-01\nreviewed_by = \"patel\"\nlast_reviewed = 2026-10-01",
            &long,
        ),
    )]);
    let text = stderr(&check(&fixture, &[]));
    let quoted = text
        .lines()
        .find(|l| l.contains("hypertension") && l.contains('│'))
        .unwrap_or_else(|| panic!("the line is quoted:\n{text}"));
    assert!(quoted.chars().count() <= 110, "{quoted}");
    assert!(quoted.contains('…'), "{quoted}");
    assert!(text.contains("content/blog/long.md:8:3002"), "{text}");
}

fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
