//! `rounds social approve|unapprove ID…`: the approval step before publishing
//! (see `crate::publish::approval`).

use std::process::ExitCode;

use serde_json::json;

use super::{SocialAction, SocialArgs, print_out};
use crate::cmd::{Format, report};
use crate::ledger::lock::{LedgerLock, WhenHeld};
use crate::outreach::OutreachItem;
use crate::publish::approval::{self, Approval, Verdict};

pub fn run(args: &SocialArgs, action: &SocialAction) -> ExitCode {
    let network = match crate::cmd::networks(args.network.as_slice()) {
        Ok(found) => found.first().copied(),
        Err(unknown) => {
            eprintln!("error: {unknown}");
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
    let Some((analysed, mut problems)) = crate::cmd::load_outreach(&args.site) else {
        return ExitCode::FAILURE;
    };
    let (site, outreach) = (&analysed.site, &analysed.outreach);
    if report(&args.site, &mut problems) {
        return ExitCode::FAILURE;
    }
    let (wanted, verdict) = match action {
        SocialAction::Approve(wanted) => (wanted, Verdict::Approve),
        SocialAction::Unapprove(wanted) => (wanted, Verdict::Withdraw),
    };
    // Corrections and withdrawals carried to copies are approved like posts.
    let items: Vec<&OutreachItem> = outreach
        .items
        .iter()
        .chain(&outreach.follow_ups)
        .filter(|i| network.is_none_or(|n| i.network == n))
        .collect();
    match approval::settle(
        &site.ledger,
        &site.root,
        &held,
        &items,
        &wanted.ids,
        verdict,
    ) {
        Ok(approvals) => {
            print_approvals(args.site.format, &approvals, verdict);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn print_approvals(format: Format, approvals: &[Approval], verdict: Verdict) {
    match format {
        Format::Json => {
            let items: Vec<_> = approvals
                .iter()
                .map(|a| json!({"id": a.id, "changed": a.changed, "state": a.state}))
                .collect();
            print_out(&format!("{}\n", json!({ "items": items })));
        }
        Format::Human => {
            let mut out = String::new();
            for Approval { id, changed, state } in approvals {
                let note = if *changed { "" } else { " (unchanged)" };
                out.push_str(&format!("{state:<12}  {id}{note}\n"));
            }
            print_out(&out);
            let changed = approvals.iter().filter(|a| a.changed).count();
            eprintln!(
                "{} {changed} item{} in {}",
                match verdict {
                    Verdict::Approve => "Approved",
                    Verdict::Withdraw => "Withdrew",
                },
                if changed == 1 { "" } else { "s" },
                crate::ledger::FILE
            );
        }
    }
}
