//! The site's own images as sources: one that holds where it was taken (GPS),
//! when, or the camera's serial number or owner (`privacy/image-location`,
//! `privacy/image-metadata`), and one too big for a page
//! (`image/too-large`, limits `image_max_bytes` and `image_max_side` under
//! `[check]`). Each file's start is read once, in parallel: the metadata and
//! the size come before the pixels. The build's copies carry none of it
//! (`picture::metadata::strip`); these warnings are about the sources, which
//! are shared elsewhere too.

use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::Settings;
use crate::diagnostic::Diagnostic;
use crate::load::Site;
use crate::picture::metadata::{self, Exif, Kind};
use crate::theme::StaticSource;

pub const LOCATION: &str = "privacy/image-location";
pub const METADATA: &str = "privacy/image-metadata";
pub const TOO_LARGE: &str = "image/too-large";

/// The default limits: a page's picture needs neither more bytes nor more pixels.
pub const MAX_BYTES: u64 = 2_000_000;
pub const MAX_SIDE: u32 = 3000;

/// How much of a file is read: APP0, an ICC profile and the EXIF and XMP
/// segments (64 KB each at most) come before a JPEG's frame header.
const HEAD: u64 = 512 * 1024;

const HOW_TO_STRIP: &str = "Rounds removes it from the copy it publishes; remove it from the source too, which is shared by other means (e.g. `exiftool -all= FILE`, or export the photo again without its metadata)";

/// Every raster image of the site (static/, content/, post bundles).
pub fn check(site: &Site, settings: &Settings) -> Vec<Diagnostic> {
    let files = images(site);
    let found = files
        .par_iter()
        .flat_map_iter(|file| check_file(&site.root, file, settings))
        .collect();
    settings.apply(found)
}

fn images(site: &Site) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = site
        .theme
        .static_files
        .values()
        .filter_map(|s| match s {
            StaticSource::File(path) => Some(path.clone()),
            StaticSource::BuiltIn(_) => None,
        })
        .chain(site.content_files.iter().map(|(file, _)| file.clone()))
        .chain(
            site.posts
                .iter()
                .flat_map(|p| p.assets.iter().map(|a| site.root.join(a))),
        )
        .filter(|f| is_raster(f))
        .collect();
    files.sort();
    files.dedup();
    files
}

fn is_raster(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    matches!(
        ext.as_deref(),
        Some("jpg" | "jpeg" | "png" | "webp" | "gif" | "avif")
    )
}

fn check_file(root: &Path, file: &Path, settings: &Settings) -> Vec<Diagnostic> {
    let shown = file.strip_prefix(root).unwrap_or(file).to_path_buf();
    let Ok(mut f) = std::fs::File::open(file) else {
        return Vec::new();
    };
    let bytes = f.metadata().map_or(0, |m| m.len());
    let mut head = Vec::new();
    if f.by_ref().take(HEAD).read_to_end(&mut head).is_err() {
        return Vec::new();
    }
    // At the file, with no line: a terminal would quote the image's bytes.
    let at = |d: Diagnostic| d.in_file(&shown);
    let mut found = Vec::new();
    if let Some(exif) = Kind::of(file)
        .and_then(|kind| metadata::exif_tiff(kind, &head))
        .map(metadata::read_exif)
    {
        found.extend(location(&exif).map(at));
        found.extend(identifying(&exif).map(at));
    }
    found.extend(too_large(&head, bytes, settings).map(at));
    found
}

fn location(exif: &Exif) -> Option<Diagnostic> {
    if !exif.gps {
        return None;
    }
    let message = match exif.position {
        Some((lat, lon)) => format!(
            "this image holds the GPS position where it was taken ({:.2}° {}, {:.2}° {})",
            lat.abs(),
            if lat < 0.0 { 'S' } else { 'N' },
            lon.abs(),
            if lon < 0.0 { 'W' } else { 'E' },
        ),
        None => "this image holds GPS data (where it was taken)".to_string(),
    };
    Some(Diagnostic::warning(LOCATION, message).with_help(HOW_TO_STRIP))
}

fn identifying(exif: &Exif) -> Option<Diagnostic> {
    let mut held = Vec::new();
    if let Some(date) = &exif.date {
        held.push(format!("when it was taken ({date})"));
    }
    if let Some(serial) = &exif.serial {
        held.push(format!("the camera's serial number ({serial})"));
    }
    if let Some(owner) = &exif.owner {
        held.push(format!("the camera owner's name ({owner})"));
    }
    if held.is_empty() {
        return None;
    }
    let message = format!("this image holds {}", held.join(", "));
    Some(Diagnostic::warning(METADATA, message).with_help(HOW_TO_STRIP))
}

fn too_large(head: &[u8], bytes: u64, settings: &Settings) -> Option<Diagnostic> {
    let size = imagesize::blob_size(head).ok();
    let side = size.map_or(0, |s| s.width.max(s.height));
    let mut over = Vec::new();
    if let Some(s) = size.filter(|_| side > settings.image_max_side as usize) {
        over.push(format!(
            "{} × {} pixels, over {} on its longest side",
            s.width, s.height, settings.image_max_side
        ));
    }
    if bytes > settings.image_max_bytes {
        over.push(format!(
            "{}, over {}",
            megabytes(bytes),
            megabytes(settings.image_max_bytes)
        ));
    }
    if over.is_empty() {
        return None;
    }
    Some(
        Diagnostic::warning(TOO_LARGE, format!("this image is {}", over.join(", and ")))
            .with_help("make it smaller before adding it: every phone that opens the page downloads it whole (the limits are `image_max_bytes` and `image_max_side` under [check])"),
    )
}

fn megabytes(bytes: u64) -> String {
    if bytes >= 100_000 {
        format!("{:.1} MB", bytes as f64 / 1_000_000.0)
    } else {
        format!("{bytes} bytes")
    }
}
