//! The benchmark runner: measures claimgraph against the raw engine in the same run.
//!
//! [`run`] generates (or reuses) a corpus, imports it into a fresh on-disk store and
//! compares that with Oxigraph's own bulk loader loading the same quads as N-Quads
//! into another fresh store; then times every saved competency query with parameters
//! drawn from the corpus. Each phase reports its peak memory (the process's high-water
//! mark, reset before the phase). Results come back as a [`Report`] that prints as a
//! Markdown table.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use claimgraph::model::graph::{Iris, DEFAULT_BASE};
use claimgraph::publish::site::Site;
use claimgraph::read::catalog::{self, Catalog, Limits};
use claimgraph::store::GraphStore;
use claimgraph::write::import;
use oxigraph::io::RdfFormat;
use oxigraph::store::Store;

use crate::corpus;
use crate::server;

#[derive(Debug, Clone)]
pub struct Config {
    pub articles: usize,
    pub seed: u64,
    /// Where corpora and stores go; a corpus of the same size and seed is reused.
    pub work: PathBuf,
    /// Runs of each query.
    pub query_runs: usize,
    /// Build the static site (every page, written to disk) and time it.
    pub site: bool,
    /// Requests per kind in the server phase (0 skips it).
    pub server_requests: usize,
    /// Concurrent clients in the server phase.
    pub clients: usize,
    /// Stop after the import and the raw bulk loads it is compared with.
    pub import_only: bool,
}

#[derive(Debug, Default)]
pub struct Report {
    pub articles: usize,
    pub claims: usize,
    pub quads: usize,
    pub rows: Vec<(String, String, String)>,
}

impl Report {
    pub fn add(&mut self, section: &str, what: &str, value: String) {
        // Each figure goes out as soon as it is measured, so a run cut short still shows
        // what it got; the whole table follows at the end.
        eprintln!("| {section} | {what} | {value} |");
        self.rows.push((section.to_owned(), what.to_owned(), value));
    }

    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "| phase | measure | {} articles |", self.articles);
        let _ = writeln!(out, "|---|---|---|");
        for (section, what, value) in &self.rows {
            let _ = writeln!(out, "| {section} | {what} | {value} |");
        }
        out
    }
}

/// Peak resident memory since the last [`reset_peak_memory`], in MiB (Linux).
pub fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Resets the peak-memory mark so the next phase is measured alone (Linux).
pub fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn dir_size(path: &Path) -> u64 {
    let mut total = 0;
    if let Ok(entries) = std::fs::read_dir(path) {
        for e in entries.flatten() {
            let p = e.path();
            total += if p.is_dir() {
                dir_size(&p)
            } else {
                e.metadata().map(|m| m.len()).unwrap_or(0)
            };
        }
    }
    total
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / 1_048_576.0)
}

fn peak() -> String {
    peak_memory_mib()
        .map(|m| format!("{m:.0} MiB"))
        .unwrap_or_else(|| "n/a".into())
}

/// The p-th percentile (0..=100) of sorted durations, in milliseconds.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

