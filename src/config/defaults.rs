//! What the suite does when neither the config file nor the environment says:
//! the built-in defaults, in one place.

use super::file::ApiFile;

/// CSS transitions and animations run this many times faster than real time.
pub const DEFAULT_ANIMATION_SPEED: f64 = 10.0;

/// Scenarios run at once.
pub(super) const CONCURRENCY: usize = 2;
/// The browser window's width and height.
pub(super) const WINDOW: (u32, u32) = (1280, 800);
/// Where each run's folder of reports and evidence goes.
pub(super) const ARTIFACTS_DIR: &str = "target/e2e";
/// The page that starts the guide, after sign-in.
pub(super) const START_PATH: &str = "/";
/// The target's time zone.
pub(super) const UTC_OFFSET: &str = "+00:00";
/// How long a step waits for the page (ms).
pub(super) const WAIT_MS: u64 = 10_000;
/// How often a waiting step looks again (ms).
pub(super) const POLL_MS: u64 = 20;
/// How long a page may take to load (ms).
pub(super) const PAGE_LOAD_MS: u64 = 30_000;
/// The browser runs headless.
pub(super) const HEADED: bool = false;
/// Pages are not asked for reduced motion: the app's own transitions are exercised.
pub(super) const REDUCED_MOTION: bool = false;
/// An uncaught page error or a `console.error` fails the scenario.
pub(super) const FAIL_ON_PAGE_ERRORS: bool = true;
/// A 5xx answer from the target to the page fails the step.
pub(super) const FAIL_ON_SERVER_ERRORS: bool = true;
/// The local AI Suite's own endpoints for the clean-up's fast path: its
/// tokens, and the revoke call (`{id}` replaced).
pub(super) const LOCAL_TOKENS_PATH: &str = "/api/tokens";
pub(super) const LOCAL_REVOKE_PATH: &str = "/api/tokens/{id}/revoke";

impl Default for ApiFile {
    fn default() -> Self {
        Self {
            method: "GET".into(),
            path: "/api/v1/me".into(),
            header: "Authorization".into(),
            scheme: "Bearer".into(),
            create_path: "/api/tokens".into(),
            create_name_field: "name".into(),
            create_expiry_field: "expiry".into(),
            tokens_path: None,
            revoke_path: None,
            tokens_pointer: None,
            created_id_pointer: None,
            session_header: None,
            session_header_value: None,
        }
    }
}
