//! What every scenario of one run shares: the target, the browser driver,
//! the sessions (so the after hook can always quit them), the tokens created
//! (for the clean-up), the evidence of each step, and docs-mode pictures.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use chrono::NaiveDate;

use crate::browser::clipboard::{self, ClipboardPath};
use crate::browser::display::Display;
use crate::browser::{self, Driver};
use crate::config::Config;
use crate::pages::Ui;

/// Identifies a scenario across the before/after hooks.
#[derive(Clone, Debug)]
pub struct ScenarioKey {
    pub id: String,
    pub feature: String,
    pub scenario: String,
    pub tags: Vec<String>,
    /// 0 for the first run of the scenario, n for its n-th retry.
    pub attempt: usize,
}

impl ScenarioKey {
    pub(crate) fn new(feature: &cucumber::gherkin::Feature, scenario: &cucumber::gherkin::Scenario) -> Self {
        let path = feature.path.as_deref().map(|p| p.display().to_string()).unwrap_or_default();
        Self {
            id: format!("{path}:{}:{}", scenario.position.line, scenario.position.col),
            feature: feature.name.clone(),
            scenario: scenario.name.clone(),
            tags: feature.tags.iter().chain(&scenario.tags).cloned().collect(),
            attempt: 0,
        }
    }

    /// The scenario's folder name for its evidence (retries get their own).
    pub fn evidence_name(&self) -> String {
        if self.attempt == 0 { self.scenario.clone() } else { format!("{} retry {}", self.scenario, self.attempt) }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Passed,
    Failed,
    Skipped,
    /// Stopped by Ctrl-C or SIGTERM while it ran.
    Interrupted,
}

#[derive(Clone, Debug)]
pub struct ScenarioResult {
    pub key: ScenarioKey,
    pub outcome: Outcome,
    pub failure: Option<String>,
    pub clipboard: Option<ClipboardPath>,
    pub steps: Vec<StepRecord>,
    /// From the before hook to the end of the after hook (session start to quit).
    pub duration: std::time::Duration,
    /// Opening the browser session; the after hook (clean-up and quit).
    pub session_start: std::time::Duration,
    pub teardown: std::time::Duration,
    /// What the report should say about how the scenario was checked.
    pub notes: Vec<String>,
}

/// One step as it ran: for reports and the benchmark.
#[derive(Clone, Debug)]
pub struct StepRecord {
    pub index: usize,
    pub text: String,
    pub passed: bool,
    /// The step's own work, and the screenshot after it.
    pub action: std::time::Duration,
    pub capture: std::time::Duration,
    pub screenshot: Option<PathBuf>,
}

#[derive(Clone, Debug)]
struct CreatedToken {
    scenario_id: String,
    name: String,
    revoked: bool,
    /// False when the clean-up found no such token (the form rejected it).
    existed: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct DocsMode {
    pub update: bool,
}

/// What every scenario of one run shares.
pub struct RunContext {
    pub config: Arc<Config>,
    pub base_url: String,
    pub run_id: String,
    pub run_dir: PathBuf,
    local_today: Option<NaiveDate>,
    driver: Driver,
    /// An X display for headed sessions (the OS clipboard), and how we got it.
    display: Option<String>,
    pub display_note: String,
    clipboard_paths: Mutex<HashMap<String, ClipboardPath>>,
    attempts: Mutex<HashMap<String, usize>>,
    /// Docs mode, and whether it rewrites the baselines.
    pub docs: Option<DocsMode>,
    /// The browser's product/version (baselines are only comparable within one).
    browser_version: Mutex<Option<String>>,
    warned_version: std::sync::atomic::AtomicBool,
    profile_url: Mutex<Option<String>>,
    /// Cookies of the first password sign-in, reused by later scenarios.
    signed_in_cookies: Mutex<Option<Vec<thirtyfour::Cookie>>>,
    sessions: Mutex<HashMap<String, Ui>>,
    /// The scenario of each open session (to finish it when interrupted).
    keys: Mutex<HashMap<String, ScenarioKey>>,
    tokens: Mutex<Vec<CreatedToken>>,
    results: Mutex<Vec<ScenarioResult>>,
    failures: Mutex<HashMap<String, String>>,
    notes: Mutex<HashMap<String, Vec<String>>>,
    steps: Mutex<HashMap<String, Vec<StepRecord>>>,
    started: Mutex<HashMap<String, (std::time::Instant, std::time::Duration)>>,
    counter: AtomicUsize,
    /// Fresh sessions started ahead of need (set by [`RunContext::plan`]).
    pool: std::sync::OnceLock<browser::pool::Pool>,
    /// Browser sessions quitting in the background.
    quits: Mutex<Vec<tokio::task::JoinHandle<()>>>,
    /// Earlier runs killed before their clean-up: their tokens are revoked once.
    earlier: Mutex<Vec<crate::unfinished::Earlier>>,
    /// Why the clean-up could not use the `[api]` paths (then the UI is used).
    pub api_note: std::sync::OnceLock<String>,
    /// Screenshots being written in the background.
    pub writes: crate::evidence::Writes,
}

pub(crate) static CURRENT: Mutex<Option<Arc<RunContext>>> = Mutex::new(None);

pub(crate) use crate::sync::lock;

impl RunContext {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        config: Config,
        base_url: String,
        run_id: String,
        run_dir: PathBuf,
        local_today: Option<NaiveDate>,
        driver: Driver,
        display: &Display,
        docs: Option<DocsMode>,
    ) -> Self {
        Self {
            config: Arc::new(config),
            base_url,
            run_id,
            run_dir,
            local_today,
            driver,
            display: display.name.clone(),
            display_note: display.note.clone(),
            clipboard_paths: Mutex::new(HashMap::new()),
            attempts: Mutex::new(HashMap::new()),
            docs,
            browser_version: Mutex::new(None),
            warned_version: std::sync::atomic::AtomicBool::new(false),
            profile_url: Mutex::new(None),
            signed_in_cookies: Mutex::new(None),
            sessions: Mutex::new(HashMap::new()),
            keys: Mutex::new(HashMap::new()),
            tokens: Mutex::new(Vec::new()),
            results: Mutex::new(Vec::new()),
            failures: Mutex::new(HashMap::new()),
            notes: Mutex::new(HashMap::new()),
            steps: Mutex::new(HashMap::new()),
            started: Mutex::new(HashMap::new()),
            counter: AtomicUsize::new(0),
            writes: Default::default(),
            api_note: std::sync::OnceLock::new(),
            earlier: Mutex::new(Vec::new()),
            quits: Mutex::new(Vec::new()),
            pool: std::sync::OnceLock::new(),
        }
    }

