//! One rule for paths (issue 14, defects 1–5): nothing is read from outside
//! the site, nothing is written outside the output folder, `--output` and
//! `--outreach` never replace the site's own sources, links are not followed
//! out of the site, and templates cannot read the environment.
//!
//! Each escape is aimed at a canary: a folder or file beside the site, in a
//! temporary folder of its own, that must be neither written nor published.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::mastodon::{DEFAULT_TOKEN, MastodonServer};
use crate::common::{Fixture, post, rounds, stderr, tree};
use serde_json::Value;

/// A site with one post, in a temporary folder of its own.
fn site() -> Fixture {
    Fixture::new(&[
        ("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n"),
        (
            "content/blog/bp.md",
            &post("Blood pressure", "date = 2026-01-10", "Fine words."),
        ),
    ])
}

/// A folder beside the site, which no build may write into or publish from.
struct Canary {
    dir: tempfile::TempDir,
}

impl Canary {
    fn new() -> Canary {
        Canary {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The canary folder as a climb from anywhere: enough `../` to reach `/`
    /// from any folder the build writes in, then the canary's own path.
    fn climb(&self) -> String {
        let absolute = self.path().to_str().unwrap().trim_start_matches('/');
        format!("{}{absolute}", "../".repeat(24))
    }

    /// Writes a file in the canary folder and returns its path.
    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let file = self.path().join(name);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, bytes).unwrap();
        file
    }

    fn is_untouched(&self, files_before: usize) -> bool {
        tree(self.path()).len() == files_before
    }
}

fn build_json(site: &Fixture, args: &[&str]) -> (Output, Value) {
    let out = site.build(&[&["--format", "json"], args].concat());
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (out, report)
}

/// The diagnostics of a JSON report with this rule.
fn with_rule<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .collect()
}

/// Every file under `dir` whose bytes hold `needle`.
fn files_holding(dir: &Path, needle: &str) -> Vec<String> {
    tree(dir)
        .into_iter()
        .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains(needle))
        .map(|(name, _)| name)
        .collect()
}

fn config_with(extra: &str) -> String {
    format!("{}\n{extra}\n", crate::common::CONFIG)
}

/// The 1-based line of the first line of `text` that starts with `start`.
fn line_of(text: &str, start: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with(start))
        .unwrap()
        + 1
}

// Defect 1: `[physicians] section` writes outside the output folder.

#[test]
fn a_physicians_section_outside_the_output_is_refused_at_its_line_and_nothing_is_written() {
    let site = site();
    let canary = Canary::new();
    let config = config_with(&format!("[physicians]\nsection = \"{}\"", canary.climb()));
    site.write("config.toml", &config);
    site.write(
        "content/blog/referral.md",
        &post(
            "Referral",
            "date = 2026-01-11\n[physicians]\nsummary = \"When to refer.\"",
            "Words.",
        ),
    );
    let (out, report) = build_json(&site, &[]);
    assert!(
        canary.is_untouched(0),
        "written outside the output: {:?}",
        tree(canary.path())
            .into_iter()
            .map(|(name, _)| name)
            .collect::<Vec<_>>()
    );
    assert!(!out.status.success(), "the build must fail: {report}");
    let refused = with_rule(&report, "path/outside-output");
    assert_eq!(refused.len(), 1, "{report}");
    assert_eq!(refused[0]["file"], "config.toml");
    assert_eq!(refused[0]["line"], line_of(&config, "section ="));
    assert_eq!(refused[0]["column"], 1);
    assert!(!site.exists("sitemap.xml"));
}

#[test]
fn a_physicians_section_that_climbs_and_comes_back_never_puts_dot_dot_in_the_sitemap() {
    let site = site();
    site.write(
        "config.toml",
        &config_with("[physicians]\nsection = \"referrals/../for-physicians\""),
    );
    site.write(
        "content/blog/referral.md",
        &post(
            "Referral",
            "date = 2026-01-11\n[physicians]\nsummary = \"When to refer.\"",
            "Words.",
        ),
    );
    site.build_ok();
    let sitemap = site.read("sitemap.xml");
    assert!(!sitemap.contains(".."), "{sitemap}");
    assert!(
        sitemap.contains("https://heart.example/for-physicians/referral/"),
        "{sitemap}"
    );
    assert!(site.exists("for-physicians/referral/index.html"));
}

