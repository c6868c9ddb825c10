//! Pictures for outreach and sharing. Two steps, kept apart so that every
//! command can know every picture's address while only `rounds build` (and
//! `rounds publish`, for a picture not built yet) does image work:
//!
//! - [`plan`]: which picture each post's items and page carry. It reads
//!   and hashes each post's image (SVG, JPEG, PNG, WebP, GIF) or the inputs
//!   of its social card, and names one variant per network limit:
//!   `/social/<hash>.<ext>`, the hash of the source, the limits and
//!   [`VERSION`]. Nothing is decoded.
//! - [`produce`] (in `produce.rs`): the variant files, made in parallel,
//!   each source decoded once; a variant already in the previous output or
//!   in the cache (`cache.rs`) is taken from there.
//!
//! - [`responsive`]: the pages' own pictures, every raster image the site
//!   publishes at a few widths in WebP and its own format
//!   (`/img/<hash>-<width>.<ext>`), planned and made with the rest.
//!
//! `convert.rs` turns pixels into a network's picture, `card.rs` draws the
//! card, `source.rs` finds a picture's file among the site's.

pub mod cache;
pub mod card;
pub mod convert;
pub mod metadata;
mod produce;
pub mod responsive;
mod source;

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::content::Post;
use crate::diagnostic::Position;
use crate::load::Site;
use crate::network::{Network, PictureFormat, PictureLimits};
pub use card::Card;
pub use convert::{Kind, PictureError, Target};
pub use produce::{Produced, make, produce};
pub use source::Stored;

/// The folder under the output that holds the variants.
pub const FOLDER: &str = "social";

/// Changes when the same source and limits would make other bytes (the
/// card's layout, the encoder's settings), so old variants are not reused.
const VERSION: &str = concat!("2:", env!("CARGO_PKG_VERSION"));

/// What a page shows when it is shared (`og:image`): the card as it is, or
/// the post's picture at most 1200 px on its longest side and 1 MB, which
/// every network's link card takes.
pub fn page_limits() -> PictureLimits {
    PictureLimits {
        formats: vec![PictureFormat::Jpeg, PictureFormat::Png],
        max_bytes: 1_000_000,
        max_pixels: 1200 * 1200,
        longest_side: 1200,
    }
}

/// Every picture of a build: what each post's items and page carry, and
/// the files to make for them.
#[derive(Debug, Default, Clone)]
pub struct Pictures {
    /// By post index, as `Site::posts`.
    pub posts: Vec<PostPictures>,
    /// The clinic's own card, per network, for items of no post ("recommend us").
    pub clinic: BTreeMap<Network, Chosen>,
    /// Every variant to make, by its path under the output (`social/….png`,
    /// `img/…-800.webp`).
    pub variants: BTreeMap<String, Variant>,
    /// How pages show each image the site publishes, by its path under the
    /// output (`blog/walk/photo.jpg`).
    pub shown: BTreeMap<String, responsive::Responsive>,
}

/// One post's pictures.
#[derive(Debug, Clone, Default)]
pub struct PostPictures {
    /// For its items, per enabled network.
    pub networks: BTreeMap<Network, Chosen>,
    /// For its page's `og:image`; `None` keeps the page's own (another
    /// site's image, which Rounds does not fetch).
    pub page: Option<Chosen>,
    /// Why the items carry a card although the post names an image.
    pub note: Option<String>,
}

/// One picture, where it will be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    /// Its path under the output: `social/3fa4….jpg`.
    pub file: String,
    /// Its public address.
    pub url: String,
    /// What it shows: the post's `image_alt`, or the card's words.
    pub alt: Option<String>,
    /// A social card rather than the post's own picture.
    pub card: bool,
}

/// A file to make: from what, fitted to which limits.
#[derive(Debug, Clone)]
pub struct Variant {
    pub source: Arc<Source>,
    pub target: Target,
}

/// What a variant is made from.
#[derive(Debug)]
pub struct Source {
    pub origin: Origin,
    /// The hash of its bytes (or of the card's inputs), hex.
    pub key: String,
    /// The post file that names it and the line, for a problem.
    pub cited: Option<(std::path::PathBuf, Position)>,
}

#[derive(Debug)]
pub enum Origin {
    /// A picture file of the site.
    File { stored: Stored, svg: bool },
    /// A card, with the clinic's logo if it has one.
    Card {
        card: Card,
        logo: Option<Arc<Source>>,
    },
}

impl Source {
    fn kind(&self) -> Kind {
        match &self.origin {
            Origin::File { stored, svg } => {
                if !svg && stored.photo {
                    Kind::Photo
                } else {
                    Kind::Graphic
                }
            }
            Origin::Card { .. } => Kind::Graphic,
        }
    }
}

impl Pictures {
    /// The picture of post `index`'s page.
    pub fn for_page(&self, index: usize) -> Option<&Chosen> {
        self.posts.get(index)?.page.as_ref()
    }

