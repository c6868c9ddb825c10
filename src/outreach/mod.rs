//! Outreach: from every post, what the clinic posts elsewhere (teasers, polls,
//! discussion starters, shout-outs, awards, physician articles, "recommend us"),
//! each item fitted to its network and linking back to the blog.

pub mod address;
pub mod bounds;
pub mod duration;
pub mod fit;
pub mod newsletter;
pub mod preview;
pub mod settings;

// The networks sit below the outreach; these keep its old paths working.
pub(crate) use crate::network::{self, little_text, twitter_text};

use serde::Serialize;
use serde_json::Value;

use crate::content::front_matter::{PollFrontMatter, Social};
use crate::content::{Date, Kind, Post};
use crate::derive::feed::strip_tags;
use crate::diagnostic::{Diagnostic, position_of};
use crate::load::Site;
use crate::render::Bodies;
use fit::Parts;
pub use network::{Network, Reach};
pub use settings::Settings;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    Teaser,
    Poll,
    Discussion,
    Shoutout,
    Award,
    Recommend,
    PhysicianArticle,
}

impl ItemKind {
    pub fn label(self) -> &'static str {
        match self {
            ItemKind::Teaser => "teaser",
            ItemKind::Poll => "poll",
            ItemKind::Discussion => "discussion",
            ItemKind::Shoutout => "shout-out",
            ItemKind::Award => "award",
            ItemKind::Recommend => "recommend",
            ItemKind::PhysicianArticle => "physician-article",
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Poll {
    pub question: String,
    pub options: Vec<String>,
    pub seconds: u64,
    /// A native poll; otherwise the options are numbered in the text.
    pub native: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Image {
    pub url: String,
    pub alt: Option<String>,
}

/// One thing to post on one network.
#[derive(Debug, Clone, Serialize)]
pub struct OutreachItem {
    /// Stable across builds: `blog/bp/teaser/mastodon`.
    pub id: String,
    /// The post it comes from (`blog/bp.md`), if any.
    pub post: Option<String>,
    pub post_url: String,
    pub title: String,
    pub description: Option<String>,
    pub network: Network,
    pub kind: ItemKind,
    pub text: String,
    /// The link back, with UTM parameters when configured.
    pub link: String,
    pub hashtags: Vec<String>,
    pub mentions: Vec<String>,
    pub poll: Option<Poll>,
    pub image: Option<Image>,
    pub language: String,
    pub not_before: Option<String>,
    pub approved: bool,
    pub length: usize,
    pub limit: usize,
    pub warnings: Vec<String>,
}

/// Everything derived for outreach in one build.
#[derive(Debug, Default)]
pub struct Outreach {
    pub items: Vec<OutreachItem>,
    /// (file name under `outreach/newsletter/`, HTML)
    pub newsletters: Vec<(String, String)>,
}

pub fn derive(site: &Site, bodies: &Bodies, today: Date) -> (Outreach, Vec<Diagnostic>) {
    let mut outreach = Outreach::default();
    let mut problems = Vec::new();
    let mut order: Vec<usize> = (0..site.posts.len()).collect();
    order.sort_by(|a, b| {
        site.posts[*a]
            .content_path
            .cmp(&site.posts[*b].content_path)
    });
    for i in order {
        let composer = Composer {
            site,
            post: &site.posts[i],
            body: &bodies.posts[i],
        };
        composer.items(&mut outreach, &mut problems);
    }
    recommend(site, today, &mut outreach.items);
    (outreach, problems)
}

struct Composer<'a> {
    site: &'a Site,
    post: &'a Post,
    body: &'a crate::markdown::Rendered,
}

impl Composer<'_> {
    fn items(&self, outreach: &mut Outreach, problems: &mut Vec<Diagnostic>) {
        let post = self.post;
        let default_social = Social::default();
        let social = post.front.social.as_ref().unwrap_or(&default_social);
        if social.skip {
            return;
        }
        let settings = &self.site.outreach;
        let to_public = post.front.audience.reaches_patients();
        let physician_path = crate::derive::physician_path(self.site, post);
        let polls = self.checked_polls(social, problems);
        for (network, network_settings) in settings.enabled() {
            let reach = settings.reach(network);
            if to_public && reach != Reach::Physicians {
                self.public_items(
                    network,
                    network_settings,
                    social,
                    &polls,
                    &mut outreach.items,
                    problems,
                );
            }
            if let (Some(path), true) = (&physician_path, reach != Reach::Public) {
                outreach
                    .items
                    .push(self.physician_item(network, social, path));
            }
        }
        if let Some(path) = &physician_path {
            let page_url = self.site.config.permalink(path);
            outreach.newsletters.push((
                format!("{}.html", post.slug),
                newsletter::render(self.site, post, &page_url),
            ));
        }
    }

    fn id(&self, kind: &str, network: Network) -> String {
        let stem = crate::ledger::stem_of(&self.post.content_path);
        format!("{stem}/{kind}/{}", network.key())
    }

    fn link(&self, network: Network, path: &str) -> String {
        let url = self.site.config.permalink(path);
        utm(&self.site.outreach, &url, network, &self.post.slug)
    }

    /// The words of a teaser: per-network text, the teaser, the description, or the first paragraph.
    fn words(&self, network: Network, social: &Social) -> String {
        social
            .teasers
            .get(network.key())
            .or(social.teaser.as_ref())
            .or(self.post.front.description.as_ref())
            .cloned()
            .or_else(|| {
                self.body
                    .summary
                    .as_deref()
                    .map(|s| strip_tags(s).trim().to_string())
            })
            .unwrap_or_else(|| self.post.front.title.clone())
    }

    fn hashtags(&self, social: &Social, max: usize) -> Vec<String> {
        let own: Vec<&str> = match &social.hashtags {
            Some(tags) => tags.iter().map(String::as_str).collect(),
            None => self.post.front.tags.iter().map(String::as_str).collect(),
        };
        let clinic = self
            .site
            .outreach
            .social
            .hashtags
            .iter()
            .map(String::as_str);
        let mut tags = fit::hashtags(own.into_iter().chain(clinic));
        tags.truncate(max);
        tags
    }

    /// A partner's or doctor's name as this network shows it: a handle where they have one.
    fn handle(
        &self,
        record: Option<&serde_json::Map<String, Value>>,
        key: &str,
        network: Network,
    ) -> String {
        let Some(record) = record else {
            return key.to_string();
        };
        let name = record
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(key)
            .to_string();
        record
            .get(network.key())
            .and_then(Value::as_str)
            .and_then(|handle| network.mention(handle, &name))
            .unwrap_or(name)
    }

    fn record<'s>(&'s self, file: &str, key: &str) -> Option<&'s serde_json::Map<String, Value>> {
        self.site.data.get(file)?.get(key)?.as_object()
    }

    fn base_item(
        &self,
        network: Network,
        kind: ItemKind,
        id: String,
        link: String,
        parts: &Parts,
    ) -> OutreachItem {
        let post = self.post;
        let social = post.front.social.as_ref();
        let mut warnings = Vec::new();
        let (text, hashtags) = match fit::fit(network, parts) {
            Ok(fitted) => {
                if fitted.shortened {
                    warnings.push("text shortened to fit".to_string());
                }
                if !fitted.dropped_hashtags.is_empty() {
                    warnings.push(format!("left out {}", fitted.dropped_hashtags.join(" ")));
                }
                let kept = parts
                    .hashtags
                    .iter()
                    .filter(|h| !fitted.dropped_hashtags.contains(h))
                    .cloned()
                    .collect();
                (fitted.text, kept)
            }
            Err(why) => {
                warnings.push(why);
                (
                    fit::join(
                        &parts.body,
                        &parts.fixed,
                        parts.link.as_deref(),
                        &parts.hashtags,
                    ),
                    parts.hashtags.clone(),
                )
            }
        };
        let image = post.front.image.as_deref().map(|image| Image {
            url: crate::config::image_url(&self.site.config, &post.path, image),
            alt: post.front.image_alt.clone(),
        });
        if image.as_ref().is_some_and(|i| i.alt.is_none()) {
            warnings.push("image has no alt text".into());
        }
        let not_before = social
            .and_then(|s| s.schedule)
            .or(post.date)
            .map(|d| d.to_string());
        OutreachItem {
            id,
            post: Some(post.content_path.clone()),
            post_url: self.site.config.permalink(&post.path),
            title: post.front.title.clone(),
            description: post.front.description.clone(),
            network,
            kind,
            length: network.count(&text),
            limit: network.limit(),
            text,
            link,
            hashtags,
            mentions: Vec::new(),
            poll: None,
            image,
            language: post.lang.clone(),
            not_before,
            approved: social.is_some_and(|s| s.approved),
            warnings,
        }
    }

    fn public_items(
        &self,
        network: Network,
        network_settings: &settings::NetworkSettings,
        social: &Social,
        polls: &[(usize, &PollFrontMatter, u64)],
        items: &mut Vec<OutreachItem>,
        problems: &mut Vec<Diagnostic>,
    ) {
        let post = self.post;
        let link = self.link(network, &post.path);
        let hashtags = self.hashtags(social, network_settings.max_hashtags);
        let mentions: Vec<String> = social
            .mentions
            .iter()
            .map(|key| self.handle(self.record("partners", key), key, network))
            .collect();
        let words = self.words(network, social);
        let (kind, body, fixed) = match post.front.kind {
            Kind::Award => {
                let doctors: Vec<String> = post
                    .front
                    .authors
                    .iter()
                    .map(|key| self.handle(self.record("doctors", key), key, network))
                    .collect();
                let who = if doctors.is_empty() {
                    "our team".to_string()
                } else {
                    doctors.join(" and ")
                };
                (
                    ItemKind::Award,
                    // The congratulations lead, so a shortened text still says who won.
                    format!("Congratulations to {who}! {words}"),
                    Vec::new(),
                )
            }
            Kind::Partner => {
                let line = if mentions.is_empty() {
                    String::new()
                } else {
                    format!("Thank you, {}!", mentions.join(", "))
                };
                (ItemKind::Shoutout, words, vec![line])
            }
            _ if !mentions.is_empty() => (
                ItemKind::Teaser,
                words,
                vec![format!("With {}", mentions.join(", "))],
            ),
            _ => (ItemKind::Teaser, words, Vec::new()),
        };
        let parts = Parts {
            body,
            fixed,
            link: Some(link.clone()),
            hashtags: hashtags.clone(),
        };
        let mut item = self.base_item(
            network,
            kind,
            self.id(kind.label(), network),
            link.clone(),
            &parts,
        );
        item.mentions = mentions;
        items.push(item);

        if let Some(ask) = &social.ask {
            let parts = Parts {
                body: ask.clone(),
                fixed: vec!["Tell us what you think, and read the article:".into()],
                link: Some(link.clone()),
                hashtags: hashtags.clone(),
            };
            items.push(self.base_item(
                network,
                ItemKind::Discussion,
                self.id("discussion", network),
                link.clone(),
                &parts,
            ));
        }

        for &(n, poll, seconds) in polls {
            let id = self.id(&format!("poll-{}", n + 1), network);
            let rules = network.poll_rules();
            if rules.is_some_and(|r| !r.allows_health_questions) && poll.about_health {
                problems.push(
                    Diagnostic::warning(
                        "outreach/poll-health",
                        format!(
                            "{} does not allow polls about health; this poll is not sent there",
                            network.name()
                        ),
                    )
                    .in_file(&post.file)
                    .at(self.line_of(&poll.question))
                    .with_help(
                        "set `about_health = false` if the poll does not ask about anyone's health",
                    ),
                );
                continue;
            }
            let native = rules.is_some_and(|r| {
                poll.options.len() <= r.max_options
                    && poll
                        .options
                        .iter()
                        .all(|o| o.chars().count() <= r.max_option_len)
            });
            let parts = if native {
                Parts {
                    body: poll.question.clone(),
                    fixed: vec![],
                    link: Some(link.clone()),
                    hashtags: hashtags.clone(),
                }
            } else {
                let numbered: Vec<String> = poll
                    .options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| format!("{}. {o}", i + 1))
                    .collect();
                Parts {
                    body: poll.question.clone(),
                    fixed: vec![
                        numbered.join("\n"),
                        "Reply with your number, and read more:".into(),
                    ],
                    link: Some(link.clone()),
                    hashtags: hashtags.clone(),
                }
            };
            let mut item = self.base_item(network, ItemKind::Poll, id, link.clone(), &parts);
            if native && network.poll_excludes_media() {
                item.image = None;
            }
            item.poll = Some(Poll {
                question: poll.question.clone(),
                options: poll.options.clone(),
                seconds,
                native,
            });
            items.push(item);
        }
    }

    fn physician_item(&self, network: Network, social: &Social, path: &str) -> OutreachItem {
        let post = self.post;
        let site = self.site;
        let physicians = post.front.physicians.as_ref();
        let link = self.link(network, path);
        let title = post.physician_title().to_string();
        let summary = post
            .physician_summary()
            .map(str::to_string)
            .unwrap_or_else(|| self.words(network, social));
        let mut fixed = Vec::new();
        let tests: Vec<String> = physicians
            .map(|p| {
                p.tests
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
            })
            .unwrap_or_default();
        if !tests.is_empty() {
            fixed.push(format!(
                "Tests we offer for your patients:\n{}",
                tests.join("\n")
            ));
        }
        let clinic = &site.config.clinic;
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
        if !refer.is_empty() {
            fixed.push(format!("To refer: {}.", refer.join(", ")));
        }
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
        item.post_url = site.config.permalink(path);
        item
    }

    /// Polls checked against every configured network that has native polls.
    fn checked_polls<'s>(
        &self,
        social: &'s Social,
        problems: &mut Vec<Diagnostic>,
    ) -> Vec<(usize, &'s PollFrontMatter, u64)> {
        let mut polls = Vec::new();
        for (n, poll) in social.poll.iter().enumerate() {
            let mut ok = true;
            let mut error = |message: String, at: &str, help: &str| {
                ok = false;
                problems.push(
                    Diagnostic::error("outreach/poll", message)
                        .in_file(&self.post.file)
                        .at(self.line_of(at))
                        .with_help(help.to_string()),
                );
            };
            if !(2..=4).contains(&poll.options.len()) {
                error(
                    format!(
                        "a poll needs 2 to 4 options; this one has {}",
                        poll.options.len()
                    ),
                    &poll.question,
                    "give the poll between two and four `options`",
                );
            }
            let seconds = match parse_duration(poll.duration.as_deref().unwrap_or("1d")) {
                Some(s) => s,
                None => {
                    error(
                        format!(
                            "poll duration `{}` is not understood",
                            poll.duration.as_deref().unwrap_or_default()
                        ),
                        poll.duration.as_deref().unwrap_or(&poll.question),
                        "write durations like \"30m\", \"12h\" or \"3d\"",
                    );
                    0
                }
            };
            for (network, _) in self.site.outreach.enabled() {
                let Some(rules) = network.poll_rules() else {
                    continue;
                };
                // Polls are public items: a network for physicians never gets one.
                if self.site.outreach.reach(network) == Reach::Physicians {
                    continue;
                }
                if !rules.allows_health_questions && poll.about_health {
                    continue;
                }
                for option in &poll.options {
                    let len = option.chars().count();
                    if len > rules.max_option_len {
                        error(
                            format!(
                                "poll option \"{option}\" has {len} characters; {} allows {}",
                                network.name(),
                                rules.max_option_len
                            ),
                            option,
                            &format!("shorten it to {} characters or fewer", rules.max_option_len),
                        );
                    }
                }
                if seconds > 0 && network.refuses_poll_length(seconds) {
                    error(
                        format!(
                            "a poll of {} is outside what {} allows",
                            poll.duration.as_deref().unwrap_or("1d"),
                            network.name()
                        ),
                        poll.duration.as_deref().unwrap_or(&poll.question),
                        &format!(
                            "use between {} and {} minutes",
                            rules.min_seconds / 60,
                            rules.max_seconds / 60
                        ),
                    );
                }
            }
            if ok {
                polls.push((n, poll, seconds));
            }
        }
        polls
    }

    fn line_of(&self, needle: &str) -> crate::diagnostic::Position {
        let source = &self.post.source;
        let at = source[..self.post.body_offset].find(needle).unwrap_or(0);
        position_of(source, at)
    }
}

