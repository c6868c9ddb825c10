//! Tests of the generic contract server (`tests/common/contract.rs`) with a
//! tiny echo API, spoken to over plain TCP so that nothing of Rounds' own
//! client is involved. Each network's own rules are tested in its own file
//! (`tests/mastodon_contract.rs`...).

use std::io::{BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::common::contract::{
    Api, ContractServer, Fault, Reply, Request, Response, read_reply, request_head,
};
use serde_json::json;

/// Stores every request it accepts and echoes it; anything under `/reject`
/// is refused with a 422 and a violation, without being stored.
#[derive(Default)]
struct Echo {
    base: String,
    committed: Vec<Request>,
}

impl Api for Echo {
    fn handle(&mut self, request: &Request, violations: &mut Vec<String>) -> Response {
        if request.path.starts_with("/reject") {
            violations.push(request.violation(422, "rejected on purpose"));
            return Response::json(422, &json!({ "error": "rejected" }));
        }
        self.committed.push(request.clone());
        Response::json(
            200,
            &json!({
                "method": request.method,
                "path": request.path,
                "body": request.body_text(),
                "base": self.base,
            }),
        )
        .header("X-Echo", "yes")
    }
}

/// An API with its own fault answers, as a network's would be.
struct Branded;

impl Api for Branded {
    fn handle(&mut self, _: &Request, _: &mut Vec<String>) -> Response {
        Response::text(200, "text/plain", "fine")
    }

    fn fault_response(&self, status: u16) -> Response {
        Response::text(status, "text/plain", format!("branded {status}"))
    }

    fn rate_limited(&self, reset_after_secs: u64) -> Response {
        self.fault_response(429)
            .header("X-Reset-In", reset_after_secs.to_string())
    }
}

fn committed(server: &ContractServer<Echo>) -> usize {
    server.with(|echo| echo.committed.len())
}

fn send<A: Api>(
    server: &ContractServer<A>,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Reply> {
    crate::common::contract::send(
        server.addr(),
        method,
        path,
        headers,
        body,
        Duration::from_secs(5),
    )
}

fn post<A: Api>(server: &ContractServer<A>, path: &str) -> Reply {
    send(server, "POST", path, &[], b"hello").expect("POST")
}

fn get<A: Api>(server: &ContractServer<A>, path: &str) -> Reply {
    send(server, "GET", path, &[], b"").expect("GET")
}

fn answered<A: Api>(server: &ContractServer<A>) -> Vec<Option<u16>> {
    server
        .requests()
        .iter()
        .map(|r| r.response_status)
        .collect()
}

// ---------------------------------------------------------------------------
// HTTP

#[test]
fn keeps_connections_alive_and_reads_chunked_and_expect_continue() {
    let server = ContractServer::start(Echo::default());
    let stream = TcpStream::connect(server.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);

    // Two requests on one connection.
    for _ in 0..2 {
        writer
            .write_all(request_head("GET", "/ping", &[], 0).as_bytes())
            .unwrap();
        let reply = read_reply(&mut reader).unwrap();
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("Connection"), Some("keep-alive"));
        assert_eq!(reply.header("X-Echo"), Some("yes"));
    }

    // A chunked body, with a chunk extension and a trailer.
    writer
        .write_all(
            b"POST /chunked HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n\
              5;ext=1\r\nchunk\r\n3\r\ned!\r\n0\r\nX-Trailer: t\r\n\r\n",
        )
        .unwrap();
    let reply = read_reply(&mut reader).unwrap();
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["body"], "chunked!");

    // Expect: 100-continue, as curl sends for larger bodies.
    let body = b"continued";
    writer
        .write_all(
            request_head(
                "POST",
                "/continue",
                &[("Expect", "100-continue")],
                body.len(),
            )
            .as_bytes(),
        )
        .unwrap();
    assert_eq!(read_reply(&mut reader).unwrap().status, 100);
    writer.write_all(body).unwrap();
    let reply = read_reply(&mut reader).unwrap();
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["body"], "continued");

    let bodies: Vec<String> = server.requests().iter().map(|r| r.body_text()).collect();
    assert_eq!(bodies, ["", "", "chunked!", "continued"]);
    assert!(server.contract_violations().is_empty());
}

