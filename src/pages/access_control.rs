//! Step 1: AI Admin → Access Control, and its User Tokens tab.

use crate::locators::key;
use super::Ui;
use super::table::Table;

pub struct AccessControlPage<'a> {
    ui: &'a Ui,
}

impl<'a> AccessControlPage<'a> {
    pub fn new(ui: &'a Ui) -> Self {
        Self { ui }
    }

    /// Clicks Access Control in the left-hand navigation.
    pub async fn open_from_navigation(&self) -> anyhow::Result<()> {
        self.ui.click(key::NAV_ACCESS_CONTROL, None, "Access Control in the left-hand navigation").await
    }

    pub async fn open_user_tokens_tab(&self) -> anyhow::Result<()> {
        self.ui.click(key::ACCESS_CONTROL_USER_TOKENS_TAB, None, "the User Tokens tab").await
    }

    /// The User Tokens table, once it shows at least one row.
    pub async fn user_tokens_table(&self) -> anyhow::Result<Table> {
        let ui = self.ui;
        crate::browser::wait::until("the User Tokens table to list tokens", ui.config.wait, ui.config.poll, || async {
            let Some(el) = ui.try_find(key::USER_TOKENS_TABLE, None).await? else { return Ok(None) };
            let t = Table::read(&ui.page, &el).await?;
            Ok((!t.rows.is_empty()).then_some(t))
        })
        .await
    }
}
