//! Status derivation limited to what a batch touches gives the same statuses as a full
//! derivation, and as the reference rules in `queries/derive-status.ru`.
//!
//! A seeded generator writes small corpora built to collide: a handful of entities and
//! propositions shared by many claims, documents shared between articles whose relay
//! chains change from one version to the next, responses of every kind answering claims
//! of other articles, and articles re-imported with other claims, or with none (which
//! takes their claims and responses away). After every batch the derived triples the
//! import left are compared with a full derivation and with the SPARQL reference.

mod common;

use std::fmt::Write as _;
use std::path::Path;

use claimgraph::model::graph::{Iris, DEFAULT_BASE};
use claimgraph::store::GraphStore;
use claimgraph::write::import;

/// A small deterministic generator (xorshift), so a failing seed can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const COMPANIES: [&str; 4] = ["acme", "globex", "initech", "umbrella"];
const GOVERNMENTS: [&str; 2] = ["ministry", "agency"];
/// Documents shared by every article that relays them.
const DOCUMENTS: [&str; 6] = [
    "wire-story",
    "lab-report",
    "memo",
    "briefing",
    "filing",
    "interview",
];
const RESPONSES: [&str; 8] = [
    "denial",
    "refusal-to-comment",
    "non-answer",
    "objection",
    "corroboration",
    "correction",
    "retraction",
    "not-reachable",
];

fn entities_sheet() -> String {
    let mut out = String::new();
    for id in COMPANIES {
        let _ = writeln!(out, "[[entity]]\nid = \"{id}\"\nkind = \"company\"\nlabel_en = \"{id}\"\nlabel_de = \"{id}\"\n");
    }
    for id in GOVERNMENTS {
        let _ = writeln!(out, "[[entity]]\nid = \"{id}\"\nkind = \"government\"\nlabel_en = \"{id}\"\nlabel_de = \"{id}\"\n");
    }
    out.push_str("[[entity]]\nid = \"watch-list\"\nkind = \"list\"\nlabel_en = \"Watch list\"\nlabel_de = \"Beobachtungsliste\"\n");
    out
}

