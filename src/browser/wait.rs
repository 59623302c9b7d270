//! Condition waits: poll until a condition holds or the timeout passes. There
//! is no fixed sleep anywhere in the suite; every wait names what it awaited.

use std::future::Future;
use std::time::Duration;


/// The pacing of one wait: a deadline and a poll interval. Call [`Poller::tick`]
/// before each check; it returns false once the deadline has passed (after
/// which one last check is still worth making by the caller, if it wants).
pub struct Poller {
    deadline: tokio::time::Instant,
    ticker: tokio::time::Interval,
    timeout: Duration,
}

impl Poller {
    pub fn new(timeout: Duration, interval: Duration) -> Self {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Self { deadline: tokio::time::Instant::now() + timeout, ticker, timeout }
    }

    /// Waits for the next poll; false when the time is up.
    pub async fn tick(&mut self) -> bool {
        if tokio::time::Instant::now() >= self.deadline {
            return false;
        }
        self.ticker.tick().await;
        true
    }

    pub fn timed_out(&self, what: &str) -> anyhow::Error {
        anyhow::anyhow!("timed out after {:.1}s waiting for {what}", self.timeout.as_secs_f64())
    }
}

/// Polls `check` until it returns `Some`, or fails naming `what` was awaited.
/// Errors from `check` are treated as "not yet" (a stale element, a click
/// intercepted by an animating overlay); the last one is reported on timeout.
pub async fn until<T, F, Fut>(what: &str, timeout: Duration, interval: Duration, mut check: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<Option<T>>>,
{
    let mut poller = Poller::new(timeout, interval);
    let mut last_error: Option<anyhow::Error> = None;
    while poller.tick().await {
        match check().await {
            Ok(Some(v)) => return Ok(v),
            Ok(None) => {}
            Err(e) => last_error = Some(e),
        }
    }
    let e = poller.timed_out(what);
    Err(match last_error {
        Some(last) => anyhow::anyhow!("{e} (last error: {last:#})"),
        None => e,
    })
}

/// Polls `check` for at most `timeout`; `None` when it never held. For
/// conditions that may rightly never come (an optional confirmation dialog).
pub async fn within<T, F, Fut>(timeout: Duration, interval: Duration, mut check: F) -> anyhow::Result<Option<T>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<Option<T>>>,
{
    let mut poller = Poller::new(timeout, interval);
    while poller.tick().await {
        if let Some(v) = check().await? {
            return Ok(Some(v));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn until_names_what_it_awaited() {
        let e = until("the moon to turn blue", Duration::from_millis(30), Duration::from_millis(5), || async {
            Ok::<Option<()>, anyhow::Error>(None)
        })
        .await
        .unwrap_err();
        assert_eq!(e.to_string(), "timed out after 0.0s waiting for the moon to turn blue");
    }

    #[tokio::test]
    async fn until_returns_as_soon_as_the_condition_holds() {
        let mut n = 0;
        let v = until("three polls", Duration::from_secs(5), Duration::from_millis(1), || {
            n += 1;
            let n = n;
            async move { Ok(if n >= 3 { Some(n) } else { None }) }
        })
        .await
        .unwrap();
        assert_eq!(v, 3);
    }

    #[tokio::test]
    async fn until_reports_the_last_error() {
        let e = until("a click", Duration::from_millis(20), Duration::from_millis(5), || async {
            Err::<Option<()>, _>(anyhow::anyhow!("element click intercepted"))
        })
        .await
        .unwrap_err();
        assert!(e.to_string().contains("last error: element click intercepted"));
    }
}
