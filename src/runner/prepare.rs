//! The run's first stage: the configuration and the command line's rules,
//! the prerequisites, the target, the artifacts folder, the driver and the
//! browsers, and the run's shared context.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use chrono::NaiveDate;

use super::phases::Phases;
use super::selection::{Selection, select_shard};
use super::{Opts, Started};
use crate::browser::display::Display;
use crate::browser::{self, Driver};
use crate::config::{Config, Target};
use crate::local_suite::{self, LocalSuite};
use crate::run_context::{BrowserSource, CURRENT, DocsMode, RunContext};
use crate::sync::lock;

/// The clock of docs mode: the guide's example expiry (2026-04-11) is today + 30 days.
pub const DOCS_TODAY: &str = "2026-03-12";
const DOCS_SEED: u64 = 20260411;

/// The human's token the harness puts in the local AI Suite before a run: the guide's example name.
pub const HUMAN_TOKEN: &str = "QA-Test-Token";

/// What [`prepare`] set up for the run.
pub(super) struct Prepared {
    pub(super) opts: Opts,
    pub(super) ctx: Arc<RunContext>,
    /// One shard of a split run: the scenarios it runs.
    pub(super) shard: Option<Selection>,
    /// The command line's options, as given (kept in the run's record).
    pub(super) args: Vec<String>,
    /// How long starting the run took, stage by stage.
    pub(super) phases: Phases,
}

/// Configuration and command-line rules, prerequisites, the target (the
/// local AI Suite or a reachable URL), the artifacts folder, ChromeDriver and
/// the browsers' source, and the run's shared context.
pub(super) async fn prepare(mut opts: Opts, display: &Display, started: &mut Started, quiet: bool) -> anyhow::Result<Prepared> {
    let mut config = Config::load(&crate::config::process_env)?;
    skip_destructive(&mut opts, &config)?;
    let shard = match opts.custom.shard {
        Some(shard) => {
            let durations = opts.custom.shard_durations.clone();
            Some(select_shard(&mut opts, shard, durations.as_deref())?)
        }
        None => None,
    };
    let docs = apply_flags(&mut opts, &mut config)?;
    let audits = audits(&opts, &config)?;
    let mut phases = Phases::default();
    // Prerequisites first: nothing is started if the browser is missing.
    let checked = std::time::Instant::now();
    check_prerequisites(&config)?;
    let (run_id, run_dir) = new_run_dir(&config)?;
    browser::diagnose::check_display(config.headed && docs.is_none(), display.name.as_deref())?;
    // Profiles where their sockets' paths stay short, whatever the checkout's path.
    let temp = started.temp.insert(browser::BrowserTemp::new(&run_id)?).path.clone();
    phases.add("prerequisites", checked.elapsed());
    // The target and the driver do not wait for each other.
    let (target, driver) = phases
        .time("target and driver", async {
            tokio::join!(start_target(&opts, &config, docs, started), Driver::start(&config, &run_dir, &temp))
        })
        .await;
    let driver = driver.map(|d| started.driver.insert(d));
    let (base_url, local_today) = target?;
    let driver = driver?;
    if started.local.is_some() {
        use local_suite::{QA_EMAIL, QA_NAME, QA_PASSWORD, QA_ROLE};
        config.local_user(QA_EMAIL, QA_PASSWORD, QA_NAME, QA_ROLE);
    }
    let earlier = crate::unfinished::earlier(&config.artifacts_dir, &base_url);
    announce_earlier(&earlier, &base_url);
    started.marker = Some(crate::unfinished::mark(&config.artifacts_dir, &run_id, &base_url, started.local.is_some())?);
    started.memory = Some(crate::memory::PeakMemory::watch(driver.process_group()));
    let config = Arc::new(config);
    let source = browser_source(driver, &config, &base_url, display);
    let ctx = Arc::new(RunContext::new(config, base_url.clone(), run_id, run_dir.clone(), local_today, source, docs, earlier, audits));
    started.context = Some(ctx.clone());
    *lock(&CURRENT) = Some(ctx.clone());
    if !quiet {
        println!("target: {base_url}{}", if started.local.is_some() { " (local AI Suite)" } else { "" });
        println!("artifacts: {}", run_dir.display());
    }
    Ok(Prepared { opts, ctx, shard, args: Vec::new(), phases })
}

