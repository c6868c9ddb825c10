//! What an image file says about where, when and with what it was taken
//! (its EXIF), read from the metadata segments alone, and the same file with
//! those segments removed, losslessly: the pixels' bytes are not touched.
//!
//! JPEG: APP1 (Exif, XMP) and APP13 (Photoshop IPTC) go; APP0, the ICC
//! profile (APP2) and everything from the start of scan stay. PNG: `eXIf`,
//! `tEXt`, `zTXt`, `iTXt` and `tIME` go. WebP: the `EXIF` and `XMP ` chunks
//! go. An orientation other than 1 is kept, as a new EXIF holding only it, so
//! a phone photo is not shown on its side: the orientation says nothing about
//! the patient, and dropping it would turn the picture in every browser.

/// What a source image's EXIF holds that a reader should not learn.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Exif {
    /// Latitude and longitude in degrees, north and east positive.
    pub position: Option<(f64, f64)>,
    /// The GPS IFD is there, with or without a readable position.
    pub gps: bool,
    /// When it was taken or last changed (`2026:03:14 09:26:53`).
    pub date: Option<String>,
    /// The camera's or lens's serial number.
    pub serial: Option<String>,
    /// The camera owner's or the artist's name.
    pub owner: Option<String>,
    /// 1 (as stored) to 8; 1 when absent.
    pub orientation: u16,
}

/// The kinds of image Rounds knows the metadata of, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    Webp,
}

impl Kind {
    pub fn of(path: &std::path::Path) -> Option<Kind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "jpg" | "jpeg" => Some(Kind::Jpeg),
            "png" => Some(Kind::Png),
            "webp" => Some(Kind::Webp),
            _ => None,
        }
    }
}

/// The TIFF inside the file's EXIF, if it has one. `bytes` may be only the
/// file's start: the metadata comes before the pixels.
pub fn exif_tiff(kind: Kind, bytes: &[u8]) -> Option<&[u8]> {
    match kind {
        Kind::Jpeg => jpeg_segments(bytes)
            .find(|s| s.marker == 0xE1 && s.body.starts_with(b"Exif\0\0"))
            .map(|s| &s.body[6..]),
        Kind::Png => png_chunks(bytes)
            .find(|c| c.kind == *b"eXIf")
            .map(|c| c.body),
        Kind::Webp => webp_chunks(bytes).find(|c| c.kind == *b"EXIF").map(|c| {
            // Some writers keep JPEG's "Exif\0\0" in front.
            c.body.strip_prefix(b"Exif\0\0").unwrap_or(c.body)
        }),
    }
}

/// Reads the tags that matter from a TIFF (EXIF) block.
pub fn read_exif(tiff: &[u8]) -> Exif {
    let mut exif = Exif {
        orientation: 1,
        ..Exif::default()
    };
    let Some(t) = Tiff::new(tiff) else {
        return exif;
    };
    let Some(ifd0) = t.u32(4) else {
        return exif;
    };
    let mut sub = None;
    let mut gps = None;
    // The Exif IFD's tags are read in IFD0 too: some writers put them there.
    let mut ifds = vec![ifd0 as usize];
    while let Some(ifd) = ifds.pop() {
        for (tag, e) in t.entries(ifd) {
            match tag {
                0x0112 => exif.orientation = t.u16(e + 8).unwrap_or(1),
                0x0132 | 0x9003 | 0x9004 => exif.date = t.text(e).or(exif.date.take()),
                0x013B | 0xA430 => exif.owner = t.text(e).or(exif.owner.take()),
                0xA431 | 0xA435 => exif.serial = t.text(e).or(exif.serial.take()),
                0x8769 if sub.is_none() => {
                    sub = t.u32(e + 8);
                    ifds.extend(sub.map(|s| s as usize));
                }
                0x8825 => gps = t.u32(e + 8),
                _ => {}
            }
        }
    }
    if let Some(gps) = gps {
        exif.gps = true;
        exif.position = position(&t, gps as usize);
    }
    exif
}

