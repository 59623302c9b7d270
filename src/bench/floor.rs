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

/// Measures and prints the floor; Chromium only (the main scenario's comparison is Chromium's).
pub async fn print() -> anyhow::Result<()> {
    let config = std::sync::Arc::new(crate::config::Config::load(&crate::config::process_env)?);
    if config.browser != crate::config::BrowserName::Chromium || config.webdriver_url.is_some() {
        println!("Chromium's floor: not measured (the configured browser is not a local Chromium)");
        return Ok(());
    }
    let suite = crate::local_suite::LocalSuite::start(crate::local_suite::Options::default()).await?;
    let tmp = crate::browser::BrowserTemp::new(&format!("floor{}", std::process::id()))?;
    let measured = async {
        let driver = crate::browser::Driver::start(&config, &tmp.path, &tmp.path).await?;
        let chromium = driver.chromium.clone().context("no local Chromium")?;
        let kind = Kind::Chromium { driver_url: driver.url.clone(), chromium };
        let browsers = Browsers::new(Launcher { config: config.clone(), base_url: suite.url.clone(), kind }, 1);
        let measured = measure(&browsers, &config, &suite.url).await;
        browsers.quit_all().await;
        driver.stop().await;
        measured
    }
    .await;
    suite.stop().await;
    let f = measured.context("could not measure Chromium's floor")?;
    println!("Chromium's own floor here (a browser of its own on the local AI Suite's first page):");
    println!("  browser start (ChromeDriver's new session, its first tab ready): {}", ms(f.start));
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
    Ok(())
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
    page.navigate(url, config.page_load, config.poll).await?;
    let (mut viewport, mut clip, mut frames) = (Vec::new(), Vec::new(), Vec::new());
    let mut change = 0;
    for _ in 0..FRAMES {
        change += 1;
        viewport.push(after_change(&page, change, capture(&page, json!({ "format": "png", "optimizeForSpeed": true }))).await?);
        let small = json!({ "format": "png", "optimizeForSpeed": true, "clip": { "x": 0, "y": 0, "width": 8, "height": 8, "scale": 1 } });
        change += 1;
        clip.push(after_change(&page, change, capture(&page, small)).await?);
        let two = page.eval("return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))));", vec![]);
        change += 1;
        frames.push(after_change(&page, change, async { two.await.map(drop) }).await?);
    }
    browsers.close(lease).await;
    let (mut load, mut first, mut next) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..CONTEXTS {
        let lease = browsers.open(false).await?;
        let page = lease.session.page();
        page.navigate(url, config.page_load, config.poll).await?;
        load.push(timed(async { page.eval(scripts::AXE_LOAD, vec![]).await.map(drop) }).await?);
        let audit = || async {
            let answer = page.eval(scripts::AXE_AUDIT, vec![json!(scripts::AXE_VERSION).into(), json!(crate::evidence::audit::TAGS).into()]).await?;
            anyhow::ensure!(answer["violations"].is_array(), "axe-core answered no audit: {answer}");
            Ok(())
        };
        first.push(timed(audit()).await?);
        next.push(timed(audit()).await?);
        browsers.close(lease).await;
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

async fn capture(page: &Page, params: serde_json::Value) -> anyhow::Result<()> {
    let shot = page.cdp("Page.captureScreenshot", params).await?;
    anyhow::ensure!(shot["data"].is_string(), "the browser took no screenshot");
    Ok(())
}

/// How long `then` takes once the page has changed (an outline drawn or
/// removed: something to paint, as after a step).
async fn after_change(page: &Page, i: usize, then: impl Future<Output = anyhow::Result<()>>) -> anyhow::Result<Duration> {
    let outline = if i % 2 == 1 { "3px solid rgb(200, 0, 0)" } else { "" };
    page.eval("document.documentElement.style.outline = arguments[0];", vec![json!(outline).into()]).await?;
    timed(then).await
}

async fn timed(work: impl Future<Output = anyhow::Result<()>>) -> anyhow::Result<Duration> {
    let t = Instant::now();
    work.await?;
    Ok(t.elapsed())
}
