//! Chromium's own floor under the main scenario, on this machine: what any
//! suite driving this browser pays, measured in a browser of its own on the
//! local AI Suite's first page (see docs/performance.md, "Where the main
//! scenario's 0.6× target stops"). Printed by `bench`; never a timed test.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use serde_json::json;

use super::{median, ms};
use crate::browser::contexts::{Browsers, Kind, Launcher};
use crate::browser::page::Page;
use crate::browser::scripts;

/// Screenshots and frame waits timed, each after a change on the page.
const FRAMES: usize = 9;
/// New contexts axe-core is loaded and run in.
const CONTEXTS: usize = 3;

/// Measures and prints the floor; Chromium only (the main scenario's
/// comparison is Chromium's). A floor that cannot be measured is said, and
/// the bench goes on.
pub async fn print() {
    match measure_all().await {
        Ok(None) => println!("Chromium's floor: not measured (the configured browser is not a local Chromium)"),
        Ok(Some(f)) => {
            println!("Chromium's own floor here (a browser of its own on the local AI Suite's first page):");
            println!("  browser start (ChromeDriver's new session, its first tab ready), once: {}", ms(f.start));
            println!(
                "  after a change on the page, median of {FRAMES}: a screenshot of the viewport {}, of an 8×8 clip {}; two animation frames {}",
                ms(f.viewport),
                ms(f.clip),
                ms(f.frames)
            );
            println!(
                "  axe-core in a new context, median of {CONTEXTS}: loading it {}, its first audit {}, the next {}",
                ms(f.axe_load),
                ms(f.axe_first),
                ms(f.axe_next)
            );
        }
        Err(e) => println!("Chromium's floor: not measured ({e:#})"),
    }
}

/// The floor, in a browser, driver and local AI Suite of its own, all
/// stopped again whatever happened.
async fn measure_all() -> anyhow::Result<Option<Floor>> {
    let config = std::sync::Arc::new(crate::config::Config::load(&crate::config::process_env)?);
    if config.browser != crate::config::BrowserName::Chromium || config.webdriver_url.is_some() {
        return Ok(None);
    }
    let tmp = crate::browser::BrowserTemp::new(&format!("floor-{}", std::process::id()))?;
    let suite = crate::local_suite::LocalSuite::start(crate::local_suite::Options::default()).await?;
    let measured = async {
        let driver = crate::browser::Driver::start(&config, &tmp.path, &tmp.path).await?;
        let measured = match driver.chromium.clone() {
            Some(chromium) => {
                let kind = Kind::Chromium { driver_url: driver.url.clone(), chromium };
                let browsers = Browsers::new(Launcher { config: config.clone(), base_url: suite.url.clone(), kind }, 1);
                let measured = measure(&browsers, &config, &suite.url).await;
                browsers.quit_all().await;
                measured
            }
            None => Err(anyhow::anyhow!("the driver started no local Chromium")),
        };
        driver.stop().await;
        measured
    }
    .await;
    suite.stop().await;
    measured.context("could not measure Chromium's floor").map(Some)
}

struct Floor {
    start: Duration,
    viewport: Duration,
    clip: Duration,
    frames: Duration,
    axe_load: Duration,
    axe_first: Duration,
    axe_next: Duration,
}

async fn measure(browsers: &Browsers, config: &crate::config::Config, url: &str) -> anyhow::Result<Floor> {
    let started = Instant::now();
    let lease = browsers.open(false).await?;
    let start = started.elapsed();
    let page = lease.session.page();
    let frames = frames(&page, config, url).await;
    browsers.close(lease).await;
    let (viewport, clip, frames) = frames?;
    let (mut load, mut first, mut next) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..CONTEXTS {
        let lease = browsers.open(false).await?;
        let audited = axe(&lease.session.page(), config, url).await;
        browsers.close(lease).await;
        let (l, f, n) = audited?;
        load.push(l);
        first.push(f);
        next.push(n);
    }
    Ok(Floor {
        start,
        viewport: median(viewport),
        clip: median(clip),
        frames: median(frames),
        axe_load: median(load),
        axe_first: median(first),
        axe_next: median(next),
    })
}

/// A screenshot of the viewport, of an 8×8 clip, and two animation frames,
/// each timed after a change on the page, [`FRAMES`] times.
async fn frames(page: &Page, config: &crate::config::Config, url: &str) -> anyhow::Result<(Vec<Duration>, Vec<Duration>, Vec<Duration>)> {
    page.navigate(url, config.page_load, config.poll).await?;
    // As a step's evidence is captured, and the same for an 8×8 corner.
    let viewport = crate::evidence::screenshot_params(false);
    let mut clip = viewport.clone();
    clip["clip"] = json!({ "x": 0, "y": 0, "width": 8, "height": 8, "scale": 1 });
    let two_frames = "return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))));";
    let mut times = (Vec::new(), Vec::new(), Vec::new());
    let mut change = 0;
    for _ in 0..FRAMES {
        change += 1;
        times.0.push(after_change(page, change, capture(page, viewport.clone())).await?);
        change += 1;
        times.1.push(after_change(page, change, capture(page, clip.clone())).await?);
        change += 1;
        times.2.push(after_change(page, change, async { page.eval(two_frames, vec![]).await.map(drop) }).await?);
    }
    Ok(times)
}

/// axe-core loaded into a new context's page, its first audit and the next.
async fn axe(page: &Page, config: &crate::config::Config, url: &str) -> anyhow::Result<(Duration, Duration, Duration)> {
    page.navigate(url, config.page_load, config.poll).await?;
    let load = timed(crate::evidence::aria::load_axe(page)).await?;
    let audit = || async {
        let answer = page.eval(scripts::AXE_AUDIT, vec![json!(scripts::AXE_VERSION).into(), json!(crate::evidence::audit::TAGS).into()]).await?;
        anyhow::ensure!(answer["violations"].is_array(), "axe-core answered no audit: {answer}");
        Ok(())
    };
    Ok((load, timed(audit()).await?, timed(audit()).await?))
}

async fn capture(page: &Page, params: serde_json::Value) -> anyhow::Result<()> {
    let shot = page.cdp("Page.captureScreenshot", params).await?;
    anyhow::ensure!(shot["data"].is_string(), "the browser took no screenshot");
    Ok(())
}

/// How long `then` takes once the page has changed: a ring drawn just
/// inside the viewport's edge (the 8×8 clip's corner too), or taken away,
/// in turn; something new to paint, as after a step.
async fn after_change(page: &Page, i: usize, then: impl Future<Output = anyhow::Result<()>>) -> anyhow::Result<Duration> {
    let outline = if i % 2 == 1 { "3px solid rgb(200, 0, 0)" } else { "" };
    let draw = "document.body.style.outlineOffset = '-3px'; document.body.style.outline = arguments[0];";
    page.eval(draw, vec![json!(outline).into()]).await?;
    timed(then).await
}

async fn timed(work: impl Future<Output = anyhow::Result<()>>) -> anyhow::Result<Duration> {
    let t = Instant::now();
    work.await?;
    Ok(t.elapsed())
}
