//! Interoperability and trust: exports that restore exactly, content hashes that catch
//! tampering, SHACL shapes checked by pySHACL, every RDF output read by rdflib, and
//! nanopublications checked in Rust and by the `nanopub` package.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use claimgraph::model::graph::{Iris, DEFAULT_BASE};
use claimgraph::publish::export::{self, ExportFormat, Scope};
use claimgraph::store::GraphStore;
use common::{fixture, python, repo, TestStore};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphName, NamedNode, Quad, Term};
use oxigraph::sparql::SparqlEvaluator;
use sophia::api::source::QuadSource;
use sophia::inmem::dataset::LightDataset;

const NP: &str = "http://www.nanopub.org/nschema#";

fn export_file(store: &TestStore, args: &[&str], name: &str) -> PathBuf {
    let path = store.dir.path().join(name);
    let out = store
        .cmd()
        .arg("export")
        .args(args)
        .arg("--out")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "export {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

fn sophia_dataset(nquads: &str) -> LightDataset {
    sophia::turtle::parser::nq::parse_str(nquads)
        .collect_quads()
        .expect("N-Quads parse")
}

fn sophia_trig(path: &Path) -> LightDataset {
    let text = std::fs::read_to_string(path).unwrap();
    sophia::turtle::parser::trig::parse_str(&text)
        .collect_quads()
        .expect("TriG parse with sophia")
}

fn isomorphic(a: &LightDataset, b: &LightDataset) -> bool {
    sophia::isomorphism::isomorphic_datasets(a, b).expect("isomorphism check")
}

fn parse(path: &Path, format: RdfFormat) -> Vec<Quad> {
    RdfParser::from_format(format)
        .for_slice(&std::fs::read(path).unwrap())
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The content hash recorded on an article, through a saved-query-free SELECT.
fn recorded_hash(store: &TestStore, article: &str) -> String {
    let out = store
        .cmd()
        .args(["query", "-", "--format", "json"])
        .write_stdin(format!(
            "SELECT ?h WHERE {{ ?a cg:slug \"{article}\" ; a cg:Article ; cg:contentHash ?h }}"
        ))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = json["results"]["bindings"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "one hash per article: {rows:?}");
    rows[0]["h"]["value"].as_str().unwrap().to_owned()
}

fn update(store: &GraphStore, sparql: &str) {
    SparqlEvaluator::new()
        .parse_update(sparql)
        .expect("valid update")
        .on_store(store.embedded().expect("an embedded store"))
        .execute()
        .expect("update runs");
}

/// Opens an on-disk store with the library, imports `paths`, and runs `edit` on it.
fn library_store(dir: &Path, paths: &[PathBuf], edit: impl FnOnce(&GraphStore)) {
    let store = GraphStore::open(dir, Iris::new(DEFAULT_BASE).unwrap()).unwrap();
    let summary = claimgraph::write::import::import_paths(&store, paths, &|_, _| {}).unwrap();
    assert!(summary.ok(), "{:?}", summary.failures);
    edit(&store);
    store.flush().unwrap();
}

// ---------------------------------------------------------------- export and restore

#[test]
fn a_full_export_restored_into_a_fresh_store_exports_isomorphically() {
    let original = TestStore::new();
    original.import_seed();
    let first = export_file(&original, &["--format", "trig"], "first.trig");

    let restored = TestStore::new();
    restored.import(&[&first]);
    assert_eq!(restored.quads(), original.quads());
    let second = export_file(&restored, &["--format", "trig"], "second.trig");
    let (a, b) = (sophia_trig(&first), sophia_trig(&second));
    assert!(
        isomorphic(&a, &b),
        "restore -> export is not isomorphic to the original export"
    );

    // N-Quads round trip too, and the check is not vacuous: one changed literal breaks it.
    let nq = export_file(&restored, &["--format", "nquads"], "second.nq");
    let nq_text = std::fs::read_to_string(&nq).unwrap();
    assert!(isomorphic(&a, &sophia_dataset(&nq_text)));
    let tampered = nq_text.replacen("\"völligen Unsinn\\\"", "\"völligen Quatsch\\\"", 1);
    assert_ne!(
        tampered, nq_text,
        "the seed quote to tamper with is present"
    );
    assert!(!isomorphic(&a, &sophia_dataset(&tampered)));

    // The restored store keeps the content hashes and they still verify.
    let out = restored.cmd().arg("verify").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn turtle_and_trig_exports_are_readable_with_prefixes_and_base() {
    let store = TestStore::new();
    store.import(&[&fixture("mini")]);
    let ttl = std::fs::read_to_string(export_file(
        &store,
        &["--format", "turtle", "--article", "acme-hosting"],
        "a.ttl",
    ))
    .unwrap();
    assert!(ttl.contains("@base <https://claimgraph.example/>"), "{ttl}");
    assert!(ttl.contains("@prefix oa: <http://www.w3.org/ns/oa#>"));
    assert!(
        ttl.contains("<id/claim/acme-hosting/acme-denies>"),
        "IRIs under the base are relative:\n{ttl}"
    );
    assert!(ttl.contains("cg:claimant <id/org/acme-cloud>"), "{ttl}");
}

#[test]
fn an_article_export_holds_its_contribution_and_nothing_else() {
    let store = TestStore::new();
    store.import(&[&fixture("mini")]);
    let path = export_file(
        &store,
        &["--format", "nquads", "--article", "acme-hosting"],
        "article.nq",
    );
    let quads = parse(&path, RdfFormat::NQuads);
    let graphs: std::collections::BTreeSet<String> = quads
        .iter()
        .filter_map(|q| match &q.graph_name {
            GraphName::NamedNode(n) => Some(n.as_str().to_owned()),
            _ => None,
        })
        .collect();
    // The denial and the refusal have no proposition; an empty graph has no quads to export.
    let expected: Vec<String> = [
        "contribution/article/acme-hosting",
        "claim/acme-hosting/acme-hosts-globex",
        "claim/acme-hosting/acme-customer-count",
        "claim/acme-hosting/globex-listed",
    ]
    .iter()
    .map(|g| format!("{DEFAULT_BASE}graph/{g}"))
    .collect();
    assert_eq!(graphs, expected.into_iter().collect());
    // The entities sheet's descriptions are not part of the article.
    let globex_label = quads.iter().any(|q| {
        q.subject.to_string().contains("id/org/globex") && q.predicate.as_str().ends_with("#label")
    });
    assert!(
        !globex_label,
        "the article export carries the reference sheet's entities"
    );

    // Restored alone into an empty store (with its entities), it verifies and can be replaced.
    let other = TestStore::new();
    other.import(&[&fixture("mini/entities.toml"), &path]);
    assert!(other.cmd().arg("verify").output().unwrap().status.success());

    let unknown = store
        .cmd()
        .args(["export", "--article", "no-such-article"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no article 'no-such-article'"));
    let hostile = store
        .cmd()
        .args(["export", "--entity", "x> <y"])
        .output()
        .unwrap();
    assert_eq!(hostile.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&hostile.stderr).contains("is not an id"));
}

#[test]
fn compacted_json_ld_reads_back_as_the_same_dataset() {
    let store = TestStore::new();
    store.import_seed();
    let jsonld = export_file(&store, &["--format", "jsonld"], "all.jsonld");
    let nq = export_file(&store, &["--format", "nquads"], "all.nq");
    let text = std::fs::read_to_string(&jsonld).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        json["@context"]["claimant"]["@id"], "cg:claimant",
        "the ontology's context is inline"
    );
    assert!(
        text.contains("\"claimant\": \"id/"),
        "properties and IRIs are compacted"
    );
    assert!(
        !text.contains("\"https://claimgraph.example/ns#claimant\""),
        "no expanded keys"
    );

    let from_jsonld = parse(
        &jsonld,
        RdfFormat::JsonLd {
            profile: Default::default(),
        },
    );
    let mut writer =
        oxigraph::io::RdfSerializer::from_format(RdfFormat::NQuads).for_writer(Vec::new());
    for q in &from_jsonld {
        writer.serialize_quad(q).unwrap();
    }
    let back = String::from_utf8(writer.finish().unwrap()).unwrap();
    let expected = sophia_dataset(&std::fs::read_to_string(&nq).unwrap());
    assert!(
        isomorphic(&expected, &sophia_dataset(&back)),
        "JSON-LD read back differs from the N-Quads export"
    );

    let entity = std::fs::read_to_string(export_file(
        &store,
        &["--format", "jsonld", "--entity", "hikvision"],
        "e.jsonld",
    ))
    .unwrap();
    let entity: serde_json::Value = serde_json::from_str(&entity).unwrap();
    let node = &entity["@graph"][0];
    assert_eq!(node["@id"], "id/org/hikvision");
    assert_eq!(
        node["label"]["de"], "Hikvision",
        "labels are a language map: {node}"
    );
}

#[test]
fn describe_serializes_json_ld_compacted_for_pages_and_server() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    library_store(&dir, &[fixture("mini")], |store| {
        let claim = store.iris().claim("acme-hosting", "acme-hosts-globex");
        let quads = claimgraph::read::describe::describe(store, claim.as_ref()).unwrap();
        let body = claimgraph::read::describe::serialize(
            &quads,
            RdfFormat::JsonLd {
                profile: Default::default(),
            },
        )
        .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(json["@context"].is_object());
        let text = String::from_utf8(body.clone()).unwrap();
        assert!(
            text.contains("\"claimant\": \"https://claimgraph.example/id/org/watchdog-labs\""),
            "{text}"
        );
        let back: Vec<Quad> = RdfParser::from_format(RdfFormat::JsonLd {
            profile: Default::default(),
        })
        .for_slice(&body)
        .collect::<Result<_, _>>()
        .unwrap();
        let mut back: Vec<String> = back.iter().map(Quad::to_string).collect();
        let mut expected: Vec<String> = quads.iter().map(Quad::to_string).collect();
        back.sort();
        expected.sort();
        assert_eq!(
            back, expected,
            "the proposition graph and every triple survive compaction"
        );
    });
}

// ---------------------------------------------------------------- content hashes

#[test]
fn an_identical_reimport_keeps_the_hash() {
    let store = TestStore::new();
    store.import(&[&fixture("mini")]);
    let first = recorded_hash(&store, "acme-hosting");
    assert_eq!(first.len(), 64);
    assert!(first
        .chars()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    store.import(&[&fixture("mini")]);
    assert_eq!(recorded_hash(&store, "acme-hosting"), first);
    // And in another store, from scratch.
    let other = TestStore::new();
    other.import(&[&fixture("mini")]);
    assert_eq!(recorded_hash(&other, "acme-hosting"), first);
}

#[test]
fn the_hash_changes_when_a_claim_a_quote_or_a_date_changes() {
    let sheet = std::fs::read_to_string(fixture("mini/acme-hosting.toml")).unwrap();
    let edits = [
        (
            "claim statement",
            "statement = \"Acme Cloud hosts Globex's websites.\"",
            "statement = \"Acme Cloud hosts Globex's web sites.\"",
        ),
        (
            "quote",
            "quote = \"lists 12 such customers\"",
            "quote = \"lists 12 such customers.\"",
        ),
        ("event date", "value = \"--03-04\"", "value = \"--03-05\""),
        (
            "document date",
            "date = { value = \"2024-03\", text = \"published in March\" }",
            "date = { value = \"2024\", text = \"published in March\" }",
        ),
    ];
    let store = TestStore::new();
    store.import(&[&fixture("mini")]);
    let original = recorded_hash(&store, "acme-hosting");
    let dir = tempfile::tempdir().unwrap();
    let mut seen = vec![original.clone()];
    for (what, from, to) in edits {
        assert!(sheet.contains(from), "fixture lacks {from}");
        let path = dir.path().join("acme-hosting.toml");
        std::fs::write(&path, sheet.replacen(from, to, 1)).unwrap();
        store.import(&[&path]);
        let changed = recorded_hash(&store, "acme-hosting");
        assert!(
            !seen.contains(&changed),
            "changing the {what} did not change the hash"
        );
        seen.push(changed);
        // The recorded hash is the store's own: verify agrees after each change.
        assert!(store.cmd().arg("verify").output().unwrap().status.success());
    }
    store.import(&[&fixture("mini")]);
    assert_eq!(
        recorded_hash(&store, "acme-hosting"),
        original,
        "restoring the sheet restores the hash"
    );
}

#[test]
fn the_hash_does_not_depend_on_triple_order_or_blank_node_labels() {
    let store = TestStore::new();
    store.import(&[&fixture("mini")]);
    let recorded = recorded_hash(&store, "acme-hosting");
    let path = export_file(
        &store,
        &["--format", "nquads", "--article", "acme-hosting"],
        "a.nq",
    );
    let ledger = format!("{DEFAULT_BASE}graph/contribution/article/acme-hosting");
    // What the hash covers: the article's default-graph triples (not the ledger's
    // bookkeeping, not the hash itself) and its proposition graphs.
    let content: Vec<Quad> = parse(&path, RdfFormat::NQuads)
        .into_iter()
        .filter(|q| q.graph_name.to_string() != format!("<{ledger}>"))
        .filter(|q| {
            q.subject.to_string() != format!("<{ledger}>")
                && !q.predicate.as_str().ends_with("#contentHash")
        })
        .collect();
    let hash = |quads: &[Quad]| {
        claimgraph::write::hash::content_hash(quads.iter().map(Quad::as_ref), "test").unwrap()
    };
    assert_eq!(
        hash(&content),
        recorded,
        "recomputed from the export in export order"
    );
    let mut reversed = content.clone();
    reversed.reverse();
    assert_eq!(hash(&reversed), recorded, "order matters to the hash");

    // The same content with the quote selectors as blank nodes, labelled two ways.
    let blank = |label: &str| -> Vec<Quad> {
        let to_blank = |t: Term| match &t {
            Term::NamedNode(n) if n.as_str().ends_with("#quote-text") => Term::BlankNode(
                oxigraph::model::BlankNode::new_unchecked(format!("{label}{}", n.as_str().len())),
            ),
            _ => t,
        };
        content
            .iter()
            .map(|q| {
                let subject: oxigraph::model::NamedOrBlankNode =
                    match to_blank(q.subject.clone().into()) {
                        Term::NamedNode(n) => n.into(),
                        Term::BlankNode(b) => b.into(),
                        _ => unreachable!(),
                    };
                Quad::new(
                    subject,
                    q.predicate.clone(),
                    to_blank(q.object.clone()),
                    q.graph_name.clone(),
                )
            })
            .collect()
    };
    let (one, mut other) = (blank("a"), blank("zzz"));
    other.reverse();
    assert_eq!(
        hash(&one),
        hash(&other),
        "blank-node labels changed the hash"
    );
    assert_ne!(hash(&one), recorded);
}

#[test]
fn verify_catches_a_hand_altered_quote() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    library_store(&dir, &[repo().join("data")], |_| {});
    let verify = |dir: &Path| {
        let mut c = assert_cmd::Command::cargo_bin("claimgraph").unwrap();
        c.arg("--store")
            .arg(dir)
            .arg("verify")
            .env_remove("CLAIMGRAPH_BASE")
            .output()
            .unwrap()
    };
    let clean = verify(&dir);
    assert!(
        clean.status.success(),
        "{}",
        String::from_utf8_lossy(&clean.stdout)
    );
    assert!(
        String::from_utf8_lossy(&clean.stdout).contains("2 article(s) checked, 0 no longer match")
    );

    // Somebody edits one quote in the default graph.
    let selector = format!("<{DEFAULT_BASE}id/claim/alibaba-pla-memo/alibaba-denies#quote-text>");
    library_store(&dir, &[], |store| {
        update(store, &format!(
            "PREFIX oa: <http://www.w3.org/ns/oa#>
             DELETE {{ {selector} oa:exact ?old }} INSERT {{ {selector} oa:exact \"Alibaba stimmte zu.\"@de }}
             WHERE {{ {selector} oa:exact ?old }}"
        ))
    });
    let out = verify(&dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("MISMATCH  alibaba-pla-memo"), "{stdout}");
    assert!(
        stdout.contains("ok        us-tech-entity-list"),
        "the other article still verifies: {stdout}"
    );

    // Editing the ledger copy as well does not hide it: the ledger no longer matches the hash.
    let ledger = format!("<{DEFAULT_BASE}graph/contribution/article/alibaba-pla-memo>");
    library_store(&dir, &[], |store| {
        update(store, &format!(
            "PREFIX oa: <http://www.w3.org/ns/oa#>
             DELETE {{ GRAPH {ledger} {{ {selector} oa:exact ?old }} }} INSERT {{ GRAPH {ledger} {{ {selector} oa:exact \"Alibaba stimmte zu.\"@de }} }}
             WHERE {{ GRAPH {ledger} {{ {selector} oa:exact ?old }} }}"
        ))
    });
    let out = verify(&dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.contains("alibaba-pla-memo: its contribution ledger hashes to"),
        "{stdout}"
    );
}

// ---------------------------------------------------------------- SHACL

fn pyshacl(python: &Path, data: &Path) -> (bool, String) {
    let out = Process::new(python)
        .args(["-m", "pyshacl", "--shacl"])
        .arg(repo().join("ontology/shapes.ttl"))
        .arg(data)
        .output()
        .expect("run pyshacl");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("Conforms:"),
        "pyshacl did not produce a report: {text}"
    );
    (text.contains("Conforms: True"), text)
}

/// The seed store, and a copy broken on purpose: a claim without claimant, a quote without offsets.
fn seed_and_broken(tmp: &Path) -> (PathBuf, PathBuf) {
    let good = tmp.join("good");
    library_store(&good, &[repo().join("data")], |_| {});
    let broken = tmp.join("broken");
    library_store(&broken, &[repo().join("data")], |store| {
        let claim = format!("<{DEFAULT_BASE}id/claim/alibaba-pla-memo/alibaba-supplies-pla>");
        let position =
            format!("<{DEFAULT_BASE}id/claim/alibaba-pla-memo/alibaba-denies#quote-position>");
        update(
            store,
            &format!("DELETE WHERE {{ {claim} <https://claimgraph.example/ns#claimant> ?who }}"),
        );
        update(store, &format!("DELETE WHERE {{ {position} ?p ?o }}"));
    });
    (good, broken)
}

fn export_store(dir: &Path, out: &Path) {
    let store = GraphStore::open(dir, Iris::new(DEFAULT_BASE).unwrap()).unwrap();
    let quads = export::select(&store, &Scope::All).unwrap();
    std::fs::write(
        out,
        export::to_vec(&quads, ExportFormat::Turtle, DEFAULT_BASE).unwrap(),
    )
    .unwrap();
}

#[test]
fn pyshacl_accepts_the_seed_data_and_rejects_a_broken_dataset_readably() {
    let Some(python) = python() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let (good, broken) = seed_and_broken(tmp.path());
    let (good_ttl, broken_ttl) = (tmp.path().join("good.ttl"), tmp.path().join("broken.ttl"));
    export_store(&good, &good_ttl);
    export_store(&broken, &broken_ttl);

    let (conforms, report) = pyshacl(&python, &good_ttl);
    assert!(conforms, "the seed data must conform:\n{report}");
    let (conforms, report) = pyshacl(&python, &broken_ttl);
    assert!(!conforms, "the broken data must not conform");
    assert!(
        report.contains("A claim needs exactly one claimant (cg:claimant)"),
        "{report}"
    );
    assert!(report.contains("alibaba-supplies-pla"), "{report}");
    assert!(
        report.contains("A quote needs its character offsets in the article"),
        "{report}"
    );
    assert!(report.contains("alibaba-denies#quote"), "{report}");
}

#[test]
fn claimgraph_check_finds_the_same_violations_natively() {
    let tmp = tempfile::tempdir().unwrap();
    let (good, broken) = seed_and_broken(tmp.path());
    let check = |dir: &Path| {
        let mut c = assert_cmd::Command::cargo_bin("claimgraph").unwrap();
        c.arg("--store")
            .arg(dir)
            .arg("check")
            .env_remove("CLAIMGRAPH_BASE")
            .output()
            .unwrap()
    };
    let out = check(&good);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("0 violation(s)"));
    let out = check(&broken);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("alibaba-supplies-pla> cg:claimant: A claim needs exactly one claimant"),
        "{stdout}"
    );
    assert!(
        stdout
            .contains("alibaba-denies#quote> oa:hasSelector: A quote needs its character offsets"),
        "{stdout}"
    );
    assert!(
        stdout.contains("2 violation(s)"),
        "exactly the two breaks: {stdout}"
    );
}

// ---------------------------------------------------------------- independent parsers

#[test]
fn rdflib_parses_every_output_with_our_triple_counts() {
    let Some(python) = python() else { return };
    let store = TestStore::new();
    store.import_seed();
    let mut files: Vec<(&str, PathBuf, usize)> = Vec::new();
    let formats = [
        ("trig", "trig", RdfFormat::TriG),
        ("nquads", "nquads", RdfFormat::NQuads),
        ("turtle", "turtle", RdfFormat::Turtle),
        (
            "jsonld",
            "json-ld",
            RdfFormat::JsonLd {
                profile: Default::default(),
            },
        ),
    ];
    let scopes: [&[&str]; 3] = [
        &[],
        &["--article", "us-tech-entity-list"],
        &["--entity", "hikvision"],
    ];
    for (i, scope) in scopes.iter().enumerate() {
        for (ours, theirs, format) in &formats {
            let mut args = vec!["--format", ours];
            args.extend_from_slice(scope);
            let path = export_file(&store, &args, &format!("out{i}.{ours}"));
            let count = parse(&path, *format).len();
            assert!(count > 0, "{ours} {scope:?} is empty");
            files.push((theirs, path, count));
        }
    }
    for (format, file) in [
        ("turtle", "ontology/claimgraph.ttl"),
        ("turtle", "ontology/shapes.ttl"),
        ("json-ld", "ontology/claimgraph.context.jsonld"),
    ] {
        let path = repo().join(file);
        let count = parse(
            &path,
            if format == "turtle" {
                RdfFormat::Turtle
            } else {
                RdfFormat::JsonLd {
                    profile: Default::default(),
                }
            },
        )
        .len();
        files.push((format, path, count));
    }
    let np_dir = store.dir.path().join("np");
    assert!(store
        .cmd()
        .args(["export", "--nanopubs"])
        .arg(&np_dir)
        .output()
        .unwrap()
        .status
        .success());
    let np_file = np_dir.join("us-tech-entity-list").join(
        std::fs::read_dir(np_dir.join("us-tech-entity-list"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .file_name(),
    );
    files.push((
        "trig",
        np_file.clone(),
        parse(&np_file, RdfFormat::TriG).len(),
    ));

    let mut cmd = Process::new(&python);
    cmd.arg(repo().join("tests/python/rdf_counts.py"));
    for (format, path, _) in &files {
        cmd.arg(format!("{format}={}", path.display()));
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "rdflib failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let counts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for (_, path, ours) in &files {
        let theirs = counts[path.display().to_string()]
            .as_u64()
            .unwrap_or(u64::MAX) as usize;
        assert_eq!(
            theirs,
            *ours,
            "rdflib and claimgraph disagree on {}",
            path.display()
        );
    }
}

// ---------------------------------------------------------------- nanopublications

fn named(s: &str) -> NamedNode {
    NamedNode::new_unchecked(s)
}

#[test]
fn every_claim_becomes_a_well_formed_nanopublication() {
    let store = TestStore::new();
    store.import(&[&fixture("mini")]);
    let dir = store.dir.path().join("np");
    let out = store
        .cmd()
        .args(["export", "--nanopubs"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files: Vec<PathBuf> = std::fs::read_dir(dir.join("acme-hosting"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 5, "one nanopublication per claim");

    let file = dir.join("acme-hosting/acme-hosts-globex.trig");
    let quads = parse(&file, RdfFormat::TriG);
    let np = format!("{DEFAULT_BASE}np/acme-hosting/acme-hosts-globex");
    let graph = |part: &str| GraphName::NamedNode(named(&format!("{np}#{part}")));
    let graphs: std::collections::BTreeSet<String> =
        quads.iter().map(|q| q.graph_name.to_string()).collect();
    assert_eq!(
        graphs.len(),
        4,
        "head, assertion, provenance, pubinfo and nothing else: {graphs:?}"
    );
    assert!(quads
        .iter()
        .all(|q| q.graph_name != GraphName::DefaultGraph));
    let has = |g: &GraphName, s: &str, p: &str, o: &str| {
        quads.iter().any(|q| {
            &q.graph_name == g
                && q.subject.to_string() == s
                && q.predicate.as_str() == p
                && q.object.to_string() == o
        })
    };
    let head = graph("Head");
    let npi = format!("<{np}>");
    assert!(has(
        &head,
        &npi,
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
        &format!("<{NP}Nanopublication>")
    ));
    for (p, part) in [
        ("hasAssertion", "assertion"),
        ("hasProvenance", "provenance"),
        ("hasPublicationInfo", "pubinfo"),
    ] {
        assert!(
            has(&head, &npi, &format!("{NP}{p}"), &format!("<{np}#{part}>")),
            "head lacks np:{p}"
        );
    }
    // The assertion is the claim's proposition, exactly.
    let assertion: Vec<&Quad> = quads
        .iter()
        .filter(|q| q.graph_name == graph("assertion"))
        .collect();
    assert_eq!(assertion.len(), 1);
    assert!(has(
        &graph("assertion"),
        &format!("<{DEFAULT_BASE}id/org/acme-cloud>"),
        "https://claimgraph.example/ns#providesWebHostingTo",
        &format!("<{DEFAULT_BASE}id/org/globex>")
    ));
    // Provenance: claimant, document, article, quote with offsets.
    let prov = graph("provenance");
    let a = format!("<{np}#assertion>");
    assert!(has(
        &prov,
        &a,
        "http://www.w3.org/ns/prov#wasAttributedTo",
        &format!("<{DEFAULT_BASE}id/org/watchdog-labs>")
    ));
    assert!(has(
        &prov,
        &a,
        "http://www.w3.org/ns/prov#wasDerivedFrom",
        &format!("<{DEFAULT_BASE}id/doc/watchdog-report-2024>")
    ));
    assert!(has(
        &prov,
        &a,
        "http://www.w3.org/ns/prov#wasQuotedFrom",
        &format!("<{DEFAULT_BASE}id/article/acme-hosting>")
    ));
    let selector = format!("<{DEFAULT_BASE}id/claim/acme-hosting/acme-hosts-globex#quote-text>");
    assert!(has(
        &prov,
        &selector,
        "http://www.w3.org/ns/oa#exact",
        "\"Acme Cloud hosts the websites of Globex, a report by Watchdog Labs says.\"@en"
    ));
    let position =
        format!("<{DEFAULT_BASE}id/claim/acme-hosting/acme-hosts-globex#quote-position>");
    assert!(quads.iter().any(|q| q.graph_name == prov
        && q.subject.to_string() == position
        && q.predicate.as_str().ends_with("#start")));
    // Publication info about the nanopublication itself, with the article's content hash.
    let pubinfo = graph("pubinfo");
    assert!(quads.iter().any(|q| q.graph_name == pubinfo
        && q.subject.to_string() == npi
        && q.predicate.as_str() == "http://purl.org/dc/terms/created"));
    let hash = recorded_hash(&store, "acme-hosting");
    assert!(has(
        &pubinfo,
        &format!("<{DEFAULT_BASE}id/article/acme-hosting>"),
        "https://claimgraph.example/ns#contentHash",
        &format!("\"{hash}\"")
    ));

    // A refusal to comment has no proposition: its own statement is the assertion.
    let refusal = parse(
        &dir.join("acme-hosting/globex-no-comment.trig"),
        RdfFormat::TriG,
    );
    let np2 = format!("{DEFAULT_BASE}np/acme-hosting/globex-no-comment#assertion");
    assert!(refusal
        .iter()
        .any(|q| q.graph_name.to_string() == format!("<{np2}>")
            && q.predicate.as_str().ends_with("#statement")));

    // The `nanopub` package accepts every file (its checks run offline).
    let Some(python) = python() else { return };
    let out = Process::new(&python)
        .arg(repo().join("tests/python/nanopub_check.py"))
        .args(&files)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "nanopub rejected a file:\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("ok ")).count(),
        5,
        "{stdout}"
    );
}

#[test]
fn a_hostile_claim_slug_cannot_write_outside_the_nanopub_folder() {
    let store = TestStore::new();
    let hostile = store.dir.path().join("hostile.ttl");
    std::fs::write(
        &hostile,
        "<https://claimgraph.example/id/claim/x/y> a <https://claimgraph.example/ns#Claim> ;\n  <https://claimgraph.example/ns#slug> \"../../escaped/owned\" .\n",
    )
    .unwrap();
    store.import(&[&hostile]);
    let dir = store.dir.path().join("a/b/np");
    let out = store
        .cmd()
        .args(["export", "--nanopubs"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("claim slug '../../escaped/owned' is not ARTICLE/CLAIM"));
    assert!(
        !store.dir.path().join("a/escaped").exists() && !store.dir.path().join("escaped").exists()
    );
}

#[test]
fn an_outsider_reproduces_the_content_hash_with_pyld() {
    let Some(python) = python() else { return };
    let store = TestStore::new();
    store.import_seed();
    let mut files = Vec::new();
    for article in ["alibaba-pla-memo", "us-tech-entity-list"] {
        let path = export_file(
            &store,
            &["--format", "nquads", "--article", article],
            &format!("{article}.nq"),
        );
        // The recipe in the README: drop the ledger graph and the hash itself, keep the rest.
        let ledger = format!("<{DEFAULT_BASE}graph/contribution/article/{article}>");
        let content: String = std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .filter(|l| {
                !l.starts_with(&ledger)
                    && !l.ends_with(&format!("{ledger} ."))
                    && !l.contains("ns#contentHash>")
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let content_path = store.dir.path().join(format!("{article}.content.nq"));
        std::fs::write(&content_path, content).unwrap();
        files.push((article, content_path));
    }
    let out = Process::new(&python)
        .arg(repo().join("tests/python/rdfc_hash.py"))
        .args(files.iter().map(|(_, p)| p))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pyld failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hashes: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for (article, path) in &files {
        assert_eq!(
            hashes[path.display().to_string()],
            recorded_hash(&store, article).as_str(),
            "{article}"
        );
    }
}
