//! The LinkedIn contract server's own tests, with a raw HTTP client: it
//! answers as LinkedIn documents, and records a violation for every request
//! the documentation forbids.

use std::time::Duration;

use crate::common::contract::{Fault, Reply};
use crate::common::linkedin::{self, LinkedInServer, ORGANIZATION, parse_little};
use serde_json::{Value, json};

fn headers() -> Vec<(&'static str, &'static str)> {
    vec![
        ("Authorization", "Bearer linkedin-test-token"),
        ("LinkedIn-Version", "202605"),
        ("X-Restli-Protocol-Version", "2.0.0"),
        ("Content-Type", "application/json"),
    ]
}

fn send(
    server: &LinkedInServer,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    crate::common::contract::send(
        server.addr(),
        method,
        path,
        headers,
        body,
        Duration::from_secs(5),
    )
    .expect("an answer")
}

fn create(server: &LinkedInServer, body: &Value) -> Reply {
    send(
        server,
        "POST",
        "/rest/posts",
        &headers(),
        body.to_string().as_bytes(),
    )
}

fn article_post(commentary: &str) -> Value {
    json!({
        "author": ORGANIZATION,
        "commentary": commentary,
        "visibility": "PUBLIC",
        "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": []},
        "content": {"article": {"source": "https://heart.example/blog/bp/", "title": "Blood pressure basics", "description": "Know your numbers"}},
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": false,
    })
}

fn violations(server: &LinkedInServer) -> Vec<String> {
    server.contract_violations()
}

#[test]
fn a_valid_post_answers_201_with_its_urn_and_no_body() {
    let server = linkedin::start();
    let reply = create(
        &server,
        &article_post(r"Know your numbers \(really\). {hashtag|\#|HeartHealth}"),
    );
    assert_eq!(reply.status, 201, "{}", reply.body_text());
    let urn = reply.header("x-restli-id").expect("x-restli-id");
    assert!(urn.starts_with("urn:li:share:"), "{urn}");
    assert!(reply.body.is_empty());
    let posts = linkedin::posts(&server);
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].urn, urn);
    assert_eq!(posts[0].shown, "Know your numbers (really). #HeartHealth");
    assert!(violations(&server).is_empty(), "{:?}", violations(&server));
}

#[test]
fn headers_are_checked_in_linkedins_order() {
    let server = linkedin::start();
    let body = article_post("Hello").to_string();
    let with = |drop: &str, replace: Option<(&'static str, &'static str)>| {
        let mut h: Vec<_> = headers().into_iter().filter(|(n, _)| *n != drop).collect();
        h.extend(replace);
        send(&server, "POST", "/rest/posts", &h, body.as_bytes())
    };
    let bad_token = with("Authorization", Some(("Authorization", "Bearer nope")));
    assert_eq!(bad_token.status, 401);
    assert_eq!(bad_token.json()["serviceErrorCode"], 65600);
    assert_eq!(bad_token.json()["message"], "Invalid access token");
    assert!(
        violations(&server).is_empty(),
        "a bad token is the user's, not the client's"
    );

    assert_eq!(with("LinkedIn-Version", None).status, 426);
    assert_eq!(
        with("LinkedIn-Version", Some(("LinkedIn-Version", "2026-05"))).status,
        400
    );
    let sunset = with("LinkedIn-Version", Some(("LinkedIn-Version", "202401")));
    assert_eq!(sunset.status, 426);
    assert_eq!(sunset.json()["code"], "NONEXISTENT_VERSION");
    assert_eq!(with("X-Restli-Protocol-Version", None).status, 400);
    assert_eq!(
        with("Content-Type", Some(("Content-Type", "text/plain"))).status,
        415
    );
    assert_eq!(violations(&server).len(), 4, "{:#?}", violations(&server));
    assert!(linkedin::posts(&server).is_empty());
}

/// What is wrong with a post: the JSON pointer changed, and the value put
/// there (`None`: removed).
type Change = (&'static str, &'static str, Option<Value>);

