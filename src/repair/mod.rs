//! Locator repair: when staging's markup or wording moves, a failure hands
//! over the verified fix.
//!
//! - **Fingerprints**: every time a locator key finds its element, what
//!   identifies it (role and accessible name, tag, id, classes, label, text,
//!   nearest heading, neighbours' text, position and size, the winning
//!   alternative) is kept, one file per target and browser, between runs
//!   ([`Book`]).
//! - **Suggestions**: when a key finds nothing, or too much, the page's
//!   visible elements are scored against its last fingerprint (or, on a
//!   target's first run, against the default locator's intended role and
//!   name; `src/browser/js/suggest.js`), and the best one above
//!   [`THRESHOLD`] gets the shortest locator in the suite's syntax that finds
//!   exactly it ([`generate`]), checked on the live page by the page objects.
//!   The run still fails: a renamed button may be a regression, or a guide
//!   that must change.

pub mod generate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::locators::{AxQuery, Key, Locators};
use crate::sync::lock;

/// The file a failed run writes its suggested locators to (a config file).
pub const SUGGESTIONS_FILE: &str = "suggested-locators.toml";

/// A candidate must score at least this (0 to 1) to be suggested: below it,
/// nothing on the page is enough like the element the key found before.
/// Tuned on the local AI Suite's changed builds (see docs/locators.md).
pub const THRESHOLD: f64 = 0.5;

/// What identifies an element (see `src/browser/js/repair_props.js`). Texts
/// are cut short and hide any word long enough to be a token; no field value
/// is ever read.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Props {
    pub tag: String,
    pub id: String,
    pub classes: Vec<String>,
    pub role: String,
    pub name: String,
    pub label: String,
    pub text: String,
    pub heading: String,
    pub neighbours: String,
    pub href: String,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Props {
    /// The texts with every known secret replaced (the page never shows one
    /// where a fingerprint looks, but a fingerprint file must never hold one).
    fn redacted(mut self) -> Self {
        for t in [&mut self.name, &mut self.label, &mut self.text, &mut self.heading, &mut self.neighbours, &mut self.href, &mut self.id] {
            *t = crate::secret::redact(t);
        }
        self
    }

    /// `role "name"`, as the suggestions show what changed.
    pub fn role_and_name(&self) -> String {
        let role = if self.role.is_empty() { "(no role)" } else { &self.role };
        format!("{role} \"{}\"", self.name)
    }
}

/// A key's element on a green run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Fingerprint {
    #[serde(flatten)]
    pub props: Props,
    /// Which of the locator's alternatives found it (0-based; -1 unknown).
    pub alternative: i64,
    /// The locator that found it, as written.
    pub locator: String,
    /// When (RFC 3339).
    pub seen: String,
}

/// An element the page scored against a fingerprint (`suggest.js`).
#[derive(Clone, Debug, Deserialize)]
pub struct Candidate {
    #[serde(flatten)]
    pub props: Props,
    pub score: f64,
    /// Its place in the page's list of candidates (for the identity check).
    pub index: usize,
}

/// A verified override for a key that failed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Suggestion {
    pub key: String,
    /// The locator, in the suite's syntax, that finds exactly the candidate.
    pub locator: String,
    /// The locator the run used.
    pub old_locator: String,
    /// What the key found before (its fingerprint, or the default locator's intent).
    pub was: String,
    /// What the suggested locator finds now.
    pub now: String,
    pub score: f64,
    /// Whether the score is against a fingerprint (else against the default locator's intent).
    pub from_fingerprint: bool,
    /// What finding it took, scoring and checks on the page (ms): the time a
    /// suggestion adds to a failing step.
    pub took_ms: u64,
}

impl std::fmt::Display for Suggestion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let against = if self.from_fingerprint { "its last green run" } else { "the default locator's intent (no fingerprint yet)" };
        write!(
            f,
            "suggested locator for {}: {}\n  was {}, now {} (score {:.2} against {against}); checked on this page: it finds exactly that element",
            self.key, self.locator, self.was, self.now, self.score
        )
    }
}

