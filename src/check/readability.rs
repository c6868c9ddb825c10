//! Reading level of patient-facing posts, computed as textstat 0.7.x computes
//! it; the hardest sentences and the medical jargon to make plainer.
//!
//! English posts: the Flesch–Kincaid grade against the site's target
//! (`[check] reading_grade`, 8 by default), with Reading Ease and SMOG beside
//! it. Spanish posts (`lang = "es"`, `es-MX`…): the Szigriszt-Pazos
//! perspicuity on the INFLESZ scale against `[check] reading_ease_es` (55,
//! "normal", by default), with Fernández Huerta beside it, and the Spanish
//! jargon list. Posts in other languages are not scored.

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
use scores::{Counts, Sentence, Word};
use syllables::Language;

pub const GRADE: &str = "readability/grade";
pub const JARGON: &str = "readability/jargon";
pub const TOO_SHORT: &str = "readability/too-short";

/// The grade patient materials should not exceed (NIH: below 8th grade).
pub const DEFAULT_GRADE: f64 = 8.0;

/// The Szigriszt-Pazos perspicuity Spanish patient materials should reach:
/// 55 is where INFLESZ's "normal" begins, the level its authors
/// (Barrio-Cantalejo et al., 2008) set for health texts meant for everyone.
pub const DEFAULT_EASE_ES: f64 = 55.0;

/// Below this many words the formulas swing too much to report a grade.
const MIN_WORDS: usize = 100;

/// How many of the hardest sentences a grade warning quotes.
const HARDEST: usize = 3;

/// How much of a sentence a warning quotes, in characters.
const QUOTE_CHARS: usize = 80;

/// What the readability rules need for a whole site: the jargon lists (read
/// once, not per post) and the targets.
pub struct Readability {
    plain: PlainWords,
    plain_es: PlainWords,
    target: f64,
    target_es: f64,
}

impl Readability {
    /// The site's rules, and any problem with its `data/plain-words.toml`
    /// or `data/plain-words-es.toml`.
    pub fn new(site: &Site, settings: &Settings) -> (Readability, Vec<Diagnostic>) {
        let (plain, mut problems) = PlainWords::for_site(site, Language::English);
        let (plain_es, problems_es) = PlainWords::for_site(site, Language::Spanish);
        problems.extend(problems_es);
        let readability = Readability {
            plain,
            plain_es,
            target: settings.reading_grade,
            target_es: settings.reading_ease_es,
        };
        (readability, problems)
    }

    fn plain(&self, language: Language) -> &PlainWords {
        match language {
            Language::English => &self.plain,
            Language::Spanish => &self.plain_es,
        }
    }

    /// Whether a post's scores miss its language's target.
    fn misses_target(&self, language: Language, counts: &Counts) -> bool {
        match language {
            Language::English => counts.scores().grade > self.target,
            Language::Spanish => counts.spanish_scores().perspicuity < self.target_es,
        }
    }

    pub fn check(&self, post: &Post) -> Vec<Diagnostic> {
        let Some(language) = Language::of(&post.lang) else {
            return Vec::new();
        };
        if !post.front.audience.reaches_patients() {
            return Vec::new();
        }
        let body = post.body_offset.min(post.source.len());
        let prose = Prose::of(&post.source[body..]);
        let report = PostProse {
            post,
            prose: &prose,
            index: LineIndex::new(&post.source),
            language,
        };
        let plain = self.plain(language);
        let mut found = report.jargon(plain);
        let (counts, words) = prose.measure(language);
        if counts.words < MIN_WORDS {
            // Short news, polls and notices are not scored; a short medical
            // article is worth saying so.
            if expects_a_grade(post.front.kind) {
                found.push(report.too_short(counts.words));
            }
            return found;
        }
        if self.misses_target(language, &counts) {
            let message = match language {
                Language::English => self.grade_message(&counts),
                Language::Spanish => self.perspicuity_message(&counts),
            };
            found.push(report.grade(message, plain, &words));
        }
        found
    }

    fn grade_message(&self, counts: &Counts) -> String {
        let scores = counts.scores();
        format!(
            "reads at grade {:.1} (Flesch–Kincaid), above the target of grade {}; Reading Ease {:.1}, SMOG {:.1}",
            scores.grade, self.target, scores.ease, scores.smog
        )
    }

