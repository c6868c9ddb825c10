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
    let site = match load::load(root, options) {
        Ok(site) => site,
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
    // Checks run before rendering so their problems lead the report.
    let (checker, problems) = Checker::new(&site, settings, crate::content::date::today());
    found.site = problems;
    found.site.extend(
        site.posts
            .par_iter()
            .flat_map_iter(|post| checker.post(&site, post))
            .collect::<Vec<_>>(),
    );
    laps.stage("load");
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
