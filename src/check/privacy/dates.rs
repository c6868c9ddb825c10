//! Dates tied to a person (`privacy/event-date`: an admission, a discharge,
//! a visit, a procedure, a death) and ages over 89 however they are written
//! (`privacy/age`). A date is a person's only when a word for such an event
//! stands in the same sentence; "the clinic is closed on January 1, 2027"
//! names nobody. Ranges ("in her nineties", "90 or older") are what Safe
//! Harbor asks for, or coarser than an age, so they pass.

use std::sync::LazyLock;

use regex::Regex;

use super::{AGE, EVENT_DATE, Finding, re};

/// A month by name, full or short, with its dot.
const MONTH: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";
/// A day of the month, with its ordinal ("7th").
const DAY: &str = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?";

/// Every common way of writing a day: 3/7/2024, 3-7-24, 3.7.2024,
/// 2024-05-30, 3/7, March 7, 2024, Mar. 7th, 7 March 2024, the 7th of March.
pub(super) fn date_pattern() -> String {
    format!(
        r"(?i:\b(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})\b|\d{{4}}-\d{{2}}-\d{{2}}\b|\d{{1,2}}/\d{{1,2}}\b|{MONTH}\s+{DAY}\b(?:,?\s+\d{{4}}\b)?|(?:the\s+)?{DAY}\s+(?:of\s+)?{MONTH}(?:,?\s+\d{{4}}\b)?))"
    )
}

pub(super) static DATE_RE: LazyLock<Regex> = LazyLock::new(|| re(&date_pattern()));

/// Words for what happens to a patient on a day.
static EVENT_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:(?:re)?admitted|(?:on|her|his|their|my|date of) admission|admission date|admit date|discharged|discharge|was seen|were seen|seen (?:in|at|by)|visited|(?:her|his|their|my|last|first|next|follow-up) (?:office |clinic |home )?visit|visit on|appointment on|(?:her|his|their|my) appointment|had (?:her|his|their|my)?\s*(?:surgery|operation|procedure|biopsy|scan)|(?:surgery|operation|procedure|biopsy|scan|mri|ct|colonoscopy|mammogram) on|operated on|underwent|died|passed away|(?:date|day|time) of death|death on|deceased|DOD|DOS|date of service|presented|arrived|was transferred|delivered|gave birth|hospitali[sz]ed|intubated|was diagnosed|diagnosed on|injured|collapsed|came in|brought in|to the (?:ER|ED|emergency room|ICU))\b",
    )
});

/// A birth date is `privacy/date`'s; its words mark the date as taken.
static BIRTH_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(?:born(?: on)?|DOB|date of birth|birthday)\b(?:\s+(?:is|was))?[:,\s]{0,3}$")
});

/// How far from the date its event word may stand, in bytes.
const REACH: usize = 60;

pub(super) fn event_dates(line: &str) -> Vec<Finding> {
    DATE_RE
        .find_iter(line)
        .filter(|m| plausible(m.as_str(), &line[..m.start()]))
        .filter(|m| !BIRTH_RE.is_match(&line[..m.start()]))
        .filter(|m| {
            let (before, after) = sentence_around(line, m.start(), m.end());
            EVENT_RE.is_match(before) || EVENT_RE.is_match(after)
        })
        .map(|m| {
            Finding::at(
                EVENT_DATE,
                m,
                format!("a date tied to a patient: \"{}\"", m.as_str()),
                "give the year, or say \"this spring\", \"last week\": every part of a patient's dates but the year identifies them",
            )
        })
        .collect()
}

/// A date of digits names a real month and day (in either order), and one
/// without a year ("3/7") only when written "on 3/7": else it is a fraction,
/// a score, a ratio.
fn plausible(date: &str, before: &str) -> bool {
    let iso = date.len() == 10 && date.as_bytes()[4] == b'-';
    if date.chars().any(|c| c.is_ascii_alphabetic()) || iso {
        return true;
    }
    let parts: Vec<u32> = date
        .split(['/', '-', '.'])
        .filter_map(|p| p.parse().ok())
        .collect();
    let day_month = |a: u32, b: u32| (1..=12).contains(&a) && (1..=31).contains(&b);
    let real = parts.len() >= 2 && (day_month(parts[0], parts[1]) || day_month(parts[1], parts[0]));
    if parts.len() == 2 {
        return real && before.to_ascii_lowercase().ends_with("on ");
    }
    real
}

