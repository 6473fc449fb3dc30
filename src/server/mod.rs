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
//! Store access blocks, so every handler that reads the store does it on a thread of
//! its own, in one of a fixed number of slots and within one deadline (`Gate`): user
//! queries in query slots, pages and descriptions in page slots, so a slow query cannot
//! starve pages, `/healthz` or the other queries, and a request that cannot get a slot
//! or outruns the deadline gets 503 with `Retry-After`, never 500.

pub mod built;
pub mod conditional;
pub mod edit;
pub mod error;
pub mod linked_data;
pub mod negotiate;
pub mod pages;
pub mod sparql;
pub mod void;
pub mod watch;
pub mod worker;

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};

use crate::publish::site::{Rendered, Site};
use crate::read::catalog::{Catalog, Limits};
use crate::store::query_guard;
use crate::store::GraphStore;

pub use error::AppError;
use sparql::{Answer, QueryRequest};

/// The limits and knobs of a running server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The one deadline of everything that reads the store: a SPARQL query, a page, a
    /// linked-data description; past it the request gets 503.
    pub query_timeout: Duration,
    /// The most solutions (or triples) one query may return.
    pub max_results: usize,
    /// The largest request body accepted (a query sent by POST).
    pub max_body_bytes: usize,
    /// How many user queries may run at once; more wait for a slot (up to the deadline).
    pub max_concurrent_queries: usize,
    /// How many page renders (and other store reads) may run at once; more wait for a
    /// slot up to the deadline. A separate bound, so SPARQL users cannot starve pages.
    pub max_concurrent_pages: usize,
    /// A connection that has not sent a whole request head this long after it opened
    /// (or after its last response, when idle) is closed.
    pub header_read_timeout: Duration,
    /// The most connections served at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// Keep rendered pages until the next import (off: every request renders its page,
    /// which is what the benchmark measures a page's cost with).
    pub cache_pages: bool,
    /// Answer HTML pages from a build kept in this folder while it is current (see
    /// [`built`]), with the store id its manifest names.
    pub pages_from_build: Option<(std::path::PathBuf, String)>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            query_timeout: Duration::from_secs(10),
            max_results: 100_000,
            max_body_bytes: 1024 * 1024,
            max_concurrent_queries: 4,
            max_concurrent_pages: 8,
            header_read_timeout: Duration::from_secs(10),
            max_connections: 1024,
            cache_pages: true,
            pages_from_build: None,
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
    gate: Gate,
    pages: PageCache,
    /// Worker processes for user queries (an on-disk store); `None`: they run here.
    workers: Option<worker::WorkerPool>,
    /// When the data last changed (pages' `Last-Modified`); moved on by `--watch` imports.
    pub data_clock: conditional::DataClock,
    /// The editing mode (`serve --edit`); `None`: the server only reads.
    pub edit: Option<Arc<edit::EditState>>,
    /// The build folder pages are answered from while it is current (`serve --site`;
    /// kept current by the thread [`built::spawn_builder`] starts).
    pub built: Option<Arc<built::BuiltSite>>,
}

impl AppState {
    pub fn new(store: GraphStore, config: ServerConfig) -> Result<Self, AppError> {
        // Pages are held to the server's one deadline, like queries.
        let site = Site::new(store.iris().clone())
            .map_err(AppError::internal)?
            .with_query_timeout(Some(config.query_timeout));
        let built = config
            .pages_from_build
            .clone()
            .map(|(dir, store_id)| Arc::new(built::BuiltSite::new(dir, store_id)));
        Ok(AppState {
            built,
            gate: Gate::new(&config),
            pages: PageCache::default(),
            workers: None,
            catalog: Catalog::bundled(),
            store,
            config,
            site,
            data_clock: conditional::DataClock::default(),
            edit: None,
        })
    }

    /// Turns on the editing mode: `/edit` and its writes (see [`edit`]).
    pub fn with_edit(mut self, edit: edit::EditState) -> Self {
        self.edit = Some(Arc::new(edit));
        self
    }

    /// Runs `work` (which reads the store: a page, a description, an internal query) in
    /// a page slot, within the deadline (503 otherwise).
    pub async fn blocking<T, F>(self: &Arc<Self>, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&AppState) -> Result<T, AppError> + Send + 'static,
    {
        self.gate.run(Lane::Pages, self, None, work).await
    }

