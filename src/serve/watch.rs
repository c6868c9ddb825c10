//! Watching the site's sources: content, templates, themes, static files,
//! data, config and the ledger. Events are debounced, so an editor that saves
//! by writing a temporary file and renaming it, or that writes twice, gives
//! one rebuild.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify_debouncer_full::notify::{self, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, RecommendedCache, new_debouncer};

/// Folders whose every file is a source.
pub const FOLDERS: &[&str] = &["content", "templates", "themes", "static", "data"];
/// Files at the site's top that are sources.
pub const FILES: &[&str] = &["config.toml", "syndication.toml"];

/// A batch of changed source files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    pub paths: Vec<PathBuf>,
}

impl Change {
    /// Only stylesheets changed: the page can swap them without reloading.
    pub fn is_css_only(&self) -> bool {
        !self.paths.is_empty()
            && self
                .paths
                .iter()
                .all(|p| p.extension().is_some_and(|e| e == "css"))
    }
}

type Debouncer = notify_debouncer_full::Debouncer<
    notify_debouncer_full::notify::RecommendedWatcher,
    RecommendedCache,
>;

/// The watches on a site's sources, kept in step with its folders. A watch
/// is on a folder, not on its name: when `content/` is moved away the
/// watcher drops it, and when a folder of that name comes back nothing
/// watches it unless it is watched again, so every change that names a
/// source folder itself is followed by [`Watch::follow`]. Dropping this
/// stops the watching.
pub struct Watch {
    debouncer: Debouncer,
    /// The site's folder, canonical, as events name it.
    root: PathBuf,
    /// Source folders watched now.
    folders: Vec<PathBuf>,
    /// Source folders that went away while watched.
    lost: Vec<PathBuf>,
}

/// Why a folder of the site cannot be watched.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The site's folder cannot be found.
    #[error("cannot watch {}: {source}", path.display())]
    Unreachable {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The system would not watch it (too many watches, no permission).
    #[error("cannot watch {}: {source}", path.display())]
    Refused {
        path: PathBuf,
        source: notify::Error,
    },
}

impl WatchError {
    fn refused(path: &Path) -> impl FnOnce(notify::Error) -> WatchError + '_ {
        move |source| WatchError::Refused {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Starts watching `root`; changes arrive on the returned channel.
pub fn watch(
    root: &Path,
    debounce: Duration,
) -> Result<(Watch, mpsc::Receiver<Change>), WatchError> {
    let (sender, receiver) = mpsc::channel();
    // Events name absolute paths.
    let root = root
        .canonicalize()
        .map_err(|source| WatchError::Unreachable {
            path: root.to_path_buf(),
            source,
        })?;
    let root_owned = root.clone();
    let debouncer = new_debouncer(debounce, None, move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        let mut paths: Vec<PathBuf> = events
            .into_iter()
            .filter(|e| !e.kind.is_access())
            .flat_map(|e| e.event.paths)
            .filter(|p| is_source(&root_owned, p))
            .collect();
        paths.sort();
        paths.dedup();
        if !paths.is_empty() {
            let _ = sender.send(Change { paths });
        }
    })
    .map_err(WatchError::refused(&root))?;
    let mut watch = Watch {
        debouncer,
        root,
        folders: Vec::new(),
        lost: Vec::new(),
    };
    for folder in FOLDERS {
        let dir = watch.root.join(folder);
        if dir.is_dir() {
            watch.add(&dir)?;
        }
    }
    // The top folder itself, not recursively: config.toml and the ledger,
    // including when an editor replaces them by renaming, and the source
    // folders coming and going.
    let root = watch.root.clone();
    watch
        .debouncer
        .watch(&root, RecursiveMode::NonRecursive)
        .map_err(WatchError::refused(&root))?;
    Ok((watch, receiver))
}

impl Watch {
    /// Brings the watches in line with the source folders after `changed`:
    /// a folder moved or deleted is dropped, one that appeared, came back or
    /// was replaced is watched (again). Returns lines for the log.
    pub fn follow(&mut self, changed: &[PathBuf]) -> Vec<String> {
        let mut notes = Vec::new();
        for folder in FOLDERS {
            let dir = self.root.join(folder);
            let exists = dir.is_dir();
            let watched = self.folders.contains(&dir);
            // The folder itself was created, moved or deleted: the watch on
            // it, if any, may be on a folder that is no longer there.
            if watched && (!exists || changed.contains(&dir)) {
                // The watcher may have dropped it already.
                let _ = self.debouncer.unwatch(&dir);
                self.folders.retain(|d| d != &dir);
                if !exists {
                    self.lost.push(dir.clone());
                    notes.push(format!(
                        "{folder}/ was moved or deleted: its changes are not seen until it is back"
                    ));
                }
            }
            if exists && !self.folders.contains(&dir) {
                match self.add(&dir) {
                    Ok(()) if watched || self.lost.contains(&dir) => {
                        self.lost.retain(|d| d != &dir);
                        notes.push(format!("watching {folder}/ again"));
                    }
                    Ok(()) => {}
                    Err(e) => notes.push(format!("warning: {e}")),
                }
            }
        }
        notes
    }

    fn add(&mut self, dir: &Path) -> Result<(), WatchError> {
        self.debouncer
            .watch(dir, RecursiveMode::Recursive)
            .map_err(WatchError::refused(dir))?;
        self.folders.push(dir.to_path_buf());
        Ok(())
    }
}

/// Whether a changed path is one of the site's sources (and not an editor's
/// swap file or backup).
fn is_source(root: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
    {
        return false;
    }
    let mut parts = relative.components();
    let first = parts
        .next()
        .and_then(|c| c.as_os_str().to_str())
        .unwrap_or_default();
    match parts.next() {
        None => FILES.contains(&first) || FOLDERS.contains(&first),
        Some(_) => FOLDERS.contains(&first),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_told_from_editor_litter_and_output() {
        let root = Path::new("/site");
        assert!(is_source(root, Path::new("/site/content/blog/bp.md")));
        assert!(is_source(root, Path::new("/site/config.toml")));
        assert!(is_source(
            root,
            Path::new("/site/themes/clinic/static/style.css")
        ));
        assert!(!is_source(root, Path::new("/site/content/blog/.bp.md.swp")));
        assert!(!is_source(root, Path::new("/site/content/blog/bp.md~")));
        assert!(!is_source(root, Path::new("/site/public/index.html")));
        assert!(!is_source(root, Path::new("/site/.git/index")));
        assert!(!is_source(root, Path::new("/site/notes.txt")));
    }

    #[test]
    fn a_change_of_stylesheets_only_can_be_swapped() {
        let css = Change {
            paths: vec!["/s/static/a.css".into(), "/s/themes/t/static/b.css".into()],
        };
        assert!(css.is_css_only());
        let mixed = Change {
            paths: vec!["/s/static/a.css".into(), "/s/content/x.md".into()],
        };
        assert!(!mixed.is_css_only());
    }
}
