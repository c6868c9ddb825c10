//! Tests of the Mastodon contract server itself (`tests/common/mastodon.rs`),
//! spoken to over plain TCP so that nothing of Rounds' own client is involved.
//! The HTTP plumbing and the fault mechanics every network shares are tested
//! in `tests/contract_server.rs`; here are Mastodon's routes, rules and bodies.

use std::time::Duration;

use crate::common::contract::{self, Reply};
use crate::common::mastodon::{
    Config, DEFAULT_TOKEN, Fault, INVALID_TOKEN, MastodonServer, status_length,
};
use serde_json::{Value, json};

/// A 1×1 RGBA PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

// ---------------------------------------------------------------------------
// A client: the raw one from the contract core, with Mastodon's error body

trait MastodonError {
    /// The `error` of Mastodon's `{"error": ...}` body.
    fn error(&self) -> String;
}

impl MastodonError for Reply {
    fn error(&self) -> String {
        self.json()["error"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

fn send(
    server: &MastodonServer,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Reply> {
    contract::send(
        server.addr(),
        method,
        path,
        headers,
        body,
        Duration::from_secs(5),
    )
}

fn bearer(server: &MastodonServer) -> String {
    format!("Bearer {}", server.token())
}

fn get(server: &MastodonServer, path: &str) -> Reply {
    let auth = bearer(server);
    send(server, "GET", path, &[("Authorization", &auth)], b"").expect("GET")
}

fn post_json(server: &MastodonServer, body: &Value, key: Option<&str>) -> Reply {
    let auth = bearer(server);
    let mut headers = vec![
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
    ];
    if let Some(key) = key {
        headers.push(("Idempotency-Key", key));
    }
    send(
        server,
        "POST",
        "/api/v1/statuses",
        &headers,
        body.to_string().as_bytes(),
    )
    .expect("POST")
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn post_form(server: &MastodonServer, pairs: &[(&str, &str)]) -> Reply {
    let auth = bearer(server);
    let headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ];
    send(
        server,
        "POST",
        "/api/v1/statuses",
        &headers,
        form(pairs).as_bytes(),
    )
    .expect("POST")
}

const BOUNDARY: &str = "----rounds-test-boundary-7MA4YWxkTrZu0gW";

/// A multipart part: its name, for a file its (file name, content type), its bytes.
type Part<'a> = (&'a str, Option<(&'a str, &'a str)>, &'a [u8]);

fn multipart(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file, data) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file {
            Some((file_name, content_type)) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn upload_with(server: &MastodonServer, auth: Option<&str>, body: &[u8]) -> Reply {
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let mut headers = vec![("Content-Type", content_type.as_str())];
    if let Some(auth) = auth {
        headers.push(("Authorization", auth));
    }
    send(server, "POST", "/api/v2/media", &headers, body).expect("upload")
}

fn upload_png(server: &MastodonServer, description: &str) -> Reply {
    let body = multipart(&[
        ("file", Some(("heart.png", "image/png")), PNG),
        ("description", None, description.as_bytes()),
    ]);
    upload_with(server, Some(&bearer(server)), &body)
}

fn assert_clean(server: &MastodonServer) {
    let violations = server.contract_violations();
    assert!(
        violations.is_empty(),
        "contract violations: {violations:#?}"
    );
}

// ---------------------------------------------------------------------------
// Instance, account

#[test]
fn instance_reports_configuration_limits() {
    let server = MastodonServer::start();
    let reply = send(&server, "GET", "/api/v2/instance", &[], b"").unwrap();
    assert_eq!(reply.status, 200);
    let instance = reply.json();
    let configuration = &instance["configuration"];
    assert_eq!(configuration["statuses"]["max_characters"], 500);
    assert_eq!(configuration["statuses"]["characters_reserved_per_url"], 23);
    assert_eq!(configuration["statuses"]["max_media_attachments"], 4);
    assert_eq!(configuration["polls"]["max_options"], 4);
    assert_eq!(configuration["polls"]["max_characters_per_option"], 50);
    assert_eq!(configuration["polls"]["min_expiration"], 300);
    assert_eq!(configuration["polls"]["max_expiration"], 2_629_746);
    let media = &configuration["media_attachments"];
    assert_eq!(media["image_size_limit"], 16_777_216);
    assert_eq!(media["description_limit"], 1_500);
    assert!(
        media["supported_mime_types"]
            .as_array()
            .unwrap()
            .contains(&json!("image/png"))
    );
    for field in [
        "image_matrix_limit",
        "video_frame_rate_limit",
        "video_matrix_limit",
        "video_size_limit",
    ] {
        assert!(media[field].is_u64(), "{field}");
    }
    // Every field the spec marks required.
    for field in [
        "api_versions",
        "configuration",
        "contact",
        "description",
        "domain",
        "icon",
        "languages",
        "registrations",
        "rules",
        "source_url",
        "thumbnail",
        "title",
        "usage",
        "version",
    ] {
        assert!(instance.get(field).is_some(), "instance lacks {field}");
    }
    assert!(reply.header("X-RateLimit-Limit").is_some());
    assert_clean(&server);
}

#[test]
fn instance_limits_follow_the_config() {
    let server = MastodonServer::start_with(Config {
        max_characters: 280,
        poll_max_options: 3,
        ..Config::default()
    });
    let instance = send(&server, "GET", "/api/v2/instance", &[], b"")
        .unwrap()
        .json();
    assert_eq!(instance["configuration"]["statuses"]["max_characters"], 280);
    assert_eq!(instance["configuration"]["polls"]["max_options"], 3);
    let reply = post_json(&server, &json!({"status": "x".repeat(281)}), None);
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.error(),
        "Validation failed: Text character limit of 280 exceeded"
    );
}

#[test]
fn verify_credentials_returns_the_account() {
    let server = MastodonServer::start();
    let reply = get(&server, "/api/v1/accounts/verify_credentials");
    assert_eq!(reply.status, 200);
    let account = reply.json();
    assert_eq!(account["username"], "clinic");
    assert_eq!(account["acct"], "clinic");
    assert!(account["id"].is_string());
    assert!(account["source"].is_object());
    assert_eq!(account["url"], format!("{}/@clinic", server.url()));
    assert_clean(&server);
}

// ---------------------------------------------------------------------------
// Statuses

#[test]
fn posts_a_json_status() {
    let server = MastodonServer::start();
    let text =
        "New clinic hours from Monday.\n\nSee https://heart.example/posts/hours/ #cardiology";
    let reply = post_json(
        &server,
        &json!({"status": text, "language": "en", "visibility": "unlisted"}),
        Some("k1"),
    );
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let status = reply.json();
    let id = status["id"].as_str().expect("id is a string");
    assert!(id.bytes().all(|b| b.is_ascii_digit()), "{id}");
    assert_eq!(status["url"], format!("{}/@clinic/{id}", server.url()));
    assert_eq!(
        status["uri"],
        format!("{}/users/clinic/statuses/{id}", server.url())
    );
    assert_eq!(status["visibility"], "unlisted");
    assert_eq!(status["language"], "en");
    assert_eq!(status["sensitive"], false);
    assert_eq!(status["spoiler_text"], "");
    assert_eq!(status["media_attachments"], json!([]));
    assert_eq!(status["poll"], Value::Null);
    assert_eq!(status["account"]["username"], "clinic");
    assert_eq!(status["tags"][0]["name"], "cardiology");
    let created_at = status["created_at"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(created_at).is_ok(),
        "{created_at}"
    );
    let content = status["content"].as_str().unwrap();
    assert!(content.starts_with("<p>New clinic hours from Monday.</p><p>See <a href=\"https://heart.example/posts/hours/\""), "{content}");
    assert!(
        content.contains("<span class=\"invisible\">https://</span>"),
        "{content}"
    );
    assert!(content.contains("class=\"mention hashtag\""), "{content}");

    // Stored, and served back the same.
    assert_eq!(server.statuses(), vec![status.clone()]);
    assert_eq!(server.posted_texts(), vec![text.to_string()]);
    let fetched = get(&server, &format!("/api/v1/statuses/{id}"));
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.json(), status);
    // Public statuses can be read without a token.
    let anonymous = send(&server, "GET", &format!("/api/v1/statuses/{id}"), &[], b"").unwrap();
    assert_eq!(anonymous.status, 200);

    let recorded = server.requests_to("POST", "/api/v1/statuses");
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].header("idempotency-key"), Some("k1"));
    assert_eq!(recorded[0].json().unwrap()["status"], text);
    assert_eq!(recorded[0].response_status, Some(200));
    assert_clean(&server);
}

#[test]
fn unknown_status_is_404_without_a_violation() {
    let server = MastodonServer::start();
    let reply = get(&server, "/api/v1/statuses/12345");
    assert_eq!(reply.status, 404);
    assert_eq!(reply.error(), "Record not found");
    assert_clean(&server);
}

#[test]
fn private_statuses_need_the_token_to_be_read() {
    let server = MastodonServer::start();
    let id = post_json(
        &server,
        &json!({"status": "staff only", "visibility": "private"}),
        None,
    )
    .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/statuses/{id}");
    assert_eq!(send(&server, "GET", &path, &[], b"").unwrap().status, 404);
    assert_eq!(get(&server, &path).status, 200);
}

#[test]
fn posts_a_form_encoded_status_with_a_poll() {
    let server = MastodonServer::start();
    let reply = post_form(
        &server,
        &[
            ("status", "Which clinic day suits you?"),
            ("language", "en"),
            ("poll[options][]", "Monday"),
            ("poll[options][]", "Saturday"),
            ("poll[expires_in]", "86400"),
            ("poll[multiple]", "true"),
            ("sensitive", "false"),
            ("spoiler_text", "Survey"),
        ],
    );
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let status = reply.json();
    let poll = &status["poll"];
    assert_eq!(
        poll["options"],
        json!([{"title": "Monday", "votes_count": 0}, {"title": "Saturday", "votes_count": 0}])
    );
    assert_eq!(poll["multiple"], true);
    assert_eq!(poll["expired"], false);
    assert!(poll["id"].is_string());
    let created =
        chrono::DateTime::parse_from_rfc3339(status["created_at"].as_str().unwrap()).unwrap();
    let expires =
        chrono::DateTime::parse_from_rfc3339(poll["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!((expires - created).num_seconds(), 86_400);
    assert_eq!(status["spoiler_text"], "Survey");
    assert_eq!(status["sensitive"], false);
    assert_clean(&server);
}

#[test]
fn posts_a_json_poll() {
    let server = MastodonServer::start();
    let reply = post_json(
        &server,
        &json!({"status": "Flu shot yet?", "poll": {"options": ["Yes", "Not yet", "Booked"], "expires_in": 300}}),
        None,
    );
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(reply.json()["poll"]["options"].as_array().unwrap().len(), 3);
    assert_eq!(reply.json()["poll"]["multiple"], false);
    assert_clean(&server);
}

#[test]
fn poll_limits_are_inclusive() {
    let server = MastodonServer::start();
    let fifty = "o".repeat(50);
    for expires_in in [300, 2_629_746] {
        let options: Vec<String> = (0..4).map(|i| format!("{i}{}", &fifty[1..])).collect();
        let reply = post_json(
            &server,
            &json!({"status": "poll", "poll": {"options": options, "expires_in": expires_in}}),
            None,
        );
        assert_eq!(
            reply.status,
            200,
            "expires_in {expires_in}: {}",
            String::from_utf8_lossy(&reply.body)
        );
    }
    assert_clean(&server);
}

#[test]
fn replies_thread_onto_known_statuses() {
    let server = MastodonServer::start();
    let first = post_json(&server, &json!({"status": "1/2"}), None).json();
    let second = post_json(
        &server,
        &json!({"status": "2/2", "in_reply_to_id": first["id"]}),
        None,
    );
    assert_eq!(second.status, 200);
    assert_eq!(second.json()["in_reply_to_id"], first["id"]);
    assert_clean(&server);

    let orphan = post_json(
        &server,
        &json!({"status": "3/2", "in_reply_to_id": "999"}),
        None,
    );
    assert_eq!(orphan.status, 404);
    assert_eq!(server.statuses().len(), 2);
    assert_eq!(server.contract_violations().len(), 1);
}

#[test]
fn query_parameters_are_merged_like_rails() {
    let server = MastodonServer::start();
    let auth = bearer(&server);
    let reply = send(
        &server,
        "POST",
        "/api/v1/statuses?status=From%20the%20query&visibility=unlisted",
        &[("Authorization", &auth)],
        b"",
    )
    .unwrap();
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["visibility"], "unlisted");
    assert_eq!(server.posted_texts(), vec!["From the query".to_string()]);
}

// ---------------------------------------------------------------------------
// Media

#[test]
fn uploads_media_then_attaches_it() {
    let server = MastodonServer::start();
    let reply = upload_png(&server, "A stethoscope on a desk");
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let media = reply.json();
    let media_id = media["id"].as_str().expect("id is a string").to_string();
    assert_eq!(media["type"], "image");
    assert_eq!(media["description"], "A stethoscope on a desk");
    assert_eq!(media["meta"]["original"]["width"], 1);
    let url = media["url"].as_str().expect("a processed image has a url");
    assert!(url.starts_with(&server.url()), "{url}");
    assert!(reply.header("X-RateLimit-Remaining").is_some());

    let stored = server.media();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].bytes, PNG);
    assert_eq!(stored[0].file_name.as_deref(), Some("heart.png"));
    assert_eq!(stored[0].content_type, "image/png");
    assert_eq!(
        stored[0].description.as_deref(),
        Some("A stethoscope on a desk")
    );
    assert_eq!(stored[0].status_id, None);

