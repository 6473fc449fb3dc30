//! The `claimgraph` command line: arguments in, library calls, exit codes out.
//!
//! Exit codes: 0 success, 1 some input was refused (bad sheet, unknown query...),
//! 2 usage errors (from clap), 3 the store could not be opened or written.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use claimgraph::model::graph::{Iris, DEFAULT_BASE};
use claimgraph::publish::export::{self, ExportFormat, Scope};
use claimgraph::read::catalog::{self, Catalog, Format, Limits};
use claimgraph::server;
use claimgraph::store::GraphStore;
use claimgraph::write::import;

mod extract;

#[derive(Parser)]
#[command(
    name = "claimgraph",
    version,
    about = "A claim-and-evidence knowledge graph of news articles"
)]
struct Cli {
    /// The store directory (an embedded RocksDB store; created when missing).
    #[arg(
        long,
        global = true,
        env = "CLAIMGRAPH_STORE",
        default_value = "claimgraph-store"
    )]
    store: PathBuf,
    /// Use a fresh in-memory store instead (gone when the command ends).
    #[arg(long, global = true)]
    memory: bool,
    /// The base under which article, claim, document and entity IRIs are minted.
    #[arg(long, global = true, env = "CLAIMGRAPH_BASE", default_value = DEFAULT_BASE)]
    base: String,
    #[command(flatten)]
    engine: EngineArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import claim sheets (.toml) and RDF files (.ttl .trig .nq .nt .jsonld), files or folders.
    Import {
        #[arg(required_unless_present = "extract")]
        paths: Vec<PathBuf>,
        /// Draft a claim sheet from this raw article text and import the draft (its claims
        /// are marked machine-drafted).
        #[arg(long, value_name = "ARTICLE.txt")]
        extract: Option<PathBuf>,
        #[command(flatten)]
        article: ArticleArgs,
    },
    /// Draft a claim sheet from raw article text (to review, then import), or score the
    /// extractor against hand-made sheets with --score.
    Extract {
        /// The article text (UTF-8).
        #[arg(required_unless_present = "score", conflicts_with = "score")]
        article: Option<PathBuf>,
        /// Write the draft here instead of standard output.
        #[arg(long, short = 'o')]
        out: Option<PathBuf>,
        /// Re-extract the text of these hand-made sheets and print precision and recall.
        #[arg(long, num_args = 1.., value_name = "SHEET")]
        score: Vec<PathBuf>,
        /// With --score: list each article's drafts, right or wrong, and what they missed.
        #[arg(long, requires = "score")]
        explain: bool,
        #[command(flatten)]
        article_args: ArticleArgs,
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
        /// Also print the evaluated plan to standard error, as JSON: each operator with
        /// the rows it produced and the time it took.
        #[arg(long)]
        explain: bool,
        /// Return at most this many rows (the query's ORDER BY decides which).
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// Skip this many rows first (with --limit: the next page).
        #[arg(long, value_name = "M", default_value_t = 0)]
        offset: usize,
    },
    /// Print counts of the store's contents by class.
    Stats,
    /// Serve the pages, a SPARQL 1.1 endpoint and linked data from the store. A new
    /// (empty) store is first filled from --data.
    Serve {
        /// The address to listen on (port 0 picks a free one).
        #[arg(long, default_value = "127.0.0.1:7878")]
        addr: std::net::SocketAddr,
        /// Stop each SPARQL query (and each page render) after this many seconds.
        #[arg(long, default_value_t = 10)]
        query_timeout: u64,
        /// The most solutions or triples one query may return.
        #[arg(long, default_value_t = 100_000)]
        max_results: usize,
        /// How many SPARQL queries may run at once (more wait up to the timeout; pages
        /// have slots of their own).
        #[arg(long, default_value_t = 4)]
        max_concurrent_queries: usize,
        /// What an empty store is filled from before serving.
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// Re-import claim sheets that change in this folder while serving.
        #[arg(long)]
        watch: Option<PathBuf>,
        /// Also serve the editor under /edit: paste an article, review its draft, publish
        /// it into --data and the store. Writes need the token in CLAIMGRAPH_EDIT_TOKEN
        /// (required off the loopback address; made up and printed on it).
        #[arg(long)]
        edit: bool,
        /// Where the editor keeps drafts under review and its audit log (audit.log).
        #[arg(long, default_value = "drafts", requires = "edit")]
        drafts: PathBuf,
        /// Render every page request afresh instead of keeping rendered pages until the
        /// next import (for measuring what a page costs).
        #[arg(long, hide = true)]
        no_page_cache: bool,
        /// Keep a static build of the store in this folder (`claimgraph build`'s pages,
        /// brought up to date at start and after every import) and answer page requests
        /// from it while it is current; until then pages are rendered live.
        #[arg(long)]
        site: Option<PathBuf>,
    },
    /// Internal: answer the server's SPARQL queries on standard input, one at a time, from
    /// the store opened read-only (`serve` starts these and kills one at its deadline).
    #[command(hide = true)]
    QueryWorker,
    /// Render the store as a static site: a page per entity, claim, article and document.
    Build {
        /// The folder to write the site into (created when missing).
        #[arg(long, default_value = "site")]
        out: PathBuf,
        /// Empty the folder first (otherwise files the site does not write are kept).
        #[arg(long)]
        clean: bool,
        /// Render every page, even when the folder's manifest of the last build tells
        /// what changed since (by default only those pages are rendered again).
        #[arg(long)]
        full: bool,
    },
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
        /// Write to this file instead of standard output (with --shards: the new folder
        /// for the shards).
        #[arg(long, short = 'o', visible_alias = "output")]
        out: Option<PathBuf>,
        /// Write each claim as a nanopublication (TriG) under this folder instead.
        #[arg(long, conflicts_with_all = ["article", "entity", "out"])]
        nanopubs: Option<PathBuf>,
        /// Write the whole store as this many N-Quads files of about equal size into the
        /// new folder --out, for a server engine's bulk loader (the default graph goes
        /// into {base}graph/default, as `--endpoint` keeps it); needs --format nquads.
        #[arg(long, value_name = "N", requires = "out", conflicts_with_all = ["article", "entity"])]
        shards: Option<usize>,
    },
    /// Write sheets (and RDF files) as N-Quads shards for a server engine's bulk loader,
    /// without importing them anywhere: what `import --endpoint` would write, statuses
    /// left to `claimgraph --endpoint URL derive` after the load.
    Prepare {
        /// Sheets (.toml), RDF files and folders, as `import` takes them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// How many N-Quads files to write (loaders read them in parallel).
        #[arg(long, value_name = "N", default_value_t = 1)]
        shards: usize,
        /// The new folder to write them into (created; must not exist or be empty).
        #[arg(long, short = 'o', visible_alias = "out", value_name = "DIR")]
        output: PathBuf,
    },
    /// Validate the store against the SHACL shapes in ontology/shapes.ttl (exit 1 on violations).
    Check,
    /// Recompute every article's content hash and report those that no longer match (exit 1).
    Verify,
    /// Re-derive every claim's status (an import derives only those it touched): to
    /// repair a store, or with --check to list what a full derivation would change.
    Derive {
        /// Change nothing; list the derived triples a full derivation would add (+) or
        /// remove (-), and exit 1 if there are any.
        #[arg(long, conflicts_with = "reference")]
        check: bool,
        /// Derive with the reference rules in queries/derive-status.ru (slower at scale).
        #[arg(long)]
        reference: bool,
    },
}

