//! Runs the feature suite: checks prerequisites, starts the local AI Suite (when
//! no target URL is given) and ChromeDriver, runs cucumber with one browser
//! session per scenario, cleans up every token it created, writes the reports,
//! and prints `N passed, N failed, N skipped`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use chrono::NaiveDate;
use clap::Parser as _;
use cucumber::{World as _, WriterExt as _, cli, event, writer};
use futures::FutureExt as _;
use thirtyfour::WebDriver;

use crate::browser::clipboard::{self, ClipboardPath};
use crate::browser::display::Display;
use crate::browser::{self, Driver};
use crate::config::{Config, Target};
use crate::local_suite::{self, LocalSuite};
use crate::pages::Ui;
use crate::world::AiSuiteWorld;

/// Exit codes: the gate can tell "the product is broken" from "the run could not happen".
pub const EXIT_PASSED: i32 = 0;
pub const EXIT_FAILED: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_COULD_NOT_RUN: i32 = 3;

/// The words every sign-in failure starts with (see pages::login).
pub const SIGN_IN_FAILED: &str = "could not sign in:";

pub const FEATURES_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/features");

/// The suite's own command-line flags, next to cucumber's (`--tags`, `--name`, ...).
#[derive(clap::Args, Clone, Debug, Default)]
pub struct RunFlags {
    /// Show the browser window (needs a display) instead of running headless.
    #[arg(long)]
    pub headed: bool,
    /// Freeze the local AI Suite's clock on this date (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<NaiveDate>,
    /// Start the local AI Suite with these fault switches (self-check).
    #[arg(long = "fault", value_name = "NAME")]
    pub faults: Vec<String>,
    /// Docs mode: the local AI Suite with a frozen clock and fixed seed, the
    /// guide's exact example values, headless; pictures are compared with
    /// their baselines in screenshots/ (or rewritten with --update-screenshots).
    #[arg(long)]
    pub docs: bool,
    /// Rewrite the guide's pictures in screenshots/ instead of comparing (env AI_SUITE_UPDATE_SCREENSHOTS=1).
    #[arg(long)]
    pub update_screenshots: bool,
    /// Start the local AI Suite as another build with other markup (see README).
    #[arg(long = "variant", value_name = "NAME")]
    pub variants: Vec<String>,
    /// Fail the run when a scenario passed only on a retry (use with --retry N).
    #[arg(long)]
    pub fail_on_flaky: bool,
}

/// The clock of docs mode: the guide's example expiry (2026-04-11) is today + 30 days.
pub const DOCS_TODAY: &str = "2026-03-12";
const DOCS_SEED: u64 = 20260411;

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
    fn new(feature: &cucumber::gherkin::Feature, scenario: &cucumber::gherkin::Scenario) -> Self {
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
    sessions: Mutex<HashMap<String, WebDriver>>,
    tokens: Mutex<Vec<CreatedToken>>,
    results: Mutex<Vec<ScenarioResult>>,
    failures: Mutex<HashMap<String, String>>,
    steps: Mutex<HashMap<String, Vec<StepRecord>>>,
    started: Mutex<HashMap<String, (std::time::Instant, std::time::Duration)>>,
    counter: AtomicUsize,
}

