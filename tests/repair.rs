//! Locator repair, as a user meets it: a release renames, relabels or restructures
//! what the guide's screens show; the run against it fails, hands over
//! `suggested-locators.toml`, and `heal` reruns the failed scenario with it,
//! which passes. For every changed release of the local AI Suite, first
//! without a fingerprint (the default locators' intent), then with the
//! fingerprints of a green run. Two runs at a time: a release's heal beside
//! the next release's failing run (pipelines sharing one target do the same).

mod common;

use std::path::PathBuf;

const GUIDE: &str = "following the user guide step by step";

type Run = (Vec<(String, String)>, Vec<String>);

fn run_dir(out: &str) -> PathBuf {
    ai_suite_e2e::heal::printed_run_dir(out).unwrap_or_else(|| panic!("no run folder in:\n{out}"))
}

fn env(artifacts: &std::path::Path) -> Vec<(String, String)> {
    vec![("AI_SUITE_ARTIFACTS".into(), artifacts.display().to_string()), ("AI_SUITE_TIMEOUT_MS".into(), "5000".into())]
}

/// The release's run with the default locators.
fn release(artifacts: &std::path::Path, variant: &str) -> Run {
    (env(artifacts), ["--name", GUIDE, "--variant", variant].map(String::from).to_vec())
}

/// It failed and suggested `locator` for `key`: the run to heal it.
fn failed_with(variant: &str, (code, out): &(i32, String), key: &str, locator: &str, artifacts: &std::path::Path) -> Run {
    assert_eq!(*code, 1, "{variant} must fail with the default locators:\n{out}");
    let wanted = format!("suggested:  {key} = '{locator}'");
    assert!(out.contains(&wanted), "{variant}: {wanted:?} missing from:\n{out}");
    let dir = run_dir(out);
    let file = std::fs::read_to_string(dir.join("suggested-locators.toml")).unwrap();
    let config: ai_suite_e2e::config::FileConfig = toml::from_str(&file).unwrap();
    assert_eq!(config.locators.get(key).map(String::as_str), Some(locator), "{variant}: {file}");
    (env(artifacts), vec!["heal".into(), dir.display().to_string()])
}

/// `heal` made the failed scenario pass.
fn healed(variant: &str, (code, out): &(i32, String)) {
    assert_eq!(*code, 0, "{variant}: the suggestions must fix the run:\n{out}");
    assert!(out.contains("1 of 1 fixed"), "{variant}:\n{out}");
}

fn two(a: Run, b: Run) -> [(i32, String); 2] {
    let mut r = common::run_binaries_together(vec![a, b]);
    let second = r.pop().unwrap();
    [r.pop().unwrap(), second]
}

#[test]
fn every_changed_release_fails_and_its_suggestions_make_it_pass() {
    let root = std::env::temp_dir().join(format!("ai-suite-repair-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    // A target never run before (no fingerprint: the default locator's role
    // and name), and one where today's build runs green first.
    let (first, green) = (root.join("first-run"), root.join("after-green"));

    let [menu, baseline] = two(release(&first, "release-menu-renamed"), (env(&green), ["--name", GUIDE].map(String::from).to_vec()));
    assert_eq!(baseline.0, 0, "{}", baseline.1);
    let kept = std::fs::read_to_string(green.join("fingerprints/local-ai-suite-chromium.json")).unwrap();
    for key in ["token_created.copy", "profile.create_token", "create_token.dialog", "token_created.value"] {
        assert!(kept.contains(&format!("\"{key}\"")), "{key} has no fingerprint: {kept}");
    }
    // Never a secret: the token's value is one long word, hidden.
    let long_word = regex::Regex::new(r"[A-Za-z0-9_]{24,}").unwrap();
    assert!(!long_word.is_match(&kept), "a token-like word in the fingerprints: {kept}");

    // Each release's heal beside the next release's failing run: a renamed
    // menu item (first run), a renamed button, a button become a link, a
    // dialog become a drawer, fields relabelled (two keys on one path: heal's
    // rerun stops at the second and goes on with both).
    let heal_menu = failed_with("release-menu-renamed", &menu, "profile_menu.profile", r#"role=menuitem[name="My profile"]"#, &first);
    let [menu_healed, copy] = two(heal_menu, release(&green, "release-copy-renamed"));
    healed("release-menu-renamed", &menu_healed);
    let heal_copy = failed_with("release-copy-renamed", &copy, "token_created.copy", r#"role=button[name="Copy to clipboard"]"#, &green);
    let [copy_healed, link] = two(heal_copy, release(&green, "release-create-link"));
    healed("release-copy-renamed", &copy_healed);
    let heal_link = failed_with("release-create-link", &link, "profile.create_token", r#"role=link[name="New API token"]"#, &green);
    let [link_healed, drawer] = two(heal_link, release(&green, "release-drawer"));
    healed("release-create-link", &link_healed);
    let heal_drawer = failed_with("release-drawer", &drawer, "create_token.dialog", "css=div.MuiPaper-root", &green);
    let [drawer_healed, sentence] = two(heal_drawer, release(&green, "release-sentence-case"));
    healed("release-drawer", &drawer_healed);
    let heal_sentence = failed_with("release-sentence-case", &sentence, "create_token.name", r#"role=textbox[name="Token name"]"#, &green);
    let sentence_healed = common::run_binaries_together(vec![heal_sentence]).remove(0);
    healed("release-sentence-case", &sentence_healed);
    assert!(sentence_healed.1.contains("(round 2 of at most 3)") && sentence_healed.1.contains("create_token.expiry = "), "{}", sentence_healed.1);
    let _ = std::fs::remove_dir_all(&root);
}
