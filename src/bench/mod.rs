//! `cargo run --release -- bench [--runs N]`: speed figures, printed (never a
//! timed test). Runs the main scenario N times (a run of its own each time:
//! its browser started, a screenshot per step), then the whole suite at 1
//! and 2 slots, interleaved; between the two, Chromium's own floor under
//! the main scenario (see [`floor`]). `bench --repair` measures locator repair instead
//! (see [`repair`]); `bench --processes` whole processes as users run them
//! (see [`processes`]).

pub mod floor;
pub mod processes;
pub mod repair;

use std::collections::BTreeMap;
use std::time::Duration;

use crate::browser::display::Display;
use crate::runner::{self, EXIT_PASSED};

fn median(mut v: Vec<Duration>) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:>7.1} ms", d.as_secs_f64() * 1000.0)
}

/// The Playwright script of the same flow, for comparison on this machine.
const PLAYWRIGHT_FLOW: &str = "bench/playwright-flow.js";

/// Checks that node and playwright-core are there, and starts a local AI
/// Suite of its own for the Playwright runs.
async fn playwright_target() -> anyhow::Result<crate::local_suite::LocalSuite> {
    let resolves = std::process::Command::new("node")
        .args(["-e", "require.resolve('playwright-core', { paths: ['bench'] })"])
        .output()
        .map_err(|e| anyhow::anyhow!("--playwright needs Node.js ({e}); install it: sudo apt-get install -y nodejs npm"))?;
    anyhow::ensure!(
        resolves.status.success(),
        "--playwright needs playwright-core under bench/: npm install --prefix bench playwright-core"
    );
    crate::local_suite::LocalSuite::start(crate::local_suite::Options::default()).await
}

/// One run of the Playwright flow: its total wall time (launch, flow, close).
async fn playwright_run(url: &str) -> anyhow::Result<Duration> {
    let out = tokio::process::Command::new("node").args([PLAYWRIGHT_FLOW, url]).output().await?;
    let text = String::from_utf8_lossy(&out.stdout);
    anyhow::ensure!(out.status.success(), "{PLAYWRIGHT_FLOW} failed: {}{}", text, String::from_utf8_lossy(&out.stderr));
    let ms: u64 = text
        .split_whitespace()
        .skip_while(|w| *w != "total")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| anyhow::anyhow!("{PLAYWRIGHT_FLOW} printed no total: {text}"))?;
    Ok(Duration::from_millis(ms))
}

/// The main scenario's times over the runs: ours, and the Playwright flow's
/// and Firefox's when they run beside it.
#[derive(Default)]
struct MainTimes {
    scenario: Vec<Duration>,
    session: Vec<Duration>,
    teardown: Vec<Duration>,
    /// Per step: its text, the action's times and the capture's.
    steps: BTreeMap<usize, (String, Vec<Duration>, Vec<Duration>)>,
    playwright: Vec<Duration>,
    firefox: Vec<Duration>,
    firefox_setup: Vec<Duration>,
}

/// The suite's arguments for the main scenario at `c` slots.
fn main_args(c: &str) -> Vec<String> {
    ["bench", "--name", "following the user guide", "-c", c].iter().map(|s| s.to_string()).collect()
}

pub async fn run(runs: usize, main_only: bool, playwright: bool, display: &Display) -> anyhow::Result<()> {
    let playwright_target = if playwright { Some(playwright_target().await?) } else { None };
    // The same scenario in Firefox, when it and geckodriver are here.
    let firefox = crate::config::Config::load(&crate::config::process_env).and_then(|c| {
        crate::browser::firefox::find_firefox(&c)?;
        crate::browser::firefox::find_geckodriver(&c)
    });
    let times = main_scenario(runs, playwright_target.as_ref().map(|t| t.url.as_str()), firefox.is_ok(), display).await?;
    print_main_scenario(runs, times, playwright_target, &firefox).await?;
    floor::print().await;
    if main_only {
        return Ok(());
    }
    whole_suite(runs, display).await
}

