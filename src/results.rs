//! What a run records of each scenario: the records the reports, the
//! benchmark and the self-check read. Plain data, at the bottom.

use std::path::PathBuf;

use crate::browser::clipboard::ClipboardPath;
use crate::browser::recorder::PageEvent;
use crate::browser::wait::WaitRecord;

/// Identifies a scenario across the before/after hooks.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
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

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Outcome {
    Passed,
    Failed,
    Skipped,
    /// Stopped by Ctrl-C or SIGTERM while it ran.
    Interrupted,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
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
    /// A browser had to be started for it (the first scenario of its kind in
    /// a slot, or after a browser was replaced): else setup is a new context.
    pub started_browser: bool,
    pub teardown: std::time::Duration,
    /// What the report should say about how the scenario was checked.
    pub notes: Vec<String>,
    /// What the page said and requested, each with its step (see [`PageEvent`]).
    pub events: Vec<PageEvent>,
    /// Why the page's events were not recorded (no DevTools channel to the tab).
    pub events_missing: Option<String>,
    /// The scenario's video, when asked for (`--video retain-on-failure`).
    pub video: Option<VideoRecord>,
    /// The browser it ran in, as its session named it (`firefox 153.8.0`).
    #[serde(default)]
    pub browser: Option<String>,
}

/// A failed scenario's video: its file, or why there is none.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct VideoRecord {
    pub file: Option<PathBuf>,
    pub note: String,
}

/// One step as it ran: for reports and the benchmark.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct StepRecord {
    pub index: usize,
    pub text: String,
    pub passed: bool,
    /// The step's own work, and the screenshot after it.
    pub action: std::time::Duration,
    pub capture: std::time::Duration,
    pub screenshot: Option<PathBuf>,
    /// The waits of the step: what each awaited, how long, what it matched.
    pub waits: Vec<WaitRecord>,
    /// A failed step's page, saved as HTML (secrets redacted), and what its
    /// failing locator considered.
    pub dom: Option<PathBuf>,
    pub candidates: Option<PathBuf>,
    /// The failed step's page as a screen reader meets it (an ARIA snapshot, YAML).
    #[serde(default)]
    pub aria: Option<PathBuf>,
    /// The accessibility audit of the screen this step showed, when it was the first to show it.
    #[serde(default)]
    pub accessibility: Option<crate::evidence::audit::ScreenAudit>,
}


/// Where a run leaves its [`RunRecord`] (in its folder).
pub const RESULTS_FILE: &str = "results.json";

/// What one run leaves for `merge-reports` (see `src/merge.rs`).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct RunRecord {
    pub target: String,
    /// The browsers the scenarios ran in (`chrome 156.0.8078.114`).
    #[serde(default)]
    pub browsers: Vec<String>,
    /// `i/n` when the run was one shard of a split run.
    pub shard: Option<String>,
    /// Where the run wrote its files (the paths below start with it).
    pub run_dir: PathBuf,
    /// The last attempt of each scenario.
    pub results: Vec<ScenarioResult>,
    /// Ids of the scenarios that failed, then passed on a retry.
    pub flaky: Vec<String>,
    pub tokens_revoked: usize,
    pub tokens_left: usize,
    /// Artifacts that held a secret (the leak scan).
    pub leaks: Vec<PathBuf>,
    /// Stopped by a signal: how many scenarios were running then.
    pub interrupted: Option<usize>,
    /// The run's exit code (0 passed; see the runner's EXIT_* codes).
    pub code: i32,
    /// The suite's options on its command line (`heal` reruns with them).
    #[serde(default)]
    pub args: Vec<String>,
}

/// The browsers these scenarios ran in, each once, in the order first seen.
pub fn browsers(results: &[ScenarioResult]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for b in results.iter().filter_map(|r| r.browser.clone()) {
        if !out.contains(&b) {
            out.push(b);
        }
    }
    out
}
