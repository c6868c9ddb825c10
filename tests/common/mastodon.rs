//! A local Mastodon contract server for the `rounds publish` tests.
//!
//! It speaks the slice of the Mastodon 4.7 API that a cross-poster uses
//! (`/work/shared/specs/mastodon-openapi.json`, the rules in
//! `/work/shared/PLATFORMS.md`) and answers the way Mastodon does, errors
//! included, so that a client passing against it has a fair chance against a
//! real instance. It runs in-process on `127.0.0.1` with a random port and
//! stops when dropped: the HTTP side (keep-alive, recording, fault injection) is
//! the generic [`ContractServer`](super::contract); this file holds Mastodon's
//! routes, rules and error bodies.
//!
//! ```ignore
//! let server = MastodonServer::start();
//! // point the client at server.url() with the token server.token()
//! server.push_fault("POST /api/v1/statuses", Fault::FailAfterCommit(500));
//! // ... run `rounds publish` ...
//! assert_eq!(server.statuses().len(), 1);
//! assert!(server.contract_violations().is_empty(), "{:#?}", server.contract_violations());
//! ```
//!
//! Endpoints:
//! - `GET /api/v2/instance`: the instance with `configuration` limits from [`Config`].
//! - `POST /api/v2/media`: multipart `file` (+ `description`, `focus`). Images are
//!   processed synchronously and answer **200** with a `url`, as Mastodon does since
//!   4.0; video, audio and anything else answer **202** with `url: null` and stay
//!   "processing" until fetched once through `GET /api/v1/media/:id` (a status
//!   naming them before that gets Mastodon's 422 "not finished processing").
//! - `GET /api/v1/media/:id`, `POST /api/v1/statuses` (JSON, form-encoded or
//!   multipart bodies, query parameters merged like Rails does),
//!   `GET /api/v1/statuses/:id`, `GET /api/v1/accounts/verify_credentials`,
//!   `GET /api/v1/accounts/:id/statuses` (newest first, `limit`, `max_id`).
//! - `PUT /api/v1/statuses/:id` (an edit, its JSON body checked against the
//!   saved API description) and `DELETE /api/v1/statuses/:id`.
//! - `GET /system/media_attachments/files/:id/original/:name`: the uploaded bytes.
//!
//! Every `/api` answer the server itself makes carries `X-RateLimit-Limit`,
//! `X-RateLimit-Remaining` and `X-RateLimit-Reset` (an ISO 8601 time, as the spec
//! and Mastodon have it, not a Unix timestamp); injected `Fault::Status` answers
//! do not (they stand for a proxy or a crash). Going over [`Config::rate_limit`]
//! (300 per 5 minutes) or [`Config::media_rate_limit`] (30 uploads per 30 minutes)
//! answers 429 and is a contract violation.
//!
//! Idempotency follows `PostStatusService`: the key is looked up per token before
//! anything is validated, bodies are not compared, only successes are remembered,
//! for [`Config::idempotency_ttl`] (one hour).
//!
//! Deliberate differences from a real instance (all stricter, all recorded in
//! [`MastodonServer::contract_violations`]):
//! - an invalid `language` (anything but 2–3 lowercase letters or Mastodon's
//!   `zh-CN`, `zh-HK`, `zh-TW`, `zh-YUE`) answers 422; real Mastodon silently
//!   replaces it with the account's default language.
//! - `media_ids` or `poll[options]` sent as a scalar (no `[]`) are dropped exactly as
//!   Rails' strong parameters drop them, and the drop is recorded.
//! - `scheduled_at` is not supported: 422.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::LazyLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::{SecondsFormat, TimeZone, Utc};
use regex::Regex;
use serde_json::{Map, Value, json};
use unicode_segmentation::UnicodeSegmentation;

use super::contract::{
    Api, ContractServer, Request, Response, multipart_boundary, parse_multipart, parse_urlencoded,
    reason, sniff_image,
};
// The tests name the shared fault and record types through this module.
pub use super::contract::{Fault, RecordedRequest};

/// The token a server from [`MastodonServer::start`] accepts.
pub const DEFAULT_TOKEN: &str = "rounds-test-token";

/// The account every status is posted as.
pub const USERNAME: &str = "clinic";

/// The 401 body, word for word as Mastodon (Doorkeeper) sends it.
pub const INVALID_TOKEN: &str = "The access token is invalid";

/// Limits and identity of the instance. `Default` is mastodon.social's.
#[derive(Clone, Debug)]
pub struct Config {
    /// The only bearer token accepted.
    pub token: String,
    pub max_characters: usize,
    pub characters_reserved_per_url: usize,
    pub max_media_attachments: usize,
    pub poll_max_options: usize,
    pub poll_max_characters_per_option: usize,
    pub poll_min_expiration: u64,
    pub poll_max_expiration: u64,
    /// Bytes.
    pub image_size_limit: usize,
    /// Characters of a media description.
    pub description_limit: usize,
    /// Requests per account per 5 minutes, over all endpoints.
    pub rate_limit: u32,
    /// Media uploads per account per 30 minutes.
    pub media_rate_limit: u32,
    /// How long an `Idempotency-Key` is remembered.
    pub idempotency_ttl: Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            token: DEFAULT_TOKEN.to_string(),
            max_characters: 500,
            characters_reserved_per_url: 23,
            max_media_attachments: 4,
            poll_max_options: 4,
            poll_max_characters_per_option: 50,
            poll_min_expiration: 300,
            poll_max_expiration: 2_629_746,
            image_size_limit: 16_777_216,
            description_limit: 1_500,
            rate_limit: 300,
            media_rate_limit: 30,
            idempotency_ttl: Duration::from_secs(3_600),
        }
    }
}

/// An uploaded media file.
#[derive(Clone, Debug)]
pub struct StoredMedia {
    pub id: String,
    pub file_name: Option<String>,
    /// As declared in the multipart part.
    pub content_type: String,
    pub description: Option<String>,
    pub bytes: Vec<u8>,
    /// The id of the status it is attached to.
    pub status_id: Option<String>,
    /// The MediaAttachment JSON as it is served now.
    pub attachment: Value,
}

/// The server. Stops when dropped.
pub struct MastodonServer {
    server: ContractServer<MastodonApi>,
    /// A copy of the API's, so that `token()` can lend a `&str`.
    config: Config,
}

impl MastodonServer {
    /// A server with mastodon.social's limits that accepts [`DEFAULT_TOKEN`].
    pub fn start() -> MastodonServer {
        MastodonServer::start_with(Config::default())
    }

    /// A server with mastodon.social's limits that accepts only `token`.
    pub fn with_token(token: &str) -> MastodonServer {
        MastodonServer::start_with(Config {
            token: token.to_string(),
            ..Config::default()
        })
    }

