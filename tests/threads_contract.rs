//! The Threads contract server's own tests: the two steps, the container's
//! life, Threads' counting and limits, and Graph's errors, each rule able to
//! catch a client that breaks it.

use crate::common::contract::Fault;
use crate::common::threads::{self, TOKEN, USER_ID};
use chrono::Duration;
use reqwest::blocking::{Client, Response};
use serde_json::{Value, json};

const V: &str = "v1.0";

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

    fn get(&self, path: &str, query: &[(&str, &str)]) -> Value {
        self.http
            .get(format!("{}/{V}/{path}", self.base))
            .bearer_auth(TOKEN)
            .query(query)
            .send()
            .unwrap()
            .json()
            .unwrap()
    }

    /// Step one; the container id.
    fn container(&self, form: &[(&str, &str)]) -> String {
        let response = self.post(&format!("{USER_ID}/threads"), form);
        assert_eq!(response.status(), 200, "{form:?}");
        response.json::<Value>().unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    fn publish(&self, container: &str) -> Response {
        self.http
            .post(format!("{}/{V}/{USER_ID}/threads_publish", self.base))
            .bearer_auth(TOKEN)
            .query(&[("creation_id", container)])
            .send()
            .unwrap()
    }

    fn status(&self, container: &str) -> String {
        self.get(container, &[("fields", "status,error_message")])["status"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

fn code(response: Response) -> (u16, i64, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().unwrap();
    (
        status,
        body["error"]["code"].as_i64().unwrap(),
        body["error"]["message"].as_str().unwrap().to_string(),
    )
}

#[test]
fn a_text_post_is_a_container_then_a_thread() {
    let server = threads::start();
    let call = Call::new(server.url());
    let link = "https://heart.example/blog/bp/";
    let container = call.container(&[
        ("media_type", "TEXT"),
        ("text", &format!("Tips 💓 {link}")),
        ("link_attachment", link),
    ]);
    assert_eq!(call.status(&container), "FINISHED");
    let published = call.publish(&container);
    assert_eq!(published.status(), 200);
    let media = published.json::<Value>().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(media, container, "the thread has its own id");
    assert_eq!(call.status(&container), "PUBLISHED");
    let thread = call.get(&media, &[("fields", "permalink,text,link_attachment_url")]);
    assert!(
        thread["permalink"]
            .as_str()
            .unwrap()
            .starts_with("https://www.threads.net/@riversideheart/post/")
    );
    assert_eq!(thread["link_attachment_url"], link);
    let list = call.get(
        &format!("{USER_ID}/threads"),
        &[("fields", "id,text,timestamp,permalink"), ("limit", "10")],
    );
    assert_eq!(list["data"][0]["id"], media.as_str());
    assert!(
        list["data"][0]["timestamp"]
            .as_str()
            .unwrap()
            .ends_with("+0000")
    );
    // `me` is the same user.
    let mine = call.get("me/threads", &[("fields", "text")]);
    assert_eq!(mine["data"].as_array().unwrap().len(), 1);
    assert!(
        server.contract_violations().is_empty(),
        "{:?}",
        server.contract_violations()
    );
}

#[test]
fn a_container_is_published_once_and_only_when_ready() {
    let server = threads::start();
    let call = Call::new(server.url());
    let container = call.container(&[("media_type", "TEXT"), ("text", "Once")]);
    assert_eq!(call.publish(&container).status(), 200);
    assert_eq!(code(call.publish(&container)).0, 400, "published twice");
    assert_eq!(
        code(call.publish("17900000999999")).1,
        24,
        "no such container"
    );
    // An image is prepared first: publishing it before it is FINISHED fails.
    let image = call.container(&[
        ("media_type", "IMAGE"),
        ("image_url", "https://heart.example/cuff.jpg"),
        ("alt_text", "A cuff"),
    ]);
    assert_eq!(code(call.publish(&image)).1, 9007);
    assert_eq!(call.status(&image), "IN_PROGRESS");
    assert_eq!(call.status(&image), "FINISHED");
    assert_eq!(call.publish(&image).status(), 200);
    // A container left 24 hours expires.
    let late = call.container(&[("media_type", "TEXT"), ("text", "Late")]);
    server.with(|api| api.age(Duration::hours(25)));
    assert_eq!(call.status(&late), "EXPIRED");
    assert_eq!(code(call.publish(&late)).0, 400);
    assert_eq!(server.with(|api| api.threads.len()), 2);
    let violations = server.contract_violations();
    assert_eq!(violations.len(), 4, "{violations:#?}");
    assert!(violations[0].contains("PUBLISHED"), "{violations:#?}");
    assert!(violations[2].contains("IN_PROGRESS"), "{violations:#?}");
}

#[test]
fn text_is_counted_as_threads_counts_it() {
    // From Threads' documentation: emoji count as their UTF-8 bytes.
    assert_eq!(threads::threads_length("hi 😀"), 7);
    assert_eq!(threads::threads_length("❤️"), 6);
    assert_eq!(threads::threads_length("👨\u{200D}👩\u{200D}👧"), 18);
    assert_eq!(threads::threads_length("心臓 café"), 7);
    let server = threads::start();
    let call = Call::new(server.url());
    call.container(&[("media_type", "TEXT"), ("text", &"😀".repeat(125))]);
    let over = call.post(
        &format!("{USER_ID}/threads"),
        &[("media_type", "TEXT"), ("text", &"😀".repeat(126))],
    );
    assert_eq!(code(over).1, 100);
    call.container(&[("media_type", "TEXT"), ("text", &"a".repeat(500))]);
    let violations = server.contract_violations();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert!(violations[0].contains("504"), "{violations:?}");
}

#[test]
fn more_than_five_links_fail_counted_as_documented() {
    // The documentation's examples.
    assert_eq!(
        threads::link_count("www.facebook.com", Some("www.facebook.com")),
        1
    );
    assert_eq!(
        threads::link_count(
            "www.instagram.com www.threads.com",
            Some("www.facebook.com")
        ),
        3
    );
    assert_eq!(
        threads::link_count(
            "www.example.com, www.example.com, www.test.com",
            Some("www.test.com")
        ),
        2
    );
    let server = threads::start();
    let call = Call::new(server.url());
    let five: String = (0..5).map(|i| format!("https://a.example/{i} ")).collect();
    call.container(&[
        ("media_type", "TEXT"),
        ("text", &five),
        ("link_attachment", "https://a.example/0"),
    ]);
    let six = call.post(
        &format!("{USER_ID}/threads"),
        &[
            ("media_type", "TEXT"),
            ("text", &five),
            ("link_attachment", "https://b.example/"),
        ],
    );
    let (_, _, message) = code(six);
    assert_eq!(message, "THREADS_API__LINK_LIMIT_EXCEEDED");
    assert_eq!(server.contract_violations().len(), 1);
}

#[test]
fn polls_are_for_text_posts_with_two_to_four_short_options() {
    let server = threads::start();
    let call = Call::new(server.url());
    let poll = |v: Value| v.to_string();
    let good = poll(json!({"option_a": "Daily", "option_b": "Weekly", "option_c": "Never"}));
    call.container(&[
        ("media_type", "TEXT"),
        ("text", "How often?"),
        ("poll_attachment", &good),
    ]);
    let bad = [
        poll(json!({"option_a": "Only one"})),
        poll(json!({"option_a": "A", "option_b": "B", "option_d": "D"})),
        poll(json!({"option_a": "A", "option_b": "An option that is too long"})),
        poll(json!({"option_a": "", "option_b": "B"})),
        poll(json!({"option_a": "A", "option_b": "B", "option_e": "E"})),
        "[\"A\", \"B\"]".to_string(),
    ];
    for attachment in &bad {
        let response = call.post(
            &format!("{USER_ID}/threads"),
            &[
                ("media_type", "TEXT"),
                ("text", "Q?"),
                ("poll_attachment", attachment),
            ],
        );
        assert_eq!(response.status(), 400, "{attachment}");
    }
    let on_image = call.post(
        &format!("{USER_ID}/threads"),
        &[
            ("media_type", "IMAGE"),
            ("image_url", "https://heart.example/a.jpg"),
            ("poll_attachment", &good),
        ],
    );
    assert_eq!(on_image.status(), 400);
    assert_eq!(server.contract_violations().len(), bad.len() + 1);
    assert_eq!(
        server.with(|api| api.containers[0].poll.clone()),
        Some(json!({"option_a": "Daily", "option_b": "Weekly", "option_c": "Never"}))
    );
}

#[test]
fn containers_need_their_media_and_documented_parameters() {
    let server = threads::start();
    let call = Call::new(server.url());
    let user = format!("{USER_ID}/threads");
    let refused: [&[(&str, &str)]; 6] = [
        &[("text", "no type")],
        &[("media_type", "TEXT")],
        &[("media_type", "IMAGE"), ("image_url", "/cuff.jpg")],
        &[
            ("media_type", "TEXT"),
            ("text", "x"),
            ("image_url", "https://a.example/a.jpg"),
        ],
        &[
            ("media_type", "IMAGE"),
            ("image_url", "https://a.example/a.jpg"),
            ("link_attachment", "https://a.example/"),
        ],
        &[
            ("media_type", "VIDEO"),
            ("video_url", "https://a.example/a.mp4"),
        ],
    ];
    for form in refused {
        assert_eq!(call.post(&user, form).status(), 400, "{form:?}");
    }
    assert_eq!(server.contract_violations().len(), refused.len());
    call.container(&[("media_type", "TEXT"), ("text", "x"), ("title", "y")]);
    assert!(
        server
            .contract_violations()
            .last()
            .unwrap()
            .contains("`title`")
    );
    let wrong_version = Client::new()
        .get(format!("{}/v21.0/me/threads", server.url()))
        .bearer_auth(TOKEN)
        .send()
        .unwrap();
    assert_eq!(wrong_version.status(), 400);
    assert_eq!(server.contract_violations().len(), refused.len() + 2);
}

#[test]
fn the_token_is_checked_and_kept_out_of_urls() {
    let server = threads::with_token("another-token");
    let call = Call::new(server.url());
    let (status, code, message) = code(call.post(
        &format!("{USER_ID}/threads"),
        &[("media_type", "TEXT"), ("text", "x")],
    ));
    assert_eq!((status, code), (400, 190));
    assert!(message.contains("access token"), "{message}");
    assert!(server.contract_violations().is_empty());
    let in_url = Client::new()
        .post(format!(
            "{}/{V}/me/threads?access_token=another-token",
            server.url()
        ))
        .form(&[("media_type", "TEXT"), ("text", "x")])
        .send()
        .unwrap();
    assert_eq!(in_url.status(), 200);
    assert!(server.contract_violations()[0].contains("in the URL"));
}

#[test]
fn faults_answer_as_graph_does() {
    let server = threads::start();
    let call = Call::new(server.url());
    let publish = format!("POST /{V}/{USER_ID}/threads_publish");
    server.push_fault(
        &publish,
        Fault::RateLimited {
            reset_after_secs: 60,
        },
    );
    server.push_fault(&publish, Fault::FailAfterCommit(500));
    let container = call.container(&[("media_type", "TEXT"), ("text", "x")]);
    let limited = call.publish(&container);
    assert!(limited.headers().contains_key("x-app-usage"));
    let (status, graph_code, _) = code(limited);
    assert_eq!((status, graph_code), (400, 4));
    let (status, graph_code, _) = code(call.publish(&container));
    assert_eq!((status, graph_code), (500, 1));
    assert_eq!(
        call.status(&container),
        "PUBLISHED",
        "committed before the 500"
    );
    assert!(server.contract_violations().is_empty());
}
