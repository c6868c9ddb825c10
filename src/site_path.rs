//! One rule for paths: every path that comes from content, config or the
//! command line is resolved against its documented base and refused when it
//! leaves it: the site's folder for what Rounds reads, the output folder for
//! what it writes. Links are followed only while they stay inside the site.
//!
//! Site paths (`image`, `[physicians] section`, a photo in `data/`) are
//! resolved as a browser resolves a link, without touching the disk; files are
//! judged by where they really are, links and all.

use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, Position};

/// Rule for a site path that climbs out of the site's output.
pub const OUTSIDE_OUTPUT: &str = "path/outside-output";
/// Rule for a file or folder to read that is outside the site.
pub const OUTSIDE_SITE: &str = "path/outside-site";
/// Rule for a link under the site that leads out of it.
pub const LINK_OUTSIDE: &str = "path/link-outside";

/// The parts of `path` resolved against the site path `base` (`/` or
/// `/blog/bp/`): `.` and empty parts are dropped, `..` goes up one folder,
/// and a path starting with `/` starts at the site's root. `None` when it
/// climbs above the root. A backslash counts as a slash, as browsers take it.
fn resolve(base: &str, path: &str) -> Option<Vec<String>> {
    let mut parts: Vec<String> = Vec::new();
    let start = if path.starts_with(['/', '\\']) {
        ""
    } else {
        base
    };
    for part in start.split(['/', '\\']).chain(path.split(['/', '\\'])) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name.to_string()),
        }
    }
    Some(parts)
}

/// The site path (`/blog/bp/photo.jpg`) that `path` names from the page at
/// `base`, or `None` when it leaves the site. A trailing slash is kept.
pub fn site_path(base: &str, path: &str) -> Option<String> {
    let parts = resolve(base, path)?;
    let mut out = format!("/{}", parts.join("/"));
    if path.ends_with(['/', '\\']) && !parts.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// A folder of the site's output named by config (`for-physicians`), as
/// parts joined with `/` and no slash at either end; `None` when it leaves
/// the output or names its root.
pub fn output_folder(path: &str) -> Option<String> {
    let parts = resolve("/", path)?;
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// A folder strictly inside the site folder `base` (`themes`), for a name
/// from config; `None` when it leaves `base`.
pub fn folder_within(base: &str, name: &str) -> Option<PathBuf> {
    let parts = resolve(base, name)?;
    let inside = parts.len() > 1 && parts[0] == base;
    inside.then(|| parts.iter().collect())
}

/// `out/rel` for a path the build made (`blog/bp/index.html`), or an error
/// when `rel` would leave `out`: every file a build writes goes through here,
/// so a path no check foresaw still cannot land outside the output.
pub fn in_output(out: &Path, rel: &str) -> std::io::Result<PathBuf> {
    let plain = Path::new(rel)
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if plain && !rel.is_empty() {
        Ok(out.join(rel))
    } else {
        Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("`{rel}` would be written outside the output folder"),
        ))
    }
}

/// Whether `path`, links and all, is inside the folder `root` and not in a
/// hidden file or folder of it (`.git`, `.env`): the only files Rounds reads.
/// A path that does not exist is not readable.
pub fn readable(root: &Path, path: &Path) -> bool {
    let (Ok(root), Ok(path)) = (root.canonicalize(), path.canonicalize()) else {
        return false;
    };
    path.strip_prefix(&root)
        .is_ok_and(|rel| !rel.components().any(|c| is_hidden(c.as_os_str())))
}

/// Dotfiles, except `.well-known`, which websites publish on purpose.
fn is_hidden(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') && name != ".well-known"
}

/// `path` as an absolute path with the links in its existing part resolved
/// and `.` and `..` applied to the rest, so that two names of one folder
/// compare equal even before it exists.
pub fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let parts: Vec<Component> = absolute.components().collect();
    for split in (1..=parts.len()).rev() {
        let head: PathBuf = parts[..split].iter().collect();
        let Ok(mut out) = head.canonicalize() else {
            continue;
        };
        for part in &parts[split..] {
            match part {
                Component::ParentDir => {
                    out.pop();
                }
                Component::Normal(name) => out.push(name),
                _ => {}
            }
        }
        return out;
    }
    absolute
}

/// What walking a folder of the site found.
#[derive(Debug, Default)]
pub struct Walk {
    /// Files, relative to the site's folder, sorted by name.
    pub files: Vec<PathBuf>,
    /// Links (relative to the site's folder, or the walked folder itself)
    /// that lead out of the site or to a hidden file; they are not followed.
    pub links_out: Vec<PathBuf>,
    /// Entries that could not be read, a link to nowhere among them.
    pub errors: Vec<walkdir::Error>,
}

/// Every file under `dir` (relative to the site folder `root`), skipping
/// names `skip` says to. Links are followed while they stay inside the site:
/// a clinic may keep a shared photo once and link it into several posts,
/// but a link to `/etc/passwd` or to `../other-site` must not be published.
pub fn walk(root: &Path, dir: &Path, skip: impl Fn(&OsStr) -> bool) -> Walk {
    let mut walk = Walk::default();
    let top = root.join(dir);
    if !top.is_dir() {
        return walk;
    }
    if !readable(root, &top) {
        walk.links_out.push(dir.to_path_buf());
        return walk;
    }
    let mut links_out = Vec::new();
    let entries = WalkDir::new(&top)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() > 0 && skip(e.file_name()) {
                return false;
            }
            let leaves = e.path_is_symlink() && !readable(root, e.path());
            if leaves {
                links_out.push(
                    e.path()
                        .strip_prefix(root)
                        .unwrap_or(e.path())
                        .to_path_buf(),
                );
            }
            !leaves
        });
    for entry in entries {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                if let Ok(rel) = entry.path().strip_prefix(root) {
                    walk.files.push(rel.to_path_buf());
                }
            }
            Ok(_) => {}
            Err(e) => walk.errors.push(e),
        }
    }
    walk.links_out = links_out;
    walk
}

