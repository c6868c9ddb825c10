//! X: `POST /2/tweets` with the item's text and either a native poll or an
//! uploaded image with alt text (X takes one or the other, not both).
//!
//! X has no idempotency key. A post whose reply was lost is found again on
//! the account's own recent posts, by its words and its link back (X shows
//! links as t.co, with the real address in `entities.urls`). X also refuses
//! a post identical to a recent one (403, "duplicate content"): that is not
//! proof the post is ours, so the account's posts are searched, and only a
//! post found there, with the same words and link, counts as posted.

use std::time::Duration;

use base64::Engine;
use chrono::{DateTime, Utc};
use reqwest::Method;
use reqwest::blocking::{Client as Http, Response};
use serde_json::{Value, json};

use super::auth::{ACCESS_TOKEN_VAR, Auth};
use crate::ledger::Action;
use crate::outreach::follow_up::FollowUp;
use crate::outreach::twitter_text;
use crate::outreach::{OutreachItem, Poll};
use crate::publish::{BuiltSite, Client, PostError, Remote};

pub const DEFAULT_API: &str = "https://api.x.com";

/// X's limit on alt text.
const MAX_ALT_CHARS: usize = 1000;
/// X's native poll limits.
const POLL_OPTIONS: std::ops::RangeInclusive<usize> = 2..=4;
const POLL_OPTION_CHARS: usize = 25;
const POLL_MINUTES: std::ops::RangeInclusive<u64> = 5..=10_080;
/// Pages of 100 posts to look through for one made before a crash.
const SEARCH_PAGES: usize = 5;
/// Look a little before the attempt began, for clocks that disagree.
const CLOCK_MARGIN: chrono::Duration = chrono::Duration::minutes(10);
/// What X's 403 says when a post repeats a recent one.
const DUPLICATE: &str = "X refuses a post identical to a recent one (duplicate content)";

/// A client for `[networks.x]`: the API from `instance` (default
/// api.x.com), the account's handle from `account` (for post URLs), and
/// credentials from the environment (see `x_auth`).
pub fn connect(
    setup: &crate::publish::Setup,
) -> Result<Box<dyn Client>, crate::publish::SetupError> {
    let auth = Auth::from_env()?;
    let settings = setup.settings;
    let base = settings
        .and_then(|s| s.instance.clone())
        .unwrap_or_else(|| DEFAULT_API.into());
    let handle = settings
        .and_then(|s| s.account.clone())
        .map(|a| a.trim_start_matches('@').to_string());
    let http = crate::publish::http_client(setup.timeout)?;
    Ok(Box::new(X {
        http,
        base: base.trim_end_matches('/').to_string(),
        auth,
        handle,
        site: setup.built.clone(),
        me: None,
    }))
}

pub struct X {
    http: Http,
    base: String,
    auth: Auth,
    /// The account's handle, for the post's web address.
    handle: Option<String>,
    /// The built site, to upload a post's image from.
    site: BuiltSite,
    /// The account's user id, looked up once when needed.
    me: Option<String>,
}

