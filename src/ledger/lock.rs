//! One writer of the ledger at a time: `syndication.toml.lock` beside it,
//! held with the operating system's advisory lock for a whole run, so two
//! `rounds publish` on one site can never both send an item or overwrite each
//! other's records. The lock goes when the process does, however it ends; the
//! file only says who holds it, for the message the next run prints.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

// fs4's calls, named in full: std has the same methods since Rust 1.89,
// newer than this crate's rust-version, and a method call would pick std's.
use fs4::{FileExt, TryLockError};

/// The lock file's name, beside the ledger.
pub const FILE: &str = "syndication.toml.lock";

/// The ledger, held by this process until dropped. Every ledger write takes
/// one, so nothing writes the ledger without it.
#[derive(Debug)]
pub struct LedgerLock {
    file: File,
    path: PathBuf,
}

/// Why the lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another run holds it; what its lock file says about it.
    #[error(
        "{by} is using {}; run again when it has finished, or add --wait to wait for it",
        super::FILE
    )]
    Held { by: String },
    /// The lock file could not be made or locked, at this path.
    #[error(
        "cannot lock the ledger with {}: {}; is --root the site's folder, and may this user write to it?",
        .0.display(),
        .1
    )]
    Io(PathBuf, #[source] std::io::Error),
}

/// How a run that finds the ledger held behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenHeld {
    /// Stop at once with [`LockError::Held`].
    Stop,
    /// Wait for it, after telling `announce` who is being waited for.
    Wait,
}

impl LedgerLock {
    /// Takes the site's ledger for `command` (e.g. "rounds publish").
    pub fn acquire(
        root: &Path,
        command: &str,
        when_held: WhenHeld,
        announce: impl Fn(&str),
    ) -> Result<LedgerLock, LockError> {
        let path = root.join(FILE);
        loop {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| LockError::Io(path.clone(), e))?;
            match FileExt::try_lock(&file) {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    let by = holder(&mut file);
                    if when_held == WhenHeld::Stop {
                        return Err(LockError::Held { by });
                    }
                    announce(&format!("waiting for {by} to finish with {}…", super::FILE));
                    FileExt::lock(&file).map_err(|e| LockError::Io(path.clone(), e))?;
                }
                Err(TryLockError::Error(e)) => return Err(LockError::Io(path, e)),
            }
            // The run before removed the file after it was opened here: the
            // lock taken is on a file nobody else will open. Take the new one.
            if !still_at(&file, &path) {
                continue;
            }
            sign(&mut file, command).map_err(|e| LockError::Io(path.clone(), e))?;
            return Ok(LedgerLock { file, path });
        }
    }
}

impl Drop for LedgerLock {
    fn drop(&mut self) {
        // Removed while still held, so a run waiting on this file sees it go
        // (`still_at`) and takes a fresh one. On systems where an open file
        // cannot be removed, it stays, empty, and is reused.
        if std::fs::remove_file(&self.path).is_err() {
            let _ = self.file.set_len(0);
        }
        let _ = FileExt::unlock(&self.file);
    }
}

/// Who holds the lock, from what the holder wrote in the file.
fn holder(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file.read_to_string(&mut text);
    match text.trim() {
        "" => "another run".into(),
        said => said.to_string(),
    }
}

/// Writes who holds the lock, for the message another run prints.
fn sign(file: &mut File, command: &str) -> std::io::Result<()> {
    let since = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    file.set_len(0)?;
    file.rewind()?;
    write!(
        file,
        "`{command}` (pid {}, since {since})",
        std::process::id()
    )?;
    file.flush()
}

#[cfg(unix)]
fn still_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(held), Ok(there)) => held.dev() == there.dev() && held.ino() == there.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn still_at(_file: &File, path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_taker_is_told_who_holds_it_and_a_waiting_one_gets_it_after() {
        let dir = tempfile::tempdir().unwrap();
        let first = LedgerLock::acquire(dir.path(), "rounds publish", WhenHeld::Stop, |_| {})
            .expect("free");
        let held = LedgerLock::acquire(dir.path(), "rounds publish", WhenHeld::Stop, |_| {})
            .expect_err("held");
        let message = held.to_string();
        assert!(
            message.contains(&format!("pid {}", std::process::id())) && message.contains("--wait"),
            "{message}"
        );
        let waiter = std::thread::spawn({
            let root = dir.path().to_path_buf();
            move || {
                let said = std::sync::Mutex::new(String::new());
                let lock = LedgerLock::acquire(&root, "rounds publish", WhenHeld::Wait, |m| {
                    *said.lock().unwrap() = m.to_string()
                });
                (lock.is_ok(), said.into_inner().unwrap())
            }
        });
        std::thread::sleep(std::time::Duration::from_millis(200));
        drop(first);
        let (taken, said) = waiter.join().unwrap();
        assert!(taken);
        assert!(said.starts_with("waiting for `rounds publish`"), "{said}");
        assert!(
            !dir.path().join(FILE).exists(),
            "removed with the last holder"
        );
    }
}
