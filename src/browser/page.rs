//! The tab the suite works in: scripts, elements and DevTools commands, over
//! the direct DevTools connection when there is one ([`DevTools`]), else
//! through WebDriver. Page objects see one API either way.
//!
//! Scripts are written WebDriver-style (a function body reading `arguments`).
//! Element reads (text, value, attributes, enabled, position, style) are small
//! scripts too, so both channels answer them alike.

use anyhow::{Context, anyhow, bail};
use serde_json::{Value, json};
use thirtyfour::prelude::*;

use super::devtools::DevTools;

/// An element found on the page: a WebDriver reference, or a DevTools remote
/// object (its id, and the browser's short description: tag, id, classes).
#[derive(Clone, Debug)]
pub enum Element {
    WebDriver(WebElement),
    DevTools(String, std::sync::Arc<str>),
}

impl Element {
    /// What the element is, as far as known without asking the page
    /// (`button.btn.btn-primary`; a WebDriver reference only says "an element").
    pub fn description(&self) -> String {
        match self {
            Element::DevTools(_, what) => what.to_string(),
            Element::WebDriver(_) => "an element".to_string(),
        }
    }

    /// The page's reference to the element: its WebDriver (BiDi shared) id, or its DevTools object id.
    pub fn id(&self) -> String {
        match self {
            Element::WebDriver(e) => e.element_id().to_string(),
            Element::DevTools(id, _) => id.clone(),
        }
    }
}

/// An argument of a script.
pub enum Arg {
    Value(Value),
    Element(Element),
}

impl From<Value> for Arg {
    fn from(v: Value) -> Self {
        Arg::Value(v)
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Value(json!(v))
    }
}
impl From<&Element> for Arg {
    fn from(e: &Element) -> Self {
        Arg::Element(e.clone())
    }
}

/// What a script's result is wanted as.
#[derive(Clone, Copy, PartialEq)]
enum Want {
    Value,
    Element,
    Elements,
    /// An element, null, or any other value (returned as is).
    ElementOrValue,
}

/// The page's layout box of an element, in CSS px relative to the viewport.
#[derive(Clone, Copy, Debug, serde::Deserialize)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// Element reads shared by both channels. A detached element fails the read
/// like WebDriver's "stale element" (the caller's wait then finds it again).
const STALE_CHECK: &str = "if (!arguments[0] || !arguments[0].isConnected) throw new Error('stale element: it is no longer on the page');";

/// The session's tab.
#[derive(Clone)]
pub struct Page {
    /// The WebDriver session, on this tab or not yet (see [`Page::driver`]).
    wd: WebDriver,
    /// The session's switch to this tab, when it is not on it yet.
    switch: Option<std::sync::Arc<super::tab::TabSwitch>>,
    pub devtools: Option<DevTools>,
    /// The session's WebDriver BiDi connection and its tab, once asked
    /// (`None` inside: the session has none).
    bidi: std::sync::Arc<tokio::sync::OnceCell<Option<(thirtyfour::bidi::BiDi, thirtyfour::bidi::BrowsingContextId)>>>,
}

/// The tab's main frame (`Page.Frame`: its `loaderId` changes with each new
/// document; `unreachableUrl` names a page the browser could not load).
async fn main_frame(d: &DevTools) -> anyhow::Result<Value> {
    let mut tree = d.send("Page.getFrameTree", json!({})).await?;
    Ok(tree["frameTree"]["frame"].take())
}

