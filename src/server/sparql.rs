//! The SPARQL 1.1 Protocol endpoint at `/sparql`, and the query page a browser gets there.
//!
//! Queries come by GET (`query=`), by POST form-encoded, or by POST with
//! `application/sparql-query`; `default-graph-uri` / `named-graph-uri` replace the
//! query's dataset. Every query runs through [`catalog::run_in`] (the project's
//! prefixes predeclared, relative IRIs resolved against the store's base) within the
//! server's time and size limits, in a query slot on a blocking thread, and is
//! serialized there too. Results are negotiated by `Accept`: SPARQL JSON (default),
//! XML, CSV, TSV for solutions and booleans; Turtle (default), N-Triples, JSON-LD and
//! RDF/XML for CONSTRUCT and DESCRIBE; HTML for a browser. SPARQL Update is refused:
//! the endpoint is read-only.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{NamedNode, Term};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::Variable;
use serde::Serialize;

use super::negotiate;
use super::{AppError, AppState};
use crate::catalog::{self, Limits, Outcome, QueryContext};
use crate::vocab;

/// Media types for SELECT results, the default first.
pub const SOLUTION_TYPES: &[&str] = &[
    "application/sparql-results+json",
    "application/json",
    "application/sparql-results+xml",
    "application/xml",
    "text/csv",
    "text/tab-separated-values",
    HTML,
];
/// Media types for ASK results (CSV and TSV have no boolean form in the standard).
pub const BOOLEAN_TYPES: &[&str] = &[
    "application/sparql-results+json",
    "application/json",
    "application/sparql-results+xml",
    "application/xml",
    HTML,
];
/// Media types for CONSTRUCT and DESCRIBE results.
pub const GRAPH_TYPES: &[&str] = &[
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    HTML,
];
const HTML: &str = "text/html";

