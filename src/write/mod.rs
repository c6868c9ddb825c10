//! Write: draw every page with its template and write the site, in parallel,
//! into a staging folder that replaces the output only when all went well.

pub mod jsonld;
pub mod output;
pub mod outreach_files;
mod recursion;
pub mod templates;
pub mod view;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde_json::{Value, json};
use tera::{Context, Tera};

use crate::content::front_matter::MAX_TERMS_PER_POST;
use crate::derive::{Derived, Page, PageKind, Pager, feed};
use crate::diagnostic::Diagnostic;
use crate::load::Site;
use crate::progress::Progress;
use crate::render::Bodies;
use crate::theme::StaticSource;
use view::Views;

/// What a build wrote, for its summary line.
#[derive(Debug, Default, Clone)]
pub struct Written {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    /// (page index, URL) for everything a page loads from another host;
    /// `check::third_party` judges them.
    pub foreign_loads: Vec<(usize, String)>,
}

/// What drawing needs besides the site: the compiled templates, each post as
/// lists show it (serialized once, shared by its page and every list), and the
/// context every page starts from. A build makes one; `rounds serve` keeps it
/// between saves and updates only what an edit changed.
pub struct Frame {
    tera: Tera,
    summaries: Arc<Vec<Value>>,
    newest_first: Arc<Vec<usize>>,
    base: Context,
    clinic_ld: Value,
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
            clinic_ld: jsonld::clinic(
                &site.config,
                site.data.get("services").and_then(Value::as_object),
            ),
        };
        frame.register_posts();
        Ok(frame)
    }

    /// Compiles the theme's templates again (after one was edited).
    pub fn recompile(&mut self, site: &Site) -> Result<(), Vec<Diagnostic>> {
        self.tera = compile_templates(site)?;
        self.register_posts();
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

    fn drawing<'a>(
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

/// One page drawn again, not yet written.
pub struct Drawn {
    /// Index into `derived.pages`.
    pub page: usize,
    pub html: String,
}

/// Draws `pages` (indexes into `derived.pages`) again, in parallel; every
/// template failure is reported, and then nothing is returned.
pub fn draw_pages(
    site: &Site,
    bodies: &Bodies,
    derived: &Derived,
    frame: &Frame,
    pages: &[usize],
) -> Result<Vec<Drawn>, Vec<Diagnostic>> {
    let views = Views::new(site, derived);
    let drawing = frame.drawing(site, bodies, derived, &views);
    let results: Vec<Result<Drawn, (String, String)>> = pages
        .par_iter()
        .map(|&page| {
            drawing
                .draw(&derived.pages[page])
                .map(|html| Drawn { page, html })
                .map_err(|message| (derived.pages[page].template.clone(), message))
        })
        .collect();
    let mut drawn = Vec::with_capacity(results.len());
    let mut failures = Vec::new();
    for result in results {
        match result {
            Ok(page) => drawn.push(page),
            Err(failure) => failures.push(failure),
        }
    }
    if failures.is_empty() {
        Ok(drawn)
    } else {
        Err(render_failures(site, failures, pages.len()))
    }
}

/// Draws every page in memory and keeps only what each loads from other
/// hosts, (page index, URL): how the pipeline judges pages without writing
/// them. Every template failure is reported, and then nothing is returned.
pub fn draw_for_loads(
    site: &Site,
    bodies: &Bodies,
    derived: &Derived,
    frame: &Frame,
) -> Result<Vec<(usize, String)>, Vec<Diagnostic>> {
    let views = Views::new(site, derived);
    let drawing = frame.drawing(site, bodies, derived, &views);
    let own_host = crate::check::third_party::host_of(site.config.base()).unwrap_or_default();
    // The pages are dropped as soon as they are read: a large site's HTML
    // does not fit in memory all at once.
    let results: Vec<Result<Vec<String>, (String, String)>> = derived
        .pages
        .par_iter()
        .map(|page| {
            drawing
                .draw(page)
                .map(|html| crate::check::third_party::foreign_loads(&html, own_host))
                .map_err(|message| (page.template.clone(), message))
        })
        .collect();
    let mut loads = Vec::new();
    let mut failures = Vec::new();
    for (page, result) in results.into_iter().enumerate() {
        match result {
            Ok(urls) => loads.extend(urls.into_iter().map(|url| (page, url))),
            Err(failure) => failures.push(failure),
        }
    }
    if failures.is_empty() {
        Ok(loads)
    } else {
        Err(render_failures(site, failures, derived.pages.len()))
    }
}

/// (page index, URL) for everything the drawn pages load from other hosts.
pub fn foreign_loads(site: &Site, drawn: &[Drawn]) -> Vec<(usize, String)> {
    let own_host = crate::check::third_party::host_of(site.config.base()).unwrap_or_default();
    drawn
        .iter()
        .flat_map(|d| {
            crate::check::third_party::foreign_loads(&d.html, own_host)
                .into_iter()
                .map(|url| (d.page, url))
        })
        .collect()
}

/// Puts drawn pages into the live output `out`, each replaced atomically and
/// only when its bytes changed; returns the output paths that changed.
pub fn put_changed(
    derived: &Derived,
    drawn: &[Drawn],
    out: &Path,
) -> Result<Vec<String>, Vec<Diagnostic>> {
    let mut changed = Vec::new();
    let mut problems = Vec::new();
    for d in drawn {
        let output = &derived.pages[d.page].output;
        match replace_if_changed(out, output, d.html.as_bytes()) {
            Ok(true) => changed.push(output.clone()),
            Ok(false) => {}
            Err(e) => problems.push(write_error(output, &e)),
        }
    }
    if problems.is_empty() {
        Ok(changed)
    } else {
        Err(problems)
    }
}

/// Puts the theme's and the site's static files into the live output `out`,
/// replacing only those whose bytes changed; returns their output paths.
pub fn put_static(site: &Site, out: &Path) -> Result<Vec<String>, Vec<Diagnostic>> {
    let mut changed = Vec::new();
    let mut problems = Vec::new();
    for (rel, source) in &site.theme.static_files {
        let bytes = match source {
            StaticSource::BuiltIn(data) => Ok(data.to_vec()),
            StaticSource::File(path) => std::fs::read(path),
        };
        match bytes.and_then(|b| replace_if_changed(out, rel, &b)) {
            Ok(true) => changed.push(rel.clone()),
            Ok(false) => {}
            Err(e) => problems.push(write_error(rel, &e)),
        }
    }
    if problems.is_empty() {
        Ok(changed)
    } else {
        Err(problems)
    }
}

/// Writes `bytes` to `out/rel` through a temporary file and a rename, so a
/// reader never sees half a page; leaves the file alone when it already
/// holds these bytes. Says whether it wrote.
pub fn replace_if_changed(out: &Path, rel: &str, bytes: &[u8]) -> std::io::Result<bool> {
    let path = crate::site_path::in_output(out, rel)?;
    if std::fs::read(&path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    let parent = path.parent().unwrap_or(out);
    std::fs::create_dir_all(parent)?;
    let mut temp = tempfile::NamedTempFile::new_in(parent)?;
    std::io::Write::write_all(&mut temp, bytes)?;
    temp.persist(&path).map_err(|e| e.error)?;
    Ok(true)
}

/// Writes the whole site into `out`, which must exist and be empty.
pub fn write(
    site: &Site,
    bodies: &Bodies,
    derived: &Derived,
    frame: &Frame,
    out: &Path,
    progress: &Progress,
) -> Result<Written, Vec<Diagnostic>> {
    let views = Views::new(site, derived);
    let drawing = frame.drawing(site, bodies, derived, &views);
    let bytes = AtomicU64::new(0);

    progress.start(
        "Writing",
        (derived.pages.len() + derived.generated.len()) as u64,
    );
    let own_host = crate::check::third_party::host_of(site.config.base())
        .unwrap_or_default()
        .to_string();
    // Per page: a template failure (template, message), and its foreign loads.
    type Drawn = (Option<(String, String)>, Vec<String>);
    let drawn: Vec<Drawn> = derived
        .pages
        .par_iter()
        .map(|page| {
            let mut loads = Vec::new();
            let result = drawing.draw(page).and_then(|html| {
                bytes.fetch_add(html.len() as u64, Ordering::Relaxed);
                loads = crate::check::third_party::foreign_loads(&html, &own_host);
                put(out, &page.output, html.as_bytes())
                    .map_err(|e| format!("cannot write {}: {e}", page.output))
            });
            progress.inc();
            let failure = result.err().map(|message| (page.template.clone(), message));
            (failure, loads)
        })
        .collect();
    let mut failures = Vec::new();
    let mut foreign_loads = Vec::new();
    for (page, (failure, loads)) in drawn.into_iter().enumerate() {
        failures.extend(failure);
        foreign_loads.extend(loads.into_iter().map(|url| (page, url)));
    }
    let mut problems = render_failures(site, failures, derived.pages.len());

    let generated_problems: Vec<Diagnostic> = derived
        .generated
        .par_iter()
        .filter_map(|file| {
            bytes.fetch_add(file.bytes.len() as u64, Ordering::Relaxed);
            progress.inc();
            put(out, &file.output, &file.bytes)
                .err()
                .map(|e| write_error(&file.output, &e))
        })
        .collect();
    problems.extend(generated_problems);
    let (copied, copy_problems) = copy_files(site, out, &bytes);
    problems.extend(copy_problems);
    progress.finish();
    if problems.is_empty() {
        Ok(Written {
            pages: derived.pages.len(),
            files: derived.pages.len() + derived.generated.len() + copied,
            bytes: bytes.into_inner(),
            foreign_loads,
        })
    } else {
        Err(problems)
    }
}

struct Drawing<'a> {
    site: &'a Site,
    bodies: &'a Bodies,
    derived: &'a Derived,
    views: &'a Views<'a>,
    summaries: &'a [Value],
    base: &'a Context,
    tera: &'a Tera,
    clinic_ld: Value,
    doctors: Option<&'a serde_json::Map<String, Value>>,
}

/// A page's title, description, share image, breadcrumb trail and structured data.
struct Meta {
    title: String,
    description: String,
    image: Option<(String, Option<String>)>,
    crumbs: Vec<(String, String)>,
    nodes: Vec<Value>,
}

impl Meta {
    /// Adds a section and its parents (below home) to the trail.
    fn section_crumbs(&mut self, site: &Site, section: usize) {
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
}

fn collection_ld(name: &str, url: &str) -> Value {
    json!({"@type": "CollectionPage", "name": name, "url": url})
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

impl Drawing<'_> {
    fn draw(&self, page: &Page) -> Result<String, String> {
        let site = self.site;
        let config = &site.config;
        let mut context = self.base.clone();
        context.insert("current_path", &page.path);
        context.insert("current_url", &config.permalink(&page.path));
        let mut lang = config.language.as_str();
        let mut feed_path = "/".to_string();
        let home = (config.title.clone(), config.permalink("/"));
        let mut meta = Meta {
            title: config.title.clone(),
            description: config
                .description
                .clone()
                .unwrap_or_else(|| config.title.clone()),
            image: self.default_image(),
            crumbs: vec![home],
            nodes: vec![self.clinic_ld.clone()],
        };
        match &page.kind {
            PageKind::Post(i) => {
                let post = &site.posts[*i];
                let body = &self.bodies.posts[*i];
                let (newer, older) = self.derived.neighbours[*i];
                let mut value = self.full_view(*i);
                let extra = view::PostBody {
                    content: &body.html,
                    toc: &body.toc,
                    newer: newer.map(|n| self.views.link(n)),
                    older: older.map(|n| self.views.link(n)),
                };
                if let (Some(map), Ok(Value::Object(more))) =
                    (value.as_object_mut(), serde_json::to_value(extra))
                {
                    map.extend(more);
                }
                context.insert("page", &value);
                context.insert("related", &self.related(*i));
                lang = &post.lang;
                feed_path = site.sections[post.section].path.clone();
                meta.title = format!("{} · {}", post.front.title, config.title);
                if let Some(d) = post.front.description.clone().or_else(|| {
                    body.summary
                        .as_deref()
                        .map(|s| feed::strip_tags(s).trim().to_string())
                }) {
                    meta.description = d;
                }
                if let Some(image) = &post.front.image {
                    meta.image = Some((
                        view::image_url(config, &post.path, image),
                        post.front.image_alt.clone(),
                    ));
                }
                meta.section_crumbs(site, post.section);
                meta.crumbs
                    .push((post.front.title.clone(), config.permalink(&post.path)));
                meta.nodes.push(self.post_ld(*i, meta.image.clone()));
            }
            PageKind::Physician(i) => {
                let post = &site.posts[*i];
                context.insert("page", &self.full_view(*i));
                context.insert("patient_url", &config.permalink(&post.path));
                let title = post.physician_title().to_string();
                context.insert("physician_title", &title);
                lang = &post.lang;
                let section = format!("/{}/", site.outreach.physicians.section);
                feed_path = section.clone();
                meta.title = format!("{title} · For physicians · {}", config.title);
                if let Some(summary) = post.physician_summary() {
                    meta.description = summary.to_string();
                }
                if let Some(s) = site.sections.iter().position(|s| s.path == section) {
                    meta.section_crumbs(site, s);
                }
                meta.crumbs
                    .push((title.clone(), config.permalink(&page.path)));
                let mut node = self.post_ld(*i, meta.image.clone());
                node["@id"] = json!(format!("{}#page", config.permalink(&page.path)));
                node["url"] = json!(config.permalink(&page.path));
                node["headline"] = json!(title);
                node["name"] = json!(title);
                node["medicalAudience"] = json!([{"@type": "Clinician"}]);
                meta.nodes.push(node);
            }
            PageKind::Section { section, pager } => {
                let s = &site.sections[*section];
                context.insert("section", &self.section_view(*section));
                context.insert("paginator", &self.paginator(pager, &s.posts));
                if s.is_home() {
                    let latest: Vec<&Value> = self
                        .derived
                        .by_date
                        .iter()
                        .take(config.paginate_by.max(1))
                        .map(|&i| &self.summaries[i])
                        .collect();
                    context.insert("latest", &latest);
                }
                lang = &s.lang;
                if !s.posts.is_empty() {
                    feed_path = s.path.clone();
                }
                if !s.is_home() {
                    meta.title = format!("{} · {}", s.title, config.title);
                    if let Some(d) = &s.front.description {
                        meta.description = d.clone();
                    }
                    meta.section_crumbs(site, *section);
                    meta.nodes
                        .push(collection_ld(&s.title, &config.permalink(&page.path)));
                }
            }
            PageKind::Taxonomy(t) => {
                let taxonomy = &self.derived.taxonomies[*t];
                context.insert("taxonomy", &self.taxonomy_view(*t));
                if taxonomy.name == "authors" {
                    let people: Vec<_> = taxonomy
                        .terms
                        .iter()
                        .map(|term| self.views.person(&term.slug))
                        .collect();
                    context.insert("people", &people);
                }
                let name = if taxonomy.name == "authors" {
                    "Our doctors".to_string()
                } else {
                    capitalize(&taxonomy.name)
                };
                meta.title = format!("{name} · {}", config.title);
                meta.crumbs
                    .push((name.clone(), config.permalink(&taxonomy.path)));
                meta.nodes
                    .push(collection_ld(&name, &config.permalink(&taxonomy.path)));
            }
            PageKind::Term {
                taxonomy: t,
                term: n,
                pager,
            } => {
                let taxonomy = &self.derived.taxonomies[*t];
                let term = &taxonomy.terms[*n];
                context.insert(
                    "taxonomy",
                    &json!({"name": taxonomy.name, "permalink": config.permalink(&taxonomy.path)}),
                );
                context.insert(
                    "term",
                    &json!({"name": term.name, "slug": term.slug, "permalink": config.permalink(&term.path), "count": term.posts.len()}),
                );
                let list_name = if taxonomy.name == "authors" {
                    "Our doctors".to_string()
                } else {
                    capitalize(&taxonomy.name)
                };
                meta.crumbs
                    .push((list_name, config.permalink(&taxonomy.path)));
                meta.crumbs
                    .push((term.name.clone(), config.permalink(&term.path)));
                meta.title = format!("{} · {}", term.name, config.title);
                meta.description =
                    format!("Articles about {} from {}", term.name, config.clinic_name());
                let record = self
                    .doctors
                    .and_then(|d| d.get(&term.slug))
                    .and_then(Value::as_object);
                if let (true, Some(record)) = (taxonomy.name == "authors", record) {
                    let person = self.views.person(&term.slug);
                    meta.description = format!(
                        "{}{}",
                        person.name,
                        record
                            .get("role")
                            .and_then(Value::as_str)
                            .map(|r| format!(", {r} at {}", config.clinic_name()))
                            .unwrap_or_default()
                    );
                    if let Some(photo) = record.get("photo").and_then(Value::as_str) {
                        meta.image = Some((
                            config.permalink(&format!("/{}", photo.trim_start_matches('/'))),
                            record
                                .get("photo_alt")
                                .and_then(Value::as_str)
                                .map(str::to_string),
                        ));
                    }
                    meta.nodes.push(jsonld::physician(
                        config,
                        &term.slug,
                        record,
                        &config.permalink(&term.path),
                    ));
                    context.insert("person", &person);
                } else {
                    meta.nodes
                        .push(collection_ld(&term.name, &config.permalink(&term.path)));
                }
                context.insert("paginator", &self.paginator(pager, &term.posts));
                if taxonomy.feeds {
                    feed_path = term.path.clone();
                }
            }
            PageKind::NotFound => meta.title = format!("Page not found · {}", config.title),
            PageKind::Text => {}
        }
        context.insert("lang", lang);
        context.insert("page_title", &meta.title);
        context.insert("page_description", &meta.description);
        context.insert(
            "share_image",
            &meta
                .image
                .as_ref()
                .map(|(url, alt)| json!({"url": url, "alt": alt})),
        );
        let crumbs: Vec<Value> = meta
            .crumbs
            .iter()
            .map(|(name, url)| json!({"name": name, "url": url}))
            .collect();
        context.insert("breadcrumbs", &crumbs);
        if meta.crumbs.len() > 1 {
            meta.nodes.push(jsonld::breadcrumbs(&meta.crumbs));
        }
        context.insert("jsonld", &jsonld::graph(meta.nodes));
        context.insert(
            "feed",
            &json!({"rss": config.permalink(&format!("{feed_path}{}", feed::RSS)), "atom": config.permalink(&format!("{feed_path}{}", feed::ATOM))}),
        );
        self.tera
            .render(&page.template, &context)
            .map_err(|e| templates::chain(&e))
    }

    fn default_image(&self) -> Option<(String, Option<String>)> {
        let config = &self.site.config;
        let image = config.default_image.as_deref()?;
        Some((
            view::image_url(config, "/", image),
            config.default_image_alt.clone(),
        ))
    }

    fn post_ld(&self, index: usize, image: Option<(String, Option<String>)>) -> Value {
        let site = self.site;
        let config = &site.config;
        let post = &site.posts[index];
        let person = |key: &str| {
            let person = self.views.person(key);
            let url = person
                .permalink
                .clone()
                .unwrap_or_else(|| config.permalink("/"));
            jsonld::physician(config, key, &person.record, &url)
        };
        let citations = post
            .front
            .sources
            .iter()
            .map(|s| {
                let source = view::source(s);
                match source.url {
                    Some(url) => json!({"@type": "CreativeWork", "name": source.text, "url": url}),
                    None => json!({"@type": "CreativeWork", "name": source.text}),
                }
            })
            .collect();
        jsonld::post(
            config,
            jsonld::PostLd {
                post,
                url: config.permalink(&post.path),
                authors: post.front.authors.iter().map(|k| person(k)).collect(),
                reviewer: post.front.reviewed_by.as_deref().map(person),
                citations,
                image,
            },
        )
    }

    fn paginator(&self, pager: &Pager, list: &[usize]) -> Value {
        let config = &self.site.config;
        let pages: Vec<&Value> = list[pager.range.clone()]
            .iter()
            .map(|&i| &self.summaries[i])
            .collect();
        let link = |n: usize| config.permalink(&pager.path_of(n));
        json!({
            "pages": pages,
            "number": pager.number,
            "count": pager.count,
            "total_pages": list.len(),
            "first": link(1),
            "last": link(pager.count),
            "previous": (pager.number > 1).then(|| link(pager.number - 1)),
            "next": (pager.number < pager.count).then(|| link(pager.number + 1)),
        })
    }

    fn section_view(&self, index: usize) -> Value {
        let site = self.site;
        let config = &site.config;
        let section = &site.sections[index];
        let subsections: Vec<Value> = section
            .subsections
            .iter()
            .map(|&s| {
                let sub = &site.sections[s];
                json!({"title": sub.title, "description": sub.front.description, "permalink": config.permalink(&sub.path), "count": sub.posts.len()})
            })
            .collect();
        json!({
            "title": section.title,
            "description": section.front.description,
            "content": self.bodies.sections[index].html,
            "permalink": config.permalink(&section.path),
            "path": section.path,
            "audience": section.front.audience,
            "lang": section.lang,
            "post_count": section.posts.len(),
            "subsections": subsections,
            "extra": section.front.extra,
        })
    }

    fn taxonomy_view(&self, index: usize) -> Value {
        let config = &self.site.config;
        let taxonomy = &self.derived.taxonomies[index];
        let terms: Vec<Value> = taxonomy
            .terms
            .iter()
            .map(|t| json!({"name": t.name, "slug": t.slug, "permalink": config.permalink(&t.path), "count": t.posts.len()}))
            .collect();
        json!({"name": taxonomy.name, "permalink": config.permalink(&taxonomy.path), "terms": terms})
    }

    /// A post as its own pages show it, with every term: its summary,
    /// unless it lists more terms than lists show.
    fn full_view(&self, index: usize) -> Value {
        // Fewer terms in all than lists show of one taxonomy: nothing was cut.
        if self.derived.post_terms[index].len() <= MAX_TERMS_PER_POST {
            return self.summaries[index].clone();
        }
        serde_json::to_value(self.views.post(index, &self.bodies.posts[index]))
            .unwrap_or(Value::Null)
    }

    fn related(&self, index: usize) -> Vec<&Value> {
        related_posts(self.site, self.derived, index)
            .into_iter()
            .map(|i| &self.summaries[i])
            .collect()
    }
}

/// Up to three posts sharing the most tags with post `index`, newest first on ties.
pub fn related_posts(site: &Site, derived: &Derived, index: usize) -> Vec<usize> {
    let mut shared: HashMap<usize, usize> = HashMap::new();
    for &(t, n) in &derived.post_terms[index] {
        let taxonomy = &derived.taxonomies[t];
        if taxonomy.name != "tags" {
            continue;
        }
        // A tag on most of the site says little about relatedness; skip big ones.
        let posts = &taxonomy.terms[n].posts;
        for &other in posts.iter().take(200) {
            if other != index {
                *shared.entry(other).or_default() += 1;
            }
        }
    }
    // Keep the best three in one pass; sorting every candidate was a
    // measurable share of a 10,000-post build.
    let posts = &site.posts;
    let better = |a: (usize, usize), b: (usize, usize)| {
        a.1.cmp(&b.1)
            .then_with(|| posts[a.0].date.cmp(&posts[b.0].date))
            .then_with(|| b.0.cmp(&a.0))
            .is_gt()
    };
    let mut best: Vec<(usize, usize)> = Vec::with_capacity(4);
    for candidate in shared {
        let at = best
            .iter()
            .position(|&b| better(candidate, b))
            .unwrap_or(best.len());
        if at < 3 {
            best.insert(at, candidate);
            best.truncate(3);
        }
    }
    best.into_iter().map(|(i, _)| i).collect()
}

/// What every page sees: the config, the clinic, data files and navigation.
fn base_context(site: &Site, derived: &Derived) -> Context {
    let config = &site.config;
    let mut context = Context::new();
    context.insert("config", config);
    context.insert("clinic", &config.clinic);
    context.insert("clinic_name", config.clinic_name());
    context.insert("data", &site.data);
    let home = site.home();
    let mut nav: Vec<_> = home
        .subsections
        .iter()
        .map(|&s| &site.sections[s])
        .filter(|s| !s.front.draft)
        .collect();
    nav.sort_by_key(|s| (s.front.weight.unwrap_or(i64::MAX), s.title.to_lowercase()));
    let nav: Vec<Value> = nav
        .iter()
        .map(|s| json!({"title": s.title, "permalink": config.permalink(&s.path), "path": s.path, "audience": s.front.audience}))
        .collect();
    context.insert("nav", &nav);
    let taxonomies: BTreeMap<&str, Value> = derived
        .taxonomies
        .iter()
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

fn put(out: &Path, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = crate::site_path::in_output(out, rel)?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes)
}

pub fn write_error(rel: &str, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error("output/write", format!("cannot write {rel}: {error}"))
        .with_help("check free disk space and the output folder's permissions")
}

/// Template errors, once per distinct problem rather than once per page.
fn render_failures(
    site: &Site,
    mut failures: Vec<(String, String)>,
    total: usize,
) -> Vec<Diagnostic> {
    let mut problems = recursion::runaways(&site.theme, &mut failures);
    let mut grouped: BTreeMap<(String, String), usize> = BTreeMap::new();
    for failure in failures {
        *grouped.entry(failure).or_default() += 1;
    }
    problems.extend(grouped
        .into_iter()
        .map(|((template, message), count)| {
            let pages = if count == 1 { String::new() } else { format!(" ({count} of {total} pages)") };
            let mut diagnostic = Diagnostic::error("template/render", format!("{message}{pages}"))
                .with_help("check the variable names and filters used in this template; `{{ __tera_context }}` prints what a page can use");
            diagnostic.file = site.theme.templates.get(&template).map(|t| t.origin.display_path());
            if diagnostic.file.is_some() {
                diagnostic.position = line_in_template(site, &template, &message);
            }
            diagnostic
        }));
    problems
}

/// Finds the line using the variable a render error names, e.g. `page.titel`.
fn line_in_template(
    site: &Site,
    template: &str,
    message: &str,
) -> Option<crate::diagnostic::Position> {
    let start = message.find("Variable `")? + "Variable `".len();
    let name = &message[start..];
    let name = &name[..name.find('`')?];
    let text = &site.theme.templates.get(template)?.text;
    let offset = text.find(name)?;
    Some(crate::diagnostic::position_of(text, offset))
}

/// Copies theme and site static files, files under content/ and post bundles.
fn copy_files(site: &Site, out: &Path, bytes: &AtomicU64) -> (usize, Vec<Diagnostic>) {
    let mut jobs: Vec<(String, Source)> = Vec::new();
    for (rel, source) in &site.theme.static_files {
        jobs.push((rel.clone(), Source::Static(source)));
    }
    for (file, rel) in &site.content_files {
        jobs.push((rel.clone(), Source::File(file.clone())));
    }
    for post in &site.posts {
        let Some(dir) = post.file.parent() else {
            continue;
        };
        for asset in &post.assets {
            let rel = asset.strip_prefix(dir).unwrap_or(asset);
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            jobs.push((
                format!("{}{rel}", post.path.trim_start_matches('/')),
                Source::File(site.root.join(asset)),
            ));
        }
    }
    let problems: Vec<Diagnostic> = jobs
        .par_iter()
        .filter_map(|(rel, source)| {
            let result = match source {
                Source::Static(StaticSource::BuiltIn(data)) => {
                    put(out, rel, data).map(|_| data.len() as u64)
                }
                Source::Static(StaticSource::File(path)) | Source::File(path) => {
                    crate::site_path::in_output(out, rel).and_then(|to| copy(path, &to))
                }
            };
            match result {
                Ok(n) => {
                    bytes.fetch_add(n, Ordering::Relaxed);
                    None
                }
                Err(e) => Some(write_error(rel, &e)),
            }
        })
        .collect();
    (jobs.len(), problems)
}

enum Source<'a> {
    Static(&'a StaticSource),
    File(std::path::PathBuf),
}

fn copy(from: &Path, to: &Path) -> std::io::Result<u64> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::copy(from, to)
}
