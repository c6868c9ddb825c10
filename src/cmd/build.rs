//! `rounds build`

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{Format, SiteArgs, report, tally};
use crate::build::{BuildOptions, build};
use crate::progress::Progress;

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Where to write the site (relative paths are under the site's folder).
    /// Never one of the site's sources (config.toml, content, data, templates,
    /// themes, static, syndication.toml, .github, netlify.toml, .git), and
    /// never a folder with files Rounds did not write: Rounds marks the
    /// folders it writes with a `.rounds-output` file
    #[arg(long, short = 'o', value_name = "DIR", default_value = "public")]
    pub output: PathBuf,
    /// Publish at another address than config.toml's base_url (e.g. a preview)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Include posts and sections marked `draft = true`
    #[arg(long)]
    pub drafts: bool,
    /// Where to write the outreach (default: outreach/ beside public/, or
    /// OUTPUT.outreach); relative paths are under the site's folder, and the
    /// same folders are refused as for --output
    #[arg(long, value_name = "DIR")]
    pub outreach: Option<PathBuf>,
    /// Print how long each stage took
    #[arg(long)]
    pub timings: bool,
}

pub fn run(args: &BuildArgs) -> ExitCode {
    let options = BuildOptions {
        root: args.site.root.clone(),
        output: args.output.clone(),
        base_url: args.base_url.clone(),
        drafts: args.drafts,
        outreach: args.outreach.clone(),
    };
    let progress = Progress::new(!args.site.quiet && args.site.format == Format::Human);
    let (result, mut problems) = build(&options, &progress);
    let failed = report(&args.site, &mut problems);
    match args.site.format {
        Format::Json => {
            #[derive(serde::Serialize)]
            struct Out<'a, R> {
                ok: bool,
                report: Option<R>,
                diagnostics: &'a [crate::diagnostic::Diagnostic],
            }
            super::print_json(&Out {
                ok: result.is_ok(),
                report: result.as_ref().ok(),
                diagnostics: &problems,
            });
        }
        Format::Human => match &result {
            Ok(report) => {
                if args.timings {
                    for (name, took) in &report.stages {
                        eprintln!("{name:>8} {:>8.1} ms", took.as_secs_f64() * 1e3);
                    }
                }
                if !args.site.quiet {
                    eprintln!(
                        "Built {} posts, {} sections and {} terms into {} pages ({} files, {:.1} MB) and {} outreach items in {} ms{}",
                        report.posts,
                        report.sections,
                        report.terms,
                        report.pages,
                        report.files,
                        report.bytes as f64 / 1e6,
                        report.outreach_items,
                        report.elapsed.as_millis(),
                        if problems.is_empty() {
                            String::new()
                        } else {
                            format!("; {}", tally(&problems))
                        },
                    );
                }
            }
            Err(()) => eprintln!(
                "Build failed: {}; {} was left as it was",
                tally(&problems),
                args.output.display()
            ),
        },
    }
    if result.is_err() || failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
