//! The HTTP half of every network's contract server: a small HTTP/1.1 server
//! that records each request, injects queued faults and collects contract
//! violations, leaving the network's routes and rules to an [`Api`].
//!
//! It runs in-process on `127.0.0.1` with a random port, one thread per
//! connection, understands keep-alive, chunked bodies and `Expect: 100-continue`
//! (reqwest and curl send all three), and stops when dropped. A request that is
//! not HTTP/1.x is answered 400 and recorded as a violation: a client that
//! sends one would fail against the real network too.
//!
//! ```ignore
//! use common::contract::{Api, ContractServer, Fault, Request, Response};
//! use serde_json::json;
//!
//! #[derive(Default)]
//! struct Pinboard {
//!     pins: Vec<String>,
//! }
//!
//! impl Api for Pinboard {
//!     fn handle(&mut self, request: &Request, violations: &mut Vec<String>) -> Response {
//!         match (request.method.as_str(), request.path.as_str()) {
//!             ("POST", "/pins") => match request.json() {
//!                 Some(body) => {
//!                     self.pins.push(body["text"].to_string());
//!                     Response::json(201, &json!({ "id": self.pins.len() }))
//!                 }
//!                 None => {
//!                     violations.push(request.violation(400, "the body is not JSON"));
//!                     Response::json(400, &json!({ "error": "bad JSON" }))
//!                 }
//!             },
//!             _ => Response::text(404, "text/plain", "not found"),
//!         }
//!     }
//! }
//!
//! let server = ContractServer::start(Pinboard::default());
//! server.push_fault("POST /pins", Fault::FailAfterCommit(503));
//! // ... point the client at server.url() and run it ...
//! assert_eq!(server.with(|api| api.pins.len()), 1, "committed exactly once");
//! assert_eq!(server.requests_to("POST", "/pins")[0].response_status, Some(503));
//! assert!(server.contract_violations().is_empty(), "{:#?}", server.contract_violations());
//! ```
//!
//! An API that must know its own address (to put URLs in its answers) is made
//! with [`ContractServer::start_with_base`]. The body parsers every network
//! needs are here too: [`parse_urlencoded`], [`parse_multipart`],
//! [`sniff_image`]; and a raw client, [`send`], for testing a server without
//! Rounds' own HTTP client in the way.

#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::fmt::Display;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{Value, json};

// ---------------------------------------------------------------------------
// Requests and responses

/// One request as the server read it.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// Upper case.
    pub method: String,
    /// Without the query string.
    pub path: String,
    /// Without the `?`; empty when there was none.
    pub query: String,
    /// As sent, in order.
    pub headers: Vec<(String, String)>,
    /// Decoded from chunked transfer encoding when it was chunked.
    pub body: Vec<u8>,
}

impl Request {
    /// The first header with this name, case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// The token of an `Authorization: Bearer <token>` header.
    pub fn bearer(&self) -> Option<&str> {
        let value = self.header("authorization")?.trim();
        let (scheme, token) = value.split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
    }

    /// The `Content-Type` without its parameters, lower case; empty when absent.
    pub fn mime(&self) -> String {
        self.header("content-type")
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    }

    /// The body as JSON, when it is JSON (whatever the `Content-Type` says).
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body as `application/x-www-form-urlencoded` pairs, in order.
    pub fn form(&self) -> Vec<(String, String)> {
        parse_urlencoded(&self.body)
    }

    /// The query string's pairs, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        parse_urlencoded(self.query.as_bytes())
    }

    /// The body's parts, with the boundary from the `Content-Type`.
    pub fn multipart(&self) -> Result<Vec<Part>, String> {
        let content_type = self.header("content-type").unwrap_or_default();
        let boundary = multipart_boundary(content_type).ok_or_else(|| {
            format!("not multipart/form-data with a boundary: Content-Type {content_type:?}")
        })?;
        parse_multipart(&self.body, &boundary)
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A contract violation line in the one format every server uses:
    /// `"POST /api/v1/statuses: 422 why"`.
    pub fn violation(&self, status: u16, why: impl Display) -> String {
        format!("{} {}: {status} {why}", self.method, self.path)
    }
}

