//! The rows of the whole-store queries a build reads for the site's lists and search
//! index (`page-entities`, `page-articles`, `page-documents`, `page-claims`,
//! `page-search-claims`: a row or more for every resource of the store), kept in the site
//! folder beside the manifest, so that an incremental build reads from the store only
//! the rows of the resources a change reached and takes the others from here.
//!
//! The rows an entity's pages are made of ([`crate::read::view::entity::EntityRows`]:
//! the index of its claims, its relations and their answers) are kept the same way, one
//! file per entity with more than one page, so that an incremental build
//! patches a large entity's rows with those of the claims a change reached instead of
//! reading every claim it takes part in ([`EntityKeeping`]).
//!
//! Terms are kept in their N-Triples form. The file carries a stamp that the manifest
//! written after it repeats: a build cut off between the two leaves a stamp no manifest
//! names, and the rows are read from the store again.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use oxigraph::model::Term;
use serde::{Deserialize, Serialize};

use crate::publish::manifest::Manifest;
use crate::publish::render::RenderError;
use crate::read::catalog::Table;
use crate::read::kept::Kept;

/// How many bytes of patched claims downloads a build holds for the entities' pages.
const KEPT_CLAIMS_BYTES: usize = 256 << 20;

/// The file's name in the site folder.
pub const KEPT_ROWS_FILE: &str = ".claimgraph-rows.json";

/// The rows of each kept query, by the query's name.
#[derive(Debug, Default, Clone)]
pub struct KeptRows {
    pub tables: BTreeMap<String, Table>,
}

#[derive(Deserialize)]
struct Stored {
    stamp: String,
    tables: BTreeMap<String, StoredTable>,
}

#[derive(Deserialize)]
struct StoredTable {
    variables: Vec<String>,
    rows: Vec<Vec<Option<String>>>,
}

/// What [`Stored`] reads, written from the tables as they are: each term is spelled out
/// only as it is written, so saving holds no second copy of the rows.
#[derive(Serialize)]
struct StoredOut<'a> {
    stamp: &'a str,
    tables: BTreeMap<&'a str, TableOut<'a>>,
}

#[derive(Serialize)]
struct TableOut<'a> {
    variables: &'a [String],
    rows: RowsOut<'a>,
}

struct RowsOut<'a>(&'a [Vec<Option<Term>>]);

impl Serialize for RowsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|row| CellsOut(row)))
    }
}

struct CellsOut<'a>(&'a [Option<Term>]);

impl Serialize for CellsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|c| c.as_ref().map(Term::to_string)))
    }
}

impl KeptRows {
    /// The rows kept in `out` with the stamp `stamp` (the last finished build's);
    /// `None` when there are none, another build's, or any term fails to parse.
    pub fn load(out: &Path, stamp: &str) -> Option<KeptRows> {
        Self::load_file(&out.join(KEPT_ROWS_FILE), stamp)
    }

    fn load_file(path: &Path, stamp: &str) -> Option<KeptRows> {
        let bytes = std::fs::read(path).ok()?;
        let stored: Stored = serde_json::from_slice(&bytes).ok()?;
        if stamp.is_empty() || stored.stamp != stamp {
            return None;
        }
        let mut tables = BTreeMap::new();
        for (name, table) in stored.tables {
            let rows = table
                .rows
                .into_iter()
                .map(|row| {
                    row.into_iter()
                        .map(|cell| cell.map(|t| Term::from_str(&t)).transpose())
                        .collect::<Result<Vec<_>, _>>()
                })
                .collect::<Result<Vec<_>, _>>()
                .ok()?;
            tables.insert(
                name,
                Table {
                    variables: table.variables,
                    rows,
                },
            );
        }
        Some(KeptRows { tables })
    }

    /// Writes `tables` (query name, rows) into `out` under `stamp`, in one step (a
    /// temporary file renamed).
    pub fn save(out: &Path, stamp: &str, tables: &[(&str, &Table)]) -> Result<(), RenderError> {
        let path = out.join(KEPT_ROWS_FILE);
        crate::publish::manifest::write_atomically_with(&path, |file| {
            serde_json::to_writer(InertJson(file), &stored_out(stamp, tables))
                .map_err(std::io::Error::other)
        })
    }

