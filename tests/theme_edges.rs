//! The clinic theme's rough edges (issue 18): each test builds a fixture
//! site with the real binary and looks at the HTML and CSS it published.

use crate::common::{Fixture, post, rounds, stderr};
use scraper::{Html, Selector};

fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&Selector::parse(css).unwrap()).collect()
}

fn page(site: &Fixture, path: &str) -> Html {
    Html::parse_document(&site.read(path))
}

/// The text a reader sees in the main part of a page (no structured data).
fn main_text(html: &Html) -> String {
    select(html, "main")
        .iter()
        .flat_map(|m| m.text())
        .collect::<Vec<_>>()
        .join(" ")
}

const DOCTORS: &str = r#"[patel]
name = "Dr. Asha Patel"
credentials = "MD"
role = "Family doctor"
specialty = "FamilyMedicine"
languages = ["en", "es", "sv"]
"#;

#[test]
fn the_physicians_section_lists_every_physician_page_including_derived_ones() {
    let site = Fixture::new(&[
        (
            "content/for-physicians/_index.md",
            "+++\ntitle = \"For physicians\"\naudience = \"physicians\"\npaginate_by = 10\n+++\nEvery physician article is listed here.\n",
        ),
        (
            "content/for-physicians/order-codes.md",
            &post(
                "Lab order codes",
                "date = 2026-03-01\naudience = \"physicians\"",
                "Codes.\n",
            ),
        ),
        (
            "content/blog/hs-crp.md",
            &post(
                "What a CRP test tells you",
                "date = 2026-04-01\n[physicians]\ntitle = \"hs-CRP: when it helps\"\nsummary = \"Use it to refine intermediate risk.\"",
                "Plain words for patients.\n",
            ),
        ),
        (
            "content/blog/lp-a.md",
            &post(
                "Lipoprotein(a)",
                "date = 2026-02-01\n[physicians]\nsummary = \"Measure once in every adult.\"",
                "Once in a lifetime.\n",
            ),
        ),
    ]);
    site.build_ok();
    assert!(site.exists("for-physicians/hs-crp/index.html"));
    let html = page(&site, "for-physicians/index.html");
    let links: Vec<String> = select(&html, ".cards .p-name a")
        .iter()
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    assert_eq!(
        links,
        [
            "https://heart.example/for-physicians/hs-crp/",
            "https://heart.example/for-physicians/order-codes/",
            "https://heart.example/for-physicians/lp-a/",
        ],
        "newest first, each linking to its physician page"
    );
    let titles: Vec<String> = select(&html, ".cards .p-name a")
        .iter()
        .map(|a| a.text().collect())
        .collect();
    assert!(
        titles.contains(&"hs-CRP: when it helps".to_string()),
        "{titles:?}"
    );
    assert!(main_text(&html).contains("Use it to refine intermediate risk."));
}

#[test]
fn the_post_image_is_shown_once_when_the_body_has_it_too() {
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\"></svg>";
    let site = Fixture::new(&[
        ("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n"),
        (
            "content/blog/cuff/index.md",
            &post(
                "Choosing a cuff",
                "date = 2026-01-05\nimage = \"cuff.svg\"\nimage_alt = \"A cuff\"",
                "Intro.\n\n![A cuff on an arm](cuff.svg)\n",
            ),
        ),
        ("content/blog/cuff/cuff.svg", svg),
        (
            "content/blog/scale/index.md",
            &post(
                "A kitchen scale",
                "date = 2026-01-06\nimage = \"scale.svg\"\nimage_alt = \"A scale\"",
                "No picture in the body.\n",
            ),
        ),
        ("content/blog/scale/scale.svg", svg),
    ]);
    site.build_ok();
    let cuff = page(&site, "blog/cuff/index.html");
    let shown = select(&cuff, "main img")
        .iter()
        .filter(|img| {
            img.value()
                .attr("src")
                .is_some_and(|s| s.ends_with("cuff.svg"))
        })
        .count();
    assert_eq!(shown, 1, "the body's picture, not a second one above it");
    let scale = page(&site, "blog/scale/index.html");
    assert_eq!(
        select(&scale, "main img.hero-image").len(),
        1,
        "a picture the body does not show stays above it"
    );
}

