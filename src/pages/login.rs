//! Signing in: the password form of the local AI Suite (or any build with one),
//! or an injected SSO session for targets that sign in with Google/Azure AD/Okta.

use crate::locators::key;
use anyhow::{Context, bail};
use thirtyfour::prelude::*;

use super::Ui;
use crate::browser::recorder::origin;
use crate::browser::{scripts, wait};
use crate::config::Credentials;

/// The words every sign-in failure starts with (the runner tells "the product
/// is broken" from "the suite could not get in" by them).
pub const SIGN_IN_FAILED: &str = "could not sign in:";

/// How long a sign-in page must show no password form before it is taken for
/// an SSO-only page (its form may render after the heading).
const SSO_SETTLE: std::time::Duration = std::time::Duration::from_secs(1);

pub struct LoginPage<'a> {
    ui: &'a Ui,
}

impl<'a> LoginPage<'a> {
    pub fn new(ui: &'a Ui) -> Self {
        Self { ui }
    }

    /// Sets a pre-provisioned session (cookies, localStorage) for the target
    /// before its first page: through DevTools where the browser speaks it
    /// (cookies for the target's URL; localStorage by a script that runs
    /// before the app's own, on the target's origin only). Plain WebDriver can
    /// only set them on an open page of the origin: the configured start page.
    pub async fn inject_session(&self, session: &crate::config::SessionFile, start_path: &str) -> anyhow::Result<()> {
        let cookies: Vec<Cookie> = session
            .cookies
            .iter()
            .map(|(name, value)| {
                let mut c = Cookie::new(name.clone(), value.clone());
                c.set_path("/");
                c
            })
            .collect();
        let entries: Vec<(String, String)> = session.local_storage.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let page = &self.ui.page;
        let devtools = self.ui.chromium;
        let cookies_set = cookies.is_empty()
            || page.set_cookies_ahead(devtools, &self.ui.base_url, &cookies).await.context("could not set the session cookies")?;
        let storage_set = entries.is_empty()
            || page.set_storage_ahead(devtools, &origin(&self.ui.base_url), &entries).await.context("could not set the session's localStorage entries")?;
        if cookies_set && storage_set {
            return Ok(());
        }
        self.ui.goto(start_path).await?;
        let here = self.ui.current_url().await;
        if !here.starts_with(&origin(&self.ui.base_url)) {
            bail!(
                "{} to inject the session the start page must be on the target's origin, but {} went to {here}; \
                 set [target] start_path (AI_SUITE_START_PATH) to a page of the target that does not redirect",
                SIGN_IN_FAILED,
                start_path
            );
        }
        if !cookies_set {
            for c in cookies {
                let name = c.name.clone();
                self.ui.driver().await?.add_cookie(c).await.with_context(|| format!("could not set the session cookie '{name}' on {here}"))?;
            }
        }
        if !storage_set {
            for (key, value) in entries {
                self.ui.driver().await?.execute("localStorage.setItem(arguments[0], arguments[1]);", vec![key.into(), value.into()]).await?;
            }
        }
        Ok(())
    }

    /// Sets cookies captured from an earlier sign-in on the target's origin:
    /// before the first page when the browser can, else on the start page.
    pub async fn inject_cookies(&self, cookies: Vec<Cookie>, start_path: &str) -> anyhow::Result<()> {
        let page = &self.ui.page;
        if page.set_cookies_ahead(self.ui.chromium, &self.ui.base_url, &cookies).await.context("could not restore the session cookies")? {
            return Ok(());
        }
        self.ui.goto(start_path).await?;
        for c in cookies {
            self.ui.driver().await?.add_cookie(c).await.context("could not restore the session cookie")?;
        }
        Ok(())
    }

    /// Opens `path`; when the sign-in form shows instead, signs in and returns
    /// once the app's top bar (the avatar) is there.
    pub async fn open_signed_in(&self, path: &str, credentials: Option<&Credentials>) -> anyhow::Result<()> {
        self.ui.goto(path).await?;
        let ui = self.ui;
        #[derive(PartialEq)]
        enum Shown {
            App,
            PasswordForm,
            SignInPage,
        }
        // A sign-in page without a password form counts once it has stayed so
        // for a while: a form that renders after its heading (or after asking
        // the server how users sign in) is not taken for an SSO page.
        let settle = SSO_SETTLE.min(ui.config.wait);
        let form_less_since = std::cell::Cell::new(None::<std::time::Instant>);
        let shown = wait::until("the app or a sign-in page", ui.config.wait, ui.config.poll, || {
            let since = &form_less_since;
            async move {
                if ui.try_find(key::HEADER_AVATAR, None).await?.is_some() {
                    return Ok(Some(Shown::App));
                }
                let page = ui.try_find(key::LOGIN_PAGE, None).await?.is_some();
                if ui.try_find(key::LOGIN_PASSWORD, None).await?.is_some() {
                    return Ok(Some(Shown::PasswordForm));
                }
                if !page {
                    since.set(None);
                    return Ok(None);
                }
                let first = since.get().unwrap_or_else(std::time::Instant::now);
                since.set(Some(first));
                Ok((first.elapsed() >= settle).then_some(Shown::SignInPage))
            }
        })
        .await?;
        if shown == Shown::App {
            return Ok(());
        }
        if shown == Shown::SignInPage {
            let why = if credentials.is_some() {
                "the target shows a sign-in page without a password form (SSO only?): sign in through SSO once and \
                 inject that session (AI_SUITE_SESSION_COOKIES / AI_SUITE_SESSION_STORAGE)"
            } else {
                "the target shows its sign-in page although a session was injected: the session is invalid or expired; \
                 provide a fresh one (AI_SUITE_SESSION_COOKIES / AI_SUITE_SESSION_STORAGE)"
            };
            bail!("{} {why} (at {})", SIGN_IN_FAILED, ui.current_url().await);
        }
        let Some(creds) = credentials else {
            bail!(
                "{} the target shows a sign-in form at {} although a session was injected: the session is invalid or expired; \
                 provide a fresh one (AI_SUITE_SESSION_COOKIES / AI_SUITE_SESSION_STORAGE)",
                SIGN_IN_FAILED,
                ui.current_url().await
            );
        };
        let email = ui.find(key::LOGIN_EMAIL, "the sign-in form's email field").await?;
        ui.type_into(&email, &creds.username).await?;
        let password = ui.find(key::LOGIN_PASSWORD, "the sign-in form's password field").await?;
        ui.type_into(&password, creds.password.expose()).await?;
        ui.click(key::LOGIN_SUBMIT, None, "the Sign in button").await?;
        let signed_in = wait::until("the app after signing in", ui.config.wait, ui.config.poll, || async {
            if ui.try_find(key::HEADER_AVATAR, None).await?.is_some() {
                return Ok(Some(Ok(())));
            }
            // Still on the form with an error shown: wrong credentials.
            let alert = ui.page.eval(scripts::SIGN_IN_ERROR, vec![]).await?;
            Ok(alert.as_str().map(|text| Err(text.to_string())))
        })
        .await?;
        if let Err(message) = signed_in {
            bail!(
                "{} signing in as '{}' failed: the page says \"{}\"; check AI_SUITE_USERNAME and AI_SUITE_PASSWORD",
                SIGN_IN_FAILED,
                creds.username,
                message.trim()
            );
        }
        Ok(())
    }
}

