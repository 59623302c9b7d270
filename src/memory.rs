//! The run's peak memory: this process plus every process of the driver's
//! process group (ChromeDriver and all its browsers), sampled four times a
//! second as proportional set size (shared pages split between the
//! processes that share them, so many browser processes are not over-counted).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub struct PeakMemory {
    peak: Arc<AtomicU64>,
    sampler: tokio::task::JoinHandle<()>,
}

impl PeakMemory {
    /// Starts sampling; `group`: the driver's process group, when it is ours.
    pub fn watch(group: Option<i32>) -> Self {
        let peak = Arc::new(AtomicU64::new(0));
        let seen = peak.clone();
        let sampler = tokio::spawn(async move {
            // Every 500 ms: the kernel walks each process's page tables for
            // its proportional set size (at 250 ms that walk was 5.7% of a
            // whole-suite run's CPU time, measured with perf).
            let mut tick = tokio::time::interval(Duration::from_millis(500));
            loop {
                tick.tick().await;
                let now = tokio::task::spawn_blocking(move || total(group)).await.unwrap_or(0);
                seen.fetch_max(now, Ordering::Relaxed);
            }
        });
        Self { peak, sampler }
    }

    /// The highest total seen so far, in bytes.
    pub fn peak(&self) -> u64 {
        self.peak.load(Ordering::Relaxed)
    }
}

/// Bytes as MiB, for printing.
pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1048576.0
}

impl Drop for PeakMemory {
    fn drop(&mut self) {
        self.sampler.abort();
    }
}

/// This process's memory plus that of every process in `group`, in bytes.
fn total(group: Option<i32>) -> u64 {
    let me = std::process::id();
    let mut sum = pss(me).unwrap_or(0);
    let Some(group) = group else { return sum };
    let Ok(procs) = std::fs::read_dir("/proc") else { return sum };
    for entry in procs.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        if pid != me && process_group(pid) == Some(group) {
            sum += pss(pid).unwrap_or(0);
        }
    }
    sum
}

/// The process group of a process (the fifth field of /proc/PID/stat).
fn process_group(pid: u32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces: fields are counted after its ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(2)?.parse().ok()
}

/// Proportional set size of a process, in bytes.
fn pss(pid: u32) -> Option<u64> {
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let line = rollup.lines().find(|l| l.starts_with("Pss:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    #[test]
    fn this_process_has_memory_and_a_group() {
        let me = std::process::id();
        assert!(super::pss(me).is_some_and(|b| b > 1024 * 1024), "at least a MiB");
        // SAFETY: plain syscall.
        let group = unsafe { libc::getpgid(0) };
        assert_eq!(super::process_group(me), Some(group));
        assert!(super::total(Some(group)) >= super::pss(me).unwrap());
    }
}
