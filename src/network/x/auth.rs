//! How requests to X are authorised: an OAuth 2.0 user token, refreshed when
//! it expires (X rotates refresh tokens, so the newest pair is kept in the
//! state folder), or OAuth 1.0a signatures with the app's consumer keys.

use std::path::PathBuf;

use base64::Engine;
use chrono::{DateTime, Utc};
use reqwest::blocking::{Client as Http, RequestBuilder};
use serde::{Deserialize, Serialize};

use super::oauth1::{self, Credentials};
use crate::publish::{PostError, Setup, SetupError};

pub const ACCESS_TOKEN_VAR: &str = "ROUNDS_X_ACCESS_TOKEN";
pub const REFRESH_TOKEN_VAR: &str = "ROUNDS_X_REFRESH_TOKEN";
pub const CLIENT_ID_VAR: &str = "ROUNDS_X_CLIENT_ID";
pub const CLIENT_SECRET_VAR: &str = "ROUNDS_X_CLIENT_SECRET";
pub const CONSUMER_KEY_VAR: &str = "ROUNDS_X_CONSUMER_KEY";
pub const CONSUMER_SECRET_VAR: &str = "ROUNDS_X_CONSUMER_SECRET";
pub const ACCESS_TOKEN_SECRET_VAR: &str = "ROUNDS_X_ACCESS_TOKEN_SECRET";

/// Refresh a little before X says the token expires.
const EXPIRY_MARGIN: chrono::Duration = chrono::Duration::seconds(60);

pub enum Auth {
    OAuth2(OAuth2),
    OAuth1(Credentials),
}

/// A user-context OAuth 2.0 token and what it takes to renew it.
pub struct OAuth2 {
    access: String,
    expires_at: Option<DateTime<Utc>>,
    refresh: Option<Refresh>,
}

struct Refresh {
    token: String,
    client_id: String,
    client_secret: Option<String>,
    /// Where the newest pair is kept, readable only by its owner.
    saved: Option<PathBuf>,
    /// Which pair from the environment the saved chain grew from: a new
    /// pair in the environment (a fresh authorisation) wins over the file.
    origin: String,
}

/// The token pair as kept in the state folder.
#[derive(Serialize, Deserialize)]
struct SavedTokens {
    origin: String,
    access_token: String,
    refresh_token: String,
    expires_at: Option<DateTime<Utc>>,
}

/// X's answer from `POST /2/oauth2/token`.
#[derive(Deserialize)]
struct TokenReply {
    access_token: String,
    refresh_token: Option<String>,
    expires_in: Option<i64>,
}

impl Auth {
    /// OAuth 1.0a when a consumer key is set, else an OAuth 2.0 token.
    pub fn from_env() -> Result<Auth, SetupError> {
        let access = Setup::secret(ACCESS_TOKEN_VAR, "X")?;
        if Setup::env(CONSUMER_KEY_VAR).is_some() {
            return Ok(Auth::OAuth1(Credentials {
                consumer_key: Setup::secret(CONSUMER_KEY_VAR, "X with OAuth 1.0a")?,
                consumer_secret: Setup::secret(CONSUMER_SECRET_VAR, "X with OAuth 1.0a")?,
                token: access,
                token_secret: Setup::secret(ACCESS_TOKEN_SECRET_VAR, "X with OAuth 1.0a")?,
            }));
        }
        let refresh = match crate::secrets::from_env(REFRESH_TOKEN_VAR) {
            Some(token) => {
                let client_id =
                    Setup::env(CLIENT_ID_VAR).ok_or(SetupError::RefreshWithoutClientId {
                        client_id: CLIENT_ID_VAR,
                        refresh: REFRESH_TOKEN_VAR,
                    })?;
                let saved = Setup::state_dir()
                    .map(|d| d.join(format!("x-oauth2-{}.json", slug::slugify(&client_id))));
                Some(Refresh {
                    origin: fingerprint(&token),
                    token,
                    client_id,
                    client_secret: crate::secrets::from_env(CLIENT_SECRET_VAR),
                    saved,
                })
            }
            None => None,
        };
        let mut oauth2 = OAuth2 {
            access,
            expires_at: None,
            refresh,
        };
        oauth2.resume();
        Ok(Auth::OAuth2(oauth2))
    }

    /// Adds the `Authorization` header for `method` on `url` (query included).
    pub fn authorize(
        &self,
        request: RequestBuilder,
        method: &str,
        url: &url::Url,
    ) -> RequestBuilder {
        match self {
            Auth::OAuth2(token) => request.bearer_auth(&token.access),
            Auth::OAuth1(credentials) => {
                let header = oauth1::authorization(
                    credentials,
                    method,
                    url,
                    &oauth1::nonce(),
                    Utc::now().timestamp(),
                );
                request.header(reqwest::header::AUTHORIZATION, header)
            }
        }
    }

    /// Whether a refused token can be renewed and the request tried again.
    pub fn can_refresh(&self) -> bool {
        matches!(
            self,
            Auth::OAuth2(OAuth2 {
                refresh: Some(_),
                ..
            })
        )
    }