/// An answer. `Content-Length` and `Connection` are added when it is written.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(status: u16, body: &Value) -> Response {
        Response {
            status,
            headers: vec![(
                "Content-Type".into(),
                "application/json; charset=utf-8".into(),
            )],
            body: serde_json::to_vec(body).expect("JSON"),
        }
    }

    pub fn text(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.to_string())],
            body: body.into(),
        }
    }

    /// Adds a header (after the ones already there).
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Response {
        self.headers.push((name.to_string(), value.into()));
        self
    }
}

/// A request as recorded, with what became of it. Derefs to the [`Request`],
/// so `recorded.header(..)`, `recorded.json()` and `recorded.path` work.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedRequest {
    pub request: Request,
    /// The status answered; `None` when the connection was reset instead.
    pub response_status: Option<u16>,
}

impl Deref for RecordedRequest {
    type Target = Request;

    fn deref(&self) -> &Request {
        &self.request
    }
}

// ---------------------------------------------------------------------------
// The API and its faults

/// A failure to inject into the next request that matches.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// Answer this status at once with [`Api::fault_response`], without handling
    /// the request: a proxy or a crash in front of the network.
    Status(u16),
    /// [`Api::too_many`]: a 429 with `Retry-After: <secs>`, without handling the request.
    TooMany { retry_after_secs: u64 },
    /// [`Api::rate_limited`]: the 429 exactly as the network's own rate limiter
    /// sends it (which may have no `Retry-After`), resetting this far ahead,
    /// without handling the request.
    RateLimited { reset_after_secs: u64 },
    /// Read the whole request, then close the connection without a byte of answer.
    Reset,
    /// Handle the request (commit) at once, then wait this long before answering:
    /// a client timeout shorter than this is a commit the client never learns of.
    Slow(Duration),
    /// Handle the request; if it succeeded (status below 300), answer
    /// [`Api::fault_response`] for this status instead. Rejections pass unchanged.
    FailAfterCommit(u16),
    /// Answer this, without handling the request.
    Answer(Response),
    /// Answer this status with a plain-text body that echoes the request
    /// line, the headers and the body, as some proxies and gateways do, without
    /// handling the request: whatever credential the request carried is now in
    /// the error the client reads.
    Echo(u16),
}

/// A network's routes and rules, behind a [`ContractServer`].
pub trait Api: Send + 'static {
    /// Handles one request; push a line to `violations` (see [`Request::violation`])
    /// for anything that breaks the contract.
    fn handle(&mut self, request: &Request, violations: &mut Vec<String>) -> Response;

    /// The answer the network (or its proxy) sends for an injected error status.
    fn fault_response(&self, status: u16) -> Response {
        Response::json(status, &json!({ "error": reason(status) }))
    }

    /// The network's own 429 for [`Fault::RateLimited`], resetting
    /// `reset_after_secs` from now. Override it to add rate-limit headers.
    fn rate_limited(&self, reset_after_secs: u64) -> Response {
        let _ = reset_after_secs;
        self.fault_response(429)
    }

    /// The 429 for [`Fault::TooMany`]: [`Api::rate_limited`] plus `Retry-After`.
    fn too_many(&self, retry_after_secs: u64) -> Response {
        self.rate_limited(retry_after_secs)
            .header("Retry-After", retry_after_secs.to_string())
    }
}

// ---------------------------------------------------------------------------
// The server

/// A running contract server. Stops when dropped, closing idle keep-alive
/// connections too.
pub struct ContractServer<A: Api> {
    addr: SocketAddr,
    base: String,
    shared: Arc<Shared<A>>,
    acceptor: Option<JoinHandle<()>>,
}

impl<A: Api> ContractServer<A> {
    /// Serves `api` on `127.0.0.1` with a random port.
    pub fn start(api: A) -> ContractServer<A> {
        ContractServer::start_with_base(|_| api)
    }

