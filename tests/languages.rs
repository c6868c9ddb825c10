//! Sites in more than one language: translations as `post.es.md` under
//! `/es/`, each tree with its own home, lists, tags and feeds; pages that
//! know their versions (switcher, `hreflang`, the sitemap's alternates,
//! JSON-LD); and the theme's words in the page's language.

use crate::common::{Fixture, post};

const CONFIG: &str = r#"title = "Riverside Clinic"
description = "Family care in Springfield"
base_url = "https://clinic.example"

[languages.es]
title = "Clínica Riverside"
description = "Atención familiar en Springfield"

[check]
"review/missing" = "warning"

[clinic]
name = "Riverside Clinic"
phone = "+1-555-0100"
"#;

fn two_languages() -> Fixture {
    let site = Fixture::new(&[
        ("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n"),
        (
            "content/blog/_index.es.md",
            "+++\ntitle = \"Blog en español\"\n+++\n",
        ),
        (
            "content/blog/flu.md",
            &post(
                "Flu shots",
                "date = 2026-01-05\nkind = \"news\"\ntags = [\"Flu\"]\nauthors = [\"patel\"]",
                "Get your flu shot this fall. It takes five minutes.",
            ),
        ),
        (
            "content/blog/flu.es.md",
            &post(
                "La vacuna contra la gripe",
                "date = 2026-01-06\nkind = \"news\"\ntags = [\"Gripe\"]\nauthors = [\"patel\"]",
                "Vacúnese contra la gripe este otoño. Tarda cinco minutos.",
            ),
        ),
        (
            "content/blog/walk.md",
            &post(
                "Walking",
                "date = 2026-01-04\nkind = \"news\"",
                "Walk every day.",
            ),
        ),
    ]);
    site.write("config.toml", CONFIG);
    site
}

#[test]
fn both_trees_are_built_with_their_own_home_lists_tags_and_feeds() {
    let site = two_languages();
    site.build_ok();
    let spanish = site.read("es/blog/flu/index.html");
    assert!(spanish.contains("<html lang=\"es\">"), "{spanish:.300}");
    assert!(spanish.contains("Vacúnese contra la gripe"));
    let home = site.read("es/index.html");
    assert!(
        home.contains("La vacuna contra la gripe"),
        "the Spanish home lists the Spanish post"
    );
    assert!(!home.contains("Flu shots"), "and not the English one");
    assert!(
        !site.read("index.html").contains("La vacuna"),
        "the English home lists no Spanish post"
    );
    assert!(site.read("es/blog/index.html").contains("Blog en español"));
    assert!(
        site.read("es/tags/gripe/index.html")
            .contains("La vacuna contra la gripe")
    );
    assert!(
        !site.public("es/blog/walk/index.html").exists(),
        "an untranslated post is absent in Spanish"
    );
    let feed = site.read("es/rss.xml");
    assert!(feed.contains("<language>es</language>"), "{feed:.400}");
    assert!(feed.contains("Clínica Riverside") && feed.contains("La vacuna contra la gripe"));
    assert!(!feed.contains("Flu shots"));
    assert!(!site.read("rss.xml").contains("La vacuna"));
    assert!(site.read("es/tags/gripe/atom.xml").contains("La vacuna"));
}

/// A page's versions, from its head: (hreflang, href).
fn hreflang(page: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(page);
    let links = scraper::Selector::parse("link[rel=alternate][hreflang]").unwrap();
    doc.select(&links)
        .map(|l| {
            let attr = |a| l.value().attr(a).unwrap_or_default().to_string();
            (attr("hreflang"), attr("href"))
        })
        .collect()
}

#[test]
fn a_translated_page_links_its_versions_and_an_untranslated_one_does_not() {
    let site = two_languages();
    site.build_ok();
    let english = site.read("blog/flu/index.html");
    let spanish = site.read("es/blog/flu/index.html");
    let versions = vec![
        (
            "en".to_string(),
            "https://clinic.example/blog/flu/".to_string(),
        ),
        (
            "es".to_string(),
            "https://clinic.example/es/blog/flu/".to_string(),
        ),
        (
            "x-default".to_string(),
            "https://clinic.example/blog/flu/".to_string(),
        ),
    ];
    assert_eq!(hreflang(&english), versions);
    assert_eq!(
        hreflang(&spanish),
        versions,
        "each version lists every version"
    );
    let doc = scraper::Html::parse_document(&english);
    let switch = scraper::Selector::parse("a.language-switch").unwrap();
    let links: Vec<_> = doc.select(&switch).collect();
    assert_eq!(links.len(), 1, "one link, to the other language");
    assert_eq!(
        links[0].value().attr("href"),
        Some("https://clinic.example/es/blog/flu/")
    );
    assert_eq!(links[0].value().attr("lang"), Some("es"));
    assert_eq!(
        links[0].text().collect::<String>(),
        "Español",
        "named in its own language"
    );
    let walk = site.read("blog/walk/index.html");
    assert!(hreflang(&walk).is_empty(), "no versions, no hreflang");
    assert!(!walk.contains("language-switch"), "and no switcher");
    // The homes know each other too.
    assert_eq!(
        hreflang(&site.read("es/index.html"))[0].1,
        "https://clinic.example/"
    );
}

