//! `stats` and `query` run while another process imports: they never fail (no
//! "Corruption: IO error: No such file or directory …sst") and never see a claim
//! without its status, because readers open the checkpoint the writer published after
//! its last complete import, never the folder it is writing. Bounded: a fixed number
//! of imports, readers in a loop until they end.

#![cfg(unix)]

mod common;

#[path = "../benches/corpus.rs"]
mod corpus;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{claimgraph_at as claimgraph, count_at, TestStore};

/// Imports of alternating corpora (same article ids, other content), so every import
/// replaces every article and re-derives every status while readers read.
const IMPORTS: usize = 3;
const ARTICLES: usize = 40;

#[test]
fn readers_survive_a_concurrent_import_and_never_see_claims_without_status() {
    let work = TestStore::new();
    let corpora: Vec<_> = (0..2)
        .map(|i| {
            let dir = work.dir.path().join(format!("corpus-{i}"));
            corpus::generate(&dir, ARTICLES, 100 + i as u64).unwrap();
            dir
        })
        .collect();
    let store = work.dir.path().join("store");
    let first = claimgraph(&store)
        .arg("import")
        .arg(&corpora[0])
        .output()
        .unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );

    let done = Arc::new(AtomicBool::new(false));
    let writer = {
        let (store, corpora, done) = (store.clone(), corpora.clone(), done.clone());
        std::thread::spawn(move || {
            let mut failures = Vec::new();
            for i in 0..IMPORTS {
                let out = claimgraph(&store)
                    .arg("import")
                    .arg(&corpora[(i + 1) % 2])
                    .output()
                    .unwrap();
                if !out.status.success() {
                    failures.push(String::from_utf8_lossy(&out.stderr).into_owned());
                }
            }
            done.store(true, Ordering::SeqCst);
            failures
        })
    };

    let began = Instant::now();
    let mut reads = 0;
    let mut errors = Vec::new();
    while !done.load(Ordering::SeqCst) && began.elapsed() < Duration::from_secs(240) {
        let stats = claimgraph(&store).arg("stats").output().unwrap();
        if !stats.status.success() {
            errors.push(format!("stats: {}", String::from_utf8_lossy(&stats.stderr)));
        }
        match count_at(
            &store,
            "SELECT (COUNT(*) AS ?n) WHERE { ?c a cg:Claim FILTER NOT EXISTS { ?c cg:status ?s } }",
        ) {
            Ok(0) => {}
            Ok(n) => errors.push(format!("query saw {n} claim(s) without a status")),
            Err(e) => errors.push(format!("query: {e}")),
        }
        reads += 1;
    }
    let import_failures = writer.join().unwrap();
    assert!(import_failures.is_empty(), "{import_failures:?}");
    eprintln!("{reads} stats+query pairs during {IMPORTS} imports of {ARTICLES} articles");
    assert!(reads >= 5, "too few reads overlapped the imports: {reads}");
    assert!(
        errors.is_empty(),
        "{} of {reads} reads went wrong: {errors:#?}",
        errors.len()
    );
    // Old checkpoints are collected: only a few remain however many imports ran.
    let published = std::fs::read_dir(store.join("published")).unwrap().count();
    assert!(published <= 3, "{published} checkpoints kept");
}
