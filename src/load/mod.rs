//! Load: read config, content, data and theme into a [`Site`].
//!
//! Files are read and their headers parsed in parallel, each exactly once.
//! Every problem found is collected, so one build reports all of them.
//! `content` reads `content/` into sections and posts (`post` reads one
//! post), `data` reads `data/`.

pub mod brand;
mod content;
mod data;
mod post;

pub use post::{MAX_NAME_BYTES, SLUG_TOO_LONG, value_position};

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::{Post, Section};
use crate::diagnostic::Diagnostic;
use crate::theme::Theme;

/// Everything the later stages need, read from disk once.
#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub sections: Vec<Section>,
    pub posts: Vec<Post>,
    /// `data/` files by name: `data.doctors` for `data/doctors.toml`.
    pub data: serde_json::Map<String, serde_json::Value>,
    pub theme: Theme,
    /// Files under `content/` that are not posts: (source, output path).
    pub content_files: Vec<(PathBuf, String)>,
    /// Networks, social and physician settings from config.toml.
    pub outreach: crate::outreach::settings::Settings,
    /// What has been posted where, from `syndication.toml`.
    pub ledger: crate::ledger::Ledger,
    /// For each post, its translations (the posts of the same
    /// `translation_key` in the site's other languages), in the order of
    /// `Config::trees`.
    pub translations: Vec<Vec<usize>>,
}

impl Site {
    pub fn home(&self) -> &Section {
        &self.sections[0]
    }

    /// The home section of language `tree`, if the site has pages in it.
    pub fn home_of(&self, tree: &str) -> Option<usize> {
        self.sections
            .iter()
            .position(|s| s.is_home() && s.tree == tree)
    }
}

/// Each post's translations: the other posts with its `translation_key`,
/// in the order of the site's languages.
fn translations(config: &Config, posts: &[Post]) -> Vec<Vec<usize>> {
    let mut by_key: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
    for (i, post) in posts.iter().enumerate() {
        by_key.entry(&post.translation_key).or_default().push(i);
    }
    let trees = config.trees();
    let rank = |i: &usize| trees.iter().position(|t| *t == posts[*i].tree);
    posts
        .iter()
        .enumerate()
        .map(|(i, post)| {
            let mut others: Vec<usize> = by_key[post.translation_key.as_str()]
                .iter()
                .copied()
                .filter(|&j| j != i && posts[j].tree != post.tree)
                .collect();
            others.sort_by_key(rank);
            others
        })
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub drafts: bool,
    pub base_url: Option<String>,
}

pub const CONTENT: &str = "content";
pub const DATA: &str = "data";

pub fn load(root: &Path, options: &LoadOptions) -> Result<Site, Vec<Diagnostic>> {
    let mut config = Config::load(root)?;
    if let Some(base) = &options.base_url {
        // The pages link to this build's address; the outreach keeps the
        // published one (`Config::published_permalink`).
        config.published_base_url = Some(std::mem::replace(&mut config.base_url, base.clone()));
    }
    let ((theme, data), content) = rayon::join(
        || rayon::join(|| Theme::load(root, &config.theme), || data::load(root)),
        || content::load(root, &config, options),
    );
    let mut problems = Vec::new();
    let ledger = crate::ledger::Ledger::load(root)
        .map_err(|mut e| problems.append(&mut e))
        .ok();
    let outreach = crate::outreach::settings::load(&config, root)
        .map_err(|mut e| problems.append(&mut e))
        .ok();
    // Only `rounds deploy` uses `[deploy]`, but a typo in it should stop the
    // build in CI rather than the deploy after it.
    if let Err(mut e) = crate::deploy::target::load(&config, root) {
        problems.append(&mut e);
    }
    let theme = theme.map_err(|mut e| problems.append(&mut e)).ok();
    if let (Some(theme), Ok((_, _, files))) = (&theme, &content) {
        problems.extend(brand::missing_files(root, &config, theme, files));
    }
    let data = data.map_err(|mut e| problems.append(&mut e)).ok();
    let content = content.map_err(|mut e| problems.append(&mut e)).ok();
    match (theme, data, content, outreach, ledger) {
        (
            Some(theme),
            Some(data),
            Some((sections, posts, content_files)),
            Some(outreach),
            Some(ledger),
        ) if problems.is_empty() => Ok(Site {
            translations: translations(&config, &posts),
            ledger,
            outreach,
            root: root.to_path_buf(),
            config,
            sections,
            posts,
            data,
            theme,
            content_files,
        }),
        _ => Err(problems),
    }
}

/// Reads post `index` again from its file, in the section it was in; its
/// bundle's files stay as they were (a new file there is a structural change
/// the caller handles with a full load).
pub fn reload_post(site: &Site, index: usize) -> Result<Post, Vec<Diagnostic>> {
    let old = &site.posts[index];
    let mut post = post::read(
        &site.root,
        &old.file,
        old.section,
        &site.sections[old.section],
    )?;
    post.assets = old.assets.clone();
    Ok(post)
}

/// Re-sorts a section's posts as loading does, e.g. after one post changed.
pub fn sorted_posts(site: &Site, section: usize) -> Vec<usize> {
    let mut posts = site.sections[section].posts.clone();
    content::sort_posts(
        &mut posts,
        &site.posts,
        site.sections[section].front.sort_by,
    );
    posts
}
