//! The environment: how it is read (through a function, so tests need not
//! touch the process's), and the forms its values take.

use std::collections::BTreeMap;

use anyhow::{Context, bail};

/// Reads the environment through a function, so tests need not touch the process env.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

pub fn process_env(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.trim().is_empty())
}

pub(super) fn flag(v: &str) -> anyhow::Result<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => bail!("'{other}' is not a yes/no value (use 1/0, true/false)"),
    }
}

pub(super) fn number<T: std::str::FromStr>(key: &str, v: &str) -> anyhow::Result<T> {
    v.trim().parse().map_err(|_| anyhow::anyhow!("{key}='{v}' is not a number"))
}

/// `AI_SUITE_SESSION_COOKIES`: `name=value; name2=value2`.
pub(super) fn session_cookies(text: &str) -> anyhow::Result<Vec<(String, String)>> {
    text.split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair
                .split_once('=')
                .context("AI_SUITE_SESSION_COOKIES must be 'name=value; name2=value2'")?;
            Ok((k.trim().to_string(), v.trim().to_string()))
        })
        .collect()
}

/// `AI_SUITE_SESSION_STORAGE`: a JSON object of string values.
pub(super) fn session_storage(json: &str) -> anyhow::Result<BTreeMap<String, String>> {
    serde_json::from_str(json).context("AI_SUITE_SESSION_STORAGE must be a JSON object of string values")
}

/// `AI_SUITE_ALLOW_CONSOLE`: a JSON list of expressions, or one expression.
pub(super) fn allow_list(v: String) -> anyhow::Result<Vec<String>> {
    if v.trim_start().starts_with('[') {
        serde_json::from_str(&v).context("AI_SUITE_ALLOW_CONSOLE must be one regular expression or a JSON list of them")
    } else {
        Ok(vec![v])
    }
}
