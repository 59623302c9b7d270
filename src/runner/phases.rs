//! Where a run's time went outside its scenarios: each stage of starting and
//! ending the run, timed and printed last (`cargo run` shows it; `bench`
//! reads the same figures).

use std::future::Future;
use std::time::{Duration, Instant};

/// The run's stages outside the scenarios, in the order they ended.
#[derive(Default, Clone)]
pub struct Phases {
    done: Vec<(&'static str, Duration)>,
}

impl Phases {
    /// Awaits `work`, timing it as `name`.
    pub async fn time<T>(&mut self, name: &'static str, work: impl Future<Output = T>) -> T {
        let start = Instant::now();
        let out = work.await;
        self.done.push((name, start.elapsed()));
        out
    }

    /// Records a stage timed elsewhere.
    pub fn add(&mut self, name: &'static str, took: Duration) {
        self.done.push((name, took));
    }

    pub fn total(&self) -> Duration {
        self.done.iter().map(|(_, d)| *d).sum()
    }

    /// `outside the scenarios 412 ms: prerequisites 3 ms, ...`.
    pub fn line(&self) -> String {
        let parts: Vec<String> = self.done.iter().map(|(n, d)| format!("{n} {} ms", d.as_millis())).collect();
        format!("outside the scenarios {} ms: {}", self.total().as_millis(), parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stages_add_up_in_the_order_they_ended() {
        let mut p = Phases::default();
        let got = p.time("target", async { 7 }).await;
        p.add("reports", Duration::from_millis(12));
        assert_eq!(got, 7, "the stage's own answer comes back");
        assert!(p.total() >= Duration::from_millis(12));
        let line = p.line();
        assert!(line.starts_with("outside the scenarios "), "{line}");
        assert!(line.find("target").unwrap() < line.find("reports 12 ms").unwrap(), "{line}");
    }
}
