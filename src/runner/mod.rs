//! Runs the feature suite: checks prerequisites, starts the local AI Suite (when
//! no target URL is given) and ChromeDriver, runs cucumber with one browser
//! session per scenario, cleans up every token it created, writes the reports,
//! and prints `N passed, N failed, N skipped`.
//!
//! The run's stages, a module each: `cli` (the command line), `prepare`
//! (configuration, target, driver, browsers; `selection` for a shard's
//! scenarios), `execute` (cucumber, the clean-up) and `summary` (reports, leak
//! scan, exit code). This module holds the public API and the exit codes.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Parser as _;

use crate::browser::{self, Driver};
use crate::browser::display::Display;
use crate::local_suite::LocalSuite;

mod cli;
mod execute;
pub mod phases;
mod prepare;
mod selection;
mod summary;

pub use cli::{RunFlags, strip_libtest_args};
use cli::Opts;
use execute::execute;
pub use prepare::{DOCS_TODAY, HUMAN_TOKEN};
use prepare::prepare;
use summary::summarise;

/// Exit codes: the gate can tell "the product is broken" from "the run could not happen".
pub const EXIT_PASSED: i32 = 0;
pub const EXIT_FAILED: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_COULD_NOT_RUN: i32 = 3;
/// Stopped by Ctrl-C or SIGTERM (the shell's 128 + SIGINT).
pub const EXIT_INTERRUPTED: i32 = 130;

pub use crate::pages::login::SIGN_IN_FAILED;

pub use crate::results::{Outcome, ScenarioKey, ScenarioResult, StepRecord};
use crate::run_context::{CURRENT, RunContext};
use crate::sync::lock;

pub const FEATURES_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/features");

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
    /// Where the time outside the scenarios went.
    pub phases: phases::Phases,
}

/// Runs the whole suite with these command-line arguments; returns the exit code.
pub async fn run(args: Vec<String>, display: &Display) -> i32 {
    run_report(args, display, false).await.code
}

/// Runs the suite; `quiet` sends cucumber's step-by-step output to `console.log`
/// in the run's folder instead of stdout (the benchmark, the self-check).
///
/// Three stages, each a function: [`prepare`](fn@prepare) (configuration, target, driver,
/// browsers), [`execute`](fn@execute) (cucumber, the clean-up), [`summarise`] (reports,
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
            phases: Default::default(),
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
        let mut run = prepare(opts, display, &mut started, quiet).await?;
        run.args = args.iter().skip(1).cloned().collect();
        let mut executed = execute(&run, quiet).await?;
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
            executed.phases.time("driver stopped", driver.stop()).await;
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
