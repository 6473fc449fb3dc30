//! Importing sheets: stable IRIs, exact replacement, quote anchoring, derived statuses.

mod common;

use common::{cell, fixture, repo, TestStore};

#[test]
fn quotes_are_anchored_at_their_code_point_offsets() {
    let store = TestStore::new();
    store.import(&[&fixture("mini")]);
    let out = store
        .cmd()
        .args(["query", "-", "--format", "json"])
        .write_stdin(
            "SELECT ?exact ?start ?end ?prefix ?sentence ?text WHERE {
               ?c cg:slug \"acme-hosting/acme-denies\" ; cg:hasQuote ?q ; cg:relayedBy ?a .
               ?a schema:articleBody ?text .
               ?q cg:sentence ?sentence ; oa:hasSelector ?t , ?p .
               ?t oa:exact ?exact ; oa:prefix ?prefix . ?p oa:start ?start ; oa:end ?end . }",
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = &json["results"]["bindings"][0];
    let text: Vec<char> = row["text"]["value"].as_str().unwrap().chars().collect();
    let start: usize = row["start"]["value"].as_str().unwrap().parse().unwrap();
    let end: usize = row["end"]["value"].as_str().unwrap().parse().unwrap();
    let exact = row["exact"]["value"].as_str().unwrap();
    assert_eq!(exact, "\"We have never served Globex.\"");
    assert_eq!(text[start..end].iter().collect::<String>(), exact);
    let prefix = row["prefix"]["value"].as_str().unwrap();
    assert_eq!(prefix.chars().count(), 32);
    assert_eq!(text[start - 32..start].iter().collect::<String>(), prefix);
    assert_eq!(
        row["sentence"]["value"],
        "Acme Cloud denied the report: \"We have never served Globex.\""
    );
}

#[test]
fn reimporting_replaces_exactly_what_the_article_contributed() {
    let store = TestStore::new();
    store.import(&[&fixture("mini")]);
    let once = store.quads();
    store.import(&[&fixture("mini")]);
    assert_eq!(
        store.quads(),
        once,
        "a second import must not change the triple count"
    );

    // Change the article: drop a claim. Its triples and its graph go; nothing else does.
    let dir = tempfile::tempdir().unwrap();
    let sheet = std::fs::read_to_string(fixture("mini/acme-hosting.toml")).unwrap();
    let cut = sheet.find("[[claim]]\nid = \"globex-no-comment\"").unwrap();
    std::fs::write(dir.path().join("acme-hosting.toml"), &sheet[..cut]).unwrap();
    store.import(&[&dir.path().join("acme-hosting.toml")]);
    assert!(store.quads() < once);
    assert!(store.rows("declined-to-comment", &[]).is_empty());
    // The entities sheet's triples are untouched.
    let rows = store.rows("entity-claims", &["entity=globex"]);
    assert!(!rows.is_empty());
    store.import(&[&fixture("mini")]);
    assert_eq!(
        store.quads(),
        once,
        "restoring the sheet restores the count"
    );
}

#[test]
fn seed_data_imported_twice_keeps_its_triple_count() {
    let store = TestStore::new();
    store.import_seed();
    let once = store.quads();
    assert!(once > 500, "the seed articles hold more than {once} quads");
    store.import_seed();
    assert_eq!(store.quads(), once);
}

#[test]
fn statuses_are_derived_from_responses() {
    let store = TestStore::new();
    store.import(&[&fixture("mini")]);
    let rows = store.rows("entity-claims", &["entity=acme-cloud"]);
    let status_of = |claim_suffix: &str| {
        rows.iter()
            .find(|r| cell(r, "claim").ends_with(claim_suffix))
            .map(|r| cell(r, "status").to_owned())
            .unwrap()
    };
    assert_eq!(status_of("/acme-hosts-globex"), "denied by subject");
    assert_eq!(status_of("/acme-customer-count"), "no response reported");
}

