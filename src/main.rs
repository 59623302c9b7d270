//! `cargo run` runs the whole suite against the local AI Suite (or AI_SUITE_URL);
//! `cargo run -- serve` starts the local AI Suite alone; `--help` lists everything.

use ai_suite_e2e::local_suite::{self, Faults, LocalSuite, QA_EMAIL, QA_PASSWORD};
use ai_suite_e2e::browser::display::Display;
use ai_suite_e2e::runner;
use clap::Parser;

/// Start the local AI Suite by itself, to click through the guide by hand.
#[derive(clap::Args, Debug)]
struct ServeArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Freeze the app's clock on this date (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD")]
    today: Option<chrono::NaiveDate>,
    /// Add random latency, up to N ms, to every API call.
    #[arg(long, value_name = "N", default_value_t = 0)]
    latency_ms: u64,
    /// Break one promise of the guide (repeatable); the list: docs/local-ai-suite.md#faults.
    #[arg(long = "fault", value_name = "NAME")]
    faults: Vec<String>,
    /// Serve another build: other markup, behaviour or a changed release (repeatable); the list: docs/local-ai-suite.md#variants.
    #[arg(long = "variant", value_name = "NAME")]
    variants: Vec<String>,
    /// Sign-in sessions end N seconds after their sign-in (default: when signed out).
    #[arg(long, value_name = "N")]
    session_lifetime_s: Option<u64>,
}

/// Print speed figures: the main scenario N times, then the whole suite at 1 and 2 sessions.
#[derive(clap::Args, Debug)]
struct BenchArgs {
    #[arg(long, default_value_t = 10)]
    runs: usize,
    /// Only the main scenario (skip the whole-suite runs).
    #[arg(long)]
    main_only: bool,
    /// Also run bench/playwright-flow.js (the same flow in Playwright), one
    /// run after each of ours, and print both medians and their ratio. Needs
    /// node and `npm install --prefix bench playwright-core`.
    #[arg(long)]
    playwright: bool,
    /// Measure locator repair instead: every changed release of the local AI
    /// Suite, its suggestion, and whether the run passes with it.
    #[arg(long)]
    repair: bool,
    /// Measure whole processes instead, interleaved: the whole suite by the
    /// debug binary ÷ this (release) one, one scenario ÷ the Playwright
    /// script as processes (with --playwright), Firefox ÷ Chromium.
    #[arg(long)]
    processes: bool,
    /// With --processes: also time a cold debug build (a fresh target folder; minutes).
    #[arg(long, requires = "processes")]
    cold_build: bool,
}

/// Regenerate the guide: run the @docs scenario in docs mode, rewrite the
/// pictures in screenshots/ and the page docs/user-tokens.md.
#[derive(clap::Args, Debug)]
struct DocsArgs {
    /// How the page links its pictures (GitBook: ../.gitbook/assets/).
    #[arg(long, default_value = ai_suite_e2e::evidence::docs::DEFAULT_ASSETS)]
    assets: String,
    /// Where to write the page.
    #[arg(long, default_value = ai_suite_e2e::evidence::docs::DOCS_PAGE)]
    out: std::path::PathBuf,
    /// Compare with the committed pictures instead of rewriting them.
    #[arg(long)]
    check: bool,
    /// The browser: the guide's pictures are Chromium's; another browser's
    /// baselines are kept in screenshots/<browser>/ and the page is not written.
    #[arg(long, value_name = "NAME")]
    browser: Option<ai_suite_e2e::config::BrowserName>,
}

#[derive(clap::Args, Debug)]
struct DriftArgs {
    /// The published page (access-control/user-tokens.md) or the docs repository's checkout.
    path: std::path::PathBuf,
    /// Write the published wording back into the feature's doc strings where only wording changed.
    #[arg(long)]
    fix: bool,
    /// The feature whose doc strings make the page.
    #[arg(long, default_value = ai_suite_e2e::evidence::docs::DOCS_FEATURE)]
    feature: std::path::PathBuf,
    /// The suite's pictures, the published ones are compared with.
    #[arg(long, default_value = ai_suite_e2e::evidence::docs::SCREENSHOTS_DIR)]
    pictures: std::path::PathBuf,
}