static CURRENT: Mutex<Option<Arc<RunContext>>> = Mutex::new(None);

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl RunContext {
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
    fn next_attempt(&self, id: &str) -> usize {
        let mut a = lock(&self.attempts);
        let n = a.entry(id.to_string()).or_insert(0);
        *n += 1;
        *n - 1
    }

    fn current_attempt(&self, id: &str) -> usize {
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
        for t in lock(&self.tokens).iter_mut().filter(|t| t.name == name) {
            t.revoked = true;
        }
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

    /// Opens the scenario's browser. `@clipboard` scenarios get a headed browser
    /// on the X display when there is one (the OS clipboard path); otherwise the
    /// page's clipboard API is granted through CDP (the browser path).
    async fn open_session(&self, key: &ScenarioKey) -> anyhow::Result<(Ui, ClipboardPath)> {
        let t0 = std::time::Instant::now();
        let profile = self.run_dir.join("profiles").join(format!("s{}", self.counter.fetch_add(1, Ordering::SeqCst)));
        let wants_clipboard = key.tags.iter().any(|t| t == "clipboard");
        // Docs mode stays headless: its pictures must not depend on a display.
        let docs = self.docs.is_some();
        let os_clipboard = wants_clipboard && self.display.is_some() && self.driver.chromium.is_some() && !docs;
        let headed = (self.config.headed || os_clipboard) && !docs;
        let driver = browser::new_session(&self.config, &self.driver, &self.base_url, &profile, headed).await?;
        lock(&self.sessions).insert(key.id.clone(), driver.clone());
        if self.docs.is_some() && lock(&self.browser_version).is_none() {
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
        Ok((Ui::new(driver, self.config.clone(), self.base_url.clone()), path))
    }

    /// After a scenario: final screenshot if it failed, revoke its tokens, quit its browser.
    async fn finish_scenario(&self, key: &ScenarioKey, outcome: Outcome) {
        let teardown_started = std::time::Instant::now();
        let driver = lock(&self.sessions).remove(&key.id);
        if let Some(driver) = driver {
            let ui = Ui::new(driver.clone(), self.config.clone(), self.base_url.clone());
            if outcome == Outcome::Failed {
                let path = crate::evidence::step_path(&self.run_dir, &key.feature, &key.evidence_name(), 99, "final-state");
                if crate::evidence::capture(&ui, &path, &crate::secret::all(), false).await.is_ok() {
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
            let _ = driver.quit().await;
        }
        let failure = lock(&self.failures).remove(&key.id);
        let clipboard = lock(&self.clipboard_paths).remove(&key.id);
        let steps = lock(&self.steps).remove(&key.id).unwrap_or_default();
        let (duration, session_start) =
            lock(&self.started).remove(&key.id).map(|(t, s)| (t.elapsed(), s)).unwrap_or_default();
        let teardown = teardown_started.elapsed();
        lock(&self.results).push(ScenarioResult { key: key.clone(), outcome, failure, clipboard, steps, duration, session_start, teardown });
    }

    /// Revokes this run's tokens matching `which` through the UI (Profile → Revoke).
    async fn revoke_tokens(&self, ui: &Ui, which: impl Fn(&CreatedToken) -> bool) -> (usize, usize) {
        let pending: Vec<String> =
            lock(&self.tokens).iter().filter(|t| !t.revoked && which(t)).map(|t| t.name.clone()).collect();
        if pending.is_empty() {
            return (0, 0);
        }
        let mut revoked = 0;
        let page = crate::pages::profile_page::ProfilePage::new(ui);
        // The Profile page's address, once known, saves the walk through the menu.
        let known = lock(&self.profile_url).clone();
        let direct = match known {
            Some(url) => ui.driver.goto(&url).await.is_ok() && page.wait_loaded().await.is_ok(),
            None => false,
        };
        let opened = if direct {
            Ok(())
        } else {
            async {
                crate::pages::login::LoginPage::new(ui)
                    .open_signed_in(&self.config.start_path, self.config.credentials.as_ref())
                    .await?;
                let menu = crate::pages::profile_menu::ProfileMenu::new(ui);
                menu.open().await?;
                menu.choose_profile().await?;
                page.wait_loaded().await?;
                *lock(&self.profile_url) = Some(ui.current_url().await);
                anyhow::Ok(())
            }
            .await
        };
        if let Err(e) = opened {
            eprintln!("clean-up: could not open the Profile page to revoke {} token(s): {e:#}", pending.len());
            return (0, pending.len());
        }
        for name in &pending {
            match page.revoke(name).await {
                Ok(created) => {
                    revoked += usize::from(created);
                    for t in lock(&self.tokens).iter_mut().filter(|t| &t.name == name) {
                        t.revoked = true;
                        t.existed = created;
                    }
                }
                Err(e) => eprintln!("clean-up: could not revoke '{name}': {e:#}"),
            }
        }
        (revoked, pending.len() - revoked)
    }

    /// The final sweep: anything still live gets revoked from a fresh session.
    async fn sweep(&self) -> (usize, usize) {
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

/// Drops arguments that `cargo test` passes to every test binary (libtest's)
/// and that cucumber's CLI would reject; reports what it ignored.
pub fn strip_libtest_args(args: Vec<String>) -> Vec<String> {
    const FLAGS: &[&str] = &[
        "--nocapture", "--show-output", "--quiet", "-q", "--exact", "--ignored", "--include-ignored",
        "--test", "--bench", "--list", "--no-capture",
    ];
    const VALUED: &[&str] = &["--test-threads", "--logfile", "--skip", "--format", "-Z", "--report-time"];
    const CUCUMBER_VALUED: &[&str] = &[
        "-n", "--name", "--scenario-name", "-t", "--tags", "-i", "--input", "-c", "--concurrency", "--retry",
        "--retry-after", "--retry-tag-filter", "--color", "--today", "--fault", "--variant", "--junit-v",
    ];
    let mut out = Vec::new();
    let mut it = args.into_iter();
    if let Some(program) = it.next() {
        out.push(program);
    }
    while let Some(arg) = it.next() {
        let base = arg.split('=').next().unwrap_or("").to_string();
        if FLAGS.contains(&arg.as_str()) {
            continue;
        }
        if VALUED.contains(&base.as_str()) {
            if !arg.contains('=') {
                it.next();
            }
            continue;
        }
        if CUCUMBER_VALUED.contains(&base.as_str()) && !arg.contains('=') {
            out.push(arg);
            if let Some(v) = it.next() {
                out.push(v);
            }
            continue;
        }
        if !arg.starts_with('-') {
            eprintln!("note: ignoring the test filter '{arg}' from cargo; select scenarios with --name or --tags");
            continue;
        }
        out.push(arg);
    }
    out
}

/// What one run produced.
pub struct RunReport {
    pub code: i32,
    pub results: Vec<ScenarioResult>,
    pub wall: std::time::Duration,
    pub run_dir: PathBuf,
    /// Local AI Suite only: this run's tokens still Active when it ended.
    pub tokens_left_active: Option<usize>,
}

/// Runs the whole suite with these command-line arguments; returns the exit code.
pub async fn run(args: Vec<String>, display: &Display) -> i32 {
    run_report(args, display, false).await.code
}

/// Runs the suite; `quiet` sends cucumber's step-by-step output to `console.log`
/// in the run's folder instead of stdout (the benchmark, the self-check).
pub async fn run_report(args: Vec<String>, display: &Display, quiet: bool) -> RunReport {
    let started = std::time::Instant::now();
    let failed_to_run = |code| RunReport {
        code,
        results: vec![],
        wall: started.elapsed(),
        run_dir: PathBuf::new(),
        tokens_left_active: None,
    };
    let args = strip_libtest_args(args);
    let opts = match Opts::try_parse_from(&args) {
        Ok(o) => o,
        Err(e) => {
            let _ = e.print();
            return failed_to_run(if e.use_stderr() { EXIT_USAGE } else { EXIT_PASSED });
        }
    };
    match run_with(opts, display, quiet).await {
        Ok(mut report) => {
            report.wall = started.elapsed();
            report
        }
        Err(e) => {
            eprintln!("error: {}", crate::secret::redact(&format!("{e:#}")));
            eprintln!("0 passed, 0 failed, 0 skipped (the suite could not run)");
            failed_to_run(EXIT_COULD_NOT_RUN)
        }
    }
}

type Opts = cli::Opts<
    cucumber::parser::basic::Cli,
    cucumber::runner::basic::Cli,
    cli::Compose<cli::Compose<writer::basic::Cli, writer::junit::Cli>, cli::Empty>,
    RunFlags,
>;

async fn run_with(mut opts: Opts, display: &Display, quiet: bool) -> anyhow::Result<RunReport> {
    let mut config = Config::load(&crate::config::process_env)?;
    // Against a real target, scenarios that create many tokens (@destructive)
    // run only when asked: by tags, or AI_SUITE_ALLOW_DESTRUCTIVE=1.
    if !config.is_local()
        && opts.tags_filter.is_none()
        && opts.re_filter.is_none()
        && crate::config::process_env("AI_SUITE_ALLOW_DESTRUCTIVE").is_none()
    {
        opts.tags_filter = Some("not @destructive".parse().map_err(|e| anyhow::anyhow!("tag filter: {e:?}"))?);
        println!("note: @destructive scenarios are skipped against {}; set AI_SUITE_ALLOW_DESTRUCTIVE=1 or --tags to run them", 
            match &config.target { Target::Remote { url } => url.as_str(), Target::Local { .. } => "" });
    }
    let opts_fail_on_flaky = opts.custom.fail_on_flaky;
    if opts.custom.headed {
        config.headed = true;
    }
    let docs = opts.custom.docs.then(|| DocsMode {
        update: opts.custom.update_screenshots
            || crate::config::process_env("AI_SUITE_UPDATE_SCREENSHOTS").is_some_and(|v| v != "0"),
    });
    if docs.is_some() {
        let Target::Local { today } = &mut config.target else {
            anyhow::bail!("docs mode runs against the local AI Suite only: unset AI_SUITE_URL");
        };
        today.get_or_insert(NaiveDate::parse_from_str(DOCS_TODAY, "%Y-%m-%d")?);
        config.concurrency = 1;
    }
    if let (Some(today), Target::Local { today: t }) = (opts.custom.today, &mut config.target) {
        *t = Some(today);
    }
    // Prerequisites first: nothing is started if the browser is missing.
    if config.webdriver_url.is_none() {
        browser::find_chromium(&config)?;
        browser::find_chromedriver(&config)?;
    }
    let run_id: String = {
        use rand::Rng;
        let mut rng = rand::thread_rng();
        (0..6).map(|_| (b'a' + rng.gen_range(0..26)) as char).collect()
    };
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    let run_dir = std::path::absolute(config.artifacts_dir.join(format!("run-{stamp}-{run_id}")))?;
    std::fs::create_dir_all(&run_dir).with_context(|| format!("could not create the artifacts folder {}", run_dir.display()))?;

    let mut local = None;
    let (base_url, local_today) = match &config.target {
        Target::Local { today } => {
            let faults = local_suite::Faults::parse(&opts.custom.faults)?;
            let seed = docs.map(|_| DOCS_SEED);
            let variants = opts.custom.variants.clone();
            let suite = LocalSuite::start(local_suite::Options { today: *today, faults, seed, variants, ..Default::default() }).await?;
            let url = suite.url.clone();
            let today = suite.store.clock().today();
            local = Some(suite);
            (url, Some(today))
        }
        Target::Remote { url } => {
            check_reachable(url).await?;
            (url.clone(), None)
        }
    };
    let driver = Driver::start(&config, &run_dir).await?;
    let concurrency = config.concurrency;
    let ctx = Arc::new(RunContext {
        config: Arc::new(config),
        base_url: base_url.clone(),
        run_id,
        run_dir: run_dir.clone(),
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
        tokens: Mutex::new(Vec::new()),
        results: Mutex::new(Vec::new()),
        failures: Mutex::new(HashMap::new()),
        steps: Mutex::new(HashMap::new()),
        started: Mutex::new(HashMap::new()),
        counter: AtomicUsize::new(0),
    });
    *lock(&CURRENT) = Some(ctx.clone());
    println!("target: {base_url}{}", if local.is_some() { " (local AI Suite)" } else { "" });
    println!("artifacts: {}", run_dir.display());

    let junit = std::fs::File::create(run_dir.join("junit.xml"))?;
    let json = std::fs::File::create(run_dir.join("cucumber.json"))?;
    let console: Box<dyn std::io::Write> =
        if quiet { Box::new(std::fs::File::create(run_dir.join("console.log"))?) } else { Box::new(std::io::stdout()) };
    let writer = writer::Basic::raw(console, writer::Coloring::Auto, 0)
        .summarized()
        .tee::<AiSuiteWorld, _>(writer::JUnit::for_tee(junit, 0))
        .tee::<AiSuiteWorld, _>(writer::Json::for_tee(json))
        .normalized();
    let finished = AiSuiteWorld::cucumber()
        .max_concurrent_scenarios(concurrency)
        .before(|feature, _rule, scenario, world| {
            async move {
                let mut key = ScenarioKey::new(feature, scenario);
                key.attempt = world.run.next_attempt(&key.id);
                world.scenario = Some(key.clone());
                match world.run.open_session(&key).await {
                    Ok((ui, clipboard)) => {
                        world.ui = Some(ui);
                        world.clipboard = clipboard;
                    }
                    Err(e) => {
                        let message = crate::secret::redact(&format!("{e:#}"));
                        world.run.record_failure(&key, &message);
                        panic!("could not open a browser session: {message}");
                    }
                }
            }
            .boxed_local()
        })
        .after(|feature, _rule, scenario, finished, _world| {
            async move {
                let mut key = ScenarioKey::new(feature, scenario);
                let outcome = match finished {
                    event::ScenarioFinished::StepPassed => Outcome::Passed,
                    event::ScenarioFinished::StepSkipped => Outcome::Skipped,
                    _ => Outcome::Failed,
                };
                if let Some(ctx) = RunContext::current() {
                    key.attempt = ctx.current_attempt(&key.id);
                    ctx.finish_scenario(&key, outcome).await;
                }
            }
            .boxed_local()
        })
        .with_writer(writer)
        .with_cli(opts)
        .run(FEATURES_DIR)
        .await;

    let parsing_errors = cucumber::writer::Stats::<AiSuiteWorld>::parsing_errors(&finished);
    let hook_errors = cucumber::writer::Stats::<AiSuiteWorld>::hook_errors(&finished);
    drop(finished); // flushes and closes the report files
    let (cleaned, left) = ctx.sweep().await;
    let attempts = ctx.results();
    // With --retry a scenario runs more than once: its last attempt counts, and
    // one that failed before passing is flaky (reported, never silently green).
    let mut results: Vec<ScenarioResult> = Vec::new();
    let mut flaky_ids = Vec::new();
    for r in &attempts {
        match results.iter_mut().find(|x| x.key.id == r.key.id) {
            Some(prev) => {
                if prev.outcome == Outcome::Failed && r.outcome == Outcome::Passed {
                    flaky_ids.push(r.key.id.clone());
                }
                *prev = r.clone();
            }
            None => results.push(r.clone()),
        }
    }
    let count = |o: Outcome| results.iter().filter(|r| r.outcome == o).count();
    let (passed, failed, skipped) = (count(Outcome::Passed), count(Outcome::Failed), count(Outcome::Skipped));
    let flaky = flaky_ids.len();

    let run_prefix = format!("-{}-", ctx.run_id);
    *lock(&CURRENT) = None;
    if let Ok(ctx) = Arc::try_unwrap(ctx) {
        ctx.driver.stop().await;
    }
    let mut tokens_left_active = None;
    if let Some(suite) = local {
        let live = suite.store.all_tokens().into_iter().filter(|t| t.name.contains(&run_prefix) && t.status == "Active");
        tokens_left_active = Some(live.count());
        suite.stop().await;
    }
    let _ = std::fs::remove_dir_all(run_dir.join("profiles"));
    let _ = std::fs::remove_dir_all(run_dir.join("tmp"));
    let report = crate::evidence::report::render(
        &run_dir,
        &crate::evidence::report::Summary {
            target: &base_url,
            passed,
            failed,
            skipped,
            flaky,
            tokens_revoked: cleaned,
            tokens_left: left,
            display_note: &display.note,
        },
        &results,
    );
    std::fs::write(run_dir.join("report.html"), report)?;
    // Every artifact is scanned for every secret the run saw (token values, passwords).
    let leaks = crate::evidence::leaks(&run_dir, &crate::secret::all())?;

    let out = |line: String| {
        if !quiet {
            println!("{line}");
        }
    };
    out(String::new());
    for r in results.iter().filter(|r| r.outcome == Outcome::Failed) {
        out(format!("FAILED: {} › {}", r.key.feature, r.key.scenario));
        if let Some(f) = &r.failure {
            out(format!("    {}", f.replace('\n', "\n    ")));
        }
    }
    for r in results.iter().filter(|r| r.clipboard.is_some()) {
        let path = r.clipboard.map(|p| p.describe()).unwrap_or_default();
        out(format!("clipboard: {path} — {} ({})", r.key.scenario, display.note));
    }
    out(format!(
        "tokens created by this run: {cleaned} revoked{}",
        if left > 0 { format!(", {left} could NOT be revoked") } else { String::new() }
    ));
    if parsing_errors > 0 {
        out(format!("{parsing_errors} feature file(s) could not be parsed"));
    }
    for r in results.iter().filter(|r| flaky_ids.contains(&r.key.id)) {
        out(format!("FLAKY: {} › {} (failed, then passed on a retry)", r.key.feature, r.key.scenario));
    }
    out(format!("reports: {0}/report.html, {0}/junit.xml, {0}/cucumber.json", run_dir.display()));
    for leak in &leaks {
        out(format!("SECRET LEAKED: a token value or password is in {}", leak.display()));
    }
    let flaky_note = if flaky > 0 { format!(" ({flaky} flaky)") } else { String::new() };
    out(format!("{passed} passed, {failed} failed, {skipped} skipped{flaky_note}"));
    let flaky_fails = opts_fail_on_flaky && flaky > 0;
    let ok = failed == 0
        && skipped == 0
        && parsing_errors == 0
        && hook_errors == 0
        && passed > 0
        && leaks.is_empty()
        && !flaky_fails;
    // When every failure is the sign-in itself, the product was never tested.
    let sign_in_only = failed > 0
        && results
            .iter()
            .filter(|r| r.outcome == Outcome::Failed)
            .all(|r| r.failure.as_deref().is_some_and(|f| f.contains(SIGN_IN_FAILED)));
    if sign_in_only {
        out("the suite could not run: sign-in failed (see above)".into());
    }
    Ok(RunReport {
        code: if ok {
            EXIT_PASSED
        } else if sign_in_only {
            EXIT_COULD_NOT_RUN
        } else {
            EXIT_FAILED
        },
        results,
        wall: Default::default(),
        run_dir,
        tokens_left_active,
    })
}

/// Fails fast, with the cause, when the target does not answer.
async fn check_reachable(url: &str) -> anyhow::Result<()> {
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(15)).build()?;
    client.get(url).send().await.map_err(|e| {
        anyhow::anyhow!("the target {url} is unreachable ({e}); check AI_SUITE_URL and that the server is up")
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn cargo_test_arguments_are_stripped() {
        let out = strip_libtest_args(args(&["bin", "--nocapture", "--test-threads", "1", "--tags", "@smoke", "filter", "-c", "2"]));
        assert_eq!(out, args(&["bin", "--tags", "@smoke", "-c", "2"]));
    }
}
