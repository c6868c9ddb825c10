//! A value of the wrong kind, a value that is not one of those allowed, an
//! unknown key or table: each is reported at the value's (or key's) own
//! file:line:column, in the words of docs/content-model.md, with a help that
//! shows the right way to write it, never in serde's words.

use serde_json::Value;

use crate::common::{Fixture, rounds};

/// A config.toml that is right; each test spoils one part of a copy.
const CONFIG: &str = "title = \"Riverside Heart\"\nbase_url = \"https://heart.example\"\n\n[clinic]\nname = \"Riverside Heart\"\nphone = \"+1-555-0100\"\n";

/// A site with `config` as its config.toml and the given files.
fn site(config: &str, files: &[(&str, &str)]) -> Fixture {
    let fixture = Fixture::new(files);
    fixture.write("config.toml", config);
    fixture
}

/// `rounds check --format json`, which must fail: its diagnostics.
fn diagnostics(fixture: &Fixture) -> Vec<Value> {
    let out = rounds()
        .env("SOURCE_DATE_EPOCH", "1793491200")
        .args(["check", "--format", "json", "--root"])
        .arg(fixture.root())
        .output()
        .unwrap();
    assert!(!out.status.success(), "the check should fail");
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    let all = json["diagnostics"].as_array().unwrap().clone();
    for d in &all {
        let words = format!("{} {}", d["message"], d["help"]).to_lowercase();
        for serde_word in [
            "sequence",
            "struct",
            "variant",
            "invalid type",
            "map",
            "i64",
            "usize",
            "$__toml",
            "invalid toml",
        ] {
            assert!(!words.contains(serde_word), "{serde_word:?} in {d}");
        }
    }
    all
}

/// The one diagnostic with `rule`, which must be in `file` at `line`.
fn the_one(all: &[Value], rule: &str, file: &str, line: u64) -> Value {
    let found: Vec<&Value> = all.iter().filter(|d| d["rule"] == rule).collect();
    assert_eq!(found.len(), 1, "one {rule} in {all:#?}");
    let d = found[0].clone();
    assert_eq!(d["file"], file, "{d}");
    assert_eq!(d["line"], line, "{d}");
    d
}

fn text(d: &Value, field: &str) -> String {
    d[field].as_str().unwrap_or_default().to_string()
}

/// A post with TOML front matter: `header` after its title.
fn toml_post(header: &str) -> String {
    format!("+++\ntitle = \"RSV and babies\"\n{header}\n+++\n\nBody.\n")
}

#[test]
fn an_address_written_as_text_is_shown_as_its_table() {
    let config = CONFIG.replace(
        "[clinic]\n",
        "[clinic]\naddress = \"1 Main St, Springfield, IL 62701\"\n",
    );
    let all = diagnostics(&site(&config, &[]));
    let d = the_one(&all, "config/type", "config.toml", 5);
    assert_eq!(d["column"], 11, "the value's column: {d}");
    let message = text(&d, "message");
    assert!(message.contains("`address`"), "{message}");
    assert!(message.contains("table"), "{message}");
    assert!(message.contains("`street`"), "{message}");
    assert!(message.contains("not text"), "{message}");
    let help = text(&d, "help");
    for line in [
        "[clinic.address]",
        "street = \"1 Main St\"",
        "city = \"Springfield\"",
        "region = \"IL\"",
        "postal_code = \"62701\"",
    ] {
        assert!(help.contains(line), "{line:?} in {help}");
    }
}

#[test]
fn tags_written_as_text_are_shown_as_a_list() {
    let fixture = site(
        CONFIG,
        &[("content/blog/rsv.md", &toml_post("tags = \"RSV, babies\""))],
    );
    let all = diagnostics(&fixture);
    let d = the_one(&all, "front-matter/type", "content/blog/rsv.md", 3);
    assert_eq!(d["column"], 8, "the value's column: {d}");
    let message = text(&d, "message");
    assert!(message.contains("`tags`"), "{message}");
    assert!(message.contains("list of words"), "{message}");
    assert!(message.contains("not text"), "{message}");
    assert!(
        text(&d, "help").contains("tags = [\"RSV\", \"babies\"]"),
        "{d}"
    );
}

