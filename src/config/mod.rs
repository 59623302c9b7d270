//! Where the suite points and how it behaves: built-in defaults, overridden by
//! the TOML file named in `AI_SUITE_CONFIG`, overridden by environment variables.
//! See `ai-suite.example.toml` for every key.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::locators::Locators;
use crate::secret::Secret;

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

impl Default for ApiFile {
    fn default() -> Self {
        Self {
            method: "GET".into(),
            path: "/api/v1/me".into(),
            header: "Authorization".into(),
            scheme: "Bearer".into(),
            create_path: "/api/tokens".into(),
            create_name_field: "name".into(),
            create_expiry_field: "expiry".into(),
            tokens_path: None,
            revoke_path: None,
            tokens_pointer: None,
            created_id_pointer: None,
            session_header: None,
            session_header_value: None,
        }
    }
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
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TimeoutsFile {
    pub wait_ms: Option<u64>,
    pub poll_ms: Option<u64>,
    pub page_load_ms: Option<u64>,
}

#[derive(Clone, Debug)]
pub enum Target {
    /// Start the embedded local AI Suite.
    Local { today: Option<NaiveDate> },
    Remote { url: String },
}

#[derive(Clone, Debug)]
pub struct Credentials {
    pub username: String,
    pub password: Secret,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub target: Target,
    pub credentials: Option<Credentials>,
    pub session: SessionFile,
    pub start_path: String,
    pub user_name: Option<String>,
    pub user_role: Option<String>,
    pub headed: bool,
    /// Pages are told the user prefers reduced motion (Chromium only).
    pub reduced_motion: bool,
    /// Playback rate of CSS transitions and animations (Chromium only; 1 = real time).
    pub animation_speed: f64,
    /// How clicks and typing reach the page.
    pub input: InputMode,
    /// How `role=` and `label=` locators are found.
    pub locator_engine: crate::locators::Engine,
    pub webdriver_url: Option<String>,
    pub chromedriver: Option<PathBuf>,
    pub chromium: Option<PathBuf>,
    /// The browser the scenarios run in.
    pub browser: BrowserName,
    pub geckodriver: Option<PathBuf>,
    pub firefox: Option<PathBuf>,
    pub window: (u32, u32),
    pub concurrency: usize,
    pub artifacts_dir: PathBuf,
    pub wait: Duration,
    pub poll: Duration,
    pub page_load: Duration,
    pub locators: Locators,
    /// Column key → header keyword (see [`crate::pages::table`]).
    pub columns: BTreeMap<String, String>,
    pub api: ApiFile,
    /// The target's "today" is computed in this offset from UTC.
    pub utc_offset: chrono::FixedOffset,
    /// What the page says that fails a scenario (see [`PageChecks`]).
    pub page_checks: PageChecks,
    /// Record each scenario's screencast and keep it when the scenario fails.
    pub video: VideoMode,
}

/// Whether scenarios are filmed (Playwright's `video` option, its two useful values).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum VideoMode {
    #[default]
    Off,
    RetainOnFailure,
}

impl std::str::FromStr for VideoMode {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> anyhow::Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" | "no" | "0" | "false" => Ok(Self::Off),
            "retain-on-failure" | "on" => Ok(Self::RetainOnFailure),
            other => anyhow::bail!("'{other}' is not a video mode (use off or retain-on-failure)"),
        }
    }
}

/// The browser the scenarios run in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BrowserName {
    #[default]
    Chromium,
    Firefox,
}

impl BrowserName {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Chromium => "chromium",
            Self::Firefox => "firefox",
        }
    }
}

impl std::fmt::Display for BrowserName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for BrowserName {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> anyhow::Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "chromium" | "chrome" | "google-chrome" => Ok(Self::Chromium),
            "firefox" | "firefox-esr" => Ok(Self::Firefox),
            other => anyhow::bail!("'{other}' is not a browser this suite drives: use chromium or firefox"),
        }
    }
}

/// Which of the page's own reports fail a scenario.
#[derive(Clone, Debug)]
pub struct PageChecks {
    pub page_errors: bool,
    pub server_errors: bool,
    /// Accepted console and page-error texts.
    pub allow: Vec<regex::Regex>,
}

/// Reads the environment through a function, so tests need not touch the process env.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

pub fn process_env(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.trim().is_empty())
}

