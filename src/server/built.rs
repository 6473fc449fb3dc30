//! Pages served from a build's output (`serve --site DIR`): the server keeps a static
//! build of the store in `DIR`, made by the renderer `claimgraph build` uses and brought
//! up to date incrementally when the server starts and after every import, and answers
//! a request for an HTML page with the file that build wrote, as long as the build
//! describes the store as it is. Until then, and for every other path, pages are
//! rendered live.
//!
//! Why: a page rendered live costs its reads of the store, which at archive scale is
//! hundreds of milliseconds for the first page of an entity with thousands of claims
//! (and seconds for its first request); a built page costs a file read. The build after
//! an import renders only the pages the import changed ([`crate::publish::manifest`]).
//!
//! Freshness: every change of the store moves the generation on before anything is
//! rebuilt. A build counts only when the generation it started at is still the current
//! one when it ends, and a file is served only when the generation is the build's both
//! before and after it was read, so a page written from an older state, or half written
//! by the next build, is never served.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};

use crate::publish::manifest::Manifest;
use crate::publish::site::{BuildOptions, Rendered, Site};

use super::AppState;

/// The media type of every page served from the build (only HTML pages are).
const HTML: &str = "text/html; charset=utf-8";

/// The build folder the server answers pages from, and how current it is.
pub struct BuiltSite {
    dir: PathBuf,
    /// Names the store in the build's manifest (see [`crate::publish::manifest::store_id`]).
    store_id: String,
    /// Moved on by every change of the store.
    generation: AtomicU64,
    /// The finished build: the generation it describes and the paths it wrote (sorted).
    current: RwLock<Option<(u64, Arc<Vec<String>>)>>,
    /// Set when a build is wanted; the builder thread waits on `wake`.
    wanted: Mutex<bool>,
    wake: Condvar,
}

impl BuiltSite {
    pub fn new(dir: PathBuf, store_id: String) -> Self {
        BuiltSite {
            dir,
            store_id,
            generation: AtomicU64::new(0),
            current: RwLock::new(None),
            wanted: Mutex::new(true),
            wake: Condvar::new(),
        }
    }

    /// The store changed: no built page is served until the next build has ended.
    pub fn store_changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        *self.wanted.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.wake.notify_one();
    }

    /// The build's page at site path `path`, when the build is current and wrote it.
    pub async fn page(&self, path: &str) -> Option<Rendered> {
        if !path.ends_with(".html") {
            return None;
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let paths = {
            let current = self.current.read().unwrap_or_else(|e| e.into_inner());
            match current.as_ref() {
                Some((built, paths)) if *built == generation => Arc::clone(paths),
                _ => return None,
            }
        };
        // Only a path the build wrote: nothing else in the folder is ever served.
        paths.binary_search_by(|p| p.as_str().cmp(path)).ok()?;
        let body = tokio::fs::read(self.dir.join(path)).await.ok()?;
        (self.generation.load(Ordering::SeqCst) == generation).then_some(Rendered {
            media_type: HTML,
            body,
        })
    }

    /// Builds whenever a build is wanted, for as long as the server runs.
    fn run(&self, state: &AppState) {
        // Offline rules, like `claimgraph build`: no listing is cut short by the
        // deadline of a request.
        let site = match Site::new(state.store.iris().clone()) {
            Ok(site) => site.with_query_timeout(None),
            Err(error) => {
                tracing::error!(%error, "cannot build the site: pages are rendered live");
                return;
            }
        };
        loop {
            {
                let mut wanted = self.wanted.lock().unwrap_or_else(|e| e.into_inner());
                while !*wanted {
                    wanted = self.wake.wait(wanted).unwrap_or_else(|e| e.into_inner());
                }
                *wanted = false;
            }
            let generation = self.generation.load(Ordering::SeqCst);
            // The site's own caches hold what it read for the last build.
            site.data_changed();
            let options = BuildOptions {
                clean: false,
                full: false,
                store_id: self.store_id.clone(),
            };
            match site.build_with(&state.store, &self.dir, &options) {
                Ok(report) => {
                    let mut paths = Manifest::paths_of_any(&self.dir);
                    paths.sort_unstable();
                    let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
                    if self.generation.load(Ordering::SeqCst) == generation {
                        *current = Some((generation, Arc::new(paths)));
                        tracing::info!(
                            rendered = report.rendered,
                            total = report.total,
                            seconds = report.elapsed.as_secs_f64(),
                            dir = %self.dir.display(),
                            "pages are served from the build"
                        );
                    }
                }
                Err(error) => {
                    tracing::error!(%error, dir = %self.dir.display(),
                        "building the site failed: pages are rendered live");
                }
            }
        }
    }
}

/// Starts the thread that keeps `state`'s build folder current (none without one).
pub fn spawn_builder(state: &Arc<AppState>) {
    let Some(built) = state.built.clone() else {
        return;
    };
    let state = Arc::clone(state);
    std::thread::Builder::new()
        .name("site-builder".into())
        .spawn(move || built.run(&state))
        .map(|_| ())
        .unwrap_or_else(|error| tracing::error!(%error, "cannot start the site builder"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(built: &BuiltSite, path: &str) -> Option<String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime
            .block_on(built.page(path))
            .map(|p| String::from_utf8(p.body).unwrap())
    }

    #[test]
    fn a_built_page_is_served_only_while_its_build_describes_the_store() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.html", "b.html", "a.ttl"] {
            std::fs::write(dir.path().join(name), name).unwrap();
        }
        let built = BuiltSite::new(dir.path().to_path_buf(), String::new());
        assert_eq!(page(&built, "a.html"), None, "no build has ended yet");
        let paths = Arc::new(vec!["a.html".to_owned(), "a.ttl".to_owned()]);
        *built.current.write().unwrap() = Some((0, paths));
        assert_eq!(page(&built, "a.html").as_deref(), Some("a.html"));
        assert_eq!(page(&built, "b.html"), None, "not written by the build");
        assert_eq!(page(&built, "a.ttl"), None, "only HTML pages");
        built.store_changed();
        assert_eq!(page(&built, "a.html"), None, "the store moved on");
        assert!(*built.wanted.lock().unwrap(), "and a build is wanted");
    }
}
