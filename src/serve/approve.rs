//! The preview's Approve and Withdraw buttons: `POST /_rounds/approve`
//! writes the approval to the ledger exactly as `rounds social approve` does
//! (the ledger's lock, the site vetted as `rounds social` vets it, then
//! `publish::approval::settle`). Only the preview itself may ask:
//!
//! - `/_outreach/` is served with a token made for this run in a `<meta>`
//!   (the built `outreach/index.html` never has one). Another page open in
//!   the browser cannot read it (the same-origin policy), and cannot send it
//!   either: it travels in a header, which a cross-site form cannot set and
//!   a cross-site `fetch` cannot send without a preflight nobody answers.
//! - The request must come from the preview's own origin (`Origin`, and
//!   `Sec-Fetch-Site` where the browser sends it), at an address the preview
//!   listens on (a `Host` of another name is a DNS-rebinding page: it gets
//!   neither the token nor an approval).
//!
//! Anything else is refused with 403 before the ledger is touched.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

use crate::ledger::Ledger;
use crate::ledger::lock::{LedgerLock, LockError, WhenHeld};
use crate::load::LoadOptions;
use crate::outreach::preview::state;
use crate::publish::approval::{self, ApprovalError, Verdict};

pub const PATH: &str = "/_rounds/approve";
/// The header the preview's script sends the token in.
const TOKEN_HEADER: &str = "x-rounds-token";
/// The `<meta name>` the served preview carries the token in.
const META: &str = "rounds-approve-token";

/// What the endpoint needs: the site, the preview's folder, this run's token
/// and the `host:port`s the preview is reached at.
pub struct Approvals {
    root: PathBuf,
    outreach: PathBuf,
    /// None when the system gave no randomness: then nothing is approved here.
    token: Option<String>,
    hosts: Vec<String>,
}

impl Approvals {
    /// For the preview of `root` served at `base_url` (`http://127.0.0.1:PORT`).
    pub fn new(root: &Path, outreach: &Path, base_url: &str) -> Approvals {
        let port = base_url.rsplit(':').next().unwrap_or_default();
        let mut hosts: Vec<String> = ["127.0.0.1", "localhost", "[::1]"]
            .iter()
            .map(|h| format!("{h}:{port}"))
            .collect();
        if let Some(own) = base_url.split_once("://").map(|(_, rest)| rest) {
            hosts.push(own.trim_end_matches('/').to_string());
        }
        let token = fresh_token();
        if token.is_none() {
            eprintln!(
                "warning: no randomness for the preview's approve buttons; use `rounds social approve`"
            );
        }
        Approvals {
            root: root.to_path_buf(),
            outreach: outreach.to_path_buf(),
            token,
            hosts,
        }
    }

    /// The request's `Host`, when it is one the preview listens at.
    fn host<'h>(&self, headers: &'h HeaderMap) -> Option<&'h str> {
        let host = headers.get(header::HOST)?.to_str().ok()?;
        self.hosts.iter().any(|h| h == host).then_some(host)
    }

    /// Why a request may not approve anything, if it may not.
    fn refuses(&self, headers: &HeaderMap) -> Option<&'static str> {
        let Some(token) = &self.token else {
            return Some("approvals are off in this run");
        };
        let Some(host) = self.host(headers) else {
            return Some("the request is not addressed to the preview");
        };
        let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
        if header(header::ORIGIN.as_str()) != Some(&format!("http://{host}")) {
            return Some("the request does not come from the preview's page");
        }
        if header("sec-fetch-site").is_some_and(|site| site != "same-origin") {
            return Some("the browser says the request comes from another site");
        }
        match header(TOKEN_HEADER) {
            Some(sent) if same(sent, token) => None,
            _ => Some("the request does not carry this run's token"),
        }
    }
}

/// 32 random bytes as hex.
fn fresh_token() -> Option<String> {
    let mut bytes = [0u8; 32];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Compares in a time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0, |d, (x, y)| d | (x ^ y)) == 0
}

/// The routes: the preview page with its token, and the endpoint.
pub fn routes<S: Clone + Send + Sync + 'static>(approvals: Approvals) -> Router<S> {
    let approvals = Arc::new(approvals);
    let page = {
        let approvals = approvals.clone();
        move |headers: HeaderMap| preview(approvals.clone(), headers)
    };
    Router::new()
        .route("/_outreach/", get(page.clone()))
        .route("/_outreach/index.html", get(page))
        .route(
            PATH,
            post(move |headers: HeaderMap, body: Bytes| answer(approvals.clone(), headers, body)),
        )
}

/// `/_outreach/` as built, with the token when it is asked for at the
/// preview's own address.
async fn preview(approvals: Arc<Approvals>, headers: HeaderMap) -> Response {
    let file = approvals.outreach.join("index.html");
    let Ok(Ok(html)) = tokio::task::spawn_blocking(move || std::fs::read_to_string(file)).await
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let html = match (&approvals.token, approvals.host(&headers)) {
        (Some(token), Some(_)) => with_token(&html, token),
        _ => html,
    };
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

/// The page with the token's `<meta>` at the end of its head.
fn with_token(html: &str, token: &str) -> String {
    let meta = format!("<meta name=\"{META}\" content=\"{token}\">\n");
    match html.find("</head>") {
        Some(at) => format!("{}{meta}{}", &html[..at], &html[at..]),
        None => format!("{meta}{html}"),
    }
}

/// What the button asks: `{"id": "blog/bp/teaser/x", "approve": true}`.
#[derive(serde::Deserialize)]
struct Wanted {
    id: String,
    approve: bool,
}

fn refused(status: StatusCode, why: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        json!({ "error": why }).to_string(),
    )
        .into_response()
}