/// CSS transitions and animations run this many times faster than real time.
pub const DEFAULT_ANIMATION_SPEED: f64 = 10.0;

fn flag(v: &str) -> anyhow::Result<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => bail!("'{other}' is not a yes/no value (use 1/0, true/false)"),
    }
}

fn number<T: std::str::FromStr>(key: &str, v: &str) -> anyhow::Result<T> {
    v.trim().parse().map_err(|_| anyhow::anyhow!("{key}='{v}' is not a number"))
}

impl Config {
    /// Defaults < `AI_SUITE_CONFIG` file < environment.
    pub fn load(env: Env) -> anyhow::Result<Self> {
        let file = match env("AI_SUITE_CONFIG") {
            Some(path) => {
                let text = std::fs::read_to_string(&path).with_context(|| {
                    format!("AI_SUITE_CONFIG points at '{path}', which cannot be read; fix the path or unset it")
                })?;
                toml::from_str::<FileConfig>(&text).with_context(|| {
                    format!("the config file '{path}' is not valid (see ai-suite.example.toml for the schema)")
                })?
            }
            None => FileConfig::default(),
        };
        Self::resolve(file, env)
    }

    pub fn resolve(file: FileConfig, env: Env) -> anyhow::Result<Self> {
        let url = env("AI_SUITE_URL").or(file.target.url);
        let target = match url {
            None => Target::Local { today: file.target.today },
            Some(url) => Target::Remote { url: validate_url(&url)? },
        };
        let username = env("AI_SUITE_USERNAME").or(file.target.username);
        let password = env("AI_SUITE_PASSWORD").or(file.target.password);
        let mut session = file.target.session;
        if let Some(cookies) = env("AI_SUITE_SESSION_COOKIES") {
            for pair in cookies.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                let (k, v) = pair
                    .split_once('=')
                    .context("AI_SUITE_SESSION_COOKIES must be 'name=value; name2=value2'")?;
                session.cookies.insert(k.trim().to_string(), v.trim().to_string());
            }
        }
        if let Some(json) = env("AI_SUITE_SESSION_STORAGE") {
            let entries: BTreeMap<String, String> = serde_json::from_str(&json)
                .context("AI_SUITE_SESSION_STORAGE must be a JSON object of string values")?;
            session.local_storage.extend(entries);
        }
        // Session values are credentials: never printed, painted over, scanned for.
        for v in session.cookies.values().chain(session.local_storage.values()) {
            Secret::session(v.clone());
        }
        let credentials = match (&target, username, password) {
            (_, Some(username), Some(password)) => Some(Credentials { username, password: Secret::password(password) }),
            // The local AI Suite's own user, filled in by the run that starts it.
            (Target::Local { .. }, None, None) => None,
            (_, Some(_), None) => bail!("AI_SUITE_USERNAME is set but AI_SUITE_PASSWORD is not: set both, or neither"),
            (_, None, Some(_)) => bail!("AI_SUITE_PASSWORD is set but AI_SUITE_USERNAME is not: set both, or neither"),
            (Target::Remote { url }, None, None) => {
                if session.cookies.is_empty() && session.local_storage.is_empty() {
                    bail!(
                        "AI_SUITE_URL is {url} but no way to sign in is configured: set AI_SUITE_USERNAME and \
                         AI_SUITE_PASSWORD, or inject an SSO session with AI_SUITE_SESSION_COOKIES / \
                         AI_SUITE_SESSION_STORAGE (or [target.session] in the config file)"
                    );
                }
                None
            }
        };
        let headed = match env("AI_SUITE_HEADED") {
            Some(v) => flag(&v).context("AI_SUITE_HEADED")?,
            None => file.browser.headed.unwrap_or(false),
        };
        let reduced_motion = match env("AI_SUITE_REDUCED_MOTION") {
            Some(v) => flag(&v).context("AI_SUITE_REDUCED_MOTION")?,
            None => file.browser.reduced_motion.unwrap_or(false),
        };
        let animation_speed = match env("AI_SUITE_ANIMATION_SPEED") {
            Some(v) => number("AI_SUITE_ANIMATION_SPEED", &v)?,
            None => file.browser.animation_speed.unwrap_or(DEFAULT_ANIMATION_SPEED),
        };
        if !(animation_speed.is_finite() && (1.0..=100.0).contains(&animation_speed)) {
            bail!(
                "the animation speed (AI_SUITE_ANIMATION_SPEED / [browser] animation_speed) is {animation_speed}: \
                 use a factor from 1 (real time) to 100"
            );
        }
        let ms = |key: &str, file_value: Option<u64>, default: u64| -> anyhow::Result<Duration> {
            let v = match env(key) {
                Some(v) => number(key, &v)?,
                None => file_value.unwrap_or(default),
            };
            Ok(Duration::from_millis(v))
        };
        let concurrency = match env("AI_SUITE_CONCURRENCY") {
            Some(v) => number("AI_SUITE_CONCURRENCY", &v)?,
            None => file.run.concurrency.unwrap_or(2),
        };
        if concurrency == 0 {
            bail!("concurrency must be at least 1");
        }
        let allow_sources: Vec<String> = match env("AI_SUITE_ALLOW_CONSOLE") {
            // A JSON list of expressions, or one expression.
            Some(v) if v.trim_start().starts_with('[') => serde_json::from_str(&v)
                .context("AI_SUITE_ALLOW_CONSOLE must be one regular expression or a JSON list of them")?,
            Some(v) => vec![v],
            None => file.run.allow_console.clone().unwrap_or_default(),
        };
        let allow = allow_sources
            .iter()
            .map(|r| regex::Regex::new(r).with_context(|| format!("the console allow-list entry {r:?} (AI_SUITE_ALLOW_CONSOLE / [run] allow_console) is not a valid regular expression")))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let page_checks = PageChecks {
            page_errors: match env("AI_SUITE_FAIL_ON_PAGE_ERRORS") {
                Some(v) => flag(&v).context("AI_SUITE_FAIL_ON_PAGE_ERRORS")?,
                None => file.run.fail_on_page_errors.unwrap_or(true),
            },
            server_errors: match env("AI_SUITE_FAIL_ON_SERVER_ERRORS") {
                Some(v) => flag(&v).context("AI_SUITE_FAIL_ON_SERVER_ERRORS")?,
                None => file.run.fail_on_server_errors.unwrap_or(true),
            },
            allow,
        };
        let mut api = file.api;
        if let Some(template) = env("AI_SUITE_API_SESSION_HEADER").or(api.session_header.clone()) {
            let (name, value) = template
                .split_once(':')
                .with_context(|| format!("[api] session_header {template:?} is not of the form 'Header-Name: value'"))?;
            let mut value = value.trim().to_string();
            for (k, v) in &session.local_storage {
                value = value.replace(&format!("{{{k}}}"), v);
            }
            if let Some(missing) = value.split('{').nth(1).and_then(|r| r.split('}').next()) {
                bail!("[api] session_header refers to the localStorage entry {missing:?}, which the session (AI_SUITE_SESSION_STORAGE) does not have");
            }
            api.session_header_value = Some((name.trim().to_string(), crate::secret::Secret::new(value)));
        }
        if matches!(target, Target::Local { .. }) {
            api.tokens_path.get_or_insert_with(|| "/api/tokens".into());
            api.revoke_path.get_or_insert_with(|| "/api/tokens/{id}/revoke".into());
        }
        Ok(Self {
            target,
            credentials,
            session,
            start_path: env("AI_SUITE_START_PATH").or(file.target.start_path).unwrap_or_else(|| "/".into()),
            user_name: env("AI_SUITE_USER_NAME").or(file.target.user_name),
            user_role: env("AI_SUITE_USER_ROLE").or(file.target.user_role),
            headed,
            reduced_motion,
            animation_speed,
            input: match env("AI_SUITE_INPUT").or(file.browser.input) {
                Some(v) => v.parse().context("AI_SUITE_INPUT / [browser] input")?,
                None => Default::default(),
            },
            locator_engine: match env("AI_SUITE_LOCATOR_ENGINE").or(file.browser.locator_engine) {
                Some(v) => v.parse().context("AI_SUITE_LOCATOR_ENGINE / [browser] locator_engine")?,
                None => Default::default(),
            },
            webdriver_url: env("WEBDRIVER_URL").or(file.browser.webdriver_url),
            chromedriver: env("CHROMEDRIVER").map(PathBuf::from).or(file.browser.chromedriver),
            chromium: env("CHROMIUM").map(PathBuf::from).or(file.browser.chromium),
            browser: match env("AI_SUITE_BROWSER").or(file.browser.name) {
                Some(v) => v.parse().context("AI_SUITE_BROWSER / [browser] name")?,
                None => BrowserName::Chromium,
            },
            geckodriver: env("GECKODRIVER").map(PathBuf::from).or(file.browser.geckodriver),
            firefox: env("FIREFOX").map(PathBuf::from).or(file.browser.firefox),
            window: (file.browser.window_width.unwrap_or(1280), file.browser.window_height.unwrap_or(800)),
            concurrency,
            artifacts_dir: env("AI_SUITE_ARTIFACTS")
                .map(PathBuf::from)
                .or(file.run.artifacts_dir)
                .unwrap_or_else(|| PathBuf::from("target/e2e")),
            wait: ms("AI_SUITE_TIMEOUT_MS", file.timeouts.wait_ms, 10_000)?,
            poll: ms("AI_SUITE_POLL_MS", file.timeouts.poll_ms, 20)?,
            page_load: ms("AI_SUITE_PAGE_LOAD_MS", file.timeouts.page_load_ms, 30_000)?,
            locators: Locators::with_overrides(&file.locators).context("in [locators] of the config file")?,
            columns: file.columns,
            api,
            utc_offset: parse_offset(env("AI_SUITE_UTC_OFFSET").or(file.target.utc_offset).as_deref().unwrap_or("+00:00"))?,
            page_checks,
            video: match env("AI_SUITE_VIDEO").or(file.run.video) {
                Some(v) => v.parse().context("AI_SUITE_VIDEO / [run] video")?,
                None => VideoMode::Off,
            },
        })
    }

    pub fn is_local(&self) -> bool {
        matches!(self.target, Target::Local { .. })
    }
}

