//! Photos of patients (`privacy/image-consent`): an image whose alt text or
//! file name names a patient, or credits the photo to one, is published only
//! with the patient's written consent on record in the post's `consent`,
//! unexpired: the same authorization a story or testimonial needs
//! (45 CFR 164.508), now asked of every post that shows such a photo.
//!
//! What "names a patient" means here, since a pattern cannot know a name:
//! a title and a name ("Mrs. Lopez", "Mr. Okafor"); a credit to a person
//! ("courtesy of Maria", "photo by Jim Hart", "shared by her daughter Ana");
//! or the word patient, survivor or testimonial with a name beside it
//! ("patient Maria Lopez after her walk"). A file name counts when it holds
//! a title and a word ("mrs-lopez.jpg"), or a patient word and a word that
//! is not a description ("patient-maria-lopez.jpg", not
//! "patient-education-poster.png"). A doctor ("Dr. Patel") is not a patient.

use std::sync::LazyLock;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use regex::Regex;

use super::at_key;
use crate::content::{Date, Post};
use crate::diagnostic::{Diagnostic, LineIndex};

pub const CONSENT: &str = "privacy/image-consent";

static TITLE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+[A-Z][a-z]+").expect("valid regex"));
static CREDIT_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i:\b(?:courtesy of|photo(?:graph)? (?:by|from)|shared by|submitted by|with permission (?:of|from))\s+(?:(?:her|his|their|the) [a-z]+ )?)(?-i:[A-Z][a-z]+)")
        .expect("valid regex")
});
static PATIENT_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:patient|survivor|testimonial)s?\b").expect("valid regex")
});
/// A capitalised word that may be a name, not after "Dr."
static NAME_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^.\w]\s*|\s)([A-Z][a-z]{2,})\b").expect("valid regex"));

/// Capitalised words that are not names.
const NOT_NAMES: &[&str] = &[
    "The",
    "Our",
    "Her",
    "His",
    "Their",
    "She",
    "They",
    "After",
    "Before",
    "With",
    "Patient",
    "Patients",
    "Survivor",
    "Testimonial",
    "Photo",
    "Picture",
    "Image",
    "Nurse",
    "Doctor",
    "Clinic",
    "Hospital",
    "Heart",
    "Cardiac",
    "Rehab",
    "Team",
    "Staff",
    "Family",
    "Day",
    "Week",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Walk",
    "Run",
    "Smiling",
    "Holding",
    "Standing",
    "Sitting",
    "Two",
    "Three",
    "One",
    "Happy",
    "New",
    "First",
    "Last",
    "Riverside",
];

/// Words of a file name that describe a picture rather than name someone.
const DESCRIPTIONS: &[&str] = &[
    "patient",
    "patients",
    "survivor",
    "testimonial",
    "photo",
    "img",
    "image",
    "pic",
    "story",
    "stories",
    "after",
    "before",
    "with",
    "our",
    "the",
    "and",
    "education",
    "poster",
    "room",
    "care",
    "heart",
    "cardiac",
    "rehab",
    "clinic",
    "visit",
    "walk",
    "walking",
    "hands",
    "nurse",
    "doctor",
    "portal",
    "form",
    "chart",
    "waiting",
    "exam",
    "team",
    "group",
    "family",
    "smiling",
    "happy",
    "day",
    "home",
    "hospital",
    "surgery",
    "recovery",
    "stock",
    "generic",
    "hero",
    "header",
    "banner",
    "cover",
    "card",
    "small",
    "large",
    "wide",
    "crop",
    "edit",
    "final",
    "jpg",
    "jpeg",
    "png",
    "webp",
    "gif",
    "avif",
    "svg",
];

