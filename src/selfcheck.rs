//! The self-check: proof that the suite catches every fault switch of the local
//! AI Suite. For each fault, the scenarios that should notice it run against a
//! deliberately broken app; the fault is "caught" when the run fails. It also
//! checks that no token of a failing run is left Active (clean-up on failure).
//!
//! Each probe runs in a process of its own (the running program, started again
//! with [`JOB_ENV`] set; its `main` calls [`worker_main`] first), a few at a
//! time: a probe mostly waits (a caught fault is a wait that runs out), and
//! each process has its own browser, driver, local AI Suite and X display, so
//! no probe reads another's clipboard.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::browser::display::Display;
use crate::local_suite::Fault;
use crate::runner::{self, EXIT_FAILED, Outcome};

#[derive(Serialize, Deserialize)]
pub struct Row {
    pub fault: Fault,
    pub caught: bool,
    /// Scenarios that failed (the ones that caught it).
    pub caught_by: Vec<String>,
    pub tokens_left_active: Option<usize>,
    /// Tokens that were in the account before the probe (a human's live
    /// "QA-Test-Token") whose state it changed: must be none.
    #[serde(default)]
    pub foreign_changed: Option<Vec<String>>,
    pub run_dir: PathBuf,
    /// The build the fault was switched on in (None: the default markup).
    pub variant: Option<String>,
    /// Artifacts of the failing run that hold a secret (must be none).
    pub leaks: Vec<PathBuf>,
}

/// Builds with markup from the component kits: every fault is also checked on
/// one of them, in turn, so a catch does not depend on the default markup.
pub const KIT_VARIANTS: &[&str] = &["bootstrap", "mui", "radix"];

/// Set in a probe's process: `<fault>` or `<fault>@<build>`.
pub const JOB_ENV: &str = "AI_SUITE_SELFCHECK_JOB";
/// How many probes run at once (default: the cores, at most 4).
pub const WORKERS_ENV: &str = "AI_SUITE_SELFCHECK_WORKERS";
/// The line a probe's process prints its row on.
const ROW_LINE: &str = "selfcheck row: ";

/// One probe: a fault, switched on in a build (None: the default markup).
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub fault: Fault,
    pub variant: Option<String>,
}

impl Job {
    fn encode(&self) -> String {
        match &self.variant {
            Some(v) => format!("{}@{v}", self.fault.name()),
            None => self.fault.name().to_string(),
        }
    }

    fn decode(text: &str) -> Option<Self> {
        let (name, variant) = match text.split_once('@') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (text, None),
        };
        let fault = Fault::ALL.iter().copied().find(|f| f.name() == name)?;
        Some(Self { fault, variant })
    }
}

fn args_for(job: &Job) -> Vec<String> {
    let probe = job.fault.probe();
    let selector = if probe.starts_with('@') { "--tags" } else { "--name" };
    let mut args: Vec<String> = ["selfcheck", selector, probe, "--fault", job.fault.name(), "--fail-fast"].iter().map(|s| s.to_string()).collect();
    if let Some(v) = &job.variant {
        args.extend(["--variant".to_string(), v.clone()]);
    }
    args
}

/// The build of `variants` fault `fault` is checked on in the second pass:
/// the i-th fault of [`Fault::ALL`] on `variants[i % n]`, whichever faults run.
pub fn variant_for<'a>(fault: Fault, variants: &[&'a str]) -> Option<&'a str> {
    let i = Fault::ALL.iter().position(|f| *f == fault).unwrap_or(0);
    (!variants.is_empty()).then(|| variants[i % variants.len()])
}

/// The probes of `faults`, each on the default build, or (`variants` not
/// empty) on [`variant_for`] it.
pub fn jobs(faults: &[Fault], variants: &[&str]) -> Vec<Job> {
    faults.iter().map(|&fault| Job { fault, variant: variant_for(fault, variants).map(str::to_string) }).collect()
}