/// "+05:30", "-08:00", "Z" → a fixed offset.
fn parse_offset(text: &str) -> anyhow::Result<chrono::FixedOffset> {
    let t = text.trim();
    if t == "Z" || t.eq_ignore_ascii_case("utc") {
        return Ok(chrono::FixedOffset::east_opt(0).expect("zero offset"));
    }
    let (sign, rest) = match t.chars().next() {
        Some('+') => (1, &t[1..]),
        Some('-') => (-1, &t[1..]),
        _ => bail!("the UTC offset '{text}' must look like +05:30 or -08:00"),
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let (h, m): (i32, i32) = (h.parse().ok().context("hours")?, m.parse().ok().context("minutes")?);
    chrono::FixedOffset::east_opt(sign * (h * 3600 + m * 60)).with_context(|| format!("the UTC offset '{text}' is out of range"))
}

fn validate_url(url: &str) -> anyhow::Result<String> {
    let trimmed = url.trim().trim_end_matches('/');
    let ok = (trimmed.starts_with("http://") || trimmed.starts_with("https://"))
        && trimmed.split("://").nth(1).is_some_and(|rest| !rest.is_empty() && !rest.contains(' '));
    if !ok {
        bail!("AI_SUITE_URL '{url}' is not an http(s) URL; use e.g. https://staging.example.com");
    }
    Ok(trimmed.to_string())
}

impl Config {
    /// The local AI Suite's own user, once it runs: its sign-in (unless one
    /// was configured) and the name and role its pages show. The suite knows
    /// the local AI Suite only through the run that starts it.
    pub fn local_user(&mut self, email: &str, password: &str, name: &str, role: &str) {
        if self.credentials.is_none() {
            self.credentials = Some(Credentials { username: email.to_string(), password: Secret::password(password) });
        }
        self.user_name.get_or_insert_with(|| name.to_string());
        self.user_role.get_or_insert_with(|| role.to_string());
    }
}

/// How the suite clicks and types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum InputMode {
    /// Trusted events through the DevTools protocol (Chromium only).
    #[default]
    Cdp,
    /// WebDriver's element click and send-keys.
    WebDriver,
}

