//! The allowed range of every number and duration in the outreach and
//! publishing settings, checked at the key's line before a table is read, so
//! a value out of range is refused with the range instead of overflowing,
//! waiting for ever or panicking in `rounds publish`.

use std::ops::RangeInclusive;
use std::time::Duration;

use serde_json::{Map, Value};

use super::duration::{self, Refused};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::schema::toml_key_position;

/// What a key holds, and the values allowed.
pub enum Allowed {
    Count(RangeInclusive<u64>),
    Duration(RangeInclusive<Duration>),
}

/// One bounded key of a table, with an example value for the help line.
pub struct Bound {
    pub key: &'static str,
    pub allowed: Allowed,
    pub example: &'static str,
}

const fn seconds(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// `[publish]`.
pub const PUBLISH: &[Bound] = &[
    Bound {
        key: "timeout",
        allowed: Allowed::Duration(seconds(1)..=seconds(600)),
        example: "\"30s\"",
    },
    Bound {
        key: "max_wait",
        allowed: Allowed::Duration(seconds(1)..=seconds(3_600)),
        example: "\"5m\"",
    },
];

/// `[networks.*]`.
pub const NETWORK: &[Bound] = &[Bound {
    key: "max_hashtags",
    allowed: Allowed::Count(0..=30),
    example: "3",
}];

/// `[social.recommend]`.
pub const RECOMMEND: &[Bound] = &[Bound {
    key: "every_days",
    allowed: Allowed::Count(1..=365),
    example: "30",
}];

/// Checks the bounded keys of `table` (at `path` in config.toml, whose text
/// is `text`); a key found wrong is removed, so reading the table after
/// reports nothing more about it.
pub fn check(
    table: &mut Map<String, Value>,
    path: &[&str],
    bounds: &[Bound],
    text: &str,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for bound in bounds {
        let Some(value) = table.get(bound.key) else {
            continue;
        };
        if let Err(why) = fits(value, &bound.allowed) {
            let name = format!("[{}] {}", path.join("."), bound.key);
            problems.push(
                Diagnostic::error(why.rule(), why.message(&name, value, &bound.allowed))
                    .in_file(Config::FILE)
                    .at_opt(toml_key_position(text, path, bound.key))
                    .spanning(bound.key.chars().count())
                    .with_help(format!("write e.g. {} = {}", bound.key, bound.example)),
            );
            table.remove(bound.key);
        }
    }
    problems
}

/// How a value missed its range.
enum Miss {
    /// Not the kind of value the key holds.
    Kind,
    Unreadable,
    OutOfRange,
}

fn fits(value: &Value, allowed: &Allowed) -> Result<(), Miss> {
    match allowed {
        Allowed::Count(range) => match value {
            Value::Number(n) if n.as_u64().is_some_and(|n| range.contains(&n)) => Ok(()),
            // Negative, fractional or too large: all outside the range.
            Value::Number(_) => Err(Miss::OutOfRange),
            _ => Err(Miss::Kind),
        },
        Allowed::Duration(range) => {
            let text = value.as_str().ok_or(Miss::Kind)?;
            duration::within(text, range)
                .map(|_| ())
                .map_err(|refused| match refused {
                    Refused::Unreadable => Miss::Unreadable,
                    Refused::OutOfRange => Miss::OutOfRange,
                })
        }
    }
}

impl Miss {
    fn rule(&self) -> &'static str {
        match self {
            Miss::OutOfRange => "config/out-of-range",
            Miss::Kind | Miss::Unreadable => "config/invalid",
        }
    }

    fn message(&self, name: &str, value: &Value, allowed: &Allowed) -> String {
        let range = match allowed {
            Allowed::Count(r) => format!("a whole number from {} to {}", r.start(), r.end()),
            Allowed::Duration(r) => format!(
                "a duration from {} to {}",
                duration::show(*r.start()),
                duration::show(*r.end())
            ),
        };
        match self {
            Miss::Kind => format!("`{name}` must be {range}"),
            Miss::Unreadable => format!(
                "`{}` is not a duration; `{name}` must be {range}, written e.g. \"30s\", \"2m\" or \"1h30m\"",
                value.as_str().unwrap_or_default()
            ),
            Miss::OutOfRange => {
                let shown = value
                    .as_str()
                    .map_or_else(|| value.to_string(), |s| format!("\"{s}\""));
                format!("`{name}` is {shown}; it must be {range}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "title = \"T\"\n\n[publish]\ntimeout = \"9999999999999999999h\"\nmax_wait = \"soon\"\n";

    fn table(pairs: Value) -> Map<String, Value> {
        pairs.as_object().unwrap().clone()
    }

    #[test]
    fn a_duration_out_of_range_is_refused_at_its_line_with_the_range() {
        let mut publish = table(serde_json::json!({
            "timeout": "9999999999999999999h",
            "max_wait": "soon",
        }));
        let problems = check(&mut publish, &["publish"], PUBLISH, TEXT);
        assert_eq!(problems.len(), 2);
        let timeout = &problems[0];
        assert_eq!(timeout.rule, "config/out-of-range");
        assert_eq!(timeout.position.map(|p| p.line), Some(4));
        assert_eq!(
            timeout.message,
            "`[publish] timeout` is \"9999999999999999999h\"; it must be a duration from 1s to 10m"
        );
        assert!(problems[1].message.starts_with("`soon` is not a duration"));
        assert!(publish.is_empty(), "refused keys are not read again");
    }

    #[test]
    fn counts_must_be_whole_numbers_in_range() {
        for (value, ok) in [
            (serde_json::json!(3), true),
            (serde_json::json!(0), true),
            (serde_json::json!(31), false),
            (serde_json::json!(-1), false),
            (serde_json::json!(2.5), false),
            (serde_json::json!("3"), false),
        ] {
            let mut network = table(serde_json::json!({ "max_hashtags": value }));
            let problems = check(&mut network, &["networks", "x"], NETWORK, "");
            assert_eq!(problems.is_empty(), ok, "{value}: {problems:?}");
        }
    }
}