/// Latitude and longitude from the GPS IFD at `at`.
fn position(t: &Tiff, at: usize) -> Option<(f64, f64)> {
    let (mut lat, mut lon, mut south, mut west) = (None, None, false, false);
    for (tag, e) in t.entries(at) {
        match tag {
            1 => south = t.bytes(e + 8, 1) == Some(b"S"),
            2 => lat = t.degrees(e),
            3 => west = t.bytes(e + 8, 1) == Some(b"W"),
            4 => lon = t.degrees(e),
            _ => {}
        }
    }
    let sign = |v: f64, negative: bool| if negative { -v } else { v };
    Some((sign(lat?, south), sign(lon?, west)))
}

/// A TIFF block with its byte order.
struct Tiff<'a> {
    bytes: &'a [u8],
    little: bool,
}

impl<'a> Tiff<'a> {
    fn new(bytes: &'a [u8]) -> Option<Tiff<'a>> {
        let little = match bytes.get(..4)? {
            b"II*\0" => true,
            b"MM\0*" => false,
            _ => return None,
        };
        Some(Tiff { bytes, little })
    }

    fn bytes(&self, at: usize, n: usize) -> Option<&'a [u8]> {
        self.bytes.get(at..at.checked_add(n)?)
    }

    fn u16(&self, at: usize) -> Option<u16> {
        let b: [u8; 2] = self.bytes(at, 2)?.try_into().ok()?;
        Some(if self.little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    }

    fn u32(&self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.bytes(at, 4)?.try_into().ok()?;
        Some(if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    /// (tag, offset of its entry) of the IFD at `at`; at most 512 entries,
    /// so a broken count cannot make it read for long.
    fn entries(&self, at: usize) -> impl Iterator<Item = (u16, usize)> + '_ {
        let count = self.u16(at).unwrap_or(0).min(512) as usize;
        (0..count).filter_map(move |i| {
            let e = at + 2 + 12 * i;
            Some((self.u16(e)?, e))
        })
    }

    /// Where an entry's value is: inline when it fits in 4 bytes.
    fn value(&self, e: usize, len: usize) -> Option<&'a [u8]> {
        if len <= 4 {
            self.bytes(e + 8, len)
        } else {
            self.bytes(self.u32(e + 8)? as usize, len)
        }
    }

    /// An ASCII entry's text, without its trailing NULs; None when empty.
    fn text(&self, e: usize) -> Option<String> {
        let count = self.u32(e + 4)? as usize;
        let raw = self.value(e, count.min(4096))?;
        let text = String::from_utf8_lossy(raw)
            .trim_end_matches('\0')
            .trim()
            .to_string();
        (!text.is_empty()).then_some(text)
    }

    /// Three RATIONALs (degrees, minutes, seconds) as degrees.
    fn degrees(&self, e: usize) -> Option<f64> {
        let at = self.u32(e + 8)? as usize;
        let mut total = 0.0;
        for (i, scale) in [1.0, 60.0, 3600.0].into_iter().enumerate() {
            let num = self.u32(at + 8 * i)? as f64;
            let den = self.u32(at + 8 * i + 4)? as f64;
            if den != 0.0 {
                total += num / den / scale;
            }
        }
        Some(total)
    }
}

/// The file without its metadata; None when it is not a well-formed file
/// of its kind (then it is copied as it is: Rounds does not guess).
pub fn strip(kind: Kind, bytes: &[u8]) -> Option<Vec<u8>> {
    let orientation = exif_tiff(kind, bytes)
        .map(read_exif)
        .map_or(1, |e| e.orientation);
    let kept = (orientation != 1 && orientation <= 8).then(|| orientation_tiff(orientation));
    match kind {
        Kind::Jpeg => strip_jpeg(bytes, kept.as_deref()),
        Kind::Png => strip_png(bytes, kept.as_deref()),
        Kind::Webp => strip_webp(bytes, kept.as_deref()),
    }
}

/// A big-endian TIFF with one entry: the orientation.
fn orientation_tiff(orientation: u16) -> Vec<u8> {
    let mut t = b"MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
    t.extend_from_slice(&orientation.to_be_bytes());
    t.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    t
}

struct Segment<'a> {
    marker: u8,
    /// The segment, marker and length included.
    whole: &'a [u8],
    body: &'a [u8],
}

