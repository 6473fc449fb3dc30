//! The static site: every path of the site, rendering one path, and building them all
//! into a folder.
//!
//! [`Site::render`] is the one render function with two sinks: [`Site::build`] writes
//! its output to files, the live server answers requests with it. Page paths mirror IRI
//! paths under the base (`{base}id/org/hikvision` has its page at
//! `id/org/hikvision.html` and its RDF at `.ttl` / `.jsonld`), and every link in a page
//! is relative, so the site works from disk, from any static server and from the live
//! server alike. Rendering only reads the store.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use minijinja::context;
use oxigraph::io::RdfFormat;
use oxigraph::model::{NamedNode, Quad, Term};
use serde::Serialize;

use crate::model::graph::Iris;
use crate::publish::changes::{Footprints, StoreState};
use crate::publish::kept_rows::{self, EntityKeeping, KeptRows};
use crate::publish::manifest::{FullReason, Manifest, Pending};
use crate::publish::render::{RenderError, Renderer};
use crate::read::catalog::{self, Catalog};
use crate::read::kept::Kept;
use crate::read::model;
use crate::read::snapshot::GraphSnapshot;
use crate::read::view::index::Listing;
use crate::read::view::lang::Lang;
use crate::read::view::paging::{self, AnchoredPages, ListPager};
use crate::read::view::search::SearchIndex;
use crate::read::view::{self, index, is_safe_resource_path, root_of, Source};
use crate::store::GraphStore;

/// How many bytes of entity digests a site keeps at most (a digest is a few hundred
/// bytes per claim and relation: a few megabytes for the largest entity at 100k
/// articles).
const KEPT_ENTITY_DIGEST_BYTES: usize = 64 << 20;

/// How many bytes of entity pagings a site keeps at most (about 130 bytes a page: some
/// 10 MB at 100k articles).
const KEPT_ENTITY_PAGING_BYTES: usize = 256 << 20;

/// A rendered site path.
pub struct Rendered {
    pub media_type: &'static str,
    pub body: Vec<u8>,
}

/// One site path's data before templating or serialization (see [`Site::content`]).
pub enum Content {
    /// A template and the context it is rendered with.
    Template {
        name: &'static str,
        media_type: &'static str,
        context: minijinja::Value,
    },
    /// An RDF description, to be serialized.
    Rdf {
        quads: Vec<Quad>,
        format: RdfFormat,
        media_type: &'static str,
    },
    /// Finished bytes: assets and the search index.
    Bytes(Rendered),
}

/// What a build wrote.
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    /// HTML pages written.
    pub pages: usize,
    /// All files written (pages, RDF descriptions, indexes, assets).
    pub files: usize,
    pub bytes: u64,
    /// Paths with nothing to render (a resource gone between listing and rendering).
    pub skipped: usize,
    /// Paths rendered, of `total` paths in the site (all of them in a full build).
    pub rendered: usize,
    pub total: usize,
    /// Files of paths no longer in the site that were removed.
    pub removed: usize,
    /// Why every path was rendered; `None` for an incremental build.
    pub full: Option<String>,
    /// The triples of the default graph read into memory for the build, and how long
    /// that took (`None` when pages read the store).
    pub snapshot: Option<(usize, Duration)>,
    /// The resources whose list and search rows an incremental build read again, the
    /// rest taken from the last build's ([`crate::publish::kept_rows`]), and how long
    /// that took (`None`: read whole, when pages needed them).
    pub rows_patched: Option<(usize, Duration)>,
    /// The large entities whose rows this build kept for the next one, how many of
    /// them it patched from the last build's rather than read whole, and how many
    /// entities' claims downloads it patched.
    pub entities_kept: (usize, usize, usize),
    pub elapsed: Duration,
}

/// How [`Site::build_with`] builds.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Empty the folder first (and so render everything).
    pub clean: bool,
    /// Render every path even when the folder's manifest tells what changed.
    pub full: bool,
    /// Names the store the pages come from: a manifest written from another store
    /// makes the build a full one.
    pub store_id: String,
}

/// What changed since the last build, as an incremental build follows it.
struct Changes {
    /// The stems of the resources whose pages the changes reach.
    dirty: HashSet<String>,
    /// The footprints of the articles that did not change, as the manifest had them.
    carried: BTreeMap<String, BTreeSet<String>>,
}

/// What an incremental build does.
struct Plan {
    render: Vec<String>,
    remove: Vec<String>,
    /// The footprints of the articles that did not change, as the manifest had them.
    carried: BTreeMap<String, BTreeSet<String>>,
}

/// What a site path's content depends on.
#[derive(Debug, PartialEq, Eq)]
enum PathRole<'p> {
    /// A page, RDF description or download of the resource with this stem.
    Resource(&'p str),
    /// A later page of the claims or the relations listing of the entity with this
    /// stem.
    EntityList(&'p str),
    /// A page of a paginated list.
    List,
    /// A bundled file: changes only with the binary.
    Asset,
    /// A page over the whole store (home, sitemap, search index...): always rendered.
    Other,
}

impl PathRole<'_> {
    fn of(full_path: &str) -> PathRole<'_> {
        let (_, path) = Lang::of_path(full_path);
        if path.starts_with("assets/") {
            return PathRole::Asset;
        }
        if path.starts_with("id/") {
            // Stems are slugs without dots, so the stem ends at the first dot:
            // `id/org/x.from-a.b.html` and `id/org/x.claims.csv` are `id/org/x`'s.
            let Some(stem) = path.find('.').map(|dot| &path[..dot]) else {
                return PathRole::Other;
            };
            return match paging::split_anchored_path(path).1 {
                Some(_) => PathRole::EntityList(stem),
                None => PathRole::Resource(stem),
            };
        }
        let (first, _) = paging::split_anchored_path(path);
        let is_list = matches!(
            first.as_str(),
            "articles.html" | "claims.html" | "documents.html"
        ) || index::ENTITY_LISTS.iter().any(|(f, _, _)| *f == first);
        match is_list {
            true => PathRole::List,
            false => PathRole::Other,
        }
    }
}

const HTML: &str = "text/html; charset=utf-8";

/// How much of its first entry a later list page's title quotes.
const TITLE_OPENING_CHARS: usize = 60;

/// The per-entity downloads of its claims: the extension after the entity's path...
const ENTITY_CLAIMS_EXTENSIONS: [&str; 2] = [".claims.csv", ".claims.json"];
/// ...and what each is: results format, (media type, label).
const ENTITY_CLAIMS_FORMATS: [(catalog::Format, (&str, &str)); 2] = [
    (catalog::Format::Csv, ("text/csv", "Its claims as CSV")),
    (
        catalog::Format::Json,
        ("application/sparql-results+json", "Its claims as JSON"),
    ),
];

/// The whole-store queries a build reads for the site's lists and search index and
/// keeps for the next build ([`crate::publish::kept_rows`]), and what a row is of.
const KEPT_QUERIES: [(&str, KeptKind); 5] = [
    ("page-entities", KeptKind::Listing(Listing::Entities)),
    ("page-articles", KeptKind::Listing(Listing::Articles)),
    ("page-documents", KeptKind::Listing(Listing::Documents)),
    ("page-claims", KeptKind::Claims),
    ("page-search-claims", KeptKind::Claims),
];

/// What the rows of a kept query are of, and so how they are read again.
#[derive(Debug, Clone, Copy)]
enum KeptKind {
    /// One row per resource of a listing, read again by its saved query with the
    /// resource bound.
    Listing(Listing),
    /// Rows per claim, read again natively ([`model::claim_rows_for`]).
    Claims,
}

impl KeptKind {
    /// Whether the resource with page stem `stem` has rows here.
    fn holds(self, stem: &str) -> bool {
        let kind = crate::publish::changes::kind_of(stem);
        match self {
            KeptKind::Claims | KeptKind::Listing(Listing::Claims) => kind == "claim",
            KeptKind::Listing(Listing::Articles) => kind == "article",
            KeptKind::Listing(Listing::Documents) => kind == "doc",
            KeptKind::Listing(Listing::Entities) => !matches!(kind, "claim" | "article" | "doc"),
        }
    }
}

/// The most triples a full build reads into memory: about 6 GB at the 300 bytes a triple
/// the build took at 10,000 articles (6.7 million triples). A larger graph (some 60,000
/// articles and more) is built from the store's indexes, slower but in bounded memory.
pub const SNAPSHOT_MAX_TRIPLES: usize = 20_000_000;