/// One version of article `index`: claims of shared propositions and responses to
/// claims already in the store (`answerable`, as `article/claim`). Returns the sheet
/// and the claims it defines.
fn article_sheet(
    rng: &mut Rng,
    index: usize,
    version: usize,
    answerable: &[String],
) -> (String, Vec<String>) {
    let id = format!("a{index}");
    let own = format!("{id}/");
    let answerable: Vec<&String> = answerable.iter().filter(|c| !c.starts_with(&own)).collect();
    let mut claims = String::new();
    let mut sentences = Vec::new();
    let mut defined = Vec::new();
    // Documents: up to three of the shared ones, each relayed by the article or by
    // another of them (chains that differ between versions).
    let mut documents: Vec<&str> = Vec::new();
    for _ in 0..rng.below(4) {
        let d = rng.pick(&DOCUMENTS);
        if !documents.contains(&d) {
            documents.push(d);
        }
    }
    let mut document_defs = String::new();
    for (i, d) in documents.iter().enumerate() {
        let _ = writeln!(
            document_defs,
            "[[document]]\nid = \"{d}\"\nkind = \"report\"\nauthor = \"{}\"",
            COMPANIES[i % COMPANIES.len()]
        );
        if i > 0 && rng.chance(50) {
            let _ = writeln!(document_defs, "via = \"{}\"", documents[rng.below(i)]);
        }
        document_defs.push('\n');
    }
    let claimants: Vec<&str> = COMPANIES
        .iter()
        .chain(GOVERNMENTS.iter())
        .copied()
        .chain(["publisher"])
        .collect();
    let n = rng.below(7);
    for c in 0..n {
        let claim_id = format!("c{c}");
        let sentence = format!("Sentence {c} of {id} in version {version}.");
        let claimant = rng.pick(&claimants);
        let respond = !answerable.is_empty() && rng.chance(40);
        let kind = if respond {
            rng.pick(&RESPONSES)
        } else if rng.chance(50) {
            "allegation"
        } else {
            "official-action"
        };
        let _ = writeln!(
            claims,
            "[[claim]]\nid = \"{claim_id}\"\nkind = \"{kind}\"\nclaimant = \"{claimant}\"\nstatement = \"Statement {c}.\"\nquote = \"{sentence}\""
        );
        if !documents.is_empty() && rng.chance(85) {
            let _ = writeln!(claims, "document = \"{}\"", rng.pick(&documents));
        }
        let about: Vec<String> = (0..rng.below(3))
            .map(|_| format!("\"{}\"", rng.pick(&COMPANIES)))
            .collect();
        if !about.is_empty() {
            let _ = writeln!(claims, "about = [{}]", about.join(", "));
        }
        if respond {
            let targets: Vec<String> = (0..1 + rng.below(2))
                .map(|_| format!("\"{}\"", answerable[rng.below(answerable.len())]))
                .collect();
            let _ = writeln!(claims, "answers = [{}]", targets.join(", "));
        }
        // Few propositions, so that many claims share one.
        if !respond || rng.chance(30) {
            let subject = rng.pick(&COMPANIES[..2]);
            let (predicate, object) = if rng.chance(50) {
                ("addedTo", "watch-list")
            } else {
                ("providesWebHostingTo", rng.pick(&COMPANIES[2..]))
            };
            let _ = writeln!(
                claims,
                "\n[[claim.proposition]]\nsubject = \"{subject}\"\npredicate = \"{predicate}\"\nobject = \"{object}\""
            );
        }
        claims.push('\n');
        sentences.push(sentence);
        defined.push(format!("{id}/{claim_id}"));
    }
    let sheet = format!(
        "[article]\nid = \"{id}\"\ntitle = \"Article {index}\"\nlanguage = \"en\"\npublisher = \"{}\"\ntext = '''\n{}\n'''\n\n{document_defs}{claims}",
        rng.pick(&COMPANIES),
        sentences.join(" ")
    );
    (sheet, defined)
}

/// Imports a batch folder and checks what the import derived against a full derivation
/// and against the SPARQL reference (which then stays, as the next batch's start).
fn import_and_compare(store: &GraphStore, folder: &Path, seed: u64, batch: usize) {
    let summary = import::import_paths(store, &[folder.to_owned()], &|_, _| {}).unwrap();
    assert!(
        summary.ok(),
        "seed {seed} batch {batch}: {}",
        summary.failures[0].message
    );
    if batch == 0 {
        // The store held the entities only: the batch is derived from memory.
        assert!(summary.derived_in_memory, "seed {seed}");
    }
    let incremental = store.derived_triples().unwrap();
    store.derive().unwrap();
    let full = store.derived_triples().unwrap();
    store.derive_reference().unwrap();
    let reference = store.derived_triples().unwrap();
    assert_eq!(
        full, reference,
        "seed {seed} batch {batch}: the full derivation differs from derive-status.ru"
    );
    assert_eq!(
        incremental, reference,
        "seed {seed} batch {batch}: the import's incremental derivation differs from a full one"
    );

    // The same folder again: every article is skipped as stored, nothing is derived.
    // (An answer whose claim a later sheet of the batch took away is now refused.)
    let again = import::import_paths(store, &[folder.to_owned()], &|_, _| {}).unwrap();
    assert_eq!(
        (again.articles, again.unchanged + again.failures.len()),
        (0, summary.articles),
        "seed {seed} batch {batch}: re-importing unchanged sheets wrote something: {again:?}"
    );
    assert_eq!(again.derivation.rederived, 0, "seed {seed} batch {batch}");
    assert_eq!(store.derived_triples().unwrap(), reference);
}

