//! `rounds check`: every medical-publishing rule, as compiler-style diagnostics.

use std::process::ExitCode;

use clap::Args;

use super::{Format, SiteArgs, report, tally};
use crate::build::BuildOptions;

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Also fetch every external link (concurrently, a few per host, cached for a day)
    #[arg(long)]
    pub external: bool,
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
    if args.external {
        problems.extend(external_links(&args.site.root));
    }
    let failed = report(&args.site, &mut problems);
    finish(args, &problems);
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn external_links(root: &std::path::Path) -> Vec<crate::diagnostic::Diagnostic> {
    let options = crate::load::LoadOptions {
        drafts: true,
        base_url: None,
    };
    // A site that does not load has been reported by the build already.
    let Ok(site) = crate::load::load(root, &options) else {
        return Vec::new();
    };
    let Ok(settings) = crate::check::Settings::from_config(&site.config, &site.root) else {
        return Vec::new();
    };
    let cache = crate::check::external::cache_file(root);
    let limits = crate::check::external::Limits {
        timeout: settings.external_timeout,
        ..Default::default()
    };
    settings.apply(crate::check::external::check(
        &site.posts,
        cache.as_deref(),
        &limits,
    ))
}

fn finish(args: &CheckArgs, problems: &[crate::diagnostic::Diagnostic]) {
    match args.site.format {
        Format::Json => {
            let (errors, warnings) = crate::diagnostic::counts(problems);
            #[derive(serde::Serialize)]
            struct Out<'a> {
                errors: usize,
                warnings: usize,
                diagnostics: &'a [crate::diagnostic::Diagnostic],
            }
            super::print_json(&Out {
                errors,
                warnings,
                diagnostics: problems,
            });
        }
        Format::Human => eprintln!("Checked: {}", tally(problems)),
    }
}
