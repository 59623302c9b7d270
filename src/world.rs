//! The cucumber World: one per scenario. It owns the scenario's session (its
//! page, step records, failure, notes, created tokens: [`ScenarioSession`])
//! and what the guide's steps carry forward (the token name, the expiry, the
//! token value as a [`Secret`]); the after hook hands the session back to the run.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use chrono::NaiveDate;
use cucumber::gherkin::Step;

use crate::browser::clipboard::ClipboardPath;
use crate::browser::recorder::Recorder;
use crate::pages::Ui;
use crate::results::StepRecord;
use crate::run_context::RunContext;
use crate::scenario::ScenarioSession;
use crate::secret::{Secret, redact};

#[derive(cucumber::World)]
#[world(init = Self::new)]
pub struct AiSuiteWorld {
    pub run: Arc<RunContext>,
    /// Set by the before hook, taken back by the after hook.
    pub session: Option<ScenarioSession>,
    /// Steps taken so far in this scenario (numbers the screenshots).
    pub step_index: usize,
    pub token_name: Option<String>,
    pub expiry: Option<NaiveDate>,
    pub token: Option<Secret>,
    /// Name and role the avatar menu showed (Step 2), checked again on the Profile page.
    pub menu_identity: Option<(String, String)>,
    /// What the clipboard held before Copy.
    pub clipboard_before: Option<Secret>,
    /// What Copy put on the clipboard, once checked against the dialog.
    pub copied: Option<Secret>,
    /// The HTTP status of the last API call made with the token.
    pub api_status: Option<u16>,
    /// Validation scenarios: the expiry exactly as typed, and whether Create could be clicked.
    pub typed_expiry: Option<String>,
    pub submitted: Option<bool>,
    /// Rows named like the token under test before it was submitted (other
    /// scenarios create tokens concurrently: only this name is counted).
    pub same_name_rows: usize,
    /// The form took a value the guide leaves open (a long name, a name in use).
    pub accepted_anyway: bool,
    /// The Expiry Date control (a native date picker) did not take the text.
    pub expiry_not_taken: bool,
    /// All rows of the API Tokens table before an attempt.
    pub rows_before: usize,
    /// The API Tokens table's row names, read before the dialog was opened
    /// (a modal dialog hides the page behind it from the accessibility tree).
    pub names_before_dialog: Option<Vec<Option<String>>>,
    /// The last screenshot's image: reused when the page has not changed since.
    pub last_capture: Option<std::sync::Arc<Vec<u8>>>,
    /// Without the Create answers (no DevTools): the ids `[api] tokens_path`
    /// listed before the step, to tell the tokens a step created.
    listed_before: Option<std::collections::HashSet<String>>,
    /// Why the server refused the suite's own call with the browser's
    /// session (401/403), when the suite can tell: the session expired.
    pub api_refusal: Option<String>,
}

/// Printed by cucumber for a failed step with -vv: never the token value.
impl fmt::Debug for AiSuiteWorld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AiSuiteWorld")
            .field("scenario", &self.session.as_ref().map(|s| &s.key.scenario))
            .field("step_index", &self.step_index)
            .field("token_name", &self.token_name)
            .field("expiry", &self.expiry)
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

impl AiSuiteWorld {
    async fn new() -> anyhow::Result<Self> {
        let run = RunContext::current().context("the suite's run context is not set up (run through the runner)")?;
        Ok(Self {
            run,
            session: None,
            step_index: 0,
            token_name: None,
            expiry: None,
            token: None,
            menu_identity: None,
            clipboard_before: None,
            copied: None,
            api_status: None,
            typed_expiry: None,
            submitted: None,
            same_name_rows: 0,
            accepted_anyway: false,
            rows_before: 0,
            names_before_dialog: None,
            expiry_not_taken: false,
            last_capture: None,
            listed_before: None,
            api_refusal: None,
        })
    }

    pub fn ui(&self) -> anyhow::Result<&Ui> {
        self.session.as_ref().and_then(|s| s.ui.as_ref()).context("no browser session for this scenario (the before hook failed)")
    }

    /// How this scenario reads the clipboard (set when its page was opened).
    pub fn clipboard(&self) -> ClipboardPath {
        self.session.as_ref().and_then(|s| s.clipboard).unwrap_or(ClipboardPath::Browser)
    }

    /// A note for the scenario's report (how a check was made).
    pub fn note(&mut self, text: String) {
        if let Some(s) = &mut self.session {
            s.notes.push(text);
        }
    }

