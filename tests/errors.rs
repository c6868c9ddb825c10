//! Bad input: each problem gets a message naming the file and line, a
//! non-zero exit, and the previous output stays as it was.

use crate::common::{Fixture, post, stderr, tree};

/// A site that builds, then `break_it` spoils it; the build must fail with
/// messages containing every `expected` string, and leave public/ as it was.
fn fails_keeping_output(break_it: impl FnOnce(&Fixture), expected: &[&str]) -> String {
    let site = Fixture::new(&[
        ("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n"),
        (
            "content/blog/good.md",
            &post(
                "Good post",
                "date = 2026-01-01",
                "Fine.\n\n## Heading one\n",
            ),
        ),
    ]);
    site.build_ok();
    let before = tree(&site.root().join("public"));
    assert!(!before.is_empty());
    break_it(&site);
    let out = site.build(&[]);
    let message = stderr(&out);
    assert!(!out.status.success(), "the build should fail:\n{message}");
    assert_eq!(out.status.code(), Some(1));
    for text in expected {
        assert!(message.contains(text), "expected {text:?} in:\n{message}");
    }
    assert!(!message.contains("panicked"), "{message}");
    assert_eq!(
        before,
        tree(&site.root().join("public")),
        "previous output must be untouched"
    );
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("rounds-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "staging folders left behind: {leftovers:?}"
    );
    message
}

#[test]
fn malformed_toml_front_matter() {
    fails_keeping_output(
        |s| {
            s.write(
                "content/blog/bad.md",
                "+++\ntitle = \"Broken\ndate = 2026-01-01\n+++\nBody\n",
            )
        },
        &["content/blog/bad.md:2:"],
    );
}

#[test]
fn malformed_yaml_front_matter() {
    fails_keeping_output(
        |s| {
            s.write(
                "content/blog/bad.md",
                "---\ntitle: Fine\ntags: [one, two\n---\nBody\n",
            )
        },
        &["content/blog/bad.md:", "YAML"],
    );
}

#[test]
fn unclosed_front_matter() {
    fails_keeping_output(
        |s| s.write("content/blog/bad.md", "+++\ntitle = \"No end\"\nBody\n"),
        &["content/blog/bad.md:1:"],
    );
}

#[test]
fn misspelt_key_is_named_with_a_suggestion() {
    let message = fails_keeping_output(
        |s| {
            s.write(
                "content/blog/bad.md",
                &post("Typo", "date = 2026-01-01\nreviewd_by = \"patel\"", "Body"),
            )
        },
        &[
            "content/blog/bad.md:4:1",
            "reviewd_by",
            "did you mean `reviewed_by`?",
        ],
    );
    assert!(message.contains("front-matter/unknown-key"));
}

#[test]
fn bad_date() {
    fails_keeping_output(
        |s| {
            s.write(
                "content/blog/bad.md",
                &post("Bad date", "date = \"2026-13-45\"", "Body"),
            )
        },
        &["content/blog/bad.md:3:", "date"],
    );
}

#[test]
fn bad_config() {
    fails_keeping_output(
        |s| {
            s.write(
                "config.toml",
                &format!("{}\npaginate_by = \"ten\"\n", crate::common::CONFIG),
            )
        },
        &["config.toml:14:", "paginate_by"],
    );
}

#[test]
fn duplicate_slugs() {
    fails_keeping_output(
        |s| {
            s.write(
                "content/blog/other.md",
                &post("Other", "slug = \"good\"", "Body"),
            )
        },
        &[
            "content/blog/other.md",
            "content/blog/good.md",
            "also published at /blog/good/",
        ],
    );
}

#[test]
fn an_alias_over_a_real_page() {
    fails_keeping_output(
        |s| {
            s.write(
                "content/blog/other.md",
                &post("Other", "aliases = [\"/blog/good/\"]", "Body"),
            )
        },
        &["content/blog/other.md", "/blog/good/"],
    );
}

#[test]
fn duplicate_output_files() {
    // A post whose slug makes it `/blog/page/`, over pagination's `/blog/page/2/`? No:
    // a post slugged `rss.xml`-like clashes are prevented by slugify, so clash a
    // section page with an alias written as a file instead.
    fails_keeping_output(
        |s| {
            s.write(
                "content/blog/other.md",
                &post("Other", "aliases = [\"/rss.xml\"]", "Body"),
            )
        },
        &["rss.xml"],
    );
}

#[test]
fn missing_post_link_and_anchor() {
    fails_keeping_output(
        |s| {
            s.write(
                "content/blog/links.md",
                &post("Links", "", "Line one.\n\nSee [gone](@/blog/nope.md) and [anchor](@/blog/good.md#heading-too).\n"),
            )
        },
        &[
            "content/blog/links.md:8:5",
            "@/blog/nope.md",
            "content/blog/links.md:8:32",
            "did you mean `#heading-one`?",
        ],
    );
}

#[test]
fn missing_template() {
    fails_keeping_output(
        |s| {
            s.write(
                "content/blog/t.md",
                &post("Custom", "template = \"fancy.html\"", "Body"),
            )
        },
        &["content/blog/t.md:3:1", "template `fancy.html` not found"],
    );
}

#[test]
fn template_syntax_error() {
    fails_keeping_output(
        |s| {
            s.write("templates/post.html", "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title }\n{% endblock content %}\n")
        },
        &["templates/post.html:3:"],
    );
}

#[test]
fn template_render_error() {
    fails_keeping_output(
        |s| {
            s.write("templates/post.html", "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.titel }}</h1>\n{% endblock content %}\n")
        },
        &["templates/post.html:3:", "page.titel"],
    );
}

#[test]
fn template_extending_a_missing_one() {
    fails_keeping_output(
        |s| s.write("templates/post.html", "{% extends \"nothing.html\" %}\n"),
        &["nothing.html"],
    );
}

#[test]
fn non_utf8_text() {
    fails_keeping_output(
        |s| {
            s.write_bytes(
                "content/blog/latin1.md",
                b"+++\ntitle = \"Caf\xe9\"\n+++\nBody\n",
            )
        },
        &["content/blog/latin1.md:2:", "not UTF-8"],
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    fails_keeping_output(
        |s| {
            // Root may read any file whatever its mode, so use a link to nowhere.
            std::os::unix::fs::symlink(
                s.root().join("missing.md"),
                s.root().join("content/blog/gone.md"),
            )
            .unwrap();
        },
        &["content/blog/gone.md", "cannot read"],
    );
}

#[test]
fn all_errors_are_reported_together() {
    let message = fails_keeping_output(
        |s| {
            s.write(
                "content/blog/a.md",
                &post("A", "reviewd_by = \"x\"", "Body"),
            );
            s.write("content/blog/b.md", "+++\ntitle = 3\n+++\n");
            s.write("content/blog/c.md", &post("C", "", "[x](@/blog/none.md)"));
        },
        &["content/blog/a.md", "content/blog/b.md"],
    );
    assert!(
        message.contains("2 errors") || message.contains("3 errors"),
        "{message}"
    );
}

#[test]
fn missing_config_explains_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let out = crate::common::rounds()
        .args(["build", "--root", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("rounds init"), "{}", stderr(&out));
}

#[test]
fn output_inside_the_site_is_refused() {
    let site = Fixture::new(&[("content/a.md", &post("A", "", "Body"))]);
    let out = site.build(&["--output", "."]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("refusing"), "{}", stderr(&out));
    assert!(site.root().join("config.toml").exists());
}
