//! `rounds deploy`: upload the built site to object storage, only what changed.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use super::{Format, SiteArgs, report};
use crate::config::Config;
use crate::deploy::{self, Options, Report, store::Bucket, target::Target};
use crate::diagnostic::Diagnostic;
use crate::secrets;

#[derive(Debug, Args)]
pub struct DeployArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Where to: a NAME of [deploy.targets.NAME] in config.toml (default: the
    /// `target` under [deploy], or the only one)
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,
    /// List what would be uploaded and deleted, and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Also remove what the site no longer has (only under the target's prefix)
    #[arg(long)]
    pub delete: bool,
    /// Upload every file, unchanged ones too (after changing [[deploy.cache]])
    #[arg(long)]
    pub force: bool,
    /// The built site to upload (default: public/ in the site)
    #[arg(long, value_name = "DIR", default_value = "public")]
    pub output: PathBuf,
}

pub fn run(args: &DeployArgs) -> ExitCode {
    let root = &args.site.root;
    let settings = match Config::load(root).and_then(|c| deploy::target::load(&c, root)) {
        Ok(settings) => settings,
        Err(mut problems) => {
            report(&args.site, &mut problems);
            return refused(args, None, &[], &problems);
        }
    };
    let target = match settings.pick(args.target.as_deref()) {
        Ok(target) => target,
        Err(why) => return fail(args, None, &why.to_string()),
    };
    let stop = |message: &str| fail(args, Some(target), message);
    let public = if args.output.is_absolute() {
        args.output.clone()
    } else {
        root.join(&args.output)
    };
    if !public.is_dir() {
        return stop(&format!(
            "{} does not exist: run `rounds build` first",
            public.display()
        ));
    }
    let files = match deploy::plan::scan(&public) {
        Ok(files) if files.is_empty() => {
            // Deploying nothing with --delete would empty the bucket.
            return stop(&format!(
                "{} is empty: run `rounds build` first",
                public.display()
            ));
        }
        Ok(files) => files,
        Err(why) => return stop(&why.to_string()),
    };
    let bucket = match Bucket::connect(target) {
        Ok(bucket) => bucket,
        Err(why) => return stop(&why.to_string()),
    };
    let runtime = match deploy::runtime() {
        Ok(runtime) => runtime,
        Err(why) => return stop(&why.to_string()),
    };
    let options = Options {
        dry_run: args.dry_run,
        delete: args.delete,
        force: args.force,
    };
    let progress =
        crate::progress::Progress::new(args.site.format == Format::Human && !args.site.quiet);
    let done = runtime.block_on(deploy::deploy(
        &bucket,
        files,
        &settings.cache,
        options,
        &progress,
    ));
    match done {
        Ok(done) => finish(args, target, &bucket, &done),
        Err(why) => stop(&format!("target `{}`: {why}", target.name)),
    }
}

/// A deploy that stopped before its report: the message on stderr, or, with
/// `--format json`, a report saying why on stdout.
fn fail(args: &DeployArgs, target: Option<&Target>, message: &str) -> ExitCode {
    if args.site.format == Format::Human {
        eprintln!("error: {}", secrets::scrub(message));
    }
    refused(args, target, &[message.to_string()], &[])
}

/// With `--format json`: `{"ok": false, "errors": [...], "diagnostics": [...]}`
/// on stdout, so a script reading it always gets an answer.
fn refused(
    args: &DeployArgs,
    target: Option<&Target>,
    errors: &[String],
    diagnostics: &[Diagnostic],
) -> ExitCode {
    if args.site.format == Format::Json {
        let errors: Vec<String> = errors.iter().map(|e| secrets::scrub(e)).collect();
        let report = json!({
            "ok": false,
            "target": target.map(|t| &t.name),
            "url": target.map(|t| secrets::url(&t.to_string())),
            "errors": errors,
            "diagnostics": diagnostics,
        });
        let _ = std::io::stdout()
            .lock()
            .write_all(format!("{report}\n").as_bytes());
    }
    ExitCode::FAILURE
}

fn finish(args: &DeployArgs, target: &Target, bucket: &Bucket, done: &Report) -> ExitCode {
    let mut out = String::new();
    match args.site.format {
        Format::Json => {
            let failed: Vec<_> = done
                .failed
                .iter()
                .map(|(path, error)| json!({"path": path, "error": secrets::scrub(&error.to_string())}))
                .collect();
            let report = json!({
                "ok": done.failed.is_empty(),
                "target": target.name,
                "url": bucket.label(),
                "dry_run": done.dry_run,
                "uploaded": done.uploaded,
                "unchanged": done.unchanged,
                "deleted": done.deleted,
                "stale": done.stale,
                "bytes": done.bytes,
                "failed": failed,
            });
            out.push_str(&format!("{report}\n"));
        }
        Format::Human => {
            let (up, del) = if done.dry_run {
                ("would upload", "would delete")
            } else {
                ("uploaded", "deleted")
            };
            if done.dry_run || !args.site.quiet {
                for key in &done.uploaded {
                    out.push_str(&format!("{up}  {key}\n"));
                }
                for key in &done.deleted {
                    out.push_str(&format!("{del}  {key}\n"));
                }
            }
            for (key, why) in &done.failed {
                eprintln!("failed  {key}  {}", secrets::scrub(&why.to_string()));
            }
            if !args.site.quiet {
                eprintln!("{}", summary(target, bucket, done));
                if !done.stale.is_empty() {
                    eprintln!(
                        "{} stored file{} no longer in the site; `rounds deploy --delete` removes {}.",
                        done.stale.len(),
                        if done.stale.len() == 1 {
                            " is"
                        } else {
                            "s are"
                        },
                        if done.stale.len() == 1 { "it" } else { "them" },
                    );
                }
            }
        }
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    if done.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// "Deployed to www (s3://bucket): 3 uploaded (12.4 kB), 215 unchanged, 1 deleted."
fn summary(target: &Target, bucket: &Bucket, done: &Report) -> String {
    let (verb, up, del) = if done.dry_run {
        ("Dry run, nothing changed at", "to upload", "to delete")
    } else {
        ("Deployed to", "uploaded", "deleted")
    };
    let mut parts = vec![
        format!("{} {up} ({})", done.uploaded.len(), size(done.bytes)),
        format!("{} unchanged", done.unchanged),
        format!("{} {del}", done.deleted.len()),
    ];
    if !done.failed.is_empty() {
        parts.push(format!("{} failed", done.failed.len()));
    }
    format!(
        "{verb} {} ({}): {}.",
        target.name,
        bucket.label(),
        parts.join(", ")
    )
}

/// 1234 → "1.2 kB"
fn size(bytes: u64) -> String {
    const UNITS: &[&str] = &["kB", "MB", "GB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::size;

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(size(999), "999 B");
        assert_eq!(size(12_400), "12.4 kB");
        assert_eq!(size(3_500_000), "3.5 MB");
    }
}
