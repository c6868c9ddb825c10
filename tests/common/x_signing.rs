//! OAuth 1.0a (RFC 5849, HMAC-SHA1) as the X contract server checks it:
//! written apart from the client's `src/network/x/oauth1.rs`, so a mistake
//! there is not repeated here.

use base64::Engine;

/// RFC 3986 unreserved characters stay; every other byte is `%XX`.
pub fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The signature for a request: `url` with its query, the `oauth_*`
/// parameters (without `oauth_signature`) and any form body pairs.
pub fn signature(
    method: &str,
    url: &url::Url,
    oauth: &[(String, String)],
    form: &[(String, String)],
    consumer_secret: &str,
    token_secret: &str,
) -> String {
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (percent(&k), percent(&v)))
        .chain(
            oauth
                .iter()
                .chain(form)
                .map(|(k, v)| (percent(k), percent(v))),
        )
        .collect();
    pairs.sort();
    let parameters: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut base_uri = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
    if let Some(port) = url.port() {
        base_uri.push_str(&format!(":{port}"));
    }
    base_uri.push_str(url.path());
    let base = [
        method.to_ascii_uppercase(),
        percent(&base_uri),
        percent(&parameters.join("&")),
    ]
    .join("&");
    let key = format!("{}&{}", percent(consumer_secret), percent(token_secret));
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, key.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(ring::hmac::sign(&key, base.as_bytes()))
}

/// The pairs of an `Authorization: OAuth k="v", …` header, decoded.
pub fn parse(header: &str) -> Option<Vec<(String, String)>> {
    header
        .strip_prefix("OAuth ")?
        .split(',')
        .map(|field| {
            let (key, value) = field.trim().split_once('=')?;
            let decode = |s: &str| {
                url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
            };
            Some((decode(key)?, decode(value.trim_matches('"'))?))
        })
        .collect()
}

/// A signed `Authorization` header, for tests that call the server directly.
pub fn header(
    method: &str,
    url: &str,
    keys: (&str, &str),
    tokens: (&str, &str),
    nonce: &str,
) -> String {
    let url = url::Url::parse(url).expect("a URL");
    let mut oauth: Vec<(String, String)> = [
        ("oauth_consumer_key", keys.0),
        ("oauth_nonce", nonce),
        ("oauth_signature_method", "HMAC-SHA1"),
        (
            "oauth_timestamp",
            &chrono::Utc::now().timestamp().to_string(),
        ),
        ("oauth_token", tokens.0),
        ("oauth_version", "1.0"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let signed = signature(method, &url, &oauth, &[], keys.1, tokens.1);
    oauth.push(("oauth_signature".into(), signed));
    let fields: Vec<String> = oauth
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", percent(v)))
        .collect();
    format!("OAuth {}", fields.join(", "))
}
