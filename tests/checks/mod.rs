//! The checks of a `harness = false` test binary, reported as libtest tests
//! (libtest-mimic): one line per check and totals that count them, with the
//! arguments `cargo test` passes (a name filter, `--list`, `--exact`, ...).
//! The expensive work every check reads (suite runs) is done once, and not at
//! all when listing or when the filter leaves no check.

use std::sync::Arc;

use libtest_mimic::{Arguments, Trial};

/// A named check of the shared results `R`: `Err` says what was wrong.
pub type Check<R> = (String, Box<dyn Fn(&R) -> Result<(), String> + Send + Sync>);

/// One check.
pub fn check<R>(name: impl Into<String>, f: impl Fn(&R) -> Result<(), String> + Send + Sync + 'static) -> Check<R> {
    (name.into(), Box::new(f))
}

/// `Ok` when `ok`, else the error `why`.
pub fn ensure(ok: bool, why: impl Into<String>) -> Result<(), String> {
    if ok { Ok(()) } else { Err(why.into()) }
}

/// Does the command line's filter keep a check of this name?
pub fn selected(args: &Arguments, name: &str) -> bool {
    let kept = match &args.filter {
        None => true,
        Some(f) if args.exact => name == f,
        Some(f) => name.contains(f.as_str()),
    };
    kept && !args.skip.iter().any(|s| if args.exact { name == s } else { name.contains(s.as_str()) })
}

/// Computes the results (unless nothing is to run), then runs the checks and exits.
pub fn run<R: Send + Sync + 'static>(args: Arguments, checks: Vec<Check<R>>, compute: impl FnOnce(&[&str]) -> R) -> ! {
    let names: Vec<&str> = checks.iter().map(|(n, _)| n.as_str()).filter(|n| selected(&args, n)).collect();
    let results = (!args.list && !names.is_empty()).then(|| Arc::new(compute(&names)));
    let trials = checks
        .into_iter()
        .map(|(name, f)| {
            let results = results.clone();
            Trial::test(name, move || match &results {
                Some(r) => f(r).map_err(Into::into),
                None => Err("the results were not computed".into()),
            })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit()
}
