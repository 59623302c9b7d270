//! The config file's shape (the TOML named in `AI_SUITE_CONFIG`), and reading it.
//! What a missing key means is in `defaults`; what overrides it, in `resolve`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use serde::Deserialize;

/// The file's shape. Unknown keys are errors, so a typo never silently does nothing.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileConfig {
    pub target: TargetFile,
    pub browser: BrowserFile,
    pub run: RunFile,
    pub timeouts: TimeoutsFile,
    pub locators: BTreeMap<String, String>,
    pub columns: BTreeMap<String, String>,
    pub api: ApiFile,
}

impl FileConfig {
    /// Reads and parses the file at `path` (the value of `AI_SUITE_CONFIG`).
    pub(super) fn read(path: &str) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| {
            format!("AI_SUITE_CONFIG points at '{path}', which cannot be read; fix the path or unset it")
        })?;
        toml::from_str::<FileConfig>(&text).with_context(|| {
            format!("the config file '{path}' is not valid (see ai-suite.example.toml for the schema)")
        })
    }
}

/// The target's Bearer-authenticated REST endpoint, used to prove a token works.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiFile {
    pub method: String,
    /// Path on the target (or a full URL).
    pub path: String,
    pub header: String,
    /// Prefix of the header value; the token follows it after a space.
    pub scheme: String,
    /// The endpoint the Create form posts to, called with the browser's session
    /// to prove the server enforces the rules too (JSON body with these fields).
    pub create_path: String,
    pub create_name_field: String,
    pub create_expiry_field: String,
    /// The clean-up's fast path (set for the local AI Suite; unset elsewhere
    /// means the clean-up revokes through the Profile page): the signed-in
    /// user's tokens as a JSON list of `{id, name, status}`, and the revoke
    /// endpoint (POST, `{id}` replaced).
    pub tokens_path: Option<String>,
    pub revoke_path: Option<String>,
    /// Where the list is in `tokens_path`'s answer, as a JSON pointer
    /// (`/data/tokens`); unset: a bare list, or one under `tokens`, `data` or `items`.
    pub tokens_pointer: Option<String>,
    /// Where the new token's id is in the Create call's answer, as a JSON
    /// pointer (`/data/token/id`); unset: `/id`, or `id` under `row`, `token`,
    /// `data`, `item` or `result`. Only this (and the name beside it) is read.
    pub created_id_pointer: Option<String>,
    /// For apps that send their session as a header, not a cookie: the header
    /// the suite's own API calls send, `{key}` replaced by the injected
    /// localStorage entry `key`, e.g. `Authorization: Bearer {auth.token}`.
    pub session_header: Option<String>,
    /// `session_header` with its value filled in (never printed).
    #[serde(skip)]
    pub session_header_value: Option<(String, crate::secret::Secret)>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TargetFile {
    pub url: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    /// Path of the page that starts the guide (after sign-in), e.g. "/".
    pub start_path: Option<String>,
    /// The signed-in user's display name and role, as the avatar menu shows them.
    pub user_name: Option<String>,
    pub user_role: Option<String>,
    pub session: SessionFile,
    /// Freeze the local AI Suite's clock (only for the local AI Suite).
    pub today: Option<NaiveDate>,
    /// The target's time zone as a UTC offset ("+05:30"), for "today" in the
    /// expiry rules; default UTC.
    pub utc_offset: Option<String>,
}

/// A pre-provisioned session for SSO targets: set before the first page.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionFile {
    /// Cookies as `name=value` pairs.
    pub cookies: BTreeMap<String, String>,
    /// localStorage entries.
    pub local_storage: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BrowserFile {
    /// "chromium" (default) or "firefox".
    pub name: Option<String>,
    pub headed: Option<bool>,
    /// Ask pages for reduced motion (`prefers-reduced-motion: reduce`).
    pub reduced_motion: Option<bool>,
    /// Playback rate of the page's CSS transitions and animations (1 = real time).
    pub animation_speed: Option<f64>,
    /// "cdp" (default on Chromium) or "webdriver".
    pub input: Option<String>,
    /// "accessibility" (default), "bidi" or "xpath": how role= and label= locators are found.
    pub locator_engine: Option<String>,
    pub webdriver_url: Option<String>,
    pub chromedriver: Option<PathBuf>,
    pub chromium: Option<PathBuf>,
    pub geckodriver: Option<PathBuf>,
    pub firefox: Option<PathBuf>,
    pub window_width: Option<u32>,
    pub window_height: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RunFile {
    pub concurrency: Option<usize>,
    pub artifacts_dir: Option<PathBuf>,
    /// Console messages and page errors matching one of these regular
    /// expressions are accepted noise: they do not fail a scenario.
    pub allow_console: Option<Vec<String>>,
    /// An uncaught page error or a `console.error` fails the scenario (default true).
    pub fail_on_page_errors: Option<bool>,
    /// A 5xx answer from the target to the page fails the step (default true).
    pub fail_on_server_errors: Option<bool>,
    /// "off" (default) or "retain-on-failure": a failed scenario's video.
    pub video: Option<String>,
    /// "off", "report" or "fail": what an accessibility violation does
    /// (default: fail on the local AI Suite as shipped, report elsewhere).
    pub accessibility: Option<String>,
    /// A TOML file of accepted violations (`[[accepted]]` rule, target, reason).
    pub accessibility_baseline: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TimeoutsFile {
    pub wait_ms: Option<u64>,
    pub poll_ms: Option<u64>,
    pub page_load_ms: Option<u64>,
}
