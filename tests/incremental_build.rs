//! Incremental `build`: after an import, a build renders only the pages the import
//! changed, removes the pages of resources that are gone, and leaves the folder exactly
//! as a full build of the same store would (same files, same bytes).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use claimgraph::model::graph::{Contribution, Iris, DEFAULT_BASE};
use claimgraph::publish::kept_rows::{load_entity, KeptRows};
use claimgraph::publish::manifest::{
    is_build_record, Manifest, Pending, MANIFEST_FILE, PENDING_FILE,
};
use claimgraph::publish::site::{BuildOptions, BuildReport, Site};
use claimgraph::read::view::{self, index};
use claimgraph::store::GraphStore;
use claimgraph::write::import::import_paths;
use common::{repo, TestStore};
use oxigraph::model::NamedNode;

#[path = "../benches/corpus.rs"]
mod corpus;

const STORE_ID: &str = "incremental-build-test";

fn import(store: &GraphStore, paths: &[PathBuf]) {
    let summary = import_paths(store, paths, &|_, _| {}).unwrap();
    assert!(summary.ok(), "import failed: {:?}", summary.failures);
}

/// Builds `store` into `out` as the `build` command does: incrementally when the
/// folder's manifest allows.
fn build(store: &GraphStore, out: &Path) -> BuildReport {
    let report = build_quietly(store, out);
    println!(
        "rendered {} of {} paths, removed {}, in {:?} ({:?})",
        report.rendered, report.total, report.removed, report.elapsed, report.full
    );
    report
}

fn build_quietly(store: &GraphStore, out: &Path) -> BuildReport {
    build_in_pages_of(store, out, None)
}

/// [`build_quietly`] with lists and entity pages cut into pages of `page_size` items
/// (`None`: the site's default).
fn build_in_pages_of(store: &GraphStore, out: &Path, page_size: Option<usize>) -> BuildReport {
    let options = BuildOptions {
        store_id: STORE_ID.to_owned(),
        ..BuildOptions::default()
    };
    site_in_pages_of(store, page_size)
        .build_with(store, out, &options)
        .expect("build")
}

fn site_in_pages_of(store: &GraphStore, page_size: Option<usize>) -> Site {
    let site = Site::new(store.iris().clone()).unwrap();
    match page_size {
        Some(size) => site.with_page_size(size),
        None => site,
    }
}

