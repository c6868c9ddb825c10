//! A picture's file among the site's: a post's own files, other files under
//! `content/`, the site's and the theme's `static/` (the same files the
//! build copies, so a picture is only ever read from inside the site), and
//! the clinic's colour from the theme.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;

use crate::content::Post;
use crate::load::Site;
use crate::theme::StaticSource;

/// Where a picture's bytes are.
#[derive(Debug, Clone)]
pub struct Stored {
    place: Place,
    /// Where it is, for a message: relative to the site's folder.
    shown: String,
    /// A photo (JPEG, WebP), sent as JPEG; else a graphic, sent as PNG.
    pub photo: bool,
}

#[derive(Debug, Clone)]
enum Place {
    File(PathBuf),
    BuiltIn(&'static [u8]),
}

impl Stored {
    pub fn read(&self) -> std::io::Result<Cow<'static, [u8]>> {
        match &self.place {
            Place::File(path) => std::fs::read(path).map(Cow::Owned),
            Place::BuiltIn(bytes) => Ok(Cow::Borrowed(bytes)),
        }
    }

    /// Where it is, for a message: `content/blog/bp/cuff.svg`.
    pub fn describe(&self) -> &str {
        &self.shown
    }
}

/// A picture file found, read once to know what it is and hash it.
pub(super) struct Found {
    pub(super) stored: Stored,
    pub(super) hash: String,
    pub(super) svg: bool,
    /// Its width and height as shown (a photo's EXIF orientation applied),
    /// when its header says.
    pub(super) size: Option<(u32, u32)>,
}

/// The picture at output path `rel` (`blog/bp/cuff.svg`), looked for first
/// among `post`'s own files.
pub(super) fn find(site: &Site, post: &Post, rel: &str) -> Option<Found> {
    own_file(site, post, rel)
        .map(Place::File)
        .and_then(|place| examine(site, place, rel))
        .or_else(|| find_any(site, rel))
}

/// The picture at output path `rel`, from wherever the build copies it.
pub(super) fn find_any(site: &Site, rel: &str) -> Option<Found> {
    let place = site
        .posts
        .iter()
        .find_map(|post| own_file(site, post, rel))
        .map(Place::File)
        .or_else(|| {
            site.content_files
                .iter()
                .find(|(_, out)| out == rel)
                .map(|(file, _)| Place::File(file.clone()))
        })
        .or_else(|| match site.theme.static_files.get(rel)? {
            StaticSource::BuiltIn(bytes) => Some(Place::BuiltIn(bytes)),
            StaticSource::File(path) => Some(Place::File(path.clone())),
        })?;
    examine(site, place, rel)
}

/// The file of `post`'s folder that the build writes at `rel`.
fn own_file(site: &Site, post: &Post, rel: &str) -> Option<PathBuf> {
    let inside = rel.strip_prefix(post.path.trim_start_matches('/'))?;
    let dir = post.file.parent()?;
    post.assets.iter().find_map(|asset| {
        let name = asset.strip_prefix(dir).unwrap_or(asset);
        let name: Vec<_> = name
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect();
        (name.join("/") == inside).then(|| site.root.join(asset))
    })
}

