//! The run's peak memory: this process plus every process of the driver's
//! process group (ChromeDriver and all its browsers), as proportional set
//! size (shared pages split between the processes that share them, so many
//! browser processes are not over-counted).
//!
//! The kernel computes a process's proportional set size by walking its page
//! tables (`/proc/PID/smaps_rollup`): every process every 500 ms, those walks
//! were 8.5% of a whole-suite run's CPU time (perf, 2 cores). So the resident
//! sizes (`/proc/PID/statm`, constant time) are read every 500 ms, and every
//! process is walked, all at one instant, when their sum reached a new high
//! since the last walk, and at least every [`WALK_AT_LEAST`]. (Walking only
//! the processes whose resident size moved was tried: a renderer forked from
//! the zygote lowers the zygote's share without moving its resident size,
//! and the kept figures counted those pages twice, 100-150 MiB over.)

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

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
            let mut walks = Walks { last: None, resident_high: 0 };
            loop {
                tick.tick().await;
                let Ok((now, kept)) = tokio::task::spawn_blocking(move || (walks.sample(group), walks)).await else { break };
                walks = kept;
                if let Some(now) = now {
                    seen.fetch_max(now, Ordering::Relaxed);
                }
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

/// The longest time between two walks of every process.
const WALK_AT_LEAST: Duration = Duration::from_secs(5);
/// A resident sum above the highest walked one by more than this is a new high.
const RESIDENT_SLACK: u64 = 4 * 1024 * 1024;

/// When the processes were last walked, and the highest resident sum walked.
#[derive(Clone, Copy)]
struct Walks {
    last: Option<Instant>,
    resident_high: u64,
}

impl Walks {
    /// The group's proportional total when it is time to walk, else `None`.
    fn sample(&mut self, group: Option<i32>) -> Option<u64> {
        let pids = processes(group);
        let resident: u64 = pids.iter().filter_map(|&p| rss(p)).sum();
        let due = self.last.is_none_or(|t| t.elapsed() >= WALK_AT_LEAST);
        if !due && resident <= self.resident_high + RESIDENT_SLACK {
            return None;
        }
        self.last = Some(Instant::now());
        self.resident_high = self.resident_high.max(resident);
        Some(pids.iter().filter_map(|&p| pss(p)).sum())
    }
}

/// This process and every process in `group`.
fn processes(group: Option<i32>) -> Vec<u32> {
    let me = std::process::id();
    let mut pids = vec![me];
    if let Some(group) = group
        && let Ok(procs) = std::fs::read_dir("/proc")
    {
        for entry in procs.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
            if pid != me && process_group(pid) == Some(group) {
                pids.push(pid);
            }
        }
    }
    pids
}

/// Resident set size of a process, in bytes (/proc/PID/statm's second
/// field, in pages).
fn rss(pid: u32) -> Option<u64> {
    let statm = std::fs::read_to_string(format!("/proc/{pid}/statm")).ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    // SAFETY: a plain syscall.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    Some(pages * page.max(4096) as u64)
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
        assert!(super::processes(Some(group)).contains(&me));
        assert!(super::rss(me).unwrap() >= super::pss(me).unwrap() / 2);
    }

    #[test]
    fn every_process_is_walked_on_a_new_high_and_at_least_every_five_seconds() {
        use std::time::{Duration, Instant};
        // SAFETY: plain syscall.
        let group = Some(unsafe { libc::getpgid(0) });
        let mut walks = super::Walks { last: None, resident_high: 0 };
        assert!(walks.sample(group).is_some_and(|b| b > 1024 * 1024), "the first sample walks");
        // (Other tests in this process allocate meanwhile: the high is set out of their reach.)
        walks.resident_high = u64::MAX / 2;
        assert!(walks.sample(group).is_none(), "no new high, not yet due");
        walks.resident_high = 0;
        assert!(walks.sample(group).is_some(), "a new high walks at once");
        walks.last = Some(Instant::now() - Duration::from_secs(6));
        assert!(walks.sample(group).is_some(), "due after five seconds");
    }
}
