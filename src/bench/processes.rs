//! `bench --processes`: speed as users feel it, whole processes timed from
//! outside and interleaved (A B A B ...), the ratio taken pair by pair:
//!
//! - the whole suite by the debug binary (`cargo run`'s) ÷ the release one;
//! - one scenario as a process of its own ÷ the Playwright script of the
//!   same flow as a process of its own (`--playwright`);
//! - the whole suite in Firefox ÷ in Chromium (when Firefox is here);
//! - with `--cold-build`, a cold debug build of the suite, timed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{PLAYWRIGHT_FLOW, median};

/// One whole process: its wall time, or why it failed.
async fn timed(program: &Path, args: &[&str], env: &[(&str, &str)]) -> anyhow::Result<Duration> {
    let start = Instant::now();
    let out = tokio::process::Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .map_err(|e| anyhow::anyhow!("could not start {} ({e})", program.display()))?;
    let took = start.elapsed();
    anyhow::ensure!(
        out.status.success(),
        "{} {} failed ({}): {}",
        program.display(),
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stdout).lines().rev().take(3).collect::<Vec<_>>().join(" / ")
    );
    Ok(took)
}

/// A pair's figures over the runs: A's and B's medians, and the median of
/// the pairwise ratios.
struct Paired {
    a: Vec<Duration>,
    b: Vec<Duration>,
    ratios: Vec<f64>,
}

impl Paired {
    fn new() -> Self {
        Self { a: Vec::new(), b: Vec::new(), ratios: Vec::new() }
    }

    fn push(&mut self, a: Duration, b: Duration) {
        self.ratios.push(a.as_secs_f64() / b.as_secs_f64());
        self.a.push(a);
        self.b.push(b);
    }

    fn line(&self, a: &str, b: &str) -> String {
        let mut ratios = self.ratios.clone();
        ratios.sort_by(f64::total_cmp);
        let (lo, mid, hi) = (ratios[0], ratios[ratios.len() / 2], ratios[ratios.len() - 1]);
        format!(
            "{a} {:.2} s ÷ {b} {:.2} s = {mid:.2}× (pairs {lo:.2}-{hi:.2}, {} runs each)",
            median(self.a.clone()).as_secs_f64(),
            median(self.b.clone()).as_secs_f64(),
            ratios.len()
        )
    }
}

/// The debug binary beside this release one (`target/debug/` next to
/// `target/release/`), when it has been built.
fn debug_binary() -> Option<PathBuf> {
    let me = std::env::current_exe().ok()?;
    let target = me.parent()?.parent()?;
    let debug = target.join("debug").join(me.file_name()?);
    (debug.is_file() && debug != me).then_some(debug)
}

/// Runs `a` and `b` in turn `runs` times; their pairs.
async fn interleave(runs: usize, a: impl AsyncFn() -> anyhow::Result<Duration>, b: impl AsyncFn() -> anyhow::Result<Duration>) -> anyhow::Result<Paired> {
    let mut p = Paired::new();
    for _ in 0..runs {
        let ta = a().await?;
        let tb = b().await?;
        p.push(ta, tb);
    }
    Ok(p)
}

pub async fn run(runs: usize, playwright: bool, cold_build: bool) -> anyhow::Result<()> {
    let me = std::env::current_exe()?;
    let runs = runs.clamp(1, 5);
    println!("whole processes, interleaved, timed from outside ({runs} pairs each):");
    if cold_build {
        let dir = std::env::temp_dir().join(format!("ai-suite-cold-build-{}", std::process::id()));
        let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
        let target = dir.to_string_lossy().to_string();
        let build = timed(Path::new("cargo"), &["build", "--manifest-path", manifest], &[("CARGO_TARGET_DIR", &target), ("CARGO_INCREMENTAL", "0")]).await;
        let tests = timed(Path::new("cargo"), &["test", "--no-run", "--manifest-path", manifest], &[("CARGO_TARGET_DIR", &target), ("CARGO_INCREMENTAL", "0")]).await;
        let _ = std::fs::remove_dir_all(&dir);
        println!(
            "  cold debug build (a fresh target folder): cargo build {:.0} s, then cargo test's build {:.0} s",
            build?.as_secs_f64(),
            tests?.as_secs_f64()
        );
    }
    match debug_binary() {
        Some(debug) => {
            let p = interleave(runs, async || timed(&debug, &[], &[]).await, async || timed(&me, &[], &[]).await).await?;
            println!("  whole suite, `cargo run`'s debug binary ÷ the release binary: {}", p.line("debug", "release"));
        }
        None => println!("  whole suite, debug ÷ release: not measured (no target/debug binary: run `cargo build` first)"),
    }
    if playwright {
        let target = super::playwright_target().await?;
        let url = target.url.clone();
        let node = PathBuf::from("node");
        let p = interleave(
            runs,
            async || timed(&me, &["--name", "following the user guide", "-c", "1"], &[]).await,
            async || timed(&node, &[PLAYWRIGHT_FLOW, &url], &[]).await,
        )
        .await;
        target.stop().await;
        println!("  main scenario as a process of its own ÷ {PLAYWRIGHT_FLOW} as a process: {}", p?.line("ours", "Playwright"));
    }
    let firefox = crate::config::Config::load(&crate::config::process_env).and_then(|c| {
        crate::browser::firefox::find_firefox(&c)?;
        crate::browser::firefox::find_geckodriver(&c)
    });
    match firefox {
        Ok(_) => {
            let p = interleave(runs, async || timed(&me, &["--browser", "firefox"], &[]).await, async || timed(&me, &[], &[]).await).await?;
            println!("  whole suite, Firefox ÷ Chromium: {}", p.line("Firefox", "Chromium"));
        }
        Err(e) => println!("  whole suite, Firefox ÷ Chromium: not measured ({e:#})"),
    }
    Ok(())
}
