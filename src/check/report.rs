//! The reading-level report a reviewer looks at: one row per patient-facing
//! post with its Flesch–Kincaid grade, Reading Ease, SMOG (English) or its
//! Szigriszt-Pazos perspicuity and Fernández Huerta (Spanish), words, reviewer,
//! last review and whether it is stale, and its open problems; the hardest
//! sentences one click away. `rounds check --report` writes it as a page,
//! `rounds serve` shows it at `/_check/`, `--format json` carries the rows.

use std::path::Path;

use serde::Serialize;

use super::Checker;
use super::readability::Reading;
use crate::diagnostic::Diagnostic;
use crate::load::Site;
use crate::markdown::escape;

/// One patient-facing post.
#[derive(Debug, Clone, Serialize)]
pub struct PostRow {
    /// The post's file, from the site's folder.
    pub file: String,
    pub title: String,
    /// The page's path on the site (`/blog/bp/`).
    pub path: String,
    pub reviewed_by: Option<String>,
    pub last_reviewed: Option<String>,
    pub stale: bool,
    /// The post's open problems (errors and warnings).
    pub diagnostics: usize,
    #[serde(flatten)]
    pub reading: Reading,
    /// The grade is above `[check] reading_grade`, or a Spanish post's
    /// perspicuity below `[check] reading_ease_es`.
    pub over_target: bool,
}

/// Every patient-facing post of the site, in the order of its files;
/// `problems` are the check's, counted per post.
pub fn rows(site: &Site, checker: &Checker, problems: &[Diagnostic]) -> Vec<PostRow> {
    let settings = checker.settings();
    // Counted once by file: a 10,000-post site can have 60,000 problems.
    let mut open: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for file in problems.iter().filter_map(|d| d.file.as_deref()) {
        *open.entry(relative(&site.root, file)).or_default() += 1;
    }
    let doctors = site.data.get("doctors");
    let name_of = |key: &str| {
        doctors
            .and_then(|d| d.get(key)?.get("name")?.as_str())
            .unwrap_or(key)
            .to_string()
    };
    let mut rows: Vec<PostRow> = site
        .posts
        .iter()
        // A page about the clinic is not a medical article (`kind = "page"`).
        .filter(|post| post.front.kind != crate::content::Kind::Page)
        .filter_map(|post| {
            let reading = checker.reading(post)?;
            let file = relative(&site.root, &post.file);
            let front = &post.front;
            Some(PostRow {
                title: front.title.clone(),
                path: post.path.clone(),
                reviewed_by: front.reviewed_by.as_deref().map(name_of),
                last_reviewed: front.last_reviewed.map(|d| d.to_string()),
                stale: front.last_reviewed.is_some_and(|d| checker.is_stale(d)),
                diagnostics: open.get(&file).copied().unwrap_or(0),
                over_target: reading.over_target(settings),
                reading,
                file,
            })
        })
        .collect();
    rows.sort_by(|a, b| a.file.cmp(&b.file));
    rows
}

fn relative(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/")
}

/// A site's report: its rows, its target grade, the address its pages live at.
pub struct Report {
    pub rows: Vec<PostRow>,
    /// The grade English posts should not exceed.
    pub target: f64,
    /// The perspicuity Spanish posts should reach.
    pub target_es: f64,
    pub base_url: String,
}

