//! Step 1: AI Admin → Access Control, and its User Tokens tab.

use crate::locators::key;
use super::Ui;
use super::keyboard::Keyboard;
use crate::browser::input::Press;
use super::pager::{self, Sweep};
use super::profile_page::Record;
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

    /// Tab to Access Control in the left-hand navigation, and Enter.
    pub async fn open_from_navigation_by_keyboard(&self) -> anyhow::Result<()> {
        let what = "Access Control in the left-hand navigation";
        let link = self.ui.find(key::NAV_ACCESS_CONTROL, what).await?;
        let keys = Keyboard::new(self.ui);
        keys.tab_to(&link, what, None).await?;
        keys.press(Press::Enter).await
    }

    /// Tab to the User Tokens tab (into its tablist, then the arrow keys
    /// where only the selected tab is in the Tab order), and Enter.
    pub async fn open_user_tokens_tab_by_keyboard(&self) -> anyhow::Result<()> {
        let what = "the User Tokens tab";
        let tab = self.ui.find(key::ACCESS_CONTROL_USER_TOKENS_TAB, what).await?;
        let keys = Keyboard::new(self.ui);
        keys.tab_to(&tab, what, Some((Press::Right, Press::Left))).await?;
        keys.press(Press::Enter).await
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
    /// `pred` accepts, and how it was found (the table is left on its page).
    pub async fn find_row_where(&self, pred: impl Fn(&Record) -> bool) -> anyhow::Result<(Option<Record>, Sweep)> {
        let columns = &self.ui.config.columns;
        // One table on the page: its pager is the page's.
        pager::find(self.ui, || self.user_tokens_table(), || async { Ok(None) }, |t| t.records(columns).into_iter().find(|r| pred(r))).await
    }

    /// Waits until the User Tokens table has, on any of its pages, the row
    /// named exactly `name`; returns it and how it was found.
    pub async fn wait_for_row_found(&self, name: &str, what: &str) -> anyhow::Result<(Record, Sweep)> {
        let named = |r: &Record| r.get("name").map(String::as_str) == Some(name);
        pager::wait_until_found(self.ui, what, "User Tokens table", || self.find_row_where(named)).await
    }
}
