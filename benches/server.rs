//! The server phase of the benchmark: claimgraph's own server and `oxigraph
//! serve-read-only` on the same store, each under the same bounded concurrent load on
//! loopback, one after the other (so they never share the machine).
//!
//! Entity pages are claimgraph's alone, rendered afresh for every request (the server
//! runs without its page cache, which would otherwise answer a repeated page from
//! memory): random companies, and the first page of the largest entity (the one that
//! takes part in the most claims) over and over; then, when the run builds the site,
//! the same pages from `serve --site`, once the server's own build is current. For SPARQL both servers get the very same
//! request texts: saved parameterised queries (Q2 and Q8) with entities drawn from the
//! corpus, written out self-contained by [`catalog::standalone`].

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use claimgraph::model::graph::Iris;
use claimgraph::model::sheet::EntityKind;
use claimgraph::read::catalog::{self, Catalog};
use oxigraph::model::{Term, Variable};

use crate::corpus::Rng;
use crate::runner::{oxigraph_cli, percentile, Config, Largest, Report};

/// The saved queries replayed against both endpoints.
const SPARQL_QUERIES: &[&str] = &["entity-claims", "entity-timeline"];

/// The most requests of the largest entity's page in one run.
const LARGEST_REQUESTS: usize = 200;

/// How long `serve --site` may take to build the site before it answers from it.
const SITE_BUILD: Duration = Duration::from_secs(3600);

/// How long a server may take to start answering.
const STARTUP: Duration = Duration::from_secs(120);

/// What one load run measured.
struct Load {
    requests: usize,
    failed: usize,
    wall: Duration,
    sorted: Vec<Duration>,
}

impl Load {
    fn per_second(&self) -> f64 {
        self.requests as f64 / self.wall.as_secs_f64()
    }

    fn summary(&self) -> String {
        format!(
            "{:.0} req/s, p50 {:.1} ms, p99 {:.1} ms{}",
            self.per_second(),
            percentile(&self.sorted, 50.0),
            percentile(&self.sorted, 99.0),
            if self.failed > 0 {
                format!(" ({} of {} failed)", self.failed, self.requests)
            } else {
                String::new()
            }
        )
    }
}

/// A request of the load: a GET of a path, or a SPARQL query POSTed as
/// `application/sparql-query`.
enum Request {
    Get(String),
    Sparql(String),
}

/// A spawned server, stopped when dropped (also when the run fails half-way).
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `claimgraph serve` of `store_dir` on `addr`, rendering every page request (no page
/// cache), with a query timeout long enough for the largest saved queries.
fn claimgraph_serve(store_dir: &Path, addr: SocketAddr) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_claimgraph"));
    command
        .arg("--store")
        .arg(store_dir)
        .args([
            "serve",
            "--no-page-cache",
            "--query-timeout",
            "120",
            "--addr",
        ])
        .arg(addr.to_string())
        .stdout(Stdio::null());
    command
}