#[test]
fn closes_when_asked() {
    let server = ContractServer::start(Echo::default());
    let reply = get(&server, "/ping");
    assert_eq!(reply.header("Connection"), Some("close"));

    // HTTP/1.0 closes unless told to keep alive.
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(b"GET /old HTTP/1.0\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.contains("Connection: close\r\n"), "{answer}");
}

#[test]
fn records_requests_and_parses_their_bodies() {
    let server = ContractServer::start(Echo::default());
    let boundary = "XyZ-boundary";
    let multipart = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi there\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".png\"\r\n\
         Content-Type: image/png\r\n\r\n\x01\x02\r\n--{boundary}--\r\n"
    );
    let content_type = format!("multipart/form-data; boundary=\"{boundary}\"");
    send(
        &server,
        "post",
        "/upload?x=1&y=a+b%21",
        &[
            ("Authorization", "Bearer  secret "),
            ("Content-Type", &content_type),
        ],
        multipart.as_bytes(),
    )
    .unwrap();
    send(
        &server,
        "POST",
        "/form",
        &[(
            "Content-Type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )],
        b"a=1&b=two+words&c=%E2%9C%93&d",
    )
    .unwrap();
    send(&server, "PUT", "/json", &[], br#"{"n": 1}"#).unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let upload = &requests[0];
    assert_eq!(upload.method, "POST", "methods are upper-cased");
    assert_eq!(upload.path, "/upload");
    assert_eq!(upload.query, "x=1&y=a+b%21");
    assert_eq!(
        upload.query_pairs(),
        [("x".into(), "1".into()), ("y".into(), "a b!".into())]
    );
    assert_eq!(upload.bearer(), Some("secret"));
    assert_eq!(upload.header("CONTENT-TYPE"), Some(content_type.as_str()));
    assert_eq!(upload.mime(), "multipart/form-data");
    let parts = upload.multipart().unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(
        (parts[0].name.as_str(), parts[0].text()),
        ("note", "hi there".into())
    );
    assert_eq!(parts[1].filename.as_deref(), Some("a \"b\".png"));
    assert_eq!(parts[1].content_type.as_deref(), Some("image/png"));
    assert_eq!(parts[1].data, [1, 2]);
    assert_eq!(upload.response_status, Some(200));

    let form = &requests[1];
    assert_eq!(form.mime(), "application/x-www-form-urlencoded");
    assert_eq!(
        form.form(),
        [
            ("a".into(), "1".into()),
            ("b".into(), "two words".into()),
            ("c".into(), "✓".into()),
            ("d".into(), String::new()),
        ]
    );
    assert!(form.multipart().is_err());
    assert_eq!(form.bearer(), None);

    assert_eq!(requests[2].json(), Some(json!({"n": 1})));
    assert_eq!(requests[1].json(), None);

    assert_eq!(server.requests_to("put", "/json").len(), 1);
    assert_eq!(server.requests_to("GET", "/json").len(), 0);
    assert_eq!(server.requests_to("POST", "/for").len(), 0, "exact paths");
}

#[test]
fn the_api_can_know_its_url_and_be_changed() {
    let server = ContractServer::start_with_base(|base| Echo {
        base,
        committed: Vec::new(),
    });
    assert!(server.url().starts_with("http://127.0.0.1:"));
    assert_eq!(get(&server, "/").json()["base"], server.url());
    server.with(|echo| echo.base = "changed".into());
    assert_eq!(get(&server, "/").json()["base"], "changed");
    assert_eq!(committed(&server), 2);
}

#[test]
fn malformed_http_is_a_violation() {
    let server = ContractServer::start(Echo::default());
    for (bytes, problem) in [
        (&b"NONSENSE\r\n\r\n"[..], "bad request line"),
        (b"GET / HTTP/2\r\n\r\n", "unsupported protocol"),
        (b"GET / HTTP/1.1\r\nno colon\r\n\r\n", "bad header line"),
        (
            b"POST / HTTP/1.1\r\nContent-Length: lots\r\n\r\n",
            "bad Content-Length",
        ),
        (
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "bad chunk size",
        ),
    ] {
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        stream.write_all(bytes).unwrap();
        let reply = read_reply(&mut BufReader::new(stream)).unwrap();
        assert_eq!(reply.status, 400);
        assert_eq!(reply.header("Connection"), Some("close"));
        assert!(reply.json()["error"].as_str().unwrap().contains(problem));
    }
    let violations = server.contract_violations();
    assert_eq!(violations.len(), 5, "{violations:#?}");
    assert!(
        violations
            .iter()
            .all(|v| v.starts_with("malformed HTTP request: ")),
        "{violations:#?}"
    );
    assert!(server.requests().is_empty(), "nothing was handled");
    assert_eq!(committed(&server), 0);
}

#[test]
fn violations_come_from_the_api() {
    let server = ContractServer::start(Echo::default());
    assert_eq!(post(&server, "/reject/this").status, 422);
    assert_eq!(
        server.contract_violations(),
        ["POST /reject/this: 422 rejected on purpose"]
    );
}

#[test]
fn stops_when_dropped() {
    let server = ContractServer::start(Echo::default());
    let addr = server.addr();
    // An idle keep-alive connection must not keep it alive.
    let idle = TcpStream::connect(addr).unwrap();
    assert_eq!(get(&server, "/").status, 200);
    let started = Instant::now();
    drop(server);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(TcpStream::connect(addr).is_err(), "the port is closed");
    idle.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut buf = [0u8; 1];
    assert_eq!(
        (&idle).read(&mut buf).unwrap_or(0),
        0,
        "the idle connection was closed"
    );
}

// ---------------------------------------------------------------------------
// Faults

#[test]
fn fault_status_answers_once_without_handling_then_recovers() {
    let server = ContractServer::start(Echo::default());
    server.push_fault("/things", Fault::Status(500));
    server.push_fault("/things", Fault::Status(502));
    assert_eq!(server.pending_faults(), 2);
    let first = post(&server, "/things");
    assert_eq!(first.status, 500);
    assert_eq!(first.json(), json!({"error": "Internal Server Error"}));
    assert_eq!(post(&server, "/things").status, 502);
    assert_eq!(committed(&server), 0, "faults answer without handling");
    assert_eq!(post(&server, "/things").status, 200);
    assert_eq!(server.pending_faults(), 0);
    assert_eq!(committed(&server), 1);
    assert_eq!(answered(&server), [Some(500), Some(502), Some(200)]);
    assert!(server.contract_violations().is_empty());
}

#[test]
fn fault_too_many_sends_retry_after() {
    let server = ContractServer::start(Echo::default());
    server.push_fault(
        "POST /things",
        Fault::TooMany {
            retry_after_secs: 7,
        },
    );
    let reply = post(&server, "/things");
    assert_eq!(reply.status, 429);
    assert_eq!(reply.header("Retry-After"), Some("7"));
    assert_eq!(reply.json()["error"], "Too Many Requests");
    assert_eq!(committed(&server), 0);
    assert_eq!(post(&server, "/things").status, 200);
}

#[test]
fn fault_rate_limited_is_the_apis_own_429() {
    let server = ContractServer::start(Echo::default());
    server.push_fault(
        "POST /things",
        Fault::RateLimited {
            reset_after_secs: 60,
        },
    );
    let reply = post(&server, "/things");
    assert_eq!(reply.status, 429);
    assert_eq!(reply.header("Retry-After"), None);
    assert_eq!(committed(&server), 0);
}

#[test]
fn faults_answer_with_the_apis_own_bodies() {
    let server = ContractServer::start(Branded);
    server.push_fault("/", Fault::Status(503));
    server.push_fault(
        "/",
        Fault::TooMany {
            retry_after_secs: 3,
        },
    );
    server.push_fault(
        "/",
        Fault::RateLimited {
            reset_after_secs: 9,
        },
    );
    server.push_fault("/", Fault::FailAfterCommit(504));

    let status = get(&server, "/");
    assert_eq!(
        (status.status, status.body_text()),
        (503, "branded 503".into())
    );
    let too_many = get(&server, "/");
    assert_eq!(too_many.body_text(), "branded 429");
    assert_eq!(too_many.header("X-Reset-In"), Some("3"));
    assert_eq!(too_many.header("Retry-After"), Some("3"));
    let limited = get(&server, "/");
    assert_eq!(limited.header("X-Reset-In"), Some("9"));
    assert_eq!(limited.header("Retry-After"), None);
    let failed = get(&server, "/");
    assert_eq!(
        (failed.status, failed.body_text()),
        (504, "branded 504".into())
    );
    assert_eq!(get(&server, "/").body_text(), "fine");
}

#[test]
fn fault_reset_closes_the_connection_without_a_byte() {
    let server = ContractServer::start(Echo::default());
    server.push_fault("POST /things", Fault::Reset);
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
        .write_all(request_head("POST", "/things", &[], 5).as_bytes())
        .unwrap();
    stream.write_all(b"hello").unwrap();
    let mut answer = Vec::new();
    // A reset may surface as an error or as the end of the stream: no bytes either way.
    let _ = stream.read_to_end(&mut answer);
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));

    assert_eq!(committed(&server), 0, "a reset request is not handled");
    let recorded = server.requests();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].response_status, None);
    assert_eq!(recorded[0].body, b"hello", "the request was read in full");
    assert_eq!(post(&server, "/things").status, 200);
}