/// Every file under `dir` but the build's own records, with its bytes.
fn site_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                if !is_build_record(&rel) {
                    out.insert(rel, std::fs::read(&p).unwrap());
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Asserts that the incrementally built `site` holds what a full build of `store` into
/// an empty folder holds, naming the first few differences.
fn assert_same_as_full_build(store: &GraphStore, site: &Path) {
    assert_same_as_full_build_in_pages_of(store, site, None)
}

fn assert_same_as_full_build_in_pages_of(
    store: &GraphStore,
    site: &Path,
    page_size: Option<usize>,
) {
    let full = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    site_in_pages_of(store, page_size)
        .build(store, full.path(), false)
        .expect("full build");
    println!("full build for comparison: {:?}", started.elapsed());
    // The rows kept for the next build: those an incremental build patched must be
    // those a full build read.
    let kept = |dir: &Path| {
        let manifest: Manifest =
            serde_json::from_slice(&std::fs::read(dir.join(MANIFEST_FILE)).unwrap()).unwrap();
        KeptRows::load(dir, &manifest.rows_stamp)
            .expect("the build kept the claim rows under its manifest's stamp")
            .tables
    };
    let (kept_full, kept_incremental) = (kept(full.path()), kept(site));
    // So must the rows kept of each large entity, and of the same entities.
    let kept_entities = |dir: &Path| {
        let manifest: Manifest =
            serde_json::from_slice(&std::fs::read(dir.join(MANIFEST_FILE)).unwrap()).unwrap();
        manifest
            .entity_rows
            .iter()
            .map(|(stem, stamp)| {
                let tables = load_entity(dir, stem, stamp)
                    .unwrap_or_else(|| panic!("{stem}: no rows kept under its stamp"));
                (stem.clone(), tables)
            })
            .collect::<BTreeMap<_, _>>()
    };
    let (entities_full, entities_incremental) = (kept_entities(full.path()), kept_entities(site));
    assert_eq!(
        entities_full.keys().collect::<Vec<_>>(),
        entities_incremental.keys().collect::<Vec<_>>(),
        "the entities whose rows are kept"
    );
    for (stem, tables) in &entities_full {
        let patched = &entities_incremental[stem];
        assert_eq!(
            tables.keys().collect::<Vec<_>>(),
            patched.keys().collect::<Vec<_>>()
        );
        for (name, table) in tables {
            assert!(
                table.variables == patched[name].variables && table.rows == patched[name].rows,
                "{stem} {name}: the kept rows differ from a full reading"
            );
        }
    }
    assert_eq!(
        kept_full.keys().collect::<Vec<_>>(),
        kept_incremental.keys().collect::<Vec<_>>()
    );
    for (name, table) in &kept_full {
        let patched = &kept_incremental[name];
        assert_eq!(table.variables, patched.variables, "{name}");
        assert!(
            table.rows == patched.rows,
            "{name}: the kept rows differ from a full reading"
        );
    }
    let expected = site_files(full.path());
    let actual = site_files(site);
    let missing: Vec<&String> = expected
        .keys()
        .filter(|k| !actual.contains_key(*k))
        .collect();
    let extra: Vec<&String> = actual
        .keys()
        .filter(|k| !expected.contains_key(*k))
        .collect();
    let differing: Vec<&String> = expected
        .iter()
        .filter(|(k, v)| actual.get(*k).is_some_and(|a| a != *v))
        .map(|(k, _)| k)
        .collect();
    // A listing file's lines that only one build holds tell which paths differ.
    for path in differing.iter().filter(|p| p.ends_with(".xml")) {
        let lines = |bytes: &[u8]| -> std::collections::BTreeSet<String> {
            String::from_utf8_lossy(bytes)
                .lines()
                .map(str::to_owned)
                .collect()
        };
        let (full, incremental) = (lines(&expected[*path]), lines(&actual[*path]));
        println!(
            "{path}: only in the full build {:?}, only in the incremental one {:?}",
            full.difference(&incremental).take(5).collect::<Vec<_>>(),
            incremental.difference(&full).take(5).collect::<Vec<_>>()
        );
    }
    assert!(
        missing.is_empty() && extra.is_empty() && differing.is_empty(),
        "incremental build differs from a full one: {} missing {:?}, {} extra {:?}, {} differ {:?}",
        missing.len(),
        missing.iter().take(5).collect::<Vec<_>>(),
        extra.len(),
        extra.iter().take(5).collect::<Vec<_>>(),
        differing.len(),
        differing.iter().take(5).collect::<Vec<_>>(),
    );
}

/// A generated corpus of `articles` sheets in a folder, with the last article's sheet
/// held back in a second folder (to be imported later).
struct Corpus {
    dir: tempfile::TempDir,
    held_back: tempfile::TempDir,
    held_back_sheet: PathBuf,
}

fn corpus(articles: usize, seed: u64) -> Corpus {
    let dir = tempfile::tempdir().unwrap();
    corpus::generate(dir.path(), articles, seed).unwrap();
    let last = articles - 1;
    let sheet = dir
        .path()
        .join("articles")
        .join(format!("{:04}", last / 1000))
        .join(format!("{last:07}.toml"));
    let held_back = tempfile::tempdir().unwrap();
    let held_back_sheet = held_back.path().join(format!("{last:07}.toml"));
    std::fs::rename(&sheet, &held_back_sheet).unwrap();
    keep_named_entities(dir.path(), &held_back_sheet);
    Corpus {
        dir,
        held_back,
        held_back_sheet,
    }
}

/// Cuts the generated reference entities (thousands, whatever the corpus's size) down
/// to the countries and the entities the articles name, so that a small corpus makes a
/// small site and each test's builds stay short.
fn keep_named_entities(dir: &Path, held_back_sheet: &Path) {
    let mut named = std::fs::read_to_string(held_back_sheet).unwrap();
    for folder in std::fs::read_dir(dir.join("articles")).unwrap() {
        for sheet in std::fs::read_dir(folder.unwrap().path()).unwrap() {
            named.push_str(&std::fs::read_to_string(sheet.unwrap().path()).unwrap());
        }
    }
    let entities = dir.join("entities.toml");
    let text = std::fs::read_to_string(&entities).unwrap();
    let mut blocks = text.split("\n[[entity]]\n");
    let mut kept = blocks.next().unwrap().to_owned();
    for block in blocks {
        let id = block.lines().find_map(|l| l.strip_prefix("id = ")).unwrap();
        if block.contains("kind = \"country\"") || named.contains(id) {
            kept.push_str("\n[[entity]]\n");
            kept.push_str(block);
        }
    }
    std::fs::write(entities, kept).unwrap();
}

fn sheet_of(corpus: &Corpus, index: usize) -> String {
    let path = corpus
        .dir
        .path()
        .join("articles")
        .join(format!("{:04}", index / 1000))
        .join(format!("{index:07}.toml"));
    std::fs::read_to_string(path).unwrap()
}

/// The id and first `about` entity of the first claim of a generated sheet that is not
/// a response.
fn first_claim(sheet: &str) -> (String, String) {
    for block in sheet.split("\n[[claim]]\n").skip(1) {
        if block.contains("answers = ") {
            continue;
        }
        let field = |name: &str| {
            block
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{name} = ")))
                .unwrap()
                .to_owned()
        };
        let id = field("id").trim_matches('"').to_owned();
        let about = field("about");
        let about = about
            .trim_start_matches("[\"")
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        return (id, about);
    }
    panic!("no claim in the sheet");
}

/// `sheet` with one more claim: a denial by `entity` of `target` ("article/claim"),
/// its quote added to the article's text.
fn with_denial(sheet: &str, entity: &str, target: &str) -> String {
    let quote = format!("A spokesperson for {entity} rejected the report outright.");
    let text_start = sheet.find("text = '''\n").unwrap() + "text = '''\n".len();
    let text_end = text_start + sheet[text_start..].find("'''").unwrap();
    format!(
        "{}\n{quote}{}\n[[claim]]\nid = \"incremental-denial\"\nkind = \"denial\"\nclaimant = \"{entity}\"\nabout = [\"{entity}\"]\nstatement = \"{entity} denies the report.\"\nquote = '''{quote}'''\nanswers = [\"{target}\"]\n",
        &sheet[..text_end].trim_end(),
        &sheet[text_end..],
    )
}

/// Removes from `store` what the sheet of article `id` contributed, as deleting the
/// sheet and importing does.
fn delete_article(store: &GraphStore, id: &str) {
    let iris = store.iris().clone();
    store
        .replace(
            &Contribution {
                ledger: iris.article_ledger(id),
                triples: Vec::new(),
                graphs: Vec::new(),
                article: Some(id.to_owned()),
                claims: 0,
            },
            true,
        )
        .unwrap();
}

/// A generated corpus (one article held back), its store, and a first build of it.
fn built(articles: usize, seed: u64) -> (Corpus, GraphStore, tempfile::TempDir) {
    let corpus = corpus(articles, seed);
    let store = GraphStore::in_memory(Iris::new(DEFAULT_BASE).unwrap()).unwrap();
    import(&store, &[corpus.dir.path().to_owned()]);
    let site = tempfile::tempdir().unwrap();
    let first = build(&store, site.path());
    assert!(
        first.full.is_some(),
        "the first build of a folder is a full one"
    );
    assert_eq!(first.rendered, first.total);
    (corpus, store, site)
}

#[test]
fn incremental_build_equals_a_full_build_after_adding_changing_and_deleting_articles() {
    let (corpus, store, site) = built(12, 23);

    // (1) An article added.
    import(&store, std::slice::from_ref(&corpus.held_back_sheet));
    let added = build(&store, site.path());
    assert_eq!(added.full, None, "an article added builds incrementally");
    assert!(added.rows_patched.is_some(), "rows patched");
    let (_, _, downloads) = added.entities_kept;
    assert!(downloads > 0, "claims downloads patched: {added:?}");
    assert_same_as_full_build(&store, site.path());
    let added_article = site.path().join("id/article/synthetic-0000011.html");
    assert!(added_article.exists(), "the new article's page was written");

    // (2) The added article changed: it now denies a claim of another article, whose
    // status (shown on that claim's page, its article's, its entities') changes.
    let target_sheet = sheet_of(&corpus, 3);
    let (claim, entity) = first_claim(&target_sheet);
    let claim_page = site
        .path()
        .join(format!("id/claim/synthetic-0000003/{claim}.html"));
    let before = std::fs::read(&claim_page).unwrap();
    let changed = with_denial(
        &std::fs::read_to_string(&corpus.held_back_sheet).unwrap(),
        &entity,
        &format!("synthetic-0000003/{claim}"),
    );
    std::fs::write(&corpus.held_back_sheet, changed).unwrap();
    import(&store, std::slice::from_ref(&corpus.held_back_sheet));
    let responded = build(&store, site.path());
    assert_eq!(responded.full, None);
    assert!(responded.rows_patched.is_some(), "rows patched");
    assert_ne!(
        std::fs::read(&claim_page).unwrap(),
        before,
        "the denied claim's page was rendered again"
    );
    assert_same_as_full_build(&store, site.path());

    // (3) An article deleted: what its sheet contributed removed from the store.
    let gone = "synthetic-0000005";
    delete_article(&store, gone);
    let deleted = build(&store, site.path());
    assert_eq!(deleted.full, None);
    assert!(deleted.rows_patched.is_some(), "rows patched");
    assert!(
        deleted.removed > 0,
        "the deleted article's pages are removed"
    );
    assert!(!site.path().join(format!("id/article/{gone}.html")).exists());
    assert!(!site
        .path()
        .join(format!("de/id/article/{gone}.html"))
        .exists());
    assert!(!site.path().join(format!("id/claim/{gone}")).exists());
    assert_same_as_full_build(&store, site.path());
    drop(corpus.held_back);
}

#[test]
fn incremental_build_with_small_pages_carries_or_recounts_every_list_and_entity_page() {
    // Pages of 3 items: every list and most entities' claims span many pages, and an
    // article added or removed shifts list pages and changes entities' page counts.
    const SIZE: Option<usize> = Some(3);
    let corpus = corpus(10, 53);
    let store = GraphStore::in_memory(Iris::new(DEFAULT_BASE).unwrap()).unwrap();
    import(&store, &[corpus.dir.path().to_owned()]);
    let site = tempfile::tempdir().unwrap();
    let first = build_in_pages_of(&store, site.path(), SIZE);
    assert!(first.full.is_some());
    let entity_pages = |dir: &Path| {
        site_files(dir)
            .into_keys()
            .filter(|p| p.starts_with("id/") && p.contains(".from-"))
            .count()
    };
    assert!(
        entity_pages(site.path()) > 10,
        "entities' claims span pages"
    );

    // An article added: its claims join entities' pages and every list.
    import(&store, std::slice::from_ref(&corpus.held_back_sheet));
    let added = build_in_pages_of(&store, site.path(), SIZE);
    assert_eq!(added.full, None, "an article added builds incrementally");
    assert!(added.rendered * 2 < added.total, "{added:?}");
    assert_same_as_full_build_in_pages_of(&store, site.path(), SIZE);

    // An article removed: lists shrink, entities lose claims and pages.
    let gone = "synthetic-0000002";
    delete_article(&store, gone);
    let removed = build_in_pages_of(&store, site.path(), SIZE);
    assert_eq!(removed.full, None);
    assert!(removed.removed > 0, "{removed:?}");
    assert!(
        removed.entities_kept.1 > 0,
        "large entities' rows patched: {removed:?}"
    );
    assert_same_as_full_build_in_pages_of(&store, site.path(), SIZE);
    drop(corpus.held_back);
}

#[test]
fn an_entitys_digest_cuts_it_into_pages_exactly_when_the_whole_store_counts_say_so() {
    // A full build lists an entity's later pages when the whole-store counts say it has
    // more than one page; an incremental build takes them from the digest of each
    // entity a change reached. The two must agree, or they would list different pages.
    let corpus = corpus(20, 59);
    let store = GraphStore::in_memory(Iris::new(DEFAULT_BASE).unwrap()).unwrap();
    import(&store, &[corpus.dir.path().to_owned()]);
    const PAGE: usize = 4;
    let site = Site::new(store.iris().clone())
        .unwrap()
        .with_page_size(PAGE);
    let src = site.source(&store);
    let cards = index::entity_card_counts(&src).unwrap();
    let relations = view::entity::relation_counts(&src).unwrap();
    let entities = src.select("page-entities", &[]).unwrap();
    let iris: Vec<&str> = entities
        .iter()
        .filter_map(|r| entities.iri(r, "entity"))
        .collect();
    assert!(iris.len() > 20, "{} entities", iris.len());
    let (mut cut, mut whole) = (0, 0);
    for iri in iris {
        let counted = cards.get(iri).copied().unwrap_or(0) > PAGE
            || relations.get(iri).copied().unwrap_or(0) > view::entity::RELATION_ROWS_ON_FIRST_PAGE;
        let node = NamedNode::new(iri).unwrap();
        let rows = view::entity::entity_rows(&src, &node).unwrap();
        let digest = view::entity::entity_digest(&src, &node, &rows, None).unwrap();
        let first = view::page_path(store.iris(), iri).unwrap();
        let later = digest.paging.later_paths(&first);
        assert_eq!(!later.is_empty(), counted, "{iri}: {later:?}");
        match counted {
            true => cut += 1,
            false => whole += 1,
        }
    }
    assert!(cut > 5 && whole > 5, "{cut} cut, {whole} whole");
}

/// The modification time of every file under `dir`.
fn modified_times(dir: &Path) -> BTreeMap<PathBuf, std::time::SystemTime> {
    let mut out = BTreeMap::new();
    let mut folders = vec![dir.to_owned()];
    while let Some(folder) = folders.pop() {
        for e in std::fs::read_dir(folder).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                folders.push(p);
            } else {
                let modified = std::fs::metadata(&p).unwrap().modified().unwrap();
                out.insert(p, modified);
            }
        }
    }
    out
}

