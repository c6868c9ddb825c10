//! `rounds serve`: a preview that follows the writer. It builds the site into
//! a scratch folder (never `public/`, so a preview with local URLs cannot be
//! deployed by mistake), serves it on 127.0.0.1, watches the sources, and
//! rebuilds on every save; open pages reload themselves, or only swap their
//! stylesheets, or show the build's errors over the last good build.

mod approve;
mod files;
mod http;
mod live;
mod session;
mod watch;

use std::path::PathBuf;
use std::sync::{Arc, mpsc};
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

/// How long to wait at most when a saved file is empty: most likely an
/// editor has truncated it and is about to write it. The wait ends as soon as
/// the file has something in it, so only a file left empty waits this long;
/// on a busy machine the write can come long after the truncate, and a
/// rebuild in between would flash an error for a save that is fine.
const EMPTY_GRACE: Duration = Duration::from_millis(1500);

/// How often to look again at an empty saved file.
const EMPTY_POLL: Duration = Duration::from_millis(20);

/// Why the preview could not start, or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {bind}:{port}: {source}")]
    Listen {
        bind: String,
        port: u16,
        source: std::io::Error,
    },
    /// The listening socket could not be read or handed to the server.
    #[error("{0}")]
    Socket(std::io::Error),
    #[error("cannot make a folder for the preview: {0}")]
    Scratch(std::io::Error),
    #[error(transparent)]
    Watch(#[from] watch::WatchError),
    /// Its errors were reported already.
    #[error("the first build failed; fix the errors above and run `rounds serve` again")]
    FirstBuild,
    #[error("cannot start the server: {0}")]
    Runtime(std::io::Error),
    /// The server stopped on its own.
    #[error("{0}")]
    Serving(std::io::Error),
}

/// Builds, serves and rebuilds until Ctrl-C; `report` shows each build's
/// problems.
pub fn run(
    options: &ServeOptions,
    report: impl Fn(&[Diagnostic]) + Send + 'static,
) -> Result<(), ServeError> {
    let (listener, base_url) = listen(options)?;
    let scratch = tempfile::Builder::new()
        .prefix("rounds-serve-")
        .tempdir()
        .map_err(ServeError::Scratch)?;
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
    let (watcher, changes) = watch::watch(&options.root, DEBOUNCE)?;
    let (session, problems) = Session::start(
        build_options,
        options.full_rebuilds,
        &Progress::new(!options.quiet),
    );
    report(&problems);
    let Ok(session) = session else {
        return Err(ServeError::FirstBuild);
    };
    let live = Arc::new(Live::default());
    let rebuilder = Rebuilder {
        session,
        watcher,
        live: live.clone(),
        root: options.root.clone(),
        report,
    };
    let rebuilder = std::thread::spawn(move || rebuilder.follow(changes));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    let approvals = approve::Approvals::new(&options.root, &outreach_dir, &base_url);
    let app = http::router(&options.root, &site_dir, &outreach_dir, live, approvals);
    let served = serve_until_stopped(runtime, listener, app, &format!("{base_url}/"), options);
    drop(rebuilder);
    session::wait_for_retired();
    drop(scratch);
    eprintln!("Stopped.");
    served
}

/// The socket the preview listens on, and the base URL its pages link with
/// (a browser cannot open 0.0.0.0, so that is shown as 127.0.0.1).
fn listen(options: &ServeOptions) -> Result<(std::net::TcpListener, String), ServeError> {
    let host = if options.bind == "0.0.0.0" {
        "127.0.0.1"
    } else {
        options.bind.as_str()
    };
    let listener =
        std::net::TcpListener::bind((options.bind.as_str(), options.port)).map_err(|source| {
            ServeError::Listen {
                bind: options.bind.clone(),
                port: options.port,
                source,
            }
        })?;
    let port = listener.local_addr().map_err(ServeError::Socket)?.port();
    Ok((listener, format!("http://{host}:{port}")))
}

