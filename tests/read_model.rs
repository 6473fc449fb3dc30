//! The page read model answers each page query it takes over with the very rows of the
//! saved query: same variables, the same rows (as a multiset), in the same ORDER BY.
//! Held on the seed articles and a generated corpus, for every resource of the store
//! and a few IRIs of nothing.

#[path = "../benches/corpus.rs"]
mod corpus;

use std::collections::BTreeSet;

use claimgraph::model::graph::{Iris, DEFAULT_BASE};
use claimgraph::read::catalog::{self, Catalog, Limits, Outcome, Table};
use claimgraph::read::model::{native_rows, Facts, Schema, NATIVE_QUERIES};
use claimgraph::store::GraphStore;
use claimgraph::write::import::import_paths;
use oxigraph::model::{NamedNode, Term};
use oxigraph::sparql::Variable;

/// A store of `articles` generated articles (the benchmark's corpus generator).
fn generated_store(articles: usize, seed: u64) -> GraphStore {
    let work = tempfile::tempdir().unwrap();
    corpus::generate(work.path(), articles, seed).unwrap();
    store_with(&[work.path().to_owned()])
}

/// Every row of a saved SELECT query, unpaginated.
fn whole_answer(store: &GraphStore, q: &catalog::SavedQuery) -> Table {
    match catalog::run_saved(store, q, &[], Limits::default()).unwrap() {
        Outcome::Table(whole) => whole,
        _ => panic!("{} is not a SELECT query", q.name),
    }
}

fn store_with(paths: &[std::path::PathBuf]) -> GraphStore {
    let store = GraphStore::in_memory(Iris::new(DEFAULT_BASE).unwrap()).unwrap();
    let summary = import_paths(&store, paths, &|_, _| {}).unwrap();
    assert!(summary.ok(), "import failed: {:?}", summary.failures);
    store
}

/// The IRIs a SPARQL pattern binds to `?x`, and one IRI of nothing.
fn iris(store: &GraphStore, pattern: &str) -> Vec<Term> {
    let q = format!(
        "{}SELECT DISTINCT ?x WHERE {{ {pattern} }} ORDER BY ?x",
        claimgraph::model::vocab::sparql_prologue()
    );
    let mut out: Vec<Term> = store
        .select(&q)
        .unwrap()
        .into_iter()
        .filter_map(|r| r[0].clone())
        .collect();
    out.push(NamedNode::new_unchecked(format!("{DEFAULT_BASE}id/org/nothing-here")).into());
    out
}

