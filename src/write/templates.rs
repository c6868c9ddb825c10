//! Templates: the theme's tera templates, checked and compiled once per build.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use tera::{Tera, Value};

use crate::diagnostic::{Diagnostic, Position};
use crate::theme::Theme;

/// The templates whose output can change when the `changed` ones do: those,
/// and every template that extends, includes or imports one of them, however
/// deep. A reference is any quoted mention of a template's name, which may
/// over-count (a template that merely prints the name) but never misses one.
pub fn dependents(theme: &Theme, changed: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = changed.clone();
    loop {
        let more: Vec<&String> = theme
            .templates
            .iter()
            .filter(|(name, _)| !found.contains(*name))
            .filter(|(_, t)| found.iter().any(|f| mentions(&t.text, f)))
            .map(|(name, _)| name)
            .collect();
        if more.is_empty() {
            return found;
        }
        found.extend(more.into_iter().cloned());
    }
}

fn mentions(text: &str, name: &str) -> bool {
    text.contains(&format!("\"{name}\"")) || text.contains(&format!("'{name}'"))
}

/// The templates that call `get_posts`, and those built on them: their pages
/// list posts from anywhere on the site.
pub fn listing_posts(theme: &Theme) -> BTreeSet<String> {
    let direct = theme
        .templates
        .iter()
        .filter(|(_, t)| t.text.contains("get_posts("))
        .map(|(name, _)| name.clone())
        .collect();
    dependents(theme, &direct)
}

/// Compiles every template, reporting all syntax errors at once.
pub fn compile(
    theme: &Theme,
    permalinks: Arc<HashMap<String, String>>,
    base: String,
) -> Result<Tera, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut parsed = Vec::new();
    for (name, template) in &theme.templates {
        match tera::Template::new(name, None, &template.text) {
            Ok(template) => parsed.push(template),
            Err(error) => {
                problems.push(syntax_error(name, &template.origin.display_path(), &error))
            }
        }
    }
    problems.extend(environment_reads(theme));
    if !problems.is_empty() {
        return Err(problems);
    }
    // Before tera resolves references: a cycle of extends overflows its stack.
    let cycles = super::recursion::cycles(theme, &parsed);
    if !cycles.is_empty() {
        return Err(cycles);
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    tera.set_escape_fn(crate::markdown::escape);
    let sources = theme
        .templates
        .iter()
        .map(|(name, t)| (name.as_str(), t.text.as_str()));
    if let Err(error) = tera.add_raw_templates(sources) {
        // Parsing passed, so this is about how templates refer to each other.
        let message = chain(&error);
        let file = theme
            .templates
            .iter()
            .find(|(name, _)| message.contains(&format!("'{name}'")))
            .map(|(_, t)| t.origin.display_path());
        let mut diagnostic = Diagnostic::error("template/error", message)
            .with_help("check the names in `{% extends %}`, `{% include %}` and `{% import %}`");
        diagnostic.file = file;
        return Err(vec![diagnostic]);
    }
    super::recursion::guard_macros(&mut tera);
    tera.register_function("get_url", GetUrl { permalinks, base });
    // Replaces tera's own, should a call slip past `environment_reads`.
    tera.register_function("get_env", no_environment);
    tera.register_filter("hours", hours_filter);
    tera.register_filter("language_names", language_names_filter);
    tera.register_filter("words", words_filter);
    Ok(tera)
}

/// What a template is told when it asks for an environment variable.
const NO_ENVIRONMENT: &str = "templates cannot read environment variables (`get_env`): in CI they hold the clinic's tokens and keys";

/// Templates get no access to the environment, where CI keeps the
/// clinic's tokens: a page that printed one would publish it. Every call of
/// tera's `get_env` is an error at its line.
fn environment_reads(theme: &Theme) -> Vec<Diagnostic> {
    let call = regex::Regex::new(r"\bget_env\s*\(").expect("a valid pattern");
    theme
        .templates
        .values()
        .filter_map(|template| {
            let found = call.find(&template.text)?;
            Some(
                Diagnostic::error("template/environment", NO_ENVIRONMENT)
                    .in_file(template.origin.display_path())
                    .at(crate::diagnostic::position_of(&template.text, found.start()))
                    .spanning("get_env".len())
                    .with_help("put the value in config.toml's [extra] and write `{{ config.extra.NAME }}`"),
            )
        })
        .collect()
}

fn no_environment(_: &HashMap<String, Value>) -> tera::Result<Value> {
    Err(tera::Error::msg(NO_ENVIRONMENT))
}

