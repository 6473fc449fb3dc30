//! The editor (`serve --edit`) through its router: who may write, what a save writes and
//! imports, stale saves, hostile input, and the refusal to edit beyond loopback without
//! a token.

mod common;
mod server_support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use tower::ServiceExt;

use claimgraph::server::edit::{EditConfig, EditState};
use claimgraph::server::{app, AppState, ServerConfig};
use server_support::{repo, seed_store};

const TOKEN: &str = "correct horse battery staple";

/// A seed store served with the editor on, its data and drafts folders in a temporary
/// directory.
struct Editor {
    _dir: tempfile::TempDir,
    data: PathBuf,
    drafts: PathBuf,
    state: Arc<AppState>,
    app: Router,
}

impl Editor {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let drafts = dir.path().join("drafts");
        let edit = EditState::new(EditConfig {
            token: TOKEN.into(),
            data_dir: data.clone(),
            drafts_dir: drafts.clone(),
        })
        .unwrap();
        let state = Arc::new(
            AppState::new(seed_store(), ServerConfig::default())
                .unwrap()
                .with_edit(edit),
        );
        Editor {
            _dir: dir,
            data,
            drafts,
            app: app(Arc::clone(&state)),
            state,
        }
    }

    fn quads(&self) -> usize {
        self.state.store.len().unwrap()
    }

    fn published(&self, id: &str) -> PathBuf {
        self.data.join("articles").join(format!("{id}.toml"))
    }

    fn draft(&self, id: &str) -> PathBuf {
        self.drafts.join(format!("{id}.toml"))
    }
}

struct Answer {
    status: StatusCode,
    location: Option<String>,
    set_cookie: Option<String>,
    csp: Option<String>,
    body: String,
}