/// The site at `root` read again (drafts included, as the check does) and
/// its report. `problems` are the check's, counted per post; without them
/// (`rounds serve`) each post's own rules run now. `None` when the site
/// does not load: the check has reported why.
pub fn for_site(root: &Path, problems: Option<&[Diagnostic]>) -> Option<Report> {
    let options = crate::load::LoadOptions {
        drafts: true,
        base_url: None,
    };
    let site = crate::load::load(root, &options).ok()?;
    let settings = super::Settings::from_config(&site.config, &site.root).ok()?;
    let (checker, _) = Checker::new(&site, settings, crate::content::date::today());
    let own: Vec<Diagnostic>;
    let problems = match problems {
        Some(problems) => problems,
        None => {
            own = site
                .posts
                .iter()
                .flat_map(|post| checker.post(&site, post))
                .collect();
            &own
        }
    };
    Some(Report {
        rows: rows(&site, &checker, problems),
        target: checker.settings().reading_grade,
        target_es: checker.settings().reading_ease_es,
        base_url: site.config.base_url.clone(),
    })
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:2rem;color:#1a1a1a;background:#fff}\
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ccc;padding:.4rem .6rem;text-align:left;vertical-align:top}\
th{background:#f2f2f2}td.n{text-align:right;font-variant-numeric:tabular-nums}\
th button{font:inherit;font-weight:bold;background:none;border:0;padding:0;cursor:pointer;color:#00458a;text-decoration:underline}\
th[aria-sort=ascending] button::after{content:\" \\25B2\"}th[aria-sort=descending] button::after{content:\" \\25BC\"}\
.over{color:#a30000;font-weight:bold}.stale{color:#a30000}a{color:#00458a}";

/// Sorting by a column's `data-sort` (or its text): the headers become
/// buttons only when the script runs, so without it the page is a plain table.
const SCRIPT: &str = r#"document.querySelectorAll('table.sortable th').forEach(function (th, i) {
  var b = document.createElement('button'); b.type = 'button';
  b.textContent = th.textContent; th.textContent = ''; th.appendChild(b);
  b.addEventListener('click', function () {
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    th.closest('tr').querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    var body = th.closest('table').tBodies[0];
    var key = function (r) { var c = r.cells[i]; return c.hasAttribute('data-sort') ? c.getAttribute('data-sort') : c.textContent.trim().toLowerCase(); };
    Array.prototype.slice.call(body.rows).sort(function (a, b) {
      var x = key(a), y = key(b);
      if (x === '' || y === '') { return (x === '') - (y === ''); }
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : (x < y ? -1 : x > y ? 1 : 0);
      return asc ? c : -c;
    }).forEach(function (r) { body.appendChild(r); });
  });
});"#;

/// The report as a page. Links are `link_base` + each post's path.
pub fn html(rows: &[PostRow], target: f64, target_es: f64, link_base: &str) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Reading level and review: rounds check</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>Reading level and review</h1>\n<p>{} patient-facing posts. The target is grade {target} (Flesch–Kincaid) for English posts and a perspicuity of {target_es} (Szigriszt-Pazos, INFLESZ scale) for Spanish ones; a score that misses it is in bold. Choose a column's heading to sort by it.</p>\n",
        rows.len()
    );
    out.push_str("<table class=\"sortable\">\n<caption>Patient-facing posts</caption>\n<thead><tr><th scope=\"col\">Title</th><th scope=\"col\">Grade</th><th scope=\"col\">Reading Ease</th><th scope=\"col\">SMOG</th><th scope=\"col\">Perspicuity (es)</th><th scope=\"col\">Fernández Huerta (es)</th><th scope=\"col\">Words</th><th scope=\"col\">Reviewer</th><th scope=\"col\">Last review</th><th scope=\"col\">Open problems</th><th scope=\"col\">Hardest sentences</th></tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str(&html_row(row, link_base));
    }
    out.push_str("</tbody>\n</table>\n</main>\n<script>");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

