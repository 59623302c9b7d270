//! `merge-reports DIR...`: the runs of one suite split into shards (on
//! several CI machines) as one run: the scenarios of every shard in one
//! HTML report, one JUnit file and one Cucumber JSON file, with every
//! shard's clean-up and leak scan. Each run leaves `results.json` in its
//! folder for this ([`RunRecord`]).

use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, bail};

use crate::results::{Outcome, RESULTS_FILE, RunRecord, ScenarioResult};

/// What the merge produced.
pub struct Merged {
    pub code: i32,
    pub results: Vec<ScenarioResult>,
    pub out: PathBuf,
    pub runs: usize,
}

/// The run folders under `dir`: itself when it holds a run's results, else
/// its `run-*` folders that do (a CI artifact downloaded into a folder).
fn runs_in(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if dir.join(RESULTS_FILE).is_file() {
        return Ok(vec![dir.to_path_buf()]);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join(RESULTS_FILE).is_file())
        .collect();
    found.sort();
    if found.is_empty() {
        bail!("{} holds no run of this suite (a run writes {RESULTS_FILE} into its folder, target/e2e/run-…)", dir.display());
    }
    Ok(found)
}

/// `path` as seen from the folder `from` (both absolute), for links that
/// still work when the merged report and the shards' folders move together.
fn relative(path: &Path, from: &Path) -> PathBuf {
    let (a, b): (Vec<Component>, Vec<Component>) = (path.components().collect(), from.components().collect());
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &a[common..] {
        out.push(c);
    }
    out
}

/// A shard's files where they are now (the run recorded where it wrote them).
fn rebase(r: &mut ScenarioResult, recorded: &Path, now: &Path, out: &Path) {
    let moved = |p: &mut PathBuf| {
        let here = p.strip_prefix(recorded).map(|rel| now.join(rel)).unwrap_or_else(|_| p.clone());
        *p = out.join(relative(&here, out));
    };
    for s in &mut r.steps {
        for p in [&mut s.screenshot, &mut s.dom, &mut s.candidates].into_iter().flatten() {
            moved(p);
        }
    }
    if let Some(file) = r.video.as_mut().and_then(|v| v.file.as_mut()) {
        moved(file);
    }
}

/// What the runs hold, gathered run by run.
#[derive(Default)]
struct Gathered {
    results: Vec<ScenarioResult>,
    revoked: usize,
    left: usize,
    flaky: usize,
    interrupted: Option<usize>,
    leaks: Vec<PathBuf>,
    /// A line a run: which shard it was, and its folder.
    notes: Vec<String>,
    /// Every shard's JUnit test suites, and its Cucumber JSON features.
    junit: String,
    cucumber: Vec<serde_json::Value>,
    targets: Vec<String>,
    codes: Vec<i32>,
    shards: Vec<String>,
}

impl Gathered {
    /// Adds the run in `dir` (a real path), its files' paths as seen from `out`.
    fn add(&mut self, dir: PathBuf, out: &Path) -> anyhow::Result<()> {
        let text = std::fs::read_to_string(dir.join(RESULTS_FILE))?;
        let record: RunRecord = serde_json::from_str(&text).with_context(|| format!("{} is not a run's results", dir.join(RESULTS_FILE).display()))?;
        if !self.targets.contains(&record.target) {
            self.targets.push(record.target.clone());
        }
        for mut r in record.results {
            if self.results.iter().any(|x| x.key.id == r.key.id) {
                bail!(
                    "the scenario '{}' ({}) is in two of these runs (one of them {}): merge the shards of one run, each once",
                    r.key.scenario,
                    r.key.id,
                    dir.display()
                );
            }
            rebase(&mut r, &record.run_dir, &dir, out);
            self.results.push(r);
        }
        self.codes.push(record.code);
        self.shards.extend(record.shard.clone());
        self.revoked += record.tokens_revoked;
        self.left += record.tokens_left;
        self.flaky += record.flaky.len();
        if let Some(n) = record.interrupted {
            self.interrupted = Some(self.interrupted.unwrap_or(0) + n);
        }
        self.leaks.extend(record.leaks.iter().map(|p| p.strip_prefix(&record.run_dir).map(|rel| dir.join(rel)).unwrap_or_else(|_| p.clone())));
        self.notes.push(format!("{} — {}", record.shard.map(|s| format!("shard {s}")).unwrap_or_else(|| "a whole run".into()), dir.display()));
        // JUnit: every shard's test suites in one file.
        let xml = std::fs::read_to_string(dir.join("junit.xml")).unwrap_or_default();
        let inner = xml.split_once("<testsuites").and_then(|(_, r)| r.split_once('>')).map(|(_, r)| r).unwrap_or("");
        self.junit.push_str(inner.rsplit_once("</testsuites>").map(|(body, _)| body).unwrap_or(inner));
        // Cucumber JSON: every shard's features in one list.
        if let Ok(serde_json::Value::Array(features)) = serde_json::from_str(&std::fs::read_to_string(dir.join("cucumber.json")).unwrap_or_default()) {
            self.cucumber.extend(features);
        }
        Ok(())
    }
}

