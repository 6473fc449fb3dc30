//! The saved-query catalog (`queries/*.rq`): loading, parameters, binding, running and
//! writing results.
//!
//! Each saved query opens with a header of `# key: value` comments:
//!
//! ```sparql
//! # title: Everything said about one entity
//! # description: Each claim with claimant, document, article, date, quote and status.
//! # question: 2
//! # param: entity entity The entity to ask about (its id, e.g. hikvision, or its IRI)
//! # example: entity=hikvision
//! SELECT ?entity ?claim ... WHERE { ... }
//! ```
//!
//! Parameters are bound as RDF terms, written by oxrdf into a `VALUES` block that opens
//! the WHERE clause (so the planner starts from them), never by pasting user text into
//! the query: a parameter value cannot change the query's shape. A parameter must
//! appear in the SELECT clause.
//!
//! The saved queries write each optional per-row lookup as `LATERAL { OPTIONAL { … } }`
//! (SPARQL SEP-0006, which Oxigraph implements), and keep nested groups that depend on
//! a parameter to a single pattern plus filters. Oxigraph's planner estimates costs
//! without statistics; past a dozen joins its estimates saturate and it turns a plain
//! OPTIONAL into a hash join that reads that property for every claim in the store
//! (an entity's page went from 5.6 s to 0.04 s on 1,000 articles). `claimgraph query
//! --explain` shows the plan a query gets.
//!
//! [`Catalog::bundled`] holds the queries compiled into the binary; the CLI, the
//! static site and the server all use it.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{Literal, NamedNode, Term};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{
    CancellationToken, PreparedSparqlQuery, QueryEvaluationError, QueryResults, SparqlEvaluator,
    Variable,
};

use crate::model::sheet::validate::suggest;
use crate::model::vocab;
use crate::store::query_guard::{self, GuardedParseError, ShapeError};
use crate::store::GraphStore;

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/queries.rs"));
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("no saved query '{name}'{hint}; `claimgraph query --list` shows them all")]
    UnknownQuery { name: String, hint: String },
    #[error("query '{query}' has no parameter '{param}'{hint}")]
    UnknownParam {
        query: String,
        param: String,
        hint: String,
    },
    #[error("query '{query}' needs the parameter '{param}' ({kind}): add --param {param}=VALUE")]
    MissingParam {
        query: String,
        param: String,
        kind: ParamKind,
    },
    #[error("parameter '{param}': {message}")]
    BadValue { param: String, message: String },
    #[error("{name}: bad header line '{line}': {message}")]
    Header {
        name: String,
        line: String,
        message: String,
    },
    #[error("{0}")]
    Syntax(String),
    /// The query is well-formed but out of the bounds every query is held to.
    #[error("{0}")]
    Shape(ShapeError),
    #[error("the query took longer than {0:?} and was stopped")]
    Timeout(Duration),
    #[error("the query returned more than {0} rows")]
    TooManyRows(usize),
    #[error("query evaluation failed: {0}")]
    Evaluation(String),
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
    #[error("cannot write results: {0}")]
    Io(#[from] std::io::Error),
}

/// What a parameter's value stands for, which decides the RDF term it becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// An entity id (looked up in the store) or an IRI.
    Entity,
    /// An article id or an IRI.
    Article,
    /// "article-id/claim-id" or an IRI.
    Claim,
    /// A document id or an IRI.
    Document,
    Iri,
    String,
    Integer,
}

impl ParamKind {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "entity" => ParamKind::Entity,
            "article" => ParamKind::Article,
            "claim" => ParamKind::Claim,
            "document" => ParamKind::Document,
            "iri" => ParamKind::Iri,
            "string" => ParamKind::String,
            "integer" => ParamKind::Integer,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ParamKind::Entity => "entity",
            ParamKind::Article => "article",
            ParamKind::Claim => "claim",
            ParamKind::Document => "document",
            ParamKind::Iri => "iri",
            ParamKind::String => "string",
            ParamKind::Integer => "integer",
        }
    }
}

impl fmt::Display for ParamKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Param {
    pub name: String,
    #[serde(serialize_with = "ser_kind")]
    pub kind: ParamKind,
    pub description: String,
}

fn ser_kind<S: serde::Serializer>(k: &ParamKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(k.as_str())
}

/// One saved query with its header.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SavedQuery {
    pub name: String,
    pub title: String,
    pub description: String,
    /// The competency question of MODEL.md it answers, if any.
    pub question: Option<u32>,
    pub params: Vec<Param>,
    /// Example bindings, used by the static site and the tests.
    pub examples: BTreeMap<String, String>,
    /// Whether pages use it internally (not listed among the competency queries).
    pub internal: bool,
    pub text: String,
}

