//! User queries in worker processes that are killed at their deadline.
//!
//! Oxigraph checks a query's cancellation token only when it reads the store; between
//! two reads a hash join can build a cross product, an aggregate can count it, the
//! planner can order a large group, all in memory and out of reach of any deadline.
//! A thread cannot be stopped from outside, a process can: each query slot of a server
//! with an on-disk store owns a `claimgraph query-worker` process, which opens the
//! store read-only and answers one query at a time over its standard input and output.
//! At the deadline the server kills it (the slot is free at once, its CPU and memory
//! are given back) and starts a fresh one for the next query. A worker that aborts
//! (an allocation failure, a stack overflow the bounds of [`crate::store::query_guard`] did
//! not foresee) takes only that query with it.
//!
//! A read-only store sees the data as of its opening, so the pool keeps a generation:
//! an import while serving ([`super::AppState::store_changed`]) makes every worker
//! started before it stale, and a stale worker is replaced before its next query.
//! A store held only in memory (`--memory`) cannot be opened by another process; its
//! queries run in the server's process ([`super::AppState::answer_query`]).
//!
//! The protocol: a request is one JSON line ([`WireRequest`]); an answer is one JSON
//! line ([`WireAnswer`]) followed by exactly `len` bytes of body.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::NamedNode;
use serde::{Deserialize, Serialize};

use super::sparql::{self, Answer, QueryRequest};
use super::AppError;
use crate::read::catalog::{self, Limits, Outcome, QueryContext};
use crate::store::GraphStore;

/// A query as sent to a worker.
#[derive(Debug, Serialize, Deserialize)]
pub struct WireRequest {
    query: String,
    base_iri: Option<String>,
    default_graphs: Option<Vec<String>>,
    named_graphs: Option<Vec<String>>,
    accept: Option<String>,
    format: Option<sparql::DownloadFormat>,
    timeout_ms: u64,
    max_rows: usize,
}

/// The head of a worker's answer; `len` bytes of body follow it.
#[derive(Debug, Serialize, Deserialize)]
pub struct WireAnswer {
    /// 200, or the HTTP status of the error.
    status: u16,
    /// The error's message (empty on success).
    message: String,
    /// The media type of the body; for a page answer, the format of the outcome.
    media_type: String,
    /// For a browser: the outcome's kind ("table", "boolean", "graph") to show on the
    /// query page, its body in `media_type`.
    page: Option<String>,
    len: usize,
    /// For 406: the media types on offer.
    offers: Vec<String>,
}

impl WireRequest {
    fn new(request: &QueryRequest, limits: Limits) -> Self {
        let iris = |v: &Option<Vec<NamedNode>>| {
            v.as_ref()
                .map(|v| v.iter().map(|n| n.as_str().to_owned()).collect())
        };
        WireRequest {
            query: request.query.clone(),
            base_iri: request.context.base_iri.clone(),
            default_graphs: iris(&request.context.default_graphs),
            named_graphs: iris(&request.context.named_graphs),
            accept: request.accept.clone(),
            format: request.format,
            timeout_ms: limits.timeout.map_or(0, |t| t.as_millis() as u64),
            max_rows: limits.max_rows.unwrap_or(usize::MAX),
        }
    }

    fn into_request(self) -> (QueryRequest, Limits) {
        let iris = |v: Option<Vec<String>>| {
            v.map(|v| v.into_iter().map(NamedNode::new_unchecked).collect())
        };
        let limits = Limits {
            timeout: (self.timeout_ms > 0).then(|| Duration::from_millis(self.timeout_ms)),
            max_rows: Some(self.max_rows),
        };
        let request = QueryRequest {
            query: self.query,
            context: QueryContext {
                base_iri: self.base_iri,
                default_graphs: iris(self.default_graphs),
                named_graphs: iris(self.named_graphs),
            },
            accept: self.accept,
            format: self.format,
        };
        (request, limits)
    }
}

// ---------------------------------------------------------------------------------
// The worker's side

