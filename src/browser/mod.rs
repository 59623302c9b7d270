//! The browser side: finding Chromium and ChromeDriver, running ChromeDriver,
//! opening one isolated browser session per scenario.

pub mod clipboard;
pub mod contexts;
pub mod devtools;
pub mod diagnose;
pub mod display;
pub mod firefox;
pub mod input;
pub mod page;
pub mod recorder;
pub mod scripts;
pub mod tab;
pub mod wait;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail};
use thirtyfour::prelude::*;
use thirtyfour::{ChromiumLikeCapabilities, TimeoutConfiguration};

use crate::config::{BrowserName, Config};

/// Set on every process the run starts (ChromeDriver, and so every browser):
/// what is left of a run can be found by it.
pub const OWNER_ENV: &str = "AI_SUITE_OWNER_PID";

/// Process groups of our ChromeDrivers: killed at once on a second Ctrl-C.
static GROUPS: std::sync::Mutex<Vec<i32>> = std::sync::Mutex::new(Vec::new());

/// Kills every browser and driver this process started, now (no clean-up).
pub fn kill_all_now() {
    for pgid in crate::sync::lock(&GROUPS).iter() {
        // SAFETY: plain syscall on a process group we created.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
    }
}

/// If this process dies, even by SIGKILL, the driver's whole process group
/// (browsers included) dies with it and the browsers' folder is removed: a
/// watchdog in that group waits for a pipe only we hold to close. `pgid`:
/// the group to join; `None`: the watchdog leads a new group, for drivers
/// started later (one geckodriver per Firefox session). Returns the group.
pub fn watch_over(pgid: Option<i32>, tmp: &Path) -> anyhow::Result<i32> {
    use std::os::unix::process::CommandExt as _;
    let watchdog = std::process::Command::new("/bin/sh")
        .args(["-c", r#"read _ignored; rm -rf "$2"; kill -KILL "-${1:-$$}""#, "watchdog"])
        .arg(pgid.map(|g| g.to_string()).unwrap_or_default())
        .arg(tmp)
        .env(OWNER_ENV, std::process::id().to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(pgid.unwrap_or(0))
        .spawn()
        .context("could not start the watchdog that stops the browsers if the run dies")?;
    let group = pgid.unwrap_or(watchdog.id() as i32);
    crate::sync::lock(&GROUPS).push(group);
    // The pipe's write end stays open (and unused) for the life of the process.
    std::mem::forget(watchdog.stdin);
    Ok(group)
}

/// A folder for browser profiles, with a short path (Chromium puts a Unix
/// socket in each profile, and a socket path holds at most 107 bytes):
/// `<temp>/ai-suite-<run id>`, under /tmp when the system temp dir's path is
/// long. Removed when dropped (the run's end, pass or fail, or Ctrl-C).
pub struct BrowserTemp {
    pub path: PathBuf,
}

impl BrowserTemp {
    pub fn new(run_id: &str) -> anyhow::Result<Self> {
        let system = std::env::temp_dir();
        // The socket's path adds ~60 bytes under this folder.
        let base = if system.as_os_str().len() <= 40 { system } else { PathBuf::from("/tmp") };
        let path = base.join(format!("ai-suite-{run_id}"));
        std::fs::create_dir_all(&path).with_context(|| format!("could not create the browsers' temporary folder {}", path.display()))?;
        Ok(Self { path })
    }
}

impl Drop for BrowserTemp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

pub const INSTALL_HINT: &str = "install them with: sudo apt-get install -y chromium chromium-driver";

/// Finds an executable: the configured path, else the first name found on PATH.
fn find_executable(configured: Option<&Path>, names: &[&str], what: &str, env_var: &str) -> anyhow::Result<PathBuf> {
    find_executable_or(configured, names, what, env_var, INSTALL_HINT)
}

/// [`find_executable`] with its own install hint; also looks in cargo's bin
/// folder (where `cargo install` puts programs, often not on PATH).
pub(crate) fn find_executable_or(configured: Option<&Path>, names: &[&str], what: &str, env_var: &str, hint: &str) -> anyhow::Result<PathBuf> {
    if let Some(p) = configured {
        if p.is_file() {
            return Ok(p.to_path_buf());
        }
        bail!("{what} was configured at '{}' ({env_var}), but no file is there; fix the path or unset {env_var}", p.display());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|c| c.join("bin"));
    for dir in std::env::split_paths(&path).chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/lib/chromium")]).chain(cargo_bin) {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    bail!("{what} is not installed (looked for {} on PATH); {hint} (or set {env_var})", names.join(", "))
}

pub fn find_chromium(config: &Config) -> anyhow::Result<PathBuf> {
    find_executable(config.chromium.as_deref(), &["chromium", "chromium-browser", "google-chrome"], "Chromium", "CHROMIUM")
}

pub fn find_chromedriver(config: &Config) -> anyhow::Result<PathBuf> {
    find_executable(config.chromedriver.as_deref(), &["chromedriver"], "ChromeDriver", "CHROMEDRIVER")
}

fn free_port() -> anyhow::Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").context("no free local port for a WebDriver server")?;
    Ok(l.local_addr()?.port())
}

/// A WebDriver endpoint: our own ChromeDriver, our own geckodrivers (one
/// per session), or an external one (`WEBDRIVER_URL`).
pub struct Driver {
    /// Empty for Firefox (each session has its own geckodriver).
    pub url: String,
    child: Option<tokio::process::Child>,
    /// Chromium path for sessions we start; None for a remote WebDriver.
    pub chromium: Option<PathBuf>,
    /// Our own Firefox: starts a geckodriver for each session.
    pub firefox: Option<firefox::Launcher>,
}

/// Starts a WebDriver server on a free local port (`--port`), its output in
/// `log_path`, browser profiles in `tmp`; in its own process group, or in
/// `group`. Returns when it listens.
pub(crate) async fn start_process(
    what: &str,
    exe: &Path,
    args: &[String],
    tmp: &Path,
    log_path: &Path,
    group: Option<i32>,
) -> anyhow::Result<(tokio::process::Child, String)> {
    let port = free_port()?;
    // Appended to: a log redacted in place while the driver runs stays whole.
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log_path)
        .with_context(|| format!("could not create {}", log_path.display()))?;
    let mut child = tokio::process::Command::new(exe)
        .arg(format!("--port={port}"))
        .args(args)
        .env("TMPDIR", tmp)
        .env(OWNER_ENV, std::process::id().to_string())
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        // A process group: on the way out the whole tree (browsers too) is killed.
        .process_group(group.unwrap_or(0))
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("could not start {what} at {}", exe.display()))?;
    let addr = format!("127.0.0.1:{port}");
    let mut poller = wait::Poller::new(Duration::from_secs(15), Duration::from_millis(20));
    loop {
        if let Some(status) = child.try_wait()? {
            let said = std::fs::read_to_string(log_path).unwrap_or_default();
            bail!("{what} exited at start ({status}); it said:\n  {}", said.trim().replace('\n', "\n  "));
        }
        if tokio::net::TcpStream::connect(&addr).await.is_ok() {
            break;
        }
        if !poller.tick().await {
            let _ = child.start_kill();
            return Err(poller.timed_out(&format!("{what} to listen on {addr}")));
        }
    }
    let url = format!("http://{addr}");
    diagnose::register_log(&url, log_path);
    Ok((child, url))
}

