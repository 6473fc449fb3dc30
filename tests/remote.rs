//! A SPARQL server engine as the store of record (issue #14), first layer: the protocol
//! client against a real OpenLink Virtuoso, and the saved queries' standard SPARQL 1.1
//! forms (no `LATERAL`), which must give the rows the catalog's own forms give.

mod common;
#[path = "engines/virtuoso.rs"]
mod virtuoso;

use std::collections::BTreeMap;
use std::io::Read;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use claimgraph::store::remote::{standard_form, Credentials, Endpoints, RemoteEngine, RemoteError};
use common::{repo, TestStore};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::GraphName;
use oxigraph::sparql::QueryResults;
use virtuoso::Virtuoso;

/// Where the embedded store's default graph lives on an engine whose default graph is
/// the union of all its graphs.
const DEFAULT_GRAPH: &str = "https://claimgraph.example/graph/default";

/// Each saved query's example parameters (`# example: a=b c=d`).
fn example_params(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("# example:"))
        .flat_map(|l| l.split_whitespace().map(str::to_owned))
        .collect()
}

fn saved_queries() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(repo().join("queries"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rq"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

fn run_json(store: &TestStore, query: &str, params: &[String]) -> String {
    let mut c = store.cmd();
    c.args(["query", query, "--format", "json"]);
    for p in params {
        c.args(["--param", p]);
    }
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{query}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_saved_query_has_a_standard_form_with_the_same_rows() {
    let store = TestStore::new();
    store.import_seed();
    let dir = tempfile::tempdir().unwrap();
    let mut compared = 0;
    let mut truly_lateral = Vec::new();
    for (name, text) in saved_queries() {
        let Some(standard) = standard_form(&text) else {
            truly_lateral.push(name);
            continue;
        };
        let body: String = standard
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .collect();
        assert!(
            !body.to_ascii_uppercase().contains("LATERAL"),
            "{name}: LATERAL left in its standard form"
        );
        let file = dir.path().join(format!("{name}.rq"));
        std::fs::write(&file, &standard).unwrap();
        let params = example_params(&text);
        assert_eq!(
            run_json(&store, file.to_str().unwrap(), &params),
            run_json(&store, &name, &params),
            "{name}: the standard form gives other rows"
        );
        compared += 1;
    }
    assert!(compared >= 30, "only {compared} saved queries compared");
    // A per-row subquery (the article's main source, LIMIT 1) has no mechanical standard
    // form. Only the internal page queries may have one: every public report must run
    // on a server engine as written in its standard form.
    assert!(
        truly_lateral.iter().all(|n| n.starts_with("page-")),
        "reports without a standard form: {truly_lateral:?}"
    );
}

/// The embedded seed store's quads, as `INSERT DATA` requests of a bounded size, the
/// default graph mapped to [`DEFAULT_GRAPH`].
fn seed_updates(store: &TestStore) -> Vec<String> {
    let out = store
        .cmd()
        .args(["export", "--format", "nquads"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut by_graph: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for quad in RdfParser::from_format(RdfFormat::NQuads).for_slice(&out.stdout) {
        let quad = quad.unwrap();
        let graph = match &quad.graph_name {
            GraphName::NamedNode(g) => g.as_str().to_owned(),
            _ => DEFAULT_GRAPH.to_owned(),
        };
        let triple = oxigraph::model::Triple::from(quad);
        by_graph
            .entry(graph)
            .or_default()
            .push(format!("{triple} ."));
    }
    let mut updates = Vec::new();
    for (graph, triples) in by_graph {
        for chunk in triples.chunks(500) {
            updates.push(format!(
                "INSERT DATA {{ GRAPH <{graph}> {{\n{}\n}} }}",
                chunk.join("\n")
            ));
        }
    }
    updates
}

/// A result set as sorted rows of `variable=value` cells (blank nodes left out: each
/// engine names them its own way), so two engines' answers compare as multisets.
fn rows(results: QueryResults<'_>) -> Vec<String> {
    let QueryResults::Solutions(solutions) = results else {
        panic!("not a result set")
    };
    let mut rows: Vec<String> = solutions
        .map(|s| {
            let s = s.unwrap();
            let mut cells: Vec<String> = s
                .iter()
                .filter(|(_, t)| !t.is_blank_node())
                .map(|(v, t)| format!("{}={}", v.as_str(), plain(t)))
                .collect();
            cells.sort();
            cells.join(" | ")
        })
        .collect();
    rows.sort();
    rows
}

/// A term by its value: engines differ in how they write typed numbers back.
fn plain(term: &oxigraph::model::Term) -> String {
    match term {
        oxigraph::model::Term::Literal(l) => l.value().to_owned(),
        other => other.to_string(),
    }
}

#[test]
fn virtuoso_takes_the_seed_data_and_answers_saved_queries_like_the_embedded_store() {
    let Some(server) = Virtuoso::start() else {
        return;
    };
    let store = TestStore::new();
    store.import_seed();
    let engine = RemoteEngine::new(Endpoints::new(&server.sparql(), None, None).unwrap(), None);
    let limit = Duration::from_secs(60);
    for update in seed_updates(&store) {
        engine.update(&update, limit).unwrap();
    }
    let count = |engine: &RemoteEngine| {
        rows(
            engine
                .query(
                    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                    Some(DEFAULT_GRAPH),
                    limit,
                )
                .unwrap(),
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let count_file = dir.path().join("count.rq");
    std::fs::write(&count_file, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").unwrap();
    let embedded: serde_json::Value =
        serde_json::from_str(&run_json(&store, count_file.to_str().unwrap(), &[])).unwrap();
    let embedded_n = embedded["results"]["bindings"][0]["n"]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(count(&engine), vec![format!("n={embedded_n}")]);

    // These reports give the same rows on both engines in their mechanical standard
    // form. Not yet the others: relay-chains (Virtuoso drops a zero-length `cg:relays*`
    // step), government-claims, publisher-assertions and page-claims (rows missing on
    // Virtuoso) need forms of their own; that is the rest of issue #14.
    for name in [
        "denials",
        "declined-to-comment",
        "single-source",
        "list-additions",
        "service-providers",
        "extract-dictionary",
        "void-stats",
        "page-counts",
    ] {
        let (_, text) = saved_queries()
            .into_iter()
            .find(|(n, _)| n == name)
            .unwrap();
        let prologue = claimgraph::model::vocab::sparql_prologue();
        let remote = rows(
            engine
                .query(
                    &format!("{prologue}{}", standard_form(&text).unwrap()),
                    Some(DEFAULT_GRAPH),
                    limit,
                )
                .unwrap_or_else(|e| panic!("{name}: {e}")),
        );
        let local_json: serde_json::Value =
            serde_json::from_str(&run_json(&store, name, &[])).unwrap();
        let mut local: Vec<String> = local_json["results"]["bindings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                let mut cells: Vec<String> = b
                    .as_object()
                    .unwrap()
                    .iter()
                    .filter(|(_, v)| v["type"] != "bnode")
                    .map(|(k, v)| {
                        let mut value = v["value"].as_str().unwrap();
                        // Virtuoso has no boolean type: it answers 1 and 0 (a reader of
                        // a flag takes both: `Rows::bool` in src/view).
                        if v["datatype"] == "http://www.w3.org/2001/XMLSchema#boolean" {
                            value = if value == "true" { "1" } else { "0" };
                        }
                        if v["type"] == "uri" {
                            format!("{k}=<{value}>")
                        } else {
                            format!("{k}={value}")
                        }
                    })
                    .collect();
                cells.sort();
                cells.join(" | ")
            })
            .collect();
        local.sort();
        assert!(!local.is_empty(), "{name}: no rows on the seed data");
        let only = |a: &[String], b: &[String]| -> Vec<String> {
            a.iter().filter(|r| !b.contains(r)).cloned().collect()
        };
        assert!(
            remote == local,
            "{name}: Virtuoso's rows differ\nonly on Virtuoso: {:#?}\nonly embedded: {:#?}",
            only(&remote, &local),
            only(&local, &remote)
        );
    }

    // An engine's refusal names the engine's own answer.
    match engine.query("SELECT * WHERE { ?s ?p }", None, limit) {
        Err(RemoteError::Refused { status, answer, .. }) => {
            assert_eq!(status, 400);
            assert!(answer.contains("SP030"), "{answer}");
        }
        other => panic!(
            "a syntax error must be refused, got {:?}",
            other.map(|_| ())
        ),
    }
}

#[test]
fn digest_credentials_open_the_protected_endpoint_and_nothing_else_does() {
    let Some(server) = Virtuoso::start() else {
        return;
    };
    let endpoints = Endpoints::new(&server.sparql_auth(), None, None).unwrap();
    let ask = |credentials: Option<Credentials>| {
        RemoteEngine::new(endpoints.clone(), credentials).query(
            "ASK { }",
            None,
            Duration::from_secs(30),
        )
    };
    match ask(Some(Credentials::new("dba", "dba"))) {
        Ok(QueryResults::Boolean(true)) => {}
        other => panic!("digest login failed: {:?}", other.map(|_| ())),
    }
    assert!(matches!(
        ask(None),
        Err(RemoteError::NeedsCredentials { .. })
    ));
    match ask(Some(Credentials::new("dba", "wrong"))) {
        Err(RemoteError::Refused { status: 401, .. }) => {}
        other => panic!(
            "a wrong password must be refused, got {:?}",
            other.map(|_| ())
        ),
    }
}

#[test]
fn an_engine_that_never_answers_is_given_up_at_the_deadline() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/sparql", listener.local_addr().unwrap());
    // Accept and read, never answer; stops when the test's client has gone.
    let silent = std::thread::spawn(move || {
        if let Ok((mut conn, _)) = listener.accept() {
            let mut sink = [0u8; 1024];
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline && conn.read(&mut sink).is_ok_and(|n| n > 0) {}
        }
    });
    let engine = RemoteEngine::new(Endpoints::new(&url, None, None).unwrap(), None);
    let started = Instant::now();
    let result = engine.query("ASK { }", None, Duration::from_secs(1));
    let waited = started.elapsed();
    assert!(
        matches!(result, Err(RemoteError::TimedOut { .. })),
        "{:?}",
        result.map(|_| ())
    );
    assert!(waited < Duration::from_secs(5), "gave up after {waited:?}");
    silent.join().unwrap();
}