/// The static site over one store's IRI scheme.
pub struct Site {
    renderer: Renderer,
    catalog: Catalog,
    iris: Iris,
    query_timeout: Option<Duration>,
    vocabulary: std::sync::OnceLock<view::Vocabulary>,
    /// The search index, read once and kept until the data changes
    /// ([`Site::data_changed`]), so the many small files a search loads are cut from
    /// one reading of the store.
    search_cache: Memo<SearchIndex>,
    /// The rows of each listing ([`index::Listing::ALL`], in that order) in list order,
    /// read once for both languages and kept until the data changes: a page of a list
    /// turns only its own rows into entries.
    listings: [Memo<Ordered>; 4],
    /// How many claim cards each entity's pages hold.
    entity_cards: Memo<HashMap<String, usize>>,
    /// The digest ([`view::entity::EntityDigest`]: claim index, tallies, relations) of
    /// each entity with more than one page of claims or a relations listing, by
    /// language, read for one of its pages and kept for the others until the data
    /// changes, within [`KEPT_ENTITY_DIGEST_BYTES`].
    entity_digests: Kept<(Lang, String), view::entity::EntityDigest>,
    /// How many rows each entity's relations listing has.
    entity_relation_rows: Memo<HashMap<String, usize>>,
    /// How the claims and relations listing of each entity with more than one page are
    /// cut into pages, by entity IRI: a few bytes a page, kept until the data changes.
    entity_pagings: Kept<String, view::entity::EntityPaging>,
    /// Every German label, for the German pages' links.
    german_labels: Memo<HashMap<String, String>>,
    /// The competency queries' example runs, for the queries page of both languages.
    query_runs: Memo<Vec<Result<catalog::Outcome, String>>>,
    /// Every path of the site, sorted: what the last build listed, or read for the
    /// sitemap.
    site_paths: Memo<Vec<String>>,
    /// The default graph, held in memory while a full build renders every page.
    snapshot: Memo<GraphSnapshot>,
    /// The rows of the whole-store queries ([`KEPT_QUERIES`], in that order), read
    /// once for every page that needs them, or patched by an incremental build from the
    /// rows the last build kept.
    kept_rows: [Memo<view::Rows>; KEPT_QUERIES.len()],
    /// What the build under way keeps of each large entity's rows for the next one, and
    /// patches the last build's with; `None` outside a build (the server reads the
    /// store).
    entity_keeping: Mutex<Option<Arc<EntityKeeping>>>,
    /// Moved on by every [`Site::data_changed`].
    data_generation: AtomicU64,
    /// The most items a page of a list shows.
    page_size: usize,
}

/// A value read from the store for more than one page, kept with the data generation
/// it was read at and read again once the data has changed.
struct Memo<T> {
    cell: Mutex<Option<(u64, Arc<T>)>>,
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo {
            cell: Mutex::new(None),
        }
    }
}

impl<T> Memo<T> {
    /// The value as last read, or read now (and kept, unless the data changed while it
    /// was being read).
    fn get(
        &self,
        generation: &AtomicU64,
        read: impl FnOnce() -> Result<T, RenderError>,
    ) -> Result<Arc<T>, RenderError> {
        let current = generation.load(Ordering::SeqCst);
        if let Some((read_at, value)) = self.cell.lock().expect("memo lock").as_ref() {
            if *read_at == current {
                return Ok(Arc::clone(value));
            }
        }
        let value = Arc::new(read()?);
        let mut cell = self.cell.lock().expect("memo lock");
        if generation.load(Ordering::SeqCst) == current {
            *cell = Some((current, Arc::clone(&value)));
        }
        Ok(value)
    }

    /// Keeps `value` as read at the current generation.
    fn put(&self, generation: &AtomicU64, value: T) -> Arc<T> {
        let value = Arc::new(value);
        let current = generation.load(Ordering::SeqCst);
        *self.cell.lock().expect("memo lock") = Some((current, Arc::clone(&value)));
        value
    }

    /// The value, if it was read at the current generation; nothing is read.
    fn kept(&self, generation: &AtomicU64) -> Option<Arc<T>> {
        let current = generation.load(Ordering::SeqCst);
        match self.cell.lock().expect("memo lock").as_ref() {
            Some((read_at, value)) if *read_at == current => Some(Arc::clone(value)),
            _ => None,
        }
    }

    fn forget(&self) {
        *self.cell.lock().expect("memo lock") = None;
    }
}

/// A listing's rows (its saved query's) and the rows each of its list pages' files
/// shows, in list order ([`index::listing_order`]).
struct Ordered {
    rows: Arc<view::Rows>,
    /// Every row with a resource, in list order.
    order: Vec<usize>,
    /// Each list of the listing (`claims.html`; one per kind of entity), cut into pages.
    lists: Vec<OrderedList>,
}

/// One list: its rows in list order and where its pages start.
struct OrderedList {
    /// The list's first page (`claims.html`, `companies.html`).
    first: &'static str,
    /// The rows it shows, in list order.
    rows: Vec<usize>,
    pages: AnchoredPages,
}

/// Which listing the list whose first page is `first` shows, its template and title.
fn list_of(first: &str) -> Option<(Listing, &'static str, &'static str)> {
    match first {
        "articles.html" => Some((Listing::Articles, "articles.html", "Articles")),
        "claims.html" => Some((Listing::Claims, "claims.html", "Claims")),
        "documents.html" => Some((Listing::Documents, "documents.html", "Source documents")),
        other => index::ENTITY_LISTS
            .iter()
            .find(|(f, _, _)| *f == other)
            .map(|(_, title, _)| (Listing::Entities, "entities.html", *title)),
    }
}

/// A later page of an entity's claims or relations listing: the entity's paging, which
/// of its lists, the page's index in it, and the entity.
type EntityListPage = (
    Arc<view::entity::EntityPaging>,
    view::entity::EntityList,
    usize,
    NamedNode,
);

/// One page of a list: its listing's rows and which of them the page shows.
struct ListPage {
    listing: Listing,
    ordered: Arc<Ordered>,
    /// The index of the page's list in `ordered.lists`.
    list: usize,
    /// The page's index in its list, from 0.
    page: usize,
    pager: ListPager,
}

impl ListPage {
    /// The rows the page shows, in order.
    fn picked(&self) -> &[usize] {
        let list = &self.ordered.lists[self.list];
        &list.rows[list.pages.range(self.page)]
    }
}

#[derive(Serialize)]
struct Alternate {
    href: String,
    media_type: &'static str,
    label: &'static str,
}

impl Site {
    pub fn new(iris: Iris) -> Result<Site, RenderError> {
        Ok(Site {
            renderer: Renderer::new()?,
            catalog: Catalog::bundled(),
            iris,
            query_timeout: Some(view::PAGE_QUERY_TIMEOUT),
            vocabulary: std::sync::OnceLock::new(),
            search_cache: Memo::default(),
            listings: Default::default(),
            entity_cards: Memo::default(),
            entity_digests: Kept::new(KEPT_ENTITY_DIGEST_BYTES),
            entity_relation_rows: Memo::default(),
            entity_pagings: Kept::new(KEPT_ENTITY_PAGING_BYTES),
            german_labels: Memo::default(),
            query_runs: Memo::default(),
            site_paths: Memo::default(),
            snapshot: Memo::default(),
            kept_rows: Default::default(),
            entity_keeping: Mutex::new(None),
            data_generation: AtomicU64::new(0),
            page_size: paging::PAGE_SIZE,
        })
    }

