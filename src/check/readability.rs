//! Reading level of patient-facing posts: the Flesch–Kincaid grade against the
//! site's target (`[check] reading_grade`, 8 by default), with Reading Ease and
//! SMOG beside it, computed as textstat 0.7.x computes them; the hardest
//! sentences and the medical jargon to make plainer.
//!
//! The formulas and the pronouncing dictionary are English: posts in another
//! language are not scored.

mod plain_words;
mod prose;
mod scores;
mod syllables;

use std::collections::HashSet;
use std::ops::Range;

use super::Settings;
use crate::content::{Kind, Post};
use crate::diagnostic::{Diagnostic, LineIndex};
use crate::load::Site;
use plain_words::PlainWords;
use prose::Prose;
use scores::{Scores, Sentence, Word};

pub const GRADE: &str = "readability/grade";
pub const JARGON: &str = "readability/jargon";
pub const TOO_SHORT: &str = "readability/too-short";

/// The grade patient materials should not exceed (NIH: below 8th grade).
pub const DEFAULT_GRADE: f64 = 8.0;

/// Below this many words the formulas swing too much to report a grade.
const MIN_WORDS: usize = 100;

/// How many of the hardest sentences a grade warning quotes.
const HARDEST: usize = 3;

/// How much of a sentence a warning quotes, in characters.
const QUOTE_CHARS: usize = 80;

/// What the readability rules need for a whole site: the jargon list (read
/// once, not per post) and the target grade.
pub struct Readability {
    plain: PlainWords,
    target: f64,
}

impl Readability {
    /// The site's rules, and any problem with its `data/plain-words.toml`.
    pub fn new(site: &Site, settings: &Settings) -> (Readability, Vec<Diagnostic>) {
        let (plain, problems) = PlainWords::for_site(site);
        let readability = Readability {
            plain,
            target: settings.reading_grade,
        };
        (readability, problems)
    }

    pub fn check(&self, post: &Post) -> Vec<Diagnostic> {
        if !post.front.audience.reaches_patients() || !is_english(&post.lang) {
            return Vec::new();
        }
        let body = post.body_offset.min(post.source.len());
        let prose = Prose::of(&post.source[body..]);
        let report = PostProse {
            post,
            prose: &prose,
            index: LineIndex::new(&post.source),
        };
        let mut found = report.jargon(&self.plain);
        let (counts, words) = prose.measure();
        if counts.words < MIN_WORDS {
            // Short news, polls and notices are not scored; a short medical
            // article is worth saying so.
            if expects_a_grade(post.front.kind) {
                found.push(report.too_short(counts.words));
            }
            return found;
        }
        let scores = counts.scores();
        if scores.grade > self.target {
            found.push(report.grade(&scores, self.target, &self.plain, &words));
        }
        found
    }
}

/// A patient-facing post's reading level, for the report and `--format json`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Reading {
    /// Words of prose.
    pub words: usize,
    /// `None` when the post is not scored; `not_scored` says why.
    pub grade: Option<f64>,
    pub reading_ease: Option<f64>,
    pub smog: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_scored: Option<&'static str>,
    /// The hardest sentences, hardest first.
    pub hardest: Vec<Hard>,
}

/// One of a post's hardest sentences: its line in the file, its own grade,
/// its words on one line.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hard {
    pub line: usize,
    pub grade: f64,
    pub text: String,
}

