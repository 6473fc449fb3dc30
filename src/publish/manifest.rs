//! The build manifest: what the last complete build wrote into a site folder and the
//! state of the store it rendered, so the next build re-renders only what changed.
//!
//! The manifest is written last, to a temporary file renamed over the old one, so it
//! only ever describes a finished build. Before an incremental build writes or removes
//! anything, it records the paths it is about to touch in a pending file
//! ([`Pending`]); a build that is cut off leaves that file behind, and the next build
//! renders those paths again whatever else it finds, so a page written from a state
//! no manifest describes is never kept as fresh.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::publish::changes::StoreState;
use crate::publish::render::RenderError;

/// The manifest's file name in the site folder.
pub const MANIFEST_FILE: &str = ".claimgraph-build.json";
/// The pending file's name in the site folder.
pub const PENDING_FILE: &str = ".claimgraph-build-pending";
/// Moved on whenever the manifest's meaning changes; another version means a full build.
const FORMAT: u32 = 1;

/// Whether `path` (relative to a site folder, `/` between names) is one of the build's
/// records for the next build (manifest, pending file, kept rows), not part of the site.
pub fn is_build_record(path: &str) -> bool {
    use crate::publish::kept_rows::{KEPT_ENTITIES_DIR, KEPT_ROWS_FILE};
    [MANIFEST_FILE, PENDING_FILE, KEPT_ROWS_FILE].contains(&path)
        || path
            .strip_prefix(KEPT_ENTITIES_DIR)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// What one build rendered, and from what.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Manifest {
    pub format: u32,
    /// The binary that rendered the pages ([`renderer_fingerprint`]).
    pub renderer: String,
    pub base: String,
    pub page_size: usize,
    /// Which store the pages were rendered from.
    pub store: String,
    /// Every path written, sorted.
    pub paths: Vec<String>,
    /// Article IRI -> its content hash and the stems its contribution named.
    pub articles: BTreeMap<String, ArticleRecord>,
    /// The stems `ArticleRecord::footprint` indexes into.
    pub stems: Vec<String>,
    /// Resource IRI -> digest of its derived triples.
    pub derived: HashMap<String, u64>,
    /// Entity IRI -> digest of its own description.
    pub entities: HashMap<String, u64>,
    /// Each list page's path -> digest of what its template is given.
    pub lists: HashMap<String, u64>,
    /// The stamp of the rows this build kept beside it ([`crate::publish::kept_rows`]).
    #[serde(default)]
    pub rows_stamp: String,
    /// Entity stem -> the stamp of the rows kept for it
    /// ([`crate::publish::kept_rows::EntityKeeping`]).
    #[serde(default)]
    pub entity_rows: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct ArticleRecord {
    pub hash: String,
    /// Indexes into [`Manifest::stems`].
    pub footprint: Vec<u32>,
}

/// Why a build renders everything rather than what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FullReason {
    Asked,
    NoManifest,
    Unreadable(String),
    OtherRenderer,
    OtherStore,
    OtherSettings,
    EntityChanged(String),
}

impl std::fmt::Display for FullReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FullReason::Asked => write!(f, "asked for"),
            FullReason::NoManifest => write!(f, "no manifest of an earlier build"),
            FullReason::Unreadable(why) => write!(f, "the manifest is unreadable: {why}"),
            FullReason::OtherRenderer => write!(f, "built by another version of claimgraph"),
            FullReason::OtherStore => write!(f, "built from another store"),
            FullReason::OtherSettings => write!(f, "built with another base or page size"),
            FullReason::EntityChanged(iri) => {
                write!(f, "the description of entity {iri} changed")
            }
        }
    }
}

impl Manifest {
    /// A manifest for pages rendered with these settings, the rest left empty.
    pub fn new(base: &str, page_size: usize, store: &str) -> Manifest {
        Manifest {
            format: FORMAT,
            renderer: renderer_fingerprint(),
            base: base.to_owned(),
            page_size,
            store: store.to_owned(),
            ..Manifest::default()
        }
    }

