//! `rounds social`: the outreach each post yields, as a table or JSON.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::json;

use super::{Format, SiteArgs, report, tally};

mod approval;
mod table;

#[derive(Debug, Args)]
pub struct SocialArgs {
    #[command(subcommand)]
    pub action: Option<SocialAction>,
    #[command(flatten)]
    pub site: SiteArgs,
    /// Only items for this network (mastodon, bluesky, x, linkedin, facebook, threads)
    #[arg(long, value_name = "NAME", global = true)]
    pub network: Option<String>,
    /// Only items from posts whose file or URL contains this text
    #[arg(long, value_name = "POST")]
    pub only: Option<String>,
    /// Print each item's full text under the table
    #[arg(long)]
    pub text: bool,
}

#[derive(Debug, Subcommand)]
pub enum SocialAction {
    /// Approve items for `rounds publish` (when `[publish] require_approval = true`)
    Approve(ApprovalArgs),
    /// Withdraw approvals that have not been acted on yet
    Unapprove(ApprovalArgs),
}

#[derive(Debug, Args)]
pub struct ApprovalArgs {
    /// Item ids (`blog/bp/teaser/mastodon`) or a post's id (`blog/bp`) for all its items
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
}

pub fn run(args: &SocialArgs) -> ExitCode {
    if let Some(action) = &args.action {
        return approval::run(args, action);
    }
    let network = match super::networks(args.network.as_slice()) {
        Ok(found) => found.first().copied(),
        Err(unknown) => {
            eprintln!("error: {unknown}");
            return ExitCode::FAILURE;
        }
    };
    let Some((analysed, mut problems)) = super::load_outreach(&args.site) else {
        return ExitCode::FAILURE;
    };
    let all = &analysed.outreach;
    let failed = report(&args.site, &mut problems);
    let items: Vec<_> = all
        .items
        .iter()
        .filter(|i| network.is_none_or(|n| i.network == n))
        .filter(|i| {
            args.only.as_deref().is_none_or(|o| {
                i.post.as_deref().unwrap_or("").contains(o) || i.post_url.contains(o)
            })
        })
        .collect();
    let held: Vec<_> = all
        .held_back
        .iter()
        .filter(|h| network.is_none_or(|n| h.network == n))
        .filter(|h| args.only.as_deref().is_none_or(|o| h.id.contains(o)))
        .collect();
    let ledger = &analysed.site.ledger;
    let changed: Vec<_> = items
        .iter()
        .filter_map(|i| Some((*i, i.changed_since_posted(ledger)?)))
        .collect();
    match args.site.format {
        Format::Json => {
            let drift: Vec<_> = changed
                .iter()
                .map(|(item, record)| json!({"id": item.id, "network": item.network, "url": record.url, "posted_at": record.at, "posted_text": record.sent_text, "text": item.text}))
                .collect();
            super::print_json(
                &json!({"items": items, "held_back": held, "changed_since_posted": drift, "diagnostics": problems}),
            )
        }
        Format::Human => {
            print_out(&table::draw(&items, args.text, table::columns()));
            print_out(&table::changed(&changed, table::columns()));
            for line in table::held_back(&held) {
                eprintln!("{line}");
            }
            eprintln!("{}; checks: {}", table::summary(&items), tally(&problems));
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Writes to stdout, quietly stopping if the reader went away (`| head`).
fn print_out(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}
