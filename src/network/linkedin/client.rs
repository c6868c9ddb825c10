//! LinkedIn organisation pages: `POST /rest/posts` as the organisation, with
//! the commentary in LinkedIn's little text format, an article card whose
//! title, description and thumbnail we supply, or a native poll.
//!
//! LinkedIn has no idempotency key, but it refuses an identical post by the
//! same author with `422 DUPLICATE_POST` naming the first one: that answer is
//! the post already made. After a crash, the page's own recent posts are
//! looked through for the item's words and link.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::Method;
use reqwest::blocking::{Client as Http, RequestBuilder, Response};
use serde_json::{Value, json};

use crate::ledger::Action;
use crate::outreach::follow_up::FollowUp;
use crate::outreach::little_text;
use crate::outreach::{Network, OutreachItem, Poll};
use crate::publish::{BuiltSite, Client, PostError, Remote};

pub const TOKEN_VAR: &str = "ROUNDS_LINKEDIN_TOKEN";

/// The API version sent when `api_version` is not set. LinkedIn serves each
/// monthly version for about a year, so a release of rounds moves it on.
pub const DEFAULT_API_VERSION: &str = "202605";

const API: &str = "https://api.linkedin.com";

/// A client for `[networks.linkedin]`: the organisation URN from `id`, the
/// token from `ROUNDS_LINKEDIN_TOKEN`, the version from `api_version`.
pub fn connect(
    setup: &crate::publish::Setup,
) -> Result<Box<dyn Client>, crate::publish::SetupError> {
    let token = crate::publish::Setup::secret(TOKEN_VAR, "LinkedIn")?;
    let settings = setup.settings;
    let organization = settings.and_then(|s| s.id.clone()).ok_or(crate::publish::SetupError::MissingSetting(
        "set `id` under [networks.linkedin] in config.toml to the page's organisation URN, e.g. \"urn:li:organization:5550100\"",
    ))?;
    let base = settings
        .and_then(|s| s.instance.clone())
        .unwrap_or_else(|| API.into());
    let version = settings
        .and_then(|s| s.api_version.clone())
        .unwrap_or_else(|| DEFAULT_API_VERSION.into());
    let client = LinkedIn::new(
        &base,
        token,
        version,
        organization,
        setup.built.clone(),
        setup.timeout,
    )?;
    Ok(Box::new(client))
}

pub struct LinkedIn {
    http: Http,
    base: String,
    token: String,
    version: String,
    /// `urn:li:organization:…`, the author of every post.
    organization: String,
    site: BuiltSite,
    /// Image URNs already uploaded in this run, by the image's URL, so a
    /// retried post does not upload its thumbnail again.
    thumbnails: HashMap<String, String>,
    /// Items already sent once in this run, and when: a retry looks first.
    sent: HashMap<String, DateTime<Utc>>,
}

/// How many of the page's posts to look through for one made before a crash.
const FIND_PAGES: usize = 5;
const FIND_PAGE_SIZE: usize = 20;

impl LinkedIn {
    pub fn new(
        base: &str,
        token: String,
        version: String,
        organization: String,
        site: BuiltSite,
        timeout: Duration,
    ) -> Result<Self, PostError> {
        Ok(LinkedIn {
            http: crate::publish::http_client(timeout)?,
            base: base.trim_end_matches('/').to_string(),
            token,
            version,
            organization,
            site,
            thumbnails: HashMap::new(),
            sent: HashMap::new(),
        })
    }

    /// A request to the REST API with the headers every call needs.
    fn rest(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("LinkedIn-Version", &self.version)
            .header("X-Restli-Protocol-Version", "2.0.0")
    }

    fn send(&self, request: RequestBuilder) -> Result<Answer, PostError> {
        let response = request.send().map_err(transport)?;
        Ok(answer(response, &self.version))
    }

