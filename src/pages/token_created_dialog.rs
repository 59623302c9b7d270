//! Step 8: the "Token Created" dialog, shown once with the full token value.

use thirtyfour::prelude::*;

use super::Ui;
use crate::secret::Secret;

pub struct TokenCreatedDialog<'a> {
    ui: &'a Ui,
    dialog: WebElement,
}

impl<'a> TokenCreatedDialog<'a> {
    pub async fn wait_open(ui: &'a Ui) -> anyhow::Result<Self> {
        let dialog = ui.find("token_created.dialog", "the Token Created dialog").await?;
        Ok(Self { ui, dialog })
    }

    /// The full token value shown in the dialog (kept as a [`Secret`]).
    pub async fn token_value(&self) -> anyhow::Result<Secret> {
        let el = self.ui.find_in("token_created.value", Some(&self.dialog), "the token value").await?;
        let text = match el.prop("value").await? {
            Some(v) if !v.is_empty() => v,
            _ => el.text().await?,
        };
        Ok(Secret::new(text.trim()))
    }

    pub async fn text(&self) -> anyhow::Result<String> {
        Ok(self.dialog.text().await?)
    }

    pub async fn copy(&self) -> anyhow::Result<()> {
        self.ui.click("token_created.copy", Some(&self.dialog), "the Copy button").await
    }

    pub async fn close(&self) -> anyhow::Result<()> {
        self.ui.click("token_created.close", Some(&self.dialog), "the Close button").await?;
        self.ui.wait_gone("token_created.dialog", "the Token Created dialog").await
    }
}
