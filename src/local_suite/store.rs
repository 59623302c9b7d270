//! The local AI Suite's data: users, sign-in sessions and API tokens, with the
//! validation rules of the "Create API Token" form. The browser checks the same
//! rules; this module is the authority (the server never trusts the page).

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rand::Rng;
use rand::distributions::Alphanumeric;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::faults::{Fault, Faults};

/// Every token value starts with this, so a leaked secret is recognisable in a scan.
pub const TOKEN_PREFIX: &str = "dct_";
/// Random characters after the prefix (base62).
pub const TOKEN_RANDOM_LEN: usize = 40;
/// The longest token name the form accepts.
pub const MAX_NAME_CHARS: usize = 64;

/// The signed-in QA user that a newcomer (and the suite) logs in as.
pub const QA_EMAIL: &str = "qa@duplocloud.test";
pub const QA_PASSWORD: &str = "qa-password";
pub const QA_NAME: &str = "Quinn Avery";
pub const QA_ROLE: &str = "Administrator";

/// Where "today" comes from: the wall clock (UTC) or a frozen date for
/// deterministic screenshots and expiry tests.
#[derive(Clone, Copy, Debug)]
pub enum Clock {
    System,
    Frozen(NaiveDate),
}

impl Clock {
    pub fn today(&self) -> NaiveDate {
        match self {
            Clock::System => Utc::now().date_naive(),
            Clock::Frozen(d) => *d,
        }
    }
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            // Noon of the frozen day: stable and clearly "on" that date.
            Clock::Frozen(d) => d.and_hms_opt(12, 0, 0).expect("noon exists").and_utc(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct User {
    pub id: u32,
    pub name: String,
    pub email: String,
    pub role: String,
    #[serde(skip)]
    pub password: String,
}

#[derive(Clone, Debug)]
struct TokenRecord {
    id: u64,
    user_id: u32,
    name: String,
    /// SHA-256 of the full value: the value itself is never stored.
    hash: [u8; 32],
    /// Last four characters, for the masked display.
    hint: String,
    created: NaiveDate,
    last_used: Option<DateTime<Utc>>,
    expiry: NaiveDate,
    revoked: bool,
}

/// A token as the API shows it: masked, with its computed status.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TokenView {
    pub id: u64,
    pub name: String,
    pub masked: String,
    pub user: String,
    pub created: String,
    pub last_used: String,
    pub expiry: String,
    pub status: String,
}

/// Field-by-field validation errors, as shown under each field of the form.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct FieldErrors {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry: Option<String>,
}

impl FieldErrors {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.expiry.is_none()
    }
}

/// A freshly created token: the only time its full value exists.
#[derive(Debug, Serialize)]
pub struct Created {
    pub token: String,
    pub row: TokenView,
}

/// Why a Bearer token was refused.
#[derive(Debug, PartialEq)]
pub enum BearerError {
    Unknown,
    Expired,
    Revoked,
}

struct Inner {
    users: Vec<User>,
    /// Session → (user, signed in at).
    sessions: HashMap<String, (u32, std::time::Instant)>,
    tokens: Vec<TokenRecord>,
    next_id: u64,
}

pub struct Store {
    inner: Mutex<Inner>,
    /// Seeded in docs mode only, so the pictures of the guide are reproducible
    /// (predictable tokens: never use a seed outside screenshots).
    seeded: Option<Mutex<rand::rngs::StdRng>>,
    clock: Mutex<Clock>,
    pub faults: Faults,
    /// How long a sign-in session lasts (None: until signed out).
    session_lifetime: Mutex<Option<std::time::Duration>>,
}

pub fn hash(value: &str) -> [u8; 32] {
    Sha256::digest(value.as_bytes()).into()
}

fn random_string(len: usize) -> String {
    rand::thread_rng().sample_iter(&Alphanumeric).take(len).map(char::from).collect()
}

