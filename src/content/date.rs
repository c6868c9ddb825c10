//! Dates as clinics write them: `2026-03-01`, or with a time and offset.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A calendar date, with a time of day when one was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    instant: DateTime<FixedOffset>,
    has_time: bool,
}

impl Date {
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
            return Some(Date {
                instant,
                has_time: true,
            });
        }
        for format in [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
        ] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
                return Some(Date {
                    instant: utc(naive),
                    has_time: true,
                });
            }
        }
        if let Ok(instant) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S %z") {
            return Some(Date {
                instant,
                has_time: true,
            });
        }
        let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
        Some(Date::from_day(day))
    }

    pub fn from_day(day: NaiveDate) -> Date {
        Date {
            instant: utc(day.and_hms_opt(0, 0, 0).expect("midnight exists")),
            has_time: false,
        }
    }

    pub fn instant(&self) -> DateTime<FixedOffset> {
        self.instant
    }

    pub fn day(&self) -> NaiveDate {
        self.instant.date_naive()
    }

    /// RFC 2822, for RSS.
    pub fn rfc2822(&self) -> String {
        self.instant.to_rfc2822()
    }
}

fn utc(naive: NaiveDateTime) -> DateTime<FixedOffset> {
    Utc.from_utc_datetime(&naive).fixed_offset()
}

/// Today, or the day `SOURCE_DATE_EPOCH` names, so builds can be reproduced.
pub fn today() -> Date {
    let day = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map(|t| t.date_naive())
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    Date::from_day(day)
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.has_time {
            f.write_str(&self.instant.to_rfc3339())
        } else {
            write!(f, "{}", self.instant.format("%Y-%m-%d"))
        }
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        deserializer.deserialize_any(DateVisitor)
    }
}

struct DateVisitor;

impl<'de> Visitor<'de> for DateVisitor {
    type Value = Date;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a date such as 2026-03-01 or 2026-03-01T09:30:00-05:00")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Date, E> {
        Date::parse(text).ok_or_else(|| {
            // The key and the help are added where the key is known (schema).
            E::custom(format!("`{text}` is not a date"))
        })
    }

    // TOML hands its native dates over as a one-entry map holding the text.
    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Date, M::Error> {
        let Some((_, text)) = map.next_entry::<String, String>()? else {
            return Err(de::Error::custom("invalid date: empty value"));
        };
        self.visit_str(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_clinics_write() {
        assert_eq!(Date::parse("2026-03-01").unwrap().to_string(), "2026-03-01");
        assert_eq!(
            Date::parse("2026-03-01T09:30:00-05:00")
                .unwrap()
                .to_string(),
            "2026-03-01T09:30:00-05:00"
        );
        assert!(Date::parse("2026-03-01 09:30:00").is_some());
        assert!(Date::parse("2026-13-01").is_none());
        assert!(Date::parse("March 1").is_none());
    }

    #[test]
    fn reads_native_toml_dates() {
        #[derive(Deserialize)]
        struct Doc {
            date: Date,
        }
        let doc: Doc = toml::from_str("date = 2026-03-01").unwrap();
        assert_eq!(doc.date.to_string(), "2026-03-01");
        let doc: Doc = toml::from_str("date = 2026-03-01T09:30:00Z").unwrap();
        assert!(doc.date.has_time);
        assert!(toml::from_str::<Doc>("date = \"yesterday\"").is_err());
    }
}