/// A SPARQL server engine as the store of record (instead of the embedded store).
/// Credentials come from CLAIMGRAPH_ENDPOINT_USER and CLAIMGRAPH_ENDPOINT_PASSWORD only.
#[derive(clap::Args, Clone, Default)]
struct EngineArgs {
    /// Keep the graph on this SPARQL engine: its query endpoint (e.g. Virtuoso's
    /// http://host:8890/sparql, Fuseki's http://host:3030/ds/query).
    #[arg(long, global = true, env = "CLAIMGRAPH_ENDPOINT", value_name = "URL")]
    endpoint: Option<String>,
    /// The engine's SPARQL Update endpoint (default: derived from --endpoint).
    #[arg(long, global = true, requires = "endpoint", value_name = "URL")]
    update_endpoint: Option<String>,
    /// The engine's Graph Store Protocol endpoint (default: derived from --endpoint).
    #[arg(long, global = true, requires = "endpoint", value_name = "URL")]
    gsp_endpoint: Option<String>,
    /// How long one write, derivation or bookkeeping request to the engine may take, in
    /// seconds (a whole-store derivation of a large corpus needs more than the default).
    #[arg(long, global = true, requires = "endpoint", value_name = "SECS",
          default_value_t = claimgraph::store::on_engine::DEFAULT_TIMEOUT.as_secs())]
    engine_timeout: u64,
}

