//! One browser per concurrency slot, a fresh browser context per scenario.
//!
//! A browser (one ChromeDriver session) is started the first time a scenario
//! of its kind (headless, or headed for the OS clipboard) finds none idle, and
//! is kept for the rest of the run. Each scenario gets a new browser context
//! in it — its own cookies, storage, cache and permissions, as a new profile
//! would have — with one tab, to which the WebDriver session switches; the
//! direct DevTools channel attaches to that tab. The context is disposed when
//! the scenario ends, pass or fail. A browser that stops answering is quit and
//! replaced; the scenario that was using it reports its own failure.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, bail};
use serde_json::json;
use thirtyfour::WindowHandle;

use super::Session;
use super::devtools::{self, DevTools};
use crate::config::Config;
use crate::sync::lock;

/// What a browser start needs.
#[derive(Clone)]
pub struct Launcher {
    pub config: Arc<Config>,
    pub driver_url: String,
    pub chromium: PathBuf,
    pub base_url: String,
}

impl Launcher {
    fn timeout(&self) -> Duration {
        self.config.wait.max(Duration::from_secs(10))
    }
}

/// One running browser and its browser-wide DevTools connection.
struct Browser {
    /// The session as ChromeDriver started it, on its first tab.
    home: Session,
    home_tab: WindowHandle,
    /// The browser's own DevTools target (creates and disposes contexts).
    control: DevTools,
    /// `host:port` of the browser's DevTools endpoint.
    address: String,
    headed: bool,
}

impl Browser {
    async fn start(launcher: &Launcher, headed: bool) -> anyhow::Result<Self> {
        let l = launcher;
        let home = super::new_session(&l.config, &l.driver_url, Some(&l.chromium), &l.base_url, headed).await?;
        let attached = async {
            let address = devtools::debugger_address(&home.driver)
                .context("ChromeDriver did not say where the browser takes DevTools connections (debuggerAddress)")?;
            let version = devtools::endpoint(&address, "/json/version", l.timeout()).await?;
            let Some(url) = version["webSocketDebuggerUrl"].as_str() else {
                bail!("the browser's DevTools endpoint {address} names no browser-wide socket");
            };
            let control = DevTools::connect_url(url, l.timeout()).await?;
            let home_tab = home.driver.window().await.context("could not read the browser's first tab")?;
            Ok((address, control, home_tab))
        }
        .await;
        match attached {
            Ok((address, control, home_tab)) => Ok(Self { home, home_tab, control, address, headed }),
            Err(e) => {
                let _ = home.driver.quit().await;
                Err(e.context("could not attach to the browser's DevTools endpoint to give each scenario its own context"))
            }
        }
    }

    /// A new browser context with one blank tab, and the session switched to it.
    async fn open_context(&self, launcher: &Launcher) -> anyhow::Result<(String, Session)> {
        let created = self.control.send("Target.createBrowserContext", json!({ "disposeOnDetach": false })).await?;
        let Some(id) = created["browserContextId"].as_str().map(str::to_string) else {
            bail!("the browser created a context without an id: {created}");
        };
        let tab = async {
            let target = self.control.send("Target.createTarget", json!({ "url": "about:blank", "browserContextId": id })).await?;
            let Some(tab) = target["targetId"].as_str().map(str::to_string) else {
                bail!("the browser opened a tab without an id: {target}");
            };
            // ChromeDriver's window handles are the tabs' DevTools target ids.
            self.home.driver.switch_to_window(WindowHandle::from(tab.clone())).await.context("WebDriver could not switch to the scenario's tab")?;
            let direct = match self.home.devtools {
                Some(_) => Some(DevTools::connect_url(&format!("ws://{}/devtools/page/{tab}", self.address), launcher.timeout()).await?),
                None => None,
            };
            let session = Session {
                driver: self.home.driver.clone(),
                input: self.home.input,
                chromium: true,
                devtools: direct,
                browser_context: Some(id.clone()),
            };
            super::emulate(&launcher.config, &super::page::Page::new(session.driver.clone(), session.devtools.clone())).await?;
            Ok(session)
        }
        .await;
        match tab {
            Ok(session) => Ok((id, session)),
            Err(e) => {
                let _ = self.close_context(&id).await;
                Err(e)
            }
        }
    }

