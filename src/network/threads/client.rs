//! Threads: a post is made in two steps, a media container
//! (`POST /{user}/threads`) and its publication
//! (`POST /{user}/threads_publish?creation_id=…`).
//!
//! Exactly once across the two steps: the container's id is saved in the
//! ledger (as the item's key, `container:<id>`) before it is published. After
//! a crash, `find` asks the container's status: one that was published is
//! looked up on the account's own threads by its words and link back; one
//! that is ready is published on the re-run; one that expired (containers
//! last 24 hours) or failed is replaced. A crash before the key was saved
//! leaves at most an unpublished container, which expires unseen.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::blocking::Client as Http;
use serde_json::{Map, Value, json};

use crate::network::PictureFormat;
use crate::outreach::network::{Attachment, THREADS_MAX_LINKS, threads_links};
use crate::outreach::{Network, OutreachItem};
use crate::publish::graph::{self, GraphError};
use crate::publish::{Checkpoint, Client, PostError, Remote};

pub const TOKEN_VAR: &str = "ROUNDS_THREADS_TOKEN";
const DEFAULT_BASE: &str = "https://graph.threads.net";
pub const DEFAULT_VERSION: &str = "v1.0";
/// How a key names a container made for the item.
const CONTAINER: &str = "container:";
/// Pages of the account's threads to look through for a post made before a crash.
const SEARCH_PAGES: usize = 5;
/// Threads asks for about 30 seconds before an image container is ready.
const READY_CHECKS: u32 = 10;
const READY_PAUSE: Duration = Duration::from_secs(3);
/// Threads' limits on a poll option and on alt text.
const OPTION_LEN: usize = 25;
const ALT_LEN: usize = 1000;

/// A client for `[networks.threads]`: the user from `id` (default `me`), the
/// token from `ROUNDS_THREADS_TOKEN`, the API from `instance` (for tests).
pub fn connect(
    setup: &crate::publish::Setup,
) -> Result<Box<dyn Client>, crate::publish::SetupError> {
    let token = crate::publish::Setup::secret(TOKEN_VAR, "Threads")?;
    let settings = setup.settings;
    let user = settings
        .and_then(|s| s.id.clone())
        .unwrap_or_else(|| "me".into());
    let base = settings
        .and_then(|s| s.instance.clone())
        .unwrap_or_else(|| DEFAULT_BASE.into());
    let version = graph::api_version(
        settings.and_then(|s| s.api_version.as_deref()),
        "threads",
        DEFAULT_VERSION,
    )?;
    let client = Threads::new(&base, &version, &user, token, setup.timeout)?;
    Ok(Box::new(client))
}

/// What the Threads API says of a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    /// Ready to publish (FINISHED), or still being prepared (IN_PROGRESS).
    Ready,
    Preparing,
    Published,
    /// EXPIRED, ERROR, or not there at all: make another.
    Gone,
}

pub struct Threads {
    http: Http,
    /// `https://graph.threads.net/v1.0`
    api: String,
    user: String,
    token: String,
    /// Containers made (or found) for items and not yet published, by item id.
    containers: HashMap<String, String>,
    /// Threads published whose permalink is still to be read, by item id.
    published: HashMap<String, String>,
}

impl Threads {
    pub fn new(
        base: &str,
        version: &str,
        user: &str,
        token: String,
        timeout: Duration,
    ) -> Result<Self, PostError> {
        Ok(Threads {
            http: crate::publish::http_client(timeout)?,
            api: format!("{}/{version}", base.trim_end_matches('/')),
            user: user.to_string(),
            token,
            containers: HashMap::new(),
            published: HashMap::new(),
        })
    }

    fn failed(&self, e: GraphError) -> PostError {
        let mut error = e.into_post_error("Threads", TOKEN_VAR);
        error.message = crate::secrets::scrub(&error.message);
        error
    }

