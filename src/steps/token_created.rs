//! Step 8: the Token Created dialog, Copy, Close, and the new token's row.

use anyhow::{Context, ensure};
use cucumber::gherkin::Step;
use cucumber::{then, when};

use super::expect_eq;
use crate::pages::access_control::AccessControlPage;
use crate::pages::profile_menu::ProfileMenu;
use crate::pages::profile_page::ProfilePage;
use crate::pages::table::parse_shown_date;
use crate::pages::token_created_dialog::TokenCreatedDialog;
use crate::world::AiSuiteWorld;

#[then("a Token Created confirmation dialog shows the full token value")]
async fn dialog_shows_token(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let dialog = TokenCreatedDialog::wait_open(w.ui()?).await?;
        let token = dialog.token_value().await?;
        let v = token.expose();
        ensure!(v.len() >= 20, "the dialog's token value is too short to be a full token ({} characters)", v.len());
        ensure!(
            v.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c)),
            "the dialog's token value is not a full token (masked or with spaces)"
        );
        let text = dialog.text().await?;
        ensure!(text.contains("will not be shown again"), "the dialog does not warn that the token will not be shown again");
        w.token = Some(token);
        Ok(())
    })
    .await
}

#[when("I click Copy to copy it to my clipboard, then click Close")]
async fn copy_and_close(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let dialog = TokenCreatedDialog::wait_open(w.ui()?).await?;
        dialog.copy().await?;
        dialog.close().await
    })
    .await
}

#[then("the new token appears in the API Tokens table with Active status and the expiry date I set")]
async fn new_row(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let name = w.token_name.clone().context("no token was created")?;
        let expiry = w.expiry.context("no expiry was set")?;
        let row = ProfilePage::new(w.ui()?)
            .wait_for_row(&name, &format!("the new token '{name}' in the API Tokens table"), |_| true)
            .await?;
        check_row(&row, expiry, w.today())
    })
    .await
}

fn check_row(
    row: &std::collections::BTreeMap<&'static str, String>,
    expiry: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> anyhow::Result<()> {
    let get = |k: &str| row.get(k).cloned().unwrap_or_default();
    expect_eq("the new token's status", get("status").as_str(), "Active")?;
    expect_eq("the new token's expiry", parse_shown_date(&get("expiry")), Some(expiry))?;
    if row.contains_key("created") {
        expect_eq("the new token's created date", parse_shown_date(&get("created")), Some(today))?;
    }
    if row.contains_key("last_used") {
        expect_eq("the new token's last used", get("last_used").as_str(), "Never")?;
    }
    Ok(())
}

#[then("the new token also appears on Access Control → User Tokens")]
async fn on_user_tokens(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let name = w.token_name.clone().context("no token was created")?;
        let expiry = w.expiry.context("no expiry was set")?;
        let ui = w.ui()?;
        let page = AccessControlPage::new(ui);
        page.open_from_navigation().await?;
        page.open_user_tokens_tab().await?;
        let row = crate::browser::wait::until(
            &format!("the new token '{name}' on the User Tokens tab"),
            ui.config.wait,
            ui.config.poll,
            || async { Ok(page.user_tokens_table().await?.row_named(&name, &ui.config.columns)) },
        )
        .await?;
        check_row(&row, expiry, w.today())
    })
    .await
}

#[then("the full token value is shown nowhere on the page")]
async fn not_shown_again(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let token = w.token.clone().context("no token value was shown")?;
        let ui = w.ui()?;
        let everything = ui.page_text_and_attributes().await?;
        ensure!(!everything.contains(token.expose()), "the full token value is still in the page after Close");
        ui.driver.refresh().await?;
        ProfileMenu::new(ui).avatar_is_top_right().await?;
        let everything = ui.page_text_and_attributes().await?;
        ensure!(!everything.contains(token.expose()), "the full token value is shown again after a reload");
        Ok(())
    })
    .await
}