    /// How pages show the site image at `path` (`/blog/walk/photo.jpg` or
    /// without the slash).
    pub fn shown(&self, path: &str) -> Option<&responsive::Responsive> {
        self.shown.get(path.trim_start_matches('/'))
    }
}

/// What every post's card shares: the clinic, its colour, its logo, its address.
struct Clinic {
    name: String,
    host: String,
    accent: [u8; 3],
    logo: Option<Arc<Source>>,
}

/// Which picture every post's items and page carry, and the variants to
/// make. Reads and hashes each picture named (in parallel); decodes none.
pub fn plan(site: &Site) -> Pictures {
    let clinic = clinic(site);
    let networks = enabled_limits(site);
    let planned: Vec<(PostPictures, Vec<(String, Variant)>)> = site
        .posts
        .par_iter()
        .map(|post| plan_post(site, post, &clinic, &networks))
        .collect();
    let (shown, page_variants) = responsive::plan(site);
    let mut pictures = Pictures {
        shown,
        variants: page_variants.into_iter().collect(),
        ..Pictures::default()
    };
    for (post, variants) in planned {
        pictures.posts.push(post);
        pictures.variants.extend(variants);
    }
    let card = Card {
        headline: site
            .config
            .description
            .clone()
            .unwrap_or_else(|| site.config.title.clone()),
        clinic: clinic.name.clone(),
        reviewer: None,
        host: clinic.host.clone(),
        accent: clinic.accent,
    };
    let source = card_source(card, &clinic, None);
    let alt = Some(source_alt(&source));
    for (network, limits) in &networks {
        if let Some((chosen, variant)) = variant(site, &source, limits, alt.clone()) {
            pictures.clinic.insert(*network, chosen.clone());
            pictures.variants.insert(chosen.file, variant);
        }
    }
    pictures
}

/// `previous` with the pictures of the posts at `edited` (indices into
/// `site.posts`) planned again, as `rounds serve` needs after an edit; and
/// the variants those posts now need, to be made. The other posts are not
/// looked at: at 10,000 posts, planning them all again cost more than the
/// edit. `None` when the posts are not those `previous` was planned for.
pub fn replan(previous: &Pictures, site: &Site, edited: &[usize]) -> Option<(Pictures, Pictures)> {
    if previous.posts.len() != site.posts.len() {
        return None;
    }
    let clinic = clinic(site);
    let networks = enabled_limits(site);
    let mut pictures = previous.clone();
    let mut needed = Pictures::default();
    // The site's images, looked at again: a file unchanged since is not
    // read again (`source::examine`), and a variant already made is kept.
    let (shown, page_variants) = responsive::plan(site);
    let folder = format!("{}/", responsive::FOLDER);
    pictures
        .variants
        .retain(|file, _| !file.starts_with(&folder));
    for (file, variant) in page_variants {
        needed.variants.insert(file.clone(), variant.clone());
        pictures.variants.insert(file, variant);
    }
    pictures.shown = shown;
    for &index in edited {
        let post = site.posts.get(index)?;
        let (planned, variants) = plan_post(site, post, &clinic, &networks);
        pictures.posts[index] = planned;
        for (file, variant) in variants {
            needed.variants.insert(file.clone(), variant.clone());
            pictures.variants.insert(file, variant);
        }
    }
    Some((pictures, needed))
}

/// Each enabled network with the pictures it takes.
fn enabled_limits(site: &Site) -> Vec<(Network, PictureLimits)> {
    site.outreach
        .enabled()
        .map(|(network, _)| (network, network.pictures()))
        .collect()
}

type Planned = (PostPictures, Vec<(String, Variant)>);

fn plan_post(
    site: &Site,
    post: &Post,
    clinic: &Clinic,
    networks: &[(Network, PictureLimits)],
) -> Planned {
    let cited = image_line(post).map(|at| (post.file.clone(), at));
    let (source, alt, note, page_is_ours) = match picture_of(site, post) {
        Ok(stored) => {
            let svg = stored.svg;
            let source = Arc::new(Source {
                key: stored.hash.clone(),
                origin: Origin::File {
                    stored: stored.stored,
                    svg,
                },
                cited,
            });
            (source, post.front.image_alt.clone(), None, true)
        }
        Err(why) => {
            let source = card_source(post_card(site, post, clinic), clinic, cited);
            let alt = Some(source_alt(&source));
            // A post whose image cannot be used keeps it on its page.
            let page_is_ours = why.is_none();
            (source, alt, why, page_is_ours)
        }
    };
    let mut planned = PostPictures {
        note,
        ..PostPictures::default()
    };
    let mut variants = Vec::new();
    for (network, limits) in networks {
        if let Some((chosen, made)) = variant(site, &source, limits, alt.clone()) {
            variants.push((chosen.file.clone(), made));
            planned.networks.insert(*network, chosen);
        }
    }
    if page_is_ours && let Some((chosen, made)) = variant(site, &source, &page_limits(), alt) {
        variants.push((chosen.file.clone(), made));
        planned.page = Some(chosen);
    }
    (planned, variants)
}