/// Generates the corpus (unless present), imports it, loads the raw baseline and times
/// the saved queries.
pub fn run(config: &Config) -> Result<Report, Box<dyn std::error::Error>> {
    let mut report = Report {
        articles: config.articles,
        ..Report::default()
    };
    let corpus_dir = config
        .work
        .join(format!("corpus-{}-{}", config.articles, config.seed));
    if !corpus_dir.join("entities.toml").exists() {
        let started = Instant::now();
        let claims = corpus::generate(&corpus_dir, config.articles, config.seed)?;
        report.add(
            "corpus",
            "generated",
            format!(
                "{} claims in {:.1} s",
                claims,
                started.elapsed().as_secs_f64()
            ),
        );
    }

    // Our import, into a fresh on-disk store. The last article is held back: the site
    // phase imports it into the built store and measures the incremental build.
    let mut files = import::collect_files(std::slice::from_ref(&corpus_dir))
        .map_err(|f| format!("{}: {}", f.path.display(), f.message))?;
    let held_back = files
        .iter()
        .rposition(|f| f.starts_with(corpus_dir.join("articles")))
        .map(|i| files.remove(i))
        .ok_or("the corpus has no article")?;
    let store_dir = config.work.join(format!("store-{}", config.articles));
    let _ = std::fs::remove_dir_all(&store_dir);
    let iris = Iris::new(DEFAULT_BASE)?;
    reset_peak_memory();
    let store = GraphStore::open(&store_dir, iris.clone())?;
    let started = Instant::now();
    let summary = import::import_paths(&store, &files, &|_, _| {})?;
    let import_time = started.elapsed();
    if !summary.ok() {
        return Err(format!("the corpus did not import: {}", summary.failures[0].message).into());
    }
    let quads = store.len()?;
    report.claims = summary.claims;
    report.quads = quads;
    report.add(
        "import",
        "articles",
        format!(
            "{} (one more held back for the incremental build)",
            summary.articles
        ),
    );
    report.add("import", "claims", summary.claims.to_string());
    report.add("import", "quads in store", quads.to_string());
    report.add(
        "import",
        "time",
        format!("{:.2} s", import_time.as_secs_f64()),
    );
    report.add(
        "import",
        "of which: reading sheets / preparing (validate, triples, hash; all cores) / writing / deriving statuses (touched claims) / publishing (flush, snapshot)",
        format!(
            "{:.2} s / {:.2} s / {:.2} s / {:.2} s / {:.2} s",
            summary.reading.as_secs_f64(),
            summary.preparing.as_secs_f64(),
            summary.writing.as_secs_f64(),
            summary.deriving.as_secs_f64(),
            summary.publishing.as_secs_f64()
        ),
    );
    report.add(
        "import",
        "articles/s",
        format!("{:.0}", summary.articles as f64 / import_time.as_secs_f64()),
    );
    report.add(
        "import",
        "quads/s",
        format!("{:.0}", quads as f64 / import_time.as_secs_f64()),
    );
    report.add("import", "peak memory", peak());
    store.flush()?;
    report.add("import", "store on disk", mib(dir_size(&store_dir)));

    // The raw engine: Oxigraph's bulk loader, the same quads as N-Quads, a fresh store.
    // The file holds them in the order our import hands them over (article by article,
    // then the derived statuses), as a converter writing articles out would; the same
    // quads sorted as the store dumps them load faster, and are measured too.
    let dump = config.work.join(format!("dump-{}.nq", config.articles));
    write_import_order(&store, &files, &dump)?;
    if config.import_only {
        // Only the import order, and our store goes before the raw one is loaded: a
        // 10k run then needs a third of the disk.
        drop(store);
        let _ = std::fs::remove_dir_all(&store_dir);
        raw_load(
            &mut report,
            config,
            &dump,
            "import order",
            quads,
            import_time,
        )?;
        let _ = std::fs::remove_file(&dump);
        return Ok(report);
    }
    let sorted_dump = config
        .work
        .join(format!("dump-sorted-{}.nq", config.articles));
    store
        .embedded()
        .expect("an embedded store")
        .dump_to_writer(
            oxigraph::io::RdfSerializer::from_format(RdfFormat::NQuads),
            std::io::BufWriter::new(std::fs::File::create(&sorted_dump)?),
        )?;
    for (file, what) in [(&dump, "import order"), (&sorted_dump, "store order")] {
        raw_load(&mut report, config, file, what, quads, import_time)?;
    }
    let _ = std::fs::remove_file(&sorted_dump);
    if let Some(cli) = oxigraph_cli() {
        let cli_dir = config.work.join(format!("cli-{}", config.articles));
        let _ = std::fs::remove_dir_all(&cli_dir);
        let started = Instant::now();
        let status = std::process::Command::new(cli)
            .args(["load", "--location"])
            .arg(&cli_dir)
            .arg("--file")
            .arg(&dump)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()?;
        if status.success() {
            let t = started.elapsed();
            report.add(
                "raw bulk load",
                "time (`oxigraph load`)",
                format!("{:.2} s", t.as_secs_f64()),
            );
            report.add(
                "raw bulk load",
                "ratio: our import / `oxigraph load`",
                format!("{:.2}x", import_time.as_secs_f64() / t.as_secs_f64()),
            );
        }
        let _ = std::fs::remove_dir_all(&cli_dir);
    }
    let _ = std::fs::remove_file(&dump);

    // Saved queries, parameters drawn from the corpus.
    let catalog = Catalog::bundled();
    let mut rng = corpus::Rng::new(config.seed ^ 0x5eed);
    let entities: Vec<String> = store
        .known()?
        .entities
        .into_iter()
        .filter(|(_, k)| matches!(k, claimgraph::model::sheet::EntityKind::Company))
        .map(|(id, _)| id)
        .collect();
    let mut entities = entities;
    entities.sort();
    for q in catalog.competency() {
        let mut times = Vec::with_capacity(config.query_runs);
        let mut rows = 0;
        let mut timed_out = false;
        for _ in 0..config.query_runs {
            let params: Vec<(String, String)> = q
                .params
                .iter()
                .map(|p| (p.name.clone(), rng.pick(&entities).clone()))
                .collect();
            let started = Instant::now();
            let outcome = match catalog::run_saved(
                &store,
                q,
                &params,
                Limits {
                    timeout: Some(QUERY_LIMIT),
                    max_rows: None,
                },
            ) {
                // A query past the limit is a figure too, not the end of the run.
                Err(catalog::CatalogError::Timeout(_)) => {
                    timed_out = true;
                    break;
                }
                other => other?,
            };
            times.push(started.elapsed());
            if let catalog::Outcome::Table(t) = outcome {
                rows = t.rows.len();
            }
        }
        times.sort();
        if timed_out {
            report.add(
                "query",
                &format!("Q{} {}", q.question.unwrap_or(0), q.name),
                format!("stopped after {} s", QUERY_LIMIT.as_secs()),
            );
            continue;
        }
        report.add(
            "query",
            &format!("Q{} {}", q.question.unwrap_or(0), q.name),
            format!(
                "p50 {:.1} ms, p99 {:.1} ms ({rows} rows)",
                percentile(&times, 50.0),
                percentile(&times, 99.0)
            ),
        );
    }

    first_rows_phase(&mut report, &store, &catalog, &entities, config)?;
    extraction_phase(&mut report, &store, &corpus_dir)?;
    if config.site {
        site_phase(&mut report, &store, &held_back, config)?;
    }
    let largest = largest_entity(&store)?;
    drop(store);
    if config.server_requests > 0 {
        server::phase(
            &mut report,
            &store_dir,
            &iris,
            &entities,
            largest.as_ref(),
            config,
        )?;
    }
    Ok(report)
}