impl std::str::FromStr for InputMode {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> anyhow::Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cdp" | "devtools" => Ok(Self::Cdp),
            "webdriver" => Ok(Self::WebDriver),
            other => anyhow::bail!("'{other}' is not an input mode (use cdp or webdriver)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| pairs.iter().find(|(key, _)| *key == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn the_local_user_fills_only_what_is_not_configured() {
        let mut c = Config::resolve(FileConfig::default(), &env_of(&[("AI_SUITE_USER_NAME", "Someone")])).unwrap();
        c.local_user("qa@x.test", "pw-local-user", "QA Name", "Admin");
        assert_eq!(c.credentials.as_ref().unwrap().username, "qa@x.test");
        assert_eq!(c.user_name.as_deref(), Some("Someone"), "a configured name stays");
        assert_eq!(c.user_role.as_deref(), Some("Admin"));
        let mut c = Config::resolve(FileConfig::default(), &env_of(&[("AI_SUITE_USERNAME", "me"), ("AI_SUITE_PASSWORD", "pw-mine")])).unwrap();
        c.local_user("qa@x.test", "pw-local-user", "QA Name", "Admin");
        assert_eq!(c.credentials.unwrap().username, "me", "configured credentials stay");
    }

    #[test]
    fn defaults_point_at_the_local_suite() {
        let c = Config::resolve(FileConfig::default(), &env_of(&[])).unwrap();
        assert!(c.is_local());
        assert!(c.credentials.is_none(), "the local AI Suite's user is filled in by the run that starts it");
        assert_eq!(c.concurrency, 2);
        assert!(!c.reduced_motion, "the app's own transitions are exercised unless asked otherwise");
        assert_eq!(c.animation_speed, DEFAULT_ANIMATION_SPEED);
    }

