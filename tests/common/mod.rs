//! Running the built binary as a user would, with a clean environment.

use std::process::Command;

/// Runs at once: two (each starts its browsers, and an Xvfb of its own, so
/// clipboards are not shared); a run mostly waits on its pages, so two share 2
/// cores well (tests/targets.rs: 350 s one at a time).
static RUNS: std::sync::Mutex<usize> = std::sync::Mutex::new(0);
static RUN_ENDED: std::sync::Condvar = std::sync::Condvar::new();
const AT_ONCE: usize = 2;

/// A turn to run; given back when dropped.
struct Turn;

impl Turn {
    #[allow(dead_code)]
    fn take() -> Self {
        let mut running = RUNS.lock().unwrap_or_else(|e| e.into_inner());
        while *running >= AT_ONCE {
            running = RUN_ENDED.wait(running).unwrap_or_else(|e| e.into_inner());
        }
        *running += 1;
        Turn
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        *RUNS.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        RUN_ENDED.notify_one();
    }
}

impl Turn {
    /// Every turn at once: nothing else runs meanwhile.
    fn take_all() -> Vec<Self> {
        let mut running = RUNS.lock().unwrap_or_else(|e| e.into_inner());
        while *running > 0 {
            running = RUN_ENDED.wait(running).unwrap_or_else(|e| e.into_inner());
        }
        *running += AT_ONCE;
        (0..AT_ONCE).map(|_| Turn).collect()
    }
}

/// Runs `ai-suite-e2e ARGS` with only `env` set of the suite's variables;
/// returns the exit code and stdout + stderr.
#[allow(dead_code)]
pub fn run_binary(env: &[(&str, &str)], args: &[&str]) -> (i32, String) {
    let _turn = Turn::take();
    run_unturned(env, args)
}

/// Several runs of the binary at the same time (pipelines sharing one
/// target), and no other run meanwhile; their results in order.
#[allow(dead_code)]
pub fn run_binaries_together(runs: Vec<(Vec<(String, String)>, Vec<String>)>) -> Vec<(i32, String)> {
    let _turns = Turn::take_all();
    let handles: Vec<_> = runs
        .into_iter()
        .map(|(env, args)| {
            std::thread::spawn(move || {
                let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                run_unturned(&env, &args)
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().expect("a run's thread panicked")).collect()
}

fn run_unturned(env: &[(&str, &str)], args: &[&str]) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ai-suite-e2e"));
    cmd.args(args);
    // An X display of its own where Xvfb can start one: two runs' clipboards never meet.
    if std::path::Path::new("/usr/bin/Xvfb").exists() || std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join("Xvfb").is_file())) {
        cmd.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY");
    }
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
