//! The embedded Oxigraph store and the single writer that imports into it.
//!
//! [`GraphStore`] opens a RocksDB store on disk (or an in-memory one for tests) and
//! owns the one write path: [`GraphStore::replace`] puts a [`Contribution`] in one
//! transaction, first removing exactly what the same sheet contributed before. Each
//! sheet's default-graph triples are also kept in its own "ledger" named graph; a
//! triple leaves the default graph only when no other ledger still holds it (two
//! articles describing the same report share those triples).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{
    GraphName, GraphNameRef, NamedNode, NamedNodeRef, NamedOrBlankNodeRef, Quad, QuadRef, Term,
    TermRef, Triple,
};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::{StorageError, Store, Transaction};

use crate::model::graph::{Contribution, Iris};
use crate::model::sheet::validate::Known;
use crate::model::sheet::EntityKind;
use crate::model::vocab::{self, cg, rdf};
use crate::write::derive::{self, Derivation, Touched};
use snapshots::{ImportMarker, InterruptedImport};

pub mod bulk_files;
pub mod on_engine;
pub mod query_guard;
pub mod remote;
pub mod snapshots;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the store at {path}: {source}")]
    Open { path: String, source: StorageError },
    #[error("there is no store at {path}: import something first (`claimgraph import data/`) or pass --store")]
    Missing { path: String },
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("{path}:{location}: {message}")]
    RdfSyntax {
        path: String,
        location: String,
        message: String,
    },
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Input(#[from] crate::write::input::InputError),
    #[error("{path}: not an RDF file claimgraph reads (.ttl, .trig, .nq, .nt, .jsonld, .rdf)")]
    UnknownFormat { path: String },
    #[error("query failed: {0}")]
    Query(String),
    #[error(transparent)]
    Remote(#[from] remote::RemoteError),
    #[error("{what} works on the embedded store only, not on a remote engine (--endpoint)")]
    EmbeddedOnly { what: &'static str },
}

/// Where the graph is kept: the embedded store, or a SPARQL server engine. Chosen once,
/// when the store is opened; every reader and writer goes through [`GraphStore`]'s
/// methods, which work on both.
enum Backend {
    Embedded(Store),
    Remote(Box<on_engine::OnEngine>),
}

/// The store and the IRI scheme its contents were written with.
pub struct GraphStore {
    backend: Backend,
    iris: Iris,
    /// The store folder, when the store is on disk and this process writes it.
    writer_dir: Option<PathBuf>,
    /// A reader's shared lock on the published checkpoint it reads.
    _reader_lock: Option<std::fs::File>,
    /// Seen by a reader at open: an import that was killed before it finished.
    interrupted: Option<InterruptedImport>,
    /// Seen by the writer at open: a killed import whose work this open finished.
    recovered: Option<InterruptedImport>,
}

/// What an import changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReplaceReport {
    pub removed: usize,
    pub inserted: usize,
}

impl GraphStore {
    fn with(store: Store, iris: Iris) -> Self {
        GraphStore {
            backend: Backend::Embedded(store),
            iris,
            writer_dir: None,
            _reader_lock: None,
            interrupted: None,
            recovered: None,
        }
    }

    /// Opens (or creates) the on-disk store in `dir` for writing. What a killed import
    /// left is dealt with first: the bulk loader's leftover files are removed, and when
    /// the import's marker is there its work is finished (every status derived, the
    /// result published); [`Self::recovered`] then says which import that was.
    pub fn open(dir: &Path, iris: Iris) -> Result<Self, StoreError> {
        let store = Store::open(dir).map_err(|source| StoreError::Open {
            path: dir.display().to_string(),
            source,
        })?;
        let mut opened = GraphStore::with(store, iris);
        opened.writer_dir = Some(dir.to_owned());
        let io = |source| StoreError::Io {
            path: dir.display().to_string(),
            source,
        };
        snapshots::remove_leftover_bulk_files(dir).map_err(io)?;
        if let Some(left) = snapshots::leftover_marker(dir) {
            // What the killed import wrote is not known: derive every status.
            opened.derive()?;
            opened.flush()?;
            snapshots::clear_marker(dir).map_err(io)?;
            opened.recovered = Some(left);
        } else if !snapshots::has_published(dir) {
            opened.publish()?;
        }
        Ok(opened)
    }

    /// Opens an existing on-disk store for reading only: the newest checkpoint its writer
    /// published ([`crate::store::snapshots`]), so any number of readers may do so at once, also
    /// while another process (an import, a server) writes the store. A store no writer
    /// of this version has opened yet is read directly.
    pub fn open_read_only(dir: &Path, iris: Iris) -> Result<Self, StoreError> {
        if !dir.join("CURRENT").exists() {
            return Err(StoreError::Missing {
                path: dir.display().to_string(),
            });
        }
        let interrupted = snapshots::interrupted_import(dir);
        let picked = snapshots::pick_for_reading(dir).map_err(|source| StoreError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        let (folder, lock) = match picked {
            Some((folder, lock)) => (folder, Some(lock)),
            None => (dir.to_owned(), None),
        };
        let store = Store::open_read_only(&folder).map_err(|source| StoreError::Open {
            path: folder.display().to_string(),
            source,
        })?;
        let mut opened = GraphStore::with(store, iris);
        opened._reader_lock = lock;
        opened.interrupted = interrupted;
        Ok(opened)
    }

    /// For a reader: the import that was killed before it finished, if the store's
    /// marker says so (what the reader sees is the last complete import).
    pub fn interrupted_import(&self) -> Option<&InterruptedImport> {
        self.interrupted.as_ref()
    }

    /// For the writer: the killed import whose work opening the store finished.
    pub fn recovered(&self) -> Option<&InterruptedImport> {
        self.recovered.as_ref()
    }

    /// Publishes what the store holds now to readers in other processes (nothing to do
    /// for a store in memory).
    pub fn publish(&self) -> Result<(), StoreError> {
        match &self.writer_dir {
            Some(dir) => snapshots::publish(self.local("publishing")?, dir).map_err(|source| {
                StoreError::Io {
                    path: dir.display().to_string(),
                    source,
                }
            }),
            None => Ok(()),
        }
    }

    /// Marks a batch import as started, naming its articles and files, before it writes
    /// anything; [`ImportMarker::finish`] once it is derived and published.
    pub fn begin_import(
        &self,
        articles: &[String],
        files: &[PathBuf],
    ) -> Result<Option<ImportMarker>, StoreError> {
        match &self.writer_dir {
            Some(dir) => ImportMarker::begin(dir, articles, files)
                .map(Some)
                .map_err(|source| StoreError::Io {
                    path: dir.display().to_string(),
                    source,
                }),
            None => Ok(None),
        }
    }

    /// A fresh store in memory.
    pub fn in_memory(iris: Iris) -> Result<Self, StoreError> {
        Ok(GraphStore::with(Store::new()?, iris))
    }

    /// The dataset kept on a remote engine: its queries, updates and designated default
    /// graph go through [`on_engine::OnEngine`].
    /// `timeout` bounds each write and bookkeeping request (queries bring their own).
    pub fn remote(engine: remote::RemoteEngine, iris: Iris, timeout: std::time::Duration) -> Self {
        GraphStore {
            backend: Backend::Remote(Box::new(on_engine::OnEngine::new(engine, &iris, timeout))),
            iris,
            writer_dir: None,
            _reader_lock: None,
            interrupted: None,
            recovered: None,
        }
    }

    /// The embedded Oxigraph store, when that is where the graph is kept.
    pub fn embedded(&self) -> Option<&Store> {
        match &self.backend {
            Backend::Embedded(store) => Some(store),
            Backend::Remote(_) => None,
        }
    }

    /// The remote engine, when that is where the graph is kept.
    pub fn on_engine(&self) -> Option<&on_engine::OnEngine> {
        match &self.backend {
            Backend::Remote(engine) => Some(engine),
            Backend::Embedded(_) => None,
        }
    }

    /// The embedded store for what only it can do (transactions, the bulk loader).
    fn local(&self, what: &'static str) -> Result<&Store, StoreError> {
        self.embedded().ok_or(StoreError::EmbeddedOnly { what })
    }

    /// The quads matching a pattern (`None` matches anything), on either backend.
    pub fn quads_for_pattern(
        &self,
        subject: Option<NamedOrBlankNodeRef<'_>>,
        predicate: Option<NamedNodeRef<'_>>,
        object: Option<TermRef<'_>>,
        graph: Option<GraphNameRef<'_>>,
    ) -> Box<dyn Iterator<Item = Result<Quad, StoreError>> + '_> {
        match &self.backend {
            Backend::Embedded(store) => Box::new(
                store
                    .quads_for_pattern(subject, predicate, object, graph)
                    .map(|q| q.map_err(StoreError::from)),
            ),
            Backend::Remote(engine) => {
                match engine.quads_for_pattern(subject, predicate, object, graph) {
                    Ok(quads) => Box::new(quads.into_iter().map(Ok)),
                    Err(e) => Box::new(std::iter::once(Err(e))),
                }
            }
        }
    }

    /// Whether the store holds `quad`.
    pub fn contains(&self, quad: QuadRef<'_>) -> Result<bool, StoreError> {
        match &self.backend {
            Backend::Embedded(store) => Ok(store.contains(quad)?),
            Backend::Remote(engine) => engine.contains(quad),
        }
    }

    pub fn iris(&self) -> &Iris {
        &self.iris
    }

    /// Number of quads in the store.
    pub fn len(&self) -> Result<usize, StoreError> {
        match &self.backend {
            Backend::Embedded(store) => Ok(store.len()?),
            Backend::Remote(engine) => engine.len(),
        }
    }

    pub fn is_empty(&self) -> Result<bool, StoreError> {
        match &self.backend {
            Backend::Embedded(store) => Ok(store.is_empty()?),
            Backend::Remote(engine) => Ok(engine.len()? == 0),
        }
    }

    /// Replaces what `contribution`'s sheet contributed before with `contribution`, in one
    /// transaction: readers see the old version or the new one, never a mix. With
    /// `derive`, the statuses the change touches are re-derived in the same transaction
    /// (a batch import derives once at the end instead, with [`Self::derive_touched`]).
    pub fn replace(
        &self,
        contribution: &Contribution,
        derive: bool,
    ) -> Result<ReplaceReport, StoreError> {
        let mut touched = Touched::default();
        let report = self.replace_noting(contribution, derive, &mut touched)?;
        Ok(report)
    }

    /// [`Self::replace`], noting in `touched` what the statuses depend on that it changed.
    fn replace_noting(
        &self,
        contribution: &Contribution,
        derive: bool,
        touched: &mut Touched,
    ) -> Result<ReplaceReport, StoreError> {
        if let Backend::Remote(engine) = &self.backend {
            let mut noted = Touched::default();
            let report = engine.replace(contribution, &mut noted)?;
            if derive {
                engine.derive_touched(&noted)?;
            }
            touched.merge(noted);
            return Ok(report);
        }
        let mut tx = self.local("a transaction")?.start_transaction()?;
        let mut noted = Touched::default();
        let report = self.write_contribution(&mut tx, contribution, &mut noted)?;
        if derive {
            derive::derive_touched(&mut tx, None, &noted)?;
        }
        tx.commit()?;
        touched.merge(noted);
        Ok(report)
    }

    /// A writer for a batch of contributions: new sheets go through Oxigraph's bulk
    /// loader (committed at once by [`BatchWriter::commit`]), sheets already in the store
    /// are replaced in a transaction each. Statuses are derived once, at the end.
    pub fn batch_writer(&self) -> BatchWriter<'_> {
        BatchWriter {
            store: self,
            loader: None,
            pending: Vec::new(),
            fresh: HashSet::new(),
            touched: Touched::default(),
            in_memory: InMemory::Unchecked,
        }
    }

    /// Re-derives every claim's status ([`crate::write::derive`]) in one transaction: for a store
    /// whose writes were not all noted (an interrupted import), or to repair one.
    pub fn derive(&self) -> Result<Derivation, StoreError> {
        if let Backend::Remote(engine) = &self.backend {
            return engine.derive();
        }
        let store = self.local("deriving")?;
        let mut tx = store.start_transaction()?;
        let done = derive::derive_all(&mut tx, Some(store))?;
        tx.commit()?;
        Ok(done)
    }

    /// Re-derives, in one transaction, the statuses of the claims a batch touched and of
    /// the claims around them; the same result as [`Self::derive`].
    pub fn derive_touched(&self, touched: &Touched) -> Result<Derivation, StoreError> {
        if let Backend::Remote(engine) = &self.backend {
            return engine.derive_touched(touched);
        }
        let store = self.local("deriving")?;
        let mut tx = store.start_transaction()?;
        let done = derive::derive_touched(&mut tx, Some(store), touched)?;
        tx.commit()?;
        Ok(done)
    }

    /// Re-derives every status with the reference rules, `queries/derive-status.ru`, in
    /// one transaction (slower: for checking [`Self::derive`] against them).
    pub fn derive_reference(&self) -> Result<(), StoreError> {
        if let Backend::Remote(engine) = &self.backend {
            // The engine derives with the reference rules anyway.
            return engine.derive().map(|_| ());
        }
        let mut tx = self.local("deriving")?.start_transaction()?;
        derive_statuses_by_sparql(&mut tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Every derived triple in the store (status, basis, corroborations), sorted: what
    /// two derivations are compared by.
    pub fn derived_triples(&self) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        for p in [cg::STATUS, cg::STATUS_BASIS, cg::CORROBORATED_BY] {
            for q in self.quads_for_pattern(None, Some(p), None, Some(GraphNameRef::DefaultGraph)) {
                let q = q?;
                out.push(format!("{} {} {}", q.subject, q.predicate, q.object));
            }
        }
        out.sort();
        Ok(out)
    }

    /// The derived triples a full derivation would add (`+ triple`) and remove
    /// (`- triple`), sorted; nothing is written. Empty when every status is as derived.
    pub fn check_derived(&self) -> Result<Vec<String>, StoreError> {
        // Derived in a transaction that is dropped, never committed.
        let mut tx = self
            .local("derive --check (it derives in a transaction it drops)")?
            .start_transaction()?;
        let stored = derived_triples(&tx)?;
        derive::derive_all(&mut tx, None)?;
        let derived = derived_triples(&tx)?;
        drop(tx);
        let stored_set: HashSet<&String> = stored.iter().collect();
        let derived_set: HashSet<&String> = derived.iter().collect();
        let mut out: Vec<String> = derived
            .iter()
            .filter(|t| !stored_set.contains(t))
            .map(|t| format!("+ {t}"))
            .chain(
                stored
                    .iter()
                    .filter(|t| !derived_set.contains(t))
                    .map(|t| format!("- {t}")),
            )
            .collect();
        out.sort_by(|a, b| a[2..].cmp(&b[2..]));
        Ok(out)
    }

    fn write_contribution(
        &self,
        tx: &mut Transaction<'_>,
        contribution: &Contribution,
        touched: &mut Touched,
    ) -> Result<ReplaceReport, StoreError> {
        let ledger = GraphNameRef::NamedNode(contribution.ledger.as_ref());
        let prefix = self.iris.ledger_prefix();
        let old: Vec<Quad> = tx
            .quads_for_pattern(None, None, None, Some(ledger))
            .collect::<Result<_, _>>()?;
        let new: HashSet<&Triple> = contribution.triples.iter().collect();
        let kept: HashSet<Triple> = old
            .iter()
            .map(|q| Triple::new(q.subject.clone(), q.predicate.clone(), q.object.clone()))
            .filter(|t| new.contains(t))
            .collect();
        let mut report = ReplaceReport::default();

        // Unchanged triples stay; the rest of the old contribution goes, unless another
        // ledger still vouches for it.
        let mut old_graphs = Vec::new();
        for quad in &old {
            let triple = Triple::new(
                quad.subject.clone(),
                quad.predicate.clone(),
                quad.object.clone(),
            );
            if quad.predicate == cg::HAS_PROPOSITION {
                if let Term::NamedNode(g) = &quad.object {
                    old_graphs.push(g.clone());
                }
            }
            if kept.contains(&triple) {
                continue;
            }
            touched.note(triple.as_ref());
            tx.remove(quad.as_ref());
            let shared = tx
                .quads_for_pattern(
                    Some(quad.subject.as_ref()),
                    Some(quad.predicate.as_ref()),
                    Some(quad.object.as_ref()),
                    None,
                )
                .filter_map(Result::ok)
                .any(|q| match &q.graph_name {
                    GraphName::NamedNode(g) => {
                        g.as_str().starts_with(&prefix) && q.graph_name != quad.graph_name
                    }
                    _ => false,
                });
            if !shared {
                if quad.predicate == cg::RELAYS {
                    touched.note_relay(triple.as_ref(), true);
                }
                tx.remove(QuadRef::new(
                    &quad.subject,
                    &quad.predicate,
                    &quad.object,
                    GraphNameRef::DefaultGraph,
                ));
                report.removed += 1;
            }
        }
        for graph in &old_graphs {
            let g = NamedOrBlankNodeRef::NamedNode(graph.as_ref());
            report.removed += tx
                .quads_for_pattern(None, None, None, Some(g.into()))
                .count();
            tx.remove_named_graph(g)?;
        }
        // A triple the old contribution held too is in the ledger and, vouched for by
        // it, in the default graph: nothing to write, and no status depends on it anew.
        // Proposition graphs are written whole again, so their claims count as touched.
        for triple in &contribution.triples {
            if triple.predicate == cg::HAS_PROPOSITION {
                touched.note(triple.as_ref());
            }
        }
        for triple in contribution.triples.iter().filter(|t| !kept.contains(*t)) {
            touched.note(triple.as_ref());
            if triple.predicate == cg::RELAYS
                && !tx.contains(QuadRef::new(
                    &triple.subject,
                    &triple.predicate,
                    &triple.object,
                    GraphNameRef::DefaultGraph,
                ))?
            {
                touched.note_relay(triple.as_ref(), false);
            }
            tx.insert(QuadRef::new(
                &triple.subject,
                &triple.predicate,
                &triple.object,
                ledger,
            ));
            tx.insert(QuadRef::new(
                &triple.subject,
                &triple.predicate,
                &triple.object,
                GraphNameRef::DefaultGraph,
            ));
        }
        report.inserted += contribution.triples.len() - kept.len();
        for (graph, triples) in &contribution.graphs {
            let g = GraphNameRef::NamedNode(graph.as_ref());
            tx.insert_named_graph(graph.as_ref());
            for t in triples {
                tx.insert(QuadRef::new(&t.subject, &t.predicate, &t.object, g));
            }
            report.inserted += triples.len();
        }
        Ok(report)
    }

    /// Loads a plain RDF file as one transaction. Triples go where the file puts them
    /// (the default graph for Turtle and N-Triples).
    pub fn load_rdf(&self, path: &Path) -> Result<usize, StoreError> {
        let display = path.display().to_string();
        let format = rdf_format(path).ok_or_else(|| StoreError::UnknownFormat {
            path: display.clone(),
        })?;
        let bytes = crate::write::input::read_capped(path, crate::write::input::MAX_RDF_BYTES)?;
        if format == RdfFormat::RdfXml {
            crate::write::input::check_rdfxml_entities(path, &bytes)?;
        }
        let parser = RdfParser::from_format(format)
            .with_base_iri(self.iris.base())
            .map_err(|e| StoreError::Query(e.to_string()))?;
        let mut quads = Vec::new();
        for q in parser.for_slice(&bytes) {
            match q {
                Ok(q) => quads.push(q),
                Err(e) => {
                    let location = e
                        .location()
                        .map(|l| format!("{}:{}", l.start.line + 1, l.start.column + 1))
                        .unwrap_or_else(|| "1:1".to_owned());
                    return Err(StoreError::RdfSyntax {
                        path: display,
                        location,
                        message: e.to_string(),
                    });
                }
            }
        }
        if let Backend::Remote(engine) = &self.backend {
            engine.insert(&quads)?;
            return Ok(quads.len());
        }
        let mut tx = self.local("loading RDF")?.start_transaction()?;
        for q in &quads {
            tx.insert(q.as_ref());
        }
        tx.commit()?;
        Ok(quads.len())
    }

    /// Entities (id -> kind) and the ontology's properties, for validating sheets.
    pub fn known(&self) -> Result<Known, StoreError> {
        let mut known = Known::with_ontology();
        let query = format!(
            "SELECT ?id ?kind WHERE {{ ?e a <{}> ; <{}> ?id ; <{}> ?kind }}",
            cg::ENTITY.as_str(),
            cg::SLUG.as_str(),
            cg::ENTITY_KIND.as_str()
        );
        for row in self.select(&query)? {
            if let (Some(id), Some(kind)) = (
                row.first().and_then(literal_value),
                row.get(1).and_then(literal_value),
            ) {
                if let Some(kind) = EntityKind::from_str(&kind) {
                    known.entities.insert(id, kind);
                }
            }
        }
        Ok(known)
    }

    /// Whether a claim `article/claim` exists in the store.
    pub fn has_claim(&self, article: &str, claim: &str) -> Result<bool, StoreError> {
        let iri = self.iris.claim(article, claim);
        self.contains(QuadRef::new(
            &iri,
            rdf::TYPE,
            cg::CLAIM,
            GraphNameRef::DefaultGraph,
        ))
    }

    /// Runs a SELECT query and returns its rows as optional terms, in projection order.
    pub fn select(&self, query: &str) -> Result<Vec<Vec<Option<Term>>>, StoreError> {
        let store = match &self.backend {
            Backend::Embedded(store) => store,
            Backend::Remote(engine) => return engine.select(query),
        };
        let results = SparqlEvaluator::new()
            .parse_query(query)
            .map_err(|e| StoreError::Query(e.to_string()))?
            .on_store(store)
            .execute()
            .map_err(|e| StoreError::Query(e.to_string()))?;
        solution_rows(results)
    }

    /// Instances per class (excluding the ontology's own terms), most frequent first.
    pub fn class_counts(&self) -> Result<Vec<(String, usize)>, StoreError> {
        let query = format!(
            "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?class . FILTER(!STRSTARTS(STR(?class), \"{}\")) }} GROUP BY ?class ORDER BY DESC(?n) ?class",
            vocab::OWL
        );
        let mut counts = Vec::new();
        for row in self.select(&query)? {
            if let (Some(Some(Term::NamedNode(c))), Some(Some(Term::Literal(n)))) =
                (row.first(), row.get(1))
            {
                counts.push((compact(c.as_str()), n.value().parse().unwrap_or(0)));
            }
        }
        Ok(counts)
    }

    /// Named graphs by role: proposition graphs, contribution ledgers, others.
    pub fn graph_counts(&self) -> Result<HashMap<&'static str, usize>, StoreError> {
        let mut counts = HashMap::new();
        let ledger = self.iris.ledger_prefix();
        let claim = self.iris.resolve("graph/claim/").into_string();
        let graphs: Vec<oxigraph::model::NamedOrBlankNode> = match &self.backend {
            Backend::Embedded(store) => store.named_graphs().collect::<Result<_, _>>()?,
            Backend::Remote(engine) => engine.named_graphs()?.into_iter().map(Into::into).collect(),
        };
        for g in graphs {
            let role = match g {
                oxigraph::model::NamedOrBlankNode::NamedNode(n)
                    if n.as_str().starts_with(&ledger) =>
                {
                    "contribution ledgers"
                }
                oxigraph::model::NamedOrBlankNode::NamedNode(n)
                    if n.as_str().starts_with(&claim) =>
                {
                    "proposition graphs"
                }
                _ => "other graphs",
            };
            *counts.entry(role).or_default() += 1;
        }
        Ok(counts)
    }

    /// Every article id in the store.
    pub fn article_ids(&self) -> Result<Vec<String>, StoreError> {
        let query = format!(
            "SELECT ?id WHERE {{ ?a a <{}> ; <{}> ?id }} ORDER BY ?id",
            cg::ARTICLE.as_str(),
            cg::SLUG.as_str()
        );
        Ok(self
            .select(&query)?
            .into_iter()
            .filter_map(|r| r.first().and_then(literal_value))
            .collect())
    }

    /// Makes what was written durable and, for an on-disk store, visible to readers in
    /// other processes ([`Self::publish`]): a writer flushes after each complete unit of
    /// work, never in the middle of one.
    pub fn flush(&self) -> Result<(), StoreError> {
        match &self.backend {
            // Each update request is the engine's to make durable.
            Backend::Remote(_) => Ok(()),
            Backend::Embedded(store) => {
                store.flush()?;
                self.publish()
            }
        }
    }

    /// Whether `iri` is the subject of any triple in the default graph.
    pub fn describes(&self, iri: &NamedNode) -> Result<bool, StoreError> {
        Ok(self
            .quads_for_pattern(
                Some(iri.as_ref().into()),
                None,
                None,
                Some(GraphNameRef::DefaultGraph),
            )
            .next()
            .transpose()?
            .is_some())
    }
}

