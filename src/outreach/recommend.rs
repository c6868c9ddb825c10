//! The recurring "recommend us to a friend" item, which comes from
//! `[social] recommend` in config.toml rather than from a post.

use super::fit::{self, Parts};
use super::{Image, ItemKind, OutreachItem, Reach, utm};
use crate::content::Date;
use crate::load::Site;

/// The recurring "recommend us to a friend" item, one per period of `every_days`.
pub(super) fn recommend(
    site: &Site,
    today: Date,
    pictures: &crate::picture::Pictures,
    items: &mut Vec<OutreachItem>,
) {
    let settings = &site.outreach;
    let Some(recommend) = &settings.social.recommend else {
        return;
    };
    let every = i64::from(recommend.every_days.max(1));
    let days = today
        .day()
        .signed_duration_since(chrono::NaiveDate::default())
        .num_days();
    let start =
        chrono::NaiveDate::default() + chrono::Duration::days(days - days.rem_euclid(every));
    let path = recommend.path.clone().unwrap_or_else(|| "/".into());
    for (network, network_settings) in settings.enabled() {
        if settings.reach(network) == Reach::Physicians {
            continue;
        }
        let link = utm(
            settings,
            &site.config.published_permalink(&path),
            network,
            "recommend",
        );
        let parts = Parts {
            body: recommend.text.clone(),
            fixed: vec![],
            link: Some(link.clone()),
            hashtags: fit::hashtags(settings.social.hashtags.iter().map(String::as_str))
                .into_iter()
                .take(network_settings.most_hashtags(network))
                .collect(),
        };
        let mut warnings = Vec::new();
        let (text, hashtags) = super::compose::fitted(network, &parts, &mut warnings);
        items.push(OutreachItem {
            id: format!("recommend/{start}/{}", network.key()),
            post: None,
            post_url: site.config.published_permalink(&path),
            title: site.config.clinic_name().to_string(),
            description: site.config.description.clone(),
            network,
            kind: ItemKind::Recommend,
            length: network.count(&text),
            limit: network.limit(),
            text,
            link,
            hashtags,
            mentions: vec![],
            poll: None,
            // The clinic's own card: its name, its description, its colour.
            image: pictures.clinic.get(&network).map(|chosen| Image {
                url: chosen.url.clone(),
                alt: chosen.alt.clone(),
                card: chosen.card,
            }),
            language: site.config.language.clone(),
            not_before: Some(start.to_string()),
            approved: false,
            warnings,
            follow_up: None,
        });
    }
}
