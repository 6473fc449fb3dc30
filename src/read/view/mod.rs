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
pub mod lang;
pub mod paging;
pub mod query_page;
pub mod search;
pub mod status;
pub mod text;

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use oxigraph::model::{NamedNode, Term};
use oxigraph::sparql::Variable;
use serde::Serialize;

use crate::model::graph::Iris;
use crate::publish::render::RenderError;
use crate::read::catalog::{self, Catalog, CatalogError, Limits, Outcome, Table};
use crate::read::model::{self, Schema};
use crate::read::snapshot::GraphSnapshot;
use crate::store::GraphStore;
use lang::Lang;
pub use status::{Answer, Status};

/// How long one page query may run, by default, before the page fails instead of
/// hanging (see [`crate::publish::site::Site::with_query_timeout`]).
pub const PAGE_QUERY_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs the catalog's queries for one page render in one interface language, with small
/// caches of article labels, German labels and the ontology's vocabulary.
pub struct Source<'a> {
    pub store: &'a GraphStore,
    pub catalog: &'a Catalog,
    pub iris: &'a Iris,
    /// The page's interface language.
    pub lang: Lang,
    /// The time limit of each page query; `None` for none.
    timeout: Option<Duration>,
    article_labels: RefCell<HashMap<String, String>>,
    german_labels: RefCell<HashMap<String, Option<String>>>,
    /// Every German label of the store, read once for many pages (a build, a server
    /// between imports), so German pages need no label query per link.
    all_german_labels: Option<Arc<HashMap<String, String>>>,
    /// The most items a page of a list shows.
    pub page_size: usize,
    /// Shared by every render of one site: the ontology is bundled with the binary, so
    /// its terms cannot change while it runs.
    vocabulary: &'a OnceLock<Vocabulary>,
    no_vocabulary: OnceCell<Vocabulary>,
    /// What this page's read-model queries have read of the store.
    facts: model::Facts<'a>,
}

/// One term of the ontology (a kind of claim, a status, a relation, a link between
/// documents) with its labels.
#[derive(Debug, Clone, Default)]
pub struct OntologyTerm {
    pub iri: String,
    pub label_en: String,
    pub label_de: Option<String>,
    pub is_response: bool,
}

/// The ontology's terms, found by IRI or by English label (what page queries return).
#[derive(Debug, Default)]
pub struct Vocabulary {
    terms: Vec<OntologyTerm>,
    /// The class and property hierarchy the read model's page queries follow.
    schema: Schema,
}

impl Vocabulary {
    pub fn by_label(&self, english: &str) -> Option<&OntologyTerm> {
        self.terms.iter().find(|t| t.label_en == english)
    }
    pub fn by_iri(&self, iri: &str) -> Option<&OntologyTerm> {
        self.terms.iter().find(|t| t.iri == iri)
    }
}

/// A kind of claim as a page shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct KindView {
    /// The word in the page's language ("allegation", "Vorwurf").
    pub label: String,
    /// The class's local name ("Allegation").
    pub key: String,
    pub is_response: bool,
}

impl<'a> Source<'a> {
    pub fn new(
        store: &'a GraphStore,
        catalog: &'a Catalog,
        iris: &'a Iris,
        timeout: Option<Duration>,
        vocabulary: &'a OnceLock<Vocabulary>,
    ) -> Self {
        Source {
            store,
            catalog,
            iris,
            lang: Lang::En,
            timeout,
            article_labels: RefCell::new(HashMap::new()),
            german_labels: RefCell::new(HashMap::new()),
            all_german_labels: None,
            page_size: paging::PAGE_SIZE,
            vocabulary,
            no_vocabulary: OnceCell::new(),
            facts: model::Facts::new(store),
        }
    }

    /// The same source with every German label of the store at hand (see
    /// [`german_labels`]).
    pub fn with_german_labels(mut self, labels: Arc<HashMap<String, String>>) -> Self {
        self.all_german_labels = Some(labels);
        self
    }

    /// The same source reading the page read model's facts from `snapshot`, a copy of
    /// the store's default graph (a build that renders every page).
    pub fn with_snapshot(mut self, snapshot: Option<Arc<GraphSnapshot>>) -> Self {
        if let Some(snapshot) = snapshot {
            self.facts = model::Facts::new(self.store).with_snapshot(snapshot);
        }
        self
    }

    /// The same source with pages of at most `size` items.
    pub fn with_page_size(mut self, size: usize) -> Self {
        self.page_size = size.max(1);
        self
    }

