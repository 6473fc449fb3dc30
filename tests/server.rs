//! The server through its router (`oneshot`, no socket) and once over a real socket:
//! content negotiation, the SPARQL protocol's errors and limits, linked data, VoID,
//! the query page.

mod common;
mod server_support;

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::Quad;
use tower::ServiceExt;

use claimgraph::server::{app, ServerConfig};
use server_support::{seed_store, state, LiveServer};

fn seed_app() -> Router {
    app(state(seed_store(), ServerConfig::default()))
}

struct Answer {
    status: StatusCode,
    content_type: String,
    location: Option<String>,
    body: String,
}

async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let header = |name: header::HeaderName| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let content_type = header(header::CONTENT_TYPE).unwrap_or_default();
    let location = header(header::LOCATION);
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024 * 1024)
        .await
        .unwrap();
    Answer {
        status,
        content_type,
        location,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(app: &Router, uri: &str, accept: Option<&str>) -> Answer {
    let mut r = Request::get(uri);
    if let Some(a) = accept {
        r = r.header(header::ACCEPT, a);
    }
    send(app, r.body(Body::empty()).unwrap()).await
}

/// HTML as a reader sees it (minijinja escapes `/` too).
fn unescape(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

fn query_uri(query: &str) -> String {
    format!(
        "/sparql?{}",
        form_urlencoded::Serializer::new(String::new())
            .append_pair("query", query)
            .finish()
    )
}

fn parse_rdf(body: &str, format: RdfFormat) -> Vec<Quad> {
    RdfParser::from_format(format)
        .for_slice(body.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("the {format} answer does not parse: {e}\n{body}"))
}

const CLAIMS: &str = "SELECT ?claim ?statement WHERE { ?claim a cg:Claim ; cg:statement ?statement } ORDER BY ?claim";

#[tokio::test]
async fn healthz_answers() {
    let a = get(&seed_app(), "/healthz", None).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body.trim(), "ok");
}

#[tokio::test]
async fn select_results_follow_the_accept_header() {
    let app = seed_app();
    let uri = query_uri(CLAIMS);

    let json = get(&app, &uri, None).await;
    assert_eq!(json.status, StatusCode::OK);
    assert_eq!(
        json.content_type, "application/sparql-results+json",
        "JSON is the default"
    );
    let parsed: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    let rows = parsed["results"]["bindings"].as_array().unwrap().len();
    assert_eq!(rows, 37, "the seed data holds 37 claims");

    let xml = get(&app, &uri, Some("application/sparql-results+xml")).await;
    assert_eq!(xml.content_type, "application/sparql-results+xml");
    assert_eq!(xml.body.matches("<result>").count(), rows);

    let csv = get(&app, &uri, Some("text/csv")).await;
    assert_eq!(csv.content_type, "text/csv; charset=utf-8");
    assert!(
        csv.body.starts_with("claim,statement\r\n"),
        "{}",
        &csv.body[..40]
    );

    let tsv = get(&app, &uri, Some("text/tab-separated-values")).await;
    assert!(tsv.content_type.starts_with("text/tab-separated-values"));
    assert!(tsv.body.starts_with("?claim\t?statement\n"));

    // q-values: XML is preferred over CSV here; the most specific range wins.
    let xml = get(
        &app,
        &uri,
        Some("text/csv;q=0.5, application/sparql-results+xml;q=0.9, */*;q=0.1"),
    )
    .await;
    assert_eq!(xml.content_type, "application/sparql-results+xml");
    let csv = get(
        &app,
        &uri,
        Some("text/*;q=0.8, text/tab-separated-values;q=0.2"),
    )
    .await;
    assert!(
        csv.content_type.starts_with("text/csv"),
        "{}",
        csv.content_type
    );

    let refused = get(&app, &uri, Some("image/png")).await;
    assert_eq!(refused.status, StatusCode::NOT_ACCEPTABLE);
    assert!(
        refused.body.contains("application/sparql-results+json")
            && refused.body.contains("text/csv"),
        "{}",
        refused.body
    );
}

#[tokio::test]
async fn ask_answers_in_json_or_xml() {
    let app = seed_app();
    let uri = query_uri("ASK { ?c a cg:Denial }");
    let json = get(&app, &uri, None).await;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&json.body).unwrap()["boolean"],
        true
    );
    let xml = get(&app, &uri, Some("application/sparql-results+xml")).await;
    assert!(xml.body.contains("<boolean>true</boolean>"));
    assert_eq!(
        get(&app, &uri, Some("text/csv")).await.status,
        StatusCode::NOT_ACCEPTABLE
    );
}