#[test]
fn every_field_of_the_post_schema_is_checked() {
    let cases: Vec<Change> = vec![
        ("no author", "/author", None),
        ("a bad author", "/author", Some(json!("5550100"))),
        ("a bad visibility", "/visibility", Some(json!("public"))),
        ("no lifecycleState", "/lifecycleState", None),
        (
            "a string boolean",
            "/isReshareDisabledByAuthor",
            Some(json!("false")),
        ),
        (
            "a bad feed",
            "/distribution/feedDistribution",
            Some(json!("FEED")),
        ),
        ("an unknown field", "/text", Some(json!("hi"))),
        ("a read-only field", "/createdAt", Some(json!(1))),
        ("commentary not a string", "/commentary", Some(json!(["a"]))),
        ("an article without a title", "/content/article/title", None),
        (
            "an article to a non-URL",
            "/content/article/source",
            Some(json!("heart.example")),
        ),
        (
            "an unknown article field",
            "/content/article/image",
            Some(json!("x")),
        ),
        (
            "a thumbnail never uploaded",
            "/content/article/thumbnail",
            Some(json!("urn:li:image:1")),
        ),
        ("two kinds of content", "/content/poll", Some(json!({}))),
        (
            "3,001 characters",
            "/commentary",
            Some(json!("a".repeat(3001))),
        ),
        (
            "1,501 escapes",
            "/commentary",
            Some(json!("\\(".repeat(1501))),
        ),
    ];
    for (name, pointer, value) in cases {
        let server = linkedin::start();
        let mut post = article_post("Hello");
        let (parent, field) = pointer.rsplit_once('/').unwrap();
        let parent = post.pointer_mut(parent).unwrap().as_object_mut().unwrap();
        match value {
            Some(value) => parent.insert(field.to_string(), value),
            None => parent.remove(field),
        };
        let reply = create(&server, &post);
        assert_eq!(reply.status, 422, "{name}: {}", reply.body_text());
        assert_eq!(reply.json()["status"], 422);
        assert!(reply.json()["message"].is_string());
        assert_eq!(violations(&server).len(), 1, "{name}");
        assert!(linkedin::posts(&server).is_empty(), "{name}");
    }
    // The limit is the commentary as sent, in UTF-16 units: 1,500 emoji are 3,000.
    let server = linkedin::start();
    let mut post = article_post("");
    post["commentary"] = json!("😀".repeat(1500));
    assert_eq!(create(&server, &post).status, 201);
    post["commentary"] = json!(format!("{}a", "😀".repeat(1500)));
    assert_eq!(create(&server, &post).status, 422);
}

#[test]
fn another_organisation_is_forbidden() {
    let server = linkedin::start();
    let mut post = article_post("Hello");
    post["author"] = json!("urn:li:organization:1");
    assert_eq!(create(&server, &post).status, 403);
    assert_eq!(violations(&server).len(), 1);
}

#[test]
fn an_unescaped_reserved_character_cuts_the_post_and_is_a_violation() {
    for c in linkedin::RESERVED.chars() {
        let server = linkedin::start();
        let text = format!("Before {c} after");
        let reply = create(&server, &article_post(&text));
        assert_eq!(reply.status, 201, "LinkedIn accepts it silently: {c}");
        let posts = linkedin::posts(&server);
        assert_eq!(posts[0].shown, "Before ", "cut at {c}");
        assert_eq!(violations(&server).len(), 1, "{c}");
        // Escaped, it goes through whole.
        let server = linkedin::start();
        create(&server, &article_post(&format!("Before \\{c} after")));
        assert_eq!(
            linkedin::posts(&server)[0].shown,
            format!("Before {c} after")
        );
        assert!(
            violations(&server).is_empty(),
            "{c}: {:?}",
            violations(&server)
        );
    }
}

