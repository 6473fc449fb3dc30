//! Helpers for the server tests: a live server on 127.0.0.1 (in this process, or the
//! real binary), and the seed store.

#![allow(dead_code)]

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use claimgraph::model::graph::{Iris, DEFAULT_BASE};
use claimgraph::server::{self, AppState, ServerConfig};
use claimgraph::store::GraphStore;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// An in-memory store holding the seed data (data/).
pub fn seed_store() -> GraphStore {
    let store = GraphStore::in_memory(Iris::new(DEFAULT_BASE).unwrap()).unwrap();
    let summary =
        claimgraph::write::import::import_paths(&store, &[repo().join("data")], &|_, _| {})
            .unwrap();
    assert!(summary.ok(), "seed import failed: {:?}", summary.failures);
    store
}

pub fn state(store: GraphStore, config: ServerConfig) -> Arc<AppState> {
    Arc::new(AppState::new(store, config).expect("server state"))
}

/// A server running in this process on an ephemeral loopback port; stopped on drop.
pub struct LiveServer {
    pub base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl LiveServer {
    pub fn start(state: Arc<AppState>) -> Self {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                server::serve(listener, state, async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
            });
        });
        let addr = addr_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("server started");
        LiveServer {
            base: format!("http://{addr}"),
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for LiveServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The real `claimgraph serve` binary on an ephemeral loopback port; killed on drop.
pub struct ServeProcess {
    pub child: Child,
    pub base: String,
    pub stdout: Vec<String>,
}

impl ServeProcess {
    /// Runs `claimgraph --store STORE serve --addr 127.0.0.1:0 EXTRA...` in the repo and
    /// waits (at most 60 s) for it to print its SPARQL address.
    pub fn start(store: &Path, extra: &[&str]) -> Self {
        Self::start_with(store, extra, Stdio::null())
    }

    /// [`ServeProcess::start`] with the server's log (standard error) written to `log`.
    pub fn start_logged(store: &Path, extra: &[&str], log: &Path) -> Self {
        let file = std::fs::File::create(log).expect("create the log file");
        Self::start_with(store, extra, Stdio::from(file))
    }

    fn start_with(store: &Path, extra: &[&str], stderr: Stdio) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_claimgraph"))
            .arg("--store")
            .arg(store)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .current_dir(repo())
            .env_remove("CLAIMGRAPH_STORE")
            .env_remove("CLAIMGRAPH_BASE")
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start claimgraph serve");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // Keep draining after the address is known, so the server never writes to a closed pipe.
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut lines = Vec::new();
        let mut base = None;
        while base.is_none() {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(url) = line.trim().strip_prefix("SPARQL: ") {
                        base = Some(url.trim_end_matches("/sparql").to_owned());
                    }
                    lines.push(line);
                }
                Err(_) => {
                    let _ = child.kill();
                    panic!(
                        "claimgraph serve did not print its address in time; it printed: {lines:?}"
                    );
                }
            }
        }
        ServeProcess {
            child,
            base: base.unwrap(),
            stdout: lines,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A ureq agent that does not follow redirects and has a bounded timeout.
pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .redirects(0)
        .timeout(Duration::from_secs(30))
        .build()
}

/// Status and body of a request, whatever the status.
pub fn fetch(request: ureq::Request) -> (u16, String, String) {
    match request.call() {
        Ok(r) => {
            let ct = r.content_type().to_owned();
            (r.status(), ct, r.into_string().unwrap_or_default())
        }
        Err(ureq::Error::Status(code, r)) => {
            let ct = r.content_type().to_owned();
            (code, ct, r.into_string().unwrap_or_default())
        }
        Err(e) => panic!("request failed: {e}"),
    }
}

// ---------------------------------------------------------------------------------
// Hostile queries (issue 15), shared by the hardening and abuse tests