    pub fn start_with(config: Config) -> MastodonServer {
        let server = ContractServer::start_with_base(|base| MastodonApi {
            shared: Shared {
                config: config.clone(),
                base,
            },
            state: State::default(),
        });
        MastodonServer { server, config }
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        self.server.url()
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    pub fn token(&self) -> &str {
        &self.config.token
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Every stored status as `GET /api/v1/statuses/:id` serves it, oldest first.
    pub fn statuses(&self) -> Vec<Value> {
        self.server.with(|api| {
            api.state
                .statuses
                .iter()
                .map(|s| status_json(&api.shared, &api.state, s))
                .collect()
        })
    }

    /// The plain `status` text each stored status was posted with, oldest first.
    pub fn posted_texts(&self) -> Vec<String> {
        self.server
            .with(|api| api.state.statuses.iter().map(|s| s.text.clone()).collect())
    }

    /// Every request read, in order, including rejected and reset ones.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.server.requests()
    }

    /// The requests with this method and exact path (no query).
    pub fn requests_to(&self, method: &str, path: &str) -> Vec<RecordedRequest> {
        self.server.requests_to(method, path)
    }

    /// Every uploaded media file, oldest first.
    pub fn media(&self) -> Vec<StoredMedia> {
        self.server.with(|api| {
            api.state
                .media
                .iter()
                .map(|m| {
                    let mut m = m.clone();
                    m.attachment =
                        media_json(&api.shared, &m, !api.state.processing.contains(&m.id));
                    m
                })
                .collect()
        })
    }

    /// One line per request that broke the contract: `"POST /api/v1/statuses: 422 ..."`.
    pub fn contract_violations(&self) -> Vec<String> {
        self.server.contract_violations()
    }

    /// Queues a fault for the next request that matches `path_prefix`, which is a
    /// path prefix (`"/api/v1/statuses"`, any method) or a method, a space and a
    /// path prefix (`"POST /api/v1/statuses"`). Faults are used once each, first
    /// queued first. `Fault::Status` answers 502–504 with a proxy's HTML page and
    /// others with Mastodon's `{"error": ...}`; `Fault::RateLimited` is Mastodon's
    /// own 429 (rate-limit headers, no `Retry-After`), `Fault::TooMany` the same
    /// with `Retry-After`.
    pub fn push_fault(&self, path_prefix: &str, fault: Fault) {
        self.server.push_fault(path_prefix, fault);
    }

    /// Faults queued and not yet used.
    pub fn pending_faults(&self) -> usize {
        self.server.pending_faults()
    }
}

// ---------------------------------------------------------------------------
// State

/// The instance behind the contract server.
struct MastodonApi {
    shared: Shared,
    state: State,
}

/// What never changes once the server runs.
struct Shared {
    config: Config,
    base: String,
}

#[derive(Default)]
struct State {
    statuses: Vec<StoredStatus>,
    media: Vec<StoredMedia>,
    /// Media still "processing" (202 answers) until fetched once.
    processing: Vec<String>,
    /// Found while handling the current request; handed to the server after it.
    violations: Vec<String>,
    /// (token, key) -> (status id, when)
    idempotency: HashMap<(String, String), (String, Instant)>,
    /// (bucket, principal) -> (window, count)
    buckets: HashMap<(&'static str, String), (u64, u32)>,
    sequence: u64,
    polls: u64,
}

impl State {
    /// A Mastodon-style snowflake: milliseconds since the epoch, shifted, plus a sequence.
    fn snowflake(&mut self) -> String {
        self.sequence += 1;
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        ((ms << 16) | (self.sequence & 0xffff)).to_string()
    }
}

struct StoredStatus {
    id: String,
    created_at: String,
    text: String,
    spoiler_text: String,
    sensitive: bool,
    visibility: String,
    language: String,
    in_reply_to_id: Option<String>,
    media_ids: Vec<String>,
    poll: Option<StoredPoll>,
    idempotency_key: Option<String>,
    /// When it was last edited (`PUT /api/v1/statuses/:id`).
    edited_at: Option<String>,
}

struct StoredPoll {
    id: String,
    options: Vec<String>,
    expires_at: String,
    multiple: bool,
    hide_totals: bool,
}

// ---------------------------------------------------------------------------
// Dispatch

/// Mastodon's error body.
fn error(status: u16, message: &str) -> Response {
    Response::json(status, &json!({ "error": message }))
}

impl Api for MastodonApi {
    fn handle(&mut self, request: &Request, violations: &mut Vec<String>) -> Response {
        let response = route(&self.shared, &mut self.state, request);
        violations.append(&mut self.state.violations);
        response
    }

    fn fault_response(&self, status: u16) -> Response {
        match status {
            // What a reverse proxy in front of Mastodon sends: HTML, not JSON.
            502..=504 => Response::text(
                status,
                "text/html",
                format!(
                    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
                    reason = reason(status)
                ),
            ),
            500 => error(500, "We're sorry, but something went wrong on our end."),
            _ => error(status, reason(status)),
        }
    }

