//! `cargo bench --bench claimgraph -- [--articles 1000,10000] [--seed 42] [--work DIR]
//! [--query-runs 20] [--no-site] [--import-only] [--server-requests 1000] [--clients 4] [--generate-only]`
//!
//! Generates the synthetic corpus, runs every measurement against the raw engine in the
//! same run, and prints one Markdown table per corpus size with the machine, the date
//! and the commit. See BENCHMARKS.md for the latest figures and what each ratio means.

mod corpus;
mod runner;
mod server;

use std::path::PathBuf;

fn main() {
    let mut sizes = vec![1000usize];
    let mut seed = 42u64;
    let mut work = std::env::temp_dir().join("claimgraph-bench");
    let mut query_runs = 20usize;
    let mut generate_only = false;
    let mut site = true;
    let mut server_requests = 1000usize;
    let mut clients = 4usize;
    let mut import_only = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--articles" => {
                sizes = value()
                    .split(',')
                    .map(|s| s.trim().parse().expect("--articles takes numbers"))
                    .collect()
            }
            "--seed" => seed = value().parse().expect("--seed takes a number"),
            "--work" => work = PathBuf::from(value()),
            "--query-runs" => query_runs = value().parse().expect("--query-runs takes a number"),
            "--generate-only" => generate_only = true,
            "--no-site" => site = false,
            "--import-only" => import_only = true,
            "--server-requests" => {
                server_requests = value().parse().expect("--server-requests takes a number")
            }
            "--clients" => clients = value().parse().expect("--clients takes a number"),
            "--bench" => {} // passed by `cargo bench`
            other => panic!("unknown argument {other}"),
        }
    }
    std::fs::create_dir_all(&work).expect("work folder");
    if generate_only {
        for articles in sizes {
            let dir = work.join(format!("corpus-{articles}-{seed}"));
            let claims = corpus::generate(&dir, articles, seed).expect("writing the corpus");
            println!("{}: {articles} articles, {claims} claims", dir.display());
        }
        return;
    }
    println!("{}\n", runner::provenance());
    for articles in sizes {
        let config = runner::Config {
            articles,
            seed,
            work: work.clone(),
            query_runs,
            site,
            server_requests,
            clients,
            import_only,
        };
        match runner::run(&config) {
            Ok(report) => println!("{}", report.markdown()),
            Err(e) => {
                eprintln!("benchmark at {articles} articles failed: {e}");
                std::process::exit(1);
            }
        }
    }
}