/// The recursive shapes of SPARQL, each nested `nesting` levels deep (the ones that
/// take two brackets a level, half as deep) or chained `chain` times.
pub fn recursive_shapes(nesting: usize, chain: usize) -> Vec<(String, String)> {
    let nest = |open: &str, close: &str, n: usize| format!("{}{}", open.repeat(n), close.repeat(n));
    let half = nesting / 2;
    vec![
        (
            format!("FILTER NOT EXISTS x{nesting}"),
            format!(
                "SELECT * WHERE {{ ?s ?p ?o {} }}",
                nest("FILTER NOT EXISTS { ?s ?p ?o ", "}", nesting)
            ),
        ),
        (
            format!("OPTIONAL x{nesting}"),
            format!(
                "SELECT * WHERE {{ ?s ?p ?o {} }}",
                nest("OPTIONAL { ?s ?p ?o ", "}", nesting)
            ),
        ),
        (
            format!("MINUS x{nesting}"),
            format!(
                "SELECT * WHERE {{ ?s ?p ?o {} }}",
                nest("MINUS { ?s ?p ?o ", "}", nesting)
            ),
        ),
        (
            format!("sub-SELECT x{half}"),
            format!(
                "SELECT * WHERE {}",
                nest("{ SELECT * WHERE ", "}", half).replace("WHERE }", "WHERE { ?s ?p ?o } }")
            ),
        ),
        (
            format!("EXISTS in FILTER x{half}"),
            format!(
                "SELECT * WHERE {{ ?s ?p ?o {} }}",
                nest("FILTER(EXISTS { ?s ?p ?o ", "})", half)
            ),
        ),
        (
            format!("() x{nesting}"),
            format!(
                "SELECT * WHERE {{ ?s ?p ?o FILTER {} }}",
                nest("(", ")", nesting).replace("()", "(?o)")
            ),
        ),
        (
            format!("UNION x{chain}"),
            format!(
                "SELECT * WHERE {{ {} }}",
                vec!["{ ?s ?p ?o }"; chain].join(" UNION ")
            ),
        ),
        (
            format!("|| x{chain}"),
            format!(
                "SELECT * WHERE {{ ?s ?p ?o FILTER(?o = 1{}) }}",
                " || ?o = 1".repeat(chain)
            ),
        ),
        (
            format!("path | x{chain}"),
            format!("SELECT * WHERE {{ ?s cg:p{} ?o }}", "|cg:p".repeat(chain)),
        ),
    ]
}

/// The shapes that overflowed the query thread's stack before (issue 15), each well
/// past the old breaking point, and some that are deep without any nesting.
pub fn nested_queries() -> Vec<(String, String)> {
    let mut queries = recursive_shapes(200, 10_000);
    queries.extend([
        (
            "{} x10000 nested".to_owned(),
            format!(
                "SELECT * WHERE {}{}",
                "{".repeat(10_000),
                "}".repeat(10_000)
            ),
        ),
        (
            "groups x10000 in a row".to_owned(),
            format!(
                "SELECT * WHERE {{ {} }}",
                "{ ?s ?p ?o FILTER(?o) } ".repeat(10_000)
            ),
        ),
        (
            "path / x10000".to_owned(),
            format!("SELECT * WHERE {{ ?s cg:p{} ?o }}", "/cg:p".repeat(10_000)),
        ),
        (
            "! x10000".to_owned(),
            format!("ASK {{ FILTER({}true) }}", "!".repeat(10_000)),
        ),
    ]);
    queries
}

pub fn values_block(var: &str, n: usize) -> String {
    let values: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
    format!("VALUES ?{var} {{ {} }}", values.join(" "))
}

/// The shape Oxigraph cannot interrupt: an aggregate over a cross product of VALUES.
pub fn values_cross_product() -> String {
    format!(
        "SELECT (COUNT(*) AS ?n) WHERE {{ {} {} {} {} }}",
        values_block("a", 200),
        values_block("b", 200),
        values_block("c", 200),
        values_block("d", 200)
    )
}