    // The file is served.
    let file = send(&server, "GET", &url[server.url().len()..], &[], b"").unwrap();
    assert_eq!(file.body, PNG);

    // A status with media needs no text.
    let status = post_json(&server, &json!({"media_ids": [media_id]}), None);
    assert_eq!(
        status.status,
        200,
        "{}",
        String::from_utf8_lossy(&status.body)
    );
    let status = status.json();
    assert_eq!(status["content"], "");
    assert_eq!(status["media_attachments"][0]["id"], media_id.as_str());
    assert_eq!(
        status["media_attachments"][0]["description"],
        "A stethoscope on a desk"
    );
    assert_eq!(
        server.media()[0].status_id.as_deref(),
        status["id"].as_str()
    );

    // Attached media cannot be attached again.
    let again = post_json(
        &server,
        &json!({"status": "again", "media_ids": [media_id]}),
        None,
    );
    assert_eq!(again.status, 422);
    assert!(
        again.error().contains("not found or already attached"),
        "{}",
        again.error()
    );
}

#[test]
fn form_encoded_status_with_media() {
    let server = MastodonServer::start();
    let media_id = upload_png(&server, "alt").json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let reply = post_form(
        &server,
        &[("status", "With a picture"), ("media_ids[]", &media_id)],
    );
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json()["media_attachments"][0]["id"],
        media_id.as_str()
    );
    assert_clean(&server);
}

