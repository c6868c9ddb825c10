//! The layers of `src/`, kept true: every `crate::…` path in a source file
//! must name a module of the same layer or a lower one (docs/architecture.md
//! gives the order and why). A test module at the end of a file
//! (`#[cfg(test)] mod tests`) may reach anywhere: tests are not a stage.

use std::path::{Path, PathBuf};

/// The layers, lowest first: each entry is a path under `src/` (a file, or a
/// folder ending in `/` for every file below it); the longest entry that
/// matches a file gives its layer.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "vocabulary",
        &[
            "diagnostic.rs",
            "report/",
            "schema.rs",
            "schema/",
            "progress.rs",
            "secrets.rs",
            "source.rs",
            "site_path.rs",
        ],
    ),
    ("content", &["content/", "markdown/", "config.rs"]),
    (
        "settings",
        &[
            "network/",
            "outreach/settings.rs",
            "outreach/address.rs",
            "outreach/bounds.rs",
            "outreach/duration.rs",
            "deploy/target.rs",
            "deploy/cache.rs",
        ],
    ),
    ("sources", &["theme.rs", "ledger.rs", "ledger/"]),
    // `load.rs` is the file the fixture below names; the stage is `load/`.
    ("load", &["load/", "load.rs"]),
    ("render", &["render.rs"]),
    // The pictures a post's items and page carry are decided with the rest
    // of what is derived; outreach and write read them.
    ("derive", &["derive/", "picture/"]),
    ("outreach", &["outreach/"]),
    ("check", &["check/"]),
    ("write", &["write/"]),
    ("pipeline", &["pipeline.rs"]),
    ("build", &["build.rs"]),
    // Each network's folder holds its rules (settings, above) and the
    // client that posts to it, which belongs with publishing.
    (
        "deliver",
        &[
            "serve/",
            "publish/",
            "deploy/",
            "network/mastodon/client.rs",
            "network/bluesky/client.rs",
            "network/x/client.rs",
            "network/x/auth.rs",
            "network/x/oauth1.rs",
            "network/linkedin/client.rs",
            "network/facebook/client.rs",
            "network/threads/client.rs",
        ],
    ),
    ("command line", &["cmd/", "main.rs"]),
];

/// One import that runs against the order.
#[derive(Debug, PartialEq, Eq)]
struct Violation {
    file: String,
    line: usize,
    path: String,
    from: &'static str,
    to: &'static str,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "src/{}:{}: `{}` reaches up from the {} layer to the {} layer",
            self.file, self.line, self.path, self.from, self.to
        )
    }
}

/// The layer of a file (relative to `src/`), as (index, name).
fn layer_of(file: &str) -> Option<(usize, &'static str)> {
    let mut best: Option<(usize, usize, &'static str)> = None;
    for (index, (name, entries)) in LAYERS.iter().enumerate() {
        for entry in *entries {
            let hit = if entry.ends_with('/') {
                file.starts_with(entry)
            } else {
                file == *entry
            };
            if hit && best.is_none_or(|(len, _, _)| entry.len() > len) {
                best = Some((entry.len(), index, name));
            }
        }
    }
    best.map(|(_, index, name)| (index, name))
}

/// The file a `crate::a::b::c` path names: the deepest module that exists
/// among `files` (paths relative to `src/`).
fn file_of(path: &str, files: &[String]) -> Option<String> {
    let segments: Vec<&str> = path.trim_start_matches("crate::").split("::").collect();
    (1..=segments.len()).rev().find_map(|n| {
        let module = segments[..n].join("/");
        [format!("{module}.rs"), format!("{module}/mod.rs")]
            .into_iter()
            .find(|candidate| files.contains(candidate))
    })
}

/// Every `crate::…` path in `text` outside its test module, with its line.
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut lines = text.lines().enumerate().peekable();
    while let Some((index, line)) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]")
            && lines
                .peek()
                .is_some_and(|(_, next)| next.trim_start().starts_with("mod tests"))
        {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        for (start, _) in line.match_indices("crate::") {
            if line[..start].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = &line[start..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(rest.len());
            let path = rest[..end].trim_end_matches(':').to_string();
            // `use crate::a::{b, c}`: the braces name items of `a`.
            found.push((index + 1, path));
        }
    }
    found
}

