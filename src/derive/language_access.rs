//! The language-access notice (ACA Section 1557, 45 CFR 92.11): the page at
//! [`PATH`] with the clinic's notice, its notice of nondiscrimination and a
//! tagline in each language `[language_access] languages` lists, and the
//! short multilingual label the theme's footer links to it with.
//!
//! The taglines ship in `taglines.toml`; a site changes one, or adds a
//! language, in `data/taglines.toml` (site data key `taglines`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Page, PageKind};
use crate::config::{Config, LanguageAccess};
use crate::diagnostic::Diagnostic;
use crate::load::Site;

/// Where the notice is published.
pub const PATH: &str = "/language-assistance/";

/// The theme's template for it.
pub const TEMPLATE: &str = "language-assistance.html";

const SHIPPED: &str = include_str!("taglines.toml");

/// The site data file that overrides or adds taglines.
const SITE_DATA: &str = "taglines";

/// Languages written right to left among those a site may add.
const RTL: &[&str] = &["ar", "fa", "he", "ur", "ps", "yi"];

/// What the notice page and every page's footer link show.
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub path: String,
    pub permalink: String,
    /// `[clinic] language_assistance`: the clinic's own words, if any.
    pub notice: Option<String>,
    pub nondiscrimination: String,
    pub phone: Option<String>,
    pub tty: Option<String>,
    pub taglines: Vec<Tagline>,
}

/// One language's tagline.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Tagline {
    /// The language tag, for the `lang` attribute (`zh-Hant`).
    pub lang: String,
    /// "rtl" for Arabic, Farsi…; `None` for left to right.
    pub dir: Option<&'static str>,
    /// The language in itself: "Español".
    pub name: String,
    /// Its English name: "Spanish".
    pub english: String,
    /// "Language assistance" in the language, for the footer link.
    pub label: String,
    /// The sentence, with the phone number in it.
    pub text: String,
}

/// A language's entry of the tagline tables, each key optional so that a
/// site's file changes only what it sets.
#[derive(Debug, Clone, Default, serde::Deserialize)]
struct Entry {
    name: Option<String>,
    english: Option<String>,
    label: Option<String>,
    tagline: Option<String>,
    dir: Option<String>,
}

/// The notice, when `[language_access]` is configured, and what is wrong
/// with the languages it lists or the site's tagline file.
pub fn notice(site: &Site) -> (Option<Notice>, Vec<Diagnostic>) {
    let config = &site.config;
    let Some(access) = &config.language_access else {
        return (None, Vec::new());
    };
    let (entries, mut problems) = entries(site);
    let phone = access.phone.clone().or_else(|| config.clinic.phone.clone());
    let mut taglines = Vec::new();
    for lang in &access.languages {
        match entries
            .get(lang)
            .and_then(|e| tagline(lang, e, phone.as_deref()))
        {
            Some(tagline) => taglines.push(tagline),
            None => problems.push(unknown_language(site, lang, &entries)),
        }
    }
    let notice = Notice {
        path: PATH.to_string(),
        permalink: config.permalink(PATH),
        notice: config.clinic.language_assistance.clone(),
        nondiscrimination: nondiscrimination(config, access, phone.as_deref()),
        phone,
        tty: access.tty.clone(),
        taglines,
    };
    (Some(notice), problems)
}

/// The notice's page, when the site has a notice.
pub fn page(notice: Option<&Notice>) -> Option<Page> {
    notice.map(|n| Page {
        path: n.path.clone(),
        output: format!("{}index.html", n.path.trim_start_matches('/')),
        template: TEMPLATE.to_string(),
        kind: PageKind::LanguageAccess,
    })
}

/// The default notice of nondiscrimination, in the words of HHS's sample
/// notice, or the site's own.
fn nondiscrimination(config: &Config, access: &LanguageAccess, phone: Option<&str>) -> String {
    if let Some(own) = &access.nondiscrimination {
        return own.clone();
    }
    let clinic = config.clinic_name();
    let call = phone.map_or(String::new(), |p| format!(" To ask for them, call {p}."));
    format!(
        "{clinic} complies with applicable federal civil rights laws and does not discriminate on the basis of race, color, national origin, age, disability, or sex. {clinic} provides free aids and services to people with disabilities, such as qualified sign language interpreters and written information in other formats, and free language assistance services to people whose primary language is not English, such as qualified interpreters and information written in other languages.{call}"
    )
}

/// The shipped entries with the site's changes over them.
fn entries(site: &Site) -> (BTreeMap<String, Entry>, Vec<Diagnostic>) {
    // The shipped file is covered by a unit test.
    let mut entries: BTreeMap<String, Entry> = toml::from_str(SHIPPED).unwrap_or_default();
    let mut problems = Vec::new();
    let Some(data) = site.data.get(SITE_DATA) else {
        return (entries, problems);
    };
    let Some(table) = data.as_object() else {
        problems.push(site_problem(
            site,
            None,
            "data/taglines must be a table per language, such as [es] with tagline = \"…\"".into(),
        ));
        return (entries, problems);
    };
    for (lang, value) in table {
        match serde_json::from_value::<Entry>(value.clone()) {
            Ok(own) => {
                let entry = entries.entry(lang.clone()).or_default();
                entry.name = own.name.or(entry.name.take());
                entry.english = own.english.or(entry.english.take());
                entry.label = own.label.or(entry.label.take());
                entry.tagline = own.tagline.or(entry.tagline.take());
                entry.dir = own.dir.or(entry.dir.take());
            }
            Err(_) => problems.push(site_problem(
                site,
                Some(lang),
                format!("the tagline of `{lang}` must be a table of strings: name, english, label, tagline, dir"),
            )),
        }
    }
    (entries, problems)
}