    /// Removes the kept rows from `out`.
    pub fn remove(out: &Path) -> Result<(), RenderError> {
        crate::publish::manifest::remove_if_present(&out.join(KEPT_ROWS_FILE))
    }
}

fn stored_out<'a>(stamp: &'a str, tables: &'a [(&'a str, &'a Table)]) -> StoredOut<'a> {
    StoredOut {
        stamp,
        tables: tables
            .iter()
            .map(|(name, table)| {
                let table = TableOut {
                    variables: &table.variables,
                    rows: RowsOut(&table.rows),
                };
                (*name, table)
            })
            .collect(),
    }
}

/// The folder in the site folder that holds the kept rows of each large entity.
pub const KEPT_ENTITIES_DIR: &str = ".claimgraph-entities";

/// The file of the entity whose page stem is `stem` (`id/org/x`; stems hold no dots).
fn entity_file(out: &Path, stem: &str) -> std::path::PathBuf {
    out.join(KEPT_ENTITIES_DIR)
        .join(format!("{}.json", stem.replace('/', ".")))
}

/// The tables of the entity with page stem `stem`, kept in `out` under `stamp`; `None`
/// when there are none, another build's, or any term fails to parse.
pub fn load_entity(out: &Path, stem: &str, stamp: &str) -> Option<BTreeMap<String, Table>> {
    KeptRows::load_file(&entity_file(out, stem), stamp).map(|kept| kept.tables)
}

/// Keeps `tables` (name, rows) of the entity with page stem `stem` in `out` under
/// `stamp`, through a temporary file of its own renamed into place. Not
/// synced: the manifest names the stamp, and a file lost or cut short by a crash fails to
/// parse or carries another stamp, so the entity is read from the store again.
fn save_entity(
    out: &Path,
    stem: &str,
    stamp: &str,
    tables: &[(&str, &Table)],
) -> Result<(), RenderError> {
    let path = entity_file(out, stem);
    let io = |path: &Path, source| RenderError::Io {
        path: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    }
    static WRITING: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITING.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let partial = path.with_extension(format!("partial-{n}"));
    let write = || -> std::io::Result<()> {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&partial)?);
        serde_json::to_writer(InertJson(&mut file), &stored_out(stamp, tables))
            .map_err(std::io::Error::other)?;
        std::io::Write::flush(&mut file)
    };
    write().map_err(|e| io(&partial, e))?;
    std::fs::rename(&partial, &path).map_err(|e| io(&path, e))
}

/// Removes from `out` the kept rows of every entity whose stem is not in `keep`, and any
/// temporary file a build left.
fn remove_entities_but(out: &Path, keep: &BTreeMap<String, String>) -> Result<(), RenderError> {
    let dir = out.join(KEPT_ENTITIES_DIR);
    let kept: std::collections::HashSet<String> = keep
        .keys()
        .map(|stem| format!("{}.json", stem.replace('/', ".")))
        .collect();
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(RenderError::Io {
                path: dir.display().to_string(),
                source,
            })
        }
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !kept.contains(&name) {
            crate::publish::manifest::remove_if_present(&entry.path())?;
        }
    }
    Ok(())
}

/// Writes JSON with `<`, `>` and `&` spelled as escapes (in JSON they occur only inside
/// strings, and never inside a multi-byte character), so the article text kept in the
/// site folder is no markup even where the file is served as a page.
struct InertJson<W>(W);

