//! Locators in a real page: alternatives are tried in the order written (not
//! document order), a locator meant to find one element that matches two
//! visible ones fails and lists both, and a heading's section is the region it
//! names — on both channels (the tab's DevTools connection and WebDriver) and
//! with each locator engine (XPath, computed roles and names, WebDriver BiDi).

use ai_suite_e2e::locators::{Key, key};
use std::collections::BTreeMap;
use std::sync::Arc;

use ai_suite_e2e::browser;
use ai_suite_e2e::config::{Config, FileConfig};
use ai_suite_e2e::pages::{Ambiguous, Engine, Ui};
use serde_json::json;

const EMPTY: &str = "data:text/html,<title>locators</title><body></body>";

async fn show(ui: &Ui, html: &str) {
    ui.driver().await.unwrap().execute("document.body.innerHTML = arguments[0];", vec![json!(html)]).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn alternatives_are_ordered_strict_and_sections_are_regions() {
    // A short wait: the ambiguous case waits it out before failing. The BiDi
    // engine chosen: the session speaks WebDriver BiDi too.
    let env = |k: &str| match k {
        "AI_SUITE_TIMEOUT_MS" => Some("400".to_string()),
        "AI_SUITE_LOCATOR_ENGINE" => Some("bidi".to_string()),
        _ => None,
    };
    let file = FileConfig {
        locators: BTreeMap::from([(
            key::PROFILE_CREATE_TOKEN.to_string(),
            r#"role=button[name="Create Token"] || role=link[name="Create Token"]"#.to_string(),
        )]),
        ..Default::default()
    };
    let config = Arc::new(Config::resolve(file, &env).unwrap());
    let dir = std::env::temp_dir().join(format!("ai-suite-locators-{}", std::process::id()));
    let driver = browser::Driver::start(&config, &dir, &dir.join("tmp")).await.unwrap();
    let session = browser::new_session(&config, &driver.url, driver.chromium.as_deref(), "http://127.0.0.1:1", false).await.unwrap();
    assert!(session.devtools.is_some(), "the DevTools channel is tested too");
    session.driver.goto(EMPTY).await.unwrap();
    let dt = || session.devtools.clone();
    let channels = [(dt(), Engine::AxTree), (dt(), Engine::XPath), (None, Engine::AxTree), (None, Engine::XPath), (None, Engine::Bidi)];
    for (devtools, engine) in channels {
        let channel = format!("{} channel, {engine:?} engine", if devtools.is_some() { "DevTools" } else { "WebDriver" });
        let mut ui = Ui::new(session.driver.clone(), config.clone(), "http://127.0.0.1:1".into(), session.input, session.chromium, devtools);
        ui.engine = engine;

        // Ordered: the link comes first in the document, the button first in the locator.
        show(&ui, r#"<a href="/x" id="link">Create Token</a> <button id="one">Create Token</button>"#).await;
        let el = ui.find(key::PROFILE_CREATE_TOKEN, "the Create Token button").await.unwrap();
        assert_eq!(ui.page.attr(&el, "id").await.unwrap().as_deref(), Some("one"), "{channel}: the first alternative wins");

        // The second alternative counts only when the first matches nothing visible.
        show(&ui, r#"<a href="/x" id="link">Create Token</a> <button id="one" hidden>Create Token</button>"#).await;
        let el = ui.find(key::PROFILE_CREATE_TOKEN, "the Create Token button").await.unwrap();
        assert_eq!(ui.page.attr(&el, "id").await.unwrap().as_deref(), Some("link"), "{channel}: then the next one");

        // Strict: two visible buttons are an error naming both and the key to override.
        show(&ui, r#"<button id="one">Create Token</button><div class="card"><button id="two" class="btn">Create Token</button></div>"#).await;
        let e = ui.try_find(key::PROFILE_CREATE_TOKEN, None).await.unwrap_err();
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
        let e = ui.click(key::PROFILE_CREATE_TOKEN, None, "the Create Token button").await.unwrap_err();
        let full = format!("{e:#}");
        assert!(full.contains("timed out after 0.4s waiting for the Create Token button to be clickable"), "{channel}: {full}");
        assert!(full.contains("id=\"one\"") && full.contains("id=\"two\""), "{channel}: both listed: {full}");
        // A key meant to match many still gets them all.
        assert_eq!(ui.find_all_visible(key::PROFILE_CREATE_TOKEN, None).await.unwrap().len(), 2, "{channel}");

        // The name the browser computes: an icon marked aria-hidden is not part
        // of it (the XPath translation reads the text "+ Create Token").
        show(&ui, r#"<button id="icon"><span aria-hidden="true">+</span> Create Token</button>"#).await;
        let found = ui.try_find(key::PROFILE_CREATE_TOKEN, None).await.unwrap();
        match engine {
            Engine::AxTree | Engine::Bidi => {
                assert_eq!(ui.page.attr(&found.unwrap_or_else(|| panic!("{channel}: not found by its computed name")), "id").await.unwrap().as_deref(), Some("icon"), "{channel}")
            }
            Engine::XPath => assert!(found.is_none(), "{channel}: the XPath translation is only an approximation of the name"),
        }

        // Sections by meaning: Bootstrap's card, the heading in a header of its own.
        show(
            &ui,
            r#"<section class="card" aria-labelledby="user-info-title"><div class="card-header"><h2 id="user-info-title">User Info</h2></div>
               <div class="card-body"><dl><dt>Name</dt><dd>Quinn Avery</dd></dl></div></section>
               <div class="card"><div class="card-header"><h2>API Tokens</h2><button>Create Token</button></div>
               <div class="card-body"><table><tr><th>Name</th></tr><tr><td>t1</td></tr></table></div></div>"#,
        )
        .await;
        let info = ui.find_region(key::PROFILE_USER_INFO, None, "the User Info section").await.unwrap();
        let text = ui.page.text(&info).await.unwrap();
        assert!(text.contains("User Info") && text.contains("Quinn Avery"), "{channel}: {text:?}");
        // No labelled section: the nearest container holding the heading and the table.
        let tokens = ui.find_region(key::PROFILE_API_TOKENS, Some(key::PROFILE_TOKENS_TABLE), "the API Tokens section").await.unwrap();
        let text = ui.page.text(&tokens).await.unwrap();
        assert!(text.contains("API Tokens") && text.contains("t1") && !text.contains("Quinn"), "{channel}: {text:?}");

        // The dialog's token value: never the masked <code> of the table behind it
        // (here before the dialog, with <body class="modal-open">), and, with no
        // field or code in the dialog, the one text there that looks like a token.
        let token = "dct_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd";
        ui.driver().await.unwrap().execute("document.body.className = 'modal-open';", vec![]).await.unwrap();
        show(
            &ui,
            &format!(
                r#"<table><tr><td><code>dct_••••••••abcd</code></td></tr></table>
                   <div role="dialog" aria-modal="true" aria-labelledby="t"><h2 id="t">Token Created</h2>
                   <p>Copy this token now — it will not be shown again.</p><div class="mono"><span>{token}</span></div>
                   <button>Copy</button><button>Close</button></div>"#
            ),
        )
        .await;
        let dialog = ai_suite_e2e::pages::token_created_dialog::TokenCreatedDialog::wait_open(&ui).await.unwrap();
        assert_eq!(dialog.token_value().await.unwrap().expose(), token, "{channel}");
    }
    session.driver.quit().await.unwrap();
    driver.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// The three ways of resolving `role=` and `label=` — the XPath translation,
/// the roles and names the browser computes (read in the page), and WebDriver
/// BiDi's accessibility locator — find the same elements for every default
/// locator, on every screen of the guide, in every build of the local AI
/// Suite; where they get there by another alternative, it is named.
#[tokio::test(flavor = "multi_thread")]
async fn the_xpath_accessibility_and_bidi_engines_agree_on_every_variant() {
    use ai_suite_e2e::browser::page::Element;
    use ai_suite_e2e::local_suite::{self, LocalSuite, QA_EMAIL, QA_PASSWORD};
    use ai_suite_e2e::pages::create_token_modal::CreateTokenModal;
    use ai_suite_e2e::pages::profile_menu::ProfileMenu;

    // The BiDi engine chosen: sessions ask for WebDriver BiDi.
    let env = |k: &str| (k == "AI_SUITE_LOCATOR_ENGINE").then(|| "bidi".to_string());
    let config = Arc::new(Config::resolve(FileConfig::default(), &env).unwrap());
    let dir = std::env::temp_dir().join(format!("ai-suite-engines-{}", std::process::id()));
    let driver = browser::Driver::start(&config, &dir, &dir.join("tmp")).await.unwrap();
    let mut disagreements = Vec::new();
    // Same element, other winning alternative (see the assertion at the end).
    let mut alternatives = Vec::<String>::new();
    let mut compared = 0;
    // `by` and `other` must share a channel (their elements are compared).
    async fn compare(
        (by, e1): (&Ui, Engine),
        (other, e2): (&Ui, Engine),
        keys: &[Key],
        scope: Option<&Element>,
        name: &str,
        out: &mut Vec<String>,
        alternatives: &mut Vec<String>,
    ) -> usize {
        let mut n = 0;
        for &key in keys {
            let one = by.matches_by(key, scope, e1).await.unwrap();
            let two = other.matches_by(key, scope, e2).await.unwrap();
            let same = match (&one, &two) {
                (None, None) => true,
                (Some((i, xs)), Some((j, ts))) if xs.len() == ts.len() => {
                    if i != j {
                        alternatives.push(format!("{name}: {key}: alternative {} by {e1:?}, {} by {e2:?}", i + 1, j + 1));
                    }
                    let mut all = true;
                    for el in xs {
                        let mut args = vec![el.into()];
                        args.extend(ts.iter().map(|t| t.into()));
                        let found = by.page.eval("const [el, ...others] = arguments; return others.includes(el);", args).await.unwrap();
                        all &= found.as_bool() == Some(true);
                    }
                    all
                }
                _ => false,
            };
            let show = |m: &Option<(usize, Vec<_>)>| m.as_ref().map(|(i, e)| format!("alternative {} ({} matches)", i + 1, e.len())).unwrap_or("nothing".into());
            if !same {
                out.push(format!("{name}: {key}: {e1:?} finds {}, {e2:?} {}", show(&one), show(&two)));
            }
            n += usize::from(one.is_some());
        }
        n
    }
    for variant in ["", "native-date-picker", "div-markup", "bootstrap", "mui", "radix"] {
        let variants = if variant.is_empty() { vec![] } else { vec![variant.to_string()] };
        let target = LocalSuite::start(local_suite::Options { variants, ..Default::default() }).await.unwrap();
        let session = browser::new_session(&config, &driver.url, driver.chromium.as_deref(), &target.url, false).await.unwrap();
        assert!(session.devtools.is_some(), "the page is read over DevTools too");
        let ui = |devtools| Ui::new(session.driver.clone(), config.clone(), target.url.clone(), session.input, session.chromium, devtools);
        // The DevTools channel (XPath, computed), and WebDriver alone (XPath, BiDi).
        let (x, w) = (ui(session.devtools.clone()), ui(None));
        assert!(w.page.has_bidi().await, "the session speaks WebDriver BiDi");
        let name = if variant.is_empty() { "default" } else { variant };
        let mut both = async |keys: &[Key], scope: Option<(&Element, &Element)>| -> usize {
            let n = compare((&x, Engine::XPath), (&x, Engine::AxTree), keys, scope.map(|s| s.0), name, &mut disagreements, &mut alternatives).await;
            compare((&w, Engine::XPath), (&w, Engine::Bidi), keys, scope.map(|s| s.1), name, &mut disagreements, &mut alternatives).await;
            n
        };
        x.goto("/login").await.unwrap();
        x.find(key::LOGIN_PASSWORD, "the password field").await.unwrap();
        compared += both(&[key::LOGIN_EMAIL, key::LOGIN_PASSWORD, key::LOGIN_SUBMIT], None).await;
        let email = x.find(key::LOGIN_EMAIL, "the email field").await.unwrap();
        x.type_into(&email, QA_EMAIL).await.unwrap();
        let password = x.find(key::LOGIN_PASSWORD, "the password field").await.unwrap();
        x.type_into(&password, QA_PASSWORD).await.unwrap();
        x.click(key::LOGIN_SUBMIT, None, "Sign in").await.unwrap();
        x.find(key::HEADER_AVATAR, "the avatar").await.unwrap();
        compared += both(&[key::HEADER_AVATAR, key::NAV_ACCESS_CONTROL], None).await;
        x.click(key::NAV_ACCESS_CONTROL, None, "Access Control").await.unwrap();
        x.click(key::ACCESS_CONTROL_USER_TOKENS_TAB, None, "the User Tokens tab").await.unwrap();
        x.find(key::USER_TOKENS_TABLE, "the User Tokens table").await.unwrap();
        compared += both(&[key::ACCESS_CONTROL_USER_TOKENS_TAB, key::USER_TOKENS_TABLE], None).await;
        let menu = ProfileMenu::new(&x);
        menu.open().await.unwrap();
        compared += both(&[key::PROFILE_MENU_PANEL, key::PROFILE_MENU_PROFILE], None).await;
        menu.choose_profile().await.unwrap();
        x.find(key::PROFILE_CREATE_TOKEN, "Create Token").await.unwrap();
        compared += both(&[key::PROFILE_USER_INFO, key::PROFILE_API_TOKENS, key::PROFILE_CREATE_TOKEN], None).await;
        x.click(key::PROFILE_CREATE_TOKEN, None, "Create Token").await.unwrap();
        let dialog = x.find(key::CREATE_TOKEN_DIALOG, "the Create API Token dialog").await.unwrap();
        let dialog_w = w.find(key::CREATE_TOKEN_DIALOG, "the Create API Token dialog").await.unwrap();
        compared += both(&[key::CREATE_TOKEN_DIALOG], None).await;
        let keys = [key::CREATE_TOKEN_FIELDS, key::CREATE_TOKEN_NAME, key::CREATE_TOKEN_EXPIRY, key::CREATE_TOKEN_SUBMIT, key::CREATE_TOKEN_CANCEL];
        compared += both(&keys, Some((&dialog, &dialog_w))).await;
        let modal = CreateTokenModal::wait_open(&x).await.unwrap();
        modal.enter_name("Engines").await.unwrap();
        modal.enter_expiry_date(chrono::Utc::now().date_naive() + chrono::Days::new(30)).await.unwrap();
        modal.submit().await.unwrap();
        let dialog = x.find(key::TOKEN_CREATED_DIALOG, "the Token Created dialog").await.unwrap();
        let dialog_w = w.find(key::TOKEN_CREATED_DIALOG, "the Token Created dialog").await.unwrap();
        compared += both(&[key::TOKEN_CREATED_DIALOG], None).await;
        compared += both(&[key::TOKEN_CREATED_VALUE, key::TOKEN_CREATED_COPY, key::TOKEN_CREATED_CLOSE], Some((&dialog, &dialog_w))).await;
        session.driver.quit().await.unwrap();
        target.stop().await;
    }
    driver.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
    assert!(compared >= 6 * 15, "too few locators found anything to compare: {compared}");
    assert!(disagreements.is_empty(), "the engines disagree:\n{}", disagreements.join("\n"));
    // The one difference: div-markup's dialogs have no aria-labelledby, so the
    // browser gives them no name (a dialog is not named by its content); the
    // XPath engine names containers by the title they show. Both then find
    // the same dialog, the browser's engines through the `aria-modal` alternative.
    assert_eq!(
        alternatives,
        [
            "div-markup: create_token.dialog: alternative 1 by XPath, 2 by AxTree",
            "div-markup: create_token.dialog: alternative 1 by XPath, 2 by Bidi",
            "div-markup: token_created.dialog: alternative 1 by XPath, 2 by AxTree",
            "div-markup: token_created.dialog: alternative 1 by XPath, 2 by Bidi",
        ]
    );
}

/// Web components as Shoelace documents them, defined in the page: a button
/// whose open shadow root holds `<button part="base"><slot>` (the text
/// slotted, the colour painted by the inner button), a dialog whose shadow
/// root holds the `role=dialog` panel with a default and a footer slot, and
/// a field whose label, input and help text are all in its shadow root.
const WEB_COMPONENTS_JS: &str = r#"
if (!customElements.get('x-button')) {
  customElements.define('x-button', class extends HTMLElement {
    constructor() {
      super();
      this.attachShadow({ mode: 'open' }).innerHTML =
        '<style>.button { padding: 8px 14px; border: 0; background: #fff } :host([variant=primary]) .button { background: #6d4aff; color: #fff }</style>'
        + '<button part="base" class="button" type="button"><slot></slot></button>';
      this.shadowRoot.querySelector('button').addEventListener('click', () => { window.clicks = (window.clicks || 0) + 1; });
    }
  });
  customElements.define('x-dialog', class extends HTMLElement {
    constructor() {
      super();
      this.attachShadow({ mode: 'open' }).innerHTML =
        '<div part="panel" class="dialog__panel" role="dialog" aria-modal="true"><h2 id="title"></h2>'
        + '<div part="body"><slot></slot></div><footer part="footer"><slot name="footer"></slot></footer></div>';
      const label = this.getAttribute('label');
      this.shadowRoot.querySelector('[part=panel]').setAttribute('aria-label', label);
      this.shadowRoot.querySelector('h2').textContent = label;
    }
  });
  customElements.define('x-card', class extends HTMLElement {
    constructor() {
      super();
      this.attachShadow({ mode: 'open' }).innerHTML =
        '<section part="base"><header><h2 part="title"><slot name="title"></slot></h2></header><slot></slot></section>';
    }
  });
  customElements.define('x-input', class extends HTMLElement {
    constructor() {
      super();
      this.attachShadow({ mode: 'open' }).innerHTML =
        '<label part="form-control-label" for="input"></label><input part="input" id="input" aria-describedby="help-text">'
        + '<div part="form-control-help-text" id="help-text"></div>';
      this.shadowRoot.querySelector('label').textContent = this.getAttribute('label');
    }
  });
}
window.clicks = 0;
document.body.innerHTML = arguments[0];
"#;

async fn show_components(ui: &Ui, html: &str) {
    ui.driver().await.unwrap().execute(WEB_COMPONENTS_JS, vec![json!(html)]).await.unwrap();
}

/// `role=`, `label=`, `text=` and `css=` find elements inside open shadow
/// roots, also inside a dialog whose panel is in one and whose buttons are
/// slotted into it from the light DOM; strictness counts across shadow
/// boundaries; the Create Token button's colour is read from the inner
/// button that paints it; typing reaches the inner input. In both channels
/// with the browser's roles and names; with the XPath engine only `css=` and
/// `text=` pierce (XPath does not enter shadow roots).
#[tokio::test(flavor = "multi_thread")]
async fn locators_pierce_open_shadow_roots() {
    use ai_suite_e2e::pages::create_token_modal::CreateTokenModal;
    use ai_suite_e2e::pages::profile_page::{ProfilePage, is_purple};
    use ai_suite_e2e::pages::token_created_dialog::TokenCreatedDialog;

    let env = |k: &str| match k {
        "AI_SUITE_TIMEOUT_MS" => Some("400".to_string()),
        "AI_SUITE_LOCATOR_ENGINE" => Some("bidi".to_string()),
        _ => None,
    };
    // text= and a css= of the shadow markup, on keys found inside the dialog.
    let file = FileConfig {
        locators: BTreeMap::from([
            (key::TOKEN_CREATED_COPY.to_string(), "text=Copy".to_string()),
            (key::TOKEN_CREATED_CLOSE.to_string(), "css=button.button[part=base]".to_string()),
        ]),
        ..Default::default()
    };
    let config = Arc::new(Config::resolve(file, &env).unwrap());
    let dir = std::env::temp_dir().join(format!("ai-suite-shadow-{}", std::process::id()));
    let driver = browser::Driver::start(&config, &dir, &dir.join("tmp")).await.unwrap();
    let session = browser::new_session(&config, &driver.url, driver.chromium.as_deref(), "http://127.0.0.1:1", false).await.unwrap();
    session.driver.goto(EMPTY).await.unwrap();
    let dt = || session.devtools.clone();
    for (devtools, engine) in [(dt(), Engine::AxTree), (None, Engine::AxTree), (None, Engine::Bidi), (dt(), Engine::XPath)] {
        let channel = format!("{} channel, {engine:?} engine", if devtools.is_some() { "DevTools" } else { "WebDriver" });
        let mut ui = Ui::new(session.driver.clone(), config.clone(), "http://127.0.0.1:1".into(), session.input, session.chromium, devtools);
        ui.engine = engine;
        let in_shadow = async |el: &ai_suite_e2e::browser::page::Element| -> String {
            let js = "const el = arguments[0]; return (el.getRootNode() instanceof ShadowRoot ? el.getRootNode().host.localName + ' > ' : '') + el.localName;";
            ui.page.eval(js, vec![el.into()]).await.unwrap().as_str().unwrap_or_default().to_string()
        };

        // The page behind: a card with the purple button (the host paints nothing).
        show_components(&ui, r#"<h2>API Tokens</h2><x-button variant="primary">Create Token</x-button>"#).await;
        let found = ui.try_find(key::PROFILE_CREATE_TOKEN, None).await.unwrap();
        if engine == Engine::XPath {
            // role= through XPath sees the light DOM only; its text= alternative finds the inner button.
            assert_eq!(in_shadow(&found.expect("text=Create Token pierces")).await, "x-button > button", "{channel}");
        } else {
            assert_eq!(in_shadow(&found.expect("found")).await, "x-button > button", "{channel}: role=button is the inner <button>");
            let colour = ProfilePage::new(&ui).create_token_colour().await.unwrap();
            assert!(is_purple(colour), "{channel}: the colour is read from the inner button: rgb{colour:?}");
        }
        // Found by its host (the host paints nothing), the colour is still the inner button's.
        let host = ui.page.eval_element("return document.querySelector('x-button');", vec![]).await.unwrap().unwrap();
        assert_eq!(ui.page.css(&host, "background-color").await.unwrap(), "rgba(0, 0, 0, 0)", "{channel}");
        assert_eq!(ui.painted_background(&host).await.unwrap(), "rgb(109, 74, 255)", "{channel}: what paints the host's button");
        ui.click(key::PROFILE_CREATE_TOKEN, None, "Create Token").await.unwrap_or_else(|e| panic!("{channel}: {e:#}"));
        let clicks = ui.page.eval("return window.clicks || 0;", vec![]).await.unwrap();
        assert_eq!(clicks, json!(1), "{channel}: the click reached the inner button");

        // A section by its heading across shadow boundaries: the heading in a card's
        // shadow root (its text slotted), the table slotted into the same card.
        if engine != Engine::XPath {
            show_components(
                &ui,
                r#"<x-card><span slot="title">User Info</span><p>Quinn Avery</p></x-card>
                   <x-card><span slot="title">API Tokens</span><table><tr><th>Name</th></tr><tr><td>t1</td></tr></table></x-card>"#,
            )
            .await;
            let tokens = ui.find_region(key::PROFILE_API_TOKENS, Some(key::PROFILE_TOKENS_TABLE), "the API Tokens section").await;
            let tokens = tokens.unwrap_or_else(|e| panic!("{channel}: {e:#}"));
            assert_eq!(in_shadow(&tokens).await, "x-card > section", "{channel}: the card's section");
            let text = ui.page.text(&tokens).await.unwrap();
            assert!(text.contains("API Tokens") && text.contains("t1") && !text.contains("Quinn"), "{channel}: {text:?}");
        }

        // Strict across shadow boundaries: a light-DOM button and one in a shadow root.
        show_components(&ui, r#"<button id="light">Create Token</button><x-button>Create Token</x-button>"#).await;
        let e = ui.try_find(key::PROFILE_CREATE_TOKEN, None).await;
        if engine != Engine::XPath {
            let e = e.unwrap_err();
            let amb = e.downcast_ref::<Ambiguous>().unwrap_or_else(|| panic!("{channel}: not an ambiguity: {e:#}"));
            assert_eq!(amb.count, 2, "{channel}: {amb}");
            if engine == Engine::AxTree {
                let text = amb.to_string();
                assert!(text.contains("<x-button>Create Token</x-button> ▸ #shadow-root ▸ <button part=\"base\""), "{channel}: the host is named:\n{text}");
            }
        }

        // A dialog whose panel is in a shadow root: fields, buttons and the token slotted into it.
        let token = "dct_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd";
        show_components(
            &ui,
            &format!(
                r#"<x-dialog label="Create API Token"><form><x-input label="Token Name"></x-input><x-input label="Expiry Date"></x-input>
                   <div slot="footer"><x-button>Cancel</x-button><x-button variant="primary">Create</x-button></div></form></x-dialog>
                   <x-dialog label="Token Created"><p>Copy this token now.</p><div><code>{token}</code></div>
                   <div slot="footer"><x-button>Copy</x-button></div></x-dialog>"#
            ),
        )
        .await;
        if engine == Engine::XPath {
            // css= and text= pierce; the dialog's role= has its xpath only (light DOM).
            let copy = ui.find(key::TOKEN_CREATED_COPY, "Copy").await.unwrap();
            assert_eq!(in_shadow(&copy).await, "x-button > button", "{channel}");
            assert!(ui.try_find(key::CREATE_TOKEN_DIALOG, None).await.unwrap().is_none(), "{channel}: role=dialog does not pierce by XPath");
            continue;
        }
        let dialog = ui.find(key::CREATE_TOKEN_DIALOG, "the Create API Token dialog").await.unwrap_or_else(|e| panic!("{channel}: {e:#}"));
        assert_eq!(in_shadow(&dialog).await, "x-dialog > div", "{channel}: the panel");
        let fields = ui.find_all_visible(key::CREATE_TOKEN_FIELDS, Some(&dialog)).await.unwrap();
        assert_eq!(fields.len(), 2, "{channel}: css= finds the two inner inputs through the slot");
        let submit = ui.find_in(key::CREATE_TOKEN_SUBMIT, Some(&dialog), "Create").await.unwrap_or_else(|e| panic!("{channel}: {e:#}"));
        assert_eq!(in_shadow(&submit).await, "x-button > button", "{channel}: a slotted button inside the scope");
        let modal = CreateTokenModal::wait_open(&ui).await.unwrap_or_else(|e| panic!("{channel}: {e:#}"));
        modal.enter_name("Shadow").await.unwrap_or_else(|e| panic!("{channel}: {e:#}"));
        let name = ui.find_in(key::CREATE_TOKEN_NAME, Some(&dialog), "Token Name").await.unwrap();
        assert_eq!(in_shadow(&name).await, "x-input > input", "{channel}: label= finds the inner input");
        assert_eq!(ui.value_of(&name).await.unwrap(), "Shadow", "{channel}: typing reached the inner input");

        let created = TokenCreatedDialog::wait_open(&ui).await.unwrap_or_else(|e| panic!("{channel}: {e:#}"));
        assert_eq!(created.token_value().await.unwrap().expose(), token, "{channel}: css=code, slotted into the panel");
        assert!(created.text().await.unwrap().contains("Copy this token now."), "{channel}: the panel's text includes its slotted body");
        let scope = ui.find(key::TOKEN_CREATED_DIALOG, "the Token Created dialog").await.unwrap();
        let copy = ui.find_in(key::TOKEN_CREATED_COPY, Some(&scope), "Copy").await.unwrap_or_else(|e| panic!("{channel}: {e:#}"));
        assert_eq!(in_shadow(&copy).await, "x-button > button", "{channel}: text= finds the innermost element, inside the shadow root");
        // css= of the shadow markup itself, inside the scope: the one inner button.
        let close = ui.find_in(key::TOKEN_CREATED_CLOSE, Some(&scope), "Close").await.unwrap_or_else(|e| panic!("{channel}: {e:#}"));
        assert_eq!(in_shadow(&close).await, "x-button > button", "{channel}");
    }
    session.driver.quit().await.unwrap();
    driver.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}
