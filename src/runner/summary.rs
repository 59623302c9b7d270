//! The run's last stage: the results as a user reads them, the reports, the
//! leak scan of every artifact, the summary lines and the exit code.

use std::path::{Path, PathBuf};

use super::execute::Executed;
use super::prepare::Prepared;
use super::{EXIT_COULD_NOT_RUN, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_PASSED, RunReport, SIGN_IN_FAILED, Started};
use crate::browser::display::Display;
use crate::cleanup::Audited;
use crate::local_suite::LocalSuite;
use crate::results::{Outcome, ScenarioResult};
use crate::run_context::RunContext;

/// A summary line, printed unless the run is quiet.
type Out<'a> = &'a dyn Fn(String);

/// The results as a user reads them: the last attempt of each scenario
/// (flaky ones named), the HTML report, the leak scan of every artifact, the
/// summary lines and the exit code.
pub(super) fn summarise(
    run: Prepared,
    executed: Executed,
    started: &Started,
    display: &Display,
    quiet: bool,
    clock: std::time::Instant,
) -> anyhow::Result<RunReport> {
    let ctx = &run.ctx;
    let run_dir = ctx.run_dir.clone();
    let Executed { parsing_errors, hook_errors, interrupted, cleaned, left, audit, not_run, mut phases } = executed;
    let expired = ctx.session_expired.get().cloned();
    let mut attempts = ctx.results();
    attempts.extend(not_run);
    let tally = Tally::of(&attempts, parsing_errors, hook_errors, interrupted, expired);
    let (tokens_left_active, foreign_changed) = local_count(started);
    let tokens = Tokens { cleaned, left, audit, tokens_left_active, foreign_changed };
    let _ = std::fs::write(run_dir.join("tokens.json"), serde_json::to_string_pretty(&tokens.audit).unwrap_or_default());
    let browsers = crate::results::browsers(&attempts);
    let reports = std::time::Instant::now();
    write_reports(&run, &attempts, &tally, &tokens, &browsers, display)?;
    let suggested = save_repairs(ctx);
    phases.add("reports", reports.elapsed());
    let scan = std::time::Instant::now();
    // Every artifact is scanned for every secret the run saw (token values,
    // passwords) and, on the local AI Suite, every token it issued, read or not.
    let mut secrets = crate::secret::all();
    secrets.extend(started.local.as_ref().map(LocalSuite::issued).unwrap_or_default());
    // The drivers' logs hold the browsers' own output (page errors among it).
    let redacted_logs = crate::evidence::redact_driver_logs(&run_dir);
    let mut leaks = crate::evidence::leaks(&run_dir, &secrets)?;
    // The target's fingerprints, kept outside the run folder, too.
    if let Some(file) = ctx.repair.file().filter(|f| f.is_file()) {
        leaks.extend(crate::evidence::leaks(file, &secrets)?);
    }

    phases.add("log redaction and leak scan", scan.elapsed());
    let out = |line: String| {
        if !quiet {
            println!("{line}");
        }
    };
    print_scenarios(&out, &tally, display);
    print_tokens(&out, &run, started, &tokens);
    print_suggestions(&out, ctx, suggested.as_deref());
    out(phases.line());
    print_totals(&out, &tally, &browsers, &run_dir, &redacted_logs, &leaks);
    let code = exit_code(&out, &run, &tally, &tokens, &leaks);
    write_record(&run, &tally, &tokens, browsers, &leaks, code)?;
    let memory = started.memory.as_ref().map(|m| m.peak());
    let Tokens { tokens_left_active, foreign_changed, .. } = tokens;
    Ok(RunReport { code, results: tally.results, wall: clock.elapsed(), run_dir, tokens_left_active, foreign_changed, memory, leaks, phases })
}

/// What the scenarios came to.
struct Tally {
    /// The last attempt of each scenario.
    results: Vec<ScenarioResult>,
    /// The scenarios that failed, then passed on a retry.
    flaky_ids: Vec<String>,
    passed: usize,
    failed: usize,
    skipped: usize,
    /// Stopped while running.
    stopped: usize,
    parsing_errors: usize,
    hook_errors: usize,
    /// Stopped by a signal: how many scenarios were running then.
    interrupted: Option<usize>,
    /// Why the injected session expired, when it did.
    expired: Option<String>,
}

