//! Render: markdown to HTML, with the extras a clinic's posts need.
//!
//! One pass over pulldown-cmark's events adds heading ids and anchors, GitHub
//! alerts as callouts, highlighted code, lazy images with their sizes, and
//! resolves `@/section/post.md` links. It also collects the table of contents,
//! the summary and the word count, so nothing is parsed twice.

pub mod highlight;

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use pulldown_cmark_escape::{escape_href, escape_html};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, LineIndex};

/// Marks the end of a post's summary.
pub const MORE: &str = "<!-- more -->";
const WORDS_PER_MINUTE: usize = 200;

/// What rendering needs to know about the rest of the site.
pub struct Links<'a> {
    /// `blog/bp.md` → its permalink.
    pub permalinks: &'a HashMap<String, String>,
}

/// Where a post sits, for error positions and co-located images.
pub struct Source<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    pub body_offset: usize,
    /// Folder holding the post's files, relative to the site root.
    pub dir: PathBuf,
    pub root: &'a Path,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<Heading>,
}

/// An `@/post.md#anchor` link, checked once every post has been rendered.
#[derive(Debug, Clone)]
pub struct AnchorLink {
    pub target: String,
    pub anchor: String,
    pub offset: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub summary: Option<String>,
    pub toc: Vec<Heading>,
    pub heading_ids: Vec<String>,
    pub word_count: usize,
    pub reading_minutes: usize,
    pub anchor_links: Vec<AnchorLink>,
}

pub fn options(smart_punctuation: bool) -> Options {
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM;
    if smart_punctuation {
        options |= Options::ENABLE_SMART_PUNCTUATION;
    }
    options
}

/// Renders a post's markdown body.
pub fn render(source: &Source, links: &Links, options: Options) -> (Rendered, Vec<Diagnostic>) {
    let body = &source.text[source.body_offset..];
    let mut renderer = Renderer {
        source,
        links,
        out: Vec::new(),
        problems: Vec::new(),
        ids: HashMap::new(),
        headings: Vec::new(),
        words: 0,
        tables: 0,
        depth: 0,
        first_paragraph: None,
        paragraph_start: None,
        more_at: None,
        anchor_links: Vec::new(),
        line_index: None,
    };
    let mut events = Parser::new_ext(body, options).into_offset_iter();
    while let Some((event, range)) = events.next() {
        renderer.event(event, range, &mut events);
    }
    let Renderer {
        out,
        problems,
        headings,
        words,
        first_paragraph,
        more_at,
        anchor_links,
        ..
    } = renderer;
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.iter().cloned());
    let summary_events = match (more_at, first_paragraph) {
        (Some(end), _) => Some(&out[..end]),
        (None, Some(range)) => Some(&out[range]),
        _ => None,
    };
    let summary = summary_events.map(|events| {
        let mut summary = String::new();
        pulldown_cmark::html::push_html(&mut summary, events.iter().cloned());
        summary
    });
    let heading_ids = headings.iter().map(|h| h.id.clone()).collect();
    let rendered = Rendered {
        html,
        summary,
        toc: nest(headings),
        heading_ids,
        word_count: words,
        reading_minutes: words.div_ceil(WORDS_PER_MINUTE).max(1),
        anchor_links,
    };
    (rendered, problems)
}

struct Renderer<'s, 'l> {
    source: &'s Source<'s>,
    links: &'l Links<'l>,
    out: Vec<Event<'s>>,
    problems: Vec<Diagnostic>,
    ids: HashMap<String, usize>,
    headings: Vec<Heading>,
    words: usize,
    /// Tables so far, so each one's scroll box has a name of its own.
    tables: usize,
    /// Nesting of block containers, so "first paragraph" means a top-level one.
    depth: usize,
    first_paragraph: Option<Range<usize>>,
    paragraph_start: Option<usize>,
    more_at: Option<usize>,
    anchor_links: Vec<AnchorLink>,
    line_index: Option<LineIndex>,
}

