//! Syllables of a word, as textstat 0.7.x counts them. English: the stressed
//! vowel phones of the word's first pronunciation in the CMU Pronouncing
//! Dictionary, else the word's hyphenation points plus one. Spanish
//! (`set_lang("es")`): textstat has no dictionary, so always the points of
//! pyphen's `hyph_es` patterns plus one.
//!
//! The tables ship in the binary, gzipped, and are read once on first use.
//! `scripts/gen-syllables.py` regenerates the English ones; the Spanish
//! patterns are pyphen 0.18.1's file as published. Their licences sit beside
//! them (`CMUDICT-LICENSE`, `HYPHENATION-LICENSE`, `HYPHENATION-ES-LICENSE`).

use std::io::Read;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

/// `word count` lines from the CMU Pronouncing Dictionary (~125k words).
const DICTIONARY: &[u8] = include_bytes!("syllables.txt.gz");
/// The en_US hyphenation patterns pyphen ships (LibreOffice's, from TeX).
const PATTERNS: &[u8] = include_bytes!("hyph_en_US.dic.gz");
/// The es hyphenation patterns pyphen ships (hyph-utf8's, by Javier Bezos).
const PATTERNS_ES: &[u8] = include_bytes!("hyph_es.dic.gz");

/// The languages whose syllables Rounds counts as textstat does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    English,
    Spanish,
}

impl Language {
    /// The language of a post's `lang` (`en`, `en-US`, `es`, `es-MX`…), if
    /// Rounds can score it.
    pub fn of(lang: &str) -> Option<Language> {
        let lang = lang.to_ascii_lowercase();
        let root = lang.split(['-', '_']).next().unwrap_or_default();
        match root {
            "en" => Some(Language::English),
            "es" => Some(Language::Spanish),
            _ => None,
        }
    }
}

/// Syllables of a lowercase word, punctuation removed, in `language`.
pub fn count_in(word: &str, language: Language) -> usize {
    match language {
        Language::English => count(word),
        Language::Spanish => patterns_es().points(word) + 1,
    }
}

/// Syllables of a lowercase word with textstat's punctuation removed.
pub fn count(word: &str) -> usize {
    match dictionary().get(word) {
        Some(&n) => usize::from(n),
        None => patterns().points(word) + 1,
    }
}

/// Reads both tables now.
pub fn prepare() {
    dictionary();
    patterns();
    patterns_es();
}

/// Whether the pronouncing dictionary knows the word (lowercase).
#[cfg(test)]
pub fn in_dictionary(word: &str) -> bool {
    dictionary().contains_key(word)
}

fn dictionary() -> &'static FxHashMap<&'static str, u8> {
    static WORDS: OnceLock<FxHashMap<&'static str, u8>> = OnceLock::new();
    WORDS.get_or_init(|| {
        // Leaked once so the map can borrow its keys instead of allocating
        // 125k strings; it lives as long as the process either way.
        let text: &'static str = Box::leak(gunzip(DICTIONARY).into_boxed_str());
        text.lines()
            .filter_map(|line| {
                let (word, n) = line.split_once(' ')?;
                Some((word, n.parse().ok()?))
            })
            .collect()
    })
}

fn patterns() -> &'static Patterns {
    static PATTERNS_ONCE: OnceLock<Patterns> = OnceLock::new();
    PATTERNS_ONCE.get_or_init(|| Patterns::parse(&gunzip(PATTERNS)))
}

fn patterns_es() -> &'static Patterns {
    static PATTERNS_ONCE: OnceLock<Patterns> = OnceLock::new();
    PATTERNS_ONCE.get_or_init(|| Patterns::parse(&gunzip(PATTERNS_ES)))
}

/// The embedded data is written by our own script; if it were ever corrupt,
/// every word would fall back to one syllable rather than crash a build (and
/// the unit tests would fail).
fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    let mut decoder = flate2::read::GzDecoder::new(bytes);
    if decoder.read_to_string(&mut text).is_err() {
        text.clear();
    }
    text
}

/// Liang hyphenation patterns, applied as pyphen 0.18 applies them (with its
/// default 2 letters kept on each side), so unknown words get textstat's
/// fallback count. The `hyphenation` crate embeds hyph-utf8's TeX patterns,
/// a different set from pyphen's LibreOffice one; this port of pyphen gives
/// pyphen's count for all 124,938 dictionary words (checked once by script).
pub struct Patterns {
    /// Letters (with `.` for a word edge) → offset of the first value, values.
    table: FxHashMap<Box<str>, (usize, Box<[u8]>)>,
    /// Longest pattern, in characters.
    longest: usize,
}

