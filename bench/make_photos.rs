//! Camera-sized photos for `bench/pictures.sh`: `make_photos DIR N` writes
//! `DIR/photo-000.jpg` … as 4000 × 3000 JPEGs of 9 to 15 MB (a gradient
//! under fine noise, which compresses as badly as a real scene's detail),
//! with an EXIF block like a phone's. Ten different pictures are drawn (this
//! runs in the dev profile); the files differ in their EXIF, so each is a
//! source of its own to Rounds, decoded and converted on its own.

use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("usage: make_photos DIR N"));
    let count: u32 = args
        .next()
        .and_then(|n| n.parse().ok())
        .expect("usage: make_photos DIR N");
    std::fs::create_dir_all(&dir).expect("the folder");
    let mut drawn: Vec<Vec<u8>> = Vec::new();
    for i in 0..count {
        let file = dir.join(format!("photo-{i:03}.jpg"));
        if file.exists() {
            continue;
        }
        let base = (i % 10) as usize;
        while drawn.len() <= base {
            drawn.push(picture(drawn.len() as u32));
        }
        std::fs::write(&file, tagged(&drawn[base], i)).expect("write a photo");
    }
}

/// One picture as JPEG.
fn picture(seed: u32) -> Vec<u8> {
    let mut state = 0x9e37_79b9_u32 ^ seed.wrapping_mul(0x85eb_ca6b);
    let pixels = image::RgbImage::from_fn(4000, 3000, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = (state & 0x3f) as u8;
        image::Rgb([
            ((x + seed * 40) / 16) as u8 ^ noise,
            (y / 12) as u8 ^ noise,
            noise.wrapping_mul(3),
        ])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 92)
        .encode_image(&pixels)
        .expect("encode");
    jpeg
}

/// The JPEG with an EXIF block that names photo `i`.
fn tagged(jpeg: &[u8], i: u32) -> Vec<u8> {
    let mut body =
        b"Exif\0\0II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0\x01\0\0\0\0\0\0\0".to_vec();
    body.extend_from_slice(
        format!("GPSLatitude 39.7817 N GPSLongitude 89.6501 W photo {i}").as_bytes(),
    );
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&body);
    out.extend_from_slice(&jpeg[2..]);
    out
}
