//! The guide's pictures (harness = false): a docs-mode run compares every
//! picture with its committed baseline, a second run produces pixel-identical
//! pictures, and the Token Created picture has the token painted over.

use std::path::{Path, PathBuf};

use ai_suite_e2e::browser::display::Display;
use ai_suite_e2e::evidence::{REDACTION, docs::SCREENSHOTS_DIR};
use ai_suite_e2e::runner::{self, EXIT_PASSED};

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

fn main() {
    let display = Display::prepare();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let args = || ["docs", "--docs", "--tags", "@docs"].iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let first = runtime.block_on(runner::run_report(args(), &display, true));
    let second = runtime.block_on(runner::run_report(args(), &display, true));
    drop(runtime);
    drop(display);

    let mut failures = Vec::new();
    for (n, r) in [(1, &first), (2, &second)] {
        if r.code != EXIT_PASSED {
            failures.push(format!("docs run {n} failed (pictures differ from screenshots/, or a step failed): see {}", r.run_dir.display()));
        }
    }
    let (a, b) = (pngs(&first.run_dir), pngs(&second.run_dir));
    if a.len() != 9 || a.len() != b.len() {
        failures.push(format!("the two docs runs captured {} and {} pictures", a.len(), b.len()));
    }
    for (x, y) in a.iter().zip(&b) {
        let (ix, iy) = (image::open(x).unwrap().to_rgba8(), image::open(y).unwrap().to_rgba8());
        if ix != iy {
            failures.push(format!("not pixel-identical across two docs runs: {} vs {}", x.display(), y.display()));
        }
    }
    let step8 = Path::new(SCREENSHOTS_DIR).join("user-tokens-step-08-token-created.png");
    let (w, h) = redacted_block(&step8);
    if w < 300 || h < 20 {
        failures.push(format!("the token in {} is not painted over (largest solid block {w}×{h})", step8.display()));
    }
    for f in &failures {
        eprintln!("{f}");
    }
    println!("{} passed, {} failed, 0 skipped", 3 - failures.len().min(3), failures.len().min(3));
    std::process::exit(if failures.is_empty() { 0 } else { 1 });
}
