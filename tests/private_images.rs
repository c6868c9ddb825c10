//! Private images: the copies of the site's own images in `public/` carry no
//! EXIF, GPS or XMP (a patient photo taken on a phone says where and when),
//! their pixels byte for byte; `rounds check` names a source image holding a
//! GPS position or a date, and one over the size limits.

use serde_json::Value;

use crate::common::{Fixture, post, rounds, stderr};

const TAKEN: &[u8] = b"2026:03:14 09:26:53";
const SERIAL: &[u8] = b"SN-4711-SECRET";

fn u16le(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}
fn u32le(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}
fn entry(out: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32) {
    u16le(out, tag);
    u16le(out, kind);
    u32le(out, count);
    u32le(out, value);
}

/// A phone's EXIF (a little-endian TIFF): orientation, the date taken, the
/// camera's serial number and a GPS position (41°52'48" N, 87°37'48" W).
fn phone_tiff(orientation: u16) -> Vec<u8> {
    // IFD0 at 8: 4 entries (2 + 48 + 4 = 54) → 62; date at 62 (20) → 82;
    // serial at 82 (15) → 97, padded to 98; GPS IFD at 98: 4 entries → 152;
    // latitude at 152 (24) → 176; longitude at 176 (24) → 200.
    let mut t = b"II*\0".to_vec();
    u32le(&mut t, 8);
    u16le(&mut t, 4);
    entry(&mut t, 0x0112, 3, 1, orientation as u32);
    entry(&mut t, 0x0132, 2, 20, 62);
    entry(&mut t, 0x8825, 4, 1, 98);
    entry(&mut t, 0xA431, 2, 15, 82);
    u32le(&mut t, 0);
    assert_eq!(t.len(), 62);
    t.extend_from_slice(TAKEN);
    t.push(0);
    t.extend_from_slice(SERIAL);
    t.push(0);
    t.push(0);
    assert_eq!(t.len(), 98);
    u16le(&mut t, 4);
    entry(&mut t, 1, 2, 2, u32::from(b'N'));
    entry(&mut t, 2, 5, 3, 152);
    entry(&mut t, 3, 2, 2, u32::from(b'W'));
    entry(&mut t, 4, 5, 3, 176);
    u32le(&mut t, 0);
    assert_eq!(t.len(), 152);
    for (num, den) in [(41, 1), (52, 1), (48, 1), (87, 1), (37, 1), (48, 1)] {
        u32le(&mut t, num);
        u32le(&mut t, den);
    }
    t
}

/// A small JPEG; with `tiff`, an APP1 Exif segment and an XMP one after SOI.
fn jpeg(tiff: Option<&[u8]>) -> Vec<u8> {
    let pixels =
        image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]));
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 90)
        .encode_image(&pixels)
        .unwrap();
    let Some(tiff) = tiff else {
        return plain;
    };
    let mut out = plain[..2].to_vec();
    let mut body = b"Exif\0\0".to_vec();
    body.extend_from_slice(tiff);
    segment(&mut out, 0xE1, &body);
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    xmp.extend_from_slice(b"<x:xmpmeta><exif:GPSLatitude>41,52.8N</exif:GPSLatitude></x:xmpmeta>");
    segment(&mut out, 0xE1, &xmp);
    out.extend_from_slice(&plain[2..]);
    out
}

fn segment(out: &mut Vec<u8>, marker: u8, body: &[u8]) {
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(body);
}

/// The bytes from the JPEG's start of scan on: the picture itself.
fn scan(bytes: &[u8]) -> &[u8] {
    let at = bytes
        .windows(2)
        .position(|w| w == [0xFF, 0xDA])
        .expect("a start of scan");
    &bytes[at..]
}

/// The tags of every EXIF IFD0 in `bytes`, with their value's first 2 bytes
/// (a SHORT such as the orientation).
fn exif_tags(bytes: &[u8]) -> Vec<(u16, u16)> {
    let mut tags = Vec::new();
    let mut from = 0;
    while let Some(at) = bytes[from..].windows(6).position(|w| w == b"Exif\0\0") {
        let tiff = &bytes[from + at + 6..];
        let little = match &tiff[..4] {
            b"II*\0" => true,
            b"MM\0*" => false,
            other => panic!("not a TIFF: {other:?}"),
        };
        let u16_at = |i: usize| {
            let b = [tiff[i], tiff[i + 1]];
            if little {
                u16::from_le_bytes(b)
            } else {
                u16::from_be_bytes(b)
            }
        };
        let b4 = [tiff[4], tiff[5], tiff[6], tiff[7]];
        let ifd = if little {
            u32::from_le_bytes(b4)
        } else {
            u32::from_be_bytes(b4)
        } as usize;
        for i in 0..u16_at(ifd) as usize {
            let e = ifd + 2 + 12 * i;
            tags.push((u16_at(e), u16_at(e + 8)));
        }
        from += at + 6;
    }
    tags
}

