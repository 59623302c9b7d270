//! The local AI Suite: a small, faithful copy of the DuploCloud AI Suite's User
//! Tokens feature (same texts, same flow, real token semantics). The suite starts
//! it in-process when no target URL is given; `cargo run -- serve` runs it alone.

pub mod faults;
pub mod store;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use rand::Rng;
use serde::Deserialize;
use serde_json::json;
use tokio::sync::oneshot;

pub use faults::{Fault, Faults};
pub use store::{Clock, QA_EMAIL, QA_NAME, QA_PASSWORD, QA_ROLE, Store};

const SESSION_COOKIE: &str = "aisuite_session";
const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");

/// How to run the local AI Suite.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// 0 picks a free port.
    pub port: u16,
    /// Freeze the app's clock on this date (deterministic pages).
    pub today: Option<NaiveDate>,
    /// Random extra delay, up to this many ms, on every API call.
    pub latency_ms: u64,
    pub faults: Faults,
    /// Seed the token generator (docs mode: reproducible pictures; never for real use).
    pub seed: Option<u64>,
    /// Markup variants (same texts and flow, other markup), see [`VARIANTS`].
    pub variants: Vec<String>,
    /// How long a sign-in session lasts (None: until signed out).
    pub session_lifetime: Option<Duration>,
}

/// Other builds of the same app, to prove the suite's locators and form
/// handling do not depend on this build's markup.
pub const VARIANTS: &[(&str, &str)] = &[
    ("native-date-picker", "the Expiry Date is an <input type=date> (Chromium's date picker)"),
    ("div-markup", "tables are ARIA grids of divs, the dialog has no aria-labelledby, the avatar is a div role=button"),
    ("sso-cookie", "SSO only: no password form (password sign-in refused), /favicon.ico answers 204; an injected session cookie signs in"),
    ("sso-storage", "SSO only, as a single-page app keeps it: the session is a token the app reads from localStorage (aisuite.token) and sends as Authorization: Bearer; cookies sign nobody in"),
    ("bootstrap", "Bootstrap 5 markup: .modal.fade.show with a .modal-backdrop and modal-open on <body>, a .dropdown-menu, .card with a .card-header"),
    ("mui", "MUI markup: dialogs and the menu in portals at the end of <body> (role=presentation wrappers, backdrops), role=menu lists, CardHeader titles that are not headings"),
    ("sign-in-methods", "the sign-in page shows its heading, then asks the server how users sign in (GET /api/sign-in-methods, answered after 400 ms) and only then renders the password form"),
    ("radix", "Radix/shadcn markup: data-state, triggers with aria-haspopup/aria-expanded/aria-controls, icon-only buttons named by sr-only text"),
    ("web-components", "Shoelace-style web components: <sl-button>, <sl-dialog> and <sl-input> with their parts in open shadow roots (slotted texts, buttons and bodies; the inner <button> paints the colour)"),
    ("validate-on-submit", "Create is always enabled; an empty or invalid field is refused on Create with the reason under it (as forms validated on submit do)"),
    ("history", "a long-lived account: 150 older tokens (a human's live \"QA-Test-Token\" among them), tables paged 20 rows at a time as MUI's TablePagination shows them, oldest first"),
    ("history-newest-first", "the same account with history, its tables paged and newest first"),
    ("dates-words", "dates shown in words (\"Apr 11, 2026\") instead of YYYY-MM-DD"),
    ("release-copy-renamed", "a release that renames the Token Created dialog's Copy button \"Copy to clipboard\" (locator repair)"),
    ("release-create-link", "a release whose Create Token button is a link named \"New API token\" (locator repair)"),
    ("release-drawer", "a release whose Create API Token dialog is a side drawer, as MUI's temporary Drawer renders one: no dialog role, no name (locator repair)"),
    ("release-menu-renamed", "a release whose avatar menu item reads \"My profile\" instead of \"Profile\" (locator repair)"),
    ("release-sentence-case", "a release that relabels the Create API Token fields in sentence case: \"Token name\", \"Expiry date\" (locator repair)"),
];

