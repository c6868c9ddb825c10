//! `rounds check --external`: are the sources and links a post cites still
//! there? Every external link is fetched once (HEAD, then GET for servers
//! that refuse HEAD), many at a time but at most a few per host, with a
//! timeout; answers that were fine are cached for a day so a re-run is quick
//! and polite.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use pulldown_cmark::{Event, Parser, Tag};
use serde::{Deserialize, Serialize};

use crate::content::Post;
use crate::diagnostic::{Diagnostic, LineIndex};

pub const BROKEN: &str = "links/external";

/// How the checker behaves; `Default` is what `rounds check --external` uses.
#[derive(Debug, Clone)]
pub struct Limits {
    pub workers: usize,
    pub per_host: usize,
    pub timeout: Duration,
    /// How long a good answer is trusted.
    pub cache_for: chrono::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            workers: 8,
            per_host: 2,
            timeout: Duration::from_secs(10),
            cache_for: chrono::Duration::hours(24),
        }
    }
}

/// Where a link appears.
struct Citation<'a> {
    post: &'a Post,
    offset: usize,
}

/// What fetching a URL found.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status, if there was one.
    pub status: Option<u16>,
    pub error: Option<String>,
    /// RFC 3339.
    pub checked_at: String,
}

impl Answer {
    fn is_good(&self) -> bool {
        self.status.is_some_and(|s| s < 400)
    }
}

/// Answers kept between runs, by URL.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    answers: BTreeMap<String, Answer>,
}

impl Cache {
    fn load(file: &Path) -> Cache {
        std::fs::read_to_string(file)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    }

    fn fresh(&self, url: &str, limits: &Limits) -> Option<&Answer> {
        let answer = self.answers.get(url).filter(|a| a.is_good())?;
        let at = chrono::DateTime::parse_from_rfc3339(&answer.checked_at).ok()?;
        (chrono::Utc::now() - at.with_timezone(&chrono::Utc) < limits.cache_for).then_some(answer)
    }

    fn save(&self, file: &Path) {
        // A cache that cannot be written only makes the next run slower.
        if let Some(dir) = file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if let Ok(text) = serde_json::to_string_pretty(self) {
            let _ = std::fs::write(file, text);
        }
    }
}

/// The cache file for a site: under `$XDG_CACHE_HOME/rounds/` (or
/// `ROUNDS_CACHE_DIR`), one per site folder.
pub fn cache_file(root: &Path) -> Option<PathBuf> {
    let dir = crate::site_path::cache_dir()?;
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let name = slug::slugify(root.to_string_lossy());
    Some(dir.join(format!("links-{name}.json")))
}

/// Checks every external link in `posts`; a diagnostic per citation of a
/// broken one. `cache` of `None` checks everything afresh.
pub fn check(posts: &[Post], cache: Option<&Path>, limits: &Limits) -> Vec<Diagnostic> {
    let mut citations: BTreeMap<String, Vec<Citation>> = BTreeMap::new();
    for post in posts {
        let body = &post.source[post.body_offset..];
        for (event, range) in
            Parser::new_ext(body, crate::markdown::options(false)).into_offset_iter()
        {
            if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event
                && (dest_url.starts_with("http://") || dest_url.starts_with("https://"))
            {
                citations
                    .entry(dest_url.split('#').next().unwrap_or(&dest_url).to_string())
                    .or_default()
                    .push(Citation {
                        post,
                        offset: post.body_offset + range.start,
                    });
            }
        }
    }
    let mut store = cache.map(Cache::load).unwrap_or_default();
    let unknown: Vec<String> = citations
        .keys()
        .filter(|url| store.fresh(url, limits).is_none())
        .cloned()
        .collect();
    for (url, answer) in fetch_all(unknown, limits) {
        store.answers.insert(url, answer);
    }
    if let Some(file) = cache {
        store.save(file);
    }
    let mut found = Vec::new();
    for (url, places) in &citations {
        let Some(answer) = store.answers.get(url).filter(|a| !a.is_good()) else {
            continue;
        };
        let why = match (answer.status, &answer.error) {
            (Some(status), _) => format!("answers {status}"),
            (None, Some(error)) => error.clone(),
            (None, None) => "did not answer".into(),
        };
        for place in places {
            let index = LineIndex::new(&place.post.source);
            found.push(
                Diagnostic::error(BROKEN, format!("the link {url} {why}"))
                    .in_file(&place.post.file)
                    .at(index.position(&place.post.source, place.offset))
                    .with_help("update the link, or cite an archived copy (web.archive.org)"),
            );
        }
    }
    found
}

