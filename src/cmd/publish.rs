//! `rounds publish`: post what is due, exactly once, and record it.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use super::{Format, SiteArgs, report};
use crate::ledger::lock::{LedgerLock, LockError, WhenHeld};
use crate::outreach::{Network, OutreachItem};
use crate::progress::Progress;
use crate::publish::{self, Outcome, RunError};

#[derive(Debug, Args)]
pub struct PublishArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Print exactly what would be posted, and send nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Only these networks (repeatable)
    #[arg(long = "network", value_name = "NAME")]
    pub networks: Vec<String>,
    /// Only items from posts whose file or URL contains this text
    #[arg(long, value_name = "POST")]
    pub only: Option<String>,
    /// Also edit the copies whose post changed since they were posted
    /// (where the network can edit; nothing elsewhere)
    #[arg(long)]
    pub update_changed: bool,
    /// Do not ask for confirmation (for CI)
    #[arg(long)]
    pub yes: bool,
    /// When another `rounds publish` is running on the site, wait for it to
    /// finish instead of stopping
    #[arg(long)]
    pub wait: bool,
    /// The built site, for uploading images (default: public/ in the site)
    #[arg(long, value_name = "DIR", default_value = "public")]
    pub output: PathBuf,
}

pub fn run(args: &PublishArgs) -> ExitCode {
    let networks = match super::networks(&args.networks) {
        Ok(networks) => networks,
        Err(unknown) => {
            eprintln!("error: {unknown}");
            return ExitCode::FAILURE;
        }
    };
    // The ledger is held from before it is read until after the last write,
    // so two runs never both send an item. A dry run writes nothing and
    // shows the ledger as last saved (always whole: it is replaced by a
    // rename), so it neither takes the lock nor waits for it.
    let held = match hold_ledger(args) {
        Ok(held) => held,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Some((analysed, mut problems)) = super::load_outreach(&args.site) else {
        return ExitCode::FAILURE;
    };
    if report(&args.site, &mut problems) {
        return ExitCode::FAILURE;
    }
    let request = publish::Request {
        selection: publish::Selection {
            networks: &networks,
            only: args.only.as_deref(),
            update_changed: args.update_changed,
        },
        public: if args.output.is_absolute() {
            args.output.clone()
        } else {
            args.site.root.join(&args.output)
        },
        lock: held.as_ref(),
    };
    let progress = Progress::new(args.site.format == Format::Human && !args.site.quiet);
    let confirmed = |count| args.yes || confirm(count);
    let published = match publish::run(
        &analysed.site,
        &analysed.outreach,
        &request,
        confirmed,
        &progress,
    ) {
        Ok(published) => published,
        Err(declined @ RunError::Declined) => {
            eprintln!("{declined}");
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("error: {}", crate::secrets::scrub(&e.to_string()));
            return ExitCode::FAILURE;
        }
    };
    for (item, outcome) in &published.outcomes {
        if *outcome == Outcome::WouldPost {
            print_item(item);
        }
    }
    for network in &published.stopped {
        eprintln!(
            "error: posting to {} stopped on an error in Rounds (above); {} holds what was done",
            network.name(),
            crate::ledger::FILE
        );
    }
    let code = finish(args, &published.outcomes);
    if published.stopped.is_empty() {
        code
    } else {
        ExitCode::FAILURE
    }
}

/// Takes the site's ledger for this run; a dry run needs none.
fn hold_ledger(args: &PublishArgs) -> Result<Option<LedgerLock>, LockError> {
    if args.dry_run {
        return Ok(None);
    }
    let when_held = if args.wait {
        WhenHeld::Wait
    } else {
        WhenHeld::Stop
    };
    LedgerLock::acquire(&args.site.root, "rounds publish", when_held, |waiting| {
        eprintln!("{waiting}")
    })
    .map(Some)
}

fn print_item(item: &OutreachItem) {
    if let Some(follow) = &item.follow_up {
        // What is done to which copy: an edit shows the copy's new text, a
        // reply its own, a delete the notice that asks for it.
        let copy = follow.remote_url.as_deref().unwrap_or(&follow.remote_id);
        let out = format!(
            "── {} ({}, {} of {copy})\n{}\n\n",
            item.id,
            item.network.name(),
            follow.action.label(),
            item.text
        );
        let _ = std::io::stdout().lock().write_all(out.as_bytes());
        return;
    }
    let mut out = format!(
        "── {} ({}, {}, {}/{})\n{}\n",
        item.id,
        item.network.name(),
        item.kind.label(),
        item.length,
        item.limit,
        item.text
    );
    if let Some(poll) = &item.poll {
        out.push_str(&format!(
            "   poll ({}): {}\n",
            if poll.native { "native" } else { "as text" },
            poll.options.join(" | ")
        ));
    }
    if let Some(due) = publish::goes_live(item, chrono::Utc::now()) {
        out.push_str(&format!(
            "   scheduled: {} publishes it at {}\n",
            item.network.name(),
            due.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ));
    }
    if let Some(image) = &item.image {
        out.push_str(&format!(
            "   image: {} (alt: {})\n",
            image.url,
            image.alt.as_deref().unwrap_or("none")
        ));
    }
    let _ = std::io::stdout()
        .lock()
        .write_all(format!("{out}\n").as_bytes());
}

/// One row per network, one column per outcome that happened.
fn summary_table(outcomes: &[(&OutreachItem, Outcome)]) -> String {
    if outcomes.is_empty() {
        return "Nothing to publish.\n".into();
    }
    let mut counts: BTreeMap<Network, [usize; Outcome::LABELS.len()]> = BTreeMap::new();
    for (item, outcome) in outcomes {
        let column = Outcome::LABELS
            .iter()
            .position(|l| *l == outcome.label())
            .unwrap_or(0);
        counts.entry(item.network).or_default()[column] += 1;
    }
    let columns: Vec<usize> = (0..Outcome::LABELS.len())
        .filter(|c| counts.values().any(|row| row[*c] > 0))
        .collect();
    let mut out = format!("{:<10}", "");
    for c in &columns {
        out.push_str(&format!(
            "  {:>w$}",
            Outcome::LABELS[*c],
            w = Outcome::LABELS[*c].len()
        ));
    }
    out.push('\n');
    for (network, row) in &counts {
        out.push_str(&format!("{:<10}", network.name()));
        for c in &columns {
            out.push_str(&format!("  {:>w$}", row[*c], w = Outcome::LABELS[*c].len()));
        }
        out.push('\n');
    }
    out
}

fn confirm(count: usize) -> bool {
    eprint!(
        "Post {count} item{} now? [y/N] ",
        if count == 1 { "" } else { "s" }
    );
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).is_ok()
        && matches!(answer.trim(), "y" | "Y" | "yes")
}