/// The repair book of one run: the target's fingerprints (those of earlier
/// runs, updated by this one's finds) and this run's suggestions.
pub struct Book {
    /// Where the fingerprints live between runs (None: kept for this run only).
    file: Option<PathBuf>,
    fingerprints: Mutex<BTreeMap<String, Fingerprint>>,
    /// Keys fingerprinted by this run (each once).
    fresh: Mutex<std::collections::BTreeSet<String>>,
    suggestions: Mutex<BTreeMap<String, Suggestion>>,
}

impl Book {
    /// The book of `target` (an origin, or the local AI Suite) in `browser`,
    /// kept under `artifacts_dir/fingerprints/`; an unreadable file starts afresh.
    pub fn open(artifacts_dir: &Path, target: &str, browser: &str) -> Self {
        let slug: String = format!("{target}-{browser}")
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '_' })
            .collect();
        let file = artifacts_dir.join("fingerprints").join(format!("{slug}.json"));
        let fingerprints = read(&file).unwrap_or_default();
        Self { file: Some(file), fingerprints: Mutex::new(fingerprints), fresh: Default::default(), suggestions: Default::default() }
    }

    /// A book that keeps nothing between runs.
    pub fn in_memory() -> Self {
        Self { file: None, fingerprints: Default::default(), fresh: Default::default(), suggestions: Default::default() }
    }

    /// Where the fingerprints are kept between runs.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// Claims `key`'s fingerprint for this run: true the first time only.
    pub fn claim(&self, key: Key) -> bool {
        lock(&self.fresh).insert(key.name().to_string())
    }

    /// Gives a claim back (the page moved on before the fingerprint was read):
    /// the key's next find tries again.
    pub fn release(&self, key: Key) {
        lock(&self.fresh).remove(key.name());
    }

    pub fn keep(&self, key: Key, props: Props, alternative: i64, locator: &str) {
        let fp = Fingerprint { props: props.redacted(), alternative, locator: locator.to_string(), seen: chrono::Utc::now().to_rfc3339() };
        lock(&self.fingerprints).insert(key.name().to_string(), fp);
        lock(&self.fresh).insert(key.name().to_string());
    }

    /// The key's last fingerprint (this run's or an earlier run's).
    pub fn last(&self, key: Key) -> Option<Fingerprint> {
        lock(&self.fingerprints).get(key.name()).cloned()
    }

    /// Whether a suggestion for `key` was made already (one per key and run).
    pub fn suggested(&self, key: Key) -> Option<Suggestion> {
        lock(&self.suggestions).get(key.name()).cloned()
    }

    pub fn add_suggestion(&self, s: Suggestion) {
        lock(&self.suggestions).insert(s.key.clone(), s);
    }

    pub fn suggestions(&self) -> Vec<Suggestion> {
        lock(&self.suggestions).values().cloned().collect()
    }

    /// Writes the fingerprints back (merged with what another run wrote
    /// meanwhile: this run's finds win) and a copy into `run_dir`
    /// (`fingerprints.json`, for `merge-reports`), and, when there are any,
    /// the suggestions as `run_dir/suggested-locators.toml`. Returns that file.
    pub fn save(&self, run_dir: &Path, user_config: Option<&str>) -> anyhow::Result<Option<PathBuf>> {
        let fresh = lock(&self.fresh).clone();
        let ours = lock(&self.fingerprints).clone();
        if let Some(file) = &self.file {
            let mut merged = read(file).unwrap_or_default();
            for (k, fp) in &ours {
                if fresh.contains(k) || !merged.contains_key(k) {
                    merged.insert(k.clone(), fp.clone());
                }
            }
            write_atomically(file, &serde_json::to_string_pretty(&merged)?)?;
        }
        if !ours.is_empty() {
            write_atomically(&run_dir.join("fingerprints.json"), &serde_json::to_string_pretty(&ours)?)?;
        }
        let suggestions = self.suggestions();
        if suggestions.is_empty() {
            return Ok(None);
        }
        let path = run_dir.join(SUGGESTIONS_FILE);
        write_atomically(&path, &suggested_config(&suggestions, user_config)?)?;
        write_atomically(&run_dir.join("suggestions.json"), &serde_json::to_string_pretty(&suggestions)?)?;
        Ok(Some(path))
    }
}