#[test]
fn a_build_with_nothing_changed_renders_nothing_and_touches_no_file() {
    let (corpus, store, site) = built(12, 41);
    let before = modified_times(site.path());
    let unchanged = build(&store, site.path());
    assert_eq!(unchanged.full, None);
    assert_eq!(unchanged.rendered, 0, "nothing changed, nothing rendered");
    assert_eq!(unchanged.removed, 0);
    assert_eq!(modified_times(site.path()), before, "no file was written");
    assert_same_as_full_build(&store, site.path());

    // A change after a build with nothing to do is still found.
    import(&store, std::slice::from_ref(&corpus.held_back_sheet));
    let added = build(&store, site.path());
    assert_eq!(added.full, None);
    assert!(added.rendered > 0);
    assert_same_as_full_build(&store, site.path());
    assert_eq!(build(&store, site.path()).rendered, 0);
}

#[test]
fn an_incremental_build_renders_a_bounded_number_of_pages() {
    let (corpus, store, site) = built(40, 29);
    let unchanged = build(&store, site.path());
    assert_eq!(unchanged.full, None);
    assert_eq!(unchanged.rendered, 0, "nothing changed, nothing rendered");
    import(&store, std::slice::from_ref(&corpus.held_back_sheet));
    let added = build(&store, site.path());
    println!(
        "nothing changed: rendered {} of {} paths in {:?}; one article added: rendered {} of {} in {:?}",
        unchanged.rendered, unchanged.total, unchanged.elapsed, added.rendered, added.total, added.elapsed
    );
    assert!(
        added.rendered < 600 && added.rendered * 4 < added.total,
        "one article added rendered {} of {} paths",
        added.rendered,
        added.total
    );
}