/// The accessibility audit's mode — as set, else `fail` on the local AI
/// Suite as shipped (no `--variant`: another build's markup is not ours to
/// hold to our bar) and `report` elsewhere — and its accepted violations.
fn audits(opts: &Opts, config: &Config) -> anyhow::Result<crate::evidence::audit::Audits> {
    use crate::config::AccessibilityMode;
    let shipped = config.is_local() && opts.custom.variants.is_empty();
    let mode = config.accessibility.unwrap_or(if shipped { AccessibilityMode::Fail } else { AccessibilityMode::Report });
    let accepted = match &config.accessibility_baseline {
        Some(path) => crate::evidence::audit::load_baseline(path).context("AI_SUITE_ACCESSIBILITY_BASELINE / [run] accessibility_baseline")?,
        None => Vec::new(),
    };
    Ok(crate::evidence::audit::Audits::new(mode, accepted))
}

/// Against a real target, scenarios that create many tokens (@destructive)
/// run only when asked: by tags, or AI_SUITE_ALLOW_DESTRUCTIVE=1.
fn skip_destructive(opts: &mut Opts, config: &Config) -> anyhow::Result<()> {
    if let Target::Remote { url } = &config.target
        && opts.tags_filter.is_none()
        && opts.re_filter.is_none()
        && crate::config::process_env("AI_SUITE_ALLOW_DESTRUCTIVE").is_none()
    {
        opts.tags_filter = Some("not @destructive".parse().map_err(|e| anyhow::anyhow!("tag filter: {e:?}"))?);
        println!("note: @destructive scenarios are skipped against {url}; set AI_SUITE_ALLOW_DESTRUCTIVE=1 or --tags to run them");
    }
    Ok(())
}

/// The suite's own flags over the configuration (`--headed`, `--video`,
/// `--browser`, `--today`, and cucumber's `-c`), and docs mode's rules;
/// returns docs mode when asked.
fn apply_flags(opts: &mut Opts, config: &mut Config) -> anyhow::Result<Option<DocsMode>> {
    // Cucumber runs this many scenarios at once: the browsers are one per slot.
    if let Some(slots) = opts.runner.concurrency {
        config.concurrency = slots.max(1);
    }
    if opts.custom.headed {
        config.headed = true;
    }
    if let Some(video) = opts.custom.video {
        config.video = video;
    }
    if let Some(browser) = opts.custom.browser {
        config.browser = browser;
    }
    let docs = opts.custom.docs.then(|| DocsMode {
        update: opts.custom.update_screenshots
            || crate::config::process_env("AI_SUITE_UPDATE_SCREENSHOTS").is_some_and(|v| v != "0"),
    });
    if docs.is_some() {
        let Target::Local { today } = &mut config.target else {
            anyhow::bail!("docs mode runs against the local AI Suite only: unset AI_SUITE_URL");
        };
        today.get_or_insert(NaiveDate::parse_from_str(DOCS_TODAY, "%Y-%m-%d")?);
        config.concurrency = 1;
        // Cucumber's own `-c` would run more at once than the one slot.
        opts.runner.concurrency = Some(1);
    }
    if let (Some(today), Target::Local { today: t }) = (opts.custom.today, &mut config.target) {
        *t = Some(today);
    }
    Ok(docs)
}

/// The browser and its driver are there (unless a remote WebDriver serves them).
fn check_prerequisites(config: &Config) -> anyhow::Result<()> {
    if config.webdriver_url.is_none() {
        match config.browser {
            crate::config::BrowserName::Chromium => {
                browser::find_chromium(config)?;
                browser::find_chromedriver(config)?;
            }
            crate::config::BrowserName::Firefox => {
                browser::firefox::find_firefox(config)?;
                browser::firefox::find_geckodriver(config)?;
            }
        }
    }
    Ok(())
}

/// The run's id (six letters) and its artifacts folder, created.
fn new_run_dir(config: &Config) -> anyhow::Result<(String, PathBuf)> {
    let run_id: String = {
        use rand::Rng;
        let mut rng = rand::thread_rng();
        (0..6).map(|_| (b'a' + rng.gen_range(0..26)) as char).collect()
    };
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    let run_dir = std::path::absolute(config.artifacts_dir.join(format!("run-{stamp}-{run_id}")))?;
    std::fs::create_dir_all(&run_dir).with_context(|| format!("could not create the artifacts folder {}", run_dir.display()))?;
    Ok((run_id, run_dir))
}

