//! A picture for every outreach item: a camera's 9 MB photo fitted to each
//! network's limits with its EXIF gone, an SVG posted as PNG (to the
//! Mastodon contract server and to the real Bluesky PDS), the social card
//! of a post without a picture the same bytes on every build and its
//! page's `og:image`, and an unchanged build that makes no picture again.
//! Every build here has its own picture cache (`XDG_CACHE_HOME`).

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use crate::common::mastodon::{Config, DEFAULT_TOKEN, MastodonServer};
use crate::common::{Fixture, post, rounds, stderr};

/// Every network, as the example site sets them up.
const NETWORKS: &str = r#"
[networks.mastodon]
instance = "https://med.example"

[networks.bluesky]
instance = "https://bsky.social"

[networks.x]
account = "@RiversideHeart"

[networks.linkedin]
id = "urn:li:organization:5550100"
reach = "both"

[networks.facebook]
id = "555010012345"

[networks.threads]
account = "@riversideheart"
"#;

/// Each network's picture limits as its own documentation gives them, set
/// down here apart from `src/network/*` so a wrong number there fails:
/// (network, most bytes, formats it takes).
const LIMITS: &[(&str, u64, &[&str])] = &[
    ("bluesky", 1_000_000, &["jpeg", "png"]),
    ("x", 5 * 1024 * 1024, &["jpeg", "png", "gif", "webp"]),
    ("threads", 8 * 1024 * 1024, &["jpeg", "png"]),
    (
        "mastodon",
        16 * 1024 * 1024,
        &["jpeg", "png", "gif", "webp"],
    ),
    ("linkedin", 5 * 1024 * 1024, &["jpeg", "png", "gif"]),
    ("facebook", 4_000_000, &["jpeg", "png", "gif"]),
];

/// What a picture's bytes say it is.
fn format_of(bytes: &[u8]) -> &'static str {
    match image::guess_format(bytes) {
        Ok(image::ImageFormat::Jpeg) => "jpeg",
        Ok(image::ImageFormat::Png) => "png",
        Ok(image::ImageFormat::Gif) => "gif",
        Ok(image::ImageFormat::WebP) => "webp",
        _ => "unknown",
    }
}

/// A camera's photo: 4000 × 3000 of noise (which compresses as badly as a
/// real scene's detail), with an EXIF block that holds a GPS position and
/// the camera's serial number, about 9 MB.
fn camera_photo() -> Vec<u8> {
    photo(4000, 3000)
}

/// A noisy photo of `width` × `height` with a GPS position in its EXIF.
fn photo(width: u32, height: u32) -> Vec<u8> {
    let mut state = 0x9e37_79b9_u32;
    let pixels = image::RgbImage::from_fn(width, height, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = (state & 0x3f) as u8;
        image::Rgb([
            (x / 16) as u8 ^ noise,
            (y / 12) as u8 ^ noise,
            noise.wrapping_mul(3),
        ])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 92)
        .encode_image(&pixels)
        .unwrap();
    let mut tagged = jpeg[..2].to_vec();
    tagged.extend_from_slice(&exif(
        b"GPSLatitude 39.7817 N GPSLongitude 89.6501 W BodySerialNumber 4711-SECRET",
    ));
    tagged.extend_from_slice(&jpeg[2..]);
    tagged
}

/// An EXIF APP1 segment (a little-endian TIFF with one IFD entry) followed
/// by `note`.
fn exif(note: &[u8]) -> Vec<u8> {
    let mut body =
        b"Exif\0\0II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0\x01\0\0\0\0\0\0\0".to_vec();
    body.extend_from_slice(note);
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
    segment.extend_from_slice(&body);
    segment
}

/// A build with its own picture cache; its report as JSON.
fn build(fixture: &Fixture, cache: &Path, args: &[&str]) -> Value {
    let out = rounds()
        .env("XDG_CACHE_HOME", cache)
        .env_remove("ROUNDS_CACHE_DIR")
        .args(["build", "--format", "json", "--root"])
        .arg(fixture.root())
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "build failed:\n{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("the report is JSON")
}