/// Validates a token name: trimmed, 1..=64 characters, unique among the
/// user's live (not revoked, not expired) tokens.
pub fn validate_name(raw: &str, live_names: &[&str], faults: &Faults) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() && !faults.has(Fault::AcceptEmptyName) {
        return Err("Token name is required.".into());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!("Token name must be {MAX_NAME_CHARS} characters or fewer."));
    }
    if live_names.contains(&name) {
        return Err("You already have an active token with this name.".into());
    }
    Ok(name.to_string())
}

/// Validates an expiry date: strict `YYYY-MM-DD`, a real calendar date,
/// strictly after today.
pub fn validate_expiry(raw: &str, today: NaiveDate, faults: &Faults) -> Result<NaiveDate, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("Expiry date is required.".into());
    }
    let date = if faults.has(Fault::LenientDateParsing) {
        parse_lenient(s)
    } else {
        parse_strict(s)?
    }
    .ok_or_else(|| "Enter a real calendar date (YYYY-MM-DD).".to_string())?;
    let too_early = if faults.has(Fault::AcceptPastExpiry) || faults.has(Fault::ServerTrustsPage) {
        false
    } else if faults.has(Fault::AcceptTodayExpiry) {
        date < today
    } else {
        date <= today
    };
    if too_early {
        return Err("Expiry date must be later than today.".into());
    }
    Ok(date)
}

/// `Ok(None)`: the shape is right but the date does not exist (Feb 30).
fn parse_strict(s: &str) -> Result<Option<NaiveDate>, String> {
    let shape_ok = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return Err("Enter the expiry date in YYYY-MM-DD format.".into());
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().expect("digits checked above");
    Ok(NaiveDate::from_ymd_opt(num(0..4) as i32, num(5..7), num(8..10)))
}

/// The bug behind the `lenient-date-parsing` fault: any separator, no padding.
fn parse_lenient(s: &str) -> Option<NaiveDate> {
    let parts: Vec<u32> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    match parts[..] {
        [y, m, d] if y > 31 => NaiveDate::from_ymd_opt(y as i32, m, d),
        [d, m, y] => NaiveDate::from_ymd_opt(y as i32, m, d),
        _ => None,
    }
}

impl Store {
    pub fn new(clock: Clock, faults: Faults) -> Self {
        Self::with_seed(clock, faults, None)
    }

    pub fn with_seed(clock: Clock, faults: Faults, seed: Option<u64>) -> Self {
        let users = vec![
            User {
                id: 1,
                name: QA_NAME.into(),
                email: QA_EMAIL.into(),
                role: QA_ROLE.into(),
                password: QA_PASSWORD.into(),
            },
            User {
                id: 2,
                name: "Sam Rivera".into(),
                email: "sam.rivera@duplocloud.test".into(),
                role: "Developer".into(),
                password: random_string(24),
            },
        ];
        let store = Store {
            inner: Mutex::new(Inner { users, sessions: HashMap::new(), tokens: Vec::new(), next_id: 1 }),
            clock: Mutex::new(clock),
            faults,
            session_lifetime: Mutex::new(None),
            seeded: seed.map(|s| Mutex::new(<rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(s))),
        };
        // Seed data relative to today, so a frozen clock gives identical pages.
        let today = clock.today();
        let days = chrono::Duration::days;
        store.insert_token(2, "ci-pipeline", today - days(30), today + days(60));
        store.insert_token(2, "old-laptop", today - days(120), today - days(10));
        store
    }

    pub fn clock(&self) -> Clock {
        *self.clock.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Moves the app's clock (the local AI Suite's own tests: expiry over time).
    pub fn set_clock(&self, clock: Clock) {
        *self.clock.lock().unwrap_or_else(|e| e.into_inner()) = clock;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the data half-written
        // (every mutation is a single push/assignment), so poisoning is ignored.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn insert_token(&self, user_id: u32, name: &str, created: NaiveDate, expiry: NaiveDate) -> (u64, String) {
        let random = match &self.seeded {
            Some(rng) => {
                let mut rng = rng.lock().unwrap_or_else(|e| e.into_inner());
                (&mut *rng).sample_iter(&Alphanumeric).take(TOKEN_RANDOM_LEN).map(char::from).collect()
            }
            None => random_string(TOKEN_RANDOM_LEN),
        };
        let value = format!("{TOKEN_PREFIX}{random}");
        let mut inner = self.lock();
        let id = inner.next_id;
        inner.next_id += 1;
        inner.tokens.push(TokenRecord {
            id,
            user_id,
            name: name.to_string(),
            hash: hash(&value),
            hint: value[value.len() - 4..].to_string(),
            created,
            last_used: None,
            expiry,
            revoked: false,
        });
        (id, value)
    }

