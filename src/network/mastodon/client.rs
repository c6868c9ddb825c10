//! Mastodon: media v2 with alt text, then a status with language,
//! visibility and a native poll; `Idempotency-Key` makes repeats land once.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::blocking::Client as Http;
use serde_json::{Value, json};

use crate::ledger::Action;
use crate::network::{Network, PictureFormat, PictureLimits};
use crate::outreach::OutreachItem;
use crate::outreach::follow_up::FollowUp;
use crate::publish::reply::checked;
use crate::publish::{BuiltSite, Client, PostError, Remote};

pub const TOKEN_VAR: &str = "ROUNDS_MASTODON_TOKEN";

/// A client for `[networks.mastodon]`: the instance from the settings, the
/// token from `ROUNDS_MASTODON_TOKEN`.
pub fn connect(
    setup: &crate::publish::Setup,
) -> Result<Box<dyn Client>, crate::publish::SetupError> {
    let token = crate::publish::Setup::secret(TOKEN_VAR, "Mastodon")?;
    let settings = setup.settings;
    let instance = settings.and_then(|s| s.instance.clone()).ok_or(
        crate::publish::SetupError::MissingSetting(
            "set `instance` under [networks.mastodon] in config.toml",
        ),
    )?;
    let visibility = settings.and_then(|s| s.visibility.clone());
    let client = Mastodon::new(
        &instance,
        token,
        visibility,
        setup.built.clone(),
        setup.timeout,
    )?;
    Ok(Box::new(client))
}

pub struct Mastodon {
    http: Http,
    instance: String,
    token: String,
    visibility: String,
    /// The built site, to upload a post's image from.
    site: BuiltSite,
    /// Poll limits from `/api/v2/instance`, read once.
    limits: Option<Value>,
}

impl Mastodon {
    pub fn new(
        instance: &str,
        token: String,
        visibility: Option<String>,
        site: BuiltSite,
        timeout: Duration,
    ) -> Result<Self, PostError> {
        let http = crate::publish::http_client(timeout)?;
        Ok(Mastodon {
            http,
            instance: instance.trim_end_matches('/').to_string(),
            token,
            visibility: visibility.unwrap_or_else(|| "public".into()),
            site,
            limits: None,
        })
    }

    /// An authorised GET of an API path.
    fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Value, PostError> {
        let response = self
            .http
            .get(format!("{}{path}", self.instance))
            .bearer_auth(&self.token)
            .query(query)
            .send()
            .map_err(transport)?;
        checked(response)
    }

    fn limits(&mut self) -> Result<&Value, PostError> {
        if self.limits.is_none() {
            let response = self
                .http
                .get(format!("{}/api/v2/instance", self.instance))
                .send()
                .map_err(transport)?;
            let body = checked(response)?;
            self.limits = Some(body["configuration"].clone());
        }
        Ok(self.limits.as_ref().expect("just set"))
    }

    /// What this instance takes as a picture (`configuration.media_attachments`),
    /// where it says; Mastodon's defaults where it does not.
    fn picture_limits(&mut self) -> PictureLimits {
        let defaults = Network::Mastodon.pictures();
        // An instance that does not say (no `/api/v2/instance` before
        // Mastodon 4) takes what Mastodon takes by default.
        let media = self
            .limits()
            .ok()
            .and_then(|l| l.get("media_attachments").cloned())
            .unwrap_or(Value::Null);
        let formats: Vec<PictureFormat> = media["supported_mime_types"]
            .as_array()
            .map(|types| {
                types
                    .iter()
                    .filter_map(|t| t.as_str().and_then(PictureFormat::from_mime))
                    .collect()
            })
            .unwrap_or_else(|| defaults.formats.clone());
        PictureLimits {
            formats,
            max_bytes: media["image_size_limit"]
                .as_u64()
                .unwrap_or(defaults.max_bytes),
            max_pixels: media["image_matrix_limit"]
                .as_u64()
                .unwrap_or(defaults.max_pixels),
            longest_side: defaults.longest_side,
        }
    }