    /// The token goes in the Authorization header, never the URL.
    fn send(&self, request: reqwest::blocking::RequestBuilder) -> Result<Value, GraphError> {
        request
            .bearer_auth(&self.token)
            .send()
            .map_err(graph::unreachable)
            .and_then(graph::checked)
    }

    fn call(&self, request: reqwest::blocking::RequestBuilder) -> Result<Value, PostError> {
        self.send(request).map_err(|e| self.failed(e))
    }

    fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Value, PostError> {
        self.call(self.http.get(format!("{}/{path}", self.api)).query(query))
    }

    fn status(&self, container: &str) -> Result<Status, PostError> {
        let request = self
            .http
            .get(format!("{}/{container}", self.api))
            .query(&[("fields", "status,error_message")]);
        let body = match self.send(request) {
            Ok(body) => body,
            // A container id Threads no longer knows.
            Err(e) if e.status == 404 || e.code == Some(100) => return Ok(Status::Gone),
            Err(e) => return Err(self.failed(e)),
        };
        Ok(match body["status"].as_str().unwrap_or_default() {
            "FINISHED" => Status::Ready,
            "IN_PROGRESS" => Status::Preparing,
            "PUBLISHED" => Status::Published,
            _ => Status::Gone,
        })
    }

    /// Step one: a container for the item, and whether it is an image
    /// Threads must fetch and prepare.
    fn create(&self, item: &OutreachItem) -> Result<(String, bool), PostError> {
        // Threads fetches the picture from the deployed site; the build made
        // it to Threads' limits, so its format is all there is to check.
        let form = container_form(item, |url| {
            let extension = url.rsplit_once('.').map_or("", |(_, e)| e);
            PictureFormat::from_extension(extension)
                .is_some_and(|f| Network::Threads.pictures().takes(f))
        })?;
        let body = self.call(
            self.http
                .post(format!("{}/{}/threads", self.api, self.user))
                .form(&form),
        )?;
        let image = form.contains(&("media_type", "IMAGE".to_string()));
        body["id"]
            .as_str()
            .map(|id| (id.to_string(), image))
            .ok_or_else(|| PostError::transient("Threads' reply has no container id"))
    }

    /// Waits while an image container is prepared; a text one is ready at once.
    fn until_ready(&self, container: &str) -> Result<Status, PostError> {
        for check in 0..READY_CHECKS {
            let status = self.status(container)?;
            if status != Status::Preparing {
                return Ok(status);
            }
            if check + 1 < READY_CHECKS {
                std::thread::sleep(READY_PAUSE);
            }
        }
        Err(PostError::transient(
            "Threads is still preparing the post's image",
        ))
    }

    /// Step two: the container published as a thread; its media id.
    fn publish(&self, container: &str) -> Result<String, PostError> {
        let body = self.call(
            self.http
                .post(format!("{}/{}/threads_publish", self.api, self.user))
                .query(&[("creation_id", container)]),
        )?;
        body["id"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| PostError::unconfirmed("Threads' reply has no media id"))
    }

    fn permalink(&self, media: &str) -> Result<Remote, PostError> {
        let body = self.get(media, &[("fields", "permalink".into())])?;
        let url = body["permalink"]
            .as_str()
            .ok_or_else(|| PostError::transient("Threads gave no permalink for the post"))?;
        Ok(Remote {
            id: media.to_string(),
            url: url.to_string(),
        })
    }

