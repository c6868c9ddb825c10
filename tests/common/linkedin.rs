//! A local LinkedIn contract server for the `rounds publish` tests, on the
//! shared [`contract`](super::contract) core.
//!
//! It speaks the slice of LinkedIn's versioned REST API an organisation page
//! poster uses (the Posts, Images and Poll documentation, and the rules in
//! `/work/shared/PLATFORMS.md`) and answers as LinkedIn does:
//!
//! - `POST /rest/posts`: `201` with the new post's URN in `x-restli-id` and
//!   no body. The body is checked field by field against the Post schema
//!   (required `author`, `visibility`, `distribution`, `lifecycleState`,
//!   `isReshareDisabledByAuthor`; their enums; no unknown or read-only field),
//!   an `article` (`source`, `title`, optional `description`, and a
//!   `thumbnail` that must be an image URN this server issued to the same
//!   owner and whose bytes were uploaded) or a `poll` (a question of at most
//!   140 characters, 2–4 options of 1–30 characters, a documented duration).
//!   The same commentary by the same author within [`Config::duplicate_window`]
//!   answers `422` with `DUPLICATE_POST`, word for word as LinkedIn does.
//! - `GET /rest/posts?q=author&author=…`: the author's posts, most recently
//!   changed first, with `start`/`count` paging.
//! - `POST /rest/images?action=initializeUpload`, then `PUT` of the bytes to
//!   the `uploadUrl` it returns (served here too, under `/dms-uploads/`).
//!
//! Every `/rest` call needs `Authorization: Bearer`, `LinkedIn-Version:
//! YYYYMM` within [`Config::versions`] (else `426`, as LinkedIn answers an
//! unknown or sunset version) and `X-Restli-Protocol-Version: 2.0.0`.
//! Errors are LinkedIn's JSON: `{"status", "serviceErrorCode", "code", "message"}`.
//!
//! The commentary is read as LinkedIn's "little" text: a reserved character
//! (`\ | { } @ [ ] ( ) < > # * _ ~`) that is neither escaped nor part of a
//! hashtag or mention element is a contract violation, and, as on LinkedIn,
//! the post still answers 201 but keeps only the text before it. Its length
//! is counted as sent, in UTF-16 units, against 3,000.
//!
//! Deliberate strictness (recorded in `contract_violations`): anything this
//! server answers with a 4xx other than 401, 426, 429 and the duplicate is
//! also a violation, since a correct client never sends it.

#![allow(dead_code)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use super::contract::{Api, ContractServer, Request, Response, sniff_image};

/// The token a server from [`start`] accepts.
pub const DEFAULT_TOKEN: &str = "linkedin-test-token";
/// The page the token may post as.
pub const ORGANIZATION: &str = "urn:li:organization:5550100";
/// LinkedIn's limit on `commentary`.
pub const COMMENTARY_LIMIT: usize = 3000;
/// The 15 characters little text reserves.
pub const RESERVED: &str = "\\|{}@[]()<>#*_~";

#[derive(Clone, Debug)]
pub struct Config {
    pub token: String,
    /// The organisation the token's member administers.
    pub organization: String,
    /// The `LinkedIn-Version`s served, oldest and newest (inclusive).
    pub versions: (u32, u32),
    /// How long LinkedIn refuses an identical post by the same author.
    pub duplicate_window: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            token: DEFAULT_TOKEN.into(),
            organization: ORGANIZATION.into(),
            versions: (202511, 202611),
            duplicate_window: Duration::from_secs(24 * 3600),
        }
    }
}

/// A post as stored.
#[derive(Clone, Debug)]
pub struct StoredPost {
    pub urn: String,
    /// The request body as sent.
    pub body: Value,
    /// The commentary as LinkedIn keeps it: cut at the first unparsable character.
    pub commentary: String,
    /// What readers see: escapes dropped, templates as `#Tag`, mentions as names.
    pub shown: String,
    pub created_ms: i64,
}

#[derive(Clone, Debug)]
pub struct StoredImage {
    pub urn: String,
    pub owner: String,
    pub bytes: Option<Vec<u8>>,
}

pub struct LinkedIn {
    base: String,
    pub config: Config,
    pub posts: Vec<StoredPost>,
    pub images: Vec<StoredImage>,
    next_id: u64,
}