/// Reads a file to tell what picture it is and hash it; `None` for what is
/// no picture Rounds can read. A file seen before in this process, with the
/// same size and time, is not read again: `rounds serve` plans the pictures
/// after every edit.
fn examine(site: &Site, place: Place, rel: &str) -> Option<Found> {
    let shown = match &place {
        Place::File(path) => path
            .strip_prefix(&site.root)
            .unwrap_or(path)
            .display()
            .to_string(),
        Place::BuiltIn(_) => format!("{rel} (the theme's)"),
    };
    let stamp = match &place {
        Place::File(path) => std::fs::metadata(path)
            .ok()
            .map(|m| (path.clone(), m.len(), m.modified().ok())),
        Place::BuiltIn(_) => None,
    };
    if let Some(seen) = stamp
        .as_ref()
        .and_then(|s| SEEN.lock().ok()?.get(s).cloned())
    {
        let (hash, svg, photo, size) = seen;
        return Some(Found {
            stored: Stored {
                place,
                shown,
                photo,
            },
            hash,
            svg,
            size,
        });
    }
    let stored = Stored {
        place,
        shown,
        photo: false,
    };
    let bytes = stored.read().ok()?;
    let (svg, photo) = match image::guess_format(&bytes) {
        Ok(image::ImageFormat::Jpeg | image::ImageFormat::WebP) => (false, true),
        Ok(image::ImageFormat::Png | image::ImageFormat::Gif) => (false, false),
        _ if looks_like_svg(&bytes) => (true, false),
        _ => return None,
    };
    let hash = super::hash(&[b"file", &bytes]);
    let size = if svg {
        svg_size(&bytes)
    } else {
        raster_size(&bytes)
    };
    if let (Some(stamp), Ok(mut seen)) = (stamp, SEEN.lock()) {
        seen.insert(stamp, (hash.clone(), svg, photo, size));
    }
    Some(Found {
        stored: Stored { photo, ..stored },
        hash,
        svg,
        size,
    })
}

/// A file's path, size and time.
type Stamp = (PathBuf, u64, Option<std::time::SystemTime>);

/// What reading a file told: its hash, whether it is SVG, whether a photo,
/// its size.
type Seen = (String, bool, bool, Option<(u32, u32)>);

/// A raster's size from its header, sides swapped when its EXIF turns it
/// a quarter (orientations 5 to 8), as the decoder will.
fn raster_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let size = imagesize::blob_size(bytes).ok()?;
    let (width, height) = (
        u32::try_from(size.width).ok()?,
        u32::try_from(size.height).ok()?,
    );
    let turned = match image::guess_format(bytes) {
        Ok(image::ImageFormat::Jpeg) => Some(super::metadata::Kind::Jpeg),
        Ok(image::ImageFormat::Png) => Some(super::metadata::Kind::Png),
        Ok(image::ImageFormat::WebP) => Some(super::metadata::Kind::Webp),
        _ => None,
    }
    .and_then(|kind| super::metadata::exif_tiff(kind, bytes))
    .is_some_and(|tiff| (5..=8).contains(&super::metadata::read_exif(tiff).orientation));
    Some(if turned {
        (height, width)
    } else {
        (width, height)
    })
}

/// An SVG drawing's size in CSS pixels, as usvg reads it.
fn svg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let tree = resvg::usvg::Tree::from_data(bytes, &super::card::svg_options()).ok()?;
    let size = tree.size();
    Some((
        size.width().round().max(1.0) as u32,
        size.height().round().max(1.0) as u32,
    ))
}

/// Files already read in this process, by stamp.
static SEEN: std::sync::LazyLock<std::sync::Mutex<HashMap<Stamp, Seen>>> =
    std::sync::LazyLock::new(Default::default);

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    text.starts_with('<') && text.contains("<svg")
}

/// The clinic's colour: the theme's `--accent` (in its `style.css`), else
/// the clinic theme's own.
pub(super) fn accent(site: &Site) -> [u8; 3] {
    const DEFAULT: [u8; 3] = [0xa3, 0x12, 0x3a];
    static ACCENT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"--accent\s*:\s*(#[0-9a-fA-F]{3,6})\b").expect("valid")
    });
    let css = match site.theme.static_files.get("style.css") {
        Some(StaticSource::BuiltIn(bytes)) => String::from_utf8_lossy(bytes).into_owned(),
        Some(StaticSource::File(path)) => std::fs::read_to_string(path).unwrap_or_default(),
        None => String::new(),
    };
    ACCENT
        .captures(&css)
        .and_then(|c| super::card::parse_colour(&c[1]))
        .unwrap_or(DEFAULT)
}
