//! Importing while serving: `claimgraph serve --watch DIR` re-imports claim sheets that
//! change under DIR, without a restart.
//!
//! [`Watcher`] polls the folder (no platform file-event API, so it behaves the same
//! everywhere, network drives included) and waits until a change has settled for one
//! poll interval, so a sheet caught half-saved is not imported. A changed `.toml` is
//! re-imported; a changed article text (`text_file`) re-imports the sheets beside it
//! that name it. Each sheet goes in through [`import_sheet_live`]: one transaction that
//! replaces what the sheet contributed and re-derives every claim status, so readers
//! (whose queries each run on one snapshot) see the old article or the new one, never
//! half of it. A bad sheet is logged with its file, line and field and the server goes
//! on answering from what it had. Removing a sheet does not remove its article.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::model::sheet::Sheet;
use crate::store::{GraphStore, ReplaceReport, StoreError};
use crate::write::import;

/// Why one sheet could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum LiveImportError {
    /// The sheet is wrong; the message names its file, line and field.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a live import changed.
#[derive(Debug, Clone)]
pub struct LiveImport {
    pub article: Option<String>,
    pub claims: usize,
    pub report: ReplaceReport,
}

/// Validates one sheet against the store and replaces its contribution, statuses
/// re-derived in the same transaction.
pub fn import_sheet_live(store: &GraphStore, path: &Path) -> Result<LiveImport, LiveImportError> {
    let sheet = Sheet::read(path).map_err(|e| LiveImportError::Invalid(e.to_string()))?;
    let known = import::known_for(store, std::slice::from_ref(&sheet))?;
    let (contribution, report) =
        import::import_sheet(store, &sheet, &known).map_err(|e| match e {
            import::SheetImportError::Invalid(message) => LiveImportError::Invalid(message),
            import::SheetImportError::Store(e) => LiveImportError::from(e),
        })?;
    store.flush()?;
    Ok(LiveImport {
        article: contribution.article.clone(),
        claims: contribution.claims,
        report,
    })
}

/// A file's identity for change detection.
type Stamp = (Option<SystemTime>, u64);

/// Polls a folder and imports the sheets that changed.
pub struct Watcher {
    dir: PathBuf,
    /// The folder as of the last import.
    imported: BTreeMap<PathBuf, Stamp>,
    /// The folder as of the last poll (a change is imported once two polls agree).
    last_seen: BTreeMap<PathBuf, Stamp>,
}

impl Watcher {
    /// Starts from the folder as it is now (already imported by the caller).
    pub fn new(dir: PathBuf) -> Self {
        let now = scan(&dir);
        Watcher {
            dir,
            imported: now.clone(),
            last_seen: now,
        }
    }

    /// One poll: returns the sheets to import now (changes that have settled).
    pub fn poll(&mut self) -> Vec<PathBuf> {
        let current = scan(&self.dir);
        if current != self.last_seen {
            self.last_seen = current;
            return Vec::new();
        }
        if current == self.imported {
            return Vec::new();
        }
        let changed: Vec<&PathBuf> = current
            .iter()
            .filter(|(p, stamp)| self.imported.get(*p) != Some(stamp))
            .map(|(p, _)| p)
            .collect();
        for gone in self
            .imported
            .keys()
            .filter(|p| !current.contains_key(*p) && is_sheet(p))
        {
            tracing::warn!(path = %gone.display(), "sheet removed; its article stays in the store until it is re-imported or the store rebuilt");
        }
        let mut sheets: Vec<PathBuf> = Vec::new();
        for path in changed {
            if is_sheet(path) {
                sheets.push(path.clone());
            } else {
                sheets.extend(sheets_reading(path));
            }
        }
        sheets.sort();
        sheets.dedup();
        // Reference sheets (entities only) first: articles dropped in with them use them.
        sheets.sort_by_key(|p| Sheet::read(p).map(|s| s.article.is_some()).unwrap_or(true));
        self.imported = current;
        sheets
    }

    /// Polls every `interval` until `stop` is set, importing into `store`; logs each result.
    /// `changed` is called after each import that changed the store.
    pub fn run(
        mut self,
        store: &GraphStore,
        interval: Duration,
        stop: &AtomicBool,
        changed: impl Fn(),
    ) {
        tracing::info!(dir = %self.dir.display(), "watching for changed sheets");
        while !stop.load(Ordering::Relaxed) {
            std::thread::sleep(interval);
            for path in self.poll() {
                // Told before as well as after: a build that reads the store while the
                // import writes must not count as current once it ends (it may hold
                // none, or part, of the article).
                changed();
                let imported = import_sheet_live(store, &path);
                if imported.is_ok() {
                    changed();
                }
                match imported {
                    Ok(done) => tracing::info!(
                        path = %path.display(),
                        article = done.article.as_deref().unwrap_or("-"),
                        claims = done.claims,
                        inserted = done.report.inserted,
                        removed = done.report.removed,
                        "re-imported"
                    ),
                    Err(e) => tracing::error!(path = %path.display(), "not imported: {e}"),
                }
            }
        }
    }
}

/// Runs a [`Watcher`] on its own thread until `stop` is set.
pub fn spawn(
    state: Arc<super::AppState>,
    dir: PathBuf,
    interval: Duration,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    let watcher = Watcher::new(dir);
    std::thread::spawn(move || watcher.run(&state.store, interval, &stop, || state.store_changed()))
}

fn is_sheet(p: &Path) -> bool {
    p.extension().and_then(|e| e.to_str()) == Some("toml")
}

/// Every file under `dir` with its modification time and size.
fn scan(dir: &Path) -> BTreeMap<PathBuf, Stamp> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                stack.push(path);
            } else if !path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'))
            {
                out.insert(path, (meta.modified().ok(), meta.len()));
            }
        }
    }
    out
}

/// The sheets beside `text` whose article reads it as its `text_file`.
fn sheets_reading(text: &Path) -> Vec<PathBuf> {
    let (Some(dir), Some(name)) = (text.parent(), text.file_name().and_then(|n| n.to_str())) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| is_sheet(p))
        .filter(|p| {
            Sheet::read(p)
                .ok()
                .and_then(|s| s.article)
                .and_then(|a| a.text_file)
                .is_some_and(|f| f.get_ref() == name)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_is_imported_once_it_has_settled() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.toml"), "x").unwrap();
        let mut w = Watcher::new(dir.path().to_path_buf());
        assert!(w.poll().is_empty(), "nothing changed");
        std::fs::write(dir.path().join("b.toml"), "y").unwrap();
        assert!(w.poll().is_empty(), "a fresh change waits one poll");
        assert_eq!(w.poll(), vec![dir.path().join("b.toml")]);
        assert!(
            w.poll().is_empty(),
            "imported changes are not imported again"
        );
        std::fs::write(dir.path().join("notes.txt"), "z").unwrap();
        w.poll();
        assert!(w.poll().is_empty(), "a text no sheet reads imports nothing");
    }
}
