//! Pagination: every list that grows with the corpus is cut into pages of at most
//! [`PAGE_SIZE`] items with stable addresses; [`ListPager`] is the view model of the
//! links between them.
//!
//! Lists (the site's claims, articles, documents and entity lists, an entity's claims
//! and its relations listing) grow by every import, anywhere in their order, and
//! numbered pages would all shift after the first new item. So they are cut where their
//! content says ([`Cuts`], content-defined chunking): an item opens a page when a hash of
//! its anchor (its slug) says so, or when the page it would join is full. Adding or
//! removing an item changes the page it falls on (and, when it opens or closes a page,
//! its neighbours' links), never the pages after it. A later page is named by the item
//! that opens it, so its address holds as long as that item does: `claims-from-SLUG.html`
//! for a site list, `id/org/hikvision.from-ANCHOR.html` for an entity's claims (a dot
//! never occurs in a resource slug, so no resource's own page can be mistaken for
//! another's later page). Only the first page announces the list's total.
//!
//! The static site writes these files and the server answers the same paths, through
//! the same [`crate::publish::site::Site::render`].

use std::collections::HashMap;

use serde::Serialize;

/// The most items one page shows (a site can show fewer, see
/// [`crate::publish::site::Site::with_page_size`]).
pub const PAGE_SIZE: usize = 100;

/// What a later page's address puts between its list's name and its anchor: in a site
/// list's (`claims-from-x.html`)...
const ANCHOR_SEPARATOR: &str = "-from-";
/// ...and in a resource's (`id/org/x.from-y.html`, `id/org/x.relations.from-y.html`).
const RESOURCE_ANCHOR_SEPARATOR: &str = ".from-";

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
    /// come before. The first item always opens the first page, and a list that fits on
    /// one page is never cut (a small entity's claims stay together).
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
        if len <= size {
            starts.truncate(1);
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
            let separator = match stem.starts_with("id/") {
                true => RESOURCE_ANCHOR_SEPARATOR,
                false => ANCHOR_SEPARATOR,
            };
            format!("{stem}{separator}{anchor}.html")
        }
    }
}

/// The first page's path and the anchor of site path `path` (a path within a language
/// tree): `claims-from-x.html` is (`claims.html`, `Some("x")`), `id/org/x.from-y.html`
/// is (`id/org/x.html`, `Some("y")`), any other path its own first page. Neither list
/// names nor resource stems hold their separator, so its first occurrence splits.
pub fn split_anchored_path(path: &str) -> (String, Option<String>) {
    let Some(stem) = path.strip_suffix(".html") else {
        return (path.to_owned(), None);
    };
    let of_resource = stem.starts_with("id/");
    let separator = match of_resource {
        true => RESOURCE_ANCHOR_SEPARATOR,
        false => ANCHOR_SEPARATOR,
    };
    match stem.split_once(separator) {
        Some((list, anchor))
            if !list.is_empty() && !anchor.is_empty() && (of_resource || !list.contains('/')) =>
        {
            (format!("{list}.html"), Some(anchor.to_owned()))
        }
        _ => (path.to_owned(), None),
    }
}

/// A list cut by content ([`Cuts`]) and the anchors its later pages are named by.
#[derive(Debug, Clone, Default)]
pub struct AnchoredPages {
    cuts: Cuts,
    /// The anchor of the item that opens each page ("" for the first page).
    openers: Vec<String>,
    /// Each later page's anchor -> the page's index.
    pages: HashMap<String, usize>,
}

impl AnchoredPages {
    /// Cuts the list whose items have these `anchors`, in list order, into pages of at
    /// most `size` items.
    pub fn new(anchors: &[String], size: usize) -> AnchoredPages {
        let cuts = Cuts::new(anchors.iter().map(String::as_str), size);
        let openers: Vec<String> = (0..cuts.pages())
            .map(|page| match (page, cuts.start(page)) {
                (0, _) | (_, None) => String::new(),
                (_, Some(i)) => anchors[i].clone(),
            })
            .collect();
        let pages = openers.iter().cloned().zip(0..).skip(1).collect();
        AnchoredPages {
            cuts,
            openers,
            pages,
        }
    }

    /// How many pages (an empty list has its one page).
    pub fn pages(&self) -> usize {
        self.cuts.pages()
    }

    /// Items in the whole list.
    pub fn len(&self) -> usize {
        self.cuts.len
    }

    pub fn is_empty(&self) -> bool {
        self.cuts.len == 0
    }

    /// The items (indexes into the list) of page `page`, counted from 0.
    pub fn range(&self, page: usize) -> std::ops::Range<usize> {
        self.cuts.range(page)
    }

    /// The page an address's anchor names: `None` (no anchor) is the first page; an
    /// anchor that opens no page names none.
    pub fn page_of(&self, anchor: Option<&str>) -> Option<usize> {
        match anchor {
            None => Some(0),
            Some(anchor) => self.pages.get(anchor).copied(),
        }
    }

    /// The anchor of the item that opens page `page` (none for the first page).
    pub fn opener(&self, page: usize) -> Option<&str> {
        self.openers
            .get(page)
            .filter(|_| page > 0)
            .map(String::as_str)
    }

    /// The site path of page `page` of the list whose first page is `first_path`.
    pub fn path(&self, first_path: &str, page: usize) -> String {
        anchored_path(first_path, self.opener(page))
    }

    /// The pager of page `page` of the list whose first page is `first_path`; `None`
    /// past the end.
    pub fn pager(&self, first_path: &str, page: usize) -> Option<ListPager> {
        ListPager::new(first_path, page, &self.cuts, |p| self.opener(p))
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
        for (n, size) in [
            (1, 100),
            (100, 100),
            (5000, 100),
            (300, 10),
            (50, 1),
            (50, 2),
        ] {
            let anchors = slugs(n);
            let pages = pages_of(&anchors, size);
            assert!(pages.iter().all(|p| !p.is_empty() && p.len() <= size));
            assert_eq!(pages.concat(), anchors, "every item once, in order");
            if n <= size {
                assert_eq!(pages.len(), 1, "a list that fits is one page");
            }
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
            (
                "id/org/x.html",
                Some("subject.a-from-b.c1"),
                "id/org/x.from-subject.a-from-b.c1.html",
            ),
            (
                "id/list/x.relations.html",
                Some("a.from-b.c1"),
                "id/list/x.relations.from-a.from-b.c1.html",
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
            "id/org/a.from-.html",
            "id/org/a.page-2.html",
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