#[test]
fn a_build_cut_off_leaves_a_record_that_the_next_build_renders_again() {
    let (_corpus, store, site) = built(8, 31);
    // A build that was cut off after writing a page from a state no manifest describes,
    // and after it had created a page of a resource since removed.
    let page = "id/article/synthetic-0000002.html".to_owned();
    let orphan = "id/article/no-longer-there.html".to_owned();
    std::fs::write(site.path().join(&page), "half written").unwrap();
    std::fs::write(site.path().join(&orphan), "stale").unwrap();
    Pending::write(site.path(), [&page, &orphan].into_iter()).unwrap();
    let repaired = build(&store, site.path());
    assert_eq!(repaired.full, None);
    assert!(!site.path().join(PENDING_FILE).exists());
    assert_same_as_full_build(&store, site.path());
}

#[test]
fn a_build_of_another_store_or_an_unreadable_manifest_is_a_full_one() {
    let (_corpus, store, site) = built(8, 37);
    let other = BuildOptions {
        store_id: "another store".to_owned(),
        ..BuildOptions::default()
    };
    let report = Site::new(store.iris().clone())
        .unwrap()
        .build_with(&store, site.path(), &other)
        .unwrap();
    assert_eq!(report.full.as_deref(), Some("built from another store"));
    std::fs::write(site.path().join(MANIFEST_FILE), "{not json").unwrap();
    let report = build(&store, site.path());
    assert!(
        report
            .full
            .as_deref()
            .unwrap()
            .starts_with("the manifest is unreadable"),
        "{:?}",
        report.full
    );
    assert_eq!(build(&store, site.path()).full, None);
}