impl X {
    /// One authorised request; a refused OAuth 2.0 token is renewed and the
    /// request sent once more.
    fn send(
        &mut self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Value, PostError> {
        let result = self.send_unscrubbed(method, path, query, body);
        result.map_err(|e| PostError {
            message: crate::secrets::scrub(&e.message),
            ..e
        })
    }

    fn send_unscrubbed(
        &mut self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Value, PostError> {
        self.auth.ensure_fresh(&self.http, &self.base)?;
        let mut url = url::Url::parse(&format!("{}{path}", self.base))
            .map_err(|e| PostError::permanent(format!("bad X API address: {e}")))?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let mut renewed = false;
        loop {
            let mut request = self.http.request(method.clone(), url.clone());
            request = self.auth.authorize(request, method.as_str(), &url);
            if let Some(body) = body {
                request = request.json(body);
            }
            let response = request.send().map_err(transport)?;
            if response.status().as_u16() == 401 && !renewed && self.auth.can_refresh() {
                renewed = true;
                self.auth.refresh(&self.http, &self.base)?;
                continue;
            }
            return checked(response);
        }
    }

    /// Uploads the item's picture (made to X's limits by the build) with its
    /// alt text.
    fn upload(&mut self, url: &str, alt: Option<&str>) -> Result<String, PostError> {
        let image = self
            .site
            .picture(url)
            .map_err(|e| PostError::permanent(e.to_string()))?;
        let max = crate::network::Network::X.pictures().max_bytes;
        if image.bytes.len() as u64 > max {
            return Err(PostError::permanent(format!(
                "the picture {url} is {} bytes, over X's {max}: build the site again",
                image.bytes.len()
            )));
        }
        let category = if image.mime == "image/gif" {
            "tweet_gif"
        } else {
            "tweet_image"
        };
        let media = base64::engine::general_purpose::STANDARD.encode(&image.bytes);
        let body = json!({"media": media, "media_category": category});
        let reply = self.send(Method::POST, "/2/media/upload", &[], Some(&body))?;
        let id = reply["data"]["id"]
            .as_str()
            .ok_or_else(|| PostError::permanent("X's upload reply has no media id"))?
            .to_string();
        if let Some(alt) = alt.filter(|a| !a.trim().is_empty()) {
            let text: String = alt.chars().take(MAX_ALT_CHARS).collect();
            let body = json!({"id": id, "metadata": {"alt_text": {"text": text}}});
            self.send(Method::POST, "/2/media/metadata", &[], Some(&body))?;
        }
        Ok(id)
    }

    fn me(&mut self) -> Result<String, PostError> {
        if let Some(id) = &self.me {
            return Ok(id.clone());
        }
        let reply = self.send(Method::GET, "/2/users/me", &[], None)?;
        let id = reply["data"]["id"]
            .as_str()
            .ok_or_else(|| PostError::permanent("X's /2/users/me reply has no user id"))?
            .to_string();
        self.me = Some(id.clone());
        Ok(id)
    }

    /// The item among the account's posts since `since` (less a margin).
    fn search(
        &mut self,
        item: &OutreachItem,
        since: Option<DateTime<Utc>>,
    ) -> Result<Option<Remote>, PostError> {
        self.search_under(item, since, None)
    }

    /// The item among the account's posts since `since`; with a `parent`,
    /// only a post in the thread that parent starts is it.
    fn search_under(
        &mut self,
        item: &OutreachItem,
        since: Option<DateTime<Utc>>,
        parent: Option<&str>,
    ) -> Result<Option<Remote>, PostError> {
        let me = self.me()?;
        let mut next: Option<String> = None;
        for _ in 0..SEARCH_PAGES {
            let mut query = vec![
                ("max_results", "100".to_string()),
                (
                    "tweet.fields",
                    "created_at,entities,conversation_id".to_string(),
                ),
            ];
            if let Some(since) = since {
                let start = since - CLOCK_MARGIN;
                query.push((
                    "start_time",
                    start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                ));
            }
            if let Some(token) = &next {
                query.push(("pagination_token", token.clone()));
            }
            let page = self.send(Method::GET, &format!("/2/users/{me}/tweets"), &query, None)?;
            let posts = page["data"].as_array().cloned().unwrap_or_default();
            // A copy starts its thread, so a reply under it is in the
            // conversation named by the copy's id.
            let under = |post: &Value| {
                parent.is_none_or(|parent| {
                    post["conversation_id"].as_str() == Some(parent)
                        && post["id"].as_str() != Some(parent)
                })
            };
            if let Some(post) = posts.iter().find(|p| is_same_post(item, p) && under(p)) {
                return Ok(Some(self.remote(post)?));
            }
            next = page["meta"]["next_token"].as_str().map(str::to_string);
            if next.is_none() {
                break;
            }
        }
        Ok(None)
    }

    fn remote(&self, post: &Value) -> Result<Remote, PostError> {
        let id = post["id"]
            .as_str()
            .ok_or_else(|| PostError::unconfirmed("X's reply has no post id"))?;
        let author = self.handle.as_deref().unwrap_or("i/web");
        Ok(Remote {
            id: id.to_string(),
            url: format!("https://x.com/{author}/status/{id}"),
        })
    }
}

impl Client for X {
    /// The item and when its first attempt began, so a later run knows how
    /// far back to look.
    fn new_key(&self, item: &OutreachItem) -> String {
        format!("{}@{}", item.id, Utc::now().timestamp())
    }

    fn find(
        &mut self,
        item: &OutreachItem,
        key: &str,
        since: Option<DateTime<Utc>>,
    ) -> Result<Option<Remote>, PostError> {
        self.search(item, key_time(key).or(since))
    }

    fn post(&mut self, item: &OutreachItem, key: &str) -> Result<Remote, PostError> {
        let mut tweet = json!({ "text": item.text });
        match (&item.poll, &item.image) {
            (Some(poll), _) if poll.native => tweet["poll"] = poll_json(poll)?,
            // A card is the page's `twitter:image`, which X's link card shows.
            (_, Some(image)) if !image.card => {
                let id = self.upload(&image.url, image.alt.as_deref())?;
                tweet["media"] = json!({ "media_ids": [id] });
            }
            _ => {}
        }
        match self.send(Method::POST, "/2/tweets", &[], Some(&tweet)) {
            Ok(reply) => self.remote(&reply["data"]),
            // An earlier try whose reply was lost may have landed: look for it.
            Err(e) if e.message.contains(DUPLICATE) => match self.search(item, key_time(key))? {
                Some(remote) => Ok(remote),
                None => Err(PostError::permanent(format!(
                    "{}; it is not among the account's recent posts, so change the item's text or post it by hand",
                    e.message
                ))),
            },
            Err(e) => Err(e),
        }
    }

    /// X API v2 has no edit: a correction is a reply under the copy
    /// (`reply.in_reply_to_tweet_id`), a withdrawal a reply or, as
    /// `[publish]` says, `DELETE /2/tweets/:id`.
    fn follow_up(
        &mut self,
        item: &OutreachItem,
        follow: &FollowUp,
        key: &str,
    ) -> Result<Remote, PostError> {
        if follow.action == Action::Delete {
            let path = format!("/2/tweets/{}", follow.remote_id);
            return match self.send(Method::DELETE, &path, &[], None) {
                Ok(_) => Ok(deleted(follow)),
                Err(e) if e.message.starts_with("404:") => Ok(deleted(follow)),
                Err(e) => Err(e),
            };
        }
        let tweet = json!({
            "text": item.text,
            "reply": {"in_reply_to_tweet_id": follow.remote_id},
        });
        match self.send(Method::POST, "/2/tweets", &[], Some(&tweet)) {
            Ok(reply) => self.remote(&reply["data"]),
            Err(e) if e.message.contains(DUPLICATE) => self.search(item, key_time(key))?.ok_or(e),
            Err(e) => Err(e),
        }
    }

    /// A reply is looked for among the account's posts since the attempt
    /// began, by its words and link, as a first post is; a delete is done
    /// when `GET /2/tweets/:id` finds no post.
    fn find_follow_up(
        &mut self,
        item: &OutreachItem,
        follow: &FollowUp,
        key: &str,
    ) -> Result<Option<Remote>, PostError> {
        if follow.action != Action::Delete {
            return self.search_under(item, key_time(key), Some(&follow.remote_id));
        }
        let path = format!("/2/tweets/{}", follow.remote_id);
        match self.send(Method::GET, &path, &[], None) {
            Ok(reply) if reply["data"]["id"].is_string() => Ok(None),
            Ok(_) => Ok(Some(deleted(follow))),
            // X answers a post that is gone with 200 and only `errors`, a
            // resource-not-found problem ("Could not find tweet with id").
            Err(e) if e.message.starts_with("404:") || e.message.contains("Could not find") => {
                Ok(Some(deleted(follow)))
            }
            Err(e) => Err(e),
        }
    }
}

/// A deleted copy: its id, and no address any more.
fn deleted(follow: &FollowUp) -> Remote {
    Remote {
        id: follow.remote_id.clone(),
        url: String::new(),
    }
}

/// A native poll as X takes it, or why X would refuse it.
fn poll_json(poll: &Poll) -> Result<Value, PostError> {
    if !POLL_OPTIONS.contains(&poll.options.len()) {
        return Err(PostError::permanent(format!(
            "X polls have 2 to 4 options, not {}",
            poll.options.len()
        )));
    }
    if let Some(long) = poll
        .options
        .iter()
        .find(|o| o.trim().is_empty() || o.chars().count() > POLL_OPTION_CHARS)
    {
        return Err(PostError::permanent(format!(
            "X poll options have 1 to {POLL_OPTION_CHARS} characters: \"{long}\""
        )));
    }
    let minutes = (poll.seconds / 60).clamp(*POLL_MINUTES.start(), *POLL_MINUTES.end());
    Ok(json!({ "options": poll.options, "duration_minutes": minutes }))
}

fn key_time(key: &str) -> Option<DateTime<Utc>> {
    let seconds = key.rsplit_once('@')?.1.parse::<i64>().ok()?;
    DateTime::from_timestamp(seconds, 0)
}

/// Whether a post from the account's timeline is this item: the same words
/// once links are set aside, and the item's link among its expanded URLs.
fn is_same_post(item: &OutreachItem, post: &Value) -> bool {
    let text = unescape(post["text"].as_str().unwrap_or_default());
    let links: Vec<&str> = post["entities"]["urls"]
        .as_array()
        .map(|urls| {
            urls.iter()
                .filter_map(|u| u["expanded_url"].as_str())
                .collect()
        })
        .unwrap_or_default();
    let links_back = item.link.is_empty() || links.iter().any(|l| same_link(l, &item.link));
    // X may link a bare domain that twitter-text's rules here do not know.
    let mut mine = without_urls(&item.text);
    for link in &links {
        mine = mine.replace(bare(link), " ");
    }
    links_back && words(&without_urls(&text)) == words(&mine)
}

/// The text with its links (which X rewrites as t.co) blanked out.
fn without_urls(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut last = 0;
    for url in twitter_text::urls(text) {
        plain.push_str(&text[last..url.start]);
        plain.push(' ');
        last = url.end;
    }
    plain.push_str(&text[last..]);
    plain
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// X returns post text with `&`, `<` and `>` as HTML entities.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A link without its scheme.
fn bare(link: &str) -> &str {
    let link = link.trim();
    link.strip_prefix("https://")
        .or_else(|| link.strip_prefix("http://"))
        .unwrap_or(link)
}

fn same_link(a: &str, b: &str) -> bool {
    bare(a).trim_end_matches('/') == bare(b).trim_end_matches('/')
}

fn transport(e: reqwest::Error) -> PostError {
    // reqwest's message names the URL, never the Authorization header.
    PostError::transient(format!("could not reach X: {}", e.without_url()))
}

/// The body of a success; otherwise an error with X's own words, transient
/// for 429 (waiting until `x-rate-limit-reset`) and 5xx.
fn checked(response: Response) -> Result<Value, PostError> {
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim().to_string())
    };
    let retry_after = header("retry-after")
        .and_then(|v| v.parse::<u64>().ok())
        .map(Duration::from_secs)
        .or_else(|| {
            // X's reset is a Unix time in seconds.
            let reset = header("x-rate-limit-reset")?.parse::<i64>().ok()?;
            Some(Duration::from_secs(
                // Saturating: the header is the server's, any number at all.
                reset.saturating_sub(Utc::now().timestamp()).max(1) as u64,
            ))
        });
    let text = response.text().unwrap_or_default();
    let body: Option<Value> = serde_json::from_str(&text).ok();
    if (200..300).contains(&status) {
        // X has no idempotency key: a success that cannot be read is not
        // sent again blindly, it is looked for next run.
        let body = body.ok_or_else(|| PostError::unconfirmed("unreadable reply from X"))?;
        // X can answer 200 with only `errors` when nothing was done.
        if body.get("data").is_none() && body["errors"].is_array() {
            return Err(PostError::permanent(format!(
                "{status}: {}",
                problem_text(&body["errors"][0])
            )));
        }
        return Ok(body);
    }
    let detail = body
        .as_ref()
        .map(problem_text)
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| crate::secrets::excerpt(&text, 200));
    let message = if status == 403 && detail.to_lowercase().contains("duplicate") {
        format!("403: {DUPLICATE}: {detail}")
    } else if status == 401 {
        format!("401: X refused the credentials ({detail}); check {ACCESS_TOKEN_VAR}")
    } else {
        format!("{status}: {detail}")
    };
    Err(PostError {
        message,
        transient: status == 429 || status >= 500,
        retry_after,
        unconfirmed: false,
    })
}