#[test]
fn scalar_media_ids_are_dropped_like_rails_does() {
    let server = MastodonServer::start();
    let media_id = upload_png(&server, "alt").json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let reply = post_form(
        &server,
        &[("status", "Forgot the brackets"), ("media_ids", &media_id)],
    );
    assert_eq!(reply.status, 200, "Mastodon posts it, without the image");
    assert_eq!(reply.json()["media_attachments"], json!([]));
    let violations = server.contract_violations();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert!(violations[0].contains("media_ids[]"), "{violations:?}");
}

#[test]
fn non_image_media_is_processed_asynchronously() {
    let server = MastodonServer::start();
    let body = multipart(&[(
        "file",
        Some(("tour.mp4", "video/mp4")),
        b"\x00\x00\x00\x18ftypmp42",
    )]);
    let reply = upload_with(&server, Some(&bearer(&server)), &body);
    assert_eq!(reply.status, 202);
    let media = reply.json();
    assert_eq!(media["type"], "video");
    assert_eq!(media["url"], Value::Null);
    let id = media["id"].as_str().unwrap();

    let early = post_json(&server, &json!({"media_ids": [id]}), None);
    assert_eq!(early.status, 422);
    assert!(
        early.error().contains("not finished processing"),
        "{}",
        early.error()
    );

    let polled = get(&server, &format!("/api/v1/media/{id}"));
    assert_eq!(polled.status, 200);
    assert!(polled.json()["url"].is_string());
    assert_eq!(
        post_json(&server, &json!({"media_ids": [id]}), None).status,
        200
    );
}

