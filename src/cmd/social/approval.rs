//! `rounds social approve|unapprove ID…`: the approval step before publishing.
//! Approvals are records in the ledger, so they are committed, reviewed and
//! carried to CI with everything else `rounds publish` reads.

use std::process::ExitCode;

use serde_json::json;

use super::{SocialAction, SocialArgs, print_out};
use crate::cmd::{Format, report};
use crate::ledger::lock::{LedgerLock, WhenHeld};
use crate::outreach::OutreachItem;

pub fn run(args: &SocialArgs, action: &SocialAction) -> ExitCode {
    let network = match crate::cmd::networks(args.network.as_slice()) {
        Ok(found) => found.first().copied(),
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    // Approvals are ledger writes: taken from before the ledger is read, so
    // a `rounds publish` running meanwhile never loses its records to them.
    let held = LedgerLock::acquire(
        &args.site.root,
        "rounds social",
        WhenHeld::Wait,
        |waiting| eprintln!("{waiting}"),
    );
    let held = match held {
        Ok(held) => held,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Some((analysed, problems)) = crate::cmd::load_outreach(&args.site) else {
        return ExitCode::FAILURE;
    };
    let (site, outreach) = (&analysed.site, &analysed.outreach);
    if report(&args.site, &problems) {
        return ExitCode::FAILURE;
    }
    let (SocialAction::Approve(wanted) | SocialAction::Unapprove(wanted)) = action;
    let items: Vec<&OutreachItem> = outreach
        .items
        .iter()
        .filter(|i| network.is_none_or(|n| i.network == n))
        .collect();
    let mut chosen: Vec<&OutreachItem> = Vec::new();
    for id in &wanted.ids {
        let id = id.trim_end_matches('/');
        let matching: Vec<&OutreachItem> = items
            .iter()
            .copied()
            .filter(|i| i.id == id || i.id.starts_with(&format!("{id}/")))
            .collect();
        if matching.is_empty() {
            let hint = crate::diagnostic::suggest(id, items.iter().map(|i| i.id.as_str()))
                .map(|near| format!("; did you mean `{near}`?"))
                .unwrap_or_else(|| "; `rounds social` lists every item".into());
            eprintln!("error: no outreach item `{id}`{hint}");
            return ExitCode::FAILURE;
        }
        for item in matching {
            if !chosen.iter().any(|c| c.id == item.id) {
                chosen.push(item);
            }
        }
    }

    let mut ledger = site.ledger.clone();
    let at = crate::ledger::time::now();
    let approving = matches!(action, SocialAction::Approve(_));
    let mut rows = Vec::new();
    for item in chosen {
        let changed = if approving {
            ledger.approve(&item.id, item.network, at)
        } else {
            ledger.unapprove(&item.id)
        };
        let state = match ledger.get(&item.id) {
            Some(record) => format!("{:?}", record.state).to_lowercase(),
            None => "not approved".into(),
        };
        rows.push((item.id.clone(), changed, state));
    }
    if let Err(e) = ledger.save(&site.root, &held) {
        eprintln!("error: cannot write {}: {e}", crate::ledger::FILE);
        return ExitCode::FAILURE;
    }
    match args.site.format {
        Format::Json => {
            let items: Vec<_> = rows
                .iter()
                .map(|(id, changed, state)| json!({"id": id, "changed": changed, "state": state}))
                .collect();
            print_out(&format!("{}\n", json!({ "items": items })));
        }
        Format::Human => {
            let mut out = String::new();
            for (id, changed, state) in &rows {
                let note = if *changed { "" } else { " (unchanged)" };
                out.push_str(&format!("{state:<12}  {id}{note}\n"));
            }
            print_out(&out);
            let changed = rows.iter().filter(|(_, c, _)| *c).count();
            eprintln!(
                "{} {changed} item{} in {}",
                if approving { "Approved" } else { "Withdrew" },
                if changed == 1 { "" } else { "s" },
                crate::ledger::FILE
            );
        }
    }
    ExitCode::SUCCESS
}