    /// rack-attack's 429: Mastodon's rate-limit headers and no `Retry-After`.
    fn rate_limited(&self, reset_after_secs: u64) -> Response {
        let reset = Utc::now() + chrono::Duration::seconds(reset_after_secs as i64);
        error(429, "Too many requests")
            .header(
                "X-RateLimit-Limit",
                self.shared.config.rate_limit.to_string(),
            )
            .header("X-RateLimit-Remaining", "0")
            .header(
                "X-RateLimit-Reset",
                reset.to_rfc3339_opts(SecondsFormat::Micros, true),
            )
    }
}

fn route(shared: &Shared, state: &mut State, request: &Request) -> Response {
    let path = request.path.trim_end_matches('/');
    let method = request.method.as_str();

    if let Some(rest) = path.strip_prefix("/system/media_attachments/files/") {
        return serve_media_file(state, rest);
    }
    if !path.starts_with("/api/") {
        return error(404, "Record not found");
    }

    let principal = request.bearer().unwrap_or("anonymous").to_string();
    let media_upload = method == "POST" && path == "/api/v2/media";
    let limits = match rate_limit(shared, state, &principal, media_upload) {
        Ok(limits) => limits,
        Err(response) => {
            violation(state, request, &response, "rate limit exceeded".into());
            return response;
        }
    };

    let response = match (method, path) {
        ("GET", "/api/v2/instance") => Response::json(200, &instance_json(shared)),
        ("POST", "/api/v2/media") => with_auth(shared, state, request, upload_media),
        ("POST", "/api/v1/statuses") => with_auth(shared, state, request, create_status),
        ("GET", "/api/v1/accounts/verify_credentials") => {
            with_auth(shared, state, request, |shared, state, _| {
                Response::json(200, &credential_account_json(shared, state))
            })
        }
        ("GET", _) if path.starts_with("/api/v1/media/") => {
            let id = path["/api/v1/media/".len()..].to_string();
            with_auth(shared, state, request, move |shared, state, _| {
                get_media(shared, state, &id)
            })
        }
        ("GET", _) if path.starts_with("/api/v1/accounts/") && path.ends_with("/statuses") => {
            let id = path["/api/v1/accounts/".len()..path.len() - "/statuses".len()].to_string();
            account_statuses(shared, state, request, &id)
        }
        ("PUT", _) if path.starts_with("/api/v1/statuses/") => {
            let id = path["/api/v1/statuses/".len()..].to_string();
            with_auth(shared, state, request, move |shared, state, request| {
                edit_status(shared, state, request, &id)
            })
        }
        ("DELETE", _) if path.starts_with("/api/v1/statuses/") => {
            let id = path["/api/v1/statuses/".len()..].to_string();
            with_auth(shared, state, request, move |shared, state, _| {
                delete_status(shared, state, &id)
            })
        }
        ("GET", _) if path.starts_with("/api/v1/statuses/") => {
            let id = path["/api/v1/statuses/".len()..].to_string();
            get_status(shared, state, request, &id)
        }
        _ => {
            let response = error(404, "Record not found");
            violation(
                state,
                request,
                &response,
                "no such endpoint in the contract".into(),
            );
            response
        }
    };
    let (limit, remaining, reset) = limits;
    response
        .header("X-RateLimit-Limit", limit.to_string())
        .header("X-RateLimit-Remaining", remaining.to_string())
        .header("X-RateLimit-Reset", reset)
}

/// Counts the request; `(limit, remaining, reset)` for the headers, or the 429.
fn rate_limit(
    shared: &Shared,
    state: &mut State,
    principal: &str,
    media_upload: bool,
) -> Result<(u32, u32, String), Response> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut count = |bucket: &'static str, limit: u32, period: u64| {
        let window = now / period;
        let entry = state
            .buckets
            .entry((bucket, principal.to_string()))
            .or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        entry.1 += 1;
        let reset = Utc
            .timestamp_opt(((window + 1) * period) as i64, 0)
            .single()
            .unwrap_or_else(Utc::now)
            .to_rfc3339_opts(SecondsFormat::Micros, true);
        (limit, limit.saturating_sub(entry.1), reset, entry.1 > limit)
    };
    let general = count("api", shared.config.rate_limit, 300);
    let general_over = general.3;
    let shown = if media_upload {
        let media = count("media", shared.config.media_rate_limit, 1_800);
        if media.3 || !general_over {
            media
        } else {
            general
        }
    } else {
        general
    };
    let (limit, remaining, reset, over) = shown;
    if over || general_over {
        return Err(error(429, "Too many requests")
            .header("X-RateLimit-Limit", limit.to_string())
            .header("X-RateLimit-Remaining", "0")
            .header("X-RateLimit-Reset", reset));
    }
    Ok((limit, remaining, reset))
}

fn violation(state: &mut State, request: &Request, response: &Response, why: String) {
    state
        .violations
        .push(request.violation(response.status, why));
}

fn with_auth(
    shared: &Shared,
    state: &mut State,
    request: &Request,
    handler: impl FnOnce(&Shared, &mut State, &Request) -> Response,
) -> Response {
    match check_auth(shared, request) {
        Ok(()) => handler(shared, state, request),
        Err(why) => {
            let response = unauthorized();
            violation(state, request, &response, why);
            response
        }
    }
}

fn check_auth(shared: &Shared, request: &Request) -> Result<(), String> {
    let Some(value) = request.header("authorization") else {
        return Err("no Authorization header".into());
    };
    match request.bearer() {
        None => Err(format!(
            "Authorization is not `Bearer <token>`: {:?}",
            value.split(' ').next().unwrap_or_default()
        )),
        Some(token) if token == shared.config.token => Ok(()),
        Some(_) => Err("wrong access token".into()),
    }
}

fn unauthorized() -> Response {
    error(401, INVALID_TOKEN).header(
        "WWW-Authenticate",
        format!(
            "Bearer realm=\"Doorkeeper\", error=\"invalid_token\", error_description=\"{INVALID_TOKEN}\""
        ),
    )
}

// ---------------------------------------------------------------------------
// Entities

fn instance_json(shared: &Shared) -> Value {
    let c = &shared.config;
    let base = &shared.base;
    let domain = base.trim_start_matches("http://");
    json!({
        "domain": domain,
        "title": "Rounds test instance",
        "version": "4.7.0",
        "source_url": "https://github.com/mastodon/mastodon",
        "description": "A local Mastodon contract server for the Rounds tests",
        "usage": { "users": { "active_month": 1 } },
        "thumbnail": {
            "url": format!("{base}/packs/media/images/preview.png"),
            "blurhash": null,
            "versions": {}
        },
        "icon": [],
        "languages": ["en"],
        "configuration": {
            "urls": {
                "streaming": format!("ws://{domain}"),
                "status": null,
                "about": format!("{base}/about"),
                "privacy_policy": format!("{base}/privacy-policy"),
                "terms_of_service": null
            },
            "vapid": { "public_key": "BCk-QqERU0q-CfYZjcuB6lnyyOYfJ2AifKqfeGIm7Z-HiTU5T9eTG5GxVA0_OH5mMlI4UkkDTpaZwozy0TzdZ2M=" },
            "accounts": {
                "max_featured_tags": 10,
                "max_pinned_statuses": 5,
                "max_profile_fields": 4,
                "profile_field_name_limit": 255,
                "profile_field_value_limit": 255
            },
            "statuses": {
                "max_characters": c.max_characters,
                "max_media_attachments": c.max_media_attachments,
                "characters_reserved_per_url": c.characters_reserved_per_url
            },
            "media_attachments": {
                "description_limit": c.description_limit,
                "image_matrix_limit": 33_177_600,
                "image_size_limit": c.image_size_limit,
                "supported_mime_types": SUPPORTED_MIME_TYPES,
                "video_frame_rate_limit": 120,
                "video_matrix_limit": 8_294_400,
                "video_size_limit": 103_809_024
            },
            "polls": {
                "max_options": c.poll_max_options,
                "max_characters_per_option": c.poll_max_characters_per_option,
                "min_expiration": c.poll_min_expiration,
                "max_expiration": c.poll_max_expiration
            },
            "translation": { "enabled": false },
            "limited_federation": false
        },
        "registrations": {
            "enabled": false,
            "approval_required": false,
            "reason_required": false,
            "message": null,
            "min_age": null,
            "url": null
        },
        "api_versions": { "mastodon": 11 },
        "contact": { "email": "staff@riverside-heart.example", "account": account_json(shared, 0) },
        "rules": []
    })
}

const SUPPORTED_MIME_TYPES: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/heic",
    "image/heif",
    "image/webp",
    "image/avif",
    "video/webm",
    "video/mp4",
    "video/quicktime",
    "video/ogg",
    "audio/wave",
    "audio/wav",
    "audio/x-wav",
    "audio/x-pn-wave",
    "audio/vnd.wave",
    "audio/ogg",
    "audio/vorbis",
    "audio/mpeg",
    "audio/mp3",
    "audio/webm",
    "audio/flac",
    "audio/aac",
    "audio/m4a",
    "audio/x-m4a",
    "audio/mp4",
    "audio/3gpp",
    "video/x-ms-asf",
];

