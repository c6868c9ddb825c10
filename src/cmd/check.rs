//! `rounds check`: every medical-publishing rule, as compiler-style diagnostics.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use super::{Format, SiteArgs, report, tally};
use crate::load::{self, LoadOptions};

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
}

pub fn run(args: &CheckArgs) -> ExitCode {
    let site = match load::load(&args.site.root, &LoadOptions::default()) {
        Ok(site) => site,
        Err(problems) => {
            report(&args.site, &problems);
            finish(args, &problems);
            return ExitCode::FAILURE;
        }
    };
    let mut problems = match crate::check::Settings::from_config(&site.config, &site.root) {
        Ok(settings) => crate::check::check(&site, &settings, crate::build::today()),
        Err(found) => found,
    };
    // Broken internal links and anchors are found while rendering.
    problems.extend(crate::render::render(&site).1);
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