#[test]
fn incremental_status_derivation_equals_full_derivation_on_randomized_corpora() {
    let mut compared_corroborations = 0;
    for seed in 1..=24u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let dir = tempfile::tempdir().unwrap();
        let store = GraphStore::in_memory(Iris::new(DEFAULT_BASE).unwrap()).unwrap();
        std::fs::write(dir.path().join("entities.toml"), entities_sheet()).unwrap();
        import::import_paths(&store, &[dir.path().join("entities.toml")], &|_, _| {}).unwrap();
        // Claims in the store by article, to answer and to re-import.
        let mut claims: Vec<Vec<String>> = Vec::new();
        let mut version = 0;
        for batch in 0..8 {
            let folder = dir.path().join(format!("batch-{batch}"));
            std::fs::create_dir_all(&folder).unwrap();
            let answerable: Vec<String> = claims.iter().flatten().cloned().collect();
            // New articles, and re-imports of stored ones (sometimes with no claims: the
            // article's claims and responses leave the store).
            let mut chosen = Vec::new();
            for _ in 0..1 + rng.below(5) {
                let index = if claims.is_empty() || rng.chance(50) {
                    claims.push(Vec::new());
                    claims.len() - 1
                } else {
                    rng.below(claims.len())
                };
                if !chosen.contains(&index) {
                    chosen.push(index);
                }
            }
            for index in chosen {
                version += 1;
                let (mut sheet, mut defined) = article_sheet(&mut rng, index, version, &answerable);
                if rng.chance(10) {
                    // No claims at all: what the article said is gone.
                    sheet = sheet.split("[[claim]]").next().unwrap().to_owned();
                    defined.clear();
                }
                std::fs::write(folder.join(format!("a{index}.toml")), sheet).unwrap();
                claims[index] = defined;
            }
            import_and_compare(&store, &folder, seed, batch);
        }
        compared_corroborations += store
            .derived_triples()
            .unwrap()
            .iter()
            .filter(|t| t.contains("corroboratedBy"))
            .count();
        // One article re-imported on its own, as the server's watcher does: its
        // transaction derives what it touched.
        let sheet_path = dir.path().join("batch-7").join("single.toml");
        let (sheet, _) = article_sheet(&mut rng, 0, version + 1, &[]);
        std::fs::write(&sheet_path, sheet).unwrap();
        let sheet = claimgraph::model::sheet::Sheet::read(&sheet_path).unwrap();
        let known = import::known_for(&store, std::slice::from_ref(&sheet)).unwrap();
        import::import_sheet(&store, &sheet, &known).unwrap();
        let incremental = store.derived_triples().unwrap();
        store.derive_reference().unwrap();
        assert_eq!(
            incremental,
            store.derived_triples().unwrap(),
            "seed {seed}: re-importing one sheet derived other statuses than a full derivation"
        );
    }
    // The corpora exercise the costly rule, not only responses.
    assert!(compared_corroborations > 20, "{compared_corroborations}");
}