#[test]
fn the_theme_ships_the_favicon_it_links() {
    let site = Fixture::new(&[(
        "content/blog/a.md",
        &post("A post", "date = 2026-01-01", "Text.\n"),
    )]);
    site.build_ok();
    let html = page(&site, "index.html");
    let icon = select(&html, "link[rel=icon]");
    assert_eq!(
        icon[0].value().attr("href"),
        Some("https://heart.example/favicon.svg")
    );
    assert!(site.read("favicon.svg").trim_start().starts_with("<svg"));
}

#[test]
fn doctors_languages_and_specialties_are_words() {
    let site = Fixture::new(&[
        ("data/doctors.toml", DOCTORS),
        (
            "content/blog/a.md",
            &post(
                "A post",
                "date = 2026-01-01\nauthors = [\"patel\"]",
                "Text.\n",
            ),
        ),
    ]);
    site.write(
        "config.toml",
        &crate::common::CONFIG.replace("[clinic]\n", "[clinic]\nspecialty = \"PrimaryCare\"\n"),
    );
    site.build_ok();
    let doctor = main_text(&page(&site, "authors/patel/index.html"));
    assert!(
        doctor.contains("Languages: English, Spanish, Swedish"),
        "{doctor}"
    );
    assert!(doctor.contains("Family medicine"), "{doctor}");
    assert!(!doctor.contains("FamilyMedicine"), "{doctor}");
    let home = main_text(&page(&site, "index.html"));
    assert!(home.contains("Primary care"), "{home}");
    assert!(!home.contains("PrimaryCare"), "{home}");
}

#[test]
fn the_doctors_page_is_in_the_menu_and_linked_from_about() {
    let site = Fixture::new(&[
        ("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n"),
        (
            "content/blog/a.md",
            &post("A post", "date = 2026-01-01", "Text.\n"),
        ),
        (
            "content/about/_index.md",
            "+++\ntitle = \"About us\"\n+++\nWho we are.\n",
        ),
    ]);
    site.build_ok();
    let home = page(&site, "index.html");
    let menu: Vec<String> = select(&home, "header nav a")
        .iter()
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    assert!(
        menu.contains(&"https://heart.example/authors/".to_string()),
        "{menu:?}"
    );
    let about = page(&site, "about/index.html");
    assert!(
        select(&about, "main a")
            .iter()
            .any(|a| a.value().attr("href") == Some("https://heart.example/authors/")),
        "About links to the doctors"
    );
}

#[test]
fn a_page_about_the_clinic_is_not_drawn_as_a_medical_article() {
    let mut config = crate::common::CONFIG.to_string();
    config.push_str("disclaimer = \"General information, not medical advice.\"\n");
    let site = Fixture::new(&[
        (
            "content/about/_index.md",
            "+++\ntitle = \"About us\"\nsort_by = \"weight\"\n+++\n",
        ),
        (
            "content/about/awards.md",
            &post(
                "Awards",
                "date = 2026-01-06\nweight = 1\nkind = \"page\"\nauthors = [\"patel\"]\nreviewed_by = \"patel\"\nlast_reviewed = 2026-01-06",
                "We won a prize for our lab.\n",
            ),
        ),
        (
            "content/about/team.md",
            &post(
                "Our team",
                "date = 2026-01-05\nweight = 2\nkind = \"page\"",
                "We are here to help.\n",
            ),
        ),
        (
            "content/blog/bp.md",
            &post(
                "Blood pressure",
                "date = 2026-01-01\nreviewed_by = \"patel\"",
                "Check it.\n",
            ),
        ),
    ]);
    site.write("config.toml", &config);
    site.build_ok();
    let awards = page(&site, "about/awards/index.html");
    assert!(main_text(&awards).contains("We won a prize for our lab."));
    for part in [
        ".reviewed",
        ".byline",
        ".disclaimer",
        ".share",
        ".neighbours",
    ] {
        assert!(
            select(&awards, part).is_empty(),
            "an About page has no {part}"
        );
    }
    assert!(!main_text(&awards).contains("min read"));
    let article = page(&site, "blog/bp/index.html");
    for part in [".reviewed", ".disclaimer", ".share"] {
        assert_eq!(
            select(&article, part).len(),
            1,
            "a medical article keeps its {part}"
        );
    }
}

