//! The form's rules (Step 5 and Step 6's "Important" note): what is rejected
//! stays in the open dialog with an inline error and creates nothing.

use crate::config::AccessibilityMode;
use anyhow::{Context, ensure};
use cucumber::gherkin::Step;
use cucumber::{then, when};

use super::expect_eq;
use crate::locators::key;
use crate::pages::create_token_modal::{CreateTokenModal, Refusal};
use crate::pages::profile_page::ProfilePage;
use crate::pages::token_created_dialog::TokenCreatedDialog;
use crate::world::AiSuiteWorld;

/// Typed values and whether Create could be clicked, for the Then steps.
async fn try_create(w: &mut AiSuiteWorld, name: String, expiry_text: String) -> anyhow::Result<()> {
    let ui = w.ui()?.clone();
    (w.rows_before, w.same_name_rows) = w.rows_before_dialog(&name).await?;
    let modal = CreateTokenModal::wait_open(&ui).await?;
    modal.enter_name(&name).await?;
    w.expiry_not_taken = !modal.enter_expiry(&expiry_text).await?;
    if w.expiry_not_taken {
        // A native date picker cannot hold this text: what the guide promises
        // becomes "the control does not take it" plus the server's refusal.
        w.note(format!("native date picker: {expiry_text:?} cannot be entered; checked as \"the control does not take it\" and \"the server refuses it\""));
    }
    // If the rule is broken the token exists: the clean-up must know it
    // before the click (a run interrupted mid-click still revokes it).
    if !name.trim().is_empty() {
        w.created_token(name.trim());
    }
    let submitted = modal.try_submit().await?;
    w.token_name = Some(name);
    w.typed_expiry = Some(expiry_text);
    w.submitted = Some(submitted);
    Ok(())
}

#[when(regex = r#"^I try to create a valid token name expiring "([^"]*)"$"#)]
async fn try_expiry(w: &mut AiSuiteWorld, step: &Step, expiry: String) {
    w.step(step, async |w| {
        // Relative words become dates; anything else is typed exactly as written.
        let text = match crate::dates::resolve(&expiry, w.today()) {
            Ok(d) if !expiry.contains('-') || expiry.starts_with("today") => d.format("%Y-%m-%d").to_string(),
            _ => expiry.clone(),
        };
        let name = w.run.unique_name("QA-Test-Token");
        try_create(w, name, text).await
    })
    .await
}

#[when(regex = r#"^I try to create a token named "([^"]*)" expiring tomorrow$"#)]
async fn try_name(w: &mut AiSuiteWorld, step: &Step, name: String) {
    w.step(step, async |w| {
        let tomorrow = w.iso_date("tomorrow")?;
        try_create(w, name, tomorrow).await
    })
    .await
}

#[when(regex = r"^I try to create a token whose name is (\d+) characters long, expiring tomorrow$")]
async fn try_long_name(w: &mut AiSuiteWorld, step: &Step, len: usize) {
    w.step(step, async |w| {
        let prefix = w.run.unique_name("QA");
        ensure!(prefix.len() < len, "the unique prefix is longer than {len}");
        let name = format!("{prefix}{}", "x".repeat(len - prefix.len()));
        let tomorrow = w.iso_date("tomorrow")?;
        try_create(w, name, tomorrow).await
    })
    .await
}

#[when(regex = r"^I try to create a token whose name is (\d+) spaces, expiring tomorrow$")]
async fn try_blank_name(w: &mut AiSuiteWorld, step: &Step, spaces: usize) {
    w.step(step, async |w| {
        let tomorrow = w.iso_date("tomorrow")?;
        try_create(w, " ".repeat(spaces), tomorrow).await
    })
    .await
}

#[when("I try to create another token with the same name, expiring tomorrow")]
async fn try_duplicate(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let ui = w.ui()?.clone();
        let name = w.token_name.clone().context("no first token")?;
        // The rows counted before the attempt must include the first token's.
        let page = ProfilePage::new(&ui);
        page.wait_for_row(&name, "the first token's row in the API Tokens table", |_| true).await?;
        w.click_create_token_noting_rows().await?;
        let tomorrow = w.iso_date("tomorrow")?;
        try_create(w, name, tomorrow).await
    })
    .await
}

