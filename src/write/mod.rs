//! Write: draw every page with its template and write the site, in parallel,
//! into a staging folder that replaces the output only when all went well.
//!
//! `frame` holds what every page is drawn in, `draw` draws one page by its
//! kind, `files` puts bytes into the output, and `page_error` says what went
//! wrong with a page, once per distinct problem.

mod brand;
mod draw;
mod files;
mod frame;
pub mod jsonld;
mod meta;
pub mod names;
pub mod output;
pub mod outreach_files;
mod page_error;
pub mod pictures;
mod recursion;
mod related;
pub mod templates;
pub mod view;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::derive::Derived;
use crate::diagnostic::Diagnostic;
use crate::load::Site;
use crate::progress::Progress;
use crate::render::Bodies;
pub use files::{put_changed, put_static, replace_if_changed, write_error};
pub use frame::Frame;
use page_error::{Failure, PageError};
pub use related::related_posts;
use view::Views;

/// What a build wrote, for its summary line.
#[derive(Debug, Default, Clone)]
pub struct Written {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    /// (page index, URL) for everything a page loads from another host;
    /// `check::third_party` judges them.
    pub foreign_loads: Vec<(usize, String)>,
}

/// One page drawn again, not yet written.
pub struct Drawn {
    /// Index into `derived.pages`.
    pub page: usize,
    pub html: String,
}

/// Draws `pages` (indexes into `derived.pages`) again, in parallel; every
/// template failure is reported, and then nothing is returned.
pub fn draw_pages(
    site: &Site,
    bodies: &Bodies,
    derived: &Derived,
    frame: &Frame,
    pages: &[usize],
) -> Result<Vec<Drawn>, Vec<Diagnostic>> {
    let views = Views::new(site, derived);
    let drawing = frame.drawing(site, bodies, derived, &views);
    let results: Vec<Result<Drawn, Failure>> = pages
        .par_iter()
        .map(|&page| {
            drawing
                .draw(&derived.pages[page])
                .map(|html| Drawn { page, html })
                .map_err(|error| (derived.pages[page].template.clone(), error))
        })
        .collect();
    let mut drawn = Vec::with_capacity(results.len());
    let mut failures = Vec::new();
    for result in results {
        match result {
            Ok(page) => drawn.push(page),
            Err(failure) => failures.push(failure),
        }
    }
    if failures.is_empty() {
        Ok(drawn)
    } else {
        Err(page_error::report(site, failures, pages.len()))
    }
}

/// Draws every page in memory and keeps only what each loads from other
/// hosts, (page index, URL): how the pipeline judges pages without writing
/// them. Every template failure is reported, and then nothing is returned.
pub fn draw_for_loads(
    site: &Site,
    bodies: &Bodies,
    derived: &Derived,
    frame: &Frame,
) -> Result<Vec<(usize, String)>, Vec<Diagnostic>> {
    let views = Views::new(site, derived);
    let drawing = frame.drawing(site, bodies, derived, &views);
    let own_host = crate::check::third_party::host_of(site.config.base()).unwrap_or_default();
    // The pages are dropped as soon as they are read: a large site's HTML
    // does not fit in memory all at once.
    let results: Vec<Result<Vec<String>, Failure>> = derived
        .pages
        .par_iter()
        .map(|page| {
            drawing
                .draw(page)
                .map(|html| crate::check::third_party::foreign_loads(&html, own_host))
                .map_err(|error| (page.template.clone(), error))
        })
        .collect();
    let mut loads = Vec::new();
    let mut failures = Vec::new();
    for (page, result) in results.into_iter().enumerate() {
        match result {
            Ok(urls) => loads.extend(urls.into_iter().map(|url| (page, url))),
            Err(failure) => failures.push(failure),
        }
    }
    if failures.is_empty() {
        Ok(loads)
    } else {
        Err(page_error::report(site, failures, derived.pages.len()))
    }
}

/// (page index, URL) for everything the drawn pages load from other hosts.
pub fn foreign_loads(site: &Site, drawn: &[Drawn]) -> Vec<(usize, String)> {
    let own_host = crate::check::third_party::host_of(site.config.base()).unwrap_or_default();
    drawn
        .iter()
        .flat_map(|d| {
            crate::check::third_party::foreign_loads(&d.html, own_host)
                .into_iter()
                .map(|url| (d.page, url))
        })
        .collect()
}

/// Writes the whole site into `out`, which must exist and be empty.
pub fn write(
    site: &Site,
    bodies: &Bodies,
    derived: &Derived,
    frame: &Frame,
    out: &Path,
    progress: &Progress,
) -> Result<Written, Vec<Diagnostic>> {
    let bytes = AtomicU64::new(0);
    progress.start(
        "Writing",
        (derived.pages.len() + derived.generated.len()) as u64,
    );
    let (mut problems, foreign_loads) =
        write_pages(site, bodies, derived, frame, out, progress, &bytes);
    let generated_problems: Vec<Diagnostic> = derived
        .generated
        .par_iter()
        .filter_map(|file| {
            bytes.fetch_add(file.bytes.len() as u64, Ordering::Relaxed);
            progress.inc();
            files::put(out, &file.output, &file.bytes)
                .err()
                .map(|e| write_error(&file.output, &e))
        })
        .collect();
    problems.extend(generated_problems);
    let (copied, copy_problems) = files::copy_files(site, out, &bytes);
    problems.extend(copy_problems);
    progress.finish();
    if problems.is_empty() {
        Ok(Written {
            pages: derived.pages.len(),
            files: derived.pages.len() + derived.generated.len() + copied,
            bytes: bytes.into_inner(),
            foreign_loads,
        })
    } else {
        Err(problems)
    }
}

/// Draws and writes every page into `out`, in parallel; returns the problems
/// and, per page, what it loads from other hosts.
fn write_pages(
    site: &Site,
    bodies: &Bodies,
    derived: &Derived,
    frame: &Frame,
    out: &Path,
    progress: &Progress,
    bytes: &AtomicU64,
) -> (Vec<Diagnostic>, Vec<(usize, String)>) {
    let views = Views::new(site, derived);
    let drawing = frame.drawing(site, bodies, derived, &views);
    let own_host = crate::check::third_party::host_of(site.config.base())
        .unwrap_or_default()
        .to_string();
    // Per page: its failure, and its foreign loads.
    let drawn: Vec<(Option<Failure>, Vec<String>)> = derived
        .pages
        .par_iter()
        .map(|page| {
            let mut loads = Vec::new();
            let result = drawing.draw(page).and_then(|html| {
                bytes.fetch_add(html.len() as u64, Ordering::Relaxed);
                loads = crate::check::third_party::foreign_loads(&html, &own_host);
                files::put(out, &page.output, html.as_bytes()).map_err(|source| PageError::Write {
                    output: page.output.clone(),
                    source,
                })
            });
            progress.inc();
            let failure = result.err().map(|error| (page.template.clone(), error));
            (failure, loads)
        })
        .collect();
    let mut failures = Vec::new();
    let mut foreign_loads = Vec::new();
    for (page, (failure, loads)) in drawn.into_iter().enumerate() {
        failures.extend(failure);
        foreign_loads.extend(loads.into_iter().map(|url| (page, url)));
    }
    (
        page_error::report(site, failures, derived.pages.len()),
        foreign_loads,
    )
}
