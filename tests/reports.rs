//! Reports people and tools read (harness = false): a deliberately flaky run
//! and a deliberately failing run (fault switches, not in the default run) show
//! up correctly in the console summary, JUnit, Cucumber JSON and the HTML
//! report — which is checked in a real browser, opened from disk.

use std::path::Path;

use ai_suite_e2e::browser::{self, display::Display};
use ai_suite_e2e::config::Config;
use ai_suite_e2e::runner::{self, EXIT_FAILED, EXIT_PASSED};

mod checks;
mod common;

fn args(extra: &[&str]) -> Vec<String> {
    ["reports", "--name", "following the user guide"].iter().chain(extra).map(|s| s.to_string()).collect()
}

fn failure(report: &runner::RunReport) -> String {
    report.results.iter().filter_map(|r| r.failure.clone()).collect::<Vec<_>>().join("\n")
}

fn timeline(r: &Runs) -> Result<Timeline, String> {
    r.server_timeline.clone().map_err(|e| format!("could not read the report's timeline in a browser: {e}"))
}

/// The frames of the video the filmed run's report links (an animated GIF).
fn video_frames(run: &runner::RunReport) -> Result<Vec<image::RgbaImage>, String> {
    use image::AnimationDecoder as _;
    let html = read(&run.run_dir, "report.html");
    let href = html.split("Video of the scenario: <a href=\"").nth(1).and_then(|r| r.split('"').next()).ok_or("the report links no video")?;
    let file = std::fs::File::open(run.run_dir.join(href)).map_err(|e| format!("{href}: {e}"))?;
    let decoder = image::codecs::gif::GifDecoder::new(std::io::BufReader::new(file)).map_err(|e| format!("{href} is not a GIF: {e}"))?;
    let frames = decoder.into_frames().collect_frames().map_err(|e| format!("{href}: {e}"))?;
    Ok(frames.into_iter().map(|f| f.into_buffer()).collect())
}

/// The longest run of pixels on one row in (about) the redaction colour.
fn solid_redaction_run(img: &image::RgbaImage) -> u32 {
    let [r0, g0, b0, _] = ai_suite_e2e::evidence::REDACTION.0;
    let near = |p: &image::Rgba<u8>| {
        let d = |a: u8, b: u8| (a as i32 - b as i32).abs();
        d(p[0], r0) <= 6 && d(p[1], g0) <= 6 && d(p[2], b0) <= 6
    };
    let mut best = 0;
    for y in 0..img.height() {
        let mut run = 0;
        for x in 0..img.width() {
            run = if near(img.get_pixel(x, y)) { run + 1 } else { 0 };
            best = best.max(run);
        }
    }
    best
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_default()
}

/// Whether the first picture matching SELECTOR loads (a lazy one asked for now, and awaited).
const LOADED_JS: &str = "const i = document.querySelector('SELECTOR'); if (!i) return false; i.loading = 'eager'; \
     return i.decode().then(() => i.naturalWidth > 0, () => false);";

