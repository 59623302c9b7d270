//! Ctrl-C and kills leave nothing behind: no browser, driver or Xvfb process,
//! and no Active token on the target (a run against a separate local AI
//! Suite, as against staging).

use std::io::BufRead as _;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ai_suite_e2e::local_suite::{QA_EMAIL, QA_PASSWORD};

const OWNER_ENV: &str = "AI_SUITE_OWNER_PID";

/// One run at a time in this file: each counts processes.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve() -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(env!("CARGO_BIN_EXE_ai-suite-e2e"))
        .args(["serve", "--port", &port.to_string(), "--latency-ms", "150"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the local AI Suite did not start");
        std::thread::yield_now();
    }
    Server { child, url: format!("http://127.0.0.1:{port}") }
}

/// The QA user's tokens on the server: (name, status).
fn tokens(url: &str) -> Vec<(String, String)> {
    let client = reqwest::blocking::Client::builder().cookie_store(true).build().unwrap();
    let r = client.post(format!("{url}/api/login")).json(&serde_json::json!({"email": QA_EMAIL, "password": QA_PASSWORD})).send().unwrap();
    assert!(r.status().is_success());
    let rows: Vec<serde_json::Value> = client.get(format!("{url}/api/tokens")).send().unwrap().json().unwrap();
    rows.iter().map(|r| (r["name"].as_str().unwrap_or("").to_string(), r["status"].as_str().unwrap_or("").to_string())).collect()
}

fn active_of_run(url: &str, run_id: &str) -> Vec<String> {
    tokens(url).into_iter().filter(|(n, s)| n.contains(&format!("-{run_id}-")) && s == "Active").map(|(n, _)| n).collect()
}

/// Processes the run started (ChromeDriver, Chromium, Xvfb, the watchdog): they carry its pid.
fn processes_of(pid: u32) -> Vec<String> {
    let needle = format!("{OWNER_ENV}={pid}");
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(environ) = std::fs::read(entry.path().join("environ")) else { continue };
        if environ.split(|b| *b == 0).any(|v| v == needle.as_bytes()) {
            let cmd = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
            // A zombie (already dead, not yet reaped) holds nothing.
            let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
            if !stat.split(") ").nth(1).is_some_and(|s| s.starts_with('Z')) {
                found.push(format!("{} {}", entry.file_name().to_string_lossy(), cmd.chars().take(80).collect::<String>()));
            }
        }
    }
    found
}

fn wait_until(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50)); // a test's poll interval, not a wait in the suite
    }
}

fn no_process_left(pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = processes_of(pid);
        if left.is_empty() {
            return;
        }
        assert!(Instant::now() < deadline, "processes of the run {pid} are still there: {left:#?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

struct Run {
    child: Child,
    run_id: String,
    output: std::sync::mpsc::Receiver<String>,
    /// What it printed up to its artifacts folder.
    said: Vec<String>,
}

/// Starts the main scenario against `url`, headed on the suite's own Xvfb;
/// returns once the run has said its id.
fn start_run(url: &str, artifacts: &std::path::Path) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ai-suite-e2e"))
        .args(["--name", "following the user guide"])
        .env("AI_SUITE_URL", url)
        .env("AI_SUITE_USERNAME", QA_EMAIL)
        .env("AI_SUITE_PASSWORD", QA_PASSWORD)
        .env("AI_SUITE_ARTIFACTS", artifacts)
        .env_remove("DISPLAY")
        .env_remove("AI_SUITE_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    for pipe in [Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>, Box::new(child.stderr.take().unwrap())] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut said = Vec::new();
    let run_id = loop {
        let line = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())).expect("the run prints its artifacts folder");
        said.push(line.clone());
        if let Some(dir) = line.strip_prefix("artifacts: ") {
            break dir.rsplit('-').next().unwrap().to_string();
        }
    };
    Run { child, run_id, output: rx, said }
}

