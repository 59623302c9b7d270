//! Other builds and other ways in: the suite, configured only as the README
//! says, passes against builds of the AI Suite with other markup, and signs in
//! to an SSO-style target through an injected session.

use ai_suite_e2e::local_suite::{self, LocalSuite, QA_EMAIL, QA_PASSWORD};

mod common;
use common::run_binary as suite;

fn tail(text: &str) -> String {
    text.lines().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n")
}

/// The run exited 0 and its summary says all `scenarios` passed.
fn all_passed(code: i32, out: &str, scenarios: usize) {
    assert_eq!(code, 0, "{}", tail(out));
    assert!(out.contains(&format!("{scenarios} passed, 0 failed, 0 skipped")), "{}", tail(out));
}

#[test]
fn a_build_with_a_native_date_picker_passes() {
    let (code, out) = suite(&[], &["--variant", "native-date-picker", "--name", "following the user guide|expiry date of (yesterday|tomorrow)"]);
    all_passed(code, &out, 3);
}

#[test]
fn a_build_with_other_markup_passes_with_the_default_locators() {
    let (code, out) = suite(
        &[],
        &["--variant", "div-markup", "--name", "following the user guide|avatar menu|lists every user|expiry date of yesterday|Cancel closes|works, records"],
    );
    all_passed(code, &out, 6);
}

/// The whole suite (validation and destructive scenarios included) against a
/// local AI Suite built with a component kit's markup, configured only as the
/// README says for a staging build (URL, credentials, user name and role, the
/// `[api]` paths): no `[locators]`, no `[columns]`. `marker` is a piece of
/// the kit's markup in the served app: the run must have gone to that build.
async fn whole_suite_against_kit(kit: &str, marker: &str) {
    let target = LocalSuite::start(local_suite::Options { variants: vec![kit.to_string()], ..Default::default() }).await.unwrap();
    let client = reqwest::Client::new();
    let html = client.get(format!("{}/login", target.url)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&format!("\"variants\":[\"{kit}\"]")), "the {kit} build is not what is served: {html}");
    let js = client.get(format!("{}/assets/app.js", target.url)).send().await.unwrap().text().await.unwrap();
    assert!(js.contains(marker), "the served app has no {kit} markup ({marker:?})");
    let dir = std::env::temp_dir().join(format!("ai-suite-kit-{kit}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("staging.toml");
    std::fs::write(&config, "[api]\ntokens_path = \"/api/tokens\"\nrevoke_path = \"/api/tokens/{id}/revoke\"\n").unwrap();
    let last_id_before = target.store.all_tokens().iter().map(|t| t.id).max().unwrap_or(0);
    let (url, config_path) = (target.url.clone(), config.to_string_lossy().to_string());
    let (code, out) = tokio::task::spawn_blocking(move || {
        suite(
            &[
                ("AI_SUITE_URL", &url),
                ("AI_SUITE_USERNAME", QA_EMAIL),
                ("AI_SUITE_PASSWORD", QA_PASSWORD),
                ("AI_SUITE_USER_NAME", "Quinn Avery"),
                ("AI_SUITE_USER_ROLE", "Administrator"),
                ("AI_SUITE_ALLOW_DESTRUCTIVE", "1"),
                ("AI_SUITE_CONFIG", &config_path),
            ],
            &[],
        )
    })
    .await
    .unwrap();
    all_passed(code, &out, 27);
    let created: Vec<_> = target.store.all_tokens().into_iter().filter(|t| t.id > last_id_before).collect();
    assert!(!created.is_empty(), "the run created no token in the {kit} build: it went elsewhere");
    let live: Vec<&str> = created.iter().filter(|t| t.status == "Active").map(|t| t.name.as_str()).collect();
    assert!(live.is_empty(), "tokens the run left Active in the {kit} build: {live:?}");
    target.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_suite_passes_on_bootstrap_markup() {
    whole_suite_against_kit("bootstrap", "modal-backdrop").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_suite_passes_on_mui_markup() {
    whole_suite_against_kit("mui", "MuiBackdrop-root").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_suite_passes_on_radix_markup() {
    whole_suite_against_kit("radix", "data-radix-popper-content-wrapper").await;
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
/// browser, `AI_SUITE_INPUT=webdriver`), and a remote WebDriver (a grid),
/// whose browsers' DevTools endpoints are not reachable from here.
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

#[test]
fn the_suite_passes_through_a_remote_webdriver() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut driver = std::process::Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromedriver is installed");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() && std::time::Instant::now() < deadline {
        std::thread::yield_now();
    }
    let url = format!("http://127.0.0.1:{port}");
    let (code, out) = suite(&[("WEBDRIVER_URL", &url)], &["--name", "avatar menu|lists every user"]);
    let _ = driver.kill();
    let _ = driver.wait();
    all_passed(code, &out, 2);
}
