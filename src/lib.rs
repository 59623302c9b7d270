//! ai-suite-e2e: the DuploCloud AI Suite "User Tokens" guide as an executable
//! specification. See README.md for how to run it.

pub mod local_suite;
pub mod config;
pub mod locators;
pub mod secret;