    /// The post's JSON, as the Posts API documents it.
    fn body(&mut self, item: &OutreachItem) -> Result<Value, PostError> {
        let mut post = json!({
            "author": self.organization,
            "commentary": little_text::commentary(&item.text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": false,
        });
        post["content"] = match item.poll.as_ref().filter(|p| p.native) {
            Some(poll) => json!({"poll": poll_content(poll)?}),
            None => json!({"article": self.article(item)?}),
        };
        Ok(post)
    }

    /// The link card: our own title, description and thumbnail, since
    /// LinkedIn does not read them from the page for posts made by API.
    fn article(&mut self, item: &OutreachItem) -> Result<Value, PostError> {
        let mut article = json!({"source": item.link, "title": item.title});
        if let Some(description) = item.description.as_deref().filter(|d| !d.is_empty()) {
            article["description"] = json!(description);
        }
        if let Some(urn) = self.thumbnail(item)? {
            article["thumbnail"] = json!(urn);
        }
        Ok(article)
    }

    /// Uploads the item's picture (made to LinkedIn's limits by the build)
    /// through the Images API: ask for an upload URL owned by the
    /// organisation, then PUT the bytes there.
    fn thumbnail(&mut self, item: &OutreachItem) -> Result<Option<String>, PostError> {
        let Some(url) = item.image.as_ref().map(|i| i.url.clone()) else {
            return Ok(None);
        };
        if let Some(urn) = self.thumbnails.get(&url) {
            return Ok(Some(urn.clone()));
        }
        let image = self
            .site
            .picture(&url)
            .map_err(|e| PostError::permanent(e.to_string()))?;
        let takes = crate::network::Network::LinkedIn.pictures();
        if !crate::network::PictureFormat::from_mime(image.mime).is_some_and(|f| takes.takes(f)) {
            return Err(PostError::permanent(format!(
                "the picture {url} is {}, which LinkedIn does not take: build the site again",
                image.mime
            )));
        }
        let start = json!({"initializeUploadRequest": {"owner": self.organization}});
        let request = self
            .rest(Method::POST, "/rest/images?action=initializeUpload")
            .json(&start);
        let value = self.send(request)?.success()?.body["value"].clone();
        let (Some(upload), Some(urn)) = (value["uploadUrl"].as_str(), value["image"].as_str())
        else {
            return Err(PostError::permanent(
                "LinkedIn's answer to an image upload has no uploadUrl or image",
            ));
        };
        let mut put = self
            .http
            .put(upload)
            .header("Content-Type", "application/octet-stream")
            .body(image.bytes);
        // The upload URL comes from LinkedIn; the token goes only to LinkedIn.
        if self.trusts(upload) {
            put = put.bearer_auth(&self.token);
        }
        self.send(put)?.success()?;
        self.thumbnails.insert(url, urn.to_string());
        Ok(Some(urn.to_string()))
    }

    fn trusts(&self, url: &str) -> bool {
        let host = |u: &str| url::Url::parse(u).ok()?.host_str().map(str::to_string);
        match (host(url), host(&self.base)) {
            (Some(upload), Some(api)) => {
                upload == api || upload == "linkedin.com" || upload.ends_with(".linkedin.com")
            }
            _ => false,
        }
    }

    /// The page's posts, newest first, one page of the `author` finder.
    fn recent(&self, start: usize) -> Result<Vec<Value>, PostError> {
        let request = self.rest(Method::GET, "/rest/posts").query(&[
            ("author", self.organization.as_str()),
            ("q", "author"),
            ("count", &FIND_PAGE_SIZE.to_string()),
            ("start", &start.to_string()),
            ("sortBy", "LAST_MODIFIED"),
        ]);
        let body = self.send(request)?.success()?.body;
        Ok(body["elements"].as_array().cloned().unwrap_or_default())
    }
}

impl Client for LinkedIn {
    /// LinkedIn takes no key; the item's id names the attempt in the ledger.
    fn new_key(&self, item: &OutreachItem) -> String {
        item.id.clone()
    }

