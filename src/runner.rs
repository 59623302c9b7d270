//! Runs the feature suite: checks prerequisites, starts the local AI Suite (when
//! no target URL is given) and ChromeDriver, runs cucumber with one browser
//! session per scenario, cleans up every token it created, writes the reports,
//! and prints `N passed, N failed, N skipped`.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use chrono::NaiveDate;
use clap::Parser as _;
use cucumber::{World as _, WriterExt as _, cli, event, writer};
use futures::FutureExt as _;

use crate::browser::display::Display;
use crate::browser::{self, Driver};
use crate::config::{Config, Target};
use crate::local_suite::{self, LocalSuite};
use crate::world::AiSuiteWorld;

/// Exit codes: the gate can tell "the product is broken" from "the run could not happen".
pub const EXIT_PASSED: i32 = 0;
pub const EXIT_FAILED: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_COULD_NOT_RUN: i32 = 3;
/// Stopped by Ctrl-C or SIGTERM (the shell's 128 + SIGINT).
pub const EXIT_INTERRUPTED: i32 = 130;

/// SIGINT and SIGTERM, as one stream of names.
struct Signals {
    int: tokio::signal::unix::Signal,
    term: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> anyhow::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Self {
            int: signal(SignalKind::interrupt()).context("could not listen for Ctrl-C")?,
            term: signal(SignalKind::terminate()).context("could not listen for SIGTERM")?,
        })
    }

    async fn next(&mut self) -> &'static str {
        tokio::select! {
            _ = self.int.recv() => "Ctrl-C (SIGINT)",
            _ = self.term.recv() => "SIGTERM",
        }
    }
}

pub use crate::pages::login::SIGN_IN_FAILED;

pub use crate::results::{Outcome, ScenarioKey, ScenarioResult, StepRecord};
use crate::run_context::{BrowserSource, CURRENT, DocsMode, RunContext};
use crate::sync::lock;

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
    /// The local AI Suite's sign-in sessions end N seconds after their sign-in.
    #[arg(long, value_name = "N")]
    pub session_lifetime_s: Option<u64>,
    /// Fail the run when a scenario passed only on a retry (use with --retry N).
    #[arg(long)]
    pub fail_on_flaky: bool,
    /// Run the scenarios in this browser: chromium (default) or firefox
    /// (env AI_SUITE_BROWSER, [browser] name).
    #[arg(long, value_name = "NAME")]
    pub browser: Option<crate::config::BrowserName>,
    /// Film each scenario and keep the video of a failed one: retain-on-failure, or off
    /// (env AI_SUITE_VIDEO, [run] video).
    #[arg(long, value_name = "MODE")]
    pub video: Option<crate::config::VideoMode>,
    /// Run only shard i of n of the selected scenarios: the same split on every
    /// machine (merge the shards' reports with `merge-reports`).
    #[arg(long, value_name = "i/n")]
    pub shard: Option<crate::shard::Shard>,
    /// Balance the shards by the scenario durations in this JUnit file of an
    /// earlier run (by count without it).
    #[arg(long, value_name = "JUNIT", requires = "shard")]
    pub shard_durations: Option<PathBuf>,
}

/// The clock of docs mode: the guide's example expiry (2026-04-11) is today + 30 days.
pub const DOCS_TODAY: &str = "2026-03-12";
const DOCS_SEED: u64 = 20260411;

