//! The built seed site in real tools: Debian's headless Chromium (through puppeteer-core)
//! with axe-core, and the Nu Html Checker (vnu-jar on the machine's Java). `.ci/test`
//! installs them (chromium, a JRE and node through `.ci/setup`, the npm packages into
//! node_modules/); elsewhere a missing tool skips the test (and fails under CI).

mod common;
mod server_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use claimgraph::model::graph::{Iris, DEFAULT_BASE};
use claimgraph::publish::site::Site;
use claimgraph::store::GraphStore;
use common::{repo, tool_missing};
use serde_json::Value;

/// Builds the seed site into a fresh temporary folder.
fn seed_site() -> tempfile::TempDir {
    let store = GraphStore::in_memory(Iris::new(DEFAULT_BASE).unwrap()).unwrap();
    let summary =
        claimgraph::write::import::import_paths(&store, &[repo().join("data")], &|_, _| {})
            .unwrap();
    assert!(summary.ok(), "{:?}", summary.failures);
    let out = tempfile::tempdir().unwrap();
    Site::new(store.iris().clone())
        .unwrap()
        .build(&store, out.path(), false)
        .unwrap();
    out
}

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    path.exists().then_some(path)
}

/// Chromium's path when it, node and the npm packages the browser checks use are all
/// there; otherwise says which is missing (see [`tool_missing`]) and gives `None`.
fn browser_tools() -> Option<PathBuf> {
    let Some(chromium) = chromium() else {
        tool_missing("Debian's chromium (/usr/bin/chromium)");
        return None;
    };
    if !on_path("node") {
        tool_missing("node");
        return None;
    }
    if !repo()
        .join("node_modules/puppeteer-core/package.json")
        .exists()
        || !repo().join("node_modules/axe-core/axe.min.js").exists()
    {
        tool_missing("npm packages puppeteer-core and axe-core in node_modules/");
        return None;
    }
    Some(chromium)
}

/// The strings of a JSON array (none when it is not one).
fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn on_path(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Runs a command to its end, killing it after `limit`; returns (success, stdout, stderr).
fn run_bounded(cmd: &mut Command, limit: Duration) -> (bool, String, String) {
    let out_file = tempfile::NamedTempFile::new().unwrap();
    let err_file = tempfile::NamedTempFile::new().unwrap();
    let mut child = cmd
        .stdout(out_file.reopen().unwrap())
        .stderr(err_file.reopen().unwrap())
        .spawn()
        .expect("start the tool");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} took longer than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let read = |f: &tempfile::NamedTempFile| std::fs::read_to_string(f.path()).unwrap_or_default();
    (status.success(), read(&out_file), read(&err_file))
}

/// Runs tests/browser/check-pages.js over the seed site; `None` when a tool is missing.
/// With `CLAIMGRAPH_SCREENSHOTS=DIR` set, the first screen of the entity, claim and
/// article pages is also saved there at both widths (how docs/screenshots/ is made).
fn browser_report() -> Option<Value> {
    let chromium = browser_tools()?;
    let site = seed_site();
    let shots = repo().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let mut cmd = Command::new("node");
    cmd.arg(repo().join("tests/browser/check-pages.js"))
        .arg(site.path())
        .arg(&shots)
        .arg(&chromium);
    if let Some(docs) = std::env::var_os("CLAIMGRAPH_SCREENSHOTS") {
        std::fs::create_dir_all(&docs).unwrap();
        cmd.arg(docs);
    }
    let (ok, stdout, stderr) = run_bounded(&mut cmd, Duration::from_secs(480));
    assert!(ok, "the browser check failed:\n{stderr}");
    Some(serde_json::from_str(&stdout).expect("JSON report"))
}

