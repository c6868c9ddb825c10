//! Spanish reading level through `rounds check` (issue 21 item 5): a hard
//! Spanish patient post is warned on the INFLESZ scale with its hardest
//! sentences and Spanish jargon; `[check] reading_ease_es` moves the target.

use serde_json::Value;

use crate::common::{Fixture, post, rounds, stderr};

fn check(fixture: &Fixture) -> Value {
    let out = rounds()
        .env("SOURCE_DATE_EPOCH", "1793491200")
        .args(["check", "--format", "json", "--root"])
        .arg(fixture.root())
        .output()
        .unwrap();
    assert!(!out.stdout.is_empty(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn spanish_site(fixture_text: &str) -> Fixture {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/readability_es")
            .join(fixture_text),
    )
    .unwrap();
    Fixture::new(&[(
        "content/blog/consentimiento.md",
        &post(
            "Consentimiento informado",
            "date = 2026-03-01\nlang = \"es\"\nkind = \"article\"\naudience = \"patients\"\nreviewed_by = \"patel\"\nlast_reviewed = 2026-03-01",
            &text,
        ),
    )])
}

#[test]
fn a_hard_spanish_post_is_warned_on_the_inflesz_scale() {
    let fixture = spanish_site("consentimiento.txt");
    let json = check(&fixture);
    let diagnostics = json["diagnostics"].as_array().unwrap();
    let grade: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["rule"] == "readability/grade")
        .collect();
    assert_eq!(grade.len(), 1, "{json:#}");
    let message = grade[0]["message"].as_str().unwrap();
    assert!(
        message.contains("\"muy difícil\" on the INFLESZ scale (Szigriszt-Pazos 11.2), below the target of 55; Fernández Huerta 15.4"),
        "{message}"
    );
    assert!(
        grade[0]["help"].as_str().unwrap().contains("(perspicuity "),
        "{:#}",
        grade[0]
    );
    assert!(
        diagnostics.iter().any(|d| d["rule"] == "readability/jargon"
            && d["help"].as_str().unwrap().contains("say \"médico\"")),
        "facultativo → médico: {json:#}"
    );
    // A site that accepts harder Spanish sets its own target.
    let config = std::fs::read_to_string(fixture.root().join("config.toml")).unwrap();
    fixture.write(
        "config.toml",
        &config.replace("[check]\n", "[check]\nreading_ease_es = 10\n"),
    );
    let json = check(&fixture);
    assert!(
        !json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == "readability/grade"),
        "{json:#}"
    );
    let post = &json["posts"][0];
    assert!(
        (post["szigriszt_pazos"].as_f64().unwrap() - 11.216).abs() < 0.01,
        "{post:#}"
    );
    assert_eq!(post["inflesz"], "muy difícil");
}

#[test]
fn a_reading_ease_es_out_of_range_is_named_at_its_line() {
    let fixture = spanish_site("folleto-presion.txt");
    let config = std::fs::read_to_string(fixture.root().join("config.toml")).unwrap();
    fixture.write(
        "config.toml",
        &config.replace("[check]\n", "[check]\nreading_ease_es = 120\n"),
    );
    let out = fixture.build(&[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("`reading_ease_es` must be a number from 0 to 100"),
        "{err}"
    );
    assert!(err.contains("config.toml:8"), "{err}");
}