/// The W3C key of an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// WebDriver's `Get Computed Label` (the element's accessible name) or
/// `Get Computed Role`: the element, and `"label"` or `"role"`.
#[derive(Debug)]
struct Computed(String, &'static str);

impl thirtyfour::common::command::ExtensionCommand for Computed {
    fn parameters_json(&self) -> Option<Value> {
        None
    }
    fn method(&self) -> http::Method {
        http::Method::GET
    }
    fn endpoint(&self) -> std::sync::Arc<str> {
        format!("/element/{}/computed{}", self.0, self.1).into()
    }
}

/// What [`Page::locate_ax_shown`] asks of each element that may answer.
#[derive(Clone, Copy, Debug)]
pub enum AxAsk<'a> {
    /// This computed role.
    Role(&'a str),
    /// A form field with one of these accessible names, exactly (as the lookup compares them).
    Field(&'a [String]),
}

/// The HTML elements a computed role may come from (HTML-AAM), as a CSS
/// selector, for the roles whose sources are all known: besides these, only
/// an element whose role attribute names the role, or a custom element,
/// may have it (`js/ax_candidates.js`). `None`: ask every element.
fn role_tags(role: &str) -> Option<&'static str> {
    Some(match role {
        "button" => "button, input, summary",
        "heading" => "h1, h2, h3, h4, h5, h6",
        "dialog" => "dialog",
        "link" => "a, area",
        "table" | "grid" | "treegrid" => "table",
        "row" => "tr",
        "cell" | "gridcell" | "columnheader" | "rowheader" => "td, th",
        "rowgroup" => "thead, tbody, tfoot",
        "textbox" => "input, textarea, [contenteditable]",
        "searchbox" | "spinbutton" | "slider" | "checkbox" | "radio" | "switch" => "input",
        "combobox" => "input, select",
        "listbox" => "select, datalist",
        "option" => "option",
        // Chromium has read an option of a drop-down as a menu item, a meter as a progress bar.
        "menuitem" => "option",
        // role=directory is read as a list (a deprecated synonym).
        "list" => "ul, ol, menu, [role~=directory i]",
        "listitem" => "li",
        "navigation" => "nav",
        "main" => "main",
        "banner" => "header",
        "contentinfo" => "footer",
        "complementary" => "aside",
        "region" => "section",
        "form" => "form",
        "search" => "search",
        "article" => "article",
        "progressbar" => "progress, meter",
        "meter" => "meter",
        "status" => "output",
        "separator" => "hr",
        "alertdialog" | "alert" | "menu" | "menubar" | "menuitemcheckbox" | "menuitemradio" | "tab" | "tablist" | "tabpanel" | "tooltip"
        | "toolbar" | "tree" | "treeitem" => "",
        _ => return None,
    })
}

impl Page {
    pub fn new(driver: WebDriver, devtools: Option<DevTools>) -> Self {
        Self { wd: driver, switch: None, devtools, bidi: Default::default() }
    }

    /// This page, of a session that switches to its tab when a WebDriver
    /// command first needs it (`None`: the session is on it).
    pub fn switching(mut self, switch: Option<std::sync::Arc<super::tab::TabSwitch>>) -> Self {
        self.switch = switch;
        self
    }

    /// The WebDriver session on this page's tab (switched to it now if it
    /// was not yet): for every WebDriver command on the page.
    pub async fn driver(&self) -> anyhow::Result<&WebDriver> {
        if let Some(switch) = &self.switch {
            switch.ensure().await?;
        }
        Ok(&self.wd)
    }

    /// Opens `url` in the tab and waits, up to `timeout`, until its document
    /// has loaded (ready state "complete", as WebDriver's navigation waits);
    /// a page the browser could not load (its error page) is an error. Over
    /// the tab's own DevTools connection when it has one (the WebDriver
    /// session need not be on the tab), else WebDriver's.
    pub async fn navigate(&self, url: &str, timeout: std::time::Duration, poll: std::time::Duration) -> anyhow::Result<()> {
        let Some(d) = &self.devtools else { return Ok(self.driver().await?.goto(url).await?) };
        let started = std::time::Instant::now();
        let before = main_frame(d).await?["loaderId"].clone();
        // Answered once the server has (or the load failed).
        let sent = d.send_within("Page.navigate", json!({ "url": url }), timeout).await?;
        if let Some(error) = sent["errorText"].as_str() {
            bail!("the browser could not load it: {error}");
        }
        // A same-document navigation (only the fragment changes) keeps its document.
        let replaced = sent["loaderId"].is_string().then_some(before);
        self.wait_loaded(d, replaced, &format!("{url} to load"), timeout.saturating_sub(started.elapsed()), poll).await
    }

    /// Reloads the tab's page and waits, up to `timeout`, until the new
    /// document has loaded (over DevTools when the tab has its connection).
    pub async fn reload(&self, timeout: std::time::Duration, poll: std::time::Duration) -> anyhow::Result<()> {
        let Some(d) = &self.devtools else { return Ok(self.driver().await?.refresh().await?) };
        let before = main_frame(d).await?["loaderId"].clone();
        d.send("Page.reload", json!({})).await?;
        self.wait_loaded(d, Some(before), "the reloaded page to load", timeout, poll).await
    }

    /// Waits until the tab's main document is not the one whose loader id
    /// is `replaced`, when given, and has loaded; fails if the browser could
    /// not load it.
    async fn wait_loaded(&self, d: &DevTools, replaced: Option<Value>, what: &str, timeout: std::time::Duration, poll: std::time::Duration) -> anyhow::Result<()> {
        super::wait::until(what, timeout, poll, || async {
            // (A frame that cannot be read is not yet known to be the new one.)
            if let Some(old) = &replaced
                && main_frame(d).await?["loaderId"] == *old
            {
                return Ok(None);
            }
            let state = self.eval(super::scripts::DOCUMENT_LOADED, vec![]).await?;
            Ok((state == true).then_some(()))
        })
        .await?;
        match main_frame(d).await?["unreachableUrl"].as_str() {
            Some(failed) => bail!("the browser could not load {failed} (it shows its error page)"),
            None => Ok(()),
        }
    }

    /// The address of the tab's page, as the browser's address bar has it
    /// (`(unknown)` when it cannot be read).
    pub async fn url(&self) -> String {
        let read = async {
            match &self.devtools {
                Some(d) => {
                    // Answered by the browser, whatever the page is busy with.
                    let history = d.send("Page.getNavigationHistory", json!({})).await?;
                    let current = history["currentIndex"].as_u64().unwrap_or_default() as usize;
                    Ok(history["entries"][current]["url"].as_str().unwrap_or("(unknown)").to_string())
                }
                None => anyhow::Ok(self.driver().await?.current_url().await?.to_string()),
            }
        };
        read.await.unwrap_or_else(|_| "(unknown)".into())
    }

    /// The session's BiDi connection and its tab; `None` when it has none
    /// (no `webSocketUrl` asked or granted) or scripts go over DevTools
    /// (whose element references BiDi cannot take).
    async fn bidi(&self) -> Option<&(thirtyfour::bidi::BiDi, thirtyfour::bidi::BrowsingContextId)> {
        if self.devtools.is_some() {
            return None;
        }
        self.bidi
            // Boxed: connecting is a deep future, and every find awaits this.
            .get_or_init(|| {
                Box::pin(async {
                    let driver = self.driver().await.ok()?;
                    let bidi = driver.bidi().await.ok()?;
                    let context = super::current_tab(driver).await.ok()?;
                    Some((bidi, context))
                })
            })
            .await
            .as_ref()
    }

    /// Firefox's WebDriver BiDi connection and tab, which carry the page's
    /// scripts (`None`: another browser, or no BiDi).
    async fn firefox_bidi(&self) -> Option<&(thirtyfour::bidi::BiDi, thirtyfour::bidi::BrowsingContextId)> {
        if !self.is_firefox() {
            return None;
        }
        self.bidi().await
    }

    /// Firefox, reached without a DevTools connection.
    fn is_firefox(&self) -> bool {
        self.devtools.is_none() && super::session_capabilities(&self.wd)["browserName"] == "firefox"
    }

    /// Can [`Page::locate_ax`] ask this session?
    pub async fn has_bidi(&self) -> bool {
        self.bidi().await.is_some()
    }

    /// WebDriver BiDi `browsingContext.locateNodes` with an accessibility
    /// locator: the elements inside `scopes` (the document when empty) of
    /// this computed role and/or exact accessible name, as the driver reads
    /// them from the browser's accessibility tree. `Ok(None)`: no BiDi here.
    /// Asked by role, only the elements that may have it are asked (see
    /// [`role_tags`]), and nothing is asked when none may: Firefox computes
    /// the role of every element its lookup walks, forcing two refreshes for
    /// each that has no accessible object (every `<div>`, `<script>`, ...):
    /// 30-55 ms a question over a whole page here (Firefox only: other
    /// browsers' lookups walk as they do). On a page without open shadow
    /// roots the answer is the one of [`Page::locate_ax_walking_all`]
    /// (`tests/page_channels.rs` holds it to that); in open shadow roots it
    /// also has Firefox's answer, where its own walk does not enter.
    pub async fn locate_ax(&self, scopes: &[Element], role: Option<&str>, name: Option<&str>) -> anyhow::Result<Option<Vec<Element>>> {
        let (Some(role), None, Some(tags)) = (role, name, role.and_then(role_tags)) else { return self.locate_ax_walking_all(scopes, role, name).await };
        if self.firefox_bidi().await.is_none() {
            return self.locate_ax_walking_all(scopes, Some(role), None).await;
        }
        let candidates = self.ax_candidates(Some(role), tags, None, scopes).await?;
        Ok(Some(self.confirm(candidates, AxAsk::Role(role)).await?))
    }

    /// [`Page::locate_ax`] for the last part of a find: only the elements a
    /// find may answer with are asked (shown, not `within`, the find's
    /// scope: what `js/visible_matches.js` keeps), so the answer needs no
    /// visibility check after it. `Ok(None)`: not narrowed (no BiDi, not
    /// Firefox, or a role [`Page::narrows`] says no to).
    pub async fn locate_ax_shown(&self, scopes: &[Element], within: Option<&Element>, ask: AxAsk<'_>) -> anyhow::Result<Option<Vec<Element>>> {
        if self.firefox_bidi().await.is_none() {
            return Ok(None);
        }
        let candidates = match ask {
            AxAsk::Role(role) => {
                let Some(tags) = role_tags(role) else { return Ok(None) };
                self.ax_candidates(Some(role), tags, Some(within), scopes).await?
            }
            AxAsk::Field(_) => self.ax_candidates(None, "", Some(within), scopes).await?,
        };
        Ok(Some(self.confirm(candidates, ask).await?))
    }

    /// Whether [`Page::locate_ax_shown`] asks this role (a known one, in Firefox).
    pub fn narrows(&self, role: &str) -> bool {
        self.is_firefox() && role_tags(role).is_some()
    }

    /// See `js/ax_candidates.js`: `shown_within` for [`Page::locate_ax_shown`].
    async fn ax_candidates(&self, role: Option<&str>, tags: &str, shown_within: Option<Option<&Element>>, scopes: &[Element]) -> anyhow::Result<Vec<Element>> {
        let within = match shown_within.flatten() {
            Some(el) => el.into(),
            None => Value::Null.into(),
        };
        let mut args: Vec<Arg> = vec![json!(role).into(), json!(tags).into(), json!(role.is_none()).into(), json!(shown_within.is_some()).into(), within];
        args.extend(scopes.iter().map(Into::into));
        self.eval_elements(super::scripts::AX_CANDIDATES, args).await
    }

    /// The candidates the browser's accessibility tree answers `ask` for,
    /// in their order: one or two (a dialog, a table, whose insides a lookup
    /// would walk too) each asked alone (WebDriver's Get Computed Role or
    /// Label: the functions the lookup itself calls), more in one lookup.
    async fn confirm(&self, candidates: Vec<Element>, ask: AxAsk<'_>) -> anyhow::Result<Vec<Element>> {
        if candidates.len() <= 2 {
            let mut out = Vec::new();
            for el in candidates {
                let yes = match ask {
                    AxAsk::Role(role) => self.computed_role(&el).await? == role,
                    AxAsk::Field(names) => names.contains(&self.computed_label(&el).await?),
                };
                if yes {
                    out.push(el);
                }
            }
            return Ok(out);
        }
        let questions: Vec<(Option<&str>, Option<&str>)> = match ask {
            AxAsk::Role(role) => vec![(Some(role), None)],
            AxAsk::Field(names) => names.iter().map(|n| (None, Some(n.as_str()))).collect(),
        };
        let mut yes = std::collections::HashSet::new();
        for (role, name) in questions {
            yes.extend(self.locate_ax_walking_all(&candidates, role, name).await?.unwrap_or_default().iter().map(Element::id));
        }
        Ok(candidates.into_iter().filter(|el| yes.contains(&el.id())).collect())
    }

    /// [`Page::locate_ax`] as the browser's lookup does it by itself: every
    /// element inside `scopes` walked.
    pub async fn locate_ax_walking_all(&self, scopes: &[Element], role: Option<&str>, name: Option<&str>) -> anyhow::Result<Option<Vec<Element>>> {
        use thirtyfour::bidi::modules::browsing_context::{LocateNodes, Locator};
        let Some((bidi, context)) = self.bidi().await else { return Ok(None) };
        let start_nodes = match scopes {
            [] => None,
            scopes => Some(
                scopes
                    .iter()
                    .map(|s| match s {
                        Element::WebDriver(e) => Ok(json!({ "sharedId": e.element_id().to_string() })),
                        Element::DevTools(..) => Err(anyhow!("a DevTools element was passed to a BiDi query")),
                    })
                    .collect::<anyhow::Result<Vec<_>>>()?,
            ),
        };
        let locator = Locator::accessibility(role.map(str::to_string), name.map(str::to_string));
        let reply = bidi
            .send(LocateNodes { context: context.clone(), locator, max_node_count: None, serialization_options: None, start_nodes })
            .await
            .map_err(|e| anyhow!("WebDriver BiDi browsingContext.locateNodes failed: {e}"))?;
        let mut out = Vec::new();
        // A scope inside another is walked twice.
        let mut seen = std::collections::HashSet::new();
        for node in reply.nodes {
            let Some(id) = node["sharedId"].as_str() else { continue };
            if !seen.insert(id.to_string()) {
                continue;
            }
            let el = WebElement::from_json(json!({ ELEMENT_KEY: id }), self.wd.handle().clone())?;
            out.push(Element::WebDriver(el));
        }
        Ok(Some(out))
    }

    /// The accessible name WebDriver computes for an element (`Get Computed Label`).
    pub async fn computed_label(&self, el: &Element) -> anyhow::Result<String> {
        self.computed(el, "label").await
    }

    /// The role WebDriver computes for an element (`Get Computed Role`).
    pub async fn computed_role(&self, el: &Element) -> anyhow::Result<String> {
        self.computed(el, "role").await
    }

    async fn computed(&self, el: &Element, what: &'static str) -> anyhow::Result<String> {
        let Element::WebDriver(e) = el else { bail!("computed {what}s are asked of WebDriver elements") };
        let cmd = thirtyfour::common::command::Command::ExtensionCommand(Box::new(Computed(e.element_id().to_string(), what)));
        let reply = self.driver().await?.handle().cmd(cmd).await?;
        Ok(reply.value::<String>().unwrap_or_default())
    }

    /// A DevTools command: on the direct connection, else through ChromeDriver.
    pub async fn cdp(&self, method: &str, params: Value) -> anyhow::Result<Value> {
        match &self.devtools {
            Some(d) => d.send(method, params).await,
            None => Ok(self.driver().await?.cdp().send_raw(method, params).await?),
        }
    }

    /// DevTools commands in order. On the direct connection they are sent
    /// at once (the tab handles them in order) and their answers awaited together.
    pub async fn cdp_all(&self, commands: Vec<(&str, Value)>) -> anyhow::Result<()> {
        match &self.devtools {
            Some(d) => {
                futures::future::try_join_all(commands.into_iter().map(|(m, p)| d.send(m, p))).await?;
            }
            None => {
                let driver = self.driver().await?;
                for (m, p) in commands {
                    driver.cdp().send_raw(m, p).await?;
                }
            }
        }
        Ok(())
    }

    /// The cookies the open page sees: one DevTools call on the direct
    /// connection; else WebDriver BiDi's, from the tab's own cookie jar
    /// (geckodriver's classic cookie read gives a Firefox user context's
    /// tab the default jar's); else WebDriver's (which costs ChromeDriver several).
    pub async fn cookies(&self) -> anyhow::Result<Vec<Cookie>> {
        let Some(d) = &self.devtools else {
            if let Some((bidi, context)) = self.bidi().await {
                let params = json!({ "partition": { "type": "context", "context": context.to_string() } });
                let got = super::bidi_send(bidi, "storage.getCookies", params).await.map_err(|e| anyhow!("could not read the tab's cookies (WebDriver BiDi): {e}"))?;
                let host = reqwest::Url::parse(&self.driver().await?.current_url().await?.to_string())?.host_str().unwrap_or_default().to_string();
                return Ok(got["cookies"].as_array().into_iter().flatten().filter_map(|c| cookie_from_bidi(c, &host)).collect());
            }
            return Ok(self.driver().await?.get_all_cookies().await?);
        };
        let got = d.send("Network.getCookies", json!({})).await?;
        Ok(got["cookies"].as_array().into_iter().flatten().map(cookie_from_devtools).collect())
    }

    /// Sets cookies for `url` before any page of it is open: true when done
    /// (a browser that speaks DevTools, directly or through ChromeDriver, or
    /// WebDriver BiDi: in the tab's own cookie jar); false when this browser
    /// can only set them on an open page of that origin (plain WebDriver).
    pub async fn set_cookies_ahead(&self, devtools: bool, url: &str, cookies: &[Cookie]) -> anyhow::Result<bool> {
        // Without the tab's own DevTools connection, WebDriver BiDi where the
        // session speaks it (a remote session's tab in a user context): it
        // names the jar of the tab's own user context.
        if let Some((bidi, context)) = self.bidi().await {
            let host = reqwest::Url::parse(url)?.host_str().unwrap_or_default().to_string();
            // The tab's user context: a partition named by a blank tab's
            // context is not the jar its pages later read (Firefox).
            let tree = super::bidi_send(bidi, "browsingContext.getTree", json!({ "root": context.to_string(), "maxDepth": 0 })).await;
            let tree = tree.map_err(|e| anyhow!("could not read the tab's user context (WebDriver BiDi): {e}"))?;
            let user_context = tree["contexts"][0]["userContext"].as_str().unwrap_or("default").to_string();
            for c in cookies {
                let params = json!({ "cookie": cookie_to_bidi(c, &host), "partition": { "type": "storageKey", "userContext": user_context } });
                super::bidi_send(bidi, "storage.setCookie", params).await.map_err(|e| anyhow!("could not set the cookie '{}' (WebDriver BiDi): {e}", c.name))?;
            }
            return Ok(true);
        }
        if !devtools && self.devtools.is_none() {
            return Ok(false);
        }
        let params: Vec<Value> = cookies.iter().map(|c| cookie_to_devtools(c, url)).collect();
        self.cdp("Network.setCookies", json!({ "cookies": params })).await?;
        Ok(true)
    }

    /// Puts localStorage entries in place before the scripts of every new
    /// page of `origin` run (and only that origin's): true when done; false
    /// when the browser speaks neither DevTools nor WebDriver BiDi.
    pub async fn set_storage_ahead(&self, devtools: bool, origin: &str, entries: &[(String, String)]) -> anyhow::Result<bool> {
        let source = format!(
            "if (location.origin === {origin}) {{ for (const [k, v] of {entries}) localStorage.setItem(k, v); }}",
            origin = serde_json::to_string(origin)?,
            entries = serde_json::to_string(entries)?,
        );
        if !devtools && self.devtools.is_none() {
            let Some((bidi, context)) = self.bidi().await else { return Ok(false) };
            let params = json!({ "functionDeclaration": format!("() => {{ {source} }}"), "contexts": [context.to_string()] });
            super::bidi_send(bidi, "script.addPreloadScript", params).await.map_err(|e| anyhow!("could not add the session's localStorage script (WebDriver BiDi): {e}"))?;
            return Ok(true);
        }
        self.cdp("Page.enable", json!({})).await?;
        self.cdp("Page.addScriptToEvaluateOnNewDocument", json!({ "source": source })).await?;
        Ok(true)
    }

    /// Runs a script and returns its JSON result.
    pub async fn eval(&self, js: &str, args: Vec<Arg>) -> anyhow::Result<Value> {
        self.run(js, args, Want::Value).await.map(|r| r.0)
    }

    /// Runs a script that returns one element or null.
    pub async fn eval_element(&self, js: &str, args: Vec<Arg>) -> anyhow::Result<Option<Element>> {
        Ok(self.run(js, args, Want::Element).await?.1.into_iter().next())
    }

    /// Runs a script that returns one element, null, or another value
    /// (`Err(value)`: e.g. why there is not exactly one element). One round trip.
    pub async fn eval_element_or_value(&self, js: &str, args: Vec<Arg>) -> anyhow::Result<Result<Option<Element>, Value>> {
        let (value, elements) = self.run(js, args, Want::ElementOrValue).await?;
        if value.is_null() { Ok(Ok(elements.into_iter().next())) } else { Ok(Err(value)) }
    }

    /// Runs a script that returns an array of elements.
    pub async fn eval_elements(&self, js: &str, args: Vec<Arg>) -> anyhow::Result<Vec<Element>> {
        Ok(self.run(js, args, Want::Elements).await?.1)
    }

    async fn run(&self, js: &str, args: Vec<Arg>, want: Want) -> anyhow::Result<(Value, Vec<Element>)> {
        if let Some((bidi, context)) = self.firefox_bidi().await {
            return self.run_bidi(bidi, context, js, args, want).await;
        }
        match &self.devtools {
            Some(d) => run_devtools(d, js, args, want).await,
            None => {
                let mut wd_args = Vec::with_capacity(args.len());
                for a in args {
                    wd_args.push(match a {
                        Arg::Value(v) => v,
                        Arg::Element(Element::WebDriver(e)) => e.to_json()?,
                        Arg::Element(Element::DevTools(..)) => bail!("a DevTools element was passed to a WebDriver script"),
                    });
                }
                let ret = self.driver().await?.execute(js, wd_args).await?;
                Ok(match want {
                    Want::Value => (ret.json().clone(), Vec::new()),
                    Want::Element if ret.json().is_null() => (Value::Null, Vec::new()),
                    Want::Element => (Value::Null, vec![Element::WebDriver(ret.element()?)]),
                    Want::ElementOrValue if !ret.json().is_object() => (ret.json().clone(), Vec::new()),
                    Want::ElementOrValue => (Value::Null, vec![Element::WebDriver(ret.element()?)]),
                    Want::Elements => (Value::Null, ret.elements()?.into_iter().map(Element::WebDriver).collect()),
                })
            }
        }
    }

    /// A script over WebDriver BiDi (`script.callFunction`), as WebDriver's
    /// execute would run it: in Firefox a third of the time of geckodriver's
    /// classic call (2.6 ms against 7.6 ms, measured here), straight to the
    /// browser. Values travel as JSON text, elements as BiDi shared ids
    /// (Firefox's WebDriver element references).
    async fn run_bidi(
        &self,
        bidi: &thirtyfour::bidi::BiDi,
        context: &thirtyfour::bidi::BrowsingContextId,
        js: &str,
        args: Vec<Arg>,
        want: Want,
    ) -> anyhow::Result<(Value, Vec<Element>)> {
        let mut values = Vec::with_capacity(args.len());
        let mut at = Vec::new();
        // The JSON text first (filled in below), then the elements' nodes.
        let mut call_args = vec![json!({ "type": "string", "value": "" })];
        for (i, a) in args.into_iter().enumerate() {
            match a {
                Arg::Value(v) => values.push(v),
                Arg::Element(Element::WebDriver(e)) => {
                    values.push(Value::Null);
                    at.push(i);
                    call_args.push(json!({ "sharedId": e.element_id().to_string() }));
                }
                Arg::Element(Element::DevTools(..)) => bail!("a DevTools element was passed to a WebDriver BiDi script"),
            }
        }
        call_args[0]["value"] = json!(json!({ "values": values, "nodes": at }).to_string());
        let params = json!({
            "functionDeclaration": super::scripts::bidi_call(js), "arguments": call_args, "awaitPromise": true, "target": { "context": context.to_string() },
            "resultOwnership": "none", "serializationOptions": { "maxDomDepth": 0 },
        });
        let reply = super::bidi_send(bidi, "script.callFunction", params).await.map_err(|e| stale(anyhow!("the page's script could not run (WebDriver BiDi): {e}")))?;
        if reply["type"] == "exception" {
            let message = reply["exceptionDetails"]["text"].as_str().unwrap_or("unknown error");
            let first_line = message.lines().next().unwrap_or(message);
            bail!("the page's script failed: {first_line}");
        }
        let result = &reply["result"];
        let element = |node: &Value| -> anyhow::Result<Option<Element>> {
            let Some(id) = node["sharedId"].as_str() else { return Ok(None) };
            Ok(Some(Element::WebDriver(WebElement::from_json(json!({ ELEMENT_KEY: id }), self.wd.handle().clone())?)))
        };
        let value = match result["type"].as_str() {
            Some("string") => serde_json::from_str(result["value"].as_str().unwrap_or("null")).context("the page's script gave no JSON")?,
            _ => Value::Null,
        };
        Ok(match result["type"].as_str() {
            Some("node") => (Value::Null, element(result)?.into_iter().collect()),
            Some("array") => {
                let items = result["value"].as_array().into_iter().flatten();
                (Value::Null, items.map(element).collect::<anyhow::Result<Vec<_>>>()?.into_iter().flatten().collect())
            }
            _ if matches!(want, Want::Elements | Want::Element) => (Value::Null, Vec::new()),
            _ => (value, Vec::new()),
        })
    }

    /// The element's rendered text (`innerText`; in the flat tree where
    /// shadow roots are involved, see `js/flat_tree.js`).
    pub async fn text(&self, el: &Element) -> anyhow::Result<String> {
        let v = self.eval(&format!("{STALE_CHECK} {}", super::scripts::INNER_TEXT), vec![el.into()]).await?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// A DOM property as text (`value`, `checked`...), `None` when unset.
    pub async fn prop(&self, el: &Element, name: &str) -> anyhow::Result<Option<String>> {
        let js = format!("{STALE_CHECK} const v = arguments[0][arguments[1]]; return v == null ? null : String(v);");
        Ok(self.eval(&js, vec![el.into(), name.into()]).await?.as_str().map(str::to_string))
    }

    /// An HTML attribute, `None` when absent.
    pub async fn attr(&self, el: &Element, name: &str) -> anyhow::Result<Option<String>> {
        let js = format!("{STALE_CHECK} return arguments[0].getAttribute(arguments[1]);");
        Ok(self.eval(&js, vec![el.into(), name.into()]).await?.as_str().map(str::to_string))
    }

    /// Enabled for a user: not `:disabled` (own or a disabled fieldset's), not `aria-disabled`.
    pub async fn is_enabled(&self, el: &Element) -> anyhow::Result<bool> {
        let js = format!(
            "{STALE_CHECK} const el = arguments[0]; \
             return !(el.matches(':disabled') || el.getAttribute('aria-disabled') === 'true');"
        );
        Ok(self.eval(&js, vec![el.into()]).await?.as_bool().unwrap_or(false))
    }

    /// The element's box in the viewport.
    pub async fn rect(&self, el: &Element) -> anyhow::Result<Rect> {
        let js = format!(
            "{STALE_CHECK} const r = arguments[0].getBoundingClientRect(); \
             return {{ x: r.x, y: r.y, width: r.width, height: r.height }};"
        );
        serde_json::from_value(self.eval(&js, vec![el.into()]).await?).context("could not read the element's position")
    }

    /// A computed CSS property (`background-color` → `rgb(...)`).
    pub async fn css(&self, el: &Element, name: &str) -> anyhow::Result<String> {
        let js = format!("{STALE_CHECK} return getComputedStyle(arguments[0]).getPropertyValue(arguments[1]);");
        Ok(self.eval(&js, vec![el.into(), name.into()]).await?.as_str().unwrap_or_default().to_string())
    }

    /// The element's parent element.
    pub async fn parent(&self, el: &Element) -> anyhow::Result<Element> {
        let js = format!("{STALE_CHECK} return arguments[0].parentElement;");
        self.eval_element(&js, vec![el.into()]).await?.ok_or_else(|| anyhow!("the element has no parent"))
    }
}

/// A script through DevTools: `Runtime.callFunctionOn` when an element is an
/// argument (it runs in that element's page), else `Runtime.evaluate` with the
/// arguments written into the call. One round trip either way (two for an array
/// of elements).
async fn run_devtools(d: &DevTools, js: &str, args: Vec<Arg>, want: Want) -> anyhow::Result<(Value, Vec<Element>)> {
    let function = format!("function() {{\n{js}\n}}");
    let by_value = want == Want::Value;
    let mut target = None;
    let mut call_args = Vec::with_capacity(args.len());
    let mut values = Vec::with_capacity(args.len());
    for a in args {
        match a {
            Arg::Value(v) => {
                call_args.push(json!({ "value": v }));
                values.push(v);
            }
            Arg::Element(Element::DevTools(id, _)) => {
                call_args.push(json!({ "objectId": id }));
                target.get_or_insert(id);
            }
            Arg::Element(Element::WebDriver(_)) => bail!("a WebDriver element was passed to a DevTools script"),
        }
    }
    let reply = match target {
        Some(object) => {
            let params = json!({
                "functionDeclaration": function, "objectId": object, "arguments": call_args,
                "returnByValue": by_value, "awaitPromise": true, "objectGroup": "e2e",
            });
            d.send("Runtime.callFunctionOn", params).await.map_err(stale)?
        }
        None => {
            let expression = format!("({function}).apply(null, {})", Value::Array(values));
            let params = json!({ "expression": expression, "returnByValue": by_value, "awaitPromise": true, "objectGroup": "e2e" });
            d.send("Runtime.evaluate", params).await?
        }
    };
    if let Some(ex) = reply.get("exceptionDetails") {
        let message = ex["exception"]["description"].as_str().or(ex["text"].as_str()).unwrap_or("unknown error");
        let first_line = message.lines().next().unwrap_or(message);
        bail!("the page's script failed: {first_line}");
    }
    let result = &reply["result"];
    match want {
        Want::Value => Ok((result.get("value").cloned().unwrap_or(Value::Null), Vec::new())),
        Want::Element => Ok((Value::Null, node(result)?.into_iter().collect())),
        Want::ElementOrValue if result["subtype"] == "node" || result["type"] == "undefined" || result["subtype"] == "null" => {
            Ok((Value::Null, node(result)?.into_iter().collect()))
        }
        Want::ElementOrValue => Ok((result.get("value").cloned().unwrap_or(Value::Null), Vec::new())),
        Want::Elements => {
            let Some(array) = result["objectId"].as_str() else { return Ok((Value::Null, Vec::new())) };
            let props = d.send("Runtime.getProperties", json!({ "objectId": array, "ownProperties": true })).await?;
            let mut items: Vec<(usize, Element)> = Vec::new();
            for p in props["result"].as_array().into_iter().flatten() {
                let Some(i) = p["name"].as_str().and_then(|n| n.parse::<usize>().ok()) else { continue };
                if let Some(el) = node(&p["value"])? {
                    items.push((i, el));
                }
            }
            items.sort_by_key(|(i, _)| *i);
            Ok((Value::Null, items.into_iter().map(|(_, e)| e).collect()))
        }
    }
}

/// A remote object that is a DOM node, as an element; `None` for null/undefined.
fn node(remote: &Value) -> anyhow::Result<Option<Element>> {
    if remote["type"] == "undefined" || remote["subtype"] == "null" {
        return Ok(None);
    }
    if remote["subtype"] != "node" {
        bail!("the script returned {} where an element was expected", remote["description"].as_str().unwrap_or("a non-element"));
    }
    let id = remote["objectId"].as_str().context("the element has no DevTools object id")?;
    let what = remote["description"].as_str().unwrap_or("an element");
    Ok(Some(Element::DevTools(id.to_string(), what.into())))
}

/// A DevTools `Network.Cookie` as WebDriver's cookie.
fn cookie_from_devtools(c: &Value) -> Cookie {
    let text = |k: &str| c[k].as_str().unwrap_or_default().to_string();
    let mut cookie = Cookie::new(text("name"), text("value"));
    cookie.set_path(text("path"));
    cookie.set_domain(text("domain"));
    cookie.set_secure(c["secure"].as_bool().unwrap_or(false));
    cookie.set_http_only(c["httpOnly"].as_bool().unwrap_or(false));
    // Session cookies have no expiry (DevTools says -1).
    if let Some(expires) = c["expires"].as_f64().filter(|e| *e > 0.0 && c["session"].as_bool() != Some(true)) {
        cookie.set_expiry(expires as i64);
    }
    match c["sameSite"].as_str() {
        Some("Strict") => cookie.set_same_site(SameSite::Strict),
        Some("Lax") => cookie.set_same_site(SameSite::Lax),
        Some("None") => cookie.set_same_site(SameSite::None),
        _ => {}
    }
    cookie
}

/// A WebDriver BiDi `network.Cookie` as WebDriver's cookie, if the page on
/// `host` sees it (its domain is the host, or a parent domain of it).
fn cookie_from_bidi(c: &Value, host: &str) -> Option<Cookie> {
    let domain = c["domain"].as_str().unwrap_or_default();
    let bare = domain.trim_start_matches('.');
    let seen = host.eq_ignore_ascii_case(bare) || (domain.starts_with('.') && host.to_ascii_lowercase().ends_with(&domain.to_ascii_lowercase()));
    if !seen {
        return None;
    }
    // Only a string value (not base64 bytes) can go in a Cookie header as it is.
    let value = (c["value"]["type"] == "string").then(|| c["value"]["value"].as_str())??;
    let mut cookie = Cookie::new(c["name"].as_str()?.to_string(), value.to_string());
    cookie.set_path(c["path"].as_str().unwrap_or("/").to_string());
    cookie.set_domain(domain.to_string());
    cookie.set_secure(c["secure"].as_bool().unwrap_or(false));
    cookie.set_http_only(c["httpOnly"].as_bool().unwrap_or(false));
    if let Some(expiry) = c["expiry"].as_i64() {
        cookie.set_expiry(expiry);
    }
    match c["sameSite"].as_str() {
        Some("strict") => cookie.set_same_site(SameSite::Strict),
        Some("lax") => cookie.set_same_site(SameSite::Lax),
        Some("none") => cookie.set_same_site(SameSite::None),
        _ => {}
    }
    Some(cookie)
}

/// WebDriver's cookie as a DevTools `Network.CookieParam` for `url`: a
/// host-only cookie stays host-only; a domain cookie (".example.com") keeps its domain.
fn cookie_to_devtools(c: &Cookie, url: &str) -> Value {
    let mut p = json!({ "name": c.name, "value": c.value, "url": url, "path": c.path.as_deref().unwrap_or("/") });
    if let Some(domain) = c.domain.as_deref().filter(|d| d.starts_with('.')) {
        p["domain"] = json!(domain);
    }
    if let Some(secure) = c.secure {
        p["secure"] = json!(secure);
    }
    if let Some(http_only) = c.http_only {
        p["httpOnly"] = json!(http_only);
    }
    if let Some(expiry) = c.expiry {
        p["expires"] = json!(expiry);
    }
    match &c.same_site {
        Some(SameSite::Strict) => p["sameSite"] = json!("Strict"),
        Some(SameSite::Lax) => p["sameSite"] = json!("Lax"),
        Some(SameSite::None) => p["sameSite"] = json!("None"),
        _ => {}
    }
    p
}

/// WebDriver's cookie as a WebDriver BiDi `storage.PartialCookie`; a
/// host-only cookie gets the target's `host`.
fn cookie_to_bidi(c: &Cookie, host: &str) -> Value {
    let domain = c.domain.as_deref().filter(|d| !d.is_empty()).unwrap_or(host);
    let mut p = json!({ "name": c.name, "value": { "type": "string", "value": c.value }, "domain": domain, "path": c.path.as_deref().unwrap_or("/") });
    if let Some(secure) = c.secure {
        p["secure"] = json!(secure);
    }
    if let Some(http_only) = c.http_only {
        p["httpOnly"] = json!(http_only);
    }
    if let Some(expiry) = c.expiry {
        p["expiry"] = json!(expiry);
    }
    match &c.same_site {
        Some(SameSite::Strict) => p["sameSite"] = json!("strict"),
        Some(SameSite::Lax) => p["sameSite"] = json!("lax"),
        // Chromium's WebDriver BiDi reads a cookie set without SameSite as
        // "none"; given back so without Secure, Chromium refuses it.
        Some(SameSite::None) if c.secure == Some(true) => p["sameSite"] = json!("none"),
        _ => {}
    }
    p
}

/// An element whose page has gone (navigation, reload) is stale, as in WebDriver.
fn stale(e: anyhow::Error) -> anyhow::Error {
    let text = e.to_string();
    if text.contains("Cannot find context") || text.contains("Could not find object") || text.contains("no such node") {
        anyhow!("stale element: it is no longer on the page ({text})")
    } else {
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_cross_between_devtools_and_webdriver_intact() {
        let session = json!({ "name": "aisuite_session", "value": "abc", "domain": "127.0.0.1", "path": "/",
            "expires": -1, "size": 18, "httpOnly": true, "secure": false, "session": true, "sameSite": "Lax" });
        let c = cookie_from_devtools(&session);
        assert_eq!((c.name.as_str(), c.value.as_str(), c.path.as_deref()), ("aisuite_session", "abc", Some("/")));
        assert_eq!((c.http_only, c.secure, c.expiry), (Some(true), Some(false), None), "a session cookie has no expiry");
        let p = cookie_to_devtools(&c, "http://127.0.0.1:8080");
        assert_eq!(p["url"], "http://127.0.0.1:8080");
        assert_eq!(p.get("domain"), None, "a host-only cookie stays host-only");
        assert_eq!((p["httpOnly"].clone(), p["sameSite"].clone()), (json!(true), json!("Lax")));
        assert_eq!(p.get("expires"), None);

        let lasting = json!({ "name": "pref", "value": "1", "domain": ".example.com", "path": "/app",
            "expires": 1_900_000_000.5, "httpOnly": false, "secure": true, "session": false });
        let p = cookie_to_devtools(&cookie_from_devtools(&lasting), "https://staging.example.com");
        assert_eq!((p["domain"].clone(), p["path"].clone()), (json!(".example.com"), json!("/app")));
        assert_eq!((p["expires"].clone(), p["secure"].clone()), (json!(1_900_000_000), json!(true)));
    }

    #[test]
    fn bidi_cookies_are_the_pages_own() {
        let c = |domain: &str| json!({ "name": "s", "value": { "type": "string", "value": "v" }, "domain": domain, "path": "/",
            "size": 2, "httpOnly": true, "secure": false, "sameSite": "lax" });
        let host = cookie_from_bidi(&c("127.0.0.1"), "127.0.0.1").expect("a host cookie of the page's host");
        assert_eq!((host.value.as_str(), host.http_only, host.expiry), ("v", Some(true), None));
        assert!(cookie_from_bidi(&c(".example.com"), "staging.example.com").is_some(), "a parent domain's cookie is sent");
        assert!(cookie_from_bidi(&c("sso.example.com"), "staging.example.com").is_none(), "a sibling host's is not");
        assert!(cookie_from_bidi(&c(".ample.com"), "staging.example.com").is_none(), "a look-alike suffix is not");
        let back = cookie_to_bidi(&host, "127.0.0.1");
        assert_eq!((back["value"].clone(), back["domain"].clone(), back["sameSite"].clone()), (json!({ "type": "string", "value": "v" }), json!("127.0.0.1"), json!("lax")));
        let bytes = json!({ "name": "b", "value": { "type": "base64", "value": "AA==" }, "domain": "127.0.0.1" });
        assert!(cookie_from_bidi(&bytes, "127.0.0.1").is_none(), "bytes are not a header value");
    }
}
