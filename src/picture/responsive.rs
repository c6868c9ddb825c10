//! The pages' pictures: every raster image the site publishes (a post's own
//! files, the rest of `content/`, the site's and the theme's `static/`) at a
//! few widths, in WebP beside its own format, for `<picture>` and `srcset`.
//! Planned with the outreach's pictures (named by the hash of the source,
//! the width and the format, nothing decoded) and made by the same
//! `produce`, from the previous output or the cache when they are there.
//! SVG and GIF are shown as they are; their size is still known, for the
//! page's `width` and `height`.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::convert::{Target, first_size};
use super::source::{self, Found};
use super::{Origin, Source, Variant, hash};
use crate::load::Site;
use crate::network::PictureFormat;

/// The folder under the output that holds the pages' variants.
pub const FOLDER: &str = "img";

/// The widths made, never wider than the source: a portrait in a byline,
/// a phone's column (1x and 2x), a laptop's article column at 2x, a wide
/// hero. A source narrower than the last also gets its own width.
pub const WIDTHS: [u32; 5] = [240, 480, 800, 1200, 1600];

/// Changes when the same source would make other bytes (the widths, the
/// encoders' settings), so old variants are not reused.
const VERSION: &str = "page:1";

/// One site image as pages show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responsive {
    /// Its size as shown (a photo's EXIF orientation applied), for the
    /// `<img>`'s `width` and `height`: the page keeps its room before it loads.
    pub width: u32,
    pub height: u32,
    /// Its variants, WebP first and its own format last (the `<img>`'s
    /// `srcset`); empty for SVG and GIF, which are shown as they are.
    pub sets: Vec<SrcSet>,
}

/// The variants of one format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrcSet {
    /// `image/webp`, `image/jpeg`, `image/png`.
    pub mime: &'static str,
    /// Narrowest first.
    pub candidates: Vec<Candidate>,
}

/// One variant: its width and public address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub width: u32,
    pub url: String,
    /// Its path under the output: `img/3fa4…-800.webp`.
    pub file: String,
}

impl Responsive {
    /// The variant an `<img src>` names for a browser without `srcset`: the
    /// widest of its own format up to 1200 px.
    pub fn fallback(&self) -> Option<&Candidate> {
        let own = self.sets.last()?;
        own.candidates
            .iter()
            .rev()
            .find(|c| c.width <= 1200)
            .or(own.candidates.first())
    }
}

/// Every image the site publishes, by its path under the output
/// (`blog/walk/photo.jpg`), and the variants to make for them.
pub(super) fn plan(site: &Site) -> (BTreeMap<String, Responsive>, Vec<(String, Variant)>) {
    let found: Vec<(String, Found)> = published_images(site)
        .into_par_iter()
        .filter_map(|rel| {
            let found = source::find_any(site, &rel)?;
            Some((rel, found))
        })
        .collect();
    let mut shown = BTreeMap::new();
    let mut variants = Vec::new();
    for (rel, found) in found {
        if let Some((responsive, made)) = one_image(site, &rel, found) {
            shown.insert(rel, responsive);
            variants.extend(made);
        }
    }
    (shown, variants)
}

/// The output paths of the site's image files, by their names' endings.
fn published_images(site: &Site) -> Vec<String> {
    let is_image = |rel: &str| {
        let lower = rel.to_ascii_lowercase();
        [".jpg", ".jpeg", ".png", ".webp", ".gif", ".svg"]
            .iter()
            .any(|ext| lower.ends_with(ext))
    };
    let mut all: Vec<String> = site
        .posts
        .iter()
        .flat_map(|post| {
            let dir = post.file.parent().map(std::path::Path::to_path_buf);
            post.assets.iter().filter_map(move |asset| {
                let name = asset.strip_prefix(dir.as_ref()?).ok()?;
                let name: Vec<_> = name
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect();
                Some(format!(
                    "{}{}",
                    post.path.trim_start_matches('/'),
                    name.join("/")
                ))
            })
        })
        .chain(site.content_files.iter().map(|(_, out)| out.clone()))
        .chain(site.theme.static_files.keys().cloned())
        .filter(|rel| is_image(rel))
        .collect();
    all.sort();
    all.dedup();
    all
}

