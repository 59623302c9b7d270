//! A table read the way a user reads a long one: the page it shows, then,
//! when it has a pager (MUI's TablePagination, Bootstrap's `.pagination`,
//! shadcn's Pagination, a data grid's footer), from its first page on with
//! the next-page control, until the row is found or the last page is read.

use std::collections::BTreeMap;
use std::future::Future;

use super::Ui;
use super::table::Table;
use crate::browser::page::Element;
use crate::browser::wait;
use crate::locators::{Key, key};

/// More pages than any token list a run reads (a loop guard, not a limit users meet).
const MAX_PAGES: usize = 200;

/// What a read of the table looked at, for the report and a failure.
#[derive(Clone, Debug, Default)]
pub struct Sweep {
    /// Pages read (1 when the table has no pager).
    pub pages: usize,
    /// Rows read, over all those pages.
    pub rows: usize,
    /// The page the wanted row was on (1-based from the first page), when the pager was used.
    pub found_on: Option<usize>,
    /// The pager's control names used ("Go to next page").
    pub by: Option<String>,
    /// A few names of the last page read (for a failure's few lines).
    pub last_names: Vec<String>,
}

impl Sweep {
    /// How a found row was found, as the report says it.
    pub fn how(&self) -> String {
        match (self.found_on, &self.by) {
            (Some(p), Some(by)) => format!("on page {p} of the table, reached with its {by:?} control"),
            _ => "on the page the table shows".to_string(),
        }
    }

    /// What was looked at, in one line.
    pub fn looked_at(&self) -> String {
        let pages = if self.pages == 1 { "1 page (the table has no pager)".to_string() } else { format!("{} pages", self.pages) };
        let by = self.by.as_ref().map(|b| format!(", by its {b:?} control")).unwrap_or_default();
        let names = if self.last_names.is_empty() {
            String::new()
        } else {
            format!("; the last page read shows {}", crate::secret::redact(&format!("{:?}", self.last_names)))
        };
        format!("looked at {} rows on {pages}{by}{names}", self.rows)
    }
}

/// A few row names of a page (for a failure's few lines).
fn some_names(t: &Table, columns: &BTreeMap<String, String>) -> Vec<String> {
    t.records(columns).into_iter().filter_map(|r| r.get("name").cloned()).take(5).collect()
}

/// Reads the table on every page until `visit` returns `Some`: the page it
/// shows first; then, when it has a pager, from the first page on (each page
/// visited once). `read` reads the table as it shows now; `scope` finds the
/// region its pager is in (None: the whole page). The table stays on the
/// page where the row was found (the next step acts on that row).
pub async fn find<T, R, RF, S, SF>(ui: &Ui, read: R, scope: S, mut visit: impl FnMut(&Table) -> Option<T>) -> anyhow::Result<(Option<T>, Sweep)>
where
    R: Fn() -> RF,
    RF: Future<Output = anyhow::Result<Table>>,
    S: Fn() -> SF,
    SF: Future<Output = anyhow::Result<Option<Element>>>,
{
    let columns = &ui.config.columns;
    let shown = read().await?;
    let mut sweep = Sweep { pages: 1, rows: shown.rows.len(), last_names: some_names(&shown, columns), ..Default::default() };
    if let Some(v) = visit(&shown) {
        return Ok((Some(v), sweep));
    }
    let mut current = shown.clone();
    let mut turned_back = false;
    for _ in 0..MAX_PAGES {
        if control(ui, &scope, key::TABLE_PREVIOUS_PAGE).await?.is_none() {
            break;
        }
        current = turn(ui, &read, &scope, key::TABLE_PREVIOUS_PAGE, &current, "previous").await?;
        turned_back = true;
    }
    let mut page = 1;
    loop {
        // The page first shown was visited already.
        let first_shown = if turned_back { current.rows == shown.rows } else { page == 1 };
        if !first_shown {
            sweep.pages += 1;
            sweep.rows += current.rows.len();
            sweep.last_names = some_names(&current, columns);
            if let Some(v) = visit(&current) {
                sweep.found_on = Some(page);
                return Ok((Some(v), sweep));
            }
        }
        let Some(next) = control(ui, &scope, key::TABLE_NEXT_PAGE).await? else { break };
        if sweep.by.is_none() {
            sweep.by = Some(label(ui, &next).await);
        }
        anyhow::ensure!(page < MAX_PAGES, "the table's next-page control is still enabled after {MAX_PAGES} pages");
        current = turn(ui, &read, &scope, key::TABLE_NEXT_PAGE, &current, "next").await?;
        page += 1;
    }
    Ok((None, sweep))
}

/// Waits until `look` (a read of every page, see [`find`]) finds what it
/// looks for; a timeout says, in one line, what the last read looked at.
pub async fn wait_until_found<T, F, Fut>(ui: &Ui, what: &str, table: &str, look: F) -> anyhow::Result<(T, Sweep)>
where
    F: Fn() -> Fut,
    Fut: Future<Output = anyhow::Result<(Option<T>, Sweep)>>,
{
    let last: std::cell::RefCell<Option<Sweep>> = Default::default();
    let r = wait::until(what, ui.config.wait, ui.config.poll, || async {
        let (found, sweep) = look().await?;
        let found = found.map(|v| (v, sweep.clone()));
        *last.borrow_mut() = Some(sweep);
        Ok(found)
    })
    .await;
    r.map_err(|e| match last.into_inner() {
        Some(s) => e.context(format!("the {table}: {}", s.looked_at())),
        None => e,
    })
}

/// A control's accessible name, as the browser computes it (its label or text elsewhere).
async fn label(ui: &Ui, el: &Element) -> String {
    match ui.page.eval(crate::browser::scripts::CONTROL_NAME, vec![el.into()]).await {
        Ok(v) if v.as_str().is_some_and(|s| !s.trim().is_empty()) => v.as_str().unwrap_or_default().trim().to_string(),
        _ => "next page".to_string(),
    }
}

/// The pager's control of `key`, when it is there and enabled.
async fn control<S, SF>(ui: &Ui, scope: &S, key: Key) -> anyhow::Result<Option<Element>>
where
    S: Fn() -> SF,
    SF: Future<Output = anyhow::Result<Option<Element>>>,
{
    let region = scope().await?;
    let Some(el) = ui.try_find(key, region.as_ref()).await? else { return Ok(None) };
    Ok(ui.page.is_enabled(&el).await?.then_some(el))
}

/// Clicks a pager control (`key`) and waits for the table to show other rows.
/// The control is found again for each try: a table that renders its rows
/// and then its pager replaces the control a first find held.
async fn turn<R, RF, S, SF>(ui: &Ui, read: &R, scope: &S, key: Key, before: &Table, which: &str) -> anyhow::Result<Table>
where
    R: Fn() -> RF,
    RF: Future<Output = anyhow::Result<Table>>,
    S: Fn() -> SF,
    SF: Future<Output = anyhow::Result<Option<Element>>>,
{
    let what = format!("the table's {which}-page control");
    wait::until(&format!("{what} to be clickable"), ui.config.wait, ui.config.poll, || async {
        let Some(el) = control(ui, scope, key).await? else { return Ok(None) };
        ui.try_click(&el).await
    })
    .await?;
    let awaited = format!("the table to show other rows after a click on {what}");
    wait::until(&awaited, ui.config.wait, ui.config.poll, || async {
        let now = read().await?;
        Ok((now.rows != before.rows).then_some(now))
    })
    .await
}
