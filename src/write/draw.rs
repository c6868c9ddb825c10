//! Drawing one page with its template: one function per page kind (as Zola
//! has `render_page`, `render_section`, `render_taxonomy`) fills what the
//! template sees and the page's meta, and `finish` renders it.

use serde_json::{Value, json};
use tera::{Context, Tera};

use super::jsonld;
use super::meta::{Image, Meta, collection_ld};
use super::page_error::PageError;
use super::related::related_posts;
use super::view::{self, Person, Views};
use crate::content::front_matter::MAX_TERMS_PER_POST;
use crate::derive::taxonomy::Term;
use crate::derive::{Derived, Page, PageKind, Pager, Taxonomy, feed};
use crate::load::Site;
use crate::render::Bodies;

/// One pass of drawing: the site and its derivation, with the frame's
/// templates, post summaries and base context (`Frame::drawing`).
pub(super) struct Drawing<'a> {
    pub(super) site: &'a Site,
    pub(super) bodies: &'a Bodies,
    pub(super) derived: &'a Derived,
    pub(super) views: &'a Views<'a>,
    pub(super) summaries: &'a [Value],
    pub(super) base: &'a Context,
    /// Each further language's menu and words, which replace the main
    /// language's in `base` on its pages.
    pub(super) trees: &'a std::collections::HashMap<String, (Value, Value)>,
    pub(super) tera: &'a Tera,
    pub(super) clinic_ld: Value,
    pub(super) doctors: Option<&'a serde_json::Map<String, Value>>,
}

/// A page being drawn: what its template sees, its meta, and where it sits.
struct Sheet<'a> {
    context: Context,
    meta: Meta,
    /// The page's language: the site's, unless its content has its own.
    lang: &'a str,
    /// The list whose feeds the page links to: the site's (`/`) unless the
    /// page belongs to a list with posts of its own.
    feed_path: String,
    /// The language tree the page is in, and the site's title in it.
    tree: &'a str,
    site_title: &'a str,
}

impl<'a> Drawing<'a> {
    /// Draws `page` with its template.
    pub(super) fn draw(&self, page: &Page) -> Result<String, PageError> {
        let mut sheet = self.sheet(page);
        match &page.kind {
            PageKind::Post(i) => self.draw_post(&mut sheet, *i),
            PageKind::Physician(i) => self.draw_physician(&mut sheet, page, *i),
            PageKind::Section { section, pager } => {
                self.draw_section(&mut sheet, page, *section, pager)
            }
            PageKind::Taxonomy(t) => self.draw_taxonomy(&mut sheet, *t),
            PageKind::Term {
                taxonomy,
                term,
                pager,
            } => self.draw_term(&mut sheet, *taxonomy, *term, pager),
            PageKind::NotFound => self.draw_not_found(&mut sheet),
            PageKind::LanguageAccess => {
                sheet.meta.title = format!("Language assistance · {}", self.site.config.title);
            }
            // A text file (`robots.txt`) needs nothing past the base context.
            PageKind::Text => {}
        }
        self.finish(page, sheet)
    }