#[test]
fn media_uploads_are_validated() {
    let server = MastodonServer::start();
    let auth = bearer(&server);
    // (case, Authorization, body, status, error)
    type Case<'a> = (&'a str, Option<&'a str>, Vec<u8>, u16, &'a str);
    let cases: Vec<Case> = vec![
        (
            "no token",
            None,
            multipart(&[("file", Some(("a.png", "image/png")), PNG)]),
            401,
            INVALID_TOKEN,
        ),
        (
            "no file part",
            Some(&auth),
            multipart(&[("description", None, b"alt")]),
            422,
            "Validation failed: File can't be blank",
        ),
        (
            "file as a plain field",
            Some(&auth),
            multipart(&[("file", None, PNG)]),
            422,
            "Validation failed: File can't be blank",
        ),
        (
            "unsupported type",
            Some(&auth),
            multipart(&[("file", Some(("a.svg", "image/svg+xml")), b"<svg/>")]),
            422,
            "Validation failed: File content type is invalid",
        ),
        (
            "not really a PNG",
            Some(&auth),
            multipart(&[("file", Some(("a.png", "image/png")), b"GIF? no, text")]),
            422,
            "Validation failed: File has contents that are not what they are reported to be",
        ),
        (
            "description too long",
            Some(&auth),
            multipart(&[
                ("file", Some(("a.png", "image/png")), PNG),
                ("description", None, "d".repeat(1_501).as_bytes()),
            ]),
            422,
            "Validation failed: Description is too long (maximum is 1500 characters)",
        ),
    ];
    for (name, auth, body, status, error) in &cases {
        let reply = upload_with(&server, *auth, body);
        assert_eq!(
            reply.status,
            *status,
            "{name}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        assert_eq!(reply.error(), *error, "{name}");
    }
    // Not multipart at all.
    let reply = send(
        &server,
        "POST",
        "/api/v2/media",
        &[("Authorization", &auth), ("Content-Type", "image/png")],
        PNG,
    )
    .unwrap();
    assert_eq!(reply.status, 422);

    assert!(server.media().is_empty());
    assert_eq!(
        server.contract_violations().len(),
        cases.len() + 1,
        "{:#?}",
        server.contract_violations()
    );
}

// ---------------------------------------------------------------------------
// Idempotency

