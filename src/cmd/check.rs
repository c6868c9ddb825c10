//! `rounds check`: every medical-publishing rule, as compiler-style diagnostics.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use super::{Format, SiteArgs, report, tally};
use crate::build::BuildOptions;

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
}

pub fn run(args: &CheckArgs) -> ExitCode {
    // The whole build runs, into a scratch folder, because some rules judge
    // what it makes: the pages' third-party loads, the outreach items' text.
    // Drafts are checked too: that is when a writer wants to know.
    let scratch = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("error: cannot make a scratch folder to check in: {e}");
            return ExitCode::FAILURE;
        }
    };
    let options = BuildOptions {
        root: args.site.root.clone(),
        output: scratch.path().join("public"),
        base_url: None,
        drafts: true,
        outreach: Some(scratch.path().join("outreach")),
    };
    let progress = crate::progress::Progress::new(false);
    let (_, mut problems) = crate::build::build(&options, &progress);
    problems.sort_by(|a, b| {
        a.file.cmp(&b.file).then_with(|| {
            a.position
                .map(|p| (p.line, p.column))
                .cmp(&b.position.map(|p| (p.line, p.column)))
        })
    });
    let failed = report(&args.site, &problems);
    finish(args, &problems);
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn finish(args: &CheckArgs, problems: &[crate::diagnostic::Diagnostic]) {
    match args.site.format {
        Format::Json => {
            let (errors, warnings) = crate::diagnostic::counts(problems);
            let out = json!({"errors": errors, "warnings": warnings, "diagnostics": problems});
            let _ = std::io::stdout()
                .lock()
                .write_all(format!("{out}\n").as_bytes());
        }
        Format::Human => eprintln!("Checked: {}", tally(problems)),
    }
}
