//! Step 8: the Token Created dialog, Copy, Close, and the new token's row.

use anyhow::{Context, ensure};
use cucumber::gherkin::Step;
use cucumber::{then, when};

use super::{Using, expect_eq};
use crate::pages::access_control::AccessControlPage;
use crate::pages::profile_menu::ProfileMenu;
use crate::pages::profile_page::ProfilePage;
use crate::pages::table::parse_shown_date;
use crate::browser::clipboard;
use crate::pages::token_created_dialog::TokenCreatedDialog;
use crate::secret::Secret;
use crate::world::AiSuiteWorld;

#[then("a Token Created confirmation dialog shows the full token value")]
async fn dialog_shows_token(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let dialog = TokenCreatedDialog::wait_open(w.ui()?).await?;
        let token = dialog.token_value().await?;
        let v = token.expose();
        ensure!(v.len() >= 20, "the dialog's token value is too short to be a full token ({} characters)", v.len());
        ensure!(
            v.chars().all(|c| c.is_ascii_alphanumeric() || "_-.+/=~".contains(c)),
            "the dialog's token value is not a full token (masked or with spaces)"
        );
        // "it will not be shown again" is the guide's advice to its reader: the
        // promise is checked after Close (the value is shown nowhere), not a
        // wording the dialog must use.
        w.token = Some(token);
        Ok(())
    })
    .await
}

#[when("I click Copy to copy it to my clipboard")]
async fn click_copy(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| copy_token(w, Using::Mouse).await).await
}

/// Copy in the Token Created dialog (a click, or Tab to it and Enter),
/// noting what the clipboard held before, so a Copy that writes nothing is caught.
pub(super) async fn copy_token(w: &mut AiSuiteWorld, using: Using) -> anyhow::Result<()> {
    let ui = w.ui()?;
    let before = clipboard::read(w.clipboard(), ui.driver().await?).await.unwrap_or_default();
    let dialog = TokenCreatedDialog::wait_open(ui).await?;
    match using {
        Using::Mouse => dialog.copy().await?,
        Using::Keyboard => dialog.copy_by_keyboard().await?,
    }
    w.clipboard_before = Some(Secret::new(before));
    Ok(())
}

#[then("my clipboard holds exactly the full token value shown in the dialog")]
async fn clipboard_holds_token(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let ui = w.ui()?;
        let shown = w.token.clone().context("no token value was shown")?;
        let before = w.clipboard_before.clone().map(|s| s.expose().to_string());
        let copied = clipboard::read_after_copy(w.clipboard(), ui.driver().await?, before.as_deref(), ui.config.wait, ui.config.poll)
            .await
            .with_context(|| format!("after Copy (clipboard path: {})", w.clipboard().describe()))?;
        let copied = Secret::new(copied);
        let (c, s) = (copied.expose(), shown.expose());
        ensure!(
            c == s,
            "the clipboard does not hold the token shown in the dialog (clipboard path: {}): {} characters copied, {} shown{}",
            w.clipboard().describe(),
            c.chars().count(),
            s.chars().count(),
            if s.starts_with(c) { "; the copy is a truncated prefix" } else { "" }
        );
        w.copied = Some(copied);
        Ok(())
    })
    .await
}

#[when("I click Close")]
async fn click_close(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| TokenCreatedDialog::wait_open(w.ui()?).await?.close().await).await
}

#[when("I call the AI Suite API with the copied token")]
async fn call_api(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let token = w.copied.clone().context("no token was copied in this scenario: Copy it first (\"I click Copy to copy it to my clipboard\")")?;
        let status = crate::api::call_with_token(&w.run.base_url, &w.run.config.api, &token).await?;
        w.api_status = Some(status);
        Ok(())
    })
    .await
}

#[then("the API accepts the token")]
async fn api_accepts(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let status = w.api_status.context("the API was not called")?;
        ensure!((200..300).contains(&status), "the API rejected the token the dialog showed: HTTP {status}");
        Ok(())
    })
    .await
}

#[then("the API rejects the token")]
async fn api_rejects(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let status = w.api_status.context("the API was not called")?;
        ensure!(status == 401 || status == 403, "the API should reject a revoked token with 401/403, got HTTP {status}");
        Ok(())
    })
    .await
}

#[when("I reload the page")]
async fn reload(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let ui = w.ui()?;
        ui.refresh().await?;
        // The avatar is back: the page has loaded again.
        ProfileMenu::new(ui).avatar_is_top_right().await?;
        Ok(())
    })
    .await
}

#[then("the token's Last Used shows that it was used")]
async fn last_used_changes(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let name = w.token_name.clone().context("no token was created")?;
        let today = w.today();
        let ui = w.ui()?;
        // A date (today's, or yesterday's where the product's clock is behind
        // ours), or a relative time ("just now", "2 minutes ago").
        let used = |v: &str| {
            let v = v.trim().to_lowercase();
            parse_shown_date(&v).is_some_and(|d| (today - d).num_days().abs() <= 1) || v.contains("ago") || v.contains("just now")
        };
        ProfilePage::new(ui)
            .wait_for_row(&name, &format!("'{name}' to show when it was used, after a reload"), |r| r.get("last_used").is_some_and(|v| used(v)))
            .await?;
        Ok(())
    })
    .await
}

#[when("I revoke the token from the API Tokens table")]
async fn revoke(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let name = w.token_name.clone().context("no token was created")?;
        ensure!(ProfilePage::new(w.ui()?).revoke(&name).await?, "no token named '{name}' to revoke");
        w.run.cleanup.revoked(&name);
        Ok(())
    })
    .await
}

#[then("the new token appears in the API Tokens table with Active status and the expiry date I set")]
async fn new_row(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let name = w.token_name.clone().context("no token was created")?;
        let expiry = w.expiry.context("no expiry was set")?;
        let (row, sweep) = ProfilePage::new(w.ui()?)
            .wait_for_row_found(&name, &format!("the new token '{name}' in the API Tokens table"), |_| true)
            .await?;
        w.note(format!("the new token was found {}", sweep.how()));
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
    // A token not used yet shows no time of use ("Never", "—", nothing): how
    // it says so is the product's.
    if let Some(used) = row.get("last_used").and_then(|v| parse_shown_date(v)) {
        anyhow::bail!("the new token's Last Used shows a use on {used} although it was never used");
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
        let (row, sweep) = page.wait_for_row_found(&name, &format!("the new token '{name}' on the User Tokens tab")).await?;
        let how = sweep.how();
        w.note(format!("the new token was found on the User Tokens tab {how}"));
        check_row(&row, expiry, w.today())
    })
    .await
}

#[then("the full token value is shown nowhere on the page")]
async fn not_shown_again(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let token = w.token.clone().context("no token value was shown")?;
        let ui = w.ui()?;
        // A closing dialog may linger in the page for its animation: wait for it to go.
        let gone = async || Ok((!ui.page_text_and_attributes().await?.contains(token.expose())).then_some(()));
        crate::browser::wait::until("the full token value to leave the page", ui.config.wait, ui.config.poll, gone).await
    })
    .await
}