    fn find(
        &mut self,
        item: &OutreachItem,
        _key: &str,
        since: Option<DateTime<Utc>>,
    ) -> Result<Option<Remote>, PostError> {
        // A little before the attempt, for clocks that disagree.
        let since = since.and_then(|s| s.checked_sub_signed(chrono::Duration::minutes(5)));
        for page in 0..FIND_PAGES {
            let posts = self.recent(page * FIND_PAGE_SIZE)?;
            if let Some(post) = posts.iter().find(|p| same_post(item, p)) {
                let urn = post["id"].as_str().unwrap_or_default();
                return Ok(Some(remote(urn)));
            }
            // Sorted by last change, so a page older than the attempt ends the search.
            let older = posts.last().is_none_or(|last| {
                last["lastModifiedAt"]
                    .as_i64()
                    .or(last["createdAt"].as_i64())
                    .and_then(DateTime::<Utc>::from_timestamp_millis)
                    .is_some_and(|t| since.is_some_and(|since| t < since))
            });
            if older || posts.len() < FIND_PAGE_SIZE {
                break;
            }
        }
        Ok(None)
    }

    fn post(&mut self, item: &OutreachItem, key: &str) -> Result<Remote, PostError> {
        // A retry after a lost answer: the post may be there, and LinkedIn's
        // duplicate check is not documented to last, so look before sending again.
        if let Some(&first) = self.sent.get(&item.id) {
            if let Some(remote) = self.find(item, key, Some(first))? {
                return Ok(remote);
            }
        }
        let body = self.body(item)?;
        self.sent.entry(item.id.clone()).or_insert_with(Utc::now);
        let request = self.rest(Method::POST, "/rest/posts").json(&body);
        match self.send(request)? {
            Answer::Done(reply) => {
                let urn = reply.restli_id.or_else(|| reply.body["id"].as_str().map(str::to_string));
                match urn {
                    Some(urn) => Ok(remote(&urn)),
                    None => Err(PostError::transient(
                        "LinkedIn accepted the post but did not say its id (x-restli-id)",
                    )),
                }
            }
            // Already there: a retry after a lost answer, or a run that crashed.
            Answer::Duplicate { of: Some(urn) } => Ok(remote(&urn)),
            Answer::Duplicate { of: None } => self.find(item, key, None)?.ok_or_else(|| {
                PostError::permanent(
                    "LinkedIn says this post duplicates an earlier one, which is not among the page's recent posts",
                )
            }),
            Answer::Failed(e) => Err(e),
        }
    }

    /// LinkedIn updates a post's `commentary` in place (a partial update of
    /// `/rest/posts/{urn}`) and deletes one (`DELETE /rest/posts/{urn}`). A
    /// poll is never edited (the plan replies under it, which Rounds does
    /// not do on LinkedIn yet: it says so).
    fn follow_up(
        &mut self,
        item: &OutreachItem,
        follow: &FollowUp,
        _key: &str,
    ) -> Result<Remote, PostError> {
        let path = format!("/rest/posts/{}", encoded(&follow.remote_id));
        let request = match follow.action {
            Action::Edit => {
                let patch =
                    json!({"patch": {"$set": {"commentary": little_text::commentary(&item.text)}}});
                self.rest(Method::POST, &path)
                    .header("X-RestLi-Method", "PARTIAL_UPDATE")
                    .json(&patch)
            }
            Action::Delete => self
                .rest(Method::DELETE, &path)
                .header("X-RestLi-Method", "DELETE"),
            Action::Reply => {
                return Err(PostError::permanent(format!(
                    "Rounds does not comment under a LinkedIn post yet: post the notice under {} by hand, then set this item's `state` to \"posted\" in {}",
                    follow.remote_url.as_deref().unwrap_or(&follow.remote_id),
                    crate::ledger::FILE
                )));
            }
        };
        match self.send(request)? {
            Answer::Done(_) => Ok(match follow.action {
                Action::Delete => Remote {
                    id: follow.remote_id.clone(),
                    url: String::new(),
                },
                _ => remote(&follow.remote_id),
            }),
            Answer::Failed(e)
                if follow.action == Action::Delete && e.message.starts_with("404") =>
            {
                Ok(Remote {
                    id: follow.remote_id.clone(),
                    url: String::new(),
                })
            }
            Answer::Duplicate { .. } => Err(PostError::permanent("422: duplicate")),
            Answer::Failed(e) => Err(e),
        }
    }

