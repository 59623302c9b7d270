//! `cargo run -- heal RUN_DIR`: reruns a failed run's failed scenarios with
//! the locators it suggested (`RUN_DIR/suggested-locators.toml`), and says
//! which ones the suggestions fix and which guide sections name what they
//! change. Nothing is healed silently: the suggestions become the user's only
//! when they copy them into their config file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::results::{Outcome, RESULTS_FILE, RunRecord};
use crate::runner::{EXIT_FAILED, EXIT_PASSED};

pub use crate::repair::SUGGESTIONS_FILE;

/// The rerun's arguments: the run's own options, its scenario filter
/// (`--name`) replaced by the failed scenarios' names, exactly.
pub fn rerun_args(args: &[String], failed: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut skip = false;
    for a in args {
        if std::mem::take(&mut skip) {
            continue;
        }
        if a == "--name" || a == "-n" {
            skip = true;
        } else if !a.starts_with("--name=") {
            out.push(a.clone());
        }
    }
    let names: Vec<String> = failed.iter().map(|n| regex::escape(n)).collect();
    out.push("--name".into());
    out.push(format!("^(?:{})$", names.join("|")));
    out
}

fn read_record(dir: &Path) -> anyhow::Result<RunRecord> {
    let path = dir.join(RESULTS_FILE);
    let text = std::fs::read_to_string(&path).with_context(|| format!("{} has no {RESULTS_FILE}: is it a run folder (target/e2e/run-…)?", dir.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not a run's record", path.display()))
}

/// How many reruns at most: a release that breaks several keys on one path
/// (a sentence-case release relabels both fields) shows one more per rerun.
const ROUNDS: usize = 3;

/// Reruns the failed scenarios of `run_dir` with its suggestions; when a
/// rerun stops at another key with a suggestion of its own, again with both
/// (up to [`ROUNDS`] times); prints what they fix. Exit 0 when every failed
/// scenario passes with them.
pub fn heal(run_dir: &Path, exe: &Path) -> anyhow::Result<i32> {
    let record = read_record(run_dir)?;
    let mut suggestions = run_dir.join(SUGGESTIONS_FILE);
    if !suggestions.is_file() {
        bail!(
            "{} has no {SUGGESTIONS_FILE}: none of its failures was a locator that found nothing (or too much) with an element on the page like the one it found before",
            run_dir.display()
        );
    }
    let failed: Vec<String> = record.results.iter().filter(|r| r.outcome == Outcome::Failed).map(|r| r.key.scenario.clone()).collect();
    if failed.is_empty() {
        println!("{}: no scenario failed; nothing to heal", run_dir.display());
        return Ok(EXIT_PASSED);
    }
    let mut shown = BTreeSet::new();
    for round in 1..=ROUNDS {
        let new_keys = print_new(&suggestions, &mut shown)?;
        if round == 1 {
            println!("rerunning {} failed scenario(s) of {} with {}", failed.len(), run_dir.display(), suggestions.display());
        } else if new_keys == 0 {
            break;
        }
        let rerun = rerun(exe, &record.args, &failed, &suggestions)?;
        let still_failing = failed.iter().any(|n| rerun.results.iter().any(|r| &r.key.scenario == n && r.outcome != Outcome::Passed));
        let next = rerun.run_dir.join(SUGGESTIONS_FILE);
        if still_failing && next.is_file() && round < ROUNDS && has_new_keys(&next, &shown)? {
            println!("the rerun stopped at another key, with a suggestion of its own: rerunning with {} (round {} of at most {ROUNDS})", next.display(), round + 1);
            suggestions = next;
            continue;
        }
        return Ok(report(&failed, &rerun, &suggestions));
    }
    unreachable!("every round returns or goes on")
}

/// The `[locators]` of a suggestions file.
fn locators(file: &Path) -> anyhow::Result<std::collections::BTreeMap<String, String>> {
    let config: crate::config::FileConfig = toml::from_str(&std::fs::read_to_string(file)?).with_context(|| format!("{} does not parse", file.display()))?;
    Ok(config.locators)
}

/// The locators of a suggestions file not printed yet, with the guide
/// sections that name what each key finds; how many there were.
fn print_new(file: &Path, shown: &mut BTreeSet<String>) -> anyhow::Result<usize> {
    let mut n = 0;
    for (key, locator) in &locators(file)? {
        if !shown.insert(format!("{key}={locator}")) {
            continue;
        }
        n += 1;
        println!("    {key} = '{locator}'");
        for (heading, bold) in crate::drift::guide_sections_naming(key) {
            println!("      the guide names it **{bold}** in \"{heading}\": if the release is right, the guide changes there too");
        }
    }
    Ok(n)
}

fn has_new_keys(file: &Path, shown: &BTreeSet<String>) -> anyhow::Result<bool> {
    Ok(locators(file)?.iter().any(|(k, l)| !shown.contains(&format!("{k}={l}"))))
}

/// Runs the suite (`exe`) with `args` and the environment's `AI_SUITE_*`
/// as they are, but for `env`: its exit code and everything it printed.
pub fn run_suite(exe: &Path, args: &[String], env: &[(&str, Option<&Path>)]) -> anyhow::Result<(i32, String)> {
    let mut cmd = Command::new(exe);
    cmd.args(args);
    for (k, v) in env {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let out = cmd.output().with_context(|| format!("could not start {}", exe.display()))?;
    Ok((out.status.code().unwrap_or(-1), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))))
}

/// The run folder a run of the suite printed (`artifacts: DIR`).
pub fn printed_run_dir(output: &str) -> Option<PathBuf> {
    output.lines().find_map(|l| l.strip_prefix("artifacts: ")).map(PathBuf::from)
}

/// One rerun of the failed scenarios with `suggestions` as the config file: its record.
fn rerun(exe: &Path, args: &[String], failed: &[String], suggestions: &Path) -> anyhow::Result<RunRecord> {
    let (_, text) = run_suite(exe, &rerun_args(args, failed), &[("AI_SUITE_CONFIG", Some(suggestions))])?;
    match printed_run_dir(&text) {
        Some(dir) => read_record(&dir),
        None => {
            print!("{text}");
            bail!("the rerun did not run (its output is above)")
        }
    }
}

/// What the last rerun fixed; the exit code.
fn report(failed: &[String], rerun: &RunRecord, suggestions: &Path) -> i32 {
    let mut fixed = 0;
    for name in failed {
        match rerun.results.iter().find(|r| &r.key.scenario == name) {
            Some(r) if r.outcome == Outcome::Passed => {
                fixed += 1;
                println!("FIXED by the suggestions: {} › {}", r.key.feature, name);
            }
            Some(r) => println!("still failing: {} › {}: {}", r.key.feature, name, r.failure.as_deref().and_then(|f| f.lines().next()).unwrap_or("(no cause recorded)")),
            None => println!("not rerun: {name}"),
        }
    }
    println!("{fixed} of {} fixed with {}; the rerun's reports: {}", failed.len(), suggestions.display(), rerun.run_dir.display());
    if fixed == failed.len() { EXIT_PASSED } else { EXIT_FAILED }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rerun_keeps_the_options_and_names_the_failed_scenarios_exactly() {
        let args: Vec<String> = ["--variant", "release-drawer", "--name", "step by step", "--tags", "@smoke"].map(String::from).to_vec();
        let got = rerun_args(&args, &["Create (an) API token".to_string(), "Cancel".to_string()]);
        assert_eq!(got, ["--variant", "release-drawer", "--tags", "@smoke", "--name", r"^(?:Create \(an\) API token|Cancel)$"]);
    }
}