/// The imports in `sources` ((path relative to `src/`, text)) that run
/// against the order.
fn violations(sources: &[(String, String)]) -> Vec<Violation> {
    let files: Vec<String> = sources.iter().map(|(file, _)| file.clone()).collect();
    let mut found = Vec::new();
    for (file, text) in sources {
        let Some((from_index, from)) = layer_of(file) else {
            continue;
        };
        for (line, path) in crate_paths(text) {
            let Some(target) = file_of(&path, &files) else {
                continue;
            };
            let Some((to_index, to)) = layer_of(&target) else {
                continue;
            };
            if to_index > from_index {
                found.push(Violation {
                    file: file.clone(),
                    line,
                    path,
                    from,
                    to,
                });
            }
        }
    }
    found
}

fn read_tree(src: &Path) -> Vec<(String, String)> {
    let mut sources = Vec::new();
    for entry in walkdir::WalkDir::new(src).sort_by_file_name() {
        let entry = entry.expect("src/ is readable");
        let path: PathBuf = entry.path().to_path_buf();
        if path.extension().is_some_and(|e| e == "rs") {
            let rel = path
                .strip_prefix(src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            sources.push((rel, std::fs::read_to_string(&path).unwrap()));
        }
    }
    sources
}

#[test]
fn every_source_file_has_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let unplaced: Vec<String> = read_tree(&src)
        .into_iter()
        .map(|(file, _)| file)
        .filter(|file| layer_of(file).is_none())
        .collect();
    assert!(
        unplaced.is_empty(),
        "give these files a layer in tests/layering.rs and docs/architecture.md: {unplaced:?}"
    );
}

#[test]
fn no_module_imports_from_a_later_stage() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&read_tree(&src));
    let listed: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert!(
        listed.is_empty(),
        "imports against the order of docs/architecture.md:\n{}",
        listed.join("\n")
    );
}

#[test]
fn a_wrong_import_is_caught_with_its_file_and_line() {
    let sources = vec![
        (
            "load.rs".to_string(),
            "//! Loads.\nuse crate::diagnostic::Diagnostic;\n\nfn f() {\n    let _ = crate::write::view::image_url();\n}\n"
                .to_string(),
        ),
        ("diagnostic.rs".to_string(), "use crate::content::Date;\n".to_string()),
        ("content/mod.rs".to_string(), String::new()),
        ("write/mod.rs".to_string(), String::new()),
        ("write/view.rs".to_string(), String::new()),
        (
            "render.rs".to_string(),
            "use crate::load::Site;\n#[cfg(test)]\nmod tests {\n    use crate::write::view;\n}\n"
                .to_string(),
        ),
    ];
    let found: Vec<String> = violations(&sources)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        found,
        [
            "src/load.rs:5: `crate::write::view::image_url` reaches up from the load layer to the write layer",
            "src/diagnostic.rs:1: `crate::content::Date` reaches up from the vocabulary layer to the content layer",
        ],
        "the render test module may reach up; the load and diagnostic lines may not"
    );
}

#[test]
fn longer_entries_win_so_a_settings_file_sits_below_its_stage() {
    assert_eq!(
        layer_of("outreach/settings.rs").map(|l| l.1),
        Some("settings")
    );
    assert_eq!(
        layer_of("network/mastodon.rs").map(|l| l.1),
        Some("settings")
    );
    assert_eq!(layer_of("outreach/mod.rs").map(|l| l.1), Some("outreach"));
    assert_eq!(layer_of("deploy/target.rs").map(|l| l.1), Some("settings"));
    assert_eq!(layer_of("deploy/store.rs").map(|l| l.1), Some("deliver"));
    assert_eq!(
        layer_of("network/x/client.rs").map(|l| l.1),
        Some("deliver")
    );
    assert_eq!(layer_of("network/x/mod.rs").map(|l| l.1), Some("settings"));
}
