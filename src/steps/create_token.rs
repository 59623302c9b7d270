//! Steps 4-7: Create Token, the Create API Token modal, name, expiry, Create.

use crate::locators::key;
use anyhow::{Context, ensure};
use cucumber::gherkin::Step;
use cucumber::{given, then, when};

use super::{Using, expect_eq};
use crate::dates::RelativeDate;
use crate::pages::create_token_modal::CreateTokenModal;
use crate::pages::profile_page::{ProfilePage, is_purple};
use crate::world::AiSuiteWorld;

#[when("I click the Create Token button on the right side")]
async fn click_create_token(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let page = ProfilePage::new(w.ui()?);
        ensure!(page.create_token_is_on_the_right().await?, "the Create Token button is not on the right side of the page");
        let colour = page.create_token_colour().await?;
        ensure!(is_purple(colour), "the Create Token button is not purple: its background is rgb{colour:?}");
        page.click_create_token().await
    })
    .await
}

#[then("a Create API Token modal dialog opens with two fields: Token Name and Expiry Date")]
async fn modal_opens(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let modal = CreateTokenModal::wait_open(w.ui()?).await?;
        // The guide's words, as a user reads them: a sentence-case label ("Token name") is the same field.
        let labels = modal.field_labels().await?;
        let read: Vec<String> = labels.iter().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()).collect();
        ensure!(read == ["token name", "expiry date"], "the dialog's fields: expected [\"Token Name\", \"Expiry Date\"] (in any letter case), got {labels:?}");
        Ok(())
    })
    .await
}

#[when(expr = "I type a descriptive token name such as {string}")]
async fn enter_name(w: &mut AiSuiteWorld, step: &Step, example: String) {
    w.step(step, async |w| {
        // Unique per run and scenario, so runs never collide and clean-up finds it.
        let name = w.run.unique_name(&example);
        CreateTokenModal::wait_open(w.ui()?).await?.enter_name(&name).await?;
        w.token_name = Some(name);
        Ok(())
    })
    .await
}

#[then("the Token Name field holds the name I typed")]
async fn name_kept(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let expected = w.token_name.clone().context("no name was typed")?;
        let actual = CreateTokenModal::wait_open(w.ui()?).await?.name_value().await?;
        expect_eq("the Token Name field", actual, expected)
    })
    .await
}

#[when(expr = "I enter a future expiry date in YYYY-MM-DD format: {date}")]
async fn enter_expiry(w: &mut AiSuiteWorld, step: &Step, when: RelativeDate) {
    w.step(step, async |w| {
        let date = when.on(w.today())?;
        CreateTokenModal::wait_open(w.ui()?).await?.enter_expiry_date(date).await?;
        w.expiry = Some(date);
        Ok(())
    })
    .await
}

#[then("the Expiry Date field holds that date")]
async fn expiry_kept(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let expected = w.expiry.context("no expiry was entered")?.format("%Y-%m-%d").to_string();
        let actual = CreateTokenModal::wait_open(w.ui()?).await?.expiry_value().await?;
        expect_eq("the Expiry Date field", actual, expected)
    })
    .await
}

#[then("the Create button is enabled, ready to submit")]
async fn ready_to_submit(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let ui = w.ui()?.clone();
        let modal = CreateTokenModal::wait_open(&ui).await?;
        let name = w.token_name.clone().context("no name was typed")?;
        expect_eq("the Token Name before submitting", modal.name_value().await?, name)?;
        let expiry = w.expiry.context("no expiry was entered")?.format("%Y-%m-%d").to_string();
        expect_eq("the Expiry Date before submitting", modal.expiry_value().await?, expiry)?;
        modal.wait_submit_enabled().await
    })
    .await
}

#[when("I click Create")]
async fn click_create(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| submit_token(w, Using::Mouse).await).await
}

/// Submits the dialog's token (a click on Create, or Enter where the focus
/// is) and waits for the dialog to close. From then on the token may exist:
/// the clean-up knows it before (a run interrupted mid-submit still revokes it).
pub(super) async fn submit_token(w: &mut AiSuiteWorld, using: Using) -> anyhow::Result<()> {
    let ui = w.ui()?.clone();
    let modal = CreateTokenModal::wait_open(&ui).await?;
    let name = w.token_name.clone().context("no name was typed")?;
    w.created_token(&name);
    match using {
        Using::Mouse => modal.submit().await?,
        Using::Keyboard => modal.press_enter().await?,
    }
    modal.wait_closed().await
}

#[given("I have opened the Create API Token dialog from my Profile page")]
async fn open_dialog(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let ui = w.ui()?.clone();
        let menu = crate::pages::profile_menu::ProfileMenu::new(&ui);
        menu.open().await?;
        menu.choose_profile().await?;
        let page = ProfilePage::new(&ui);
        page.wait_loaded().await?;
        w.click_create_token_noting_rows().await?;
        CreateTokenModal::wait_open(&ui).await.map(|_| ())
    })
    .await
}

#[when(expr = "I create a token named {string} expiring {date}")]
async fn create_named(w: &mut AiSuiteWorld, step: &Step, base: String, when: RelativeDate) {
    w.step(step, async |w| {
        // The rows noted when the dialog opened are not those after this token.
        w.names_before_dialog = None;
        let name = w.run.unique_name(&base);
        let date = when.on(w.today())?;
        let ui = w.ui()?.clone();
        let modal = CreateTokenModal::wait_open(&ui).await?;
        modal.enter_name(&name).await?;
        modal.enter_expiry_date(date).await?;
        w.created_token(&name);
        modal.submit().await?;
        w.token_name = Some(name);
        w.expiry = Some(date);
        modal.wait_closed().await
    })
    .await
}

#[when(expr = "I type the token name {string} and click Cancel")]
async fn type_and_cancel(w: &mut AiSuiteWorld, step: &Step, base: String) {
    w.step(step, async |w| {
        let ui = w.ui()?.clone();
        let name = w.run.unique_name(&base);
        w.rows_before = w.rows_before_dialog(&name).await?.0;
        let modal = CreateTokenModal::wait_open(&ui).await?;
        modal.enter_name(&name).await?;
        w.token_name = Some(name);
        modal.cancel().await
    })
    .await
}

#[then("the Create API Token dialog is closed")]
async fn dialog_closed(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| w.ui()?.wait_gone(key::CREATE_TOKEN_DIALOG, "the Create API Token dialog").await).await
}

#[then("no token with that name is listed")]
async fn nothing_created(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let name = w.token_name.clone().context("no name was typed")?;
        let ui = w.ui()?;
        ui.refresh().await?;
        ProfilePage::new(ui).wait_loaded().await?;
        let n = ProfilePage::new(ui).rows_named_once_loaded(&name, w.rows_before).await?;
        ensure!(n == 0, "a token named '{name}' was created although the dialog was cancelled");
        Ok(())
    })
    .await
}
