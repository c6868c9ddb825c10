//! The physician article on a network for physicians: its own title and
//! summary, the tests the clinic offers with their CPT codes, and how to refer.

use serde_json::Value;

use super::compose::Composer;
use super::fit::Parts;
use super::{ItemKind, Network, OutreachItem};
use crate::config::Clinic;
use crate::content::front_matter::Social;

impl Composer<'_> {
    /// The item for the physician page at `path`.
    pub(super) fn physician_item(
        &self,
        network: Network,
        social: &Social,
        path: &str,
    ) -> OutreachItem {
        let post = self.post;
        let link = self.link(network, path);
        let title = post.physician_title().to_string();
        let summary = post
            .physician_summary()
            .map(str::to_string)
            .unwrap_or_else(|| self.words(network, social));
        let mut fixed = Vec::new();
        let tests = self.test_lines();
        if !tests.is_empty() {
            fixed.push(format!(
                "Tests we offer for your patients:\n{}",
                tests.join("\n")
            ));
        }
        fixed.extend(referral_line(&self.site.config.clinic));
        let parts = Parts {
            body: format!("{title}\n\n{summary}"),
            fixed,
            link: Some(link.clone()),
            hashtags: self.hashtags(social, self.most_hashtags(network)),
        };
        let mut item = self.base_item(
            network,
            ItemKind::PhysicianArticle,
            self.id("physician-article", network),
            link,
            &parts,
        );
        item.title = title;
        item.post_url = self.site.config.published_permalink(path);
        item
    }

    /// `• Lipid panel (CPT 80061, specimen serum, turnaround 1 day)`: one
    /// line per test the article names, from data/services.toml.
    fn test_lines(&self) -> Vec<String> {
        let Some(physicians) = self.post.front.physicians.as_ref() else {
            return Vec::new();
        };
        physicians
            .tests
            .iter()
            .map(|key| {
                let record = self.record("services", key);
                let field = |f: &str| record.and_then(|r| r.get(f)).and_then(Value::as_str);
                let mut line = format!("• {}", field("name").unwrap_or(key));
                // "CPT 80061 · serum, 1 mL · results same day": read as a
                // referring office reads a test menu.
                let details: Vec<String> = [
                    field("cpt").map(|v| format!("CPT {v}")),
                    field("specimen").map(lower_first),
                    field("turnaround").map(turnaround),
                ]
                .into_iter()
                .flatten()
                .collect();
                if !details.is_empty() {
                    line.push_str(&format!(": {}", details.join(" · ")));
                }
                line
            })
            .collect()
    }
}

/// "results same day"; a turnaround that says what comes back already
/// ("Report in 3 days") is kept as written.
fn turnaround(value: &str) -> String {
    let lower = lower_first(value);
    if lower.starts_with("report") || lower.starts_with("result") {
        lower
    } else {
        format!("results {lower}")
    }
}

/// "Same day" → "same day", for a value read in the middle of a line; an
/// abbreviation ("EDTA tube", "1 day") keeps its case.
fn lower_first(value: &str) -> String {
    let mut chars = value.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => first
            .to_lowercase()
            .chain(value[first.len_utf8()..].chars())
            .collect(),
        _ => value.to_string(),
    }
}

/// `To refer: phone …, fax …, e-referral ….`, from what config.toml gives.
fn referral_line(clinic: &Clinic) -> Option<String> {
    let mut refer = Vec::new();
    if let Some(phone) = &clinic.phone {
        refer.push(format!("phone {phone}"));
    }
    if let Some(fax) = &clinic.fax {
        refer.push(format!("fax {fax}"));
    }
    if let Some(url) = &clinic.referral_url {
        refer.push(format!("e-referral {url}"));
    }
    (!refer.is_empty()).then(|| format!("To refer: {}.", refer.join(", ")))
}
