//! Why a browser session could not start, in the user's terms.
//!
//! ChromeDriver answers a failed start with "Chrome instance exited. Examine
//! ChromeDriver verbose log": the cause is in Chromium's own output, which our
//! ChromeDriver keeps in its log (`--enable-chrome-logs`). This module reads
//! the lines written while the session was being created, recognises the
//! causes users meet (each with its own fix) and otherwise shows the lines as
//! they are: a cause it cannot recognise is never replaced by a guess.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::sync::lock;

/// The log of each ChromeDriver this process started, by its URL.
static LOGS: Mutex<Option<HashMap<String, PathBuf>>> = Mutex::new(None);

pub(crate) fn register_log(driver_url: &str, log: &Path) {
    lock(&LOGS).get_or_insert_with(HashMap::new).insert(driver_url.to_string(), log.to_path_buf());
}

/// Where a session start begins in its driver's log (None: not our driver).
pub(crate) fn log_mark(driver_url: &str) -> Option<(PathBuf, u64)> {
    let path = lock(&LOGS).as_ref()?.get(driver_url)?.clone();
    let len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    Some((path, len))
}

/// Lines of Chromium's output that say why it stopped (FATAL, ERROR, "Missing X server", ...).
fn telling_lines(log: &str) -> Vec<String> {
    const MARKS: &[&str] = &["FATAL", ":ERROR:", "ERROR:", "Missing X server", "cannot open display", "No usable sandbox", "error while loading shared libraries", "Trace/breakpoint", "Segmentation fault", "shared memory"];
    log.lines()
        .filter(|l| MARKS.iter().any(|m| l.contains(m)))
        // ChromeDriver's own echo of the WebDriver error says nothing new.
        .filter(|l| !l.contains("RESPONSE InitSession"))
        .map(|l| l.trim().to_string())
        .take(12)
        .collect()
}

/// A recognised cause: what happened, and the fix.
fn recognise(lines: &[String], webdriver_error: &str) -> Option<String> {
    let all = format!("{}\n{webdriver_error}", lines.join("\n"));
    if all.contains("Socket path too long") {
        return Some(
            "Chromium could not create its profile's socket: the temporary folder's path is too long for a Unix \
             socket (107 bytes at most). Fix: point TMPDIR at a short folder (e.g. TMPDIR=/tmp)"
                .into(),
        );
    }
    if all.contains("Missing X server") || all.contains("cannot open display") || all.contains("Unable to open X display") {
        let display = std::env::var("DISPLAY").unwrap_or_default();
        return Some(format!(
            "a headed browser needs an X display, and there is none at DISPLAY={display:?}. Fix: install Xvfb \
             (sudo apt-get install -y xvfb) and unset DISPLAY so the suite starts its own, start an X server \
             there, or run headless (drop --headed / AI_SUITE_HEADED)"
        ));
    }
    if all.contains("No usable sandbox") || all.contains("setuid sandbox") || all.contains("zygote_host_impl_linux") {
        return Some(
            "Chromium's sandbox could not start for this user. Fix: run as a user allowed to create user namespaces \
             (sysctl kernel.unprivileged_userns_clone=1, or on Ubuntu 23.10+ an AppArmor profile for Chromium), \
             or add --no-sandbox through CHROMIUM pointing at a wrapper"
                .into(),
        );
    }
    if all.contains("/dev/shm") || all.contains("shared memory") {
        return Some(format!(
            "Chromium ran out of shared memory ({}). Fix: give the machine a bigger /dev/shm (Docker: \
             --shm-size=1g) or free space in it",
            shm_size().map(|mb| format!("/dev/shm holds {mb} MB")).unwrap_or_else(|| "/dev/shm is missing".into())
        ));
    }
    if let Some(line) = all.lines().find(|l| l.contains("only supports Chrome version") || l.contains("only supports Chromium version")) {
        return Some(format!("{}. Fix: {}", line.trim(), MATCHING_FIX));
    }
    None
}

const MATCHING_FIX: &str =
    "install matching packages: sudo apt-get install -y chromium chromium-driver (or set CHROMIUM / CHROMEDRIVER to a matching pair)";

/// /dev/shm's size in MB, when there is one.
fn shm_size() -> Option<u64> {
    let path = std::ffi::CString::new("/dev/shm").ok()?;
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: a valid C string and a zeroed out-struct.
    if unsafe { libc::statvfs(path.as_ptr(), &mut st) } != 0 {
        return None;
    }
    Some(st.f_blocks as u64 * st.f_frsize as u64 / 1_000_000)
}

/// How every "could not start a browser" message begins.
pub const DID_NOT_START: &str = "the browser did not start";

