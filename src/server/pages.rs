//! The site's pages, rendered live from the store by the same code as `claimgraph build`.
//!
//! [`Pages`] is the server's handle on the page renderer (`claimgraph::site::Site`,
//! built on the `pages` branch): `render(store, "id/org/hikvision.html")` gives the
//! page or `None`. The router serves `/` as `index.html` and any other path outside
//! `/id/`, `/sparql` and `/.well-known/` as the page of that path; `/id/...` pages are
//! reached through [`super::linked_data`]'s negotiation.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::{AppError, AppState};
use crate::graph::Iris;
use crate::store::GraphStore;

/// A rendered page or file of the site.
pub struct Rendered {
    pub media_type: &'static str,
    pub body: Vec<u8>,
}

/// The page renderer the server answers with.
pub struct Pages {
    _private: (),
}

impl Pages {
    pub fn new(_iris: &Iris) -> Result<Self, AppError> {
        Ok(Pages { _private: () })
    }

    /// The page at `path` (relative, e.g. `index.html`), or `None` when the site has no
    /// such page.
    pub fn render(&self, _store: &GraphStore, _path: &str) -> Result<Option<Rendered>, AppError> {
        // The site renderer lands with the `pages` branch; until it is merged the server
        // has no HTML pages (the SPARQL query page and the RDF descriptions work without).
        Ok(None)
    }
}

pub fn router() -> Router<Arc<AppState>> {
    Router::new().route("/", get(index)).route("/{*path}", get(page))
}

async fn index(State(state): State<Arc<AppState>>) -> Result<Response, AppError> {
    serve_page(state, "index.html".to_owned()).await
}

async fn page(State(state): State<Arc<AppState>>, Path(path): Path<String>) -> Result<Response, AppError> {
    serve_page(state, path).await
}

/// Renders `path` on a blocking thread (pages read the store); 404 when there is no such page.
pub async fn serve_page(state: Arc<AppState>, path: String) -> Result<Response, AppError> {
    if path.split('/').any(|segment| segment == ".." || segment.is_empty()) {
        return Err(AppError::NotFound(format!("no page at /{path}")));
    }
    let shown = path.clone();
    let rendered = state.blocking(move |state| state.pages.render(&state.store, &path)).await?;
    let Some(rendered) = rendered else {
        return Err(AppError::NotFound(format!("no page at /{shown}")));
    };
    let mut response = (StatusCode::OK, rendered.body).into_response();
    let content_type = if rendered.media_type.starts_with("text/") {
        format!("{}; charset=utf-8", rendered.media_type)
    } else {
        rendered.media_type.to_owned()
    };
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_str(&content_type).map_err(AppError::internal)?);
    Ok(response)
}
