//! Step 2 and 3: the profile avatar (top right), its dropdown, and "Profile".

use super::Ui;

pub struct ProfileMenu<'a> {
    ui: &'a Ui,
}

impl<'a> ProfileMenu<'a> {
    pub fn new(ui: &'a Ui) -> Self {
        Self { ui }
    }

    /// Clicks the avatar and returns the dropdown's visible text.
    pub async fn open(&self) -> anyhow::Result<String> {
        self.ui.click("header.avatar", None, "the profile avatar in the top-right corner").await?;
        let panel = self.ui.find("profile_menu.panel", "the profile dropdown").await?;
        self.ui.page.text(&panel).await
    }

    /// The open dropdown's visible text, as it is now.
    pub async fn text(&self) -> anyhow::Result<String> {
        let panel = self.ui.find("profile_menu.panel", "the profile dropdown").await?;
        self.ui.page.text(&panel).await
    }

    /// True when the avatar sits in the top-right corner of the window.
    pub async fn avatar_is_top_right(&self) -> anyhow::Result<bool> {
        let avatar = self.ui.find("header.avatar", "the profile avatar").await?;
        let r = self.ui.page.rect(&avatar).await?;
        let (w, _) = self.ui.config.window;
        Ok(r.x + r.width / 2.0 > w as f64 * 0.75 && r.y + r.height / 2.0 < 120.0)
    }

    pub async fn choose_profile(&self) -> anyhow::Result<()> {
        self.ui.click("profile_menu.profile", None, "Profile in the dropdown").await
    }
}
