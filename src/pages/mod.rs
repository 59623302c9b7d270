//! Page objects: one per screen of the guide. They own the locators (typed keys,
//! from [`crate::locators`]) and the waits; steps only call their intent methods.

pub mod access_control;
pub mod create_token_modal;
pub mod login;
pub mod pager;
pub mod profile_menu;
pub mod profile_page;
pub mod table;
pub mod token_created_dialog;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use serde_json::{Value, json};
use thirtyfour::prelude::*;

use crate::browser::devtools::DevTools;
use crate::browser::input::{self, InputMode};
use crate::browser::page::{Element, Page};
use crate::browser::scripts;
use crate::browser::wait;
use crate::config::Config;
pub use crate::locators::Engine;
use crate::locators::{Alternative, AxQuery, Key, Locator};

/// The arguments of [`scripts::FIND_VISIBLE`]: the alternatives (see there), the scope, the mode.
fn find_args(alts: Vec<Value>, scope: Option<&Element>, mode: &str) -> Vec<crate::browser::page::Arg> {
    let scope = match scope {
        Some(el) => el.into(),
        None => Value::Null.into(),
    };
    vec![Value::Array(alts).into(), scope, mode.into()]
}

/// One alternative as `js/locate.js` takes it: a question to the browser's
/// accessibility engine when `engine` says so and it is one (`role=` /
/// `label=` parts), else its XPath; a `css=` or `text=` alternative carries
/// its selector or text too, for pages with shadow roots (which XPath does
/// not enter). A bare XPath (`xpath=`, mixed chains) is a string.
fn alt_spec(alt: &Alternative, scoped: bool, engine: Engine) -> Value {
    let xpath = if scoped { alt.scoped.as_str() } else { alt.xpath.as_str() };
    match (&alt.ax, engine) {
        (Some(parts), Engine::AxTree) => {
            let parts: Vec<Value> = parts
                .iter()
                .map(|q| match q {
                    AxQuery::Role { roles, name } => json!({
                        "roles": roles,
                        "name": name.as_ref().map(|(_, n)| n),
                        "contains": name.as_ref().is_some_and(|(c, _)| *c),
                    }),
                    AxQuery::Label(label) => json!({ "label": label }),
                })
                .collect();
            json!({ "ax": parts, "xpath": xpath })
        }
        _ => match (alt.source.strip_prefix("css="), alt.source.strip_prefix("text=")) {
            (Some(css), _) => json!({ "css": css.trim(), "xpath": xpath }),
            (_, Some(text)) => json!({ "text": text.trim(), "xpath": xpath }),
            _ => json!(xpath),
        },
    }
}

/// A locator meant to find one element matched several visible ones: an
/// error, never "take the first" (the first in document order may be a
/// backdrop, a wrapper or a stale copy; the page object cannot tell).
#[derive(Debug, Clone)]
pub struct Ambiguous {
    pub key: String,
    /// The winning alternative's text and its position (1-based) of how many.
    pub alternative: String,
    pub position: usize,
    pub alternatives: usize,
    pub count: usize,
    /// (tag, role, accessible name, short outer HTML) of the first few matches.
    pub items: Vec<(String, String, String, String)>,
}

impl std::fmt::Display for Ambiguous {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let which = if self.alternatives > 1 {
            format!("its alternative {} of {} `{}`", self.position, self.alternatives, self.alternative)
        } else {
            format!("`{}`", self.alternative)
        };
        write!(f, "locator '{}' is ambiguous: {which} matches {} visible elements, and it must match exactly one:", self.key, self.count)?;
        for (i, (tag, role, name, html)) in self.items.iter().enumerate() {
            let role = if role.is_empty() { String::new() } else { format!(" role={role}") };
            write!(f, "\n  {}. <{tag}>{role} name \"{name}\": {html}", i + 1)?;
        }
        if self.count > self.items.len() {
            write!(f, "\n  ... and {} more", self.count - self.items.len())?;
        }
        write!(
            f,
            "\nOverride \"{}\" in [locators] of the config file (AI_SUITE_CONFIG) with a locator only the intended \
             element matches (e.g. a role with its name, or css=/xpath= for this markup).",
            self.key
        )
    }
}

impl std::error::Error for Ambiguous {}

#[derive(serde::Deserialize)]
struct AmbiguityReport {
    alternative: usize,
    count: usize,
    items: Vec<AmbiguousItem>,
}

