//! Bluesky: a session that is refreshed rather than re-created, posts with
//! link, tag and mention facets at UTF-8 byte offsets, a link card with an
//! uploaded thumbnail, and record keys chosen here so a re-run can look first.

use std::path::PathBuf;

use reqwest::blocking::Client as Http;
use serde_json::{Value, json};

use crate::ledger::Action;
use crate::network::Network;
use crate::outreach::OutreachItem;
use crate::outreach::fit::protected_ranges;
use crate::outreach::follow_up::FollowUp;
use crate::publish::reply::checked;
use crate::publish::{BuiltSite, Client, PostError, Remote};

pub const HANDLE_VAR: &str = "ROUNDS_BLUESKY_HANDLE";
pub const PASSWORD_VAR: &str = "ROUNDS_BLUESKY_APP_PASSWORD";

/// A client for `[networks.bluesky]`: the handle from `ROUNDS_BLUESKY_HANDLE`
/// or `account`, the app password from `ROUNDS_BLUESKY_APP_PASSWORD`, the
/// service from `instance` (default bsky.social).
pub fn connect(
    setup: &crate::publish::Setup,
) -> Result<Box<dyn Client>, crate::publish::SetupError> {
    let settings = setup.settings;
    let handle = crate::publish::Setup::env(HANDLE_VAR)
        .or_else(|| settings.and_then(|s| s.account.clone()))
        .ok_or(crate::publish::SetupError::Unset {
            variable: HANDLE_VAR,
            network: "Bluesky",
        })?;
    let password = crate::publish::Setup::secret(PASSWORD_VAR, "Bluesky")?;
    let service = settings
        .and_then(|s| s.instance.clone())
        .unwrap_or_else(|| "https://bsky.social".into());
    let state = crate::publish::Setup::state_dir();
    let client = Bluesky::connect(
        &service,
        &handle,
        &password,
        state,
        setup.built.clone(),
        setup.timeout,
    )?;
    Ok(Box::new(client))
}

pub struct Bluesky {
    http: Http,
    service: String,
    did: String,
    access: String,
    site: BuiltSite,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Session {
    did: String,
    #[serde(rename = "accessJwt")]
    access: String,
    #[serde(rename = "refreshJwt")]
    refresh: String,
}

impl Session {
    /// The session's tokens are secrets as much as the password they came from.
    fn register(&self) {
        crate::secrets::register(&self.access);
        crate::secrets::register(&self.refresh);
    }
}

impl Bluesky {
    /// Resumes the saved session (refreshing it), or logs in once.
    pub fn connect(
        service: &str,
        handle: &str,
        password: &str,
        state_dir: Option<PathBuf>,
        site: BuiltSite,
        timeout: std::time::Duration,
    ) -> Result<Self, PostError> {
        let http = crate::publish::http_client(timeout)?;
        let service = service.trim_end_matches('/').to_string();
        let saved = state_dir
            .as_ref()
            .map(|d| d.join(format!("bluesky-{}.json", slug::slugify(handle))));
        let refreshed = saved
            .as_ref()
            .and_then(|f| std::fs::read_to_string(f).ok())
            .and_then(|t| serde_json::from_str::<Session>(&t).ok())
            .and_then(|s| {
                s.register();
                let response = http
                    .post(format!("{service}/xrpc/com.atproto.server.refreshSession"))
                    .bearer_auth(&s.refresh)
                    .send()
                    .ok()?;
                serde_json::from_value::<Session>(checked(response).ok()?).ok()
            });
        let session = match refreshed {
            Some(session) => session,
            None => {
                let response = http
                    .post(format!("{service}/xrpc/com.atproto.server.createSession"))
                    .json(&json!({"identifier": handle, "password": password}))
                    .send()
                    .map_err(|e| {
                        PostError::transient(format!(
                            "could not reach {service}: {}",
                            e.without_url()
                        ))
                    })?;
                let body = checked(response).map_err(|e| PostError {
                    message: format!("login failed: {}", e.message),
                    ..e
                })?;
                serde_json::from_value::<Session>(body)
                    .map_err(|e| PostError::permanent(format!("unexpected login reply: {e}")))?
            }
        };
        session.register();
        if let Some(file) = &saved {
            crate::publish::setup::save_private(
                file,
                &serde_json::to_string(&session).unwrap_or_default(),
            );
        }
        Ok(Bluesky {
            http,
            service,
            did: session.did,
            access: session.access,
            site,
        })
    }