/// The example in the editor of an empty query page.
const EXAMPLE_QUERY: &str = "# The prefixes cg:, schema:, prov:, oa:, rdf:, rdfs:, owl:, xsd:, skos:, dct: and wd: are predeclared.
SELECT ?claim ?kind ?claimantLabel ?statement WHERE {
  ?claim a ?class ;
         cg:claimant ?claimant ;
         cg:statement ?statement .
  ?class rdfs:subClassOf* cg:Claim ; rdfs:label ?kind FILTER(lang(?kind) = \"en\")
  OPTIONAL { ?claimant rdfs:label ?claimantLabel FILTER(lang(?claimantLabel) = \"en\") }
}
ORDER BY ?claim
LIMIT 50
";

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/sparql", get(query_get).post(query_post))
        .route("/sparql/", get(query_get).post(query_post))
}

/// The protocol parameters of one request, from the URL and (for forms) the body.
#[derive(Debug, Default)]
struct ProtocolParams {
    query: Vec<String>,
    update: Vec<String>,
    default_graphs: Vec<String>,
    named_graphs: Vec<String>,
    /// The query page's "pick a saved query" link: `?example=NAME`.
    example: Option<String>,
}

impl ProtocolParams {
    fn add(&mut self, encoded: &[u8]) {
        for (key, value) in form_urlencoded::parse(encoded) {
            match key.as_ref() {
                "query" => self.query.push(value.into_owned()),
                "update" => self.update.push(value.into_owned()),
                "default-graph-uri" => self.default_graphs.push(value.into_owned()),
                "named-graph-uri" => self.named_graphs.push(value.into_owned()),
                "example" => self.example = Some(value.into_owned()),
                _ => {}
            }
        }
    }

    /// The dataset the request names, checked; `None` fields leave the query's own.
    fn context(&self, base: &str) -> Result<QueryContext, AppError> {
        let iris = |name: &str, values: &[String]| -> Result<Vec<NamedNode>, AppError> {
            values
                .iter()
                .map(|v| {
                    NamedNode::new(v.as_str()).map_err(|e| {
                        AppError::BadRequest(format!("{name} '{v}' is not an absolute IRI: {e}"))
                    })
                })
                .collect()
        };
        let named_dataset = !self.default_graphs.is_empty() || !self.named_graphs.is_empty();
        Ok(QueryContext {
            base_iri: Some(base.to_owned()),
            default_graphs: named_dataset
                .then(|| iris("default-graph-uri", &self.default_graphs))
                .transpose()?,
            named_graphs: named_dataset
                .then(|| iris("named-graph-uri", &self.named_graphs))
                .transpose()?,
        })
    }

    /// The one query of the request.
    fn single_query(&mut self) -> Result<Option<String>, AppError> {
        if !self.update.is_empty() {
            return Err(read_only());
        }
        match self.query.len() {
            0 => Ok(None),
            1 => Ok(self.query.pop()),
            n => Err(AppError::BadRequest(format!(
                "the request carries {n} 'query' parameters; send exactly one"
            ))),
        }
    }
}

fn read_only() -> AppError {
    AppError::Forbidden(
        "this endpoint is read-only: SPARQL Update is not accepted over HTTP".into(),
    )
}

fn accept(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok())
}

async fn query_get(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let mut params = ProtocolParams::default();
    params.add(raw.unwrap_or_default().as_bytes());
    respond(state, params, None, &headers).await
}

async fn query_post(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut params = ProtocolParams::default();
    params.add(raw.unwrap_or_default().as_bytes());
    let direct = match read_post_body(&headers, &body, &mut params) {
        Ok(direct) => direct,
        Err(e) => return error_response(&state, e, &headers, String::new()),
    };
    respond(state, params, direct, &headers).await
}

/// Reads a POST body by its media type: a form adds to `params`, a direct query is
/// returned. Anything else is refused with what would have been accepted.
fn read_post_body(
    headers: &HeaderMap,
    body: &[u8],
    params: &mut ProtocolParams,
) -> Result<Option<String>, AppError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut parts = content_type.split(';');
    let media_type = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let charset = parts
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, v)| v.trim().trim_matches('"').to_ascii_lowercase());
    if let Some(charset) = &charset {
        if charset != "utf-8" && charset != "utf8" {
            return Err(AppError::UnsupportedMediaType(format!(
                "the request body is in '{charset}'; this endpoint reads UTF-8 only"
            )));
        }
    }
    match media_type.as_str() {
        "application/x-www-form-urlencoded" => {
            params.add(body);
            Ok(None)
        }
        "application/sparql-query" => {
            let text = std::str::from_utf8(body)
                .map_err(|e| AppError::BadRequest(format!("the query is not valid UTF-8: {e}")))?;
            Ok(Some(text.to_owned()))
        }
        "application/sparql-update" => Err(read_only()),
        "" => Err(AppError::UnsupportedMediaType(
            "a POST needs a Content-Type: application/sparql-query or application/x-www-form-urlencoded".into(),
        )),
        other => Err(AppError::UnsupportedMediaType(format!(
            "cannot read a '{other}' body; send application/sparql-query or application/x-www-form-urlencoded"
        ))),
    }
}

async fn respond(
    state: Arc<AppState>,
    mut params: ProtocolParams,
    direct: Option<String>,
    headers: &HeaderMap,
) -> Response {
    let query = match (direct, params.single_query()) {
        (_, Err(e)) => return error_response(&state, e, headers, String::new()),
        (Some(_), Ok(Some(_))) => {
            let e = AppError::BadRequest(
                "a direct POST carries its query in the body; do not also send 'query='".into(),
            );
            return error_response(&state, e, headers, String::new());
        }
        (Some(q), Ok(None)) | (None, Ok(Some(q))) => q,
        (None, Ok(None)) => {
            if negotiate::prefers(accept(headers), HTML, &[HTML, SOLUTION_TYPES[0]]) {
                return query_page(state, params.example.take()).await;
            }
            let e = AppError::BadRequest("no query: send query=... (GET or form POST) or a POST body of type application/sparql-query".into());
            return error_response(&state, e, headers, String::new());
        }
    };
    let context = match params.context(state.store.iris().base()) {
        Ok(c) => c,
        Err(e) => return error_response(&state, e, headers, query),
    };
    let request = QueryRequest {
        query: query.clone(),
        context,
        accept: accept(headers).map(str::to_owned),
    };
    let started = Instant::now();
    let result = state.answer_query(request).await;
    match result {
        Ok(Answer::Serialized(media_type, body)) => with_headers(StatusCode::OK, media_type, body),
        Ok(Answer::Page(outcome)) => {
            let elapsed = started.elapsed();
            let page = QueryPage::new(&state, query, None).with_outcome(&state, &outcome, elapsed);
            page.render(&state)
        }
        Err(e) => error_response(&state, e, headers, query),
    }
}

