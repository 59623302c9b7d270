//! Step 8: the "Token Created" dialog, shown once with the full token value.

use crate::browser::page::Element;

use super::Ui;
use crate::secret::Secret;

pub struct TokenCreatedDialog<'a> {
    ui: &'a Ui,
    dialog: Element,
}

impl<'a> TokenCreatedDialog<'a> {
    pub async fn wait_open(ui: &'a Ui) -> anyhow::Result<Self> {
        let dialog = ui.find("token_created.dialog", "the Token Created dialog").await?;
        Ok(Self { ui, dialog })
    }

    /// The full token value shown in the dialog (kept as a [`Secret`]).
    pub async fn token_value(&self) -> anyhow::Result<Secret> {
        let el = self.ui.find_in("token_created.value", Some(&self.dialog), "the token value").await?;
        let text = match self.ui.page.prop(&el, "value").await? {
            Some(v) if !v.is_empty() => v,
            _ => self.ui.page.text(&el).await?,
        };
        Ok(Secret::new(text.trim()))
    }

    pub async fn text(&self) -> anyhow::Result<String> {
        self.ui.page.text(&self.dialog).await
    }

    pub async fn copy(&self) -> anyhow::Result<()> {
        self.ui.click("token_created.copy", Some(&self.dialog), "the Copy button").await
    }

    pub async fn close(&self) -> anyhow::Result<()> {
        self.ui.click("token_created.close", Some(&self.dialog), "the Close button").await?;
        self.ui.wait_gone("token_created.dialog", "the Token Created dialog").await
    }
}
