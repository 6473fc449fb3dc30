//! `/.well-known/void`: a VoID description of the dataset this server holds.
//!
//! The counts come from two internal saved queries (`queries/void-stats.rq`,
//! `queries/void-classes.rq`); the rest says where things are: the SPARQL endpoint on
//! this server, the IRI space of the dataset's resources, the vocabularies it uses and
//! the RDF syntaxes it answers in. Turtle by default, or N-Triples, JSON-LD, RDF/XML by
//! `Accept` or `?format=ttl|nt|jsonld|rdf`; a browser (which asks for HTML) gets the same
//! description as a page (`templates/void.html`).

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use oxigraph::io::RdfFormat;
use oxigraph::model::{BlankNode, GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term};
use serde::Serialize;

use super::negotiate;
use super::{AppError, AppState};
use crate::model::vocab::{self, rdf};
use crate::read::catalog::{self, Limits, Outcome};

const VOID: &str = "http://rdfs.org/ns/void#";
const FORMATS: &str = "http://www.w3.org/ns/formats/";
const OFFERS: &[&str] = &[
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
];

pub fn router() -> Router<Arc<AppState>> {
    Router::new().route("/.well-known/void", get(void_document))
}

/// The `?format=` names of the offers, in their order.
const FORMAT_NAMES: &[(&str, &str)] = &[
    ("ttl", "Turtle"),
    ("nt", "N-Triples"),
    ("jsonld", "JSON-LD"),
    ("rdf", "RDF/XML"),
];

async fn void_document(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let format = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "format")
        .map(|(_, v)| v.into_owned());
    let origin = origin(&headers);
    let media_type = match format {
        Some(name) => FORMAT_NAMES
            .iter()
            .position(|(n, _)| *n == name)
            .map(|i| OFFERS[i])
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "format={name} is not offered; use ttl, nt, jsonld or rdf"
                ))
            })?,
        None => {
            let mut with_html = OFFERS.to_vec();
            with_html.push(HTML);
            if negotiate::prefers(accept, HTML, &with_html) {
                return void_page(state, origin).await;
            }
            negotiate::choose(accept, OFFERS).ok_or(AppError::NotAcceptable(with_html))?
        }
    };
    let body = state
        .blocking(move |state| {
            let quads = description(state, &origin)?;
            let format =
                RdfFormat::from_media_type(media_type).expect("the offers are RDF media types");
            crate::read::describe::serialize(&quads, format).map_err(AppError::internal)
        })
        .await?;
    let mut response = (StatusCode::OK, body).into_response();
    let content_type = if media_type.starts_with("text/") {
        format!("{media_type}; charset=utf-8")
    } else {
        media_type.to_owned()
    };
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        content_type.parse().expect("ASCII media type"),
    );
    response
        .headers_mut()
        .insert(header::VARY, "Accept".parse().expect("valid header"));
    Ok(response)
}

/// `http://HOST` of the request, when its Host header is a plain host[:port];
/// otherwise the loopback address (a Host header is client input, never pasted as is).
fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let plain = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
    if plain {
        format!("http://{host}")
    } else {
        "http://127.0.0.1".to_owned()
    }
}

const HTML: &str = "text/html";

