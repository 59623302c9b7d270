//! Locator repair on the page (see [`crate::repair`]): a key's fingerprint
//! when it finds its element, and, when it finds nothing or too much, the
//! suggested locator, checked here on the live page before it is proposed.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::json;

use super::Ui;
use super::spec::scope_arg;
use crate::browser::page::Element;
use crate::browser::scripts;
use crate::locators::{Key, Locator};
use crate::repair::{self, Candidate, Props, Suggestion, generate};

/// How many of the best-scoring elements are tried.
const CANDIDATES: usize = 8;

#[derive(Deserialize)]
struct Answer {
    #[serde(flatten)]
    props: Props,
    alternative: i64,
}

impl Ui {
    /// Keeps what identifies `el`, the element `key` found. A page that moved
    /// on meanwhile keeps nothing: the key's next find tries again.
    pub(super) async fn fingerprint(&self, key: Key, el: &Element, scope: Option<&Element>) {
        let Some(book) = &self.repair else { return };
        let specs = json!(self.page_specs(key, scope.is_some()));
        let answer = self.page.eval(scripts::FINGERPRINT, vec![el.into(), specs.into(), scope_arg(scope)]).await;
        match answer.ok().and_then(|v| serde_json::from_value::<Answer>(v).ok()) {
            Some(a) => book.keep(key, a.props, a.alternative, &self.locator(key).source),
            None => book.release(key),
        }
    }

    /// The verified override for `key`, which found nothing (or too much)
    /// inside `scope`: the best-scoring element against its last fingerprint
    /// (or its default locator's intent), with the first of its generated
    /// locators that finds exactly it here. `None` when nothing scores
    /// [`repair::THRESHOLD`] or no locator finds it alone. One per key and
    /// run. `scored` gets the best candidates and their scores (the evidence).
    pub(super) async fn suggest(&self, key: Key, scope: Option<&Element>, scored: &mut String) -> anyhow::Result<Option<Suggestion>> {
        let Some(book) = &self.repair else { return Ok(None) };
        let started = std::time::Instant::now();
        // A key that finds its one element is no locator to repair (the wait
        // was for something else: enabled, uncovered, a region holding more).
        if let Ok(Some(_)) = self.find_once(key, scope).await {
            return Ok(None);
        }
        if let Some(s) = book.suggested(key) {
            return Ok(Some(s));
        }
        let (was, from_fingerprint) = match book.last(key) {
            Some(fp) => (fp.props, true),
            None => match repair::intended(key) {
                Some(p) => (p, false),
                None => return Ok(None),
            },
        };
        let answer = self.page.eval(scripts::SUGGEST, vec![json!(was).into(), scope_arg(scope), json!(CANDIDATES).into(), json!(!from_fingerprint).into()]).await?;
        let candidates: Vec<Candidate> = serde_json::from_value(answer)?;
        let against = if from_fingerprint { "its last fingerprint" } else { "its default locator's role and name" };
        scored.push_str(&format!("\nthe page's elements most like {key}'s element ({}), scored against {against}:", was.role_and_name()));
        for c in candidates.iter().take(4) {
            scored.push_str(&format!("\n  {:.2} <{}> {} {}", c.score, c.props.tag, c.props.role_and_name(), c.props.classes.join(".")));
        }
        for c in candidates.iter().filter(|c| c.score >= repair::THRESHOLD) {
            for source in generate::locators_for(&c.props) {
                if self.finds_exactly(key, &source, scope, c.index).await? {
                    let s = Suggestion {
                        key: key.to_string(),
                        locator: source,
                        old_locator: self.locator(key).source.clone(),
                        was: was.role_and_name(),
                        now: c.props.role_and_name(),
                        score: c.score,
                        from_fingerprint,
                        took_ms: started.elapsed().as_millis() as u64,
                    };
                    book.add_suggestion(s.clone());
                    return Ok(Some(s));
                }
            }
        }
        Ok(None)
    }

    /// Whether `source`, in `key`'s place, finds exactly the candidate
    /// `index` of the last scoring: as the run would find it (same engine,
    /// same scope, strict), and the very same element.
    async fn finds_exactly(&self, key: Key, source: &str, scope: Option<&Element>, index: usize) -> anyhow::Result<bool> {
        let Ok(locator) = Locator::parse(source) else { return Ok(false) };
        let mut config = (*self.config).clone();
        config.locators.set(key, locator);
        let mut trial = self.clone();
        trial.config = Arc::new(config);
        trial.repair = None;
        let Ok(Some(found)) = trial.try_find(key, scope).await else { return Ok(false) };
        let same = self.page.eval("return arguments[0] === (window.__e2eSuggest || [])[arguments[1]];", vec![(&found).into(), json!(index).into()]).await?;
        Ok(same.as_bool() == Some(true))
    }
}