const ACCOUNT_ID: &str = "109348324212870001";

fn account_json(shared: &Shared, statuses_count: usize) -> Value {
    let base = &shared.base;
    json!({
        "id": ACCOUNT_ID,
        "username": USERNAME,
        "acct": USERNAME,
        "display_name": "Riverside Heart",
        "locked": false,
        "bot": true,
        "discoverable": true,
        "indexable": true,
        "group": false,
        "created_at": "2024-01-15T00:00:00.000Z",
        "note": "<p>Heart care for Springfield</p>",
        "url": format!("{base}/@{USERNAME}"),
        "uri": format!("{base}/users/{USERNAME}"),
        "avatar": format!("{base}/avatars/original/missing.png"),
        "avatar_static": format!("{base}/avatars/original/missing.png"),
        "header": format!("{base}/headers/original/missing.png"),
        "header_static": format!("{base}/headers/original/missing.png"),
        "followers_count": 0,
        "following_count": 0,
        "statuses_count": statuses_count,
        "last_status_at": null,
        "hide_collections": false,
        "noindex": false,
        "emojis": [],
        "roles": [],
        "fields": []
    })
}

fn credential_account_json(shared: &Shared, state: &State) -> Value {
    let mut account = account_json(shared, state.statuses.len());
    let object = account.as_object_mut().expect("object");
    object.insert(
        "source".into(),
        json!({
            "privacy": "public",
            "sensitive": false,
            "language": "en",
            "note": "Heart care for Springfield",
            "fields": [],
            "follow_requests_count": 0,
            "hide_collections": false,
            "discoverable": true,
            "indexable": true,
            "attribution_domains": []
        }),
    );
    object.insert(
        "role".into(),
        json!({ "id": "-99", "name": "", "permissions": "0", "color": "", "highlighted": false }),
    );
    account
}

fn status_json(shared: &Shared, state: &State, status: &StoredStatus) -> Value {
    let base = &shared.base;
    let media: Vec<Value> = status
        .media_ids
        .iter()
        .filter_map(|id| state.media.iter().find(|m| &m.id == id))
        .map(|m| media_json(shared, m, true))
        .collect();
    let in_reply_to_account_id = status.in_reply_to_id.as_ref().map(|_| ACCOUNT_ID);
    let poll = status.poll.as_ref().map(|poll| {
        json!({
            "id": poll.id,
            "expires_at": poll.expires_at,
            "expired": false,
            "multiple": poll.multiple,
            "votes_count": 0,
            "voters_count": if poll.multiple { json!(0) } else { Value::Null },
            "voted": true,
            "own_votes": [],
            "options": poll.options.iter().map(|title| json!({
                "title": title,
                "votes_count": if poll.hide_totals { Value::Null } else { json!(0) },
            })).collect::<Vec<_>>(),
            "emojis": []
        })
    });
    let tags: Vec<Value> = hashtags(&status.text)
        .into_iter()
        .map(|tag| json!({ "name": tag.to_lowercase(), "url": format!("{base}/tags/{}", tag.to_lowercase()) }))
        .collect();
    json!({
        "id": status.id,
        "created_at": status.created_at,
        "in_reply_to_id": status.in_reply_to_id,
        "in_reply_to_account_id": in_reply_to_account_id,
        "sensitive": status.sensitive,
        "spoiler_text": status.spoiler_text,
        "visibility": status.visibility,
        "language": status.language,
        "uri": format!("{base}/users/{USERNAME}/statuses/{}", status.id),
        "url": format!("{base}/@{USERNAME}/{}", status.id),
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
        "quotes_count": 0,
        "edited_at": status.edited_at,
        "favourited": false,
        "reblogged": false,
        "muted": false,
        "bookmarked": false,
        "pinned": false,
        "content": format_content(base, &status.text),
        "filtered": [],
        "reblog": null,
        "quote": null,
        "application": { "name": "Rounds", "website": null },
        "account": account_json(shared, state.statuses.len()),
        "media_attachments": media,
        "mentions": [],
        "tags": tags,
        "emojis": [],
        "card": null,
        "poll": poll
    })
}

fn media_json(shared: &Shared, media: &StoredMedia, processed: bool) -> Value {
    let base = &shared.base;
    let name = media.file_name.as_deref().unwrap_or("file");
    let kind = media_kind(&media.content_type);
    let mut meta = Map::new();
    if let Ok(size) = imagesize::blob_size(&media.bytes) {
        let (w, h) = (size.width, size.height);
        meta.insert(
            "original".into(),
            json!({ "width": w, "height": h, "size": format!("{w}x{h}"), "aspect": w as f64 / h.max(1) as f64 }),
        );
    }
    if let Some(focus) = media.attachment.get("meta").and_then(|m| m.get("focus")) {
        meta.insert("focus".into(), focus.clone());
    }
    let url = format!(
        "{base}/system/media_attachments/files/{}/original/{name}",
        media.id
    );
    json!({
        "id": media.id,
        "type": kind,
        "url": if processed { json!(url) } else { Value::Null },
        "preview_url": if kind == "image" { json!(url) } else { Value::Null },
        "remote_url": null,
        "text_url": null,
        "meta": meta,
        "description": media.description,
        "blurhash": null
    })
}

fn media_kind(content_type: &str) -> &'static str {
    match content_type.split('/').next().unwrap_or_default() {
        "image" => "image",
        "video" => "video",
        "audio" => "audio",
        _ => "unknown",
    }
}

fn serve_media_file(state: &State, rest: &str) -> Response {
    let id = rest.split('/').next().unwrap_or_default();
    match state.media.iter().find(|m| m.id == id) {
        Some(media) => Response {
            status: 200,
            headers: vec![("Content-Type".into(), media.content_type.clone())],
            body: media.bytes.clone(),
        },
        None => error(404, "Record not found"),
    }
}

// ---------------------------------------------------------------------------
// Handlers

fn get_status(shared: &Shared, state: &mut State, request: &Request, id: &str) -> Response {
    // Public statuses can be read without a token; a token that is sent must be valid.
    let authorized = if request.header("authorization").is_some() {
        if let Err(why) = check_auth(shared, request) {
            let response = unauthorized();
            violation(state, request, &response, why);
            return response;
        }
        true
    } else {
        false
    };
    match state.statuses.iter().find(|s| s.id == id) {
        Some(status)
            if authorized || matches!(status.visibility.as_str(), "public" | "unlisted") =>
        {
            Response::json(200, &status_json(shared, state, status))
        }
        // Not a contract violation: looking a status up to see if it exists is fair.
        _ => error(404, "Record not found"),
    }
}