/// A language's tagline, when its entry has the sentence.
fn tagline(lang: &str, entry: &Entry, phone: Option<&str>) -> Option<Tagline> {
    let text = entry.tagline.as_deref()?;
    let root = lang.split(['-', '_']).next().unwrap_or(lang);
    let rtl = entry
        .dir
        .as_deref()
        .map_or(RTL.contains(&root), |d| d.eq_ignore_ascii_case("rtl"));
    let name = entry.name.clone().unwrap_or_else(|| lang.to_string());
    // Without a number the sentence still says help is free; the check
    // warns that it cannot say where to call. In right-to-left text the
    // number is isolated (U+2066…U+2069), or "+1-555-0100." reads
    // ".0100-555-1+".
    let phone = match (phone, rtl) {
        (Some(p), true) => format!("\u{2066}{p}\u{2069}"),
        (Some(p), false) => p.to_string(),
        (None, _) => "us".to_string(),
    };
    Some(Tagline {
        lang: lang.to_string(),
        dir: rtl.then_some("rtl"),
        english: entry.english.clone().unwrap_or_else(|| name.clone()),
        label: entry.label.clone().unwrap_or_else(|| name.clone()),
        name,
        text: text.replace("{phone}", &phone),
    })
}

fn unknown_language(site: &Site, lang: &str, entries: &BTreeMap<String, Entry>) -> Diagnostic {
    let text = std::fs::read_to_string(site.root.join(Config::FILE)).unwrap_or_default();
    let known = entries
        .iter()
        .filter(|(_, e)| e.tagline.is_some())
        .map(|(k, _)| k.as_str());
    let help = match crate::diagnostic::suggest(lang, known.clone()) {
        Some(near) => {
            format!("did you mean `{near}`? Or add [{lang}] with a tagline to data/taglines.toml")
        }
        None => format!(
            "Rounds ships taglines for {}; add [{lang}] with a tagline to data/taglines.toml",
            known.collect::<Vec<_>>().join(", ")
        ),
    };
    Diagnostic::error(
        "config/language-access",
        format!("no tagline for the language `{lang}` in [language_access] languages"),
    )
    .in_file(Config::FILE)
    .at_opt(crate::config::key_line(
        &text,
        &["language_access", "languages"],
    ))
    .with_help(help)
}

fn site_problem(site: &Site, key: Option<&str>, message: String) -> Diagnostic {
    let file = ["toml", "yaml", "yml", "json"]
        .iter()
        .map(|ext| format!("data/{SITE_DATA}.{ext}"))
        .find(|f| site.root.join(f).is_file())
        .unwrap_or_else(|| format!("data/{SITE_DATA}.toml"));
    let text = std::fs::read_to_string(site.root.join(&file)).unwrap_or_default();
    let position = key.and_then(|k| {
        text.lines()
            .position(|l| l.trim() == format!("[{k}]") || l.trim() == format!("[\"{k}\"]"))
            .map(|i| crate::diagnostic::Position {
                line: i + 1,
                column: 1,
            })
    });
    Diagnostic::error("config/language-access", message)
        .in_file(file)
        .at_opt(position)
        .with_help("write each language as [es] with tagline = \"ATENCIÓN: … Llame al {phone}.\" (and name, english, label)")
}

/// The shipped entries, for the tests.
#[cfg(test)]
fn shipped() -> BTreeMap<String, Entry> {
    toml::from_str(SHIPPED).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every language the brief and HHS's list name has a full entry with
    /// the phone in its sentence.
    #[test]
    fn the_shipped_taglines_cover_the_common_us_languages() {
        let entries = shipped();
        for lang in [
            "es", "zh-Hant", "vi", "tl", "ko", "ru", "ar", "ht", "fr", "pl", "pt", "it", "de",
            "ja", "fa",
        ] {
            let entry = &entries[lang];
            let tagline = tagline(lang, entry, Some("+1-555-0100")).unwrap();
            assert!(
                tagline.text.contains("+1-555-0100"),
                "{lang}: {}",
                tagline.text
            );
            assert!(!tagline.text.contains("{phone}"), "{lang}");
            assert!(entry.name.is_some() && entry.english.is_some() && entry.label.is_some());
            let rtl = lang == "ar" || lang == "fa";
            assert_eq!(tagline.dir.is_some(), rtl, "{lang}");
            assert_eq!(
                tagline.text.contains("\u{2066}+1-555-0100\u{2069}"),
                rtl,
                "{lang}"
            );
        }
    }

    #[test]
    fn a_language_a_site_adds_is_right_to_left_by_its_tag() {
        let entry = Entry {
            tagline: Some("… {phone}".into()),
            ..Entry::default()
        };
        let urdu = tagline("ur", &entry, None).unwrap();
        assert_eq!(urdu.dir, Some("rtl"));
        assert_eq!(urdu.text, "… us");
        assert_eq!(urdu.label, "ur");
    }
}