/// The message for a session that did not start: the recognised cause and its
/// fix, else Chromium's own lines verbatim, else the driver's error verbatim.
pub(crate) fn session_failed(driver_url: &str, mark: Option<(PathBuf, u64)>, error: &str) -> String {
    let lines = match &mark {
        Some((path, from)) => {
            let text = std::fs::read(path).unwrap_or_default();
            let from = (*from as usize).min(text.len());
            telling_lines(&String::from_utf8_lossy(&text[from..]))
        }
        None => Vec::new(),
    };
    let first_line = error.lines().next().unwrap_or(error).trim();
    let mut out = match recognise(&lines, error) {
        Some(cause) => format!("{DID_NOT_START}: {cause}"),
        None => format!("{DID_NOT_START} at {driver_url}: {first_line}"),
    };
    if !lines.is_empty() {
        out.push_str("\nChromium said:\n  ");
        out.push_str(&lines.join("\n  "));
    }
    if let Some((path, _)) = &mark {
        out.push_str(&format!("\n(full log: {})", path.display()));
    }
    out
}

/// The major version in `chromium --version` / `chromedriver --version` output.
fn major(version_output: &str) -> Option<u32> {
    version_output.split_whitespace().find_map(|w| w.split('.').next()?.parse().ok().filter(|_| w.contains('.')))
}

fn version_of(binary: &Path) -> Option<String> {
    let out = std::process::Command::new(binary).arg("--version").stdin(std::process::Stdio::null()).output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Before anything starts: Chromium and ChromeDriver of the same major version
/// (ChromeDriver refuses any other, with a message users rarely connect to the install).
pub fn check_versions(chromium: &Path, chromedriver: &Path) -> anyhow::Result<()> {
    // Two processes that print their versions, asked at once.
    let (browser, driver) = std::thread::scope(|s| {
        let browser = s.spawn(|| version_of(chromium));
        (browser.join().ok().flatten(), version_of(chromedriver))
    });
    let (Some(browser), Some(driver)) = (browser, driver) else {
        // Unknown is not a mismatch: the session start will say what is wrong.
        return Ok(());
    };
    match (major(&browser), major(&driver)) {
        (Some(b), Some(d)) if b != d => anyhow::bail!(
            "Chromium and ChromeDriver do not match: {} is {browser:?} (major {b}), {} is {driver:?} (major {d}); \
             ChromeDriver only drives its own major version. Fix: {MATCHING_FIX}",
            chromium.display(),
            chromedriver.display()
        ),
        _ => Ok(()),
    }
}

/// Before a headed run: an X display must be there.
pub fn check_display(headed: bool, display: Option<&str>) -> anyhow::Result<()> {
    if !headed {
        return Ok(());
    }
    let Some(name) = display else {
        anyhow::bail!(
            "a headed run needs an X display: DISPLAY is not set and Xvfb is not installed. Fix: sudo apt-get \
             install -y xvfb (the suite then starts its own), or run headless (drop --headed / AI_SUITE_HEADED)"
        );
    };
    // :N → /tmp/.X11-unix/XN (a local display; a remote one cannot be checked here).
    if let Some(n) = name.strip_prefix(':').and_then(|n| n.split('.').next())
        && !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
    {
        anyhow::bail!(
            "a headed run needs an X display, and nothing listens at DISPLAY={name} (no /tmp/.X11-unix/X{n}). \
             Fix: start the X server there, unset DISPLAY so the suite starts its own Xvfb, or run headless"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_both_outputs() {
        assert_eq!(major("Chromium 156.0.8078.114 built on Debian GNU/Linux 12 (bookworm)"), Some(156));
        assert_eq!(major("ChromeDriver 156.0.8078.114 (ea19f97-refs/branch-heads/8078_108@{#5})"), Some(156));
        assert_eq!(major("Google Chrome 120.0.6099.71 "), Some(120));
        assert_eq!(major("nothing here"), None);
    }

    #[test]
    fn each_cause_has_its_own_message_and_an_unknown_one_is_shown_verbatim() {
        let error = "session not created: Chrome instance exited. Examine ChromeDriver verbose log to determine the cause.";
        let cases = [
            ("[1:1:FATAL:process_singleton_posix.cc:315] Socket path too long: /x/SingletonSocket", "too long for a Unix socket"),
            ("[1:1:ERROR:ozone_platform_x11.cc(256)] Missing X server or $DISPLAY", "needs an X display"),
            ("[1:1:FATAL:zygote_host_impl_linux.cc(128)] No usable sandbox!", "sandbox"),
            ("[1:1:ERROR:shared_memory.cc] Creating shared memory in /dev/shm/.org.chromium.x failed", "shared memory"),
        ];
        for (line, expected) in cases {
            let lines = telling_lines(line);
            let cause = recognise(&lines, error).unwrap_or_default();
            assert!(cause.contains(expected), "{line:?} gave {cause:?}");
        }
        let odd = telling_lines("[1:1:FATAL:something_new.cc] The flux capacitor is empty");
        assert_eq!(recognise(&odd, error), None);
        assert_eq!(odd, vec!["[1:1:FATAL:something_new.cc] The flux capacitor is empty".to_string()]);
    }
}
