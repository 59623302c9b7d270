//! Page objects: one per screen of the guide. They own the locators (by key,
//! from [`crate::locators`]) and the waits; steps only call their intent methods.

pub mod access_control;
pub mod create_token_modal;
pub mod login;
pub mod profile_menu;
pub mod profile_page;
pub mod table;
pub mod token_created_dialog;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use serde_json::json;
use thirtyfour::prelude::*;

use crate::browser::devtools::DevTools;
use crate::browser::input::{self, InputMode};
use crate::browser::page::{Element, Page};
use crate::browser::wait;
use crate::config::Config;
use crate::locators::{AxQuery, Locator};

/// How an ambiguity shows a match: tag, role, a name, a short outer HTML
/// (long token-like values and password values hidden).
macro_rules! describe_js {
    () => {
        r#"
const text = (el) => (el.innerText || el.textContent || '').replace(/\s+/g, ' ').trim();
const hide = (t) => t.replace(/[A-Za-z0-9_\-]{32,}/g, '[long value hidden]');
const implicit = (el) => {
  const t = el.tagName.toLowerCase(), type = (el.getAttribute('type') || 'text').toLowerCase();
  if (/^h[1-6]$/.test(t)) return 'heading';
  if (t === 'input') return ['button', 'submit', 'reset'].includes(type) ? 'button' : type === 'checkbox' ? 'checkbox' : 'textbox';
  return { a: el.hasAttribute('href') ? 'link' : '', button: 'button', textarea: 'textbox', select: 'combobox', table: 'table',
    dialog: 'dialog', nav: 'navigation', main: 'main', header: 'banner', ul: 'list', ol: 'list', li: 'listitem',
    tr: 'row', td: 'cell', th: 'columnheader', img: 'img', form: 'form', section: 'region', body: 'document' }[t] || '';
};
const name = (el) => {
  const by = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean)
    .map((id) => text(document.getElementById(id) || document.createElement('i'))).join(' ');
  const label = el.labels && el.labels[0] ? text(el.labels[0]) : '';
  return (by || el.getAttribute('aria-label') || label || el.getAttribute('alt') || text(el) || el.getAttribute('title')
    || el.getAttribute('placeholder') || '').slice(0, 60);
};
const describe = (el) => {
  let html = el.outerHTML.replace(/\s+/g, ' ');
  if (el.type === 'password') html = html.replace(/value="[^"]*"/, 'value="[hidden]"');
  if (html.length > 140) html = html.slice(0, 137) + '...';
  return { tag: el.tagName.toLowerCase(), role: el.getAttribute('role') || implicit(el), name: hide(name(el)), html: hide(html) };
};
"#
    };
}

/// Finds visible elements of a locator's alternatives, tried in order: the
/// first alternative with any visible match wins. `mode` is
/// - `"one"` (strict): that alternative's one match, `null` for none, or, when
///   it matches several, a JSON text describing them (what [`Ambiguous`] shows);
/// - `"all"`: every visible match of that alternative (an array).
///
/// One round trip either way.
const FIND_VISIBLE_JS: &str = concat!(describe_js!(), r#"
const [alts, scope, mode] = arguments;
const root = scope || document;
const shown = (el) => (el.checkVisibility ? el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })
                                          : !!(el.offsetWidth || el.offsetHeight)) && el.getClientRects().length > 0;
