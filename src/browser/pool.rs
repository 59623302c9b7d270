//! Fresh browser sessions, started ahead of need. Every scenario still gets a
//! browser nobody used before (its own new profile); the pool only launches it
//! while earlier scenarios run, so a scenario waits for a browser only when
//! none is ready yet. The run tells the pool which kinds (headless, or headed
//! for the OS clipboard) its scenarios will ask for, in order.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tokio::task::JoinHandle;

use super::Session;
use crate::config::Config;
use crate::sync::lock;

type Starting = JoinHandle<anyhow::Result<Session>>;

/// What a session start needs, owned (starts run as background tasks).
#[derive(Clone)]
pub struct Launcher {
    pub config: Arc<Config>,
    pub driver_url: String,
    pub chromium: Option<PathBuf>,
    pub base_url: String,
}

impl Launcher {
    pub fn start(&self, headed: bool) -> Starting {
        let me = self.clone();
        tokio::spawn(async move { super::new_session(&me.config, &me.driver_url, me.chromium.as_deref(), &me.base_url, headed).await })
    }
}

pub struct Pool {
    launcher: Launcher,
    /// Kinds (headed?) of the sessions the run will still ask for, in order.
    planned: Mutex<VecDeque<bool>>,
    /// Sessions starting or started, not yet handed out.
    warm: Mutex<Vec<(bool, Starting)>>,
    /// How many to keep starting ahead.
    ahead: usize,
}

impl Pool {
    /// Starts the first `ahead` planned sessions at once.
    pub fn new(launcher: Launcher, planned: Vec<bool>, ahead: usize) -> Self {
        let pool = Self { launcher, planned: Mutex::new(planned.into()), warm: Mutex::new(Vec::new()), ahead };
        pool.top_up();
        pool
    }

    fn top_up(&self) {
        let mut warm = lock(&self.warm);
        let mut planned = lock(&self.planned);
        while warm.len() < self.ahead {
            let Some(headed) = planned.pop_front() else { break };
            warm.push((headed, self.launcher.start(headed)));
        }
    }

    /// A fresh session of the kind asked for: a warm one if there is one,
    /// else one started now (a retry, or a run the plan did not foresee).
    pub async fn take(&self, headed: bool) -> anyhow::Result<Session> {
        let ready = {
            let mut warm = lock(&self.warm);
            match warm.iter().position(|(h, _)| *h == headed) {
                Some(i) => Some(warm.remove(i).1),
                None => {
                    let mut planned = lock(&self.planned);
                    if let Some(i) = planned.iter().position(|h| *h == headed) {
                        planned.remove(i);
                    }
                    None
                }
            }
        };
        let starting = ready.unwrap_or_else(|| self.launcher.start(headed));
        self.top_up();
        match starting.await {
            Ok(session) => session,
            Err(e) => anyhow::bail!("the browser start was interrupted: {e}"),
        }
    }

    /// Quits the sessions nobody asked for (the plan foresaw more than ran).
    pub async fn drain(&self) {
        lock(&self.planned).clear();
        let warm: Vec<_> = std::mem::take(&mut *lock(&self.warm));
        for (_, starting) in warm {
            if let Ok(Ok(session)) = starting.await {
                let _ = session.driver.quit().await;
            }
        }
    }
}
