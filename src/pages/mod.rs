//! Page objects: one per screen of the guide. They own the locators (typed keys,
//! from [`crate::locators`]) and the waits; steps only call their intent methods.
//!
//! [`Ui`], what every page object holds, is here with the waits and actions a
//! user's step is made of; how an element is found by its key is in `locate`,
//! what a find that went wrong shows in `ambiguity`, and the region a heading
//! names in `region`.

pub mod access_control;
mod ambiguity;
pub mod create_token_modal;
pub mod keyboard;
mod locate;
pub mod login;
pub mod pager;
pub mod profile_menu;
pub mod profile_page;
mod region;
mod repair;
mod spec;
pub mod table;
pub mod token_created_dialog;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use thirtyfour::prelude::*;

use crate::browser::devtools::DevTools;
use crate::browser::input::{self, InputMode};
use crate::browser::page::{Element, Page};
use crate::browser::scripts;
use crate::browser::wait;
use crate::config::Config;
pub use ambiguity::Ambiguous;
pub use crate::locators::Engine;
use crate::locators::{Key, Locator};

/// What every page object holds: the session, the locator table, the timeouts.
#[derive(Clone)]
pub struct Ui {
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
    /// The run's fingerprints and suggestions (none: finds keep nothing).
    pub repair: Option<Arc<crate::repair::Book>>,
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
        let page = Page::new(driver, devtools);
        let engine = config.locator_engine;
        Self { config, base_url, input, chromium, page, engine, resolved: Default::default(), repair: None }
    }

    /// This UI, of a session that switches to the page's tab when a
    /// WebDriver command first needs it (see [`crate::browser::tab`]).
    pub fn switching(mut self, switch: Option<Arc<crate::browser::tab::TabSwitch>>) -> Self {
        self.page = self.page.switching(switch);
        self
    }

    /// The WebDriver session, on the page's tab (for WebDriver commands).
    pub async fn driver(&self) -> anyhow::Result<&WebDriver> {
        self.page.driver().await
    }

    pub fn locator(&self, key: Key) -> &Locator {
        self.config.locators.get(key)
    }

    fn timeout(&self) -> Duration {
        self.config.wait
    }

    /// Opens the target's `path` and waits for its document to load.
    pub async fn goto(&self, path: &str) -> anyhow::Result<()> {
        let url = format!("{}{}", self.base_url, path);
        self.goto_url(&url).await
    }

    /// Opens `url` and waits for its document to load.
    pub async fn goto_url(&self, url: &str) -> anyhow::Result<()> {
        self.page.navigate(url, self.config.page_load, self.config.poll).await.with_context(|| format!("could not open {url}"))
    }

    /// Reloads the page, as the browser's Reload does, and waits for it to load.
    pub async fn refresh(&self) -> anyhow::Result<()> {
        self.page.reload(self.config.page_load, self.config.poll).await.context("could not reload the page")
    }

    pub async fn current_url(&self) -> String {
        self.page.url().await
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