async fn html_in_browser(report: &Path) -> anyhow::Result<(String, String, bool)> {
    let config = Config::load(&ai_suite_e2e::config::process_env)?;
    let dir = std::env::temp_dir().join(format!("ai-suite-e2e-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let driver = browser::Driver::start(&config, &dir, &dir.join("tmp")).await?;
    let session = browser::new_session(&config, &driver.url, driver.chromium.as_deref(), "file://", false).await?.driver;
    session.goto(format!("file://{}", report.display())).await?;
    let summary = session.find(thirtyfour::By::Id("summary")).await?.text().await?;
    let first = session.find(thirtyfour::By::Css("details.scenario > summary")).await?.text().await?;
    let img_ok: bool = session
        .execute(LOADED_JS.replace("SELECTOR", "details.scenario img").as_str(), vec![])
        .await?
        .convert()?;
    session.quit().await?;
    driver.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok((summary, first, img_ok))
}

/// What a reviewer finds in a failed run's report, opened in a browser from
/// disk: the first scenario's failed step in its timeline, then the page's
/// DOM that step saved, opened from its link.
#[derive(Clone, Debug)]
struct Timeline {
    /// The first scenario is open (failures first).
    open: bool,
    /// The text of the failed step's timeline entry (its waits, the page's events).
    failed_step: String,
    /// Its screenshot loaded.
    screenshot: bool,
    /// The DOM file, opened from the step's link: its visible text and how many scripts it has.
    dom_text: String,
    dom_scripts: i64,
}

async fn timeline_in_browser(report: &Path) -> anyhow::Result<Timeline> {
    let config = Config::load(&ai_suite_e2e::config::process_env)?;
    let dir = std::env::temp_dir().join(format!("ai-suite-e2e-timeline-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let driver = browser::Driver::start(&config, &dir, &dir.join("tmp")).await?;
    let session = browser::new_session(&config, &driver.url, driver.chromium.as_deref(), "file://", false).await?.driver;
    let read = async {
        session.goto(format!("file://{}", report.display())).await?;
        let facts = session
            .execute(
                r#"const d = document.querySelector('details.scenario');
                   const step = d && d.querySelector('li.step.failed');
                   const img = step && step.querySelector('img');
                   const dom = step && [...step.querySelectorAll('a')].find((a) => a.textContent.startsWith('open'));
                   // A lazy picture loads when it is needed: asked for now, and awaited.
                   const loaded = img ? (img.loading = 'eager', img.decode().then(() => true, () => false)) : Promise.resolve(false);
                   return loaded.then((ok) => ({ open: !!d && d.open, text: step ? step.innerText : '',
                            img: ok && img.naturalWidth > 0, dom: dom ? dom.href : '' }));"#,
                vec![],
            )
            .await?
            .json()
            .clone();
        let dom = facts["dom"].as_str().unwrap_or_default().to_string();
        anyhow::ensure!(!dom.is_empty(), "the failed step has no link to its DOM: {facts}");
        session.goto(&dom).await?;
        let page = session.execute("return { text: document.body.innerText, scripts: document.scripts.length };", vec![]).await?.json().clone();
        Ok(Timeline {
            open: facts["open"].as_bool().unwrap_or(false),
            failed_step: facts["text"].as_str().unwrap_or_default().to_string(),
            screenshot: facts["img"].as_bool().unwrap_or(false),
            dom_text: page["text"].as_str().unwrap_or_default().to_string(),
            dom_scripts: page["scripts"].as_i64().unwrap_or(-1),
        })
    }
    .await;
    session.quit().await?;
    driver.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
    read
}

struct Runs {
    flaky: runner::RunReport,
    gate: runner::RunReport,
    failing: runner::RunReport,
    /// The failing run's HTML report in a browser: summary, first section, images load.
    in_browser: Result<(String, String, bool), String>,
    /// A build whose table refresh answers 500 (the page looks fine).
    server_error: runner::RunReport,
    server_timeline: Result<Timeline, String>,
    /// A build whose Access Control page throws once rendered.
    page_error: runner::RunReport,
    /// The same, run by a user who allows that error (exit code, output).
    allowed: (i32, String),
    /// A build whose Close does not close, filmed (`--video retain-on-failure`).
    filmed: runner::RunReport,
    /// A build without the User Info section, run by a user with a short
    /// timeout: exit code, output, and the failing locator's candidates file.
    missing: (i32, String, String),
}

/// The binary, as a user runs it, with these variables.
fn user_run(env: &[(&str, &str)], args: &[&str]) -> (i32, String) {
    let artifacts = std::env::temp_dir().join(format!("ai-suite-e2e-reports-{}", std::process::id()));
    let artifacts = artifacts.to_string_lossy().to_string();
    let mut env = env.to_vec();
    env.push(("AI_SUITE_ARTIFACTS", &artifacts));
    common::run_binary(&env, args)
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
        // The page's own evidence: a 500 behind the table, an error thrown after rendering.
        check("a 5xx answer to the page fails the run, naming the step and the request", |r: &Runs| {
            let f = failure(&r.server_error);
            ensure(
                r.server_error.code == EXIT_FAILED && f.contains("the page reported an error: during step") && f.contains("GET /api/admin/tokens?refresh=1 answered 500"),
                format!("exit {}, failure {f:?}", r.server_error.code),
            )
        }),
        check("an error the page throws fails the run, naming the step and the error", |r: &Runs| {
            let f = failure(&r.page_error);
            ensure(
                r.page_error.code == EXIT_FAILED && f.contains("uncaught error: TypeError") && f.contains("(When I go to AI Admin"),
                format!("exit {}, failure {f:?}", r.page_error.code),
            )
        }),
        check("the console names the failed step's DOM file", |r: &Runs| {
            let console = read(&r.server_error.run_dir, "console.log");
            ensure(console.contains("DOM:") && console.contains(".dom.html"), "no DOM: line in the console output")
        }),
        check("the report's timeline, read in a browser, opens the failure first", |r: &Runs| ensure(timeline(r)?.open, "the first scenario is closed")),
        check("the report's timeline shows the failed step's waits and the failing request", |r: &Runs| {
            let t = timeline(r)?;
            ensure(
                t.failed_step.contains("I click the User Tokens tab") && t.failed_step.contains("locator access_control.user_tokens_tab")
                    && t.failed_step.contains("GET /api/admin/tokens?refresh=1 → 500"),
                format!("failed step's entry: {:?}", t.failed_step),
            )
        }),
        check("the report's timeline shows the failed step's screenshot", |r: &Runs| ensure(timeline(r)?.screenshot, "the image did not load")),
        check("the failed step's DOM opens offline, inert, with the page's text", |r: &Runs| {
            let t = timeline(r)?;
            ensure(t.dom_text.contains("User Tokens") && t.dom_text.contains("sam.rivera@duplocloud.test") && t.dom_scripts == 0, format!("{} scripts, text {:?}", t.dom_scripts, t.dom_text))
        }),
        check("an error the team allows (AI_SUITE_ALLOW_CONSOLE) does not fail the run, and is still recorded", |r: &Runs| {
            ensure(r.allowed.0 == EXIT_PASSED, format!("exit {}: {}", r.allowed.0, r.allowed.1))?;
            let report = r.allowed.1.lines().find_map(|l| l.strip_prefix("reports: ")).and_then(|l| l.split(", ").next()).unwrap_or_default();
            let html = std::fs::read_to_string(report).unwrap_or_default();
            ensure(html.contains("uncaught error: TypeError"), format!("the allowed error is not in {report}"))
        }),
        check("a locator that finds nothing lists what it considered", |r: &Runs| {
            let (code, out, candidates) = &r.missing;
            ensure(*code == EXIT_FAILED && out.contains("locator:") && out.contains(".locator.txt"), format!("exit {code}: {out}"))?;
            ensure(
                candidates.contains("locator profile.user_info")
                    && candidates.contains("0 visible")
                    && candidates.contains("role=heading name \"API Tokens\""),
                format!("candidates file: {candidates:?}"),
            )
        }),
        check("--video retain-on-failure links a video of the failed scenario that a browser plays", |r: &Runs| {
            let frames = video_frames(&r.filmed)?;
            ensure(frames.len() > 5, format!("{} frames", frames.len()))
        }),
        check("the video's frames have the token painted over", |r: &Runs| {
            let frames = video_frames(&r.filmed)?;
            // The Token Created dialog shows the token: a solid block of the redaction colour.
            let painted = frames.iter().filter(|f| solid_redaction_run(f) >= 60).count();
            ensure(painted > 0, format!("no frame of {} has a painted block", frames.len()))
        }),
        check("a filmed failing run leaks no secret into any artifact", |r: &Runs| {
            ensure(r.filmed.leaks.is_empty() && r.filmed.code == EXIT_FAILED, format!("exit {}, leaks {:?}", r.filmed.code, r.filmed.leaks))
        }),
        check("a failed step leaves the page as a screen reader meets it (its ARIA snapshot) beside its screenshot", |r: &Runs| {
            let (_, out, _) = &r.missing;
            let file = out.lines().find_map(|l| l.trim().strip_prefix("ARIA:")).and_then(|l| l.trim().split(" (").next()).unwrap_or_default();
            let yaml = std::fs::read_to_string(file.trim()).map_err(|e| format!("no ARIA snapshot named in the failure ({e}): {out}"))?;
            // The Profile page without its User Info: its API Tokens table and Create Token button are there.
            ensure(
                yaml.contains("- heading \"API Tokens\"") && yaml.contains("- button \"Create Token\"") && yaml.contains("- table"),
                format!("{file}:\n{yaml}"),
            )
        }),
        check("Cucumber JSON carries the failed step's screenshot, its ARIA snapshot and the page's errors", |r: &Runs| {
            let json: serde_json::Value = serde_json::from_str(&read(&r.server_error.run_dir, "cucumber.json")).map_err(|e| e.to_string())?;
            let failed: Vec<&serde_json::Value> = json
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|f| f["elements"].as_array().into_iter().flatten())
                .flat_map(|e| e["steps"].as_array().into_iter().flatten())
                .filter(|s| s["result"]["status"] == "failed")
                .collect();
            let step = failed.first().ok_or("no failed step")?;
            let png = step["embeddings"][0]["data"].as_str().unwrap_or_default();
            use base64::Engine as _;
            let bytes = base64::engine::general_purpose::STANDARD.decode(png).unwrap_or_default();
            ensure(
                step["embeddings"][0]["mime_type"] == "image/png" && bytes.starts_with(b"\x89PNG"),
                format!("no PNG embedding: {}", step["embeddings"]),
            )?;
            ensure(step["output"].to_string().contains("GET /api/admin/tokens?refresh=1 → 500"), format!("output {}", step["output"]))?;
            let yaml = step["embeddings"].as_array().into_iter().flatten().find(|e| e["mime_type"] == "text/yaml");
            let yaml = yaml.and_then(|e| base64::engine::general_purpose::STANDARD.decode(e["data"].as_str().unwrap_or_default()).ok()).unwrap_or_default();
            ensure(String::from_utf8_lossy(&yaml).contains("- table"), format!("no ARIA snapshot embedding: {}", step["embeddings"]))
        }),
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
        let server_error = runtime.block_on(runner::run_report(args(&["--fault", "tokens-refresh-500"]), &display, true));
        let server_timeline = runtime.block_on(timeline_in_browser(&server_error.run_dir.join("report.html"))).map_err(|e| format!("{e:#}"));
        let page_error = runtime.block_on(runner::run_report(args(&["--fault", "page-throws-after-render"]), &display, true));
        let filmed =
            runtime.block_on(runner::run_report(args(&["--fault", "close-does-not-close", "--video", "retain-on-failure"]), &display, true));
        drop(runtime);
        let allowed = user_run(
            &[("AI_SUITE_ALLOW_CONSOLE", r#"["^TypeError: Cannot read properties of null", "ResizeObserver"]"#)],
            &["--name", "following the user guide", "--fault", "page-throws-after-render"],
        );
        let (code, out) = user_run(&[("AI_SUITE_TIMEOUT_MS", "1500")], &["--name", "avatar menu leads", "--fault", "profile-missing-user-info"]);
        let file = out.lines().find_map(|l| l.trim().strip_prefix("locator:")).and_then(|l| l.trim().split(" (").next()).unwrap_or_default();
        let missing = (code, out.clone(), std::fs::read_to_string(file.trim()).unwrap_or_default());
        drop(display);
        Runs { flaky, gate, failing, in_browser, server_error, server_timeline, page_error, filmed, allowed, missing }
    })
}