pub type LinkedInServer = ContractServer<LinkedIn>;

pub fn start() -> LinkedInServer {
    start_with(Config::default())
}

pub fn start_with(config: Config) -> LinkedInServer {
    ContractServer::start_with_base(|base| LinkedIn {
        base,
        config,
        posts: Vec::new(),
        images: Vec::new(),
        next_id: 7_141_138_937_766_391_000,
    })
}

/// The posts on the page, oldest first.
pub fn posts(server: &LinkedInServer) -> Vec<StoredPost> {
    server.with(|api| api.posts.clone())
}

/// What readers see of each post, oldest first.
pub fn shown_texts(server: &LinkedInServer) -> Vec<String> {
    posts(server).into_iter().map(|p| p.shown).collect()
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// LinkedIn's error body.
pub fn error(status: u16, service_code: u32, code: &str, message: &str) -> Response {
    Response::json(
        status,
        &json!({"status": status, "serviceErrorCode": service_code, "code": code, "message": message}),
    )
}

/// A 4xx the client should never cause: answered, and recorded.
fn refuse(request: &Request, violations: &mut Vec<String>, status: u16, why: &str) -> Response {
    violations.push(request.violation(status, why));
    error(status, 100, "INVALID_REQUEST", why)
}

impl Api for LinkedIn {
    fn handle(&mut self, request: &Request, violations: &mut Vec<String>) -> Response {
        let route = (request.method.as_str(), request.path.as_str());
        if let ("PUT", path) = route {
            if let Some(n) = path.strip_prefix("/dms-uploads/") {
                return self.upload(request, violations, n);
            }
        }
        if !request.path.starts_with("/rest/") {
            return refuse(request, violations, 404, "no such resource");
        }
        if let Some(response) = self.check_headers(request, violations) {
            return response;
        }
        match route {
            ("POST", "/rest/posts") => self.create_post(request, violations),
            ("GET", "/rest/posts") => self.find_posts(request, violations),
            ("POST", "/rest/images") => self.initialize_upload(request, violations),
            (method, path) if path.starts_with("/rest/posts/") => {
                let raw = &path["/rest/posts/".len()..];
                let urn: String = url::form_urlencoded::parse(format!("u={raw}").as_bytes())
                    .map(|(_, v)| v.into_owned())
                    .next()
                    .unwrap_or_default();
                self.one_post(method, &urn, request, violations)
            }
            _ => refuse(request, violations, 404, "no such resource"),
        }
    }

    fn fault_response(&self, status: u16) -> Response {
        error(status, 0, "SERVER_ERROR", super::contract::reason(status))
    }

    fn rate_limited(&self, _reset_after_secs: u64) -> Response {
        error(
            429,
            101,
            "TOO_MANY_REQUESTS",
            "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
        )
    }
}

impl LinkedIn {
    /// `/rest/posts/{encoded urn}`: GET the post; a partial update of its
    /// `commentary` (POST with `X-RestLi-Method: PARTIAL_UPDATE` and
    /// `{"patch": {"$set": {…}}}`, the only field Rounds may change); DELETE.
    /// 404 for a post that is not there; 204 for an update or a delete.
    fn one_post(
        &mut self,
        method: &str,
        urn: &str,
        request: &Request,
        violations: &mut Vec<String>,
    ) -> Response {
        let Some(index) = self.posts.iter().position(|p| p.urn == urn) else {
            return error(404, 0, "NOT_FOUND", &format!("Post {urn} does not exist"));
        };
        match method {
            "GET" => {
                let mut body = self.posts[index].body.clone();
                body["id"] = json!(urn);
                body["commentary"] = json!(self.posts[index].commentary);
                Response::json(200, &body)
            }
            "DELETE" => {
                if request.header("x-restli-method") != Some("DELETE") {
                    violations
                        .push(request.violation(204, "a delete without X-RestLi-Method: DELETE"));
                }
                self.posts.remove(index);
                Response::text(204, "application/json", Vec::new())
            }
            "POST" => {
                if request.header("x-restli-method") != Some("PARTIAL_UPDATE") {
                    return refuse(
                        request,
                        violations,
                        400,
                        "an update without X-RestLi-Method: PARTIAL_UPDATE",
                    );
                }
                let body = request.json().unwrap_or(Value::Null);
                let set = &body["patch"]["$set"];
                let keys: Vec<&String> = set
                    .as_object()
                    .map(|o| o.keys().collect())
                    .unwrap_or_default();
                if keys.iter().any(|k| k.as_str() != "commentary") || keys.is_empty() {
                    return refuse(
                        request,
                        violations,
                        422,
                        &format!("a partial update may set only `commentary` here, not {keys:?}"),
                    );
                }
                let raw = set["commentary"].as_str().unwrap_or_default();
                let little = parse_little(raw);
                if little.problem.is_some() {
                    violations.push(request.violation(204, "commentary is not valid little text"));
                }
                let kept = little.kept(raw).to_string();
                let post = &mut self.posts[index];
                post.body["commentary"] = json!(kept);
                post.commentary = kept;
                post.shown = little.shown;
                Response::text(204, "application/json", Vec::new())
            }
            _ => refuse(request, violations, 405, "no such method on a post"),
        }
    }

    /// Authorization, then the version, then the protocol, as LinkedIn checks them.
    fn check_headers(&self, request: &Request, violations: &mut Vec<String>) -> Option<Response> {
        if request.bearer() != Some(self.config.token.as_str()) {
            return Some(error(
                401,
                65600,
                "INVALID_ACCESS_TOKEN",
                "Invalid access token",
            ));
        }
        let Some(version) = request.header("linkedin-version") else {
            violations.push(request.violation(426, "no LinkedIn-Version header"));
            return Some(error(
                426,
                0,
                "VERSION_MISSING",
                "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
            ));
        };
        let month = version.get(4..).and_then(|m| m.parse::<u32>().ok());
        let well_formed = version.len() == 6
            && version.bytes().all(|b| b.is_ascii_digit())
            && month.is_some_and(|m| (1..=12).contains(&m));
        if !well_formed {
            return Some(refuse(
                request,
                violations,
                400,
                &format!("LinkedIn-Version `{version}` is not YYYYMM"),
            ));
        }
        let (oldest, newest) = self.config.versions;
        let number: u32 = version.parse().unwrap_or(0);
        if !(oldest..=newest).contains(&number) {
            return Some(error(
                426,
                0,
                "NONEXISTENT_VERSION",
                &format!("Requested version {version} is not active"),
            ));
        }
        if request.header("x-restli-protocol-version") != Some("2.0.0") {
            return Some(refuse(
                request,
                violations,
                400,
                "X-Restli-Protocol-Version must be 2.0.0",
            ));
        }
        None
    }

    fn urn(&mut self, kind: &str) -> String {
        self.next_id += 1;
        format!("urn:li:{kind}:{}", self.next_id)
    }

    fn create_post(&mut self, request: &Request, violations: &mut Vec<String>) -> Response {
        if request.mime() != "application/json" {
            return refuse(
                request,
                violations,
                415,
                "the body must be application/json",
            );
        }
        let Some(Value::Object(body)) = request.json() else {
            return refuse(request, violations, 400, "the body is not a JSON object");
        };
        if let Err(why) = check_post(&body) {
            return refuse(request, violations, 422, &why);
        }
        let author = body["author"].as_str().unwrap_or_default();
        if author != self.config.organization {
            violations.push(request.violation(403, format!("posting as {author}")));
            return error(
                403,
                100,
                "ACCESS_DENIED",
                &format!("Not enough permissions to post as {author}"),
            );
        }
        if let Some(content) = body.get("content") {
            if let Err(why) = self.check_content(author, content) {
                return refuse(request, violations, 422, &why);
            }
        }
        let raw = body
            .get("commentary")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let units = raw.encode_utf16().count();
        if units > COMMENTARY_LIMIT {
            return refuse(
                request,
                violations,
                422,
                &format!("commentary is {units} characters; the limit is {COMMENTARY_LIMIT}"),
            );
        }
        let little = parse_little(raw);
        if let Some((at, why)) = &little.problem {
            // LinkedIn takes the post and silently keeps the text before the problem.
            violations.push(request.violation(
                201,
                format!("commentary is not valid little text at byte {at} ({why}); LinkedIn would cut the post there"),
            ));
        }
        let kept = little.kept(raw).to_string();
        let now = now_ms();
        let window = self.config.duplicate_window.as_millis() as i64;
        if let Some(earlier) = self.posts.iter().find(|p| {
            p.body["author"] == body["author"]
                && p.commentary == kept
                && now - p.created_ms <= window
        }) {
            let message = format!(
                "com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of {}",
                earlier.urn
            );
            return Response::json(
                422,
                &json!({
                    "errorDetailType": "com.linkedin.common.error.BadRequest",
                    "message": message,
                    "errorDetails": {"inputErrors": [{"description": "Duplicate post is detected", "input": {}, "code": "DUPLICATE_POST"}]},
                    "status": 422,
                }),
            );
        }
        let urn = self.urn("share");
        self.posts.push(StoredPost {
            urn: urn.clone(),
            body: Value::Object(body),
            commentary: kept,
            shown: little.shown,
            created_ms: now,
        });
        Response::text(201, "application/json", Vec::new())
            .header("x-restli-id", urn.clone())
            .header("x-linkedin-id", urn)
    }

    fn check_content(&self, author: &str, content: &Value) -> Result<(), String> {
        let Some(content) = content.as_object() else {
            return Err("content must be an object".into());
        };
        let kinds: Vec<&String> = content.keys().collect();
        match kinds.as_slice() {
            [kind] if kind.as_str() == "article" => self.check_article(author, &content["article"]),
            [kind] if kind.as_str() == "poll" => check_poll(&content["poll"]),
            [kind]
                if ["media", "multiImage", "celebration", "reference"].contains(&kind.as_str()) =>
            {
                Err(format!(
                    "content.{kind} is valid but this server does not take it"
                ))
            }
            _ => Err(format!(
                "content must hold exactly one known kind, not {kinds:?}"
            )),
        }
    }

    fn check_article(&self, author: &str, article: &Value) -> Result<(), String> {
        let article = object(article, "content.article")?;
        only(
            article,
            "content.article",
            &[
                "source",
                "title",
                "description",
                "thumbnail",
                "thumbnailAltText",
            ],
        )?;
        let source = string(article, "source", true)?.unwrap_or_default();
        let parsed = url::Url::parse(source).map_err(|e| format!("content.article.source: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err("content.article.source must be http or https".into());
        }
        let title = string(article, "title", true)?.unwrap_or_default();
        if title.trim().is_empty() {
            return Err("content.article.title is empty".into());
        }
        string(article, "description", false)?;
        string(article, "thumbnailAltText", false)?;
        if let Some(thumbnail) = string(article, "thumbnail", false)? {
            let image = self
                .images
                .iter()
                .find(|i| i.urn == thumbnail)
                .ok_or(format!(
                    "thumbnail {thumbnail} is not an image uploaded here"
                ))?;
            if image.bytes.is_none() {
                return Err(format!(
                    "thumbnail {thumbnail}: its bytes were never uploaded"
                ));
            }
            if image.owner != author {
                return Err(format!("thumbnail {thumbnail} belongs to {}", image.owner));
            }
        }
        Ok(())
    }

    fn find_posts(&self, request: &Request, violations: &mut Vec<String>) -> Response {
        let pairs = request.query_pairs();
        let param = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        if param("q") != Some("author") {
            return refuse(request, violations, 400, "the posts finder needs q=author");
        }
        let Some(author) = param("author") else {
            return refuse(request, violations, 400, "q=author needs author");
        };
        // Rest.li 2.0 reads `:` in a query value as syntax: a URN must be URL-encoded.
        if request
            .query
            .split('&')
            .any(|p| p.starts_with("author=") && p.contains(':'))
        {
            return refuse(
                request,
                violations,
                400,
                "the author URN in the query is not URL-encoded",
            );
        }
        if author != self.config.organization {
            return refuse(
                request,
                violations,
                403,
                "not an admin of that organisation",
            );
        }
        let number =
            |name: &str, default: usize| param(name).map_or(Ok(default), |v| v.parse::<usize>());
        let (Ok(start), Ok(count)) = (number("start", 0), number("count", 10)) else {
            return refuse(request, violations, 400, "start and count must be numbers");
        };
        if count > 100 {
            return refuse(request, violations, 400, "count is at most 100");
        }
        if let Some(sort) = param("sortBy") {
            if !["LAST_MODIFIED", "CREATED"].contains(&sort) {
                return refuse(
                    request,
                    violations,
                    400,
                    "sortBy is LAST_MODIFIED or CREATED",
                );
            }
        }
        let newest_first: Vec<Value> = self
            .posts
            .iter()
            .rev()
            .filter(|p| p.body["author"] == author)
            .map(post_json)
            .collect();
        let page: Vec<Value> = newest_first
            .iter()
            .skip(start)
            .take(count)
            .cloned()
            .collect();
        Response::json(
            200,
            &json!({"paging": {"start": start, "count": count, "links": [], "total": newest_first.len()}, "elements": page}),
        )
    }

    fn initialize_upload(&mut self, request: &Request, violations: &mut Vec<String>) -> Response {
        if !request
            .query_pairs()
            .contains(&("action".into(), "initializeUpload".into()))
        {
            return refuse(
                request,
                violations,
                400,
                "images take ?action=initializeUpload",
            );
        }
        let Some(body) = request.json() else {
            return refuse(request, violations, 400, "the body is not JSON");
        };
        let start = body.as_object().and_then(|b| {
            (b.len() == 1)
                .then(|| b.get("initializeUploadRequest"))
                .flatten()
        });
        let Some(Value::Object(start)) = start else {
            return refuse(
                request,
                violations,
                422,
                "the body must be {\"initializeUploadRequest\": {...}}",
            );
        };
        if let Err(why) = only(start, "initializeUploadRequest", &["owner"]) {
            return refuse(request, violations, 422, &why);
        }
        let owner = start
            .get("owner")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if owner != self.config.organization {
            return refuse(
                request,
                violations,
                403,
                &format!("cannot upload for {owner}"),
            );
        }
        let urn = self.urn("image");
        let n = self.images.len();
        self.images.push(StoredImage {
            urn: urn.clone(),
            owner: owner.to_string(),
            bytes: None,
        });
        Response::json(
            200,
            &json!({"value": {
                "uploadUrlExpiresAt": now_ms() + 3_600_000,
                "uploadUrl": format!("{}/dms-uploads/{n}?ca=vector_feedshare&cn=uploads&m=AQ&sync=0", self.base),
                "image": urn,
            }}),
        )
    }

    fn upload(&mut self, request: &Request, violations: &mut Vec<String>, n: &str) -> Response {
        let Some(image) = n.parse::<usize>().ok().and_then(|n| self.images.get_mut(n)) else {
            return refuse(request, violations, 404, "no such upload");
        };
        if sniff_image(&request.body)
            .is_none_or(|m| !["image/png", "image/jpeg", "image/gif"].contains(&m))
        {
            violations.push(request.violation(400, "the upload is not a PNG, JPEG or GIF"));
            return Response::text(400, "text/plain", "Bad Request");
        }
        image.bytes = Some(request.body.clone());
        Response::text(201, "text/plain", Vec::new())
    }
}

/// The top level of a Post, as the Posts API documents it.
fn check_post(body: &Map<String, Value>) -> Result<(), String> {
    const READ_ONLY: [&str; 6] = [
        "id",
        "createdAt",
        "publishedAt",
        "lastModifiedAt",
        "lifecycleStateInfo",
        "isEditedByAuthor",
    ];
    if let Some(field) = READ_ONLY.iter().find(|f| body.contains_key(**f)) {
        return Err(format!("{field} is read-only"));
    }
    only(
        body,
        "the post",
        &[
            "author",
            "commentary",
            "visibility",
            "distribution",
            "lifecycleState",
            "isReshareDisabledByAuthor",
            "content",
            "contentLandingPage",
            "contentCallToActionLabel",
            "container",
            "reshareContext",
            "adContext",
        ],
    )?;
    let author = string(body, "author", true)?.unwrap_or_default();
    let number = author
        .strip_prefix("urn:li:organization:")
        .or(author.strip_prefix("urn:li:person:"));
    if number.is_none_or(str::is_empty) {
        return Err(format!(
            "author `{author}` is not a person or organization URN"
        ));
    }
    string(body, "commentary", false)?;
    one_of(
        body,
        "visibility",
        &["PUBLIC", "CONNECTIONS", "LOGGED_IN", "CONTAINER"],
    )?;
    one_of(
        body,
        "lifecycleState",
        &["PUBLISHED", "DRAFT", "PUBLISH_REQUESTED"],
    )?;
    if !body
        .get("isReshareDisabledByAuthor")
        .is_some_and(Value::is_boolean)
    {
        return Err("isReshareDisabledByAuthor is required, a boolean".into());
    }
    let distribution = object(
        body.get("distribution").unwrap_or(&Value::Null),
        "distribution",
    )?;
    only(
        distribution,
        "distribution",
        &[
            "feedDistribution",
            "targetEntities",
            "thirdPartyDistributionChannels",
        ],
    )?;
    one_of(distribution, "feedDistribution", &["MAIN_FEED", "NONE"])?;
    for list in ["targetEntities", "thirdPartyDistributionChannels"] {
        if distribution.get(list).is_some_and(|v| !v.is_array()) {
            return Err(format!("distribution.{list} must be an array"));
        }
    }
    Ok(())
}

fn check_poll(poll: &Value) -> Result<(), String> {
    let poll = object(poll, "content.poll")?;
    only(poll, "content.poll", &["question", "options", "settings"])?;
    let question = string(poll, "question", true)?.unwrap_or_default();
    let length = question.chars().count();
    if length == 0 || length > 140 {
        return Err(format!(
            "content.poll.question has {length} characters; 1 to 140 are allowed"
        ));
    }
    let options = poll
        .get("options")
        .and_then(Value::as_array)
        .ok_or("content.poll.options must be an array")?;
    if !(2..=4).contains(&options.len()) {
        return Err(format!("a poll has 2 to 4 options, not {}", options.len()));
    }
    for option in options {
        let option = object(option, "a poll option")?;
        only(option, "a poll option", &["text"])?;
        let text = string(option, "text", true)?.unwrap_or_default();
        let length = text.chars().count();
        if length == 0 || length > 30 {
            return Err(format!(
                "poll option `{text}` has {length} characters; 1 to 30 are allowed"
            ));
        }
    }
    let settings = object(
        poll.get("settings").unwrap_or(&Value::Null),
        "content.poll.settings",
    )?;
    only(
        settings,
        "content.poll.settings",
        &["duration", "voteSelectionType", "isVoterVisibleToAuthor"],
    )?;
    one_of(
        settings,
        "duration",
        &["ONE_DAY", "THREE_DAYS", "SEVEN_DAYS", "FOURTEEN_DAYS"],
    )?;
    if settings.contains_key("voteSelectionType") {
        one_of(settings, "voteSelectionType", &["SINGLE_VOTE"])?;
    }
    Ok(())
}

fn object<'a>(value: &'a Value, what: &str) -> Result<&'a Map<String, Value>, String> {
    value.as_object().ok_or(format!("{what} must be an object"))
}