#[tokio::test]
async fn construct_results_come_in_every_rdf_syntax() {
    let app = seed_app();
    let uri = query_uri("CONSTRUCT { ?s ?p ?o } WHERE { ?s a schema:Corporation ; ?p ?o }");
    let turtle = get(&app, &uri, None).await;
    assert_eq!(
        turtle.content_type, "text/turtle; charset=utf-8",
        "Turtle is the default for graphs"
    );
    let expected = parse_rdf(&turtle.body, RdfFormat::Turtle).len();
    assert!(
        expected > 50,
        "the corporations are described: {expected} triples"
    );
    for (accept, format) in [
        ("application/n-triples", RdfFormat::NTriples),
        (
            "application/ld+json",
            RdfFormat::JsonLd {
                profile: Default::default(),
            },
        ),
        ("application/rdf+xml", RdfFormat::RdfXml),
    ] {
        let a = get(&app, &uri, Some(accept)).await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(
            a.content_type.starts_with(accept),
            "{accept}: got {}",
            a.content_type
        );
        assert_eq!(
            parse_rdf(&a.body, format).len(),
            expected,
            "{accept} carries the same triples"
        );
    }
    let describe = get(
        &app,
        &query_uri("DESCRIBE <id/org/hikvision>"),
        Some("application/n-triples"),
    )
    .await;
    assert!(describe.body.contains("<https://claimgraph.example/id/org/hikvision> <http://www.w3.org/2000/01/rdf-schema#label> \"Hikvision\"@en"), "relative IRIs resolve against the base:\n{}", describe.body);
}

#[tokio::test]
async fn post_forms_and_direct_queries_are_read() {
    let app = seed_app();
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("query", CLAIMS)
        .finish();
    let by_form = send(
        &app,
        Request::post("/sparql")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .unwrap(),
    )
    .await;
    let direct = send(
        &app,
        Request::post("/sparql")
            .header(header::CONTENT_TYPE, "application/sparql-query")
            .body(Body::from(CLAIMS))
            .unwrap(),
    )
    .await;
    assert_eq!(by_form.status, StatusCode::OK);
    assert_eq!(by_form.body, direct.body);
    let no_type = send(
        &app,
        Request::post("/sparql").body(Body::from(CLAIMS)).unwrap(),
    )
    .await;
    assert_eq!(no_type.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(
        no_type.body.contains("application/sparql-query"),
        "{}",
        no_type.body
    );
}

#[tokio::test]
async fn a_bad_query_gets_400_with_the_parsers_message() {
    let app = seed_app();
    let a = get(&app, &query_uri("SELECT ?x WHERE { ?x ?y }"), None).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(
        a.body.contains("error at 1:"),
        "the parser says where: {}",
        a.body
    );
    let unknown_prefix = get(&app, &query_uri("SELECT * WHERE { ?x nope:p ?y }"), None).await;
    assert_eq!(unknown_prefix.status, StatusCode::BAD_REQUEST);
    assert!(
        unknown_prefix.body.contains("Prefix not found"),
        "{}",
        unknown_prefix.body
    );
    let two = get(&app, "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", None).await;
    assert_eq!(two.status, StatusCode::BAD_REQUEST);
    let none = get(&app, "/sparql", Some("application/sparql-results+json")).await;
    assert_eq!(none.status, StatusCode::BAD_REQUEST);
    assert!(none.body.contains("no query"));
    let bad_graph = get(
        &app,
        "/sparql?query=ASK%7B%7D&default-graph-uri=not%20an%20iri",
        None,
    )
    .await;
    assert_eq!(bad_graph.status, StatusCode::BAD_REQUEST);
    assert!(bad_graph.body.contains("default-graph-uri"));
}

#[tokio::test]
async fn updates_are_refused_and_change_nothing() {
    let store = seed_store();
    let before = store.len().unwrap();
    let st = state(store, ServerConfig::default());
    let app = app(st.clone());
    let update = "DELETE WHERE { ?s ?p ?o }";
    let direct = send(
        &app,
        Request::post("/sparql")
            .header(header::CONTENT_TYPE, "application/sparql-update")
            .body(Body::from(update))
            .unwrap(),
    )
    .await;
    assert_eq!(direct.status, StatusCode::FORBIDDEN);
    assert!(direct.body.contains("read-only"), "{}", direct.body);
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("update", update)
        .finish();
    let by_form = send(
        &app,
        Request::post("/sparql")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form.clone()))
            .unwrap(),
    )
    .await;
    assert_eq!(by_form.status, StatusCode::FORBIDDEN);
    assert_eq!(
        get(&app, &format!("/sparql?{form}"), None).await.status,
        StatusCode::FORBIDDEN
    );
    // An update sent as a query is not a query.
    assert_eq!(
        get(&app, &query_uri(update), None).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(st.store.len().unwrap(), before, "the store is unchanged");
}