    /// Runs user queries in worker processes that are killed at the deadline (see
    /// [`worker`]); one per query slot is started at once.
    pub fn with_query_workers(mut self, pool: worker::WorkerPool) -> Self {
        pool.warm_up(self.config.max_concurrent_queries);
        self.workers = Some(pool);
        self
    }

    /// Runs a user query's `work` in a query slot, within the deadline (503 otherwise).
    pub async fn in_query_slot<T, F>(self: &Arc<Self>, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&AppState) -> Result<T, AppError> + Send + 'static,
    {
        self.gate.run(Lane::Queries, self, None, work).await
    }

    /// Answers a user query in a query slot within the deadline: in a worker process
    /// that is killed at the deadline when the store is on disk, here otherwise.
    pub async fn answer_query(self: &Arc<Self>, request: QueryRequest) -> Result<Answer, AppError> {
        let limits = Limits {
            timeout: Some(self.config.query_timeout),
            max_rows: Some(self.config.max_results),
        };
        if self.workers.is_none() {
            return self
                .in_query_slot(move |state| sparql::answer_query(&state.store, &request, limits))
                .await;
        }
        let switch: KillSlot = Arc::default();
        let armed = Arc::clone(&switch);
        self.gate
            .run(Lane::Queries, self, Some(switch), move |state| {
                let pool = state.workers.as_ref().expect("checked above");
                pool.answer(&request, limits, |kill| {
                    *armed.lock().unwrap_or_else(|e| e.into_inner()) = Some(kill);
                })
            })
            .await
    }

    /// Renders site path `path` (`None`: no such page). A page is rendered once per
    /// store generation and shared while it stays in the cache: forty clients on
    /// `/claims.html` cost one render, and a popular entity page is not rendered again
    /// for every reader.
    pub async fn render_page(
        self: &Arc<Self>,
        path: String,
    ) -> Result<Option<Arc<Rendered>>, AppError> {
        if let Some(built) = &self.built {
            if let Some(page) = built.page(&path).await {
                return Ok(Some(Arc::new(page)));
            }
        }
        let cell = match self.config.cache_pages {
            true => self.pages.cell(&path),
            false => PageCell::default(),
        };
        let render = {
            let state = Arc::clone(self);
            async move {
                state
                    .blocking(move |state| Ok(state.site.render(&state.store, &path)?))
                    .await
                    .map(|r| r.map(Arc::new))
            }
        };
        // Waiting for another request's render counts against this request's deadline.
        match tokio::time::timeout(self.config.query_timeout, cell.get_or_try_init(|| render)).await
        {
            Ok(result) => result.cloned(),
            Err(_) => Err(deadline_passed(self.config.query_timeout)),
        }
    }

    /// Tells the server the store has changed (an import while serving): cached pages
    /// are rendered afresh from now on.
    pub fn store_changed(&self) {
        self.data_clock.touch();
        self.site.data_changed();
        self.pages.invalidate();
        if let Some(built) = &self.built {
            built.store_changed();
        }
        if let Some(workers) = &self.workers {
            workers.store_changed();
        }
    }
}

/// The two lanes of store work, each with its own bound and the same deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lane {
    Queries,
    Pages,
}

/// The concurrency bounds and the deadline of all store work.
///
/// Work runs on a thread of its own (with a stack sized for the query bounds of
/// [`crate::store::query_guard`]), never on the runtime: a request past its deadline gets 503
/// at the deadline, whatever the thread does. Oxigraph checks its cancellation token
/// (set to the same deadline by [`crate::read::catalog::Limits`]) only when it reads the
/// store, and [`crate::store::query_guard`] refuses up front the shapes that run in memory
/// (VALUES cross products, string bombs). Should some shape still outrun its deadline,
/// its slot is handed back at the deadline anyway and the thread counts as a stray;
/// at most as many strays as there are query slots may run, so a runaway can neither
/// keep later requests out of a slot nor multiply without bound. Only when that cap
/// is reached does a runaway keep its slot until it ends.
struct Gate {
    queries: Arc<Semaphore>,
    pages: Arc<Semaphore>,
    strays: Arc<Semaphore>,
    deadline: Duration,
}

/// Where work running in a worker process leaves the switch that kills it.
type KillSlot = Arc<Mutex<Option<worker::KillSwitch>>>;

