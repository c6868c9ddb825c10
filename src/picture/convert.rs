//! Pixels in, a network's picture out: decoding (EXIF orientation applied),
//! SVG rasterised with resvg, resizing within a network's side and pixel
//! limits, and encoding under its byte limit (JPEG quality stepping down,
//! then smaller). Every picture is encoded afresh from pixels, so nothing of
//! the source's metadata (EXIF with GPS and camera serials, XMP, text
//! chunks) reaches a network: for a clinic that is a privacy matter.

use std::collections::HashMap;
use std::io::Cursor;
use std::sync::Arc;

use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageReader, RgbImage, RgbaImage};

use crate::network::{PictureFormat, PictureLimits};

/// Why a picture could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PictureError {
    /// The bytes are no picture Rounds can read (or a broken one).
    #[error("it cannot be read as a picture ({0})")]
    Unreadable(String),
    /// An SVG that does not parse.
    #[error("it is not an SVG drawing Rounds can read ({0})")]
    Svg(String),
    /// Even a small version does not fit the network's byte limit.
    #[error("no version of it fits in {max_bytes} bytes")]
    TooBig { max_bytes: u64 },
    /// Encoding failed (out of memory, most likely).
    #[error("it could not be encoded: {0}")]
    Encode(String),
}

/// How a picture is best stored: a photo (lossy JPEG) or a drawing, text
/// or card (lossless PNG, sharp edges kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Photo,
    Graphic,
}

impl Kind {
    /// The format to send a network that takes `limits`: JPEG for photos,
    /// PNG for graphics, else whatever it takes. `None` when it takes none
    /// of the formats Rounds writes.
    pub fn format_for(self, limits: &PictureLimits) -> Option<PictureFormat> {
        let order: &[PictureFormat] = match self {
            Kind::Photo => &[PictureFormat::Jpeg, PictureFormat::Webp, PictureFormat::Png],
            Kind::Graphic => &[PictureFormat::Png, PictureFormat::Jpeg, PictureFormat::Webp],
        };
        order
            .iter()
            .chain(&[PictureFormat::Gif])
            .copied()
            .find(|f| limits.takes(*f))
    }
}

/// A decoded picture, with what it is.
pub struct Decoded {
    pub image: DynamicImage,
    pub kind: Kind,
}

/// JPEG qualities tried in turn until the picture fits: 85 looks like the
/// original on a phone; below 50 artefacts show, so the picture shrinks instead.
const QUALITIES: [u8; 6] = [85, 78, 70, 62, 55, 50];
/// The same for a photo in lossy WebP, whose 80 looks like JPEG's 85 at
/// about two thirds of the bytes.
const WEBP_QUALITIES: [u8; 6] = [80, 74, 68, 62, 56, 50];
/// Each try at a smaller size keeps at most this share of the sides...
const SHRINK: f64 = 0.75;
/// ...and at least this share, however far over the bytes were.
const MOST_SHRINK: f64 = 0.3;
/// Smaller than this, a picture says nothing: give up.
const SMALLEST_SIDE: u32 = 64;

/// Decodes raster bytes (JPEG, PNG, WebP, GIF's first frame), turned upright
/// as its EXIF orientation says.
pub fn decode_raster(bytes: &[u8]) -> Result<Decoded, PictureError> {
    let unreadable = |e: image::ImageError| PictureError::Unreadable(e.to_string());
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| PictureError::Unreadable(e.to_string()))?;
    let kind = match reader.format() {
        Some(image::ImageFormat::Jpeg | image::ImageFormat::WebP) => Kind::Photo,
        Some(_) => Kind::Graphic,
        None => return Err(PictureError::Unreadable("an unknown format".into())),
    };
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    image.apply_orientation(orientation);
    Ok(Decoded { image, kind })
}

/// Rasterises an SVG drawing so its longest side is `longest` pixels (and it
/// has at most `max_pixels`), on white: drawings are made for a white page,
/// and a transparent one turns unreadable on a dark feed.
pub fn render_svg(bytes: &[u8], longest: u32, max_pixels: u64) -> Result<Decoded, PictureError> {
    let options = super::card::svg_options();
    let tree = resvg::usvg::Tree::from_data(bytes, &options)
        .map_err(|e| PictureError::Svg(e.to_string()))?;
    let size = tree.size();
    let (w, h) = (f64::from(size.width()), f64::from(size.height()));
    let mut scale = f64::from(longest) / w.max(h);
    let pixels = w * h * scale * scale;
    if pixels > max_pixels as f64 {
        scale *= (max_pixels as f64 / pixels).sqrt();
    }
    let width = ((w * scale).round() as u32).max(1);
    let height = ((h * scale).round() as u32).max(1);
    let mut pixmap = resvg::tiny_skia::Pixmap::new(width, height)
        .ok_or_else(|| PictureError::Svg(format!("a size of {width} × {height}")))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    let transform = resvg::tiny_skia::Transform::from_scale(scale as f32, scale as f32);
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    Ok(Decoded {
        image: opaque(pixmap_to_image(pixmap)),
        kind: Kind::Graphic,
    })
}

