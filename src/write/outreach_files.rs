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
        match site.ledger.items.iter().find(|r| r.id == item.id) {
            Some(record) => format!("{:?}", record.state).to_lowercase(),
            None if item.approved => "approved".into(),
            None => "not yet posted".into(),
        }
    });
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