impl Driver {
    /// Starts our ChromeDriver (or takes `WEBDRIVER_URL`). Browser profiles go
    /// in `tmp` (keep its path short: Chromium's profile socket must fit in a
    /// Unix socket path); ChromeDriver's log with Chromium's own output, in the
    /// run's folder.
    pub async fn start(config: &Config, run_dir: &Path, tmp: &Path) -> anyhow::Result<Self> {
        if let Some(url) = &config.webdriver_url {
            return Ok(Self { url: url.trim_end_matches('/').to_string(), child: None, chromium: None, firefox: None });
        }
        std::fs::create_dir_all(tmp).with_context(|| format!("could not create the browsers' folder {}", tmp.display()))?;
        if config.browser == BrowserName::Firefox {
            // geckodriver drives one session at a time: one is started per session.
            let launcher = firefox::Launcher::new(config, run_dir, tmp)?;
            return Ok(Self { url: String::new(), child: None, chromium: None, firefox: Some(launcher) });
        }
        let chromium = find_chromium(config)?;
        let chromedriver = find_chromedriver(config)?;
        // The versions are read while ChromeDriver starts; a mismatch stops it.
        let versions = tokio::task::spawn_blocking({
            let (chromium, chromedriver) = (chromium.clone(), chromedriver.clone());
            move || diagnose::check_versions(&chromium, &chromedriver)
        });
        // Chromium's own output (why a browser died), not every command.
        let args = ["--enable-chrome-logs".to_string()];
        let started = start_process("ChromeDriver", &chromedriver, &args, tmp, &run_dir.join("chromedriver.log"), None).await;
        let versions = versions.await.unwrap_or(Ok(()));
        let (child, url) = match (versions, started) {
            (Ok(()), Ok(started)) => started,
            (Err(mismatch), started) => {
                if let Ok((mut child, _)) = started {
                    let _ = child.kill().await;
                }
                return Err(mismatch);
            }
            (Ok(()), Err(e)) => return Err(e),
        };
        if let Some(pid) = child.id() {
            watch_over(Some(pid as i32), tmp)?;
        }
        Ok(Self { url, child: Some(child), chromium: Some(chromium), firefox: None })
    }

