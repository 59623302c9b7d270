//! Other builds and other ways in: the suite, configured only as the README
//! says, passes against builds of the AI Suite with other markup, and signs in
//! to an SSO-style target through an injected session.

use ai_suite_e2e::local_suite::{self, LocalSuite, QA_EMAIL, QA_PASSWORD};

mod common;
mod processes;
use common::run_binary as suite;

fn tail(text: &str) -> String {
    text.lines().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n")
}

/// The run exited 0 and its summary says all `scenarios` passed.
fn all_passed(code: i32, out: &str, scenarios: usize) {
    assert_eq!(code, 0, "{}", tail(out));
    assert!(out.contains(&format!("{scenarios} passed, 0 failed, 0 skipped")), "{}", tail(out));
}

/// The whole suite, validation included: the rejected examples a date
/// control cannot hold become "the control does not take it" plus the
/// server's refusal, and the run says which.
#[test]
fn a_build_with_a_native_date_picker_passes_the_whole_suite() {
    let (code, out) = suite(&[], &["--variant", "native-date-picker"]);
    all_passed(code, &out, 28);
    let converted: Vec<&str> = out.lines().filter(|l| l.contains("native date picker:") && l.contains("the control does not take it")).collect();
    assert_eq!(converted.len(), 8, "slashes, day first, no padding, no separators, free text, Feb 30, Feb 29, month 13: {converted:#?}");
    assert!(!converted.iter().any(|l| l.contains("of today ") || l.contains("yesterday")), "real dates are typed as usual");
}