/// Answers requests from `input` on `output` until `input` ends (the server closed the
/// pipe or ended). Run it on a thread with a [`crate::store::query_guard::QUERY_STACK_BYTES`]
/// stack.
pub fn serve_requests(
    store: &GraphStore,
    input: impl BufRead,
    mut output: impl Write,
) -> std::io::Result<()> {
    for line in input.lines() {
        let line = line?;
        let (head, body) = match serde_json::from_str::<WireRequest>(&line) {
            Ok(wire) => {
                let (request, limits) = wire.into_request();
                encode(sparql::answer_query(store, &request, limits))
            }
            Err(e) => encode(Err(AppError::internal(format!(
                "a bad worker request: {e}"
            )))),
        };
        serde_json::to_writer(&mut output, &head)?;
        output.write_all(b"\n")?;
        output.write_all(&body)?;
        output.flush()?;
    }
    Ok(())
}

fn encode(answer: Result<Answer, AppError>) -> (WireAnswer, Vec<u8>) {
    let head =
        |status: StatusCode, message: String, media_type: &str, page, len, offers| WireAnswer {
            status: status.as_u16(),
            message,
            media_type: media_type.to_owned(),
            page,
            len,
            offers,
        };
    match answer {
        Ok(Answer::Serialized(media_type, body)) => (
            head(
                StatusCode::OK,
                String::new(),
                media_type,
                None,
                body.len(),
                vec![],
            ),
            body,
        ),
        Ok(Answer::Page(outcome)) => {
            let (kind, media_type) = match &outcome {
                Outcome::Table(_) => ("table", "application/sparql-results+json"),
                Outcome::Boolean(_) => ("boolean", "application/sparql-results+json"),
                Outcome::Graph(_) => ("graph", "application/n-triples"),
            };
            match sparql::serialize(&outcome, media_type) {
                Ok(body) => (
                    head(
                        StatusCode::OK,
                        String::new(),
                        media_type,
                        Some(kind.to_owned()),
                        body.len(),
                        vec![],
                    ),
                    body,
                ),
                Err(e) => encode(Err(e)),
            }
        }
        Err(e) => {
            let offers = match &e {
                AppError::NotAcceptable(offers) => offers.iter().map(|o| (*o).to_owned()).collect(),
                _ => vec![],
            };
            let message = match &e {
                AppError::Internal(cause) => cause.clone(),
                other => other.to_string(),
            };
            (head(e.status(), message, "", None, 0, offers), Vec::new())
        }
    }
}

/// Turns a worker's answer back into what the endpoint answers.
fn decode(head: WireAnswer, body: Vec<u8>) -> Result<Answer, AppError> {
    let status = StatusCode::from_u16(head.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status != StatusCode::OK {
        return Err(match status {
            StatusCode::BAD_REQUEST => AppError::BadRequest(head.message),
            StatusCode::NOT_FOUND => AppError::NotFound(head.message),
            StatusCode::NOT_ACCEPTABLE => AppError::NotAcceptable(known_types(&head.offers)),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType(head.message),
            StatusCode::FORBIDDEN => AppError::Forbidden(head.message),
            StatusCode::SERVICE_UNAVAILABLE => AppError::Unavailable(head.message),
            _ => AppError::Internal(head.message),
        });
    }
    let media_type = known_types(std::slice::from_ref(&head.media_type))
        .into_iter()
        .next()
        .ok_or_else(|| AppError::internal(format!("a worker answered in '{}'", head.media_type)))?;
    let Some(kind) = head.page else {
        return Ok(Answer::Serialized(media_type, body));
    };
    let outcome = match kind.as_str() {
        "graph" => {
            let triples = RdfParser::from_format(RdfFormat::NTriples)
                .for_slice(&body)
                .map(|q| q.map(oxigraph::model::Triple::from))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| AppError::internal(format!("a worker's graph does not parse: {e}")))?;
            Outcome::Graph(triples)
        }
        _ => catalog::outcome_from_json(&body)
            .map_err(|e| AppError::internal(format!("a worker's results do not parse: {e}")))?,
    };
    Ok(Answer::Page(outcome))
}

