//! The guide's pictures (harness = false): a docs-mode run compares every
//! picture with its committed baseline, a second run produces pixel-identical
//! pictures, and the Token Created picture shows the example token (no real
//! token, no painted box).

use std::path::{Path, PathBuf};

use ai_suite_e2e::browser::display::Display;
use ai_suite_e2e::evidence::{REDACTION, docs::SCREENSHOTS_DIR};
use ai_suite_e2e::runner::{self, EXIT_PASSED};

mod checks;

fn pngs(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.join("pictures")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "png") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The largest solid rectangle of the redaction colour: its width and height.
fn redacted_block(path: &Path) -> (u32, u32) {
    let img = image::open(path).unwrap().to_rgba8();
    let (w, h) = img.dimensions();
    let mut best = (0, 0);
    for y in (0..h).step_by(4) {
        let mut run = 0;
        for x in 0..w {
            if *img.get_pixel(x, y) == REDACTION {
                run += 1;
                if run > best.0 {
                    // How tall is the block under this run's end?
                    let height = (y..h).take_while(|yy| *img.get_pixel(x, *yy) == REDACTION).count() as u32;
                    best = (run, height);
                }
            } else {
                run = 0;
            }
        }
    }
    best
}

struct Runs {
    first: runner::RunReport,
    second: runner::RunReport,
    /// A docs check against a release that renamed the Copy button.
    renamed: runner::RunReport,
}

fn main() {
    let checks: Vec<checks::Check<Runs>> = vec![
        checks::check("a docs run passes: every picture matches its baseline in screenshots/", |r: &Runs| {
            checks::ensure(r.first.code == EXIT_PASSED, format!("pictures differ from screenshots/, or a step failed: see {}", r.first.run_dir.display()))
        }),
        checks::check("a second docs run passes too", |r: &Runs| {
            checks::ensure(r.second.code == EXIT_PASSED, format!("see {}", r.second.run_dir.display()))
        }),
        checks::check("both docs runs capture the guide's 9 pictures", |r: &Runs| {
            let (a, b) = (pngs(&r.first.run_dir), pngs(&r.second.run_dir));
            checks::ensure(a.len() == 9 && b.len() == 9, format!("the two docs runs captured {} and {} pictures", a.len(), b.len()))
        }),
        checks::check("the pictures of two docs runs are pixel-identical", |r: &Runs| {
            let (a, b) = (pngs(&r.first.run_dir), pngs(&r.second.run_dir));
            checks::ensure(!a.is_empty() && a.len() == b.len(), "no pictures to compare")?;
            for (x, y) in a.iter().zip(&b) {
                let (ix, iy) = (image::open(x).map_err(|e| e.to_string())?.to_rgba8(), image::open(y).map_err(|e| e.to_string())?.to_rgba8());
                checks::ensure(ix == iy, format!("not pixel-identical: {} vs {}", x.display(), y.display()))?;
            }
            Ok(())
        }),
        // Each run creates a token of its own: pictures identical across two
        // runs (above) and no painted box mean the picture shows neither
        // token, but the one example value the docs mode puts in their place.
        checks::check("the Token Created picture shows the example token in its field, not a painted box", |r: &Runs| {
            let committed = Path::new(SCREENSHOTS_DIR).join("user-tokens-step-08-token-created.png");
            let step8 = |dir: &Path| pngs(dir).into_iter().find(|p| p.ends_with("user-tokens-step-08-token-created.png"));
            for p in [Some(committed), step8(&r.first.run_dir), step8(&r.second.run_dir)] {
                let p = p.ok_or("a run has no Step 8 picture")?;
                let (w, h) = redacted_block(&p);
                checks::ensure(w < 40 || h < 8, format!("{}: a painted block {w}×{h}: the token was painted over instead of shown as the example", p.display()))?;
            }
            Ok(())
        }),
        checks::check("both docs runs match the ARIA snapshot of each picture's screen, and keep their own copies", |r: &Runs| {
            for run in [&r.first, &r.second] {
                let own = std::fs::read_dir(run.run_dir.join("pictures")).map_err(|e| e.to_string())?;
                let snapshots = own.flatten().filter(|e| e.file_name().to_string_lossy().ends_with(".aria.yml")).count();
                checks::ensure(snapshots == 9, format!("{}: {snapshots} ARIA snapshots", run.run_dir.display()))?;
            }
            let committed = std::fs::read_to_string(Path::new(SCREENSHOTS_DIR).join("user-tokens-step-04-create-token-modal.aria.yml")).map_err(|e| e.to_string())?;
            checks::ensure(
                committed.starts_with("- dialog \"Create API Token\":") && committed.contains("- textbox \"Token Name\"") && committed.contains("- button \"Create\" [disabled]"),
                format!("the Step 4 baseline is not the dialog as a reader meets it:\n{committed}"),
            )
        }),
        checks::check("a renamed button fails docs --check with a tree diff of the screen's ARIA snapshot", |r: &Runs| {
            let failure = r.renamed.results.iter().find_map(|s| s.failure.clone()).unwrap_or_default();
            checks::ensure(r.renamed.code != EXIT_PASSED, "the docs check passed against a release that renamed Copy")?;
            checks::ensure(
                failure.contains("differs from its ARIA snapshot")
                    && failure.contains("in dialog \"Token Created\":")
                    && failure.contains("-   - button \"Copy\"")
                    && failure.contains("+   - button \"Copy to clipboard\""),
                format!("no readable ARIA diff in the failure:\n{failure}"),
            )
        }),
        checks::check("no ARIA snapshot holds the token", |r: &Runs| {
            checks::ensure(r.first.leaks.is_empty() && r.second.leaks.is_empty() && r.renamed.leaks.is_empty(), "a docs run's artifacts hold a secret")?;
            let step8 = std::fs::read_to_string(Path::new(SCREENSHOTS_DIR).join("user-tokens-step-08-token-created.aria.yml")).map_err(|e| e.to_string())?;
            checks::ensure(step8.contains("[REDACTED]"), format!("the Step 8 snapshot shows no placeholder for the token:\n{step8}"))
        }),
    ];
    checks::run(libtest_mimic::Arguments::from_args(), checks, |_| {
        let display = Display::prepare();
        let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
        let args = || ["docs", "--docs", "--tags", "@docs"].iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let first = runtime.block_on(runner::run_report(args(), &display, true));
        let second = runtime.block_on(runner::run_report(args(), &display, true));
        let renamed = runtime.block_on(runner::run_report([args(), vec!["--variant".into(), "release-copy-renamed".into()]].concat(), &display, true));
        drop(runtime);
        drop(display);
        Runs { first, second, renamed }
    })
}
