//! Fixture sites for the integration tests: written to a temporary folder,
//! built with the real `rounds` binary.

pub mod browser;
pub mod contract;
pub mod facebook;
pub mod graph;
pub mod ledger;
pub mod linkedin;
pub mod mastodon;
pub mod openapi;
pub mod pds;
pub mod s3;
pub mod threads;
/// X's counting, compiled in from `src/`, so that the X contract server and
/// the conformance table count exactly as `rounds` does.
#[path = "../../src/network/x/twitter_text.rs"]
pub mod twitter_text;
pub mod x;
pub mod x_api;
pub mod x_signing;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub struct Fixture {
    pub dir: tempfile::TempDir,
}

pub const CONFIG: &str = r#"title = "Riverside Heart"
description = "Heart care for Springfield"
base_url = "https://heart.example"
paginate_by = 2

# Build tests are about output; `tests/check.rs` covers review rules at their defaults.
[check]
"review/missing" = "warning"

[clinic]
name = "Riverside Heart"
phone = "+1-555-0100"
"#;

pub const DOCTORS: &str = r#"[patel]
name = "Dr. Asha Patel"
credentials = "MD"
"#;

impl Fixture {
    /// A site with a config and the given files (path, contents).
    pub fn new(files: &[(&str, &str)]) -> Fixture {
        let fixture = Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        fixture.write("config.toml", CONFIG);
        fixture.write("data/doctors.toml", DOCTORS);
        std::fs::create_dir_all(fixture.root().join("content")).unwrap();
        for (path, text) in files {
            fixture.write(path, text);
        }
        fixture
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, path: &str, text: &str) {
        self.write_bytes(path, text.as_bytes());
    }

    pub fn write_bytes(&self, path: &str, bytes: &[u8]) {
        let path = self.root().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    pub fn remove(&self, path: &str) {
        std::fs::remove_file(self.root().join(path)).unwrap();
    }

    pub fn build(&self, args: &[&str]) -> Output {
        rounds()
            .arg("build")
            .arg("--root")
            .arg(self.root())
            .args(args)
            .output()
            .expect("run rounds")
    }

    /// Builds and fails the test with rounds' own output if the build fails.
    pub fn build_ok(&self) {
        let out = self.build(&[]);
        assert!(out.status.success(), "build failed:\n{}", stderr(&out));
    }

    pub fn public(&self, path: &str) -> PathBuf {
        self.root().join("public").join(path)
    }

    pub fn read(&self, path: &str) -> String {
        let file = self.public(path);
        std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
    }

    pub fn exists(&self, path: &str) -> bool {
        self.public(path).exists()
    }
}

pub fn rounds() -> Command {
    let mut cmd = Command::cargo_bin("rounds").expect("rounds binary");
    cmd.env("NO_COLOR", "1").env_remove("ROUNDS_MASTODON_TOKEN");
    // The pictures (and link checks) a build caches stay out of the home
    // folder; a test about the cache sets its own.
    cmd.env(
        "XDG_CACHE_HOME",
        std::env::temp_dir().join("rounds-tests-cache"),
    );
    for var in [
        "ROUNDS_X_ACCESS_TOKEN",
        "ROUNDS_X_REFRESH_TOKEN",
        "ROUNDS_X_CLIENT_ID",
        "ROUNDS_X_CLIENT_SECRET",
        "ROUNDS_X_CONSUMER_KEY",
        "ROUNDS_X_CONSUMER_SECRET",
        "ROUNDS_X_ACCESS_TOKEN_SECRET",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A post with TOML front matter.
pub fn post(title: &str, extra: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\n{extra}\n+++\n\n{body}\n")
}

/// Every file under a folder, relative and sorted, to compare two builds.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}