/// One user query as the endpoint received it.
#[derive(Debug, Clone)]
pub struct QueryRequest {
    pub query: String,
    pub context: QueryContext,
    /// The request's Accept header.
    pub accept: Option<String>,
}

/// What a query comes to: bytes in the negotiated media type, or (for a browser) the
/// outcome to show on the query page.
pub enum Answer {
    Serialized(&'static str, Vec<u8>),
    Page(Outcome),
}

/// Runs a query within `limits` and negotiates its media type: the work of a query
/// slot, in the server's process or in a query worker's.
pub fn answer_query(
    store: &crate::store::GraphStore,
    request: &QueryRequest,
    limits: Limits,
) -> Result<Answer, AppError> {
    let outcome = catalog::run_in(store, &request.query, &[], limits, &request.context)?;
    let offers = offers_for(&outcome);
    let media_type = negotiate::choose(request.accept.as_deref(), offers)
        .ok_or_else(|| AppError::NotAcceptable(offers.to_vec()))?;
    if media_type == HTML {
        return Ok(Answer::Page(outcome));
    }
    Ok(Answer::Serialized(
        media_type,
        serialize(&outcome, media_type)?,
    ))
}

/// The media types a kind of outcome can be answered in.
pub fn offers_for(outcome: &Outcome) -> &'static [&'static str] {
    match outcome {
        Outcome::Table(_) => SOLUTION_TYPES,
        Outcome::Boolean(_) => BOOLEAN_TYPES,
        Outcome::Graph(_) => GRAPH_TYPES,
    }
}

fn with_headers(status: StatusCode, media_type: &'static str, body: Vec<u8>) -> Response {
    let mut response = (status, body).into_response();
    let h = response.headers_mut();
    let content_type = if media_type.starts_with("text/") {
        format!("{media_type}; charset=utf-8")
    } else {
        media_type.to_owned()
    };
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type).expect("media types are ASCII"),
    );
    h.insert(header::VARY, HeaderValue::from_static("Accept"));
    // A read-only public endpoint: browser-based SPARQL clients on other origins may use it.
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// A browser gets its error on the query page, with the query still in the editor.
fn error_response(
    state: &AppState,
    error: AppError,
    headers: &HeaderMap,
    query: String,
) -> Response {
    if negotiate::prefers(accept(headers), HTML, &[HTML, SOLUTION_TYPES[0]])
        && !matches!(error, AppError::Internal(_))
    {
        let status = error.status();
        let mut response = QueryPage::new(state, query, Some(error.to_string())).render(state);
        *response.status_mut() = status;
        return response;
    }
    error.into_response()
}

