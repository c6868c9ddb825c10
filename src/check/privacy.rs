//! Patient privacy: the HIPAA Safe Harbor identifiers a pattern can catch
//! (45 CFR 164.514(b)(2)), anywhere in a post, front matter (and so every
//! teaser) included. The clinic's own contact details and anything listed in
//! `data/` are public and allowed. A reviewed false positive is allowed with a
//! marker on the line or the line before: `<!-- rounds:allow privacy: why -->`.

mod dates;
mod numbers;

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::{Regex, RegexSet};
use serde_json::Value;

use crate::content::Post;
use crate::diagnostic::{Diagnostic, Position};
use crate::load::Site;
use crate::outreach::OutreachItem;

pub const PHONE: &str = "privacy/phone";
pub const EMAIL: &str = "privacy/email";
pub const SSN: &str = "privacy/ssn";
pub const DATE: &str = "privacy/date";
pub const AGE: &str = "privacy/age";
pub const ADDRESS: &str = "privacy/address";
pub const RECORD: &str = "privacy/record-number";
pub const NPI: &str = "privacy/npi";
pub const MEDICARE: &str = "privacy/medicare";
pub const IP: &str = "privacy/ip";
pub const URL: &str = "privacy/url";
pub const EVENT_DATE: &str = "privacy/event-date";
pub const HEALTH_PLAN: &str = "privacy/health-plan";
pub const ACCOUNT: &str = "privacy/account-number";
pub const LICENSE: &str = "privacy/license-number";
pub const VEHICLE: &str = "privacy/vehicle";
pub const DEVICE: &str = "privacy/device";

const MARKER: &str = "rounds:allow privacy";

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid regex")
}

static PHONE_RE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:\+?1[-.\s]?)?\(?\b\d{3}\)?[-.\s]\d{3}[-.\s]\d{4}\b"));
static EMAIL_RE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:^|[^@\w.])([\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,})"));
/// An SSN with dashes or spaces, or its nine digits after "SSN".
static SSN_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(\d{3})([- ])(\d{2})([- ])(\d{4})\b|(?i:\b(?:SSN|SS#|social security(?: number| no\.?| #)?)\s*(?:is|was)?\s*[:#]?\s*)(\d{3})()(\d{2})()(\d{4})\b",
    )
});
static DOB_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i:\b(?:born(?: on)?|DOB|date of birth|birthday)\b(?:\s+(?:is|was))?[:,\s]{{0,3}}){}",
        dates::date_pattern()
    ))
});
static STREET_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b\d{1,5}\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Drive|Dr|Lane|Ln|Boulevard|Blvd|Court|Ct|Place|Pl|Way|Terrace)\b\.?",
    )
});
static ZIP_RE: LazyLock<Regex> = LazyLock::new(|| re(r"\b[A-Z]{2}\s+(\d{5})(?:-\d{4})?\b"));
static RECORD_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:MRN|medical record(?: number| no\.?)?|patient id)\s*[:#]?\s*([A-Z0-9][A-Z0-9-]{4,})",
    )
});
static NPI_RE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\bNPI\b\s*(?:number|no\.?)?\s*[:#]?\s*(\d{10})\b"));
static MBI_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d-?[AC-HJKMNP-RT-Y]{2}\d{2}\b",
    )
});
/// A link whose query or path names a person: `?patient=…`, `?email=…`,
/// `/patients/1234`, `/members/jdoe`.
static URL_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\bhttps?://[^\s)>\]]*?(?:[?&](?:patient|patient_?id|pid|mrn|ssn|dob|name|first_?name|last_?name|email|phone|member_?id|user)=[^&\s)>\]]+|/(?:patients?|members?|users?|accounts?)/[A-Za-z0-9._-]{3,})",
    )
});
static IP_RE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\b"));

/// Public details that may appear anywhere: the clinic's contact details and
/// every value in `data/` (doctors, partners, services).
pub struct Allowed {
    digits: HashSet<String>,
    texts: HashSet<String>,
}