    /// An edit is done when the post's commentary says the new words; a
    /// delete when the post answers 404.
    fn find_follow_up(
        &mut self,
        item: &OutreachItem,
        follow: &FollowUp,
        _key: &str,
    ) -> Result<Option<Remote>, PostError> {
        let path = format!("/rest/posts/{}", encoded(&follow.remote_id));
        let answer = self.send(self.rest(Method::GET, &path))?;
        match (follow.action, answer) {
            (Action::Delete, Answer::Done(_)) => Ok(None),
            (Action::Delete, Answer::Failed(e)) if e.message.starts_with("404") => {
                Ok(Some(Remote {
                    id: follow.remote_id.clone(),
                    url: String::new(),
                }))
            }
            (_, Answer::Done(reply)) => {
                let shown =
                    little_text::shown(reply.body["commentary"].as_str().unwrap_or_default());
                Ok((words(&shown, "") == words(&item.text, "")).then(|| remote(&follow.remote_id)))
            }
            (_, Answer::Failed(e)) => Err(e),
            (_, Answer::Duplicate { .. }) => Err(PostError::permanent("422: duplicate")),
        }
    }
}

/// The poll, with the duration LinkedIn offers nearest below the one asked for.
fn poll_content(poll: &Poll) -> Result<Value, PostError> {
    if poll.question.chars().count() > POLL_QUESTION_LIMIT {
        return Err(PostError::permanent(format!(
            "LinkedIn poll questions are at most {POLL_QUESTION_LIMIT} characters; this one has {}",
            poll.question.chars().count()
        )));
    }
    let options: Vec<Value> = poll.options.iter().map(|o| json!({"text": o})).collect();
    Ok(json!({
        "question": poll.question,
        "options": options,
        "settings": {"duration": poll_duration(poll.seconds)},
    }))
}

const POLL_QUESTION_LIMIT: usize = 140;

/// LinkedIn's name for a poll's duration.
fn poll_duration(seconds: u64) -> &'static str {
    match Network::LinkedIn.poll_seconds(seconds) / 86_400 {
        1 => "ONE_DAY",
        3 => "THREE_DAYS",
        7 => "SEVEN_DAYS",
        _ => "FOURTEEN_DAYS",
    }
}

/// Whether a post read back from the page is this item: the same words, and
/// the same link card or poll question.
fn same_post(item: &OutreachItem, post: &Value) -> bool {
    let shown = little_text::shown(post["commentary"].as_str().unwrap_or_default());
    if words(&shown, &item.link) != words(&item.text, &item.link) {
        return false;
    }
    let content = &post["content"];
    match item.poll.as_ref().filter(|p| p.native) {
        Some(poll) => content["poll"]["question"].as_str() == Some(poll.question.as_str()),
        None => content["article"]["source"].as_str() == Some(item.link.as_str()),
    }
}

