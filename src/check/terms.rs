//! How many terms a post lists. Lists and feeds show a post with at most
//! [`MAX_TERMS_PER_POST`] terms of each taxonomy, so a post's cost stays
//! linear in its terms; a post that lists more is told which ones lists and
//! feeds leave out.

use crate::content::Post;
use crate::content::front_matter::{MAX_TERMS_PER_POST, listed};
use crate::diagnostic::Diagnostic;
use crate::load::Site;

pub const TOO_MANY: &str = "content/too-many-terms";

/// One warning per taxonomy that lists more terms than lists and feeds show.
pub fn check(site: &Site, post: &Post) -> Vec<Diagnostic> {
    site.config
        .taxonomies
        .iter()
        .filter_map(|taxonomy| {
            let count = listed(&post.front, &taxonomy.name).len();
            (count > MAX_TERMS_PER_POST).then(|| {
                let message = format!(
                    "`{}` lists {count} terms; lists and feeds show a post with at most {MAX_TERMS_PER_POST}",
                    taxonomy.name
                );
                super::at_key(post, TOO_MANY, &taxonomy.name, message).with_help(
                    "keep the few terms a reader would look for: every term makes a page and two feeds",
                )
            })
        })
        .collect()
}
