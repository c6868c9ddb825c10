//! The jargon lists: medical terms and the plain words to use instead, one
//! list per language. Rounds ships `plain-words.toml` (English) and
//! `plain-words-es.toml` (Spanish); a site extends or overrides them with
//! `data/plain-words.toml` and `data/plain-words-es.toml`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;

use rustc_hash::FxHashMap;

use crate::diagnostic::Diagnostic;
use crate::load::Site;

use super::syllables::Language;

/// The shipped list of a language, and the data file a site extends it with
/// (its key in `Site::data`).
fn list_of(language: Language) -> (&'static str, &'static str) {
    match language {
        Language::English => (include_str!("plain-words.toml"), "plain-words"),
        Language::Spanish => (include_str!("plain-words-es.toml"), "plain-words-es"),
    }
}

/// A term is explained when its plain words stand this close to it (in
/// words): "an echocardiogram (heart ultrasound)", "a cholesterol test, also
/// called a lipid panel".
const NEAR: usize = 5;

/// Terms and their plain alternatives, indexed by a term's first word.
#[derive(Debug, Default)]
pub struct PlainWords {
    terms: Vec<Term>,
    by_first_word: FxHashMap<String, Vec<usize>>,
}

#[derive(Debug)]
struct Term {
    /// The term as listed, lowercase.
    name: String,
    /// Lowercase words of the term, as [`words`] splits them.
    words: Vec<String>,
    /// Empty for a term the site accepts: a longer phrase that is fine (a
    /// name such as "Heart and Lipid Lab") shields the terms inside it.
    plain: String,
    plain_words: Vec<String>,
}

/// A term found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jargon<'a> {
    /// Byte range of the term in the text searched.
    pub range: Range<usize>,
    /// The term as the list has it, lowercase.
    pub term: &'a str,
    pub plain: &'a str,
    /// Its plain words stand beside it, so a reader learns it here.
    pub explained: bool,
}

impl PlainWords {
    /// The shipped list with the site's changes, and any problem with them.
    pub fn for_site(site: &Site, language: Language) -> (PlainWords, Vec<Diagnostic>) {
        let (_, key) = list_of(language);
        let mut entries = shipped_entries(language);
        let mut problems = Vec::new();
        if let Some(data) = site.data.get(key) {
            match data.as_object() {
                Some(table) => {
                    for (term, plain) in table {
                        match plain.as_str() {
                            Some(plain) => {
                                entries.insert(term.to_lowercase(), plain.to_string());
                            }
                            None => problems.push(site_problem(
                                site,
                                key,
                                Some(term),
                                format!("the plain words for `{term}` must be a string"),
                            )),
                        }
                    }
                }
                None => problems.push(site_problem(
                    site,
                    key,
                    None,
                    format!("data/{key} must be a table of `term = \"plain words\"`"),
                )),
            }
        }
        (PlainWords::new(entries), problems)
    }

    /// The list Rounds ships.
    #[cfg(test)]
    pub fn shipped() -> PlainWords {
        PlainWords::shipped_in(Language::English)
    }

    /// The list Rounds ships for `language`.
    #[cfg(test)]
    pub fn shipped_in(language: Language) -> PlainWords {
        PlainWords::new(shipped_entries(language))
    }

    fn new(entries: BTreeMap<String, String>) -> PlainWords {
        let mut list = PlainWords::default();
        for (term, plain) in entries {
            let words = lowercase_words(&term);
            let plain_words = lowercase_words(&plain);
            let Some(first) = words.first() else {
                continue;
            };
            list.by_first_word
                .entry(first.clone())
                .or_default()
                .push(list.terms.len());
            list.terms.push(Term {
                name: term,
                words,
                plain,
                plain_words,
            });
        }
        list
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Every term in `text` the site has not accepted, in order; where
    /// terms overlap, the longest wins.
    pub fn find<'a>(&'a self, text: &str) -> Vec<Jargon<'a>> {
        let words: Vec<Range<usize>> = words(text).collect();
        // Most prose words are lowercase already: borrow those.
        let lower: Vec<Cow<'_, str>> = words.iter().map(|r| lowercase(&text[r.clone()])).collect();
        let mut found = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let Some((term, len)) = self.longest_at(&lower[i..]) else {
                i += 1;
                continue;
            };
            if !term.plain.is_empty() {
                found.push(Jargon {
                    range: words[i].start..words[i + len - 1].end,
                    term: &term.name,
                    plain: &term.plain,
                    explained: explained(term, &lower, i..i + len),
                });
            }
            i += len;
        }
        found
    }

    /// The longest term at the start of `words`, and how many words it takes.
    fn longest_at(&self, words: &[Cow<'_, str>]) -> Option<(&Term, usize)> {
        let first: &str = words.first()?;
        // A one-word term may be plural; a longer term's first word may not.
        let singular = match first.strip_suffix('s') {
            Some(stem) => [Some(stem), stem.strip_suffix('e')],
            None => [None, None],
        };
        let exact = self.candidates(first);
        let plural = singular
            .into_iter()
            .flatten()
            .flat_map(|w| self.candidates(w))
            .filter(|t| t.words.len() == 1);
        exact
            .filter(|t| matches(&t.words, words))
            .chain(plural)
            .map(|t| (t, t.words.len()))
            .max_by_key(|&(_, len)| len)
    }

    fn candidates<'a>(&'a self, first: &str) -> impl Iterator<Item = &'a Term> + 'a {
        self.by_first_word
            .get(first)
            .into_iter()
            .flatten()
            .map(|&i| &self.terms[i])
    }
}

