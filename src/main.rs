//! The `claimgraph` command line: arguments in, library calls, exit codes out.
//!
//! Exit codes: 0 success, 1 some input was refused (bad sheet, unknown query...),
//! 2 usage errors (from clap), 3 the store could not be opened or written.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use claimgraph::catalog::{self, Catalog, Format, Limits};
use claimgraph::export::{self, ExportFormat, Scope};
use claimgraph::graph::{Iris, DEFAULT_BASE};
use claimgraph::import;
use claimgraph::store::GraphStore;

#[derive(Parser)]
#[command(name = "claimgraph", version, about = "A claim-and-evidence knowledge graph of news articles")]
struct Cli {
    /// The store directory (an embedded RocksDB store; created when missing).
    #[arg(long, global = true, env = "CLAIMGRAPH_STORE", default_value = "claimgraph-store")]
    store: PathBuf,
    /// Use a fresh in-memory store instead (gone when the command ends).
    #[arg(long, global = true)]
    memory: bool,
    /// The base under which article, claim, document and entity IRIs are minted.
    #[arg(long, global = true, env = "CLAIMGRAPH_BASE", default_value = DEFAULT_BASE)]
    base: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import claim sheets (.toml) and RDF files (.ttl .trig .nq .nt .jsonld), files or folders.
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Run a saved query by name, a query file, or a query from standard input (`-`).
    Query {
        /// Saved query name, path to a .rq file, or `-`.
        #[arg(required_unless_present = "list")]
        query: Option<String>,
        /// Bind a declared parameter: NAME=VALUE (repeatable).
        #[arg(long = "param", short = 'p', value_parser = parse_param)]
        params: Vec<(String, String)>,
        #[arg(long, short = 'f', value_enum, default_value = "table")]
        format: Format,
        /// List the saved queries with their titles.
        #[arg(long)]
        list: bool,
        /// Stop the query after this many seconds.
        #[arg(long, default_value_t = 60)]
        timeout: u64,
    },
    /// Print counts of the store's contents by class.
    Stats,
    /// Write the store, one article's contribution or one entity's description as RDF,
    /// or every claim as a nanopublication (`--nanopubs DIR`).
    Export {
        #[arg(long, short = 'f', value_enum, default_value = "trig")]
        format: ExportFormat,
        /// Only this article's contribution (its claims, quotes, documents, propositions).
        #[arg(long, conflicts_with = "entity")]
        article: Option<String>,
        /// Only this entity's description.
        #[arg(long)]
        entity: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(long, short = 'o')]
        out: Option<PathBuf>,
        /// Write each claim as a nanopublication (TriG) under this folder instead.
        #[arg(long, conflicts_with_all = ["article", "entity", "out"])]
        nanopubs: Option<PathBuf>,
    },
    /// Validate the store against the SHACL shapes in ontology/shapes.ttl (exit 1 on violations).
    Check,
    /// Recompute every article's content hash and report those that no longer match (exit 1).
    Verify,
}

fn parse_param(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
        .ok_or_else(|| format!("'{s}' is not NAME=VALUE"))
}

/// An error that should end the program with a specific exit code.
#[derive(Debug)]
struct Exit(u8);

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}", self.0)
    }
}
impl std::error::Error for Exit {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if let Some(Exit(code)) = e.downcast_ref::<Exit>() {
                return ExitCode::from(*code);
            }
            // A reader that stops early (`claimgraph stats | head`) is not an error.
            if e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)) {
                return ExitCode::SUCCESS;
            }
            let code = if e.downcast_ref::<claimgraph::store::StoreError>().is_some() { 3 } else { 1 };
            eprintln!("error: {e:#}");
            ExitCode::from(code)
        }
    }
}

fn open_store(cli: &Cli) -> Result<GraphStore> {
    let iris = Iris::new(&cli.base).map_err(anyhow::Error::msg).context("--base")?;
    if cli.memory {
        return Ok(GraphStore::in_memory(iris)?);
    }
    Ok(GraphStore::open(&cli.store, iris)?)
}

/// Commands that only read open the store read-only, so they can run side by side
/// with each other and with a running server.
fn open_store_read_only(cli: &Cli) -> Result<GraphStore> {
    let iris = Iris::new(&cli.base).map_err(anyhow::Error::msg).context("--base")?;
    if cli.memory {
        return Ok(GraphStore::in_memory(iris)?);
    }
    Ok(GraphStore::open_read_only(&cli.store, iris)?)
}

fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        Command::Import { paths } => {
            let store = open_store(&cli)?;
            cmd_import(&store, paths)
        }
        Command::Query { query, params, format, list, timeout } => {
            let catalog = Catalog::bundled();
            if *list {
                return list_queries(&catalog);
            }
            let name = query.as_deref().unwrap_or_default();
            let limits = Limits { timeout: Some(std::time::Duration::from_secs(*timeout)), max_rows: None };
            // Find the query before opening the store, so a typo is reported as such.
            let saved = if name == "-" || name.ends_with(".rq") || std::path::Path::new(name).is_file() {
                let text = if name == "-" {
                    let mut s = String::new();
                    std::io::stdin().read_to_string(&mut s).context("reading the query from standard input")?;
                    s
                } else {
                    std::fs::read_to_string(name).with_context(|| format!("reading {name}"))?
                };
                catalog::SavedQuery::parse(name, &text)?
            } else {
                catalog.get(name)?.clone()
            };
            let store = open_store_read_only(&cli)?;
            let outcome = catalog::run_saved(&store, &saved, params, limits)?;
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            catalog::write_outcome(&outcome, *format, &mut out)?;
            out.flush()?;
            Ok(())
        }
        Command::Stats => {
            let store = open_store_read_only(&cli)?;
            cmd_stats(&store)
        }
        Command::Export { format, article, entity, out, nanopubs } => {
            let store = open_store_read_only(&cli)?;
            if let Some(dir) = nanopubs {
                let written = claimgraph::nanopub::write_all(&store, dir)?;
                eprintln!("wrote {} nanopublication(s) under {}", written.len(), dir.display());
                return Ok(());
            }
            let scope = match (article, entity) {
                (Some(a), _) => Scope::Article(a.clone()),
                (_, Some(e)) => Scope::Entity(e.clone()),
                _ => Scope::All,
            };
            let quads = export::select(&store, &scope)?;
            let bytes = export::to_vec(&quads, *format, store.iris().base())?;
            match out {
                Some(path) => std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?,
                None => std::io::stdout().lock().write_all(&bytes)?,
            }
            Ok(())
        }
        Command::Check => {
            let store = open_store_read_only(&cli)?;
            cmd_check(&store)
        }
        Command::Verify => {
            let store = open_store_read_only(&cli)?;
            cmd_verify(&store)
        }
    }
}

fn list_queries(catalog: &Catalog) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for q in catalog.competency() {
        let params: Vec<String> = q.params.iter().map(|p| format!("{}={}", p.name, p.kind)).collect();
        let question = q.question.map(|n| format!("Q{n:<3}")).unwrap_or_else(|| "    ".into());
        let params = if params.is_empty() { String::new() } else { format!("  [{}]", params.join(" ")) };
        writeln!(out, "{question}{:<28} {}{params}", q.name, q.title)?;
    }
    Ok(())
}

fn cmd_import(store: &GraphStore, paths: &[PathBuf]) -> Result<()> {
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed_precise}").expect("valid template"),
        );
        bar
    });
    let progress = |done: usize, total: usize| {
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let summary = import::import_paths(store, paths, &progress)?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    for f in &summary.failures {
        eprintln!("error: {}", indent(&f.message, &f.path));
    }
    let secs = summary.elapsed.as_secs_f64();
    println!(
        "imported {} article(s), {} reference sheet(s), {} RDF file(s): {} claims; {} triples written, {} removed; store holds {} quads; {:.2}s",
        summary.articles,
        summary.reference_sheets,
        summary.rdf_files,
        summary.claims,
        summary.triples_inserted,
        summary.triples_removed,
        store.len()?,
        secs
    );
    if !summary.ok() {
        eprintln!("{} file(s) not imported:", summary.failures.len());
        for f in &summary.failures {
            eprintln!("  {}", f.path.display());
        }
        return Err(Exit(1).into());
    }
    Ok(())
}

/// Errors that do not already name their file get it in front.
fn indent(message: &str, path: &std::path::Path) -> String {
    let shown = path.display().to_string();
    if message.starts_with(&shown) {
        message.to_owned()
    } else {
        format!("{shown}: {message}")
    }
}

fn cmd_check(store: &GraphStore) -> Result<()> {
    let shapes = claimgraph::shacl::Shapes::bundled()?;
    let violations = shapes.validate(store)?;
    let mut out = std::io::stdout().lock();
    for v in &violations {
        writeln!(out, "{v}")?;
    }
    let (nodes, properties) = shapes.size();
    writeln!(
        out,
        "{} violation(s) of {nodes} shapes ({properties} property constraints) in ontology/shapes.ttl",
        violations.len()
    )?;
    if !violations.is_empty() {
        return Err(Exit(1).into());
    }
    Ok(())
}

fn cmd_verify(store: &GraphStore) -> Result<()> {
    let checks = claimgraph::hash::verify(store)?;
    let mut out = std::io::stdout().lock();
    let mut bad = 0;
    for check in &checks {
        match check.problem() {
            None => writeln!(out, "ok        {}  {}", check.article, check.from_ledger)?,
            Some(problem) => {
                bad += 1;
                writeln!(out, "MISMATCH  {}: {problem}", check.article)?;
            }
        }
    }
    writeln!(out, "{} article(s) checked, {bad} no longer match their content hash", checks.len())?;
    if bad > 0 {
        return Err(Exit(1).into());
    }
    Ok(())
}

fn cmd_stats(store: &GraphStore) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} quads", store.len()?)?;
    let mut graphs: Vec<_> = store.graph_counts()?.into_iter().collect();
    graphs.sort();
    for (role, n) in graphs {
        writeln!(out, "{n:>8}  {role}")?;
    }
    writeln!(out)?;
    for (class, n) in store.class_counts()? {
        writeln!(out, "{n:>8}  {class}")?;
    }
    Ok(())
}
