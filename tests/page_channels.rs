//! The two channels to the tab — the direct DevTools connection and WebDriver —
//! answer the page objects' questions alike, on the same page; and an element
//! whose page has gone is reported stale on both. Firefox's channel, WebDriver
//! BiDi, gives the same answers.

use ai_suite_e2e::browser::{self, page::Page};
use ai_suite_e2e::config::{Config, FileConfig};
use ai_suite_e2e::local_suite::{self, LocalSuite};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn devtools_and_webdriver_read_the_page_alike() {
    let target = LocalSuite::start(local_suite::Options::default())
        .await
        .unwrap();
    let config = Config::resolve(FileConfig::default(), &|_| None).unwrap();
    let dir = std::env::temp_dir().join(format!("ai-suite-page-channels-{}", std::process::id()));
    let driver = browser::Driver::start(&config, &dir, &dir.join("tmp")).await.unwrap();
    let session = browser::new_session(
        &config,
        &driver.url,
        driver.chromium.as_deref(),
        &target.url,
        false,
    )
    .await
    .unwrap();
    assert!(
        session.devtools.is_some(),
        "our own ChromeDriver and DevTools input: the tab is reached directly"
    );
    session
        .driver
        .goto(&format!("{}/login", target.url))
        .await
        .unwrap();

    let direct = Page::new(session.driver.clone(), session.devtools.clone());
    let webdriver = Page::new(session.driver.clone(), None);
    let mut answers = Vec::new();
    for page in [&direct, &webdriver] {
        answers.push(read_login_page(page).await);
    }
    assert_eq!(answers[0], answers[1], "DevTools and WebDriver disagree");
    assert_eq!(answers[0]["text"], "Sign in");
    assert_eq!(answers[0]["inputs"], 2);
    assert_eq!(answers[0]["parent"], "actions|7");

    // A script error is reported with the page's message.
    let e = direct
        .eval("throw new Error('no such thing');", vec![])
        .await
        .unwrap_err();
    assert!(e.to_string().contains("no such thing"), "{e:#}");

    // An element from a page that has since been reloaded is stale.
    let old = direct
        .eval_element("return document.getElementById('email');", vec![])
        .await
        .unwrap()
        .unwrap();
    session.driver.refresh().await.unwrap();
    let e = direct.text(&old).await.unwrap_err();
    assert!(e.to_string().contains("stale element"), "{e:#}");

    // The session's animation speed (set once, on the tab's own connection)
    // holds on every page since, not only the first.
    let rate = direct
        .cdp("Animation.getPlaybackRate", json!({}))
        .await
        .unwrap();
    assert_eq!(
        rate["playbackRate"].as_f64(),
        Some(config.animation_speed),
        "after two page loads"
    );
    assert!(config.animation_speed > 1.0, "the default speeds animations up");

    session.driver.quit().await.unwrap();
    driver.stop().await;
    target.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// What the page objects ask of the login page, as one value.
async fn read_login_page(page: &Page) -> serde_json::Value {
    let button = page
        .eval_element(
            "return document.querySelector('button[type=submit]');",
            vec![],
        )
        .await
        .unwrap()
        .unwrap();
    let email = page
        .eval_element("return document.getElementById('email');", vec![])
        .await
        .unwrap()
        .unwrap();
    let inputs = page
        .eval_elements("return [...document.querySelectorAll('input')];", vec![])
        .await
        .unwrap();
    let rect = page.rect(&button).await.unwrap();
    let parent = page.parent(&button).await.unwrap();
    let tag = page
        .eval(
            "return arguments[0].className + '|' + arguments[1];",
            vec![(&parent).into(), json!(7).into()],
        )
        .await
        .unwrap();
    json!({
        "text": page.text(&button).await.unwrap(),
        "type": page.attr(&button, "type").await.unwrap(),
        "missing": page.attr(&button, "data-nothing").await.unwrap(),
        "enabled": page.is_enabled(&button).await.unwrap(),
        "value": page.prop(&email, "value").await.unwrap(),
        "inputs": inputs.len(),
        "rect": [rect.x.round(), rect.y.round(), rect.width.round(), rect.height.round()],
        "display": page.css(&button, "display").await.unwrap(),
        "parent": tag,
    })
}

/// Firefox's page scripts go over WebDriver BiDi (`script.callFunction`):
/// the answers Chromium's channels give, a script error with the page's
/// message, and an element of a reloaded page stale.
#[tokio::test(flavor = "multi_thread")]
async fn webdriver_bidi_reads_the_page_alike_in_firefox() {
    let target = LocalSuite::start(local_suite::Options::default()).await.unwrap();
    let config = Config::resolve(FileConfig::default(), &|k| (k == "AI_SUITE_BROWSER").then(|| "firefox".to_string())).unwrap();
    let dir = std::env::temp_dir().join(format!("ai-suite-page-channels-ff-{}", std::process::id()));
    let driver = browser::Driver::start(&config, &dir, &dir.join("tmp")).await.unwrap();
    let firefox = driver.firefox.clone().unwrap();
    let gecko = firefox.start_driver().await.unwrap();
    let session = browser::new_session(&config, &gecko.url, Some(&firefox.firefox), &target.url, false).await.unwrap();
    assert!(browser::speaks_bidi(&session.driver), "Firefox sessions ask for WebDriver BiDi");
    session.driver.goto(&format!("{}/login", target.url)).await.unwrap();
    let page = Page::new(session.driver.clone(), None);
    let read = read_login_page(&page).await;
    assert_eq!(read["text"], "Sign in", "{read}");
    assert_eq!(read["type"], "submit", "{read}");
    assert_eq!(read["missing"], serde_json::Value::Null, "{read}");
    assert_eq!(read["enabled"], true, "{read}");
    assert_eq!(read["value"], "", "{read}");
    assert_eq!(read["inputs"], 2, "{read}");
    assert_eq!(read["parent"], "actions|7", "an element passed back in as an argument: {read}");

    let e = page.eval("throw new Error('no such thing');", vec![]).await.unwrap_err();
    assert!(e.to_string().contains("no such thing"), "{e:#}");
    let old = page.eval_element("return document.getElementById('email');", vec![]).await.unwrap().unwrap();
    session.driver.refresh().await.unwrap();
    let e = page.text(&old).await.unwrap_err();
    assert!(e.to_string().contains("stale element"), "{e:#}");

    session.driver.quit().await.unwrap();
    gecko.stop().await;
    driver.stop().await;
    target.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}
