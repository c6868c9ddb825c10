//! A local Threads contract server: the two-step publishing API, answering
//! as graph.threads.net does (developers.facebook.com/docs/threads/posts,
//! /reference/publishing, /create-posts/polls, /create-posts/text-attachments,
//! /troubleshooting).
//!
//! ```ignore
//! let server = threads::start();
//! // [networks.threads] instance = server.url(), id = threads::USER_ID
//! server.push_fault("POST /v1.0/17841400123/threads_publish", Fault::FailAfterCommit(500));
//! // ... run `rounds publish` with ROUNDS_THREADS_TOKEN = threads::TOKEN ...
//! assert_eq!(server.with(|api| api.threads.len()), 2);
//! assert!(server.contract_violations().is_empty(), "{:#?}", server.contract_violations());
//! ```
//!
//! Endpoints, under `/v1.0/` (the user is [`USER_ID`] or `me`):
//! - `POST /{user}/threads`: a media container, `{"id": container}`. TEXT
//!   containers are ready at once; IMAGE ones answer `IN_PROGRESS` to the
//!   first [`ThreadsApi::image_checks`] status checks, then `FINISHED`.
//! - `POST /{user}/threads_publish?creation_id=…`: the thread, `{"id": media}`.
//! - `GET /{container}?fields=status,error_message`: `IN_PROGRESS`,
//!   `FINISHED`, `PUBLISHED`, `EXPIRED` (24 hours unpublished) or `ERROR`.
//! - `GET /{media}?fields=…` and `GET /{user}/threads?fields=…` (newest first,
//!   `limit`, `after`, `since`, `until`).
//!
//! Rules (each break answers as Threads does and is a contract violation):
//! the token, never in the URL; `media_type` TEXT (with `text`) or IMAGE (with
//! an absolute `image_url`); text of at most 500 characters with emoji
//! counted as their UTF-8 bytes; at most 5 different links, the link
//! attachment counting when it is not one of the text's
//! (`THREADS_API__LINK_LIMIT_EXCEEDED`); `link_attachment` and
//! `poll_attachment` on TEXT posts only; a poll of `option_a`, `option_b`
//! and optionally `option_c`, `option_d`, each 1–25 characters; `alt_text`
//! of at most 1,000 characters on media only; publishing only a container
//! that exists, is `FINISHED` and was not published; only documented
//! parameters and fields. VIDEO and CAROUSEL are not modelled: a violation.
//!
//! Rate limits (`Fault::RateLimited`) answer 400 with code 4, as Graph does
//! for an app over its limit, with an `X-App-Usage` header.

#![allow(dead_code)]

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use unicode_properties::{EmojiStatus, UnicodeEmoji};
use unicode_segmentation::UnicodeSegmentation;

use super::contract::{Api, ContractServer, Request, Response};
use super::graph::{self, param};

pub const TOKEN: &str = "rounds-threads-token";
pub const USER_ID: &str = "17841400123";
pub const USERNAME: &str = "riversideheart";
pub const TEXT_LIMIT: usize = 500;
pub const MAX_LINKS: usize = 5;
const OPTION_LIMIT: usize = 25;
const ALT_LIMIT: usize = 1000;

const CONTAINER_PARAMS: &[&str] = &[
    "media_type",
    "text",
    "image_url",
    "video_url",
    "is_carousel_item",
    "children",
    "reply_to_id",
    "reply_control",
    "allowlisted_country_codes",
    "alt_text",
    "link_attachment",
    "quote_post_id",
    "poll_attachment",
    "topic_tag",
];
const MEDIA_FIELDS: &[&str] = &[
    "id",
    "media_product_type",
    "media_type",
    "media_url",
    "permalink",
    "owner",
    "username",
    "text",
    "timestamp",
    "shortcode",
    "is_quote_post",
    "link_attachment_url",
    "poll_attachment",
    "alt_text",
];
const CONTAINER_FIELDS: &[&str] = &["id", "status", "error_message"];
const LIST_PARAMS: &[&str] = &["fields", "limit", "after", "before", "since", "until"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    InProgress,
    Finished,
    Published,
    Expired,
    Error,
}