/// The permits a running piece of work holds; whoever finishes last drops them.
#[derive(Default)]
struct Held {
    slot: Option<OwnedSemaphorePermit>,
    stray: Option<OwnedSemaphorePermit>,
}

impl Gate {
    fn new(config: &ServerConfig) -> Self {
        Gate {
            queries: Arc::new(Semaphore::new(config.max_concurrent_queries.max(1))),
            pages: Arc::new(Semaphore::new(config.max_concurrent_pages.max(1))),
            strays: Arc::new(Semaphore::new(config.max_concurrent_queries.max(1))),
            deadline: config.query_timeout,
        }
    }

    /// Runs `work` in a slot of `lane`. When `kill` holds a switch at the deadline, the
    /// work is a worker process and is killed there; its thread then ends at once.
    async fn run<T, F>(
        &self,
        lane: Lane,
        state: &Arc<AppState>,
        kill: Option<KillSlot>,
        work: F,
    ) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&AppState) -> Result<T, AppError> + Send + 'static,
    {
        let started = Instant::now();
        let limit = self.deadline;
        let slots = match lane {
            Lane::Queries => &self.queries,
            Lane::Pages => &self.pages,
        };
        let slot = match tokio::time::timeout(limit, Arc::clone(slots).acquire_owned()).await {
            Ok(Ok(permit)) => permit,
            Ok(Err(_)) => return Err(AppError::internal("the work slots were closed")),
            Err(_) => {
                return Err(AppError::Unavailable(format!(
                    "the server is busy: no slot became free within {limit:?}; try again later"
                )))
            }
        };
        let held = Arc::new(Mutex::new(Held {
            slot: Some(slot),
            stray: None,
        }));
        let (done, result) = tokio::sync::oneshot::channel();
        let thread_state = Arc::clone(state);
        let thread_held = Arc::clone(&held);
        let mut thread = std::thread::Builder::new().name(format!("claimgraph-{lane:?}"));
        if lane == Lane::Queries {
            // Pages run the saved queries, whose shape is known; user queries get the
            // stack the bounds of `query_guard` are measured against.
            thread = thread.stack_size(query_guard::QUERY_STACK_BYTES);
        }
        thread
            .spawn(move || {
                let outcome = work(&thread_state);
                let was_stray = {
                    let mut held = thread_held.lock().unwrap_or_else(|e| e.into_inner());
                    held.slot = None;
                    held.stray.take().is_some()
                };
                if done.send(outcome).is_err() && was_stray {
                    tracing::warn!(elapsed = ?started.elapsed(), ?lane, "a stray ended long after its deadline");
                }
            })
            .map_err(|e| AppError::internal(format!("cannot start a worker thread: {e}")))?;
        let left = limit.saturating_sub(started.elapsed());
        // A little grace past the limit, so the library's own cancellation usually answers first.
        match tokio::time::timeout(left + Duration::from_millis(250), result).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(_)) => Err(AppError::internal(
                "a worker thread ended without an answer",
            )),
            Err(_) => {
                let switch = kill.and_then(|k| k.lock().unwrap_or_else(|e| e.into_inner()).take());
                if let Some(switch) = switch {
                    switch.kill();
                    tracing::warn!(
                        ?limit,
                        "a query outran its deadline; its worker process was killed"
                    );
                    return Err(deadline_passed(limit));
                }
                let mut held = held.lock().unwrap_or_else(|e| e.into_inner());
                if held.slot.is_some() {
                    match Arc::clone(&self.strays).try_acquire_owned() {
                        Ok(stray) => {
                            held.slot = None;
                            held.stray = Some(stray);
                            tracing::warn!(?limit, ?lane, "work outran its deadline and could not be interrupted; its slot is free again, the thread runs on as a stray");
                        }
                        Err(_) => tracing::warn!(?limit, ?lane, "work outran its deadline and the strays are at their cap; it keeps its slot until it ends"),
                    }
                }
                Err(deadline_passed(limit))
            }
        }
    }
}

fn deadline_passed(limit: Duration) -> AppError {
    AppError::Unavailable(format!(
        "the request took longer than {limit:?}; the server gave up on it"
    ))
}

/// Whole rendered pages of the current store generation, by site path: at most
/// [`PAGE_CACHE_ENTRIES`], the least recently used dropped first. Only paths that
/// render to something are kept, so unknown paths never fill it.
#[derive(Default)]
struct PageCache {
    cells: Mutex<PageCells>,
}

