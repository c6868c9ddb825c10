//! A real Bluesky PDS for the publish tests.
//!
//! `./scripts/test` installs and starts one on 127.0.0.1 with
//! `tests/peers/bluesky/pds.sh` and exports its URL as `ROUNDS_TEST_PDS_URL`
//! (by hand: `tests/peers/bluesky/pds.sh install && tests/peers/bluesky/pds.sh start`,
//! which also writes the URL to `target/peers/bluesky/url`, found here too).
//!
//! The peer's ways, seen with @atproto/pds 0.5.35:
//! - handles are one label of 3 to 18 characters then `.test`; an e-mail is required;
//! - a post's record key must be a TID; creating a record at a key that exists
//!   answers 500, not 409, so "already posted" is told by [`get_record`];
//! - facets are stored without a check against the text: slice the stored text
//!   by them to test them;
//! - a missing record is a 400 `RecordNotFound`, not a 404;
//! - a bad access token is a 400 `InvalidToken`, a bad password a 401;
//! - blobs over 5 MiB answer 413; the declared Content-Type is stored as is.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::blocking::Client;
use serde_json::{Value, json};

/// The environment variable `./scripts/test` sets to the PDS' URL.
pub const URL_ENV: &str = "ROUNDS_TEST_PDS_URL";

/// The collection of Bluesky posts.
pub const POST: &str = "app.bsky.feed.post";

/// A fresh account on the test PDS.
#[derive(Debug, Clone)]
pub struct TestAccount {
    /// `t<12 hex digits>.test`
    pub handle: String,
    /// The password a client should log in with: an app password when the PDS
    /// gives one, the account password otherwise.
    pub password: String,
    /// True when `password` is an app password.
    pub app_password: bool,
    /// The account's own password.
    pub account_password: String,
    /// `did:plc:...`
    pub did: String,
    /// An access token of the account-password session, for writes that set up a test.
    pub access_jwt: String,
}

/// A session from `com.atproto.server.createSession`.
#[derive(Debug, Clone)]
pub struct Session {
    pub did: String,
    pub handle: String,
    pub access_jwt: String,
    pub refresh_jwt: String,
}

/// The URL of a PDS to test against: `ROUNDS_TEST_PDS_URL` as given, or the one
/// `pds.sh start` wrote to `target/peers/bluesky/url` if it answers `_health`.
pub fn pds_url() -> Option<String> {
    if let Some(url) = std::env::var(URL_ENV).ok().filter(|u| !u.trim().is_empty()) {
        return Some(url.trim().trim_end_matches('/').to_string());
    }
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/target/peers/bluesky/url");
    let url = std::fs::read_to_string(file).ok()?;
    let url = url.trim().trim_end_matches('/').to_string();
    healthy(&url).then_some(url)
}

/// True when the peers must be there: `./scripts/test` sets `ROUNDS_BROWSER_TESTS=1`,
/// CI or a developer may set `ROUNDS_REQUIRE_PEERS=1`.
pub fn peers_required() -> bool {
    ["ROUNDS_BROWSER_TESTS", "ROUNDS_REQUIRE_PEERS"]
        .iter()
        .any(|var| std::env::var(var).is_ok_and(|v| v == "1"))
}

/// The PDS to test against, or `None` after printing that the test is skipped.
/// Panics when there is none but [`peers_required`], or when `ROUNDS_TEST_PDS_URL`
/// names one that does not answer.
pub fn pds_url_or_skip() -> Option<String> {
    match pds_url() {
        Some(url) if healthy(&url) => Some(url),
        Some(url) => panic!(
            "the Bluesky PDS at {url} does not answer /xrpc/_health; \
             run ./scripts/test, or tests/peers/bluesky/pds.sh start"
        ),
        None if peers_required() => panic!(
            "no Bluesky PDS answers: run ./scripts/test, which installs and starts one \
             (tests/peers/bluesky/pds.sh install && tests/peers/bluesky/pds.sh start)"
        ),
        None => {
            eprintln!("skipped: no PDS; run ./scripts/test");
            None
        }
    }
}

/// True when `GET {url}/xrpc/_health` answers 200.
pub fn healthy(url: &str) -> bool {
    let Ok(client) = Client::builder().timeout(Duration::from_secs(3)).build() else {
        return false;
    };
    client
        .get(format!("{url}/xrpc/_health"))
        .send()
        .is_ok_and(|r| r.status().is_success())
}

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("HTTP client")
}