impl Status {
    fn name(self) -> &'static str {
        match self {
            Status::InProgress => "IN_PROGRESS",
            Status::Finished => "FINISHED",
            Status::Published => "PUBLISHED",
            Status::Expired => "EXPIRED",
            Status::Error => "ERROR",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Container {
    pub id: String,
    pub media_type: String,
    pub text: Option<String>,
    pub link_attachment: Option<String>,
    pub poll: Option<Value>,
    pub image_url: Option<String>,
    pub alt_text: Option<String>,
    pub status: Status,
    pub created: DateTime<Utc>,
    /// Status checks still to answer IN_PROGRESS.
    pub checks_left: u32,
}

#[derive(Clone, Debug)]
pub struct Thread {
    pub id: String,
    pub container: String,
    pub media_type: String,
    pub text: Option<String>,
    pub link_attachment: Option<String>,
    pub poll: Option<Value>,
    pub image_url: Option<String>,
    pub alt_text: Option<String>,
    pub timestamp: DateTime<Utc>,
    pub shortcode: String,
}

impl Thread {
    pub fn permalink(&self) -> String {
        format!(
            "https://www.threads.net/@{USERNAME}/post/{}",
            self.shortcode
        )
    }

    fn json(&self) -> Value {
        json!({
            "id": self.id,
            "media_product_type": "THREADS",
            "media_type": if self.media_type == "TEXT" { "TEXT_POST" } else { "IMAGE" },
            "media_url": self.image_url,
            "permalink": self.permalink(),
            "owner": { "id": USER_ID },
            "username": USERNAME,
            "text": self.text,
            "timestamp": graph::graph_time(self.timestamp),
            "shortcode": self.shortcode,
            "is_quote_post": false,
            "link_attachment_url": self.link_attachment,
            "poll_attachment": self.poll,
            "alt_text": self.alt_text,
        })
    }
}

pub struct ThreadsApi {
    pub token: String,
    base: String,
    /// Every container made, oldest first.
    pub containers: Vec<Container>,
    /// Every published thread, oldest first.
    pub threads: Vec<Thread>,
    /// How many status checks a new IMAGE container answers IN_PROGRESS.
    pub image_checks: u32,
}

pub fn start() -> ContractServer<ThreadsApi> {
    with_token(TOKEN)
}

pub fn with_token(token: &str) -> ContractServer<ThreadsApi> {
    let token = token.to_string();
    ContractServer::start_with_base(move |base| ThreadsApi {
        token,
        base,
        containers: Vec::new(),
        threads: Vec::new(),
        image_checks: 1,
    })
}

/// Length as Threads counts it: characters, but an emoji as its UTF-8 bytes.
pub fn threads_length(text: &str) -> usize {
    text.graphemes(true)
        .map(|g| if emoji(g) { g.len() } else { g.chars().count() })
        .sum()
}

fn emoji(cluster: &str) -> bool {
    cluster.chars().any(|c| {
        matches!(
            c.emoji_status(),
            EmojiStatus::EmojiPresentation
                | EmojiStatus::EmojiPresentationAndModifierBase
                | EmojiStatus::EmojiPresentationAndEmojiComponent
                | EmojiStatus::EmojiPresentationAndModifierAndEmojiComponent
        )
    }) || (cluster.chars().next().is_some_and(|c| c.is_emoji_char())
        && cluster.contains(['\u{FE0F}', '\u{20E3}', '\u{200D}']))
}

/// Links as Threads counts them: each different URL once, schemeless ones
/// too, plus the link attachment when it is not among them.
pub fn link_count(text: &str, attachment: Option<&str>) -> usize {
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    finder.url_must_have_scheme(false);
    let mut links: Vec<&str> = finder.links(text).map(|l| l.as_str()).collect();
    links.extend(attachment);
    links.sort_unstable();
    links.dedup();
    links.len()
}

/// Records why a request broke the contract, and answers as Threads does.
fn refuse(
    request: &Request,
    violations: &mut Vec<String>,
    why: String,
    response: Response,
) -> Response {
    violations.push(request.violation(response.status, why));
    response
}

impl ThreadsApi {
    /// The published threads' texts, oldest first.
    pub fn texts(&self) -> Vec<String> {
        self.threads
            .iter()
            .map(|t| t.text.clone().unwrap_or_default())
            .collect()
    }

    /// Makes every container this much older, to see them expire.
    pub fn age(&mut self, by: Duration) {
        for container in &mut self.containers {
            container.created -= by;
        }
    }

    fn status_of(&mut self, index: usize) -> Status {
        let container = &mut self.containers[index];
        if matches!(container.status, Status::InProgress | Status::Finished)
            && Utc::now() - container.created > Duration::hours(24)
        {
            container.status = Status::Expired;
        }
        container.status
    }

    fn create(&mut self, request: &Request, violations: &mut Vec<String>) -> Response {
        let params = graph::params(request);
        graph::unknown_params(request, &params, CONTAINER_PARAMS, violations);
        let text = param(&params, "text").filter(|t| !t.is_empty());
        let link = param(&params, "link_attachment");
        let poll = param(&params, "poll_attachment");
        let image = param(&params, "image_url");
        let alt = param(&params, "alt_text");
        let media_type = match param(&params, "media_type") {
            Some(t @ ("TEXT" | "IMAGE")) => t,
            Some(other @ ("VIDEO" | "CAROUSEL")) => {
                return refuse(
                    request,
                    violations,
                    format!("{other} posts are not modelled here"),
                    graph::invalid("Param media_type is not supported by this test server"),
                );
            }
            Some(other) => {
                return refuse(
                    request,
                    violations,
                    format!("media_type {other:?}"),
                    graph::invalid(
                        "Param media_type must be one of {TEXT, IMAGE, VIDEO, CAROUSEL}",
                    ),
                );
            }
            None => {
                return refuse(
                    request,
                    violations,
                    "no media_type".into(),
                    graph::invalid("The parameter media_type is required."),
                );
            }
        };
        if media_type == "TEXT" && text.is_none() {
            return refuse(
                request,
                violations,
                "a TEXT post without text".into(),
                graph::invalid("The parameter text is required for TEXT posts."),
            );
        }
        if media_type == "IMAGE" && !image.is_some_and(graph::is_url) {
            return refuse(
                request,
                violations,
                format!("IMAGE with image_url {image:?}, not an absolute URL"),
                graph::invalid(
                    "The parameter image_url is required for IMAGE posts and must be a public URL.",
                ),
            );
        }
        if media_type == "TEXT" && image.is_some() {
            return refuse(
                request,
                violations,
                "image_url on a TEXT post".into(),
                graph::invalid("Param image_url is only for IMAGE posts"),
            );
        }
        if let Some(text) = text {
            let length = threads_length(text);
            if length > TEXT_LIMIT {
                return refuse(
                    request,
                    violations,
                    format!("text counts {length} (emoji as bytes), over {TEXT_LIMIT}"),
                    graph::invalid("Param text must be at most 500 characters long."),
                );
            }
        }
        if media_type != "TEXT" && (link.is_some() || poll.is_some()) {
            return refuse(
                request,
                violations,
                "link_attachment or poll_attachment on a post that is not TEXT".into(),
                graph::invalid("Link and poll attachments are only for text posts"),
            );
        }
        if let Some(link) = link.filter(|l| !graph::is_url(l)) {
            return refuse(
                request,
                violations,
                format!("link_attachment {link:?} is not a URL"),
                graph::invalid("Param link_attachment must be a valid URL"),
            );
        }
        let links = link_count(text.unwrap_or_default(), link);
        if links > MAX_LINKS {
            return refuse(
                request,
                violations,
                format!("{links} links, over {MAX_LINKS}"),
                graph::error(
                    400,
                    100,
                    None,
                    "THApiException",
                    "THREADS_API__LINK_LIMIT_EXCEEDED",
                ),
            );
        }
        let poll = match poll.map(check_poll) {
            Some(Err(why)) => {
                return refuse(
                    request,
                    violations,
                    format!("poll_attachment: {why}"),
                    graph::invalid(&format!("Param poll_attachment is invalid: {why}")),
                );
            }
            Some(Ok(poll)) => Some(poll),
            None => None,
        };
        if let Some(alt) = alt {
            if media_type == "TEXT" || alt.chars().count() > ALT_LIMIT {
                return refuse(
                    request,
                    violations,
                    "alt_text on a TEXT post or over 1,000 characters".into(),
                    graph::invalid("Param alt_text is invalid"),
                );
            }
        }
        let id = format!("1790{:012}", self.containers.len() + 1);
        let image_post = media_type == "IMAGE";
        self.containers.push(Container {
            id: id.clone(),
            media_type: media_type.to_string(),
            text: text.map(str::to_string),
            link_attachment: link.map(str::to_string),
            poll,
            image_url: image.map(str::to_string),
            alt_text: alt.map(str::to_string),
            status: if image_post && self.image_checks > 0 {
                Status::InProgress
            } else {
                Status::Finished
            },
            created: Utc::now(),
            checks_left: if image_post { self.image_checks } else { 0 },
        });
        Response::json(200, &json!({ "id": id }))
    }

    fn publish(&mut self, request: &Request, violations: &mut Vec<String>) -> Response {
        let params = graph::params(request);
        graph::unknown_params(request, &params, &["creation_id"], violations);
        let Some(creation) = param(&params, "creation_id") else {
            return refuse(
                request,
                violations,
                "no creation_id".into(),
                graph::invalid("The parameter creation_id is required."),
            );
        };
        let Some(index) = self.containers.iter().position(|c| c.id == creation) else {
            return refuse(
                request,
                violations,
                format!("no container {creation}"),
                graph::error(
                    400,
                    24,
                    Some(4_279_009),
                    "OAuthException",
                    "Media Not Found",
                ),
            );
        };
        match self.status_of(index) {
            Status::Finished => {}
            Status::InProgress => {
                return refuse(
                    request,
                    violations,
                    format!("container {creation} is still IN_PROGRESS; check its status first"),
                    graph::error(
                        400,
                        9007,
                        Some(2_207_027),
                        "OAuthException",
                        "The media is not ready for publishing, please wait for a moment",
                    ),
                );
            }
            other => {
                return refuse(
                    request,
                    violations,
                    format!("container {creation} is {}", other.name()),
                    graph::invalid(&format!(
                        "The media container is {} and cannot be published",
                        other.name()
                    )),
                );
            }
        }
        let container = &mut self.containers[index];
        container.status = Status::Published;
        let n = self.threads.len() + 1;
        let thread = Thread {
            id: format!("1800{n:012}"),
            container: container.id.clone(),
            media_type: container.media_type.clone(),
            text: container.text.clone(),
            link_attachment: container.link_attachment.clone(),
            poll: container.poll.clone(),
            image_url: container.image_url.clone(),
            alt_text: container.alt_text.clone(),
            timestamp: Utc::now(),
            shortcode: format!("C{n:08}xYz"),
        };
        let id = thread.id.clone();
        self.threads.push(thread);
        Response::json(200, &json!({ "id": id }))
    }

    fn object(&mut self, request: &Request, id: &str, violations: &mut Vec<String>) -> Response {
        let params = graph::params(request);
        graph::unknown_params(request, &params, &["fields"], violations);
        if let Some(index) = self.containers.iter().position(|c| c.id == id) {
            let wanted = match graph::fields(
                request,
                &params,
                "ThreadsMediaContainer",
                CONTAINER_FIELDS,
                &["id"],
                violations,
            ) {
                Ok(wanted) => wanted,
                Err(response) => return response,
            };
            // This check still answers IN_PROGRESS; the last one counted
            // makes the container ready for the next.
            let status = self.status_of(index);
            let container = &mut self.containers[index];
            if status == Status::InProgress && wanted.iter().any(|f| f == "status") {
                container.checks_left = container.checks_left.saturating_sub(1);
                if container.checks_left == 0 {
                    container.status = Status::Finished;
                }
            }
            let full = json!({ "id": id, "status": status.name() });
            return Response::json(200, &graph::select(&full, &wanted));
        }
        if let Some(thread) = self.threads.iter().find(|t| t.id == id) {
            let wanted = match media_fields(request, &params, violations) {
                Ok(wanted) => wanted,
                Err(response) => return response,
            };
            return Response::json(200, &graph::select(&thread.json(), &wanted));
        }
        violations.push(request.violation(400, format!("no container or thread {id}")));
        graph::unsupported(request)
    }

    fn list(&self, request: &Request, violations: &mut Vec<String>) -> Response {
        let params = graph::params(request);
        graph::unknown_params(request, &params, LIST_PARAMS, violations);
        let wanted = match media_fields(request, &params, violations) {
            Ok(wanted) => wanted,
            Err(response) => return response,
        };
        let bound = |name: &str| param(&params, name).map(graph::parse_time);
        let (since, until) = (bound("since"), bound("until"));
        if matches!(since, Some(None)) || matches!(until, Some(None)) {
            violations.push(request.violation(400, "since or until is not a time"));
            return graph::invalid("Param since and until must be times");
        }
        let items: Vec<Value> = self
            .threads
            .iter()
            .rev()
            .filter(|t| since.flatten().is_none_or(|s| t.timestamp >= s))
            .filter(|t| until.flatten().is_none_or(|u| t.timestamp <= u))
            .map(|t| graph::select(&t.json(), &wanted))
            .collect();
        graph::paged(request, &self.base, &params, items)
    }
}

/// A poll attachment as Threads takes it; the normalised JSON, or why not.
fn check_poll(text: &str) -> Result<Value, String> {
    let poll: Value = serde_json::from_str(text).map_err(|_| "not a JSON object".to_string())?;
    let object = poll.as_object().ok_or("not a JSON object")?;
    let names = ["option_a", "option_b", "option_c", "option_d"];
    if let Some(other) = object.keys().find(|k| !names.contains(&k.as_str())) {
        return Err(format!("unknown key {other}"));
    }
    let present: Vec<bool> = names.iter().map(|n| object.contains_key(*n)).collect();
    if !present[0] || !present[1] || (present[3] && !present[2]) {
        return Err("options must be option_a, option_b, then option_c and option_d".into());
    }
    for (name, value) in object {
        let option = value.as_str().ok_or(format!("{name} is not a string"))?;
        let length = option.chars().count();
        if !(1..=OPTION_LIMIT).contains(&length) {
            return Err(format!(
                "{name} has {length} characters, not 1 to {OPTION_LIMIT}"
            ));
        }
    }
    Ok(poll)
}

impl Api for ThreadsApi {
    fn handle(&mut self, request: &Request, violations: &mut Vec<String>) -> Response {
        let Some((version, parts)) = graph::versioned(request, violations) else {
            return graph::unsupported(request);
        };
        if version != "v1.0" {
            violations
                .push(request.violation(400, format!("Threads has only v1.0, not {version}")));
            return graph::unsupported(request);
        }
        if let Err(response) = graph::authorize(request, &self.token, violations) {
            return response;
        }
        let me = |user: &str| user == USER_ID || user == "me";
        match (request.method.as_str(), parts.as_slice()) {
            ("POST", [user, "threads"]) if me(user) => self.create(request, violations),
            ("POST", [user, "threads_publish"]) if me(user) => self.publish(request, violations),
            ("GET", [user, "threads"]) if me(user) => self.list(request, violations),
            ("GET", [id]) => self.object(request, id, violations),
            _ => {
                violations.push(request.violation(400, "no such route"));
                graph::unsupported(request)
            }
        }
    }

    fn fault_response(&self, status: u16) -> Response {
        graph::fault(status)
    }

    fn rate_limited(&self, _reset_after_secs: u64) -> Response {
        graph::error(
            400,
            4,
            None,
            "OAuthException",
            "Application request limit reached",
        )
        .header(
            "X-App-Usage",
            json!({"call_count": 100, "total_cputime": 10, "total_time": 25}).to_string(),
        )
    }
}

/// The `fields` asked of a thread (only `id` when none are named).
fn media_fields(
    request: &Request,
    params: &[(String, String)],
    violations: &mut Vec<String>,
) -> Result<Vec<String>, Response> {
    graph::fields(
        request,
        params,
        "ThreadsMedia",
        MEDIA_FIELDS,
        &["id"],
        violations,
    )
}
