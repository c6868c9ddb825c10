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
use codespan_reporting::term::termcolor::{Ansi, NoColor, WriteColor};

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
    /// Print every problem, not the first few of each rule
    #[arg(long, global = true)]
    pub all: bool,
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

/// Prints diagnostics the way the user asked, in reading order (they are
/// sorted in place, so JSON printed after lists them in the same order);
/// returns true when any is an error.
pub fn report(site: &SiteArgs, problems: &mut [Diagnostic]) -> bool {
    crate::report::sort(problems);
    if site.format == Format::Human && !problems.is_empty() {
        let mut out = stderr_writer();
        let options = crate::report::Options::for_stderr(site.all);
        crate::report::print(&mut out, &site.root, problems, options);
        let _ = out.flush();
    }
    problems.iter().any(Diagnostic::is_error)
}

/// Writes `value` as one line of JSON to stdout, buffered: a report with
/// 60,000 diagnostics is written straight from the values, not built up as a
/// JSON tree or a string first.
pub fn print_json(value: &impl serde::Serialize) {
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    // A closed pipe (`| head`) is the reader's choice, not a failure.
    let _ = serde_json::to_writer(&mut out, value);
    let _ = writeln!(out);
    let _ = out.flush();
}

/// Stderr, locked and buffered: one write per few kilobytes, not one per
/// coloured fragment (60,000 warnings were millions of `write` calls).
/// Coloured only on a terminal: termcolor's `Auto` looks at TERM and
/// NO_COLOR but not at whether stderr is a terminal, and a log file should
/// not fill with escape codes.
pub fn stderr_writer() -> Box<dyn WriteColor> {
    let buffered = std::io::BufWriter::with_capacity(64 * 1024, std::io::stderr().lock());
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    if terminal && !no_color && !dumb {
        Box::new(Ansi::new(buffered))
    } else {
        Box::new(NoColor::new(buffered))
    }
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
            let mut problems = problems;
            report(site_args, &mut problems);
            if site_args.format == Format::Json {
                // A machine reading stdout learns why there is nothing.
                let none: [(); 0] = [];
                print_json(&serde_json::json!({"items": none, "diagnostics": problems}));
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
