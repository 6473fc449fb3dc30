//! The editing mode of the server (`claimgraph serve --edit`): paste an article, let the
//! extractor draft its claim sheet, review it claim by claim against the highlighted
//! text, and publish it into the data folder and the store.
//!
//! [`router`] mounts everything under `/edit`; it exists only when the server was started
//! with an [`EditState`] (see [`super::AppState::with_edit`]), so the read-only server is
//! unchanged. Every write goes through [`auth::Sessions::authorize_write`] (a login with
//! the edit token, then the session's CSRF token on every form). A new article
//! ([`new_article`]) is drafted by [`crate::extract`] and saved as a draft sheet under the
//! drafts folder; the review page ([`review_page`], model in [`review`]) edits it;
//! saving ([`save_review`], [`save`]) writes the sheet, imports it through the CLI's own
//! validation and atomic replacement, and copies it into `DATA/articles/` once it is
//! valid. Each page carries the draft's version (its SHA-256); a save against a newer
//! version gets 409 with both versions shown. Every save is appended to the audit log.
//!
//! Pages are rendered by the site's template environment with auto-escaping; article
//! text reaches the page only as escaped text, never as markup. Edit pages forbid inline
//! scripts, framing and caching (`Content-Security-Policy`, `Cache-Control: no-store`).

pub mod auth;
pub mod review;
pub mod save;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, Path as UrlPath, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Serialize;

use super::{AppError, AppState};
use crate::extract::sheet_writer::TextSource;
use crate::extract::{self, ArticleInfo, Dictionary, Extractor, Rules};
use crate::model::sheet::{is_slug, ClaimKind, DocumentKind, EntityKind, LinkKind, Sheet};
use crate::publish::render::Renderer;
use auth::{Refusal, Session, Sessions};
use review::{KnownEntity, Review};
use save::{AuditEntry, AuditLog, SaveError, Stamp};

/// Where the editor keeps its files, and the edit token.
#[derive(Debug, Clone)]
pub struct EditConfig {
    /// The secret a reviewer logs in with.
    pub token: String,
    /// The data folder: published sheets go to `DATA/articles/ID.toml`.
    pub data_dir: PathBuf,
    /// Draft sheets under review (`ID.toml`) and the audit log (`audit.log`).
    pub drafts_dir: PathBuf,
}

/// The editor's share of the server state.
pub struct EditState {
    pub config: EditConfig,
    pub sessions: Sessions,
    pub audit: AuditLog,
    renderer: Renderer,
}

impl EditState {
    pub fn new(config: EditConfig) -> Result<Self, AppError> {
        std::fs::create_dir_all(&config.drafts_dir).map_err(|e| {
            AppError::internal(format!(
                "cannot create {}: {e}",
                config.drafts_dir.display()
            ))
        })?;
        Ok(EditState {
            sessions: Sessions::new(config.token.clone()),
            audit: AuditLog::new(config.drafts_dir.join("audit.log")),
            renderer: Renderer::new().map_err(AppError::internal)?,
            config,
        })
    }

    fn draft_path(&self, id: &str) -> PathBuf {
        self.config.drafts_dir.join(format!("{id}.toml"))
    }

    fn published_path(&self, id: &str) -> PathBuf {
        self.config
            .data_dir
            .join("articles")
            .join(format!("{id}.toml"))
    }

    fn page(&self, status: StatusCode, template: &str, context: minijinja::Value) -> Response {
        match self.renderer.render(template, context) {
            Ok(html) => html_response(status, html),
            Err(e) => AppError::internal(e).into_response(),
        }
    }
}

/// Whether an address is the machine's own (where an edit server may run without a
/// token of its own: one is made up and printed).
pub fn is_loopback(addr: &std::net::SocketAddr) -> bool {
    addr.ip().is_loopback()
}

/// `/edit` and everything under it.
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/edit", get(home))
        .route("/edit/", get(home))
        .route("/edit/login", get(login_form).post(login))
        .route("/edit/logout", post(logout))
        .route("/edit/new", post(new_article))
        .route("/edit/review/{id}", get(review_page).post(save_review))
}

fn edit(state: &AppState) -> Result<&Arc<EditState>, AppError> {
    state.edit.as_ref().ok_or_else(|| {
        AppError::NotFound("this server does not edit (start it with --edit)".into())
    })
}