#[derive(serde::Deserialize)]
struct AmbiguousItem {
    tag: String,
    role: String,
    name: String,
    html: String,
}

/// What every page object holds: the session, the locator table, the timeouts.
#[derive(Clone)]
pub struct Ui {
    pub driver: WebDriver,
    pub config: Arc<Config>,
    pub base_url: String,
    /// How clicks and typing reach the page (DevTools events, or WebDriver's).
    pub input: InputMode,
    /// The browser speaks DevTools (Chromium): screenshots are taken through it.
    pub chromium: bool,
    /// Scripts, elements and DevTools commands (directly when connected).
    pub page: Page,
    /// How `role=` / `label=` alternatives are resolved (from the config).
    pub engine: Engine,
    /// The engine this browser and channel allow (see [`Ui::engine`]), once asked.
    resolved: Arc<std::sync::OnceLock<Engine>>,
}

impl Ui {
    pub fn new(
        driver: WebDriver,
        config: Arc<Config>,
        base_url: String,
        input: InputMode,
        chromium: bool,
        devtools: Option<DevTools>,
    ) -> Self {
        let page = Page::new(driver.clone(), devtools);
        let engine = config.locator_engine;
        Self { driver, config, base_url, input, chromium, page, engine, resolved: Default::default() }
    }

    pub fn locator(&self, key: Key) -> &Locator {
        self.config.locators.get(key)
    }

    fn timeout(&self) -> Duration {
        self.config.wait
    }

    pub async fn goto(&self, path: &str) -> anyhow::Result<()> {
        let url = format!("{}{}", self.base_url, path);
        self.driver.goto(&url).await.with_context(|| format!("could not open {url}"))
    }

    pub async fn current_url(&self) -> String {
        self.driver.current_url().await.map(|u| u.to_string()).unwrap_or_else(|_| "(unknown)".into())
    }

    /// The engine this session's finds use: the configured one, as far as
    /// this browser and channel allow. The accessibility engine reads the
    /// roles and names the browser computes in the page (Chromium launched
    /// by this suite exposes them); without them it asks WebDriver BiDi when
    /// the session speaks it, and else falls back to XPath, said once per run.
    async fn engine(&self) -> anyhow::Result<Engine> {
        if let Some(&e) = self.resolved.get() {
            return Ok(e);
        }
        let computed = || async {
            anyhow::Ok(self.page.eval("return 'computedRole' in Element.prototype && 'computedName' in Element.prototype;", vec![]).await?.as_bool() == Some(true))
        };
        let e = match self.engine {
            Engine::XPath => Engine::XPath,
            Engine::AxTree if computed().await? => Engine::AxTree,
            Engine::AxTree | Engine::Bidi if self.page.has_bidi().await => Engine::Bidi,
            wanted => {
                static SAID: std::sync::Once = std::sync::Once::new();
                SAID.call_once(|| {
                    let why = match wanted {
                        Engine::Bidi => "this session has no WebDriver BiDi connection the locator engine can use (it needs webSocketUrl and a WebDriver-only channel)",
                        _ => "this browser exposes no computed roles and accessible names to scripts (Chromium does with --enable-blink-features=ComputedAccessibilityInfo) and the session has no WebDriver BiDi",
                    };
                    eprintln!("note: {why}: role= and label= locators use the XPath engine, an approximation of accessible names");
                });
                Engine::XPath
            }
        };
        let _ = self.resolved.set(e);
        Ok(e)
    }

    /// The alternatives of `key` as the page's locator scripts take them
    /// (`src/browser/js/locate.js`): relative to a scope when `scoped`.
    pub async fn specs(&self, key: Key, scoped: bool) -> anyhow::Result<Vec<Value>> {
        let engine = self.engine().await?;
        Ok(self.locator(key).alternatives.iter().map(|a| alt_spec(a, scoped, engine)).collect())
    }

    /// The alternatives of `key` as the page's locator scripts take them,
    /// asked of the browser's own roles and names wherever it has them (the
    /// evidence scripts, which paint over or hide anything a key may mean).
    pub fn page_specs(&self, key: Key, scoped: bool) -> Vec<Value> {
        self.locator(key).alternatives.iter().map(|a| alt_spec(a, scoped, Engine::AxTree)).collect()
    }