impl Allowed {
    pub fn new(site: &Site) -> Allowed {
        let clinic = &site.config.clinic;
        let mut values: Vec<String> = [&clinic.phone, &clinic.fax, &clinic.email]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        if let Some(l) = &clinic.liaison {
            values.extend([&l.phone, &l.fax, &l.email].into_iter().flatten().cloned());
        }
        if let Some(a) = &clinic.address {
            values.extend([&a.street, &a.postal_code].into_iter().flatten().cloned());
        }
        values.extend(clinic.npi.iter().cloned());
        let mut stack: Vec<&Value> = site.data.values().collect();
        while let Some(value) = stack.pop() {
            match value {
                Value::String(s) => values.push(s.clone()),
                Value::Array(items) => stack.extend(items),
                Value::Object(map) => stack.extend(map.values()),
                _ => {}
            }
        }
        Allowed::from_values(values)
    }

    /// The allowed details from their values as written.
    fn from_values(values: impl IntoIterator<Item = String>) -> Allowed {
        let mut allowed = Allowed {
            digits: HashSet::new(),
            texts: HashSet::new(),
        };
        for value in values {
            let digits: String = value.chars().filter(char::is_ascii_digit).collect();
            if digits.len() >= 5 {
                allowed
                    .digits
                    .insert(digits.trim_start_matches('1').to_string());
                allowed.digits.insert(digits);
            }
            allowed.texts.insert(value.to_lowercase());
        }
        allowed
    }

    fn has(&self, found: &str) -> bool {
        let digits: String = found.chars().filter(char::is_ascii_digit).collect();
        let lower = found.to_lowercase();
        (digits.len() >= 5
            && (self.digits.contains(&digits)
                || self.digits.contains(digits.trim_start_matches('1'))))
            || self.texts.contains(&lower)
            || self
                .texts
                .iter()
                .any(|t| t.len() > 8 && t.contains(lower.trim()))
    }
}

/// One identifier found on a line.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static str,
    /// Byte offset in the line.
    pub start: usize,
    pub text: String,
    pub message: String,
    pub help: &'static str,
}

pub fn check(post: &Post, allowed: &Allowed) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let lines: Vec<&str> = post.source.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.contains(MARKER) || (i > 0 && lines[i - 1].contains(MARKER)) {
            continue;
        }
        for f in scan(line).into_iter().filter(|f| !allowed.has(&f.text)) {
            let column = line[..f.start].chars().count() + 1;
            found.push(
                Diagnostic::error(f.rule, f.message)
                    .in_file(&post.file)
                    .at(Position { line: i + 1, column })
                    .spanning(f.text.chars().count().max(1))
                    .with_help(format!("{}; if it is not a patient's, add `<!-- {MARKER}: <reason> -->` on the line before", f.help)),
            );
        }
    }
    found
}

/// Identifiers in an outreach item's text that its post's file does not
/// hold (those are reported at their line there): text from config.toml or
/// a template. Reported at the config, naming the item.
pub fn check_item(item: &OutreachItem, post: Option<&Post>, allowed: &Allowed) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for line in item.text.lines() {
        for f in scan(line).into_iter().filter(|f| !allowed.has(&f.text)) {
            if post.is_some_and(|p| p.source.contains(f.text.as_str())) {
                continue;
            }
            found.push(
                Diagnostic::error(
                    f.rule,
                    format!("in the outreach item `{}`: {}", item.id, f.message),
                )
                .in_file(crate::config::Config::FILE)
                .with_help(format!(
                    "{}; the text comes from [social] in config.toml or the theme",
                    f.help
                )),
            );
        }
    }
    found
}

impl Finding {
    fn at(rule: &'static str, m: regex::Match, message: String, help: &'static str) -> Finding {
        Finding {
            rule,
            start: m.start(),
            text: m.as_str().to_string(),
            message,
            help,
        }
    }
}

