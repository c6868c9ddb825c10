//! The Bluesky PDS test peer works from Rust: an account, an app-password login,
//! a post with link and tag facets read back byte for byte. Run by ./scripts/test,
//! which starts the peer (tests/peers/bluesky/pds.sh); skipped without one unless
//! ROUNDS_BROWSER_TESTS=1 or ROUNDS_REQUIRE_PEERS=1.

use crate::common::pds;
use serde_json::{Value, json};

/// The UTF-8 byte range of `needle` in `text`, as facets count.
fn byte_range(text: &str, needle: &str) -> (usize, usize) {
    let start = text.find(needle).expect("needle in text");
    (start, start + needle.len())
}

/// The text a facet covers, by its UTF-8 byte offsets.
fn facet_text<'a>(text: &'a str, facet: &Value) -> &'a str {
    let start = facet["index"]["byteStart"].as_u64().expect("byteStart") as usize;
    let end = facet["index"]["byteEnd"].as_u64().expect("byteEnd") as usize;
    text.get(start..end)
        .expect("facet inside the text, on char boundaries")
}

#[test]
fn a_post_with_link_and_tag_facets_reads_back_from_a_real_pds() {
    let Some(url) = pds::pds_url_or_skip() else {
        return;
    };
    let account = pds::create_account(&url);
    assert!(account.handle.ends_with(".test"), "{account:?}");
    assert!(account.did.starts_with("did:plc:"), "{account:?}");
    // Log in as `rounds publish` will, with the app password.
    assert!(account.app_password, "the PDS gives app passwords");
    let session = pds::create_session(&url, &account.handle, &account.password);
    assert_eq!(session.did, account.did);
    assert_eq!(session.handle, account.handle);
    assert!(
        !session.refresh_jwt.is_empty(),
        "a refresh token comes with the session"
    );
    assert_ne!(
        account.password, account.account_password,
        "publishing logs in with an app password, not the account's own"
    );

    let link = "https://clinic.example/blog/flu-shots";
    let tag = "#FluSeason";
    let text = format!("Café ☕ Flu shots are in 💉 — read {link} {tag}");
    let (link_start, link_end) = byte_range(&text, link);
    let (tag_start, tag_end) = byte_range(&text, tag);
    // Bytes, not chars: the accent, the emoji and the dash come before both.
    assert!(text[..link_start].chars().count() < link_start);
    let record = json!({
        "$type": "app.bsky.feed.post",
        "text": text,
        "createdAt": "2025-10-01T09:00:00.000Z",
        "langs": ["en"],
        "facets": [
            {
                "index": { "byteStart": link_start, "byteEnd": link_end },
                "features": [{ "$type": "app.bsky.richtext.facet#link", "uri": link }]
            },
            {
                "index": { "byteStart": tag_start, "byteEnd": tag_end },
                "features": [{ "$type": "app.bsky.richtext.facet#tag", "tag": "FluSeason" }]
            }
        ]
    });
    let (status, created) = pds::create_record(
        &url,
        &session.access_jwt,
        &session.did,
        pds::POST,
        None,
        &record,
    );
    assert_eq!(status, 200, "createRecord: {created}");
    assert_eq!(created["validationStatus"], "valid", "{created}");
    let uri = created["uri"].as_str().expect("uri");

    let posts = pds::list_posts(&url, &account.did);
    assert_eq!(posts.len(), 1, "{posts:?}");
    let post = &posts[0];
    assert_eq!(post["uri"], uri);
    let value = &post["value"];
    let stored = value["text"].as_str().expect("text");
    assert_eq!(stored, text);
    let facets = value["facets"].as_array().expect("facets");
    assert_eq!(facets.len(), 2, "{value}");
    assert_eq!(facet_text(stored, &facets[0]), link);
    assert_eq!(facets[0]["features"][0]["uri"], link);
    assert_eq!(facet_text(stored, &facets[1]), tag);
    assert_eq!(facets[1]["features"][0]["tag"], "FluSeason");

    let again = pds::get_record(&url, &account.did, pds::rkey(uri)).expect("getRecord");
    assert_eq!(again["cid"], post["cid"]);
    assert_eq!(pds::get_record(&url, &account.did, &pds::tid()), None);
}

/// What a client that picks its own record keys must know: the second create at
/// a key answers a server error, and only getRecord tells it was posted.
#[test]
fn a_second_post_at_the_same_record_key_fails_and_get_record_finds_the_first() {
    let Some(url) = pds::pds_url_or_skip() else {
        return;
    };
    let account = pds::create_account(&url);
    let rkey = pds::tid();
    let post = |text: &str| {
        let record = json!({
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": "2025-10-01T09:00:00.000Z",
        });
        pds::create_record(
            &url,
            &account.access_jwt,
            &account.did,
            pds::POST,
            Some(&rkey),
            &record,
        )
    };
    let (status, first) = post("first");
    assert_eq!(status, 200, "{first}");
    assert_eq!(pds::rkey(first["uri"].as_str().unwrap()), rkey);
    let (status, second) = post("second");
    assert!(
        status >= 400,
        "a second create at {rkey} answered {status}: {second}"
    );
    let found = pds::get_record(&url, &account.did, &rkey).expect("the first post");
    assert_eq!(found["value"]["text"], "first");
    assert_eq!(pds::list_posts(&url, &account.did).len(), 1);
}
