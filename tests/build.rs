//! `rounds build` on fixture sites: what gets published, and where.

use crate::common::{Fixture, post, rounds, stderr};
use scraper::{Html, Selector};

fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&Selector::parse(css).unwrap()).collect()
}

fn blog() -> Fixture {
    let mut files: Vec<(String, String)> = vec![
        ("content/_index.md".into(), "+++\ntitle = \"Home\"\n+++\nWelcome to the clinic.\n".into()),
        ("content/blog/_index.md".into(), "+++\ntitle = \"Health blog\"\npaginate_by = 2\n+++\n".into()),
        (
            "content/blog/bp.md".into(),
            post(
                "Blood pressure basics",
                "date = 2026-03-01\ntags = [\"Blood Pressure\", \"prevention\"]\ncategories = [\"Heart\"]\nauthors = [\"patel\"]\nreviewed_by = \"patel\"\nlast_reviewed = 2026-03-01\naliases = [\"/old/bp.html\", \"/2025/bp/\"]\nsources = [\"doi:10.1161/CIR.0000000000000678\"]",
                "First paragraph of the post.\n\n## What the numbers mean\n\nThe top number.\n\n```rust\nfn main() {}\n```\n",
            ),
        ),
        (
            "content/blog/2026-02-10-salt.md".into(),
            post("Salt and your heart", "tags = [\"blood pressure\"]", "See [the numbers](@/blog/bp.md#what-the-numbers-mean) and [cuffs](@/blog/cuff/index.md).\n"),
        ),
        (
            "content/blog/cuff/index.md".into(),
            post("Choosing a cuff", "date = 2026-01-05\nimage = \"cuff.svg\"\nimage_alt = \"A blood pressure cuff\"", "![A cuff on an arm](cuff.svg)\n"),
        ),
        ("content/blog/cuff/cuff.svg".into(), "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\"></svg>".into()),
        (
            "content/blog/draft.md".into(),
            post("Not ready", "date = 2026-04-01\ndraft = true\ntags = [\"secret-tag\"]", "Work in progress.\n"),
        ),
        (
            "content/blog/yaml.md".into(),
            "---\ntitle: \"Moved from WordPress\"\ndate: 2025-12-01\ntags: [prevention]\naudience: both\n---\n\nImported text.\n".into(),
        ),
        ("content/about/team.md".into(), post("Our team", "date = 2025-06-01", "We are here to help.\n")),
        ("static/robots-note.txt".into(), "static file".into()),
        ("content/blog/forms/intake.pdf".into(), "%PDF-1.4 fake".into()),
    ];
    files.push((
        "templates/partials/extra.html".into(),
        "<!-- site override -->".into(),
    ));
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let site = Fixture::new(&files);
    site.build_ok();
    site
}

#[test]
fn posts_sections_and_home_are_published() {
    let site = blog();
    let page = Html::parse_document(&site.read("blog/bp/index.html"));
    assert_eq!(
        select(&page, "h1")[0].text().collect::<String>(),
        "Blood pressure basics"
    );
    let heading = select(&page, "h2#what-the-numbers-mean");
    assert_eq!(heading.len(), 1, "heading ids");
    assert!(
        !select(&page, "pre.code code span[class^=hl-]").is_empty(),
        "code is highlighted with classes"
    );
    assert!(
        site.read("blog/bp/index.html")
            .contains("https://doi.org/10.1161/CIR.0000000000000678")
    );
    assert!(
        site.read("index.html").contains("Blood pressure basics"),
        "home lists the latest posts"
    );
    // The date comes from the file name.
    assert!(
        site.read("blog/salt/index.html")
            .contains("datetime=\"2026-02-10\"")
    );
    assert!(
        site.exists("about/team/index.html"),
        "an implicit section's post"
    );
    assert!(
        site.read("blog/yaml/index.html").contains("Imported text."),
        "YAML front matter"
    );
    assert!(site.exists("404.html") && site.exists("robots.txt") && site.exists("syntax.css"));
    assert!(
        site.read("robots.txt")
            .contains("Sitemap: https://heart.example/sitemap.xml")
    );
    assert!(!site.read("syntax.css").is_empty());
}