/// The outreach items of the last build.
fn items(fixture: &Fixture) -> Vec<Value> {
    let text = std::fs::read_to_string(fixture.root().join("outreach/outreach.json")).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    json["items"].as_array().unwrap().clone()
}

/// The built file behind one of the site's URLs.
fn file_of(fixture: &Fixture, url: &str) -> PathBuf {
    let path = url
        .strip_prefix("https://heart.example/")
        .unwrap_or_else(|| panic!("{url} is not the site's"));
    fixture.public(path)
}

fn site(files: &[(&str, &str)]) -> Fixture {
    let fixture = Fixture::new(files);
    fixture.write(
        "config.toml",
        &format!("{}{NETWORKS}", crate::common::CONFIG),
    );
    fixture
}

#[test]
fn a_nine_megabyte_photo_fits_every_networks_limits_without_its_exif() {
    let fixture = site(&[(
        "content/blog/walk/index.md",
        &post(
            "Walking after a heart attack",
            "date = 2026-01-10\nimage = \"walk.jpg\"\nimage_alt = \"A couple walking by the river\"\n[social]\nteaser = \"When to start walking again, and how far.\"",
            "Body.",
        ),
    )]);
    let photo = camera_photo();
    assert!(
        photo.len() > 8_000_000,
        "a camera's size: {} bytes",
        photo.len()
    );
    fixture.write_bytes("content/blog/walk/walk.jpg", &photo);
    let cache = tempfile::tempdir().unwrap();
    build(&fixture, cache.path(), &[]);
    let items = items(&fixture);
    for &(network, max_bytes, formats) in LIMITS {
        let item = items
            .iter()
            .find(|i| i["network"] == network && i["kind"] == "teaser")
            .unwrap_or_else(|| panic!("a {network} teaser"));
        assert_eq!(item["image"]["alt"], "A couple walking by the river");
        let url = item["image"]["url"].as_str().unwrap();
        let bytes = std::fs::read(file_of(&fixture, url)).unwrap();
        assert!(
            bytes.len() as u64 <= max_bytes,
            "{network}: {} bytes, over {max_bytes}",
            bytes.len()
        );
        let format = format_of(&bytes);
        assert!(formats.contains(&format), "{network} got {format}");
        let picture = image::load_from_memory(&bytes).unwrap();
        assert!(
            picture.width().max(picture.height()) <= 2048,
            "{network}: {} × {}",
            picture.width(),
            picture.height()
        );
        assert_eq!(
            picture.width() * 3,
            picture.height() * 4,
            "{network}: the photo's shape is kept"
        );
        for secret in [&b"Exif"[..], b"GPS", b"4711-SECRET"] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret),
                "{network}'s picture still holds {:?}",
                String::from_utf8_lossy(secret)
            );
        }
    }
}