/// Whether the term's plain words stand within [`NEAR`] words of it.
fn explained(term: &Term, words: &[Cow<'_, str>], at: Range<usize>) -> bool {
    let n = term.plain_words.len();
    let from = at.start.saturating_sub(NEAR + n);
    let to = (at.end + NEAR + 1).min(words.len());
    n > 0
        && (from..to)
            .filter(|&p| p + n <= at.start || p >= at.end)
            .any(|p| matches(&term.plain_words, &words[p..]))
}

/// Whether a term's words start `text`, the last of them perhaps plural.
fn matches(term: &[String], text: &[Cow<'_, str>]) -> bool {
    term.len() <= text.len()
        && term.iter().zip(text).enumerate().all(|(i, (t, w))| {
            t == w
                || (i + 1 == term.len()
                    && (w.strip_suffix('s') == Some(t) || w.strip_suffix("es") == Some(t)))
        })
}

/// Runs of letters and digits: the words a term is matched by.
fn words(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = None;
    text.char_indices()
        .map(Some)
        .chain([None])
        .filter_map(move |item| match item {
            Some((i, c)) if c.is_alphanumeric() => {
                start.get_or_insert(i);
                None
            }
            Some((i, _)) => start.take().map(|s| s..i),
            None => start.take().map(|s| s..text.len()),
        })
}

fn lowercase_words(text: &str) -> Vec<String> {
    words(text).map(|r| text[r].to_lowercase()).collect()
}

fn lowercase(word: &str) -> Cow<'_, str> {
    if word.chars().any(char::is_uppercase) {
        Cow::Owned(word.to_lowercase())
    } else {
        Cow::Borrowed(word)
    }
}

fn shipped_entries(language: Language) -> BTreeMap<String, String> {
    let (shipped, _) = list_of(language);
    // Covered by a unit test; an unreadable list would only mean no jargon.
    toml::from_str::<BTreeMap<String, String>>(shipped)
        .unwrap_or_default()
        .into_iter()
        .map(|(term, plain)| (term.to_lowercase(), plain))
        .collect()
}

fn site_problem(site: &Site, data: &str, key: Option<&str>, message: String) -> Diagnostic {
    let file = ["toml", "yaml", "yml", "json"]
        .iter()
        .map(|ext| format!("data/{data}.{ext}"))
        .find(|f| site.root.join(f).is_file())
        .unwrap_or_else(|| format!("data/{data}.toml"));
    let text = std::fs::read_to_string(site.root.join(&file)).unwrap_or_default();
    let position = key.and_then(|k| {
        crate::config::line_of(&text, &format!("\"{k}\""))
            .or_else(|| crate::config::line_of(&text, k))
    });
    Diagnostic::error("config/plain-words", message)
        .in_file(file)
        .at_opt(position)
        .with_help("write each term as `hypertension = \"high blood pressure\"`, or \"\" to stop reporting it")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(entries: &[(&str, &str)]) -> PlainWords {
        PlainWords::new(
            entries
                .iter()
                .map(|(t, p)| (t.to_string(), p.to_string()))
                .collect(),
        )
    }

    #[test]
    fn the_shipped_list_reads_and_has_the_common_terms() {
        let list = PlainWords::shipped();
        assert!(list.len() >= 60, "{}", list.len());
        let found = list.find("Renal care after a myocardial infarction, said the physician.");
        let plain: Vec<&str> = found.iter().map(|j| j.plain).collect();
        assert_eq!(plain, ["kidney", "heart attack", "doctor"]);
    }

    #[test]
    fn explained_and_accepted_terms_are_not_jargon() {
        let list = list(&[
            ("echocardiogram", "heart ultrasound"),
            ("lipid", "blood fat"),
            ("heart and lipid lab", ""),
        ]);
        for text in [
            "Dr. Okafor reads echocardiograms (heart ultrasounds).",
            "A heart ultrasound, also called an echocardiogram.",
        ] {
            assert!(list.find(text).iter().all(|j| j.explained), "{text}");
        }
        assert_eq!(list.find("Our Heart and Lipid Lab is open."), []);
        let far = "An echocardiogram shows the valves and the walls of your heart ultrasound.";
        assert!(!list.find(far)[0].explained);
        assert_eq!(list.find("A lipid lab.").len(), 1);
    }

    #[test]
    fn terms_match_whole_words_in_any_case_and_plurals() {
        let list = list(&[
            ("renal", "kidney"),
            ("lipid", "blood fat"),
            ("lipid panel", "cholesterol test"),
        ]);
        let text = "Adrenal glands. RENAL diet. Lipids and a lipid panel, lipid-lowering.";
        let found: Vec<(&str, &str)> = list
            .find(text)
            .into_iter()
            .map(|j| (&text[j.range], j.plain))
            .collect();
        assert_eq!(
            found,
            [
                ("RENAL", "kidney"),
                ("Lipids", "blood fat"),
                ("lipid panel", "cholesterol test"),
                ("lipid", "blood fat"),
            ]
        );
    }
}
