//! The live server: the pages, a SPARQL 1.1 Protocol endpoint, linked-data content
//! negotiation and a VoID description over one embedded store.
//!
//! [`app`] builds the whole [`Router`] from an [`AppState`] (testable without a socket
//! through `tower::ServiceExt::oneshot`); [`serve`] runs it on a listener until a
//! shutdown future resolves ([`shutdown_signal`]: SIGINT or SIGTERM). Each concern is
//! a small router of its own: [`sparql`] (the protocol and the browser query page),
//! [`linked_data`] (`/id/...`), [`void`] (`/.well-known/void`), [`pages`] (the
//! rendered site) and [`watch`] (re-importing changed sheets while serving).
//!
//! Store access blocks, so every handler that reads the store does it on a blocking
//! thread; user queries additionally take one of a fixed number of query slots, so a
//! slow query cannot starve pages, `/healthz` or the other queries.

pub mod conditional;
pub mod error;
pub mod linked_data;
pub mod negotiate;
pub mod pages;
pub mod sparql;
pub mod void;
pub mod watch;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::Router;
use tokio::sync::Semaphore;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};

use crate::catalog::Catalog;
use crate::site::Site;
use crate::store::GraphStore;

pub use error::AppError;

/// The limits and knobs of a running server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Every query is cancelled after this long.
    pub query_timeout: Duration,
    /// The most solutions (or triples) one query may return.
    pub max_results: usize,
    /// The largest request body accepted (a query sent by POST).
    pub max_body_bytes: usize,
    /// How many user queries may run at once; more wait for a slot (up to the timeout).
    pub max_concurrent_queries: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            query_timeout: Duration::from_secs(10),
            max_results: 100_000,
            max_body_bytes: 1024 * 1024,
            max_concurrent_queries: 4,
        }
    }
}

/// What every handler shares: the store, the saved queries, the page renderer and the limits.
pub struct AppState {
    pub store: GraphStore,
    pub catalog: Catalog,
    pub config: ServerConfig,
    /// The page renderer `claimgraph build` uses too.
    pub site: Site,
    /// When the data last changed (pages' `Last-Modified`); moved on by `--watch` imports.
    pub data_clock: conditional::DataClock,
    query_slots: Arc<Semaphore>,
}

impl AppState {
    pub fn new(store: GraphStore, config: ServerConfig) -> Result<Self, AppError> {
        let site = Site::new(store.iris().clone()).map_err(AppError::internal)?;
        Ok(AppState {
            query_slots: Arc::new(Semaphore::new(config.max_concurrent_queries.max(1))),
            catalog: Catalog::bundled(),
            store,
            config,
            site,
            data_clock: conditional::DataClock::default(),
        })
    }

    /// Runs `work` (which reads the store) on a blocking thread.
    pub async fn blocking<T, F>(self: &Arc<Self>, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&AppState) -> Result<T, AppError> + Send + 'static,
    {
        let state = Arc::clone(self);
        tokio::task::spawn_blocking(move || work(&state)).await?
    }

    /// Runs a user query's `work` on a thread of its own once a query slot is free
    /// (waiting for a slot at most the query timeout, then 503), and answers 503 when
    /// it has not finished within the query timeout.
    ///
    /// Oxigraph checks its cancellation token (set by [`crate::catalog::Limits`]) only
    /// when it reads the store, so a query spending its time in memory (an aggregate
    /// over a cross join) can outlive its deadline. The client gets its error at the
    /// deadline anyway; the runaway thread keeps its slot until it ends, so at most
    /// `max_concurrent_queries` of them can ever burn CPU, and pages, `/healthz` and
    /// linked data (which take no slot) keep being answered. It runs on a plain thread,
    /// not the runtime's blocking pool, so a shutdown never waits for it.
    pub async fn in_query_slot<T, F>(self: &Arc<Self>, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&AppState) -> Result<T, AppError> + Send + 'static,
    {
        let limit = self.config.query_timeout;
        let permit = match tokio::time::timeout(
            limit,
            Arc::clone(&self.query_slots).acquire_owned(),
        )
        .await
        {
            Ok(Ok(permit)) => permit,
            Ok(Err(_)) => return Err(AppError::internal("the query slots were closed")),
            Err(_) => {
                return Err(AppError::Unavailable(format!(
                "the server is busy: every query slot stayed taken for {limit:?}; try again later"
            )))
            }
        };
        let (done, result) = tokio::sync::oneshot::channel();
        let state = Arc::clone(self);
        let started = std::time::Instant::now();
        std::thread::Builder::new()
            .name("claimgraph-query".into())
            .spawn(move || {
                let outcome = work(&state);
                if done.send(outcome).is_err() {
                    tracing::warn!(elapsed = ?started.elapsed(), "a query ended long after its deadline; its slot is free again");
                }
                drop(permit);
            })
            .map_err(|e| AppError::internal(format!("cannot start a query thread: {e}")))?;
        // A little grace past the limit, so the library's own cancellation usually answers first.
        match tokio::time::timeout(limit + Duration::from_millis(250), result).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(_)) => Err(AppError::internal("a query thread ended without an answer")),
            Err(_) => {
                tracing::warn!(?limit, "a query outran its deadline and could not be interrupted; it keeps its slot until it ends");
                Err(AppError::Unavailable(format!(
                    "the query took longer than {limit:?}; the server gave up on it"
                )))
            }
        }
    }
}

/// The whole site: pages, `/sparql`, `/id/...`, `/.well-known/void`, `/healthz`.
pub fn app(state: Arc<AppState>) -> Router {
    let body_limit = state.config.max_body_bytes;
    // Pages, linked data and VoID answer conditional requests (ETag, Last-Modified, 304).
    let revalidated = Router::new()
        .merge(linked_data::router())
        .merge(void::router())
        .merge(pages::router())
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            conditional::revalidate,
        ));
    Router::new()
        .merge(sparql::router())
        .merge(revalidated)
        .route("/healthz", get(healthz))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(tracing::Level::INFO))
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .with_state(state)
}

/// Answers without touching the store, so it stays quick while queries run.
async fn healthz() -> &'static str {
    "ok\n"
}

/// Serves `app(state)` on `listener` until `shutdown` resolves, then lets the requests
/// in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Resolves on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
