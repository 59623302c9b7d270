//! The checks of a `harness = false` test binary, reported as libtest tests
//! (libtest-mimic): one line per check and totals that count them, with the
//! arguments `cargo test` passes (a name filter, `--list`, `--exact`, ...).
//! The expensive work every check reads (suite runs) is done once, and not at
//! all when listing or when the filter leaves no check.

use std::sync::{Arc, OnceLock};

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

/// Computes the results (unless nothing is to run), then runs the checks and exits.
pub fn run<R: Send + Sync + 'static>(args: Arguments, checks: Vec<Check<R>>, compute: impl FnOnce(&[&str]) -> R) -> ! {
    let results = Arc::new(OnceLock::<R>::new());
    let trials: Vec<Trial> = checks
        .into_iter()
        .map(|(name, f)| {
            let results = results.clone();
            Trial::test(name, move || match results.get() {
                Some(r) => f(r).map_err(Into::into),
                None => Err("the results were not computed".into()),
            })
        })
        .collect();
    // What libtest-mimic will run (its own filter, --skip, --exact): only that is computed.
    let names: Vec<&str> = trials.iter().filter(|t| !args.is_filtered_out(t) && !args.is_ignored(t)).map(Trial::name).collect();
    if !args.list && !names.is_empty() {
        let _ = results.set(compute(&names));
    }
    libtest_mimic::run(&args, trials).exit()
}
