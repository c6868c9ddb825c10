//! What can go wrong with one page, and how those failures reach the user:
//! once per distinct problem, not once per page that shares it.

use std::collections::BTreeMap;

use super::{recursion, templates};
use crate::diagnostic::{Diagnostic, Position};
use crate::load::Site;

/// Why one page was not drawn or not written.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// Its template failed; tera's causes are joined into one line, since
    /// the outermost ("Failed to render …") alone says nothing useful.
    #[error("{}", templates::chain(.0))]
    Draw(tera::Error),
    #[error("cannot write {output}: {source}")]
    Write {
        output: String,
        source: std::io::Error,
    },
}

/// One page's failure, beside the template it was drawn with.
pub(super) type Failure = (String, PageError);

/// Template errors, once per distinct problem rather than once per page.
pub(super) fn report(site: &Site, failures: Vec<Failure>, total: usize) -> Vec<Diagnostic> {
    let mut failures: Vec<(String, String)> = failures
        .into_iter()
        .map(|(template, error)| (template, error.to_string()))
        .collect();
    let mut problems = recursion::runaways(&site.theme, &mut failures);
    let mut grouped: BTreeMap<(String, String), usize> = BTreeMap::new();
    for failure in failures {
        *grouped.entry(failure).or_default() += 1;
    }
    problems.extend(grouped
        .into_iter()
        .map(|((template, message), count)| {
            let pages = if count == 1 { String::new() } else { format!(" ({count} of {total} pages)") };
            let mut diagnostic = Diagnostic::error("template/render", format!("{message}{pages}"))
                .with_help("check the variable names and filters used in this template; `{{ __tera_context }}` prints what a page can use");
            diagnostic.file = site.theme.templates.get(&template).map(|t| t.origin.display_path());
            if diagnostic.file.is_some() {
                diagnostic.position = line_in_template(site, &template, &message);
            }
            diagnostic
        }));
    problems
}

/// Finds the line using the variable a render error names, e.g. `page.titel`.
fn line_in_template(site: &Site, template: &str, message: &str) -> Option<Position> {
    let start = message.find("Variable `")? + "Variable `".len();
    let name = &message[start..];
    let name = &name[..name.find('`')?];
    let text = &site.theme.templates.get(template)?.text;
    let offset = text.find(name)?;
    Some(crate::diagnostic::position_of(text, offset))
}