/// How pages show one image, and its variants.
fn one_image(site: &Site, rel: &str, found: Found) -> Option<(Responsive, Vec<(String, Variant)>)> {
    let (width, height) = found.size?;
    let lower = rel.to_ascii_lowercase();
    let gif = lower.ends_with(".gif");
    let formats: &[PictureFormat] = if found.svg || gif {
        &[]
    } else if found.stored.photo {
        // A JPEG, or a WebP, which every browser that takes `srcset` reads.
        match lower.ends_with(".webp") {
            true => &[PictureFormat::Webp],
            false => &[PictureFormat::Webp, PictureFormat::Jpeg],
        }
    } else {
        &[PictureFormat::Webp, PictureFormat::Png]
    };
    let photo = found.stored.photo;
    let source = Arc::new(Source {
        key: found.hash,
        origin: Origin::File {
            stored: found.stored,
            svg: found.svg,
        },
        cited: None,
    });
    let mut sets = Vec::new();
    let mut variants = Vec::new();
    for &format in formats {
        let mut candidates = Vec::new();
        for wanted in widths(width) {
            let quality = quality(format, photo);
            let target = target_for(width, height, wanted, format, Some(quality));
            let made = first_size(width, height, &target).0;
            let name = hash(&[
                VERSION.as_bytes(),
                source.key.as_bytes(),
                format.extension().as_bytes(),
                &target.longest_side.to_le_bytes(),
                &[quality],
            ]);
            let file = format!("{FOLDER}/{}-{made}.{}", &name[..24], format.extension());
            candidates.push(Candidate {
                width: made,
                url: site.config.permalink(&format!("/{file}")),
                file: file.clone(),
            });
            let variant = Variant {
                source: source.clone(),
                target,
            };
            variants.push((file, variant));
        }
        sets.push(SrcSet {
            mime: mime(format),
            candidates,
        });
    }
    Some((
        Responsive {
            width,
            height,
            sets,
        },
        variants,
    ))
}

/// The widths made of a source `width` wide: those of [`WIDTHS`] below it,
/// and its own when it is narrower than the widest.
fn widths(width: u32) -> Vec<u32> {
    let top = width.min(WIDTHS[WIDTHS.len() - 1]);
    WIDTHS
        .iter()
        .copied()
        .filter(|w| *w < top)
        .chain(std::iter::once(top))
        .collect()
}

/// The target that makes a variant `wanted` pixels wide (or a pixel less,
/// rounding, for a portrait; the fitter limits the longest side), at `quality`.
fn target_for(
    width: u32,
    height: u32,
    wanted: u32,
    format: PictureFormat,
    quality: Option<u8>,
) -> Target {
    let longest_side = if width >= height {
        wanted
    } else {
        (u64::from(wanted) * u64::from(height)).div_ceil(u64::from(width.max(1))) as u32
    };
    Target {
        format,
        max_bytes: u64::MAX,
        max_pixels: u64::MAX,
        longest_side,
        quality,
    }
}

/// The quality a page's variant is encoded at: a photo's JPEG at 82 and
/// WebP at 80 look like the camera's file on a screen; a drawing's WebP at
/// 90 keeps its edges and text clean at a fifth of lossless WebP's bytes
/// (the example site's drawings). PNG is lossless whatever it is told.
fn quality(format: PictureFormat, photo: bool) -> u8 {
    match (format, photo) {
        (PictureFormat::Jpeg, _) => 82,
        (PictureFormat::Webp, true) => 80,
        (PictureFormat::Webp, false) => 90,
        _ => 100,
    }
}

fn mime(format: PictureFormat) -> &'static str {
    match format {
        PictureFormat::Jpeg => "image/jpeg",
        PictureFormat::Png => "image/png",
        PictureFormat::Webp => "image/webp",
        PictureFormat::Gif => "image/gif",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_grow_and_end_at_the_source_when_narrower() {
        assert_eq!(widths(4000), vec![240, 480, 800, 1200, 1600]);
        assert_eq!(widths(1000), vec![240, 480, 800, 1000]);
        assert_eq!(widths(800), vec![240, 480, 800]);
        assert_eq!(widths(100), vec![100]);
    }

    #[test]
    fn a_portrait_target_makes_the_width_asked_or_a_pixel_less() {
        for (w, h) in [(3000, 4000), (333, 1000), (1200, 1201)] {
            for wanted in widths(w) {
                let t = target_for(w, h, wanted, PictureFormat::Jpeg, None);
                let made = first_size(w, h, &t).0;
                assert!(
                    made == wanted || made + 1 == wanted,
                    "{w}x{h} at {wanted}: {made}"
                );
            }
        }
    }
}
