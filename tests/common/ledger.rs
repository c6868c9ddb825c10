//! Reading the ledger (`syndication.toml`) a `rounds publish` run left, for
//! the exactly-once tests of every network.

#![allow(dead_code)]

use std::path::Path;

/// The ledger, which must be valid TOML whatever happened to the run.
pub fn read(root: &Path) -> toml::Table {
    let text = std::fs::read_to_string(root.join("syndication.toml")).expect("ledger written");
    toml::from_str(&text).unwrap_or_else(|e| panic!("the ledger is not TOML: {e}\n{text}"))
}

pub fn records(root: &Path) -> Vec<toml::Value> {
    read(root)
        .get("item")
        .and_then(|i| i.as_array())
        .cloned()
        .unwrap_or_default()
}

/// The ids of the items in a state (`posted`, `pending`, `failed`), sorted.
pub fn ids(root: &Path, state: &str) -> Vec<String> {
    let mut ids: Vec<String> = records(root)
        .iter()
        .filter(|r| r["state"].as_str() == Some(state))
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

pub fn record(root: &Path, id: &str) -> Option<toml::Value> {
    records(root)
        .into_iter()
        .find(|r| r["id"].as_str() == Some(id))
}

/// Temporary ledgers left by crashes while saving.
pub fn litter(root: &Path) -> Vec<String> {
    std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".syndication.toml."))
        .collect()
}

/// A `FAILPOINTS` value that aborts the process at `point` on its `hit`-th pass.
pub fn failpoint(point: &str, hit: usize) -> String {
    if hit == 1 {
        format!("{point}=return")
    } else {
        format!("{point}={}*off->return", hit - 1)
    }
}
