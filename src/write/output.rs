//! The output folder, replaced atomically: a build writes a fresh folder beside
//! it and swaps it in only when everything succeeded, so a failed build leaves
//! the last good site in place.

use std::io;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

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
        let staged = self.dir.keep();
        set_readable(&staged)?;
        let result = swap(&staged, &self.target);
        if result.is_err() {
            let _ = std::fs::remove_dir_all(&staged);
        }
        result
    }
}

fn swap(staged: &Path, target: &Path) -> io::Result<()> {
    if !target.exists() {
        return std::fs::rename(staged, target);
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
    std::fs::remove_dir_all(&old)
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

/// Refuses an output folder whose replacement would delete the site itself.
pub fn is_safe_target(root: &Path, target: &Path) -> bool {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let root = canonical(root);
    let target = canonical(target);
    !root.starts_with(&target) && target != root.join("content") && target != root.join("static")
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
    }

    #[test]
    fn the_site_itself_is_not_a_safe_target() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(!is_safe_target(tmp.path(), tmp.path()));
        assert!(!is_safe_target(&tmp.path().join("site"), tmp.path()));
        assert!(is_safe_target(tmp.path(), &tmp.path().join("public")));
    }
}
