//! Numbers that identify a patient only beside the word that says what they
//! are: a health plan's member number, an account, a licence or certificate,
//! a vehicle's plate, a device's serial. The number alone is ambiguous (a
//! dose, a code, a room), so each family needs its word, then a number with
//! enough digits that is not a year. A VIN needs no word: 17 characters whose
//! check digit holds are one.

use std::sync::LazyLock;

use regex::Regex;

use super::{ACCOUNT, DEVICE, Finding, HEALTH_PLAN, LICENSE, VEHICLE, re};

/// What may stand between the word and the number: "number", "no.", "#",
/// "ID", "is", ":".
const FILLER: &str = r"(?:\s*(?:number|num\.?|no\.?|#|id|is|was|reads|of|:|=)(?:\b|\s|$))*[\s:#]*";

/// The identifier itself: letters, digits and dashes.
/// The identifier itself: letters, digits and dashes, or a capitals prefix
/// and digits ("BCX 7712093").
const TOKEN: &str = r"([A-Z]{2,4} \d[\d-]{2,}|[A-Za-z0-9(][A-Za-z0-9()-]{1,39})";

/// The words, each ending on its own boundary (a word ends on a letter, "#"
/// and "no." do not), then the identifier.
fn family(words: &str) -> Regex {
    re(&format!(r"(?i:\b(?:{words}){FILLER}){TOKEN}"))
}

pub(super) static HEALTH_PLAN_RE: LazyLock<Regex> = LazyLock::new(|| {
    family(
        r"(?:member|subscriber|beneficiary|policy(?:holder)?|insurance(?: card)?|health plan|plan|medicaid|medi-cal|enrollee)\s*(?:(?:id|number|card)\b|no\b\.?|#)",
    )
});
pub(super) static ACCOUNT_RE: LazyLock<Regex> = LazyLock::new(|| {
    family(
        r"(?:account|billing (?:id|number)|card ending in|credit card|debit card|guarantor (?:id|number))\b|acct\b\.?",
    )
});
pub(super) static LICENSE_RE: LazyLock<Regex> = LazyLock::new(|| {
    family(
        r"(?:driver'?s'?\s+licen[cs]e|driving licen[cs]e|licen[cs]e|(?-i:DL)|(?:birth|death|marriage) certificate|certificate|passport|state id|permit)\b",
    )
});
pub(super) static PLATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i:\b(?:licen[cs]e plate|number plate|plates?|tags?)\b(?:\s*(?:number|no\.?|#|is|was|reads|reading|:))*\s*[:#]?\s*["“']?)([A-Z0-9]{1,8}(?:[- ][A-Z0-9]{1,5}){0,2})\b"#,
    )
});
pub(super) static VIN_RE: LazyLock<Regex> = LazyLock::new(|| re(r"\b[A-HJ-NPR-Z0-9]{17}\b"));
pub(super) static DEVICE_RE: LazyLock<Regex> = LazyLock::new(|| {
    family(
        r"(?:serial|(?-i:S/?N)|device\s+(?:id|identifier|number|serial)|udi|imei|transmitter(?:\s+id)?|mac address)\b",
    )
});

/// An identifier has at least `digits` digits and is not a year.
fn id_like(token: &str, digits: usize) -> bool {
    let count = token.chars().filter(char::is_ascii_digit).count();
    let year = token.len() == 4 && (token.starts_with("19") || token.starts_with("20"));
    count >= digits && !year
}

fn labelled(
    pattern: &Regex,
    line: &str,
    rule: &'static str,
    what: &str,
    help: &'static str,
) -> Vec<Finding> {
    pattern
        .captures_iter(line)
        .filter(|c| id_like(&c[1], 4))
        .map(|c| {
            let m = c.get(0).expect("match");
            Finding::at(rule, m, format!("{what}: \"{}\"", m.as_str()), help)
        })
        .collect()
}

