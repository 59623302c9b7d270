//! The page-side JavaScript's trickiest functions (`src/browser/js/`), called
//! directly in a real page of the local AI Suite in Chromium: the accessible
//! names and roles it computes where the browser does not (held against the
//! browser's own computation), what counts as visible, which texts look like
//! a token, and which region a heading names.

use std::sync::Arc;

use ai_suite_e2e::browser::{self, page::Element, scripts};
use ai_suite_e2e::config::{Config, FileConfig};
use ai_suite_e2e::local_suite::{self, LocalSuite};
use ai_suite_e2e::pages::Ui;
use serde_json::{Value, json};

/// Shows `html` in a container of its own on the page (the app's own markup stays).
async fn show(ui: &Ui, html: &str) {
    let js = "let f = document.getElementById('fixture'); \
              if (!f) { f = document.createElement('div'); f.id = 'fixture'; document.body.prepend(f); } \
              f.innerHTML = arguments[0];";
    ui.page.eval(js, vec![json!(html).into()]).await.unwrap();
}

/// Calls `call` (a function body using the libraries' functions) with `args`.
async fn call(ui: &Ui, call: &str, args: Vec<Value>) -> Value {
    ui.page.eval(&format!("{}\n{call}", scripts::LIBRARIES), args.into_iter().map(Into::into).collect()).await.unwrap()
}