/// One identifier family: its findings on a line.
type Family = fn(&str) -> Vec<Finding>;

/// Every family with the pattern it searches, in the order its findings are
/// reported.
static FAMILIES: &[(&LazyLock<Regex>, Family)] = &[
    (&PHONE_RE, phones),
    (&EMAIL_RE, emails),
    (&SSN_RE, ssns),
    (&DOB_RE, birth_dates),
    (&dates::AGE_RE, dates::ages),
    (&STREET_RE, streets),
    (&ZIP_RE, zip_codes),
    (&RECORD_RE, record_numbers),
    (&NPI_RE, npis),
    (&MBI_RE, medicare_numbers),
    (&IP_RE, ip_addresses),
    (&URL_RE, personal_urls),
    (&dates::DATE_RE, dates::event_dates),
    (&numbers::HEALTH_PLAN_RE, numbers::health_plan_numbers),
    (&numbers::ACCOUNT_RE, numbers::account_numbers),
    (&numbers::LICENSE_RE, numbers::license_numbers),
    (&numbers::PLATE_RE, numbers::plates),
    (&numbers::VIN_RE, numbers::vins),
    (&numbers::DEVICE_RE, numbers::device_numbers),
];

/// All the families' patterns as one set, so a line is searched once for all
/// of them; only a family whose pattern the line holds searches it again for
/// its matches. Nearly every line of a post holds none.
static ANY: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new(FAMILIES.iter().map(|(pattern, _)| pattern.as_str())).expect("valid regexes")
});

/// Compiles the patterns, which the first line scanned would otherwise do.
pub fn prepare() {
    LazyLock::force(&ANY);
    for (pattern, _) in FAMILIES {
        LazyLock::force(pattern);
    }
}

/// Every identifier pattern over one line of text.
pub fn scan(line: &str) -> Vec<Finding> {
    let held = ANY.matches(line);
    if !held.matched_any() {
        return Vec::new();
    }
    held.iter()
        .flat_map(|family| (FAMILIES[family].1)(line))
        .collect()
}

/// A toll-free number (800, 888, 877, 866, 855, 844, 833) is a business's
/// (poison control, a hotline, a pharmacy), never a patient's own.
fn phones(line: &str) -> Vec<Finding> {
    PHONE_RE
        .find_iter(line)
        .filter(|m| {
            let digits: String = m.as_str().chars().filter(char::is_ascii_digit).collect();
            let area = digits
                .strip_prefix('1')
                .filter(|d| d.len() == 10)
                .unwrap_or(&digits);
            !matches!(
                area.get(..3),
                Some("800" | "888" | "877" | "866" | "855" | "844" | "833")
            )
        })
        .map(|m| {
            Finding::at(
                PHONE,
                m,
                format!("a phone or fax number: {}", m.as_str()),
                "remove a patient's number; the clinic's own numbers from config.toml are allowed",
            )
        })
        .collect()
}

fn emails(line: &str) -> Vec<Finding> {
    EMAIL_RE
        .captures_iter(line)
        .map(|c| {
            let m = c.get(1).expect("group");
            Finding::at(
                EMAIL,
                m,
                format!("an e-mail address: {}", m.as_str()),
                "remove a patient's address; the clinic's own from config.toml is allowed",
            )
        })
        .collect()
}

/// Numbers the SSA never issues (area 000, 666 or 9xx, group 00, serial
/// 0000) are not anyone's SSN; nor are three groups split two ways
/// ("123-45 6789").
fn ssns(line: &str) -> Vec<Finding> {
    SSN_RE
        .captures_iter(line)
        .filter(|c| {
            let part = |k: usize| c.get(k).or_else(|| c.get(k + 5)).map_or("", |m| m.as_str());
            let (area, group, serial) = (part(1), part(3), part(5));
            part(2) == part(4)
                && area != "000"
                && area != "666"
                && !area.starts_with('9')
                && group != "00"
                && serial != "0000"
        })
        .map(|c| {
            Finding::at(
                SSN,
                c.get(0).expect("match"),
                "what looks like a Social Security number".into(),
                "never publish an SSN",
            )
        })
        .collect()
}

