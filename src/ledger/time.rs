//! The ledger's times: when a record's state last changed, in UTC to the
//! second, written as RFC 3339 with a `Z` (`2026-02-01T12:00:00Z`), so that
//! a person reading or committing the ledger sees the moment plainly and a
//! record reads back as the instant it was written.

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use serde::{Deserialize, Deserializer, Serializer, de};

/// Now, to the second: the time a record written now reads back as.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(0)
}

/// `at` as written: `2026-02-01T12:00:00Z`.
pub fn serialize<S: Serializer>(
    at: &Option<DateTime<Utc>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => serializer.serialize_str(&at.to_rfc3339_opts(SecondsFormat::Secs, true)),
        None => serializer.serialize_none(),
    }
}

/// `at` as read: any RFC 3339 time, kept in UTC. Anything else is refused
/// (with the line, by the schema), since a record's time decides how far back
/// an unconfirmed post is looked for.
pub fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    let Some(text) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    match DateTime::parse_from_rfc3339(text.trim()) {
        Ok(at) => Ok(Some(at.with_timezone(&Utc))),
        Err(why) => Err(de::Error::custom(format!(
            "`at` = {text:?} is not a time ({why}); write it as RFC 3339, e.g. \"2026-02-01T12:00:00Z\""
        ))),
    }
}