    /// The manifest in `out`, checked against the settings of `fresh` (a manifest
    /// made by [`Manifest::new`]); the reason for a full build when it cannot serve.
    pub fn load(out: &Path, fresh: &Manifest) -> Result<Manifest, FullReason> {
        let path = out.join(MANIFEST_FILE);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(FullReason::NoManifest)
            }
            Err(e) => return Err(FullReason::Unreadable(e.to_string())),
        };
        let old: Manifest =
            serde_json::from_slice(&bytes).map_err(|e| FullReason::Unreadable(e.to_string()))?;
        if old.format != FORMAT || old.renderer != fresh.renderer {
            return Err(FullReason::OtherRenderer);
        }
        if old.store != fresh.store {
            return Err(FullReason::OtherStore);
        }
        if old.base != fresh.base || old.page_size != fresh.page_size {
            return Err(FullReason::OtherSettings);
        }
        Ok(old)
    }

    /// The paths the manifest in `out` lists, whatever its version or settings (empty
    /// when there is none): a full build removes those it no longer writes.
    pub fn paths_of_any(out: &Path) -> Vec<String> {
        #[derive(Deserialize)]
        struct PathsOnly {
            paths: Vec<String>,
        }
        std::fs::read(out.join(MANIFEST_FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<PathsOnly>(&bytes).ok())
            .map(|m| m.paths)
            .unwrap_or_default()
    }

    /// Records the store's state and each article's footprint (`footprints`, article
    /// IRI -> stems).
    pub fn record(&mut self, state: StoreState, footprints: BTreeMap<String, BTreeSet<String>>) {
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut stems = Vec::new();
        for (article, hash) in state.articles {
            let footprint = footprints
                .get(&article)
                .into_iter()
                .flatten()
                .map(|stem| {
                    *index.entry(stem.clone()).or_insert_with(|| {
                        stems.push(stem.clone());
                        (stems.len() - 1) as u32
                    })
                })
                .collect();
            self.articles
                .insert(article, ArticleRecord { hash, footprint });
        }
        self.stems = stems;
        self.derived = state.derived;
        self.entities = state.entities;
    }

    /// Whether the store is still in `state` as this manifest's build rendered it: the
    /// same articles with the same content hashes, the same derived triples and entity
    /// descriptions. Then every page the build wrote is still what a full build writes.
    pub fn rendered_state(&self, state: &StoreState) -> bool {
        self.articles.len() == state.articles.len()
            && state
                .articles
                .iter()
                .all(|(article, hash)| self.articles.get(article).is_some_and(|r| &r.hash == hash))
            && self.derived == state.derived
            && self.entities == state.entities
    }

    /// The stems an article's contribution named when this manifest was written.
    pub fn footprint(&self, article: &str) -> impl Iterator<Item = &str> {
        self.articles
            .get(article)
            .into_iter()
            .flat_map(|r| r.footprint.iter())
            .filter_map(|&i| self.stems.get(i as usize).map(String::as_str))
    }

    /// Writes the manifest into `out` in one step (a temporary file renamed).
    pub fn save(&self, out: &Path) -> Result<(), RenderError> {
        let bytes = serde_json::to_vec(self).map_err(|e| RenderError::Io {
            path: out.join(MANIFEST_FILE).display().to_string(),
            source: std::io::Error::other(e),
        })?;
        write_atomically(&out.join(MANIFEST_FILE), &bytes)
    }

    /// Removes the manifest from `out` (a full build starts so: what it leaves behind
    /// when cut off is never taken for a finished build).
    pub fn remove(out: &Path) -> Result<(), RenderError> {
        remove_if_present(&out.join(MANIFEST_FILE))
    }
}

