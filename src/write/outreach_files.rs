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

/// `outreach/` in the site's folder, beside the default `public/`. Always
/// there (not beside a custom `--output`), so a build never replaces some
/// other folder that happens to be called `outreach`.
pub fn folder(root: &Path) -> PathBuf {
    root.join("outreach")
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
        "site": site.config.permalink("/"),
        "items": outreach.items,
    });
    let text = serde_json::to_string_pretty(&json).unwrap_or_default();
    std::fs::write(staging.path().join("outreach.json"), text + "\n").map_err(fail)?;
    let page = preview::render(&site.config.title, &outreach.items, |item| {
        if item.approved {
            "approved".into()
        } else {
            "not yet posted".into()
        }
    });
    std::fs::write(staging.path().join("index.html"), page).map_err(fail)?;
    if !outreach.newsletters.is_empty() {
        let dir = staging.path().join("newsletter");
        std::fs::create_dir_all(&dir).map_err(fail)?;
        for (name, html) in &outreach.newsletters {
            std::fs::write(dir.join(name), html).map_err(fail)?;
        }
    }
    staging.commit().map_err(fail)
}