    /// Serves the API `make` builds from the server's own `http://127.0.0.1:PORT`,
    /// for APIs whose answers hold URLs back to themselves.
    pub fn start_with_base(make: impl FnOnce(String) -> A) -> ContractServer<A> {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the contract server");
        let addr = listener.local_addr().expect("local address");
        let base = format!("http://{addr}");
        let shared = Arc::new(Shared {
            core: Mutex::new(Core {
                api: make(base.clone()),
                requests: Vec::new(),
                violations: Vec::new(),
                faults: VecDeque::new(),
            }),
            connections: Mutex::new(Connections::default()),
        });
        let acceptor = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("contract-accept".into())
                .spawn(move || accept_loop(listener, shared))
                .expect("spawn the contract server")
        };
        ContractServer {
            addr,
            base,
            shared,
            acceptor: Some(acceptor),
        }
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        self.base.clone()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Reads or changes the API's state. Requests wait meanwhile.
    pub fn with<R>(&self, f: impl FnOnce(&mut A) -> R) -> R {
        f(&mut self.shared.core().api)
    }

    /// Every request read, in order, including faulted, rejected and reset ones.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.core().requests.clone()
    }

    /// The requests with this method (any case) and exact path (no query).
    pub fn requests_to(&self, method: &str, path: &str) -> Vec<RecordedRequest> {
        self.shared
            .core()
            .requests
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method) && r.path == path)
            .cloned()
            .collect()
    }

    /// One line per request that broke the contract, malformed HTTP included.
    pub fn contract_violations(&self) -> Vec<String> {
        self.shared.core().violations.clone()
    }

    /// Queues a fault for the next request that matches `target`: a path prefix
    /// (`"/api/v1/statuses"`, any method) or a method, a space and a path prefix
    /// (`"POST /api/v1/statuses"`). Faults are used once each, first queued first.
    pub fn push_fault(&self, target: &str, fault: Fault) {
        let (method, prefix) = match target.split_once(' ') {
            Some((method, prefix)) if !method.starts_with('/') => {
                (Some(method.to_ascii_uppercase()), prefix.trim().to_string())
            }
            _ => (None, target.trim().to_string()),
        };
        self.shared.core().faults.push_back(QueuedFault {
            method,
            prefix,
            fault,
        });
    }

    /// Faults queued and not yet used.
    pub fn pending_faults(&self) -> usize {
        self.shared.core().faults.len()
    }
}