/// Starts the local AI Suite (its tokens before the run noted in `started`)
/// or checks that the remote target answers; returns its URL and, for the
/// local AI Suite, its "today".
async fn start_target(
    opts: &Opts,
    config: &Config,
    docs: Option<DocsMode>,
    started: &mut Started,
) -> anyhow::Result<(String, Option<NaiveDate>)> {
    match &config.target {
        Target::Local { today } => {
            let faults = local_suite::Faults::parse(&opts.custom.faults)?;
            let seed = docs.map(|_| DOCS_SEED);
            let variants = opts.custom.variants.clone();
            let suite = LocalSuite::start(local_suite::Options {
                today: *today,
                faults,
                seed,
                variants,
                session_lifetime: opts.custom.session_lifetime_s.map(std::time::Duration::from_secs),
                ..Default::default()
            }).await?;
            let url = suite.url.clone();
            let today = suite.store.clock().today();
            // A human's live token with the guide's example name: the run must leave it be.
            if docs.is_none() {
                suite.store.seed_human_token(HUMAN_TOKEN);
            }
            started.local_before = suite.store.all_tokens().into_iter().map(|t| (t.id, t.name, t.status)).collect();
            started.local = Some(suite);
            Ok((url, Some(today)))
        }
        Target::Remote { url } => {
            check_reachable(url).await?;
            Ok((url.clone(), None))
        }
    }
}

/// Says which earlier runs against this target were killed before their
/// clean-up, or ended with tokens they could not revoke.
fn announce_earlier(earlier: &[crate::unfinished::Earlier], base_url: &str) {
    for e in earlier {
        if e.left.is_empty() {
            println!(
                "note: an earlier run ({}, started {}) against {base_url} was killed before its clean-up; tokens it may \
                 have left are named *-{}-<n>; this run revokes them after its first passing scenario",
                e.run_id, e.started, e.run_id,
            );
        } else {
            let names: Vec<String> =
                e.left.iter().map(|t| t.id.as_ref().map(|id| format!("{} (id {id})", t.name)).unwrap_or_else(|| t.name.clone())).collect();
            println!(
                "note: an earlier run ({}, started {}) against {base_url} ended with tokens it could not revoke: {}; \
                 this run revokes them (and any other *-{}-<n>) after its first passing scenario",
                e.run_id,
                e.started,
                names.join("; "),
                e.run_id,
            );
        }
    }
}

/// Where the scenarios' browsers come from: one browser per slot and a
/// context per scenario, with our own ChromeDriver or geckodrivers, or on a
/// remote WebDriver (a session per scenario there when it has no WebDriver BiDi).
fn browser_source(driver: &Driver, config: &Arc<Config>, base_url: &str, display: &Display) -> BrowserSource {
    use browser::contexts::{Browsers, Kind, Launcher};
    let kind = match (&driver.chromium, &driver.firefox) {
        (Some(chromium), _) => Kind::Chromium { driver_url: driver.url.clone(), chromium: chromium.clone() },
        (None, Some(firefox)) => Kind::Firefox(firefox.clone()),
        (None, None) => Kind::Remote { driver_url: driver.url.clone() },
    };
    let browsers = Browsers::new(Launcher { config: config.clone(), base_url: base_url.to_string(), kind }, config.concurrency);
    BrowserSource {
        browsers,
        display: display.name.clone(),
        display_note: display.note.clone(),
    }
}

/// Fails fast, with the cause, when the target does not answer.
async fn check_reachable(url: &str) -> anyhow::Result<()> {
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(15)).build()?;
    client.get(url).send().await.map_err(|e| {
        anyhow::anyhow!("the target {url} is unreachable ({e}); check AI_SUITE_URL and that the server is up")
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser as _;

    fn config() -> Config {
        Config::resolve(crate::config::FileConfig::default(), &|_: &str| None).unwrap()
    }

    /// `-c N` runs N scenarios at once: the run's browsers are planned for N
    /// slots (one browser each; a left-over processor readies the next context).
    #[test]
    fn the_command_lines_concurrency_sets_the_slots() {
        let mut c = config();
        assert_eq!(c.concurrency, 2, "the default this test changes");
        apply_flags(&mut Opts::try_parse_from(["ai-suite-e2e", "-c", "1"]).unwrap(), &mut c).unwrap();
        assert_eq!(c.concurrency, 1);
        let mut c = config();
        apply_flags(&mut Opts::try_parse_from(["ai-suite-e2e"]).unwrap(), &mut c).unwrap();
        assert_eq!(c.concurrency, 2, "without -c the configuration's stands");
    }
}
