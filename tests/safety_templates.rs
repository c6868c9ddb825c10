//! Templates that would never finish: one that includes, extends or imports
//! itself (directly or through others) is refused before anything is drawn,
//! naming the templates and the line; a macro that calls itself without end
//! stops the build with a diagnostic instead of overflowing the stack.
//! (`rounds serve` with such a template: tests/safety_serve.rs.)

use crate::common::Fixture;

fn site_with(templates: &[(&str, &str)]) -> Fixture {
    let site = Fixture::new(&[(
        "content/blog/bp.md",
        &crate::common::post("BP", "date = 2026-01-01", "Body."),
    )]);
    for (path, text) in templates {
        site.write(path, text);
    }
    site
}

/// Builds and expects a clean failure (exit 1, no abort); returns stderr.
fn refused(site: &Fixture) -> String {
    let out = site.build(&[]);
    let log = crate::common::stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a clean failure, not an abort: {:?}\n{log}",
        out.status
    );
    assert!(!site.exists("index.html"), "nothing was published");
    log
}

#[test]
fn a_template_that_includes_itself_is_named_with_its_line() {
    let site = site_with(&[(
        "templates/post.html",
        "<main>\n{{ page.title }}\n{% include \"post.html\" %}\n</main>\n",
    )]);
    let log = refused(&site);
    assert!(
        log.contains("templates/post.html:3:") && log.contains("includes itself"),
        "{log}"
    );
}

#[test]
fn an_include_cycle_names_every_template_in_it() {
    let site = site_with(&[
        ("templates/post.html", "{% include \"partials/a.html\" %}"),
        (
            "templates/partials/a.html",
            "a {% include \"partials/b.html\" %}",
        ),
        (
            "templates/partials/b.html",
            "b\n{% if page %}{% include \"partials/a.html\" %}{% endif %}",
        ),
    ]);
    let log = refused(&site);
    assert!(log.contains("template/cycle"), "{log}");
    assert!(
        log.contains("partials/a.html") && log.contains("partials/b.html"),
        "{log}"
    );
    assert!(log.contains("includes itself through"), "{log}");
}

#[test]
fn an_extends_cycle_is_refused_whatever_template_is_met_first() {
    // Every theme page extends base.html; a base that extends a layout that
    // extends base again used to overflow the stack while compiling.
    let site = site_with(&[
        (
            "templates/base.html",
            "{% extends \"layout.html\" %}{% block content %}{% endblock content %}",
        ),
        (
            "templates/layout.html",
            "{% extends \"base.html\" %}{% block content %}{% endblock content %}",
        ),
    ]);
    let log = refused(&site);
    assert!(
        log.contains("base.html") && log.contains("layout.html") && log.contains("extends"),
        "{log}"
    );
    assert!(log.contains("template/cycle"), "{log}");
}

#[test]
fn an_import_cycle_is_refused() {
    let site = site_with(&[
        (
            "templates/post.html",
            "{% import \"m1.html\" as m %}{{ m::one() }}",
        ),
        (
            "templates/m1.html",
            "{% import \"m2.html\" as two %}{% macro one() %}1{% endmacro one %}",
        ),
        (
            "templates/m2.html",
            "{% import \"m1.html\" as one %}{% macro two() %}2{% endmacro two %}",
        ),
    ]);
    let log = refused(&site);
    assert!(
        log.contains("templates/m1.html") && log.contains("imports"),
        "{log}"
    );
}

#[test]
fn a_macro_that_calls_itself_without_end_is_stopped_and_named() {
    let site = site_with(&[
        (
            "templates/post.html",
            "{% import \"macros.html\" as m %}<p>{{ m::down(n=1) }}</p>",
        ),
        (
            "templates/macros.html",
            "{% macro down(n) %}<i>{{ self::down(n=n + 1) }}</i>{% endmacro down %}",
        ),
    ]);
    let log = refused(&site);
    assert!(log.contains("template/recursion"), "{log}");
    assert!(
        log.contains("`down`") && log.contains("templates/macros.html"),
        "names the macro and its template: {log}"
    );
}

#[test]
fn a_macro_that_calls_itself_a_few_times_still_works() {
    let site = site_with(&[
        (
            "templates/post.html",
            "{% import \"macros.html\" as m %}<p id=\"count\">{{ m::count(n=40) }}</p>",
        ),
        (
            "templates/macros.html",
            "{% macro count(n) %}{% if n > 0 %}{{ n }},{{ self::count(n=n - 1) }}{% endif %}{% endmacro count %}",
        ),
    ]);
    site.build_ok();
    let page = site.read("blog/bp/index.html");
    assert!(page.contains("40,39,38,"), "{page}");
    assert!(page.contains(",2,1,</p>"), "{page}");
}

#[test]
fn a_template_that_merely_names_itself_is_not_a_cycle() {
    let site = site_with(&[(
        "templates/post.html",
        "{% if current_path == \"post.html\" %}x{% endif %}{% macro again() %}{% include \"post.html\" %}{% endmacro again %}<p>{{ page.title }}</p>",
    )]);
    site.build_ok();
}
