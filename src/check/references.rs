//! References by key: the doctors a post names (`authors`, `reviewed_by`),
//! the partners it mentions (`[social] mentions`), the doctors an award
//! congratulates (`[social] honorees`) and the tests it offers
//! referring offices (`[physicians] tests`) are keys of `data/` files. A key
//! that names nothing would be published as the raw key on every page and
//! network, so it is an error at the value, with the key that was meant.

use crate::content::Post;
use crate::diagnostic::{Diagnostic, Position, suggest};
use crate::load::Site;

pub const UNKNOWN_DOCTOR: &str = "review/unknown-doctor";
pub const UNKNOWN_PARTNER: &str = "reference/unknown-partner";
pub const UNKNOWN_SERVICE: &str = "reference/unknown-service";

/// One kind of record a post can name by its key.
struct Target {
    rule: &'static str,
    /// The `data/` file's stem: `data.doctors` for `data/doctors.toml`.
    stem: &'static str,
    /// What one record is, with its article: "a doctor".
    one: &'static str,
    /// What several are: "doctors".
    many: &'static str,
}

const DOCTORS: Target = Target {
    rule: UNKNOWN_DOCTOR,
    stem: "doctors",
    one: "a doctor",
    many: "doctors",
};
const PARTNERS: Target = Target {
    rule: UNKNOWN_PARTNER,
    stem: "partners",
    one: "a partner",
    many: "partners",
};
const SERVICES: Target = Target {
    rule: UNKNOWN_SERVICE,
    stem: "services",
    one: "a test or service",
    many: "tests and services",
};

/// How many known keys a help lists when none is close to the one written.
const LISTED: usize = 8;

/// Every key the post names that its `data/` file does not have.
pub fn check(site: &Site, post: &Post) -> Vec<Diagnostic> {
    let front = &post.front;
    let mut named: Vec<(&Target, &[&str], &str)> = Vec::new();
    named.extend(
        front
            .authors
            .iter()
            .map(|k| (&DOCTORS, &["authors"][..], k.as_str())),
    );
    named.extend(
        front
            .reviewed_by
            .iter()
            .map(|k| (&DOCTORS, &["reviewed_by"][..], k.as_str())),
    );
    if let Some(social) = &front.social {
        named.extend(
            social
                .mentions
                .iter()
                .map(|k| (&PARTNERS, &["social", "mentions"][..], k.as_str())),
        );
        named.extend(
            social
                .honorees
                .iter()
                .map(|k| (&DOCTORS, &["social", "honorees"][..], k.as_str())),
        );
    }
    if let Some(physicians) = &front.physicians {
        named.extend(
            physicians
                .tests
                .iter()
                .map(|k| (&SERVICES, &["physicians", "tests"][..], k.as_str())),
        );
    }
    named
        .into_iter()
        .filter_map(|(target, path, key)| unknown(site, post, target, path, key))
        .collect()
}

/// The error for `key`, written at `path`, if `target`'s file lacks it.
fn unknown(
    site: &Site,
    post: &Post,
    target: &Target,
    path: &[&str],
    key: &str,
) -> Option<Diagnostic> {
    let records = site.data.get(target.stem).and_then(|d| d.as_object());
    if records.is_some_and(|r| r.contains_key(key)) {
        return None;
    }
    let known: Vec<&str> = records
        .into_iter()
        .flat_map(|r| r.keys())
        .map(String::as_str)
        .collect();
    let file = data_file(site, target.stem);
    let written = path.last().copied().unwrap_or_default();
    let add = format!("add a `[{key}]` table with its `name` to {file}");
    let help = match suggest(key, known.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None if known.is_empty() => format!("{file} names no {} yet: {add}", target.many),
        None => {
            let mut list: Vec<String> = known
                .iter()
                .take(LISTED)
                .map(|k| format!("`{k}`"))
                .collect();
            if known.len() > LISTED {
                list.push(format!("… ({} in all)", known.len()));
            }
            format!("the {} are {}; or {add}", target.many, list.join(", "))
        }
    };
    let at =
        crate::load::value_position(post, path, key).unwrap_or(Position { line: 1, column: 1 });
    Some(
        Diagnostic::error(
            target.rule,
            format!(
                "`{written}` names `{key}`, which is not {} in {file}",
                target.one
            ),
        )
        .in_file(&post.file)
        .at(at)
        .spanning(key.chars().count())
        .with_help(help),
    )
}

/// The file a site keeps records in: `data/partners.yaml` if it wrote them
/// so, else `data/partners.toml`, where a new one would go.
fn data_file(site: &Site, stem: &str) -> String {
    ["toml", "yaml", "yml", "json"]
        .iter()
        .map(|ext| format!("{}/{stem}.{ext}", crate::load::DATA))
        .find(|file| site.root.join(file).is_file())
        .unwrap_or_else(|| format!("{}/{stem}.toml", crate::load::DATA))
}
