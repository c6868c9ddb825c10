//! Meta's Graph APIs (Facebook Pages, Threads): their error bodies, what each
//! error code means for a retry, and matching a post already made against an
//! item, which both networks need because neither has an idempotency key.

use std::time::Duration;

use reqwest::blocking::Response;
use serde_json::Value;

use super::PostError;
use crate::outreach::OutreachItem;

/// A failed Graph call: `{"error": {"message", "type", "code",
/// "error_subcode", "fbtrace_id", "is_transient"}}` with its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphError {
    pub status: u16,
    pub code: Option<i64>,
    pub subcode: Option<i64>,
    pub message: String,
    /// Meta's support id for the failed call, worth quoting in a bug report.
    pub trace: Option<String>,
    /// The body's own `is_transient`, where Meta sends it.
    pub says_transient: bool,
    /// How long the usage headers say to wait.
    pub retry_after: Option<Duration>,
}

/// Codes whose cure is waiting: 1 unknown and 2 service errors (downtime),
/// 4 app, 17 user, 32 Page and 613 hourly call limits, and 80001 the Pages
/// business-use-case limit.
const WAIT_CODES: [i64; 7] = [1, 2, 4, 17, 32, 613, 80001];
/// An invalid, expired or revoked access token (102: an old session).
const TOKEN_CODES: [i64; 2] = [102, 190];
/// 10 and 200–299: the token lacks a permission.
fn is_permission(code: i64) -> bool {
    code == 10 || (200..300).contains(&code)
}
/// Facebook's "Duplicate status message": this exact text was just posted.
pub const DUPLICATE: i64 = 506;
/// A post Facebook deems abusive or blocked for policy: retrying does not help.
const BLOCKED: i64 = 368;
/// Threads: a container published the moment it was made is not yet
/// everywhere ("media not propagated"); trying again shortly works.
const NOT_PROPAGATED: i64 = 4_279_009;

impl GraphError {
    /// Whether another try may succeed.
    pub fn transient(&self) -> bool {
        let code = self.code.unwrap_or_default();
        if TOKEN_CODES.contains(&code) || is_permission(code) || code == BLOCKED {
            return false;
        }
        self.says_transient
            || WAIT_CODES.contains(&code)
            || self.subcode == Some(NOT_PROPAGATED)
            || self.status == 429
            || self.status >= 500
    }

    pub fn is_duplicate(&self) -> bool {
        self.code == Some(DUPLICATE)
    }

    /// What the user reads: the server's message with what to do about it.
    /// `network` names the service, `token_var` the variable holding its token.
    pub fn into_post_error(self, network: &str, token_var: &str) -> PostError {
        let code = self.code.unwrap_or_default();
        let advice = if TOKEN_CODES.contains(&code) {
            format!(" The access token is invalid or expired: make a new one and set {token_var}.")
        } else if is_permission(code) {
            format!(" The token in {token_var} lacks a permission this needs.")
        } else if code == BLOCKED {
            format!(" {network} blocked this post; see its notice on the account.")
        } else {
            String::new()
        };
        let detail: Vec<String> = [
            self.code.map(|c| format!("code {c}")),
            self.trace.as_deref().map(|t| format!("trace {t}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        let answered = match (self.status, detail.is_empty()) {
            // Nothing was answered: the message says what happened.
            (0, _) => String::new(),
            (status, true) => format!(" answered {status}"),
            (status, false) => format!(" answered {status} ({})", detail.join(", ")),
        };
        PostError {
            transient: self.transient(),
            retry_after: self.retry_after,
            message: format!("{network}{answered}: {}{advice}", self.message),
            unconfirmed: false,
        }
    }
}

/// The body of a success, or the error the server described.
pub fn checked(response: Response) -> Result<Value, GraphError> {
    let status = response.status().as_u16();
    let retry_after = retry_after(response.headers());
    let text = response.text().unwrap_or_default();
    if (200..300).contains(&status) {
        return serde_json::from_str(&text).map_err(|e| GraphError {
            status,
            code: None,
            subcode: None,
            message: format!("unreadable reply: {e}"),
            trace: None,
            says_transient: true,
            retry_after: None,
        });
    }
    Err(parse_error(status, &text, retry_after))
}

/// Reads a Graph error body; a body that is not one (a proxy's page) keeps
/// its first words.
pub fn parse_error(status: u16, text: &str, retry_after: Option<Duration>) -> GraphError {
    let body: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let error = &body["error"];
    let message = error["message"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| crate::secrets::excerpt(text, 200));
    GraphError {
        status,
        code: error["code"].as_i64(),
        subcode: error["error_subcode"].as_i64(),
        message,
        trace: error["fbtrace_id"].as_str().map(str::to_string),
        says_transient: error["is_transient"].as_bool().unwrap_or(false),
        retry_after,
    }
}

/// `Retry-After` where a proxy sends it, else the longest
/// `estimated_time_to_regain_access` (minutes) in Meta's business-use-case
/// usage header.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(seconds) = header("retry-after").and_then(|v| v.trim().parse::<u64>().ok()) {
        return Some(Duration::from_secs(seconds));
    }
    let usage: Value = serde_json::from_str(header("x-business-use-case-usage")?).ok()?;
    usage
        .as_object()?
        .values()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|u| u["estimated_time_to_regain_access"].as_u64())
        .max()
        .filter(|minutes| *minutes > 0)
        // The server's number, however large, is never an overflow here.
        .map(|minutes| Duration::from_secs(minutes.saturating_mul(60)))
}

