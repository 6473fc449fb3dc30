//! Bad input: every refused sheet or file is named with its line and field, the exit
//! code is non-zero, and the store is left exactly as it was.

mod common;

use common::{fixture, TestStore};

/// Imports the mini reference sheet, then `bad`; asserts the error text and that the
/// store did not change.
fn refused(bad: &str, expected: &[&str]) {
    let store = TestStore::new();
    store.import(&[&fixture("mini/entities.toml")]);
    let before = store.quads();
    let out = store
        .cmd()
        .arg("import")
        .arg(fixture(bad))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{bad} should be refused; stderr:\n{stderr}"
    );
    for e in expected {
        assert!(stderr.contains(e), "{bad}: expected {e:?} in:\n{stderr}");
    }
    assert_eq!(store.quads(), before, "{bad} changed the store");
}

#[test]
fn malformed_toml_names_line_and_column() {
    refused("bad/malformed.toml", &["malformed.toml:3:", "string"]);
}

#[test]
fn missing_required_field() {
    refused(
        "bad/missing-field.toml",
        &["missing-field.toml:", "missing field `statement`"],
    );
}

#[test]
fn unknown_entity_suggests_the_nearest_ids() {
    refused(
        "bad/unknown-entity.toml",
        &[
            "unknown-entity.toml:58:",
            "claim[2].claimant",
            "unknown entity 'trade-ministy'",
            "did you mean 'trade-ministry'",
        ],
    );
}

#[test]
fn quote_not_in_text_shows_the_closest_passage() {
    refused(
        "bad/quote-not-found.toml",
        &[
            "quote-not-found.toml:83:",
            "claim[4].quote",
            "quote not found",
            "closest passage is: \"Globex declined to comment.\"",
        ],
    );
}

#[test]
fn impossible_date() {
    refused(
        "bad/impossible-date.toml",
        &[
            "impossible-date.toml:59:",
            "claim[2].event_date",
            "day 30, but that month has 29 days",
        ],
    );
}

#[test]
fn unknown_ontology_term() {
    refused(
        "bad/unknown-term.toml",
        &[
            "unknown-term.toml:",
            "proposition[0].predicate",
            "'providesWebHostingFor' is not a property",
            "providesWebHostingTo",
        ],
    );
}

#[test]
fn two_claims_with_one_id() {
    refused(
        "bad/duplicate-claim.toml",
        &[
            "duplicate-claim.toml:",
            "claim[1].id",
            "two claims have the id 'acme-hosts-globex'",
        ],
    );
}

#[test]
fn response_to_a_missing_claim() {
    refused(
        "bad/dangling-response.toml",
        &[
            "dangling-response.toml:",
            "claim[3].answers",
            "no claim 'acme-hosts-globx'",
            "did you mean 'acme-hosts-globex'",
        ],
    );
}

#[test]
fn file_that_is_not_utf8() {
    refused("bad/not-utf8.toml", &["not-utf8.toml", "not UTF-8"]);
}

#[test]
fn unsafe_ids_are_refused() {
    refused(
        "bad/unsafe-id.toml",
        &["unsafe-id.toml:2:", "article.id", "not a valid id"],
    );
}

#[test]
fn rdf_syntax_error_has_line_and_column() {
    refused("bad/bad-syntax.ttl", &["bad-syntax.ttl:3:"]);
}

#[test]
fn a_batch_imports_the_good_sheets_and_lists_the_bad() {
    let store = TestStore::new();
    // The bad sheets are variants of the good one; under their own article ids, so that
    // the batch does not refuse them for defining the good one's article a second time.
    let bad: Vec<_> = ["unknown-entity", "quote-not-found"]
        .iter()
        .map(|name| {
            let text = std::fs::read_to_string(fixture(&format!("bad/{name}.toml"))).unwrap();
            let text = text.replacen("id = \"acme-hosting\"", &format!("id = \"{name}\""), 1);
            let path = store.dir.path().join(format!("{name}.toml"));
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect();
    let out = store
        .cmd()
        .arg("import")
        .arg(fixture("mini"))
        .args(&bad)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.contains("imported 1 article(s), 1 reference sheet(s)"),
        "{stdout}"
    );
    assert!(stderr.contains("2 file(s) not imported"), "{stderr}");
    assert!(stderr.contains("unknown-entity.toml") && stderr.contains("quote-not-found.toml"));
    // The good article is there.
    let rows = store.rows("declined-to-comment", &[]);
    assert_eq!(rows.len(), 1);
}

#[test]
fn unknown_saved_query_lists_close_names() {
    let store = TestStore::new();
    let out = store.cmd().args(["query", "denial"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("no saved query 'denial'") && stderr.contains("'denials'"),
        "{stderr}"
    );
}

#[test]
fn undeclared_parameter_is_refused() {
    let store = TestStore::new();
    store.import(&[&fixture("mini")]);
    let out = store
        .cmd()
        .args(["query", "denials", "--param", "entity=globex"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("query 'denials' has no parameter 'entity' (it takes none)"),
        "{stderr}"
    );
    let out = store
        .cmd()
        .args(["query", "entity-claims", "--param", "who=globex"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("has no parameter 'who' (it takes: entity)"),
        "{stderr}"
    );
}

#[test]
fn parameter_values_are_terms_not_query_text() {
    let store = TestStore::new();
    store.import(&[&fixture("mini")]);
    // An injection attempt is just an unknown entity id...
    let out = store
        .cmd()
        .args([
            "query",
            "entity-claims",
            "--param",
            "entity=x> } UNION { ?s ?p ?o",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown entity"));
    // ...and an IRI value that is not an IRI is refused.
    let out = store
        .cmd()
        .args([
            "query",
            "entity-claims",
            "--param",
            "entity=http://x> } UNION { ?s ?p ?o",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not an IRI"));
}
