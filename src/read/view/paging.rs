//! Pagination: every list that grows with the corpus is cut into pages of at most
//! [`PAGE_SIZE`] items with stable addresses; [`Pager`] and [`ListPager`] are the view
//! models of the links between them.
//!
//! An entity's claims are numbered pages: page 1 keeps the resource's own address and
//! page `n` of `id/org/hikvision.html` is `id/org/hikvision.page-n.html` (a dot never
//! occurs in a resource slug, so no resource's own page can be mistaken for another's
//! later page).
//!
//! The site's lists (claims, articles, documents, the entity lists) grow by every import,
//! anywhere in their order, and numbered pages would all shift after the first new item.
//! So they are cut where their content says ([`Cuts`], content-defined chunking): an item
//! opens a page when a hash of its anchor (its slug) says so, or when the page it would
//! join is full. Adding or removing an item changes the page it falls on (and, when it
//! opens or closes a page, its neighbours' links), never the pages after it. A later page
//! is named by the item that opens it, `claims-from-SLUG.html`, so its address holds as
//! long as that item does; only the first page announces the list's total.
//!
//! The static site writes these files and the server answers the same paths, through
//! the same [`crate::publish::site::Site::render`].

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

/// What a later page's address puts between its list's name and its anchor.
const ANCHOR_SEPARATOR: &str = "-from-";

/// Where the pages of a list start, cut by content ([`Cuts::new`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cuts {
    /// The index of the first item of each page: 0, then ascending.
    starts: Vec<usize>,
    len: usize,
}

impl Cuts {
    /// Cuts a list whose items, in list order, have these `anchors` into pages of at most
    /// `size` items. An item opens a page when its anchor's hash falls in one of `size / 2`
    /// buckets (pages hold about half of `size` on average) or when the page before it
    /// is full; so where a page starts depends on the items around it, not on how many
    /// come before. The first item always opens the first page.
    pub fn new<'a>(anchors: impl IntoIterator<Item = &'a str>, size: usize) -> Cuts {
        let size = size.max(1);
        let spread = (size / 2).max(1) as u64;
        let mut starts = vec![0];
        let mut len = 0;
        for (i, anchor) in anchors.into_iter().enumerate() {
            len = i + 1;
            if i == 0 {
                continue;
            }
            let on_page = i - starts.last().copied().unwrap_or(0);
            if on_page >= size || anchor_hash(anchor).is_multiple_of(spread) {
                starts.push(i);
            }
        }
        Cuts { starts, len }
    }

    /// How many pages there are (an empty list has its one page).
    pub fn pages(&self) -> usize {
        self.starts.len()
    }

    /// The items (indexes into the list) of page `page`, counted from 0.
    pub fn range(&self, page: usize) -> std::ops::Range<usize> {
        let start = self.starts.get(page).copied().unwrap_or(self.len);
        let end = self.starts.get(page + 1).copied().unwrap_or(self.len);
        start..end
    }

    /// The index of the item that opens page `page`.
    pub fn start(&self, page: usize) -> Option<usize> {
        self.starts.get(page).copied()
    }
}

/// A hash of an anchor that every build and every platform computes alike.
fn anchor_hash(anchor: &str) -> u64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(anchor.as_bytes());
    u64::from_le_bytes(digest[..8].try_into().expect("eight bytes"))
}

/// The site path of the page of the list whose first page is `first_path` that the item
/// with anchor `anchor` opens; `None` is the first page.
pub fn anchored_path(first_path: &str, anchor: Option<&str>) -> String {
    match anchor {
        None => first_path.to_owned(),
        Some(anchor) => {
            let stem = first_path.strip_suffix(".html").unwrap_or(first_path);
            format!("{stem}{ANCHOR_SEPARATOR}{anchor}.html")
        }
    }
}

/// The first page's path and the anchor of site path `path` (a path within a language
/// tree): `claims-from-x.html` is (`claims.html`, `Some("x")`), any other path its own
/// first page. List names never hold the separator, so its first occurrence splits.
pub fn split_anchored_path(path: &str) -> (String, Option<String>) {
    let Some(stem) = path.strip_suffix(".html") else {
        return (path.to_owned(), None);
    };
    match stem.split_once(ANCHOR_SEPARATOR) {
        Some((list, anchor)) if !list.is_empty() && !anchor.is_empty() && !list.contains('/') => {
            (format!("{list}.html"), Some(anchor.to_owned()))
        }
        _ => (path.to_owned(), None),
    }
}

