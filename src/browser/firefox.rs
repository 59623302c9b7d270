//! Firefox: finding Firefox and geckodriver, a session's capabilities, one
//! geckodriver per session (geckodriver drives one session at a time), and
//! the page's conditions through WebDriver BiDi (Firefox has no DevTools
//! protocol).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context;
use serde_json::json;
use thirtyfour::prelude::*;

use crate::config::Config;

pub const FIREFOX_HINT: &str = "install it with: sudo apt-get install -y firefox-esr";
pub const GECKODRIVER_HINT: &str = "install it with: cargo install geckodriver";

pub fn find_firefox(config: &Config) -> anyhow::Result<PathBuf> {
    super::find_executable_or(config.firefox.as_deref(), &["firefox-esr", "firefox"], "Firefox", "FIREFOX", FIREFOX_HINT)
}

pub fn find_geckodriver(config: &Config) -> anyhow::Result<PathBuf> {
    super::find_executable_or(config.geckodriver.as_deref(), &["geckodriver"], "geckodriver", "GECKODRIVER", GECKODRIVER_HINT)
}

/// Firefox preferences of every session: the same pixels on every machine,
/// the page's clipboard readable without a paste prompt (the browser path of
/// the Copy check, where the OS clipboard is out of reach), reduced motion
/// when asked, and, against a loopback target, the browser cut off from the
/// outside world (requests elsewhere go to a dead proxy; loopback bypasses it).
fn preferences(config: &Config, base_url: &str) -> serde_json::Map<String, serde_json::Value> {
    let mut prefs = serde_json::Map::new();
    let mut set = |k: &str, v: serde_json::Value| {
        prefs.insert(k.to_string(), v);
    };
    set("layout.css.devPixelsPerPx", json!("1.0"));
    set("dom.events.testing.asyncClipboard", json!(true));
    set("browser.shell.checkDefaultBrowser", json!(false));
    set("app.update.disabledForTesting", json!(true));
    // Each scenario's user context keeps its own permission grants, as
    // Chromium's browser contexts do (Firefox shares them across containers
    // unless told).
    set("permissions.isolateBy.userContext", json!(true));
    if config.reduced_motion {
        set("ui.prefersReducedMotion", json!(1));
    }
    if super::is_loopback(base_url) {
        set("network.proxy.type", json!(1));
        for scheme in ["http", "ssl"] {
            set(&format!("network.proxy.{scheme}"), json!("127.0.0.1"));
            set(&format!("network.proxy.{scheme}_port"), json!(9));
        }
        set("network.proxy.allow_hijacking_localhost", json!(false));
    }
    prefs
}

/// A Firefox session's capabilities; `binary`: the Firefox we start (None on a remote WebDriver).
pub fn capabilities(config: &Config, binary: Option<&Path>, base_url: &str, headed: bool) -> anyhow::Result<thirtyfour::FirefoxCapabilities> {
    let mut caps = DesiredCapabilities::firefox();
    if let Some(binary) = binary {
        caps.set_firefox_binary(&binary.to_string_lossy())?;
    }
    if !headed {
        caps.add_arg("-headless")?;
    }
    // The viewport is fixed through BiDi once the session is there (see [`emulate`]).
    let mut options = serde_json::to_value(&caps)?.get("moz:firefoxOptions").cloned().unwrap_or_else(|| json!({}));
    options["prefs"] = serde_json::Value::Object(preferences(config, base_url));
    caps.set("moz:firefoxOptions", options)?;
    // WebDriver BiDi: the viewport, the accessibility locator, the page's console and requests.
    caps.set("webSocketUrl", true)?;
    Ok(caps)
}

/// The page's conditions, set once per session on its current tab: the
/// viewport the config asks for, whatever the window's toolbars, at one
/// device pixel per CSS pixel.
pub async fn emulate(config: &Config, driver: &WebDriver) -> anyhow::Result<()> {
    let bidi = driver.bidi().await.context("Firefox gave no WebDriver BiDi connection (webSocketUrl)")?;
    emulate_in(config, &bidi, super::current_tab(driver).await?).await
}

