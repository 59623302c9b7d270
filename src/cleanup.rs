//! The clean-up: the ledger of every token the run created, and revoking
//! them — through the target's API with the browser's session when `[api]`
//! has a revoke endpoint, else (or if that fails) on the Profile page — plus
//! what earlier killed runs left behind.

use std::sync::{Arc, Mutex, OnceLock};

use crate::config::Config;
use crate::pages::Ui;
use crate::sync::lock;

#[derive(Clone, Debug)]
struct CreatedToken {
    name: String,
    revoked: bool,
    /// False when the clean-up found no such token (the form rejected it).
    existed: bool,
}

/// Every token of the run, and what became of it.
pub struct Cleanup {
    config: Arc<Config>,
    base_url: String,
    tokens: Mutex<Vec<CreatedToken>>,
    /// Earlier runs killed before their clean-up: their tokens are revoked once.
    earlier: Mutex<Vec<crate::unfinished::Earlier>>,
    /// Why the clean-up could not use the `[api]` paths (then the UI is used).
    pub api_note: OnceLock<String>,
    /// The Profile page's address, once known (saves the walk through the menu).
    profile_url: Mutex<Option<String>>,
}

impl Cleanup {
    pub fn new(config: Arc<Config>, base_url: String, earlier: Vec<crate::unfinished::Earlier>) -> Self {
        Self {
            config,
            base_url,
            tokens: Mutex::new(Vec::new()),
            earlier: Mutex::new(earlier),
            api_note: OnceLock::new(),
            profile_url: Mutex::new(None),
        }
    }

    /// Remembers a token a scenario created.
    pub fn created(&self, name: &str) {
        lock(&self.tokens).push(CreatedToken { name: name.to_string(), revoked: false, existed: true });
    }

    /// A scenario revoked its own token: the clean-up need not.
    pub fn revoked(&self, name: &str) {
        self.mark_revoked(name, true);
    }

    /// Done with a token: revoked, or (`existed` false) never created at all.
    fn mark_revoked(&self, name: &str, existed: bool) {
        for t in lock(&self.tokens).iter_mut().filter(|t| t.name == name) {
            t.revoked = true;
            t.existed = existed;
        }
    }

    /// Tokens not revoked yet.
    pub fn pending(&self) -> usize {
        lock(&self.tokens).iter().filter(|t| !t.revoked).count()
    }

    /// (revoked, could not be revoked): tokens the form rejected count in neither.
    pub fn totals(&self) -> (usize, usize) {
        let tokens = lock(&self.tokens);
        let still = tokens.iter().filter(|t| !t.revoked).count();
        let never = tokens.iter().filter(|t| !t.existed).count();
        (tokens.len() - still - never, still)
    }

    /// Revokes, once, what earlier killed runs left: through `[api]` when it
    /// is configured, else on the Profile page (with a signed-in browser).
    pub async fn revoke_earlier(&self, ui: &Ui) {
        let earlier = std::mem::take(&mut *lock(&self.earlier));
        if earlier.is_empty() {
            return;
        }
        let owned = |n: &str| earlier.iter().any(|e| e.owns(n));
        let done: anyhow::Result<usize> = async {
            if self.config.api.revoke_path.is_some() && self.api_note.get().is_none() {
                let cookies = ui.page.cookies().await.unwrap_or_default();
                return Ok(crate::api::revoke_matching(&self.base_url, &self.config.api, &cookies, owned).await?.revoked.len());
            }
            let page = self.open_profile(ui).await?;
            let names = page.live_token_names().await?;
            let mut n = 0;
            for name in names.iter().filter(|n| owned(n)) {
                page.revoke(name).await?;
                n += 1;
            }
            Ok(n)
        }
        .await;
        match done {
            Ok(n) => {
                println!("clean-up: revoked {n} token(s) left by earlier killed run(s)");
                for e in &earlier {
                    crate::unfinished::forget(&self.config.artifacts_dir, &e.run_id);
                }
            }
            Err(e) => {
                eprintln!("clean-up: could not revoke the tokens of earlier killed runs ({e:#}); they stay listed for the next run");
            }
        }
    }

    /// Revokes the run's tokens not revoked yet whose names `which` accepts.
    pub async fn revoke(&self, ui: &Ui, which: impl Fn(&str) -> bool) {
        let pending: Vec<String> =
            lock(&self.tokens).iter().filter(|t| !t.revoked && which(&t.name)).map(|t| t.name.clone()).collect();
        if pending.is_empty() {
            return;
        }
        if self.config.api.revoke_path.is_some() && self.api_note.get().is_none() {
            let cookies = ui.page.cookies().await.unwrap_or_default();
            match crate::api::revoke_by_name(&self.base_url, &self.config.api, &cookies, &pending).await {
                Ok(done) => {
                    for (name, existed) in done {
                        self.mark_revoked(&name, existed);
                    }
                    return;
                }
                // Said once, in the summary; the rest of the run uses the Profile page.
                Err(e) => {
                    let _ = self.api_note.set(crate::secret::redact(&format!("{e:#}")));
                }
            }
        }
        let page = match self.open_profile(ui).await {
            Ok(p) => p,
            Err(e) => {
                eprintln!("clean-up: could not open the Profile page to revoke {} token(s): {e:#}", pending.len());
                return;
            }
        };
        for name in &pending {
            match page.revoke(name).await {
                Ok(existed) => self.mark_revoked(name, existed),
                Err(e) => eprintln!("clean-up: could not revoke '{name}': {e:#}"),
            }
        }
    }

    /// Opens the Profile page, signed in (directly once its address is known).
    async fn open_profile<'u>(&self, ui: &'u Ui) -> anyhow::Result<crate::pages::profile_page::ProfilePage<'u>> {
        let page = crate::pages::profile_page::ProfilePage::new(ui);
        let known = lock(&self.profile_url).clone();
        if let Some(url) = known
            && ui.driver.goto(&url).await.is_ok()
            && page.wait_loaded().await.is_ok()
        {
            return Ok(page);
        }
        crate::pages::login::LoginPage::new(ui).open_signed_in(&self.config.start_path, self.config.credentials.as_ref()).await?;
        let menu = crate::pages::profile_menu::ProfileMenu::new(ui);
        menu.open().await?;
        menu.choose_profile().await?;
        page.wait_loaded().await?;
        *lock(&self.profile_url) = Some(ui.current_url().await);
        Ok(page)
    }
}