    /// Looks for the item among the account's threads, newest first, back to
    /// a little before `since`.
    fn search(
        &self,
        item: &OutreachItem,
        since: Option<DateTime<Utc>>,
    ) -> Result<Option<Remote>, PostError> {
        let mut query = vec![
            ("fields", "id,text,timestamp,permalink".to_string()),
            ("limit", "50".to_string()),
        ];
        if let Some(since) = since {
            let from = since - chrono::Duration::minutes(5);
            query.push(("since", from.timestamp().to_string()));
        }
        let mut after: Option<String> = None;
        for _ in 0..SEARCH_PAGES {
            let mut query = query.clone();
            if let Some(cursor) = &after {
                query.push(("after", cursor.clone()));
            }
            let page = self.get(&format!("{}/threads", self.user), &query)?;
            let threads = page["data"].as_array().cloned().unwrap_or_default();
            if let Some(thread) = threads
                .iter()
                .find(|t| graph::same_post(t["text"].as_str().unwrap_or_default(), item))
            {
                let id = thread["id"].as_str().unwrap_or_default().to_string();
                return match thread["permalink"].as_str() {
                    Some(url) => Ok(Some(Remote {
                        id,
                        url: url.to_string(),
                    })),
                    None => self.permalink(&id).map(Some),
                };
            }
            after = page["paging"]["cursors"]["after"]
                .as_str()
                .map(str::to_string);
            if threads.is_empty() || after.is_none() || page["paging"]["next"].is_null() {
                break;
            }
        }
        Ok(None)
    }
}

/// An error after the thread was published: never one that marks the item
/// failed, which would have the next run post it again.
fn published(e: PostError) -> PostError {
    PostError {
        transient: true,
        ..e
    }
}

/// Step one's form: TEXT with the link back as its card, or with a poll; or
/// IMAGE when the item has an image of a kind Threads takes (`usable`), which
/// Threads fetches from the deployed site, so it must be an absolute URL.
pub fn container_form(
    item: &OutreachItem,
    usable: impl Fn(&str) -> bool,
) -> Result<Vec<(&'static str, String)>, PostError> {
    let poll = item.poll.as_ref().filter(|p| p.native);
    // A card is the page's `og:image`: Threads' link card shows it.
    let image = item
        .image
        .as_ref()
        .filter(|i| !i.card && i.url.starts_with("http") && usable(&i.url));
    let attachment = Network::Threads.attachment(image.is_some(), poll.is_some());
    let card = (attachment == Attachment::LinkCard).then_some(item.link.as_str());
    check_text(&item.text, card)?;
    let mut form = vec![("text", item.text.clone())];
    if let Some(topic) = item.hashtags.first().and_then(|tag| topic_tag(tag)) {
        form.push(("topic_tag", topic));
    }
    match (attachment, poll, image) {
        (Attachment::Image, _, Some(image)) => {
            form.push(("media_type", "IMAGE".into()));
            form.push(("image_url", image.url.clone()));
            if let Some(alt) = &image.alt {
                form.push(("alt_text", alt.chars().take(ALT_LEN).collect()));
            }
        }
        (Attachment::LinkCard, _, _) => {
            form.push(("media_type", "TEXT".into()));
            form.push(("link_attachment", item.link.clone()));
        }
        (_, Some(poll), _) => {
            form.push(("media_type", "TEXT".into()));
            form.push(("poll_attachment", poll_attachment(&poll.options)?));
        }
        _ => form.push(("media_type", "TEXT".into())),
    }
    Ok(form)
}

/// Most characters of a topic tag (Threads' posts reference: 1–50).
const TOPIC_LEN: usize = 50;

/// `#HeartHealth` → `HeartHealth`: a topic tag as Threads takes it, without
/// `#`, and without the `.` and `&` it refuses; `None` when nothing is left.
fn topic_tag(hashtag: &str) -> Option<String> {
    let topic: String = hashtag
        .trim_start_matches('#')
        .chars()
        .filter(|c| !matches!(c, '.' | '&'))
        .take(TOPIC_LEN)
        .collect();
    (!topic.is_empty()).then_some(topic)
}

/// Threads refuses a text over 500 (emoji counted by their UTF-8 bytes) or
/// with more than five links; say so rather than send it.
fn check_text(text: &str, attachment: Option<&str>) -> Result<(), PostError> {
    let length = Network::Threads.count(text);
    if length > Network::Threads.limit() {
        return Err(PostError::permanent(format!(
            "the text counts {length} of Threads' {} (emoji count as their bytes)",
            Network::Threads.limit()
        )));
    }
    let links = threads_links(text, attachment);
    if links > THREADS_MAX_LINKS {
        return Err(PostError::permanent(format!(
            "the post has {links} links; Threads takes at most {THREADS_MAX_LINKS}"
        )));
    }
    Ok(())
}

