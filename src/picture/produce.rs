//! Making the variants a plan names: in parallel, one source at a time per
//! thread, each source decoded once however many networks want it. A
//! variant already in the previous output or in the cache is taken from
//! there (its name says what it was made of), so an unchanged build decodes
//! nothing.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use super::convert::{self, Decoded, Fitter, PictureError, Target};
use super::{Origin, Pictures, Source, cache};
use crate::diagnostic::Diagnostic;

/// What making the pictures did, for the build's report.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Produced {
    /// Variants made from their source.
    pub made: usize,
    /// Variants taken from the previous output or the cache.
    pub reused: usize,
}

/// One source and its variants (file, target).
type Group<'a> = (&'a Arc<Source>, Vec<(&'a str, &'a Target)>);

/// Writes every variant of `pictures` into the output folder `out` (a
/// staging folder): from `previous` (the output being replaced) when it has
/// it, else from the `cache`, else made (and kept in the cache).
pub fn produce(
    pictures: &Pictures,
    out: &Path,
    previous: Option<&Path>,
    cache: Option<&Path>,
) -> (Produced, Vec<Diagnostic>) {
    let mut by_source: BTreeMap<&str, Group> = BTreeMap::new();
    for (file, variant) in &pictures.variants {
        let group = by_source
            .entry(variant.source.key.as_str())
            .or_insert_with(|| (&variant.source, Vec::new()));
        // A post's image is also a page's picture: a problem is told at
        // the post's `image` line.
        if group.0.cited.is_none() {
            group.0 = &variant.source;
        }
        group.1.push((file, &variant.target));
    }
    let groups: Vec<_> = by_source.into_values().collect();
    let results: Vec<(Produced, Option<Diagnostic>)> = groups
        .par_iter()
        .map(
            |(source, variants)| match one_source(source, variants, out, previous, cache) {
                Ok(produced) => (produced, None),
                Err(problem) => (Produced::default(), Some(problem)),
            },
        )
        .collect();
    let mut total = Produced::default();
    let mut problems = Vec::new();
    for (produced, problem) in results {
        total.made += produced.made;
        total.reused += produced.reused;
        problems.extend(problem);
    }
    (total, problems)
}

/// The variants of one source: those found are put in place, the rest made
/// from one decoding.
fn one_source(
    source: &Source,
    variants: &[(&str, &Target)],
    out: &Path,
    previous: Option<&Path>,
    cache: Option<&Path>,
) -> Result<Produced, Diagnostic> {
    let mut produced = Produced::default();
    let mut missing = Vec::new();
    for &(file, target) in variants {
        let to = destination(out, file)?;
        if to.is_file() {
            // Already in the output (`rounds serve` adds to its live one).
            produced.reused += 1;
            continue;
        }
        let from_previous = previous
            .and_then(|p| crate::site_path::in_output(p, file).ok())
            .is_some_and(|old| {
                old.is_file()
                    && (std::fs::hard_link(&old, &to).is_ok() || std::fs::copy(&old, &to).is_ok())
                    && cache::readable_by_all(&to).is_ok()
            });
        if from_previous || cache.is_some_and(|c| cache::copy_out(c, file, &to)) {
            produced.reused += 1;
        } else {
            missing.push((file, target, to));
        }
    }
    if missing.is_empty() {
        return Ok(produced);
    }
    let largest = missing
        .iter()
        .map(|(_, t, _)| *t)
        .max_by_key(|t| t.longest_side);
    let decoded = decode(source, largest.expect("not empty")).map_err(|e| unusable(source, &e))?;
    let mut fitter = Fitter::new(&decoded);
    // Networks whose limits the same bytes fit share one file on disk.
    let mut written: Vec<(Arc<Vec<u8>>, std::path::PathBuf)> = Vec::new();
    for (file, target, to) in missing {
        let bytes = fitter.fit(target).map_err(|e| unusable(source, &e))?;
        if let Some(cache) = cache {
            cache::store(cache, file, &bytes);
        }
        let twin = written.iter().find(|(b, _)| Arc::ptr_eq(b, &bytes));
        if twin.is_none_or(|(_, first)| std::fs::hard_link(first, &to).is_err()) {
            std::fs::write(&to, bytes.as_slice()).map_err(|e| write_error(file, &e))?;
        }
        written.push((bytes, to));
        produced.made += 1;
    }
    Ok(produced)
}

