//! The SPARQL 1.1 Protocol endpoint at `/sparql`, and the query page a browser gets there.
//!
//! Queries come by GET (`query=`), by POST form-encoded, or by POST with
//! `application/sparql-query`; `default-graph-uri` / `named-graph-uri` replace the
//! query's dataset. Every query runs through [`catalog::run_in`] (the project's
//! prefixes predeclared, relative IRIs resolved against the store's base) within the
//! server's time and size limits, in a query slot on a blocking thread, and is
//! serialized there too. Results are negotiated by `Accept`: SPARQL JSON (default),
//! XML, CSV, TSV for solutions and booleans; Turtle (default), N-Triples, JSON-LD and
//! RDF/XML for CONSTRUCT and DESCRIBE; HTML for a browser. A `format=` parameter
//! (`json`, `xml`, `csv`, `tsv`, `ttl`, `nt`, `jsonld`, `rdf`) overrides `Accept` and
//! makes the answer a download. SPARQL Update is refused: the endpoint is read-only.
//!
//! The browser's page ([`QueryPageBase`] plus a result) has a highlighting, completing
//! editor, the project's prefixes, the saved queries as examples, and results as a table
//! with each IRI's label beside it and download links for the same query.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{GraphNameRef, NamedNode, NamedNodeRef, Term};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::Variable;
use serde::Serialize;

