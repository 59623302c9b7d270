//! Steps 4-7: the "Create API Token" modal dialog.

use crate::locators::{Key, key};
use anyhow::Context;
use chrono::NaiveDate;
use crate::browser::scripts;
use crate::browser::page::Element;
use crate::browser::wait;

use super::Ui;
use super::keyboard::Keyboard;
use crate::browser::input::Press;

/// A way the form refused a value (every one keeps the guide's "the form
/// will reject it" true; which was seen goes into the report).
#[derive(Clone, Debug, PartialEq)]
pub enum Refusal {
    /// Create stayed disabled, with the reason shown at the field, if any.
    CreateDisabled(Option<String>),
    /// Create was clicked and a reason appeared at the field.
    ReasonAtField(String),
    /// Create was clicked and the browser's constraint validation stopped the form.
    BrowserValidation(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::CreateDisabled(Some(r)) => write!(f, "Create stayed disabled, with the reason {r:?} at the field"),
            Refusal::CreateDisabled(None) => write!(f, "Create stayed disabled (no reason shown)"),
            Refusal::ReasonAtField(r) => write!(f, "on Create, the reason {r:?} appeared at the field"),
            Refusal::BrowserValidation(m) => write!(f, "on Create, the browser's own validation stopped the form ({m:?})"),
        }
    }
}

pub struct CreateTokenModal<'a> {
    ui: &'a Ui,
    dialog: Element,
}

impl<'a> CreateTokenModal<'a> {
    /// Waits for the dialog titled "Create API Token".
    pub async fn wait_open(ui: &'a Ui) -> anyhow::Result<Self> {
        let dialog = ui.find(key::CREATE_TOKEN_DIALOG, "the Create API Token dialog").await?;
        Ok(Self { ui, dialog })
    }

    /// The dialog, if it shows now (no wait).
    pub async fn try_open(ui: &'a Ui) -> anyhow::Result<Option<Self>> {
        Ok(ui.try_find(key::CREATE_TOKEN_DIALOG, None).await?.map(|dialog| Self { ui, dialog }))
    }

    /// Labels (or names) of the visible input fields in the dialog.
    pub async fn field_labels(&self) -> anyhow::Result<Vec<String>> {
        let fields = self.ui.find_all_visible(key::CREATE_TOKEN_FIELDS, Some(&self.dialog)).await?;
        let mut labels = Vec::new();
        for f in fields {
            let ret = self.ui.page.eval(scripts::FIELD_LABEL, vec![(&f).into()]).await?;
            labels.push(ret.as_str().unwrap_or_default().to_string());
        }
        Ok(labels)
    }

    async fn name_field(&self) -> anyhow::Result<Element> {
        self.ui.find_in(key::CREATE_TOKEN_NAME, Some(&self.dialog), "the Token Name field").await
    }

    async fn expiry_field(&self) -> anyhow::Result<Element> {
        self.ui.find_in(key::CREATE_TOKEN_EXPIRY, Some(&self.dialog), "the Expiry Date field").await
    }

    pub async fn enter_name(&self, name: &str) -> anyhow::Result<()> {
        let f = self.name_field().await?;
        self.ui.type_into(&f, name).await
    }

    pub async fn name_value(&self) -> anyhow::Result<String> {
        self.ui.value_of(&self.name_field().await?).await
    }

    /// Enters the date as the field needs it: typed as YYYY-MM-DD into a text
    /// field; set through the value property (with input/change events) on a
    /// native date picker, where typed ISO text comes out in locale order.
    /// Returns false when the control does not take the text at all (a native
    /// date picker holds only real dates: "2030/04/11" or "next week" leave it
    /// empty), true otherwise.
    pub async fn enter_expiry(&self, text: &str) -> anyhow::Result<bool> {
        let f = self.expiry_field().await?;
        let kind = self.ui.page.attr(&f, "type").await?.unwrap_or_default().to_lowercase();
        if kind == "date" {
            self.ui.click_element(&f, "the Expiry Date field").await?;
            self.ui.page.eval(scripts::SET_VALUE, vec![(&f).into(), text.into()]).await.context("could not set the date picker's value")?;
            Ok(self.ui.value_of(&f).await? == text)
        } else {
            self.ui.type_into(&f, text).await.map(|_| true)
        }
    }

    pub async fn enter_expiry_date(&self, date: NaiveDate) -> anyhow::Result<()> {
        let iso = date.format("%Y-%m-%d").to_string();
        anyhow::ensure!(self.enter_expiry(&iso).await?, "the Expiry Date field does not take the date {iso}");
        Ok(())
    }

    pub async fn expiry_value(&self) -> anyhow::Result<String> {
        self.ui.value_of(&self.expiry_field().await?).await
    }

