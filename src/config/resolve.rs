//! The layering: each setting from the environment, else the config file,
//! else its default; checked, and named when it is wrong.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};

use super::defaults::{self, DEFAULT_ANIMATION_SPEED};
use super::env::{Env, allow_list, flag, number, session_cookies, session_storage};
use super::file::{ApiFile, FileConfig, RunFile, SessionFile};
use super::{BrowserName, Config, Credentials, PageChecks, Target, VideoMode};
use crate::locators::Locators;
use crate::secret::Secret;

impl Config {
    pub fn resolve(file: FileConfig, env: Env) -> anyhow::Result<Self> {
        let url = env("AI_SUITE_URL").or(file.target.url);
        let target = match url {
            None => Target::Local { today: file.target.today },
            Some(url) => Target::Remote { url: validate_url(&url)? },
        };
        let username = env("AI_SUITE_USERNAME").or(file.target.username);
        let password = env("AI_SUITE_PASSWORD").or(file.target.password);
        let session = session(env, file.target.session)?;
        let credentials = credentials(&target, username, password, &session)?;
        let headed = flag_setting(env, "AI_SUITE_HEADED", file.browser.headed, defaults::HEADED)?;
        let reduced_motion = flag_setting(env, "AI_SUITE_REDUCED_MOTION", file.browser.reduced_motion, defaults::REDUCED_MOTION)?;
        let animation_speed = animation_speed(env, file.browser.animation_speed)?;
        let ms = |key: &str, file_value: Option<u64>, default: u64| -> anyhow::Result<Duration> {
            Ok(Duration::from_millis(number_setting(env, key, file_value, default)?))
        };
        let concurrency = number_setting(env, "AI_SUITE_CONCURRENCY", file.run.concurrency, defaults::CONCURRENCY)?;
        if concurrency == 0 {
            bail!("concurrency must be at least 1");
        }
        let page_checks = page_checks(env, &file.run)?;
        let api = api(env, file.api, &target, &session)?;
        Ok(Self {
            target,
            credentials,
            session,
            start_path: env("AI_SUITE_START_PATH").or(file.target.start_path).unwrap_or_else(|| defaults::START_PATH.into()),
            user_name: env("AI_SUITE_USER_NAME").or(file.target.user_name),
            user_role: env("AI_SUITE_USER_ROLE").or(file.target.user_role),
            headed,
            reduced_motion,
            animation_speed,
            input: parsed(env("AI_SUITE_INPUT").or(file.browser.input), "AI_SUITE_INPUT / [browser] input")?.unwrap_or_default(),
            locator_engine: parsed(
                env("AI_SUITE_LOCATOR_ENGINE").or(file.browser.locator_engine),
                "AI_SUITE_LOCATOR_ENGINE / [browser] locator_engine",
            )?
            .unwrap_or_default(),
            webdriver_url: env("WEBDRIVER_URL").or(file.browser.webdriver_url),
            chromedriver: env("CHROMEDRIVER").map(PathBuf::from).or(file.browser.chromedriver),
            chromium: env("CHROMIUM").map(PathBuf::from).or(file.browser.chromium),
            browser: parsed(env("AI_SUITE_BROWSER").or(file.browser.name), "AI_SUITE_BROWSER / [browser] name")?
                .unwrap_or(BrowserName::Chromium),
            geckodriver: env("GECKODRIVER").map(PathBuf::from).or(file.browser.geckodriver),
            firefox: env("FIREFOX").map(PathBuf::from).or(file.browser.firefox),
            window: (
                file.browser.window_width.unwrap_or(defaults::WINDOW.0),
                file.browser.window_height.unwrap_or(defaults::WINDOW.1),
            ),
            concurrency,
            artifacts_dir: env("AI_SUITE_ARTIFACTS")
                .map(PathBuf::from)
                .or(file.run.artifacts_dir)
                .unwrap_or_else(|| PathBuf::from(defaults::ARTIFACTS_DIR)),
            wait: ms("AI_SUITE_TIMEOUT_MS", file.timeouts.wait_ms, defaults::WAIT_MS)?,
            poll: ms("AI_SUITE_POLL_MS", file.timeouts.poll_ms, defaults::POLL_MS)?,
            page_load: ms("AI_SUITE_PAGE_LOAD_MS", file.timeouts.page_load_ms, defaults::PAGE_LOAD_MS)?,
            locators: Locators::with_overrides(&file.locators).context("in [locators] of the config file")?,
            columns: file.columns,
            api,
            utc_offset: parse_offset(env("AI_SUITE_UTC_OFFSET").or(file.target.utc_offset).as_deref().unwrap_or(defaults::UTC_OFFSET))?,
            page_checks,
            video: parsed(env("AI_SUITE_VIDEO").or(file.run.video), "AI_SUITE_VIDEO / [run] video")?.unwrap_or(VideoMode::Off),
            accessibility: parsed(env("AI_SUITE_ACCESSIBILITY").or(file.run.accessibility), "AI_SUITE_ACCESSIBILITY / [run] accessibility")?,
            accessibility_baseline: env("AI_SUITE_ACCESSIBILITY_BASELINE").map(PathBuf::from).or(file.run.accessibility_baseline),
        })
    }
}