/// The main scenario `runs` times, each time followed by the Playwright flow
/// against `playwright_url` and the scenario in Firefox, when asked.
async fn main_scenario(runs: usize, playwright_url: Option<&str>, firefox: bool, display: &Display) -> anyhow::Result<MainTimes> {
    let mut t = MainTimes::default();
    for i in 0..runs {
        let report = runner::run_report(main_args("1"), display, true).await;
        anyhow::ensure!(report.code == EXIT_PASSED, "run {} of the main scenario failed; see {}", i + 1, report.run_dir.display());
        // Interleaved: all see the machine in the same minutes.
        if let Some(url) = playwright_url {
            t.playwright.push(playwright_run(url).await?);
        }
        if firefox {
            let mut args = main_args("1");
            args.extend(["--browser".to_string(), "firefox".to_string()]);
            let ff = runner::run_report(args, display, true).await;
            anyhow::ensure!(ff.code == EXIT_PASSED, "run {} of the main scenario in Firefox failed; see {}", i + 1, ff.run_dir.display());
            for r in &ff.results {
                t.firefox.push(r.duration);
                t.firefox_setup.push(r.session_start);
            }
        }
        for r in &report.results {
            t.scenario.push(r.duration);
            t.session.push(r.session_start);
            t.teardown.push(r.teardown);
            for s in &r.steps {
                let e = t.steps.entry(s.index).or_insert_with(|| (s.text.clone(), vec![], vec![]));
                e.1.push(s.action);
                e.2.push(s.capture);
            }
        }
    }
    Ok(t)
}

/// The main scenario's figures; stops the Playwright flow's target once its
/// times are in.
async fn print_main_scenario<T>(
    runs: usize,
    times: MainTimes,
    playwright_target: Option<crate::local_suite::LocalSuite>,
    firefox: &anyhow::Result<T>,
) -> anyhow::Result<()> {
    let MainTimes { scenario, session, teardown, steps, playwright: playwright_times, firefox: firefox_times, firefox_setup } = times;
    let motion = match crate::config::Config::load(&crate::config::process_env) {
        Ok(c) if c.reduced_motion => "reduced motion asked for".to_string(),
        Ok(c) if c.animation_speed != 1.0 => format!("the app's transitions at {}× speed", c.animation_speed),
        _ => "the app's transitions in real time".to_string(),
    };
    println!("main scenario (sign-in + Steps 1-8, fresh browser session, screenshot per step, {motion}), {runs} runs:");
    let ours = median(scenario);
    println!("  median wall time per scenario: {}", ms(ours));
    if let Some(target) = playwright_target {
        target.stop().await;
        let theirs = median(playwright_times);
        println!(
            "  Playwright, same flow ({PLAYWRIGHT_FLOW}), one run after each of ours: median {} — this suite takes {:.2}× its time",
            ms(theirs),
            ours.as_secs_f64() / theirs.as_secs_f64()
        );
    }
    match firefox {
        Ok(_) => {
            let theirs = median(firefox_times);
            println!(
                "  Firefox ESR (geckodriver, WebDriver BiDi), the same scenario, one run after each of ours: median {} (setup {}) — {:.2}× Chromium's time",
                ms(theirs),
                ms(median(firefox_setup)),
                theirs.as_secs_f64() / ours.as_secs_f64()
            );
        }
        Err(e) => println!("  Firefox: not measured ({e:#})"),
    }
    println!(
        "  median setup (a browser started, its context and page): {}   median after-hook (clean-up, context disposed): {}",
        ms(median(session)),
        ms(median(teardown))
    );
    println!("  median per step (action / screenshot+redaction):");
    for (i, (text, action, capture)) in steps.clone() {
        let text: String = text.chars().take(70).collect();
        println!("    {i:>2} {} / {}  {text}", ms(median(action)), ms(median(capture)));
    }
    let compare = compare_times()?;
    let capture_all: Vec<Duration> = steps.values().flat_map(|(_, _, c)| c.iter().copied()).collect();
    let (cap, cmp) = (median(capture_all), median(compare));
    println!(
        "  per step: capture + redaction + encode {} + compare with a baseline {} = {}",
        ms(cap),
        ms(cmp),
        ms(cap + cmp)
    );
    Ok(())
}

/// Visual comparison of a 1280×800 picture with its baseline (decode both +
/// compare), timed for every picture of the guide.
fn compare_times() -> anyhow::Result<Vec<Duration>> {
    let mut compare = Vec::new();
    for e in std::fs::read_dir(crate::evidence::docs::SCREENSHOTS_DIR)?.flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "png") {
            let t = std::time::Instant::now();
            let a = image::open(&p)?.to_rgba8();
            let b = image::open(&p)?.to_rgba8();
            anyhow::ensure!(crate::evidence::visual::compare(&a, &b).matches(), "a picture differs from itself");
            compare.push(t.elapsed());
        }
    }
    Ok(compare)
}

