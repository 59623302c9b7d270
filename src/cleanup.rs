//! The clean-up: the ledger of every token the run created, and revoking
//! them — through the target's API with the browser's session when `[api]`
//! has a revoke endpoint, else (or if that fails) on the Profile page — plus
//! what earlier killed runs left behind, and the audit that ends every run.
//!
//! A token is known by what the product answered, not only by the name the
//! suite typed: the id of the Create call's answer (read from the page's own
//! request over DevTools, or from the suite's own call that bypasses the
//! page) and the name the product stored. A product that cuts, escapes or
//! accepts a name it should have refused still has its token revoked, by id;
//! the typed name is the last resort (the run's names are unique to it), and
//! nothing the run did not create is ever revoked.

use std::sync::{Arc, Mutex, OnceLock};

use crate::api::{Identity, Listed};
use crate::config::Config;
use crate::pages::Ui;
use crate::sync::lock;

#[derive(Clone, Debug)]
struct CreatedToken {
    /// The name the suite typed: how its scenario knows it.
    name: String,
    /// The id the product answered the Create call with.
    id: Option<String>,
    /// The name the product stored (it may differ from the typed one).
    stored: Option<String>,
    revoked: bool,
    /// False when the clean-up found no such token (the form rejected it).
    existed: bool,
    /// Not a name the suite typed: a token the product answered with that no
    /// typed name waited for (`name` is then only its key).
    unexpected: bool,
    /// The product answered its Create with 2xx but no id could be read:
    /// it exists, so not finding its typed name is no proof it was rejected.
    answered: bool,
}

impl CreatedToken {
    fn typed(name: &str) -> Self {
        Self { name: name.to_string(), id: None, stored: None, revoked: false, existed: true, unexpected: false, answered: false }
    }

    /// How the audit names it: the typed name, the id, the stored name when it differs.
    fn label(&self) -> String {
        if self.unexpected {
            return format!(
                "a token no typed name waited for, stored as {:?} (id {})",
                self.stored.as_deref().unwrap_or_default(),
                self.id.as_deref().unwrap_or("?")
            );
        }
        let mut extra = Vec::new();
        if let Some(id) = &self.id {
            extra.push(format!("id {id}"));
        }
        if let Some(stored) = self.stored.as_ref().filter(|s| **s != self.name) {
            extra.push(format!("stored as {stored:?}"));
        }
        if extra.is_empty() { self.name.clone() } else { format!("{} ({})", self.name, extra.join(", ")) }
    }
}

/// A token's final state, as the run's last lines list it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Audited {
    /// The typed name, with the id and the stored name when known.
    pub label: String,
    pub name: String,
    pub id: Option<String>,
    /// Its status as the target lists it (or as the clean-up left it).
    pub state: String,
    /// Still usable: not revoked, not expired.
    pub live: bool,
}

/// Live: a status that is neither Revoked nor Expired (a broken build may say "Pending").
fn is_live(status: &str) -> bool {
    !matches!(status.trim(), "Revoked" | "Expired")
}

/// Whether a product that was given `typed` as a name may have stored it as
/// `stored`: whole, trimmed, cut (at least 4 characters of it), or within a
/// longer name; a blank name as a blank one.
fn kept_of(typed: &str, stored: &str) -> bool {
    let (typed, stored) = (typed.trim(), stored.trim());
    if typed.is_empty() || stored.is_empty() {
        return typed.is_empty() && stored.is_empty();
    }
    typed == stored || (stored.chars().count() >= 4 && typed.starts_with(stored)) || stored.contains(typed)
}

/// Every token of the run, and what became of it.
pub struct Cleanup {
    config: Arc<Config>,
    base_url: String,
    tokens: Mutex<Vec<CreatedToken>>,
    /// Earlier runs killed before their clean-up: their tokens are revoked once.
    earlier: Mutex<Vec<crate::unfinished::Earlier>>,
    /// Why the clean-up could not use the `[api]` paths (then the UI is used).
    pub api_note: OnceLock<String>,
    /// The Profile page's address, once known (saves the walk through the menu).
    profile_url: Mutex<Option<String>>,
    /// The browser's session as last seen by the clean-up (for the sweep and
    /// the audit, made from a page that may not carry it).
    cookies: Mutex<Vec<thirtyfour::Cookie>>,
    /// A Create answer held no id where expected: from then on the run also
    /// tells its tokens by the rows that appear (as without DevTools).
    answers_unreadable: std::sync::atomic::AtomicBool,
    /// The target took the browser's session for one of the suite's own API
    /// calls in this run: a 401 later means the session expired, not that
    /// the app keeps its session out of cookies.
    api_took_session: std::sync::atomic::AtomicBool,
}

