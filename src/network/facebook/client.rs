//! Facebook Pages: a link post on the Page's feed, `POST /{page-id}/feed` with
//! the message and the link back (Facebook makes the card from the page's
//! Open Graph tags); an item due later goes out at once as a scheduled post.
//! Facebook has no idempotency key: after a crash the post is looked for on
//! the Page's own feed and scheduled posts.

use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use reqwest::blocking::Client as Http;
use serde_json::Value;

use crate::ledger::Action;
use crate::outreach::follow_up::FollowUp;
use crate::outreach::{Network, OutreachItem};
use crate::publish::graph::{self, GraphError};
use crate::publish::{Client, PostError, Remote};

pub const TOKEN_VAR: &str = "ROUNDS_FACEBOOK_PAGE_TOKEN";
const DEFAULT_BASE: &str = "https://graph.facebook.com";
/// A Graph API version; older ones are retired about two years after release.
pub const DEFAULT_VERSION: &str = "v25.0";
/// Facebook publishes a scheduled post no sooner than this after the request.
const SHORTEST_SCHEDULE: chrono::Duration = chrono::Duration::minutes(10);
/// Pages of the feed to look through for a post made before a crash.
const SEARCH_PAGES: usize = 5;

/// A client for `[networks.facebook]`: the Page from `id`, the Page access
/// token from `ROUNDS_FACEBOOK_PAGE_TOKEN`, the Graph API version from
/// `api_version`, the API from `instance` (for tests).
pub fn connect(
    setup: &crate::publish::Setup,
) -> Result<Box<dyn Client>, crate::publish::SetupError> {
    let token = crate::publish::Setup::secret(TOKEN_VAR, "Facebook")?;
    let settings = setup.settings;
    let page =
        settings
            .and_then(|s| s.id.clone())
            .ok_or(crate::publish::SetupError::MissingSetting(
                "set `id` (the Page's id) under [networks.facebook] in config.toml",
            ))?;
    let base = settings
        .and_then(|s| s.instance.clone())
        .unwrap_or_else(|| DEFAULT_BASE.into());
    let version = graph::api_version(
        settings.and_then(|s| s.api_version.as_deref()),
        "facebook",
        DEFAULT_VERSION,
    )?;
    let client = Facebook::new(&base, &version, &page, token, setup.timeout)?;
    Ok(Box::new(client))
}

pub struct Facebook {
    http: Http,
    /// `https://graph.facebook.com/v25.0`
    api: String,
    page: String,
    token: String,
}

impl Facebook {
    pub fn new(
        base: &str,
        version: &str,
        page: &str,
        token: String,
        timeout: Duration,
    ) -> Result<Self, PostError> {
        Ok(Facebook {
            http: crate::publish::http_client(timeout)?,
            api: format!("{}/{version}", base.trim_end_matches('/')),
            page: page.to_string(),
            token,
        })
    }

    fn failed(&self, e: GraphError) -> PostError {
        let mut error = e.into_post_error("Facebook", TOKEN_VAR);
        error.message = crate::secrets::scrub(&error.message);
        error
    }

    /// An authorised GET of a path under the API version; the token goes in
    /// the Authorization header, never the URL, which ends up in logs.
    fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Value, PostError> {
        self.http
            .get(format!("{}/{path}", self.api))
            .bearer_auth(&self.token)
            .query(query)
            .send()
            .map_err(graph::unreachable)
            .and_then(graph::checked)
            .map_err(|e| self.failed(e))
    }

