//! The extractor (issue 5): drafts from raw text that `claimgraph import` accepts
//! unchanged, sentence splitting, dictionary matching, bad input, arbitrary bytes, and
//! the quality table on both test sets.

mod common;

use std::path::{Path, PathBuf};

use claimgraph::extract::sentences::{self, SplitRules};
use claimgraph::extract::sheet_writer::TextSource;
use claimgraph::extract::text::tokens;
use claimgraph::extract::{ArticleInfo, Dictionary, Extractor, Rules};
use claimgraph::model::sheet::validate::{self, Known};
use claimgraph::model::sheet::Sheet;
use common::{repo, TestStore};
use proptest::prelude::*;

fn seed_texts() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo().join("data/articles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "the seed articles are in data/articles");
    v
}

fn fixture_dir() -> PathBuf {
    repo().join("tests/fixtures/extract")
}

fn sentences_of(text: &str, lang: &str) -> Vec<String> {
    let rules = Rules::bundled();
    let l = rules.language(lang).unwrap();
    sentences::split(
        text,
        SplitRules {
            abbreviations: &l.abbreviations,
            months: &l.months,
        },
    )
    .into_iter()
    .map(|r| text[r].to_owned())
    .collect()
}

fn info(id: &str, lang: &str) -> ArticleInfo {
    ArticleInfo {
        id: id.into(),
        language: lang.into(),
        ..ArticleInfo::default()
    }
}

/// Known entities and ontology terms, as a store holding the bundled entities would have.
fn known_bundled() -> Known {
    let mut known = Known::with_ontology();
    let sheet = Sheet::read(&repo().join("data/entities.toml")).unwrap();
    for e in &sheet.entity {
        known.entities.insert(e.id.get_ref().clone(), e.kind);
    }
    known
}

#[test]
fn seed_drafts_are_imported_unchanged() {
    let store = TestStore::new();
    let out_dir = tempfile::tempdir().unwrap();
    let mut drafts = Vec::new();
    for text in seed_texts() {
        let id = format!("{}-draft", text.file_stem().unwrap().to_str().unwrap());
        let sheet = out_dir.path().join(format!("{id}.toml"));
        // No store yet: the bundled reference entities are the dictionary.
        let out = store
            .cmd()
            .args(["extract"])
            .arg(&text)
            .args(["--id", &id, "--out"])
            .arg(&sheet)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "extract {}: {}",
            text.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let written = std::fs::read_to_string(&sheet).unwrap();
        assert!(
            written.contains("[claim.extraction]"),
            "every drafted claim is marked:\n{written}"
        );
        assert!(
            written.contains("# rule "),
            "every claim names the rule that fired"
        );
        drafts.push(sheet);
    }
    let mut paths: Vec<&Path> = vec![Path::new("data/entities.toml")];
    paths.extend(drafts.iter().map(PathBuf::as_path));
    let summary = store.import(&paths);
    assert!(summary.contains("imported 2 article(s)"), "{summary}");

    // The drafted claims are machine-drafted, with method, version and confidence.
    let rows = store.rows("drafted-claims", &[]);
    assert!(
        rows.len() >= 10,
        "the two seed articles yield at least ten drafted claims, got {}",
        rows.len()
    );
    for r in &rows {
        assert_eq!(common::cell(r, "method"), "claimgraph-extract");
        assert_eq!(common::cell(r, "version"), env!("CARGO_PKG_VERSION"));
        let c: f64 = common::cell(r, "confidence").parse().unwrap();
        assert!(c > 0.0 && c <= 1.0);
    }
    // Some of them are responses that answer an earlier drafted claim.
    let denials = store.rows("denials", &[]);
    assert!(
        denials
            .iter()
            .any(|r| common::cell(r, "denierLabel") == "Alibaba Group"),
        "Alibaba's drafted denial is found: {denials:?}"
    );
}