/// How the README configures a run against staging, pointed at `target`:
/// URL, credentials, user name and role, and a config file (written in
/// `dir`) with the `[api]` paths; no `[locators]`, no `[columns]`. With the
/// opt-in @destructive outline.
fn as_staging(target: &LocalSuite, dir: &std::path::Path) -> Vec<(String, String)> {
    std::fs::create_dir_all(dir).unwrap();
    let config = dir.join("staging.toml");
    std::fs::write(&config, "[api]\ntokens_path = \"/api/tokens\"\nrevoke_path = \"/api/tokens/{id}/revoke\"\n").unwrap();
    [
        ("AI_SUITE_URL", target.url.clone()),
        ("AI_SUITE_USERNAME", QA_EMAIL.to_string()),
        ("AI_SUITE_PASSWORD", QA_PASSWORD.to_string()),
        ("AI_SUITE_USER_NAME", "Quinn Avery".to_string()),
        ("AI_SUITE_USER_ROLE", "Administrator".to_string()),
        ("AI_SUITE_ALLOW_DESTRUCTIVE", "1".to_string()),
        ("AI_SUITE_CONFIG", config.to_string_lossy().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// The whole suite against a local AI Suite built with `variants`, run by
/// `pipelines` runs at the same time (one account shared, as on staging),
/// each configured only as the README says for staging (URL, credentials,
/// user name and role, the `[api]` paths; no `[locators]`): every scenario of
/// every run passes, each run said each of `seen` (which allowed behaviour it
/// met), nothing is left Active, and every token the runs did not create
/// (the account's history, a human's live "QA-Test-Token") is as it was.
async fn whole_suite_as_staging(variants: &[&str], pipelines: usize, seen: &[&str]) {
    let target =
        LocalSuite::start(local_suite::Options { variants: variants.iter().map(|v| v.to_string()).collect(), ..Default::default() }).await.unwrap();
    let before = target.store.all_tokens();
    let last_id_before = before.iter().map(|t| t.id).max().unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("ai-suite-variants-{}-{}", variants.join("-"), std::process::id()));
    let staging = as_staging(&target, &dir);
    // Two cores: the browsers are shared out between the pipelines.
    let sessions = (2 / pipelines).max(1).to_string();
    let runs: Vec<(Vec<(String, String)>, Vec<String>)> = (0..pipelines)
        .map(|i| {
            let mut env = staging.clone();
            env.push(("AI_SUITE_ARTIFACTS".into(), dir.join(format!("pipeline-{i}")).to_string_lossy().to_string()));
            (env, vec!["-c".to_string(), sessions.clone()])
        })
        .collect();
    // Together: the pipelines overlap for real (no other run takes a turn between them).
    let results = tokio::task::spawn_blocking(move || common::run_binaries_together(runs)).await.unwrap();
    for (code, out) in results {
        all_passed(code, &out, 28);
        for s in seen {
            assert!(out.contains(s), "the run never said {s:?}: {}", tail(&out));
        }
    }
    let after = target.store.all_tokens();
    let live: Vec<&str> = after.iter().filter(|t| t.id > last_id_before && t.status == "Active").map(|t| t.name.as_str()).collect();
    assert!(live.is_empty(), "tokens the runs left Active: {live:?}");
    assert!(before.iter().any(|t| t.name == "QA-Test-Token" && t.status == "Active"), "the account has a human's live token");
    for old in &before {
        let now = after.iter().find(|t| t.id == old.id).expect("a token of the account vanished");
        assert_eq!((&now.name, &now.status), (&old.name, &old.status), "a run changed a token it did not create");
    }
    target.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Shared staging: two pipelines run the whole suite at the same time on
/// one account with history (150 older tokens, a human's live
/// "QA-Test-Token" among them; tables paged 20 rows at a time, oldest first,
/// so each new row is on a later page), whose form refuses on Create
/// (Create always enabled). Nothing may assume the run is alone.
#[tokio::test(flavor = "multi_thread")]
async fn two_pipelines_at_once_on_a_paged_account_with_history_that_validates_on_create() {
    whole_suite_as_staging(
        &["history", "validate-on-submit"],
        2,
        &[
            "the new token was found on page 8 of the table, reached with its \"Go to next page\" control",
            "An empty token name is rejected — the form refused the Token Name field: on Create, the reason \"Token name is required.\"",
            "An empty expiry date is rejected — the form refused the Expiry Date field: on Create, the reason",
        ],
    )
    .await;
}

/// The same account newest first (other users' tokens on a later page of
/// the User Tokens tab), its dates written in words ("Apr 11, 2026").
#[tokio::test(flavor = "multi_thread")]
async fn the_whole_suite_passes_newest_first_with_dates_in_words() {
    whole_suite_as_staging(
        &["history-newest-first", "dates-words"],
        1,
        &[
            "another user's token was found on the User Tokens tab on page 8 of the table",
            "An empty token name is rejected — the form refused the Token Name field: Create stayed disabled",
        ],
    )
    .await;
}

/// Web components as Shoelace documents them (buttons, dialogs and fields
/// with their parts in open shadow roots, texts and buttons slotted into
/// them): the whole suite with the default locators, none overridden.
#[test]
fn a_build_of_web_components_with_shadow_roots_passes_the_whole_suite() {
    let (code, out) = suite(&[], &["--variant", "web-components"]);
    all_passed(code, &out, 28);
}

/// The same build in Firefox, whose WebDriver BiDi lookup does not enter
/// shadow roots (the page's flat-tree reading answers there): the guide's
/// scenario, the menu, a refusal, and Cancel.
#[test]
fn a_build_of_web_components_passes_in_firefox() {
    let (code, out) = suite(
        &[],
        &["--browser", "firefox", "--variant", "web-components", "--name", "following the user guide|avatar menu|empty token name|Cancel closes"],
    );
    all_passed(code, &out, 4);
}

#[test]
fn a_build_with_other_markup_passes_with_the_default_locators() {
    let (code, out) = suite(
        &[],
        &["--variant", "div-markup", "--name", "following the user guide|avatar menu|lists every user|expiry date of yesterday|Cancel closes|works, records"],
    );
    all_passed(code, &out, 6);
}

/// A sign-in page whose password form renders after its heading (once the
/// server has said how users sign in) is a password form, not an SSO page.
#[test]
fn a_sign_in_form_that_renders_after_its_heading_is_not_taken_for_sso() {
    let (code, out) = suite(&[], &["--variant", "sign-in-methods", "--name", "following the user guide|avatar menu"]);
    all_passed(code, &out, 2);
}

/// Every kind of scenario (each outline with two of its examples: the others
/// vary the rule's value, which the server and the page check the same way
/// whatever the markup) against a local AI Suite built with a component kit's
/// markup, configured only as the README says for a staging build (URL,
/// credentials, user name and role, the `[api]` paths): no `[locators]`, no
/// `[columns]`. `marker` is a piece of the kit's markup in the served app: the
/// run must have gone to that build. The whole suite on each kit is a command
/// of its own (README, "Markup that differs").
const EVERY_KIND: &str = "following the user guide|keyboard alone|avatar menu|lists every user|works, records|not shown again|Cancel closes|\
                          expiry date of (today|slashes) is rejected|expiry date of (tomorrow|leap day) is accepted|\
                          empty expiry|empty token name|only spaces|65-character|64-character";
const EVERY_KIND_COUNT: usize = 16;
/// The same, without the opt-in @destructive outline (a real target's default run).
const EVERY_KIND_BY_DEFAULT: &str = "following the user guide|keyboard alone|avatar menu|lists every user|works, records|not shown again|Cancel closes|\
                                     expiry date of (today|slashes) is rejected|empty expiry|empty token name|only spaces|65-character|64-character";
const EVERY_KIND_BY_DEFAULT_COUNT: usize = 14;

async fn every_kind_of_scenario_against_kit(kit: &str, marker: &str) {
    let target = LocalSuite::start(local_suite::Options { variants: vec![kit.to_string()], ..Default::default() }).await.unwrap();
    let client = reqwest::Client::new();
    let html = client.get(format!("{}/login", target.url)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&format!("\"variants\":[\"{kit}\"]")), "the {kit} build is not what is served: {html}");
    let js = client.get(format!("{}/assets/app.js", target.url)).send().await.unwrap().text().await.unwrap();
    assert!(js.contains(marker), "the served app has no {kit} markup ({marker:?})");
    let dir = std::env::temp_dir().join(format!("ai-suite-kit-{kit}-{}", std::process::id()));
    let staging = as_staging(&target, &dir);
    let last_id_before = target.store.all_tokens().iter().map(|t| t.id).max().unwrap_or(0);
    let (code, out) = tokio::task::spawn_blocking(move || {
        let env: Vec<(&str, &str)> = staging.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        suite(&env, &["--name", EVERY_KIND])
    })
    .await
    .unwrap();
    all_passed(code, &out, EVERY_KIND_COUNT);
    let created: Vec<_> = target.store.all_tokens().into_iter().filter(|t| t.id > last_id_before).collect();
    assert!(!created.is_empty(), "the run created no token in the {kit} build: it went elsewhere");
    let live: Vec<&str> = created.iter().filter(|t| t.status == "Active").map(|t| t.name.as_str()).collect();
    assert!(live.is_empty(), "tokens the run left Active in the {kit} build: {live:?}");
    target.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_kind_of_scenario_passes_on_bootstrap_markup() {
    every_kind_of_scenario_against_kit("bootstrap", "modal-backdrop").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_kind_of_scenario_passes_on_mui_markup() {
    every_kind_of_scenario_against_kit("mui", "MuiBackdrop-root").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_kind_of_scenario_passes_on_radix_markup() {
    every_kind_of_scenario_against_kit("radix", "data-radix-popper-content-wrapper").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_injected_session_signs_in_without_a_password() {
    let target = LocalSuite::start(local_suite::Options::default()).await.unwrap();
    let client = reqwest::Client::new();
    let r = client
        .post(format!("{}/api/login", target.url))
        .json(&serde_json::json!({"email": QA_EMAIL, "password": QA_PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let url = target.url.clone();
    let run = move |cookie: String| {
        let url = url.clone();
        tokio::task::spawn_blocking(move || {
            suite(
                &[
                    ("AI_SUITE_URL", &url),
                    ("AI_SUITE_SESSION_COOKIES", &cookie),
                    ("AI_SUITE_USER_NAME", "Quinn Avery"),
                    ("AI_SUITE_USER_ROLE", "Administrator"),
                ],
                &["--name", "avatar menu leads"],
            )
        })
    };
    let (code, out) = run(cookie.clone()).await.unwrap();
    assert_eq!(code, 0, "{}", tail(&out));
    assert!(!out.contains(cookie.split('=').nth(1).unwrap()), "the session cookie must never be printed");
    let (code, out) = run("aisuite_session=no-such-session-4711".into()).await.unwrap();
    assert_eq!(code, 3, "{}", tail(&out));
    assert!(out.contains("although a session was injected: the session is invalid or expired"), "{}", tail(&out));
    target.stop().await;
}

/// The first scenario signs in through the form; the next ones start with its
/// session cookies set before their first page, and sign in no more.
#[tokio::test(flavor = "multi_thread")]
async fn later_scenarios_reuse_the_first_sign_in() {
    let target = LocalSuite::start(local_suite::Options::default()).await.unwrap();
    let url = target.url.clone();
    let (code, out) = tokio::task::spawn_blocking(move || {
        suite(
            &[
                ("AI_SUITE_URL", &url),
                ("AI_SUITE_USERNAME", QA_EMAIL),
                ("AI_SUITE_PASSWORD", QA_PASSWORD),
                ("AI_SUITE_USER_NAME", "Quinn Avery"),
                ("AI_SUITE_USER_ROLE", "Administrator"),
            ],
            &["-c", "1", "--name", "avatar menu leads|lists every user|empty token name"],
        )
    })
    .await
    .unwrap();
    all_passed(code, &out, 3);
    assert_eq!(target.store.session_count(), 1, "three scenarios, one sign-in through the form");
    target.stop().await;
}

/// The channels besides the direct DevTools one: WebDriver alone (any
/// browser, `AI_SUITE_INPUT=webdriver`). A remote WebDriver, whose browsers'
/// DevTools endpoints are not reachable from here, is tests/grid.rs's: a real
/// Selenium Grid, in Chromium and Firefox.
#[test]
fn the_suite_passes_through_webdriver_alone() {
    let (code, out) = suite(&[("AI_SUITE_INPUT", "webdriver")], &["--name", "following the user guide|avatar menu"]);
    all_passed(code, &out, 2);
}

/// With reduced motion asked for, the local AI Suite's dialogs come and go at
/// once (it honours the preference), and every check still holds.
#[test]
fn the_suite_passes_with_reduced_motion() {
    let (code, out) = suite(&[("AI_SUITE_REDUCED_MOTION", "1")], &["--name", "following the user guide|Cancel closes"]);
    all_passed(code, &out, 2);
}

/// By default CSS transitions run 10× faster; at real time (as a user sees
/// them) the dialogs take their 180 ms to come and go, and every check still holds.
#[test]
fn the_suite_passes_with_animations_in_real_time() {
    let (code, out) = suite(&[("AI_SUITE_ANIMATION_SPEED", "1")], &["--name", "following the user guide|Cancel closes"]);
    all_passed(code, &out, 2);
}

/// Firefox ESR through the suite's own geckodriver: the smoke scenarios (the
/// Copy check on the OS clipboard of a headed Firefox under Xvfb), the guide
/// by keyboard (its date typed part by part into Firefox's date control), and
/// expiry validation in that control on the native-picker build.
/// Nothing of the run's browsers or drivers is left after it.
#[test]
fn the_smoke_scenarios_and_date_validation_pass_in_firefox() {
    let names = "following the user guide|keyboard alone|avatar menu|lists every user|expiry date of (yesterday|slashes|February 30) is rejected";
    // Inherited by the run's drivers and browsers: what is left of this run can be found by it.
    let mark = format!("AI_SUITE_E2E_TEST_MARK=firefox-{}", std::process::id());
    let (code, out) = suite(&[("AI_SUITE_E2E_TEST_MARK", mark.split_once('=').unwrap().1)], &["--browser", "firefox", "--variant", "native-date-picker", "--name", names]);
    all_passed(code, &out, 7);
    assert!(out.contains("browser: firefox "), "{}", tail(&out));
    assert!(out.lines().any(|l| l.starts_with("clipboard: OS clipboard")), "{}", tail(&out));
    let converted = out.lines().filter(|l| l.contains("native date picker:") && l.contains("the control does not take it")).count();
    assert_eq!(converted, 2, "slashes and February 30 are not dates Firefox's control holds: {}", tail(&out));
    // Anything of this run (a driver, a browser) still there once it has ended is left behind.
    let orphans = processes::left_behind(&mark);
    assert!(orphans.is_empty(), "processes left by the run: {orphans:?}");
}

/// What an SSO sign-in leaves in the browser, minted on the target's store:
/// the suite gets it only as the README says (environment variables).
fn sso_session(target: &LocalSuite) -> String {
    target.store.login(QA_EMAIL, QA_PASSWORD).expect("the seeded user has a session")
}

/// The default scenarios against an SSO-only build: no password form, the
/// favicon answered with 204 (so no page of the origin to set cookies on),
/// only an injected session signs in.
async fn sso_run(variant: &str, env: Vec<(String, String)>, args: &'static [&'static str]) -> (i32, String) {
    let target = LocalSuite::start(local_suite::Options { variants: vec![variant.into()], ..Default::default() }).await.unwrap();
    let favicon = reqwest::get(format!("{}/favicon.ico", target.url)).await.unwrap();
    assert_eq!(favicon.status().as_u16(), 204, "the SSO build answers /favicon.ico with 204");
    let login = reqwest::Client::new()
        .post(format!("{}/api/login", target.url))
        .json(&serde_json::json!({"email": QA_EMAIL, "password": QA_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status().as_u16(), 403, "the SSO build refuses password sign-in");
    let session = sso_session(&target);
    let url = target.url.clone();
    let result = tokio::task::spawn_blocking(move || {
        let mut vars: Vec<(String, String)> = vec![
            ("AI_SUITE_URL".into(), url),
            ("AI_SUITE_USER_NAME".into(), "Quinn Avery".into()),
            ("AI_SUITE_USER_ROLE".into(), "Administrator".into()),
        ];
        vars.extend(env.into_iter().map(|(k, v)| (k, v.replace("{session}", &session))));
        let refs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        suite(&refs, args)
    })
    .await
    .unwrap();
    let active = target.store.all_tokens().into_iter().filter(|t| t.name.starts_with("QA-") && t.status == "Active").count();
    assert_eq!(active, 0, "every token the run created is revoked");
    target.stop().await;
    result
}

/// Every scenario that runs by default against a real target (all but the
/// opt-in @destructive outline) passes on the SSO build with a session
/// cookie; every kind of them on the one with a localStorage session: each
/// scenario signs in with the injected session.
const DEFAULT_SCENARIOS_AGAINST_STAGING: usize = 25;

#[tokio::test(flavor = "multi_thread")]
async fn an_sso_only_build_passes_with_an_injected_session_cookie() {
    let env = vec![("AI_SUITE_SESSION_COOKIES".to_string(), "aisuite_session={session}".to_string())];
    let (code, out) = sso_run("sso-cookie", env, &[]).await;
    all_passed(code, &out, DEFAULT_SCENARIOS_AGAINST_STAGING);
    assert!(out.contains("@destructive scenarios are skipped"), "{}", tail(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn every_kind_of_scenario_passes_on_an_sso_only_build_with_a_session_token_in_local_storage() {
    let env = vec![
        ("AI_SUITE_SESSION_STORAGE".to_string(), r#"{"aisuite.token":"{session}"}"#.to_string()),
        ("AI_SUITE_API_SESSION_HEADER".to_string(), "Authorization: Bearer {aisuite.token}".to_string()),
    ];
    let (code, out) = sso_run("sso-storage", env, &["--name", EVERY_KIND_BY_DEFAULT]).await;
    all_passed(code, &out, EVERY_KIND_BY_DEFAULT_COUNT);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_sso_only_build_without_a_valid_session_is_reported_as_such() {
    // A password but no session: the build has no password form.
    let env = vec![("AI_SUITE_USERNAME".to_string(), QA_EMAIL.to_string()), ("AI_SUITE_PASSWORD".to_string(), QA_PASSWORD.to_string())];
    let (code, out) = sso_run("sso-cookie", env, &["--name", "avatar menu leads"]).await;
    assert_eq!(code, 3, "{}", tail(&out));
    assert!(out.contains("without a password form (SSO only?)"), "{}", tail(&out));
    // An expired (unknown) localStorage session.
    let env = vec![("AI_SUITE_SESSION_STORAGE".to_string(), r#"{"aisuite.token":"expired-session-4711"}"#.to_string())];
    let (code, out) = sso_run("sso-storage", env, &["--name", "avatar menu leads"]).await;
    assert_eq!(code, 3, "{}", tail(&out));
    assert!(out.contains("although a session was injected: the session is invalid or expired"), "{}", tail(&out));
}