/// Serves `app` on `listener` until Ctrl-C or SIGTERM.
fn serve_until_stopped(
    runtime: tokio::runtime::Runtime,
    listener: std::net::TcpListener,
    app: axum::Router,
    url: &str,
    options: &ServeOptions,
) -> Result<(), ServeError> {
    let served = runtime.block_on(async move {
        listener.set_nonblocking(true).map_err(ServeError::Socket)?;
        let listener = tokio::net::TcpListener::from_std(listener).map_err(ServeError::Socket)?;
        eprintln!(
            "Serving {} at {url} (Ctrl-C to stop)",
            options.root.display()
        );
        if options.open {
            if let Err(e) = open::that_detached(url) {
                eprintln!("warning: cannot open a browser: {e}");
            }
        }
        tokio::select! {
            served = axum::serve(listener, app) => served.map_err(ServeError::Serving),
            _ = stop_signal() => Ok(()),
        }
    });
    // Open event streams would keep a graceful shutdown waiting forever.
    runtime.shutdown_timeout(Duration::from_millis(200));
    served
}

/// The thread that applies each batch of saves to the session and tells
/// the open pages.
struct Rebuilder<R> {
    session: Session,
    watcher: watch::Watch,
    live: Arc<Live>,
    root: PathBuf,
    report: R,
}

impl<R: Fn(&[Diagnostic])> Rebuilder<R> {
    /// Rebuilds on every change until the watcher goes away.
    fn follow(mut self, changes: mpsc::Receiver<watch::Change>) {
        while let Ok(mut change) = changes.recv() {
            self.gather(&mut change, &changes);
            self.rebuild(&change);
        }
    }

    /// Joins the saves that came in meanwhile to `change`, and follows the
    /// source folders it names.
    fn gather(&mut self, change: &mut watch::Change, changes: &mpsc::Receiver<watch::Change>) {
        // Saves that came in during the last rebuild join this one.
        let drain = |change: &mut watch::Change| {
            while let Ok(more) = changes.try_recv() {
                change.paths.extend(more.paths);
            }
        };
        drain(change);
        // Before rebuilding, so nothing saved during the rebuild is missed.
        for note in self.watcher.follow(&change.paths) {
            eprintln!("{note}");
        }
        let waited = Instant::now();
        while change.paths.iter().any(|p| is_empty_file(p)) && waited.elapsed() < EMPTY_GRACE {
            std::thread::sleep(EMPTY_POLL);
            drain(change);
        }
        // The write that filled it may have been seen already or not: either
        // way it is in this rebuild, and a second event for it changes nothing.
        drain(change);
    }

    fn rebuild(&mut self, change: &watch::Change) {
        let started = Instant::now();
        let (result, problems) = self.session.apply(&change.paths);
        let took = started.elapsed().as_millis();
        let event = match &result {
            Ok(Done::Static { css: true }) => Some(Event::Css),
            // A save that changed nothing (an editor writing twice)
            // reloads nothing, unless an error shown must be cleared.
            Ok(done) if !done.shows_change() && self.live.current().is_none() => None,
            Ok(_) => Some(Event::Reload),
            Err(()) => Some(Event::Failed(plain_text(&self.root, &problems))),
        };
        // The page first: a full rebuild of a large site can have thousands
        // of warnings, and printing them takes seconds.
        if let Some(event) = event {
            self.live.publish(event);
        }
        (self.report)(&problems);
        log_rebuild(&result, took, change);
        // Feeds, sitemaps and outreach follow once the page is reloading.
        if result.is_ok() && self.session.has_unfinished() {
            let (finished, problems) = self.session.finish();
            (self.report)(&problems);
            if finished.is_err() {
                self.live
                    .publish(Event::Failed(plain_text(&self.root, &problems)));
            }
        }
    }
}

