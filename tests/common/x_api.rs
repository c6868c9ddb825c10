//! What the X contract server answers: the slice of X API v2 a cross-poster
//! uses, checked against the saved OpenAPI description
//! (`tests/fixtures/specs/x-api-openapi.json`, a copy of `shared/specs/`) and X's documented rules.
//!
//! - `POST /2/tweets`: the body against `CreatePostsRequest`; the text at
//!   most 280 by twitter-text's weights (the same rules as the client, from
//!   `src/network/x/twitter_text.rs`); a poll and media not both; media ids
//!   that were uploaded; a text identical to one of the account's last
//!   24 hours answers X's 403 "duplicate content".
//! - `POST /2/media/upload` (JSON, base64 `media`) and `POST /2/media/metadata`
//!   (alt text) against their schemas; the bytes must be the image the
//!   category says.
//! - `GET /2/users/me`, `GET /2/users/{id}/tweets` (newest first,
//!   `max_results`, `start_time`, `pagination_token`): text as X returns it,
//!   links as t.co and `&<>` as entities, with `created_at` and
//!   `entities.urls[].expanded_url` only when `tweet.fields` asks.
//! - `DELETE /2/tweets/{id}` (the account's own post; X's 404 problem once
//!   gone) and `GET /2/tweets/{id}` (200 with `errors` for one that is gone);
//!   a reply's `in_reply_to_tweet_id` must name a post.
//! - `POST /2/oauth2/token`: `grant_type=refresh_token`, rotating the pair
//!   (the old refresh token stops working), a public client naming itself
//!   with `client_id`, a confidential one with HTTP Basic.
//!
//! Every `/2/` request must carry the current OAuth 2.0 user token, or an
//! OAuth 1.0a signature that verifies with the test consumer and token
//! secrets (the nonce unused, the timestamp within 5 minutes). Answers carry
//! `x-rate-limit-limit`, `-remaining` and `-reset` (a Unix time).
//!
//! Where it differs from the saved description, it follows X's documented
//! behaviour: 401, 403 and 429 answer X's generic problems (`"type":
//! "about:blank"`), which the description's `Problem` union does not list;
//! `GET /2/users/{id}/tweets` takes `tweet.fields` (docs.x.com's name) as
//! well as the description's `post.fields`. Anything a request does that
//! the contract forbids is recorded as a contract violation.

use std::collections::{BTreeMap, HashSet};
use std::sync::LazyLock;
use std::time::Duration;

use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::contract::{Api, Request, Response, reason};
use super::openapi::OpenApi;
use super::x_signing;

use super::twitter_text;

pub const ACCESS_TOKEN: &str = "x-test-access-token";
pub const REFRESH_TOKEN: &str = "x-test-refresh-token";
pub const CLIENT_ID: &str = "x-test-client";
pub const CONSUMER_KEY: &str = "x-test-consumer-key";
pub const CONSUMER_SECRET: &str = "x-test-consumer-secret";
pub const OAUTH1_TOKEN: &str = "1500000000000000001-x-test-token";
pub const OAUTH1_TOKEN_SECRET: &str = "x-test-token-secret";
pub const USER_ID: &str = "1500000000000000001";
pub const USERNAME: &str = "RiversideHeart";

static SPEC: LazyLock<OpenApi> = LazyLock::new(|| OpenApi::shared("x-api-openapi.json"));

/// How the server is set up.
#[derive(Clone, Debug)]
pub struct Config {
    /// The OAuth 2.0 access token it takes.
    pub access_token: String,
    /// The access token has expired: it answers 401 until renewed.
    pub access_expired: bool,
    pub refresh_token: String,
    pub client_id: String,
    /// Set for a confidential client, which must renew with HTTP Basic.
    pub client_secret: Option<String>,
    /// How far back a repeated text is refused as duplicate content.
    pub duplicate_window: Duration,
    /// Requests per 15 minutes to `POST /2/tweets` before 429.
    pub post_limit: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            access_token: ACCESS_TOKEN.into(),
            access_expired: false,
            refresh_token: REFRESH_TOKEN.into(),
            client_id: CLIENT_ID.into(),
            client_secret: None,
            duplicate_window: Duration::from_secs(24 * 3600),
            post_limit: 100,
        }
    }
}

