//! The index views: the home page, one list per kind of resource, and the saved
//! queries with their results. The lists also tell the site which pages exist (and
//! feed the search index, [`super::search`]).
//!
//! Data: `page-counts`, `page-entities`, `page-articles`, `page-claims`,
//! `page-documents`, `page-entity-claim-counts` (how many pages each entity has), and
//! every competency query of the catalog (run with its example parameters for the
//! queries page).

use std::collections::HashMap;
use std::time::Duration;

use oxigraph::model::Term;
use serde::Serialize;

use super::{page_path, DateView, Link, Rows, Source, Status};
use crate::publish::render::RenderError;
use crate::read::catalog::{self, Limits, Outcome, Table};

/// The entity list pages: file, title, and the entity kinds each holds.
pub const ENTITY_LISTS: &[(&str, &str, &[&str])] = &[
    ("companies.html", "Companies", &["company"]),
    (
        "government-bodies.html",
        "Government bodies",
        &["government"],
    ),
    ("people.html", "People", &["person"]),
    (
        "other-entities.html",
        "Organisations, places, lists and groups",
        &["organization", "group", "country", "place", "list"],
    ),
];

/// How many rows of each saved query the queries page shows.
const QUERY_PAGE_ROWS: usize = 50;

/// The four lists the site pages, each read by its saved query (`page-NAME`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    Entities,
    Articles,
    Documents,
    Claims,
}

/// One value of a listing's sort key, in the direction its saved query orders it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum KeyPart {
    /// Ascending; unbound sorts first, as SPARQL's ORDER BY puts it.
    Up(Option<String>),
    /// Descending (`DESC(...)`); unbound sorts last.
    Down(std::cmp::Reverse<Option<String>>),
}

impl Listing {
    pub const ALL: [Listing; 4] = [
        Listing::Entities,
        Listing::Articles,
        Listing::Documents,
        Listing::Claims,
    ];

    /// The saved query the listing's rows come from.
    pub fn query(self) -> &'static str {
        match self {
            Listing::Entities => "page-entities",
            Listing::Articles => "page-articles",
            Listing::Documents => "page-documents",
            Listing::Claims => "page-claims",
        }
    }

    /// The variable holding a row's resource.
    pub fn item(self) -> &'static str {
        match self {
            Listing::Entities => "entity",
            Listing::Articles => "article",
            Listing::Documents => "document",
            Listing::Claims => "claim",
        }
    }

    /// What names a page of the listing that the resource with page stem `stem`
    /// (`id/claim/a/c1`) opens ([`super::paging::anchored_path`]): the stem after its
    /// kind, segments joined by a dot (`a.c1`; slugs hold no dots, so no two resources
    /// share an anchor); an entity's with its kind (`org.acme`), since one entity list
    /// holds several kinds.
    pub fn anchor(self, stem: &str) -> String {
        let within = stem.strip_prefix("id/").unwrap_or(stem);
        let within = match self {
            Listing::Entities => within,
            _ => within.split_once('/').map_or(within, |(_, rest)| rest),
        };
        within.replace('/', ".")
    }

    /// The sort key of row `r` of the listing's saved query, the query's ORDER BY
    /// spelled out: `page-entities` orders by `?kind LCASE(STR(?label)) ?slug`,
    /// `page-articles` by `DESC(?sortKey) ?slug`, `page-documents` by
    /// `LCASE(STR(?title)) ?slug`, `page-claims` by `?slug`.
    fn key(self, rows: &Rows, r: usize) -> Vec<KeyPart> {
        let up = |var: &str| KeyPart::Up(rows.str(r, var));
        let lower = |var: &str| KeyPart::Up(rows.str(r, var).map(|v| v.to_lowercase()));
        match self {
            Listing::Entities => vec![up("kind"), lower("label"), up("slug")],
            Listing::Articles => vec![
                KeyPart::Down(std::cmp::Reverse(rows.str(r, "sortKey"))),
                up("slug"),
            ],
            Listing::Documents => vec![lower("title"), up("slug")],
            Listing::Claims => vec![up("slug")],
        }
    }
}