/// The endpoint's own media types named in `names` (the `&'static str`s it answers with).
fn known_types(names: &[String]) -> Vec<&'static str> {
    names
        .iter()
        .filter_map(|n| {
            sparql::SOLUTION_TYPES
                .iter()
                .chain(sparql::GRAPH_TYPES)
                .find(|t| **t == n.as_str())
                .copied()
        })
        .collect()
}

// ---------------------------------------------------------------------------------
// The server's side

/// How a running worker is killed from outside the thread that talks to it.
#[derive(Clone)]
pub struct KillSwitch(Arc<Mutex<Child>>);

impl KillSwitch {
    /// Sends the worker SIGKILL and returns at once; the thread talking to it sees its
    /// output end and reaps it.
    pub fn kill(&self) {
        let _ = self.0.lock().unwrap_or_else(|e| e.into_inner()).kill();
    }

    /// Kills the worker and waits until it is gone.
    fn retire(self) {
        let mut child = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let _ = child.kill();
        let _ = child.wait();
    }
}

struct Worker {
    child: Arc<Mutex<Child>>,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    generation: u64,
    /// How many queries it has answered.
    answered: u32,
}

/// The query workers of one on-disk store.
pub struct WorkerPool {
    program: PathBuf,
    store_dir: PathBuf,
    base: String,
    generation: AtomicU64,
    idle: Mutex<Vec<Worker>>,
}

impl WorkerPool {
    /// Workers running `program` (this binary) on the store in `store_dir`.
    pub fn new(program: PathBuf, store_dir: &Path, base: &str) -> Self {
        WorkerPool {
            program,
            store_dir: store_dir.to_path_buf(),
            base: base.to_owned(),
            generation: AtomicU64::new(0),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Every worker started before now is stale: it sees the store as it was.
    pub fn store_changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.retire_idle();
    }

    fn retire_idle(&self) {
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|e| e.into_inner()));
        for worker in idle {
            KillSwitch(worker.child).retire();
        }
    }

    /// Starts `count` workers ahead of the first queries.
    pub fn warm_up(&self, count: usize) {
        for _ in 0..count {
            match self.spawn() {
                Ok(worker) => self
                    .idle
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(worker),
                Err(e) => {
                    tracing::warn!("cannot start a query worker: {e}");
                    return;
                }
            }
        }
    }

    /// Answers `request` in a worker. `armed` receives the worker's kill switch before
    /// the query is sent (the caller kills it at the deadline); the call then returns
    /// at once with 503. Blocks: run it on a thread of its own.
    pub fn answer(
        &self,
        request: &QueryRequest,
        limits: Limits,
        armed: impl Fn(KillSwitch),
    ) -> Result<Answer, AppError> {
        let wire = WireRequest::new(request, limits);
        let mut worker = self.take()?;
        armed(KillSwitch(Arc::clone(&worker.child)));
        let mut exchanged = exchange(&mut worker, &wire);
        if exchanged.is_err() && worker.answered == 0 && could_not_open_the_store(&worker) {
            // The writer compacting right after an import can make a read-only open
            // fail even after the worker's own retries: one more worker. (A worker
            // killed at the deadline ends by a signal and is never retried.)
            worker = self.spawn()?;
            armed(KillSwitch(Arc::clone(&worker.child)));
            exchanged = exchange(&mut worker, &wire);
        }
        worker.answered += 1;
        match exchanged {
            Ok((head, body)) => {
                let failed = head.status == StatusCode::INTERNAL_SERVER_ERROR.as_u16();
                if failed {
                    // Perhaps the worker's read-only view lost a file to the writer's
                    // compaction: a fresh worker serves the next query.
                    KillSwitch(Arc::clone(&worker.child)).retire();
                } else {
                    self.give_back(worker);
                }
                decode(head, body)
            }
            Err(e) => {
                let status = {
                    let mut child = worker.child.lock().unwrap_or_else(|p| p.into_inner());
                    let _ = child.kill();
                    child.wait().ok()
                };
                tracing::warn!(?status, "a query worker ended during a query: {e}");
                Err(AppError::Unavailable(format!(
                    "the query was stopped: its worker process ended ({}) at the deadline or on a limit of memory or stack",
                    status.map_or_else(|| "unknown status".to_owned(), |s| s.to_string())
                )))
            }
        }
    }

    fn take(&self) -> Result<Worker, AppError> {
        let current = self.generation.load(Ordering::SeqCst);
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        while let Some(mut worker) = idle.pop() {
            let alive = worker
                .child
                .lock()
                .map(|mut c| matches!(c.try_wait(), Ok(None)))
                .unwrap_or(false);
            if alive && worker.generation == current {
                return Ok(worker);
            }
            let _ = worker.stdin.flush();
            KillSwitch(worker.child).retire();
        }
        drop(idle);
        self.spawn()
    }

    fn give_back(&self, worker: Worker) {
        if worker.generation == self.generation.load(Ordering::SeqCst) {
            self.idle
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(worker);
        } else {
            KillSwitch(worker.child).retire();
        }
    }

    fn spawn(&self) -> Result<Worker, AppError> {
        let generation = self.generation.load(Ordering::SeqCst);
        // At the server's own priority: a lower one starves every query as soon as
        // anything else runs on the machine (nice 19 took the endpoint from 104 to 7
        // requests/s on a shared machine); the deadline and the slots bound what a
        // heavy query can take.
        let mut child = Command::new(&self.program)
            .arg("--store")
            .arg(&self.store_dir)
            .arg("--base")
            .arg(&self.base)
            .arg("query-worker")
            .env_remove("CLAIMGRAPH_STORE")
            .env_remove("CLAIMGRAPH_BASE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| AppError::internal(format!("cannot start a query worker: {e}")))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(AppError::internal("a query worker has no pipes"));
        };
        Ok(Worker {
            child: Arc::new(Mutex::new(child)),
            stdin,
            stdout: BufReader::new(stdout),
            generation,
            answered: 0,
        })
    }
}