    /// The driver, once the run is over and no scenario holds the context.
    pub(crate) fn into_driver(self) -> Driver {
        self.driver
    }

    pub fn current() -> Option<Arc<RunContext>> {
        lock(&CURRENT).clone()
    }

    /// The target's today: the local AI Suite's (possibly frozen) clock, else
    /// now in the target's configured UTC offset. Asked afresh at every step, so
    /// a run across midnight does not flake.
    pub fn today(&self) -> NaiveDate {
        self.local_today.unwrap_or_else(|| chrono::Utc::now().with_timezone(&self.config.utc_offset).date_naive())
    }

    /// A token name unique to this run and scenario: `QA-Test-Token-<run>-<n>`;
    /// in docs mode the guide's example exactly, for the pictures.
    pub fn unique_name(&self, base: &str) -> String {
        if self.docs.is_some() {
            return base.to_string();
        }
        let n = self.counter.fetch_add(1, Ordering::SeqCst) + 1;
        format!("{base}-{}-{n}", self.run_id)
    }

    /// Remembers a token this scenario created, for the clean-up.
    pub fn created_token(&self, key: &ScenarioKey, name: &str) {
        lock(&self.tokens).push(CreatedToken { scenario_id: key.id.clone(), name: name.to_string(), revoked: false, existed: true });
    }

