//! The bulk path to a server engine (issue #14), without an engine: `prepare` writes what
//! an import writes, `export --shards` writes what the store holds, both as N-Quads
//! shards with the default graph in `{base}graph/default`, and bad input writes nothing.
//! tests/remote.rs loads these files into a real Virtuoso.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{fixture, repo, storeless, succeeded, TestStore};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphName, Quad};

const DEFAULT_GRAPH: &str = "https://claimgraph.example/graph/default";

fn parse(bytes: &[u8]) -> Vec<Quad> {
    RdfParser::from_format(RdfFormat::NQuads)
        .for_slice(bytes)
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The quads of every shard in `folder`, the designated graph read back as the default
/// graph, as a set of N-Quads lines; and the shards' sizes.
fn shards(folder: &Path) -> (BTreeSet<String>, Vec<u64>) {
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(
        files
            .iter()
            .all(|f| f.extension().is_some_and(|e| e == "nq")),
        "only N-Quads files: {files:?}"
    );
    let mut quads = BTreeSet::new();
    let mut sizes = Vec::new();
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        sizes.push(bytes.len() as u64);
        for q in parse(&bytes) {
            assert_ne!(
                q.graph_name,
                GraphName::DefaultGraph,
                "a quad without graph"
            );
            let graph = match &q.graph_name {
                GraphName::NamedNode(g) if g.as_str() == DEFAULT_GRAPH => GraphName::DefaultGraph,
                other => other.clone(),
            };
            quads.insert(Quad::new(q.subject, q.predicate, q.object, graph).to_string());
        }
    }
    (quads, sizes)
}

/// The embedded store's quads as a set of N-Quads lines.
fn store_quads(store: &TestStore) -> BTreeSet<String> {
    let out = succeeded(
        store
            .cmd()
            .args(["export", "--format", "nquads"])
            .output()
            .unwrap(),
        "export",
    );
    parse(out.as_bytes())
        .into_iter()
        .map(|q| q.to_string())
        .collect()
}

/// Whether an N-Quads line states a derived status or an import time (by its predicate).
fn derived_or_time(line: &str) -> bool {
    let predicate = line.split_whitespace().nth(1).unwrap_or("");
    [
        "<https://claimgraph.example/ns#status>",
        "<https://claimgraph.example/ns#statusBasis>",
        "<https://claimgraph.example/ns#corroboratedBy>",
        "<http://purl.org/dc/terms/modified>",
    ]
    .contains(&predicate)
}

#[test]
fn export_shards_hold_exactly_the_store_in_about_equal_files() {
    let store = TestStore::new();
    store.import_seed();
    let out = store.dir.path().join("dump");
    let printed = succeeded(
        store
            .cmd()
            .args(["export", "--format", "nquads", "--shards", "4", "--output"])
            .arg(&out)
            .output()
            .unwrap(),
        "export --shards",
    );
    assert!(printed.contains("as 4 N-Quads file(s)"), "{printed}");
    let (quads, sizes) = shards(&out);
    assert_eq!(quads, store_quads(&store));
    let (small, large) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
    assert!(
        large - small < large / 10,
        "shards of unequal size: {sizes:?}"
    );

    // Never into a folder that holds something, and only as N-Quads.
    let again = store
        .cmd()
        .args(["export", "--format", "nquads", "--shards", "2", "--output"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already exists"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let trig = store
        .cmd()
        .args(["export", "--shards", "2", "--output"])
        .arg(store.dir.path().join("other"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&trig.stderr).contains("--format nquads"));
    assert!(!store.dir.path().join("other").exists());
}

#[test]
fn prepare_writes_what_an_import_writes_statuses_left_to_derive() {
    let store = TestStore::new();
    store.import_seed();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("prepared");
    let printed = succeeded(
        storeless(work.path())
            .arg("prepare")
            .arg(repo().join("data"))
            .args(["--shards", "3", "--output"])
            .arg(&out)
            .output()
            .unwrap(),
        "prepare",
    );
    assert!(
        printed.contains("prepared 2 article(s), 1 reference sheet(s)"),
        "{printed}"
    );
    // No store was opened or created: the work folder holds the shards only.
    let entries: Vec<_> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, vec![std::ffi::OsString::from("prepared")]);

    let (prepared, _) = shards(&out);
    assert!(
        !prepared
            .iter()
            .any(|l| derived_or_time(l) && !l.contains("/dc/terms/modified>")),
        "prepare derived statuses"
    );
    let imported: BTreeSet<String> = store_quads(&store)
        .into_iter()
        .filter(|l| !derived_or_time(l))
        .collect();
    let prepared: BTreeSet<String> = prepared
        .into_iter()
        .filter(|l| !derived_or_time(l))
        .collect();
    assert_eq!(prepared, imported);
}

#[test]
fn prepare_refuses_bad_sheets_by_file_line_and_field_and_writes_nothing() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("prepared");
    let refused = storeless(work.path())
        .arg("prepare")
        .arg(fixture("mini/entities.toml"))
        .arg(fixture("bad/unknown-entity.toml"))
        .arg(fixture("bad/malformed.toml"))
        .args(["--shards", "2", "--output"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    for expected in [
        "unknown-entity.toml:58:",
        "claim[2].claimant",
        "malformed.toml:3:",
        "2 file(s) refused; nothing was written",
    ] {
        assert!(stderr.contains(expected), "{expected:?} not in:\n{stderr}");
    }
    assert_eq!(
        std::fs::read_dir(work.path()).unwrap().count(),
        0,
        "a folder or a partial one was left"
    );
}