impl Drop for WorkerPool {
    fn drop(&mut self) {
        self.retire_idle();
    }
}

/// Whether `worker` exited by itself with the CLI's "store could not be opened" status.
fn could_not_open_the_store(worker: &Worker) -> bool {
    // Its output has ended, so it is exiting; one that is somehow still there after
    // half a second did not fail to open.
    for _ in 0..50 {
        let exited = worker
            .child
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .try_wait();
        match exited {
            Ok(Some(status)) => return status.code() == Some(STORE_OPEN_FAILED),
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(_) => return false,
        }
    }
    false
}

/// The exit status of `claimgraph` when the store could not be opened.
const STORE_OPEN_FAILED: i32 = 3;

/// More than any answer within the row cap can hold; a longer announcement is garbage.
const MAX_ANSWER_BYTES: usize = 4 << 30;

/// Sends one request and reads its answer.
fn exchange(worker: &mut Worker, wire: &WireRequest) -> std::io::Result<(WireAnswer, Vec<u8>)> {
    let mut line = serde_json::to_vec(wire)?;
    line.push(b'\n');
    worker.stdin.write_all(&line)?;
    worker.stdin.flush()?;
    let mut head = String::new();
    if worker.stdout.read_line(&mut head)? == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "the worker closed its output",
        ));
    }
    let head: WireAnswer = serde_json::from_str(&head)?;
    if head.len > MAX_ANSWER_BYTES {
        return Err(std::io::Error::other(format!(
            "a worker announced {} bytes",
            head.len
        )));
    }
    let mut body = vec![0; head.len];
    worker.stdout.read_exact(&mut body)?;
    Ok((head, body))
}
