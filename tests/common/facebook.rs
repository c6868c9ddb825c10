//! A local Facebook Pages contract server: the slice of the Graph API a
//! cross-poster uses, answering as Graph does, errors included
//! (developers.facebook.com/docs/pages-api/posts, /docs/graph-api/reference/page/feed,
//! /docs/graph-api/reference/page/scheduled_posts).
//!
//! ```ignore
//! let server = facebook::start();
//! // [networks.facebook] instance = server.url(), id = facebook::PAGE_ID
//! server.push_fault("POST /v25.0/5550100/feed", Fault::FailAfterCommit(500));
//! // ... run `rounds publish` with ROUNDS_FACEBOOK_PAGE_TOKEN = facebook::TOKEN ...
//! assert_eq!(server.with(|api| api.posts.len()), 2);
//! assert!(server.contract_violations().is_empty(), "{:#?}", server.contract_violations());
//! ```
//!
//! Endpoints, under any `/vNN.N/` version:
//! - `POST /{page-id}/feed`: `message`, `link`, `published`,
//!   `scheduled_publish_time` (form, JSON or query). `{"id": "PAGEID_POSTID"}`.
//!   A scheduled post (`published=false` with a time 10 minutes to 30 days
//!   ahead) joins the feed when its time comes.
//! - `GET /{page-id}/feed`: published posts, newest first, `fields`, `limit`,
//!   `after`, `since`.
//! - `GET /{page-id}/scheduled_posts`: scheduled posts not yet live.
//!
//! Rules (each break answers as Graph does and is a contract violation):
//! the Page token, never in the URL; a post needs a `message` or a `link`;
//! `link` an absolute URL; `scheduled_publish_time` only with
//! `published=false`, 10 minutes to 30 days ahead; a message of at most
//! 63,206 characters; only documented parameters and fields. Deliberately
//! stricter than Graph: `published=false` without a time (a hidden post that
//! never appears) is a violation.
//!
//! Like Facebook, it refuses a message and link identical to one posted in
//! the last day: `(#506) Duplicate status message`. That is not a violation:
//! a client that lost a reply and retried meets it legitimately.
//!
//! Rate limits (`Fault::RateLimited`) answer 403 with code 32, Page-level
//! throttling, and an `X-Business-Use-Case-Usage` header whose
//! `estimated_time_to_regain_access` is in whole minutes.

#![allow(dead_code)]

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::contract::{Api, ContractServer, Request, Response};
use super::graph::{self, param};

pub const TOKEN: &str = "rounds-facebook-page-token";
pub const PAGE_ID: &str = "5550100";
/// Facebook's limit on a post's message, in characters.
pub const MESSAGE_LIMIT: usize = 63_206;

const POST_PARAMS: &[&str] = &[
    "message",
    "link",
    "published",
    "scheduled_publish_time",
    "backdated_time",
    "place",
    "tags",
    "call_to_action",
    "formatting",
];
const POST_FIELDS: &[&str] = &[
    "id",
    "message",
    "created_time",
    "updated_time",
    "permalink_url",
    "is_published",
    "scheduled_publish_time",
    "status_type",
    "full_picture",
];
const LIST_PARAMS: &[&str] = &["fields", "limit", "after", "before", "since", "until"];

/// A post on the Page.
#[derive(Clone, Debug, PartialEq)]
pub struct PagePost {
    pub id: String,
    pub message: Option<String>,
    pub link: Option<String>,
    pub created: DateTime<Utc>,
    /// When a scheduled post goes live.
    pub scheduled: Option<DateTime<Utc>>,
}

impl PagePost {
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.scheduled.is_none_or(|t| t <= now)
    }

    fn json(&self) -> Value {
        json!({
            "id": self.id,
            "message": self.message,
            "created_time": graph::graph_time(self.created),
            "permalink_url": format!("https://www.facebook.com/{}", self.id.replace('_', "/posts/")),
            "is_published": self.scheduled.is_none_or(|t| t <= Utc::now()),
            "scheduled_publish_time": self.scheduled.map(|t| t.timestamp()),
        })
    }
}