async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.unwrap();
    let header = |name: header::HeaderName| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let (location, set_cookie, csp) = (
        header(header::LOCATION),
        header(header::SET_COOKIE),
        header(header::CONTENT_SECURITY_POLICY),
    );
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
        .await
        .unwrap();
    Answer {
        status,
        location,
        set_cookie,
        csp,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(app: &Router, uri: &str, cookie: Option<&str>) -> Answer {
    let mut r = Request::get(uri);
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    send(app, r.body(Body::empty()).unwrap()).await
}

async fn post(app: &Router, uri: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> Answer {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let mut r =
        Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    send(app, r.body(Body::from(body)).unwrap()).await
}

/// The value of the hidden input `name` on a page.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} on the page"))
        + marker.len();
    page[start..][..page[start..].find('"').unwrap()].to_owned()
}

/// The login form's cookie and CSRF token.
async fn login_form(app: &Router) -> (String, String) {
    let form = get(app, "/edit/login", None).await;
    assert_eq!(form.status, StatusCode::OK);
    let cookie = form.set_cookie.expect("a login cookie");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    (
        cookie.split(';').next().unwrap().to_owned(),
        hidden(&form.body, "csrf"),
    )
}

/// Logs in as `reviewer`: the cookie to send and the session's CSRF token.
async fn login(app: &Router, reviewer: &str) -> (String, String) {
    let (login_cookie, login_csrf) = login_form(app).await;
    let answer = post(
        app,
        "/edit/login",
        Some(&login_cookie),
        &[
            ("csrf", &login_csrf),
            ("token", TOKEN),
            ("reviewer", reviewer),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let set = answer.set_cookie.expect("a session cookie");
    for attribute in ["Secure", "HttpOnly", "SameSite=Strict"] {
        assert!(set.contains(attribute), "{set}");
    }
    let cookie = set.split(';').next().unwrap().to_owned();
    let home = get(app, "/edit", Some(&cookie)).await;
    assert_eq!(home.status, StatusCode::OK);
    let csrf = hidden(&home.body, "csrf");
    (cookie, csrf)
}

/// Drafts `text` as a new article with id `id`; returns the review page.
async fn new_article(app: &Router, cookie: &str, csrf: &str, id: &str, text: &str) -> Answer {
    let created = post(
        app,
        "/edit/new",
        Some(cookie),
        &[
            ("csrf", csrf),
            ("id", id),
            ("title", "UK bans ZTE"),
            ("language", "en"),
            ("date", "2018-04"),
            ("text", text),
        ],
    )
    .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(
        created.location.as_deref(),
        Some(&*format!("/edit/review/{id}"))
    );
    let page = get(app, &format!("/edit/review/{id}"), Some(cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page
}

fn fixture_text() -> String {
    std::fs::read_to_string(repo().join("tests/fixtures/extract/uk-zte-ban.txt")).unwrap()
}

/// Everything under a folder, with contents, to show that nothing changed.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn without_edit_there_is_no_editor() {
    let plain = app(server_support::state(seed_store(), ServerConfig::default()));
    assert_eq!(
        get(&plain, "/edit", None).await.status,
        StatusCode::NOT_FOUND
    );
    let posted = post(&plain, "/edit/new", None, &[("text", "x")]).await;
    assert!(posted.status.is_client_error(), "{}", posted.status);
}

#[tokio::test]
async fn writes_without_a_session_or_with_a_wrong_csrf_token_are_refused_and_change_nothing() {
    let editor = Editor::new();
    let app = &editor.app;
    let (cookie, csrf) = login(app, "alice").await;
    let page = new_article(app, &cookie, &csrf, "zte", &fixture_text()).await;
    let version = hidden(&page.body, "version");
    let files = snapshot(editor.drafts.parent().unwrap());
    let quads = editor.quads();

    let (login_cookie, login_csrf) = login_form(app).await;
    let wrong = post(
        app,
        "/edit/login",
        Some(&login_cookie),
        &[
            ("csrf", &login_csrf),
            ("token", "guess"),
            ("reviewer", "mallory"),
        ],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        !wrong.set_cookie.unwrap().starts_with("claimgraph_edit="),
        "no session"
    );
    let forged_login = post(
        app,
        "/edit/login",
        None,
        &[
            ("csrf", &login_csrf),
            ("token", TOKEN),
            ("reviewer", "mallory"),
        ],
    )
    .await;
    assert_eq!(
        forged_login.status,
        StatusCode::FORBIDDEN,
        "a login posted from elsewhere"
    );
    assert!(forged_login.set_cookie.is_none());

    let save = [("version", version.as_str()), ("c0.decision", "accept")];
    let no_session = post(app, "/edit/review/zte", None, &save).await;
    assert_eq!(no_session.status, StatusCode::UNAUTHORIZED);
    let forged_cookie = post(
        app,
        "/edit/review/zte",
        Some("claimgraph_edit=forged"),
        &save,
    )
    .await;
    assert_eq!(forged_cookie.status, StatusCode::UNAUTHORIZED);
    let no_csrf = post(app, "/edit/review/zte", Some(&cookie), &save).await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    let mut with_bad_csrf = save.to_vec();
    with_bad_csrf.push(("csrf", "0000"));
    let bad_csrf = post(app, "/edit/review/zte", Some(&cookie), &with_bad_csrf).await;
    assert_eq!(bad_csrf.status, StatusCode::FORBIDDEN);
    let new_without = post(
        app,
        "/edit/new",
        None,
        &[("id", "other"), ("text", "A said B.")],
    )
    .await;
    assert_eq!(new_without.status, StatusCode::UNAUTHORIZED);
    let new_bad_csrf = post(
        app,
        "/edit/new",
        Some(&cookie),
        &[("csrf", "nope"), ("id", "other"), ("text", "A said B.")],
    )
    .await;
    assert_eq!(new_bad_csrf.status, StatusCode::FORBIDDEN);
    let read_without = get(app, "/edit/review/zte", None).await;
    assert_eq!(read_without.status, StatusCode::SEE_OTHER);

    assert_eq!(
        snapshot(editor.drafts.parent().unwrap()),
        files,
        "no file changed"
    );
    assert_eq!(editor.quads(), quads, "the store did not change");
    assert!(!editor.published("zte").exists());
}

#[tokio::test]
async fn a_review_is_published_with_its_reviewer_and_imported_like_the_cli() {
    let editor = Editor::new();
    let app = &editor.app;
    let (cookie, csrf) = login(app, "alice").await;
    let page = new_article(app, &cookie, &csrf, "zte", &fixture_text()).await;
    let claims = page.body.matches("class=\"claim-card").count() - 1; // and the template's
    assert!(claims >= 2, "the fixture drafts claims: {claims}");
    let version = hidden(&page.body, "version");
    // The last claim: no other claim answers it, so the sheet stays valid without it.
    let last = format!("c{}.decision", claims - 1);
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("c0.decision", "accept"),
        (
            "c0.statement",
            "The UK told telecoms firms not to use ZTE equipment.",
        ),
        (last.as_str(), "reject"),
    ];
    let quads = editor.quads();
    let saved = post(app, "/edit/review/zte", Some(&cookie), &form).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(editor.quads() > quads, "the article went into the store");

    let sheet = std::fs::read_to_string(editor.published("zte")).unwrap();
    assert_eq!(sheet, std::fs::read_to_string(editor.draft("zte")).unwrap());
    let parsed =
        claimgraph::model::sheet::Sheet::parse(Path::new("zte.toml"), sheet.clone()).unwrap();
    assert_eq!(
        parsed.claim.len(),
        claims - 1,
        "the rejected claim is gone:\n{sheet}"
    );
    let accepted = &parsed.claim[0];
    assert!(accepted.extraction.is_none(), "{sheet}");
    assert_eq!(accepted.review.as_ref().unwrap().by.get_ref(), "alice");
    assert_eq!(
        accepted.statement,
        "The UK told telecoms firms not to use ZTE equipment."
    );
    assert!(parsed.claim[1..].iter().all(|c| c.extraction.is_some()));

    // The graph records who reviewed and when, and the content hash holds.
    let rows = editor
        .state
        .store
        .select(
            "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX cg: <https://claimgraph.example/ns#>
             SELECT ?who ?at WHERE { ?claim cg:review ?r . ?r prov:wasAttributedTo ?who ; prov:generatedAtTime ?at }",
        )
        .unwrap();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|t| t.as_ref().map(|t| t.to_string()).unwrap_or_default())
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0][0].ends_with("id/reviewer/alice>"), "{rows:?}");
    assert!(rows[0][1].contains("XMLSchema#dateTime"), "{rows:?}");
    let checks = claimgraph::write::hash::verify(&editor.state.store).unwrap();
    assert!(checks.iter().all(|c| c.problem().is_none()));

    let log = std::fs::read_to_string(editor.drafts.join("audit.log")).unwrap();
    let last: serde_json::Value = serde_json::from_str(log.lines().last().unwrap()).unwrap();
    assert_eq!(last["reviewer"], "alice");
    assert_eq!(last["article"], "zte");
    assert_eq!(last["outcome"], "imported");
    assert_eq!(last["before"], version);
    assert_ne!(last["after"], last["before"]);

    // Saving the unchanged review again keeps the first review's time.
    let page = get(app, "/edit/review/zte?saved=1", Some(&cookie)).await;
    assert!(page.body.contains("Saved and imported"));
    let version = hidden(&page.body, "version");
    form[1] = ("version", version.as_str());
    form.truncate(4);
    let again = post(app, "/edit/review/zte", Some(&cookie), &form).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    assert_eq!(
        std::fs::read_to_string(editor.published("zte")).unwrap(),
        sheet
    );
}

