//! Reading a source file of the site, with a diagnostic that names it when it
//! cannot be read or is not text; and which files a site's folders skip.
//! Every stage that reads a file (the theme, the ledger, the content) uses
//! these, so they sit below all of them.

use std::ffi::OsStr;
use std::path::Path;

use crate::diagnostic::{Diagnostic, position_of};

/// Skips dotfiles and editors' temporary files.
pub fn is_hidden(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    (name.starts_with('.') && name != ".well-known") || name.ends_with('~') || name.starts_with('#')
}

/// Reads a text file, reporting unreadable and non-UTF-8 files precisely.
pub fn read_text(root: &Path, file: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(root.join(file)).map_err(|e| unreadable(file, &e))?;
    String::from_utf8(bytes).map_err(|e| not_utf8(file, e.as_bytes(), e.utf8_error()))
}

pub fn unreadable(file: &Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error("file/unreadable", format!("cannot read this file: {error}"))
        .in_file(file)
        .with_help("check that the file exists and that its permissions let you read it")
}

pub fn not_utf8(file: &Path, bytes: &[u8], error: std::str::Utf8Error) -> Diagnostic {
    let good = &bytes[..error.valid_up_to()];
    let text = std::str::from_utf8(good).unwrap_or_default();
    Diagnostic::error("file/not-utf8", "this file is not UTF-8 text")
        .in_file(file)
        .at(position_of(text, text.len()))
        .with_help("save the file as UTF-8 (most editors offer it under \"Save with encoding\")")
}
