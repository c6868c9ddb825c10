//! References and misattributed errors: a key that names a doctor, a partner
//! or a service that does not exist, and problems that surfaced in a theme
//! template or a generated file, each reported at the line of the post or
//! data file that causes it, with a help that says how to fix it.

use crate::common::{Fixture, post, rounds, stderr};
use serde_json::Value;

const NETWORKS: &str = r#"
[networks.mastodon]
account = "@clinic@med.example"
[networks.bluesky]
account = "clinic.bsky.social"
"#;

const DOCTORS: &str = r#"[patel]
name = "Dr. Asha Patel"
credentials = "MD"

[okafor]
name = "Dr. Chinedu Okafor"
"#;

const PARTNERS: &str = r#"[riverside-gym]
name = "Riverside Gym"
mastodon = "@gym@fit.example"

[farmers-market]
name = "Farmers Market"
"#;

const SERVICES: &str = "[lipid]\nname = \"Lipid panel\"\ncpt = \"80061\"\n";

/// A site with doctors, partners, services and two networks, plus `files`.
fn site(files: &[(&str, &str)]) -> Fixture {
    let fixture = Fixture::new(&[]);
    fixture.write(
        "config.toml",
        &format!("{}{NETWORKS}", crate::common::CONFIG),
    );
    fixture.write("data/doctors.toml", DOCTORS);
    fixture.write("data/partners.toml", PARTNERS);
    fixture.write("data/services.toml", SERVICES);
    for (path, text) in files {
        fixture.write(path, text);
    }
    fixture
}

/// `rounds check --format json`: whether it passed, and its report.
fn check(fixture: &Fixture) -> (bool, Value) {
    let out = rounds()
        .args(["check", "--format", "json", "--root"])
        .arg(fixture.root())
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.success(), json)
}

/// The errors of one rule.
fn errors<'a>(json: &'a Value, rule: &str) -> Vec<&'a Value> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule && d["severity"] == "error")
        .collect()
}

fn text<'a>(d: &'a Value, field: &str) -> &'a str {
    d[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {d}"))
}

/// The 1-based line and column where `needle` first appears in `source`,
/// after `after` on the same line (to find a value past its key).
fn spot(source: &str, after: &str, needle: &str) -> (usize, usize) {
    source
        .lines()
        .enumerate()
        .find_map(|(i, line)| {
            let start = line.find(after)?;
            let at = line[start..].find(needle)? + start;
            Some((i + 1, line[..at].chars().count() + 1))
        })
        .unwrap_or_else(|| panic!("{needle:?} after {after:?} is not in {source}"))
}

fn assert_at(d: &Value, file: &str, (line, column): (usize, usize)) {
    assert_eq!(d["file"], file, "{d}");
    assert_eq!(d["line"], line, "{d}");
    assert_eq!(d["column"], column, "{d}");
}

#[test]
fn a_mistyped_partner_in_mentions_is_an_error_and_stops_the_outreach() {
    let gym = post(
        "Our new gym partner",
        "date = 2026-05-01\nkind = \"partner\"\n[social]\nteaser = \"Free classes this month.\"\nmentions = [\"farmers-market\", \"riverside-gymm\"]",
        "Body.",
    );
    let fixture = site(&[("content/blog/gym.md", &gym)]);
    let (ok, json) = check(&fixture);
    assert!(!ok, "{json:#}");
    let found = errors(&json, "reference/unknown-partner");
    assert_eq!(found.len(), 1, "{json:#}");
    assert_at(
        found[0],
        "content/blog/gym.md",
        spot(&gym, "mentions", "riverside-gymm"),
    );
    assert_eq!(
        text(found[0], "message"),
        "`mentions` names `riverside-gymm`, which is not a partner in data/partners.toml"
    );
    assert_eq!(text(found[0], "help"), "did you mean `riverside-gym`?");

    // Nothing is shown as ready to post, and nothing is built.
    let out = rounds()
        .args(["social", "--format", "json", "--root"])
        .arg(fixture.root())
        .output()
        .unwrap();
    assert!(!out.status.success(), "rounds social must refuse");
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["items"], Value::Array(Vec::new()), "{shown:#}");
    let out = fixture.build(&[]);
    assert!(!out.status.success(), "rounds build must refuse");
    let message = stderr(&out);
    assert!(message.contains("reference/unknown-partner"), "{message}");
    assert!(!fixture.exists("blog/gym/index.html"));
}

