//! Step 3-4 and 8: the Profile page (User Info, the API Tokens table, Create Token).

use crate::locators::key;
use super::Ui;
use super::keyboard::Keyboard;
use crate::browser::input::Press;
use super::pager::{self, Sweep};
use super::table::Table;
use crate::browser::page::Element;
use std::time::Duration;

use crate::browser::wait;

/// A row of the table, by column key.
pub type Record = std::collections::BTreeMap<&'static str, String>;

pub struct ProfilePage<'a> {
    ui: &'a Ui,
}

impl<'a> ProfilePage<'a> {
    pub fn new(ui: &'a Ui) -> Self {
        Self { ui }
    }

    /// Waits for both sections the guide names; returns the User Info text:
    /// the text of the region its heading names (a section labelled by it, or
    /// the nearest container holding more than the heading), not the heading's parent.
    pub async fn wait_loaded(&self) -> anyhow::Result<String> {
        let info = self.ui.find_region(key::PROFILE_USER_INFO, None, "the User Info section").await?;
        self.ui.find_region(key::PROFILE_API_TOKENS, None, "the API Tokens section").await?;
        self.ui.page.text(&info).await
    }

    /// The API Tokens table: `profile.tokens_table` inside the region the
    /// API Tokens heading names.
    async fn tokens_table_element(&self) -> anyhow::Result<Element> {
        let section = self.ui.find_region(key::PROFILE_API_TOKENS, Some(key::PROFILE_TOKENS_TABLE), "the API Tokens section").await?;
        self.ui.find_in(key::PROFILE_TOKENS_TABLE, Some(&section), "the API Tokens table").await
    }

    /// One attempt at [`Self::tokens_table_element`] (no wait).
    async fn try_tokens_table_element(&self) -> anyhow::Result<Option<Element>> {
        let Some(title) = self.ui.try_find(key::PROFILE_API_TOKENS, None).await? else { return Ok(None) };
        let Some(section) = self.ui.region_named_by(&title, Some(key::PROFILE_TOKENS_TABLE)).await? else { return Ok(None) };
        self.ui.try_find(key::PROFILE_TOKENS_TABLE, Some(&section)).await
    }

    pub async fn tokens_table(&self) -> anyhow::Result<Table> {
        let el = self.tokens_table_element().await?;
        Table::read(&self.ui.page, &el).await
    }

    /// The region the API Tokens heading names (where the table's pager is).
    async fn section(&self) -> anyhow::Result<Option<Element>> {
        let Some(title) = self.ui.try_find(key::PROFILE_API_TOKENS, None).await? else { return Ok(None) };
        self.ui.region_named_by(&title, Some(key::PROFILE_TOKENS_TABLE)).await
    }

    /// Reads the table, page by page when it has a pager, until `visit`
    /// returns `Some` (see [`pager::find`]).
    async fn sweep<T>(&self, visit: impl FnMut(&Table) -> Option<T>) -> anyhow::Result<(Option<T>, Sweep)> {
        pager::find(self.ui, || self.tokens_table(), || self.section(), visit).await
    }

    /// Every row of the table, over all its pages.
    async fn all_records(&self) -> anyhow::Result<Vec<Record>> {
        let columns = &self.ui.config.columns;
        let mut all = Vec::new();
        self.sweep(|t| {
            all.extend(t.records(columns));
            None::<()>
        })
        .await?;
        Ok(all)
    }

    /// The row named `name` matching `pred`, on whichever page of the table
    /// holds it (the table is left on that page), and how it was found.
    pub async fn find_row(&self, name: &str, pred: impl Fn(&Record) -> bool) -> anyhow::Result<(Option<Record>, Sweep)> {
        let columns = &self.ui.config.columns;
        self.sweep(|t| t.row_named(name, columns).filter(|r| pred(r))).await
    }

    /// Waits until the API Tokens table has a row named `name` matching
    /// `pred`, on any of its pages. A timeout says, in one line, what it
    /// looked at (rows, pages, a few names), never the whole table.
    pub async fn wait_for_row(&self, name: &str, what: &str, pred: impl Fn(&Record) -> bool) -> anyhow::Result<Record> {
        Ok(self.wait_for_row_found(name, what, pred).await?.0)
    }