fn birth_dates(line: &str) -> Vec<Finding> {
    DOB_RE
        .find_iter(line)
        .map(|m| {
            Finding::at(
                DATE,
                m,
                format!("a date of birth: \"{}\"", m.as_str()),
                "give the year or an age range instead of a full date tied to a person",
            )
        })
        .collect()
}

fn streets(line: &str) -> Vec<Finding> {
    STREET_RE
        .find_iter(line)
        .map(|m| {
            Finding::at(
                ADDRESS,
                m,
                format!("a street address: \"{}\"", m.as_str()),
                "remove a patient's address; the clinic's own is allowed",
            )
        })
        .collect()
}

fn zip_codes(line: &str) -> Vec<Finding> {
    ZIP_RE
        .captures_iter(line)
        .map(|c| {
            let m = c.get(1).expect("group");
            Finding::at(
                ADDRESS,
                m,
                format!("a ZIP code: {}", m.as_str()),
                "Safe Harbor allows only the first three digits of a patient's ZIP code",
            )
        })
        .collect()
}

fn record_numbers(line: &str) -> Vec<Finding> {
    RECORD_RE
        .captures_iter(line)
        .map(|c| {
            let m = c.get(0).expect("match");
            Finding::at(
                RECORD,
                m,
                format!("a record or account number: \"{}\"", m.as_str()),
                "remove medical-record, account and patient numbers",
            )
        })
        .collect()
}

/// Only a number with a valid check digit is an NPI; other ten-digit
/// numbers after "NPI" are typos, not someone's identifier.
fn npis(line: &str) -> Vec<Finding> {
    NPI_RE
        .captures_iter(line)
        .map(|c| c.get(1).expect("group"))
        .filter(|m| npi_is_valid(m.as_str()))
        .map(|m| {
            Finding::at(
                NPI,
                m,
                format!(
                    "an NPI that is not one of the clinic's doctors: {}",
                    m.as_str()
                ),
                "add the doctor to data/doctors.toml, or remove the number",
            )
        })
        .collect()
}

fn medicare_numbers(line: &str) -> Vec<Finding> {
    MBI_RE
        .find_iter(line)
        .map(|m| {
            Finding::at(
                MEDICARE,
                m,
                "what looks like a Medicare number".into(),
                "never publish a beneficiary's Medicare number",
            )
        })
        .collect()
}

fn ip_addresses(line: &str) -> Vec<Finding> {
    IP_RE
        .captures_iter(line)
        .filter(|c| {
            let octets_ok = (1..=4).all(|k| c[k].parse::<u16>().is_ok_and(|n| n <= 255));
            // Loopback and "this host" name no one's machine.
            let nobodys = matches!(&c[1], "127" | "0");
            octets_ok && !nobodys
        })
        .map(|c| {
            let m = c.get(0).expect("match");
            Finding::at(
                IP,
                m,
                format!("an IP address: {}", m.as_str()),
                "remove IP addresses from posts",
            )
        })
        .collect()
}

fn personal_urls(line: &str) -> Vec<Finding> {
    URL_RE
        .captures_iter(line)
        .map(|c| {
            let m = c.get(0).expect("match");
            Finding::at(
                URL,
                m,
                format!("a web address with personal parts: {}", m.as_str()),
                "link to pages, not to a person's record or profile",
            )
        })
        .collect()
}

