//! Preparing sheets for an engine's bulk loader without importing them anywhere:
//! [`prepare_paths`] runs the importer's prepare stage (validation, triples, ledgers,
//! content hashes) over sheets and RDF files and writes what an import would have
//! written as N-Quads shards ([`crate::store::bulk_files`]).
//!
//! No store is opened. The ontology, plain RDF files and the entities they define are
//! held in a scratch store in memory (they are small); the sheets are prepared a group
//! at a time on every core and streamed to the shards, so memory does not grow with the
//! corpus. Statuses are not derived: that is `claimgraph --endpoint URL derive` once the
//! engine has loaded the files. A bulk load is all or nothing, so any bad file stops
//! the run: every problem is reported (file, line, field) and no folder is written.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::model::graph::{self, Iris};
use crate::model::sheet::Sheet;
use crate::store::bulk_files::{BulkError, ShardSummary, ShardWriter};
use crate::store::{on_engine, GraphStore, StoreError};
use crate::write::import::{self, Failure, SheetImportError};

#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    #[error("{} file(s) refused; nothing was written", .0.len())]
    Refused(Vec<Failure>),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Bulk(#[from] BulkError),
}

/// What a prepare run wrote.
#[derive(Debug, Clone)]
pub struct PrepareSummary {
    pub articles: usize,
    pub reference_sheets: usize,
    pub rdf_files: usize,
    pub claims: usize,
    pub shards: ShardSummary,
    pub elapsed: Duration,
}

/// Prepares the sheets and RDF files in `paths` (files or folders, as `import` takes
/// them) into `shards` N-Quads files in the new folder `output`.
pub fn prepare_paths(
    paths: &[PathBuf],
    iris: &Iris,
    shards: usize,
    output: &Path,
) -> Result<PrepareSummary, PrepareError> {
    let started = Instant::now();
    let files = import::collect_files(paths).map_err(|f| PrepareError::Refused(vec![f]))?;
    let (rdf_files, sheet_files): (Vec<&PathBuf>, Vec<&PathBuf>) = files
        .iter()
        .partition(|p| p.extension().and_then(|e| e.to_str()) != Some("toml"));

    let mut failures = Vec::new();
    let mut sheets = Vec::new();
    for path in sheet_files {
        match Sheet::read(path) {
            Ok(sheet) => sheets.push(sheet),
            Err(e) => failures.push(Failure {
                path: path.clone(),
                message: e.to_string(),
            }),
        }
    }
    for (path, message) in import::refuse_duplicate_articles(&mut sheets) {
        failures.push(Failure { path, message });
    }

    // The ontology and the RDF files, as an import into an empty store writes them.
    let scratch = GraphStore::in_memory(iris.clone())?;
    scratch.replace(&graph::ontology_contribution(iris), false)?;
    let mut rdf_loaded = 0;
    for path in rdf_files {
        match scratch.load_rdf(path) {
            Ok(_) => rdf_loaded += 1,
            Err(StoreError::Storage(e)) => return Err(StoreError::Storage(e).into()),
            Err(e) => failures.push(Failure {
                path: path.clone(),
                message: e.to_string(),
            }),
        }
    }
    sheets.sort_by_key(|s| s.article.is_some());
    let known = import::known_for(&scratch, &sheets)?;

    let mut writer = ShardWriter::create(output, shards, on_engine::default_graph(iris))?;
    for quad in scratch.quads_for_pattern(None, None, None, None) {
        writer.write(quad?.as_ref())?;
    }
    let (mut articles, mut reference_sheets, mut claims) = (0, 0, 0);
    for group in sheets.chunks(import::PREPARE_GROUP) {
        for (sheet, prepared) in group
            .iter()
            .zip(import::prepare_all(&scratch, group, &known))
        {
            match prepared {
                Ok(import::Prepared { contribution, .. }) => {
                    if failures.is_empty() {
                        for quad in contribution.quads() {
                            writer.write(quad.as_ref())?;
                        }
                    }
                    match contribution.article {
                        Some(_) => articles += 1,
                        None => reference_sheets += 1,
                    }
                    claims += contribution.claims;
                }
                Err(SheetImportError::Invalid(message)) => failures.push(Failure {
                    path: sheet.origin.path.clone(),
                    message,
                }),
                Err(SheetImportError::Store(e)) => return Err(e.into()),
            }
        }
    }
    if !failures.is_empty() {
        // The writer, dropped unfinished, takes its partial folder with it.
        return Err(PrepareError::Refused(failures));
    }
    Ok(PrepareSummary {
        articles,
        reference_sheets,
        rdf_files: rdf_loaded,
        claims,
        shards: writer.finish()?,
        elapsed: started.elapsed(),
    })
}