    /// A token this scenario created: revoked when the scenario ends, and by
    /// the run's final sweep if that fails.
    pub fn created_token(&mut self, name: &str) {
        self.run.cleanup.created(name);
        if let Some(s) = &mut self.session {
            s.created.push(name.to_string());
        }
    }

    /// Posts the name and expiry straight to the Create endpoint with the
    /// browser's session (the page's checks bypassed); returns the status. A
    /// token the server wrongly creates is recorded by the id it answered
    /// (else by the name sent), so the clean-up revokes it.
    pub async fn create_bypassing_the_page(&mut self, name: &str, expiry: &str) -> anyhow::Result<u16> {
        let cookies = self.ui()?.page.cookies().await?;
        let (status, identity) =
            crate::api::create_bypassing_the_page_identified(&self.run.base_url, &self.run.config.api, &cookies, name, expiry).await?;
        self.api_refusal = None;
        if matches!(status, 401 | 403) {
            // The session worked for the suite's own calls before: it has expired now.
            if self.run.cleanup.api_took_session_before() {
                self.api_refusal = Some(
                    ": the browser's session was refused although the suite's own API calls worked with it earlier in this run: \
                     the session has expired (sign in again, or refresh the injected session)"
                        .into(),
                );
            }
        } else {
            self.run.cleanup.api_took_session();
        }
        if (200..300).contains(&status) {
            match identity {
                Some(identity) => {
                    let key = self.run.cleanup.identified_as(name.trim(), identity);
                    if let Some(s) = &mut self.session {
                        s.created.push(key);
                    }
                }
                None if !name.trim().is_empty() => self.created_token(name.trim()),
                None => self.note("the server created a token from a blank name and its answer held no id: the clean-up cannot find it".into()),
            }
        }
        Ok(status)
    }

    /// The ids `[api] tokens_path` lists now (None: it cannot be asked yet).
    async fn listing_ids(&self) -> Option<std::collections::HashSet<String>> {
        let ui = self.ui().ok()?.clone();
        Some(self.run.cleanup.listing(&ui).await?.into_iter().map(|r| r.id).collect())
    }

    /// The target's today (the local AI Suite's clock, else UTC).
    pub fn today(&self) -> NaiveDate {
        self.run.today()
    }

    /// Clicks Create Token on the Profile page, noting the table's rows first
    /// (once the page's requests are answered) for [`Self::rows_before_dialog`].
    pub async fn click_create_token_noting_rows(&mut self) -> anyhow::Result<()> {
        self.requests_answered().await?;
        let ui = self.ui()?.clone();
        self.names_before_dialog = Some(crate::pages::profile_page::ProfilePage::new(&ui).click_create_token_noting_rows().await?);
        Ok(())
    }

    /// The table's row count and the rows named `name`, as the table showed
    /// before the dialog opened (else as it shows now); used once.
    pub async fn rows_before_dialog(&mut self, name: &str) -> anyhow::Result<(usize, usize)> {
        match self.names_before_dialog.take() {
            Some(names) => Ok((names.len(), names.iter().filter(|n| n.as_deref() == Some(name.trim())).count())),
            None => crate::pages::profile_page::ProfilePage::new(self.ui()?).rows_and_named(name).await,
        }
    }

    /// Gives the page's requests to the target up to 2 s to be answered (at
    /// once without a recorder): a table read then is not one still loading.
    /// A request that stays open (server-sent events, long polling) does not
    /// fail the step: the table is then read as it shows.
    async fn requests_answered(&self) -> anyhow::Result<()> {
        let Some(r) = self.session.as_ref().and_then(|s| s.recorder.clone()) else { return Ok(()) };
        let config = &self.run.config;
        crate::browser::wait::within(std::time::Duration::from_secs(2).min(config.wait), config.poll, || async {
            r.settle().await;
            Ok((r.unanswered() == 0).then_some(()))
        })
        .await?;
        Ok(())
    }

    /// A date as the feature writes it ("tomorrow", "today + 30 days"), in YYYY-MM-DD.
    pub fn iso_date(&self, when: &str) -> anyhow::Result<String> {
        Ok(crate::dates::resolve(when, self.today())?.format("%Y-%m-%d").to_string())
    }