/// The saved description of Mastodon's API, which edits are checked against.
static SPEC: LazyLock<super::openapi::OpenApi> =
    LazyLock::new(|| super::openapi::OpenApi::shared("mastodon-openapi.json"));

/// `PUT /api/v1/statuses/:id` (`UpdateStatusService`): a JSON body checked
/// against the saved API description, a key it does not name recorded;
/// the text within the instance's limit; the media kept unless
/// `media_ids` names others; a poll status edited without `poll` keeps it
/// (an edit that names one replaces it and its votes: recorded, as Rounds
/// never edits a poll).
fn edit_status(shared: &Shared, state: &mut State, request: &Request, id: &str) -> Response {
    let Some(body) = request.json() else {
        let response = error(400, "Error occurred while parsing request parameters.");
        violation(
            state,
            request,
            &response,
            "the edit is not a JSON body".into(),
        );
        return response;
    };
    let template = "/api/v1/statuses/{id}";
    let mut problems = SPEC.body_errors("PUT", template, "application/json", &body);
    let known = &SPEC.operation("PUT", template).expect("in the spec")["requestBody"]["content"]["application/json"]
        ["schema"]["properties"];
    if let Some(fields) = body.as_object() {
        for key in fields.keys().filter(|k| known.get(k.as_str()).is_none()) {
            problems.push(format!("`{key}` is not a parameter of an edit"));
        }
        if fields.contains_key("poll") {
            problems.push("a poll was edited, which resets its votes".into());
        }
    }
    if !problems.is_empty() {
        let response = error(422, &problems.join("; "));
        violation(state, request, &response, problems.join("; "));
        return response;
    }
    let reserved = shared.config.characters_reserved_per_url;
    let Some(index) = state.statuses.iter().position(|s| s.id == id) else {
        return error(404, "Record not found");
    };
    let text = body["status"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| state.statuses[index].text.clone());
    if status_length(&text, "", reserved) > shared.config.max_characters {
        let response = error(
            422,
            "Validation failed: Text character limit of 500 exceeded",
        );
        violation(state, request, &response, "edited text too long".into());
        return response;
    }
    let media_ids: Option<Vec<String>> = body["media_ids"].as_array().map(|ids| {
        ids.iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect()
    });
    let status = &mut state.statuses[index];
    status.text = text;
    if let Some(ids) = media_ids {
        status.media_ids = ids;
    }
    if let Some(language) = body["language"].as_str() {
        status.language = language.to_string();
    }
    status.edited_at = Some(Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true));
    let status = &state.statuses[index];
    Response::json(200, &status_json(shared, state, status))
}

/// `DELETE /api/v1/statuses/:id`: the status as it was, with its source
/// `text`, as Mastodon answers for "delete and redraft"; 404 once gone.
fn delete_status(shared: &Shared, state: &mut State, id: &str) -> Response {
    let Some(index) = state.statuses.iter().position(|s| s.id == id) else {
        return error(404, "Record not found");
    };
    let mut json = status_json(shared, state, &state.statuses[index]);
    json["text"] = Value::String(state.statuses[index].text.clone());
    state.statuses.remove(index);
    Response::json(200, &json)
}

/// `GET /api/v1/accounts/:id/statuses`: newest first, `limit` (default 20,
/// at most 40) and `max_id` for paging back, as Mastodon pages.
fn account_statuses(shared: &Shared, state: &mut State, request: &Request, id: &str) -> Response {
    if id != ACCOUNT_ID {
        return error(404, "Record not found");
    }
    let param = |name: &str| {
        request.query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == name).then(|| v.to_string())
        })
    };
    let limit = match param("limit").map(|l| l.parse::<usize>()) {
        None => 20,
        Some(Ok(l)) => l.clamp(1, 40),
        Some(Err(_)) => {
            let response = error(400, "limit must be a number");
            violation(state, request, &response, "bad limit".into());
            return response;
        }
    };
    let max_id = param("max_id").and_then(|m| m.parse::<u128>().ok());
    let authorized =
        request.header("authorization").is_some() && check_auth(shared, request).is_ok();
    let page: Vec<Value> = state
        .statuses
        .iter()
        .rev()
        .filter(|s| max_id.is_none_or(|max| s.id.parse::<u128>().is_ok_and(|id| id < max)))
        .filter(|s| authorized || matches!(s.visibility.as_str(), "public" | "unlisted"))
        .take(limit)
        .map(|s| status_json(shared, state, s))
        .collect();
    Response::json(200, &Value::Array(page))
}

fn get_media(shared: &Shared, state: &mut State, id: &str) -> Response {
    let Some(media) = state.media.iter().find(|m| m.id == id).cloned() else {
        return error(404, "Record not found");
    };
    // Processing finishes the first time the client looks.
    state.processing.retain(|p| p != id);
    Response::json(200, &media_json(shared, &media, true))
}

fn upload_media(shared: &Shared, state: &mut State, request: &Request) -> Response {
    let c = &shared.config;
    let reject = |state: &mut State, status: u16, message: &str, why: &str| {
        let response = error(status, message);
        violation(state, request, &response, format!("{message} ({why})"));
        response
    };
    let content_type = request.header("content-type").unwrap_or_default();
    let Some(boundary) = multipart_boundary(content_type) else {
        return reject(
            state,
            422,
            "Validation failed: File can't be blank",
            &format!("the body must be multipart/form-data with a boundary, not {content_type:?}"),
        );
    };
    let parts = match parse_multipart(&request.body, &boundary) {
        Ok(parts) => parts,
        Err(problem) => {
            return reject(
                state,
                422,
                "Validation failed: File can't be blank",
                &format!("malformed multipart body: {problem}"),
            );
        }
    };
    let text = |name: &str| {
        parts
            .iter()
            .find(|p| p.name == name && p.filename.is_none())
            .map(|p| String::from_utf8_lossy(&p.data).into_owned())
    };
    let Some(file) = parts.iter().find(|p| p.name == "file") else {
        return reject(
            state,
            422,
            "Validation failed: File can't be blank",
            "no `file` part",
        );
    };
    if file.filename.is_none() {
        return reject(
            state,
            422,
            "Validation failed: File can't be blank",
            "the `file` part has no filename, so Rails does not see an upload",
        );
    }
    let declared = file
        .content_type
        .as_deref()
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if !SUPPORTED_MIME_TYPES.contains(&declared.as_str()) {
        return reject(
            state,
            422,
            "Validation failed: File content type is invalid",
            &format!("the `file` part's Content-Type {declared:?} is not a supported MIME type"),
        );
    }
    if matches!(
        declared.as_str(),
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    ) && sniff_image(&file.data).is_none()
    {
        return reject(
            state,
            422,
            "Validation failed: File has contents that are not what they are reported to be",
            &format!("declared {declared} but the bytes are not an image"),
        );
    }
    if declared.starts_with("image/") && file.data.len() > c.image_size_limit {
        return reject(
            state,
            422,
            &format!(
                "Validation failed: File file size must be less than {} MB",
                c.image_size_limit / (1024 * 1024)
            ),
            "image too large",
        );
    }
    let description = text("description").filter(|d| !d.is_empty());
    if let Some(d) = &description {
        if d.chars().count() > c.description_limit {
            return reject(
                state,
                422,
                &format!(
                    "Validation failed: Description is too long (maximum is {} characters)",
                    c.description_limit
                ),
                "description too long",
            );
        }
    }
    let focus = text("focus").and_then(|f| {
        let (x, y) = f.split_once(',')?;
        let (x, y) = (x.trim().parse::<f64>().ok()?, y.trim().parse::<f64>().ok()?);
        Some(json!({ "x": x.clamp(-1.0, 1.0), "y": y.clamp(-1.0, 1.0) }))
    });

    let id = state.snowflake();
    let mut stored = StoredMedia {
        id: id.clone(),
        file_name: file.filename.clone(),
        content_type: declared.clone(),
        description,
        bytes: file.data.clone(),
        status_id: None,
        attachment: focus
            .map(|f| json!({ "meta": { "focus": f } }))
            .unwrap_or(Value::Null),
    };
    let synchronous = declared.starts_with("image/");
    let body = media_json(shared, &stored, synchronous);
    stored.attachment = body.clone();
    state.media.push(stored);
    if synchronous {
        Response::json(200, &body)
    } else {
        state.processing.push(id);
        Response::json(202, &body)
    }
}

