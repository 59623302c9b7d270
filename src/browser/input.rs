//! Acting on the page like a user, fast: trusted mouse and keyboard events sent
//! through the DevTools protocol (as Playwright does), after the suite's own
//! actionability checks. A WebDriver click costs ~25 DevTools round trips in
//! ChromeDriver (100-150 ms here); this costs one script and two events.
//! Browsers without DevTools (a Firefox grid) or `AI_SUITE_INPUT=webdriver`
//! use WebDriver's own click and typing instead.

use serde_json::json;
use thirtyfour::prelude::*;

use super::page::{Element, Page};

pub use crate::config::InputMode;

/// Is the element ready for a click, and where? In one round trip: scrolled
/// into view, enabled, not moving (no running finite transition or animation
/// on it or an ancestor), and the topmost element at its centre (not covered by an
/// overlay). Returns `[x, y]` in CSS px, or a string saying why not yet.
/// Through open shadow roots: what is at the point is looked for down into
/// them, and "inside" is in the flat tree (a slotted label inside a button).
pub const CLICK_POINT_JS: &str = concat!(include_str!("flat_tree.js"), r#"
const el = arguments[0];
if (!el || !el.isConnected) return 'the element is no longer on the page';
if (el.disabled || el.getAttribute('aria-disabled') === 'true') return 'the element is disabled';
let r = el.getBoundingClientRect();
if (r.width === 0 || r.height === 0) return 'the element has no size';
if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) {
  el.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
  r = el.getBoundingClientRect();
}
// (An endless animation, like a pulsing call to action, never settles: not waited for.)
const moving = document.getAnimations().some((a) => a.playState === 'running' && a.effect && a.effect.target
  && a.effect.target.contains && flatContains(a.effect.target, el) && a.effect.getComputedTiming().iterations !== Infinity);
if (moving) return 'the element is still animating';
const x = r.left + Math.min(r.width / 2, Math.max(1, r.width - 1)), y = r.top + r.height / 2;
const hit = deepElementFromPoint(x, y);
const ok = hit && (hit === el || flatContains(el, hit) || (hit.control && hit.control === el)
  || (el.labels && Array.from(el.labels).includes(hit)));
if (!ok) {
  const d = hit ? hit.tagName.toLowerCase() + (hit.className && typeof hit.className === 'string' ? '.' + hit.className.trim().split(/\s+/).join('.') : '') : 'nothing';
  return 'another element would receive the click: ' + d;
}
return [x, y];
"#);

/// Focuses a field and selects what it holds, so typing replaces it.
const FOCUS_SELECT_JS: &str = concat!(include_str!("flat_tree.js"), r#"
const el = arguments[0];
if (deepActiveElement() !== el) el.focus();
if (el.value && el.select) el.select();
return deepActiveElement() === el;
"#);

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
                    let point = page.eval(CLICK_POINT_JS, vec![el.into()]).await?;
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
            let point = page.eval(CLICK_POINT_JS, vec![el.into()]).await?;
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
            let focused = page.eval(FOCUS_SELECT_JS, vec![field.into()]).await?;
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
