//! Reading one post: its front matter, its slug and URL (a date at the
//! front of its file name is its date), and the paths it names checked.

use std::path::Path;

use super::content::{is_bundle, output_path_of};
use crate::content::front_matter::{self, PostFrontMatter};
use crate::content::{Date, Post, Section};
use crate::diagnostic::{Diagnostic, Position};
use crate::source::read_text;

/// Reads the post in `file`, in section `section_index`.
pub(super) fn read(
    root: &Path,
    file: &Path,
    section_index: usize,
    section: &Section,
) -> Result<Post, Vec<Diagnostic>> {
    let source = read_text(root, file).map_err(|d| vec![d])?;
    let (front, split) = front_matter::parse::<PostFrontMatter>(&source, file)?;
    let body_offset = split.body_offset;
    let stem = if is_bundle(file) {
        file.parent()
            .unwrap()
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned()
    } else {
        let stem = file.file_stem().unwrap_or_default().to_string_lossy();
        // `bp.es.md` is the Spanish `bp`, at /es/…/bp/.
        let translated = stem.strip_suffix(&format!(".{}", section.tree));
        translated.unwrap_or(&stem).to_string()
    };
    let (name_date, name) = split_date_prefix(&stem);
    let slug = slug::slugify(front.slug.as_deref().unwrap_or(name));
    if slug.is_empty() {
        return Err(vec![
            Diagnostic::error("content/slug", "this post's URL would be empty")
                .in_file(file)
                .at_opt(
                    crate::config::line_of(split.header, "slug")
                        .map(|p| shifted(p, split.header_line)),
                )
                .with_help(
                    "give it a `slug` with letters or digits, e.g. slug = \"blood-pressure\"",
                ),
        ]);
    }
    let header = &source[..body_offset.min(source.len())];
    let mut problems: Vec<Diagnostic> = slug_too_long(&slug, &front, header, file)
        .into_iter()
        .collect();
    problems.extend(
        front
            .aliases
            .iter()
            .filter_map(|a| bad_alias(a, header, file)),
    );
    let path = format!("{}{slug}/", section.path);
    problems.extend(image_outside(&front, &path, file, &split));
    if !problems.is_empty() {
        return Err(problems);
    }
    let content_path = output_path_of(file);
    let translation_key = content_path.replace(&format!(".{}.md", section.tree), ".md");
    Ok(Post {
        path,
        file: file.to_path_buf(),
        date: front.date.or(name_date),
        lang: front.lang.clone().unwrap_or_else(|| section.lang.clone()),
        tree: section.tree.clone(),
        translation_key,
        section: section_index,
        slug,
        content_path,
        assets: Vec::new(),
        front,
        source,
        body_offset,
    })
}

/// An alias that is not a site path, or has a part too long to be a
/// folder's name, at the alias itself.
fn bad_alias(alias: &str, header: &str, file: &Path) -> Option<Diagnostic> {
    let at = value_in(header, &["aliases"], alias);
    let problem = if !alias.starts_with('/') || alias.contains("..") {
        Diagnostic::error(
            "content/alias",
            format!("alias `{alias}` must be a site path starting with `/`"),
        )
        .with_help("write old addresses as paths, e.g. aliases = [\"/2025/old-post/\"]")
    } else {
        let part = too_long_part(alias)?;
        Diagnostic::error(
            SLUG_TOO_LONG,
            format!(
                "alias `{alias}` has a part of {} characters; a file name holds at most {MAX_NAME_BYTES}",
                part.len()
            ),
        )
        .with_help("shorten that part of the old address, or remove the alias")
    };
    Some(
        problem
            .in_file(file)
            .at_opt(at)
            .spanning(alias.chars().count()),
    )
}

/// A post's `image` names a file beside it or a site path; either way it
/// must stay inside the site, since `rounds publish` uploads it.
fn image_outside(
    front: &PostFrontMatter,
    post_path: &str,
    file: &Path,
    split: &front_matter::Split<'_>,
) -> Option<Diagnostic> {
    let image = front.image.as_deref()?;
    if image.contains("://") || crate::site_path::site_path(post_path, image).is_some() {
        return None;
    }
    Some(crate::site_path::outside_output(
        "image",
        image,
        file,
        crate::config::line_of(split.header, "image").map(|p| shifted(p, split.header_line)),
        "name a file beside the post (image = \"photo.jpg\") or a site path (image = \"/images/photo.jpg\")",
    ))
}

/// The rule for a URL part too long to be a file or folder name.
pub const SLUG_TOO_LONG: &str = "content/slug-too-long";

/// The most bytes one part of an output path may take: most file systems
/// hold 255 bytes per name, and the physician newsletter adds `.html` to a
/// post's slug.
pub const MAX_NAME_BYTES: usize = 250;

/// A part of a site path (`/old/<part>/`) too long to be a folder's name.
fn too_long_part(path: &str) -> Option<&str> {
    path.split('/').find(|part| part.len() > MAX_NAME_BYTES)
}

/// A slug becomes a folder of the output: one longer than a file name can
/// be would fail the build at a theme template. It is reported at `slug`,
/// or, when the file name made it, at the title, where a `slug` would go.
fn slug_too_long(
    slug: &str,
    front: &PostFrontMatter,
    header: &str,
    file: &Path,
) -> Option<Diagnostic> {
    if slug.len() <= MAX_NAME_BYTES {
        return None;
    }
    let (at, from) = match &front.slug {
        Some(written) => (value_in(header, &["slug"], written), "its `slug`"),
        None => (value_in(header, &["title"], &front.title), "its file name"),
    };
    Some(
        Diagnostic::error(
            SLUG_TOO_LONG,
            format!(
                "this post's URL part, made from {from}, is {} characters; a file name holds at most {MAX_NAME_BYTES}",
                slug.len()
            ),
        )
        .in_file(file)
        .at_opt(at)
        .with_help("give it a shorter `slug` of a few words, e.g. slug = \"blood-pressure-at-home\""),
    )
}

