//! Escaping for the preview's HTML: text, and addresses in attributes.

use pulldown_cmark_escape::{escape_href, escape_html};

/// Text for an element or a quoted attribute.
pub fn esc(s: &str) -> String {
    let mut out = String::new();
    escape_html(&mut out, s).ok();
    out
}

/// A URL for an attribute: `escape_href` already turns `&` into `&amp;`.
pub fn url(s: &str) -> String {
    let mut out = String::new();
    escape_href(&mut out, s).ok();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_addresses_are_escaped_once() {
        assert_eq!(
            url("https://a.example/?x=1&y=2"),
            "https://a.example/?x=1&amp;y=2"
        );
        assert_eq!(esc("a \"b\" <c>"), "a &quot;b&quot; &lt;c&gt;");
    }
}
