//! Locator repair, as a user meets it: a release renames, relabels or restructures
//! what the guide's screens show; the run against it fails, hands over
//! `suggested-locators.toml`, and `heal` reruns the failed scenario with it,
//! which passes. For every changed release of the local AI Suite, first
//! without a fingerprint (the default locators' intent), then with the
//! fingerprints of a green run.

mod common;

use std::path::PathBuf;

const GUIDE: &str = "following the user guide step by step";

fn run_dir(out: &str) -> PathBuf {
    PathBuf::from(out.lines().find_map(|l| l.strip_prefix("artifacts: ")).unwrap_or_else(|| panic!("no run folder in:\n{out}")))
}

/// The release fails with the default locators and suggests `locator` for
/// `key`; `heal` reruns the failed scenario with the suggestions: it passes.
/// Returns what heal printed.
fn fails_then_heals(env: &[(&str, &str)], variant: &str, key: &str, locator: &str) -> String {
    let (code, out) = common::run_binary(env, &["--name", GUIDE, "--variant", variant]);
    assert_eq!(code, 1, "{variant} must fail with the default locators:\n{out}");
    let wanted = format!("suggested:  {key} = '{locator}'");
    assert!(out.contains(&wanted), "{variant}: {wanted:?} missing from:\n{out}");
    let dir = run_dir(&out);
    let file = std::fs::read_to_string(dir.join("suggested-locators.toml")).unwrap();
    let config: ai_suite_e2e::config::FileConfig = toml::from_str(&file).unwrap();
    assert_eq!(config.locators.get(key).map(String::as_str), Some(locator), "{variant}: {file}");
    let (code, out) = common::run_binary(env, &["heal", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{variant}: the suggestions must fix the run:\n{out}");
    assert!(out.contains("1 of 1 fixed"), "{variant}:\n{out}");
    out
}

#[test]
fn every_changed_release_fails_and_its_suggestions_make_it_pass() {
    let artifacts = std::env::temp_dir().join(format!("ai-suite-repair-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&artifacts);
    let artifacts_s = artifacts.to_str().unwrap().to_string();
    let env = [("AI_SUITE_ARTIFACTS", artifacts_s.as_str()), ("AI_SUITE_TIMEOUT_MS", "5000")];
    let fingerprints = artifacts.join("fingerprints/local-ai-suite-chromium.json");

    // A first run on this target: no fingerprint, the default locator's role and name.
    fails_then_heals(&env, "release-menu-renamed", "profile_menu.profile", r#"role=menuitem[name="My profile"]"#);

    // A green run of today's build keeps what each key found.
    let (code, out) = common::run_binary(&env, &["--name", GUIDE]);
    assert_eq!(code, 0, "{out}");
    let kept = std::fs::read_to_string(&fingerprints).unwrap();
    for key in ["token_created.copy", "profile.create_token", "create_token.dialog", "token_created.value"] {
        assert!(kept.contains(&format!("\"{key}\"")), "{key} has no fingerprint: {kept}");
    }
    // Never a secret: the token's value is one long word, hidden.
    let long_word = regex::Regex::new(r"[A-Za-z0-9_]{24,}").unwrap();
    assert!(!long_word.is_match(&kept), "a token-like word in the fingerprints: {kept}");

    // Against its last green run: a renamed button, a button become a link, a dialog become a drawer.
    fails_then_heals(&env, "release-copy-renamed", "token_created.copy", r#"role=button[name="Copy to clipboard"]"#);
    fails_then_heals(&env, "release-create-link", "profile.create_token", r#"role=link[name="New API token"]"#);
    fails_then_heals(&env, "release-drawer", "create_token.dialog", "css=div.MuiPaper-root");
    // Two keys broken on one path: the rerun stops at the second, and heal goes on with both.
    let out = fails_then_heals(&env, "release-sentence-case", "create_token.name", r#"role=textbox[name="Token name"]"#);
    assert!(out.contains("(round 2 of at most 3)") && out.contains("create_token.expiry = "), "{out}");
    let _ = std::fs::remove_dir_all(&artifacts);
}
