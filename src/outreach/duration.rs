//! Durations as config.toml and front matter write them: `30s`, `2m`,
//! `1h30m`, `3d`. Parsing never overflows: a number too large for any
//! duration is "too long", which a setting's range then reports.

use std::ops::RangeInclusive;
use std::time::Duration;

/// Why a text is not a usable duration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Not written as a duration at all.
    Unreadable,
    /// Outside the setting's range (or too large to count).
    OutOfRange,
}

/// Seconds a unit letter stands for.
fn unit(c: char) -> Option<u64> {
    match c {
        'd' => Some(86_400),
        'h' => Some(3_600),
        'm' => Some(60),
        's' => Some(1),
        _ => None,
    }
}

/// `1d`, `12h`, `30m`, `2d12h`; zero is not a duration.
pub fn parse(text: &str) -> Result<Duration, Refused> {
    let mut total = 0u64;
    let mut number = String::new();
    let mut overflow = false;
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let seconds = unit(c).ok_or(Refused::Unreadable)?;
        if number.is_empty() {
            return Err(Refused::Unreadable);
        }
        // Digits too many for a u64 are still a duration, just a long one.
        let part = number
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(seconds));
        match part.and_then(|p| total.checked_add(p)) {
            Some(sum) => total = sum,
            None => overflow = true,
        }
        number.clear();
    }
    if !number.is_empty() || (total == 0 && !overflow) {
        return Err(Refused::Unreadable);
    }
    if overflow {
        return Err(Refused::OutOfRange);
    }
    Ok(Duration::from_secs(total))
}

/// Parses `text` and checks it lies in `range`.
pub fn within(text: &str, range: &RangeInclusive<Duration>) -> Result<Duration, Refused> {
    let duration = parse(text)?;
    if range.contains(&duration) {
        Ok(duration)
    } else {
        Err(Refused::OutOfRange)
    }
}

/// A duration the way it is written: `90s` → `1m30s`, `3600s` → `1h`.
pub fn show(duration: Duration) -> String {
    let mut left = duration.as_secs();
    if left == 0 {
        return format!("{}ms", duration.as_millis());
    }
    let mut out = String::new();
    for (letter, size) in [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)] {
        if left >= size {
            out.push_str(&format!("{}{letter}", left / size));
            left %= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_read() {
        assert_eq!(parse("1d"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse("2d12h"), Ok(Duration::from_secs(216_000)));
        assert_eq!(parse(" 1h30m "), Ok(Duration::from_secs(5_400)));
        for bad in ["soon", "12", "h", "0s", "", "3 m", "-1s"] {
            assert_eq!(parse(bad), Err(Refused::Unreadable), "{bad:?}");
        }
    }

    #[test]
    fn a_number_too_large_is_out_of_range_not_a_panic() {
        for huge in [
            "9999999999999999999h",
            "99999999999999999999999s",
            "18446744073709551615s1s",
        ] {
            assert_eq!(parse(huge), Err(Refused::OutOfRange), "{huge}");
        }
        let range = Duration::from_secs(1)..=Duration::from_secs(600);
        assert_eq!(within("11m", &range), Err(Refused::OutOfRange));
        assert_eq!(within("10m", &range), Ok(Duration::from_secs(600)));
    }

    #[test]
    fn durations_are_shown_as_written() {
        assert_eq!(show(Duration::from_secs(90)), "1m30s");
        assert_eq!(show(Duration::from_secs(3_600)), "1h");
        assert_eq!(show(Duration::from_secs(300)), "5m");
    }
}