/// The words of a post without its link, to compare what LinkedIn stored with an item.
fn words(text: &str, link: &str) -> Vec<String> {
    text.replace(link, " ")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn remote(urn: &str) -> Remote {
    Remote {
        id: urn.to_string(),
        url: format!("https://www.linkedin.com/feed/update/{urn}/"),
    }
}

/// A URN as one path segment: `urn%3Ali%3Ashare%3A1`.
fn encoded(urn: &str) -> String {
    url::form_urlencoded::byte_serialize(urn.as_bytes()).collect()
}

fn transport(e: reqwest::Error) -> PostError {
    // reqwest's message names the URL, never the Authorization header.
    PostError::transient(format!("could not reach LinkedIn: {}", e.without_url()))
}

/// What LinkedIn said.
enum Answer {
    Done(Reply),
    /// `422 DUPLICATE_POST`, with the earlier post's URN when the message names it.
    Duplicate {
        of: Option<String>,
    },
    Failed(PostError),
}

struct Reply {
    /// A created entity's id, which LinkedIn sends in a header, not the body.
    restli_id: Option<String>,
    body: Value,
}

impl Answer {
    fn success(self) -> Result<Reply, PostError> {
        match self {
            Answer::Done(reply) => Ok(reply),
            Answer::Duplicate { .. } => Err(PostError::permanent("422: duplicate")),
            Answer::Failed(e) => Err(e),
        }
    }
}

/// Reads a response: 2xx with its id and body; a duplicate; or an error
/// with LinkedIn's own message, transient for 429 and 5xx.
fn answer(response: Response, version: &str) -> Answer {
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let restli_id = header("x-restli-id");
    let retry_after = header("retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let text = response.text().unwrap_or_default();
    let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    if (200..300).contains(&status) {
        return Answer::Done(Reply { restli_id, body });
    }
    let message = body["message"].as_str().map(str::to_string);
    let codes: Vec<&str> = body["errorDetails"]["inputErrors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["code"].as_str())
        .chain(body["code"].as_str())
        .collect();
    if status == 422 && codes.contains(&"DUPLICATE_POST") {
        return Answer::Duplicate {
            of: message.as_deref().and_then(duplicate_of),
        };
    }
    let said = message.unwrap_or_else(|| crate::secrets::excerpt(&text, 200));
    let hint = match status {
        401 => format!(" (check {TOKEN_VAR})"),
        403 => " (the token needs w_organization_social, and an admin or content admin role on the page)".into(),
        426 => format!(
            " (LinkedIn no longer serves API version {version}; set a newer api_version = \"YYYYMM\" under [networks.linkedin])"
        ),
        _ => String::new(),
    };
    Answer::Failed(PostError {
        message: crate::secrets::scrub(&format!("{status}: {said}{hint}")),
        transient: status == 429 || status >= 500,
        retry_after,
        unconfirmed: false,
    })
}

/// The URN in "Content is a duplicate of urn:li:share:7141138937766391808".
fn duplicate_of(message: &str) -> Option<String> {
    static URN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"urn:li:(?:share|ugcPost):\d+").expect("valid")
    });
    URN.find(message).map(|m| m.as_str().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poll_durations_have_linkedins_names() {
        let day = 86_400;
        assert_eq!(poll_duration(day), "ONE_DAY");
        assert_eq!(poll_duration(3 * day), "THREE_DAYS");
        assert_eq!(poll_duration(10 * day), "SEVEN_DAYS");
        assert_eq!(poll_duration(14 * day), "FOURTEEN_DAYS");
    }

    #[test]
    fn a_duplicate_names_the_post_it_repeats() {
        assert_eq!(
            duplicate_of("com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of urn:li:share:7141138937766391808").as_deref(),
            Some("urn:li:share:7141138937766391808")
        );
        assert_eq!(duplicate_of("Duplicate post is detected"), None);
    }

    #[test]
    fn a_post_read_back_is_recognised_by_its_words_and_card() {
        let link =
            "https://heart.example/blog/bp/?utm_source=linkedin&utm_medium=social&utm_campaign=bp";
        let item = OutreachItem {
            id: "blog/bp/teaser/linkedin".into(),
            post: Some("blog/bp.md".into()),
            post_url: "https://heart.example/blog/bp/".into(),
            title: "BP".into(),
            description: None,
            network: Network::LinkedIn,
            kind: crate::outreach::ItemKind::Teaser,
            text: format!("Know your numbers (really).\n\n{link}\n\n#HeartHealth"),
            link: link.into(),
            hashtags: vec!["#HeartHealth".into()],
            mentions: vec![],
            poll: None,
            image: None,
            language: "en".into(),
            not_before: None,
            approved: false,
            length: 0,
            limit: 3000,
            warnings: vec![],
            follow_up: None,
        };
        let stored = json!({
            "id": "urn:li:share:1",
            "commentary": format!("Know your numbers \\(really\\).\n\n{}\n\n{{hashtag|#|HeartHealth}}", little_text::commentary(link)),
            "content": {"article": {"source": link, "title": "BP"}},
        });
        assert!(same_post(&item, &stored));
        let other = json!({"commentary": "Do you check yours at home?", "content": {"article": {"source": link}}});
        assert!(!same_post(&item, &other));
        let elsewhere = json!({"commentary": stored["commentary"], "content": {"article": {"source": "https://other.example/"}}});
        assert!(!same_post(&item, &elsewhere));
    }
}