/// The store on the engine `--endpoint` names, if it names one.
fn open_engine(cli: &Cli, iris: &Iris) -> Result<Option<GraphStore>> {
    use claimgraph::store::remote::{Credentials, Endpoints, RemoteEngine};
    let Some(query) = &cli.engine.endpoint else {
        return Ok(None);
    };
    let endpoints = Endpoints::new(
        query,
        cli.engine.update_endpoint.as_deref(),
        cli.engine.gsp_endpoint.as_deref(),
    )
    .context("--endpoint")?;
    let engine = RemoteEngine::new(endpoints, Credentials::from_env());
    let timeout = std::time::Duration::from_secs(cli.engine.engine_timeout);
    Ok(Some(GraphStore::remote(engine, iris.clone(), timeout)))
}

/// What the extractor is told about an article, and where its dictionary and rules come from.
#[derive(clap::Args, Clone, Default)]
struct ArticleArgs {
    /// The article's id (a slug; default: from the file name).
    #[arg(long)]
    id: Option<String>,
    #[arg(long)]
    title: Option<String>,
    #[arg(long)]
    url: Option<String>,
    /// The publisher: an entity id, or a name (then proposed as a new entity).
    #[arg(long)]
    publisher: Option<String>,
    /// Publication date: 2025-11-01, 2025-11 or 2025.
    #[arg(long)]
    date: Option<String>,
    /// The text's language (default: guessed from its words).
    #[arg(long, value_parser = ["de", "en"])]
    lang: Option<String>,
    /// A folder of rule files (de.toml, en.toml) replacing the bundled ones.
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Reference sheets whose entities are added to the dictionary (repeatable).
    #[arg(long, value_name = "SHEET")]
    entities: Vec<PathBuf>,
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
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            let code = if e.downcast_ref::<claimgraph::store::StoreError>().is_some() {
                3
            } else {
                1
            };
            eprintln!("error: {e:#}");
            ExitCode::from(code)
        }
    }
}

fn open_store(cli: &Cli) -> Result<GraphStore> {
    let iris = Iris::new(&cli.base)
        .map_err(anyhow::Error::msg)
        .context("--base")?;
    if let Some(store) = open_engine(cli, &iris)? {
        return Ok(store);
    }
    if cli.memory {
        return Ok(GraphStore::in_memory(iris)?);
    }
    let store = GraphStore::open(&cli.store, iris)?;
    if let Some(killed) = store.recovered() {
        eprintln!("note: {killed}; opening the store has now derived every status");
    }
    Ok(store)
}

/// For the commands that vouch for the store (`stats`, `check`, `verify`): an import that
/// was killed before it finished makes them fail, naming its articles.
fn refuse_interrupted(store: &GraphStore) -> Result<()> {
    if let Some(killed) = store.interrupted_import() {
        eprintln!("error: {killed}");
        return Err(Exit(1).into());
    }
    Ok(())
}

