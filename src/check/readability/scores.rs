//! Words, sentences and syllables, and the Flesch–Kincaid, Flesch Reading Ease
//! and SMOG formulas (English) and the Fernández Huerta and Szigriszt-Pazos
//! formulas (Spanish), counted exactly as textstat 0.7.x counts them (see
//! `scripts/readability-reference.py` and `readability-reference-es.py`), so
//! that a clinic can check Rounds' scores against the tool its reviewers
//! already use. Words and sentences are counted alike in both languages.
//!
//! textstat's rules, restated for the Rust below:
//! - punctuation is `[^\w\s']` (Python's Unicode `\w` and `\s`), plus any
//!   apostrophe not followed by `t`, `s`, `d`, `ve`, `ll` or `re`; removing it
//!   can join pieces ("3.5" is the word "35", "x-ray" is "xray");
//! - a word is a whitespace-separated token with something left after that;
//! - a sentence is a match of `\b[^.!?]+[.!?]*`, and matches of two words or
//!   fewer do not count (at least one sentence in all);
//! - a word's syllables come from [`super::syllables`].

use std::ops::Range;

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

use super::syllables::{self, Language};

/// The raw counts the formulas are built from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub words: usize,
    /// Sentences of three words or more.
    pub sentences: usize,
    pub syllables: usize,
    /// Words of three syllables or more.
    pub polysyllables: usize,
}

/// The three reading-level scores of a text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    /// Flesch–Kincaid grade level: the US school grade that can read it.
    pub grade: f64,
    /// Flesch Reading Ease: 0–100, higher is easier.
    pub ease: f64,
    /// SMOG grade, from the share of long words.
    pub smog: f64,
}

/// The two Spanish scores of a text, as textstat computes them with
/// `set_lang("es")`. Both run from 0 (hardest) to about 100 (easiest).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpanishScores {
    /// Fernández Huerta: 206.84 − 60·(syllables/words) − 1.02·(words/sentences).
    pub fernandez_huerta: f64,
    /// Szigriszt-Pazos perspicuity, read on the INFLESZ scale:
    /// 206.84 − 62.3·(syllables/words) − words/sentences.
    pub perspicuity: f64,
}

/// A sentence, as a byte range of the text it came from, with its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub range: Range<usize>,
    pub words: usize,
    pub syllables: usize,
}

/// A word of a text, as [`Counts::of_words`] found it: the byte range of its
/// whitespace-separated token, and its syllables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub range: Range<usize>,
    pub syllables: usize,
}

impl Sentence {
    #[cfg(test)]
    pub fn measure(text: &str, range: Range<usize>, language: Language) -> Sentence {
        let counts = Counts::words_of(&text[range.clone()], language);
        Sentence {
            range,
            words: counts.words,
            syllables: counts.syllables,
        }
    }

    /// The sentence at `range` of `text`, measured from the text's `words`
    /// (in order) instead of counting their syllables again. The result is
    /// [`Sentence::measure`]'s: a word wholly inside the range is taken as
    /// it is, and only a token the range cuts (`"Hello` of `"Hello."`) is
    /// counted afresh, as the piece the range holds.
    pub fn of_words(
        text: &str,
        range: Range<usize>,
        words: &[Word],
        language: Language,
    ) -> Sentence {
        let first = words.partition_point(|w| w.range.end <= range.start);
        let mut sentence = Sentence {
            range: range.clone(),
            words: 0,
            syllables: 0,
        };
        for word in words[first..]
            .iter()
            .take_while(|w| w.range.start < range.end)
        {
            if range.start <= word.range.start && word.range.end <= range.end {
                sentence.words += 1;
                sentence.syllables += word.syllables;
            } else {
                let start = word.range.start.max(range.start);
                let end = word.range.end.min(range.end);
                let piece = Counts::words_of(&text[start..end], language);
                sentence.words += piece.words;
                sentence.syllables += piece.syllables;
            }
        }
        sentence
    }

    /// Flesch–Kincaid grade of this sentence alone, to rank the hardest.
    pub fn grade(&self) -> f64 {
        let words = self.words.max(1) as f64;
        0.39 * words + 11.8 * (self.syllables as f64 / words) - 15.59
    }

    /// Szigriszt-Pazos perspicuity of this sentence alone: lower is harder.
    pub fn perspicuity(&self) -> f64 {
        let words = self.words.max(1) as f64;
        SPANISH_BASE - 62.3 * (self.syllables as f64 / words) - words
    }
}

/// textstat's base for both Spanish formulas (its `fre_base` for "es").
const SPANISH_BASE: f64 = 206.84;

impl Counts {
    /// textstat's counts of one text.
    #[cfg(test)]
    pub fn of(text: &str) -> Counts {
        Counts::of_in(text, Language::English)
    }

    /// textstat's counts of one text in `language`.
    #[cfg(test)]
    pub fn of_in(text: &str, language: Language) -> Counts {
        Counts {
            sentences: sentence_total(text),
            ..Counts::words_of(text, language)
        }
    }