/// The NPI check digit: Luhn over the number prefixed with 80840.
pub fn npi_is_valid(npi: &str) -> bool {
    if npi.len() != 10 || !npi.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let digits: Vec<u32> = format!("80840{npi}")
        .chars()
        .filter_map(|c| c.to_digit(10))
        .collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

#[cfg(test)]
mod measure;

#[cfg(test)]
mod tests {
    use super::*;

    /// Searching a line once for all patterns finds what every family
    /// searching it finds, in the same order.
    #[test]
    fn the_pattern_set_finds_what_each_family_finds() {
        let lines = [
            "call (217) 555-0188 or 217.555.0199, write to jane.doe@mail.example",
            "SSN 123-45-6789, DOB: 03/14/1950, a 93-year-old at 12 Maple Street, Springfield IL 62704",
            "MRN: 00482913, NPI 1234567893, Medicare 1EG4-TE5-MK73, from 192.168.10.4",
            "see https://portal.example/chart?patient=84721 and https://portal.example/patients/jdoe42/labs",
            "CPT 80061 and 93306; follow @clinic@med.example; serve on 127.0.0.1:1111",
            "Walk every day with a friend, and aged 95 she still does.",
            "She was admitted on 3/7/2024 and died 2024-05-30; at 97 he still walks.",
            "Member ID: XJH482913307, account number 0048821937, DL# 88213390.",
            "plate 7ABC123, VIN 1HGCM8267AA004352, pacemaker serial PJN412973, SSN 078 05 1120.",
            "Nothing here at all.",
            "",
        ];
        let found = |findings: Vec<Finding>| -> Vec<(&'static str, usize, String)> {
            findings
                .into_iter()
                .map(|f| (f.rule, f.start, f.text))
                .collect()
        };
        let mut any = 0;
        for line in lines {
            let each: Vec<Finding> = FAMILIES.iter().flat_map(|(_, f)| f(line)).collect();
            any += each.len();
            assert_eq!(found(scan(line)), found(each), "{line}");
        }
        assert!(any >= 25, "{any} findings");
    }

    #[test]
    fn vin_check_digit() {
        assert!(numbers::vin_is_valid("1M8GDM9AXKP042788"));
        assert!(numbers::vin_is_valid("1HGCM8267AA004352"));
        assert!(!numbers::vin_is_valid("1HGCM8263AA004352"));
        assert!(
            !numbers::vin_is_valid("11111111111111111"),
            "a VIN has letters"
        );
    }

    #[test]
    fn npi_luhn() {
        assert!(npi_is_valid("1234567893"));
        assert!(!npi_is_valid("1234567890"));
    }

    #[test]
    fn patterns_find_identifiers_and_skip_lookalikes() {
        assert!(PHONE_RE.is_match("call (217) 555-0188 today"));
        assert!(!PHONE_RE.is_match("CPT 80061 and 93306"));
        assert!(EMAIL_RE.is_match("write to jane.doe@mail.example"));
        assert!(
            !EMAIL_RE.is_match("follow @clinic@med.example"),
            "a Mastodon handle is not an e-mail"
        );
        assert!(DOB_RE.is_match("DOB: 03/14/1950"));
        assert!(DOB_RE.is_match("born on March 3, 1941"));
        assert!(dates::AGE_RE.is_match("a 93-year-old man"));
        assert!(!dates::AGE_RE.is_match("a 73-year-old man"));
        assert!(RECORD_RE.is_match("MRN: 00482913"));
        assert!(MBI_RE.is_match("1EG4-TE5-MK73"));
        assert!(IP_RE.is_match("from 192.168.10.4"));
        assert!(
            scan("serve on 127.0.0.1:1111").is_empty(),
            "loopback is nobody's"
        );
        assert!(URL_RE.is_match("see https://portal.example/chart?patient=84721"));
        assert!(URL_RE.is_match("https://portal.example/patients/jdoe42/labs"));
        assert!(!URL_RE.is_match("https://www.cdc.gov/bloodpressure/facts.html?utm_source=x"));
        assert!(!URL_RE.is_match("https://heart.example/blog/patient-stories/"));
    }
}
