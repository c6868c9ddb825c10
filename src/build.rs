//! `rounds build`: the pipeline's products written out, atomically: the
//! previous output stays whole until every page has been drawn and judged.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::check::Checker;
use crate::derive::Derived;
use crate::diagnostic::Diagnostic;
use crate::load::{LoadOptions, Site};
use crate::outreach::Outreach;
use crate::pipeline::{self, Analysed, Laps};
use crate::progress::Progress;
use crate::render::Bodies;
use crate::write::output::{Replaced, Staging};
use crate::write::{self, Frame, Written};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Where the site goes; relative paths are under `root`.
    pub output: PathBuf,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Where outreach goes (default: `outreach/` beside `public/`); relative
    /// paths are under `root`, as for `output`.
    pub outreach: Option<PathBuf>,
}

/// What a successful build did, for the summary line.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    pub posts: usize,
    pub sections: usize,
    pub outreach_items: usize,
    pub terms: usize,
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    /// The pictures (the outreach's and the pages' own): how many were
    /// made, how many reused.
    pub pictures: crate::picture::Produced,
    #[serde(serialize_with = "millis")]
    pub elapsed: Duration,
    pub output: PathBuf,
    /// Time spent in each stage, in order.
    #[serde(skip)]
    pub stages: Vec<(&'static str, Duration)>,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u128(d.as_millis())
}

/// A finished build, kept in memory: `rounds serve` updates it on each save
/// instead of starting again.
pub struct Built {
    pub site: Site,
    pub checker: Checker,
    pub bodies: Bodies,
    pub derived: Derived,
    pub outreach: Outreach,
    pub frame: Frame,
    /// Where the site and the outreach files were written.
    pub output: PathBuf,
    pub outreach_dir: PathBuf,
}

/// What a build gives back: its result (any error is in the problems) and
/// every problem it found, warnings included.
pub type Outcome<T> = (Result<T, ()>, Vec<Diagnostic>);

/// Builds the site. Warnings come back either way; any error means the
/// previous output was left untouched.
pub fn build(options: &BuildOptions, progress: &Progress) -> Outcome<Report> {
    let (result, mut problems) = build_and_keep(options, progress);
    let Ok((report, _, replaced)) = result else {
        return (Err(()), problems);
    };
    match replaced.remove() {
        Ok(()) => (Ok(report), problems),
        Err(e) => {
            problems.push(io_problem(&report.output, &e));
            (Err(()), problems)
        }
    }
}

/// Builds the site and keeps what it made in memory. The output it replaced
/// comes back still on disk, for the caller to delete: [`build`] deletes it
/// at once, `rounds serve` once the browser has been told to reload.
pub fn build_and_keep(
    options: &BuildOptions,
    progress: &Progress,
) -> Outcome<(Report, Built, Replaced)> {
    let started = Instant::now();
    let (output, outreach_dir) = match targets(options) {
        Ok(targets) => targets,
        Err(problem) => return (Err(()), vec![problem]),
    };
    let load_options = LoadOptions {
        drafts: options.drafts,
        base_url: options.base_url.clone(),
    };
    let mut laps = Laps::default();
    let (analysed, mut problems) = match pipeline::analyse(&options.root, &load_options, &mut laps)
    {
        (Ok(analysed), problems) => (analysed, problems),
        (Err(()), problems) => return (Err(()), problems),
    };
    let frame = match Frame::new(&analysed.site, &analysed.bodies, &analysed.derived) {
        Ok(frame) => frame,
        Err(mut more) => {
            problems.append(&mut more);
            return (Err(()), problems);
        }
    };
    let out = Out {
        site: &output,
        outreach: &outreach_dir,
    };
    let Some((written, replaced, pictures)) =
        write_out(&analysed, &frame, out, progress, &mut laps, &mut problems)
    else {
        return (Err(()), problems);
    };
    let report = Report {
        posts: analysed.site.posts.len(),
        sections: analysed.site.sections.len(),
        terms: analysed
            .derived
            .taxonomies
            .iter()
            .map(|t| t.terms.len())
            .sum(),
        outreach_items: analysed.outreach.items.len(),
        pages: written.pages,
        files: written.files,
        bytes: written.bytes,
        pictures,
        elapsed: started.elapsed(),
        output: output.clone(),
        stages: laps.stages,
    };
    let built = Built::keep(analysed, frame, output, outreach_dir);
    (Ok((report, built, replaced)), problems)
}

