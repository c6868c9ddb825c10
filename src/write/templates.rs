//! Templates: the theme's tera templates, checked and compiled once per build.

use std::collections::HashMap;
use std::sync::Arc;

use tera::{Tera, Value};

use crate::diagnostic::{Diagnostic, Position};
use crate::theme::Theme;

/// Compiles every template, reporting all syntax errors at once.
pub fn compile(
    theme: &Theme,
    permalinks: Arc<HashMap<String, String>>,
    base: String,
) -> Result<Tera, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    for (name, template) in &theme.templates {
        if let Err(error) = tera::Template::new(name, None, &template.text) {
            problems.push(syntax_error(name, &template.origin.display_path(), &error));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    tera.set_escape_fn(escape);
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
    tera.register_function("get_url", GetUrl { permalinks, base });
    tera.register_filter("hours", hours_filter);
    Ok(tera)
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

/// Escapes text for HTML text and quoted attributes. Tera's default also
/// escapes `/`, which makes every URL in a page unreadable for no gain.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
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
pub struct GetPosts {
    posts: Arc<Vec<Value>>,
}

impl GetPosts {
    pub fn new(newest_first: Vec<Value>) -> Self {
        GetPosts {
            posts: Arc::new(newest_first),
        }
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
            self.posts
                .iter()
                .filter(matches)
                .take(limit)
                .cloned()
                .collect(),
        ))
    }
}

/// `{{ "Mo-Fr 07:30-17:00" | hours }}` → "Monday to Friday, 7:30 a.m. to 5 p.m.":
/// config keeps schema.org's opening-hours form, people read this one.
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
}