    pub async fn wait_submit_enabled(&self) -> anyhow::Result<()> {
        self.ui.wait_enabled(key::CREATE_TOKEN_SUBMIT, Some(&self.dialog), "the Create button").await.map(|_| ())
    }

    /// Waits for Create to be enabled, then clicks it.
    pub async fn submit(&self) -> anyhow::Result<()> {
        self.ui.wait_enabled(key::CREATE_TOKEN_SUBMIT, Some(&self.dialog), "the Create button").await?;
        self.ui.click(key::CREATE_TOKEN_SUBMIT, Some(&self.dialog), "the Create button").await
    }

    pub async fn submit_is_enabled(&self) -> anyhow::Result<bool> {
        let b = self.ui.find_in(key::CREATE_TOKEN_SUBMIT, Some(&self.dialog), "the Create button").await?;
        self.ui.page.is_enabled(&b).await
    }

    /// A field of the dialog, one look, no wait: callers poll (a dialog
    /// closing takes its fields with it).
    async fn field_now(&self, key: Key, what: &str) -> anyhow::Result<Element> {
        let field = self.ui.try_find(key, Some(&self.dialog)).await?;
        field.ok_or_else(|| anyhow::anyhow!("{what} is not in the Create API Token dialog (locator {key})"))
    }

    /// The inline error shown for a field: its `aria-errormessage` /
    /// `aria-describedby` target, else an alert or live region in the field's
    /// own group (the largest ancestor that holds no other field), else an
    /// error-looking text there.
    pub async fn error_for(&self, key: Key, what: &str) -> anyhow::Result<Option<String>> {
        let field = self.field_now(key, what).await?;
        let ret = self.ui.page.eval(scripts::FIELD_ERROR, vec![(&field).into()]).await?;
        Ok(ret.as_str().map(str::to_string))
    }

    /// The inline error a screen reader is told of for a field: the one its
    /// `aria-errormessage` / `aria-describedby` names, else an alert or live
    /// region in its group (None: a reason that only shows).
    pub async fn announced_error_for(&self, key: Key, what: &str) -> anyhow::Result<Option<String>> {
        let field = self.field_now(key, what).await?;
        let ret = self.ui.page.eval(scripts::FIELD_ERROR_ANNOUNCED, vec![(&field).into()]).await?;
        Ok(ret.as_str().map(str::to_string))
    }

    /// Waits for the inline error of a field.
    pub async fn wait_error_for(&self, key: Key, what: &str) -> anyhow::Result<String> {
        let desc = format!("an error message under {what}");
        crate::browser::wait::until(&desc, self.ui.config.wait, self.ui.config.poll, || self.error_for(key, what)).await
    }

    /// The reason shown under the Token Name field now, if any (no wait).
    pub async fn name_error_now(&self) -> anyhow::Result<Option<String>> {
        self.error_for(key::CREATE_TOKEN_NAME, "the Token Name field").await
    }

    /// The reason shown under the Expiry Date field now, if any (no wait).
    pub async fn expiry_error_now(&self) -> anyhow::Result<Option<String>> {
        self.error_for(key::CREATE_TOKEN_EXPIRY, "the Expiry Date field").await
    }

    pub async fn name_error(&self) -> anyhow::Result<String> {
        self.wait_error_for(key::CREATE_TOKEN_NAME, "the Token Name field").await
    }

    pub async fn expiry_error(&self) -> anyhow::Result<String> {
        self.wait_error_for(key::CREATE_TOKEN_EXPIRY, "the Expiry Date field").await
    }

    /// The browser's own constraint validation refusing the field (a
    /// `required` or `pattern` field in a form without `novalidate`: the
    /// browser shows its bubble and does not submit), as its message.
    pub async fn browser_refuses(&self, key: Key, what: &str) -> anyhow::Result<Option<String>> {
        let field = self.field_now(key, what).await?;
        let ret = self.ui.page.eval(scripts::CONSTRAINT_REFUSAL, vec![(&field).into()]).await?;
        Ok(ret.as_str().map(str::to_string))
    }

    /// How the form refuses the value of `key`'s field, waiting for it after
    /// a click on Create (`submitted`); each way keeps "the form will reject
    /// it" true (see docs/contract.md). An error when the dialog closes or
    /// nothing refuses within the wait.
    pub async fn refusal(&self, key: Key, what: &str, submitted: bool) -> anyhow::Result<Refusal> {
        let ui = self.ui;
        let awaited = format!("the form to refuse {what}: a reason at the field, or the browser's own validation (the Create API Token dialog must stay open)");
        wait::until(&awaited, ui.config.wait, ui.config.poll, || async {
            if ui.try_find(key::CREATE_TOKEN_DIALOG, None).await?.is_none() {
                anyhow::bail!("the Create API Token dialog closed: the form accepted the values");
            }
            self.refusal_now(key, what, submitted).await
        })
        .await
    }

