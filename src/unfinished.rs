//! Runs that never finished. Each run leaves a marker in the artifacts folder
//! (`unfinished/<run id>.json`) for as long as it runs; a run that was killed
//! (SIGKILL, a power cut) leaves it behind, and the next run against the same
//! target says which tokens it may have left (they carry its run id) and has
//! the clean-up revoke them.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Earlier {
    pub run_id: String,
    pub pid: u32,
    pub target: String,
    pub started: String,
    /// Against the local AI Suite (its tokens died with the run).
    pub local: bool,
    /// Tokens the run ended with still live (it could not revoke them): the
    /// next run against the same target revokes them by id where known.
    #[serde(default)]
    pub left: Vec<LeftToken>,
}

/// A token a run could not revoke.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct LeftToken {
    pub name: String,
    pub id: Option<String>,
}

impl Earlier {
    /// The names of the tokens that run created: `<base>-<run id>-<n>`.
    pub fn owns(&self, token_name: &str) -> bool {
        token_name.contains(&format!("-{}-", self.run_id))
    }
}

/// This run's marker; removed when dropped (the run ended, however it ended,
/// short of being killed), unless [`Marker::keep`] was called.
pub struct Marker {
    path: PathBuf,
    me: Earlier,
    kept: bool,
}

impl Marker {
    /// The run ends with tokens it could not revoke: the marker stays, naming
    /// them, and the next run against the same target revokes them.
    pub fn keep(&mut self, left: Vec<LeftToken>) -> anyhow::Result<()> {
        self.me.left = left;
        std::fs::write(&self.path, serde_json::to_string(&self.me)?)?;
        self.kept = true;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Marker {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn folder(artifacts: &Path) -> PathBuf {
    artifacts.join("unfinished")
}

fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Writes this run's marker.
pub fn mark(artifacts: &Path, run_id: &str, target: &str, local: bool) -> anyhow::Result<Marker> {
    let dir = folder(artifacts);
    std::fs::create_dir_all(&dir)?;
    let me = Earlier {
        run_id: run_id.to_string(),
        pid: std::process::id(),
        target: target.to_string(),
        started: chrono::Utc::now().to_rfc3339(),
        local,
        left: Vec::new(),
    };
    let path = dir.join(format!("{run_id}.json"));
    std::fs::write(&path, serde_json::to_string(&me)?)?;
    Ok(Marker { path, me, kept: false })
}

/// Earlier runs against `target` that were killed before they could clean up.
/// Markers of dead runs against other targets stay for a run against theirs;
/// those of the local AI Suite (its tokens died with it) are removed.
pub fn earlier(artifacts: &Path, target: &str) -> Vec<Earlier> {
    let Ok(entries) = std::fs::read_dir(folder(artifacts)) else { return Vec::new() };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
        let Ok(run) = serde_json::from_str::<Earlier>(&text) else { continue };
        if alive(run.pid) {
            continue; // still running (or the pid was reused: then it is kept for later)
        }
        if run.local {
            let _ = std::fs::remove_file(entry.path());
            continue;
        }
        if run.target == target {
            found.push(run);
        }
    }
    found.sort_by(|a, b| a.started.cmp(&b.started));
    found
}

/// Forgets an earlier run whose tokens are all revoked now.
pub fn forget(artifacts: &Path, run_id: &str) {
    let _ = std::fs::remove_file(folder(artifacts).join(format!("{run_id}.json")));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_kept_names_what_the_next_run_revokes() {
        let dir = std::env::temp_dir().join(format!("ai-suite-unfinished-test-{}", std::process::id()));
        let mut m = mark(&dir, "zzkept", "https://staging.example", false).unwrap();
        let left = vec![LeftToken { name: "QA-Test-Token-zzkept-3".into(), id: Some("17".into()) }];
        m.keep(left.clone()).unwrap();
        let path = m.path().to_path_buf();
        drop(m);
        let back: Earlier = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(back.left, left, "kept after the run, with its tokens");
        let m = mark(&dir, "zzgone", "https://staging.example", false).unwrap();
        let gone = m.path().to_path_buf();
        drop(m);
        assert!(!gone.exists(), "a run that left nothing leaves no marker");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
