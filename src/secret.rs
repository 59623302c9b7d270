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

/// Replaces every word that looks like a token: 24 or more letters, digits,
/// `_` or `-`, with at least one letter and one digit. For text the page
/// produced (its console, its errors), which may hold a token the suite has
/// not read yet.
pub fn redact_token_like(text: &str) -> String {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(word) {
        out.push_str(&rest[..start]);
        let len = rest[start..].find(|c: char| !word(c)).unwrap_or(rest.len() - start);
        let w = &rest[start..start + len];
        let token_like = w.len() >= 24 && w.chars().any(|c| c.is_ascii_alphabetic()) && w.chars().any(|c| c.is_ascii_digit());
        out.push_str(if token_like { MASK } else { w });
        rest = &rest[start + len..];
    }
    out.push_str(rest);
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

    #[test]
    fn token_like_words_are_redacted_and_ordinary_text_kept() {
        assert_eq!(
            redact_token_like("created dct_Ab12Cd34Ef56Gh78Ij90Kl12Mn34, see app.js:12 (ResizeObserverLoopLimitExceeded)"),
            "created [REDACTED], see app.js:12 (ResizeObserverLoopLimitExceeded)"
        );
        assert_eq!(redact_token_like("héllo 1234567890123456789012345"), "héllo 1234567890123456789012345");
    }
}
