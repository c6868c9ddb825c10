//! The frame every page is drawn in: the compiled templates, each post as
//! lists show it, and the context every page starts from.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{Value, json};
use tera::{Context, Tera};

use super::draw::Drawing;
use super::jsonld;
use super::templates;
use super::view::Views;
use crate::derive::Derived;
use crate::diagnostic::Diagnostic;
use crate::load::Site;
use crate::render::Bodies;

/// What drawing needs besides the site: the compiled templates, each post as
/// lists show it (serialized once, shared by its page and every list), and the
/// context every page starts from. A build makes one; `rounds serve` keeps it
/// between saves and updates only what an edit changed.
pub struct Frame {
    tera: Tera,
    summaries: Arc<Vec<Value>>,
    newest_first: Arc<Vec<usize>>,
    base: Context,
    /// Each further language's menu and words (`tree_contexts`).
    trees: HashMap<String, (Value, Value)>,
    clinic_ld: Value,
    /// What `picture(path=…)` draws from (`Derived::pictures`).
    pictures: Arc<crate::picture::Pictures>,
    site_base: String,
}

impl Frame {
    pub fn new(site: &Site, bodies: &Bodies, derived: &Derived) -> Result<Frame, Vec<Diagnostic>> {
        let views = Views::new(site, derived);
        let summaries: Vec<Value> = (0..site.posts.len())
            .into_par_iter()
            .map(|i| summary(&views, i, bodies))
            .collect();
        let mut frame = Frame {
            tera: compile_templates(site)?,
            summaries: Arc::new(summaries),
            newest_first: Arc::new(derived.by_date.clone()),
            base: base_context(site, derived),
            trees: tree_contexts(site, derived),
            clinic_ld: jsonld::clinic(
                &site.config,
                site.data.get("services").and_then(Value::as_object),
            ),
            pictures: derived.pictures.clone(),
            site_base: site.config.base().to_string(),
        };
        frame.register_posts();
        frame.register_pictures();
        Ok(frame)
    }

    /// The site's images as planned again (`rounds serve`, after an edit).
    pub fn set_pictures(&mut self, pictures: Arc<crate::picture::Pictures>) {
        self.pictures = pictures;
        self.register_pictures();
    }

    fn register_pictures(&mut self) {
        self.tera.register_function(
            "picture",
            super::pictures::PictureFunction {
                pictures: self.pictures.clone(),
                base: self.site_base.clone(),
            },
        );
    }

    /// Compiles the theme's templates again (after one was edited).
    pub fn recompile(&mut self, site: &Site) -> Result<(), Vec<Diagnostic>> {
        self.tera = compile_templates(site)?;
        self.register_posts();
        self.register_pictures();
        Ok(())
    }

    /// Serializes post `index` again; says whether lists showing it change.
    pub fn refresh_post(
        &mut self,
        site: &Site,
        bodies: &Bodies,
        derived: &Derived,
        index: usize,
    ) -> bool {
        let fresh = summary(&Views::new(site, derived), index, bodies);
        if self.summaries[index] == fresh {
            return false;
        }
        // Drop `get_posts`'s share first so the list is updated in place, not copied.
        self.tera
            .register_function("get_posts", templates::GetPosts::default());
        Arc::make_mut(&mut self.summaries)[index] = fresh;
        self.register_posts();
        true
    }

    fn register_posts(&mut self) {
        self.tera.register_function(
            "get_posts",
            templates::GetPosts::new(self.summaries.clone(), self.newest_first.clone()),
        );
    }

    /// Everything one pass of drawing reads, borrowed for its length.
    pub(super) fn drawing<'a>(
        &'a self,
        site: &'a Site,
        bodies: &'a Bodies,
        derived: &'a Derived,
        views: &'a Views<'a>,
    ) -> Drawing<'a> {
        Drawing {
            clinic_ld: self.clinic_ld.clone(),
            doctors: site.data.get("doctors").and_then(Value::as_object),
            site,
            bodies,
            derived,
            views,
            summaries: &self.summaries,
            base: &self.base,
            trees: &self.trees,
            tera: &self.tera,
        }
    }
}