    /// Renews an expired (or soon expiring) OAuth 2.0 token before use.
    pub fn ensure_fresh(&mut self, http: &Http, base: &str) -> Result<(), PostError> {
        match self {
            Auth::OAuth2(token)
                if token.refresh.is_some()
                    && token
                        .expires_at
                        .is_some_and(|at| at - EXPIRY_MARGIN <= Utc::now()) =>
            {
                token.refresh(http, base)
            }
            _ => Ok(()),
        }
    }

    /// Renews the OAuth 2.0 token now (after X answered 401).
    pub fn refresh(&mut self, http: &Http, base: &str) -> Result<(), PostError> {
        match self {
            Auth::OAuth2(token) => token.refresh(http, base),
            Auth::OAuth1(_) => Ok(()),
        }
    }
}

impl OAuth2 {
    /// Takes the newest pair from the state folder when it grew from the
    /// pair in the environment: X has already retired the environment's
    /// refresh token once it was used.
    fn resume(&mut self) {
        let Some(refresh) = &mut self.refresh else {
            return;
        };
        let saved = refresh
            .saved
            .as_ref()
            .and_then(|f| std::fs::read_to_string(f).ok())
            .and_then(|t| serde_json::from_str::<SavedTokens>(&t).ok())
            .filter(|s| s.origin == refresh.origin);
        if let Some(saved) = saved {
            crate::secrets::register(&saved.access_token);
            crate::secrets::register(&saved.refresh_token);
            self.access = saved.access_token;
            self.expires_at = saved.expires_at;
            refresh.token = saved.refresh_token;
        }
    }

    fn refresh(&mut self, http: &Http, base: &str) -> Result<(), PostError> {
        let Some(refresh) = &self.refresh else {
            return Err(PostError::permanent(format!(
                "X refused the access token; set {REFRESH_TOKEN_VAR} and {CLIENT_ID_VAR} to let rounds renew it"
            )));
        };
        let response = refresh.request(http, base).send().map_err(|e| {
            PostError::transient(format!(
                "could not reach X to renew the token: {}",
                e.without_url()
            ))
        })?;
        let status = response.status();
        let text = response.text().unwrap_or_default();
        if !status.is_success() {
            let message = format!(
                "X would not renew the access token ({}): {}",
                status.as_u16(),
                crate::secrets::excerpt(&text, 200)
            );
            return Err(if status.is_server_error() || status.as_u16() == 429 {
                PostError::transient(message)
            } else {
                PostError::permanent(format!(
                    "{message}; authorise rounds again and set {ACCESS_TOKEN_VAR} and {REFRESH_TOKEN_VAR}"
                ))
            });
        }
        let reply: TokenReply = serde_json::from_str(&text)
            .map_err(|e| PostError::transient(format!("unreadable token reply from X: {e}")))?;
        self.keep(reply);
        Ok(())
    }

    /// Takes a renewed pair into use, and keeps it for the next run (X has
    /// rotated the refresh token: the one in the environment is spent).
    fn keep(&mut self, reply: TokenReply) {
        crate::secrets::register(&reply.access_token);
        if let Some(rotated) = &reply.refresh_token {
            crate::secrets::register(rotated);
        }
        self.access = reply.access_token;
        self.expires_at = reply
            .expires_in
            .map(|s| Utc::now() + chrono::Duration::seconds(s));
        let Some(refresh) = &mut self.refresh else {
            return;
        };
        if let Some(rotated) = reply.refresh_token {
            refresh.token = rotated;
        }
        if let Some(file) = &refresh.saved {
            let saved = SavedTokens {
                origin: refresh.origin.clone(),
                access_token: self.access.clone(),
                refresh_token: refresh.token.clone(),
                expires_at: self.expires_at,
            };
            crate::publish::setup::save_private(
                file,
                &serde_json::to_string(&saved).unwrap_or_default(),
            );
        }
    }
}

impl Refresh {
    /// `POST /2/oauth2/token` with this refresh token.
    fn request(&self, http: &Http, base: &str) -> RequestBuilder {
        let mut form = vec![
            ("grant_type", "refresh_token".to_string()),
            ("refresh_token", self.token.clone()),
        ];
        // A public client names itself in the form; a confidential one
        // authenticates with HTTP Basic instead.
        let mut request = http.post(format!("{base}/2/oauth2/token"));
        match &self.client_secret {
            Some(secret) => {
                let basic = base64::engine::general_purpose::STANDARD
                    .encode(format!("{}:{secret}", self.client_id));
                crate::secrets::register(&basic);
                request = request.header(reqwest::header::AUTHORIZATION, format!("Basic {basic}"));
            }
            None => form.push(("client_id", self.client_id.clone())),
        }
        let body = form
            .iter()
            .map(|(k, v)| format!("{k}={}", oauth1::encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        request
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body)
    }
}

/// A short, one-way name for a token, to tell pairs apart without keeping it.
fn fingerprint(token: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
    digest.as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
