//! A fuzz target over the SPARQL endpoint's query handling, run as a bounded proptest in
//! the normal suite: nested, garbled, huge and mutated queries go through the real
//! router (tower `oneshot`, no socket). Whatever the text, the process must survive
//! (a stack overflow or allocation abort would end this test binary) and the answer is
//! a client error, a result or a 503, never a 500.

mod server_support;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use proptest::prelude::*;
use tower::ServiceExt;

use claimgraph::server::{app, ServerConfig};
use server_support::{seed_store, state};

/// One router over the seed store for every case (building the store is the slow part).
fn router() -> &'static Router {
    static ROUTER: OnceLock<Router> = OnceLock::new();
    ROUTER.get_or_init(|| {
        app(state(
            seed_store(),
            ServerConfig {
                query_timeout: Duration::from_millis(800),
                ..ServerConfig::default()
            },
        ))
    })
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

/// Sends `query` by POST (no URL length limit) and returns the status.
fn status_of(query: &str) -> StatusCode {
    let request = Request::post("/sparql")
        .header(header::CONTENT_TYPE, "application/sparql-query")
        .body(Body::from(query.to_owned()))
        .unwrap();
    runtime().block_on(async {
        let response = router().clone().oneshot(request).await.unwrap();
        let status = response.status();
        let _ = axum::body::to_bytes(response.into_body(), 256 << 20).await;
        status
    })
}

/// Pieces SPARQL is made of, so garbled text reaches deep into the parser.
const PIECES: &[&str] = &[
    "SELECT",
    "ASK",
    "CONSTRUCT",
    "DESCRIBE",
    "WHERE",
    "*",
    "?s",
    "?p",
    "?o",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "UNION",
    "OPTIONAL",
    "MINUS",
    "FILTER",
    "NOT EXISTS",
    "EXISTS",
    "BIND",
    "AS",
    "VALUES",
    "GRAPH",
    "SERVICE",
    "LATERAL",
    "GROUP BY",
    "ORDER BY",
    "LIMIT 1",
    "COUNT",
    "REPLACE",
    "CONCAT",
    "STRLEN",
    "!",
    "^",
    "/",
    "|",
    "+",
    "*",
    "||",
    "&&",
    "=",
    "<",
    ">",
    "<http://x#>",
    "\"",
    "'",
    "\"\"\"",
    "#",
    "\n",
    ".",
    ";",
    ",",
    "1",
    "\"a\"",
    "cg:Claim",
    "a",
    "rdf:type",
    "?x",
    "<",
    "\\",
    "@en",
    "^^xsd:string",
    "UNDEF",
    "DISTINCT",
];

fn garbled() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..400).prop_map(|p| p.join(" "))
}

/// A query nested `depth` times with one of the constructs that recurse.
fn nested() -> impl Strategy<Value = String> {
    let wrappers: &[(&str, &str)] = &[
        ("{ ", " }"),
        ("( ", " )"),
        ("[ cg:p ", " ]"),
        ("OPTIONAL { ?s ?p ?o ", " }"),
        ("FILTER NOT EXISTS { ?s ?p ?o ", " }"),
        ("MINUS { ?s ?p ?o ", " }"),
        ("{ SELECT * WHERE { ?s ?p ?o ", " } }"),
        ("FILTER(", ")"),
        ("!", ""),
    ];
    (prop::sample::select(wrappers), 1usize..3000, any::<bool>()).prop_map(
        |((open, close), depth, balanced)| {
            let closes = if balanced { depth } else { depth / 2 };
            format!(
                "SELECT * WHERE {{ ?s ?p ?o {}?s{} }}",
                open.repeat(depth),
                close.repeat(closes)
            )
        },
    )
}

/// Long flat chains that build deep trees without nesting, and big inline data.
fn huge() -> impl Strategy<Value = String> {
    let chains: &[(&str, &str, &str)] = &[
        ("SELECT * WHERE { ", "{} UNION ", "{} }"),
        ("SELECT * WHERE { ", "{} ", "}"),
        ("SELECT (1", "+1", " AS ?x) WHERE {}"),
        ("ASK { FILTER(true", " || false", ") }"),
        ("SELECT * WHERE { ?s cg:p", "/cg:p", " ?o }"),
        ("SELECT * WHERE { ?s cg:p", "|cg:p", " ?o }"),
        ("SELECT * WHERE { VALUES ?v { ", "1 ", "} }"),
        (
            "SELECT (CONCAT(\"a\"",
            ", \"aaaaaaaa\"",
            ") AS ?x) WHERE {}",
        ),
    ];
    (prop::sample::select(chains), 1usize..20_000)
        .prop_map(|((head, piece, tail), n)| format!("{head}{}{tail}", piece.repeat(n)))
}

/// A saved query with random edits: close to valid, so it gets past the parser.
fn mutated() -> impl Strategy<Value = String> {
    let texts: Vec<String> = claimgraph::read::catalog::Catalog::bundled()
        .iter()
        .map(|q| q.text.clone())
        .collect();
    (
        prop::sample::select(texts),
        prop::collection::vec(
            (any::<prop::sample::Index>(), prop::sample::select(PIECES)),
            1..6,
        ),
    )
        .prop_map(|(mut text, edits)| {
            for (at, piece) in edits {
                let mut i = at.index(text.len() + 1);
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                text.insert_str(i, piece);
            }
            text
        })
}

fn any_query() -> impl Strategy<Value = String> {
    prop_oneof![garbled(), nested(), huge(), mutated()]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_query_text_aborts_the_server_or_gets_a_500(query in any_query()) {
        let started = Instant::now();
        let status = status_of(&query);
        prop_assert!(
            status != StatusCode::INTERNAL_SERVER_ERROR,
            "500 for a query of {} bytes starting {:?}",
            query.len(),
            query.chars().take(120).collect::<String>()
        );
        prop_assert!(
            [200, 400, 406, 503].contains(&status.as_u16()),
            "unexpected status {status}"
        );
        prop_assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    }
}
