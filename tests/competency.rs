//! The ten competency questions of MODEL.md, answered by the saved queries on the
//! seed articles: the expected rows are there, and every row carries its sources.

mod common;

use std::sync::OnceLock;

use common::{cell, TestStore};
use serde_json::{Map, Value};

type Row = Map<String, Value>;

/// One store with the seed data for all tests of this file.
fn seed() -> &'static TestStore {
    static STORE: OnceLock<TestStore> = OnceLock::new();
    STORE.get_or_init(|| {
        let store = TestStore::new();
        store.import_seed();
        store
    })
}

fn rows(query: &str, params: &[&str]) -> Vec<Row> {
    seed().rows(query, params)
}

fn has(rows: &[Row], pairs: &[(&str, &str)]) -> bool {
    rows.iter()
        .any(|r| pairs.iter().all(|(k, v)| cell(r, k) == *v))
}

/// Every row names who said it, where, relayed by which article, in which words.
fn assert_sourced(rows: &[Row], claimant: &str, quote: &str, article: &str) {
    for r in rows {
        for column in [claimant, quote, article] {
            assert!(!cell(r, column).is_empty(), "row without {column}: {r:?}");
        }
    }
}

#[test]
fn q1_alleged_service_providers_to_entity_list_companies() {
    let rows = rows("service-providers", &[]);
    for provider in ["Google", "Amazon"] {
        for customer in ["Hikvision", "Dahua Technology"] {
            assert!(
                has(
                    &rows,
                    &[
                        ("providerLabel", provider),
                        ("customerLabel", customer),
                        ("claimantLabel", "Top10VPN"),
                        ("serviceLabel", "provides web hosting to")
                    ]
                ),
                "{provider} -> {customer} missing: {rows:#?}"
            );
        }
    }
    assert!(has(
        &rows,
        &[
            ("providerLabel", "Microsoft"),
            ("customerLabel", "SenseTime"),
            ("serviceLabel", "provides e-mail hosting to")
        ]
    ));
    assert!(has(
        &rows,
        &[
            ("providerLabel", "Facebook"),
            ("customerLabel", "Hikvision"),
            ("serviceLabel", "provides CDN to")
        ]
    ));
    for r in &rows {
        assert!(
            cell(r, "document").ends_with("/id/doc/top10vpn-report-us-tech-blacklisted-firms"),
            "document of {r:?}"
        );
        assert!(cell(r, "article").ends_with("/id/article/us-tech-entity-list"));
    }
    assert_sourced(&rows, "claimant", "quote", "article");
    // NSO Group is served too, but it is not on the Entity List.
    assert!(!rows.iter().any(|r| cell(r, "customerLabel") == "NSO Group"));
}

/// Google, Amazon and Microsoft are said to serve nine, seven and four of "NSO Group and
/// 16 other firms", at least two of them on the Entity List: those rows must appear,
/// and the group must be linked to NSO Group.
#[test]
fn q1_the_three_serve_the_listed_firms_among_nso_group_and_16_others() {
    let rows = rows("service-providers", &[]);
    for provider in ["Google", "Amazon", "Microsoft"] {
        assert!(
            has(
                &rows,
                &[
                    ("providerLabel", provider),
                    (
                        "customerLabel",
                        "the firms among NSO Group and the 16 others that are on the US Entity List"
                    ),
                    ("serviceLabel", "provides service to"),
                    ("claimantLabel", "Top10VPN"),
                ]
            ),
            "{provider} -> the listed firms among the 17 missing: {rows:#?}"
        );
    }
    let linked = seed().count(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?nso cg:partOf ?group } \
         ?nso cg:slug \"nso-group\" . ?group cg:slug \"nso-group-and-16-firms\" }",
    );
    assert_eq!(linked, 1, "NSO Group is not linked to its group");
}

#[test]
fn q2_everything_said_about_one_entity() {
    let rows = rows("entity-claims", &["entity=alibaba"]);
    assert!(has(
        &rows,
        &[
            ("role", "subject"),
            ("kind", "allegation"),
            ("claimantLabel", "White House"),
            ("status", "denied by subject")
        ]
    ));
    assert!(has(&rows, &[("role", "responding"), ("kind", "denial")]));
    assert!(has(
        &rows,
        &[("role", "responding"), ("kind", "non-answer")]
    ));
    for r in &rows {
        assert_eq!(cell(r, "lang"), "de");
        assert!(!cell(r, "status").is_empty());
    }
    assert_sourced(&rows, "claimant", "quote", "article");
    // The memo is dated "vom 1. November": a day of an unknown year, never completed.
    assert!(
        has(
            &rows,
            &[("date", "--11-01"), ("precision", "day of unknown year")]
        ),
        "{rows:#?}"
    );
}

