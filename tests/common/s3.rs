//! A real S3-compatible server for the deploy tests: moto in server mode.
//!
//! `./scripts/test` installs and starts it on 127.0.0.1 with
//! `tests/peers/s3/moto.sh` and exports its URL as `ROUNDS_TEST_S3_URL` (by
//! hand: `tests/peers/s3/moto.sh install && tests/peers/s3/moto.sh start`,
//! which also writes the URL to `target/peers/moto/url`, found here too).
//!
//! The peer's ways, seen with moto 5.2:
//! - buckets are path-style (`{url}/{bucket}/{key}`) and live in memory until
//!   the server stops;
//! - signatures are not checked, but an anonymous GET of an object is a 403
//!   (objects are private): the tests send an `Authorization` header in the
//!   AWS form with any signature, see [`AUTHORIZATION`];
//! - the ETag of a single PUT is the MD5 of the body, in quotes, as on AWS;
//! - `Content-Type`, `Cache-Control`, `Content-Encoding` and `x-amz-meta-*`
//!   sent with a PUT come back with a GET.

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::blocking::Client;

/// The environment variable `./scripts/test` sets to the server's URL.
pub const URL_ENV: &str = "ROUNDS_TEST_S3_URL";

/// The URL of the S3 server to test against: `ROUNDS_TEST_S3_URL` as given,
/// or the one `moto.sh start` wrote to `target/peers/moto/url` if it answers.
pub fn s3_url() -> Option<String> {
    if let Some(url) = std::env::var(URL_ENV).ok().filter(|u| !u.trim().is_empty()) {
        return Some(url.trim().trim_end_matches('/').to_string());
    }
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/target/peers/moto/url");
    let url = std::fs::read_to_string(file).ok()?;
    let url = url.trim().trim_end_matches('/').to_string();
    healthy(&url).then_some(url)
}

/// The server to test against, or `None` after printing that the test is
/// skipped. Panics when there is none but the peers are required (as under
/// `./scripts/test` and CI), or when `ROUNDS_TEST_S3_URL` names one that
/// does not answer.
pub fn s3_url_or_skip() -> Option<String> {
    match s3_url() {
        Some(url) if healthy(&url) => Some(url),
        Some(url) => panic!(
            "the S3 server at {url} does not answer; run ./scripts/test, \
             or tests/peers/s3/moto.sh start"
        ),
        None if super::pds::peers_required() => panic!(
            "no S3 server answers: run ./scripts/test, which installs and starts one \
             (tests/peers/s3/moto.sh install && tests/peers/s3/moto.sh start)"
        ),
        None => {
            eprintln!("skipped: no S3 server; run ./scripts/test");
            None
        }
    }
}

/// True when the server answers `GET {url}/` (its list of buckets).
pub fn healthy(url: &str) -> bool {
    let Ok(client) = Client::builder().timeout(Duration::from_secs(3)).build() else {
        return false;
    };
    client
        .get(format!("{url}/"))
        .send()
        .is_ok_and(|r| r.status().is_success())
}

/// An `Authorization` header moto takes as a signed request.
pub const AUTHORIZATION: &str = "AWS4-HMAC-SHA256 Credential=rounds-test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0";

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("HTTP client")
}

/// A new empty bucket with a name no other test uses.
pub fn create_bucket(url: &str) -> String {
    let name = format!("rounds-test-{:016x}", super::pds::unique());
    let response = client()
        .put(format!("{url}/{name}"))
        .send()
        .expect("PUT bucket");
    assert!(
        response.status().is_success(),
        "creating bucket {name}: {}",
        response.status()
    );
    name
}

/// Stores an object as some other tool would, without Rounds' metadata.
pub fn put_object(url: &str, bucket: &str, key: &str, body: &[u8]) {
    let response = client()
        .put(format!("{url}/{bucket}/{key}"))
        .header("authorization", AUTHORIZATION)
        .body(body.to_vec())
        .send()
        .expect("PUT object");
    assert!(
        response.status().is_success(),
        "PUT {key}: {}",
        response.status()
    );
}

/// An object as a browser would get it.
pub struct Object {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Object {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub fn get_object(url: &str, bucket: &str, key: &str) -> Object {
    let response = client()
        .get(format!("{url}/{bucket}/{key}"))
        .header("authorization", AUTHORIZATION)
        .send()
        .expect("GET object");
    Object {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.bytes().expect("object body").to_vec(),
    }
}

/// Every key in the bucket with its ETag (quotes removed).
pub fn list(url: &str, bucket: &str) -> BTreeMap<String, String> {
    let text = client()
        .get(format!("{url}/{bucket}?list-type=2&max-keys=1000"))
        .send()
        .expect("list objects")
        .text()
        .expect("listing");
    assert!(
        !text.contains("<IsTruncated>true</IsTruncated>"),
        "more than 1000 objects in {bucket}"
    );
    text.split("<Contents>")
        .skip(1)
        .map(|entry| {
            let key = unescape(between(entry, "<Key>", "</Key>"));
            let e_tag = unescape(between(entry, "<ETag>", "</ETag>"))
                .trim_matches('"')
                .to_string();
            (key, e_tag)
        })
        .collect()
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
    let start = text.find(open).map_or(0, |i| i + open.len());
    let end = text[start..].find(close).map_or(text.len(), |i| start + i);
    &text[start..end]
}

fn unescape(text: &str) -> String {
    text.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}
