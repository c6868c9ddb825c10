//! Templates that would never finish. A template that extends or imports
//! itself, directly or through others, recurses without end; one that
//! includes itself could stop only on a condition that changes on the way
//! down, which is what macros are for. All such cycles are refused before
//! anything is compiled or drawn. A macro
//! may call itself (a nested list is a fair use), so macro recursion is
//! bounded while drawing instead: every macro starts by checking how much of
//! its thread's stack is left, and stops the page with a diagnostic long
//! before the stack would overflow and abort the process.
//!
//! Both look at tera's parsed templates (`tera::ast`, `Tera::templates`),
//! which tera exposes but keeps out of its documented API; the lock file
//! pins the version these were written against.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use tera::ast::{Expr, ExprVal, FunctionCall, Node, WS};
use tera::{Tera, Value};

use crate::diagnostic::{Diagnostic, Position};
use crate::theme::Theme;

/// The function every macro body starts with.
const GUARD: &str = "__rounds_macro_guard";

/// Stack a macro needs left to start. A level of macro recursion takes a few
/// kilobytes; tera's deepest single render step (a long chain of filters and
/// nested tags) is well under this.
const STACK_RESERVE: usize = 256 * 1024;

/// How one template refers to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reference {
    Extends,
    Includes,
    Imports,
}

impl Reference {
    fn verb(self) -> &'static str {
        match self {
            Reference::Extends => "extends",
            Reference::Includes => "includes",
            Reference::Imports => "imports",
        }
    }

    fn keyword(self) -> &'static str {
        match self {
            Reference::Extends => "extends",
            Reference::Includes => "include",
            Reference::Imports => "import",
        }
    }
}

/// Every template's references to others: (kind, target), in a stable order.
type Graph = BTreeMap<String, Vec<(Reference, String)>>;

/// Refuses every cycle of `{% extends %}`, `{% include %}` and `{% import %}`,
/// one diagnostic per cycle, at the line of its first reference. `parsed` is
/// each template as tera parsed it alone (no references resolved yet).
pub fn cycles(theme: &Theme, parsed: &[tera::Template]) -> Vec<Diagnostic> {
    let graph = graph(parsed);
    let mut seen: BTreeSet<Vec<String>> = BTreeSet::new();
    let mut problems = Vec::new();
    for start in graph.keys() {
        let Some(cycle) = cycle_from(&graph, start) else {
            continue;
        };
        // The same cycle is found from each of its templates: report it once.
        let mut key: Vec<String> = cycle.iter().map(|(from, _, _)| from.clone()).collect();
        key.sort();
        if seen.insert(key) {
            problems.push(diagnostic(theme, &cycle));
        }
    }
    problems
}

fn graph(parsed: &[tera::Template]) -> Graph {
    let known: BTreeSet<&str> = parsed.iter().map(|t| t.name.as_str()).collect();
    let mut graph = Graph::new();
    for template in parsed {
        let mut edges = Vec::new();
        if let Some(parent) = &template.parent {
            edges.push((Reference::Extends, parent.clone()));
        }
        for (file, _) in &template.imported_macro_files {
            edges.push((Reference::Imports, file.clone()));
        }
        let mut included = Vec::new();
        includes(&template.ast, &mut included);
        // Tera includes the first of a list that exists.
        edges.extend(
            included
                .into_iter()
                .filter_map(|names| names.into_iter().find(|n| known.contains(n.as_str())))
                .map(|name| (Reference::Includes, name)),
        );
        edges.retain(|(_, target)| known.contains(target.as_str()));
        edges.dedup();
        graph.insert(template.name.clone(), edges);
    }
    graph
}

/// The names each `{% include %}` may draw, outside macro bodies (those run
/// only when the macro is called, and macro recursion is bounded apart).
fn includes(nodes: &[Node], found: &mut Vec<Vec<String>>) {
    for node in nodes {
        match node {
            Node::Include(_, names, _) => found.push(names.clone()),
            Node::Block(_, block, _) => includes(&block.body, found),
            Node::Forloop(_, forloop, _) => {
                includes(&forloop.body, found);
                if let Some(empty) = &forloop.empty_body {
                    includes(empty, found);
                }
            }
            Node::If(branches, _) => {
                for (_, _, body) in &branches.conditions {
                    includes(body, found);
                }
                if let Some((_, body)) = &branches.otherwise {
                    includes(body, found);
                }
            }
            Node::FilterSection(_, section, _) => includes(&section.body, found),
            _ => {}
        }
    }
}

