//! Reports people and tools read (harness = false): a deliberately flaky run
//! and a deliberately failing run (fault switches, not in the default run) show
//! up correctly in the console summary, JUnit, Cucumber JSON and the HTML
//! report — which is checked in a real browser, opened from disk.

use std::path::Path;

use ai_suite_e2e::browser::{self, display::Display};
use ai_suite_e2e::config::Config;
use ai_suite_e2e::runner::{self, EXIT_FAILED, EXIT_PASSED};

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

fn main() {
    let display = Display::prepare();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let mut failures: Vec<String> = Vec::new();
    let mut check = |ok: bool, what: &str| {
        if !ok {
            failures.push(what.to_string());
        }
    };

    // Flaky: the first Create of the server fails, the retry passes.
    let flaky = runtime.block_on(runner::run_report(args(&["--fault", "flaky-first-create", "--retry", "1"]), &display, true));
    check(flaky.code == EXIT_PASSED, "a flaky run passes by default");
    let html = read(&flaky.run_dir, "report.html");
    check(html.contains("1 flaky"), "the HTML report counts the flaky scenario");
    check(read(&flaky.run_dir, "junit.xml").contains("<failure"), "JUnit keeps the failed attempt");
    check(read(&flaky.run_dir, "cucumber.json").contains("\"failed\""), "Cucumber JSON keeps the failed attempt");
    let gate = runtime.block_on(runner::run_report(
        args(&["--fault", "flaky-first-create", "--retry", "1", "--fail-on-flaky"]),
        &display,
        true,
    ));
    check(gate.code == EXIT_FAILED, "--fail-on-flaky fails the gate");

    // Failing: the status column is wrong.
    let failing = runtime.block_on(runner::run_report(args(&["--fault", "wrong-status"]), &display, true));
    check(failing.code == EXIT_FAILED, "a broken product fails the run with exit code 1");
    let html = read(&failing.run_dir, "report.html");
    check(html.contains("<pre class=\"error\">") && html.contains("Pending"), "the HTML report shows the failed assertion");
    check(html.contains("page:") && html.contains("screenshot:"), "the HTML report shows the page URL and the screenshot of the failure");
    check(read(&failing.run_dir, "junit.xml").contains("<failure"), "JUnit has the failure");
    check(read(&failing.run_dir, "cucumber.json").contains("\"failed\""), "Cucumber JSON has the failure");

    match runtime.block_on(html_in_browser(&failing.run_dir.join("report.html"))) {
        Ok((summary, first, img_ok)) => {
            check(summary.contains("0 passed") && summary.contains("1 failed"), &format!("the HTML summary in a browser: {summary:?}"));
            check(first.starts_with("failed"), &format!("failures come first: {first:?}"));
            check(img_ok, "the report's screenshots load from disk");
        }
        Err(e) => failures.push(format!("could not open the HTML report in a browser: {e:#}")),
    }
    drop(runtime);
    drop(display);
    for f in &failures {
        eprintln!("FAILED: {f}");
    }
    println!("{} passed, {} failed, 0 skipped", 1 - failures.len().min(1), failures.len().min(1));
    std::process::exit(if failures.is_empty() { 0 } else { 1 });
}
