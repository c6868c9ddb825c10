//! `rounds serve`: build the site and serve it on 127.0.0.1 for previewing.
//! (Watching files and live reload come later; this serves one build.)

use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::report;
use crate::build::{BuildOptions, build};
use crate::progress::Progress;

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub site: super::SiteArgs,
    #[arg(long, short = 'p', default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on; only this machine can connect by default
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Include draft posts
    #[arg(long)]
    pub drafts: bool,
}

pub fn run(args: &ServeArgs) -> ExitCode {
    let base_url = format!("http://{}:{}", display_host(&args.bind), args.port);
    // A preview build with local URLs goes to a folder of its own, never public/,
    // so it cannot be deployed by mistake.
    let scratch = match tempfile::Builder::new().prefix("rounds-serve-").tempdir() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("error: cannot make a folder for the preview: {e}");
            return ExitCode::FAILURE;
        }
    };
    let output = scratch.path().join("site");
    let outreach = scratch.path().join("outreach");
    let options = BuildOptions {
        root: args.site.root.clone(),
        output: output.clone(),
        base_url: Some(base_url.clone()),
        drafts: args.drafts,
        outreach: Some(outreach.clone()),
    };
    let (result, problems) = build(&options, &Progress::new(!args.site.quiet));
    report(&args.site, &problems);
    if result.is_err() {
        eprintln!("Build failed; fix the errors above and run `rounds serve` again.");
        return ExitCode::FAILURE;
    }
    let server = match tiny_http::Server::http((args.bind.as_str(), args.port)) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: cannot listen on {}:{}: {e}", args.bind, args.port);
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "Serving {} at {base_url}/ (Ctrl-C to stop)",
        args.site.root.display()
    );
    for request in server.incoming_requests() {
        let (status, file) = resolve(&output, &outreach, request.url());
        let response = match file.and_then(|f| std::fs::read(&f).ok().map(|b| (f, b))) {
            Some((file, bytes)) => tiny_http::Response::from_data(bytes)
                .with_status_code(status)
                .with_header(content_type(&file)),
            None => tiny_http::Response::from_data(b"Not found".to_vec()).with_status_code(404),
        };
        let _ = request.respond(response);
    }
    ExitCode::SUCCESS
}

fn display_host(bind: &str) -> &str {
    if bind == "0.0.0.0" { "127.0.0.1" } else { bind }
}

/// The file for a request path, never outside the served folders.
fn resolve(output: &Path, outreach: &Path, url: &str) -> (u16, Option<PathBuf>) {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode(path);
    let (root, rest) = match decoded.strip_prefix("/_outreach") {
        Some(rest) => (outreach, rest.to_string()),
        None => (output, decoded),
    };
    let relative = Path::new(rest.trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return (404, Some(output.join("404.html")));
    }
    let mut file = root.join(relative);
    if file.is_dir() {
        file = file.join("index.html");
    }
    // Links may point out of the site; only serve what really lies inside it.
    let inside = std::fs::canonicalize(&file)
        .ok()
        .zip(std::fs::canonicalize(root).ok())
        .is_some_and(|(f, r)| f.starts_with(r));
    if inside {
        (200, Some(file))
    } else {
        (404, Some(output.join("404.html")))
    }
}

fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = path
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn content_type(file: &Path) -> tiny_http::Header {
    let kind = match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    };
    tiny_http::Header::from_bytes(&b"Content-Type"[..], kind.as_bytes()).expect("a valid header")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("blog")).unwrap();
        std::fs::write(out.join("blog/index.html"), "x").unwrap();
        std::fs::write(dir.path().join("config.toml"), "secret").unwrap();
        assert_eq!(resolve(&out, &dir.path().join("outreach"), "/blog/").0, 200);
        for attack in [
            "/../config.toml",
            "/%2e%2e/config.toml",
            "/blog/..%2F..%2Fconfig.toml",
        ] {
            assert_eq!(
                resolve(&out, &dir.path().join("outreach"), attack).0,
                404,
                "{attack}"
            );
        }
    }
}