#[test]
fn little_text_elements_parse_by_the_grammar() {
    let ok = |raw: &str, shown: &str| {
        let little = parse_little(raw);
        assert_eq!(little.problem, None, "{raw}");
        assert_eq!(little.shown, shown, "{raw}");
    };
    ok(r"{hashtag|\#|Heart}", "#Heart");
    ok("{hashtag|#|Heart}", "#Heart");
    ok("{hashtag|＃|Heart}", "#Heart");
    ok(r"{hashtag|\#|heart\_health}", "#heart_health");
    ok("#Heart", "#Heart");
    ok(
        "@[Acme \\(East\\)](urn:li:organization:1234)",
        "Acme (East)",
    );
    ok("@(urn:li:person:abc-1)", "urn:li:person:abc-1");
    ok(
        r"https://a.example/x\_y?utm\_source=li\#top",
        "https://a.example/x_y?utm_source=li#top",
    );
    let bad = |raw: &str, at: usize| {
        let little = parse_little(raw);
        assert_eq!(
            little.problem.as_ref().map(|p| p.0),
            Some(at),
            "{raw}: {little:?}"
        );
    };
    bad("a {hashtag|Heart}", 2);
    bad("a {hashtag|#|}", 2);
    bad("a {hashtag|#|heart_health}", 2);
    bad("see @gym", 4);
    bad("@[Acme](https://acme.example)", 0);
    bad("# one", 0);
    bad(r"a \q", 2);
    bad("a \\", 2);
}

#[test]
fn polls_are_checked_against_linkedins_rules() {
    let poll = |options: Value, duration: &str, question: &str| {
        let mut post = article_post("Vote");
        post["content"] = json!({"poll": {"question": question, "options": options, "settings": {"duration": duration}}});
        post
    };
    let two = json!([{"text": "Yes"}, {"text": "No"}]);
    let server = linkedin::start();
    assert_eq!(
        create(&server, &poll(two.clone(), "THREE_DAYS", "Salt?")).status,
        201
    );
    assert!(violations(&server).is_empty(), "{:?}", violations(&server));
    let long = "x".repeat(31);
    let cases = [
        poll(json!([{"text": "Yes"}]), "ONE_DAY", "Salt?"),
        poll(
            json!([{"text": "1"}, {"text": "2"}, {"text": "3"}, {"text": "4"}, {"text": "5"}]),
            "ONE_DAY",
            "Salt?",
        ),
        poll(json!([{"text": "Yes"}, {"text": long}]), "ONE_DAY", "Salt?"),
        poll(json!([{"text": "Yes"}, {"text": ""}]), "ONE_DAY", "Salt?"),
        poll(json!(["Yes", "No"]), "ONE_DAY", "Salt?"),
        poll(two.clone(), "TWO_DAYS", "Salt?"),
        poll(two.clone(), "ONE_DAY", &"q".repeat(141)),
    ];
    for post in cases {
        let server = linkedin::start();
        assert_eq!(create(&server, &post).status, 422, "{post}");
        assert_eq!(violations(&server).len(), 1);
    }
}

#[test]
fn the_same_commentary_again_is_a_duplicate_naming_the_first_post() {
    let server = linkedin::start();
    let first = create(&server, &article_post("Hello there"));
    let urn = first.header("x-restli-id").unwrap().to_string();
    let again = create(&server, &article_post("Hello there"));
    assert_eq!(again.status, 422);
    let body = again.json();
    assert_eq!(
        body["errorDetails"]["inputErrors"][0]["code"],
        "DUPLICATE_POST"
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .ends_with(&format!("Content is a duplicate of {urn}"))
    );
    assert_eq!(linkedin::posts(&server).len(), 1);
    assert!(
        violations(&server).is_empty(),
        "a duplicate is LinkedIn's answer, not a client error"
    );
    // Other words go through; so do the same words after the window.
    assert_eq!(create(&server, &article_post("Hello again")).status, 201);
    let quick = linkedin::start_with(linkedin::Config {
        duplicate_window: Duration::ZERO,
        ..Default::default()
    });
    create(&quick, &article_post("Hello"));
    std::thread::sleep(Duration::from_millis(5));
    assert_eq!(create(&quick, &article_post("Hello")).status, 201);
}

