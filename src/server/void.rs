//! `/.well-known/void`: a VoID description of the dataset this server holds.
//!
//! The counts come from two internal saved queries (`queries/void-stats.rq`,
//! `queries/void-classes.rq`); the rest says where things are: the SPARQL endpoint on
//! this server, the IRI space of the dataset's resources, the vocabularies it uses and
//! the RDF syntaxes it answers in. Turtle by default, or N-Triples, JSON-LD, RDF/XML.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use oxigraph::io::RdfFormat;
use oxigraph::model::{BlankNode, GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term};

use super::negotiate;
use super::{AppError, AppState};
use crate::catalog::{self, Limits, Outcome};
use crate::vocab::{self, rdf};

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

async fn void_document(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let media_type = negotiate::choose(accept, OFFERS)
        .ok_or_else(|| AppError::NotAcceptable(OFFERS.to_vec()))?;
    let origin = origin(&headers);
    let body = state
        .blocking(move |state| {
            let quads = description(state, &origin)?;
            let format =
                RdfFormat::from_media_type(media_type).expect("the offers are RDF media types");
            crate::describe::serialize(&quads, format).map_err(AppError::internal)
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
        for row in &t.rows {
            if let (Some(Some(class)), Some(Some(count))) = (row.get(ci), row.get(ni)) {
                let partition: NamedOrBlankNode = BlankNode::default().into();
                add(d.clone(), term("classPartition"), partition.clone().into());
                add(partition.clone(), term("class"), class.clone());
                add(partition, term("entities"), count.clone());
            }
        }
    }
    Ok(out)
}