/// Drops arguments that `cargo test` passes to every test binary (libtest's)
/// and that cucumber's CLI would reject; reports what it ignored. Only test
/// binaries call it (tests/user_tokens.rs): `cargo run` refuses such flags.
pub fn strip_libtest_args(args: Vec<String>) -> Vec<String> {
    const FLAGS: &[&str] = &[
        "--nocapture", "--show-output", "--quiet", "-q", "--exact", "--ignored", "--include-ignored",
        "--test", "--bench", "--list", "--no-capture",
    ];
    const VALUED: &[&str] = &["--test-threads", "--logfile", "--skip", "--format", "-Z", "--report-time"];
    const CUCUMBER_VALUED: &[&str] = &[
        "-n", "--name", "--scenario-name", "-t", "--tags", "-i", "--input", "-c", "--concurrency", "--retry",
        "--retry-after", "--retry-tag-filter", "--color", "--today", "--fault", "--variant", "--junit-v", "--video", "--shard", "--browser",
        "--shard-durations",
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
    /// Local AI Suite only: this run's tokens still Active when it ended
    /// (every token made during the run, whatever its name: the store's own count).
    pub tokens_left_active: Option<usize>,
    /// Local AI Suite only: tokens that were there before the run (a human's)
    /// whose state the run changed. Must be none.
    pub foreign_changed: Option<Vec<String>>,
    /// Peak memory (bytes, proportional set size) of this process, its
    /// drivers and browsers, sampled while the run ran.
    pub memory: Option<u64>,
    /// Artifacts holding a secret (a token value or a password): must be none.
    pub leaks: Vec<PathBuf>,
}

/// Runs the whole suite with these command-line arguments; returns the exit code.
pub async fn run(args: Vec<String>, display: &Display) -> i32 {
    run_report(args, display, false).await.code
}

/// Runs the suite; `quiet` sends cucumber's step-by-step output to `console.log`
/// in the run's folder instead of stdout (the benchmark, the self-check).
///
/// Three stages, each a function: [`prepare`] (configuration, target, driver,
/// browsers), [`execute`] (cucumber, the clean-up), [`summarise`] (reports,
/// leak scan, exit code). What they start is owned by one [`Started`] value,
/// stopped here on every path, an early `?` included.
pub async fn run_report(args: Vec<String>, display: &Display, quiet: bool) -> RunReport {
    let clock = std::time::Instant::now();
    let failed_to_run =
        |code| RunReport {
            code,
            results: vec![],
            wall: clock.elapsed(),
            run_dir: PathBuf::new(),
            tokens_left_active: None,
            foreign_changed: None,
            memory: None,
            leaks: vec![],
        };
    let opts = match Opts::try_parse_from(&args) {
        Ok(o) => o,
        Err(e) => {
            let _ = e.print();
            return failed_to_run(if e.use_stderr() { EXIT_USAGE } else { EXIT_PASSED });
        }
    };
    let mut started = Started::default();
    let report = async {
        let run = prepare(opts, display, &mut started, quiet).await?;
        let executed = execute(&run, quiet).await?;
        // Tokens still live: this run's marker stays, naming them, for the next run.
        let left: Vec<crate::unfinished::LeftToken> =
            executed.audit.iter().filter(|a| a.live).map(|a| crate::unfinished::LeftToken { name: a.name.clone(), id: a.id.clone() }).collect();
        if !left.is_empty()
            && started.local.is_none()
            && let Some(marker) = started.marker.as_mut()
            && let Err(e) = marker.keep(left)
        {
            eprintln!("note: the tokens left live could not be written to the run's marker: {e:#}");
        }
        // The browsers are quit: the drivers go too, so their logs are whole
        // when they are redacted and scanned.
        if let Some(driver) = started.driver.take() {
            driver.stop().await;
        }
        summarise(run, executed, &started, display, quiet, clock)
    }
    .await;
    started.stop().await;
    match report {
        Ok(mut report) => {
            report.wall = clock.elapsed();
            if !quiet {
                let memory = report.memory.map(|m| format!(", peak memory {:.0} MiB (this process, its drivers and browsers)", crate::memory::mib(m))).unwrap_or_default();
                println!("wall time {:.1} s{memory}", report.wall.as_secs_f64());
            }
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

/// Everything a run starts, stopped in reverse order by [`Started::stop`].
#[derive(Default)]
struct Started {
    local: Option<LocalSuite>,
    /// The local AI Suite's tokens before the run (id → status): the run's own
    /// are the others, and none of these may change.
    local_before: Vec<(u64, String, String)>,
    temp: Option<browser::BrowserTemp>,
    marker: Option<crate::unfinished::Marker>,
    driver: Option<Driver>,
    context: Option<Arc<RunContext>>,
    memory: Option<crate::memory::PeakMemory>,
}

impl Started {
    async fn stop(mut self) {
        *lock(&CURRENT) = None;
        if let Some(ctx) = self.context.take() {
            ctx.quit_browsers().await;
        }
        if let Some(driver) = self.driver.take() {
            driver.stop().await;
        }
        if let Some(local) = self.local.take() {
            local.stop().await;
        }
        // The marker goes last: a run that dies before here is known as unfinished.
        drop(self.marker.take());
        drop(self.temp.take());
    }
}

/// What [`prepare`] set up for the run.
struct Prepared {
    opts: Opts,
    ctx: Arc<RunContext>,
    /// One shard of a split run: the scenarios it runs.
    shard: Option<Selection>,
}

/// The scenarios a shard runs: the selection (`--tags` / `--name`, taken
/// from cucumber, which ignores a filter of ours when it has one), and of
/// those the ones whose place (`file.feature:line`) fell to this shard.
#[derive(Clone)]
struct Selection {
    tags: Option<cucumber::gherkin::tagexpr::TagOperation>,
    name: Option<regex::Regex>,
    ids: Arc<std::collections::HashSet<String>>,
}

impl Selection {
    /// Selected as cucumber selects: by name when given, else by tags.
    fn selects(
        tags: &Option<cucumber::gherkin::tagexpr::TagOperation>,
        name: &Option<regex::Regex>,
        f: &cucumber::gherkin::Feature,
        r: Option<&cucumber::gherkin::Rule>,
        s: &cucumber::gherkin::Scenario,
    ) -> bool {
        use cucumber::tag::Ext as _;
        match (name, tags) {
            (Some(re), _) => re.is_match(&s.name),
            (None, Some(t)) => t.eval(f.tags.iter().chain(r.iter().flat_map(|r| &r.tags)).chain(s.tags.iter())),
            (None, None) => true,
        }
    }

    fn runs(&self, f: &cucumber::gherkin::Feature, r: Option<&cucumber::gherkin::Rule>, s: &cucumber::gherkin::Scenario) -> bool {
        let place = crate::shard::place(std::path::Path::new(FEATURES_DIR), f, s.position.line);
        Self::selects(&self.tags, &self.name, f, r, s) && self.ids.contains(&place)
    }
}

/// Takes the selection out of cucumber's options and keeps this shard's part of it.
fn select_shard(opts: &mut Opts, shard: crate::shard::Shard, durations: Option<&std::path::Path>) -> anyhow::Result<Selection> {
    let tags = opts.tags_filter.take();
    let name = opts.re_filter.take();
    let durations = match durations {
        Some(p) => Some(crate::shard::junit_durations(
            &std::fs::read_to_string(p).with_context(|| format!("--shard-durations: cannot read {}", p.display()))?,
        )),
        None => None,
    };
    let select = |f: &_, r: Option<&_>, s: &_| Selection::selects(&tags, &name, f, r, s);
    let (ids, total, ours) = crate::shard::mine(std::path::Path::new(FEATURES_DIR), shard, durations.as_ref(), &select)?;
    let by = match (&durations, durations.as_ref().map(|d| d.len())) {
        (Some(_), Some(n)) if n > 0 => "balanced by the durations of an earlier run",
        (Some(_), _) => "the JUnit file has no durations of these scenarios: balanced by count",
        _ => "balanced by count",
    };
    println!("shard {shard}: {ours} of the {total} selected scenarios and outlines ({by})");
    Ok(Selection { tags, name, ids: Arc::new(ids) })
}

/// Configuration and command-line rules, prerequisites, the target (the
/// local AI Suite or a reachable URL), the artifacts folder, ChromeDriver and
/// the browsers' source, and the run's shared context.
async fn prepare(mut opts: Opts, display: &Display, started: &mut Started, quiet: bool) -> anyhow::Result<Prepared> {
    let mut config = Config::load(&crate::config::process_env)?;
    // Against a real target, scenarios that create many tokens (@destructive)
    // run only when asked: by tags, or AI_SUITE_ALLOW_DESTRUCTIVE=1.
    if let Target::Remote { url } = &config.target
        && opts.tags_filter.is_none()
        && opts.re_filter.is_none()
        && crate::config::process_env("AI_SUITE_ALLOW_DESTRUCTIVE").is_none()
    {
        opts.tags_filter = Some("not @destructive".parse().map_err(|e| anyhow::anyhow!("tag filter: {e:?}"))?);
        println!("note: @destructive scenarios are skipped against {url}; set AI_SUITE_ALLOW_DESTRUCTIVE=1 or --tags to run them");
    }
    let shard = match opts.custom.shard {
        Some(shard) => {
            let durations = opts.custom.shard_durations.clone();
            Some(select_shard(&mut opts, shard, durations.as_deref())?)
        }
        None => None,
    };
    if opts.custom.headed {
        config.headed = true;
    }
    if let Some(video) = opts.custom.video {
        config.video = video;
    }
    if let Some(browser) = opts.custom.browser {
        config.browser = browser;
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
        match config.browser {
            crate::config::BrowserName::Chromium => {
                browser::find_chromium(&config)?;
                browser::find_chromedriver(&config)?;
            }
            crate::config::BrowserName::Firefox => {
                browser::firefox::find_firefox(&config)?;
                browser::firefox::find_geckodriver(&config)?;
            }
        }
    }
    let run_id: String = {
        use rand::Rng;
        let mut rng = rand::thread_rng();
        (0..6).map(|_| (b'a' + rng.gen_range(0..26)) as char).collect()
    };
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    let run_dir = std::path::absolute(config.artifacts_dir.join(format!("run-{stamp}-{run_id}")))?;
    std::fs::create_dir_all(&run_dir).with_context(|| format!("could not create the artifacts folder {}", run_dir.display()))?;

    let (base_url, local_today) = match &config.target {
        Target::Local { today } => {
            let faults = local_suite::Faults::parse(&opts.custom.faults)?;
            let seed = docs.map(|_| DOCS_SEED);
            let variants = opts.custom.variants.clone();
            let suite = LocalSuite::start(local_suite::Options {
                today: *today,
                faults,
                seed,
                variants,
                session_lifetime: opts.custom.session_lifetime_s.map(std::time::Duration::from_secs),
                ..Default::default()
            }).await?;
            let url = suite.url.clone();
            let today = suite.store.clock().today();
            // A human's live token with the guide's example name: the run must leave it be.
            if docs.is_none() {
                suite.store.seed_human_token(HUMAN_TOKEN);
            }
            started.local_before = suite.store.all_tokens().into_iter().map(|t| (t.id, t.name, t.status)).collect();
            started.local = Some(suite);
            (url, Some(today))
        }
        Target::Remote { url } => {
            check_reachable(url).await?;
            (url.clone(), None)
        }
    };
    if started.local.is_some() {
        use local_suite::{QA_EMAIL, QA_NAME, QA_PASSWORD, QA_ROLE};
        config.local_user(QA_EMAIL, QA_PASSWORD, QA_NAME, QA_ROLE);
    }
    browser::diagnose::check_display(config.headed && docs.is_none(), display.name.as_deref())?;
    // Profiles where their sockets' paths stay short, whatever the checkout's path.
    let temp = started.temp.insert(browser::BrowserTemp::new(&run_id)?);
    let earlier = crate::unfinished::earlier(&config.artifacts_dir, &base_url);
    for e in &earlier {
        if e.left.is_empty() {
            println!(
                "note: an earlier run ({}, started {}) against {base_url} was killed before its clean-up; tokens it may \
                 have left are named *-{}-<n>; this run revokes them after its first passing scenario",
                e.run_id, e.started, e.run_id,
            );
        } else {
            let names: Vec<String> =
                e.left.iter().map(|t| t.id.as_ref().map(|id| format!("{} (id {id})", t.name)).unwrap_or_else(|| t.name.clone())).collect();
            println!(
                "note: an earlier run ({}, started {}) against {base_url} ended with tokens it could not revoke: {}; \
                 this run revokes them (and any other *-{}-<n>) after its first passing scenario",
                e.run_id,
                e.started,
                names.join("; "),
                e.run_id,
            );
        }
    }
    started.marker = Some(crate::unfinished::mark(&config.artifacts_dir, &run_id, &base_url, started.local.is_some())?);
    let driver = started.driver.insert(Driver::start(&config, &run_dir, &temp.path).await?);
    started.memory = Some(crate::memory::PeakMemory::watch(driver.process_group()));
    let config = Arc::new(config);
    // Our own ChromeDriver: one browser per slot, a context per scenario.
    let browsers = driver.chromium.clone().map(|chromium| {
        let launcher = browser::contexts::Launcher { config: config.clone(), driver_url: driver.url.clone(), chromium, base_url: base_url.clone() };
        browser::contexts::Browsers::new(launcher, config.concurrency)
    });
    let source = BrowserSource {
        driver_url: driver.url.clone(),
        browsers,
        firefox: driver.firefox.clone(),
        display: display.name.clone(),
        display_note: display.note.clone(),
    };
    let ctx = Arc::new(RunContext::new(config, base_url.clone(), run_id, run_dir.clone(), local_today, source, docs, earlier));
    started.context = Some(ctx.clone());
    *lock(&CURRENT) = Some(ctx.clone());
    if !quiet {
        println!("target: {base_url}{}", if started.local.is_some() { " (local AI Suite)" } else { "" });
        println!("artifacts: {}", run_dir.display());
    }
    Ok(Prepared { opts, ctx, shard })
}

/// What [`execute`] leaves for the summary.
struct Executed {
    parsing_errors: usize,
    hook_errors: usize,
    /// Stopped by a signal: how many scenarios were running then.
    interrupted: Option<usize>,
    /// Tokens revoked, and tokens that could not be.
    cleaned: usize,
    left: usize,
    /// Every token the run created and its final state.
    audit: Vec<crate::cleanup::Audited>,
    /// The injected session expired: the selected scenarios that never
    /// started, recorded as skipped with the reason.
    not_run: Vec<ScenarioResult>,
}

/// Runs the features through cucumber (its writers: the console, JUnit,
/// Cucumber JSON), one scenario per context; on Ctrl-C or SIGTERM stops
/// starting scenarios and finishes the running ones as interrupted; then the
/// final clean-up sweep and the screenshots still being written.
async fn execute(run: &Prepared, quiet: bool) -> anyhow::Result<Executed> {
    let ctx = &run.ctx;
    let run_dir = &ctx.run_dir;
    let junit = std::fs::File::create(run_dir.join("junit.xml"))?;
    let json = std::fs::File::create(run_dir.join("cucumber.json"))?;
    let console: Box<dyn std::io::Write> =
        if quiet { Box::new(std::fs::File::create(run_dir.join("console.log"))?) } else { Box::new(std::io::stdout()) };
    let writer = writer::Basic::raw(console, writer::Coloring::Auto, 0)
        .summarized()
        .tee::<AiSuiteWorld, _>(writer::JUnit::for_tee(junit, 0))
        .tee::<AiSuiteWorld, _>(writer::Json::for_tee(json))
        .normalized();
    let mut signals = Signals::new()?;
    let cucumber = AiSuiteWorld::cucumber()
        .max_concurrent_scenarios(ctx.config.concurrency)
        .before(|feature, _rule, scenario, world| {
            async move {
                let mut key = ScenarioKey::new(feature, scenario);
                key.attempt = world.run.next_attempt(&key.id);
                let session = world.run.open_scenario(key).await;
                let failed = session.ui.is_none().then(|| session.failure.clone().unwrap_or_default());
                world.session = Some(session);
                if let Some(message) = failed {
                    panic!("{message}");
                }
            }
            .boxed_local()
        })
        .after(|_feature, _rule, _scenario, finished, world| {
            async move {
                let outcome = match finished {
                    event::ScenarioFinished::StepPassed => Outcome::Passed,
                    event::ScenarioFinished::StepSkipped => Outcome::Skipped,
                    _ => Outcome::Failed,
                };
                if let Some(world) = world
                    && let Some(session) = world.session.take()
                    && let Some(late) = world.run.clone().finish_scenario(session, outcome).await
                {
                    panic!("{late}");
                }
            }
            .boxed_local()
        })
        .with_writer(writer)
        .with_cli(run.opts.clone())
        .filter_run(FEATURES_DIR, {
            let shard = run.shard.clone();
            move |f, r, s| shard.as_ref().is_none_or(|sel| sel.runs(f, r, s))
        });
    // Ctrl-C / SIGTERM: no new scenario starts (the runner is dropped), the
    // ones in flight are finished as interrupted, then the usual clean-up and
    // reports. A second signal stops at once, killing the browsers.
    let (parsing_errors, hook_errors, interrupted) = tokio::select! {
        finished = cucumber => {
            let counts = (
                cucumber::writer::Stats::<AiSuiteWorld>::parsing_errors(&finished),
                cucumber::writer::Stats::<AiSuiteWorld>::hook_errors(&finished),
            );
            drop(finished); // flushes and closes the report files
            (counts.0, counts.1, false)
        }
        name = signals.next() => {
            eprintln!("\n{name}: stopping — no new scenarios; revoking this run's tokens, quitting the browsers, writing the reports (again to stop at once)");
            tokio::spawn(async move {
                let name = signals.next().await;
                eprintln!("{name} again: stopping at once");
                browser::kill_all_now();
                std::process::exit(EXIT_INTERRUPTED);
            });
            (0, 0, true)
        }
        // The injected session expired: no new scenario starts (the runner
        // is dropped); the ones in flight are finished as stopped.
        () = ctx.stopped() => (0, 0, false),
    };
    // The runner is gone: the Worlds of scenarios stopped mid-way have handed
    // their sessions back; they are finished as interrupted.
    let interrupted = if interrupted { Some(ctx.finish_interrupted().await) } else { None };
    let not_run = match ctx.session_expired.get() {
        Some(cause) => {
            ctx.finish_stopped(&format!("stopped while it ran: {cause}")).await;
            not_started(run, &ctx.results(), &format!("not run: {cause}"))?
        }
        None => Vec::new(),
    };
    let (cleaned, left) = ctx.sweep().await;
    let audit = ctx.cleanup.audit().await;
    ctx.quit_browsers().await;
    for e in ctx.writes.flush().await {
        eprintln!("a screenshot could not be written: {e}");
    }
    Ok(Executed { parsing_errors, hook_errors, interrupted, cleaned, left, audit, not_run })
}

/// The selected scenarios (cucumber's `--tags` / `--name`, the shard) that
/// have no result: as skipped, with `why`.
fn not_started(run: &Prepared, results: &[ScenarioResult], why: &str) -> anyhow::Result<Vec<ScenarioResult>> {
    use cucumber::feature::Ext as _;
    let mut files: Vec<PathBuf> = std::fs::read_dir(FEATURES_DIR)?.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "feature")).collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let feature = cucumber::gherkin::Feature::parse_path(&path, cucumber::gherkin::GherkinEnv::default())
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
            .expand_examples()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let scenarios = feature.scenarios.iter().map(|s| (None, s)).chain(feature.rules.iter().flat_map(|r| r.scenarios.iter().map(move |s| (Some(r), s))));
        for (rule, scenario) in scenarios {
            let selected = match &run.shard {
                Some(sel) => sel.runs(&feature, rule, scenario),
                None => Selection::selects(&run.opts.tags_filter, &run.opts.re_filter, &feature, rule, scenario),
            };
            let key = ScenarioKey::new(&feature, scenario);
            if !selected || results.iter().any(|r| r.key.feature == key.feature && r.key.scenario == key.scenario) {
                continue;
            }
            out.push(ScenarioResult {
                key,
                outcome: Outcome::Skipped,
                failure: Some(why.to_string()),
                clipboard: None,
                steps: Vec::new(),
                duration: Default::default(),
                session_start: Default::default(),
                started_browser: false,
                teardown: Default::default(),
                notes: Vec::new(),
                events: Vec::new(),
                events_missing: None,
                video: None,
                browser: None,
            });
        }
    }
    Ok(out)
}

/// The results as a user reads them: the last attempt of each scenario
/// (flaky ones named), the HTML report, the leak scan of every artifact, the
/// summary lines and the exit code.
fn summarise(
    run: Prepared,
    executed: Executed,
    started: &Started,
    display: &Display,
    quiet: bool,
    clock: std::time::Instant,
) -> anyhow::Result<RunReport> {
    let ctx = &run.ctx;
    let run_dir = ctx.run_dir.clone();
    let Executed { parsing_errors, hook_errors, interrupted, cleaned, left, audit, not_run } = executed;
    let expired = ctx.session_expired.get().cloned();
    let mut attempts = ctx.results();
    attempts.extend(not_run);
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
    let stopped = count(Outcome::Interrupted);
    let flaky = flaky_ids.len();

    // The local AI Suite's own count: every token made during the run (by
    // id, whatever name the product gave it) still live, and every token of
    // before the run whose state changed.
    let live = |status: &str| !matches!(status, "Revoked" | "Expired");
    let local_after = started.local.as_ref().map(|suite| suite.store.all_tokens());
    let tokens_left_active = local_after
        .as_ref()
        .map(|after| after.iter().filter(|t| !started.local_before.iter().any(|b| b.0 == t.id) && live(&t.status)).count());
    let foreign_changed: Option<Vec<String>> = local_after.as_ref().map(|after| {
        started
            .local_before
            .iter()
            .filter_map(|(id, name, before)| {
                let now = after.iter().find(|t| t.id == *id).map(|t| t.status.as_str()).unwrap_or("gone");
                (now != before).then(|| format!("{name:?} (id {id}): {before} → {now}"))
            })
            .collect()
    });
    let left_live: Vec<&crate::cleanup::Audited> = audit.iter().filter(|a| a.live).collect();
    let _ = std::fs::write(run_dir.join("tokens.json"), serde_json::to_string_pretty(&audit).unwrap_or_default());
    let browsers = crate::results::browsers(&attempts);
    let report = crate::evidence::report::render(
        &run_dir,
        &crate::evidence::report::Summary {
            target: &ctx.base_url,
            passed,
            failed,
            skipped,
            flaky,
            tokens_revoked: cleaned,
            tokens_left: left.max(left_live.len()),
            display_note: &display.note,
            interrupted,
            notes: run.opts.custom.shard.map(|s| format!("Shard {s} of a split run: merge the shards' reports with `cargo run -- merge-reports DIR…`.")).into_iter().collect(),
            browsers: browsers.clone(),
        },
        &results,
    );
    std::fs::write(run_dir.join("report.html"), report)?;
    // Cucumber's JSON gains each failed step's screenshot and the page's errors.
    if let Err(e) = crate::evidence::report::enrich_cucumber_json(&run_dir.join("cucumber.json"), &attempts) {
        eprintln!("note: cucumber.json could not be given the failures' screenshots: {e:#}");
    }
    if interrupted.is_some() || expired.is_some() {
        // Cucumber's own writers stopped with the runner.
        std::fs::write(run_dir.join("junit.xml"), crate::evidence::report::junit(&results))?;
    } else if let Err(e) = crate::evidence::report::name_browsers_in_junit(&run_dir.join("junit.xml"), &browsers) {
        eprintln!("note: junit.xml could not be told which browser ran: {e:#}");
    }
    // Every artifact is scanned for every secret the run saw (token values,
    // passwords) and, on the local AI Suite, every token it issued, read or not.
    let mut secrets = crate::secret::all();
    secrets.extend(started.local.as_ref().map(LocalSuite::issued).unwrap_or_default());
    // The drivers' logs hold the browsers' own output (page errors among it).
    let redacted_logs = crate::evidence::redact_driver_logs(&run_dir);
    let leaks = crate::evidence::leaks(&run_dir, &secrets)?;


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
    for r in results.iter().filter(|r| !r.notes.is_empty()) {
        for n in &r.notes {
            out(format!("note: {} — {n}", r.key.scenario));
        }
    }
    for r in results.iter().filter(|r| r.clipboard.is_some()) {
        let path = r.clipboard.map(|p| p.describe()).unwrap_or_default();
        out(format!("clipboard: {path} — {} ({})", r.key.scenario, display.note));
    }
    if let Some(why) = ctx.cleanup.api_note.get() {
        out(format!("clean-up: the [api] tokens_path/revoke_path could not be used ({why}); tokens were revoked on the Profile page"));
    }
    out(format!(
        "tokens created by this run: {} ({cleaned} revoked{})",
        audit.len(),
        if left > 0 { format!(", {left} could NOT be revoked") } else { String::new() }
    ));
    for a in &audit {
        out(format!("    {}: {}", a.label, a.state));
    }
    if !left_live.is_empty() {
        let names: Vec<&str> = left_live.iter().map(|a| a.label.as_str()).collect();
        if started.local.is_some() {
            out(format!("left Active: {} (on the local AI Suite, which stopped with them: a clean-up failure of the suite)", names.join("; ")));
        } else {
            let marker = started.marker.as_ref().map(|m| format!(" ({})", m.path().display())).unwrap_or_default();
            out(format!("left Active: {}, revoke them by hand or rerun with the same marker{marker}", names.join("; ")));
        }
    }
    if let Some(n) = tokens_left_active.filter(|n| *n > left_live.len()) {
        out(format!("left Active on the local AI Suite: {n} token(s) made during this run (the clean-up did not know {} of them)", n - left_live.len()));
    }
    if let Some(changed) = foreign_changed.as_ref().filter(|c| !c.is_empty()) {
        out(format!("CHANGED TOKENS THIS RUN DID NOT CREATE: {}", changed.join("; ")));
    }
    if parsing_errors > 0 {
        out(format!("{parsing_errors} feature file(s) could not be parsed"));
    }
    for r in results.iter().filter(|r| flaky_ids.contains(&r.key.id)) {
        out(format!("FLAKY: {} › {} (failed, then passed on a retry)", r.key.feature, r.key.scenario));
    }
    if !browsers.is_empty() {
        out(format!("browser: {}", browsers.join(", ")));
    }
    out(format!("reports: {0}/report.html, {0}/junit.xml, {0}/cucumber.json, {0}/results.json", run_dir.display()));
    for log in &redacted_logs {
        out(format!("note: {} held secrets or token-like words (the browser's own output); they were replaced by [REDACTED]", log.display()));
    }
    for leak in &leaks {
        out(format!("SECRET LEAKED: a token value or password is in {}", leak.display()));
    }
    let flaky_note = if flaky > 0 { format!(" ({flaky} flaky)") } else { String::new() };
    if interrupted.is_some() {
        out(format!("INTERRUPTED: {stopped} scenario(s) stopped while running; the rest never started"));
    }
    if let Some(cause) = &expired {
        out(format!("the suite could not run to the end: {cause} ({skipped} scenario(s) not run, {stopped} stopped while running)"));
    }
    out(format!("{passed} passed, {failed} failed, {skipped} skipped{flaky_note}"));
    let flaky_fails = run.opts.custom.fail_on_flaky && flaky > 0;
    // The after hook fails a scenario whose page reported an error late: a
    // hook error to cucumber, already a failure (or a flake) in the results.
    let ok = failed == 0
        && skipped == 0
        && parsing_errors == 0
        && hook_errors <= ctx.late_failures()
        && passed > 0
        && leaks.is_empty()
        && left_live.is_empty()
        && tokens_left_active.unwrap_or(0) == 0
        && foreign_changed.as_ref().is_none_or(|c| c.is_empty())
        && !flaky_fails;
    // When every failure is the sign-in itself, the product was never tested.
    let all_failures = |why: &str| {
        failed > 0
            && results
                .iter()
                .filter(|r| r.outcome == Outcome::Failed)
                .all(|r| r.failure.as_deref().is_some_and(|f| f.contains(why)))
    };
    let sign_in_only = all_failures(SIGN_IN_FAILED);
    if sign_in_only && expired.is_none() {
        out("the suite could not run: sign-in failed (see above)".into());
    }
    // When no browser could start, nothing was tested either.
    let no_browser = all_failures(crate::browser::diagnose::DID_NOT_START);
    if no_browser {
        out("the suite could not run: the browser did not start (see above)".into());
    }
    let code = if interrupted.is_some() {
        EXIT_INTERRUPTED
    } else if ok {
        EXIT_PASSED
    } else if sign_in_only || no_browser || expired.is_some() {
        EXIT_COULD_NOT_RUN
    } else {
        EXIT_FAILED
    };
    // What merge-reports reads, written last: every text in it redacted
    // before it is serialised (no escaping can hide a secret).
    let record = crate::results::RunRecord {
        target: ctx.base_url.clone(),
        browsers: browsers.clone(),
        shard: run.opts.custom.shard.map(|s| s.to_string()),
        run_dir: run_dir.clone(),
        results: results.clone(),
        flaky: flaky_ids.clone(),
        tokens_revoked: cleaned,
        tokens_left: left.max(left_live.len()),
        leaks: leaks.clone(),
        interrupted,
        code,
    };
    let mut record = serde_json::to_value(&record)?;
    redact_strings(&mut record);
    std::fs::write(run_dir.join(crate::results::RESULTS_FILE), serde_json::to_string(&record)?)?;
    let memory = started.memory.as_ref().map(|m| m.peak());
    Ok(RunReport { code, results, wall: clock.elapsed(), run_dir, tokens_left_active, foreign_changed, memory, leaks })
}

/// The human's token the harness puts in the local AI Suite before a run: the guide's example name.
pub const HUMAN_TOKEN: &str = "QA-Test-Token";

/// Every string in a JSON value, redacted.
fn redact_strings(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => *s = crate::secret::redact(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_strings),
        serde_json::Value::Object(map) => map.values_mut().for_each(redact_strings),
        _ => {}
    }
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
