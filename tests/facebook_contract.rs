//! The Facebook Pages contract server's own tests: it answers the documented
//! shapes as Graph does, and records a violation for everything the
//! documentation forbids (or Rounds must never do).

use crate::common::contract::Fault;
use crate::common::facebook::{self, PAGE_ID, TOKEN};
use chrono::{Duration, Utc};
use reqwest::blocking::{Client, Response};
use serde_json::Value;

const V: &str = "v25.0";

struct Call {
    http: Client,
    base: String,
}

impl Call {
    fn new(base: String) -> Call {
        Call {
            http: Client::new(),
            base,
        }
    }

    fn post(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.http
            .post(format!("{}/{V}/{path}", self.base))
            .bearer_auth(TOKEN)
            .form(form)
            .send()
            .unwrap()
    }

    fn get(&self, path: &str, query: &[(&str, &str)]) -> Response {
        self.http
            .get(format!("{}/{V}/{path}", self.base))
            .bearer_auth(TOKEN)
            .query(query)
            .send()
            .unwrap()
    }
}

fn feed() -> String {
    format!("{PAGE_ID}/feed")
}

/// The status and the Graph error code of an answer.
fn failure(response: Response) -> (u16, i64, Value) {
    let status = response.status().as_u16();
    let body: Value = response.json().unwrap();
    (status, body["error"]["code"].as_i64().unwrap(), body)
}