#[test]
fn q3_denials_with_their_own_words() {
    let rows = rows("denials", &[]);
    let alibaba = rows
        .iter()
        .find(|r| cell(r, "denierLabel") == "Alibaba Group")
        .expect("Alibaba's denial");
    assert!(cell(alibaba, "denialQuote").contains("völligen Unsinn"));
    assert_eq!(cell(alibaba, "bySubject"), "true");
    let china = rows
        .iter()
        .find(|r| cell(r, "denierLabel") == "Government of China")
        .expect("China's denial");
    assert!(cell(china, "denialQuote").starts_with("China dementierte die Anschuldigungen"));
    assert_sourced(&rows, "allegedBy", "denialQuote", "denialArticle");
}

#[test]
fn q4_allegations_resting_on_a_single_source() {
    let rows = rows("single-source", &[]);
    assert!(rows
        .iter()
        .any(|r| cell(r, "claim").ends_with("/amazon-google-host-dahua-hikvision")));
    assert!(rows
        .iter()
        .any(|r| cell(r, "claim").ends_with("/alibaba-supplies-pla")
            && cell(r, "claimantLabel") == "White House"));
    assert!(rows.iter().all(|r| cell(r, "status") != "corroborated"));
    assert_sourced(&rows, "claimant", "quote", "article");
}

#[test]
fn q5_who_declined_to_comment() {
    let rows = rows("declined-to-comment", &[]);
    for who in ["White House", "CIA"] {
        assert!(
            has(&rows, &[("whoLabel", who), ("kind", "refusal to comment")]),
            "{who}: {rows:#?}"
        );
    }
    assert!(has(
        &rows,
        &[("whoLabel", "Alibaba Group"), ("kind", "non-answer")]
    ));
    assert!(rows
        .iter()
        .all(|r| cell(r, "responseQuote").contains("Stellungnahme")
            || cell(r, "responseQuote").contains("äußerte sich nicht")));
    assert_sourced(&rows, "claimant", "responseQuote", "article");
}

#[test]
fn q6_additions_to_the_entity_list() {
    let rows = rows("list-additions", &[]);
    let huawei = rows
        .iter()
        .find(|r| cell(r, "entityLabel") == "Huawei")
        .expect("Huawei added");
    assert_eq!(cell(huawei, "date"), "--10");
    assert_eq!(cell(huawei, "precision"), "month of unknown year");
    assert_eq!(cell(huawei, "dateText"), "Im Oktober");
    assert!(cell(huawei, "reason").contains("Menschenrechtsverletzungen"));
    assert_eq!(cell(huawei, "claimantLabel"), "Trump administration");
    assert!(has(&rows, &[("count", "28")]));
    // "am Freitag" stays relative: no date is invented for it.
    assert!(rows.iter().any(|r| cell(r, "dateText") == "am Freitag"
        && cell(r, "date").is_empty()
        && cell(r, "precision") == "relative"));
    assert_sourced(&rows, "claimant", "quote", "article");
}

#[test]
fn q7_what_publishers_assert_themselves() {
    let rows = rows("publisher-assertions", &[]);
    assert!(rows.iter().any(|r| cell(r, "quote")
        == "Beweise für diese und weitere Anschuldigungen bleibt Washington weiterhin schuldig."));
    for r in &rows {
        assert_eq!(
            cell(r, "publisherLabel"),
            "unidentified publisher",
            "the seed texts name no publisher"
        );
        assert!(cell(r, "publisher").starts_with(cell(r, "article")));
    }
    // Reported claims of others are not among them.
    assert!(!rows
        .iter()
        .any(|r| cell(r, "quote").contains("Top10VPN behauptet")));
}

#[test]
fn q8_timeline_of_one_entity() {
    let rows = rows("entity-timeline", &["entity=huawei"]);
    assert!(rows.len() >= 2);
    assert_eq!(
        cell(&rows[0], "date"),
        "--10",
        "the dated claim comes first: {rows:#?}"
    );
    assert_eq!(cell(&rows[0], "precision"), "month of unknown year");
    let keys: Vec<&str> = rows.iter().map(|r| cell(r, "sortKey")).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "ordered by the best known date");
}

