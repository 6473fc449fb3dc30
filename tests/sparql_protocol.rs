//! The W3C SPARQL 1.1 Protocol tests (`tests/conformance/sparql11-protocol/`, vendored), run
//! data-driven from their manifest against the live server over real HTTP.
//!
//! A read-only endpoint answers the query tests: the 13 `query_*` that must succeed
//! and the 7 `bad_*` query tests that must be refused with a 4xx. The `update_*` and
//! `bad_update_*` tests apply only where SPARQL Update is enabled, so they are skipped
//! by name. Every graph a test names in `ut:graphData` is loaded first, as the named
//! graph its label names.

mod common;
mod server_support;

use std::path::{Path, PathBuf};

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{Graph, NamedNode, NamedNodeRef, NamedOrBlankNode, Term, TermRef};

use claimgraph::model::graph::{Iris, DEFAULT_BASE};
use claimgraph::server::ServerConfig;
use claimgraph::store::GraphStore;
use server_support::{state, LiveServer};

const MF: &str = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#";
const HT: &str = "http://www.w3.org/2011/http#";
const CNT: &str = "http://www.w3.org/2011/content#";
const UT: &str = "http://www.w3.org/2009/sparql/tests/test-update#";
const HTS: &str = "http://www.w3.org/2011/http-statusCodes#";
const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";

fn suite_dir() -> PathBuf {
    server_support::repo().join("tests/conformance/sparql11-protocol")
}

fn iri(ns: &str, local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{ns}{local}"))
}

struct Manifest {
    graph: Graph,
}

impl Manifest {
    fn load(dir: &Path) -> Self {
        let path = dir.join("manifest.ttl");
        let base = format!("file://{}/manifest.ttl", dir.display());
        let bytes = std::fs::read(&path).expect("manifest.ttl");
        let mut graph = Graph::new();
        for t in RdfParser::from_format(RdfFormat::Turtle)
            .with_base_iri(&base)
            .unwrap()
            .for_slice(&bytes)
        {
            let q = t.expect("manifest.ttl parses");
            graph.insert(oxigraph::model::TripleRef::from(q.as_ref()));
        }
        Manifest { graph }
    }

    fn object(&self, s: &NamedOrBlankNode, p: &NamedNode) -> Option<Term> {
        self.graph
            .object_for_subject_predicate(s, p)
            .map(TermRef::into_owned)
    }

    fn objects(&self, s: &NamedOrBlankNode, p: &NamedNode) -> Vec<Term> {
        self.graph
            .objects_for_subject_predicate(s, p)
            .map(TermRef::into_owned)
            .collect()
    }

    fn string(&self, s: &NamedOrBlankNode, p: &NamedNode) -> Option<String> {
        match self.object(s, p)? {
            Term::Literal(l) => Some(l.value().to_owned()),
            _ => None,
        }
    }

    fn list(&self, head: Term) -> Vec<Term> {
        let mut items = Vec::new();
        let mut node = head;
        let nil = iri(RDF, "nil");
        while let Some(n) = as_node(&node) {
            if matches!(&node, Term::NamedNode(x) if *x == nil) {
                break;
            }
            let Some(first) = self.object(&n, &iri(RDF, "first")) else {
                break;
            };
            items.push(first);
            node = self.object(&n, &iri(RDF, "rest")).expect("rdf:rest");
        }
        items
    }
}

fn as_node(t: &Term) -> Option<NamedOrBlankNode> {
    match t {
        Term::NamedNode(n) => Some(n.clone().into()),
        Term::BlankNode(b) => Some(b.clone().into()),
        _ => None,
    }
}

struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Option<(String, String)>, // (chars, encoding)
    statuses: Vec<String>,
    boolean: Option<bool>,
    format: Option<String>,
}

