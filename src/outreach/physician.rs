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
            hashtags: self.hashtags(social, 3),
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
                let details: Vec<String> = [
                    ("CPT", field("cpt")),
                    ("specimen", field("specimen")),
                    ("turnaround", field("turnaround")),
                ]
                .into_iter()
                .filter_map(|(label, v)| v.map(|v| format!("{label} {v}")))
                .collect();
                if !details.is_empty() {
                    line.push_str(&format!(" ({})", details.join(", ")));
                }
                line
            })
            .collect()
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