pub struct FacebookApi {
    pub token: String,
    pub page: String,
    base: String,
    /// Every post, oldest first.
    pub posts: Vec<PagePost>,
}

pub fn start() -> ContractServer<FacebookApi> {
    with_token(TOKEN)
}

pub fn with_token(token: &str) -> ContractServer<FacebookApi> {
    let token = token.to_string();
    ContractServer::start_with_base(move |base| FacebookApi {
        token,
        page: PAGE_ID.to_string(),
        base,
        posts: Vec::new(),
    })
}

impl FacebookApi {
    /// The posts published now or scheduled, oldest first.
    pub fn messages(&self) -> Vec<String> {
        self.posts
            .iter()
            .map(|p| p.message.clone().unwrap_or_default())
            .collect()
    }

    fn create(&mut self, request: &Request, violations: &mut Vec<String>) -> Response {
        let params = graph::params(request);
        graph::unknown_params(request, &params, POST_PARAMS, violations);
        let message = param(&params, "message").filter(|m| !m.is_empty());
        let link = param(&params, "link").filter(|l| !l.is_empty());
        if message.is_none() && link.is_none() {
            return refuse(
                request,
                violations,
                "a post needs a message or a link".into(),
                graph::invalid("Missing message or attachment"),
            );
        }
        if let Some(link) = link.filter(|l| !graph::is_url(l)) {
            return refuse(
                request,
                violations,
                format!("link {link:?} is not an absolute URL"),
                graph::invalid("Param link must be a valid URL"),
            );
        }
        if let Some(message) = message {
            let length = message.chars().count();
            if length > MESSAGE_LIMIT {
                return refuse(
                    request,
                    violations,
                    format!("message of {length} characters"),
                    graph::invalid("Param message is too long"),
                );
            }
        }
        let published = match param(&params, "published") {
            None | Some("true") | Some("1") => true,
            Some("false") | Some("0") => false,
            Some(other) => {
                return refuse(
                    request,
                    violations,
                    format!("published = {other:?}"),
                    graph::invalid("Param published must be a boolean"),
                );
            }
        };
        let now = Utc::now();
        let scheduled = match (published, param(&params, "scheduled_publish_time")) {
            (true, Some(_)) => {
                return refuse(
                    request,
                    violations,
                    "scheduled_publish_time on a published post".into(),
                    graph::invalid("Cannot specify a scheduled publish time on a published post"),
                );
            }
            (false, None) => {
                violations.push(request.violation(
                    200,
                    "published=false without scheduled_publish_time: a hidden post that never appears",
                ));
                None
            }
            (true, None) => None,
            (false, Some(time)) => match graph::parse_time(time) {
                Some(t) if t >= now + Duration::minutes(10) && t <= now + Duration::days(30) => {
                    Some(t)
                }
                _ => {
                    return refuse(
                        request,
                        violations,
                        format!("scheduled_publish_time {time} is not 10 minutes to 30 days ahead"),
                        graph::invalid("The specified scheduled publish time is invalid."),
                    );
                }
            },
        };
        let duplicate = self.posts.iter().any(|p| {
            p.message.as_deref() == message
                && p.link.as_deref() == link
                && now - p.created < Duration::days(1)
        });
        if duplicate {
            return graph::error(
                400,
                506,
                None,
                "OAuthException",
                "(#506) Duplicate status message",
            );
        }
        let id = format!("{}_{}", self.page, 1000 + self.posts.len() + 1);
        self.posts.push(PagePost {
            id: id.clone(),
            message: message.map(str::to_string),
            link: link.map(str::to_string),
            created: now,
            scheduled,
        });
        Response::json(200, &json!({ "id": id }))
    }

    /// `POST /{post-id}` with `message`: the Page post edited in place; no
    /// other parameter is taken (the link and card are the post's for good).
    fn edit(&mut self, request: &Request, id: &str, violations: &mut Vec<String>) -> Response {
        let params = graph::params(request);
        graph::unknown_params(request, &params, &["message"], violations);
        let Some(message) = param(&params, "message").map(str::to_string) else {
            let why = "an edit without `message`".to_string();
            return refuse(
                request,
                violations,
                why,
                graph::invalid("(#100) message is required"),
            );
        };
        if let Some(post) = self.posts.iter_mut().find(|p| p.id == id) {
            post.message = Some(message);
        }
        Response::json(200, &json!({"success": true}))
    }