/// The releases that rename or restructure what the guide's screens show,
/// each with the locator key it breaks (locator repair: tests/repair.rs,
/// `bench --repair`).
pub const RELEASES: &[(&str, &str)] = &[
    ("release-menu-renamed", "profile_menu.profile"),
    ("release-copy-renamed", "token_created.copy"),
    ("release-create-link", "profile.create_token"),
    ("release-drawer", "create_token.dialog"),
    ("release-sentence-case", "create_token.name"),
];

/// Older tokens in the account of the `history` builds.
pub const HISTORY_TOKENS: usize = 150;

/// Where the `sso-storage` build keeps its session token.
pub const SSO_STORAGE_KEY: &str = "aisuite.token";

pub fn check_variants(names: &[String]) -> anyhow::Result<()> {
    for n in names {
        if !VARIANTS.iter().any(|(v, _)| v == n) {
            let known: Vec<&str> = VARIANTS.iter().map(|(v, _)| *v).collect();
            anyhow::bail!("unknown variant '{n}'; known variants: {}", known.join(", "));
        }
    }
    Ok(())
}

#[derive(Clone)]
struct App {
    store: Arc<Store>,
    variants: Arc<Vec<String>>,
    latency_ms: u64,
    /// Create requests served so far (the `flaky-first-create` fault).
    creates: Arc<std::sync::atomic::AtomicUsize>,
    /// The harness's copy of every token value issued (see [`LocalSuite::issued`]).
    issued: Arc<std::sync::Mutex<Vec<String>>>,
}

/// A running local AI Suite; stop it with [`LocalSuite::stop`].
pub struct LocalSuite {
    pub url: String,
    pub store: Arc<Store>,
    issued: Arc<std::sync::Mutex<Vec<String>>>,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl LocalSuite {
    pub async fn start(options: Options) -> anyhow::Result<Self> {
        let clock = options.today.map(Clock::Frozen).unwrap_or(Clock::System);
        let store = Arc::new(Store::with_seed(clock, options.faults.clone(), options.seed));
        check_variants(&options.variants)?;
        store.set_session_lifetime(options.session_lifetime);
        if options.variants.iter().any(|v| v.starts_with("history")) {
            store.seed_history(HISTORY_TOKENS);
        }
        let issued: Arc<std::sync::Mutex<Vec<String>>> = Default::default();
        let app = App {
            store: store.clone(),
            variants: Arc::new(options.variants.clone()),
            latency_ms: options.latency_ms,
            creates: Default::default(),
            issued: issued.clone(),
        };
        let addr = SocketAddr::from(([127, 0, 0, 1], options.port));
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("could not listen on {addr}: is the port already in use? Pick another with --port"))?;
        let url = format!("http://{}", listener.local_addr()?);
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let server = axum::serve(listener, router(app)).with_graceful_shutdown(async {
                let _ = rx.await;
            });
            if let Err(e) = server.await {
                eprintln!("local AI Suite stopped with an error: {e}");
            }
        });
        Ok(Self { url, store, issued, shutdown: Some(tx), task })
    }

    /// Every token value this server handed out. Not the product's store
    /// (which keeps only hashes): the test harness's own copy, so a run can
    /// scan its artifacts for tokens it never read itself (a scenario that
    /// failed before its Token Created dialog was read).
    pub fn issued(&self) -> Vec<String> {
        crate::sync::lock(&self.issued).clone()
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        // Open keep-alive connections from a browser could hold graceful
        // shutdown forever: give it a moment, then abort.
        if tokio::time::timeout(Duration::from_secs(2), &mut self.task).await.is_err() {
            self.task.abort();
        }
    }
}