    /// Back to the first tab, and the context gone with everything in it.
    async fn close_context(&self, id: &str) -> anyhow::Result<()> {
        self.home.driver.switch_to_window(self.home_tab.clone()).await.context("WebDriver could not switch back to the browser's first tab")?;
        self.control.send("Target.disposeBrowserContext", json!({ "browserContextId": id })).await?;
        Ok(())
    }

    async fn quit(self) {
        let _ = tokio::time::timeout(Duration::from_secs(10), self.home.driver.quit()).await;
    }
}

/// A scenario's own context in one of the run's browsers.
pub struct Lease {
    browser: Browser,
    context: String,
    pub session: Session,
    /// A new browser had to be started for it.
    pub started_browser: bool,
}

/// The run's browsers, idle between scenarios.
pub struct Browsers {
    launcher: Launcher,
    idle: Mutex<Vec<Browser>>,
    started: AtomicUsize,
    replaced: AtomicUsize,
    /// Browsers running now (idle or in use), at most `slots`.
    live: AtomicUsize,
    slots: usize,
}

impl Browsers {
    /// At most `slots` browsers run at once (one per concurrency slot).
    pub fn new(launcher: Launcher, slots: usize) -> Self {
        Self {
            launcher,
            idle: Mutex::new(Vec::new()),
            started: AtomicUsize::new(0),
            replaced: AtomicUsize::new(0),
            live: AtomicUsize::new(0),
            slots: slots.max(1),
        }
    }

    /// An idle browser of this kind, taken out of the idle list.
    fn take_idle(&self, headed: bool) -> Option<Browser> {
        let mut idle = lock(&self.idle);
        idle.iter().position(|b| b.headed == headed).map(|i| idle.swap_remove(i))
    }

    async fn retire(&self, browser: Browser) {
        self.live.fetch_sub(1, Ordering::Relaxed);
        browser.quit().await;
    }

    /// A fresh context for one scenario, in an idle browser of the kind asked
    /// for, or in one started now.
    pub async fn open(&self, headed: bool) -> anyhow::Result<Lease> {
        if let Some(browser) = self.take_idle(headed) {
            match browser.open_context(&self.launcher).await {
                Ok((context, session)) => return Ok(Lease { browser, context, session, started_browser: false }),
                Err(e) => {
                    eprintln!("note: a browser of this run stopped answering ({e:#}); it is replaced by a new one");
                    self.replaced.fetch_add(1, Ordering::Relaxed);
                    self.retire(browser).await;
                }
            }
        }
        // One browser per slot: an idle one of the other kind (the headed
        // browser of a @serial clipboard scenario, say) makes way.
        if self.live.load(Ordering::Relaxed) >= self.slots
            && let Some(other) = self.take_idle(!headed)
        {
            self.retire(other).await;
        }
        let browser = Browser::start(&self.launcher, headed).await?;
        self.started.fetch_add(1, Ordering::Relaxed);
        self.live.fetch_add(1, Ordering::Relaxed);
        match browser.open_context(&self.launcher).await {
            Ok((context, session)) => Ok(Lease { browser, context, session, started_browser: true }),
            Err(e) => {
                self.retire(browser).await;
                Err(e.context("a new browser could not open a context for the scenario"))
            }
        }
    }

    /// Disposes the scenario's context; its browser waits for the next
    /// scenario, or is quit if it no longer answers.
    pub async fn close(&self, lease: Lease) {
        let Lease { browser, context, .. } = lease;
        match browser.close_context(&context).await {
            Ok(()) => lock(&self.idle).push(browser),
            Err(e) => {
                eprintln!("note: a browser of this run could not close a scenario's context ({e:#}); it is replaced for the next scenario");
                self.replaced.fetch_add(1, Ordering::Relaxed);
                self.retire(browser).await;
            }
        }
    }

    /// Browsers started so far, and how many of them were replaced.
    pub fn counts(&self) -> (usize, usize) {
        (self.started.load(Ordering::Relaxed), self.replaced.load(Ordering::Relaxed))
    }

    /// Quits every idle browser (the run's end).
    pub async fn quit_all(&self) {
        let idle: Vec<Browser> = std::mem::take(&mut *lock(&self.idle));
        futures::future::join_all(idle.into_iter().map(|b| self.retire(b))).await;
    }
}