#[test]
fn idempotency_key_returns_the_same_status() {
    let server = MastodonServer::start();
    let first = post_json(&server, &json!({"status": "Once only"}), Some("post-42"));
    let second = post_json(&server, &json!({"status": "Once only"}), Some("post-42"));
    assert_eq!(first.status, 200);
    assert_eq!(second.status, 200);
    assert_eq!(first.json()["id"], second.json()["id"]);
    assert_eq!(server.statuses().len(), 1);

    // Mastodon does not compare bodies: the key alone decides.
    let third = post_json(
        &server,
        &json!({"status": "Something else"}),
        Some("post-42"),
    );
    assert_eq!(third.json()["id"], first.json()["id"]);
    // Even a body that would now fail validation.
    let invalid = post_json(&server, &json!({"status": ""}), Some("post-42"));
    assert_eq!(invalid.status, 200);
    assert_eq!(server.statuses().len(), 1);

    let other = post_json(&server, &json!({"status": "Once only"}), Some("post-43"));
    assert_ne!(other.json()["id"], first.json()["id"]);
    assert_eq!(server.statuses().len(), 2);

    // Without a key every request is a new status.
    post_json(&server, &json!({"status": "Twice"}), None);
    post_json(&server, &json!({"status": "Twice"}), None);
    assert_eq!(server.statuses().len(), 4);
    assert_clean(&server);
}

#[test]
fn a_rejected_status_does_not_use_up_its_key() {
    let server = MastodonServer::start();
    let rejected = post_json(&server, &json!({"status": "x".repeat(501)}), Some("k"));
    assert_eq!(rejected.status, 422);
    let accepted = post_json(&server, &json!({"status": "short"}), Some("k"));
    assert_eq!(accepted.status, 200);
    assert_eq!(server.statuses().len(), 1);
}

#[test]
fn idempotency_keys_expire() {
    let server = MastodonServer::start_with(Config {
        idempotency_ttl: Duration::from_millis(50),
        ..Config::default()
    });
    let first = post_json(&server, &json!({"status": "hi"}), Some("k")).json();
    std::thread::sleep(Duration::from_millis(80));
    let second = post_json(&server, &json!({"status": "hi"}), Some("k")).json();
    assert_ne!(first["id"], second["id"]);
}

// ---------------------------------------------------------------------------
// Validation

#[test]
fn rejects_invalid_statuses_with_422() {
    let server = MastodonServer::start();
    let media_id = upload_png(&server, "alt").json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let url = format!("https://heart.example/{}", "a".repeat(200));
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "missing status",
            json!({"language": "en"}),
            "Validation failed: Text can't be blank",
        ),
        (
            "empty status",
            json!({"status": ""}),
            "Validation failed: Text can't be blank",
        ),
        (
            "blank status",
            json!({"status": "  \n "}),
            "Validation failed: Text can't be blank",
        ),
        (
            "501 characters",
            json!({"status": "x".repeat(501)}),
            "Validation failed: Text character limit of 500 exceeded",
        ),
        (
            "URL counted as 23 tips it over",
            json!({"status": format!("{} {url}", "x".repeat(477))}),
            "Validation failed: Text character limit of 500 exceeded",
        ),
        (
            "spoiler text counts",
            json!({"status": "x".repeat(400), "spoiler_text": "y".repeat(101)}),
            "Validation failed: Text character limit of 500 exceeded",
        ),
        (
            "poll with one option",
            json!({"status": "q", "poll": {"options": ["only"], "expires_in": 3600}}),
            "Validation failed: Poll options must have more than one item",
        ),
        (
            "poll with five options",
            json!({"status": "q", "poll": {"options": ["a", "b", "c", "d", "e"], "expires_in": 3600}}),
            "Validation failed: Poll options can't contain more than 4 items",
        ),
        (
            "option of 51 characters",
            json!({"status": "q", "poll": {"options": ["a", "o".repeat(51)], "expires_in": 3600}}),
            "Validation failed: Poll options cannot be longer than 50 characters each",
        ),
        (
            "duplicate options",
            json!({"status": "q", "poll": {"options": ["a", "a"], "expires_in": 3600}}),
            "Validation failed: Poll options contain duplicate items",
        ),
        (
            "expires_in 299",
            json!({"status": "q", "poll": {"options": ["a", "b"], "expires_in": 299}}),
            "Validation failed: Poll expires at is too soon",
        ),
        (
            "expires_in 2629747",
            json!({"status": "q", "poll": {"options": ["a", "b"], "expires_in": 2_629_747}}),
            "Validation failed: Poll expires at is too far out into the future",
        ),
        (
            "poll without expires_in",
            json!({"status": "q", "poll": {"options": ["a", "b"]}}),
            "Validation failed: Poll expires at can't be blank",
        ),
        (
            "poll with media",
            json!({"status": "q", "media_ids": [media_id], "poll": {"options": ["a", "b"], "expires_in": 3600}}),
            "Cannot attach more than 4 files",
        ),
        (
            "five media",
            json!({"status": "q", "media_ids": ["1", "2", "3", "4", "5"]}),
            "Cannot attach more than 4 files",
        ),
        (
            "unknown media id",
            json!({"status": "q", "media_ids": ["404"]}),
            "Media 404 not found or already attached to another post",
        ),
        (
            "visibility everyone",
            json!({"status": "q", "visibility": "everyone"}),
            "Validation failed: Visibility is not included in the list",
        ),
        (
            "empty visibility",
            json!({"status": "q", "visibility": ""}),
            "Validation failed: Visibility is not included in the list",
        ),
        (
            "language english",
            json!({"status": "q", "language": "english"}),
            "Validation failed: Language is invalid",
        ),
        (
            "language en-US",
            json!({"status": "q", "language": "en-US"}),
            "Validation failed: Language is invalid",
        ),
        (
            "language EN",
            json!({"status": "q", "language": "EN"}),
            "Validation failed: Language is invalid",
        ),
        (
            "several at once",
            json!({"status": "", "visibility": "loud"}),
            "Validation failed: Text can't be blank, Visibility is not included in the list",
        ),
    ];
    for (name, body, error) in &cases {
        let reply = post_json(&server, body, Some(name));
        assert_eq!(
            reply.status,
            422,
            "{name}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        assert_eq!(reply.error(), *error, "{name}");
    }
    assert!(server.statuses().is_empty());
    let violations = server.contract_violations();
    assert_eq!(violations.len(), cases.len(), "{violations:#?}");
    assert!(
        violations
            .iter()
            .all(|v| v.starts_with("POST /api/v1/statuses: 422 ")),
        "{violations:#?}"
    );

    // Form-encoded bodies are validated the same way.
    let reply = post_form(
        &server,
        &[
            ("status", "q"),
            ("poll[options][]", "a"),
            ("poll[expires_in]", "3600"),
        ],
    );
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.error(),
        "Validation failed: Poll options must have more than one item"
    );
}

