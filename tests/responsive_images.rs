//! The pages' own pictures: a photo in a post's body, the post's `image`
//! and a doctor's portrait come out as `<picture>` with a WebP `<source>`
//! and an `<img>` in the image's own format, each variant as wide as its
//! `srcset` says and no wider than the source, none with EXIF; `width` and
//! `height` so the page keeps its room; lazy but the page's first. An
//! unchanged build makes none of them again. Every build here has its own
//! picture cache (`XDG_CACHE_HOME`).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

use scraper::{ElementRef, Html, Selector};
use serde_json::Value;

use crate::common::{Fixture, post, rounds, stderr};

/// A photo of `width` × `height` with a GPS position in its EXIF.
fn photo(width: u32, height: u32) -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&pixels)
        .unwrap();
    let mut body =
        b"Exif\0\0II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0\x01\0\0\0\0\0\0\0".to_vec();
    body.extend_from_slice(b"GPSLatitude 39.7817 N GPSLongitude 89.6501 W");
    let mut tagged = jpeg[..2].to_vec();
    tagged.extend_from_slice(&[0xFF, 0xE1]);
    tagged.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
    tagged.extend_from_slice(&body);
    tagged.extend_from_slice(&jpeg[2..]);
    tagged
}

/// A drawing (PNG) of `width` × `height`.
fn drawing(width: u32, height: u32) -> Vec<u8> {
    let pixels = image::RgbaImage::from_fn(width, height, |x, _| {
        image::Rgba([if x < width / 2 { 200 } else { 30 }, 90, 60, 255])
    });
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(
            pixels.as_raw(),
            width,
            height,
            image::ExtendedColorType::Rgba8,
        )
        .unwrap();
    png
}

use image::ImageEncoder;

const DOCTORS: &str = r#"[patel]
name = "Dr. Priya Patel"
photo = "/images/patel.png"
photo_alt = "Dr. Patel in a white coat, smiling"

[okafor]
name = "Dr. Chinedu Okafor"
photo = "images/okafor.png"
photo_alt = "Dr. Okafor in the echo lab"
"#;

fn site() -> Fixture {
    let fixture = Fixture::new(&[
        (
            "content/blog/walk/index.md",
            &post(
                "A daily walk",
                "date = 2026-01-10\nimage = \"walk.jpg\"\nimage_alt = \"The river path\"\nauthors = [\"patel\"]\nreviewed_by = \"okafor\"\nlast_reviewed = 2026-01-09",
                "Walk every day.\n\n![A cuff on an arm](cuff.jpg \"Taking a reading\")\n\nMore.\n\n![A chart of steps by day](/images/chart.png)\n\n![Elsewhere](https://cdn.example/far.jpg)\n",
            ),
        ),
        ("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n"),
        ("data/doctors.toml", DOCTORS),
    ]);
    fixture.write(
        "config.toml",
        &crate::common::CONFIG.replace("[check]\n", "[check]\nallowed_hosts = [\"cdn.example\"]\n"),
    );
    fixture.write_bytes("content/blog/walk/walk.jpg", &photo(2000, 1500));
    fixture.write_bytes("content/blog/walk/cuff.jpg", &photo(1000, 750));
    fixture.write_bytes("static/images/chart.png", &drawing(600, 400));
    fixture.write_bytes("static/images/patel.png", &drawing(300, 360));
    fixture.write_bytes("static/images/okafor.png", &drawing(300, 300));
    fixture
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
    assert!(
        out.status.success(),
        "build failed:\n{}{}",
        stderr(&out),
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout).expect("the report is JSON")
}

fn select<'a>(html: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    html.select(&Selector::parse(css).unwrap()).collect()
}

/// `(url, width)` of each candidate of a `srcset`.
fn candidates(srcset: &str) -> Vec<(String, u32)> {
    srcset
        .split(", ")
        .map(|c| {
            let (url, w) = c.rsplit_once(' ').expect("a width descriptor");
            (url.to_string(), w.trim_end_matches('w').parse().unwrap())
        })
        .collect()
}