/// A post's own picture, read and hashed; `Err(None)` when it names none
/// (it gets a card), `Err(Some(why))` when the one it names cannot be used.
fn picture_of(site: &Site, post: &Post) -> Result<source::Found, Option<String>> {
    let image = post.front.image.as_deref().ok_or(None)?;
    if image.contains("://") {
        return Err(Some(format!(
            "the post's image is on another site ({image}), which Rounds does not fetch; the items carry the post's card"
        )));
    }
    let path = crate::site_path::site_path(&post.path, image).ok_or(None)?;
    source::find(site, post, path.trim_start_matches('/')).ok_or_else(|| {
        Some(format!(
            "the post's image `{image}` is not a JPEG, PNG, WebP, GIF or SVG file of the site; the items carry the post's card"
        ))
    })
}

fn post_card(site: &Site, post: &Post, clinic: &Clinic) -> Card {
    let reviewer = post.front.reviewed_by.as_deref().map(|key| {
        site.data
            .get("doctors")
            .and_then(|d| d.get(key))
            .and_then(|d| d.get("name"))
            .and_then(|n| n.as_str())
            .unwrap_or(key)
            .to_string()
    });
    Card {
        headline: post.front.title.clone(),
        clinic: clinic.name.clone(),
        reviewer,
        host: clinic.host.clone(),
        accent: clinic.accent,
    }
}

fn card_source(
    card: Card,
    clinic: &Clinic,
    cited: Option<(std::path::PathBuf, Position)>,
) -> Arc<Source> {
    let logo_key = clinic.logo.as_ref().map_or("", |l| l.key.as_str());
    let key = hash(&[
        b"card",
        card.headline.as_bytes(),
        card.clinic.as_bytes(),
        card.reviewer.as_deref().unwrap_or("").as_bytes(),
        card.host.as_bytes(),
        &card.accent,
        logo_key.as_bytes(),
    ]);
    Arc::new(Source {
        origin: Origin::Card {
            card,
            logo: clinic.logo.clone(),
        },
        key,
        cited,
    })
}

fn source_alt(source: &Source) -> String {
    match &source.origin {
        Origin::Card { card, .. } => card.alt(),
        Origin::File { .. } => String::new(),
    }
}

/// The variant of `source` that fits `limits`, named by what it is made of.
fn variant(
    site: &Site,
    source: &Arc<Source>,
    limits: &PictureLimits,
    alt: Option<String>,
) -> Option<(Chosen, Variant)> {
    let format = source.kind().format_for(limits)?;
    let target = Target {
        format,
        max_bytes: limits.max_bytes,
        max_pixels: limits.max_pixels,
        longest_side: limits.longest_side,
        quality: None,
    };
    let name = hash(&[
        VERSION.as_bytes(),
        source.key.as_bytes(),
        format.extension().as_bytes(),
        &target.max_bytes.to_le_bytes(),
        &target.max_pixels.to_le_bytes(),
        &target.longest_side.to_le_bytes(),
    ]);
    let file = format!("{FOLDER}/{}.{}", &name[..32], format.extension());
    let chosen = Chosen {
        url: site.config.permalink(&format!("/{file}")),
        file,
        alt,
        card: matches!(source.origin, Origin::Card { .. }),
    };
    let variant = Variant {
        source: source.clone(),
        target,
    };
    Some((chosen, variant))
}

fn clinic(site: &Site) -> Clinic {
    let config = &site.config;
    let host = url::Url::parse(config.base())
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| config.base().to_string());
    let logo = config
        .clinic
        .logo
        .as_deref()
        .and_then(|logo| crate::site_path::site_path("/", logo))
        .and_then(|path| source::find_any(site, path.trim_start_matches('/')))
        .map(|found| {
            Arc::new(Source {
                key: found.hash,
                origin: Origin::File {
                    stored: found.stored,
                    svg: found.svg,
                },
                cited: None,
            })
        });
    Clinic {
        name: config.clinic_name().to_string(),
        host,
        accent: source::accent(site),
        logo,
    }
}

/// Where `image` is set in the post's front matter.
fn image_line(post: &Post) -> Option<Position> {
    static KEY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?m)^[ \t]*image[ \t]*[=:]").expect("valid")
    });
    let front = &post.source[..post.body_offset.min(post.source.len())];
    let at = KEY.find(front)?.start();
    let at = at + front[at..].len() - front[at..].trim_start().len();
    Some(crate::diagnostic::position_of(&post.source, at))
}

/// SHA-256 of the parts, each length-prefixed so no two lists collide; hex.
pub(crate) fn hash(parts: &[&[u8]]) -> String {
    let mut context = ring::digest::Context::new(&ring::digest::SHA256);
    for part in parts {
        context.update(&(part.len() as u64).to_le_bytes());
        context.update(part);
    }
    hex(context.finish().as_ref())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