#[test]
fn a_recommend_path_outside_the_site_is_refused_at_its_line() {
    let site = site();
    let config = config_with(
        "[networks.mastodon]\naccount = \"@c@med.example\"\n[social]\nrecommend = { text = \"Tell a friend.\", path = \"/../../elsewhere/\" }",
    );
    site.write("config.toml", &config);
    let (out, report) = build_json(&site, &[]);
    assert!(!out.status.success(), "{report}");
    let refused = with_rule(&report, "path/outside-output");
    assert_eq!(refused.len(), 1, "{report}");
    assert_eq!(refused[0]["file"], "config.toml");
    assert_eq!(refused[0]["line"], line_of(&config, "recommend ="));
}

// Defect 2: `--output` and `--outreach` replace the site's own files.

/// What each protected name holds in a fresh site.
const PROTECTED: &[&str] = &[
    "config.toml",
    "content",
    "content/blog",
    "data",
    "templates",
    "themes",
    "static",
    "syndication.toml",
    ".github",
    "netlify.toml",
    ".git",
    ".",
    "..",
];

fn site_with_every_source() -> Fixture {
    let site = site();
    site.write("templates/partials/note.html", "<p>A note.</p>");
    site.write("themes/spare/templates/post.html", "spare");
    site.write("static/hello.txt", "hello");
    site.write(
        "syndication.toml",
        "[[item]]\nid = \"blog/bp/teaser/mastodon\"\nnetwork = \"mastodon\"\nstate = \"posted\"\nurl = \"https://med.example/@c/1\"\n",
    );
    site.write(".github/workflows/rounds.yml", "on: push\n");
    site.write("netlify.toml", "[build]\npublish = \"public\"\n");
    site.write(".git/HEAD", "ref: refs/heads/main\n");
    site
}

