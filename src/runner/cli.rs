//! The run's command line: the suite's own flags beside cucumber's, and the
//! arguments `cargo test` adds that cucumber would reject.

use std::path::PathBuf;

use chrono::NaiveDate;
use cucumber::{cli, writer};

/// The suite's own command-line flags, next to cucumber's (`--tags`, `--name`, ...).
#[derive(clap::Args, Clone, Debug, Default)]
pub struct RunFlags {
    /// Show the browser window (needs a display) instead of running headless.
    #[arg(long)]
    pub headed: bool,
    /// Freeze the local AI Suite's clock on this date (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<NaiveDate>,
    /// Start the local AI Suite with these fault switches (self-check).
    #[arg(long = "fault", value_name = "NAME")]
    pub faults: Vec<String>,
    /// Docs mode: the local AI Suite with a frozen clock and fixed seed, the
    /// guide's exact example values, headless; pictures are compared with
    /// their baselines in screenshots/ (or rewritten with --update-screenshots).
    #[arg(long)]
    pub docs: bool,
    /// Rewrite the guide's pictures in screenshots/ instead of comparing (env AI_SUITE_UPDATE_SCREENSHOTS=1).
    #[arg(long)]
    pub update_screenshots: bool,
    /// Start the local AI Suite as another build: other markup, behaviour or a changed release (repeatable); the list: docs/local-ai-suite.md#variants.
    #[arg(long = "variant", value_name = "NAME")]
    pub variants: Vec<String>,
    /// The local AI Suite's sign-in sessions end N seconds after their sign-in.
    #[arg(long, value_name = "N")]
    pub session_lifetime_s: Option<u64>,
    /// Fail the run when a scenario passed only on a retry (use with --retry N).
    #[arg(long)]
    pub fail_on_flaky: bool,
    /// Run the scenarios in this browser: chromium (default) or firefox
    /// (env AI_SUITE_BROWSER, [browser] name).
    #[arg(long, value_name = "NAME")]
    pub browser: Option<crate::config::BrowserName>,
    /// Film each scenario and keep the video of a failed one: retain-on-failure, or off
    /// (env AI_SUITE_VIDEO, [run] video).
    #[arg(long, value_name = "MODE")]
    pub video: Option<crate::config::VideoMode>,
    /// Run only shard i of n of the selected scenarios: the same split on every
    /// machine (merge the shards' reports with `merge-reports`).
    #[arg(long, value_name = "i/n")]
    pub shard: Option<crate::shard::Shard>,
    /// Balance the shards by the scenario durations in this JUnit file of an
    /// earlier run (by count without it).
    #[arg(long, value_name = "JUNIT", requires = "shard")]
    pub shard_durations: Option<PathBuf>,
}

pub(super) type Opts = cli::Opts<
    cucumber::parser::basic::Cli,
    cucumber::runner::basic::Cli,
    cli::Compose<cli::Compose<writer::basic::Cli, writer::junit::Cli>, cli::Empty>,
    RunFlags,
>;

/// Drops arguments that `cargo test` passes to every test binary (libtest's)
/// and that cucumber's CLI would reject; reports what it ignored. Only test
/// binaries call it (tests/user_tokens.rs): `cargo run` refuses such flags.
pub fn strip_libtest_args(args: Vec<String>) -> Vec<String> {
    const FLAGS: &[&str] = &[
        "--nocapture", "--show-output", "--quiet", "-q", "--exact", "--ignored", "--include-ignored",
        "--test", "--bench", "--list", "--no-capture",
    ];
    const VALUED: &[&str] = &["--test-threads", "--logfile", "--skip", "--format", "-Z", "--report-time"];
    const CUCUMBER_VALUED: &[&str] = &[
        "-n", "--name", "--scenario-name", "-t", "--tags", "-i", "--input", "-c", "--concurrency", "--retry",
        "--retry-after", "--retry-tag-filter", "--color", "--today", "--fault", "--variant", "--junit-v", "--video", "--shard", "--browser",
        "--shard-durations",
    ];
    let mut out = Vec::new();
    let mut it = args.into_iter();
    if let Some(program) = it.next() {
        out.push(program);
    }
    while let Some(arg) = it.next() {
        let base = arg.split('=').next().unwrap_or("").to_string();
        if FLAGS.contains(&arg.as_str()) {
            continue;
        }
        if VALUED.contains(&base.as_str()) {
            if !arg.contains('=') {
                it.next();
            }
            continue;
        }
        if CUCUMBER_VALUED.contains(&base.as_str()) && !arg.contains('=') {
            out.push(arg);
            if let Some(v) = it.next() {
                out.push(v);
            }
            continue;
        }
        if !arg.starts_with('-') {
            eprintln!("note: ignoring the test filter '{arg}' from cargo; select scenarios with --name or --tags");
            continue;
        }
        out.push(arg);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn cargo_test_arguments_are_stripped() {
        let out = strip_libtest_args(args(&["bin", "--nocapture", "--test-threads", "1", "--tags", "@smoke", "filter", "-c", "2"]));
        assert_eq!(out, args(&["bin", "--tags", "@smoke", "-c", "2"]));
    }
}
