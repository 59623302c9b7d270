//! Where the suite points and how it behaves: built-in defaults, overridden by
//! the TOML file named in `AI_SUITE_CONFIG`, overridden by environment variables.
//! See `ai-suite.example.toml` for every key.
//!
//! One module a concern: `file` (the file's shape and reading it), `defaults`
//! (what applies when nothing says), `env` (reading the environment and the
//! forms of its values), `choices` (the settings that name one of a few
//! values) and `resolve` (the three layered into a [`Config`]).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use chrono::NaiveDate;

use crate::locators::Locators;
use crate::secret::Secret;

mod choices;
mod defaults;
mod env;
mod file;
mod resolve;

pub use choices::{AccessibilityMode, BrowserName, InputMode, VideoMode};
pub use defaults::DEFAULT_ANIMATION_SPEED;
pub use env::{Env, process_env};
pub use file::{ApiFile, BrowserFile, FileConfig, RunFile, SessionFile, TargetFile, TimeoutsFile};

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
    /// The accessibility audit's mode when set (unset: `fail` on the local
    /// AI Suite as shipped, `report` elsewhere; see [`crate::evidence::audit`]).
    pub accessibility: Option<AccessibilityMode>,
    /// The accepted violations (rule id + element), for `fail` mode.
    pub accessibility_baseline: Option<PathBuf>,
}

/// Which of the page's own reports fail a scenario.
#[derive(Clone, Debug)]
pub struct PageChecks {
    pub page_errors: bool,
    pub server_errors: bool,
    /// Accepted console and page-error texts.
    pub allow: Vec<regex::Regex>,
}

impl Config {
    /// Defaults < `AI_SUITE_CONFIG` file < environment.
    pub fn load(env: Env) -> anyhow::Result<Self> {
        let file = match env("AI_SUITE_CONFIG") {
            Some(path) => FileConfig::read(&path)?,
            None => FileConfig::default(),
        };
        Self::resolve(file, env)
    }

    pub fn is_local(&self) -> bool {
        matches!(self.target, Target::Local { .. })
    }
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
}
