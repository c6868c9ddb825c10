//! The one pipeline: load → check → render → derive → outreach, wired here
//! and nowhere else. `build`, `serve` (full and incremental), `check`,
//! `social` and `publish` all go through it, so what one refuses every
//! other refuses too: nothing can be previewed or posted that the build
//! would not write.

use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::check::Checker;
use crate::derive::Derived;
use crate::diagnostic::Diagnostic;
use crate::load::{self, LoadOptions, Site};
use crate::outreach::Outreach;
use crate::render::Bodies;
use crate::write::Frame;

/// Everything later stages read, made from the site's sources: the rendered
/// bodies, the derived pages and files, the outreach items, and the checker
/// whose settings judged them.
pub struct Analysed {
    pub site: Site,
    pub checker: Checker,
    pub bodies: Bodies,
    pub derived: Derived,
    pub outreach: Outreach,
}

/// Time spent in each stage, in order, for `rounds build --verbose`.
#[derive(Debug, Default, Clone)]
pub struct Laps {
    pub stages: Vec<(&'static str, Duration)>,
    lap: Option<Instant>,
}

impl Laps {
    /// Closes the stage that started at the last lap (or at the first call).
    pub fn stage(&mut self, name: &'static str) {
        let now = Instant::now();
        let started = self.lap.unwrap_or(now);
        self.stages.push((name, now - started));
        self.lap = Some(now);
    }