    #[test]
    fn animation_speed_comes_from_file_or_env_and_is_checked() {
        let file: FileConfig = toml::from_str("[browser]\nanimation_speed = 1").unwrap();
        assert_eq!(Config::resolve(file, &env_of(&[])).unwrap().animation_speed, 1.0);
        let file: FileConfig = toml::from_str("[browser]\nanimation_speed = 1").unwrap();
        assert_eq!(Config::resolve(file, &env_of(&[("AI_SUITE_ANIMATION_SPEED", "20")])).unwrap().animation_speed, 20.0);
        for bad in ["0", "0.5", "fast", "1000", "NaN", "-3"] {
            let env = move |k: &str| (k == "AI_SUITE_ANIMATION_SPEED").then(|| bad.to_string());
            let e = Config::resolve(FileConfig::default(), &env).unwrap_err();
            assert!(format!("{e:#}").contains("AI_SUITE_ANIMATION_SPEED"), "{bad}: {e:#}");
        }
    }

    #[test]
    fn the_example_config_is_valid() {
        let file: FileConfig = toml::from_str(include_str!("../ai-suite.example.toml")).expect("ai-suite.example.toml parses");
        let c = Config::resolve(file, &env_of(&[])).expect("ai-suite.example.toml resolves");
        assert_eq!(c.poll, Duration::from_millis(20));
        assert_eq!(c.window, (1280, 800));
        assert_eq!(c.animation_speed, DEFAULT_ANIMATION_SPEED, "the example shows the default");
    }

    #[test]
    fn the_browser_comes_from_file_or_env_and_a_bad_one_is_named() {
        assert_eq!(Config::resolve(FileConfig::default(), &env_of(&[])).unwrap().browser, BrowserName::Chromium);
        let file: FileConfig = toml::from_str("[browser]\nname = \"firefox\"").unwrap();
        assert_eq!(Config::resolve(file, &env_of(&[])).unwrap().browser, BrowserName::Firefox);
        let file: FileConfig = toml::from_str("[browser]\nname = \"firefox\"").unwrap();
        assert_eq!(Config::resolve(file, &env_of(&[("AI_SUITE_BROWSER", "Chromium")])).unwrap().browser, BrowserName::Chromium);
        let e = Config::resolve(FileConfig::default(), &env_of(&[("AI_SUITE_BROWSER", "safari")])).unwrap_err();
        let said = format!("{e:#}");
        assert!(said.contains("AI_SUITE_BROWSER") && said.contains("safari") && said.contains("firefox"), "{said}");
    }