#[test]
fn init_writes_a_site_that_checks_clean_with_its_own_domain_and_ignores() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("clinic");
    let out = rounds()
        .args([
            "init",
            root.to_str().unwrap(),
            "--base-url",
            "https://www.lakeside.example/",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let ignore = std::fs::read_to_string(root.join(".gitignore")).unwrap();
    assert!(
        ignore.lines().any(|l| l.trim_matches('/') == "outreach"),
        "{ignore}"
    );
    let config = std::fs::read_to_string(root.join("config.toml")).unwrap();
    assert!(
        config.contains("email = \"hello@lakeside.example\""),
        "{config}"
    );
    assert!(!config.contains("example.com"), "{config}");
    assert!(root.join("static/favicon.svg").is_file());
    let first = std::fs::read_dir(root.join("content/blog"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .find(|text| text.contains("reviewed_by"))
        .expect("a first post");
    assert!(
        !first.to_lowercase().contains("heart"),
        "a first post for any practice:\n{first}"
    );
    let out = rounds()
        .args(["check", "--format", "json", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        report["diagnostics"].as_array().map(Vec::len),
        Some(0),
        "a fresh site checks clean: {report:#}"
    );
}

/// The variables `style.css` sets for dark mode, each set again for print.
#[test]
fn printing_sets_the_theme_colours_not_only_the_body_colours() {
    let site = Fixture::new(&[(
        "content/blog/a.md",
        &post("A post", "date = 2026-01-01", "Text.\n"),
    )]);
    site.build_ok();
    let style = site.read("style.css");
    let print = site.read("print.css");
    let dark = style
        .split("prefers-color-scheme: dark")
        .nth(1)
        .and_then(|rest| rest.split("}\n}").next())
        .expect("a dark block");
    let variables: Vec<&str> = dark
        .split(';')
        .filter_map(|decl| decl.find("--").map(|at| &decl[at..]))
        .filter_map(|decl| decl.split(':').next())
        .map(str::trim)
        .collect();
    assert!(
        variables.contains(&"--muted") && variables.len() > 5,
        "{variables:?}"
    );
    let root = print
        .split(":root")
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .expect("print.css sets :root");
    for name in variables {
        assert!(root.contains(&format!("{name}:")), "print.css sets {name}");
    }
}

/// The rules in `style.css` that name `selector`.
fn rules_for<'a>(css: &'a str, selector: &str) -> Vec<&'a str> {
    css.split('}')
        .filter(|rule| {
            rule.split('{')
                .next()
                .is_some_and(|s| s.split(',').any(|part| part.trim().ends_with(selector)))
        })
        .collect()
}

#[test]
fn heading_anchors_show_on_hover_and_focus_only_and_sources_wrap() {
    let site = Fixture::new(&[(
        "content/blog/a.md",
        &post("A post", "date = 2026-01-01", "## A heading\n\nText.\n"),
    )]);
    site.build_ok();
    let css = site.read("style.css");
    let anchor = rules_for(&css, ".prose .anchor").join("");
    assert!(anchor.contains("opacity: 0;"), "hidden at rest: {anchor}");
    let shown = rules_for(&css, ".prose .anchor:focus").join("");
    assert!(shown.contains("opacity: 1"), "shown on focus: {shown}");
    assert!(
        css.split('}')
            .any(|r| r.contains(":hover .anchor") && r.contains("opacity: 1")),
        "shown on hover"
    );
    let html = site.read("blog/a/index.html");
    assert!(
        html.contains("class=\"anchor\""),
        "still a link Tab reaches"
    );
    let sources = rules_for(&css, ".sources li").join("");
    assert!(sources.contains("overflow-wrap: anywhere"), "{sources}");
    assert!(
        !rules_for(&css, ".sources a")
            .iter()
            .any(|r| r.contains("inline-block")),
        "a source link's first line sits beside its number"
    );
    for panel in [".referral", ".share", ".related"] {
        assert!(
            rules_for(&css, panel)
                .iter()
                .any(|r| r.contains("margin-block")),
            "{panel} keeps apart from its neighbours"
        );
    }
}