/// A SELECT's rows as optional terms, in projection order, from either backend.
fn solution_rows(results: QueryResults<'_>) -> Result<Vec<Vec<Option<Term>>>, StoreError> {
    let QueryResults::Solutions(solutions) = results else {
        return Err(StoreError::Query("expected a SELECT query".into()));
    };
    let variables = solutions.variables().to_vec();
    let mut rows = Vec::new();
    for s in solutions {
        let s = s.map_err(|e| StoreError::Query(e.to_string()))?;
        rows.push(variables.iter().map(|v| s.get(v).cloned()).collect());
    }
    Ok(rows)
}

fn derived_triples(tx: &Transaction<'_>) -> Result<Vec<String>, StoreError> {
    let mut out = Vec::new();
    for p in [cg::STATUS, cg::STATUS_BASIS, cg::CORROBORATED_BY] {
        for q in tx.quads_for_pattern(None, Some(p), None, Some(GraphNameRef::DefaultGraph)) {
            let q = q?;
            out.push(format!("{} {} {}", q.subject, q.predicate, q.object));
        }
    }
    out.sort();
    Ok(out)
}

/// How many quads of new sheets are handed to the bulk loader at once: its own batch
/// size. Each hand-over ends a batch, and each batch is one file per index that the
/// engine must compact; a chunk a little over the batch size made two, and at 10,000
/// articles the import's final flush then waited 40 s for the compaction of 26 files an
/// index (the engine holds writes back from 20).
const BULK_CHUNK: usize = 1_000_000;