/// The error for a link that leads out of the site.
pub fn link_outside(link: &Path) -> Diagnostic {
    Diagnostic::error(
        LINK_OUTSIDE,
        "this link leads outside the site (or to a hidden file), so it is not followed",
    )
    .in_file(link)
    .with_help(
        "copy the file or folder into the site instead of linking it; links are followed only to files inside the site",
    )
}

/// The error for a site path from `file` that climbs out of the site.
pub fn outside_output(
    what: &str,
    value: &str,
    file: &Path,
    at: Option<Position>,
    help: &str,
) -> Diagnostic {
    Diagnostic::error(
        OUTSIDE_OUTPUT,
        format!("{what} `{value}` leads outside the site"),
    )
    .in_file(file)
    .at_opt(at)
    .with_help(help)
}

/// Where Rounds keeps what it may throw away (checked links, made pictures):
/// `$ROUNDS_CACHE_DIR`, else `$XDG_CACHE_HOME/rounds`, else
/// `~/.cache/rounds`; `None` with no home for one.
pub fn cache_dir() -> Option<std::path::PathBuf> {
    use std::path::PathBuf;
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    env("ROUNDS_CACHE_DIR").map(PathBuf::from).or_else(|| {
        env("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .map(|d| d.join("rounds"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_paths_resolve_like_links_and_may_not_climb_out() {
        assert_eq!(
            site_path("/blog/bp/", "photo.jpg").as_deref(),
            Some("/blog/bp/photo.jpg")
        );
        assert_eq!(
            site_path("/blog/bp/", "../cuff/photo.jpg").as_deref(),
            Some("/blog/cuff/photo.jpg")
        );
        assert_eq!(
            site_path("/blog/bp/", "/images/a.png").as_deref(),
            Some("/images/a.png")
        );
        assert_eq!(site_path("/", "/contact/").as_deref(), Some("/contact/"));
        assert_eq!(site_path("/", "").as_deref(), Some("/"));
        assert_eq!(site_path("/blog/bp/", "../../../etc/passwd"), None);
        assert_eq!(site_path("/", "/../x.png"), None);
        assert_eq!(site_path("/blog/", "..\\..\\x.png"), None);
    }

    #[test]
    fn output_folders_stay_inside_and_are_normalized() {
        assert_eq!(
            output_folder("for-physicians").as_deref(),
            Some("for-physicians")
        );
        assert_eq!(
            output_folder("/referrals/../for-physicians/").as_deref(),
            Some("for-physicians")
        );
        assert_eq!(output_folder("../../tmp/x"), None);
        assert_eq!(
            output_folder("a/.."),
            None,
            "the root is not a folder of its own"
        );
        assert_eq!(output_folder(""), None);
    }

    #[test]
    fn themes_stay_in_the_themes_folder() {
        assert_eq!(
            folder_within("themes", "calm"),
            Some(PathBuf::from("themes/calm"))
        );
        assert_eq!(folder_within("themes", "../content"), None);
        assert_eq!(folder_within("themes", "../../elsewhere"), None);
        assert_eq!(folder_within("themes", ".."), None);
        assert_eq!(folder_within("themes", "/etc"), None);
    }

    #[test]
    fn writes_never_leave_the_output() {
        let out = Path::new("/srv/public");
        assert_eq!(
            in_output(out, "blog/bp/index.html").unwrap(),
            out.join("blog/bp/index.html")
        );
        for bad in ["../x/index.html", "/etc/passwd", "a/../../b", ""] {
            assert!(in_output(out, bad).is_err(), "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_only_inside_the_site() {
        let site = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = site.path();
        std::fs::create_dir_all(root.join("content/blog")).unwrap();
        std::fs::write(root.join("content/blog/a.md"), "a").unwrap();
        std::fs::write(root.join("shared.jpg"), "jpg").unwrap();
        std::fs::write(root.join(".env"), "TOKEN=x").unwrap();
        std::fs::write(outside.path().join("passwd"), "root").unwrap();
        let link = |to: &Path, at: &str| std::os::unix::fs::symlink(to, root.join(at)).unwrap();
        link(&root.join("shared.jpg"), "content/blog/shared.jpg");
        link(&outside.path().join("passwd"), "content/blog/passwd");
        link(outside.path(), "content/elsewhere");
        link(&root.join(".env"), "content/env.txt");

        let walk = walk(root, Path::new("content"), |_| false);
        assert_eq!(
            walk.files,
            [
                PathBuf::from("content/blog/a.md"),
                PathBuf::from("content/blog/shared.jpg")
            ]
        );
        let mut links = walk.links_out.clone();
        links.sort();
        assert_eq!(
            links,
            [
                PathBuf::from("content/blog/passwd"),
                PathBuf::from("content/elsewhere"),
                PathBuf::from("content/env.txt"),
            ]
        );

        // A walked folder that is itself a link out is not entered.
        link(outside.path(), "static");
        let walk = super::walk(root, Path::new("static"), |_| false);
        assert!(walk.files.is_empty());
        assert_eq!(walk.links_out, [PathBuf::from("static")]);
    }

    #[test]
    fn resolved_paths_compare_before_they_exist() {
        let site = tempfile::tempdir().unwrap();
        let root = resolved(site.path());
        assert_eq!(
            resolved(&site.path().join("public/../content")),
            root.join("content")
        );
        assert_eq!(resolved(&site.path().join("a/b/..")), root.join("a"));
        assert_eq!(resolved(&site.path().join("..")), root.parent().unwrap());
    }
}
