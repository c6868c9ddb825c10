//! Where a key is written in a document's text, so that a problem with it, or
//! with its value, is reported at the key's own line: in its table, in a
//! dotted key (`social.teaser = …`, `bluesky.handle = …` under
//! `[networks]`), in an inline table (`poll = { questoin = … }`), or as a
//! table of its own (`[bogus]`).

use super::Format;
use crate::diagnostic::{Position, position_of};

/// Finds where `key` is written under the tables `parents`.
pub(super) fn find_key(
    format: Format,
    text: &str,
    parents: &[&str],
    key: &str,
) -> Option<Position> {
    key_offset(format, text, parents, key).map(|offset| position_of(text, offset))
}

/// Where the value of `key` under `parents` starts, and its text to the end
/// of its line (without a comment): `2027-01-01` of `consent = 2027-01-01`.
pub(super) fn find_value<'t>(
    format: Format,
    text: &'t str,
    parents: &[&str],
    key: &str,
) -> Option<(usize, &'t str)> {
    let at = key_offset(format, text, parents, key)?;
    let line = text[at..].split('\n').next().unwrap_or("");
    let sign = match format {
        Format::Toml => '=',
        Format::Yaml => ':',
    };
    let after = line.find(sign)? + 1;
    let rest = &line[after..];
    let value = rest.split(" #").next().unwrap_or("").trim_end();
    let lead = value.len() - value.trim_start().len();
    Some((at + after + lead, value.trim_start()))
}

fn key_offset(format: Format, text: &str, parents: &[&str], key: &str) -> Option<usize> {
    match format {
        Format::Toml => toml_key(text, parents, key),
        Format::Yaml => yaml_key(text, parents, key),
    }
}

/// The byte offset of `key` under `parents` in a TOML document: exactly
/// there if it can be told, else the first place it is written.
fn toml_key(text: &str, parents: &[&str], key: &str) -> Option<usize> {
    let target: Vec<&str> = parents.iter().copied().chain([key]).collect();
    let mut table: Vec<String> = Vec::new();
    let mut inside = None;
    let mut anywhere = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let lead = line.len() - line.trim_start().len();
        let bare = line.trim_start();
        let start = offset;
        offset += line.len();
        if bare.starts_with('[') {
            let open = bare.len() - bare.trim_start_matches('[').len();
            let name = bare[open..].split(']').next().unwrap_or("");
            table = segments(name);
            let name_at = start + lead + open + (name.len() - name.trim_start().len());
            if same(&table, &target) {
                return Some(name_at);
            }
            if table.len() > target.len() && same(&table[..target.len()], &target) {
                // `[bogus.inner]`: the unknown table is the first part.
                anywhere.get_or_insert(name_at);
            }
            continue;
        }
        if let Some((written, key_at)) = key_of(bare) {
            let full: Vec<String> = table.iter().cloned().chain(written).collect();
            if same(&full, &target) {
                return Some(start + lead + key_at);
            }
        }
        // Inside an inline table: `poll = { questoin = "…" }`.
        if let Some(i) = inline_key(bare, key) {
            if table.len() <= parents.len() && same(&table, &parents[..table.len()]) {
                inside.get_or_insert(start + lead + i);
            }
            anywhere.get_or_insert(start + lead + i);
        }
    }
    inside.or(anywhere)
}

/// The key a `key = value` line sets, as its parts, and where its last part
/// starts in the line.
fn key_of(line: &str) -> Option<(Vec<String>, usize)> {
    let (written, _) = line.split_once('=')?;
    if written.trim().is_empty() || written.contains(['{', '[', '#']) {
        return None;
    }
    let parts = segments(written);
    let last = parts.last()?;
    let at = written
        .rfind(last.as_str())
        .map(|i| match written[..i].ends_with(['"', '\'']) {
            true => i - 1,
            false => i,
        })?;
    Some((parts, at))
}

/// `a . "b c".d` as `["a", "b c", "d"]`.
fn segments(name: &str) -> Vec<String> {
    name.split('.')
        .map(|part| part.trim().trim_matches(['"', '\'']).to_string())
        .filter(|part| !part.is_empty())
        .collect()
}