/// One line in the terminal for each rebuild.
fn log_rebuild(result: &Result<Done, ()>, took: u128, change: &watch::Change) {
    match result {
        Err(()) => eprintln!("Rebuild failed; still serving the last good build."),
        Ok(Done::Pages {
            drawn,
            changed,
            copied,
        }) => {
            let files = match copied {
                0 => String::new(),
                1 => " and copied 1 static file".to_string(),
                n => format!(" and copied {n} static files"),
            };
            eprintln!("Updated {changed} of {drawn} pages{files} in {took} ms")
        }
        Ok(Done::Static { .. }) => eprintln!("Copied static files in {took} ms"),
        Ok(Done::Everything) => eprintln!(
            "Rebuilt everything in {took} ms ({} changed)",
            change.paths.len()
        ),
    }
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
    let mut sorted = problems.to_vec();
    crate::report::sort(&mut sorted);
    // The page is as wide as a wide terminal.
    let options = crate::report::Options {
        all: false,
        columns: 120,
    };
    crate::report::print(&mut out, root, &sorted, options);
    String::from_utf8_lossy(&out.into_inner()).into_owned()
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// A small site whose post has a warning (a vague link text).
    fn site_with_a_warning() -> tempfile::TempDir {
        let site = tempfile::tempdir().unwrap();
        let files = [
            (
                "config.toml",
                "title = \"Clinic\"\nbase_url = \"https://clinic.example\"\n",
            ),
            ("data/doctors.toml", "[lee]\nname = \"Dr. Sam Lee\"\n"),
            ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
            ("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n"),
            (
                "content/blog/walk.md",
                "+++\ntitle = \"Walk\"\ndate = 2026-01-05\nkind = \"news\"\n+++\n\nWalk every day. For more, [click here](https://example.org/walk).\n",
            ),
        ];
        for (path, text) in files {
            let path = site.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        site
    }

    /// What `rounds serve` builds with, into a scratch folder.
    fn preview_options(root: &std::path::Path, scratch: &std::path::Path) -> BuildOptions {
        BuildOptions {
            root: root.to_path_buf(),
            output: scratch.join("site"),
            base_url: Some("http://127.0.0.1:1111".into()),
            drafts: false,
            outreach: Some(scratch.join("outreach")),
        }
    }

    /// The browser hears of a full rebuild before its warnings are printed:
    /// at 10,000 posts printing them takes seconds.
    #[test]
    fn a_rebuild_reloads_the_page_before_its_warnings_are_printed() {
        let site = site_with_a_warning();
        let root = site.path().canonicalize().unwrap();
        let scratch = tempfile::tempdir().unwrap();
        let options = preview_options(&root, scratch.path());
        let (session, problems) = Session::start(options, true, &Progress::new(false));
        assert!(session.is_ok(), "{problems:#?}");
        assert!(
            problems.iter().any(|d| d.rule == "a11y/link-text"),
            "{problems:#?}"
        );
        let (watcher, _changes) = watch::watch(&root, DEBOUNCE).unwrap();
        let live = Arc::new(Live::default());
        let events = Mutex::new(live.subscribe());
        // For each report: its warnings, and the event the page had by then.
        let reports = Arc::new(Mutex::new(Vec::new()));
        let seen = reports.clone();
        let mut rebuilder = Rebuilder {
            session: session.unwrap(),
            watcher,
            live,
            root: root.clone(),
            report: move |problems: &[Diagnostic]| {
                let heard = events.lock().unwrap().try_recv().ok();
                seen.lock().unwrap().push((problems.len(), heard));
            },
        };
        rebuilder.rebuild(&watch::Change {
            paths: vec![root.join("config.toml")],
        });
        let reports = reports.lock().unwrap();
        assert_eq!(reports.len(), 1, "{reports:?}");
        assert!(reports[0].0 > 0, "the warning is reported: {reports:?}");
        assert_eq!(reports[0].1, Some(Event::Reload), "{reports:?}");
    }

    /// A save of a post that changed nothing, batched with a new static
    /// file (a folder made and a file written while a rebuild ran), still
    /// reloads: the static file is new even though no page is.
    #[test]
    fn a_new_static_file_batched_with_an_unchanged_post_reloads() {
        let site = site_with_a_warning();
        let root = site.path().canonicalize().unwrap();
        let scratch = tempfile::tempdir().unwrap();
        let options = preview_options(&root, scratch.path());
        let (session, problems) = Session::start(options, false, &Progress::new(false));
        let mut session = session.unwrap_or_else(|()| panic!("{problems:#?}"));
        std::fs::create_dir_all(root.join("static")).unwrap();
        std::fs::write(root.join("static/extra.css"), "body { color: #222; }").unwrap();
        let (done, problems) =
            session.apply(&[root.join("content/blog/walk.md"), root.join("static")]);
        let done = done.unwrap_or_else(|()| panic!("{problems:#?}"));
        assert!(done.shows_change(), "{done:?}");
        assert!(scratch.path().join("site/extra.css").is_file());
    }
}
