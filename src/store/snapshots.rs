//! What other processes see of an on-disk store while one process writes it.
//!
//! Oxigraph's read-only open of a RocksDB folder that another process is writing is
//! undefined behaviour: compaction deletes table files a reader still needs ("IO error:
//! No such file or directory …sst"), and a batch import is visible between its two
//! phases (quads committed, statuses not yet derived). So readers never open the live
//! folder. After each complete import the writer **publishes** a RocksDB checkpoint
//! (hard links, so it costs little disk and time) under `published/` in the store
//! folder; readers open the newest one read-only and hold a shared lock on it, and the
//! writer deletes an older checkpoint only when no reader holds it.
//!
//! A batch import also leaves a **marker** (`IMPORT-IN-PROGRESS`) from before its first
//! write until its statuses are derived and published, naming its articles and files.
//! The writer holds an exclusive lock on it, so a reader can tell an import that is
//! running (lock held: the published checkpoint is the consistent view) from one that
//! was killed (lock free: `stats`, `check` and `verify` fail and name its articles).
//! The next process that opens the store for writing finishes the killed import's work
//! (derives every status and publishes), and removes the Oxigraph bulk loader's
//! leftover `bulk-*.sst` files.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The folder, inside the store folder, that holds the published checkpoints.
const PUBLISHED: &str = "published";
/// The marker file of a batch import in progress.
const MARKER: &str = "IMPORT-IN-PROGRESS";
/// The lock file inside each published checkpoint that its readers hold shared.
const READERS_LOCK: &str = "READERS.lock";
/// How often a reader picks again when the checkpoint it picked was deleted under it.
const PICK_ATTEMPTS: usize = 20;

/// The published checkpoints in `store_dir`, oldest first (complete ones only).
fn published(store_dir: &Path) -> Vec<(u64, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(store_dir.join(PUBLISHED)) else {
        return Vec::new();
    };
    let mut found: Vec<(u64, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name();
            let seq = name.to_str()?.parse::<u64>().ok()?;
            Some((seq, e.path()))
        })
        .collect();
    found.sort();
    found
}

/// Whether a checkpoint of `store_dir` was ever published.
pub fn has_published(store_dir: &Path) -> bool {
    !published(store_dir).is_empty()
}

/// Publishes a checkpoint of `store` (whose folder is `store_dir`) for readers, then
/// deletes the older checkpoints no reader holds.
pub fn publish(store: &oxigraph::store::Store, store_dir: &Path) -> std::io::Result<()> {
    let folder = store_dir.join(PUBLISHED);
    std::fs::create_dir_all(&folder)?;
    let next = published(store_dir).last().map_or(1, |(seq, _)| seq + 1);
    let partial = folder.join(format!("{next:020}.partial"));
    if partial.exists() {
        std::fs::remove_dir_all(&partial)?;
    }
    store.backup(&partial).map_err(std::io::Error::other)?;
    File::create(partial.join(READERS_LOCK))?.sync_all()?;
    // Readers only ever see a complete checkpoint: it appears under its final name at once.
    std::fs::rename(&partial, folder.join(format!("{next:020}")))?;
    collect_garbage(store_dir, next);
    Ok(())
}