impl<W: std::io::Write> std::io::Write for InertJson<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut start = 0;
        for (i, byte) in buf.iter().enumerate() {
            let escape: &[u8] = match byte {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                b'&' => b"\\u0026",
                _ => continue,
            };
            self.0.write_all(&buf[start..i])?;
            self.0.write_all(escape)?;
            start = i + 1;
        }
        self.0.write_all(&buf[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// A stamp no earlier build in this folder used: the time and the process.
pub fn new_stamp() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{nanos}-{}", std::process::id())
}

/// What one build keeps of each large entity's rows for the next build, and what an
/// incremental build patches the last build's with.
pub struct EntityKeeping {
    out: PathBuf,
    /// This build's stamp.
    stamp: String,
    /// Stem -> stamp of the rows the last finished build kept (empty in a full build).
    earlier: BTreeMap<String, String>,
    /// The stems among `earlier` that the changes reach: their rows are kept again or
    /// not at all.
    reached: HashSet<String>,
    /// The claims whose rows may have changed since the last build: those among the
    /// stems the changes reach.
    changed: HashSet<Term>,
    /// The entities' downloads (`.claims.json` paths) as the last finished build wrote
    /// them (none an interrupted build may have touched since); empty in a full build.
    downloads: HashSet<String>,
    /// Whether the build renders only what changed since the last one.
    incremental: bool,
    /// Stem -> stamp of the rows this build kept.
    kept: Mutex<BTreeMap<String, String>>,
    /// The claims downloads' rows (`entity-claims`) patched in this build, by page stem,
    /// for the entity's pages to take their cards' rows from, within a budget.
    claims: Kept<String, Table>,
    /// How many entities' rows and downloads this build patched from the last build's.
    patched: AtomicUsize,
    downloads_patched: AtomicUsize,
}

impl EntityKeeping {
    /// Keeping for a full build into `out`: nothing earlier is patched.
    pub fn full(out: &Path) -> EntityKeeping {
        EntityKeeping {
            out: out.to_owned(),
            stamp: new_stamp(),
            earlier: BTreeMap::new(),
            reached: HashSet::new(),
            changed: HashSet::new(),
            downloads: HashSet::new(),
            incremental: false,
            kept: Mutex::new(BTreeMap::new()),
            claims: Kept::new(KEPT_CLAIMS_BYTES),
            patched: AtomicUsize::new(0),
            downloads_patched: AtomicUsize::new(0),
        }
    }

    /// Keeping for an incremental build into `out` after the build `old` describes:
    /// `dirty` are the stems the changes reach, `resolve` makes a claim's stem its IRI,
    /// `pending` are the paths an interrupted build may have touched since.
    pub fn incremental(
        out: &Path,
        old: &Manifest,
        dirty: &HashSet<String>,
        resolve: impl Fn(&str) -> Term,
        pending: &[String],
        download_extension: &str,
    ) -> EntityKeeping {
        let pending: HashSet<&str> = pending.iter().map(String::as_str).collect();
        EntityKeeping {
            earlier: old.entity_rows.clone(),
            reached: old
                .entity_rows
                .keys()
                .filter(|stem| dirty.contains(*stem))
                .cloned()
                .collect(),
            changed: dirty
                .iter()
                .filter(|stem| crate::publish::changes::kind_of(stem) == "claim")
                .map(|stem| resolve(stem))
                .collect(),
            downloads: old
                .paths
                .iter()
                .filter(|p| p.ends_with(download_extension) && !pending.contains(p.as_str()))
                .cloned()
                .collect(),
            incremental: true,
            ..EntityKeeping::full(out)
        }
    }

    /// The claims whose rows may have changed since the last build.
    pub fn changed(&self) -> &HashSet<Term> {
        &self.changed
    }

    /// The tables kept for the entity with page stem `stem`, and whether they are the
    /// last build's (to be patched with the rows of [`Self::changed`]) rather than
    /// this build's own.
    pub fn rows(&self, stem: &str) -> Option<(BTreeMap<String, Table>, bool)> {
        // A full build reads the graph from memory, faster than from a file.
        if self.incremental && self.kept.lock().expect("keeping lock").contains_key(stem) {
            return Some((load_entity(&self.out, stem, &self.stamp)?, false));
        }
        Some((load_entity(&self.out, stem, self.earlier.get(stem)?)?, true))
    }

    /// Keeps `tables` of the entity with page stem `stem` for the next build, unless
    /// this build kept them already (a digest dropped from memory and read again has
    /// the same rows).
    pub fn keep(&self, stem: &str, tables: &[(&str, &Table)]) -> Result<(), RenderError> {
        if self.kept.lock().expect("keeping lock").contains_key(stem) {
            return Ok(());
        }
        save_entity(&self.out, stem, &self.stamp, tables)?;
        self.kept
            .lock()
            .expect("keeping lock")
            .insert(stem.to_owned(), self.stamp.clone());
        Ok(())
    }

    /// The claims download rows patched in this build for page stem `stem`, if still
    /// held.
    pub fn patched_claims(&self, stem: &str) -> Option<Arc<Table>> {
        self.claims.get(0, &stem.to_owned())
    }

    /// Holds `rows`, the patched claims download of page stem `stem`, for its pages.
    pub fn hold_patched_claims(&self, stem: &str, rows: Arc<Table>) {
        self.claims.insert(0, stem.to_owned(), rows);
    }

    /// The download at `path` as the last build wrote it (or this build, whose rows
    /// are the same once patched again), read back into its rows.
    pub fn earlier_download(&self, path: &str) -> Option<Table> {
        if !self.downloads.contains(path) {
            return None;
        }
        let bytes = std::fs::read(self.out.join(path)).ok()?;
        match crate::read::catalog::outcome_from_json(&bytes).ok()? {
            crate::read::catalog::Outcome::Table(table) => Some(table),
            _ => None,
        }
    }

    /// Counts an entity whose rows were patched from the last build's.
    pub fn count_patched(&self) {
        self.patched.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts an entity's download patched from the last build's.
    pub fn count_download_patched(&self) {
        self.downloads_patched.fetch_add(1, Ordering::Relaxed);
    }

    /// How many entities' rows were kept for the next build, how many of them were
    /// patched from the last build's, and how many downloads were patched.
    pub fn counts(&self) -> (usize, usize, usize) {
        (
            self.kept.lock().expect("keeping lock").len(),
            self.patched.load(Ordering::Relaxed),
            self.downloads_patched.load(Ordering::Relaxed),
        )
    }

    /// What the next build finds kept (stem -> stamp): the rows this build kept, and
    /// those the last build kept of entities the changes did not reach that still have
    /// pages (`has_page`). The files of every other entity are removed.
    pub fn finish(
        &self,
        has_page: impl Fn(&str) -> bool,
    ) -> Result<BTreeMap<String, String>, RenderError> {
        let mut kept = std::mem::take(&mut *self.kept.lock().expect("keeping lock"));
        for (stem, stamp) in &self.earlier {
            if !kept.contains_key(stem) && !self.reached.contains(stem) && has_page(stem) {
                kept.insert(stem.clone(), stamp.clone());
            }
        }
        remove_entities_but(&self.out, &kept)?;
        Ok(kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{Literal, NamedNode};

    #[test]
    fn kept_rows_come_back_only_under_their_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let table = Table {
            variables: vec!["claim".into(), "quote".into()],
            rows: vec![
                vec![
                    Some(NamedNode::new_unchecked("https://x.example/id/claim/a/c1").into()),
                    Some(
                        Literal::new_language_tagged_literal_unchecked(
                            "„Unsinn“ <b>&amp;\"x\"\n",
                            "de",
                        )
                        .into(),
                    ),
                ],
                vec![None, Some(Literal::new_simple_literal("plain").into())],
            ],
        };
        KeptRows::save(dir.path(), "one", &[("page-search-claims", &table)]).unwrap();
        let text = std::fs::read_to_string(dir.path().join(KEPT_ROWS_FILE)).unwrap();
        assert!(!text.contains('<') && !text.contains('&'), "{text}");
        let back = KeptRows::load(dir.path(), "one").unwrap();
        assert_eq!(back.tables["page-search-claims"].rows, table.rows);
        assert!(KeptRows::load(dir.path(), "two").is_none());
        assert!(KeptRows::load(dir.path(), "").is_none());
        KeptRows::remove(dir.path()).unwrap();
        assert!(KeptRows::load(dir.path(), "one").is_none());
    }
}
