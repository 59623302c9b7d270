//! One scenario's own state, owned by its World from the before hook to the
//! after hook: its browser context and page, the record of each step, its
//! failure, notes, timings, clipboard path and the tokens it created. The
//! after hook hands it back to the run, which finishes it (evidence of the
//! final state, clean-up, context disposed) into a [`ScenarioResult`].

use std::time::{Duration, Instant};

use crate::browser::clipboard::ClipboardPath;
use crate::browser::contexts::Lease;
use crate::browser::recorder::Recorder;
use crate::browser::wait::Trace;
use crate::pages::Ui;
use crate::results::{Outcome, ScenarioKey, ScenarioResult, StepRecord};

pub struct ScenarioSession {
    pub key: ScenarioKey,
    /// The page objects' view of the scenario's tab (None: it could not be opened).
    pub ui: Option<Ui>,
    /// The scenario's context in one of the run's browsers (None: a browser
    /// session of its own, as on a remote WebDriver).
    pub(crate) lease: Option<Lease>,
    pub clipboard: Option<ClipboardPath>,
    pub steps: Vec<StepRecord>,
    pub failure: Option<String>,
    pub notes: Vec<String>,
    /// Names of the tokens this scenario created, revoked when it ends.
    pub created: Vec<String>,
    /// The page's console, errors and requests (None: the tab has no DevTools channel).
    pub recorder: Option<Recorder>,
    /// The waits of the step running now.
    pub trace: Trace,
    /// The scenario's screencast (`--video`), or why there is none.
    pub(crate) video: Option<Result<crate::evidence::video::Recording, String>>,
    pub(crate) video_record: Option<crate::results::VideoRecord>,
    pub(crate) started: Instant,
    /// Getting the browser context and page ready.
    pub(crate) setup: Duration,
    /// A browser was started for it.
    pub(crate) started_browser: bool,
    /// The browser's name and version, as its session says.
    pub(crate) browser: Option<String>,
}

impl ScenarioSession {
    pub(crate) fn new(key: ScenarioKey) -> Self {
        Self {
            key,
            ui: None,
            lease: None,
            clipboard: None,
            steps: Vec::new(),
            failure: None,
            notes: Vec::new(),
            created: Vec::new(),
            recorder: None,
            trace: Trace::default(),
            video: None,
            video_record: None,
            started: Instant::now(),
            setup: Duration::ZERO,
            started_browser: false,
            browser: None,
        }
    }

    /// Records a failure; an earlier one is kept after it.
    pub fn fail(&mut self, message: String) {
        self.failure = Some(match self.failure.take() {
            Some(earlier) => format!("{message}; before that: {earlier}"),
            None => message,
        });
    }

    /// What the page reported since the last look that fails a scenario
    /// under `checks`, each with the step it happened in ("during step N (its
    /// text): what; ..."), redacted; `None` when nothing (or no recorder).
    /// `current`: the step running now, not yet in [`Self::steps`].
    pub fn page_faults(&self, checks: &crate::config::PageChecks, current: (usize, &str)) -> Option<String> {
        let faults = self.recorder.as_ref()?.new_faults(checks);
        let when = |n: usize| match n {
            0 => crate::browser::recorder::step_label(0),
            n if n == current.0 => format!("during step {n} ({})", current.1),
            n => format!("during step {n} ({})", self.steps.iter().find(|s| s.index == n).map(|s| s.text.as_str()).unwrap_or_default()),
        };
        let what: Vec<String> = faults.iter().map(|(n, what)| format!("{}: {what}", when(*n))).collect();
        (!what.is_empty()).then(|| crate::secret::redact(&what.join("; ")))
    }

    pub(crate) fn into_result(self, outcome: Outcome, teardown: Duration) -> ScenarioResult {
        let events_missing = self
            .recorder
            .is_none()
            .then(|| "not recorded: the suite has neither a DevTools nor a WebDriver BiDi channel to this browser's tab".to_string());
        ScenarioResult {
            events: self.recorder.as_ref().map(Recorder::events).unwrap_or_default(),
            events_missing,
            video: self.video_record,
            browser: self.browser,
            duration: self.started.elapsed(),
            session_start: self.setup,
            started_browser: self.started_browser,
            teardown,
            key: self.key,
            outcome,
            failure: self.failure,
            clipboard: self.clipboard,
            steps: self.steps,
            notes: self.notes,
        }
    }
}
