//! Locators in a real page: alternatives are tried in the order written (not
//! document order), a locator meant to find one element that matches two
//! visible ones fails and lists both, and a heading's section is the region it
//! names — on both channels (the tab's DevTools connection and WebDriver).

use std::collections::BTreeMap;
use std::sync::Arc;

use ai_suite_e2e::browser;
use ai_suite_e2e::config::{Config, FileConfig};
use ai_suite_e2e::pages::{Ambiguous, Ui};
use serde_json::json;

const EMPTY: &str = "data:text/html,<title>locators</title><body></body>";

async fn show(ui: &Ui, html: &str) {
    ui.driver.execute("document.body.innerHTML = arguments[0];", vec![json!(html)]).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn alternatives_are_ordered_strict_and_sections_are_regions() {
    // A short wait: the ambiguous case waits it out before failing.
    let env = |k: &str| (k == "AI_SUITE_TIMEOUT_MS").then(|| "400".to_string());
    let mut file = FileConfig::default();
    file.locators = BTreeMap::from([(
        "profile.create_token".to_string(),
        r#"role=button[name="Create Token"] || role=link[name="Create Token"]"#.to_string(),
    )]);
    let config = Arc::new(Config::resolve(file, &env).unwrap());
    let dir = std::env::temp_dir().join(format!("ai-suite-locators-{}", std::process::id()));
    let driver = browser::Driver::start(&config, &dir, &dir.join("tmp")).await.unwrap();
    let session = browser::new_session(&config, &driver.url, driver.chromium.as_deref(), "http://127.0.0.1:1", false).await.unwrap();
    assert!(session.devtools.is_some(), "the DevTools channel is tested too");
    session.driver.goto(EMPTY).await.unwrap();
    for devtools in [session.devtools.clone(), None] {
        let channel = if devtools.is_some() { "DevTools" } else { "WebDriver" };
        let ui = Ui::new(session.driver.clone(), config.clone(), "http://127.0.0.1:1".into(), session.input, session.chromium, devtools);

        // Ordered: the link comes first in the document, the button first in the locator.
        show(&ui, r#"<a href="/x" id="link">Create Token</a> <button id="one">Create Token</button>"#).await;
        let el = ui.find("profile.create_token", "the Create Token button").await.unwrap();
        assert_eq!(ui.page.attr(&el, "id").await.unwrap().as_deref(), Some("one"), "{channel}: the first alternative wins");

        // The second alternative counts only when the first matches nothing visible.
        show(&ui, r#"<a href="/x" id="link">Create Token</a> <button id="one" hidden>Create Token</button>"#).await;
        let el = ui.find("profile.create_token", "the Create Token button").await.unwrap();
        assert_eq!(ui.page.attr(&el, "id").await.unwrap().as_deref(), Some("link"), "{channel}: then the next one");

        // Strict: two visible buttons are an error naming both and the key to override.
        show(&ui, r#"<button id="one">Create Token</button><div class="card"><button id="two" class="btn">Create Token</button></div>"#).await;
        let e = ui.try_find("profile.create_token", None).await.unwrap_err();
        let amb = e.downcast_ref::<Ambiguous>().unwrap_or_else(|| panic!("{channel}: not an ambiguity: {e:#}"));
        assert_eq!((amb.count, amb.position, amb.items.len()), (2, 1, 2), "{channel}: {amb}");
        let text = amb.to_string();
        for wanted in [
            "locator 'profile.create_token' is ambiguous",
            "its alternative 1 of 2 `role=button[name=\"Create Token\"]` matches 2 visible elements",
            "1. <button> role=button name \"Create Token\": <button id=\"one\">Create Token</button>",
            "2. <button> role=button name \"Create Token\": <button id=\"two\" class=\"btn\">Create Token</button>",
            "Override \"profile.create_token\" in [locators]",
        ] {
            assert!(text.contains(wanted), "{channel}: {wanted:?} missing from:\n{text}");
        }
        // Every wait for one element ends in that error, not a bare timeout, and never clicks either.
        let e = ui.click("profile.create_token", None, "the Create Token button").await.unwrap_err();
        let full = format!("{e:#}");
        assert!(full.contains("timed out after 0.4s waiting for the Create Token button to be clickable"), "{channel}: {full}");
        assert!(full.contains("id=\"one\"") && full.contains("id=\"two\""), "{channel}: both listed: {full}");
        // A key meant to match many still gets them all.
        assert_eq!(ui.find_all_visible("profile.create_token", None).await.unwrap().len(), 2, "{channel}");

        // Sections by meaning: Bootstrap's card, the heading in a header of its own.
        show(
            &ui,
            r#"<section class="card" aria-labelledby="user-info-title"><div class="card-header"><h2 id="user-info-title">User Info</h2></div>
               <div class="card-body"><dl><dt>Name</dt><dd>Quinn Avery</dd></dl></div></section>
               <div class="card"><div class="card-header"><h2>API Tokens</h2><button>Create Token</button></div>
               <div class="card-body"><table><tr><th>Name</th></tr><tr><td>t1</td></tr></table></div></div>"#,
        )
        .await;
        let info = ui.find_region("profile.user_info", None, "the User Info section").await.unwrap();
        let text = ui.page.text(&info).await.unwrap();
        assert!(text.contains("User Info") && text.contains("Quinn Avery"), "{channel}: {text:?}");
        // No labelled section: the nearest container holding the heading and the table.
        let tokens = ui.find_region("profile.api_tokens", Some("profile.tokens_table"), "the API Tokens section").await.unwrap();
        let text = ui.page.text(&tokens).await.unwrap();
        assert!(text.contains("API Tokens") && text.contains("t1") && !text.contains("Quinn"), "{channel}: {text:?}");
    }
    session.driver.quit().await.unwrap();
    driver.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}
