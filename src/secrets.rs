//! Secrets: every credential Rounds reads is known here, so that no message,
//! log line or ledger field carries one out of the process.
//!
//! Credentials are read with [`from_env`], or handed to [`register`] when they
//! come from a file or a server (a refreshed token, a session) and to
//! [`register_url`] when they ride in a URL. Text leaves the process through
//! [`scrub`]: the diagnostic printer, the ledger's writer and the publish and
//! deploy reports call it, so a new network cannot forget to. URLs are quoted
//! with [`url`], which hides their user info and secret-looking query values.
//!
//! Nothing here imports from a stage: every stage may use it.

use std::sync::{LazyLock, OnceLock, RwLock};

use base64::Engine;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use regex::Regex;

/// What a known secret becomes.
pub const REDACTED: &str = "[redacted]";
/// What a URL's user info or secret query value becomes.
pub const HIDDEN: &str = "***";

/// Values shorter than this are not treated as secrets: blanking every "1" or
/// "yes" would garble ordinary text, and no real credential is that short.
const SHORTEST: usize = 4;

/// Every secret read so far, in each form it can be echoed in, longest first.
///
/// Process-wide on purpose: secrets are read deep inside the network clients
/// and the deploy store, while text leaves through printers that know nothing
/// of either. A list passed from hand to hand is exactly what a new network
/// would forget to pass; a registry that reading a secret fills cannot be
/// forgotten. Reads vastly outnumber writes, hence the `RwLock`.
static KNOWN: OnceLock<RwLock<Vec<String>>> = OnceLock::new();

fn known() -> &'static RwLock<Vec<String>> {
    KNOWN.get_or_init(|| RwLock::new(Vec::new()))
}

/// RFC 3986's unreserved characters stay as they are; everything else is
/// `%XX`, as OAuth 1.0a headers and most query strings write a value.
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A credential from the environment, if set to something other than
/// blanks; it is registered, so [`scrub`] hides it from then on.
pub fn from_env(name: &str) -> Option<String> {
    let value = std::env::var(name).ok().filter(|v| !v.trim().is_empty())?;
    register(&value);
    Some(value)
}

/// Makes [`scrub`] hide `secret` and the forms a server may echo it in:
/// percent-encoded (OAuth 1.0a headers, query strings, forms), base64 (HTTP
/// Basic) and JSON-escaped.
pub fn register(secret: &str) {
    if secret.chars().count() < SHORTEST {
        return;
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    let b64_url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let json = serde_json::to_string(secret).unwrap_or_default();
    let forms = [
        secret.to_string(),
        utf8_percent_encode(secret, RFC3986).to_string(),
        url::form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
        b64.encode(secret),
        b64_url.encode(secret),
        json.trim_matches('"').to_string(),
    ];
    let mut known = known().write().unwrap_or_else(|e| e.into_inner());
    for form in forms {
        if !known.contains(&form) {
            known.push(form);
        }
    }
    // Longest first: a secret that holds another is replaced whole.
    known.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// Registers the secrets a URL carries: the password of its user info, and
/// the values of its secret-looking query parameters.
pub fn register_url(text: &str) {
    let Ok(parsed) = url::Url::parse(text.trim()) else {
        return;
    };
    if let Some(password) = parsed.password() {
        register(password);
        register(&percent_encoding::percent_decode_str(password).decode_utf8_lossy());
    }
    for (name, value) in parsed.query_pairs() {
        if is_secret_parameter(&name) {
            register(&value);
        }
    }
}

/// The text with every registered secret replaced by [`REDACTED`], every
/// URL's user info and secret query values by [`HIDDEN`], and the values of
/// authorisation headers hidden, whoever's they are.
pub fn scrub(text: &str) -> String {
    let mut out = text.to_string();
    {
        let known = known().read().unwrap_or_else(|e| e.into_inner());
        for secret in known.iter() {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), REDACTED);
            }
        }
    }
    let out = url(&out);
    let out = AUTHORIZATION.replace_all(&out, |c: &regex::Captures| {
        // A credential is long; "Basic 2-step" in a sentence is not one.
        if c[2].len() >= 8 {
            format!("{} {REDACTED}", &c[1])
        } else {
            c[0].to_string()
        }
    });
    OAUTH_FIELD
        .replace_all(&out, format!("$1=\"{REDACTED}\""))
        .into_owned()
}

/// At most `max_chars` of a server's text, scrubbed first, so a secret cut
/// in half by the limit is not left half shown.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    scrub(text).chars().take(max_chars).collect()
}

/// Every URL in `text` with its user info and the values of its
/// secret-looking query parameters replaced by [`HIDDEN`]. Works on text that
/// does not parse as a URL too, since refused URLs are quoted in messages.
pub fn url(text: &str) -> String {
    let out = USER_INFO.replace_all(text, format!("${{scheme}}{HIDDEN}@"));
    SECRET_QUERY
        .replace_all(&out, format!("${{name}}={HIDDEN}"))
        .into_owned()
}

/// Query parameters whose values are credentials or signatures: AWS's
/// presigned `X-Amz-Signature` and `X-Amz-Credential`, Azure's `sig`, an
/// `access_token`, a `secret_access_key`, a `password`.
fn is_secret_parameter(name: &str) -> bool {
    SECRET_NAME.is_match(name)
}