impl Cleanup {
    pub fn new(config: Arc<Config>, base_url: String, earlier: Vec<crate::unfinished::Earlier>) -> Self {
        Self {
            config,
            base_url,
            tokens: Mutex::new(Vec::new()),
            earlier: Mutex::new(earlier),
            api_note: OnceLock::new(),
            profile_url: Mutex::new(None),
            cookies: Mutex::new(Vec::new()),
            answers_unreadable: Default::default(),
            api_took_session: Default::default(),
        }
    }

    /// Remembers a token a scenario may create (before its Create is clicked),
    /// by the name it typed; [`Self::identified`] adds what the product answered.
    pub fn created(&self, name: &str) {
        lock(&self.tokens).push(CreatedToken::typed(name));
    }

    /// The product answered a Create of the scenario whose typed names are
    /// `names` with `identity`: the latest of those without an id gets it.
    /// Returns the key of a new entry when none was waiting for it (a token
    /// the suite did not expect, such as a second one from one click), for
    /// the scenario to revoke it by.
    pub fn identified(&self, names: &[String], identity: Identity) -> Option<String> {
        let mut tokens = lock(&self.tokens);
        if tokens.iter().any(|t| t.id.as_deref() == Some(identity.id.as_str())) {
            return None;
        }
        if let Some(t) = tokens.iter_mut().rev().find(|t| t.id.is_none() && names.contains(&t.name)) {
            t.id = Some(identity.id);
            t.stored = identity.name;
            if !t.existed {
                // Taken for rejected before the answer was read: it exists.
                (t.revoked, t.existed) = (false, true);
            }
            return None;
        }
        let key = format!("{:?} (id {})", identity.name.as_deref().unwrap_or_default(), identity.id);
        tokens.push(CreatedToken { name: key.clone(), id: Some(identity.id), stored: identity.name, revoked: false, existed: true, unexpected: true, answered: false });
        Some(key)
    }

    /// A token the suite's own call created (the page bypassed) from the name
    /// `typed`, as the product answered: an entry of its own. Returns its key.
    pub fn identified_as(&self, typed: &str, identity: Identity) -> String {
        if typed.trim().is_empty() {
            return self.identified(&[], identity).unwrap_or_default();
        }
        let mut t = CreatedToken::typed(typed);
        (t.id, t.stored) = (Some(identity.id), identity.name);
        lock(&self.tokens).push(t);
        typed.to_string()
    }

    /// What the scenario's page heard in the Create call's answers since the
    /// last look: each identity goes to the token the scenario typed (or, if
    /// none waits for it, to an entry of its own, revoked with the scenario's).
    pub async fn hear_identities(&self, s: &mut crate::scenario::ScenarioSession) {
        let Some(r) = s.recorder.clone() else { return };
        r.settle().await;
        let (identities, unread) = r.take_identities();
        for identity in identities {
            if let Some(key) = self.identified(&s.created, identity) {
                s.created.push(key);
            }
        }
        if unread > 0 {
            self.answers_unreadable.store(true, std::sync::atomic::Ordering::SeqCst);
            // The latest typed names without an id: created, whatever name the product kept.
            let mut tokens = lock(&self.tokens);
            for t in tokens.iter_mut().rev().filter(|t| t.id.is_none() && !t.answered && s.created.contains(&t.name)).take(unread) {
                (t.answered, t.existed, t.revoked) = (true, true, false);
            }
            drop(tokens);
            s.notes.push(format!(
                "clean-up: {unread} Create answer(s) held no id where [api] created_id_pointer says (or could not be read): \
                 those tokens are known by the typed name only"
            ));
        }
    }

    /// Whether a scenario without the Create answers (no DevTools: Firefox,
    /// a Grid; or answers without an id where expected) should tell its tokens by the rows that appear in the
    /// `[api] tokens_path` listing (see [`Self::identify_by_listing`]).
    pub fn lists_to_identify(&self, reads_answers: bool) -> bool {
        self.api() && (!reads_answers || self.answers_unreadable.load(std::sync::atomic::Ordering::SeqCst))
    }

