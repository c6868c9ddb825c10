//! A ledger that contradicts itself: one item recorded twice. Which record is
//! true cannot be guessed (one "posted", one "pending" could mean a post went
//! out, or that a hand edit went wrong), and guessing wrong posts an item
//! twice or never, so it is refused until a person settles it.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use super::{FILE, State};
use crate::diagnostic::{Diagnostic, Position, position_of};

/// Only what is needed to find repeats, with where each id is written.
#[derive(Deserialize)]
struct Located {
    #[serde(default)]
    item: Vec<LocatedRecord>,
}

#[derive(Deserialize)]
struct LocatedRecord {
    id: toml::Spanned<String>,
    state: State,
}

/// One error for every record of an item already recorded above it.
pub(super) fn repeated_records(text: &str) -> Vec<Diagnostic> {
    // The ledger parsed already; a failure here has been reported.
    let Ok(located) = toml::from_str::<Located>(text) else {
        return Vec::new();
    };
    let mut first: HashMap<&str, (Position, State)> = HashMap::new();
    let mut problems = Vec::new();
    for record in &located.item {
        let at = position_of(text, record.id.span().start);
        match first.get(record.id.get_ref().as_str()) {
            None => {
                first.insert(record.id.get_ref(), (at, record.state));
            }
            Some(&(earlier, state)) => {
                problems.push(repeat(
                    record.id.get_ref(),
                    at,
                    earlier,
                    state,
                    record.state,
                ));
            }
        }
    }
    problems
}

fn repeat(id: &str, at: Position, earlier: Position, was: State, now: State) -> Diagnostic {
    let (rule, message) = if was == now {
        (
            "ledger/duplicate-item",
            format!(
                "`{id}` is recorded twice (line {} and here), both `{}`",
                earlier.line,
                name(now)
            ),
        )
    } else {
        (
            "ledger/conflicting-states",
            format!(
                "`{id}` is recorded twice with different states: `{}` at line {}, `{}` here",
                name(was),
                earlier.line,
                name(now)
            ),
        )
    };
    Diagnostic::error(rule, message)
        .in_file(Path::new(FILE))
        .at(at)
        .spanning(id.chars().count() + 2)
        .with_help(
            "keep one record per item, the one that matches the network (a `posted` record has its url there), and delete the other",
        )
}

fn name(state: State) -> &'static str {
    match state {
        State::Approved => "approved",
        State::Pending => "pending",
        State::Posted => "posted",
        State::Failed => "failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONCE: &str = "[[item]]\nid = \"a/teaser/x\"\nnetwork = \"x\"\nstate = \"posted\"\n";

    #[test]
    fn each_item_once_is_fine() {
        let two = format!("{ONCE}\n{}", ONCE.replace("a/", "b/"));
        assert!(repeated_records(&two).is_empty());
    }

    #[test]
    fn a_repeat_is_reported_at_the_second_record_with_both_states() {
        let twice = format!("{ONCE}\n{}", ONCE.replace("posted", "pending"));
        let problems = repeated_records(&twice);
        assert_eq!(problems.len(), 1);
        let problem = &problems[0];
        assert_eq!(problem.rule, "ledger/conflicting-states");
        assert_eq!(problem.position.map(|p| p.line), Some(7));
        assert!(
            problem
                .message
                .contains("`posted` at line 2, `pending` here"),
            "{}",
            problem.message
        );
        let same = format!("{ONCE}\n{ONCE}");
        assert_eq!(repeated_records(&same)[0].rule, "ledger/duplicate-item");
    }
}