const SECRET_WORDS: &str =
    r"secret|token|key|sig|signature|password|passwd|pwd|credential|auth|session";

/// `scheme://user:password@` (the user info ends at the first `/`, `?`, `#`,
/// blank or quote, so `https://host/@account` is left alone).
static USER_INFO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?P<scheme>\b[a-z][a-z0-9+.-]*://)[^/?#\s@"'<>`]+@"#).expect("valid")
});

/// `?secret_access_key=…`, `&X-Amz-Signature=…`: a query parameter whose name
/// holds a secret word.
static SECRET_QUERY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r#"(?i)(?P<name>[?&;][a-z0-9_.-]*(?:{SECRET_WORDS})[a-z0-9_.-]*)=[^&#\s"'<>`]*"#
    ))
    .expect("valid")
});

static SECRET_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("(?i){SECRET_WORDS}")).expect("valid"));

/// `Bearer <token>` and `Basic <credentials>`, as an echoed request shows
/// them: a word with a digit or a token's punctuation in it, so that "basic
/// information" in a sentence stays as it is.
static AUTHORIZATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(bearer|basic)[ \t]+([A-Za-z]*[0-9._~+/=-][A-Za-z0-9._~+/=-]*)")
        .expect("valid")
});

/// The credential fields of an OAuth 1.0a `Authorization` header.
static OAUTH_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(oauth_(?:consumer_key|token|signature))="[^"]*""#).expect("valid")
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registered_secret_is_hidden_in_every_form_it_is_echoed_in() {
        let secret = "s3cr3t/value+with spaces~";
        register(secret);
        let echoed = format!(
            "raw {secret} | rfc3986 {} | form {} | basic {} | json {}",
            utf8_percent_encode(secret, RFC3986),
            url::form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>(),
            base64::engine::general_purpose::STANDARD.encode(secret),
            serde_json::to_string(secret).unwrap(),
        );
        let out = scrub(&echoed);
        assert!(!out.contains("s3cr3t"), "{out}");
        assert!(!out.contains("czNjcjN0"), "base64 left in {out}");
        assert_eq!(out.matches(REDACTED).count(), 5, "{out}");
        assert!(out.contains("json \"[redacted]\""), "{out}");
    }

    #[test]
    fn short_values_are_not_secrets() {
        register("abc");
        assert_eq!(scrub("abc abcd"), "abc abcd");
    }

    #[test]
    fn urls_lose_their_user_info_and_secret_query_values() {
        assert_eq!(
            url("endpoint http://KEY:SECRET@127.0.0.1:9000/bucket failed"),
            "endpoint http://***@127.0.0.1:9000/bucket failed"
        );
        assert_eq!(
            url("\"s3://b?region=x&secret_access_key=abc%2Fdef&x=1\""),
            "\"s3://b?region=x&secret_access_key=***&x=1\""
        );
        let presigned = "GET https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=f00d&X-Amz-Date=1";
        assert_eq!(
            url(presigned),
            "GET https://b.s3.amazonaws.com/k?X-Amz-Credential=***&X-Amz-Signature=***&X-Amz-Date=1"
        );
        // A Mastodon profile is no user info; ordinary parameters stay.
        let kept = "https://med.example/@clinic/1?utm_source=mastodon&max_id=2";
        assert_eq!(url(kept), kept);
    }

    #[test]
    fn signatures_in_quoted_urls_are_scrubbed() {
        let message = "GET https://x.blob.core.windows.net/c/a?sv=1&sig=abcDEF%2B&se=2 failed";
        let out = scrub(message);
        assert!(!out.contains("abcDEF"), "{out}");
        assert!(out.contains("sig=***"), "{out}");
    }

    #[test]
    fn a_url_registers_its_password_and_secret_parameters() {
        register_url("http://KEY:pa%2Fss-word@host/?token=tok-value-1&region=x");
        let out = scrub("echo pa/ss-word pa%2Fss-word tok-value-1 region x");
        assert_eq!(out, "echo [redacted] [redacted] [redacted] region x");
    }

    #[test]
    fn authorisation_headers_are_hidden_even_when_unknown() {
        let echoed = "authorization: Bearer abcdefgh12345678\r\nauthorization: OAuth oauth_consumer_key=\"ck-123\", oauth_nonce=\"n\", oauth_signature=\"sig%3D\", oauth_token=\"t-1\"";
        let out = scrub(echoed);
        assert!(!out.contains("abcdefgh12345678"), "{out}");
        assert!(!out.contains("ck-123") && !out.contains("t-1\""), "{out}");
        assert!(out.contains("oauth_nonce=\"n\""), "{out}");
        let prose = "Basic information for a Bearer of good news";
        assert_eq!(scrub(prose), prose);
    }

    #[test]
    fn an_excerpt_never_shows_half_a_secret() {
        let secret = "half-shown-secret-value";
        register(secret);
        let text = format!("{}{secret}", "x".repeat(10));
        let out = excerpt(&text, 15);
        assert!(!out.contains("half"), "{out}");
    }
}