    /// Looks for the item among the posts of one of the Page's edges (`feed`,
    /// `scheduled_posts`), newest first, back to a little before `since`
    /// (with none, as far as `SEARCH_PAGES` go).
    fn search(
        &self,
        edge: &str,
        item: &OutreachItem,
        since: Option<DateTime<Utc>>,
    ) -> Result<Option<Remote>, PostError> {
        // A little before the attempt began, for clocks that disagree.
        let cutoff = since.map(|s| s - chrono::Duration::minutes(5));
        let mut after: Option<String> = None;
        for _ in 0..SEARCH_PAGES {
            let mut query = vec![
                (
                    "fields",
                    "id,message,created_time,permalink_url".to_string(),
                ),
                ("limit", "50".to_string()),
            ];
            if let Some(cursor) = &after {
                query.push(("after", cursor.clone()));
            }
            let page = self.get(&format!("{}/{edge}", self.page), &query)?;
            let posts = page["data"].as_array().cloned().unwrap_or_default();
            if let Some(post) = posts
                .iter()
                .find(|p| graph::same_post(p["message"].as_str().unwrap_or_default(), item))
            {
                return Ok(Some(remote_of(post)));
            }
            let older = posts.last().is_none_or(|last| {
                created(last)
                    .zip(cutoff)
                    .is_some_and(|(t, cutoff)| t < cutoff)
            });
            after = page["paging"]["cursors"]["after"]
                .as_str()
                .map(str::to_string);
            if older || after.is_none() || page["paging"]["next"].is_null() {
                break;
            }
        }
        Ok(None)
    }
}

/// `created_time` as Graph writes it: `2026-01-10T09:30:00+0000`.
fn created(post: &Value) -> Option<DateTime<Utc>> {
    let text = post["created_time"].as_str()?;
    DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%z")
        .ok()
        .map(|t| t.with_timezone(&Utc))
        .or_else(|| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
                .ok()
                .map(|t| t.and_utc())
        })
}

fn remote_of(post: &Value) -> Remote {
    let id = post["id"].as_str().unwrap_or_default().to_string();
    let url = post["permalink_url"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| post_url(&id));
    Remote { id, url }
}

/// A Page post's address from its `PAGEID_POSTID` id.
pub fn post_url(id: &str) -> String {
    format!("https://www.facebook.com/{id}")
}

/// The form of a post: the message, the link back that makes the card, and,
/// for an item due later, the time Facebook is to publish it.
pub fn post_form(item: &OutreachItem, now: DateTime<Utc>) -> Vec<(&'static str, String)> {
    let mut form = vec![("message", item.text.clone()), ("link", item.link.clone())];
    // An item reaches here early only when it is within Facebook's window
    // (see `Network::schedules_ahead`); closer than Facebook's shortest lead,
    // which only a very slow retry could make it, it goes out now.
    if let Some(due) =
        crate::publish::goes_live(item, now).filter(|due| *due - now >= SHORTEST_SCHEDULE)
    {
        form.push(("published", "false".into()));
        form.push(("scheduled_publish_time", due.timestamp().to_string()));
    }
    form
}

impl Client for Facebook {
    fn new_key(&self, item: &OutreachItem) -> String {
        item.id.clone()
    }

    fn find(
        &mut self,
        item: &OutreachItem,
        _key: &str,
        since: Option<DateTime<Utc>>,
    ) -> Result<Option<Remote>, PostError> {
        if let Some(found) = self.search("feed", item, since)? {
            return Ok(Some(found));
        }
        // A scheduled post is not on the feed until it goes live.
        if crate::publish::goes_live(item, Utc::now()).is_some() {
            return self.search("scheduled_posts", item, since);
        }
        Ok(None)
    }

    fn post(&mut self, item: &OutreachItem, key: &str) -> Result<Remote, PostError> {
        if !Network::Facebook.fits(&item.text) {
            return Err(PostError::permanent(format!(
                "the text counts {} of Facebook's {} characters",
                Network::Facebook.count(&item.text),
                Network::Facebook.limit()
            )));
        }
        let answer = self
            .http
            .post(format!("{}/{}/feed", self.api, self.page))
            .bearer_auth(&self.token)
            .form(&post_form(item, Utc::now()))
            .send()
            .map_err(graph::unreachable)
            .and_then(graph::checked);
        match answer {
            Ok(body) => {
                let id = body["id"]
                    .as_str()
                    .ok_or_else(|| PostError::unconfirmed("Facebook's reply has no post id"))?;
                Ok(Remote {
                    id: id.to_string(),
                    url: post_url(id),
                })
            }
            // The same text went up a moment ago, maybe by a reply we lost.
            Err(e) if e.is_duplicate() => match self.find(item, key, None)? {
                Some(remote) => Ok(remote),
                None => Err(self.failed(e)),
            },
            Err(e) => Err(self.failed(e)),
        }
    }