/// Where `value` is written as (part of) the value of the front-matter key
/// at `path` (`["social", "mentions"]`) in a post: at the value's first
/// character, inside its quotes; else at the key; `None` if neither is found.
pub fn value_position(post: &Post, path: &[&str], value: &str) -> Option<Position> {
    value_in(
        &post.source[..post.body_offset.min(post.source.len())],
        path,
        value,
    )
}

/// [`value_position`] in `header`, the start of a content file up to its body.
fn value_in(header: &str, path: &[&str], value: &str) -> Option<Position> {
    // The line that sets the key, or (in YAML) the line of its parent.
    let key = crate::config::key_line(header, path)?;
    let name = path.last()?;
    let mut line_start: usize = header
        .split_inclusive('\n')
        .take(key.line - 1)
        .map(str::len)
        .sum();
    // From there, the first line that sets the key itself.
    let key_end = loop {
        let line = header[line_start..].split_inclusive('\n').next()?;
        let lead = line.len() - line.trim_start().len();
        let rest = line.trim_start();
        if let Some(i) = rest.find(name).filter(|&i| {
            sets_key(&rest[i..]) && (i == 0 || rest[..i].ends_with(['.', ' ', '{', ',']))
        }) {
            break line_start + lead + i + name.len();
        }
        line_start += line.len();
    };
    // The value runs from the key to the next line that sets a key or opens a table.
    let mut end = header[key_end..]
        .find('\n')
        .map_or(header.len(), |i| key_end + i + 1);
    for line in header[end..].split_inclusive('\n') {
        if sets_key(line) {
            break;
        }
        end += line.len();
    }
    let found = header[key_end..end]
        .match_indices(value)
        .map(|(i, _)| key_end + i)
        .find(|&at| is_whole(header, at, value.len()))
        .map(|at| crate::diagnostic::position_of(header, at));
    Some(found.unwrap_or(key))
}

/// Whether a header line sets a key (`key =`, `key:`) or opens a table,
/// rather than carrying on a list from the line before.
fn sets_key(line: &str) -> bool {
    let line = line.trim_start();
    if let Some(table) = line.strip_prefix('[') {
        return table.starts_with(|c: char| c.is_alphabetic() || c == '[');
    }
    let name = line
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
        .map_or(line, |i| &line[..i]);
    !name.is_empty() && line[name.len()..].trim_start().starts_with(['=', ':'])
}

/// Whether `len` bytes at `at` are a whole value, not part of a longer one.
fn is_whole(text: &str, at: usize, len: usize) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[at + len..].chars().next();
    let edge = |c: Option<char>| {
        c.is_none_or(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '[' | ']' | ',' | '#'))
    };
    edge(before) && edge(after)
}

fn shifted(p: crate::diagnostic::Position, first_line: usize) -> crate::diagnostic::Position {
    crate::diagnostic::Position {
        line: p.line + first_line - 1,
        column: p.column,
    }
}

/// `2026-03-01-blood-pressure` → (2026-03-01, `blood-pressure`).
fn split_date_prefix(stem: &str) -> (Option<Date>, &str) {
    if stem.len() > 11 && stem.is_char_boundary(10) && matches!(stem.as_bytes()[10], b'-' | b'_') {
        if let Some(date) = Date::parse(&stem[..10]) {
            return (Some(date), &stem[11..]);
        }
    }
    (None, stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(header: &str, path: &[&str], value: &str) -> Option<(usize, usize)> {
        value_in(header, path, value).map(|p| (p.line, p.column))
    }

    #[test]
    fn values_are_found_inside_their_key_and_table() {
        let toml = "+++\ntitle = \"Gym\"\nauthors = [\"lee\", \"patel\"]\n[extra]\nmentions = [\"gym\"]\n[social]\nmentions = [\n  \"riverside-gym\",\n  \"gym\",\n]\n+++\n";
        assert_eq!(at(toml, &["authors"], "patel"), Some((3, 20)));
        // Not the `[extra]` one, and not inside `riverside-gym`.
        assert_eq!(at(toml, &["social", "mentions"], "gym"), Some((9, 4)));
        // A value not written as such: the key's line.
        assert_eq!(at(toml, &["authors"], "okafor"), Some((3, 1)));
        let yaml = "---\ntitle: Gym\nsocial:\n  mentions:\n    - market\n    - gym\n  ask: Why?\nphysicians:\n  tests: [lipid, gym]\n---\n";
        assert_eq!(at(yaml, &["social", "mentions"], "gym"), Some((6, 7)));
        assert_eq!(at(yaml, &["physicians", "tests"], "gym"), Some((9, 18)));
        assert_eq!(at(yaml, &["reviewed_by"], "x"), None);
        let teaser = "---\nsocial:\n  teaser: our mentions are gym\n  mentions: [gym]\n---\n";
        assert_eq!(at(teaser, &["social", "mentions"], "gym"), Some((4, 14)));
    }

    #[test]
    fn date_prefixes_become_dates() {
        let (date, name) = split_date_prefix("2026-03-01-blood-pressure");
        assert_eq!(date.unwrap().to_string(), "2026-03-01");
        assert_eq!(name, "blood-pressure");
        assert_eq!(split_date_prefix("2026-plans"), (None, "2026-plans"));
    }
}
