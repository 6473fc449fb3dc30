//! The server under attack, over real HTTP on 127.0.0.1, as the real `claimgraph serve`
//! binary: deeply nested queries, runaway queries (a cross join of the store, a cross
//! product of VALUES), forty clients on the listing pages, the sitemap and the search
//! index, and hundreds of connections that send half a request head. Meanwhile
//! `/healthz` and an entity page are probed every few milliseconds and must answer
//! under 100 ms; at the end the process is still running. Every loop is bounded in
//! count and time and stops by itself (the whole test takes about 20 s).

mod common;
mod server_support;

use std::io::Write;
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use server_support::{nested_queries, values_cross_product, ServeProcess};

/// How long the attack lasts.
const ATTACK: Duration = Duration::from_secs(12);
/// The slowest answer a probe may get.
const PROBE_LIMIT: Duration = Duration::from_millis(100);

fn client() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .redirects(0)
        .timeout(Duration::from_secs(15))
        .build()
}

/// Status of a request (0 when the connection itself failed).
fn status(request: ureq::Request) -> u16 {
    match request.call() {
        Ok(r) => {
            let status = r.status();
            let _ = r.into_string();
            status
        }
        Err(ureq::Error::Status(code, r)) => {
            let _ = r.into_string();
            code
        }
        Err(_) => 0,
    }
}

/// Status of a query sent by POST (0 when the connection itself failed).
fn post_query(base: &str, query: &str) -> u16 {
    match client()
        .post(&format!("{base}/sparql"))
        .set("Content-Type", "application/sparql-query")
        .send_string(query)
    {
        Ok(r) => r.status(),
        Err(ureq::Error::Status(code, _)) => code,
        Err(_) => 0,
    }
}

/// Runs `attack` in a loop on `threads` threads until `stop`; returns the statuses seen.
fn attackers(
    threads: usize,
    stop: &Arc<AtomicBool>,
    attack: impl Fn(usize) -> u16 + Send + Sync + 'static,
) -> Vec<JoinHandle<Vec<u16>>> {
    let attack = Arc::new(attack);
    (0..threads)
        .map(|t| {
            let (stop, attack) = (stop.clone(), attack.clone());
            std::thread::spawn(move || {
                let deadline = Instant::now() + ATTACK + Duration::from_secs(20);
                let mut seen = Vec::new();
                for i in 0..100_000 {
                    if stop.load(Ordering::Relaxed) || Instant::now() > deadline {
                        break;
                    }
                    seen.push(attack(t * 100_000 + i));
                }
                seen
            })
        })
        .collect()
}

#[test]
fn no_request_kills_the_server_and_health_and_pages_stay_fast() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServeProcess::start(&dir.path().join("store"), &["--query-timeout", "2"]);
    let base = server.base.clone();
    let addr = base.trim_start_matches("http://").to_owned();
    let stop = Arc::new(AtomicBool::new(false));
    // Warm the listings once, so the probes measure the server, not the first render.
    for path in [
        "/claims.html",
        "/sitemap.xml",
        "/search-index.json",
        "/id/org/hikvision.html",
    ] {
        assert_eq!(
            status(client().get(&format!("{base}{path}"))),
            200,
            "{path}"
        );
    }

    // Probes: health and an entity page, every 20 ms, each timed.
    let probes = {
        let (base, stop) = (base.clone(), stop.clone());
        std::thread::spawn(move || {
            let deadline = Instant::now() + ATTACK + Duration::from_secs(20);
            let mut timings = Vec::new();
            for i in 0..5_000 {
                if stop.load(Ordering::Relaxed) || Instant::now() > deadline {
                    break;
                }
                let path = if i % 2 == 0 {
                    "/healthz"
                } else {
                    "/id/org/hikvision.html"
                };
                let started = Instant::now();
                let code = status(client().get(&format!("{base}{path}")));
                timings.push((path, code, started.elapsed()));
                std::thread::sleep(Duration::from_millis(20));
            }
            timings
        })
    };

    let nested: Arc<Vec<String>> = Arc::new(nested_queries().into_iter().map(|(_, q)| q).collect());
    let mut attacks = Vec::new();
    // Nested and deep queries: 400 each.
    attacks.extend(attackers(2, &stop, {
        let (base, nested) = (base.clone(), nested.clone());
        move |i| post_query(&base, &nested[i % nested.len()])
    }));
    // Runaways: a cross join of the whole store (stopped at the deadline) and a VALUES
    // cross product (refused before it runs).
    attacks.extend(attackers(3, &stop, {
        let base = base.clone();
        let values = values_cross_product();
        move |i| {
            let query = if i % 2 == 0 {
                "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
            } else {
                values.as_str()
            };
            status(client().get(&format!("{base}/sparql")).query("query", query))
        }
    }));
    // Forty clients on the expensive listings.
    attacks.extend(attackers(40, &stop, {
        let base = base.clone();
        move |i| {
            let path = [
                "/claims.html",
                "/sitemap.xml",
                "/search-index.json",
                "/documents.html",
            ][i % 4];
            status(client().get(&format!("{base}{path}")))
        }
    }));
    // Slow headers: 400 connections that never finish their request head.
    let slowloris = {
        let (addr, stop) = (addr.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut open = Vec::new();
            let deadline = Instant::now() + ATTACK;
            for _ in 0..400 {
                if stop.load(Ordering::Relaxed) || Instant::now() > deadline {
                    break;
                }
                if let Ok(mut s) = TcpStream::connect(&addr) {
                    let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");
                    open.push(s);
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            open.len()
        })
    };

    std::thread::sleep(ATTACK);
    stop.store(true, Ordering::Relaxed);
    let slow = slowloris.join().unwrap();
    let mut statuses = std::collections::BTreeMap::new();
    for handle in attacks {
        for code in handle.join().unwrap() {
            *statuses.entry(code).or_insert(0usize) += 1;
        }
    }
    let timings = probes.join().unwrap();
    println!("abuse: {slow} slow connections; attack statuses {statuses:?}");

    let mut latencies: Vec<Duration> = timings.iter().map(|t| t.2).collect();
    latencies.sort();
    let p50 = latencies[latencies.len() / 2];
    let max = *latencies.last().unwrap();
    println!(
        "abuse: {} probes of /healthz and /id/org/hikvision.html: p50 {p50:?}, max {max:?}",
        timings.len()
    );
    assert!(
        timings.len() >= 100,
        "the probes ran throughout ({})",
        timings.len()
    );
    for (path, code, took) in &timings {
        assert_eq!(*code, 200, "{path} failed during the attack");
        assert!(
            *took < PROBE_LIMIT,
            "{path} took {took:?} during the attack"
        );
    }
    assert!(
        !statuses.contains_key(&500),
        "no request got a 500: {statuses:?}"
    );
    assert!(
        !statuses.contains_key(&0),
        "no connection was refused or reset: {statuses:?}"
    );

    // The process is still there and still answers.
    let mut server = server;
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "the server process died"
    );
    assert_eq!(status(client().get(&server.url("/healthz"))), 200);
}