/// A rendered pixmap (premultiplied alpha) as straight RGBA.
pub(super) fn pixmap_to_image(pixmap: resvg::tiny_skia::Pixmap) -> RgbaImage {
    let (width, height) = (pixmap.width(), pixmap.height());
    RgbaImage::from_raw(width, height, pixmap.take_demultiplied()).expect("sized to the pixmap")
}

/// Pixels drawn on an opaque background, without their alpha channel.
pub(super) fn opaque(image: RgbaImage) -> DynamicImage {
    DynamicImage::ImageRgb8(DynamicImage::ImageRgba8(image).to_rgb8())
}

/// One target: a format and the limits it must fit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    pub format: PictureFormat,
    pub max_bytes: u64,
    pub max_pixels: u64,
    pub longest_side: u32,
    /// One quality to encode at (the pages' variants, which have no byte
    /// limit; 100 is lossless WebP); `None`: the best that fits `max_bytes`.
    pub quality: Option<u8>,
}

/// The largest size within `target`'s side and pixel limits, never larger
/// than the picture itself.
pub(super) fn first_size(width: u32, height: u32, target: &Target) -> (u32, u32) {
    let (w, h) = (f64::from(width), f64::from(height));
    let mut scale = (f64::from(target.longest_side) / w.max(h)).min(1.0);
    let pixels = w * h * scale * scale;
    if pixels > target.max_pixels as f64 {
        scale *= (target.max_pixels as f64 / pixels).sqrt();
    }
    (
        ((w * scale).floor() as u32).max(1),
        ((h * scale).floor() as u32).max(1),
    )
}

/// Resized copies and encodings of one decoded picture, kept while its
/// variants are made: several networks often want the same size and
/// quality, which is then made once.
pub struct Fitter<'a> {
    decoded: &'a Decoded,
    sizes: HashMap<(u32, u32), Arc<DynamicImage>>,
    encoded: HashMap<(PictureFormat, u32, u32, u8), Arc<Vec<u8>>>,
}

impl<'a> Fitter<'a> {
    pub fn new(decoded: &'a Decoded) -> Self {
        Fitter {
            decoded,
            sizes: HashMap::new(),
            encoded: HashMap::new(),
        }
    }

    /// The picture in `target`'s format within its limits: as large as they
    /// allow, at the best quality that fits the bytes. A camera's photo at a
    /// feed's size usually fits at the best quality, one encoding; else the
    /// quality is searched by halves, and when even the lowest is too big the
    /// next size is guessed from how far over it was (bytes go roughly with
    /// pixels) instead of shrinking step by step.
    pub fn fit(&mut self, target: &Target) -> Result<Arc<Vec<u8>>, PictureError> {
        let image = &self.decoded.image;
        let (mut width, mut height) = first_size(image.width(), image.height(), target);
        let fixed = target.quality.map(|q| [q]);
        let qualities: &[u8] = match (target.format, self.decoded.kind) {
            _ if fixed.is_some() => fixed.as_ref().expect("just matched"),
            (PictureFormat::Jpeg, _) => &QUALITIES,
            (PictureFormat::Webp, Kind::Photo) => &WEBP_QUALITIES,
            _ => &[100],
        };
        loop {
            let fits = |bytes: &Arc<Vec<u8>>| bytes.len() as u64 <= target.max_bytes;
            let best = self.encoded(target.format, width, height, qualities[0])?;
            if fits(&best) {
                return Ok(best);
            }
            let lowest = *qualities.last().expect("at least one quality");
            let worst = self.encoded(target.format, width, height, lowest)?;
            if fits(&worst) {
                return self.best_between(target, (width, height), qualities, worst);
            }
            if width.max(height) <= SMALLEST_SIDE {
                return Err(PictureError::TooBig {
                    max_bytes: target.max_bytes,
                });
            }
            let over = target.max_bytes as f64 / worst.len() as f64;
            let scale = (over.sqrt() * 0.95).clamp(MOST_SHRINK, SHRINK);
            width = ((f64::from(width) * scale) as u32).max(1);
            height = ((f64::from(height) * scale) as u32).max(1);
        }
    }

