//! Structured data (schema.org JSON-LD) for each page, built as JSON values
//! and escaped for a `<script>` element here, never in templates.

use serde_json::{Map, Value, json};

use crate::config::Config;
use crate::content::{Audience, Kind, Post};

/// Serializes for a `<script type="application/ld+json">` element: `<`, `>`
/// and `&` become escapes, so no value can close the element early.
pub fn script_safe(value: &Value) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

pub fn clinic_id(config: &Config) -> String {
    format!("{}/#clinic", config.base())
}

/// The clinic itself, on every page.
pub fn clinic(config: &Config, services: Option<&Map<String, Value>>) -> Value {
    let clinic = &config.clinic;
    let mut node = json!({
        "@type": "MedicalClinic",
        "@id": clinic_id(config),
        "name": config.clinic_name(),
        "url": config.permalink("/"),
    });
    let map = node.as_object_mut().expect("object");
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            map.insert(key.into(), value);
        }
    };
    put("description", config.description.clone().map(Value::String));
    put("telephone", clinic.phone.clone().map(Value::String));
    put("faxNumber", clinic.fax.clone().map(Value::String));
    put("email", clinic.email.clone().map(Value::String));
    put(
        "medicalSpecialty",
        clinic.specialty.clone().map(Value::String),
    );
    put(
        "logo",
        clinic
            .logo
            .as_deref()
            .map(|l| Value::String(config.permalink(&format!("/{}", l.trim_start_matches('/'))))),
    );
    put("isAcceptingNewPatients", Some(Value::Bool(true)));
    if !clinic.hours.is_empty() {
        put("openingHours", Some(json!(clinic.hours)));
    }
    if !clinic.languages.is_empty() {
        put("knowsLanguage", Some(json!(clinic.languages)));
    }
    if let Some(a) = &clinic.address {
        put(
            "address",
            Some(json!({
                "@type": "PostalAddress",
                "streetAddress": a.street,
                "addressLocality": a.city,
                "addressRegion": a.region,
                "postalCode": a.postal_code,
                "addressCountry": a.country,
            })),
        );
    }
    if let Some(services) = services {
        let offered: Vec<Value> = services
            .values()
            .filter_map(|s| {
                let name = s.get("name")?.as_str()?;
                // A test with a CPT code in the lab's menu is a MedicalTest; the rest are procedures.
                let kind = if s.get("cpt").is_some() || s.get("specimen").is_some() {
                    "MedicalTest"
                } else {
                    "MedicalProcedure"
                };
                Some(json!({"@type": kind, "name": name}))
            })
            .collect();
        if !offered.is_empty() {
            put("availableService", Some(Value::Array(offered)));
        }
    }
    node
}

/// A doctor, from their record in `data/doctors`.
pub fn physician(config: &Config, key: &str, record: &Map<String, Value>, url: &str) -> Value {
    let mut node = json!({
        "@type": "Physician",
        "@id": format!("{url}#physician"),
        "name": record.get("name").and_then(Value::as_str).unwrap_or(key),
        "url": url,
        "memberOf": {"@id": clinic_id(config)},
    });
    let map = node.as_object_mut().expect("object");
    for (from, to) in [
        ("specialty", "medicalSpecialty"),
        ("bio", "description"),
        ("credentials", "hasCredential"),
    ] {
        if let Some(value) = record.get(from).and_then(Value::as_str) {
            map.insert(to.into(), Value::String(value.trim().to_string()));
        }
    }
    if let Some(languages) = record.get("languages") {
        map.insert("knowsLanguage".into(), languages.clone());
    }
    if let Some(npi) = record.get("npi").and_then(Value::as_str) {
        map.insert(
            "identifier".into(),
            json!({"@type": "PropertyValue", "propertyID": "NPI", "value": npi}),
        );
    }
    if let Some(photo) = record.get("photo").and_then(Value::as_str) {
        map.insert(
            "image".into(),
            Value::String(config.permalink(&format!("/{}", photo.trim_start_matches('/')))),
        );
    }
    node
}

/// Whether a post is health information (a `MedicalWebPage`) or news about the clinic.
pub fn is_medical(kind: Kind) -> bool {
    matches!(kind, Kind::Article | Kind::Prevention | Kind::Testing)
}

pub struct PostLd<'a> {
    pub post: &'a Post,
    pub url: String,
    pub authors: Vec<Value>,
    pub reviewer: Option<Value>,
    pub citations: Vec<Value>,
    pub image: Option<(String, Option<String>)>,
    /// The post in the site's other languages.
    pub translations: Vec<Translation>,
}

/// One of a post's other-language versions.
pub struct Translation {
    pub url: String,
    pub lang: String,
    /// In the site's main language: the work the others translate.
    pub original: bool,
}