/// Fetches every URL, `limits.workers` at a time and at most
/// `limits.per_host` at once per host.
fn fetch_all(urls: Vec<String>, limits: &Limits) -> Vec<(String, Answer)> {
    if urls.is_empty() {
        return Vec::new();
    }
    let client = match reqwest::blocking::Client::builder()
        .timeout(limits.timeout)
        .redirect(reqwest::redirect::Policy::limited(10))
        .user_agent(concat!("rounds-link-check/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            let now = now();
            return urls
                .into_iter()
                .map(|u| {
                    (
                        u,
                        Answer {
                            status: None,
                            error: Some(format!("no HTTP client: {e}")),
                            checked_at: now.clone(),
                        },
                    )
                })
                .collect();
        }
    };
    let mut queues: BTreeMap<String, VecDeque<String>> = BTreeMap::new();
    for url in urls {
        let host = crate::check::third_party::host_of(&url)
            .unwrap_or_default()
            .to_ascii_lowercase();
        queues.entry(host).or_default().push_back(url);
    }
    let board = Board {
        state: Mutex::new(Schedule {
            queues,
            busy: HashMap::new(),
            done: Vec::new(),
        }),
        wake: Condvar::new(),
    };
    std::thread::scope(|scope| {
        for _ in 0..limits.workers.max(1) {
            scope.spawn(|| {
                while let Some((host, url)) = board.take(limits.per_host.max(1)) {
                    let answer = fetch(&client, &url);
                    board.finish(host, url, answer);
                }
            });
        }
    });
    board.state.into_inner().map(|s| s.done).unwrap_or_default()
}

/// The work still to do, shared by the workers.
struct Board {
    state: Mutex<Schedule>,
    wake: Condvar,
}

struct Schedule {
    queues: BTreeMap<String, VecDeque<String>>,
    /// Requests in flight per host.
    busy: HashMap<String, usize>,
    done: Vec<(String, Answer)>,
}

impl Board {
    /// The next URL whose host has room, waiting while every host with work
    /// is full; `None` when there is nothing left to start.
    fn take(&self, per_host: usize) -> Option<(String, String)> {
        let mut state = self.state.lock().ok()?;
        loop {
            if state.queues.values().all(VecDeque::is_empty) {
                return None;
            }
            let ready = state
                .queues
                .iter()
                .find(|(host, queue)| {
                    !queue.is_empty() && state.busy.get(*host).copied().unwrap_or(0) < per_host
                })
                .map(|(host, _)| host.clone());
            if let Some(host) = ready {
                let url = state.queues.get_mut(&host)?.pop_front()?;
                *state.busy.entry(host.clone()).or_default() += 1;
                return Some((host, url));
            }
            state = self.wake.wait(state).ok()?;
        }
    }

    fn finish(&self, host: String, url: String, answer: Answer) {
        if let Ok(mut state) = self.state.lock() {
            if let Some(n) = state.busy.get_mut(&host) {
                *n = n.saturating_sub(1);
            }
            state.done.push((url, answer));
        }
        self.wake.notify_all();
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// HEAD first; GET when the server will not answer HEAD properly.
fn fetch(client: &reqwest::blocking::Client, url: &str) -> Answer {
    let head = client.head(url).send();
    let answer = match head {
        Ok(r) if !matches!(r.status().as_u16(), 403 | 405 | 501) => Ok(r.status().as_u16()),
        // A server that let HEAD time out would only make GET wait as long.
        Err(e) if e.is_timeout() => Err(e),
        _ => client.get(url).send().map(|r| r.status().as_u16()),
    };
    match answer {
        Ok(status) => Answer {
            status: Some(status),
            error: None,
            checked_at: now(),
        },
        Err(e) => Answer {
            status: None,
            error: Some(if e.is_timeout() {
                "timed out".into()
            } else {
                format!("could not be reached ({})", e.without_url())
            }),
            checked_at: now(),
        },
    }
}
