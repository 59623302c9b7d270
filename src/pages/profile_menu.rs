//! Step 2 and 3: the profile avatar (top right), its dropdown, and "Profile".

use crate::locators::key;
use super::Ui;
use super::keyboard::Keyboard;
use crate::browser::input::Press;

pub struct ProfileMenu<'a> {
    ui: &'a Ui,
}

impl<'a> ProfileMenu<'a> {
    pub fn new(ui: &'a Ui) -> Self {
        Self { ui }
    }

    /// Clicks the avatar and returns the dropdown's visible text.
    pub async fn open(&self) -> anyhow::Result<String> {
        self.ui.click(key::HEADER_AVATAR, None, "the profile avatar in the top-right corner").await?;
        self.panel_text().await
    }

    /// The open dropdown's visible text. The dropdown is `profile_menu.panel`
    /// (a menu by its role, or what the expanded avatar controls); a build
    /// whose dropdown has none of these is read as the region around its
    /// Profile item (`profile_menu.profile`): the nearest container that
    /// holds that item and more than it.
    pub async fn panel_text(&self) -> anyhow::Result<String> {
        let ui = self.ui;
        let desc = format!(
            "the profile dropdown (locator profile_menu.panel = {}, else the region around profile_menu.profile = {})",
            ui.locator(key::PROFILE_MENU_PANEL).source,
            ui.locator(key::PROFILE_MENU_PROFILE).source
        );
        let panel = ui
            .until(&desc, || async {
                if let Some(panel) = ui.try_find(key::PROFILE_MENU_PANEL, None).await? {
                    return Ok(Some(panel));
                }
                let Some(item) = ui.try_find(key::PROFILE_MENU_PROFILE, None).await? else { return Ok(None) };
                ui.region_named_by(&item, None).await
            })
            .await?;
        ui.page.text(&panel).await
    }

    /// True when the avatar sits in the top-right corner of the window.
    pub async fn avatar_is_top_right(&self) -> anyhow::Result<bool> {
        let avatar = self.ui.find(key::HEADER_AVATAR, "the profile avatar").await?;
        let r = self.ui.page.rect(&avatar).await?;
        let (w, _) = self.ui.config.window;
        Ok(r.x + r.width / 2.0 > w as f64 * 0.75 && r.y + r.height / 2.0 < 120.0)
    }

    /// Tab to the avatar and Enter; returns the dropdown's visible text.
    pub async fn open_by_keyboard(&self) -> anyhow::Result<String> {
        let what = "the profile avatar in the top-right corner";
        let avatar = self.ui.find(key::HEADER_AVATAR, what).await?;
        let keys = Keyboard::new(self.ui);
        keys.tab_to(&avatar, what, None).await?;
        keys.press(Press::Enter).await?;
        self.panel_text().await
    }

    /// In the open dropdown, the arrow keys (down, else up) to Profile, and Enter.
    pub async fn choose_profile_by_keyboard(&self) -> anyhow::Result<()> {
        let what = "Profile in the dropdown";
        let item = self.ui.find(key::PROFILE_MENU_PROFILE, what).await?;
        let keys = Keyboard::new(self.ui);
        keys.arrows_to(&item, what, (Press::Down, Press::Up), Vec::new()).await?;
        keys.press(Press::Enter).await
    }

    pub async fn choose_profile(&self) -> anyhow::Result<()> {
        self.ui.click(key::PROFILE_MENU_PROFILE, None, "Profile in the dropdown").await
    }
}