#[test]
fn seed_site_in_chromium_at_1280_and_390_px_both_languages() {
    let Some(report) = browser_report() else {
        return;
    };
    let pages = report["pages"].as_array().unwrap();
    let page = |name: &str, lang: &str, width: u64| {
        pages
            .iter()
            .find(|p| p["name"] == name && p["lang"] == lang && p["width"] == width)
            .unwrap_or_else(|| panic!("no report for {name} {lang} {width}"))
    };
    let count = |p: &Value, key: &str| {
        p["shows"][key]
            .as_u64()
            .or_else(|| p["shows"][key].as_array().map(|a| a.len() as u64))
            .unwrap()
    };

    for p in pages {
        let name = format!("{} ({}, {} px)", p["path"], p["lang"], p["width"]);
        assert_eq!(
            p["errors"],
            serde_json::json!([]),
            "{name}: console errors or failed requests"
        );
        // The screenshot was written and is not blank: text and colours, not one flat tone.
        let shot = Path::new(p["screenshot"].as_str().unwrap());
        assert!(
            std::fs::metadata(shot)
                .map(|m| m.len() > 10_000)
                .unwrap_or(false),
            "{name}: screenshot missing or tiny"
        );
        assert!(
            p["ink"].as_f64().unwrap() > 0.03 && p["colours"].as_u64().unwrap() > 50,
            "{name}: blank screenshot {p}"
        );
        let serious = serious_violations(&p);
        assert!(
            serious.is_empty(),
            "{name}: axe-core found serious violations: {serious:#?}"
        );
        assert_eq!(
            count(p, "quotesWithoutLang"),
            0,
            "{name}: a quote without lang"
        );
        assert_eq!(p["shows"]["lang"], p["lang"], "{name}: the page's language");
        if p["width"] == 390 {
            let header = p["shows"]["headerHeight"].as_u64().unwrap();
            assert!(header <= 130, "{name}: the header takes {header} px of 844");
        }
    }

    // No page of the site, in either language, scrolls sideways at either width.
    assert!(
        report["checked"].as_u64().unwrap() > 300,
        "{} page loads",
        report["checked"]
    );
    assert_eq!(
        report["overflow"],
        serde_json::json!([]),
        "pages wider than the window"
    );
    // The relation diagrams' texts overlap nothing (checked on every entity page at 1280 px).
    assert!(report["diagrams"].as_u64().unwrap() > 20);
    assert_eq!(
        report["overlaps"],
        serde_json::json!([]),
        "diagram overlaps"
    );
    assert!(
        report["smallestDiagramTextPx"].as_f64().unwrap() >= 10.0,
        "diagram text is readable where it is drawn: {}",
        report["smallestDiagramTextPx"]
    );

    // Alibaba's page shows Alibaba's denial and the White House's and the CIA's refusals
    // to comment inline, without a click, at both widths and in both languages.
    for lang in ["en", "de"] {
        for width in [1280, 390] {
            let alibaba = page("alibaba", lang, width);
            let answers: Vec<String> = alibaba["shows"]["answers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| format!("{} {}", a["kind"], a["text"]))
                .collect();
            let shown = |kind: &str, words: &str| {
                answers
                    .iter()
                    .any(|a| a.contains(kind) && a.contains(words))
            };
            assert!(
                shown("answer-denial", "Alibaba") && shown("answer-denial", "völligen Unsinn"),
                "{lang} {width}: Alibaba's denial quote: {answers:#?}"
            );
            assert!(
                shown("answer-refusaltocomment", "CIA")
                    && answers.iter().any(|a| a.contains("answer-refusaltocomment")
                        && (a.contains("White House") || a.contains("Weißes Haus"))),
                "{lang} {width}: the refusals: {answers:#?}"
            );
        }
    }

    let article = page("article", "en", 1280);
    assert!(
        count(article, "highlighted") >= 10,
        "the article highlights its quotes: {article}"
    );
    assert!(
        count(article, "quoteLangs") >= 10,
        "highlighted quotes carry lang"
    );
    let entity = page("entity", "en", 1280);
    assert_eq!(entity["shows"]["h1"], "Hikvision");
    assert!(
        count(entity, "claimCards") >= 4,
        "Hikvision's claims are shown: {entity}"
    );
    let badges: Vec<&str> = entity["shows"]["statusBadges"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        badges.len() >= 4
            && badges
                .iter()
                .all(|b| !b.is_empty() && *b != "status not derived" && *b != "uncontested"),
        "{badges:?}"
    );
    assert_eq!(count(entity, "diagram"), 1, "the relation diagram is drawn");
    assert_eq!(count(entity, "scripts"), 0, "entity pages need no script");
    // The offline search finds Hikvision from a file:// page.
    let search = page("search", "en", 1280);
    let hits: Vec<&str> = search["shows"]["searchResults"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(hits.contains(&"id/org/hikvision.html"), "{hits:?}");
}

#[test]
fn nu_html_checker_reports_no_errors_on_any_page() {
    let jar = repo().join("node_modules/vnu-jar/build/dist/vnu.jar");
    if !jar.exists() {
        tool_missing("npm package vnu-jar in node_modules/");
        return;
    }
    if !on_path("java") {
        tool_missing("java (for the Nu Html Checker)");
        return;
    }
    let site = seed_site();
    let pages = walk_html(site.path());
    assert!(pages.len() > 180, "{} pages", pages.len());
    assert!(
        pages.iter().any(|p| p.ends_with("de/id/org/alibaba.html")),
        "the German pages are checked too"
    );
    let (_, _, stderr) = run_bounded(
        Command::new("java")
            .arg("-Xss8m")
            .arg("-jar")
            .arg(&jar)
            .args(["--errors-only", "--format", "json", "--skip-non-html"])
            .arg(site.path()),
        Duration::from_secs(300),
    );
    let report: Value = serde_json::from_str(&stderr)
        .unwrap_or_else(|e| panic!("vnu output is not JSON ({e}): {stderr}"));
    let errors: Vec<String> = report["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["type"] == "error" || m["subType"] == "fatal")
        .map(|m| {
            format!(
                "{}:{}: {}",
                m["url"].as_str().unwrap_or(""),
                m["lastLine"],
                m["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert!(
        errors.is_empty(),
        "{} HTML errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

fn walk_html(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk_html(&p));
        } else if p.extension().is_some_and(|x| x == "html") {
            out.push(p);
        }
    }
    out
}

/// The SPARQL page on the live server, at 1280 and 390 px: the editor highlights and
/// completes, a query runs, results show labels beside IRIs, the CSV link downloads the
/// rows; and the search finds the Alibaba denial by "Unsinn", a word of its quote.
#[test]
fn chromium_runs_a_query_on_the_sparql_page_and_downloads_csv() {
    let Some(chromium) = browser_tools() else {
        return;
    };
    let server = server_support::LiveServer::start(server_support::state(
        server_support::seed_store(),
        claimgraph::server::ServerConfig::default(),
    ));
    let shots = repo().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let (ok, stdout, stderr) = run_bounded(
        Command::new("node")
            .arg(repo().join("tests/browser/sparql-page.js"))
            .arg(&server.base)
            .arg(&shots)
            .arg(&chromium),
        Duration::from_secs(180),
    );
    assert!(ok, "the SPARQL page check failed:\n{stderr}");
    let report: Vec<Value> = serde_json::from_str(&stdout).expect("JSON report");
    for width in [1280, 390] {
        let r = report
            .iter()
            .find(|r| r["width"] == width)
            .unwrap_or_else(|| panic!("no report at {width} px"));
        assert_eq!(r["errors"], serde_json::json!([]), "{width} px: {r}");
        assert!(
            r["highlighted"].as_u64().unwrap() > 0,
            "keywords highlighted: {r}"
        );
        let hints: Vec<&str> = strings(&r["hints"]);
        assert!(
            hints.iter().any(|h| h.starts_with("cg:Denial")),
            "{hints:?}"
        );
        assert!(
            r["typed"].as_str().unwrap().contains("a cg:Denial }"),
            "the completion was taken: {r}"
        );
        let shows = &r["shows"];
        assert!(shows["url"].as_str().unwrap().starts_with("/sparql?query="));
        let rows = shows["rows"].as_u64().unwrap();
        assert!(rows >= 1, "the seed data's denials: {r}");
        assert!(
            shows["labelled"].as_u64().unwrap() >= rows,
            "labels beside IRIs: {r}"
        );
        assert_eq!(
            shows["overflow"], 0,
            "{width} px: the page scrolls sideways"
        );
        let download = &r["download"];
        assert_eq!(download["name"], "query-results.csv");
        assert_eq!(download["head"][0], "entity,claim");
        assert_eq!(download["lines"].as_u64().unwrap(), rows + 1, "{r}");
        let serious = serious_violations(&r);
        assert!(serious.is_empty(), "{width} px: axe-core: {serious:#?}");
        let shot = Path::new(r["screenshot"].as_str().unwrap());
        assert!(std::fs::metadata(shot)
            .map(|m| m.len() > 10_000)
            .unwrap_or(false));
    }
    let search = &report
        .iter()
        .find(|r| r.get("search").is_some())
        .expect("a search report")["search"];
    assert_eq!(search["errors"], serde_json::json!([]), "{search}");
    let hits: Vec<&str> = strings(&search["hits"]);
    assert!(
        hits.contains(&"id/claim/alibaba-pla-memo/alibaba-denies.html"),
        "{search}"
    );
    assert!(
        search["quotes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|q| q["lang"] == "de" && q["text"].as_str().unwrap().contains("Unsinn")),
        "{search}"
    );
    // Only what the search needed was loaded: the manifest, one terms shard, one block.
    let loaded: Vec<&str> = strings(&search["loaded"]);
    assert!(loaded.contains(&"/search/terms-un.js"), "{loaded:?}");
    assert!(
        loaded
            .iter()
            .filter(|p| p.starts_with("/search/terms-"))
            .count()
            == 1,
        "{loaded:?}"
    );
}

/// The editor in Chromium (`serve --edit`, tests/browser/editor.js): a reporter pastes
/// an extractor test article, accepts two drafted claims by keyboard, fixes the first
/// one's claimant, rejects the third, adds one by selecting words, and saves. The saved
/// sheet holds exactly that, the store and the claimant's entity page show it, and every
/// content hash verifies. Screenshots of the review page at 1280 and 390 px go to
/// target/screenshots (and to `CLAIMGRAPH_SCREENSHOTS=DIR` when set).
#[test]
fn chromium_reviews_a_pasted_article_in_the_editor_and_publishes_it() {
    use claimgraph::model::sheet::Sheet;
    use claimgraph::server::edit::{EditConfig, EditState};
    let Some(chromium) = browser_tools() else {
        return;
    };
    const TOKEN: &str = "browser-test-token";
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let edit = EditState::new(EditConfig {
        token: TOKEN.into(),
        data_dir: data.clone(),
        drafts_dir: dir.path().join("drafts"),
    })
    .unwrap();
    let state = std::sync::Arc::new(
        claimgraph::server::AppState::new(
            server_support::seed_store(),
            claimgraph::server::ServerConfig::default(),
        )
        .unwrap()
        .with_edit(edit),
    );
    let server = server_support::LiveServer::start(std::sync::Arc::clone(&state));
    let shots = repo().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let selection =
        "the company's base stations contain software that can be updated remotely without the operators' knowledge";
    let (ok, stdout, stderr) = run_bounded(
        Command::new("node")
            .arg(repo().join("tests/browser/editor.js"))
            .arg(&server.base)
            .arg(&shots)
            .arg(&chromium)
            .arg(TOKEN)
            .arg(repo().join("tests/fixtures/extract/uk-zte-ban.txt"))
            .arg(selection)
            .arg("united-kingdom"),
        Duration::from_secs(180),
    );
    assert!(ok, "the editor check failed:\n{stderr}");
    let report: Value = serde_json::from_str(&stdout).expect("JSON report");
    assert_eq!(report["errors"], serde_json::json!([]), "{report:#}");
    assert_eq!(report["loginPage"], "/edit/login", "editing needs a login");
    assert_eq!(report["selected"], selection);
    assert_eq!(report["addedQuote"], selection);
    let saved = &report["saved"];
    assert!(
        saved["notice"]
            .as_str()
            .unwrap()
            .contains("Saved and imported"),
        "{saved:#}"
    );
    for width in [1280, 390] {
        let r = report["widths"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["width"] == width)
            .unwrap();
        let shows = &r["shows"];
        assert!(shows["marks"].as_u64().unwrap() >= 3, "{r:#}");
        assert_eq!(
            shows["accepted"].as_u64(),
            Some(3),
            "two drafted, one added: {r:#}"
        );
        assert_eq!(shows["rejected"].as_u64(), Some(1), "{r:#}");
        assert_eq!(
            shows["overflow"], 0,
            "{width} px: the page scrolls sideways"
        );
        let serious = serious_violations(&r);
        assert!(serious.is_empty(), "{width} px: axe-core: {serious:#?}");
        let shot = Path::new(r["screenshot"].as_str().unwrap());
        if let Some(docs) = std::env::var_os("CLAIMGRAPH_SCREENSHOTS") {
            std::fs::copy(shot, Path::new(&docs).join(shot.file_name().unwrap())).unwrap();
        }
    }

    // The saved sheet holds exactly the review.
    let drafted: Vec<String> = report["drafted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    let id = report["reviewUrl"]
        .as_str()
        .unwrap()
        .trim_start_matches("/edit/review/")
        .to_owned();
    let path = data.join("articles").join(format!("{id}.toml"));
    let sheet = Sheet::read(&path).unwrap();
    let ids: Vec<&str> = sheet
        .claim
        .iter()
        .map(|c| c.id.get_ref().as_str())
        .collect();
    assert!(
        !ids.contains(&drafted[2].as_str()),
        "the rejected claim is gone: {ids:?}"
    );
    let reviewed: Vec<&str> = sheet
        .claim
        .iter()
        .filter(|c| c.extraction.is_none())
        .map(|c| c.id.get_ref().as_str())
        .collect();
    assert_eq!(reviewed, [&*drafted[0], &*drafted[1], "added-1"]);
    assert_eq!(
        sheet.claim.len(),
        drafted.len(),
        "the others wait as drafts"
    );
    for c in sheet.claim.iter().filter(|c| c.extraction.is_none()) {
        assert_eq!(c.review.as_ref().unwrap().by.get_ref(), "rita-reporter");
    }
    assert_eq!(sheet.claim[0].claimant.get_ref(), "united-kingdom");
    let added = sheet
        .claim
        .iter()
        .find(|c| c.id.get_ref() == "added-1")
        .unwrap();
    assert_eq!(added.quote.get_ref(), selection);
    assert_eq!(added.claimant.get_ref(), "ncsc");

    // The store and the claimant's entity page show it; every content hash verifies.
    let rows = state
        .store
        .select("PREFIX cg: <https://claimgraph.example/ns#> SELECT ?claim WHERE { ?claim cg:review ?r }")
        .unwrap();
    assert_eq!(rows.len(), 3);
    let page = ureq::get(&server.url("/id/place/united-kingdom.html"))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert!(
        page.contains("ordered mobile operators to remove ZTE equipment"),
        "the entity page shows the fixed claim"
    );
    let checks = claimgraph::write::hash::verify(&state.store).unwrap();
    assert!(checks.iter().any(|c| c.article == id));
    assert!(checks.iter().all(|c| c.problem().is_none()));
}

/// The axe-core findings of a page's report that are serious or critical.
fn serious_violations(report: &Value) -> Vec<&Value> {
    report["violations"]
        .as_array()
        .expect("axe-core's violations in the report")
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .collect()
}