fn compile_templates(site: &Site) -> Result<Tera, Vec<Diagnostic>> {
    let permalinks = Arc::new(crate::render::permalinks(site));
    templates::compile(&site.theme, permalinks, site.config.base().to_string())
}

/// A post as lists show it: its terms capped, so that a post with thousands
/// of tags does not put all of them on each of its thousands of term pages.
fn summary(views: &Views, index: usize, bodies: &Bodies) -> Value {
    serde_json::to_value(views.post(index, &bodies.posts[index]).listed()).unwrap_or(Value::Null)
}

/// What every page sees: the config, the clinic, data files and navigation.
/// For each further language the site has pages in: its menu and the
/// theme's words, which replace the main language's on its pages.
fn tree_contexts(site: &Site, derived: &Derived) -> HashMap<String, (Value, Value)> {
    let config = &site.config;
    let doctors = doctors_page(site, derived);
    config
        .trees()
        .into_iter()
        .skip(1)
        .filter_map(|tree| {
            let home = site.home_of(tree)?;
            let mut nav = navigation(site, home);
            let (strings, _) = site.theme.strings_for(tree);
            nav.extend(doctors.clone().map(|mut page| {
                if let Some(title) = strings.get("our_doctors") {
                    page["title"] = json!(title);
                }
                page
            }));
            Some((tree.to_string(), (json!(nav), json!(strings))))
        })
        .collect()
}

fn base_context(site: &Site, derived: &Derived) -> Context {
    let config = &site.config;
    let mut context = Context::new();
    context.insert("config", config);
    context.insert("clinic", &config.clinic);
    context.insert("clinic_name", config.clinic_name());
    context.insert("brand", &super::brand::view(site));
    context.insert("data", &site.data);
    let doctors = doctors_page(site, derived);
    context.insert("strings", &site.theme.strings_for(&config.language).0);
    let mut nav = navigation(site, 0);
    nav.extend(doctors.clone());
    context.insert("nav", &nav);
    context.insert("doctors_page", &doctors);
    // The footer links every page to the notice; its page shows all of it.
    context.insert("language_access", &derived.language_access);
    let taxonomies: BTreeMap<&str, Value> = derived
        .taxonomies
        .iter()
        .filter(|t| t.tree == config.language)
        .map(|t| (t.name.as_str(), json!({"name": t.name, "permalink": config.permalink(&t.path), "count": t.terms.len()})))
        .collect();
    context.insert("taxonomies", &taxonomies);
    context.insert(
        "syntax_css",
        &config.permalink(&format!("/{}", crate::derive::SYNTAX_CSS)),
    );
    context.insert(
        "generator",
        &format!("Rounds {}", env!("CARGO_PKG_VERSION")),
    );
    context
}

/// The page of the clinic's doctors (the authors' list), when the site
/// has doctors: the menu ends with it and the About section links to it.
fn doctors_page(site: &Site, derived: &Derived) -> Option<Value> {
    let authors = derived.taxonomies.iter().find(|t| t.name == "authors")?;
    let has_doctors = site
        .data
        .get("doctors")
        .and_then(Value::as_object)
        .is_some_and(|d| !d.is_empty());
    let (words, _) = site.theme.strings_for(&site.config.language);
    let title = words
        .get("our_doctors")
        .map_or("Our doctors", String::as_str);
    has_doctors.then(|| {
        json!({"title": title, "permalink": site.config.permalink(&authors.path), "path": authors.path, "audience": "patients"})
    })
}

/// The home section's published subsections, by weight and then title.
/// The menu of the language tree whose home is section `home`: its
/// top-level sections, by weight then title.
fn navigation(site: &Site, home: usize) -> Vec<Value> {
    let config = &site.config;
    let mut nav: Vec<_> = site.sections[home]
        .subsections
        .iter()
        .map(|&s| &site.sections[s])
        .filter(|s| !s.front.draft)
        .collect();
    nav.sort_by_key(|s| (s.front.weight.unwrap_or(i64::MAX), s.title.to_lowercase()));
    nav.iter()
        .map(|s| json!({"title": s.title, "permalink": config.permalink(&s.path), "path": s.path, "audience": s.front.audience}))
        .collect()
}