    /// Sets the time limit of each page query (`None`: no limit). A live server keeps
    /// the default so a request never hangs; an offline build can lift it, since the
    /// listing pages of a large store (every claim) take longer than any one page.
    pub fn with_query_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.query_timeout = timeout;
        self
    }

    /// Cuts lists into pages of at most `size` items instead of
    /// [`paging::PAGE_SIZE`] (small pages show a small store's pagination).
    pub fn with_page_size(mut self, size: usize) -> Self {
        self.page_size = size.max(1);
        self
    }

    pub fn renderer(&self) -> &Renderer {
        &self.renderer
    }

    /// The read side of the pages: what every view model reads the store through.
    pub fn source<'a>(&'a self, store: &'a GraphStore) -> Source<'a> {
        Source::new(
            store,
            &self.catalog,
            &self.iris,
            self.query_timeout,
            &self.vocabulary,
        )
        .with_page_size(self.page_size)
        .with_snapshot(self.snapshot.kept(&self.data_generation))
    }

    /// [`Site::source`] for pages in `lang`; a German one knows every German label.
    fn lang_source<'a>(
        &'a self,
        store: &'a GraphStore,
        lang: Lang,
    ) -> Result<Source<'a>, RenderError> {
        let src = self.source(store).in_lang(lang);
        Ok(match lang {
            Lang::En => src,
            Lang::De => {
                let labels = self
                    .german_labels
                    .get(&self.data_generation, || view::german_labels(&src))?;
                src.with_german_labels(labels)
            }
        })
    }

    /// The template context every page shares: its roots, its language and the address
    /// of the same page in the other language.
    fn page_context(
        path: &str,
        title: &str,
        page: minijinja::Value,
        alternates: Vec<Alternate>,
    ) -> minijinja::Value {
        let (lang, inner) = Lang::of_path(path);
        let site_root = root_of(path);
        let other = lang.other();
        context! {
            root => root_of(inner),
            site_root => site_root,
            path => path,
            lang => lang.tag(),
            other_lang => other.tag(),
            other_lang_href => has_german_page(inner).then(|| format!("{site_root}{}", other.path(inner))),
            title => title,
            page => page,
            alternates => alternates,
        }
    }

    /// Every path of the static site, pages of resources in list order, every page of
    /// every paginated list.
    pub fn paths(&self, store: &GraphStore) -> Result<Vec<String>, RenderError> {
        self.paths_with(store, None)
    }

    /// [`Site::paths`]; with `carry` (the last build's paths, sorted, and the stems
    /// whose pages changed since), the later pages and relations listing of an entity
    /// whose stem did not change are the last build's, and those of a changed entity
    /// are counted from the claims that name it: an incremental build reads no count
    /// over the whole store.
    fn paths_with(
        &self,
        store: &GraphStore,
        carry: Option<(&[String], &HashSet<String>)>,
    ) -> Result<Vec<String>, RenderError> {
        let src = self.source(store);
        let mut paths = vec!["index.html".to_owned()];
        let entities = self.ordered(&src, Listing::Entities)?;
        for listing in [
            Listing::Entities,
            Listing::Articles,
            Listing::Claims,
            Listing::Documents,
        ] {
            for list in &self.ordered(&src, listing)?.lists {
                paths.extend((0..list.pages.pages()).map(|page| list.pages.path(list.first, page)));
            }
        }
        paths.extend(
            ["queries.html", "sparql.html", "search.html", "sitemap.xml"].map(str::to_owned),
        );
        paths.extend(self.renderer.asset_paths().map(str::to_owned));
        paths.extend(self.search_index(&src)?.paths());
        for stem in self.resource_stems(&src)? {
            paths.push(format!("{stem}.html"));
            paths.push(format!("{stem}.ttl"));
            paths.push(format!("{stem}.jsonld"));
        }
        for &r in &entities.order {
            let Some(iri) = entities.rows.iri(r, Listing::Entities.item()) else {
                continue;
            };
            let Some(first) = view::page_path(src.iris, iri) else {
                continue;
            };
            let first = first.as_str();
            let Some(stem) = first.strip_suffix(".html") else {
                continue;
            };
            match carry {
                Some((old_paths, dirty)) if !dirty.contains(stem) => {
                    // Nothing that names the entity changed since the last build.
                    paths.extend(later_entity_paths(old_paths, stem).cloned());
                }
                // A changed entity's first page reads its digest anyway: its paging
                // comes from there, with no count read before.
                _ if carry.is_some() || self.has_later_pages(&src, iri)? => {
                    let iri = NamedNode::new_unchecked(iri);
                    paths.extend(self.entity_paging(&src, &iri)?.later_paths(first));
                }
                _ => {}
            }
            for ext in ENTITY_CLAIMS_EXTENSIONS {
                paths.push(format!("{stem}{ext}"));
            }
        }
        let german: Vec<String> = paths
            .iter()
            .filter(|p| has_german_page(p))
            .map(|p| Lang::De.path(p))
            .collect();
        paths.extend(german);
        Ok(paths)
    }

    /// Forgets what was read from the store for more than one page (the search index,
    /// the lists): the server calls it after each import while serving.
    pub fn data_changed(&self) {
        self.data_generation.fetch_add(1, Ordering::SeqCst);
        self.search_cache.forget();
        self.entity_cards.forget();
        self.entity_digests
            .clear(self.data_generation.load(Ordering::SeqCst));
        self.entity_relation_rows.forget();
        self.entity_pagings
            .clear(self.data_generation.load(Ordering::SeqCst));
        self.german_labels.forget();
        self.query_runs.forget();
        self.site_paths.forget();
        self.snapshot.forget();
        for listing in &self.listings {
            listing.forget();
        }
        for rows in &self.kept_rows {
            rows.forget();
        }
    }

    /// The search index as last read, or read now.
    fn search_index(&self, src: &Source<'_>) -> Result<Arc<SearchIndex>, RenderError> {
        // Cut from the English lists the list pages show, not a reading of its own.
        let english = self.source(src.store);
        self.search_cache.get(&self.data_generation, || {
            let entities = self.ordered(&english, Listing::Entities)?;
            let articles = self.ordered(&english, Listing::Articles)?;
            let documents = self.ordered(&english, Listing::Documents)?;
            SearchIndex::build(
                &english,
                &index::entities(&english, &entities.rows, &entities.order)?,
                &index::articles(&english, &articles.rows, &articles.order)?,
                &index::documents(&english, &documents.rows, &documents.order)?,
                &*self.whole_rows(&english, "page-search-claims")?,
            )
        })
    }

    /// The rows of the whole-store query `name` (one of [`KEPT_QUERIES`]), as last read
    /// or patched, or read now.
    fn whole_rows(&self, src: &Source<'_>, name: &str) -> Result<Arc<view::Rows>, RenderError> {
        let Some(i) = KEPT_QUERIES.iter().position(|(q, _)| *q == name) else {
            return Ok(Arc::new(src.select(name, &[])?));
        };
        self.kept_rows[i].get(&self.data_generation, || src.select(name, &[]))
    }

    /// Takes the rows the last build kept (`kept`) for the whole-store queries, with the
    /// rows of the resources among `dirty` (stems) read again: the rows a full reading
    /// would give, for the cost of what a change reached. A query whose rows cannot be
    /// patched is read whole when a page needs it. The resources read again.
    fn patch_kept_rows(
        &self,
        store: &GraphStore,
        kept: KeptRows,
        dirty: &HashSet<String>,
    ) -> Result<usize, RenderError> {
        let src = self.source(store);
        let mut read_again = HashSet::new();
        for (i, (name, kind)) in KEPT_QUERIES.iter().enumerate() {
            let Some(table) = kept.tables.get(*name) else {
                continue;
            };
            let items: Vec<Term> = dirty
                .iter()
                .filter(|stem| kind.holds(stem))
                .map(|stem| self.iris.resolve(stem).into())
                .collect();
            let replaced: HashSet<Term> = items.iter().cloned().collect();
            let merged = match kind {
                KeptKind::Claims => {
                    let Some(fresh) = src.claim_rows_for(name, &items) else {
                        continue;
                    };
                    model::merge_claim_rows(name, table, &replaced, fresh?.into_table())
                }
                KeptKind::Listing(listing) => {
                    let mut fresh = Vec::new();
                    for item in &items {
                        let rows = src.select_for(name, listing.item(), item.clone())?;
                        fresh.extend(rows.into_table().rows);
                    }
                    index::merge_listing_rows(*listing, table, &replaced, fresh)
                }
            };
            if let Some(merged) = merged {
                read_again.extend(items);
                self.kept_rows[i].put(&self.data_generation, view::Rows::from_table(merged));
            }
        }
        Ok(read_again.len())
    }

    /// The rows of the whole-store queries as this build read them, for the next build
    /// to keep; `None` when a page did not need one of them.
    fn rows_to_keep(&self) -> Option<Vec<(&'static str, Arc<view::Rows>)>> {
        KEPT_QUERIES
            .iter()
            .enumerate()
            .map(|(i, (name, _))| Some((*name, self.kept_rows[i].kept(&self.data_generation)?)))
            .collect()
    }

    /// The rows of `listing` in list order, as last read, or read now.
    fn ordered(&self, src: &Source<'_>, listing: Listing) -> Result<Arc<Ordered>, RenderError> {
        self.listings[listing as usize].get(&self.data_generation, || {
            let rows = self.whole_rows(src, listing.query())?;
            let order = index::listing_order(&rows, listing);
            let split: Vec<(&'static str, Vec<usize>)> = match listing {
                Listing::Entities => index::ENTITY_LISTS
                    .iter()
                    .map(|(file, _, kinds)| {
                        let of_kind = |r: &&usize| {
                            rows.str(**r, "kind")
                                .is_some_and(|k| kinds.contains(&k.as_str()))
                        };
                        (*file, order.iter().filter(of_kind).copied().collect())
                    })
                    .collect(),
                Listing::Articles => vec![("articles.html", order.clone())],
                Listing::Documents => vec![("documents.html", order.clone())],
                Listing::Claims => vec![("claims.html", order.clone())],
            };
            let anchor = |r: usize| {
                rows.iri(r, listing.item())
                    .and_then(|iri| view::page_path(src.iris, iri))
                    .and_then(|href| href.strip_suffix(".html").map(|stem| listing.anchor(stem)))
                    .unwrap_or_default()
            };
            let lists = split
                .into_iter()
                .map(|(first, picked)| {
                    let anchors: Vec<String> = picked.iter().map(|&r| anchor(r)).collect();
                    OrderedList {
                        first,
                        pages: AnchoredPages::new(&anchors, self.page_size),
                        rows: picked,
                    }
                })
                .collect();
            Ok(Ordered { rows, order, lists })
        })
    }

    /// Page `path` (a path within a language tree) of a list; `None` for any other
    /// path or a page past the list's end.
    fn list_page(&self, src: &Source<'_>, path: &str) -> Result<Option<ListPage>, RenderError> {
        let (first, anchor) = paging::split_anchored_path(path);
        let Some((listing, _, _)) = list_of(&first) else {
            return Ok(None);
        };
        let ordered = self.ordered(src, listing)?;
        let Some(list) = ordered.lists.iter().position(|l| l.first == first) else {
            return Ok(None);
        };
        let of_list = &ordered.lists[list];
        let Some(page) = of_list.pages.page_of(anchor.as_deref()) else {
            return Ok(None);
        };
        let pager = of_list.pages.pager(of_list.first, page);
        Ok(pager.map(|pager| ListPage {
            listing,
            ordered: Arc::clone(&ordered),
            list,
            page,
            pager,
        }))
    }

    /// The digest of entity `iri` in the source's language. One that spans pages
    /// ([`view::entity::EntityDigest::spans_pages`]) is read for both languages at once,
    /// from one reading of the store, and both are kept.
    fn entity_digest(
        &self,
        src: &Source<'_>,
        iri: &NamedNode,
    ) -> Result<Arc<view::entity::EntityDigest>, RenderError> {
        use view::entity::entity_digest;
        let generation = self.data_generation.load(Ordering::SeqCst);
        let key = |lang: Lang| (lang, iri.as_str().to_owned());
        if let Some(kept) = self.entity_digests.get(generation, &key(src.lang)) {
            return Ok(kept);
        }
        let keeping = self.entity_keeping.lock().expect("keeping lock").clone();
        let stem = view::page_path(src.iris, iri.as_str())
            .and_then(|path| path.strip_suffix(".html").map(str::to_owned));
        let rows = match (&keeping, &stem) {
            (Some(keeping), Some(stem)) => self.entity_rows_patched(src, iri, keeping, stem)?,
            _ => None,
        };
        let rows = match rows {
            Some(rows) => rows,
            None => view::entity::entity_rows(src, iri)?,
        };
        // The English digest first: the German one takes its paging.
        let english = Arc::new(entity_digest(
            &self.lang_source(src.store, Lang::En)?,
            iri,
            &rows,
            None,
        )?);
        let kept = english.spans_pages(self.page_size);
        if let (true, Some(keeping), Some(stem)) = (kept, &keeping, &stem) {
            keeping.keep(stem, &rows.kept_tables())?;
        }
        if !kept && src.lang == Lang::En {
            return Ok(english);
        }
        let german = Arc::new(entity_digest(
            &self.lang_source(src.store, Lang::De)?,
            iri,
            &rows,
            Some(&english),
        )?);
        if kept {
            for digest in [&english, &german] {
                self.entity_digests
                    .insert(generation, key(digest.lang), Arc::clone(digest));
            }
        }
        Ok(match src.lang {
            Lang::En => english,
            Lang::De => german,
        })
    }

    /// The rows of entity `iri` (page stem `stem`) as this build kept them, or as the
    /// last build kept them patched with those of the claims the changes since reached;
    /// `None` when neither kept any.
    fn entity_rows_patched(
        &self,
        src: &Source<'_>,
        iri: &NamedNode,
        keeping: &EntityKeeping,
        stem: &str,
    ) -> Result<Option<view::entity::EntityRows>, RenderError> {
        let Some((tables, earlier)) = keeping.rows(stem) else {
            return Ok(None);
        };
        let unchanged = HashSet::new();
        let changed = if earlier {
            keeping.changed()
        } else {
            &unchanged
        };
        let rows = view::entity::patched_entity_rows(src, iri, tables, changed)?;
        if earlier && rows.is_some() {
            keeping.count_patched();
        }
        Ok(rows)
    }

    /// How the claims and relations listing of entity `iri` are cut into pages, as
    /// last read, or read now (from its English digest: the cuts are the same in every
    /// language).
    fn entity_paging(
        &self,
        src: &Source<'_>,
        iri: &NamedNode,
    ) -> Result<Arc<view::entity::EntityPaging>, RenderError> {
        let generation = self.data_generation.load(Ordering::SeqCst);
        if let Some(kept) = self
            .entity_pagings
            .get(generation, &iri.as_str().to_owned())
        {
            return Ok(kept);
        }
        let english = self.source(src.store);
        let paging = Arc::clone(&self.entity_digest(&english, iri)?.paging);
        self.entity_pagings
            .insert(generation, iri.as_str().to_owned(), Arc::clone(&paging));
        Ok(paging)
    }

    /// Whether entity `iri` has more pages than its first: more claim cards than a page
    /// holds, or a relations listing (counted over the whole store once).
    fn has_later_pages(&self, src: &Source<'_>, iri: &str) -> Result<bool, RenderError> {
        let cards = self
            .entity_cards
            .get(&self.data_generation, || index::entity_card_counts(src))?;
        let relation_rows = self
            .entity_relation_rows
            .get(&self.data_generation, || view::entity::relation_counts(src))?;
        let cards = cards.get(iri).copied().unwrap_or(0);
        let relation_rows = relation_rows.get(iri).copied().unwrap_or(0);
        Ok(cards > self.page_size || relation_rows > view::entity::RELATION_ROWS_ON_FIRST_PAGE)
    }

    /// The paths (without extension) of every entity, article, document and claim page.
    fn resource_stems(&self, src: &Source<'_>) -> Result<Vec<String>, RenderError> {
        let mut stems = Vec::new();
        for listing in Listing::ALL {
            let ordered = self.ordered(src, listing)?;
            stems.extend(ordered.order.iter().filter_map(|&r| {
                let iri = ordered.rows.iri(r, listing.item())?;
                let href = view::page_path(src.iris, iri)?;
                href.strip_suffix(".html").map(str::to_owned)
            }));
        }
        Ok(stems)
    }

    /// Renders one site path (relative, no leading slash); `Ok(None)` when nothing
    /// lives there.
    pub fn render(&self, store: &GraphStore, path: &str) -> Result<Option<Rendered>, RenderError> {
        match self.content(store, path)? {
            Some(content) => self.finish(content).map(Some),
            None => Ok(None),
        }
    }

    /// The data behind one site path, queried but not yet templated or serialized.
    /// Rendering is `content` then [`Site::finish`]; the benchmark times the first half
    /// alone to tell what templates and writing cost on top of the page queries.
    pub fn content(
        &self,
        store: &GraphStore,
        full_path: &str,
    ) -> Result<Option<Content>, RenderError> {
        let (lang, path) = Lang::of_path(full_path);
        if lang != Lang::En && !has_german_page(path) {
            return Ok(None);
        }
        let src = self.lang_source(store, lang)?;
        let page = |template: &'static str,
                    title: &str,
                    page: minijinja::Value|
         -> Result<Option<Content>, RenderError> {
            Ok(Some(Content::Template {
                name: template,
                media_type: HTML,
                context: Self::page_context(full_path, lang.tr(title), page, Vec::new()),
            }))
        };
        match path {
            "index.html" => {
                let articles = self.ordered(&src, Listing::Articles)?;
                let newest = &articles.order[..articles.order.len().min(10)];
                let recent = index::articles(&src, &articles.rows, newest)?;
                let entities = self.ordered(&src, Listing::Entities)?;
                let counts: Vec<usize> = entities.lists.iter().map(|l| l.rows.len()).collect();
                page(
                    "home.html",
                    "Home",
                    minijinja::Value::from_serialize(index::home(&src, recent, &counts)?),
                )
            }
            "queries.html" => {
                let runs = self
                    .query_runs
                    .get(&self.data_generation, || Ok(index::query_runs(&src)))?;
                let queries = index::queries(&src, &runs)?;
                page(
                    "queries.html",
                    "Saved queries",
                    minijinja::Value::from_serialize(context! { queries }),
                )
            }
            "search.html" => page("search.html", "Search", minijinja::Value::from(())),
            "sparql.html" => {
                let base = view::query_page::QueryPageBase::new(&src, None);
                let no_alternates: Vec<Alternate> = Vec::new();
                Ok(Some(Content::Template {
                    name: "sparql.html",
                    media_type: HTML,
                    context: context! { root => root_of(path), path => path, title => "SPARQL query", page => base, alternates => no_alternates, live => false },
                }))
            }
            p if p.starts_with("search/") => Ok(self.search_index(&src)?.file(p).map(|script| {
                Content::Bytes(Rendered {
                    media_type: "text/javascript; charset=utf-8",
                    body: script.into_bytes(),
                })
            })),
            "sitemap.xml" => {
                let paths = self.site_paths.get(&self.data_generation, || {
                    let mut paths = self.paths(store)?;
                    paths.sort();
                    paths.dedup();
                    Ok(paths)
                })?;
                let urls: Vec<String> = paths
                    .iter()
                    .filter(|p| p.ends_with(".html") && *p != "search.html")
                    .map(|p| format!("{}{p}", self.iris.base()))
                    .collect();
                Ok(Some(Content::Template {
                    name: "sitemap.xml",
                    media_type: "application/xml",
                    context: context! { urls },
                }))
            }
            p if p.starts_with("assets/") => Ok(self.renderer.asset(p).map(|text| {
                Content::Bytes(Rendered {
                    media_type: asset_media_type(p),
                    body: text.as_bytes().to_vec(),
                })
            })),
            p if p.starts_with("id/") => self.resource_content(&src, store, full_path),
            _ => self.list_content(&src, full_path),
        }
    }

    /// A page of one of the lists (`claims.html`, `claims-from-a.c1.html`, `companies.html`...);
    /// `None` for any other path or a page past the list's end. Only the rows the page
    /// shows are turned into entries.
    fn list_content(
        &self,
        src: &Source<'_>,
        full_path: &str,
    ) -> Result<Option<Content>, RenderError> {
        let (lang, path) = Lang::of_path(full_path);
        let Some(list_page) = self.list_page(src, path)? else {
            return Ok(None);
        };
        let (first, _) = paging::split_anchored_path(path);
        let Some((_, template, title)) = list_of(&first) else {
            return Ok(None);
        };
        let (rows, picked) = (&list_page.ordered.rows, list_page.picked());
        let (entries, opening) = match list_page.listing {
            Listing::Entities => {
                let entries = index::entities(src, rows, picked)?;
                let opening = entries.first().map(|e| e.label.clone());
                (minijinja::Value::from_serialize(entries), opening)
            }
            Listing::Articles => {
                let entries = index::articles(src, rows, picked)?;
                let opening = entries.first().map(|e| e.title.clone());
                (minijinja::Value::from_serialize(entries), opening)
            }
            Listing::Documents => {
                let entries = index::documents(src, rows, picked)?;
                let opening = entries.first().map(|e| e.title.clone());
                (minijinja::Value::from_serialize(entries), opening)
            }
            Listing::Claims => {
                let entries = index::claims(src, rows, picked)?;
                let opening = entries.first().map(|e| e.statement.clone());
                (minijinja::Value::from_serialize(entries), opening)
            }
        };
        let title = match (list_page.page, opening) {
            (0, _) | (_, None) => lang.tr(title).to_owned(),
            (_, Some(opening)) => from_title(lang, title, &opening),
        };
        let pager = list_page.pager;
        Ok(Some(Content::Template {
            name: template,
            media_type: HTML,
            context: Self::page_context(
                full_path,
                &title,
                context! { entries => entries, pager => pager },
                Vec::new(),
            ),
        }))
    }

    /// Turns a path's content into its bytes: runs the template or serializes the RDF.
    pub fn finish(&self, content: Content) -> Result<Rendered, RenderError> {
        match content {
            Content::Template {
                name,
                media_type,
                context,
            } => Ok(Rendered {
                media_type,
                body: self.renderer.render(name, context)?.into_bytes(),
            }),
            Content::Rdf {
                quads,
                format,
                media_type,
            } => Ok(Rendered {
                media_type,
                body: crate::read::describe::serialize(&quads, format).map_err(RenderError::Rdf)?,
            }),
            Content::Bytes(rendered) => Ok(rendered),
        }
    }

    fn resource_content(
        &self,
        src: &Source<'_>,
        store: &GraphStore,
        full_path: &str,
    ) -> Result<Option<Content>, RenderError> {
        let (_, path) = Lang::of_path(full_path);
        if let Some((stem, format)) = ENTITY_CLAIMS_EXTENSIONS
            .iter()
            .zip(ENTITY_CLAIMS_FORMATS)
            .find_map(|(ext, (format, _))| path.strip_suffix(ext).map(|stem| (stem, format)))
        {
            return self.entity_claims(store, stem, format);
        }
        // A later page of an entity's claims or relations listing is named by the
        // item that opens it; every other resource has one page.
        let (first, anchor) = paging::split_anchored_path(path);
        if let Some(stem) = first.strip_suffix(view::entity::RELATIONS_SUFFIX) {
            return self.relations_content(src, full_path, stem, anchor.as_deref());
        }
        let Some((stem, ext)) = first.rsplit_once('.') else {
            return Ok(None);
        };
        if !is_safe_resource_path(stem) {
            return Ok(None);
        }
        let iri = self.iris.resolve(stem);
        match ext {
            "ttl" => self.describe(store, &iri, RdfFormat::Turtle, "text/turtle; charset=utf-8"),
            "jsonld" => self.describe(
                store,
                &iri,
                RdfFormat::JsonLd {
                    profile: Default::default(),
                },
                "application/ld+json",
            ),
            "html" => {
                let kind = stem.split('/').nth(1).unwrap_or_default();
                if anchor.is_some() && matches!(kind, "article" | "claim" | "doc") {
                    return Ok(None);
                }
                let mut cite = None;
                let (template, title, page) = match kind {
                    "article" => match view::article::article_page(src, &iri)? {
                        Some(p) => (
                            "article.html",
                            p.title.clone(),
                            minijinja::Value::from_serialize(&p),
                        ),
                        None => return Ok(None),
                    },
                    "claim" => match view::claim::claim_page(src, &iri)? {
                        Some(p) => {
                            cite = Some(view::cite::citation(&p));
                            (
                                "claim.html",
                                format!("{}: {}", src.lang.tr("Claim"), p.statement),
                                minijinja::Value::from_serialize(&p),
                            )
                        }
                        None => return Ok(None),
                    },
                    "doc" => match view::document::document_page(src, &iri)? {
                        Some(p) => (
                            "document.html",
                            p.title.clone(),
                            minijinja::Value::from_serialize(&p),
                        ),
                        None => return Ok(None),
                    },
                    _ => match view::entity::entity_page(
                        src,
                        &iri,
                        anchor.as_deref(),
                        Some(self.entity_digest(src, &iri)?.as_ref()),
                        self.patched_entity_claims(src, &iri, stem)?.as_deref(),
                    )? {
                        Some(p) => {
                            let opening = p.groups.first().and_then(|g| g.claims.first());
                            let title = match (p.later, opening) {
                                (true, Some(card)) => {
                                    format!(
                                        "{}: {}",
                                        p.label,
                                        from_title(src.lang, "Claims", &card.statement)
                                    )
                                }
                                _ => p.label.clone(),
                            };
                            ("entity.html", title, minijinja::Value::from_serialize(&p))
                        }
                        None => return Ok(None),
                    },
                };
                let mut alternates = vec![
                    Alternate {
                        href: format!("{stem}.ttl"),
                        media_type: "text/turtle",
                        label: "Turtle",
                    },
                    Alternate {
                        href: format!("{stem}.jsonld"),
                        media_type: "application/ld+json",
                        label: "JSON-LD",
                    },
                ];
                if template == "entity.html" {
                    alternates.extend(
                        ENTITY_CLAIMS_EXTENSIONS
                            .iter()
                            .zip(ENTITY_CLAIMS_FORMATS)
                            .map(|(ext, (_, (media_type, label)))| Alternate {
                                href: format!("{stem}{ext}"),
                                media_type,
                                label,
                            }),
                    );
                }
                Ok(Some(Content::Template {
                    name: template,
                    media_type: HTML,
                    context: context! { cite => cite, ..Self::page_context(full_path, &title, page, alternates) },
                }))
            }
            _ => Ok(None),
        }
    }

    /// The page of the relations listing of the entity at `stem` that `anchor` names.
    fn relations_content(
        &self,
        src: &Source<'_>,
        full_path: &str,
        stem: &str,
        anchor: Option<&str>,
    ) -> Result<Option<Content>, RenderError> {
        if !is_safe_resource_path(stem) || stem.starts_with("id/claim/") {
            return Ok(None);
        }
        let iri = self.iris.resolve(stem);
        if matches!(stem.split('/').nth(1), Some("article" | "doc")) {
            return Ok(None);
        }
        let digest = self.entity_digest(src, &iri)?;
        let Some(page) = view::entity::relations_page(src, &iri, anchor, Some(&digest))? else {
            return Ok(None);
        };
        let title = match page.rows.first().filter(|_| anchor.is_some()) {
            None => format!("{}: {}", page.label, src.lang.tr("Claimed relations")),
            Some(row) => {
                let opening = format!("{} {}", row.relation, row.other.label);
                format!(
                    "{}: {}",
                    page.label,
                    from_title(src.lang, "Claimed relations", &opening)
                )
            }
        };
        let page = minijinja::Value::from_serialize(&page);
        Ok(Some(Content::Template {
            name: "entity-relations.html",
            media_type: HTML,
            context: Self::page_context(full_path, &title, page, Vec::new()),
        }))
    }

    /// The claims of the entity at `stem` (`id/org/hikvision`) through the saved query
    /// `entity-claims`, its parameter bound to the entity's IRI, as a file in `format`;
    /// `None` when no entity lives there.
    fn entity_claims(
        &self,
        store: &GraphStore,
        stem: &str,
        format: catalog::Format,
    ) -> Result<Option<Content>, RenderError> {
        Ok(self
            .entity_claims_outcome(store, stem)?
            .map(|outcome| entity_claims_file(&outcome, format))
            .transpose()?
            .map(Content::Bytes))
    }

    fn entity_claims_outcome(
        &self,
        store: &GraphStore,
        stem: &str,
    ) -> Result<Option<catalog::Outcome>, RenderError> {
        let kind = stem.split('/').nth(1).unwrap_or_default();
        if !is_safe_resource_path(stem) || matches!(kind, "article" | "claim" | "doc") {
            return Ok(None);
        }
        let iri = self.iris.resolve(stem);
        if !store.describes(&iri)? {
            return Ok(None);
        }
        let src = self.source(store);
        if let Some(rows) = self.patched_entity_claims(&src, &iri, stem)? {
            return Ok(Some(catalog::Outcome::Table(rows.as_ref().clone())));
        }
        // The read model answers `entity-claims` with the saved query's rows, in its
        // order, without the engine planning the query for every entity.
        let rows = src.select("entity-claims", &[("entity", iri.into())])?;
        Ok(Some(catalog::Outcome::Table(rows.into_table())))
    }

    /// In an incremental build, the rows of `entity-claims` for entity `iri` (page stem
    /// `stem`): its download as the last build wrote it, patched with the rows of the
    /// claims the changes reached, and held for its pages' cards; `None` outside a
    /// build, or when there is no download to patch. A large entity's claims are not
    /// read whole again.
    fn patched_entity_claims(
        &self,
        src: &Source<'_>,
        iri: &NamedNode,
        stem: &str,
    ) -> Result<Option<Arc<catalog::Table>>, RenderError> {
        let Some(keeping) = self.entity_keeping.lock().expect("keeping lock").clone() else {
            return Ok(None);
        };
        if let Some(held) = keeping.patched_claims(stem) {
            return Ok(Some(held));
        }
        let download = format!("{stem}{}", ENTITY_CLAIMS_EXTENSIONS[1]);
        let Some(earlier) = keeping.earlier_download(&download) else {
            return Ok(None);
        };
        let changed = keeping.changed();
        let roles = model::in_any_role(changed);
        let fresh = src.read_facts(|facts, schema| {
            model::entity_claims_of(facts, schema, iri.clone().into(), &roles)
        })?;
        let Some(rows) = model::merge_entity_rows("entity-claims", &earlier, changed, fresh) else {
            return Ok(None);
        };
        let rows = Arc::new(rows);
        keeping.count_download_patched();
        keeping.hold_patched_claims(stem, Arc::clone(&rows));
        Ok(Some(rows))
    }

    fn describe(
        &self,
        store: &GraphStore,
        iri: &NamedNode,
        format: RdfFormat,
        media_type: &'static str,
    ) -> Result<Option<Content>, RenderError> {
        if !store.describes(iri)? {
            return Ok(None);
        }
        let quads = crate::read::describe::describe(store, iri.as_ref())?;
        Ok(Some(Content::Rdf {
            quads,
            format,
            media_type,
        }))
    }

    /// Builds every path into `out`. Files already there that the site does not write
    /// stay, unless `clean` empties the folder first.
    pub fn build(
        &self,
        store: &GraphStore,
        out: &Path,
        clean: bool,
    ) -> Result<BuildReport, RenderError> {
        self.build_with(
            store,
            out,
            &BuildOptions {
                clean,
                full: true,
                store_id: String::new(),
            },
        )
    }

    /// Builds into `out`: only what changed since the build its manifest describes
    /// (see [`crate::publish::manifest`]), or every path when there is no usable
    /// manifest or `options` ask for it. Either way the folder ends as a full build of
    /// the store would leave it, and pages of resources that are gone are removed.
    pub fn build_with(
        &self,
        store: &GraphStore,
        out: &Path,
        options: &BuildOptions,
    ) -> Result<BuildReport, RenderError> {
        let built = self.build_unless_current(store, out, options);
        // The snapshot is as large as the graph: it lives for one build only.
        self.snapshot.forget();
        *self.entity_keeping.lock().expect("keeping lock") = None;
        built
    }

    fn build_unless_current(
        &self,
        store: &GraphStore,
        out: &Path,
        options: &BuildOptions,
    ) -> Result<BuildReport, RenderError> {
        let started = Instant::now();
        let shown = out.display().to_string();
        if out.exists() && !out.is_dir() {
            return Err(RenderError::BadOutput(
                shown,
                "it is a file, not a folder".into(),
            ));
        }
        if options.clean && out.exists() {
            clean_folder(out)?;
        }
        std::fs::create_dir_all(out).map_err(|source| RenderError::Io {
            path: shown.clone(),
            source,
        })?;
        // The search index's files are cut from one fresh reading of the store.
        self.data_changed();
        let mut manifest = Manifest::new(self.iris.base(), self.page_size, &options.store_id);
        let old = match options.full || options.clean {
            true => Err(FullReason::Asked),
            false => Manifest::load(out, &manifest),
        };
        let state = StoreState::read(store)?;
        let pending = Pending::read(out);
        // Nothing changed since a finished build: the folder is already what a full build
        // writes, so nothing of the site is read (the state is a few index scans).
        if let Ok(old) = &old {
            if pending.is_empty() && old.rendered_state(&state) {
                return Ok(BuildReport {
                    total: old.paths.len(),
                    elapsed: started.elapsed(),
                    ..BuildReport::default()
                });
            }
        }
        let changes = match &old {
            Ok(old) => self.changes(store, old, &state)?,
            Err(reason) => Err(reason.clone()),
        };
        // Every page will be rendered: read the graph once instead of per page. Only
        // from the embedded store: an engine's whole graph would come in one response.
        let snapshot = match (&changes, store.embedded()) {
            (Err(_), Some(_)) => {
                let reading = Instant::now();
                match GraphSnapshot::read(store, SNAPSHOT_MAX_TRIPLES)? {
                    Some(snapshot) => {
                        let triples = snapshot.len();
                        self.snapshot.put(&self.data_generation, snapshot);
                        Some((triples, reading.elapsed()))
                    }
                    None => None,
                }
            }
            _ => None,
        };
        let mut rows_patched = None;
        if let (Ok(old), Ok(changes)) = (&old, &changes) {
            let patching = Instant::now();
            if let Some(kept) = KeptRows::load(out, &old.rows_stamp) {
                let read_again = self.patch_kept_rows(store, kept, &changes.dirty)?;
                rows_patched = Some((read_again, patching.elapsed()));
            }
        }
        let keeping = Arc::new(match (&old, &changes) {
            (Ok(old), Ok(changes)) => EntityKeeping::incremental(
                out,
                old,
                &changes.dirty,
                |stem| self.iris.resolve(stem).into(),
                &pending,
                ENTITY_CLAIMS_EXTENSIONS[1],
            ),
            _ => EntityKeeping::full(out),
        });
        *self.entity_keeping.lock().expect("keeping lock") = Some(Arc::clone(&keeping));
        let carry = match (&old, &changes) {
            (Ok(old), Ok(changes)) => Some((old.paths.as_slice(), &changes.dirty)),
            _ => None,
        };
        let mut paths = self.paths_with(store, carry)?;
        paths.sort();
        paths.dedup();
        let paths = self.site_paths.put(&self.data_generation, paths);
        let lists = self.list_digests(
            store,
            &paths,
            match (&old, &changes) {
                (Ok(old), Ok(changes)) => Some((old, &changes.dirty)),
                _ => None,
            },
        )?;
        let plan = match (old, changes) {
            (Ok(old), Ok(changes)) => {
                Ok(self.plan_incremental(store, &old, changes, &lists, &paths, &pending)?)
            }
            (Err(reason), _) | (_, Err(reason)) => Err(reason),
        };
        let footprints = Footprints::new(store);
        let (render, remove, full, old_footprints) = match plan {
            Ok(plan) => {
                Pending::write(out, plan.render.iter().chain(&plan.remove))?;
                (plan.render, plan.remove, None, plan.carried)
            }
            Err(reason) => {
                let mut stale = Manifest::paths_of_any(out);
                stale.extend(pending);
                Manifest::remove(out)?;
                let kept: HashSet<&String> = paths.iter().collect();
                stale.retain(|p| !kept.contains(p));
                (paths.to_vec(), stale, Some(reason), BTreeMap::new())
            }
        };

        let mut report = self.write_paths(store, out, &render)?;
        for path in &remove {
            remove_output(out, path)?;
        }
        // The next build reads what each article named from here: its pages may have to
        // change when the article does, even once the article is gone from the store.
        let mut named = old_footprints;
        for article in state.articles.keys() {
            if !named.contains_key(article) {
                named.insert(article.clone(), footprints.article(article)?);
            }
        }
        // The rows go first: a build cut off before its manifest leaves them under a
        // stamp that no manifest names.
        match self.rows_to_keep() {
            Some(kept) => {
                let stamp = kept_rows::new_stamp();
                let tables: Vec<(&str, &catalog::Table)> = kept
                    .iter()
                    .map(|(name, rows)| (*name, rows.table()))
                    .collect();
                KeptRows::save(out, &stamp, &tables)?;
                manifest.rows_stamp = stamp;
            }
            None => KeptRows::remove(out)?,
        }
        report.entities_kept = keeping.counts();
        manifest.entity_rows =
            keeping.finish(|stem| paths.binary_search(&format!("{stem}.html")).is_ok())?;
        manifest.paths = paths.to_vec();
        manifest.lists = lists;
        manifest.record(state, named);
        manifest.save(out)?;
        Pending::clear(out)?;

        report.rendered = render.len();
        report.total = manifest.paths.len();
        report.removed = remove.len();
        report.full = full.map(|r| r.to_string());
        report.snapshot = snapshot;
        report.rows_patched = rows_patched;
        report.elapsed = started.elapsed();
        Ok(report)
    }

    /// What changed since the build `old` describes, as an incremental build follows
    /// it, or why the build must render everything.
    fn changes(
        &self,
        store: &GraphStore,
        old: &Manifest,
        state: &StoreState,
    ) -> Result<Result<Changes, FullReason>, RenderError> {
        // An entity's label shows on the page of every claim naming it: too many pages
        // to follow, and rare (reference data).
        for (iri, digest) in &old.entities {
            if state.entities.get(iri) != Some(digest) {
                return Ok(Err(FullReason::EntityChanged(iri.clone())));
            }
        }
        let footprints = Footprints::new(store);
        let mut seeds: HashSet<String> = HashSet::new();
        let mut carried = BTreeMap::new();
        for (article, record) in &old.articles {
            if state.articles.get(article) == Some(&record.hash) {
                carried.insert(
                    article.clone(),
                    old.footprint(article).map(str::to_owned).collect(),
                );
            } else {
                seeds.extend(old.footprint(article).map(str::to_owned));
            }
        }
        for (article, hash) in &state.articles {
            if old.articles.get(article).map(|r| &r.hash) != Some(hash) {
                seeds.extend(footprints.article(article)?);
            }
        }
        let derived_changed = old
            .derived
            .iter()
            .filter(|(iri, digest)| state.derived.get(*iri) != Some(*digest))
            .map(|(iri, _)| iri)
            .chain(
                state
                    .derived
                    .iter()
                    .filter(|(iri, _)| !old.derived.contains_key(*iri))
                    .map(|(iri, _)| iri),
            );
        for iri in derived_changed {
            seeds.extend(footprints.stem_of(iri));
        }
        let dirty = footprints.widen(&seeds)?;
        Ok(Ok(Changes { dirty, carried }))
    }

    /// What an incremental build renders and removes after the build `old` describes,
    /// given the `changes` since.
    fn plan_incremental(
        &self,
        store: &GraphStore,
        old: &Manifest,
        changes: Changes,
        lists: &HashMap<String, u64>,
        paths: &[String],
        pending: &[String],
    ) -> Result<Plan, RenderError> {
        let Changes { dirty, carried } = changes;
        let before: HashSet<&str> = old.paths.iter().map(String::as_str).collect();
        let pending: HashSet<&str> = pending.iter().map(String::as_str).collect();
        let mut render: Vec<String> = Vec::new();
        let mut showing_dirty = HashMap::new();
        for p in paths {
            let changed = !before.contains(p.as_str())
                || pending.contains(p.as_str())
                || match PathRole::of(p) {
                    PathRole::Resource(stem) => dirty.contains(stem),
                    PathRole::EntityList(stem) => {
                        dirty.contains(stem)
                            && (lists.get(p) != old.lists.get(p)
                                || self.entity_page_shows(store, p, &dirty, &mut showing_dirty)?)
                    }
                    PathRole::List => {
                        lists.get(p) != old.lists.get(p)
                            || self.list_page_shows(store, p, &dirty)?
                    }
                    PathRole::Asset => false,
                    PathRole::Other => true,
                };
            if changed {
                render.push(p.clone());
            }
        }
        let now: HashSet<&str> = paths.iter().map(String::as_str).collect();
        let mut remove: Vec<String> = old
            .paths
            .iter()
            .map(String::as_str)
            .chain(pending.iter().copied())
            .filter(|p| !now.contains(p))
            .map(str::to_owned)
            .collect();
        remove.sort();
        remove.dedup();
        Ok(Plan {
            render,
            remove,
            carried,
        })
    }

    /// A digest of what each list page among `paths` shows (its rows and its pager), so
    /// an incremental build renders only the list pages whose entries or pager moved.
    /// The digest is of the rows, which are the same in both languages: no page's
    /// entries are made to tell whether it changed. The later pages of an entity that
    /// nothing changed since the last build (`carry`: its manifest and the stems the
    /// changes reach) keep the digests the last build recorded.
    fn list_digests(
        &self,
        store: &GraphStore,
        paths: &[String],
        carry: Option<(&Manifest, &HashSet<String>)>,
    ) -> Result<HashMap<String, u64>, RenderError> {
        use std::hash::{Hash, Hasher};
        let src = self.source(store);
        let mut digests = HashMap::new();
        let mut of_page: HashMap<&str, u64> = HashMap::new();
        for path in paths {
            let (_, inner) = Lang::of_path(path);
            match PathRole::of(path) {
                PathRole::List => {}
                PathRole::EntityList(stem) => {
                    let digest = match carry {
                        Some((old, dirty)) if !dirty.contains(stem) => old.lists.get(path).copied(),
                        _ => self
                            .entity_list_page(&src, inner)?
                            .and_then(|(paging, list, page, _)| paging.page_digest(list, page)),
                    };
                    digests.extend(digest.map(|d| (path.clone(), d)));
                    continue;
                }
                _ => continue,
            }
            let digest = match of_page.get(inner) {
                Some(digest) => *digest,
                None => {
                    let Some(page) = self.list_page(&src, inner)? else {
                        continue;
                    };
                    let mut hasher = std::collections::hash_map::DefaultHasher::new();
                    inner.hash(&mut hasher);
                    let pager = &page.pager;
                    pager.hash(&mut hasher);
                    index::rows_digest(&page.ordered.rows, page.picked(), &mut hasher);
                    let digest = hasher.finish();
                    of_page.insert(inner, digest);
                    digest
                }
            };
            digests.insert(path.clone(), digest);
        }
        Ok(digests)
    }

    /// The later page of an entity's claims or relations listing at `path` (a path within
    /// a language tree): the entity's paging, which of its lists, the page's index in it
    /// and the entity; `None` for any other path.
    fn entity_list_page(
        &self,
        src: &Source<'_>,
        path: &str,
    ) -> Result<Option<EntityListPage>, RenderError> {
        let (first, anchor) = paging::split_anchored_path(path);
        let Some(anchor) = anchor else {
            return Ok(None);
        };
        let (stem, list) = match first.strip_suffix(view::entity::RELATIONS_SUFFIX) {
            Some(stem) => (stem, view::entity::EntityList::Relations),
            None => match first.strip_suffix(".html") {
                Some(stem) => (stem, view::entity::EntityList::Claims),
                None => return Ok(None),
            },
        };
        if !is_safe_resource_path(stem) {
            return Ok(None);
        }
        let iri = self.iris.resolve(stem);
        let paging = self.entity_paging(src, &iri)?;
        Ok(paging
            .page_of(list, Some(&anchor))
            .map(|page| (paging, list, page, iri)))
    }

    /// Whether the later entity page `path` shows a claim among `dirty` (stems): a card
    /// shows more of its claim than the entity's claim index holds (its trail, its
    /// answers in their words). `found` keeps, per entity and list, the pages that do,
    /// so an entity's digest is read once for all its pages.
    fn entity_page_shows(
        &self,
        store: &GraphStore,
        path: &str,
        dirty: &HashSet<String>,
        found: &mut HashMap<(String, view::entity::EntityList), HashSet<usize>>,
    ) -> Result<bool, RenderError> {
        let src = self.source(store);
        let (_, inner) = Lang::of_path(path);
        let Some((_, list, page, iri)) = self.entity_list_page(&src, inner)? else {
            return Ok(false);
        };
        let key = (iri.as_str().to_owned(), list);
        if !found.contains_key(&key) {
            let digest = self.entity_digest(&src, &iri)?;
            let pages = digest.pages_showing(&src, list, |href| {
                href.strip_suffix(".html")
                    .is_some_and(|stem| dirty.contains(stem))
            });
            found.insert(key.clone(), pages.into_iter().collect());
        }
        Ok(found[&key].contains(&page))
    }

    /// Whether list page `path` shows a resource among `dirty` (stems): an entry may
    /// read more of its resource than the listing's rows hold (an article without a
    /// headline is named from its claims' sources).
    fn list_page_shows(
        &self,
        store: &GraphStore,
        path: &str,
        dirty: &HashSet<String>,
    ) -> Result<bool, RenderError> {
        let src = self.source(store);
        let (_, inner) = Lang::of_path(path);
        let Some(page) = self.list_page(&src, inner)? else {
            return Ok(false);
        };
        let rows = &page.ordered.rows;
        Ok(page.picked().iter().any(|&r| {
            rows.iri(r, page.listing.item())
                .and_then(|iri| view::page_path(src.iris, iri))
                .and_then(|href| href.strip_suffix(".html").map(|stem| dirty.contains(stem)))
                .unwrap_or(false)
        }))
    }

    /// Renders `paths` into `out` on a few threads.
    fn write_paths(
        &self,
        store: &GraphStore,
        out: &Path,
        paths: &[String],
    ) -> Result<BuildReport, RenderError> {
        // Pages render independently: a few workers take the next path until none is left.
        let next = AtomicUsize::new(0);
        let report = Mutex::new(BuildReport::default());
        let failure: Mutex<Option<RenderError>> = Mutex::new(None);
        let workers = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(8);
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= paths.len() || failure.lock().map(|f| f.is_some()).unwrap_or(true) {
                        break;
                    }
                    let path = &paths[i];
                    let result = self.write_one(store, out, path);
                    let mut report = report.lock().expect("report lock");
                    match result {
                        Ok(Some(sizes)) => {
                            report.files += sizes.len();
                            report.bytes += sizes.iter().sum::<u64>();
                            if path.ends_with(".html") {
                                report.pages += 1;
                            }
                        }
                        Ok(None) => report.skipped += 1,
                        Err(e) => {
                            *failure.lock().expect("failure lock") = Some(e);
                            break;
                        }
                    }
                });
            }
        });
        if let Some(e) = failure.into_inner().expect("failure lock") {
            return Err(e);
        }
        Ok(report.into_inner().expect("report lock"))
    }

    /// Writes the file(s) of one path; the sizes of what was written, `None` when nothing
    /// lives there. An entity's claims are queried once for both their files: the CSV's
    /// path writes the JSON beside it, and the JSON's own path writes nothing more.
    fn write_one(
        &self,
        store: &GraphStore,
        out: &Path,
        path: &str,
    ) -> Result<Option<Vec<u64>>, RenderError> {
        let [csv_ext, json_ext] = ENTITY_CLAIMS_EXTENSIONS;
        if path.ends_with(json_ext) {
            return Ok(Some(Vec::new()));
        }
        if let Some(stem) = path.strip_suffix(csv_ext) {
            let Some(outcome) = self.entity_claims_outcome(store, stem)? else {
                return Ok(None);
            };
            let mut sizes = Vec::new();
            for (ext, (format, _)) in ENTITY_CLAIMS_EXTENSIONS.iter().zip(ENTITY_CLAIMS_FORMATS) {
                let file = entity_claims_file(&outcome, format)?;
                sizes.push(write_file(out, &format!("{stem}{ext}"), &file.body)?);
            }
            return Ok(Some(sizes));
        }
        let Some(rendered) = self.render(store, path)? else {
            return Ok(None);
        };
        Ok(Some(vec![write_file(out, path, &rendered.body)?]))
    }
}

