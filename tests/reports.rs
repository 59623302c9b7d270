//! Reports people and tools read (harness = false): a deliberately flaky run
//! and a deliberately failing run (fault switches, not in the default run) show
//! up correctly in the console summary, JUnit, Cucumber JSON and the HTML
//! report — which is checked in a real browser, opened from disk.

use std::path::Path;

use ai_suite_e2e::browser::{self, display::Display};
use ai_suite_e2e::config::Config;
use ai_suite_e2e::runner::{self, EXIT_FAILED, EXIT_PASSED};

mod checks;

fn args(extra: &[&str]) -> Vec<String> {
    ["reports", "--name", "following the user guide"].iter().chain(extra).map(|s| s.to_string()).collect()
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_default()
}

async fn html_in_browser(report: &Path) -> anyhow::Result<(String, String, bool)> {
    let config = Config::load(&ai_suite_e2e::config::process_env)?;
    let dir = std::env::temp_dir().join(format!("ai-suite-e2e-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let driver = browser::Driver::start(&config, &dir, &dir.join("tmp")).await?;
    let session = browser::new_session(&config, &driver.url, driver.chromium.as_deref(), "file://", false).await?.driver;
    session.goto(format!("file://{}", report.display())).await?;
    let summary = session.find(thirtyfour::By::Id("summary")).await?.text().await?;
    let first = session.find(thirtyfour::By::Css("section h2")).await?.text().await?;
    let img_ok: bool = session
        .execute("const i = document.querySelector('section img'); return !!i && i.complete && i.naturalWidth > 0;", vec![])
        .await?
        .convert()?;
    session.quit().await?;
    driver.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok((summary, first, img_ok))
}

struct Runs {
    flaky: runner::RunReport,
    gate: runner::RunReport,
    failing: runner::RunReport,
    /// The failing run's HTML report in a browser: summary, first section, images load.
    in_browser: Result<(String, String, bool), String>,
}

fn main() {
    use checks::{check, ensure};
    let in_browser = |r: &Runs| r.in_browser.clone().map_err(|e| format!("could not open the HTML report in a browser: {e}"));
    let checks: Vec<checks::Check<Runs>> = vec![
        // Flaky: the first Create of the server fails, the retry passes.
        check("a flaky run passes by default", |r: &Runs| ensure(r.flaky.code == EXIT_PASSED, format!("exit {}", r.flaky.code))),
        check("the HTML report counts the flaky scenario", |r: &Runs| ensure(read(&r.flaky.run_dir, "report.html").contains("1 flaky"), "no \"1 flaky\"")),
        check("JUnit keeps the flaky run's failed attempt", |r: &Runs| ensure(read(&r.flaky.run_dir, "junit.xml").contains("<failure"), "no <failure")),
        check("Cucumber JSON keeps the flaky run's failed attempt", |r: &Runs| {
            ensure(read(&r.flaky.run_dir, "cucumber.json").contains("\"failed\""), "no \"failed\"")
        }),
        check("--fail-on-flaky fails the gate", |r: &Runs| ensure(r.gate.code == EXIT_FAILED, format!("exit {}", r.gate.code))),
        // Failing: the status column is wrong.
        check("a broken product fails the run with exit code 1", |r: &Runs| ensure(r.failing.code == EXIT_FAILED, format!("exit {}", r.failing.code))),
        check("the HTML report shows the failed assertion", |r: &Runs| {
            let html = read(&r.failing.run_dir, "report.html");
            ensure(html.contains("<pre class=\"error\">") && html.contains("Pending"), "no error block naming Pending")
        }),
        check("the HTML report shows the page URL and the screenshot of the failure", |r: &Runs| {
            let html = read(&r.failing.run_dir, "report.html");
            ensure(html.contains("page:") && html.contains("screenshot:"), "no page: / screenshot: lines")
        }),
        check("JUnit has the failure", |r: &Runs| ensure(read(&r.failing.run_dir, "junit.xml").contains("<failure"), "no <failure")),
        check("Cucumber JSON has the failure", |r: &Runs| ensure(read(&r.failing.run_dir, "cucumber.json").contains("\"failed\""), "no \"failed\"")),
        check("the HTML summary, read in a browser, counts the failure", move |r: &Runs| {
            let (summary, _, _) = in_browser(r)?;
            ensure(summary.contains("0 passed") && summary.contains("1 failed"), format!("summary {summary:?}"))
        }),
        check("the HTML report lists failures first", move |r: &Runs| {
            let (_, first, _) = in_browser(r)?;
            ensure(first.starts_with("failed"), format!("first section {first:?}"))
        }),
        check("the HTML report's screenshots load from disk", move |r: &Runs| ensure(in_browser(r)?.2, "the first image did not load")),
    ];
    checks::run(libtest_mimic::Arguments::from_args(), checks, |_| {
        let display = Display::prepare();
        let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
        let flaky = runtime.block_on(runner::run_report(args(&["--fault", "flaky-first-create", "--retry", "1"]), &display, true));
        let gate = runtime.block_on(runner::run_report(
            args(&["--fault", "flaky-first-create", "--retry", "1", "--fail-on-flaky"]),
            &display,
            true,
        ));
        let failing = runtime.block_on(runner::run_report(args(&["--fault", "wrong-status"]), &display, true));
        let in_browser = runtime.block_on(html_in_browser(&failing.run_dir.join("report.html"))).map_err(|e| format!("{e:#}"));
        drop(runtime);
        drop(display);
        Runs { flaky, gate, failing, in_browser }
    })
}
