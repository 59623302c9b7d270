//! Self-check (harness = false): the suite must FAIL against every fault switch
//! of the local AI Suite, and leave none of its tokens Active when it fails.
//! The unbroken app passing is proven by tests/user_tokens.rs.

use ai_suite_e2e::browser::display::Display;
use ai_suite_e2e::local_suite::Fault;

fn main() {
    let display = Display::prepare();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    // Optional: a fault name to check just that one (cargo test --test selfcheck -- copy-nothing).
    let only: Vec<Fault> = std::env::args()
        .skip(1)
        .filter_map(|a| Fault::ALL.iter().copied().find(|f| f.name() == a))
        .collect();
    // Every fault on the default build, and again on one of the component
    // kits' builds (in turn), so no catch depends on this build's markup.
    let mut rows = runtime.block_on(ai_suite_e2e::selfcheck::run(&only, &[], &display));
    rows.extend(runtime.block_on(ai_suite_e2e::selfcheck::run(&only, ai_suite_e2e::selfcheck::KIT_VARIANTS, &display)));
    drop(runtime);
    println!("\n{}", ai_suite_e2e::selfcheck::table(&rows));
    let mut problems = Vec::new();
    for r in &rows {
        if !r.caught {
            problems.push(format!("fault '{}' was NOT caught (a gap in the suite)", r.fault.name()));
        }
        if r.tokens_left_active != Some(0) {
            problems.push(format!("fault '{}': {:?} token(s) of the failing run left Active", r.fault.name(), r.tokens_left_active));
        }
    }
    drop(display);
    if problems.is_empty() {
        println!("{} passed, 0 failed, 0 skipped", rows.len());
        std::process::exit(0);
    }
    for p in &problems {
        eprintln!("{p}");
    }
    println!("{} passed, {} failed, 0 skipped", rows.len() - problems.len().min(rows.len()), problems.len());
    std::process::exit(1);
}
