//! The static site: a page for everything in the store, links that resolve, hostile
//! input rendered inert, and a build that leaves other files alone.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use claimgraph::model::graph::{Iris, DEFAULT_BASE};
use claimgraph::publish::site::Site;
use claimgraph::store::GraphStore;
use claimgraph::write::import::import_paths;
use common::{fixture, repo, TestStore};

fn store_with(paths: &[PathBuf]) -> GraphStore {
    let store = GraphStore::in_memory(Iris::new(DEFAULT_BASE).unwrap()).unwrap();
    let summary = import_paths(&store, paths, &|_, _| {}).unwrap();
    assert!(summary.ok(), "import failed: {:?}", summary.failures);
    store
}

fn build(store: &GraphStore, out: &Path, clean: bool) -> claimgraph::publish::site::BuildReport {
    Site::new(store.iris().clone())
        .unwrap()
        .build(store, out, clean)
        .expect("build")
}

/// Every file under `dir`, as paths relative to it with `/` separators.
fn files(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(
                    p.strip_prefix(base)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The number of distinct resources a SPARQL pattern selects (`?x` is counted).
fn count(store: &GraphStore, pattern: &str) -> usize {
    let q = format!(
        "{}SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}",
        claimgraph::model::vocab::sparql_prologue()
    );
    let rows = store.select(&q).unwrap();
    claimgraph::store::literal_value(&rows[0][0])
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn seed_site_has_a_page_for_every_entity_claim_article_and_document() {
    let store = store_with(&[repo().join("data")]);
    let out = tempfile::tempdir().unwrap();
    let report = build(&store, out.path(), false);
    let all = files(out.path());
    let pages_under = |prefixes: &[&str], ext: &str| {
        all.iter()
            .filter(|f| prefixes.iter().any(|p| f.starts_with(p)) && f.ends_with(ext))
            .count()
    };
    let entities = count(&store, "?x a cg:Entity ; cg:slug ?s");
    let claims = count(&store, "?x a cg:Claim");
    let articles = count(&store, "?x a cg:Article");
    let documents = count(&store, "?x a cg:SourceDocument");
    assert!(
        entities >= 30 && claims >= 30 && articles == 2 && documents >= 5,
        "{entities} {claims} {articles} {documents}"
    );
    let entity_dirs = [
        "id/org/",
        "id/gov/",
        "id/person/",
        "id/place/",
        "id/list/",
        "id/group/",
    ];
    assert_eq!(pages_under(&entity_dirs, ".html"), entities);
    assert_eq!(pages_under(&["id/claim/"], ".html"), claims);
    assert_eq!(pages_under(&["id/article/"], ".html"), articles);
    assert_eq!(pages_under(&["id/doc/"], ".html"), documents);
    for ext in [".ttl", ".jsonld"] {
        assert_eq!(
            pages_under(&["id/"], ext),
            entities + claims + articles + documents,
            "{ext} alternates"
        );
    }
    for index in [
        "index.html",
        "companies.html",
        "government-bodies.html",
        "people.html",
        "other-entities.html",
        "articles.html",
        "claims.html",
        "documents.html",
        "queries.html",
        "search.html",
        "search/index.js",
        "sparql.html",
        "id/org/hikvision.claims.csv",
        "id/org/hikvision.claims.json",
        "sitemap.xml",
        "assets/site.css",
        "assets/search.js",
    ] {
        assert!(all.contains(&index.to_owned()), "missing {index}");
    }
    assert_eq!(
        report.pages,
        all.iter().filter(|f| f.ends_with(".html")).count()
    );
    // Besides the site, the folder holds the build's manifest and kept rows (for the
    // next build).
    let site_files = all
        .iter()
        .filter(|f| !claimgraph::publish::manifest::is_build_record(f))
        .count();
    assert_eq!(report.files, site_files);

    // Hikvision's page shows its claims with statuses, its relations and the alternates.
    let hik = std::fs::read_to_string(out.path().join("id/org/hikvision.html")).unwrap();
    assert!(hik.contains("<h1>Hikvision</h1>"));
    assert!(hik.contains("Claims about Hikvision"));
    assert!(hik.contains("class=\"badge status-"));
    assert!(
        hik.contains("<svg") && hik.contains("provides CDN to"),
        "relation diagram"
    );
    assert!(hik.contains("lang=\"de\""), "quotes carry their language");
    assert!(hik
        .contains(r#"<link rel="alternate" type="text/turtle" href="../../id/org/hikvision.ttl""#));
    // Alibaba's memo claim is denied by its subject, and its page says why.
    let claim = std::fs::read_to_string(
        out.path()
            .join("id/claim/alibaba-pla-memo/alibaba-supplies-pla.html"),
    )
    .unwrap();
    assert!(claim.contains("status-denied-by-subject"));
    assert!(claim.contains("a subject of this claim"));
    assert!(claim.contains("völligen Unsinn"), "the denial's own words");
    // The RDF alternates parse and describe the resource.
    let ttl = std::fs::read_to_string(out.path().join("id/org/hikvision.ttl")).unwrap();
    assert!(ttl.contains("Hikvision") && ttl.contains("@prefix"));
    let jsonld: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("id/org/hikvision.jsonld")).unwrap())
            .unwrap();
    assert!(jsonld
        .to_string()
        .contains("https://claimgraph.example/id/org/hikvision"));
    // The sitemap lists every page under the base.
    let sitemap = std::fs::read_to_string(out.path().join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://claimgraph.example/id/org/hikvision.html</loc>"));
}

#[test]
fn every_internal_link_and_anchor_in_the_site_resolves() {
    let store = store_with(&[repo().join("data")]);
    let out = tempfile::tempdir().unwrap();
    build(&store, out.path(), false);
    let attr = regex::Regex::new(r#"(?:href|src)="([^"]*)""#).unwrap();
    let id = regex::Regex::new(r#"\bid="([^"]*)""#).unwrap();
    let mut ids: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    let html: Vec<String> = files(out.path())
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect();
    for f in &html {
        let text = std::fs::read_to_string(out.path().join(f)).unwrap();
        ids.insert(
            out.path().join(f),
            id.captures_iter(&text).map(|c| c[1].to_owned()).collect(),
        );
    }
    let mut checked = 0;
    let mut broken = Vec::new();
    for f in &html {
        let page = out.path().join(f);
        let text = std::fs::read_to_string(&page).unwrap();
        for cap in attr.captures_iter(&text) {
            let target = cap[1].replace("&amp;", "&");
            if target.starts_with("http://") || target.starts_with("https://") {
                continue;
            }
            assert!(!target.starts_with('/'), "{f}: absolute link {target}");
            assert!(!target.contains(':'), "{f}: non-relative link {target}");
            let (path, fragment) = match target.split_once('#') {
                Some((p, frag)) => (p, Some(frag)),
                None => (target.as_str(), None),
            };
            let path = path.split('?').next().unwrap();
            let file = if path.is_empty() {
                page.clone()
            } else {
                normalize(&page.parent().unwrap().join(path))
            };
            checked += 1;
            if !file.is_file() {
                broken.push(format!("{f}: {target}"));
            } else if let Some(frag) = fragment {
                if ids.get(&file).is_some_and(|set| !set.contains(frag)) {
                    broken.push(format!("{f}: {target} (no such anchor)"));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    assert!(checked > 1000, "only {checked} links checked");
}

/// Resolves `.` and `..` without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn hostile_sheet_renders_as_inert_text() {
    let store = store_with(&[fixture("xss")]);
    let out = tempfile::tempdir().unwrap();
    build(&store, out.path(), false);
    let script_href =
        regex::Regex::new(r#"(?i)(href|src|action)\s*=\s*["']?\s*javascript:"#).unwrap();
    let mut seen_escaped = 0;
    for f in files(out.path()) {
        if !(f.ends_with(".html")
            || f.ends_with(".xml")
            || f.ends_with(".json")
            || f.ends_with(".js"))
        {
            continue;
        }
        let text = std::fs::read_to_string(out.path().join(&f)).unwrap();
        assert!(!text.contains("<script>alert"), "{f} holds a live script");
        assert!(!text.contains("<img src=x"), "{f} holds live markup");
        assert!(!text.contains("<b>bold"), "{f} holds live markup");
        assert!(!script_href.is_match(&text), "{f} links a javascript: URL");
        if text.contains("&lt;script&gt;alert(1)&lt;/script&gt;") {
            seen_escaped += 1;
        }
    }
    // The words are still shown, as text: in the article, claim, entity and document pages.
    assert!(
        seen_escaped >= 4,
        "escaped text shown on {seen_escaped} pages"
    );
    let article = std::fs::read_to_string(out.path().join("id/article/xss-article.html")).unwrap();
    assert!(
        article.contains("<span class=\"inert-url\">javascript:alert(1)</span>"),
        "the URL is shown, not linked"
    );
    assert!(
        article.contains("&lt;script&gt;alert(1)&lt;/script&gt; Breaking"),
        "escaped title"
    );
    // The quote is still highlighted and linked although it is markup.
    assert!(article.contains("href=\"../../id/claim/xss-article/evil-says.html\""));
}

#[test]
fn building_keeps_other_files_unless_clean_is_given() {
    let store = store_with(&[fixture("mini")]);
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("notes.txt"), "mine").unwrap();
    std::fs::create_dir(out.path().join("drafts")).unwrap();
    std::fs::write(out.path().join("drafts/keep.md"), "mine too").unwrap();
    build(&store, out.path(), false);
    assert!(out.path().join("index.html").is_file());
    assert_eq!(
        std::fs::read_to_string(out.path().join("notes.txt")).unwrap(),
        "mine"
    );
    assert!(out.path().join("drafts/keep.md").is_file());
    build(&store, out.path(), true);
    assert!(
        !out.path().join("notes.txt").exists(),
        "--clean empties the folder first"
    );
    assert!(!out.path().join("drafts").exists());
    assert!(
        out.path().join("index.html").is_file()
            && out.path().join("id/org/acme-cloud.html").is_file()
    );
}

#[test]
fn unsafe_entity_ids_are_refused_at_import_and_unsafe_paths_render_nothing() {
    let store = TestStore::new();
    let out = store
        .cmd()
        .args(["import"])
        .arg(fixture("unsafe-entity"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unsafe-entity.toml:3") && err.contains("entity[0].id"),
        "{err}"
    );

    let store = store_with(&[fixture("mini")]);
    let site = Site::new(store.iris().clone()).unwrap();
    for path in [
        "id/org/../../etc/passwd.html",
        "../index.html",
        "id/org/nope.html",
        "id/org/ACME.html",
        "nope.html",
        "id/claim/x.html",
    ] {
        assert!(
            site.render(&store, path).unwrap().is_none(),
            "{path} rendered"
        );
    }
    let page = site
        .render(&store, "id/org/acme-cloud.html")
        .unwrap()
        .expect("a page");
    assert!(page.media_type.starts_with("text/html"));
    let ttl = site
        .render(&store, "id/org/acme-cloud.ttl")
        .unwrap()
        .expect("turtle");
    assert!(ttl.media_type.starts_with("text/turtle"));
}

#[test]
fn the_build_command_reports_pages_and_time() {
    let store = TestStore::new();
    store.import(&[&fixture("mini")]);
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let run = store
        .cmd()
        .args(["build", "--out"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let stdout = String::from_utf8(run.stdout).unwrap();
    let pages = files(&site).iter().filter(|f| f.ends_with(".html")).count();
    assert!(stdout.contains(&format!("wrote {pages} pages")), "{stdout}");
    assert!(stdout.contains("s ("), "prints the time: {stdout}");
    // A file where the folder should be is refused with a clear error.
    let file = out.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let run = store
        .cmd()
        .args(["build", "--out"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("not a folder"));
}

/// The text a reader sees in an HTML page: tags and attributes removed.
fn visible_text(html: &str) -> String {
    let tags = regex::Regex::new(r"(?s)<[^>]*>").unwrap();
    tags.replace_all(html, " ")
        .replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn seed_page(out: &Path, path: &str) -> String {
    std::fs::read_to_string(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn alibaba_page_shows_its_denial_and_the_refusals_inline_with_who_answered() {
    let store = store_with(&[repo().join("data")]);
    let out = tempfile::tempdir().unwrap();
    build(&store, out.path(), false);
    let html = seed_page(out.path(), "id/org/alibaba.html");
    let text = visible_text(&html);
    // The summary box comes before the claims and counts them by kind and status.
    let summary = html.find("class=\"summary\"").expect("a summary box");
    assert!(summary < html.find("class=\"claim-card\"").unwrap());
    assert!(
        text.contains("Claims about Alibaba Group allegation 3"),
        "{text}"
    );
    // Each allegation names its denier, and shows the denial's and the refusals' words.
    assert!(text.contains("denied by Alibaba Group"), "{text}");
    for words in [
        "völligen Unsinn",
        "Das Weiße Haus und die CIA lehnten eine Stellungnahme ab",
        "äußerte sich nicht zu den Angaben",
    ] {
        assert!(text.contains(words), "the answer's words: {words}");
    }
    assert!(html.contains("class=\"answer answer-refusaltocomment\""));
    assert!(text.contains("refusal to comment by White House"), "{text}");
    assert!(text.contains("refusal to comment by CIA"), "{text}");
    // The trail runs from the claimant through the memo and the FT report to the article,
    // with the memo's date.
    assert!(
        text.contains("White House in White House memorandum on Alibaba, listing declassified intelligence · 1 November (year not given) (“vom 1. November”) cited by Financial Times report"),
        "{text}"
    );
    // The relations table names the claimant and the status of each claim.
    let table = &html[html.find("<table class=\"relations").unwrap()..];
    let table = visible_text(&table[..table.find("</table>").unwrap()]);
    assert!(
        table.contains("White House denied by Alibaba Group"),
        "{table}"
    );
}

#[test]
fn statuses_say_who_answered_and_responses_carry_none_of_their_own() {
    let store = store_with(&[repo().join("data")]);
    let out = tempfile::tempdir().unwrap();
    build(&store, out.path(), false);
    for f in files(out.path()).iter().filter(|f| f.ends_with(".html")) {
        let text = visible_text(&seed_page(out.path(), f));
        assert!(
            !text.to_lowercase().contains("uncontested"),
            "{f} says 'uncontested'"
        );
        assert!(!text.contains("status not derived"), "{f}");
    }
    let hik = visible_text(&seed_page(out.path(), "id/org/hikvision.html"));
    assert!(hik.contains("no response reported"), "{hik}");
    assert!(
        hik.contains("Nobody is reported to have answered this claim"),
        "each status shown is explained on the page"
    );
    // The denial itself has no badge: nobody answered it.
    let denial = seed_page(out.path(), "id/claim/alibaba-pla-memo/alibaba-denies.html");
    let head = &denial[..denial.find("</header>").unwrap()];
    assert!(!head.contains("class=\"badge"), "{head}");
    let claim = visible_text(&seed_page(
        out.path(),
        "id/claim/alibaba-pla-memo/alibaba-supplies-pla.html",
    ));
    assert!(claim.contains("Status: denied by Alibaba Group"), "{claim}");
    // China's denial of the listing's reasons names China.
    let list = visible_text(&seed_page(
        out.path(),
        "id/article/us-tech-entity-list.html",
    ));
    assert!(list.contains("denied by"), "{list}");
}

#[test]
fn articles_without_metadata_get_a_neutral_title_and_no_internal_data_leaks() {
    let store = store_with(&[repo().join("data")]);
    let out = tempfile::tempdir().unwrap();
    build(&store, out.path(), false);
    let article = seed_page(out.path(), "id/article/alibaba-pla-memo.html");
    assert!(
        article.contains("<h1>Unidentified German article, citing Financial Times</h1>"),
        "{}",
        &article[..article.find("</h1>").unwrap_or(0) + 5]
    );
    let text = visible_text(&article);
    assert!(text.contains("Language German"), "the language as a word");
    let title = &article[article.find("<title>").unwrap()..article.find("</h1>").unwrap()];
    assert!(
        !title.contains("Angeblich"),
        "no cut sentence as title: {title}"
    );
    assert!(
        text.contains("Content hash") && regex::Regex::new("[0-9a-f]{64}").unwrap().is_match(&text),
        "the content hash is shown"
    );
    assert!(text.contains("CC BY 4.0"), "a licence statement");
    let home = visible_text(&seed_page(out.path(), "index.html"));
    assert!(
        home.contains("Unidentified German article, citing Top10VPN"),
        "{home}"
    );
    // The citation block shows the claim's permalink on purpose: that is its identifier;
    // the SPARQL page declares the project's prefixes, which are IRIs.
    let citation = regex::Regex::new(r#"(?s)<section class="cite".*?</section>"#).unwrap();
    for f in files(out.path())
        .iter()
        .filter(|f| f.ends_with(".html") && *f != "sparql.html")
    {
        let page = seed_page(out.path(), f);
        let text = visible_text(&citation.replace_all(&page, ""));
        for leak in [
            "claimgraph.example",
            "Also written",
            "Language: de",
            "Hikvision's",
        ] {
            assert!(!text.contains(leak), "{f} shows '{leak}'");
        }
    }
}

#[test]
fn german_pages_mirror_the_english_ones_with_the_ontology_labels() {
    let store = store_with(&[repo().join("data")]);
    let out = tempfile::tempdir().unwrap();
    build(&store, out.path(), false);
    let all = files(out.path());
    let english: Vec<&String> = all
        .iter()
        .filter(|f| {
            f.ends_with(".html")
                && !f.starts_with("de/")
                && *f != "search.html"
                && *f != "sparql.html"
        })
        .collect();
    for f in &english {
        assert!(all.contains(&format!("de/{f}")), "no German page for {f}");
    }
    let de = seed_page(out.path(), "de/id/org/alibaba.html");
    assert!(de.starts_with("<!DOCTYPE html>\n<html lang=\"de\">"));
    let text = visible_text(&de);
    for word in [
        "Vorwurf",
        "dementiert von Alibaba",
        "verweigerte Stellungnahme",
        "Behauptungen über",
    ] {
        assert!(text.contains(word), "German page lacks '{word}': {text}");
    }
    // Links stay in the German tree; assets and data come from the site root.
    assert!(de.contains("href=\"../../../assets/site.css\""));
    assert!(de.contains("href=\"../../id/claim/alibaba-pla-memo/alibaba-supplies-pla.html\""));
    assert!(de.contains("href=\"../../../id/org/alibaba.html\" hreflang=\"en\""));
    // The English statements keep their language in German pages.
    assert!(de.contains("<p class=\"statement\" lang=\"en\">"));
    // The server answers the German pages from the same render function.
    let site = Site::new(store.iris().clone()).unwrap();
    let live = site
        .render(&store, "de/id/org/alibaba.html")
        .unwrap()
        .unwrap();
    assert_eq!(String::from_utf8(live.body).unwrap(), de);
    assert!(site.render(&store, "de/search.html").unwrap().is_none());
    assert!(site
        .render(&store, "de/id/org/alibaba.ttl")
        .unwrap()
        .is_none());
}

#[path = "../benches/corpus.rs"]
mod corpus;

/// A store of `articles` generated articles (the benchmark's corpus generator).
fn generated_store(articles: usize, seed: u64) -> GraphStore {
    let dir = tempfile::tempdir().unwrap();
    corpus::generate(dir.path(), articles, seed).unwrap();
    store_with(&[dir.path().to_owned()])
}

/// 150 generated articles, imported once for the pagination tests: their claims fill
/// many pages of 100, the articles two.
fn paging_store() -> &'static GraphStore {
    static STORE: std::sync::OnceLock<GraphStore> = std::sync::OnceLock::new();
    STORE.get_or_init(|| generated_store(150, 11))
}

/// Entity pages are cut into pages of this size in the tests, so that the generated
/// corpus's entities (a few dozen claims at most) have several pages.
const SMALL_PAGES: usize = 10;

/// Site path `href` as seen from the page at site path `from`.
fn resolve_href(from: &str, href: &str) -> String {
    let href = href.split('#').next().unwrap();
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for segment in href.split('/') {
        match segment {
            ".." => {
                parts.pop();
            }
            "." => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// One page of a paginated list as a reader meets it.
struct ListPage {
    /// The items (their link targets, as site paths), in order; for an entity page each
    /// card is (role, claim).
    items: Vec<String>,
    /// The total the page announces: every page of an entity's claims, only the first
    /// of a site list (cut by content, its later pages name no total).
    total: Option<usize>,
    next: Option<String>,
    prev: Option<String>,
}

fn read_list_page(path: &str, html: &str) -> ListPage {
    let link = |rel: &str| {
        let marker = format!(r#"rel="{rel}" href=""#);
        html.find(&marker).map(|i| {
            let rest = &html[i + marker.len()..];
            resolve_href(path, &rest[..rest.find('"').unwrap()])
        })
    };
    let first_href = |chunk: &str| {
        let i = chunk.find("href=\"").expect("an item links to its page") + 6;
        resolve_href(path, &chunk[i..i + chunk[i..].find('"').unwrap()])
    };
    let number = |s: &str| -> usize {
        s.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap()
    };
    // "11–20 of 57 · page 2 of 6" (numbered pages), "47 of 1000" (a site list's first
    // page) or "47 on this page" (a later one), when there are several pages.
    let position = r#"<p class="pager-position">"#;
    let announced = html.find(position).map(|i| {
        let words: Vec<&str> = html[i + position.len()..]
            .split_whitespace()
            .take(3)
            .collect();
        (words[1] == "of" || words[1] == "von").then(|| number(words[2]))
    });
    let (items, total) = if path.contains(".relations.") {
        // A relations listing: one row per claim of a relation, named by its links
        // (the other entity, then the claim); the total is announced above the table.
        let count = html
            .find(r#"<p class="relations-count">"#)
            .map(|i| number(&html[i + 27..]));
        let body = &html[html.find("<tbody>").unwrap()..html.find("</tbody>").unwrap()];
        let items = body
            .split("<tr>")
            .skip(1)
            .map(|row| {
                row.split("href=\"")
                    .skip(1)
                    .map(|h| resolve_href(path, &h[..h.find('"').unwrap()]))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        (items, count)
    } else if path.contains("id/") {
        // An entity page: cards under their role's heading. The first page counts each
        // role's cards on all pages (a single page's headings sum to its total; the
        // pager announces a longer list's); a later page counts nothing.
        let mut items = Vec::new();
        let mut total = None;
        for section in html
            .split(r#"<section class="claim-group" aria-labelledby="role-"#)
            .skip(1)
        {
            let role = &section[..section.find('"').unwrap()];
            let heading = &section[..section.find("</h2>").unwrap()];
            if let Some(count) = heading.find(r#"<span class="count">"#) {
                *total.get_or_insert(0) += number(&heading[count + 20..]);
            }
            let section = &section[..section.find("</section>").unwrap()];
            for card in section.split(r#"<p class="statement" lang="en">"#).skip(1) {
                items.push(format!("{role} {}", first_href(card)));
            }
        }
        let first_page = !path.contains(".from-");
        (items, total.or(first_page.then_some(0)))
    } else {
        let lede = html
            .find(r#"<p class="lede">"#)
            .map(|i| number(&html[i + 16..]));
        let body = match html.find("<tbody>") {
            Some(start) => &html[start..html.find("</tbody>").unwrap()],
            None => "",
        };
        let items = body.split("<tr>").skip(1).map(first_href).collect();
        if let (Some(lede), Some(Some(position))) = (lede, announced) {
            assert_eq!(lede, position, "{path}: two totals");
        }
        (items, lede)
    };
    ListPage {
        items,
        total: announced.flatten().or(total),
        next: link("next"),
        prev: link("prev"),
    }
}

/// Reads every page of the list whose first page is `first` by following its next
/// links, checking the back links and the page size on the way; the pages' paths and
/// the items of all of them, in order.
fn walk_list(site: &Site, store: &GraphStore, first: &str) -> (Vec<String>, Vec<String>, usize) {
    let (mut pages, mut items, mut total) = (Vec::new(), Vec::new(), None);
    let mut at = Some(first.to_owned());
    while let Some(path) = at {
        assert!(pages.len() < 1000, "{first}: the next links never end");
        let rendered = site
            .render(store, &path)
            .unwrap()
            .unwrap_or_else(|| panic!("{path}: no page"));
        assert!(
            rendered.body.len() < 1 << 20,
            "{path}: {} bytes",
            rendered.body.len()
        );
        let page = read_list_page(&path, &String::from_utf8(rendered.body).unwrap());
        assert!(
            page.items.len() <= 100,
            "{path}: {} items",
            page.items.len()
        );
        assert!(
            !page.items.is_empty() || page.total == Some(0),
            "{path}: an empty page"
        );
        assert_eq!(
            page.prev,
            pages.last().cloned(),
            "{path}: its previous page"
        );
        let first_total = *total.get_or_insert(page.total);
        assert!(
            first_total.is_some(),
            "{path}: the first page names no total"
        );
        if page.total.is_some() && !pages.is_empty() {
            assert_eq!(first_total, page.total, "{path}: the total changed");
        }
        items.extend(page.items);
        pages.push(path);
        at = page.next;
    }
    (pages, items, total.flatten().unwrap())
}

#[test]
fn paginated_lists_reach_every_item_once_from_their_first_page() {
    let store = paging_store();
    let site = Site::new(store.iris().clone()).unwrap();
    let paths = site.paths(store).unwrap();
    let listed: HashSet<&str> = paths.iter().map(String::as_str).collect();
    let pages_of_kind = |prefix: &str| -> HashSet<String> {
        paths
            .iter()
            .filter(|p| p.starts_with(prefix) && p.ends_with(".html") && !p.contains(".from-"))
            .cloned()
            .collect()
    };

    let mut entity_items: Vec<String> = Vec::new();
    let mut multi_page = Vec::new();
    for first in [
        "claims.html",
        "articles.html",
        "documents.html",
        "companies.html",
        "government-bodies.html",
        "people.html",
        "other-entities.html",
    ] {
        let (pages, items, total) = walk_list(&site, store, first);
        assert_eq!(
            pages.iter().cloned().collect::<HashSet<_>>(),
            list_pages_of(&paths, first),
            "{first}: the pages the site lists"
        );
        assert_eq!(items.len(), total, "{first}: items against the count shown");
        let unique: HashSet<&String> = items.iter().collect();
        assert_eq!(unique.len(), items.len(), "{first}: an item shown twice");
        if pages.len() > 1 {
            multi_page.push(first);
        }
        let expected = match first {
            "claims.html" => Some(pages_of_kind("id/claim/")),
            "articles.html" => Some(pages_of_kind("id/article/")),
            "documents.html" => Some(pages_of_kind("id/doc/")),
            _ => {
                entity_items.extend(items.iter().cloned());
                None
            }
        };
        if let Some(expected) = expected {
            let shown: HashSet<String> = items.into_iter().collect();
            assert_eq!(shown, expected, "{first}: items lost or foreign");
        }
    }
    assert!(
        multi_page.contains(&"claims.html") && multi_page.contains(&"articles.html"),
        "150 articles fill more than one page of claims and of articles: {multi_page:?}"
    );
    // Every entity is on exactly one entity list.
    let entity_pages = entity_first_pages(&paths);
    assert_eq!(entity_items.len(), entity_pages.len());
    assert_eq!(
        entity_items.into_iter().collect::<HashSet<_>>(),
        entity_pages
    );

    // Numbered list pages, anchors that open no page (an item in the middle of a page,
    // one of another list, none at all): no page.
    let (claim_pages, claim_items, _) = walk_list(&site, store, "claims.html");
    let opening: HashSet<String> = claim_pages
        .iter()
        .filter_map(|p| claimgraph::read::view::paging::split_anchored_path(p).1)
        .collect();
    let inside = claim_items
        .iter()
        .map(|href| href.rsplit('/').next().unwrap().trim_end_matches(".html"))
        .find(|slug| !opening.contains(*slug))
        .expect("a claim that opens no page");
    let an_article = paths
        .iter()
        .find(|p| p.starts_with("articles-from-"))
        .unwrap();
    let article_anchor = claimgraph::read::view::paging::split_anchored_path(an_article)
        .1
        .unwrap();
    for path in [
        "claims-2.html".to_owned(),
        "claims-1.html".to_owned(),
        format!("claims-from-{inside}.html"),
        format!("claims-from-{article_anchor}.html"),
        "claims-from-.html".to_owned(),
        "index-from-x.html".to_owned(),
    ] {
        let path = path.as_str();
        assert!(!listed.contains(path));
        assert!(
            site.render(store, path).unwrap().is_none(),
            "{path} rendered"
        );
    }
    // The German lists are cut the same way.
    let (de_pages, de_items, _) = walk_list(&site, store, "de/claims.html");
    let (en_pages, en_items, _) = walk_list(&site, store, "claims.html");
    assert_eq!(
        de_pages,
        en_pages
            .iter()
            .map(|p| format!("de/{p}"))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        de_items,
        en_items
            .iter()
            .map(|p| format!("de/{p}"))
            .collect::<Vec<_>>()
    );
}

#[test]
fn entity_pages_show_every_claim_once_across_their_pages() {
    let store = paging_store();
    let site = Site::new(store.iris().clone())
        .unwrap()
        .with_page_size(SMALL_PAGES);
    let paths = site.paths(store).unwrap();
    // The entities with the most pages, and one with a single page.
    let mut by_pages: Vec<(usize, String)> = entity_first_pages(&paths)
        .into_iter()
        .map(|first| (pages_of(&paths, &first).len(), first))
        .collect();
    by_pages.sort_by(|a, b| b.cmp(a));
    assert!(
        by_pages[0].0 >= 3,
        "the largest entity has {} pages",
        by_pages[0].0
    );
    let mut sample: Vec<String> = by_pages.iter().take(8).map(|(_, f)| f.clone()).collect();
    sample.extend(
        by_pages
            .iter()
            .find(|(n, _)| *n == 1)
            .map(|(_, f)| f.clone()),
    );
    sample.push(format!("de/{}", by_pages[0].1));
    for first in &sample {
        let (pages, items, total) = walk_list(&site, store, first);
        let english = first.strip_prefix("de/").unwrap_or(first);
        let listed: Vec<String> = pages_of(&paths, english)
            .into_iter()
            .map(|p| {
                if first.starts_with("de/") {
                    format!("de/{p}")
                } else {
                    p
                }
            })
            .collect();
        assert_eq!(sorted(&pages), listed, "{first}: the pages the site lists");
        assert!(items.len() <= pages.len() * SMALL_PAGES);
        assert_eq!(
            items.len(),
            total,
            "{first}: cards against the counts shown"
        );
        let unique: HashSet<&String> = items.iter().collect();
        assert_eq!(unique.len(), items.len(), "{first}: a card shown twice");
    }
    // Anchors that open no page (a card inside a page, none at all, a numbered page),
    // and later pages of resources that have one page only.
    let largest = &by_pages[0].1;
    let (pages, items, _) = walk_list(&site, store, largest);
    let opening: HashSet<String> = pages
        .iter()
        .filter_map(|p| claimgraph::read::view::paging::split_anchored_path(p).1)
        .collect();
    let inside = items
        .iter()
        .map(|item| {
            let (role, href) = item.split_once(' ').unwrap();
            let claim = href.split("id/claim/").nth(1).unwrap();
            format!(
                "{role}.{}",
                claim.trim_end_matches(".html").replace('/', ".")
            )
        })
        .find(|anchor| !opening.contains(anchor))
        .expect("a card that opens no page");
    let stem = largest.trim_end_matches(".html");
    let claim = paths.iter().find(|p| p.starts_with("id/claim/")).unwrap();
    for path in [
        format!("{stem}.from-{inside}.html"),
        format!("{stem}.from-.html"),
        format!("{stem}.page-2.html"),
        claim.replace(".html", &format!(".from-{inside}.html")),
    ] {
        assert!(!paths.contains(&path), "{path} listed");
        assert!(
            site.render(store, &path).unwrap().is_none(),
            "{path} rendered"
        );
    }
}

/// A large entity's first page summarises its relations and links a listing whose
/// pages, followed from the first, hold every claim of a relation once (the rows of
/// `page-entity-relations`); a small entity's first page lists them all itself.
#[test]
fn relations_listings_reach_every_claim_of_a_relation_once_from_their_first_page() {
    use claimgraph::read::catalog::{self, Catalog, Limits, Outcome};
    use claimgraph::read::view::{entity::RELATIONS_SUFFIX, page_path};
    let store = paging_store();
    let site = Site::new(store.iris().clone())
        .unwrap()
        .with_page_size(SMALL_PAGES);
    let paths = site.paths(store).unwrap();
    let listings: Vec<&String> = paths
        .iter()
        .filter(|p| p.ends_with(RELATIONS_SUFFIX))
        .collect();
    assert!(!listings.is_empty(), "no entity has a relations listing");
    let query = Catalog::bundled()
        .get("page-entity-relations")
        .unwrap()
        .text
        .clone();
    let mut longest = 0;
    for first in listings.iter().filter(|p| !p.starts_with("de/")) {
        let (pages, items, total) = walk_list(&site, store, first);
        assert_eq!(
            sorted(&pages),
            pages_of(&paths, first),
            "{first}: the pages listed"
        );
        longest = longest.max(pages.len());
        assert_eq!(items.len(), total, "{first}: rows against the count shown");
        let unique: HashSet<&String> = items.iter().collect();
        assert_eq!(unique.len(), items.len(), "{first}: a row shown twice");
        // The rows are the claims of relations the saved query finds, none lost.
        let entity_page = first.replace(RELATIONS_SUFFIX, ".html");
        let iri = store.iris().resolve(entity_page.trim_end_matches(".html"));
        let bindings = [(
            oxigraph::sparql::Variable::new_unchecked("entity"),
            iri.into(),
        )];
        let Outcome::Table(table) =
            catalog::run(store, &query, &bindings, Limits::default()).unwrap()
        else {
            panic!("page-entity-relations is a SELECT");
        };
        let path_of = |row: &Vec<Option<oxigraph::model::Term>>, var: &str| match &row
            [table.column(var).unwrap()]
        {
            Some(oxigraph::model::Term::NamedNode(n)) => page_path(store.iris(), n.as_str()),
            _ => None,
        };
        let expected: HashSet<String> = table
            .rows
            .iter()
            .map(|row| {
                format!(
                    "{} {}",
                    path_of(row, "other").unwrap(),
                    path_of(row, "claim").unwrap()
                )
            })
            .collect();
        assert_eq!(
            unique,
            expected.iter().collect(),
            "{first}: rows lost or foreign"
        );
        // The entity's first page shows a few relations and links the listing.
        let html =
            String::from_utf8(site.render(store, &entity_page).unwrap().unwrap().body).unwrap();
        let listing_name = first.rsplit('/').next().unwrap();
        assert!(
            html.contains(&format!("{listing_name}\">")),
            "{entity_page}: no link to its relations listing"
        );
        let table = &html[html.find(r#"<table class="relations"#).unwrap()..];
        let table = &table[..table.find("</table>").unwrap()];
        assert!(
            table.matches("<tr>").count() <= 1 + 10,
            "{entity_page}: the summary"
        );
        // The German listing has the same pages.
        let (de_pages, _, de_total) = walk_list(&site, store, &format!("de/{first}"));
        assert_eq!(
            (de_pages.len(), de_total),
            (pages.len(), total),
            "de/{first}"
        );
    }
    assert!(longest >= 3, "the longest listing has {longest} pages");
    // An entity whose relations fit its first page has no listing.
    let small = entity_first_pages(&paths)
        .into_iter()
        .find(|p| {
            let listing = p.replace(".html", RELATIONS_SUFFIX);
            !paths.contains(&listing)
                && String::from_utf8(site.render(store, p).unwrap().unwrap().body)
                    .unwrap()
                    .contains(r#"<table class="relations"#)
        })
        .expect("an entity with a few relations");
    let listing = small.replace(".html", RELATIONS_SUFFIX);
    assert!(site.render(store, &listing).unwrap().is_none(), "{listing}");
}

/// With its digest kept (as the site keeps a large entity's), a page of an entity reads
/// the quotes of the claims it shows and their answers, not of every claim the entity
/// has: a page costs what it shows.
#[test]
fn a_large_entitys_page_reads_the_rows_of_only_the_claims_it_shows() {
    use claimgraph::model::vocab::cg;
    use claimgraph::read::view::entity::{entity_digest, entity_page, entity_rows};
    let store = paging_store();
    let site = Site::new(store.iris().clone())
        .unwrap()
        .with_page_size(SMALL_PAGES);
    let paths = site.paths(store).unwrap();
    let largest = entity_first_pages(&paths)
        .into_iter()
        .max_by_key(|first| (pages_of(&paths, first).len(), first.clone()))
        .unwrap();
    let iri = store.iris().resolve(largest.trim_end_matches(".html"));
    let reading = site.source(store);
    let digest =
        entity_digest(&reading, &iri, &entity_rows(&reading, &iri).unwrap(), None).unwrap();
    let claims = digest.index.len();
    assert!(claims > 4 * SMALL_PAGES, "{largest}: {claims} claims");
    // Reading the digest reads every claim's quote (the index checks each has one).
    assert!(reading.subjects_read(cg::HAS_QUOTE) >= claims / 2);
    for anchor in [None, digest.paging.claims.opener(1)] {
        let src = site.source(store);
        let page = entity_page(&src, &iri, anchor, Some(&digest), None)
            .unwrap()
            .unwrap();
        let cards: usize = page.groups.iter().map(|g| g.claims.len()).sum();
        assert!(cards <= SMALL_PAGES);
        let quotes = src.subjects_read(cg::HAS_QUOTE);
        assert!(
            quotes <= 3 * SMALL_PAGES,
            "{largest} from {anchor:?}: the quotes of {quotes} claims read for {cards} cards (of {claims})"
        );
        // The first page's summary still counts every claim of the entity; a later
        // page shows its own cards only.
        let counted: usize = page
            .summary
            .iter()
            .flat_map(|line| line.kinds.iter().map(|(_, n)| n))
            .sum();
        match anchor {
            None => assert!(counted >= claims, "{largest}: {counted} of {claims}"),
            Some(_) => assert!(page.later && counted == 0, "{largest} from {anchor:?}"),
        }
    }
}

#[test]
fn the_server_answers_every_page_of_a_list_with_the_static_sites_bytes() {
    use tower::ServiceExt;
    // The server owns its store: a copy of the shared one.
    let store = GraphStore::in_memory(paging_store().iris().clone()).unwrap();
    let quads: Vec<oxigraph::model::Quad> = paging_store()
        .embedded()
        .expect("an embedded store")
        .iter()
        .collect::<Result<_, _>>()
        .unwrap();
    store
        .embedded()
        .expect("an embedded store")
        .extend(quads)
        .unwrap();
    let mut state =
        claimgraph::server::AppState::new(store, claimgraph::server::ServerConfig::default())
            .unwrap();
    state.site = Site::new(state.store.iris().clone())
        .unwrap()
        .with_page_size(SMALL_PAGES);
    let state = std::sync::Arc::new(state);
    let paths = state.site.paths(&state.store).unwrap();
    let entity_page_2 = paths
        .iter()
        .find(|p| p.starts_with("id/") && p.contains(".from-") && !p.contains(".relations."))
        .expect("an entity with two pages")
        .clone();
    let app = claimgraph::server::app(state.clone());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let later = |list: &str| {
        paths
            .iter()
            .find(|p| p.starts_with(&format!("{list}-from-")))
            .unwrap_or_else(|| panic!("{list} has a second page"))
            .clone()
    };
    let (claims_later, articles_later) = (later("claims"), later("articles"));
    for path in [
        "claims.html",
        claims_later.as_str(),
        &format!("de/{claims_later}"),
        articles_later.as_str(),
        "claims-2.html",
        entity_page_2.as_str(),
        &format!("de/{entity_page_2}"),
        "claims-99999.html",
        "id/org/nobody.from-subject.a.b.html",
    ] {
        let expected = state.site.render(&state.store, path).unwrap();
        let request = axum::http::Request::get(format!("/{path}"))
            .header("accept", "text/html")
            .body(axum::body::Body::empty())
            .unwrap();
        let response = runtime.block_on(app.clone().oneshot(request)).unwrap();
        let status = response.status();
        let body = runtime
            .block_on(axum::body::to_bytes(response.into_body(), 8 << 20))
            .unwrap();
        match expected {
            Some(page) => {
                assert_eq!(status, 200, "/{path}");
                assert!(body == page.body, "/{path}: the server's page differs");
            }
            None => assert_eq!(status, 404, "/{path}"),
        }
    }
}

/// The paths of every page of the site list whose first page is `first`.
fn list_pages_of(paths: &[String], first: &str) -> HashSet<String> {
    paths
        .iter()
        .filter(|p| claimgraph::read::view::paging::split_anchored_path(p).0 == first)
        .cloned()
        .collect()
}

/// The paths of every page of the entity's list (its claims or relations listing)
/// whose first page is `first`, sorted.
fn pages_of(paths: &[String], first: &str) -> Vec<String> {
    let mut pages: Vec<String> = paths
        .iter()
        .filter(|p| claimgraph::read::view::paging::split_anchored_path(p).0 == first)
        .cloned()
        .collect();
    pages.sort();
    pages
}

fn sorted(paths: &[String]) -> Vec<String> {
    let mut paths = paths.to_vec();
    paths.sort();
    paths
}

/// The first pages of every entity (English).
fn entity_first_pages(paths: &[String]) -> HashSet<String> {
    paths
        .iter()
        .filter(|p| {
            p.starts_with("id/")
                && p.ends_with(".html")
                && !p.contains(".from-")
                && !p.ends_with(claimgraph::read::view::entity::RELATIONS_SUFFIX)
                && !["id/claim/", "id/article/", "id/doc/"]
                    .iter()
                    .any(|k| p.starts_with(k))
        })
        .cloned()
        .collect()
}

/// The most rows any operator of query `name`'s plan produced, run with `param` bound to
/// `value` on `store` (Oxigraph's statistics through `catalog::explain`).
fn widest_step(store: &GraphStore, name: &str, param: &str, value: &str) -> u64 {
    let catalog = claimgraph::read::catalog::Catalog::bundled();
    let query = catalog.get(name).unwrap();
    let bindings = [(
        oxigraph::sparql::Variable::new_unchecked(param),
        oxigraph::model::NamedNode::new(value).unwrap().into(),
    )];
    let limits = claimgraph::read::catalog::Limits {
        timeout: None,
        max_rows: None,
    };
    let (_, plan) =
        claimgraph::read::catalog::explain(store, &query.text, &bindings, limits).unwrap();
    fn widest(node: &serde_json::Value) -> u64 {
        let own = node["number of results"].as_u64().unwrap_or(0);
        node["children"]
            .as_array()
            .map(|c| c.iter().map(widest).max().unwrap_or(0))
            .unwrap_or(0)
            .max(own)
    }
    widest(&serde_json::from_str(&plan).unwrap())
}

#[test]
fn answer_queries_read_in_proportion_to_the_claims_they_answer_not_every_response() {
    let store = paging_store();
    let prologue = claimgraph::model::vocab::sparql_prologue();
    // The entity most claims are about, and an article.
    let rows = store
        .select(&format!(
            "{prologue}SELECT ?e (COUNT(?c) AS ?n) WHERE {{ ?c cg:about ?e }} GROUP BY ?e ORDER BY DESC(?n) LIMIT 1"
        ))
        .unwrap();
    let entity = match &rows[0][0] {
        Some(oxigraph::model::Term::NamedNode(n)) => n.as_str().to_owned(),
        other => panic!("no entity: {other:?}"),
    };
    let claims: u64 = claimgraph::store::literal_value(&rows[0][1])
        .unwrap()
        .parse()
        .unwrap();
    let responses = count(store, "?x a cg:Response");
    assert!(responses > 200, "the corpus has {responses} responses");
    // Planned from the kinds of response, the query read every response once per claim.
    let widest = widest_step(store, "page-entity-answers", "entity", &entity);
    assert!(
        widest <= 20 * (claims + 10),
        "page-entity-answers: a step of {widest} rows for {claims} claims"
    );
    let article = format!("{}id/article/synthetic-0000005", store.iris().base());
    let widest = widest_step(store, "page-article-answers", "article", &article);
    assert!(
        widest <= 1000,
        "page-article-answers: a step of {widest} rows for one article"
    );
}
