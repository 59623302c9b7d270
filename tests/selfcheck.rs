//! Self-check (harness = false): the suite must FAIL against every fault switch
//! of the local AI Suite, and leave none of its tokens Active when it fails;
//! every fault on the default build, and again on one of the component kits'
//! builds (in turn), so no catch depends on this build's markup. Each is a
//! test of its own (`cargo test --test selfcheck -- copy-nothing` runs that
//! fault's). The unbroken app passing is proven by tests/user_tokens.rs.

use ai_suite_e2e::local_suite::Fault;
use ai_suite_e2e::selfcheck::{self, KIT_VARIANTS, Row, variant_for};

mod checks;

fn build(fault: Fault, second_pass: bool) -> &'static str {
    if second_pass { variant_for(fault, KIT_VARIANTS).unwrap_or("default") } else { "default" }
}

fn row<'a>(rows: &'a [Row], fault: Fault, build: &str) -> Result<&'a Row, String> {
    rows.iter()
        .find(|r| r.fault == fault && r.variant.as_deref().unwrap_or("default") == build)
        .ok_or_else(|| format!("fault '{}' was not run on the {build} build", fault.name()))
}

fn main() {
    // A probe's own process: this binary, started again by selfcheck::run.
    if let Some(code) = selfcheck::worker_main() {
        std::process::exit(code);
    }
    let mut checks: Vec<checks::Check<Vec<Row>>> = Vec::new();
    for &fault in Fault::ALL {
        for second_pass in [false, true] {
            let build = build(fault, second_pass);
            checks.push(checks::check(format!("{}: caught on the {build} build", fault.name()), move |rows: &Vec<Row>| {
                let r = row(rows, fault, build)?;
                checks::ensure(r.caught, format!("NOT caught (a gap in the suite); see {}", r.run_dir.display()))
            }));
            checks.push(checks::check(format!("{}: no token left Active on the {build} build", fault.name()), move |rows: &Vec<Row>| {
                let r = row(rows, fault, build)?;
                checks::ensure(r.tokens_left_active == Some(0), format!("{:?} token(s) of the failing run left Active", r.tokens_left_active))
            }));
            checks.push(checks::check(format!("{}: nothing of anyone else's changed on the {build} build", fault.name()), move |rows: &Vec<Row>| {
                let r = row(rows, fault, build)?;
                checks::ensure(
                    r.foreign_changed.as_ref().is_some_and(Vec::is_empty),
                    format!("the failing run changed tokens it did not create (a human's live QA-Test-Token among them): {:?}", r.foreign_changed),
                )
            }));
            checks.push(checks::check(format!("{}: no secret in any artifact on the {build} build", fault.name()), move |rows: &Vec<Row>| {
                let r = row(rows, fault, build)?;
                checks::ensure(r.leaks.is_empty(), format!("a token value or password is in {:?}", r.leaks))
            }));
        }
    }
    checks::run(libtest_mimic::Arguments::from_args(), checks, |names| {
        // Only the faults (and passes) a selected check reads.
        let wanted = |second_pass: bool| -> Vec<Fault> {
            Fault::ALL
                .iter()
                .copied()
                .filter(|f| names.iter().any(|n| n.starts_with(&format!("{}: ", f.name())) && n.ends_with(&format!("the {} build", build(*f, second_pass)))))
                .collect()
        };
        let mut jobs = selfcheck::jobs(&wanted(false), &[]);
        jobs.extend(selfcheck::jobs(&wanted(true), KIT_VARIANTS));
        let rows = selfcheck::run(&std::env::current_exe().expect("this test binary"), &jobs);
        println!("\n{}", selfcheck::table(&rows));
        rows
    })
}