/// The form refused the value of `field` ("name" or "expiry") in one of the
/// ways that keep the guide's "the form will reject it" true (docs/contract.md):
/// the control did not take the text, Create stayed disabled, a reason
/// appeared at the field on Create, or the browser's own validation stopped
/// the form. Which one is noted in the report.
async fn rejected(w: &mut AiSuiteWorld, field: &str) -> anyhow::Result<()> {
    let ui = w.ui()?.clone();
    let modal = CreateTokenModal::wait_open(&ui).await.context("the dialog closed: the form accepted the values")?;
    let (key, label) = if field == "name" { (key::CREATE_TOKEN_NAME, "the Token Name field") } else { (key::CREATE_TOKEN_EXPIRY, "the Expiry Date field") };
    if field == "expiry" && w.expiry_not_taken {
        // The control refused the text outright: it must hold no date at all.
        let held = modal.expiry_value().await?;
        ensure!(held.is_empty(), "the Expiry Date control made {held:?} out of {:?}", w.typed_expiry.clone().unwrap_or_default());
        return Ok(());
    }
    let refusal = modal.refusal(key, label, w.submitted == Some(true)).await?;
    if let Refusal::ReasonAtField(reason) | Refusal::CreateDisabled(Some(reason)) = &refusal {
        ensure!(reason.chars().count() >= 5, "the reason shown at {label} is not a clear sentence: {reason:?}");
        // A reason shown but tied to nothing is not heard: an accessibility
        // finding (failing in `fail` mode, noted in `report` mode).
        if modal.announced_error_for(key, label).await?.is_none() {
            let finding = format!(
                "the reason {reason:?} shows at {label} but is not tied to it: no aria-describedby or aria-errormessage names it \
                 and it is no alert or live region, so a screen reader user is not told why the form refused"
            );
            match w.run.audits.mode {
                AccessibilityMode::Fail => anyhow::bail!("accessibility: {finding}"),
                AccessibilityMode::Report => w.note(format!("accessibility: {finding}")),
                AccessibilityMode::Off => {}
            }
        }
    }
    w.note(format!("the form refused {label}: {refusal}"));
    Ok(())
}

/// What the form did with a value the guide says nothing about.
enum Outcome {
    Refused(Refusal),
    Created,
}

/// A value the guide neither requires nor forbids (a long name, the name of
/// a live token): the form may refuse it, or create a token under exactly
/// that name. A token under another name (cut, changed) breaks the guide's
/// promise that the new token appears in the table as created.
#[then("the form rejects the token name, or creates a token listed under exactly that name")]
async fn refused_or_created_whole(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let ui = w.ui()?.clone();
        let name = w.token_name.clone().context("no name was typed")?;
        let submitted = w.submitted == Some(true);
        let label = "the Token Name field";
        let awaited = "the Token Created dialog, or the form refusing the token name";
        let outcome = crate::browser::wait::until(awaited, ui.config.wait, ui.config.poll, || async {
            // The Token Created dialog first: the Create dialog may still be closing.
            if TokenCreatedDialog::try_open(&ui).await?.is_some() {
                return Ok(Some(Outcome::Created));
            }
            match CreateTokenModal::try_open(&ui).await? {
                Some(modal) => Ok(modal.refusal_now(key::CREATE_TOKEN_NAME, label, submitted).await?.map(Outcome::Refused)),
                None => Ok(None),
            }
        })
        .await?;
        match outcome {
            Outcome::Refused(refusal) => {
                w.note(format!("the form refused {label}: {refusal}"));
                CreateTokenModal::wait_open(&ui).await?.cancel().await?;
            }
            Outcome::Created => {
                let dialog = TokenCreatedDialog::wait_open(&ui).await?;
                w.token = Some(dialog.token_value().await?);
                dialog.close().await?;
                w.accepted_anyway = true;
                let what = format!("a row named exactly the {} characters typed", name.chars().count());
                let (_, sweep) = ProfilePage::new(&ui)
                    .wait_for_row_found(&name, &what, |_| true)
                    .await
                    .context("the token was created, but is not listed under the name typed")?;
                w.note(format!("the form accepted the name: a token listed under exactly that name, found {}", sweep.how()));
            }
        }
        Ok(())
    })
    .await
}

