//! Bad input gets one clear message naming the cause and the fix, and an exit
//! code that tells "could not run" (3) and "bad command line" (2) from a failing
//! product (1). These start no browser: each fails before anything is spawned.

mod common;

fn run(env: &[(&str, &str)], args: &[&str]) -> (i32, String) {
    let artifacts = std::env::temp_dir().join("ai-suite-e2e-cli-tests");
    let artifacts = artifacts.to_str().expect("a UTF-8 temp path");
    let mut env = env.to_vec();
    env.push(("AI_SUITE_ARTIFACTS", artifacts));
    common::run_binary(&env, args)
}

#[test]
fn an_unreachable_target_is_named() {
    let (code, out) = run(&[("AI_SUITE_URL", "http://127.0.0.1:9"), ("AI_SUITE_USERNAME", "a"), ("AI_SUITE_PASSWORD", "b")], &[]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("the target http://127.0.0.1:9 is unreachable"), "{out}");
    assert!(!out.contains("panicked"), "{out}");
}

#[test]
fn a_bad_url_is_named() {
    let (code, out) = run(&[("AI_SUITE_URL", "staging.example.com")], &[]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("is not an http(s) URL"), "{out}");
}

#[test]
fn a_missing_driver_is_named_with_the_fix() {
    let (code, out) = run(&[("CHROMEDRIVER", "/nonexistent/chromedriver")], &[]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("ChromeDriver was configured at '/nonexistent/chromedriver'"), "{out}");
}

#[test]
fn a_missing_firefox_or_geckodriver_is_named_with_the_fix() {
    let (code, out) = run(&[("GECKODRIVER", "/nonexistent/geckodriver")], &["--browser", "firefox"]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("geckodriver was configured at '/nonexistent/geckodriver'"), "{out}");
    // Nowhere to be found: PATH and cargo's bin folder hold neither.
    let empty = std::env::temp_dir().join(format!("ai-suite-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let empty = empty.to_str().unwrap();
    let (code, out) = run(&[("PATH", empty), ("CARGO_HOME", empty), ("HOME", empty)], &["--browser", "firefox"]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("is not installed") && out.contains("install it with:"), "{out}");
    assert!(out.contains("sudo apt-get install -y firefox-esr") || out.contains("cargo install geckodriver"), "{out}");
    let (code, out) = run(&[("AI_SUITE_BROWSER", "safari")], &[]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("'safari' is not a browser this suite drives: use chromium or firefox"), "{out}");
}

#[test]
fn a_malformed_config_file_is_named() {
    let path = std::env::temp_dir().join(format!("ai-suite-bad-{}.toml", std::process::id()));
    std::fs::write(&path, "[locators]\n\"profile.create_token\" = \"role=button[name=Create]\"\n").unwrap();
    let (code, out) = run(&[("AI_SUITE_CONFIG", path.to_str().unwrap())], &[]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("locator 'profile.create_token'") && out.contains("double quotes"), "{out}");
    std::fs::write(&path, "[target\nurl=").unwrap();
    let (code, out) = run(&[("AI_SUITE_CONFIG", path.to_str().unwrap())], &[]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("is not valid (see ai-suite.example.toml"), "{out}");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_bad_command_line_exits_2_and_names_what_it_refused() {
    let (code, out) = run(&[], &["--no-such-flag"]);
    assert_eq!(code, 2, "{out}");
    // A typo of a command is refused, with the commands listed, not run as the suite.
    for typo in ["doc", "drfit", "servee"] {
        let (code, out) = run(&[], &[typo]);
        assert_eq!(code, 2, "{typo}: {out}");
        assert!(out.contains(&format!("unknown command '{typo}'")) && out.contains("serve") && out.contains("selfcheck"), "{out}");
        assert!(!out.contains("target:"), "{typo}: nothing was started: {out}");
    }
    // A command without what it needs says so.
    let (code, out) = run(&[], &["drift"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("<PATH>"), "{out}");
    // libtest's flags are for test binaries: `cargo run` refuses them like any unknown flag.
    let (code, out) = run(&[], &["--nocapture"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("--nocapture"), "the flag is named: {out}");
    let (code, out) = run(&[], &["--help"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("--tags") && out.contains("serve") && out.contains("docs"), "{out}");
}

#[test]
fn an_unknown_fault_is_named() {
    let (code, out) = run(&[], &["serve", "--fault", "nope"]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("unknown fault 'nope'; known faults: missing-column"), "{out}");
}

#[test]
fn wrong_credentials_are_named_and_mean_could_not_run() {
    let (code, out) = run(
        &[("AI_SUITE_USERNAME", "qa@duplocloud.test"), ("AI_SUITE_PASSWORD", "wrong-password")],
        &["--name", "avatar menu leads"],
    );
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("could not sign in: signing in as 'qa@duplocloud.test' failed: the page says \"Incorrect email or password.\""), "{out}");
    assert!(!out.contains("wrong-password"), "the password must never be printed: {out}");
}