    /// One attempt: the one visible element `key` means, inside `scope` if
    /// given (see [`scripts::FIND_VISIBLE`]): `None` when nothing shows yet, an
    /// [`Ambiguous`] error when its winning alternative matches several.
    pub async fn try_find(&self, key: Key, scope: Option<&Element>) -> anyhow::Result<Option<Element>> {
        if self.engine().await? == Engine::Bidi {
            let Some((i, mut found)) = self.matches_by(key, scope, Engine::Bidi).await? else { return Ok(None) };
            if found.len() == 1 {
                if let Some(el) = found.first() {
                    wait::matched(&el.description());
                }
                return Ok(found.pop());
            }
            return Err(self.ambiguous(key, i, &found).await?.into());
        }
        let specs = self.specs(key, scope.is_some()).await?;
        let got = self.page.eval_element_or_value(scripts::FIND_VISIBLE, find_args(specs, scope, "one")).await?;
        match got {
            Ok(el) => {
                if let Some(el) = &el {
                    wait::matched(&el.description());
                }
                Ok(el)
            }
            Err(report) => {
                let text = report.as_str().unwrap_or_default();
                let r: AmbiguityReport = serde_json::from_str(text).with_context(|| format!("unreadable answer of the find script: {report}"))?;
                Err(self.ambiguity(key, r.alternative, r.count, r.items).into())
            }
        }
    }

    /// The winning alternative of `key` by `engine` (its index) and all its
    /// visible matches; `None` when no alternative matches anything visible.
    /// One round trip per alternative tried (for comparing engines; finds
    /// go through [`Ui::try_find`]).
    pub async fn matches_by(&self, key: Key, scope: Option<&Element>, engine: Engine) -> anyhow::Result<Option<(usize, Vec<Element>)>> {
        for (i, alt) in self.locator(key).alternatives.iter().enumerate() {
            let by_bidi = match (&alt.ax, engine) {
                // Boxed: the BiDi calls would otherwise deepen every find's future type.
                (Some(parts), Engine::Bidi) => Box::pin(self.bidi_matches(parts, scope)).await?,
                _ => None,
            };
            let found = match by_bidi {
                // Firefox's BiDi lookup does not enter shadow roots: the page's
                // own flat-tree reading answers there (nothing on a page without any).
                Some(found) if found.is_empty() => {
                    let mut spec = alt_spec(alt, scope.is_some(), Engine::AxTree);
                    if let Some(o) = spec.as_object_mut() {
                        o.insert("shadowOnly".into(), Value::Bool(true));
                    }
                    self.page.eval_elements(scripts::FIND_VISIBLE, find_args(vec![spec], scope, "all")).await?
                }
                Some(found) => found,
                None => {
                    let spec = alt_spec(alt, scope.is_some(), engine);
                    self.page.eval_elements(scripts::FIND_VISIBLE, find_args(vec![spec], scope, "all")).await?
                }
            };
            if !found.is_empty() {
                return Ok(Some((i, found)));
            }
        }
        Ok(None)
    }