impl Tally {
    fn of(
        attempts: &[ScenarioResult],
        parsing_errors: usize,
        hook_errors: usize,
        interrupted: Option<usize>,
        expired: Option<String>,
    ) -> Self {
        // With --retry a scenario runs more than once: its last attempt counts, and
        // one that failed before passing is flaky (reported, never silently green).
        let mut results: Vec<ScenarioResult> = Vec::new();
        let mut flaky_ids = Vec::new();
        for r in attempts {
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
        Self { results, flaky_ids, passed, failed, skipped, stopped, parsing_errors, hook_errors, interrupted, expired }
    }

    fn flaky(&self) -> usize {
        self.flaky_ids.len()
    }

    /// Every failure names `why` (and there is one).
    fn all_failures(&self, why: &str) -> bool {
        self.failed > 0
            && self
                .results
                .iter()
                .filter(|r| r.outcome == Outcome::Failed)
                .all(|r| r.failure.as_deref().is_some_and(|f| f.contains(why)))
    }
}

/// This run's tokens at its end.
struct Tokens {
    /// Tokens revoked, and tokens that could not be.
    cleaned: usize,
    left: usize,
    /// Every token the run created and its final state.
    audit: Vec<Audited>,
    /// Local AI Suite only: the store's count of this run's tokens still live.
    tokens_left_active: Option<usize>,
    /// Local AI Suite only: tokens of before the run whose state changed.
    foreign_changed: Option<Vec<String>>,
}

impl Tokens {
    /// The run's tokens still live after the clean-up.
    fn left_live(&self) -> Vec<&Audited> {
        self.audit.iter().filter(|a| a.live).collect()
    }

