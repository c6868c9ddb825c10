//! What a deploy has to do: the built site's files against the objects
//! already stored, compared by content hash, so only changed files go up.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use md5::{Digest, Md5};
use rayon::prelude::*;

use super::error::DeployError;

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFile {
    /// The path from the site root with `/` separators: `blog/bp/index.html`.
    pub key: String,
    pub path: PathBuf,
    pub size: u64,
    /// The MD5 of its bytes, in lowercase hex: what S3 gives as the ETag of an
    /// object uploaded in one piece.
    pub md5: String,
}

/// One object already in the target, as a listing gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The key below the target's prefix, in the same form as [`SiteFile::key`].
    pub key: String,
    pub size: u64,
    pub e_tag: Option<String>,
}

/// Why a file goes up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    New,
    Changed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub file: SiteFile,
    pub change: Change,
}

/// The changes a deploy makes, before it makes them.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub upload: Vec<Upload>,
    pub unchanged: Vec<SiteFile>,
    /// Stored objects the site no longer has; deleted only with `--delete`.
    pub stale: Vec<String>,
    /// Files whose stored ETag is not an MD5 (Azure, GCS composites, S3 with
    /// KMS encryption): settled by the hash Rounds keeps in the object's
    /// metadata, see [`Plan::settle`].
    pub unsure: Vec<SiteFile>,
}

impl Plan {
    /// Compares the site with what is stored. With `force`, every file goes up.
    pub fn new(files: Vec<SiteFile>, stored: &[Stored], force: bool) -> Plan {
        let by_key: HashMap<&str, &Stored> = stored.iter().map(|s| (s.key.as_str(), s)).collect();
        let mut plan = Plan::default();
        for file in &files {
            match by_key.get(file.key.as_str()) {
                None => plan.upload.push(Upload {
                    file: file.clone(),
                    change: Change::New,
                }),
                Some(_) if force => plan.upload.push(Upload {
                    file: file.clone(),
                    change: Change::Changed,
                }),
                Some(stored) if stored.size != file.size => plan.upload.push(Upload {
                    file: file.clone(),
                    change: Change::Changed,
                }),
                Some(stored) if etag_is(stored.e_tag.as_deref(), &file.md5) => {
                    plan.unchanged.push(file.clone())
                }
                Some(_) => plan.unsure.push(file.clone()),
            }
        }
        let local: HashSet<&str> = files.iter().map(|f| f.key.as_str()).collect();
        plan.stale = stored
            .iter()
            .filter(|s| !local.contains(s.key.as_str()))
            .map(|s| s.key.clone())
            .collect();
        plan.stale.sort();
        plan
    }

    /// Settles the unsure files by the MD5 kept in their metadata: the same
    /// hash is unchanged, anything else (or none) goes up.
    pub fn settle(&mut self, kept: &HashMap<String, Option<String>>) {
        for file in std::mem::take(&mut self.unsure) {
            let same = kept
                .get(&file.key)
                .is_some_and(|md5| md5.as_deref() == Some(file.md5.as_str()));
            if same {
                self.unchanged.push(file);
            } else {
                self.upload.push(Upload {
                    file,
                    change: Change::Changed,
                });
            }
        }
        self.upload.sort_by(|a, b| a.file.key.cmp(&b.file.key));
        self.unchanged.sort_by(|a, b| a.key.cmp(&b.key));
    }

    /// The bytes the uploads send.
    pub fn upload_bytes(&self) -> u64 {
        self.upload.iter().map(|u| u.file.size).sum()
    }
}

/// True when an ETag (`"9e107d9d372bb6826bd81d3542a419d6"`, quotes and all)
/// is the MD5 `md5`.
fn etag_is(e_tag: Option<&str>, md5: &str) -> bool {
    e_tag.is_some_and(|tag| {
        tag.trim_start_matches("W/")
            .trim_matches('"')
            .eq_ignore_ascii_case(md5)
    })
}

/// Every file under `public`, sorted by key, with its size and MD5.
pub fn scan(public: &Path) -> Result<Vec<SiteFile>, DeployError> {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(public).follow_links(true) {
        let entry = entry.map_err(|source| DeployError::SiteUnreadable {
            folder: public.to_path_buf(),
            source,
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative =
            entry
                .path()
                .strip_prefix(public)
                .map_err(|source| DeployError::OutsideSite {
                    path: entry.path().to_path_buf(),
                    source,
                })?;
        let key = relative
            .components()
            .map(|c| c.as_os_str().to_str())
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| DeployError::NotUtf8 {
                path: entry.path().to_path_buf(),
            })?
            .join("/");
        found.push((key, entry.path().to_path_buf()));
    }
    let mut files: Vec<SiteFile> = found
        .into_par_iter()
        .map(|(key, path)| {
            let (size, md5) = digest(&path).map_err(|source| DeployError::FileUnreadable {
                path: path.clone(),
                source,
            })?;
            Ok(SiteFile {
                key,
                path,
                size,
                md5,
            })
        })
        .collect::<Result<_, DeployError>>()?;
    files.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(files)
}

/// The size and MD5 of a file, read in pieces so a large video does not
/// have to fit in memory.
fn digest(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Md5::new();
    let mut buffer = vec![0; 64 * 1024];
    let mut size = 0;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buffer[..n]);
    }
    Ok((size, hex(&hasher.finalize())))
}

