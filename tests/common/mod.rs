//! Running the built binary as a user would, with a clean environment.

use std::process::Command;

/// One run at a time: each starts browsers (and maybe an Xvfb) of its own.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `ai-suite-e2e ARGS` with only `env` set of the suite's variables;
/// returns the exit code and stdout + stderr.
pub fn run_binary(env: &[(&str, &str)], args: &[&str]) -> (i32, String) {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ai-suite-e2e"));
    cmd.args(args);
    for var in [
        "AI_SUITE_URL",
        "AI_SUITE_CONFIG",
        "AI_SUITE_USERNAME",
        "AI_SUITE_PASSWORD",
        "AI_SUITE_SESSION_COOKIES",
        "AI_SUITE_SESSION_STORAGE",
        "AI_SUITE_API_SESSION_HEADER",
        "AI_SUITE_ALLOW_DESTRUCTIVE",
        "AI_SUITE_ARTIFACTS",
        "CHROMEDRIVER",
        "CHROMIUM",
        "WEBDRIVER_URL",
        "AI_SUITE_BROWSER",
        "GECKODRIVER",
        "FIREFOX",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the binary runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}