fn requests(m: &Manifest, test: &NamedOrBlankNode) -> Vec<Request> {
    let action = as_node(&m.object(test, &iri(MF, "action")).expect("mf:action")).unwrap();
    let list = m
        .object(&action, &iri(HT, "requests"))
        .expect("ht:requests");
    m.list(list)
        .into_iter()
        .map(|r| {
            let r = as_node(&r).unwrap();
            let headers = m
                .object(&r, &iri(HT, "headers"))
                .map(|h| m.list(h))
                .unwrap_or_default()
                .into_iter()
                .map(|h| {
                    let h = as_node(&h).unwrap();
                    (
                        m.string(&h, &iri(HT, "fieldName")).unwrap(),
                        m.string(&h, &iri(HT, "fieldValue")).unwrap(),
                    )
                })
                .collect();
            let body = m
                .object(&r, &iri(HT, "body"))
                .and_then(|b| as_node(&b))
                .map(|b| {
                    (
                        m.string(&b, &iri(CNT, "chars")).unwrap(),
                        m.string(&b, &iri(CNT, "characterEncoding"))
                            .unwrap_or("UTF-8".into()),
                    )
                });
            let resp = as_node(&m.object(&r, &iri(HT, "resp")).expect("ht:resp")).unwrap();
            let statuses = m
                .objects(&resp, &iri(MF, "expectedStatus"))
                .into_iter()
                .filter_map(|s| match s {
                    Term::NamedNode(n) => n.as_str().strip_prefix(HTS).map(str::to_owned),
                    _ => None,
                })
                .collect();
            let boolean = m
                .string(&resp, &iri(MF, "expectedBoolean"))
                .map(|b| b == "true");
            Request {
                method: m.string(&r, &iri(HT, "methodName")).unwrap(),
                path: m.string(&r, &iri(HT, "absolutePath")).unwrap(),
                headers,
                body,
                statuses,
                boolean,
                format: m.string(&resp, &iri(MF, "expectedFormat")),
            }
        })
        .collect()
}

/// Sends one request and checks the response; `Err` says what was wrong.
fn run_request(server: &LiveServer, r: &Request) -> Result<(), String> {
    // The manifest's paths start with /sparql/, which this server answers as it is.
    let url = server.url(&r.path);
    let agent = ureq::AgentBuilder::new()
        .redirects(0)
        .timeout(std::time::Duration::from_secs(30))
        .build();
    let mut req = agent.request(&r.method, &url);
    for (k, v) in &r.headers {
        req = req.set(k, v);
    }
    let result = match &r.body {
        Some((chars, encoding)) if encoding.eq_ignore_ascii_case("UTF-16") => {
            let mut bytes = vec![0xFF, 0xFE];
            for unit in chars.encode_utf16() {
                bytes.extend_from_slice(&unit.to_le_bytes());
            }
            req.send_bytes(&bytes)
        }
        Some((chars, _)) => req.send_bytes(chars.as_bytes()),
        None => req.call(),
    };
    let (status, content_type, body) = match result {
        Ok(resp) => (
            resp.status(),
            resp.content_type().to_owned(),
            resp.into_string().unwrap_or_default(),
        ),
        Err(ureq::Error::Status(code, resp)) => (
            code,
            resp.content_type().to_owned(),
            resp.into_string().unwrap_or_default(),
        ),
        Err(e) => return Err(format!("transport error: {e}")),
    };
    let class = format!("StatusCode{}xx", status / 100);
    if !r.statuses.contains(&class) {
        return Err(format!(
            "status {status}, expected one of {:?}: {}",
            r.statuses,
            body.trim()
        ));
    }
    if let Some(format) = &r.format {
        let ok = match format.as_str() {
            "boolean" => [
                "application/sparql-results+json",
                "application/sparql-results+xml",
            ]
            .contains(&content_type.as_str()),
            "tabular" => [
                "application/sparql-results+json",
                "application/sparql-results+xml",
                "text/csv",
                "text/tab-separated-values",
            ]
            .contains(&content_type.as_str()),
            "RDF" => [
                "application/rdf+xml",
                "text/turtle",
                "application/n-triples",
            ]
            .contains(&content_type.as_str()),
            other => return Err(format!("unknown expected format {other}")),
        };
        if !ok {
            return Err(format!("content type {content_type} is not {format}"));
        }
        if format == "RDF" && content_type == "text/turtle" {
            // The body must be real Turtle.
            RdfParser::from_format(RdfFormat::Turtle)
                .for_slice(body.as_bytes())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("the Turtle does not parse: {e}"))?;
        }
    }
    if let Some(expected) = r.boolean {
        let got = if content_type.contains("json") {
            serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v["boolean"].as_bool())
        } else if body.contains("<boolean>true</boolean>") {
            Some(true)
        } else if body.contains("<boolean>false</boolean>") {
            Some(false)
        } else {
            None
        };
        if got != Some(expected) {
            return Err(format!("boolean {got:?}, expected {expected}: {body}"));
        }
    }
    Ok(())
}