fn answer(method: &str, response: reqwest::Result<reqwest::blocking::Response>) -> (u16, Value) {
    let response = response.unwrap_or_else(|e| panic!("{method}: {e}"));
    let status = response.status().as_u16();
    let text = response.text().unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// `GET {url}/xrpc/{method}?{query}`: the status and the JSON body (a string if not JSON).
pub fn xrpc_get(url: &str, method: &str, query: &[(&str, &str)]) -> (u16, Value) {
    let request = client().get(format!("{url}/xrpc/{method}")).query(query);
    answer(method, request.send())
}

/// `POST {url}/xrpc/{method}` with a JSON body and, if given, a bearer token.
pub fn xrpc_post(url: &str, method: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
    let mut request = client().post(format!("{url}/xrpc/{method}")).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    answer(method, request.send())
}

fn ok(method: &str, (status, body): (u16, Value)) -> Value {
    assert_eq!(status, 200, "{method} answered {status}: {body}");
    body
}

fn text(body: &Value, field: &str) -> String {
    body[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {body}"))
        .to_string()
}

/// A fresh account with a unique handle `t<12 hex digits>.test`, and an app
/// password for it (`com.atproto.server.createAppPassword`) when the PDS has them.
pub fn create_account(url: &str) -> TestAccount {
    let handle = format!("t{:012x}.test", unique() & 0xffff_ffff_ffff);
    let account_password = format!("pw-{:016x}", unique());
    let created = ok(
        "com.atproto.server.createAccount",
        xrpc_post(
            url,
            "com.atproto.server.createAccount",
            None,
            &json!({
                "handle": handle,
                "email": format!("{handle}@example.com"),
                "password": account_password,
            }),
        ),
    );
    let access_jwt = text(&created, "accessJwt");
    let (status, app) = xrpc_post(
        url,
        "com.atproto.server.createAppPassword",
        Some(&access_jwt),
        &json!({ "name": "rounds-test" }),
    );
    let app_password = app["password"].as_str().filter(|_| status == 200);
    TestAccount {
        handle: text(&created, "handle"),
        password: app_password.unwrap_or(&account_password).to_string(),
        app_password: app_password.is_some(),
        account_password,
        did: text(&created, "did"),
        access_jwt,
    }
}

/// Logs in as a client would (`com.atproto.server.createSession`); `identifier`
/// is a handle or a DID. Panics unless the PDS answers 200.
pub fn create_session(url: &str, identifier: &str, password: &str) -> Session {
    let body = ok(
        "com.atproto.server.createSession",
        xrpc_post(
            url,
            "com.atproto.server.createSession",
            None,
            &json!({ "identifier": identifier, "password": password }),
        ),
    );
    Session {
        did: text(&body, "did"),
        handle: text(&body, "handle"),
        access_jwt: text(&body, "accessJwt"),
        refresh_jwt: text(&body, "refreshJwt"),
    }
}

/// `com.atproto.repo.createRecord` in the token's own repo, at `rkey` or at a key
/// the PDS picks: the status and the body (`uri`, `cid`, `validationStatus` on 200).
pub fn create_record(
    url: &str,
    token: &str,
    did: &str,
    collection: &str,
    rkey: Option<&str>,
    record: &Value,
) -> (u16, Value) {
    let mut body = json!({ "repo": did, "collection": collection, "record": record });
    if let Some(rkey) = rkey {
        body["rkey"] = json!(rkey);
    }
    xrpc_post(url, "com.atproto.repo.createRecord", Some(token), &body)
}

/// Every post in the repo, newest first, as `com.atproto.repo.listRecords` gives
/// them: objects with `uri`, `cid` and `value` (the post record itself).
pub fn list_posts(url: &str, did: &str) -> Vec<Value> {
    let mut posts = Vec::new();
    let mut cursor = String::new();
    loop {
        let mut query = vec![("repo", did), ("collection", POST), ("limit", "100")];
        if !cursor.is_empty() {
            query.push(("cursor", &cursor));
        }
        let body = ok(
            "com.atproto.repo.listRecords",
            xrpc_get(url, "com.atproto.repo.listRecords", &query),
        );
        let page = body["records"].as_array().cloned().unwrap_or_default();
        let done = page.is_empty();
        posts.extend(page);
        match body["cursor"].as_str() {
            Some(next) if !done && next != cursor => cursor = next.to_string(),
            _ => return posts,
        }
    }
}

/// The post at `rkey` (`uri`, `cid`, `value`), or `None` when the PDS answers
/// `RecordNotFound`. Panics on any other error.
pub fn get_record(url: &str, did: &str, rkey: &str) -> Option<Value> {
    let (status, body) = xrpc_get(
        url,
        "com.atproto.repo.getRecord",
        &[("repo", did), ("collection", POST), ("rkey", rkey)],
    );
    match status {
        200 => Some(body),
        400 if body["error"] == "RecordNotFound" => None,
        _ => panic!("com.atproto.repo.getRecord answered {status}: {body}"),
    }
}

/// The record key at the end of an `at://` URI.
pub fn rkey(uri: &str) -> &str {
    uri.rsplit('/').next().unwrap_or(uri)
}

/// A fresh TID (the record key a post needs): microseconds since 1970 and a
/// 10-bit clock id, in base32-sortable, always increasing within a test binary.
pub fn tid() -> String {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_micros() as u64;
    let micros = LAST
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| {
            Some(now.max(last + 1))
        })
        .map_or(now, |last| now.max(last + 1));
    let value = (micros & ((1 << 53) - 1)) << 10 | (unique() & 0x3ff);
    const ALPHABET: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";
    (0..13)
        .rev()
        .map(|i| ALPHABET[((value >> (5 * i)) & 31) as usize] as char)
        .collect()
}

/// A number no other call in any test process is likely to get.
pub fn unique() -> u64 {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    hasher.write_u32(std::process::id());
    hasher.write_u64(COUNT.fetch_add(1, Ordering::Relaxed));
    hasher.finish()
}