/// Runs a build from inside the site folder, so that even a build that
/// resolved `--outreach` against the working folder stays inside the
/// temporary site.
fn build_in_site(site: &Fixture, args: &[&str]) -> Output {
    rounds()
        .current_dir(site.root())
        .arg("build")
        .arg("--root")
        .arg(site.root())
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn output_and_outreach_never_replace_the_sites_own_files() {
    for flag in ["--output", "--outreach"] {
        for name in PROTECTED {
            let site = site_with_every_source();
            let parent = site.root().parent().unwrap().to_path_buf();
            let before = tree(site.root());
            let out = build_in_site(&site, &[flag, name]);
            let message = stderr(&out);
            assert!(
                !out.status.success(),
                "`{flag} {name}` must be refused:\n{message}"
            );
            assert!(
                message.contains("output/unsafe"),
                "{flag} {name}: {message}"
            );
            assert!(!message.contains("panicked"), "{message}");
            assert_eq!(
                before,
                tree(site.root()),
                "`{flag} {name}` changed the site's files"
            );
            assert!(parent.exists());
        }
    }
}

#[test]
fn outreach_is_resolved_against_the_site_folder_like_output() {
    let site = site();
    let elsewhere = tempfile::tempdir().unwrap();
    let out = rounds()
        .current_dir(elsewhere.path())
        .args(["build", "--root"])
        .arg(site.root())
        .args(["--outreach", "shared-outreach"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site.root().join("shared-outreach/outreach.json").exists());
    assert!(!elsewhere.path().join("shared-outreach").exists());
}

#[test]
fn a_folder_rounds_did_not_write_is_not_replaced() {
    for flag in ["--output", "--outreach"] {
        let site = site();
        site.write("mine/notes.txt", "the clinic's notes");
        let out = build_in_site(&site, &[flag, "mine"]);
        let message = stderr(&out);
        assert!(!out.status.success(), "{flag}: {message}");
        assert!(message.contains("output/unsafe"), "{message}");
        assert!(message.contains("mine"), "{message}");
        assert_eq!(
            std::fs::read_to_string(site.root().join("mine/notes.txt")).unwrap(),
            "the clinic's notes"
        );

        // Outside the site too.
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("photo.jpg"), "a photo").unwrap();
        let out = build_in_site(&site, &[flag, outside.path().to_str().unwrap()]);
        assert!(!out.status.success(), "{flag}: {}", stderr(&out));
        assert_eq!(tree(outside.path()).len(), 1);
    }
}

#[test]
fn folders_rounds_wrote_empty_folders_and_old_builds_are_replaced() {
    let site = site();
    // Empty: a fresh temporary folder, as the tests and CI use.
    let empty = tempfile::tempdir().unwrap();
    let out = site.build(&["--output", empty.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(empty.path().join("index.html").exists());
    // Written by Rounds: marked, and replaced on the next build.
    assert!(empty.path().join(".rounds-output").exists());
    let again = site.build(&["--output", empty.path().to_str().unwrap()]);
    assert!(again.status.success(), "{}", stderr(&again));
    let outreach = empty.path().with_file_name(format!(
        "{}.outreach",
        empty.path().file_name().unwrap().to_string_lossy()
    ));
    assert!(outreach.join(".rounds-output").exists());
    std::fs::remove_dir_all(&outreach).unwrap();

    // A `public/` from a Rounds that wrote no marker yet is still replaced.
    site.build_ok();
    std::fs::remove_file(site.public(".rounds-output")).unwrap();
    std::fs::remove_file(site.root().join("outreach/.rounds-output")).unwrap();
    site.build_ok();
    assert!(site.exists(".rounds-output"));
}

// Defect 3: links in content/ are followed out of the site.

#[cfg(unix)]
#[test]
fn a_link_in_a_post_bundle_to_a_file_outside_the_site_is_not_published() {
    let site = site();
    let canary = Canary::new();
    let secret = canary.file("passwd", b"root:x:0:0:CANARY-PASSWD:/root:/bin/sh\n");
    site.write(
        "content/blog/cuff/index.md",
        &post("Cuff", "date = 2026-01-12", "Words."),
    );
    std::os::unix::fs::symlink(&secret, site.root().join("content/blog/cuff/leak.txt")).unwrap();
    let out = site.build(&[]);
    let message = stderr(&out);
    assert!(
        files_holding(site.root(), "CANARY-PASSWD").is_empty(),
        "published: {:?}",
        files_holding(site.root(), "CANARY-PASSWD")
    );
    assert!(!out.status.success(), "{message}");
    assert!(message.contains("content/blog/cuff/leak.txt"), "{message}");
    assert!(message.contains("path/link-outside"), "{message}");
}

#[cfg(unix)]
#[test]
fn a_linked_folder_inside_content_pointing_outside_is_not_published() {
    let site = site();
    let canary = Canary::new();
    canary.file(
        "shared.md",
        post("CANARY-SHARED", "date = 2026-01-12", "Words.").as_bytes(),
    );
    std::os::unix::fs::symlink(canary.path(), site.root().join("content/blog/shared")).unwrap();
    let out = site.build(&[]);
    let message = stderr(&out);
    assert!(
        files_holding(site.root(), "CANARY-SHARED").is_empty(),
        "{message}"
    );
    assert!(!out.status.success(), "{message}");
    assert!(message.contains("content/blog/shared"), "{message}");
}

#[cfg(unix)]
#[test]
fn a_static_folder_that_links_outside_the_site_is_not_published() {
    let site = site();
    let canary = Canary::new();
    canary.file("keys.txt", b"CANARY-STATIC");
    std::os::unix::fs::symlink(canary.path(), site.root().join("static")).unwrap();
    let out = site.build(&[]);
    let message = stderr(&out);
    assert!(
        files_holding(site.root(), "CANARY-STATIC").is_empty(),
        "{message}"
    );
    assert!(!out.status.success(), "{message}");
    assert!(message.contains("path/link-outside"), "{message}");
}

#[cfg(unix)]
#[test]
fn links_that_stay_inside_the_site_are_followed() {
    let site = site();
    site.write(
        "shared/photo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.write(
        "content/blog/cuff/index.md",
        &post("Cuff", "date = 2026-01-12", "Words."),
    );
    std::os::unix::fs::symlink(
        site.root().join("shared/photo.svg"),
        site.root().join("content/blog/cuff/photo.svg"),
    )
    .unwrap();
    site.build_ok();
    assert!(site.exists("blog/cuff/photo.svg"));
}

#[cfg(unix)]
#[test]
fn a_link_to_a_hidden_file_of_the_site_is_not_followed() {
    let site = site();
    site.write(".env", "ROUNDS_MASTODON_TOKEN=CANARY-DOTENV\n");
    site.write(
        "content/blog/cuff/index.md",
        &post("Cuff", "date = 2026-01-12", "Words."),
    );
    std::os::unix::fs::symlink(
        site.root().join(".env"),
        site.root().join("content/blog/cuff/notes.txt"),
    )
    .unwrap();
    let out = site.build(&[]);
    assert!(!out.status.success(), "{}", stderr(&out));
    assert!(files_holding(&site.root().join("public"), "CANARY-DOTENV").is_empty());
    assert!(stderr(&out).contains("content/blog/cuff/notes.txt"));
}

// Defect 4: `image` and other file references outside the site.

#[test]
fn an_image_outside_the_site_is_refused_at_its_front_matter_line() {
    let site = site();
    let text = post(
        "Blood pressure",
        "date = 2026-01-10\nimage = \"../../../../some/where/file.png\"\nimage_alt = \"A cuff\"",
        "Fine words.",
    );
    site.write("content/blog/bp.md", &text);
    let (out, report) = build_json(&site, &[]);
    assert!(!out.status.success(), "{report}");
    let refused = with_rule(&report, "path/outside-output");
    assert_eq!(refused.len(), 1, "{report}");
    assert_eq!(refused[0]["file"], "content/blog/bp.md");
    assert_eq!(refused[0]["line"], line_of(&text, "image ="));
    assert_eq!(refused[0]["column"], 1);
}

#[test]
fn images_and_photos_in_config_and_data_outside_the_site_are_refused_at_their_line() {
    let refused_at = |site: &Fixture, file: &str| {
        let (out, report) = build_json(site, &[]);
        assert!(!out.status.success(), "{report}");
        let refused = with_rule(&report, "path/outside-output");
        assert_eq!(refused.len(), 1, "{report}");
        assert_eq!(refused[0]["file"], file, "{report}");
        refused[0]["line"].clone()
    };
    let site = site();
    let config = config_with("[clinic.address]\ncity = \"Springfield\"")
        .replace("phone = ", "logo = \"/images/../../logo.svg\"\nphone = ");
    site.write("config.toml", &config);
    assert_eq!(refused_at(&site, "config.toml"), line_of(&config, "logo ="));

    let config = config_with("").replace(
        "paginate_by = 2",
        "paginate_by = 2\ndefault_image = \"/../../etc/clinic.png\"",
    );
    site.write("config.toml", &config);
    assert_eq!(
        refused_at(&site, "config.toml"),
        line_of(&config, "default_image =")
    );

    site.write("config.toml", crate::common::CONFIG);
    let doctors = format!("{}photo = \"../../../patel.jpg\"\n", crate::common::DOCTORS);
    site.write("data/doctors.toml", &doctors);
    assert_eq!(
        refused_at(&site, "data/doctors.toml"),
        line_of(&doctors, "photo =")
    );
}

#[test]
fn a_theme_outside_the_site_is_refused_at_its_line() {
    let site = site();
    let canary = Canary::new();
    canary.file("templates/404.html", b"CANARY-THEME");
    // The climb starts in themes/, which must exist for `..` to pass it.
    site.write("themes/spare/templates/post.html", "spare");
    let config = config_with("").replace(
        "paginate_by = 2",
        &format!("paginate_by = 2\ntheme = \"{}\"", canary.climb()),
    );
    site.write("config.toml", &config);
    let (out, report) = build_json(&site, &[]);
    assert!(files_holding(site.root(), "CANARY-THEME").is_empty());
    assert!(!out.status.success(), "{report}");
    let refused = with_rule(&report, "path/outside-site");
    assert_eq!(refused.len(), 1, "{report}");
    assert_eq!(refused[0]["file"], "config.toml");
    assert_eq!(refused[0]["line"], line_of(&config, "theme ="));
}

#[test]
fn an_image_in_a_post_body_is_not_read_from_outside_the_site() {
    let site = site();
    let canary = Canary::new();
    canary.file(
        "pic.svg",
        b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4321\" height=\"1234\"></svg>",
    );
    site.write(
        "content/blog/bp.md",
        &post(
            "Blood pressure",
            "date = 2026-01-10",
            &format!("![A picture]({}/pic.svg)", canary.climb()),
        ),
    );
    site.build_ok();
    let page = site.read("blog/bp/index.html");
    assert!(page.contains("A picture"), "{page}");
    assert!(!page.contains("4321"), "the canary's size was read: {page}");
}

#[test]
fn publish_never_uploads_a_file_from_outside_the_site() {
    let server = MastodonServer::start();
    let site = site();
    let canary = Canary::new();
    let png = include_bytes!("fixtures/images/pulse.png");
    canary.file("file.png", png);
    let name = canary.path().file_name().unwrap().to_string_lossy();
    site.write(
        "config.toml",
        &config_with(&format!(
            "[networks.mastodon]\ninstance = \"{}\"\n",
            server.url()
        )),
    );
    // From public/blog/bp/, four folders up is the temporary folder that
    // holds both the site and the canary.
    site.write(
        "content/blog/bp.md",
        &post(
            "Blood pressure",
            &format!(
                "date = 2026-01-10\nimage = \"../../../../{name}/file.png\"\nimage_alt = \"A cuff\"\n[social]\nteaser = \"Know your numbers.\""
            ),
            "Fine words.",
        ),
    );
    let _ = site.build(&[]);
    let out = rounds()
        .env("ROUNDS_MASTODON_TOKEN", DEFAULT_TOKEN)
        .env("ROUNDS_STATE_DIR", site.root().join(".state"))
        .args(["publish", "--yes", "--root"])
        .arg(site.root())
        .output()
        .unwrap();
    let uploaded: Vec<_> = server
        .media()
        .into_iter()
        .filter(|m| m.bytes == png)
        .collect();
    assert!(uploaded.is_empty(), "uploaded from outside the site");
    assert!(!out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("content/blog/bp.md:"),
        "{}",
        stderr(&out)
    );
}

// Defect 5: templates read the environment.

#[test]
fn templates_cannot_read_the_environment() {
    let site = site();
    site.write(
        "templates/404.html",
        "<p>{{ get_env(name=\"ROUNDS_MASTODON_TOKEN\", default=\"none\") }}</p>",
    );
    let out = rounds()
        .env("ROUNDS_MASTODON_TOKEN", "CANARY-TOKEN-4f1d")
        .args(["build", "--root"])
        .arg(site.root())
        .output()
        .unwrap();
    let message = stderr(&out);
    assert!(
        files_holding(site.root(), "CANARY-TOKEN-4f1d").is_empty(),
        "the token was published: {:?}",
        files_holding(site.root(), "CANARY-TOKEN-4f1d")
    );
    assert!(!message.contains("CANARY-TOKEN-4f1d"), "{message}");
    assert!(!out.status.success(), "{message}");
    assert!(message.contains("templates/404.html"), "{message}");
    assert!(message.contains("get_env"), "{message}");
}
