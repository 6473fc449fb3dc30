//! The server under attack, over real HTTP on 127.0.0.1, as the real `claimgraph serve`
//! binary on an on-disk store: deeply nested queries, runaway queries (a cross join of
//! the store, a cross product of VALUES), forty clients on the listing pages, the
//! sitemap and the search index, and hundreds of connections that send half a request
//! head. Meanwhile `/healthz` and an entity page are probed every 20 ms: 99 in 100 must
//! answer under 100 ms (or, on a machine already slower than that when quiet, under
//! twice its quiet worst) and none may stall for a second; at the end the process is
//! still running and answers.
//!
//! The attackers run in a second process (this test binary again, at `nice 19`): an
//! attacker elsewhere does not spend this machine's CPU on its own side of the
//! requests, and on two cores forty busy client threads at the server's priority would
//! measure the scheduler, not the server. Every loop is bounded in count and time and
//! stops by itself; the whole test takes about 20 s.

mod common;
mod server_support;

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use server_support::{nested_queries, values_cross_product, ServeProcess};

/// How long the attack lasts.
const ATTACK: Duration = Duration::from_secs(12);
/// The slowest answer a probe may get.
const PROBE_LIMIT: Duration = Duration::from_millis(100);
/// Where the attacker process finds the server.
const TARGET_VAR: &str = "CLAIMGRAPH_ABUSE_TARGET";

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

/// Runs `attack` in a loop on `threads` threads for [`ATTACK`]; returns the statuses seen.
fn attackers(
    threads: usize,
    attack: impl Fn(usize) -> u16 + Send + Sync + 'static,
) -> Vec<JoinHandle<Vec<u16>>> {
    let attack = Arc::new(attack);
    (0..threads)
        .map(|t| {
            let attack = attack.clone();
            std::thread::spawn(move || {
                let deadline = Instant::now() + ATTACK;
                let mut seen = Vec::new();
                for i in 0..100_000 {
                    if Instant::now() > deadline {
                        break;
                    }
                    seen.push(attack(t * 100_000 + i));
                }
                seen
            })
        })
        .collect()
}

