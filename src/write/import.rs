//! Importing a batch of files: claim sheets and plain RDF.
//!
//! [`import_paths`] walks files and folders, reads every sheet first (so that sheets
//! in one batch may refer to each other's entities and claims), then validates and
//! stores each one in its own transaction. A bad file is reported with its location
//! and the batch goes on; the [`ImportSummary`] says what went in and what did not.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::model::graph::{self, Contribution};
use crate::model::sheet::validate::{self, Known};
use crate::model::sheet::Sheet;
use crate::store::{self, GraphStore, StoreError};
use crate::write::derive::{Derivation, Touched};
use crate::write::hash;

/// One file that could not be imported, with everything wrong with it.
#[derive(Debug, Clone)]
pub struct Failure {
    pub path: PathBuf,
    pub message: String,
}

#[derive(Debug, Clone, Default)]
pub struct ImportSummary {
    pub articles: usize,
    /// Articles skipped because the store already holds them as they are.
    pub unchanged: usize,
    pub reference_sheets: usize,
    pub rdf_files: usize,
    pub claims: usize,
    pub triples_inserted: usize,
    pub triples_removed: usize,
    pub failures: Vec<Failure>,
    pub elapsed: Duration,
    /// Where the time went: reading the sheets and the store's entities they may name
    /// (the ontology and plain RDF files written meanwhile), validating the sheets and
    /// building their triples and hashes (on every core), writing them, deriving the
    /// statuses, and making the store durable and visible to readers (flush, snapshot).
    pub reading: Duration,
    pub preparing: Duration,
    pub writing: Duration,
    pub deriving: Duration,
    pub publishing: Duration,
    /// How many claims the status derivation re-derived, and whether it did all.
    pub derivation: Derivation,
    /// Whether the statuses were derived from the batch in memory and written with it
    /// (a batch into a store that held next to nothing); `deriving` then counts that
    /// derivation and `writing` the rest of the commit.
    pub derived_in_memory: bool,
    /// Ids of the articles imported.
    pub imported_articles: Vec<String>,
}

impl ImportSummary {
    pub fn ok(&self) -> bool {
        self.failures.is_empty()
    }
}

/// The files an import of `paths` reads: sheets (.toml) and RDF files, folders walked
/// recursively in name order. A file named twice (directly and through its folder) is
/// read once. Whether a file is a regular file is checked when it is read, so a FIFO or
/// device named like a sheet is reported there, never opened for waiting.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut out = Vec::new();
    let mut folders_seen = HashSet::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out, &mut folders_seen).map_err(|e| Failure {
                path: p.clone(),
                message: format!("cannot read folder: {e}"),
            })?;
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(Failure {
                path: p.clone(),
                message: "no such file or folder".into(),
            });
        }
    }
    let mut files_seen = HashSet::new();
    out.retain(|p| files_seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    Ok(out)
}

/// Walks `dir`; `seen` holds the folders already walked, so a link back to a parent
/// folder does not recurse without end.
fn walk(dir: &Path, out: &mut Vec<PathBuf>, seen: &mut HashSet<PathBuf>) -> std::io::Result<()> {
    if !seen.insert(std::fs::canonicalize(dir)?) {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out, seen)?;
        } else if is_importable(&p) {
            out.push(p);
        }
    }
    Ok(())
}

fn is_importable(p: &Path) -> bool {
    p.extension().and_then(|e| e.to_str()) == Some("toml") || store::rdf_format(p).is_some()
}