pub fn phase(
    report: &mut Report,
    store_dir: &Path,
    iris: &Iris,
    entities: &[String],
    largest: Option<&Largest>,
    config: &Config,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = Rng::new(config.seed ^ 0x5e4e);
    let n = config.server_requests;
    let pages: Vec<Request> = (0..n)
        .map(|_| {
            let iri = iris.entity(EntityKind::Company, rng.pick::<String>(entities).as_str());
            let path = iris.path_of(iri.as_str()).unwrap_or_default().to_owned();
            Request::Get(format!("{path}.html"))
        })
        .collect();
    let catalog = Catalog::bundled();
    let entity = Variable::new_unchecked("entity");
    let mut queries = Vec::with_capacity(n);
    for i in 0..n {
        let saved = catalog.get(SPARQL_QUERIES[i % SPARQL_QUERIES.len()])?;
        let value: Term = iris
            .entity(EntityKind::Company, rng.pick::<String>(entities).as_str())
            .into();
        let text = catalog::standalone(&saved.text, &[(entity.clone(), value)])
            .ok_or("a saved query could not be written out")?;
        queries.push(Request::Sparql(text));
    }

    let addr = free_address()?;
    let ours = {
        let _server = Server(
            claimgraph_serve(store_dir, addr)
                .stderr(Stdio::null())
                .spawn()?,
        );
        wait_until_up(&format!("http://{addr}/healthz"))?;
        let base = format!("http://{addr}/");
        entity_pages(report, &base, "", &pages, largest, iris, config);
        let sparql = load(&base, "sparql", &queries, config.clients);
        report.add(
            "server",
            &format!("claimgraph /sparql, Q2 + Q8 ({} clients)", config.clients),
            sparql.summary(),
        );
        sparql
    };
    if config.site {
        from_the_build(report, store_dir, &pages, largest, iris, config)?;
    }
    let Some(cli) = oxigraph_cli() else {
        report.add(
            "server",
            "`oxigraph serve-read-only`",
            "not measured: `oxigraph` is not on the PATH".into(),
        );
        return Ok(());
    };
    let addr = free_address()?;
    let _server = Server(
        Command::new(cli)
            .arg("serve-read-only")
            .arg("--location")
            .arg(store_dir)
            .arg("--bind")
            .arg(addr.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?,
    );
    wait_until_up(&format!("http://{addr}/"))?;
    let raw = load(
        &format!("http://{addr}/"),
        "query",
        &queries,
        config.clients,
    );
    report.add(
        "server",
        &format!(
            "`oxigraph serve-read-only` /query, same requests ({} clients)",
            config.clients
        ),
        raw.summary(),
    );
    report.add(
        "server",
        "ratio: claimgraph /sparql throughput / oxigraph's",
        format!("{:.2}x", ours.per_second() / raw.per_second()),
    );
    Ok(())
}

/// A loopback address no one listens on yet.
/// Loads random companies' pages, then the largest entity's first page (alone, then
/// over and over); `how` tells the rows apart ("" for pages rendered live).
fn entity_pages(
    report: &mut Report,
    base: &str,
    how: &str,
    pages: &[Request],
    largest: Option<&Largest>,
    iris: &Iris,
    config: &Config,
) {
    let page_load = load(base, "", pages, config.clients);
    report.add(
        "server",
        &format!(
            "claimgraph entity page{how}, random company ({} clients)",
            config.clients
        ),
        page_load.summary(),
    );
    let Some(largest) = largest else {
        return;
    };
    let path = iris.path_of(&largest.iri).unwrap_or_default().to_owned();
    // Alone first: the first request of an entity also reads the index of all its
    // claims, which the site keeps for its later pages and requests.
    let first = load(base, "", &[Request::Get(format!("{path}.html"))], 1);
    let repeated: Vec<Request> = (0..pages.len().min(LARGEST_REQUESTS))
        .map(|_| Request::Get(format!("{path}.html")))
        .collect();
    let largest_load = load(base, "", &repeated, config.clients);
    report.add(
        "server",
        &format!(
            "claimgraph entity page{how}, first page of the largest entity ({}, {} claims; {} clients)",
            path, largest.claims, config.clients
        ),
        format!(
            "{}; its first request alone {:.1} ms{}",
            largest_load.summary(),
            percentile(&first.sorted, 50.0),
            if first.failed > 0 { " (failed)" } else { "" }
        ),
    );
}

/// The same entity pages from `serve --site`, once the server's own build of the
/// site is current (timed too: that build runs beside the live pages).
fn from_the_build(
    report: &mut Report,
    store_dir: &Path,
    pages: &[Request],
    largest: Option<&Largest>,
    iris: &Iris,
    config: &Config,
) -> Result<(), Box<dyn std::error::Error>> {
    let site = config.work.join(format!("served-site-{}", config.articles));
    let log = config
        .work
        .join(format!("served-site-{}.log", config.articles));
    let _ = std::fs::remove_dir_all(&site);
    let addr = free_address()?;
    let started = Instant::now();
    let mut server = Server(
        claimgraph_serve(store_dir, addr)
            .arg("--site")
            .arg(&site)
            .stderr(std::fs::File::create(&log)?)
            .spawn()?,
    );
    while !std::fs::read_to_string(&log)?.contains("pages are served from the build") {
        if let Some(status) = server.0.try_wait()? {
            return Err(format!(
                "serve --site stopped ({status}); its log is {}",
                log.display()
            )
            .into());
        }
        if started.elapsed() > SITE_BUILD {
            return Err(
                format!("serve --site did not build the site within {SITE_BUILD:?}").into(),
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    report.add(
        "server",
        "`serve --site`: its build of the site, until pages are served from it",
        format!("{:.1} s", started.elapsed().as_secs_f64()),
    );
    let base = format!("http://{addr}/");
    entity_pages(
        report,
        &base,
        " from the build (`serve --site`)",
        pages,
        largest,
        iris,
        config,
    );
    let _ = std::fs::remove_dir_all(&site);
    Ok(())
}

fn free_address() -> std::io::Result<SocketAddr> {
    TcpListener::bind("127.0.0.1:0")?.local_addr()
}

fn wait_until_up(url: &str) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(5))
        .build();
    while started.elapsed() < STARTUP {
        match agent.get(url).call() {
            Ok(_) | Err(ureq::Error::Status(_, _)) => return Ok(()),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
    Err(format!("{url} did not answer within {STARTUP:?}").into())
}

/// Sends every request once, from `clients` threads with a keep-alive connection each,
/// and times each answer read to its end.
fn load(base: &str, endpoint: &str, requests: &[Request], clients: usize) -> Load {
    let next = AtomicUsize::new(0);
    let times = Mutex::new(Vec::with_capacity(requests.len()));
    let failed = AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..clients.max(1) {
            scope.spawn(|| {
                let agent = ureq::AgentBuilder::new()
                    .timeout(Duration::from_secs(180))
                    .build();
                let mut mine = Vec::new();
                while let Some(request) = requests.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let began = Instant::now();
                    let answer = match request {
                        Request::Get(path) => agent.get(&format!("{base}{path}")).call(),
                        Request::Sparql(text) => agent
                            .post(&format!("{base}{endpoint}"))
                            .set("Content-Type", "application/sparql-query")
                            .set("Accept", "application/sparql-results+json")
                            .send_string(text),
                    };
                    let ok = answer
                        .ok()
                        .and_then(|r| r.into_string().ok())
                        .is_some_and(|body| !body.is_empty());
                    mine.push(began.elapsed());
                    if !ok {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
                times.lock().expect("times").extend(mine);
            });
        }
    });
    let wall = started.elapsed();
    let mut sorted = times.into_inner().expect("times");
    sorted.sort();
    Load {
        requests: requests.len(),
        failed: failed.into_inner(),
        wall,
        sorted,
    }
}
