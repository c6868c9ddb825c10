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
    /// Write the reading-level report, a page with one row per patient-facing
    /// post, to PATH in the site's folder (default check-report.html)
    #[arg(long, value_name = "PATH", num_args = 0..=1, default_missing_value = "check-report.html")]
    pub report: Option<std::path::PathBuf>,
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
    let wanted = args.report.is_some() || args.site.format == Format::Json;
    let readings = wanted
        .then(|| crate::check::report::for_site(&args.site.root, Some(&problems)))
        .flatten();
    let mut wrote = true;
    if let (Some(path), Some(readings)) = (&args.report, &readings) {
        wrote = write_report(&args.site.root, path, readings);
    }
    finish(
        args,
        &problems,
        readings.as_ref().map(|r| r.rows.as_slice()),
    );
    if failed || !wrote {
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

/// The report goes inside the site's folder, where the check was asked for,
/// and never where it would be published or read as the site's source:
/// `public/` (the output `rounds deploy` uploads), `static/`, `content/`,
/// `templates/`, `themes/`, `data/`. It shows unpublished drafts and open
/// problems, which are the reviewers' and not the readers'.
fn write_report(
    root: &std::path::Path,
    path: &std::path::Path,
    report: &crate::check::report::Report,
) -> bool {
    use std::path::Component;
    let inside = path
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    let first = path
        .components()
        .find_map(|c| match c {
            Component::Normal(name) => name.to_str(),
            _ => None,
        })
        .unwrap_or("");
    let published = ["public", "static", "content", "templates", "themes", "data"];
    if !inside || published.contains(&first) || path.extension().is_none_or(|e| e != "html") {
        eprintln!(
            "error: --report {}: the report is an .html file in the site's folder, outside public/, static/, content/, templates/, themes/ and data/ (it is not for publishing)\n  help: give a path such as check-report.html or reports/reading.html",
            path.display()
        );
        return false;
    }
    let target = root.join(path);
    let html = crate::check::report::html(
        &report.rows,
        report.target,
        report.target_es,
        &report.base_url,
    );
    let written = target
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&target, html));
    match written {
        Ok(()) => {
            eprintln!("Wrote the reading-level report: {}", path.display());
            true
        }
        Err(e) => {
            eprintln!("error: cannot write the report {}: {e}", target.display());
            false
        }
    }
}

fn finish(
    args: &CheckArgs,
    problems: &[crate::diagnostic::Diagnostic],
    posts: Option<&[crate::check::report::PostRow]>,
) {
    match args.site.format {
        Format::Json => {
            let (errors, warnings) = crate::diagnostic::counts(problems);
            #[derive(serde::Serialize)]
            struct Out<'a> {
                errors: usize,
                warnings: usize,
                diagnostics: &'a [crate::diagnostic::Diagnostic],
                /// Every patient-facing post's reading level and review.
                posts: &'a [crate::check::report::PostRow],
            }
            super::print_json(&Out {
                errors,
                warnings,
                diagnostics: problems,
                posts: posts.unwrap_or_default(),
            });
        }
        Format::Human => eprintln!("Checked: {}", tally(problems)),
    }
}