/// Merges fingerprint files (of shards of one run) into `out`: the latest
/// sighting of each key wins.
pub fn merge_fingerprints(files: &[PathBuf], out: &Path) -> anyhow::Result<bool> {
    let mut merged: BTreeMap<String, Fingerprint> = BTreeMap::new();
    for f in files {
        for (k, fp) in read(f).unwrap_or_default() {
            if merged.get(&k).is_none_or(|old| old.seen < fp.seen) {
                merged.insert(k, fp);
            }
        }
    }
    if merged.is_empty() {
        return Ok(false);
    }
    write_atomically(out, &serde_json::to_string_pretty(&merged)?)?;
    Ok(true)
}

fn read(file: &Path) -> Option<BTreeMap<String, Fingerprint>> {
    serde_json::from_str(&std::fs::read_to_string(file).ok()?).ok()
}

fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
    use anyhow::Context;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, crate::secret::redact(text)).with_context(|| format!("could not write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("could not write {}", path.display()))
}

/// The config file to rerun with: the user's own file (`user_config`, the
/// text `AI_SUITE_CONFIG` named) with the suggested locators set in its
/// `[locators]`, each with a comment saying what changed.
pub fn suggested_config(suggestions: &[Suggestion], user_config: Option<&str>) -> anyhow::Result<String> {
    let mut doc: toml::Table = match user_config {
        Some(text) => toml::from_str(text)?,
        None => toml::Table::new(),
    };
    // The run folder is uploaded: no password or session of the user's goes there.
    let left_out = strip_secrets(&mut doc);
    let locators = doc.entry("locators").or_insert_with(|| toml::Value::Table(Default::default()));
    let Some(locators) = locators.as_table_mut() else { anyhow::bail!("[locators] of the config file is not a table") };
    for s in suggestions {
        locators.insert(s.key.clone(), toml::Value::String(s.locator.clone()));
    }
    let mut out = String::from(
        "# Locators suggested by ai-suite-e2e for the keys that found nothing (or too much) in this run.\n\
         # Each was checked on the failing page: it finds exactly the element scored most like the\n\
         # key's element on its last green run (or, on a target's first run, most like its default\n\
         # locator's role and name). Review each: a renamed control may be a product\n\
         # regression, or a guide that must change. Rerun with: AI_SUITE_CONFIG=<this file>\n\
         # (your own config file's settings are kept here), or copy [locators] into your file.\n",
    );
    for s in suggestions {
        let against = if s.from_fingerprint { "against its last green run" } else { "no fingerprint yet: against the default locator's role and name" };
        out.push_str(&format!("#   {}: was {} (`{}`), now {}, score {:.2} ({against})\n", s.key, s.was, s.old_locator, s.now, s.score));
    }
    if !left_out.is_empty() {
        out.push_str(&format!("# Left out of this copy (secrets; set them in the environment as before): {}\n", left_out.join(", ")));
    }
    out.push('\n');
    out.push_str(&toml::to_string(&doc)?);
    Ok(out)
}

/// Removes, outside `[locators]`, every key that holds a secret (a password,
/// a session's cookies or storage, a header value); returns their paths.
fn strip_secrets(doc: &mut toml::Table) -> Vec<String> {
    fn walk(t: &mut toml::Table, at: &str, out: &mut Vec<String>) {
        let secret = |k: &str| ["password", "session", "cookie", "secret", "token", "header_value"].iter().any(|w| k.to_lowercase().contains(w));
        let keys: Vec<String> = t.keys().cloned().collect();
        for k in keys {
            let path = if at.is_empty() { k.clone() } else { format!("{at}.{k}") };
            if path == "locators" || path == "columns" {
                continue;
            }
            if secret(&k) {
                t.remove(&k);
                out.push(path);
            } else if let Some(inner) = t.get_mut(&k).and_then(|v| v.as_table_mut()) {
                walk(inner, &path, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(doc, "", &mut out);
    out
}

/// What a key means when no run has fingerprinted it yet: the role and name
/// (or the label) of its default locator's first alternative that says.
pub fn intended(key: Key) -> Option<Props> {
    let defaults = Locators::with_overrides(&BTreeMap::new()).ok()?;
    for alt in &defaults.get(key).alternatives {
        match alt.ax.as_ref().and_then(|parts| parts.last()) {
            Some(AxQuery::Role { roles, name }) => {
                let name = name.as_ref().map(|(_, n)| n.clone()).unwrap_or_default();
                return Some(Props { role: roles.first().cloned().unwrap_or_default(), text: name.clone(), name, ..Default::default() });
            }
            Some(AxQuery::Label(label)) => {
                return Some(Props { role: "textbox".into(), name: label.clone(), label: label.clone(), ..Default::default() });
            }
            None => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locators::key;

    fn suggestion() -> Suggestion {
        Suggestion {
            key: "token_created.copy".into(),
            locator: r#"role=button[name="Copy to clipboard"]"#.into(),
            old_locator: r#"role=button[name="Copy"] || text=Copy"#.into(),
            was: r#"button "Copy""#.into(),
            now: r#"button "Copy to clipboard""#.into(),
            score: 0.71,
            from_fingerprint: true,
            took_ms: 120,
        }
    }

    #[test]
    fn the_suggested_config_keeps_the_users_settings_and_parses() {
        let user = "[target]\nurl = \"https://staging.example.com\"\npassword = \"hunter2-secret\"\n[target.session.cookies]\nsid = \"abc\"\n\n[locators]\n\"profile.revoke\" = 'role=link[name~=\"revoke\"]'\n";
        let text = suggested_config(&[suggestion()], Some(user)).unwrap();
        let file: crate::config::FileConfig = toml::from_str(&text).unwrap();
        assert_eq!(file.target.url.as_deref(), Some("https://staging.example.com"));
        assert_eq!(file.locators["profile.revoke"], r#"role=link[name~="revoke"]"#);
        assert_eq!(file.locators["token_created.copy"], r#"role=button[name="Copy to clipboard"]"#);
        assert!(text.contains("token_created.copy: was button \"Copy\""), "{text}");
        assert!(!text.contains("hunter2") && !text.contains("abc\""), "no password or session of the user's: {text}");
        assert!(text.contains("Left out of this copy (secrets; set them in the environment as before): target.password, target.session"), "{text}");
        // Without a file of the user's, only the locators.
        let text = suggested_config(&[suggestion()], None).unwrap();
        let file: crate::config::FileConfig = toml::from_str(&text).unwrap();
        assert_eq!(file.locators.len(), 1);
    }

    #[test]
    fn a_key_without_fingerprint_means_its_default_role_and_name() {
        let p = intended(key::PROFILE_CREATE_TOKEN).unwrap();
        assert_eq!((p.role.as_str(), p.name.as_str()), ("button", "Create Token"));
        let p = intended(key::CREATE_TOKEN_NAME).unwrap();
        assert_eq!((p.label.as_str(), p.name.as_str()), ("Token Name", "Token Name"));
    }

    #[test]
    fn fingerprints_are_kept_between_runs_and_merged() {
        let dir = std::env::temp_dir().join(format!("ai-suite-repair-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let props = Props { role: "button".into(), name: "Copy".into(), tag: "button".into(), ..Default::default() };
        let book = Book::open(&dir, "http://127.0.0.1:4000", "chrome");
        book.keep(key::TOKEN_CREATED_COPY, props.clone(), 0, "role=button[name=\"Copy\"]");
        assert!(!book.claim(key::TOKEN_CREATED_COPY), "kept: this run has it");
        book.save(&dir.join("run1"), None).unwrap();
        let again = Book::open(&dir, "http://127.0.0.1:4000", "chrome");
        assert!(again.last(key::TOKEN_CREATED_COPY).is_some());
        assert!(again.claim(key::TOKEN_CREATED_COPY), "a claim is this run's");
        assert_eq!(again.last(key::TOKEN_CREATED_COPY).unwrap().props, props);
        assert!(Book::open(&dir, "http://127.0.0.1:4000", "firefox").last(key::TOKEN_CREATED_COPY).is_none(), "one file per browser");
        let merged = dir.join("merged.json");
        assert!(merge_fingerprints(&[dir.join("run1/fingerprints.json")], &merged).unwrap());
        assert!(std::fs::read_to_string(&merged).unwrap().contains("token_created.copy"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