#[test]
fn internal_links_resolve_to_permalinks() {
    let site = blog();
    let page = site.read("blog/salt/index.html");
    assert!(
        page.contains("href=\"https://heart.example/blog/bp/#what-the-numbers-mean\""),
        "{page}"
    );
    assert!(page.contains("href=\"https://heart.example/blog/cuff/\""));
}

#[test]
fn sections_paginate() {
    let site = blog();
    // Four published posts in blog/ at two per page.
    let first = Html::parse_document(&site.read("blog/index.html"));
    assert_eq!(select(&first, "article.card").len(), 2);
    let second = Html::parse_document(&site.read("blog/page/2/index.html"));
    assert_eq!(select(&second, "article.card").len(), 2);
    assert!(!site.exists("blog/page/3/index.html"));
    assert!(
        site.read("blog/page/2/index.html")
            .contains("rel=\"prev\" href=\"https://heart.example/blog/\"")
    );
    assert!(
        site.read("blog/page/1/index.html")
            .contains("url=https://heart.example/blog/"),
        "page 1 redirects"
    );
    // Newest first: bp (March), salt (February) on page one.
    let titles: Vec<String> = select(&first, "article.card .p-name")
        .iter()
        .map(|h| h.text().collect())
        .collect();
    assert_eq!(titles, ["Blood pressure basics", "Salt and your heart"]);
}

#[test]
fn taxonomies_have_list_pages_term_pages_and_feeds() {
    let site = blog();
    // "Blood Pressure" and "blood pressure" are one term.
    let term = Html::parse_document(&site.read("tags/blood-pressure/index.html"));
    assert_eq!(select(&term, "article.card").len(), 2);
    assert!(
        site.read("tags/index.html")
            .contains("https://heart.example/tags/prevention/")
    );
    assert!(
        site.read("authors/patel/index.html")
            .contains("Dr. Asha Patel")
    );
    assert!(site.exists("categories/heart/index.html"));
    let feed = rss::Channel::read_from(site.read("tags/prevention/rss.xml").as_bytes())
        .expect("term RSS parses");
    assert_eq!(feed.items().len(), 2);
    // The prevention tag holds bp (2 per page) and yaml: page 2 exists.
    assert!(!site.exists("tags/prevention/page/2/index.html"));
    assert!(site.exists("tags/blood-pressure/index.html"));
}

#[test]
fn feeds_parse_and_list_newest_first() {
    let site = blog();
    let rss = rss::Channel::read_from(site.read("rss.xml").as_bytes()).expect("site RSS parses");
    let titles: Vec<_> = rss.items().iter().filter_map(|i| i.title()).collect();
    assert_eq!(titles[0], "Blood pressure basics");
    assert!(!titles.contains(&"Not ready"));
    assert_eq!(
        rss.items()[0].link(),
        Some("https://heart.example/blog/bp/")
    );
    let atom: atom_syndication::Feed = site
        .read("blog/atom.xml")
        .parse()
        .expect("section Atom parses");
    assert_eq!(atom.entries().len(), 4);
    assert_eq!(atom.entries()[0].authors()[0].name(), "Dr. Asha Patel");
    assert!(
        atom.entries()[0]
            .content()
            .unwrap()
            .value()
            .unwrap()
            .contains("What the numbers mean")
    );
    assert!(site.exists("blog/rss.xml") && site.exists("atom.xml"));
}

