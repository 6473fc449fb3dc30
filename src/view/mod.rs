//! View models: typed, `Serialize` structs built from saved-query rows, the only thing
//! templates see.
//!
//! Every page's data comes from the catalog (`queries/page-*.rq` and the competency
//! queries), bound with parameters as RDF terms through [`Source::select`]. This module
//! holds what all views share: the query front ([`Source`]), row access ([`Rows`]), the
//! mapping from IRIs to site paths ([`page_path`]), links, dates and statuses. The page
//! views live in the submodules; the static site and the server both call them.

pub mod article;
pub mod cite;
pub mod claim;
pub mod diagram;
pub mod document;
pub mod entity;
pub mod index;
pub mod query_page;
pub mod search;
pub mod text;

use std::cell::RefCell;
use std::collections::HashMap;
use std::time::Duration;

use oxigraph::model::{NamedNode, Term};
use oxigraph::sparql::Variable;
use serde::Serialize;

use crate::catalog::{self, Catalog, CatalogError, Limits, Outcome, Table};
use crate::graph::Iris;
use crate::render::{status_class, RenderError};
use crate::store::GraphStore;

/// How long one page query may run, by default, before the page fails instead of
/// hanging (see [`crate::site::Site::with_query_timeout`]).
pub const PAGE_QUERY_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs the catalog's queries for one page render, with a small cache of article labels.
pub struct Source<'a> {
    pub store: &'a GraphStore,
    pub catalog: &'a Catalog,
    pub iris: &'a Iris,
    /// The time limit of each page query; `None` for none.
    timeout: Option<Duration>,
    article_labels: RefCell<HashMap<String, String>>,
}

impl<'a> Source<'a> {
    pub fn new(
        store: &'a GraphStore,
        catalog: &'a Catalog,
        iris: &'a Iris,
        timeout: Option<Duration>,
    ) -> Self {
        Source {
            store,
            catalog,
            iris,
            timeout,
            article_labels: RefCell::new(HashMap::new()),
        }
    }

    /// Runs saved query `name` with its declared parameters bound to RDF terms.
    pub fn select(&self, name: &str, params: &[(&str, Term)]) -> Result<Rows, RenderError> {
        let wrap = |cause: CatalogError| RenderError::Query {
            query: name.to_owned(),
            cause,
        };
        let query = self.catalog.get(name).map_err(wrap)?;
        for (param, _) in params {
            if !query.params.iter().any(|p| p.name == *param) {
                return Err(wrap(CatalogError::UnknownParam {
                    query: name.to_owned(),
                    param: (*param).to_owned(),
                    hint: String::new(),
                }));
            }
        }
        let bindings: Vec<(Variable, Term)> = params
            .iter()
            .map(|(p, t)| (Variable::new_unchecked(*p), t.clone()))
            .collect();
        let limits = Limits {
            timeout: self.timeout,
            max_rows: None,
        };
        match catalog::run(self.store, &query.text, &bindings, limits).map_err(wrap)? {
            Outcome::Table(table) => Ok(Rows { table }),
            _ => Err(wrap(CatalogError::Evaluation(
                "a page query must be a SELECT query".into(),
            ))),
        }
    }

    /// The label of an article: its headline, else the opening words of its text.
    pub fn article_label(&self, article: &str) -> Result<String, RenderError> {
        if let Some(label) = self.article_labels.borrow().get(article) {
            return Ok(label.clone());
        }
        let rows = self.select(
            "page-article-label",
            &[("article", NamedNode::new_unchecked(article).into())],
        )?;
        let label = match rows.first() {
            Some(r) => article_title(
                rows.str(r, "title"),
                rows.str(r, "opening"),
                rows.str(r, "slug"),
            ),
            None => self.iris.path_of(article).unwrap_or(article).to_owned(),
        };
        self.article_labels
            .borrow_mut()
            .insert(article.to_owned(), label.clone());
        Ok(label)
    }

    /// A link to any resource of ours, labelled with `label` (or the IRI's last segment).
    pub fn link(&self, iri: Option<&str>, label: Option<String>) -> Link {
        let href = iri.and_then(|i| page_path(self.iris, i));
        let label = label
            .filter(|l| !l.trim().is_empty())
            .unwrap_or_else(|| match iri {
                Some(i) => fallback_label(i),
                None => "unknown".to_owned(),
            });
        Link { href, label }
    }

    /// A link to an article, labelled with its title or opening words.
    pub fn article_link(&self, iri: &str, title: Option<String>) -> Result<Link, RenderError> {
        let label = match title.filter(|t| !t.trim().is_empty()) {
            Some(t) => t,
            None => self.article_label(iri)?,
        };
        Ok(Link {
            href: page_path(self.iris, iri),
            label,
        })
    }
}

/// A SELECT result with access by variable name.
pub struct Rows {
    table: Table,
}