    /// The best of `qualities` (best first) whose encoding fits, knowing the
    /// first does not and the last (`fitting`) does: halving the range.
    fn best_between(
        &mut self,
        target: &Target,
        (width, height): (u32, u32),
        qualities: &[u8],
        mut fitting: Arc<Vec<u8>>,
    ) -> Result<Arc<Vec<u8>>, PictureError> {
        // qualities[too_big] does not fit, qualities[fits] does.
        let (mut too_big, mut fits) = (0, qualities.len() - 1);
        while fits - too_big > 1 {
            let middle = (too_big + fits) / 2;
            let bytes = self.encoded(target.format, width, height, qualities[middle])?;
            if bytes.len() as u64 <= target.max_bytes {
                fits = middle;
                fitting = bytes;
            } else {
                too_big = middle;
            }
        }
        Ok(fitting)
    }

    fn encoded(
        &mut self,
        format: PictureFormat,
        width: u32,
        height: u32,
        quality: u8,
    ) -> Result<Arc<Vec<u8>>, PictureError> {
        let key = (format, width, height, quality);
        if let Some(bytes) = self.encoded.get(&key) {
            return Ok(bytes.clone());
        }
        let image = self.sized(width, height);
        let bytes = Arc::new(encode(&image, format, quality)?);
        self.encoded.insert(key, bytes.clone());
        Ok(bytes)
    }

    fn sized(&mut self, width: u32, height: u32) -> Arc<DynamicImage> {
        let image = &self.decoded.image;
        self.sizes
            .entry((width, height))
            .or_insert_with(|| {
                Arc::new(if (image.width(), image.height()) == (width, height) {
                    image.clone()
                } else {
                    resized(image, width, height)
                })
            })
            .clone()
    }
}

/// `image` at `width` × `height` (Catmull-Rom, alpha premultiplied while
/// filtering), with SIMD; `image`'s own resize for the rare pixel types
/// `fast_image_resize` does not take.
fn resized(image: &DynamicImage, width: u32, height: u32) -> DynamicImage {
    use fast_image_resize::{FilterType as Filter, ResizeAlg, ResizeOptions, Resizer};
    let mut out = DynamicImage::new(width, height, image.color());
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(Filter::CatmullRom));
    match Resizer::new().resize(image, &mut out, &options) {
        Ok(()) => out,
        Err(_) => image.resize_exact(width, height, FilterType::CatmullRom),
    }
}

/// Pixels as bytes of `format`: JPEG at `quality` on white where the picture
/// is transparent (JPEG has no transparency), WebP lossy at a `quality`
/// under 100 (libwebp), PNG and WebP at 100 lossless.
pub fn encode(
    image: &DynamicImage,
    format: PictureFormat,
    quality: u8,
) -> Result<Vec<u8>, PictureError> {
    let failed = |e: image::ImageError| PictureError::Encode(e.to_string());
    let mut out = Vec::new();
    match format {
        PictureFormat::Jpeg => {
            let rgb = on_white(image);
            let side = |n: u32| {
                u16::try_from(n).map_err(|_| PictureError::Encode(format!("a side of {n} pixels")))
            };
            let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
            encoder.set_optimized_huffman_tables(true);
            encoder
                .encode(
                    rgb.as_raw(),
                    side(rgb.width())?,
                    side(rgb.height())?,
                    jpeg_encoder::ColorType::Rgb,
                )
                .map_err(|e| PictureError::Encode(e.to_string()))?;
        }
        PictureFormat::Png => {
            let (bytes, color) = raw(image);
            PngEncoder::new_with_quality(&mut out, CompressionType::Fast, PngFilter::Adaptive)
                .write_image(&bytes, image.width(), image.height(), color)
                .map_err(failed)?;
        }
        PictureFormat::Webp if quality < 100 => out = lossy_webp(image, quality)?,
        PictureFormat::Webp => {
            let rgba = image.to_rgba8();
            image::codecs::webp::WebPEncoder::new_lossless(&mut out)
                .write_image(
                    rgba.as_raw(),
                    rgba.width(),
                    rgba.height(),
                    image::ExtendedColorType::Rgba8,
                )
                .map_err(failed)?;
        }
        PictureFormat::Gif => {
            let rgba = image.to_rgba8();
            let mut encoder = image::codecs::gif::GifEncoder::new(&mut out);
            encoder
                .encode(
                    rgba.as_raw(),
                    rgba.width(),
                    rgba.height(),
                    image::ExtendedColorType::Rgba8,
                )
                .map_err(failed)?;
        }
    }
    Ok(out)
}

