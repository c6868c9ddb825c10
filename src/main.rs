//! Rounds: a static site generator for clinics and medical practices.

// Diagnostics are large, but they sit on the cold path of a failed build.
#![allow(clippy::result_large_err)]

mod build;
mod check;
mod cmd;
mod config;
mod content;
mod deploy;
mod derive;
mod diagnostic;
mod ledger;
mod load;
mod markdown;
mod outreach;
mod progress;
mod publish;
mod render;
mod schema;
mod theme;
mod write;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    cmd::run(cli)
}