    /// Counts the runs of a scenario (retries): 0 for the first.
    pub(crate) fn next_attempt(&self, id: &str) -> usize {
        let mut a = lock(&self.attempts);
        let n = a.entry(id.to_string()).or_insert(0);
        *n += 1;
        *n - 1
    }

    pub(crate) fn current_attempt(&self, id: &str) -> usize {
        lock(&self.attempts).get(id).map(|n| n.saturating_sub(1)).unwrap_or(0)
    }

    pub fn signed_in_cookies(&self) -> Option<Vec<thirtyfour::Cookie>> {
        lock(&self.signed_in_cookies).clone()
    }

    pub fn remember_signed_in_cookies(&self, cookies: Vec<thirtyfour::Cookie>) {
        for c in &cookies {
            crate::secret::Secret::new(c.value.clone());
        }
        *lock(&self.signed_in_cookies) = Some(cookies);
    }

    /// A scenario revoked its own token: the clean-up need not.
    pub fn token_revoked(&self, name: &str) {
        self.mark_revoked(name, true);
    }

    /// Done with a token: revoked, or (`existed` false) never created at all.
    fn mark_revoked(&self, name: &str, existed: bool) {
        for t in lock(&self.tokens).iter_mut().filter(|t| t.name == name) {
            t.revoked = true;
            t.existed = existed;
        }
    }

    /// A note for the scenario's report (how a check was made).
    pub fn note(&self, key: &ScenarioKey, text: String) {
        lock(&self.notes).entry(key.id.clone()).or_default().push(text);
    }

    pub fn record_failure(&self, key: &ScenarioKey, message: &str) {
        lock(&self.failures).insert(key.id.clone(), message.to_string());
    }

    /// A guide picture: in docs mode, rewrite its baseline in screenshots/ or
    /// compare the capture with it; in other modes nothing (names and dates differ).
    pub fn picture(
        &self,
        picture: &crate::evidence::docs::Picture,
        capture: &std::path::Path,
        masks: &[crate::evidence::Rect],
    ) -> anyhow::Result<()> {
        let Some(docs) = self.docs else { return Ok(()) };
        // Every docs run keeps its own copy of the pictures (to compare two runs).
        let own = self.run_dir.join("pictures");
        std::fs::create_dir_all(&own)?;
        std::fs::copy(capture, own.join(&picture.file))?;
        let dir = std::path::Path::new(crate::evidence::docs::SCREENSHOTS_DIR);
        let baseline = dir.join(&picture.file);
        let version = lock(&self.browser_version).clone().unwrap_or_default();
        let info = dir.join("BASELINE_BROWSER");
        if docs.update {
            std::fs::create_dir_all(dir)?;
            std::fs::copy(capture, &baseline).with_context(|| format!("cannot write {}", baseline.display()))?;
            std::fs::write(&info, format!("{version}\n"))?;
            return Ok(());
        }
        // Pixels are only comparable within one browser build (as Playwright keys
        // its snapshots by browser and platform).
        let made_with = std::fs::read_to_string(&info).unwrap_or_default();
        if made_with.trim() != version {
            if !self.warned_version.swap(true, Ordering::SeqCst) {
                println!(
                    "visual comparison skipped: the baselines were made with {:?}, this browser is {version:?}; \
                     run `cargo run -- docs` to refresh them",
                    made_with.trim()
                );
            }
            return Ok(());
        }
        crate::evidence::visual::check_against_baseline(capture, &baseline, &self.run_dir.join("visual"), masks)
    }

    pub fn record_step(&self, key: &ScenarioKey, step: StepRecord) {
        lock(&self.steps).entry(key.id.clone()).or_default().push(step);
    }

