//! A run split into shards (harness = false): two shards of the smoke
//! scenarios run each selected scenario once between them, and
//! `merge-reports` makes of them the same scenario set and counts as one
//! unsharded run, in every report.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ai_suite_e2e::browser::display::Display;
use ai_suite_e2e::results::Outcome;
use ai_suite_e2e::runner::{self, EXIT_PASSED, RunReport};

mod checks;

struct Runs {
    whole: RunReport,
    shards: [RunReport; 2],
    merged: Result<(ai_suite_e2e::merge::Merged, PathBuf), String>,
}

fn args(extra: &[&str]) -> Vec<String> {
    // Two scenarios, and an outline of which two examples are selected (by their expanded names).
    ["shards", "--name", "lists every user|avatar menu leads|expiry date of (yesterday|today) is rejected"].iter().chain(extra).map(|s| s.to_string()).collect()
}

fn names(results: &[ai_suite_e2e::results::ScenarioResult]) -> BTreeSet<String> {
    results.iter().map(|r| format!("{} › {}", r.key.feature, r.key.scenario)).collect()
}

fn merged(r: &Runs) -> Result<&(ai_suite_e2e::merge::Merged, PathBuf), String> {
    r.merged.as_ref().map_err(|e| format!("merge-reports failed: {e}"))
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_default()
}

fn main() {
    use checks::{check, ensure};
    let checks: Vec<checks::Check<Runs>> = vec![
        check("each shard runs a part of the selection and passes", |r: &Runs| {
            for s in &r.shards {
                ensure(s.code == EXIT_PASSED && !s.results.is_empty(), format!("exit {}, {} scenarios", s.code, s.results.len()))?;
            }
            Ok(())
        }),
        check("the selection holds an outline's examples, run whole in one shard", |r: &Runs| {
            let examples = |rs: &[ai_suite_e2e::results::ScenarioResult]| rs.iter().filter(|x| x.key.scenario.contains("is rejected")).count();
            ensure(examples(&r.whole.results) == 2, format!("{} examples in the whole run", examples(&r.whole.results)))?;
            let per_shard = [examples(&r.shards[0].results), examples(&r.shards[1].results)];
            ensure(per_shard.contains(&2) && per_shard.contains(&0), format!("examples per shard: {per_shard:?}"))
        }),
        check("the shards run each selected scenario exactly once", |r: &Runs| {
            let (a, b) = (names(&r.shards[0].results), names(&r.shards[1].results));
            ensure(a.is_disjoint(&b), format!("in both: {:?}", a.intersection(&b).collect::<Vec<_>>()))?;
            let union: BTreeSet<String> = a.union(&b).cloned().collect();
            ensure(union == names(&r.whole.results), format!("shards {union:?} vs whole run {:?}", names(&r.whole.results)))
        }),
        check("merge-reports gives the same scenarios and counts as one unsharded run", |r: &Runs| {
            let (m, _) = merged(r)?;
            let count = |rs: &[ai_suite_e2e::results::ScenarioResult], o: Outcome| rs.iter().filter(|x| x.outcome == o).count();
            ensure(names(&m.results) == names(&r.whole.results), format!("{:?} vs {:?}", names(&m.results), names(&r.whole.results)))?;
            for o in [Outcome::Passed, Outcome::Failed, Outcome::Skipped] {
                ensure(count(&m.results, o.clone()) == count(&r.whole.results, o.clone()), format!("{o:?} differs"))?;
            }
            ensure(m.code == EXIT_PASSED && m.runs == 2, format!("exit {}, {} runs", m.code, m.runs))
        }),
        check("the merged JUnit and Cucumber JSON hold every scenario once", |r: &Runs| {
            let (m, _) = merged(r)?;
            let junit = read(&m.out, "junit.xml");
            let cases = junit.matches("<testcase").count();
            let whole = read(&r.whole.run_dir, "junit.xml").matches("<testcase").count();
            ensure(cases == whole && cases > 0, format!("{cases} test cases merged, {whole} in the whole run"))?;
            // Scenario elements (a background is an element of its own before each).
            let scenarios = |dir: &Path| -> Result<usize, String> {
                let json: serde_json::Value = serde_json::from_str(&read(dir, "cucumber.json")).map_err(|e| e.to_string())?;
                Ok(json
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|f| f["elements"].as_array().into_iter().flatten())
                    .filter(|e| e["type"] == "scenario")
                    .count())
            };
            let (merged, whole) = (scenarios(&m.out)?, scenarios(&r.whole.run_dir)?);
            ensure(merged == whole && merged == r.whole.results.len(), format!("{merged} scenarios in the merged cucumber.json, {whole} in the whole run's"))
        }),
        check("the merged HTML report counts every shard and its pictures load from the shards' folders", |r: &Runs| {
            let (m, _) = merged(r)?;
            let html = read(&m.out, "report.html");
            let want = format!("{} passed", r.whole.results.len());
            ensure(html.contains(&want) && html.contains("Merged from 2 runs") && html.contains("shard 1/2") && html.contains("shard 2/2"), "summary or shards missing")?;
            ensure(html.contains("no secret in any artifact of any run"), "no leak-scan line")?;
            let srcs: Vec<&str> = html.split("<img loading=\"lazy\" src=\"").skip(1).filter_map(|s| s.split('"').next()).collect();
            ensure(!srcs.is_empty(), "no pictures")?;
            let missing: Vec<&&str> = srcs.iter().filter(|s| !m.out.join(s).is_file()).collect();
            ensure(missing.is_empty(), format!("{} of {} pictures do not resolve: {:?}", missing.len(), srcs.len(), missing.first()))
        }),
        check("merging one shard of two is not green and names the missing one", |r: &Runs| {
            let out = std::env::temp_dir().join(format!("ai-suite-merge-half-{}", std::process::id()));
            let m = ai_suite_e2e::merge::merge(std::slice::from_ref(&r.shards[0].run_dir), &out).map_err(|e| format!("{e:#}"))?;
            let html = read(&m.out, "report.html");
            ensure(m.code != EXIT_PASSED && html.contains("shard 2/2 is missing"), format!("exit {}", m.code))
        }),
        check("a scenario in two of the runs is refused", |r: &Runs| {
            let (_, whole_dir) = merged(r)?;
            let dirs = vec![whole_dir.clone(), r.shards[0].run_dir.clone()];
            match ai_suite_e2e::merge::merge(&dirs, &std::env::temp_dir().join("ai-suite-merge-twice")) {
                Err(e) => ensure(format!("{e:#}").contains("is in two of these runs"), format!("{e:#}")),
                Ok(_) => Err("merged a scenario twice".into()),
            }
        }),
    ];
    checks::run(libtest_mimic::Arguments::from_args(), checks, |_| {
        let display = Display::prepare();
        let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
        let whole = runtime.block_on(runner::run_report(args(&[]), &display, true));
        let first = runtime.block_on(runner::run_report(args(&["--shard", "1/2"]), &display, true));
        let second = runtime.block_on(runner::run_report(args(&["--shard", "2/2"]), &display, true));
        drop(runtime);
        drop(display);
        let out = std::env::temp_dir().join(format!("ai-suite-merged-{}", std::process::id()));
        // The shards from their run folders, as a CI job downloads them.
        let merged = ai_suite_e2e::merge::merge(&[first.run_dir.clone(), second.run_dir.clone()], &out)
            .map(|m| (m, whole.run_dir.clone()))
            .map_err(|e| format!("{e:#}"));
        Runs { whole, shards: [first, second], merged }
    })
}