fn only(object: &Map<String, Value>, what: &str, known: &[&str]) -> Result<(), String> {
    match object.keys().find(|k| !known.contains(&k.as_str())) {
        Some(unknown) => Err(format!("{what} has an unknown field `{unknown}`")),
        None => Ok(()),
    }
}

fn string<'a>(
    object: &'a Map<String, Value>,
    field: &str,
    required: bool,
) -> Result<Option<&'a str>, String> {
    match object.get(field) {
        None if required => Err(format!("{field} is required")),
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(format!("{field} must be a string, not {other}")),
    }
}

fn one_of(object: &Map<String, Value>, field: &str, allowed: &[&str]) -> Result<(), String> {
    let value = string(object, field, true)?.unwrap_or_default();
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(format!("{field} `{value}` is not one of {allowed:?}"))
    }
}

/// A post as the finder returns it.
fn post_json(post: &StoredPost) -> Value {
    let mut json = post.body.clone();
    json["id"] = json!(post.urn);
    json["commentary"] = json!(post.commentary);
    json["createdAt"] = json!(post.created_ms);
    json["publishedAt"] = json!(post.created_ms);
    json["lastModifiedAt"] = json!(post.created_ms);
    json["lifecycleStateInfo"] = json!({"isEditedByAuthor": false});
    json
}