const visible = (xpath, max) => {
  const snap = document.evaluate(xpath, root, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
  const out = [];
  for (let i = 0; i < snap.snapshotLength && out.length < max; i++) {
    const el = snap.snapshotItem(i);
    if (el instanceof Element && shown(el)) out.push(el);
  }
  return out;
};
for (let a = 0; a < alts.length; a++) {
  const found = visible(alts[a], mode === 'all' ? Infinity : 2);
  if (!found.length) continue;
  if (mode === 'all') return found;
  if (found.length === 1) return found[0];
  // Several: say which, as a user would tell them apart.
  const all = visible(alts[a], Infinity);
  const items = all.slice(0, 5).map(describe);
  return JSON.stringify({ alternative: a, count: all.length, items });
}
return mode === 'all' ? [] : null;
"#);

/// The descriptions of the elements passed, as [`Ambiguous`] lists them (JSON text).
const DESCRIBE_JS: &str = concat!(describe_js!(), "return JSON.stringify([...arguments].map(describe));");

/// The arguments of [`FIND_VISIBLE_JS`].
fn find_args(xpaths: &[&str], scope: Option<&Element>, mode: &str) -> Vec<crate::browser::page::Arg> {
    let scope = match scope {
        Some(el) => el.into(),
        None => serde_json::Value::Null.into(),
    };
    vec![json!(xpaths).into(), scope, mode.into()]
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

/// The region a heading (or any title element) names, as a user reads it:
/// 1. the element labelled by it (`aria-labelledby` holding its id): an
///    ancestor first, else any visible one;
/// 2. the nearest `section` / `article` / `aside` / `[role=region]` /
///    `[role=dialog]` / `form` / `fieldset` ancestor whose first heading it is;
/// 3. else the nearest ancestor that holds it and more than it.
///
/// With `needs` (alternatives' XPaths relative to the region), only a region
/// holding a visible match of one of them counts, and step 3 goes on up until
/// one does (the table under a card header that holds only the title and a
/// button). `null` when there is none.
const REGION_JS: &str = r#"
const [title, needs] = arguments;
const shown = (el) => el.checkVisibility ? el.checkVisibility({ checkVisibilityCSS: true }) : el.getClientRects().length > 0;
const has = (box) => !needs || !needs.length || needs.some((xp) => {
  const snap = document.evaluate(xp, box, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
  for (let i = 0; i < snap.snapshotLength; i++) if (snap.snapshotItem(i) instanceof Element && shown(snap.snapshotItem(i))) return true;
  return false;
});
const text = (el) => (el.innerText || el.textContent || '').replace(/\s+/g, ' ').trim();
const top = document.body;
if (title.id) {
  const names = (el) => (el.getAttribute('aria-labelledby') || '').split(/\s+/).includes(title.id);
  for (let a = title.parentElement; a && a !== top; a = a.parentElement) if (names(a) && has(a)) return a;
  for (const el of document.querySelectorAll('[aria-labelledby]')) if (names(el) && shown(el) && has(el)) return el;
}
const headings = 'h1, h2, h3, h4, h5, h6, [role=heading], legend';
const heading = title.matches(headings) ? title : title.closest(headings);
for (let a = title.parentElement; heading && a && a !== top; a = a.parentElement) {
  if (a.matches('section, article, aside, [role=region], [role=dialog], [role=alertdialog], dialog, form, fieldset')
      && a.querySelector(headings) === heading && has(a)) return a;
}
const own = text(title).length;
for (let a = title.parentElement; a && a !== document.documentElement; a = a.parentElement) {
  if (text(a).length > own && has(a)) return a;
}
return null;
"#;

/// How `role=` and `label=` alternatives are resolved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Engine {
    /// The locator table's XPath translation (an approximation of the
    /// browser's roles and accessible names), in one script per find.
    #[default]
    XPath,
    /// The browser's own accessibility tree (`Accessibility.queryAXTree` on
    /// the DevTools channel): roles and names as the browser computes them.
    /// Other alternatives, and channels without DevTools, use XPath.
    AxTree,
}

/// Is a candidate from the accessibility tree a visible match (inside the
/// scope, not the scope itself; a form field when `field`)?
/// One answer per candidate passed, in one round trip.
const AX_CANDIDATE_JS: &str = r#"
const [field, scope, ...els] = arguments;
return els.map((el) => {
  if (!(el instanceof Element) || el === scope || !el.isConnected) return false;
  const shown = (el.checkVisibility ? el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })
                                    : !!(el.offsetWidth || el.offsetHeight)) && el.getClientRects().length > 0;
  if (!shown) return false;
  return !field || el.matches('input:not([type=hidden]), textarea, select, [contenteditable=true], [role=textbox], [role=combobox], [role=searchbox], [role=spinbutton]');
});
"#;

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
    /// How `role=` / `label=` alternatives are resolved (XPath unless set).
    pub engine: Engine,
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
        Self { driver, config, base_url, input, chromium, page, engine: Engine::XPath }
    }

    pub fn locator(&self, key: &str) -> &Locator {
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

    /// One attempt: the one visible element `key` means, inside `scope` if
    /// given (see [`FIND_VISIBLE_JS`]): `None` when nothing shows yet, an
    /// [`Ambiguous`] error when its winning alternative matches several.
    pub async fn try_find(&self, key: &str, scope: Option<&Element>) -> anyhow::Result<Option<Element>> {
        if self.engine == Engine::AxTree {
            return self.try_find_by_tree(key, scope).await;
        }
        let loc = self.locator(key);
        let got = self.page.eval_element_or_value(FIND_VISIBLE_JS, find_args(&loc.xpaths(scope.is_some()), scope, "one")).await?;
        match got {
            Ok(el) => Ok(el),
            Err(report) => {
                let text = report.as_str().unwrap_or_default();
                let r: AmbiguityReport = serde_json::from_str(text).with_context(|| format!("unreadable answer of the find script: {report}"))?;
                let alt = loc.alternatives.get(r.alternative).map(|a| a.source.clone()).unwrap_or_default();
                let items = r.items.into_iter().map(|i| (i.tag, i.role, crate::secret::redact(&i.name), crate::secret::redact(&i.html))).collect();
                Err(Ambiguous {
                    key: key.to_string(),
                    alternative: alt,
                    position: r.alternative + 1,
                    alternatives: loc.alternatives.len(),
                    count: r.count,
                    items,
                }
                .into())
            }
        }
    }

    /// [`Ui::try_find`] with the accessibility-tree engine.
    async fn try_find_by_tree(&self, key: &str, scope: Option<&Element>) -> anyhow::Result<Option<Element>> {
        let Some((i, mut found)) = self.matches_by(key, scope, Engine::AxTree).await? else { return Ok(None) };
        if found.len() == 1 {
            return Ok(found.pop());
        }
        let loc = self.locator(key);
        let args = found.iter().take(5).map(|e| e.into()).collect();
        let text = self.page.eval(DESCRIBE_JS, args).await?;
        let items: Vec<AmbiguousItem> = serde_json::from_str(text.as_str().unwrap_or("[]")).context("unreadable descriptions of the matches")?;
        Err(Ambiguous {
            key: key.to_string(),
            alternative: loc.alternatives[i].source.clone(),
            position: i + 1,
            alternatives: loc.alternatives.len(),
            count: found.len(),
            items: items.into_iter().map(|i| (i.tag, i.role, crate::secret::redact(&i.name), crate::secret::redact(&i.html))).collect(),
        }
        .into())
    }

    /// The winning alternative of `key` by `engine` (its index) and all its
    /// visible matches; `None` when no alternative matches anything visible.
    /// `role=` / `label=` alternatives go to the accessibility tree with
    /// [`Engine::AxTree`] when the channel can ask it (else XPath, said once).
    pub async fn matches_by(&self, key: &str, scope: Option<&Element>, engine: Engine) -> anyhow::Result<Option<(usize, Vec<Element>)>> {
        let loc = self.locator(key);
        for (i, alt) in loc.alternatives.iter().enumerate() {
            let by_tree = match (&alt.ax, engine) {
                (Some(q), Engine::AxTree) => self.tree_matches(q, scope).await?,
                _ => None,
            };
            let found = match by_tree {
                Some(found) => found,
                None => {
                    let xpath = if scope.is_some() { alt.scoped.as_str() } else { alt.xpath.as_str() };
                    self.page.eval_elements(FIND_VISIBLE_JS, find_args(&[xpath], scope, "all")).await?
                }
            };
            if !found.is_empty() {
                return Ok(Some((i, found)));
            }
        }
        Ok(None)
    }

    /// The visible matches of one accessibility query; `None` when this
    /// channel has no accessibility tree to ask (said once per run).
    async fn tree_matches(&self, q: &AxQuery, scope: Option<&Element>) -> anyhow::Result<Option<Vec<Element>>> {
        let (role_names, name, contains, field) = match q {
            AxQuery::Role { roles, name } => (roles.clone(), name.as_ref().map(|(_, n)| n.clone()), name.as_ref().is_some_and(|(c, _)| *c), false),
            AxQuery::Label(label) => (vec![String::new()], Some(label.clone()), false, true),
        };
        let mut candidates = Vec::new();
        for role in &role_names {
            let role = (!role.is_empty()).then_some(role.as_str());
            // A substring of the name: ask by role, compare the names here.
            let exact = if contains { None } else { name.as_deref() };
            match self.page.query_ax(scope, role, exact).await? {
                None => {
                    static SAID: std::sync::Once = std::sync::Once::new();
                    SAID.call_once(|| eprintln!("note: no accessibility tree on this channel (no direct DevTools connection): role= and label= locators use the XPath engine"));
                    return Ok(None);
                }
                Some(nodes) => candidates.extend(nodes),
            }
        }
        let needle = name.as_deref().unwrap_or_default().to_lowercase();
        let named: Vec<Element> =
            candidates.into_iter().filter(|(_, _, computed)| !contains || computed.to_lowercase().contains(&needle)).map(|(el, _, _)| el).collect();
        if named.is_empty() {
            return Ok(Some(named));
        }
        let mut args = vec![json!(field).into(), scope.map(Into::into).unwrap_or_else(|| serde_json::Value::Null.into())];
        args.extend(named.iter().map(Into::into));
        let keep = self.page.eval(AX_CANDIDATE_JS, args).await?;
        let keep: Vec<bool> = serde_json::from_value(keep).context("unreadable visibility answers")?;
        Ok(Some(named.into_iter().zip(keep).filter_map(|(el, k)| k.then_some(el)).collect()))
    }

    /// One attempt: the first visible match of a raw XPath, relative to
    /// `scope` when given. Only for XPaths built to match one element (a row by
    /// its name); locators by key go through [`Ui::try_find`].
    pub async fn try_find_xpath(&self, xpath: &str, scope: Option<&Element>) -> anyhow::Result<Option<Element>> {
        Ok(self.page.eval_elements(FIND_VISIBLE_JS, find_args(&[xpath], scope, "all")).await?.into_iter().next())
    }

    /// All visible matches of `key` inside `scope` (one attempt, no wait):
    /// those of its first alternative that matches anything. For keys meant
    /// to match many (the form's fields).
    pub async fn find_all_visible(&self, key: &str, scope: Option<&Element>) -> anyhow::Result<Vec<Element>> {
        let loc = self.locator(key);
        self.page.eval_elements(FIND_VISIBLE_JS, find_args(&loc.xpaths(scope.is_some()), scope, "all")).await
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

    /// The region `title` names (see [`REGION_JS`]), optionally one that
    /// holds a visible match of `needs` (a locator key, searched inside it).
    pub async fn region_named_by(&self, title: &Element, needs: Option<&str>) -> anyhow::Result<Option<Element>> {
        let needs: Vec<&str> = needs.map(|k| self.locator(k).xpaths(true)).unwrap_or_default();
        self.page.eval_element(REGION_JS, vec![title.into(), json!(needs).into()]).await
    }

    /// Waits for the heading `key` and returns the region it names, holding `needs` when given.
    pub async fn find_region(&self, key: &str, needs: Option<&str>, what: &str) -> anyhow::Result<Element> {
        let desc = match needs {
            Some(n) => format!("{what}: the region the heading names, holding {n} = {}", self.locator(n).source),
            None => format!("{what}: the region the heading names"),
        };
        self.until(&self.describe(key, &desc), || async {
            let Some(title) = self.try_find(key, None).await? else { return Ok(None) };
            self.region_named_by(&title, needs).await
        })
        .await
    }

    fn describe(&self, key: &str, what: &str) -> String {
        format!("{what} (locator {key} = {})", self.locator(key).source)
    }

    /// Waits until `key` is visible and returns it.
    pub async fn find(&self, key: &str, what: &str) -> anyhow::Result<Element> {
        self.find_in(key, None, what).await
    }

    pub async fn find_in(&self, key: &str, scope: Option<&Element>, what: &str) -> anyhow::Result<Element> {
        let desc = self.describe(key, what);
        self.until(&desc, || self.try_find(key, scope)).await
    }

    /// Waits until `key` is no longer visible.
    pub async fn wait_gone(&self, key: &str, what: &str) -> anyhow::Result<()> {
        let desc = self.describe(key, &format!("{what} to close"));
        wait::until(&desc, self.timeout(), self.config.poll, || async {
            Ok(self.find_all_visible(key, None).await?.is_empty().then_some(()))
        })
        .await
    }

    /// Waits until `key` is visible, enabled, still and uncovered, then clicks it like a user.
    pub async fn click(&self, key: &str, scope: Option<&Element>, what: &str) -> anyhow::Result<()> {
        let desc = self.describe(key, &format!("{what} to be clickable"));
        self.until(&desc, || async {
            let Some(el) = self.try_find(key, scope).await? else { return Ok(None) };
            self.try_click(&el).await
        })
        .await
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
    pub async fn wait_enabled(&self, key: &str, scope: Option<&Element>, what: &str) -> anyhow::Result<Element> {
        let desc = self.describe(key, &format!("{what} to be enabled"));
        self.until(&desc, || async {
            let Some(el) = self.try_find(key, scope).await? else { return Ok(None) };
            Ok(self.page.is_enabled(&el).await?.then_some(el))
        })
        .await
    }

    /// Types into a field like a user: click it, select what is there, type.
    pub async fn type_into(&self, field: &Element, text: &str) -> anyhow::Result<()> {
        self.click_element(field, "the field").await?;
        input::type_text(&self.page, self.input, field, text).await
    }

    pub async fn value_of(&self, field: &Element) -> anyhow::Result<String> {
        Ok(self.page.prop(field, "value").await?.unwrap_or_default())
    }

    /// The page's visible text plus every attribute value: for "is this secret anywhere?".
    pub async fn page_text_and_attributes(&self) -> anyhow::Result<String> {
        let ret = self
            .page
            .eval(
                r#"const parts = [document.body.innerText];
                   for (const el of document.querySelectorAll('*')) {
                     for (const a of el.attributes) parts.push(a.value);
                     if ('value' in el && typeof el.value === 'string') parts.push(el.value);
                   }
                   return parts.join('\n');"#,
                vec![],
            )
            .await?;
        Ok(ret.as_str().unwrap_or_default().to_string())
    }
}