impl Run {
    /// Waits until the scenario in flight has created its token.
    fn wait_for_its_token(&self, url: &str) {
        wait_until("the scenario's token to exist", Duration::from_secs(60), || !active_of_run(url, &self.run_id).is_empty());
    }

    fn signal(&self, sig: i32) {
        // SAFETY: a plain kill(2) on our own child.
        unsafe {
            libc::kill(self.child.id() as i32, sig);
        }
    }

    /// The exit code, within `timeout`, and everything it printed: read
    /// until its output pipes close (no process it started holds them).
    fn finish(mut self, timeout: Duration) -> (Option<i32>, String, u32) {
        let deadline = Instant::now() + timeout;
        let mut out = std::mem::take(&mut self.said);
        loop {
            match self.output.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(line) => out.push(line),
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => panic!("the run did not stop within {timeout:?}"),
            }
        }
        let status = self.child.wait().unwrap();
        let pid = self.child.id();
        (status.code(), out.join("\n"), pid)
    }
}

fn artifacts(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ai-suite-interrupt-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A local AI Suite of its own, and a run of the main scenario against it
/// whose token exists (the scenario is in flight).
fn run_in_flight(tag: &str) -> (Server, std::path::PathBuf, Run) {
    let server = serve();
    let dir = artifacts(tag);
    let run = start_run(&server.url, &dir);
    run.wait_for_its_token(&server.url);
    (server, dir, run)
}

#[test]
fn ctrl_c_mid_scenario_revokes_quits_reports_and_exits_130() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (server, dir, run) = run_in_flight("int");
    let run_id = run.run_id.clone();
    run.signal(libc::SIGINT);
    let (code, out, pid) = run.finish(Duration::from_secs(60));
    assert_eq!(code, Some(130), "{out}");
    assert!(out.contains("INTERRUPTED: 1 scenario(s) stopped while running"), "{out}");
    assert!(out.contains("0 passed, 0 failed, 0 skipped"), "{out}");
    no_process_left(pid);
    assert_eq!(active_of_run(&server.url, &run_id), Vec::<String>::new(), "the token in flight is revoked");
    let run_dir = std::fs::read_dir(&dir).unwrap().flatten().find(|e| e.file_name().to_string_lossy().ends_with(&run_id)).unwrap().path();
    let html = std::fs::read_to_string(run_dir.join("report.html")).unwrap();
    assert!(html.contains("The run was interrupted") && html.contains(">interrupted<"), "the report marks it");
    let junit = std::fs::read_to_string(run_dir.join("junit.xml")).unwrap();
    assert!(junit.contains(r#"<error message="interrupted">"#), "{junit}");
    assert!(!dir.join("unfinished").join(format!("{run_id}.json")).exists(), "a run that cleaned up leaves no marker");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_killed_run_leaves_no_process_and_the_next_run_revokes_its_tokens() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (server, dir, run) = run_in_flight("kill");
    let run_id = run.run_id.clone();
    assert!(!processes_of(run.child.id()).is_empty(), "the run has browsers to leave behind");
    run.signal(libc::SIGKILL);
    let (_, _, pid) = run.finish(Duration::from_secs(10));
    no_process_left(pid);
    assert_eq!(active_of_run(&server.url, &run_id).len(), 1, "the killed run could not revoke its token");
    assert!(dir.join("unfinished").join(format!("{run_id}.json")).is_file(), "the killed run's marker stays");
    // The next run against the same target names the killed run and revokes what it left.
    let next = start_run(&server.url, &dir);
    let (code, out, _) = next.finish(Duration::from_secs(120));
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(&format!("an earlier run ({run_id}")), "{out}");
    assert!(out.contains("revoked 1 token(s) left by earlier killed run(s)"), "{out}");
    assert_eq!(active_of_run(&server.url, &run_id), Vec::<String>::new());
    let _ = std::fs::remove_dir_all(&dir);
}
