//! Mastodon: media v2 with alt text, then a status with language,
//! visibility and a native poll; `Idempotency-Key` makes repeats land once.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::blocking::{Client as Http, Response};
use serde_json::{Value, json};

use super::{Client, PostError, Remote};
use crate::outreach::OutreachItem;

pub const TOKEN_VAR: &str = "ROUNDS_MASTODON_TOKEN";

pub struct Mastodon {
    http: Http,
    instance: String,
    token: String,
    visibility: String,
    /// The built site, to upload a post's image from.
    public: PathBuf,
    base_url: String,
    /// Poll limits from `/api/v2/instance`, read once.
    limits: Option<Value>,
}

impl Mastodon {
    pub fn new(
        instance: &str,
        token: String,
        visibility: Option<String>,
        public: PathBuf,
        base_url: String,
    ) -> Result<Self, PostError> {
        let http = super::http_client()?;
        Ok(Mastodon {
            http,
            instance: instance.trim_end_matches('/').to_string(),
            token,
            visibility: visibility.unwrap_or_else(|| "public".into()),
            public,
            base_url,
            limits: None,
        })
    }

    fn limits(&mut self) -> Result<&Value, PostError> {
        if self.limits.is_none() {
            let response = self
                .http
                .get(format!("{}/api/v2/instance", self.instance))
                .send()
                .map_err(transport)?;
            let body = checked(response)?;
            self.limits = Some(body["configuration"].clone());
        }
        Ok(self.limits.as_ref().expect("just set"))
    }

    /// The image's bytes from the built site, when the URL is the site's own.
    fn local_image(&self, url: &str) -> Option<(String, Vec<u8>)> {
        let path = url.strip_prefix(self.base_url.trim_end_matches('/'))?;
        let file = self.public.join(path.trim_start_matches('/'));
        let bytes = std::fs::read(&file).ok()?;
        let name = file.file_name()?.to_string_lossy().into_owned();
        Some((name, bytes))
    }

    fn upload(&mut self, url: &str, alt: Option<&str>) -> Result<Option<String>, PostError> {
        let Some((name, bytes)) = self.local_image(url) else {
            return Ok(None);
        };
        let mime = match name.rsplit('.').next().unwrap_or_default() {
            "png" => "image/png",
            "gif" => "image/gif",
            "webp" => "image/webp",
            "jpg" | "jpeg" => "image/jpeg",
            // Mastodon does not take SVG or other formats; post without the image.
            _ => return Ok(None),
        };
        let part = reqwest::blocking::multipart::Part::bytes(bytes)
            .file_name(name)
            .mime_str(mime)
            .map_err(|e| PostError::permanent(e.to_string()))?;
        let mut form = reqwest::blocking::multipart::Form::new().part("file", part);
        if let Some(alt) = alt {
            form = form.text("description", alt.to_string());
        }
        let response = self
            .http
            .post(format!("{}/api/v2/media", self.instance))
            .bearer_auth(&self.token)
            .multipart(form)
            .send()
            .map_err(transport)?;
        let body = checked(response)?;
        Ok(body["id"].as_str().map(str::to_string))
    }
}

impl Client for Mastodon {
    fn new_key(&self, item: &OutreachItem) -> String {
        item.id.clone()
    }

    /// Mastodon cannot be searched by idempotency key; re-posting with the
    /// same key returns the status the server already made (for about an hour).
    fn find(&mut self, _key: &str) -> Result<Option<Remote>, PostError> {
        Ok(None)
    }

    fn post(&mut self, item: &OutreachItem, key: &str) -> Result<Remote, PostError> {
        let mut status = json!({
            "status": item.text,
            "visibility": self.visibility,
            "language": item.language.split('-').next().unwrap_or("en"),
        });
        match (&item.poll, &item.image) {
            (Some(poll), _) if poll.native => {
                let polls = self.limits()?.get("polls").cloned().unwrap_or(Value::Null);
                let min = polls["min_expiration"].as_u64().unwrap_or(300);
                let max = polls["max_expiration"].as_u64().unwrap_or(2_629_746);
                let max_options = polls["max_options"].as_u64().unwrap_or(4) as usize;
                let max_chars = polls["max_characters_per_option"].as_u64().unwrap_or(50) as usize;
                if poll.options.len() > max_options {
                    return Err(PostError::permanent(format!(
                        "this instance allows {max_options} poll options"
                    )));
                }
                if let Some(long) = poll.options.iter().find(|o| o.chars().count() > max_chars) {
                    return Err(PostError::permanent(format!(
                        "poll option \"{long}\" is longer than this instance's {max_chars} characters"
                    )));
                }
                status["poll"] = json!({"options": poll.options, "expires_in": poll.seconds.clamp(min, max), "multiple": false});
            }
            (_, Some(image)) => {
                if let Some(id) = self.upload(&image.url, image.alt.as_deref())? {
                    status["media_ids"] = json!([id]);
                }
            }
            _ => {}
        }
        let response = self
            .http
            .post(format!("{}/api/v1/statuses", self.instance))
            .bearer_auth(&self.token)
            .header("Idempotency-Key", key)
            .json(&status)
            .send()
            .map_err(transport)?;
        let body = checked(response)?;
        let id = body["id"]
            .as_str()
            .ok_or_else(|| PostError::permanent("the server's reply has no status id"))?;
        let url = body["url"]
            .as_str()
            .or(body["uri"].as_str())
            .unwrap_or_default();
        Ok(Remote {
            id: id.to_string(),
            url: url.to_string(),
        })
    }
}

fn transport(e: reqwest::Error) -> PostError {
    // reqwest's message names the URL, never the Authorization header.
    PostError::transient(format!("could not reach the server: {}", e.without_url()))
}

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
        return serde_json::from_str(&text)
            .map_err(|e| PostError::transient(format!("unreadable reply: {e}")));
    }
    let server_message = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|v| {
            v["error"]
                .as_str()
                .or(v["message"].as_str())
                .map(str::to_string)
        })
        .unwrap_or_else(|| text.chars().take(200).collect());
    let message = format!("{}: {server_message}", status.as_u16());
    let transient = status.as_u16() == 429 || status.is_server_error();
    Err(PostError {
        message,
        transient,
        retry_after,
    })
}