    /// [`Counts::of`], and each word with its syllables appended to `words`,
    /// its range shifted by `base` (where `text` starts in a longer text).
    pub fn of_words(text: &str, base: usize, words: &mut Vec<Word>, language: Language) -> Counts {
        Counts {
            sentences: sentence_total(text),
            ..Counts::count_words(text, language, |range, syllables| {
                words.push(Word {
                    range: range.start + base..range.end + base,
                    syllables,
                })
            })
        }
    }

    /// Words, syllables and polysyllables, without sentences.
    fn words_of(text: &str, language: Language) -> Counts {
        Counts::count_words(text, language, |_, _| {})
    }

    /// Words, syllables and polysyllables, each word also handed to `each`.
    fn count_words(
        text: &str,
        language: Language,
        mut each: impl FnMut(Range<usize>, usize),
    ) -> Counts {
        let mut counts = Counts::default();
        let mut buffer = String::new();
        for token in tokens(text) {
            let syllables = syllables_of(token, &mut buffer, language);
            counts.add_word(syllables);
            each(token.range(text), syllables);
        }
        counts
    }

    fn add_word(&mut self, syllables: usize) {
        self.words += 1;
        self.syllables += syllables;
        if syllables >= 3 {
            self.polysyllables += 1;
        }
    }

    /// The sum of two texts' counts, each of which ends its own sentences.
    pub fn plus(self, other: Counts) -> Counts {
        Counts {
            words: self.words + other.words,
            sentences: self.sentences + other.sentences,
            syllables: self.syllables + other.syllables,
            polysyllables: self.polysyllables + other.polysyllables,
        }
    }

    /// Sentences as textstat reports them: never fewer than one.
    pub fn sentence_count(&self) -> usize {
        self.sentences.max(1)
    }

    /// The scores, or all zero for a text without words (as textstat gives
    /// for an empty text).
    pub fn scores(&self) -> Scores {
        if self.words == 0 {
            return Scores {
                grade: 0.0,
                ease: 0.0,
                smog: 0.0,
            };
        }
        let words = self.words as f64;
        let sentences = self.sentence_count() as f64;
        let per_sentence = words / sentences;
        let per_word = self.syllables as f64 / words;
        // textstat returns 0 for both Flesch scores when either ratio is 0.
        let flesch = |base: f64, a: f64, b: f64| {
            if per_word == 0.0 {
                0.0
            } else {
                base + a * per_sentence + b * per_word
            }
        };
        Scores {
            grade: flesch(-15.59, 0.39, 11.8),
            ease: flesch(206.835, -1.015, -84.6),
            smog: 1.043 * (30.0 * (self.polysyllables as f64 / sentences)).sqrt() + 3.1291,
        }
    }

    /// The Spanish scores, or both zero for a text without words (textstat's
    /// answer to an empty text). Meaningful only for counts made in Spanish.
    pub fn spanish_scores(&self) -> SpanishScores {
        if self.words == 0 || self.syllables == 0 {
            return SpanishScores {
                fernandez_huerta: 0.0,
                perspicuity: 0.0,
            };
        }
        let words = self.words as f64;
        let per_sentence = words / self.sentence_count() as f64;
        let per_word = self.syllables as f64 / words;
        SpanishScores {
            fernandez_huerta: SPANISH_BASE - 60.0 * per_word - 1.02 * per_sentence,
            perspicuity: SPANISH_BASE - 62.3 * per_word - per_sentence,
        }
    }
}

/// The sentences textstat counts: those of three words or more.
fn sentence_total(text: &str) -> usize {
    sentences(text)
        .filter(|s| tokens(&text[s.clone()]).nth(2).is_some())
        .count()
}

/// textstat's sentences of a text, as byte ranges (including those of two
/// words or fewer, which do not count towards its sentence total).
pub fn sentences(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut rest = 0;
    std::iter::from_fn(move || {
        // `\b[^.!?]+` can only start at a word character: the search resumes
        // after a `.!?` or at the text's start, both non-word.
        let start = rest + text[rest..].find(is_word_char)?;
        let stop = text[start..]
            .find(is_terminator)
            .map_or(text.len(), |i| start + i);
        let end = text[stop..]
            .find(|c| !is_terminator(c))
            .map_or(text.len(), |i| stop + i);
        rest = end;
        Some(start..end)
    })
}

/// Syllables of one token, lowercased into `buffer` (reused, so that counting
/// a text does not allocate per word).
fn syllables_of(token: Token<'_>, buffer: &mut String, language: Language) -> usize {
    token.lowercase_into(buffer);
    syllables::count_in(buffer, language)
}

/// A whitespace-separated piece of text with at least one character that
/// survives punctuation removal.
#[derive(Debug, Clone, Copy)]
pub struct Token<'a> {
    raw: &'a str,
}