/// What in an image's alt text or file name names a patient, if anything.
fn names_a_patient(alt: &str, file: &str) -> Option<String> {
    if let Some(m) = TITLE_RE.find(alt).or_else(|| CREDIT_RE.find(alt)) {
        return Some(format!("its alt text names a patient: \"{}\"", m.as_str()));
    }
    if PATIENT_RE.is_match(alt) {
        let name = NAME_RE
            .captures_iter(alt)
            .map(|c| c.get(1).expect("group"))
            .filter(|m| !alt[..m.start()].trim_end().ends_with("Dr."))
            .find(|m| !NOT_NAMES.contains(&m.as_str()));
        if let Some(name) = name {
            return Some(format!(
                "its alt text names a patient: \"{}\"",
                name.as_str()
            ));
        }
    }
    let stem = file
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file)
        .to_lowercase();
    let words: Vec<&str> = stem
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    let titled = words
        .windows(2)
        .any(|w| matches!(w[0], "mr" | "mrs" | "ms" | "miss") && w[1].len() >= 2);
    let patient = words
        .iter()
        .any(|w| matches!(*w, "patient" | "survivor" | "testimonial"));
    let named = words
        .iter()
        .any(|w| w.len() >= 3 && !DESCRIPTIONS.contains(w));
    (titled || patient && named).then(|| format!("its file name names a patient: {stem}"))
}

/// Every image of the post that names a patient, unless the post carries
/// unexpired consent.
pub fn check(post: &Post, today: Date) -> Vec<Diagnostic> {
    let why_not = match &post.front.consent {
        Some(c) if c.expires >= today => return Vec::new(),
        Some(c) => format!("the patient's consent expired on {}", c.expires),
        None => "the post has no patient consent on record".to_string(),
    };
    let help = "add `consent = { reference = \"AUTH-…\", expires = YYYY-MM-DD }` for the patient's written authorization, which covers the photo (45 CFR 164.508), or describe the picture without naming the patient";
    let mut found = Vec::new();
    let front = &post.front;
    if let Some(image) = &front.image {
        let alt = front.image_alt.as_deref().unwrap_or("");
        if let Some(what) = names_a_patient(alt, image) {
            let key = if alt.is_empty() { "image" } else { "image_alt" };
            found.push(
                at_key(
                    post,
                    CONSENT,
                    key,
                    format!("the post's image: {what}, and {why_not}"),
                )
                .with_help(help),
            );
        }
    }
    let body = &post.source[post.body_offset..];
    let index = LineIndex::new(&post.source);
    let mut open: Option<(usize, String, String)> = None;
    for (event, range) in Parser::new_ext(body, crate::markdown::options(false)).into_offset_iter()
    {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                open = Some((range.start, dest_url.to_string(), String::new()));
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, _, alt)) = open.as_mut() {
                    alt.push_str(&text);
                }
            }
            Event::End(TagEnd::Image) => {
                let Some((start, file, alt)) = open.take() else {
                    continue;
                };
                if let Some(what) = names_a_patient(&alt, &file) {
                    found.push(
                        Diagnostic::error(CONSENT, format!("this image: {what}, and {why_not}"))
                            .in_file(&post.file)
                            .at(index.position(&post.source, post.body_offset + start))
                            .with_help(help),
                    );
                }
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::names_a_patient;

    #[test]
    fn names_titles_credits_and_patient_words_beside_a_name() {
        for (alt, file) in [
            ("Mrs. Lopez on her first walk after surgery", "walk.jpg"),
            (
                "A man at the finish line, photo courtesy of Jim",
                "race.jpg",
            ),
            ("Our patient Maria Lopez with her grandson", "maria.jpg"),
            ("A woman smiling", "patient-maria-lopez.jpg"),
            ("A woman smiling", "mrs-hart-rehab.jpg"),
            ("Shared by her daughter Ana: the cake", "cake.jpg"),
        ] {
            assert!(names_a_patient(alt, file).is_some(), "{alt} / {file}");
        }
        for (alt, file) in [
            ("A nurse checks a man's blood pressure", "bp-check.jpg"),
            ("Dr. Patel explains the echo to a patient", "echo.jpg"),
            ("Patients in the waiting room", "waiting-room.jpg"),
            ("A poster for patients", "patient-education-poster.png"),
            ("The Riverside Heart team at the 5K", "team-5k.jpg"),
        ] {
            assert_eq!(names_a_patient(alt, file), None, "{alt} / {file}");
        }
    }
}