/// Writes a batch of contributions; see [`GraphStore::batch_writer`].
pub struct BatchWriter<'a> {
    store: &'a GraphStore,
    loader: Option<oxigraph::store::BulkLoader<'a>>,
    /// Quads of new sheets not yet handed to the loader: each hand-over writes a set of
    /// files, so they go in large chunks (one per article made 10 files an article).
    pending: Vec<Quad>,
    /// Ledgers written by the bulk loader in this batch (not yet visible in the store).
    fresh: HashSet<NamedNode>,
    /// What the batch changed that statuses depend on.
    touched: Touched,
    /// Whether the batch's statuses are derived in memory at the commit.
    in_memory: InMemory,
}

/// Whether a batch's statuses can be derived from memory: while the store held next to
/// nothing before the batch ([`derive::BatchFacts::of_bare_store`]) and every sheet so
/// far went to the bulk loader, the facts are the store's few and the batch's own.
enum InMemory {
    /// Not decided yet (no sheet written).
    Unchecked,
    Gathering(derive::BatchFacts),
    No,
}

impl BatchWriter<'_> {
    /// Writes one contribution. Nothing of the batch's new sheets is visible to readers
    /// before [`Self::commit`]; a replaced sheet is visible when its transaction commits.
    pub fn put(&mut self, contribution: &Contribution) -> Result<ReplaceReport, StoreError> {
        let Some(raw) = self.store.embedded() else {
            // On a remote engine every sheet is one update request of its own.
            return self
                .store
                .replace_noting(contribution, false, &mut self.touched);
        };
        if let InMemory::Unchecked = self.in_memory {
            self.in_memory = match derive::BatchFacts::of_bare_store(raw)? {
                Some(facts) => InMemory::Gathering(facts),
                None => InMemory::No,
            };
        }
        let ledger = contribution.ledger.as_ref();
        let in_store = raw.contains_named_graph(NamedOrBlankNodeRef::NamedNode(ledger))?;
        if !in_store && !self.fresh.contains(&contribution.ledger) {
            // A sheet the store has never seen: nothing to remove, so the fast path.
            if let InMemory::Gathering(facts) = &mut self.in_memory {
                facts.add_contribution(contribution);
            }
            for triple in &contribution.triples {
                self.touched.note(triple.as_ref());
                if triple.predicate == cg::RELAYS
                    && !raw.contains(QuadRef::new(
                        &triple.subject,
                        &triple.predicate,
                        &triple.object,
                        GraphNameRef::DefaultGraph,
                    ))?
                {
                    self.touched.note_relay(triple.as_ref(), false);
                }
            }
            self.pending.extend(contribution.quads());
            self.hand_over_chunks()?;
            self.fresh.insert(contribution.ledger.clone());
            return Ok(ReplaceReport {
                removed: 0,
                inserted: contribution.triples.len()
                    + contribution
                        .graphs
                        .iter()
                        .map(|(_, t)| t.len())
                        .sum::<usize>(),
            });
        }
        if self.fresh.contains(&contribution.ledger) {
            // The same sheet twice in one batch: make the first visible, then replace it.
            self.commit_loader()?;
        }
        // What a replacement removes is not in the gathered facts.
        self.in_memory = InMemory::No;
        self.store
            .replace_noting(contribution, false, &mut self.touched)
    }

    /// Hands every pending quad to the bulk loader.
    fn hand_over(&mut self) -> Result<(), StoreError> {
        if !self.pending.is_empty() {
            let all = std::mem::take(&mut self.pending);
            self.load(all)?;
        }
        Ok(())
    }

    /// Hands over whole chunks of [`BULK_CHUNK`] quads, keeping the rest pending.
    fn hand_over_chunks(&mut self) -> Result<(), StoreError> {
        while self.pending.len() >= BULK_CHUNK {
            let rest = self.pending.split_off(BULK_CHUNK);
            let chunk = std::mem::replace(&mut self.pending, rest);
            self.load(chunk)?;
        }
        Ok(())
    }

    fn load(&mut self, quads: Vec<Quad>) -> Result<(), StoreError> {
        let raw = self.store.local("the bulk loader")?;
        let loader = self.loader.get_or_insert_with(|| raw.bulk_loader());
        Ok(loader.load_quads(quads)?)
    }

    fn commit_loader(&mut self) -> Result<(), StoreError> {
        self.hand_over()?;
        if let Some(loader) = self.loader.take() {
            loader.commit()?;
        }
        self.fresh.clear();
        Ok(())
    }

    /// When the batch so far went whole into a store that held next to nothing, derives
    /// every status from memory and queues the derived triples to be committed with the
    /// batch: the caller then derives nothing. `None` otherwise (nothing is queued).
    pub fn derive_in_memory(&mut self) -> Result<Option<Derivation>, StoreError> {
        let InMemory::Gathering(facts) = std::mem::replace(&mut self.in_memory, InMemory::No)
        else {
            return Ok(None);
        };
        let Some((derived, done)) = facts.derive()? else {
            return Ok(None);
        };
        self.pending.extend(
            derived
                .into_iter()
                .map(|t| t.in_graph(GraphName::DefaultGraph)),
        );
        Ok(Some(done))
    }

    /// Commits the new sheets and returns what the batch touched; the caller then
    /// derives those statuses ([`GraphStore::derive_touched`]), unless
    /// [`Self::derive_in_memory`] did.
    pub fn commit(mut self) -> Result<Touched, StoreError> {
        self.commit_loader()?;
        Ok(std::mem::take(&mut self.touched))
    }
}

