//! What the page itself says while a scenario runs: its console messages, its
//! uncaught errors and unhandled rejections, and every request it makes to the
//! target (method, path, status, duration), each tagged with the step it
//! happened in. Heard from the tab's own DevTools events (`Runtime`,
//! `Network`), in the order the tab sent them, so everything the page did
//! before the suite's last command to it has been heard when that command's
//! answer arrives.
//!
//! Only what the target says counts: messages of the browser itself
//! (extensions, the favicon, requests to other origins such as the dead proxy)
//! are not recorded. Texts are redacted as they are recorded: every secret the
//! run knows, and any word that looks like a token (a token the suite has not
//! read yet, logged by the page at creation). No header or body is kept.
//!
//! Two things more are read from what the page does. The Create call's
//! answer (DevTools `Network.getResponseBody`, the moment it has loaded):
//! only the new token's id and stored name are kept, for the clean-up, and
//! its token-like values are registered as secrets — the body itself is
//! dropped at once. And a secret in what the page writes (its console at
//! any level, its uncaught errors): a token the run created or a password it
//! typed there fails the step as a security failure, whether the suite knew
//! the secret when it was written or learnt it later (only a hash of each
//! token-like word is kept for that).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::devtools::{DevTools, WeakDevTools};
use crate::config::PageChecks;
use crate::sync::lock;

/// The step number of what happens after a scenario's last step (its clean-up).
pub const AFTER_SCENARIO: usize = usize::MAX;

/// How a step number reads in a report: `step 3`, or what it stands for.
pub fn step_label(step: usize) -> String {
    match step {
        0 => "while the page opened".to_string(),
        AFTER_SCENARIO => "after the scenario (clean-up)".to_string(),
        n => format!("step {n}"),
    }
}

/// What kind of event the page produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EventKind {
    /// `console.*`: the level is `log`, `info`, `warning`, `error`, `debug`, `assert`...
    Console,
    /// An uncaught exception or an unhandled promise rejection.
    PageError,
    /// A request to the target: the level is its method.
    Request,
}

/// One thing the page said or did.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PageEvent {
    /// The step it happened in (1-based; 0: while the scenario's page opened).
    pub step: usize,
    /// Since the scenario's page was opened.
    pub at: Duration,
    pub kind: EventKind,
    pub level: String,
    /// The message, the error, or the request's path (redacted).
    pub text: String,
    /// Where in the page's scripts (`url:line`), when the browser says.
    pub source: Option<String>,
    /// A request's HTTP status, once answered.
    pub status: Option<u16>,
    /// A request's time from sent to fully loaded (or failed).
    pub duration: Option<Duration>,
    /// A request that got no answer: why (`net::ERR_ABORTED`, canceled...).
    pub failed: Option<String>,
    /// Already turned into a step failure.
    #[serde(skip)]
    reported: bool,
    /// The secret the text held when it was written, as a sentence names it
    /// ("the new token", "a password it typed"), when the suite knew it then.
    #[serde(skip)]
    secret: Option<&'static str>,
    /// SHA-256 of each token-like word of the text: a token the suite learns
    /// later (it reads the dialog after the page logged it) is recognised by it.
    #[serde(skip)]
    words: Vec<[u8; 32]>,
}

impl PageEvent {
    /// One line, as the report and the console show it.
    pub fn line(&self) -> String {
        let source = self.source.as_deref().map(|s| format!(" ({s})")).unwrap_or_default();
        match self.kind {
            EventKind::Console => format!("console.{}: {}{source}", self.level, self.text),
            EventKind::PageError => format!("{}: {}{source}", self.level, self.text),
            EventKind::Request => {
                let outcome = match (self.status, &self.failed) {
                    (Some(s), _) => s.to_string(),
                    (None, Some(why)) => format!("failed: {why}"),
                    (None, None) => "no answer yet".into(),
                };
                let took = self.duration.map(|d| format!(" in {} ms", d.as_millis())).unwrap_or_default();
                format!("{} {} → {outcome}{took}", self.level, self.text)
            }
        }
    }
}

/// How a security failure begins: the page wrote a secret where scripts read it.
pub const LEAK: &str = "the page wrote ";

/// Where the page wrote: `console.log`, `console.warn`, an uncaught error.
fn written_where(e: &PageEvent) -> String {
    match (e.kind, e.level.as_str()) {
        (EventKind::Console, "warning") => "to its console (console.warn)".into(),
        (EventKind::Console, level) => format!("to its console (console.{level})"),
        (_, level) => format!("to its console (an {level})"),
    }
}