/// Commands that only read open the store read-only, so they can run side by side
/// with each other and with a running server.
fn open_store_read_only(cli: &Cli) -> Result<GraphStore> {
    let iris = Iris::new(&cli.base)
        .map_err(anyhow::Error::msg)
        .context("--base")?;
    if let Some(store) = open_engine(cli, &iris)? {
        return Ok(store);
    }
    if cli.memory {
        return Ok(GraphStore::in_memory(iris)?);
    }
    Ok(GraphStore::open_read_only(&cli.store, iris)?)
}

fn run(cli: Cli) -> Result<()> {
    match &cli.command {
        Command::Import {
            paths,
            extract: None,
            ..
        } => {
            let store = open_store(&cli)?;
            cmd_import(&store, paths)
        }
        Command::Import {
            paths,
            extract: Some(article),
            article: args,
        } => {
            let store = open_store(&cli)?;
            extract::import_extracted(&store, article, args, paths, &|s, p| cmd_import(s, p))
        }
        Command::Extract {
            article,
            out,
            score,
            explain,
            article_args,
        } => {
            let store = if cli.engine.endpoint.is_none() && (cli.memory || !cli.store.exists()) {
                None
            } else {
                Some(open_store_read_only(&cli)?)
            };
            if !score.is_empty() {
                return extract::score(store.as_ref(), score, article_args, *explain);
            }
            let article = article
                .as_ref()
                .expect("clap requires ARTICLE without --score");
            extract::extract(store.as_ref(), article, out.as_deref(), article_args)
        }
        Command::Query {
            query,
            params,
            format,
            list,
            timeout,
            explain,
            limit,
            offset,
        } => {
            let catalog = Catalog::bundled();
            if *list {
                return list_queries(&catalog);
            }
            let name = query.as_deref().unwrap_or_default();
            let limits = Limits {
                timeout: Some(std::time::Duration::from_secs(*timeout)),
                max_rows: None,
            };
            // Find the query before opening the store, so a typo is reported as such.
            let saved =
                if name == "-" || name.ends_with(".rq") || std::path::Path::new(name).is_file() {
                    let text = if name == "-" {
                        let mut s = String::new();
                        std::io::stdin()
                            .read_to_string(&mut s)
                            .context("reading the query from standard input")?;
                        s
                    } else {
                        std::fs::read_to_string(name).with_context(|| format!("reading {name}"))?
                    };
                    catalog::SavedQuery::parse(name, &text)?
                } else {
                    catalog.get(name)?.clone()
                };
            let store = open_store_read_only(&cli)?;
            let (params, format) = (params.clone(), *format);
            let page = catalog::Page {
                offset: *offset,
                limit: *limit,
            };
            if *explain {
                let outcome = within_deadline(limits, move || {
                    let bindings = catalog::bind(&store, &saved, &params)?;
                    let (outcome, plan) = catalog::explain(&store, &saved.text, &bindings, limits)?;
                    eprintln!("{plan}");
                    Ok(outcome)
                })?;
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                catalog::write_outcome(&outcome, format, &mut out)?;
                out.flush()?;
                return Ok(());
            }
            // Rows go out as the engine produces them, from the query's own thread.
            within_deadline(limits, move || {
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                catalog::stream_saved(&store, &saved, &params, limits, page, format, &mut out)?;
                Ok(())
            })
        }
        Command::Stats => {
            let store = open_store_read_only(&cli)?;
            cmd_stats(&store)?;
            refuse_interrupted(&store)
        }
        Command::Serve {
            addr,
            query_timeout,
            max_results,
            max_concurrent_queries,
            data,
            watch,
            edit,
            drafts,
            no_page_cache,
            site,
        } => {
            // Checked before anything is opened: an editor reachable from other machines
            // without a secret would let anyone write.
            let edit = edit.then(|| edit_config(addr, data, drafts)).transpose()?;
            let store = open_store(&cli)?;
            let config = server::ServerConfig {
                query_timeout: std::time::Duration::from_secs(*query_timeout),
                max_results: *max_results,
                max_concurrent_queries: *max_concurrent_queries,
                cache_pages: !*no_page_cache,
                pages_from_build: site.as_ref().map(|dir| (dir.clone(), build_store_id(&cli))),
                ..server::ServerConfig::default()
            };
            // Queries run in worker processes that open the store themselves, so one
            // that outruns its deadline can be killed; a store in memory has no such
            // second door, and its queries run in this process. Neither has a remote
            // engine: its deadline closes the HTTP request, which the engine sees.
            let workers = (!cli.memory && cli.engine.endpoint.is_none())
                .then(|| -> Result<server::worker::WorkerPool> {
                    let program = std::env::current_exe()
                        .context("finding this program for the query workers")?;
                    Ok(server::worker::WorkerPool::new(
                        program, &cli.store, &cli.base,
                    ))
                })
                .transpose()?;
            cmd_serve(store, *addr, config, data, watch.as_deref(), workers, edit)
        }
        Command::QueryWorker => {
            // Right after an import the writer compacts, and a read-only open can find
            // a file gone between reading the manifest and the file: try again shortly.
            let mut attempts = 0;
            let store = loop {
                match open_store_read_only(&cli) {
                    Ok(store) => break store,
                    Err(_) if attempts < 20 => {
                        attempts += 1;
                        std::thread::sleep(std::time::Duration::from_millis(50));
                    }
                    Err(e) => return Err(e),
                }
            };
            let served = claimgraph::store::query_guard::on_query_stack(|| {
                server::worker::serve_requests(
                    &store,
                    std::io::stdin().lock(),
                    std::io::BufWriter::new(std::io::stdout().lock()),
                )
            })
            .context("starting the query thread")?;
            served.context("answering queries")?;
            Ok(())
        }
        Command::Build { out, clean, full } => {
            let store = open_store(&cli)?;
            // Offline, so no page query is cut short: a large store's listings are slow.
            let site = claimgraph::publish::site::Site::new(store.iris().clone())?
                .with_query_timeout(None);
            // A manifest names the store it was built from: the same folder built from
            // another store (another folder, or an engine's endpoint) is built in full.
            let options = claimgraph::publish::site::BuildOptions {
                clean: *clean,
                full: *full,
                store_id: build_store_id(&cli),
            };
            let report = site
                .build_with(&store, out, &options)
                .with_context(|| format!("building the site into {}", out.display()))?;
            let secs = report.elapsed.as_secs_f64();
            println!(
                "wrote {} pages ({} files, {:.1} MB) to {} in {:.2}s ({:.0} pages/s)",
                report.pages,
                report.files,
                report.bytes as f64 / 1e6,
                out.display(),
                secs,
                report.pages as f64 / secs.max(1e-9)
            );
            println!(
                "rendered {} of {} paths, removed {} ({})",
                report.rendered,
                report.total,
                report.removed,
                match &report.full {
                    Some(reason) => format!("full build: {reason}"),
                    None => "incremental build".to_owned(),
                }
            );
            if let Some((triples, took)) = report.snapshot {
                println!(
                    "read the default graph into memory first: {triples} triples in {:.2}s",
                    took.as_secs_f64()
                );
            }
            if let Some((read_again, took)) = report.rows_patched {
                println!(
                    "read the list and search rows of {read_again} resources again, the others kept from the last build, in {:.2}s",
                    took.as_secs_f64()
                );
            }
            let (kept, patched, downloads) = report.entities_kept;
            if patched + downloads > 0 {
                println!(
                    "patched the rows of {patched} large entities and the claims downloads of {downloads} entities from the last build's with the claims the changes reached"
                );
            }
            if kept > 0 {
                println!("kept the rows of {kept} large entities for the next build");
            }
            Ok(())
        }
        Command::Export {
            format,
            article,
            entity,
            out,
            nanopubs,
            shards,
        } => {
            if shards.is_some() && *format != ExportFormat::Nquads {
                anyhow::bail!("--shards writes N-Quads files: add --format nquads");
            }
            let store = open_store_read_only(&cli)?;
            if let (Some(shards), Some(folder)) = (shards, out) {
                let written = export::write_shards(&store, *shards, folder)?;
                return report_shards(&written);
            }
            if let Some(dir) = nanopubs {
                let written = claimgraph::publish::nanopub::write_all(&store, dir)?;
                eprintln!(
                    "wrote {} nanopublication(s) under {}",
                    written.len(),
                    dir.display()
                );
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
                Some(path) => std::fs::write(path, bytes)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => std::io::stdout().lock().write_all(&bytes)?,
            }
            Ok(())
        }
        Command::Check => {
            let store = open_store_read_only(&cli)?;
            refuse_interrupted(&store).and(cmd_check(&store))
        }
        Command::Verify => {
            let store = open_store_read_only(&cli)?;
            refuse_interrupted(&store).and(cmd_verify(&store))
        }
        Command::Prepare {
            paths,
            shards,
            output,
        } => cmd_prepare(&cli, paths, *shards, output),
        Command::Derive { check, reference } => {
            let store = open_store(&cli)?;
            cmd_derive(&store, *check, *reference)
        }
    }
}

