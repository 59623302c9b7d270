//! The feature suite as `cargo test` runs it (harness = false): the guide's
//! scenarios in a real browser, against the local AI Suite or AI_SUITE_URL.
//! Cucumber's CLI works through it: `cargo test --test user_tokens -- --tags @smoke`.

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let code = runtime.block_on(ai_suite_e2e::runner::run(std::env::args().collect()));
    drop(runtime);
    std::process::exit(code);
}