fn router(app: App) -> Router {
    let api = Router::new()
        .route("/api/login", post(login))
        .route("/api/logout", post(logout))
        .route("/api/me", get(me))
        .route("/api/tokens", get(my_tokens).post(create_token))
        .route("/api/tokens/{id}/revoke", post(revoke_token))
        .route("/api/admin/tokens", get(all_tokens))
        .route("/api/v1/me", get(bearer_me))
        .route("/api/sign-in-methods", get(sign_in_methods))
        .layer(middleware::from_fn_with_state(app.clone(), latency));
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/assets/app.js", get(|| async { ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], APP_JS) }))
        .route("/assets/app.css", get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], APP_CSS) }))
        .route("/login", get(login_page))
        .merge(api)
        .fallback(get(app_page))
        .with_state(app)
}

/// `--latency-ms`: a random delay so the suite's waits are exercised for real.
/// (A server-side delay, not a wait in test code.)
async fn latency(State(app): State<App>, req: Request, next: Next) -> Response {
    if app.latency_ms > 0 {
        let ms = rand::thread_rng().gen_range(0..=app.latency_ms);
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    next.run(req).await
}

/// How users sign in (the `sign-in-methods` build asks before rendering its
/// form; a slow identity service is the product's own delay).
async fn sign_in_methods(State(app): State<App>) -> Json<serde_json::Value> {
    tokio::time::sleep(Duration::from_millis(400)).await;
    Json(json!({ "password": !app.sso() }))
}

impl App {
    fn has(&self, variant: &str) -> bool {
        self.variants.iter().any(|v| v == variant)
    }

    fn sso(&self) -> bool {
        self.has("sso-cookie") || self.has("sso-storage")
    }
}

/// The caller's session: its cookie, or (the `sso-storage` build) the token
/// the app sends from localStorage.
fn session_id(app: &App, headers: &HeaderMap) -> Option<String> {
    if app.has("sso-storage") {
        let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
        return value.strip_prefix("Bearer ").map(|v| v.trim().to_string());
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_string())
}

fn signed_in(app: &App, headers: &HeaderMap) -> Option<store::User> {
    app.store.session_user(&session_id(app, headers)?)
}

fn page(app: &App) -> Html<String> {
    let config = json!({ "faults": app.store.faults.names(), "variants": *app.variants });
    Html(INDEX_HTML.replace("/*CONFIG*/{}", &config.to_string()))
}

async fn login_page(State(app): State<App>) -> Html<String> {
    page(&app)
}

/// Every app route: the SPA shell for a signed-in user, else the login page.
async fn app_page(State(app): State<App>, headers: HeaderMap, uri: axum::http::Uri) -> Response {
    // Many servers answer the browser's favicon request with no content.
    if app.sso() && uri.path() == "/favicon.ico" {
        return StatusCode::NO_CONTENT.into_response();
    }
    // A single-page app with its session in localStorage: the page itself
    // finds out (the API answers 401) and goes to the sign-in page.
    if signed_in(&app, &headers).is_none() && !app.has("sso-storage") {
        let next = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let next: String = next.chars().filter(|c| c.is_ascii_alphanumeric() || "/-_".contains(*c)).collect();
        return Redirect::to(&format!("/login?next={next}")).into_response();
    }
    page(&app).into_response()
}

fn unauthorized(message: &str) -> Response {
    (StatusCode::UNAUTHORIZED, Json(json!({ "error": message }))).into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
}

async fn login(State(app): State<App>, Json(form): Json<LoginForm>) -> Response {
    if app.sso() {
        return (StatusCode::FORBIDDEN, Json(json!({ "error": "Password sign-in is disabled: sign in with SSO." }))).into_response();
    }
    match app.store.login(&form.email, &form.password) {
        Some(session) => {
            let cookie = format!("{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Lax");
            ([(header::SET_COOKIE, cookie)], Json(json!({ "ok": true }))).into_response()
        }
        None => unauthorized("Incorrect email or password."),
    }
}

async fn logout(State(app): State<App>, headers: HeaderMap) -> Response {
    if let Some(s) = session_id(&app, &headers) {
        app.store.logout(&s);
    }
    let cookie = format!("{SESSION_COOKIE}=; Path=/; Max-Age=0");
    ([(header::SET_COOKIE, cookie)], Json(json!({ "ok": true }))).into_response()
}

async fn me(State(app): State<App>, headers: HeaderMap) -> Response {
    match signed_in(&app, &headers) {
        Some(u) => Json(json!({
            "name": u.name, "email": u.email, "role": u.role, "today": app.store.today_iso(),
        }))
        .into_response(),
        None => unauthorized("Sign in first."),
    }
}

async fn my_tokens(State(app): State<App>, headers: HeaderMap) -> Response {
    match signed_in(&app, &headers) {
        Some(u) => Json(app.store.tokens_of(u.id)).into_response(),
        None => unauthorized("Sign in first."),
    }
}

#[derive(Deserialize, Default)]
struct ListQuery {
    /// The page refreshing the rows it shows (`tokens-refresh-500` breaks it).
    #[serde(default)]
    refresh: Option<String>,
}

async fn all_tokens(State(app): State<App>, headers: HeaderMap, Query(q): Query<ListQuery>) -> Response {
    if signed_in(&app, &headers).is_none() {
        return unauthorized("Sign in first.");
    }
    if q.refresh.is_some() && app.store.faults.has(Fault::TokensRefresh500) {
        return (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({ "error": "upstream timeout" }))).into_response();
    }
    let mut rows = app.store.all_tokens();
    if app.store.faults.has(Fault::AdminListMissingNewToken) {
        rows.retain(|r| r.user != QA_EMAIL);
    }
    Json(rows).into_response()
}

