//! The feature suite as `cargo test` runs it (harness = false): the guide's
//! scenarios in a real browser, against the local AI Suite or AI_SUITE_URL.
//! Cucumber's CLI works through it: `cargo test --test user_tokens -- --tags @smoke`.

fn main() {
    // Before the runtime's threads exist: may start Xvfb and set DISPLAY.
    let display = ai_suite_e2e::browser::display::Display::prepare();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    // Only here, a test binary: the arguments `cargo test` passes to every test
    // binary (libtest's flags, a name filter) are dropped; `cargo run` refuses them.
    let args = ai_suite_e2e::runner::strip_libtest_args(std::env::args().collect());
    let code = runtime.block_on(ai_suite_e2e::runner::run(args, &display));
    drop(runtime);
    drop(display);
    std::process::exit(code);
}