/// The bytes of one variant, for a network's client when the built site does
/// not have it (`rounds publish` before `rounds build`): from the cache, or
/// made now and kept there.
pub fn make(
    pictures: &Pictures,
    file: &str,
    cache: Option<&Path>,
) -> Result<Vec<u8>, PictureError> {
    let variant = pictures.variants.get(file).ok_or_else(|| {
        PictureError::Unreadable(format!("{file} is not one of the site's pictures"))
    })?;
    if let Some(bytes) = cache.and_then(|c| cache::read(c, file)) {
        return Ok(bytes);
    }
    let decoded = decode(&variant.source, &variant.target)?;
    let bytes = Fitter::new(&decoded).fit(&variant.target)?.to_vec();
    if let Some(cache) = cache {
        cache::store(cache, file, &bytes);
    }
    Ok(bytes)
}

/// The source's pixels: a raster decoded, an SVG drawn as large as `target`
/// allows, a card drawn (with its logo).
fn decode(source: &Source, target: &Target) -> Result<Decoded, PictureError> {
    match &source.origin {
        Origin::File { stored, svg } => {
            let bytes = stored
                .read()
                .map_err(|e| PictureError::Unreadable(e.to_string()))?;
            if *svg {
                convert::render_svg(&bytes, target.longest_side, target.max_pixels)
            } else {
                convert::decode_raster(&bytes)
            }
        }
        Origin::Card { card, logo } => {
            let logo = match logo {
                Some(logo) => Some(decode(logo, &logo_target())?),
                None => None,
            };
            Ok(Decoded {
                image: convert::opaque(card.render(logo.as_ref())?),
                kind: convert::Kind::Graphic,
            })
        }
    }
}

/// How large a logo is drawn before it is fitted into the card's corner.
fn logo_target() -> Target {
    Target {
        format: crate::network::PictureFormat::Png,
        max_bytes: u64::MAX,
        max_pixels: 1_000_000,
        longest_side: 440,
        quality: None,
    }
}

fn destination(out: &Path, file: &str) -> Result<std::path::PathBuf, Diagnostic> {
    let to = crate::site_path::in_output(out, file).map_err(|e| write_error(file, &e))?;
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| write_error(file, &e))?;
    }
    Ok(to)
}

fn unusable(source: &Source, error: &PictureError) -> Diagnostic {
    if let (Origin::File { stored, .. }, None) = (&source.origin, &source.cited) {
        // Only the pages' own widths: the file is copied as it is, and is
        // as broken on the page without them.
        return Diagnostic::warning(
            "picture/unusable",
            format!(
                "the image {} cannot be made smaller for the pages: {error}",
                stored.describe()
            ),
        )
        .in_file(stored.describe())
        .with_help("save it again as JPEG, PNG or WebP");
    }
    let (what, help) = match &source.origin {
        Origin::File { stored, .. } => (
            format!("the picture {} (the post's `image`)", stored.describe()),
            "save it again as JPEG, PNG or SVG, or remove `image` to post the post's card instead",
        ),
        Origin::Card { .. } => (
            "the post's card".to_string(),
            "check the clinic's `logo` in config.toml: it must be a JPEG, PNG or SVG file",
        ),
    };
    let mut problem = Diagnostic::error(
        "picture/unusable",
        format!("{what} cannot be posted: {error}"),
    )
    .with_help(help);
    if let Some((file, at)) = &source.cited {
        problem = problem.in_file(file.clone()).at(*at).spanning(5);
    }
    problem
}

fn write_error(file: &str, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error("output/write", format!("cannot write {file}: {error}"))
        .with_help("check free disk space and the output folder's permissions")
}