    /// Every step goes through here: run the action (its waits recorded, the
    /// page's events tagged with it), then capture a redacted screenshot
    /// whether it passed or failed, then hold the page to what it said: an
    /// uncaught error, a `console.error` or a 5xx answer during the step fails
    /// it (unless allowed in the config). A failure is reported with its
    /// evidence (the step, the page URL, the screenshot, the page's DOM and
    /// what the failing locator considered) and the full cause chain.
    pub async fn step(&mut self, step: &Step, action: impl AsyncFnOnce(&mut Self) -> anyhow::Result<()>) {
        let n = self.step_index + 1;
        let text = format!("{} {}", step.keyword.trim(), step.value);
        let (trace, recorder) = match &self.session {
            Some(s) => (s.trace.clone(), s.recorder.clone()),
            None => (Default::default(), None),
        };
        if let Some(r) = &recorder {
            r.settle().await;
            r.begin_step(n);
        }
        // Without the Create answers, the tokens a step creates are the rows
        // that appear in the listing during it (see `identify_by_listing`).
        let by_listing = self.run.cleanup.lists_to_identify(recorder.as_ref().is_some_and(|r| r.reads_creates()));
        let created_before = self.session.as_ref().map(|s| s.created.len()).unwrap_or(0);
        if by_listing && self.listed_before.is_none() {
            self.listed_before = self.listing_ids().await;
        }
        let started = std::time::Instant::now();
        let mut result = trace.around(action(self)).await;
        let action_time = started.elapsed();
        let waits = trace.take();
        self.step_index = n;
        let captured = std::time::Instant::now();
        // A failed step always gets a fresh capture: it is the evidence.
        let shot = self.capture(&step.value, result.is_err()).await;
        result = result.and(self.guide_pictures(&shot, step).await);
        let (accessibility, audited) = self.audit_screen(step).await;
        result = result.and(audited);
        let capture_time = captured.elapsed();
        // Everything the page sent before the capture's last answer has been heard.
        if let Some(r) = &recorder {
            r.settle().await;
        }
        self.identify_created(by_listing, created_before).await;
        let result = self.held_to_the_page(result, n, &text);
        let screenshot = shot.as_ref().ok().map(|(p, _)| p.clone());
        let FailureEvidence { dom, candidates, aria } = match (&result, &screenshot) {
            (Err(_), Some(png)) => self.failure_evidence(png, &waits).await,
            _ => FailureEvidence::default(),
        };
        if let Some(s) = &mut self.session {
            s.steps.push(StepRecord {
                index: n,
                text: text.clone(),
                passed: result.is_ok(),
                action: action_time,
                capture: capture_time,
                screenshot,
                waits,
                dom: dom.clone(),
                candidates: candidates.clone(),
                aria: aria.clone(),
                accessibility,
            });
        }
        if let Err(e) = result {
            let url = match self.ui() {
                Ok(ui) => ui.current_url().await,
                Err(_) => "(no browser)".into(),
            };
            let screenshot = match &shot {
                Ok((p, _)) => p.display().to_string(),
                Err(e) => format!("(none: {e:#})"),
            };
            let cause = self.failure_cause(format!("{e:#}"), n, recorder.as_ref()).await;
            let mut message = format!("{cause}\n    step:       {text}\n    page:       {url}\n    screenshot: {screenshot}");
            if let Some(dom) = &dom {
                message.push_str(&format!("\n    DOM:        {}", dom.display()));
            }
            if let Some(a) = &aria {
                message.push_str(&format!("\n    ARIA:       {} (the page as a screen reader meets it)", a.display()));
            }
            if let Some(c) = &candidates {
                message.push_str(&format!("\n    locator:    {} (what it considered)", c.display()));
            }
            let message = redact(&message);
            if let Some(s) = &mut self.session {
                s.fail(message.clone());
            }
            panic!("{message}");
        }
    }

    /// A step whose doc string holds a guide picture: its screenshot is that
    /// picture, and the screen as a screen reader meets it its ARIA snapshot
    /// (in docs mode, each compared with its baseline or rewritten); the
    /// first that fails fails the step.
    async fn guide_pictures(&self, shot: &anyhow::Result<(PathBuf, Vec<crate::evidence::Rect>)>, step: &Step) -> anyhow::Result<()> {
        let (Ok((path, masks)), Some(doc)) = (shot, &step.docstring) else { return Ok(()) };
        let pictures = crate::evidence::docs::pictures(doc);
        if pictures.is_empty() || self.run.docs.is_none() {
            return Ok(());
        }
        let snapshot = match self.ui() {
            Ok(ui) => crate::evidence::aria::take(ui, false).await.context("could not take the step's ARIA snapshot"),
            Err(e) => Err(e),
        };
        // Every difference is told: the picture's and the snapshot's.
        let mut failures = Vec::new();
        for picture in pictures {
            if let Err(e) = self.run.picture(&picture, path, masks) {
                failures.push(format!("{e:#}"));
            }
            match &snapshot {
                Ok(yaml) => {
                    if let Err(e) = self.run.aria_snapshot(&picture, yaml) {
                        failures.push(format!("{e:#}"));
                    }
                }
                Err(e) => failures.push(format!("{e:#}")),
            }
        }
        if failures.is_empty() { Ok(()) } else { Err(anyhow::anyhow!(failures.join("\n"))) }
    }

