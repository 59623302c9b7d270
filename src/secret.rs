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

    /// A password the suite types: registered as a secret, and named as a
    /// password when the page is caught writing it (see [`describe`]).
    pub fn password(value: impl Into<String>) -> Self {
        let s = Self::new(value);
        let mut p = passwords().lock().unwrap_or_else(|e| e.into_inner());
        if !p.contains(&s.0) {
            p.push(s.0.clone());
        }
        s
    }

    /// A value of the browser's session (a cookie, a localStorage token):
    /// named so when the page is caught writing it.
    pub fn session(value: impl Into<String>) -> Self {
        let s = Self::new(value);
        let mut v = sessions().lock().unwrap_or_else(|e| e.into_inner());
        if !v.contains(&s.0) {
            v.push(s.0.clone());
        }
        s
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

fn sessions() -> &'static Mutex<Vec<String>> {
    static SESSIONS: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    SESSIONS.get_or_init(|| Mutex::new(Vec::new()))
}

fn passwords() -> &'static Mutex<Vec<String>> {
    static PASSWORDS: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    PASSWORDS.get_or_init(|| Mutex::new(Vec::new()))
}

/// A secret in a sentence's words: "a password it typed", "the new token"
/// (a token-like value), else "a secret the run knows" (a session value).
pub fn describe(value: &str) -> &'static str {
    if passwords().lock().unwrap_or_else(|e| e.into_inner()).iter().any(|p| p == value) {
        "a password it typed"
    } else if sessions().lock().unwrap_or_else(|e| e.into_inner()).iter().any(|p| p == value) {
        "the browser's session"
    } else if is_token_like(value) {
        "the new token"
    } else {
        "a secret the run knows"
    }
}

/// SHA-256 of a value: what the recorder keeps of a token-like word the page
/// wrote, to tell later (once the suite knows its tokens) whether it was one.
pub fn hash(value: &str) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(value.as_bytes()).into()
}

/// 24 or more letters, digits, `_` or `-`, with at least one letter and one digit.
pub fn is_token_like(w: &str) -> bool {
    w.len() >= 24
        && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && w.chars().any(|c| c.is_ascii_alphabetic())
        && w.chars().any(|c| c.is_ascii_digit())
}

/// The token-like words of a text (see [`redact_token_like`]).
pub fn token_like_words(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).filter(|w| is_token_like(w)).collect()
}

/// Registers every string of a JSON answer that looks like a token (the
/// value a Create call answers with) as a secret, keeping nothing else of it.
pub fn register_token_like(answer: &serde_json::Value) {
    match answer {
        serde_json::Value::String(s) if is_token_like(s) => {
            Secret::new(s.clone());
        }
        serde_json::Value::Array(items) => items.iter().for_each(register_token_like),
        serde_json::Value::Object(map) => map.values().for_each(register_token_like),
        _ => {}
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
        out.push_str(if is_token_like(w) { MASK } else { w });
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
        assert_eq!(token_like_words("a dct_Ab12Cd34Ef56Gh78Ij90Kl12Mn34, b"), vec!["dct_Ab12Cd34Ef56Gh78Ij90Kl12Mn34"]);
    }

    #[test]
    fn a_create_answer_gives_its_token_and_keeps_nothing_else() {
        let answer = serde_json::json!({"token": "dct_Zz98Yy76Xx54Ww32Vv10Uu98Tt76", "row": {"id": 7, "name": "QA-Test-Token-abc-1", "masked": "dct_••••••••Tt76"}});
        register_token_like(&answer);
        assert_eq!(redact("x dct_Zz98Yy76Xx54Ww32Vv10Uu98Tt76 QA-Test-Token-abc-1"), "x [REDACTED] QA-Test-Token-abc-1");
        assert_eq!(describe("dct_Zz98Yy76Xx54Ww32Vv10Uu98Tt76"), "the new token");
        let p = Secret::password("hunter2-pw");
        assert_eq!(describe(p.expose()), "a password it typed");
    }
}