#[test]
fn unknown_authors_reviewers_and_tests_say_which_key_was_meant() {
    // A news post needs no review, but a reviewer it names must exist.
    let news = post(
        "Clinic news",
        "date = 2026-05-01\nkind = \"news\"\nauthors = [\"patel\", \"okafr\"]\nreviewed_by = \"patl\"\n[physicians]\nsummary = \"For referring offices.\"\ntests = [\"lipd\", \"echocardiogram\"]",
        "Body.",
    );
    let fixture = site(&[("content/blog/news.md", &news)]);
    let (ok, json) = check(&fixture);
    assert!(!ok);
    let doctors = errors(&json, "review/unknown-doctor");
    assert_eq!(doctors.len(), 2, "{json:#}");
    let author = doctors
        .iter()
        .find(|d| text(d, "message").contains("okafr"))
        .unwrap();
    assert_at(
        author,
        "content/blog/news.md",
        spot(&news, "authors", "okafr"),
    );
    assert_eq!(
        text(author, "message"),
        "`authors` names `okafr`, which is not a doctor in data/doctors.toml"
    );
    assert_eq!(text(author, "help"), "did you mean `okafor`?");
    let reviewer = doctors
        .iter()
        .find(|d| text(d, "message").contains("patl"))
        .unwrap();
    assert_at(
        reviewer,
        "content/blog/news.md",
        spot(&news, "reviewed_by", "patl"),
    );
    assert_eq!(text(reviewer, "help"), "did you mean `patel`?");

    let tests = errors(&json, "reference/unknown-service");
    assert_eq!(tests.len(), 2, "{json:#}");
    assert_at(
        tests[0],
        "content/blog/news.md",
        spot(&news, "tests", "lipd"),
    );
    assert_eq!(
        text(tests[0], "message"),
        "`tests` names `lipd`, which is not a test or service in data/services.toml"
    );
    assert_eq!(text(tests[0], "help"), "did you mean `lipid`?");
    // Nothing close: the known keys, and where to add one.
    assert_at(
        tests[1],
        "content/blog/news.md",
        spot(&news, "tests", "echocardiogram"),
    );
    let help = text(tests[1], "help");
    assert!(help.contains("`lipid`"), "{help}");
    assert!(
        help.contains("[echocardiogram]") && help.contains("data/services.toml"),
        "{help}"
    );
}

#[test]
fn a_partner_named_without_a_partners_file_says_where_to_add_it() {
    let walk = post(
        "Walk with us",
        "date = 2026-05-01\n[social]\nmentions = [\"walkers\"]",
        "Body.",
    );
    let fixture = site(&[("content/blog/walk.md", &walk)]);
    fixture.remove("data/partners.toml");
    let (_, json) = check(&fixture);
    let found = errors(&json, "reference/unknown-partner");
    assert_eq!(found.len(), 1, "{json:#}");
    assert_at(
        found[0],
        "content/blog/walk.md",
        spot(&walk, "mentions", "walkers"),
    );
    let help = text(found[0], "help");
    assert!(help.contains("data/partners.toml"), "{help}");
    assert!(help.contains("[walkers]"), "{help}");
}

#[test]
fn a_third_party_frame_on_the_home_page_is_blamed_on_its_markdown() {
    let home = "+++\ntitle = \"Riverside Heart\"\n+++\n\nWelcome.\n\n<iframe src=\"https://video.example/embed/1\"></iframe>\n";
    let fixture = site(&[("content/_index.md", home)]);
    let (ok, json) = check(&fixture);
    assert!(!ok);
    let found = errors(&json, "privacy/third-party");
    assert_eq!(found.len(), 1, "{json:#}");
    assert_at(
        found[0],
        "content/_index.md",
        spot(home, "<iframe", "https://video.example"),
    );
}

#[test]
fn a_doctor_field_of_the_wrong_kind_is_reported_in_doctors_toml() {
    let fixture = site(&[(
        "content/blog/a.md",
        &post("A", "date = 2026-05-01\nauthors = [\"okafor\"]", "Body."),
    )]);
    let doctors = format!("{DOCTORS}languages = \"en\"\n");
    fixture.write("data/doctors.toml", &doctors);
    let (ok, json) = check(&fixture);
    assert!(!ok);
    let found: Vec<&Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert_eq!(found.len(), 1, "{json:#}");
    let d = found[0];
    assert_eq!(d["file"], "data/doctors.toml", "not a theme template: {d}");
    assert_eq!(d["line"], doctors.lines().count(), "{d}");
    assert!(text(d, "message").contains("`languages`"), "{d}");
    assert!(text(d, "message").contains("okafor"), "{d}");
}