impl Readability {
    /// The reading level of a patient-facing post (`None` for one for
    /// physicians only), scored or not.
    pub fn reading(&self, post: &Post) -> Option<Reading> {
        if !post.front.audience.reaches_patients() {
            return None;
        }
        let unscored = |words, why| Reading {
            words,
            grade: None,
            reading_ease: None,
            smog: None,
            not_scored: Some(why),
            hardest: Vec::new(),
        };
        if !is_english(&post.lang) {
            return Some(unscored(0, "not in English"));
        }
        let body = post.body_offset.min(post.source.len());
        let prose = Prose::of(&post.source[body..]);
        let (counts, words) = prose.measure();
        if counts.words < MIN_WORDS {
            return Some(unscored(counts.words, "too short to score"));
        }
        let report = PostProse {
            post,
            prose: &prose,
            index: LineIndex::new(&post.source),
        };
        let scores = counts.scores();
        Some(Reading {
            words: counts.words,
            grade: Some(scores.grade),
            reading_ease: Some(scores.ease),
            smog: Some(scores.smog),
            not_scored: None,
            hardest: report
                .hardest(&words)
                .into_iter()
                .map(|(hard, _)| hard)
                .collect(),
        })
    }
}

/// Reads the syllable tables, which the first post scored would otherwise do.
pub fn prepare() {
    syllables::prepare();
}

fn is_english(lang: &str) -> bool {
    let lang = lang.to_ascii_lowercase();
    lang == "en" || lang.starts_with("en-") || lang.starts_with("en_")
}

/// Medical writing, where a reader is owed a reading level.
fn expects_a_grade(kind: Kind) -> bool {
    matches!(kind, Kind::Article | Kind::Prevention | Kind::Testing)
}

/// One post's prose and where its text sits in the file.
struct PostProse<'a> {
    post: &'a Post,
    prose: &'a Prose,
    index: LineIndex,
}

impl PostProse<'_> {
    fn at(&self, rule: &'static str, prose_offset: usize, message: String) -> Diagnostic {
        let offset = self.post.body_offset + self.prose.source_offset(prose_offset);
        Diagnostic::error(rule, message)
            .in_file(&self.post.file)
            .at(self.index.position(&self.post.source, offset))
    }

    /// The first line of the body's text, or the title for an empty body.
    fn first_line(&self, rule: &'static str, message: String) -> Diagnostic {
        let source = &self.post.source;
        let body = self.post.body_offset.min(source.len());
        match source[body..].find(|c: char| !c.is_whitespace()) {
            Some(i) => Diagnostic::error(rule, message)
                .in_file(&self.post.file)
                .at(self.index.position(source, body + i)),
            None => super::at_key(self.post, rule, "title", message),
        }
    }

    /// Each jargon term once, where it first appears, unless it is
    /// explained there: a reader who has learnt it can meet it again.
    fn jargon(&self, plain: &PlainWords) -> Vec<Diagnostic> {
        let mut seen = HashSet::new();
        let mut found = Vec::new();
        for block in self.prose.blocks() {
            let text = &self.prose.text()[block.range.clone()];
            for jargon in plain.find(text) {
                if !seen.insert(jargon.term) || jargon.explained {
                    continue;
                }
                let words = &text[jargon.range.clone()];
                found.push(
                    self.at(
                        JARGON,
                        block.range.start + jargon.range.start,
                        format!("\"{words}\" is medical jargon for many patients"),
                    )
                    .spanning(words.chars().count())
                    .with_help(format!(
                        "say \"{}\", or explain the term beside it (data/plain-words.toml can accept it)",
                        jargon.plain
                    )),
                );
            }
        }
        found
    }

    fn too_short(&self, words: usize) -> Diagnostic {
        self.first_line(
            TOO_SHORT,
            format!("{words} words of prose are too few for a reliable reading level"),
        )
        .with_help(format!(
            "no grade is given below {MIN_WORDS} words; scores settle at about 300"
        ))
    }

    fn grade(
        &self,
        scores: &Scores,
        target: f64,
        plain: &PlainWords,
        words: &[Word],
    ) -> Diagnostic {
        let message = format!(
            "reads at grade {:.1} (Flesch–Kincaid), above the target of grade {target}; Reading Ease {:.1}, SMOG {:.1}",
            scores.grade, scores.ease, scores.smog
        );
        self.first_line(GRADE, message)
            .with_help(self.hardest_sentences(plain, words))
    }

    /// The hardest sentences, by their own grade, each with its range in
    /// the prose. `words` are the prose's, as counting the grade found them.
    fn hardest(&self, words: &[Word]) -> Vec<(Hard, Range<usize>)> {
        let text = self.prose.text();
        let mut sentences: Vec<Sentence> = whole_sentences(self.prose.sentences())
            .into_iter()
            .map(|range| Sentence::of_words(text, range, words))
            .filter(|s| s.words > 2)
            .collect();
        sentences.sort_by(|a, b| b.grade().total_cmp(&a.grade()));
        sentences.truncate(HARDEST);
        sentences
            .into_iter()
            .map(|sentence| {
                let line = self
                    .index
                    .position(
                        &self.post.source,
                        self.post.body_offset + self.prose.source_offset(sentence.range.start),
                    )
                    .line;
                let hard = Hard {
                    line,
                    grade: sentence.grade(),
                    text: text[sentence.range.clone()]
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                };
                (hard, sentence.range)
            })
            .collect()
    }

    /// The hardest sentences and the jargon in them, as a warning's help.
    fn hardest_sentences(&self, plain: &PlainWords, words: &[Word]) -> String {
        let text = self.prose.text();
        let mut help = String::from(
            "shorter sentences and shorter words bring it down; the hardest sentences:",
        );
        let mut jargon: Vec<(&str, &str)> = Vec::new();
        for (hard, range) in self.hardest(words) {
            help.push_str(&format!(
                "\n  line {} (grade {:.1}): \"{}\"",
                hard.line,
                hard.grade,
                quote(&hard.text)
            ));
            for found in plain
                .find(&text[range])
                .into_iter()
                .filter(|j| !j.explained)
            {
                if !jargon.iter().any(|&(term, _)| term == found.term) {
                    jargon.push((found.term, found.plain));
                }
            }
        }
        if !jargon.is_empty() {
            let list: Vec<String> = jargon
                .iter()
                .map(|(term, plain)| format!("{term} → {plain}"))
                .collect();
            help.push_str(&format!("\nplainer words for them: {}", list.join(", ")));
        }
        help
    }
}