    /// The process group of our drivers and every browser they start.
    pub fn process_group(&self) -> Option<i32> {
        match &self.firefox {
            Some(f) => Some(f.group),
            None => self.child.as_ref().and_then(|c| c.id()).map(|pid| pid as i32),
        }
    }

    /// Stops our drivers and every browser they started.
    pub async fn stop(mut self) {
        if let Some(f) = self.firefox.take() {
            f.stop_all();
        }
        if let Some(mut child) = self.child.take() {
            if let Some(pid) = child.id() {
                // SAFETY: plain syscall on a process group we created.
                unsafe {
                    libc::kill(-(pid as i32), libc::SIGTERM);
                }
            }
            if tokio::time::timeout(Duration::from_secs(3), child.wait()).await.is_err() {
                let _ = child.kill().await;
            }
            if let Some(pid) = child.id() {
                unsafe {
                    libc::kill(-(pid as i32), libc::SIGKILL);
                }
            }
        }
    }
}

/// True when the target is on this machine: then the browser is also cut off
/// from the outside world (faster, and nothing leaks out).
pub fn is_loopback(url: &str) -> bool {
    let host = url.split("://").nth(1).unwrap_or("").split(['/', ':']).next().unwrap_or("");
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

/// A fresh browser session, and how to act on it.
#[derive(Clone)]
pub struct Session {
    pub driver: WebDriver,
    /// DevTools input when the browser speaks DevTools and the config allows it.
    pub input: input::InputMode,
    pub chromium: bool,
    /// The direct DevTools connection to the tab (own ChromeDriver, DevTools input).
    pub devtools: Option<devtools::DevTools>,
    /// The browser context the tab lives in, when it is not the browser's
    /// default one (a scenario's own context in a shared browser).
    pub browser_context: Option<String>,
    /// The session's switch to the tab, when it is not on it yet (made
    /// when a WebDriver command first needs it: see [`tab`]).
    pub switch: Option<std::sync::Arc<tab::TabSwitch>>,
}

impl Session {
    /// The session's tab as a [`page::Page`] (switched to when a WebDriver command needs it).
    pub fn page(&self) -> page::Page {
        page::Page::new(self.driver.clone(), self.devtools.clone()).switching(self.switch.clone())
    }
}

fn chromium_capabilities(config: &Config, binary: Option<&Path>, base_url: &str, headed: bool) -> anyhow::Result<thirtyfour::ChromeCapabilities> {
    let mut caps = DesiredCapabilities::chrome();
    if let Some(chromium) = binary {
        caps.set_binary(&chromium.to_string_lossy())?;
    }
    let (w, h) = config.window;
    let mut args = vec![
        "--no-sandbox".to_string(),
        "--disable-dev-shm-usage".into(),
        "--disable-gpu".into(),
        "--no-first-run".into(),
        "--no-default-browser-check".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--disable-extensions".into(),
        "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication".into(),
        "--hide-scrollbars".into(),
        "--force-device-scale-factor=1".into(),
        "--font-render-hinting=none".into(),
        // One raster thread: tiles rastered in a varying order left anti-aliased
        // corners one level apart between runs (pictures must be byte-stable).
        "--num-raster-threads=1".into(),
        "--disable-partial-raster".into(),
        // Element.computedRole / computedName: the roles and accessible names
        // the browser computes, read by the locator engine in one script.
        "--enable-blink-features=ComputedAccessibilityInfo".into(),
        format!("--window-size={w},{h}"),
    ];
    if !headed {
        args.push("--headless=new".into());
    }
    if is_loopback(base_url) {
        args.push("--proxy-server=http://127.0.0.1:9".into());
    }
    for a in &args {
        caps.add_arg(a)?;
    }
    // WebDriver BiDi, for the locator engine's accessibility queries where the
    // browser does not expose computed roles to scripts: asked of a remote
    // WebDriver (any browser), or when that engine is chosen.
    if config.webdriver_url.is_some() || config.locator_engine == crate::locators::Engine::Bidi {
        caps.set("webSocketUrl", true)?;
    }
    Ok(caps)
}

/// The capabilities the session was created with, as JSON (`Null` if unreadable).
pub(crate) fn session_capabilities(driver: &WebDriver) -> serde_json::Value {
    serde_json::to_value(driver.handle().capabilities()).unwrap_or_default()
}

/// The WebDriver BiDi browsing context of the session's current tab:
/// ChromeDriver's and geckodriver's window handles are those ids (a tab
/// among several in one browser, as each scenario's context has).
pub async fn current_tab(driver: &WebDriver) -> anyhow::Result<thirtyfour::bidi::BrowsingContextId> {
    let handle = driver.window().await.context("WebDriver could not say which tab the session is on")?;
    Ok(handle.to_string().into())
}

/// A WebDriver BiDi command, answered within a minute: a browser that
/// never answers fails the step with the command's name instead of
/// holding the run (BiDi has no timeout of its own).
pub(crate) async fn bidi_send(bidi: &thirtyfour::bidi::BiDi, method: &str, params: serde_json::Value) -> anyhow::Result<serde_json::Value> {
    match tokio::time::timeout(BIDI_TIMEOUT, bidi.send_raw(method, params)).await {
        Ok(answer) => answer.map_err(|e| anyhow::anyhow!("{e}")),
        Err(_) => anyhow::bail!("the browser did not answer WebDriver BiDi's {method} within {} s", BIDI_TIMEOUT.as_secs()),
    }
}

const BIDI_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// The session was given a WebDriver BiDi connection (`webSocketUrl`).
pub fn speaks_bidi(driver: &WebDriver) -> bool {
    session_capabilities(driver)["webSocketUrl"].is_string()
}

/// The browser's name and version as its session reports them (`chrome 156.0.8078.114`,
/// `firefox 153.8.0`).
pub fn browser_version(driver: &WebDriver) -> Option<String> {
    let caps = session_capabilities(driver);
    Some(format!("{} {}", caps["browserName"].as_str()?, caps["browserVersion"].as_str()?))
}

/// Opens a fresh, isolated browser session. ChromeDriver gives every session
/// its own new profile in its TMPDIR (the run's folder) and deletes it on quit;
/// a profile folder of our own made the first DevTools call 200-400 ms slower.
pub async fn new_session(
    config: &Config,
    driver_url: &str,
    binary: Option<&Path>,
    base_url: &str,
    headed: bool,
) -> anyhow::Result<Session> {
    let own_driver = binary.is_some();
    let caps: thirtyfour::Capabilities = match config.browser {
        BrowserName::Chromium => chromium_capabilities(config, binary, base_url, headed)?.into(),
        BrowserName::Firefox => firefox::capabilities(config, binary, base_url, headed)?.into(),
    };
    let mark = diagnose::log_mark(driver_url);
    let driver = match WebDriver::new(driver_url, caps).await {
        Ok(d) => d,
        Err(e) => bail!("{}", diagnose::session_failed(driver_url, mark, &e.to_string())),
    };
    let timeouts = TimeoutConfiguration::new(Some(Duration::from_secs(10)), Some(config.page_load), Some(Duration::ZERO));
    if let Err(e) = driver.update_timeouts(timeouts).await {
        let _ = driver.clone().quit().await;
        bail!("the new browser session refused its timeouts: {e}");
    }
    let chromium = driver_is_chromium(&driver).await;
    let input = if chromium { config.input } else { input::InputMode::WebDriver };
    // Only to a browser our own ChromeDriver started: a remote WebDriver's
    // "localhost" DevTools address is on another machine (or worse, another browser).
    let devtools = if chromium && input == input::InputMode::Cdp && own_driver {
        match devtools::DevTools::connect(&driver, config.wait.max(Duration::from_secs(10))).await {
            Ok(d) => d,
            Err(e) => {
                // Still correct through WebDriver, only slower: said once per run.
                static SAID: std::sync::Once = std::sync::Once::new();
                SAID.call_once(|| eprintln!("note: no direct DevTools connection to the browser ({e:#}); scripts go through WebDriver (slower)"));
                None
            }
        }
    } else {
        None
    };
    if chromium {
        emulate(config, &page::Page::new(driver.clone(), devtools.clone())).await?;
    } else if config.browser == BrowserName::Firefox {
        if let Err(e) = firefox::emulate(config, &driver).await {
            let _ = driver.clone().quit().await;
            return Err(e);
        }
    }
    Ok(Session { driver, input, chromium, devtools, browser_context: None, switch: None })
}

/// The page's conditions, set once per session (they last across navigations):
/// the same viewport headless or headed, whatever the window decorations
/// (screenshots are comparable across modes and machines); reduced motion when
/// asked for; CSS transitions and animations at the configured speed.
pub(crate) async fn emulate(config: &Config, page: &page::Page) -> anyhow::Result<()> {
    let (w, h) = config.window;
    let mut commands = vec![(
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({ "width": w, "height": h, "deviceScaleFactor": 1, "mobile": false }),
        "could not fix the viewport size",
    )];
    if config.reduced_motion {
        commands.push((
            "Emulation.setEmulatedMedia",
            serde_json::json!({ "features": [{ "name": "prefers-reduced-motion", "value": "reduce" }] }),
            "could not ask for reduced motion",
        ));
    }
    // The accessibility engine reads computed roles and names: with the tab's
    // accessibility tree kept (and updated as the page changes), each read is
    // a lookup; without it every read builds the tree anew (10-25 ms a find).
    if config.locator_engine == crate::locators::Engine::AxTree {
        commands.push(("Accessibility.enable", serde_json::json!({}), "could not keep the accessibility tree"));
    }
    // Transitions still run and their end events still fire, only faster. Set
    // through ChromeDriver's own DevTools client the rate is lost at the first
    // cross-site navigation; the tab's own connection keeps it.
    if config.animation_speed != 1.0 {
        match page.devtools {
            Some(_) => commands.push((
                "Animation.setPlaybackRate",
                serde_json::json!({ "playbackRate": config.animation_speed }),
                "could not set the animation speed",
            )),
            None => {
                static SAID: std::sync::Once = std::sync::Once::new();
                SAID.call_once(|| {
                    eprintln!(
                        "note: CSS transitions and animations run in real time here: the animation speed needs the \
                         direct DevTools connection (the suite's own ChromeDriver and DevTools input)"
                    )
                });
            }
        }
    }
    let sent = commands.iter().map(|(method, params, _)| page.cdp(method, params.clone()));
    for (result, (_, _, what)) in futures::future::join_all(sent).await.into_iter().zip(&commands) {
        result.context(*what)?;
    }
    Ok(())
}

/// Chromium (or Chrome, Edge) speaks DevTools: told by the capabilities the
/// session was created with, else asked.
async fn driver_is_chromium(driver: &WebDriver) -> bool {
    let caps = session_capabilities(driver);
    if caps.get("goog:chromeOptions").is_some() || caps.get("ms:edgeOptions").is_some() {
        return true;
    }
    if caps.get("moz:firefoxOptions").is_some() || caps["browserName"].as_str() == Some("firefox") {
        return false;
    }
    driver.cdp().send_raw("Browser.getVersion", serde_json::json!({})).await.is_ok()
}