/// A lossy WebP from libwebp, with the alpha channel when there is one.
fn lossy_webp(image: &DynamicImage, quality: u8) -> Result<Vec<u8>, PictureError> {
    let (bytes, color) = raw(image);
    let (width, height) = (image.width(), image.height());
    let encoder = match color {
        image::ExtendedColorType::Rgba8 => webp::Encoder::from_rgba(&bytes, width, height),
        _ => webp::Encoder::from_rgb(&bytes, width, height),
    };
    let encoded = encoder
        .encode_simple(false, f32::from(quality))
        .map_err(|e| PictureError::Encode(format!("WebP: {e:?}")))?;
    Ok(encoded.to_vec())
}

/// The pixels as RGB (opaque) or RGBA bytes, whichever keeps them.
fn raw(image: &DynamicImage) -> (Vec<u8>, image::ExtendedColorType) {
    if image.color().has_alpha() {
        let rgba = image.to_rgba8();
        if rgba.pixels().all(|p| p[3] == 255) {
            (on_white(image).into_raw(), image::ExtendedColorType::Rgb8)
        } else {
            (rgba.into_raw(), image::ExtendedColorType::Rgba8)
        }
    } else {
        (image.to_rgb8().into_raw(), image::ExtendedColorType::Rgb8)
    }
}

/// The picture on white, without transparency.
fn on_white(image: &DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    let mut rgb = RgbImage::new(rgba.width(), rgba.height());
    for (to, from) in rgb.pixels_mut().zip(rgba.pixels()) {
        let a = u32::from(from[3]);
        for c in 0..3 {
            to[c] = ((u32::from(from[c]) * a + 255 * (255 - a) + 127) / 255) as u8;
        }
    }
    rgb
}

