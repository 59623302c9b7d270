//! The HTML report: one self-contained file (inline CSS, no scripts, no
//! external assets) next to the run's screenshots, readable from disk.
//! Failures first; each scenario with each step's status, time and picture.

use std::fmt::Write as _;
use std::path::Path;

use crate::results::{Outcome, ScenarioResult};
use crate::secret::redact;

fn esc(s: &str) -> String {
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
section{{border:1px solid #dde;border-radius:8px;margin:12px 0;padding:10px 14px}} section.failed{{border-color:#e5a5a0;background:#fff8f7}}
h2{{font-size:15px;margin:4px 0}} table{{border-collapse:collapse;width:100%;font-size:13px}}
td{{border-top:1px solid #eee;padding:4px 6px;vertical-align:top}} td.t{{white-space:nowrap;color:#666}}
img{{max-width:320px;border:1px solid #ccc}} pre{{white-space:pre-wrap;background:#f6f6f8;padding:8px;border-radius:6px}}
</style></head><body>
<h1>ai-suite-e2e — User Tokens guide</h1>
<p>Target: <code>{target}</code></p>
<p class="summary" id="summary"><span class="passed">{p} passed</span>, <span class="failed">{f} failed</span>, <span class="skipped">{s} skipped</span>, <span class="flaky">{fl} flaky</span></p>
<p>Tokens created by this run: {rv} revoked{left}. Display: {disp}.</p>
{interrupted}"#,
        interrupted = summary
            .interrupted
            .map(|n| format!(
                "<p class=\"failed\" id=\"interrupted\"><b>The run was interrupted</b> (Ctrl-C or SIGTERM): {n} scenario(s) in flight were stopped and are marked interrupted; scenarios not yet started are not listed.</p>\n"
            ))
            .unwrap_or_default(),
        target = esc(summary.target),
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
    for r in ordered {
        let class = match r.outcome {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Skipped => "skipped",
            Outcome::Interrupted => "interrupted",
        };
        let _ = write!(
            html,
            r#"<section class="{class}"><h2><span class="{class}">{class}</span> — {} › {}</h2><p class="t">{:.1} s{}</p>"#,
            esc(&r.key.feature),
            esc(&r.key.scenario),
            r.duration.as_secs_f64(),
            r.clipboard.map(|c| format!(" · clipboard: {}", esc(c.describe()))).unwrap_or_default()
        );
        if let Some(f) = &r.failure {
            let _ = write!(html, "<pre class=\"error\">{}</pre>", esc(f));
        }
        for n in &r.notes {
            let _ = write!(html, "<p class=\"note\">{}</p>", esc(n));
        }
        html.push_str("<table>");
        for s in &r.steps {
            let img = s
                .screenshot
                .as_ref()
                .and_then(|p| p.strip_prefix(run_dir).ok())
                .map(|rel| {
                    let rel = rel.to_string_lossy();
                    format!(r#"<a href="{0}"><img loading="lazy" src="{0}" alt="screenshot"></a>"#, esc(&rel))
                })
                .unwrap_or_default();
            let _ = write!(
                html,
                r#"<tr><td class="{}">{}</td><td>{}</td><td class="t">{:.0} ms</td><td>{img}</td></tr>"#,
                if s.passed { "passed" } else { "failed" },
                if s.passed { "✔" } else { "✘" },
                esc(&s.text),
                (s.action + s.capture).as_secs_f64() * 1000.0
            );
        }
        html.push_str("</table></section>\n");
    }
    html.push_str("</body></html>\n");
    redact(&html)
}

/// A JUnit file written from the suite's own results: when a run is
/// interrupted, cucumber's writer never gets to write its own.
pub fn junit(results: &[ScenarioResult]) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let failures = results.iter().filter(|r| r.outcome == Outcome::Failed).count();
    let errors = results.iter().filter(|r| r.outcome == Outcome::Interrupted).count();
    let _ = writeln!(xml, r#"<testsuites><testsuite name="ai-suite-e2e" tests="{}" failures="{failures}" errors="{errors}">"#, results.len());
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