    /// The visible matches of one accessibility question (a chain: each part
    /// inside the previous part's matches) through WebDriver BiDi; `None`
    /// when the session has no BiDi. Names are the ones WebDriver computes
    /// (`Get Computed Label`); a label also matches with a required-field
    /// star ("Token Name *").
    async fn bidi_matches(&self, parts: &[AxQuery], scope: Option<&Element>) -> anyhow::Result<Option<Vec<Element>>> {
        let mut from: Vec<Element> = scope.into_iter().cloned().collect();
        let mut field = false;
        for q in parts {
            let mut found = Vec::new();
            // By role, then the names compared here, whitespace-normalised (the
            // driver compares them raw: " Create Token" after an icon).
            // A label's texts: as written, or with a required-field star.
            let label_texts: Vec<String> = match q {
                AxQuery::Label(label) => vec![label.clone(), format!("{label} *"), format!("{label}*")],
                AxQuery::Role { .. } => Vec::new(),
            };
            let asks: Vec<(Option<&str>, Option<String>)> = match q {
                AxQuery::Role { roles, .. } => roles.iter().map(|r| (Some(r.as_str()), None)).collect(),
                AxQuery::Label(_) => label_texts.iter().map(|n| (None, Some(n.clone()))).collect(),
            };
            for (role, name) in asks {
                match self.page.locate_ax(&from, role, name.as_deref()).await? {
                    None => return Ok(None),
                    Some(nodes) => found.extend(nodes),
                }
            }
            // A control the accessibility tree gives no role of its own (Chromium
            // 156.0.8078.114's <input type=date>: its parts are spinbuttons) is
            // not found by name: the fields the browser says the label is for.
            if matches!(q, AxQuery::Label(_)) && found.is_empty() {
                for scope in from.iter().map(Some).chain(from.is_empty().then_some(None)) {
                    let args = vec![json!(label_texts).into(), scope.map(Into::into).unwrap_or_else(|| Value::Null.into())];
                    found.extend(self.page.eval_elements(scripts::LABELLED_FIELDS, args).await?);
                }
            }
            if let AxQuery::Role { name: Some((contains, wanted)), .. } = q {
                let mut named = Vec::new();
                for el in found {
                    let name = self.page.computed_label(&el).await?.split_whitespace().collect::<Vec<_>>().join(" ");
                    if if *contains { name.to_lowercase().contains(&wanted.to_lowercase()) } else { name == *wanted } {
                        named.push(el);
                    }
                }
                found = named;
            }
            let mut seen = std::collections::HashSet::new();
            found.retain(|el| match el {
                Element::WebDriver(e) => seen.insert(e.element_id().to_string()),
                Element::DevTools(id, _) => seen.insert(id.clone()),
            });
            field = matches!(q, AxQuery::Label(_));
            if found.is_empty() {
                return Ok(Some(found));
            }
            from = found;
        }
        let mut args = vec![json!(field).into(), scope.map(Into::into).unwrap_or_else(|| Value::Null.into())];
        args.extend(from.iter().map(Into::into));
        let keep: Vec<bool> = serde_json::from_value(self.page.eval(scripts::VISIBLE_MATCHES, args).await?).context("unreadable visibility answers")?;
        Ok(Some(from.into_iter().zip(keep).filter_map(|(el, k)| k.then_some(el)).collect()))
    }

    /// The error for `key`'s alternative `i` matching the elements `found`
    /// (described in the page, as the find script does).
    async fn ambiguous(&self, key: Key, i: usize, found: &[Element]) -> anyhow::Result<Ambiguous> {
        let text = self.page.eval(scripts::DESCRIBE, found.iter().take(5).map(Into::into).collect()).await?;
        let items: Vec<AmbiguousItem> = serde_json::from_str(text.as_str().unwrap_or("[]")).context("unreadable descriptions of the matches")?;
        Ok(self.ambiguity(key, i, found.len(), items))
    }

    /// `key`'s alternative `i` matched `count` visible elements, these first
    /// (their names and markup redacted).
    fn ambiguity(&self, key: Key, i: usize, count: usize, items: Vec<AmbiguousItem>) -> Ambiguous {
        let loc = self.locator(key);
        Ambiguous {
            key: key.to_string(),
            alternative: loc.alternatives.get(i).map(|a| a.source.clone()).unwrap_or_default(),
            position: i + 1,
            alternatives: loc.alternatives.len(),
            count,
            items: items.into_iter().map(|i| (i.tag, i.role, crate::secret::redact(&i.name), crate::secret::redact(&i.html))).collect(),
        }
    }

    /// One attempt: the first visible match of a raw XPath, relative to
    /// `scope` when given. Only for XPaths built to match one element (a row by
    /// its name); locators by key go through [`Ui::try_find`].
    pub async fn try_find_xpath(&self, xpath: &str, scope: Option<&Element>) -> anyhow::Result<Option<Element>> {
        Ok(self.page.eval_elements(scripts::FIND_VISIBLE, find_args(vec![json!(xpath)], scope, "all")).await?.into_iter().next())
    }

    /// All visible matches of `key` inside `scope` (one attempt, no wait):
    /// those of its first alternative that matches anything. For keys meant
    /// to match many (the form's fields).
    pub async fn find_all_visible(&self, key: Key, scope: Option<&Element>) -> anyhow::Result<Vec<Element>> {
        if self.engine().await? == Engine::Bidi {
            return Ok(self.matches_by(key, scope, Engine::Bidi).await?.map(|(_, found)| found).unwrap_or_default());
        }
        let specs = self.specs(key, scope.is_some()).await?;
        self.page.eval_elements(scripts::FIND_VISIBLE, find_args(specs, scope, "all")).await
    }