fn drift(args: DriftArgs) -> i32 {
    // The locators a staging build's config overrides are the ones asked.
    let config = match ai_suite_e2e::config::Config::load(&ai_suite_e2e::config::process_env) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e:#}");
            return runner::EXIT_COULD_NOT_RUN;
        }
    };
    ai_suite_e2e::drift::run(&args.path, &args.feature, &args.pictures, &config.locators, args.fix)
}

async fn docs(args: DocsArgs, display: &Display) -> i32 {
    let mut run_args: Vec<String> = ["docs", "--docs", "--tags", "@docs"].iter().map(|s| s.to_string()).collect();
    if !args.check {
        run_args.push("--update-screenshots".into());
    }
    let other = args.browser.filter(|b| *b != ai_suite_e2e::config::BrowserName::Chromium);
    if let Some(b) = other {
        run_args.extend(["--browser".to_string(), b.to_string()]);
    }
    let code = runner::run(run_args, display).await;
    if code != runner::EXIT_PASSED {
        eprintln!("the docs scenario failed: the guide was not regenerated");
        return code;
    }
    if let Some(b) = other {
        let dir = std::path::Path::new(ai_suite_e2e::evidence::docs::SCREENSHOTS_DIR).join(b.as_str());
        let did = if args.check { "compared with" } else { "wrote" };
        println!("{did} {b}'s baselines in {}; the guide's pictures and page stay Chromium's", dir.display());
        return 0;
    }
    match ai_suite_e2e::evidence::docs::write(&args.out, &args.assets) {
        Ok(()) => {
            println!("wrote {} and the pictures in {}", args.out.display(), ai_suite_e2e::evidence::docs::SCREENSHOTS_DIR);
            0
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            runner::EXIT_COULD_NOT_RUN
        }
    }
}

/// Without a command, `cargo run` runs the suite (its options: `cargo run -- --help`).
#[derive(Parser, Debug)]
#[command(name = "ai-suite-e2e", disable_help_subcommand = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Start the local AI Suite alone (to click through the guide by hand).
    Serve(ServeArgs),
    /// Regenerate the guide's pictures and docs/user-tokens.md.
    Docs(DocsArgs),
    /// Run the suite N times; per-scenario pass/fail counts.
    Repeat {
        /// How many runs.
        #[arg(value_parser = clap::value_parser!(u16).range(1..))]
        times: u16,
        /// The suite's options for every run (--tags, --name, ...).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Speed figures (cargo run --release -- bench --runs 9 --playwright).
    Bench(BenchArgs),
    /// Prove the suite catches every fault switch of the local AI Suite; prints a table.
    Selfcheck {
        /// Only these faults (all when none is named).
        faults: Vec<String>,
    },
    /// Compare the published guide (the GitBook page, or the docs repository
    /// holding it) with the page the features make: exit 0 same, 1 drift, 3 unreadable.
    Drift(DriftArgs),
    /// Rerun a failed run's failed scenarios with the locators it suggested; say which they fix.
    Heal {
        /// The failed run's folder (target/e2e/run-…), holding suggested-locators.toml.
        run_dir: std::path::PathBuf,
    },
    /// Merge the reports of a run split into shards (--shard i/n) into one.
    MergeReports {
        /// The shards' run folders (target/e2e/run-…), or folders holding them.
        #[arg(required = true)]
        dirs: Vec<std::path::PathBuf>,
        /// Where the merged report.html, junit.xml and cucumber.json go.
        #[arg(long, default_value = "target/e2e/merged")]
        out: std::path::PathBuf,
    },
}

