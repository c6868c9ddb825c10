//! The files the preview answers with, read whole from one open file.
//!
//! tower-http's `ServeDir` asks whether a path is a folder, then opens it,
//! then streams it with the length it had when opened. A full rebuild swaps
//! the whole site folder in by two renames, and a request that fell between
//! them opened a folder as a file (`200`, `Content-Length: 4096`, no body),
//! and any error but "not found" (a name over 255 bytes) became an empty
//! `500`. Here a request is answered from the bytes of a single open file
//! (what it is and how long are both read from that file), a request that
//! met the swap is tried again once the new folder is in, and every path the
//! site cannot hold is simply not found.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use percent_encoding::percent_decode_str;

/// The longest file name common file systems hold, in bytes.
const MAX_NAME: usize = 255;
/// The longest path Linux opens, in bytes.
const MAX_PATH: usize = 4096;

/// How long to wait for a swapped-out site folder to come back, in steps.
/// A swap is two renames; this only matters when a request falls between them.
const SWAP_WAIT: Duration = Duration::from_millis(5);
const SWAP_TRIES: usize = 400;

/// What a request path names in a folder.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// A file's whole bytes, and its content type.
    File { bytes: Vec<u8>, mime: &'static str },
    /// A folder asked for without its closing `/`.
    Folder,
    /// Nothing there, or nothing a site could hold (too long, `..`, a NUL).
    Nothing,
}

/// Reads what `request_path` (as sent, percent-encoded) names under `root`.
/// Blocking: call it off the async runtime.
pub fn find(root: &Path, request_path: &str) -> Found {
    let Some(relative) = relative(request_path) else {
        return Found::Nothing;
    };
    let wants_folder = request_path.ends_with('/') || request_path.is_empty();
    for _ in 0..SWAP_TRIES {
        let before = identity(root);
        match look_up(&root.join(&relative), wants_folder) {
            Ok(found) => return found,
            // Not found while the folder itself was being replaced: wait for the new one.
            Err(e) if e.kind() == io::ErrorKind::NotFound && swapping(before, identity(root)) => {
                std::thread::sleep(SWAP_WAIT)
            }
            Err(_) => return Found::Nothing,
        }
    }
    Found::Nothing
}

/// The request path as a path under the folder, or `None` for one that no
/// file of the site can have.
fn relative(request_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(request_path).decode_utf8().ok()?;
    if decoded.len() > MAX_PATH {
        return None;
    }
    let mut relative = PathBuf::new();
    for segment in decoded.split('/') {
        if segment.is_empty() || segment == "." {
            continue;
        }
        // `..`, and anything the platform reads as more than a name.
        let single_name = {
            let mut parts = Path::new(segment).components();
            matches!(
                (parts.next(), parts.next()),
                (Some(Component::Normal(_)), None)
            )
        };
        let windows_special = cfg!(windows) && segment.contains([':', '\\']);
        if !single_name || windows_special || segment.len() > MAX_NAME || segment.contains('\0') {
            return None;
        }
        relative.push(segment);
    }
    Some(relative)
}

fn look_up(path: &Path, wants_folder: bool) -> io::Result<Found> {
    match open(path)? {
        Opened::File(bytes) => Ok(Found::File {
            bytes,
            mime: mime_of(path),
        }),
        Opened::Folder if !wants_folder => Ok(Found::Folder),
        Opened::Folder => {
            let index = path.join("index.html");
            match open(&index)? {
                Opened::File(bytes) => Ok(Found::File {
                    bytes,
                    mime: mime_of(&index),
                }),
                Opened::Folder => Ok(Found::Nothing),
            }
        }
    }
}

enum Opened {
    File(Vec<u8>),
    Folder,
}

/// Opens `path` once, and tells a folder from a file by what was opened.
fn open(path: &Path) -> io::Result<Opened> {
    let mut file = File::open(path)?;
    let metadata = file.metadata()?;
    if metadata.is_dir() {
        return Ok(Opened::Folder);
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.read_to_end(&mut bytes)?;
    Ok(Opened::File(bytes))
}

fn mime_of(path: &Path) -> &'static str {
    mime_guess::from_path(path)
        .first_raw()
        .unwrap_or("application/octet-stream")
}

/// Which folder is at a path right now (`None`: none is).
#[cfg(unix)]
fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().map(|_| (0, 0))
}

/// Whether the folder was missing or replaced around a lookup.
fn swapping(before: Option<(u64, u64)>, after: Option<(u64, u64)>) -> bool {
    before.is_none() || after.is_none() || before != after
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_stay_inside_the_folder() {
        assert_eq!(relative("/blog/bp/"), Some(PathBuf::from("blog/bp")));
        assert_eq!(relative("/a%20b.txt"), Some(PathBuf::from("a b.txt")));
        assert_eq!(relative("/"), Some(PathBuf::new()));
        for outside in ["/../x", "/%2e%2e/x", "/a/..%2fx", "/a%00"] {
            assert_eq!(relative(outside), None, "{outside}");
        }
        assert_eq!(relative(&format!("/{}", "a".repeat(256))), None);
        assert!(relative(&format!("/{}", "a".repeat(255))).is_some());
        assert_eq!(relative(&"/abc".repeat(1100)), None, "over 4096 bytes");
        assert_eq!(relative("/%ff"), None, "not UTF-8");
    }

    #[test]
    fn folders_give_their_index_or_a_redirect() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("blog/bp")).unwrap();
        std::fs::write(dir.path().join("blog/bp/index.html"), "<p>bp</p>").unwrap();
        std::fs::write(dir.path().join("note.txt"), "hi").unwrap();
        assert_eq!(
            find(dir.path(), "/blog/bp/"),
            Found::File {
                bytes: b"<p>bp</p>".to_vec(),
                mime: "text/html"
            }
        );
        assert_eq!(find(dir.path(), "/blog/bp"), Found::Folder);
        assert_eq!(find(dir.path(), "/blog/"), Found::Nothing, "no index");
        assert_eq!(
            find(dir.path(), "/note.txt"),
            Found::File {
                bytes: b"hi".to_vec(),
                mime: "text/plain"
            }
        );
        assert_eq!(find(dir.path(), "/note.txt/x"), Found::Nothing);
        assert_eq!(find(dir.path(), "/missing.html"), Found::Nothing);
        let long = format!("/blog/{}", "x".repeat(300));
        assert_eq!(find(dir.path(), &long), Found::Nothing);
    }

    #[test]
    fn a_request_during_a_swap_waits_for_the_new_folder() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir(&site).unwrap();
        std::fs::write(site.join("index.html"), "old").unwrap();
        let staged = dir.path().join("staged");
        std::fs::create_dir(&staged).unwrap();
        std::fs::write(staged.join("index.html"), "new").unwrap();
        let away = dir.path().join("away");
        std::fs::rename(&site, &away).unwrap();
        let swap = {
            let (site, staged) = (site.clone(), staged.clone());
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(100));
                std::fs::rename(staged, site).unwrap();
            })
        };
        let found = find(&site, "/");
        swap.join().unwrap();
        assert_eq!(
            found,
            Found::File {
                bytes: b"new".to_vec(),
                mime: "text/html"
            }
        );
    }
}
