//! Dates as the feature files write them: "today", "tomorrow", "yesterday",
//! "today + 30 days", "today - 1 year", or an absolute YYYY-MM-DD.

use anyhow::{Context, bail};
use chrono::{Days, Months, NaiveDate};

/// The Gherkin parameter type `{date}`: a date relative to the target's today
/// (resolved when the step runs, so a run across midnight does not flake) or
/// an absolute YYYY-MM-DD.
#[derive(Clone, Debug, PartialEq, cucumber::Parameter)]
#[param(
    name = "date",
    regex = r"today(?: [+-] \d+ (?:days?|months?|years?))?|tomorrow|yesterday|\d{4}-\d{2}-\d{2}"
)]
pub struct RelativeDate(pub String);

impl std::str::FromStr for RelativeDate {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> anyhow::Result<Self> {
        // Checked against any day: the shape is what matters here.
        resolve(s, NaiveDate::from_ymd_opt(2000, 1, 1).expect("a date"))?;
        Ok(Self(s.to_string()))
    }
}

impl RelativeDate {
    pub fn on(&self, today: NaiveDate) -> anyhow::Result<NaiveDate> {
        resolve(&self.0, today)
    }
}

pub fn resolve(text: &str, today: NaiveDate) -> anyhow::Result<NaiveDate> {
    let t = text.trim().to_lowercase();
    match t.as_str() {
        "today" => return Ok(today),
        "tomorrow" => return Ok(today + Days::new(1)),
        "yesterday" => return Ok(today - Days::new(1)),
        _ => {}
    }
    if let Some(rest) = t.strip_prefix("today") {
        let rest = rest.trim();
        let (sign, rest) = match rest.chars().next() {
            Some('+') => (1, &rest[1..]),
            Some('-') => (-1, &rest[1..]),
            _ => bail!("'{text}': expected 'today + N days' or 'today - N years'"),
        };
        let mut parts = rest.split_whitespace();
        let n: u32 = parts.next().context("a number after the sign")?.parse().with_context(|| format!("'{text}': not a number"))?;
        let unit = parts.next().unwrap_or("days").trim_end_matches('s');
        let date = match (unit, sign) {
            ("day", 1) => today.checked_add_days(Days::new(n.into())),
            ("day", _) => today.checked_sub_days(Days::new(n.into())),
            ("month", 1) => today.checked_add_months(Months::new(n)),
            ("month", _) => today.checked_sub_months(Months::new(n)),
            ("year", 1) => today.checked_add_months(Months::new(12 * n)),
            ("year", _) => today.checked_sub_months(Months::new(12 * n)),
            _ => bail!("'{text}': the unit must be days, months or years"),
        };
        return date.with_context(|| format!("'{text}' is out of range"));
    }
    NaiveDate::parse_from_str(&t, "%Y-%m-%d").with_context(|| format!("'{text}' is neither a relative date nor YYYY-MM-DD"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_and_absolute_dates() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let d = |s| resolve(s, today).unwrap().to_string();
        assert_eq!(d("today"), "2026-11-29");
        assert_eq!(d("tomorrow"), "2026-11-30");
        assert_eq!(d("yesterday"), "2026-11-28");
        assert_eq!(d("today + 30 days"), "2026-12-29");
        assert_eq!(d("today - 1 year"), "2025-11-29");
        assert_eq!(d("2028-02-29"), "2028-02-29");
        assert!(resolve("someday", today).is_err());
    }
}
