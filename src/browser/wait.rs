//! Condition waits: poll until a condition holds or the timeout passes. There
//! is no fixed sleep anywhere in the suite; every wait names what it awaited.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::sync::lock;

/// One wait as the report's timeline shows it: what was awaited, for how
/// long, what the page objects' finds matched, or why it failed.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct WaitRecord {
    pub what: String,
    pub waited: Duration,
    /// The element found (tag, id, classes), when the wait was a find.
    pub matched: Option<String>,
    /// Why it failed (the timeout and the last error).
    pub error: Option<String>,
    /// A failed find: what its locator's alternatives matched and what was near.
    pub candidates: Option<String>,
    /// An optional wait ([`within`]) whose condition never came.
    pub optional: bool,
}

/// The waits of the step running now: every [`until`] and [`within`] inside
/// [`Trace::around`] is recorded here, whoever calls it (page objects, steps).
#[derive(Clone, Default)]
pub struct Trace(Arc<Mutex<TraceState>>);

#[derive(Default)]
struct TraceState {
    waits: Vec<WaitRecord>,
    /// What the last find matched, for the wait around it.
    matched: Option<String>,
}

tokio::task_local! {
    static TRACE: Trace;
}

impl Trace {
    /// Runs `work` with its waits recorded here.
    pub async fn around<T>(&self, work: impl Future<Output = T>) -> T {
        TRACE.scope(self.clone(), work).await
    }

    /// The waits recorded so far, and a fresh start.
    pub fn take(&self) -> Vec<WaitRecord> {
        std::mem::take(&mut lock(&self.0).waits)
    }
}

/// A find matched this element (called by the page objects' finds).
pub fn matched(description: &str) {
    let _ = TRACE.try_with(|t| lock(&t.0).matched = Some(description.to_string()));
}

/// What the locator of the wait that just failed matched (see [`WaitRecord::candidates`]).
pub fn note_candidates(text: String) {
    let _ = TRACE.try_with(|t| {
        if let Some(w) = lock(&t.0).waits.iter_mut().rev().find(|w| w.error.is_some()) {
            w.candidates = Some(text);
        }
    });
}

/// Starts recording one wait: what the finds before it matched is forgotten.
fn begin() -> Instant {
    let _ = TRACE.try_with(|t| lock(&t.0).matched = None);
    Instant::now()
}

fn record(what: &str, started: Instant, error: Option<String>, optional: bool) {
    let _ = TRACE.try_with(|t| {
        let mut t = lock(&t.0);
        let matched = t.matched.take();
        t.waits.push(WaitRecord { what: what.to_string(), waited: started.elapsed(), matched, error, candidates: None, optional });
    });
}

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
    let started = begin();
    let mut poller = Poller::new(timeout, interval);
    let mut last_error: Option<anyhow::Error> = None;
    while poller.tick().await {
        match check().await {
            Ok(Some(v)) => {
                record(what, started, None, false);
                return Ok(v);
            }
            Ok(None) => {}
            Err(e) => last_error = Some(e),
        }
    }
    let e = poller.timed_out(what);
    let e = match last_error {
        Some(last) => anyhow::anyhow!("{e} (last error: {last:#})"),
        None => e,
    };
    record(what, started, Some(crate::secret::redact(&format!("{e:#}"))), false);
    Err(e)
}

/// Polls `check` for at most `timeout`; `None` when it never held. For
/// conditions that may rightly never come (an optional confirmation dialog).
pub async fn within<T, F, Fut>(timeout: Duration, interval: Duration, mut check: F) -> anyhow::Result<Option<T>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<Option<T>>>,
{
    let started = begin();
    let mut poller = Poller::new(timeout, interval);
    while poller.tick().await {
        if let Some(v) = check().await? {
            record("an optional condition", started, None, true);
            return Ok(Some(v));
        }
    }
    record("an optional condition (it did not come)", started, None, true);
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
    async fn waits_inside_a_trace_are_recorded_with_what_they_matched() {
        let trace = Trace::default();
        trace
            .around(async {
                let _ = until("the button", Duration::from_secs(1), Duration::from_millis(1), || async {
                    matched("button.primary");
                    Ok(Some(()))
                })
                .await;
                let _ = until("the dialog", Duration::from_millis(5), Duration::from_millis(1), || async { Ok::<Option<()>, anyhow::Error>(None) }).await;
                note_candidates("alternative 1: 0 visible".into());
            })
            .await;
        let waits = trace.take();
        assert_eq!(waits.len(), 2);
        assert_eq!((waits[0].what.as_str(), waits[0].matched.as_deref(), waits[0].error.is_none()), ("the button", Some("button.primary"), true));
        assert!(waits[1].error.as_deref().is_some_and(|e| e.contains("timed out")), "{:?}", waits[1]);
        assert_eq!(waits[1].candidates.as_deref(), Some("alternative 1: 0 visible"));
        assert!(trace.take().is_empty(), "taken");
        // Outside a trace nothing is recorded and nothing fails.
        until("x", Duration::from_secs(1), Duration::from_millis(1), || async { Ok(Some(())) }).await.unwrap();
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