impl<A: Api> Drop for ContractServer<A> {
    fn drop(&mut self) {
        {
            let mut connections = self.shared.connections();
            connections.closed = true;
            for (_, stream) in connections.open.drain() {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
        // Wake the acceptor, which sees `closed` and returns, dropping the listener.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

struct Shared<A> {
    /// One lock for the API and the records, so a request's handling, its
    /// record and its violations are seen together or not at all.
    core: Mutex<Core<A>>,
    connections: Mutex<Connections>,
}

impl<A> Shared<A> {
    fn core(&self) -> MutexGuard<'_, Core<A>> {
        // A panicking handler must not hide the records from the test.
        self.core.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn connections(&self) -> MutexGuard<'_, Connections> {
        self.connections.lock().unwrap_or_else(|e| e.into_inner())
    }
}

struct Core<A> {
    api: A,
    requests: Vec<RecordedRequest>,
    violations: Vec<String>,
    faults: VecDeque<QueuedFault>,
}

#[derive(Default)]
struct Connections {
    closed: bool,
    next: u64,
    /// Clones of the open streams, to shut them down on drop.
    open: HashMap<u64, TcpStream>,
}

struct QueuedFault {
    method: Option<String>,
    prefix: String,
    fault: Fault,
}

enum Outcome {
    Answer(Response, Option<Duration>),
    Reset,
}

/// Handles one request, faults first, and records it.
fn respond<A: Api>(shared: &Shared<A>, request: Request) -> Outcome {
    let mut core = shared.core();
    let Core {
        api,
        requests,
        violations,
        faults,
    } = &mut *core;
    let fault = faults
        .iter()
        .position(|f| {
            f.method.as_deref().is_none_or(|m| m == request.method)
                && request.path.starts_with(&f.prefix)
        })
        .and_then(|index| faults.remove(index))
        .map(|f| f.fault);
    let outcome = match fault {
        None => Outcome::Answer(api.handle(&request, violations), None),
        Some(Fault::Status(code)) => Outcome::Answer(api.fault_response(code), None),
        Some(Fault::TooMany { retry_after_secs }) => {
            Outcome::Answer(api.too_many(retry_after_secs), None)
        }
        Some(Fault::RateLimited { reset_after_secs }) => {
            Outcome::Answer(api.rate_limited(reset_after_secs), None)
        }
        Some(Fault::Reset) => Outcome::Reset,
        Some(Fault::Slow(delay)) => Outcome::Answer(api.handle(&request, violations), Some(delay)),
        Some(Fault::FailAfterCommit(code)) => {
            let response = api.handle(&request, violations);
            if response.status < 300 {
                Outcome::Answer(api.fault_response(code), None)
            } else {
                Outcome::Answer(response, None)
            }
        }
        Some(Fault::Answer(response)) => Outcome::Answer(response, None),
        Some(Fault::Echo(code)) => Outcome::Answer(echo(code, &request), None),
    };
    let response_status = match &outcome {
        Outcome::Answer(response, _) => Some(response.status),
        Outcome::Reset => None,
    };
    requests.push(RecordedRequest {
        request,
        response_status,
    });
    outcome
}

/// The answer of [`Fault::Echo`]: the request as it came, in the body.
fn echo(status: u16, request: &Request) -> Response {
    let target = if request.query.is_empty() {
        request.path.clone()
    } else {
        format!("{}?{}", request.path, request.query)
    };
    let mut text = format!("{} {target} HTTP/1.1\r\n", request.method);
    for (name, value) in &request.headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(&request.body_text());
    Response::text(status, "text/plain; charset=utf-8", text)
}

// ---------------------------------------------------------------------------
// HTTP/1.1

const MAX_BODY: usize = 64 * 1024 * 1024;
const MAX_LINE: usize = 16 * 1024;
const MAX_HEADERS: usize = 200;

fn accept_loop<A: Api>(listener: TcpListener, shared: Arc<Shared<A>>) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let id = {
            let mut connections = shared.connections();
            if connections.closed {
                return;
            }
            let Ok(clone) = stream.try_clone() else {
                continue;
            };
            connections.next += 1;
            let id = connections.next;
            connections.open.insert(id, clone);
            id
        };
        let shared = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("contract-conn".into())
            .spawn(move || {
                serve_connection(&shared, stream);
                shared.connections().open.remove(&id);
            });
        if spawned.is_err() {
            // Out of threads: the stream was moved into the closure and dropped.
            continue;
        }
    }
}

fn serve_connection<A: Api>(shared: &Shared<A>, stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    loop {
        let (request, close) = match read_request(&mut reader, &mut writer) {
            Ok(Some(read)) => read,
            Ok(None) => return,
            Err(problem) => {
                let message = format!("malformed HTTP request: {problem}");
                shared.core().violations.push(message.clone());
                let answer = Response::json(400, &json!({ "error": message }));
                let _ = write_response(&mut writer, &answer, true);
                return;
            }
        };
        match respond(shared, request) {
            Outcome::Reset => {
                let _ = writer.shutdown(Shutdown::Both);
                return;
            }
            Outcome::Answer(response, delay) => {
                if let Some(delay) = delay {
                    std::thread::sleep(delay);
                }
                if write_response(&mut writer, &response, close).is_err() || close {
                    let _ = writer.shutdown(Shutdown::Both);
                    return;
                }
            }
        }
    }
}

fn read_line(reader: &mut impl BufRead) -> Result<Option<String>, String> {
    let mut line = Vec::new();
    let n = reader
        .by_ref()
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', &mut line)
        .map_err(|e| e.to_string())?;
    if n == 0 {
        return Ok(None);
    }
    if line.len() > MAX_LINE {
        return Err("a request line or header is too long".into());
    }
    while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        line.pop();
    }
    Ok(Some(String::from_utf8_lossy(&line).into_owned()))
}