    /// A Page post's message is edited in place (`POST /{post-id}` with
    /// `message`); a withdrawal deletes it when `[publish]` says so
    /// (`DELETE /{post-id}`). Facebook has no polls through the API, and its
    /// long limit leaves every notice room, so it never replies.
    fn follow_up(
        &mut self,
        item: &OutreachItem,
        follow: &FollowUp,
        _key: &str,
    ) -> Result<Remote, PostError> {
        let url = format!("{}/{}", self.api, follow.remote_id);
        let request = match follow.action {
            Action::Edit => self.http.post(url).form(&[("message", item.text.as_str())]),
            Action::Delete => self.http.delete(url),
            Action::Reply => {
                return Err(PostError::permanent(
                    "Rounds does not comment under a Facebook post; the notice goes into the post itself",
                ));
            }
        };
        let answer = request
            .bearer_auth(&self.token)
            .send()
            .map_err(graph::unreachable)
            .and_then(graph::checked);
        match answer {
            Ok(_) => Ok(Remote {
                id: follow.remote_id.clone(),
                url: match follow.action {
                    Action::Delete => String::new(),
                    _ => post_url(&follow.remote_id),
                },
            }),
            Err(e) => Err(self.failed(e)),
        }
    }

    /// An edit is done when the post's message is the new text; a delete
    /// when the post is no longer there (Graph's "does not exist").
    fn find_follow_up(
        &mut self,
        item: &OutreachItem,
        follow: &FollowUp,
        _key: &str,
    ) -> Result<Option<Remote>, PostError> {
        let post = self.get(&follow.remote_id, &[("fields", "id,message".to_string())]);
        match (follow.action, post) {
            (Action::Delete, Ok(_)) => Ok(None),
            (Action::Delete, Err(e)) if e.message.contains("does not exist") => Ok(Some(Remote {
                id: follow.remote_id.clone(),
                url: String::new(),
            })),
            (_, Err(e)) => Err(e),
            (_, Ok(post)) => Ok((post["message"].as_str() == Some(item.text.as_str())).then(
                || Remote {
                    id: follow.remote_id.clone(),
                    url: post_url(&follow.remote_id),
                },
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::graph::sample_item;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_due_item_is_a_link_post() {
        let item = sample_item(Network::Facebook, Some("2026-01-10"));
        let form = post_form(&item, at("2026-02-01T00:00:00Z"));
        assert_eq!(
            form,
            vec![("message", item.text.clone()), ("link", item.link.clone())]
        );
    }

    #[test]
    fn an_item_due_later_is_scheduled_for_its_time() {
        let item = sample_item(Network::Facebook, Some("2026-03-01T09:30:00Z"));
        let form = post_form(&item, at("2026-02-20T00:00:00Z"));
        assert!(form.contains(&("published", "false".into())));
        assert!(form.contains(&(
            "scheduled_publish_time",
            at("2026-03-01T09:30:00Z").timestamp().to_string()
        )));
        // Closer than Facebook's ten minutes, it is published at once.
        let form = post_form(&item, at("2026-03-01T09:25:00Z"));
        assert!(!form.iter().any(|(k, _)| *k == "scheduled_publish_time"));
    }

    #[test]
    fn graph_times_are_read() {
        let post = serde_json::json!({"created_time": "2026-01-10T09:30:00+0000"});
        assert_eq!(created(&post), Some(at("2026-01-10T09:30:00Z")));
    }
}
