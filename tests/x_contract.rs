//! The X contract server's own tests: it takes what the saved OpenAPI
//! description and X's documentation allow, answers in X's shapes, and
//! records a contract violation for anything else.

use crate::common::openapi::OpenApi;
use crate::common::x::{Config, XServer};
use crate::common::x_api::{
    ACCESS_TOKEN, CLIENT_ID, CONSUMER_KEY, CONSUMER_SECRET, OAUTH1_TOKEN, OAUTH1_TOKEN_SECRET,
    REFRESH_TOKEN, USER_ID,
};
use crate::common::x_signing;
use reqwest::blocking::{Client, RequestBuilder, Response};
use serde_json::{Value, json};

fn http() -> Client {
    Client::new()
}

fn spec() -> OpenApi {
    OpenApi::shared("x-api-openapi.json")
}

fn bearer(request: RequestBuilder) -> RequestBuilder {
    request.bearer_auth(ACCESS_TOKEN)
}

fn post_tweet(server: &XServer, body: &Value) -> Response {
    bearer(http().post(format!("{}/2/tweets", server.url())))
        .json(body)
        .send()
        .unwrap()
}

fn json(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().unwrap_or(Value::Null))
}

#[test]
fn a_valid_post_is_created_in_the_documented_shape() {
    let server = XServer::start();
    let response = post_tweet(
        &server,
        &json!({"text": "Know your numbers. https://heart.example/bp"}),
    );
    assert_eq!(
        response.headers()["x-rate-limit-remaining"]
            .to_str()
            .unwrap(),
        "99"
    );
    let (status, body) = json(response);
    assert_eq!(status, 201);
    assert!(
        spec()
            .component_errors("CreatePostsResponse", &body)
            .is_empty()
    );
    assert!(
        body["data"]["text"]
            .as_str()
            .unwrap()
            .contains("https://t.co/")
    );
    assert_eq!(
        server.posted_texts(),
        ["Know your numbers. https://heart.example/bp"]
    );
    assert!(
        server.contract_violations().is_empty(),
        "{:?}",
        server.contract_violations()
    );
}

#[test]
fn fields_outside_the_schema_are_refused_as_invalid_requests() {
    let server = XServer::start();
    for body in [
        json!({"text": "hi", "lang": "en"}),
        json!({"text": 5}),
        json!({"text": "hi", "media": {"media_ids": []}}),
        json!({"text": "hi", "media": {"media_ids": ["not-a-number"]}}),
    ] {
        let (status, problem) = json(post_tweet(&server, &body));
        assert_eq!(status, 400, "{body}");
        assert!(
            spec()
                .component_errors("InvalidRequestProblem", &problem)
                .is_empty(),
            "{problem}"
        );
    }
    assert_eq!(server.contract_violations().len(), 4);
    assert!(server.posts().is_empty());
}

#[test]
fn text_is_weighed_as_twitter_text_does() {
    let server = XServer::start();
    let (status, _) = json(post_tweet(&server, &json!({"text": "心".repeat(140)})));
    assert_eq!(status, 201);
    let (status, _) = json(post_tweet(&server, &json!({"text": "臓".repeat(141)})));
    assert_eq!(status, 400);
    let long_link = format!(
        "{} https://heart.example/{}",
        "a".repeat(256),
        "x".repeat(200)
    );
    let (status, _) = json(post_tweet(&server, &json!({ "text": long_link })));
    assert_eq!(status, 201, "a link counts 23 however long");
    assert_eq!(server.contract_violations().len(), 1);
}

#[test]
fn polls_keep_to_xs_limits_and_never_come_with_media() {
    let server = XServer::start();
    let poll = |options: Value, minutes: u64| json!({"text": format!("Poll {options}"), "poll": {"options": options, "duration_minutes": minutes}});
    let (status, _) = json(post_tweet(&server, &poll(json!(["Yes", "No"]), 4320)));
    assert_eq!(status, 201);
    for bad in [
        poll(json!(["Only"]), 60),
        poll(json!(["a", "b", "c", "d", "e"]), 60),
        poll(json!(["Yes", "An option far too long for X"]), 60),
        poll(json!(["Yes", ""]), 60),
        poll(json!(["Yes", "No"]), 4),
        poll(json!(["Yes", "No"]), 10_081),
    ] {
        assert_eq!(json(post_tweet(&server, &bad)).0, 400, "{bad}");
    }
    let media_id = upload(&server, "tweet_image", PNG);
    let both = json!({"text": "Both", "poll": {"options": ["a", "b"], "duration_minutes": 60}, "media": {"media_ids": [media_id]}});
    assert_eq!(json(post_tweet(&server, &both)).0, 400);
    assert_eq!(server.contract_violations().len(), 7);
}

