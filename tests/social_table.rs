//! `rounds social`'s table: it fits 100 columns in a pipe, its footer counts
//! the items with notes, and `--text` shows each poll's options.

use std::path::Path;

use crate::common::{rounds, stderr};

fn social(args: &[&str]) -> (String, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
    let out = rounds()
        .env("SOURCE_DATE_EPOCH", "1793491200")
        .arg("social")
        .args(args)
        .arg("--root")
        .arg(&root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    (String::from_utf8(out.stdout).unwrap(), err)
}

#[test]
fn the_table_fits_a_hundred_columns_when_piped() {
    let (table, _) = social(&[]);
    assert!(table.lines().count() > 20, "{table}");
    for line in table.lines() {
        let width = unicode_width::UnicodeWidthStr::width(line);
        assert!(width <= 100, "{width} columns: {line}");
    }
    // Grouped under each post: its id once, not on every row.
    let heading = table.lines().next().unwrap();
    assert!(heading.starts_with("blog/"), "{heading}");
    assert!(table.lines().any(|l| l.starts_with("  teaser ")), "{table}");
}

#[test]
fn the_footer_counts_the_items_with_notes() {
    let long =
        "Your heart works hard every day, and small habits help it more than you might think. "
            .repeat(5);
    let fixture = crate::common::Fixture::new(&[(
        "content/blog/long.md",
        &crate::common::post(
            "Long teaser",
            &format!(
                "date = 2026-01-01\nreviewed_by = \"patel\"\nlast_reviewed = 2026-10-01\n[social]\nteaser = \"{}\"",
                long.trim()
            ),
            "Body.",
        ),
    )]);
    let config = format!(
        "{}\n[networks.x]\naccount = \"@clinic\"\n[networks.mastodon]\naccount = \"@clinic@med.example\"\n",
        crate::common::CONFIG
    );
    fixture.write("config.toml", &config);
    let out = rounds()
        .env("SOURCE_DATE_EPOCH", "1793491200")
        .args(["social", "--root"])
        .arg(fixture.root())
        .output()
        .unwrap();
    let (table, footer) = (String::from_utf8_lossy(&out.stdout), stderr(&out));
    let noted: Vec<&str> = table
        .lines()
        .filter(|l| l.contains("text shortened to fit"))
        .collect();
    assert_eq!(
        noted.len(),
        1,
        "X's item is shortened, Mastodon's is not:\n{table}"
    );
    assert!(
        footer.contains("2 items from 1 post, 1 item with notes"),
        "{footer}"
    );
}

#[test]
fn text_shows_each_polls_options() {
    let (text, _) = social(&["--text", "--network", "mastodon"]);
    let poll = text
        .find("poll (")
        .unwrap_or_else(|| panic!("a poll is listed:\n{text}"));
    let after = &text[poll..];
    assert!(
        after.contains("  1. ") && after.contains("  2. "),
        "{after}"
    );
    // Links are never broken over two lines.
    for line in text.lines().filter(|l| l.contains("https://")) {
        assert!(
            line.trim_start().starts_with("https://") || line.contains(" https://"),
            "{line}"
        );
        assert!(!line.trim_end().ends_with('?'), "{line}");
    }
}