/// An edit page: HTML that runs only the site's own scripts, is never framed or cached.
fn html_response(status: StatusCode, html: String) -> Response {
    let mut response = (status, html).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

fn see_other(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The login form, with a fresh login CSRF token in a hidden field and in a cookie of
/// its own: a login is a write too, so another site cannot post one.
fn login_page(edit: &EditState, status: StatusCode, message: Option<&str>) -> Response {
    let nonce = auth::random_token();
    let mut response = edit.page(
        status,
        "edit/login.html",
        minijinja::context! { message, csrf => nonce },
    );
    if let Ok(v) = HeaderValue::from_str(&auth::login_cookie(&nonce)) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

/// A refused write: 401 with the login form, or 403.
fn refused(edit: &EditState, refusal: Refusal) -> Response {
    match refusal {
        Refusal::NotLoggedIn => login_page(
            edit,
            StatusCode::UNAUTHORIZED,
            Some("Log in with the edit token to make changes."),
        ),
        Refusal::BadCsrf => edit.page(
            StatusCode::FORBIDDEN,
            "edit/message.html",
            minijinja::context! {
                title => "Refused",
                message => "This form is not from your session (its CSRF token is missing or wrong). Nothing was changed. Reload the page and try again.",
            },
        ),
    }
}

/// A write form that passed the gate: the editor, the reviewer's session and the
/// form's fields. As an extractor, a handler that takes it cannot forget the check: a
/// request without a session is answered 401 and one without the session's CSRF
/// token 403 before the handler runs.
struct Write {
    edit: Arc<EditState>,
    session: Session,
    form: HashMap<String, String>,
}

impl FromRequest<Arc<AppState>> for Write {
    type Rejection = Response;

    async fn from_request(
        request: axum::extract::Request,
        state: &Arc<AppState>,
    ) -> Result<Self, Response> {
        let edit = Arc::clone(edit(state).map_err(IntoResponse::into_response)?);
        let headers = request.headers().clone();
        let body = Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let form = parse_form(&body);
        let session = edit
            .sessions
            .authorize_write(&headers, form.get("csrf").map(String::as_str))
            .map_err(|refusal| refused(&edit, refusal))?;
        Ok(Write {
            edit,
            session,
            form,
        })
    }
}

fn parse_form(body: &[u8]) -> HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

async fn home(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let edit = Arc::clone(edit(&state)?);
    let Some(session) = edit.sessions.session(&headers) else {
        return Ok(see_other("/edit/login"));
    };
    let drafts = {
        let edit = Arc::clone(&edit);
        state
            .blocking(move |_| Ok(list_drafts(&edit.config.drafts_dir)))
            .await?
    };
    Ok(edit.page(
        StatusCode::OK,
        "edit/home.html",
        minijinja::context! {
            reviewer => session.reviewer,
            csrf => session.csrf,
            drafts,
            form => NewArticleForm::default(),
        },
    ))
}

/// A draft as the home page lists it.
#[derive(Debug, Serialize)]
struct DraftSummary {
    id: String,
    title: String,
    claims: usize,
    drafted: usize,
}

/// The drafts under review, by id (at most a thousand are listed).
fn list_drafts(dir: &Path) -> Vec<DraftSummary> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .take(1_000)
        .filter_map(|p| Sheet::read(p).ok())
        .filter_map(|s| {
            let a = s.article.as_ref()?;
            Some(DraftSummary {
                id: a.id.get_ref().clone(),
                title: a.title.clone().unwrap_or_default(),
                claims: s.claim.len(),
                drafted: s.claim.iter().filter(|c| c.extraction.is_some()).count(),
            })
        })
        .collect()
}

async fn login_form(State(state): State<Arc<AppState>>) -> Result<Response, AppError> {
    Ok(login_page(edit(&state)?, StatusCode::OK, None))
}

async fn login(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let edit = Arc::clone(edit(&state)?);
    let form = parse_form(&body);
    if !auth::login_csrf_matches(&headers, form.get("csrf").map(String::as_str)) {
        return Ok(refused(&edit, Refusal::BadCsrf));
    }
    let token = form.get("token").map(String::as_str).unwrap_or_default();
    let reviewer =
        extract::draft::slug(form.get("reviewer").map(String::as_str).unwrap_or_default());
    if reviewer.is_empty() || !is_slug(&reviewer) {
        return Ok(login_page(
            &edit,
            StatusCode::BAD_REQUEST,
            Some("Give your name: it is recorded on every claim you review."),
        ));
    }
    match edit.sessions.login(token, &reviewer) {
        Some(id) => {
            let mut r = see_other("/edit");
            if let Ok(v) = HeaderValue::from_str(&auth::session_cookie(&id)) {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            Ok(r)
        }
        None => {
            // A wrong token costs the guesser time.
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            Ok(login_page(
                &edit,
                StatusCode::UNAUTHORIZED,
                Some("That is not the edit token."),
            ))
        }
    }
}

async fn logout(headers: HeaderMap, write: Write) -> Result<Response, AppError> {
    let edit = write.edit;
    edit.sessions.logout(&headers);
    let mut r = see_other("/edit/login");
    if let Ok(v) = HeaderValue::from_str(&auth::expired_cookie()) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(r)
}

/// The new-article form's fields, kept when the form comes back with an error.
#[derive(Debug, Default, Serialize)]
struct NewArticleForm {
    id: String,
    title: String,
    publisher: String,
    date: String,
    url: String,
    language: String,
    text: String,
}

/// `POST /edit/new`: drafts the pasted article and opens the draft in review.
async fn new_article(
    State(state): State<Arc<AppState>>,
    Write {
        edit,
        session,
        form,
    }: Write,
) -> Result<Response, AppError> {
    let field = |k: &str| form.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    // Line ends are not content: a pasted text keeps one kind, so the sheet stays readable.
    let text = form
        .get("text")
        .map(|t| t.replace("\r\n", "\n").replace('\r', "\n"))
        .unwrap_or_default();
    let mut entered = NewArticleForm {
        id: field("id"),
        title: field("title"),
        publisher: field("publisher"),
        date: field("date"),
        url: field("url"),
        language: field("language"),
        text,
    };
    if entered.id.is_empty() {
        entered.id = extract::draft::slug(&entered.title);
    }
    let back = |edit: &EditState, message: String, entered: NewArticleForm, session: &Session| {
        edit.page(
            StatusCode::BAD_REQUEST,
            "edit/home.html",
            minijinja::context! {
                reviewer => session.reviewer,
                csrf => session.csrf,
                drafts => list_drafts(&edit.config.drafts_dir),
                form => entered,
                message,
            },
        )
    };
    if !is_slug(&entered.id) {
        return Ok(back(
            &edit,
            "Give the article a headline or an id (lowercase letters, digits and hyphens): its address is made from it.".into(),
            entered,
            &session,
        ));
    }
    let path = edit.draft_path(&entered.id);
    if path.exists() {
        return Ok(back(
            &edit,
            format!("A draft with the id '{}' is already under review: open it from the list, or choose another id.", entered.id),
            entered,
            &session,
        ));
    }
    let language = match entered.language.as_str() {
        "de" | "en" => entered.language.clone(),
        _ => extract::guess_language(&entered.text).to_owned(),
    };
    let info = ArticleInfo {
        id: entered.id.clone(),
        language,
        title: Some(entered.title.clone()).filter(|s| !s.is_empty()),
        url: Some(entered.url.clone()).filter(|s| !s.is_empty()),
        publisher: Some(entered.publisher.clone()).filter(|s| !s.is_empty()),
        date: Some(entered.date.clone()).filter(|s| !s.is_empty()),
    };
    let text = entered.text.clone();
    let drafted = state
        .blocking(move |state| {
            let mut dictionary =
                Dictionary::from_store(&state.store).map_err(AppError::internal)?;
            if dictionary.is_empty() {
                dictionary = Dictionary::bundled();
            }
            let extractor = Extractor::new(dictionary, Rules::bundled());
            Ok(extractor
                .draft(&text, info)
                .map(|draft| extractor.sheet(&draft, &text, TextSource::Inline)))
        })
        .await?;
    let sheet = match drafted {
        Ok(sheet) => sheet,
        Err(e) => return Ok(back(&edit, e.to_string(), entered, &session)),
    };
    save::write_atomically(&path, sheet.as_bytes()).map_err(AppError::internal)?;
    edit.audit
        .append(&AuditEntry {
            at: &crate::publish::nanopub::now_xsd(),
            reviewer: &session.reviewer,
            article: &entered.id,
            outcome: "drafted",
            before: "",
            after: &save::version(sheet.as_bytes()),
        })
        .map_err(AppError::internal)?;
    Ok(see_other(&format!("/edit/review/{}", entered.id)))
}

/// Every known entity with its names (saved query `extract-dictionary`), for the
/// type-ahead and for telling proposed entities from known ones.
fn known_entities(state: &AppState) -> Result<Vec<KnownEntity>, AppError> {
    let query = state.catalog.get("extract-dictionary")?;
    let outcome = crate::read::catalog::run_saved(
        &state.store,
        query,
        &[],
        crate::read::catalog::Limits {
            timeout: Some(state.config.query_timeout),
            max_rows: None,
        },
    )?;
    let mut by_id: std::collections::BTreeMap<String, KnownEntity> = Default::default();
    if let crate::read::catalog::Outcome::Table(table) = outcome {
        let column = |name: &str| table.column(name);
        let (Some(ci), Some(ck), Some(cl), Some(cn)) = (
            column("id"),
            column("kind"),
            column("label"),
            column("name"),
        ) else {
            return Ok(Vec::new());
        };
        for row in &table.rows {
            let value = |i: usize| crate::store::literal_value(&row[i]);
            let Some(id) = value(ci) else { continue };
            let entry = by_id.entry(id.clone()).or_insert_with(|| KnownEntity {
                label: value(cl).unwrap_or_else(|| id.clone()),
                kind: value(ck).unwrap_or_default(),
                id,
                names: Vec::new(),
            });
            if let Some(name) = value(cn) {
                if !entry.names.contains(&name) {
                    entry.names.push(name);
                }
            }
        }
    }
    Ok(by_id.into_values().collect())
}

/// Everything the review page shows.
#[derive(Serialize)]
struct ReviewContext {
    review: Review,
    segments: Vec<review::Segment>,
    known: Vec<KnownEntity>,
    version: String,
    csrf: String,
    reviewer: String,
    errors: save::FieldErrors,
    saved: Option<usize>,
    claim_kinds: Vec<&'static str>,
    entity_kinds: Vec<&'static str>,
    document_kinds: Vec<String>,
    link_kinds: Vec<String>,
    /// The index the page's script gives the first claim it adds.
    next_index: usize,
}

fn kebab_names<T: Serialize>(items: &[T]) -> Vec<String> {
    items
        .iter()
        .filter_map(|i| serde_json::to_value(i).ok()?.as_str().map(str::to_owned))
        .collect()
}

fn review_context(
    state: &AppState,
    sheet: &Sheet,
    version: String,
    session: &Session,
    errors: save::FieldErrors,
    saved: Option<usize>,
) -> Result<ReviewContext, AppError> {
    let known = known_entities(state)?;
    let review = Review::from_sheet(sheet, &known);
    Ok(ReviewContext {
        segments: review.highlights(),
        next_index: review.claims.len(),
        review,
        known,
        version,
        csrf: session.csrf.clone(),
        reviewer: session.reviewer.clone(),
        errors,
        saved,
        claim_kinds: ClaimKind::ALL.iter().map(|k| k.as_str()).collect(),
        entity_kinds: EntityKind::ALL.iter().map(|k| k.as_str()).collect(),
        document_kinds: kebab_names(&DocumentKind::ALL),
        link_kinds: kebab_names(&[
            LinkKind::Cites,
            LinkKind::ReportsOn,
            LinkKind::Quotes,
            LinkKind::BasedOn,
        ]),
    })
}

#[derive(serde::Deserialize)]
struct ReviewQuery {
    saved: Option<usize>,
}

/// `GET /edit/review/ID`: the draft, highlighted, one card per claim.
async fn review_page(
    State(state): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
    Query(query): Query<ReviewQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let edit = Arc::clone(edit(&state)?);
    let Some(session) = edit.sessions.session(&headers) else {
        return Ok(see_other("/edit/login"));
    };
    if !is_slug(&id) {
        return Err(AppError::NotFound(format!("no draft '{id}'")));
    }
    let path = edit.draft_path(&id);
    let context = state
        .blocking(move |state| {
            let Ok(bytes) = std::fs::read(&path) else {
                return Ok(None);
            };
            let source = String::from_utf8(bytes).map_err(AppError::internal)?;
            let version = save::version(source.as_bytes());
            let sheet =
                Sheet::parse(&path, source).map_err(|e| AppError::BadRequest(e.to_string()))?;
            review_context(
                state,
                &sheet,
                version,
                &session,
                Default::default(),
                query.saved,
            )
            .map(Some)
        })
        .await?;
    match context {
        Some(context) => Ok(edit.page(
            StatusCode::OK,
            "edit/review.html",
            minijinja::Value::from_serialize(&context),
        )),
        None => Err(AppError::NotFound(format!("no draft '{id}' under review"))),
    }
}

/// What a save came to, decided on the blocking thread.
enum Saved {
    Imported(usize),
    Invalid(Box<ReviewContext>),
    Conflict {
        yours: String,
        theirs: String,
        version: String,
    },
    Missing,
}

/// `POST /edit/review/ID`: saves the review (see the module's comment).
async fn save_review(
    State(state): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
    Write {
        edit,
        session,
        form,
    }: Write,
) -> Result<Response, AppError> {
    if !is_slug(&id) {
        return Err(AppError::NotFound(format!("no draft '{id}'")));
    }
    let worker = Arc::clone(&edit);
    let article = id.clone();
    // Before as well as after the import (see `watch`): no build read while it writes
    // counts as current.
    state.store_changed();
    let saved = state
        .blocking(move |state| save_blocking(state, &worker, &article, &form, &session))
        .await?;
    match saved {
        Saved::Imported(claims) => {
            state.store_changed();
            Ok(see_other(&format!("/edit/review/{id}?saved={claims}")))
        }
        Saved::Invalid(context) => Ok(edit.page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "edit/review.html",
            minijinja::Value::from_serialize(&*context),
        )),
        Saved::Conflict {
            yours,
            theirs,
            version,
        } => Ok(edit.page(
            StatusCode::CONFLICT,
            "edit/conflict.html",
            minijinja::context! { id, yours, theirs, version },
        )),
        Saved::Missing => Err(AppError::NotFound(format!("no draft '{id}' under review"))),
    }
}

fn save_blocking(
    state: &AppState,
    edit: &EditState,
    id: &str,
    form: &HashMap<String, String>,
    session: &Session,
) -> Result<Saved, AppError> {
    let path = edit.draft_path(id);
    let Ok(bytes) = std::fs::read(&path) else {
        return Ok(Saved::Missing);
    };
    let current = String::from_utf8(bytes).map_err(AppError::internal)?;
    let before = save::version(current.as_bytes());
    let previous_sheet =
        Sheet::parse(&path, current.clone()).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let known = known_entities(state)?;
    let previous = Review::from_sheet(&previous_sheet, &known);
    let mut review = previous.clone();
    review.apply_form(form);
    review.apply_entity_decisions();
    let at = crate::publish::nanopub::now_xsd();
    let stamp = Stamp {
        reviewer: session.reviewer.clone(),
        at: at.clone(),
    };
    let written = save::write_sheet(&review, &stamp, &previous);
    let audit = |outcome: &str, after: &str| {
        edit.audit
            .append(&AuditEntry {
                at: &at,
                reviewer: &session.reviewer,
                article: id,
                outcome,
                before: &before,
                after,
            })
            .map_err(AppError::internal)
    };
    if form.get("version").map(String::as_str) != Some(before.as_str()) {
        audit("conflict", &before)?;
        return Ok(Saved::Conflict {
            yours: written.toml,
            theirs: current,
            version: before,
        });
    }
    // A sheet that is not even TOML of the right shape (a hostile form can send any kind)
    // is not kept: the draft would no longer open.
    if let Err(e) = Sheet::parse(&path, written.toml.clone()) {
        audit("invalid", &before)?;
        let errors = save::FieldErrors {
            general: vec![e.to_string()],
            ..Default::default()
        };
        let context = review_context(state, &previous_sheet, before, session, errors, None)?;
        return Ok(Saved::Invalid(Box::new(context)));
    }
    // The draft keeps the work whatever validation says; the data folder and the store
    // get it only once it is valid.
    save::write_atomically(&path, written.toml.as_bytes()).map_err(AppError::internal)?;
    let after = save::version(written.toml.as_bytes());
    let published = edit.published_path(id);
    match save::import(&state.store, &published, &written) {
        Ok(claims) => {
            save::write_atomically(&published, written.toml.as_bytes())
                .map_err(AppError::internal)?;
            audit("imported", &after)?;
            Ok(Saved::Imported(claims))
        }
        Err(SaveError::Invalid(errors)) => {
            audit("invalid", &after)?;
            let sheet = Sheet::parse(&path, written.toml.clone())
                .map_err(|e| AppError::BadRequest(e.to_string()))?;
            let context = review_context(state, &sheet, after, session, errors, None)?;
            Ok(Saved::Invalid(Box::new(context)))
        }
        Err(SaveError::Store(e)) => {
            audit("failed", &after)?;
            Err(AppError::from(e))
        }
    }
}
