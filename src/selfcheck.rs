//! The self-check: proof that the suite catches every fault switch of the local
//! AI Suite. For each fault, the scenarios that should notice it run against a
//! deliberately broken app; the fault is "caught" when the run fails. It also
//! checks that no token of a failing run is left Active (clean-up on failure).

use crate::browser::display::Display;
use crate::local_suite::Fault;
use crate::runner::{self, EXIT_FAILED, Outcome};

pub struct Row {
    pub fault: Fault,
    pub caught: bool,
    /// Scenarios that failed (the ones that caught it).
    pub caught_by: Vec<String>,
    pub tokens_left_active: Option<usize>,
    pub run_dir: std::path::PathBuf,
    /// The build the fault was switched on in (None: the default markup).
    pub variant: Option<String>,
    /// Artifacts of the failing run that hold a secret (must be none).
    pub leaks: Vec<std::path::PathBuf>,
}

/// Builds with markup from the component kits: every fault is also checked on
/// one of them, in turn, so a catch does not depend on the default markup.
pub const KIT_VARIANTS: &[&str] = &["bootstrap", "mui", "radix"];

fn args_for(fault: Fault, variant: Option<&str>) -> Vec<String> {
    let probe = fault.probe();
    let selector = if probe.starts_with('@') { "--tags" } else { "--name" };
    let mut args: Vec<String> = ["selfcheck", selector, probe, "--fault", fault.name(), "--fail-fast"].iter().map(|s| s.to_string()).collect();
    if let Some(v) = variant {
        args.extend(["--variant".to_string(), v.to_string()]);
    }
    args
}

/// The build of `variants` fault `fault` is checked on in the second pass:
/// the i-th fault of [`Fault::ALL`] on `variants[i % n]`, whichever faults run.
pub fn variant_for<'a>(fault: Fault, variants: &[&'a str]) -> Option<&'a str> {
    let i = Fault::ALL.iter().position(|f| *f == fault).unwrap_or(0);
    (!variants.is_empty()).then(|| variants[i % variants.len()])
}

/// Runs the probes of `faults` (all when empty) one after the other, each on
/// the default build, or (`variants` not empty) on [`variant_for`] it.
pub async fn run(faults: &[Fault], variants: &[&str], display: &Display) -> Vec<Row> {
    let faults = if faults.is_empty() { Fault::ALL } else { faults };
    let mut rows = Vec::new();
    for &fault in faults {
        let variant = variant_for(fault, variants);
        let report = runner::run_report(args_for(fault, variant), display, true).await;
        // A catch counts when the failure shows the evidence the fault is about.
        let shows = |r: &runner::ScenarioResult| fault.evidence().is_none_or(|e| r.failure.as_deref().is_some_and(|f| f.contains(e)));
        let caught_by: Vec<String> =
            report.results.iter().filter(|r| r.outcome == Outcome::Failed && shows(r)).map(|r| r.key.scenario.clone()).collect();
        rows.push(Row {
            fault,
            leaks: report.leaks.clone(),
            caught: report.code == EXIT_FAILED && !caught_by.is_empty(),
            caught_by,
            tokens_left_active: report.tokens_left_active,
            run_dir: report.run_dir,
            variant: variant.map(str::to_string),
        });
        let row = rows.last().expect("just pushed");
        println!(
            "{:<30} {:<10} step {}  {:<6} {}",
            fault.name(),
            variant.unwrap_or("default"),
            fault.step(),
            if row.caught { "caught" } else { "MISSED" },
            row.caught_by.first().cloned().unwrap_or_else(|| format!("(see {})", row.run_dir.display()))
        );
    }
    rows
}

/// The table, as printed at the end.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from("| fault | build | guide step | what it breaks | caught | by scenario |\n|---|---|---|---|---|---|\n");
    for r in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            r.fault.name(),
            r.variant.as_deref().unwrap_or("default"),
            r.fault.step(),
            r.fault.description(),
            if r.caught { "yes" } else { "NO" },
            r.caught_by.join("; ")
        ));
    }
    let caught = rows.iter().filter(|r| r.caught).count();
    out.push_str(&format!("\n{caught}/{} faults caught\n", rows.len()));
    out
}