    fn perspicuity_message(&self, counts: &Counts) -> String {
        let scores = counts.spanish_scores();
        format!(
            "reads as \"{}\" on the INFLESZ scale (Szigriszt-Pazos {:.1}), below the target of {}; Fernández Huerta {:.1}",
            inflesz(scores.perspicuity),
            scores.perspicuity,
            self.target_es,
            scores.fernandez_huerta
        )
    }
}

/// The INFLESZ band of a Szigriszt-Pazos perspicuity (Barrio-Cantalejo et
/// al., 2008), in its own Spanish words.
pub fn inflesz(perspicuity: f64) -> &'static str {
    match perspicuity {
        p if p < 40.0 => "muy difícil",
        p if p < 55.0 => "algo difícil",
        p if p < 65.0 => "normal",
        p if p < 80.0 => "bastante fácil",
        _ => "muy fácil",
    }
}

/// A patient-facing post's reading level, for the report and `--format json`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Reading {
    /// Words of prose.
    pub words: usize,
    /// `None` when the post is not scored or not in English; `not_scored`
    /// says why a post is not scored.
    pub grade: Option<f64>,
    pub reading_ease: Option<f64>,
    pub smog: Option<f64>,
    /// A Spanish post's scores: Szigriszt-Pazos perspicuity, its INFLESZ
    /// band, and Fernández Huerta. Absent for other posts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub szigriszt_pazos: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inflesz: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fernandez_huerta: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_scored: Option<&'static str>,
    /// The hardest sentences, hardest first.
    pub hardest: Vec<Hard>,
}

/// One of a post's hardest sentences: its line in the file, its own grade
/// (English) or perspicuity (Spanish), its words on one line.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hard {
    pub line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub perspicuity: Option<f64>,
    pub text: String,
}

impl Hard {
    /// "grade 14.2" or "perspicuity 31.0", as a warning and the report say it.
    pub fn score(&self) -> String {
        match (self.grade, self.perspicuity) {
            (Some(grade), _) => format!("grade {grade:.1}"),
            (None, Some(p)) => format!("perspicuity {p:.1}"),
            (None, None) => String::new(),
        }
    }
}

impl Readability {
    /// The reading level of a patient-facing post (`None` for one for
    /// physicians only), scored or not.
    pub fn reading(&self, post: &Post) -> Option<Reading> {
        if !post.front.audience.reaches_patients() {
            return None;
        }
        let unscored = |words, why| Reading {
            not_scored: Some(why),
            ..Reading::empty(words)
        };
        let Some(language) = Language::of(&post.lang) else {
            return Some(unscored(0, "not in English or Spanish"));
        };
        let body = post.body_offset.min(post.source.len());
        let prose = Prose::of(&post.source[body..]);
        let (counts, words) = prose.measure(language);
        if counts.words < MIN_WORDS {
            return Some(unscored(counts.words, "too short to score"));
        }
        let report = PostProse {
            post,
            prose: &prose,
            index: LineIndex::new(&post.source),
            language,
        };
        let mut reading = Reading {
            hardest: report
                .hardest(&words)
                .into_iter()
                .map(|(hard, _)| hard)
                .collect(),
            ..Reading::empty(counts.words)
        };
        match language {
            Language::English => {
                let scores = counts.scores();
                reading.grade = Some(scores.grade);
                reading.reading_ease = Some(scores.ease);
                reading.smog = Some(scores.smog);
            }
            Language::Spanish => {
                let scores = counts.spanish_scores();
                reading.szigriszt_pazos = Some(scores.perspicuity);
                reading.inflesz = Some(inflesz(scores.perspicuity));
                reading.fernandez_huerta = Some(scores.fernandez_huerta);
            }
        }
        Some(reading)
    }
}

impl Reading {
    fn empty(words: usize) -> Reading {
        Reading {
            words,
            grade: None,
            reading_ease: None,
            smog: None,
            szigriszt_pazos: None,
            inflesz: None,
            fernandez_huerta: None,
            not_scored: None,
            hardest: Vec::new(),
        }
    }