/// The title of a later page of list `title`, named by its first entry, as a
/// dictionary's page by its first word (its number would change whenever a page before it
/// splits): "Claims from “…”".
fn from_title(lang: Lang, title: &str, opening: &str) -> String {
    let opening = view::text::shorten(opening, TITLE_OPENING_CHARS);
    match lang {
        Lang::En => format!("{} from “{opening}”", lang.tr(title)),
        Lang::De => format!("{} ab „{opening}“", lang.tr(title)),
    }
}

/// The paths among `sorted` (a build's paths) of the later pages of claims and the
/// relations listing of the entity at `stem`.
fn later_entity_paths<'p>(sorted: &'p [String], stem: &str) -> impl Iterator<Item = &'p String> {
    let prefix = format!("{stem}.");
    let start = sorted.partition_point(|p| p.as_str() < prefix.as_str());
    let within = sorted[start..]
        .iter()
        .take_while(|p| p.starts_with(prefix.as_str()))
        .count();
    sorted[start..start + within].iter().filter(move |p| {
        let rest = &p[prefix.len()..];
        rest.starts_with("from-") || rest.starts_with("relations")
    })
}

/// Writes `body` to `out/path`, making its folders; its size.
fn write_file(out: &Path, path: &str, body: &[u8]) -> Result<u64, RenderError> {
    let Some(target) = output_path(out, path) else {
        return Err(RenderError::UnsafePath(path.to_owned()));
    };
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|source| RenderError::Io {
            path: parent.display().to_string(),
            source,
        })?;
    }
    std::fs::write(&target, body).map_err(|source| RenderError::Io {
        path: target.display().to_string(),
        source,
    })?;
    Ok(body.len() as u64)
}

