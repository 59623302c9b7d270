//! Prerequisites and Step 1: signed in, AI Admin → Access Control → User Tokens.

use anyhow::ensure;
use cucumber::gherkin::Step;
use cucumber::{given, then, when};

use crate::pages::access_control::AccessControlPage;
use crate::pages::login::LoginPage;
use crate::pages::table::COLUMNS;
use crate::world::AiSuiteWorld;

#[given("I am signed in to the AI Suite admin panel")]
async fn signed_in(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let ui = w.ui()?;
        let login = LoginPage::new(ui);
        let config = &ui.config;
        if !config.session.cookies.is_empty() || !config.session.local_storage.is_empty() {
            // SSO targets: the configured session, injected before the first page.
            login.inject_session(&config.session, &config.start_path).await?;
            return login.open_signed_in(&config.start_path, None).await;
        }
        // The first scenario signs in through the form; later ones reuse its
        // session cookies (falling back to the form if they no longer work).
        if let Some(cookies) = w.run.signed_in_cookies() {
            login.inject_cookies(cookies, &config.start_path).await?;
        }
        login.open_signed_in(&config.start_path, config.credentials.as_ref()).await?;
        // The session now (a new one if the remembered one expired: said once).
        w.run.remember_signed_in_cookies(ui.page.cookies().await?);
        Ok(())
    })
    .await
}

#[when("I go to AI Admin → Access Control in the left-hand navigation")]
async fn open_access_control(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| AccessControlPage::new(w.ui()?).open_from_navigation().await).await
}

#[when("I click the User Tokens tab at the top")]
async fn open_user_tokens(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| AccessControlPage::new(w.ui()?).open_user_tokens_tab().await).await
}

#[then("it lists all existing API tokens with their name, token value, user, created date, last used, expiry, and status")]
async fn lists_all_tokens(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let ui = w.ui()?;
        let table = AccessControlPage::new(ui).user_tokens_table().await?;
        let keys: Vec<&str> = COLUMNS.iter().map(|(k, _)| *k).collect();
        table.require_columns(&keys, &ui.config.columns)?;
        for row in table.records(&ui.config.columns) {
            let get = |k: &str| row.get(k).cloned().unwrap_or_default();
            ensure!(!get("name").is_empty() && !get("user").is_empty(), "a token row lacks a name or a user: {row:?}");
            // The guide names one status (a new token's Active); what the others
            // are called is the product's.
            ensure!(!get("status").trim().is_empty(), "a token row shows no status: {row:?}");
            let value = get("token");
            ensure!(!value.is_empty(), "a token row shows no token value: {row:?}");
        }
        Ok(())
    })
    .await
}

#[then("the list includes tokens of other users")]
async fn includes_other_users(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let ui = w.ui()?;
        // Me: the sign-in name and the configured display name, as far as known.
        let me: Vec<String> = [ui.config.credentials.as_ref().map(|c| c.username.clone()), ui.config.user_name.clone()]
            .into_iter()
            .flatten()
            .map(|s| s.trim().to_lowercase())
            .collect();
        let page = AccessControlPage::new(ui);
        // Who I am unknown: any user but the first row's counts as another.
        let first_user = match me.is_empty() {
            true => page.user_tokens_table().await?.records(&ui.config.columns).first().and_then(|r| r.get("user").cloned()),
            false => None,
        };
        // Another user's row, on whichever page of a long list it is; who I
        // am unknown (an SSO session without a user name): two users at least.
        let other = |r: &crate::pages::profile_page::Record| {
            let user = r.get("user").map(|u| u.trim().to_lowercase()).unwrap_or_default();
            !user.is_empty()
                && if me.is_empty() { first_user.as_ref().is_some_and(|f| f.trim().to_lowercase() != user) } else { !me.contains(&user) }
        };
        let (row, sweep) = page.find_row_where(other).await?;
        let others = row.is_some();
        let users = sweep.looked_at();
        ensure!(others, "the User Tokens tab should list every user's tokens, but it shows only mine ({users})");
        w.note(format!("another user's token was found on the User Tokens tab {}", sweep.how()));
        Ok(())
    })
    .await
}