/// The links between the pages of a list cut by content, for one of its pages.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Hash)]
pub struct ListPager {
    /// Items on this page.
    pub count: usize,
    /// Items in the whole list, announced on its first page only: every later page
    /// stays as it is while items are added elsewhere in the list.
    pub total: Option<usize>,
    /// Site paths (relative to the language's root) of the first page (from a later
    /// page), the previous and the next page.
    pub first: Option<String>,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl ListPager {
    /// The pager of page `page` (from 0) of the list whose first page is `first_path`,
    /// cut at `cuts`, whose pages' anchors `anchor_of` gives; `None` past the end.
    pub fn new<'a>(
        first_path: &str,
        page: usize,
        cuts: &Cuts,
        anchor_of: impl Fn(usize) -> Option<&'a str>,
    ) -> Option<ListPager> {
        if page >= cuts.pages() {
            return None;
        }
        let path = |p: usize| match p {
            0 => first_path.to_owned(),
            p => anchored_path(first_path, anchor_of(p)),
        };
        Some(ListPager {
            count: cuts.range(page).len(),
            total: (page == 0).then_some(cuts.len),
            first: (page > 1).then(|| first_path.to_owned()),
            prev: (page > 0).then(|| path(page - 1)),
            next: (page + 1 < cuts.pages()).then(|| path(page + 1)),
        })
    }
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

    fn slugs(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("item-{i:05}")).collect()
    }

    fn pages_of(anchors: &[String], size: usize) -> Vec<Vec<String>> {
        let cuts = Cuts::new(anchors.iter().map(String::as_str), size);
        (0..cuts.pages())
            .map(|p| anchors[cuts.range(p)].to_vec())
            .collect()
    }

    #[test]
    fn content_cut_pages_hold_every_item_once_and_at_most_a_page() {
        assert_eq!(Cuts::new([], PAGE_SIZE).pages(), 1);
        assert_eq!(Cuts::new([], PAGE_SIZE).range(0), 0..0);
        for (n, size) in [(1, 100), (5000, 100), (300, 10), (50, 1), (50, 2)] {
            let anchors = slugs(n);
            let pages = pages_of(&anchors, size);
            assert!(pages.iter().all(|p| !p.is_empty() && p.len() <= size));
            assert_eq!(pages.concat(), anchors, "every item once, in order");
            if n == 5000 {
                // About half a page each on average, not one item each.
                assert!((60..=200).contains(&pages.len()), "{} pages", pages.len());
            }
        }
    }

    #[test]
    fn an_item_added_or_removed_changes_only_the_pages_around_it() {
        let anchors = slugs(5000);
        let before = pages_of(&anchors, PAGE_SIZE);
        for at in [0, 1, 777, 2500, 4999] {
            let mut added = anchors.clone();
            added.insert(at, format!("item-{at:05}-new"));
            let mut removed = anchors.clone();
            removed.remove(at);
            for after in [pages_of(&added, PAGE_SIZE), pages_of(&removed, PAGE_SIZE)] {
                let changed = after.iter().filter(|p| !before.contains(p)).count();
                // The page it falls on, split in two or merged with a neighbour, and the
                // pages a full page pushes on (rare at half a page on average).
                assert!(changed <= 3, "at {at}: {changed} pages changed");
            }
        }
    }

    #[test]
    fn anchored_paths_round_trip_and_the_first_page_keeps_the_list_address() {
        for (first, anchor, path) in [
            ("claims.html", None, "claims.html"),
            ("claims.html", Some("x-c1"), "claims-from-x-c1.html"),
            (
                "government-bodies.html",
                Some("gov-ministry-from-y"),
                "government-bodies-from-gov-ministry-from-y.html",
            ),
        ] {
            assert_eq!(anchored_path(first, anchor), path);
            assert_eq!(
                split_anchored_path(path),
                (first.to_owned(), anchor.map(str::to_owned))
            );
        }
        for path in [
            "claims-2.html",
            "-from-x.html",
            "claims-from-.html",
            "id/org/a-from-b.html",
        ] {
            assert_eq!(split_anchored_path(path), (path.to_owned(), None), "{path}");
        }
    }

    #[test]
    fn list_pagers_link_their_neighbours_and_only_the_first_counts_all() {
        let anchors = slugs(1000);
        let cuts = Cuts::new(anchors.iter().map(String::as_str), PAGE_SIZE);
        let anchor = |p: usize| cuts.start(p).map(|i| anchors[i].as_str());
        let first = ListPager::new("claims.html", 0, &cuts, anchor).unwrap();
        assert_eq!(
            (first.total, first.prev.as_deref(), first.first.as_deref()),
            (Some(1000), None, None)
        );
        let second = ListPager::new("claims.html", 1, &cuts, anchor).unwrap();
        assert_eq!(first.next, Some(anchored_path("claims.html", anchor(1))));
        assert_eq!(
            (second.total, second.prev.as_deref()),
            (None, Some("claims.html"))
        );
        let last = cuts.pages() - 1;
        let end = ListPager::new("claims.html", last, &cuts, anchor).unwrap();
        assert_eq!(
            (end.next, end.first.as_deref()),
            (None, Some("claims.html"))
        );
        assert!(ListPager::new("claims.html", last + 1, &cuts, anchor).is_none());
    }
}
