//! Independent clients against the live server (the real `claimgraph serve` binary):
//! Python's SPARQLWrapper runs every saved competency query over the SPARQL protocol
//! and must get the rows `claimgraph query NAME --format json` gives; rdflib parses the
//! Turtle, N-Triples, JSON-LD and N-Quads the server returns for an entity, a claim and
//! an article, and the syntaxes must agree on the number of triples.

mod common;
mod server_support;

use std::collections::BTreeMap;

use serde_json::Value;

use common::TestStore;
use server_support::ServeProcess;

/// Bindings as comparable strings (type, value, datatype, language), sorted: the rows
/// as a multiset, since rows that tie under ORDER BY may come in either order.
fn canonical(bindings: &Value) -> Vec<String> {
    let mut rows: Vec<String> = bindings
        .as_array()
        .expect("bindings")
        .iter()
        .map(|b| {
            let cells: BTreeMap<&String, &Value> = b.as_object().unwrap().iter().collect();
            serde_json::to_string(&cells).unwrap()
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn sparqlwrapper_gets_the_cli_rows_and_rdflib_parses_every_description() {
    let Some(python) = common::python() else {
        return;
    };
    let store = TestStore::new();
    store.import_seed();
    let catalog = claimgraph::read::catalog::Catalog::bundled();
    let competency = catalog.competency();
    assert!(competency.len() >= 10, "the ten competency questions");

    // What the CLI answers, before the server holds the store.
    let mut expected = BTreeMap::new();
    for q in &competency {
        let mut cmd = store.cmd();
        cmd.args(["query", &q.name, "--format", "json"]);
        for (k, v) in &q.examples {
            cmd.args(["--param", &format!("{k}={v}")]);
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            q.name,
            String::from_utf8_lossy(&out.stderr)
        );
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        expected.insert(q.name.clone(), json["results"]["bindings"].clone());
    }

    let server = ServeProcess::start(&store.path(), &[]);
    let mut cmd = std::process::Command::new(&python);
    cmd.arg(common::repo().join("tests/python/sparql_client.py"))
        .arg(&server.base)
        .arg(common::repo().join("queries"));
    cmd.args(competency.iter().map(|q| q.name.as_str()));
    let out = cmd.output().expect("run python");
    assert!(
        out.status.success(),
        "the Python client failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("the client prints JSON");

    let mut compared = 0;
    for (name, cli_rows) in &expected {
        let got = &report["queries"][name];
        assert_eq!(
            canonical(got),
            canonical(cli_rows),
            "{name}: the endpoint's rows differ from `claimgraph query`"
        );
        compared += 1;
        println!(
            "{name}: {} rows, same as the CLI",
            cli_rows.as_array().unwrap().len()
        );
    }
    assert_eq!(compared, competency.len());
    assert!(
        expected
            .values()
            .filter(|rows| !rows.as_array().unwrap().is_empty())
            .count()
            >= competency.len() - 1,
        "the seed data answers the competency questions"
    );

    for label in ["entity", "claim", "article"] {
        let d = &report["descriptions"][label];
        let counts = &d["counts"];
        let n = |k: &str| {
            counts[k]
                .as_u64()
                .unwrap_or_else(|| panic!("{label}: no {k} count in {d}"))
        };
        println!("{label} {}: {counts}", d["iri"]);
        assert!(n("turtle") > 3, "{label}: a real description");
        assert_eq!(
            n("turtle"),
            n("nt"),
            "{label}: Turtle and N-Triples carry the same triples"
        );
        assert_eq!(
            n("json-ld"),
            n("nquads"),
            "{label}: JSON-LD and N-Quads carry the same quads"
        );
        assert!(
            n("nquads") >= n("nt"),
            "{label}: the dataset syntaxes add the proposition graph"
        );
    }
    assert!(
        report["descriptions"]["claim"]["counts"]["nquads"].as_u64()
            > report["descriptions"]["claim"]["counts"]["nt"].as_u64(),
        "a claim's JSON-LD and N-Quads carry its proposition graph"
    );
}
