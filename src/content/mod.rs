//! The site's content: posts and the sections that hold them.

pub mod brand;
pub mod date;
pub mod front_matter;

use std::path::PathBuf;

pub use date::Date;
pub use front_matter::{Audience, Kind, PostFrontMatter, SectionFrontMatter};

/// A markdown post: its header, its source and where it will be published.
#[derive(Debug, Clone)]
pub struct Post {
    /// Path relative to the site root, e.g. `content/blog/bp.md`.
    pub file: PathBuf,
    /// The whole file, kept for error messages that quote it.
    pub source: String,
    /// Where the markdown body starts in `source`.
    pub body_offset: usize,
    pub front: PostFrontMatter,
    /// Index of the section that holds it in `Site::sections`.
    pub section: usize,
    pub slug: String,
    /// URL path, always with a leading and trailing slash: `/blog/bp/`.
    pub path: String,
    /// The name internal links use: `blog/bp.md` for `@/blog/bp.md`.
    pub content_path: String,
    pub date: Option<Date>,
    /// Files that sit beside an `index.md` post and are published with it.
    pub assets: Vec<PathBuf>,
    pub lang: String,
    /// The site language whose pages hold it: `es` for `bp.es.md` (under
    /// `/es/`), the main language otherwise. `lang` may say more (`es-MX`).
    pub tree: String,
    /// What its translations share: its content path without the language,
    /// `blog/bp.md` for both `bp.md` and `bp.es.md`.
    pub translation_key: String,
}

impl Post {
    /// The title referring physicians see: `[physicians] title`, else the post's.
    pub fn physician_title(&self) -> &str {
        self.front
            .physicians
            .as_ref()
            .and_then(|p| p.title.as_deref())
            .unwrap_or(&self.front.title)
    }

    /// The clinical summary: `[physicians] summary`, else the description.
    pub fn physician_summary(&self) -> Option<&str> {
        self.front
            .physicians
            .as_ref()
            .and_then(|p| p.summary.as_deref())
            .or(self.front.description.as_deref())
    }

    /// The date shown as "last updated": `updated`, else `date`.
    pub fn updated(&self) -> Option<Date> {
        self.front.updated.or(self.date)
    }
}

/// A folder of posts, with an optional `_index.md` describing it.
#[derive(Debug, Clone)]
pub struct Section {
    /// `content/blog/_index.md`, or the folder itself when it has no `_index.md`.
    pub file: PathBuf,
    pub source: String,
    pub body_offset: usize,
    pub front: SectionFrontMatter,
    pub title: String,
    /// URL path: `/` for the home section, `/blog/` for `content/blog/`.
    pub path: String,
    pub content_path: String,
    pub parent: Option<usize>,
    pub subsections: Vec<usize>,
    /// Posts in display order.
    pub posts: Vec<usize>,
    pub lang: String,
    /// The site language whose pages hold it (see [`Post::tree`]).
    pub tree: String,
}

impl Section {
    pub fn body(&self) -> &str {
        &self.source[self.body_offset..]
    }

    /// The top of a language's tree: `/`, or `/es/` for Spanish.
    pub fn is_home(&self) -> bool {
        !self.content_path.contains('/')
    }
}