    pub fn results(&self) -> Vec<ScenarioResult> {
        lock(&self.results).clone()
    }

    /// (headed, OS clipboard) for a scenario with these tags. Docs mode stays
    /// headless: its pictures must not depend on a display.
    fn browser_kind(&self, tags: &[String]) -> (bool, bool) {
        let docs = self.docs.is_some();
        let wants_clipboard = tags.iter().any(|t| t == "clipboard");
        let os_clipboard = wants_clipboard && self.display.is_some() && self.driver.chromium.is_some() && !docs;
        ((self.config.headed || os_clipboard) && !docs, os_clipboard)
    }

    /// Starts the browser of the first planned scenario (tags of each, in
    /// the order they will run) while the run gets going.
    pub(crate) fn plan(&self, scenarios: &[Vec<String>]) {
        let kinds = scenarios.iter().map(|tags| self.browser_kind(tags).0).collect();
        let launcher = browser::pool::Launcher {
            config: self.config.clone(),
            driver_url: self.driver.url.clone(),
            chromium: self.driver.chromium.clone(),
            base_url: self.base_url.clone(),
        };
        // One browser starting ahead: on 2 cores, more (one per session) slowed
        // the running scenarios more than it saved (whole suite 61-68 s vs 55-59 s).
        let _ = self.pool.set(browser::pool::Pool::new(launcher, kinds, 1));
    }

    /// Opens the scenario's browser. `@clipboard` scenarios get a headed browser
    /// on the X display when there is one (the OS clipboard path); otherwise the
    /// page's clipboard API is granted through CDP (the browser path).
    pub(crate) async fn open_session(&self, key: &ScenarioKey) -> anyhow::Result<(Ui, ClipboardPath)> {
        let t0 = std::time::Instant::now();
        let wants_clipboard = key.tags.iter().any(|t| t == "clipboard");
        let docs = self.docs.is_some();
        let (headed, os_clipboard) = self.browser_kind(&key.tags);
        let session = match self.pool.get() {
            Some(pool) => pool.take(headed).await?,
            None => {
                let d = &self.driver;
                browser::new_session(&self.config, &d.url, d.chromium.as_deref(), &self.base_url, headed).await?
            }
        };
        let driver = session.driver.clone();
        let ui = Ui::new(session.driver, self.config.clone(), self.base_url.clone(), session.input, session.chromium, session.devtools);
        lock(&self.sessions).insert(key.id.clone(), ui.clone());
        lock(&self.keys).insert(key.id.clone(), key.clone());
        if docs && lock(&self.browser_version).is_none() {
            let v = driver.cdp().send_raw("Browser.getVersion", serde_json::json!({})).await.ok();
            let product = v.and_then(|v| v["product"].as_str().map(str::to_string)).unwrap_or_else(|| "unknown".into());
            *lock(&self.browser_version) = Some(product);
        }
        lock(&self.started).insert(key.id.clone(), (t0, t0.elapsed()));
        let path = if os_clipboard {
            ClipboardPath::Os
        } else {
            if wants_clipboard {
                clipboard::grant_permissions(&driver, &self.base_url).await?;
            }
            ClipboardPath::Browser
        };
        if wants_clipboard {
            lock(&self.clipboard_paths).insert(key.id.clone(), path);
        }
        Ok((ui, path))
    }