/// A row as text, for comparing multisets and reporting differences.
fn show(table: &Table, row: &[Option<Term>]) -> String {
    table
        .variables
        .iter()
        .zip(row)
        .map(|(v, t)| format!("{v}={}", t.as_ref().map_or("-".into(), |t| t.to_string())))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The variables of a saved query's ORDER BY.
fn order_vars(text: &str) -> Vec<String> {
    text.lines()
        .find(|l| l.trim_start().starts_with("ORDER BY"))
        .map(|l| {
            l.split_whitespace()
                .filter_map(|w| w.strip_prefix('?'))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn assert_same(store: &GraphStore, schema: &Schema, name: &str, params: &[(&str, Term)]) {
    let query = Catalog::bundled().get(name).unwrap().text.clone();
    let bindings: Vec<(Variable, Term)> = params
        .iter()
        .map(|(p, t)| (Variable::new_unchecked(*p), t.clone()))
        .collect();
    let Outcome::Table(expected) =
        catalog::run(store, &query, &bindings, Limits::default()).unwrap()
    else {
        panic!("{name} is not a SELECT query");
    };
    let actual = native_rows(&Facts::new(store), schema, name, params)
        .unwrap_or_else(|| panic!("{name} has no native form"))
        .unwrap();
    let context = format!("{name} with {params:?}");
    assert_eq!(actual.variables, expected.variables, "{context}: variables");
    let rows = |t: &Table| -> Vec<String> {
        let mut v: Vec<String> = t.rows.iter().map(|r| show(t, r)).collect();
        v.sort();
        v
    };
    let (a, e) = (rows(&actual), rows(&expected));
    if a != e {
        let (sa, se): (BTreeSet<_>, BTreeSet<_>) = (a.iter().collect(), e.iter().collect());
        panic!(
            "{context}: {} rows, the saved query {}\nonly native: {:#?}\nonly SPARQL: {:#?}",
            a.len(),
            e.len(),
            sa.difference(&se).collect::<Vec<_>>(),
            se.difference(&sa).collect::<Vec<_>>()
        );
    }
    let keys = order_vars(&query);
    let sequence = |t: &Table| -> Vec<String> {
        t.rows
            .iter()
            .map(|r| {
                keys.iter()
                    .map(|k| {
                        let i = t.column(k).unwrap();
                        r[i].as_ref().map_or("-".into(), |t| t.to_string())
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    };
    assert_eq!(
        sequence(&actual),
        sequence(&expected),
        "{context}: ORDER BY"
    );
}

fn check_every_native_query(store: &GraphStore) -> usize {
    let schema = Schema::read(store).unwrap();
    let claims = iris(store, "?x a cg:Claim");
    let articles = iris(store, "?x a cg:Article");
    let entities = iris(
        store,
        "{ ?x a cg:Entity } UNION { ?c cg:claimant ?x } UNION { ?c schema:mentions ?x }",
    );
    let chains = {
        let q = format!(
            "{}SELECT DISTINCT ?a ?d WHERE {{ ?c cg:relayedBy ?a ; cg:madeIn ?d }} ORDER BY ?a ?d",
            claimgraph::model::vocab::sparql_prologue()
        );
        store.select(&q).unwrap()
    };
    assert_same(store, &schema, "page-claims", &[]);
    assert_same(store, &schema, "page-search-claims", &[]);
    assert_same(store, &schema, "page-entity-claim-counts", &[]);
    let mut checked = 3;
    for claim in &claims {
        for name in [
            "page-claim",
            "page-claim-propositions",
            "page-claim-responses",
        ] {
            assert_same(store, &schema, name, &[("claim", claim.clone())]);
            checked += 1;
        }
    }
    // A claim's IRI is no entity, an entity's no claim.
    assert_same(
        store,
        &schema,
        "page-claim",
        &[("claim", entities[0].clone())],
    );
    for article in &articles {
        for name in [
            "page-article-label",
            "page-article",
            "page-article-claims",
            "page-article-answers",
            "page-article-documents",
        ] {
            assert_same(store, &schema, name, &[("article", article.clone())]);
            checked += 1;
        }
    }
    for document in iris(store, "?x a cg:SourceDocument") {
        for name in [
            "page-document",
            "page-document-claims",
            "page-document-links",
        ] {
            assert_same(store, &schema, name, &[("document", document.clone())]);
            checked += 1;
        }
    }
    for row in &chains {
        let (article, document) = (row[0].clone().unwrap(), row[1].clone().unwrap());
        let params = [("article", article), ("document", document)];
        assert_same(store, &schema, "page-relay-chain", &params);
        checked += 1;
    }
    for entity in entities.iter().chain(&claims[..1]) {
        for name in [
            "page-entity",
            "entity-claims",
            "page-entity-answers",
            "page-entity-relations",
        ] {
            assert_same(store, &schema, name, &[("entity", entity.clone())]);
            checked += 1;
        }
    }
    checked
}

#[test]
fn the_read_model_gives_the_page_queries_rows_on_the_seed_articles() {
    let repo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let store = store_with(&[repo.join("data")]);
    let checked = check_every_native_query(&store);
    assert!(checked > 50, "only {checked} checks");
    assert_eq!(NATIVE_QUERIES.len(), 19);
}

#[test]
fn the_read_model_gives_the_page_queries_rows_on_a_generated_corpus() {
    let store = generated_store(12, 11);
    let checked = check_every_native_query(&store);
    assert!(checked > 300, "only {checked} checks");
}

/// Each report query with a keyset, paged through `Keyset::page` with pages smaller
/// and larger than its first batch, gives the unpaginated query's rows in its order.
#[test]
fn a_keyset_page_holds_the_rows_of_the_unpaginated_query_in_order() {
    use claimgraph::read::catalog::Page;
    use claimgraph::read::keyset::Keyset;
    let store = generated_store(30, 5);
    let catalog = Catalog::bundled();
    let mut keyed = 0;
    let mut spanning = 0;
    for q in catalog.competency() {
        let Some(keyset) = Keyset::of(q) else {
            continue;
        };
        keyed += 1;
        let whole = whole_answer(&store, q);
        for size in [7, 100, 1000] {
            let mut paged = Vec::new();
            for n in 0.. {
                let page = Page {
                    offset: n * size,
                    limit: Some(size),
                };
                let rows = keyset
                    .page(&store, q, &[], Limits::default(), page)
                    .unwrap()
                    .rows;
                assert!(rows.len() <= size);
                if rows.is_empty() {
                    break;
                }
                paged.extend(rows);
            }
            assert_eq!(paged.len(), whole.rows.len(), "{}: pages of {size}", q.name);
            assert!(
                paged == whole.rows,
                "{}: pages of {size} differ from the whole",
                q.name
            );
        }
        if whole.rows.len() > 7 {
            spanning += 1;
        }
    }
    // Q1, Q3-Q7, Q9 and Q10 page by their leading key, most over several pages here.
    assert_eq!(keyed, 8);
    assert!(spanning >= 5, "only {spanning} queries span several pages");
}

/// A keyed report lists no more key values than the store has articles or its own answer
/// has keys: a page lists and sorts every candidate first (a dictionary lookup each), so a
/// domain of every claim made a first page at 10,000 articles cost over a second whatever
/// the rows it held (the claims of Q4, Q10 and Q1, every proposition graph for Q6).
#[test]
fn a_report_page_lists_keys_per_article_or_per_row_not_every_claim() {
    use claimgraph::read::keyset::Keyset;
    let store = generated_store(30, 5);
    let count = |pattern: &str, var: &str| -> usize {
        let q = format!(
            "{}SELECT (COUNT(DISTINCT ?{var}) AS ?n) WHERE {{ {pattern} }}",
            claimgraph::model::vocab::sparql_prologue()
        );
        match &store.select(&q).unwrap()[0][0] {
            Some(Term::Literal(n)) => n.value().parse().unwrap(),
            other => panic!("a count: {other:?}"),
        }
    };
    let articles = count("?article a cg:Article", "article");
    let claims = count("?claim cg:relayedBy ?article", "claim");
    assert!(
        claims > 10 * articles,
        "{claims} claims of {articles} articles"
    );
    let catalog = Catalog::bundled();
    let mut keyed = 0;
    for q in catalog.competency() {
        let Some(keyset) = Keyset::of(q) else {
            continue;
        };
        keyed += 1;
        let whole = whole_answer(&store, q);
        let column = whole.column(&keyset.var).unwrap();
        let answered: BTreeSet<String> = whole
            .rows
            .iter()
            .filter_map(|r| r[column].as_ref().map(Term::to_string))
            .collect();
        let listed = count(&keyset.domain, &keyset.var);
        assert!(
            listed >= answered.len(),
            "{}: the domain misses keys of the answer",
            q.name
        );
        assert!(
            listed <= articles.max(answered.len()),
            "{}: {listed} keys listed for {} keys answered ({articles} articles, {claims} claims)",
            q.name,
            answered.len()
        );
    }
    assert_eq!(keyed, 8);
}

/// The reports over most claims (Q1, Q4, Q10) are ordered by the relaying article, then
/// by claim: their pages are led by the article (see `a_report_page_lists_keys_...`).
#[test]
fn the_reports_over_most_claims_list_their_rows_by_article_then_claim() {
    let store = generated_store(30, 5);
    let catalog = Catalog::bundled();
    for name in ["service-providers", "single-source", "relay-chains"] {
        let q = catalog.get(name).unwrap();
        let whole = whole_answer(&store, q);
        let (article, claim) = (
            whole.column("article").unwrap(),
            whole.column("claim").unwrap(),
        );
        let keys: Vec<(String, String)> = whole
            .rows
            .iter()
            .map(|r| {
                let iri = |c: usize| match &r[c] {
                    Some(Term::NamedNode(n)) => n.as_str().to_owned(),
                    other => panic!("{name}: not an IRI: {other:?}"),
                };
                (iri(article), iri(claim))
            })
            .collect();
        let articles: BTreeSet<&String> = keys.iter().map(|(a, _)| a).collect();
        assert!(
            articles.len() > 1,
            "{name}: rows of only {} articles",
            articles.len()
        );
        assert!(
            keys.windows(2).all(|w| w[0] <= w[1]),
            "{name}: rows not by article, then claim"
        );
    }
}

/// The first row of each role and claim, in order, as an entity page takes its cards
/// (a claim the entity makes about itself is not also a claim about it), with the
/// columns the index shares with `entity-claims`.
fn first_rows_per_card(table: &Table, entity: &Term) -> Vec<String> {
    let col = |v: &str| table.column(v).unwrap();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for row in &table.rows {
        let cell = |v: &str| row[col(v)].as_ref().map_or("-".into(), |t| t.to_string());
        if cell("role") == "\"subject\"" && row[col("claimant")].as_ref() == Some(entity) {
            continue;
        }
        if seen.insert((cell("role"), cell("claim"))) {
            out.push(
                [
                    "role", "claim", "kind", "status", "claimant", "document", "article", "sortKey",
                ]
                .map(cell)
                .join(" "),
            );
        }
    }
    out
}

/// An entity page reads the index of all its claims and the whole rows of only the
/// claims it shows: the index orders and counts the cards as `entity-claims` would, and
/// the rows and answers read for some claims are the whole queries' rows for them.
#[test]
fn an_entity_page_reads_the_rows_of_only_the_claims_it_shows() {
    use claimgraph::read::model::{entity_answers_of, entity_claim_index, entity_claims_of};
    use std::collections::HashSet;
    let work = tempfile::tempdir().unwrap();
    corpus::generate(work.path(), 30, 5).unwrap();
    let repo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let store = store_with(&[work.path().to_owned(), repo.join("data")]);
    let schema = Schema::read(&store).unwrap();
    let entities = iris(
        &store,
        "{ ?x a cg:Entity } UNION { ?c cg:claimant ?x } UNION { ?c schema:mentions ?x }",
    );
    let mut with_claims = 0;
    for entity in &entities {
        let facts = Facts::new(&store);
        let params = [("entity", entity.clone())];
        let whole = native_rows(&facts, &schema, "entity-claims", &params)
            .unwrap()
            .unwrap();
        let index = entity_claim_index(&Facts::new(&store), &schema, entity.clone()).unwrap();
        assert_eq!(
            first_rows_per_card(&index, entity),
            first_rows_per_card(&whole, entity),
            "{entity}: the index's cards"
        );
        let role_claim = |t: &Table, r: &[Option<Term>]| {
            let role = match &r[t.column("role").unwrap()] {
                Some(Term::Literal(l)) => l.value().to_owned(),
                other => panic!("{entity}: role {other:?}"),
            };
            (role, r[t.column("claim").unwrap()].clone().unwrap())
        };
        let pairs: Vec<(String, Term)> = whole.rows.iter().map(|r| role_claim(&whole, r)).collect();
        if pairs.is_empty() {
            continue;
        }
        with_claims += 1;
        // Every other card, and all of them.
        let some: HashSet<(String, Term)> = pairs.iter().step_by(2).cloned().collect();
        let all: HashSet<(String, Term)> = pairs.iter().cloned().collect();
        for only in [&some, &all] {
            let part =
                entity_claims_of(&Facts::new(&store), &schema, entity.clone(), only).unwrap();
            let expected: Vec<&Vec<Option<Term>>> = whole
                .rows
                .iter()
                .filter(|r| only.contains(&role_claim(&whole, r)))
                .collect();
            assert_eq!(part.variables, whole.variables);
            assert!(
                part.rows.iter().collect::<Vec<_>>() == expected,
                "{entity}: the rows of {} of {} cards",
                only.len(),
                all.len()
            );
        }
        let answers = native_rows(&facts, &schema, "page-entity-answers", &params)
            .unwrap()
            .unwrap();
        let claim_col = answers.column("claim").unwrap();
        let answered: Vec<Term> = answers
            .rows
            .iter()
            .filter_map(|r| r[claim_col].clone())
            .collect();
        let some: HashSet<Term> = answered.iter().step_by(2).cloned().collect();
        let part = entity_answers_of(&Facts::new(&store), &schema, entity.clone(), &some).unwrap();
        let expected: Vec<&Vec<Option<Term>>> = answers
            .rows
            .iter()
            .filter(|r| r[claim_col].as_ref().is_some_and(|c| some.contains(c)))
            .collect();
        assert!(
            part.rows.iter().collect::<Vec<_>>() == expected,
            "{entity}: the answers of {} claims",
            some.len()
        );
    }
    assert!(with_claims > 20, "only {with_claims} entities with claims");
}

/// An incremental build patches a large entity's kept tables: the rows of the claims a
/// change reached are read for those claims alone and merged into the rest in the
/// table's order. For every entity and every one of its tables, taking some claims'
/// rows out of the whole reading and merging their restricted reading back in gives the
/// whole reading again, row for row; claims the entity has no part in add nothing.
#[test]
fn an_entitys_tables_patched_with_some_claims_read_again_are_its_whole_tables() {
    use claimgraph::read::model::{
        entity_answers_of, entity_claim_index, entity_claim_index_of, entity_claims_of,
        entity_relations_of, in_any_role, merge_entity_rows, ENTITY_CLAIM_INDEX,
    };
    use std::collections::HashSet;
    let store = generated_store(30, 7);
    let schema = Schema::read(&store).unwrap();
    let entities = iris(
        &store,
        "{ ?x a cg:Entity } UNION { ?c cg:claimant ?x } UNION { ?c schema:mentions ?x }",
    );
    let every_claim = iris(&store, "?x a cg:Claim");
    let (mut patched, mut with_relations) = (0, 0);
    for entity in &entities {
        let facts = Facts::new(&store);
        let params = [("entity", entity.clone())];
        let whole = |name: &str| {
            native_rows(&facts, &schema, name, &params)
                .unwrap()
                .unwrap()
        };
        let tables = [
            (
                ENTITY_CLAIM_INDEX,
                entity_claim_index(&facts, &schema, entity.clone()).unwrap(),
            ),
            ("entity-claims", whole("entity-claims")),
            ("page-entity-relations", whole("page-entity-relations")),
            ("page-entity-answers", whole("page-entity-answers")),
        ];
        let mut seen = HashSet::new();
        let claims: Vec<Term> = tables
            .iter()
            .flat_map(|(_, t)| {
                let c = t.column("claim").unwrap();
                t.rows.iter().filter_map(move |r| r[c].clone())
            })
            .filter(|claim| seen.insert(claim.clone()))
            .collect();
        if claims.is_empty() {
            continue;
        }
        // Every third claim of the entity's, and a few of other entities'.
        let changed: HashSet<Term> = claims
            .iter()
            .step_by(3)
            .chain(every_claim.iter().step_by(17))
            .cloned()
            .collect();
        for (name, table) in &tables {
            let c = table.column("claim").unwrap();
            let mut kept = table.clone();
            kept.rows
                .retain(|r| !r[c].as_ref().is_some_and(|t| changed.contains(t)));
            let fresh = match *name {
                ENTITY_CLAIM_INDEX => {
                    entity_claim_index_of(&facts, &schema, entity.clone(), &in_any_role(&changed))
                        .unwrap()
                }
                "entity-claims" => {
                    entity_claims_of(&facts, &schema, entity.clone(), &in_any_role(&changed))
                        .unwrap()
                }
                "page-entity-relations" => {
                    match entity_relations_of(&facts, &schema, entity.clone(), &changed).unwrap() {
                        Some(fresh) => fresh,
                        None => panic!("{entity}: a generated claim has one proposition"),
                    }
                }
                _ => {
                    // The answers a digest reads are those of the claims it asks for.
                    let asked: HashSet<Term> = table
                        .rows
                        .iter()
                        .filter_map(|r| r[c].clone())
                        .filter(|t| changed.contains(t))
                        .collect();
                    entity_answers_of(&facts, &schema, entity.clone(), &asked).unwrap()
                }
            };
            let merged = merge_entity_rows(name, &kept, &changed, fresh)
                .unwrap_or_else(|| panic!("{entity} {name}: the columns differ"));
            assert_eq!(merged.variables, table.variables, "{entity} {name}");
            assert!(
                merged.rows == table.rows,
                "{entity} {name}: patched {:?}\nwhole {:?}",
                merged
                    .rows
                    .iter()
                    .map(|r| show(&merged, r))
                    .collect::<Vec<_>>(),
                table
                    .rows
                    .iter()
                    .map(|r| show(table, r))
                    .collect::<Vec<_>>()
            );
        }
        patched += 1;
        with_relations += usize::from(!tables[2].1.rows.is_empty());
    }
    assert!(
        patched > 20 && with_relations > 5,
        "{patched} entities, {with_relations} with relations"
    );
}