    /// A screen the guide shows (a step with a picture), audited for
    /// accessibility the first time the run meets it (see
    /// [`crate::evidence::audit`]): the audit, and in `fail` mode an error
    /// for each serious or critical violation the baseline does not accept.
    async fn audit_screen(&self, step: &Step) -> (Option<crate::evidence::audit::ScreenAudit>, anyhow::Result<()>) {
        use crate::config::AccessibilityMode;
        let mode = self.run.audits.mode;
        let shows_a_picture = step.docstring.as_ref().is_some_and(|d| !crate::evidence::docs::pictures(d).is_empty());
        let Ok(ui) = self.ui() else { return (None, Ok(())) };
        if mode == AccessibilityMode::Off || !shows_a_picture {
            return (None, Ok(()));
        }
        let audited = async {
            let screen = crate::evidence::audit::screen_key(ui).await?;
            if !self.run.audits.first_look(&screen) {
                return Ok(None);
            }
            crate::evidence::audit::audit(ui, screen, &self.run.audits.accepted).await.map(Some)
        };
        match audited.await {
            Ok(Some(audit)) if mode == AccessibilityMode::Fail && !audit.blocking.is_empty() => {
                self.run.audits.forget(&audit.screen);
                let lines = audit.lines().join("\n      ");
                let e = anyhow::anyhow!(
                    "accessibility: {} serious or critical violation(s) on {} not in the accepted baseline ({}):\n      {lines}",
                    audit.blocking.len(),
                    audit.screen,
                    audit.blocking.join(", ")
                );
                (Some(audit), Err(e))
            }
            Ok(audit) => (audit, Ok(())),
            Err(e) if mode == AccessibilityMode::Fail => (None, Err(e)),
            Err(e) => {
                eprintln!("note: {}", redact(&format!("{e:#}")));
                (None, Ok(()))
            }
        }
    }

    /// The ids of the tokens this step created: from the Create answers, or
    /// (`by_listing`) the rows that appeared in the listing during the step.
    async fn identify_created(&mut self, by_listing: bool, created_before: usize) {
        // The ids of the tokens this step created, from the Create answers.
        if let Some(s) = &mut self.session {
            self.run.cleanup.hear_identities(s).await;
        }
        let typed: Vec<String> = self.session.as_ref().map(|s| s.created[created_before.min(s.created.len())..].to_vec()).unwrap_or_default();
        if by_listing && !typed.is_empty() {
            let now = match self.ui() {
                Ok(ui) => self.run.cleanup.listing(&ui.clone()).await,
                Err(_) => None,
            };
            if let (Some(before), Some(now)) = (&self.listed_before, &now) {
                for note in self.run.cleanup.identify_by_listing(&typed, before, now) {
                    self.note(note);
                }
            }
            self.listed_before = now.map(|rows| rows.into_iter().map(|r| r.id).collect());
        }
    }

    /// The step held to what the page said during it (step `n`, `text`): an
    /// error the page reported fails it, a secret the page wrote as SECURITY.
    fn held_to_the_page(&self, result: anyhow::Result<()>, n: usize, text: &str) -> anyhow::Result<()> {
        let Some(faults) = self.session.as_ref().and_then(|s| s.page_faults(&self.run.config.page_checks, (n, text))) else {
            return result;
        };
        // A secret written where the page's scripts read it is a security failure.
        let what = if faults.contains(crate::browser::recorder::LEAK) { "SECURITY" } else { "the page reported an error" };
        match result {
            Ok(()) => Err(anyhow::anyhow!("{what}: {faults}")),
            Err(e) => Err(anyhow::anyhow!("{e:#}\n    {}: {faults}", if what == "SECURITY" { "SECURITY" } else { "the page also reported an error" })),
        }
    }