fn problem(status: u16, body: &Value) -> Response {
    Response::json(status, body).with_type("application/problem+json")
}

/// Problem answers are `application/problem+json`, as X sends them.
trait ProblemType {
    fn with_type(self, content_type: &str) -> Self;
}

impl ProblemType for Response {
    fn with_type(mut self, content_type: &str) -> Response {
        self.headers
            .retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
        self.header("Content-Type", content_type)
    }
}

/// X's generic problems, as it sends them for 401, 403 and 429.
pub fn unauthorized() -> Response {
    problem(
        401,
        &json!({"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}),
    )
}

pub fn too_many_requests(reset_after_secs: u64) -> Response {
    problem(
        429,
        &json!({"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429}),
    )
    .header("x-rate-limit-limit", "100")
    .header("x-rate-limit-remaining", "0")
    .header(
        "x-rate-limit-reset",
        (Utc::now().timestamp() + reset_after_secs as i64).to_string(),
    )
}

fn duplicate() -> Response {
    problem(
        403,
        &json!({"detail": "You are not allowed to create a Tweet with duplicate content.", "type": "about:blank", "title": "Forbidden", "status": 403}),
    )
}

fn invalid(messages: &[String]) -> Response {
    let errors: Vec<Value> = messages.iter().map(|m| json!({"message": m})).collect();
    problem(
        400,
        &json!({
            "errors": errors,
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.x.com/2/problems/invalid-request",
        }),
    )
}

/// A post on the account's timeline.
#[derive(Clone, Debug)]
pub struct StoredPost {
    pub id: String,
    /// As sent.
    pub text: String,
    pub created_at: DateTime<Utc>,
    pub media_ids: Vec<String>,
    pub poll: Option<Value>,
    /// The request body, as sent.
    pub request: Value,
}

/// An uploaded image.
#[derive(Clone, Debug)]
pub struct StoredMedia {
    pub id: String,
    pub category: String,
    pub bytes: Vec<u8>,
    pub alt_text: Option<String>,
}

/// The server's state; the transport hands it each request.
pub struct XApi {
    pub config: Config,
    /// `http://127.0.0.1:PORT`: the URL clients sign with OAuth 1.0a.
    origin: String,
    access_token: String,
    access_expired: bool,
    refresh_token: String,
    /// Tokens that were good once and have been replaced.
    retired: HashSet<String>,
    pub posts: Vec<StoredPost>,
    pub media: BTreeMap<String, StoredMedia>,
    /// This request's contract violations, handed to the core after it.
    violations: Vec<String>,
    /// Posts refused as duplicate content: each is a client posting twice.
    pub duplicate_refusals: usize,
    /// Ids of the posts deleted through `DELETE /2/tweets/{id}`.
    pub deleted: Vec<String>,
    /// Successful renewals of the OAuth 2.0 token.
    pub refreshes: usize,
    nonces: HashSet<String>,
    next_id: u64,
    /// `POST /2/tweets` calls in the current 15-minute window.
    window: (i64, u32),
}

impl XApi {
    pub fn new(config: Config, origin: String) -> XApi {
        XApi {
            origin,
            access_token: config.access_token.clone(),
            access_expired: config.access_expired,
            refresh_token: config.refresh_token.clone(),
            config,
            retired: HashSet::new(),
            posts: Vec::new(),
            media: BTreeMap::new(),
            violations: Vec::new(),
            duplicate_refusals: 0,
            deleted: Vec::new(),
            refreshes: 0,
            nonces: HashSet::new(),
            next_id: 1_860_000_000_000_000_000,
            window: (0, 0),
        }
    }

    /// The access and refresh tokens good now.
    pub fn tokens(&self) -> (String, String) {
        (self.access_token.clone(), self.refresh_token.clone())
    }

    fn violation(&mut self, call: &Request, status: u16, why: impl Into<String>) {
        self.violations.push(call.violation(status, why.into()));
    }

    fn rejected(&mut self, call: &Request, answer: Response, why: impl Into<String>) -> Response {
        self.violation(call, answer.status, why);
        answer
    }

    fn snowflake(&mut self) -> String {
        self.next_id += 1;
        self.next_id.to_string()
    }

    fn route(&mut self, call: &Request) -> Response {
        let path = call.path.trim_end_matches('/');
        if (call.method.as_str(), path) == ("POST", "/2/oauth2/token") {
            return self.token(call);
        }
        if !path.starts_with("/2/") {
            return self.rejected(call, Response::json(404, &json!({})), "no such endpoint");
        }
        if let Err(answer) = self.authenticate(call) {
            return answer;
        }
        let answer = match (call.method.as_str(), path) {
            ("POST", "/2/tweets") => self.create_post(call),
            ("POST", "/2/media/upload") => self.upload(call),
            ("POST", "/2/media/metadata") => self.metadata(call),
            ("GET", "/2/users/me") => self.me(call),
            ("DELETE", _) if path.starts_with("/2/tweets/") => {
                let id = path["/2/tweets/".len()..].to_string();
                self.delete_post(call, &id)
            }
            ("GET", _) if path.starts_with("/2/tweets/") => {
                let id = path["/2/tweets/".len()..].to_string();
                self.lookup(&id)
            }
            ("GET", _) if path.starts_with("/2/users/") && path.ends_with("/tweets") => {
                let id = &path["/2/users/".len()..path.len() - "/tweets".len()];
                self.timeline(call, id)
            }
            _ => {
                let answer = problem(
                    404,
                    &json!({"title": "Not Found Error", "type": "https://api.x.com/2/problems/resource-not-found", "detail": "no such endpoint", "resource_type": "endpoint"}),
                );
                self.rejected(call, answer, "no such endpoint in the contract")
            }
        };
        let reset = (Utc::now().timestamp() / 900 + 1) * 900;
        answer
            .header("x-rate-limit-limit", self.config.post_limit.to_string())
            .header(
                "x-rate-limit-remaining",
                self.config
                    .post_limit
                    .saturating_sub(self.window.1)
                    .to_string(),
            )
            .header("x-rate-limit-reset", reset.to_string())
    }

    fn authenticate(&mut self, call: &Request) -> Result<(), Response> {
        let Some(value) = call.header("authorization").map(str::to_string) else {
            let answer = unauthorized();
            self.violation(call, 401, "no Authorization header");
            return Err(answer);
        };
        if let Some(token) = value.strip_prefix("Bearer ") {
            let token = token.trim();
            if token == self.access_token && !self.access_expired {
                return Ok(());
            }
            // An expired or replaced token is the client's to renew, not a breach.
            if token == self.access_token || self.retired.contains(token) {
                return Err(unauthorized());
            }
            self.violation(call, 401, "wrong access token");
            return Err(unauthorized());
        }
        if value.starts_with("OAuth ") {
            return match self.verify_oauth1(call, &value) {
                Ok(()) => Ok(()),
                Err(why) => {
                    self.violation(call, 401, why);
                    Err(unauthorized())
                }
            };
        }
        self.violation(call, 401, "Authorization is neither Bearer nor OAuth");
        Err(unauthorized())
    }

    fn verify_oauth1(&mut self, call: &Request, header: &str) -> Result<(), String> {
        let fields = x_signing::parse(header).ok_or("unreadable OAuth header")?;
        let field = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .ok_or(format!("OAuth header without {name}"))
        };
        if field("oauth_consumer_key")? != CONSUMER_KEY || field("oauth_token")? != OAUTH1_TOKEN {
            return Err("unknown consumer key or token".into());
        }
        if field("oauth_signature_method")? != "HMAC-SHA1" || field("oauth_version")? != "1.0" {
            return Err("not HMAC-SHA1, OAuth 1.0".into());
        }
        let timestamp: i64 = field("oauth_timestamp")?
            .parse()
            .map_err(|_| "bad oauth_timestamp")?;
        if (Utc::now().timestamp() - timestamp).abs() > 300 {
            return Err("oauth_timestamp more than 5 minutes off".into());
        }
        if !self.nonces.insert(field("oauth_nonce")?) {
            return Err("oauth_nonce used before".into());
        }
        let mut url = format!("{}{}", self.origin, call.path);
        if !call.query.is_empty() {
            url = format!("{url}?{}", call.query);
        }
        let url = url::Url::parse(&url).map_err(|e| e.to_string())?;
        let oauth: Vec<(String, String)> = fields
            .iter()
            .filter(|(k, _)| k != "oauth_signature")
            .cloned()
            .collect();
        // A form body is signed too; JSON bodies are not.
        let form = if call.mime() == "application/x-www-form-urlencoded" {
            call.form()
        } else {
            Vec::new()
        };
        let expected = x_signing::signature(
            &call.method,
            &url,
            &oauth,
            &form,
            CONSUMER_SECRET,
            OAUTH1_TOKEN_SECRET,
        );
        if field("oauth_signature")? != expected {
            return Err("the OAuth 1.0a signature does not verify".into());
        }
        Ok(())
    }

    /// `POST /2/oauth2/token`, `grant_type=refresh_token`.
    fn token(&mut self, call: &Request) -> Response {
        let refused = |description: &str| {
            Response::json(
                400,
                &json!({"error": "invalid_request", "error_description": description}),
            )
        };
        if !call
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"))
        {
            return self.rejected(
                call,
                refused("Missing required parameter [grant_type]."),
                "token request is not a form",
            );
        }
        let form = call.form();
        let get = |name: &str| {
            form.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        if get("grant_type") != Some("refresh_token") {
            return self.rejected(
                call,
                refused("Missing required parameter [grant_type]."),
                "grant_type is not refresh_token",
            );
        }
        let client_ok = match &self.config.client_secret {
            Some(secret) => {
                let expected = base64::engine::general_purpose::STANDARD
                    .encode(format!("{}:{secret}", self.config.client_id));
                call.header("authorization") == Some(format!("Basic {expected}").as_str())
            }
            None => get("client_id") == Some(self.config.client_id.as_str()),
        };
        if !client_ok {
            let answer = Response::json(
                401,
                &json!({"error": "unauthorized_client", "error_description": "Missing valid authorization header"}),
            );
            return self.rejected(
                call,
                answer,
                "the client did not identify itself as X requires",
            );
        }
        if get("refresh_token") != Some(self.refresh_token.as_str()) {
            // A retired refresh token is a client that lost the rotated one.
            let answer = refused("Value passed for the token was invalid.");
            return self.rejected(call, answer, "refresh token not the current one");
        }
        self.refreshes += 1;
        self.retired.insert(self.access_token.clone());
        self.access_token = format!("{}-renewed-{}", self.config.access_token, self.refreshes);
        self.refresh_token = format!("{}-renewed-{}", self.config.refresh_token, self.refreshes);
        self.access_expired = false;
        Response::json(
            200,
            &json!({
                "token_type": "bearer",
                "expires_in": 7200,
                "access_token": self.access_token,
                "scope": "tweet.read tweet.write users.read media.write offline.access",
                "refresh_token": self.refresh_token,
            }),
        )
    }

    /// The body as JSON, checked against the operation's schema.
    fn json_body(&mut self, call: &Request, template: &str) -> Result<Value, Response> {
        if !call
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/json"))
        {
            let answer = invalid(&["the body must be application/json".into()]);
            return Err(self.rejected(call, answer, "body is not application/json"));
        }
        let body: Value = match serde_json::from_slice(&call.body) {
            Ok(body) => body,
            Err(e) => {
                return Err(self.rejected(call, invalid(&[e.to_string()]), "body is not JSON"));
            }
        };
        let errors = SPEC.body_errors("POST", template, "application/json", &body);
        if !errors.is_empty() {
            let answer = invalid(&errors);
            return Err(self.rejected(call, answer, format!("against the schema: {errors:?}")));
        }
        Ok(body)
    }

    fn create_post(&mut self, call: &Request) -> Response {
        let window = Utc::now().timestamp() / 900;
        if self.window.0 != window {
            self.window = (window, 0);
        }
        self.window.1 += 1;
        if self.window.1 > self.config.post_limit {
            let answer = too_many_requests(900);
            return self.rejected(call, answer, "rate limit exceeded");
        }
        let body = match self.json_body(call, "/2/tweets") {
            Ok(body) => body,
            Err(answer) => return answer,
        };
        let text = body["text"].as_str().unwrap_or_default().to_string();
        let media_ids: Vec<String> = body["media"]["media_ids"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|id| id.as_str().map(str::to_string))
            .collect();
        let mut problems = Vec::new();
        if text.trim().is_empty() && media_ids.is_empty() {
            problems.push("text is required unless media is given".to_string());
        }
        let length = twitter_text::weighted_length(&text);
        if length > 280 {
            problems.push(format!("the text weighs {length}, over 280"));
        }
        if !body["poll"].is_null() && !body["media"].is_null() {
            problems.push("media and poll are mutually exclusive".into());
        }
        if let Some(unknown) = media_ids.iter().find(|id| !self.media.contains_key(*id)) {
            problems.push(format!("media id {unknown} was not uploaded"));
        }
        if let Some(parent) = body["reply"]["in_reply_to_tweet_id"].as_str()
            && !self.posts.iter().any(|p| p.id == parent)
        {
            problems.push(format!("in_reply_to_tweet_id {parent} is not a post"));
        }
        if !problems.is_empty() {
            let answer = invalid(&problems);
            return self.rejected(call, answer, problems.join("; "));
        }
        let since = Utc::now()
            - chrono::Duration::from_std(self.config.duplicate_window).unwrap_or_default();
        if self
            .posts
            .iter()
            .any(|p| p.text == text && p.created_at > since)
        {
            self.duplicate_refusals += 1;
            return duplicate();
        }
        let id = self.snowflake();
        let post = StoredPost {
            id: id.clone(),
            text: text.clone(),
            created_at: Utc::now(),
            media_ids,
            poll: body.get("poll").cloned(),
            request: body,
        };
        let shown = shown_text(&post, &mut 0).0;
        self.posts.push(post);
        Response::json(
            201,
            &json!({"data": {"id": id, "text": shown, "edit_history_post_ids": [id]}}),
        )
    }

    /// `DELETE /2/tweets/{id}`: only the account's own posts; a post that is
    /// not there answers X's 404 problem.
    fn delete_post(&mut self, call: &Request, id: &str) -> Response {
        if SPEC.operation("DELETE", "/2/tweets/{id}").is_none() {
            return self.rejected(call, Response::json(404, &json!({})), "not in the contract");
        }
        let Some(index) = self.posts.iter().position(|p| p.id == id) else {
            return problem(
                404,
                &json!({"title": "Not Found Error", "type": "https://api.x.com/2/problems/resource-not-found", "detail": format!("Could not find post with id: [{id}]."), "resource_type": "post"}),
            );
        };
        self.posts.remove(index);
        self.deleted.push(id.to_string());
        Response::json(200, &json!({"data": {"deleted": true}}))
    }

    /// `GET /2/tweets/{id}`: the post, or (as X answers for one that is
    /// gone) 200 with `errors` and no `data`.
    fn lookup(&mut self, id: &str) -> Response {
        match self.posts.iter().find(|p| p.id == id) {
            Some(post) => {
                let text = shown_text(post, &mut 0).0;
                Response::json(200, &json!({"data": {"id": id, "text": text}}))
            }
            None => Response::json(
                200,
                &json!({"errors": [{"value": id, "detail": format!("Could not find tweet with id: [{id}]."), "title": "Not Found Error", "resource_type": "tweet", "parameter": "id", "resource_id": id, "type": "https://api.twitter.com/2/problems/resource-not-found"}]}),
            ),
        }
    }

    fn upload(&mut self, call: &Request) -> Response {
        let body = match self.json_body(call, "/2/media/upload") {
            Ok(body) => body,
            Err(answer) => return answer,
        };
        let category = body["media_category"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let bytes = match base64::engine::general_purpose::STANDARD
            .decode(body["media"].as_str().unwrap_or_default())
        {
            Ok(bytes) => bytes,
            Err(e) => {
                let answer = invalid(&[format!("media is not base64: {e}")]);
                return self.rejected(call, answer, "media is not base64");
            }
        };
        let kind = image_kind(&bytes);
        let fits = match category.as_str() {
            "tweet_image" => matches!(kind, Some("image/png" | "image/jpeg" | "image/webp")),
            "tweet_gif" => kind == Some("image/gif"),
            _ => false,
        };
        if !fits {
            let answer = invalid(&[format!("{category} does not take {kind:?}")]);
            return self.rejected(call, answer, "media does not fit its category");
        }
        let id = self.snowflake();
        let size = bytes.len();
        self.media.insert(
            id.clone(),
            StoredMedia {
                id: id.clone(),
                category,
                bytes,
                alt_text: None,
            },
        );
        Response::json(
            200,
            &json!({"data": {
                "id": id,
                "media_key": format!("3_{id}"),
                "size": size,
                "expires_after_secs": 86_400,
                "image": {"image_type": kind.unwrap_or_default()},
            }}),
        )
    }

    fn metadata(&mut self, call: &Request) -> Response {
        let body = match self.json_body(call, "/2/media/metadata") {
            Ok(body) => body,
            Err(answer) => return answer,
        };
        let id = body["id"].as_str().unwrap_or_default().to_string();
        let Some(media) = self.media.get_mut(&id) else {
            let answer = invalid(&[format!("media id {id} was not uploaded")]);
            return self.rejected(call, answer, "metadata for unknown media");
        };
        media.alt_text = body["metadata"]["alt_text"]["text"]
            .as_str()
            .map(str::to_string);
        Response::json(
            200,
            &json!({"data": {"id": id, "associated_metadata": body["metadata"]}}),
        )
    }

    fn me(&mut self, call: &Request) -> Response {
        let errors = SPEC.query_errors("GET", "/2/users/me", &call.query_pairs(), &[]);
        if !errors.is_empty() {
            let answer = invalid(&errors);
            return self.rejected(call, answer, format!("{errors:?}"));
        }
        Response::json(
            200,
            &json!({"data": {"id": USER_ID, "name": "Riverside Heart", "username": USERNAME}}),
        )
    }

    fn timeline(&mut self, call: &Request, id: &str) -> Response {
        let pairs = call.query_pairs();
        let mut errors = SPEC.query_errors(
            "GET",
            "/2/users/{id}/tweets",
            &pairs,
            &[("tweet.fields", "post.fields")],
        );
        if !id.chars().all(|c| c.is_ascii_digit()) || id.is_empty() || id.len() > 19 {
            errors.push(format!("the user id {id:?} is not 1 to 19 digits"));
        }
        if !errors.is_empty() {
            let answer = invalid(&errors);
            return self.rejected(call, answer, format!("{errors:?}"));
        }
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let fields: Vec<String> = get("tweet.fields")
            .or_else(|| get("post.fields"))
            .map(|f| f.split(',').map(str::to_string).collect())
            .unwrap_or_default();
        let start = get("start_time")
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc));
        let max: usize = get("max_results")
            .and_then(|m| m.parse().ok())
            .unwrap_or(10);
        let offset: usize = get("pagination_token")
            .and_then(|t| t.strip_prefix('p').and_then(|n| n.parse().ok()))
            .unwrap_or(0);
        let mine: Vec<&StoredPost> = if id == USER_ID {
            self.posts
                .iter()
                .rev()
                .filter(|p| start.is_none_or(|s| p.created_at >= s))
                .collect()
        } else {
            Vec::new()
        };
        let page: Vec<Value> = mine
            .iter()
            .skip(offset)
            .take(max)
            .enumerate()
            .map(|(i, post)| post_json(post, &fields, offset + i))
            .collect();
        let mut meta = json!({"result_count": page.len()});
        if let (Some(first), Some(last)) = (page.first(), page.last()) {
            meta["newest_id"] = first["id"].clone();
            meta["oldest_id"] = last["id"].clone();
        }
        if offset + max < mine.len() {
            meta["next_token"] = json!(format!("p{}", offset + max));
        }
        let mut body = json!({"meta": meta});
        if !page.is_empty() {
            body["data"] = json!(page);
        }
        Response::json(200, &body)
    }
}

impl Api for XApi {
    fn handle(&mut self, request: &Request, violations: &mut Vec<String>) -> Response {
        let response = self.route(request);
        violations.append(&mut self.violations);
        response
    }

    /// What X's front end answers for an error status: a generic problem.
    fn fault_response(&self, status: u16) -> Response {
        let title = reason(status);
        problem(
            status,
            &json!({"title": title, "detail": title, "type": "about:blank", "status": status}),
        )
    }

    /// X's own 429: no `Retry-After`, a Unix time in `x-rate-limit-reset`.
    fn rate_limited(&self, reset_after_secs: u64) -> Response {
        too_many_requests(reset_after_secs)
    }
}

/// A post as the timeline shows it, with only the fields asked for.
fn post_json(post: &StoredPost, fields: &[String], salt: usize) -> Value {
    let mut counter = salt * 8;
    let (text, urls) = shown_text(post, &mut counter);
    let mut out = json!({"id": post.id, "text": text, "edit_history_tweet_ids": [post.id]});
    if fields.iter().any(|f| f == "created_at") {
        out["created_at"] = json!(post.created_at.to_rfc3339_opts(SecondsFormat::Millis, true));
    }
    if fields.iter().any(|f| f == "entities") && !urls.is_empty() {
        out["entities"] = json!({"urls": urls});
    }
    // The thread's first post. (One level only: a reply to a reply would
    // name its parent's thread; Rounds replies only under its own copies.)
    if fields.iter().any(|f| f == "conversation_id") {
        let parent = post.request["reply"]["in_reply_to_tweet_id"].as_str();
        out["conversation_id"] = json!(parent.unwrap_or(&post.id));
    }
    out
}

/// The text as X shows it: every link a t.co link, `&<>` escaped; and the
/// URL entities (code point offsets into that text).
fn shown_text(post: &StoredPost, counter: &mut usize) -> (String, Vec<Value>) {
    let mut out = String::new();
    let mut entities = Vec::new();
    let mut last = 0;
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    for range in twitter_text::urls(&post.text) {
        out.push_str(&escape(&post.text[last..range.start]));
        let original = &post.text[range.clone()];
        *counter += 1;
        let short = format!(
            "https://t.co/{}{:04}",
            &post.id[post.id.len() - 6..],
            *counter
        );
        let start = out.chars().count();
        out.push_str(&short);
        let expanded = if original.contains("://") {
            original.to_string()
        } else {
            format!("http://{original}")
        };
        let display: String = expanded
            .split_once("://")
            .map_or(expanded.as_str(), |(_, rest)| rest)
            .chars()
            .take(25)
            .collect();
        entities.push(json!({
            "start": start,
            "end": start + short.chars().count(),
            "url": short,
            "expanded_url": expanded,
            "display_url": display,
        }));
        last = range.end;
    }
    out.push_str(&escape(&post.text[last..]));
    (out, entities)
}

/// The image format by its first bytes.
fn image_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF8") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}