    /// Uploads the item's picture with its alt text, fitted again first if
    /// this instance's limits are tighter than Mastodon's defaults (which the
    /// build made it for).
    fn upload(&mut self, url: &str, alt: Option<&str>) -> Result<String, PostError> {
        let image = self
            .site
            .picture(url)
            .map_err(|e| PostError::permanent(e.to_string()))?;
        let limits = self.picture_limits();
        let format = PictureFormat::from_mime(image.mime).unwrap_or(PictureFormat::Jpeg);
        let (bytes, mime, name) =
            match crate::picture::convert::refit(&image.bytes, format, &limits) {
                Ok(None) => (image.bytes, image.mime, image.name),
                Ok(Some((bytes, format))) => {
                    let stem = image
                        .name
                        .rsplit_once('.')
                        .map_or(image.name.as_str(), |(s, _)| s);
                    let name = format!("{stem}.{}", format.extension());
                    (bytes, format.mime(), name)
                }
                Err(e) => {
                    return Err(PostError::permanent(format!(
                        "the picture {url} does not fit this instance's limits: {e}"
                    )));
                }
            };
        let part = reqwest::blocking::multipart::Part::bytes(bytes)
            .file_name(name)
            .mime_str(mime)
            .map_err(|e| PostError::permanent(e.to_string()))?;
        let mut form = reqwest::blocking::multipart::Form::new().part("file", part);
        if let Some(alt) = alt {
            form = form.text("description", alt.to_string());
        }
        let response = self
            .http
            .post(format!("{}/api/v2/media", self.instance))
            .bearer_auth(&self.token)
            .multipart(form)
            .send()
            .map_err(transport)?;
        let body = checked(response)?;
        body["id"].as_str().map(str::to_string).ok_or_else(|| {
            PostError::permanent("the server's answer to the picture's upload has no media id")
        })
    }
}

impl Client for Mastodon {
    fn new_key(&self, item: &OutreachItem) -> String {
        item.id.clone()
    }

    /// Within Mastodon's idempotency window a re-post with the same key
    /// returns the status already made, so there is nothing to look for.
    /// Past it, the status is looked for among the account's own recent ones
    /// by its link back to the post.
    fn find(
        &mut self,
        item: &OutreachItem,
        _key: &str,
        since: Option<DateTime<Utc>>,
    ) -> Result<Option<Remote>, PostError> {
        let since = since.unwrap_or(DateTime::<Utc>::MIN_UTC);
        if Utc::now() - since < IDEMPOTENCY_WINDOW {
            return Ok(None);
        }
        let wanted = words(&item.text, &item.link);
        // A post's teaser and its discussion share the link; the words tell them apart.
        self.search_own(Some(since), |status| {
            let content = status["content"].as_str().unwrap_or_default();
            words(&plain_text(content), &item.link) == wanted
        })
    }

    fn post(&mut self, item: &OutreachItem, key: &str) -> Result<Remote, PostError> {
        let mut status = json!({
            "status": item.text,
            "visibility": self.visibility,
            "language": item.language.split('-').next().unwrap_or("en"),
        });
        match (&item.poll, &item.image) {
            (Some(poll), _) if poll.native => {
                let polls = self.limits()?.get("polls").cloned().unwrap_or(Value::Null);
                let min = polls["min_expiration"].as_u64().unwrap_or(300);
                let max = polls["max_expiration"].as_u64().unwrap_or(2_629_746);
                let max_options = polls["max_options"].as_u64().unwrap_or(4) as usize;
                let max_chars = polls["max_characters_per_option"].as_u64().unwrap_or(50) as usize;
                if poll.options.len() > max_options {
                    return Err(PostError::permanent(format!(
                        "this instance allows {max_options} poll options"
                    )));
                }
                if let Some(long) = poll.options.iter().find(|o| o.chars().count() > max_chars) {
                    return Err(PostError::permanent(format!(
                        "poll option \"{long}\" is longer than this instance's {max_chars} characters"
                    )));
                }
                status["poll"] = json!({"options": poll.options, "expires_in": poll.seconds.clamp(min, max), "multiple": false});
            }
            // A card is the page's `og:image`, which Mastodon's preview card
            // shows; uploading it too would hide that card, and spend the
            // instance's media allowance (30 uploads per 30 minutes).
            (_, Some(image)) if !image.card => {
                let id = self.upload(&image.url, image.alt.as_deref())?;
                status["media_ids"] = json!([id]);
            }
            _ => {}
        }
        let response = self
            .http
            .post(format!("{}/api/v1/statuses", self.instance))
            .bearer_auth(&self.token)
            .header("Idempotency-Key", key)
            .json(&status)
            .send()
            .map_err(transport)?;
        remote_of(&checked(response)?)
    }

    fn follow_up(
        &mut self,
        item: &OutreachItem,
        follow: &FollowUp,
        key: &str,
    ) -> Result<Remote, PostError> {
        match follow.action {
            Action::Edit => self.edit(item, follow),
            Action::Reply => self.reply(item, follow, key),
            Action::Delete => self.delete(follow),
        }
    }

