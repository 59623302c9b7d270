//! Signing in: the password form of the local AI Suite (or any build with one),
//! or an injected SSO session for targets that sign in with Google/Azure AD/Okta.

use anyhow::{Context, bail};
use thirtyfour::prelude::*;

use super::Ui;
use crate::browser::wait;
use crate::config::Credentials;

/// A page on the target's own origin that needs no sign-in.
const ORIGIN_PAGE: &str = "/favicon.ico";

pub struct LoginPage<'a> {
    ui: &'a Ui,
}

impl<'a> LoginPage<'a> {
    pub fn new(ui: &'a Ui) -> Self {
        Self { ui }
    }

    /// Sets a pre-provisioned session (cookies, localStorage) on the target's origin.
    pub async fn inject_session(&self, session: &crate::config::SessionFile) -> anyhow::Result<()> {
        // Cookies can only be set for the page's own origin: open it first, on
        // a path that an SSO front door does not redirect to another domain.
        self.ui.goto(ORIGIN_PAGE).await?;
        for (name, value) in &session.cookies {
            let mut cookie = Cookie::new(name.clone(), value.clone());
            cookie.set_path("/");
            self.ui.driver.add_cookie(cookie).await.with_context(|| format!("could not set the session cookie '{name}'"))?;
        }
        for (key, value) in &session.local_storage {
            self.ui
                .driver
                .execute("localStorage.setItem(arguments[0], arguments[1]);", vec![key.clone().into(), value.clone().into()])
                .await?;
        }
        Ok(())
    }

    /// Sets cookies captured from an earlier sign-in on the target's origin:
    /// before the first page when the channel can, else on a page of the origin.
    pub async fn inject_cookies(&self, cookies: Vec<Cookie>) -> anyhow::Result<()> {
        if self.ui.page.set_cookies_ahead(&self.ui.base_url, &cookies).await.context("could not restore the session cookies")? {
            return Ok(());
        }
        self.ui.goto(ORIGIN_PAGE).await?;
        for c in cookies {
            self.ui.driver.add_cookie(c).await.context("could not restore the session cookie")?;
        }
        Ok(())
    }

    /// Opens `path`; when the sign-in form shows instead, signs in and returns
    /// once the app's top bar (the avatar) is there.
    pub async fn open_signed_in(&self, path: &str, credentials: Option<&Credentials>) -> anyhow::Result<()> {
        self.ui.goto(path).await?;
        let ui = self.ui;
        let first = wait::until("the app or a sign-in form", ui.config.wait, ui.config.poll, || async {
            if ui.try_find("header.avatar", None).await?.is_some() {
                return Ok(Some(false));
            }
            Ok(ui.try_find("login.password", None).await?.map(|_| true))
        })
        .await?;
        if !first {
            return Ok(());
        }
        let Some(creds) = credentials else {
            bail!(
                "{} the target shows a sign-in form at {} although a session was injected: the session is invalid or expired; \
                 provide a fresh one (AI_SUITE_SESSION_COOKIES / AI_SUITE_SESSION_STORAGE)",
                crate::runner::SIGN_IN_FAILED,
                ui.current_url().await
            );
        };
        let email = ui.find("login.email", "the sign-in form's email field").await?;
        ui.type_into(&email, &creds.username).await?;
        let password = ui.find("login.password", "the sign-in form's password field").await?;
        ui.type_into(&password, creds.password.expose()).await?;
        ui.click("login.submit", None, "the Sign in button").await?;
        let signed_in = wait::until("the app after signing in", ui.config.wait, ui.config.poll, || async {
            if ui.try_find("header.avatar", None).await?.is_some() {
                return Ok(Some(Ok(())));
            }
            // Still on the form with an error shown: wrong credentials.
            let alert = ui
                .page
                .eval(
                    "for (const a of document.querySelectorAll('[role=alert], .error, .form-error')) { \
                       const t = (a.innerText || '').trim(); if (t) return t; } return null;",
                    vec![],
                )
                .await?;
            Ok(alert.as_str().map(|text| Err(text.to_string())))
        })
        .await?;
        if let Err(message) = signed_in {
            bail!(
                "{} signing in as '{}' failed: the page says \"{}\"; check AI_SUITE_USERNAME and AI_SUITE_PASSWORD",
                crate::runner::SIGN_IN_FAILED,
                creds.username,
                message.trim()
            );
        }
        Ok(())
    }
}
