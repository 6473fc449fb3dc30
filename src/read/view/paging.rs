//! Pagination: every list that grows with the corpus is cut into pages of at most
//! [`PAGE_SIZE`] items with stable addresses, and [`Pager`] is the view model of the
//! links between them.
//!
//! Page 1 keeps the list's own address; page `n` of a list page `claims.html` is
//! `claims-n.html`, and page `n` of a resource page `id/org/hikvision.html` is
//! `id/org/hikvision.page-n.html` (a dot never occurs in a resource slug, so no
//! resource's own page can be mistaken for another's later page). The static site writes
//! these files and the server answers the same paths, through the same
//! [`crate::publish::site::Site::render`].

use serde::Serialize;

/// The most items one page shows (a site can show fewer, see
/// [`crate::publish::site::Site::with_page_size`]).
pub const PAGE_SIZE: usize = 100;

/// How many page numbers either side of the current one the pager links to directly.
const NEARBY: usize = 2;

/// The links between the pages of one list, for the page `number`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Pager {
    /// This page's number, from 1.
    pub number: usize,
    /// The most items a page of this list shows.
    pub size: usize,
    pub pages: usize,
    /// Items in the whole list.
    pub total: usize,
    /// The first and last item on this page, counted from 1 (0 and 0 for an empty list).
    pub first_item: usize,
    pub last_item: usize,
    /// Site paths (relative to the language's root) of the previous and next page.
    pub prev: Option<String>,
    pub next: Option<String>,
    /// The first page, the last page and the pages near this one, in order.
    pub links: Vec<PageLink>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PageLink {
    pub number: usize,
    pub href: String,
    pub current: bool,
    /// Page numbers are left out before this one.
    pub gap_before: bool,
}

impl Pager {
    /// The pager of page `number` of a list of `total` items, `size` a page, whose
    /// first page is at `first_path`; `None` when the list has no such page (page 1
    /// always exists).
    pub fn new(first_path: &str, number: usize, total: usize, size: usize) -> Option<Pager> {
        let size = size.max(1);
        let pages = page_count(total, size);
        if number == 0 || number > pages {
            return None;
        }
        let (first_item, last_item) = match total {
            0 => (0, 0),
            _ => ((number - 1) * size + 1, (number * size).min(total)),
        };
        let href = |n: usize| numbered_path(first_path, n);
        let mut links = Vec::new();
        let mut previous_shown = 0;
        for n in 1..=pages {
            let near = n + NEARBY >= number && n <= number + NEARBY;
            if n == 1 || n == pages || near {
                links.push(PageLink {
                    number: n,
                    href: href(n),
                    current: n == number,
                    gap_before: n > previous_shown + 1,
                });
                previous_shown = n;
            }
        }
        Some(Pager {
            number,
            size,
            pages,
            total,
            first_item,
            last_item,
            prev: (number > 1).then(|| href(number - 1)),
            next: (number < pages).then(|| href(number + 1)),
            links,
        })
    }

    /// The range of item indexes (from 0) this page shows.
    pub fn range(&self) -> std::ops::Range<usize> {
        (self.number - 1) * self.size..(self.number * self.size).min(self.total)
    }
}

/// How many pages of `size` items a list of `total` items fills (an empty list has
/// its one page).
pub fn page_count(total: usize, size: usize) -> usize {
    total.div_ceil(size.max(1)).max(1)
}

/// The site path of page `number` of the list whose first page is `first_path`.
pub fn numbered_path(first_path: &str, number: usize) -> String {
    if number <= 1 {
        return first_path.to_owned();
    }
    let stem = first_path.strip_suffix(".html").unwrap_or(first_path);
    if stem.starts_with("id/") {
        format!("{stem}.page-{number}.html")
    } else {
        format!("{stem}-{number}.html")
    }
}

/// The first page's path and the page number of site path `path` (a path within a
/// language tree): `claims-3.html` is (`claims.html`, 3), `id/org/x.page-2.html` is
/// (`id/org/x.html`, 2), and any other path is its own page 1. Page numbers are written
/// without leading zeros and from 2, so every page has exactly one path.
pub fn split_numbered_path(path: &str) -> (String, usize) {
    let Some(stem) = path.strip_suffix(".html") else {
        return (path.to_owned(), 1);
    };
    let separator = if stem.starts_with("id/") {
        ".page-"
    } else {
        "-"
    };
    if let Some((first, digits)) = stem.rsplit_once(separator) {
        let canonical = !digits.is_empty()
            && !digits.starts_with('0')
            && digits.len() <= 9
            && digits.chars().all(|c| c.is_ascii_digit());
        if let Some(n) = canonical.then(|| digits.parse::<usize>().ok()).flatten() {
            if n >= 2 && !first.is_empty() {
                return (format!("{first}.html"), n);
            }
        }
    }
    (path.to_owned(), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_paths_round_trip_and_page_one_keeps_the_list_address() {
        for (first, n, path) in [
            ("claims.html", 1, "claims.html"),
            ("claims.html", 2, "claims-2.html"),
            ("government-bodies.html", 12, "government-bodies-12.html"),
            ("id/org/hikvision.html", 1, "id/org/hikvision.html"),
            ("id/org/hikvision.html", 3, "id/org/hikvision.page-3.html"),
        ] {
            assert_eq!(numbered_path(first, n), path);
            assert_eq!(split_numbered_path(path), (first.to_owned(), n));
        }
        // Not page numbers: a slug ending in digits, a zero, a leading zero, page 1.
        for path in [
            "id/org/acme-2.html",
            "claims-0.html",
            "claims-02.html",
            "claims-1.html",
            "id/org/x.page-1.html",
            "-2.html",
        ] {
            assert_eq!(split_numbered_path(path), (path.to_owned(), 1), "{path}");
        }
    }

    #[test]
    fn pagers_link_every_page_once_and_stop_at_the_ends() {
        assert_eq!(page_count(0, PAGE_SIZE), 1);
        assert_eq!(page_count(100, PAGE_SIZE), 1);
        assert_eq!(page_count(101, PAGE_SIZE), 2);
        let only = Pager::new("claims.html", 1, 0, PAGE_SIZE).unwrap();
        assert_eq!((only.first_item, only.last_item), (0, 0));
        assert_eq!(only.range(), 0..0);
        assert!(Pager::new("claims.html", 2, 100, PAGE_SIZE).is_none());
        assert!(Pager::new("claims.html", 0, 100, PAGE_SIZE).is_none());
        let last = Pager::new("claims.html", 3, 250, PAGE_SIZE).unwrap();
        assert_eq!((last.first_item, last.last_item), (201, 250));
        assert_eq!(last.range(), 200..250);
        assert_eq!(last.prev.as_deref(), Some("claims-2.html"));
        assert_eq!(last.next, None);
        let middle = Pager::new("claims.html", 10, 2000, PAGE_SIZE).unwrap();
        let small = Pager::new("claims.html", 2, 25, 10).unwrap();
        assert_eq!(
            (small.first_item, small.last_item, small.pages),
            (11, 20, 3)
        );
        let numbers: Vec<usize> = middle.links.iter().map(|l| l.number).collect();
        assert_eq!(numbers, [1, 8, 9, 10, 11, 12, 20]);
        assert!(middle.links[1].gap_before && middle.links[6].gap_before);
        assert!(middle.links[3].current);
        assert_eq!(middle.next.as_deref(), Some("claims-11.html"));
    }
}
