//! `claimgraph serve --site DIR`: pages answered from a build the server keeps current,
//! never from a build older than the store.

mod common;
mod server_support;

use std::path::Path;
use std::time::{Duration, Instant};

use server_support::{agent, fetch, ServeProcess};

const READY: &str = "pages are served from the build";

/// Waits (bounded) until the server's log says `times` builds have become current
/// after the first line holding `after` (from the start when empty).
fn wait_for_builds(log: &Path, times: usize, after: &str) {
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if let Some(start) = text.find(after) {
            if text[start..].matches(READY).count() >= times {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the build did not become current in time; the log:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn pages_come_from_the_build_while_it_is_current_and_from_the_store_after_an_import() {
    let work = tempfile::tempdir().unwrap();
    let (store, site, watched, log) = (
        work.path().join("store"),
        work.path().join("site"),
        work.path().join("watched"),
        work.path().join("serve.log"),
    );
    std::fs::create_dir(&watched).unwrap();
    let server = ServeProcess::start_logged(
        &store,
        &[
            "--site",
            site.to_str().unwrap(),
            "--watch",
            watched.to_str().unwrap(),
            "--no-page-cache",
        ],
        &log,
    );
    wait_for_builds(&log, 1, "");

    // What the build wrote is what a reader gets.
    let listing = |path: &str| {
        let (status, _, body) = fetch(agent().get(&server.url(&format!("/{path}"))));
        assert_eq!(status, 200, "{path}: {body}");
        body
    };
    let file = |path: &str| std::fs::read_to_string(site.join(path)).unwrap();
    assert_eq!(listing("claims.html"), file("claims.html"));

    // And it comes from the file: a page changed on disk is served as changed.
    let article_page = std::fs::read_dir(site.join("id/article"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".html"))
        .min()
        .expect("the seed site has article pages");
    let article_path = format!("id/article/{article_page}");
    let original = file(&article_path);
    std::fs::write(site.join(&article_path), "<p>marker</p>").unwrap();
    assert_eq!(listing(&article_path), "<p>marker</p>");
    std::fs::write(site.join(&article_path), &original).unwrap();
    // A file in the folder that the build did not write is never served.
    std::fs::write(site.join("stray.html"), "<p>stray</p>").unwrap();
    let (status, ..) = fetch(agent().get(&server.url("/stray.html")));
    assert_eq!(status, 404);

    // An import: from then on no page of the older build is served as current.
    for f in ["entities.toml", "acme-hosting.toml"] {
        std::fs::copy(common::fixture("mini").join(f), watched.join(f)).unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, _, body) = fetch(agent().get(&server.url("/claims.html")));
        assert_eq!(status, 200, "{body}");
        if body.contains("acme-hosting") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the import never reached the claims list"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // The build after the article's import (the reference sheet may have been
    // imported, and built, on its own before).
    wait_for_builds(&log, 1, "acme-hosting.toml");
    let claims = listing("claims.html");
    assert!(claims.contains("acme-hosting"));
    assert_eq!(claims, file("claims.html"));
    assert_eq!(
        listing("id/article/acme-hosting.html"),
        file("id/article/acme-hosting.html")
    );
}