#[test]
fn accepts_what_mastodon_accepts() {
    let server = MastodonServer::start();
    let long_url = format!("https://heart.example/{}", "a".repeat(200));
    let accepted = [
        json!({"status": "x".repeat(500)}),
        json!({"status": format!("{} {long_url}", "x".repeat(476))}),
        json!({"status": format!("{} @patel@very-long-instance-name.example.social", "x".repeat(490))}),
        json!({"status": "👨‍👩‍👧".repeat(500)}),
        json!({"status": "q", "language": "fil"}),
        json!({"status": "q", "language": "zh-TW"}),
        json!({"status": "q", "visibility": "direct", "sensitive": "true"}),
        json!({"status": "q", "language": ""}),
    ];
    for body in &accepted {
        let reply = post_json(&server, body, None);
        assert_eq!(
            reply.status,
            200,
            "{body}: {}",
            String::from_utf8_lossy(&reply.body)
        );
    }
    assert_clean(&server);
}

#[test]
fn counts_length_the_mastodon_way() {
    assert_eq!(status_length("hello", "", 23), 5);
    assert_eq!(
        status_length("see https://example.com/a/very/long/path/indeed", "", 23),
        4 + 23
    );
    // A URL's trailing punctuation is not part of it.
    assert_eq!(
        status_length("(https://example.com/x).", "", 23),
        1 + 23 + 2
    );
    // Two URLs.
    assert_eq!(
        status_length("https://a.example https://b.example/long", "", 23),
        23 + 1 + 23
    );
    // No scheme, no concession.
    assert_eq!(status_length("example.com", "", 23), 11);
    // Remote mentions count their username only.
    assert_eq!(
        status_length("hi @patel@cardio.example.social", "", 23),
        3 + 6
    );
    assert_eq!(status_length("hi @patel", "", 23), 9);
    // A mention inside a URL is part of the URL.
    assert_eq!(status_length("https://mastodon.social/@patel", "", 23), 23);
    // Grapheme clusters, and the content warning counts too.
    assert_eq!(status_length("👨‍👩‍👧é", "", 23), 2);
    assert_eq!(status_length("abc", "CW", 23), 5);
    assert_eq!(status_length("https://example.com", "", 30), 30);
}

#[test]
fn malformed_json_is_a_400() {
    let server = MastodonServer::start();
    let auth = bearer(&server);
    let reply = send(
        &server,
        "POST",
        "/api/v1/statuses",
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        b"{\"status\": ",
    )
    .unwrap();
    assert_eq!(reply.status, 400);
    assert_eq!(server.contract_violations().len(), 1);
}

// ---------------------------------------------------------------------------
// Authorization