/// Runs one probe in this process.
async fn run_one(job: &Job, display: &Display) -> Row {
    let fault = job.fault;
    let report = runner::run_report(args_for(job), display, true).await;
    // A catch counts when the failure shows the evidence the fault is about.
    let shows = |r: &runner::ScenarioResult| fault.evidence().is_none_or(|e| r.failure.as_deref().is_some_and(|f| f.contains(e)));
    let caught_by: Vec<String> =
        report.results.iter().filter(|r| r.outcome == Outcome::Failed && shows(r)).map(|r| r.key.scenario.clone()).collect();
    Row {
        fault,
        leaks: report.leaks.clone(),
        caught: report.code == EXIT_FAILED && !caught_by.is_empty(),
        caught_by,
        tokens_left_active: report.tokens_left_active,
        foreign_changed: report.foreign_changed.clone(),
        run_dir: report.run_dir,
        variant: job.variant.clone(),
    }
}

/// In a probe's process (started by [`run`], [`JOB_ENV`] set): runs the probe,
/// prints its row and returns the exit code; `None` in any other process.
/// Call it first in `main`, before a tokio runtime exists (the probe may
/// start Xvfb and set `DISPLAY`).
pub fn worker_main() -> Option<i32> {
    let text = std::env::var(JOB_ENV).ok()?;
    let Some(job) = Job::decode(&text) else {
        eprintln!("error: {JOB_ENV}={text:?} names no fault");
        return Some(runner::EXIT_USAGE);
    };
    if job.fault.accessibility() {
        // This process is the probe's own, and no thread runs yet.
        let accepted = concat!(env!("CARGO_MANIFEST_DIR"), "/src/local_suite/accessibility-accepted.toml");
        unsafe {
            std::env::set_var("AI_SUITE_ACCESSIBILITY", "fail");
            std::env::set_var("AI_SUITE_ACCESSIBILITY_BASELINE", accepted);
        }
    }
    let display = Display::prepare();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let row = runtime.block_on(run_one(&job, &display));
    drop(runtime);
    drop(display);
    println!("{ROW_LINE}{}", serde_json::to_string(&row).expect("a row is JSON"));
    Some(0)
}

/// How many probes at once: the cores (at most 4; measured on 2 cores: 2 at
/// once 4 min 54 s, 3 at once 5 min 44 s, 1 at a time 9 min 05 s), or one
/// when probes cannot each have an X display of their own (no Xvfb): they
/// would share one clipboard.
fn workers() -> usize {
    if !crate::browser::display::can_start_xvfb() {
        return 1;
    }
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    std::env::var(WORKERS_ENV).ok().and_then(|v| v.parse().ok()).filter(|n| *n > 0).unwrap_or(cores.min(4))
}

/// Each wait of a probe (`AI_SUITE_TIMEOUT_MS`), when not set otherwise.
pub const PROBE_WAIT_MS: &str = "5000";

/// A probe that has not ended by then is stopped (its run's own waits end
/// long before: a probe takes seconds to a minute).
const PROBE_LIMIT: std::time::Duration = std::time::Duration::from_secs(600);

/// Runs one probe in a process of its own: `exe` with [`JOB_ENV`] set and,
/// where Xvfb can start one, no display of the caller's, so it starts an X
/// display of its own (its own clipboard).
fn run_in_process(exe: &Path, job: &Job) -> Row {
    let failed = |why: String| {
        eprintln!("self-check: the probe of {} could not run: {why}", job.encode());
        Row { fault: job.fault, caught: false, caught_by: vec![], tokens_left_active: None, foreign_changed: None, run_dir: PathBuf::new(), variant: job.variant.clone(), leaks: vec![] }
    };
    let mut command = Command::new(exe);
    command.env(JOB_ENV, job.encode()).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    // A fault stays broken: the wait that notices it need not last the suite's 10 s
    // (the slowest step of a passing run takes about 1.5 s here). Unless chosen otherwise.
    if std::env::var_os("AI_SUITE_TIMEOUT_MS").is_none() {
        command.env("AI_SUITE_TIMEOUT_MS", PROBE_WAIT_MS);
    }
    if crate::browser::display::can_start_xvfb() {
        command.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY");
    }
    let child = match command.spawn() {
        Ok(c) => c,
        Err(e) => return failed(format!("cannot start {}: {e}", exe.display())),
    };
    let pid = child.id();
    // The output is read on a thread of its own; here, the wait for it, with its limit.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let output = match rx.recv_timeout(PROBE_LIMIT) {
        Ok(Ok(o)) => o,
        Ok(Err(e)) => return failed(format!("its output could not be read: {e}")),
        Err(_) => {
            // SAFETY: a plain signal to the probe's process, which has not been reaped (its waiter still waits).
            unsafe {
                libc::kill(pid as i32, libc::SIGTERM);
            }
            let _ = rx.recv_timeout(std::time::Duration::from_secs(30));
            return failed(format!("it had not ended after {} s and was stopped", PROBE_LIMIT.as_secs()));
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    match stdout.lines().rev().find_map(|l| l.strip_prefix(ROW_LINE)) {
        Some(json) => serde_json::from_str(json).unwrap_or_else(|e| failed(format!("unreadable row ({e}): {json}"))),
        None => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let tail: Vec<&str> = stderr.lines().rev().take(20).collect::<Vec<_>>().into_iter().rev().collect();
            // The probe's tokens are not known here: anything that looks like one is hidden too.
            let tail = crate::secret::redact_token_like(&crate::secret::redact(&tail.join("\n")));
            failed(format!("it ended ({}) without a row:\n{tail}", output.status))
        }
    }
}