    /// The ids `[api] tokens_path` lists now, with the browser's session from `ui`.
    pub async fn listing(&self, ui: &Ui) -> Option<Vec<Listed>> {
        if !self.api() {
            return None;
        }
        let cookies = self.session(ui).await;
        crate::api::list_tokens(&self.base_url, &self.config.api, &cookies).await.ok()
    }

    /// Without the Create answers: the rows listed `now` that were not
    /// listed `before` this scenario's step, that no token of the ledger
    /// already is, and whose name is the typed one as the product may have
    /// kept it (whole, trimmed, cut, or within a longer one) identify the
    /// tokens the step typed (`names`), each only when exactly one row fits:
    /// another pipeline's token is never taken for this run's.
    pub fn identify_by_listing(&self, names: &[String], before: &std::collections::HashSet<String>, now: &[Listed]) -> Vec<String> {
        let mut notes = Vec::new();
        let mut tokens = lock(&self.tokens);
        let claimed: std::collections::HashSet<String> = tokens.iter().filter_map(|t| t.id.clone()).collect();
        let fresh: Vec<&Listed> = now.iter().filter(|r| !before.contains(&r.id) && !claimed.contains(&r.id)).collect();
        for t in tokens.iter_mut().filter(|t| t.id.is_none() && names.contains(&t.name)) {
            let fits: Vec<&&Listed> = fresh.iter().filter(|r| kept_of(&t.name, &r.name)).collect();
            match fits[..] {
                [one] => {
                    t.id = Some(one.id.clone());
                    t.stored = Some(one.name.clone());
                    (t.revoked, t.existed) = (false, true);
                }
                [] => {}
                _ => notes.push(format!(
                    "clean-up: {} new rows could be the token typed as {:?}: none is taken for it (it is revoked by its typed name only)",
                    fits.len(),
                    t.name
                )),
            }
        }
        notes
    }

    /// A scenario revoked its own token (the latest of that name): the clean-up need not.
    pub fn revoked(&self, name: &str) {
        if let Some(t) = lock(&self.tokens).iter_mut().rev().find(|t| t.name == name && !t.revoked) {
            t.revoked = true;
        }
    }

    fn mark(&self, i: usize, revoked: bool, existed: bool) {
        if let Some(t) = lock(&self.tokens).get_mut(i) {
            (t.revoked, t.existed) = (revoked, existed);
        }
    }

    /// Tokens not revoked yet.
    pub fn pending(&self) -> usize {
        lock(&self.tokens).iter().filter(|t| !t.revoked).count()
    }

    /// (revoked, could not be revoked): tokens the form rejected count in neither.
    pub fn totals(&self) -> (usize, usize) {
        let tokens = lock(&self.tokens);
        let still = tokens.iter().filter(|t| !t.revoked).count();
        let never = tokens.iter().filter(|t| !t.existed).count();
        (tokens.len() - still - never, still)
    }

