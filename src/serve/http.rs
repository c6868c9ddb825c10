//! The preview's HTTP side: the built site and the outreach preview from
//! their scratch folders (read by `files`: content types, `index.html` for
//! folders, no way out of the folder), the theme's 404 page, the live script
//! injected into every HTML page, and the event stream it listens to.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use super::files::{self, Found};
use super::live::Live;

const SCRIPT: &str = include_str!("live.js");
const SCRIPT_PATH: &str = "/_rounds/live.js";
const EVENTS_PATH: &str = "/_rounds/events";
const OUTREACH_PATH: &str = "/_outreach";
/// The reading-level report (`check::report`), made on each request from the
/// site's files: it is the reviewers' and never part of the built output.
const CHECK_PATH: &str = "/_check/";

/// The two folders the preview serves.
struct Folders {
    site: PathBuf,
    outreach: PathBuf,
}

pub fn router(
    root: &Path,
    site: &Path,
    outreach: &Path,
    live: Arc<Live>,
    approvals: super::approve::Approvals,
) -> Router {
    let folders = Arc::new(Folders {
        site: site.to_path_buf(),
        outreach: outreach.to_path_buf(),
    });
    Router::new()
        .route(EVENTS_PATH, get(events))
        .route(SCRIPT_PATH, get(script))
        .route(CHECK_PATH, get(check_report(root)))
        .route("/_check/index.html", get(check_report(root)))
        .route(
            "/_check",
            get(|| async { axum::response::Redirect::temporary(CHECK_PATH) }),
        )
        .merge(super::approve::routes(approvals))
        .fallback(move |request: Request| serve_file(folders.clone(), request))
        .layer(middleware::from_fn(preview_headers))
        .with_state(live)
}

/// `/_check/`: the site read again and each post's own rules run, in a
/// blocking task (a large site takes a moment).
fn check_report(
    root: &Path,
) -> impl Fn() -> std::pin::Pin<Box<dyn Future<Output = Response> + Send>> + Clone + Send + 'static
{
    let root = root.to_path_buf();
    move || {
        let root = root.clone();
        Box::pin(async move {
            let page = tokio::task::spawn_blocking(move || {
                crate::check::report::for_site(&root, None)
                    .map(|r| crate::check::report::html(&r.rows, r.target, r.target_es, ""))
            })
            .await
            .ok()
            .flatten();
            match page {
                Some(html) => {
                    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
                }
                None => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The site does not load; the terminal shows why.",
                )
                    .into_response(),
            }
        })
    }
}

/// A file of the site or of the outreach preview; the site's 404 page for
/// anything else.
async fn serve_file(folders: Arc<Folders>, request: Request) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET,HEAD")],
        )
            .into_response();
    }
    let uri = request.uri();
    let path = uri.path().to_string();
    let (root, within) = match path.strip_prefix(OUTREACH_PATH) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => {
            (folders.outreach.clone(), rest.to_string())
        }
        _ => (folders.site.clone(), path.clone()),
    };
    let outreach = root == folders.outreach;
    match find(root, within).await {
        Found::File { bytes, mime } => ([(header::CONTENT_TYPE, mime)], bytes).into_response(),
        Found::Folder => {
            let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
            let location = format!("{path}/{query}");
            match HeaderValue::from_str(&location) {
                Ok(location) => (
                    StatusCode::TEMPORARY_REDIRECT,
                    [(header::LOCATION, location)],
                )
                    .into_response(),
                Err(_) => StatusCode::NOT_FOUND.into_response(),
            }
        }
        Found::Nothing if outreach => StatusCode::NOT_FOUND.into_response(),
        Found::Nothing => not_found(&folders.site).await,
    }
}

async fn find(root: PathBuf, path: String) -> Found {
    tokio::task::spawn_blocking(move || files::find(&root, &path))
        .await
        .unwrap_or(Found::Nothing)
}

/// The theme's 404 page, with its status.
async fn not_found(site: &Path) -> Response {
    match find(site.to_path_buf(), "/404.html".into()).await {
        Found::File { bytes, mime } => {
            (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, mime)], bytes).into_response()
        }
        _ => (StatusCode::NOT_FOUND, "Not found").into_response(),
    }
}

async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
}

/// Server-sent events: the current failure first (if the build is broken),
/// then every rebuild's outcome.
async fn events(
    State(live): State<Arc<Live>>,
) -> Sse<impl tokio_stream::Stream<Item = Result<SseEvent, Infallible>>> {
    let first = tokio_stream::iter(live.current());
    let later = BroadcastStream::new(live.subscribe()).filter_map(Result::ok);
    let stream = first.chain(later).map(|event| {
        let (name, data) = event.wire();
        Ok(SseEvent::default().event(name).data(data))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Nothing is cached (every save must show), and HTML pages get the live script.
async fn preview_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // The site is UTF-8; say so, as a static host would be told to.
    let text_without_charset = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            (v.starts_with("text/") || v.ends_with("xml") || v.ends_with("json"))
                && !v.contains("charset")
        })
        .map(|v| format!("{v}; charset=utf-8"));
    if let Some(value) = text_without_charset.and_then(|v| HeaderValue::from_str(&v).ok()) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(with_live_script(&bytes)))
}

/// The page with the live script before `</body>` (or at the end).
pub fn with_live_script(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT_PATH}\" defer></script>");
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(at) => format!("{}{tag}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let page = with_live_script(b"<html><body><p>Hi</p></body></html>");
        assert_eq!(
            String::from_utf8(page).unwrap(),
            "<html><body><p>Hi</p><script src=\"/_rounds/live.js\" defer></script></body></html>"
        );
    }
}