#[test]
fn the_build_command_builds_incrementally_and_full_on_request() {
    let store = TestStore::new();
    store.import_seed();
    let out = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        let output = store
            .cmd()
            .args(["build", "--out"])
            .arg(out.path())
            .args(extra)
            .output()
            .unwrap();
        assert!(output.status.success(), "{:?}", output);
        String::from_utf8(output.stdout).unwrap()
    };
    let first = run(&[]);
    assert!(
        first.contains("(full build: no manifest of an earlier build)"),
        "{first}"
    );
    // A full build reads the default graph into memory once; an incremental one reads
    // the few pages it renders from the store.
    let whole_graph = "read the default graph into memory first:";
    assert!(first.contains(whole_graph), "{first}");
    let second = run(&[]);
    assert!(second.contains("(incremental build)"), "{second}");
    assert!(!second.contains(whole_graph), "{second}");
    let third = run(&["--full"]);
    assert!(third.contains("(full build: asked for)"), "{third}");
    assert!(third.contains(whole_graph), "{third}");
    assert!(repo().join("data").exists());
}

#[test]
fn an_article_added_changes_only_the_list_pages_its_claims_fall_on() {
    // The site lists are cut by content: an article sorted into the middle of the claims
    // list changes the pages its claims (and the claims whose status it changed) fall
    // on, and the first page's total, not every page after it.
    const SIZE: Option<usize> = Some(10);
    let corpus = corpus(40, 61);
    let sheet = std::fs::read_to_string(&corpus.held_back_sheet).unwrap();
    let sheet = sheet.replace("synthetic-0000039", "synthetic-0000019-b");
    std::fs::write(&corpus.held_back_sheet, &sheet).unwrap();
    let store = GraphStore::in_memory(Iris::new(DEFAULT_BASE).unwrap()).unwrap();
    import(&store, &[corpus.dir.path().to_owned()]);
    let site = tempfile::tempdir().unwrap();
    build_in_pages_of(&store, site.path(), SIZE);
    let claim_list = |dir: &Path| -> BTreeMap<String, Vec<u8>> {
        site_files(dir)
            .into_iter()
            .filter(|(p, _)| p.starts_with("claims"))
            .collect()
    };
    let before = claim_list(site.path());
    let statuses = |store: &GraphStore| -> BTreeMap<String, String> {
        let src = site_in_pages_of(store, SIZE);
        let rows = src.source(store).select("page-claims", &[]).unwrap();
        rows.iter()
            .map(|r| {
                (
                    rows.str(r, "slug").unwrap_or_default(),
                    rows.str(r, "status").unwrap_or_default(),
                )
            })
            .collect()
    };
    let statuses_before = statuses(&store);

    import(&store, std::slice::from_ref(&corpus.held_back_sheet));
    let added = build_in_pages_of(&store, site.path(), SIZE);
    assert_eq!(added.full, None);
    let (reread, _) = added
        .rows_patched
        .expect("the rows were patched, not read whole");
    assert!(
        reread > 0 && reread * 4 < statuses_before.len(),
        "{reread} resources read again"
    );
    let after = claim_list(site.path());
    let statuses_after = statuses(&store);
    let touched = statuses_after
        .iter()
        .filter(|(slug, status)| statuses_before.get(*slug) != Some(*status))
        .count();
    let changed = after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(*bytes))
        .count();
    println!(
        "claims list: {} pages before, {} after; {touched} claims added or re-derived; {changed} pages changed",
        before.len(),
        after.len()
    );
    // Each claim added or re-derived changes its page, and when it opens a page or
    // fills one, one or two beside it; the first page announces the new total. (Two
    // languages.)
    assert!(
        changed <= 2 * (3 * touched + 1),
        "{changed} of {} claim list pages changed for {touched} claims",
        after.len()
    );
    assert!(
        changed * 2 < after.len(),
        "{changed} of {} claim list pages changed",
        after.len()
    );
    assert_same_as_full_build_in_pages_of(&store, site.path(), SIZE);
    drop(corpus.held_back);
}

