//! The local AI Suite over HTTP (no browser): every rule of the guide that the
//! server enforces, and the token semantics behind Step 8.

use ai_suite_e2e::local_suite::{self, Faults, LocalSuite, QA_EMAIL, QA_PASSWORD};
use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::{Value, json};

const TODAY: &str = "2026-11-29";

async fn start() -> LocalSuite {
    start_with(&[]).await
}

async fn start_with(faults: &[&str]) -> LocalSuite {
    let faults = Faults::parse(&faults.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    LocalSuite::start(local_suite::Options {
        today: Some(NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap()),
        faults,
        ..Default::default()
    })
    .await
    .unwrap()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

async fn signed_in(suite: &LocalSuite) -> reqwest::Client {
    let c = client();
    let r = c.post(format!("{}/api/login", suite.url)).json(&json!({"email": QA_EMAIL, "password": QA_PASSWORD})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    c
}

async fn create(c: &reqwest::Client, suite: &LocalSuite, name: &str, expiry: &str) -> (StatusCode, Value) {
    let r = c.post(format!("{}/api/tokens", suite.url)).json(&json!({"name": name, "expiry": expiry})).send().await.unwrap();
    (r.status(), r.json().await.unwrap())
}

async fn bearer(suite: &LocalSuite, token: &str) -> StatusCode {
    client().get(format!("{}/api/v1/me", suite.url)).bearer_auth(token).send().await.unwrap().status()
}

#[tokio::test]
async fn pages_redirect_to_login_until_signed_in() {
    let suite = start().await;
    let r = client().get(format!("{}/profile", suite.url)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login?next=/profile");
    let r = client().post(format!("{}/api/login", suite.url)).json(&json!({"email": QA_EMAIL, "password": "wrong"})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let c = signed_in(&suite).await;
    let r = c.get(format!("{}/profile", suite.url)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("/assets/app.js"));
    let me: Value = c.get(format!("{}/api/me", suite.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["role"], "Administrator");
    assert_eq!(me["today"], TODAY);
    suite.stop().await;
}

#[tokio::test]
async fn every_validation_rule_is_enforced_by_the_server() {
    let suite = start().await;
    let c = signed_in(&suite).await;
    let cases: &[(&str, &str, &str, &str)] = &[
        ("past", "QA-1", "2026-11-28", "later than today"),
        ("today", "QA-1", TODAY, "later than today"),
        ("slashes", "QA-1", "2026/04/11", "YYYY-MM-DD"),
        ("unpadded", "QA-1", "2027-4-11", "YYYY-MM-DD"),
        ("impossible", "QA-1", "2027-02-30", "real calendar date"),
        ("empty expiry", "QA-1", "", "required"),
        ("empty name", "   ", "2027-04-11", "required"),
        ("65 chars", &"x".repeat(65), "2027-04-11", "64 characters"),
    ];
    for (case, name, expiry, message) in cases {
        let (status, body) = create(&c, &suite, name, expiry).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{case}");
        assert!(body["errors"].to_string().contains(message), "{case}: {body}");
    }
    let (status, _) = create(&c, &suite, "tomorrow", "2026-11-30").await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = create(&c, &suite, "leap day", "2028-02-29").await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = create(&c, &suite, &"y".repeat(64), "2027-01-01").await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = create(&c, &suite, "tomorrow", "2027-01-01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "duplicate of a live name");
    assert!(body["errors"]["name"].as_str().unwrap().contains("already"));
    suite.stop().await;
}

#[tokio::test]
async fn a_token_is_shown_once_hashed_and_authenticates_until_revoked() {
    let suite = start().await;
    let c = signed_in(&suite).await;
    let (status, body) = create(&c, &suite, "QA-Test-Token", "2027-04-11").await;
    assert_eq!(status, StatusCode::CREATED);
    let token = body["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("dct_") && token.len() == 44);
    assert!(suite.store.stores_hash_of(&token));
    let listing = c.get(format!("{}/api/tokens", suite.url)).send().await.unwrap().text().await.unwrap();
    assert!(!listing.contains(&token), "the list must never contain the full value");
    let admin = c.get(format!("{}/api/admin/tokens", suite.url)).send().await.unwrap().text().await.unwrap();
    assert!(!admin.contains(&token));
    assert!(admin.contains("sam.rivera@duplocloud.test"), "other users' tokens are listed");
    let row = &body["row"];
    assert_eq!((row["status"].as_str(), row["last_used"].as_str(), row["created"].as_str()), (Some("Active"), Some("Never"), Some(TODAY)));

    assert_eq!(bearer(&suite, &token).await, StatusCode::OK);
    let rows: Value = c.get(format!("{}/api/tokens", suite.url)).send().await.unwrap().json().await.unwrap();
    assert_ne!(rows[0]["last_used"], "Never", "a use sets Last Used");
    assert_eq!(bearer(&suite, "dct_unknown").await, StatusCode::UNAUTHORIZED);
    assert_eq!(bearer(&suite, &token[..token.len() - 1]).await, StatusCode::UNAUTHORIZED);

    let id = row["id"].as_u64().unwrap();
    let r = c.post(format!("{}/api/tokens/{id}/revoke", suite.url)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(bearer(&suite, &token).await, StatusCode::UNAUTHORIZED);
    let rows: Value = c.get(format!("{}/api/tokens", suite.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(rows[0]["status"], "Revoked");
    // A revoked name is free again.
    assert_eq!(create(&c, &suite, "QA-Test-Token", "2027-04-11").await.0, StatusCode::CREATED);
    suite.stop().await;
}

#[tokio::test]
async fn an_expired_token_is_rejected() {
    let suite = start().await;
    let c = signed_in(&suite).await;
    let (_, body) = create(&c, &suite, "short-lived", "2026-11-30").await;
    let token = body["token"].as_str().unwrap().to_string();
    assert_eq!(bearer(&suite, &token).await, StatusCode::OK);
    // The expiry date itself is the first day the token no longer works.
    suite.store.set_clock(local_suite::Clock::Frozen(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()));
    assert_eq!(bearer(&suite, &token).await, StatusCode::UNAUTHORIZED);
    let rows: Value = c.get(format!("{}/api/tokens", suite.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(rows[0]["status"], "Expired");
    suite.stop().await;
}

#[tokio::test]
async fn concurrent_creates_are_all_kept() {
    let suite = start().await;
    let c = signed_in(&suite).await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let c = c.clone();
        let url = suite.url.clone();
        tasks.push(tokio::spawn(async move {
            c.post(format!("{url}/api/tokens")).json(&json!({"name": format!("t{i}"), "expiry": "2027-01-01"})).send().await.unwrap().status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::CREATED);
    }
    let rows: Vec<Value> = c.get(format!("{}/api/tokens", suite.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(rows.len(), 20);
    let mut ids: Vec<u64> = rows.iter().map(|r| r["id"].as_u64().unwrap()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 20);
    suite.stop().await;
}

#[tokio::test]
async fn the_token_fault_breaks_authentication() {
    let suite = start_with(&["token-does-not-authenticate"]).await;
    let c = signed_in(&suite).await;
    let (_, body) = create(&c, &suite, "broken", "2027-01-01").await;
    assert_eq!(bearer(&suite, body["token"].as_str().unwrap()).await, StatusCode::UNAUTHORIZED);
    suite.stop().await;
}