/// A transport failure: nothing was answered, so it may have landed.
pub fn unreachable(e: reqwest::Error) -> GraphError {
    GraphError {
        status: 0,
        code: None,
        subcode: None,
        message: format!("could not reach the server: {}", causes(&e.without_url())),
        trace: None,
        says_transient: true,
        retry_after: None,
    }
}

/// `api_version` from a network's settings, as Graph spells versions
/// (`v25.0`); `default` when unset.
pub fn api_version(
    setting: Option<&str>,
    network: &'static str,
    default: &'static str,
) -> Result<String, super::SetupError> {
    let Some(version) = setting else {
        return Ok(default.to_string());
    };
    let number = |part: &str| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit());
    let valid = version
        .strip_prefix('v')
        .and_then(|v| v.split_once('.'))
        .is_some_and(|(major, minor)| number(major) && number(minor));
    if valid {
        Ok(version.to_string())
    } else {
        Err(super::SetupError::GraphVersion {
            version: version.to_string(),
            network,
            default,
        })
    }
}

/// An error with its causes (reqwest's own says only "error sending request").
fn causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(inner) = cause {
        text.push_str(&format!(": {inner}"));
        cause = inner.source();
    }
    text
}

/// Whether a post's text, as the network gives it back, is this item's:
/// the same words, and the link back. A post's teaser and its discussion
/// share the link; the words tell them apart.
pub fn same_post(text: &str, item: &OutreachItem) -> bool {
    text.contains(&item.link) && words(text, &item.link) == words(&item.text, &item.link)
}