#[test]
fn a_slug_too_long_for_a_file_name_is_reported_at_its_line() {
    let long = "a".repeat(300);
    let source = post(
        "Long",
        &format!("date = 2026-05-01\nslug = \"{long}\""),
        "Body.",
    );
    let fixture = site(&[("content/blog/long.md", &source)]);
    let (ok, json) = check(&fixture);
    assert!(!ok);
    let found = errors(&json, "content/slug-too-long");
    assert_eq!(found.len(), 1, "{json:#}");
    assert_eq!(found[0]["file"], "content/blog/long.md");
    assert_eq!(found[0]["line"], spot(&source, "slug", &long).0);
    assert!(text_of(found[0]).contains("300"), "{}", found[0]);
    assert!(
        text(found[0], "help").contains("shorter `slug`"),
        "{}",
        found[0]
    );
    assert!(
        errors(&json, "template/render").is_empty(),
        "not a template's fault: {json:#}"
    );

    // A slug made from a file name can grow past it too: 中 becomes "zhong".
    let name = "中".repeat(60);
    let derived = post("Derived", "date = 2026-05-01", "Body.");
    let fixture = site(&[(&format!("content/blog/{name}.md"), &derived)]);
    let (_, json) = check(&fixture);
    let found = errors(&json, "content/slug-too-long");
    assert_eq!(found.len(), 1, "{json:#}");
    assert_eq!(found[0]["line"], spot(&derived, "title", "title").0);
}

fn text_of(d: &Value) -> String {
    format!("{} {}", d["message"], d["help"])
}

#[test]
fn a_term_too_long_for_a_file_name_is_reported_at_its_line() {
    let long = "b".repeat(300);
    let source = post(
        "Long tag",
        &format!("date = 2026-05-01\ntags = [\"heart\", \"{long}\"]"),
        "Body.",
    );
    let fixture = site(&[("content/blog/tagged.md", &source)]);
    let (ok, json) = check(&fixture);
    assert!(!ok);
    let found = errors(&json, "content/slug-too-long");
    assert_eq!(found.len(), 1, "{json:#}");
    assert_at(
        found[0],
        "content/blog/tagged.md",
        spot(&source, "tags", &long),
    );
    assert!(text(found[0], "message").contains("`tags`"), "{}", found[0]);
}

#[test]
fn an_alias_over_a_generated_file_names_what_it_collides_with() {
    let moved = post(
        "Moved",
        "date = 2026-05-01\naliases = [\"/old/moved/\", \"/rss.xml\", \"/blog/\"]",
        "Body.",
    );
    let fixture = site(&[
        ("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n"),
        ("content/blog/moved.md", &moved),
    ]);
    let (ok, json) = check(&fixture);
    assert!(!ok);
    let all = json["diagnostics"].to_string();
    assert!(!all.contains("disk space"), "{json:#}");
    let section = errors(&json, "content/duplicate-path");
    assert_eq!(section.len(), 1, "{json:#}");
    assert_at(
        section[0],
        "content/blog/moved.md",
        spot(&moved, "aliases", "/blog/"),
    );
    assert!(
        text(section[0], "message").contains("content/blog/_index.md"),
        "{}",
        section[0]
    );
    // The section clash stops loading; without it the feed clash shows.
    let moved = moved.replace(", \"/blog/\"", "");
    fixture.write("content/blog/moved.md", &moved);
    let (ok, json) = check(&fixture);
    assert!(!ok);
    let found = errors(&json, "content/alias-clash");
    assert_eq!(found.len(), 1, "{json:#}");
    assert_at(
        found[0],
        "content/blog/moved.md",
        spot(&moved, "aliases", "/rss.xml"),
    );
    let message = text(found[0], "message");
    assert!(
        message.contains("`/rss.xml`") && message.contains("feed"),
        "{message}"
    );
    let out = fixture.build(&[]);
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(message.contains("content/alias-clash"), "{message}");
    assert!(!message.contains("disk space"), "{message}");
}
