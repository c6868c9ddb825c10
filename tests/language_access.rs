//! The language-access notice (issue 21 item 6; Section 1557, 45 CFR 92.11):
//! `[language_access]` publishes `/language-assistance/` with the clinic's
//! notice, the nondiscrimination notice and a tagline per listed language,
//! each marked with its `lang` (and `dir="rtl"`); every page's footer links
//! to it; `rounds check` warns a clinic's site that has none.

use serde_json::Value;

use crate::common::{CONFIG, Fixture, post, rounds, stderr};

const NOTICE: &str = r#"
[language_access]
languages = ["es", "ar", "zh-Hant"]
tty = "711"
"#;

fn site(extra_config: &str) -> Fixture {
    let fixture = Fixture::new(&[(
        "content/blog/walk.md",
        &post(
            "Walk every day",
            "date = 2026-03-01\nreviewed_by = \"patel\"\nlast_reviewed = 2026-03-01",
            "A short walk after meals helps your heart.",
        ),
    )]);
    fixture.write("config.toml", &format!("{CONFIG}{extra_config}"));
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

fn with_rule<'a>(json: &'a Value, rule: &str) -> Vec<&'a Value> {
    json["diagnostics"]
        .as_array()
        .map(|all| all.iter().filter(|d| d["rule"] == rule).collect())
        .unwrap_or_default()
}

#[test]
fn the_notice_page_carries_each_tagline_in_its_language_and_every_page_links_it() {
    let fixture = site(NOTICE);
    fixture.build_ok();
    let page = fixture.read("language-assistance/index.html");
    assert!(
        page.contains("<li lang=\"es\"><strong>Español</strong>"),
        "{page}"
    );
    assert!(
        page.contains("tiene a su disposición servicios gratuitos de asistencia lingüística. Llame al +1-555-0100."),
        "the phone is in the tagline: {page}"
    );
    assert!(page.contains("<li lang=\"ar\" dir=\"rtl\">"), "{page}");
    assert!(page.contains("<li lang=\"zh-Hant\">"), "{page}");
    assert!(!page.contains("{phone}"), "{page}");
    assert!(page.contains("(TTY: 711)"), "{page}");
    assert!(
        page.contains("Riverside Heart complies with applicable federal civil rights laws"),
        "the default nondiscrimination notice names the clinic: {page}"
    );
    // Only the languages listed.
    assert!(!page.contains("lang=\"vi\""), "{page}");
    let sitemap = fixture.read("sitemap.xml");
    assert!(
        sitemap.contains("https://heart.example/language-assistance/"),
        "{sitemap}"
    );
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(fixture.public("")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).unwrap();
        assert!(
            html.contains("<a href=\"https://heart.example/language-assistance/\">Language assistance and nondiscrimination"),
            "no footer link in {}",
            entry.path().display()
        );
        assert!(
            html.contains("<span lang=\"es\">Asistencia lingüística</span>")
                && html.contains("<span lang=\"ar\" dir=\"rtl\">المساعدة اللغوية</span>"),
            "the footer's label names the help in each language: {}",
            entry.path().display()
        );
        pages += 1;
    }
    assert!(pages >= 5, "{pages} pages");
}

#[test]
fn a_site_changes_a_tagline_and_adds_a_language_in_its_data() {
    let fixture = site(
        "\n[language_access]\nlanguages = [\"es\", \"ur\"]\nnondiscrimination = \"We treat everyone fairly.\"\nphone = \"+1-555-0199\"\n",
    );
    fixture.write(
        "data/taglines.toml",
        "[es]\ntagline = \"Hablamos español. Llame gratis al {phone}.\"\n\n[ur]\nname = \"اردو\"\nenglish = \"Urdu\"\ntagline = \"توجہ دیں: مفت مدد کے لیے {phone} پر کال کریں۔\"\n",
    );
    fixture.build_ok();
    let page = fixture.read("language-assistance/index.html");
    assert!(
        page.contains("Hablamos español. Llame gratis al +1-555-0199."),
        "{page}"
    );
    // The shipped name stays where the site set only the sentence.
    assert!(page.contains("<strong>Español</strong>"), "{page}");
    assert!(page.contains("<li lang=\"ur\" dir=\"rtl\">"), "{page}");
    assert!(page.contains("We treat everyone fairly."), "{page}");
}

#[test]
fn check_warns_a_clinic_without_a_notice_and_shows_the_config_to_add() {
    let (ok, json, err) = check(&site(""));
    assert!(ok, "a warning does not fail the check: {err}");
    let found = with_rule(&json, "clinic/language-access");
    assert_eq!(found.len(), 1, "{json:#}");
    assert_eq!(found[0]["severity"], "warning");
    assert_eq!(found[0]["file"], "config.toml");
    let help = found[0]["help"].as_str().unwrap();
    assert!(
        help.contains("[language_access]") && help.contains("languages = [\"es\""),
        "{help}"
    );
    // With the notice configured there is nothing to say.
    let (_, json, _) = check(&site(NOTICE));
    assert!(
        with_rule(&json, "clinic/language-access").is_empty(),
        "{json:#}"
    );
    // A site that is not a clinic's is not asked for one.
    let blog = site("");
    blog.write(
        "config.toml",
        "title = \"A blog\"\nbase_url = \"https://blog.example\"\n[check]\n\"review/missing\" = \"warning\"\n",
    );
    let (_, json, _) = check(&blog);
    assert!(
        with_rule(&json, "clinic/language-access").is_empty(),
        "{json:#}"
    );
}

#[test]
fn a_language_without_a_tagline_is_named_with_the_nearest_one() {
    let fixture = site("\n[language_access]\nlanguages = [\"es\", \"zh-hant\"]\n");
    let out = fixture.build(&[]);
    assert!(
        !out.status.success(),
        "a tagline that cannot be shown fails the build"
    );
    let err = stderr(&out);
    assert!(
        err.contains("no tagline for the language `zh-hant` in [language_access] languages"),
        "{err}"
    );
    assert!(err.contains("did you mean `zh-Hant`?"), "{err}");
    assert!(err.contains("config.toml:"), "the line is named: {err}");
}