type Events<'s> = pulldown_cmark::OffsetIter<'s, pulldown_cmark::DefaultBrokenLinkCallback>;

impl<'s> Renderer<'s, '_> {
    fn event(&mut self, event: Event<'s>, range: Range<usize>, events: &mut Events<'s>) {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                self.heading(level, id, classes, attrs, events);
            }
            Event::Start(Tag::CodeBlock(kind)) => self.code_block(kind, events),
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => self.image(dest_url, title, range, events),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.resolve(dest_url, range);
                self.out.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                self.depth += 1;
                let (class, label) = alert(kind);
                self.out.push(Event::Html(
                    format!("<div class=\"alert alert-{class}\" role=\"note\">\n<p class=\"alert-title\">{label}</p>\n").into(),
                ));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                self.depth -= 1;
                self.out.push(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::Table(alignments)) => self.table_start(alignments),
            Event::End(TagEnd::Table) => self.table_end(),
            Event::Start(Tag::Paragraph) => {
                if self.depth == 0 && self.first_paragraph.is_none() {
                    self.paragraph_start = Some(self.out.len());
                }
                self.out.push(Event::Start(Tag::Paragraph));
            }
            Event::End(TagEnd::Paragraph) => {
                self.out.push(Event::End(TagEnd::Paragraph));
                if let Some(start) = self.paragraph_start.take() {
                    self.first_paragraph = Some(start..self.out.len());
                }
            }
            Event::Start(tag) => {
                if is_container(&tag) {
                    self.depth += 1;
                }
                self.out.push(Event::Start(tag));
            }
            Event::End(tag) => {
                if is_container_end(&tag) {
                    self.depth = self.depth.saturating_sub(1);
                }
                self.out.push(Event::End(tag));
            }
            Event::Html(html) if html.trim() == MORE && self.depth == 0 => {
                // The marker is an HTML block of its own; cut before that block opens.
                let open_block = matches!(self.out.last(), Some(Event::Start(Tag::HtmlBlock)));
                self.more_at
                    .get_or_insert(self.out.len() - usize::from(open_block));
            }
            Event::Text(text) => {
                self.words += text.split_whitespace().count();
                self.out.push(Event::Text(text));
            }
            other => self.out.push(other),
        }
    }

    fn heading(
        &mut self,
        level: HeadingLevel,
        id: Option<CowStr<'s>>,
        classes: Vec<CowStr<'s>>,
        attrs: Vec<(CowStr<'s>, Option<CowStr<'s>>)>,
        events: &mut Events<'s>,
    ) {
        let mut inner = Vec::new();
        let mut title = String::new();
        for (event, range) in events.by_ref() {
            match event {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Text(ref t) | Event::Code(ref t) => {
                    title.push_str(t);
                    self.words += t.split_whitespace().count();
                    inner.push(event);
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title: t,
                    id,
                }) => {
                    let dest_url = self.resolve(dest_url, range);
                    inner.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title: t,
                        id,
                    }));
                }
                other => inner.push(other),
            }
        }
        let id = self.unique_id(id.map_or_else(|| slug::slugify(&title), |id| id.to_string()));
        let n = level as u8;
        let mut open = format!("<h{n} id=\"");
        escape_html(&mut open, &id).ok();
        open.push('"');
        if !classes.is_empty() {
            open.push_str(" class=\"");
            escape_html(&mut open, &classes.join(" ")).ok();
            open.push('"');
        }
        for (key, value) in &attrs {
            open.push(' ');
            escape_html(&mut open, key).ok();
            if let Some(value) = value {
                open.push_str("=\"");
                escape_html(&mut open, value).ok();
                open.push('"');
            }
        }
        open.push('>');
        self.out.push(Event::Html(open.into()));
        self.out.extend(inner);
        let mut close = String::from(" <a class=\"anchor\" href=\"#");
        escape_href(&mut close, &id).ok();
        close.push_str("\" aria-label=\"Link to this section: ");
        escape_html(&mut close, &title).ok();
        close.push_str(&format!("\">#</a></h{n}>\n"));
        self.out.push(Event::Html(close.into()));
        self.headings.push(Heading {
            level: n,
            id,
            title,
            children: Vec::new(),
        });
    }

    fn unique_id(&mut self, base: String) -> String {
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        let count = self.ids.entry(base.clone()).or_insert(0);
        *count += 1;
        if *count == 1 {
            base
        } else {
            format!("{base}-{}", *count - 1)
        }
    }

    fn code_block(&mut self, kind: CodeBlockKind<'s>, events: &mut Events<'s>) {
        let mut code = String::new();
        for (event, _) in events.by_ref() {
            match event {
                Event::End(TagEnd::CodeBlock) => break,
                Event::Text(text) => code.push_str(&text),
                _ => {}
            }
        }
        let lang = match &kind {
            CodeBlockKind::Fenced(info) => info
                .split([' ', ',', '{'])
                .next()
                .unwrap_or("")
                .trim()
                .to_string(),
            CodeBlockKind::Indented => String::new(),
        };
        let mut html = String::from("<pre class=\"code\"");
        if !lang.is_empty() {
            html.push_str(" data-lang=\"");
            escape_html(&mut html, &lang).ok();
            html.push('"');
        }
        html.push_str(" tabindex=\"0\"><code");
        if !lang.is_empty() {
            html.push_str(" class=\"language-");
            escape_html(&mut html, &lang).ok();
            html.push('"');
        }
        html.push('>');
        match (!lang.is_empty())
            .then(|| highlight::highlight(&code, &lang))
            .flatten()
        {
            Some(highlighted) => html.push_str(&highlighted),
            None => {
                escape_html(&mut html, &code).ok();
            }
        }
        html.push_str("</code></pre>\n");
        self.out.push(Event::Html(html.into()));
    }

    fn image(
        &mut self,
        dest: CowStr<'s>,
        title: CowStr<'s>,
        range: Range<usize>,
        events: &mut Events<'s>,
    ) {
        let mut alt = String::new();
        let mut depth = 0;
        for (event, _) in events.by_ref() {
            match event {
                Event::Start(Tag::Image { .. }) => depth += 1,
                Event::End(TagEnd::Image) if depth == 0 => break,
                Event::End(TagEnd::Image) => depth -= 1,
                Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                _ => {}
            }
        }
        let size = self.image_size(&dest);
        let src = self.resolve(dest, range);
        let mut html = String::from("<img src=\"");
        escape_href(&mut html, &src).ok();
        html.push_str("\" alt=\"");
        escape_html(&mut html, &alt).ok();
        html.push('"');
        if !title.is_empty() {
            html.push_str(" title=\"");
            escape_html(&mut html, &title).ok();
            html.push('"');
        }
        if let Some((w, h)) = size {
            html.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
        }
        html.push_str(" loading=\"lazy\" decoding=\"async\">");
        self.out.push(Event::Html(html.into()));
    }

    /// A wide table scrolls inside its own box, not the phone's page; the
    /// box can take focus, so keyboard users can scroll it too, and each
    /// has a name of its own.
    fn table_start(&mut self, alignments: Vec<pulldown_cmark::Alignment>) {
        self.depth += 1;
        self.tables += 1;
        self.out.push(Event::Html(
            format!("<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Table {} (scrolls sideways on small screens)\">\n", self.tables).into(),
        ));
        self.out.push(Event::Start(Tag::Table(alignments)));
    }

    fn table_end(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        self.out.push(Event::End(TagEnd::Table));
        self.out.push(Event::Html("</div>\n".into()));
    }

    /// Reads the size of a local image, so the page does not jump as it loads.
    fn image_size(&self, dest: &str) -> Option<(u64, u64)> {
        if dest.contains("://") || dest.starts_with("@/") || dest.starts_with("data:") {
            return None;
        }
        let path = match dest.strip_prefix('/') {
            Some(site_path) => self.source.root.join("static").join(site_path),
            None => self.source.root.join(&self.source.dir).join(dest),
        };
        // Only the site's own files are read, even for their size.
        if !crate::site_path::readable(self.source.root, &path) {
            return None;
        }
        image_dimensions(&path)
    }

    /// Turns `@/blog/bp.md#x` into the post's URL, reporting missing targets.
    fn resolve(&mut self, dest: CowStr<'s>, range: Range<usize>) -> CowStr<'s> {
        let Some(target) = dest.strip_prefix("@/") else {
            return dest;
        };
        let (path, anchor) = match target.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (target, None),
        };
        let offset = self.source.body_offset + range.start;
        match self.links.permalinks.get(path) {
            Some(permalink) => {
                if let Some(anchor) = anchor {
                    self.anchor_links.push(AnchorLink {
                        target: path.to_string(),
                        anchor: anchor.to_string(),
                        offset,
                    });
                    format!("{permalink}#{anchor}").into()
                } else {
                    permalink.clone().into()
                }
            }
            None => {
                let near = crate::diagnostic::suggest(
                    path,
                    self.links.permalinks.keys().map(String::as_str),
                );
                let help = match near {
                    Some(near) => format!("did you mean `@/{near}`?"),
                    None => {
                        "internal links name a file under content/, e.g. `@/blog/blood-pressure.md`"
                            .into()
                    }
                };
                let diagnostic = self.located(
                    Diagnostic::error(
                        "link/missing-post",
                        format!("link to `@/{path}`, which does not exist"),
                    ),
                    offset,
                );
                self.problems.push(diagnostic.with_help(help));
                dest
            }
        }
    }

    fn located(&mut self, diagnostic: Diagnostic, offset: usize) -> Diagnostic {
        let text = self.source.text;
        let index = self.line_index.get_or_insert_with(|| LineIndex::new(text));
        diagnostic
            .in_file(self.source.file)
            .at(index.position(text, offset))
    }
}