/// The commands, one line each, as clap knows them.
fn commands() -> String {
    use clap::CommandFactory as _;
    let mut out = String::from("Other commands:\n");
    for c in Cli::command().get_subcommands() {
        out.push_str(&format!("  {:<10} {}\n", c.get_name(), c.get_about().map(|a| a.to_string()).unwrap_or_default()));
    }
    out.push_str(
        "\nEnvironment: AI_SUITE_URL, AI_SUITE_USERNAME, AI_SUITE_PASSWORD, AI_SUITE_CONFIG,\n\
         AI_SUITE_SESSION_COOKIES, AI_SUITE_SESSION_STORAGE, AI_SUITE_HEADED, WEBDRIVER_URL (all of them: docs/configuration.md).",
    );
    out
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let faults = Faults::parse(&args.faults)?;
    let suite = LocalSuite::start(local_suite::Options { port: args.port, today: args.today, latency_ms: args.latency_ms, faults, variants: args.variants.clone(), session_lifetime: args.session_lifetime_s.map(std::time::Duration::from_secs), ..Default::default() })
        .await?;
    println!("Local AI Suite running at {}", suite.url);
    let sso_storage = args.variants.iter().any(|v| v == "sso-storage");
    if sso_storage || args.variants.iter().any(|v| v == "sso-cookie") {
        // What an SSO sign-in would have left in the browser, minted here.
        let session = suite.store.login(QA_EMAIL, QA_PASSWORD).ok_or_else(|| anyhow::anyhow!("the seeded user cannot sign in"))?;
        println!("SSO-only build: no password form. A session for {QA_EMAIL} to inject:");
        if sso_storage {
            println!("  AI_SUITE_SESSION_STORAGE='{{\"{}\":\"{session}\"}}'", local_suite::SSO_STORAGE_KEY);
        } else {
            println!("  AI_SUITE_SESSION_COOKIES='aisuite_session={session}'");
        }
        println!("(Ctrl-C to stop)");
    } else {
        println!("Sign in as {QA_EMAIL} / {QA_PASSWORD}   (Ctrl-C to stop)");
    }
    tokio::signal::ctrl_c().await?;
    suite.stop().await;
    Ok(())
}

/// The command on the command line, or none for the suite itself; an
/// unknown one ends the program with the usage code.
fn command(args: &[String]) -> Option<Command> {
    // No command, or an option first: the suite itself (cucumber's options and ours).
    let suite = args.get(1).is_none_or(|a| a.starts_with('-'));
    if suite {
        return None;
    }
    match Cli::try_parse_from(args) {
        Ok(cli) => Some(cli.command),
        Err(e) if e.kind() == clap::error::ErrorKind::InvalidSubcommand => {
            // `cargo run -- doc` must not silently run the whole suite instead.
            eprintln!("error: unknown command '{}'\n\n{}\n\nWithout a command, `cargo run` runs the suite (cargo run -- --help).", args[1], commands());
            std::process::exit(runner::EXIT_USAGE);
        }
        Err(e) => e.exit(),
    }
}

/// The command's own code, or its error printed and `code`.
fn or_error(result: anyhow::Result<i32>, code: i32) -> i32 {
    match result {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e:#}");
            code
        }
    }
}

/// `selfcheck [FAULT...]`: a probe per fault (all when none is named), the table printed.
fn selfcheck(names: Vec<String>) -> i32 {
    match local_suite::Faults::parse(&names) {
        Err(e) => {
            eprintln!("error: {e:#}");
            runner::EXIT_USAGE
        }
        Ok(_) => {
            let only: Vec<local_suite::Fault> =
                local_suite::Fault::ALL.iter().copied().filter(|f| names.is_empty() || names.iter().any(|n| n == f.name())).collect();
            let rows = match std::env::current_exe() {
                Ok(exe) => ai_suite_e2e::selfcheck::run(&exe, &ai_suite_e2e::selfcheck::jobs(&only, &[])),
                Err(e) => {
                    eprintln!("error: cannot find this program to start the probes: {e}");
                    std::process::exit(runner::EXIT_COULD_NOT_RUN);
                }
            };
            println!("\n{}", ai_suite_e2e::selfcheck::table(&rows));
            if rows.iter().all(|r| r.caught && r.tokens_left_active == Some(0) && r.foreign_changed.as_ref().is_some_and(Vec::is_empty) && r.leaks.is_empty()) { 0 } else { runner::EXIT_FAILED }
        }
    }
}