/// Checks one `<picture>`: a WebP `<source>`, an `<img>` in `own` format
/// with the source's size, every candidate a file of the output as wide as
/// it says, none wider than the source, none with EXIF. The widths made.
fn check_picture(fixture: &Fixture, picture: ElementRef, own: &str, size: (u32, u32)) -> Vec<u32> {
    let source = picture
        .select(&Selector::parse("source").unwrap())
        .next()
        .expect("a <source>");
    assert_eq!(source.attr("type"), Some("image/webp"));
    let img = picture
        .select(&Selector::parse("img").unwrap())
        .next()
        .expect("an <img>");
    assert_eq!(img.attr("width"), Some(size.0.to_string().as_str()));
    assert_eq!(img.attr("height"), Some(size.1.to_string().as_str()));
    assert_eq!(img.attr("decoding"), Some("async"));
    assert_eq!(source.attr("sizes"), img.attr("sizes"));
    let mut widths = Vec::new();
    for (set, format) in [
        (source.attr("srcset").unwrap(), image::ImageFormat::WebP),
        (
            img.attr("srcset").unwrap(),
            image::ImageFormat::from_extension(own).unwrap(),
        ),
    ] {
        for (url, width) in candidates(set) {
            let path = url.strip_prefix("https://heart.example/").unwrap();
            assert!(path.starts_with("img/"), "{url}");
            let bytes = std::fs::read(fixture.public(path)).unwrap();
            assert_eq!(image::guess_format(&bytes).unwrap(), format, "{url}");
            let decoded = image::load_from_memory(&bytes).unwrap();
            assert_eq!(
                decoded.width(),
                width,
                "{url} is as wide as its srcset says"
            );
            assert!(width <= size.0, "{url} is no wider than its source");
            assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{url} has EXIF");
            assert!(!bytes.windows(3).any(|w| w == b"GPS"), "{url} has GPS");
            widths.push(width);
        }
    }
    let fallback = img.attr("src").unwrap();
    assert!(
        fixture
            .public(fallback.strip_prefix("https://heart.example/").unwrap())
            .is_file()
    );
    widths
}

#[test]
fn a_post_image_and_its_body_photos_are_pictures_with_webp_at_each_width() {
    let fixture = site();
    let cache = tempfile::tempdir().unwrap();
    build(&fixture, cache.path(), &[]);
    let html = Html::parse_document(&fixture.read("blog/walk/index.html"));
    let article = select(&html, "article")[0];
    let pictures: Vec<ElementRef> = article
        .select(&Selector::parse("picture").unwrap())
        .filter(|p| !p.inner_html().contains("avatar"))
        .collect();
    assert_eq!(pictures.len(), 3, "the post's image, the cuff, the chart");
    let hero = check_picture(&fixture, pictures[0], "jpg", (2000, 1500));
    assert_eq!(hero, [240, 480, 800, 1200, 1600, 240, 480, 800, 1200, 1600]);
    let cuff = check_picture(&fixture, pictures[1], "jpg", (1000, 750));
    assert_eq!(cuff, [240, 480, 800, 1000, 240, 480, 800, 1000]);
    let chart = check_picture(&fixture, pictures[2], "png", (600, 400));
    assert_eq!(chart, [240, 480, 600, 240, 480, 600]);
    fn img<'a>(p: &ElementRef<'a>) -> ElementRef<'a> {
        p.select(&Selector::parse("img").unwrap()).next().unwrap()
    }
    // The post's image is the page's first: not lazy; the body's are.
    assert_eq!(img(&pictures[0]).attr("loading"), None);
    assert_eq!(img(&pictures[0]).attr("class"), Some("hero-image"));
    assert_eq!(img(&pictures[0]).attr("alt"), Some("The river path"));
    assert_eq!(img(&pictures[1]).attr("loading"), Some("lazy"));
    assert_eq!(img(&pictures[1]).attr("alt"), Some("A cuff on an arm"));
    assert_eq!(img(&pictures[1]).attr("title"), Some("Taking a reading"));
    assert_eq!(img(&pictures[2]).attr("loading"), Some("lazy"));
    // An image on another host is left as it is.
    let far = select(&html, r#"img[src="https://cdn.example/far.jpg"]"#);
    assert_eq!(far.len(), 1);
    assert_eq!(far[0].attr("srcset"), None);
}