#[test]
fn draft_to_stdout_embeds_the_text_and_imports() {
    let store = TestStore::new();
    let article = fixture_dir().join("uk-zte-ban.txt");
    let out = store
        .cmd()
        .arg("extract")
        .arg(&article)
        .args([
            "--entities",
            "tests/fixtures/extract/entities.toml",
            "--publisher",
            "Example Daily",
            "--date",
            "2026-03",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sheet = String::from_utf8(out.stdout).unwrap();
    assert!(
        sheet.contains("text = '''"),
        "stdout drafts carry their text inline"
    );
    assert!(
        sheet.contains("publisher = \"example-daily\""),
        "a publisher given by name becomes a proposed entity"
    );
    assert!(
        sheet.contains("language = \"en\""),
        "the language is guessed"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("draft.toml");
    std::fs::write(&path, sheet).unwrap();
    store.import(&[
        Path::new("data/entities.toml"),
        &fixture_dir().join("entities.toml"),
        &path,
    ]);
}

#[test]
fn import_extract_marks_claims_drafted_and_leaves_reviewed_ones_alone() {
    let store = TestStore::new();
    // Without entities in the store the draft could not refer to any: a clear refusal.
    let out = store
        .cmd()
        .args([
            "import",
            "--extract",
            "tests/fixtures/extract/tiktok-dpc-fine.txt",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("import data/entities.toml"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    store.import(&[&repo().join("data"), &fixture_dir().join("entities.toml")]);
    assert!(
        store.rows("drafted-claims", &[]).is_empty(),
        "hand-made seed claims are reviewed, not drafted"
    );
    let out = store
        .cmd()
        .args([
            "import",
            "--extract",
            "tests/fixtures/extract/tiktok-dpc-fine.txt",
            "--id",
            "tiktok-auto",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = store.rows("drafted-claims", &[]);
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| common::cell(r, "article").ends_with("/id/article/tiktok-auto")),
        "only the extracted article's claims are drafted"
    );
    assert!(rows
        .iter()
        .any(|r| common::cell(r, "quote") == "Oracle lehnte eine Stellungnahme ab."));
    let refusals = store.rows("declined-to-comment", &[]);
    assert!(
        !refusals.is_empty(),
        "the drafted refusal to comment answers a claim"
    );
}

#[test]
fn sentences_german_abbreviations_ordinals_and_quotes() {
    let s = sentences_of(
        "Das betrifft u. a. Huawei, z. B. bei 5G. Laut Dr. Weber wurde das Dokument am 1. November verfasst. \
         Er sagte: \"Das ist falsch. Wir liefern nichts.\" Danach schwieg er.",
        "de",
    );
    assert_eq!(
        s,
        [
            "Das betrifft u. a. Huawei, z. B. bei 5G.",
            "Laut Dr. Weber wurde das Dokument am 1. November verfasst.",
            "Er sagte: \"Das ist falsch. Wir liefern nichts.\"",
            "Danach schwieg er."
        ]
    );
    // German quotation marks; a list item "1." before a capitalised word still ends nothing it should not.
    let s = sentences_of(
        "Alibaba nannte das „völligen Unsinn. Reine Erfindung.“ Die CIA schwieg.",
        "de",
    );
    assert_eq!(
        s,
        [
            "Alibaba nannte das „völligen Unsinn. Reine Erfindung.“",
            "Die CIA schwieg."
        ]
    );
}

#[test]
fn sentences_english_titles_initials_and_paragraphs() {
    let s = sentences_of("Mr. Smith met U.S. officials on Jan. 5. They said nothing.\nA new paragraph follows:\nQuoted line.", "en");
    assert_eq!(
        s,
        [
            "Mr. Smith met U.S. officials on Jan. 5.",
            "They said nothing.",
            "A new paragraph follows:",
            "Quoted line."
        ]
    );
}

fn found(dict: &Dictionary, text: &str) -> Vec<String> {
    let words = tokens(text);
    dict.find(text, &words)
        .into_iter()
        .map(|m| dict.entries()[m.entry].id.clone())
        .collect()
}

#[test]
fn dictionary_matches_inflected_possessive_and_compound_forms() {
    let dict = Dictionary::bundled();
    assert_eq!(
        found(&dict, "Googles Cloud und Alibabas Server"),
        ["google", "alibaba"]
    );
    assert_eq!(
        found(&dict, "Verbote des US-Handelsministeriums"),
        ["us-commerce-department"]
    );
    assert_eq!(
        found(&dict, "das US-Handelsministerium"),
        ["us-commerce-department"]
    );
    assert_eq!(found(&dict, "Alibaba's cloud"), ["alibaba"]);
    assert_eq!(found(&dict, "der Huawei-Chef sagte"), ["huawei"]);
    assert_eq!(
        found(
            &dict,
            "Hangzhou Hikvision Digital Technology Co., Ltd. und GOOGLE"
        ),
        ["hikvision", "google"]
    );
    assert_eq!(found(&dict, "der chinesischen Armee"), ["pla"]);
    // Acronyms match only as written: the English word "us" is not the United States.
    assert_eq!(found(&dict, "they told us"), Vec::<String>::new());
    assert_eq!(found(&dict, "in den USA"), ["united-states"]);
}

#[test]
fn unknown_names_are_proposed_with_a_kind() {
    let ex = Extractor::new(Dictionary::bundled(), Rules::bundled());
    let text = "Acme Networks Inc. said Alibaba hosts its servers. The Ministry of Digital Affairs declined to comment.";
    let draft = ex.draft(text, info("acme", "en")).unwrap();
    let acme = draft
        .candidates
        .iter()
        .find(|c| c.label.starts_with("Acme Networks"))
        .expect("Acme is proposed");
    assert_eq!(acme.kind.as_str(), "company");
    let ministry = draft
        .candidates
        .iter()
        .find(|c| c.label.contains("Ministry"))
        .expect("the ministry is proposed");
    assert_eq!(ministry.kind.as_str(), "government");
    assert!(
        draft.claims.iter().any(|c| c.claimant == acme.id),
        "the unknown speaker is the claimant: {:?}",
        draft.claims
    );
}

#[test]
fn bad_input_gives_a_message_or_an_empty_draft() {
    let store = TestStore::new();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let run = |p: &Path| store.cmd().arg("extract").arg(p).output().unwrap();

    for (name, bytes) in [("empty.txt", &b""[..]), ("blank.txt", &b"  \n\n\t "[..])] {
        let out = run(&write(name, bytes));
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("the article text is empty"),
            "{name}"
        );
    }
    let out = run(&write("latin1.txt", b"Stra\xdfe und Gr\xfc\xdfe"));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("latin1.txt") && err.contains("not UTF-8") && err.contains("offset 4"),
        "{err}"
    );

    // No sentences, binary that happens to be UTF-8, no known entity: drafts without claims
    // that still import.
    for (name, bytes) in [
        ("punct.txt", &b"!!! ... ??? ---"[..]),
        ("binary.txt", &b"\x00\x01\x02PK\x03\x04 \x7f\x1b[0m"[..]),
        (
            "unknown.txt",
            &b"the weather was fine and nobody said anything at all."[..],
        ),
    ] {
        let path = write(name, bytes);
        let out = store
            .cmd()
            .arg("extract")
            .arg(&path)
            .args(["--lang", "en", "--out"])
            .arg(path.with_extension("toml"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let sheet = std::fs::read_to_string(path.with_extension("toml")).unwrap();
        assert!(
            !sheet.contains("[[claim]]"),
            "{name} drafts no claim:\n{sheet}"
        );
    }
    store.import(&[
        Path::new("data/entities.toml"),
        &dir.path().join("binary.toml"),
        &dir.path().join("unknown.toml"),
    ]);
}

#[test]
fn ten_megabytes_of_text_are_drafted() {
    let base =
        std::fs::read_to_string(repo().join("data/articles/us-tech-entity-list.txt")).unwrap();
    let mut text = String::new();
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(&base);
        text.push('\n');
    }
    let ex = Extractor::new(Dictionary::bundled(), Rules::bundled());
    let draft = ex.draft(&text, info("big", "de")).unwrap();
    assert!(
        draft.claims.len() > 1000,
        "claims all through the text: {}",
        draft.claims.len()
    );
    // One sentence without any break, 10 MB long, is handled too.
    let long = "a".repeat(10 * 1024 * 1024);
    let draft = ex.draft(&long, info("long", "en")).unwrap();
    assert!(draft.claims.is_empty());
}

#[test]
fn rules_from_a_folder_replace_the_bundled_ones() {
    let dir = tempfile::tempdir().unwrap();
    let de = include_str!("../src/extract/rules/de.toml").replace(
        "pattern = \"behauptet* | behaupten\"",
        "pattern = \"behauptet* | behaupten | mutmaßt\"",
    );
    std::fs::write(dir.path().join("de.toml"), de).unwrap();
    let text = "Top10VPN mutmaßt, dass Google Daten weitergibt.";
    let bundled = Extractor::new(Dictionary::bundled(), Rules::bundled())
        .draft(text, info("a", "de"))
        .unwrap();
    assert!(bundled.claims.is_empty());
    let custom = Extractor::new(Dictionary::bundled(), Rules::load_dir(dir.path()).unwrap())
        .draft(text, info("a", "de"))
        .unwrap();
    assert_eq!(custom.claims.len(), 1);
    assert_eq!(custom.claims[0].claimant, "top10vpn");
    assert_eq!(custom.claims[0].rule, "de.report.behauptet");

    std::fs::write(dir.path().join("de.toml"), "language = \"de\"\n[[claim]]\nrule = \"x\"\npattern = \"... zurück\"\nkind = \"denial\"\nconfidence = 0.5\n").unwrap();
    let err = Rules::load_dir(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("de.toml") && err.contains("cannot start with '...'"),
        "{err}"
    );
}

/// The table `extract --score` prints for these sheets or folders.
fn score_table(paths: &[PathBuf], extra: &[&str]) -> String {
    let store = TestStore::new();
    let out = store
        .cmd()
        .args(["extract", "--score"])
        .args(paths)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `extract --score` and returns (printed table, TOTAL F1 per measure).
fn quality(sheets: &[PathBuf], extra: &[&str]) -> (String, Vec<(String, f64)>) {
    let table = score_table(sheets, extra);
    let totals = table
        .lines()
        .filter(|l| l.starts_with("TOTAL"))
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            let measure = cols[1..cols.len() - 7].join(" ");
            (measure, cols[cols.len() - 1].parse().unwrap())
        })
        .collect();
    (table, totals)
}

fn f1(totals: &[(String, f64)], measure: &str) -> f64 {
    totals
        .iter()
        .find(|(m, _)| m == measure)
        .map(|(_, f)| *f)
        .unwrap_or_else(|| panic!("no {measure} row"))
}

#[test]
fn quality_table_for_both_test_sets() {
    let seeds: Vec<PathBuf> = seed_texts()
        .iter()
        .map(|t| t.with_extension("toml"))
        .collect();
    let (table, seed) = quality(&seeds, &[]);
    println!("Seed articles (claimgraph extract --score data/articles/*.toml):\n{table}");
    let own: Vec<PathBuf> = ["uk-zte-ban.toml", "tiktok-dpc-fine.toml"]
        .iter()
        .map(|n| fixture_dir().join(n))
        .collect();
    let (table, second) = quality(
        &own,
        &["--entities", "tests/fixtures/extract/entities.toml"],
    );
    println!("Second test set (claimgraph extract --score tests/fixtures/extract/*.toml --entities tests/fixtures/extract/entities.toml):\n{table}");

    // Floors the extractor reaches; a change that makes it worse fails here.
    for (set, totals, floors) in [
        (
            "seed",
            &seed,
            [
                ("entities", 0.85),
                ("claims", 0.6),
                ("claim kinds", 0.65),
                ("responses", 0.35),
            ],
        ),
        (
            "second",
            &second,
            [
                ("entities", 0.8),
                ("claims", 0.7),
                ("claim kinds", 0.6),
                ("responses", 0.6),
            ],
        ),
    ] {
        for (measure, floor) in floors {
            let got = f1(totals, measure);
            assert!(
                got >= floor,
                "{set} set: {measure} F1 {got:.2} fell below {floor}"
            );
        }
    }
}

/// Whatever the bytes, the extractor answers without panicking, and whatever it drafts
/// is a sheet that validates against the entities it was drafted with.
fn check_draft(bytes: &[u8], lang: &str) {
    let ex = Extractor::new(Dictionary::bundled(), Rules::bundled());
    let Ok((text, draft)) = ex.draft_bytes(bytes, info("prop", lang)) else {
        return;
    };
    let sheet_text = ex.sheet(&draft, &text, TextSource::Inline);
    let sheet = Sheet::parse(Path::new("draft.toml"), sheet_text.clone())
        .unwrap_or_else(|e| panic!("{e}\n{sheet_text}"));
    if let Err(e) = validate::validate(&sheet, &known_bundled()) {
        panic!("draft does not validate: {e}\n{sheet_text}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        check_draft(&bytes, "de");
    }

    #[test]
    fn arbitrary_text_drafts_valid_sheets(text in "[A-Za-zÄÖÜäöüß0-9 .,:;!?\"„“'’()\\n-]{0,300}") {
        check_draft(text.as_bytes(), "de");
        check_draft(text.as_bytes(), "en");
    }

    #[test]
    fn news_like_text_drafts_valid_sheets(
        parts in proptest::collection::vec(proptest::sample::select(vec![
            "Google", "Alibabas", "die CIA", "Das Weiße Haus", "Top10VPN", "behauptet,", "dementierte", "lehnten eine Stellungnahme ab",
            "laut FT", "Amazon stellt Webdienste für Hikvision bereit", "in die US-Entity-List aufgenommen", "said", "denied",
            "declined to comment", "according to", "Acme Corp", "\"", "„", "“", ".", ":", "\n", "z. B.", "1. November", "'''",
        ]), 0..40)
    ) {
        let text = parts.join(" ");
        check_draft(text.as_bytes(), "de");
        check_draft(text.as_bytes(), "en");
    }
}

// The real-world test set (issue 13): tests/realworld/{dev,held-out}.

fn realworld_sheets(half: &str) -> Vec<PathBuf> {
    let dir = repo().join("tests/realworld").join(half);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    v
}

/// FNV-1a (64 bit): the hash that puts an article in a half.
fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[test]
fn realworld_articles_lie_in_the_half_their_id_gives_and_validate() {
    let sources = std::fs::read_to_string(repo().join("tests/realworld/SOURCES.toml")).unwrap();
    let mut count = 0;
    for half in ["dev", "held-out"] {
        for path in realworld_sheets(half) {
            let sheet = Sheet::read(&path).unwrap();
            let id = sheet.article.as_ref().unwrap().id.get_ref().clone();
            let expected = if fnv1a(&id).is_multiple_of(2) {
                "dev"
            } else {
                "held-out"
            };
            assert_eq!(
                half, expected,
                "{id} lies in {half}, its hash says {expected}"
            );
            assert!(
                sources.contains(&format!("id = \"{id}\"")),
                "{id} has no SOURCES.toml entry (address, licence)"
            );
            // Hand-made sheets refer only to reference entities and their own.
            let mut known = known_bundled();
            for e in &sheet.entity {
                known.entities.insert(e.id.get_ref().clone(), e.kind);
            }
            if let Err(e) = validate::validate(&sheet, &known) {
                panic!("{}: {e}", path.display());
            }
            count += 1;
        }
    }
    assert!(count >= 30, "the test set holds {count} articles");
}

/// Runs `extract --score` on one half and returns (table, TOTAL precision and recall per measure).
fn half_scores(half: &str) -> (String, Vec<(String, f64, f64)>) {
    let table = score_table(&[repo().join("tests/realworld").join(half)], &[]);
    let totals = table
        .lines()
        .filter(|l| l.starts_with("TOTAL"))
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            let n = cols.len();
            (
                cols[1..n - 7].join(" "),
                cols[n - 3].parse().unwrap(),
                cols[n - 2].parse().unwrap(),
            )
        })
        .collect();
    (table, totals)
}

fn measure_of(totals: &[(String, f64, f64)], name: &str) -> (f64, f64) {
    totals
        .iter()
        .find(|(m, _, _)| m == name)
        .map(|(_, p, r)| (*p, *r))
        .unwrap_or_else(|| panic!("no {name} row"))
}

fn drafted(text: &str, lang: &str) -> claimgraph::extract::Draft {
    Extractor::new(Dictionary::bundled(), Rules::bundled())
        .draft(text, info("article", lang))
        .unwrap()
}

fn claimants(d: &claimgraph::extract::Draft) -> Vec<(String, String)> {
    d.claims
        .iter()
        .map(|c| (c.claimant.clone(), c.kind.as_str().to_owned()))
        .collect()
}

#[test]
fn questions_and_questioner_turns_are_never_claims() {
    let d = drafted(
        "Did Amazon say it hosts Hikvision? Amazon said it hosts Hikvision.\n\
         QUESTION: Google said it hosts Hikvision, Mr. Secretary. Why now?\n\
         SECRETARY: Microsoft said it hosts Hikvision.",
        "en",
    );
    let who = claimants(&d);
    assert!(who.iter().any(|(c, _)| c == "amazon"), "{who:?}");
    assert!(who.iter().any(|(c, _)| c == "microsoft"), "{who:?}");
    assert!(
        !who.iter().any(|(c, _)| c == "google"),
        "a questioner's turn: {who:?}"
    );
    assert_eq!(
        who.iter().filter(|(c, _)| c == "amazon").count(),
        1,
        "{who:?}"
    );
}

#[test]
fn bylines_are_never_claims() {
    let text = "Reported by Google News.\nAmazon said it hosts Hikvision.";
    let d = drafted(text, "en");
    assert!(
        d.claims
            .iter()
            .all(|c| !text[c.quote.clone()].starts_with("Reported by")),
        "{:?}",
        claimants(&d)
    );
    assert_eq!(
        claimants(&d),
        [("amazon".to_owned(), "assertion".to_owned())]
    );
}

#[test]
fn document_ids_are_per_article_and_content_derived() {
    let a = "Amazon hosts Hikvision, according to a report by the Financial Times.";
    let b = "Google hosts Hikvision, according to a report by the Financial Times.";
    let ids = |t: &str| -> Vec<String> {
        drafted(t, "en")
            .documents
            .iter()
            .map(|d| d.id.clone())
            .collect()
    };
    let (ia, ib) = (ids(a), ids(b));
    assert!(!ia.is_empty() && !ib.is_empty(), "{ia:?} {ib:?}");
    assert!(
        ia.iter().all(|x| !ib.contains(x)),
        "two articles share {ia:?} {ib:?}"
    );
    assert_eq!(ia, ids(a), "the same text gives the same ids");
    assert!(ia[0].starts_with("financial-times-report-"), "{ia:?}");
}

#[test]
fn according_to_a_report_by_x_is_claimed_by_x() {
    let d = drafted(
        "Amazon provides web hosting to Hikvision, Google said on Monday, according to a report by the Financial Times.",
        "en",
    );
    let who = claimants(&d);
    assert!(who.iter().any(|(c, _)| c == "financial-times"), "{who:?}");
}

#[test]
fn unnamed_sources_give_no_claimant() {
    let d = drafted(
        "According to official sources Google hosts Hikvision.",
        "en",
    );
    assert!(d.claims.is_empty(), "{:?}", claimants(&d));
}

#[test]
fn two_speakers_of_one_verb_make_two_claims() {
    let d = drafted("Google and Microsoft said they host Hikvision.", "en");
    let who = claimants(&d);
    assert!(who.iter().any(|(c, _)| c == "google"), "{who:?}");
    assert!(who.iter().any(|(c, _)| c == "microsoft"), "{who:?}");
    let d = drafted(
        "Premier Peter Beattie and Queensland Rail CEO Bob Scheuber said that there were no plans to halt services.",
        "en",
    );
    let who = claimants(&d);
    assert!(who.iter().any(|(c, _)| c == "peter-beattie"), "{who:?}");
    assert!(who.iter().any(|(c, _)| c == "bob-scheuber"), "{who:?}");
}

#[test]
fn not_available_and_corrections_are_responses() {
    let d = drafted(
        "The Financial Times reported that Amazon hosts Hikvision. Amazon was not immediately available for comment. \
         Hikvision has since clarified that it stopped using Amazon.",
        "en",
    );
    let who = claimants(&d);
    assert!(
        who.contains(&("amazon".into(), "not-reachable".into())),
        "{who:?}"
    );
    assert!(
        who.contains(&("hikvision".into(), "correction".into())),
        "{who:?}"
    );
    for r in d.claims.iter().filter(|c| c.kind.is_response()) {
        assert!(!r.answers.is_empty(), "{} answers the report", r.id);
    }
}

#[test]
fn a_report_then_but_a_denial_is_a_claim_and_its_denial() {
    let d = drafted(
        "The Financial Times had reported that Alibaba Group supplies the PLA, but Alibaba has denied this.",
        "en",
    );
    let who = claimants(&d);
    assert!(
        who.contains(&("financial-times".into(), "assertion".into())),
        "{who:?}"
    );
    let denial = d
        .claims
        .iter()
        .find(|c| c.kind.as_str() == "denial")
        .expect("a denial");
    assert_eq!(denial.claimant, "alibaba");
    assert_eq!(denial.answers.len(), 1);
}

#[test]
fn proposed_entities_are_names_not_demonyms_months_tickers_furniture_or_titles() {
    let d = drafted(
        "Key Points\n\nChinese officials met on Dec 3. Transport Minister Paul Lucas said Acme Widgets (NYSE: ACWD) hosts Hikvision. \
         Then Acme Widgets Inc said it hosts Hikvision too.",
        "en",
    );
    let labels: Vec<&str> = d.candidates.iter().map(|c| c.label.as_str()).collect();
    for junk in [
        "Key Points",
        "Chinese",
        "Dec",
        "ACWD",
        "Transport Minister Paul Lucas",
        "Then Acme Widgets Inc",
    ] {
        assert!(!labels.contains(&junk), "{junk} proposed: {labels:?}");
    }
    assert!(labels.contains(&"Paul Lucas"), "{labels:?}");
    // Short and long name of one company: one proposal.
    let acme: Vec<&str> = d
        .candidates
        .iter()
        .filter(|c| c.label.starts_with("Acme"))
        .map(|c| c.id.as_str())
        .collect();
    assert!(!acme.is_empty());
    assert!(acme.iter().all(|id| *id == acme[0]), "{acme:?}");
    let who = claimants(&d);
    assert!(
        who.iter().all(|(c, _)| c == "paul-lucas" || c == acme[0]),
        "{who:?}"
    );
}

#[test]
fn a_draft_carries_entities_only_another_articles_sheet_defines() {
    let other = Sheet::parse(
        Path::new("other-article.toml"),
        "[article]\nid = \"other\"\nlanguage = \"en\"\ntext = \"x\"\n\n[[entity]]\nid = \"foo-corp\"\nkind = \"company\"\nlabel_en = \"Foo Corp\"\nlabel_de = \"Foo Corp\"\n".to_owned(),
    )
    .unwrap();
    let mut dict = Dictionary::bundled();
    dict.add_sheet(&other);
    let ex = Extractor::new(dict, Rules::bundled());
    let text = "Foo Corp said it hosts Hikvision.";
    let draft = ex.draft(text, info("foo-draft", "en")).unwrap();
    assert_eq!(draft.claims[0].claimant, "foo-corp");
    let sheet_text = ex.sheet(&draft, text, TextSource::Inline);
    let sheet = Sheet::parse(Path::new("foo-draft.toml"), sheet_text.clone()).unwrap();
    // Valid against the reference entities alone.
    let mut known = known_bundled();
    for e in &sheet.entity {
        known.entities.insert(e.id.get_ref().clone(), e.kind);
    }
    validate::validate(&sheet, &known).unwrap_or_else(|e| panic!("{e}\n{sheet_text}"));
    assert!(
        sheet.entity.iter().any(|e| e.id.get_ref() == "foo-corp"),
        "{sheet_text}"
    );
}

/// (measure, precision floor, recall floor) of the held-out half, as last measured (fifth
/// round: claims strict 0.58/0.20, lenient 0.68/0.23, responses strict 1.00/0.50, proposed
/// entities 0.77, documents 0.60/0.38), less a hundredth for the table's rounding.
const HELD_OUT_FLOOR: [(&str, f64, f64); 5] = [
    ("claims strict", 0.57, 0.19),
    ("claims lenient", 0.67, 0.22),
    ("responses strict", 0.99, 0.49),
    ("proposed entities", 0.76, 0.0),
    ("documents", 0.59, 0.37),
];

/// The held-out half's scores (issue 13): measured once the rules were final, never
/// looked at while changing them. A rule change that lowers them fails here.
#[test]
fn held_out_scores_stay_above_their_floor() {
    let (table, totals) = half_scores("held-out");
    // Only the totals: the frozen half's per-article drafts are not looked at.
    let total_lines: Vec<&str> = table.lines().filter(|l| l.starts_with("TOTAL")).collect();
    println!(
        "claimgraph extract --score tests/realworld/held-out (totals):\n{}",
        total_lines.join("\n")
    );
    for (measure, precision, recall) in HELD_OUT_FLOOR {
        let (p, r) = measure_of(&totals, measure);
        assert!(
            p >= precision && r >= recall,
            "held-out {measure}: precision {p:.2} recall {r:.2}, floor {precision} / {recall}"
        );
    }
}

#[test]
fn no_non_answer_is_drafted_as_a_denial() {
    let d = drafted(
        "The Financial Times reported that Amazon, Google and Microsoft host Hikvision. Amazon did not deny the report. \
         Google did not respond to a request for comment. Microsoft declined to comment.",
        "en",
    );
    let who = claimants(&d);
    assert!(!who.iter().any(|(_, k)| k == "denial"), "{who:?}");
    assert!(
        who.contains(&("google".into(), "non-answer".into())),
        "{who:?}"
    );
    assert!(
        who.contains(&("microsoft".into(), "refusal-to-comment".into())),
        "{who:?}"
    );
}

#[test]
fn the_subject_before_an_apposition_or_relative_clause_speaks() {
    let d = drafted(
        "Allan Wagner, Secretary-General of the Andean Community, said the Mercosur bloc would join. \
         John Smith, who met Jones on Monday, told reporters the deal was done.",
        "en",
    );
    let who = claimants(&d);
    assert_eq!(
        who,
        [
            ("allan-wagner".to_owned(), "assertion".to_owned()),
            ("john-smith".to_owned(), "assertion".to_owned())
        ],
        "{who:?}"
    );
}

#[test]
fn german_speakers_after_the_verb_by_surname_and_after_so() {
    let d = drafted(
        "Der Bundesinnenminister Thomas de Maizière hat neue Maßnahmen angekündigt. \
         Gegenüber der Süddeutschen Zeitung sagte de Maizière, die Lage sei ernst. \
         Die SPD-Vorsitzende Andrea Nahles erklärte, man werde die Vorschläge prüfen. \
         „Das ist völlig unzureichend“, sagte Hofreiter. \
         „Wir werden handeln“, so Nahles.",
        "de",
    );
    let labels: Vec<&str> = d.candidates.iter().map(|c| c.label.as_str()).collect();
    assert!(labels.contains(&"Thomas de Maizière"), "{labels:?}");
    assert!(labels.contains(&"Andrea Nahles"), "{labels:?}");
    assert!(
        !labels
            .iter()
            .any(|l| l.contains("Bundesinnenminister") || l.contains("Vorsitzende")),
        "a title glued to a name: {labels:?}"
    );
    let by_sentence: Vec<(usize, String)> = d
        .claims
        .iter()
        .map(|c| (c.sentence, c.claimant.clone()))
        .collect();
    for expected in [
        (1, "thomas-de-maiziere"),
        (2, "andrea-nahles"),
        (3, "hofreiter"),
        (4, "andrea-nahles"),
    ] {
        assert!(
            by_sentence.contains(&(expected.0, expected.1.to_owned())),
            "{expected:?} in {by_sentence:?}"
        );
    }
    assert!(
        !by_sentence.iter().any(|(_, c)| c.contains("zeitung")),
        "{by_sentence:?}"
    );
}

#[test]
fn a_title_before_of_is_no_part_of_the_name() {
    let d = drafted(
        "Secretary of State Colin Powell said the talks would continue.",
        "en",
    );
    assert_eq!(
        claimants(&d),
        [("colin-powell".to_owned(), "assertion".to_owned())]
    );
}

#[test]
fn a_quotation_going_on_in_the_next_sentence_is_the_same_speakers() {
    let d = drafted(
        "\"We are very pleased,\" said Allan Wagner. \"This is a historic day for all of us.\" The summit ended on Friday.",
        "en",
    );
    let sentences: Vec<(usize, &str)> = d
        .claims
        .iter()
        .map(|c| (c.sentence, c.claimant.as_str()))
        .collect();
    assert_eq!(
        sentences,
        [(0, "allan-wagner"), (1, "allan-wagner")],
        "the narration after the quotation is no claim"
    );
}

#[test]
fn the_ministry_is_no_other_government_body() {
    let d = drafted(
        "Police said three people were arrested. A spokesman for the ministry said the report was false.",
        "en",
    );
    assert!(
        d.claims.iter().all(|c| c.sentence == 0),
        "{:?}",
        claimants(&d)
    );
}

#[test]
fn score_table_ends_with_a_calibration_of_confidence() {
    let table = score_table(&[repo().join("tests/realworld/dev")], &[]);
    let bins: Vec<&str> = table
        .lines()
        .filter(|l| l.starts_with("CALIBRATION"))
        .collect();
    assert_eq!(bins.len(), 8, "{table}");
    let (drafted, right): (usize, usize) = bins[1..7]
        .iter()
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            (
                cols[2].parse::<usize>().unwrap(),
                cols[3].parse::<usize>().unwrap(),
            )
        })
        .fold((0, 0), |(d, r), (a, b)| (d + a, r + b));
    let claims_strict = table
        .lines()
        .find(|l| l.starts_with("TOTAL") && l.contains("claims strict"))
        .unwrap();
    let responses_strict = table
        .lines()
        .find(|l| l.starts_with("TOTAL") && l.contains("responses strict"))
        .unwrap();
    let col =
        |l: &str, i: usize| -> usize { l.split_whitespace().nth(i).unwrap().parse().unwrap() };
    // Every drafted claim and response falls in one bin, and the bins count the right ones.
    assert_eq!(drafted, col(claims_strict, 4) + col(responses_strict, 4));
    assert_eq!(right, col(claims_strict, 5) + col(responses_strict, 5));
}

#[test]
fn min_confidence_leaves_out_unconfident_drafts() {
    let text = "Google said it hosts Hikvision.";
    assert_eq!(drafted(text, "en").claims.len(), 1);
    let dir = tempfile::tempdir().unwrap();
    let bundled = std::fs::read_to_string(repo().join("src/extract/rules/en.toml")).unwrap();
    let strict = bundled.replace("min_confidence = 0.0", "min_confidence = 0.9");
    assert_ne!(strict, bundled, "the bundled rules set min_confidence");
    std::fs::write(dir.path().join("en.toml"), strict).unwrap();
    let ex = Extractor::new(Dictionary::bundled(), Rules::load_dir(dir.path()).unwrap());
    let d = ex.draft(text, info("article", "en")).unwrap();
    assert!(d.claims.is_empty(), "{:?}", claimants(&d));
}

#[test]
fn we_in_a_transcript_turn_is_the_turns_speaker() {
    let d = drafted(
        "MR. BOUCHER: Good afternoon. We have said that Syria must stop supporting Hezbollah.\n\
         QUESTION: Did Syria respond?",
        "en",
    );
    assert_eq!(
        claimants(&d),
        [("boucher".to_owned(), "assertion".to_owned())]
    );
}

#[test]
fn a_name_that_is_the_whole_apposition_speaks() {
    let d = drafted(
        "Der Sprecher des Auswärtigen Amtes, Martin Schäfer, sagte, die Gespräche gingen weiter.",
        "de",
    );
    assert_eq!(
        claimants(&d),
        [("martin-schaefer".to_owned(), "assertion".to_owned())]
    );
}

#[test]
fn sums_of_money_and_glued_units_are_quantities() {
    for text in [
        "Allan Wagner said the projects cost US$200 over five years.",
        "Allan Wagner identifies 350 projects of a combined cost of 200bn.",
    ] {
        assert_eq!(
            claimants(&drafted(text, "en")),
            [("allan-wagner".to_owned(), "quantitative".to_owned())],
            "{text}"
        );
    }
    assert_eq!(
        claimants(&drafted("Allan Wagner said the talks began in 2004.", "en")),
        [("allan-wagner".to_owned(), "assertion".to_owned())]
    );
}

#[test]
fn a_cue_inside_a_quotation_is_the_quoted_speakers_not_the_report() {
    let d = drafted(
        "“Recently the president of Venezuela falsely accused us of biased reporting,” said Acting Director Yolanda López.",
        "en",
    );
    // With nothing drafted that it answers, her denial waits for review rather than being
    // drafted as a claim of the wrong kind; either way it is hers.
    let who: Vec<&str> = d
        .claims
        .iter()
        .chain(d.for_review.iter().map(|(c, _)| c))
        .map(|c| c.claimant.as_str())
        .collect();
    assert!(who.iter().all(|c| *c == "yolanda-lopez"), "{who:?}");
    assert!(!who.is_empty(), "{who:?}");
}

#[test]
fn a_dateline_names_no_speaker() {
    let d = drafted(
        "WASHINGTON, D.C. – Voice of America Director David Ensor has categorically denied the allegations.",
        "en",
    );
    let who = claimants(&d);
    assert!(
        who.iter().all(|(c, _)| c == "david-ensor"),
        "the dateline's Washington spoke: {who:?}"
    );
}

#[test]
fn a_response_answering_words_its_sentence_attributes_drafts_their_claim() {
    let d = drafted(
        "Voice of America condemns the recent comments by President Nicolás Maduro in which he assailed the integrity of its journalists.",
        "en",
    );
    let maduro = d
        .claims
        .iter()
        .find(|c| c.claimant == "nicolas-maduro")
        .unwrap_or_else(|| panic!("{:?}", claimants(&d)));
    assert_eq!(maduro.kind.as_str(), "allegation");
    let objection = d
        .claims
        .iter()
        .find(|c| c.claimant == "voice-of-america")
        .unwrap_or_else(|| panic!("{:?}", claimants(&d)));
    assert_eq!(objection.kind.as_str(), "objection");
    assert_eq!(objection.answers, std::slice::from_ref(&maduro.id));
}

#[test]
fn a_quoted_denial_is_its_speakers() {
    let d = drafted(
        "President Nicolás Maduro accused Voice of America of biased reporting. “That is totally false,” Director David Ensor said on Wednesday.",
        "en",
    );
    let who = claimants(&d);
    assert!(
        who.contains(&("david-ensor".into(), "denial".into())),
        "{who:?}"
    );
}

#[test]
fn a_german_pronoun_after_the_verb_is_the_person_named_before() {
    let d = drafted(
        "US-Präsident Donald Trump zeigte sich zuversichtlich. „Wir werden Mittel und Wege finden“, sagte er gegenüber der Zeitung.",
        "de",
    );
    let who = claimants(&d);
    assert_eq!(who, [("donald-trump".to_owned(), "assertion".to_owned())]);
}

#[test]
fn a_party_in_brackets_after_a_person_is_not_the_subject() {
    let d = drafted(
        "Der ehemalige Verkehrsminister Vít Bárta (VV) hat seinen Rückzug aus der Regierung angekündigt.",
        "de",
    );
    let who = claimants(&d);
    assert!(
        who.iter().any(|(c, _)| c == "vit-barta") && !who.iter().any(|(c, _)| c == "vv"),
        "{who:?}"
    );
}

#[test]
fn confident_drafts_are_right_four_times_in_five_on_the_dev_half() {
    let table = score_table(&[repo().join("tests/realworld/dev")], &[]);
    let line = table
        .lines()
        .find(|l| l.starts_with("CALIBRATION >="))
        .unwrap_or_else(|| panic!("{table}"));
    let precision: f64 = line.split_whitespace().last().unwrap().parse().unwrap();
    assert!(precision >= 0.8, "{line}");
}

#[test]
fn a_relative_clauses_verb_is_its_antecedents() {
    let d = drafted(
        "The allegations were part of a Google documentary that interviewed a survivor, who said he had been paid. \
         Amazon, which said it hosts Hikvision, declined to give figures.",
        "en",
    );
    let who = claimants(&d);
    assert!(!who.iter().any(|(c, _)| c == "google"), "{who:?}");
    assert!(who.iter().any(|(c, _)| c == "amazon"), "{who:?}");
}

#[test]
fn the_object_of_an_english_reporting_verb_is_not_its_speaker() {
    let d = drafted(
        "The minister accused Google of lying about its servers.",
        "en",
    );
    let who = claimants(&d);
    assert!(!who.iter().any(|(c, _)| c == "google"), "{who:?}");
    // Verb first, the subject follows: "Said Google: ..." is still Google's.
    let d = drafted("Said Google, the servers are in Ireland.", "en");
    assert_eq!(claimants(&d), vec![("google".into(), "assertion".into())]);
}

#[test]
fn a_name_right_after_another_after_the_verb_speaks() {
    let d = drafted(
        "The Andean Community met in Lima. The \"ultimate goal is a union,\" explains Secretary General of the Andean Community Wagner.",
        "en",
    );
    let who = claimants(&d);
    assert_eq!(who, vec![("wagner".into(), "assertion".into())], "{who:?}");
}

#[test]
fn a_response_with_nothing_to_answer_waits_for_review() {
    let ex = Extractor::new(Dictionary::bundled(), Rules::bundled());
    let text = "Google denied the allegations on Tuesday. Amazon apologized to a reporter for remarks made by Microsoft.";
    let d = ex.draft(text, info("article", "en")).unwrap();
    // Neither a denial of nothing nor an assertion of the wrong kind; and an apology for
    // someone's remarks does not say what they were.
    assert!(d.claims.is_empty(), "{:?}", claimants(&d));
    let review: Vec<(&str, &str)> = d
        .for_review
        .iter()
        .map(|(c, _)| (c.claimant.as_str(), c.kind.as_str()))
        .collect();
    assert_eq!(
        review,
        vec![("google", "denial"), ("amazon", "correction")],
        "{review:?}"
    );
    let sheet = ex.sheet(&d, text, TextSource::Inline);
    assert!(
        sheet.contains("# NEEDS REVIEW")
            && sheet.contains("# - sentence 1: denial by google")
            && !sheet.contains("\n[[claim]]"),
        "{sheet}"
    );
    let path = tempfile::tempdir().unwrap();
    let file = path.path().join("article.toml");
    std::fs::write(&file, &sheet).unwrap();
    Sheet::read(&file).unwrap();
}

#[test]
fn the_minister_is_the_person_last_named_with_that_title() {
    let d = drafted(
        "Foreign Minister Sergei Lavrov met reporters in Moscow. The minister accused Google of lying. \
         Later the president of Venezuela said Google lied.",
        "en",
    );
    let who = claimants(&d);
    // "the president of Venezuela" names someone else, not the last president named.
    let lavrov: Vec<_> = who.iter().filter(|(c, _)| c == "sergei-lavrov").collect();
    assert_eq!(lavrov.len(), 1, "{who:?}");
    assert_eq!(lavrov[0].1, "allegation", "{who:?}");
}

#[test]
fn an_act_announced_on_a_condition_is_a_threat() {
    let d = drafted(
        "Präsident Traian Basescu hat angekündigt, im Falle eines Sieges von Victor Ponta, diesen nicht zu nominieren.",
        "de",
    );
    assert_eq!(
        claimants(&d),
        vec![("traian-basescu".into(), "threat".into())]
    );
}

#[test]
fn class_nouns_job_nouns_and_laws_are_no_part_of_a_proposed_name() {
    let d = drafted(
        "Die drei Parteien Občanská demokratická strana und Věci veřejné regieren. \
         Fernsehmoderator und Millionär Dan Diaconescu sagte, er werde antreten.",
        "de",
    );
    let labels: Vec<&str> = d.candidates.iter().map(|c| c.label.as_str()).collect();
    assert!(
        !labels
            .iter()
            .any(|l| l.contains("Parteien") || l.contains("Millionär")),
        "{labels:?}"
    );
    assert!(labels.contains(&"Dan Diaconescu"), "{labels:?}");
    let d = drafted(
        "Sophos said the CAN-SPAM act has failed to stop Google spam.",
        "en",
    );
    let labels: Vec<&str> = d.candidates.iter().map(|c| c.label.as_str()).collect();
    assert!(!labels.contains(&"CAN-SPAM"), "{labels:?}");
}

#[test]
fn score_explain_marks_every_draft_and_lists_what_was_missed() {
    let table = score_table(&[repo().join("tests/realworld/dev")], &["--explain"]);
    assert!(table.contains("== voa-maduro-statement"), "{table}");
    let count = |prefix: &str| table.lines().filter(|l| l.starts_with(prefix)).count();
    let total = |measure: &str, col: usize| -> usize {
        let line = table
            .lines()
            .find(|l| l.starts_with("TOTAL") && l.contains(measure))
            .unwrap();
        line.split_whitespace().nth(col).unwrap().parse().unwrap()
    };
    // Each drafted claim and response is marked once, right as often as the totals say;
    // each hand-made one not found is listed.
    let drafted = total("claims strict", 4) + total("responses strict", 4);
    let right = total("claims strict", 5) + total("responses strict", 5);
    let gold = total("claims strict", 3) + total("responses strict", 3);
    assert_eq!(count("  RIGHT s") + count("  WRONG s"), drafted, "{table}");
    assert_eq!(count("  RIGHT s"), right, "{table}");
    assert_eq!(count("  MISSED "), gold - right, "{table}");
    assert_eq!(
        count("  RIGHT entity") + count("  JUNK entity"),
        total("proposed entities", 4),
        "{table}"
    );
}

// Issue 13, fifth round: the causes of the wrong drafts on the development half and on its
// eight new articles, each on constructed sentences.

#[test]
fn a_place_after_in_is_not_the_speaker() {
    let d = drafted(
        "In a statement, the trade office in Hikvision said the order is a mistake.",
        "en",
    );
    assert!(d.claims.is_empty(), "{:?}", claimants(&d));
    // The speaker before the place still speaks.
    let d = drafted("Google in Ireland said the servers are new.", "en");
    assert_eq!(claimants(&d), vec![("google".into(), "assertion".into())]);
}

#[test]
fn names_listed_by_commas_alone_are_one_speaker() {
    let d = drafted(
        "In an interview with Google's reporter Paula Brandt, Peter Vasko said the order is a mistake.",
        "en",
    );
    let who: Vec<String> = claimants(&d).into_iter().map(|(c, _)| c).collect();
    assert_eq!(who, vec!["peter-vasko".to_owned()], "{who:?}");
    // A list a conjunction closes still speaks together.
    let d = drafted(
        "Google, Amazon and Microsoft said the order is a mistake.",
        "en",
    );
    let mut who: Vec<String> = claimants(&d).into_iter().map(|(c, _)| c).collect();
    who.sort();
    assert_eq!(who, ["amazon", "google", "microsoft"], "{who:?}");
}

#[test]
fn who_without_a_comma_speaks_for_its_antecedent() {
    // "lawyers who told her": nobody named speaks, not the subject of the main clause.
    let d = drafted(
        "On Monday, Peter Vasko met with lawyers who told him he would be charged.",
        "en",
    );
    assert!(d.claims.is_empty(), "{:?}", claimants(&d));
    let d = drafted("It was Google who said the servers are new.", "en");
    assert_eq!(claimants(&d), vec![("google".into(), "assertion".into())]);
}

#[test]
fn he_said_is_the_speaker_or_the_person_of_the_sentence_before() {
    // The person the sentence before names, though an earlier source is in context.
    let d = drafted(
        "Google said it hosts Hikvision. A company official, Peter Vasko, issued a statement on Monday. He said the servers are new.",
        "en",
    );
    let who = claimants(&d);
    assert_eq!(
        who.last().map(|(c, _)| c.as_str()),
        Some("peter-vasko"),
        "{who:?}"
    );
    // The speaker of the sentence before goes on, though a source with a document is nearer.
    let d = drafted(
        "Google said in a statement that it hosts Hikvision. Peter Vasko says the servers are new. He says they are fast. He said they are cheap.",
        "en",
    );
    let who = claimants(&d);
    let last_two: Vec<&str> = who.iter().rev().take(2).map(|(c, _)| c.as_str()).collect();
    assert_eq!(last_two, ["peter-vasko", "peter-vasko"], "{who:?}");
}

#[test]
fn based_ends_a_name_and_for_joins_one() {
    let d = drafted(
        "Peter Vasko, head of the Prague-based Centre for Security Studies, said the order is a mistake.",
        "en",
    );
    let labels: Vec<&str> = d.candidates.iter().map(|c| c.label.as_str()).collect();
    assert!(
        labels.contains(&"Centre for Security Studies"),
        "{labels:?}"
    );
    assert!(
        !labels.iter().any(|l| l.contains("based")),
        "'-based' is no part of a name: {labels:?}"
    );
}

#[test]
fn a_countrys_government_body_is_named_with_the_country() {
    let d = drafted(
        "Freedonia's Foreign Ministry said the order is a mistake.",
        "en",
    );
    let who = claimants(&d);
    assert_eq!(
        who,
        vec![("freedonia-s-foreign-ministry".into(), "assertion".into())],
        "{who:?}"
    );
    assert!(
        d.candidates
            .iter()
            .any(|c| c.label == "Freedonia's Foreign Ministry"),
        "{:?}",
        d.candidates.iter().map(|c| &c.label).collect::<Vec<_>>()
    );
}

#[test]
fn denial_phrases_are_responses_not_assertions() {
    // With no drafted claim to answer, a denial waits for review instead of becoming an
    // assertion of its speaker.
    for text in [
        "Google says allegations of a spy ring in Ireland are \"groundless\".",
        "Google told reporters on Friday the claims are a lie.",
        "Google is denouncing claims by the opposition that it hosts Hikvision.",
    ] {
        let d = drafted(text, "en");
        assert!(d.claims.is_empty(), "{text}: {:?}", claimants(&d));
        assert!(
            d.for_review
                .iter()
                .any(|(c, _)| c.kind.as_str() == "denial"),
            "{text}: {:?}",
            d.for_review
                .iter()
                .map(|(c, w)| (c.kind.as_str(), w))
                .collect::<Vec<_>>()
        );
    }
    // Answering a drafted allegation, the denial is drafted.
    let d = drafted(
        "Amazon accused Google of hosting Hikvision. Google said the allegations are groundless.",
        "en",
    );
    let who = claimants(&d);
    assert!(who.contains(&("google".into(), "denial".into())), "{who:?}");
}

#[test]
fn alleged_before_a_noun_is_no_reporting_verb() {
    let d = drafted(
        "A statement by Google voiced regret about the arrests of ten alleged spies.",
        "en",
    );
    assert!(
        !claimants(&d).iter().any(|(_, k)| k == "allegation"),
        "{:?}",
        claimants(&d)
    );
    let d = drafted("Amazon alleged that Google hosts Hikvision.", "en");
    assert_eq!(claimants(&d), vec![("amazon".into(), "allegation".into())]);
}

// Issue 13, seventh round: classes of wrong drafts on the development half.

#[test]
fn a_reported_wrongdoing_is_an_allegation() {
    let d = drafted("Google said Microsoft lied about its servers.", "en");
    assert_eq!(claimants(&d), vec![("google".into(), "allegation".into())]);
    // A wrongdoing named in passing accuses nobody.
    let d = drafted(
        "Google said the criminal code has servers in Ireland.",
        "en",
    );
    assert_eq!(claimants(&d), vec![("google".into(), "assertion".into())]);
}

#[test]
fn a_country_qualifying_an_office_is_not_the_speaker() {
    let d = drafted(
        "The U.S. embassy in Berlin said the servers are in Ireland.",
        "en",
    );
    let who = claimants(&d);
    assert!(!who.iter().any(|(c, _)| c.starts_with("us")), "{who:?}");
}

#[test]
fn an_english_document_takes_its_author_through_a_preposition() {
    let d = drafted(
        "Google said members of the ruling Amazon Party have servers in Ireland.",
        "en",
    );
    assert!(d.documents.is_empty(), "{:?}", d.documents);
    assert_eq!(claimants(&d), vec![("google".into(), "assertion".into())]);
}

#[test]
fn a_military_rank_before_a_name_ends_no_sentence() {
    let d = drafted(
        "According to Col. Peter Vasko, a doctor at the base, four soldiers were sent home.",
        "en",
    );
    let who: Vec<String> = claimants(&d).into_iter().map(|(c, _)| c).collect();
    assert_eq!(who, ["peter-vasko"], "{who:?}");
    assert!(
        d.candidates.iter().all(|c| c.label != "Col"),
        "{:?}",
        d.candidates
    );
}

#[test]
fn a_name_qualifying_people_or_a_count_does_not_speak() {
    // "Thousands of Ohio citizens": neither "Thousands of Ohio" nor "of Ohio" is a name, and
    // the citizens, unnamed, speak, not Ohio.
    let d = drafted(
        "Thousands of Ohio citizens have reported problems at polling places.",
        "en",
    );
    assert!(d.claims.is_empty(), "{:?}", claimants(&d));
    let labels: Vec<&str> = d.candidates.iter().map(|c| c.label.as_str()).collect();
    assert!(
        labels
            .iter()
            .all(|l| !l.starts_with("Thousands") && !l.starts_with("of ")),
        "{labels:?}"
    );
}

#[test]
fn whom_a_cited_document_was_sent_to_is_not_its_source() {
    let d = drafted(
        "The page was replaced with a warning, according to a screenshot sent via email to the security firm Amazon.",
        "en",
    );
    assert!(d.claims.is_empty(), "{:?}", claimants(&d));
    // The author of the document still is.
    let d = drafted(
        "The page was replaced with a warning, according to a report by Amazon.",
        "en",
    );
    assert_eq!(claimants(&d), vec![("amazon".into(), "assertion".into())]);
}

#[test]
fn an_apposition_with_an_honorific_speaks_and_a_name_after_a_preposition_does_not() {
    let d = drafted(
        "The government candidate, Mr. Peter Vasko, vowed to challenge the outcome in the Supreme Court.",
        "en",
    );
    assert_eq!(claimants(&d), vec![("peter-vasko".into(), "threat".into())]);
    // After a comma and no quotation, a name a preposition governs is not the speaker.
    let d = drafted(
        "Supporters protested for days, appealing to the Supreme Court.",
        "en",
    );
    assert!(
        claimants(&d).iter().all(|(c, _)| c != "supreme-court"),
        "{:?}",
        claimants(&d)
    );
}

#[test]
fn maintained_reports_only_with_that_and_a_violation_is_an_allegation() {
    let d = drafted(
        "Supporters of Peter Vasko maintained a blockade of the Parliament.",
        "en",
    );
    assert!(d.claims.is_empty(), "{:?}", claimants(&d));
    let d = drafted("Peter Vasko maintained that the servers are new.", "en");
    assert_eq!(
        claimants(&d),
        vec![("peter-vasko".into(), "assertion".into())]
    );
    let d = drafted(
        "Peter Vasko said the constitution and human rights were violated.",
        "en",
    );
    assert_eq!(
        claimants(&d),
        vec![("peter-vasko".into(), "allegation".into())]
    );
}

#[test]
fn calling_a_claim_a_hoax_denies_it() {
    let d = drafted(
        "Google reported that Amazon hosts Hikvision. Amazon said that the report was a hoax.",
        "en",
    );
    let who = claimants(&d);
    assert!(who.contains(&("amazon".into(), "denial".into())), "{who:?}");
}

#[test]
fn a_requested_investigation_is_no_cited_document() {
    let d = drafted(
        "Peter Vasko voiced concerns and requested an investigation by the Trade Commission, citing specific cases.",
        "en",
    );
    let who: Vec<String> = claimants(&d).into_iter().map(|(c, _)| c).collect();
    assert_eq!(who, ["peter-vasko"], "{who:?}");
    assert!(d.documents.is_empty(), "{:?}", d.documents);
}

#[test]
fn a_body_named_again_without_its_first_word_is_the_same_body() {
    let d = drafted(
        "The Government Accountability Office said the lines were long. The U.S. Government Accountability Office previously reported on voting problems.",
        "en",
    );
    let who: Vec<String> = claimants(&d).into_iter().map(|(c, _)| c).collect();
    assert!(
        who.iter().all(|c| c == "government-accountability-office"),
        "{who:?}"
    );
    // "Congressman" is a title, no name.
    let d = drafted("Congressman Peter Vasko said the lines were long.", "en");
    assert_eq!(
        claimants(&d),
        vec![("peter-vasko".into(), "assertion".into())]
    );
}

#[test]
fn pointed_out_and_indicated_report_and_an_event_is_no_name() {
    let d = drafted("Peter Vasko pointed out that the servers are new.", "en");
    assert_eq!(
        claimants(&d),
        vec![("peter-vasko".into(), "assertion".into())]
    );
    let d = drafted(
        "Peter Vasko indicated he had met a veteran of the first Gulf War.",
        "en",
    );
    assert_eq!(
        claimants(&d),
        vec![("peter-vasko".into(), "assertion".into())]
    );
    assert!(
        d.candidates.iter().all(|c| c.label != "Gulf War"),
        "{:?}",
        d.candidates
    );
    // "indicated" without a clause after it reports nothing.
    let d = drafted("The map indicated the border.", "en");
    assert!(d.claims.is_empty(), "{:?}", claimants(&d));
}

#[test]
fn calling_someone_a_murderer_in_german_is_an_allegation() {
    let d = drafted(
        "Der Bürgermeister, Peter Vasko, sagte: „Wir können nicht tolerieren, dass dieser Mörder in Freiheit ist.“",
        "de",
    );
    assert_eq!(
        claimants(&d),
        vec![("peter-vasko".into(), "allegation".into())]
    );
}

#[test]
fn a_us_party_and_state_in_brackets_is_no_name() {
    let d = drafted(
        "Congressmen including Peter Vasko (D-MI) and Paula Brandt (R-TX) said the lines were long.",
        "en",
    );
    let labels: Vec<&str> = d.candidates.iter().map(|c| c.label.as_str()).collect();
    assert!(
        labels.iter().all(|l| *l != "D-MI" && *l != "R-TX"),
        "{labels:?}"
    );
}

#[test]
fn two_speakers_each_with_an_apposition_both_speak() {
    let d = drafted(
        "Peter Vasko, director of the Trade Commission, and Paula Brandt, a consultant of Amazon, pointed out that the servers are new.",
        "en",
    );
    let mut who: Vec<String> = claimants(&d).into_iter().map(|(c, _)| c).collect();
    who.sort();
    assert_eq!(who, ["paula-brandt", "peter-vasko"], "{who:?}");
    // One apposition, one speaker.
    let d = drafted(
        "Peter Vasko, director of the Trade Commission, pointed out that the servers are new.",
        "en",
    );
    let who: Vec<String> = claimants(&d).into_iter().map(|(c, _)| c).collect();
    assert_eq!(who, ["peter-vasko"], "{who:?}");
}
