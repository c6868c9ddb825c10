//! The command line: one module per command.

mod build;
mod check;
mod deploy;
mod init;
mod publish;
mod serve;
mod social;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};

use crate::diagnostic::{self, Diagnostic};

#[derive(Debug, Parser)]
#[command(
    name = "rounds",
    version,
    about = "A static site generator for clinics: a trustworthy medical blog, and outreach for patients and referring physicians",
    long_about = None,
    after_help = "Start with `rounds init my-clinic`, then `rounds build --root my-clinic`.\nDocs: docs/content-model.md"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a new clinic site that builds at once
    Init(init::InitArgs),
    /// Build the site and preview it at http://127.0.0.1:1111/
    Serve(serve::ServeArgs),
    /// Build the site into public/ (and its outreach into outreach/)
    Build(build::BuildArgs),
    /// Show the outreach every post yields: teasers, polls, shout-outs, physician articles
    Social(social::SocialArgs),
    /// Check medical review, sources, consent and accessibility in every post
    Check(check::CheckArgs),
    /// Post the outreach that is due to Mastodon and Bluesky, exactly once
    Publish(publish::PublishArgs),
    /// Upload the built site to S3, R2, B2, GCS or Azure: only what changed
    Deploy(deploy::DeployArgs),
}

/// Options every command that reads a site shares.
#[derive(Debug, Clone, Args)]
pub struct SiteArgs {
    /// The site's folder (the one holding config.toml)
    #[arg(
        long,
        short = 'r',
        value_name = "DIR",
        default_value = ".",
        global = true
    )]
    pub root: PathBuf,
    /// How to print results and problems
    #[arg(long, value_enum, default_value_t = Format::Human, global = true)]
    pub format: Format,
    /// Print only problems
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Init(args) => init::run(&args),
        Command::Build(args) => build::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Social(args) => social::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Publish(args) => publish::run(&args),
        Command::Deploy(args) => deploy::run(&args),
    }
}

/// Prints diagnostics the way the user asked; returns true when any is an error.
pub fn report(site: &SiteArgs, problems: &[Diagnostic]) -> bool {
    if site.format == Format::Human && !problems.is_empty() {
        // termcolor's `Auto` looks only at TERM and NO_COLOR, not at whether
        // stderr is a terminal; a log file should not fill with escape codes.
        let color = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            ColorChoice::Auto
        } else {
            ColorChoice::Never
        };
        let mut stderr = StandardStream::stderr(color);
        diagnostic::emit(&mut stderr, &site.root, problems);
    }
    problems.iter().any(Diagnostic::is_error)
}

/// The site and its outreach, for commands that work on outreach items,
/// through the same pipeline and checks as `rounds build`: problems are
/// reported here, and `None` means an error stopped it, so nothing the build
/// refuses is shown as fine or posted.
pub fn load_outreach(site_args: &SiteArgs) -> Option<(crate::pipeline::Analysed, Vec<Diagnostic>)> {
    let (result, problems) =
        crate::pipeline::vet(&site_args.root, &crate::load::LoadOptions::default());
    match result {
        Ok(analysed) => Some((analysed, problems)),
        Err(()) => {
            report(site_args, &problems);
            if site_args.format == Format::Json {
                // A machine reading stdout learns why there is nothing.
                let refused = serde_json::json!({"items": [], "diagnostics": problems});
                let _ = writeln!(std::io::stdout().lock(), "{refused}");
            }
            None
        }
    }
}

/// A `--network` value that names no network.
#[derive(Debug, thiserror::Error)]
#[error(
    "unknown network `{name}`; use {}",
    crate::outreach::Network::keys_listed()
)]
pub struct UnknownNetwork {
    pub name: String,
}

/// `--network NAME` values, or the first that names no network.
pub fn networks(names: &[String]) -> Result<Vec<crate::outreach::Network>, UnknownNetwork> {
    names
        .iter()
        .map(|name| {
            crate::outreach::Network::from_key(&name.to_lowercase())
                .ok_or_else(|| UnknownNetwork { name: name.clone() })
        })
        .collect()
}

/// "1 error, 2 warnings"
pub fn tally(problems: &[Diagnostic]) -> String {
    let (errors, warnings) = diagnostic::counts(problems);
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => "no problems".into(),
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}