#[test]
fn doctor_portraits_show_on_the_doctors_page_their_pages_and_the_byline() {
    let fixture = site();
    let cache = tempfile::tempdir().unwrap();
    build(&fixture, cache.path(), &[]);
    let portrait = |page: &str, alt: &str| {
        let html = Html::parse_document(&fixture.read(page));
        let found: Vec<(String, Option<String>)> = select(&html, "picture img")
            .iter()
            .filter(|i| i.attr("alt") == Some(alt))
            .map(|i| {
                (
                    i.attr("width").unwrap().to_string(),
                    i.attr("class").map(str::to_string),
                )
            })
            .collect();
        assert!(!found.is_empty(), "{page} has no portrait with alt {alt:?}");
        found
    };
    let list = portrait("authors/index.html", "Dr. Patel in a white coat, smiling");
    assert_eq!(list[0].0, "300");
    portrait("authors/index.html", "Dr. Okafor in the echo lab");
    portrait(
        "authors/patel/index.html",
        "Dr. Patel in a white coat, smiling",
    );
    // Beside the name in the byline and the review line: no alt text, which
    // would only repeat the name.
    let html = Html::parse_document(&fixture.read("blog/walk/index.html"));
    assert_eq!(select(&html, ".byline picture img[alt=\"\"]").len(), 1);
    assert_eq!(select(&html, ".reviewed picture img[alt=\"\"]").len(), 1);
    let patel = select(&html, ".byline picture source")[0]
        .attr("srcset")
        .unwrap()
        .to_string();
    let widths: Vec<u32> = candidates(&patel).iter().map(|c| c.1).collect();
    assert_eq!(widths, [240, 300]);
}

/// Every file under `dir` with its modification time.
fn stamps(dir: &Path) -> BTreeMap<String, SystemTime> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect()
}

#[test]
fn an_unchanged_build_makes_no_page_picture_again() {
    let fixture = site();
    let cache = tempfile::tempdir().unwrap();
    let first = build(&fixture, cache.path(), &[]);
    let made = first["report"]["pictures"]["made"].as_u64().unwrap();
    let page_variants = std::fs::read_dir(fixture.public("img")).unwrap().count() as u64;
    assert!(page_variants >= 30, "{page_variants} page variants");
    assert!(made >= page_variants, "{first}");
    let cached = stamps(cache.path());
    let built = stamps(&fixture.public("img"));
    std::thread::sleep(std::time::Duration::from_millis(20));
    let again = build(&fixture, cache.path(), &[]);
    assert_eq!(again["report"]["pictures"]["made"], 0, "{again}");
    assert_eq!(again["report"]["pictures"]["reused"], made);
    assert_eq!(stamps(cache.path()), cached, "the cache is left alone");
    assert_eq!(
        stamps(&fixture.public("img")),
        built,
        "the variants are the same files"
    );
    // A fresh output folder (a CI checkout with its cache) makes none either.
    let fresh = build(
        &fixture,
        cache.path(),
        &["--output", "fresh", "--outreach", "fresh-outreach"],
    );
    assert_eq!(fresh["report"]["pictures"]["made"], 0, "{fresh}");
    assert_eq!(
        std::fs::read_dir(fixture.root().join("fresh/img"))
            .unwrap()
            .count() as u64,
        page_variants
    );
}

#[test]
fn a_broken_site_image_is_a_warning_not_a_failed_build() {
    let fixture = site();
    // A JPEG whose header (and size) is whole but that has no picture: it
    // ends before its start of scan.
    let whole = photo(640, 480);
    let scan = whole.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    let mut cut = whole[..scan].to_vec();
    cut.extend_from_slice(&[0xFF, 0xD9]);
    fixture.write_bytes("static/images/cut.jpg", &cut);
    let cache = tempfile::tempdir().unwrap();
    let report = build(&fixture, cache.path(), &[]);
    let warned: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "picture/unusable")
        .collect();
    assert_eq!(warned.len(), 1, "{report}");
    assert_eq!(warned[0]["severity"], "warning");
    assert_eq!(warned[0]["file"], "static/images/cut.jpg");
    // The rest are made all the same.
    assert!(fixture.public("img").is_dir());
}