#[test]
fn a_link_post_is_made_and_listed_newest_first() {
    let server = facebook::start();
    let call = Call::new(server.url());
    for n in 1..=3 {
        let response = call.post(
            &feed(),
            &[
                ("message", &format!("Post {n} https://heart.example/{n}")),
                ("link", &format!("https://heart.example/{n}")),
            ],
        );
        assert_eq!(response.status(), 200);
        let body: Value = response.json().unwrap();
        let id = body["id"].as_str().unwrap();
        assert!(id.starts_with(&format!("{PAGE_ID}_")), "{id}");
    }
    let page: Value = call
        .get(
            &feed(),
            &[
                ("fields", "id,message,created_time,permalink_url"),
                ("limit", "2"),
            ],
        )
        .json()
        .unwrap();
    let data = page["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert!(data[0]["message"].as_str().unwrap().starts_with("Post 3"));
    let created = data[0]["created_time"].as_str().unwrap();
    assert!(
        created.ends_with("+0000") && created.len() == 24,
        "{created}"
    );
    assert!(
        data[0]["permalink_url"]
            .as_str()
            .unwrap()
            .starts_with("https://www.facebook.com/")
    );
    // The cursor reaches the rest; only asked-for fields come back.
    let after = page["paging"]["cursors"]["after"].as_str().unwrap();
    assert!(page["paging"]["next"].is_string());
    let rest: Value = call
        .get(&feed(), &[("fields", "message"), ("after", after)])
        .json()
        .unwrap();
    assert_eq!(rest["data"].as_array().unwrap().len(), 1);
    assert!(rest["data"][0].get("created_time").is_none());
    assert!(rest["paging"].get("next").is_none());
    assert!(
        server.contract_violations().is_empty(),
        "{:?}",
        server.contract_violations()
    );
}

#[test]
fn the_token_is_required_checked_and_kept_out_of_urls() {
    let server = facebook::start();
    let http = Client::new();
    let url = format!("{}/{V}/{}", server.url(), feed());
    let none = http.post(&url).form(&[("message", "hi")]).send().unwrap();
    assert_eq!(failure(none).1, 104);
    assert_eq!(server.contract_violations().len(), 1);

    let wrong = http
        .post(&url)
        .bearer_auth("not-the-token")
        .form(&[("message", "hi")])
        .send()
        .unwrap();
    assert!(
        wrong.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );
    let (status, code, body) = failure(wrong);
    assert_eq!((status, code), (400, 190));
    assert_eq!(body["error"]["type"], "OAuthException");
    assert!(body["error"]["fbtrace_id"].is_string());
    assert_eq!(
        server.contract_violations().len(),
        1,
        "a wrong token is not the client's contract"
    );

    // Graph takes a token in the query string; a client must not send one there.
    let in_url = http
        .post(format!("{url}?access_token={TOKEN}"))
        .form(&[("message", "hi")])
        .send()
        .unwrap();
    assert_eq!(in_url.status(), 200);
    let violations = server.contract_violations();
    assert!(violations[1].contains("in the URL"), "{violations:?}");
    // ... and in the body it is fine.
    let in_body = http
        .post(&url)
        .form(&[("message", "hello"), ("access_token", TOKEN)])
        .send()
        .unwrap();
    assert_eq!(in_body.status(), 200);
    assert_eq!(server.contract_violations().len(), 2);
}

#[test]
fn a_post_needs_words_or_a_real_link_and_documented_parameters() {
    let server = facebook::start();
    let call = Call::new(server.url());
    assert_eq!(failure(call.post(&feed(), &[("published", "true")])).1, 100);
    assert_eq!(
        failure(call.post(&feed(), &[("message", "hi"), ("link", "heart.example/x")])).1,
        100
    );
    let long = "a".repeat(facebook::MESSAGE_LIMIT + 1);
    assert_eq!(failure(call.post(&feed(), &[("message", &long)])).1, 100);
    assert_eq!(server.contract_violations().len(), 3);
    let fine = call.post(
        &feed(),
        &[("message", &"a".repeat(facebook::MESSAGE_LIMIT))],
    );
    assert_eq!(fine.status(), 200);
    let extra = call.post(&feed(), &[("message", "hi there"), ("title", "x")]);
    assert_eq!(extra.status(), 200, "Graph ignores it");
    assert!(server.contract_violations()[3].contains("`title`"));
    // Other pages, edges and unversioned calls are not this Page's API.
    let other = call.post("999/feed", &[("message", "hi")]);
    assert_eq!(failure(other).1, 100);
    let bare = Client::new()
        .get(format!("{}/{PAGE_ID}/feed", server.url()))
        .bearer_auth(TOKEN)
        .send()
        .unwrap();
    assert_eq!(bare.status(), 400);
    let bad_field = call.get(&feed(), &[("fields", "id,likes_count")]);
    assert_eq!(failure(bad_field).1, 100);
    assert_eq!(
        server.contract_violations().len(),
        7,
        "{:#?}",
        server.contract_violations()
    );
}

#[test]
fn scheduled_posts_need_published_false_and_a_time_in_the_window() {
    let server = facebook::start();
    let call = Call::new(server.url());
    let at = |d: Duration| (Utc::now() + d).timestamp().to_string();
    let two_days = at(Duration::days(2));
    let cases: [(&[(&str, &str)], u16); 5] = [
        (
            &[("message", "a"), ("scheduled_publish_time", &two_days)],
            400,
        ),
        (
            &[
                ("message", "b"),
                ("published", "false"),
                ("scheduled_publish_time", &at(Duration::minutes(5))),
            ],
            400,
        ),
        (
            &[
                ("message", "c"),
                ("published", "false"),
                ("scheduled_publish_time", &at(Duration::days(31))),
            ],
            400,
        ),
        (
            &[
                ("message", "d"),
                ("published", "false"),
                ("scheduled_publish_time", "next week"),
            ],
            400,
        ),
        (
            &[
                ("message", "e"),
                ("published", "false"),
                ("scheduled_publish_time", &two_days),
            ],
            200,
        ),
    ];
    for (form, expected) in cases {
        assert_eq!(call.post(&feed(), form).status(), expected, "{form:?}");
    }
    assert_eq!(server.contract_violations().len(), 4);
    // ISO 8601 works too.
    let iso = (Utc::now() + Duration::days(3)).to_rfc3339();
    let response = call.post(
        &feed(),
        &[
            ("message", "f"),
            ("published", "false"),
            ("scheduled_publish_time", &iso),
        ],
    );
    assert_eq!(response.status(), 200);
    // Scheduled posts wait off the feed.
    let feed_now: Value = call.get(&feed(), &[("fields", "message")]).json().unwrap();
    assert!(feed_now["data"].as_array().unwrap().is_empty());
    let scheduled: Value = call
        .get(
            &format!("{PAGE_ID}/scheduled_posts"),
            &[("fields", "id,message,scheduled_publish_time")],
        )
        .json()
        .unwrap();
    let data = scheduled["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(
        data[1]["scheduled_publish_time"]
            .as_i64()
            .unwrap()
            .to_string(),
        two_days
    );
    // A hidden post with no time is allowed by Graph, but never what we want.
    assert_eq!(
        call.post(&feed(), &[("message", "g"), ("published", "false")])
            .status(),
        200
    );
    assert_eq!(server.contract_violations().len(), 5);
}

#[test]
fn the_same_words_and_link_twice_are_a_duplicate() {
    let server = facebook::start();
    let call = Call::new(server.url());
    let form = [
        ("message", "Hello https://heart.example/"),
        ("link", "https://heart.example/"),
    ];
    assert_eq!(call.post(&feed(), &form).status(), 200);
    let (status, code, body) = failure(call.post(&feed(), &form));
    assert_eq!((status, code), (400, 506));
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Duplicate")
    );
    assert_eq!(server.with(|api| api.posts.len()), 1);
    assert!(server.contract_violations().is_empty());
}

#[test]
fn faults_answer_as_graph_does() {
    let server = facebook::start();
    let call = Call::new(server.url());
    let path = format!("POST /{V}/{}", feed());
    server.push_fault(
        &path,
        Fault::RateLimited {
            reset_after_secs: 600,
        },
    );
    server.push_fault(&path, Fault::Status(503));
    server.push_fault(&path, Fault::Status(500));
    server.push_fault(&path, Fault::FailAfterCommit(502));
    let limited = call.post(&feed(), &[("message", "one")]);
    let usage: Value = serde_json::from_str(
        limited.headers()["x-business-use-case-usage"]
            .to_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(usage[PAGE_ID][0]["estimated_time_to_regain_access"], 10);
    assert_eq!(failure(limited).0, 403);
    let (status, code, body) = failure(call.post(&feed(), &[("message", "two")]));
    assert_eq!(
        (status, code, body["error"]["is_transient"].as_bool()),
        (503, 2, Some(true))
    );
    assert_eq!(failure(call.post(&feed(), &[("message", "three")])).1, 1);
    assert_eq!(call.post(&feed(), &[("message", "four")]).status(), 502);
    assert_eq!(
        server.with(|api| api.messages()),
        vec!["four".to_string()],
        "committed"
    );
    assert!(server.contract_violations().is_empty());
}