/// Runs a query on a thread with a stack sized for the bounds of
/// [`claimgraph::store::query_guard`], and gives up on it one second past its deadline: a query
/// Oxigraph cannot interrupt ends with the process, which exits with status 1.
fn within_deadline<T: Send + 'static>(
    limits: Limits,
    query: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    let (done, outcome) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("claimgraph-query".into())
        .stack_size(claimgraph::store::query_guard::QUERY_STACK_BYTES)
        .spawn(move || {
            let _ = done.send(query());
        })
        .context("starting the query thread")?;
    let patience = limits.timeout.map_or(std::time::Duration::MAX, |t| {
        t + std::time::Duration::from_secs(1)
    });
    match outcome.recv_timeout(patience) {
        Ok(outcome) => outcome,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(anyhow::Error::new(
            catalog::CatalogError::Timeout(limits.timeout.unwrap_or_default()),
        )),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            anyhow::bail!("the query thread ended without an answer")
        }
    }
}

fn list_queries(catalog: &Catalog) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for q in catalog.competency() {
        let params: Vec<String> = q
            .params
            .iter()
            .map(|p| format!("{}={}", p.name, p.kind))
            .collect();
        let question = q
            .question
            .map(|n| format!("Q{n:<3}"))
            .unwrap_or_else(|| "    ".into());
        let params = if params.is_empty() {
            String::new()
        } else {
            format!("  [{}]", params.join(" "))
        };
        writeln!(out, "{question}{:<28} {}{params}", q.name, q.title)?;
    }
    Ok(())
}