/// Removes the file of `path` from `out` when it is there, and its folder when that
/// is left empty.
fn remove_output(out: &Path, path: &str) -> Result<(), RenderError> {
    let Some(target) = output_path(out, path) else {
        return Err(RenderError::UnsafePath(path.to_owned()));
    };
    match std::fs::remove_file(&target) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(source) => {
            return Err(RenderError::Io {
                path: target.display().to_string(),
                source,
            })
        }
    }
    if let Some(parent) = target.parent().filter(|p| *p != out) {
        // Fails while the folder holds anything, which is what it should do.
        let _ = std::fs::remove_dir(parent);
    }
    Ok(())
}

/// Whether site path `path` (an English one) also has a German page: every HTML page
/// but the search page, whose index and script are the English site's.
fn has_german_page(path: &str) -> bool {
    // The search and the SPARQL pages are in English only (their scripts and the query
    // language are).
    path.ends_with(".html") && path != "search.html" && path != "sparql.html"
}

/// `out/path` when every segment of `path` is a plain file name (no `..`, no absolute
/// path, nothing but ASCII letters, digits, `-`, `_` and `.`).
fn output_path(out: &Path, path: &str) -> Option<PathBuf> {
    let ok = !path.is_empty()
        && path.split('/').all(|s| {
            !s.is_empty()
                && s != "."
                && s != ".."
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        });
    ok.then(|| out.join(path))
}