    /// After a scenario: final screenshot if it failed, revoke its tokens, quit its browser.
    pub(crate) async fn finish_scenario(&self, key: &ScenarioKey, outcome: Outcome) {
        let teardown_started = std::time::Instant::now();
        let ui = lock(&self.sessions).remove(&key.id);
        lock(&self.keys).remove(&key.id);
        if let Some(ui) = ui {
            if matches!(outcome, Outcome::Failed | Outcome::Interrupted) {
                let path = crate::evidence::step_path(&self.run_dir, &key.feature, &key.evidence_name(), 99, "final-state");
                if crate::evidence::capture(&ui, &path, &crate::secret::all(), false, Some(&self.writes), None).await.is_ok() {
                    let record = StepRecord {
                        index: 99,
                        text: "final state".into(),
                        passed: false,
                        action: Default::default(),
                        capture: Default::default(),
                        screenshot: Some(path),
                    };
                    self.record_step(key, record);
                }
            }
            self.revoke_tokens(&ui, |t| t.scenario_id == key.id).await;
            if outcome == Outcome::Passed {
                self.revoke_earlier(&ui).await;
            }
            // Quitting takes ~150 ms: off the scenario's path, awaited before the run ends.
            let quit = tokio::spawn(async move {
                let _ = ui.driver.quit().await;
            });
            lock(&self.quits).push(quit);
        }
        let failure = lock(&self.failures).remove(&key.id);
        let clipboard = lock(&self.clipboard_paths).remove(&key.id);
        let steps = lock(&self.steps).remove(&key.id).unwrap_or_default();
        let (duration, session_start) =
            lock(&self.started).remove(&key.id).map(|(t, s)| (t.elapsed(), s)).unwrap_or_default();
        let teardown = teardown_started.elapsed();
        let notes = lock(&self.notes).remove(&key.id).unwrap_or_default();
        lock(&self.results).push(ScenarioResult { key: key.clone(), outcome, failure, clipboard, steps, duration, session_start, teardown, notes });
    }

    /// Ctrl-C: the scenarios still running are finished as interrupted (their
    /// tokens revoked, their browsers quit). Returns how many there were.
    pub(crate) async fn interrupt_in_flight(&self) -> usize {
        let ids: Vec<String> = lock(&self.sessions).keys().filter(|id| *id != "sweep").cloned().collect();
        for id in &ids {
            let known = lock(&self.keys).get(id).cloned();
            if let Some(key) = known {
                let message = "interrupted (Ctrl-C or SIGTERM) while this scenario ran".to_string();
                let previous = lock(&self.failures).insert(key.id.clone(), message.clone());
                if let Some(p) = previous {
                    lock(&self.failures).insert(key.id.clone(), format!("{message}; before that: {p}"));
                }
                self.finish_scenario(&key, Outcome::Interrupted).await;
            }
        }
        ids.len()
    }

    /// Waits for the sessions quitting in the background, and quits the
    /// started sessions no scenario asked for.
    pub(crate) async fn quitted(&self) {
        if let Some(pool) = self.pool.get() {
            pool.drain().await;
        }
        let quits: Vec<_> = std::mem::take(&mut *lock(&self.quits));
        for q in quits {
            let _ = q.await;
        }
    }

    pub(crate) fn set_earlier(&self, earlier: Vec<crate::unfinished::Earlier>) {
        *lock(&self.earlier) = earlier;
    }

    /// Revokes, once, what earlier killed runs left: through `[api]` when it
    /// is configured, else on the Profile page (with a signed-in browser).
    async fn revoke_earlier(&self, ui: &Ui) {
        let earlier = std::mem::take(&mut *lock(&self.earlier));
        if earlier.is_empty() {
            return;
        }
        let owned = |n: &str| earlier.iter().any(|e| e.owns(n));
        let done: anyhow::Result<usize> = async {
            if self.config.api.revoke_path.is_some() && self.api_note.get().is_none() {
                let cookies = ui.page.cookies().await.unwrap_or_default();
                return Ok(crate::api::revoke_matching(&self.base_url, &self.config.api, &cookies, owned).await?.revoked.len());
            }
            let page = self.open_profile(ui).await?;
            let names = page.live_token_names().await?;
            let mut n = 0;
            for name in names.iter().filter(|n| owned(n)) {
                page.revoke(name).await?;
                n += 1;
            }
            Ok(n)
        }
        .await;
        match done {
            Ok(n) => {
                println!("clean-up: revoked {n} token(s) left by earlier killed run(s)");
                for e in &earlier {
                    crate::unfinished::forget(&self.config.artifacts_dir, &e.run_id);
                }
            }
            Err(e) => {
                eprintln!("clean-up: could not revoke the tokens of earlier killed runs ({e:#}); they stay listed for the next run");
            }
        }
    }