fn cmd_import(store: &GraphStore, paths: &[PathBuf]) -> Result<()> {
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed_precise}")
                .expect("valid template"),
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
        "imported {} article(s), {} reference sheet(s), {} RDF file(s): {} claims; {} triples written, {} removed; {} unchanged article(s) skipped; {:.2}s (reading {:.2}s, preparing {:.2}s, writing {:.2}s, deriving {} {} status(es) {:.2}s, publishing {:.2}s)",
        summary.articles,
        summary.reference_sheets,
        summary.rdf_files,
        summary.claims,
        summary.triples_inserted,
        summary.triples_removed,
        summary.unchanged,
        secs,
        summary.reading.as_secs_f64(),
        summary.preparing.as_secs_f64(),
        summary.writing.as_secs_f64(),
        if summary.derivation.full {
            "all"
        } else {
            "the touched"
        },
        summary.derivation.rederived,
        summary.deriving.as_secs_f64(),
        summary.publishing.as_secs_f64()
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

// ---- Bulk path for server engines (issue #14): `prepare` and `export --shards`. ----

fn cmd_prepare(
    cli: &Cli,
    paths: &[PathBuf],
    shards: usize,
    output: &std::path::Path,
) -> Result<()> {
    use claimgraph::write::prepare::{self, PrepareError};
    let iris = Iris::new(&cli.base)
        .map_err(anyhow::Error::msg)
        .context("--base")?;
    match prepare::prepare_paths(paths, &iris, shards, output) {
        Ok(summary) => {
            println!(
                "prepared {} article(s), {} reference sheet(s), {} RDF file(s): {} claims in {:.2}s",
                summary.articles,
                summary.reference_sheets,
                summary.rdf_files,
                summary.claims,
                summary.elapsed.as_secs_f64()
            );
            report_shards(&summary.shards)
        }
        Err(PrepareError::Refused(failures)) => {
            for f in &failures {
                eprintln!("error: {}", indent(&f.message, &f.path));
            }
            eprintln!(
                "{} file(s) refused; nothing was written to {}",
                failures.len(),
                output.display()
            );
            Err(Exit(1).into())
        }
        Err(e) => Err(e).with_context(|| format!("preparing {}", output.display())),
    }
}

