//! Passages in another language must say so (`lang`), or a screen reader
//! reads Spanish with English sounds (WCAG 3.1.2, Language of Parts). A
//! paragraph whose words are clearly another language than the page's, and
//! that is not wrapped in an element with `lang`, gets a warning.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use whatlang::Lang;

use crate::content::Post;
use crate::diagnostic::{Diagnostic, LineIndex};

pub const LANG: &str = "a11y/lang";

/// Fewer words than this are too few to tell a language by.
const MIN_WORDS: usize = 8;
/// How sure the detector must be before we bother the writer.
const MIN_CONFIDENCE: f64 = 0.9;

/// English's commonest function words. English prose is a quarter or more
/// of these, while a passage in another language has almost none; counting
/// them is cheap and much surer than a detector on short text, so on English
/// pages only a paragraph nearly without them is given to the detector.
const ENGLISH_FUNCTION_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "are", "as", "at", "be", "because",
    "before", "but", "by", "can", "do", "does", "for", "from", "has", "have", "he", "her", "his",
    "how", "i", "if", "in", "into", "is", "it", "its", "may", "more", "most", "my", "not", "of",
    "on", "one", "or", "our", "she", "should", "so", "some", "than", "that", "the", "their",
    "them", "they", "this", "to", "up", "us", "was", "we", "what", "when", "which", "while", "who",
    "will", "with", "would", "you", "your",
];

/// Whether `word`, in any case, is one of [`ENGLISH_FUNCTION_WORDS`]: a
/// binary search of the sorted list without allocating, since every word of
/// every paragraph asks. The list is ASCII, and no other letter lowercases
/// into one of its words, so a word that is not ASCII is not on it.
fn is_function_word(word: &str) -> bool {
    const LONGEST: usize = 8;
    if word.len() > LONGEST || !word.is_ascii() {
        return false;
    }
    let mut lower = [0u8; LONGEST];
    let lower = &mut lower[..word.len()];
    lower.copy_from_slice(word.as_bytes());
    lower.make_ascii_lowercase();
    ENGLISH_FUNCTION_WORDS
        .binary_search_by(|w| w.as_bytes().cmp(lower))
        .is_ok()
}

/// The share of a paragraph's words that are English function words.
fn english_share(text: &str) -> f64 {
    let (mut words, mut function) = (0usize, 0usize);
    for word in text.split(|c: char| !c.is_alphabetic() && c != '\'') {
        if word.is_empty() {
            continue;
        }
        words += 1;
        if is_function_word(word) {
            function += 1;
        }
    }
    if words == 0 {
        0.0
    } else {
        function as f64 / words as f64
    }
}

/// Languages a clinic's site is likely to be written in: (BCP 47, detector's).
const LANGUAGES: &[(&str, Lang)] = &[
    ("en", Lang::Eng),
    ("es", Lang::Spa),
    ("fr", Lang::Fra),
    ("de", Lang::Deu),
    ("pt", Lang::Por),
    ("it", Lang::Ita),
    ("nl", Lang::Nld),
    ("pl", Lang::Pol),
    ("ru", Lang::Rus),
    ("uk", Lang::Ukr),
    ("zh", Lang::Cmn),
    ("ja", Lang::Jpn),
    ("ko", Lang::Kor),
    ("vi", Lang::Vie),
    ("ar", Lang::Ara),
    ("hi", Lang::Hin),
    ("tl", Lang::Tgl),
    ("tr", Lang::Tur),
];

fn code_of(lang: Lang) -> Option<&'static str> {
    LANGUAGES.iter().find(|(_, l)| *l == lang).map(|(c, _)| *c)
}

fn lang_of(code: &str) -> Option<Lang> {
    let primary = code.split(['-', '_']).next().unwrap_or(code);
    LANGUAGES
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(primary))
        .map(|(_, l)| *l)
}

pub fn check(post: &Post) -> Vec<Diagnostic> {
    // A page in a language we cannot tell apart is not judged.
    let Some(page) = lang_of(&post.lang) else {
        return Vec::new();
    };
    let body = &post.source[post.body_offset..];
    let index = LineIndex::new(&post.source);
    let mut found = Vec::new();
    let mut paragraph: Option<(usize, String)> = None;
    // Inside `<span lang="…">…</span>`: that text has its language already.
    let mut marked = 0usize;
    for (event, range) in Parser::new_ext(body, crate::markdown::options(false)).into_offset_iter()
    {
        match event {
            Event::Start(Tag::Paragraph) => paragraph = Some((range.start, String::new())),
            Event::InlineHtml(html) => {
                let tag = html.trim().to_ascii_lowercase();
                if tag.starts_with('<') && !tag.starts_with("</") && tag.contains(" lang=") {
                    marked += 1;
                } else if tag.starts_with("</") && marked > 0 {
                    marked -= 1;
                }
            }
            Event::Text(text) if marked == 0 => {
                if let Some((_, words)) = paragraph.as_mut() {
                    words.push_str(&text);
                    words.push(' ');
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, words)) = paragraph.as_mut() {
                    words.push(' ');
                }
            }
            Event::End(TagEnd::Paragraph) => {
                let Some((start, text)) = paragraph.take() else {
                    continue;
                };
                if text.split_whitespace().count() < MIN_WORDS
                    || (page == Lang::Eng && english_share(&text) > 0.08)
                {
                    continue;
                }
                let Some(info) = whatlang::detect(&text) else {
                    continue;
                };
                if info.lang() == page || !info.is_reliable() || info.confidence() < MIN_CONFIDENCE
                {
                    continue;
                }
                let Some(code) = code_of(info.lang()) else {
                    continue;
                };
                found.push(
                    Diagnostic::error(
                        LANG,
                        format!(
                            "this paragraph reads as {}, but the page is in {}",
                            info.lang().eng_name(),
                            page.eng_name()
                        ),
                    )
                    .in_file(&post.file)
                    .at(index.position(&post.source, post.body_offset + start))
                    .with_help(format!(
                        "mark it so screen readers switch voice: <p lang=\"{code}\">…</p>"
                    )),
                );
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_words_are_found_in_any_case_as_a_lowercase_search_finds_them() {
        // The binary search needs the list sorted, ASCII and lowercase.
        assert!(ENGLISH_FUNCTION_WORDS.is_sorted());
        assert!(
            ENGLISH_FUNCTION_WORDS
                .iter()
                .all(|w| w.len() <= 8 && w.bytes().all(|b| b.is_ascii_lowercase()))
        );
        let text =
            "The THE tHe your Yours i I \u{130} \u{212a} because becausee a an aN \u{dc}nd can't";
        for word in text.split(' ') {
            assert_eq!(
                is_function_word(word),
                ENGLISH_FUNCTION_WORDS.contains(&word.to_lowercase().as_str()),
                "{word}"
            );
        }
    }

    #[test]
    fn english_prose_is_mostly_function_words_and_spanish_is_not() {
        let english = "We simply lower one fat under your study, although we follow a autumn without that habit.";
        let spanish =
            "La presión arterial alta no suele dar síntomas, por eso es importante medirla.";
        assert!(english_share(english) > 0.2, "{}", english_share(english));
        assert!(english_share(spanish) < 0.08, "{}", english_share(spanish));
    }
}
