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
    let mut found: Vec<Diagnostic> = image_alt(post).into_iter().collect();
    let body = &post.source[post.body_offset..];
    let mut walk = Walk::new(post);
    for (event, range) in Parser::new_ext(body, crate::markdown::options(false)).into_offset_iter()
    {
        found.extend(walk.step(event, range.start));
    }
    found
}

/// The post's own image (front matter `image`) is described in `image_alt`.
fn image_alt(post: &Post) -> Option<Diagnostic> {
    let front = &post.front;
    let undescribed = front
        .image_alt
        .as_deref()
        .is_none_or(|a| a.trim().is_empty());
    (front.image.is_some() && undescribed).then(|| {
        at_key(post, IMAGE_ALT, "image", "the post's image has no `image_alt`".into())
            .with_help("describe the picture for people who cannot see it, e.g. image_alt = \"A nurse checks a man's blood pressure\"")
    })
}

/// A walk through a post's body, event by event: what it remembers of the
/// headings, images and links it is in or has passed.
struct Walk<'a> {
    post: &'a Post,
    index: LineIndex,
    /// The level of the last heading.
    last_level: Option<u8>,
    /// The open link: where it starts (in the body) and its text so far.
    link: Option<(usize, String)>,
    /// The open image: where it starts and its alt text so far.
    image: Option<(usize, String)>,
}

impl<'a> Walk<'a> {
    fn new(post: &'a Post) -> Walk<'a> {
        Walk {
            post,
            index: LineIndex::new(&post.source),
            last_level: None,
            link: None,
            image: None,
        }
    }

    /// One markdown event starting at `start` in the body, and the problem it closes, if any.
    fn step(&mut self, event: Event, start: usize) -> Option<Diagnostic> {
        match event {
            Event::Start(Tag::Heading { level, .. }) => self.heading(heading_number(level), start),
            Event::Start(Tag::Image { .. }) => {
                self.image = Some((start, String::new()));
                None
            }
            Event::End(TagEnd::Image) => self.image_end(),
            Event::Start(Tag::Link { .. }) => {
                self.link = Some((start, String::new()));
                None
            }
            Event::End(TagEnd::Link) => self.link_end(),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, alt)) = self.image.as_mut() {
                    alt.push_str(&t);
                } else if let Some((_, text)) = self.link.as_mut() {
                    text.push_str(&t);
                }
                None
            }
            _ => None,
        }
    }

    fn at(&self, offset: usize, rule: &'static str, message: String) -> Diagnostic {
        let post = self.post;
        Diagnostic::error(rule, message)
            .in_file(&post.file)
            .at(self.index.position(&post.source, post.body_offset + offset))
    }

    /// A heading may go down only one level at a time.
    fn heading(&mut self, n: u8, start: usize) -> Option<Diagnostic> {
        // Posts start below the page's own h1 (the title).
        let previous = self.last_level.unwrap_or(1);
        self.last_level = Some(n);
        (n > previous + 1).then(|| {
            self.at(
                start,
                HEADING_ORDER,
                format!("an h{n} after an h{previous} skips a level"),
            )
            .with_help(format!(
                "use {} for this heading",
                "#".repeat(usize::from(previous) + 1)
            ))
        })
    }

    /// An image has alt text.
    fn image_end(&mut self) -> Option<Diagnostic> {
        let (start, alt) = self.image.take()?;
        // An image inside a link is that link's text.
        if let Some((_, text)) = self.link.as_mut() {
            text.push_str(&alt);
        }
        alt.trim().is_empty().then(|| {
            self.at(start, ALT_TEXT, "this image has no alt text".into())
                .with_help("write what the image shows between the brackets: ![A nurse takes a pulse](pulse.jpg)")
        })
    }

    /// A link's text says where it goes.
    fn link_end(&mut self) -> Option<Diagnostic> {
        let (start, text) = self.link.take()?;
        let text = text.trim().to_lowercase();
        let vague =
            text.is_empty() || VAGUE.contains(&text.trim_end_matches(['.', '!', ':']).trim());
        vague.then(|| {
            self.at(
                start,
                LINK_TEXT,
                format!("link text \"{text}\" does not say where the link goes"),
            )
            .with_help("name the destination, e.g. [our guide to home blood pressure checks](…)")
        })
    }
}

fn heading_number(level: HeadingLevel) -> u8 {
    level as u8
}