/// The secret an event of the page's console or errors holds, as a sentence
/// names it: known when it was written, or one of `known` (hashes of every
/// secret the run knows now) among its token-like words.
fn leaked(e: &PageEvent, known: &[([u8; 32], &'static str)]) -> Option<&'static str> {
    if e.kind == EventKind::Request {
        return None;
    }
    e.secret.or_else(|| known.iter().find(|(h, _)| e.words.contains(h)).map(|(_, what)| *what))
}

/// Why this event fails its step under `checks`, if it does. A secret
/// written by the page always does (no setting or allow-list excuses it).
fn fault(checks: &PageChecks, e: &PageEvent, known: &[([u8; 32], &'static str)]) -> Option<String> {
    if let Some(what) = leaked(e, known) {
        let source = e.source.as_deref().map(|s| format!(" ({s})")).unwrap_or_default();
        return Some(format!("{LEAK}{what} {}: {}{source}", written_where(e), e.text));
    }
    let allowed = || checks.allow.iter().any(|r| r.is_match(&e.text));
    match e.kind {
        EventKind::PageError if checks.page_errors && !allowed() => Some(format!("{}: {}", e.level, e.text)),
        EventKind::Console if checks.page_errors && matches!(e.level.as_str(), "error" | "assert") && !allowed() => {
            Some(format!("console.{}: {}", e.level, e.text))
        }
        EventKind::Request if checks.server_errors && e.status.is_some_and(|s| s >= 500) => {
            Some(format!("{} {} answered {}", e.level, e.text, e.status.unwrap_or_default()))
        }
        _ => None,
    }
    .map(|what| format!("{what}{}", e.source.as_deref().map(|s| format!(" ({s})")).unwrap_or_default()))
}

struct State {
    step: usize,
    started: Instant,
    events: Vec<PageEvent>,
    /// Requests sent and not yet finished: DevTools request id → (event index, sent at, in the browser's seconds).
    open: HashMap<String, (usize, f64)>,
    /// The target's origin (`http://host:port`): requests elsewhere are not the target's.
    origin: String,
    /// Requests of the browser's own (the favicon), with the redirects that follow them.
    ignored: std::collections::HashSet<String>,
    /// The Create endpoint's path and where its answer keeps the new token's id.
    creates: Option<CreateWatch>,
    /// Requests to the Create endpoint: their ids, until answered other than 2xx or read.
    create_requests: std::collections::HashSet<String>,
    /// What the Create answers said, not yet taken by the clean-up.
    identities: Vec<crate::api::Identity>,
    /// Create answers being read now.
    reading: usize,
    /// Create answers (2xx) that could not be read: no id in them, or gone.
    unread: usize,
}

/// The Create call, as `[api]` names it.
#[derive(Clone, Debug)]
pub struct CreateWatch {
    /// Its path on the target (`/api/tokens`).
    pub path: String,
    /// `[api] created_id_pointer`.
    pub pointer: Option<String>,
}

impl State {
    /// One event, in the step running now.
    fn record(&mut self, kind: EventKind, level: &str, text: String, source: Option<String>) {
        let (step, at) = (self.step, self.started.elapsed());
        self.events.push(PageEvent {
            step,
            at,
            kind,
            level: level.to_string(),
            text,
            source,
            status: None,
            duration: None,
            failed: None,
            reported: false,
            secret: None,
            words: Vec::new(),
        });
    }

    /// What the page wrote (its console, an error): recorded redacted, with
    /// the secret it held if the suite knows it, and the hashes of its
    /// token-like words for a secret the suite learns later.
    fn record_text(&mut self, kind: EventKind, level: &str, raw: &str, source: Option<String>) {
        self.record(kind, level, scrub(raw), source);
        let e = self.events.last_mut().expect("just recorded");
        e.secret = crate::secret::all().iter().find(|s| raw.contains(s.as_str())).map(|s| crate::secret::describe(s));
        e.words = crate::secret::token_like_words(raw).into_iter().map(crate::secret::hash).collect();
    }

    /// A request sent at `sent` (the browser's seconds), recorded and kept
    /// open under its id when it is the target's (not another origin's, nor
    /// the browser's own favicon request or the redirects after it).
    fn request_sent(&mut self, id: String, url: &str, method: &str, sent: f64) {
        let (their, path) = split_origin(url);
        if their != self.origin {
            return;
        }
        if path.starts_with("/favicon.ico") || self.ignored.contains(&id) {
            self.ignored.insert(id);
            return;
        }
        let path = if path.starts_with('/') { path.to_string() } else { format!("/{path}") };
        if method.eq_ignore_ascii_case("POST")
            && let Some(watch) = &self.creates
            && path.split(['?', '#']).next() == Some(watch.path.as_str())
        {
            self.create_requests.insert(id.clone());
        }
        self.record(EventKind::Request, method, scrub(&path), None);
        let i = self.events.len() - 1;
        self.open.insert(id, (i, sent));
    }
}

/// Records one tab's events (cheap to clone).
#[derive(Clone)]
pub struct Recorder {
    state: Arc<Mutex<State>>,
    /// Heard over WebDriver BiDi (a browser without DevTools, such as Firefox).
    bidi: Option<Arc<BidiFeed>>,
    /// The tab's DevTools connection, to read the Create call's answer.
    devtools: Option<WeakDevTools>,
}

/// The session's BiDi events, read every 50 ms by a task of the recorder's
/// and whenever it is asked: what arrived before a BiDi answer is in the
/// stream when that answer is (see [`Recorder::settle`]).
struct BidiFeed {
    bidi: thirtyfour::bidi::BiDi,
    /// The tab: a script evaluated there is answered after the page's
    /// earlier events were sent (see [`Recorder::settle`]).
    context: thirtyfour::bidi::BrowsingContextId,
    events: Mutex<thirtyfour::bidi::RawEventStream>,
}

/// The BiDi events the recorder hears.
const BIDI_EVENTS: [&str; 5] =
    ["log.entryAdded", "network.beforeRequestSent", "network.responseStarted", "network.responseCompleted", "network.fetchError"];

impl Recorder {
    fn new(base_url: &str, bidi: Option<Arc<BidiFeed>>) -> Self {
        Self {
            state: Arc::new(Mutex::new(State {
                step: 0,
                started: Instant::now(),
                events: Vec::new(),
                open: HashMap::new(),
                origin: origin(base_url),
                ignored: Default::default(),
                creates: None,
                create_requests: Default::default(),
                identities: Vec::new(),
                reading: 0,
                unread: 0,
            })),
            bidi,
            devtools: None,
        }
    }

    /// Starts hearing the session's console, errors and requests to
    /// `base_url`'s origin over WebDriver BiDi (`log`, `network`), from the
    /// session's current tab only (a browser may hold other scenarios' tabs).
    pub async fn attach_bidi(driver: &thirtyfour::WebDriver, base_url: &str) -> anyhow::Result<Self> {
        use thirtyfour::bidi::modules::session::Subscribe;
        let bidi = driver.bidi().await.map_err(|e| anyhow::anyhow!("no WebDriver BiDi connection: {e}"))?;
        let context = super::current_tab(driver).await?;
        // The stream first: nothing sent after the subscription is missed.
        let events = Mutex::new(bidi.subscribe_raw());
        let events_wanted = BIDI_EVENTS.iter().map(|e| e.to_string()).collect();
        bidi.send(Subscribe { events: events_wanted, contexts: vec![context.clone()], user_contexts: vec![] })
            .await
            .map_err(|e| anyhow::anyhow!("WebDriver BiDi refused to send the page's console and network events: {e}"))?;
        let recorder = Self::new(base_url, Some(Arc::new(BidiFeed { bidi, context, events })));
        // Read every 50 ms besides when asked: the connection keeps 1024
        // events, and one that waits longer is lost without a word.
        let feed = Arc::downgrade(recorder.bidi.as_ref().expect("just set"));
        let state = Arc::downgrade(&recorder.state);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(50));
            loop {
                tick.tick().await;
                let (Some(bidi), Some(state)) = (feed.upgrade(), state.upgrade()) else { break };
                Recorder { state, bidi: Some(bidi), devtools: None }.drain();
            }
        });
        Ok(recorder)
    }

    /// Everything the page sent before now has been heard: a script
    /// evaluated in the tab (its answer comes after the tab's earlier
    /// events), then the events it brought (DevTools: always so already).
    pub async fn settle(&self) {
        // Create answers being read: up to 2 s (the browser answers in ms).
        if lock(&self.state).reading > 0 {
            let _ = super::wait::within(Duration::from_secs(2), Duration::from_millis(5), || async {
                Ok((lock(&self.state).reading == 0).then_some(()))
            })
            .await;
        }
        if let Some(feed) = &self.bidi {
            let params = json!({ "expression": "0", "target": { "context": feed.context.to_string() }, "awaitPromise": false });
            let _ = tokio::time::timeout(Duration::from_secs(2), feed.bidi.send_raw("script.evaluate", params)).await;
            self.drain();
        }
    }

    /// Hears the BiDi events that have arrived.
    fn drain(&self) {
        use futures::FutureExt as _;
        use futures::StreamExt as _;
        let Some(feed) = &self.bidi else { return };
        let mut events = lock(&feed.events);
        // Unconstrained: tokio's cooperative budget would otherwise end the
        // reading after ~128 events as if nothing more had arrived.
        while let Some(Some(e)) = tokio::task::unconstrained(events.next()).now_or_never() {
            self.hear_bidi(&e.method, &e.params);
        }
    }

    /// Starts hearing the tab's console, errors and requests to `base_url`'s origin.
    pub async fn attach(devtools: &DevTools, base_url: &str) -> anyhow::Result<Self> {
        let mut recorder = Self::new(base_url, None);
        recorder.devtools = Some(devtools.downgrade());
        let hears = recorder.clone();
        devtools.listen(Box::new(move |method, params| hears.hear(method, params)));
        futures::try_join!(devtools.send("Runtime.enable", json!({})), devtools.send("Network.enable", json!({})))?;
        Ok(recorder)
    }

    /// From now on, the new token's identity is read from each 2xx answer to
    /// a POST to `watch.path` (over DevTools; over BiDi nothing is read).
    pub fn watch_creates(&self, watch: CreateWatch) {
        let path = split_origin(&watch.path).1;
        let path = if path.starts_with('/') { path.to_string() } else { format!("/{path}") };
        lock(&self.state).creates = Some(CreateWatch { path, ..watch });
    }

    /// Whether this recorder reads the Create call's answers.
    pub fn reads_creates(&self) -> bool {
        self.devtools.is_some() && lock(&self.state).creates.is_some()
    }

    /// The identities the Create answers gave since the last call (after
    /// [`Self::settle`]), and how many 2xx answers could not be read.
    pub fn take_identities(&self) -> (Vec<crate::api::Identity>, usize) {
        let mut s = lock(&self.state);
        let unread = std::mem::take(&mut s.unread);
        (std::mem::take(&mut s.identities), unread)
    }

    /// Reads a Create answer that has loaded: its id and stored name kept,
    /// its token-like values registered as secrets, the rest dropped.
    fn read_created(&self, s: &mut State, request_id: String) {
        let (Some(devtools), Some(watch)) = (self.devtools.as_ref().and_then(WeakDevTools::upgrade), s.creates.clone()) else { return };
        s.reading += 1;
        let state = self.state.clone();
        tokio::spawn(async move {
            let answer = devtools.send("Network.getResponseBody", json!({ "requestId": request_id })).await;
            let identity = answer.ok().and_then(|a| {
                let body = a["body"].as_str().unwrap_or_default();
                let bytes = if a["base64Encoded"].as_bool() == Some(true) {
                    use base64::Engine as _;
                    base64::engine::general_purpose::STANDARD.decode(body).ok()?
                } else {
                    body.as_bytes().to_vec()
                };
                crate::api::identity_in_answer(&bytes, watch.pointer.as_deref())
            });
            let mut s = lock(&state);
            s.reading -= 1;
            match identity {
                Some(i) => s.identities.push(i),
                None => s.unread += 1,
            }
        });
    }

    /// Events from now on belong to step `n` (until the next step begins).
    pub fn begin_step(&self, n: usize) {
        self.drain();
        lock(&self.state).step = n;
    }

    /// Requests to the target sent and not yet answered or failed.
    pub fn unanswered(&self) -> usize {
        self.drain();
        let s = lock(&self.state);
        s.open.values().filter(|(i, _)| s.events[*i].status.is_none()).count()
    }

    /// Every event so far.
    pub fn events(&self) -> Vec<PageEvent> {
        self.drain();
        lock(&self.state).events.clone()
    }

    /// The events that fail a step under `checks` and were not reported yet,
    /// each with the step it happened in; they count as reported from now on.
    pub fn new_faults(&self, checks: &PageChecks) -> Vec<(usize, String)> {
        self.drain();
        let known: Vec<([u8; 32], &'static str)> = crate::secret::all().iter().map(|s| (crate::secret::hash(s), crate::secret::describe(s))).collect();
        let mut state = lock(&self.state);
        let mut out = Vec::new();
        for e in state.events.iter_mut().filter(|e| !e.reported) {
            if let Some(why) = fault(checks, e, &known) {
                e.reported = true;
                out.push((e.step, why));
            }
        }
        out
    }

    fn hear(&self, method: &str, p: &Value) {
        let mut s = lock(&self.state);
        match method {
            "Runtime.consoleAPICalled" => {
                let frame = &p["stackTrace"]["callFrames"][0];
                if is_browsers(frame["url"].as_str().unwrap_or_default()) {
                    return;
                }
                let text = p["args"].as_array().into_iter().flatten().map(remote_text).collect::<Vec<_>>().join(" ");
                let level = p["type"].as_str().unwrap_or("log");
                s.record_text(EventKind::Console, level, &text, source(frame));
            }
            "Runtime.exceptionThrown" => {
                let d = &p["exceptionDetails"];
                let frame = &d["stackTrace"]["callFrames"][0];
                let url = d["url"].as_str().or(frame["url"].as_str()).unwrap_or_default();
                if is_browsers(url) {
                    return;
                }
                let level = if d["text"].as_str().unwrap_or_default().contains("in promise") { "unhandled rejection" } else { "uncaught error" };
                let text = d["exception"]["description"].as_str().or(d["exception"]["value"].as_str()).or(d["text"].as_str()).unwrap_or("unknown error");
                let first = text.lines().next().unwrap_or(text);
                let where_ = if frame.is_object() { source(frame) } else { source(d) };
                s.record_text(EventKind::PageError, level, first, where_);
            }
            "Network.requestWillBeSent" => {
                let id = p["requestId"].as_str().unwrap_or_default().to_string();
                let sent = p["timestamp"].as_f64().unwrap_or_default();
                // A redirect ends the request before it, under the same id.
                if let Some(r) = p.get("redirectResponse").filter(|r| r.is_object())
                    && let Some((i, started)) = s.open.remove(&id)
                {
                    s.events[i].status = r["status"].as_u64().map(|v| v as u16);
                    s.events[i].duration = Some(secs(sent - started));
                }
                s.request_sent(id, p["request"]["url"].as_str().unwrap_or_default(), p["request"]["method"].as_str().unwrap_or("GET"), sent);
            }
            "Network.responseReceived" => {
                let id = p["requestId"].as_str().unwrap_or_default();
                if let Some(&(i, _)) = s.open.get(id) {
                    s.events[i].status = p["response"]["status"].as_u64().map(|v| v as u16);
                    if !s.events[i].status.is_some_and(|st| (200..300).contains(&st)) {
                        s.create_requests.remove(id);
                    }
                }
            }
            "Network.loadingFinished" | "Network.loadingFailed" => {
                let id = p["requestId"].as_str().unwrap_or_default().to_string();
                if s.create_requests.remove(&id) && method == "Network.loadingFinished" {
                    self.read_created(&mut s, id.clone());
                }
                if let Some((i, started)) = s.open.remove(&id) {
                    let e = &mut s.events[i];
                    e.duration = Some(secs(p["timestamp"].as_f64().unwrap_or(started) - started));
                    if method == "Network.loadingFailed" {
                        let why = p["errorText"].as_str().unwrap_or("failed");
                        e.failed = Some(if p["canceled"].as_bool() == Some(true) { format!("canceled ({why})") } else { why.to_string() });
                    }
                }
            }
            _ => {}
        }
    }
}

impl Recorder {
    /// One WebDriver BiDi event, recorded as [`Recorder::hear`] records DevTools'.
    fn hear_bidi(&self, method: &str, p: &Value) {
        let mut s = lock(&self.state);
        // Milliseconds since the epoch, in seconds.
        let time = |p: &Value| p["timestamp"].as_f64().unwrap_or_default() / 1000.0;
        let request_id = |p: &Value| p["request"]["request"].as_str().unwrap_or_default().to_string();
        match method {
            "log.entryAdded" => {
                let frame = &p["stackTrace"]["callFrames"][0];
                if is_browsers(frame["url"].as_str().unwrap_or_default()) {
                    return;
                }
                let text = p["text"].as_str().unwrap_or_default();
                if p["type"] == "javascript" {
                    let level = if text.contains("promise") { "unhandled rejection" } else { "uncaught error" };
                    let first = text.lines().next().unwrap_or(text);
                    s.record_text(EventKind::PageError, level, first, source(frame));
                } else {
                    // Console levels as DevTools names them.
                    let level = match p["method"].as_str().unwrap_or("log") {
                        "warn" => "warning",
                        "assert" if p["level"] == "error" => "assert",
                        other => other,
                    };
                    s.record_text(EventKind::Console, level, text, source(frame));
                }
            }
            "network.beforeRequestSent" => {
                let id = request_id(p);
                let sent = time(p);
                // A redirect is the same request again: the one before it ended.
                if let Some((i, started)) = s.open.remove(&id) {
                    s.events[i].duration = Some(secs(sent - started));
                }
                s.request_sent(id, p["request"]["url"].as_str().unwrap_or_default(), p["request"]["method"].as_str().unwrap_or("GET"), sent);
            }
            "network.responseStarted" | "network.responseCompleted" => {
                let id = request_id(p);
                if let Some(&(i, started)) = s.open.get(&id) {
                    s.events[i].status = p["response"]["status"].as_u64().map(|v| v as u16);
                    if method == "network.responseCompleted" {
                        s.events[i].duration = Some(secs(time(p) - started));
                        // A redirect's next request keeps the id: kept open until then.
                        if !(300..400).contains(&s.events[i].status.unwrap_or(0)) {
                            s.open.remove(&id);
                        }
                    }
                }
            }
            "network.fetchError" => {
                if let Some((i, started)) = s.open.remove(&request_id(p)) {
                    let e = &mut s.events[i];
                    e.duration = Some(secs(time(p) - started));
                    e.failed = Some(p["errorText"].as_str().unwrap_or("failed").to_string());
                }
            }
            _ => {}
        }
    }
}

/// The origin of a URL as the browser writes it: `scheme://host[:port]`,
/// lower case, without the scheme's default port; and the rest of the URL
/// (its path, `/` when empty).
fn split_origin(url: &str) -> (String, &str) {
    let after_scheme = url.find("://").map(|i| i + 3).unwrap_or(0);
    let end = url[after_scheme..].find(['/', '?', '#']).map(|i| after_scheme + i).unwrap_or(url.len());
    let origin = url[..end].to_ascii_lowercase();
    let origin = match origin.strip_suffix(":443").filter(|o| o.starts_with("https://")) {
        Some(o) => o.to_string(),
        None => origin.strip_suffix(":80").filter(|o| o.starts_with("http://")).map(str::to_string).unwrap_or(origin),
    };
    (origin, &url[end..])
}

/// A URL's origin as the browser writes it (`location.origin`): lower case,
/// without the scheme's default port.
pub fn origin(url: &str) -> String {
    split_origin(url).0
}

/// Scripts of the browser itself or of an extension, not the target's.
fn is_browsers(url: &str) -> bool {
    ["chrome-extension://", "chrome://", "devtools://", "extensions::", "moz-extension://"].iter().any(|p| url.starts_with(p))
}

fn source(frame: &Value) -> Option<String> {
    let url = frame["url"].as_str().filter(|u| !u.is_empty())?;
    let line = frame["lineNumber"].as_u64().map(|l| format!(":{}", l + 1)).unwrap_or_default();
    Some(scrub(&format!("{url}{line}")))
}

/// A console argument as text: its value, else the browser's description.
fn remote_text(arg: &Value) -> String {
    match &arg["value"] {
        Value::String(s) => s.clone(),
        Value::Null => arg["description"].as_str().or(arg["type"].as_str()).unwrap_or_default().to_string(),
        v => v.to_string(),
    }
}

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s.max(0.0))
}

/// Redacted as it is recorded: known secrets, and words that look like tokens.
fn scrub(text: &str) -> String {
    crate::secret::redact_token_like(&crate::secret::redact(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checks() -> PageChecks {
        PageChecks { page_errors: true, server_errors: true, allow: Vec::new() }
    }

    fn recorder(origin: &str) -> Recorder {
        Recorder::new(origin, None)
    }

    #[test]
    fn requests_to_the_target_are_recorded_with_their_step_status_and_time() {
        let r = recorder("http://127.0.0.1:4000/");
        r.begin_step(3);
        let sent = |id: &str, url: &str, t: f64| json!({ "requestId": id, "timestamp": t, "request": { "url": url, "method": "POST" } });
        r.hear("Network.requestWillBeSent", &sent("1", "http://127.0.0.1:4000/api/tokens", 10.0));
        r.hear("Network.requestWillBeSent", &sent("2", "http://127.0.0.1:9/proxy-check", 10.0));
        r.hear("Network.requestWillBeSent", &sent("3", "http://127.0.0.1:4000/favicon.ico", 10.0));
        let redirected = json!({ "requestId": "3", "timestamp": 10.1, "redirectResponse": { "status": 303 },
                                 "request": { "url": "http://127.0.0.1:4000/login?next=/favicon.ico", "method": "GET" } });
        r.hear("Network.requestWillBeSent", &redirected);
        r.hear("Network.requestWillBeSent", &sent("4", "http://127.0.0.1:40000/elsewhere", 10.0));
        r.hear("Network.requestWillBeSent", &sent("6", "http://127.0.0.1:4000?x=1", 10.0));
        r.hear("Network.loadingFailed", &json!({ "requestId": "6", "timestamp": 10.5, "errorText": "net::ERR_ABORTED", "canceled": true }));
        r.begin_step(4);
        r.hear("Network.responseReceived", &json!({ "requestId": "1", "response": { "status": 503 } }));
        r.hear("Network.loadingFinished", &json!({ "requestId": "1", "timestamp": 10.25 }));
        let events = r.events();
        assert_eq!(events.len(), 2, "only the target's own requests: {events:?}");
        assert_eq!(events[1].line(), "POST /?x=1 → failed: canceled (net::ERR_ABORTED) in 500 ms");
        assert_eq!(r.unanswered(), 0);
        let e = &events[0];
        assert_eq!((e.step, e.status, e.duration), (3, Some(503), Some(Duration::from_millis(250))), "the step it was sent in");
        assert_eq!(e.line(), "POST /api/tokens → 503 in 250 ms");
        let faults = r.new_faults(&checks());
        assert_eq!(faults, vec![(3, "POST /api/tokens answered 503".to_string())]);
        assert!(r.new_faults(&checks()).is_empty(), "reported once");
        let lenient = PageChecks { server_errors: false, ..checks() };
        r.hear("Network.requestWillBeSent", &sent("5", "http://127.0.0.1:4000/api/x", 11.0));
        r.hear("Network.responseReceived", &json!({ "requestId": "5", "response": { "status": 500 } }));
        assert!(r.new_faults(&lenient).is_empty(), "5xx may be switched off");
    }

    #[test]
    fn webdriver_bidi_events_are_recorded_as_devtools_ones() {
        let r = recorder("http://127.0.0.1:4000");
        r.begin_step(3);
        let frame = json!({ "callFrames": [{ "url": "http://127.0.0.1:4000/app.js", "lineNumber": 41 }] });
        r.hear_bidi("log.entryAdded", &json!({ "type": "console", "method": "error", "level": "error",
            "text": "created dct_Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56", "stackTrace": frame }));
        r.hear_bidi("log.entryAdded", &json!({ "type": "console", "method": "warn", "level": "warn", "text": "slow" }));
        r.hear_bidi("log.entryAdded", &json!({ "type": "javascript", "level": "error",
            "text": "TypeError: prefs is null", "stackTrace": frame }));
        r.hear_bidi("log.entryAdded", &json!({ "type": "javascript", "level": "error", "text": "boom",
            "stackTrace": { "callFrames": [{ "url": "moz-extension://abc/x.js", "lineNumber": 1 }] } }));
        let request = |id: &str, url: &str, t: f64| json!({ "request": { "request": id, "url": url, "method": "GET" }, "timestamp": t });
        let answer = |id: &str, status: u16, t: f64| json!({ "request": { "request": id }, "response": { "status": status }, "timestamp": t });
        r.hear_bidi("network.beforeRequestSent", &request("1", "http://127.0.0.1:4000/api/tokens?refresh=1", 1000.0));
        r.hear_bidi("network.beforeRequestSent", &request("2", "http://127.0.0.1:4000/favicon.ico", 1000.0));
        r.hear_bidi("network.beforeRequestSent", &request("3", "http://example.com/x", 1000.0));
        r.hear_bidi("network.beforeRequestSent", &request("4", "http://127.0.0.1:4000/old", 1000.0));
        assert_eq!(r.unanswered(), 2, "the favicon and other origins are not the target's");
        r.hear_bidi("network.responseStarted", &answer("1", 500, 1040.0));
        r.hear_bidi("network.responseCompleted", &answer("1", 500, 1050.0));
        // A redirect: the same request id goes on to its next URL.
        r.hear_bidi("network.responseCompleted", &answer("4", 302, 1010.0));
        r.hear_bidi("network.beforeRequestSent", &request("4", "http://127.0.0.1:4000/new", 1011.0));
        r.hear_bidi("network.fetchError", &json!({ "request": { "request": "4" }, "errorText": "NS_BINDING_ABORTED", "timestamp": 1020.0 }));
        assert_eq!(r.unanswered(), 0);
        let lines: Vec<String> = r.events().iter().map(|e| format!("{} {}", e.step, e.line())).collect();
        assert_eq!(
            lines,
            vec![
                "3 console.error: created [REDACTED] (http://127.0.0.1:4000/app.js:42)",
                "3 console.warning: slow",
                "3 uncaught error: TypeError: prefs is null (http://127.0.0.1:4000/app.js:42)",
                "3 GET /api/tokens?refresh=1 → 500 in 50 ms",
                "3 GET /old → 302 in 11 ms",
                "3 GET /new → failed: NS_BINDING_ABORTED in 9 ms",
            ]
        );
        let faults: Vec<String> = r.new_faults(&checks()).into_iter().map(|(_, w)| w).collect();
        assert_eq!(faults.len(), 3, "{faults:?}");
        assert!(faults[2].contains("GET /api/tokens?refresh=1 answered 500"), "{faults:?}");
    }

    #[test]
    fn a_secret_the_page_writes_at_any_level_fails_its_step_even_when_learnt_later() {
        let r = recorder("http://127.0.0.1:4000");
        let console = |level: &str, text: &str| {
            json!({ "type": level, "args": [{ "type": "string", "value": text }],
                    "stackTrace": { "callFrames": [{ "url": "http://127.0.0.1:4000/app.js", "lineNumber": 41 }] } })
        };
        // No setting or allow-list excuses it.
        let lenient = PageChecks { page_errors: false, server_errors: false, allow: vec![regex::Regex::new(".*").unwrap()] };
        r.begin_step(7);
        let token = "dct_Lk98Jh76Gf54Ds32Aa10Pp98Oo76Rec";
        r.hear("Runtime.consoleAPICalled", &console("log", &format!("Token created: {token}")));
        r.hear("Runtime.consoleAPICalled", &console("debug", "rows refreshed"));
        assert_eq!(r.events()[0].text, "Token created: [REDACTED]", "redacted as recorded");
        assert!(r.new_faults(&lenient).is_empty(), "the suite does not know this token yet");
        // The suite reads it (the dialog, or the Create answer): the step it was written in fails.
        crate::secret::Secret::new(token);
        r.begin_step(8);
        assert_eq!(
            r.new_faults(&lenient),
            vec![(7, "the page wrote the new token to its console (console.log): Token created: [REDACTED] (http://127.0.0.1:4000/app.js:42)".to_string())]
        );
        // Known when written: a password in a warning, a token in an uncaught error; BiDi alike.
        let password = crate::secret::Secret::password("Rec-pass word!");
        r.hear("Runtime.consoleAPICalled", &console("warning", &format!("signing in with {}", password.expose())));
        r.hear("Runtime.exceptionThrown", &json!({ "exceptionDetails": { "text": "Uncaught",
            "exception": { "description": format!("Error: bad token {token}") }, "url": "http://127.0.0.1:4000/app.js", "lineNumber": 8 } }));
        r.hear_bidi("log.entryAdded", &json!({ "type": "console", "method": "info", "level": "info", "text": format!("t={token}") }));
        let faults: Vec<String> = r.new_faults(&lenient).into_iter().map(|(_, w)| w).collect();
        assert_eq!(
            faults,
            vec![
                "the page wrote a password it typed to its console (console.warn): signing in with [REDACTED] (http://127.0.0.1:4000/app.js:42)",
                "the page wrote the new token to its console (an uncaught error): Error: bad token [REDACTED] (http://127.0.0.1:4000/app.js:9)",
                "the page wrote the new token to its console (console.info): t=[REDACTED]",
            ]
        );
    }

    #[test]
    fn origins_compare_as_the_browser_writes_them() {
        assert_eq!(origin("HTTPS://Staging.Example.com:443/app"), "https://staging.example.com");
        assert_eq!(origin("http://127.0.0.1:80"), "http://127.0.0.1");
        assert_eq!(origin("http://127.0.0.1:8080/x"), "http://127.0.0.1:8080");
        assert_eq!(split_origin("https://a.example/api/tokens?x=1").1, "/api/tokens?x=1");
    }

    #[test]
    fn errors_and_console_errors_fail_unless_allowed_and_tokens_never_stay() {
        let r = recorder("http://127.0.0.1:4000");
        r.begin_step(2);
        let console = |level: &str, text: &str| {
            json!({ "type": level, "args": [{ "type": "string", "value": text }],
                    "stackTrace": { "callFrames": [{ "url": "http://127.0.0.1:4000/app.js", "lineNumber": 41 }] } })
        };
        r.hear("Runtime.consoleAPICalled", &console("log", "hello"));
        r.hear("Runtime.consoleAPICalled", &console("error", "created dct_Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56"));
        r.hear("Runtime.consoleAPICalled", &console("error", "ResizeObserver loop limit exceeded"));
        r.hear("Runtime.exceptionThrown", &json!({ "exceptionDetails": { "text": "Uncaught",
            "exception": { "description": "TypeError: x is undefined\n    at render (app.js:9)" }, "url": "http://127.0.0.1:4000/app.js", "lineNumber": 8 } }));
        r.hear("Runtime.exceptionThrown", &json!({ "exceptionDetails": { "text": "Uncaught (in promise)",
            "exception": { "description": "Error: boom" }, "stackTrace": { "callFrames": [{ "url": "chrome-extension://abc/x.js", "lineNumber": 1 }] } } }));
        let events = r.events();
        assert_eq!(events.len(), 4, "the extension's error is not the target's");
        assert_eq!(events[1].text, "created [REDACTED]", "a token-like word never stays");
        assert_eq!(events[3].line(), "uncaught error: TypeError: x is undefined (http://127.0.0.1:4000/app.js:9)");
        let policy = PageChecks { allow: vec![regex::Regex::new("ResizeObserver").unwrap()], ..checks() };
        let faults: Vec<String> = r.new_faults(&policy).into_iter().map(|(_, w)| w).collect();
        assert_eq!(
            faults,
            vec![
                "console.error: created [REDACTED] (http://127.0.0.1:4000/app.js:42)".to_string(),
                "uncaught error: TypeError: x is undefined (http://127.0.0.1:4000/app.js:9)".to_string()
            ]
        );
    }
}
