//! Linked data: every `{base}id/...` IRI (entity, article, document, claim) resolves here.
//!
//! `/id/PATH` is the resource itself; following the Cool URIs practice for things that
//! are not documents, it answers `303 See Other` to the document in the format the
//! `Accept` header prefers: `/id/PATH.html` (the page), `.ttl`, `.jsonld`, `.nt`,
//! `.rdf`, `.nq` or `.trig` (its description from [`crate::read::describe`]). Those document
//! URLs answer directly; `Accept: application/json` gets the JSON-LD, also from a
//! page's `.html` address. An entity's claims are at `/id/PATH.claims.csv` and
//! `.claims.json` (the site's files). Unknown resources get 404, unacceptable types 406
//! with the list of what is on offer.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use oxigraph::io::RdfFormat;
use oxigraph::model::NamedNode;

use super::negotiate;
use super::pages::serve_page;
use super::{AppError, AppState};
use crate::read::describe;

/// The document formats of a resource: (media type, extension), the server's preference
/// first (a client sending `*/*` gets Turtle; a browser asks for HTML explicitly). A
/// client asking for plain `application/json` gets the JSON-LD document.
pub const DOCUMENT_TYPES: &[(&str, &str)] = &[
    ("text/turtle", "ttl"),
    ("text/html", "html"),
    ("application/ld+json", "jsonld"),
    ("application/json", "jsonld"),
    ("application/n-triples", "nt"),
    ("application/rdf+xml", "rdf"),
    ("application/n-quads", "nq"),
    ("application/trig", "trig"),
];

pub fn router() -> Router<Arc<AppState>> {
    Router::new().route("/id/{*rest}", get(resolve))
}

async fn resolve(
    State(state): State<Arc<AppState>>,
    Path(rest): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    // An entity's claims as CSV or JSON are site files beside its page.
    if rest.ends_with(".claims.csv") || rest.ends_with(".claims.json") {
        return serve_page(state, format!("id/{rest}")).await;
    }
    let (stem, extension) = split_extension(&rest);
    let iri = NamedNode::new(
        state
            .store
            .iris()
            .resolve(&format!("id/{stem}"))
            .into_string(),
    )
    .map_err(|_| AppError::NotFound(format!("/id/{rest} is not a resource IRI")))?;
    if extension == Some("html") && !wants_json(&headers) {
        // The page renders to nothing for an unknown resource (404), and a known one is
        // usually in the page cache: no store read first.
        let mut response = serve_page(state, format!("id/{stem}.html")).await?;
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static("Accept"));
        return Ok(response);
    }
    let known = {
        let iri = iri.clone();
        state
            .blocking(move |state| Ok(state.store.describes(&iri)?))
            .await?
    };
    if !known {
        return Err(AppError::NotFound(format!(
            "nothing is known about {}",
            iri.as_str()
        )));
    }
    match extension {
        Some("html") => {
            // A program that asks a page for JSON explicitly gets the resource's JSON-LD.
            let mut response = description(state, iri, "application/ld+json").await?;
            response
                .headers_mut()
                .insert(header::VARY, HeaderValue::from_static("Accept"));
            Ok(response)
        }
        Some(ext) => {
            let media_type = DOCUMENT_TYPES
                .iter()
                .find(|(_, e)| *e == ext)
                .map(|(m, _)| *m)
                .ok_or_else(|| AppError::NotFound(format!("no document format '.{ext}'")))?;
            description(state, iri, media_type).await
        }
        None => {
            let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
            let offers: Vec<&str> = DOCUMENT_TYPES.iter().map(|(m, _)| *m).collect();
            let chosen = negotiate::choose(accept, &offers)
                .ok_or_else(|| AppError::NotAcceptable(offers.clone()))?;
            let ext = DOCUMENT_TYPES
                .iter()
                .find(|(m, _)| *m == chosen)
                .map(|(_, e)| *e)
                .expect("chosen from the offers");
            let mut response = StatusCode::SEE_OTHER.into_response();
            let location = format!("/id/{stem}.{ext}");
            let h = response.headers_mut();
            h.insert(
                header::LOCATION,
                HeaderValue::from_str(&location).map_err(AppError::internal)?,
            );
            h.insert(header::VARY, HeaderValue::from_static("Accept"));
            Ok(response)
        }
    }
}

/// Whether `Accept` names JSON (`application/json` or JSON-LD) and prefers it to HTML.
fn wants_json(headers: &HeaderMap) -> bool {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let offers = ["text/html", "application/ld+json", "application/json"];
    negotiate::prefers(accept, "application/json", &offers)
        || negotiate::prefers(accept, "application/ld+json", &offers)
}

/// `org/hikvision.ttl` -> (`org/hikvision`, Some("ttl")); only known extensions split
/// (ids are slugs, so a dot in the last segment is always an extension).
fn split_extension(rest: &str) -> (&str, Option<&str>) {
    let last = rest.rsplit('/').next().unwrap_or(rest);
    match last.rsplit_once('.') {
        Some((_, ext)) if DOCUMENT_TYPES.iter().any(|(_, e)| *e == ext) => {
            (&rest[..rest.len() - ext.len() - 1], Some(ext))
        }
        _ => (rest, None),
    }
}

async fn description(
    state: Arc<AppState>,
    iri: NamedNode,
    media_type: &'static str,
) -> Result<Response, AppError> {
    let body = state
        .blocking(move |state| {
            let quads = describe::describe(&state.store, iri.as_ref())?;
            let format = RdfFormat::from_media_type(media_type)
                .expect("the document types are RDF media types");
            describe::serialize(&quads, format).map_err(AppError::internal)
        })
        .await?;
    let mut response = (StatusCode::OK, body).into_response();
    let content_type = if media_type.starts_with("text/") {
        format!("{media_type}; charset=utf-8")
    } else {
        media_type.to_owned()
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type).map_err(AppError::internal)?,
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::split_extension;

    #[test]
    fn extensions_split_only_when_known() {
        assert_eq!(
            split_extension("org/hikvision.ttl"),
            ("org/hikvision", Some("ttl"))
        );
        assert_eq!(
            split_extension("claim/a/b.jsonld"),
            ("claim/a/b", Some("jsonld"))
        );
        assert_eq!(split_extension("org/hikvision"), ("org/hikvision", None));
        assert_eq!(split_extension("org/foo.bar"), ("org/foo.bar", None));
    }
}