/// A yes/no setting: the environment's `key`, else the file's value, else `default`.
fn flag_setting(env: Env, key: &'static str, file_value: Option<bool>, default: bool) -> anyhow::Result<bool> {
    match env(key) {
        Some(v) => flag(&v).context(key),
        None => Ok(file_value.unwrap_or(default)),
    }
}

/// A number: the environment's `key`, else the file's value, else `default`.
fn number_setting<T: std::str::FromStr>(env: Env, key: &str, file_value: Option<T>, default: T) -> anyhow::Result<T> {
    match env(key) {
        Some(v) => number(key, &v),
        None => Ok(file_value.unwrap_or(default)),
    }
}

/// A setting's text (the environment's, else the file's), read; `source`
/// names where it came from when it is not one of the setting's values.
fn parsed<T: std::str::FromStr<Err = anyhow::Error>>(text: Option<String>, source: &'static str) -> anyhow::Result<Option<T>> {
    text.map(|v| v.parse().context(source)).transpose()
}

/// The injected (SSO) session: the file's, with the environment's cookies and
/// localStorage entries added.
fn session(env: Env, mut session: SessionFile) -> anyhow::Result<SessionFile> {
    if let Some(cookies) = env("AI_SUITE_SESSION_COOKIES") {
        session.cookies.extend(session_cookies(&cookies)?);
    }
    if let Some(json) = env("AI_SUITE_SESSION_STORAGE") {
        session.local_storage.extend(session_storage(&json)?);
    }
    // Session values are credentials: never printed, painted over, scanned for.
    for v in session.cookies.values().chain(session.local_storage.values()) {
        Secret::session(v.clone());
    }
    Ok(session)
}

/// The sign-in: a username and password (both or neither), else for a
/// remote target an injected session; the local AI Suite's own user comes later.
fn credentials(
    target: &Target,
    username: Option<String>,
    password: Option<String>,
    session: &SessionFile,
) -> anyhow::Result<Option<Credentials>> {
    Ok(match (target, username, password) {
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
    })
}

/// The playback rate of CSS transitions and animations, from 1 (real time) to 100.
fn animation_speed(env: Env, file_value: Option<f64>) -> anyhow::Result<f64> {
    let animation_speed = number_setting(env, "AI_SUITE_ANIMATION_SPEED", file_value, DEFAULT_ANIMATION_SPEED)?;
    if !(animation_speed.is_finite() && (1.0..=100.0).contains(&animation_speed)) {
        bail!(
            "the animation speed (AI_SUITE_ANIMATION_SPEED / [browser] animation_speed) is {animation_speed}: \
             use a factor from 1 (real time) to 100"
        );
    }
    Ok(animation_speed)
}

/// What the page says that fails a scenario, and the console texts accepted as noise.
fn page_checks(env: Env, run: &RunFile) -> anyhow::Result<PageChecks> {
    let allow_sources: Vec<String> = match env("AI_SUITE_ALLOW_CONSOLE") {
        Some(v) => allow_list(v)?,
        None => run.allow_console.clone().unwrap_or_default(),
    };
    let allow = allow_sources
        .iter()
        .map(|r| regex::Regex::new(r).with_context(|| format!("the console allow-list entry {r:?} (AI_SUITE_ALLOW_CONSOLE / [run] allow_console) is not a valid regular expression")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(PageChecks {
        page_errors: flag_setting(env, "AI_SUITE_FAIL_ON_PAGE_ERRORS", run.fail_on_page_errors, defaults::FAIL_ON_PAGE_ERRORS)?,
        server_errors: flag_setting(env, "AI_SUITE_FAIL_ON_SERVER_ERRORS", run.fail_on_server_errors, defaults::FAIL_ON_SERVER_ERRORS)?,
        allow,
    })
}

/// The file's `[api]` with the session header filled in from the session's
/// localStorage, and the local AI Suite's clean-up endpoints.
fn api(env: Env, mut api: ApiFile, target: &Target, session: &SessionFile) -> anyhow::Result<ApiFile> {
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
        api.tokens_path.get_or_insert_with(|| defaults::LOCAL_TOKENS_PATH.into());
        api.revoke_path.get_or_insert_with(|| defaults::LOCAL_REVOKE_PATH.into());
    }
    Ok(api)
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


#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| pairs.iter().find(|(key, _)| *key == k).map(|(_, v)| v.to_string())
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
        let file: FileConfig = toml::from_str(include_str!("../../ai-suite.example.toml")).expect("ai-suite.example.toml parses");
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