#[test]
fn w3c_sparql11_protocol_query_tests_pass() {
    let dir = suite_dir();
    if !dir.join("manifest.ttl").exists() {
        common::tool_missing(&format!("the W3C protocol tests at {}", dir.display()));
        return;
    }
    let manifest = Manifest::load(&dir);
    let root = manifest
        .graph
        .subject_for_predicate_object(
            &iri(RDF, "type"),
            NamedNodeRef::new_unchecked(&format!("{MF}Manifest")),
        )
        .expect("a mf:Manifest")
        .into_owned();
    let entries = manifest.list(
        manifest
            .object(&root, &iri(MF, "entries"))
            .expect("mf:entries"),
    );
    let tests: Vec<(String, NamedOrBlankNode)> = entries
        .iter()
        .filter_map(|t| {
            let node = as_node(t)?;
            let name = match t {
                Term::NamedNode(n) => n.as_str().rsplit('#').next().unwrap_or("").to_owned(),
                _ => return None,
            };
            // Query tests: query_* and the bad_* ones that are not about updates.
            let query_test = name.starts_with("query_")
                || (name.starts_with("bad_") && !name.contains("update"));
            query_test.then_some((name, node))
        })
        .collect();

    // The graphs the tests name, each as the named graph of its label.
    let store = GraphStore::in_memory(Iris::new(DEFAULT_BASE).unwrap()).unwrap();
    let mut loaded = std::collections::BTreeSet::new();
    for (_, test) in &tests {
        for g in manifest.objects(test, &iri(UT, "graphData")) {
            let g = as_node(&g).unwrap();
            let Some(Term::NamedNode(file)) = manifest.object(&g, &iri(UT, "graph")) else {
                continue;
            };
            let label = manifest
                .string(&g, &iri(RDFS, "label"))
                .expect("graph label");
            if !loaded.insert(label.clone()) {
                continue;
            }
            let path = file
                .as_str()
                .strip_prefix("file://")
                .expect("a local data file");
            let data = std::fs::read(path).expect("graph data file");
            let parser = RdfParser::from_format(RdfFormat::NTriples)
                .with_default_graph(NamedNode::new(label).unwrap());
            store
                .embedded()
                .expect("an embedded store")
                .load_from_slice(parser, &data)
                .expect("load graph data");
        }
    }
    assert_eq!(loaded.len(), 3, "data1-3.nt are named by the dataset tests");

    let server = LiveServer::start(state(store, ServerConfig::default()));
    let mut failures = Vec::new();
    for (name, test) in &tests {
        let mut outcome = Ok(());
        for r in requests(&manifest, test) {
            outcome = run_request(&server, &r);
            if outcome.is_err() {
                break;
            }
        }
        match outcome {
            Ok(()) => println!("PASS {name}"),
            Err(why) => {
                println!("FAIL {name}: {why}");
                failures.push(format!("{name}: {why}"));
            }
        }
    }
    println!(
        "{} of {} protocol query tests pass",
        tests.len() - failures.len(),
        tests.len()
    );
    assert_eq!(
        tests.len(),
        20,
        "the manifest lists 13 query_* and 7 bad_query_* tests"
    );
    assert!(
        failures.is_empty(),
        "failing protocol tests:\n{}",
        failures.join("\n")
    );
}