#[test]
fn requires_the_bearer_token() {
    let server = MastodonServer::with_token("s3cret");
    assert_eq!(server.token(), "s3cret");
    let body = json!({"status": "hello"}).to_string();
    let cases: [&[(&str, &str)]; 4] = [
        &[],
        &[("Authorization", "Bearer wrong")],
        &[("Authorization", "Basic czNjcmV0")],
        &[("Authorization", "s3cret")],
    ];
    for headers in cases {
        let mut headers = headers.to_vec();
        headers.push(("Content-Type", "application/json"));
        let reply = send(
            &server,
            "POST",
            "/api/v1/statuses",
            &headers,
            body.as_bytes(),
        )
        .unwrap();
        assert_eq!(reply.status, 401, "{headers:?}");
        assert_eq!(
            reply.json(),
            json!({"error": "The access token is invalid"})
        );
        assert!(
            reply
                .header("WWW-Authenticate")
                .unwrap()
                .contains("invalid_token")
        );
    }
    let reply = send(
        &server,
        "GET",
        "/api/v1/accounts/verify_credentials",
        &[("Authorization", "Bearer nope")],
        b"",
    )
    .unwrap();
    assert_eq!(reply.status, 401);
    assert!(server.statuses().is_empty());
    assert_eq!(
        server.contract_violations().len(),
        5,
        "{:#?}",
        server.contract_violations()
    );

    // The scheme is case-insensitive, as in Doorkeeper.
    let reply = send(
        &server,
        "POST",
        "/api/v1/statuses",
        &[
            ("Authorization", "bearer s3cret"),
            ("Content-Type", "application/json"),
        ],
        body.as_bytes(),
    )
    .unwrap();
    assert_eq!(reply.status, 200);
    assert_ne!(server.token(), DEFAULT_TOKEN);
}

// ---------------------------------------------------------------------------
// Rate limits

#[test]
fn rate_limit_headers_count_down_and_429_when_spent() {
    let server = MastodonServer::start_with(Config {
        rate_limit: 3,
        ..Config::default()
    });
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let reply = get(&server, "/api/v1/accounts/verify_credentials");
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("X-RateLimit-Limit"), Some("3"));
        let reset = reply.header("X-RateLimit-Reset").unwrap();
        let reset =
            chrono::DateTime::parse_from_rfc3339(reset).expect("X-RateLimit-Reset is ISO 8601");
        assert!(reset > chrono::Utc::now());
        remaining.push(reply.header("X-RateLimit-Remaining").unwrap().to_string());
    }
    assert_eq!(remaining, ["2", "1", "0"]);
    let reply = get(&server, "/api/v1/accounts/verify_credentials");
    assert_eq!(reply.status, 429);
    assert_eq!(reply.error(), "Too many requests");
    assert_eq!(reply.header("X-RateLimit-Remaining"), Some("0"));
    assert_eq!(server.contract_violations().len(), 1);
}

#[test]
fn media_uploads_have_their_own_limit() {
    let server = MastodonServer::start_with(Config {
        media_rate_limit: 1,
        ..Config::default()
    });
    let first = upload_png(&server, "one");
    assert_eq!(first.status, 200);
    assert_eq!(first.header("X-RateLimit-Limit"), Some("1"));
    assert_eq!(upload_png(&server, "two").status, 429);
    // Statuses are not held back by the media limit.
    assert_eq!(
        post_json(&server, &json!({"status": "still fine"}), None).status,
        200
    );
}

// ---------------------------------------------------------------------------
// Faults

#[test]
fn fault_status_answers_like_mastodon_or_its_proxy() {
    let server = MastodonServer::start();
    server.push_fault("/api/v1/statuses", Fault::Status(500));
    server.push_fault("/api/v1/statuses", Fault::Status(502));
    server.push_fault("/api/v1/statuses", Fault::Status(422));
    let first = post_json(&server, &json!({"status": "hi"}), Some("k"));
    assert_eq!(first.status, 500);
    assert_eq!(
        first.error(),
        "We're sorry, but something went wrong on our end."
    );
    let second = post_json(&server, &json!({"status": "hi"}), Some("k"));
    assert_eq!(second.status, 502);
    assert_eq!(second.header("Content-Type"), Some("text/html"));
    assert!(
        String::from_utf8_lossy(&second.body).contains("502 Bad Gateway"),
        "a proxy's HTML page"
    );
    assert_eq!(
        second.header("X-RateLimit-Remaining"),
        None,
        "a proxy's page has no Mastodon headers"
    );
    let third = post_json(&server, &json!({"status": "hi"}), Some("k"));
    assert_eq!(third.status, 422);
    assert_eq!(third.error(), "Unprocessable Content");
    assert!(
        server.statuses().is_empty(),
        "faults answer without handling"
    );
    let fourth = post_json(&server, &json!({"status": "hi"}), Some("k"));
    assert_eq!(fourth.status, 200);
    assert_eq!(server.statuses().len(), 1);
    assert_clean(&server);
}