fn site(files: &[(&str, &str)]) -> Fixture {
    Fixture::new(files)
}

fn walk_post() -> String {
    post(
        "Walking after a heart attack",
        "date = 2026-01-10\nimage = \"walk.jpg\"\nimage_alt = \"A couple walking by the river\"",
        "Body.",
    )
}

fn check(fixture: &Fixture) -> Vec<Value> {
    let out = rounds()
        .args(["check", "--format", "json", "--root"])
        .arg(fixture.root())
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("a JSON report:\n{}", stderr(&out)));
    json["diagnostics"].as_array().unwrap().clone()
}

fn about<'a>(found: &'a [Value], rule: &str, file: &str) -> Vec<&'a Value> {
    found
        .iter()
        .filter(|d| d["rule"] == rule && d["file"].as_str().is_some_and(|f| f.ends_with(file)))
        .collect()
}

#[test]
fn a_phone_photo_is_published_without_its_exif_gps_or_xmp_and_keeps_its_orientation() {
    let fixture = site(&[("content/blog/walk/index.md", &walk_post())]);
    let source = jpeg(Some(&phone_tiff(6)));
    fixture.write_bytes("content/blog/walk/walk.jpg", &source);
    fixture.write_bytes("static/images/front-desk.jpg", &jpeg(Some(&phone_tiff(1))));
    fixture.build_ok();
    for (rel, orientation) in [("walk/walk.jpg", Some(6)), ("images/front-desk.jpg", None)] {
        let copy = std::fs::read(fixture.public(rel)).unwrap();
        for secret in [TAKEN, SERIAL, b"xmpmeta".as_slice(), b"ns.adobe.com"] {
            assert!(
                !copy.windows(secret.len()).any(|w| w == secret),
                "{rel} still holds {:?}",
                String::from_utf8_lossy(secret)
            );
        }
        // Only the orientation is left, and only where it turns the picture.
        let tags = exif_tags(&copy);
        match orientation {
            Some(o) => assert_eq!(tags, vec![(0x0112, o)], "{rel}"),
            None => assert!(tags.is_empty(), "{rel}: {tags:?}"),
        }
        assert_eq!(
            scan(&copy),
            scan(&source),
            "{rel}: the pixels are not re-encoded"
        );
        image::load_from_memory(&copy).expect("the copy is still a JPEG");
    }
}

#[test]
fn check_names_a_source_image_that_holds_a_gps_position_or_a_date() {
    let fixture = site(&[("content/blog/walk/index.md", &walk_post())]);
    fixture.write_bytes("content/blog/walk/walk.jpg", &jpeg(Some(&phone_tiff(1))));
    fixture.write_bytes("static/images/clean.jpg", &jpeg(None));
    let found = check(&fixture);
    let gps = about(
        &found,
        "privacy/image-location",
        "content/blog/walk/walk.jpg",
    );
    assert_eq!(gps.len(), 1, "{found:#?}");
    let message = gps[0]["message"].as_str().unwrap();
    assert!(message.contains("41.88° N, 87.63° W"), "{message}");
    assert_eq!(gps[0]["severity"], "warning");
    let meta = about(
        &found,
        "privacy/image-metadata",
        "content/blog/walk/walk.jpg",
    );
    assert_eq!(meta.len(), 1, "{found:#?}");
    let message = meta[0]["message"].as_str().unwrap();
    assert!(message.contains("2026:03:14 09:26:53"), "{message}");
    assert!(message.contains("serial number"), "{message}");
    for rule in [
        "privacy/image-location",
        "privacy/image-metadata",
        "image/too-large",
    ] {
        assert!(about(&found, rule, "clean.jpg").is_empty(), "{found:#?}");
    }
}

#[test]
fn check_warns_on_an_image_over_the_limits_which_config_sets() {
    let fixture = site(&[]);
    let wide = image::RgbImage::from_pixel(3200, 4, image::Rgb([200, 10, 10]));
    let mut png = Vec::new();
    wide.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    fixture.write_bytes("static/banner.png", &png);
    fixture.write_bytes("static/small.jpg", &jpeg(None));
    let found = check(&fixture);
    let large = about(&found, "image/too-large", "static/banner.png");
    assert_eq!(large.len(), 1, "{found:#?}");
    assert!(
        large[0]["message"].as_str().unwrap().contains("3200 × 4"),
        "{large:#?}"
    );
    assert!(
        about(&found, "image/too-large", "small.jpg").is_empty(),
        "{found:#?}"
    );

    // A lower byte limit in [check] catches the small one too.
    let config = crate::common::CONFIG.replace("[check]\n", "[check]\nimage_max_bytes = 500\n");
    fixture.write("config.toml", &config);
    let found = check(&fixture);
    let small = about(&found, "image/too-large", "static/small.jpg");
    assert_eq!(small.len(), 1, "{found:#?}");
}