/// textstat's sentences with the pieces of "4.7 years" or "e.g.the" joined
/// again: it splits at every stop, but a quote should read as a sentence.
fn whole_sentences(sentences: impl Iterator<Item = Range<usize>>) -> Vec<Range<usize>> {
    let mut whole: Vec<Range<usize>> = Vec::new();
    for sentence in sentences {
        match whole.last_mut() {
            Some(last) if last.end == sentence.start => last.end = sentence.end,
            _ => whole.push(sentence),
        }
    }
    whole
}

/// A sentence on one line, cut to [`QUOTE_CHARS`].
fn quote(text: &str) -> String {
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= QUOTE_CHARS {
        return text;
    }
    let cut: String = text.chars().take(QUOTE_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::scores::Counts;
    use super::*;
    use crate::content::Audience;

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/readability")
    }

    fn reference() -> serde_json::Value {
        let text = std::fs::read_to_string(fixtures().join("reference.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    /// Rounds' scores against textstat's (scripts/readability-reference.py) on
    /// texts from a 1st-grade leaflet to a legal consent form.
    #[test]
    fn scores_agree_with_textstat() {
        let reference = reference();
        let texts = reference["texts"].as_object().unwrap();
        assert!(texts.len() >= 8, "{} reference texts", texts.len());
        let mut worst = [("", 0.0f64); 3];
        let mut count_mismatches = Vec::new();
        for (name, expected) in texts {
            let text = std::fs::read_to_string(fixtures().join(format!("{name}.txt"))).unwrap();
            let counts = Counts::of(&text);
            let scores = counts.scores();
            let got = [scores.grade, scores.smog, scores.ease];
            let keys = ["flesch_kincaid_grade", "smog_index", "flesch_reading_ease"];
            for (i, key) in keys.iter().enumerate() {
                let diff = (got[i] - expected[key].as_f64().unwrap()).abs();
                if diff >= worst[i].1 {
                    worst[i] = (name.as_str(), diff);
                }
            }
            let pairs = [
                ("lexicon_count", counts.words),
                ("sentence_count", counts.sentence_count()),
                ("syllable_count", counts.syllables),
                ("polysyllable_count", counts.polysyllables),
            ];
            for (key, got) in pairs {
                if expected[key].as_u64() != Some(got as u64) {
                    count_mismatches
                        .push(format!("{name}: {key} {got}, textstat {}", expected[key]));
                }
            }
        }
        let report = format!(
            "worst differences from textstat: FK {:.3} ({}), SMOG {:.3} ({}), Reading Ease {:.3} ({}); counts: {count_mismatches:?}",
            worst[0].1, worst[0].0, worst[1].1, worst[1].0, worst[2].1, worst[2].0
        );
        eprintln!("{report}");
        assert!(
            worst[0].1 <= 0.5 && worst[1].1 <= 0.5 && worst[2].1 <= 2.0,
            "{report}"
        );
        assert!(count_mismatches.is_empty(), "{report}");
    }

    /// Every word of the reference texts has textstat's syllable count.
    #[test]
    fn syllables_agree_with_textstat_word_by_word() {
        let reference = reference();
        let words = reference["syllables"].as_object().unwrap();
        let wrong: Vec<String> = words
            .iter()
            .filter_map(|(word, n)| {
                let got = Counts::of(word).syllables as u64;
                (Some(got) != n.as_u64()).then(|| format!("{word}: {got}, textstat {n}"))
            })
            .collect();
        assert!(
            wrong.is_empty(),
            "{} of {} words differ: {wrong:?}",
            wrong.len(),
            words.len()
        );
        eprintln!("{} words agree with textstat", words.len());
    }

    #[test]
    fn markdown_prose_scores_like_the_plain_text() {
        let text = std::fs::read_to_string(fixtures().join("clinic-blog.txt")).unwrap();
        let markdown = format!("## American Heart Month\n\n{text}\n```\ncode block words\n```\n");
        assert_eq!(Prose::of(&markdown).counts(), Counts::of(&text));
    }

    fn post(audience: Audience, kind: Kind, body: &str) -> Post {
        let header = "+++\ntitle = \"T\"\n+++\n";
        Post {
            file: "content/blog/t.md".into(),
            source: format!("{header}{body}"),
            body_offset: header.len(),
            front: crate::content::PostFrontMatter {
                title: "T".into(),
                audience,
                kind,
                ..Default::default()
            },
            section: 0,
            slug: "t".into(),
            path: "/blog/t/".into(),
            content_path: "blog/t.md".into(),
            date: None,
            assets: Vec::new(),
            lang: "en".into(),
            tree: "en".into(),
            translation_key: "blog/t.md".into(),
        }
    }

    fn rules() -> Readability {
        Readability {
            plain: PlainWords::shipped(),
            target: DEFAULT_GRADE,
        }
    }

    fn dense() -> String {
        std::fs::read_to_string(fixtures().join("dense-abstract.txt")).unwrap()
    }

    #[test]
    fn a_dense_patient_post_gets_a_grade_warning_naming_its_hardest_sentences() {
        let found = rules().check(&post(
            Audience::Patients,
            Kind::Article,
            &format!("\n{}", dense()),
        ));
        let grade: Vec<&Diagnostic> = found.iter().filter(|d| d.rule == GRADE).collect();
        assert_eq!(grade.len(), 1, "{found:#?}");
        assert_eq!(grade[0].position.map(|p| p.line), Some(5));
        assert!(
            grade[0].message.contains("grade 23.4"),
            "{}",
            grade[0].message
        );
        let help = grade[0].help.as_deref().unwrap();
        assert_eq!(help.matches("\n  line ").count(), HARDEST, "{help}");
        assert!(
            help.contains("myocardial infarction → heart attack"),
            "{help}"
        );
        assert!(
            help.contains(
                "\"Results: Among 6,412 participants with a median follow-up of 4.7 years,"
            ),
            "{help}"
        );
        assert!(found.iter().any(|d| d.rule == JARGON), "{found:#?}");
    }

    #[test]
    fn physician_posts_and_other_languages_are_exempt() {
        assert!(
            rules()
                .check(&post(Audience::Physicians, Kind::Article, &dense()))
                .is_empty()
        );
        let mut spanish = post(Audience::Patients, Kind::Article, &dense());
        spanish.lang = "es".into();
        assert!(rules().check(&spanish).is_empty());
        assert!(
            !rules()
                .check(&post(Audience::Both, Kind::Article, &dense()))
                .is_empty()
        );
    }

    #[test]
    fn a_short_article_is_not_scored_and_says_so() {
        let found = rules().check(&post(
            Audience::Patients,
            Kind::Article,
            "\nThe lab opens at seven on Saturdays. Please obtain your cholesterol test prior to breakfast.\n",
        ));
        let rules_found: Vec<&str> = found.iter().map(|d| d.rule).collect();
        assert_eq!(rules_found, [JARGON, JARGON, TOO_SHORT], "{found:#?}");
        assert!(
            found[2].message.starts_with("15 words"),
            "{}",
            found[2].message
        );
        let news = post(
            Audience::Patients,
            Kind::News,
            "\nThe lab opens at seven.\n",
        );
        assert!(rules().check(&news).is_empty());
    }

    #[test]
    fn jargon_points_at_its_line_and_column_once_per_term() {
        let body =
            "\nPlain words here.\n\n## Renal care\n\nYour renal function and `renal` code.\n";
        let found = rules().check(&post(Audience::Patients, Kind::News, body));
        assert_eq!(found.len(), 1, "{found:#?}");
        let position = found[0].position.unwrap();
        assert_eq!((position.line, position.column), (7, 4));
        assert_eq!(
            found[0].help.as_deref(),
            Some(
                "say \"kidney\", or explain the term beside it (data/plain-words.toml can accept it)"
            )
        );
    }

    /// Ranking sentences from the words the grade counted gives what
    /// counting each sentence's words again gives, also where a sentence
    /// starts or ends inside a token (`"Hello`, `a.(b`, `'sure`).
    #[test]
    fn sentences_measured_from_the_counted_words_agree_with_counting_again() {
        let mut texts: Vec<String> = std::fs::read_dir(fixtures())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        assert!(texts.len() >= 8, "{} fixtures", texts.len());
        texts.extend(
            [
                "\"Hello there.\" she said. Take 2.5 mg a day. Then rest",
                "A list.(b c d e. DON'T 'sure' stop!? — ok... x.y z.\"Quoted\" next",
                "Ends mid word.x\n\nSecond block, e.g.the end. ¿Qué? Sí. «Bien» dicho.",
                "   Leading space. Trailing dots...   ",
            ]
            .map(String::from),
        );
        let mut compared = 0;
        for text in &texts {
            let prose = Prose::of(text);
            let (counts, words) = prose.measure();
            let by_block = prose
                .blocks()
                .iter()
                .filter(|b| b.scored)
                .map(|b| Counts::of(&prose.text()[b.range.clone()]))
                .fold(Counts::default(), Counts::plus);
            assert_eq!(counts, by_block);
            for range in whole_sentences(prose.sentences()) {
                assert_eq!(
                    Sentence::of_words(prose.text(), range.clone(), &words),
                    Sentence::measure(prose.text(), range.clone()),
                    "{:?}",
                    &prose.text()[range]
                );
                compared += 1;
            }
        }
        assert!(compared > 150, "{compared} sentences");
    }

    #[test]
    fn quotes_are_cut_to_one_short_line() {
        assert_eq!(quote("Walk\n  every day."), "Walk every day.");
        let long = "word ".repeat(30);
        let quoted = quote(&long);
        assert_eq!(quoted.chars().count(), QUOTE_CHARS);
        assert!(quoted.ends_with('…'));
    }
}