    /// The same source for pages in `lang`.
    pub fn in_lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
    }

    /// The ontology's terms, queried on first use.
    pub fn vocabulary(&self) -> Result<&Vocabulary, RenderError> {
        if let Some(v) = self.vocabulary.get() {
            return Ok(v);
        }
        let rows = self.select("page-vocabulary", &[])?;
        let terms = rows
            .iter()
            .filter_map(|r| {
                Some(OntologyTerm {
                    iri: rows.iri(r, "term")?.to_owned(),
                    label_en: rows.str(r, "labelEn")?,
                    label_de: rows.str(r, "labelDe"),
                    is_response: rows.bool(r, "isResponse"),
                })
            })
            .collect();
        let schema = Schema::read(self.store).map_err(RenderError::Store)?;
        let vocabulary = Vocabulary { terms, schema };
        // A store without the ontology (nothing imported yet) is not remembered as the
        // vocabulary: the first import brings it.
        if vocabulary.terms.is_empty() {
            return Ok(self.no_vocabulary.get_or_init(|| vocabulary));
        }
        Ok(self.vocabulary.get_or_init(|| vocabulary))
    }

    /// An ontology term's English label (as page queries give it) in the page's language.
    pub fn term_label(&self, english: &str) -> Result<String, RenderError> {
        Ok(match self.lang {
            Lang::En => english.to_owned(),
            Lang::De => self
                .vocabulary()?
                .by_label(english)
                .and_then(|t| t.label_de.clone())
                .unwrap_or_else(|| english.to_owned()),
        })
    }

    /// A kind of claim from its English label.
    pub fn kind(&self, english: &str) -> Result<KindView, RenderError> {
        let vocabulary = self.vocabulary()?;
        let term = vocabulary.by_label(english);
        Ok(KindView {
            label: self.term_label(english)?,
            key: term
                .map(|t| local_name(&t.iri).to_owned())
                .unwrap_or_default(),
            is_response: term.is_some_and(|t| t.is_response),
        })
    }

    /// The reader's status of a claim of `kind` whose derived status has the English
    /// label `status` (or is an IRI), given its answers; `None` for an unanswered response.
    pub fn status(
        &self,
        status: Option<&str>,
        kind: &KindView,
        answers: &[Answer],
    ) -> Result<Option<Status>, RenderError> {
        let vocabulary = self.vocabulary()?;
        let iri = status.map(|s| {
            vocabulary
                .by_label(s)
                .map(|t| t.iri.clone())
                .unwrap_or_else(|| s.to_owned())
        });
        Ok(status::describe(
            self.lang,
            iri.as_deref(),
            kind.is_response,
            answers,
        ))
    }

    /// Whether [`Source::status`] of such a claim depends on its answers (see
    /// [`status::needs_answers`]): a page reads the answers of only those claims it
    /// does not show.
    pub fn status_needs_answers(
        &self,
        status: Option<&str>,
        kind: &KindView,
    ) -> Result<bool, RenderError> {
        let vocabulary = self.vocabulary()?;
        let iri = status.map(|s| vocabulary.by_label(s).map_or(s, |t| t.iri.as_str()));
        Ok(status::needs_answers(iri, kind.is_response))
    }

    /// A date as known, in the page's language (see [`date_view`]).
    pub fn date(
        &self,
        value: Option<String>,
        text: Option<String>,
        precision: Option<String>,
    ) -> Result<Option<DateView>, RenderError> {
        let precision = match precision {
            Some(p) => Some(self.term_label(&p)?),
            None => None,
        };
        Ok(date_view(self.lang, value, text, precision))
    }

    /// The German label of an entity of ours, when the page is German and it has one.
    fn german_label(&self, iri: &str) -> Option<String> {
        if self.lang != Lang::De {
            return None;
        }
        let kind = self.iris.path_of(iri)?.split('/').nth(1)?;
        if matches!(kind, "claim" | "article" | "doc") {
            return None;
        }
        if let Some(all) = &self.all_german_labels {
            return all.get(iri).cloned();
        }
        if let Some(found) = self.german_labels.borrow().get(iri) {
            return found.clone();
        }
        let label = self
            .select(
                "page-label",
                &[("resource", NamedNode::new_unchecked(iri).into())],
            )
            .ok()
            .and_then(|rows| rows.first().and_then(|r| rows.str(r, "labelDe")));
        self.german_labels
            .borrow_mut()
            .insert(iri.to_owned(), label.clone());
        label
    }

    /// Runs saved query `name` with its declared parameters bound to RDF terms.
    /// The rows the whole-store query `name` gives for just the claims `claims`
    /// ([`model::claim_rows_for`]); `None` for a query that has no rows per claim.
    pub fn claim_rows_for(&self, name: &str, claims: &[Term]) -> Option<Result<Rows, RenderError>> {
        let schema = match self.vocabulary() {
            Ok(vocabulary) => &vocabulary.schema,
            Err(e) => return Some(Err(e)),
        };
        let rows = model::claim_rows_for(&self.facts, schema, name, claims)?;
        Some(rows.map(|table| Rows { table }).map_err(RenderError::Store))
    }

    /// The rows of the saved query `name` with its variable `variable` bound to `value`,
    /// whether or not the query takes it as a parameter: a whole-store listing's rows
    /// for one of its resources.
    pub fn select_for(&self, name: &str, variable: &str, value: Term) -> Result<Rows, RenderError> {
        let wrap = |cause: CatalogError| RenderError::Query {
            query: name.to_owned(),
            cause,
        };
        let query = self.catalog.get(name).map_err(wrap)?;
        self.run_sparql(
            name,
            &query.text,
            &[(Variable::new_unchecked(variable), value)],
        )
    }

    /// Runs the text of saved query `name` on the engine with `bindings`.
    fn run_sparql(
        &self,
        name: &str,
        text: &str,
        bindings: &[(Variable, Term)],
    ) -> Result<Rows, RenderError> {
        let wrap = |cause: CatalogError| RenderError::Query {
            query: name.to_owned(),
            cause,
        };
        let limits = Limits {
            timeout: self.timeout,
            max_rows: None,
        };
        match catalog::run(self.store, text, bindings, limits).map_err(wrap)? {
            Outcome::Table(table) => Ok(Rows { table }),
            _ => Err(wrap(CatalogError::Evaluation(
                "a page query must be a SELECT query".into(),
            ))),
        }
    }

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
        // The pages' most frequent queries are read straight from the indexes, with the
        // same rows as the saved query (see `crate::read::model`).
        if model::NATIVE_QUERIES.contains(&name) {
            let schema = &self.vocabulary()?.schema;
            if let Some(rows) = model::native_rows(&self.facts, schema, name, params) {
                return Ok(Rows {
                    table: rows.map_err(RenderError::Store)?,
                });
            }
        }
        let bindings: Vec<(Variable, Term)> = params
            .iter()
            .map(|(p, t)| (Variable::new_unchecked(*p), t.clone()))
            .collect();
        self.run_sparql(name, &query.text, &bindings)
    }

    /// Rows the page read model computes with `read` for a page that needs less than a
    /// whole saved query (see [`model::entity_claim_index`]).
    pub fn read_model(
        &self,
        read: impl FnOnce(&model::Facts<'a>, &Schema) -> Result<Table, crate::store::StoreError>,
    ) -> Result<Rows, RenderError> {
        self.read_facts(read).map(|table| Rows { table })
    }

    /// What `read` computes from the read model: [`Source::read_model`] for any value.
    pub fn read_facts<T>(
        &self,
        read: impl FnOnce(&model::Facts<'a>, &Schema) -> Result<T, crate::store::StoreError>,
    ) -> Result<T, RenderError> {
        let schema = &self.vocabulary()?.schema;
        read(&self.facts, schema).map_err(RenderError::Store)
    }

    /// How many distinct subjects this source read `predicate` of (see
    /// [`model::Facts::subjects_read`]).
    pub fn subjects_read(&self, predicate: oxigraph::model::NamedNodeRef<'_>) -> usize {
        self.facts.subjects_read(predicate)
    }

    /// The objects of `subject predicate ?o` in the store's default graph.
    pub fn objects(
        &self,
        subject: &Term,
        predicate: oxigraph::model::NamedNodeRef<'_>,
    ) -> Result<Vec<Term>, RenderError> {
        self.facts
            .objects(subject, predicate)
            .map_err(RenderError::Store)
    }

    /// The label of an article: its headline, else the opening words of its text.
    pub fn article_label(&self, article: &str) -> Result<String, RenderError> {
        if let Some(label) = self.article_labels.borrow().get(article) {
            return Ok(label.clone());
        }
        // `page-article-label`, without the article's main source when the label
        // does not name it (see `model::article_naming`).
        let rows = self.read_model(|facts, _| {
            model::article_naming(facts, NamedNode::new_unchecked(article).into())
        })?;
        let label = match rows.first() {
            Some(r) => article_title(
                self.lang,
                &ArticleNaming {
                    headline: rows.str(r, "title"),
                    publisher: rows
                        .iri(r, "publisher")
                        .map(|p| self.german_label(p))
                        .unwrap_or_default()
                        .or_else(|| rows.str(r, "publisherLabel")),
                    language: rows.str(r, "language"),
                    date: rows.str(r, "date"),
                    main_source: rows.str(r, "mainSource"),
                },
            ),
            None => self.lang.tr("Untitled article").to_owned(),
        };
        self.article_labels
            .borrow_mut()
            .insert(article.to_owned(), label.clone());
        Ok(label)
    }

    /// A link to any resource of ours, labelled with `label` (or the IRI's last segment).
    pub fn link(&self, iri: Option<&str>, label: Option<String>) -> Link {
        let href = iri.and_then(|i| page_path(self.iris, i));
        let label = iri
            .and_then(|i| self.german_label(i))
            .or(label)
            .filter(|l| !l.trim().is_empty())
            .unwrap_or_else(|| match iri {
                Some(i) => fallback_label(i),
                None => self.lang.tr("not known").to_owned(),
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

/// Every German label of the store's entities, by IRI (the first when one has several,
/// as `page-label` takes it): one query for all the German pages of a build.
pub fn german_labels(src: &Source<'_>) -> Result<HashMap<String, String>, RenderError> {
    let rows = src.select("page-labels-de", &[])?;
    let mut labels = HashMap::new();
    for r in rows.iter() {
        if let (Some(iri), Some(label)) = (rows.iri(r, "resource"), rows.str(r, "labelDe")) {
            labels.entry(iri.to_owned()).or_insert(label);
        }
    }
    Ok(labels)
}

/// A SELECT result with access by variable name.
pub struct Rows {
    table: Table,
}

impl Rows {
    /// Rows of a saved query's result table.
    pub fn from_table(table: Table) -> Rows {
        Rows { table }
    }

    /// The saved query's result table.
    pub fn table(&self) -> &Table {
        &self.table
    }

    /// The rows as the saved query's result table.
    pub fn into_table(self) -> Table {
        self.table
    }

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

/// A date as known: the shown text and the precision.
#[derive(Debug, Clone, Serialize, Default)]
pub struct DateView {
    pub display: String,
    pub precision: String,
    /// The date's own words in the article, when kept ("vom 1. November").
    pub words: Option<String>,
    /// An ISO value for `<time datetime>`, only for dates with a year.
    pub machine: Option<String>,
    /// Only the article's words are known ("am Freitag"), no value.
    pub only_words: bool,
}

const MONTHS: [(&str, &str); 12] = [
    ("January", "Januar"),
    ("February", "Februar"),
    ("March", "März"),
    ("April", "April"),
    ("May", "Mai"),
    ("June", "Juni"),
    ("July", "Juli"),
    ("August", "August"),
    ("September", "September"),
    ("October", "Oktober"),
    ("November", "November"),
    ("December", "Dezember"),
];

/// Shows a partial date as a reader says it, never completing it: "--11-01" is
/// "1 November (year not given)", "2025-11" is "November 2025" ("1. November (Jahr
/// nicht angegeben)", "November 2025" in German).
pub fn date_view(
    lang: Lang,
    value: Option<String>,
    text: Option<String>,
    precision: Option<String>,
) -> Option<DateView> {
    if value.is_none() && text.is_none() {
        return None;
    }
    let precision = precision.unwrap_or_else(|| lang.tr("not known").to_owned());
    let month = |m: &str| {
        m.parse::<usize>()
            .ok()
            .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
            .map(|(en, de)| if lang == Lang::De { *de } else { *en })
    };
    let day = |d: &str| {
        let d = d.trim_start_matches('0');
        if lang == Lang::De {
            format!("{d}.")
        } else {
            d.to_owned()
        }
    };
    let no_year = lang.tr("year not given");
    let (display, machine) = match value.as_deref() {
        Some(v) if v.starts_with("--") => {
            let parts: Vec<&str> = v.trim_start_matches("--").split('-').collect();
            let shown = match parts.as_slice() {
                [m, d] => format!("{} {} ({no_year})", day(d), month(m).unwrap_or(m)),
                [m] => format!("{} ({no_year})", month(m).unwrap_or(m)),
                _ => v.to_owned(),
            };
            (shown, None)
        }
        Some(v) => {
            let parts: Vec<&str> = v.split('-').collect();
            let shown = match parts.as_slice() {
                [y, m, d] => format!("{} {} {y}", day(d), month(m).unwrap_or(m)),
                [y, m] => format!("{} {y}", month(m).unwrap_or(m)),
                _ => v.to_owned(),
            };
            (shown, Some(v.to_owned()))
        }
        None => (format!("“{}”", text.clone().unwrap_or_default()), None),
    };
    let only_words = value.is_none();
    let words = if value.is_some() { text } else { None };
    Some(DateView {
        only_words,
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

/// What names an article when it has no headline.
#[derive(Debug, Clone, Default)]
pub struct ArticleNaming {
    pub headline: Option<String>,
    pub publisher: Option<String>,
    /// The language code of its text.
    pub language: Option<String>,
    /// The publication date's value (`2020`, `2020-12`, `--11-01`...).
    pub date: Option<String>,
    /// Who made the document most of its claims rest on.
    pub main_source: Option<String>,
}

/// An article's title: its headline; else a neutral description that never cuts a
/// sentence: "Reuters article, 2020", "Unidentified German article, 2020, citing
/// Top10VPN".
pub fn article_title(lang: Lang, naming: &ArticleNaming) -> String {
    if let Some(t) = naming.headline.as_ref().filter(|t| !t.trim().is_empty()) {
        return t.clone();
    }
    let year = naming
        .date
        .as_deref()
        .filter(|d| !d.starts_with("--"))
        .and_then(|d| d.split('-').next())
        .filter(|y| !y.is_empty());
    let language = naming.language.as_deref().map(|l| lang.language_name(l));
    let mut title = match (&naming.publisher, lang) {
        (Some(p), Lang::En) => format!("{p} article"),
        (Some(p), Lang::De) => format!("Artikel von {p}"),
        (None, Lang::En) => match &language {
            Some(l) => format!("Unidentified {l} article"),
            None => "Unidentified article".to_owned(),
        },
        (None, Lang::De) => match &language {
            Some(l) => format!("Nicht identifizierter Artikel auf {l}"),
            None => "Nicht identifizierter Artikel".to_owned(),
        },
    };
    if let Some(y) = year {
        title.push_str(&format!(", {y}"));
    }
    if naming.publisher.is_none() {
        if let Some(source) = &naming.main_source {
            match lang {
                Lang::En => title.push_str(&format!(", citing {source}")),
                Lang::De => title.push_str(&format!(", mit Verweis auf {source}")),
            }
        }
    }
    title
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

/// The local name of an IRI: what follows its last `#` or `/`.
pub fn local_name(iri: &str) -> &str {
    iri.rsplit(['#', '/']).next().unwrap_or(iri)
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
            Lang::En,
            Some("--11-01".into()),
            Some("vom 1. November".into()),
            Some("day (year unknown)".into()),
        )
        .unwrap();
        assert_eq!(d.display, "1 November (year not given)");
        assert_eq!(d.machine, None);
        assert_eq!(d.words.as_deref(), Some("vom 1. November"));
        assert_eq!(
            date_view(Lang::En, Some("2025-11".into()), None, None)
                .unwrap()
                .display,
            "November 2025"
        );
        assert_eq!(
            date_view(Lang::En, None, Some("am Freitag".into()), None)
                .unwrap()
                .display,
            "“am Freitag”"
        );
        assert!(date_view(Lang::En, None, None, None).is_none());
        assert_eq!(
            date_view(Lang::De, Some("--11-01".into()), None, None)
                .unwrap()
                .display,
            "1. November (Jahr nicht angegeben)"
        );
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
    fn untitled_articles_get_a_neutral_title_never_a_cut_sentence() {
        let mut naming = ArticleNaming {
            language: Some("de".into()),
            date: Some("2020-12".into()),
            main_source: Some("Top10VPN".into()),
            ..Default::default()
        };
        assert_eq!(
            article_title(Lang::En, &naming),
            "Unidentified German article, 2020, citing Top10VPN"
        );
        assert_eq!(
            article_title(Lang::De, &naming),
            "Nicht identifizierter Artikel auf Deutsch, 2020, mit Verweis auf Top10VPN"
        );
        naming.publisher = Some("RT DE".into());
        assert_eq!(article_title(Lang::En, &naming), "RT DE article, 2020");
        naming.headline = Some("Headline".into());
        assert_eq!(article_title(Lang::En, &naming), "Headline");
        assert_eq!(root_of("id/claim/a/b.html"), "../../../");
        assert_eq!(root_of("index.html"), "");
    }
}