#[test]
fn an_article_added_rerenders_only_the_entity_pages_its_claims_fall_on() {
    // An entity's later pages are cut by content and show their own cards only: an
    // article naming a large entity re-renders the entity's first page (its summary
    // counts every claim) and the later pages its claims fall on, not every page.
    const SIZE: Option<usize> = Some(4);
    let corpus = corpus(40, 67);
    let store = GraphStore::in_memory(Iris::new(DEFAULT_BASE).unwrap()).unwrap();
    import(&store, &[corpus.dir.path().to_owned()]);
    let site = tempfile::tempdir().unwrap();
    build_in_pages_of(&store, site.path(), SIZE);
    let later_pages = |dir: &Path| -> BTreeMap<String, (Vec<u8>, std::time::SystemTime)> {
        site_files(dir)
            .into_iter()
            .filter(|(p, _)| p.starts_with("id/") && p.contains(".from-"))
            .map(|(p, bytes)| {
                let written = std::fs::metadata(dir.join(&p)).unwrap().modified().unwrap();
                (p, (bytes, written))
            })
            .collect()
    };
    let firsts = |dir: &Path| {
        site_files(dir)
            .into_iter()
            .filter(|(p, _)| p.starts_with("id/") && p.ends_with(".html") && !p.contains(".from-"))
    };
    let firsts_before: BTreeMap<String, Vec<u8>> = firsts(site.path()).collect();
    let before = later_pages(site.path());

    import(&store, std::slice::from_ref(&corpus.held_back_sheet));
    let added = build_in_pages_of(&store, site.path(), SIZE);
    assert_eq!(added.full, None);
    let after = later_pages(site.path());
    // The entities whose first page changed: those the article names.
    let named: Vec<String> = firsts(site.path())
        .filter(|(p, bytes)| {
            !p.starts_with("id/claim/")
                && !p.starts_with("id/article/")
                && !p.starts_with("id/doc/")
                && firsts_before.get(p) != Some(bytes)
        })
        .map(|(p, _)| p.trim_end_matches(".html").to_owned())
        .collect();
    let of_named = |p: &&String| named.iter().any(|stem| p.starts_with(&format!("{stem}.")));
    let pages: Vec<&String> = after.keys().filter(of_named).collect();
    let rewritten = pages
        .iter()
        .filter(|p| before.get(**p).map(|(_, t)| t) != Some(&after[**p].1))
        .count();
    let changed = pages
        .iter()
        .filter(|p| before.get(**p).map(|(b, _)| b) != Some(&after[**p].0))
        .count();
    println!(
        "{} entities named; {} later pages of theirs, {changed} changed, {rewritten} rendered again",
        named.len(),
        pages.len()
    );
    assert!(
        pages.len() > 20,
        "the named entities have later pages: {}",
        pages.len()
    );
    assert!(rewritten >= changed, "a changed page was not rendered");
    // The named large entities' rows were patched from those the first build kept,
    // not read whole; the comparison below holds them to a whole reading.
    let (kept, patched, _) = added.entities_kept;
    assert!(
        patched > 0 && patched <= kept,
        "large entities' rows patched: {added:?}"
    );
    assert!(
        rewritten * 2 < pages.len(),
        "{rewritten} of the named entities' {} later pages rendered again",
        pages.len()
    );
    assert_same_as_full_build_in_pages_of(&store, site.path(), SIZE);
    drop(corpus.held_back);
}