/// Writes a query result in a negotiated (non-HTML) media type.
pub fn serialize(outcome: &Outcome, media_type: &str) -> Result<Vec<u8>, AppError> {
    let mut out = Vec::new();
    match outcome {
        Outcome::Table(table) => {
            let format = results_format(media_type)?;
            let variables: Vec<Variable> = table
                .variables
                .iter()
                .map(|v| Variable::new_unchecked(v.clone()))
                .collect();
            let mut writer = QueryResultsSerializer::from_format(format)
                .serialize_solutions_to_writer(&mut out, variables.clone())
                .map_err(AppError::internal)?;
            for row in &table.rows {
                writer
                    .serialize(
                        variables.iter().zip(row).filter_map(|(v, cell)| {
                            cell.as_ref().map(|c| (v.as_ref(), c.as_ref()))
                        }),
                    )
                    .map_err(AppError::internal)?;
            }
            writer.finish().map_err(AppError::internal)?;
        }
        Outcome::Boolean(value) => {
            QueryResultsSerializer::from_format(results_format(media_type)?)
                .serialize_boolean_to_writer(&mut out, *value)
                .map_err(AppError::internal)?;
        }
        Outcome::Graph(triples) => {
            let format = RdfFormat::from_media_type(media_type)
                .ok_or_else(|| AppError::internal(format!("no RDF format for {media_type}")))?;
            let mut serializer = RdfSerializer::from_format(format);
            if matches!(format, RdfFormat::Turtle) {
                for (prefix, ns) in vocab::PREFIXES {
                    serializer = serializer
                        .with_prefix(*prefix, *ns)
                        .expect("the namespaces are valid IRIs");
                }
            }
            let mut writer = serializer.for_writer(&mut out);
            for t in triples {
                writer.serialize_triple(t).map_err(AppError::internal)?;
            }
            writer.finish().map_err(AppError::internal)?;
        }
    }
    Ok(out)
}

fn results_format(media_type: &str) -> Result<QueryResultsFormat, AppError> {
    Ok(match media_type {
        "application/sparql-results+json" | "application/json" => QueryResultsFormat::Json,
        "application/sparql-results+xml" | "application/xml" => QueryResultsFormat::Xml,
        "text/csv" => QueryResultsFormat::Csv,
        "text/tab-separated-values" => QueryResultsFormat::Tsv,
        other => return Err(AppError::internal(format!("no results format for {other}"))),
    })
}

// ---------------------------------------------------------------------------------
// The query page

/// The view model of the query page.
#[derive(Serialize)]
struct QueryPage {
    query: String,
    saved: Vec<SavedLink>,
    error: Option<String>,
    result: Option<ResultView>,
}

#[derive(Serialize)]
struct SavedLink {
    name: String,
    title: String,
    question: Option<u32>,
    description: String,
}

#[derive(Serialize)]
struct ResultView {
    /// "table", "boolean" or "graph".
    kind: &'static str,
    variables: Vec<String>,
    rows: Vec<Vec<Cell>>,
    boolean: Option<bool>,
    count: usize,
    elapsed_ms: u128,
}

/// One result cell: its text, and a link where there is a page for it.
#[derive(Serialize, Default)]
struct Cell {
    text: String,
    href: Option<String>,
    /// A literal's language or datatype, shown small beside it.
    note: Option<String>,
    /// Whether the link leaves this site.
    external: bool,
}

impl QueryPage {
    fn new(state: &AppState, query: String, error: Option<String>) -> Self {
        let saved = state
            .catalog
            .competency()
            .into_iter()
            .map(|q| SavedLink {
                name: q.name.clone(),
                title: q.title.clone(),
                question: q.question,
                description: q.description.clone(),
            })
            .collect();
        QueryPage {
            query,
            saved,
            error,
            result: None,
        }
    }

    fn with_outcome(
        mut self,
        state: &AppState,
        outcome: &Outcome,
        elapsed: std::time::Duration,
    ) -> Self {
        let cell = |t: &Term| cell_for(state, t);
        let elapsed_ms = elapsed.as_millis();
        self.result = Some(match outcome {
            Outcome::Table(t) => ResultView {
                kind: "table",
                variables: t.variables.clone(),
                rows: t
                    .rows
                    .iter()
                    .map(|r| {
                        r.iter()
                            .map(|c| c.as_ref().map(cell).unwrap_or_default())
                            .collect()
                    })
                    .collect(),
                boolean: None,
                count: t.rows.len(),
                elapsed_ms,
            },
            Outcome::Boolean(b) => ResultView {
                kind: "boolean",
                variables: vec![],
                rows: vec![],
                boolean: Some(*b),
                count: 1,
                elapsed_ms,
            },
            Outcome::Graph(triples) => ResultView {
                kind: "graph",
                variables: vec!["subject".into(), "predicate".into(), "object".into()],
                rows: triples
                    .iter()
                    .map(|t| {
                        vec![
                            cell(&t.subject.clone().into()),
                            cell(&t.predicate.clone().into()),
                            cell(&t.object),
                        ]
                    })
                    .collect(),
                boolean: None,
                count: triples.len(),
                elapsed_ms,
            },
        });
        self
    }