fn same(written: &[String], wanted: &[&str]) -> bool {
    written.len() == wanted.len() && written.iter().zip(wanted).all(|(a, b)| a == b)
}

/// Where `key = ` is written after the start of a line, as in an inline table.
fn inline_key(line: &str, key: &str) -> Option<usize> {
    [format!("{key} ="), format!("{key}=")]
        .iter()
        .filter_map(|pattern| line.find(pattern.as_str()))
        .find(|&i| i > 0 && matches!(line.as_bytes()[i - 1], b' ' | b'{' | b','))
}

/// The byte offset of `key` under `parents` in a YAML document.
fn yaml_key(text: &str, parents: &[&str], key: &str) -> Option<usize> {
    let mut inside_parent = parents.is_empty();
    let mut fallback = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_start().trim_start_matches("- ").trim_start();
        let lead = line.len() - bare.len();
        if parents.last().is_some_and(|p| yaml_key_at(bare, p)) {
            inside_parent = true;
        }
        if yaml_key_at(bare, key) {
            if inside_parent {
                return Some(offset + lead);
            }
            fallback.get_or_insert(offset + lead);
        }
        offset += line.len();
    }
    fallback
}

fn yaml_key_at(line: &str, key: &str) -> bool {
    let rest = line
        .strip_prefix(key)
        .or_else(|| line.strip_prefix(&format!("\"{key}\"")))
        .or_else(|| line.strip_prefix(&format!("'{key}'")));
    rest.is_some_and(|rest| rest.trim_start().starts_with(':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, parents: &[&str], key: &str) -> Option<(usize, usize)> {
        find_key(Format::Toml, text, parents, key).map(|p| (p.line, p.column))
    }

    #[test]
    fn a_key_is_found_in_its_own_table() {
        let text = "account = \"top\"\n[networks.mastodon]\naccount = \"a\"\n[networks.bluesky]\ninstance = \"i\"\n  handle = \"h\"\n";
        assert_eq!(at(text, &["networks", "bluesky"], "handle"), Some((6, 3)));
        assert_eq!(at(text, &["networks", "mastodon"], "account"), Some((3, 1)));
        assert_eq!(at(text, &[], "account"), Some((1, 1)));
    }

    #[test]
    fn a_dotted_key_is_found_from_its_table() {
        let text = "title = \"t\"\n[networks]\nbluesky.handle = \"h\"\n";
        assert_eq!(at(text, &["networks", "bluesky"], "handle"), Some((3, 9)));
        let text = "social.teasr = \"x\"\n";
        assert_eq!(at(text, &["social"], "teasr"), Some((1, 8)));
        let text = "[social]\n\"utm\" = 1\n";
        assert_eq!(at(text, &["social"], "utm"), Some((2, 1)));
    }

    #[test]
    fn a_table_is_found_at_its_header() {
        let text = "title = \"t\"\n\n[bogus]\nthing = 1\n";
        assert_eq!(at(text, &[], "bogus"), Some((3, 2)));
        let text = "title = \"t\"\n[[ social.polls ]]\nquestion = \"q\"\n";
        assert_eq!(at(text, &["social"], "polls"), Some((2, 4)));
        let text = "[bogus.inner]\nthing = 1\n";
        assert_eq!(at(text, &[], "bogus"), Some((1, 2)));
    }

    #[test]
    fn an_inline_key_is_found_in_its_line() {
        let text = "[social]\nrecommend = { text = \"t\", evry_days = 3 }\n";
        assert_eq!(
            at(text, &["social", "recommend"], "evry_days"),
            Some((2, 27))
        );
    }

    #[test]
    fn yaml_keys_are_found_under_their_parent() {
        let text = "title: x\nquestion: top\nsocial:\n  question: a\n";
        let found = find_key(Format::Yaml, text, &["social"], "question").unwrap();
        assert_eq!((found.line, found.column), (4, 3));
    }
}