/// The JPEG's marker segments up to the start of scan (not included).
fn jpeg_segments(bytes: &[u8]) -> impl Iterator<Item = Segment<'_>> {
    let mut at = if bytes.starts_with(&[0xFF, 0xD8]) {
        2
    } else {
        bytes.len()
    };
    std::iter::from_fn(move || {
        let marker = *bytes.get(at + 1)?;
        if bytes[at] != 0xFF || marker == 0xDA || marker == 0xD9 {
            return None;
        }
        let len = u16::from_be_bytes([*bytes.get(at + 2)?, *bytes.get(at + 3)?]) as usize;
        let whole = bytes.get(at..at + 2 + len)?;
        at += 2 + len;
        Some(Segment {
            marker,
            whole,
            body: whole.get(4..)?,
        })
    })
}

fn strip_jpeg(bytes: &[u8], orientation: Option<&[u8]>) -> Option<Vec<u8>> {
    let mut out = bytes.get(..2)?.to_vec();
    let mut at = 2;
    let mut placed = orientation.is_none();
    for s in jpeg_segments(bytes) {
        at += s.whole.len();
        // After JFIF's APP0, where the EXIF would have been.
        if !placed && s.marker != 0xE0 {
            push_app1(&mut out, orientation?);
            placed = true;
        }
        if s.marker == 0xE1 || s.marker == 0xED {
            continue;
        }
        out.extend_from_slice(s.whole);
    }
    // The start of scan must follow: otherwise this is not a JPEG we read.
    if bytes.get(at..at + 2) != Some(&[0xFF, 0xDA]) {
        return None;
    }
    if !placed {
        push_app1(&mut out, orientation?);
    }
    out.extend_from_slice(&bytes[at..]);
    Some(out)
}

fn push_app1(out: &mut Vec<u8>, tiff: &[u8]) {
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((tiff.len() + 8) as u16).to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(tiff);
}

struct Chunk<'a> {
    kind: [u8; 4],
    whole: &'a [u8],
    body: &'a [u8],
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

fn png_chunks(bytes: &[u8]) -> impl Iterator<Item = Chunk<'_>> {
    let mut at = if bytes.starts_with(PNG_SIGNATURE) {
        8
    } else {
        bytes.len()
    };
    std::iter::from_fn(move || {
        let len = u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as usize;
        let kind: [u8; 4] = bytes.get(at + 4..at + 8)?.try_into().ok()?;
        let whole = bytes.get(at..at.checked_add(12 + len)?)?;
        at += 12 + len;
        Some(Chunk {
            kind,
            whole,
            body: &whole[8..8 + len],
        })
    })
}

fn strip_png(bytes: &[u8], orientation: Option<&[u8]>) -> Option<Vec<u8>> {
    let mut out = PNG_SIGNATURE.to_vec();
    let mut end = false;
    for c in png_chunks(bytes) {
        match &c.kind {
            b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME" => continue,
            b"IHDR" => {
                out.extend_from_slice(c.whole);
                if let Some(tiff) = orientation {
                    out.extend_from_slice(&(tiff.len() as u32).to_be_bytes());
                    let start = out.len();
                    out.extend_from_slice(b"eXIf");
                    out.extend_from_slice(tiff);
                    let crc = crc32(&out[start..]);
                    out.extend_from_slice(&crc.to_be_bytes());
                }
                continue;
            }
            b"IEND" => end = true,
            _ => {}
        }
        out.extend_from_slice(c.whole);
    }
    end.then_some(out)
}

/// PNG's CRC-32 (ISO 3309), over a chunk's type and data.
fn crc32(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

fn webp_chunks(bytes: &[u8]) -> impl Iterator<Item = Chunk<'_>> {
    let riff = bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP");
    let mut at = if riff { 12 } else { bytes.len() };
    std::iter::from_fn(move || {
        let kind: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
        let len = u32::from_le_bytes(bytes.get(at + 4..at + 8)?.try_into().ok()?) as usize;
        let padded = len + (len & 1);
        let whole = bytes.get(at..at.checked_add(8 + padded)?)?;
        at += 8 + padded;
        Some(Chunk {
            kind,
            whole,
            body: &whole[8..8 + len],
        })
    })
}

/// VP8X's flag for an EXIF chunk, and for an XMP one.
const WEBP_EXIF: u8 = 0x08;
const WEBP_XMP: u8 = 0x04;

