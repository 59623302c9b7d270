//! The settings that name one of a few choices (the browser, video, input),
//! each read from its text.

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

/// What an accessibility violation on a screen the guide shows does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AccessibilityMode {
    /// No audit.
    Off,
    /// Audited and listed in the reports.
    #[default]
    Report,
    /// Listed, and a serious or critical one not in the baseline fails the step.
    Fail,
}

impl std::str::FromStr for AccessibilityMode {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> anyhow::Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" | "no" | "false" | "0" => Ok(Self::Off),
            "report" => Ok(Self::Report),
            "fail" => Ok(Self::Fail),
            other => anyhow::bail!("'{other}' is not an accessibility mode (use off, report or fail)"),
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