/// Runs `jobs`, each in a process of its own (`exe`: this program, whose
/// `main` calls [`worker_main`] first), a few at a time; prints a line per
/// probe as it ends; the rows come back in the order of `jobs`.
pub fn run(exe: &Path, jobs: &[Job]) -> Vec<Row> {
    let queue: Mutex<VecDeque<(usize, &Job)>> = Mutex::new(jobs.iter().enumerate().collect());
    let done: Mutex<Vec<(usize, Row)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..workers().min(jobs.len()) {
            scope.spawn(|| {
                loop {
                    // The lock is released before the probe runs.
                    let next = queue.lock().expect("the queue").pop_front();
                    let Some((i, job)) = next else { break };
                    let row = run_in_process(exe, job);
                    println!(
                        "{:<30} {:<10} step {}  {:<6} {:<14} {}",
                        row.fault.name(),
                        row.variant.as_deref().unwrap_or("default"),
                        row.fault.step(),
                        if row.caught { "caught" } else { "MISSED" },
                        match (row.tokens_left_active, row.foreign_changed.as_ref().map(Vec::len)) {
                            (Some(0), Some(0)) => "0 left Active".to_string(),
                            (Some(n), Some(0)) => format!("{n} LEFT ACTIVE"),
                            (_, Some(f)) if f > 0 => format!("{f} FOREIGN CHANGED"),
                            _ => "(not counted)".to_string(),
                        },
                        row.caught_by.first().cloned().unwrap_or_else(|| format!("(see {})", row.run_dir.display()))
                    );
                    done.lock().expect("the rows").push((i, row));
                }
            });
        }
    });
    let mut done = done.into_inner().expect("the rows");
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, row)| row).collect()
}

/// The table, as printed at the end.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from("| fault | build | guide step | what it breaks | caught | left Active | by scenario |\n|---|---|---|---|---|---|---|\n");
    for r in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            r.fault.name(),
            r.variant.as_deref().unwrap_or("default"),
            r.fault.step(),
            r.fault.description(),
            if r.caught { "yes" } else { "NO" },
            r.tokens_left_active.map(|n| n.to_string()).unwrap_or_else(|| "?".into()),
            r.caught_by.join("; ")
        ));
    }
    let caught = rows.iter().filter(|r| r.caught).count();
    out.push_str(&format!("\n{caught}/{} faults caught\n", rows.len()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_is_named_in_its_process_environment_and_read_back() {
        for job in jobs(&[Fault::CopyNothing, Fault::MissingColumn], KIT_VARIANTS).into_iter().chain(jobs(&[Fault::CopyNothing], &[])) {
            assert_eq!(Job::decode(&job.encode()), Some(job));
        }
        assert_eq!(Job::decode("no-such-fault"), None);
    }

    #[test]
    fn a_row_goes_through_json_unchanged() {
        let row = Row {
            fault: Fault::CopyTruncated,
            caught: true,
            caught_by: vec!["Create an API token".into()],
            tokens_left_active: Some(0),
            foreign_changed: Some(vec![]),
            run_dir: "target/e2e/run-1".into(),
            variant: Some("mui".into()),
            leaks: vec![],
        };
        let back: Row = serde_json::from_str(&serde_json::to_string(&row).unwrap()).unwrap();
        assert_eq!(back.fault, row.fault);
        assert_eq!((back.caught, back.caught_by, back.tokens_left_active, back.run_dir, back.variant), (true, row.caught_by, Some(0), row.run_dir, row.variant));
    }
}