/// A path of references from `start` back to itself, if there is one:
/// (from, how, to) for each step.
fn cycle_from(graph: &Graph, start: &str) -> Option<Vec<(String, Reference, String)>> {
    // Depth-first, remembering the path; each template is entered once.
    let mut path: Vec<(String, Reference, String)> = Vec::new();
    let mut visited: BTreeSet<String> = BTreeSet::new();
    let mut stack: Vec<(String, usize)> = vec![(start.to_string(), 0)];
    visited.insert(start.to_string());
    while let Some((name, next)) = stack.pop() {
        let edges = graph.get(&name).map(Vec::as_slice).unwrap_or_default();
        let Some((how, target)) = edges.get(next) else {
            path.pop();
            continue;
        };
        stack.push((name.clone(), next + 1));
        if target == start {
            path.push((name, *how, target.clone()));
            return Some(path);
        }
        if visited.insert(target.clone()) {
            path.push((name, *how, target.clone()));
            stack.push((target.clone(), 0));
        }
    }
    None
}

fn diagnostic(theme: &Theme, cycle: &[(String, Reference, String)]) -> Diagnostic {
    let (first, how, _) = &cycle[0];
    let file = |name: &str| -> PathBuf {
        theme
            .templates
            .get(name)
            .map(|t| t.origin.display_path())
            .unwrap_or_else(|| PathBuf::from(name))
    };
    let shown = |name: &str| format!("`{}`", file(name).display());
    let message = if cycle.len() == 1 {
        format!("template {} {} itself", shown(first), how.verb())
    } else {
        let steps: Vec<String> = cycle
            .iter()
            .map(|(from, how, to)| format!("{} {} {}", shown(from), how.verb(), shown(to)))
            .collect();
        format!(
            "template {} {} itself through {}: {}",
            shown(first),
            how.verb(),
            cycle[1..]
                .iter()
                .map(|(from, _, _)| shown(from))
                .collect::<Vec<_>>()
                .join(", "),
            steps.join(", ")
        )
    };
    let position = theme
        .templates
        .get(first)
        .and_then(|t| line_of_reference(&t.text, *how, &cycle[0].2));
    Diagnostic::error("template/cycle", message)
        .in_file(file(first))
        .at_opt(position)
        .with_help("a template that reaches itself again would never finish; remove one of these references, or repeat markup with a `{% for %}` loop or a macro")
}

/// The line of the tag in `text` that refers to `target` in this way.
fn line_of_reference(text: &str, how: Reference, target: &str) -> Option<Position> {
    let quoted = [format!("\"{target}\""), format!("'{target}'")];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let at_tag = line
            .find(how.keyword())
            .filter(|&k| quoted.iter().any(|q| line[k..].contains(q.as_str())));
        if let Some(column) = at_tag {
            let start = line[..column].rfind("{%").unwrap_or(column);
            return Some(crate::diagnostic::position_of(text, offset + start));
        }
        offset += line.len();
    }
    None
}

/// Makes every macro check the stack before it runs (see the module's comment).
pub fn guard_macros(tera: &mut Tera) {
    for (name, template) in tera.templates.iter_mut() {
        for (macro_name, definition) in template.macros.iter_mut() {
            let text = |s: &str| Expr::new(ExprVal::String(s.to_string()));
            let call = FunctionCall {
                name: GUARD.to_string(),
                args: HashMap::from([
                    ("macro".to_string(), text(macro_name)),
                    ("template".to_string(), text(name)),
                ]),
            };
            let guard = Node::VariableBlock(WS::default(), Expr::new(ExprVal::FunctionCall(call)));
            definition.body.insert(0, guard);
        }
    }
    tera.register_function(GUARD, guard);
}

/// Nothing to print while there is room; an error naming the macro when not.
fn guard(args: &HashMap<String, Value>) -> tera::Result<Value> {
    let left = stacker::remaining_stack().unwrap_or(usize::MAX);
    if left >= STACK_RESERVE {
        return Ok(Value::String(String::new()));
    }
    let text = |key: &str| args.get(key).and_then(Value::as_str).unwrap_or_default();
    Err(tera::Error::msg(format!(
        "{MARKER}{}{MARKER}{}{MARKER}",
        text("macro"),
        text("template")
    )))
}

/// Brackets the guard's macro and template inside tera's error chain, which
/// wraps them in "Failed to render …: Function call '…' failed", words that
/// say nothing to a theme author.
const MARKER: &str = "\u{1}";

/// (macro, template) if this render error, as text, is the guard's.
fn stopped(error: &str) -> Option<(String, String)> {
    let mut parts = error.split(MARKER);
    let (_, name, template) = (parts.next()?, parts.next()?, parts.next()?);
    parts.next()?;
    Some((name.to_string(), template.to_string()))
}