/// `{"option_a": …, "option_b": …}`: two to four options of 1–25 characters.
fn poll_attachment(options: &[String]) -> Result<String, PostError> {
    if !(2..=4).contains(&options.len()) {
        return Err(PostError::permanent(format!(
            "a Threads poll has 2 to 4 options, not {}",
            options.len()
        )));
    }
    let mut poll = Map::new();
    for (name, option) in ["option_a", "option_b", "option_c", "option_d"]
        .iter()
        .zip(options)
    {
        let length = option.chars().count();
        if !(1..=OPTION_LEN).contains(&length) {
            return Err(PostError::permanent(format!(
                "poll option \"{option}\" has {length} characters; Threads takes 1 to {OPTION_LEN}"
            )));
        }
        poll.insert(name.to_string(), json!(option));
    }
    Ok(Value::Object(poll).to_string())
}

impl Client for Threads {
    fn new_key(&self, item: &OutreachItem) -> String {
        item.id.clone()
    }

    fn find(
        &mut self,
        item: &OutreachItem,
        key: &str,
        since: Option<DateTime<Utc>>,
    ) -> Result<Option<Remote>, PostError> {
        let Some(container) = key.strip_prefix(CONTAINER) else {
            // No container was saved: at most one was made and never published.
            return self.search(item, since);
        };
        match self.status(container)? {
            // Published, so never make another; a later run finds it.
            Status::Published => match self.search(item, since) {
                Ok(Some(remote)) => Ok(Some(remote)),
                Ok(None) => Err(PostError::transient(
                    "Threads published the post but does not list it yet",
                )),
                Err(e) => Err(published(e)),
            },
            Status::Ready | Status::Preparing => {
                self.containers
                    .insert(item.id.clone(), container.to_string());
                Ok(None)
            }
            Status::Gone => Ok(None),
        }
    }

    fn post(&mut self, item: &OutreachItem, key: &str) -> Result<Remote, PostError> {
        self.post_in_steps(item, key, &mut |_| Ok(()))
    }

    fn post_in_steps(
        &mut self,
        item: &OutreachItem,
        _key: &str,
        checkpoint: &mut Checkpoint,
    ) -> Result<Remote, PostError> {
        // A retry after the thread went up needs only its permalink.
        if let Some(media) = self.published.get(&item.id) {
            return self.permalink(media).map_err(published);
        }
        // A container from an earlier try may have been published by a
        // request whose answer was lost: ask before publishing it again.
        let earlier = match self.containers.get(&item.id).cloned() {
            Some(container) => match self.until_ready(&container)? {
                Status::Published => {
                    return self.search(item, None).map_err(published)?.ok_or_else(|| {
                        PostError::transient("Threads published the post but does not list it yet")
                    });
                }
                Status::Gone => None,
                Status::Ready | Status::Preparing => Some(container),
            },
            None => None,
        };
        let container = match earlier {
            Some(container) => container,
            None => {
                self.containers.remove(&item.id);
                let (container, image) = self.create(item)?;
                self.containers.insert(item.id.clone(), container.clone());
                checkpoint(&format!("{CONTAINER}{container}"))?;
                crash_point!("threads::after-container");
                if image && self.until_ready(&container)? == Status::Gone {
                    self.containers.remove(&item.id);
                    return Err(PostError::permanent(
                        "Threads could not prepare the post's image (is the site deployed?)",
                    ));
                }
                container
            }
        };
        let media = self.publish(&container)?;
        self.containers.remove(&item.id);
        self.published.insert(item.id.clone(), media.clone());
        self.permalink(&media).map_err(published)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outreach::{Image, Poll};
    use crate::publish::graph::sample_item;

    fn form(item: &OutreachItem) -> HashMap<&'static str, String> {
        container_form(item, |_| true)
            .unwrap()
            .into_iter()
            .collect()
    }

