//! Pagination: a list split into pages of a set size, `/blog/`,
//! `/blog/page/2/`, and so on.

use std::ops::Range;

/// One page of a paginated list.
#[derive(Debug, Clone)]
pub struct Pager {
    /// 1-based.
    pub number: usize,
    pub count: usize,
    /// The slice of the list shown on this page.
    pub range: Range<usize>,
    /// The list's first page, e.g. `/blog/`; later pages are `/blog/page/N/`.
    pub base: String,
}

impl Pager {
    pub fn path_of(&self, number: usize) -> String {
        page_path(&self.base, number)
    }
}

/// `/blog/` page 3 → `/blog/page/3/`.
pub fn page_path(base: &str, number: usize) -> String {
    if number <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{number}/")
    }
}

/// Splits a list of `len` items into pages; an empty list still gets one page.
pub(super) fn paginate(base: &str, len: usize, per_page: usize) -> Vec<Pager> {
    let per_page = if per_page == 0 { len.max(1) } else { per_page };
    let count = len.div_ceil(per_page).max(1);
    (0..count)
        .map(|i| Pager {
            number: i + 1,
            count,
            range: (i * per_page).min(len)..((i + 1) * per_page).min(len),
            base: base.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagination_covers_every_item_once() {
        let pagers = paginate("/blog/", 23, 10);
        assert_eq!(pagers.len(), 3);
        assert_eq!(pagers[2].range, 20..23);
        assert_eq!(pagers[1].path_of(2), "/blog/page/2/");
        assert_eq!(pagers[0].path_of(1), "/blog/");
        assert_eq!(paginate("/blog/", 0, 10).len(), 1);
        assert_eq!(paginate("/blog/", 7, 0)[0].range, 0..7);
    }
}
