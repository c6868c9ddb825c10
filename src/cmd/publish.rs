//! `rounds publish`: post what is due, exactly once, and record it.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use super::{Format, SiteArgs, report};
use crate::ledger::Ledger;
use crate::load::Site;
use crate::outreach::{Network, OutreachItem};
use crate::publish::{self, Client, Outcome, bluesky, mastodon, retry};

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
    /// Do not ask for confirmation (for CI)
    #[arg(long)]
    pub yes: bool,
    /// The built site, for uploading images (default: public/ in the site)
    #[arg(long, value_name = "DIR", default_value = "public")]
    pub output: PathBuf,
}

pub fn run(args: &PublishArgs) -> ExitCode {
    let wanted = match super::networks(&args.networks) {
        Ok(wanted) => wanted,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let Some((site, derived, problems)) = super::load_outreach(&args.site) else {
        return ExitCode::FAILURE;
    };
    if report(&args.site, &problems) {
        return ExitCode::FAILURE;
    }
    let require_approval = site
        .config
        .publish
        .get("require_approval")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let now = chrono::Utc::now();
    let mut ledger = site.ledger.clone();
    let items: Vec<&OutreachItem> = derived
        .items
        .iter()
        .filter(|i| wanted.is_empty() || wanted.contains(&i.network))
        .filter(|i| matches!(i.network, Network::Mastodon | Network::Bluesky))
        .filter(|i| {
            args.only.as_deref().is_none_or(|o| {
                i.post.as_deref().unwrap_or("").contains(o) || i.post_url.contains(o)
            })
        })
        .collect();
    let mut outcomes: Vec<(&OutreachItem, Outcome)> = Vec::new();
    let mut due: Vec<&OutreachItem> = Vec::new();
    for item in &items {
        match publish::decide(item, &ledger, now, require_approval) {
            Some(outcome) => outcomes.push((item, outcome)),
            None => due.push(item),
        }
    }

    if args.dry_run {
        for item in &due {
            print_item(item);
            outcomes.push((item, Outcome::WouldPost));
        }
        return finish(args, &outcomes);
    }
    if due.is_empty() {
        return finish(args, &outcomes);
    }
    let public = if args.output.is_absolute() {
        args.output.clone()
    } else {
        args.site.root.join(&args.output)
    };
    let mut clients: BTreeMap<Network, Box<dyn Client>> = BTreeMap::new();
    for network in due
        .iter()
        .map(|i| i.network)
        .collect::<std::collections::BTreeSet<_>>()
    {
        match connect(&site, network, public.clone()) {
            Ok(client) => {
                clients.insert(network, client);
            }
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::FAILURE;
            }
        }
    }
    if !args.yes && !confirm(due.len()) {
        eprintln!("Nothing was posted.");
        return ExitCode::FAILURE;
    }
    let root = args.site.root.clone();
    let mut save = |l: &Ledger| l.save(&root);
    let policy = retry::Policy::default();
    let progress =
        crate::progress::Progress::new(args.site.format == Format::Human && !args.site.quiet);
    progress.start("Posting", due.len() as u64);
    for item in due {
        let client = clients.get_mut(&item.network).expect("connected above");
        let outcome = publish::post_one(client.as_mut(), item, &mut ledger, &mut save, &policy);
        progress.inc();
        outcomes.push((item, outcome));
    }
    progress.finish();
    finish(args, &outcomes)
}

fn connect(site: &Site, network: Network, public: PathBuf) -> Result<Box<dyn Client>, String> {
    let settings = site.outreach.networks.get(&network);
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let base = site.config.base().to_string();
    match network {
        Network::Mastodon => {
            let token = env(mastodon::TOKEN_VAR)
                .ok_or(format!("set {} to post to Mastodon", mastodon::TOKEN_VAR))?;
            let instance = settings
                .and_then(|s| s.instance.clone())
                .ok_or("set `instance` under [networks.mastodon] in config.toml")?;
            let client = mastodon::Mastodon::new(
                &instance,
                token,
                settings.and_then(|s| s.visibility.clone()),
                public,
                base,
            )
            .map_err(|e| e.message)?;
            Ok(Box::new(client))
        }
        Network::Bluesky => {
            let handle = env(bluesky::HANDLE_VAR)
                .or_else(|| settings.and_then(|s| s.account.clone()))
                .ok_or(format!("set {} to post to Bluesky", bluesky::HANDLE_VAR))?;
            let password = env(bluesky::PASSWORD_VAR)
                .ok_or(format!("set {} to post to Bluesky", bluesky::PASSWORD_VAR))?;
            let service = settings
                .and_then(|s| s.instance.clone())
                .unwrap_or_else(|| "https://bsky.social".into());
            let state = env("ROUNDS_STATE_DIR").map(PathBuf::from).or_else(|| {
                env("XDG_STATE_HOME")
                    .map(PathBuf::from)
                    .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".local/state")))
                    .map(|d| d.join("rounds"))
            });
            let client =
                bluesky::Bluesky::connect(&service, &handle, &password, state, public, base)
                    .map_err(|e| publish::scrub(&e.message, &[&password]))?;
            Ok(Box::new(client))
        }
        other => Err(format!(
            "publishing to {} is not supported yet",
            other.name()
        )),
    }
}

fn print_item(item: &OutreachItem) {
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
        .any(|(_, o)| matches!(o, Outcome::Failed(_)));
    match args.site.format {
        Format::Json => {
            let rows: Vec<_> = outcomes
                .iter()
                .map(|(item, outcome)| {
                    let detail = match outcome {
                        Outcome::Posted(url) => Some(url.clone()),
                        Outcome::NotDue(when) => Some(when.clone()),
                        Outcome::Failed(why) => Some(why.clone()),
                        _ => None,
                    };
                    json!({"id": item.id, "network": item.network, "outcome": outcome.label(), "detail": detail})
                })
                .collect();
            let _ = std::io::stdout()
                .lock()
                .write_all(format!("{}\n", json!({"items": rows})).as_bytes());
        }
        Format::Human => {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for (item, outcome) in outcomes {
                *counts.entry(outcome.label()).or_default() += 1;
                if let Outcome::Failed(why) = outcome {
                    eprintln!("failed  {}  {why}", item.id);
                }
                if let Outcome::Posted(url) = outcome {
                    eprintln!("posted  {}  {url}", item.id);
                }
            }
            let summary: Vec<String> = counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
            eprintln!(
                "{}",
                if summary.is_empty() {
                    "Nothing to publish.".into()
                } else {
                    summary.join(", ")
                }
            );
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