#[derive(Default, Debug)]
struct StatusParams {
    status: Option<String>,
    media_ids: Option<Vec<String>>,
    poll: Option<PollParams>,
    in_reply_to_id: Option<String>,
    sensitive: Option<bool>,
    spoiler_text: Option<String>,
    visibility: Option<String>,
    language: Option<String>,
    scheduled_at: Option<String>,
    /// Parameters Mastodon would silently drop.
    dropped: Vec<String>,
}

#[derive(Default, Debug)]
struct PollParams {
    options: Option<Vec<String>>,
    expires_in: Option<i64>,
    multiple: Option<bool>,
    hide_totals: Option<bool>,
}

fn create_status(shared: &Shared, state: &mut State, request: &Request) -> Response {
    let c = &shared.config;
    let token = request.bearer().unwrap_or_default().to_string();

    let params = match status_params(request) {
        Ok(params) => params,
        Err(message) => {
            let response = error(400, "Error occurred while parsing request parameters.");
            violation(state, request, &response, message);
            return response;
        }
    };
    for dropped in &params.dropped {
        state.violations.push(format!(
            "{} {}: {dropped} (Mastodon silently ignores it)",
            request.method, request.path
        ));
    }

    // Mastodon answers a repeat before validating anything.
    let key = request
        .header("idempotency-key")
        .filter(|k| !k.is_empty())
        .map(str::to_string);
    if let Some(key) = &key {
        let remembered = state
            .idempotency
            .get(&(token.clone(), key.clone()))
            .filter(|(_, at)| at.elapsed() < c.idempotency_ttl)
            .map(|(id, _)| id.clone());
        if let Some(id) = remembered {
            if let Some(status) = state.statuses.iter().find(|s| s.id == id) {
                return Response::json(200, &status_json(shared, state, status));
            }
        }
    }

    let unprocessable = |state: &mut State, message: String| {
        let response = error(422, &message);
        violation(state, request, &response, message);
        response
    };

    // PostStatusService#validate_media!
    let media_ids: Vec<String> = params.media_ids.clone().unwrap_or_default();
    if !media_ids.is_empty() {
        if media_ids.len() > c.max_media_attachments || params.poll.is_some() {
            return unprocessable(
                state,
                format!("Cannot attach more than {} files", c.max_media_attachments),
            );
        }
        let missing: Vec<&String> = media_ids
            .iter()
            .filter(|id| {
                !state
                    .media
                    .iter()
                    .any(|m| &&m.id == id && m.status_id.is_none())
            })
            .collect();
        if !missing.is_empty() {
            let ids: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
            return unprocessable(
                state,
                format!(
                    "Media {} not found or already attached to another post",
                    ids.join(", ")
                ),
            );
        }
        if media_ids.iter().any(|id| state.processing.contains(id)) {
            return unprocessable(
                state,
                "Cannot attach files that have not finished processing. Try again in a moment!"
                    .into(),
            );
        }
    }

    if let Some(reply) = &params.in_reply_to_id {
        if !reply.is_empty() && !state.statuses.iter().any(|s| &s.id == reply) {
            let response = error(
                404,
                "The post you are trying to reply to does not appear to exist.",
            );
            violation(
                state,
                request,
                &response,
                format!("in_reply_to_id {reply} is unknown"),
            );
            return response;
        }
    }

    if params.scheduled_at.is_some() {
        return unprocessable(
            state,
            "scheduled_at is not supported by the Rounds contract server".into(),
        );
    }

    // Status validations, collected like ActiveRecord does.
    let text = params.status.clone().unwrap_or_default();
    let spoiler_text = params.spoiler_text.clone().unwrap_or_default();
    let mut errors: Vec<String> = Vec::new();
    if text.trim().is_empty() && media_ids.is_empty() {
        errors.push("Text can't be blank".into());
    }
    let length = status_length(&text, &spoiler_text, c.characters_reserved_per_url);
    if length > c.max_characters {
        errors.push(format!(
            "Text character limit of {} exceeded",
            c.max_characters
        ));
    }
    let mut poll_options = Vec::new();
    if let Some(poll) = &params.poll {
        poll_options = poll
            .options
            .clone()
            .unwrap_or_default()
            .iter()
            .map(|o| o.trim().to_string())
            .filter(|o| !o.is_empty())
            .collect();
        if poll_options.len() < 2 {
            errors.push("Poll options must have more than one item".into());
        }
        if poll_options.len() > c.poll_max_options {
            errors.push(format!(
                "Poll options can't contain more than {} items",
                c.poll_max_options
            ));
        }
        if poll_options
            .iter()
            .any(|o| o.graphemes(true).count() > c.poll_max_characters_per_option)
        {
            errors.push(format!(
                "Poll options cannot be longer than {} characters each",
                c.poll_max_characters_per_option
            ));
        }
        let mut unique = poll_options.clone();
        unique.sort();
        unique.dedup();
        if unique.len() != poll_options.len() {
            errors.push("Poll options contain duplicate items".into());
        }
        match poll.expires_in {
            None => errors.push("Poll expires at can't be blank".into()),
            Some(s) if s > c.poll_max_expiration as i64 => {
                errors.push("Poll expires at is too far out into the future".into())
            }
            Some(s) if s < c.poll_min_expiration as i64 => {
                errors.push("Poll expires at is too soon".into())
            }
            Some(_) => {}
        }
    }
    let visibility = params
        .visibility
        .clone()
        .unwrap_or_else(|| "public".to_string());
    if !matches!(
        visibility.as_str(),
        "public" | "unlisted" | "private" | "direct"
    ) {
        errors.push("Visibility is not included in the list".into());
    }
    let language = params
        .language
        .clone()
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| "en".to_string());
    if !valid_language(&language) {
        errors.push("Language is invalid".into());
    }
    if !errors.is_empty() {
        return unprocessable(state, format!("Validation failed: {}", errors.join(", ")));
    }

    // Commit.
    let id = state.snowflake();
    let now = Utc::now();
    let poll = params.poll.as_ref().map(|poll| {
        state.polls += 1;
        StoredPoll {
            id: state.polls.to_string(),
            options: poll_options.clone(),
            expires_at: (now + chrono::Duration::seconds(poll.expires_in.unwrap_or(0)))
                .to_rfc3339_opts(SecondsFormat::Millis, true),
            multiple: poll.multiple.unwrap_or(false),
            hide_totals: poll.hide_totals.unwrap_or(false),
        }
    });
    for media in state.media.iter_mut() {
        if media_ids.contains(&media.id) {
            media.status_id = Some(id.clone());
        }
    }
    state.statuses.push(StoredStatus {
        id: id.clone(),
        created_at: now.to_rfc3339_opts(SecondsFormat::Millis, true),
        text,
        spoiler_text,
        sensitive: params.sensitive.unwrap_or(false),
        visibility,
        language,
        in_reply_to_id: params.in_reply_to_id.clone().filter(|r| !r.is_empty()),
        media_ids,
        poll,
        idempotency_key: key.clone(),
        edited_at: None,
    });
    if let Some(key) = key {
        state
            .idempotency
            .insert((token, key), (id.clone(), Instant::now()));
    }
    let status = state.statuses.last().expect("just pushed");
    Response::json(200, &status_json(shared, state, status))
}