const PNG: &[u8] = include_bytes!("fixtures/images/pulse.png");

fn upload(server: &XServer, category: &str, bytes: &[u8]) -> String {
    use base64::Engine;
    let media = base64::engine::general_purpose::STANDARD.encode(bytes);
    let (status, body) = json(
        bearer(http().post(format!("{}/2/media/upload", server.url())))
            .json(&json!({"media": media, "media_category": category}))
            .send()
            .unwrap(),
    );
    assert_eq!(status, 200, "{body}");
    assert!(
        spec()
            .component_errors("MediaUploadResponse", &body)
            .is_empty()
    );
    body["data"]["id"].as_str().unwrap().to_string()
}

#[test]
fn images_are_uploaded_described_and_attached() {
    let server = XServer::start();
    let id = upload(&server, "tweet_image", PNG);
    let (status, body) = json(
        bearer(http().post(format!("{}/2/media/metadata", server.url())))
            .json(&json!({"id": id, "metadata": {"alt_text": {"text": "A nurse takes a blood pressure"}}}))
            .send()
            .unwrap(),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        server.media()[0].alt_text.as_deref(),
        Some("A nurse takes a blood pressure")
    );
    let (status, _) = json(post_tweet(
        &server,
        &json!({"text": "Pic", "media": {"media_ids": [id]}}),
    ));
    assert_eq!(status, 201);
    let (status, _) = json(post_tweet(
        &server,
        &json!({"text": "Ghost", "media": {"media_ids": ["42"]}}),
    ));
    assert_eq!(status, 400, "media that was never uploaded");
    // A GIF is not a tweet_image, and a PNG is not a GIF.
    use base64::Engine;
    let media = base64::engine::general_purpose::STANDARD.encode(PNG);
    let (status, _) = json(
        bearer(http().post(format!("{}/2/media/upload", server.url())))
            .json(&json!({"media": media, "media_category": "tweet_gif"}))
            .send()
            .unwrap(),
    );
    assert_eq!(status, 400);
    assert_eq!(server.contract_violations().len(), 2);
}

#[test]
fn a_repeated_text_is_refused_as_duplicate_content() {
    let server = XServer::start();
    let body = json!({"text": "Same words twice"});
    assert_eq!(json(post_tweet(&server, &body)).0, 201);
    let (status, problem) = json(post_tweet(&server, &body));
    assert_eq!(status, 403);
    assert_eq!(problem["type"], "about:blank");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("duplicate content")
    );
    assert_eq!(server.posts().len(), 1);
    assert_eq!(server.duplicate_refusals(), 1);
    assert!(
        server.contract_violations().is_empty(),
        "X's own refusal, not a breach"
    );
}

#[test]
fn requests_without_the_right_credentials_are_refused() {
    let server = XServer::start();
    let anonymous = http()
        .post(format!("{}/2/tweets", server.url()))
        .json(&json!({"text": "hi"}))
        .send()
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    let (status, problem) = json(
        http()
            .post(format!("{}/2/tweets", server.url()))
            .bearer_auth("stolen")
            .json(&json!({"text": "hi"}))
            .send()
            .unwrap(),
    );
    assert_eq!(status, 401);
    assert_eq!(problem["title"], "Unauthorized");
    assert_eq!(server.contract_violations().len(), 2);
    assert!(server.posts().is_empty());
}

