//! The two channels to the tab — the direct DevTools connection and WebDriver —
//! answer the page objects' questions alike, on the same page; and an element
//! whose page has gone is reported stale on both. Firefox's channel, WebDriver
//! BiDi, gives the same answers.

use ai_suite_e2e::browser::{self, page::AxAsk, page::Page};
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

/// The local AI Suite and a Firefox session on it, through a geckodriver of its own.
struct FirefoxPage {
    target: LocalSuite,
    driver: browser::Driver,
    gecko: browser::firefox::GeckoDriver,
    session: browser::Session,
    dir: std::path::PathBuf,
}

impl FirefoxPage {
    async fn start(tag: &str) -> Self {
        let target = LocalSuite::start(local_suite::Options::default()).await.unwrap();
        let config = Config::resolve(FileConfig::default(), &|k| (k == "AI_SUITE_BROWSER").then(|| "firefox".to_string())).unwrap();
        let dir = std::env::temp_dir().join(format!("ai-suite-page-channels-{tag}-{}", std::process::id()));
        let driver = browser::Driver::start(&config, &dir, &dir.join("tmp")).await.unwrap();
        let firefox = driver.firefox.clone().unwrap();
        let gecko = firefox.start_driver().await.unwrap();
        let session = browser::new_session(&config, &gecko.url, Some(&firefox.firefox), &target.url, false).await.unwrap();
        Self { target, driver, gecko, session, dir }
    }

