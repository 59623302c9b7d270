//! The accessibility audit of every screen the guide shows: axe-core
//! (vendored, see `src/browser/js/vendor/axe-core/`) with the WCAG 2.1 A and
//! AA rules, once per distinct screen of a run (its path and its open dialog
//! or menu). `[run] accessibility` says what a violation does: `off`, `report`
//! (listed in the reports), or `fail` — the step fails on a `serious` or
//! `critical` violation that the baseline file of accepted ones does not list
//! by rule id and element, as Playwright's documentation advises for
//! `@axe-core/playwright`.

use std::path::Path;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::browser::scripts;
use crate::pages::Ui;

/// The rules run: WCAG 2.0 and 2.1, levels A and AA.
pub const TAGS: &[&str] = &["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// One rule broken on some elements of the screen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Violation {
    pub id: String,
    /// minor, moderate, serious or critical.
    pub impact: String,
    pub help: String,
    #[serde(rename = "helpUrl")]
    pub help_url: String,
    pub nodes: Vec<Offender>,
}

/// An element that breaks the rule: its CSS path, the start of its HTML, why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Offender {
    pub target: String,
    pub html: String,
    pub summary: String,
}

/// One screen's audit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScreenAudit {
    /// The screen: its path, and its open dialog or menu.
    pub screen: String,
    pub violations: Vec<Violation>,
    /// The serious and critical ones the baseline does not accept, as
    /// `rule on target` (what fails the step in `fail` mode).
    pub blocking: Vec<String>,
}

/// A violation the team accepts (the baseline file), by rule and element.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accepted {
    pub rule: String,
    pub target: String,
    /// Why it is accepted (for the reader; not checked).
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    #[serde(default)]
    accepted: Vec<Accepted>,
}

/// Reads the baseline file of accepted violations (TOML: `[[accepted]]`
/// tables of `rule`, `target` and an optional `reason`).
pub fn load_baseline(path: &Path) -> anyhow::Result<Vec<Accepted>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read the accessibility baseline {}", path.display()))?;
    let file: BaselineFile = toml::from_str(&text)
        .with_context(|| format!("the accessibility baseline {} is not a list of [[accepted]] rule = \"…\", target = \"…\" tables", path.display()))?;
    Ok(file.accepted)
}

/// A run's audits: its mode, the accepted violations, the screens done.
pub struct Audits {
    pub mode: crate::config::AccessibilityMode,
    pub accepted: Vec<Accepted>,
    audited: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl Audits {
    pub fn new(mode: crate::config::AccessibilityMode, accepted: Vec<Accepted>) -> Self {
        Self { mode, accepted, audited: Default::default() }
    }

    /// True the first time a screen is offered (it is to be audited), false after.
    pub fn first_look(&self, screen: &str) -> bool {
        crate::sync::lock(&self.audited).insert(screen.to_string())
    }

    /// A screen that failed its audit is audited again when next shown: a
    /// retried scenario must not pass because its first attempt looked.
    pub fn forget(&self, screen: &str) {
        crate::sync::lock(&self.audited).remove(screen);
    }
}

/// Which screen the page shows now (see `js/screen_key.js`).
pub async fn screen_key(ui: &Ui) -> anyhow::Result<String> {
    let key = ui.page.eval(scripts::SCREEN_KEY, vec![]).await.context("could not tell which screen the page shows")?;
    Ok(key.as_str().unwrap_or_default().to_string())
}

/// Audits the page as it is now; secrets in the elements' HTML redacted.
pub async fn audit(ui: &Ui, screen: String, accepted: &[Accepted]) -> anyhow::Result<ScreenAudit> {
    let answer = super::aria::with_axe(ui, scripts::AXE_AUDIT, vec![json!(TAGS)]).await.context("the accessibility audit (axe-core) could not run")?;
    let text = crate::secret::redact(&answer["violations"].to_string());
    let violations: Vec<Violation> = serde_json::from_str(&text).context("axe-core's answer is not a list of violations")?;
    let blocking = blocking(&violations, accepted);
    Ok(ScreenAudit { screen, violations, blocking })
}

/// The serious and critical violations not accepted, as `rule on target`.
pub fn blocking(violations: &[Violation], accepted: &[Accepted]) -> Vec<String> {
    let mut out = Vec::new();
    for v in violations.iter().filter(|v| matches!(v.impact.as_str(), "serious" | "critical")) {
        for n in &v.nodes {
            if !accepted.iter().any(|a| a.rule == v.id && a.target == n.target) {
                out.push(format!("{} on {}", v.id, n.target));
            }
        }
    }
    out
}

impl ScreenAudit {
    /// The violations as lines a reader scans: impact, rule, element, help link.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for v in &self.violations {
            for n in &v.nodes {
                out.push(format!("{} {}: {} — {} ({})", v.impact, v.id, n.target, v.help, v.help_url));
            }
        }
        out
    }

    /// One line: the screen and its counts by impact.
    pub fn headline(&self) -> String {
        if self.violations.is_empty() {
            return format!("{}: no violations", self.screen);
        }
        let mut counts: Vec<String> = Vec::new();
        for impact in ["critical", "serious", "moderate", "minor"] {
            let n: usize = self.violations.iter().filter(|v| v.impact == impact).map(|v| v.nodes.len()).sum();
            if n > 0 {
                counts.push(format!("{n} {impact}"));
            }
        }
        format!("{}: {}", self.screen, counts.join(", "))
    }
}

