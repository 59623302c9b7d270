//! A lock that survives a panicking holder: every shared table of the run
//! (sessions, tokens, logs) stays readable for the clean-up after a panic.

use std::sync::{Mutex, MutexGuard};

pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