    /// The feed (live posts) or the scheduled posts, newest first.
    fn list(&self, request: &Request, scheduled: bool, violations: &mut Vec<String>) -> Response {
        let params = graph::params(request);
        graph::unknown_params(request, &params, LIST_PARAMS, violations);
        let default: &[&str] = &["id", "message", "created_time"];
        let wanted = match graph::fields(request, &params, "Post", POST_FIELDS, default, violations)
        {
            Ok(wanted) => wanted,
            Err(response) => return response,
        };
        let since = param(&params, "since").map(graph::parse_time);
        if let Some(None) = since {
            violations.push(request.violation(400, "since is not a time"));
            return graph::invalid("Param since must be a time");
        }
        let now = Utc::now();
        let items: Vec<Value> = self
            .posts
            .iter()
            .rev()
            .filter(|p| p.is_live(now) != scheduled)
            .filter(|p| since.flatten().is_none_or(|s| p.created >= s))
            .map(|p| graph::select(&p.json(), &wanted))
            .collect();
        graph::paged(request, &self.base, &params, items)
    }
}

/// Records why a request broke the contract, and answers as Graph does.
fn refuse(
    request: &Request,
    violations: &mut Vec<String>,
    why: String,
    response: Response,
) -> Response {
    violations.push(request.violation(response.status, why));
    response
}

impl Api for FacebookApi {
    fn handle(&mut self, request: &Request, violations: &mut Vec<String>) -> Response {
        let Some((_, parts)) = graph::versioned(request, violations) else {
            return graph::unsupported(request);
        };
        if let Err(response) = graph::authorize(request, &self.token, violations) {
            return response;
        }
        match (request.method.as_str(), parts.as_slice()) {
            ("POST", [page, "feed"]) if *page == self.page => self.create(request, violations),
            ("GET", [page, "feed"]) if *page == self.page => self.list(request, false, violations),
            ("GET", [page, "scheduled_posts"]) if *page == self.page => {
                self.list(request, true, violations)
            }
            ("POST", [id]) if self.posts.iter().any(|p| p.id == *id) => {
                let id = id.to_string();
                self.edit(request, &id, violations)
            }
            ("GET", [id]) if self.posts.iter().any(|p| p.id == *id) => {
                let params = graph::params(request);
                let post = self.posts.iter().find(|p| p.id == *id).expect("just found");
                let wanted = match graph::fields(
                    request,
                    &params,
                    "Post",
                    POST_FIELDS,
                    &["id", "message", "created_time"],
                    violations,
                ) {
                    Ok(wanted) => wanted,
                    Err(response) => return response,
                };
                Response::json(200, &graph::select(&post.json(), &wanted))
            }
            ("DELETE", [id]) if self.posts.iter().any(|p| p.id == *id) => {
                self.posts.retain(|p| p.id != *id);
                Response::json(200, &json!({"success": true}))
            }
            // Looking up (or deleting) a post that is gone answers Graph's
            // "does not exist"; it is no breach of the contract.
            ("GET" | "DELETE", [id]) if id.starts_with(&format!("{}_", self.page)) => {
                graph::unsupported(request)
            }
            _ => {
                violations.push(request.violation(400, "no such object or edge on this Page"));
                graph::unsupported(request)
            }
        }
    }

    fn fault_response(&self, status: u16) -> Response {
        graph::fault(status)
    }

    fn rate_limited(&self, reset_after_secs: u64) -> Response {
        let usage = json!({ self.page.clone(): [{
            "type": "pages",
            "call_count": 100,
            "total_cputime": 12,
            "total_time": 20,
            "estimated_time_to_regain_access": reset_after_secs / 60,
        }]});
        graph::error(
            403,
            32,
            None,
            "OAuthException",
            "(#32) Page request limit reached",
        )
        .header("X-Business-Use-Case-Usage", usage.to_string())
    }
}