    fn start(&mut self) {
        self.lap = Some(Instant::now());
    }
}

/// Loads the site and runs every stage up to the outreach, with every check.
/// Problems come back either way; `Err` means an error stopped it, and then
/// nothing downstream may use what was made.
pub fn analyse(
    root: &Path,
    options: &LoadOptions,
    laps: &mut Laps,
) -> (Result<Analysed, ()>, Vec<Diagnostic>) {
    let (result, mut problems) = stages(root, options, laps);
    problems.site.append(&mut problems.outreach);
    (result, problems.site)
}

/// What the stages found: about the site's pages, and about its outreach.
#[derive(Default)]
struct Found {
    site: Vec<Diagnostic>,
    outreach: Vec<Diagnostic>,
}

impl Found {
    fn any_error(&self) -> bool {
        self.site
            .iter()
            .chain(&self.outreach)
            .any(Diagnostic::is_error)
    }
}

fn stages(root: &Path, options: &LoadOptions, laps: &mut Laps) -> (Result<Analysed, ()>, Found) {
    laps.start();
    let mut found = Found::default();
    // The rules' tables (the pronouncing dictionary, the identifier
    // patterns) are read while the files are, not in the first post's check.
    let (site, ()) = rayon::join(|| load::load(root, options), crate::check::prepare);
    let site = match site {
        Ok(mut site) => {
            found.site.append(&mut site.warnings);
            site
        }
        Err(problems) => {
            return (
                Err(()),
                Found {
                    site: problems,
                    ..found
                },
            );
        }
    };
    let settings = match crate::check::Settings::from_config(&site.config, &site.root) {
        Ok(settings) => settings,
        Err(problems) => {
            return (
                Err(()),
                Found {
                    site: problems,
                    ..found
                },
            );
        }
    };
    laps.stage("load");
    // Checks run before rendering so their problems lead the report.
    let (checker, problems) = Checker::new(&site, settings, crate::content::date::today());
    found.site.extend(problems);
    found.site.extend(
        site.posts
            .par_iter()
            .flat_map_iter(|post| checker.post(&site, post))
            .collect::<Vec<_>>(),
    );
    found
        .site
        .extend(crate::check::check_images(&site, checker.settings()));
    found.site.extend(crate::check::check_language_access(
        &site,
        checker.settings(),
    ));
    laps.stage("check");
    let (bodies, rendered) = crate::render::render(&site);
    found.site.extend(rendered);
    laps.stage("render");
    let (derived, derived_problems) = crate::derive::derive(&site, &bodies);
    found.site.extend(derived_problems);
    let (outreach, outreach_problems) = outreach(&site, &bodies, &derived.pictures, &checker);
    found.outreach = outreach_problems;
    laps.stage("derive");
    let analysed = Analysed {
        site,
        checker,
        bodies,
        derived,
        outreach,
    };
    (
        if found.any_error() {
            Err(())
        } else {
            Ok(analysed)
        },
        found,
    )
}

/// The outreach items of the site as it is now, with the privacy scan of
/// their text: text from `config.toml` (shout-outs, "recommend us") never
/// passes through a post's own checks, so it is judged here.
pub fn outreach(
    site: &Site,
    bodies: &Bodies,
    pictures: &std::sync::Arc<crate::picture::Pictures>,
    checker: &Checker,
) -> (Outreach, Vec<Diagnostic>) {
    let (outreach, mut problems) =
        crate::outreach::derive(site, bodies, pictures, crate::content::date::today());
    problems.extend(crate::check::check_outreach(
        site,
        &outreach.items,
        checker.settings(),
    ));
    (outreach, problems)
}

/// What the drawn pages load from other hosts, judged by the site's rules.
pub fn judge_loads(analysed: &Analysed, loads: &[(usize, String)]) -> Vec<Diagnostic> {
    let settings = analysed.checker.settings();
    settings.apply(crate::check::third_party::diagnose(
        &analysed.site,
        &analysed.derived,
        loads,
        &settings.allowed_hosts,
    ))
}

/// The whole pipeline without writing anything: every page is drawn in
/// memory and judged as the build judges it. `social` and `publish` go
/// through this, so an item is only shown as fine, or posted, when
/// `rounds build` would write its post. Every error comes back, but of the
/// warnings only the outreach's: the pages' warnings are `rounds check`'s.
pub fn vet(root: &Path, options: &LoadOptions) -> (Result<Analysed, ()>, Vec<Diagnostic>) {
    let (result, found) = stages(root, options, &mut Laps::default());
    let mut problems: Vec<Diagnostic> = found
        .site
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    problems.extend(found.outreach);
    let Ok(analysed) = result else {
        return (Err(()), problems);
    };
    problems.extend(
        draw_and_judge(&analysed)
            .into_iter()
            .filter(Diagnostic::is_error),
    );
    let failed = problems.iter().any(Diagnostic::is_error);
    (if failed { Err(()) } else { Ok(analysed) }, problems)
}

/// Template failures and third-party loads of every page, drawn in memory.
fn draw_and_judge(analysed: &Analysed) -> Vec<Diagnostic> {
    let Analysed {
        site,
        bodies,
        derived,
        ..
    } = analysed;
    let frame = match Frame::new(site, bodies, derived) {
        Ok(frame) => frame,
        Err(problems) => return problems,
    };
    match crate::write::draw_for_loads(site, bodies, derived, &frame) {
        Ok(loads) => judge_loads(analysed, &loads),
        Err(problems) => problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A blog of `n` posts, each with warnings from several rules.
    fn blog(n: usize) -> tempfile::TempDir {
        let site = tempfile::tempdir().unwrap();
        let write = |path: &str, text: &str| {
            let path = site.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "config.toml",
            "title = \"Clinic\"\nbase_url = \"https://clinic.example\"\n",
        );
        write("data/doctors.toml", "[lee]\nname = \"Dr. Sam Lee\"\n");
        write("content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
        write("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n");
        for i in 0..n {
            let heading = if i % 3 == 0 { "####" } else { "##" };
            write(
                &format!("content/blog/post-{i:03}.md"),
                &format!(
                    "+++\ntitle = \"Post {i}\"\ndate = 2026-01-05\nkind = \"prevention\"\nreviewed_by = \"lee\"\nlast_reviewed = 2020-0{}-01\n+++\n\n\
                     Your hypertension and renal care. [Click here](https://example.org/{i}).\n\n\
                     {heading} More\n\nWalk every day.\n",
                    1 + i % 9
                ),
            );
        }
        site
    }

    /// The rules run over the posts in parallel, and what they find comes
    /// out as running them one post after another gives it, in order.
    #[test]
    fn parallel_checks_report_what_serial_checks_do_in_the_same_order() {
        let site = blog(150);
        let options = LoadOptions::default();
        let (result, found) = analyse(site.path(), &options, &mut Laps::default());
        assert!(result.is_ok(), "{found:#?}");

        let loaded = load::load(site.path(), &options).unwrap();
        let settings = crate::check::Settings::from_config(&loaded.config, &loaded.root).unwrap();
        let (checker, first) = Checker::new(&loaded, settings, crate::content::date::today());
        assert!(first.is_empty(), "{first:#?}");
        let serial: Vec<Diagnostic> = loaded
            .posts
            .iter()
            .flat_map(|post| checker.post(&loaded, post))
            .collect();
        assert!(serial.len() >= 150 * 4, "{} diagnostics", serial.len());
        assert_eq!(found[..serial.len()], serial[..]);
        let files: Vec<_> = serial.iter().map(|d| d.file.clone()).collect();
        assert!(files.is_sorted(), "post by post, in the posts' order");
    }
}
