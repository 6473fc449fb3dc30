//! What readers and linked-data users get over HTTP beyond the protocol basics: result
//! downloads named by `format=`, conditional requests (ETag, Last-Modified, 304), JSON
//! by `Accept`, VoID as a page for browsers, an entity's claims as CSV and JSON, the
//! query page's labels, downloads and fixed default example, and a claim's citation.
//! Through the router (`oneshot`), no socket.

mod server_support;

use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use oxigraph::io::{RdfFormat, RdfParser};
use tower::ServiceExt;

use claimgraph::server::{app, ServerConfig};
use server_support::{seed_store, state};

const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

fn seed_app() -> Router {
    app(state(seed_store(), ServerConfig::default()))
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn header(&self, name: header::HeaderName) -> String {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }
}

async fn request(app: &Router, uri: &str, headers: &[(header::HeaderName, &str)]) -> Answer {
    let mut r = Request::get(uri);
    for (name, value) in headers {
        r = r.header(name, *value);
    }
    let response = app
        .clone()
        .oneshot(r.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024 * 1024)
        .await
        .unwrap();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn sparql_uri(query: &str, format: Option<&str>) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.append_pair("query", query);
    if let Some(f) = format {
        s.append_pair("format", f);
    }
    format!("/sparql?{}", s.finish())
}

/// HTML as a reader sees it.
fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

const CLAIM_STATEMENTS: &str =
    "SELECT ?claim ?statement WHERE { ?claim a cg:Claim ; cg:statement ?statement } ORDER BY ?claim";

#[tokio::test]
async fn format_parameter_names_the_result_format_and_makes_a_download() {
    let app = seed_app();
    // format= wins over Accept, and the answer is a named file.
    let csv = request(
        &app,
        &sparql_uri(CLAIM_STATEMENTS, Some("csv")),
        &[(header::ACCEPT, "application/sparql-results+json")],
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert_eq!(csv.header(header::CONTENT_TYPE), "text/csv; charset=utf-8");
    assert_eq!(
        csv.header(header::CONTENT_DISPOSITION),
        "attachment; filename=\"query-results.csv\""
    );
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines[0], "claim,statement");
    assert_eq!(lines.len(), 1 + 37, "the 37 claims of the seed data");

    for (format, media_type) in [
        ("tsv", "text/tab-separated-values; charset=utf-8"),
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
    ] {
        let a = request(&app, &sparql_uri(CLAIM_STATEMENTS, Some(format)), &[]).await;
        assert_eq!(a.status, StatusCode::OK, "{format}: {}", a.body);
        assert_eq!(a.header(header::CONTENT_TYPE), media_type, "{format}");
    }
    let json = request(&app, &sparql_uri(CLAIM_STATEMENTS, Some("json")), &[]).await;
    let parsed: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(parsed["results"]["bindings"].as_array().unwrap().len(), 37);

    // A graph in Turtle; SELECT-only formats refused for it with the reason.
    let construct =
        "CONSTRUCT { ?e rdfs:label ?l } WHERE { ?e cg:slug \"hikvision\" ; rdfs:label ?l }";
    let ttl = request(&app, &sparql_uri(construct, Some("ttl")), &[]).await;
    assert_eq!(
        ttl.header(header::CONTENT_TYPE),
        "text/turtle; charset=utf-8"
    );
    let triples = RdfParser::from_format(RdfFormat::Turtle)
        .for_slice(ttl.body.as_bytes())
        .count();
    assert!(triples >= 2, "{}", ttl.body);
    let wrong = request(&app, &sparql_uri(construct, Some("csv")), &[]).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(
        wrong.body.contains("csv and tsv are for SELECT"),
        "{}",
        wrong.body
    );
    let unknown = request(&app, &sparql_uri(CLAIM_STATEMENTS, Some("xlsx")), &[]).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert!(unknown.body.contains("format=xlsx"), "{}", unknown.body);

    // The protocol endpoint honours it on a POST form too.
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("query", CLAIM_STATEMENTS)
        .append_pair("format", "tsv")
        .finish();
    let response = app
        .clone()
        .oneshot(
            Request::post("/sparql")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/tab-separated-values; charset=utf-8"
    );
}