/// The whole suite at 1 and 2 slots, interleaved `runs` times (at least
/// once, at most 3): the same minutes for both; the figures printed.
async fn whole_suite(runs: usize, display: &Display) -> anyhow::Result<()> {
    let mut walls: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    let mut memory: BTreeMap<&str, u64> = BTreeMap::new();
    let mut setups: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    let mut browser_starts = Vec::new();
    let mut last = None;
    for _ in 0..runs.clamp(1, 3) {
        for c in ["1", "2"] {
            let args: Vec<String> = ["bench", "-c", c].iter().map(|s| s.to_string()).collect();
            let report = runner::run_report(args, display, true).await;
            anyhow::ensure!(report.code == EXIT_PASSED, "the whole suite failed at -c {c}; see {}", report.run_dir.display());
            walls.entry(c).or_default().push(report.wall);
            let peak = memory.entry(c).or_default();
            *peak = (*peak).max(report.memory.unwrap_or(0));
            for r in &report.results {
                if r.started_browser { browser_starts.push(r.session_start) } else { setups.entry(c).or_default().push(r.session_start) }
            }
            last = Some(report);
        }
    }
    let (one, two) = (median(walls["1"].clone()), median(walls["2"].clone()));
    let scenarios = last.as_ref().map(|r| r.results.len()).unwrap_or(0);
    println!("whole suite, {scenarios} scenarios, {} run(s) each, interleaved:", walls["2"].len());
    for c in ["1", "2"] {
        println!(
            "  {c} slot(s): median {:.2} s, peak memory {:.0} MiB (this process, ChromeDriver and every browser)",
            median(walls[c].clone()).as_secs_f64(),
            crate::memory::mib(memory[c])
        );
    }
    println!("  2 slots are {:.2}× faster than 1", one.as_secs_f64() / two.as_secs_f64());
    for c in ["1", "2"] {
        let setups = setups.get(c).cloned().unwrap_or_default();
        let count = setups.len();
        println!("  per-scenario setup (new context + page) at {c} slot(s): median {} over {count} scenarios", ms(median(setups)));
    }
    let starts = browser_starts.len();
    println!("  setup with a browser start: median {} ({starts} times)", ms(median(browser_starts)));
    if let Some(report) = last {
        println!("  the last run at 2 slots, {}", report.phases.line());
        println!("  the last run at 2 slots, per scenario:");
        for r in &report.results {
            let steps: Duration = r.steps.iter().map(|s| s.action + s.capture).sum();
            println!("    {} setup / {} steps / {} after-hook  {}", ms(r.session_start), ms(steps), ms(r.teardown), r.key.scenario);
        }
    }
    Ok(())
}

/// `cargo run -- repeat N [cucumber args]`: runs the suite N times and prints,
/// per scenario, how often it passed, failed, or passed only on a retry.
pub async fn repeat(times: usize, args: Vec<String>, display: &Display) -> anyhow::Result<bool> {
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for i in 0..times {
        let mut run_args = vec!["repeat".to_string()];
        run_args.extend(args.iter().cloned());
        let report = runner::run_report(run_args, display, true).await;
        anyhow::ensure!(!report.results.is_empty(), "run {} ran no scenario (exit code {})", i + 1, report.code);
        for r in &report.results {
            let e = counts.entry(format!("{} › {}", r.key.feature, r.key.scenario)).or_default();
            if r.outcome == runner::Outcome::Passed {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        }
        println!("run {}/{times}: exit {} ({})", i + 1, report.code, report.run_dir.display());
    }
    println!("\n| passed | failed | scenario |\n|---|---|---|");
    for (name, (p, f)) in &counts {
        println!("| {p} | {f} | {name} |");
    }
    let unstable = counts.values().filter(|(p, f)| *p > 0 && *f > 0).count();
    let broken = counts.values().filter(|(p, f)| *p == 0 && *f > 0).count();
    println!("\n{} scenarios: {unstable} flaky (passed and failed across runs), {broken} always failing", counts.len());
    Ok(unstable == 0 && broken == 0)
}