fn syntax_error(name: &str, file: &std::path::Path, error: &tera::Error) -> Diagnostic {
    let message = chain(error);
    // pest reports positions as ` --> line:column`.
    let position = message.split("--> ").nth(1).and_then(|rest| {
        let (line, rest) = rest.split_once(':')?;
        let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
        Some(Position {
            line: line.trim().parse().ok()?,
            column: column.parse().ok()?,
        })
    });
    let detail = message
        .lines()
        .filter(|l| l.trim_start().starts_with('=') || l.contains("expected"))
        .map(|l| l.trim().trim_start_matches("= ").to_string())
        .collect::<Vec<_>>()
        .join("; ");
    let detail = if detail.is_empty() {
        message.lines().next().unwrap_or_default().to_string()
    } else {
        detail
    };
    Diagnostic::error("template/syntax", format!("template `{name}` does not parse: {detail}"))
        .in_file(file)
        .at_opt(position)
        .with_help("fix the tag at this position; tera's syntax is described at https://keats.github.io/tera/docs/")
}

/// The error and its causes, joined: tera puts the useful part in a cause.
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}

/// `get_url(path="/about/")` or `get_url(path="@/blog/bp.md")`: an absolute URL.
struct GetUrl {
    permalinks: Arc<HashMap<String, String>>,
    base: String,
}

impl tera::Function for GetUrl {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let path = args.get("path").and_then(Value::as_str).ok_or_else(|| {
            tera::Error::msg("get_url needs a `path` argument, e.g. get_url(path=\"/about/\")")
        })?;
        if let Some(target) = path.strip_prefix("@/") {
            let (file, anchor) = target
                .split_once('#')
                .map_or((target, None), |(f, a)| (f, Some(a)));
            let url = self.permalinks.get(file).ok_or_else(|| {
                tera::Error::msg(format!("get_url: no post or section at `@/{file}`"))
            })?;
            return Ok(Value::String(match anchor {
                Some(anchor) => format!("{url}#{anchor}"),
                None => url.clone(),
            }));
        }
        if path.contains("://") {
            return Ok(Value::String(path.to_string()));
        }
        Ok(Value::String(format!(
            "{}/{}",
            self.base,
            path.trim_start_matches('/')
        )))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// `get_posts(kind="award", audience="physicians", tag="Heart", section="/blog/", limit=5)`:
/// posts newest first, filtered by any of those.
#[derive(Default)]
pub struct GetPosts {
    /// Every post as lists show it, in `Site::posts` order.
    summaries: Arc<Vec<Value>>,
    /// Indexes into `summaries`, newest first.
    order: Arc<Vec<usize>>,
}

impl GetPosts {
    pub fn new(summaries: Arc<Vec<Value>>, order: Arc<Vec<usize>>) -> Self {
        GetPosts { summaries, order }
    }
}

impl tera::Function for GetPosts {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let known = ["kind", "audience", "tag", "section", "limit"];
        if let Some(unknown) = args.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(tera::Error::msg(format!(
                "get_posts: unknown argument `{unknown}`; use {}",
                known.join(", ")
            )));
        }
        let text = |key: &str| args.get(key).and_then(Value::as_str);
        let limit = args
            .get("limit")
            .and_then(Value::as_u64)
            .map_or(usize::MAX, |n| n as usize);
        let matches = |post: &&Value| {
            text("kind").is_none_or(|k| post.get("kind").and_then(Value::as_str) == Some(k))
                && text("audience")
                    .is_none_or(|a| post.get("audience").and_then(Value::as_str) == Some(a))
                && text("section").is_none_or(|s| {
                    post.pointer("/section/permalink")
                        .and_then(Value::as_str)
                        .is_some_and(|p| p.ends_with(s))
                })
                && text("tag").is_none_or(|t| {
                    post.get("tags")
                        .and_then(Value::as_array)
                        .is_some_and(|tags| {
                            tags.iter().any(|tag| {
                                tag.get("name")
                                    .and_then(Value::as_str)
                                    .is_some_and(|n| n.eq_ignore_ascii_case(t))
                            })
                        })
                })
        };
        Ok(Value::Array(
            self.order
                .iter()
                .map(|&i| &self.summaries[i])
                .filter(matches)
                .take(limit)
                .cloned()
                .collect(),
        ))
    }
}

/// `{{ "Mo-Fr 07:30-17:00" | hours }}` → "Monday to Friday, 7:30 a.m. to 5 p.m.":
/// config keeps schema.org's opening-hours form, people read this one.
/// `{{ person.languages | language_names | join(sep=", ") }}`: each tag
/// (`"es"`) as its language's name (`"Spanish"`); one tag gives one name.
fn language_names_filter(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let name = |v: &Value| match v {
        Value::String(tag) => Ok(Value::String(super::names::language_name(tag))),
        _ => Err(tera::Error::msg(
            "language_names: expects language tags such as [\"en\", \"es\"]",
        )),
    };
    match value {
        Value::Array(tags) => tags
            .iter()
            .map(name)
            .collect::<tera::Result<_>>()
            .map(Value::Array),
        other => name(other),
    }
}

/// `{{ clinic.specialty | words }}`: a schema.org name (`"PrimaryCare"`)
/// as words (`"Primary care"`).
fn words_filter(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let text = value
        .as_str()
        .ok_or_else(|| tera::Error::msg("words: expects text such as \"PrimaryCare\""))?;
    Ok(Value::String(super::names::words(text)))
}