#[test]
fn a_post_without_a_picture_gets_a_card_that_is_its_pages_og_image_and_the_same_bytes_every_build()
{
    let files = [(
        "content/blog/salt.md",
        post(
            "Salt and the heart: where it hides in a week of meals",
            "date = 2026-01-12\nreviewed_by = \"patel\"\n[social]\nteaser = \"Where the salt hides in a café menu.\"",
            "Body.",
        ),
    )];
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let card_of = |fixture: &Fixture| -> (String, Vec<u8>) {
        let html = fixture.read("blog/salt/index.html");
        let page = scraper::Html::parse_document(&html);
        let meta = |selector: &str| {
            let selector = scraper::Selector::parse(selector).unwrap();
            page.select(&selector)
                .next()
                .and_then(|m| m.value().attr("content"))
                .unwrap_or_else(|| panic!("no {selector:?} in the page"))
                .to_string()
        };
        let url = meta(r#"meta[property="og:image"]"#);
        assert_eq!(meta(r#"meta[name="twitter:image"]"#), url);
        assert_eq!(
            meta(r#"meta[property="og:image:alt"]"#),
            "Card: Salt and the heart: where it hides in a week of meals — Riverside Heart, reviewed by Dr. Asha Patel"
        );
        let bytes = std::fs::read(file_of(fixture, &url)).unwrap();
        (url, bytes)
    };
    let fixture = site(&files);
    let cache = tempfile::tempdir().unwrap();
    build(&fixture, cache.path(), &[]);
    let (url, card) = card_of(&fixture);
    assert_eq!(format_of(&card), "png");
    let picture = image::load_from_memory(&card).unwrap();
    assert_eq!((picture.width(), picture.height()), (1200, 630));
    // The items carry the same card, with the same words.
    for item in items(&fixture) {
        assert_eq!(
            std::fs::read(file_of(&fixture, item["image"]["url"].as_str().unwrap())).unwrap(),
            card,
            "{}",
            item["id"]
        );
        assert!(
            item["image"]["alt"]
                .as_str()
                .unwrap()
                .starts_with("Card: Salt")
        );
    }

    // Cached, and cold again, and on another machine's folder: the same bytes.
    build(&fixture, cache.path(), &[]);
    assert_eq!(card_of(&fixture), (url.clone(), card.clone()), "cached");
    std::fs::remove_dir_all(fixture.public("")).unwrap();
    let cold = tempfile::tempdir().unwrap();
    build(&fixture, cold.path(), &[]);
    assert_eq!(card_of(&fixture), (url.clone(), card.clone()), "cold");
    let elsewhere = site(&files);
    build(&elsewhere, tempfile::tempdir().unwrap().path(), &[]);
    assert_eq!(card_of(&elsewhere), (url, card), "another folder");
}

#[test]
fn an_unchanged_build_makes_no_picture_again() {
    let fixture = site(&[
        (
            "content/blog/bp/index.md",
            &post(
                "Blood pressure at home",
                "date = 2026-01-10\nimage = \"cuff.svg\"\nimage_alt = \"A cuff on an arm\"",
                "Body.",
            ),
        ),
        (
            "content/blog/bp/cuff.svg",
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200"><rect width="200" height="200" fill="#c62828"/><text x="210" y="100" font-family="sans-serif" font-size="24">118/76</text></svg>"##,
        ),
        (
            "content/blog/salt.md",
            &post("Salt and the heart", "date = 2026-01-12", "Body."),
        ),
    ]);
    let cache = tempfile::tempdir().unwrap();
    let first = build(&fixture, cache.path(), &[]);
    let made = first["report"]["pictures"]["made"].as_u64().unwrap();
    assert!(made >= 3, "the SVG's variants and the cards: {first}");
    let again = build(&fixture, cache.path(), &[]);
    assert_eq!(again["report"]["pictures"]["made"], 0, "{again}");
    assert_eq!(again["report"]["pictures"]["reused"], made);
    // A fresh output folder (a CI checkout) finds them in the cache.
    let fresh = build(
        &fixture,
        cache.path(),
        &["--output", "fresh", "--outreach", "fresh-outreach"],
    );
    assert_eq!(fresh["report"]["pictures"]["made"], 0, "{fresh}");
    // Whichever way a picture got there, a web server running as another
    // user can read it (a temporary file is made owner-only).
    for folder in ["public/social", "fresh/social"] {
        for entry in std::fs::read_dir(fixture.root().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            assert!(
                world_readable(&path),
                "{} is not readable by others",
                path.display()
            );
        }
    }
    // A new title is a new card, and only that.
    fixture.write(
        "content/blog/salt.md",
        &post("Salt, and where it hides", "date = 2026-01-12", "Body."),
    );
    let edited = build(&fixture, cache.path(), &[]);
    let remade = edited["report"]["pictures"]["made"].as_u64().unwrap();
    assert!(remade >= 1 && remade < made, "{edited}");
}

#[cfg(unix)]
fn world_readable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o044 == 0o044
}

#[cfg(not(unix))]
fn world_readable(_: &Path) -> bool {
    true
}

/// `rounds publish` to the Mastodon contract server.
fn publish(fixture: &Fixture, cache: &Path) -> Output {
    rounds()
        .env("ROUNDS_MASTODON_TOKEN", DEFAULT_TOKEN)
        .env("ROUNDS_STATE_DIR", fixture.root().join(".state"))
        .env("XDG_CACHE_HOME", cache)
        .env_remove("ROUNDS_CACHE_DIR")
        .args(["publish", "--yes", "--network", "mastodon", "--root"])
        .arg(fixture.root())
        .output()
        .unwrap()
}

fn mastodon_site(instance: &str, extra: &str, files: &[(&str, &[u8])]) -> Fixture {
    let fixture = Fixture::new(&[(
        "content/blog/bp/index.md",
        &post(
            "Blood pressure at home",
            &format!("date = 2026-01-10\n{extra}\n[social]\nteaser = \"Sit, rest, then measure.\""),
            "Body.",
        ),
    )]);
    for (path, bytes) in files {
        fixture.write_bytes(path, bytes);
    }
    fixture.write(
        "config.toml",
        &format!(
            "{}\n[networks.mastodon]\ninstance = \"{instance}\"\n",
            crate::common::CONFIG
        ),
    );
    fixture
}

const CUFF_SVG: &[u8] = br##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200"><rect width="200" height="200" fill="#c62828"/><text x="210" y="100" font-size="24">118/76</text></svg>"##;

#[test]
fn an_svg_post_image_is_uploaded_to_mastodon_as_png_built_or_not() {
    for built in [true, false] {
        let server = MastodonServer::start();
        let fixture = mastodon_site(
            &server.url(),
            "image = \"cuff.svg\"\nimage_alt = \"A cuff on an arm\"",
            &[("content/blog/bp/cuff.svg", CUFF_SVG)],
        );
        let cache = tempfile::tempdir().unwrap();
        if built {
            build(&fixture, cache.path(), &[]);
        }
        let out = publish(&fixture, cache.path());
        assert!(out.status.success(), "built {built}: {}", stderr(&out));
        let media = server.media();
        let teaser = media
            .iter()
            .find(|m| m.description.as_deref() == Some("A cuff on an arm"))
            .unwrap_or_else(|| panic!("built {built}: the teaser's picture: {media:?}"));
        assert_eq!(teaser.content_type, "image/png", "built {built}");
        assert_eq!(format_of(&teaser.bytes), "png", "built {built}");
        let picture = image::load_from_memory(&teaser.bytes).unwrap();
        assert_eq!(picture.width(), 2 * picture.height(), "built {built}");
        assert!(
            teaser
                .file_name
                .as_deref()
                .is_some_and(|n| n.ends_with(".png")),
            "{:?}",
            teaser.file_name
        );
        assert!(
            server.contract_violations().is_empty(),
            "{:?}",
            server.contract_violations()
        );
    }
}

#[test]
fn a_photo_is_fitted_again_to_an_instance_that_takes_less() {
    let server = MastodonServer::start_with(Config {
        image_size_limit: 300_000,
        ..Config::default()
    });
    let photo = photo(1600, 1200);
    let fixture = mastodon_site(
        &server.url(),
        "image = \"walk.jpg\"\nimage_alt = \"A couple walking by the river\"",
        &[("content/blog/bp/walk.jpg", &photo)],
    );
    let cache = tempfile::tempdir().unwrap();
    build(&fixture, cache.path(), &[]);
    let out = publish(&fixture, cache.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let media = server.media();
    assert!(!media.is_empty(), "{}", stderr(&out));
    for m in &media {
        assert!(m.bytes.len() <= 300_000, "{} bytes", m.bytes.len());
        assert_eq!(format_of(&m.bytes), "jpeg");
        assert_eq!(m.content_type, "image/jpeg");
    }
    assert!(
        server.contract_violations().is_empty(),
        "{:?}",
        server.contract_violations()
    );
}

#[test]
fn an_svg_post_image_is_a_png_thumbnail_on_a_real_bluesky_pds() {
    let Some(url) = crate::common::pds::pds_url_or_skip() else {
        return;
    };
    let account = crate::common::pds::create_account(&url);
    let fixture = Fixture::new(&[(
        "content/blog/bp/index.md",
        &post(
            "Blood pressure at home",
            "date = 2026-01-10\nimage = \"cuff.svg\"\nimage_alt = \"A cuff on an arm\"\n[social]\nteaser = \"Sit, rest, then measure.\"",
            "Body.",
        ),
    )]);
    fixture.write_bytes("content/blog/bp/cuff.svg", CUFF_SVG);
    fixture.write(
        "config.toml",
        &format!(
            "{}\n[networks.bluesky]\ninstance = \"{url}\"\n",
            crate::common::CONFIG
        ),
    );
    let cache = tempfile::tempdir().unwrap();
    build(&fixture, cache.path(), &[]);
    let out = rounds()
        .env("ROUNDS_STATE_DIR", fixture.root().join(".state"))
        .env("ROUNDS_BLUESKY_HANDLE", &account.handle)
        .env("ROUNDS_BLUESKY_APP_PASSWORD", &account.password)
        .env("XDG_CACHE_HOME", cache.path())
        .args(["publish", "--yes", "--network", "bluesky", "--root"])
        .arg(fixture.root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let posts = crate::common::pds::list_posts(&url, &account.did);
    assert!(!posts.is_empty());
    for post in &posts {
        let thumb = &post["value"]["embed"]["external"]["thumb"];
        assert_eq!(thumb["mimeType"], "image/png", "{post}");
        let cid = thumb["ref"]["$link"].as_str().expect("the blob's cid");
        let blob = reqwest::blocking::get(format!(
            "{url}/xrpc/com.atproto.sync.getBlob?did={}&cid={cid}",
            account.did
        ))
        .unwrap()
        .bytes()
        .unwrap();
        assert_eq!(format_of(&blob), "png");
        assert!(blob.len() <= 1_000_000);
        assert_eq!(thumb["size"], blob.len());
    }
}

#[test]
fn a_picture_that_cannot_be_read_stops_the_build_at_its_line() {
    let fixture = site(&[(
        "content/blog/walk/index.md",
        &post(
            "Walking after a heart attack",
            "date = 2026-01-10\nimage = \"walk.jpg\"\nimage_alt = \"A couple walking\"",
            "Body.",
        ),
    )]);
    // A JPEG's first bytes, then nothing a decoder can use.
    fixture.write_bytes(
        "content/blog/walk/walk.jpg",
        b"\xFF\xD8\xFF\xE0 not really a photo",
    );
    let cache = tempfile::tempdir().unwrap();
    let out = rounds()
        .env("XDG_CACHE_HOME", cache.path())
        .args(["build", "--format", "json", "--root"])
        .arg(fixture.root())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let problem = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "picture/unusable")
        .unwrap_or_else(|| panic!("{json}"));
    assert_eq!(problem["severity"], "error");
    assert_eq!(problem["file"], "content/blog/walk/index.md");
    assert_eq!(problem["line"], 4, "the `image` line: {problem}");
    assert!(
        problem["message"].as_str().unwrap().contains("walk.jpg"),
        "{problem}"
    );
    assert!(
        problem["help"]
            .as_str()
            .unwrap()
            .contains("JPEG, PNG or SVG")
    );
    assert!(
        !fixture.exists("index.html"),
        "the previous output (none) is kept"
    );
}