/// X's words in a Problem (`detail`, `title`) or an older error shape.
fn problem_text(problem: &Value) -> String {
    let first_error = &problem["errors"][0];
    [
        &problem["detail"],
        &problem["title"],
        &first_error["message"],
        &first_error["detail"],
        &problem["message"],
    ]
    .iter()
    .find_map(|v| v.as_str())
    .unwrap_or_default()
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(text: &str, link: &str) -> OutreachItem {
        OutreachItem {
            id: "blog/bp/teaser/x".into(),
            post: None,
            post_url: "https://heart.example/blog/bp/".into(),
            title: "BP".into(),
            description: None,
            network: crate::outreach::Network::X,
            kind: crate::outreach::ItemKind::Teaser,
            text: text.into(),
            link: link.into(),
            hashtags: vec![],
            mentions: vec![],
            poll: None,
            image: None,
            language: "en".into(),
            not_before: None,
            approved: false,
            length: 0,
            limit: 280,
            warnings: vec![],
            follow_up: None,
        }
    }

    #[test]
    fn a_post_is_recognised_through_tco_links_and_entities() {
        let link = "https://heart.example/blog/bp/?utm_source=x&utm_medium=social";
        let item = item(
            &format!("Tips & tricks 💓 for heart.example readers.\n{link}\n\n#HeartHealth"),
            link,
        );
        let post = json!({
            "id": "1",
            "text": "Tips &amp; tricks 💓 for https://t.co/aaa readers.\nhttps://t.co/bbb\n\n#HeartHealth",
            "entities": {"urls": [
                {"start": 24, "end": 47, "url": "https://t.co/aaa", "expanded_url": "http://heart.example"},
                {"start": 56, "end": 79, "url": "https://t.co/bbb", "expanded_url": link}
            ]}
        });
        assert!(is_same_post(&item, &post));
        let other = item_with_text(&item, &format!("Do you check yours at home?\n{link}"));
        assert!(!is_same_post(&other, &post), "same link, other words");
        let elsewhere = json!({"id": "2", "text": post["text"], "entities": {"urls": []}});
        assert!(!is_same_post(&item, &elsewhere), "same words, no link back");
    }

    fn item_with_text(item: &OutreachItem, text: &str) -> OutreachItem {
        OutreachItem {
            text: text.into(),
            ..item.clone()
        }
    }

    #[test]
    fn polls_follow_xs_limits() {
        let poll = |options: &[&str], seconds| Poll {
            question: "?".into(),
            options: options.iter().map(|o| o.to_string()).collect(),
            seconds,
            native: true,
        };
        let ok = poll_json(&poll(&["Yes", "No"], 3 * 86_400)).unwrap();
        assert_eq!(ok["duration_minutes"], 4320);
        assert_eq!(
            poll_json(&poll(&["Yes", "No"], 60)).unwrap()["duration_minutes"],
            5
        );
        assert_eq!(
            poll_json(&poll(&["Yes", "No"], 30 * 86_400)).unwrap()["duration_minutes"],
            10_080
        );
        assert!(poll_json(&poll(&["Only"], 3600)).is_err());
        assert!(poll_json(&poll(&["a", "b", "c", "d", "e"], 3600)).is_err());
        assert!(poll_json(&poll(&["Yes", "An option far too long for X"], 3600)).is_err());
    }

    #[test]
    fn keys_carry_the_time_of_the_first_attempt() {
        let x = item("hi", "");
        let key = format!("{}@{}", x.id, 1_700_000_000);
        assert_eq!(key_time(&key).unwrap().timestamp(), 1_700_000_000);
        assert_eq!(key_time("blog/bp/teaser/x"), None);
    }
}
