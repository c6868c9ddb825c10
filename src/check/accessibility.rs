//! Accessibility in the markdown itself: images need alt text, headings do
//! not skip levels, and link text says where it goes.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use super::at_key;
use crate::content::Post;
use crate::diagnostic::{Diagnostic, LineIndex};

pub const ALT_TEXT: &str = "a11y/alt-text";
pub const HEADING_ORDER: &str = "a11y/heading-order";
pub const LINK_TEXT: &str = "a11y/link-text";
pub const IMAGE_ALT: &str = "a11y/image-alt";

const VAGUE: &[&str] = &[
    "click here",
    "here",
    "read more",
    "more",
    "link",
    "this link",
    "click",
    "this",
];

pub fn check(post: &Post) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    if post.front.image.is_some()
        && post
            .front
            .image_alt
            .as_deref()
            .is_none_or(|a| a.trim().is_empty())
    {
        found.push(
            at_key(post, IMAGE_ALT, "image", "the post's image has no `image_alt`".into())
                .with_help("describe the picture for people who cannot see it, e.g. image_alt = \"A nurse checks a man's blood pressure\""),
        );
    }
    let body = &post.source[post.body_offset..];
    let index = LineIndex::new(&post.source);
    let at = |offset: usize, rule: &'static str, message: String| {
        Diagnostic::error(rule, message)
            .in_file(&post.file)
            .at(index.position(&post.source, post.body_offset + offset))
    };
    let mut last_level: Option<u8> = None;
    let mut link: Option<(usize, String)> = None;
    let mut image: Option<(usize, String)> = None;
    for (event, range) in Parser::new_ext(body, crate::markdown::options(false)).into_offset_iter()
    {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let n = heading_number(level);
                // Posts start below the page's own h1 (the title).
                let previous = last_level.unwrap_or(1);
                if n > previous + 1 {
                    found.push(
                        at(
                            range.start,
                            HEADING_ORDER,
                            format!("an h{n} after an h{previous} skips a level"),
                        )
                        .with_help(format!(
                            "use {} for this heading",
                            "#".repeat(usize::from(previous) + 1)
                        )),
                    );
                }
                last_level = Some(n);
            }
            Event::Start(Tag::Image { .. }) => image = Some((range.start, String::new())),
            Event::End(TagEnd::Image) => {
                if let Some((start, alt)) = image.take() {
                    // An image inside a link is that link's text.
                    if let Some((_, text)) = link.as_mut() {
                        text.push_str(&alt);
                    }
                    if alt.trim().is_empty() {
                        found.push(
                            at(start, ALT_TEXT, "this image has no alt text".into())
                                .with_help("write what the image shows between the brackets: ![A nurse takes a pulse](pulse.jpg)"),
                        );
                    }
                }
            }
            Event::Start(Tag::Link { .. }) => link = Some((range.start, String::new())),
            Event::End(TagEnd::Link) => {
                if let Some((start, text)) = link.take() {
                    let text = text.trim().to_lowercase();
                    if text.is_empty()
                        || VAGUE.contains(&text.trim_end_matches(['.', '!', ':']).trim())
                    {
                        found.push(
                            at(start, LINK_TEXT, format!("link text \"{text}\" does not say where the link goes"))
                                .with_help("name the destination, e.g. [our guide to home blood pressure checks](…)"),
                        );
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, alt)) = image.as_mut() {
                    alt.push_str(&t);
                } else if let Some((_, text)) = link.as_mut() {
                    text.push_str(&t);
                }
            }
            _ => {}
        }
    }
    found
}

fn heading_number(level: HeadingLevel) -> u8 {
    level as u8
}
