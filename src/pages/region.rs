//! The region a heading names (a card, a section, a dialog), as a user reads
//! which part of the page a title is about.

use serde_json::json;

use super::{Engine, Ui};
use crate::browser::page::Element;
use crate::browser::scripts;
use crate::locators::Key;


impl Ui {
    /// The region `title` names (see [`scripts::REGION`]), optionally one that
    /// holds a visible match of `needs` (a locator key, searched inside it).
    pub async fn region_named_by(&self, title: &Element, needs: Option<Key>) -> anyhow::Result<Option<Element>> {
        // The BiDi engine asks the driver, which a page script cannot: here the
        // browser's computed roles stand in where it has them (else the XPath).
        let needs = match needs {
            Some(k) if self.engine().await? == Engine::Bidi => self.page_specs(k, true),
            Some(k) => self.specs(k, true).await?,
            None => Vec::new(),
        };
        self.page.eval_element(scripts::REGION, vec![title.into(), json!(needs).into()]).await
    }

    /// Waits for the heading `key` and returns the region it names, holding `needs` when given.
    pub async fn find_region(&self, key: Key, needs: Option<Key>, what: &str) -> anyhow::Result<Element> {
        let desc = match needs {
            Some(n) => format!("{what}: the region the heading names, holding {n} = {}", self.locator(n).source),
            None => format!("{what}: the region the heading names"),
        };
        let r = self
            .until(&self.describe(key, &desc), || async {
                let Some(title) = self.try_find(key, None).await? else { return Ok(None) };
                self.region_named_by(&title, needs).await
            })
            .await;
        self.with_candidates(key, None, r).await
    }
}
