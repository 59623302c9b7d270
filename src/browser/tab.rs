//! Which tab the WebDriver session is on, switched only when a WebDriver
//! command needs it.
//!
//! A scenario's tab in a shared Chromium is readied and driven over its own
//! DevTools connection: opened, navigated, read, clicked, typed into and
//! photographed without ChromeDriver. ChromeDriver's switch to a tab costs
//! 55-70 ms here (it attaches to the tab and enables its own domains), and
//! as much again to switch back when the scenario's context is disposed. So
//! the switch waits until something asks the session itself (a WebDriver
//! script: docs mode's settled frame, the clipboard's read, a cookie set on
//! an open page; WebDriver input); a scenario that never does pays for
//! neither switch.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context as _;
use thirtyfour::{WebDriver, WindowHandle};

/// The session's switch to one tab, made the first time it is asked for.
pub struct TabSwitch {
    driver: WebDriver,
    tab: WindowHandle,
    done: tokio::sync::OnceCell<()>,
    /// A switch was sent (it may have been made even if its answer never came).
    asked: AtomicBool,
}

impl TabSwitch {
    /// The switch of `driver`'s session to `tab` (ChromeDriver's window
    /// handles are the tabs' DevTools target ids), not made yet.
    pub fn new(driver: WebDriver, tab: &str) -> Arc<Self> {
        Arc::new(Self { driver, tab: WindowHandle::from(tab.to_string()), done: Default::default(), asked: AtomicBool::new(false) })
    }

    /// The session on the tab: switched now if it was not yet. A switch
    /// that failed is tried again by the next ask.
    pub async fn ensure(&self) -> anyhow::Result<()> {
        self.done
            .get_or_try_init(|| async {
                self.asked.store(true, Ordering::SeqCst);
                self.driver.switch_to_window(self.tab.clone()).await.context("WebDriver could not switch to the scenario's tab")
            })
            .await
            .map(drop)
    }

    /// Was a switch sent (the session may have left the tab it was on)?
    pub fn asked(&self) -> bool {
        self.asked.load(Ordering::SeqCst)
    }
}