/// The rows of a listing's saved query in the order the query asks for, sorted here
/// rather than taken as the engine returns them: a server engine may order the same
/// rows otherwise (Virtuoso 7.2 does for two entity lists), and the list pages and the
/// search index's numbering must not depend on the engine. Strings compare by code
/// point, as SPARQL compares simple literals; ties keep the engine's order. Rows
/// without a resource are left out (no entry is made of them).
pub fn listing_order(rows: &Rows, listing: Listing) -> Vec<usize> {
    let mut order: Vec<(Vec<KeyPart>, usize)> = rows
        .iter()
        .filter(|&r| rows.iri(r, listing.item()).is_some())
        .map(|r| (listing.key(rows, r), r))
        .collect();
    order.sort_by(|a, b| a.0.cmp(&b.0));
    order.into_iter().map(|(_, r)| r).collect()
}

/// `kept`, rows of `listing`'s saved query, with the rows of the resources `replaced`
/// taken out and `fresh` (their rows now, the query's columns) put in, in list order:
/// the rows a full reading gives (a resource's key is unique, so the order is too);
/// `None` when `kept` holds other columns than the query's.
pub fn merge_listing_rows(
    listing: Listing,
    kept: &Table,
    replaced: &std::collections::HashSet<Term>,
    fresh: Vec<Vec<Option<Term>>>,
) -> Option<Table> {
    let item = kept.column(listing.item())?;
    if fresh.iter().any(|row| row.len() != kept.variables.len()) {
        return None;
    }
    let mut rows: Vec<Vec<Option<Term>>> = kept
        .rows
        .iter()
        .filter(|row| !row[item].as_ref().is_some_and(|t| replaced.contains(t)))
        .cloned()
        .collect();
    rows.extend(fresh);
    let merged = Rows::from_table(Table {
        variables: kept.variables.clone(),
        rows,
    });
    let order = listing_order(&merged, listing);
    let mut table = merged.into_table();
    let mut slots: Vec<Option<Vec<Option<Term>>>> = table.rows.drain(..).map(Some).collect();
    table.rows = order.into_iter().filter_map(|r| slots[r].take()).collect();
    Some(table)
}

/// Feeds every cell of rows `picked` of `rows` to `hasher`: what tells whether a list
/// page shows the same rows as when it was last rendered.
pub fn rows_digest(rows: &Rows, picked: &[usize], hasher: &mut impl std::hash::Hasher) {
    use std::hash::Hash;
    for &r in picked {
        rows.table.rows.get(r).hash(hasher);
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct EntityEntry {
    pub iri: String,
    pub href: Option<String>,
    pub label: String,
    pub label_de: Option<String>,
    pub kind: String,
    pub aliases: Option<String>,
    pub claims: i64,
}

/// The entries of rows `picked` (in that order) of `rows`, the rows of `page-entities`
/// (the same in every language: a site reads them once for both and turns into entries
/// only the rows a page shows).
pub fn entities(
    src: &Source<'_>,
    rows: &Rows,
    picked: &[usize],
) -> Result<Vec<EntityEntry>, RenderError> {
    Ok(picked
        .iter()
        .filter_map(|&r| {
            let iri = rows.iri(r, "entity")?.to_owned();
            let slug = rows.str(r, "slug").unwrap_or_default();
            Some(EntityEntry {
                href: page_path(src.iris, &iri),
                label: rows
                    .str(r, "label")
                    .or_else(|| rows.str(r, "labelDe"))
                    .unwrap_or(slug),
                label_de: rows.str(r, "labelDe"),
                kind: rows.str(r, "kind").unwrap_or_default(),
                aliases: rows.str(r, "aliases"),
                claims: rows.int(r, "claims").unwrap_or(0),
                iri,
            })
        })
        .collect())
}

/// How many claim cards each entity's pages hold (by entity IRI; entities without
/// claims are left out), as [`super::entity::entity_page`] counts them: the site derives
/// from it how many pages each entity has.
pub fn entity_card_counts(src: &Source<'_>) -> Result<HashMap<String, usize>, RenderError> {
    counts_by_entity(src, "page-entity-claim-counts", "cards")
}

/// A saved query's `?entity` rows as a map from the entity's IRI to its `column` count.
pub(super) fn counts_by_entity(
    src: &Source<'_>,
    query: &str,
    column: &str,
) -> Result<HashMap<String, usize>, RenderError> {
    let rows = src.select(query, &[])?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let count = usize::try_from(rows.int(r, column)?).ok()?;
            Some((rows.iri(r, "entity")?.to_owned(), count))
        })
        .collect())
}

