//! The prose a patient reads in a post's markdown: paragraphs, list items,
//! block quotes and table rows, without code, URLs, HTML, images, footnotes
//! or list numbering. Headings are kept apart: jargon in them counts, but a
//! heading is not a sentence and is not scored.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use super::scores::{Counts, Word, sentences};
use super::syllables::Language;

/// The prose of one markdown text, with a map back to the markdown.
#[derive(Debug, Default)]
pub struct Prose {
    text: String,
    blocks: Vec<Block>,
    /// Where runs of `text` came from, in order of `text`.
    spans: Vec<Span>,
}

/// A paragraph, list item, table row or heading: it ends its sentences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Byte range in [`Prose::text`].
    pub range: Range<usize>,
    /// Headings are searched for jargon but not scored.
    pub scored: bool,
}

#[derive(Debug, Clone, Copy)]
struct Span {
    text: usize,
    len: usize,
    source: usize,
    /// The run is the source byte for byte (no escapes or entities), so an
    /// offset inside it maps to an exact column.
    exact: bool,
}

impl Prose {
    pub fn of(markdown: &str) -> Prose {
        let mut reader = Reader::default();
        // Without smart punctuation: textstat reads the apostrophes as typed.
        let options = crate::markdown::options(false);
        for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
            reader.read(event, range, markdown);
        }
        reader.end_block();
        reader.prose
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// Textstat's counts over the scored blocks, each ending its sentences.
    #[cfg(test)]
    pub fn counts(&self) -> Counts {
        self.measure(Language::English).0
    }

    /// [`Prose::counts`], and the scored blocks' words (ranges of
    /// [`Prose::text`], in order), so that ranking sentences later does not
    /// count every syllable a second time.
    pub fn measure(&self, language: Language) -> (Counts, Vec<Word>) {
        let mut words = Vec::new();
        let counts = self
            .scored()
            .map(|b| {
                let text = &self.text[b.range.clone()];
                Counts::of_words(text, b.range.start, &mut words, language)
            })
            .fold(Counts::default(), Counts::plus);
        (counts, words)
    }

    /// The sentences of the scored blocks, as ranges of [`Prose::text`].
    pub fn sentences(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.scored().flat_map(|block| {
            let start = block.range.start;
            sentences(&self.text[block.range.clone()]).map(move |s| s.start + start..s.end + start)
        })
    }

    fn scored(&self) -> impl Iterator<Item = &Block> {
        self.blocks.iter().filter(|b| b.scored)
    }

    /// The markdown offset of a byte of [`Prose::text`].
    pub fn source_offset(&self, offset: usize) -> usize {
        let i = self.spans.partition_point(|s| s.text <= offset);
        let Some(span) = i.checked_sub(1).and_then(|i| self.spans.get(i)) else {
            return 0;
        };
        let within = offset - span.text;
        if span.exact && within <= span.len {
            span.source + within
        } else {
            span.source
        }
    }
}

/// Walks the markdown events, collecting prose into blocks.
#[derive(Default)]
struct Reader {
    prose: Prose,
    /// Start of the open block in `prose.text`.
    start: usize,
    heading: bool,
    /// Inside code blocks, images, HTML blocks or footnotes.
    hidden: usize,
    /// Inside `<https://…>`, whose text is the URL.
    autolink: bool,
}

impl Reader {
    fn read(&mut self, event: Event<'_>, range: Range<usize>, markdown: &str) {
        match event {
            Event::Start(tag) => self.start_tag(&tag),
            Event::End(tag) => self.end_tag(tag),
            Event::Text(text) if self.shows_text() => {
                let exact = markdown.get(range.clone()) == Some(&*text);
                self.push_without_urls(&text, range.start, exact);
            }
            Event::SoftBreak | Event::HardBreak if self.shows_text() => {
                self.prose.text.push(' ');
            }
            Event::Rule => self.end_block(),
            // Inline code, HTML, math and footnote marks are not prose.
            _ => {}
        }
    }