    fn xrpc_post(&self, method: &str, body: &Value) -> Result<Value, PostError> {
        let response = self
            .http
            .post(format!("{}/xrpc/{method}", self.service))
            .bearer_auth(&self.access)
            .json(body)
            .send()
            .map_err(|e| {
                PostError::transient(format!("could not reach the server: {}", e.without_url()))
            })?;
        checked(response)
    }

    /// Uploads the link card's thumbnail: the item's picture, which the
    /// build made to Bluesky's limits (1,000,000 bytes, JPEG or PNG).
    fn thumb(&self, url: &str) -> Result<Value, PostError> {
        let image = self
            .site
            .picture(url)
            .map_err(|e| PostError::permanent(e.to_string()))?;
        let limits = crate::network::Network::Bluesky.pictures();
        if image.bytes.len() as u64 > limits.max_bytes {
            return Err(PostError::permanent(format!(
                "the picture {url} is {} bytes, over Bluesky's {}: build the site again",
                image.bytes.len(),
                limits.max_bytes
            )));
        }
        let response = self
            .http
            .post(format!("{}/xrpc/com.atproto.repo.uploadBlob", self.service))
            .bearer_auth(&self.access)
            .header("Content-Type", image.mime)
            .body(image.bytes)
            .send()
            .map_err(|e| {
                PostError::transient(format!("could not reach the server: {}", e.without_url()))
            })?;
        let blob = checked(response)?["blob"].clone();
        if blob.is_null() {
            return Err(PostError::permanent(
                "the server's answer to the picture's upload has no blob",
            ));
        }
        Ok(blob)
    }

    fn resolve(&self, handle: &str) -> Option<String> {
        let response = self
            .http
            .get(format!(
                "{}/xrpc/com.atproto.identity.resolveHandle",
                self.service
            ))
            .query(&[("handle", handle)])
            .send()
            .ok()?;
        checked(response).ok()?["did"].as_str().map(str::to_string)
    }
}

impl Client for Bluesky {
    fn new_key(&self, _item: &OutreachItem) -> String {
        tid(chrono::Utc::now().timestamp_micros())
    }

