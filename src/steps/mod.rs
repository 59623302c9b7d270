//! Step definitions, grouped like the features. Each step is a few lines: it
//! goes through [`AiSuiteWorld::step`] (screenshot + evidence) and calls page objects.

pub mod create_token;
pub mod keyboard;
pub mod navigation;
pub mod profile;
pub mod token_created;
pub mod validation;

use anyhow::ensure;

/// How a step acts on a control: the guide's click, or the keyboard alone.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Using {
    Mouse,
    Keyboard,
}

/// Asserts `actual == expected` with a message that shows both.
pub fn expect_eq<T: PartialEq + std::fmt::Debug>(what: &str, actual: T, expected: T) -> anyhow::Result<()> {
    ensure!(actual == expected, "{what}: expected {expected:?}, got {actual:?}");
    Ok(())
}