/// The VoID description as a page for a person.
#[derive(Serialize, Default)]
struct VoidPage {
    title: String,
    description: String,
    endpoint: String,
    uri_space: String,
    vocabularies: Vec<String>,
    features: Vec<String>,
    /// (what, how many), from the statistics.
    counts: Vec<(String, String)>,
    /// (class, instances), most first.
    classes: Vec<(String, String)>,
    downloads: Vec<(&'static str, String)>,
}

async fn void_page(state: Arc<AppState>, origin: String) -> Result<Response, AppError> {
    let html = state
        .blocking(move |state| {
            let quads = description(state, &origin)?;
            let page = void_view(&quads);
            let context = minijinja::context! {
                root => "/", path => ".well-known/void", title => "Dataset description (VoID)",
                alternates => Vec::<()>::new(), page => minijinja::Value::from_serialize(&page),
            };
            state
                .site
                .renderer()
                .render("void.html", context)
                .map_err(|e| AppError::internal(format!("rendering templates/void.html: {e:#}")))
        })
        .await?;
    let mut response = (StatusCode::OK, html).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}

/// Reads the page's facts back from the VoID triples, so page and RDF never disagree.
fn void_view(quads: &[Quad]) -> VoidPage {
    let shown = |t: &Term| match t {
        Term::Literal(l) => l.value().to_owned(),
        Term::NamedNode(n) => crate::store::compact(n.as_str()),
        other => other.to_string(),
    };
    let mut page = VoidPage {
        downloads: FORMAT_NAMES
            .iter()
            .map(|(name, label)| (*label, format!("/.well-known/void?format={name}")))
            .collect(),
        ..VoidPage::default()
    };
    let dataset_predicate = |q: &Quad| matches!(&q.subject, NamedOrBlankNode::NamedNode(n) if n.as_str().ends_with("#dataset"));
    for q in quads.iter().filter(|q| dataset_predicate(q)) {
        let local = q.predicate.as_str();
        let value = shown(&q.object);
        match local.rsplit(['#', '/']).next().unwrap_or(local) {
            "title" => page.title = value,
            "description" => page.description = value,
            "sparqlEndpoint" => page.endpoint = value,
            "uriSpace" => page.uri_space = value,
            "vocabulary" => page.vocabularies.push(value),
            "feature" => {
                let name = value.rsplit('/').next().unwrap_or(&value);
                page.features.push(match name {
                    "RDF_XML" => "RDF/XML".to_owned(),
                    other => other.replace('_', " "),
                })
            }
            "classPartition" | "type" => {}
            name => page.counts.push((name.to_owned(), value)),
        }
    }
    for q in quads
        .iter()
        .filter(|q| q.predicate.as_str() == format!("{VOID}class"))
    {
        let count = quads
            .iter()
            .find(|c| c.subject == q.subject && c.predicate.as_str() == format!("{VOID}entities"))
            .map(|c| shown(&c.object))
            .unwrap_or_default();
        page.classes.push((shown(&q.object), count));
    }
    page.classes.sort_by(|a, b| {
        b.1.parse::<u64>()
            .unwrap_or(0)
            .cmp(&a.1.parse::<u64>().unwrap_or(0))
            .then(a.0.cmp(&b.0))
    });
    page
}

fn term(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{VOID}{local}"))
}

/// The VoID triples (all in the default graph).
fn description(state: &AppState, origin: &str) -> Result<Vec<Quad>, AppError> {
    let iris = state.store.iris();
    let dataset =
        NamedNode::new(format!("{origin}/.well-known/void#dataset")).map_err(AppError::internal)?;
    let endpoint = NamedNode::new(format!("{origin}/sparql")).map_err(AppError::internal)?;
    let mut out = Vec::new();
    let mut add = |s: NamedOrBlankNode, p: NamedNode, o: Term| {
        out.push(Quad::new(s, p, o, GraphName::DefaultGraph))
    };
    let d: NamedOrBlankNode = dataset.clone().into();
    add(d.clone(), rdf::TYPE.into(), term("Dataset").into());
    add(
        d.clone(),
        NamedNode::new_unchecked(format!("{}title", vocab::DCT)),
        Literal::new_language_tagged_literal_unchecked(
            "claimgraph: sourced claims from news articles",
            "en",
        )
        .into(),
    );
    add(
        d.clone(),
        NamedNode::new_unchecked(format!("{}description", vocab::DCT)),
        Literal::new_language_tagged_literal_unchecked(
            "Who said what, in which document, relayed by which article, when, in which words, and who denied or confirmed it.",
            "en",
        )
        .into(),
    );
    add(d.clone(), term("sparqlEndpoint"), endpoint.into());
    add(
        d.clone(),
        term("uriSpace"),
        Literal::new_simple_literal(format!("{}id/", iris.base())).into(),
    );
    for ns in [
        vocab::CG,
        vocab::SCHEMA,
        vocab::PROV,
        vocab::OA,
        vocab::SKOS,
        vocab::RDFS,
        vocab::OWL,
    ] {
        add(
            d.clone(),
            term("vocabulary"),
            NamedNode::new_unchecked(ns).into(),
        );
    }
    for format in [
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
    ] {
        add(
            d.clone(),
            term("feature"),
            NamedNode::new_unchecked(format!("{FORMATS}{format}")).into(),
        );
    }

    let limits = Limits {
        timeout: Some(state.config.query_timeout),
        max_rows: None,
    };
    let stats = catalog::run_saved(&state.store, state.catalog.get("void-stats")?, &[], limits)?;
    if let Outcome::Table(t) = &stats {
        if let Some(row) = t.rows.first() {
            for (column, property) in [
                ("triples", "triples"),
                ("subjects", "distinctSubjects"),
                ("properties", "properties"),
                ("objects", "distinctObjects"),
                ("classes", "classes"),
                ("entities", "entities"),
            ] {
                if let Some(Some(value)) = t.column(column).and_then(|i| row.get(i)) {
                    add(d.clone(), term(property), value.clone());
                }
            }
        }
    }
    let classes = catalog::run_saved(
        &state.store,
        state.catalog.get("void-classes")?,
        &[],
        limits,
    )?;
    if let Outcome::Table(t) = &classes {
        let (Some(ci), Some(ni)) = (t.column("class"), t.column("entities")) else {
            return Err(AppError::internal(
                "queries/void-classes.rq must select ?class and ?entities",
            ));
        };
        for (i, row) in t.rows.iter().enumerate() {
            if let (Some(Some(class)), Some(Some(count))) = (row.get(ci), row.get(ni)) {
                // Numbered, not random, so the same data gives the same bytes (and ETag).
                let partition: NamedOrBlankNode =
                    BlankNode::new_unchecked(format!("partition{i}")).into();
                add(d.clone(), term("classPartition"), partition.clone().into());
                add(partition.clone(), term("class"), class.clone());
                add(partition, term("entities"), count.clone());
            }
        }
    }
    Ok(out)
}