/// Deletes checkpoints older than `keep` that no reader holds, and unfinished ones.
fn collect_garbage(store_dir: &Path, keep: u64) {
    for (seq, path) in published(store_dir) {
        if seq >= keep {
            continue;
        }
        let Ok(lock) = File::open(path.join(READERS_LOCK)) else {
            let _ = std::fs::remove_dir_all(&path);
            continue;
        };
        // A reader holds it shared: it stays until a later publication finds it free.
        if lock.try_lock().is_ok() {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
    if let Ok(entries) = std::fs::read_dir(store_dir.join(PUBLISHED)) {
        for e in entries.filter_map(Result::ok) {
            if e.file_name().to_string_lossy().ends_with(".partial") {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
}

/// The newest published checkpoint of `store_dir`, locked for reading (the lock lives
/// as long as the returned file), or `None` when nothing was ever published.
pub fn pick_for_reading(store_dir: &Path) -> std::io::Result<Option<(PathBuf, File)>> {
    for _ in 0..PICK_ATTEMPTS {
        let Some((_, path)) = published(store_dir).pop() else {
            return Ok(None);
        };
        let Ok(lock) = File::open(path.join(READERS_LOCK)) else {
            continue; // deleted since it was listed: pick again
        };
        match lock.try_lock_shared() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => continue, // being deleted
            Err(TryLockError::Error(e)) => return Err(e),
        }
        // The lock may have been taken on a file already unlinked with its folder.
        if path.join("CURRENT").exists() {
            return Ok(Some((path, lock)));
        }
    }
    Err(std::io::Error::other(
        "the store's published checkpoints kept changing while picking one; try again",
    ))
}

/// Removes what the bulk loader of a killed import left in the store folder. Only the
/// writer calls it, holding the store's lock, so no live loader owns these files.
pub fn remove_leftover_bulk_files(store_dir: &Path) -> std::io::Result<usize> {
    let mut removed = 0;
    for e in std::fs::read_dir(store_dir)?.filter_map(Result::ok) {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("bulk-") && name.ends_with(".sst") {
            std::fs::remove_file(e.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// The marker of a batch import, held (locked) by the importing process.
pub struct ImportMarker {
    path: PathBuf,
    _lock: File,
}

impl ImportMarker {
    /// Writes the marker naming the batch's `articles` and `files`, before anything of
    /// the batch is written to the store.
    pub fn begin(
        store_dir: &Path,
        articles: &[String],
        files: &[PathBuf],
    ) -> std::io::Result<Self> {
        let path = store_dir.join(MARKER);
        // Written and locked under another name, then renamed: a reader never finds a
        // marker that is unlocked because it is still being written.
        let fresh = store_dir.join(format!("{MARKER}.new"));
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .open(&fresh)?;
        file.lock()?;
        let mut text = format!("claimgraph import by process {}\n", std::process::id());
        for a in articles {
            text.push_str(&format!("article {a}\n"));
        }
        for f in files {
            text.push_str(&format!("file {}\n", f.display()));
        }
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&fresh, &path)?;
        Ok(ImportMarker { path, _lock: file })
    }

    /// Removes the marker: the import's work is complete and published.
    pub fn finish(self) -> std::io::Result<()> {
        std::fs::remove_file(&self.path)
    }
}

/// A batch import that stopped before its statuses were derived and published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterruptedImport {
    pub articles: Vec<String>,
    pub files: Vec<String>,
}

impl std::fmt::Display for InterruptedImport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "an import was interrupted before it finished: {} article(s) of it may be missing or lack their derived statuses",
            self.articles.len()
        )?;
        if !self.articles.is_empty() {
            write!(f, " ({})", self.articles.join(", "))?;
        }
        if self.articles.is_empty() && !self.files.is_empty() {
            write!(f, " (files: {})", self.files.join(", "))?;
        }
        write!(
            f,
            "; opening the store for writing (`claimgraph import` of those sheets) finishes the derivation, and re-importing them imports what is missing"
        )
    }
}

/// What the marker in `store_dir` says, seen from a reader: `None` when no import is
/// pending or one is running right now (its lock is held), the killed import otherwise.
pub fn interrupted_import(store_dir: &Path) -> Option<InterruptedImport> {
    let path = store_dir.join(MARKER);
    let file = File::open(&path).ok()?;
    match file.try_lock_shared() {
        Ok(()) => {}
        Err(_) => return None, // a live import holds it
    }
    parse_marker(&std::fs::read_to_string(&path).ok()?)
}

/// The interrupted import a marker left, from the marker file in `store_dir`, for the
/// writer (which holds the store's lock, so no import is running).
pub fn leftover_marker(store_dir: &Path) -> Option<InterruptedImport> {
    parse_marker(&std::fs::read_to_string(store_dir.join(MARKER)).ok()?)
}

/// Removes a killed import's marker once its work is finished.
pub fn clear_marker(store_dir: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(store_dir.join(MARKER)) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

fn parse_marker(text: &str) -> Option<InterruptedImport> {
    let mut interrupted = InterruptedImport {
        articles: Vec::new(),
        files: Vec::new(),
    };
    for line in text.lines() {
        if let Some(a) = line.strip_prefix("article ") {
            interrupted.articles.push(a.to_owned());
        } else if let Some(f) = line.strip_prefix("file ") {
            interrupted.files.push(f.to_owned());
        }
    }
    Some(interrupted)
}
