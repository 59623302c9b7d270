//! What every scenario of one run shares: the configuration and target, the
//! browsers (one per slot, a context per scenario), the token ledger for the
//! clean-up, and where finished scenarios are recorded. Each scenario's own
//! state lives in its World ([`ScenarioSession`]), not here.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use anyhow::Context;
use chrono::NaiveDate;

use crate::browser::clipboard::{self, ClipboardPath};
use crate::browser::contexts::Browsers;
use crate::browser::recorder::Recorder;
use crate::browser::{self, Session};
use crate::cleanup::Cleanup;
use crate::config::Config;
use crate::pages::Ui;
use crate::results::{Outcome, ScenarioKey, ScenarioResult, StepRecord};
use crate::scenario::ScenarioSession;
pub(crate) use crate::sync::lock;

#[derive(Clone, Copy, Debug)]
pub struct DocsMode {
    pub update: bool,
}

/// Where the browsers come from.
pub struct BrowserSource {
    /// One browser per slot, a context per scenario (see [`Browsers`]).
    pub browsers: Browsers,
    /// An X display for headed browsers (the OS clipboard), and how we got it.
    pub display: Option<String>,
    pub display_note: String,
}

/// What every scenario of one run shares.
pub struct RunContext {
    pub config: Arc<Config>,
    pub base_url: String,
    pub run_id: String,
    pub run_dir: PathBuf,
    local_today: Option<NaiveDate>,
    /// Docs mode, and whether it rewrites the baselines.
    pub docs: Option<DocsMode>,
    pub source: BrowserSource,
    pub cleanup: Cleanup,
    /// Screenshots being written in the background.
    pub writes: crate::evidence::Writes,
    /// How many times each scenario has started (retries).
    attempts: Mutex<Vec<(String, usize)>>,
    /// Finished scenarios, in the order they ended.
    results: Mutex<Vec<ScenarioResult>>,
    /// Scenarios whose World went away unfinished (the run was interrupted).
    abandoned: Mutex<Vec<ScenarioSession>>,
    counter: AtomicUsize,
    /// Scenarios failed by their after hook (the page reported an error after
    /// the last step): cucumber counts each as a hook error.
    late_failures: AtomicUsize,
    /// The browser's product/version (baselines are only comparable within one).
    browser_version: OnceLock<String>,
    warned_version: AtomicBool,
    /// Cookies of the first password sign-in, reused by later scenarios.
    signed_in_cookies: Mutex<Option<Vec<thirtyfour::Cookie>>>,
    /// The injected session expired during the run: the cause, said once.
    /// No scenario starts after it ([`Self::stopped`] wakes the runner).
    pub session_expired: OnceLock<String>,
    stop: tokio::sync::Notify,
    /// The password session was renewed (said once).
    renewed_session: AtomicBool,
    /// The target's fingerprints and this run's suggested locators.
    pub repair: Arc<crate::repair::Book>,
    /// The accessibility audit of the guide's screens.
    pub audits: crate::evidence::audit::Audits,
}

pub(crate) static CURRENT: Mutex<Option<Arc<RunContext>>> = Mutex::new(None);

