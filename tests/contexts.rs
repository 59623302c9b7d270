//! One browser serves many scenarios, each in a context of its own: a later
//! scenario sees no cookie, storage entry, cache entry or permission grant of
//! an earlier one; a browser that dies is replaced by a new one.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ai_suite_e2e::browser::contexts::{Browsers, Launcher};
use ai_suite_e2e::browser::{self, clipboard};
use ai_suite_e2e::config::{Config, FileConfig};
use serde_json::{Value, json};

/// A server of one cacheable resource, counting how often the browser asks for it.
async fn cacheable_server() -> (String, Arc<AtomicUsize>) {
    use axum::{Router, http::header, routing::get};
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let app = Router::new()
        .route("/", get(|| async { ([(header::CONTENT_TYPE, "text/html")], "<!doctype html><title>site</title><p>site</p>") }))
        .route(
            "/cached.txt",
            get(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                async { ([(header::CACHE_CONTROL, "max-age=3600"), (header::CONTENT_TYPE, "text/plain")], "cached") }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, asked)
}

/// What an earlier scenario could have left for a later one, as the page sees it.
const STATE: &str = r#"
return (async () => ({
  cookie: document.cookie,
  local: localStorage.getItem('left'),
  session: sessionStorage.getItem('left'),
  caches: await caches.keys(),
  clipboard: (await navigator.permissions.query({ name: 'clipboard-read' })).state,
}))();
"#;

const LEAVE: &str = r#"
document.cookie = 'left=1; path=/; max-age=3600';
localStorage.setItem('left', '1');
sessionStorage.setItem('left', '1');
return (async () => {
  await (await caches.open('left')).put('/left', new Response('left'));
  await fetch('/cached.txt');
  await fetch('/cached.txt');
  return true;
})();
"#;

#[tokio::test(flavor = "multi_thread")]
async fn each_scenario_gets_a_fresh_context_in_the_same_browser() {
    let (site, asked) = cacheable_server().await;
    let config = Arc::new(Config::resolve(FileConfig::default(), &|_| None).unwrap());
    let dir = std::env::temp_dir().join(format!("ai-suite-contexts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let tmp = browser::BrowserTemp::new(&format!("ctx{}", std::process::id())).unwrap();
    let driver = browser::Driver::start(&config, &dir, &tmp.path).await.unwrap();
    let launcher = Launcher {
        config: config.clone(),
        driver_url: driver.url.clone(),
        chromium: driver.chromium.clone().unwrap(),
        base_url: site.clone(),
    };
    let browsers = Browsers::new(launcher, 1);

    let first = browsers.open(false).await.unwrap();
    assert!(first.started_browser, "the run's first scenario starts the browser");
    let d = first.session.driver.clone();
    d.goto(&site).await.unwrap();
    d.execute(LEAVE, vec![]).await.unwrap();
    clipboard::grant_permissions(&d, &site, first.session.browser_context.as_deref()).await.unwrap();
    let left: Value = d.execute(STATE, vec![]).await.unwrap().json().clone();
    assert_eq!(left["cookie"], json!("left=1"), "{left}");
    assert_eq!(left["local"], json!("1"), "{left}");
    assert_eq!(left["session"], json!("1"), "{left}");
    assert_eq!(left["caches"], json!(["left"]), "{left}");
    assert_eq!(left["clipboard"], json!("granted"), "{left}");
    assert_eq!(asked.load(Ordering::SeqCst), 1, "the second fetch came from the HTTP cache");
    let session_id = d.session_id().to_string();
    browsers.close(first).await;

    let second = browsers.open(false).await.unwrap();
    assert!(!second.started_browser, "the second scenario reuses the browser");
    assert_eq!(second.session.driver.session_id().to_string(), session_id, "same WebDriver session, same browser");
    let d = second.session.driver.clone();
    d.goto(&site).await.unwrap();
    let fresh: Value = d.execute(STATE, vec![]).await.unwrap().json().clone();
    assert_eq!(fresh["cookie"], json!(""), "no cookie of the earlier scenario: {fresh}");
    assert_eq!(fresh["local"], Value::Null, "no localStorage entry: {fresh}");
    assert_eq!(fresh["session"], Value::Null, "no sessionStorage entry: {fresh}");
    assert_eq!(fresh["caches"], json!([]), "no Cache Storage entry: {fresh}");
    assert_ne!(fresh["clipboard"], json!("granted"), "no clipboard grant: {fresh}");
    d.execute("return fetch('/cached.txt').then(r => r.text());", vec![]).await.unwrap();
    assert_eq!(asked.load(Ordering::SeqCst), 2, "the HTTP cache of the earlier context is not shared");
    // The browser dies during the scenario.
    let _ = d.cdp().send_raw("Browser.close", json!({})).await;
    browsers.close(second).await;

    let third = browsers.open(false).await.unwrap();
    assert!(third.started_browser, "a browser that died is replaced");
    third.session.driver.goto(&site).await.unwrap();
    let title = third.session.driver.title().await.unwrap();
    assert_eq!(title, "site");
    browsers.close(third).await;
    assert_eq!(browsers.counts(), (2, 1), "two browsers started, one of them replaced");
    browsers.quit_all().await;
    driver.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}