#[derive(Default)]
struct PageCells {
    /// Each path's cell and when it was last asked for.
    by_path: HashMap<String, (PageCell, u64)>,
    clock: u64,
}

/// How many rendered pages are kept (a page is tens of kilobytes).
const PAGE_CACHE_ENTRIES: usize = 1024;

type PageCell = Arc<tokio::sync::OnceCell<Option<Arc<Rendered>>>>;

impl PageCache {
    /// The cell of `path`, shared by everyone asking for it until it is dropped.
    fn cell(&self, path: &str) -> PageCell {
        let mut cells = self.cells.lock().unwrap_or_else(|e| e.into_inner());
        cells.clock += 1;
        let now = cells.clock;
        if let Some((cell, used)) = cells.by_path.get_mut(path) {
            // A path with nothing to render is asked again next time, not remembered.
            if !matches!(cell.get(), Some(None)) {
                *used = now;
                return Arc::clone(cell);
            }
        }
        if cells.by_path.len() >= PAGE_CACHE_ENTRIES {
            // Drop the empty cells and the least recently used eighth.
            cells
                .by_path
                .retain(|_, (cell, _)| !matches!(cell.get(), Some(None)));
            if cells.by_path.len() >= PAGE_CACHE_ENTRIES {
                let mut ages: Vec<u64> = cells.by_path.values().map(|(_, used)| *used).collect();
                ages.sort_unstable();
                let cutoff = ages[ages.len() / 8];
                cells.by_path.retain(|_, (_, used)| *used > cutoff);
            }
        }
        let cell = PageCell::default();
        cells
            .by_path
            .insert(path.to_owned(), (Arc::clone(&cell), now));
        cell
    }

    fn invalidate(&self) {
        self.cells
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .by_path
            .clear();
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
    let mut routes = Router::new().merge(sparql::router()).merge(revalidated);
    // Editing: only when the server was started with `--edit`.
    if state.edit.is_some() {
        routes = routes.merge(edit::router());
    }
    routes
        .route("/healthz", get(healthz))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::map_response(hardening_headers))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(tracing::Level::INFO))
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .with_state(state)
}

/// On every response: `X-Content-Type-Options: nosniff` (a browser never runs reflected
/// text as anything but its declared type), and `Retry-After` on every 503.
async fn hardening_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .entry(header::RETRY_AFTER)
            .or_insert(HeaderValue::from_static(RETRY_AFTER_SECONDS));
    }
    response
}

/// What a 503 asks the client to wait before trying again.
const RETRY_AFTER_SECONDS: &str = "5";

/// Answers without touching the store, so it stays quick while queries run.
async fn healthz() -> &'static str {
    "ok\n"
}

/// Serves `app(state)` on `listener` until `shutdown` resolves, then lets the requests
/// in flight finish (for at most the deadline plus a second).
///
/// Each connection is served by hyper's HTTP/1 connection with a timer: a client that
/// does not send a whole request head within `header_read_timeout` of connecting, or of
/// its last response on a kept-alive connection, is disconnected, and request bodies
/// are cut off after the same time. At most `max_connections` are served at once; the
/// rest wait in the listen backlog, so slow clients cannot exhaust file descriptors.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let header_timeout = state.config.header_read_timeout;
    let drain = state.config.query_timeout + Duration::from_secs(1);
    let connections = Arc::new(Semaphore::new(state.config.max_connections.max(1)));
    let app = app(state).layer(RequestBodyTimeoutLayer::new(header_timeout));
    let (closing, closed) = tokio::sync::watch::channel(false);
    let mut tasks = tokio::task::JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&connections).acquire_owned() => permit.expect("the connection semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before accept: wait a
                    // little instead of spinning.
                    tracing::warn!("accepting a connection failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let mut closed = closed.clone();
        tasks.spawn(async move {
            let _permit = permit;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(header_timeout);
            let connection =
                builder.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            let mut connection = std::pin::pin!(connection);
            let ended = tokio::select! {
                ended = connection.as_mut() => ended,
                _ = closed.changed() => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(e) = ended {
                tracing::debug!("connection ended: {e}");
            }
        });
        while tasks.try_join_next().is_some() {}
    }
    drop(listener);
    let _ = closing.send(true);
    let _ = tokio::time::timeout(drain, async { while tasks.join_next().await.is_some() {} }).await;
    Ok(())
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