fn hours_filter(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let text = value
        .as_str()
        .ok_or_else(|| tera::Error::msg("hours: expects text such as \"Mo-Fr 08:00-17:00\""))?;
    Ok(Value::String(
        readable_hours(text).unwrap_or_else(|| text.to_string()),
    ))
}

pub fn readable_hours(text: &str) -> Option<String> {
    let day = |d: &str| -> Option<&'static str> {
        Some(match d {
            "Mo" => "Monday",
            "Tu" => "Tuesday",
            "We" => "Wednesday",
            "Th" => "Thursday",
            "Fr" => "Friday",
            "Sa" => "Saturday",
            "Su" => "Sunday",
            _ => return None,
        })
    };
    let time = |t: &str| -> Option<String> {
        let (h, m) = t.split_once(':')?;
        let h: u32 = h.parse().ok()?;
        let m: u32 = m.parse().ok()?;
        let (h12, half) = match h {
            0 | 24 => (12, "a.m."),
            12 => (12, "p.m."),
            13..=23 => (h - 12, "p.m."),
            _ => (h, "a.m."),
        };
        Some(if m == 0 {
            format!("{h12} {half}")
        } else {
            format!("{h12}:{m:02} {half}")
        })
    };
    let (days, times) = text.trim().split_once(' ')?;
    let days = days
        .split(',')
        .map(|part| match part.split_once('-') {
            Some((a, b)) => Some(format!("{} to {}", day(a)?, day(b)?)),
            None => day(part).map(str::to_string),
        })
        .collect::<Option<Vec<_>>>()?
        .join(", ");
    let (open, close) = times.trim().split_once('-')?;
    Some(format!("{days}, {} to {}", time(open)?, time(close)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_hours_read_as_sentences() {
        assert_eq!(
            readable_hours("Mo-Fr 07:30-17:00").as_deref(),
            Some("Monday to Friday, 7:30 a.m. to 5 p.m.")
        );
        assert_eq!(
            readable_hours("Sa 08:00-12:00").as_deref(),
            Some("Saturday, 8 a.m. to 12 p.m.")
        );
        assert_eq!(
            readable_hours("Mo,We 09:00-13:15").as_deref(),
            Some("Monday, Wednesday, 9 a.m. to 1:15 p.m.")
        );
        assert_eq!(readable_hours("by appointment"), None);
    }

    #[test]
    fn templates_cannot_call_get_env() {
        let mut theme = Theme::default();
        theme.templates.insert(
            "404.html".into(),
            crate::theme::Template {
                text: "<p>\n  {{ get_env (name=\"HOME\") }}</p>".into(),
                origin: crate::theme::Origin::File("templates/404.html".into()),
            },
        );
        let problems = compile(&theme, Default::default(), String::new()).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].rule, "template/environment");
        assert_eq!(problems[0].position, Some(Position { line: 2, column: 6 }));
        assert!(no_environment(&HashMap::new()).is_err());
    }
}

#[cfg(test)]
mod dependents_tests {
    use super::*;
    use crate::theme::{Origin, Template};

    fn theme(templates: &[(&str, &str)]) -> Theme {
        let mut theme = Theme::default();
        for (name, text) in templates {
            theme.templates.insert(
                name.to_string(),
                Template {
                    text: text.to_string(),
                    origin: Origin::BuiltIn(name.into()),
                },
            );
        }
        theme
    }

    #[test]
    fn follows_extends_include_and_import_transitively() {
        let theme = theme(&[
            (
                "base.html",
                "{% include \"partials/nav.html\" %}{% block main %}{% endblock %}",
            ),
            ("partials/nav.html", "<nav></nav>"),
            ("post.html", "{% extends \"base.html\" %}"),
            ("macros.html", "{% macro card() %}{% endmacro %}"),
            ("section.html", "{% import 'macros.html' as m %}"),
            ("robots.txt", "User-agent: *"),
        ]);
        let changed = BTreeSet::from(["partials/nav.html".to_string()]);
        let found = dependents(&theme, &changed);
        assert_eq!(
            found,
            BTreeSet::from(["base.html", "partials/nav.html", "post.html"].map(String::from))
        );
        let found = dependents(&theme, &BTreeSet::from(["macros.html".to_string()]));
        assert!(found.contains("section.html") && !found.contains("post.html"));
    }

    #[test]
    fn finds_the_templates_that_list_posts() {
        let theme = theme(&[
            ("awards.html", "{% set a = get_posts(kind=\"award\") %}"),
            ("special.html", "{% extends \"awards.html\" %}"),
            ("post.html", "{{ page.title }}"),
        ]);
        let found = listing_posts(&theme);
        assert!(found.contains("awards.html") && found.contains("special.html"));
        assert!(!found.contains("post.html"));
    }
}