#[derive(Deserialize)]
struct CreateForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    expiry: String,
}

async fn create_token(State(app): State<App>, headers: HeaderMap, Json(form): Json<CreateForm>) -> Response {
    let Some(user) = signed_in(&app, &headers) else {
        return unauthorized("Sign in first.");
    };
    let nth = app.creates.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    if nth == 0 && app.store.faults.has(Fault::FlakyFirstCreate) {
        return (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({ "error": "Temporarily unavailable." }))).into_response();
    }
    match app.store.create(user.id, &form.name, &form.expiry) {
        Ok(mut created) => {
            if app.store.faults.has(Fault::TokenDoesNotAuthenticate) {
                // The bug: the dialog shows a value that is not the stored one.
                created.token = format!("{}{}", store::TOKEN_PREFIX, "x".repeat(store::TOKEN_RANDOM_LEN));
            }
            crate::sync::lock(&app.issued).push(created.token.clone());
            (StatusCode::CREATED, Json(created)).into_response()
        }
        Err(errors) => (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({ "errors": errors }))).into_response(),
    }
}

async fn revoke_token(State(app): State<App>, headers: HeaderMap, Path(id): Path<u64>) -> Response {
    let Some(user) = signed_in(&app, &headers) else {
        return unauthorized("Sign in first.");
    };
    if app.store.revoke(user.id, id) {
        Json(json!({ "ok": true })).into_response()
    } else {
        (StatusCode::NOT_FOUND, Json(json!({ "error": "No such token." }))).into_response()
    }
}

/// The public REST API's identity endpoint: `Authorization: Bearer <token>`.
async fn bearer_me(State(app): State<App>, headers: HeaderMap) -> Response {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return unauthorized("Missing Bearer token.");
    };
    match app.store.authenticate(value.trim()) {
        Ok((user, token)) => Json(json!({ "user": user.email, "token": token.name })).into_response(),
        Err(store::BearerError::Unknown) => unauthorized("Invalid token."),
        Err(store::BearerError::Expired) => unauthorized("Token expired."),
        Err(store::BearerError::Revoked) => unauthorized("Token revoked."),
    }
}