/// The same, as a browser would run it that computes no roles and names for
/// scripts (Firefox): `computedRole` and `computedName` are hidden from the
/// libraries while they load and answer, then put back.
async fn call_without_computed(ui: &Ui, body: &str, args: Vec<Value>) -> Value {
    let js = format!(
        "const saved = ['computedRole', 'computedName'].map((k) => [k, Object.getOwnPropertyDescriptor(Element.prototype, k)]);\n\
         for (const [k] of saved) delete Element.prototype[k];\n\
         if ('computedRole' in Element.prototype) throw new Error('the browser keeps computedRole: the fallback cannot be tested here');\n\
         try {{ return (() => {{ {}\n{body} }})(); }} finally {{ for (const [k, d] of saved) Object.defineProperty(Element.prototype, k, d); }}",
        scripts::LIBRARIES
    );
    ui.page.eval(&js, args.into_iter().map(Into::into).collect()).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_side_functions_in_a_real_page() {
    let config = Arc::new(Config::resolve(FileConfig::default(), &|_: &str| None).unwrap());
    let dir = std::env::temp_dir().join(format!("ai-suite-page-scripts-{}", std::process::id()));
    let driver = browser::Driver::start(&config, &dir, &dir.join("tmp")).await.unwrap();
    let target = LocalSuite::start(local_suite::Options::default()).await.unwrap();
    let session = browser::new_session(&config, &driver.url, driver.chromium.as_deref(), &target.url, false).await.unwrap();
    let ui = Ui::new(session.driver.clone(), config.clone(), target.url.clone(), session.input, session.chromium, session.devtools.clone());
    ui.goto("/").await.unwrap();

    accessible_names_and_roles(&ui).await;
    visibility(&ui).await;
    token_like_texts(&ui).await;
    regions(&ui).await;

    session.driver.quit().await.unwrap();
    target.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Where the browser computes no names (Firefox), `locate.js` gives the
/// roles HTML gives elements and the names ARIA gives them: for the controls
/// a guide names, the same as Chromium's own computation, light DOM and
/// shadow roots alike.
async fn accessible_names_and_roles(ui: &Ui) {
    show(
        ui,
        r#"<button class="c">Create Token</button>
           <button class="c" aria-label="Revoke token ci-deploy"><svg aria-hidden="true"></svg></button>
           <span id="lbl">Expiry Date</span><input class="c" aria-labelledby="lbl">
           <label for="n">Token Name</label><input class="c" id="n">
           <label>Email <input class="c" type="email"></label>
           <input class="c" type="search" placeholder="Search tokens">
           <a class="c" href="/access-control">Access Control</a>
           <h2 class="c">API Tokens</h2>
           <div class="c" role="tab">User Tokens</div>
           <button class="c" title="Next page">›</button>
           <div id="host"></div>"#,
    )
    .await;
    // A web component: the button in its shadow root, its text slotted in.
    let shadow = "const host = document.getElementById('host'); host.textContent = 'Copy'; \
                  host.attachShadow({ mode: 'open' }).innerHTML = '<button part=\"base\" class=\"c\"><slot></slot></button>';";
    ui.page.eval(shadow, vec![]).await.unwrap();
    let read = "const els = [...document.querySelectorAll('#fixture .c'), document.getElementById('host').shadowRoot.querySelector('.c')]; \
                return els.map((el) => [roleOf(el), nameOf(el)]);";
    let browser = call(ui, read, vec![]).await;
    let ours = call_without_computed(ui, read, vec![]).await;
    let wanted = json!([
        ["button", "Create Token"],
        ["button", "Revoke token ci-deploy"],
        ["textbox", "Expiry Date"],
        ["textbox", "Token Name"],
        ["textbox", "Email"],
        ["searchbox", "Search tokens"],
        ["link", "Access Control"],
        ["heading", "API Tokens"],
        ["tab", "User Tokens"],
        ["button", "›"],
        ["button", "Copy"]
    ]);
    assert_eq!(browser, wanted, "Chromium's own roles and names (the reference)");
    // Chromium names a button by its content before its title: the same here.
    assert_eq!(ours, wanted, "locate.js's roles and names without the browser's computation");

    // A label with a required-field star still names its field for label= (both ways).
    show(ui, r#"<label for="n">Token Name *</label><input id="n">"#).await;
    let q = "return answers({ label: 'Token Name' }, document.getElementById('n'));";
    assert_eq!(call(ui, q, vec![]).await, json!(true), "with the browser's names");
    assert_eq!(call_without_computed(ui, q, vec![]).await, json!(true), "with locate.js's names");

    // How an ambiguity describes an element: role and name without the
    // browser's help, and no value or long token-like word in its markup.
    show(ui, r#"<input id="v" aria-label="Token value" value="dct_AbCdEfGhIjKlMnOpQrStUvWx1234">"#).await;
    let d = call_without_computed(ui, "return describe(document.getElementById('v'));", vec![]).await;
    assert_eq!((d["tag"].as_str(), d["role"].as_str(), d["name"].as_str()), (Some("input"), Some("textbox"), Some("Token value")), "{d}");
    let html = d["html"].as_str().unwrap();
    assert!(html.contains(r#"value="[hidden]""#) && !html.contains("AbCdEf"), "the value is hidden: {html}");
}

/// What a user sees counts: not display:none, visibility:hidden, opacity 0,
/// or the hidden attribute; yes behind a modal dialog that
/// set aria-hidden on the page (MUI, Radix).
async fn visibility(ui: &Ui) {
    show(
        ui,
        r#"<button id="plain">a</button>
           <button id="none" style="display:none">b</button>
           <button id="invisible" style="visibility:hidden">c</button>
           <button id="transparent" style="opacity:0">d</button>
           <div style="display:none"><button id="in-none">e</button></div>
           <button id="attr" hidden>f</button>
           <div aria-hidden="true"><button id="behind-modal">h</button></div>"#,
    )
    .await;
    let got = call(ui, "return [...document.querySelectorAll('#fixture button')].map((el) => [el.id, shown(el)]);", vec![]).await;
    assert_eq!(
        got,
        json!([
            ["plain", true],
            ["none", false],
            ["invisible", false],
            ["transparent", false],
            ["in-none", false],
            ["attr", false],
            ["behind-modal", true]
        ])
    );
}

/// Which texts look like a token: in the Token Created dialog, the innermost
/// visible element whose whole text is one long word (never a sentence that
/// holds one, nor a hidden copy); in the screenshots and the saved DOM, one
/// long word of a token's letters.
async fn token_like_texts(ui: &Ui) {
    let token = "dct_AbCdEfGhIjKlMnOpQrStUvWx1234";
    show(
        ui,
        &format!(
            r#"<div id="d"><h2>Token Created</h2><p>Your token {token} is below.</p>
               <div class="mono"><code><span id="t">{token}</span></code></div>
               <span style="display:none">{token}</span><span>short_word_only</span>
               <span id="long-word">abcdefghijklmnopqrstuvwxyz</span></div>"#
        ),
    )
    .await;
    let dialog: Element = ui.page.eval_element("return document.getElementById('d');", vec![]).await.unwrap().unwrap();
    let found = ui.page.eval_elements(scripts::TOKEN_LOOKING, vec![(&dialog).into()]).await.unwrap();
    let mut ids = Vec::new();
    for el in &found {
        ids.push(ui.page.attr(el, "id").await.unwrap().unwrap_or_default());
    }
    // A long plain word looks like a token too: the dialog shows nothing else that long.
    assert_eq!(ids, ["t", "long-word"], "the innermost visible one-word texts, in document order");

    // The rule the screenshots and the DOM copy share (token_dialog.js).
    let rule = call(ui, "return arguments[0].map((t) => tokenLike.test(t));", vec![json!([token, "dct_••••abcd", "Copy this token now", "a".repeat(23), "a".repeat(24), "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"])]).await;
    assert_eq!(rule, json!([true, false, false, false, true, true]));
}

/// The region a heading names: the element it labels, else its section, else
/// the nearest container holding it and more; with `needs`, one that holds a
/// visible match (the table under a card header that holds only the title and
/// a button); across a shadow root too.
async fn regions(ui: &Ui) {
    show(
        ui,
        r#"<div role="dialog" aria-labelledby="dt"><h2 id="dt">Create API Token</h2><label>Token Name <input></label></div>
           <section id="s"><h2 id="st">User Info</h2><dl><dt>Name</dt><dd>Quinn</dd></dl></section>
           <div id="card"><div class="card-header"><h2 id="ct">API Tokens</h2><button>Create Token</button></div>
             <div class="card-body"><table><tr><th>Name</th></tr><tr><td>t1</td></tr></table></div></div>
           <div id="panel"></div>"#,
    )
    .await;
    let region_of = |title: &'static str, needs: Value| async move {
        let find = format!("return document.querySelector('{title}') || document.getElementById('panel').shadowRoot.querySelector('{title}');");
        let title = ui.page.eval_element(&find, vec![]).await.unwrap().unwrap_or_else(|| panic!("no {title}"));
        let region = ui.page.eval_element(scripts::REGION, vec![(&title).into(), needs.into()]).await.unwrap();
        match region {
            Some(r) => json!(ui.page.eval("const r = arguments[0]; return r.id || r.getAttribute('role') || r.className;", vec![(&r).into()]).await.unwrap()),
            None => Value::Null,
        }
    };
    assert_eq!(region_of("#dt", json!([])).await, json!("dialog"), "the element it labels");
    assert_eq!(region_of("#st", json!([])).await, json!("s"), "its section");
    assert_eq!(region_of("#ct", json!([])).await, json!("card-header"), "the nearest container holding more than it");
    assert_eq!(region_of("#ct", json!([".//table"])).await, json!("card"), "the nearest one holding the table");
    assert_eq!(region_of("#st", json!([".//table"])).await, json!("fixture"), "its section does not hold a table: further up");

    // A panel whose heading and table are in a shadow root (a web component's card).
    let shadow = "document.getElementById('panel').attachShadow({ mode: 'open' }).innerHTML = \
                  '<div class=\"inner\"><div class=\"head\"><h3 id=\"pt\">Tokens</h3></div><table><tr><td>x</td><td>y</td></tr></table></div>';";
    ui.page.eval(shadow, vec![]).await.unwrap();
    let needs = json!([{ "xpath": ".//table", "css": "table" }]);
    assert_eq!(region_of("#pt", needs).await, json!("inner"), "inside the shadow root, with what the table needs");
}