async fn answer(approvals: Arc<Approvals>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(why) = approvals.refuses(&headers) {
        return refused(StatusCode::FORBIDDEN, why);
    }
    let Ok(wanted) = serde_json::from_slice::<Wanted>(&body) else {
        return refused(
            StatusCode::BAD_REQUEST,
            "send {\"id\": \"<item id>\", \"approve\": true or false}",
        );
    };
    match tokio::task::spawn_blocking(move || settle(&approvals.root, &wanted)).await {
        Ok(Ok(answer)) => (
            [(header::CONTENT_TYPE, "application/json")],
            answer.to_string(),
        )
            .into_response(),
        Ok(Err((status, why))) => refused(status, &why),
        Err(_) => refused(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the approval stopped half way",
        ),
    }
}

type Refusal = (StatusCode, String);

/// What `rounds social approve ID` (or `unapprove`) does, for one item: the
/// lock first, then the site as `rounds social` reads it, then the ledger.
fn settle(root: &Path, wanted: &Wanted) -> Result<serde_json::Value, Refusal> {
    let held =
        LedgerLock::acquire(root, "rounds serve", WhenHeld::Stop, |_| {}).map_err(|e| match e {
            LockError::Held { by } => (
                StatusCode::CONFLICT,
                format!(
                    "{by} is using {}; try again when it has finished",
                    crate::ledger::FILE
                ),
            ),
            e => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        })?;
    let (analysed, problems) = crate::pipeline::vet(root, &LoadOptions::default());
    let Ok(analysed) = analysed else {
        let first = problems
            .iter()
            .find(|d| d.is_error())
            .map(|d| d.message.clone());
        return Err((
            StatusCode::CONFLICT,
            format!(
                "the site has errors, so nothing can be approved: {}",
                first.unwrap_or_else(|| "see the terminal".into())
            ),
        ));
    };
    let site = &analysed.site;
    let items: Vec<_> = analysed.outreach.items.iter().collect();
    // One item, named in full: a post's id would approve all its items.
    let Some(item) = items.iter().find(|i| i.id == wanted.id) else {
        return Err((
            StatusCode::NOT_FOUND,
            format!("no outreach item `{}`", wanted.id),
        ));
    };
    let verdict = if wanted.approve {
        Verdict::Approve
    } else {
        Verdict::Withdraw
    };
    let settled = approval::settle(
        &site.ledger,
        root,
        &held,
        &items,
        std::slice::from_ref(&wanted.id),
        verdict,
    )
    .map_err(|e| match e {
        ApprovalError::NoSuchItem { .. } => (StatusCode::NOT_FOUND, e.to_string()),
        ApprovalError::Unwritable(_) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    })?;
    let ledger = Ledger::load(root).map_err(|_| {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot read {} back", crate::ledger::FILE),
        )
    })?;
    let require = site.outreach.publish.require_approval;
    let standing = state::standing(item, &ledger, require, chrono::Utc::now());
    Ok(json!({
        "id": item.id,
        "changed": settled.iter().any(|a| a.changed),
        "state": standing.state.key(),
        "label": standing.state.label(),
        "approvable": state::approvable(&standing, require),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn approvals() -> Approvals {
        let mut a = Approvals::new(
            Path::new("/site"),
            Path::new("/out"),
            "http://127.0.0.1:4000",
        );
        a.token = Some("t0ken".into());
        a
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn only_the_preview_s_own_page_may_approve() {
        let a = approvals();
        let good = [
            ("host", "127.0.0.1:4000"),
            ("origin", "http://127.0.0.1:4000"),
            ("x-rounds-token", "t0ken"),
        ];
        assert_eq!(a.refuses(&headers(&good)), None);
        let mut same_origin = good.to_vec();
        same_origin.push(("sec-fetch-site", "same-origin"));
        assert_eq!(a.refuses(&headers(&same_origin)), None);
        let localhost = [
            ("host", "localhost:4000"),
            ("origin", "http://localhost:4000"),
            ("x-rounds-token", "t0ken"),
        ];
        assert_eq!(a.refuses(&headers(&localhost)), None);
        for bad in [
            vec![
                ("host", "127.0.0.1:4000"),
                ("origin", "http://127.0.0.1:4000"),
            ],
            vec![
                ("host", "127.0.0.1:4000"),
                ("origin", "http://127.0.0.1:4000"),
                ("x-rounds-token", "t0kem"),
            ],
            vec![
                ("host", "127.0.0.1:4000"),
                ("origin", "https://evil.example"),
                ("x-rounds-token", "t0ken"),
            ],
            vec![("host", "127.0.0.1:4000"), ("x-rounds-token", "t0ken")],
            // A page at another name that resolves to 127.0.0.1.
            vec![
                ("host", "evil.example:4000"),
                ("origin", "http://evil.example:4000"),
                ("x-rounds-token", "t0ken"),
            ],
            vec![
                ("host", "127.0.0.1:4000"),
                ("origin", "http://127.0.0.1:4000"),
                ("x-rounds-token", "t0ken"),
                ("sec-fetch-site", "same-site"),
            ],
        ] {
            assert!(a.refuses(&headers(&bad)).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn the_token_goes_into_the_head_and_is_fresh_each_run() {
        let page = with_token(
            "<html><head><title>T</title></head><body></body></html>",
            "abc",
        );
        assert_eq!(
            page,
            "<html><head><title>T</title><meta name=\"rounds-approve-token\" content=\"abc\">\n</head><body></body></html>"
        );
        let (a, b) = (fresh_token().unwrap(), fresh_token().unwrap());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }
}
