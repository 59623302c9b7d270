//! When a find goes wrong: a locator that matches several visible elements
//! ([`Ambiguous`]), and what a failed find considered (its candidates, kept
//! as the failed step's evidence).

use anyhow::Context;
use serde_json::Value;

use super::spec::{alt_spec, scope_arg};
use super::{Engine, Ui};
use crate::browser::page::Element;
use crate::browser::{scripts, wait};
use crate::locators::Key;

/// A locator meant to find one element matched several visible ones: an
/// error, never "take the first" (the first in document order may be a
/// backdrop, a wrapper or a stale copy; the page object cannot tell).
#[derive(Debug, Clone)]
pub struct Ambiguous {
    pub key: String,
    /// The winning alternative's text and its position (1-based) of how many.
    pub alternative: String,
    pub position: usize,
    pub alternatives: usize,
    pub count: usize,
    /// (tag, role, accessible name, short outer HTML) of the first few matches.
    pub items: Vec<(String, String, String, String)>,
}

impl std::fmt::Display for Ambiguous {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let which = if self.alternatives > 1 {
            format!("its alternative {} of {} `{}`", self.position, self.alternatives, self.alternative)
        } else {
            format!("`{}`", self.alternative)
        };
        write!(f, "locator '{}' is ambiguous: {which} matches {} visible elements, and it must match exactly one:", self.key, self.count)?;
        for (i, (tag, role, name, html)) in self.items.iter().enumerate() {
            let role = if role.is_empty() { String::new() } else { format!(" role={role}") };
            write!(f, "\n  {}. <{tag}>{role} name \"{name}\": {html}", i + 1)?;
        }
        if self.count > self.items.len() {
            write!(f, "\n  ... and {} more", self.count - self.items.len())?;
        }
        write!(
            f,
            "\nOverride \"{}\" in [locators] of the config file (AI_SUITE_CONFIG) with a locator only the intended \
             element matches (e.g. a role with its name, or css=/xpath= for this markup).",
            self.key
        )
    }
}

impl std::error::Error for Ambiguous {}

#[derive(serde::Deserialize)]
pub(super) struct AmbiguityReport {
    pub(super) alternative: usize,
    pub(super) count: usize,
    pub(super) items: Vec<AmbiguousItem>,
}

#[derive(serde::Deserialize)]
pub(super) struct AmbiguousItem {
    tag: String,
    role: String,
    name: String,
    html: String,
}

impl Ui {
    /// The error for `key`'s alternative `i` matching the elements `found`
    /// (described in the page, as the find script does).
    pub(super) async fn ambiguous(&self, key: Key, i: usize, found: &[Element]) -> anyhow::Result<Ambiguous> {
        let text = self.page.eval(scripts::DESCRIBE, found.iter().take(5).map(Into::into).collect()).await?;
        let items: Vec<AmbiguousItem> = serde_json::from_str(text.as_str().unwrap_or("[]")).context("unreadable descriptions of the matches")?;
        Ok(self.ambiguity(key, i, found.len(), items))
    }

    /// `key`'s alternative `i` matched `count` visible elements, these first
    /// (their names and markup redacted).
    pub(super) fn ambiguity(&self, key: Key, i: usize, count: usize, items: Vec<AmbiguousItem>) -> Ambiguous {
        let loc = self.locator(key);
        Ambiguous {
            key: key.to_string(),
            alternative: loc.alternatives.get(i).map(|a| a.source.clone()).unwrap_or_default(),
            position: i + 1,
            alternatives: loc.alternatives.len(),
            count,
            items: items.into_iter().map(|i| (i.tag, i.role, crate::secret::redact(&i.name), crate::secret::redact(&i.html))).collect(),
        }
    }

    /// A failed find's evidence: what `key`'s alternatives matched (shown
    /// and hidden) and, where none shows, the near misses (see
    /// [`scripts::CANDIDATES`]); kept with the step's waits for the report and
    /// written beside the failure's DOM. With a verified suggestion (see
    /// [`crate::repair`]), the error says it too; it is an error still.
    pub(super) async fn with_candidates<T>(&self, key: Key, scope: Option<&Element>, r: anyhow::Result<T>) -> anyhow::Result<T> {
        let Err(e) = r else { return r };
        let mut text = match self.candidates(key, scope).await {
            Ok(text) => text,
            Err(e) => format!("the candidates could not be listed: {e:#}"),
        };
        let suggestion = match self.suggest(key, scope, &mut text).await {
            Ok(s) => s,
            Err(e) => {
                text.push_str(&format!("\nno suggestion: {e:#}"));
                None
            }
        };
        if let Some(s) = &suggestion {
            text.push_str(&format!("\n{s}"));
        }
        wait::note_candidates(crate::secret::redact(&text));
        Err(match suggestion {
            Some(s) => anyhow::anyhow!(
                "{e:#}\n    suggested:  {} = '{}' (was {}, now {}, score {:.2}; checked on this page; every suggestion of the run: suggested-locators.toml in its folder)",
                s.key, s.locator, s.was, s.now, s.score
            ),
            None => e,
        })
    }

    async fn candidates(&self, key: Key, scope: Option<&Element>) -> anyhow::Result<String> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Alt {
            visible: usize,
            hidden: usize,
            items: Vec<AmbiguousItem>,
            hidden_items: Vec<AmbiguousItem>,
            near: Vec<AmbiguousItem>,
        }
        // The browser's engine when it has one, else the XPath translation.
        let engine = match self.engine().await? {
            Engine::Bidi => Engine::XPath,
            e => e,
        };
        let loc = self.locator(key);
        let specs: Vec<Value> = loc.alternatives.iter().map(|a| alt_spec(a, scope.is_some(), engine)).collect();
        let args = vec![Value::Array(specs).into(), scope_arg(scope)];
        let answer = self.page.eval(scripts::CANDIDATES, args).await?;
        let alts: Vec<Alt> = serde_json::from_str(answer.as_str().unwrap_or("[]")).context("unreadable candidates")?;
        // A heading (when there is one and something under it), then one line per element.
        let list = |out: &mut String, heading: Option<&str>, items: &[AmbiguousItem]| {
            if let (Some(h), false) = (heading, items.is_empty()) {
                out.push_str(&format!("\n    {h}"));
            }
            for i in items {
                let role = if i.role.is_empty() { String::new() } else { format!(" role={}", i.role) };
                out.push_str(&format!("\n      <{}>{role} name \"{}\": {}", i.tag, i.name, i.html));
            }
        };
        let mut out = format!("locator {key} = {}", loc.source);
        for (n, (alt, found)) in loc.alternatives.iter().zip(&alts).enumerate() {
            out.push_str(&format!("\n  alternative {} `{}`: {} visible, {} hidden", n + 1, alt.source, found.visible, found.hidden));
            list(&mut out, None, &found.items);
            list(&mut out, Some("hidden:"), &found.hidden_items);
            list(&mut out, Some("visible elements of that role (any name) or fields (any label):"), &found.near);
        }
        Ok(out)
    }
}