/// Every screen audited in these results, in the order the steps ran.
pub fn of_results(results: &[crate::results::ScenarioResult]) -> Vec<&ScreenAudit> {
    results.iter().flat_map(|r| r.steps.iter().filter_map(|s| s.accessibility.as_ref())).collect()
}

/// The audits as a JUnit test suite of its own (a test case per screen,
/// failed where a violation blocks in `fail` mode), for `junit.xml`.
pub fn junit_suite(audits: &[&ScreenAudit], failing: bool) -> String {
    use std::fmt::Write as _;
    let esc = super::report::esc;
    let failures = if failing { audits.iter().filter(|a| !a.blocking.is_empty()).count() } else { 0 };
    let mut xml = format!(
        "<testsuite name=\"accessibility (axe-core {}, WCAG 2.1 A and AA)\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">\n",
        scripts::AXE_VERSION,
        audits.len()
    );
    for a in audits {
        let _ = write!(xml, "<testcase classname=\"accessibility\" name=\"{}\">", esc(&a.headline()));
        if failing && !a.blocking.is_empty() {
            let _ = write!(xml, "<failure message=\"{}\"/>", esc(&format!("not in the accepted baseline: {}", a.blocking.join(", "))));
        }
        if !a.violations.is_empty() {
            let _ = write!(xml, "<system-out>{}</system-out>", esc(&a.lines().join("\n")));
        }
        xml.push_str("</testcase>\n");
    }
    xml.push_str("</testsuite>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    fn violation(id: &str, impact: &str, targets: &[&str]) -> Violation {
        Violation {
            id: id.into(),
            impact: impact.into(),
            help: format!("help for {id}"),
            help_url: format!("https://dequeuniversity.com/rules/axe/4.14/{id}"),
            nodes: targets.iter().map(|t| Offender { target: t.to_string(), html: "<b>".into(), summary: String::new() }).collect(),
        }
    }

    #[test]
    fn only_serious_and_critical_violations_not_accepted_block() {
        let found = vec![
            violation("color-contrast", "serious", &[".badge", ".hint"]),
            violation("region", "moderate", &["main"]),
            violation("button-name", "critical", &["#avatar"]),
        ];
        let accepted = vec![Accepted { rule: "color-contrast".into(), target: ".badge".into(), reason: None }];
        assert_eq!(blocking(&found, &accepted), vec!["color-contrast on .hint", "button-name on #avatar"]);
        assert!(blocking(&found[1..2], &[]).is_empty());
    }

    #[test]
    fn a_baseline_file_reads_and_a_wrong_one_says_what_it_should_be() {
        let dir = std::env::temp_dir().join(format!("a11y-baseline-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("good.toml");
        std::fs::write(&good, "[[accepted]]\nrule = \"color-contrast\"\ntarget = \".badge\"\nreason = \"brand colour, ticket A11Y-12\"\n").unwrap();
        let read = load_baseline(&good).unwrap();
        assert_eq!((read[0].rule.as_str(), read[0].target.as_str()), ("color-contrast", ".badge"));
        let bad = dir.join("bad.toml");
        std::fs::write(&bad, "[[accepted]]\nrul = \"x\"\n").unwrap();
        let e = format!("{:#}", load_baseline(&bad).unwrap_err());
        assert!(e.contains("is not a list of [[accepted]]"), "{e}");
        let e = format!("{:#}", load_baseline(&dir.join("missing.toml")).unwrap_err());
        assert!(e.contains("cannot read the accessibility baseline"), "{e}");
    }

    #[test]
    fn junit_has_a_case_per_screen_failed_only_where_blocking_in_fail_mode() {
        let bad = ScreenAudit { screen: "/profile".into(), violations: vec![violation("label", "critical", &["#name"])], blocking: vec!["label on #name".into()] };
        let clean = ScreenAudit { screen: "/access-control".into(), violations: vec![], blocking: vec![] };
        let xml = junit_suite(&[&bad, &clean], true);
        assert!(xml.contains("tests=\"2\" failures=\"1\""), "{xml}");
        assert!(xml.contains("<failure message=\"not in the accepted baseline: label on #name\"/>"), "{xml}");
        assert!(xml.contains("critical label: #name"), "{xml}");
        assert!(junit_suite(&[&bad], false).contains("failures=\"0\""));
    }

    #[test]
    fn a_screen_reads_as_counts_and_lines() {
        let a = ScreenAudit { screen: "/profile | dialog: Create API Token".into(), violations: vec![violation("label", "critical", &["#name"])], blocking: vec![] };
        assert_eq!(a.headline(), "/profile | dialog: Create API Token: 1 critical");
        assert_eq!(a.lines(), vec!["critical label: #name — help for label (https://dequeuniversity.com/rules/axe/4.14/label)"]);
        let clean = ScreenAudit { screen: "/profile".into(), violations: vec![], blocking: vec![] };
        assert_eq!(clean.headline(), "/profile: no violations");
    }
}