#[test]
fn derive_check_names_a_wrong_status_and_derive_repairs_it() {
    let store = common::TestStore::new();
    store.import_seed();
    let (code, out) = store.run(&["derive", "--check"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 derived triple(s) differ"), "{out}");
    // A status no rule gives, written behind the import's back.
    {
        let opened = GraphStore::open(&store.path(), Iris::new(DEFAULT_BASE).unwrap()).unwrap();
        let claim = opened.iris().claim("alibaba-pla-memo", "bogus");
        opened
            .embedded()
            .expect("an embedded store")
            .insert(oxigraph::model::QuadRef::new(
                &claim,
                claimgraph::model::vocab::cg::STATUS,
                claimgraph::model::vocab::cg::CLAIM,
                oxigraph::model::GraphNameRef::DefaultGraph,
            ))
            .unwrap();
        opened.flush().unwrap();
    }
    let (code, out) = store.run(&["derive", "--check"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("- <https://claimgraph.example/id/claim/alibaba-pla-memo/bogus>"),
        "{out}"
    );
    assert!(out.contains("1 derived triple(s) differ"), "{out}");
    let (code, out) = store.run(&["derive"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = store.run(&["derive", "--check"]);
    assert_eq!(code, 0, "{out}");
    // The reference rules agree with what `derive` wrote.
    let (code, out) = store.run(&["derive", "--reference"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = store.run(&["derive", "--check"]);
    assert_eq!(code, 0, "{out}");
}

/// A whole corpus written into a bare store is derived from memory while it is written
/// ([`claimgraph::write::derive::BatchFacts`]): the statuses must be those of a full
/// derivation and of the reference rules, also with responses to claims of the same
/// batch and with facts a plain RDF file of the batch brought (a claim of its own whose
/// proposition the sheets share).
#[test]
fn a_batch_into_a_bare_store_derived_in_memory_equals_full_derivation_on_randomized_corpora() {
    use claimgraph::model::vocab::cg;
    use oxigraph::model::GraphNameRef;

    let mut corroborated_by_the_rdf_claim = 0;
    for seed in 1..=16u64 {
        let mut rng = Rng(seed.wrapping_mul(0x2545_f491_4f6c_dd1d) | 1);
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir_all(&corpus).unwrap();
        std::fs::write(corpus.join("entities.toml"), entities_sheet()).unwrap();
        // Later articles answer claims of earlier ones, all in the one batch.
        let mut answerable: Vec<String> = Vec::new();
        for index in 0..6 + rng.below(10) {
            let (sheet, defined) = article_sheet(&mut rng, index, 1, &answerable);
            std::fs::write(corpus.join(format!("a{index}.toml")), sheet).unwrap();
            answerable.extend(defined);
        }
        let import_into_bare_store = |paths: &[std::path::PathBuf]| {
            let store = GraphStore::in_memory(Iris::new(DEFAULT_BASE).unwrap()).unwrap();
            let summary = import::import_paths(&store, paths, &|_, _| {}).unwrap();
            assert!(summary.ok(), "seed {seed}: {}", summary.failures[0].message);
            assert!(
                summary.derived_in_memory,
                "seed {seed}: a batch into a bare store was derived in the store"
            );
            let in_memory = store.derived_triples().unwrap();
            store.derive().unwrap();
            assert_eq!(
                store.derived_triples().unwrap(),
                in_memory,
                "seed {seed}: the in-memory derivation differs from a full one"
            );
            store.derive_reference().unwrap();
            assert_eq!(
                store.derived_triples().unwrap(),
                in_memory,
                "seed {seed}: the in-memory derivation differs from derive-status.ru"
            );
            (store, in_memory)
        };
        let (store, _) = import_into_bare_store(std::slice::from_ref(&corpus));

        // A claim from plain RDF, sharing the first proposition triple of the batch.
        let shared = store
            .quads_for_pattern(
                None,
                Some(cg::HAS_PROPOSITION),
                None,
                Some(GraphNameRef::DefaultGraph),
            )
            .filter_map(|q| match q.unwrap().object {
                oxigraph::model::Term::NamedNode(graph) => store
                    .quads_for_pattern(None, None, None, Some(graph.as_ref().into()))
                    .next()
                    .map(|q| q.unwrap()),
                _ => None,
            })
            .next();
        let Some(shared) = shared else {
            continue;
        };
        let trig = format!(
            "@prefix cg: <https://claimgraph.example/ns#> .\n\
             <http://example.org/claim/1> a cg:Claim ; cg:claimant <http://example.org/someone> ;\n\
             \x20 cg:madeIn <http://example.org/doc> ; cg:hasProposition <http://example.org/prop/1> .\n\
             <http://example.org/prop/1> {{ {} {} {} . }}\n",
            shared.subject, shared.predicate, shared.object
        );
        let rdf = dir.path().join("foreign.trig");
        std::fs::write(&rdf, trig).unwrap();
        let (_, in_memory) = import_into_bare_store(&[rdf, corpus]);
        corroborated_by_the_rdf_claim += in_memory
            .iter()
            .filter(|t| t.ends_with("ns#corroboratedBy> <http://example.org/claim/1>"))
            .count();
    }
    assert!(
        corroborated_by_the_rdf_claim > 10,
        "{corroborated_by_the_rdf_claim}"
    );
}
