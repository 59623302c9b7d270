//! What a test's runs left running: every process they start (drivers,
//! browsers, a Grid) inherits a mark in its environment, so what is still
//! there once they have ended can be found by it.

use std::time::{Duration, Instant};

/// The processes whose environment holds `mark` (`NAME=value`), each as
/// `pid command`; processes killed a moment ago get 3 s to go first.
pub fn left_behind(mark: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let left = marked(mark);
        if left.is_empty() || Instant::now() >= deadline {
            return left;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn marked(mark: &str) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else { continue };
        if environ.split(|b| *b == 0).any(|v| v == mark.as_bytes()) {
            let cmd = std::fs::read_to_string(entry.path().join("cmdline")).unwrap_or_default().replace('\0', " ");
            out.push(format!("{} {}", entry.file_name().to_string_lossy(), cmd.chars().take(80).collect::<String>()));
        }
    }
    out
}
