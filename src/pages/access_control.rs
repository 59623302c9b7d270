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

    /// The first row, on any page of the User Tokens table, whose values
    /// `pred` accepts, and how it was found.
    pub async fn find_row_where(
        &self,
        pred: impl Fn(&super::profile_page::Record) -> bool,
    ) -> anyhow::Result<(Option<super::profile_page::Record>, super::pager::Sweep)> {
        let columns = &self.ui.config.columns;
        let names = |t: &Table| t.records(columns).iter().filter_map(|r| r.get("name").cloned()).collect();
        super::pager::find(self.ui, || self.user_tokens_table(), || async { Ok(None) }, names, |t| t.records(columns).into_iter().find(|r| pred(r)))
            .await
    }

    /// The row named `name` on whichever page of the User Tokens table holds
    /// it (the table is left there), and how it was found.
    pub async fn find_row(&self, name: &str) -> anyhow::Result<(Option<super::profile_page::Record>, super::pager::Sweep)> {
        let columns = &self.ui.config.columns;
        let names = |t: &Table| t.records(columns).iter().filter_map(|r| r.get("name").cloned()).collect();
        // One table on the page: its pager is the page's.
        super::pager::find(self.ui, || self.user_tokens_table(), || async { Ok(None) }, names, |t| t.row_named(name, columns)).await
    }
}
