//! A direct DevTools connection to the session's tab, beside ChromeDriver's.
//!
//! Every WebDriver command is an HTTP request that ChromeDriver turns into
//! four to six DevTools calls (an `ExecuteScript` took ~11 ms here, the script
//! itself ~2 ms). The hot path — opening pages, finding, checking, clicking,
//! typing, screenshots — therefore talks to the tab itself over the WebSocket
//! that ChromeDriver reports as `goog:chromeOptions.debuggerAddress`, as
//! Playwright and Puppeteer do (cookies too). Chromium accepts several
//! DevTools clients at once, so ChromeDriver keeps working for everything else.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use thirtyfour::WebDriver;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

type Reply = Result<Value, String>;
type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<Reply>>>>;
/// Receives the tab's events (method, params), in the order the tab sent them.
pub type Listener = Box<dyn Fn(&str, &Value) + Send>;
type Listeners = Arc<Mutex<Vec<Listener>>>;

/// A DevTools client attached to one tab (cheap to clone).
#[derive(Clone)]
pub struct DevTools {
    inner: Arc<Inner>,
}

/// A [`DevTools`] that does not keep the connection open.
#[derive(Clone)]
pub struct WeakDevTools(std::sync::Weak<Inner>);

impl WeakDevTools {
    pub fn upgrade(&self) -> Option<DevTools> {
        self.0.upgrade().map(|inner| DevTools { inner })
    }
}

struct Inner {
    out: mpsc::UnboundedSender<Message>,
    pending: Pending,
    next_id: AtomicU64,
    /// Who hears the tab's events (no one: they are dropped).
    listener: Listeners,
    /// Longest wait for one answer: a hung browser fails the step, it does not hang the run.
    timeout: Duration,
    reader: tokio::task::JoinHandle<()>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// Where the session's browser takes DevTools connections (`host:port`),
/// when it says so (ChromeDriver's `goog:chromeOptions.debuggerAddress`).
pub fn debugger_address(driver: &WebDriver) -> Option<String> {
    let caps = super::session_capabilities(driver);
    // Chromium listens on the IPv4 loopback; "localhost" may resolve to ::1 first.
    caps["goog:chromeOptions"]["debuggerAddress"].as_str().map(|a| a.replace("localhost", "127.0.0.1"))
}

/// One of the browser's DevTools HTTP answers (`/json/list`, `/json/version`).
pub async fn endpoint(address: &str, path: &str, timeout: Duration) -> anyhow::Result<Value> {
    reqwest::Client::new()
        .get(format!("http://{address}{path}"))
        .timeout(timeout)
        .send()
        .await
        .with_context(|| format!("the browser's DevTools endpoint {address} did not answer"))?
        .json()
        .await
        .with_context(|| format!("the browser's DevTools endpoint {address} sent an unreadable answer to {path}"))
}

impl DevTools {
    /// Attaches to the session's current tab, when the browser tells where its
    /// DevTools endpoint is. `Ok(None)`: no endpoint (not Chromium, or a remote
    /// WebDriver whose browsers' endpoints are on another machine).
    pub async fn connect(driver: &WebDriver, timeout: Duration) -> anyhow::Result<Option<Self>> {
        let Some(address) = debugger_address(driver) else {
            return Ok(None);
        };
        let tab = driver.window().await.context("could not read the session's window handle")?.to_string();
        let targets: Vec<Value> = serde_json::from_value(endpoint(&address, "/json/list", timeout).await?)
            .context("the browser's DevTools endpoint sent an unreadable target list")?;
        // ChromeDriver's window handle is the DevTools target id of the tab.
        let Some(url) = targets.iter().find(|t| t["id"].as_str() == Some(tab.as_str())).and_then(|t| t["webSocketDebuggerUrl"].as_str())
        else {
            bail!("the browser's DevTools endpoint {address} does not list the session's tab {tab}");
        };
        Ok(Some(Self::connect_url(url, timeout).await?))
    }

    /// Attaches to a DevTools WebSocket: a tab's, or the browser's own.
    pub async fn connect_url(url: &str, timeout: Duration) -> anyhow::Result<Self> {
        let (socket, _) = tokio::time::timeout(timeout, tokio_tungstenite::connect_async(url))
            .await
            .map_err(|_| anyhow!("connecting to the DevTools socket {url} timed out"))?
            .with_context(|| format!("could not connect to the DevTools socket {url}"))?;
        let (mut sink, mut stream) = socket.split();
        let (out, mut outgoing) = mpsc::unbounded_channel::<Message>();
        tokio::spawn(async move {
            while let Some(m) = outgoing.recv().await {
                if sink.send(m).await.is_err() {
                    break;
                }
            }
            let _ = sink.close().await;
        });
        let pending: Pending = Arc::default();
        let answers = pending.clone();
        let listener: Listeners = Arc::default();
        let hears = listener.clone();
        let reader = tokio::spawn(async move {
            while let Some(Ok(m)) = stream.next().await {
                let Message::Text(text) = m else { continue };
                let Ok(v) = serde_json::from_str::<Value>(&text) else { continue };
                // Events (no id) go to the listener, in the order the tab sent
                // them: an event sent before an answer is heard before it.
                let Some(id) = v["id"].as_u64() else {
                    if let Some(method) = v["method"].as_str() {
                        for f in crate::sync::lock(&hears).iter() {
                            f(method, &v["params"]);
                        }
                    }
                    continue;
                };
                let Some(tx) = crate::sync::lock(&answers).remove(&id) else { continue };
                let reply = match v.get("error") {
                    Some(e) => Err(e["message"].as_str().unwrap_or("unknown DevTools error").to_string()),
                    None => Ok(v["result"].clone()),
                };
                let _ = tx.send(reply);
            }
            // The tab or browser went away: fail whoever still waits.
            crate::sync::lock(&answers).clear();
        });
        Ok(Self { inner: Arc::new(Inner { out, pending, next_id: AtomicU64::new(1), listener, timeout, reader }) })
    }

    /// A handle that does not keep the connection open (for a listener that
    /// sends commands: the connection owns its listeners).
    pub fn downgrade(&self) -> WeakDevTools {
        WeakDevTools(Arc::downgrade(&self.inner))
    }

    /// From now on the tab's events also go to `listener`.
    pub fn listen(&self, listener: Listener) {
        crate::sync::lock(&self.inner.listener).push(listener);
    }

    /// Sends one command to the tab and returns its result.
    pub async fn send(&self, method: &str, params: Value) -> anyhow::Result<Value> {
        self.send_within(method, params, self.inner.timeout).await
    }

    /// [`DevTools::send`], its answer awaited up to `timeout` (a navigation
    /// answers once the server has).
    pub async fn send_within(&self, method: &str, params: Value, timeout: Duration) -> anyhow::Result<Value> {
        let inner = &self.inner;
        let id = inner.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        crate::sync::lock(&inner.pending).insert(id, tx);
        let message = json!({ "id": id, "method": method, "params": params }).to_string();
        if inner.out.send(Message::text(message)).is_err() {
            crate::sync::lock(&inner.pending).remove(&id);
            bail!("the tab's DevTools connection is closed (did the browser quit?)");
        }
        match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(Ok(v))) => Ok(v),
            Ok(Ok(Err(message))) => bail!("DevTools {method}: {message}"),
            Ok(Err(_)) => bail!("the tab's DevTools connection closed before answering {method} (did the browser quit?)"),
            Err(_) => {
                crate::sync::lock(&inner.pending).remove(&id);
                bail!("the browser did not answer DevTools {method} within {:.0} s", timeout.as_secs_f64())
            }
        }
    }
}

