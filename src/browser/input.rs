//! Acting on the page like a user, fast: trusted mouse and keyboard events sent
//! through the DevTools protocol (as Playwright does), after the suite's own
//! actionability checks. A WebDriver click costs ~25 DevTools round trips in
//! ChromeDriver (100-150 ms here); this costs one script and two events.
//! Browsers without DevTools (a Firefox grid) or `AI_SUITE_INPUT=webdriver`
//! use WebDriver's own click and typing instead.

use serde_json::json;
use thirtyfour::prelude::*;

use super::page::{Element, Page};
use super::scripts;

pub use crate::config::InputMode;

/// Clicks `el` once it is actionable; `Ok(Err(reason))` while it is not.
pub async fn try_click(page: &Page, mode: InputMode, el: &Element) -> anyhow::Result<Result<(), String>> {
    match (mode, el) {
        (InputMode::WebDriver, Element::WebDriver(wd)) => {
            if !wd.is_enabled().await? {
                return Ok(Err("the element is disabled".into()));
            }
            match wd.click().await {
                Ok(()) => Ok(Ok(())),
                // ChromeDriver hit-tests an element of a shadow root without
                // entering the host: text slotted into an inner <button> is taken
                // for the host "intercepting" the click. Our own check goes down
                // through shadow roots (and still refuses a real overlay); then a
                // pointer click at that point.
                Err(e) if matches!(e.as_inner(), thirtyfour::error::WebDriverErrorInner::ElementClickIntercepted(_)) => {
                    let point = page.eval(scripts::CLICK_POINT, vec![el.into()]).await?;
                    let (Some(x), Some(y)) = (point[0].as_f64(), point[1].as_f64()) else {
                        return Ok(Err(point.as_str().unwrap_or("the element cannot be clicked").to_string()));
                    };
                    page.driver.action_chain().move_to(x.round() as i64, y.round() as i64).click().perform().await?;
                    Ok(Ok(()))
                }
                Err(e) => Err(e.into()),
            }
        }
        _ => {
            let point = page.eval(scripts::CLICK_POINT, vec![el.into()]).await?;
            let (Some(x), Some(y)) = (point[0].as_f64(), point[1].as_f64()) else {
                return Ok(Err(point.as_str().unwrap_or("the element cannot be clicked").to_string()));
            };
            let event = |kind| json!({ "type": kind, "x": x, "y": y, "button": "left", "buttons": 1, "clickCount": 1 });
            page.cdp_all(vec![("Input.dispatchMouseEvent", event("mousePressed")), ("Input.dispatchMouseEvent", event("mouseReleased"))])
                .await?;
            Ok(Ok(()))
        }
    }
}

/// Types `text` into a field the user has just clicked, replacing what it held.
pub async fn type_text(page: &Page, mode: InputMode, field: &Element, text: &str) -> anyhow::Result<()> {
    match (mode, field) {
        (InputMode::WebDriver, Element::WebDriver(field)) => {
            let current = field.prop("value").await?.unwrap_or_default();
            if !current.is_empty() {
                field.send_keys(Key::Control + "a").await?;
                field.send_keys(Key::Backspace).await?;
            }
            field.send_keys(text).await?;
        }
        _ => {
            let focused = page.eval(scripts::FOCUS_SELECT, vec![field.into()]).await?;
            anyhow::ensure!(focused.as_bool() == Some(true), "the field could not take the keyboard focus");
            if text.is_empty() {
                // Nothing to insert: clear the selection like a Delete key press.
                let key = |kind| json!({ "type": kind, "key": "Delete", "code": "Delete", "windowsVirtualKeyCode": 46 });
                page.cdp_all(vec![("Input.dispatchKeyEvent", key("keyDown")), ("Input.dispatchKeyEvent", key("keyUp"))]).await?;
            } else {
                page.cdp("Input.insertText", json!({ "text": text })).await?;
            }
        }
    }
    Ok(())
}
