//! No import loses or forges data: reference sheets keep their own ledgers, a batch
//! with one article twice is refused, `text_file` stays in the sheet's folder, FIFOs,
//! devices and "billion laughs" cannot hang or abort an import, and `verify` and
//! `check` catch a second content hash.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{repo, TestStore};

/// A minimal article sheet with the given id, text file or inline text.
fn article_sheet(id: &str, text: &str) -> String {
    format!(
        r#"[article]
id = "{id}"
language = "en"
{text}

[[claim]]
id = "c1"
kind = "assertion"
claimant = "publisher"
statement = "Something is said."
quote = "Something is said."
"#
    )
}

fn entity_count(store: &TestStore, slug: &str) -> usize {
    store.count(&format!(
        "SELECT (COUNT(*) AS ?n) WHERE {{ ?e a cg:Entity ; cg:slug \"{slug}\" }}"
    ))
}

fn import_output(store: &TestStore, paths: &[&Path]) -> (i32, String) {
    let out = store
        .cmd()
        .arg("import")
        .args(paths)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn reference_sheets_with_the_same_file_name_keep_their_own_entities() {
    let store = TestStore::new();
    store.import_seed();
    assert_eq!(entity_count(&store, "hikvision"), 1);
    let other = store.dir.path().join("other-project");
    std::fs::create_dir_all(&other).unwrap();
    let sheet = other.join("entities.toml");
    let entity = |id: &str| {
        format!("[[entity]]\nid = \"{id}\"\nkind = \"company\"\nlabel_en = \"{id}\"\nlabel_de = \"{id}\"\n")
    };
    std::fs::write(&sheet, entity("acme-widgets")).unwrap();
    store.import(&[&sheet]);
    assert_eq!(
        entity_count(&store, "hikvision"),
        1,
        "the seed's entities must stay"
    );
    assert_eq!(entity_count(&store, "acme-widgets"), 1);
    // Re-importing the same sheet replaces exactly what it contributed.
    std::fs::write(&sheet, entity("globex-tools")).unwrap();
    store.import(&[&sheet]);
    assert_eq!(entity_count(&store, "acme-widgets"), 0);
    assert_eq!(entity_count(&store, "globex-tools"), 1);
    assert_eq!(entity_count(&store, "hikvision"), 1);
    // And the seed's sheet imported again still replaces its own contribution only.
    store.import(&[&repo().join("data/entities.toml")]);
    assert_eq!(entity_count(&store, "globex-tools"), 1);
    assert_eq!(entity_count(&store, "hikvision"), 1);
}

#[test]
fn two_sheets_with_one_article_id_are_refused_naming_both() {
    let store = TestStore::new();
    let dir = store.dir.path().join("batch");
    std::fs::create_dir_all(&dir).unwrap();
    let text = "text = \"Something is said.\"";
    std::fs::write(dir.join("a.toml"), article_sheet("same-id", text)).unwrap();
    std::fs::write(dir.join("b.toml"), article_sheet("same-id", text)).unwrap();
    std::fs::write(dir.join("c.toml"), article_sheet("other-id", text)).unwrap();
    let (code, out) = import_output(&store, &[&dir]);
    assert_eq!(code, 1, "{out}");
    for name in ["a.toml", "b.toml"] {
        assert!(
            out.contains(&format!("{name}:2:")),
            "{name} not named: {out}"
        );
    }
    assert!(out.contains("is also defined by"), "{out}");
    assert!(out.contains("imported 1 article(s)"), "{out}");
    let articles = |id: &str| {
        store.count(&format!(
            "SELECT (COUNT(*) AS ?n) WHERE {{ ?a a cg:Article ; cg:slug \"{id}\" }}"
        ))
    };
    assert_eq!(articles("same-id"), 0);
    assert_eq!(articles("other-id"), 1);
}

#[test]
fn text_file_outside_the_sheets_folder_is_refused() {
    let store = TestStore::new();
    let dir = store.dir.path().join("sheets");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(store.dir.path().join("outside.txt"), "Something is said.").unwrap();
    std::fs::write(dir.join("sub/inside.txt"), "Something is said.").unwrap();
    let cases = [
        ("absolute", "/etc/hostname", "absolute path"),
        ("parent", "../outside.txt", "leaves the sheet's folder"),
        (
            "sneaky",
            "sub/../../outside.txt",
            "leaves the sheet's folder",
        ),
        ("linked", "link.txt", "outside the sheet's folder"),
    ];
    #[cfg(unix)]
    std::os::unix::fs::symlink(store.dir.path().join("outside.txt"), dir.join("link.txt")).unwrap();
    for (id, file, _) in &cases {
        let sheet = article_sheet(id, &format!("text_file = \"{file}\""));
        std::fs::write(dir.join(format!("{id}.toml")), sheet).unwrap();
    }
    std::fs::write(
        dir.join("fine.toml"),
        article_sheet("fine", "text_file = \"sub/inside.txt\""),
    )
    .unwrap();
    let (code, out) = import_output(&store, &[&dir]);
    assert_eq!(code, 1, "{out}");
    for (id, _, message) in &cases {
        let line = out
            .lines()
            .find(|l| l.contains(&format!("{id}.toml:")) && l.contains("article.text_file"))
            .unwrap_or_else(|| panic!("no error for {id}: {out}"));
        assert!(line.contains(message), "{id}: {line}");
    }
    assert!(out.contains("imported 1 article(s)"), "{out}");
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_sheet_does_not_hang_the_import() {
    let store = TestStore::new();
    let dir = store.dir.path().join("sheets");
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("x.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    std::fs::write(
        dir.join("fine.toml"),
        article_sheet("fine", "text = \"Something is said.\""),
    )
    .unwrap();
    // As part of a folder and named on its own: refused at once, never waited on.
    for target in [&dir, &fifo] {
        let (code, out) = import_output(&store, &[target]);
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("x.toml: not a regular file (a FIFO)"), "{out}");
    }
}

#[cfg(unix)]
#[test]
fn a_device_named_like_a_sheet_or_text_is_not_read() {
    let store = TestStore::new();
    let dir = store.dir.path().join("sheets");
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.toml")).unwrap();
    let (code, out) = import_output(&store, &[&dir]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("zero.toml: not a regular file (a device)"),
        "{out}"
    );
}

/// About a kilobyte of RDF/XML whose nine levels of entities would expand to 3 GB.
fn billion_laughs() -> String {
    let mut doc =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE rdf:RDF [\n<!ENTITY lol0 \"lol\">\n");
    for i in 1..10 {
        let refs = format!("&lol{};", i - 1).repeat(10);
        doc.push_str(&format!("<!ENTITY lol{i} \"{refs}\">\n"));
    }
    doc.push_str("]>\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"http://example.org/x\"><rdf:value>&lol9;</rdf:value></rdf:Description></rdf:RDF>\n");
    doc
}

#[test]
fn an_rdfxml_billion_laughs_is_refused_with_a_clear_error() {
    let store = TestStore::new();
    let file = store.dir.path().join("laughs.rdf");
    let doc = billion_laughs();
    assert!(doc.len() < 1500);
    std::fs::write(&file, doc).unwrap();
    let (code, out) = import_output(&store, &[&file]);
    assert_eq!(code, 1, "the import must refuse the file, not abort: {out}");
    assert!(
        out.contains("laughs.rdf: the RDF/XML entity 'lol") && out.contains("expands to more than"),
        "{out}"
    );
}

#[test]
fn an_rdf_file_over_the_size_cap_is_refused() {
    let store = TestStore::new();
    let file = store.dir.path().join("huge.nt");
    let line = "<http://example.org/s> <http://example.org/p> \"o\" .\n";
    let copies = (claimgraph::write::input::MAX_RDF_BYTES as usize) / line.len() + 1;
    std::fs::write(&file, line.repeat(copies)).unwrap();
    let (code, out) = import_output(&store, &[&file]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("huge.nt: larger than the 64 MiB"), "{out}");
}

#[test]
fn verify_and_check_fail_on_a_second_content_hash() {
    use claimgraph::model::graph::{Iris, DEFAULT_BASE};
    use claimgraph::model::vocab::cg;
    use claimgraph::store::GraphStore;
    use oxigraph::model::{GraphNameRef, Literal, NamedNode, QuadRef, Term};

    let store = TestStore::new();
    store.import(&[&repo().join("data")]);
    assert_eq!(store.run(&["verify"]).0, 0);
    let article = "alibaba-pla-memo";
    let iris = Iris::new(DEFAULT_BASE).unwrap();
    let article_iri = iris.article(article);
    let ledger = iris.article_ledger(article);
    let claim = iris.claim(article, "alibaba-supplies-pla");
    let forged = Literal::new_language_tagged_literal_unchecked("Forged words.", "en");
    let both = |graph_store: &GraphStore,
                s: &NamedNode,
                p: oxigraph::model::NamedNodeRef<'_>,
                o: &Term| {
        for g in [
            GraphNameRef::DefaultGraph,
            GraphNameRef::NamedNode(ledger.as_ref()),
        ] {
            graph_store
                .embedded()
                .expect("an embedded store")
                .insert(QuadRef::new(s, p, o, g))
                .unwrap();
        }
    };
    {
        let writer = GraphStore::open(&store.path(), iris.clone()).unwrap();
        both(&writer, &claim, cg::STATEMENT, &forged.clone().into());
        writer.publish().unwrap();
    }
    // The forged statement is caught; the forger learns the hash it now has...
    let (code, out) = store.run(&["verify"]);
    assert_eq!(code, 1, "{out}");
    let new_hash = out
        .split("ledger hashes to ")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .expect("the recomputed hash")
        .to_owned();
    // ...and records it beside the real one, in the ledger and the default graph.
    {
        let writer = GraphStore::open(&store.path(), iris.clone()).unwrap();
        both(
            &writer,
            &article_iri,
            cg::CONTENT_HASH,
            &Literal::new_simple_literal(&new_hash).into(),
        );
        writer.publish().unwrap();
    }
    let (code, out) = store.run(&["verify"]);
    assert_eq!(code, 1, "verify must not pass on two hashes: {out}");
    assert!(
        out.contains(&format!("MISMATCH  {article}: 2 content hashes recorded")),
        "{out}"
    );
    let (code, out) = store.run(&["check"]);
    assert_eq!(code, 1, "check must not pass on two hashes: {out}");
    assert!(
        out.contains("cg:contentHash") || out.contains("content hash"),
        "{out}"
    );
}

#[test]
fn an_article_imported_from_a_machine_draft_verifies() {
    let store = TestStore::new();
    store.import(&[&repo().join("data/entities.toml")]);
    let text = common::fixture("extract/uk-zte-ban.txt");
    let (code, out) = store.run(&[
        "import",
        "--extract",
        text.to_str().unwrap(),
        "--id",
        "drafted",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 0, "{out}");
    // The draft's confidences (0.5, 0.60...) are stored as canonical decimals.
    let confidences = store.count("SELECT (COUNT(*) AS ?n) WHERE { ?c cg:confidence ?x }");
    assert!(confidences > 0, "the draft has machine-drafted claims");
    let (code, out) = store.run(&["verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ok        drafted"), "{out}");
}