#[test]
fn sitemap_lists_every_page_once() {
    let site = blog();
    let xml = site.read("sitemap.xml");
    let doc = roxmltree_like_locs(&xml);
    assert!(doc.contains(&"https://heart.example/blog/bp/".to_string()));
    assert!(doc.contains(&"https://heart.example/blog/page/2/".to_string()));
    assert!(doc.contains(&"https://heart.example/tags/prevention/".to_string()));
    assert!(
        !doc.iter().any(|l| l.contains("draft")),
        "drafts are not in the sitemap"
    );
    let mut unique = doc.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), doc.len());
    assert!(xml.contains("<lastmod>2026-03-01</lastmod>"));
}

fn roxmltree_like_locs(xml: &str) -> Vec<String> {
    xml.split("<loc>")
        .skip(1)
        .map(|rest| rest.split("</loc>").next().unwrap().to_string())
        .collect()
}

#[test]
fn aliases_redirect_to_the_post() {
    let site = blog();
    for alias in ["old/bp.html", "2025/bp/index.html"] {
        let page = site.read(alias);
        assert!(
            page.contains(
                "http-equiv=\"refresh\" content=\"0; url=https://heart.example/blog/bp/\""
            ),
            "{page}"
        );
        assert!(page.contains("rel=\"canonical\" href=\"https://heart.example/blog/bp/\""));
    }
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = blog();
    assert!(!site.exists("blog/draft/index.html"));
    assert!(!site.exists("tags/secret-tag/index.html"));
    let out = site.build(&["--drafts"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site.exists("blog/draft/index.html"));
    assert!(site.exists("tags/secret-tag/index.html"));
}

#[test]
fn static_and_colocated_files_are_copied() {
    let site = blog();
    assert_eq!(site.read("robots-note.txt"), "static file");
    assert!(
        site.exists("blog/cuff/cuff.svg"),
        "bundle asset beside its post"
    );
    assert!(
        site.exists("blog/forms/intake.pdf"),
        "other files under content/"
    );
    assert!(site.exists("style.css"), "the theme's static files");
    let page = site.read("blog/cuff/index.html");
    assert!(
        page.contains("<img src=\"cuff.svg\" alt=\"A cuff on an arm\" width=\"40\" height=\"20\""),
        "{page}"
    );
    // The front matter's `image = "cuff.svg"` resolves beside the post, so
    // it is known as the body's own picture and shown once.
    assert_eq!(page.matches("<img ").count(), 1, "{page}");
}

#[test]
fn base_url_and_output_can_be_overridden() {
    let site = blog();
    let out_dir = site.root().join("preview");
    let out = site.build(&[
        "--base-url",
        "http://127.0.0.1:9000",
        "--output",
        out_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let home = std::fs::read_to_string(out_dir.join("index.html")).unwrap();
    assert!(home.contains("http://127.0.0.1:9000/blog/bp/"));
}

#[test]
fn json_output_reports_the_build() {
    let site = blog();
    let out = site.build(&["--format", "json"]);
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(report["ok"], true);
    assert_eq!(report["report"]["posts"], 5, "drafts are not counted");
}

#[test]
fn a_rebuild_gives_the_same_output() {
    let site = blog();
    let first = crate::common::tree(&site.root().join("public"));
    site.build_ok();
    assert_eq!(first, crate::common::tree(&site.root().join("public")));
}

#[test]
fn init_creates_a_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("clinic");
    let out = rounds()
        .args([
            "init",
            root.to_str().unwrap(),
            "--name",
            "Lakeside Family Practice",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    for file in [
        "config.toml",
        "data/doctors.toml",
        "content/blog/_index.md",
        ".gitignore",
        ".github/workflows/rounds.yml",
        "netlify.toml",
    ] {
        assert!(root.join(file).exists(), "{file}");
    }
    let out = rounds()
        .args(["build", "--root", root.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let home = std::fs::read_to_string(root.join("public/index.html")).unwrap();
    assert!(home.contains("Lakeside Family Practice"));
    let again = rounds()
        .args(["init", root.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        !again.status.success(),
        "init refuses a folder that is not empty"
    );
}