impl Rows {
    pub fn len(&self) -> usize {
        self.table.rows.len()
    }
    pub fn is_empty(&self) -> bool {
        self.table.rows.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = usize> {
        0..self.table.rows.len()
    }
    pub fn first(&self) -> Option<usize> {
        (!self.is_empty()).then_some(0)
    }
    pub fn term(&self, row: usize, var: &str) -> Option<&Term> {
        let col = self.table.column(var)?;
        self.table.rows.get(row)?.get(col)?.as_ref()
    }
    /// The lexical value of a literal or the IRI of a named node.
    pub fn str(&self, row: usize, var: &str) -> Option<String> {
        match self.term(row, var)? {
            Term::Literal(l) => Some(l.value().to_owned()),
            Term::NamedNode(n) => Some(n.as_str().to_owned()),
            _ => None,
        }
    }
    /// The IRI of a named node cell.
    pub fn iri(&self, row: usize, var: &str) -> Option<&str> {
        match self.term(row, var)? {
            Term::NamedNode(n) => Some(n.as_str()),
            _ => None,
        }
    }
    /// The language tag of a literal cell.
    pub fn lang(&self, row: usize, var: &str) -> Option<String> {
        match self.term(row, var)? {
            Term::Literal(l) => l.language().map(str::to_owned),
            _ => None,
        }
    }
    pub fn int(&self, row: usize, var: &str) -> Option<i64> {
        self.str(row, var)?.parse().ok()
    }
    pub fn bool(&self, row: usize, var: &str) -> bool {
        self.str(row, var).is_some_and(|v| v == "true" || v == "1")
    }
}

/// A link in a page: `href` is relative to the site root (templates prefix it with the
/// page's `root`); `None` when the resource has no page (outside the base, unsafe path).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Link {
    pub href: Option<String>,
    pub label: String,
}

/// A derived claim status with its badge class.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub label: String,
    pub class: String,
}

impl Status {
    pub fn new(label: Option<String>) -> Self {
        let label = label.unwrap_or_else(|| "status not derived".to_owned());
        Status {
            class: status_class(&label),
            label,
        }
    }
}

/// A date as known: the shown text and the precision.
#[derive(Debug, Clone, Serialize, Default)]
pub struct DateView {
    pub display: String,
    pub precision: String,
    /// The date's own words in the article, when kept ("vom 1. November").
    pub words: Option<String>,
    /// An ISO value for `<time datetime>`, only for dates with a year.
    pub machine: Option<String>,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Shows a partial date as a reader says it, never completing it: "--11-01" is
/// "1 November (year not given)", "2025-11" is "November 2025".
pub fn date_view(
    value: Option<String>,
    text: Option<String>,
    precision: Option<String>,
) -> Option<DateView> {
    if value.is_none() && text.is_none() {
        return None;
    }
    let precision = precision.unwrap_or_else(|| "unknown".to_owned());
    let month = |m: &str| {
        m.parse::<usize>()
            .ok()
            .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
            .copied()
    };
    let (display, machine) = match value.as_deref() {
        Some(v) if v.starts_with("--") => {
            let parts: Vec<&str> = v.trim_start_matches("--").split('-').collect();
            let shown = match parts.as_slice() {
                [m, d] => format!(
                    "{} {} (year not given)",
                    d.trim_start_matches('0'),
                    month(m).unwrap_or(m)
                ),
                [m] => format!("{} (year not given)", month(m).unwrap_or(m)),
                _ => v.to_owned(),
            };
            (shown, None)
        }
        Some(v) => {
            let parts: Vec<&str> = v.split('-').collect();
            let shown = match parts.as_slice() {
                [y, m, d] => format!(
                    "{} {} {y}",
                    d.trim_start_matches('0'),
                    month(m).unwrap_or(m)
                ),
                [y, m] => format!("{} {y}", month(m).unwrap_or(m)),
                _ => v.to_owned(),
            };
            (shown, Some(v.to_owned()))
        }
        None => (format!("“{}”", text.clone().unwrap_or_default()), None),
    };
    let words = if value.is_some() { text } else { None };
    Some(DateView {
        display,
        precision,
        words,
        machine,
    })
}

/// The site path of the page of a resource of ours (`id/org/hikvision.html`, or
/// `id/article/a.html#publisher` for a fragment), when its IRI is under the base and
/// every segment is a safe file name.
pub fn page_path(iris: &Iris, iri: &str) -> Option<String> {
    let path = iris.path_of(iri)?;
    let (path, fragment) = match path.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (path, None),
    };
    if !is_safe_resource_path(path) {
        return None;
    }
    match fragment {
        None => Some(format!("{path}.html")),
        Some(f) if !f.is_empty() && f.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => {
            Some(format!("{path}.html#{f}"))
        }
        Some(_) => None,
    }
}