/// Commentary read as little text.
#[derive(Debug, Default, PartialEq)]
pub struct Little {
    /// What readers see.
    pub shown: String,
    /// Where the first unparsable character is, and why.
    pub problem: Option<(usize, String)>,
}

impl Little {
    /// The commentary LinkedIn keeps: all of it, or what comes before the problem.
    pub fn kept<'a>(&self, raw: &'a str) -> &'a str {
        match &self.problem {
            Some((at, _)) => &raw[..*at],
            None => raw,
        }
    }
}

/// Reads little text by its grammar: text with reserved characters escaped,
/// `#word` and `{hashtag|#|word}` hashtags, `@[Name](urn)` and `@(urn)` mentions.
pub fn parse_little(raw: &str) -> Little {
    let mut little = Little::default();
    let mut at = 0;
    while at < raw.len() {
        let rest = &raw[at..];
        let c = rest.chars().next().expect("not empty");
        let step = match c {
            '\\' => match rest[1..].chars().next() {
                Some(e) if RESERVED.contains(e) => {
                    little.shown.push(e);
                    Ok(1 + e.len_utf8())
                }
                Some(e) => Err(format!("a backslash before `{e}`, which is not reserved")),
                None => Err("a lone backslash at the end".into()),
            },
            '{' => hashtag_template(rest, &mut little.shown),
            '@' => mention(rest, &mut little.shown),
            '#' => {
                let word: String = rest[1..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric())
                    .collect();
                if word.is_empty() {
                    Err("`#` that starts no hashtag".into())
                } else {
                    little.shown.push('#');
                    little.shown.push_str(&word);
                    Ok(1 + word.len())
                }
            }
            c if RESERVED.contains(c) => Err(format!("an unescaped `{c}`")),
            c => {
                little.shown.push(c);
                Ok(c.len_utf8())
            }
        };
        match step {
            Ok(n) => at += n,
            Err(why) => {
                little.problem = Some((at, why));
                return little;
            }
        }
    }
    little
}

