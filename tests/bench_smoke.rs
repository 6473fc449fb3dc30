//! A small run of the corpus generator and the benchmark runner, so neither can rot.
//! The real benchmarks (`cargo bench`) are not part of the test suite.

#[path = "../benches/corpus.rs"]
mod corpus;
#[path = "../benches/runner.rs"]
mod runner;
#[path = "../benches/server.rs"]
mod server;

#[test]
fn the_generator_is_deterministic_and_the_runner_measures_200_articles() {
    let work = tempfile::tempdir().unwrap();
    let a = work.path().join("a");
    let b = work.path().join("b");
    corpus::generate(&a, 20, 7).unwrap();
    corpus::generate(&b, 20, 7).unwrap();
    for rel in ["entities.toml", "articles/0000/0000013.toml"] {
        assert_eq!(
            std::fs::read(a.join(rel)).unwrap(),
            std::fs::read(b.join(rel)).unwrap(),
            "{rel} differs between runs"
        );
    }

    let config = runner::Config {
        articles: 200,
        seed: 1,
        work: work.path().to_owned(),
        query_runs: 2,
        site: true,
        server_requests: 20,
        clients: 2,
        import_only: false,
    };
    let report = runner::run(&config).expect("the benchmark runs");
    assert_eq!(report.articles, 200);
    assert!(
        report.claims >= 200 * 5,
        "5 to 30 claims per article: {}",
        report.claims
    );
    let table = report.markdown();
    println!("{table}");
    assert!(table.contains("ratio: our import / raw load"));
    for q in 1..=10 {
        assert!(table.contains(&format!("| Q{q} ")), "Q{q} not measured");
    }
    // The corpus exercises every question: even the Entity List ones find rows.
    for q in [
        "Q1 service-providers",
        "Q6 list-additions",
        "Q7 publisher-assertions",
    ] {
        let line = table.lines().find(|l| l.contains(q)).unwrap();
        assert!(!line.contains("(0 rows)"), "{q} found nothing: {line}");
    }
    assert!(table.contains("ratio: whole build / page queries alone"));
    for how in [
        "claimgraph entity page,",
        "claimgraph entity page from the build",
    ] {
        for page in ["random company", "first page of the largest entity"] {
            let page_line = table
                .lines()
                .find(|l| l.contains(how) && l.contains(page))
                .unwrap_or_else(|| panic!("the server phase did not measure \"{how}\" {page}"));
            assert!(!page_line.contains("failed"), "{page_line}");
        }
    }
    // The held-back article's incremental build renders part of the site, the build
    // after it with nothing changed renders less.
    let rendered = |what: &str| -> (usize, usize) {
        let line = table
            .lines()
            .find(|l| l.contains(what))
            .unwrap_or_else(|| panic!("no \"{what}\" in the table"));
        let after = line.split("rendered ").nth(1).expect("paths rendered");
        let mut numbers = after
            .split(|c: char| !c.is_ascii_digit())
            .filter(|w| !w.is_empty())
            .map(|w| w.parse::<usize>().unwrap());
        (numbers.next().unwrap(), numbers.next().unwrap())
    };
    let (one_article, total) = rendered("incremental build after importing one more article");
    let (nothing, _) = rendered("build again, nothing changed");
    assert!(
        0 < one_article && one_article < total / 2,
        "one article re-rendered {one_article} of {total} paths"
    );
    assert!(nothing < one_article, "nothing changed: {nothing} paths");
}