fn valid_language(language: &str) -> bool {
    let plain =
        (2..=3).contains(&language.len()) && language.bytes().all(|b| b.is_ascii_lowercase());
    plain || matches!(language, "zh-CN" | "zh-HK" | "zh-TW" | "zh-YUE")
}

// ---------------------------------------------------------------------------
// Parameters

fn status_params(request: &Request) -> Result<StatusParams, String> {
    let mut params = StatusParams::default();
    // Rails merges the query string into the parameters.
    apply_form(&mut params, &parse_urlencoded(request.query.as_bytes()));
    let content_type = request
        .header("content-type")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mime = content_type.split(';').next().unwrap_or_default().trim();
    match mime {
        "application/json" => {
            let value: Value = serde_json::from_slice(&request.body)
                .map_err(|e| format!("the JSON body does not parse: {e}"))?;
            apply_json(&mut params, &value);
        }
        "application/x-www-form-urlencoded" => {
            apply_form(&mut params, &parse_urlencoded(&request.body));
        }
        "multipart/form-data" => {
            let boundary = multipart_boundary(&content_type)
                .ok_or("multipart/form-data without a boundary")?;
            let parts = parse_multipart(&request.body, &boundary)?;
            let pairs: Vec<(String, String)> = parts
                .into_iter()
                .map(|p| (p.name, String::from_utf8_lossy(&p.data).into_owned()))
                .collect();
            apply_form(&mut params, &pairs);
        }
        _ if request.body.is_empty() => {}
        other => params.dropped.push(format!(
            "the body was not read: Content-Type {other:?} is neither JSON nor a form"
        )),
    }
    Ok(params)
}

fn apply_form(params: &mut StatusParams, pairs: &[(String, String)]) {
    for (key, value) in pairs {
        let value = value.clone();
        match key.as_str() {
            "status" => params.status = Some(value),
            "spoiler_text" => params.spoiler_text = Some(value),
            "visibility" => params.visibility = Some(value),
            "language" => params.language = Some(value),
            "in_reply_to_id" => params.in_reply_to_id = Some(value),
            "scheduled_at" => params.scheduled_at = Some(value).filter(|v| !v.is_empty()),
            "sensitive" => params.sensitive = rails_bool(&value),
            "media_ids[]" => params.media_ids.get_or_insert_with(Vec::new).push(value),
            "poll[options][]" => poll(params)
                .options
                .get_or_insert_with(Vec::new)
                .push(value),
            "poll[expires_in]" => poll(params).expires_in = Some(ruby_to_i(&value)),
            "poll[multiple]" => poll(params).multiple = rails_bool(&value),
            "poll[hide_totals]" => poll(params).hide_totals = rails_bool(&value),
            k if k == "media_ids" || k.starts_with("media_ids[") => params
                .dropped
                .push(format!("`{k}` is not an array; send `media_ids[]`")),
            k if k == "poll[options]" || k.starts_with("poll[options][") => {
                poll(params);
                params
                    .dropped
                    .push(format!("`{k}` is not an array; send `poll[options][]`"));
            }
            _ => {}
        }
    }
}

fn poll(params: &mut StatusParams) -> &mut PollParams {
    params.poll.get_or_insert_with(PollParams::default)
}

fn apply_json(params: &mut StatusParams, value: &Value) {
    let Some(object) = value.as_object() else {
        params
            .dropped
            .push("the JSON body is not an object".to_string());
        return;
    };
    for (key, value) in object {
        match key.as_str() {
            "status" => params.status = scalar(value),
            "spoiler_text" => params.spoiler_text = scalar(value),
            "visibility" => params.visibility = scalar(value),
            "language" => params.language = scalar(value),
            "in_reply_to_id" => params.in_reply_to_id = scalar(value),
            "scheduled_at" => params.scheduled_at = scalar(value).filter(|v| !v.is_empty()),
            "sensitive" => params.sensitive = json_bool(value),
            "media_ids" => match value {
                Value::Array(items) => {
                    params.media_ids = Some(items.iter().filter_map(scalar).collect())
                }
                Value::Null => {}
                _ => params
                    .dropped
                    .push("`media_ids` is not an array".to_string()),
            },
            "poll" => match value {
                Value::Object(poll_object) => {
                    let poll = poll(params);
                    if let Some(options) = poll_object.get("options") {
                        match options {
                            Value::Array(items) => {
                                poll.options = Some(items.iter().filter_map(scalar).collect())
                            }
                            Value::Null => {}
                            _ => params
                                .dropped
                                .push("`poll.options` is not an array".to_string()),
                        }
                    }
                    let poll = params.poll.as_mut().expect("just made");
                    poll.expires_in = poll_object.get("expires_in").and_then(|v| match v {
                        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
                        Value::String(s) => Some(ruby_to_i(s)),
                        _ => None,
                    });
                    poll.multiple = poll_object.get("multiple").and_then(json_bool);
                    poll.hide_totals = poll_object.get("hide_totals").and_then(json_bool);
                }
                Value::Null => {}
                _ => params.dropped.push("`poll` is not an object".to_string()),
            },
            _ => {}
        }
    }
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// ActiveModel::Type::Boolean.
fn rails_bool(value: &str) -> Option<bool> {
    if value.is_empty() {
        return None;
    }
    Some(!matches!(
        value,
        "0" | "f" | "F" | "false" | "FALSE" | "off" | "OFF"
    ))
}

fn json_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) => rails_bool(s),
        Value::Number(n) => Some(n.as_f64() != Some(0.0)),
        _ => None,
    }
}