impl SavedQuery {
    /// Parses a query file's header.
    pub fn parse(name: &str, text: &str) -> Result<Self, CatalogError> {
        let mut q = SavedQuery {
            name: name.to_owned(),
            title: name.to_owned(),
            description: String::new(),
            question: None,
            params: Vec::new(),
            examples: BTreeMap::new(),
            internal: false,
            text: text.to_owned(),
        };
        let header_error = |line: &str, message: &str| CatalogError::Header {
            name: name.to_owned(),
            line: line.to_owned(),
            message: message.to_owned(),
        };
        for line in text
            .lines()
            .map(str::trim)
            .take_while(|l| l.starts_with('#'))
        {
            let Some((key, value)) = line.trim_start_matches('#').split_once(':') else {
                continue;
            };
            let value = value.trim();
            match key.trim() {
                "title" => q.title = value.to_owned(),
                "description" => {
                    if !q.description.is_empty() {
                        q.description.push(' ');
                    }
                    q.description.push_str(value);
                }
                "question" => {
                    q.question = Some(
                        value
                            .parse()
                            .map_err(|_| header_error(line, "question must be a number"))?,
                    )
                }
                "internal" => q.internal = value == "true",
                "param" => {
                    let mut parts = value.splitn(3, ' ');
                    let (Some(pname), Some(kind)) = (parts.next(), parts.next()) else {
                        return Err(header_error(line, "write `# param: NAME KIND description`"));
                    };
                    let kind = ParamKind::parse(kind).ok_or_else(|| {
                        header_error(
                            line,
                            "kind must be entity, article, claim, document, iri, string or integer",
                        )
                    })?;
                    q.params.push(Param {
                        name: pname.to_owned(),
                        kind,
                        description: parts.next().unwrap_or("").to_owned(),
                    });
                }
                "example" => {
                    for pair in value.split_whitespace() {
                        if let Some((k, v)) = pair.split_once('=') {
                            q.examples.insert(k.to_owned(), v.to_owned());
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(q)
    }
}

/// The saved queries, by name.
#[derive(Debug, Clone)]
pub struct Catalog {
    queries: BTreeMap<String, SavedQuery>,
}

impl Catalog {
    /// The queries compiled into this binary from `queries/`.
    pub fn bundled() -> Self {
        let queries = bundled::FILES
            .iter()
            // queries/standard/ holds other forms of saved queries, not queries of their own.
            .filter(|(path, _)| !path.contains('/'))
            .map(|(path, text)| {
                let name = path.trim_end_matches(".rq").to_owned();
                let q = SavedQuery::parse(&name, text)
                    .expect("bundled query headers are checked by a test");
                (name, q)
            })
            .collect();
        Catalog { queries }
    }

    pub fn iter(&self) -> impl Iterator<Item = &SavedQuery> {
        self.queries.values()
    }

    /// The competency queries (not the page-internal ones), by question number.
    pub fn competency(&self) -> Vec<&SavedQuery> {
        let mut v: Vec<&SavedQuery> = self.queries.values().filter(|q| !q.internal).collect();
        v.sort_by_key(|q| (q.question.unwrap_or(u32::MAX), q.name.clone()));
        v
    }

    pub fn get(&self, name: &str) -> Result<&SavedQuery, CatalogError> {
        self.queries
            .get(name)
            .ok_or_else(|| CatalogError::UnknownQuery {
                name: name.to_owned(),
                hint: suggest(name, self.queries.keys()),
            })
    }
}

/// Limits on one query run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    pub timeout: Option<Duration>,
    pub max_rows: Option<usize>,
}

/// Which of a query's solutions to return: `offset` skipped, then at most `limit`. It is
/// applied as a SPARQL slice around the query's own solutions, so the query's ORDER BY
/// decides which rows a page holds (every saved query orders its rows completely).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Page {
    pub offset: usize,
    pub limit: Option<usize>,
}

impl Page {
    fn is_everything(self) -> bool {
        self.offset == 0 && self.limit.is_none()
    }
}

/// A SELECT result held in memory.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub variables: Vec<String>,
    pub rows: Vec<Vec<Option<Term>>>,
}

impl crate::read::kept::Weighed for Table {
    fn bytes(&self) -> usize {
        // About 64 bytes a term: an IRI or a short literal, its allocation and tag.
        self.rows.len() * self.variables.len().max(1) * 64 + 256
    }
}

impl Table {
    /// The column index of a variable.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.variables.iter().position(|v| v == name)
    }
}

/// The result of any query.
#[derive(Debug, Clone)]
pub enum Outcome {
    Table(Table),
    Boolean(bool),
    Graph(Vec<oxigraph::model::Triple>),
}

/// Turns raw `name=value` pairs into typed terms for `query`'s declared parameters.
pub fn bind(
    store: &GraphStore,
    query: &SavedQuery,
    raw: &[(String, String)],
) -> Result<Vec<(Variable, Term)>, CatalogError> {
    let mut out = Vec::new();
    for (name, value) in raw {
        let Some(param) = query.params.iter().find(|p| &p.name == name) else {
            let names: Vec<String> = query.params.iter().map(|p| p.name.clone()).collect();
            let hint = if names.is_empty() {
                " (it takes none)".to_owned()
            } else {
                format!(" (it takes: {})", names.join(", "))
            };
            return Err(CatalogError::UnknownParam {
                query: query.name.clone(),
                param: name.clone(),
                hint,
            });
        };
        out.push((
            Variable::new_unchecked(name.clone()),
            term_for(store, param, value)?,
        ));
    }
    for p in &query.params {
        if !raw.iter().any(|(n, _)| n == &p.name) {
            return Err(CatalogError::MissingParam {
                query: query.name.clone(),
                param: p.name.clone(),
                kind: p.kind,
            });
        }
    }
    Ok(out)
}

fn term_for(store: &GraphStore, param: &Param, value: &str) -> Result<Term, CatalogError> {
    let bad = |message: String| CatalogError::BadValue {
        param: param.name.clone(),
        message,
    };
    let iris = store.iris();
    let as_iri = |v: &str| -> Result<Term, CatalogError> {
        NamedNode::new(v)
            .map(Term::from)
            .map_err(|e| bad(format!("'{v}' is not an IRI: {e}")))
    };
    if matches!(
        param.kind,
        ParamKind::Entity
            | ParamKind::Article
            | ParamKind::Claim
            | ParamKind::Document
            | ParamKind::Iri
    ) && (value.starts_with("http://")
        || value.starts_with("https://")
        || value.starts_with("urn:"))
    {
        return as_iri(value);
    }
    match param.kind {
        ParamKind::Iri => as_iri(value),
        ParamKind::String => Ok(Literal::new_simple_literal(value).into()),
        ParamKind::Integer => value
            .parse::<i64>()
            .map(|i| Literal::from(i).into())
            .map_err(|_| bad(format!("'{value}' is not an integer"))),
        ParamKind::Article => Ok(iris.article(value).into()),
        ParamKind::Document => Ok(iris.document(value).into()),
        ParamKind::Claim => match value.split_once('/') {
            Some((a, c)) => Ok(iris.claim(a, c).into()),
            None => Err(bad(format!(
                "'{value}' is not a claim id: write article-id/claim-id"
            ))),
        },
        ParamKind::Entity => {
            let known = store.known()?;
            match known.entities.get(value) {
                Some(kind) => Ok(iris.entity(*kind, value).into()),
                None => {
                    let ids: Vec<String> = known.entities.keys().cloned().collect();
                    Err(bad(format!(
                        "unknown entity '{value}'{}",
                        suggest(value, ids.iter())
                    )))
                }
            }
        }
    }
}

/// What a SPARQL protocol request may set around a query: the base relative IRIs
/// resolve against, and the dataset (`default-graph-uri` / `named-graph-uri`), which,
/// when given, replaces the query's own FROM / FROM NAMED.
#[derive(Debug, Clone, Default)]
pub struct QueryContext {
    pub base_iri: Option<String>,
    /// `Some` when the request names its dataset: these graphs merged are the default graph...
    pub default_graphs: Option<Vec<NamedNode>>,
    /// ...and these are the named graphs (empty when only default graphs were named).
    pub named_graphs: Option<Vec<NamedNode>>,
}

/// Parses `text` (any SPARQL query), applies the bindings and runs it on the store,
/// within `limits`. Prefixes of [`vocab::PREFIXES`] are predeclared.
pub fn run(
    store: &GraphStore,
    text: &str,
    bindings: &[(Variable, Term)],
    limits: Limits,
) -> Result<Outcome, CatalogError> {
    run_in(store, text, bindings, limits, &QueryContext::default())
}

/// [`run`] with a base IRI and a protocol dataset (the SPARQL endpoint's entry point).
pub fn run_in(
    store: &GraphStore,
    text: &str,
    bindings: &[(Variable, Term)],
    limits: Limits,
    context: &QueryContext,
) -> Result<Outcome, CatalogError> {
    if let Some(engine) = store.on_engine() {
        let results = on_engine::run(engine, text, bindings, limits, context, Page::default())?;
        return collect(Ok(results), limits);
    }
    let (prepared, token) = prepare(text, bindings, context, Page::default())?;
    let _timer = limits.timeout.map(|t| Timer::start(t, token));
    let results = prepared.on_store(embedded(store)?).execute();
    collect(results, limits)
}

/// Runs a saved query with raw parameter values, `page` of its solutions, and writes the
/// results to `out` in `format` as they come: each solution (or triple) is written as
/// soon as the engine produces it, never collected first, so the first rows of a long
/// report arrive before the last are computed. Returns how many rows were written.
pub fn stream_saved(
    store: &GraphStore,
    query: &SavedQuery,
    raw: &[(String, String)],
    limits: Limits,
    page: Page,
    format: Format,
    out: &mut impl Write,
) -> Result<usize, CatalogError> {
    // A report's page is read a batch of its leading key at a time (see `keyset`).
    if let Some(keyset) = super::keyset::Keyset::of(query).filter(|_| page.limit.is_some()) {
        return keyset.stream_page(store, query, raw, limits, page, format, out);
    }
    let bindings = bind(store, query, raw)?;
    let map_eval = evaluation_error(limits);
    let mut _timer = None;
    let results = match store.on_engine() {
        Some(engine) => on_engine::run(
            engine,
            &query.text,
            &bindings,
            limits,
            &QueryContext::default(),
            page,
        )?,
        None => {
            let (prepared, token) =
                prepare(&query.text, &bindings, &QueryContext::default(), page)?;
            _timer = limits.timeout.map(|t| Timer::start(t, token));
            prepared
                .on_store(embedded(store)?)
                .execute()
                .map_err(map_eval)?
        }
    };
    let mut out = Paced::new(out);
    let mut written = 0;
    match results {
        QueryResults::Solutions(solutions) => {
            let variables: Vec<Variable> = solutions.variables().to_vec();
            if format == Format::Table {
                let mut table =
                    TableWriter::new(variables.iter().map(|v| v.as_str().to_owned()).collect());
                for s in solutions {
                    let s = s.map_err(map_eval)?;
                    table.row(variables.iter().map(|v| s.get(v)), &mut out)?;
                    written += 1;
                }
                table.finish(&mut out)?;
            } else {
                let mut ser = QueryResultsSerializer::from_format(results_format(format))
                    .serialize_solutions_to_writer(&mut out, variables)?;
                for s in solutions {
                    let s = s.map_err(map_eval)?;
                    ser.serialize(s.iter().map(|(v, t)| (v.as_ref(), t.as_ref())))?;
                    written += 1;
                }
                ser.finish()?;
            }
        }
        QueryResults::Boolean(b) => write_outcome(&Outcome::Boolean(b), format, &mut out)?,
        QueryResults::Graph(triples) => {
            let mut w = rdf_serializer(format).for_writer(&mut out);
            for t in triples {
                w.serialize_triple(&t.map_err(map_eval)?)?;
                written += 1;
            }
            w.finish()?;
        }
    }
    out.flush()?;
    Ok(written)
}

/// A writer that passes what it is given on at once the first time and then at most
/// every [`Paced::EVERY`], so a reader sees rows while a long result is still coming,
/// without a system call per row.
struct Paced<'w, W: Write> {
    inner: &'w mut W,
    last: Option<Instant>,
}

