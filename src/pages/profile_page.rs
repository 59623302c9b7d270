//! Step 3-4 and 8: the Profile page (User Info, the API Tokens table, Create Token).

use crate::locators::key;
use super::Ui;
use super::table::Table;
use crate::browser::page::Element;
use std::time::Duration;

use crate::browser::wait;

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

    /// Waits until the API Tokens table has a row named `name` matching `pred`.
    pub async fn wait_for_row(
        &self,
        name: &str,
        what: &str,
        pred: impl Fn(&std::collections::BTreeMap<&'static str, String>) -> bool,
    ) -> anyhow::Result<std::collections::BTreeMap<&'static str, String>> {
        let ui = self.ui;
        let last: std::cell::RefCell<Option<Table>> = Default::default();
        let r = wait::until(what, ui.config.wait, ui.config.poll, || async {
            let t = self.tokens_table().await?;
            let row = t.row_named(name, &ui.config.columns).filter(|r| pred(r));
            *last.borrow_mut() = Some(t);
            Ok(row)
        })
        .await;
        r.map_err(|e| match last.into_inner() {
            Some(t) => e.context(format!("the API Tokens table shows {:?}", crate::secret::redact(&format!("{:?}", t.rows)))),
            None => e,
        })
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

    /// Rows named `name`, read once the table shows at least `at_least` rows
    /// (a table still loading after a reload would hide a new row).
    pub async fn rows_named_once_loaded(&self, name: &str, at_least: usize) -> anyhow::Result<usize> {
        let ui = self.ui;
        let what = format!("the API Tokens table to show at least the {at_least} rows it showed before");
        wait::until(&what, ui.config.wait, ui.config.poll, || async {
            let t = self.tokens_table().await?;
            Ok((t.rows.len() >= at_least).then(|| named(&t, &ui.config.columns, name)))
        })
        .await
    }

    /// Names of the tokens the table lists as not revoked (nor expired).
    pub async fn live_token_names(&self) -> anyhow::Result<Vec<String>> {
        let t = self.tokens_table().await?;
        Ok(t.records(&self.ui.config.columns)
            .iter()
            .filter(|r| r.get("status").is_some_and(|s| s.trim() == "Active"))
            .filter_map(|r| r.get("name").map(|n| n.trim().to_string()))
            .collect())
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
        let css = self.ui.page.css(&b, "background-color").await?;
        parse_rgb(&css).ok_or_else(|| anyhow::anyhow!("unreadable colour '{css}'"))
    }

    /// Revokes the token named `name` from its row (the suite's clean-up).
    /// Ok(false) when the table has no such token (it was never created).
    pub async fn revoke(&self, name: &str) -> anyhow::Result<bool> {
        let ui = self.ui;
        let Some(row) = self.tokens_table().await?.row_named(name, &ui.config.columns) else {
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

fn named(t: &Table, columns: &std::collections::BTreeMap<String, String>, name: &str) -> usize {
    t.records(columns).iter().filter(|r| r.get("name").map(|n| n.trim()) == Some(name.trim())).count()
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