    /// Waits for `check` like [`wait::until`]; when it timed out while `key`
    /// was ambiguous, the error is the ambiguity (the list of matches and the
    /// key to override), not a bare timeout.
    pub async fn until<T, F, Fut>(&self, what: &str, check: F) -> anyhow::Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = anyhow::Result<Option<T>>>,
    {
        let last: std::cell::RefCell<Option<Ambiguous>> = Default::default();
        let check = std::cell::RefCell::new(check);
        let r = wait::until(what, self.timeout(), self.config.poll, || {
            let fut = (check.borrow_mut())();
            let last = &last;
            async move {
                let r = fut.await;
                *last.borrow_mut() = match &r {
                    Err(e) => e.downcast_ref::<Ambiguous>().cloned(),
                    Ok(_) => None,
                };
                r
            }
        })
        .await;
        r.map_err(|e| match last.into_inner() {
            Some(amb) => anyhow::Error::new(amb).context(format!("{e}")),
            None => e,
        })
    }

    /// The region `title` names (see [`scripts::REGION`]), optionally one that
    /// holds a visible match of `needs` (a locator key, searched inside it).
    pub async fn region_named_by(&self, title: &Element, needs: Option<Key>) -> anyhow::Result<Option<Element>> {
        // The BiDi engine asks the driver, which a page script cannot: here the
        // browser's computed roles stand in where it has them (else the XPath).
        let needs = match needs {
            Some(k) if self.engine().await? == Engine::Bidi => self.page_specs(k, true),
            Some(k) => self.specs(k, true).await?,
            None => Vec::new(),
        };
        self.page.eval_element(scripts::REGION, vec![title.into(), json!(needs).into()]).await
    }

    /// Waits for the heading `key` and returns the region it names, holding `needs` when given.
    pub async fn find_region(&self, key: Key, needs: Option<Key>, what: &str) -> anyhow::Result<Element> {
        let desc = match needs {
            Some(n) => format!("{what}: the region the heading names, holding {n} = {}", self.locator(n).source),
            None => format!("{what}: the region the heading names"),
        };
        let r = self
            .until(&self.describe(key, &desc), || async {
                let Some(title) = self.try_find(key, None).await? else { return Ok(None) };
                self.region_named_by(&title, needs).await
            })
            .await;
        self.with_candidates(key, None, r).await
    }

    /// A failed find's evidence: what `key`'s alternatives matched (shown
    /// and hidden) and, where none shows, the near misses (see
    /// [`scripts::CANDIDATES`]); kept with the step's waits for the report and
    /// written beside the failure's DOM. The error is passed through.
    async fn with_candidates<T>(&self, key: Key, scope: Option<&Element>, r: anyhow::Result<T>) -> anyhow::Result<T> {
        if r.is_err() {
            let text = match self.candidates(key, scope).await {
                Ok(text) => text,
                Err(e) => format!("the candidates could not be listed: {e:#}"),
            };
            wait::note_candidates(crate::secret::redact(&text));
        }
        r
    }