/// The request and whether to close the connection after answering it;
/// `Ok(None)` when the client closed the connection between requests.
fn read_request(
    reader: &mut BufReader<TcpStream>,
    writer: &mut TcpStream,
) -> Result<Option<(Request, bool)>, String> {
    let request_line = loop {
        match read_line(reader)? {
            None => return Ok(None),
            Some(line) if line.is_empty() => continue,
            Some(line) => break line,
        }
    };
    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(format!("bad request line {request_line:?}"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(format!("unsupported protocol {version:?}"));
    }
    let mut headers = Vec::new();
    loop {
        let line = read_line(reader)?.ok_or("the connection closed inside the headers")?;
        if line.is_empty() {
            break;
        }
        if headers.len() == MAX_HEADERS {
            return Err("too many headers".into());
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("bad header line {line:?}"))?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }

    let connection = header(&headers, "connection")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let close = if version == "HTTP/1.0" {
        !connection.contains("keep-alive")
    } else {
        connection.contains("close")
    };

    let chunked = header(&headers, "transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let length = match header(&headers, "content-length") {
        Some(v) if !chunked => Some(
            v.parse::<usize>()
                .map_err(|_| format!("bad Content-Length {v:?}"))?,
        ),
        _ => None,
    };
    if length.is_some_and(|n| n > MAX_BODY) {
        return Err("the body is larger than 64 MiB".into());
    }
    let has_body = chunked || length.is_some_and(|n| n > 0);
    if has_body
        && header(&headers, "expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        writer
            .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .map_err(|e| e.to_string())?;
    }

    let mut body = Vec::new();
    if chunked {
        loop {
            let size_line = read_line(reader)?.ok_or("the connection closed inside a chunk")?;
            let size_hex = size_line.split(';').next().unwrap_or_default().trim();
            let size = usize::from_str_radix(size_hex, 16)
                .map_err(|_| format!("bad chunk size {size_line:?}"))?;
            if size == 0 {
                // Trailers, then the empty line.
                while let Some(line) = read_line(reader)? {
                    if line.is_empty() {
                        break;
                    }
                }
                break;
            }
            if body.len() + size > MAX_BODY {
                return Err("the body is larger than 64 MiB".into());
            }
            let start = body.len();
            body.resize(start + size, 0);
            reader
                .read_exact(&mut body[start..])
                .map_err(|e| format!("the body ended early: {e}"))?;
            let mut crlf = [0u8; 2];
            reader
                .read_exact(&mut crlf)
                .map_err(|e| format!("the body ended early: {e}"))?;
        }
    } else if let Some(length) = length {
        body.resize(length, 0);
        reader
            .read_exact(&mut body)
            .map_err(|e| format!("the body ended before Content-Length: {e}"))?;
    }

    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_string(), query.to_string()),
        None => (target.to_string(), String::new()),
    };
    let request = Request {
        method: method.to_ascii_uppercase(),
        path,
        query,
        headers,
        body,
    };
    Ok(Some((request, close)))
}

fn write_response(stream: &mut TcpStream, response: &Response, close: bool) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
    head.push_str(if close {
        "Connection: close\r\n\r\n"
    } else {
        "Connection: keep-alive\r\n\r\n"
    });
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&response.body);
    stream.write_all(&bytes)?;
    stream.flush()
}

/// The reason phrase for a status, for status lines and default error bodies.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        410 => "Gone",
        413 => "Payload Too Large",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// The first header with this name, case-insensitively.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

// ---------------------------------------------------------------------------
// Bodies

/// `application/x-www-form-urlencoded` pairs (also query strings), in order,
/// with `+` as a space.
pub fn parse_urlencoded(bytes: &[u8]) -> Vec<(String, String)> {
    bytes
        .split(|b| *b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let mut halves = pair.splitn(2, |b| *b == b'=');
            let key = percent_decode(halves.next().unwrap_or_default());
            let value = percent_decode(halves.next().unwrap_or_default());
            (key, value)
        })
        .collect()
}