impl RunContext {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        config: Arc<Config>,
        base_url: String,
        run_id: String,
        run_dir: PathBuf,
        local_today: Option<NaiveDate>,
        source: BrowserSource,
        docs: Option<DocsMode>,
        earlier: Vec<crate::unfinished::Earlier>,
        audits: crate::evidence::audit::Audits,
    ) -> Self {
        let target = match &config.target {
            crate::config::Target::Local { .. } => "local-ai-suite".to_string(),
            crate::config::Target::Remote { url } => crate::browser::recorder::origin(url),
        };
        let repair = Arc::new(crate::repair::Book::open(&config.artifacts_dir, &target, &format!("{:?}", config.browser).to_lowercase()));
        Self {
            repair,
            audits,
            cleanup: Cleanup::new(config.clone(), base_url.clone(), earlier),
            config,
            base_url,
            run_id,
            run_dir,
            local_today,
            docs,
            source,
            writes: Default::default(),
            attempts: Mutex::new(Vec::new()),
            results: Mutex::new(Vec::new()),
            abandoned: Mutex::new(Vec::new()),
            counter: AtomicUsize::new(0),
            late_failures: AtomicUsize::new(0),
            browser_version: OnceLock::new(),
            warned_version: AtomicBool::new(false),
            signed_in_cookies: Mutex::new(None),
            session_expired: OnceLock::new(),
            stop: tokio::sync::Notify::new(),
            renewed_session: AtomicBool::new(false),
        }
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

    /// Counts the runs of a scenario (retries): 0 for the first.
    pub(crate) fn next_attempt(&self, id: &str) -> usize {
        let mut attempts = lock(&self.attempts);
        match attempts.iter_mut().find(|(i, _)| i == id) {
            Some((_, n)) => {
                *n += 1;
                *n - 1
            }
            None => {
                attempts.push((id.to_string(), 1));
                0
            }
        }
    }

    pub fn signed_in_cookies(&self) -> Option<Vec<thirtyfour::Cookie>> {
        lock(&self.signed_in_cookies).clone()
    }

    /// The session of a password sign-in, reused by later scenarios. When it
    /// differs from the one remembered, the remembered one had expired and the
    /// scenario signed in again: said once, and the new one is used from now on.
    pub fn remember_signed_in_cookies(&self, cookies: Vec<thirtyfour::Cookie>) {
        for c in &cookies {
            crate::secret::Secret::session(c.value.clone());
        }
        let mut remembered = lock(&self.signed_in_cookies);
        let pairs = |c: &[thirtyfour::Cookie]| {
            let mut v: Vec<(String, String)> = c.iter().map(|c| (c.name.clone(), c.value.to_string())).collect();
            v.sort();
            v
        };
        if let Some(before) = remembered.as_ref()
            && pairs(before) != pairs(&cookies)
            && !self.renewed_session.swap(true, Ordering::SeqCst)
        {
            println!(
                "note: the password session expired (or the app renewed it) after {} scenario(s); the suite signed in again and uses the new session from now on",
                lock(&self.results).len()
            );
        }
        *remembered = Some(cookies);
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
        // The guide's pictures are Chromium's; other browsers keep baselines of their own.
        let dir = match self.config.browser {
            crate::config::BrowserName::Chromium => PathBuf::from(crate::evidence::docs::SCREENSHOTS_DIR),
            other => std::path::Path::new(crate::evidence::docs::SCREENSHOTS_DIR).join(other.as_str()),
        };
        let dir = dir.as_path();
        let baseline = dir.join(&picture.file);
        let version = self.browser_version.get().cloned().unwrap_or_default();
        let info = dir.join("BASELINE_BROWSER");
        if docs.update {
            std::fs::create_dir_all(dir)?;
            std::fs::copy(capture, &baseline).with_context(|| format!("cannot write {}", baseline.display()))?;
            std::fs::write(&info, format!("{version}\n"))?;
            return Ok(());
        }
        // Pixels compare within one browser's major version (a patch release
        // renders the page the same within the perceptual tolerance; Playwright
        // keys its snapshots by browser and platform likewise).
        let made_with = std::fs::read_to_string(&info).unwrap_or_default();
        let made_with = made_with.trim();
        if !crate::evidence::visual::comparable(made_with, &version) {
            if !self.warned_version.swap(true, Ordering::SeqCst) {
                println!(
                    "note: visual comparison skipped: the baselines were made with {made_with:?}, this browser is {version:?} \
                     (another major version renders fonts and controls differently); run `cargo run -- docs` to make \
                     baselines with this browser"
                );
            }
            return Ok(());
        }
        if made_with != version && !self.warned_version.swap(true, Ordering::SeqCst) {
            println!("visual comparison: the baselines were made with {made_with}, this browser is {version} (the same major version): compared within the tolerance");
        }
        crate::evidence::visual::check_against_baseline(capture, &baseline, &self.run_dir.join("visual"), masks)
    }

    /// A guide picture's ARIA snapshot (`snapshot`, YAML): in docs mode,
    /// rewrite its baseline beside the picture (`<picture>.aria.yml` in
    /// screenshots/, one for every browser: roles and names come from the
    /// same axe-core in each) or compare with it, a difference failing with
    /// its tree diff; in other modes nothing.
    pub fn aria_snapshot(&self, picture: &crate::evidence::docs::Picture, snapshot: &str) -> anyhow::Result<()> {
        let Some(docs) = self.docs else { return Ok(()) };
        let file = format!("{}.aria.yml", picture.file.strip_suffix(".png").unwrap_or(&picture.file));
        let own = self.run_dir.join("pictures");
        std::fs::create_dir_all(&own)?;
        std::fs::write(own.join(&file), snapshot)?;
        let baseline = std::path::Path::new(crate::evidence::docs::SCREENSHOTS_DIR).join(&file);
        if docs.update {
            // Another browser's docs run keeps the Chromium baselines: it only compares.
            if self.config.browser == crate::config::BrowserName::Chromium {
                std::fs::write(&baseline, snapshot).with_context(|| format!("cannot write {}", baseline.display()))?;
                return Ok(());
            }
        }
        let expected = match std::fs::read_to_string(&baseline) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                anyhow::bail!("no ARIA snapshot baseline {} yet: `cargo run -- docs` writes it", baseline.display())
            }
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", baseline.display())),
        };
        match crate::evidence::aria::diff(&expected, snapshot) {
            None => Ok(()),
            Some(diff) => anyhow::bail!(
                "the screen as a screen reader meets it differs from its ARIA snapshot {} (this run's: {}; `cargo run -- docs` rewrites the baseline if the change is meant):\n{diff}",
                baseline.display(),
                own.join(&file).display()
            ),
        }
    }

    /// (headed, OS clipboard) for a scenario with these tags. Docs mode stays
    /// headless: its pictures must not depend on a display.
    fn browser_kind(&self, tags: &[String]) -> (bool, bool) {
        let docs = self.docs.is_some();
        let wants_clipboard = tags.iter().any(|t| t == "clipboard");
        let local = self.config.webdriver_url.is_none();
        let os_clipboard = wants_clipboard && self.source.display.is_some() && local && !docs;
        ((self.config.headed || os_clipboard) && !docs, os_clipboard)
    }

    /// Opens the scenario's page: a new context in one of the run's browsers
    /// (or, on a remote WebDriver, a session of its own). `@clipboard`
    /// scenarios get a headed browser on the X display when there is one (the
    /// OS clipboard path); otherwise the page's clipboard API is granted
    /// through DevTools (the browser path). A failure is recorded in the
    /// session, which then has no page.
    pub(crate) async fn open_scenario(&self, key: ScenarioKey) -> ScenarioSession {
        let mut s = ScenarioSession::new(key);
        let opened = self.open_page(&mut s).await;
        if let Err(e) = opened {
            // Whatever was opened is given back (a session quit, its driver stopped).
            self.release(&mut s).await;
            s.fail(crate::secret::redact(&format!("could not open a browser session: {e:#}")));
        }
        s.setup = s.started.elapsed();
        s
    }

    async fn open_page(&self, s: &mut ScenarioSession) -> anyhow::Result<()> {
        let (headed, os_clipboard) = self.browser_kind(&s.key.tags);
        let lease = self.source.browsers.open(headed).await?;
        let session: Session = lease.session.clone();
        s.started_browser = lease.started_browser;
        s.lease = Some(lease);
        let driver = session.driver.clone();
        let chromium = session.chromium;
        s.browser = browser::browser_version(&driver);
        let context = session.browser_context.clone();
        let devtools = session.devtools.clone();
        // Held from now on: a failure below gives it back (see `open_scenario`).
        let mut ui = Ui::new(session.driver, self.config.clone(), self.base_url.clone(), session.input, session.chromium, session.devtools).switching(session.switch);
        ui.repair = Some(self.repair.clone());
        let ui = s.ui.insert(ui);
        // The page's console, errors and requests, heard from its first load on.
        if let Some(devtools) = &devtools {
            s.recorder = Some(Recorder::attach(devtools, &self.base_url).await.context("could not listen to the page's console and requests")?);
            // The new tokens' ids, read from the Create call's answers (for the clean-up).
            if let Some(r) = &s.recorder {
                r.watch_creates(crate::browser::recorder::CreateWatch {
                    path: self.config.api.create_path.clone(),
                    pointer: self.config.api.created_id_pointer.clone(),
                });
            }
        } else if browser::speaks_bidi(&driver) {
            // A browser without DevTools (Firefox), or a remote one: WebDriver BiDi.
            s.recorder = Some(Recorder::attach_bidi(&driver, &self.base_url).await.context("could not listen to the page's console and requests")?);
        }
        if self.config.video == crate::config::VideoMode::RetainOnFailure {
            s.video = Some(crate::evidence::video::Recording::start(ui).await.map_err(|e| format!("{e:#}")));
        }
        if self.docs.is_some() && self.browser_version.get().is_none() {
            let product = if chromium {
                let v = driver.cdp().send_raw("Browser.getVersion", serde_json::json!({})).await.ok();
                v.and_then(|v| v["product"].as_str().map(str::to_string))
            } else {
                browser::browser_version(&driver)
            };
            let _ = self.browser_version.set(product.unwrap_or_else(|| "unknown".into()));
        }
        if s.key.tags.iter().any(|t| t == "clipboard") {
            let path = if os_clipboard { ClipboardPath::Os } else { ClipboardPath::Browser };
            // Firefox reads its clipboard without a permission (a preference set at its start).
            if path == ClipboardPath::Browser && chromium {
                clipboard::grant_permissions(&ui.page, &self.base_url, context.as_deref()).await?;
            }
            s.clipboard = Some(path);
        }
        if let Some(lease) = &mut s.lease {
            self.source.browsers.ready_next(lease);
        }
        Ok(())
    }

    /// After a scenario: a final screenshot if it failed, its tokens revoked,
    /// its context disposed (or its own browser quit); its record kept.
    /// Returns the failure of a scenario that passed its steps but whose page
    /// reported an error after the last step's check (the after hook fails it).
    pub(crate) async fn finish_scenario(&self, mut s: ScenarioSession, mut outcome: Outcome) -> Option<String> {
        let teardown_started = Instant::now();
        let mut late = None;
        if let Some(r) = s.recorder.clone() {
            // A request of the last step still unanswered may yet answer 500.
            let poll = self.config.poll;
            let _ = crate::browser::wait::within(std::time::Duration::from_secs(1), poll, || async {
                r.settle().await;
                Ok((r.unanswered() == 0).then_some(()))
            })
            .await;
            let last = s.steps.last().map(|l| (l.index, l.text.clone())).unwrap_or_default();
            if let Some(faults) = s.page_faults(&self.config.page_checks, (last.0, &last.1)) {
                let message = format!("the page reported an error: {faults}");
                if outcome == Outcome::Passed {
                    outcome = Outcome::Failed;
                    late = Some(message.clone());
                    self.late_failures.fetch_add(1, Ordering::SeqCst);
                }
                s.fail(message);
            }
            // What the clean-up makes the page do is recorded, never held against the scenario.
            r.begin_step(crate::browser::recorder::AFTER_SCENARIO);
        }
        // The ids of the tokens the last step created, from the Create answers.
        self.cleanup.hear_identities(&mut s).await;
        // The runner is stopped once this scenario is finished and recorded.
        let expired = outcome == Outcome::Failed && self.notice_expired_session(&s).await;
        if let Some(ui) = &s.ui {
            if matches!(outcome, Outcome::Failed | Outcome::Interrupted) {
                let path = crate::evidence::step_path(&self.run_dir, &s.key.feature, &s.key.evidence_name(), 99, "final-state");
                if crate::evidence::capture(ui, &path, &crate::secret::all(), false, false, Some(&self.writes), None).await.is_ok() {
                    s.steps.push(StepRecord {
                        index: 99,
                        text: "final state".into(),
                        passed: false,
                        action: Default::default(),
                        capture: Default::default(),
                        screenshot: Some(path),
                        waits: Vec::new(),
                        dom: None,
                        candidates: None,
                        aria: None,
                        accessibility: None,
                    });
                }
            }
            // The video ends with the final state, before the clean-up.
            if let Some(video) = s.video.take() {
                let keep = matches!(outcome, Outcome::Failed | Outcome::Interrupted);
                s.video_record = Some(match video {
                    Ok(recording) => recording.finish(keep, &crate::evidence::video::path(&self.run_dir, &s.key.feature, &s.key.evidence_name())).await,
                    Err(why) => crate::results::VideoRecord { file: None, note: why },
                });
            }
            self.cleanup.revoke(ui, |name| s.created.iter().any(|c| c == name)).await;
            if outcome == Outcome::Passed {
                self.cleanup.revoke_earlier(ui).await;
            }
        }
        self.release(&mut s).await;
        let result = s.into_result(outcome, teardown_started.elapsed());
        lock(&self.results).push(result);
        if expired {
            self.stop.notify_one();
        }
        late
    }

    /// Resolves once the run must start no more scenarios (the injected session expired).
    pub(crate) async fn stopped(&self) {
        self.stop.notified().await
    }

    /// A scenario failed on the sign-in page (it says the session is invalid
    /// or expired, or the page shows it) with an injected session that
    /// worked earlier in the run: the session expired. Said once, with when,
    /// after how many scenarios and what to refresh; the run stops starting
    /// scenarios and ends with exit 3.
    async fn notice_expired_session(&self, s: &ScenarioSession) -> bool {
        let injected = self.config.credentials.is_none() && (!self.config.session.cookies.is_empty() || !self.config.session.local_storage.is_empty());
        if !injected || self.session_expired.get().is_some() {
            return false;
        }
        let says = s.failure.as_deref().is_some_and(|f| f.contains("the session is invalid or expired") || f.contains("the session ended during this step") || f.contains("the session has expired"));
        let shows_sign_in = match (&s.ui, says) {
            (_, true) => true,
            (Some(ui), false) => matches!(ui.try_find(crate::locators::key::LOGIN_PAGE, None).await, Ok(Some(_))),
            (None, false) => false,
        };
        // Scenarios that got past the sign-in with this session (a passed step).
        let worked = lock(&self.results).iter().filter(|r| r.steps.iter().any(|st| st.passed)).count();
        let worked_here = s.steps.iter().any(|st| st.passed);
        if !shows_sign_in || (worked == 0 && !worked_here) {
            return false;
        }
        let cause = format!(
            "the injected session expired during the run: noticed at {} UTC in \"{}\", after {} scenario(s) had run with it; \
             no further scenario was started. Sign in through SSO again and refresh AI_SUITE_SESSION_COOKIES / AI_SUITE_SESSION_STORAGE \
             (the tokens this run could not revoke are in its unfinished/ marker: the next run revokes them)",
            chrono::Utc::now().format("%H:%M:%S"),
            s.key.scenario,
            worked + usize::from(worked_here),
        );
        let first = self.session_expired.set(cause.clone()).is_ok();
        if first {
            eprintln!("\nSTOPPING: the injected session expired (the cause at the end); no new scenario starts");
        }
        first
    }

    /// Gives the scenario's browser back: its context disposed, or (a
    /// session of its own) its browser quit in the background — ~150 ms off
    /// the scenario's path, awaited before the run ends (see [`Browsers::close`]).
    async fn release(&self, s: &mut ScenarioSession) {
        s.ui = None;
        if let Some(lease) = s.lease.take() {
            self.source.browsers.close(lease).await;
        }
    }

    /// A scenario's World went away before its after hook (the run stopped).
    pub(crate) fn abandon(&self, s: ScenarioSession) {
        lock(&self.abandoned).push(s);
    }

    /// Ctrl-C: the scenarios that were running are finished as interrupted
    /// (their tokens revoked, their contexts disposed). Returns how many.
    pub(crate) async fn finish_interrupted(&self) -> usize {
        self.finish_stopped("interrupted (Ctrl-C or SIGTERM) while this scenario ran").await
    }

    /// The scenarios that were running when the run stopped (`why`) are
    /// finished as interrupted (their tokens revoked, their contexts disposed).
    pub(crate) async fn finish_stopped(&self, why: &str) -> usize {
        let abandoned: Vec<ScenarioSession> = std::mem::take(&mut *lock(&self.abandoned));
        let n = abandoned.len();
        for mut s in abandoned {
            s.fail(why.to_string());
            self.finish_scenario(s, Outcome::Interrupted).await;
        }
        n
    }

    /// How many scenarios their after hook failed (see `late_failures`).
    pub fn late_failures(&self) -> usize {
        self.late_failures.load(Ordering::SeqCst)
    }

    /// Every finished scenario, in the order they ended.
    pub fn results(&self) -> Vec<ScenarioResult> {
        lock(&self.results).clone()
    }

    /// The final sweep: anything still live is revoked from a fresh page.
    /// Returns (revoked, could not be revoked).
    pub(crate) async fn sweep(&self) -> (usize, usize) {
        // A token counted revoked that the target still lists live is revoked again.
        self.cleanup.reopen_live().await;
        if self.cleanup.pending() > 0 {
            let key = ScenarioKey { id: "sweep".into(), feature: "clean-up".into(), scenario: "sweep".into(), tags: vec![], attempt: 0 };
            let mut s = self.open_scenario(key).await;
            if let Some(ui) = &s.ui {
                self.cleanup.revoke(ui, |_| true).await;
            }
            self.release(&mut s).await;
        }
        self.cleanup.totals()
    }

    /// Quits the browsers (and waits for those quitting in the background).
    pub(crate) async fn quit_browsers(&self) {
        self.source.browsers.quit_all().await;
    }
}