    /// An edit is done when the status has the new words; a delete when
    /// the status is gone; a reply when one of the account's statuses under
    /// the copy has the reply's words (within the idempotency window the
    /// repeated reply lands once by its key, so there is nothing to look for).
    fn find_follow_up(
        &mut self,
        item: &OutreachItem,
        follow: &FollowUp,
        key: &str,
    ) -> Result<Option<Remote>, PostError> {
        let _ = key;
        match follow.action {
            Action::Edit => {
                let status = self
                    .status(&follow.remote_id)?
                    .ok_or_else(|| gone(follow))?;
                let content = status["content"].as_str().unwrap_or_default();
                let edited = words(&plain_text(content), "") == words(&item.text, "");
                edited.then(|| remote_of(&status)).transpose()
            }
            Action::Delete => Ok(match self.status(&follow.remote_id)? {
                None => Some(deleted(follow)),
                Some(_) => None,
            }),
            Action::Reply => {
                let wanted = words(&item.text, "");
                self.search_own(None, |status| {
                    status["in_reply_to_id"].as_str() == Some(follow.remote_id.as_str())
                        && words(
                            &plain_text(status["content"].as_str().unwrap_or_default()),
                            "",
                        ) == wanted
                })
            }
        }
    }
}

impl Mastodon {
    /// The status, or `None` when there is none (deleted, or never made).
    fn status(&self, id: &str) -> Result<Option<Value>, PostError> {
        match self.get(&format!("/api/v1/statuses/{id}"), &[]) {
            Ok(status) => Ok(Some(status)),
            Err(e) if e.message.starts_with("404:") => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `PUT /api/v1/statuses/:id` with the new text. The status's media are
    /// named again, so the edit keeps its picture whatever the instance's
    /// version does with an edit that names none. Polls are never edited
    /// (an edited poll loses its votes): the plan replies under them.
    fn edit(&mut self, item: &OutreachItem, follow: &FollowUp) -> Result<Remote, PostError> {
        let status = self
            .status(&follow.remote_id)?
            .ok_or_else(|| gone(follow))?;
        if !status["poll"].is_null() {
            return Err(PostError::permanent(
                "the copy is a poll, which Rounds never edits",
            ));
        }
        let media: Vec<Value> = status["media_attachments"]
            .as_array()
            .map(|m| m.iter().map(|a| a["id"].clone()).collect())
            .unwrap_or_default();
        let mut body = json!({
            "status": item.text,
            "language": item.language.split('-').next().unwrap_or("en"),
        });
        if !media.is_empty() {
            body["media_ids"] = Value::Array(media);
        }
        let response = self
            .http
            .put(format!(
                "{}/api/v1/statuses/{}",
                self.instance, follow.remote_id
            ))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .map_err(transport)?;
        remote_of(&checked(response)?)
    }

    /// A reply under the copy, with the copy's visibility.
    fn reply(
        &mut self,
        item: &OutreachItem,
        follow: &FollowUp,
        key: &str,
    ) -> Result<Remote, PostError> {
        let status = json!({
            "status": item.text,
            "visibility": self.visibility,
            "language": item.language.split('-').next().unwrap_or("en"),
            "in_reply_to_id": follow.remote_id,
        });
        let response = self
            .http
            .post(format!("{}/api/v1/statuses", self.instance))
            .bearer_auth(&self.token)
            .header("Idempotency-Key", key)
            .json(&status)
            .send()
            .map_err(transport)?;
        remote_of(&checked(response)?)
    }

    /// `DELETE /api/v1/statuses/:id`; a copy already gone is deleted.
    fn delete(&mut self, follow: &FollowUp) -> Result<Remote, PostError> {
        let response = self
            .http
            .delete(format!(
                "{}/api/v1/statuses/{}",
                self.instance, follow.remote_id
            ))
            .bearer_auth(&self.token)
            .send()
            .map_err(transport)?;
        match checked(response) {
            Ok(_) => Ok(deleted(follow)),
            Err(e) if e.message.starts_with("404:") => Ok(deleted(follow)),
            Err(e) => Err(e),
        }
    }

    /// The account's own statuses, newest first, back to a little before
    /// `since`, until one `matches`.
    fn search_own(
        &mut self,
        since: Option<DateTime<Utc>>,
        matches: impl Fn(&Value) -> bool,
    ) -> Result<Option<Remote>, PostError> {
        let since = since.unwrap_or(DateTime::<Utc>::MIN_UTC);
        let me = self.get("/api/v1/accounts/verify_credentials", &[])?;
        let account = me["id"]
            .as_str()
            .ok_or_else(|| PostError::permanent("the server's account has no id"))?
            .to_string();
        // Statuses older than a little before the attempt cannot be it. (A
        // ledger record without a time gives the earliest time there is,
        // which cannot be moved earlier.)
        let cutoff = since
            .checked_sub_signed(chrono::Duration::minutes(5))
            .unwrap_or(since);
        let mut max_id: Option<String> = None;
        for _ in 0..SEARCH_PAGES {
            let mut query = vec![("limit", "40".to_string())];
            if let Some(max) = &max_id {
                query.push(("max_id", max.clone()));
            }
            let page = self.get(&format!("/api/v1/accounts/{account}/statuses"), &query)?;
            let statuses = page.as_array().cloned().unwrap_or_default();
            if let Some(found) = statuses.iter().find(|s| matches(s)) {
                return Ok(Some(remote_of(found)?));
            }
            let older_than_attempt = statuses.last().is_none_or(|last| {
                last["created_at"]
                    .as_str()
                    .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                    .is_some_and(|t| t.with_timezone(&Utc) < cutoff)
            });
            if older_than_attempt {
                break;
            }
            max_id = statuses
                .last()
                .and_then(|s| s["id"].as_str())
                .map(str::to_string);
        }
        Ok(None)
    }
}

/// A deleted copy: its id, and no address any more.
fn deleted(follow: &FollowUp) -> Remote {
    Remote {
        id: follow.remote_id.clone(),
        url: String::new(),
    }
}

fn gone(follow: &FollowUp) -> PostError {
    PostError::permanent(format!(
        "the copy {} is no longer on the instance, so there is nothing to edit",
        follow.remote_url.as_deref().unwrap_or(&follow.remote_id)
    ))
}

/// Mastodon keeps an Idempotency-Key for an hour; a little less, to be safe
/// against clocks that disagree.
const IDEMPOTENCY_WINDOW: chrono::Duration = chrono::Duration::minutes(50);
/// Pages of 40 statuses to look through for a post made before a crash.
const SEARCH_PAGES: usize = 5;

/// A status's HTML as the text that was posted: tags dropped (Mastodon's
/// shortened links keep their full text in hidden spans), entities decoded.
fn plain_text(html: &str) -> String {
    static TAG: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"<br\s*/?>|</p>|<[^>]*>").expect("valid"));
    let spaced = TAG.replace_all(html, |c: &regex::Captures| {
        if c[0].starts_with("<br") || c[0].starts_with("</p") {
            " "
        } else {
            ""
        }
    });
    spaced
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The words of a post without its link, to compare a status with an item.
fn words(text: &str, link: &str) -> Vec<String> {
    text.replace(link, " ")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn remote_of(status: &Value) -> Result<Remote, PostError> {
    let id = status["id"]
        .as_str()
        .ok_or_else(|| PostError::unconfirmed("the server's reply has no status id"))?;
    let url = status["url"]
        .as_str()
        .or(status["uri"].as_str())
        .unwrap_or_default();
    Ok(Remote {
        id: id.to_string(),
        url: url.to_string(),
    })
}

fn transport(e: reqwest::Error) -> PostError {
    // reqwest's message names the URL, never the Authorization header.
    PostError::transient(format!("could not reach the server: {}", e.without_url()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_is_recognised_by_its_words_not_its_markup() {
        let link = "https://heart.example/blog/bp/?utm_source=mastodon&utm_medium=social";
        let html = "<p>Café tips 💓 for your blood pressure.<br /><a href=\"https://heart.example/blog/bp/?utm_source=mastodon&amp;utm_medium=social\" rel=\"nofollow noopener\"><span class=\"invisible\">https://</span><span class=\"ellipsis\">heart.example/blog/bp/?utm_sou</span><span class=\"invisible\">rce=mastodon&amp;utm_medium=social</span></a></p><p><a href=\"x/tags/hearthealth\" class=\"mention hashtag\">#<span>HeartHealth</span></a></p>";
        let text = format!("Café tips 💓 for your blood pressure.\n{link}\n\n#HeartHealth");
        assert_eq!(words(&plain_text(html), link), words(&text, link));
        let other = format!("Do you check yours at home?\n{link}");
        assert_ne!(words(&plain_text(html), link), words(&other, link));
    }
}