/// The text either side of a match, within `REACH` bytes and its sentence.
fn sentence_around(line: &str, start: usize, end: usize) -> (&str, &str) {
    let mut from = start.saturating_sub(REACH);
    while !line.is_char_boundary(from) {
        from += 1;
    }
    let mut to = (end + REACH).min(line.len());
    while !line.is_char_boundary(to) {
        to -= 1;
    }
    let before = &line[from..start];
    let before = sentence_ends(before)
        .last()
        .map_or(before, |i| &before[i..]);
    let after = &line[end..to];
    let after = sentence_ends(after).next().map_or(after, |i| &after[..i]);
    (before, after)
}

/// Where sentences end in `text`: after ". ", "! ", "? ", "; ", but not
/// after a short capitalised abbreviation ("Dr. ", "Mrs. ", "Feb. ").
fn sentence_ends(text: &str) -> impl DoubleEndedIterator<Item = usize> + '_ {
    text.match_indices(['.', '!', '?', ';'])
        .filter(move |(i, mark)| {
            let next = text[i + 1..].starts_with(' ');
            let word = text[..*i]
                .rsplit(|c: char| !c.is_alphabetic())
                .next()
                .unwrap_or("");
            let abbreviation =
                *mark == "." && word.len() <= 4 && word.starts_with(char::is_uppercase);
            next && !abbreviation
        })
        .map(|(i, _)| i + 1)
}

/// An age over 89, in figures or in words.
const OLD: &str = r"(?:9\d|1[01]\d|120|ninety(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|(?:a |one )?hundred(?:(?: and)?[- ](?:one|two|three|four|five|six|seven|eight|nine|ten))?)";

/// Every way staff write an age: "a 103-year-old", "97 years old", "aged 91",
/// "age: 94", "92 years of age", "92 y/o", "at 97 he", "at 92, Walter",
/// "ninety-three and still driving", "turned 95", "her 100th birthday".
pub(super) fn age_pattern() -> String {
    format!(
        r"(?i:\b{OLD}[- ](?:years?|yrs?)[- ](?:old|young)\b|\baged?[:\s]+{OLD}\b|\b{OLD}\s+years?\s+of\s+age\b|\b{OLD}\s*(?:y/o|yo|y\.o\.)|\bat\s+(?:age\s+)?{OLD},?\s+(?:he|she|they|I|we|my|his|her|our|mr|mrs|ms|miss|grandma|grandpa)\b|\bat\s+{OLD},\s+(?-i:[A-Z][a-z]+)\b|\b{OLD}(?:,|\s+and)\s+(?:still|going strong|counting)\b|\bturn(?:s|ed|ing)?\s+{OLD}\b|\b(?:9\d|1[01]\d)(?:st|nd|rd|th)\s+birthday\b)"
    )
}

pub(super) static AGE_RE: LazyLock<Regex> = LazyLock::new(|| re(&age_pattern()));

/// What follows an age that makes it a range, a thing's age, or not an age.
static NOT_A_PERSON_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:\s*(?:\+|plus\b|or (?:older|over|above)\b|and (?:older|over|above|up)\b|years? and (?:older|over)\b|%|percent\b|degrees?\b|°|mg\b|minutes?\b|times?\b)|[- ]?(?:building|hospital|clinic|church|house|home|tree|oak|tradition|company|firm|practice|institution|school|bridge|recipe|law|rule|drug|remedy|vaccine|idea|question|mystery|photo|photograph|letter|map|piano|farm|barn|treatment|technique|method|test|organization|charity|newspaper|business|landmark|cent(?:er|re)|library|chapel|hall|statue|theat(?:er|re)|mill|inn|study|journal|society|foundation|campus|wing|ward))",
    )
});

pub(super) fn ages(line: &str) -> Vec<Finding> {
    AGE_RE
        .find_iter(line)
        .filter(|m| !NOT_A_PERSON_RE.is_match(&line[m.end()..]))
        .map(|m| {
            Finding::at(
                AGE,
                m,
                format!("an age over 89: \"{}\"", m.as_str()),
                "Safe Harbor groups ages over 89 as \"90 or older\"",
            )
        })
        .collect()
}
