//! An import killed (SIGKILL) at random moments never leaves the store half written:
//! after each kill the store opens, `verify` passes or names the interrupted import's
//! articles, the next writer finishes the derivation, after which every article
//! verifies whole and every claim has its status; and re-importing everything gives
//! exactly what a clean import gives. Bounded: 20 kills of an import of a small
//! generated corpus, each import at most a few seconds.

#![cfg(unix)]

mod common;

#[path = "../benches/corpus.rs"]
mod corpus;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{claimgraph_at as claimgraph, count_at, run_at as run, TestStore};

const KILLS: usize = 20;
const ARTICLES: usize = 20;

/// The store's content as sorted N-Quads lines.
fn dump(store: &Path) -> Vec<String> {
    let out = claimgraph(store)
        .args(["export", "--format", "nquads"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // When an article's record last changed is the one thing two imports of the same
    // sheets at different times may disagree on.
    let modified = "<http://purl.org/dc/terms/modified>";
    let mut lines: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.contains(modified))
        .map(str::to_owned)
        .collect();
    lines.sort();
    lines
}

fn claims_without_status(store: &Path) -> usize {
    count_at(
        store,
        "SELECT (COUNT(*) AS ?n) WHERE { ?c a cg:Claim FILTER NOT EXISTS { ?c cg:status ?s } }",
    )
    .unwrap()
}

/// A small deterministic generator of kill delays (no dependency for one number).
struct Delays(u64);

impl Delays {
    fn next(&mut self, max: Duration) -> Duration {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let fraction = (self.0 >> 11) as f64 / (1u64 << 53) as f64;
        max.mul_f64(fraction)
    }
}

#[test]
fn an_import_killed_at_random_moments_leaves_no_half_article() {
    let work = TestStore::new();
    let corpus_dir = work.dir.path().join("corpus");
    corpus::generate(&corpus_dir, ARTICLES, 11).unwrap();
    let corpus_arg = corpus_dir.to_str().unwrap();
    let empty = work.dir.path().join("nothing");
    std::fs::create_dir_all(&empty).unwrap();

    // The reference: one clean import, timed, so kills fall across all of its phases.
    let clean = work.dir.path().join("clean");
    let began = Instant::now();
    let (code, out) = run(&clean, &["import", corpus_arg]);
    assert_eq!(code, 0, "{out}");
    let full = began.elapsed();
    let expected = dump(&clean);

    let store = work.dir.path().join("killed");
    let mut delays = Delays(0x5eed);
    let mut interrupted_seen = 0;
    for round in 0..KILLS {
        let delay = delays.next(full.mul_f64(1.2));
        let mut child = claimgraph(&store)
            .args(["import", corpus_arg])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        if !store.join("CURRENT").exists() {
            continue; // killed before the store existed
        }

        // Readers: the last complete import, or the interrupted one named.
        let (code, out) = run(&store, &["verify"]);
        if code != 0 {
            assert!(
                out.contains("an import was interrupted") && out.contains("synthetic-"),
                "round {round} (killed after {delay:?}): verify neither passes nor names the interrupted import's articles:\n{out}"
            );
            assert!(!out.contains("MISMATCH"), "round {round}: {out}");
            interrupted_seen += 1;
        }

        // The next writer (here an import of nothing) finishes the interrupted work.
        let (code, out) = run(&store, &["import", empty.to_str().unwrap()]);
        assert_eq!(code, 0, "round {round}: {out}");
        let (code, out) = run(&store, &["verify"]);
        assert_eq!(
            code, 0,
            "round {round} (killed after {delay:?}): an article is half there:\n{out}"
        );
        assert_eq!(claims_without_status(&store), 0, "round {round}");
        let leftovers: Vec<_> = std::fs::read_dir(&store)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with("bulk-"))
            .collect();
        assert!(leftovers.is_empty(), "round {round}: {leftovers:?}");
    }
    eprintln!("{KILLS} kills within {full:?} imports; {interrupted_seen} left an interrupted import for readers to name");

    // Whatever the kills left, importing everything again equals a clean import.
    let (code, out) = run(&store, &["import", corpus_arg]);
    assert_eq!(code, 0, "{out}");
    assert!(
        dump(&store) == expected,
        "a re-import after the kills differs from a clean import"
    );
}