#[then("my first token is still listed with Active status")]
async fn first_still_active(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let ui = w.ui()?.clone();
        let name = w.token_name.clone().context("no first token")?;
        ui.refresh().await?;
        let page = ProfilePage::new(&ui);
        page.wait_loaded().await?;
        // Both tokens when the product took the name twice, else the first alone.
        let expected = if w.accepted_anyway { 2 } else { 1 };
        let active = page.rows_named_with_status(&name, "Active").await?;
        ensure!(
            active == expected,
            "{active} Active row(s) named {name:?}, expected {expected} (the first token{})",
            if w.accepted_anyway { " and the second one the form accepted" } else { "" }
        );
        Ok(())
    })
    .await
}

#[when("I cancel the dialog and reload my Profile page")]
async fn cancel_and_reload(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let ui = w.ui()?.clone();
        CreateTokenModal::wait_open(&ui).await?.cancel().await?;
        // After a reload, so a table that failed to refresh cannot hide a new row.
        ui.refresh().await?;
        ProfilePage::new(&ui).wait_loaded().await?;
        Ok(())
    })
    .await
}

#[then("the form rejects the expiry date")]
async fn expiry_rejected(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| rejected(w, "expiry").await).await
}

#[then("the form rejects the token name")]
async fn name_rejected(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| rejected(w, "name").await).await
}

#[then("the dialog stays open with the values I typed")]
async fn values_kept(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let modal = CreateTokenModal::wait_open(w.ui()?).await?;
        let typed_name = w.token_name.clone().unwrap_or_default();
        expect_eq("the Token Name field after the rejection", modal.name_value().await?, typed_name)?;
        // A native date picker that did not take the text holds nothing.
        let typed_expiry = if w.expiry_not_taken { String::new() } else { w.typed_expiry.clone().unwrap_or_default() };
        expect_eq("the Expiry Date field after the rejection", modal.expiry_value().await?, typed_expiry)
    })
    .await
}

#[then("no token was created")]
async fn none_created(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let ui = w.ui()?.clone();
        let page = ProfilePage::new(&ui);
        page.wait_loaded().await?;
        let name = w.token_name.clone().unwrap_or_default();
        let now = page.rows_named_once_loaded(&name, w.rows_before).await?;
        ensure!(now <= w.same_name_rows, "a token named {name:?} was created although the form rejected it");
        Ok(())
    })
    .await
}


#[when("I send the same values to the server, bypassing the page")]
async fn bypass_page(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let name = w.token_name.clone().unwrap_or_default();
        let expiry = w.typed_expiry.clone().unwrap_or_default();
        // A token the server wrongly creates is recorded by its id for the clean-up.
        let status = w.create_bypassing_the_page(&name, &expiry).await?;
        w.api_status = Some(status);
        Ok(())
    })
    .await
}

#[then("the server refuses them")]
async fn server_refuses(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let status = w.api_status.context("nothing was sent to the server")?;
        ensure!(
            (400..500).contains(&status) && status != 401 && status != 403 && status != 404,
            "the server should refuse these values with a validation error (4xx), but answered HTTP {status}{}",
            match status {
                200..=299 => ": it created the token, trusting the page's checks",
                401 | 403 if w.api_refusal.is_some() => w.api_refusal.as_deref().unwrap_or_default(),
                401 | 403 => ": it did not take the browser's session for this call (if the app sends its session as a \
                              header, not a cookie, set AI_SUITE_API_SESSION_HEADER; see docs/staging.md)",
                404 => ": no such endpoint (set [api] create_path)",
                _ => "",
            }
        );
        Ok(())
    })
    .await
}

#[then("the name is shown as plain text, without running any markup")]
async fn plain_text(w: &mut AiSuiteWorld, step: &Step) {
    w.step(step, async |w| {
        let name = w.token_name.clone().context("no token was created")?;
        let ui = w.ui()?;
        ProfilePage::new(ui).wait_for_row(&name, &format!("the row named exactly {name:?}"), |_| true).await?;
        let ran = ui.page.eval("return window.__aiSuiteE2eInjected === true;", vec![]).await? == true;
        ensure!(!ran, "the token name's markup was executed by the page");
        Ok(())
    })
    .await
}