impl Patterns {
    /// Parses a hunspell `hyph_*.dic`: an encoding line, then one pattern a
    /// line (`.ad4der`: a digit before a letter is the value of that gap).
    pub fn parse(text: &str) -> Patterns {
        const IGNORED: &[&str] = &[
            "%",
            "#",
            "LEFTHYPHENMIN",
            "RIGHTHYPHENMIN",
            "COMPOUNDLEFTHYPHENMIN",
            "COMPOUNDRIGHTHYPHENMIN",
        ];
        let mut table = FxHashMap::default();
        for line in text.lines().skip(1) {
            let line = line.trim();
            if line.is_empty() || IGNORED.iter().any(|p| line.starts_with(p)) {
                continue;
            }
            let (letters, values) = split_pattern(line);
            let Some(first) = values.iter().position(|&v| v != 0) else {
                continue;
            };
            let last = values.iter().rposition(|&v| v != 0).unwrap_or(first);
            table.insert(
                letters.into_boxed_str(),
                (first, values[first..=last].into()),
            );
        }
        let longest = table.keys().map(|k| k.chars().count()).max().unwrap_or(0);
        Patterns { table, longest }
    }

    /// How many places the word may be hyphenated.
    pub fn points(&self, word: &str) -> usize {
        let pointed: String = format!(".{word}.");
        // Byte offset of each character, and of the end.
        let bounds: Vec<usize> = pointed
            .char_indices()
            .map(|(i, _)| i)
            .chain([pointed.len()])
            .collect();
        let chars = bounds.len() - 1;
        let mut values = vec![0u8; chars + 1];
        for i in 0..chars.saturating_sub(1) {
            for j in i + 1..=(i + self.longest).min(chars) {
                let Some((offset, pattern)) = self.table.get(&pointed[bounds[i]..bounds[j]]) else {
                    continue;
                };
                let slots = values.get_mut(i + offset..).unwrap_or_default();
                for (slot, &v) in slots.iter_mut().zip(pattern.iter()) {
                    *slot = (*slot).max(v);
                }
            }
        }
        // `values[k]` is the gap before character k of the pointed word,
        // so before character k - 1 of the word itself.
        let length = word.chars().count();
        values
            .iter()
            .enumerate()
            .filter(|&(k, &v)| {
                v % 2 == 1 && k >= 1 && (2..=length.saturating_sub(2)).contains(&(k - 1))
            })
            .count()
    }
}

/// `a4ﬀ4` → ("aﬀ", [0, 4, 4]): pyphen's `(\d?)(\D?)` read of a pattern.
fn split_pattern(line: &str) -> (String, Vec<u8>) {
    let mut letters = String::new();
    let mut values = Vec::new();
    let mut chars = line.chars().peekable();
    while chars.peek().is_some() {
        let digit = chars.next_if(char::is_ascii_digit);
        let letter = chars.next_if(|c| !c.is_ascii_digit());
        values.push(digit.and_then(|d| d.to_digit(10)).map_or(0, |d| d as u8));
        letters.extend(letter);
    }
    (letters, values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictionary_words_count_their_stressed_vowels() {
        for (word, n) in [
            ("the", 1),
            ("medicine", 3),
            ("hypertension", 4),
            ("heart", 1),
            ("cholesterol", 4),
            ("physician", 3),
            ("don't", 1),
        ] {
            assert!(in_dictionary(word), "{word} is in CMUdict");
            assert_eq!(count(word), n, "{word}");
        }
        assert!(dictionary().len() > 120_000, "{}", dictionary().len());
    }

    #[test]
    fn unknown_words_fall_back_to_hyphenation_points() {
        // textstat 0.7.8 with pyphen 0.18.1 gives these counts.
        for (word, n) in [
            ("hyperlipidemia", 4),
            ("echocardiogram", 3),
            ("atorvastatin", 3),
            ("a1c", 1),
        ] {
            assert!(!in_dictionary(word), "{word} is not in CMUdict");
            assert_eq!(count(word), n, "{word}");
        }
    }

    #[test]
    fn spanish_words_count_their_hyphenation_points() {
        // textstat 0.7.13, set_lang("es"), pyphen 0.18.1: the two letters
        // kept on each side make "agua" and "día" one syllable.
        for (word, n) in [
            ("hipertensión", 4),
            ("corazón", 3),
            ("agua", 1),
            ("día", 1),
            ("electrocardiograma", 6),
        ] {
            assert_eq!(count_in(word, Language::Spanish), n, "{word}");
        }
        assert_eq!(Language::of("es-MX"), Some(Language::Spanish));
        assert_eq!(Language::of("EN_us"), Some(Language::English));
        assert_eq!(Language::of("fr"), None);
    }

    #[test]
    fn pyphen_keeps_two_letters_on_each_side() {
        let patterns = patterns();
        assert_eq!(patterns.points("a"), 0);
        assert_eq!(patterns.points(""), 0);
        assert!(patterns.longest > 5);
    }

    #[test]
    fn patterns_read_like_pyphen() {
        assert_eq!(split_pattern("a4ﬀ4"), ("aﬀ".into(), vec![0, 4, 4]));
        assert_eq!(
            split_pattern(".ad4der"),
            (".adder".into(), vec![0, 0, 0, 4, 0, 0])
        );
    }
}