fn is_container(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::BlockQuote(_) | Tag::List(_) | Tag::Item | Tag::FootnoteDefinition(_) | Tag::Table(_)
    )
}

fn is_container_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::BlockQuote(_)
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::FootnoteDefinition
            | TagEnd::Table
    )
}

fn alert(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// Turns the flat list of headings into a tree for the table of contents.
fn nest(headings: Vec<Heading>) -> Vec<Heading> {
    fn insert(list: &mut Vec<Heading>, heading: Heading) {
        match list.last_mut() {
            Some(last) if heading.level > last.level => insert(&mut last.children, heading),
            _ => list.push(heading),
        }
    }
    let mut tree = Vec::new();
    for heading in headings {
        insert(&mut tree, heading);
    }
    tree
}

/// Text safe in HTML elements and in quoted attributes, for every page
/// Rounds draws (the templates' autoescape, pictures, the check report).
/// Unlike tera's default it leaves `/` alone, which would make every URL
/// in a page unreadable for no gain.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Width and height of a raster image or an SVG with explicit sizes.
pub fn image_dimensions(path: &Path) -> Option<(u64, u64)> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"))
    {
        let text = std::fs::read_to_string(path).ok()?;
        let open = &text[text.find("<svg")?..];
        let open = &open[..open.find('>')?];
        let attr = |name: &str| -> Option<u64> {
            let at = open.find(&format!(" {name}=\""))? + name.len() + 3;
            let value = &open[at..];
            let value = &value[..value.find('"')?];
            value
                .trim_end_matches("px")
                .parse::<f64>()
                .ok()
                .map(|v| v.round() as u64)
        };
        return Some((attr("width")?, attr("height")?));
    }
    let size = imagesize::size(path).ok()?;
    Some((size.width as u64, size.height as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_text(markdown: &str) -> (Rendered, Vec<Diagnostic>) {
        let mut permalinks = HashMap::new();
        permalinks.insert(
            "blog/bp.md".to_string(),
            "https://x.example/blog/bp/".to_string(),
        );
        let text = format!("+++\ntitle = \"t\"\n+++\n{markdown}");
        let source = Source {
            file: Path::new("content/blog/a.md"),
            text: &text,
            body_offset: 20,
            dir: PathBuf::from("content/blog"),
            root: Path::new("/nonexistent"),
        };
        render(
            &source,
            &Links {
                permalinks: &permalinks,
            },
            options(true),
        )
    }

    #[test]
    fn headings_get_unique_ids_anchors_and_a_toc() {
        let (r, _) =
            render_text("## What the numbers mean\n\n### Top number\n\n## What the numbers mean\n");
        assert!(
            r.html.contains("<h2 id=\"what-the-numbers-mean\">"),
            "{}",
            r.html
        );
        assert!(r.html.contains("id=\"what-the-numbers-mean-1\""));
        assert!(r.html.contains("href=\"#what-the-numbers-mean\""));
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[0].children[0].id, "top-number");
    }

    #[test]
    fn alerts_become_callouts() {
        let (r, _) = render_text("> [!WARNING]\n> Call 911 if you have chest pain.\n");
        assert!(
            r.html.contains("class=\"alert alert-warning\""),
            "{}",
            r.html
        );
        assert!(r.html.contains("Call 911"));
        assert!(!r.html.contains("<blockquote"));
    }

    #[test]
    fn internal_links_resolve_and_missing_ones_are_located() {
        let (r, problems) =
            render_text("See [this](@/blog/bp.md#top).\n\nAnd [that](@/blog/pb.md).\n");
        assert!(r.html.contains("href=\"https://x.example/blog/bp/#top\""));
        assert_eq!(r.anchor_links[0].anchor, "top");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].position.unwrap().line, 6);
        assert_eq!(
            problems[0].help.as_deref(),
            Some("did you mean `@/blog/bp.md`?")
        );
    }

    #[test]
    fn summary_is_the_more_marker_or_the_first_paragraph() {
        let (r, _) = render_text("> quote\n\nFirst *para*.\n\nSecond.\n");
        assert_eq!(r.summary.as_deref(), Some("<p>First <em>para</em>.</p>\n"));
        let (r, _) = render_text("One.\n\nTwo.\n\n<!-- more -->\n\nThree.\n");
        assert_eq!(r.summary.as_deref(), Some("<p>One.</p>\n<p>Two.</p>\n"));
    }

    #[test]
    fn code_is_highlighted_with_classes_and_images_are_lazy() {
        let (r, _) = render_text("```json\n{\"a\": 1}\n```\n\n![A cuff](cuff.png \"t\")\n");
        assert!(r.html.contains("class=\"hl-"), "{}", r.html);
        assert!(
            r.html
                .contains("<img src=\"cuff.png\" alt=\"A cuff\" title=\"t\" loading=\"lazy\"")
        );
    }

    #[test]
    fn extensions_are_on() {
        let (r, _) = render_text(
            "| a |\n|---|\n| b |\n\n~~no~~ - [x] done\n\n\"quoted\"[^1]\n\n[^1]: note\n",
        );
        assert!(r.html.contains("<table>"));
        // In a box that scrolls sideways on a phone, and that Tab reaches.
        assert!(r.html.contains("<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Table 1 (scrolls sideways on small screens)\">\n<table>"), "{}", r.html);
        assert!(r.html.contains("</table>\n</div>"), "{}", r.html);
        assert!(r.html.contains("<del>no</del>"));
        assert!(r.html.contains("\u{201c}quoted\u{201d}"));
        assert!(r.html.contains("footnote"));
        assert_eq!(r.reading_minutes, 1);
    }
}
