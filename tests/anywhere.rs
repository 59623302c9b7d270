//! The suite runs wherever a QA engineer runs it, and when it cannot, it says
//! the real cause: a long checkout or temp path, and each way a browser fails
//! to start, provoked and checked by its message.

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

mod common;
use common::run_binary as suite;

fn tail(text: &str) -> String {
    text.lines().rev().take(30).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n")
}

/// A folder whose absolute path is at least `len` characters.
fn deep_folder(tag: &str, len: usize) -> PathBuf {
    let mut p = std::env::temp_dir().join(format!("ai-suite-{tag}-{}", std::process::id()));
    let mut n = 0;
    while p.as_os_str().len() < len {
        n += 1;
        p = p.join(format!("a-rather-long-folder-name-{n}"));
    }
    std::fs::create_dir_all(&p).unwrap();
    p
}

#[test]
fn a_run_passes_from_artifacts_and_temp_folders_with_150_character_paths() {
    let deep = deep_folder("deep", 150);
    let temp = deep.join("tmp");
    std::fs::create_dir_all(&temp).unwrap();
    assert!(deep.as_os_str().len() >= 150 && temp.as_os_str().len() >= 150);
    let (code, out) = suite(
        &[("AI_SUITE_ARTIFACTS", deep.to_str().unwrap()), ("TMPDIR", temp.to_str().unwrap())],
        &["--name", "following the user guide|avatar menu leads"],
    );
    assert_eq!(code, 0, "{}", tail(&out));
    assert!(out.contains("2 passed, 0 failed, 0 skipped"), "{}", tail(&out));
    // Artifacts where asked; the browsers' folder removed at the end.
    let runs: Vec<_> = std::fs::read_dir(&deep).unwrap().flatten().filter(|e| e.file_name().to_string_lossy().starts_with("run-")).collect();
    assert_eq!(runs.len(), 1);
    assert!(runs[0].path().join("report.html").is_file());
    let id = runs[0].file_name().to_string_lossy().rsplit('-').next().unwrap().to_string();
    assert!(!Path::new(&format!("/tmp/ai-suite-{id}")).exists(), "the browsers' temp folder is removed");
    let _ = std::fs::remove_dir_all(std::env::temp_dir().join(format!("ai-suite-deep-{}", std::process::id())));
}

/// A stand-in for Chromium: answers `--version` like the real one (so the
/// version check passes unless asked otherwise) and otherwise prints `said`
/// on stderr and exits, as Chromium does when it cannot start.
fn fake_chromium(name: &str, version: &str, said: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ai-suite-fake-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let script = format!(
        "#!/bin/sh\ncase \"$1\" in --version) echo '{version}'; exit 0;; esac\necho '{said}' >&2\nexit 1\n"
    );
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn real_version() -> String {
    let out = std::process::Command::new("chromium").arg("--version").output().expect("chromium is installed");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Runs one scenario with this Chromium; the run must stop as "could not run" (3).
fn start_fails_with(chromium: &Path, env: &[(&str, &str)]) -> String {
    let mut vars = vec![("CHROMIUM", chromium.to_str().unwrap())];
    vars.extend_from_slice(env);
    let (code, out) = suite(&vars, &["--name", "avatar menu leads"]);
    assert_eq!(code, 3, "{}", tail(&out));
    out
}

#[test]
fn each_reason_a_browser_cannot_start_has_its_own_message() {
    let version = real_version();
    let cases = [
        (
            "socket",
            "[9:9:1202/000000.000000:FATAL:chrome/browser/process_singleton_posix.cc:315] Socket path too long: /x/org.chromium.Chromium.abc/SingletonSocket.",
            "too long for a Unix socket",
        ),
        (
            "sandbox",
            "[9:9:1202/000000.000000:FATAL:zygote_host_impl_linux.cc(128)] No usable sandbox! see apparmor-userns-restrictions.md.",
            "sandbox could not start",
        ),
        (
            "shm",
            "[9:9:1202/000000.000000:ERROR:platform_shared_memory_region_posix.cc(214)] Creating shared memory in /dev/shm/.org.chromium.Chromium.x failed: No space left on device (28)",
            "ran out of shared memory",
        ),
    ];
    for (name, said, cause) in cases {
        let out = start_fails_with(&fake_chromium(name, &version, said), &[]);
        assert!(out.contains(cause), "{name}: {}", tail(&out));
        assert!(out.contains(said), "{name}: Chromium's own line is shown: {}", tail(&out));
        assert!(out.contains("the suite could not run: the browser did not start"), "{}", tail(&out));
        assert!(!out.contains("apt-get install -y chromium chromium-driver"), "{name}: no install hint for a non-install cause");
    }
    // A cause the suite does not know is shown as it is, not replaced by a guess.
    let odd = "[9:9:1202/000000.000000:FATAL:flux.cc(1)] The flux capacitor is empty";
    let out = start_fails_with(&fake_chromium("odd", &version, odd), &[]);
    assert!(out.contains(odd), "{}", tail(&out));
    assert!(out.contains("the browser did not start at http://127.0.0.1:"), "{}", tail(&out));
    for guess in ["Fix:", "install", "sandbox", "X display"] {
        assert!(!out.contains(guess), "no guess ({guess}) for an unknown cause: {}", tail(&out));
    }
}

#[test]
fn a_chromium_and_chromedriver_of_different_major_versions_are_named() {
    let fake = fake_chromium("old", "Chromium 120.0.6099.71 built on Debian GNU/Linux 12 (bookworm)", "unused");
    let (code, out) = suite(&[("CHROMIUM", fake.to_str().unwrap())], &["--name", "avatar menu leads"]);
    assert_eq!(code, 3, "{}", tail(&out));
    assert!(out.contains("Chromium and ChromeDriver do not match") && out.contains("major 120"), "{}", tail(&out));
    assert!(out.contains("apt-get install -y chromium chromium-driver"), "{}", tail(&out));
}

#[test]
fn a_headed_run_without_an_x_display_says_so() {
    // Nothing listens on display :87.
    assert!(!Path::new("/tmp/.X11-unix/X87").exists());
    let (code, out) = suite(&[("DISPLAY", ":87")], &["--headed", "--name", "avatar menu leads"]);
    assert_eq!(code, 3, "{}", tail(&out));
    assert!(out.contains("a headed run needs an X display, and nothing listens at DISPLAY=:87"), "{}", tail(&out));
}