    async fn candidates(&self, key: Key, scope: Option<&Element>) -> anyhow::Result<String> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Alt {
            visible: usize,
            hidden: usize,
            items: Vec<AmbiguousItem>,
            hidden_items: Vec<AmbiguousItem>,
            near: Vec<AmbiguousItem>,
        }
        // The browser's engine when it has one, else the XPath translation.
        let engine = match self.engine().await? {
            Engine::Bidi => Engine::XPath,
            e => e,
        };
        let loc = self.locator(key);
        let specs: Vec<Value> = loc.alternatives.iter().map(|a| alt_spec(a, scope.is_some(), engine)).collect();
        let args = vec![Value::Array(specs).into(), scope.map(Into::into).unwrap_or_else(|| Value::Null.into())];
        let answer = self.page.eval(scripts::CANDIDATES, args).await?;
        let alts: Vec<Alt> = serde_json::from_str(answer.as_str().unwrap_or("[]")).context("unreadable candidates")?;
        // A heading (when there is one and something under it), then one line per element.
        let list = |out: &mut String, heading: Option<&str>, items: &[AmbiguousItem]| {
            if let (Some(h), false) = (heading, items.is_empty()) {
                out.push_str(&format!("\n    {h}"));
            }
            for i in items {
                let role = if i.role.is_empty() { String::new() } else { format!(" role={}", i.role) };
                out.push_str(&format!("\n      <{}>{role} name \"{}\": {}", i.tag, i.name, i.html));
            }
        };
        let mut out = format!("locator {key} = {}", loc.source);
        for (n, (alt, found)) in loc.alternatives.iter().zip(&alts).enumerate() {
            out.push_str(&format!("\n  alternative {} `{}`: {} visible, {} hidden", n + 1, alt.source, found.visible, found.hidden));
            list(&mut out, None, &found.items);
            list(&mut out, Some("hidden:"), &found.hidden_items);
            list(&mut out, Some("visible elements of that role (any name) or fields (any label):"), &found.near);
        }
        Ok(out)
    }

    fn describe(&self, key: Key, what: &str) -> String {
        format!("{what} (locator {key} = {})", self.locator(key).source)
    }

    /// Waits until `key` is visible and returns it.
    pub async fn find(&self, key: Key, what: &str) -> anyhow::Result<Element> {
        self.find_in(key, None, what).await
    }

    pub async fn find_in(&self, key: Key, scope: Option<&Element>, what: &str) -> anyhow::Result<Element> {
        let desc = self.describe(key, what);
        let r = self.until(&desc, || self.try_find(key, scope)).await;
        self.with_candidates(key, scope, r).await
    }

    /// Waits until `key` is no longer visible.
    pub async fn wait_gone(&self, key: Key, what: &str) -> anyhow::Result<()> {
        let desc = self.describe(key, &format!("{what} to close"));
        wait::until(&desc, self.timeout(), self.config.poll, || async {
            Ok(self.find_all_visible(key, None).await?.is_empty().then_some(()))
        })
        .await
    }

    /// Waits until `key` is visible, enabled, still and uncovered, then clicks it like a user.
    pub async fn click(&self, key: Key, scope: Option<&Element>, what: &str) -> anyhow::Result<()> {
        let desc = self.describe(key, &format!("{what} to be clickable"));
        let r = self
            .until(&desc, || async {
                let Some(el) = self.try_find(key, scope).await? else { return Ok(None) };
                self.try_click(&el).await
            })
            .await;
        self.with_candidates(key, scope, r).await
    }

    /// Clicks an element already found, once it is actionable.
    pub async fn click_element(&self, el: &Element, what: &str) -> anyhow::Result<()> {
        wait::until(&format!("{what} to be clickable"), self.timeout(), self.config.poll, || self.try_click(el)).await
    }

    /// One attempt; `Ok(None)` (try again) with the reason kept for the timeout message.
    pub async fn try_click(&self, el: &Element) -> anyhow::Result<Option<()>> {
        match input::try_click(&self.page, self.input, el).await? {
            Ok(()) => Ok(Some(())),
            Err(reason) => Err(anyhow::anyhow!(reason)),
        }
    }

    /// Waits until `key` is visible and enabled; returns it.
    pub async fn wait_enabled(&self, key: Key, scope: Option<&Element>, what: &str) -> anyhow::Result<Element> {
        let desc = self.describe(key, &format!("{what} to be enabled"));
        let r = self
            .until(&desc, || async {
                let Some(el) = self.try_find(key, scope).await? else { return Ok(None) };
                Ok(self.page.is_enabled(&el).await?.then_some(el))
            })
            .await;
        self.with_candidates(key, scope, r).await
    }

    /// Types into a field like a user: click it, select what is there, type.
    pub async fn type_into(&self, field: &Element, text: &str) -> anyhow::Result<()> {
        self.click_element(field, "the field").await?;
        input::type_text(&self.page, self.input, field, text).await
    }

    /// The background colour a user sees on `el` (`rgb(...)`): its own when it
    /// paints one; else (a web component's host paints nothing, a label inside
    /// a button neither) what is under its centre, down through open shadow
    /// roots, and up from there to the first element that paints.
    pub async fn painted_background(&self, el: &Element) -> anyhow::Result<String> {
        Ok(self.page.eval(scripts::PAINTED_BACKGROUND, vec![el.into()]).await?.as_str().unwrap_or_default().to_string())
    }

    pub async fn value_of(&self, field: &Element) -> anyhow::Result<String> {
        Ok(self.page.prop(field, "value").await?.unwrap_or_default())
    }

    /// The page's visible text plus every attribute value: for "is this secret anywhere?".
    pub async fn page_text_and_attributes(&self) -> anyhow::Result<String> {
        let ret = self.page.eval(scripts::PAGE_TEXT, vec![]).await?;
        Ok(ret.as_str().unwrap_or_default().to_string())
    }
}
