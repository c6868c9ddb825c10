//! `clinic/language-access`: a clinic's site posts the notice of language
//! assistance Section 1557 asks for (45 CFR 92.11), with taglines and a
//! number to call. The notice itself is `derive/language_access.rs`.

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::load::Site;

pub const NOTICE: &str = "clinic/language-access";

/// The config a clinic adds, as the help shows it.
const EXAMPLE: &str = "add to config.toml:\n  [language_access]\n  languages = [\"es\", \"zh-Hant\", \"vi\"]   # the languages your patients speak\n  # nondiscrimination = \"…\"           # your own notice, else Rounds' default\n  # phone = \"+1-555-0100\"              # else [clinic] phone\nRounds then publishes /language-assistance/ and links it from every page's footer";

/// What is missing from a clinic's notice; nothing for a site that is not a
/// clinic's (no `[clinic]` name, phone or address).
pub fn check(site: &Site) -> Vec<Diagnostic> {
    let config = &site.config;
    let clinic = &config.clinic;
    if clinic.name.is_none() && clinic.phone.is_none() && clinic.address.is_none() {
        return Vec::new();
    }
    let text = std::fs::read_to_string(site.root.join(Config::FILE)).unwrap_or_default();
    let at = |path: &[&str]| {
        Diagnostic::error(NOTICE, String::new())
            .in_file(Config::FILE)
            .at_opt(crate::config::key_line(&text, path))
    };
    let Some(access) = &config.language_access else {
        let mut d = at(&["clinic", "name"]);
        d.message =
            "the clinic's site has no language-access notice (Section 1557, 45 CFR 92.11)".into();
        return vec![d.with_help(EXAMPLE)];
    };
    let mut found = Vec::new();
    if access.languages.is_empty() {
        let mut d = at(&["language_access", "languages"]);
        d.message = "the language-access notice lists no languages for its taglines".into();
        found.push(d.with_help(
            "list the languages your patients speak, e.g. languages = [\"es\", \"zh-Hant\", \"vi\"]; HHS asks for the 15 most common in your state",
        ));
    }
    if access.phone.is_none() && clinic.phone.is_none() {
        let mut d = at(&["language_access"]);
        d.message = "the language-access taglines have no number to call".into();
        found.push(d.with_help("set phone = \"+1-555-0100\" in [language_access] or in [clinic]"));
    }
    found
}
