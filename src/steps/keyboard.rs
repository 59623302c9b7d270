//! The guide's Steps 1-8 with the keyboard alone (`features/keyboard.feature`):
//! Tab and Enter, the arrow keys inside the avatar menu and a tablist that
//! keeps one tab in the Tab order, Escape; the focus kept in an open dialog
//! and given back to Create Token when it closes. The guide's own checks
//! (the table, the dropdown, the dialogs, the clipboard) are its steps'.

use cucumber::gherkin::Step;
use cucumber::{then, when};

use super::Using;
use crate::dates::RelativeDate;
use crate::pages::access_control::AccessControlPage;
use crate::pages::create_token_modal::CreateTokenModal;
use crate::pages::profile_menu::ProfileMenu;
use crate::pages::profile_page::ProfilePage;
use crate::pages::token_created_dialog::TokenCreatedDialog;
use crate::world::AiSuiteWorld;

/// Tab presses each way that a dialog must keep the focus through.
const TRAP_PRESSES: usize = 8;

#[when("I press Tab until Access Control in the left-hand navigation has the focus, and Enter")]
async fn access_control(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| AccessControlPage::new(w.ui()?).open_from_navigation_by_keyboard().await).await
}

#[when("I press Tab until the User Tokens tab has the focus, and Enter")]
async fn user_tokens_tab(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| AccessControlPage::new(w.ui()?).open_user_tokens_tab_by_keyboard().await).await
}

#[when("I press Tab until the profile avatar has the focus, and Enter")]
async fn avatar(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        ProfileMenu::new(w.ui()?).open_by_keyboard().await?;
        w.menu_identity = Some(super::profile::identity_shown(w).await?);
        Ok(())
    })
    .await
}

#[when("I press the arrow keys until Profile has the focus, and Enter")]
async fn profile_item(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| ProfileMenu::new(w.ui()?).choose_profile_by_keyboard().await).await
}

#[when("I press Tab until the Create Token button has the focus, and Enter")]
async fn create_token(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| ProfilePage::new(w.ui()?).create_token_by_keyboard().await).await
}

#[then("the keyboard focus is in the dialog, and Tab and Shift+Tab keep it there")]
async fn focus_kept(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| CreateTokenModal::wait_open(w.ui()?).await?.keeps_the_focus(TRAP_PRESSES).await).await
}

#[when("I press Escape")]
async fn escape(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| CreateTokenModal::wait_open(w.ui()?).await?.escape().await).await
}

#[then("the keyboard focus is back on the Create Token button")]
async fn focus_back(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| ProfilePage::new(w.ui()?).wait_create_token_focused().await).await
}

#[when("I press Enter to open it again")]
async fn reopen(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        // Enter where the focus is: on Create Token, as the step before found.
        ProfilePage::new(w.ui()?).wait_create_token_focused().await?;
        crate::pages::keyboard::Keyboard::new(w.ui()?).press(crate::browser::input::Press::Enter).await
    })
    .await
}

#[when(expr = "I press Tab until the Token Name field has the focus, and type a descriptive token name such as {string}")]
async fn type_name(w: &mut AiSuiteWorld, step: &Step, example: String) {
    w.step(step, async |w| {
        let name = w.run.unique_name(&example);
        CreateTokenModal::wait_open(w.ui()?).await?.type_name_by_keyboard(&name).await?;
        w.token_name = Some(name);
        Ok(())
    })
    .await
}

#[when(expr = "I press Tab until the Expiry Date field has the focus, and type a future expiry date: {date}")]
async fn type_expiry(w: &mut AiSuiteWorld, step: &Step, when: RelativeDate) {
    w.step(step, async |w| {
        let date = when.on(w.today())?;
        CreateTokenModal::wait_open(w.ui()?).await?.type_expiry_by_keyboard(date).await?;
        w.expiry = Some(date);
        Ok(())
    })
    .await
}

#[when("I press Enter to create the token")]
async fn submit(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| super::create_token::submit_token(w, Using::Keyboard).await).await
}

#[when("I press Tab until Copy has the focus, and Enter")]
async fn copy(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| super::token_created::copy_token(w, Using::Keyboard).await).await
}

#[when("I press Tab until Close has the focus, and Enter")]
async fn close(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| TokenCreatedDialog::wait_open(w.ui()?).await?.close_by_keyboard().await).await
}