/// Ruby's `String#to_i`: leading digits, 0 when there are none.
fn ruby_to_i(value: &str) -> i64 {
    let value = value.trim_start();
    let (sign, digits) = match value.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, value.strip_prefix('+').unwrap_or(value)),
    };
    let digits: String = digits.chars().take_while(char::is_ascii_digit).collect();
    digits.parse::<i64>().map(|n| sign * n).unwrap_or(0)
}

// ---------------------------------------------------------------------------
// Text: counting and formatting the way Mastodon does

/// URLs with a scheme, as twitter-text extracts them for Mastodon
/// (`extract_url_without_protocol: false`): a host with a letter TLD.
static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)https?://(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}{2,}(?::\d{1,5})?(?:[/?#][^\s<>]*)?",
    )
    .expect("URL regex")
});

/// Mastodon's mention: `@user` or `@user@domain`, not after a word character or `/`.
static MENTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:^|[^/\w=])(@([a-z0-9_]+(?:[a-z0-9_.-]*[a-z0-9_])?)(?:@[\w]+(?:[.-][\w]+)*)?)",
    )
    .expect("mention regex")
});

static HASHTAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^/)\w=])#([\w]*\p{L}[\w]*)").expect("hashtag regex"));

/// Byte ranges of the URLs in `text`, trailing punctuation trimmed.
fn urls(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    for m in URL.find_iter(text) {
        if let Some(before) = text[..m.start()].chars().next_back() {
            if before.is_ascii_alphanumeric() || matches!(before, '@' | '$' | '#' | '＠' | '＃') {
                continue;
            }
        }
        let mut end = m.end();
        loop {
            let url = &text[m.start()..end];
            let Some(last) = url.chars().next_back() else {
                break;
            };
            let trim = match last {
                ')' => url.matches('(').count() < url.matches(')').count(),
                c if c.is_alphanumeric() => false,
                '/' | '=' | '_' | '#' | '+' | '-' => false,
                _ => true,
            };
            if !trim {
                break;
            }
            end -= last.len_utf8();
        }
        found.push((m.start(), end));
    }
    found
}

fn overlaps(a: (usize, usize), ranges: &[(usize, usize)]) -> bool {
    ranges.iter().any(|r| a.0 < r.1 && r.0 < a.1)
}

/// Mastodon's StatusLengthValidator: grapheme clusters of `spoiler_text` joined
/// with the text, where every URL counts `reserved` characters and a remote
/// mention counts only as `@username`.
pub fn status_length(text: &str, spoiler_text: &str, reserved: usize) -> usize {
    let mut countable = String::new();
    if !text.trim().is_empty() {
        let url_ranges = urls(text);
        let mut entities: Vec<(usize, usize, String)> = url_ranges
            .iter()
            .map(|&(s, e)| (s, e, "x".repeat(reserved)))
            .collect();
        for caps in MENTION.captures_iter(text) {
            let whole = caps.get(1).expect("group 1");
            let range = (whole.start(), whole.end());
            if !overlaps(range, &url_ranges) {
                entities.push((range.0, range.1, format!("@{}", &caps[2])));
            }
        }
        entities.sort_by_key(|e| e.0);
        let mut at = 0;
        for (start, end, replacement) in entities {
            countable.push_str(&text[at..start]);
            countable.push_str(&replacement);
            at = end;
        }
        countable.push_str(&text[at..]);
    }
    format!("{spoiler_text}{countable}").graphemes(true).count()
}

fn hashtags(text: &str) -> Vec<String> {
    let url_ranges = urls(text);
    let mut tags: Vec<String> = Vec::new();
    for caps in HASHTAG.captures_iter(text) {
        let tag = caps.get(1).expect("group 1");
        if overlaps((tag.start() - 1, tag.end()), &url_ranges) {
            continue;
        }
        if !tags.iter().any(|t| t.eq_ignore_ascii_case(tag.as_str())) {
            tags.push(tag.as_str().to_string());
        }
    }
    tags
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Mastodon's TextFormatter, closely enough: escaped text, links with the
/// `invisible`/`ellipsis` spans, hashtag links, `<p>` per paragraph, `<br />`.
fn format_content(base: &str, text: &str) -> String {
    if text.trim().is_empty() {
        return String::new();
    }
    let text = text.replace("\r\n", "\n");
    let url_ranges = urls(&text);
    let mut entities: Vec<(usize, usize, String)> = url_ranges
        .iter()
        .map(|&(s, e)| (s, e, link(&text[s..e])))
        .collect();
    for caps in HASHTAG.captures_iter(&text) {
        let tag = caps.get(1).expect("group 1");
        let range = (tag.start() - 1, tag.end());
        if !overlaps(range, &url_ranges) {
            let name = tag.as_str();
            entities.push((
                range.0,
                range.1,
                format!(
                    "<a href=\"{base}/tags/{}\" class=\"mention hashtag\" rel=\"tag\">#<span>{}</span></a>",
                    escape(&name.to_lowercase()),
                    escape(name)
                ),
            ));
        }
    }
    entities.sort_by_key(|e| e.0);
    let mut html = String::new();
    let mut at = 0;
    for (start, end, replacement) in entities {
        html.push_str(&escape(&text[at..start]));
        html.push_str(&replacement);
        at = end;
    }
    html.push_str(&escape(&text[at..]));
    static PARAGRAPHS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\n\n+").expect("paragraph regex"));
    PARAGRAPHS
        .split(&html)
        .map(|p| format!("<p>{}</p>", p.replace('\n', "<br />")))
        .collect()
}

fn link(url: &str) -> String {
    static PREFIX: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)^https?://(?:www\.)?").expect("prefix regex"));
    let prefix_len = PREFIX.find(url).map(|m| m.end()).unwrap_or(0);
    let (prefix, rest) = url.split_at(prefix_len);
    let shown: String = rest.chars().take(30).collect();
    let hidden: String = rest.chars().skip(30).collect();
    let class = if rest.chars().count() > 30 {
        "ellipsis"
    } else {
        ""
    };
    format!(
        "<a href=\"{}\" target=\"_blank\" rel=\"nofollow noopener\" translate=\"no\"><span class=\"invisible\">{}</span><span class=\"{class}\">{}</span><span class=\"invisible\">{}</span></a>",
        escape(url),
        escape(prefix),
        escape(&shown),
        escape(&hidden)
    )
}
