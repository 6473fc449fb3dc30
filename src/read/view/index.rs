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
use crate::read::catalog::{self, Limits, Outcome};

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

/// The list's entries from `rows`, the rows of `page-entities` (the same in every language:
/// a site reads them once for both).
pub fn entities(src: &Source<'_>, rows: &Rows) -> Result<Vec<EntityEntry>, RenderError> {
    Ok(rows
        .iter()
        .filter_map(|r| {
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

/// The list's entries from `rows`, the rows of `page-articles` (the same in every language:
/// a site reads them once for both).
pub fn articles(src: &Source<'_>, rows: &Rows) -> Result<Vec<ArticleEntry>, RenderError> {
    let mut out = Vec::new();
    for r in rows.iter() {
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

/// The list's entries from `rows`, the rows of `page-claims` (the same in every language:
/// a site reads them once for both).
pub fn claims(src: &Source<'_>, rows: &Rows) -> Result<Vec<ClaimEntry>, RenderError> {
    let mut out = Vec::new();
    for r in rows.iter() {
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

/// The list's entries from `rows`, the rows of `page-documents` (the same in every language:
/// a site reads them once for both).
pub fn documents(src: &Source<'_>, rows: &Rows) -> Result<Vec<DocumentEntry>, RenderError> {
    Ok(rows
        .iter()
        .filter_map(|r| {
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

/// The home page, from the counts and the lists of articles (newest first) and
/// entities.
pub fn home(
    src: &Source<'_>,
    articles: &[ArticleEntry],
    entities: &[EntityEntry],
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
    let recent = articles.iter().take(10).cloned().collect();
    let all = entities;
    let lists = ENTITY_LISTS
        .iter()
        .map(|(file, title, kinds)| ListLink {
            href: (*file).to_owned(),
            title: src.lang.tr(title).to_owned(),
            count: all
                .iter()
                .filter(|e| kinds.contains(&e.kind.as_str()))
                .count(),
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
