//! `rounds init DIR`: a new clinic site that builds at once.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use include_dir::{Dir, include_dir};

static SCAFFOLD: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/cmd/scaffold");

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create the site in (created if missing; must be empty)
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// The clinic's name
    #[arg(long, default_value = "Springfield Family Clinic")]
    pub name: String,
    /// The address the site will be published at
    #[arg(long, value_name = "URL", default_value = "https://clinic.example")]
    pub base_url: String,
    /// Write into a folder that already has files (existing files are kept)
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: &InitArgs) -> ExitCode {
    match init(args) {
        Ok(written) => {
            eprintln!(
                "Created a clinic site in {} ({} files).",
                args.dir.display(),
                written.len()
            );
            eprintln!(
                "Next: `rounds build --root {}` writes it to {}/public/",
                args.dir.display(),
                args.dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Why no site was made, or only part of one.
#[derive(Debug, thiserror::Error)]
enum InitError {
    #[error("{} is not empty; choose a new folder, or pass --force to add the missing files", .0.display())]
    NotEmpty(PathBuf),
    #[error("cannot create {}: {source}", path.display())]
    CreateFolder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn init(args: &InitArgs) -> Result<Vec<PathBuf>, InitError> {
    let dir = &args.dir;
    let occupied = std::fs::read_dir(dir)
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    if occupied && !args.force {
        return Err(InitError::NotEmpty(dir.clone()));
    }
    let today = chrono::Local::now().date_naive().to_string();
    let base_url = args.base_url.trim_end_matches('/');
    let domain = domain_of(base_url);
    let fill = |text: &str| {
        text.replace("__NAME__", &args.name.replace('"', "\\\""))
            .replace("__BASE_URL__", base_url)
            .replace("__DOMAIN__", &domain)
            .replace("__TODAY__", &today)
            .replace("__DOCTOR__", "rivera")
            .replace("__FIRST_POST__", "what-to-bring-to-your-visit")
    };
    let mut written = Vec::new();
    let mut files = Vec::new();
    collect(&SCAFFOLD, &mut files);
    for (path, bytes) in files {
        let mut rel = PathBuf::from(fill(&path.to_string_lossy()));
        if rel == Path::new("gitignore") {
            rel = PathBuf::from(".gitignore");
        }
        let target = dir.join(&rel);
        if target.exists() {
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|source| InitError::CreateFolder {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let text = String::from_utf8_lossy(bytes);
        std::fs::write(&target, fill(&text)).map_err(|source| InitError::Write {
            path: target.clone(),
            source,
        })?;
        written.push(rel);
    }
    Ok(written)
}

/// The host of the site's address, for its e-mail addresses
/// (`https://www.lakeside.example/` → `lakeside.example`).
fn domain_of(base_url: &str) -> String {
    let rest = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    let host = rest.split(['/', ':', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = host.strip_prefix("www.").unwrap_or(host);
    if host.is_empty() {
        "clinic.example".to_string()
    } else {
        host.to_ascii_lowercase()
    }
}

fn collect(dir: &'static Dir<'static>, out: &mut Vec<(PathBuf, &'static [u8])>) {
    for entry in dir.entries() {
        if let Some(sub) = entry.as_dir() {
            collect(sub, out);
        } else if let Some(file) = entry.as_file() {
            out.push((file.path().to_path_buf(), file.contents()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::domain_of;

    #[test]
    fn the_domain_is_the_host_of_the_address() {
        assert_eq!(
            domain_of("https://www.lakeside.example"),
            "lakeside.example"
        );
        assert_eq!(
            domain_of("https://clinic.example:8443/site"),
            "clinic.example"
        );
        assert_eq!(domain_of("Heart.Example"), "heart.example");
        assert_eq!(domain_of("https://"), "clinic.example");
    }
}
