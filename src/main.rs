//! Rounds: a static site generator for clinics and medical practices.

// Diagnostics are large, but they sit on the cold path of a failed build.
#![allow(clippy::result_large_err)]

/// A point where the exactly-once tests stop the process dead, as a kill or a
/// power cut would (`FAILPOINTS="ledger::before-rename=return"`); it compiles to
/// nothing unless built with the `failpoints` feature.
macro_rules! crash_point {
    ($name:expr) => {
        #[cfg(feature = "failpoints")]
        fail::fail_point!($name, |_| std::process::abort());
    };
}

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
mod network;
mod outreach;
mod picture;
mod pipeline;
mod progress;
mod publish;
mod render;
mod report;
mod schema;
mod secrets;
mod serve;
mod site_path;
mod source;
mod theme;
mod write;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    #[cfg(feature = "failpoints")]
    let _crash_points = fail::FailScenario::setup();
    let cli = cmd::Cli::parse();
    cmd::run(cli)
}