/// Oxigraph's own bulk loader loading `file` (N-Quads, the quads of our import of
/// `quads` quads in `import_time`) into a fresh store, timed and compared with the import.
fn raw_load(
    report: &mut Report,
    config: &Config,
    file: &Path,
    what: &str,
    quads: usize,
    import_time: Duration,
) -> Result<(), Box<dyn std::error::Error>> {
    let raw_dir = config.work.join(format!("raw-{}", config.articles));
    let _ = std::fs::remove_dir_all(&raw_dir);
    reset_peak_memory();
    let raw = Store::open(&raw_dir)?;
    let started = Instant::now();
    let mut loader = raw.bulk_loader();
    loader.load_from_reader(RdfFormat::NQuads, std::fs::File::open(file)?)?;
    loader.commit()?;
    // Our import ends with a flush (it publishes a snapshot for readers): the raw side is
    // timed to the same point.
    raw.flush()?;
    let time = started.elapsed();
    if raw.len()? != quads {
        return Err(format!(
            "the raw load of {what} holds {} quads, ours {quads}",
            raw.len()?
        )
        .into());
    }
    report.add(
        "raw bulk load",
        &format!("time (Oxigraph BulkLoader, same N-Quads in {what})"),
        format!("{:.2} s (peak memory {})", time.as_secs_f64(), peak()),
    );
    report.add(
        "raw bulk load",
        &format!("ratio: our import / raw load in {what}"),
        format!("{:.2}x", import_time.as_secs_f64() / time.as_secs_f64()),
    );
    drop(raw);
    let _ = std::fs::remove_dir_all(&raw_dir);
    Ok(())
}