    #[test]
    fn a_topic_tag_is_one_hashtag_without_what_threads_refuses() {
        assert_eq!(topic_tag("#HeartHealth").as_deref(), Some("HeartHealth"));
        assert_eq!(topic_tag("#Q&A.Day").as_deref(), Some("QADay"));
        assert_eq!(topic_tag("#").as_deref(), None);
        assert_eq!(
            topic_tag(&format!("#{}", "a".repeat(80))).map(|t| t.len()),
            Some(50)
        );
        let mut item = sample_item(Network::Threads, None);
        item.hashtags = vec!["#HeartHealth".into()];
        assert_eq!(form(&item)["topic_tag"], "HeartHealth");
        item.hashtags.clear();
        assert!(!form(&item).contains_key("topic_tag"));
    }

    #[test]
    fn a_text_post_carries_the_link_back_as_its_card() {
        let item = sample_item(Network::Threads, None);
        let form = form(&item);
        assert_eq!(form["media_type"], "TEXT");
        assert_eq!(form["text"], item.text);
        assert_eq!(form["link_attachment"], item.link);
    }

    #[test]
    fn an_image_post_sends_the_deployed_image_with_its_alt_text() {
        let mut item = sample_item(Network::Threads, None);
        item.image = Some(Image {
            url: "https://heart.example/blog/bp/cuff.jpg".into(),
            alt: Some("A blood pressure cuff".into()),
            card: false,
        });
        let form = form(&item);
        assert_eq!(form["media_type"], "IMAGE");
        assert_eq!(form["image_url"], "https://heart.example/blog/bp/cuff.jpg");
        assert_eq!(form["alt_text"], "A blood pressure cuff");
        assert!(!form.contains_key("link_attachment"));
        // An image Threads cannot take (SVG, or not in the build) makes a text post.
        let text = container_form(&item, |_| false).unwrap();
        assert!(text.contains(&("media_type", "TEXT".into())));
    }

    #[test]
    fn a_poll_is_a_text_post_with_lettered_options() {
        let mut item = sample_item(Network::Threads, None);
        item.image = Some(Image {
            url: "https://heart.example/a.jpg".into(),
            alt: None,
            card: false,
        });
        item.poll = Some(Poll {
            question: "How often do you check?".into(),
            options: vec!["Daily".into(), "Weekly".into(), "Never".into()],
            seconds: 86_400,
            native: true,
        });
        let form = form(&item);
        assert_eq!(form["media_type"], "TEXT");
        let poll: Value = serde_json::from_str(&form["poll_attachment"]).unwrap();
        assert_eq!(
            poll,
            json!({"option_a": "Daily", "option_b": "Weekly", "option_c": "Never"})
        );
        assert!(!form.contains_key("image_url") && !form.contains_key("link_attachment"));
    }

    #[test]
    fn polls_and_texts_threads_would_refuse_are_not_sent() {
        let long = "An option far too long to fit".to_string();
        assert!(poll_attachment(&[long, "No".into()]).is_err());
        assert!(poll_attachment(&["Only one".into()]).is_err());
        assert!(poll_attachment(&["".into(), "No".into()]).is_err());
        // 100 emoji of 4 bytes are 400 characters here; 126 are too many.
        assert!(check_text(&"😀".repeat(125), None).is_ok());
        let error = check_text(&"😀".repeat(126), None).unwrap_err();
        assert!(
            !error.transient && error.message.contains("504"),
            "{}",
            error.message
        );
        let six = (0..6)
            .map(|i| format!("https://a.example/{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(check_text(&six, None).is_err());
        let five = (0..5)
            .map(|i| format!("https://a.example/{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(check_text(&five, None).is_ok());
        // The link card counts when it is not one of the text's links.
        assert!(check_text(&five, Some("https://b.example/")).is_err());
        assert!(check_text(&five, Some("https://a.example/0")).is_ok());
    }
}
