//! The HTML report: one self-contained file (inline CSS, no scripts, no
//! external assets) next to the run's screenshots, readable from disk.
//! Failures first; each scenario with each step's status, time and picture.

use std::fmt::Write as _;
use std::path::Path;

use crate::results::{Outcome, ScenarioResult};
use crate::secret::redact;

/// Text for HTML or XML, in content or in a quoted attribute.
pub(super) fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// What the report's header says about the run.
pub struct Summary<'a> {
    pub target: &'a str,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub flaky: usize,
    pub tokens_revoked: usize,
    pub tokens_left: usize,
    pub display_note: &'a str,
    /// Ctrl-C or SIGTERM stopped the run: how many scenarios were in flight.
    pub interrupted: Option<usize>,
    /// Lines about the run as a whole (the shard it was, the runs merged).
    pub notes: Vec<String>,
    /// The browsers the scenarios ran in.
    pub browsers: Vec<String>,
}

pub fn render(run_dir: &Path, summary: &Summary, results: &[ScenarioResult]) -> String {
    let mut html = String::new();
    let verdict = match (summary.interrupted, summary.failed) {
        (Some(_), _) => "interrupted",
        (None, 0) => "passed",
        _ => "failed",
    };
    let _ = write!(
        html,
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ai-suite-e2e report — {verdict}</title>
<style>
body{{font-family:sans-serif;margin:24px;color:#1f2430}} h1{{font-size:20px}}
.summary{{font-size:16px;margin:8px 0 20px}} .passed{{color:#17773b}} .failed{{color:#b3261e}} .skipped,.flaky,.interrupted{{color:#9a5a06}}
h2{{font-size:15px;margin:4px 0}} table{{border-collapse:collapse;width:100%;font-size:13px}}
td{{border-top:1px solid #eee;padding:4px 6px;vertical-align:top}} td.t{{white-space:nowrap;color:#666}}
img{{max-width:320px;border:1px solid #ccc}} pre{{white-space:pre-wrap;background:#f6f6f8;padding:8px;border-radius:6px}}
details.scenario,details.audit{{border:1px solid #dde;border-radius:8px;margin:12px 0;padding:8px 14px}} details.scenario.failed,details.scenario.interrupted{{border-color:#e5a5a0;background:#fff8f7}}
details.scenario>summary,details.audit>summary{{font-size:15px;font-weight:bold;cursor:pointer;margin:4px 0}} .t{{color:#666;font-weight:normal;font-size:13px}}
ol.timeline{{list-style:none;padding:0;margin:8px 0}} ol.timeline>li{{border-top:1px solid #eee;padding:6px 0;display:grid;grid-template-columns:1fr 330px;gap:4px 12px}}
li.step .head{{grid-column:1}} li.step .shot{{grid-column:2;grid-row:1 / span 4}} li.step.failed .head{{color:#b3261e;font-weight:bold}}
ul.waits,ul.events{{margin:2px 0;padding-left:18px;font-size:12px;color:#333}} ul.waits li.failed,ul.events li.fault{{color:#b3261e}} ul.events li.request{{color:#555}}
.evidence{{font-size:13px}} code{{font-size:12px}}
</style></head><body>
<h1>ai-suite-e2e — User Tokens guide</h1>
<p>Target: <code>{target}</code> · Browser: <span id="browser">{browsers}</span></p>
<p class="summary" id="summary"><span class="passed">{p} passed</span>, <span class="failed">{f} failed</span>, <span class="skipped">{s} skipped</span>, <span class="flaky">{fl} flaky</span></p>
<p>Tokens created by this run: {rv} revoked{left}. Display: {disp}.</p>
{notes}{interrupted}"#,
        notes = summary.notes.iter().map(|n| format!("<p class=\"note\">{}</p>\n", esc(n))).collect::<String>(),
        interrupted = summary
            .interrupted
            .map(|n| format!(
                "<p class=\"failed\" id=\"interrupted\"><b>The run was interrupted</b> (Ctrl-C or SIGTERM): {n} scenario(s) in flight were stopped and are marked interrupted; scenarios not yet started are not listed.</p>\n"
            ))
            .unwrap_or_default(),
        target = esc(summary.target),
        browsers = if summary.browsers.is_empty() { "none started".to_string() } else { esc(&summary.browsers.join(", ")) },
        p = summary.passed,
        f = summary.failed,
        s = summary.skipped,
        fl = summary.flaky,
        rv = summary.tokens_revoked,
        left = if summary.tokens_left > 0 { format!(", <b>{} could not be revoked</b>", summary.tokens_left) } else { String::new() },
        disp = esc(summary.display_note),
    );
    let mut ordered: Vec<&ScenarioResult> = results.iter().collect();
    ordered.sort_by_key(|r| match r.outcome {
        Outcome::Failed | Outcome::Interrupted => 0,
        Outcome::Skipped => 1,
        Outcome::Passed => 2,
    });
    for (n, r) in ordered.into_iter().enumerate() {
        scenario(&mut html, run_dir, n, r);
    }
    // After the scenarios: the failures stay the first thing a reader sees.
    accessibility(&mut html, results);
    html.push_str("</body></html>\n");
    redact(&html)
}

/// The accessibility audits of the guide's screens: each screen, its
/// violations by impact, rule, element and help link.
fn accessibility(html: &mut String, results: &[ScenarioResult]) {
    let audits = super::audit::of_results(results);
    if audits.is_empty() {
        return;
    }
    let _ = write!(html, r#"<details class="audit" id="accessibility"><summary>Accessibility (axe-core {}, WCAG 2.1 A and AA): {} screen(s) audited</summary><ul>"#, crate::browser::scripts::AXE_VERSION, audits.len());
    for a in audits {
        let class = if !a.blocking.is_empty() { "failed" } else if a.violations.is_empty() { "passed" } else { "flaky" };
        let _ = write!(html, r#"<li class="{class}">{}"#, esc(&a.headline()));
        if !a.violations.is_empty() {
            html.push_str("<ul class=\"events\">");
            for v in &a.violations {
                for n in &v.nodes {
                    let _ = write!(
                        html,
                        r#"<li><b>{}</b> {}: <code>{}</code> — {} (<a href="{}">help</a>)</li>"#,
                        esc(&v.impact),
                        esc(&v.id),
                        esc(&n.target),
                        esc(&v.help),
                        esc(&v.help_url)
                    );
                }
            }
            html.push_str("</ul>");
        }
        html.push_str("</li>");
    }
    html.push_str("</ul></details>\n");
}

/// A JUnit file written from the suite's own results: when a run is
/// interrupted, cucumber's writer never gets to write its own.
pub fn junit(results: &[ScenarioResult]) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let failures = results.iter().filter(|r| r.outcome == Outcome::Failed).count();
    let errors = results.iter().filter(|r| r.outcome == Outcome::Interrupted).count();
    let _ = writeln!(xml, r#"<testsuites><testsuite name="ai-suite-e2e" tests="{}" failures="{failures}" errors="{errors}">"#, results.len());
    xml.push_str(&junit_properties(&crate::results::browsers(results)));
    for r in results {
        let _ = write!(
            xml,
            r#"<testcase classname="{}" name="{}" time="{:.3}">"#,
            esc(&r.key.feature),
            esc(&r.key.scenario),
            r.duration.as_secs_f64()
        );
        let message = r.failure.as_deref().unwrap_or("");
        match r.outcome {
            Outcome::Passed => {}
            // Not run (an expired session stopped the run): the reason with it.
            Outcome::Skipped if !message.is_empty() => {
                let _ = write!(xml, r#"<skipped message="{}"/>"#, esc(message.lines().next().unwrap_or("")));
            }
            Outcome::Skipped => xml.push_str("<skipped/>"),
            Outcome::Failed => {
                let _ = write!(xml, r#"<failure message="{}">{}</failure>"#, esc(message.lines().next().unwrap_or("")), esc(message));
            }
            Outcome::Interrupted => {
                let _ = write!(xml, r#"<error message="interrupted">{}</error>"#, esc(message));
            }
        }
        xml.push_str("</testcase>\n");
    }
    xml.push_str("</testsuite></testsuites>\n");
    redact(&xml)
}

/// JUnit `<properties>` naming the browsers a suite ran in.
fn junit_properties(browsers: &[String]) -> String {
    if browsers.is_empty() {
        return String::new();
    }
    let props: String = browsers.iter().map(|b| format!(r#"<property name="browser" value="{}"/>"#, esc(b))).collect();
    format!("<properties>{props}</properties>\n")
}

/// Cucumber's JUnit file, each `<testsuite>` told the browsers the scenarios
/// ran in (a `browser` property), and each run's testsuites named by them, so
/// a CI dashboard tells a Firefox run from a Chromium one.
pub fn name_browsers_in_junit(path: &Path, browsers: &[String]) -> anyhow::Result<()> {
    if browsers.is_empty() {
        return Ok(());
    }
    let xml = std::fs::read_to_string(path)?;
    let props = junit_properties(browsers);
    let mut out = String::with_capacity(xml.len() + 256);
    let mut rest = xml.as_str();
    while let Some(i) = rest.find("<testsuite ") {
        let Some(end) = rest[i..].find('>') else { break };
        let end = i + end;
        out.push_str(&rest[..=end]);
        // A self-closed suite (`<testsuite .../>`) holds nothing.
        if !rest[..end].ends_with('/') {
            out.push_str(&props);
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    std::fs::write(path, out)?;
    Ok(())
}

fn ms(d: std::time::Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

/// A file of the run as the report refers to it (relative: it sits in `run_dir`).
fn href(run_dir: &Path, path: &Path) -> String {
    esc(&path.strip_prefix(run_dir).unwrap_or(path).to_string_lossy())
}

/// A file of the run as a link from the report.
fn link(run_dir: &Path, path: &Path, text: &str) -> String {
    format!(r#"<a href="{}">{}</a>"#, href(run_dir, path), esc(text))
}

/// One scenario: its outcome, failure and notes, then its timeline — each
/// step with its screenshot, action and wait times, the waits (locators) and
/// what they matched, and the page's console, errors and requests of that
/// step. Failed scenarios come open.
fn scenario(html: &mut String, run_dir: &Path, n: usize, r: &ScenarioResult) {
    let class = match r.outcome {
        Outcome::Passed => "passed",
        Outcome::Failed => "failed",
        Outcome::Skipped => "skipped",
        Outcome::Interrupted => "interrupted",
    };
    let open = if matches!(r.outcome, Outcome::Failed | Outcome::Interrupted) { " open" } else { "" };
    let _ = write!(
        html,
        r#"<details class="scenario {class}" id="scenario-{n}"{open}><summary><span class="{class}">{class}</span> — {} › {} <span class="t">{:.1} s{}</span></summary>"#,
        esc(&r.key.feature),
        esc(&r.key.scenario),
        r.duration.as_secs_f64(),
        r.clipboard.map(|c| format!(" · clipboard: {}", esc(c.describe()))).unwrap_or_default()
    );
    if let Some(f) = &r.failure {
        let _ = write!(html, "<pre class=\"error\">{}</pre>", esc(f));
    }
    for note in &r.notes {
        let _ = write!(html, "<p class=\"note\">{}</p>", esc(note));
    }
    if let Some(why) = &r.events_missing {
        let _ = write!(html, "<p class=\"note\">Page console, errors and requests: {}</p>", esc(why));
    }
    if let Some(video) = r.video.as_ref().filter(|_| r.outcome != Outcome::Passed) {
        let _ = match &video.file {
            Some(file) => write!(html, "<p class=\"evidence\">Video of the scenario: {}</p>", link(run_dir, file, "play")),
            None => write!(html, "<p class=\"note\">No video: {}</p>", esc(&video.note)),
        };
    }
    html.push_str("<ol class=\"timeline\">");
    let events_of = |step: usize| r.events.iter().filter(move |e| e.step == step);
    if events_of(0).next().is_some() {
        timeline_item(html, run_dir, "passed", "opening the scenario's page", "", None, &[], events_of(0), [None, None, None]);
    }
    for s in &r.steps {
        let waited: std::time::Duration = s.waits.iter().map(|w| w.waited).sum();
        let times = format!("action {} (waits {}) · screenshot {}", ms(s.action), ms(waited), ms(s.capture));
        let head = format!("{} {}. {}", if s.passed { "✔" } else { "✘" }, s.index, s.text);
        let class = if s.passed { "passed" } else { "failed" };
        timeline_item(html, run_dir, class, &head, &times, s.screenshot.as_deref(), &s.waits, events_of(s.index), [s.dom.as_deref(), s.aria.as_deref(), s.candidates.as_deref()]);
    }
    if events_of(crate::browser::recorder::AFTER_SCENARIO).next().is_some() {
        timeline_item(html, run_dir, "passed", "after the scenario (clean-up)", "", None, &[], events_of(crate::browser::recorder::AFTER_SCENARIO), [None, None, None]);
    }
    html.push_str("</ol></details>\n");
}

#[allow(clippy::too_many_arguments)]
fn timeline_item<'a>(
    html: &mut String,
    run_dir: &Path,
    class: &str,
    head: &str,
    times: &str,
    screenshot: Option<&Path>,
    waits: &[crate::browser::wait::WaitRecord],
    events: impl Iterator<Item = &'a crate::browser::recorder::PageEvent>,
    // A failed step's files: its DOM, its ARIA snapshot, what its locator considered.
    [dom, aria, candidates]: [Option<&Path>; 3],
) {
    let _ = write!(html, r#"<li class="step {class}"><div class="head">{} <span class="t">{}</span></div>"#, esc(head), esc(times));
    if let Some(p) = screenshot {
        let _ = write!(html, r#"<div class="shot"><a href="{0}"><img loading="lazy" src="{0}" alt="screenshot"></a></div>"#, href(run_dir, p));
    }
    if !waits.is_empty() {
        html.push_str("<ul class=\"waits\">");
        for w in waits {
            let outcome = match (&w.error, &w.matched) {
                (Some(e), _) => format!(" — FAILED: {e}"),
                (None, Some(m)) => format!(" → {m}"),
                (None, None) => String::new(),
            };
            let _ = write!(
                html,
                r#"<li class="{}">{} <span class="t">{}</span>{}</li>"#,
                if w.error.is_some() { "failed" } else { "ok" },
                esc(&w.what),
                ms(w.waited),
                esc(&outcome)
            );
            if let Some(c) = &w.candidates {
                let _ = write!(html, "<li class=\"failed\"><pre>{}</pre></li>", esc(c));
            }
        }
        html.push_str("</ul>");
    }
    let mut events = events.peekable();
    if events.peek().is_some() {
        html.push_str("<ul class=\"events\">");
        for e in events {
            use crate::browser::recorder::EventKind;
            let kind = match e.kind {
                EventKind::Request if e.status.is_some_and(|s| s >= 500) => "request fault",
                EventKind::Request => "request",
                EventKind::PageError => "fault",
                EventKind::Console if matches!(e.level.as_str(), "error" | "assert") => "console fault",
                EventKind::Console => "console",
            };
            let _ = write!(html, r#"<li class="{kind}"><span class="t">+{:.2} s</span> {}</li>"#, e.at.as_secs_f64(), esc(&e.line()));
        }
        html.push_str("</ul>");
    }
    if dom.is_some() || aria.is_some() || candidates.is_some() {
        html.push_str("<p class=\"evidence\">");
        if let Some(d) = dom {
            let _ = write!(html, "DOM at the failure: {} ", link(run_dir, d, "open (offline, secrets redacted)"));
        }
        if let Some(a) = aria {
            let _ = write!(html, "· as a screen reader meets it: {} ", link(run_dir, a, "ARIA snapshot"));
        }
        if let Some(c) = candidates {
            let _ = write!(html, "· what the locator considered: {}", link(run_dir, c, "candidates"));
        }
        html.push_str("</p>");
    }
    html.push_str("</li>");
}

/// Adds to cucumber's own JSON what dashboards that read it show: on each
/// failed step, its screenshot as an embedding (`image/png`, base64) and the
/// page's errors, error and warning messages and failed requests of that
/// scenario as text (`output`). `attempts` are every run of every scenario in
/// the order they ended (a retried scenario is one element per attempt).
pub fn enrich_cucumber_json(path: &Path, attempts: &[ScenarioResult]) -> anyhow::Result<()> {
    use anyhow::Context as _;
    use base64::Engine as _;
    use serde_json::{Value, json};
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    if text.trim().is_empty() {
        return Ok(());
    }
    let mut features: Value = serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    // Cucumber's writer keeps one element per scenario (its line), retries
    // included: the last failed attempt's evidence goes on its last failed step.
    let mut last_failed: Vec<&ScenarioResult> = Vec::new();
    for r in attempts.iter().filter(|r| r.steps.iter().any(|s| !s.passed && s.index != 99)) {
        last_failed.retain(|x| x.key.id != r.key.id);
        last_failed.push(r);
    }
    for r in last_failed {
        let Some(failed) = r.steps.iter().find(|s| !s.passed && s.index != 99) else { continue };
        let Some(step) = scenario_steps(&mut features, r).and_then(|steps| {
            steps.iter_mut().rev().find(|s| s["result"]["status"] == "failed" && failed.text.ends_with(s["name"].as_str().unwrap_or("\u{0}")))
        }) else {
            continue;
        };
        let mut embeddings = Vec::new();
        if let Some(png) = failed.screenshot.as_ref().and_then(|p| std::fs::read(p).ok()) {
            let data = base64::engine::general_purpose::STANDARD.encode(png);
            embeddings.push(json!({ "mime_type": "image/png", "data": data, "name": "screenshot of the failed step" }));
        }
        if let Some(yaml) = failed.aria.as_ref().and_then(|p| std::fs::read(p).ok()) {
            let data = base64::engine::general_purpose::STANDARD.encode(yaml);
            embeddings.push(json!({ "mime_type": "text/yaml", "data": data, "name": "ARIA snapshot of the page at the failure" }));
        }
        if !embeddings.is_empty() {
            step["embeddings"] = json!(embeddings);
        }
        use crate::browser::recorder::EventKind;
        let said: Vec<String> = r
            .events
            .iter()
            .filter(|e| match e.kind {
                EventKind::PageError => true,
                EventKind::Console => matches!(e.level.as_str(), "error" | "assert" | "warning"),
                EventKind::Request => e.status.is_some_and(|s| s >= 400),
            })
            .map(|e| redact(&format!("{}: {}", crate::browser::recorder::step_label(e.step), e.line())))
            .collect();
        let mut output = said;
        if let Some(dom) = &failed.dom {
            output.push(format!("DOM of the page at the failure: {}", dom.display()));
        }
        if !output.is_empty() {
            step["output"] = json!(output);
        }
    }
    // Each audited screen's result on the step that showed it.
    for r in attempts {
        for (text, audit) in r.steps.iter().filter_map(|s| Some((&s.text, s.accessibility.as_ref()?))) {
            let Some(step) = scenario_steps(&mut features, r)
                .and_then(|steps| steps.iter_mut().find(|st| text.ends_with(st["name"].as_str().unwrap_or("\u{0}"))))
            else {
                continue;
            };
            let mut said: Vec<Value> = step["output"].as_array().cloned().unwrap_or_default();
            said.push(json!(format!("accessibility (axe-core {}): {}", crate::browser::scripts::AXE_VERSION, audit.headline())));
            said.extend(audit.lines().into_iter().map(Value::from));
            step["output"] = Value::Array(said);
        }
    }
    std::fs::write(path, redact(&serde_json::to_string(&features)?)).with_context(|| format!("cannot write {}", path.display()))
}

/// The steps of a scenario's element in cucumber's JSON: the element of its
/// feature at its line (`path:line:col` in its id; a rule's scenarios carry
/// the rule in their name).
fn scenario_steps<'a>(features: &'a mut serde_json::Value, r: &ScenarioResult) -> Option<&'a mut Vec<serde_json::Value>> {
    let line = r.key.id.rsplitn(3, ':').nth(1).and_then(|l| l.parse::<u64>().ok());
    features
        .as_array_mut()
        .into_iter()
        .flatten()
        .filter(|f| f["name"] == r.key.feature.as_str())
        .flat_map(|f| f["elements"].as_array_mut().into_iter().flatten())
        .find(|e| e["line"].as_u64() == line)
        .and_then(|e| e["steps"].as_array_mut())
}

/// Adds the accessibility audits to `junit.xml` as a test suite of their own
/// (see [`super::audit::junit_suite`]).
/// Like every suite of the file, it names the browsers that ran.
pub fn add_accessibility_to_junit(path: &Path, results: &[ScenarioResult], failing: bool) -> anyhow::Result<()> {
    let audits = super::audit::of_results(results);
    if audits.is_empty() {
        return Ok(());
    }
    let xml = std::fs::read_to_string(path)?;
    let mut suite = super::audit::junit_suite(&audits, failing);
    if let Some(end) = suite.find('>') {
        suite.insert_str(end + 1, &junit_properties(&crate::results::browsers(results)));
    }
    let out = match xml.rfind("</testsuites>") {
        Some(i) => format!("{}{suite}{}", &xml[..i], &xml[i..]),
        None => format!("{xml}<testsuites>{suite}</testsuites>\n"),
    };
    std::fs::write(path, redact(&out))?;
    Ok(())
}
