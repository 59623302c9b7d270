//! The accessibility audit of the guide's screens, from outside: a build whose
//! field labels are greyed out below WCAG's contrast (the `faint-field-labels`
//! fault) fails the guide's scenario at Step 4 on the local AI Suite (its
//! default is `fail`), in Chromium and in Firefox; accepted in a baseline
//! file, or in `report` mode, it passes and the reports still list it.

use std::path::PathBuf;

mod common;

const GUIDE: &[&str] = &["--name", "following the user guide", "--fault", "faint-field-labels"];

/// The run's folder, from the line that lists its reports.
fn run_dir(out: &str) -> PathBuf {
    let line = out.lines().find_map(|l| l.strip_prefix("reports: ")).unwrap_or_else(|| panic!("no reports line in:\n{out}"));
    PathBuf::from(line.split(", ").next().unwrap().trim_end_matches("/report.html"))
}

fn read(dir: &std::path::Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(file).display()))
}

#[test]
fn text_below_contrast_fails_the_guide_at_step_4_with_the_rule_the_element_and_its_help() {
    let (code, out) = common::run_binary(&[], GUIDE);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("on /profile | dialog: Create API Token not in the accepted baseline"), "{out}");
    assert!(out.contains("serious color-contrast: label[for=\"token-name\"]") && out.contains("dequeuniversity.com/rules/axe/4.14/color-contrast"), "{out}");
    assert!(out.contains("Then a Create API Token modal dialog opens with two fields"), "the failure is not Step 4's:\n{out}");
    let dir = run_dir(&out);
    let junit = read(&dir, "junit.xml");
    assert!(junit.contains("<testsuite name=\"accessibility (axe-core 4.14.1, WCAG 2.1 A and AA)\"") && junit.contains("<failure message=\"not in the accepted baseline: color-contrast on label[for=&quot;token-name&quot;]"), "{junit}");
    assert!(read(&dir, "report.html").contains("color-contrast"), "the HTML report does not list the violation");
    assert!(read(&dir, "cucumber.json").contains("serious color-contrast"), "cucumber.json does not list the violation");
}

#[test]
fn accepted_violations_pass_and_stay_listed() {
    let dir = std::env::temp_dir().join(format!("a11y-accepted-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let baseline = dir.join("accepted.toml");
    std::fs::write(
        &baseline,
        "[[accepted]]\nrule = \"color-contrast\"\ntarget = 'label[for=\"token-name\"]'\nreason = \"design review A11Y-7\"\n\n\
         [[accepted]]\nrule = \"color-contrast\"\ntarget = 'label[for=\"token-expiry\"]'\n",
    )
    .unwrap();
    let (code, out) = common::run_binary(&[("AI_SUITE_ACCESSIBILITY_BASELINE", baseline.to_str().unwrap())], GUIDE);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("5 screen(s) audited, 2 violation(s)") && out.contains("/profile | dialog: Create API Token: 2 serious"), "{out}");
    let junit = read(&run_dir(&out), "junit.xml");
    assert!(junit.contains("failures=\"0\"") && junit.contains("serious color-contrast: label[for=&quot;token-name&quot;]"), "{junit}");

    // Only the one accepted: the other still fails.
    std::fs::write(&baseline, "[[accepted]]\nrule = \"color-contrast\"\ntarget = 'label[for=\"token-name\"]'\n").unwrap();
    let (code, out) = common::run_binary(&[("AI_SUITE_ACCESSIBILITY_BASELINE", baseline.to_str().unwrap())], GUIDE);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("(color-contrast on label[for=\"token-expiry\"])"), "{out}");
}

#[test]
fn report_mode_lists_without_failing_and_off_does_not_audit() {
    let (code, out) = common::run_binary(&[("AI_SUITE_ACCESSIBILITY", "report")], GUIDE);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 violation(s)"), "{out}");
    let (code, out) = common::run_binary(&[("AI_SUITE_ACCESSIBILITY", "off")], GUIDE);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("screen(s) audited"), "{out}");
    // A wrong mode is a configuration error: the run cannot start (exit 3).
    let (code, out) = common::run_binary(&[("AI_SUITE_ACCESSIBILITY", "loud")], GUIDE);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("'loud' is not an accessibility mode (use off, report or fail)") && out.contains("AI_SUITE_ACCESSIBILITY"), "{out}");
}

#[test]
fn firefox_catches_it_too() {
    let args = [GUIDE, &["--browser", "firefox"]].concat();
    let (code, out) = common::run_binary(&[], &args);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("serious color-contrast: label[for=\"token-name\"]"), "{out}");
}

#[test]
fn a_retried_scenario_is_audited_again_and_fails_again() {
    let args = [GUIDE, &["--retry", "1"]].concat();
    let (code, out) = common::run_binary(&[], &args);
    assert_eq!(code, 1, "the retry passed a screen that failed its audit:\n{out}");
    assert!(!out.contains("FLAKY"), "{out}");
    assert!(out.matches("not in the accepted baseline (color-contrast on label").count() >= 2, "both attempts should fail the audit:\n{out}");
}