#[test]
fn the_sitemap_lists_every_version_of_each_translated_page() {
    let site = two_languages();
    site.build_ok();
    let xml = site.read("sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).expect("the sitemap is XML");
    const SITEMAP: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
    const XHTML: &str = "http://www.w3.org/1999/xhtml";
    let mut alternates = std::collections::BTreeMap::new();
    for url in doc
        .descendants()
        .filter(|n| n.has_tag_name((SITEMAP, "url")))
    {
        let loc = url
            .children()
            .find(|n| n.has_tag_name((SITEMAP, "loc")))
            .and_then(|n| n.text())
            .unwrap()
            .to_string();
        let links: Vec<(String, String)> = url
            .children()
            .filter(|n| n.has_tag_name((XHTML, "link")))
            .map(|n| {
                (
                    n.attribute("hreflang").unwrap().into(),
                    n.attribute("href").unwrap().into(),
                )
            })
            .collect();
        alternates.insert(loc, links);
    }
    let flu = &alternates["https://clinic.example/blog/flu/"];
    assert_eq!(flu.len(), 3, "{flu:?}");
    assert_eq!(
        flu, &alternates["https://clinic.example/es/blog/flu/"],
        "both list the same set"
    );
    assert!(flu.contains(&(
        "x-default".into(),
        "https://clinic.example/blog/flu/".into()
    )));
    // Every alternate is itself in the sitemap.
    for (lang, href) in alternates.values().flatten() {
        assert!(
            alternates.contains_key(href),
            "{lang} {href} is not in the sitemap"
        );
    }
    assert!(alternates["https://clinic.example/blog/walk/"].is_empty());
}

/// The JSON-LD node of a page whose `@type` is `kind`.
fn json_ld(page: &str, kind: &str) -> serde_json::Value {
    let doc = scraper::Html::parse_document(page);
    let script = scraper::Selector::parse("script[type=\"application/ld+json\"]").unwrap();
    let node: serde_json::Value =
        serde_json::from_str(&doc.select(&script).next().unwrap().inner_html()).unwrap();
    node["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["@type"] == kind)
        .cloned()
        .unwrap_or_else(|| panic!("no {kind} in {node}"))
}

#[test]
fn structured_data_links_a_translation_to_its_original() {
    let site = two_languages();
    site.build_ok();
    let english = json_ld(&site.read("blog/flu/index.html"), "BlogPosting");
    assert_eq!(english["inLanguage"], "en");
    assert_eq!(
        english["workTranslation"][0]["url"],
        "https://clinic.example/es/blog/flu/"
    );
    assert_eq!(english["workTranslation"][0]["inLanguage"], "es");
    let spanish = json_ld(&site.read("es/blog/flu/index.html"), "BlogPosting");
    assert_eq!(spanish["inLanguage"], "es");
    assert_eq!(
        spanish["translationOfWork"]["url"],
        "https://clinic.example/blog/flu/"
    );
    assert_eq!(spanish["isPartOf"]["name"], "Clínica Riverside");
    assert_eq!(spanish["isPartOf"]["url"], "https://clinic.example/es/");
}

/// A page's words outside its article body: the theme's, not the writer's.
fn chrome_text(page: &str) -> String {
    let without_body = match (
        page.find("<div class=\"e-content"),
        page.find("<section class=\"share"),
    ) {
        (Some(start), Some(end)) if start < end => format!("{}{}", &page[..start], &page[end..]),
        _ => page.to_string(),
    };
    let doc = scraper::Html::parse_document(&without_body);
    let body = scraper::Selector::parse("body").unwrap();
    let mut text: String = doc
        .select(&body)
        .flat_map(|b| b.text())
        .collect::<Vec<_>>()
        .join(" ");
    for attr in ["aria-label", "title"] {
        let selector = scraper::Selector::parse(&format!("[{attr}]")).unwrap();
        for element in doc.select(&selector) {
            text.push(' ');
            text.push_str(element.value().attr(attr).unwrap_or_default());
        }
    }
    text
}

#[test]
fn no_english_word_of_the_theme_is_left_on_a_spanish_page() {
    let site = two_languages();
    site.build_ok();
    let read = |lang: &str| -> std::collections::BTreeMap<String, String> {
        let path = format!(
            "{}/themes/clinic/i18n/{lang}.toml",
            env!("CARGO_MANIFEST_DIR")
        );
        toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let (english, spanish) = (read("en"), read("es"));
    let pages = [
        ("blog/flu/index.html", "es/blog/flu/index.html"),
        ("index.html", "es/index.html"),
        ("blog/index.html", "es/blog/index.html"),
        ("tags/flu/index.html", "es/tags/gripe/index.html"),
    ];
    let mut checked = 0;
    for (en_page, es_page) in pages {
        let (en_text, es_text) = (
            chrome_text(&site.read(en_page)),
            chrome_text(&site.read(es_page)),
        );
        for (key, words) in &english {
            // Placeholders aside, the words as a page shows them.
            let shown = words.split('{').next().unwrap_or_default().trim();
            if shown.len() < 4 || spanish.get(key) == Some(words) || !en_text.contains(shown) {
                continue;
            }
            checked += 1;
            assert!(
                !es_text.contains(shown),
                "{es_page} still says \"{shown}\" ({key}): {es_text:.2000}"
            );
        }
    }
    assert!(
        checked > 20,
        "only {checked} of the theme's words were on the English pages"
    );
    let spanish_page = site.read("es/blog/flu/index.html");
    for words in [
        "Ir al contenido principal",
        "min de lectura",
        "6 de enero de 2026",
        "Temas:",
    ] {
        assert!(spanish_page.contains(words), "{words}");
    }
}

#[test]
fn a_site_can_change_the_theme_words_and_a_file_in_an_unlisted_language_is_named() {
    let site = two_languages();
    site.write("i18n/es.toml", "min_read = \"Lectura de {n} minutos\"\n");
    site.write(
        "content/blog/salt.fr.md",
        &post(
            "Le sel",
            "date = 2026-01-03\nkind = \"news\"",
            "Moins de sel.",
        ),
    );
    let out = site.build(&[]);
    let log = crate::common::stderr(&out);
    assert!(out.status.success(), "{log}");
    assert!(
        site.read("es/blog/flu/index.html")
            .contains("Lectura de 1 minutos")
    );
    assert!(
        site.read("blog/flu/index.html").contains("1 min read"),
        "English keeps the theme's"
    );
    assert!(
        log.contains("translation/language")
            && log.contains("content/blog/salt.fr.md")
            && log.contains("[languages.fr]"),
        "{log}"
    );
    site.write("i18n/es.toml", "min_read = \"unclosed\n");
    let out = site.build(&[]);
    let log = crate::common::stderr(&out);
    assert!(!out.status.success());
    assert!(
        log.contains("i18n/es.toml:1:") && log.contains("theme/strings"),
        "{log}"
    );
}

/// A translation's outreach goes out in its own words and is marked with
/// its language where the network takes one: Mastodon's `language` (the
/// contract server checks it against the API description) and Bluesky's
/// `langs` (read back from a real PDS).
#[test]
fn a_translations_items_are_marked_with_its_language_on_mastodon_and_bluesky() {
    use crate::common::mastodon::{DEFAULT_TOKEN, MastodonServer};
    let server = MastodonServer::start();
    let pds = crate::common::pds::pds_url_or_skip();
    let site = two_languages();
    let mut config = format!(
        "{CONFIG}\n[networks.mastodon]\ninstance = \"{}\"\n",
        server.url()
    );
    if let Some(url) = &pds {
        config.push_str(&format!("\n[networks.bluesky]\ninstance = \"{url}\"\n"));
    }
    site.write("config.toml", &config);
    let account = pds.as_deref().map(crate::common::pds::create_account);
    let mut publish = crate::common::rounds();
    publish
        .env("ROUNDS_MASTODON_TOKEN", DEFAULT_TOKEN)
        .env("ROUNDS_STATE_DIR", site.root().join(".state"))
        .args(["publish", "--yes", "--root"])
        .arg(site.root());
    if let Some(account) = &account {
        publish
            .env("ROUNDS_BLUESKY_HANDLE", &account.handle)
            .env("ROUNDS_BLUESKY_APP_PASSWORD", &account.password);
    }
    let out = publish.output().unwrap();
    assert!(out.status.success(), "{}", crate::common::stderr(&out));
    assert!(
        server.contract_violations().is_empty(),
        "{:?}",
        server.contract_violations()
    );
    let statuses = server.statuses();
    let language_of = |words: &str| {
        statuses
            .iter()
            .find(|s| {
                s["content"].as_str().unwrap_or_default().contains(words)
                    || s["text"].as_str().unwrap_or_default().contains(words)
            })
            .map(|s| s["language"].clone())
            .unwrap_or_else(|| panic!("no status with {words}: {statuses:#?}"))
    };
    assert_eq!(language_of("/es/blog/flu/"), "es");
    assert_eq!(language_of("/blog/walk/"), "en");
    if let (Some(url), Some(account)) = (&pds, &account) {
        let posts = crate::common::pds::list_posts(url, &account.did);
        let spanish = posts
            .iter()
            .find(|p| {
                p["value"]["text"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("/es/blog/flu")
            })
            .unwrap_or_else(|| panic!("{posts:#?}"));
        assert_eq!(spanish["value"]["langs"], serde_json::json!(["es"]));
    }
}