fn html_row(row: &PostRow, link_base: &str) -> String {
    let r = &row.reading;
    let score = |v: Option<f64>| match v {
        Some(v) => format!("<td class=\"n\" data-sort=\"{v:.2}\">{v:.1}</td>"),
        None => "<td class=\"n\" data-sort=\"\">–</td>".to_string(),
    };
    let grade = match (r.grade, r.not_scored) {
        (Some(g), _) if row.over_target => {
            format!("<td class=\"n over\" data-sort=\"{g:.2}\">{g:.1} (over)</td>")
        }
        (Some(g), _) => format!("<td class=\"n\" data-sort=\"{g:.2}\">{g:.1}</td>"),
        (None, None) if r.szigriszt_pazos.is_some() => "<td data-sort=\"\">–</td>".to_string(),
        (None, why) => format!(
            "<td data-sort=\"\">{}</td>",
            escape(why.unwrap_or("not scored"))
        ),
    };
    let perspicuity = match (r.szigriszt_pazos, r.inflesz) {
        (Some(p), band) => format!(
            "<td class=\"n{}\" data-sort=\"{p:.2}\">{p:.1} ({}{})</td>",
            if row.over_target { " over" } else { "" },
            band.unwrap_or_default(),
            if row.over_target {
                ", under target"
            } else {
                ""
            }
        ),
        (None, _) => "<td class=\"n\" data-sort=\"\">–</td>".to_string(),
    };
    let review = match (&row.last_reviewed, row.stale) {
        (Some(date), true) => format!(
            "<td data-sort=\"{0}\"><span class=\"stale\">{0} (stale)</span></td>",
            escape(date)
        ),
        (Some(date), false) => format!("<td data-sort=\"{0}\">{0}</td>", escape(date)),
        (None, _) => "<td data-sort=\"\">not reviewed</td>".to_string(),
    };
    let hardest = if r.hardest.is_empty() {
        "<td>–</td>".to_string()
    } else {
        let items: String = r
            .hardest
            .iter()
            .map(|h| {
                format!(
                    "<li>line {}, {}: {}</li>",
                    h.line,
                    h.score(),
                    escape(&h.text)
                )
            })
            .collect();
        format!(
            "<td><details><summary>{} sentences</summary><ol>{items}</ol></details></td>",
            r.hardest.len()
        )
    };
    format!(
        "<tr><td data-sort=\"{title_key}\"><a href=\"{href}\">{title}</a><br><small>{file}</small></td>{grade}{ease}{smog}{perspicuity}{huerta}<td class=\"n\" data-sort=\"{words}\">{words}</td><td>{reviewer}</td>{review}<td class=\"n\" data-sort=\"{n}\">{n}</td>{hardest}</tr>\n",
        title_key = escape(&row.title.to_lowercase()),
        href = escape(&format!("{}{}", link_base.trim_end_matches('/'), row.path)),
        title = escape(&row.title),
        file = escape(&row.file),
        ease = score(r.reading_ease),
        smog = score(r.smog),
        huerta = score(r.fernandez_huerta),
        words = r.words,
        reviewer = escape(row.reviewed_by.as_deref().unwrap_or("–")),
        n = row.diagnostics,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::readability::Hard;

    #[test]
    fn every_field_is_escaped() {
        let row = PostRow {
            file: "content/<b>.md".into(),
            title: "<script>alert(1)</script> & \"x\"".into(),
            path: "/a\"onmouseover=\"x/".into(),
            reviewed_by: Some("<i>dr</i>".into()),
            last_reviewed: Some("2026-01-01".into()),
            stale: false,
            diagnostics: 2,
            reading: Reading {
                words: 300,
                grade: Some(9.2),
                reading_ease: Some(50.0),
                smog: Some(10.1),
                szigriszt_pazos: None,
                inflesz: None,
                fernandez_huerta: None,
                not_scored: None,
                hardest: vec![Hard {
                    line: 4,
                    grade: Some(14.0),
                    perspicuity: None,
                    text: "<img src=x onerror=alert(1)>".into(),
                }],
            },
            over_target: true,
        };
        let page = html(&[row], 8.0, 55.0, "");
        let body = &page[page.find("<tbody>").unwrap()..page.find("</tbody>").unwrap()];
        for raw in ["<script>", "<b>", "<i>", "<img", "\"onmouseover"] {
            assert!(!body.contains(raw), "{raw} unescaped in {body}");
        }
        assert!(body.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"));
    }

    #[test]
    fn a_spanish_row_shows_its_perspicuity_in_bold_under_the_target() {
        let row = PostRow {
            file: "content/blog/es.md".into(),
            title: "Consentimiento".into(),
            path: "/blog/es/".into(),
            reviewed_by: None,
            last_reviewed: None,
            stale: false,
            diagnostics: 1,
            reading: Reading {
                words: 159,
                grade: None,
                reading_ease: None,
                smog: None,
                szigriszt_pazos: Some(11.2),
                inflesz: Some("muy difícil"),
                fernandez_huerta: Some(15.4),
                not_scored: None,
                hardest: vec![Hard {
                    line: 5,
                    grade: None,
                    perspicuity: Some(-3.5),
                    text: "Mediante la firma del presente documento".into(),
                }],
            },
            over_target: true,
        };
        let page = html(&[row], 8.0, 55.0, "");
        assert!(
            page.contains("a perspicuity of 55 (Szigriszt-Pazos"),
            "{page}"
        );
        let body = &page[page.find("<tbody>").unwrap()..page.find("</tbody>").unwrap()];
        assert!(
            body.contains("<td class=\"n over\" data-sort=\"11.20\">11.2 (muy difícil, under target)</td><td class=\"n\" data-sort=\"15.40\">15.4</td>"),
            "{body}"
        );
        assert!(
            body.contains("<li>line 5, perspicuity -3.5: Mediante"),
            "{body}"
        );
        assert!(!body.contains("not scored"), "{body}");
    }
}