/// Imports `paths` (files or folders) into `store`. `progress` is called after each file
/// with (done, total).
pub fn import_paths(
    store: &GraphStore,
    paths: &[PathBuf],
    progress: &dyn Fn(usize, usize),
) -> Result<ImportSummary, StoreError> {
    let started = Instant::now();
    let mut summary = ImportSummary::default();
    let files = match collect_files(paths) {
        Ok(f) => f,
        Err(failure) => {
            summary.failures.push(failure);
            return Ok(summary);
        }
    };
    let (rdf_files, sheet_files): (Vec<&PathBuf>, Vec<&PathBuf>) = files
        .iter()
        .partition(|p| p.extension().and_then(|e| e.to_str()) != Some("toml"));
    let total = files.len();
    let mut done = 0;

    // Read every sheet before validating any, so the batch knows its own entities and
    // claims; reference sheets (entities only) go first. Reading writes nothing.
    let mut sheets = Vec::new();
    for path in sheet_files {
        match Sheet::read(path) {
            Ok(sheet) => sheets.push(sheet),
            Err(e) => {
                summary.failures.push(Failure {
                    path: path.clone(),
                    message: e.to_string(),
                });
                done += 1;
                progress(done, total);
            }
        }
    }
    for (path, message) in refuse_duplicate_articles(&mut sheets) {
        summary.failures.push(Failure { path, message });
        done += 1;
        progress(done, total);
    }

    // From the first write until the statuses are derived and published, the marker
    // names what this import is writing (see `crate::store::snapshots`).
    let articles: Vec<String> = sheets
        .iter()
        .filter_map(|s| s.article.as_ref().map(|a| a.id.get_ref().clone()))
        .collect();
    let marker = store.begin_import(&articles, &files)?;

    let ontology = store.replace(&graph::ontology_contribution(store.iris()), false)?;
    summary.triples_inserted += ontology.inserted.saturating_sub(ontology.removed);
    // What plain RDF changes is not tracked: a batch with any derives every status.
    let mut rdf_touched = Touched::default();
    for path in rdf_files {
        match store.load_rdf(path) {
            Ok(n) => {
                summary.rdf_files += 1;
                summary.triples_inserted += n;
                rdf_touched = Touched::everything();
            }
            Err(StoreError::Storage(e)) => return Err(StoreError::Storage(e)),
            Err(e) => summary.failures.push(Failure {
                path: path.clone(),
                message: e.to_string(),
            }),
        }
        done += 1;
        progress(done, total);
    }
    sheets.sort_by_key(|s| s.article.is_some());
    let known = known_for(store, &sheets)?;
    summary.reading = started.elapsed();

    let mut writer = store.batch_writer();
    // Sheets are prepared a group at a time on every core, then written in file order;
    // a group is small enough that its triples never crowd memory.
    for group in sheets.chunks(PREPARE_GROUP) {
        let began = Instant::now();
        let prepared = prepare_all(store, group, &known);
        summary.preparing += began.elapsed();
        let began = Instant::now();
        for (sheet, contribution) in group.iter().zip(prepared) {
            // An article whose content hash the store already records is skipped whole:
            // importing the same sheets again writes and derives nothing.
            let contribution = match contribution {
                Ok(Prepared {
                    already_stored: true,
                    ..
                }) => {
                    summary.unchanged += 1;
                    done += 1;
                    progress(done, total);
                    continue;
                }
                Ok(prepared) => Ok(prepared.contribution),
                Err(e) => Err(e),
            };
            let written = contribution.and_then(|c| {
                writer
                    .put(&c)
                    .map(|r| (c, r))
                    .map_err(SheetImportError::Store)
            });
            match written {
                Ok((contribution, report)) => {
                    match &contribution.article {
                        Some(id) => {
                            summary.articles += 1;
                            summary.imported_articles.push(id.clone());
                        }
                        None => summary.reference_sheets += 1,
                    }
                    summary.claims += contribution.claims;
                    summary.triples_inserted += report.inserted;
                    summary.triples_removed += report.removed;
                }
                Err(SheetImportError::Invalid(message)) => summary.failures.push(Failure {
                    path: sheet.origin.path.clone(),
                    message,
                }),
                Err(SheetImportError::Store(e)) => return Err(e),
            }
            done += 1;
            progress(done, total);
        }
        summary.writing += began.elapsed();
    }
    // Statuses: derived with the batch when it went whole into a bare store (the RDF
    // files' facts included), committed with it; otherwise, after the commit, those of
    // the claims the batch touched and the claims around them.
    let began = Instant::now();
    let derived_in_memory = writer.derive_in_memory()?;
    summary.deriving += began.elapsed();
    let began = Instant::now();
    let mut touched = writer.commit()?;
    summary.writing += began.elapsed();
    let began = Instant::now();
    if let Some(derivation) = derived_in_memory {
        summary.derivation = derivation;
        summary.derived_in_memory = true;
    } else {
        touched.merge(rdf_touched);
        summary.derivation = store.derive_touched(&touched)?;
    }
    summary.deriving += began.elapsed();
    let began = Instant::now();
    store.flush()?;
    if let Some(marker) = marker {
        marker.finish().map_err(|source| StoreError::Io {
            path: "the store's import marker".into(),
            source,
        })?;
    }
    summary.publishing = began.elapsed();
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Takes out of `sheets` every sheet whose article id another sheet of the batch also
/// defines, and says why for each (file and the other files): which one was meant
/// cannot be told, so neither is imported, and the rest of the batch goes on.
pub(crate) fn refuse_duplicate_articles(sheets: &mut Vec<Sheet>) -> Vec<(PathBuf, String)> {
    let mut by_id: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, sheet) in sheets.iter().enumerate() {
        if let Some(article) = &sheet.article {
            by_id
                .entry(article.id.get_ref().clone())
                .or_default()
                .push(i);
        }
    }
    let mut refused = Vec::new();
    let mut drop = HashSet::new();
    for (id, indices) in by_id.into_iter().filter(|(_, v)| v.len() > 1) {
        for &i in &indices {
            let sheet = &sheets[i];
            let others: Vec<String> = indices
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| {
                    let other = &sheets[j];
                    let (line, _) =
                        other.line_col(other.article.as_ref().map_or(0, |a| a.id.span().start));
                    format!("{}:{line}", other.origin.path.display())
                })
                .collect();
            let (line, column) =
                sheet.line_col(sheet.article.as_ref().map_or(0, |a| a.id.span().start));
            refused.push((
                sheet.origin.path.clone(),
                format!(
                    "{}:{line}:{column}: article.id: the article '{id}' is also defined by {}; neither sheet was imported (each article needs its own id, or one of the files must go)",
                    sheet.origin.path.display(),
                    others.join(", ")
                ),
            ));
            drop.insert(i);
        }
    }
    let mut index = 0;
    sheets.retain(|_| {
        let keep = !drop.contains(&index);
        index += 1;
        keep
    });
    refused
}

