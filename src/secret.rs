//! Secrets (passwords, token values) that must never reach a log, a report or a
//! screenshot. A [`Secret`] prints as `[REDACTED]`; every secret the run sees is
//! also registered so that any text leaving the suite can be scrubbed with [`redact`].

use std::sync::{Mutex, OnceLock};

const MASK: &str = "[REDACTED]";

fn registry() -> &'static Mutex<Vec<String>> {
    static REGISTRY: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    REGISTRY.get_or_init(|| Mutex::new(Vec::new()))
}

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        // Very short values (a one-letter password) would mangle ordinary text.
        if value.len() >= 4 {
            let mut r = registry().lock().unwrap_or_else(|e| e.into_inner());
            if !r.contains(&value) {
                r.push(value.clone());
            }
        }
        Self(value)
    }

    /// The real value: only for typing it into a field or an Authorization header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(MASK)
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(MASK)
    }
}

/// Every secret seen so far (for redacting screenshots and scanning artifacts).
pub fn all() -> Vec<String> {
    registry().lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Replaces every registered secret in `text`.
pub fn redact(text: &str) -> String {
    let r = registry().lock().unwrap_or_else(|e| e.into_inner());
    let mut out = text.to_string();
    for s in r.iter() {
        if out.contains(s.as_str()) {
            out = out.replace(s.as_str(), MASK);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("dct_supersecretvalue123");
        assert_eq!(format!("{s} {s:?}"), "[REDACTED] [REDACTED]");
        assert_eq!(redact("token dct_supersecretvalue123 here"), "token [REDACTED] here");
        assert_eq!(s.expose(), "dct_supersecretvalue123");
    }
}