/// The saved report queries (those that list every matching claim) and how many of
/// their first rows a reader waits for (`claimgraph query NAME --limit 100`).
const REPORT_QUESTIONS: [u32; 8] = [1, 3, 4, 5, 6, 7, 9, 10];
const FIRST_ROWS: usize = 100;

/// Each saved report query's first page, streamed as `claimgraph query --limit 100`
/// writes it (JSON, to a sink): the time until a reader holds the first 100 rows.
fn first_rows_phase(
    report: &mut Report,
    store: &GraphStore,
    catalog: &Catalog,
    entities: &[String],
    config: &Config,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = corpus::Rng::new(config.seed ^ 0xf125);
    for q in catalog.competency() {
        if !q.question.is_some_and(|n| REPORT_QUESTIONS.contains(&n)) {
            continue;
        }
        let mut times = Vec::with_capacity(config.query_runs);
        let mut rows = 0;
        for _ in 0..config.query_runs.max(1) {
            let params: Vec<(String, String)> = q
                .params
                .iter()
                .map(|p| (p.name.clone(), rng.pick(entities).clone()))
                .collect();
            let started = Instant::now();
            rows = catalog::stream_saved(
                store,
                q,
                &params,
                Limits {
                    timeout: Some(QUERY_LIMIT),
                    max_rows: None,
                },
                catalog::Page {
                    offset: 0,
                    limit: Some(FIRST_ROWS),
                },
                catalog::Format::Json,
                &mut std::io::sink(),
            )?;
            times.push(started.elapsed());
        }
        times.sort();
        report.add(
            "query, first page",
            &format!(
                "Q{} {} (first {FIRST_ROWS} rows)",
                q.question.unwrap_or(0),
                q.name
            ),
            format!(
                "p50 {:.1} ms, p99 {:.1} ms ({rows} rows; target at 10k: 1000 ms)",
                percentile(&times, 50.0),
                percentile(&times, 99.0)
            ),
        );
    }
    Ok(())
}

/// How many corpus articles the extraction phase drafts.
const EXTRACTION_ARTICLES: usize = 2_000;

/// The extractor drafting sheets from the corpus's raw article texts, with the store's
/// entities as its dictionary, on one core (as `claimgraph extract` runs).
fn extraction_phase(
    report: &mut Report,
    store: &GraphStore,
    corpus_dir: &Path,
) -> Result<(), Box<dyn std::error::Error>> {
    use claimgraph::extract::{
        sheet_writer::TextSource, ArticleInfo, Dictionary, Extractor, Rules,
    };
    let files = import::collect_files(&[corpus_dir.join("articles")])
        .map_err(|f| format!("{}: {}", f.path.display(), f.message))?;
    let mut texts = Vec::new();
    for path in files.iter().take(EXTRACTION_ARTICLES) {
        let sheet = claimgraph::model::sheet::Sheet::read(path)?;
        if let Some(article) = sheet.article {
            let text = article.text.unwrap_or_default();
            texts.push((article.language.into_inner(), text));
        }
    }
    let extractor = Extractor::new(Dictionary::from_store(store)?, Rules::bundled());
    let bytes: usize = texts.iter().map(|(_, t)| t.len()).sum();
    let started = Instant::now();
    let mut claims = 0;
    for (i, (language, text)) in texts.iter().enumerate() {
        let info = ArticleInfo {
            id: format!("bench-{i}"),
            language: language.clone(),
            ..ArticleInfo::default()
        };
        let draft = extractor.draft(text, info)?;
        claims += draft.claims.len();
        std::hint::black_box(extractor.sheet(&draft, text, TextSource::Inline));
    }
    let secs = started.elapsed().as_secs_f64();
    report.add(
        "extraction",
        "articles/s (one core, draft + sheet)",
        format!(
            "{:.0} ({} articles, {:.1} MB, {claims} claims drafted, in {secs:.2} s)",
            texts.len() as f64 / secs,
            texts.len(),
            bytes as f64 / 1e6
        ),
    );
    Ok(())
}

