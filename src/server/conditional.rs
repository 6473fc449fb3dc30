//! Conditional requests (RFC 9110 §13) for the pages, linked data and VoID: every
//! successful GET gets an `ETag` (a hash of the body) and a `Last-Modified` (when the
//! server's data last changed), and a revalidation that still matches gets
//! `304 Not Modified` without the body.
//!
//! [`revalidate`] is the middleware; [`DataClock`] is the "last changed" time it reads,
//! set when the server starts and moved on by every import while serving (`--watch`).
//! The ETag is what decides (a page's bytes are all it depends on); `If-Modified-Since`
//! counts only when the request has no `If-None-Match`, as the RFC says.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::{AppError, AppState};

/// The largest body the middleware reads to hash; larger ones pass without validators.
const MAX_HASHED_BODY: usize = 256 * 1024 * 1024;

/// When the data this server answers from last changed, in whole seconds (the
/// resolution of `Last-Modified`).
#[derive(Debug)]
pub struct DataClock {
    seconds: AtomicU64,
}

impl Default for DataClock {
    fn default() -> Self {
        DataClock {
            seconds: AtomicU64::new(now_seconds()),
        }
    }
}

impl DataClock {
    /// Records a change now. The time always moves forward by at least a second, so a
    /// page fetched in the same second as the change is never taken as still fresh.
    pub fn touch(&self) {
        let now = now_seconds();
        let _ = self
            .seconds
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |prev| {
                Some(now.max(prev + 1))
            });
    }

    pub fn last_changed(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.seconds.load(Ordering::SeqCst))
    }
}

fn now_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The strong entity tag of a body: the first 128 bits of its SHA-256, quoted.
pub fn etag_of(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether an `If-None-Match` header names `etag` (weak comparison, as for GET; `*`
/// matches any current representation).
fn none_match_hits(header: &str, etag: &str) -> bool {
    header.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.trim_start_matches("W/") == etag.trim_start_matches("W/")
    })
}

/// Whether the request's validators say the client's copy is still current.
fn still_fresh(request: &HeaderMap, etag: &str, last_modified: SystemTime) -> bool {
    if let Some(value) = request.get(header::IF_NONE_MATCH) {
        return value
            .to_str()
            .map(|v| none_match_hits(v, etag))
            .unwrap_or(false);
    }
    request
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .is_some_and(|since| last_modified <= since)
}

/// Middleware: adds `ETag`, `Last-Modified` and `Cache-Control: no-cache` (a client may
/// keep a copy but asks again, since the data can change while the server runs) to every
/// `200` answer to a GET or HEAD, and answers `304` when the client's copy is current.
pub async fn revalidate(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let validators = request.headers().clone();
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match to_bytes(body, MAX_HASHED_BODY).await {
        Ok(bytes) => bytes,
        Err(e) => {
            return AppError::internal(format!("reading a response body: {e}")).into_response()
        }
    };
    let etag = etag_of(&bytes);
    let last_modified = state.data_clock.last_changed();
    let headers = &mut parts.headers;
    headers.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).expect("hex in quotes"),
    );
    headers.insert(
        header::LAST_MODIFIED,
        HeaderValue::from_str(&httpdate::fmt_http_date(last_modified)).expect("an HTTP date"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if still_fresh(&validators, &etag, last_modified) {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_are_quoted_and_follow_the_body() {
        let a = etag_of(b"one");
        assert!(
            a.starts_with('"') && a.ends_with('"') && a.len() == 34,
            "{a}"
        );
        assert_ne!(a, etag_of(b"two"));
        assert_eq!(a, etag_of(b"one"));
    }

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists_and_star() {
        let tag = "\"abc\"";
        assert!(none_match_hits("\"abc\"", tag));
        assert!(none_match_hits("W/\"abc\"", tag));
        assert!(none_match_hits("\"x\", \"abc\"", tag));
        assert!(none_match_hits("*", tag));
        assert!(!none_match_hits("\"abd\"", tag));
    }

    #[test]
    fn if_modified_since_counts_only_without_if_none_match() {
        let changed = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_MODIFIED_SINCE,
            HeaderValue::from_str(&httpdate::fmt_http_date(changed)).unwrap(),
        );
        assert!(still_fresh(&h, "\"a\"", changed));
        assert!(!still_fresh(&h, "\"a\"", changed + Duration::from_secs(1)));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"b\""));
        assert!(!still_fresh(&h, "\"a\"", changed), "the ETag decides");
    }

    #[test]
    fn the_clock_moves_forward_on_every_change() {
        let clock = DataClock::default();
        let first = clock.last_changed();
        clock.touch();
        let second = clock.last_changed();
        clock.touch();
        assert!(second > first && clock.last_changed() > second);
    }
}
