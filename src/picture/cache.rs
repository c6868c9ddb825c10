//! The picture cache, so that an unchanged build does no image work even
//! with a fresh output folder (a CI checkout, `rounds check`'s scratch
//! build): every variant made is kept under its name, which says what it
//! was made of. The folder is the link checker's (src/check/external.rs):
//! `$ROUNDS_CACHE_DIR/pictures/`, else `$XDG_CACHE_HOME/rounds/pictures/`,
//! else `~/.cache/rounds/pictures/`. Deleting it at any time is safe.

use std::path::{Path, PathBuf};

/// The cache folder, if there is a home for one.
pub fn folder() -> Option<PathBuf> {
    Some(crate::site_path::cache_dir()?.join("pictures"))
}

/// Where `file` (`social/3fa4….jpg`) is kept in `folder`.
fn entry(folder: &Path, file: &str) -> Option<PathBuf> {
    let name = Path::new(file).file_name()?;
    Some(folder.join(name))
}

/// The cached bytes of `file`.
pub fn read(folder: &Path, file: &str) -> Option<Vec<u8>> {
    std::fs::read(entry(folder, file)?).ok()
}

/// Copies the cached `file` to `to`; whether it was there. The copy is
/// readable by all, whatever the cache's own mode (a copy keeps it).
pub fn copy_out(folder: &Path, file: &str, to: &Path) -> bool {
    entry(folder, file).is_some_and(|from| {
        from.is_file() && std::fs::copy(from, to).is_ok() && readable_by_all(to).is_ok()
    })
}

/// Gives `path` the mode of a file a web server serves (0644): a temporary
/// file is made owner-only, and a copy or hard link keeps its mode.
pub fn readable_by_all(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// Keeps `bytes` as `file`, written whole or not at all (a temporary file
/// renamed), so a build stopped midway leaves no half picture to reuse.
/// A cache that cannot be written only costs time: errors are ignored.
pub fn store(folder: &Path, file: &str, bytes: &[u8]) {
    let Some(to) = entry(folder, file) else {
        return;
    };
    if std::fs::create_dir_all(folder).is_err() {
        return;
    }
    if let Ok(mut temp) = tempfile::NamedTempFile::new_in(folder) {
        if std::io::Write::write_all(&mut temp, bytes).is_ok()
            && readable_by_all(temp.path()).is_ok()
        {
            let _ = temp.persist(to);
        }
    }
}
