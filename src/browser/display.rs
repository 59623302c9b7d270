//! An X display for headed browsers (the OS clipboard needs one): the existing
//! `DISPLAY`, or our own Xvfb when Xvfb is installed. Must be prepared before
//! the tokio runtime starts threads, because it sets `DISPLAY` for the process.

use std::path::Path;
use std::os::unix::process::CommandExt as _;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A display the run can use for headed sessions; stops our Xvfb on drop.
pub struct Display {
    pub name: Option<String>,
    xvfb: Option<Child>,
    /// Why there is no display, for the report.
    pub note: String,
}

/// Whether this machine can start displays of its own (Xvfb is installed).
pub fn can_start_xvfb() -> bool {
    xvfb_binary().is_some()
}

fn xvfb_binary() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).chain([std::path::PathBuf::from("/usr/bin")]).map(|d| d.join("Xvfb")).find(|p| p.is_file())
}

impl Display {
    /// Call from `main` before building the tokio runtime.
    pub fn prepare() -> Self {
        if let Ok(d) = std::env::var("DISPLAY")
            && !d.is_empty()
        {
            return Self { name: Some(d.clone()), xvfb: None, note: format!("existing display {d}") };
        }
        let Some(xvfb) = xvfb_binary() else {
            return Self {
                name: None,
                xvfb: None,
                note: "no DISPLAY and Xvfb is not installed (sudo apt-get install -y xvfb): the clipboard is read \
                       through the browser instead of the OS"
                    .into(),
            };
        };
        // A display number nobody uses. Two runs starting at once may pick the
        // same one: the second Xvfb finds the lock taken and exits, and the
        // next free number is tried.
        let mut tried = 0;
        let mut last_error = String::from("no free X display number for Xvfb");
        let (n, child) = loop {
            let Some(n) = (99..199u32).skip(tried).find(|n| !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() && !Path::new(&format!("/tmp/.X{n}-lock")).exists())
            else {
                return Self { name: None, xvfb: None, note: last_error };
            };
            tried = (n - 99 + 1) as usize;
            match start_xvfb(&xvfb, n) {
                Ok(child) => break (n, child),
                Err(Taken) if tried < 100 => last_error = format!("display :{n} was taken by another Xvfb as this one started"),
                Err(Taken) => return Self { name: None, xvfb: None, note: last_error },
                Err(Failed(why)) => return Self { name: None, xvfb: None, note: why },
            }
        };
        let name = format!(":{n}");
        // SAFETY: called before any other thread exists (before the tokio runtime).
        unsafe { std::env::set_var("DISPLAY", &name) };
        Self { name: Some(name.clone()), xvfb: Some(child), note: format!("own Xvfb on {name}") }
    }
}

enum StartError {
    /// Another X server holds the display (it exited at once).
    Taken,
    Failed(String),
}
use StartError::{Failed, Taken};

/// Starts Xvfb on `:n`.
fn start_xvfb(xvfb: &Path, n: u32) -> Result<Child, StartError> {
    let mut command = Command::new(xvfb);
    command
        .args([format!(":{n}"), "-screen".into(), "0".into(), "1920x1080x24".into(), "-nolisten".into(), "tcp".into()])
        .env(super::OWNER_ENV, std::process::id().to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: only an async-signal-safe syscall between fork and exec. Xvfb
    // stops (SIGTERM: it removes its lock file) when this process dies,
    // even by SIGKILL; `prepare` runs on the main thread, which lives as
    // long as the process.
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            Ok(())
        });
    }
    let mut child = command.spawn().map_err(|e| Failed(format!("Xvfb could not start: {e}")))?;
    // Ready when its socket exists and the display's lock names it (not
    // another Xvfb that took the number first): a condition, polled (no
    // runtime yet, so a blocking poll).
    let socket = format!("/tmp/.X11-unix/X{n}");
    let lock = || std::fs::read_to_string(format!("/tmp/.X{n}-lock")).ok().map(|pid| pid.trim().to_string());
    let ours = |child: &Child| lock().is_some_and(|pid| pid == child.id().to_string());
    let deadline = Instant::now() + Duration::from_secs(10);
    while !Path::new(&socket).exists() || !ours(&child) {
        if let Ok(Some(status)) = child.try_wait() {
            // Another X server's lock on the number: taken; else Xvfb itself failed.
            return Err(match lock() {
                Some(pid) if pid != child.id().to_string() => Taken,
                _ => Failed(format!("Xvfb exited at once ({status}) on display :{n}")),
            });
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Failed("Xvfb did not come up within 10 s".into()));
        }
        // The poll's interval (the wait is the condition above, with its deadline).
        std::thread::sleep(Duration::from_millis(5));
    }
    Ok(child)
}

impl Drop for Display {
    fn drop(&mut self) {
        if let Some(mut child) = self.xvfb.take() {
            // SIGTERM, not SIGKILL: Xvfb then removes its lock file. An Xvfb
            // still finishing its start-up can lose that signal (it clears its
            // pending exit as its main loop starts; seen once in ~100 starts):
            // after 3 s it is killed, and its lock and socket removed for it.
            unsafe {
                libc::kill(child.id() as i32, libc::SIGTERM);
            }
            let deadline = Instant::now() + Duration::from_secs(3);
            loop {
                match child.try_wait() {
                    Ok(Some(_)) => break,
                    Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
                    _ => {
                        let _ = child.kill();
                        let _ = child.wait();
                        if let Some(n) = self.name.as_deref().and_then(|d| d.strip_prefix(':')) {
                            let _ = std::fs::remove_file(format!("/tmp/.X{n}-lock"));
                            let _ = std::fs::remove_file(format!("/tmp/.X11-unix/X{n}"));
                        }
                        break;
                    }
                }
            }
        }
    }
}