/// How many sheets are prepared in parallel before they are written.
pub(crate) const PREPARE_GROUP: usize = 256;

/// [`prepare`] for each sheet, spread over the machine's cores; results in sheet order.
pub(crate) fn prepare_all(
    store: &GraphStore,
    sheets: &[Sheet],
    known: &Known,
) -> Vec<Result<Prepared, SheetImportError>> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(sheets.len().max(1));
    if workers <= 1 {
        return sheets.iter().map(|s| prepare(store, s, known)).collect();
    }
    let per_worker = sheets.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let handles: Vec<_> = sheets
            .chunks(per_worker)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|s| prepare(store, s, known))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("preparing a sheet panicked"))
            .collect()
    })
}

/// What `sheets` may refer to: the store's entities and the ontology, plus the
/// entities and claims the sheets define themselves and the stored claims their
/// responses answer.
pub fn known_for(store: &GraphStore, sheets: &[Sheet]) -> Result<Known, StoreError> {
    let mut known = store.known()?;
    for sheet in sheets {
        for e in &sheet.entity {
            known
                .entities
                .entry(e.id.get_ref().clone())
                .or_insert(e.kind);
        }
        if let Some(a) = &sheet.article {
            for c in &sheet.claim {
                known
                    .claims
                    .insert(format!("{}/{}", a.id.get_ref(), c.id.get_ref()));
            }
        }
    }
    add_stored_claims(store, sheets, &mut known)?;
    Ok(known)
}

fn add_stored_claims(
    store: &GraphStore,
    sheets: &[Sheet],
    known: &mut Known,
) -> Result<(), StoreError> {
    for sheet in sheets {
        for c in &sheet.claim {
            for target in &c.answers {
                if let Some((article, claim)) = target.get_ref().split_once('/') {
                    if !known.claims.contains(target.get_ref())
                        && store.has_claim(article, claim)?
                    {
                        known.claims.insert(target.get_ref().clone());
                    }
                }
            }
        }
    }
    Ok(())
}

#[derive(Debug)]
pub enum SheetImportError {
    /// The sheet is wrong; the message lists every problem with its location.
    Invalid(String),
    Store(StoreError),
}

/// A sheet turned into the contribution it makes, sealed and stamped.
pub struct Prepared {
    pub contribution: Contribution,
    /// Whether the store holds exactly this contribution already (see [`already_stored`]).
    pub already_stored: bool,
}