    /// One of the suite's own API calls was answered other than 401/403 with the browser's session.
    pub fn api_took_session(&self) {
        self.api_took_session.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Whether the target took the browser's session for the suite's own API calls earlier in the run.
    pub fn api_took_session_before(&self) -> bool {
        self.api_took_session.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Whether the `[api]` paths are to be used.
    fn api(&self) -> bool {
        self.config.api.revoke_path.is_some() && self.config.api.tokens_path.is_some() && self.api_note.get().is_none()
    }

    /// The browser's session from `ui`, else the last one seen.
    async fn session(&self, ui: &Ui) -> Vec<thirtyfour::Cookie> {
        let cookies = ui.page.cookies().await.unwrap_or_default();
        if cookies.is_empty() {
            return lock(&self.cookies).clone();
        }
        *lock(&self.cookies) = cookies.clone();
        cookies
    }

    /// Revokes, once, what earlier killed runs left: through `[api]` when it
    /// is configured, else on the Profile page (with a signed-in browser).
    pub async fn revoke_earlier(&self, ui: &Ui) {
        let earlier = std::mem::take(&mut *lock(&self.earlier));
        if earlier.is_empty() {
            return;
        }
        let owned = |n: &str| earlier.iter().any(|e| e.owns(n));
        let done: anyhow::Result<usize> = async {
            if self.api() {
                let cookies = self.session(ui).await;
                let mut n = 0;
                for id in earlier.iter().flat_map(|e| e.left.iter().filter_map(|t| t.id.clone())) {
                    n += usize::from(crate::api::revoke_id(&self.base_url, &self.config.api, &cookies, &id).await?);
                }
                return Ok(n + crate::api::revoke_matching(&self.base_url, &self.config.api, &cookies, owned).await?.revoked.len());
            }
            let page = self.open_profile(ui).await?;
            let names = page.live_token_names().await?;
            let mut n = 0;
            for name in names.iter().filter(|n| owned(n)) {
                page.revoke(name).await?;
                n += 1;
            }
            Ok(n)
        }
        .await;
        match done {
            Ok(n) => {
                println!("clean-up: revoked {n} token(s) left by earlier killed run(s)");
                for e in &earlier {
                    crate::unfinished::forget(&self.config.artifacts_dir, &e.run_id);
                }
            }
            Err(e) => {
                eprintln!("clean-up: could not revoke the tokens of earlier killed runs ({e:#}); they stay listed for the next run");
            }
        }
    }

    /// Revokes the run's tokens not revoked yet whose typed names `which` accepts.
    pub async fn revoke(&self, ui: &Ui, which: impl Fn(&str) -> bool) {
        let pending: Vec<(usize, CreatedToken)> =
            lock(&self.tokens).iter().enumerate().filter(|(_, t)| !t.revoked && which(&t.name)).map(|(i, t)| (i, t.clone())).collect();
        if pending.is_empty() {
            return;
        }
        if self.api() {
            let cookies = self.session(ui).await;
            match self.revoke_through_api(&cookies, &pending).await {
                Ok(()) => {
                    self.api_took_session();
                    return;
                }
                // A session refused after the API took it: it expired; the
                // Profile page this time (it signs in again), the API next time.
                Err(e) if format!("{e:#}").contains("HTTP 401") && self.api_took_session_before() => {
                    eprintln!("clean-up: the API refused the browser's session (expired?); revoking on the Profile page this time");
                }
                // Said once, in the summary; the rest of the run uses the Profile page.
                Err(e) => {
                    let _ = self.api_note.set(crate::secret::redact(&format!("{e:#}")));
                }
            }
        }
        let pending: Vec<(usize, CreatedToken)> = pending.into_iter().filter(|(i, _)| lock(&self.tokens).get(*i).is_some_and(|t| !t.revoked)).collect();
        let page = match self.open_profile(ui).await {
            Ok(p) => p,
            Err(e) => {
                eprintln!("clean-up: could not open the Profile page to revoke {} token(s): {e:#}", pending.len());
                return;
            }
        };
        // The page object revokes the first row of a name: a name still live
        // after it (another row of the same name) is not taken for revoked.
        let still_live = async |name: &str| page.live_token_names().await.map(|live| live.iter().any(|n| n == name.trim())).unwrap_or(true);
        for (i, t) in &pending {
            match page.revoke(&t.name).await {
                Ok(true) if still_live(&t.name).await => {
                    eprintln!("clean-up: a row named {:?} is still Active on the Profile page: {} is left for the audit", t.name, t.label());
                }
                Ok(true) => self.mark(*i, true, true),
                Ok(false) => match t.stored.as_deref().filter(|s| *s != t.name && !s.trim().is_empty()) {
                    // The product stored another name: its row, when exactly one live row has it.
                    Some(stored) => match page.live_token_names().await {
                        Ok(live) if live.iter().filter(|n| n.as_str() == stored.trim()).count() == 1 => match page.revoke(stored.trim()).await {
                            Ok(true) if still_live(stored).await => {
                                eprintln!("clean-up: the row named {stored:?} is still Active: {} is left for the audit", t.label())
                            }
                            Ok(found) => self.mark(*i, found, found),
                            Err(e) => eprintln!("clean-up: could not revoke {}: {e:#}", t.label()),
                        },
                        Ok(_) => eprintln!(
                            "clean-up: could not tell {} apart on the Profile page: not exactly one live row is named {stored:?}",
                            t.label()
                        ),
                        Err(e) => eprintln!("clean-up: could not read the Profile page's tokens: {e:#}"),
                    },
                    // Known to exist (the product gave its id) but not found by name: left for the audit.
                    None if t.id.is_some() || t.answered => eprintln!("clean-up: {} has no row of that name on the Profile page", t.label()),
                    None => self.mark(*i, true, false),
                },
                Err(e) => eprintln!("clean-up: could not revoke {}: {e:#}", t.label()),
            }
        }
    }

    /// Revokes `pending` through `[api]`: by id where the product gave one,
    /// else by the exact name the suite typed (unique to the run).
    async fn revoke_through_api(&self, cookies: &[thirtyfour::Cookie], pending: &[(usize, CreatedToken)]) -> anyhow::Result<()> {
        let api = &self.config.api;
        let mut listing: Option<Vec<Listed>> = None;
        for (i, t) in pending {
            if let Some(id) = &t.id {
                // A 404: no such token of this user any more; nothing live to revoke.
                crate::api::revoke_id(&self.base_url, api, cookies, id).await?;
                self.mark(*i, true, true);
                continue;
            }
            let name = t.name.trim();
            if name.is_empty() {
                self.mark(*i, true, false);
                continue;
            }
            if listing.is_none() {
                listing = Some(crate::api::list_tokens(&self.base_url, api, cookies).await?);
            }
            // Not a row another token of the ledger is (the first of a duplicate name, one made past the page).
            let claimed = self.claimed();
            let rows: Vec<&Listed> = listing.iter().flatten().filter(|r| r.name == name && !claimed.contains(&r.id)).collect();
            for r in rows.iter().filter(|r| is_live(&r.status)) {
                crate::api::revoke_id(&self.base_url, api, cookies, &r.id).await?;
            }
            if rows.is_empty() && t.answered {
                // Created (answered 2xx), under a name the suite cannot know: left for the audit.
                eprintln!("clean-up: {} was created but is not listed under that name; it cannot be told apart", t.label());
                continue;
            }
            self.mark(*i, true, !rows.is_empty());
        }
        Ok(())
    }

    /// The ids the ledger knows.
    fn claimed(&self) -> std::collections::HashSet<String> {
        lock(&self.tokens).iter().filter_map(|t| t.id.clone()).collect()
    }

    /// Before the final sweep: a token the ledger counts as revoked that the
    /// target still lists live (a scenario revoked another row of the same
    /// name) is pending again. Needs `[api]`; silent without it.
    pub async fn reopen_live(&self) {
        if !self.api() || lock(&self.tokens).iter().all(|t| t.id.is_none()) {
            return;
        }
        let cookies = lock(&self.cookies).clone();
        let Ok(listing) = crate::api::list_tokens(&self.base_url, &self.config.api, &cookies).await else { return };
        for t in lock(&self.tokens).iter_mut().filter(|t| t.revoked) {
            if let Some(id) = &t.id
                && listing.iter().any(|r| &r.id == id && is_live(&r.status))
            {
                t.revoked = false;
            }
        }
    }

    /// Every token the run created and its final state: as the target lists
    /// it when `[api]` can be asked (by id where known, else by the typed
    /// name), else as the clean-up left it. Attempts found never created are
    /// not listed.
    pub async fn audit(&self) -> Vec<Audited> {
        let tokens: Vec<CreatedToken> = lock(&self.tokens).iter().filter(|t| t.existed).cloned().collect();
        if tokens.is_empty() {
            return Vec::new();
        }
        let claimed = self.claimed();
        let listing = if self.api() {
            let cookies = lock(&self.cookies).clone();
            crate::api::list_tokens(&self.base_url, &self.config.api, &cookies).await.ok()
        } else {
            None
        };
        tokens
            .into_iter()
            .map(|t| {
                let listed: Option<Vec<&Listed>> = listing.as_ref().map(|l| match &t.id {
                    Some(id) => l.iter().filter(|r| &r.id == id).collect(),
                    None => l.iter().filter(|r| r.name == t.name.trim() && !claimed.contains(&r.id)).collect(),
                });
                let (state, live) = match listed {
                    Some(rows) if rows.is_empty() && t.id.is_none() && t.answered => {
                        ("its Create was answered, but no token of that name is listed: it may be Active under another name".to_string(), true)
                    }
                    Some(rows) if rows.is_empty() => ("not listed by the target".to_string(), false),
                    Some(rows) => {
                        let live = rows.iter().any(|r| is_live(&r.status));
                        let states: Vec<&str> = rows.iter().map(|r| r.status.as_str()).collect();
                        (states.join(", "), live)
                    }
                    None if t.revoked => ("Revoked".to_string(), false),
                    None if t.id.is_some() || t.answered => ("Active (could not be revoked)".to_string(), true),
                    // An attempt the form may have rejected: unknown, so listed for the next run.
                    None => ("not revoked, and not known to exist: the clean-up could not check the target".to_string(), true),
                };
                Audited { label: t.label(), name: t.name.clone(), id: t.id.clone(), state, live }
            })
            .collect()
    }

    /// Opens the Profile page, signed in (directly once its address is known).
    async fn open_profile<'u>(&self, ui: &'u Ui) -> anyhow::Result<crate::pages::profile_page::ProfilePage<'u>> {
        let page = crate::pages::profile_page::ProfilePage::new(ui);
        let known = lock(&self.profile_url).clone();
        if let Some(url) = known
            && ui.goto_url(&url).await.is_ok()
            && page.wait_loaded().await.is_ok()
        {
            return Ok(page);
        }
        crate::pages::login::LoginPage::new(ui).open_signed_in(&self.config.start_path, self.config.credentials.as_ref()).await?;
        let menu = crate::pages::profile_menu::ProfileMenu::new(ui);
        menu.open().await?;
        menu.choose_profile().await?;
        page.wait_loaded().await?;
        *lock(&self.profile_url) = Some(ui.current_url().await);
        Ok(page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ledger() -> Cleanup {
        let config = Arc::new(Config::resolve(crate::config::FileConfig::default(), &|_: &str| None).unwrap());
        Cleanup::new(config, "http://127.0.0.1:1".into(), Vec::new())
    }

    #[test]
    fn without_the_answers_a_new_row_is_taken_only_when_one_fits() {
        let c = ledger();
        c.created("QA-Test-Token-abc-1");
        c.created("QA-Test-Token-abc-2");
        let row = |id: &str, name: &str| Listed { id: id.into(), name: name.into(), status: "Active".into() };
        let before: std::collections::HashSet<String> = ["1".to_string()].into();
        // The human's "QA-Test-Token" (id 1) was there before; a foreign "QA-Test-Other" appears meanwhile.
        let now = vec![row("1", "QA-Test-Token"), row("2", "QA-Test-"), row("3", "QA-Test-Other")];
        let notes = c.identify_by_listing(&["QA-Test-Token-abc-1".into()], &before, &now);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(lock(&c.tokens)[0].id.as_deref(), Some("2"), "the cut name fits; the human's was there before");
        // Two rows could be it: neither is taken.
        let now = vec![row("1", "QA-Test-Token"), row("2", "QA-Test-"), row("4", "QA-Test-"), row("5", "QA-Test-")];
        let notes = c.identify_by_listing(&["QA-Test-Token-abc-2".into()], &before, &now);
        assert_eq!(notes.len(), 1);
        assert_eq!(lock(&c.tokens)[1].id, None);
        assert!(!kept_of("QA-Test-Token-abc-2", "QA-Other") && !kept_of("QA-Test-Token-abc-2", "QA-"), "a cut of at least 4 characters of the typed name");
        assert!(kept_of("   ", " "));
    }

    #[test]
    fn the_product_s_answer_names_the_token_the_suite_typed() {
        let c = ledger();
        c.created("QA-Test-Token-abc-1");
        c.created("QA-Test-Token-abc-2");
        let mine = vec!["QA-Test-Token-abc-1".to_string()];
        assert_eq!(c.identified(&mine, Identity { id: "7".into(), name: Some("QA-Test-".into()) }), None);
        assert_eq!(c.identified(&mine, Identity { id: "7".into(), name: Some("QA-Test-".into()) }), None, "once");
        // A second token from the same scenario, unexpected: an entry of its own.
        let key = c.identified(&mine, Identity { id: "8".into(), name: Some("QA-Test-".into()) }).unwrap();
        assert_eq!(key, "\"QA-Test-\" (id 8)");
        assert_eq!(lock(&c.tokens)[2].label(), "a token no typed name waited for, stored as \"QA-Test-\" (id 8)");
        let tokens = lock(&c.tokens).clone();
        assert_eq!(tokens[0].label(), "QA-Test-Token-abc-1 (id 7, stored as \"QA-Test-\")");
        assert_eq!(tokens[1].id, None, "another scenario's name is not this answer's");
        assert_eq!(c.pending(), 3);
        c.revoked("QA-Test-Token-abc-2");
        assert_eq!(c.pending(), 2);
    }
}
