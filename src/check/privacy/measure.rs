//! The measurement set (`tests/fixtures/privacy/labelled.tsv`): recall per
//! identifier category and false positives per rule on clean clinical lines.

use std::collections::BTreeMap;

use super::{Allowed, scan};

const SET: &str = include_str!("../../../tests/fixtures/privacy/labelled.tsv");

/// The clinic of the set's "clean" contact lines, as config.toml would give it.
fn clinic() -> Allowed {
    Allowed::from_values(
        [
            "(217) 555-0100",
            "(217) 555-0101",
            "frontdesk@heartclinic.example",
            "400 Main Street",
        ]
        .map(String::from),
    )
}

fn findings(line: &str, allowed: &Allowed) -> Vec<&'static str> {
    scan(line)
        .into_iter()
        .filter(|f| !allowed.has(&f.text))
        .map(|f| f.rule)
        .collect()
}

#[test]
fn recall_and_false_positives_per_category() {
    let allowed = clinic();
    // category → (lines, caught); rule → clean lines it flags.
    let mut recall: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut false_alarms: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut missed = Vec::new();
    let mut clean = 0;
    for row in SET.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let (category, line) = row.split_once('\t').expect("category<TAB>line");
        let found = findings(line, &allowed);
        if category == "clean" {
            clean += 1;
            for rule in found {
                false_alarms.entry(rule).or_default().push(line);
            }
            continue;
        }
        let rule = format!("privacy/{category}");
        assert!(
            super::super::RULES.iter().any(|(id, _)| *id == rule),
            "unknown category {category}"
        );
        let entry = recall.entry(category).or_default();
        entry.0 += 1;
        if found.iter().any(|r| *r == rule) {
            entry.1 += 1;
        } else {
            missed.push(format!("{category}: {line} (found {found:?})"));
        }
    }
    let flagged: usize = SET
        .lines()
        .filter_map(|l| l.strip_prefix("clean\t"))
        .filter(|l| !findings(l, &allowed).is_empty())
        .count();
    println!("category            lines  caught  recall");
    for (category, (lines, caught)) in &recall {
        println!(
            "{category:<19} {lines:>5}  {caught:>6}  {:>5.1} %",
            100.0 * *caught as f64 / *lines as f64
        );
    }
    println!("clean lines: {clean}; flagged: {flagged}");
    for (rule, lines) in &false_alarms {
        println!(
            "  {rule}: {} false positives ({:.1} %): {lines:?}",
            lines.len(),
            100.0 * lines.len() as f64 / clean as f64
        );
    }
    for m in &missed {
        println!("  missed {m}");
    }
    let total: usize = recall.values().map(|(n, _)| n).sum();
    assert!(
        total >= 150 && clean >= 150,
        "{total} identifiers, {clean} clean lines"
    );
    for (category, (lines, caught)) in &recall {
        assert!(
            *caught as f64 >= 0.95 * *lines as f64,
            "{category}: recall {caught}/{lines} under 95 %"
        );
    }
    assert!(
        flagged as f64 <= 0.02 * clean as f64,
        "{flagged} of {clean} clean lines flagged, over 2 %"
    );
    for (rule, lines) in &false_alarms {
        assert!(lines.len() as f64 <= 0.02 * clean as f64, "{rule} over 2 %");
    }
}

/// The scan's own speed over every line of a site's posts:
/// `ROUNDS_SCAN_DIR=corpus/content cargo test --bin rounds scan_speed -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement; needs ROUNDS_SCAN_DIR"]
fn scan_speed() {
    let Ok(dir) = std::env::var("ROUNDS_SCAN_DIR") else {
        return;
    };
    let texts: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect();
    super::prepare();
    let started = std::time::Instant::now();
    let found: usize = texts
        .iter()
        .flat_map(|t| t.lines())
        .map(|l| scan(l).len())
        .sum();
    let lines: usize = texts.iter().map(|t| t.lines().count()).sum();
    println!(
        "{} files, {lines} lines, {found} findings in {:.1} ms",
        texts.len(),
        started.elapsed().as_secs_f64() * 1e3
    );
}