/// `1d`, `12h`, `30m`, `2d12h` → seconds; see [`duration::parse`].
pub fn parse_duration(text: &str) -> Option<u64> {
    duration::parse(text).ok().map(|d| d.as_secs())
}

pub fn utm(settings: &Settings, url: &str, network: Network, campaign: &str) -> String {
    if !settings.social.utm {
        return url.to_string();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!(
        "{url}{separator}utm_source={}&utm_medium={}&utm_campaign={campaign}",
        network.key(),
        settings.social.utm_medium
    )
}

/// The recurring "recommend us to a friend" item, one per period of `every_days`.
fn recommend(site: &Site, today: Date, items: &mut Vec<OutreachItem>) {
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
            &site.config.permalink(&path),
            network,
            "recommend",
        );
        let parts = Parts {
            body: recommend.text.clone(),
            fixed: vec![],
            link: Some(link.clone()),
            hashtags: fit::hashtags(settings.social.hashtags.iter().map(String::as_str))
                .into_iter()
                .take(network_settings.max_hashtags)
                .collect(),
        };
        let fitted = fit::fit(network, &parts);
        let text = fitted
            .as_ref()
            .map(|f| f.text.clone())
            .unwrap_or_else(|_| fit::join(&parts.body, &[], Some(&link), &parts.hashtags));
        items.push(OutreachItem {
            id: format!("recommend/{start}/{}", network.key()),
            post: None,
            post_url: site.config.permalink(&path),
            title: site.config.clinic_name().to_string(),
            description: site.config.description.clone(),
            network,
            kind: ItemKind::Recommend,
            length: network.count(&text),
            limit: network.limit(),
            text,
            link,
            hashtags: parts.hashtags.clone(),
            mentions: vec![],
            poll: None,
            image: None,
            language: site.config.language.clone(),
            not_before: Some(start.to_string()),
            approved: false,
            warnings: fitted.err().into_iter().collect(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1d"), Some(86_400));
        assert_eq!(parse_duration("2d12h"), Some(216_000));
        assert_eq!(parse_duration("30m"), Some(1_800));
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(parse_duration("12"), None);
    }
}
