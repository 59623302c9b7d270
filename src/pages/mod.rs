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
use crate::locators::Locator;

/// Finds the first *visible* element matching an XPath, in one round trip.
const FIND_VISIBLE_JS: &str = r#"
const [xpath, scope, all] = arguments;
const snap = document.evaluate(xpath, scope || document, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
const out = [];
for (let i = 0; i < snap.snapshotLength; i++) {
  const el = snap.snapshotItem(i);
  if (!(el instanceof Element)) continue;
  const visible = el.checkVisibility ? el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })
                                     : !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  if (visible && el.getClientRects().length) { out.push(el); if (!all) break; }
}
return all ? out : (out[0] || null);
"#;

/// The arguments of [`FIND_VISIBLE_JS`].
fn find_args(xpath: &str, scope: Option<&Element>, all: bool) -> Vec<crate::browser::page::Arg> {
    let scope = match scope {
        Some(el) => el.into(),
        None => serde_json::Value::Null.into(),
    };
    vec![xpath.into(), scope, json!(all).into()]
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
        Self { driver, config, base_url, input, chromium, page }
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

    /// One attempt: the first visible match of `key`, inside `scope` if given.
    pub async fn try_find(&self, key: &str, scope: Option<&Element>) -> anyhow::Result<Option<Element>> {
        self.try_find_xpath(self.xpath(key, scope), scope).await
    }

    /// The XPath of `key`: relative when searching inside `scope`.
    fn xpath(&self, key: &str, scope: Option<&Element>) -> &str {
        let loc = self.locator(key);
        if scope.is_some() { loc.scoped() } else { loc.xpath.as_str() }
    }

    /// One attempt: the first visible match of a raw XPath, relative to `scope` when given.
    pub async fn try_find_xpath(&self, xpath: &str, scope: Option<&Element>) -> anyhow::Result<Option<Element>> {
        self.page.eval_element(FIND_VISIBLE_JS, find_args(xpath, scope, false)).await
    }

    /// All visible matches of `key` inside `scope` (one attempt, no wait).
    pub async fn find_all_visible(&self, key: &str, scope: Option<&Element>) -> anyhow::Result<Vec<Element>> {
        self.page.eval_elements(FIND_VISIBLE_JS, find_args(self.xpath(key, scope), scope, true)).await
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
        wait::until(&desc, self.timeout(), self.config.poll, || self.try_find(key, scope)).await
    }

    /// Waits until `key` is no longer visible.
    pub async fn wait_gone(&self, key: &str, what: &str) -> anyhow::Result<()> {
        let desc = self.describe(key, &format!("{what} to close"));
        wait::until(&desc, self.timeout(), self.config.poll, || async {
            Ok(self.try_find(key, None).await?.is_none().then_some(()))
        })
        .await
    }

    /// Waits until `key` is visible, enabled, still and uncovered, then clicks it like a user.
    pub async fn click(&self, key: &str, scope: Option<&Element>, what: &str) -> anyhow::Result<()> {
        let desc = self.describe(key, &format!("{what} to be clickable"));
        wait::until(&desc, self.timeout(), self.config.poll, || async {
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
        wait::until(&desc, self.timeout(), self.config.poll, || async {
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