#[tokio::test]
async fn an_invalid_review_shows_errors_at_their_fields_and_imports_nothing() {
    let editor = Editor::new();
    let app = &editor.app;
    let (cookie, csrf) = login(app, "alice").await;
    let page = new_article(app, &cookie, &csrf, "zte", &fixture_text()).await;
    let version = hidden(&page.body, "version");
    let quads = editor.quads();
    let answer = post(
        app,
        "/edit/review/zte",
        Some(&cookie),
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("c0.decision", "accept"),
            ("c0.claimant", "no-such-entity"),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body.contains("Not imported"), "{}", answer.body);
    let at_field = answer
        .body
        .find("data-field=\"c0.claimant\"")
        .expect("the error at the claimant");
    assert!(answer.body[at_field..].contains("no-such-entity"));
    assert_eq!(editor.quads(), quads, "nothing imported");
    assert!(!editor.published("zte").exists());
    // The work is kept in the draft, and the page carries its new version.
    let draft = std::fs::read_to_string(editor.draft("zte")).unwrap();
    assert!(draft.contains("claimant = \"no-such-entity\""));
    assert_ne!(hidden(&answer.body, "version"), version);
}

#[tokio::test]
async fn a_save_against_an_older_version_gets_409_with_both_versions() {
    let editor = Editor::new();
    let app = &editor.app;
    let (alice, alice_csrf) = login(app, "alice").await;
    let (bob, bob_csrf) = login(app, "bob").await;
    let page = new_article(app, &alice, &alice_csrf, "zte", &fixture_text()).await;
    let version = hidden(&page.body, "version");
    let first = post(
        app,
        "/edit/review/zte",
        Some(&alice),
        &[
            ("csrf", &alice_csrf),
            ("version", &version),
            ("c0.statement", "Alice's words"),
        ],
    )
    .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let after_alice = std::fs::read(editor.draft("zte")).unwrap();
    let quads = editor.quads();
    let stale = post(
        app,
        "/edit/review/zte",
        Some(&bob),
        &[
            ("csrf", &bob_csrf),
            ("version", &version),
            ("c0.statement", "Bob's words"),
        ],
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(
        stale.body.contains("Bob&#39;s words"),
        "your version is shown"
    );
    assert!(
        stale.body.contains("Alice&#39;s words"),
        "the current version is shown"
    );
    assert_eq!(
        std::fs::read(editor.draft("zte")).unwrap(),
        after_alice,
        "no overwrite"
    );
    assert_eq!(editor.quads(), quads);
    let log = std::fs::read_to_string(editor.drafts.join("audit.log")).unwrap();
    assert!(log
        .lines()
        .last()
        .unwrap()
        .contains("\"outcome\":\"conflict\""));
}

#[tokio::test]
async fn hostile_article_text_and_field_values_render_inert() {
    let editor = Editor::new();
    let app = &editor.app;
    let (cookie, csrf) = login(app, "alice").await;
    let text = format!(
        "{}\n\nHuawei said <script>alert(1)</script> \"><img src=x onerror=alert(2)> was '</textarea><b>bold</b>'.\n",
        fixture_text()
    );
    let page = new_article(app, &cookie, &csrf, "hostile", &text).await;
    assert!(page.csp.unwrap().contains("script-src 'self'"));
    let version = hidden(&page.body, "version");
    let hostile = "<script>alert(3)</script>\"><img src=y onerror=alert(4)>";
    let answer = post(
        app,
        "/edit/review/hostile",
        Some(&cookie),
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("a.title", hostile),
            ("c0.statement", hostile),
            ("c0.claimant", hostile),
            ("c0.decision", "accept"),
            ("c0.p0.predicate", hostile),
            ("c0.p0.value", "1\n[article]\nid = \"evil\""),
        ],
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    for page in [&page.body, &answer.body] {
        for live in [
            "<script>alert",
            "<img src=x",
            "<img src=y",
            "<b>bold</b>",
            "</textarea><b>",
        ] {
            assert!(!page.contains(live), "{live} is live on the page");
        }
    }
    assert!(answer
        .body
        .contains("&lt;script&gt;alert(3)&lt;/script&gt;"));
    assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let draft = std::fs::read_to_string(editor.draft("hostile")).unwrap();
    let sheet = claimgraph::model::sheet::Sheet::parse(Path::new("h.toml"), draft).unwrap();
    assert_eq!(
        sheet.article.unwrap().id.get_ref(),
        "hostile",
        "no field opened a table"
    );
}

#[test]
fn edit_on_an_open_address_without_a_token_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::claimgraph_at(&dir.path().join("store"))
        .args(["serve", "--addr", "0.0.0.0:0", "--edit"])
        .env_remove("CLAIMGRAPH_EDIT_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("CLAIMGRAPH_EDIT_TOKEN"), "{stderr}");
    assert!(
        !dir.path().join("store").exists(),
        "refused before opening the store"
    );
}

/// The index of the entity card whose id is `id` on a review page.
fn entity_card(page: &str, id: &str) -> String {
    let at = page
        .find(&format!("<code>{id}</code>"))
        .unwrap_or_else(|| panic!("no card for {id}"));
    let start = page[..at].rfind("id=\"entity-").unwrap() + "id=\"entity-".len();
    let index = &page[start..][..page[start..].find('"').unwrap()];
    format!("e{index}")
}

#[tokio::test]
async fn proposed_entities_are_merged_or_dropped_everywhere_they_are_used() {
    let editor = Editor::new();
    let app = &editor.app;
    let (cookie, csrf) = login(app, "alice").await;
    let page = new_article(app, &cookie, &csrf, "zte", &fixture_text()).await;
    let version = hidden(&page.body, "version");
    let ncsc = entity_card(&page.body, "ncsc");
    let ericsson = entity_card(&page.body, "ericsson");
    let (merge, into, drop) = (
        format!("{ncsc}.decision"),
        format!("{ncsc}.merge_into"),
        format!("{ericsson}.decision"),
    );
    let saved = post(
        app,
        "/edit/review/zte",
        Some(&cookie),
        &[
            ("csrf", &csrf),
            ("version", &version),
            (&merge, "merge"),
            (&into, "national-cyber-security-centre"),
            (&drop, "drop"),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let sheet = std::fs::read_to_string(editor.published("zte")).unwrap();
    for gone in ["\"ncsc\"", "\"ericsson\""] {
        assert!(!sheet.contains(gone), "{gone} is still used:\n{sheet}");
    }
    assert!(sheet.contains("author = \"national-cyber-security-centre\""));
    let rows = editor
        .state
        .store
        .select("PREFIX cg: <https://claimgraph.example/ns#> SELECT ?e WHERE { ?e cg:slug ?s FILTER(?s IN (\"ncsc\", \"ericsson\")) }")
        .unwrap();
    assert!(rows.is_empty(), "{rows:?}");
}