    fn find(
        &mut self,
        _item: &OutreachItem,
        key: &str,
        _since: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<Option<Remote>, PostError> {
        let response = self
            .http
            .get(format!("{}/xrpc/com.atproto.repo.getRecord", self.service))
            .query(&[
                ("repo", self.did.as_str()),
                ("collection", "app.bsky.feed.post"),
                ("rkey", key),
            ])
            .send()
            .map_err(|e| PostError::transient(e.without_url().to_string()))?;
        if response.status().as_u16() == 400 || response.status().as_u16() == 404 {
            return Ok(None); // RecordNotFound
        }
        let body = checked(response)?;
        Ok(body["uri"].as_str().map(|uri| Remote {
            id: uri.to_string(),
            url: web_url(&self.did, key),
        }))
    }

    fn post(&mut self, item: &OutreachItem, key: &str) -> Result<Remote, PostError> {
        let shown = Network::Bluesky.written_link(&item.link);
        let link_back = LinkBack {
            shown: &shown,
            uri: &item.link,
        };
        let facets = facets(&item.text, Some(link_back), |handle| self.resolve(handle));
        let mut record = json!({
            "$type": "app.bsky.feed.post",
            "text": item.text,
            "createdAt": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "langs": [item.language],
            "facets": facets,
        });
        // The card leads where the facet does: the tracked address.
        let mut external = json!({"uri": item.link, "title": item.title, "description": item.description.clone().unwrap_or_default()});
        if let Some(image) = &item.image {
            external["thumb"] = self.thumb(&image.url)?;
        }
        record["embed"] = json!({"$type": "app.bsky.embed.external", "external": external});
        let body = json!({"repo": self.did, "collection": "app.bsky.feed.post", "rkey": key, "record": record});
        match self.xrpc_post("com.atproto.repo.createRecord", &body) {
            // The record's key is ours, so its address is known even when
            // the reply leaves it out.
            Ok(reply) => Ok(Remote {
                id: reply["uri"].as_str().map_or_else(
                    || format!("at://{}/app.bsky.feed.post/{key}", self.did),
                    str::to_string,
                ),
                url: web_url(&self.did, key),
            }),
            // An existing key answers 500: look before calling it a failure.
            Err(e) if e.transient => match self.find(item, key, None)? {
                Some(remote) => Ok(remote),
                None => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    /// Bluesky has no edit (a rewritten record keeps showing as it was
    /// indexed, and replies and quotes name the old version by its cid), so
    /// a correction is a reply under the copy; a withdrawal is a reply or,
    /// as `[publish]` says, the copy's deletion.
    fn follow_up(
        &mut self,
        item: &OutreachItem,
        follow: &FollowUp,
        key: &str,
    ) -> Result<Remote, PostError> {
        match follow.action {
            Action::Delete => {
                let rkey = rkey_of(&follow.remote_id)?;
                let body =
                    json!({"repo": self.did, "collection": "app.bsky.feed.post", "rkey": rkey});
                // Deleting a record that is gone already succeeds.
                self.xrpc_post("com.atproto.repo.deleteRecord", &body)?;
                Ok(deleted(follow))
            }
            Action::Reply | Action::Edit => self.reply(item, follow, key),
        }
    }

    /// A reply is found by its record key, chosen here before it was sent;
    /// a delete is done when the copy's record is gone.
    fn find_follow_up(
        &mut self,
        item: &OutreachItem,
        follow: &FollowUp,
        key: &str,
    ) -> Result<Option<Remote>, PostError> {
        match follow.action {
            Action::Delete => Ok(match self.record(&follow.remote_id)? {
                None => Some(deleted(follow)),
                Some(_) => None,
            }),
            Action::Reply | Action::Edit => self.find(item, key, None),
        }
    }
}

impl Bluesky {
    /// The record behind an `at://` address of this account, or `None`
    /// when there is none.
    fn record(&self, uri: &str) -> Result<Option<Value>, PostError> {
        let rkey = rkey_of(uri)?;
        let response = self
            .http
            .get(format!("{}/xrpc/com.atproto.repo.getRecord", self.service))
            .query(&[
                ("repo", self.did.as_str()),
                ("collection", "app.bsky.feed.post"),
                ("rkey", rkey),
            ])
            .send()
            .map_err(|e| PostError::transient(e.without_url().to_string()))?;
        if matches!(response.status().as_u16(), 400 | 404) {
            return Ok(None); // RecordNotFound
        }
        checked(response).map(Some)
    }

    /// A post under the copy: `reply` names it (by uri and cid) as parent
    /// and root, since a copy is always the start of its thread.
    fn reply(
        &mut self,
        item: &OutreachItem,
        follow: &FollowUp,
        key: &str,
    ) -> Result<Remote, PostError> {
        let parent = self.record(&follow.remote_id)?.ok_or_else(|| {
            PostError::permanent(format!(
                "the copy {} is no longer on Bluesky, so there is nothing to reply under",
                follow.remote_url.as_deref().unwrap_or(&follow.remote_id)
            ))
        })?;
        let strong = json!({"uri": parent["uri"], "cid": parent["cid"]});
        let record = json!({
            "$type": "app.bsky.feed.post",
            "text": item.text,
            "createdAt": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "langs": [item.language],
            "facets": facets(&item.text, None, |handle| self.resolve(handle)),
            "reply": {"root": strong, "parent": strong},
        });
        let body = json!({"repo": self.did, "collection": "app.bsky.feed.post", "rkey": key, "record": record});
        match self.xrpc_post("com.atproto.repo.createRecord", &body) {
            Ok(reply) => Ok(Remote {
                id: reply["uri"].as_str().map_or_else(
                    || format!("at://{}/app.bsky.feed.post/{key}", self.did),
                    str::to_string,
                ),
                url: web_url(&self.did, key),
            }),
            Err(e) if e.transient => match self.find(item, key, None)? {
                Some(remote) => Ok(remote),
                None => Err(e),
            },
            Err(e) => Err(e),
        }
    }
}

/// The record key at the end of an `at://did/app.bsky.feed.post/KEY` address.
fn rkey_of(uri: &str) -> Result<&str, PostError> {
    uri.strip_prefix("at://")
        .and_then(|rest| rest.rsplit_once("/app.bsky.feed.post/"))
        .map(|(_, rkey)| rkey)
        .filter(|rkey| !rkey.is_empty() && !rkey.contains('/'))
        .ok_or_else(|| {
            PostError::permanent(format!(
                "`remote_id = \"{uri}\"` in {} is not the address of a Bluesky post (at://…/app.bsky.feed.post/…)",
                crate::ledger::FILE
            ))
        })
}

/// A deleted copy: its id, and no address any more.
fn deleted(follow: &FollowUp) -> Remote {
    Remote {
        id: follow.remote_id.clone(),
        url: String::new(),
    }
}

fn web_url(did: &str, rkey: &str) -> String {
    format!("https://bsky.app/profile/{did}/post/{rkey}")
}

/// The link back as the text shows it and the address it leads to.
pub struct LinkBack<'a> {
    pub shown: &'a str,
    pub uri: &'a str,
}

/// Link, tag and mention facets, with UTF-8 byte offsets (end exclusive).
/// The link back is written short in the text (`clinic.org/blog/rsv…`): its
/// facet carries the whole tracked address.
pub fn facets(
    text: &str,
    link_back: Option<LinkBack>,
    resolve: impl Fn(&str) -> Option<String>,
) -> Vec<Value> {
    let mut out = Vec::new();
    // The link back is the last thing of its kind in the text: the writer's
    // own words cannot hide it.
    let back = link_back.and_then(|l| {
        let start = text.rfind(l.shown).filter(|_| !l.shown.is_empty())?;
        Some((start..start + l.shown.len(), l.uri))
    });
    if let Some((range, uri)) = &back {
        out.push(facet(
            range.clone(),
            json!({"$type": "app.bsky.richtext.facet#link", "uri": uri}),
        ));
    }
    let overlaps_back = |r: &std::ops::Range<usize>| {
        back.as_ref()
            .is_some_and(|(b, _)| r.start < b.end && b.start < r.end)
    };
    for range in protected_ranges(text) {
        if overlaps_back(&range) {
            continue;
        }
        let token = &text[range.clone()];
        let feature = if let Some(tag) = token.strip_prefix('#') {
            json!({"$type": "app.bsky.richtext.facet#tag", "tag": tag})
        } else if let Some(handle) = token.strip_prefix('@') {
            match resolve(handle) {
                Some(did) => json!({"$type": "app.bsky.richtext.facet#mention", "did": did}),
                None => continue,
            }
        } else {
            json!({"$type": "app.bsky.richtext.facet#link", "uri": token})
        };
        out.push(facet(range, feature));
    }
    out.sort_by_key(|f| f["index"]["byteStart"].as_u64());
    out
}

fn facet(range: std::ops::Range<usize>, feature: Value) -> Value {
    json!({"index": {"byteStart": range.start, "byteEnd": range.end}, "features": [feature]})
}

/// A record key: a timestamp identifier (53 bits of microseconds, 10 bits of
/// clock id) in sortable base32, as atproto requires for posts.
pub fn tid(micros: i64) -> String {
    const ALPHABET: &[u8] = b"234567abcdefghijklmnopqrstuvwxyz";
    let clock = u64::from(std::process::id() % 1024);
    let value = ((micros as u64) << 10 | clock) & 0x7FFF_FFFF_FFFF_FFFF;
    (0..13)
        .rev()
        .map(|i| ALPHABET[((value >> (i * 5)) & 31) as usize] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facets_use_utf8_byte_offsets() {
        let text = "Café ❤️ check: https://clinic.example/a?x=1 #HeartHealth @gym.bsky.social";
        let facets = facets(text, None, |h| {
            (h == "gym.bsky.social").then(|| "did:plc:gym".to_string())
        });
        assert_eq!(facets.len(), 3);
        let slice = |f: &Value| {
            let start = f["index"]["byteStart"].as_u64().unwrap() as usize;
            let end = f["index"]["byteEnd"].as_u64().unwrap() as usize;
            &text.as_bytes()[start..end]
        };
        assert_eq!(slice(&facets[0]), b"https://clinic.example/a?x=1");
        assert_eq!(slice(&facets[1]), b"#HeartHealth");
        assert_eq!(facets[1]["features"][0]["tag"], "HeartHealth");
        assert_eq!(facets[2]["features"][0]["did"], "did:plc:gym");
    }

    #[test]
    fn the_short_link_back_carries_the_whole_tracked_address() {
        let uri = "https://clinic.example/blog/rsv-in-babies/?utm_source=bluesky&utm_medium=social";
        let shown = Network::Bluesky.written_link(uri);
        let text = format!("Ça va? Call us right away.\n\n{shown}\n\n#RSV");
        let facets = facets(&text, Some(LinkBack { shown: &shown, uri }), |_| None);
        assert_eq!(facets.len(), 2, "{facets:?}");
        let start = facets[0]["index"]["byteStart"].as_u64().unwrap() as usize;
        let end = facets[0]["index"]["byteEnd"].as_u64().unwrap() as usize;
        assert_eq!(&text[start..end], shown);
        assert_eq!(facets[0]["features"][0]["uri"], uri);
        assert_eq!(facets[1]["features"][0]["tag"], "RSV");
    }

    #[test]
    fn tids_are_13_sortable_characters() {
        let a = tid(1_700_000_000_000_000);
        let b = tid(1_700_000_000_000_001);
        assert_eq!(a.len(), 13);
        assert!(a < b);
        assert!(
            a.starts_with(|c: char| "234567abcdefghij".contains(c)),
            "top bit is zero: {a}"
        );
    }
}
