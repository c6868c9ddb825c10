//! What each file is, for the headers object storage serves it with:
//! `Content-Type` from its name, and `Content-Encoding` for a file that was
//! compressed ahead of time (`style.css.gz`, `logo.svgz`).

/// How a stored file is served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    pub content_type: String,
    /// `gzip`, `br` or `zstd` for a pre-compressed file, which a browser
    /// unpacks on the fly.
    pub content_encoding: Option<&'static str>,
}

/// The compressed-file suffixes a browser can unpack, with their encoding.
const ENCODINGS: &[(&str, &str)] = &[(".gz", "gzip"), (".br", "br"), (".zst", "zstd")];

/// Kinds of files a page loads, so a compressed one is meant to be served
/// unpacked. Any other `.gz` (a `.csv.gz`, a `.tar.gz`) is a download and is
/// served as the archive it is.
const WEB_EXTENSIONS: &[&str] = &[
    "html",
    "htm",
    "css",
    "js",
    "mjs",
    "json",
    "xml",
    "svg",
    "txt",
    "wasm",
    "map",
    "webmanifest",
    "ico",
];

impl Media {
    /// The media of the file at `key` (a site path such as `blog/index.html`).
    pub fn of(key: &str) -> Media {
        if key.ends_with(".svgz") {
            return Media {
                content_type: "image/svg+xml".into(),
                content_encoding: Some("gzip"),
            };
        }
        for (suffix, encoding) in ENCODINGS {
            if let Some(inner) = key.strip_suffix(suffix)
                && WEB_EXTENSIONS.contains(&extension(inner).as_str())
            {
                return Media {
                    content_type: content_type(inner),
                    content_encoding: Some(encoding),
                };
            }
        }
        Media {
            content_type: content_type(key),
            content_encoding: None,
        }
    }

    /// The name a browser sees the file by: `style.css` for `style.css.gz`;
    /// cache rules match it, so a compressed stylesheet is cached as one.
    pub fn served_name(key: &str) -> &str {
        if Media::of(key).content_encoding.is_none() || key.ends_with(".svgz") {
            return key;
        }
        ENCODINGS
            .iter()
            .find_map(|(suffix, _)| key.strip_suffix(suffix))
            .unwrap_or(key)
    }
}

fn extension(name: &str) -> String {
    let file = name.rsplit('/').next().unwrap_or(name);
    match file.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// The `Content-Type` for a name; text gets `charset=utf-8`, since Rounds
/// writes UTF-8 and a browser that guesses another charset garbles accents.
fn content_type(name: &str) -> String {
    let guessed = match extension(name).as_str() {
        // mime_guess has no entry for these, or an outdated one.
        "webmanifest" => "application/manifest+json".to_string(),
        "mjs" => "text/javascript".to_string(),
        "js" => "text/javascript".to_string(),
        _ => mime_guess::from_path(name)
            .first_or_octet_stream()
            .essence_str()
            .to_string(),
    };
    let textual = guessed.starts_with("text/")
        || matches!(
            guessed.as_str(),
            "application/json" | "application/xml" | "application/manifest+json"
        )
        || guessed.ends_with("+xml") && guessed != "image/svg+xml";
    if textual {
        format!("{guessed}; charset=utf-8")
    } else {
        guessed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(key: &str) -> String {
        Media::of(key).content_type
    }

    #[test]
    fn site_files_get_their_types() {
        assert_eq!(kind("index.html"), "text/html; charset=utf-8");
        assert_eq!(kind("blog/bp/index.html"), "text/html; charset=utf-8");
        assert_eq!(kind("style.css"), "text/css; charset=utf-8");
        assert_eq!(kind("rss.xml"), "text/xml; charset=utf-8");
        assert_eq!(kind("favicon.svg"), "image/svg+xml");
        assert_eq!(kind("data/clinic.json"), "application/json; charset=utf-8");
        assert_eq!(kind("app.js"), "text/javascript; charset=utf-8");
        assert_eq!(kind("photo.JPG"), "image/jpeg");
        assert_eq!(kind("robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(
            kind("site.webmanifest"),
            "application/manifest+json; charset=utf-8"
        );
    }

    #[test]
    fn unknown_and_extensionless_files_are_bytes() {
        assert_eq!(kind("CNAME"), "application/octet-stream");
        assert_eq!(kind(".nojekyll"), "application/octet-stream");
        assert_eq!(kind("data.xyz123"), "application/octet-stream");
    }

    #[test]
    fn precompressed_web_files_are_served_unpacked() {
        let css = Media::of("style.css.gz");
        assert_eq!(css.content_type, "text/css; charset=utf-8");
        assert_eq!(css.content_encoding, Some("gzip"));
        assert_eq!(Media::of("app.js.br").content_encoding, Some("br"));
        let logo = Media::of("images/logo.svgz");
        assert_eq!(logo.content_type, "image/svg+xml");
        assert_eq!(logo.content_encoding, Some("gzip"));
        assert_eq!(Media::served_name("style.css.gz"), "style.css");
        assert_eq!(Media::served_name("style.css"), "style.css");
    }

    #[test]
    fn compressed_downloads_stay_archives() {
        let csv = Media::of("downloads/visits.csv.gz");
        assert_eq!(csv.content_encoding, None);
        assert_eq!(csv.content_type, "application/gzip");
        assert_eq!(Media::of("site.tar.gz").content_encoding, None);
        assert_eq!(Media::served_name("visits.csv.gz"), "visits.csv.gz");
    }
}