fn words(text: &str, link: &str) -> Vec<String> {
    text.replace(link, " ")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// An item as derivation makes them, for the clients' tests.
#[cfg(test)]
pub fn sample_item(network: crate::outreach::Network, not_before: Option<&str>) -> OutreachItem {
    let link = format!(
        "https://heart.example/blog/bp/?utm_source={}&utm_medium=social&utm_campaign=bp",
        network.key()
    );
    let text = format!("Café tips 💓 for your blood pressure.\n\n{link}\n\n#HeartHealth");
    OutreachItem {
        id: format!("blog/bp/teaser/{}", network.key()),
        post: Some("blog/bp.md".into()),
        post_url: "https://heart.example/blog/bp/".into(),
        title: "Blood pressure basics".into(),
        description: Some("What the numbers mean.".into()),
        network,
        kind: crate::outreach::ItemKind::Teaser,
        length: network.count(&text),
        limit: network.limit(),
        text,
        link,
        hashtags: vec!["#HeartHealth".into()],
        mentions: vec![],
        poll: None,
        image: None,
        language: "en".into(),
        not_before: not_before.map(str::to_string),
        approved: false,
        warnings: vec![],
        follow_up: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outreach::Network;

    #[test]
    fn graph_versions_are_checked() {
        assert_eq!(api_version(None, "facebook", "v25.0").unwrap(), "v25.0");
        assert_eq!(
            api_version(Some("v21.0"), "facebook", "v25.0").unwrap(),
            "v21.0"
        );
        for bad in ["21.0", "v21", "202401", "v21.x", "v.0"] {
            let e = api_version(Some(bad), "threads", "v1.0")
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("[networks.threads]") && e.contains("v1.0"),
                "{e}"
            );
        }
    }

    #[test]
    fn a_post_is_recognised_by_its_words_and_link_back() {
        let item = sample_item(Network::Threads, None);
        assert!(same_post(&item.text, &item));
        // Whitespace and case as the network keeps them do not matter.
        let respaced = item.text.replace("\n\n", "\n").replace("Café", "CAFÉ");
        assert!(same_post(&respaced, &item));
        // The discussion item shares the link, not the words.
        let discussion = format!("Do you check yours at home?\n\n{}", item.link);
        assert!(!same_post(&discussion, &item));
        // The same words linking elsewhere are another post.
        let elsewhere = item
            .text
            .replace(&item.link, "https://heart.example/blog/salt/");
        assert!(!same_post(&elsewhere, &item));
    }

    fn error(status: u16, body: &str) -> GraphError {
        parse_error(status, body, None)
    }

    #[test]
    fn rate_limits_and_downtime_are_worth_waiting_for() {
        for code in [1, 2, 4, 17, 32, 613] {
            let e = error(
                400,
                &format!(
                    r#"{{"error":{{"message":"(#{code}) limit","type":"OAuthException","code":{code},"fbtrace_id":"AbC"}}}}"#
                ),
            );
            assert!(e.transient(), "code {code}");
        }
        let proxy = error(502, "<html>Bad gateway</html>");
        assert!(proxy.transient());
        assert_eq!(proxy.message, "<html>Bad gateway</html>");
        let flagged = error(
            400,
            r#"{"error":{"message":"Please retry","type":"OAuthException","code":100,"is_transient":true}}"#,
        );
        assert!(flagged.transient());
    }

    #[test]
    fn a_bad_token_is_permanent_and_says_which_variable_to_set() {
        let e = error(
            400,
            r#"{"error":{"message":"Error validating access token: Session has expired","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"A1b2"}}"#,
        );
        assert!(!e.transient());
        let message = e
            .into_post_error("Facebook", "ROUNDS_FACEBOOK_PAGE_TOKEN")
            .message;
        assert!(message.contains("Session has expired"), "{message}");
        assert!(message.contains("ROUNDS_FACEBOOK_PAGE_TOKEN"), "{message}");
        assert!(
            message.starts_with("Facebook answered 400 (code 190, trace A1b2): "),
            "{message}"
        );
        // Even a 500 with a token code is not worth retrying.
        let e = error(500, r#"{"error":{"message":"bad","code":190}}"#);
        assert!(!e.transient());
    }

    #[test]
    fn duplicates_blocks_and_validation_errors_are_told_apart() {
        let dup = error(
            400,
            r#"{"error":{"message":"(#506) Duplicate status message","code":506}}"#,
        );
        assert!(dup.is_duplicate() && !dup.transient());
        let blocked = error(400, r#"{"error":{"message":"blocked","code":368}}"#);
        assert!(!blocked.transient() && !blocked.is_duplicate());
        let invalid = error(
            400,
            r#"{"error":{"message":"(#100) Invalid parameter","code":100}}"#,
        );
        assert!(!invalid.transient());
        let propagating = error(
            400,
            r#"{"error":{"message":"Media not found","code":24,"error_subcode":4279009}}"#,
        );
        assert!(propagating.transient());
    }

    #[test]
    fn the_usage_header_says_how_long_to_wait() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            "x-business-use-case-usage",
            r#"{"5550100":[{"type":"pages","call_count":100,"total_cputime":20,"total_time":30,"estimated_time_to_regain_access":3}]}"#
                .parse()
                .unwrap(),
        );
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(180)));
        headers.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        // Any number the server sends is a wait, never an overflow.
        let mut huge = reqwest::header::HeaderMap::new();
        huge.insert(
            "x-business-use-case-usage",
            r#"{"1":[{"estimated_time_to_regain_access":18446744073709551615}]}"#
                .parse()
                .unwrap(),
        );
        assert_eq!(retry_after(&huge), Some(Duration::from_secs(u64::MAX)));
    }
}