/// Where the site and its outreach go, once they are known to be safe to
/// replace.
fn targets(options: &BuildOptions) -> Result<(PathBuf, PathBuf), Diagnostic> {
    let output = options.root.join(&options.output);
    let outreach_dir = match &options.outreach {
        Some(outreach) => options.root.join(outreach),
        None => write::outreach_files::folder(&options.root, &output),
    };
    safe_targets(&options.root, &output, &outreach_dir)?;
    Ok((output, outreach_dir))
}

/// The folders a build replaces.
#[derive(Clone, Copy)]
struct Out<'a> {
    site: &'a Path,
    outreach: &'a Path,
}

/// Draws every page into a staging folder, makes the outreach pictures
/// there, judges what the pages load, and only then swaps it in and writes
/// the outreach files. `None` means an error (in `problems`) left the
/// previous output as it was; else the previous output comes back too,
/// moved aside, to be deleted.
fn write_out(
    analysed: &Analysed,
    frame: &Frame,
    out: Out,
    progress: &Progress,
    laps: &mut Laps,
    problems: &mut Vec<Diagnostic>,
) -> Option<(Written, Replaced, crate::picture::Produced)> {
    let Analysed {
        site,
        bodies,
        derived,
        ..
    } = analysed;
    let staging = match Staging::new(out.site) {
        Ok(staging) => staging,
        Err(e) => {
            // Reported alone, without the warnings so far, as it always was.
            *problems = vec![io_problem(out.site, &e)];
            return None;
        }
    };
    let written = match write::write(site, bodies, derived, frame, staging.path(), progress) {
        Ok(written) => written,
        Err(mut more) => {
            problems.append(&mut more);
            return None;
        }
    };
    laps.stage("write");
    // Pictures already in the output being replaced, or in the cache, are
    // not made again.
    let cache = crate::picture::cache::folder();
    let (pictures, mut found) = crate::picture::produce(
        &derived.pictures,
        staging.path(),
        Some(out.site),
        cache.as_deref(),
    );
    problems.append(&mut found);
    laps.stage("pictures");
    // Judged on the drawn pages, before they replace the live ones.
    problems.extend(pipeline::judge_loads(analysed, &written.foreign_loads));
    if problems.iter().any(Diagnostic::is_error) {
        return None;
    }
    let replaced = match staging.commit_keeping_old() {
        Ok(replaced) => replaced,
        Err(e) => {
            problems.push(io_problem(out.site, &e));
            return None;
        }
    };
    if let Err(problem) = write::outreach_files::write(site, &analysed.outreach, out.outreach) {
        problems.push(problem);
        // The new site is in; only the outreach failed, as before.
        let _ = replaced.remove();
        return None;
    }
    laps.stage("swap");
    Some((written, replaced, pictures))
}

impl Built {
    /// What a build made, kept for `rounds serve`.
    fn keep(analysed: Analysed, frame: Frame, output: PathBuf, outreach_dir: PathBuf) -> Built {
        let Analysed {
            site,
            checker,
            bodies,
            derived,
            outreach,
        } = analysed;
        Built {
            site,
            checker,
            bodies,
            derived,
            outreach,
            frame,
            output,
            outreach_dir,
        }
    }
}

/// Refuses outputs that would replace the site's own files, each other, or
/// a folder Rounds did not write.
fn safe_targets(root: &Path, output: &Path, outreach_dir: &Path) -> Result<(), Diagnostic> {
    let refuse = |target: &Path, why: &str, flag: &str| {
        Diagnostic::error(
            "output/unsafe",
            format!("refusing to replace {}: {why}", target.display()),
        )
        .with_help(format!(
            "pass {flag} with a folder of its own (relative paths are under the site's folder); to reuse a folder Rounds did not write, empty or delete it first"
        ))
    };
    let (site, outreach) = (
        crate::site_path::resolved(output),
        crate::site_path::resolved(outreach_dir),
    );
    if site.starts_with(&outreach) || outreach.starts_with(&site) {
        let why = "the site and its outreach need folders of their own";
        return Err(refuse(outreach_dir, why, "--outreach"));
    }
    if let Some(why) = write::output::refusal(root, output) {
        return Err(refuse(output, &why, "--output"));
    }
    if let Some(why) = write::output::refusal(root, outreach_dir) {
        return Err(refuse(outreach_dir, &why, "--outreach"));
    }
    Ok(())
}

fn io_problem(output: &Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        "output/write",
        format!("cannot replace {}: {error}", output.display()),
    )
    .with_help("check that the folder is writable and not open in another program")
}