    /// One look at how the form refuses `key`'s field (None: not refused, yet).
    pub async fn refusal_now(&self, key: Key, what: &str, submitted: bool) -> anyhow::Result<Option<Refusal>> {
        if !submitted {
            // Create stayed disabled: the form refused to be sent; a reason may show too.
            return Ok(Some(Refusal::CreateDisabled(self.error_for(key, what).await?)));
        }
        if let Some(reason) = self.error_for(key, what).await? {
            return Ok(Some(Refusal::ReasonAtField(reason)));
        }
        Ok(self.browser_refuses(key, what).await?.map(Refusal::BrowserValidation))
    }

    /// Is the dialog still shown?
    pub async fn is_open(&self) -> anyhow::Result<bool> {
        Ok(self.ui.try_find(key::CREATE_TOKEN_DIALOG, None).await?.is_some())
    }

    /// Clicks Create if it becomes enabled; false when it stays disabled (the
    /// form refuses to submit). The short wait is for a condition that should
    /// hold at once: an empty form's Create button is disabled immediately.
    pub async fn try_submit(&self) -> anyhow::Result<bool> {
        let enabled = async || Ok(self.submit_is_enabled().await?.then_some(()));
        if crate::browser::wait::within(std::time::Duration::from_millis(1000), self.ui.config.poll, enabled).await?.is_none() {
            return Ok(false);
        }
        self.ui.click(key::CREATE_TOKEN_SUBMIT, Some(&self.dialog), "the Create button").await?;
        Ok(true)
    }

    pub async fn cancel(&self) -> anyhow::Result<()> {
        self.ui.click(key::CREATE_TOKEN_CANCEL, Some(&self.dialog), "the Cancel button").await?;
        self.wait_closed().await
    }

    /// The keyboard focus is in the dialog, and `presses` of Tab, then of
    /// Shift+Tab, keep it there (the dialog traps it, wrapping).
    pub async fn keeps_the_focus(&self, presses: usize) -> anyhow::Result<()> {
        let keys = Keyboard::new(self.ui);
        let now = keys.focus(None, Some(&self.dialog)).await?;
        anyhow::ensure!(now.inside, "the keyboard focus is not in the Create API Token dialog when it opens: it is on {}", now.focused);
        keys.stays_inside(&self.dialog, "the Create API Token dialog", Press::Tab, presses).await?;
        keys.stays_inside(&self.dialog, "the Create API Token dialog", Press::ShiftTab, presses).await?;
        Ok(())
    }

    /// Tab to the Token Name field and type `name` there.
    pub async fn type_name_by_keyboard(&self, name: &str) -> anyhow::Result<()> {
        let field = self.name_field().await?;
        let keys = Keyboard::new(self.ui);
        keys.tab_to(&field, "the Token Name field", None).await?;
        keys.type_text(name).await
    }

    /// Tab to the Expiry Date field and type `date` there: YYYY-MM-DD, or
    /// into a native date control its parts' digits in the order it shows
    /// them (the browser's locale's), as a keyboard user types a date there.
    pub async fn type_expiry_by_keyboard(&self, date: NaiveDate) -> anyhow::Result<()> {
        let field = self.expiry_field().await?;
        let keys = Keyboard::new(self.ui);
        keys.tab_to(&field, "the Expiry Date field", None).await?;
        if self.ui.page.attr(&field, "type").await?.is_some_and(|t| t.eq_ignore_ascii_case("date")) {
            let order = self.ui.page.eval(scripts::DATE_FIELD_ORDER, vec![]).await?;
            let digits: String = order
                .as_array()
                .into_iter()
                .flatten()
                .map(|part| match part.as_str() {
                    Some("year") => date.format("%Y").to_string(),
                    Some("month") => date.format("%m").to_string(),
                    _ => date.format("%d").to_string(),
                })
                .collect();
            return keys.type_keys(&digits).await;
        }
        keys.type_text(&date.format("%Y-%m-%d").to_string()).await
    }

    /// Enter, where the focus is (a field of the form: it submits).
    pub async fn press_enter(&self) -> anyhow::Result<()> {
        Keyboard::new(self.ui).press(Press::Enter).await
    }

    /// Escape; waits for the dialog to close.
    pub async fn escape(&self) -> anyhow::Result<()> {
        Keyboard::new(self.ui).press(Press::Escape).await?;
        self.wait_closed().await
    }

    pub async fn wait_closed(&self) -> anyhow::Result<()> {
        self.ui.wait_gone(key::CREATE_TOKEN_DIALOG, "the Create API Token dialog").await
    }
}