#[test]
fn an_audience_not_allowed_names_the_allowed_ones_and_the_one_meant() {
    let fixture = site(
        CONFIG,
        &[("content/blog/rsv.md", &toml_post("audience = \"doctors\""))],
    );
    let all = diagnostics(&fixture);
    let d = the_one(&all, "front-matter/value", "content/blog/rsv.md", 3);
    assert_eq!(d["column"], 12, "the value's column: {d}");
    let message = text(&d, "message");
    assert!(message.contains("`doctors`"), "{message}");
    assert!(
        message.contains("`patients`, `physicians`, `both`"),
        "{message}"
    );
    let help = text(&d, "help");
    assert!(help.contains("did you mean `physicians`?"), "{help}");
    assert!(help.contains("audience = \"physicians\""), "{help}");
}

#[test]
fn a_date_where_consent_is_a_table_shows_the_table() {
    let fixture = site(
        CONFIG,
        &[(
            "content/blog/story.md",
            &toml_post("kind = \"story\"\nconsent = 2027-01-01"),
        )],
    );
    let all = diagnostics(&fixture);
    assert_eq!(
        all.len(),
        1,
        "one problem, not an unknown key too: {all:#?}"
    );
    let d = the_one(&all, "front-matter/type", "content/blog/story.md", 4);
    assert_eq!(d["column"], 11, "the value's column: {d}");
    let message = text(&d, "message");
    assert!(message.contains("`consent` should be a table"), "{message}");
    assert!(message.contains("`reference`"), "{message}");
    assert!(message.contains("not a date"), "{message}");
    let help = text(&d, "help");
    assert!(help.contains("reference = "), "{help}");
    assert!(help.contains("expires = 2027-01-01"), "{help}");
}

#[test]
fn an_unknown_key_in_a_network_is_at_its_line_with_the_key_meant() {
    let config = format!(
        "{CONFIG}\n[networks.bluesky]\ninstance = \"https://bsky.social\"\nhandle = \"riverside.bsky.social\"\n"
    );
    let all = diagnostics(&site(&config, &[]));
    let d = the_one(&all, "config/unknown-key", "config.toml", 10);
    assert_eq!(d["column"], 1, "{d}");
    assert!(text(&d, "message").contains("handle"), "{d}");
    assert!(text(&d, "help").contains("did you mean `account`?"), "{d}");
}

#[test]
fn keys_are_suggested_by_meaning_not_only_by_spelling() {
    // `reviewed` is spelt like `reviewed_by`, but a date there is `last_reviewed`.
    let fixture = site(
        CONFIG,
        &[(
            "content/blog/rsv.md",
            &toml_post(
                "reviewed = 2026-10-01
excerpt = \"What parents should know\"",
            ),
        )],
    );
    let all = diagnostics(&fixture);
    let unknown: Vec<&Value> = all
        .iter()
        .filter(|d| d["rule"] == "front-matter/unknown-key")
        .collect();
    assert_eq!(unknown.len(), 2, "{all:#?}");
    assert_eq!(unknown[0]["line"], 3, "{}", unknown[0]);
    assert!(
        text(unknown[0], "help").contains("did you mean `last_reviewed`?"),
        "{}",
        unknown[0]
    );
    assert_eq!(unknown[1]["line"], 4, "{}", unknown[1]);
    assert!(
        text(unknown[1], "help").contains("did you mean `description`?"),
        "{}",
        unknown[1]
    );
}