#[test]
fn fault_slow_commits_at_once_and_answers_late() {
    let server = ContractServer::start(Echo::default());
    server.push_fault("POST /things", Fault::Slow(Duration::from_millis(400)));
    // A client that gives up after 100 ms never learns of the commit...
    let timed_out = crate::common::contract::send(
        server.addr(),
        "POST",
        "/things",
        &[],
        b"hello",
        Duration::from_millis(100),
    );
    assert!(timed_out.is_err(), "{timed_out:?}");
    // ...which happened all the same.
    assert_eq!(committed(&server), 1);
    assert_eq!(answered(&server), [Some(200)]);

    server.push_fault("GET /", Fault::Slow(Duration::from_millis(200)));
    let started = Instant::now();
    assert_eq!(get(&server, "/").status, 200);
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[test]
fn fault_fail_after_commit_commits_then_answers_the_error() {
    let server = ContractServer::start(Echo::default());
    server.push_fault("POST /things", Fault::FailAfterCommit(500));
    let reply = post(&server, "/things");
    assert_eq!(reply.status, 500);
    assert_eq!(reply.json(), json!({"error": "Internal Server Error"}));
    assert_eq!(committed(&server), 1, "committed");
    assert_eq!(answered(&server), [Some(500)]);
}

#[test]
fn fault_fail_after_commit_leaves_rejections_alone() {
    let server = ContractServer::start(Echo::default());
    server.push_fault("POST /reject", Fault::FailAfterCommit(503));
    let reply = post(&server, "/reject");
    assert_eq!(reply.status, 422);
    assert_eq!(reply.json()["error"], "rejected");
    assert_eq!(server.pending_faults(), 0, "the fault was used up");
}

#[test]
fn fault_answer_is_canned() {
    let server = ContractServer::start(Echo::default());
    let canned = Response::json(400, &json!({"errors": [{"code": 187}]})).header("X-Canned", "1");
    server.push_fault("POST /things", Fault::Answer(canned));
    let reply = post(&server, "/things");
    assert_eq!(reply.status, 400);
    assert_eq!(reply.header("X-Canned"), Some("1"));
    assert_eq!(reply.json()["errors"][0]["code"], 187);
    assert_eq!(committed(&server), 0, "answered without handling");
}

#[test]
fn faults_match_method_and_path_prefix_first_queued_first() {
    let server = ContractServer::start(Echo::default());
    server.push_fault("POST /api/things", Fault::Status(503));
    // Other methods and paths pass untouched.
    assert_eq!(get(&server, "/api/things").status, 200);
    assert_eq!(post(&server, "/api/other").status, 200);
    assert_eq!(post(&server, "/api").status, 200);
    assert_eq!(server.pending_faults(), 1);
    // The method matches in any case, the path by prefix.
    assert_eq!(post(&server, "/api/things/7").status, 503);
    assert_eq!(server.pending_faults(), 0);

    // A bare prefix matches any method; the first queued that matches is used.
    server.push_fault("post /api", Fault::Status(500));
    server.push_fault("/api/things", Fault::Status(502));
    server.push_fault("/api", Fault::Status(504));
    assert_eq!(
        get(&server, "/api/things").status,
        502,
        "skips the POST one"
    );
    assert_eq!(get(&server, "/api/x").status, 504);
    assert_eq!(post(&server, "/api/x").status, 500);
    assert_eq!(post(&server, "/api/x").status, 200);
    assert_eq!(server.pending_faults(), 0);
}
