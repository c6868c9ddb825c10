//! Writes `outreach/` beside the site: `outreach.json`, the preview page and
//! the physician newsletters. It is never deployed with the site.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::output::Staging;
use crate::diagnostic::Diagnostic;
use crate::load::Site;
use crate::outreach::{Outreach, preview};

/// Version of the `outreach.json` layout, for tools that read it.
pub const SCHEMA_VERSION: u32 = 1;

/// `outreach/` beside the default `public/`; for any other output folder,
/// `<output>.outreach` beside it, so a preview build never overwrites the
/// site's own outreach and never replaces an unrelated folder.
pub fn folder(root: &Path, output: &Path) -> PathBuf {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let default_output = canonical(&root.join("public"));
    if canonical(output) == default_output || output == root.join("public") {
        return root.join("outreach");
    }
    let mut name = output.file_name().unwrap_or_default().to_os_string();
    name.push(".outreach");
    output.with_file_name(name)
}

/// Where the pages of this build are, seen from the preview in `target`:
/// the address they are served at when the build has one of its own
/// (`rounds serve`, `build --base-url`), else the output folder beside it
/// (`../public` for `outreach/`, `../x` for `x.outreach/`; see [`folder`]).
fn local_files(site: &Site, target: &Path) -> String {
    if site.config.published_base_url.is_some() {
        return site.config.base().to_string();
    }
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    match name.strip_suffix(".outreach") {
        Some(output) => format!("../{output}"),
        None => "../public".into(),
    }
}

pub fn write(site: &Site, outreach: &Outreach, target: &Path) -> Result<(), Diagnostic> {
    let fail = |e: std::io::Error| {
        Diagnostic::error(
            "output/write",
            format!("cannot write {}: {e}", target.display()),
        )
        .with_help("check that the folder is writable")
    };
    let staging = Staging::new(target).map_err(fail)?;
    let json = json!({
        "schema": SCHEMA_VERSION,
        "site": site.config.published_permalink("/"),
        "items": outreach.items,
    });
    let text = serde_json::to_string_pretty(&json).unwrap_or_default();
    std::fs::write(staging.path().join("outreach.json"), text + "\n").map_err(fail)?;
    let page = preview::render(
        site,
        &outreach.items,
        chrono::Utc::now(),
        &local_files(site, target),
    );
    std::fs::write(staging.path().join("index.html"), page).map_err(fail)?;
    if !outreach.newsletters.is_empty() {
        let dir = staging.path().join("newsletter");
        std::fs::create_dir_all(&dir).map_err(fail)?;
        for (name, html) in &outreach.newsletters {
            let file = crate::site_path::in_output(&dir, name).map_err(fail)?;
            std::fs::write(file, html).map_err(fail)?;
        }
    }
    staging.commit().map_err(fail)
}