#[test]
fn fault_too_many_sends_retry_after() {
    let server = MastodonServer::start();
    server.push_fault(
        "POST /api/v1/statuses",
        Fault::TooMany {
            retry_after_secs: 7,
        },
    );
    let reply = post_json(&server, &json!({"status": "hi"}), None);
    assert_eq!(reply.status, 429);
    assert_eq!(reply.header("Retry-After"), Some("7"));
    assert_eq!(reply.header("X-RateLimit-Remaining"), Some("0"));
    let reset =
        chrono::DateTime::parse_from_rfc3339(reply.header("X-RateLimit-Reset").unwrap()).unwrap();
    let ahead = (reset.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_seconds();
    assert!((5..=7).contains(&ahead), "{ahead}");
    assert_eq!(reply.error(), "Too many requests");
    assert!(server.statuses().is_empty());
    assert_eq!(
        post_json(&server, &json!({"status": "hi"}), None).status,
        200
    );
}

#[test]
fn fault_rate_limited_is_mastodons_own_429_without_retry_after() {
    let server = MastodonServer::start();
    server.push_fault(
        "POST /api/v1/statuses",
        Fault::RateLimited {
            reset_after_secs: 60,
        },
    );
    let reply = post_json(&server, &json!({"status": "hi"}), None);
    assert_eq!(reply.status, 429);
    assert_eq!(reply.header("Retry-After"), None);
    assert!(reply.header("X-RateLimit-Reset").is_some());
}

#[test]
fn fault_fail_after_commit_stores_then_answers_500() {
    let server = MastodonServer::start();
    server.push_fault("POST /api/v1/statuses", Fault::FailAfterCommit(500));
    let failed = post_json(&server, &json!({"status": "Exactly once"}), Some("post-7"));
    assert_eq!(failed.status, 500);
    let stored = server.statuses();
    assert_eq!(stored.len(), 1, "the status was committed");
    // The client's retry with the same key learns the status that exists.
    let retry = post_json(&server, &json!({"status": "Exactly once"}), Some("post-7"));
    assert_eq!(retry.status, 200);
    assert_eq!(retry.json()["id"], stored[0]["id"]);
    assert_eq!(server.statuses().len(), 1);
    assert_clean(&server);
}

// ---------------------------------------------------------------------------
// Endpoints and clients

#[test]
fn unknown_endpoints_are_violations() {
    let server = MastodonServer::start();
    let reply = get(&server, "/api/v1/instance");
    assert_eq!(reply.status, 404);
    let violations = server.contract_violations();
    assert_eq!(
        violations,
        ["GET /api/v1/instance: 404 no such endpoint in the contract"]
    );
}

#[test]
fn understands_what_reqwest_sends() {
    use reqwest::blocking::multipart::{Form, Part};

    let server = MastodonServer::start();
    let http = reqwest::blocking::Client::new();
    let part = Part::bytes(PNG.to_vec())
        .file_name("heart.png")
        .mime_str("image/png")
        .unwrap();
    let form = Form::new()
        .part("file", part)
        .text("description", "Dr. \"Asha\" Patel, cardiología");
    let media = http
        .post(format!("{}/api/v2/media", server.url()))
        .bearer_auth(server.token())
        .multipart(form)
        .send()
        .unwrap();
    assert_eq!(media.status().as_u16(), 200);
    let media: Value = media.json().unwrap();
    assert_eq!(media["description"], "Dr. \"Asha\" Patel, cardiología");
    assert_eq!(server.media()[0].bytes, PNG);

    let status = http
        .post(format!("{}/api/v1/statuses", server.url()))
        .bearer_auth(server.token())
        .header("Idempotency-Key", "reqwest-1")
        .json(&json!({"status": "Über uns", "language": "de", "media_ids": [media["id"]]}))
        .send()
        .unwrap();
    assert_eq!(status.status().as_u16(), 200);
    assert!(status.headers().contains_key("x-ratelimit-remaining"));
    let status: Value = status.json().unwrap();
    assert_eq!(status["language"], "de");
    assert_eq!(status["media_attachments"][0]["id"], media["id"]);

    let poll = http
        .post(format!("{}/api/v1/statuses", server.url()))
        .bearer_auth(server.token())
        .form(&[
            ("status", "Open on Saturdays?"),
            ("poll[options][]", "Yes"),
            ("poll[options][]", "No"),
            ("poll[expires_in]", "3600"),
        ])
        .send()
        .unwrap();
    assert_eq!(poll.status().as_u16(), 200);
    assert_eq!(server.posted_texts(), ["Über uns", "Open on Saturdays?"]);
    assert_clean(&server);

    // A reset is a transport error to reqwest, and nothing was stored.
    server.push_fault("POST /api/v1/statuses", Fault::Reset);
    let reset = http
        .post(format!("{}/api/v1/statuses", server.url()))
        .bearer_auth(server.token())
        .json(&json!({"status": "lost"}))
        .send();
    assert!(reset.is_err(), "{reset:?}");
    assert_eq!(server.statuses().len(), 2);
}