    /// How many tokens the run left unrevoked.
    fn not_revoked(&self) -> usize {
        self.left.max(self.left_live().len())
    }
}

/// The local AI Suite's own count: every token made during the run (by
/// id, whatever name the product gave it) still live, and every token of
/// before the run whose state changed.
fn local_count(started: &Started) -> (Option<usize>, Option<Vec<String>>) {
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
    (tokens_left_active, foreign_changed)
}

/// The HTML report, cucumber's JSON and JUnit files given what cucumber does not know.
fn write_reports(
    run: &Prepared,
    attempts: &[ScenarioResult],
    tally: &Tally,
    tokens: &Tokens,
    browsers: &[String],
    display: &Display,
) -> anyhow::Result<()> {
    let run_dir = &run.ctx.run_dir;
    let report = crate::evidence::report::render(
        run_dir,
        &crate::evidence::report::Summary {
            target: &run.ctx.base_url,
            passed: tally.passed,
            failed: tally.failed,
            skipped: tally.skipped,
            flaky: tally.flaky(),
            tokens_revoked: tokens.cleaned,
            tokens_left: tokens.not_revoked(),
            display_note: &display.note,
            interrupted: tally.interrupted,
            notes: run.opts.custom.shard.map(|s| format!("Shard {s} of a split run: merge the shards' reports with `cargo run -- merge-reports DIR…`.")).into_iter().collect(),
            browsers: browsers.to_vec(),
        },
        &tally.results,
    );
    std::fs::write(run_dir.join("report.html"), report)?;
    // Cucumber's JSON gains each failed step's screenshot and the page's errors.
    if let Err(e) = crate::evidence::report::enrich_cucumber_json(&run_dir.join("cucumber.json"), attempts) {
        eprintln!("note: cucumber.json could not be given the failures' screenshots: {e:#}");
    }
    if tally.interrupted.is_some() || tally.expired.is_some() {
        // Cucumber's own writers stopped with the runner.
        std::fs::write(run_dir.join("junit.xml"), crate::evidence::report::junit(&tally.results))?;
    } else if let Err(e) = crate::evidence::report::name_browsers_in_junit(&run_dir.join("junit.xml"), browsers) {
        eprintln!("note: junit.xml could not be told which browser ran: {e:#}");
    }
    let failing = run.ctx.audits.mode == crate::config::AccessibilityMode::Fail;
    if let Err(e) = crate::evidence::report::add_accessibility_to_junit(&run_dir.join("junit.xml"), &tally.results, failing) {
        eprintln!("note: junit.xml could not be given the accessibility audits: {e:#}");
    }
    Ok(())
}

/// The failures, the scenarios' notes and where the clipboard was read.
/// The target's fingerprints kept for the next run, and this run's
/// suggested locators written (see [`crate::repair`]); the file, if any.
fn save_repairs(ctx: &RunContext) -> Option<PathBuf> {
    // The user's own config file, kept in the suggestions' (their secrets left out).
    let user_config = std::env::var("AI_SUITE_CONFIG").ok().and_then(|p| std::fs::read_to_string(p).ok());
    match ctx.repair.save(&ctx.run_dir, user_config.as_deref()) {
        Ok(file) => file,
        Err(e) => {
            eprintln!("note: the locator fingerprints and suggestions could not be saved: {e:#}");
            None
        }
    }
}

/// The suggested locators, each with what changed, and how to rerun with them.
fn print_suggestions(out: Out, ctx: &RunContext, file: Option<&Path>) {
    let Some(file) = file else { return };
    let suggestions = ctx.repair.suggestions();
    out(format!("suggested locators ({}), each checked on the failing page:", suggestions.len()));
    for s in &suggestions {
        out(format!("    {} = '{}'  (was {}, now {}, score {:.2})", s.key, s.locator, s.was, s.now, s.score));
    }
    out(format!(
        "  review them (a renamed control may be a regression, or a guide to change), then rerun with AI_SUITE_CONFIG={}, or `cargo run -- heal {}`",
        file.display(),
        ctx.run_dir.display()
    ));
}

fn print_scenarios(out: Out, tally: &Tally, display: &Display) {
    let results = &tally.results;
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
}

/// The tokens the run created, revoked and left, and any it should not have touched.
fn print_tokens(out: Out, run: &Prepared, started: &Started, tokens: &Tokens) {
    let Tokens { cleaned, left, audit, tokens_left_active, foreign_changed } = tokens;
    let left_live = tokens.left_live();
    if let Some(why) = run.ctx.cleanup.api_note.get() {
        out(format!("clean-up: the [api] tokens_path/revoke_path could not be used ({why}); tokens were revoked on the Profile page"));
    }
    out(format!(
        "tokens created by this run: {} ({cleaned} revoked{})",
        audit.len(),
        if *left > 0 { format!(", {left} could NOT be revoked") } else { String::new() }
    ));
    for a in audit {
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
}

/// Parsing errors, flaky scenarios, the browsers, the reports, the secrets
/// redacted or leaked, a stop, and the `N passed, N failed, N skipped` line.
fn print_totals(out: Out, tally: &Tally, browsers: &[String], run_dir: &Path, redacted_logs: &[PathBuf], leaks: &[PathBuf]) {
    let Tally { passed, failed, skipped, stopped, parsing_errors, .. } = tally;
    let flaky = tally.flaky();
    if *parsing_errors > 0 {
        out(format!("{parsing_errors} feature file(s) could not be parsed"));
    }
    for r in tally.results.iter().filter(|r| tally.flaky_ids.contains(&r.key.id)) {
        out(format!("FLAKY: {} › {} (failed, then passed on a retry)", r.key.feature, r.key.scenario));
    }
    if !browsers.is_empty() {
        out(format!("browser: {}", browsers.join(", ")));
    }
    let audits = crate::evidence::audit::of_results(&tally.results);
    if !audits.is_empty() {
        let found: usize = audits.iter().map(|a| a.violations.iter().map(|v| v.nodes.len()).sum::<usize>()).sum();
        out(format!(
            "accessibility (axe-core {}, WCAG 2.1 A/AA): {} screen(s) audited, {found} violation(s){}",
            crate::browser::scripts::AXE_VERSION,
            audits.len(),
            if found > 0 { format!(": {}", audits.iter().filter(|a| !a.violations.is_empty()).map(|a| a.headline()).collect::<Vec<_>>().join("; ")) } else { String::new() }
        ));
    }
    out(format!("reports: {0}/report.html, {0}/junit.xml, {0}/cucumber.json, {0}/results.json", run_dir.display()));
    for log in redacted_logs {
        out(format!("note: {} held secrets or token-like words (the browser's own output); they were replaced by [REDACTED]", log.display()));
    }
    for leak in leaks {
        out(format!("SECRET LEAKED: a token value or password is in {}", leak.display()));
    }
    let flaky_note = if flaky > 0 { format!(" ({flaky} flaky)") } else { String::new() };
    if tally.interrupted.is_some() {
        out(format!("INTERRUPTED: {stopped} scenario(s) stopped while running; the rest never started"));
    }
    if let Some(cause) = &tally.expired {
        out(format!("the suite could not run to the end: {cause} ({skipped} scenario(s) not run, {stopped} stopped while running)"));
    }
    out(format!("{passed} passed, {failed} failed, {skipped} skipped{flaky_note}"));
}

/// The exit code; says so when the suite could not run at all.
fn exit_code(out: Out, run: &Prepared, tally: &Tally, tokens: &Tokens, leaks: &[PathBuf]) -> i32 {
    let flaky_fails = run.opts.custom.fail_on_flaky && tally.flaky() > 0;
    // The after hook fails a scenario whose page reported an error late: a
    // hook error to cucumber, already a failure (or a flake) in the results.
    let ok = tally.failed == 0
        && tally.skipped == 0
        && tally.parsing_errors == 0
        && tally.hook_errors <= run.ctx.late_failures()
        && tally.passed > 0
        && leaks.is_empty()
        && tokens.left_live().is_empty()
        && tokens.tokens_left_active.unwrap_or(0) == 0
        && tokens.foreign_changed.as_ref().is_none_or(|c| c.is_empty())
        && !flaky_fails;
    // When every failure is the sign-in itself, the product was never tested.
    let sign_in_only = tally.all_failures(SIGN_IN_FAILED);
    if sign_in_only && tally.expired.is_none() {
        out("the suite could not run: sign-in failed (see above)".into());
    }
    // When no browser could start, nothing was tested either.
    let no_browser = tally.all_failures(crate::browser::diagnose::DID_NOT_START);
    if no_browser {
        out("the suite could not run: the browser did not start (see above)".into());
    }
    if tally.interrupted.is_some() {
        EXIT_INTERRUPTED
    } else if ok {
        EXIT_PASSED
    } else if sign_in_only || no_browser || tally.expired.is_some() {
        EXIT_COULD_NOT_RUN
    } else {
        EXIT_FAILED
    }
}

/// What merge-reports reads, written last: every text in it redacted
/// before it is serialised (no escaping can hide a secret).
fn write_record(run: &Prepared, tally: &Tally, tokens: &Tokens, browsers: Vec<String>, leaks: &[PathBuf], code: i32) -> anyhow::Result<()> {
    let run_dir = &run.ctx.run_dir;
    let record = crate::results::RunRecord {
        target: run.ctx.base_url.clone(),
        browsers,
        shard: run.opts.custom.shard.map(|s| s.to_string()),
        run_dir: run_dir.clone(),
        results: tally.results.clone(),
        flaky: tally.flaky_ids.clone(),
        tokens_revoked: tokens.cleaned,
        tokens_left: tokens.not_revoked(),
        leaks: leaks.to_vec(),
        interrupted: tally.interrupted,
        code,
        args: run.args.clone(),
    };
    let mut record = serde_json::to_value(&record)?;
    redact_strings(&mut record);
    std::fs::write(run_dir.join(crate::results::RESULTS_FILE), serde_json::to_string(&record)?)?;
    Ok(())
}

/// Every string in a JSON value, redacted.
fn redact_strings(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => *s = crate::secret::redact(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_strings),
        serde_json::Value::Object(map) => map.values_mut().for_each(redact_strings),
        _ => {}
    }
}
