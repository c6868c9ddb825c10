//! Bytes into the output folder: a build's pages and copied files, and the
//! single files `rounds serve` replaces in the live output after an edit.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use super::Drawn;
use crate::derive::Derived;
use crate::diagnostic::Diagnostic;
use crate::load::Site;
use crate::theme::StaticSource;

/// Puts drawn pages into the live output `out`, each replaced atomically and
/// only when its bytes changed; returns the output paths that changed.
pub fn put_changed(
    derived: &Derived,
    drawn: &[Drawn],
    out: &Path,
) -> Result<Vec<String>, Vec<Diagnostic>> {
    let mut changed = Vec::new();
    let mut problems = Vec::new();
    for d in drawn {
        let output = &derived.pages[d.page].output;
        match replace_if_changed(out, output, d.html.as_bytes()) {
            Ok(true) => changed.push(output.clone()),
            Ok(false) => {}
            Err(e) => problems.push(write_error(output, &e)),
        }
    }
    if problems.is_empty() {
        Ok(changed)
    } else {
        Err(problems)
    }
}

/// Puts the theme's and the site's static files into the live output `out`,
/// replacing only those whose bytes changed; returns their output paths.
pub fn put_static(site: &Site, out: &Path) -> Result<Vec<String>, Vec<Diagnostic>> {
    let mut changed = Vec::new();
    let mut problems = Vec::new();
    for (rel, source) in &site.theme.static_files {
        let bytes = match source {
            StaticSource::BuiltIn(data) => Ok(data.to_vec()),
            StaticSource::File(path) => std::fs::read(path).map(|b| without_metadata(path, b)),
        };
        match bytes.and_then(|b| replace_if_changed(out, rel, &b)) {
            Ok(true) => changed.push(rel.clone()),
            Ok(false) => {}
            Err(e) => problems.push(write_error(rel, &e)),
        }
    }
    if problems.is_empty() {
        Ok(changed)
    } else {
        Err(problems)
    }
}

/// Writes `bytes` to `out/rel` through a temporary file and a rename, so a
/// reader never sees half a page; leaves the file alone when it already
/// holds these bytes. Says whether it wrote.
pub fn replace_if_changed(out: &Path, rel: &str, bytes: &[u8]) -> std::io::Result<bool> {
    let path = crate::site_path::in_output(out, rel)?;
    if std::fs::read(&path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    let parent = path.parent().unwrap_or(out);
    std::fs::create_dir_all(parent)?;
    let mut temp = tempfile::NamedTempFile::new_in(parent)?;
    std::io::Write::write_all(&mut temp, bytes)?;
    temp.persist(&path).map_err(|e| e.error)?;
    Ok(true)
}

/// Writes `bytes` to `out/rel` in a staging folder, which nobody reads yet.
pub(super) fn put(out: &Path, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = crate::site_path::in_output(out, rel)?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes)
}

pub fn write_error(rel: &str, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error("output/write", format!("cannot write {rel}: {error}"))
        .with_help("check free disk space and the output folder's permissions")
}

/// Copies theme and site static files, files under content/ and post bundles;
/// returns how many it copied, adding their bytes to `bytes`.
pub(super) fn copy_files(site: &Site, out: &Path, bytes: &AtomicU64) -> (usize, Vec<Diagnostic>) {
    let jobs = copy_jobs(site);
    let problems: Vec<Diagnostic> = jobs
        .par_iter()
        .filter_map(|(rel, source)| {
            let result = match source {
                Source::Static(StaticSource::BuiltIn(data)) => {
                    put(out, rel, data).map(|_| data.len() as u64)
                }
                Source::Static(StaticSource::File(path)) | Source::File(path) => {
                    crate::site_path::in_output(out, rel).and_then(|to| copy(path, &to))
                }
            };
            match result {
                Ok(n) => {
                    bytes.fetch_add(n, Ordering::Relaxed);
                    None
                }
                Err(e) => Some(write_error(rel, &e)),
            }
        })
        .collect();
    (jobs.len(), problems)
}

/// Every file copied as it is, (output path, where it comes from).
fn copy_jobs(site: &Site) -> Vec<(String, Source<'_>)> {
    let mut jobs: Vec<(String, Source)> = Vec::new();
    for (rel, source) in &site.theme.static_files {
        jobs.push((rel.clone(), Source::Static(source)));
    }
    for (file, rel) in &site.content_files {
        jobs.push((rel.clone(), Source::File(file.clone())));
    }
    for post in &site.posts {
        let Some(dir) = post.file.parent() else {
            continue;
        };
        for asset in &post.assets {
            let rel = asset.strip_prefix(dir).unwrap_or(asset);
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            jobs.push((
                format!("{}{rel}", post.path.trim_start_matches('/')),
                Source::File(site.root.join(asset)),
            ));
        }
    }
    jobs
}

/// Where a copied file's bytes come from.
enum Source<'a> {
    Static(&'a StaticSource),
    File(PathBuf),
}

/// Copies a file; a JPEG, PNG or WebP loses its metadata on the way (EXIF,
/// GPS, XMP, text), its pixels' bytes unchanged: a photo taken on a phone
/// says where and when. One that is not well formed is copied as it is.
fn copy(from: &Path, to: &Path) -> std::io::Result<u64> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)?;
    }
    if crate::picture::metadata::Kind::of(from).is_some() {
        let bytes = without_metadata(from, std::fs::read(from)?);
        std::fs::write(to, &bytes)?;
        return Ok(bytes.len() as u64);
    }
    std::fs::copy(from, to)
}

/// The bytes of the image at `path` without their metadata, or as they are.
fn without_metadata(path: &Path, bytes: Vec<u8>) -> Vec<u8> {
    crate::picture::metadata::Kind::of(path)
        .and_then(|kind| crate::picture::metadata::strip(kind, &bytes))
        .unwrap_or(bytes)
}
