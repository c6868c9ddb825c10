//! The output folder, replaced atomically: a build writes a fresh folder beside
//! it and swaps it in only when everything succeeded, so a failed build leaves
//! the last good site in place.

use std::io;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

/// The file Rounds writes into every folder it builds (the site, the
/// outreach), so that a build replaces only a folder it wrote.
pub const MARKER: &str = ".rounds-output";

const MARKER_TEXT: &str = "This folder is written by Rounds (`rounds build`), which replaces it whole on every build.\nRounds replaces only folders that hold this file, or empty ones.\n";

pub struct Staging {
    dir: TempDir,
    target: PathBuf,
}

impl Staging {
    /// A new empty folder in the same parent as `target`, so a rename can swap them.
    pub fn new(target: &Path) -> io::Result<Staging> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.rounds-"))
            .tempdir_in(&parent)?;
        std::fs::write(dir.path().join(MARKER), MARKER_TEXT)?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Swaps the staged folder in for the target. Dropping a `Staging`
    /// without committing deletes it and leaves the target alone.
    pub fn commit(self) -> io::Result<()> {
        self.commit_keeping_old()?.remove()
    }

    /// [`Staging::commit`], but the folder it replaced is handed back
    /// instead of deleted, for the caller to delete when it suits: deleting
    /// a large site takes seconds, which `rounds serve` spends after the
    /// browser has been told to reload.
    pub fn commit_keeping_old(self) -> io::Result<Replaced> {
        let staged = self.dir.keep();
        set_readable(&staged)?;
        let result = swap(&staged, &self.target);
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&staged);
        }
        result.map(Replaced)
    }
}

/// The output a commit replaced, moved aside and not yet deleted (nothing,
/// when there was no output before).
#[must_use = "the replaced output stays on disk until it is removed"]
#[derive(Debug)]
pub struct Replaced(Option<PathBuf>);

impl Replaced {
    pub fn remove(self) -> io::Result<()> {
        match self.0 {
            Some(old) => std::fs::remove_dir_all(old),
            None => Ok(()),
        }
    }
}

/// Swaps `staged` in for `target`, and gives the folder holding the old
/// target, if there was one.
fn swap(staged: &Path, target: &Path) -> io::Result<Option<PathBuf>> {
    if !target.exists() {
        return std::fs::rename(staged, target).map(|()| None);
    }
    let parent = staged.parent().unwrap_or(Path::new("."));
    let old = tempfile::Builder::new()
        .prefix(".rounds-old-")
        .tempdir_in(parent)?
        .keep();
    let old_site = old.join("site");
    std::fs::rename(target, &old_site)?;
    // The serve tests hold the folder missing here, as a slow disk might.
    #[cfg(feature = "failpoints")]
    fail::fail_point!("output::mid-swap");
    if let Err(e) = std::fs::rename(staged, target) {
        // Put the last good site back before reporting.
        let _ = std::fs::rename(&old_site, target);
        let _ = std::fs::remove_dir_all(&old);
        return Err(e);
    }
    Ok(Some(old))
}

/// Temporary folders are private to their owner; a website is not.
#[cfg(unix)]
fn set_readable(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn set_readable(_: &Path) -> io::Result<()> {
    Ok(())
}

/// What the site's sources are made of: no build may replace them.
const SOURCES: &[&str] = &[
    crate::config::Config::FILE,
    crate::load::CONTENT,
    crate::load::DATA,
    "templates",
    "themes",
    "static",
    crate::ledger::FILE,
    ".github",
    "netlify.toml",
    ".git",
];

/// Why a build of the site at `root` may not replace `target`, if it may not:
/// it holds the site, is one of the site's sources or inside one, is a file,
/// or is a folder with files that Rounds did not write.
pub fn refusal(root: &Path, target: &Path) -> Option<String> {
    let root = crate::site_path::resolved(root);
    let target = crate::site_path::resolved(target);
    if root.starts_with(&target) {
        return Some("it holds the whole site".into());
    }
    let inside = target.strip_prefix(&root).ok();
    if let Some((inside, first)) = inside.and_then(|i| Some((i, i.components().next()?))) {
        let first = first.as_os_str().to_string_lossy();
        // Case-insensitive, for the file systems of macOS and Windows.
        if let Some(source) = SOURCES.iter().find(|s| s.eq_ignore_ascii_case(&first)) {
            return Some(if inside.components().count() == 1 {
                format!("it is the site's own `{source}`")
            } else {
                format!("it is inside the site's own `{source}`")
            });
        }
    }
    if target.is_file() {
        return Some("it is a file, not a folder".into());
    }
    (target.is_dir() && !is_empty(&target) && !written_by_rounds(&target))
        .then(|| format!("it holds files Rounds did not write (no `{MARKER}` in it)"))
}

fn is_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

/// A folder with the marker, or one a Rounds from before the marker wrote:
/// a site (`syntax.css` and `sitemap.xml`, which every build writes) or an
/// outreach folder (`outreach.json` and its preview page).
fn written_by_rounds(dir: &Path) -> bool {
    let has = |name: &str| dir.join(name).is_file();
    has(MARKER)
        || (has(crate::derive::SYNTAX_CSS) && has("sitemap.xml"))
        || (has("outreach.json") && has("index.html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_and_drop_keeps_the_old_site() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("old.html"), "old").unwrap();

        let failed = Staging::new(&target).unwrap();
        std::fs::write(failed.path().join("new.html"), "new").unwrap();
        drop(failed);
        assert!(target.join("old.html").exists());

        let staging = Staging::new(&target).unwrap();
        std::fs::write(staging.path().join("new.html"), "new").unwrap();
        staging.commit().unwrap();
        assert!(target.join("new.html").exists());
        assert!(!target.join("old.html").exists());
        assert_eq!(
            std::fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "no staging folders left behind"
        );

        // Kept, the replaced site stays aside until it is removed.
        let staging = Staging::new(&target).unwrap();
        std::fs::write(staging.path().join("newer.html"), "newer").unwrap();
        let replaced = staging.commit_keeping_old().unwrap();
        assert!(target.join("newer.html").exists());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 2);
        replaced.remove().unwrap();
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn the_site_and_its_sources_are_not_safe_targets() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        assert!(refusal(root, root).is_some());
        assert!(refusal(&root.join("site"), root).is_some());
        assert!(refusal(root, &root.join("public")).is_none());
        for source in SOURCES {
            assert!(refusal(root, &root.join(source)).is_some(), "{source}");
        }
        assert!(refusal(root, &root.join("Content")).is_some());
        assert!(refusal(root, &root.join("content/blog")).is_some());
        assert!(refusal(root, &root.join("public/../templates")).is_some());
    }

    #[test]
    fn only_empty_folders_and_folders_rounds_wrote_are_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let folder = root.join("preview");
        std::fs::create_dir(&folder).unwrap();
        assert!(refusal(root, &folder).is_none(), "empty");
        std::fs::write(folder.join("notes.txt"), "mine").unwrap();
        assert!(refusal(root, &folder).is_some(), "someone else's");
        std::fs::write(folder.join(MARKER), MARKER_TEXT).unwrap();
        assert!(refusal(root, &folder).is_none(), "marked");
        std::fs::write(root.join("README.md"), "read me").unwrap();
        assert!(refusal(root, &root.join("README.md")).is_some(), "a file");

        let staging = Staging::new(&root.join("public")).unwrap();
        assert!(staging.path().join(MARKER).is_file());
    }
}