/// The update that states the status rules in SPARQL: the reference [`crate::write::derive`]
/// is held to.
pub const DERIVE_STATUS: &str = include_str!("../../queries/derive-status.ru");

fn derive_statuses_by_sparql(tx: &mut Transaction<'_>) -> Result<(), StoreError> {
    let mut evaluator = SparqlEvaluator::new();
    for (prefix, ns) in vocab::PREFIXES {
        evaluator = evaluator
            .with_prefix(*prefix, *ns)
            .expect("the namespaces are valid IRIs");
    }
    evaluator
        .parse_update(DERIVE_STATUS)
        .map_err(|e| StoreError::Query(format!("queries/derive-status.ru: {e}")))?
        .on_transaction(tx)
        .execute()
        .map_err(|e| StoreError::Query(format!("deriving claim statuses: {e}")))
}

/// The lexical value of a literal cell.
pub fn literal_value(cell: &Option<Term>) -> Option<String> {
    match cell {
        Some(Term::Literal(l)) => Some(l.value().to_owned()),
        _ => None,
    }
}

/// `cg:Claim` for a known namespace, the full IRI otherwise.
pub fn compact(iri: &str) -> String {
    for (prefix, ns) in vocab::PREFIXES {
        if let Some(local) = iri.strip_prefix(ns) {
            if !local.is_empty()
                && local
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            {
                return format!("{prefix}:{local}");
            }
        }
    }
    iri.to_owned()
}

/// The RDF syntax of a file, from its extension. Only the extensions of RDF syntaxes
/// count (Oxigraph would also read `.txt` as N-Triples, but a `.txt` beside a sheet is
/// an article's text).
pub fn rdf_format(path: &Path) -> Option<RdfFormat> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "ttl" => RdfFormat::Turtle,
        "trig" => RdfFormat::TriG,
        "nt" => RdfFormat::NTriples,
        "nq" => RdfFormat::NQuads,
        "jsonld" => RdfFormat::JsonLd {
            profile: Default::default(),
        },
        "rdf" | "owl" => RdfFormat::RdfXml,
        _ => return None,
    })
}

/// Whether a term is one of ours and not a blank node (for links in pages).
pub fn is_named(term: TermRef<'_>) -> bool {
    matches!(term, TermRef::NamedNode(_))
}
