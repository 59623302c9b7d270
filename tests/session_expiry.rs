//! An injected (SSO) session that expires during a run: the run stops
//! starting scenarios, names the cause once, exits 3, reports the rest as not
//! run (JUnit `skipped` with the reason), leaves a human's token alone, and
//! the next run against the same target revokes what it could not.

use std::process::Command;
use std::time::Duration;

use ai_suite_e2e::local_suite::{self, LocalSuite, QA_EMAIL, QA_PASSWORD};

fn run_suite(url: &str, session: &str, artifacts: &std::path::Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ai-suite-e2e"))
        .args(args)
        .env("AI_SUITE_URL", url)
        .env("AI_SUITE_SESSION_COOKIES", format!("aisuite_session={session}"))
        .env("AI_SUITE_USER_NAME", "Quinn Avery")
        .env("AI_SUITE_USER_ROLE", "Administrator")
        .env("AI_SUITE_ARTIFACTS", artifacts)
        .env_remove("AI_SUITE_USERNAME")
        .env_remove("AI_SUITE_PASSWORD")
        .output()
        .expect("the suite runs");
    let text = format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

fn tail(text: &str) -> String {
    text.lines().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_injected_session_that_expires_stops_the_run_with_exit_3_and_the_next_run_revokes_what_it_left() {
    let target = LocalSuite::start(local_suite::Options {
        variants: vec!["sso-cookie".into()],
        session_lifetime: Some(Duration::from_secs(20)),
        ..Default::default()
    })
    .await
    .unwrap();
    target.store.seed_human_token("QA-Test-Token");
    let before: Vec<(u64, String, String)> = target.store.all_tokens().into_iter().map(|t| (t.id, t.name, t.status)).collect();
    let session = target.store.login(QA_EMAIL, QA_PASSWORD).unwrap();
    let artifacts = std::env::temp_dir().join(format!("ai-suite-session-expiry-{}", std::process::id()));
    let url = target.url.clone();
    let dir = artifacts.clone();
    let (code, out) = tokio::task::spawn_blocking(move || run_suite(&url, &session, &dir, &[])).await.unwrap();
    assert_eq!(code, 3, "an expired injected session is 'could not run': {}", tail(&out));
    let cause = "the injected session expired during the run";
    assert_eq!(out.lines().filter(|l| l.contains(cause) && !l.starts_with("    ")).count(), 1, "the cause, named once: {}", tail(&out));
    assert!(out.contains("AI_SUITE_SESSION_COOKIES"), "what to refresh: {}", tail(&out));
    let run_dir = out.lines().find_map(|l| l.strip_prefix("artifacts: ")).expect("the run's folder").trim().to_string();
    let run_id = run_dir.rsplit('-').next().unwrap().to_string();
    let junit = std::fs::read_to_string(std::path::Path::new(&run_dir).join("junit.xml")).unwrap();
    assert!(junit.contains("<skipped message=\"not run: the injected session expired"), "the rest are reported as not run, with the reason");
    // Nothing of anyone else's changed.
    for (id, name, status) in &before {
        let now = target.store.all_tokens().into_iter().find(|t| t.id == *id).map(|t| t.status).unwrap_or_default();
        assert_eq!(&now, status, "{name:?} (id {id}) was there before the run and must not change");
    }
    // Whatever it could not revoke is in its marker; the next run (a fresh session) revokes it.
    target.store.set_session_lifetime(None);
    let fresh = target.store.login(QA_EMAIL, QA_PASSWORD).unwrap();
    let url = target.url.clone();
    let dir = artifacts.clone();
    let (code, out) = tokio::task::spawn_blocking(move || run_suite(&url, &fresh, &dir, &["--name", "avatar menu leads"])).await.unwrap();
    assert_eq!(code, 0, "{}", tail(&out));
    let left: Vec<String> = target
        .store
        .all_tokens()
        .into_iter()
        .filter(|t| t.name.contains(&format!("-{run_id}-")) && t.status == "Active")
        .map(|t| t.name)
        .collect();
    assert!(left.is_empty(), "the next run revokes what the expired one left: {left:?}\n{}", tail(&out));
    let human = target.store.all_tokens().into_iter().filter(|t| t.name == "QA-Test-Token" && t.status == "Active").count();
    assert_eq!(human, 1, "the human's token is still live");
    assert!(!artifacts.join("unfinished").join(format!("{run_id}.json")).exists(), "its marker is gone once its tokens are revoked");
    target.stop().await;
    let _ = std::fs::remove_dir_all(&artifacts);
}