/// The static build: every path rendered and written, against the same paths with only
/// their page queries and view models computed (no templates, no serialization, no
/// files), both with the build's own number of workers. Then the held-back article is
/// imported into the built store and the site built again (incremental: what that
/// article changed), and once more with nothing changed.
fn site_phase(
    report: &mut Report,
    store: &GraphStore,
    held_back: &Path,
    config: &Config,
) -> Result<(), Box<dyn std::error::Error>> {
    use claimgraph::publish::site::BuildOptions;
    let site = Site::new(store.iris().clone())?.with_query_timeout(None);
    let paths = site.paths(store)?;
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    reset_peak_memory();
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| -> Result<(), String> {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| -> Result<(), String> {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(path) = paths.get(i) else {
                            return Ok(());
                        };
                        site.content(store, path)
                            .map_err(|e| format!("{path}: {e}"))?;
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .try_for_each(|h| h.join().expect("a query worker panicked"))
    })?;
    let queries_only = started.elapsed();
    let queries_peak = peak();

    let out = config.work.join(format!("site-{}", config.articles));
    let _ = std::fs::remove_dir_all(&out);
    reset_peak_memory();
    let options = |full: bool| BuildOptions {
        clean: full,
        full,
        store_id: "bench".into(),
    };
    let built = site.build_with(store, &out, &options(true))?;
    let secs = built.elapsed.as_secs_f64();
    report.add(
        "site build",
        "pages (HTML) / files",
        format!("{} / {}", built.pages, built.files),
    );
    report.add(
        "site build",
        "time",
        format!(
            "{secs:.2} s ({:.0} pages/s, {:.0} files/s)",
            built.pages as f64 / secs,
            built.files as f64 / secs
        ),
    );
    report.add("site build", "peak memory", peak());
    report.add("site build", "size on disk", mib(built.bytes));
    if let Some((triples, took)) = built.snapshot {
        report.add(
            "site build",
            "of which: reading the default graph into memory",
            format!("{:.2} s ({triples} triples)", took.as_secs_f64()),
        );
    }
    report.add(
        "site build",
        "page queries and view models alone, read from the store (as a live server does)",
        format!(
            "{:.2} s (peak memory {queries_peak})",
            queries_only.as_secs_f64()
        ),
    );
    report.add(
        "site build",
        "ratio: whole build / page queries alone from the store",
        format!("{:.2}x", secs / queries_only.as_secs_f64()),
    );

    let added = import::import_paths(store, &[held_back.to_owned()], &|_, _| {})?;
    if !added.ok() {
        return Err(format!("the held-back article did not import: {:?}", added.failures).into());
    }
    for what in [
        "incremental build after importing one more article",
        "build again, nothing changed",
    ] {
        reset_peak_memory();
        let again = site.build_with(store, &out, &options(false))?;
        if let Some(why) = &again.full {
            return Err(format!("the {what} was a full one: {why}").into());
        }
        report.add(
            "site build",
            what,
            format!(
                "{:.2} s, rendered {} of {} paths, removed {} (peak memory {})",
                again.elapsed.as_secs_f64(),
                again.rendered,
                again.total,
                again.removed,
                peak()
            ),
        );
    }
    let _ = std::fs::remove_dir_all(&out);
    Ok(())
}