    /// Whether the post misses its language's target: a grade above
    /// `reading_grade`, or a perspicuity below `reading_ease_es`.
    pub fn over_target(&self, settings: &Settings) -> bool {
        self.grade.is_some_and(|g| g > settings.reading_grade)
            || self
                .szigriszt_pazos
                .is_some_and(|p| p < settings.reading_ease_es)
    }
}

/// Reads the syllable tables, which the first post scored would otherwise do.
pub fn prepare() {
    syllables::prepare();
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
    language: Language,
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
                        "say \"{}\", or explain the term beside it (data/{}.toml can accept it)",
                        jargon.plain,
                        match self.language {
                            Language::English => "plain-words",
                            Language::Spanish => "plain-words-es",
                        }
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

    fn grade(&self, message: String, plain: &PlainWords, words: &[Word]) -> Diagnostic {
        self.first_line(GRADE, message)
            .with_help(self.hardest_sentences(plain, words))
    }

    /// The hardest sentences, by their own grade (or perspicuity), each with
    /// its range in the prose. `words` are the prose's, as counting the
    /// scores found them.
    fn hardest(&self, words: &[Word]) -> Vec<(Hard, Range<usize>)> {
        let text = self.prose.text();
        let language = self.language;
        let mut sentences: Vec<Sentence> = whole_sentences(self.prose.sentences())
            .into_iter()
            .map(|range| Sentence::of_words(text, range, words, language))
            .filter(|s| s.words > 2)
            .collect();
        match language {
            Language::English => sentences.sort_by(|a, b| b.grade().total_cmp(&a.grade())),
            Language::Spanish => {
                sentences.sort_by(|a, b| a.perspicuity().total_cmp(&b.perspicuity()))
            }
        }
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
                let english = language == Language::English;
                let hard = Hard {
                    line,
                    grade: english.then(|| sentence.grade()),
                    perspicuity: (!english).then(|| sentence.perspicuity()),
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
        let mut help = String::from(match self.language {
            Language::English => {
                "shorter sentences and shorter words bring it down; the hardest sentences:"
            }
            Language::Spanish => {
                "shorter sentences and shorter words bring it up; the hardest sentences:"
            }
        });
        let mut jargon: Vec<(&str, &str)> = Vec::new();
        for (hard, range) in self.hardest(words) {
            help.push_str(&format!(
                "\n  line {} ({}): \"{}\"",
                hard.line,
                hard.score(),
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
            plain_es: PlainWords::shipped_in(Language::Spanish),
            target: DEFAULT_GRADE,
            target_es: DEFAULT_EASE_ES,
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
        let mut french = post(Audience::Patients, Kind::Article, &dense());
        french.lang = "fr".into();
        assert!(rules().check(&french).is_empty());
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
            let (counts, words) = prose.measure(Language::English);
            let by_block = prose
                .blocks()
                .iter()
                .filter(|b| b.scored)
                .map(|b| Counts::of(&prose.text()[b.range.clone()]))
                .fold(Counts::default(), Counts::plus);
            assert_eq!(counts, by_block);
            for range in whole_sentences(prose.sentences()) {
                assert_eq!(
                    Sentence::of_words(prose.text(), range.clone(), &words, Language::English),
                    Sentence::measure(prose.text(), range.clone(), Language::English),
                    "{:?}",
                    &prose.text()[range]
                );
                compared += 1;
            }
        }
        assert!(compared > 150, "{compared} sentences");
    }

    fn fixtures_es() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/readability_es")
    }

    /// Rows of a TSV written by scripts/readability-reference-es.py, without
    /// its comment and header lines.
    fn tsv(name: &str) -> Vec<Vec<String>> {
        std::fs::read_to_string(fixtures_es().join(name))
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#'))
            .skip(1)
            .map(|l| l.split('\t').map(String::from).collect())
            .collect()
    }

    /// Rounds' Spanish scores against textstat 0.7.13's (`set_lang("es")`)
    /// on the fixtures, from a plain leaflet to a trial abstract.
    #[test]
    fn spanish_scores_agree_with_textstat() {
        let rows = tsv("reference.tsv");
        assert!(rows.len() >= 6, "{} reference texts", rows.len());
        let mut report = Vec::new();
        let mut worst = 0.0f64;
        for row in &rows {
            let text =
                std::fs::read_to_string(fixtures_es().join(format!("{}.txt", row[0]))).unwrap();
            let counts = Counts::of_in(&text, Language::Spanish);
            let scores = counts.spanish_scores();
            let expected: Vec<f64> = row[1..3].iter().map(|v| v.parse().unwrap()).collect();
            let diffs = [
                (scores.fernandez_huerta - expected[0]).abs(),
                (scores.perspicuity - expected[1]).abs(),
            ];
            worst = worst.max(diffs[0]).max(diffs[1]);
            let got_counts = [counts.words, counts.sentence_count(), counts.syllables];
            let want_counts: Vec<usize> = row[3..6].iter().map(|v| v.parse().unwrap()).collect();
            report.push(format!(
                "{}: FH {:.2} (textstat {:.2}), SP {:.2} (textstat {:.2}), counts {got_counts:?} (textstat {want_counts:?})",
                row[0], scores.fernandez_huerta, expected[0], scores.perspicuity, expected[1]
            ));
            assert_eq!(got_counts.to_vec(), want_counts, "{}", report.join("\n"));
        }
        eprintln!("{}", report.join("\n"));
        assert!(worst <= 0.5, "worst {worst}:\n{}", report.join("\n"));
    }

    /// Every word of the Spanish fixtures has textstat's syllable count.
    #[test]
    fn spanish_syllables_agree_with_textstat_word_by_word() {
        let rows = tsv("syllables.tsv");
        assert!(rows.len() > 300, "{} words", rows.len());
        let wrong: Vec<String> = rows
            .iter()
            .filter_map(|row| {
                let got = Counts::of_in(&row[0], Language::Spanish).syllables;
                (got.to_string() != row[1])
                    .then(|| format!("{}: {got}, textstat {}", row[0], row[1]))
            })
            .collect();
        assert!(
            wrong.is_empty(),
            "{} of {} differ: {wrong:?}",
            wrong.len(),
            rows.len()
        );
    }

    fn spanish(body: &str) -> Post {
        let mut post = post(Audience::Patients, Kind::Article, body);
        post.lang = "es".into();
        post
    }

    #[test]
    fn a_hard_spanish_post_is_warned_on_the_inflesz_scale_with_its_hardest_sentences() {
        let text = std::fs::read_to_string(fixtures_es().join("consentimiento.txt")).unwrap();
        let found = rules().check(&spanish(&format!("\n{text}")));
        let grade: Vec<&Diagnostic> = found.iter().filter(|d| d.rule == GRADE).collect();
        assert_eq!(grade.len(), 1, "{found:#?}");
        assert!(
            grade[0].message.contains("\"muy difícil\" on the INFLESZ scale (Szigriszt-Pazos 11.2), below the target of 55"),
            "{}",
            grade[0].message
        );
        let help = grade[0].help.as_deref().unwrap();
        assert!(help.contains("\n  line 5 (perspicuity "), "{help}");
        assert!(help.contains("facultativo → médico"), "{help}");
        // The plain leaflet reaches the target and gets no warning.
        let plain = std::fs::read_to_string(fixtures_es().join("folleto-presion.txt")).unwrap();
        let found = rules().check(&spanish(&format!("\n{plain}")));
        assert!(found.iter().all(|d| d.rule != GRADE), "{found:#?}");
        let reading = rules().reading(&spanish(&plain)).unwrap();
        assert_eq!(reading.inflesz, Some("muy fácil"));
        assert!(reading.grade.is_none() && reading.szigriszt_pazos.is_some());
    }

    #[test]
    fn spanish_jargon_is_found_with_the_spanish_list() {
        let body = "\nSi tiene cefalea o hipertensión arterial, llame.\n";
        let found = rules().check(&spanish(body));
        let helps: Vec<&str> = found
            .iter()
            .filter(|d| d.rule == JARGON)
            .filter_map(|d| d.help.as_deref())
            .collect();
        assert_eq!(
            helps,
            [
                "say \"dolor de cabeza\", or explain the term beside it (data/plain-words-es.toml can accept it)",
                "say \"presión alta\", or explain the term beside it (data/plain-words-es.toml can accept it)",
            ],
            "{found:#?}"
        );
        assert_eq!(inflesz(54.9), "algo difícil");
        assert_eq!(inflesz(55.0), "normal");
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
