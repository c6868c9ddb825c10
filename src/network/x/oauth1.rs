//! OAuth 1.0a request signing (RFC 5849, HMAC-SHA1), as X still takes for
//! user-context requests.

use base64::Engine;

/// An app's consumer key pair and a user's access token pair.
#[derive(Clone)]
pub struct Credentials {
    pub consumer_key: String,
    pub consumer_secret: String,
    pub token: String,
    pub token_secret: String,
}

/// RFC 3986 percent-encoding of everything but the unreserved characters,
/// as RFC 5849 section 3.6 requires (so a space is `%20`, never `+`).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The signature base string: method, base URI and the normalised
/// parameters (encoded, sorted by name then value, joined with `&`).
pub fn base_string(method: &str, base_uri: &str, params: &[(String, String)]) -> String {
    let mut encoded: Vec<(String, String)> =
        params.iter().map(|(k, v)| (encode(k), encode(v))).collect();
    encoded.sort();
    let normalized = encoded
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        encode(base_uri),
        encode(&normalized)
    )
}

/// HMAC-SHA1 of the base string, keyed by both secrets, in base64.
pub fn signature(base_string: &str, consumer_secret: &str, token_secret: &str) -> String {
    let key = format!("{}&{}", encode(consumer_secret), encode(token_secret));
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, key.as_bytes());
    let tag = ring::hmac::sign(&key, base_string.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(tag.as_ref())
}

/// The base string URI of a URL: scheme, host, a non-default port and the
/// path, without query or fragment (RFC 5849 section 3.4.1.2), and the
/// query's parameters, which are signed too.
pub fn split_url(url: &url::Url) -> (String, Vec<(String, String)>) {
    // `port()` is None for the scheme's default port, which is left out.
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let base = format!(
        "{}://{}{port}{}",
        url.scheme(),
        url.host_str().unwrap_or_default().to_ascii_lowercase(),
        url.path()
    );
    let query = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    (base, query)
}

/// The `Authorization` header for a request whose body is not a form (a
/// JSON body is not signed): `OAuth oauth_consumer_key="…", …`.
pub fn authorization(
    credentials: &Credentials,
    method: &str,
    url: &url::Url,
    nonce: &str,
    timestamp: i64,
) -> String {
    let mut oauth: Vec<(String, String)> = vec![
        (
            "oauth_consumer_key".into(),
            credentials.consumer_key.clone(),
        ),
        ("oauth_nonce".into(), nonce.into()),
        ("oauth_signature_method".into(), "HMAC-SHA1".into()),
        ("oauth_timestamp".into(), timestamp.to_string()),
        ("oauth_token".into(), credentials.token.clone()),
        ("oauth_version".into(), "1.0".into()),
    ];
    let (base_uri, mut params) = split_url(url);
    params.extend(oauth.iter().cloned());
    let base = base_string(method, &base_uri, &params);
    oauth.push((
        "oauth_signature".into(),
        signature(
            &base,
            &credentials.consumer_secret,
            &credentials.token_secret,
        ),
    ));
    let fields: Vec<String> = oauth
        .iter()
        .map(|(k, v)| format!("{}=\"{}\"", encode(k), encode(v)))
        .collect();
    format!("OAuth {}", fields.join(", "))
}

/// A fresh nonce: 32 random bytes, as URL-safe base64 without padding.
pub fn nonce() -> String {
    let mut bytes = [0u8; 32];
    // SystemRandom fails only where the OS has no entropy source at all.
    let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parameters of an `Authorization: OAuth …` header, decoded.
    fn parse_header(header: &str) -> Option<Vec<(String, String)>> {
        let fields = header.strip_prefix("OAuth ")?;
        fields
            .split(',')
            .map(|field| {
                let (key, value) = field.trim().split_once('=')?;
                let value = value.trim_matches('"');
                Some((decode(key)?, decode(value)?))
            })
            .collect()
    }

    fn decode(text: &str) -> Option<String> {
        let bytes = text.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).ok()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// The worked example of X's "Creating a signature" page.
    #[test]
    fn the_x_documentation_example_signs_as_documented() {
        let params = pairs(&[
            (
                "status",
                "Hello Ladies + Gentlemen, a signed OAuth request!",
            ),
            ("include_entities", "true"),
            ("oauth_consumer_key", "xvz1evFS4wEEPTGEFPHBog"),
            ("oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "1318622958"),
            (
                "oauth_token",
                "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
            ),
            ("oauth_version", "1.0"),
        ]);
        let base = base_string(
            "post",
            "https://api.twitter.com/1.1/statuses/update.json",
            &params,
        );
        assert_eq!(
            base,
            "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521"
        );
        assert_eq!(
            signature(
                &base,
                "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"
            ),
            "hCtSmYh+iHYCEqBWrE7C7hYmtUk="
        );
    }

    /// RFC 5849 section 3.4.1.3.2: repeated names sort by value, empty
    /// values stay, and encoded input is encoded again.
    #[test]
    fn parameters_are_normalised_as_rfc_5849_shows() {
        let url =
            url::Url::parse("http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b").unwrap();
        let (base_uri, mut params) = split_url(&url);
        assert_eq!(base_uri, "http://example.com/request");
        params.extend(pairs(&[
            ("c2", ""),
            ("a3", "2 q"),
            ("oauth_consumer_key", "9djdj82h48djs9d2"),
            ("oauth_token", "kkk9d7dh3k39sjv7"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "137131201"),
            ("oauth_nonce", "7d8f3e4a"),
        ]));
        let base = base_string("POST", &base_uri, &params);
        let normalized = base.rsplit('&').next().unwrap();
        assert_eq!(
            normalized,
            encode(
                "a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7"
            )
        );
    }

    #[test]
    fn a_header_round_trips_and_verifies() {
        let credentials = Credentials {
            consumer_key: "key".into(),
            consumer_secret: "consumer secret".into(),
            token: "1-token".into(),
            token_secret: "token/secret".into(),
        };
        let url = url::Url::parse("http://127.0.0.1:8080/2/users/1/tweets?max_results=100&tweet.fields=created_at,entities").unwrap();
        let header = authorization(&credentials, "GET", &url, "n0nce", 1_700_000_000);
        let fields = parse_header(&header).unwrap();
        let (base_uri, mut params) = split_url(&url);
        assert_eq!(base_uri, "http://127.0.0.1:8080/2/users/1/tweets");
        let sent = fields
            .iter()
            .find(|(k, _)| k == "oauth_signature")
            .unwrap()
            .1
            .clone();
        params.extend(fields.into_iter().filter(|(k, _)| k != "oauth_signature"));
        let base = base_string("GET", &base_uri, &params);
        assert_eq!(sent, signature(&base, "consumer secret", "token/secret"));
        assert_ne!(sent, signature(&base, "another secret", "token/secret"));
        assert_ne!(nonce(), nonce());
    }
}
