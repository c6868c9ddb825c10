//! `rounds check`: each rule reports file, line and rule id, levels come from
//! `[check]`, and `rounds build` stops on errors.

use crate::common::{Fixture, post, rounds, stderr};
use serde_json::Value;

/// A site whose config keeps every rule at its default level.
fn site(files: &[(&str, &str)]) -> Fixture {
    let fixture = Fixture::new(files);
    let config = crate::common::CONFIG.replace("[check]\n\"review/missing\" = \"warning\"\n", "");
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
            crate::common::CONFIG.replace("[check]\n\"review/missing\" = \"warning\"\n", "")
        ),
    );
    let (ok, json, _) = check(&fixture);
    assert!(ok, "{json:#}");
    fixture.build_ok();

    fixture.write(
        "config.toml",
        &format!(
            "{}\n[check]\n\"review/mising\" = \"off\"\n",
            crate::common::CONFIG.replace("[check]\n\"review/missing\" = \"warning\"\n", "")
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
fn the_example_site_passes_its_checks_and_its_draft_shows_warnings() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
    let out = rounds()
        .env("SOURCE_DATE_EPOCH", "1793491200")
        .args(["check", "--format", "json", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["errors"], 0, "{json:#}");
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert!(!diagnostics.is_empty(), "the draft demonstrates warnings");
    for d in diagnostics {
        assert_eq!(d["severity"], "warning", "{d:#}");
        assert_eq!(
            d["file"], "content/blog/flu-shot-and-your-heart.md",
            "only the draft has problems: {d:#}"
        );
    }
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

/// Realistic clinic prose full of numbers that look like phone numbers,
/// dates, ages and addresses but identify nobody.
const NOT_PHI: &[&str] = &[
    "Take 81 mg of aspirin once a day only if your doctor says so.",
    "Most adults should aim for a blood pressure under 130/80 mm Hg.",
    "In 2023, about 1 in 3 adults in the U.S. had high blood pressure.",
    "Flu season runs from October through May, peaking in February.",
    "Our walk-in hours are 8:00 to 12:00 on Saturdays.",
    "The clinic is closed on January 1, 2027 for the holiday.",
    "Adults aged 45 to 75 should be screened for colon cancer.",
    "A normal resting heart rate is 60 to 100 beats per minute.",
    "Keep sodium under 2,300 mg a day; 1,500 mg is better for most.",
    "The study followed 12,500 people for 10 years.",
    "Call 911 if you have chest pain that lasts more than 5 minutes.",
    "Read more on the CDC's page, updated 2025-03-14.",
    "Version 2.4.1 of the patient portal app is now available.",
    "Fasting blood sugar of 100 to 125 mg/dL means prediabetes.",
    "Get 150 minutes of moderate activity every week.",
    "An LDL cholesterol under 100 mg/dL is the usual goal.",
    "Children need 9 to 12 hours of sleep a night.",
    "The 2026 to 2027 flu vaccine is ready as of September 15.",
    "People over 65 should get the high-dose flu shot.",
    "The screening takes about 30 minutes and costs nothing with most plans.",
    "Room 204 on the second floor is where lab draws happen.",
    "CPT codes 80061 and 93306 cover the lipid panel and the echo.",
    "Our team saw 4,812 patients last year, up 12% from 2024.",
    "A BMI from 18.5 to 24.9 is in the healthy range.",
    "Drink 8 cups of water a day, more when it is hot.",
    "The marathon on April 12 starts at 7:30 a.m. at Riverside Park.",
    "Take 1 tablet every 8 hours, with food, for 10 days.",
    "Between 1999 and 2018, obesity rose from 30.5% to 42.4%.",
    "Ask about the shingles vaccine if you are 50 or older.",
    "An A1C of 6.5% or higher on two tests means diabetes.",
    "Guideline 2017 ACC/AHA lowered the threshold to 130/80.",
    "Our new office opens on March 3, 2027, with parking for 40 cars.",
];

#[test]
fn numbers_in_ordinary_clinic_prose_are_not_patient_identifiers() {
    let body = NOT_PHI.join("\n\n");
    let fixture = site(&[(
        "content/blog/numbers.md",
        &post("Numbers", &format!("kind = \"news\"\n{REVIEWED}"), &body),
    )]);
    let (ok, json, err) = check(&fixture);
    let privacy: Vec<_> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"].as_str().unwrap().starts_with("privacy/"))
        .collect();
    assert!(privacy.is_empty(), "{privacy:#?}");
    assert!(ok, "{err}");
    assert!(NOT_PHI.len() >= 30);
}

#[test]
fn numbers_that_identify_a_patient_are_each_caught_at_their_line() {
    let body = "Her NPI 1234567893 was on the letter.\n\n\
Medicare number 1EG4-TE5-MK73 on the card.\n\n\
Logged in from 192.168.10.4 that night.\n\n\
Her chart: https://portal.example/chart?patient=84721 shows it.\n\n\
Not a valid SSN: 666-12-3456; not a valid NPI: 1234567890.";
    let fixture = site(&[(
        "content/blog/ids.md",
        &post("Ids", &format!("kind = \"news\"\n{REVIEWED}"), body),
    )]);
    let (ok, json, _) = check(&fixture);
    assert!(!ok);
    let at = |rule: &str| -> Vec<u64> {
        find(&json, rule)
            .iter()
            .map(|d| d["line"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(at("privacy/npi"), [8]);
    assert_eq!(at("privacy/medicare"), [10]);
    assert_eq!(at("privacy/ip"), [12]);
    assert_eq!(at("privacy/url"), [14]);
    assert!(at("privacy/ssn").is_empty(), "666 is never an SSN area");
}

#[test]
fn identifiers_in_outreach_text_from_config_are_caught() {
    let fixture = site(&[(
        "content/blog/bp.md",
        &post("BP", &format!("kind = \"news\"\n{REVIEWED}"), "Body."),
    )]);
    let config = std::fs::read_to_string(fixture.root().join("config.toml")).unwrap();
    fixture.write(
        "config.toml",
        &format!(
            "{config}\n[networks.mastodon]\n\n[social.recommend]\ntext = \"Thank you, Mrs. Lee (DOB: 04/02/1950), for recommending us!\"\nevery_days = 1\n"
        ),
    );
    let (ok, json, err) = check(&fixture);
    assert!(!ok, "{err}");
    let dates = find(&json, "privacy/date");
    assert_eq!(dates.len(), 1, "{dates:#?}");
    assert_eq!(dates[0]["file"], "config.toml");
    assert!(
        dates[0]["message"]
            .as_str()
            .unwrap()
            .contains("in the outreach item"),
        "{dates:#?}"
    );
}

#[test]
fn pages_that_load_from_third_parties_are_errors_unless_allowed() {
    let body =
        "Watch:\n\n<iframe src=\"https://www.youtube.com/embed/abc\" title=\"Video\"></iframe>\n";
    let fixture = site(&[(
        "content/blog/video.md",
        &post("Video", &format!("kind = \"news\"\n{REVIEWED}"), body),
    )]);
    fixture.write(
        "templates/partials/analytics.html",
        "<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script>\n",
    );
    let base = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/clinic/templates/base.html"),
    )
    .unwrap();
    fixture.write(
        "templates/base.html",
        &base.replacen(
            "</head>",
            "{% include \"partials/analytics.html\" %}</head>",
            1,
        ),
    );
    let (ok, json, _) = check(&fixture);
    assert!(!ok);
    let loads = find(&json, "privacy/third-party");
    let places: Vec<(String, u64)> = loads
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert!(
        places.contains(&("content/blog/video.md".into(), 10)),
        "the embed, at its line: {places:?}"
    );
    assert!(
        places.contains(&("templates/partials/analytics.html".into(), 1)),
        "the tracker, in the template that adds it: {places:?}"
    );
    assert_eq!(
        loads.len(),
        2,
        "once per URL, not once per page: {loads:#?}"
    );

    // The build stops and leaves no output; allowing the hosts lets it through.
    let build = fixture.build(&[]);
    assert!(!build.status.success());
    assert!(!fixture.root().join("public").exists());
    let config = std::fs::read_to_string(fixture.root().join("config.toml")).unwrap();
    fixture.write(
        "config.toml",
        &config.replace(
            "[clinic]",
            "[check]\nallowed_hosts = [\"youtube.com\", \"www.googletagmanager.com\"]\n\n[clinic]",
        ),
    );
    let (ok, json, err) = check(&fixture);
    assert!(ok, "{err}");
    assert!(find(&json, "privacy/third-party").is_empty());
}

/// A web server for the link checker: `/ok/*` answers 200 after a moment,
/// `/gone` 404, `/no-head` refuses HEAD but answers GET, `/slow` takes 5 s.
/// It records every request and the most requests it ever had in flight.
struct LinkServer {
    url: String,
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    most_at_once: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl LinkServer {
    fn start() -> LinkServer {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::{Arc, Mutex};
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let url = format!("http://{}", server.server_addr().to_ip().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let most_at_once = Arc::new(AtomicUsize::new(0));
        let (l, f, m) = (log.clone(), in_flight.clone(), most_at_once.clone());
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                let (l, f, m) = (l.clone(), f.clone(), m.clone());
                std::thread::spawn(move || {
                    let now = f.fetch_add(1, Ordering::SeqCst) + 1;
                    m.fetch_max(now, Ordering::SeqCst);
                    let path = request.url().to_string();
                    let method = request.method().to_string();
                    l.lock().unwrap().push(format!("{method} {path}"));
                    let status = match (method.as_str(), path.as_str()) {
                        (_, p) if p.starts_with("/ok/") => {
                            std::thread::sleep(std::time::Duration::from_millis(150));
                            200
                        }
                        ("HEAD", "/no-head") => 405,
                        (_, "/no-head") => 200,
                        (_, "/slow") => {
                            std::thread::sleep(std::time::Duration::from_secs(5));
                            200
                        }
                        _ => 404,
                    };
                    f.fetch_sub(1, Ordering::SeqCst);
                    let _ = request.respond(tiny_http::Response::empty(status));
                });
            }
        });
        LinkServer {
            url,
            log,
            most_at_once,
        }
    }

    fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

#[test]
fn external_links_are_checked_concurrently_politely_and_cached() {
    let server = LinkServer::start();
    let u = &server.url;
    let ok: String = (1..=6)
        .map(|n| format!("- [Source {n}]({u}/ok/{n})\n"))
        .collect();
    let body = format!(
        "{ok}\nSee [the old page]({u}/gone) and [a picky server]({u}/no-head).\n\nAlso [a slow one]({u}/slow).\n"
    );
    let fixture = site(&[(
        "content/blog/links.md",
        &post("Links", &format!("kind = \"news\"\n{REVIEWED}"), &body),
    )]);
    let config = std::fs::read_to_string(fixture.root().join("config.toml")).unwrap();
    fixture.write(
        "config.toml",
        &config.replace("[clinic]", "[check]\nexternal_timeout = \"2s\"\n\n[clinic]"),
    );
    let cache = tempfile::tempdir().unwrap();
    let run = |external: bool| {
        let mut command = rounds();
        command
            .env("SOURCE_DATE_EPOCH", "1793491200")
            .env("ROUNDS_CACHE_DIR", cache.path())
            .args(["check", "--format", "json", "--root"])
            .arg(fixture.root());
        if external {
            command.arg("--external");
        }
        let out = command.output().unwrap();
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.success(), json)
    };

    let (ok_without, json) = run(false);
    assert!(ok_without, "{json:#}");
    assert!(
        server.requests().is_empty(),
        "no fetching without --external"
    );
    assert!(find(&json, "links/external").is_empty());

    let (ok, json) = run(true);
    assert!(ok, "broken links are warnings by default: {json:#}");
    let broken: Vec<(String, u64)> = find(&json, "links/external")
        .iter()
        .map(|d| {
            (
                d["message"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(broken.len(), 2, "{broken:#?}");
    assert!(
        broken
            .iter()
            .any(|(m, line)| m.contains("/gone answers 404") && *line == 15)
    );
    assert!(
        broken
            .iter()
            .any(|(m, line)| m.contains("/slow timed out") && *line == 17)
    );
    assert!(
        server.requests().contains(&"GET /no-head".to_string()),
        "falls back to GET"
    );
    let most = server
        .most_at_once
        .load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(most, 2, "two at a time on one host, no more, no fewer");

    // Good answers are cached; the broken ones are asked again.
    let before = server.requests().len();
    let (_, json) = run(true);
    let again: Vec<String> = server.requests()[before..].to_vec();
    assert!(
        again.iter().all(|r| !r.contains("/ok/")),
        "cached: {again:?}"
    );
    assert!(again.iter().any(|r| r.contains("/gone")), "{again:?}");
    assert_eq!(find(&json, "links/external").len(), 2);
}

#[test]
fn a_passage_in_another_language_needs_lang() {
    let spanish = "La presión arterial alta no suele dar síntomas, por eso es importante medirla con regularidad en casa o en la farmacia.";
    let body = format!(
        "High blood pressure often has no symptoms, so it is worth checking it regularly at home or at the pharmacy.\n\n\
{spanish}\n\n\
<p lang=\"es\">{spanish}</p>\n\n\
En español: <span lang=\"es\">{spanish}</span>\n"
    );
    let fixture = site(&[(
        "content/blog/bilingual.md",
        &post("Bilingual", &format!("kind = \"news\"\n{REVIEWED}"), &body),
    )]);
    let (ok, json, err) = check(&fixture);
    assert!(ok, "a warning, not an error: {err}");
    let lang = find(&json, "a11y/lang");
    assert_eq!(lang.len(), 1, "only the unmarked paragraph: {lang:#?}");
    assert_eq!(lang[0]["line"], 10);
    assert!(lang[0]["message"].as_str().unwrap().contains("Spanish"));
    assert!(lang[0]["help"].as_str().unwrap().contains("lang=\"es\""));
}

/// `[check]` with the given lines, every rule otherwise at its default.
fn with_check(fixture: &Fixture, lines: &str) {
    let config = crate::common::CONFIG.replace("[check]\n\"review/missing\" = \"warning\"\n", "");
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

#[test]
fn a_photo_that_names_a_patient_needs_the_posts_consent() {
    let fixture = site(&[
        (
            "content/blog/walk.md",
            &post(
                "Back on her feet",
                &format!("kind = \"news\"\n{REVIEWED}"),
                "The walking club met on Saturday.\n\n![Mrs. Lopez on her first walk after surgery](walk.jpg)\n\n![A nurse checks a man's blood pressure](bp.jpg)\n",
            ),
        ),
        (
            "content/blog/cake.md",
            &post(
                "A birthday",
                &format!(
                    "kind = \"story\"\nconsent = {{ reference = \"AUTH-2\", expires = 2025-01-01 }}\nimage = \"patient-ana-ruiz.jpg\"\nimage_alt = \"A woman and her cake\"\n{REVIEWED}"
                ),
                "A story.\n",
            ),
        ),
        (
            "content/blog/consented.md",
            &post(
                "With consent",
                &format!(
                    "kind = \"testimonial\"\nconsent = {{ reference = \"AUTH-3\", expires = 2030-01-01 }}\n{REVIEWED}"
                ),
                "![Photo courtesy of Jim Hart](jim.jpg)\n",
            ),
        ),
    ]);
    let (_, json, _) = check(&fixture);
    let photos = find(&json, "privacy/image-consent");
    assert_eq!(photos.len(), 2, "{photos:#?}");
    let walk = photos
        .iter()
        .find(|d| d["file"] == "content/blog/walk.md")
        .expect("the news post's photo");
    assert_eq!(walk["severity"], "warning");
    assert!(
        walk["message"].as_str().unwrap().contains("\"Mrs. Lopez\"")
            && walk["message"]
                .as_str()
                .unwrap()
                .contains("no patient consent"),
        "{walk:#}"
    );
    let cake = photos
        .iter()
        .find(|d| d["file"] == "content/blog/cake.md")
        .expect("the story's own image");
    assert!(
        cake["message"]
            .as_str()
            .unwrap()
            .contains("expired on 2025-01-01"),
        "{cake:#}"
    );
}
