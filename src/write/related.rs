//! Which posts a post's page shows as related: those sharing its tags.

use std::collections::HashMap;

use crate::derive::Derived;
use crate::load::Site;

/// Up to three posts sharing the most tags with post `index`, newest first on ties.
pub fn related_posts(site: &Site, derived: &Derived, index: usize) -> Vec<usize> {
    let mut shared: HashMap<usize, usize> = HashMap::new();
    for &(t, n) in &derived.post_terms[index] {
        let taxonomy = &derived.taxonomies[t];
        if taxonomy.name != "tags" {
            continue;
        }
        // A tag on most of the site says little about relatedness; skip big ones.
        let posts = &taxonomy.terms[n].posts;
        for &other in posts.iter().take(200) {
            if other != index {
                *shared.entry(other).or_default() += 1;
            }
        }
    }
    // Keep the best three in one pass; sorting every candidate was a
    // measurable share of a 10,000-post build.
    let posts = &site.posts;
    let better = |a: (usize, usize), b: (usize, usize)| {
        a.1.cmp(&b.1)
            .then_with(|| posts[a.0].date.cmp(&posts[b.0].date))
            .then_with(|| b.0.cmp(&a.0))
            .is_gt()
    };
    let mut best: Vec<(usize, usize)> = Vec::with_capacity(4);
    for candidate in shared {
        let at = best
            .iter()
            .position(|&b| better(candidate, b))
            .unwrap_or(best.len());
        if at < 3 {
            best.insert(at, candidate);
            best.truncate(3);
        }
    }
    best.into_iter().map(|(i, _)| i).collect()
}