    /// Revokes this run's tokens matching `which`: through the target's API
    /// with the browser's session when `[api]` has a revoke endpoint, else (or
    /// if that fails) through the UI (Profile → Revoke).
    /// What is left is counted by [`RunContext::sweep`].
    async fn revoke_tokens(&self, ui: &Ui, which: impl Fn(&CreatedToken) -> bool) {
        let pending: Vec<String> =
            lock(&self.tokens).iter().filter(|t| !t.revoked && which(t)).map(|t| t.name.clone()).collect();
        if pending.is_empty() {
            return;
        }
        if self.config.api.revoke_path.is_some() && self.api_note.get().is_none() {
            let cookies = ui.page.cookies().await.unwrap_or_default();
            match crate::api::revoke_by_name(&self.base_url, &self.config.api, &cookies, &pending).await {
                Ok(done) => {
                    for (name, existed) in done {
                        self.mark_revoked(&name, existed);
                    }
                    return;
                }
                // Said once, in the summary; the rest of the run uses the Profile page.
                Err(e) => {
                    let _ = self.api_note.set(crate::secret::redact(&format!("{e:#}")));
                }
            }
        }
        let page = match self.open_profile(ui).await {
            Ok(p) => p,
            Err(e) => {
                eprintln!("clean-up: could not open the Profile page to revoke {} token(s): {e:#}", pending.len());
                return;
            }
        };
        for name in &pending {
            match page.revoke(name).await {
                Ok(existed) => self.mark_revoked(name, existed),
                Err(e) => eprintln!("clean-up: could not revoke '{name}': {e:#}"),
            }
        }
    }

    /// Opens the Profile page, signed in (directly once its address is known).
    async fn open_profile<'u>(&self, ui: &'u Ui) -> anyhow::Result<crate::pages::profile_page::ProfilePage<'u>> {
        let page = crate::pages::profile_page::ProfilePage::new(ui);
        // The Profile page's address, once known, saves the walk through the menu.
        let known = lock(&self.profile_url).clone();
        if let Some(url) = known
            && ui.driver.goto(&url).await.is_ok()
            && page.wait_loaded().await.is_ok()
        {
            return Ok(page);
        }
        crate::pages::login::LoginPage::new(ui).open_signed_in(&self.config.start_path, self.config.credentials.as_ref()).await?;
        let menu = crate::pages::profile_menu::ProfileMenu::new(ui);
        menu.open().await?;
        menu.choose_profile().await?;
        page.wait_loaded().await?;
        *lock(&self.profile_url) = Some(ui.current_url().await);
        Ok(page)
    }

    /// The final sweep: anything still live gets revoked from a fresh session.
    pub(crate) async fn sweep(&self) -> (usize, usize) {
        let created = lock(&self.tokens).len();
        // (Attempts the form rejected are counted out below.)
        let leftover = lock(&self.tokens).iter().filter(|t| !t.revoked).count();
        if leftover > 0 {
            let key = ScenarioKey { id: "sweep".into(), feature: "clean-up".into(), scenario: "sweep".into(), tags: vec![], attempt: 0 };
            if let Ok((ui, _)) = self.open_session(&key).await {
                self.revoke_tokens(&ui, |_| true).await;
                let _ = ui.driver.clone().quit().await;
                lock(&self.sessions).remove("sweep");
            }
        }
        let tokens = lock(&self.tokens);
        let still = tokens.iter().filter(|t| !t.revoked).count();
        let never = tokens.iter().filter(|t| !t.existed).count();
        (created - still - never, still)
    }
}