/// Validates one sheet and turns it into the contribution it makes.
pub fn prepare(
    store: &GraphStore,
    sheet: &Sheet,
    known: &Known,
) -> Result<Prepared, SheetImportError> {
    let valid =
        validate::validate(sheet, known).map_err(|e| SheetImportError::Invalid(e.to_string()))?;
    let kinds = if valid.entities.is_empty() {
        std::borrow::Cow::Borrowed(&known.entities)
    } else {
        let mut kinds: HashMap<String, _> = known.entities.clone();
        for e in &valid.entities {
            kinds.insert(e.id.clone(), e.kind);
        }
        std::borrow::Cow::Owned(kinds)
    };
    let mut contribution = graph::contribution(&valid, store.iris(), &kinds);
    // The article's content hash is part of what it contributes (and never hashes itself).
    hash::seal(&mut contribution, store.iris())
        .map_err(|e| SheetImportError::Invalid(e.to_string()))?;
    let already_stored =
        stamp_modified(store, &mut contribution).map_err(SheetImportError::Store)?;
    Ok(Prepared {
        contribution,
        already_stored,
    })
}

/// Whether the store holds exactly what `contribution` (a sealed article) contributes:
/// its content hash, which covers every triple the sheet makes, is the one recorded in
/// the article's ledger.
fn already_stored(store: &GraphStore, contribution: &Contribution) -> Result<bool, StoreError> {
    use oxigraph::model::GraphNameRef;

    use crate::model::vocab::cg;

    let Some(article) = &contribution.article else {
        return Ok(false);
    };
    let Some(new_hash) = contribution
        .triples
        .iter()
        .find(|t| t.predicate == cg::CONTENT_HASH)
        .map(|t| &t.object)
    else {
        return Ok(false);
    };
    let article = store.iris().article(article);
    let recorded = store
        .quads_for_pattern(
            Some(article.as_ref().into()),
            Some(cg::CONTENT_HASH),
            None,
            Some(GraphNameRef::NamedNode(contribution.ledger.as_ref())),
        )
        .next()
        .transpose()?;
    Ok(recorded.is_some_and(|q| &q.object == new_hash))
}

/// Records on an article's ledger when its content last changed (`dct:modified`, shown
/// as "last updated" and outside the content hash): now for a new or changed article,
/// the stored time when a re-import brings the same content hash, so importing the same
/// sheets again changes nothing. Answers whether the store already holds the contribution
/// (a sealed article's [`already_stored`]; never for a reference sheet).
fn stamp_modified(store: &GraphStore, contribution: &mut Contribution) -> Result<bool, StoreError> {
    use oxigraph::model::{GraphNameRef, Literal, Term, Triple};

    use crate::model::vocab::{dct, xsd};

    if contribution.article.is_none() {
        return Ok(false);
    }
    let ledger = contribution.ledger.clone();
    let graph = GraphNameRef::NamedNode(ledger.as_ref());
    let stored = |subject: oxigraph::model::NamedNodeRef<'_>, predicate| {
        store
            .quads_for_pattern(Some(subject.into()), Some(predicate), None, Some(graph))
            .next()
            .transpose()
            .map(|q| q.map(|q| q.object))
    };
    let unchanged = already_stored(store, contribution)?;
    let modified = match stored(ledger.as_ref(), dct::MODIFIED)? {
        Some(Term::Literal(old)) if unchanged => old,
        _ => Literal::new_typed_literal(crate::publish::nanopub::now_xsd(), xsd::DATE_TIME),
    };
    contribution
        .triples
        .retain(|t| t.predicate != dct::MODIFIED);
    contribution
        .triples
        .push(Triple::new(ledger, dct::MODIFIED, modified));
    Ok(unchanged)
}

/// Validates one sheet and replaces its contribution in the store in one transaction,
/// statuses included (for a single article imported while others read the store); the
/// caller's [`GraphStore::flush`] then publishes it to readers in other processes.
pub fn import_sheet(
    store: &GraphStore,
    sheet: &Sheet,
    known: &Known,
) -> Result<(Contribution, store::ReplaceReport), SheetImportError> {
    let contribution = prepare(store, sheet, known)?.contribution;
    let report = store
        .replace(&contribution, true)
        .map_err(SheetImportError::Store)?;
    Ok((contribution, report))
}