    fn render(&self, state: &AppState) -> Response {
        let context = minijinja::context! {
            root => "/", path => "sparql", title => "SPARQL query", alternates => Vec::<()>::new(),
            page => minijinja::Value::from_serialize(self),
        };
        match state.site.renderer().render("sparql.html", context) {
            Ok(html) => with_headers(StatusCode::OK, HTML, html.into_bytes()),
            Err(e) => AppError::internal(format!("rendering templates/sparql.html: {e:#}"))
                .into_response(),
        }
    }
}

/// A term as the query page shows it: IRIs under the base link to their page here.
fn cell_for(state: &AppState, term: &Term) -> Cell {
    match term {
        Term::NamedNode(n) => {
            let iri = n.as_str();
            if let Some(path) = state.store.iris().path_of(iri) {
                Cell {
                    text: crate::store::compact(iri),
                    href: Some(format!("/{path}")),
                    ..Cell::default()
                }
            } else if iri.starts_with("http://") || iri.starts_with("https://") {
                Cell {
                    text: crate::store::compact(iri),
                    href: Some(iri.to_owned()),
                    external: true,
                    ..Cell::default()
                }
            } else {
                Cell {
                    text: iri.to_owned(),
                    ..Cell::default()
                }
            }
        }
        Term::BlankNode(b) => Cell {
            text: format!("_:{}", b.as_str()),
            ..Cell::default()
        },
        Term::Literal(l) => {
            let note = match l.language() {
                Some(lang) => Some(format!("@{lang}")),
                None if l.datatype() == oxigraph::model::vocab::xsd::STRING => None,
                None => Some(crate::store::compact(l.datatype().as_str())),
            };
            Cell {
                text: l.value().to_owned(),
                note,
                ..Cell::default()
            }
        }
        #[allow(unreachable_patterns)]
        other => Cell {
            text: other.to_string(),
            ..Cell::default()
        },
    }
}

/// The query page: the editor holds the example, or the picked saved query with its
/// example parameters bound by a trailing VALUES clause (terms written by Oxigraph,
/// so a parameter value cannot change the query's shape).
async fn query_page(state: Arc<AppState>, example: Option<String>) -> Response {
    let Some(name) = example else {
        return QueryPage::new(&state, EXAMPLE_QUERY.to_owned(), None).render(&state);
    };
    let picked = state
        .blocking(move |state| {
            let saved = state.catalog.get(&name)?;
            let raw: Vec<(String, String)> = saved
                .examples
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let bindings = catalog::bind(&state.store, saved, &raw)?;
            Ok(with_values(&saved.text, &bindings))
        })
        .await;
    match picked {
        Ok(text) => QueryPage::new(&state, text, None).render(&state),
        Err(e) => {
            let status = e.status();
            let mut response =
                QueryPage::new(&state, EXAMPLE_QUERY.to_owned(), Some(e.to_string()))
                    .render(&state);
            *response.status_mut() = status;
            response
        }
    }
}

/// `text` with a trailing `VALUES` clause binding `bindings`: what any SPARQL client
/// sends to run a parameterised query on a standard endpoint.
pub fn with_values(text: &str, bindings: &[(Variable, Term)]) -> String {
    if bindings.is_empty() {
        return text.to_owned();
    }
    let vars: Vec<String> = bindings.iter().map(|(v, _)| v.to_string()).collect();
    let terms: Vec<String> = bindings.iter().map(|(_, t)| t.to_string()).collect();
    format!(
        "{}\nVALUES ({}) {{ ({}) }}\n",
        text.trim_end(),
        vars.join(" "),
        terms.join(" ")
    )
}