pub(super) fn health_plan_numbers(line: &str) -> Vec<Finding> {
    labelled(
        &HEALTH_PLAN_RE,
        line,
        HEALTH_PLAN,
        "a health plan member number",
        "remove the member, subscriber or policy number; name the plan if it matters",
    )
}

pub(super) fn account_numbers(line: &str) -> Vec<Finding> {
    labelled(
        &ACCOUNT_RE,
        line,
        ACCOUNT,
        "an account number",
        "remove billing, bank and card numbers, even their last digits",
    )
}

/// "licence plate" is a vehicle's, reported by [`vehicles`].
pub(super) fn license_numbers(line: &str) -> Vec<Finding> {
    labelled(
        &LICENSE_RE,
        line,
        LICENSE,
        "a licence, certificate or passport number",
        "remove the number; say \"her driver's licence\" without it",
    )
}

pub(super) fn device_numbers(line: &str) -> Vec<Finding> {
    DEVICE_RE
        .captures_iter(line)
        .filter(|c| {
            id_like(&c[1], 3) && c[1].chars().filter(char::is_ascii_alphanumeric).count() >= 5
        })
        .map(|c| {
            let m = c.get(0).expect("match");
            Finding::at(
                DEVICE,
                m,
                format!("a device's serial or identifier: \"{}\"", m.as_str()),
                "remove the serial number; name the kind of device (\"her pacemaker\") instead",
            )
        })
        .collect()
}

/// A plate is written in capitals and holds a digit.
pub(super) fn plates(line: &str) -> Vec<Finding> {
    PLATE_RE
        .captures_iter(line)
        .filter_map(|c| {
            let plate = c.get(1).expect("group").as_str();
            let chars: String = plate.chars().filter(char::is_ascii_alphanumeric).collect();
            let ok = (4..=8).contains(&chars.len())
                && id_like(&chars, 1)
                && !plate.chars().any(|ch| ch.is_ascii_lowercase());
            ok.then(|| vehicle(c.get(0).expect("match")))
        })
        .collect()
}

/// A VIN's ninth character is its check digit.
pub(super) fn vins(line: &str) -> Vec<Finding> {
    VIN_RE
        .find_iter(line)
        .filter(|m| vin_is_valid(m.as_str()))
        .map(vehicle)
        .collect()
}

fn vehicle(m: regex::Match) -> Finding {
    Finding::at(
        VEHICLE,
        m,
        format!("a vehicle's plate or VIN: \"{}\"", m.as_str()),
        "remove the plate or VIN; \"his truck\" tells the story",
    )
}

/// The North American VIN check digit (49 CFR 565.15): each character's
/// value times its position's weight, summed, modulo 11; 10 is written X.
pub fn vin_is_valid(vin: &str) -> bool {
    const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
    let value = |c: char| -> Option<u32> {
        match c {
            '0'..='9' => c.to_digit(10),
            'A' | 'J' => Some(1),
            'B' | 'K' | 'S' => Some(2),
            'C' | 'L' | 'T' => Some(3),
            'D' | 'M' | 'U' => Some(4),
            'E' | 'N' | 'V' => Some(5),
            'F' | 'W' => Some(6),
            'G' | 'P' | 'X' => Some(7),
            'H' | 'Y' => Some(8),
            'R' | 'Z' => Some(9),
            _ => None,
        }
    };
    let chars: Vec<char> = vin.chars().collect();
    if chars.len() != 17
        || !chars.iter().any(char::is_ascii_digit)
        || !chars.iter().any(char::is_ascii_alphabetic)
    {
        return false;
    }
    let Some(sum) = chars
        .iter()
        .zip(WEIGHTS)
        .map(|(&c, w)| value(c).map(|v| v * w))
        .sum::<Option<u32>>()
    else {
        return false;
    };
    let check = match sum % 11 {
        10 => 'X',
        n => char::from_digit(n, 10).unwrap_or('?'),
    };
    chars[8] == check
}
