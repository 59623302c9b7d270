//! Step 8: the "Token Created" dialog, shown once with the full token value.

use crate::locators::key;
use crate::browser::page::Element;

use super::Ui;
use super::keyboard::Keyboard;
use crate::browser::input::Press;
use crate::secret::Secret;



pub struct TokenCreatedDialog<'a> {
    ui: &'a Ui,
    dialog: Element,
}

impl<'a> TokenCreatedDialog<'a> {
    pub async fn wait_open(ui: &'a Ui) -> anyhow::Result<Self> {
        let dialog = ui.find(key::TOKEN_CREATED_DIALOG, "the Token Created dialog").await?;
        Ok(Self { ui, dialog })
    }

    /// The dialog, if it shows now (no wait).
    pub async fn try_open(ui: &'a Ui) -> anyhow::Result<Option<Self>> {
        Ok(ui.try_find(key::TOKEN_CREATED_DIALOG, None).await?.map(|dialog| Self { ui, dialog }))
    }

    /// The element showing the token, inside the dialog: `token_created.value`
    /// (the field labelled so, the one field, the one code text), else the one
    /// element whose whole text looks like a token (one word of 20 or more
    /// letters, digits, `_-.`). Never anything outside the dialog.
    async fn value_element(&self) -> anyhow::Result<Element> {
        let ui = self.ui;
        let desc = format!(
            "the token value in the Token Created dialog (locator token_created.value = {}, else the one text there that looks like a token)",
            ui.locator(key::TOKEN_CREATED_VALUE).source
        );
        ui.until(&desc, || async {
            if let Some(el) = ui.try_find(key::TOKEN_CREATED_VALUE, Some(&self.dialog)).await? {
                return Ok(Some(el));
            }
            let found = ui.page.eval_elements(crate::browser::scripts::TOKEN_LOOKING, vec![(&self.dialog).into()]).await?;
            match found.len() {
                0 => Ok(None),
                1 => Ok(found.into_iter().next()),
                n => anyhow::bail!(
                    "{n} texts in the Token Created dialog look like a token and token_created.value matches none: \
                     set \"token_created.value\" in [locators] of the config file to the one that shows the new token"
                ),
            }
        })
        .await
    }

    /// The full token value shown in the dialog (kept as a [`Secret`]).
    pub async fn token_value(&self) -> anyhow::Result<Secret> {
        let el = self.value_element().await?;
        let text = match self.ui.page.prop(&el, "value").await? {
            Some(v) if !v.is_empty() => v,
            _ => self.ui.page.text(&el).await?,
        };
        Ok(Secret::new(text.trim()))
    }

    pub async fn text(&self) -> anyhow::Result<String> {
        self.ui.page.text(&self.dialog).await
    }

    /// Tab to Copy, and Enter.
    pub async fn copy_by_keyboard(&self) -> anyhow::Result<()> {
        self.press_button(key::TOKEN_CREATED_COPY, "the Copy button").await
    }

    /// Tab to Close, and Enter; waits for the dialog to go.
    pub async fn close_by_keyboard(&self) -> anyhow::Result<()> {
        self.press_button(key::TOKEN_CREATED_CLOSE, "the Close button").await?;
        self.ui.wait_gone(key::TOKEN_CREATED_DIALOG, "the Token Created dialog").await
    }

    async fn press_button(&self, button: crate::locators::Key, what: &str) -> anyhow::Result<()> {
        let el = self.ui.find_in(button, Some(&self.dialog), what).await?;
        let keys = Keyboard::new(self.ui);
        keys.tab_to(&el, what, None).await?;
        keys.press(Press::Enter).await
    }

    pub async fn copy(&self) -> anyhow::Result<()> {
        self.ui.click(key::TOKEN_CREATED_COPY, Some(&self.dialog), "the Copy button").await
    }

    pub async fn close(&self) -> anyhow::Result<()> {
        self.ui.click(key::TOKEN_CREATED_CLOSE, Some(&self.dialog), "the Close button").await?;
        self.ui.wait_gone(key::TOKEN_CREATED_DIALOG, "the Token Created dialog").await
    }
}