    pub fn login(&self, email: &str, password: &str) -> Option<String> {
        let mut inner = self.lock();
        let user = inner
            .users
            .iter()
            .find(|u| u.email.eq_ignore_ascii_case(email.trim()) && u.password == password)?;
        let id = user.id;
        let session = random_string(32);
        inner.sessions.insert(session.clone(), (id, std::time::Instant::now()));
        Some(session)
    }

    /// Sign-in sessions open now (one per successful sign-in not signed out).
    pub fn session_count(&self) -> usize {
        self.lock().sessions.len()
    }

    pub fn logout(&self, session: &str) {
        self.lock().sessions.remove(session);
    }

    pub fn session_user(&self, session: &str) -> Option<User> {
        let inner = self.lock();
        let (id, since) = *inner.sessions.get(session)?;
        if self.session_lifetime().is_some_and(|life| since.elapsed() >= life) {
            return None;
        }
        inner.users.iter().find(|u| u.id == id).cloned()
    }

    fn status(&self, t: &TokenRecord, today: NaiveDate) -> &'static str {
        if self.faults.has(Fault::WrongStatus) && !t.revoked && t.expiry > today {
            return "Pending";
        }
        if t.revoked {
            "Revoked"
        } else if t.expiry <= today {
            "Expired"
        } else {
            "Active"
        }
    }

    fn view(&self, inner: &Inner, t: &TokenRecord, today: NaiveDate) -> TokenView {
        let user = inner.users.iter().find(|u| u.id == t.user_id).map(|u| u.email.clone()).unwrap_or_default();
        let shown_expiry = if self.faults.has(Fault::ExpiryOffByOne) {
            t.expiry.pred_opt().unwrap_or(t.expiry)
        } else {
            t.expiry
        };
        TokenView {
            id: t.id,
            name: t.name.clone(),
            masked: format!("{TOKEN_PREFIX}••••••••{}", t.hint),
            user,
            created: t.created.format("%Y-%m-%d").to_string(),
            last_used: t
                .last_used
                .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_else(|| "Never".into()),
            expiry: shown_expiry.format("%Y-%m-%d").to_string(),
            status: self.status(t, today).into(),
        }
    }

    /// One user's tokens (the Profile page), newest first.
    pub fn tokens_of(&self, user_id: u32) -> Vec<TokenView> {
        let today = self.clock().today();
        let inner = self.lock();
        inner
            .tokens
            .iter()
            .rev()
            .filter(|t| t.user_id == user_id)
            .map(|t| self.view(&inner, t, today))
            .collect()
    }

    /// Every user's tokens (Access Control → User Tokens), newest first.
    pub fn all_tokens(&self) -> Vec<TokenView> {
        let today = self.clock().today();
        let inner = self.lock();
        inner.tokens.iter().rev().map(|t| self.view(&inner, t, today)).collect()
    }

    /// Validates and creates a token; the returned value is the only copy.
    pub fn create(&self, user_id: u32, raw_name: &str, raw_expiry: &str) -> Result<Created, FieldErrors> {
        let today = self.clock().today();
        let mut errors = FieldErrors::default();
        let name = {
            let inner = self.lock();
            let live: Vec<&str> = inner
                .tokens
                .iter()
                .filter(|t| t.user_id == user_id && !t.revoked && t.expiry > today)
                .map(|t| t.name.as_str())
                .collect();
            validate_name(raw_name, &live, &self.faults).map_err(|e| errors.name = Some(e)).ok()
        };
        let expiry = validate_expiry(raw_expiry, today, &self.faults).map_err(|e| errors.expiry = Some(e)).ok();
        let (Some(name), Some(expiry)) = (name, expiry) else {
            return Err(errors);
        };
        let (id, value) = self.insert_token(user_id, &name, today, expiry);
        let inner = self.lock();
        let record = inner.tokens.iter().find(|t| t.id == id).expect("just inserted");
        let row = self.view(&inner, record, today);
        Ok(Created { token: value, row })
    }

    /// Revokes one of the user's tokens; false when it is not theirs.
    pub fn revoke(&self, user_id: u32, token_id: u64) -> bool {
        let mut inner = self.lock();
        match inner.tokens.iter_mut().find(|t| t.id == token_id && t.user_id == user_id) {
            Some(t) => {
                t.revoked = true;
                true
            }
            None => false,
        }
    }

    /// Checks a Bearer token and records its use.
    pub fn authenticate(&self, value: &str) -> Result<(User, TokenView), BearerError> {
        let today = self.clock().today();
        let now = self.clock().now();
        let h = hash(value);
        let mut inner = self.lock();
        let t = inner.tokens.iter_mut().find(|t| t.hash == h).ok_or(BearerError::Unknown)?;
        if t.revoked {
            return Err(BearerError::Revoked);
        }
        if t.expiry <= today {
            return Err(BearerError::Expired);
        }
        t.last_used = Some(now);
        let t = t.clone();
        let user = inner.users.iter().find(|u| u.id == t.user_id).cloned().ok_or(BearerError::Unknown)?;
        let view = self.view(&inner, &t, today);
        Ok((user, view))
    }

    /// Sessions signed in from now on, and those open, end this long after
    /// their sign-in (`serve --session-lifetime-s N`); None: never.
    pub fn set_session_lifetime(&self, lifetime: Option<std::time::Duration>) {
        *self.session_lifetime.lock().unwrap_or_else(|e| e.into_inner()) = lifetime;
    }

    fn session_lifetime(&self) -> Option<std::time::Duration> {
        *self.session_lifetime.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A human's live token named exactly like the guide's example
    /// ("QA-Test-Token"), in the QA user's account, unless one is there
    /// already: the harness puts it there before a run, and the run must
    /// leave it as it was (it revokes only what it created).
    pub fn seed_human_token(&self, name: &str) {
        let today = self.clock().today();
        let live = self.lock().tokens.iter().any(|t| t.user_id == 1 && t.name == name && !t.revoked && t.expiry > today);
        if !live {
            self.insert_token(1, name, today - chrono::Duration::days(3), today + chrono::Duration::days(90));
        }
    }

    /// True when some stored hash matches this value (tests: "only a hash is stored").
    pub fn stores_hash_of(&self, value: &str) -> bool {
        let h = hash(value);
        self.lock().tokens.iter().any(|t| t.hash == h)
    }

    pub fn today_iso(&self) -> String {
        let t = self.clock().today();
        format!("{:04}-{:02}-{:02}", t.year(), t.month(), t.day())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    const TODAY: &str = "2026-11-29";

    #[test]
    fn expiry_rules() {
        let f = Faults::none();
        let today = d(TODAY);
        assert_eq!(validate_expiry("2026-11-30", today, &f), Ok(d("2026-11-30")));
        assert_eq!(validate_expiry("2028-02-29", today, &f), Ok(d("2028-02-29")));
        for bad in ["2026-11-29", "2026-11-28", "2025-11-29"] {
            assert_eq!(validate_expiry(bad, today, &f), Err("Expiry date must be later than today.".into()), "{bad}");
        }
        for bad in ["2026/04/11", "11-04-2026", "2026-4-11", "20260411", "next week", "2027-1-01 "] {
            assert!(validate_expiry(bad, today, &f).unwrap_err().contains("YYYY-MM-DD"), "{bad}");
        }
        for bad in ["2027-02-30", "2027-02-29", "2027-13-01", "2027-00-10"] {
            assert!(validate_expiry(bad, today, &f).unwrap_err().contains("real calendar date"), "{bad}");
        }
        assert_eq!(validate_expiry("  ", today, &f), Err("Expiry date is required.".into()));
    }

    #[test]
    fn name_rules() {
        let f = Faults::none();
        assert_eq!(validate_name("  QA-Test-Token ", &[], &f), Ok("QA-Test-Token".into()));
        assert!(validate_name("   ", &[], &f).is_err());
        assert!(validate_name(&"x".repeat(64), &[], &f).is_ok());
        assert!(validate_name(&"x".repeat(65), &[], &f).is_err());
        assert!(validate_name("dup", &["dup"], &f).unwrap_err().contains("already"));
    }

    #[test]
    fn faults_break_the_rules_they_name() {
        let today = d(TODAY);
        let f = Faults::parse(&["accept-today-expiry".into()]).unwrap();
        assert!(validate_expiry(TODAY, today, &f).is_ok());
        let f = Faults::parse(&["lenient-date-parsing".into()]).unwrap();
        assert_eq!(validate_expiry("2027/4/11", today, &f), Ok(d("2027-04-11")));
    }

    #[test]
    fn a_session_ends_after_its_lifetime() {
        let store = Store::new(Clock::Frozen(d(TODAY)), Faults::none());
        let session = store.login(QA_EMAIL, QA_PASSWORD).unwrap();
        assert!(store.session_user(&session).is_some());
        store.set_session_lifetime(Some(std::time::Duration::ZERO));
        assert!(store.session_user(&session).is_none(), "expired");
        store.set_session_lifetime(None);
        assert!(store.session_user(&session).is_some(), "no lifetime: until signed out");
    }

    #[test]
    fn tokens_are_hashed_shown_once_and_statused() {
        let store = Store::new(Clock::Frozen(d(TODAY)), Faults::none());
        let created = store.create(1, "QA-Test-Token", "2027-04-11").unwrap();
        assert!(created.token.starts_with(TOKEN_PREFIX));
        assert_eq!(created.token.len(), TOKEN_PREFIX.len() + TOKEN_RANDOM_LEN);
        assert!(store.stores_hash_of(&created.token));
        assert_eq!(created.row.status, "Active");
        assert_eq!(created.row.last_used, "Never");
        let listed = store.tokens_of(1);
        assert!(!listed[0].masked.contains(&created.token[TOKEN_PREFIX.len()..TOKEN_PREFIX.len() + 8]));
        let (user, _) = store.authenticate(&created.token).unwrap();
        assert_eq!(user.email, QA_EMAIL);
        assert_ne!(store.tokens_of(1)[0].last_used, "Never");
        assert!(store.revoke(1, created.row.id));
        assert_eq!(store.authenticate(&created.token).unwrap_err(), BearerError::Revoked);
        assert_eq!(store.tokens_of(1)[0].status, "Revoked");
        let statuses: Vec<String> = store.all_tokens().into_iter().map(|t| t.status).collect();
        assert!(statuses.contains(&"Expired".to_string()));
    }
}

/// The QA user's id (the first user of the store).
const QA_USER_ID: u32 = 1;

/// A long-lived account (the `history` builds): what a shared staging
/// account holds after years of use.
impl Store {
    /// `count` older tokens of the QA user, oldest first, over the last two
    /// years: most revoked or expired, some live, and a human's live token
    /// named exactly "QA-Test-Token" (the guide's example name) among them.
    pub fn seed_history(&self, count: usize) {
        let today = self.clock().today();
        let days = chrono::Duration::days;
        let kinds = ["build-agent", "laptop", "terraform", "grafana-sync", "backup-job", "notebook"];
        for i in 0..count {
            let age = (count - i) as i64 * 5;
            let created = today - days(age);
            let name = if i == count / 3 { "QA-Test-Token".to_string() } else { format!("{}-{:03}", kinds[i % kinds.len()], i + 1) };
            // Every seventh one, and the human's, still live; the rest expired or revoked.
            let live = i % 7 == 0 || name == "QA-Test-Token";
            let expiry = if live { today + days(30 + i as i64) } else { created + days(30) };
            let (id, _) = self.insert_token(QA_USER_ID, &name, created, expiry.max(created + days(1)));
            if !live && i % 2 == 0 {
                if let Some(t) = self.lock().tokens.iter_mut().find(|t| t.id == id) {
                    t.revoked = true;
                }
            }
        }
    }
}