#[tokio::test]
async fn request_bodies_are_capped() {
    let config = ServerConfig {
        max_body_bytes: 2048,
        ..ServerConfig::default()
    };
    let app = app(state(seed_store(), config));
    let big = format!("SELECT * WHERE {{ ?s ?p ?o }} # {}", "x".repeat(4096));
    let a = send(
        &app,
        Request::post("/sparql")
            .header(header::CONTENT_TYPE, "application/sparql-query")
            .body(Body::from(big))
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    let small = send(
        &app,
        Request::post("/sparql")
            .header(header::CONTENT_TYPE, "application/sparql-query")
            .body(Body::from("ASK {}"))
            .unwrap(),
    )
    .await;
    assert_eq!(small.status, StatusCode::OK);
}

#[tokio::test]
async fn results_are_capped() {
    let config = ServerConfig {
        max_results: 10,
        ..ServerConfig::default()
    };
    let app = app(state(seed_store(), config));
    let a = get(&app, &query_uri(CLAIMS), None).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(
        a.body.contains("more than 10 results") && a.body.contains("LIMIT"),
        "{}",
        a.body
    );
    assert_eq!(
        get(&app, &query_uri(&format!("{CLAIMS} LIMIT 10")), None)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_slow_query_is_stopped_at_the_time_limit() {
    let config = ServerConfig {
        query_timeout: Duration::from_secs(1),
        ..ServerConfig::default()
    };
    let app = app(state(seed_store(), config));
    let started = Instant::now();
    let a = get(&app, &query_uri("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"), None).await;
    let took = started.elapsed();
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}", a.body);
    assert!(a.body.contains("longer than 1s"), "{}", a.body);
    assert!(took < Duration::from_secs(5), "stopped after {took:?}");
}

#[tokio::test]
async fn entity_claim_and_article_iris_resolve_by_negotiation() {
    let app = seed_app();
    for (accept, ext) in [
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/n-triples", "nt"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "html"),
        ("application/ld+json;q=0.5, text/turtle;q=0.9", "ttl"),
        ("*/*", "ttl"),
    ] {
        let a = get(&app, "/id/org/hikvision", Some(accept)).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{accept}");
        assert_eq!(
            a.location.as_deref(),
            Some(format!("/id/org/hikvision.{ext}").as_str()),
            "{accept}"
        );
    }
    assert_eq!(
        get(&app, "/id/org/hikvision", Some("image/png"))
            .await
            .status,
        StatusCode::NOT_ACCEPTABLE
    );
    assert_eq!(
        get(&app, "/id/org/no-such-company", Some("text/turtle"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, "/id/org/no-such-company.ttl", None).await.status,
        StatusCode::NOT_FOUND
    );

    let entity = get(&app, "/id/org/hikvision.ttl", None).await;
    assert_eq!(entity.content_type, "text/turtle; charset=utf-8");
    assert!(
        entity
            .body
            .contains("rdfs:label \"Hikvision\"@de , \"Hikvision\"@en")
            || entity.body.contains("\"Hikvision\"@en")
    );
    let triples = parse_rdf(&entity.body, RdfFormat::Turtle).len();
    let jsonld = get(&app, "/id/org/hikvision.jsonld", None).await;
    assert_eq!(jsonld.content_type, "application/ld+json");
    assert_eq!(
        parse_rdf(
            &jsonld.body,
            RdfFormat::JsonLd {
                profile: Default::default()
            }
        )
        .len(),
        triples
    );
    let nt = get(&app, "/id/org/hikvision.nt", None).await;
    assert_eq!(parse_rdf(&nt.body, RdfFormat::NTriples).len(), triples);

    // A claim's description carries its quote, and in a dataset syntax its proposition graph.
    let claims = get(
        &app,
        &query_uri("SELECT ?c WHERE { ?c a cg:Denial } ORDER BY ?c LIMIT 1"),
        None,
    )
    .await;
    let parsed: serde_json::Value = serde_json::from_str(&claims.body).unwrap();
    let claim = parsed["results"]["bindings"][0]["c"]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = claim.strip_prefix("https://claimgraph.example").unwrap();
    let nt = get(&app, &format!("{path}.nt"), None).await;
    assert_eq!(nt.status, StatusCode::OK);
    assert!(
        nt.body.contains("http://www.w3.org/ns/oa#exact"),
        "{}",
        nt.body
    );
    let nq = get(&app, &format!("{path}.nq"), None).await;
    assert!(
        parse_rdf(&nq.body, RdfFormat::NQuads).len()
            >= parse_rdf(&nt.body, RdfFormat::NTriples).len()
    );

    let article = get(&app, "/id/article/alibaba-pla-memo.ttl", None).await;
    assert_eq!(article.status, StatusCode::OK);
    assert!(
        article.body.contains("schema:articleBody"),
        "{}",
        &article.body[..article.body.len().min(400)]
    );
}

#[tokio::test]
async fn void_describes_the_dataset_and_its_endpoint() {
    let store = seed_store();
    let triples = store
        .embedded()
        .expect("an embedded store")
        .quads_for_pattern(
            None,
            None,
            None,
            Some(oxigraph::model::GraphNameRef::DefaultGraph),
        )
        .count();
    let app = app(state(store, ServerConfig::default()));
    let mut r = Request::get("/.well-known/void");
    r = r.header(header::HOST, "claims.test:8080");
    let a = send(&app, r.body(Body::empty()).unwrap()).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.content_type, "text/turtle; charset=utf-8");
    let quads = parse_rdf(&a.body, RdfFormat::Turtle);
    let value = |p: &str| {
        quads
            .iter()
            .find(|q| q.predicate.as_str() == format!("http://rdfs.org/ns/void#{p}"))
            .map(|q| q.object.to_string())
            .unwrap_or_else(|| panic!("no void:{p} in\n{}", a.body))
    };
    assert_eq!(value("sparqlEndpoint"), "<http://claims.test:8080/sparql>");
    assert_eq!(
        value("triples"),
        format!("\"{triples}\"^^<http://www.w3.org/2001/XMLSchema#integer>")
    );
    assert_eq!(value("uriSpace"), "\"https://claimgraph.example/id/\"");
    // The class partition counts the 37 claims.
    let claim_partition = quads
        .iter()
        .find(|q| {
            q.predicate.as_str().ends_with("#class")
                && q.object.to_string() == "<https://claimgraph.example/ns#Claim>"
        })
        .expect("a partition for cg:Claim")
        .subject
        .clone();
    let count = quads
        .iter()
        .find(|q| q.subject == claim_partition && q.predicate.as_str().ends_with("#entities"))
        .unwrap();
    assert_eq!(
        count.object.to_string(),
        "\"37\"^^<http://www.w3.org/2001/XMLSchema#integer>"
    );
    // A hostile Host header is not pasted into the description.
    let r = Request::get("/.well-known/void")
        .header(header::HOST, "evil.test\"><x")
        .body(Body::empty())
        .unwrap();
    let a = send(&app, r).await;
    assert!(!a.body.contains("evil"));
    let jsonld = get(&app, "/.well-known/void", Some("application/ld+json")).await;
    assert_eq!(
        parse_rdf(
            &jsonld.body,
            RdfFormat::JsonLd {
                profile: Default::default()
            }
        )
        .len(),
        quads.len()
    );
}

#[tokio::test]
async fn a_browser_gets_the_query_page() {
    let app = seed_app();
    let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    let page = get(&app, "/sparql", Some(browser)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.content_type.starts_with("text/html"));
    assert!(
        page.body.contains("<textarea") && page.body.contains("SELECT ?claim"),
        "an editor with an example"
    );
    for q in claimgraph::read::catalog::Catalog::bundled().competency() {
        assert!(
            page.body.contains(&format!("/sparql?example={}", q.name)),
            "saved query {} is offered",
            q.name
        );
    }
    // Picking a saved query with a parameter binds its example as a VALUES clause.
    let picked = get(&app, "/sparql?example=entity-claims", Some(browser)).await;
    assert!(
        unescape(&picked.body)
            .contains("VALUES (?entity) { (<https://claimgraph.example/id/org/hikvision>) }"),
        "{}",
        picked.body
    );

    // Results as a table, IRIs under the base linked to their pages here.
    let results = get(
        &app,
        &query_uri("SELECT ?e WHERE { ?e cg:slug \"hikvision\" }"),
        Some(browser),
    )
    .await;
    assert!(
        unescape(&results.body).contains("<a href=\"/id/org/hikvision\">"),
        "{}",
        results.body
    );
    // Strings from the data are escaped.
    let hostile = get(
        &app,
        &query_uri("SELECT (\"<script>alert(1)</script>\" AS ?x) {}"),
        Some(browser),
    )
    .await;
    assert!(!hostile.body.contains("<script>alert"), "unescaped");
    assert!(hostile.body.contains("&lt;script&gt;"));
    // Errors show on the page, with the query kept in the editor.
    let bad = get(&app, &query_uri("SELECT oops"), Some(browser)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("role=\"alert\"") && unescape(&bad.body).contains("SELECT oops"));
}

#[tokio::test]
async fn a_saved_query_with_a_values_clause_gives_the_cli_rows() {
    let store = seed_store();
    let catalog = claimgraph::read::catalog::Catalog::bundled();
    let saved = catalog.get("entity-claims").unwrap();
    let raw = vec![("entity".to_owned(), "hikvision".to_owned())];
    let limits = claimgraph::read::catalog::Limits::default();
    let expected = claimgraph::read::catalog::run_saved(&store, saved, &raw, limits).unwrap();
    let bindings = claimgraph::read::catalog::bind(&store, saved, &raw).unwrap();
    let text = claimgraph::server::sparql::with_values(&saved.text, &bindings);
    let app = app(state(store, ServerConfig::default()));
    let a = get(&app, &query_uri(&text), None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let json: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    let claimgraph::read::catalog::Outcome::Table(table) = expected else {
        panic!("a table")
    };
    assert!(!table.rows.is_empty());
    assert_eq!(
        json["results"]["bindings"].as_array().unwrap().len(),
        table.rows.len()
    );
}

#[tokio::test]
async fn the_site_pages_are_served_live() {
    let app = seed_app();
    let home = get(&app, "/", Some("text/html")).await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(home.content_type, "text/html; charset=utf-8");
    assert!(home.body.contains("claimgraph"));
    let entity = get(&app, "/id/org/hikvision.html", None).await;
    assert_eq!(entity.status, StatusCode::OK, "{}", entity.body);
    assert!(entity.body.contains("Hikvision"));
    // A browser following the IRI ends on that page.
    let redirect = get(&app, "/id/org/hikvision", Some("text/html")).await;
    assert_eq!(redirect.location.as_deref(), Some("/id/org/hikvision.html"));
    let claims = get(&app, "/claims.html", None).await;
    assert_eq!(claims.status, StatusCode::OK);
    assert!(
        claims.body.contains("id/claim/"),
        "the claim list links to claims"
    );
    let css = get(&app, "/assets/site.css", None).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.content_type.starts_with("text/css"),
        "{}",
        css.content_type
    );
    assert_eq!(
        get(&app, "/no-such-page.html", None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, "/id/org/no-such-company.html", None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, "/assets/../Cargo.toml", None).await.status,
        StatusCode::NOT_FOUND
    );
    // The query page shares the site's layout.
    let q = get(&app, "/sparql", Some("text/html")).await;
    assert!(q.body.contains("assets/site.css"));
}

#[test]
fn a_real_socket_serves_on_loopback() {
    let server = LiveServer::start(state(seed_store(), ServerConfig::default()));
    assert!(server.base.starts_with("http://127.0.0.1:"));
    let (status, _, body) =
        server_support::fetch(server_support::agent().get(&server.url("/healthz")));
    assert_eq!((status, body.trim()), (200, "ok"));
    let (status, ct, body) = server_support::fetch(
        server_support::agent()
            .get(&server.url("/sparql"))
            .query("query", "SELECT (COUNT(*) AS ?n) WHERE { ?c a cg:Claim }"),
    );
    assert_eq!(status, 200);
    assert_eq!(ct, "application/sparql-results+json");
    assert!(body.contains("\"value\":\"37\""), "{body}");
    // The linked-data redirect points at a document the same server answers.
    let (status, ..) = server_support::fetch(
        server_support::agent()
            .get(&server.url("/id/org/hikvision"))
            .set("Accept", "text/turtle"),
    );
    assert_eq!(status, 303);
    let (status, ct, _) = server_support::fetch(
        ureq::agent()
            .get(&server.url("/id/org/hikvision"))
            .set("Accept", "text/turtle"),
    );
    assert_eq!((status, ct.as_str()), (200, "text/turtle"));
}