#[test]
fn a_later_article_can_corroborate_independently() {
    let store = TestStore::new();
    store.import(&[&fixture("mini")]);
    let dir = tempfile::tempdir().unwrap();
    // A second outlet's own finding, in its own words: independent of Watchdog Labs.
    std::fs::write(
        dir.path().join("second.toml"),
        r#"
[article]
id = "second-look"
language = "en"
text = "Our own scan shows that Acme Cloud serves Globex's web pages."

[[claim]]
id = "scan"
kind = "allegation"
claimant = "publisher"
about = ["acme-cloud"]
statement = "Acme Cloud hosts Globex."
quote = "Acme Cloud serves Globex's web pages"

[[claim.proposition]]
subject = "acme-cloud"
predicate = "providesWebHostingTo"
object = "globex"
"#,
    )
    .unwrap();
    store.import(&[&dir.path().join("second.toml")]);
    let rows = store.rows("single-source", &[]);
    let claims: Vec<&str> = rows.iter().map(|r| cell(r, "claim")).collect();
    assert!(
        !claims.iter().any(|c| c.ends_with("/acme-hosts-globex")),
        "corroborated now: {claims:?}"
    );
    // A denial by the subject still outranks the corroboration.
    let rows = store.rows("entity-claims", &["entity=globex"]);
    let row = rows
        .iter()
        .find(|r| cell(r, "claim").ends_with("/second-look/scan"))
        .unwrap();
    assert_eq!(cell(row, "status"), "corroborated");
}

#[test]
fn stats_counts_by_class() {
    let store = TestStore::new();
    store.import(&[&fixture("mini")]);
    let out = store.cmd().arg("stats").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("cg:Claim"), "{text}");
    assert!(text.lines().any(|l| l.trim() == "5  cg:Claim"), "{text}");
    assert!(text.contains("proposition graphs"));
}

#[test]
fn import_summary_reports_articles_claims_and_time() {
    let store = TestStore::new();
    let out = store.import(&[&fixture("mini")]);
    assert!(
        out.contains("imported 1 article(s), 1 reference sheet(s), 0 RDF file(s): 5 claims"),
        "{out}"
    );
    assert!(out.contains("triples written"));
    let _ = repo();
}

#[test]
fn an_entity_named_only_in_a_proposition_is_found_as_mentioned() {
    let store = TestStore::new();
    store.import(&[&fixture("mini")]);
    // "Globex was put on the Freedonian Watch List": the list is in the proposition only.
    let rows = store.rows("entity-claims", &["entity=watch-list"]);
    assert!(
        rows.iter()
            .any(|r| cell(r, "role") == "mentioned" && cell(r, "claim").ends_with("/globex-listed")),
        "{rows:#?}"
    );
    let timeline = store.rows("entity-timeline", &["entity=watch-list"]);
    assert!(
        timeline
            .iter()
            .any(|r| cell(r, "claim").ends_with("/globex-listed") && cell(r, "date") == "--03-04"),
        "{timeline:#?}"
    );
}

/// An article's record says when its content last changed: a re-import of the same sheet
/// keeps the time (so importing again changes nothing), a changed sheet moves it on.
#[test]
fn an_article_records_when_its_content_last_changed() {
    let store = TestStore::new();
    let modified = |store: &TestStore| {
        let rows = store.rows("page-article", &["article=acme-hosting"]);
        cell(&rows[0], "modified").to_owned()
    };
    store.import(&[&fixture("mini")]);
    let first = modified(&store);
    assert!(
        first.len() == 20 && first.ends_with('Z') && first.as_bytes()[10] == b'T',
        "an xsd:dateTime in whole seconds, UTC: {first}"
    );
    std::thread::sleep(std::time::Duration::from_millis(1100));
    store.import(&[&fixture("mini")]);
    assert_eq!(modified(&store), first, "the same content keeps its time");

    let dir = tempfile::tempdir().unwrap();
    let sheet = std::fs::read_to_string(fixture("mini/acme-hosting.toml")).unwrap();
    let cut = sheet.find("[[claim]]\nid = \"globex-no-comment\"").unwrap();
    std::fs::write(dir.path().join("acme-hosting.toml"), &sheet[..cut]).unwrap();
    store.import(&[&dir.path().join("acme-hosting.toml")]);
    assert!(
        modified(&store) > first,
        "a changed article gets a later time"
    );
}

#[test]
fn importing_the_same_sheets_again_skips_them_and_derives_nothing() {
    let store = TestStore::new();
    store.import(&[&fixture("mini")]);
    let out = store.import(&[&fixture("mini")]);
    assert!(
        out.contains("imported 0 article(s)") && out.contains("1 unchanged article(s) skipped"),
        "{out}"
    );
    assert!(out.contains("deriving the touched 0 status(es)"), "{out}");
}