#[test]
fn q9_government_bodies_and_their_claims() {
    let rows = rows("government-claims", &[]);
    for body in [
        "White House",
        "Trump administration",
        "US Department of Commerce",
        "Government of China",
        "Office of the Director of National Intelligence",
    ] {
        assert!(
            rows.iter().any(|r| cell(r, "governmentLabel") == body),
            "{body} missing"
        );
    }
    assert!(has(
        &rows,
        &[
            ("governmentLabel", "Government of China"),
            ("kind", "threat"),
            ("aboutLabel", "Apple")
        ]
    ));
    assert!(!rows
        .iter()
        .any(|r| cell(r, "governmentLabel") == "Top10VPN"));
}

#[test]
fn q10_relay_chains_link_by_link() {
    let rows = rows("relay-chains", &[]);
    let chain: Vec<(&str, &str, &str)> = rows
        .iter()
        .filter(|r| cell(r, "claim").ends_with("/alibaba-supplies-pla"))
        .map(|r| (cell(r, "step"), cell(r, "linkKind"), cell(r, "to")))
        .collect();
    assert_eq!(chain.len(), 2, "article -> FT -> memo: {chain:?}");
    assert_eq!(chain[0].0, "1");
    assert!(chain[0].2.ends_with("/id/doc/ft-alibaba-pla-report"));
    assert_eq!(chain[1].0, "2");
    assert!(chain[1].2.ends_with("/id/doc/white-house-memo-alibaba"));
    // Claims the article makes itself have no chain.
    assert!(!rows.iter().any(|r| cell(r, "origin") == cell(r, "article")));
}

#[test]
fn query_list_shows_the_ten_questions_with_titles() {
    let out = seed().cmd().args(["query", "--list"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for n in 1..=10 {
        assert!(
            text.lines().any(|l| l.starts_with(&format!("Q{n} "))),
            "Q{n} missing:\n{text}"
        );
    }
    assert!(text.contains("entity-claims") && text.contains("[entity=entity]"));
}

#[test]
fn every_output_format_is_written() {
    for (format, marker) in [
        ("table", "(14 rows)"),
        ("json", "\"bindings\""),
        ("csv", "providerLabel,"),
        ("tsv", "?providerLabel\t"),
        ("xml", "<sparql"),
    ] {
        let out = seed()
            .cmd()
            .args(["query", "service-providers", "--format", format])
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(marker), "{format}: {text}");
    }
}

#[test]
fn explain_prints_the_evaluated_plan_beside_the_results() {
    let out = seed()
        .cmd()
        .args(["query", "entity-claims", "--param", "entity=alibaba"])
        .args(["--format", "json", "--explain"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Value = serde_json::from_slice(&out.stdout).expect("results on stdout");
    let rows = results["results"]["bindings"].as_array().unwrap().len();
    assert!(rows > 0);
    let plan: Value = serde_json::from_slice(&out.stderr).expect("the plan as JSON on stderr");
    // The plan's root produced exactly the rows that were printed.
    assert_eq!(
        plan["plan"]["number of results"].as_u64(),
        Some(rows as u64),
        "{plan}"
    );
    assert!(plan["plan"]["children"].is_array(), "{plan}");
}

/// The rows of a saved query as JSON bindings, with `extra` arguments (a page).
fn page_rows(name: &str, params: &[String], extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["query", name, "--format", "json"];
    for p in params {
        args.extend(["--param", p.as_str()]);
    }
    args.extend(extra);
    let out = seed().cmd().args(&args).output().unwrap();
    assert!(
        out.status.success(),
        "{name} {extra:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    json["results"]["bindings"].as_array().unwrap().clone()
}

#[test]
fn a_paginated_query_returns_the_same_rows_in_the_same_order_as_the_unpaginated_one() {
    let catalog = claimgraph::read::catalog::Catalog::bundled();
    let mut paged = 0;
    for q in catalog.competency() {
        let params: Vec<String> = q.examples.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let all = page_rows(&q.name, &params, &[]);
        let mut pages = Vec::new();
        for page in 0.. {
            let offset = (page * 2).to_string();
            let rows = page_rows(&q.name, &params, &["--limit", "2", "--offset", &offset]);
            assert!(rows.len() <= 2, "{}: a page of {} rows", q.name, rows.len());
            if rows.is_empty() {
                break;
            }
            pages.extend(rows);
        }
        assert_eq!(pages, all, "{}: the pages differ from the whole", q.name);
        if all.len() > 2 {
            paged += 1;
        }
    }
    assert!(paged >= 3, "only {paged} queries span more than one page");
    // Every format takes the page; the table says how many rows it wrote.
    let (code, out) = seed().run(&["query", "denials", "--limit", "1", "--format", "table"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("(1 row)"), "{out}");
    let (code, out) = seed().run(&[
        "query", "denials", "--limit", "1", "--offset", "1", "--format", "csv",
    ]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.lines().count(), 2, "header and one row: {out}");
}