/// What a manifest records as the store a site was built from: the engine's endpoint,
/// a throwaway in-memory store, or the store folder's canonical path. A build from
/// another of them is a full one ([`FullReason::OtherStore`]), so an engine build
/// followed by a build from the embedded store is never taken for an incremental one.
pub fn store_id(endpoint: Option<&str>, memory: bool, folder: &Path) -> String {
    match (endpoint, memory) {
        (Some(endpoint), _) => format!("endpoint {endpoint}"),
        (None, true) => "memory".to_owned(),
        (None, false) => std::fs::canonicalize(folder)
            .unwrap_or_else(|_| folder.to_owned())
            .display()
            .to_string(),
    }
}

/// The paths an unfinished build was about to write or remove.
pub struct Pending;

impl Pending {
    /// The paths a build cut off left in `out` (none when it finished).
    pub fn read(out: &Path) -> Vec<String> {
        std::fs::read_to_string(out.join(PENDING_FILE))
            .map(|text| text.lines().map(str::to_owned).collect())
            .unwrap_or_default()
    }

    /// Records `paths` as about to change, durably, before any of them does.
    pub fn write<'p>(
        out: &Path,
        paths: impl Iterator<Item = &'p String>,
    ) -> Result<(), RenderError> {
        let mut text = String::new();
        for p in paths {
            text.push_str(p);
            text.push('\n');
        }
        write_atomically(&out.join(PENDING_FILE), text.as_bytes())
    }

    /// Clears the record once the manifest describes the finished build.
    pub fn clear(out: &Path) -> Result<(), RenderError> {
        remove_if_present(&out.join(PENDING_FILE))
    }
}

/// Identifies the binary that renders: its version and the executable's size and
/// modification time (templates and assets are compiled into it), so a rebuilt
/// claimgraph renders everything again.
pub fn renderer_fingerprint() -> String {
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            format!("{}:{modified}", m.len())
        })
        .unwrap_or_else(|_| "unknown".to_owned());
    format!("{}:{exe}", env!("CARGO_PKG_VERSION"))
}

fn io_error(path: &Path, source: std::io::Error) -> RenderError {
    RenderError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Writes `bytes` to `path` through a synced temporary file renamed over it.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), RenderError> {
    write_atomically_with(path, |file| file.write_all(bytes))
}

/// Writes what `write` writes to `path` through a synced temporary file renamed over it.
pub(crate) fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> Result<(), RenderError> {
    let partial = path.with_extension("partial");
    let file = std::fs::File::create(&partial).map_err(|e| io_error(&partial, e))?;
    let mut writer = std::io::BufWriter::new(file);
    write(&mut writer)
        .and_then(|()| writer.flush())
        .and_then(|()| writer.get_ref().sync_all())
        .map_err(|e| io_error(&partial, e))?;
    std::fs::rename(&partial, path).map_err(|e| io_error(path, e))
}

pub(crate) fn remove_if_present(path: &Path) -> Result<(), RenderError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error(path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_from_an_engine_names_its_endpoint_not_the_store_folder() {
        let folder = Path::new("claimgraph-store");
        let engine = store_id(Some("http://127.0.0.1:8890/sparql"), false, folder);
        assert_eq!(engine, "endpoint http://127.0.0.1:8890/sparql");
        assert_ne!(engine, store_id(None, false, folder));
        assert_ne!(
            engine,
            store_id(Some("http://127.0.0.1:8891/sparql"), false, folder)
        );
        assert_eq!(store_id(None, true, folder), "memory");
        // A manifest from the engine build makes the embedded build a full one.
        let fresh = Manifest::new(
            "https://claimgraph.example/",
            100,
            &store_id(None, false, folder),
        );
        let out = tempfile::tempdir().unwrap();
        Manifest::new("https://claimgraph.example/", 100, &engine)
            .save(out.path())
            .unwrap();
        assert_eq!(
            Manifest::load(out.path(), &fresh).err(),
            Some(FullReason::OtherStore)
        );
    }
}