impl<'w, W: Write> Paced<'w, W> {
    const EVERY: Duration = Duration::from_millis(100);

    fn new(inner: &'w mut W) -> Self {
        Paced { inner, last: None }
    }
}

impl<W: Write> Write for Paced<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        if self.last.is_none_or(|t| t.elapsed() >= Self::EVERY) {
            self.inner.flush()?;
            self.last = Some(Instant::now());
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Runs `text` like [`run`], with Oxigraph's per-operator statistics switched on, and
/// returns its outcome with the evaluated plan as JSON: each operator with the rows it
/// produced and the time it took. `claimgraph query --explain` prints it; it is how the saved
/// queries are tuned.
pub fn explain(
    store: &GraphStore,
    text: &str,
    bindings: &[(Variable, Term)],
    limits: Limits,
) -> Result<(Outcome, String), CatalogError> {
    let (prepared, token) = prepare(text, bindings, &QueryContext::default(), Page::default())?;
    let _timer = limits.timeout.map(|t| Timer::start(t, token));
    let (results, explanation) = prepared
        .on_store(embedded(store)?)
        .compute_statistics()
        .explain();
    // The statistics are only complete once every solution has been read.
    let outcome = collect(results, limits)?;
    let mut plan = Vec::new();
    explanation.write_in_json(&mut plan)?;
    Ok((outcome, String::from_utf8_lossy(&plan).into_owned()))
}

/// Parses `text` with the project's prefixes, binds the parameters, applies the
/// protocol dataset and takes `page` of the solutions; the token cancels the query once
/// it runs.
fn prepare(
    text: &str,
    bindings: &[(Variable, Term)],
    context: &QueryContext,
    page: Page,
) -> Result<(PreparedSparqlQuery, CancellationToken), CatalogError> {
    prepare_led(text, bindings, context, page, None)
}

/// [`prepare`], with the query's pattern evaluated once per value of a leading key when
/// `lead` names one (see [`run_per_key`]).
fn prepare_led(
    text: &str,
    bindings: &[(Variable, Term)],
    context: &QueryContext,
    page: Page,
    lead: Option<(&Variable, &[Term])>,
) -> Result<(PreparedSparqlQuery, CancellationToken), CatalogError> {
    let mut parser = spargebra::SparqlParser::new();
    for (prefix, ns) in vocab::PREFIXES {
        parser = parser
            .with_prefix(*prefix, *ns)
            .expect("the namespaces are valid IRIs");
    }
    if let Some(base) = &context.base_iri {
        parser = parser
            .with_base_iri(base.clone())
            .map_err(|e| CatalogError::Syntax(format!("base IRI: {e}")))?;
    }
    let token = CancellationToken::new();
    let evaluator = SparqlEvaluator::new().with_cancellation_token(token.clone());
    // Bound parameters go into the query as a VALUES block at the top of its WHERE
    // clause, so the planner sees them (Oxigraph applies `substitute_variable` only after
    // planning, which made parameterised queries start from every claim). The terms are
    // written by oxrdf, so a value can never change the query's shape; a query without
    // a plain WHERE clause falls back to substitution.
    let with_values = values_block(text, bindings);
    // Parsed with the shape checks of `query_guard`: nothing this text can say may
    // overflow the stack, abort on an allocation, or run where its deadline cannot reach.
    let query = query_guard::parse_checked(parser, with_values.as_deref().unwrap_or(text))
        .map_err(|e| match e {
            GuardedParseError::Shape(shape) => CatalogError::Shape(shape),
            GuardedParseError::Syntax(message) => CatalogError::Syntax(message),
        })?;
    let query = match lead {
        Some((key, values)) => led_by(query, key, values),
        None => query,
    };
    let mut prepared = evaluator.for_query(sliced(query, page));
    if context.default_graphs.is_some() || context.named_graphs.is_some() {
        let dataset = prepared.dataset_mut();
        dataset.set_default_graph(
            context
                .default_graphs
                .iter()
                .flatten()
                .cloned()
                .map(Into::into)
                .collect(),
        );
        dataset.set_available_named_graphs(
            context
                .named_graphs
                .iter()
                .flatten()
                .cloned()
                .map(Into::into)
                .collect(),
        );
    }
    if with_values.is_none() {
        for (var, term) in bindings {
            prepared = prepared.substitute_variable(var.clone(), term.clone());
        }
    }
    Ok((prepared, token))
}

/// A keyset batch (see `keyset`): [`run`] with the query's pattern evaluated once per
/// value of `key`, in the order given; `None` when the query has no WHERE group to lead
/// (on a remote engine, which is sent a VALUES block instead).
///
/// On the embedded store the values lead through a LATERAL join: a plain VALUES block is
/// joined wherever the planner finds cheapest, which for a report holding a smaller VALUES
/// block of its own (the kinds of response it lists) is after the whole report.
pub(crate) fn run_per_key(
    store: &GraphStore,
    text: &str,
    bindings: &[(Variable, Term)],
    key: &Variable,
    values: &[Term],
    limits: Limits,
) -> Result<Option<Outcome>, CatalogError> {
    if let Some(engine) = store.on_engine() {
        // The keys go into the query's standard form (which may be written apart from
        // it, in queries/standard/), not into the text the form is looked up by.
        let portable = on_engine::required_portable_form(text)?;
        let terms: Vec<String> = values.iter().map(Term::to_string).collect();
        let block = format!("VALUES {key} {{ {} }}", terms.join(" "));
        let Some(text) = insert_in_where(&portable, &block) else {
            return Ok(None);
        };
        let results = on_engine::run_portable(
            engine,
            &text,
            bindings,
            limits,
            &QueryContext::default(),
            Page::default(),
        )?;
        return collect(Ok(results), limits).map(Some);
    }
    let (prepared, token) = prepare_led(
        text,
        bindings,
        &QueryContext::default(),
        Page::default(),
        Some((key, values)),
    )?;
    let _timer = limits.timeout.map(|t| Timer::start(t, token));
    collect(prepared.on_store(embedded(store)?).execute(), limits).map(Some)
}

/// `query` with its pattern on the right of a LATERAL join whose left side lists `values`
/// of `key`, below the solution modifiers (grouping, ordering, projection, slicing), where
/// a VALUES block at the top of its WHERE clause would be.
fn led_by(query: spargebra::Query, key: &Variable, values: &[Term]) -> spargebra::Query {
    use spargebra::algebra::GraphPattern;
    use spargebra::term::GroundTerm;
    fn lead(pattern: GraphPattern, values: GraphPattern) -> GraphPattern {
        match pattern {
            GraphPattern::Slice {
                inner: i,
                start,
                length,
            } => GraphPattern::Slice {
                inner: Box::new(lead(*i, values)),
                start,
                length,
            },
            GraphPattern::Distinct { inner: i } => GraphPattern::Distinct {
                inner: Box::new(lead(*i, values)),
            },
            GraphPattern::Reduced { inner: i } => GraphPattern::Reduced {
                inner: Box::new(lead(*i, values)),
            },
            GraphPattern::Project {
                inner: i,
                variables,
            } => GraphPattern::Project {
                inner: Box::new(lead(*i, values)),
                variables,
            },
            GraphPattern::OrderBy {
                inner: i,
                expression,
            } => GraphPattern::OrderBy {
                inner: Box::new(lead(*i, values)),
                expression,
            },
            GraphPattern::Group {
                inner: i,
                variables,
                aggregates,
            } => GraphPattern::Group {
                inner: Box::new(lead(*i, values)),
                variables,
                aggregates,
            },
            GraphPattern::Extend {
                inner: i,
                variable,
                expression,
            } => GraphPattern::Extend {
                inner: Box::new(lead(*i, values)),
                variable,
                expression,
            },
            GraphPattern::Filter { expr, inner: i } => GraphPattern::Filter {
                expr,
                inner: Box::new(lead(*i, values)),
            },
            body => GraphPattern::Lateral {
                left: Box::new(values),
                right: Box::new(body),
            },
        }
    }
    let values = GraphPattern::Values {
        variables: vec![key.clone()],
        bindings: values
            .iter()
            .filter_map(|t| match t {
                Term::NamedNode(n) => Some(vec![Some(GroundTerm::NamedNode(n.clone()))]),
                Term::Literal(l) => Some(vec![Some(GroundTerm::Literal(l.clone()))]),
                _ => None,
            })
            .collect(),
    };
    match query {
        spargebra::Query::Select {
            dataset,
            pattern,
            base_iri,
        } => spargebra::Query::Select {
            dataset,
            pattern: lead(pattern, values),
            base_iri,
        },
        other => other,
    }
}

/// `query` with only `page` of its solutions (a slice around its pattern, which holds
/// its ORDER BY); ASK and DESCRIBE queries are left as they are.
fn sliced(query: spargebra::Query, page: Page) -> spargebra::Query {
    use spargebra::algebra::GraphPattern;
    use spargebra::Query;
    if page.is_everything() {
        return query;
    }
    let slice = |pattern: GraphPattern| GraphPattern::Slice {
        inner: Box::new(pattern),
        start: page.offset,
        length: page.limit,
    };
    match query {
        Query::Select {
            dataset,
            pattern,
            base_iri,
        } => Query::Select {
            dataset,
            pattern: slice(pattern),
            base_iri,
        },
        Query::Construct {
            template,
            dataset,
            pattern,
            base_iri,
        } => Query::Construct {
            template,
            dataset,
            pattern: slice(pattern),
            base_iri,
        },
        other => other,
    }
}

/// How an evaluation error is reported: a cancelled query ran out of its time.
fn evaluation_error(limits: Limits) -> impl Fn(QueryEvaluationError) -> CatalogError + Copy {
    move |e| match e {
        QueryEvaluationError::Cancelled => {
            CatalogError::Timeout(limits.timeout.unwrap_or_default())
        }
        other => CatalogError::Evaluation(other.to_string()),
    }
}

/// Reads a query's results into an [`Outcome`], holding to the row cap.
fn collect(
    results: Result<QueryResults<'_>, QueryEvaluationError>,
    limits: Limits,
) -> Result<Outcome, CatalogError> {
    let map_eval = evaluation_error(limits);
    match results.map_err(map_eval)? {
        QueryResults::Solutions(solutions) => {
            let variables: Vec<Variable> = solutions.variables().to_vec();
            let mut rows = Vec::new();
            for s in solutions {
                let s = s.map_err(map_eval)?;
                if limits.max_rows.is_some_and(|m| rows.len() >= m) {
                    return Err(CatalogError::TooManyRows(rows.len()));
                }
                rows.push(variables.iter().map(|v| s.get(v).cloned()).collect());
            }
            Ok(Outcome::Table(Table {
                variables: variables.iter().map(|v| v.as_str().to_owned()).collect(),
                rows,
            }))
        }
        QueryResults::Boolean(b) => Ok(Outcome::Boolean(b)),
        QueryResults::Graph(triples) => {
            let mut out = Vec::new();
            for t in triples {
                out.push(t.map_err(map_eval)?);
                if limits.max_rows.is_some_and(|m| out.len() > m) {
                    return Err(CatalogError::TooManyRows(out.len() - 1));
                }
            }
            Ok(Outcome::Graph(out))
        }
    }
}

/// `text` with `VALUES (?a ?b) { (<..> "..") }` opening its first WHERE group, or `None`
/// when there is nothing to bind or no such group (comment lines are skipped).
fn values_block(text: &str, bindings: &[(Variable, Term)]) -> Option<String> {
    if bindings.is_empty()
        || bindings
            .iter()
            .any(|(_, t)| matches!(t, Term::BlankNode(_)))
    {
        return None;
    }
    let vars: Vec<String> = bindings.iter().map(|(v, _)| v.to_string()).collect();
    let terms: Vec<String> = bindings.iter().map(|(_, t)| t.to_string()).collect();
    let block = format!("VALUES ({}) {{ ({}) }}", vars.join(" "), terms.join(" "));
    insert_in_where(text, &block)
}

/// `text` with `block` at the top of its first `WHERE { ... }` group (comment lines are
/// skipped); `None` when there is no such group.
pub(crate) fn insert_in_where(text: &str, block: &str) -> Option<String> {
    // Blank out comments so a WHERE in a header never matches; offsets stay the same.
    let code: String = text
        .lines()
        .map(|l| {
            if l.trim_start().starts_with('#') {
                " ".repeat(l.len())
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let upper = code.to_ascii_uppercase();
    let mut from = 0;
    while let Some(i) = upper[from..].find("WHERE") {
        let at = from + i;
        let rest = &code[at + 5..];
        let brace = rest.len() - rest.trim_start().len();
        if rest[brace..].starts_with('{') {
            let insert = at + 5 + brace + 1;
            return Some(format!(
                "{}\n  {block}\n{}",
                &text[..insert],
                &text[insert..]
            ));
        }
        from = at + 5;
    }
    None
}

/// A query with its parameters bound, as one self-contained SPARQL text (the project's
/// prefixes declared, the values in a VALUES block) that any SPARQL endpoint can run;
/// `None` when a value is a blank node, which a query text cannot name.
pub fn standalone(text: &str, bindings: &[(Variable, Term)]) -> Option<String> {
    let body = if bindings.is_empty() {
        text.to_owned()
    } else {
        values_block(text, bindings)?
    };
    Some(format!("{}{body}", vocab::sparql_prologue()))
}

/// Reads SPARQL JSON results (what [`write_outcome`] writes in [`Format::Json`]) back
/// into an [`Outcome`]: a table or a boolean.
pub fn outcome_from_json(bytes: &[u8]) -> Result<Outcome, String> {
    use oxigraph::sparql::results::{QueryResultsParser, SliceQueryResultsParserOutput};
    let parsed = QueryResultsParser::from_format(QueryResultsFormat::Json)
        .for_slice(bytes)
        .map_err(|e| e.to_string())?;
    let solutions = match parsed {
        SliceQueryResultsParserOutput::Boolean(b) => return Ok(Outcome::Boolean(b)),
        SliceQueryResultsParserOutput::Solutions(solutions) => solutions,
    };
    let variables: Vec<String> = solutions
        .variables()
        .iter()
        .map(|v| v.as_str().to_owned())
        .collect();
    let mut rows = Vec::new();
    for solution in solutions {
        let solution = solution.map_err(|e| e.to_string())?;
        rows.push(
            variables
                .iter()
                .map(|v| solution.get(v.as_str()).cloned())
                .collect(),
        );
    }
    Ok(Outcome::Table(Table { variables, rows }))
}

/// Runs a saved query with raw parameter values.
pub fn run_saved(
    store: &GraphStore,
    query: &SavedQuery,
    raw: &[(String, String)],
    limits: Limits,
) -> Result<Outcome, CatalogError> {
    let bindings = bind(store, query, raw)?;
    run(store, &query.text, &bindings, limits)
}

/// Cancels a query when its time is up; dropping it stops the watch.
struct Timer {
    key: (Instant, u64),
}

impl Timer {
    fn start(timeout: Duration, token: CancellationToken) -> Self {
        let watchdog = watchdog();
        let mut state = watchdog.state.lock().unwrap_or_else(|e| e.into_inner());
        state.next_id += 1;
        let key = (Instant::now() + timeout, state.next_id);
        let earliest = state
            .deadlines
            .first_key_value()
            .is_none_or(|(k, _)| key < *k);
        state.deadlines.insert(key, token);
        if earliest {
            watchdog.wake.notify_one();
        }
        Timer { key }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        let mut state = watchdog().state.lock().unwrap_or_else(|e| e.into_inner());
        state.deadlines.remove(&self.key);
    }
}

/// One thread watches every running query's deadline: a thread per query cost more
/// than a typical page query itself.
struct Watchdog {
    state: Mutex<Deadlines>,
    wake: Condvar,
}

#[derive(Default)]
struct Deadlines {
    next_id: u64,
    deadlines: BTreeMap<(Instant, u64), CancellationToken>,
}

fn watchdog() -> &'static Watchdog {
    static WATCHDOG: OnceLock<Watchdog> = OnceLock::new();
    WATCHDOG.get_or_init(|| {
        std::thread::Builder::new()
            .name("query-deadlines".into())
            .spawn(|| {
                let watchdog = watchdog();
                let mut state = watchdog.state.lock().unwrap_or_else(|e| e.into_inner());
                loop {
                    let now = Instant::now();
                    while let Some(entry) = state.deadlines.first_entry() {
                        if entry.key().0 > now {
                            break;
                        }
                        entry.remove().cancel();
                    }
                    state = match state.deadlines.first_key_value() {
                        Some((&(at, _), _)) => {
                            watchdog
                                .wake
                                .wait_timeout(state, at.saturating_duration_since(now))
                                .unwrap_or_else(|e| e.into_inner())
                                .0
                        }
                        None => watchdog.wake.wait(state).unwrap_or_else(|e| e.into_inner()),
                    };
                }
            })
            .expect("starting the query deadline thread");
        Watchdog {
            state: Mutex::new(Deadlines::default()),
            wake: Condvar::new(),
        }
    })
}

/// Output formats of the CLI's `query` command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    Tsv,
    Xml,
}

/// Writes a query outcome: solutions in `format`, graphs as Turtle (or N-Triples for
/// the machine formats), booleans as `true`/`false` or in the results format.
pub fn write_outcome(
    outcome: &Outcome,
    format: Format,
    out: &mut impl Write,
) -> Result<(), CatalogError> {
    match (outcome, format) {
        (Outcome::Table(t), Format::Table) => {
            let mut table = TableWriter::new(t.variables.clone());
            for row in &t.rows {
                table.row(row.iter().map(Option::as_ref), out)?;
            }
            table.finish(out)?;
        }
        (Outcome::Table(t), f) => {
            let mut ser = QueryResultsSerializer::from_format(results_format(f))
                .serialize_solutions_to_writer(
                    &mut *out,
                    t.variables
                        .iter()
                        .map(|v| Variable::new_unchecked(v.clone()))
                        .collect(),
                )?;
            let vars: Vec<Variable> = t
                .variables
                .iter()
                .map(|v| Variable::new_unchecked(v.clone()))
                .collect();
            for row in &t.rows {
                ser.serialize(
                    vars.iter()
                        .zip(row)
                        .filter_map(|(v, cell)| cell.as_ref().map(|c| (v.as_ref(), c.as_ref()))),
                )?;
            }
            ser.finish()?;
        }
        (Outcome::Boolean(b), Format::Table) => writeln!(out, "{b}")?,
        (Outcome::Boolean(b), f) => {
            QueryResultsSerializer::from_format(results_format(f))
                .serialize_boolean_to_writer(&mut *out, *b)?;
        }
        (Outcome::Graph(triples), f) => {
            let mut w = rdf_serializer(f).for_writer(&mut *out);
            for t in triples {
                w.serialize_triple(t)?;
            }
            w.finish()?;
        }
    }
    Ok(())
}

/// Graphs are written as Turtle for people (the table format), N-Triples otherwise.
fn rdf_serializer(f: Format) -> RdfSerializer {
    if f != Format::Table {
        return RdfSerializer::from_format(RdfFormat::NTriples);
    }
    let mut ser = RdfSerializer::from_format(RdfFormat::Turtle);
    for (p, ns) in vocab::PREFIXES {
        ser = ser.with_prefix(*p, *ns).expect("valid prefixes");
    }
    ser
}

fn results_format(f: Format) -> QueryResultsFormat {
    match f {
        Format::Json | Format::Table => QueryResultsFormat::Json,
        Format::Csv => QueryResultsFormat::Csv,
        Format::Tsv => QueryResultsFormat::Tsv,
        Format::Xml => QueryResultsFormat::Xml,
    }
}

/// A term as a person reads it: prefixed IRIs, literal values without quotes.
pub fn display_term(term: &Term) -> String {
    match term {
        Term::NamedNode(n) => crate::store::compact(n.as_str()),
        Term::BlankNode(b) => format!("_:{}", b.as_str()),
        Term::Literal(l) => l.value().to_owned(),
        #[allow(unreachable_patterns)]
        other => other.to_string(),
    }
}

/// A plain-text table written as its rows come: columns padded to the widest cell of
/// the header and the first [`TableWriter::MEASURED`] rows (cells cut at 60 characters),
/// which are held until then; later rows are written at once, a wider cell pushing its
/// row out of line rather than holding every row back.
struct TableWriter {
    variables: Vec<String>,
    held: Vec<Vec<String>>,
    widths: Option<Vec<usize>>,
    rows: usize,
}

impl TableWriter {
    const MEASURED: usize = 100;
    const MAX_CELL: usize = 60;

    fn new(variables: Vec<String>) -> Self {
        TableWriter {
            variables,
            held: Vec::new(),
            widths: None,
            rows: 0,
        }
    }

    fn cell(c: Option<&Term>) -> String {
        let s = c
            .map(display_term)
            .unwrap_or_default()
            .replace(['\n', '\r', '\t'], " ");
        if s.chars().count() > Self::MAX_CELL {
            format!(
                "{}…",
                s.chars().take(Self::MAX_CELL - 1).collect::<String>()
            )
        } else {
            s
        }
    }

    fn row<'a>(
        &mut self,
        cells: impl Iterator<Item = Option<&'a Term>>,
        out: &mut impl Write,
    ) -> std::io::Result<()> {
        let cells: Vec<String> = cells.map(Self::cell).collect();
        self.rows += 1;
        match &self.widths {
            Some(widths) => Self::line(out, widths, &cells),
            None => {
                self.held.push(cells);
                if self.held.len() >= Self::MEASURED {
                    self.start(out)?;
                }
                Ok(())
            }
        }
    }

    /// Fixes the widths from the rows held, and writes the header and those rows.
    fn start(&mut self, out: &mut impl Write) -> std::io::Result<()> {
        let widths: Vec<usize> = self
            .variables
            .iter()
            .enumerate()
            .map(|(i, v)| {
                self.held
                    .iter()
                    .map(|r| r[i].chars().count())
                    .chain([v.len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        Self::line(out, &widths, &self.variables)?;
        writeln!(
            out,
            "{}",
            widths
                .iter()
                .map(|w| "-".repeat(*w))
                .collect::<Vec<_>>()
                .join("-+-")
        )?;
        for r in std::mem::take(&mut self.held) {
            Self::line(out, &widths, &r)?;
        }
        self.widths = Some(widths);
        Ok(())
    }

    fn line(out: &mut impl Write, widths: &[usize], parts: &[String]) -> std::io::Result<()> {
        let padded: Vec<String> = parts
            .iter()
            .zip(widths)
            .map(|(p, w)| format!("{p}{}", " ".repeat(w.saturating_sub(p.chars().count()))))
            .collect();
        writeln!(out, "{}", padded.join(" | ").trim_end())
    }

    fn finish(mut self, out: &mut impl Write) -> std::io::Result<()> {
        if self.widths.is_none() {
            self.start(out)?;
        }
        writeln!(
            out,
            "({} row{})",
            self.rows,
            if self.rows == 1 { "" } else { "s" }
        )
    }
}

/// The embedded store, or the error that says a query feature needs it.
fn embedded(store: &GraphStore) -> Result<&oxigraph::store::Store, CatalogError> {
    store.embedded().ok_or(CatalogError::Store(
        crate::store::StoreError::EmbeddedOnly {
            what: "this query run (--explain)",
        },
    ))
}

/// Saved queries on a remote engine ([`crate::store::on_engine`]): each runs in a
/// standard SPARQL 1.1 form, its parameters in the same VALUES block, its page as a
/// LIMIT/OFFSET, its deadline the HTTP request's.
mod on_engine {
    use std::collections::{HashMap, HashSet};
    use std::sync::{Arc, OnceLock};

    use oxigraph::model::vocab::xsd;
    use oxigraph::model::{Literal, Term};
    use oxigraph::sparql::{QueryResults, QuerySolutionIter, Variable};
    use spargebra::algebra::{Expression, GraphPattern};

    use super::{bundled, values_block, CatalogError, Limits, Page, QueryContext};
    use crate::model::vocab;
    use crate::store::on_engine::OnEngine;
    use crate::store::query_guard::{self, GuardedParseError};
    use crate::store::remote::{standard_form, RemoteError};
    use crate::store::StoreError;

    /// The standard form of a query: the one written for it in `queries/standard/`
    /// (for a per-row subquery there is no mechanical one, and some rows need a form
    /// of their own on an engine), else its `LATERAL` groups inlined.
    pub fn portable_form(text: &str) -> Option<String> {
        static WRITTEN: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
        let written = WRITTEN.get_or_init(|| {
            let by_name: HashMap<&str, &str> = bundled::FILES.iter().copied().collect();
            bundled::FILES
                .iter()
                .filter_map(|(path, standard)| {
                    let name = path.strip_prefix("standard/")?;
                    Some((*by_name.get(name)?, *standard))
                })
                .collect()
        });
        match written.get(text) {
            Some(standard) => Some((*standard).to_owned()),
            None => standard_form(text),
        }
    }

    /// Sends a query to the engine and hands back its streamed results.
    pub fn run(
        engine: &OnEngine,
        text: &str,
        bindings: &[(Variable, Term)],
        limits: Limits,
        context: &QueryContext,
        page: Page,
    ) -> Result<QueryResults<'static>, CatalogError> {
        run_portable(
            engine,
            &required_portable_form(text)?,
            bindings,
            limits,
            context,
            page,
        )
    }

    /// [`portable_form`], or the error that says there is none.
    pub fn required_portable_form(text: &str) -> Result<String, CatalogError> {
        portable_form(text).ok_or_else(|| {
            CatalogError::Syntax(
                "this query has no standard SPARQL 1.1 form for a remote engine (LATERAL \
                 around a subquery)"
                    .into(),
            )
        })
    }

    /// [`run`] for a query already in its standard form.
    pub fn run_portable(
        engine: &OnEngine,
        portable: &str,
        bindings: &[(Variable, Term)],
        limits: Limits,
        context: &QueryContext,
        page: Page,
    ) -> Result<QueryResults<'static>, CatalogError> {
        if context.default_graphs.is_some() || context.named_graphs.is_some() {
            return Err(CatalogError::Syntax(
                "a request that names its dataset (default-graph-uri, named-graph-uri) is not \
                 passed on to a remote engine"
                    .into(),
            ));
        }
        let portable = bounded_hierarchy_paths(portable, engine.hierarchy_depth()?);
        let mut body = if bindings.is_empty() {
            portable
        } else {
            values_block(&portable, bindings).ok_or_else(|| {
                CatalogError::Syntax("cannot bind the parameters of this query's form".into())
            })?
        };
        if !page.is_everything() {
            body = paged(&body, page);
        }
        let mut full = String::new();
        if let Some(base) = &context.base_iri {
            full.push_str(&format!("BASE <{}>\n", base.replace('>', "%3E")));
        }
        full.push_str(&vocab::sparql_prologue());
        full.push_str(&body);
        // The same shape bounds as on the embedded store, before anything is sent.
        let mut parser = spargebra::SparqlParser::new();
        if let Some(base) = &context.base_iri {
            parser = parser
                .with_base_iri(base.clone())
                .map_err(|e| CatalogError::Syntax(format!("base IRI: {e}")))?;
        }
        let parsed = query_guard::parse_checked(parser, &full).map_err(|e| match e {
            GuardedParseError::Shape(shape) => CatalogError::Shape(shape),
            GuardedParseError::Syntax(message) => CatalogError::Syntax(message),
        })?;
        let results = engine.query(&full, limits.timeout).map_err(|e| match e {
            RemoteError::TimedOut { .. } => {
                CatalogError::Timeout(limits.timeout.unwrap_or_default())
            }
            other => CatalogError::Store(StoreError::Remote(other)),
        })?;
        Ok(with_booleans_restored(results, &parsed))
    }

    /// `results` with the values of the variables `query` binds to a test (`EXISTS`, a
    /// comparison, ...) as booleans: Virtuoso writes `true` and `false` as the integers
    /// 1 and 0 (or as booleans spelled 1 and 0), which a reader would be shown.
    fn with_booleans_restored(
        results: QueryResults<'static>,
        query: &spargebra::Query,
    ) -> QueryResults<'static> {
        let spargebra::Query::Select { pattern, .. } = query else {
            return results;
        };
        let mut tests = HashSet::new();
        tested_variables(pattern, &mut tests);
        let QueryResults::Solutions(solutions) = results else {
            return results;
        };
        if tests.is_empty() {
            return QueryResults::Solutions(solutions);
        }
        let variables: Arc<[Variable]> = solutions.variables().into();
        let is_test: Vec<bool> = variables.iter().map(|v| tests.contains(v)).collect();
        let rows = solutions.map(move |solution| {
            let solution = solution?;
            Ok(solution
                .values()
                .iter()
                .zip(&is_test)
                .map(|(value, &test)| match value {
                    Some(Term::Literal(l)) if test => Some(match (l.datatype(), l.value()) {
                        (xsd::INTEGER | xsd::BOOLEAN, "1") => Literal::from(true).into(),
                        (xsd::INTEGER | xsd::BOOLEAN, "0") => Literal::from(false).into(),
                        _ => Term::Literal(l.clone()),
                    }),
                    other => other.clone(),
                })
                .collect())
        });
        QueryResults::Solutions(QuerySolutionIter::from_tuples(variables, rows))
    }

    /// The variables `pattern` binds (`BIND(... AS ?v)`, a SELECT expression) to the
    /// value of a test.
    fn tested_variables(pattern: &GraphPattern, out: &mut HashSet<Variable>) {
        match pattern {
            GraphPattern::Extend {
                inner,
                variable,
                expression,
            } => {
                if is_test(expression) {
                    out.insert(variable.clone());
                }
                tested_variables(inner, out);
            }
            GraphPattern::Join { left, right }
            | GraphPattern::LeftJoin { left, right, .. }
            | GraphPattern::Lateral { left, right }
            | GraphPattern::Union { left, right }
            | GraphPattern::Minus { left, right } => {
                tested_variables(left, out);
                tested_variables(right, out);
            }
            GraphPattern::Filter { inner, .. }
            | GraphPattern::Graph { inner, .. }
            | GraphPattern::OrderBy { inner, .. }
            | GraphPattern::Project { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner }
            | GraphPattern::Slice { inner, .. }
            | GraphPattern::Group { inner, .. }
            | GraphPattern::Service { inner, .. } => tested_variables(inner, out),
            GraphPattern::Bgp { .. } | GraphPattern::Path { .. } | GraphPattern::Values { .. } => {}
        }
    }

    /// Whether an expression's value is a boolean.
    fn is_test(expression: &Expression) -> bool {
        use spargebra::algebra::Function as F;
        match expression {
            Expression::Or(..)
            | Expression::And(..)
            | Expression::Equal(..)
            | Expression::SameTerm(..)
            | Expression::Greater(..)
            | Expression::GreaterOrEqual(..)
            | Expression::Less(..)
            | Expression::LessOrEqual(..)
            | Expression::In(..)
            | Expression::Not(..)
            | Expression::Exists(..)
            | Expression::Bound(..) => true,
            Expression::Literal(l) => l.datatype() == xsd::BOOLEAN,
            Expression::If(_, then, otherwise) => is_test(then) && is_test(otherwise),
            Expression::FunctionCall(f, _) => matches!(
                f,
                F::LangMatches
                    | F::Contains
                    | F::StrStarts
                    | F::StrEnds
                    | F::IsIri
                    | F::IsBlank
                    | F::IsLiteral
                    | F::IsNumeric
                    | F::Regex
            ),
            _ => false,
        }
    }

    /// `text` with each `rdfs:subClassOf+` (and `rdfs:subPropertyOf+`) path spelled out
    /// as the alternatives of one to `depth` steps: Virtuoso 7 drops every row when a
    /// transitive path meets some joins (`?c a cg:Claim ; cg:slug ?s ; a ?k . ?k
    /// rdfs:subClassOf+ cg:Claim` gives none), and the hierarchy is as deep as the data
    /// says, so the bounded form matches the same pairs.
    pub fn bounded_hierarchy_paths(text: &str, depth: usize) -> String {
        let mut out = text.to_owned();
        for p in ["rdfs:subClassOf", "rdfs:subPropertyOf"] {
            let steps: Vec<String> = (1..=depth.max(1)).map(|n| vec![p; n].join("/")).collect();
            out = out.replace(&format!("{p}+"), &format!("({})", steps.join("|")));
        }
        out
    }

    /// `query` with only `page` of its solutions: a LIMIT/OFFSET after its own
    /// modifiers (every saved query orders its rows completely), or around it when it
    /// has a slice of its own.
    fn paged(query: &str, page: Page) -> String {
        let slice = match page.limit {
            Some(limit) => format!("LIMIT {limit} OFFSET {}", page.offset),
            None => format!("OFFSET {}", page.offset),
        };
        let tail = &query[query.rfind('}').map_or(0, |i| i + 1)..];
        let upper = tail.to_ascii_uppercase();
        if upper.contains("LIMIT") || upper.contains("OFFSET") {
            format!("SELECT * WHERE {{ {{ {query} }} }} {slice}")
        } else {
            format!("{query}\n{slice}")
        }
    }
}