/// [`emulate`] in one tab (a browsing context); and, as Chromium's tabs
/// get through DevTools, its CSS transitions and animations at the
/// configured speed on every page it loads from now on.
pub async fn emulate_in(config: &Config, bidi: &thirtyfour::bidi::BiDi, context: thirtyfour::bidi::BrowsingContextId) -> anyhow::Result<()> {
    use thirtyfour::bidi::modules::browsing_context::{SetViewport, Viewport};
    if config.animation_speed != 1.0 {
        let params = json!({
            "functionDeclaration": super::scripts::animation_speed_preload(config.animation_speed),
            "contexts": [context.to_string()],
        });
        super::bidi_send(bidi, "script.addPreloadScript", params)
            .await
            .map_err(|e| anyhow::anyhow!("could not set the animation speed through WebDriver BiDi: {e}"))?;
    }
    let (width, height) = config.window;
    bidi.send(SetViewport { context, viewport: Some(Viewport { width, height }), device_pixel_ratio: Some(1.0) })
        .await
        .map_err(|e| anyhow::anyhow!("could not fix the viewport size through WebDriver BiDi: {e}"))?;
    Ok(())
}

/// Starts a geckodriver for each Firefox session. Every geckodriver (and
/// its Firefox) joins one process group, watched like ChromeDriver's.
#[derive(Clone)]
pub struct Launcher {
    geckodriver: PathBuf,
    pub firefox: PathBuf,
    run_dir: PathBuf,
    tmp: PathBuf,
    pub group: i32,
    started: Arc<AtomicUsize>,
}

/// One geckodriver and the session it drives.
pub struct GeckoDriver {
    pub url: String,
    child: tokio::process::Child,
    /// The Firefox its session started (`moz:processID`), once known.
    pub browser_pid: Option<u32>,
    group: i32,
}

/// The process id of the session's Firefox, as geckodriver reports it.
pub fn process_id(driver: &WebDriver) -> Option<u32> {
    super::session_capabilities(driver)["moz:processID"].as_u64().map(|p| p as u32)
}

impl Launcher {
    /// Checks that Firefox and geckodriver are there, and starts the group's watchdog.
    pub fn new(config: &Config, run_dir: &Path, tmp: &Path) -> anyhow::Result<Self> {
        let firefox = find_firefox(config)?;
        let geckodriver = find_geckodriver(config)?;
        let group = super::watch_over(None, tmp)?;
        Ok(Self { geckodriver, firefox, run_dir: run_dir.to_path_buf(), tmp: tmp.to_path_buf(), group, started: Default::default() })
    }

    /// A new geckodriver, listening, its log in the run's folder.
    pub async fn start_driver(&self) -> anyhow::Result<GeckoDriver> {
        let n = self.started.fetch_add(1, Ordering::Relaxed) + 1;
        let log = self.run_dir.join(format!("geckodriver-{n}.log"));
        // A BiDi port of Firefox's own choosing: two browsers at once must not share one.
        let args = ["--websocket-port=0".to_string(), format!("--profile-root={}", self.tmp.display())];
        let (child, url) = super::start_process("geckodriver", &self.geckodriver, &args, &self.tmp, &log, Some(self.group)).await?;
        Ok(GeckoDriver { url, child, browser_pid: None, group: self.group })
    }

    /// Kills every geckodriver and Firefox of the run (the run's end).
    pub fn stop_all(&self) {
        // SAFETY: plain syscall on a process group we created.
        unsafe {
            libc::kill(-self.group, libc::SIGKILL);
        }
    }
}

impl GeckoDriver {
    /// Stops the geckodriver, and its Firefox if the session's quit left it running.
    pub async fn stop(mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
        if let Some(pid) = self.browser_pid {
            // SAFETY: plain syscalls; only a process still in the run's group
            // (the pid may have been reused since Firefox quit) is killed.
            unsafe {
                if libc::getpgid(pid as i32) == self.group {
                    libc::kill(pid as i32, libc::SIGKILL);
                }
            }
        }
    }
}