#[test]
fn thumbnails_are_uploaded_through_the_images_api() {
    let server = linkedin::start();
    let start = json!({"initializeUploadRequest": {"owner": ORGANIZATION}});
    let reply = send(
        &server,
        "POST",
        "/rest/images?action=initializeUpload",
        &headers(),
        start.to_string().as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body_text());
    let value = &reply.json()["value"];
    let urn = value["image"].as_str().unwrap().to_string();
    let upload = value["uploadUrl"].as_str().unwrap().to_string();
    assert!(upload.starts_with(&server.url()), "{upload}");
    let mut post = article_post("With a picture");
    post["content"]["article"]["thumbnail"] = json!(urn);
    assert_eq!(create(&server, &post).status, 422, "not uploaded yet");

    let path = &upload[server.url().len()..];
    let png = include_bytes!("fixtures/images/pulse.png");
    let auth = [("Authorization", "Bearer linkedin-test-token")];
    assert_eq!(
        send(&server, "PUT", path, &auth, b"not an image").status,
        400
    );
    assert_eq!(send(&server, "PUT", path, &auth, png).status, 201);
    post["commentary"] = json!("With a picture, uploaded");
    assert_eq!(create(&server, &post).status, 201);
    assert_eq!(
        violations(&server).len(),
        2,
        "the early post and the bad upload: {:?}",
        violations(&server)
    );

    // The owner must be the page, and the action named.
    let other = json!({"initializeUploadRequest": {"owner": "urn:li:organization:1"}});
    assert_eq!(
        send(
            &server,
            "POST",
            "/rest/images?action=initializeUpload",
            &headers(),
            other.to_string().as_bytes()
        )
        .status,
        403
    );
    assert_eq!(
        send(
            &server,
            "POST",
            "/rest/images",
            &headers(),
            start.to_string().as_bytes()
        )
        .status,
        400
    );
}

#[test]
fn the_author_finder_lists_newest_first_and_wants_an_encoded_urn() {
    let server = linkedin::start();
    for n in 0..3 {
        create(&server, &article_post(&format!("Post number {n}")));
    }
    let encoded = ORGANIZATION.replace(':', "%3A");
    let path = format!("/rest/posts?author={encoded}&q=author&count=2&sortBy=LAST_MODIFIED");
    let reply = send(&server, "GET", &path, &headers(), b"");
    assert_eq!(reply.status, 200, "{}", reply.body_text());
    let elements = reply.json()["elements"].as_array().unwrap().clone();
    assert_eq!(elements.len(), 2);
    assert_eq!(elements[0]["commentary"], "Post number 2");
    assert!(
        elements[0]["id"]
            .as_str()
            .unwrap()
            .starts_with("urn:li:share:")
    );
    assert!(elements[0]["createdAt"].is_i64());
    let next = send(&server, "GET", &format!("{path}&start=2"), &headers(), b"");
    assert_eq!(next.json()["elements"][0]["commentary"], "Post number 0");
    assert!(violations(&server).is_empty(), "{:?}", violations(&server));

    let raw = format!("/rest/posts?author={ORGANIZATION}&q=author");
    assert_eq!(send(&server, "GET", &raw, &headers(), b"").status, 400);
    assert_eq!(violations(&server).len(), 1);
}

#[test]
fn faults_answer_with_linkedins_error_bodies() {
    let server = linkedin::start();
    server.push_fault("POST /rest/posts", Fault::Status(503));
    server.push_fault(
        "POST /rest/posts",
        Fault::TooMany {
            retry_after_secs: 2,
        },
    );
    let unavailable = create(&server, &article_post("A"));
    assert_eq!(unavailable.status, 503);
    assert_eq!(unavailable.json()["status"], 503);
    let throttled = create(&server, &article_post("A"));
    assert_eq!(throttled.status, 429);
    assert_eq!(throttled.header("retry-after"), Some("2"));
    assert!(
        throttled.json()["message"]
            .as_str()
            .unwrap()
            .contains("throttle")
    );
    assert!(linkedin::posts(&server).is_empty());

    server.push_fault("POST /rest/posts", Fault::FailAfterCommit(502));
    assert_eq!(create(&server, &article_post("B")).status, 502);
    assert_eq!(
        linkedin::posts(&server).len(),
        1,
        "committed before the error"
    );
}