fn report_shards(written: &claimgraph::store::bulk_files::ShardSummary) -> Result<()> {
    println!(
        "wrote {} quads ({:.1} MB) as {} N-Quads file(s) in {}; load them with the engine's \
         bulk loader, then run `claimgraph --endpoint URL derive`",
        written.quads,
        written.bytes as f64 / 1e6,
        written.files.len(),
        written.folder.display()
    );
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
    let shapes = claimgraph::publish::shacl::Shapes::bundled()?;
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
    let checks = claimgraph::write::hash::verify(store)?;
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
    writeln!(
        out,
        "{} article(s) checked, {bad} no longer match their content hash",
        checks.len()
    )?;
    if bad > 0 {
        return Err(Exit(1).into());
    }
    Ok(())
}

/// How a build's manifest names the store this command opens.
fn build_store_id(cli: &Cli) -> String {
    claimgraph::publish::manifest::store_id(cli.engine.endpoint.as_deref(), cli.memory, &cli.store)
}

fn cmd_derive(store: &GraphStore, check: bool, reference: bool) -> Result<()> {
    let started = std::time::Instant::now();
    let mut out = std::io::stdout().lock();
    if check {
        let changes = store.check_derived()?;
        for change in &changes {
            writeln!(out, "{change}")?;
        }
        writeln!(
            out,
            "{} derived triple(s) differ from a full derivation",
            changes.len()
        )?;
        if !changes.is_empty() {
            return Err(Exit(1).into());
        }
        return Ok(());
    }
    if reference {
        store.derive_reference()?;
        store.flush()?;
        writeln!(
            out,
            "derived every status with queries/derive-status.ru in {:.2}s",
            started.elapsed().as_secs_f64()
        )?;
        return Ok(());
    }
    let done = store.derive()?;
    store.flush()?;
    writeln!(
        out,
        "derived the statuses of {} claim(s): {} derived triple(s) in {:.2}s",
        done.rederived,
        done.written,
        started.elapsed().as_secs_f64()
    )?;
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

/// The editor's settings for `serve --edit`: the token from `CLAIMGRAPH_EDIT_TOKEN`, which
/// must be set when the server listens beyond the loopback address; on loopback a random
/// one is made up (and printed in the banner) when none is set.
fn edit_config(
    addr: &std::net::SocketAddr,
    data: &std::path::Path,
    drafts: &std::path::Path,
) -> Result<(server::edit::EditConfig, bool)> {
    let given = std::env::var("CLAIMGRAPH_EDIT_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty());
    let (token, made_up) = match given {
        Some(token) => (token, false),
        None if server::edit::is_loopback(addr) => (server::edit::auth::random_token(), true),
        None => {
            eprintln!("error: --edit on {addr}, which other machines can reach, needs a secret: set CLAIMGRAPH_EDIT_TOKEN (and serve it behind HTTPS), or listen on 127.0.0.1");
            return Err(Exit(2).into());
        }
    };
    Ok((
        server::edit::EditConfig {
            token,
            data_dir: data.to_path_buf(),
            drafts_dir: drafts.to_path_buf(),
        },
        made_up,
    ))
}

fn cmd_serve(
    store: GraphStore,
    addr: std::net::SocketAddr,
    config: server::ServerConfig,
    data: &std::path::Path,
    watch: Option<&std::path::Path>,
    workers: Option<server::worker::WorkerPool>,
    edit: Option<(server::edit::EditConfig, bool)>,
) -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("claimgraph=info,tower_http=info")
            }),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    if store.is_empty()? {
        if !data.is_dir() {
            anyhow::bail!(
                "the store is empty and there is no folder {} to fill it from: run from the repository, or pass --data DIR",
                data.display()
            );
        }
        eprintln!("the store is empty: importing {} first", data.display());
        cmd_import(&store, &[data.to_path_buf()])?;
    }
    if let Some(dir) = watch {
        // Start from the folder as it is now, then follow its changes.
        eprintln!(
            "importing {} (watched for changes while serving)",
            dir.display()
        );
        // A bad sheet is reported (file, line, field) and skipped: the server starts
        // with the good ones, and the watcher imports the bad one once it is saved fixed.
        if let Err(e) = cmd_import(&store, &[dir.to_path_buf()]) {
            if e.downcast_ref::<Exit>().is_none() {
                return Err(e);
            }
            eprintln!("serving without the sheets above; fix and save them to import them");
        }
    }
    // The workers open the store read-only, so they start after the imports above.
    let mut state = server::AppState::new(store, config)?;
    if let Some(workers) = workers {
        state = state.with_query_workers(workers);
    }
    let mut edit_banner = String::new();
    if let Some((edit, made_up)) = edit {
        let token = made_up.then(|| edit.token.clone());
        state = state.with_edit(server::edit::EditState::new(edit)?);
        edit_banner = match token {
            Some(t) => format!("  edit:   http://{{local}}/edit (log in with the token {t}; set CLAIMGRAPH_EDIT_TOKEN to choose it)\n"),
            None => "  edit:   http://{local}/edit (log in with CLAIMGRAPH_EDIT_TOKEN)\n".to_owned(),
        };
    }
    let state = std::sync::Arc::new(state);
    server::built::spawn_builder(&state);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
        let local = listener.local_addr()?;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let watcher = watch.map(|dir| {
            server::watch::spawn(state.clone(), dir.to_path_buf(), std::time::Duration::from_millis(500), stop.clone())
        });
        // The banner is for whoever started the server; a closed stdout (`serve | head -3`)
        // must not stop it.
        let pages_from = match &state.config.pages_from_build {
            Some((dir, _)) => format!(" (from the build in {} once it is current)", dir.display()),
            None => String::new(),
        };
        let banner = format!(
            "claimgraph is serving {} quads at http://{local}/\n  pages:  http://{local}/{pages_from}\n  SPARQL: http://{local}/sparql\n  VoID:   http://{local}/.well-known/void\n{}stop with Ctrl-C\n",
            state.store.len()?,
            edit_banner.replace("{local}", &local.to_string())
        );
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(banner.as_bytes()).and_then(|()| out.flush());
        drop(out);
        server::serve(listener, state.clone(), server::shutdown_signal()).await.context("serving")?;
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(w) = watcher {
            let _ = w.join();
        }
        Ok(())
    })
}
