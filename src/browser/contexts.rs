//! One browser per concurrency slot, a fresh browser context per scenario.
//!
//! A browser (one WebDriver session: on our ChromeDriver, on a geckodriver
//! of its own, or on a remote WebDriver such as a Grid) is started the first
//! time a scenario of its kind (headless, or headed for the OS clipboard)
//! finds none idle, and is kept for the rest of the run. Each scenario gets a new context in it — its own cookies,
//! storage, cache and permissions, as a new profile would have — with one
//! tab, to which the WebDriver session switches (a Chromium tab with its own
//! DevTools connection: when a WebDriver command first needs it, see
//! [`super::tab`]). Chromium's is a DevTools
//! browser context (`Target.createBrowserContext`), the direct DevTools
//! channel attached to its tab; Firefox's a WebDriver BiDi user context
//! (`browser.createUserContext`, the isolation of Firefox's containers, with
//! permissions isolated too by a preference), and so is a remote session's
//! when the remote end speaks WebDriver BiDi (a Grid passes it through);
//! a remote session without it serves one scenario and is quit, as a new
//! session per scenario. The context is disposed when
//! the scenario ends, pass or fail. A browser that stops answering is quit
//! and replaced; the scenario that was using it reports its own failure.
//!
//! The scenario that starts a browser takes its first tab instead: the
//! browser's default context, in the profile the driver made for this
//! browser alone, is as fresh as a new context, and its tab is ready (a new
//! context's tab right after the start took 200-240 ms here, its renderer
//! started while the browser still settled). When that scenario ends its tab
//! is left blank; no later scenario uses the default context.
//!
//! When a processor is left over (fewer slots than processors), the next
//! scenario's context is readied while a scenario runs, in the same headless
//! Chromium (its context, its tab, the tab's DevTools connection and
//! emulation: 150-190 ms, most of it the new tab's renderer starting), once
//! the running scenario's page is set up, so the next scenario finds it
//! ready: at 1 slot on 2 cores the setup's median is ~40 ms (104 ms when the
//! tab was switched to at once). At 2 slots (no processor left over) the
//! setup it saved came back as slower steps (1.05x, then 1.09x the whole
//! suite's time), so there it is off. The spare is untouched until the
//! next scenario takes it, as fresh as one made at that moment. Its
//! window takes no focus from the running scenario's page (a headless
//! browser's windows each keep theirs; tests/contexts.rs checks it), and
//! nothing of it goes through the WebDriver session the running scenario
//! uses. A headed browser (the OS clipboard's) gets none: its new window
//! would take the display's focus.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, bail};
use serde_json::json;
use thirtyfour::WindowHandle;
use thirtyfour::bidi::BiDi;

use super::Session;
use super::devtools::{self, DevTools};
use super::firefox::{self, GeckoDriver};
use crate::config::Config;
use crate::sync::lock;

/// What a browser start needs.
#[derive(Clone)]
pub struct Launcher {
    pub config: Arc<Config>,
    pub base_url: String,
    pub kind: Kind,
}

/// Which browser, and how it is started.
#[derive(Clone)]
pub enum Kind {
    /// Chromium through our ChromeDriver (`driver_url`).
    Chromium { driver_url: String, chromium: PathBuf },
    /// Firefox, each browser with a geckodriver of its own.
    Firefox(firefox::Launcher),
    /// Any browser on a remote WebDriver (a Grid).
    Remote { driver_url: String },
}

impl Launcher {
    fn timeout(&self) -> Duration {
        self.config.wait.max(Duration::from_secs(10))
    }
}

/// One running browser and the connection that makes and drops its contexts.
struct Browser {
    /// The session as the driver started it, on its first tab.
    home: Session,
    home_tab: WindowHandle,
    engine: Engine,
    headed: bool,
    /// The next scenario's context, readied while the current one runs.
    spare: Option<tokio::task::JoinHandle<anyhow::Result<Ready>>>,
}