/// `{hashtag|#|Tag}`; the sign may be `#`, `\#` or the full-width `＃`.
fn hashtag_template(rest: &str, shown: &mut String) -> Result<usize, String> {
    let after = rest
        .strip_prefix("{hashtag|")
        .ok_or("an unescaped `{` that starts no hashtag template")?;
    let after_sign = ["\\#|", "#|", "＃|"]
        .iter()
        .find_map(|sign| after.strip_prefix(sign))
        .ok_or("a hashtag template without its `#` sign")?;
    let (tag, used) = escaped_text(after_sign, '}')?;
    if tag.is_empty() {
        return Err("an empty hashtag template".into());
    }
    shown.push('#');
    shown.push_str(&tag);
    Ok(rest.len() - after_sign.len() + used + 1)
}

/// `@[Name](urn:li:organization:1)` or `@(urn:li:person:abc)`.
fn mention(rest: &str, shown: &mut String) -> Result<usize, String> {
    let mut used = 1;
    let mut name = None;
    if let Some(after) = rest[1..].strip_prefix('[') {
        let (text, n) = escaped_text(after, ']')?;
        name = Some(text);
        used += 1 + n + 1;
    }
    let after = rest[used..]
        .strip_prefix('(')
        .ok_or("an unescaped `@` that starts no mention")?;
    let end = after.find(')').ok_or("a mention without its `)`")?;
    let urn = &after[..end];
    let valid = ["urn:li:person:", "urn:li:organization:"].iter().any(|p| {
        urn.strip_prefix(p).is_some_and(|id| {
            !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
    });
    if !valid {
        return Err(format!(
            "a mention of `{urn}`, which is not a person or organization URN"
        ));
    }
    shown.push_str(name.as_deref().unwrap_or(urn));
    Ok(used + 1 + end + 1)
}

/// Escaped text up to `end`: the text, and the bytes read (without `end`).
fn escaped_text(text: &str, end: char) -> Result<(String, usize), String> {
    let mut out = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c == end => return Ok((out, i)),
            '\\' => match chars.next() {
                Some((_, e)) if RESERVED.contains(e) => out.push(e),
                _ => return Err("a bad escape inside a template".into()),
            },
            c if RESERVED.contains(c) => {
                return Err(format!("an unescaped `{c}` inside a template"));
            }
            c => out.push(c),
        }
    }
    Err(format!("a template without its `{end}`"))
}