/// Shards of n: all n of them, each once. What is wrong, a line each.
fn shard_problems(shards: &[String]) -> Vec<String> {
    let mut missing = Vec::new();
    if let Some(n) = shards.first().and_then(|s| s.split_once('/')).and_then(|(_, n)| n.parse::<usize>().ok()) {
        for i in 1..=n {
            let want = format!("{i}/{n}");
            match shards.iter().filter(|s| **s == want).count() {
                1 => {}
                0 => missing.push(format!("shard {want} is missing: its run was not among these folders")),
                k => missing.push(format!("shard {want} is here {k} times")),
            }
        }
        if let Some(other) = shards.iter().find(|s| !s.ends_with(&format!("/{n}"))) {
            missing.push(format!("shard {other} is of another split than {n}"));
        }
    }
    missing
}

/// The merged report's notes: the runs, what is wrong with the split, a
/// run's failing exit code, and the leak scan.
fn summary_notes(runs: usize, all: &Gathered, missing: &[String]) -> Vec<String> {
    let mut summary_notes = vec![format!("Merged from {runs} runs:")];
    summary_notes.extend(all.notes.iter().cloned());
    summary_notes.extend(missing.iter().cloned());
    if let Some(code) = all.codes.iter().find(|c| **c != 0) {
        summary_notes.push(format!("A run exited {code}: see its own report."));
    }
    if all.leaks.is_empty() {
        summary_notes.push("Leak scan: no secret in any artifact of any run.".into());
    } else {
        summary_notes.extend(all.leaks.iter().map(|l| format!("SECRET LEAKED: a token value or password is in {}", l.display())));
    }
    summary_notes
}

/// Merges the runs found under `dirs` into `out` (report.html, junit.xml,
/// cucumber.json). Green only when every run was, and when runs that are
/// shards of n are all n of them, each once.
pub fn merge(dirs: &[PathBuf], out: &Path) -> anyhow::Result<Merged> {
    if dirs.is_empty() {
        bail!("name the folders of the runs to merge: merge-reports DIR... (each a run folder, or a folder holding them)");
    }
    let mut runs = Vec::new();
    for d in dirs {
        runs.extend(runs_in(d)?);
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    // Real paths on both sides (no `..`), for links relative to the merged report.
    let out = std::fs::canonicalize(out)?;
    let mut all = Gathered::default();
    for dir in &runs {
        all.add(std::fs::canonicalize(dir)?, &out)?;
    }
    let missing = shard_problems(&all.shards);
    let count = |o: Outcome| all.results.iter().filter(|r| r.outcome == o).count();
    let (passed, failed, skipped) = (count(Outcome::Passed), count(Outcome::Failed), count(Outcome::Skipped));
    // Shards against the local AI Suite each had a server of their own.
    let target = all.targets.join(", ");
    let summary = crate::evidence::report::Summary {
        target: &target,
        passed,
        failed,
        skipped,
        flaky: all.flaky,
        tokens_revoked: all.revoked,
        tokens_left: all.left,
        display_note: "as each run says",
        interrupted: all.interrupted,
        notes: summary_notes(runs.len(), &all, &missing),
        browsers: crate::results::browsers(&all.results),
    };
    std::fs::write(out.join("report.html"), crate::evidence::report::render(&out, &summary, &all.results))?;
    std::fs::write(out.join("junit.xml"), format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>{}</testsuites>\n", all.junit))?;
    std::fs::write(out.join("cucumber.json"), serde_json::to_string(&all.cucumber)?)?;
    // What each shard's finds looked like, for the next run's locator repair.
    let fingerprints: Vec<PathBuf> = runs.iter().map(|d| d.join("fingerprints.json")).filter(|f| f.is_file()).collect();
    crate::repair::merge_fingerprints(&fingerprints, &out.join("fingerprints.json"))?;
    let ok = failed == 0
        && skipped == 0
        && passed > 0
        && all.leaks.is_empty()
        && all.left == 0
        && all.interrupted.is_none()
        && missing.is_empty()
        && all.codes.iter().all(|c| *c == 0);
    for m in &missing {
        eprintln!("error: {m}");
    }
    Ok(Merged { code: if ok { 0 } else { crate::runner::EXIT_FAILED }, results: all.results, out, runs: runs.len() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_made_relative_to_the_merged_folder() {
        assert_eq!(relative(Path::new("/ci/shard-1/run-a/shots/1.png"), Path::new("/ci/merged")), PathBuf::from("../shard-1/run-a/shots/1.png"));
        assert_eq!(relative(Path::new("/ci/merged/x.png"), Path::new("/ci/merged")), PathBuf::from("x.png"));
    }

    #[test]
    fn a_folder_without_runs_is_named() {
        let dir = std::env::temp_dir().join(format!("ai-suite-merge-empty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let e = merge(std::slice::from_ref(&dir), &dir.join("out")).err().expect("no runs");
        assert!(e.to_string().contains("holds no run of this suite"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