/// Whether `path` (without extension) names a page resource: `id/KIND/slug` or
/// `id/claim/article/claim`, each segment a slug (lowercase letters, digits, hyphens,
/// not starting with a hyphen), so it can never escape the output folder.
pub fn is_safe_resource_path(path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').collect();
    let slug = |s: &&str| {
        !s.is_empty()
            && s.len() <= 120
            && !s.starts_with('-')
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    match segments.as_slice() {
        ["id", "claim", a, c] => slug(a) && slug(c),
        ["id", kind, s] => *kind != "claim" && slug(kind) && slug(s),
        _ => false,
    }
}

/// The last path segment of an IRI, for resources without a label.
fn fallback_label(iri: &str) -> String {
    iri.rsplit(['/', '#'])
        .find(|s| !s.is_empty())
        .unwrap_or(iri)
        .replace('-', " ")
}

/// An article's title, or the opening words of its text, or its id.
pub fn article_title(
    title: Option<String>,
    opening: Option<String>,
    slug: Option<String>,
) -> String {
    if let Some(t) = title.filter(|t| !t.trim().is_empty()) {
        return t;
    }
    if let Some(o) = opening.filter(|o| !o.trim().is_empty()) {
        return opening_words(&o, 10);
    }
    slug.map(|s| format!("Article {s}"))
        .unwrap_or_else(|| "Untitled article".to_owned())
}

/// The first `n` words of a text, with an ellipsis when cut.
pub fn opening_words(text: &str, n: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= n {
        words.join(" ")
    } else {
        format!(
            "{} …",
            words[..n].join(" ").trim_end_matches([',', ';', ':', '.'])
        )
    }
}

/// A link to an external address, only for http(s); anything else is shown as text.
#[derive(Debug, Clone, Serialize)]
pub struct ExternalUrl {
    pub text: String,
    pub href: Option<String>,
}

pub fn external_url(url: Option<String>) -> Option<ExternalUrl> {
    let url = url?;
    let lower = url.trim().to_ascii_lowercase();
    let linkable = (lower.starts_with("http://") || lower.starts_with("https://"))
        && !url.chars().any(char::is_whitespace);
    Some(ExternalUrl {
        href: linkable.then(|| url.clone()),
        text: url,
    })
}

/// The relative prefix from a page at `path` back to the site root ("../../").
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_are_never_completed() {
        let d = date_view(
            Some("--11-01".into()),
            Some("vom 1. November".into()),
            Some("day (year unknown)".into()),
        )
        .unwrap();
        assert_eq!(d.display, "1 November (year not given)");
        assert_eq!(d.machine, None);
        assert_eq!(d.words.as_deref(), Some("vom 1. November"));
        assert_eq!(
            date_view(Some("2025-11".into()), None, None)
                .unwrap()
                .display,
            "November 2025"
        );
        assert_eq!(
            date_view(None, Some("am Freitag".into()), None)
                .unwrap()
                .display,
            "“am Freitag”"
        );
        assert!(date_view(None, None, None).is_none());
    }

    #[test]
    fn only_safe_paths_under_the_base_get_pages() {
        let iris = Iris::new("https://ex.org/").unwrap();
        assert_eq!(
            page_path(&iris, "https://ex.org/id/org/acme").as_deref(),
            Some("id/org/acme.html")
        );
        assert_eq!(
            page_path(&iris, "https://ex.org/id/claim/a/b").as_deref(),
            Some("id/claim/a/b.html")
        );
        assert_eq!(
            page_path(&iris, "https://ex.org/id/article/a#publisher").as_deref(),
            Some("id/article/a.html#publisher")
        );
        assert_eq!(page_path(&iris, "https://ex.org/id/org/../../etc"), None);
        assert_eq!(page_path(&iris, "https://ex.org/id/org/A%2F"), None);
        assert_eq!(page_path(&iris, "https://other.org/id/org/acme"), None);
        assert_eq!(page_path(&iris, "https://ex.org/id/org/acme#x\"y"), None);
    }

    #[test]
    fn only_web_addresses_become_links() {
        assert!(external_url(Some("javascript:alert(1)".into()))
            .unwrap()
            .href
            .is_none());
        assert!(external_url(Some(" JavaScript:alert(1)".into()))
            .unwrap()
            .href
            .is_none());
        assert_eq!(
            external_url(Some("https://a.org/x".into()))
                .unwrap()
                .href
                .as_deref(),
            Some("https://a.org/x")
        );
    }

    #[test]
    fn untitled_articles_get_their_opening_words() {
        let t = article_title(
            None,
            Some("Eins zwei drei vier fünf sechs sieben acht neun zehn elf".into()),
            None,
        );
        assert_eq!(t, "Eins zwei drei vier fünf sechs sieben acht neun zehn …");
        assert_eq!(root_of("id/claim/a/b.html"), "../../../");
        assert_eq!(root_of("index.html"), "");
    }
}