    /// [`Self::wait_for_row`], and how the row was found.
    pub async fn wait_for_row_found(&self, name: &str, what: &str, pred: impl Fn(&Record) -> bool) -> anyhow::Result<(Record, Sweep)> {
        pager::wait_until_found(self.ui, what, "API Tokens table", || self.find_row(name, &pred)).await
    }

    /// All rows of the API Tokens table, and those named `name` (trimmed).
    pub async fn rows_and_named(&self, name: &str) -> anyhow::Result<(usize, usize)> {
        let t = self.tokens_table().await?;
        Ok((t.rows.len(), named(&t, &self.ui.config.columns, name)))
    }

    /// The name of every row of the table, as it shows now (`None`: a row
    /// without a name cell).
    pub async fn row_names(&self) -> anyhow::Result<Vec<Option<String>>> {
        let t = self.tokens_table().await?;
        Ok(t.records(&self.ui.config.columns).iter().map(|r| r.get("name").map(|n| n.trim().to_string())).collect())
    }

    /// Rows named `name` (trimmed) on every page of the table, read once the
    /// table shows rows again when it showed `shown_before` rows before (a
    /// table still loading after a reload would hide a new row). Not a count
    /// of the table: other people's rows come and go on a shared account.
    pub async fn rows_named_once_loaded(&self, name: &str, shown_before: usize) -> anyhow::Result<usize> {
        let ui = self.ui;
        let what = "the API Tokens table to show its rows again after the reload";
        wait::until(what, ui.config.wait, ui.config.poll, || async {
            let t = self.tokens_table().await?;
            Ok((t.rows.len() >= shown_before.min(1)).then_some(()))
        })
        .await?;
        Ok(self.all_records().await?.iter().filter(|r| is_named(r, name)).count())
    }

    /// Rows named `name` (trimmed) whose status is `status`, on every page.
    pub async fn rows_named_with_status(&self, name: &str, status: &str) -> anyhow::Result<usize> {
        let has_status = |r: &Record| r.get("status").map(|v| v.trim()) == Some(status);
        Ok(self.all_records().await?.iter().filter(|r| is_named(r, name) && has_status(r)).count())
    }

    /// Names of the tokens the table lists as not revoked (nor expired), on every page.
    pub async fn live_token_names(&self) -> anyhow::Result<Vec<String>> {
        Ok(self
            .all_records()
            .await?
            .iter()
            .filter(|r| r.get("status").is_some_and(|s| s.trim() == "Active"))
            .filter_map(|r| r.get("name").map(|n| n.trim().to_string()))
            .collect())
    }

    /// Tab to Create Token, and Enter.
    pub async fn create_token_by_keyboard(&self) -> anyhow::Result<()> {
        let what = "the Create Token button";
        let button = self.ui.find(key::PROFILE_CREATE_TOKEN, what).await?;
        let keys = Keyboard::new(self.ui);
        keys.tab_to(&button, what, None).await?;
        keys.press(Press::Enter).await
    }

    /// Waits until the keyboard focus is on Create Token (a dialog it
    /// opened gives it back when it closes).
    pub async fn wait_create_token_focused(&self) -> anyhow::Result<()> {
        let button = self.ui.find(key::PROFILE_CREATE_TOKEN, "the Create Token button").await?;
        let keys = Keyboard::new(self.ui);
        let last = std::sync::Mutex::new(String::new());
        let waited = self
            .ui
            .until("the keyboard focus to come back to the Create Token button", || async {
                let now = keys.focus(Some(&button), None).await?;
                *crate::sync::lock(&last) = now.focused;
                Ok(now.on.then_some(()))
            })
            .await;
        waited.map_err(|e| anyhow::anyhow!("{e:#}; the focus is on {}", crate::sync::lock(&last)))
    }

    pub async fn click_create_token(&self) -> anyhow::Result<()> {
        self.ui.click(key::PROFILE_CREATE_TOKEN, None, "the Create Token button").await
    }

    /// Clicks Create Token; returns the table's row names as they were just
    /// before: an open modal dialog hides the page behind it from the
    /// accessibility tree (`aria-hidden`, as MUI and Radix do), so the rows
    /// are read while they can be.
    pub async fn click_create_token_noting_rows(&self) -> anyhow::Result<Vec<Option<String>>> {
        let names = self.row_names().await?;
        self.click_create_token().await?;
        Ok(names)
    }