/// The MD5 of bytes in lowercase hex.
pub fn md5_hex(bytes: &[u8]) -> String {
    hex(&Md5::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The keys of a plan's uploads, in order, for reports.
pub fn keys(uploads: &[Upload]) -> Vec<String> {
    uploads.iter().map(|u| u.file.key.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(key: &str, body: &str) -> SiteFile {
        SiteFile {
            key: key.into(),
            path: PathBuf::from(key),
            size: body.len() as u64,
            md5: md5_hex(body.as_bytes()),
        }
    }

    fn stored(key: &str, body: &str) -> Stored {
        Stored {
            key: key.into(),
            size: body.len() as u64,
            e_tag: Some(format!("\"{}\"", md5_hex(body.as_bytes()))),
        }
    }

    #[test]
    fn md5_is_the_s3_etag_of_a_single_part_upload() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(
            md5_hex(b"The quick brown fox jumps over the lazy dog"),
            "9e107d9d372bb6826bd81d3542a419d6"
        );
    }

    #[test]
    fn only_new_and_changed_files_go_up() {
        let site = vec![
            file("index.html", "home v2"),
            file("new.html", "new"),
            file("same.css", "body{}"),
            file("resized.html", "longer than before"),
        ];
        let there = vec![
            stored("index.html", "home v1"),
            stored("same.css", "body{}"),
            stored("resized.html", "short"),
            stored("gone.html", "old"),
        ];
        let plan = Plan::new(site, &there, false);
        let up: Vec<(&str, Change)> = plan
            .upload
            .iter()
            .map(|u| (u.file.key.as_str(), u.change))
            .collect();
        assert_eq!(
            up,
            [("new.html", Change::New), ("resized.html", Change::Changed)]
        );
        // Same size, other hash: S3 ETags are MD5s, but a KMS-encrypted
        // object's is not, so the kept hash decides.
        assert_eq!(plan.unsure.len(), 1);
        assert_eq!(plan.unsure[0].key, "index.html");
        assert_eq!(plan.unchanged.len(), 1);
        assert_eq!(plan.stale, ["gone.html"]);
        assert_eq!(plan.upload_bytes(), 3 + 18);
    }

    #[test]
    fn etags_are_compared_without_quotes_or_case() {
        assert!(etag_is(
            Some("W/\"9E107D9D372BB6826BD81D3542A419D6\""),
            "9e107d9d372bb6826bd81d3542a419d6"
        ));
        assert!(!etag_is(Some("\"abc-2\""), "abc"));
        assert!(!etag_is(None, "abc"));
    }

    #[test]
    fn settling_uses_the_kept_hash() {
        let mut there = vec![stored("a.html", "aaaa"), stored("b.html", "bbbb")];
        for s in &mut there {
            s.e_tag = Some("\"0x8DC3A\"".into());
        }
        let mut plan = Plan::new(
            vec![file("a.html", "aaaa"), file("b.html", "BBBB")],
            &there,
            false,
        );
        assert_eq!(plan.unsure.len(), 2);
        let kept = HashMap::from([
            ("a.html".to_string(), Some(md5_hex(b"aaaa"))),
            ("b.html".to_string(), Some(md5_hex(b"bbbb"))),
        ]);
        plan.settle(&kept);
        assert!(plan.unsure.is_empty());
        assert_eq!(keys(&plan.upload), ["b.html"]);
        assert_eq!(plan.unchanged[0].key, "a.html");
    }

    #[test]
    fn force_uploads_everything_and_nothing_stored_means_all_new() {
        let plan = Plan::new(vec![file("a", "x")], &[stored("a", "x")], true);
        assert_eq!(plan.upload.len(), 1);
        let plan = Plan::new(vec![file("a", "x"), file("b", "y")], &[], false);
        assert!(plan.upload.iter().all(|u| u.change == Change::New));
        assert_eq!(plan.upload.len(), 2);
        assert!(plan.stale.is_empty());
    }

    #[test]
    fn scan_lists_files_with_slash_keys() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("blog/bp")).unwrap();
        std::fs::write(dir.path().join("blog/bp/index.html"), "bp").unwrap();
        std::fs::write(dir.path().join("index.html"), "home").unwrap();
        std::fs::create_dir_all(dir.path().join(".well-known")).unwrap();
        std::fs::write(dir.path().join(".well-known/security.txt"), "x").unwrap();
        let files = scan(dir.path()).unwrap();
        let keys: Vec<&str> = files.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                ".well-known/security.txt",
                "blog/bp/index.html",
                "index.html"
            ]
        );
        assert_eq!(files[2].md5, md5_hex(b"home"));
        assert_eq!(files[2].size, 4);
    }
}
