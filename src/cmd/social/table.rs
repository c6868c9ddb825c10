//! `rounds social`'s table: the items grouped by the post they come from, one
//! line each, fitted to the terminal (100 columns when not a terminal).

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::outreach::{HeldBack, OutreachItem};

/// The width to fit: the terminal's on stdout, or 100 columns in a pipe or
/// a log, where lines are read whole.
pub fn columns() -> usize {
    terminal_size::terminal_size_of(std::io::stdout())
        .map_or(100, |(width, _)| usize::from(width.0))
        .max(40)
}

/// The table, and with `text` every item's words (polls' options and the
/// picture included) under its row.
pub fn draw(items: &[&OutreachItem], text: bool, columns: usize) -> String {
    let mut out = String::new();
    let mut group = None;
    for item in items {
        let this = post_of(&item.id);
        if group != Some(this) {
            if group.is_some() {
                out.push('\n');
            }
            let heading = format!("{this} — {}", item.title);
            out.push_str(&fit(&heading, columns));
            out.push('\n');
            group = Some(this);
        }
        out.push_str(&fit(&row(item), columns));
        out.push('\n');
        if text {
            out.push_str(&words(item, columns));
        }
    }
    out
}

/// The posted items whose post now says something else: each with both
/// versions, and what would carry the change to the network.
pub fn changed(
    changed: &[(&OutreachItem, &crate::ledger::SyndicationRecord)],
    columns: usize,
) -> String {
    if changed.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "\nChanged since posted ({}): the copies on the networks still say what was sent.\nAdd [[corrections]] to the post to send a correction; a typo fix is left alone.\n",
        changed.len()
    );
    let wrap = |label: &str, text: &str| {
        let options = textwrap::Options::new(columns.saturating_sub(4).max(20))
            .initial_indent("    ")
            .subsequent_indent("    ");
        format!("  {label}\n{}\n", textwrap::fill(text, options))
    };
    for (item, record) in changed {
        out.push_str(&fit(
            &format!(
                "{} ({})",
                item.id,
                record.url.as_deref().unwrap_or("posted")
            ),
            columns,
        ));
        out.push('\n');
        out.push_str(&wrap(
            "posted:",
            record.sent_text.as_deref().unwrap_or("(not recorded)"),
        ));
        out.push_str(&wrap("now:", &item.text));
    }
    out
}

/// What the footer says of the items themselves: "175 items from 12 posts,
/// 9 with notes".
pub fn summary(items: &[&OutreachItem]) -> String {
    let mut posts: Vec<&str> = items.iter().map(|i| post_of(&i.id)).collect();
    posts.dedup();
    let noted = items.iter().filter(|i| !i.warnings.is_empty()).count();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut text = format!(
        "{} from {}",
        plural(items.len(), "item", "items"),
        plural(posts.len(), "post", "posts")
    );
    if noted > 0 {
        text.push_str(&format!(", {} with notes", plural(noted, "item", "items")));
    }
    text
}

/// One line per network and reason for the items a network's policy keeps
/// from it: "Not sent to LinkedIn: 2 polls (…)".
pub fn held_back(held: &[&HeldBack]) -> Vec<String> {
    let mut groups: Vec<(&HeldBack, usize)> = Vec::new();
    for h in held {
        match groups
            .iter_mut()
            .find(|(g, _)| g.network == h.network && g.why == h.why)
        {
            Some((_, n)) => *n += 1,
            None => groups.push((h, 1)),
        }
    }
    groups
        .into_iter()
        .map(|(h, n)| {
            let items = if n == 1 {
                "1 item".to_string()
            } else {
                format!("{n} items")
            };
            format!(
                "Not sent to {}: {items}. {}",
                h.network.name(),
                h.why.explained(h.network)
            )
        })
        .collect()
}

/// The part of an item id before `/kind/network`: the post (or the source
/// of an item that comes from no post).
fn post_of(id: &str) -> &str {
    let mut cut = id.rsplitn(3, '/');
    let (_, _) = (cut.next(), cut.next());
    cut.next().unwrap_or(id)
}

fn row(item: &OutreachItem) -> String {
    let due = item
        .not_before
        .as_deref()
        .and_then(|d| d.get(..10))
        .unwrap_or("");
    let over = if item.length > item.limit {
        "OVER LIMIT "
    } else {
        ""
    };
    format!(
        "  {:<17} {:<9} {:>11}  {:<10}  {over}{}",
        item.kind.label(),
        item.network.name(),
        format!("{}/{}", item.length, item.limit),
        due,
        item.warnings.join("; "),
    )
    .trim_end()
    .to_string()
}

/// An item's text wrapped under its row, then its poll and its picture.
fn words(item: &OutreachItem, columns: usize) -> String {
    let indent = "      ";
    let options = textwrap::Options::new(columns.saturating_sub(indent.len()).max(20))
        .initial_indent(indent)
        .subsequent_indent(indent)
        // A link broken over two lines cannot be copied: words stay whole
        // and lines break at spaces only.
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .break_words(false);
    let mut out = String::new();
    for line in item.text.lines() {
        if line.trim().is_empty() {
            out.push('\n');
            continue;
        }
        for wrapped in textwrap::wrap(line, &options) {
            out.push_str(&wrapped);
            out.push('\n');
        }
    }
    let topic = item.network.hashtag_style().placement == crate::network::TagPlacement::Topic;
    if let Some(tag) = item.hashtags.first().filter(|_| topic) {
        out.push_str(&format!("{indent}topic: {tag}\n"));
    }
    if let Some(poll) = &item.poll {
        let how = if poll.native {
            "a native poll"
        } else {
            "numbered in the text"
        };
        out.push_str(&format!("{indent}poll ({how}): {}\n", poll.question));
        for (n, option) in poll.options.iter().enumerate() {
            out.push_str(&format!("{indent}  {}. {option}\n", n + 1));
        }
    }
    if let Some(image) = &item.image {
        let alt = image.alt.as_deref().unwrap_or("no alt text");
        out.push_str(&fit(
            &format!("{indent}picture: {} ({alt})", image.url),
            columns,
        ));
        out.push('\n');
    }
    out.push('\n');
    out
}

/// `text` cut to `columns` display columns, ending in `…` where it was cut.
fn fit(text: &str, columns: usize) -> String {
    if text.width() <= columns {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > columns {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_group_by_their_post() {
        assert_eq!(post_of("blog/bp/teaser/mastodon"), "blog/bp");
        assert_eq!(post_of("blog/2026/bp/poll/x"), "blog/2026/bp");
        assert_eq!(post_of("odd"), "odd");
    }

    #[test]
    fn text_is_fitted_by_display_width() {
        assert_eq!(fit("short", 10), "short");
        assert_eq!(fit("a long line of words", 10), "a long li…");
        assert_eq!(fit("a long line of words", 10).width(), 10);
        // Wide characters take two columns each.
        assert_eq!(fit("日本語のテキスト", 7).width(), 7);
    }
}