impl<'a> Token<'a> {
    /// Where the token sits in `text`, the text it was split from.
    fn range(self, text: &str) -> Range<usize> {
        let start = self.raw.as_ptr() as usize - text.as_ptr() as usize;
        start..start + self.raw.len()
    }

    /// The characters textstat keeps, lowercased, into `buffer` (cleared).
    fn lowercase_into(self, buffer: &mut String) {
        buffer.clear();
        let raw = self.raw;
        if raw.is_ascii() {
            // Nearly every word is ASCII: the same characters as
            // `chars` keeps, lowercased byte by byte, without decoding.
            for (i, byte) in raw.bytes().enumerate() {
                if keeps(char::from(byte), &raw[i + 1..]) {
                    buffer.push(char::from(byte.to_ascii_lowercase()));
                }
            }
        } else {
            buffer.extend(self.chars().flat_map(char::to_lowercase));
        }
    }

    /// The characters textstat keeps.
    pub fn chars(self) -> impl Iterator<Item = char> + 'a {
        let raw = self.raw;
        raw.char_indices()
            .filter(move |&(i, c)| keeps(c, &raw[i + c.len_utf8()..]))
            .map(|(_, c)| c)
    }
}

/// textstat's words: tokens after punctuation removal.
pub fn tokens(text: &str) -> impl Iterator<Item = Token<'_>> {
    text.split(is_space)
        .map(|raw| Token { raw })
        .filter(|t| t.chars().next().is_some())
}

/// Whether textstat keeps character `c`, followed by `after`.
fn keeps(c: char, after: &str) -> bool {
    if c == '\'' {
        // Kept in contractions: `(?=[tsd]|ve|ll|re)`, case-sensitive.
        after.starts_with(['t', 's', 'd'])
            || after.starts_with("ve")
            || after.starts_with("ll")
            || after.starts_with("re")
    } else {
        is_word_char(c)
    }
}

/// Python's `\w`: letters, numbers and the underscore.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Letter | GeneralCategoryGroup::Number
    )
}

/// Python's `\s` and `str.split()`: Rust's whitespace plus the four ASCII
/// separators U+001C–U+001F.
fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokens(text).map(|t| t.chars().collect()).collect()
    }

    #[test]
    fn punctuation_is_removed_and_contractions_kept() {
        assert_eq!(
            words("Don't stop: it's 3.5 mg, the students' x-ray (Lp(a)) — ok?"),
            [
                "Don't", "stop", "it's", "35", "mg", "the", "students", "xray", "Lpa", "ok"
            ]
        );
        // The lookahead is case-sensitive, as in textstat.
        assert_eq!(words("DON'T 'sure'"), ["DONT", "'sure"]);
        assert_eq!(words("café naïve"), ["café", "naïve"]);
    }

    #[test]
    fn ascii_words_are_lowercased_as_any_other_word_is() {
        let text = "Don't stop: it's 3.5 mg, the students' x-ray (Lp(a)) — ok? DON'T 'sure' \
                    they've WE'LL you're I'd O'Neil rock'n'roll 'tis a_b ' '' Ünd CAFÉ";
        let mut buffer = String::new();
        for token in tokens(text) {
            token.lowercase_into(&mut buffer);
            let general: String = token.chars().flat_map(char::to_lowercase).collect();
            assert_eq!(buffer, general, "{}", token.raw);
        }
    }

    #[test]
    fn short_sentences_do_not_count() {
        let text = "Yes. No. Maybe. Walk every day. Eat more greens!";
        let all: Vec<usize> = sentences(text)
            .map(|s| Sentence::measure(text, s, Language::English).words)
            .collect();
        assert_eq!(all, [1, 1, 1, 3, 3]);
        assert_eq!(Counts::of(text).sentences, 2);
        assert_eq!(Counts::of("Hi.").sentence_count(), 1);
    }

    #[test]
    fn sentences_split_at_stops_inside_numbers_as_textstat_does() {
        let text = "Take 2.5 mg a day. Then rest";
        let ranges: Vec<&str> = sentences(text).map(|s| &text[s]).collect();
        assert_eq!(ranges, ["Take 2.", "5 mg a day.", "Then rest"]);
        assert_eq!(Counts::of(text).words, 7);
    }

    #[test]
    fn scores_follow_the_formulas() {
        let counts = Counts {
            words: 100,
            sentences: 5,
            syllables: 150,
            polysyllables: 10,
        };
        let scores = counts.scores();
        assert!((scores.grade - (0.39 * 20.0 + 11.8 * 1.5 - 15.59)).abs() < 1e-9);
        assert!((scores.ease - (206.835 - 1.015 * 20.0 - 84.6 * 1.5)).abs() < 1e-9);
        assert!((scores.smog - (1.043 * 60f64.sqrt() + 3.1291)).abs() < 1e-9);
        assert_eq!(Counts::of("").scores().grade, 0.0);
    }
}