    #[test]
    fn page_checks_and_video_come_from_file_or_env_and_bad_ones_are_named() {
        let file: FileConfig =
            toml::from_str("[run]\nallow_console = [\"^ResizeObserver\"]\nfail_on_server_errors = false\nvideo = \"retain-on-failure\"").unwrap();
        let c = Config::resolve(file, &env_of(&[])).unwrap();
        assert!(c.page_checks.page_errors && !c.page_checks.server_errors);
        assert_eq!(c.page_checks.allow.len(), 1);
        assert!(c.page_checks.allow[0].is_match("ResizeObserver loop limit exceeded"));
        assert_eq!(c.video, VideoMode::RetainOnFailure);
        let c = Config::resolve(FileConfig::default(), &env_of(&[("AI_SUITE_ALLOW_CONSOLE", r#"["a", "b+"]"#), ("AI_SUITE_VIDEO", "off")])).unwrap();
        assert_eq!((c.page_checks.allow.len(), c.video), (2, VideoMode::Off));
        let c = Config::resolve(FileConfig::default(), &env_of(&[("AI_SUITE_ALLOW_CONSOLE", "Failed to load (avatar|theme)")])).unwrap();
        assert!(c.page_checks.allow[0].is_match("Failed to load theme"), "one expression as it is");
        let e = Config::resolve(FileConfig::default(), &env_of(&[("AI_SUITE_ALLOW_CONSOLE", "(unclosed")])).unwrap_err();
        assert!(format!("{e:#}").contains("\"(unclosed\" (AI_SUITE_ALLOW_CONSOLE / [run] allow_console) is not a valid regular expression"), "{e:#}");
        let e = Config::resolve(FileConfig::default(), &env_of(&[("AI_SUITE_VIDEO", "always")])).unwrap_err();
        assert!(format!("{e:#}").contains("'always' is not a video mode"), "{e:#}");
    }

    #[test]
    fn reduced_motion_comes_from_file_or_env() {
        let file: FileConfig = toml::from_str("[browser]\nreduced_motion = true").unwrap();
        assert!(Config::resolve(file, &env_of(&[])).unwrap().reduced_motion);
        let file: FileConfig = toml::from_str("[browser]\nreduced_motion = true").unwrap();
        assert!(!Config::resolve(file, &env_of(&[("AI_SUITE_REDUCED_MOTION", "0")])).unwrap().reduced_motion);
        let e = Config::resolve(FileConfig::default(), &env_of(&[("AI_SUITE_REDUCED_MOTION", "sometimes")])).unwrap_err();
        assert!(format!("{e:#}").contains("AI_SUITE_REDUCED_MOTION"), "{e:#}");
    }

    #[test]
    fn env_overrides_file() {
        let file: FileConfig = toml::from_str("[target]\nurl = \"http://file.example\"\nusername = \"a\"\npassword = \"b\"\n[run]\nconcurrency = 3").unwrap();
        let c = Config::resolve(file, &env_of(&[("AI_SUITE_URL", "https://env.example/"), ("AI_SUITE_CONCURRENCY", "1")])).unwrap();
        assert!(matches!(c.target, Target::Remote { ref url } if url == "https://env.example"));
        assert_eq!(c.concurrency, 1);
    }

    #[test]
    fn bad_input_is_named() {
        let e = Config::resolve(FileConfig::default(), &env_of(&[("AI_SUITE_URL", "staging")])).unwrap_err();
        assert!(e.to_string().contains("not an http(s) URL"));
        let e = Config::resolve(FileConfig::default(), &env_of(&[("AI_SUITE_URL", "https://x.example")])).unwrap_err();
        assert!(e.to_string().contains("no way to sign in"));
        let e = toml::from_str::<FileConfig>("[target]\nurll = 1").unwrap_err();
        assert!(e.to_string().contains("unknown field"));
        let e = Config::resolve(FileConfig::default(), &env_of(&[("AI_SUITE_HEADED", "maybe")])).unwrap_err();
        assert!(format!("{e:#}").contains("not a yes/no"));
    }

    #[test]
    fn utc_offsets_parse() {
        assert_eq!(parse_offset("+05:30").unwrap().local_minus_utc(), 19800);
        assert_eq!(parse_offset("-08:00").unwrap().local_minus_utc(), -28800);
        assert_eq!(parse_offset("Z").unwrap().local_minus_utc(), 0);
        assert!(parse_offset("5").is_err());
    }

    #[test]
    fn session_injection_from_env() {
        let c = Config::resolve(
            FileConfig::default(),
            &env_of(&[("AI_SUITE_URL", "https://x.example"), ("AI_SUITE_SESSION_COOKIES", "sid=abc; theme=dark")]),
        )
        .unwrap();
        assert!(c.credentials.is_none());
        assert_eq!(c.session.cookies.get("sid").map(String::as_str), Some("abc"));
    }
}