/// The entity that takes part in the most claims (about, claimant or mentioned), with
/// how many: the largest entity page, which the server phase measures.
pub struct Largest {
    pub iri: String,
    pub claims: usize,
}

fn largest_entity(store: &GraphStore) -> Result<Option<Largest>, Box<dyn std::error::Error>> {
    let query = format!(
        "{}SELECT ?e (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?e a cg:Entity . \
         {{ ?c cg:about ?e }} UNION {{ ?c cg:claimant ?e }} UNION {{ ?c schema:mentions ?e }} }} \
         GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 1",
        claimgraph::model::vocab::sparql_prologue()
    );
    let rows = store.select(&query)?;
    Ok(rows.into_iter().next().and_then(|row| {
        let iri = match row.first()?.as_ref()? {
            oxigraph::model::Term::NamedNode(n) => n.as_str().to_owned(),
            _ => return None,
        };
        let claims = match row.get(1)?.as_ref()? {
            oxigraph::model::Term::Literal(l) => l.value().parse().ok()?,
            _ => return None,
        };
        Some(Largest { iri, claims })
    }))
}

/// Writes every quad of the store as N-Quads in the order an import of `files`
/// produces them: the ontology, each sheet's contribution in file order (duplicates and
/// all, as the bulk loader gets them), then the statuses derived at the end.
fn write_import_order(
    store: &GraphStore,
    files: &[PathBuf],
    out: &Path,
) -> Result<(), Box<dyn std::error::Error>> {
    use claimgraph::model::vocab::cg;
    use oxigraph::model::{GraphNameRef, NamedNodeRef};
    let mut sheets = Vec::with_capacity(files.len());
    for path in files {
        sheets.push(claimgraph::model::sheet::Sheet::read(path)?);
    }
    sheets.sort_by_key(|s| s.article.is_some());
    let known = import::known_for(store, &sheets)?;
    let mut writer = oxigraph::io::RdfSerializer::from_format(RdfFormat::NQuads)
        .for_writer(std::io::BufWriter::new(std::fs::File::create(out)?));
    for quad in claimgraph::model::graph::ontology_contribution(store.iris()).quads() {
        writer.serialize_quad(&quad)?;
    }
    for sheet in &sheets {
        let contribution = import::prepare(store, sheet, &known)
            .map_err(|e| format!("{}: {e:?}", sheet.origin.path.display()))?
            .contribution;
        for quad in contribution.quads() {
            writer.serialize_quad(&quad)?;
        }
    }
    let derived: [NamedNodeRef<'_>; 3] = [cg::STATUS, cg::STATUS_BASIS, cg::CORROBORATED_BY];
    for predicate in derived {
        for quad in store
            .embedded()
            .expect("an embedded store")
            .quads_for_pattern(
                None,
                Some(predicate),
                None,
                Some(GraphNameRef::DefaultGraph),
            )
        {
            writer.serialize_quad(&quad?)?;
        }
    }
    writer.finish()?.into_inner().map_err(|e| e.into_error())?;
    Ok(())
}

/// How long one benchmarked query may run before it is reported as stopped.
const QUERY_LIMIT: Duration = Duration::from_secs(120);

/// The `oxigraph` command-line tool, when installed (`cargo install oxigraph-cli`).
pub fn oxigraph_cli() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("oxigraph"))
        .find(|p| p.is_file())
}

/// The machine, the date and the commit, for the table's heading.
pub fn provenance() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<f64>().ok())
        })
        .map(|k| format!("{:.0} GiB", k / 1_048_576.0))
        .unwrap_or_default();
    let run = |cmd: &str, args: &[&str]| {
        std::process::Command::new(cmd)
            .args(args)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    format!(
        "machine: {cpu}, {cores} cores, {mem}; date: {}; commit: {}",
        run("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
        run("git", &["rev-parse", "--short", "HEAD"])
    )
}
