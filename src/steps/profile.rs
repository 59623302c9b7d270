//! Steps 2 and 3: the profile avatar, its dropdown, and the Profile page.

use anyhow::{Context, ensure};
use cucumber::gherkin::Step;
use cucumber::{then, when};

use crate::pages::profile_menu::ProfileMenu;
use crate::pages::profile_page::ProfilePage;
use crate::world::AiSuiteWorld;

#[when("I click the profile avatar icon in the top-right corner")]
async fn click_avatar(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let menu = ProfileMenu::new(w.ui()?);
        ensure!(menu.avatar_is_top_right().await?, "the profile avatar is not in the top-right corner of the page");
        menu.open().await?;
        w.menu_identity = Some(identity_shown(w).await?);
        Ok(())
    })
    .await
}

/// The name and role the open dropdown shows. The menu may show before its
/// content has arrived: read until it holds them, else report what it showed.
pub(super) async fn identity_shown(w: &AiSuiteWorld) -> anyhow::Result<(String, String)> {
    let ui = w.ui()?;
    let menu = ProfileMenu::new(ui);
    let (timeout, poll) = (ui.config.wait, ui.config.poll);
    crate::browser::wait::until("the dropdown to show the user's name and role", timeout, poll, || async {
        Ok(Some(identity_from(&menu.panel_text().await?, w)?))
    })
    .await
}

/// The name and role the dropdown shows: the configured ones must both be
/// there; without configuration, the first two lines that are not menu items.
fn identity_from(text: &str, w: &AiSuiteWorld) -> anyhow::Result<(String, String)> {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let config = &w.ui()?.config;
    match (&config.user_name, &config.user_role) {
        (Some(name), Some(role)) => {
            ensure!(lines.iter().any(|l| l.contains(name.as_str())), "the dropdown does not show the name {name:?}; it shows {lines:?}");
            ensure!(lines.iter().any(|l| l.contains(role.as_str())), "the dropdown does not show the role {role:?}; it shows {lines:?}");
            Ok((name.clone(), role.clone()))
        }
        _ => {
            let info: Vec<&&str> = lines.iter().filter(|l| !["Profile", "Sign out", "Log out", "Logout"].contains(l)).collect();
            ensure!(info.len() >= 2, "the dropdown should show a name and a role, but shows only {lines:?}");
            Ok((info[0].to_string(), info[1].to_string()))
        }
    }
}

#[then("a dropdown menu appears showing my name and role")]
async fn dropdown_shows_identity(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let (name, role) = w.menu_identity.clone().context("the dropdown was not opened")?;
        let text = ProfileMenu::new(w.ui()?).panel_text().await?;
        ensure!(text.contains(&name) && text.contains(&role), "the dropdown no longer shows {name:?} and {role:?}: {text:?}");
        Ok(())
    })
    .await
}

#[when("I click Profile in the dropdown")]
async fn choose_profile(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| ProfileMenu::new(w.ui()?).choose_profile().await).await
}

#[then("my Profile page shows my User Info and the API Tokens table")]
async fn profile_page_shown(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let page = ProfilePage::new(w.ui()?);
        let info = page.wait_loaded().await?;
        if let Some((name, role)) = &w.menu_identity {
            ensure!(info.contains(name.as_str()), "User Info does not show the name {name:?} from the dropdown: {info:?}");
            ensure!(info.contains(role.as_str()), "User Info does not show the role {role:?} from the dropdown: {info:?}");
        }
        page.tokens_table().await?;
        Ok(())
    })
    .await
}