/// Form decoding: `%XX` escapes and `+` as a space; a stray `%` stays as it is.
pub fn percent_decode(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One part of a `multipart/form-data` body.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// From `Content-Disposition: form-data; name="..."`.
    pub name: String,
    /// Present for file uploads.
    pub filename: Option<String>,
    /// As declared in the part, parameters included.
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

impl Part {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

/// The boundary of a `multipart/form-data` Content-Type, unquoted.
pub fn multipart_boundary(content_type: &str) -> Option<String> {
    let mut pieces = content_type.split(';');
    let mime = pieces.next()?.trim();
    if !mime.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    pieces.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_string())
            .filter(|b| !b.is_empty())
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// The parts of a `multipart/form-data` body; an error says what is malformed.
pub fn parse_multipart(body: &[u8], boundary: &str) -> Result<Vec<Part>, String> {
    let delimiter = format!("--{boundary}").into_bytes();
    let next_delimiter = format!("\r\n--{boundary}").into_bytes();
    let mut at = find(body, &delimiter, 0).ok_or("the boundary never appears")? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        if body[at..].starts_with(b"--") {
            return Ok(parts);
        }
        if !body[at..].starts_with(b"\r\n") {
            return Err("a boundary is not followed by CRLF".into());
        }
        at += 2;
        let head_end =
            find(body, b"\r\n\r\n", at).ok_or("a part has no blank line after its headers")?;
        let head = String::from_utf8_lossy(&body[at..head_end]).into_owned();
        let data_start = head_end + 4;
        let data_end = find(body, &next_delimiter, data_start)
            .ok_or("a part is not closed by the boundary")?;
        let mut part = Part {
            name: String::new(),
            filename: None,
            content_type: None,
            data: body[data_start..data_end].to_vec(),
        };
        let mut disposition = false;
        for line in head.split("\r\n") {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            if name.trim().eq_ignore_ascii_case("content-disposition") {
                disposition = true;
                for (k, v) in disposition_params(value) {
                    match k.as_str() {
                        "name" => part.name = v,
                        "filename" => part.filename = Some(v),
                        _ => {}
                    }
                }
            } else if name.trim().eq_ignore_ascii_case("content-type") {
                part.content_type = Some(value.trim().to_string());
            }
        }
        if !disposition {
            return Err("a part has no Content-Disposition".into());
        }
        parts.push(part);
        at = data_end + next_delimiter.len();
    }
}

/// `form-data; name="file"; filename="a.png"` -> [(name, file), (filename, a.png)].
fn disposition_params(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(semi) = rest.find(';') {
        rest = &rest[semi + 1..];
        let Some(eq) = rest.find('=') else { break };
        let key = rest[..eq].trim().to_ascii_lowercase();
        rest = &rest[eq + 1..];
        let value;
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut v = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, ch)) = chars.next() {
                match ch {
                    '\\' => {
                        if let Some((_, escaped)) = chars.next() {
                            v.push(escaped);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => v.push(c),
                }
            }
            value = v;
            rest = &quoted[end.min(quoted.len())..];
        } else {
            let end = rest.find(';').unwrap_or(rest.len());
            value = rest[..end].trim().to_string();
            rest = &rest[end..];
        }
        out.push((key, value));
    }
    out
}

/// The image type the bytes really are, from their magic numbers (PNG, JPEG,
/// GIF, WebP; AVIF/HEIC as `image/avif`); `None` when they are no image.
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(
            &bytes[8..12],
            b"avif" | b"avis" | b"heic" | b"heix" | b"mif1" | b"msf1"
        )
    {
        // Still an image: Paperclip's spoof check only compares image with image.
        Some("image/avif")
    } else {
        None
    }
}

// ---------------------------------------------------------------------------
// A raw client, for testing servers with nothing of Rounds' client involved

/// A response as [`read_reply`] read it.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// The body as JSON; panics with the body when it is not.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Reads one response (a `100 Continue` counts as one, without a body); an
/// error when the connection closes before one. Needs a `Content-Length`,
/// which this server always sends.
pub fn read_reply(reader: &mut impl BufRead) -> std::io::Result<Reply> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "closed without a response",
        ));
    }
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {line:?}"));
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').expect("header");
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let mut reply = Reply {
        status,
        headers,
        body: Vec::new(),
    };
    if status == 100 {
        return Ok(reply);
    }
    let length: usize = reply
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .expect("Content-Length");
    reply.body.resize(length, 0);
    reader.read_exact(&mut reply.body)?;
    Ok(reply)
}

/// A request head with `Host` and `Content-Length`, then `headers`.
pub fn request_head(method: &str, path: &str, headers: &[(&str, &str)], body_len: usize) -> String {
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {body_len}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head
}

/// Sends one request on a new connection (`Connection: close`) and reads the
/// answer, giving up after `timeout` without one.
pub fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    timeout: Duration,
) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(timeout))?;
    let mut headers = headers.to_vec();
    headers.push(("Connection", "close"));
    let mut bytes = request_head(method, path, &headers, body.len()).into_bytes();
    bytes.extend_from_slice(body);
    stream.write_all(&bytes)?;
    read_reply(&mut BufReader::new(stream))
}
