//! `[brand]` (issue 18 item 1): the clinic's logo, colours, font and home
//! picture reach every page, and a colour that fails WCAG AA contrast, a
//! picture without alt text, a font on another host or a missing file stop
//! the build at config.toml's line, with a fix.

use crate::common::{CONFIG, Fixture, post, stderr};
use scraper::{Html, Selector};

const LOGO: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="48" height="40" viewBox="0 0 48 40"><circle cx="20" cy="20" r="18" fill="#b3123e"/></svg>"##;

fn branded(brand: &str) -> Fixture {
    let site = Fixture::new(&[(
        "content/blog/visit.md",
        &post("What to bring", "date = 2026-03-01", "Bring your cards.\n"),
    )]);
    site.write("config.toml", &format!("{CONFIG}\n[brand]\n{brand}"));
    site.write("static/images/logo.svg", LOGO);
    site.write_bytes("static/fonts/clinic.woff2", b"wOF2 not really a font");
    site
}

fn first<'a>(html: &'a Html, css: &str) -> Option<scraper::ElementRef<'a>> {
    html.select(&Selector::parse(css).unwrap()).next()
}

#[test]
fn brand_colours_logo_and_font_reach_every_page() {
    let site = branded(
        "logo = \"images/logo.svg\"\nlogo_alt = \"Riverside Heart: a red heart\"\nprimary = \"#0a5ca8\"\naccent = \"#b3123e\"\nfont = \"fonts/clinic.woff2\"\n",
    );
    site.build_ok();
    for page in ["index.html", "blog/visit/index.html"] {
        let html = Html::parse_document(&site.read(page));
        let style = first(&html, "head style")
            .expect("a brand <style>")
            .inner_html();
        assert!(style.contains("--link:#0a5ca8"), "{page}: {style}");
        assert!(style.contains("--accent:#b3123e"), "{page}: {style}");
        // Dark mode gets shades that pass on the dark backgrounds, not the light ones.
        let dark = &style[style
            .find("prefers-color-scheme: dark")
            .expect("a dark block")..];
        assert!(
            !dark.contains("#0a5ca8"),
            "{page}: dark mode kept the light blue: {dark}"
        );
        assert!(
            style.contains("url(\"https://heart.example/fonts/clinic.woff2\") format(\"woff2\")"),
            "{page}: {style}"
        );
        let logo = first(&html, ".site-name img.logo").expect("the logo in the header");
        // Beside the clinic's name, which is the link's text, the logo says nothing more.
        assert_eq!(logo.value().attr("alt"), Some(""));
        assert_eq!(logo.value().attr("width"), Some("48"));
        assert_eq!(logo.value().attr("height"), Some("40"));
        assert_eq!(
            logo.value().attr("src"),
            Some("https://heart.example/images/logo.svg")
        );
    }
    // The structured data names the logo too.
    assert!(site.read("index.html").contains("\"logo\""));
}

#[test]
fn a_pale_colour_is_an_error_naming_the_pair_and_a_passing_shade() {
    let site = branded("primary = \"#4a90e2\"\naccent = \"#ffb020\"\n");
    let out = site.build(&[]);
    assert!(!out.status.success(), "a pale blue built");
    let err = stderr(&out);
    let line = CONFIG.lines().count() + 3;
    assert!(err.contains("brand/contrast"), "{err}");
    assert!(
        err.contains(&format!("config.toml:{line}:11")),
        "no line {line}:\n{err}"
    );
    assert!(
        err.contains("primary = \"#4a90e2\" has a contrast of 2.95:1 with the physician panel background #e9f5f5"),
        "{err}"
    );
    assert!(
        err.contains("use primary = \"#"),
        "no passing shade offered:\n{err}"
    );
    // Both colours are reported in one run.
    assert!(err.contains("accent = \"#ffb020\""), "{err}");
    assert!(err.contains("its white button text"), "{err}");
    assert!(!site.exists("index.html"), "a refused build wrote pages");
}

#[test]
fn the_offered_shade_passes_when_used() {
    let site = branded("primary = \"#4a90e2\"\n");
    let err = stderr(&site.build(&[]));
    let at = err.find("use primary = \"").expect("a shade") + "use primary = \"".len();
    let shade = &err[at..at + 7];
    site.write(
        "config.toml",
        &format!("{CONFIG}\n[brand]\nprimary = \"{shade}\"\n"),
    );
    site.build_ok();
    assert!(site.read("index.html").contains(&format!("--link:{shade}")));
}

#[test]
fn a_font_on_another_host_a_missing_alt_and_a_missing_file_are_errors() {
    let site = branded(
        "logo = \"images/logo.svg\"\nfont = \"https://fonts.example.com/css2?family=Inter\"\nprimary = \"teal\"\n",
    );
    let out = site.build(&[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    for (rule, words) in [
        ("brand/alt", "[brand] logo has no logo_alt"),
        ("brand/remote", "is on another site"),
        ("brand/colour", "primary = \"teal\" is not a colour"),
    ] {
        assert!(err.contains(rule), "no {rule}:\n{err}");
        assert!(err.contains(words), "no '{words}':\n{err}");
    }
    assert_eq!(
        err.matches("is not a colour").count(),
        1,
        "reported once:\n{err}"
    );
    // Once config.toml reads right, the files it names are looked for.
    site.write(
        "config.toml",
        &format!(
            "{CONFIG}\n[brand]\nhero = \"images/missing.jpg\"\nhero_alt = \"Our waiting room\"\n"
        ),
    );
    let err = stderr(&site.build(&[]));
    assert!(err.contains("brand/missing"), "{err}");
    assert!(
        err.contains("hero = \"images/missing.jpg\" names a file the site does not have"),
        "{err}"
    );
    assert!(
        err.contains("put the file at static/images/missing.jpg"),
        "{err}"
    );
}

#[test]
fn the_hero_picture_is_on_the_home_page_with_its_size() {
    let site = branded("hero = \"images/logo.svg\"\nhero_alt = \"Our front desk\"\n");
    site.build_ok();
    let html = Html::parse_document(&site.read("index.html"));
    let hero = first(&html, ".hero .hero-photo").expect("the hero picture");
    assert_eq!(hero.value().attr("alt"), Some("Our front desk"));
    assert_eq!(hero.value().attr("width"), Some("48"));
    assert_eq!(hero.value().attr("fetchpriority"), Some("high"));
    // Only the home page carries it.
    assert!(!site.read("blog/visit/index.html").contains("hero-photo"));
}
