//! `cargo run --release -- bench --repair`: how well locator repair does on
//! the local AI Suite's changed releases ([`RELEASES`]): per release, the
//! broken key, whether a suggestion came, whether it found the intended
//! element (the failed scenario passes with it, through `heal`), and what
//! it added to the failing step. Twice: on a target's first run (no
//! fingerprint: the default locators' intent), then after a green run.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};

use crate::heal::{printed_run_dir, run_suite};
use crate::local_suite::RELEASES;
use crate::repair::Suggestion;

const GUIDE: &str = "following the user guide step by step";

/// One release's outcome.
struct Outcome {
    release: &'static str,
    key: &'static str,
    suggestion: Option<Suggestion>,
    healed: bool,
}

fn run(exe: &Path, artifacts: &Path, args: &[&str]) -> anyhow::Result<(i32, String)> {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    run_suite(exe, &args, &[("AI_SUITE_ARTIFACTS", Some(artifacts)), ("AI_SUITE_CONFIG", None)])
}

/// The release against the default locators, then `heal` with what it suggested.
fn try_release(exe: &Path, artifacts: &Path, release: &'static str, key: &'static str) -> anyhow::Result<Outcome> {
    let (code, out) = run(exe, artifacts, &["--name", GUIDE, "--variant", release])?;
    if code == 0 {
        bail!("{release} passed with the default locators: it breaks nothing");
    }
    let dir = printed_run_dir(&out).with_context(|| format!("the run printed no folder:\n{out}"))?;
    let suggestions: Vec<Suggestion> = std::fs::read_to_string(dir.join("suggestions.json")).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
    let suggestion = suggestions.into_iter().find(|s| s.key == key);
    let healed = suggestion.is_some() && run(exe, artifacts, &["heal", dir.to_str().unwrap_or_default()])?.0 == 0;
    Ok(Outcome { release, key, suggestion, healed })
}

fn print(title: &str, outcomes: &[Outcome]) {
    println!("\n{title}");
    println!("  {:<22} {:<22} {:<44} {:>6} {:>8}  passes with it", "release", "broken key", "suggested", "score", "took");
    for o in outcomes {
        let (locator, score, took) = match &o.suggestion {
            Some(s) => (s.locator.clone(), format!("{:.2}", s.score), format!("{} ms", s.took_ms)),
            None => ("(none)".to_string(), "-".into(), "-".into()),
        };
        println!("  {:<22} {:<22} {:<44} {:>6} {:>8}  {}", o.release, o.key, locator, score, took, if o.healed { "yes" } else { "no" });
    }
    let broken = outcomes.len();
    let suggested = outcomes.iter().filter(|o| o.suggestion.is_some()).count();
    let repaired = outcomes.iter().filter(|o| o.healed).count();
    let mut took: Vec<Duration> = outcomes.iter().filter_map(|o| o.suggestion.as_ref()).map(|s| Duration::from_millis(s.took_ms)).collect();
    took.sort();
    println!(
        "  broken keys {broken}, with a suggestion {suggested}, repaired (the run passes with it) {repaired}: {:.0}%  (Similo 88% of 598 broken locators, VON Similo 94.7% of 1,163 element pairs)",
        100.0 * repaired as f64 / broken.max(1) as f64
    );
    if let (Some(min), Some(max)) = (took.first(), took.last()) {
        println!("  time a suggestion adds to the failing step: median {} ms (min {}, max {})", took[took.len() / 2].as_millis(), min.as_millis(), max.as_millis());
    }
}

/// Runs every changed release twice over (see the module's comment) and prints the tables.
pub fn run_all() -> anyhow::Result<()> {
    let exe = std::env::current_exe()?;
    let root = std::env::temp_dir().join(format!("ai-suite-bench-repair-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    // No fingerprint: each release on a target of its own.
    let mut first = Vec::new();
    for (release, key) in RELEASES {
        first.push(try_release(&exe, &root.join(release), release, key)?);
    }
    print("on a target's first run (scored against the default locators' role and name):", &first);
    // After a green run of today's build.
    let shared = root.join("after-green");
    let (code, out) = run(&exe, &shared, &["--name", GUIDE])?;
    if code != 0 {
        bail!("the green run of today's build failed:\n{out}");
    }
    let mut after = Vec::new();
    for (release, key) in RELEASES {
        after.push(try_release(&exe, &shared, release, key)?);
    }
    print("after a green run (scored against its fingerprints):", &after);
    let _ = std::fs::remove_dir_all(&root);
    Ok(())
}
