//! Reading one post: its front matter, its slug and URL (a date at the
//! front of its file name is its date), and the paths it names checked.

use std::path::Path;

use super::content::{is_bundle, output_path_of};
use crate::content::front_matter::{self, PostFrontMatter};
use crate::content::{Date, Post, Section};
use crate::diagnostic::Diagnostic;
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
        file.file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned()
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
    let mut problems = Vec::new();
    for alias in &front.aliases {
        if !alias.starts_with('/') || alias.contains("..") {
            problems.push(
                Diagnostic::error(
                    "content/alias",
                    format!("alias `{alias}` must be a site path starting with `/`"),
                )
                .in_file(file)
                .at_opt(
                    crate::config::line_of(split.header, "aliases")
                        .map(|p| shifted(p, split.header_line)),
                )
                .with_help("write old addresses as paths, e.g. aliases = [\"/2025/old-post/\"]"),
            );
        }
    }
    let path = format!("{}{slug}/", section.path);
    problems.extend(image_outside(&front, &path, file, &split));
    if !problems.is_empty() {
        return Err(problems);
    }
    let content_path = output_path_of(file);
    Ok(Post {
        path,
        file: file.to_path_buf(),
        date: front.date.or(name_date),
        lang: front.lang.clone().unwrap_or_else(|| section.lang.clone()),
        section: section_index,
        slug,
        content_path,
        assets: Vec::new(),
        front,
        source,
        body_offset,
    })
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

    #[test]
    fn date_prefixes_become_dates() {
        let (date, name) = split_date_prefix("2026-03-01-blood-pressure");
        assert_eq!(date.unwrap().to_string(), "2026-03-01");
        assert_eq!(name, "blood-pressure");
        assert_eq!(split_date_prefix("2026-plans"), (None, "2026-plans"));
    }
}