/// Takes the guard's failures out of `failures` ((page template, message)
/// per page) and reports each stopped macro once, at its definition.
pub fn runaways(theme: &Theme, failures: &mut Vec<(String, String)>) -> Vec<Diagnostic> {
    let mut macros: BTreeSet<(String, String)> = BTreeSet::new();
    failures.retain(|(_, message)| match stopped(message) {
        Some(found) => {
            macros.insert(found);
            false
        }
        None => true,
    });
    macros
        .into_iter()
        .map(|(name, template)| {
            let source = theme.templates.get(&template);
            let file = source.map_or_else(|| PathBuf::from(&template), |t| t.origin.display_path());
            let position = source.and_then(|t| {
                let at = t.text.find(&format!("macro {name}("))?;
                let start = t.text[..at].rfind("{%").unwrap_or(at);
                Some(crate::diagnostic::position_of(&t.text, start))
            });
            Diagnostic::error(
                "template/recursion",
                format!(
                    "macro `{name}` in `{}` calls itself too deeply (hundreds of calls within one another), most likely without end",
                    file.display()
                ),
            )
            .in_file(file)
            .at_opt(position)
            .with_help("a macro that calls itself needs an end: call it again only inside an `{% if %}` that becomes false, e.g. when a list runs out")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::theme::{Origin, Template};

    fn theme(templates: &[(&str, &str)]) -> (Theme, Vec<tera::Template>) {
        let mut theme = Theme::default();
        let mut parsed = Vec::new();
        for (name, text) in templates {
            theme.templates.insert(
                name.to_string(),
                Template {
                    text: text.to_string(),
                    origin: Origin::File(PathBuf::from("templates").join(name)),
                },
            );
            parsed.push(tera::Template::new(name, None, text).unwrap());
        }
        (theme, parsed)
    }

    #[test]
    fn a_self_include_is_found_at_its_line() {
        let (theme, parsed) = theme(&[("post.html", "<p>\n{{ x }}\n{% include \"post.html\" %}")]);
        let found = cycles(&theme, &parsed);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "template `templates/post.html` includes itself"
        );
        assert_eq!(found[0].position.map(|p| p.line), Some(3));
    }

    #[test]
    fn a_cycle_through_others_is_reported_once_with_every_step() {
        let (theme, parsed) = theme(&[
            ("a.html", "{% include \"b.html\" %}"),
            (
                "b.html",
                "{% for x in y %}{% include \"c.html\" %}{% endfor %}",
            ),
            ("c.html", "{% if z %}{% include 'a.html' %}{% endif %}"),
            ("d.html", "{% include \"a.html\" %}"),
        ]);
        let found = cycles(&theme, &parsed);
        assert_eq!(found.len(), 1, "{found:?}");
        let message = &found[0].message;
        assert!(message.starts_with("template `templates/a.html` includes itself through `templates/b.html`, `templates/c.html`"), "{message}");
        assert!(
            message.contains("`templates/c.html` includes `templates/a.html`"),
            "{message}"
        );
    }

    #[test]
    fn extends_and_imports_count_and_mentions_do_not() {
        let (theme, parsed) = theme(&[
            ("base.html", "{% extends \"layout.html\" %}"),
            ("layout.html", "{% extends \"base.html\" %}"),
            (
                "m.html",
                "{% import \"m.html\" as m %}{% macro x() %}{% endmacro x %}",
            ),
            (
                "ok.html",
                "{{ \"ok.html\" }}{% macro again() %}{% include \"ok.html\" %}{% endmacro again %}",
            ),
        ]);
        let found = cycles(&theme, &parsed);
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages
                .iter()
                .any(|m| m.contains("extends itself through"))
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("`templates/m.html` imports itself"))
        );
    }

    #[test]
    fn an_unbounded_macro_is_stopped_and_a_bounded_one_runs() {
        let (theme, _) = theme(&[(
            "m.html",
            "<p>\n{% macro down(n) %}{{ self::down(n=n+1) }}{% endmacro down %}",
        )]);
        let mut tera = Tera::default();
        tera.add_raw_templates(vec![
            (
                "m.html",
                "{% macro down(n) %}{{ self::down(n=n+1) }}{% endmacro down %}{% macro count(n) %}{% if n > 0 %}{{ n }}{{ self::count(n=n-1) }}{% endif %}{% endmacro count %}",
            ),
            ("bad.html", "{% import \"m.html\" as m %}{{ m::down(n=0) }}"),
            ("good.html", "{% import \"m.html\" as m %}{{ m::count(n=30) }}"),
        ])
        .unwrap();
        guard_macros(&mut tera);
        // A thread with a stack as small as rayon's default.
        let (bad, good) = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                let context = tera::Context::new();
                let bad = tera
                    .render("bad.html", &context)
                    .map_err(|e| super::super::templates::chain(&e));
                (bad, tera.render("good.html", &context).unwrap())
            })
            .unwrap()
            .join()
            .unwrap();
        assert!(good.starts_with("302928"), "{good}");
        let mut failures = vec![
            ("bad.html".to_string(), bad.unwrap_err()),
            (
                "other.html".to_string(),
                "Variable `x` not found".to_string(),
            ),
        ];
        failures.insert(0, failures[0].clone());
        let found = runaways(&theme, &mut failures);
        assert_eq!(failures.len(), 1, "only the other failure is left");
        assert_eq!(found.len(), 1, "one report per macro");
        assert_eq!(
            found[0].message,
            "macro `down` in `templates/m.html` calls itself too deeply (hundreds of calls within one another), most likely without end"
        );
        assert_eq!(found[0].position.map(|p| p.line), Some(2));
    }
}
