//! The keyboard, as a user who cannot use a mouse drives the page: keys
//! pressed where the focus is, and the focus followed from element to
//! element. Every move is bounded, and a target the keyboard cannot reach
//! fails naming every element the focus went through.

use serde::Deserialize;
use serde_json::Value;

use super::Ui;
use crate::browser::input::{self, Press};
use crate::browser::page::Element;
use crate::browser::scripts;

/// Tab presses before a target counts as unreachable: more than any screen
/// of the guide has stops.
const MAX_TABS: usize = 40;
/// Arrow presses inside one group (a tablist, a menu), each way.
const MAX_ARROWS: usize = 12;

/// Where the focus is, seen from a target and a region.
#[derive(Debug, Deserialize)]
pub struct Focus {
    /// On the target (or inside it).
    pub on: bool,
    /// Inside the region.
    pub inside: bool,
    /// On another item of the target's tablist or menu.
    #[serde(rename = "sameGroup")]
    pub same_group: bool,
    /// The target comes before the focus in the page.
    pub before: bool,
    /// What has it, as `role "name" <tag>`.
    pub focused: String,
}

pub struct Keyboard<'a> {
    ui: &'a Ui,
}

impl<'a> Keyboard<'a> {
    pub fn new(ui: &'a Ui) -> Self {
        Self { ui }
    }

    pub async fn press(&self, key: Press) -> anyhow::Result<()> {
        input::press(&self.ui.page, self.ui.input, key).await
    }

    /// Types where the focus is.
    pub async fn type_text(&self, text: &str) -> anyhow::Result<()> {
        input::type_at_focus(&self.ui.page, self.ui.input, text).await
    }

    /// Types key by key where the focus is (see [`input::type_keys`]).
    pub async fn type_keys(&self, text: &str) -> anyhow::Result<()> {
        input::type_keys(&self.ui.page, self.ui.input, text).await
    }

    /// Where the focus is, next to `target` and `region`.
    pub async fn focus(&self, target: Option<&Element>, region: Option<&Element>) -> anyhow::Result<Focus> {
        let arg = |e: Option<&Element>| e.map(Into::into).unwrap_or_else(|| Value::Null.into());
        let state = self.ui.page.eval(scripts::FOCUS_STATE, vec![arg(target), arg(region)]).await?;
        serde_json::from_value(state).map_err(|e| anyhow::anyhow!("could not tell where the keyboard focus is: {e}"))
    }

    /// Tab until `target` has the focus — Shift+Tab when it comes before the
    /// focus, the short way a keyboard user takes (and one that never leaves
    /// the page for the browser's own toolbar). A target in a tablist or menu
    /// that keeps one item in the Tab order (MUI's and Radix's tabs) is
    /// reached the way its kit documents: Tab into the group, then the arrow
    /// keys `arrows` (forward, back). Returns the way the focus went.
    pub async fn tab_to(&self, target: &Element, what: &str, arrows: Option<(Press, Press)>) -> anyhow::Result<Vec<String>> {
        let mut trail = Vec::new();
        let now = self.focus(Some(target), None).await?;
        if now.on {
            return Ok(trail);
        }
        let tab = if now.before { Press::ShiftTab } else { Press::Tab };
        let mut arrows_tried = false;
        for _ in 0..MAX_TABS {
            self.press(tab).await?;
            let now = self.focus(Some(target), None).await?;
            note(&mut trail, &now.focused);
            if now.on {
                return Ok(trail);
            }
            // Another item of the target's group: its arrow keys, where they
            // move the focus; where they do not, every item is in the Tab order.
            if let (true, Some(keys), false) = (now.same_group, arrows, arrows_tried) {
                arrows_tried = true;
                self.press(keys.0).await?;
                let moved = self.focus(Some(target), None).await?;
                note(&mut trail, &moved.focused);
                if moved.on {
                    return Ok(trail);
                }
                if moved.focused != now.focused {
                    return self.arrows_to(target, what, keys, trail).await;
                }
            }
        }
        anyhow::bail!("{what} could not be reached with the keyboard: after {MAX_TABS} presses of {} the focus went through {}", tab.name(), way(&trail))
    }

    /// The arrow keys (forward, then back) until `target` has the focus.
    pub async fn arrows_to(&self, target: &Element, what: &str, (forward, back): (Press, Press), mut trail: Vec<String>) -> anyhow::Result<Vec<String>> {
        if self.focus(Some(target), None).await?.on {
            return Ok(trail);
        }
        for key in [forward, back] {
            for _ in 0..MAX_ARROWS {
                self.press(key).await?;
                let now = self.focus(Some(target), None).await?;
                note(&mut trail, &now.focused);
                if now.on {
                    return Ok(trail);
                }
            }
        }
        anyhow::bail!(
            "{what} could not be reached with the keyboard: {} and {} ({MAX_ARROWS} presses each) moved the focus through {}",
            forward.name(),
            back.name(),
            way(&trail)
        )
    }

    /// Presses `key` `times` times; after each press the focus must still
    /// be inside `region` (a dialog that keeps it). The way it went.
    pub async fn stays_inside(&self, region: &Element, what: &str, key: Press, times: usize) -> anyhow::Result<Vec<String>> {
        let mut trail = Vec::new();
        for n in 1..=times {
            self.press(key).await?;
            let now = self.focus(None, Some(region)).await?;
            note(&mut trail, &now.focused);
            if !now.inside {
                anyhow::bail!("after {n} × {} the keyboard focus left {what} for {}; it went {}", key.name(), now.focused, way(&trail));
            }
        }
        Ok(trail)
    }
}

/// The focus's way, each stop once in a row.
fn note(trail: &mut Vec<String>, focused: &str) {
    if trail.last().map(String::as_str) != Some(focused) {
        trail.push(focused.to_string());
    }
}

fn way(trail: &[String]) -> String {
    if trail.is_empty() { "nowhere (it did not move)".into() } else { trail.join(" → ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_way_lists_each_stop_once_in_a_row() {
        let mut trail = Vec::new();
        for f in ["link \"Home\" <a>", "link \"Home\" <a>", "button \"QA\" <button>", "link \"Home\" <a>"] {
            note(&mut trail, f);
        }
        assert_eq!(way(&trail), "link \"Home\" <a> → button \"QA\" <button> → link \"Home\" <a>");
        assert_eq!(way(&[]), "nowhere (it did not move)");
    }
}