/// Removes everything inside `dir` (not `dir` itself).
fn clean_folder(dir: &Path) -> Result<(), RenderError> {
    let io = |path: &Path, source| RenderError::Io {
        path: path.display().to_string(),
        source,
    };
    if dir.parent().is_none() {
        return Err(RenderError::BadOutput(
            dir.display().to_string(),
            "will not empty the file system root".into(),
        ));
    }
    for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let path = entry.map_err(|e| io(dir, e))?.path();
        let removed = if path.is_dir() && !path.is_symlink() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(|e| io(&path, e))?;
    }
    Ok(())
}

fn entity_claims_error(cause: catalog::CatalogError) -> RenderError {
    RenderError::Query {
        query: "entity-claims".into(),
        cause,
    }
}

/// An entity's claims (the outcome of `entity-claims`) as a CSV or SPARQL JSON file.
fn entity_claims_file(
    outcome: &catalog::Outcome,
    format: catalog::Format,
) -> Result<Rendered, RenderError> {
    let mut body = Vec::new();
    catalog::write_outcome(outcome, format, &mut body).map_err(entity_claims_error)?;
    let media_type = match format {
        catalog::Format::Csv => "text/csv; charset=utf-8",
        _ => {
            // `<`, `>` and `&` occur only inside JSON strings, where their escapes mean
            // the same: a file that a misconfigured host serves as HTML stays inert.
            body = String::from_utf8_lossy(&body)
                .replace('<', "\\u003c")
                .replace('>', "\\u003e")
                .replace('&', "\\u0026")
                .into_bytes();
            "application/sparql-results+json"
        }
    };
    Ok(Rendered { media_type, body })
}

/// The media type of a static asset, by its extension (licence and source notes of
/// bundled libraries are plain text).
fn asset_media_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_never_leave_the_folder() {
        let out = Path::new("/tmp/site");
        assert_eq!(
            output_path(out, "id/org/a.html"),
            Some(PathBuf::from("/tmp/site/id/org/a.html"))
        );
        assert_eq!(output_path(out, "../x.html"), None);
        assert_eq!(output_path(out, "/etc/passwd"), None);
        assert_eq!(output_path(out, "id//a.html"), None);
        assert_eq!(output_path(out, "id/a b.html"), None);
    }
}
