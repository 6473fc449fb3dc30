//! The server under pressure, over real HTTP on 127.0.0.1: a pathological query gets
//! its error within the time limit while other requests keep being answered, and a
//! bounded load test (a fixed number of requests from a few clients) prints requests/s
//! and p50/p99 latency for an entity page and for a saved query over /sparql.

mod common;
mod server_support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use claimgraph::server::ServerConfig;
use server_support::{agent, fetch, seed_store, state, LiveServer};

const CROSS_JOIN: &str =
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }";

#[test]
fn a_pathological_query_fails_in_time_while_other_requests_are_answered() {
    let limit = Duration::from_secs(2);
    let server = LiveServer::start(state(
        seed_store(),
        ServerConfig {
            query_timeout: limit,
            ..ServerConfig::default()
        },
    ));
    let done = Arc::new(AtomicBool::new(false));

    // Meanwhile: health checks, a page and a small query, bounded in count and time.
    let others = {
        let (base, done) = (server.base.clone(), done.clone());
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(20);
            let mut answered = Vec::new();
            for i in 0..300 {
                if (done.load(Ordering::Relaxed) && i >= 6) || Instant::now() > deadline {
                    break;
                }
                let started = Instant::now();
                let (status, _, body) = match i % 3 {
                    0 => fetch(agent().get(&format!("{base}/healthz"))),
                    1 => fetch(agent().get(&format!("{base}/id/org/hikvision.html"))),
                    _ => fetch(
                        agent()
                            .get(&format!("{base}/sparql"))
                            .query("query", "ASK { ?c a cg:Denial }"),
                    ),
                };
                answered.push((i % 3, status, started.elapsed(), body.len()));
                std::thread::sleep(Duration::from_millis(20));
            }
            answered
        })
    };
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    let (status, _, body) = fetch(
        agent()
            .get(&server.url("/sparql"))
            .query("query", CROSS_JOIN),
    );
    let took = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let answered = others.join().unwrap();

    println!(
        "pathological query: {status} after {took:?}: {}",
        body.trim()
    );
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("longer than 2s"), "{body}");
    assert!(
        took < limit + Duration::from_secs(2),
        "the error came after {took:?}"
    );
    assert!(answered.len() >= 6, "other requests ran meanwhile");
    let slowest = answered.iter().map(|a| a.2).max().unwrap();
    println!(
        "{} other requests answered meanwhile, slowest {slowest:?}",
        answered.len()
    );
    for (kind, status, latency, _) in &answered {
        assert_eq!(
            *status, 200,
            "request kind {kind} failed during the slow query"
        );
        assert!(
            *latency < Duration::from_secs(2),
            "request kind {kind} took {latency:?}"
        );
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// Sends `total` requests from `clients` threads; returns (requests/s, p50, p99).
fn load(
    total: usize,
    clients: usize,
    request: impl Fn() -> (u16, usize) + Send + Sync + 'static,
) -> (f64, Duration, Duration) {
    let request = Arc::new(request);
    let started = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let request = request.clone();
            let share = total / clients + usize::from(c < total % clients);
            std::thread::spawn(move || {
                (0..share)
                    .map(|_| {
                        let t = Instant::now();
                        let (status, bytes) = request();
                        assert_eq!(status, 200);
                        assert!(bytes > 0);
                        t.elapsed()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut latencies: Vec<Duration> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    let elapsed = started.elapsed();
    assert_eq!(latencies.len(), total);
    latencies.sort();
    (
        total as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
    )
}

#[test]
fn bounded_load_test_prints_throughput_and_latency() {
    const REQUESTS: usize = 300;
    const CLIENTS: usize = 4;
    let server = LiveServer::start(state(seed_store(), ServerConfig::default()));
    let saved = claimgraph::read::catalog::Catalog::bundled()
        .get("service-providers")
        .unwrap()
        .text
        .clone();

    let page = server.url("/id/org/hikvision.html");
    let (rps, p50, p99) = load(REQUESTS, CLIENTS, move || {
        let (status, _, body) = fetch(agent().get(&page));
        (status, body.len())
    });
    println!("load: entity page /id/org/hikvision.html: {REQUESTS} requests, {CLIENTS} clients: {rps:.0} req/s, p50 {p50:?}, p99 {p99:?}");

    let endpoint = server.url("/sparql");
    let (rps, p50, p99) = load(REQUESTS, CLIENTS, move || {
        let r = agent()
            .post(&endpoint)
            .set("Content-Type", "application/sparql-query")
            .set("Accept", "application/sparql-results+json");
        match r.send_string(&saved) {
            Ok(resp) => (resp.status(), resp.into_string().unwrap().len()),
            Err(e) => panic!("{e}"),
        }
    });
    println!("load: saved query service-providers over /sparql: {REQUESTS} requests, {CLIENTS} clients: {rps:.0} req/s, p50 {p50:?}, p99 {p99:?}");
}
