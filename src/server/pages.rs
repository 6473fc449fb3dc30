//! The site's pages, rendered live from the store by the same code as `claimgraph build`
//! ([`crate::publish::site::Site::render`]: one render function, files there, responses here).
//!
//! The router serves `/` as `index.html` and any other path outside `/id/`, `/sparql`
//! and `/.well-known/` as the site path of the same name (`/claims.html`,
//! `/assets/site.css`...); `/id/...` pages are reached through
//! [`super::linked_data`]'s negotiation. Pages link relatively, so they work here as
//! they do from disk.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

use super::{AppError, AppState};

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(index))
        .route("/{*path}", get(page))
}

async fn index(State(state): State<Arc<AppState>>) -> Result<Response, AppError> {
    serve_page(state, "index.html".to_owned()).await
}

async fn page(
    State(state): State<Arc<AppState>>,
    Path(path): Path<String>,
) -> Result<Response, AppError> {
    // The static site's copy of the query page; live, the endpoint's own page runs queries.
    if path == "sparql.html" {
        return Ok(Redirect::to("/sparql").into_response());
    }
    serve_page(state, path).await
}

/// Renders `path` in a page slot (pages read the store), listings from the cache; 404
/// when there is no such page.
pub async fn serve_page(state: Arc<AppState>, path: String) -> Result<Response, AppError> {
    if path
        .split('/')
        .any(|segment| segment == ".." || segment.is_empty())
    {
        return Err(AppError::NotFound(format!("no page at /{path}")));
    }
    let shown = path.clone();
    let Some(rendered) = state.render_page(path).await? else {
        return Err(AppError::NotFound(format!("no page at /{shown}")));
    };
    let mut response = (StatusCode::OK, rendered.body.clone()).into_response();
    let content_type =
        if rendered.media_type.starts_with("text/") && !rendered.media_type.contains("charset") {
            format!("{}; charset=utf-8", rendered.media_type)
        } else {
            rendered.media_type.to_owned()
        };
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type).map_err(AppError::internal)?,
    );
    Ok(response)
}
