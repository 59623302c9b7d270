//! Reading a token table the way a user reads it: by its column headers.
//! Works for `<table>` markup and for ARIA grids (`role=row` / `role=cell`).

use std::collections::BTreeMap;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use serde::Deserialize;
use crate::browser::page::{Element, Page};


/// The documented columns (Step 1): key and the default header keyword.
pub const COLUMNS: &[(&str, &str)] = &[
    ("name", "name"),
    ("token", "token"),
    ("user", "user"),
    ("created", "created"),
    ("last_used", "last used"),
    ("expiry", "expir"),
    ("status", "status"),
];

#[derive(Clone, Debug, Deserialize)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub async fn read(page: &Page, table: &Element) -> anyhow::Result<Self> {
        let ret = page.eval(crate::browser::scripts::READ_TABLE, vec![table.into()]).await?;
        let t: Table = serde_json::from_value(ret).context("could not read the table")?;
        Ok(t)
    }

    /// Maps column keys to header positions. A header matches a key when it
    /// contains the key's keyword (case-insensitive); more specific keys are
    /// matched first, so "Token Name" is the name column and not the token one.
    pub fn columns(&self, overrides: &BTreeMap<String, String>) -> BTreeMap<&'static str, usize> {
        let headers: Vec<String> = self.headers.iter().map(|h| h.to_lowercase()).collect();
        let mut taken = vec![false; headers.len()];
        let mut map = BTreeMap::new();
        let order = ["last_used", "created", "expiry", "status", "user", "name", "token"];
        for key in order {
            let keyword = overrides
                .get(key)
                .map(|s| s.to_lowercase())
                .unwrap_or_else(|| COLUMNS.iter().find(|(k, _)| *k == key).map(|(_, w)| w.to_string()).unwrap_or_default());
            let exact = headers.iter().enumerate().position(|(i, h)| !taken[i] && *h == keyword);
            let fuzzy = || headers.iter().enumerate().position(|(i, h)| !taken[i] && h.contains(&keyword));
            if let Some(i) = exact.or_else(fuzzy) {
                taken[i] = true;
                let static_key = COLUMNS.iter().find(|(k, _)| *k == key).map(|(k, _)| *k).unwrap_or("name");
                map.insert(static_key, i);
            }
        }
        map
    }

    /// The rows as column-key → cell maps.
    pub fn records(&self, overrides: &BTreeMap<String, String>) -> Vec<BTreeMap<&'static str, String>> {
        let cols = self.columns(overrides);
        self.rows
            .iter()
            .map(|r| cols.iter().filter_map(|(k, i)| r.get(*i).map(|v| (*k, v.clone()))).collect())
            .collect()
    }

    /// The row whose name column is exactly `name`.
    pub fn row_named(&self, name: &str, overrides: &BTreeMap<String, String>) -> Option<BTreeMap<&'static str, String>> {
        self.records(overrides).into_iter().find(|r| r.get("name").map(String::as_str) == Some(name))
    }

    pub fn require_columns(&self, keys: &[&str], overrides: &BTreeMap<String, String>) -> anyhow::Result<()> {
        let cols = self.columns(overrides);
        let missing: Vec<&str> = keys.iter().copied().filter(|k| !cols.contains_key(k)).collect();
        if !missing.is_empty() {
            bail!(
                "the table lacks the documented column(s) {missing:?}; its headers are {:?} \
                 (if staging names them differently, set [columns] in the config file)",
                self.headers
            );
        }
        Ok(())
    }
}

/// Parses a date as a table may show it: ISO, or common human formats.
pub fn parse_shown_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let words: Vec<&str> = t.split_whitespace().collect();
    // The date alone, the first word ("2026-04-11 10:02 UTC"), the first
    // three ("Apr 11, 2026, 10:02 UTC", "11 Apr 2026 10:02").
    let head = words.first().copied().unwrap_or("").trim_end_matches(',').to_string();
    let three = words.iter().take(3).copied().collect::<Vec<_>>().join(" ").trim_end_matches(',').to_string();
    for s in [t, head.as_str(), three.as_str()] {
        for fmt in ["%Y-%m-%d", "%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%m/%d/%Y"] {
            if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
                return Some(d);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(headers: &[&str]) -> Table {
        Table { headers: headers.iter().map(|s| s.to_string()).collect(), rows: vec![] }
    }

    #[test]
    fn maps_the_documented_columns() {
        let t = table(&["Name", "Token", "User", "Created", "Last Used", "Expiry", "Status"]);
        let c = t.columns(&BTreeMap::new());
        assert_eq!(c.len(), 7);
        assert_eq!(c["token"], 1);
        assert_eq!(c["last_used"], 4);
        let t = table(&["Token Name", "Token Value", "User", "Created Date", "Last Used", "Expires", "Status"]);
        let c = t.columns(&BTreeMap::new());
        assert_eq!((c["name"], c["token"], c["expiry"]), (0, 1, 5));
    }

    #[test]
    fn a_missing_column_is_named() {
        let t = table(&["Name", "Token", "User", "Created", "Expiry", "Status"]);
        let e = t.require_columns(&["name", "last_used"], &BTreeMap::new()).unwrap_err();
        assert!(e.to_string().contains("last_used"));
    }

    #[test]
    fn reads_dates_in_several_formats() {
        let d = NaiveDate::from_ymd_opt(2027, 4, 11);
        assert_eq!(parse_shown_date("2027-04-11"), d);
        assert_eq!(parse_shown_date("Apr 11, 2027"), d);
        assert_eq!(parse_shown_date("04/11/2027"), d);
        assert_eq!(parse_shown_date("soon"), None);
        assert_eq!(parse_shown_date("Apr 11, 2027, 10:02 UTC"), d);
        assert_eq!(parse_shown_date("2027-04-11 10:02 UTC"), d);
        assert_eq!(parse_shown_date("11 April 2027 10:02"), d);
        assert_eq!(parse_shown_date("Never"), None);
    }
}