fn finish(args: &PublishArgs, outcomes: &[(&OutreachItem, Outcome)]) -> ExitCode {
    let failed = outcomes
        .iter()
        .any(|(_, o)| matches!(o, Outcome::Failed(_) | Outcome::Postponed(_)));
    match args.site.format {
        Format::Json => {
            let rows: Vec<_> = outcomes
                .iter()
                .map(|(item, outcome)| {
                    let detail = match outcome {
                        Outcome::Posted(url) => Some(url.clone()),
                        Outcome::NotDue(when) => Some(when.clone()),
                        Outcome::Failed(why) | Outcome::Postponed(why) => Some(why.clone()),
                        _ => None,
                    }
                    .map(|d| crate::secrets::scrub(&d));
                    json!({"id": item.id, "network": item.network, "outcome": outcome.label(), "detail": detail})
                })
                .collect();
            let _ = std::io::stdout()
                .lock()
                .write_all(format!("{}\n", json!({"items": rows})).as_bytes());
        }
        Format::Human => {
            for (item, outcome) in outcomes {
                // A server's words (and URLs) may echo a secret.
                match outcome {
                    Outcome::Posted(url) => {
                        eprintln!("posted  {}  {}", item.id, crate::secrets::scrub(url))
                    }
                    Outcome::Failed(why) => {
                        eprintln!("failed  {}  {}", item.id, crate::secrets::scrub(why))
                    }
                    Outcome::Postponed(why) => {
                        eprintln!("postponed  {}  {}", item.id, crate::secrets::scrub(why))
                    }
                    _ => {}
                }
            }
            eprint!("{}", summary_table(outcomes));
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
