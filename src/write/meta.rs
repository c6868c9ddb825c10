//! A page's meta: its title, description, share image, breadcrumb trail and
//! structured data, which each page kind fills and every template shows.

use serde_json::{Value, json};
use tera::Context;

use super::jsonld;
use crate::load::Site;

/// A share image: its URL and alt text.
pub(super) type Image = (String, Option<String>);

/// A page's title, description, share image, breadcrumb trail and structured data.
pub(super) struct Meta {
    pub(super) title: String,
    pub(super) description: String,
    pub(super) image: Option<Image>,
    /// (name, URL), home first.
    pub(super) crumbs: Vec<(String, String)>,
    /// JSON-LD nodes, the clinic first.
    pub(super) nodes: Vec<Value>,
}

impl Meta {
    /// The site's own meta, which a page keeps unless it says more.
    /// `tree` is the language of the page's tree (see `Post::tree`).
    pub(super) fn of_site(site: &Site, tree: &str, image: Option<Image>, clinic_ld: Value) -> Meta {
        let config = &site.config;
        let title = config.title_in(tree).to_string();
        let home = config.permalink(&format!("{}/", config.tree_prefix(tree)));
        Meta {
            description: config
                .description_in(tree)
                .map_or_else(|| title.clone(), str::to_string),
            crumbs: vec![(title.clone(), home)],
            title,
            image,
            nodes: vec![clinic_ld],
        }
    }

    /// Adds a section and its parents (below home) to the trail.
    pub(super) fn section_crumbs(&mut self, site: &Site, section: usize) {
        let mut chain = Vec::new();
        let mut at = Some(section);
        while let Some(i) = at {
            let s = &site.sections[i];
            if !s.is_home() {
                chain.push((s.title.clone(), site.config.permalink(&s.path)));
            }
            at = s.parent;
        }
        self.crumbs.extend(chain.into_iter().rev());
    }

    /// Puts the meta where templates read it; a trail longer than home alone
    /// is also given as structured data.
    pub(super) fn insert_into(mut self, context: &mut Context) {
        context.insert("page_title", &self.title);
        context.insert("page_description", &self.description);
        context.insert(
            "share_image",
            &self
                .image
                .as_ref()
                .map(|(url, alt)| json!({"url": url, "alt": alt})),
        );
        let crumbs: Vec<Value> = self
            .crumbs
            .iter()
            .map(|(name, url)| json!({"name": name, "url": url}))
            .collect();
        context.insert("breadcrumbs", &crumbs);
        if self.crumbs.len() > 1 {
            self.nodes.push(jsonld::breadcrumbs(&self.crumbs));
        }
        context.insert("jsonld", &jsonld::graph(self.nodes));
    }
}

/// The structured data of a page that lists posts.
pub(super) fn collection_ld(name: &str, url: &str) -> Value {
    json!({"@type": "CollectionPage", "name": name, "url": url})
}