/// A picture already made (the bytes `BuiltSite` reads) fitted again to
/// other limits, such as a Mastodon instance's own; `None` when it fits
/// them as it is. Returns the new bytes and their format.
pub fn refit(
    bytes: &[u8],
    format: PictureFormat,
    limits: &PictureLimits,
) -> Result<Option<(Vec<u8>, PictureFormat)>, PictureError> {
    let decoded = decode_raster(bytes)?;
    let (width, height) = (decoded.image.width(), decoded.image.height());
    if limits.admits(format, bytes.len(), width, height) {
        return Ok(None);
    }
    let format = decoded.kind.format_for(limits).ok_or_else(|| {
        PictureError::Unreadable("the network takes none of JPEG, PNG, WebP or GIF".into())
    })?;
    let target = Target {
        format,
        max_bytes: limits.max_bytes,
        max_pixels: limits.max_pixels,
        longest_side: limits.longest_side,
        quality: None,
    };
    let fitted = Fitter::new(&decoded).fit(&target)?;
    Ok(Some((fitted.to_vec(), format)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::codecs::jpeg::JpegEncoder;

    /// A picture of noise, which compresses badly, as a camera's does.
    fn noise(width: u32, height: u32) -> DynamicImage {
        let mut state = 0x2545_f491_u32;
        DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |_, _| {
            let mut next = || {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                (state & 0xff) as u8
            };
            image::Rgb([next(), next(), next()])
        }))
    }

    fn target(format: PictureFormat, max_bytes: u64) -> Target {
        Target {
            format,
            max_bytes,
            max_pixels: 2048 * 2048,
            longest_side: 2048,
            quality: None,
        }
    }

    #[test]
    fn a_photo_steps_down_in_quality_then_size_until_it_fits() {
        let decoded = Decoded {
            image: noise(1200, 900),
            kind: Kind::Photo,
        };
        let mut fitter = Fitter::new(&decoded);
        let roomy = fitter
            .fit(&target(PictureFormat::Jpeg, 10_000_000))
            .unwrap();
        let tight = fitter.fit(&target(PictureFormat::Jpeg, 150_000)).unwrap();
        assert!(tight.len() <= 150_000 && tight.len() < roomy.len());
        let small = image::load_from_memory(&tight).unwrap();
        assert!(small.width() < 1200, "shrunk as well: {}", small.width());
        assert_eq!(
            fitter.fit(&target(PictureFormat::Jpeg, 100)),
            Err(PictureError::TooBig { max_bytes: 100 })
        );
    }

    #[test]
    fn sizes_keep_within_the_side_and_the_pixels_and_never_grow() {
        let t = Target {
            format: PictureFormat::Png,
            max_bytes: u64::MAX,
            max_pixels: 1_000_000,
            longest_side: 2048,
            quality: None,
        };
        assert_eq!(first_size(4000, 3000, &t), (1154, 866));
        assert_eq!(first_size(40, 20, &t), (40, 20));
        let wide = Target {
            max_pixels: u64::MAX,
            ..t
        };
        assert_eq!(first_size(4000, 3000, &wide), (2048, 1536));
    }

    #[test]
    fn svg_becomes_opaque_pixels_of_the_size_asked() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect x="0" y="0" width="20" height="20" fill="red"/></svg>"#;
        let decoded = render_svg(svg, 400, u64::MAX).unwrap();
        assert_eq!((decoded.image.width(), decoded.image.height()), (400, 200));
        let rgba = decoded.image.to_rgba8();
        assert_eq!(rgba.get_pixel(50, 100).0, [255, 0, 0, 255]);
        assert_eq!(
            rgba.get_pixel(350, 100).0,
            [255, 255, 255, 255],
            "white, not clear"
        );
        assert!(matches!(
            render_svg(b"<svg", 400, u64::MAX),
            Err(PictureError::Svg(_))
        ));
    }

    #[test]
    fn exif_orientation_is_applied_and_the_exif_dropped() {
        // A 2 × 1 JPEG whose EXIF says "rotate 90° clockwise", with a GPS note.
        let mut jpeg = Vec::new();
        JpegEncoder::new_with_quality(&mut jpeg, 90)
            .write_image(&[0; 6], 2, 1, image::ExtendedColorType::Rgb8)
            .unwrap();
        let exif = exif_app1(6, b"GPS 41.40338 2.17403");
        let mut tagged = jpeg[..2].to_vec();
        tagged.extend_from_slice(&exif);
        tagged.extend_from_slice(&jpeg[2..]);
        let decoded = decode_raster(&tagged).unwrap();
        assert_eq!((decoded.image.width(), decoded.image.height()), (1, 2));
        let out = Fitter::new(&decoded)
            .fit(&target(PictureFormat::Jpeg, 1_000_000))
            .unwrap();
        assert!(!out.windows(4).any(|w| w == b"Exif"));
        assert!(!out.windows(3).any(|w| w == b"GPS"));
    }

    /// An APP1 segment with a little-endian TIFF holding an Orientation tag
    /// and, after it, `note` (where a camera keeps its GPS block).
    pub(crate) fn exif_app1(orientation: u16, note: &[u8]) -> Vec<u8> {
        let mut tiff = b"II*\0\x08\0\0\0".to_vec();
        tiff.extend_from_slice(&1u16.to_le_bytes());
        tiff.extend_from_slice(&0x0112u16.to_le_bytes());
        tiff.extend_from_slice(&3u16.to_le_bytes());
        tiff.extend_from_slice(&1u32.to_le_bytes());
        tiff.extend_from_slice(&orientation.to_le_bytes());
        tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        tiff.extend_from_slice(note);
        let mut body = b"Exif\0\0".to_vec();
        body.extend_from_slice(&tiff);
        let mut segment = vec![0xFF, 0xE1];
        segment.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
        segment.extend_from_slice(&body);
        segment
    }

    #[test]
    fn a_picture_that_fits_is_not_fitted_again() {
        let png = encode(&noise(64, 64), PictureFormat::Png, 100).unwrap();
        let roomy = PictureLimits {
            formats: vec![PictureFormat::Png],
            max_bytes: 1_000_000,
            max_pixels: u64::MAX,
            longest_side: 2048,
        };
        assert_eq!(refit(&png, PictureFormat::Png, &roomy), Ok(None));
        let tight = PictureLimits {
            max_pixels: 32 * 32,
            ..roomy.clone()
        };
        let (bytes, format) = refit(&png, PictureFormat::Png, &tight).unwrap().unwrap();
        assert_eq!(format, PictureFormat::Png);
        assert_eq!(image::load_from_memory(&bytes).unwrap().width(), 32);
        let jpeg_only = PictureLimits {
            formats: vec![PictureFormat::Jpeg],
            ..roomy
        };
        let (_, format) = refit(&png, PictureFormat::Png, &jpeg_only)
            .unwrap()
            .unwrap();
        assert_eq!(format, PictureFormat::Jpeg);
    }
}