/// The main language's version is the work; each other one is its
/// translation (`workTranslation` / `translationOfWork`).
fn link_translations(
    map: &mut serde_json::Map<String, Value>,
    post: &Post,
    config: &Config,
    translations: &[Translation],
) {
    let node = |t: &Translation| json!({"@type": "CreativeWork", "@id": format!("{}#page", t.url), "url": t.url, "inLanguage": t.lang});
    if post.tree == config.language {
        let all: Vec<Value> = translations.iter().map(node).collect();
        if !all.is_empty() {
            map.insert("workTranslation".into(), Value::Array(all));
        }
    } else if let Some(original) = translations.iter().find(|t| t.original) {
        map.insert("translationOfWork".into(), node(original));
    }
}

pub fn post(config: &Config, ld: PostLd) -> Value {
    let post = ld.post;
    let front = &post.front;
    let medical = is_medical(front.kind);
    let mut node = json!({
        "@type": if medical { "MedicalWebPage" } else { "BlogPosting" },
        "@id": format!("{}#page", ld.url),
        "url": ld.url,
        "headline": front.title,
        "name": front.title,
        "inLanguage": post.lang,
        "publisher": {"@id": clinic_id(config)},
        "isPartOf": {"@type": "WebSite", "name": config.title_in(&post.tree), "url": config.permalink(&format!("{}/", config.tree_prefix(&post.tree)))},
    });
    let map = node.as_object_mut().expect("object");
    link_translations(map, post, config, &ld.translations);
    if let Some(d) = &front.description {
        map.insert("description".into(), Value::String(d.clone()));
    }
    if let Some(date) = post.date {
        map.insert("datePublished".into(), Value::String(date.to_string()));
    }
    if let Some(date) = post.updated() {
        map.insert("dateModified".into(), Value::String(date.to_string()));
    }
    if !ld.authors.is_empty() {
        map.insert("author".into(), Value::Array(ld.authors));
    }
    if let Some((url, alt)) = ld.image {
        let mut image = json!({"@type": "ImageObject", "url": url});
        if let Some(alt) = alt {
            image["caption"] = Value::String(alt);
        }
        map.insert("image".into(), image);
    }
    if !front.tags.is_empty() {
        map.insert("keywords".into(), Value::String(front.tags.join(", ")));
    }
    corrected_or_withdrawn(map, front);
    if medical {
        if let Some(reviewer) = ld.reviewer {
            map.insert("reviewedBy".into(), reviewer);
        }
        if let Some(date) = front.last_reviewed {
            map.insert("lastReviewed".into(), Value::String(date.to_string()));
        }
        if !ld.citations.is_empty() {
            map.insert("citation".into(), Value::Array(ld.citations));
        }
        let audiences: Vec<Value> = match front.audience {
            Audience::Patients => vec![json!({"@type": "Patient"})],
            Audience::Physicians => vec![json!({"@type": "Clinician"})],
            Audience::Both => vec![json!({"@type": "Patient"}), json!({"@type": "Clinician"})],
        };
        map.insert("medicalAudience".into(), Value::Array(audiences));
    }
    node
}

/// What changed after publishing: each correction as a `CorrectionComment`
/// (schema.org's `correction`), and a withdrawal as the work's status with
/// the date it stopped standing (`expires`).
fn corrected_or_withdrawn(
    map: &mut serde_json::Map<String, Value>,
    front: &crate::content::PostFrontMatter,
) {
    let comment = |text: String, date: &crate::content::Date| json!({"@type": "CorrectionComment", "text": text, "datePublished": date.to_string()});
    let mut corrections: Vec<Value> = front
        .corrections
        .iter()
        .map(|c| comment(c.note.clone(), &c.date))
        .collect();
    if let Some(withdrawn) = &front.withdrawn {
        map.insert("creativeWorkStatus".into(), json!("Withdrawn"));
        map.insert("expires".into(), json!(withdrawn.date.to_string()));
        corrections.push(comment(
            format!("Withdrawn: {}", withdrawn.reason),
            &withdrawn.date,
        ));
    }
    if !corrections.is_empty() {
        map.insert("correction".into(), Value::Array(corrections));
    }
}

/// Home → section → page.
pub fn breadcrumbs(trail: &[(String, String)]) -> Value {
    let items: Vec<Value> = trail
        .iter()
        .enumerate()
        .map(|(i, (name, url))| json!({"@type": "ListItem", "position": i + 1, "name": name, "item": url}))
        .collect();
    json!({"@type": "BreadcrumbList", "itemListElement": items})
}

/// One `@graph` document of the nodes for a page.
pub fn graph(nodes: Vec<Value>) -> String {
    script_safe(&json!({"@context": "https://schema.org", "@graph": nodes}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_cannot_close_the_script() {
        let value =
            json!({"headline": "Is \"low-fat\" </script><script>alert(1)</script> & safe?"});
        let text = script_safe(&value);
        assert!(!text.contains("</script"), "{text}");
        assert!(!text.contains('<') && !text.contains('&'));
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value, "escapes are still the same JSON");
    }
}