    /// Why step `n` failed: its `cause`, or that the session ended during it
    /// (the page shows the sign-in page, or the target answered the page's
    /// own request with 401), once the session has worked in this scenario.
    async fn failure_cause(&self, cause: String, n: usize, recorder: Option<&Recorder>) -> String {
        // Only once the session has worked in this scenario (a step passed):
        // a failure while signing in is not a session that ended.
        let worked = self.session.as_ref().is_some_and(|s| s.steps.iter().any(|st| st.passed && st.index < n));
        // A step that ends on the sign-in page: the session ended (it expired), not the product's promise.
        let on_sign_in = worked
            && !cause.contains(crate::pages::login::SIGN_IN_FAILED)
            && match self.ui() {
                Ok(ui) => matches!(ui.try_find(crate::locators::key::LOGIN_PAGE, None).await, Ok(Some(_))),
                Err(_) => false,
            };
        // Or the target answered the page's own request with 401 during the step.
        let refused = recorder.filter(|_| worked).and_then(|r| {
            r.events().into_iter().find(|e| e.step == n && e.kind == crate::browser::recorder::EventKind::Request && e.status == Some(401))
        });
        if on_sign_in {
            format!("the session ended during this step (the page shows the sign-in page; it expired?): {cause}")
        } else if let Some(e) = refused.filter(|_| !cause.contains(crate::pages::login::SIGN_IN_FAILED)) {
            format!("the session ended during this step (the target answered the page's {} {} with 401; it expired?): {cause}", e.level, e.text)
        } else {
            cause
        }
    }

    /// A failed step's page as HTML and as an ARIA snapshot and, when a
    /// locator failed, what it considered: files beside the step's
    /// screenshot. Their absence is no second failure (the page may be
    /// gone): the report says none was saved.
    async fn failure_evidence(&self, png: &std::path::Path, waits: &[crate::browser::wait::WaitRecord]) -> FailureEvidence {
        let Ok(ui) = self.ui() else { return FailureEvidence::default() };
        let dom = png.with_extension("dom.html");
        let dom = match crate::evidence::save_dom(ui, &dom).await {
            Ok(()) => Some(dom),
            Err(e) => {
                eprintln!("note: the failed step's DOM could not be saved: {}", redact(&format!("{e:#}")));
                None
            }
        };
        let aria = png.with_extension("aria.yml");
        let aria = match crate::evidence::aria::take(ui, true).await.and_then(|yaml| Ok(std::fs::write(&aria, yaml)?)) {
            Ok(()) => Some(aria),
            Err(e) => {
                eprintln!("note: the failed step's ARIA snapshot could not be saved: {}", redact(&format!("{e:#}")));
                None
            }
        };
        let considered: Vec<&str> = waits.iter().filter_map(|w| w.candidates.as_deref()).collect();
        let candidates = (!considered.is_empty())
            .then(|| png.with_extension("locator.txt"))
            .filter(|path| std::fs::write(path, redact(&considered.join("\n\n"))).is_ok());
        FailureEvidence { dom, candidates, aria }
    }

    /// The step's screenshot and the dynamic regions to ignore when comparing it.
    async fn capture(&mut self, step_text: &str, fresh: bool) -> anyhow::Result<(std::path::PathBuf, Vec<crate::evidence::Rect>)> {
        let Some(ScenarioSession { ui: Some(ui), key, .. }) = &self.session else {
            anyhow::bail!("no browser session");
        };
        let path = crate::evidence::step_path(&self.run.run_dir, &key.feature, &key.evidence_name(), self.step_index, step_text);
        // Docs mode compares the picture at once; otherwise the file is written in the background.
        let docs = self.run.docs.is_some();
        let writes = (!docs).then_some(&self.run.writes);
        let previous = if fresh { None } else { self.last_capture.take() };
        // The guide's Step 8 picture shows an example token (local AI Suite only: a known page).
        let example = docs && self.run.config.is_local();
        let shot = crate::evidence::capture(ui, &path, &crate::secret::all(), docs, example, writes, previous).await?;
        self.last_capture = Some(shot.png);
        Ok((path, shot.masks))
    }
}

/// The files a failed step leaves beside its screenshot.
#[derive(Default)]
struct FailureEvidence {
    dom: Option<PathBuf>,
    candidates: Option<PathBuf>,
    aria: Option<PathBuf>,
}

/// A World dropped with its session still in it never reached the after
/// hook: the run was stopped. The run finishes that scenario as interrupted.
impl Drop for AiSuiteWorld {
    fn drop(&mut self) {
        if let Some(s) = self.session.take() {
            self.run.abandon(s);
        }
    }
}
