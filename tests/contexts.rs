//! One browser serves many scenarios, each in a context of its own: a later
//! scenario sees no cookie, storage entry, cache entry or permission grant of
//! an earlier one; a browser that dies is replaced by a new one. In Chromium
//! (DevTools browser contexts), in Firefox (WebDriver BiDi user contexts), and
//! in Chromium as a remote WebDriver sees it (a Grid: WebDriver BiDi user
//! contexts, our ChromeDriver standing in for the Grid).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ai_suite_e2e::browser::contexts::{Browsers, Kind, Launcher, Lease};
use ai_suite_e2e::browser::{self, clipboard};
use ai_suite_e2e::config::{BrowserName, Config, FileConfig};
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

/// What an earlier scenario could have left for a later one, as the page
/// sees it; `arguments[0]`: the permission granted.
const STATE: &str = r#"
return (async () => ({
  cookie: document.cookie,
  local: localStorage.getItem('left'),
  session: sessionStorage.getItem('left'),
  caches: await caches.keys(),
  permission: (await navigator.permissions.query({ name: arguments[0] })).state,
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

/// A permission granted to the lease's context only: Chromium's clipboard
/// grant (DevTools), Firefox's geolocation (WebDriver BiDi, per user context).
/// Returns the name the page queries it by.
async fn grant(browser: BrowserName, lease: &Lease, site: &str) -> &'static str {
    let d = &lease.session.driver;
    match browser {
        BrowserName::Chromium => {
            clipboard::grant_permissions(&lease.session.page(), site, lease.session.browser_context.as_deref()).await.unwrap();
            "clipboard-read"
        }
        BrowserName::Firefox => {
            use thirtyfour::bidi::modules::permissions::{PermissionState, SetPermission};
            let user_context = lease.session.browser_context.clone().expect("a Firefox scenario runs in a user context of its own");
            let bidi = d.bidi().await.unwrap();
            let origin = site.trim_end_matches('/').to_string();
            bidi.send(SetPermission { descriptor: json!({ "name": "geolocation" }), state: PermissionState::Granted, origin, user_context: Some(user_context.into()) })
                .await
                .unwrap();
            "geolocation"
        }
    }
}

/// The browser dies while a scenario runs.
async fn crash(browser: BrowserName, lease: &Lease) {
    let d = &lease.session.driver;
    match browser {
        BrowserName::Chromium => {
            let _ = d.cdp().send_raw("Browser.close", json!({})).await;
        }
        BrowserName::Firefox => {
            // (WebDriver BiDi's browser.close is refused in a session WebDriver classic started.)
            let pid = browser::firefox::process_id(d).expect("geckodriver names the Firefox it started");
            // SAFETY: a plain syscall on the process this test's driver started.
            unsafe {
                libc::kill(pid as i32, libc::SIGKILL);
            }
        }
    }
}

async fn each_scenario_gets_a_fresh_context(browser: BrowserName, remote: bool) {
    let (site, asked) = cacheable_server().await;
    let env = |k: &str| (k == "AI_SUITE_BROWSER").then(|| browser.to_string());
    let config = Arc::new(Config::resolve(FileConfig::default(), &env).unwrap());
    let name = format!("{browser}{}", if remote { "-remote" } else { "" });
    let dir = std::env::temp_dir().join(format!("ai-suite-contexts-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let tmp = browser::BrowserTemp::new(&format!("ctx{}{}", &name[..3.min(name.len())], std::process::id())).unwrap();
    let driver = browser::Driver::start(&config, &dir, &tmp.path).await.unwrap();
    let (kind, config) = match browser {
        // The run's config as WEBDRIVER_URL makes it: the sessions ask for WebDriver BiDi.
        BrowserName::Chromium if remote => {
            let url = driver.url.clone();
            let env = |k: &str| match k {
                "AI_SUITE_BROWSER" => Some(browser.to_string()),
                "WEBDRIVER_URL" => Some(url.clone()),
                _ => None,
            };
            (Kind::Remote { driver_url: driver.url.clone() }, Arc::new(Config::resolve(FileConfig::default(), &env).unwrap()))
        }
        BrowserName::Chromium => (Kind::Chromium { driver_url: driver.url.clone(), chromium: driver.chromium.clone().unwrap() }, config),
        BrowserName::Firefox => (Kind::Firefox(driver.firefox.clone().unwrap()), config),
    };
    let browsers = Browsers::new(Launcher { config: config.clone(), base_url: site.clone(), kind }, 1);

    let mut first = browsers.open(false).await.unwrap();
    assert!(first.started_browser, "the run's first scenario starts the browser");
    browsers.ready_next(&mut first);
    // It takes the browser's first tab: the default context of a profile made for this browser alone.
    let default_context = match browser {
        BrowserName::Chromium => None,
        BrowserName::Firefox => Some("default".to_string()),
    };
    assert_eq!(first.session.browser_context, default_context, "the scenario that starts the browser runs in its default context");
    let d = first.session.driver.clone();
    d.goto(&site).await.unwrap();
    if browser == BrowserName::Chromium && !remote && std::thread::available_parallelism().unwrap().get() > 1 {
        // One slot, a processor left over: the next scenario's context is
        // readied beside this one (a tab of its own); this page keeps its focus.
        let tabs = || async { Ok((d.windows().await?.len() == 2).then_some(())) };
        browser::wait::until("the next scenario's tab readied beside the first", Duration::from_secs(10), Duration::from_millis(20), tabs).await.unwrap();
        let focused = d.execute("return document.hasFocus();", vec![]).await.unwrap().json().clone();
        assert_eq!(focused, json!(true), "the running scenario's page keeps its focus while the next one's tab opens");
    }
    d.execute(LEAVE, vec![]).await.unwrap();
    let permission = grant(browser, &first, &site).await;
    let left: Value = d.execute(STATE, vec![json!(permission)]).await.unwrap().json().clone();
    assert_eq!(left["cookie"], json!("left=1"), "{left}");
    assert_eq!(left["local"], json!("1"), "{left}");
    assert_eq!(left["session"], json!("1"), "{left}");
    assert_eq!(left["caches"], json!(["left"]), "{left}");
    assert_eq!(left["permission"], json!("granted"), "{left}");
    assert_eq!(asked.load(Ordering::SeqCst), 1, "the second fetch came from the HTTP cache");
    let session_id = d.session_id().to_string();
    // A signed-in session carried to a later scenario: read here, set ahead there.
    let carried = browser::page::Page::new(d.clone(), first.session.devtools.clone()).cookies().await.unwrap();
    assert_eq!(carried.iter().map(|c| (c.name.as_str(), c.value.as_str())).collect::<Vec<_>>(), [("left", "1")], "the tab's own cookies");
    browsers.close(first).await;
    assert_eq!(d.current_url().await.unwrap().as_str(), "about:blank", "the first tab is left blank when its scenario ends");

    let second = browsers.open(false).await.unwrap();
    assert!(!second.started_browser, "the second scenario reuses the browser");
    assert!(second.session.browser_context.is_some() && second.session.browser_context != default_context, "a later scenario gets a context of its own");
    assert_eq!(second.session.driver.session_id().to_string(), session_id, "same WebDriver session, same browser");
    let page = second.session.page();
    page.navigate(&site, Duration::from_secs(10), Duration::from_millis(20)).await.unwrap();
    let loaded = page.eval("return document.title;", vec![]).await.unwrap();
    assert_eq!(loaded, json!("site"), "navigated and loaded");
    let own_devtools = browser == BrowserName::Chromium && !remote;
    if own_devtools {
        // Over the tab's DevTools: a fragment keeps the document; an error page is an error.
        page.eval("window.before = 1;", vec![]).await.unwrap();
        page.navigate(&format!("{site}#part"), Duration::from_secs(10), Duration::from_millis(20)).await.unwrap();
        assert_eq!(page.eval("return window.before;", vec![]).await.unwrap(), json!(1), "a fragment keeps the document");
        let refused = page.navigate("http://127.0.0.1:9/", Duration::from_secs(10), Duration::from_millis(20)).await.unwrap_err();
        assert!(format!("{refused:#}").contains("could not load"), "a page the browser cannot load is an error: {refused:#}");
        page.navigate(&site, Duration::from_secs(10), Duration::from_millis(20)).await.unwrap();
    }
    page.eval("window.before = 1;", vec![]).await.unwrap();
    page.reload(Duration::from_secs(10), Duration::from_millis(20)).await.unwrap();
    let reloaded = page.eval("return [document.readyState, window.before === undefined];", vec![]).await.unwrap();
    assert_eq!(reloaded, json!(["complete", true]), "a new document, loaded");
    if own_devtools {
        // A tab with its own DevTools connection: opened and reloaded without ChromeDriver.
        let switch = second.session.switch.as_ref().expect("a local Chromium's tab is switched to when first needed");
        assert!(!switch.asked(), "a navigation or reload over the tab's DevTools does not need the WebDriver session on the tab");
    }
    let d = page.driver().await.unwrap().clone();
    assert_eq!(d.title().await.unwrap(), "site", "the first WebDriver command finds the session on the scenario's tab");
    let fresh: Value = d.execute(STATE, vec![json!(permission)]).await.unwrap().json().clone();
    assert_eq!(fresh["cookie"], json!(""), "no cookie of the earlier scenario: {fresh}");
    assert_eq!(fresh["local"], Value::Null, "no localStorage entry: {fresh}");
    assert_eq!(fresh["session"], Value::Null, "no sessionStorage entry: {fresh}");
    assert_eq!(fresh["caches"], json!([]), "no Cache Storage entry: {fresh}");
    assert_ne!(fresh["permission"], json!("granted"), "no permission grant: {fresh}");
    d.execute("return fetch('/cached.txt').then(r => r.text());", vec![]).await.unwrap();
    assert_eq!(asked.load(Ordering::SeqCst), 2, "the HTTP cache of the earlier context is not shared");
    crash(browser, &second).await;
    browsers.close(second).await;

    let third = browsers.open(false).await.unwrap();
    assert!(third.started_browser, "a browser that died is replaced");
    let page = browser::page::Page::new(third.session.driver.clone(), third.session.devtools.clone());
    assert!(page.set_cookies_ahead(third.session.chromium, &site, &carried).await.unwrap(), "set before the first page");
    third.session.driver.goto(&site).await.unwrap();
    let title = third.session.driver.title().await.unwrap();
    assert_eq!(title, "site");
    let cookie = third.session.driver.execute("return document.cookie;", vec![]).await.unwrap().json().clone();
    assert_eq!(cookie, json!("left=1"), "the carried cookie reached the new context's page");
    browsers.close(third).await;
    assert_eq!(browsers.counts(), (2, 1), "two browsers started, one of them replaced");
    browsers.quit_all().await;
    driver.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn each_scenario_gets_a_fresh_context_in_the_same_chromium() {
    each_scenario_gets_a_fresh_context(BrowserName::Chromium, false).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn each_scenario_gets_a_fresh_user_context_in_the_same_firefox() {
    each_scenario_gets_a_fresh_context(BrowserName::Firefox, false).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn each_scenario_gets_a_fresh_user_context_in_the_same_remote_session() {
    each_scenario_gets_a_fresh_context(BrowserName::Chromium, true).await;
}

/// A remote end without WebDriver BiDi has no way to give a scenario a
/// context of its own: each scenario gets a session of its own, quit when
/// it ends (our ChromeDriver standing in, asked for no BiDi).
#[tokio::test(flavor = "multi_thread")]
async fn a_remote_session_without_bidi_serves_one_scenario() {
    let (site, _) = cacheable_server().await;
    let config = Arc::new(Config::resolve(FileConfig::default(), &|_| None).unwrap());
    let dir = std::env::temp_dir().join(format!("ai-suite-contexts-alone-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let tmp = browser::BrowserTemp::new(&format!("ctxal{}", std::process::id())).unwrap();
    let driver = browser::Driver::start(&config, &dir, &tmp.path).await.unwrap();
    let browsers = Browsers::new(Launcher { config: config.clone(), base_url: site.clone(), kind: Kind::Remote { driver_url: driver.url.clone() } }, 1);
    let first = browsers.open(false).await.unwrap();
    assert!(first.started_browser && !browser::speaks_bidi(&first.session.driver), "a session without BiDi");
    let first_id = first.session.driver.session_id().to_string();
    let d = first.session.driver.clone();
    browsers.close(first).await;
    let second = browsers.open(false).await.unwrap();
    assert!(second.started_browser, "the next scenario gets a session of its own");
    assert_ne!(second.session.driver.session_id().to_string(), first_id);
    browsers.close(second).await;
    browsers.quit_all().await;
    assert!(d.title().await.is_err(), "the first scenario's session was quit");
    assert_eq!(browsers.counts(), (2, 0), "two sessions, none replaced");
    driver.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}
