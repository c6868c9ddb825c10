//! Reading a network's reply: the body of a success, or an error classified
//! as worth retrying or not, with the server's own message and how long it
//! asks us to wait. Mastodon and Bluesky answer this way.

use std::time::Duration;

use reqwest::blocking::Response;
use serde_json::Value;

use super::PostError;

/// The body of a success; a classified error otherwise, with the server's own message.
pub fn checked(response: Response) -> Result<Value, PostError> {
    let status = response.status();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    // `Retry-After` in seconds where given; Mastodon itself sends only
    // `X-RateLimit-Reset`, an ISO 8601 time.
    let retry_after = header("retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
        .or_else(|| {
            let reset =
                chrono::DateTime::parse_from_rfc3339(header("x-ratelimit-reset")?.trim()).ok()?;
            (reset.with_timezone(&chrono::Utc) - chrono::Utc::now())
                .to_std()
                .ok()
        });
    let text = response.text().unwrap_or_default();
    if status.is_success() {
        // A success whose body cannot be read may still have made the post.
        return serde_json::from_str(&text)
            .map_err(|e| PostError::unconfirmed(format!("unreadable reply: {e}")));
    }
    let server_message = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|v| {
            v["error"]
                .as_str()
                .or(v["message"].as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| crate::secrets::excerpt(&text, 200));
    let message = format!("{}: {server_message}", status.as_u16());
    let transient = status.as_u16() == 429 || status.is_server_error();
    Err(PostError {
        message,
        transient,
        retry_after,
        unconfirmed: false,
    })
}