    fn start_tag(&mut self, tag: &Tag<'_>) {
        match tag {
            Tag::Heading { .. } => {
                self.end_block();
                self.heading = true;
            }
            Tag::CodeBlock(_)
            | Tag::Image { .. }
            | Tag::HtmlBlock
            | Tag::FootnoteDefinition(_)
            | Tag::MetadataBlock(_) => self.hidden += 1,
            Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            } => self.autolink = true,
            Tag::Paragraph
            | Tag::BlockQuote(_)
            | Tag::List(_)
            | Tag::Item
            | Tag::Table(_)
            | Tag::TableHead
            | Tag::TableRow
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => self.end_block(),
            _ => {}
        }
    }

    fn end_tag(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) => {
                self.end_block();
                self.heading = false;
            }
            TagEnd::CodeBlock
            | TagEnd::Image
            | TagEnd::HtmlBlock
            | TagEnd::FootnoteDefinition
            | TagEnd::MetadataBlock(_) => self.hidden = self.hidden.saturating_sub(1),
            TagEnd::Link => self.autolink = false,
            // Cells of a row read as one line.
            TagEnd::TableCell => self.prose.text.push(' '),
            TagEnd::Paragraph
            | TagEnd::BlockQuote(_)
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::Table
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition => self.end_block(),
            _ => {}
        }
    }

    fn shows_text(&self) -> bool {
        self.hidden == 0 && !self.autolink
    }

    /// Text with bare URLs and email addresses cut out: they are not words.
    fn push_without_urls(&mut self, text: &str, source: usize, exact: bool) {
        let mut finder = linkify::LinkFinder::new();
        finder.url_must_have_scheme(false);
        // Escapes or entities shift a run against its source: such runs map
        // to where their event starts.
        let at = |from: usize| if exact { source + from } else { source };
        let mut from = 0;
        for link in finder.links(text) {
            self.push(&text[from..link.start()], at(from), exact);
            from = link.end();
        }
        self.push(&text[from..], at(from), exact);
    }

    fn push(&mut self, text: &str, source: usize, exact: bool) {
        if text.is_empty() {
            return;
        }
        self.prose.spans.push(Span {
            text: self.prose.text.len(),
            len: text.len(),
            source,
            exact,
        });
        self.prose.text.push_str(text);
    }

    /// Closes the open block, if it holds any text.
    fn end_block(&mut self) {
        let end = self.prose.text.len();
        if self.prose.text[self.start..].trim().is_empty() {
            self.prose.text.truncate(self.start);
        } else {
            self.prose.blocks.push(Block {
                range: self.start..end,
                scored: !self.heading,
            });
            self.prose.text.push('\n');
        }
        self.start = self.prose.text.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(markdown: &str) -> Vec<(String, bool)> {
        let prose = Prose::of(markdown);
        prose
            .blocks()
            .iter()
            .map(|b| (prose.text()[b.range.clone()].to_string(), b.scored))
            .collect()
    }

    #[test]
    fn headings_code_urls_and_numbers_are_not_prose() {
        let markdown = "## Eat less salt\n\n\
1. Read the `sodium` label at https://www.fda.gov/salt today.\n\
2. Cook at home.\n\n\
```\nlet salt = 0;\n```\n\n\
<div class=\"note\">Raw HTML</div>\n\n\
![A salt shaker](salt.png) Ask <help@clinic.example> or see <https://heart.example/>.\n\n\
| Food | Salt |\n|---|---|\n| Bread | High |\n";
        assert_eq!(
            blocks(markdown),
            [
                ("Eat less salt".into(), false),
                ("Read the  label at  today.".into(), true),
                ("Cook at home.".into(), true),
                (" Ask  or see .".into(), true),
                ("Food Salt ".into(), true),
                ("Bread High ".into(), true),
            ]
        );
    }

    #[test]
    fn offsets_map_back_to_the_markdown() {
        let markdown = "Intro line.\n\n- A *renal* diet\n  with less salt.\n";
        let prose = Prose::of(markdown);
        let at = prose.text().find("renal").unwrap();
        assert_eq!(&markdown[prose.source_offset(at)..][..5], "renal");
        let at = prose.text().find("with").unwrap();
        assert_eq!(&markdown[prose.source_offset(at)..][..4], "with");
    }

    #[test]
    fn each_block_ends_its_sentences() {
        let prose = Prose::of("Walk each day with a friend\n\nEat more fruit and greens\n");
        assert_eq!(prose.counts().sentences, 2);
        assert_eq!(prose.counts().words, 11);
    }
}