/// Requests `/healthz` and an entity page in turn, every 20 ms for `during`, each timed.
fn probe(base: &str, during: Duration) -> Vec<(&'static str, u16, Duration)> {
    let ends = Instant::now() + during;
    let mut timings = Vec::new();
    for i in 0..5_000 {
        if Instant::now() > ends {
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
}

fn summary(timings: &[(&str, u16, Duration)]) -> String {
    let mut latencies: Vec<Duration> = timings.iter().map(|t| t.2).collect();
    latencies.sort();
    let mut slowest: Vec<&(&str, u16, Duration)> = timings.iter().collect();
    slowest.sort_by_key(|t| std::cmp::Reverse(t.2));
    let slowest: Vec<String> = slowest
        .iter()
        .take(3)
        .map(|(path, _, took)| format!("{path} {took:?}"))
        .collect();
    format!(
        "{} probes of /healthz and /id/org/hikvision.html: p50 {:?}, p99 {:?}, max {:?}; slowest: {}",
        latencies.len(),
        latencies[latencies.len() / 2],
        latencies[latencies.len() * 99 / 100],
        latencies[latencies.len() - 1],
        slowest.join(", ")
    )
}

/// The attacker process: started by the test below with the server's address in
/// [`TARGET_VAR`]; prints `statuses: {...}` and `slow: N` when the attack is over.
#[test]
#[ignore = "the attacker process of no_request_kills_the_server_and_health_and_pages_stay_fast"]
fn attacker_process() {
    let Ok(base) = std::env::var(TARGET_VAR) else {
        return;
    };
    let addr = base.trim_start_matches("http://").to_owned();
    let nested: Arc<Vec<String>> = Arc::new(nested_queries().into_iter().map(|(_, q)| q).collect());
    let mut attacks = Vec::new();
    // Nested and deep queries: 400 each.
    attacks.extend(attackers(2, {
        let base = base.clone();
        move |i| post_query(&base, &nested[i % nested.len()])
    }));
    // Runaways: a cross join of the whole store (its worker is killed at the deadline)
    // and a VALUES cross product (refused before it runs).
    attacks.extend(attackers(3, {
        let base = base.clone();
        let values = values_cross_product();
        move |i| {
            let query = if i % 2 == 0 {
                "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
            } else {
                values.as_str()
            };
            post_query(&base, query)
        }
    }));
    // Forty clients on the expensive listings.
    attacks.extend(attackers(40, {
        let base = base.clone();
        move |i| {
            let path = [
                "/claims.html",
                "/sitemap.xml",
                "/search/index.js",
                "/documents.html",
            ][i % 4];
            status(client().get(&format!("{base}{path}")))
        }
    }));
    // Slow headers: 400 connections that never finish their request head.
    let slowloris = std::thread::spawn(move || {
        let mut open = Vec::new();
        let deadline = Instant::now() + ATTACK;
        for _ in 0..400 {
            if Instant::now() > deadline {
                break;
            }
            if let Ok(mut s) = TcpStream::connect(&addr) {
                let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");
                open.push(s);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let opened = open.len();
        std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
        opened
    });
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    for handle in attacks {
        for code in handle.join().unwrap() {
            *statuses.entry(code).or_insert(0) += 1;
        }
    }
    println!("slow: {}", slowloris.join().unwrap());
    println!("statuses: {}", serde_json::to_string(&statuses).unwrap());
}

#[test]
fn no_request_kills_the_server_and_health_and_pages_stay_fast() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServeProcess::start(&dir.path().join("store"), &["--query-timeout", "2"]);
    let base = server.base.clone();
    // Warm the listings once, so the probes measure the server, not the first render.
    for path in [
        "/claims.html",
        "/sitemap.xml",
        "/search/index.js",
        "/documents.html",
        "/id/org/hikvision.html",
    ] {
        assert_eq!(
            status(client().get(&format!("{base}{path}"))),
            200,
            "{path}"
        );
    }

    // The same probes before the attack: how fast this machine answers them at all.
    let quiet = probe(&base, Duration::from_secs(2));
    let quiet_max = quiet.iter().map(|t| t.2).max().unwrap();
    println!("abuse: before the attack: {}", summary(&quiet));

    let this_test = std::env::current_exe().unwrap();
    let mut attacker = if std::path::Path::new("/usr/bin/nice").exists() {
        let mut c = Command::new("/usr/bin/nice");
        c.args(["-n", "19"]).arg(&this_test);
        c
    } else {
        Command::new(&this_test)
    };
    let mut attacker = attacker
        .args(["attacker_process", "--exact", "--ignored", "--nocapture"])
        .env(TARGET_VAR, &base)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the attacker process");
    let attack_output = attacker.stdout.take().unwrap();
    let report = std::thread::spawn(move || {
        std::io::BufReader::new(attack_output)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<String>>()
    });

    std::thread::sleep(Duration::from_millis(500));
    let timings = probe(&base, ATTACK - Duration::from_secs(1));

    // The attacker stops by itself; it is killed if it overstays.
    let waited = Instant::now();
    while attacker.try_wait().unwrap().is_none() {
        if waited.elapsed() > Duration::from_secs(40) {
            let _ = attacker.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = attacker.wait();
    let lines = report.join().unwrap();
    let statuses: BTreeMap<u16, usize> = lines
        .iter()
        .find_map(|l| l.strip_prefix("statuses: "))
        .map(|json| serde_json::from_str(json).unwrap())
        .unwrap_or_else(|| panic!("the attacker reported nothing: {lines:?}"));
    let slow = lines
        .iter()
        .find_map(|l| l.strip_prefix("slow: "))
        .unwrap_or("?");
    println!("abuse: {slow} slow connections; attack statuses {statuses:?}");

    println!("abuse: during the attack: {}", summary(&timings));
    assert!(
        timings.len() >= 100,
        "the probes ran throughout ({})",
        timings.len()
    );
    // Under 100 ms (on a machine that is itself slower than that when quiet, other
    // work on shared cores, under twice its quiet worst): 99 in 100 probes, so that one
    // scheduling hiccup of a busy machine is not taken for the server's; and not one
    // probe may stall for a second.
    let limit = PROBE_LIMIT.max(quiet_max * 2);
    for (path, code, took) in &timings {
        assert_eq!(*code, 200, "{path} failed during the attack");
        assert!(
            *took < Duration::from_secs(1),
            "{path} stalled for {took:?} during the attack"
        );
    }
    let over = timings.iter().filter(|t| t.2 >= limit).count();
    assert!(
        over * 100 <= timings.len(),
        "{over} of {} probes took {limit:?} or more during the attack (quiet worst {quiet_max:?})",
        timings.len()
    );
    assert!(
        statuses.get(&400).copied().unwrap_or(0) > 0
            && statuses.get(&503).copied().unwrap_or(0) > 0,
        "the hostile queries were sent and refused or stopped: {statuses:?}"
    );
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
