//! Which tab the WebDriver session is on, switched only when a WebDriver
//! command needs it.
//!
//! A scenario's tab in a shared Chromium is readied and driven over its own
//! DevTools connection: opened, navigated, read, clicked, typed into and
//! photographed without ChromeDriver. ChromeDriver's switch to a tab costs
//! 55-70 ms here (it attaches to the tab and enables its own domains), and
//! as much again to switch back when the scenario's context is disposed. So
//! the switch waits until something asks the session itself (a WebDriver
//! script, the clipboard's read, WebDriver input); a scenario that never does
//! pays for neither switch.

use std::sync::Arc;

use anyhow::anyhow;
use thirtyfour::{WebDriver, WindowHandle};

/// The session's switch to one tab, made the first time it is asked for.
pub struct TabSwitch {
    driver: WebDriver,
    tab: WindowHandle,
    done: tokio::sync::OnceCell<Result<(), String>>,
}

impl TabSwitch {
    /// The switch of `driver`'s session to `tab` (ChromeDriver's window
    /// handles are the tabs' DevTools target ids), not made yet.
    pub fn new(driver: WebDriver, tab: &str) -> Arc<Self> {
        Arc::new(Self { driver, tab: WindowHandle::from(tab.to_string()), done: Default::default() })
    }

    /// The session on the tab: switched now if it was not yet. A switch that
    /// failed fails every later ask alike.
    pub async fn ensure(&self) -> anyhow::Result<()> {
        let done = self
            .done
            .get_or_init(|| async { self.driver.switch_to_window(self.tab.clone()).await.map_err(|e| e.to_string()) })
            .await;
        done.clone().map_err(|e| anyhow!("WebDriver could not switch to the scenario's tab: {e}"))
    }

    /// Was the switch asked for (the session may have left the tab it was on)?
    pub fn asked(&self) -> bool {
        self.done.initialized()
    }
}