/// `merge-reports DIR...`: the merged reports written, the failures and the counts printed.
fn merge_reports(dirs: &[std::path::PathBuf], out: &std::path::Path) -> anyhow::Result<i32> {
    let m = ai_suite_e2e::merge::merge(dirs, out)?;
    let count = |o: runner::Outcome| m.results.iter().filter(|r| r.outcome == o).count();
    println!("merged {} runs into {}/report.html, junit.xml, cucumber.json", m.runs, m.out.display());
    for r in m.results.iter().filter(|r| r.outcome == runner::Outcome::Failed) {
        println!("FAILED: {} › {}", r.key.feature, r.key.scenario);
    }
    println!(
        "{} passed, {} failed, {} skipped",
        count(runner::Outcome::Passed),
        count(runner::Outcome::Failed),
        count(runner::Outcome::Skipped)
    );
    Ok(m.code)
}

fn main() {
    // A self-check probe's own process (started by the self-check below).
    if let Some(code) = ai_suite_e2e::selfcheck::worker_main() {
        std::process::exit(code);
    }
    let args: Vec<String> = std::env::args().collect();
    let command = command(&args);
    // Before the runtime's threads exist: may start Xvfb and set DISPLAY.
    let prepared =
        if matches!(command, Some(Command::Serve(_) | Command::MergeReports { .. } | Command::Selfcheck { .. } | Command::Drift(_) | Command::Heal { .. })) { None } else { Some(Display::prepare()) };
    let display = prepared.as_ref();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let code = match command {
        Some(Command::Bench(b)) if b.repair => or_error(ai_suite_e2e::bench::repair::run_all().map(|()| 0), runner::EXIT_FAILED),
        Some(Command::Bench(b)) if b.processes => or_error(
            runtime.block_on(ai_suite_e2e::bench::processes::run(b.runs, b.playwright, b.cold_build)).map(|()| 0),
            runner::EXIT_FAILED,
        ),
        Some(Command::Bench(b)) => or_error(
            runtime.block_on(ai_suite_e2e::bench::run(b.runs, b.main_only, b.playwright, display.expect("prepared"))).map(|()| 0),
            runner::EXIT_FAILED,
        ),
        Some(Command::Repeat { times, args }) => or_error(
            runtime
                .block_on(ai_suite_e2e::bench::repeat(times.into(), args, display.expect("prepared")))
                .map(|all_passed| if all_passed { 0 } else { runner::EXIT_FAILED }),
            runner::EXIT_COULD_NOT_RUN,
        ),
        Some(Command::Docs(d)) => runtime.block_on(docs(d, display.expect("prepared"))),
        Some(Command::Selfcheck { faults: names }) => selfcheck(names),
        Some(Command::Drift(d)) => drift(d),
        Some(Command::MergeReports { dirs, out }) => or_error(merge_reports(&dirs, &out), runner::EXIT_COULD_NOT_RUN),
        Some(Command::Heal { run_dir }) => {
            or_error(std::env::current_exe().map_err(Into::into).and_then(|exe| ai_suite_e2e::heal::heal(&run_dir, &exe)), runner::EXIT_COULD_NOT_RUN)
        }
        Some(Command::Serve(a)) => or_error(runtime.block_on(serve(a)).map(|()| 0), runner::EXIT_COULD_NOT_RUN),
        None if matches!(args.get(1).map(String::as_str), Some("-h" | "--help")) => {
            let code = runtime.block_on(runner::run(args, display.expect("prepared")));
            println!("\n{}", commands());
            code
        }
        None => runtime.block_on(runner::run(args, display.expect("prepared"))),
    };
    drop(runtime);
    // Stops our Xvfb (exit runs no destructors).
    drop(prepared);
    std::process::exit(code);
}
