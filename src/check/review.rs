//! Medical review: patient-facing posts name a known reviewing doctor and a
//! review date that is not stale; prevention and testing posts cite sources,
//! and DOI and PMID citations are well-formed; patient stories carry consent.

use std::sync::LazyLock;

use super::{Settings, at_key};
use crate::content::{Date, Kind, Post};
use crate::diagnostic::Diagnostic;

pub const MISSING: &str = "review/missing";
pub const STALE: &str = "review/stale";
pub const SOURCES_MISSING: &str = "sources/missing";
pub const SOURCE_MALFORMED: &str = "sources/malformed";
pub const CONSENT: &str = "privacy/consent";

static DOI: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"^10\.\d{4,9}/\S+$").expect("valid regex"));

pub fn check(post: &Post, settings: &Settings, today: Date) -> Vec<Diagnostic> {
    let front = &post.front;
    let medical = matches!(front.kind, Kind::Article | Kind::Prevention | Kind::Testing);
    let mut found = Vec::new();
    if front.audience.reaches_patients() && medical {
        found.extend(reviewer(post));
        found.extend(review_date(post, settings, today));
    }
    found.extend(sources_missing(post));
    found.extend(
        front
            .sources
            .iter()
            .filter_map(|s| malformed_source(post, s)),
    );
    found.extend(consent(post, today));
    found
}

/// A patient-facing medical post names a reviewer; that the reviewer is one
/// of the doctors is `references`' to check, for every post.
fn reviewer(post: &Post) -> Option<Diagnostic> {
    post.front.reviewed_by.is_none().then(|| {
        at_key(post, MISSING, "title", "this patient-facing post names no reviewing doctor".into())
            .with_help("add `reviewed_by = \"<doctor key>\"` and `last_reviewed = YYYY-MM-DD` after a doctor has reviewed it")
    })
}

/// A review has a date, and the date is not older than `review_months`.
fn review_date(post: &Post, settings: &Settings, today: Date) -> Option<Diagnostic> {
    let front = &post.front;
    let Some(date) = front.last_reviewed else {
        return front.reviewed_by.is_some().then(|| {
            at_key(
                post,
                MISSING,
                "reviewed_by",
                "the review has no date".into(),
            )
            .with_help("add `last_reviewed = YYYY-MM-DD`")
        });
    };
    let months = months_between(date, today);
    (months >= i64::from(settings.review_months)).then(|| {
        at_key(
            post,
            STALE,
            "last_reviewed",
            format!("last reviewed {months} months ago, on {date}"),
        )
        .with_help(format!(
            "have a doctor review it again (reviews older than {} months are stale)",
            settings.review_months
        ))
    })
}

/// Prevention and testing posts give advice, so they cite where it comes from.
fn sources_missing(post: &Post) -> Option<Diagnostic> {
    let front = &post.front;
    (matches!(front.kind, Kind::Prevention | Kind::Testing) && front.sources.is_empty()).then(
        || {
            at_key(
                post,
                SOURCES_MISSING,
                "kind",
                format!("a {} post should cite its sources", kind_name(front.kind)),
            )
            .with_help("add `sources = [\"doi:10.…\", \"pmid:…\", \"https://…\"]`")
        },
    )
}

/// A `doi:` or `pmid:` citation that readers could not follow.
fn malformed_source(post: &Post, source: &str) -> Option<Diagnostic> {
    let message = citation_problem(source.trim())?;
    Some(
        at_key(post, SOURCE_MALFORMED, "sources", message)
            .with_help("fix the citation so readers can follow it"),
    )
}

/// What is wrong with a `doi:` or `pmid:` citation; other sources (web
/// addresses, books) are not checked.
fn citation_problem(trimmed: &str) -> Option<String> {
    let lower = trimmed.to_ascii_lowercase();
    if let Some(doi) = lower.strip_prefix("doi:") {
        (!DOI.is_match(doi.trim())).then(|| {
            format!("`{trimmed}` is not a DOI (they look like doi:10.1161/CIR.0000000000000678)")
        })
    } else if let Some(pmid) = lower.strip_prefix("pmid:") {
        let digits = pmid.trim();
        (digits.is_empty() || digits.len() > 9 || !digits.chars().all(|c| c.is_ascii_digit())).then(
            || format!("`{trimmed}` is not a PubMed id (one to nine digits, e.g. pmid:30879355)"),
        )
    } else {
        None
    }
}

/// A patient story is published only with the patient's written consent,
/// and not after it expires.
fn consent(post: &Post, today: Date) -> Option<Diagnostic> {
    let front = &post.front;
    if !matches!(front.kind, Kind::Story | Kind::Testimonial) {
        return None;
    }
    match &front.consent {
        None => Some(
            at_key(
                post,
                CONSENT,
                "kind",
                "a patient story needs the patient's written consent on record".into(),
            )
            .with_help(
                "add `consent = { reference = \"AUTH-…\", expires = YYYY-MM-DD }` (45 CFR 164.508)",
            ),
        ),
        Some(consent) if consent.expires < today => Some(
            at_key(
                post,
                CONSENT,
                "consent",
                format!("the patient's consent expired on {}", consent.expires),
            )
            .with_help("renew the authorization, or unpublish the story"),
        ),
        Some(_) => None,
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Prevention => "prevention",
        Kind::Testing => "testing",
        _ => "medical",
    }
}

pub(super) fn months_between(from: Date, to: Date) -> i64 {
    use chrono::Datelike;
    let (a, b) = (from.day(), to.day());
    let months = i64::from(b.year() - a.year()) * 12 + i64::from(b.month()) - i64::from(a.month());
    if b.day() < a.day() {
        months - 1
    } else {
        months
    }
}