#[derive(Debug, Clone, Serialize)]
pub struct ArticleEntry {
    pub iri: String,
    pub href: Option<String>,
    /// The headline, or a neutral description of the article when it has none.
    pub title: String,
    /// Whether `title` is the article's own headline (in the article's language).
    pub has_headline: bool,
    pub language: Option<String>,
    pub publisher: Option<String>,
    pub date: Option<DateView>,
    pub claims: i64,
}

/// The entries of rows `picked` (in that order) of `rows`, the rows of `page-articles`
/// (see [`entities`]).
pub fn articles(
    src: &Source<'_>,
    rows: &Rows,
    picked: &[usize],
) -> Result<Vec<ArticleEntry>, RenderError> {
    let mut out = Vec::new();
    for &r in picked {
        let Some(iri) = rows.iri(r, "article") else {
            continue;
        };
        let headline = rows.str(r, "title").filter(|t| !t.trim().is_empty());
        out.push(ArticleEntry {
            href: page_path(src.iris, iri),
            has_headline: headline.is_some(),
            title: match headline {
                Some(t) => t,
                None => src.article_label(iri)?,
            },
            language: rows.str(r, "language"),
            publisher: rows.str(r, "publisherLabel"),
            date: src.date(rows.str(r, "date"), None, rows.str(r, "datePrecision"))?,
            claims: rows.int(r, "claims").unwrap_or(0),
            iri: iri.to_owned(),
        });
    }
    Ok(out)
}

#[derive(Debug, Clone, Serialize)]
pub struct ClaimEntry {
    pub iri: String,
    pub href: Option<String>,
    pub kind: String,
    pub statement: String,
    pub claimant: String,
    /// `None` for a response nobody answered.
    pub status: Option<Status>,
}

/// The entries of rows `picked` (in that order) of `rows`, the rows of `page-claims`
/// (see [`entities`]).
pub fn claims(
    src: &Source<'_>,
    rows: &Rows,
    picked: &[usize],
) -> Result<Vec<ClaimEntry>, RenderError> {
    let mut out = Vec::new();
    for &r in picked {
        let Some(iri) = rows.iri(r, "claim") else {
            continue;
        };
        let kind = src.kind(&rows.str(r, "kind").unwrap_or_default())?;
        out.push(ClaimEntry {
            href: page_path(src.iris, iri),
            status: src.status(rows.str(r, "status").as_deref(), &kind, &[])?,
            kind: kind.label,
            statement: rows.str(r, "statement").unwrap_or_default(),
            claimant: rows
                .iri(r, "claimant")
                .map(|c| src.link(Some(c), rows.str(r, "claimantLabel")).label)
                .or_else(|| rows.str(r, "claimantLabel"))
                .unwrap_or_else(|| src.lang.tr("unidentified").into()),
            iri: iri.to_owned(),
        });
    }
    Ok(out)
}

#[derive(Debug, Clone, Serialize)]
pub struct DocumentEntry {
    pub iri: String,
    pub href: Option<String>,
    pub title: String,
    pub kind: Option<String>,
    pub author: Option<String>,
    pub date: Option<DateView>,
    pub claims: i64,
}