    /// What every page starts from: the base context, its address, and the
    /// site's meta.
    fn sheet(&self, page: &Page) -> Sheet<'a> {
        let site = self.site;
        let config = &site.config;
        let mut context = self.base.clone();
        context.insert("current_path", &page.path);
        context.insert("current_url", &config.permalink(&page.path));
        let tree = config.tree_of_path(&page.path);
        Sheet {
            context,
            meta: Meta::of_site(site, tree, self.default_image(), self.clinic_ld.clone()),
            lang: tree,
            feed_path: format!("{}/", config.tree_prefix(tree)),
            tree,
            site_title: config.title_in(tree),
        }
    }

    /// Renders the page's template with everything its kind filled in.
    fn finish(&self, page: &Page, sheet: Sheet) -> Result<String, PageError> {
        let config = &self.site.config;
        let Sheet {
            mut context,
            meta,
            lang,
            feed_path,
            ..
        } = sheet;
        context.insert("lang", lang);
        // The home, title and description of the page's language.
        let tree = config.tree_of_path(&page.path);
        let home = config.tree_prefix(tree) + "/";
        context.insert("home_url", &config.permalink(&home));
        context.insert("site_title", config.title_in(tree));
        if let Some((nav, strings)) = self.trees.get(tree) {
            context.insert("nav", nav);
            context.insert("strings", strings);
        }
        self.insert_alternates(&mut context, page);
        meta.insert_into(&mut context);
        context.insert(
            "feed",
            &json!({"rss": config.permalink(&format!("{feed_path}{}", feed::RSS)), "atom": config.permalink(&format!("{feed_path}{}", feed::ATOM))}),
        );
        self.tera
            .render(&page.template, &context)
            .map_err(PageError::Draw)
    }

    /// The page's versions in other languages: `alternates` for the
    /// switcher (each with its own name, and which is this one) and
    /// `hreflang` for the head, `x-default` last. Both are empty for a page
    /// in one language only.
    fn insert_alternates(&self, context: &mut Context, page: &Page) {
        let config = &self.site.config;
        let Some(alternates) = self.derived.alternates.get(&page.path) else {
            context.insert("alternates", &Vec::<Value>::new());
            context.insert("hreflang", &Vec::<Value>::new());
            return;
        };
        let switcher: Vec<Value> = alternates
            .iter()
            .map(|a| {
                json!({
                    "lang": a.lang,
                    "name": crate::derive::alternates::native_name(&a.lang),
                    "permalink": config.permalink(&a.path),
                    "current": a.path == page.path,
                })
            })
            .collect();
        let links: Vec<Value> =
            crate::derive::alternates::hreflang_links(alternates, &config.language)
                .into_iter()
                .map(|(lang, path)| json!({"lang": lang, "permalink": config.permalink(&path)}))
                .collect();
        context.insert("alternates", &switcher);
        context.insert("hreflang", &links);
    }

    /// A post's own page: all of it, its neighbours and related posts.
    fn draw_post(&self, sheet: &mut Sheet<'a>, index: usize) {
        let site = self.site;
        let config = &site.config;
        let post = &site.posts[index];
        let body = &self.bodies.posts[index];
        sheet.context.insert("page", &self.post_page(index));
        sheet.context.insert("related", &self.related(index));
        sheet.lang = &post.lang;
        sheet.feed_path = site.sections[post.section].path.clone();
        let meta = &mut sheet.meta;
        meta.title = format!("{} · {}", post.front.title, sheet.site_title);
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
        // Shared, the page shows its picture made for sharing (src/picture/).
        if let Some(shared) = self.shared_image(index) {
            meta.image = Some(shared);
        }
        meta.section_crumbs(site, post.section);
        meta.crumbs
            .push((post.front.title.clone(), config.permalink(&post.path)));
        meta.nodes.push(self.post_ld(index, meta.image.clone()));
    }

    /// A post's article for referring physicians, in the physicians' section.
    fn draw_physician(&self, sheet: &mut Sheet<'a>, page: &Page, index: usize) {
        let site = self.site;
        let config = &site.config;
        let post = &site.posts[index];
        sheet.context.insert("page", &self.full_view(index));
        sheet
            .context
            .insert("patient_url", &config.permalink(&post.path));
        let title = post.physician_title().to_string();
        sheet.context.insert("physician_title", &title);
        sheet.lang = &post.lang;
        let section = format!("/{}/", site.outreach.physicians.section);
        sheet.feed_path = section.clone();
        let meta = &mut sheet.meta;
        let for_physicians = self.word(sheet.tree, "for_physicians");
        meta.title = format!("{title} · {for_physicians} · {}", sheet.site_title);
        if let Some(summary) = post.physician_summary() {
            meta.description = summary.to_string();
        }
        if let Some(shared) = self.shared_image(index) {
            meta.image = Some(shared);
        }
        if let Some(s) = site.sections.iter().position(|s| s.path == section) {
            meta.section_crumbs(site, s);
        }
        meta.crumbs
            .push((title.clone(), config.permalink(&page.path)));
        let node = self.physician_ld(index, page, &title, meta.image.clone());
        meta.nodes.push(node);
    }

    /// One page of a section's list; the home section also shows the latest posts.
    fn draw_section(&self, sheet: &mut Sheet<'a>, page: &Page, index: usize, pager: &Pager) {
        let site = self.site;
        let config = &site.config;
        let s = &site.sections[index];
        sheet.context.insert("section", &self.section_view(index));
        // The physicians' section lists the physician articles made there.
        let physician_cards = self
            .derived
            .physician_list
            .as_ref()
            .is_some_and(|(s, _)| *s == index);
        let listed = self.derived.listed(site, index);
        sheet
            .context
            .insert("paginator", &self.paginator(pager, listed, physician_cards));
        if s.is_home() {
            let latest: Vec<&Value> = self
                .derived
                .by_date
                .iter()
                .filter(|&&i| site.posts[i].tree == s.tree)
                .take(config.paginate_by.max(1))
                .map(|&i| &self.summaries[i])
                .collect();
            sheet.context.insert("latest", &latest);
        }
        sheet.lang = &s.lang;
        if !s.posts.is_empty() {
            sheet.feed_path = s.path.clone();
        }
        if !s.is_home() {
            let meta = &mut sheet.meta;
            meta.title = format!("{} · {}", s.title, sheet.site_title);
            if let Some(d) = &s.front.description {
                meta.description = d.clone();
            }
            meta.section_crumbs(site, index);
            meta.nodes
                .push(collection_ld(&s.title, &config.permalink(&page.path)));
        }
    }

    /// A taxonomy's list of terms; the authors' list shows the people.
    fn draw_taxonomy(&self, sheet: &mut Sheet<'a>, index: usize) {
        let config = &self.site.config;
        let taxonomy = &self.derived.taxonomies[index];
        sheet.context.insert("taxonomy", &self.taxonomy_view(index));
        if taxonomy.name == "authors" {
            let people: Vec<_> = taxonomy
                .terms
                .iter()
                .map(|term| self.views.person(&term.slug))
                .collect();
            sheet.context.insert("people", &people);
        }
        let name = self.list_name(taxonomy);
        let meta = &mut sheet.meta;
        meta.title = format!("{name} · {}", sheet.site_title);
        meta.crumbs
            .push((name.clone(), config.permalink(&taxonomy.path)));
        meta.nodes
            .push(collection_ld(&name, &config.permalink(&taxonomy.path)));
    }

    /// One page of a term's posts; an author's term is that doctor's page.
    fn draw_term(&self, sheet: &mut Sheet<'a>, taxonomy: usize, term: usize, pager: &Pager) {
        let config = &self.site.config;
        let taxonomy = &self.derived.taxonomies[taxonomy];
        let term = &taxonomy.terms[term];
        sheet.context.insert(
            "taxonomy",
            &json!({"name": taxonomy.name, "title": self.list_name(taxonomy), "permalink": config.permalink(&taxonomy.path)}),
        );
        sheet.context.insert(
            "term",
            &json!({"name": term.name, "slug": term.slug, "permalink": config.permalink(&term.path), "count": term.posts.len()}),
        );
        let meta = &mut sheet.meta;
        meta.crumbs
            .push((self.list_name(taxonomy), config.permalink(&taxonomy.path)));
        meta.crumbs
            .push((term.name.clone(), config.permalink(&term.path)));
        meta.title = format!("{} · {}", term.name, sheet.site_title);
        meta.description = self
            .word(sheet.tree, "articles_about")
            .replace("{term}", &term.name)
            .replace("{clinic}", config.clinic_name());
        let record = self
            .doctors
            .and_then(|d| d.get(&term.slug))
            .and_then(Value::as_object);
        match record {
            Some(record) if taxonomy.name == "authors" => {
                let person = self.author_meta(meta, term, record);
                sheet.context.insert("person", &person);
            }
            _ => meta
                .nodes
                .push(collection_ld(&term.name, &config.permalink(&term.path))),
        }
        sheet
            .context
            .insert("paginator", &self.paginator(pager, &term.posts, false));
        if taxonomy.feeds {
            sheet.feed_path = term.path.clone();
        }
    }

    /// An author's page speaks of the doctor: their role, photo and record.
    fn author_meta(
        &self,
        meta: &mut Meta,
        term: &Term,
        record: &serde_json::Map<String, Value>,
    ) -> Person {
        let config = &self.site.config;
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
        person
    }

    fn draw_not_found(&self, sheet: &mut Sheet<'a>) {
        let not_found = self.word(sheet.tree, "not_found_title");
        sheet.meta.title = format!("{not_found} · {}", sheet.site_title);
    }

    /// One of the theme's words in the language of tree `tree`, English
    /// when that language lacks it.
    fn word(&self, tree: &str, key: &str) -> String {
        let theme = &self.site.theme;
        [tree, crate::theme::FALLBACK_LANGUAGE]
            .iter()
            .find_map(|lang| theme.strings.get(*lang)?.get(key))
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    /// What a taxonomy's list is called on its pages: the authors' is the
    /// doctors'; another is the theme's word for it, else its name.
    fn list_name(&self, taxonomy: &Taxonomy) -> String {
        let key = if taxonomy.name == "authors" {
            "our_doctors".to_string()
        } else {
            format!("taxonomy_{}", taxonomy.name)
        };
        let word = self.word(&taxonomy.tree, &key);
        if word == key {
            capitalize(&taxonomy.name)
        } else {
            word
        }
    }

    /// Post `index`'s picture for sharing: its image made for link cards, or its card.
    fn shared_image(&self, index: usize) -> Option<Image> {
        let chosen = self.derived.pictures.for_page(index)?;
        Some((chosen.url.clone(), chosen.alt.clone()))
    }

    fn default_image(&self) -> Option<Image> {
        let config = &self.site.config;
        let image = config.default_image.as_deref()?;
        Some((
            view::image_url(config, "/", image),
            config.default_image_alt.clone(),
        ))
    }

    /// A post as its own page shows it: all of it, with its body, contents
    /// table and neighbours in its section.
    fn post_page(&self, index: usize) -> Value {
        let body = &self.bodies.posts[index];
        let (newer, older) = self.derived.neighbours[index];
        let mut value = self.full_view(index);
        // The post's image, shown above the body unless the body has it,
        // is the page's first picture; else the body's first is.
        let hero = value
            .get("image")
            .is_some_and(|i| i.is_object() && i.get("in_body") == Some(&Value::Bool(false)));
        let content = super::pictures::body(
            &body.html,
            &self.site.posts[index].path,
            &self.derived.pictures,
            !hero,
        );
        let extra = view::PostBody {
            content: &content,
            toc: &body.toc,
            newer: newer.map(|n| self.views.link(n)),
            older: older.map(|n| self.views.link(n)),
        };
        if let (Some(map), Ok(Value::Object(more))) =
            (value.as_object_mut(), serde_json::to_value(extra))
        {
            map.extend(more);
        }
        value
    }

    fn post_ld(&self, index: usize, image: Option<Image>) -> Value {
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
                translations: self.site.translations[index]
                    .iter()
                    .map(|&t| {
                        let other = &self.site.posts[t];
                        jsonld::Translation {
                            url: config.permalink(&other.path),
                            lang: other.lang.clone(),
                            original: other.tree == config.language,
                        }
                    })
                    .collect(),
            },
        )
    }

    /// The post's structured data, addressed to clinicians at the physician page.
    fn physician_ld(&self, index: usize, page: &Page, title: &str, image: Option<Image>) -> Value {
        let config = &self.site.config;
        let mut node = self.post_ld(index, image);
        node["@id"] = json!(format!("{}#page", config.permalink(&page.path)));
        node["url"] = json!(config.permalink(&page.path));
        node["headline"] = json!(title);
        node["name"] = json!(title);
        node["medicalAudience"] = json!([{"@type": "Clinician"}]);
        node
    }

    fn paginator(&self, pager: &Pager, list: &[usize], physician_cards: bool) -> Value {
        let config = &self.site.config;
        let pages: Vec<std::borrow::Cow<Value>> = list[pager.range.clone()]
            .iter()
            .map(|&i| self.listed_card(i, physician_cards))
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

    /// Post `index` as a list shows it: its summary, or, in the physicians'
    /// section (`physician_cards`), its physician article when that is made there.
    fn listed_card(&self, index: usize, physician_cards: bool) -> std::borrow::Cow<'a, Value> {
        let summary = &self.summaries[index];
        let Some(path) = self.derived.physician_paths[index]
            .as_deref()
            .filter(|path| physician_cards && *path != self.site.posts[index].path)
        else {
            return std::borrow::Cow::Borrowed(summary);
        };
        let post = &self.site.posts[index];
        let mut card = summary.clone();
        card["title"] = json!(post.physician_title());
        card["permalink"] = json!(self.site.config.permalink(path));
        card["path"] = json!(path);
        card["for_patients"] = json!(false);
        card["for_physicians"] = json!(true);
        if let Some(summary) = post.physician_summary() {
            card["description"] = json!(summary);
        }
        std::borrow::Cow::Owned(card)
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
            "content": super::pictures::body(&self.bodies.sections[index].html, &section.path, &self.derived.pictures, true),
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

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