#[test]
fn an_unknown_table_in_front_matter_is_at_its_header() {
    let fixture = site(
        CONFIG,
        &[(
            "content/blog/rsv.md",
            &toml_post("draft = false\n\n[bogus]\nthing = 1"),
        )],
    );
    let all = diagnostics(&fixture);
    let d = the_one(&all, "front-matter/unknown-key", "content/blog/rsv.md", 5);
    assert_eq!(d["column"], 2, "the table's name: {d}");
    assert!(text(&d, "message").contains("`bogus`"), "{d}");
}

#[test]
fn a_social_table_in_a_section_is_at_its_header_and_belongs_to_posts() {
    let fixture = site(
        CONFIG,
        &[(
            "content/blog/_index.md",
            "+++\ntitle = \"Blog\"\n\n[social]\nteaser = \"Read our blog\"\n+++\n",
        )],
    );
    let all = diagnostics(&fixture);
    let d = the_one(
        &all,
        "front-matter/unknown-key",
        "content/blog/_index.md",
        4,
    );
    assert!(text(&d, "message").contains("`social`"), "{d}");
    assert!(text(&d, "help").contains("post"), "{d}");
}

#[test]
fn invalid_utf8_in_config_is_at_the_first_bad_byte() {
    let fixture = site(CONFIG, &[]);
    let mut bytes = CONFIG.as_bytes().to_vec();
    bytes.extend_from_slice(b"fax = \"+1-555-0101\"\nemail = \"caf\xe9@heart.example\"\n");
    fixture.write_bytes("config.toml", &bytes);
    let all = diagnostics(&fixture);
    let d = the_one(&all, "file/not-utf8", "config.toml", 8);
    assert_eq!(d["column"], 13, "{d}");
}

#[test]
fn a_wrong_type_in_publish_names_the_key_at_its_line() {
    let config = format!("{CONFIG}\n[publish]\ntimeout = \"30s\"\nrequire_approval = \"yes\"\n");
    let all = diagnostics(&site(&config, &[]));
    let d = the_one(&all, "config/type", "config.toml", 10);
    let message = text(&d, "message");
    assert!(message.contains("require_approval"), "{message}");
    assert!(message.contains("`true` or `false`"), "{message}");
    assert!(text(&d, "help").contains("require_approval = true"), "{d}");
}

#[test]
fn a_wrong_type_in_social_names_the_key_at_its_line() {
    let config = format!("{CONFIG}\n[social]\nutm = true\nhashtags = \"Springfield, Riverside\"\n");
    let all = diagnostics(&site(&config, &[]));
    let d = the_one(&all, "config/type", "config.toml", 10);
    let message = text(&d, "message");
    assert!(message.contains("hashtags"), "{message}");
    assert!(message.contains("list"), "{message}");
    assert!(
        text(&d, "help").contains("hashtags = [\"Springfield\", \"Riverside\"]"),
        "{d}"
    );
}

#[test]
fn a_wrong_type_in_yaml_front_matter_is_shown_in_yaml() {
    let fixture = site(
        CONFIG,
        &[(
            "content/blog/rsv.md",
            "---\ntitle: RSV and babies\ntags: RSV, babies\n---\n\nBody.\n",
        )],
    );
    let all = diagnostics(&fixture);
    let d = the_one(&all, "front-matter/type", "content/blog/rsv.md", 3);
    assert_eq!(d["column"], 7, "the value's column: {d}");
    assert!(text(&d, "message").contains("`tags`"), "{d}");
    assert!(text(&d, "help").contains("tags: [RSV, babies]"), "{d}");
}

#[test]
fn an_audience_not_allowed_in_yaml_is_suggested_too() {
    let fixture = site(
        CONFIG,
        &[(
            "content/blog/rsv.md",
            "---\ntitle: RSV and babies\naudience: public\n---\n\nBody.\n",
        )],
    );
    let all = diagnostics(&fixture);
    let d = the_one(&all, "front-matter/value", "content/blog/rsv.md", 3);
    assert!(text(&d, "help").contains("did you mean `patients`?"), "{d}");
}
