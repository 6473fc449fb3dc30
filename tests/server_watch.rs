//! Importing while serving: `claimgraph serve --watch DIR` picks up a sheet dropped
//! into DIR without a restart, and readers never see half an article.

mod common;
mod server_support;

use std::time::{Duration, Instant};

use server_support::{agent, fetch, ServeProcess};

const ARTICLE_STATE: &str = "SELECT (COUNT(?c) AS ?claims) (COUNT(?status) AS ?withStatus) (SAMPLE(?denied) AS ?hostingStatus) WHERE {
  ?c cg:relayedBy <id/article/acme-hosting> .
  OPTIONAL { ?c cg:status ?status }
  OPTIONAL { <id/claim/acme-hosting/acme-hosts-globex> cg:status ?denied }
}";

fn number(v: &serde_json::Value) -> u64 {
    v["value"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_sheet_dropped_into_the_watched_folder_appears_whole() {
    let store = tempfile::tempdir().unwrap();
    let watched = tempfile::tempdir().unwrap();
    let server = ServeProcess::start(
        &store.path().join("store"),
        &["--watch", watched.path().to_str().unwrap()],
    );
    assert!(
        server
            .stdout
            .iter()
            .any(|l| l.contains("SPARQL: http://127.0.0.1:")),
        "{:?}",
        server.stdout
    );

    let (status, ..) = fetch(agent().get(&server.url("/id/article/acme-hosting.ttl")));
    assert_eq!(status, 404, "not there before it is dropped in");

    // A reader polls the article's claims while it is imported.
    let reader = {
        let url = server.url("/sparql");
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(40);
            let mut seen = Vec::new();
            for _ in 0..4000 {
                let (status, _, body) = fetch(agent().get(&url).query("query", ARTICLE_STATE));
                assert_eq!(status, 200, "{body}");
                let json: serde_json::Value = serde_json::from_str(&body).unwrap();
                let row = &json["results"]["bindings"][0];
                let state = (
                    number(&row["claims"]),
                    number(&row["withStatus"]),
                    row["hostingStatus"]["value"]
                        .as_str()
                        .unwrap_or("")
                        .to_owned(),
                );
                let complete = state.0 == 5;
                seen.push(state);
                if complete || Instant::now() > deadline {
                    break;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            seen
        })
    };
    std::thread::sleep(Duration::from_millis(200));
    for f in ["entities.toml", "acme-hosting.toml"] {
        std::fs::copy(common::fixture("mini").join(f), watched.path().join(f)).unwrap();
    }
    let seen = reader.join().unwrap();
    let last = seen.last().cloned().unwrap();
    assert_eq!(
        last.0,
        5,
        "the article's 5 claims appear without a restart (saw {} states)",
        seen.len()
    );
    for (claims, with_status, hosting) in &seen {
        assert!(
            *claims == 0 || *claims == 5,
            "half an article was visible: {claims} claims"
        );
        assert_eq!(
            with_status, claims,
            "claims without their derived status were visible"
        );
        if *claims == 5 {
            assert!(
                hosting.ends_with("DeniedBySubject"),
                "the denial's effect is there at once: {hosting}"
            );
        }
    }
    println!(
        "{} reads during the import, each saw 0 or 5 claims",
        seen.len()
    );

    // The new article resolves as linked data and shows on its page.
    let (status, ..) = fetch(agent().get(&server.url("/id/article/acme-hosting.ttl")));
    assert_eq!(status, 200);

    // A broken edit is refused (logged) and the article stays as it was.
    std::fs::write(
        watched.path().join("acme-hosting.toml"),
        "[article]\nid = \"acme-hosting\"\n",
    )
    .unwrap();
    std::thread::sleep(Duration::from_secs(3));
    let (status, _, body) = fetch(
        agent()
            .get(&server.url("/sparql"))
            .query("query", ARTICLE_STATE),
    );
    assert_eq!(status, 200);
    assert!(
        body.contains("\"value\":\"5\""),
        "the bad sheet changed nothing: {body}"
    );
}

/// The README's first command: `serve` on a fresh clone fills a new store from data/
/// and answers at the addresses it prints.
#[test]
fn serve_on_a_fresh_store_imports_data_and_answers_at_the_printed_urls() {
    let store = tempfile::tempdir().unwrap();
    let server = ServeProcess::start(&store.path().join("new-store"), &[]);
    let printed = |label: &str| {
        server
            .stdout
            .iter()
            .find_map(|l| l.trim().strip_prefix(label).map(|u| u.trim().to_owned()))
            .unwrap_or_else(|| panic!("no '{label}' line in {:?}", server.stdout))
    };
    let pages = printed("pages:");
    let sparql = printed("SPARQL:");
    let (status, ct, body) = fetch(agent().get(&pages).set("Accept", "text/html"));
    assert_eq!((status, ct.as_str()), (200, "text/html"), "{body}");
    assert!(body.contains("claimgraph"));
    let (status, _, body) = fetch(
        agent()
            .get(&sparql)
            .query("query", "SELECT (COUNT(*) AS ?n) WHERE { ?c a cg:Claim }"),
    );
    assert_eq!(status, 200);
    assert!(
        body.contains("\"value\":\"37\""),
        "the seed articles were imported: {body}"
    );
    let (status, ct, _) = fetch(agent().get(&sparql).set("Accept", "text/html"));
    assert_eq!((status, ct.as_str()), (200, "text/html"), "the query page");
}