fn strip_webp(bytes: &[u8], orientation: Option<&[u8]>) -> Option<Vec<u8>> {
    let mut body = b"WEBP".to_vec();
    let mut seen = 12;
    let mut extended = false;
    for c in webp_chunks(bytes) {
        seen += c.whole.len();
        match &c.kind {
            b"EXIF" | b"XMP " => continue,
            b"VP8X" => {
                extended = true;
                let flags = c.body.first()? & !(WEBP_EXIF | WEBP_XMP);
                body.extend_from_slice(&c.whole[..8]);
                body.push(if orientation.is_some() {
                    flags | WEBP_EXIF
                } else {
                    flags
                });
                body.extend_from_slice(&c.whole[9..]);
            }
            _ => body.extend_from_slice(c.whole),
        }
    }
    if seen != bytes.len() {
        return None;
    }
    // A simple (non-VP8X) WebP cannot carry an EXIF chunk, so had none.
    if let (Some(tiff), true) = (orientation, extended) {
        body.extend_from_slice(b"EXIF");
        body.extend_from_slice(&(tiff.len() as u32).to_le_bytes());
        body.extend_from_slice(tiff);
        if tiff.len() % 2 == 1 {
            body.push(0);
        }
    }
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend_from_slice(&body);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_with(chunks: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
        let mut out = PNG_SIGNATURE.to_vec();
        for (kind, body) in chunks {
            out.extend_from_slice(&(body.len() as u32).to_be_bytes());
            let start = out.len();
            out.extend_from_slice(*kind);
            out.extend_from_slice(body);
            let crc = crc32(&out[start..]);
            out.extend_from_slice(&crc.to_be_bytes());
        }
        out
    }

    #[test]
    fn crc32_is_pngs() {
        // The CRC of an empty IEND chunk, as every PNG ends.
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }

    #[test]
    fn a_png_loses_its_text_and_exif_and_keeps_a_turn() {
        let turned = orientation_tiff(8);
        let png = png_with(&[
            (b"IHDR", &[0; 13]),
            (b"tEXt", b"Author\0Jane Doe"),
            (b"eXIf", &turned),
            (b"IDAT", b"pixels"),
            (b"IEND", b""),
        ]);
        let out = strip(Kind::Png, &png).unwrap();
        assert!(!out.windows(8).any(|w| w == b"Jane Doe"));
        let exif = read_exif(exif_tiff(Kind::Png, &out).unwrap());
        assert_eq!(exif.orientation, 8);
        assert!(out.windows(6).any(|w| w == b"pixels"));
        // Every chunk's CRC holds.
        for c in png_chunks(&out) {
            let len = c.body.len();
            let crc = u32::from_be_bytes(c.whole[8 + len..].try_into().unwrap());
            assert_eq!(crc, crc32(&c.whole[4..8 + len]));
        }
    }

    #[test]
    fn a_webp_loses_its_exif_and_xmp_chunks_and_their_flags() {
        let mut body = b"WEBP".to_vec();
        let chunk = |body: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
            body.extend_from_slice(kind);
            body.extend_from_slice(&(data.len() as u32).to_le_bytes());
            body.extend_from_slice(data);
            if data.len() % 2 == 1 {
                body.push(0);
            }
        };
        chunk(
            &mut body,
            b"VP8X",
            &[WEBP_EXIF | WEBP_XMP, 0, 0, 0, 1, 0, 0, 1, 0, 0],
        );
        chunk(&mut body, b"VP8L", b"pixels!");
        chunk(&mut body, b"EXIF", &orientation_tiff(1));
        chunk(&mut body, b"XMP ", b"<x:xmpmeta/>");
        let mut webp = b"RIFF".to_vec();
        webp.extend_from_slice(&(body.len() as u32).to_le_bytes());
        webp.extend_from_slice(&body);
        let out = strip(Kind::Webp, &webp).unwrap();
        let kinds: Vec<[u8; 4]> = webp_chunks(&out).map(|c| c.kind).collect();
        assert_eq!(kinds, vec![*b"VP8X", *b"VP8L"]);
        assert_eq!(out[20] & (WEBP_EXIF | WEBP_XMP), 0);
        assert_eq!(
            u32::from_le_bytes(out[4..8].try_into().unwrap()) as usize,
            out.len() - 8
        );
    }

    #[test]
    fn a_broken_jpeg_is_not_stripped() {
        assert_eq!(strip(Kind::Jpeg, b"\xFF\xD8\xFF\xE1\x00\x10Exif"), None);
    }
}
