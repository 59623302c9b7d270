//! The run's second stage: the features through cucumber, a signal's stop,
//! and the clean-up that follows.

use std::path::PathBuf;

use anyhow::Context;
use cucumber::{World as _, WriterExt as _, event, writer};
use futures::FutureExt as _;
use futures::future::LocalBoxFuture;

use super::prepare::Prepared;
use super::selection::Selection;
use super::{EXIT_INTERRUPTED, FEATURES_DIR};
use crate::browser;
use crate::results::{Outcome, ScenarioKey, ScenarioResult};
use crate::world::AiSuiteWorld;

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

/// What [`execute`] leaves for the summary.
pub(super) struct Executed {
    pub(super) parsing_errors: usize,
    pub(super) hook_errors: usize,
    /// Stopped by a signal: how many scenarios were running then.
    pub(super) interrupted: Option<usize>,
    /// Tokens revoked, and tokens that could not be.
    pub(super) cleaned: usize,
    pub(super) left: usize,
    /// Every token the run created and its final state.
    pub(super) audit: Vec<crate::cleanup::Audited>,
    /// The injected session expired: the selected scenarios that never
    /// started, recorded as skipped with the reason.
    pub(super) not_run: Vec<ScenarioResult>,
    /// Starting and ending the run so far, stage by stage.
    pub(super) phases: super::phases::Phases,
}

/// Runs the features through cucumber (its writers: the console, JUnit,
/// Cucumber JSON), one scenario per context; on Ctrl-C or SIGTERM stops
/// starting scenarios and finishes the running ones as interrupted; then the
/// final clean-up sweep and the screenshots still being written.
pub(super) async fn execute(run: &Prepared, quiet: bool) -> anyhow::Result<Executed> {
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
        .before(open_scenario)
        .after(finish_scenario)
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
    let (interrupted, not_run) = finish_stopped(run, interrupted).await?;
    let mut phases = run.phases.clone();
    let (cleaned, left) = phases.time("final sweep", ctx.sweep()).await;
    let audit = phases.time("token audit", ctx.cleanup.audit()).await;
    // The browsers quit while the last screenshots are written.
    let (_, unwritten) = phases.time("browsers quit, screenshots written", async { tokio::join!(ctx.quit_browsers(), ctx.writes.flush()) }).await;
    for e in unwritten {
        eprintln!("a screenshot could not be written: {e}");
    }
    Ok(Executed { parsing_errors, hook_errors, interrupted, cleaned, left, audit, not_run, phases })
}

/// Cucumber's before hook: the scenario's attempt and its browser session;
/// a session that could not open fails the scenario with its cause.
fn open_scenario<'a>(
    feature: &'a cucumber::gherkin::Feature,
    _rule: Option<&'a cucumber::gherkin::Rule>,
    scenario: &'a cucumber::gherkin::Scenario,
    world: &'a mut AiSuiteWorld,
) -> LocalBoxFuture<'a, ()> {
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
}

/// Cucumber's after hook: the scenario's session finished with its outcome;
/// a page error reported late fails the scenario.
fn finish_scenario<'a>(
    _feature: &'a cucumber::gherkin::Feature,
    _rule: Option<&'a cucumber::gherkin::Rule>,
    _scenario: &'a cucumber::gherkin::Scenario,
    finished: &'a event::ScenarioFinished,
    world: Option<&'a mut AiSuiteWorld>,
) -> LocalBoxFuture<'a, ()> {
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
}

/// The scenarios cucumber left mid-way: finished as interrupted after a
/// signal (how many, when `interrupted`), or as stopped when the injected
/// session expired, with the selected scenarios that never started.
async fn finish_stopped(run: &Prepared, interrupted: bool) -> anyhow::Result<(Option<usize>, Vec<ScenarioResult>)> {
    let ctx = &run.ctx;
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
    Ok((interrupted, not_run))
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