    /// The Create Token button is on the right-hand side of the page.
    pub async fn create_token_is_on_the_right(&self) -> anyhow::Result<bool> {
        let b = self.ui.find(key::PROFILE_CREATE_TOKEN, "the Create Token button").await?;
        let r = self.ui.page.rect(&b).await?;
        let width = self.ui.page.eval("return document.documentElement.clientWidth;", vec![]).await?.as_f64().unwrap_or(0.0);
        Ok(r.x + r.width / 2.0 > width / 2.0)
    }

    /// The Create Token button's background colour, as (r, g, b).
    pub async fn create_token_colour(&self) -> anyhow::Result<(u8, u8, u8)> {
        let b = self.ui.find(key::PROFILE_CREATE_TOKEN, "the Create Token button").await?;
        let css = self.ui.painted_background(&b).await?;
        parse_rgb(&css).ok_or_else(|| anyhow::anyhow!("unreadable colour '{css}'"))
    }

    /// Revokes the token named `name` from its row (the suite's clean-up).
    /// Ok(false) when the table has no such token (it was never created).
    pub async fn revoke(&self, name: &str) -> anyhow::Result<bool> {
        let ui = self.ui;
        // On whichever page holds it: the table stays there for the click.
        let Some(row) = self.find_row(name, |_| true).await?.0 else {
            return Ok(false);
        };
        if row.get("status").map(String::as_str) == Some("Revoked") {
            return Ok(true);
        }
        let n = crate::locators::literal(name);
        let row_xpath = format!(".//tr[td[normalize-space(.)={n}]] | .//*[@role='row'][*[normalize-space(.)={n}]]");
        // The table re-renders after every change: find the row afresh on each attempt.
        wait::until(&format!("the Revoke button of '{name}' (locator profile.revoke)"), ui.config.wait, ui.config.poll, || async {
            let Some(table) = self.try_tokens_table_element().await? else { return Ok(None) };
            let Some(row) = ui.try_find_xpath(&row_xpath, Some(&table)).await? else { return Ok(None) };
            let Some(button) = ui.try_find(key::PROFILE_REVOKE, Some(&row)).await? else { return Ok(None) };
            ui.try_click(&button).await
        })
        .await?;
        // Some builds confirm first.
        let confirm = wait::within(Duration::from_millis(1500), ui.config.poll, || ui.try_find(key::REVOKE_DIALOG_CONFIRM, None));
        if let Some(confirm) = confirm.await? {
            ui.click_element(&confirm, "the revoke confirmation").await?;
        }
        self.wait_for_row(name, &format!("'{name}' to show status Revoked"), |r| {
            r.get("status").map(String::as_str) == Some("Revoked")
        })
        .await?;
        Ok(true)
    }
}

fn parse_rgb(css: &str) -> Option<(u8, u8, u8)> {
    let inner = css.split_once('(')?.1.trim_end_matches(')');
    let mut it = inner.split(',').map(|p| p.trim().parse::<f64>().ok());
    Some((it.next()?? as u8, it.next()?? as u8, it.next()?? as u8))
}

/// "Purple": blue and red both clearly above green, blue the strongest.
pub fn is_purple((r, g, b): (u8, u8, u8)) -> bool {
    b as i32 > g as i32 + 60 && r as i32 > g as i32 + 20 && b >= r
}

/// The row's name is `name` (both trimmed).
fn is_named(r: &Record, name: &str) -> bool {
    r.get("name").map(|n| n.trim()) == Some(name.trim())
}

fn named(t: &Table, columns: &std::collections::BTreeMap<String, String>, name: &str) -> usize {
    t.records(columns).iter().filter(|r| is_named(r, name)).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purple_is_recognised() {
        assert!(is_purple(parse_rgb("rgb(109, 74, 255)").unwrap()));
        assert!(is_purple(parse_rgba_like()));
        assert!(!is_purple((37, 99, 235)), "blue");
        assert!(!is_purple((220, 38, 38)), "red");
    }

    fn parse_rgba_like() -> (u8, u8, u8) {
        parse_rgb("rgba(124, 58, 237, 1)").unwrap()
    }
}
