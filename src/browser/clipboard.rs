//! Reading what the Copy button put on the clipboard: the operating system's
//! clipboard (arboard; needs a headed browser on an X display), or else the
//! browser's own clipboard API with the permission granted through CDP.

use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::json;
use thirtyfour::WebDriver;

use super::wait;

#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum ClipboardPath {
    /// The OS clipboard, read with arboard (a headed browser under X).
    Os,
    /// `navigator.clipboard.readText()` in the page: Chromium's permission
    /// granted through DevTools, Firefox's read allowed by a preference.
    Browser,
}

impl ClipboardPath {
    pub fn describe(self) -> &'static str {
        match self {
            ClipboardPath::Os => "OS clipboard (arboard, headed browser on X)",
            ClipboardPath::Browser => "the page's clipboard API (navigator.clipboard; Chromium: permission granted through DevTools, Firefox: allowed by a preference)",
        }
    }
}

/// Grants the page clipboard access (both permissions: CDP denies what is not listed).
pub async fn grant_permissions(page: &super::page::Page, origin: &str, browser_context: Option<&str>) -> anyhow::Result<()> {
    let mut params = json!({ "origin": origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"] });
    // Granted to the scenario's own context only (the default one otherwise).
    if let Some(id) = browser_context {
        params["browserContextId"] = json!(id);
    }
    page.cdp("Browser.grantPermissions", params)
        .await
        .context("could not grant clipboard permissions through CDP (is this Chromium?)")?;
    Ok(())
}

/// Waits until the clipboard holds `expected_len`-or-more characters that
/// differ from `before`, and returns them (the caller compares).
pub async fn read_after_copy(
    path: ClipboardPath,
    driver: &WebDriver,
    before: Option<&str>,
    timeout: Duration,
    poll: Duration,
) -> anyhow::Result<String> {
    let what = format!("the {} to receive the copied token", path.describe());
    let result = wait::until(&what, timeout, poll, || async {
        let text = read(path, driver).await?;
        Ok((!text.is_empty() && Some(text.as_str()) != before).then_some(text))
    })
    .await;
    match result {
        Ok(t) => Ok(t),
        Err(e) => {
            let now = read(path, driver).await.unwrap_or_default();
            bail!("{e}; the clipboard holds {} characters{}", now.chars().count(), if Some(now.as_str()) == before { " (unchanged since before Copy)" } else { "" })
        }
    }
}

/// One read of the clipboard.
pub async fn read(path: ClipboardPath, driver: &WebDriver) -> anyhow::Result<String> {
    match path {
        ClipboardPath::Os => {
            let mut cb = arboard::Clipboard::new().context("cannot open the OS clipboard (no X display?)")?;
            // An empty clipboard is an error in arboard: report it as "".
            Ok(cb.get_text().unwrap_or_default())
        }
        ClipboardPath::Browser => {
            driver.set_script_timeout(Duration::from_secs(3)).await?;
            let ret = driver
                .execute_async(super::scripts::CLIPBOARD_READ, vec![])
                .await?;
            let text = ret.json().as_str().unwrap_or_default().to_string();
            if let Some(err) = text.strip_prefix("__error__:") {
                bail!("the page could not read the clipboard: {err}");
            }
            Ok(text)
        }
    }
}