/// A context with its tab, ready for a scenario.
struct Ready {
    id: String,
    session: Session,
}

enum Engine {
    Chromium {
        /// The browser's own DevTools target (creates and disposes contexts).
        control: DevTools,
        /// `host:port` of the browser's DevTools endpoint.
        address: String,
        /// Each tab gets a direct DevTools connection (the session has one).
        direct: bool,
    },
    /// Firefox, or a remote session that speaks WebDriver BiDi: user contexts.
    Bidi {
        /// The session's WebDriver BiDi connection.
        bidi: BiDi,
        /// Firefox's own geckodriver, stopped with it (none on a remote WebDriver).
        gecko: Option<GeckoDriver>,
    },
    /// A remote session without WebDriver BiDi: no contexts of its own, so
    /// it serves one scenario and is quit.
    Alone,
}

impl Browser {
    async fn start(launcher: &Launcher, headed: bool) -> anyhow::Result<Self> {
        let l = launcher;
        match &l.kind {
            Kind::Chromium { driver_url, chromium } => {
                let home = super::new_session(&l.config, driver_url, Some(chromium), &l.base_url, headed).await?;
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
                    Ok((address, control, home_tab)) => {
                        let direct = home.devtools.is_some();
                        Ok(Self { home, home_tab, engine: Engine::Chromium { control, address, direct }, headed, spare: None })
                    }
                    Err(e) => {
                        let _ = home.driver.quit().await;
                        Err(e.context("could not attach to the browser's DevTools endpoint to give each scenario its own context"))
                    }
                }
            }
            Kind::Firefox(launcher) => {
                let mut gecko = launcher.start_driver().await?;
                let home = match super::new_session(&l.config, &gecko.url, Some(&launcher.firefox), &l.base_url, headed).await {
                    Ok(home) => home,
                    Err(e) => {
                        gecko.stop().await;
                        return Err(e);
                    }
                };
                gecko.browser_pid = firefox::process_id(&home.driver);
                let attached = async {
                    let bidi = home.driver.bidi().await.context("Firefox gave no WebDriver BiDi connection (webSocketUrl)")?;
                    let home_tab = home.driver.window().await.context("could not read the browser's first tab")?;
                    anyhow::Ok((bidi, home_tab))
                }
                .await;
                match attached {
                    Ok((bidi, home_tab)) => Ok(Self { home, home_tab, engine: Engine::Bidi { bidi, gecko: Some(gecko) }, headed, spare: None }),
                    Err(e) => {
                        let _ = home.driver.clone().quit().await;
                        gecko.stop().await;
                        Err(e.context("could not attach to Firefox's WebDriver BiDi connection to give each scenario its own context"))
                    }
                }
            }
            Kind::Remote { driver_url } => {
                let home = super::new_session(&l.config, driver_url, None, &l.base_url, headed).await?;
                let attached = async {
                    let home_tab = home.driver.window().await.context("could not read the browser's first tab")?;
                    let bidi = match super::speaks_bidi(&home.driver) {
                        true => Some(home.driver.bidi().await.context("the remote WebDriver offered WebDriver BiDi (webSocketUrl) but took no connection to it")?),
                        false => None,
                    };
                    anyhow::Ok((bidi, home_tab))
                }
                .await;
                match attached {
                    Ok((bidi, home_tab)) => {
                        let engine = match bidi {
                            Some(bidi) => Engine::Bidi { bidi, gecko: None },
                            None => Engine::Alone,
                        };
                        Ok(Self { home, home_tab, engine, headed, spare: None })
                    }
                    Err(e) => {
                        let _ = home.driver.clone().quit().await;
                        Err(e)
                    }
                }
            }
        }
    }

    /// A new context with one blank tab, and the session on it (or, for a
    /// tab with its own DevTools connection, switched to it when a WebDriver
    /// command first needs it: see [`super::tab`]); the context is disposed
    /// again if its tab could not be readied.
    async fn open_context(&mut self, launcher: &Launcher) -> anyhow::Result<(String, Session)> {
        if let Some(spare) = self.spare.take() {
            // A spare that failed (readied beside a scenario that broke the
            // browser, say) is made again below, or the browser replaced.
            if let Ok(Ok(ready)) = spare.await {
                // Its tab still answers (a renderer that died meanwhile is not handed on).
                let answers = match &ready.session.devtools {
                    Some(d) => d.send("Runtime.evaluate", json!({ "expression": "1" })).await.is_ok(),
                    None => true,
                };
                if answers {
                    return Ok((ready.id, ready.session));
                }
                let _ = self.close_context(&ready.id, false).await;
            }
        }
        let id = match &self.engine {
            Engine::Chromium { control, .. } => create_chromium_context(control).await?,
            Engine::Bidi { bidi, .. } => {
                use thirtyfour::bidi::modules::browser::CreateUserContext;
                let created = bidi.send(CreateUserContext::default()).await.map_err(|e| anyhow::anyhow!("the browser could not create a user context (WebDriver BiDi): {e}"))?;
                created.user_context.to_string()
            }
            Engine::Alone => bail!("this session cannot give a scenario a context of its own (no WebDriver BiDi)"),
        };
        let tab = match &self.engine {
            Engine::Chromium { control, address, direct } => self.open_chromium_tab(launcher, control, address, *direct, &id).await,
            Engine::Bidi { bidi, .. } => self.open_bidi_tab(launcher, bidi, &id).await,
            Engine::Alone => unreachable!("no context was made"),
        };
        match tab {
            Ok(session) => Ok((id, session)),
            Err(e) => {
                let _ = self.close_context(&id, true).await;
                Err(e)
            }
        }
    }

    /// Readies the next scenario's context beside the running one, when
    /// nothing of it needs the WebDriver session (headless Chromium with the
    /// tabs' own DevTools connections).
    fn ready_spare(&mut self, launcher: &Launcher) {
        let Engine::Chromium { control, address, direct: true } = &self.engine else { return };
        if self.headed || self.spare.is_some() {
            return;
        }
        let (control, address, launcher) = (control.clone(), address.clone(), launcher.clone());
        let (driver, input) = (self.home.driver.clone(), self.home.input);
        self.spare = Some(tokio::spawn(async move {
            let id = create_chromium_context(&control).await?;
            let tab = async {
                let tab = create_chromium_tab(&control, &id).await?;
                let session = attach_chromium_tab(&launcher, &address, &id, &tab, driver, input).await?;
                anyhow::Ok(Ready { id: id.clone(), session })
            };
            match tab.await {
                Ok(ready) => Ok(ready),
                Err(e) => {
                    let _ = control.send("Target.disposeBrowserContext", json!({ "browserContextId": id })).await;
                    Err(e)
                }
            }
        }));
    }

    /// The WebDriver session switched to a tab. ChromeDriver's window
    /// handles are the tabs' DevTools target ids.
    async fn switch_to(&self, tab: &str) -> anyhow::Result<()> {
        self.home.driver.switch_to_window(WindowHandle::from(tab.to_string())).await.context("WebDriver could not switch to the scenario's tab")
    }

    /// A tab in the DevTools browser context `id`: with the tab's own
    /// DevTools channel attached (the session switched to it when first
    /// needed), else with the session switched to it.
    async fn open_chromium_tab(&self, launcher: &Launcher, control: &DevTools, address: &str, direct: bool, id: &str) -> anyhow::Result<Session> {
        let tab = create_chromium_tab(control, id).await?;
        if direct {
            return attach_chromium_tab(launcher, address, id, &tab, self.home.driver.clone(), self.home.input).await;
        }
        self.switch_to(&tab).await?;
        let session = self.session_in(id);
        super::emulate(&launcher.config, &session.page()).await?;
        Ok(session)
    }

    /// The session, on a tab of the context `id` it was switched to (a tab
    /// without a DevTools connection of its own).
    fn session_in(&self, id: &str) -> Session {
        Session { devtools: None, browser_context: Some(id.to_string()), switch: None, ..self.home.clone() }
    }

    /// A tab in the WebDriver BiDi user context `id`. Window handles are the
    /// tabs' BiDi browsing context ids (Firefox's; ChromeDriver's are both
    /// the tabs' DevTools target ids).
    async fn open_bidi_tab(&self, launcher: &Launcher, bidi: &BiDi, id: &str) -> anyhow::Result<Session> {
        use thirtyfour::bidi::modules::browsing_context::{Create, CreateType};
        let tab = bidi
            .send(Create { r#type: CreateType::Tab, reference_context: None, background: None, user_context: Some(id.into()) })
            .await
            .map_err(|e| anyhow::anyhow!("the browser could not open a tab in the scenario's user context (WebDriver BiDi): {e}"))?
            .context;
        self.switch_to(&tab.to_string()).await?;
        let session = self.session_in(id);
        // A remote Chromium's tab as its session's first one is set (DevTools through the driver).
        if self.home.chromium {
            super::emulate(&launcher.config, &session.page()).await?;
        } else {
            firefox::emulate_in(&launcher.config, bidi, tab).await?;
        }
        Ok(session)
    }

    /// The browser's first tab, in its default context, for the scenario
    /// that started the browser: the session as started, on that tab, with
    /// its direct DevTools connection (which goes with the scenario).
    fn home_session(&mut self) -> (Option<String>, Session) {
        let devtools = self.home.devtools.take();
        // WebDriver BiDi names Firefox's default user context "default"
        // (Chromium's has no DevTools id, which the clipboard's grant takes).
        let context = (matches!(self.engine, Engine::Bidi { .. }) && !self.home.chromium).then(|| "default".to_string());
        (None, Session { devtools, browser_context: context, ..self.home.clone() })
    }

    /// The first tab left blank, so the page of the scenario that used it
    /// does no more work (its cookies and storage stay in the default
    /// context, which no later scenario uses).
    async fn leave_home(&self, session: &Session) -> anyhow::Result<()> {
        match &session.devtools {
            Some(devtools) => devtools.send("Page.navigate", json!({ "url": "about:blank" })).await.map(drop),
            None => session.driver.goto("about:blank").await.context("WebDriver could not leave the first tab blank"),
        }
    }

    /// The context gone with everything in it, the session back on the
    /// first tab first if it went to the context's (`away`).
    async fn close_context(&self, id: &str, away: bool) -> anyhow::Result<()> {
        if away {
            self.home.driver.switch_to_window(self.home_tab.clone()).await.context("WebDriver could not switch back to the browser's first tab")?;
        }
        match &self.engine {
            Engine::Chromium { control, .. } => {
                control.send("Target.disposeBrowserContext", json!({ "browserContextId": id })).await?;
            }
            Engine::Bidi { bidi, .. } => {
                use thirtyfour::bidi::modules::browser::RemoveUserContext;
                bidi.send(RemoveUserContext { user_context: id.into() })
                    .await
                    .map_err(|e| anyhow::anyhow!("the browser could not remove the scenario's user context (WebDriver BiDi): {e}"))?;
            }
            Engine::Alone => {}
        }
        Ok(())
    }

    async fn quit(self) {
        if let Some(spare) = &self.spare {
            spare.abort();
        }
        let _ = tokio::time::timeout(Duration::from_secs(10), self.home.driver.quit()).await;
        if let Engine::Bidi { gecko: Some(gecko), .. } = self.engine {
            gecko.stop().await;
        }
    }
}

/// A new DevTools browser context (its own cookies, storage, cache, permissions).
async fn create_chromium_context(control: &DevTools) -> anyhow::Result<String> {
    let created = control.send("Target.createBrowserContext", json!({ "disposeOnDetach": false })).await?;
    match created["browserContextId"].as_str() {
        Some(id) => Ok(id.to_string()),
        None => bail!("the browser created a context without an id: {created}"),
    }
}

/// A blank tab in the DevTools browser context `id`; its target id.
async fn create_chromium_tab(control: &DevTools, id: &str) -> anyhow::Result<String> {
    let target = control.send("Target.createTarget", json!({ "url": "about:blank", "browserContextId": id })).await?;
    match target["targetId"].as_str() {
        Some(tab) => Ok(tab.to_string()),
        None => bail!("the browser opened a tab without an id: {target}"),
    }
}

/// The tab `tab` of the context `id` with its own DevTools connection and
/// its emulation set, all without the WebDriver session (which may be
/// serving a running scenario's tab).
async fn attach_chromium_tab(launcher: &Launcher, address: &str, id: &str, tab: &str, driver: thirtyfour::WebDriver, input: super::input::InputMode) -> anyhow::Result<Session> {
    let devtools = DevTools::connect_url(&format!("ws://{address}/devtools/page/{tab}"), launcher.timeout()).await?;
    let switch = Some(super::tab::TabSwitch::new(driver.clone(), tab));
    let session = Session { driver, input, chromium: true, devtools: Some(devtools), browser_context: Some(id.to_string()), switch };
    super::emulate(&launcher.config, &session.page()).await?;
    Ok(session)
}

/// A scenario's own context in one of the run's browsers.
pub struct Lease {
    browser: Browser,
    /// The scenario's own context (`None`: the browser's first tab, in its default context).
    context: Option<String>,
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
    /// Sessions that served their one scenario, quitting.
    quitting: Mutex<Vec<tokio::task::JoinHandle<()>>>,
    slots: usize,
    /// A processor is left over for readying the next scenario's context.
    ready_ahead: bool,
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
            quitting: Mutex::new(Vec::new()),
            slots: slots.max(1),
            ready_ahead: std::thread::available_parallelism().is_ok_and(|n| n.get() > slots.max(1)),
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
        if let Some(mut browser) = self.take_idle(headed) {
            match browser.open_context(&self.launcher).await {
                Ok((context, session)) => return Ok(Lease { browser, context: Some(context), session, started_browser: false }),
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
        let mut browser = Browser::start(&self.launcher, headed).await?;
        self.started.fetch_add(1, Ordering::Relaxed);
        self.live.fetch_add(1, Ordering::Relaxed);
        let (context, session) = browser.home_session();
        Ok(Lease { browser, context, session, started_browser: true })
    }

    /// The next scenario's context readied in the lease's browser while its
    /// scenario runs, when a processor is left over. Called once the
    /// scenario's own page is set up, so the new tab's renderer does not
    /// start while that page is readied.
    pub fn ready_next(&self, lease: &mut Lease) {
        if self.ready_ahead {
            lease.browser.ready_spare(&self.launcher);
        }
    }

    /// Disposes the scenario's context; its browser waits for the next
    /// scenario, or is quit if it no longer answers.
    pub async fn close(&self, lease: Lease) {
        let Lease { browser, context, session, .. } = lease;
        if matches!(browser.engine, Engine::Alone) {
            // Quit off the scenario's path; awaited by `quit_all`.
            self.live.fetch_sub(1, Ordering::Relaxed);
            lock(&self.quitting).push(tokio::spawn(browser.quit()));
            return;
        }
        let closed = match &context {
            Some(id) => browser.close_context(id, session.switch.as_ref().is_none_or(|s| s.asked())).await,
            None => browser.leave_home(&session).await,
        };
        match closed {
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

    /// Quits every idle browser (the run's end), and waits for the sessions
    /// that served one scenario each to finish quitting.
    pub async fn quit_all(&self) {
        let idle: Vec<Browser> = std::mem::take(&mut *lock(&self.idle));
        futures::future::join_all(idle.into_iter().map(|b| self.retire(b))).await;
        let quitting: Vec<_> = std::mem::take(&mut *lock(&self.quitting));
        futures::future::join_all(quitting).await;
    }
}