/// The entries of rows `picked` (in that order) of `rows`, the rows of `page-documents`
/// (see [`entities`]).
pub fn documents(
    src: &Source<'_>,
    rows: &Rows,
    picked: &[usize],
) -> Result<Vec<DocumentEntry>, RenderError> {
    Ok(picked
        .iter()
        .filter_map(|&r| {
            let iri = rows.iri(r, "document")?.to_owned();
            let slug = rows.str(r, "slug").unwrap_or_default();
            Some(DocumentEntry {
                href: page_path(src.iris, &iri),
                title: rows
                    .str(r, "title")
                    .unwrap_or_else(|| format!("Document {slug}")),
                kind: rows.str(r, "kind").map(|k| src.term_label(&k).unwrap_or(k)),
                author: rows.str(r, "authorLabel"),
                date: super::date_view(
                    src.lang,
                    rows.str(r, "date"),
                    rows.str(r, "dateText"),
                    None,
                ),
                claims: rows.int(r, "claims").unwrap_or(0),
                iri,
            })
        })
        .collect())
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Counts {
    pub entities: i64,
    pub articles: i64,
    pub documents: i64,
    pub claims: i64,
    pub responses: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct HomePage {
    pub counts: Counts,
    pub recent: Vec<ArticleEntry>,
    pub lists: Vec<ListLink>,
    pub questions: Vec<QuerySummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ListLink {
    pub href: String,
    pub title: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuerySummary {
    pub name: String,
    pub title: String,
    pub question: Option<u32>,
}

/// The home page, from the counts, the newest articles (`recent`) and how many
/// entities each of [`ENTITY_LISTS`] holds (`list_counts`, in that order).
pub fn home(
    src: &Source<'_>,
    recent: Vec<ArticleEntry>,
    list_counts: &[usize],
) -> Result<HomePage, RenderError> {
    let rows = src.select("page-counts", &[])?;
    let counts = match rows.first() {
        Some(r) => Counts {
            entities: rows.int(r, "entities").unwrap_or(0),
            articles: rows.int(r, "articles").unwrap_or(0),
            documents: rows.int(r, "documents").unwrap_or(0),
            claims: rows.int(r, "claims").unwrap_or(0),
            responses: rows.int(r, "responses").unwrap_or(0),
        },
        None => Counts::default(),
    };
    let lists = ENTITY_LISTS
        .iter()
        .zip(list_counts)
        .map(|((file, title, _), count)| ListLink {
            href: (*file).to_owned(),
            title: src.lang.tr(title).to_owned(),
            count: *count,
        })
        .collect();
    let questions = src
        .catalog
        .competency()
        .into_iter()
        .map(|q| QuerySummary {
            name: q.name.clone(),
            title: q.title.clone(),
            question: q.question,
        })
        .collect();
    Ok(HomePage {
        counts,
        recent,
        lists,
        questions,
    })
}

/// One saved query with its example run, for the queries page.
#[derive(Debug, Clone, Serialize)]
pub struct QueryView {
    pub name: String,
    pub title: String,
    pub description: String,
    pub question: Option<u32>,
    pub params: Vec<ParamView>,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Link>>,
    /// Rows the query gave, or the rows shown when it gave more (`more`).
    pub total: usize,
    /// Whether the query gives more rows than the page shows.
    pub more: bool,
    pub error: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ParamView {
    pub name: String,
    pub kind: String,
    pub description: String,
    pub example: Option<String>,
}

/// The example run of each competency query, in catalog order: its first
/// [`QUERY_PAGE_ROWS`] rows and one more (which tells that there are more), or why it
/// failed. Only the rows the page shows are read, through the same paged, streaming
/// path as `claimgraph query --limit` (a report's keyset, see
/// [`crate::read::keyset`]), so the page costs what it shows, not every row of every
/// report. The queries page of both languages shows the same runs: a site runs them
/// once and hands them to [`queries`] for each language.
pub fn query_runs(src: &Source<'_>) -> Vec<Result<Outcome, String>> {
    src.catalog
        .competency()
        .into_iter()
        .map(|q| first_rows(src, q).map_err(|e| e.to_string()))
        .collect()
}

/// The first rows of `query` run with its example parameters (a table; any other
/// outcome as it comes).
fn first_rows(src: &Source<'_>, query: &catalog::SavedQuery) -> Result<Outcome, String> {
    let limits = Limits {
        timeout: Some(Duration::from_secs(30)),
        max_rows: None,
    };
    let raw: Vec<(String, String)> = query
        .examples
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let page = catalog::Page {
        offset: 0,
        limit: Some(QUERY_PAGE_ROWS + 1),
    };
    let mut json = Vec::new();
    catalog::stream_saved(
        src.store,
        query,
        &raw,
        limits,
        page,
        catalog::Format::Json,
        &mut json,
    )
    .map_err(|e| e.to_string())?;
    // Read back what the streaming path wrote: at most a page of rows.
    catalog::outcome_from_json(&json)
}

/// The queries page: each competency query with the first rows of its run in `runs`
/// (as [`query_runs`] gives them).
pub fn queries(
    src: &Source<'_>,
    runs: &[Result<Outcome, String>],
) -> Result<Vec<QueryView>, RenderError> {
    let mut out = Vec::new();
    for (q, run) in src.catalog.competency().into_iter().zip(runs) {
        let (mut columns, mut rows, mut total, mut error) = (Vec::new(), Vec::new(), 0, None);
        let mut more = false;
        match run {
            Ok(Outcome::Table(t)) => {
                total = t.rows.len().min(QUERY_PAGE_ROWS);
                more = t.rows.len() > QUERY_PAGE_ROWS;
                // IRI columns whose label sits in another column are shown as that label's link.
                columns = t.variables.clone();
                for row in t.rows.iter().take(QUERY_PAGE_ROWS) {
                    rows.push(
                        row.iter()
                            .map(|cell| cell_link(src, cell.as_ref()))
                            .collect::<Result<Vec<_>, _>>()?,
                    );
                }
            }
            Ok(_) => error = Some("this query does not return a table".into()),
            Err(e) => error = Some(e.clone()),
        }
        out.push(QueryView {
            name: q.name.clone(),
            title: q.title.clone(),
            description: q.description.clone(),
            question: q.question,
            params: q
                .params
                .iter()
                .map(|p| ParamView {
                    name: p.name.clone(),
                    kind: p.kind.as_str().to_owned(),
                    description: p.description.clone(),
                    example: q.examples.get(&p.name).cloned(),
                })
                .collect(),
            columns,
            rows,
            total,
            more,
            error,
            text: q.text.clone(),
        });
    }
    Ok(out)
}

/// A result cell as a reader sees it: a resource of ours (also when a query gives its
/// IRI as a string) by its label and page, anything else as its value.
fn cell_link(src: &Source<'_>, cell: Option<&Term>) -> Result<Link, RenderError> {
    let iri = match cell {
        Some(Term::NamedNode(n)) => Some(n.as_str()),
        Some(Term::Literal(l)) if src.iris.path_of(l.value()).is_some() => Some(l.value()),
        _ => None,
    };
    match (iri, cell) {
        (Some(iri), _)
            if src
                .iris
                .path_of(iri)
                .is_some_and(|p| p.starts_with("id/article/")) =>
        {
            src.article_link(iri, None)
        }
        (Some(iri), _) => Ok(src.link(Some(iri), None)),
        (None, Some(other)) => Ok(Link {
            href: None,
            label: catalog::display_term(other),
        }),
        (None, None) => Ok(Link {
            href: None,
            label: String::new(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::catalog::Table;
    use oxigraph::model::{Literal, NamedNode};

    /// Rows of `listing`'s query: `variables` (the first one `slug`), each cell a simple
    /// literal or unbound (`None`), and the resource, named after the slug.
    fn rows(listing: Listing, variables: &[&str], cells: &[&[Option<&str>]]) -> Rows {
        let mut names: Vec<String> = variables.iter().map(|v| (*v).to_owned()).collect();
        names.push(listing.item().to_owned());
        Rows {
            table: Table {
                variables: names,
                rows: cells
                    .iter()
                    .map(|row| {
                        let mut out: Vec<Option<Term>> = row
                            .iter()
                            .map(|c| c.map(|v| Term::from(Literal::new_simple_literal(v))))
                            .collect();
                        let iri = format!("https://claimgraph.example/id/x/{}", row[0].unwrap());
                        out.push(Some(NamedNode::new_unchecked(iri).into()));
                        out
                    })
                    .collect(),
            },
        }
    }

    fn slugs(rows: &Rows, listing: Listing) -> Vec<String> {
        listing_order(rows, listing)
            .into_iter()
            .map(|r| rows.str(r, "slug").unwrap())
            .collect()
    }

    #[test]
    fn listings_are_sorted_by_their_saved_querys_key_whatever_order_the_engine_returns() {
        // page-entities: ?kind LCASE(STR(?label)) ?slug; an unlabelled entity first.
        let entities = rows(
            Listing::Entities,
            &["slug", "kind", "label"],
            &[
                &[Some("zte"), Some("company"), Some("ZTE")],
                &[Some("bis"), Some("government"), Some("Bureau of Industry")],
                &[Some("acme"), Some("company"), Some("acme")],
                &[Some("nolabel"), Some("company"), None],
                &[Some("acme-2"), Some("company"), Some("Acme")],
                &[Some("amt"), Some("government"), Some("Ämter")],
            ],
        );
        assert_eq!(
            slugs(&entities, Listing::Entities),
            ["nolabel", "acme", "acme-2", "zte", "bis", "amt"]
        );
        // Whatever order the rows come in, the same list.
        let reversed = Rows {
            table: Table {
                variables: entities.table.variables.clone(),
                rows: entities.table.rows.iter().rev().cloned().collect(),
            },
        };
        assert_eq!(
            slugs(&reversed, Listing::Entities),
            slugs(&entities, Listing::Entities)
        );
        // page-articles: DESC(?sortKey) ?slug, the undated ("") last.
        let articles = rows(
            Listing::Articles,
            &["slug", "sortKey"],
            &[
                &[Some("b"), Some("")],
                &[Some("c"), Some("2024-05")],
                &[Some("a"), Some("2024-05")],
                &[Some("d"), Some("2025-01-02")],
            ],
        );
        assert_eq!(slugs(&articles, Listing::Articles), ["d", "a", "c", "b"]);
        // page-documents: LCASE(STR(?title)) ?slug, the untitled first.
        let documents = rows(
            Listing::Documents,
            &["slug", "title"],
            &[
                &[Some("m"), Some("memo")],
                &[Some("r"), Some("Report")],
                &[Some("x"), None],
                &[Some("a"), Some("Memo")],
            ],
        );
        assert_eq!(slugs(&documents, Listing::Documents), ["x", "a", "m", "r"]);
        // page-claims: ?slug.
        let claims = rows(
            Listing::Claims,
            &["slug"],
            &[&[Some("b/2")], &[Some("a/1")], &[Some("b/10")]],
        );
        assert_eq!(slugs(&claims, Listing::Claims), ["a/1", "b/10", "b/2"]);
        // A row without its resource makes no entry, so it takes no place in the list.
        let mut unnamed = rows(
            Listing::Claims,
            &["slug"],
            &[&[Some("a/0")], &[Some("a/1")]],
        );
        unnamed.table.rows[0][1] = None;
        assert_eq!(slugs(&unnamed, Listing::Claims), ["a/1"]);
    }

    /// [`Listing::key`] spells out each listing query's ORDER BY: on the seed data the
    /// embedded store's own order of each query's rows is the order it gives, so a
    /// changed ORDER BY in queries/ that the key does not follow fails here.
    #[test]
    fn each_listing_key_orders_as_its_saved_query_does_on_the_seed_data() {
        use crate::model::graph::{Iris, DEFAULT_BASE};
        use crate::read::catalog::{Catalog, Limits, Outcome};
        use crate::store::GraphStore;

        let store = GraphStore::in_memory(Iris::new(DEFAULT_BASE).unwrap()).unwrap();
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let summary = crate::write::import::import_paths(&store, &[data], &|_, _| {}).unwrap();
        assert!(summary.ok(), "{:?}", summary.failures);
        let catalog = Catalog::bundled();
        for listing in Listing::ALL {
            let text = &catalog.get(listing.query()).unwrap().text;
            let Outcome::Table(table) =
                crate::read::catalog::run(&store, text, &[], Limits::default()).unwrap()
            else {
                panic!("{} is not a SELECT query", listing.query());
            };
            let rows = Rows { table };
            let as_queried: Vec<usize> = rows
                .iter()
                .filter(|&r| rows.iri(r, listing.item()).is_some())
                .collect();
            assert!(as_queried.len() > 1, "{listing:?}: too few rows to order");
            assert_eq!(listing_order(&rows, listing), as_queried, "{listing:?}");
        }
    }
}
