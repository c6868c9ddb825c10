//! `rounds serve`: a preview that follows the writer. It builds the site into
//! a scratch folder (never `public/`, so a preview with local URLs cannot be
//! deployed by mistake), serves it on 127.0.0.1, watches the sources, and
//! rebuilds on every save; open pages reload themselves, or only swap their
//! stylesheets, or show the build's errors over the last good build.

mod files;
mod http;
mod live;
mod session;
mod watch;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use codespan_reporting::term::termcolor::NoColor;

use crate::build::BuildOptions;
use crate::diagnostic::Diagnostic;
use crate::progress::Progress;
use live::{Event, Live};
use session::{Done, Session};

pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
    pub drafts: bool,
    pub open: bool,
    pub quiet: bool,
    /// Rebuild everything on every save instead of only what changed.
    pub full_rebuilds: bool,
}

/// How long to wait for more events after a save before rebuilding: long
/// enough to join an editor's truncate-then-write or write-then-rename, short
/// enough not to be felt.
const DEBOUNCE: Duration = Duration::from_millis(20);

/// How long to wait when a saved file is empty: most likely an editor has
/// truncated it and is about to write it.
const EMPTY_GRACE: Duration = Duration::from_millis(80);

pub fn run(
    options: &ServeOptions,
    report: impl Fn(&[Diagnostic]) + Send + 'static,
) -> Result<(), String> {
    let host = if options.bind == "0.0.0.0" {
        "127.0.0.1"
    } else {
        options.bind.as_str()
    };
    let listener = std::net::TcpListener::bind((options.bind.as_str(), options.port))
        .map_err(|e| format!("cannot listen on {}:{}: {e}", options.bind, options.port))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let base_url = format!("http://{host}:{port}");
    let scratch = tempfile::Builder::new()
        .prefix("rounds-serve-")
        .tempdir()
        .map_err(|e| format!("cannot make a folder for the preview: {e}"))?;
    let site_dir = scratch.path().join("site");
    let outreach_dir = scratch.path().join("outreach");
    let build_options = BuildOptions {
        root: options.root.clone(),
        output: site_dir.clone(),
        base_url: Some(base_url.clone()),
        drafts: options.drafts,
        outreach: Some(outreach_dir.clone()),
    };
    // Watching starts before the first build, so a save made while it runs
    // is not lost: it is applied right after.
    let (mut watcher, changes) = watch::watch(&options.root, DEBOUNCE)?;
    let (session, problems) = Session::start(
        build_options,
        options.full_rebuilds,
        &Progress::new(!options.quiet),
    );
    report(&problems);
    let Ok(mut session) = session else {
        return Err(
            "the first build failed; fix the errors above and run `rounds serve` again".into(),
        );
    };
    let live = Arc::new(Live::default());
    let rebuilder = {
        let live = live.clone();
        let root = options.root.clone();
        std::thread::spawn(move || {
            while let Ok(mut change) = changes.recv() {
                // Saves that came in during the last rebuild join this one.
                let drain = |change: &mut watch::Change| {
                    while let Ok(more) = changes.try_recv() {
                        change.paths.extend(more.paths);
                    }
                };
                drain(&mut change);
                // Before rebuilding, so nothing saved during the rebuild is missed.
                for note in watcher.follow(&change.paths) {
                    eprintln!("{note}");
                }
                if change.paths.iter().any(|p| is_empty_file(p)) {
                    std::thread::sleep(EMPTY_GRACE);
                    drain(&mut change);
                }
                let started = Instant::now();
                let (result, problems) = session.apply(&change.paths);
                report(&problems);
                let event = match &result {
                    Ok(Done::Static { css: true }) => Some(Event::Css),
                    // A save that changed nothing (an editor writing twice)
                    // reloads nothing, unless an error shown must be cleared.
                    Ok(done) if !done.shows_change() && live.current().is_none() => None,
                    Ok(_) => Some(Event::Reload),
                    Err(()) => Some(Event::Failed(plain_text(&root, &problems))),
                };
                let took = started.elapsed().as_millis();
                match &result {
                    Err(()) => eprintln!("Rebuild failed; still serving the last good build."),
                    Ok(Done::Pages { drawn, changed }) => {
                        eprintln!("Updated {changed} of {drawn} pages in {took} ms")
                    }
                    Ok(Done::Static { .. }) => eprintln!("Copied static files in {took} ms"),
                    Ok(Done::Everything) => eprintln!(
                        "Rebuilt everything in {took} ms ({} changed)",
                        change.paths.len()
                    ),
                }
                if let Some(event) = event {
                    live.publish(event);
                }
                // Feeds, sitemaps and outreach follow once the page is reloading.
                if result.is_ok() && session.has_unfinished() {
                    let (finished, problems) = session.finish();
                    report(&problems);
                    if finished.is_err() {
                        live.publish(Event::Failed(plain_text(&root, &problems)));
                    }
                }
            }
        })
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let app = http::router(&site_dir, &outreach_dir, live);
    let url = format!("{base_url}/");
    let served = runtime.block_on(async move {
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| e.to_string())?;
        eprintln!(
            "Serving {} at {url} (Ctrl-C to stop)",
            options.root.display()
        );
        if options.open {
            if let Err(e) = open::that_detached(&url) {
                eprintln!("warning: cannot open a browser: {e}");
            }
        }
        tokio::select! {
            served = axum::serve(listener, app) => served.map_err(|e| e.to_string()),
            _ = stop_signal() => Ok(()),
        }
    });
    // Open event streams would keep a graceful shutdown waiting forever.
    runtime.shutdown_timeout(Duration::from_millis(200));
    drop(rebuilder);
    drop(scratch);
    eprintln!("Stopped.");
    served
}

fn is_empty_file(path: &std::path::Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == 0)
}

/// Ctrl-C, or a polite kill (SIGTERM): either way the scratch folder is removed.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Diagnostics as the terminal shows them, without colour, for the overlay.
fn plain_text(root: &std::path::Path, problems: &[Diagnostic]) -> String {
    let mut out = NoColor::new(Vec::new());
    crate::diagnostic::emit(&mut out, root, problems);
    String::from_utf8_lossy(&out.into_inner()).into_owned()
}
