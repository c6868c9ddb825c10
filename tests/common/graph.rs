//! What the Facebook and Threads contract servers share, both being Meta
//! Graph APIs: versioned paths, the access token and where it may travel,
//! `fields=` selection, cursor paging, Graph's time format, and Graph's error
//! bodies (`{"error": {"message", "type", "code", "error_subcode",
//! "fbtrace_id"}}`, from developers.facebook.com/docs/graph-api/guides/error-handling).
//!
//! Where the token travels: Graph takes it from an `Authorization: Bearer`
//! (or `OAuth`) header, an `access_token` body field or an `access_token`
//! query parameter. The servers accept all three, as Graph does, but a token
//! in the query string is a contract violation for Rounds: URLs end up in
//! proxies' and servers' logs.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Map, Value, json};

use super::contract::{Request, Response};

/// A Graph error answer. `fbtrace_id` differs per answer, as Meta's does.
pub fn error(status: u16, code: i64, subcode: Option<i64>, kind: &str, message: &str) -> Response {
    static TRACE: AtomicU64 = AtomicU64::new(1);
    let mut body = json!({
        "message": message,
        "type": kind,
        "code": code,
        "fbtrace_id": format!("ATrace{}", TRACE.fetch_add(1, Ordering::Relaxed)),
    });
    if let Some(subcode) = subcode {
        body["error_subcode"] = json!(subcode);
    }
    if matches!(code, 1 | 2) {
        body["is_transient"] = json!(true);
    }
    Response::json(status, &json!({ "error": body }))
}

/// `(#100)` errors: a parameter Graph does not accept.
pub fn invalid(message: &str) -> Response {
    error(
        400,
        100,
        None,
        "OAuthException",
        &format!("(#100) {message}"),
    )
}

/// The answer for a path Graph has no such route or object for.
pub fn unsupported(request: &Request) -> Response {
    error(
        400,
        100,
        Some(33),
        "GraphMethodException",
        &format!(
            "Unsupported {} request. Object with ID '{}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.",
            request.method.to_lowercase(),
            request.path.trim_start_matches('/')
        ),
    )
}

/// Graph's answer to an injected status: a 5xx as Graph's own unknown (1) or
/// service (2) error, anything else as a parameter error.
pub fn fault(status: u16) -> Response {
    match status {
        503 => error(
            503,
            2,
            None,
            "OAuthException",
            "Service temporarily unavailable",
        ),
        500..=599 => error(
            status,
            1,
            None,
            "OAuthException",
            "An unknown error occurred",
        ),
        _ => error(
            status,
            100,
            None,
            "OAuthException",
            super::contract::reason(status),
        ),
    }
}

/// Splits `/v25.0/rest/of/path` into the version and the rest, recording a
/// violation for an unversioned call (Graph would pick the app's default
/// version, so the request's meaning could change under the client).
pub fn versioned<'a>(
    request: &'a Request,
    violations: &mut Vec<String>,
) -> Option<(&'a str, Vec<&'a str>)> {
    let mut parts = request.path.trim_start_matches('/').split('/');
    let first = parts.next().unwrap_or_default();
    let is_version = first
        .strip_prefix('v')
        .and_then(|v| v.split_once('.'))
        .is_some_and(|(a, b)| {
            !a.is_empty() && !b.is_empty() && a.chars().chain(b.chars()).all(|c| c.is_ascii_digit())
        });
    if !is_version {
        violations.push(request.violation(400, "a Graph call without a version (`/v25.0/...`)"));
        return None;
    }
    Some((first, parts.filter(|p| !p.is_empty()).collect()))
}

/// The request's parameters: the query string's and the body's (a form or a
/// JSON object), in that order, as Graph merges them.
pub fn params(request: &Request) -> Vec<(String, String)> {
    let mut all = request.query_pairs();
    if request.body.is_empty() {
        return all;
    }
    match request.json() {
        Some(Value::Object(object)) => all.extend(object.into_iter().map(|(k, v)| {
            let text = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            (k, text)
        })),
        _ => all.extend(request.form()),
    }
    all
}

pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Checks the access token wherever it came, answering Graph's own errors: 104
/// for none, 190 for the wrong one. A token in the query string is accepted
/// (Graph takes it) and recorded as a violation.
pub fn authorize(
    request: &Request,
    token: &str,
    violations: &mut Vec<String>,
) -> Result<(), Response> {
    let in_query = request
        .query_pairs()
        .into_iter()
        .find(|(k, _)| k == "access_token")
        .map(|(_, v)| v);
    if in_query.is_some() {
        violations.push(request.violation(
            200,
            "the access token is in the URL, where logs keep it; send `Authorization: Bearer`",
        ));
    }
    let from_header = request.header("authorization").and_then(|value| {
        let (scheme, token) = value.trim().split_once(' ')?;
        (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("oauth"))
            .then(|| token.trim().to_string())
    });
    let from_body = if request.mime() == "application/x-www-form-urlencoded" {
        param(&request.form(), "access_token").map(str::to_string)
    } else {
        None
    };
    match from_header.or(from_body).or(in_query) {
        None => {
            violations.push(request.violation(400, "no access token"));
            Err(error(
                400,
                104,
                None,
                "OAuthException",
                "An access token is required to request this resource.",
            ))
        }
        Some(sent) if sent != token => Err(error(
            400,
            190,
            None,
            "OAuthException",
            "Invalid OAuth access token - Cannot parse access token",
        )
        .header(
            "WWW-Authenticate",
            "OAuth \"Facebook Platform\" \"invalid_token\" \"Invalid OAuth access token - Cannot parse access token\"",
        )),
        Some(_) => Ok(()),
    }
}

/// Records a violation for each parameter not in `known`, the way Graph's
/// documentation lists an endpoint's parameters.
pub fn unknown_params(
    request: &Request,
    params: &[(String, String)],
    known: &[&str],
    violations: &mut Vec<String>,
) {
    for (name, _) in params {
        if name != "access_token" && !known.contains(&name.as_str()) {
            violations.push(
                request.violation(200, format!("`{name}` is not a parameter of this endpoint")),
            );
        }
    }
}

/// `fields=a,b` checked against what the node type has; `(#100) Tried
/// accessing nonexisting field` otherwise. No `fields` gives `default`.
pub fn fields<'a>(
    request: &Request,
    params: &'a [(String, String)],
    node: &str,
    known: &[&str],
    default: &'a [&'a str],
    violations: &mut Vec<String>,
) -> Result<Vec<String>, Response> {
    let Some(list) = param(params, "fields") else {
        return Ok(default.iter().map(|f| f.to_string()).collect());
    };
    let wanted: Vec<String> = list
        .split(',')
        .map(|f| f.trim().to_string())
        .filter(|f| !f.is_empty())
        .collect();
    if let Some(bad) = wanted.iter().find(|f| !known.contains(&f.as_str())) {
        violations.push(request.violation(400, format!("no field `{bad}` on a {node}")));
        return Err(invalid(&format!(
            "Tried accessing nonexisting field ({bad}) on node type ({node})"
        )));
    }
    Ok(wanted)
}

/// Only the fields asked for (and always `id`), as Graph answers.
pub fn select(full: &Value, wanted: &[String]) -> Value {
    let mut out = Map::new();
    out.insert("id".into(), full["id"].clone());
    for field in wanted {
        if let Some(value) = full.get(field).filter(|v| !v.is_null()) {
            out.insert(field.clone(), value.clone());
        }
    }
    Value::Object(out)
}

/// A page of a list, newest first, with Graph's cursor paging: `limit`
/// (default 25, at most 100) and `after`, an opaque cursor (here the offset).
pub fn paged(
    request: &Request,
    base: &str,
    params: &[(String, String)],
    items: Vec<Value>,
) -> Response {
    let limit = param(params, "limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(25)
        .clamp(1, 100);
    let start = param(params, "after")
        .and_then(|c| c.strip_prefix("cursor-"))
        .and_then(|c| c.parse::<usize>().ok())
        .unwrap_or(0);
    let page: Vec<Value> = items.iter().skip(start).take(limit).cloned().collect();
    let end = start + page.len();
    let mut body = json!({ "data": page });
    if !page.is_empty() {
        body["paging"] = json!({
            "cursors": { "before": format!("cursor-{start}"), "after": format!("cursor-{end}") }
        });
        if end < items.len() {
            let query: Vec<String> = params
                .iter()
                .filter(|(k, _)| k != "after" && k != "access_token")
                .map(|(k, v)| format!("{k}={v}"))
                .chain([format!("after=cursor-{end}")])
                .collect();
            body["paging"]["next"] = json!(format!("{base}{}?{}", request.path, query.join("&")));
        }
    }
    Response::json(200, &body)
}

/// Graph's time format: `2026-01-10T09:30:00+0000`.
pub fn graph_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S+0000").to_string()
}

/// A time parameter as Graph takes it: Unix seconds, or an ISO 8601 time.
pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(seconds) = text.trim().parse::<i64>() {
        return Utc.timestamp_opt(seconds, 0).single();
    }
    DateTime::parse_from_rfc3339(text.trim())
        .or_else(|_| DateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M:%S%z"))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Whether `text` is an absolute http(s) URL.
pub fn is_url(text: &str) -> bool {
    url::Url::parse(text)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}
