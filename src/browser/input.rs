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
                    page.driver().await?.action_chain().move_to(x.round() as i64, y.round() as i64).click().perform().await?;
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

/// A key a keyboard user presses (see [`press`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Press {
    Tab,
    ShiftTab,
    Enter,
    Escape,
    Down,
    Up,
    Right,
    Left,
}

impl Press {
    /// As a person names it (for messages).
    pub fn name(self) -> &'static str {
        match self {
            Press::Tab => "Tab",
            Press::ShiftTab => "Shift+Tab",
            Press::Enter => "Enter",
            Press::Escape => "Escape",
            Press::Down => "↓",
            Press::Up => "↑",
            Press::Right => "→",
            Press::Left => "←",
        }
    }

    /// DOM key, code, Windows key code, the text it types (Enter's "\r").
    fn dom(self) -> (&'static str, &'static str, u32, Option<&'static str>) {
        match self {
            Press::Tab | Press::ShiftTab => ("Tab", "Tab", 9, None),
            Press::Enter => ("Enter", "Enter", 13, Some("\r")),
            Press::Escape => ("Escape", "Escape", 27, None),
            Press::Down => ("ArrowDown", "ArrowDown", 40, None),
            Press::Up => ("ArrowUp", "ArrowUp", 38, None),
            Press::Right => ("ArrowRight", "ArrowRight", 39, None),
            Press::Left => ("ArrowLeft", "ArrowLeft", 37, None),
        }
    }

    fn webdriver(self) -> Key {
        match self {
            Press::Tab | Press::ShiftTab => Key::Tab,
            Press::Enter => Key::Enter,
            Press::Escape => Key::Escape,
            Press::Down => Key::Down,
            Press::Up => Key::Up,
            Press::Right => Key::Right,
            Press::Left => Key::Left,
        }
    }
}

/// Presses a key where the focus is, as a keyboard does: trusted key events
/// through DevTools (the browser moves the focus on Tab, clicks a focused
/// button on Enter), or WebDriver's key actions.
pub async fn press(page: &Page, mode: InputMode, key: Press) -> anyhow::Result<()> {
    if mode == InputMode::WebDriver {
        let mut chain = page.driver().await?.action_chain();
        if key == Press::ShiftTab {
            chain = chain.key_down(Key::Shift).send_keys(key.webdriver()).key_up(Key::Shift);
        } else {
            chain = chain.send_keys(key.webdriver());
        }
        chain.perform().await?;
        return Ok(());
    }
    let (name, code, vk, text) = key.dom();
    let modifiers = if key == Press::ShiftTab { 8 } else { 0 };
    let mut down = json!({ "type": if text.is_some() { "keyDown" } else { "rawKeyDown" }, "key": name, "code": code, "windowsVirtualKeyCode": vk, "modifiers": modifiers });
    if let Some(t) = text {
        down["text"] = json!(t);
        down["unmodifiedText"] = json!(t);
    }
    let up = json!({ "type": "keyUp", "key": name, "code": code, "windowsVirtualKeyCode": vk, "modifiers": modifiers });
    page.cdp_all(vec![("Input.dispatchKeyEvent", down), ("Input.dispatchKeyEvent", up)]).await
}

/// Types `text` where the focus is (no click, no focusing first).
pub async fn type_at_focus(page: &Page, mode: InputMode, text: &str) -> anyhow::Result<()> {
    if mode == InputMode::WebDriver {
        page.driver().await?.action_chain().send_keys(text).perform().await?;
        return Ok(());
    }
    page.cdp("Input.insertText", json!({ "text": text })).await?;
    Ok(())
}

/// Types `text` key by key where the focus is: a key press per character, as
/// a control that reads keys (a native date control's parts) needs.
pub async fn type_keys(page: &Page, mode: InputMode, text: &str) -> anyhow::Result<()> {
    if mode == InputMode::WebDriver {
        page.driver().await?.action_chain().send_keys(text).perform().await?;
        return Ok(());
    }
    for c in text.chars() {
        let key = c.to_string();
        let down = json!({ "type": "keyDown", "key": key, "text": key, "unmodifiedText": key });
        let up = json!({ "type": "keyUp", "key": key });
        page.cdp_all(vec![("Input.dispatchKeyEvent", down), ("Input.dispatchKeyEvent", up)]).await?;
    }
    Ok(())
}
