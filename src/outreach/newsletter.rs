//! An e-mail-ready version of a physician article for a referral-office
//! newsletter: table layout and inline styles, because mail clients ignore
//! stylesheets.

use pulldown_cmark_escape::{escape_href, escape_html};
use serde_json::Value;

use crate::config::Clinic;
use crate::content::Post;
use crate::load::Site;

fn text(s: &str) -> String {
    let mut out = String::new();
    escape_html(&mut out, s).ok();
    out
}

fn href(s: &str) -> String {
    let mut out = String::new();
    escape_href(&mut out, s).ok();
    text(&out)
}

/// The style of a cell of the tests table.
const CELL: &str =
    "padding:6px 8px;border:1px solid #c9d1d9;font:14px/1.4 Arial,sans-serif;color:#1c2126;";

/// The newsletter for the physician page of `post`, whose address is `page_url`.
pub fn render(site: &Site, post: &Post, page_url: &str) -> String {
    let config = &site.config;
    let title = post.physician_title();
    let summary = post.physician_summary().unwrap_or_default();
    let tests = tests_table(&test_rows(site, post));
    let refer = referral_lines(&config.clinic);
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width\">\n<title>{title}</title>\n</head>\n\
<body style=\"margin:0;padding:0;background:#f3f6f9\">\n\
<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" width=\"100%\" style=\"background:#f3f6f9\"><tr><td align=\"center\" style=\"padding:24px 8px\">\n\
<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" width=\"600\" style=\"max-width:600px;background:#ffffff;border-top:6px solid #0c5c5f\">\n\
<tr><td style=\"padding:24px 24px 0;font:14px Arial,sans-serif;color:#4b5661\">{clinic_name} · For referring physicians</td></tr>\n\
<tr><td style=\"padding:8px 24px 0\"><h1 style=\"margin:0;font:bold 24px/1.3 Arial,sans-serif;color:#1c2126\">{title}</h1></td></tr>\n\
<tr><td style=\"padding:12px 24px 0;font:16px/1.5 Arial,sans-serif;color:#1c2126\">{summary}</td></tr>\n\
{tests}\n\
<tr><td style=\"padding:16px 24px 0\"><h2 style=\"margin:0 0 8px;font:bold 18px Arial,sans-serif;color:#0c5c5f\">How to refer</h2><p style=\"margin:0;font:14px/1.6 Arial,sans-serif;color:#1c2126\">{refer}</p></td></tr>\n\
<tr><td style=\"padding:20px 24px 24px\"><a href=\"{url}\" style=\"display:inline-block;padding:10px 18px;background:#0c5c5f;color:#ffffff;font:bold 15px Arial,sans-serif;text-decoration:none;border-radius:4px\">Read the full article</a>\
<p style=\"margin:12px 0 0;font:14px Arial,sans-serif;color:#4b5661\">Share with your patients: <a href=\"{patient_url}\" style=\"color:#0b57a4\">{patient_url_text}</a></p></td></tr>\n\
</table>\n</td></tr></table>\n</body>\n</html>\n",
        lang = text(&post.lang),
        title = text(title),
        clinic_name = text(config.clinic_name()),
        summary = text(summary),
        url = href(page_url),
        patient_url = href(&config.published_permalink(&post.path)),
        patient_url_text = text(&config.published_permalink(&post.path)),
    )
}

/// One table row per test the article names, from data/services.toml.
fn test_rows(site: &Site, post: &Post) -> String {
    let cell = CELL;
    let physicians = post.front.physicians.as_ref();
    let mut rows = String::new();
    for key in physicians.map(|p| p.tests.as_slice()).unwrap_or_default() {
        let record = site
            .data
            .get("services")
            .and_then(|s| s.get(key))
            .and_then(Value::as_object);
        let field = |f: &str| {
            record
                .and_then(|r| r.get(f))
                .and_then(Value::as_str)
                .unwrap_or("—")
        };
        rows.push_str(&format!(
            "<tr><td style=\"{cell}\">{}</td><td style=\"{cell}\">{}</td><td style=\"{cell}\">{}</td><td style=\"{cell}\">{}</td></tr>\n",
            text(record.and_then(|r| r.get("name")).and_then(Value::as_str).unwrap_or(key)),
            text(field("specimen")),
            text(field("turnaround")),
            text(field("cpt")),
        ));
    }
    rows
}

/// The tests section, or nothing when the article names no test.
fn tests_table(rows: &str) -> String {
    let cell = CELL;
    if rows.is_empty() {
        return String::new();
    }
    format!(
        "<tr><td style=\"padding:16px 24px 0\"><h2 style=\"margin:0 0 8px;font:bold 18px Arial,sans-serif;color:#0c5c5f\">Tests we offer for your patients</h2>\
         <table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" width=\"100%\" style=\"border-collapse:collapse\">\
         <tr><th style=\"{cell}text-align:left\">Test</th><th style=\"{cell}text-align:left\">Specimen</th><th style=\"{cell}text-align:left\">Turnaround</th><th style=\"{cell}text-align:left\">CPT</th></tr>\n{rows}</table></td></tr>"
    )
}

/// How to refer: phone, fax, e-referral and the liaison, as HTML lines.
fn referral_lines(clinic: &Clinic) -> String {
    let mut refer = Vec::new();
    if let Some(phone) = &clinic.phone {
        refer.push(format!("Phone {}", text(phone)));
    }
    if let Some(fax) = &clinic.fax {
        refer.push(format!("Fax {}", text(fax)));
    }
    if let Some(url) = &clinic.referral_url {
        refer.push(format!(
            "<a href=\"{}\" style=\"color:#0b57a4\">Send an e-referral</a>",
            href(url)
        ));
    }
    if let Some(liaison) = &clinic.liaison {
        let mut line = format!(
            "Physician liaison: {}",
            text(liaison.name.as_deref().unwrap_or_default())
        );
        if let Some(email) = &liaison.email {
            line.push_str(&format!(
                ", <a href=\"mailto:{}\" style=\"color:#0b57a4\">{}</a>",
                href(email),
                text(email)
            ));
        }
        refer.push(line);
    }
    refer.join("<br>")
}