use super::negotiate;
use super::{AppError, AppState};
use crate::model::vocab;
use crate::read::catalog::{self, Limits, Outcome, QueryContext};
pub use crate::read::view::query_page::with_values;
use crate::read::view::query_page::{QueryPageBase, DEFAULT_QUERY};

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
    /// The result format named in the URL (`format=csv`), overriding `Accept`.
    format: Option<String>,
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
                "format" => self.format = Some(value.into_owned()),
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
        Err(e) => return error_response(&state, e, &headers, String::new()).await,
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
        (_, Err(e)) => return error_response(&state, e, headers, String::new()).await,
        (Some(_), Ok(Some(_))) => {
            let e = AppError::BadRequest(
                "a direct POST carries its query in the body; do not also send 'query='".into(),
            );
            return error_response(&state, e, headers, String::new()).await;
        }
        (Some(q), Ok(None)) | (None, Ok(Some(q))) => q,
        (None, Ok(None)) => {
            if negotiate::prefers(accept(headers), HTML, &[HTML, SOLUTION_TYPES[0]]) {
                return query_page(state, params.example.take()).await;
            }
            let e = AppError::BadRequest("no query: send query=... (GET or form POST) or a POST body of type application/sparql-query".into());
            return error_response(&state, e, headers, String::new()).await;
        }
    };
    let requested = match params
        .format
        .as_deref()
        .map(DownloadFormat::parse)
        .transpose()
    {
        Ok(f) => f,
        Err(e) => return error_response(&state, e, headers, query).await,
    };
    let context = match params.context(state.store.iris().base()) {
        Ok(c) => c,
        Err(e) => return error_response(&state, e, headers, query).await,
    };
    let request = QueryRequest {
        query: query.clone(),
        context,
        accept: accept(headers).map(str::to_owned),
        format: requested,
    };
    let started = Instant::now();
    let result = state.answer_query(request).await;
    match result {
        Ok(Answer::Serialized(media_type, body)) => {
            let mut response = with_headers(StatusCode::OK, media_type, body);
            if let Some(format) = requested {
                let disposition = format!(
                    "attachment; filename=\"query-results.{}\"",
                    format.extension(media_type)
                );
                response.headers_mut().insert(
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_str(&disposition).expect("ASCII file name"),
                );
            }
            response
        }
        Ok(Answer::Page(outcome)) => {
            let elapsed = started.elapsed();
            page_response(
                state,
                query,
                Shown::Result(outcome, elapsed),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => error_response(&state, e, headers, query).await,
    }
}

/// One user query as the endpoint received it.
#[derive(Debug, Clone)]
pub struct QueryRequest {
    pub query: String,
    pub context: QueryContext,
    /// The request's Accept header.
    pub accept: Option<String>,
    /// The format named by `format=`, which overrides `Accept` (the answer is a download).
    pub format: Option<DownloadFormat>,
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
    let media_type = match request.format {
        Some(format) => format.media_type(&outcome)?,
        None => {
            let offers = offers_for(&outcome);
            negotiate::choose(request.accept.as_deref(), offers)
                .ok_or_else(|| AppError::NotAcceptable(offers.to_vec()))?
        }
    };
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

/// A result format named by the `format=` parameter (`json`, `csv`, `tsv`, `xml`, `ttl`,
/// `nt`, `jsonld`, or a media type the endpoint offers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DownloadFormat {
    Json,
    Xml,
    Csv,
    Tsv,
    Turtle,
    NTriples,
    JsonLd,
    RdfXml,
}

impl DownloadFormat {
    const NAMES: &'static str =
        "json, xml, csv, tsv (SELECT and ASK), ttl, nt, jsonld, rdf (CONSTRUCT and DESCRIBE)";

    pub fn parse(name: &str) -> Result<Self, AppError> {
        let name = name.trim().to_ascii_lowercase();
        Ok(match name.as_str() {
            "json" | "srj" | "application/sparql-results+json" | "application/json" => {
                DownloadFormat::Json
            }
            "xml" | "srx" | "application/sparql-results+xml" | "application/xml" => {
                DownloadFormat::Xml
            }
            "csv" | "text/csv" => DownloadFormat::Csv,
            "tsv" | "text/tab-separated-values" => DownloadFormat::Tsv,
            "ttl" | "turtle" | "text/turtle" => DownloadFormat::Turtle,
            "nt" | "ntriples" | "n-triples" | "application/n-triples" => DownloadFormat::NTriples,
            "jsonld" | "json-ld" | "application/ld+json" => DownloadFormat::JsonLd,
            "rdf" | "rdfxml" | "application/rdf+xml" => DownloadFormat::RdfXml,
            _ => {
                return Err(AppError::BadRequest(format!(
                    "format={name} is not a result format of this endpoint; use one of {}",
                    Self::NAMES
                )))
            }
        })
    }

    /// The media type this format takes for `outcome`. `json` and `xml` follow the
    /// result: SPARQL results for a table or boolean, JSON-LD or RDF/XML for a graph.
    pub fn media_type(self, outcome: &Outcome) -> Result<&'static str, AppError> {
        use DownloadFormat::*;
        let chosen = match (outcome, self) {
            (Outcome::Table(_) | Outcome::Boolean(_), Json) => "application/sparql-results+json",
            (Outcome::Table(_) | Outcome::Boolean(_), Xml) => "application/sparql-results+xml",
            (Outcome::Table(_), Csv) => "text/csv",
            (Outcome::Table(_), Tsv) => "text/tab-separated-values",
            (Outcome::Graph(_), Turtle) => "text/turtle",
            (Outcome::Graph(_), NTriples) => "application/n-triples",
            (Outcome::Graph(_), Json | JsonLd) => "application/ld+json",
            (Outcome::Graph(_), Xml | RdfXml) => "application/rdf+xml",
            (Outcome::Table(_), _) => {
                return Err(AppError::BadRequest(
                    "a SELECT query answers in json, xml, csv or tsv; ttl, nt, jsonld and rdf are for CONSTRUCT and DESCRIBE".into(),
                ))
            }
            (Outcome::Boolean(_), _) => {
                return Err(AppError::BadRequest(
                    "an ASK query answers in json or xml (CSV and TSV have no boolean form)"
                        .into(),
                ))
            }
            (Outcome::Graph(_), _) => {
                return Err(AppError::BadRequest(
                    "a CONSTRUCT or DESCRIBE query answers in ttl, nt, jsonld (or json) and rdf (or xml); csv and tsv are for SELECT".into(),
                ))
            }
        };
        Ok(chosen)
    }

    /// The file name extension of a download in `media_type`.
    pub fn extension(self, media_type: &str) -> &'static str {
        match media_type {
            "application/sparql-results+json" => "json",
            "application/sparql-results+xml" => "xml",
            "text/csv" => "csv",
            "text/tab-separated-values" => "tsv",
            "text/turtle" => "ttl",
            "application/n-triples" => "nt",
            "application/ld+json" => "jsonld",
            _ => "rdf",
        }
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
async fn error_response(
    state: &Arc<AppState>,
    error: AppError,
    headers: &HeaderMap,
    query: String,
) -> Response {
    if negotiate::prefers(accept(headers), HTML, &[HTML, SOLUTION_TYPES[0]])
        && !matches!(error, AppError::Internal(_))
    {
        let status = error.status();
        return page_response(
            Arc::clone(state),
            query,
            Shown::Error(error.to_string()),
            status,
        )
        .await;
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

/// How many rows of a result the page shows; the download links carry all of them.
const PAGE_ROWS: usize = 1000;

/// The view model of the query page: the editor, prefixes and examples
/// ([`QueryPageBase`]), and a result or an error.
#[derive(Serialize)]
struct QueryPage {
    #[serde(flatten)]
    base: QueryPageBase,
    error: Option<String>,
    result: Option<ResultView>,
}

#[derive(Serialize)]
struct ResultView {
    /// "table", "boolean" or "graph".
    kind: &'static str,
    variables: Vec<String>,
    rows: Vec<Vec<Cell>>,
    boolean: Option<bool>,
    /// Rows (or triples) in the result.
    count: usize,
    /// Rows shown on the page (at most [`PAGE_ROWS`]).
    shown: usize,
    elapsed_ms: u128,
    downloads: Vec<DownloadLink>,
}

/// A link to the same query's result as a file.
#[derive(Serialize)]
struct DownloadLink {
    label: &'static str,
    href: String,
}

/// One result cell: its text, and for an IRI a link and the resource's label.
#[derive(Serialize, Default)]
struct Cell {
    text: String,
    href: Option<String>,
    /// The resource's label (`rdfs:label`, `skos:prefLabel`, `schema:name`, a headline
    /// or a claim's statement), shown beside its IRI.
    label: Option<String>,
    /// A literal's language or datatype, shown small beside it.
    note: Option<String>,
    /// The literal's language, for the cell's `lang` attribute.
    lang: Option<String>,
    /// Whether the link leaves this site.
    external: bool,
}

/// What the query page shows below the editor.
enum Shown {
    Nothing,
    Error(String),
    /// A result, and how long the query took.
    Result(Outcome, std::time::Duration),
}

/// Renders the query page on a blocking thread (its examples and labels read the store).
async fn page_response(
    state: Arc<AppState>,
    query: String,
    shown: Shown,
    status: StatusCode,
) -> Response {
    let rendered = state
        .blocking(move |state| {
            let src = state.site.source(&state.store);
            let mut page = QueryPage {
                base: QueryPageBase::new(&src, Some(query.clone())),
                error: None,
                result: None,
            };
            match shown {
                Shown::Nothing => {}
                Shown::Error(message) => page.error = Some(message),
                Shown::Result(outcome, elapsed) => {
                    page.result = Some(result_view(state, &query, &outcome, elapsed))
                }
            }
            Ok(page.render(state))
        })
        .await;
    match rendered {
        Ok(mut response) => {
            if response.status() == StatusCode::OK {
                *response.status_mut() = status;
            }
            response
        }
        Err(e) => e.into_response(),
    }
}

impl QueryPage {
    fn render(&self, state: &AppState) -> Response {
        let context = minijinja::context! {
            root => "/", path => "sparql", title => "SPARQL query", alternates => Vec::<()>::new(), live => true,
            page => minijinja::Value::from_serialize(self),
        };
        match state.site.renderer().render("sparql.html", context) {
            Ok(html) => with_headers(StatusCode::OK, HTML, html.into_bytes()),
            Err(e) => AppError::internal(format!("rendering templates/sparql.html: {e:#}"))
                .into_response(),
        }
    }
}

fn result_view(
    state: &AppState,
    query: &str,
    outcome: &Outcome,
    elapsed: std::time::Duration,
) -> ResultView {
    let mut labels = Labels::new(state);
    let mut cell = |t: &Term| cell_for(state, &mut labels, t);
    let elapsed_ms = elapsed.as_millis();
    let downloads = |formats: &[(&'static str, &str)]| -> Vec<DownloadLink> {
        formats
            .iter()
            .map(|(label, format)| DownloadLink {
                label,
                href: format!(
                    "/sparql?{}",
                    form_urlencoded::Serializer::new(String::new())
                        .append_pair("query", query)
                        .append_pair("format", format)
                        .finish()
                ),
            })
            .collect()
    };
    match outcome {
        Outcome::Table(t) => ResultView {
            kind: "table",
            variables: t.variables.clone(),
            rows: t
                .rows
                .iter()
                .take(PAGE_ROWS)
                .map(|r| {
                    r.iter()
                        .map(|c| c.as_ref().map(&mut cell).unwrap_or_default())
                        .collect()
                })
                .collect(),
            boolean: None,
            count: t.rows.len(),
            shown: t.rows.len().min(PAGE_ROWS),
            elapsed_ms,
            downloads: downloads(&[
                ("CSV", "csv"),
                ("TSV", "tsv"),
                ("SPARQL JSON", "json"),
                ("SPARQL XML", "xml"),
            ]),
        },
        Outcome::Boolean(b) => ResultView {
            kind: "boolean",
            variables: vec![],
            rows: vec![],
            boolean: Some(*b),
            count: 1,
            shown: 1,
            elapsed_ms,
            downloads: downloads(&[("SPARQL JSON", "json"), ("SPARQL XML", "xml")]),
        },
        Outcome::Graph(triples) => ResultView {
            kind: "graph",
            variables: vec!["subject".into(), "predicate".into(), "object".into()],
            rows: triples
                .iter()
                .take(PAGE_ROWS)
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
            shown: triples.len().min(PAGE_ROWS),
            elapsed_ms,
            downloads: downloads(&[
                ("Turtle", "ttl"),
                ("N-Triples", "nt"),
                ("JSON-LD", "jsonld"),
                ("RDF/XML", "rdf"),
            ]),
        },
    }
}

/// The labels of the IRIs in a result, looked up once each in the default graph.
struct Labels<'a> {
    state: &'a AppState,
    known: HashMap<String, Option<String>>,
}

impl<'a> Labels<'a> {
    fn new(state: &'a AppState) -> Self {
        Labels {
            state,
            known: HashMap::new(),
        }
    }

    /// The English label of `iri`, else one in any language, from the first of
    /// `rdfs:label`, `skos:prefLabel`, `schema:name`, `schema:headline`, `cg:statement`
    /// that it has.
    fn of(&mut self, iri: NamedNodeRef<'_>) -> Option<String> {
        if let Some(label) = self.known.get(iri.as_str()) {
            return label.clone();
        }
        let store = &self.state.store;
        let mut found = None;
        for predicate in [
            vocab::rdfs::LABEL,
            vocab::skos::PREF_LABEL,
            vocab::schema::NAME,
            vocab::schema::HEADLINE,
            vocab::cg::STATEMENT,
        ] {
            let mut any = None;
            for quad in store
                .quads_for_pattern(
                    Some(iri.into()),
                    Some(predicate),
                    None,
                    Some(GraphNameRef::DefaultGraph),
                )
                .flatten()
            {
                if let Term::Literal(l) = quad.object {
                    if l.language() == Some("en") {
                        any = Some(l.value().to_owned());
                        break;
                    }
                    any.get_or_insert_with(|| l.value().to_owned());
                }
            }
            if any.is_some() {
                found = any;
                break;
            }
        }
        self.known.insert(iri.as_str().to_owned(), found.clone());
        found
    }
}

/// A term as the query page shows it: IRIs under the base link to their page here, and
/// every IRI with a label shows it.
fn cell_for(state: &AppState, labels: &mut Labels<'_>, term: &Term) -> Cell {
    match term {
        Term::NamedNode(n) => {
            let iri = n.as_str();
            let ours = state.store.iris().path_of(iri);
            // A resource of ours links to its page here; the ontology's terms (`cg:Claim`)
            // are under the base too but have no page; other web IRIs link out.
            let (href, external) = match ours {
                Some(path) if path.starts_with("id/") => (Some(format!("/{path}")), false),
                None if iri.starts_with("http://") || iri.starts_with("https://") => {
                    (Some(iri.to_owned()), true)
                }
                _ => (None, false),
            };
            let compact = crate::store::compact(iri);
            Cell {
                // Our resources in full (their path is the point); vocabulary terms prefixed.
                text: if href.is_some() && !external || compact == iri {
                    format!("<{iri}>")
                } else {
                    compact
                },
                href,
                label: labels.of(n.as_ref()),
                external,
                ..Cell::default()
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
                lang: l.language().map(str::to_owned),
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

/// The query page: the editor holds the default example, or the picked saved query with
/// its example parameters bound by a trailing VALUES clause.
async fn query_page(state: Arc<AppState>, example: Option<String>) -> Response {
    let Some(name) = example else {
        return page_response(
            state,
            DEFAULT_QUERY.to_owned(),
            Shown::Nothing,
            StatusCode::OK,
        )
        .await;
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
        Ok(text) => page_response(state, text, Shown::Nothing, StatusCode::OK).await,
        Err(e) => {
            let status = e.status();
            page_response(
                state,
                DEFAULT_QUERY.to_owned(),
                Shown::Error(e.to_string()),
                status,
            )
            .await
        }
    }
}
