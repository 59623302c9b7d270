//! ai-suite-e2e: the DuploCloud AI Suite "User Tokens" guide as an executable
//! specification. See README.md for how to run it.

pub mod local_suite;
pub mod memory;
pub mod api;
pub mod bench;
pub mod browser;
pub mod cleanup;
pub mod config;
pub mod dates;
pub mod drift;
pub mod evidence;
pub mod heal;
pub mod locators;
pub mod merge;
pub mod pages;
pub mod repair;
pub mod results;
pub mod scenario;
pub mod run_context;
pub mod runner;
pub mod secret;
pub mod selfcheck;
pub mod shard;
pub mod steps;
pub mod sync;
pub mod unfinished;
pub mod world;