#[tokio::test]
async fn pages_and_rdf_answer_revalidation_with_304() {
    let app = seed_app();
    for uri in [
        "/id/org/hikvision.html",
        "/id/org/hikvision.ttl",
        "/claims.html",
        "/assets/site.css",
        "/.well-known/void",
    ] {
        let first = request(&app, uri, &[]).await;
        assert_eq!(first.status, StatusCode::OK, "{uri}");
        let etag = first.header(header::ETAG);
        let last_modified = first.header(header::LAST_MODIFIED);
        assert!(
            etag.starts_with('"') && etag.len() > 10,
            "{uri}: ETag {etag:?}"
        );
        assert!(last_modified.ends_with(" GMT"), "{uri}: {last_modified:?}");
        assert_eq!(first.header(header::CACHE_CONTROL), "no-cache");

        let again = request(&app, uri, &[(header::IF_NONE_MATCH, &etag)]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{uri}");
        assert!(again.body.is_empty());
        assert_eq!(again.header(header::ETAG), etag);

        let by_date = request(&app, uri, &[(header::IF_MODIFIED_SINCE, &last_modified)]).await;
        assert_eq!(by_date.status, StatusCode::NOT_MODIFIED, "{uri}");

        let changed = request(&app, uri, &[(header::IF_NONE_MATCH, "\"something-else\"")]).await;
        assert_eq!(changed.status, StatusCode::OK, "{uri}");
        assert_eq!(changed.body, first.body);
        let older = request(
            &app,
            uri,
            &[(header::IF_MODIFIED_SINCE, "Mon, 01 Jan 2001 00:00:00 GMT")],
        )
        .await;
        assert_eq!(older.status, StatusCode::OK, "{uri}");
    }
    // Different representations have different tags.
    let ttl = request(&app, "/id/org/hikvision.ttl", &[]).await;
    let html = request(&app, "/id/org/hikvision.html", &[]).await;
    assert_ne!(ttl.header(header::ETAG), html.header(header::ETAG));
    // Errors carry no validators.
    let missing = request(&app, "/id/org/no-such-company.html", &[]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.header(header::ETAG).is_empty());
}

#[tokio::test]
async fn accept_json_gets_json_ld_from_resources_and_their_pages() {
    let app = seed_app();
    let redirect = request(
        &app,
        "/id/org/hikvision",
        &[(header::ACCEPT, "application/json")],
    )
    .await;
    assert_eq!(redirect.status, StatusCode::SEE_OTHER);
    assert_eq!(
        redirect.header(header::LOCATION),
        "/id/org/hikvision.jsonld"
    );
    let doc = request(&app, "/id/org/hikvision.jsonld", &[]).await;
    assert_eq!(doc.header(header::CONTENT_TYPE), "application/ld+json");

    let page = request(
        &app,
        "/id/org/hikvision.html",
        &[(header::ACCEPT, "application/json")],
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header(header::CONTENT_TYPE), "application/ld+json");
    assert!(page.header(header::VARY).contains("Accept"));
    let quads = RdfParser::from_format(RdfFormat::JsonLd {
        profile: Default::default(),
    })
    .for_slice(page.body.as_bytes())
    .collect::<Result<Vec<_>, _>>()
    .unwrap_or_else(|e| panic!("not JSON-LD ({e}): {}", page.body));
    assert!(quads
        .iter()
        .any(|q| q.subject.to_string() == "<https://claimgraph.example/id/org/hikvision>"));
    // A browser still gets the page.
    let html = request(&app, "/id/org/hikvision.html", &[(header::ACCEPT, BROWSER)]).await;
    assert!(html.header(header::CONTENT_TYPE).starts_with("text/html"));
}

#[tokio::test]
async fn void_answers_a_browser_with_a_page() {
    let app = seed_app();
    let page = request(&app, "/.well-known/void", &[(header::ACCEPT, BROWSER)]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.header(header::CONTENT_TYPE),
        "text/html; charset=utf-8"
    );
    let text = unescape(&page.body);
    assert!(text.contains("claimgraph: sourced claims from news articles"));
    assert!(text.contains("<a href=\"/sparql\">"), "links the endpoint");
    assert!(
        text.contains("cg:Claim") && text.contains(">37<"),
        "class partition counts"
    );
    assert!(text.contains("/.well-known/void?format=ttl"));
    // The data links work, and programs still get Turtle by default.
    let ttl = request(
        &app,
        "/.well-known/void?format=ttl",
        &[(header::ACCEPT, BROWSER)],
    )
    .await;
    assert_eq!(
        ttl.header(header::CONTENT_TYPE),
        "text/turtle; charset=utf-8"
    );
    let plain = request(&app, "/.well-known/void", &[]).await;
    assert_eq!(
        plain.header(header::CONTENT_TYPE),
        "text/turtle; charset=utf-8"
    );
    let refused = request(&app, "/.well-known/void", &[(header::ACCEPT, "image/png")]).await;
    assert_eq!(refused.status, StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn an_entitys_claims_download_as_csv_and_json_through_the_saved_query() {
    let store = seed_store();
    let catalog = claimgraph::read::catalog::Catalog::bundled();
    let expected = match claimgraph::read::catalog::run_saved(
        &store,
        catalog.get("entity-claims").unwrap(),
        &[("entity".into(), "alibaba".into())],
        claimgraph::read::catalog::Limits::default(),
    )
    .unwrap()
    {
        claimgraph::read::catalog::Outcome::Table(t) => t.rows.len(),
        _ => panic!("a table"),
    };
    assert!(expected >= 4);
    let app = app(state(store, ServerConfig::default()));
    let csv = request(&app, "/id/org/alibaba.claims.csv", &[]).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert_eq!(csv.header(header::CONTENT_TYPE), "text/csv; charset=utf-8");
    assert!(
        csv.body.starts_with("entity,role,claim,kind,statement"),
        "{}",
        csv.body
    );
    assert_eq!(csv.body.lines().count(), 1 + expected);
    assert!(
        csv.body.contains("völligen Unsinn"),
        "quotes in the download"
    );
    let json = request(&app, "/id/org/alibaba.claims.json", &[]).await;
    assert_eq!(
        json.header(header::CONTENT_TYPE),
        "application/sparql-results+json"
    );
    let parsed: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(
        parsed["results"]["bindings"].as_array().unwrap().len(),
        expected
    );
    // The entity page links both; no such downloads for other resources or unknown ones.
    let page = request(&app, "/id/org/alibaba.html", &[]).await;
    assert!(
        page.body
            .contains("href=\"../../id/org/alibaba.claims.csv\""),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains("href=\"../../id/org/alibaba.claims.json\""));
    for missing in [
        "/id/org/no-such-company.claims.csv",
        "/id/article/alibaba-pla-memo.claims.csv",
        "/id/org/../org/alibaba.claims.csv",
    ] {
        assert_eq!(
            request(&app, missing, &[]).await.status,
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
}

#[tokio::test]
async fn the_default_example_returns_each_claim_once() {
    let app = seed_app();
    let page = request(&app, "/sparql", &[(header::ACCEPT, BROWSER)]).await;
    let html = unescape(&page.body);
    let start = html.find("name=\"query\"").unwrap();
    let text_start = html[start..].find('>').unwrap() + start + 1;
    let text_end = html[text_start..].find("</textarea>").unwrap() + text_start;
    let query = &html[text_start..text_end];
    let unlimited = query.replace("LIMIT 50", "");
    let json = request(&app, &sparql_uri(&unlimited, Some("json")), &[]).await;
    assert_eq!(json.status, StatusCode::OK, "{}", json.body);
    let parsed: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    let claims: Vec<&str> = parsed["results"]["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["claim"]["value"].as_str().unwrap())
        .collect();
    let distinct: std::collections::BTreeSet<&&str> = claims.iter().collect();
    assert_eq!(claims.len(), 37, "one row per claim");
    assert_eq!(distinct.len(), claims.len(), "no claim repeated");
    // The denial shows as a denial, not also as a response and a claim.
    let kinds: Vec<&str> = parsed["results"]["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| {
            b["claim"]["value"]
                .as_str()
                .unwrap()
                .ends_with("/alibaba-denies")
        })
        .map(|b| b["kind"]["value"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["denial"]);
}

#[tokio::test]
async fn the_query_page_shows_labels_beside_iris_prefixes_and_download_links() {
    let app = seed_app();
    let query =
        "SELECT ?e ?class WHERE { ?e cg:slug \"hikvision\" ; a ?class FILTER(?class = cg:Entity) }";
    let page = request(&app, &sparql_uri(query, None), &[(header::ACCEPT, BROWSER)]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let html = unescape(&page.body);
    assert!(
        html.contains("<a href=\"/id/org/hikvision\">Hikvision</a> <span class=\"iri\"><https://claimgraph.example/id/org/hikvision></span>"),
        "{html}"
    );
    // An ontology class shows its label beside its prefixed name.
    assert!(
        html.contains("<span class=\"iri\">cg:Entity</span>"),
        "{html}"
    );
    // Every download link runs the same query in its format.
    for format in ["csv", "tsv", "json", "xml"] {
        let link = sparql_uri(query, Some(format)).replace('&', "&amp;");
        assert!(
            page.body.contains(&format!("href=\"{link}\"")),
            "{format} link"
        );
    }
    // The prefixes are listed as PREFIX lines to copy, and the editor's assets are served.
    assert!(html.contains("PREFIX cg: <https://claimgraph.example/ns#>"));
    for asset in [
        "/assets/vendor/codemirror/codemirror.js",
        "/assets/vendor/codemirror/sparql.js",
        "/assets/vendor/codemirror/show-hint.js",
        "/assets/vendor/codemirror/LICENSE.txt",
        "/assets/sparql-page.js",
    ] {
        assert!(
            html.contains(asset) || asset.ends_with(".txt"),
            "{asset} is linked"
        );
        let a = request(&app, asset, &[]).await;
        assert_eq!(a.status, StatusCode::OK, "{asset}");
    }
    // Completion data: the project's prefixes and the ontology's terms.
    assert!(html.contains("\"cg:Denial\""), "completion terms");
    // The static copy of the page redirects to the live one.
    let copy = request(&app, "/sparql.html", &[]).await;
    assert_eq!(copy.status, StatusCode::SEE_OTHER);
    assert_eq!(copy.header(header::LOCATION), "/sparql");
}

#[tokio::test]
async fn claim_pages_offer_a_citation_with_a_permalink() {
    let app = seed_app();
    let page = request(&app, "/id/claim/alibaba-pla-memo/alibaba-denies.html", &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = unescape(&page.body);
    let permalink = "https://claimgraph.example/id/claim/alibaba-pla-memo/alibaba-denies";
    assert!(html.contains("Cite this claim"));
    assert!(html.contains(&format!("<a href=\"{permalink}\">")));
    assert!(
        html.contains("Alibaba Group (n.d.). “Alibaba called the claims complete nonsense and an attempt to manipulate public opinion and defame the company.” Denial in "),
        "{html}"
    );
    assert!(html.contains("@misc{claimgraph-alibaba-pla-memo-alibaba-denies,"));
    assert!(html.contains(&format!("url = {{{permalink}}}")));
    // The CSL-JSON parses and names the claimant as author.
    let start = html.find("[\n  {").expect("CSL-JSON");
    let end = html[start..].find("</pre>").unwrap() + start;
    let csl: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    assert_eq!(csl[0]["author"][0]["literal"], "Alibaba Group");
    assert_eq!(csl[0]["URL"], permalink);
    assert_eq!(csl[0]["genre"], "denial");
    // A claim dated without a year is cited as undated, not with a partial date.
    let supplies = request(
        &app,
        "/id/claim/alibaba-pla-memo/alibaba-supplies-pla.html",
        &[],
    )
    .await;
    assert!(
        unescape(&supplies.body).contains("White House (n.d.). “Alibaba supplies"),
        "{}",
        supplies.body
    );
}

/// While serving with `--watch`, an imported sheet reaches the search index (kept between
/// requests) and moves `Last-Modified` on, so revalidating clients get the new pages.
#[test]
fn an_import_while_serving_refreshes_the_search_index_and_last_modified() {
    let store = tempfile::tempdir().unwrap();
    let watched = tempfile::tempdir().unwrap();
    let server = server_support::ServeProcess::start(
        &store.path().join("store"),
        &["--watch", watched.path().to_str().unwrap()],
    );
    let get = |path: &str| {
        let response = server_support::agent()
            .get(&server.url(path))
            .call()
            .unwrap_or_else(|e| match e {
                ureq::Error::Status(_, r) => r,
                other => panic!("{path}: {other}"),
            });
        let status = response.status();
        let last_modified = response.header("Last-Modified").unwrap_or("").to_owned();
        (
            status,
            last_modified,
            response.into_string().unwrap_or_default(),
        )
    };
    let (status, before, _) = get("/index.html");
    assert_eq!(status, 200);
    // The seed data has no word "globex"; reading the shard fills the server's cache.
    let (_, _, shard) = get("/search/terms-gl.js");
    assert!(!shard.contains("\"globex\""), "{shard}");
    // Last-Modified has a resolution of a second: let the next one start.
    std::thread::sleep(Duration::from_millis(1100));
    for f in ["entities.toml", "acme-hosting.toml"] {
        std::fs::copy(
            server_support::repo().join("tests/fixtures/mini").join(f),
            watched.path().join(f),
        )
        .unwrap();
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let shard = loop {
        let (status, _, shard) = get("/search/terms-gl.js");
        if status == 200 && shard.contains("\"globex\"") {
            break shard;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the search never saw the import: {shard}"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(shard.starts_with("CLAIMGRAPH_SEARCH_LOADED(\"terms\", \"gl\""));
    let (_, after, _) = get("/index.html");
    let parse = |s: &str| httpdate::parse_http_date(s).unwrap();
    assert!(
        parse(&after) > parse(&before),
        "Last-Modified moved on: {before} -> {after}"
    );
}