#[test]
fn an_expired_token_is_renewed_once_and_the_refresh_token_rotates() {
    let server = XServer::start_with(Config {
        access_expired: true,
        ..Config::default()
    });
    assert_eq!(json(post_tweet(&server, &json!({"text": "early"}))).0, 401);
    assert!(
        server.contract_violations().is_empty(),
        "expiry is not the client's fault"
    );
    let renew = |refresh: &str| {
        json(
            http()
                .post(format!("{}/2/oauth2/token", server.url()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(format!(
                    "grant_type=refresh_token&refresh_token={refresh}&client_id={CLIENT_ID}"
                ))
                .send()
                .unwrap(),
        )
    };
    let (status, tokens) = renew(REFRESH_TOKEN);
    assert_eq!(status, 200, "{tokens}");
    let access = tokens["access_token"].as_str().unwrap();
    assert_ne!(access, ACCESS_TOKEN);
    assert_ne!(tokens["refresh_token"], REFRESH_TOKEN);
    let (status, _) = json(
        http()
            .post(format!("{}/2/tweets", server.url()))
            .bearer_auth(access)
            .json(&json!({"text": "renewed"}))
            .send()
            .unwrap(),
    );
    assert_eq!(status, 201);
    // The old refresh token was spent.
    assert_eq!(renew(REFRESH_TOKEN).0, 400);
    assert_eq!(server.contract_violations().len(), 1);
}

fn signed(method: &str, url: &str, nonce: &str, secret: &str) -> String {
    x_signing::header(
        method,
        url,
        (CONSUMER_KEY, secret),
        (OAUTH1_TOKEN, OAUTH1_TOKEN_SECRET),
        nonce,
    )
}

#[test]
fn oauth_1_signatures_are_verified_with_the_consumer_secret() {
    let server = XServer::start();
    let url = format!("{}/2/users/{USER_ID}/tweets?max_results=5", server.url());
    let get = |header: String| {
        http()
            .get(&url)
            .header("Authorization", header)
            .send()
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(get(signed("GET", &url, "nonce-1", CONSUMER_SECRET)), 200);
    assert_eq!(
        get(signed("GET", &url, "nonce-1", CONSUMER_SECRET)),
        401,
        "a replayed nonce"
    );
    assert_eq!(get(signed("GET", &url, "nonce-2", "wrong secret")), 401);
    // Signed for another query than the one sent.
    let other = format!("{}/2/users/{USER_ID}/tweets?max_results=6", server.url());
    assert_eq!(get(signed("GET", &other, "nonce-3", CONSUMER_SECRET)), 401);
    assert_eq!(server.contract_violations().len(), 3);
}

#[test]
fn the_timeline_shows_tco_links_and_entities_when_asked() {
    let server = XServer::start();
    let text = "Tips & tricks: https://heart.example/blog/bp/?utm_source=x and heart.clinic";
    assert_eq!(json(post_tweet(&server, &json!({ "text": text }))).0, 201);
    assert_eq!(json(post_tweet(&server, &json!({"text": "second"}))).0, 201);
    let timeline = |query: &str| {
        json(
            bearer(http().get(format!("{}/2/users/{USER_ID}/tweets?{query}", server.url())))
                .send()
                .unwrap(),
        )
    };
    let (status, page) = timeline("max_results=5&tweet.fields=created_at,entities");
    assert_eq!(status, 200);
    assert!(
        spec()
            .component_errors("GetUsersPostsResponse", &page)
            .is_empty()
    );
    assert_eq!(page["data"][0]["text"], "second", "newest first");
    let post = &page["data"][1];
    let shown = post["text"].as_str().unwrap();
    assert!(
        shown.starts_with("Tips &amp; tricks: https://t.co/"),
        "{shown}"
    );
    assert!(!shown.contains("heart.example"));
    let urls = post["entities"]["urls"].as_array().unwrap();
    assert_eq!(
        urls[0]["expanded_url"],
        "https://heart.example/blog/bp/?utm_source=x"
    );
    assert_eq!(urls[1]["expanded_url"], "http://heart.clinic");
    assert!(post["created_at"].is_string());

    let (_, bare) = timeline("max_results=5");
    assert!(
        bare["data"][1]["entities"].is_null(),
        "only the fields asked for"
    );
    let (_, paged) = timeline("max_results=5&post.fields=entities");
    assert_eq!(paged["meta"]["result_count"], 2);
    let future = (chrono::Utc::now() + chrono::Duration::hours(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (_, none) = timeline(&format!("start_time={future}"));
    assert_eq!(none["meta"]["result_count"], 0);
    assert!(
        server.contract_violations().is_empty(),
        "{:?}",
        server.contract_violations()
    );

    assert_eq!(timeline("max_results=500").0, 400);
    assert_eq!(timeline("max_results=5&lang=en").0, 400);
    assert_eq!(timeline("start_time=yesterday").0, 400);
    assert_eq!(server.contract_violations().len(), 3);
}

#[test]
fn the_timeline_pages_with_next_token() {
    let server = XServer::start();
    for i in 0..7 {
        assert_eq!(
            json(post_tweet(&server, &json!({"text": format!("post {i}")}))).0,
            201
        );
    }
    let get = |query: &str| {
        json(
            bearer(http().get(format!("{}/2/users/{USER_ID}/tweets?{query}", server.url())))
                .send()
                .unwrap(),
        )
        .1
    };
    let first = get("max_results=5");
    assert_eq!(first["meta"]["result_count"], 5);
    let token = first["meta"]["next_token"].as_str().unwrap();
    let second = get(&format!("max_results=5&pagination_token={token}"));
    assert_eq!(second["meta"]["result_count"], 2);
    assert_eq!(second["data"][1]["text"], "post 0");
    assert!(second["meta"]["next_token"].is_null());
}