    async fn stop(self) {
        self.session.driver.quit().await.unwrap();
        self.gecko.stop().await;
        self.driver.stop().await;
        self.target.stop().await;
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Firefox's page scripts go over WebDriver BiDi (`script.callFunction`):
/// the answers Chromium's channels give, a script error with the page's
/// message, and an element of a reloaded page stale.
#[tokio::test(flavor = "multi_thread")]
async fn webdriver_bidi_reads_the_page_alike_in_firefox() {
    let ff = FirefoxPage::start("ff").await;
    let (target, session) = (&ff.target, &ff.session);
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

    ff.stop().await;
}

/// Firefox's role lookup walks only the elements that may have the role
/// (`Page::locate_ax`, `js/ax_candidates.js`), and must answer what the
/// browser's own walk of every element answers, on markup the kits write:
/// a custom element given its role by ElementInternals, role attributes with
/// a fallback or in capitals, a link without href, a toggle, tabs made of
/// buttons, a layout of sections and landmarks, a grid, menus and dialogs.
#[tokio::test(flavor = "multi_thread")]
async fn firefox_role_lookup_narrowed_answers_as_the_whole_walk() {
    let ff = FirefoxPage::start("ax").await;
    let (target, session) = (&ff.target, &ff.session);
    session.driver.goto(&format!("{}/login", target.url)).await.unwrap();
    let page = Page::new(session.driver.clone(), None);
    page.eval(
        r#"
        customElements.define('x-press', class extends HTMLElement {
          constructor() { super(); const i = this.attachInternals(); i.role = 'button'; i.ariaLabel = 'Pressed'; }
        });
        customElements.define('x-heading', class extends HTMLElement {
          constructor() { super(); const i = this.attachInternals(); i.role = 'heading'; }
        });
        document.body.innerHTML = `
          <header><nav><a href="/a">Home</a><a onclick="void 0">No href</a><span role="LINK">Capital link</span></nav></header>
          <main>
            <h1>Title</h1><h3 role="presentation">Presented</h3><div role="heading" aria-level="2">Div heading</div><x-heading>Custom heading</x-heading>
            <section aria-label="Scoped">
              <button>Plain</button><button role="tab" aria-selected="true">Tab one</button><button role="tab">Tab two</button>
              <div role="switch button" aria-checked="false">Fallback</div><input type="checkbox" role="switch"><input type="submit" value="Go">
              <input type="image" alt="Image button"><input type="color"><summary>Summary</summary><x-press></x-press>
              <span aria-hidden="true"><button>Hidden one</button></span><div role="button"><svg><rect width="4" height="4"/></svg>Icon</div>
            </section>
            <details><summary>More</summary><p>Text</p></details>
            <table role="grid"><tr><th>Name</th><th scope="row">Row head</th><td>Cell</td></tr></table>
            <table><tr><th>Head</th><td>Data</td></tr></table>
            <ul role="menu"><li role="menuitem">One</li><li role="menuitemcheckbox">Two</li></ul><ul><li>Item</li></ul>
            <button style="display: none">Gone</button><div role="dialog" hidden>Hidden dialog</div>
            <dialog open><h2>Dialog title</h2><label>Name * <input></label><label style="visibility: hidden">Name <input></label><label>Name <input></label><select><option>A</option></select><select multiple><option>B</option></select></dialog>
            <div role="alertdialog" aria-label="Alert"><div contenteditable="true">Edit me</div><textarea></textarea></div>
            <output>Status</output><progress value="1" max="2"></progress><hr><aside>Side</aside><form aria-label="F"><input list="l"><datalist id="l"></datalist></form>
          </main>
          <footer>Foot</footer>`;
        return true;
        "#,
        vec![],
    )
    .await
    .unwrap();
    let ids = |found: Option<Vec<ai_suite_e2e::browser::page::Element>>| found.unwrap().iter().map(|e| e.id()).collect::<Vec<_>>();
    let scope = page.eval_element("return document.querySelector('section');", vec![]).await.unwrap().unwrap();
    // Few candidates there: each one's role is asked alone.
    let dialog = page.eval_element("return document.querySelector('dialog');", vec![]).await.unwrap().unwrap();
    let roles = [
        "button", "heading", "dialog", "alertdialog", "link", "menu", "menuitem", "menuitemcheckbox", "tab", "table", "grid", "row", "cell", "gridcell",
        "columnheader", "rowheader", "textbox", "combobox", "listbox", "option", "checkbox", "switch", "list", "listitem", "navigation", "main",
        "banner", "contentinfo", "complementary", "region", "form", "status", "progressbar", "separator",
    ];
    let mut answers = Vec::new();
    for role in roles {
        for scopes in [Vec::new(), vec![scope.clone()], vec![dialog.clone()]] {
            let narrowed = ids(page.locate_ax(&scopes, Some(role), None).await.unwrap());
            let whole = ids(page.locate_ax_walking_all(&scopes, Some(role), None).await.unwrap());
            assert_eq!(narrowed, whole, "role={role}, {} scope(s): the narrowed lookup differs from the whole walk", scopes.len());
            answers.push((role, scopes.len(), whole.len()));
        }
    }
    // The last part of a find asks only what it may answer with: the whole
    // walk's answer, shown and not the find's scope.
    let visible = |found: Vec<ai_suite_e2e::browser::page::Element>, field: bool, within: Option<ai_suite_e2e::browser::page::Element>| {
        let page = &page;
        async move {
            let mut args: Vec<ai_suite_e2e::browser::page::Arg> = vec![json!(field).into(), within.as_ref().map(Into::into).unwrap_or_else(|| serde_json::Value::Null.into())];
            args.extend(found.iter().map(Into::into));
            let keep: Vec<bool> = serde_json::from_value(page.eval(ai_suite_e2e::browser::scripts::VISIBLE_MATCHES, args).await.unwrap()).unwrap();
            found.into_iter().zip(keep).filter_map(|(el, k)| k.then(|| el.id())).collect::<Vec<_>>()
        }
    };
    for role in roles {
        for within in [None, Some(scope.clone()), Some(dialog.clone())] {
            let scopes: Vec<_> = within.iter().cloned().collect();
            let shown = ids(page.locate_ax_shown(&scopes, within.as_ref(), AxAsk::Role(role)).await.unwrap());
            let whole = page.locate_ax_walking_all(&scopes, Some(role), None).await.unwrap().unwrap();
            assert_eq!(shown, visible(whole, false, within.clone()).await, "role={role}: the shown lookup differs from the whole walk's visible matches");
        }
    }
    let names = ["Name".to_string(), "Name *".to_string(), "Name*".to_string()];
    let fields = ids(page.locate_ax_shown(&[], None, AxAsk::Field(&names)).await.unwrap());
    let mut whole = Vec::new();
    for name in &names {
        whole.extend(page.locate_ax_walking_all(&[], None, Some(name)).await.unwrap().unwrap());
    }
    let mut whole = visible(whole, true, None).await;
    // In the page's order; the whole walk answers name by name.
    let mut sorted = fields.clone();
    sorted.sort();
    whole.sort();
    assert_eq!(sorted, whole, "the fields named Name: the shown lookup differs from the whole walk's visible fields");
    assert_eq!(fields.len(), 2, "two shown fields are named Name * and Name; a third is hidden");

    // The questions have answers to lose: what Firefox finds on this markup.
    let count = |role: &str, scoped: usize| answers.iter().find(|(r, s, _)| *r == role && *s == scoped).unwrap().2;
    assert!(count("button", 1) >= 5, "{answers:?}");
    assert!(count("heading", 0) >= 4, "{answers:?}");
    assert!(count("link", 0) >= 3, "{answers:?}");
    assert!(count("tab", 1) == 2, "{answers:?}");
    assert!(count("dialog", 0) == 1 && count("alertdialog", 0) == 1, "{answers:?}");
    let in_dialog = |role: &str| answers.iter().filter(|(r, s, _)| *r == role && *s == 1).nth(1).unwrap().2;
    assert!(in_dialog("heading") == 1 && in_dialog("listbox") == 1, "{answers:?}");
    // The custom element's ElementInternals role counts.
    let pressed = page.locate_ax(&[], Some("button"), Some("Pressed")).await.unwrap().unwrap();
    assert_eq!(pressed.len(), 1, "the custom element with ElementInternals role button, named Pressed");

    // In an open shadow root the narrowed lookup has Firefox's answer too, where its own walk does not enter.
    page.eval("const host = document.createElement('x-panel'); host.attachShadow({ mode: 'open' }).innerHTML = '<button>Inside</button>'; document.querySelector('main').append(host); return true;", vec![])
        .await
        .unwrap();
    let inside = page.eval_element("return document.querySelector('x-panel').shadowRoot.querySelector('button');", vec![]).await.unwrap().unwrap();
    let narrowed = ids(page.locate_ax(&[], Some("button"), None).await.unwrap());
    let whole = ids(page.locate_ax_walking_all(&[], Some("button"), None).await.unwrap());
    assert!(narrowed.contains(&inside.id()) && !whole.contains(&inside.id()), "the button in the shadow root: narrowed {narrowed:?}, whole {whole:?}");
    assert_eq!(narrowed.len(), whole.len() + 1, "the rest as the whole walk");

    ff.stop().await;
}
