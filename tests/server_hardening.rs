//! No request kills the server: deeply nested and deep-algebra queries get 400 (server
//! and CLI), queries Oxigraph cannot interrupt are refused up front or hand their slot
//! back at the deadline, pages share one bound and one deadline and answer 503 with
//! Retry-After, slow connections are closed, every response says `nosniff`, and
//! `serve --watch` starts beside a bad sheet.

mod common;
mod server_support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use tower::ServiceExt;

use claimgraph::server::{app, AppError, ServerConfig};
use server_support::{
    agent, fetch, nested_queries, recursive_shapes, seed_store, state, values_block,
    values_cross_product, LiveServer, ServeProcess,
};

struct Answer {
    status: StatusCode,
    nosniff: bool,
    retry_after: Option<String>,
    content_type: String,
    body: String,
}

async fn get(app: &Router, uri: &str, accept: Option<&str>) -> Answer {
    let mut request = Request::get(uri);
    if let Some(a) = accept {
        request = request.header(header::ACCEPT, a);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    answer(response).await
}

/// Whether a refusal says which bound the query broke.
fn says_why(message: &str) -> bool {
    ["levels deep", "operators deep", "triple patterns"]
        .iter()
        .any(|why| message.contains(why))
}

/// Sends a query by POST (a deep query is longer than a URI may be).
async fn post_query(app: &Router, query: &str) -> Answer {
    let response = app
        .clone()
        .oneshot(
            Request::post("/sparql")
                .header(header::CONTENT_TYPE, "application/sparql-query")
                .body(Body::from(query.to_owned()))
                .unwrap(),
        )
        .await
        .unwrap();
    answer(response).await
}

async fn answer(response: axum::response::Response) -> Answer {
    let headers = response.headers().clone();
    let text = |name: header::HeaderName| {
        headers
            .get(name)
            .map(|v| v.to_str().unwrap_or_default().to_owned())
    };
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
        .await
        .unwrap();
    Answer {
        status,
        nosniff: text(header::X_CONTENT_TYPE_OPTIONS).as_deref() == Some("nosniff"),
        retry_after: text(header::RETRY_AFTER),
        content_type: text(header::CONTENT_TYPE).unwrap_or_default(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn query_uri(query: &str) -> String {
    format!(
        "/sparql?{}",
        form_urlencoded::Serializer::new(String::new())
            .append_pair("query", query)
            .finish()
    )
}

#[tokio::test]
async fn deeply_nested_queries_get_400_and_never_overflow_the_stack() {
    let app = app(state(seed_store(), ServerConfig::default()));
    for (name, query) in nested_queries() {
        let a = post_query(&app, &query).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{name}: {}", a.body);
        assert!(
            says_why(&a.body),
            "{name}: the message says why: {}",
            a.body
        );
    }
    // Nesting a real query needs stays accepted.
    let fine = "SELECT * WHERE { ?s ?p ?o FILTER NOT EXISTS { ?s ?p ?o OPTIONAL { ?s ?p ?o MINUS { ?s ?p ?o } } } } LIMIT 1";
    assert_eq!(
        get(&app, &query_uri(fine), None).await.status,
        StatusCode::OK
    );
}

#[test]
fn queries_at_the_bounds_run_on_the_query_stack() {
    // A small store: every operator sees rows, and 250 UNIONs of all of it stay quick.
    let store = claimgraph::store::GraphStore::in_memory(
        claimgraph::model::graph::Iris::new(claimgraph::model::graph::DEFAULT_BASE).unwrap(),
    )
    .unwrap();
    claimgraph::write::import::import_paths(&store, &[common::fixture("mini")], &|_, _| {})
        .unwrap();
    // The deepest shapes the bounds let through: 62 levels (the query's own group and
    // one more make 64), chains of 250 operators (the algebra's root adds a few).
    for (name, query) in recursive_shapes(62, 250) {
        let limits = claimgraph::read::catalog::Limits {
            timeout: Some(Duration::from_secs(30)),
            max_rows: None,
        };
        let outcome = claimgraph::store::query_guard::on_query_stack(|| {
            claimgraph::read::catalog::run(&store, &query, &[], limits).map(|_| ())
        })
        .unwrap();
        assert!(outcome.is_ok(), "{name}: {outcome:?}");
    }
}

#[test]
fn the_cli_query_refuses_deep_nesting_with_exit_1() {
    for (name, query) in nested_queries() {
        let output = common::TestStore::new()
            .cmd()
            .args(["--memory", "query", "-"])
            .write_stdin(query)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{name}: {stderr}");
        assert!(says_why(&stderr), "{name}: {stderr}");
    }
}

#[tokio::test]
async fn values_cross_products_are_refused_before_they_run() {
    let app = app(state(seed_store(), ServerConfig::default()));
    let started = Instant::now();
    let a = post_query(&app, &values_cross_product()).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    assert!(a.body.contains("VALUES"), "{}", a.body);
    assert!(started.elapsed() < Duration::from_secs(2));
    let mut bomb = "\"aaaaaaaaaa\"".to_owned();
    for _ in 0..4 {
        bomb = format!("REPLACE({bomb}, \"\", {bomb})");
    }
    let a = get(
        &app,
        &query_uri(&format!("SELECT (STRLEN({bomb}) AS ?n) WHERE {{}}")),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    // A small product still runs.
    let small = format!(
        "SELECT (COUNT(*) AS ?n) WHERE {{ {} {} }}",
        values_block("a", 100),
        values_block("b", 100)
    );
    let a = get(&app, &query_uri(&small), None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(a.body.contains("\"10000\""), "{}", a.body);
}

#[tokio::test]
async fn a_query_that_outruns_its_deadline_hands_its_slot_back() {
    let state = state(
        seed_store(),
        ServerConfig {
            query_timeout: Duration::from_millis(500),
            max_concurrent_queries: 1,
            ..ServerConfig::default()
        },
    );
    // Work the deadline cannot interrupt, as an uncancellable query would be.
    let started = Instant::now();
    let runaway = state
        .in_query_slot(|_| {
            std::thread::sleep(Duration::from_secs(4));
            Ok(())
        })
        .await;
    assert!(matches!(runaway, Err(AppError::Unavailable(_))));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "503 at the deadline"
    );
    // The only slot is free again while the runaway still runs.
    let next = state.in_query_slot(|_| Ok(42)).await;
    assert_eq!(next.unwrap(), 42, "a later query is not kept out");
    let page = app(state.clone());
    let a = get(&page, &query_uri("ASK { ?s ?p ?o }"), None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
}

#[tokio::test]
async fn pages_without_a_slot_or_past_the_deadline_answer_503_with_retry_after() {
    let state = state(
        seed_store(),
        ServerConfig {
            query_timeout: Duration::from_millis(500),
            max_concurrent_pages: 1,
            ..ServerConfig::default()
        },
    );
    let app = app(state.clone());
    // Hold the only page slot past the deadline.
    let holder = {
        let state = state.clone();
        tokio::spawn(async move {
            state
                .blocking(|_| {
                    std::thread::sleep(Duration::from_millis(1500));
                    Ok(())
                })
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let waiting: Vec<_> = [
        "/id/org/hikvision.html",
        "/id/org/hikvision.ttl",
        "/claims.html",
        "/.well-known/void",
    ]
    .into_iter()
    .map(|uri| {
        let app = app.clone();
        tokio::spawn(async move { (uri, get(&app, uri, None).await) })
    })
    .collect();
    for waiter in waiting {
        let (uri, a) = waiter.await.unwrap();
        assert_eq!(
            a.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{uri}: {}",
            a.body
        );
        assert_eq!(a.retry_after.as_deref(), Some("5"), "{uri}");
        assert!(a.nosniff);
    }
    let held = holder.await.unwrap();
    assert!(
        matches!(held, Err(AppError::Unavailable(_))),
        "the holder itself got 503 at its deadline"
    );
    // Once free, pages answer again; a listing is rendered once and then shared.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let first = get(&app, "/claims.html", None).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let second = get(&app, "/claims.html", None).await;
    assert_eq!(second.body, first.body);
}

#[tokio::test]
async fn many_clients_on_a_listing_share_one_render() {
    let state = state(seed_store(), ServerConfig::default());
    let app = app(state);
    let clients: Vec<_> = (0..40)
        .map(|i| {
            let app = app.clone();
            let path = [
                "/claims.html",
                "/sitemap.xml",
                "/search/index.js",
                "/articles.html",
            ][i % 4];
            tokio::spawn(async move { (path, get(&app, path, None).await) })
        })
        .collect();
    for client in clients {
        let (path, a) = client.await.unwrap();
        assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.body);
    }
}

#[tokio::test]
async fn every_response_says_nosniff_and_a_404_reads_plainly() {
    let app = app(state(seed_store(), ServerConfig::default()));
    for uri in [
        "/healthz",
        "/claims.html",
        "/id/org/hikvision.ttl",
        "/sparql?query=ASK%7B%7D",
        "/sparql?query=bad",
        "/no-such-page.html",
        "/id/org/no-such-company",
        "/%3Cscript%3Ealert(1)%3C/script%3E.html",
    ] {
        let a = get(&app, uri, None).await;
        assert!(a.nosniff, "{uri} ({}) lacks nosniff", a.status);
    }
    let a = get(&app, "/id/org/no-such-company", None).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(
        a.content_type.starts_with("text/plain"),
        "{}",
        a.content_type
    );
    assert!(
        !a.body.contains("<<") && !a.body.contains(">>"),
        "{}",
        a.body
    );
    assert!(
        a.body
            .contains("https://claimgraph.example/id/org/no-such-company"),
        "{}",
        a.body
    );
}

/// Opens `n` connections that send half a request head and then nothing.
fn slow_connections(addr: &str, n: usize) -> Vec<TcpStream> {
    (0..n)
        .filter_map(|_| {
            let mut s = TcpStream::connect(addr).ok()?;
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").ok()?;
            Some(s)
        })
        .collect()
}

/// Whether the server closed `s` (a read ends with EOF or a reset within `wait`).
fn closed_by_server(s: &mut TcpStream, wait: Duration) -> bool {
    s.set_read_timeout(Some(wait)).unwrap();
    let mut buf = [0u8; 512];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return false
            }
            Err(_) => return true,
        }
    }
}

#[test]
fn slow_and_idle_connections_are_closed_after_the_header_timeout() {
    let server = LiveServer::start(state(
        seed_store(),
        ServerConfig {
            header_read_timeout: Duration::from_secs(1),
            ..ServerConfig::default()
        },
    ));
    let addr = server.base.trim_start_matches("http://").to_owned();
    let started = Instant::now();
    let mut slow = slow_connections(&addr, 300);
    assert_eq!(slow.len(), 300);
    // Meanwhile the server answers others.
    let (status, _, _) = fetch(agent().get(&server.url("/healthz")));
    assert_eq!(status, 200);
    // An idle kept-alive connection is closed too.
    let mut idle = TcpStream::connect(&addr).unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut first = [0u8; 256];
    let n = idle.read(&mut first).unwrap();
    assert!(String::from_utf8_lossy(&first[..n]).starts_with("HTTP/1.1 200"));
    for s in &mut slow {
        assert!(
            closed_by_server(s, Duration::from_secs(5)),
            "a slow connection stayed open"
        );
    }
    assert!(
        closed_by_server(&mut idle, Duration::from_secs(5)),
        "an idle connection stayed open"
    );
    println!(
        "300 slow connections and an idle one closed after {:?}",
        started.elapsed()
    );
    assert!(started.elapsed() < Duration::from_secs(8));
}

#[test]
fn the_connection_cap_holds_and_frees_up() {
    let server = LiveServer::start(state(
        seed_store(),
        ServerConfig {
            header_read_timeout: Duration::from_secs(1),
            max_connections: 20,
            ..ServerConfig::default()
        },
    ));
    let addr = server.base.trim_start_matches("http://").to_owned();
    let _slow = slow_connections(&addr, 40);
    // Past the cap a client waits, but only until the slow ones are cut off.
    let started = Instant::now();
    let (status, _, _) = fetch(agent().get(&server.url("/healthz")));
    assert_eq!(status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn serve_watch_starts_beside_a_bad_sheet_and_imports_the_good_ones() {
    let store = tempfile::tempdir().unwrap();
    let watched = tempfile::tempdir().unwrap();
    for f in ["entities.toml", "acme-hosting.toml"] {
        std::fs::copy(common::fixture("mini").join(f), watched.path().join(f)).unwrap();
    }
    std::fs::write(
        watched.path().join("broken.toml"),
        "[article]\nid = \"broken\"\ntitle = [\n",
    )
    .unwrap();
    let log = store.path().join("serve.log");
    let server = ServeProcess::start_logged(
        &store.path().join("store"),
        &["--watch", watched.path().to_str().unwrap()],
        &log,
    );
    let (status, ..) = fetch(agent().get(&server.url("/id/article/acme-hosting.ttl")));
    assert_eq!(status, 200, "the good sheet was imported");
    let (status, ..) = fetch(agent().get(&server.url("/healthz")));
    assert_eq!(status, 200);
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("broken.toml:4:1: invalid array"),
        "the bad sheet is named with its line: {logged}"
    );
}

#[test]
fn a_runaway_query_is_killed_at_its_deadline_and_keeps_no_slot() {
    // The real server on an on-disk store: queries run in worker processes.
    let dir = tempfile::tempdir().unwrap();
    let server = ServeProcess::start(
        &dir.path().join("store"),
        &["--query-timeout", "1", "--max-concurrent-queries", "1"],
    );
    // A cross join of the store: Oxigraph's cancellation does not reach its in-memory
    // product, so only killing its worker stops it.
    let cross =
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }";
    for _ in 0..3 {
        let started = Instant::now();
        let (status, _, body) = fetch(agent().get(&server.url("/sparql")).query("query", cross));
        assert_eq!(status, 503, "{body}");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
    }
    // The only slot is free at once, and the answer is fresh from a new worker.
    let started = Instant::now();
    let (status, _, body) = fetch(
        agent()
            .get(&server.url("/sparql"))
            .query("query", "SELECT (COUNT(*) AS ?n) WHERE { ?c a cg:Claim }"),
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"value\":\"37\""), "{body}");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    // The query page for a browser works through a worker too.
    let (status, ct, body) = fetch(
        agent()
            .get(&server.url("/sparql"))
            .set("Accept", "text/html")
            .query("query", "SELECT ?c WHERE { ?c a cg:Denial } LIMIT 3"),
    );
    assert_eq!((status, ct.as_str()), (200, "text/html"), "{body}");
    assert!(body.contains("id/claim/"), "the rows link to their pages");
}
