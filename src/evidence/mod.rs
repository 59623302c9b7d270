//! Evidence: a redacted screenshot after every step, named by feature, scenario
//! and step, and the failure details (step, page URL, screenshot) for reports.

pub mod aria;
pub mod audit;
pub mod docs;
pub mod report;
pub mod video;
pub mod visual;

use crate::locators::key;
use std::path::{Path, PathBuf};

use anyhow::Context;
use image::{Rgba, RgbaImage};
use serde::Deserialize;
use serde_json::json;

use crate::browser::scripts;
use crate::pages::Ui;
use crate::sync::lock;

/// The token the guide's Step 8 picture shows (docs mode, local AI Suite):
/// obviously not a real one, in the page's own font, the same in every run.
pub const EXAMPLE_TOKEN: &str = "dct_••••••••••••••••••••••••••••••••";

/// The fill colour of a redacted area.
pub const REDACTION: Rgba<u8> = Rgba([40, 40, 48, 255]);

#[derive(Debug, Deserialize)]
struct SecretsOnScreen {
    rects: Vec<SecretRect>,
    changed: bool,
}

/// Where a secret is: its element (an id of the suite's own, the same in both
/// looks around a capture) and whether it shows.
#[derive(Debug, Deserialize, Clone, Copy)]
pub struct SecretRect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub id: u64,
    pub shown: bool,
}

impl SecretRect {
    fn rect(&self) -> Rect {
        Rect { x: self.x, y: self.y, w: self.w, h: self.h }
    }
}

/// A step's capture: the dynamic regions to ignore when comparing it, and the
/// browser's image (kept so that an unchanged page is not captured again).
pub struct Captured {
    pub masks: Vec<Rect>,
    pub png: std::sync::Arc<Vec<u8>>,
}

#[derive(Debug, Deserialize, Clone, Copy)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// What to paint over when the secrets were at `before` just ahead of the
/// frame and at `after` just behind it: every one that showed either time,
/// and for each element found both times and shown at least once (fading in,
/// say), all the way it moved between the two: an opening dialog slides and
/// fades monotonically, so in the frame it was somewhere in between.
pub fn cover(before: &[SecretRect], after: &[SecretRect]) -> Vec<Rect> {
    let mut paint: Vec<Rect> = before.iter().chain(after).filter(|r| r.shown).map(SecretRect::rect).collect();
    // One element's rectangles (a text over several lines) as one box.
    let span = |rects: &[SecretRect], id: u64| -> Option<(Rect, bool)> {
        rects.iter().filter(|r| r.id == id).fold(None, |acc: Option<(Rect, bool)>, r| {
            Some(match acc {
                None => (r.rect(), r.shown),
                Some((b, shown)) => (hull(&b, &r.rect()), shown || r.shown),
            })
        })
    };
    let mut ids: Vec<u64> = after.iter().map(|r| r.id).filter(|id| *id != 0).collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        if let (Some((b, shown_before)), Some((a, shown_after))) = (span(before, id), span(after, id))
            && (shown_before || shown_after)
        {
            paint.push(hull(&b, &a));
        }
    }
    paint
}

/// The smallest rectangle holding both.
fn hull(a: &Rect, b: &Rect) -> Rect {
    let (x, y) = (a.x.min(b.x), a.y.min(b.y));
    Rect { x, y, w: (a.x + a.w).max(b.x + b.w) - x, h: (a.y + a.h).max(b.y + b.h) - y }
}

/// Paints every rectangle (padded by 2 px) with the redaction colour.
pub fn paint_over(img: &mut RgbaImage, rects: &[Rect]) {
    let (iw, ih) = img.dimensions();
    for r in rects {
        let x0 = (r.x - 2.0).floor().max(0.0) as u32;
        let y0 = (r.y - 2.0).floor().max(0.0) as u32;
        let x1 = ((r.x + r.w + 2.0).ceil() as u32).min(iw);
        let y1 = ((r.y + r.h + 2.0).ceil() as u32).min(ih);
        for y in y0..y1 {
            for x in x0..x1 {
                img.put_pixel(x, y, REDACTION);
            }
        }
    }
}

/// Screenshot files still being encoded and written, off the step's critical
/// path; [`Writes::flush`] waits for them (before reports and the leak scan).
#[derive(Default)]
pub struct Writes {
    pending: std::sync::Mutex<Vec<tokio::task::JoinHandle<anyhow::Result<()>>>>,
}

impl Writes {
    pub fn spawn(&self, job: impl FnOnce() -> anyhow::Result<()> + Send + 'static) {
        let handle = tokio::task::spawn_blocking(job);
        lock(&self.pending).push(handle);
    }

    /// Waits for every pending write; returns the errors.
    pub async fn flush(&self) -> Vec<String> {
        let handles: Vec<_> = std::mem::take(&mut *lock(&self.pending));
        let mut errors = Vec::new();
        for h in handles {
            match h.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => errors.push(format!("{e:#}")),
                Err(e) => errors.push(format!("a screenshot writer stopped: {e}")),
            }
        }
        errors
    }
}

/// Writes a screenshot: as the browser encoded it when nothing secret is on
/// screen, else decoded, painted over and re-encoded (the unredacted image
/// never touches the disk).
fn write_redacted(png: &[u8], rects: &[Rect], path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    if rects.is_empty() {
        return std::fs::write(path, png).with_context(|| format!("could not write {}", path.display()));
    }
    let mut img = image::load_from_memory(png).context("the screenshot is not a PNG")?.to_rgba8();
    paint_over(&mut img, rects);
    img.save(path).with_context(|| format!("could not write {}", path.display()))
}

/// Where the Token Created dialog's value may be, as the scripts of
/// `dialog_js` take it: the dialog and the value inside it, as XPath unions
/// (every alternative) and as the locators' alternatives (for the flat tree).
fn token_value_places(ui: &Ui) -> Vec<serde_json::Value> {
    vec![json!([
        ui.locator(key::TOKEN_CREATED_DIALOG).xpath,
        ui.locator(key::TOKEN_CREATED_VALUE).scoped(),
        ui.page_specs(key::TOKEN_CREATED_DIALOG, false),
        ui.page_specs(key::TOKEN_CREATED_VALUE, true),
    ])]
}

/// Where the secrets are on the page now (see [`scripts::SECRET_RECTS`]), the
/// change watcher left alone: for a frame made just before, with
/// [`cover`] and the look before it.
pub async fn secret_rects(ui: &Ui) -> anyhow::Result<Vec<SecretRect>> {
    let scoped = token_value_places(ui);
    let ret = ui.page.eval(scripts::SECRET_RECTS, vec![json!(crate::secret::all()).into(), json!(scoped).into(), json!(true).into()]).await?;
    serde_json::from_value(ret["rects"].clone()).context("could not tell where the secrets are on the page")
}

/// Takes a viewport screenshot and has it redacted and written: in the
/// background through `writes` when given (the next step goes on meanwhile),
/// else before returning. With `previous` (the last capture of this page),
/// a page that has not changed since is not captured again: the same image
/// is written under this step's name.
/// `freeze` (docs mode) stops transitions first; never on other targets, whose
/// scripts may wait for a `transitionend` that would then never come.
/// `example` (docs mode on the local AI Suite) shows [`EXAMPLE_TOKEN`] in the
/// Token Created dialog for the picture, then puts the real value back; the
/// painting still covers any secret left in sight.
/// Returns the rectangles of the `visual.mask` regions (dynamic content that a
/// picture comparison must ignore).
pub async fn capture(
    ui: &Ui,
    path: &Path,
    secrets: &[String],
    freeze: bool,
    example: bool,
    writes: Option<&Writes>,
    previous: Option<std::sync::Arc<Vec<u8>>>,
) -> anyhow::Result<Captured> {
    // The token value inside the Token Created dialog, even before the suite has read it.
    let scoped = token_value_places(ui);
    let example = example && freeze && ui.driver().await?.execute(scripts::SHOW_EXAMPLE_TOKEN, vec![json!(scoped), json!(EXAMPLE_TOKEN)]).await?.json().as_u64().unwrap_or(0) > 0;
    let captured = capture_frame(ui, path, secrets, &scoped, freeze, example, writes, previous).await;
    if example {
        ui.driver().await?.execute(scripts::RESTORE_EXAMPLE_TOKEN, vec![]).await.context("could not put the token back after showing the example one")?;
    }
    captured
}

#[allow(clippy::too_many_arguments)]
async fn capture_frame(
    ui: &Ui,
    path: &Path,
    secrets: &[String],
    scoped: &[serde_json::Value],
    freeze: bool,
    example: bool,
    writes: Option<&Writes>,
    previous: Option<std::sync::Arc<Vec<u8>>>,
) -> anyhow::Result<Captured> {
    let example = if example { json!(EXAMPLE_TOKEN) } else { json!(null) };
    if freeze {
        ui.driver().await?.execute(scripts::FREEZE, vec![]).await?;
        // A settled frame: fonts loaded and two frames painted since the last change.
        ui.driver().await?.set_script_timeout(std::time::Duration::from_secs(5)).await?;
        ui.driver().await?.execute_async(scripts::SETTLED, vec![]).await.context("the page did not paint a settled frame")?;
    }
    // Where the secrets are (with `true`: only that, the change watcher untouched).
    let look = |rects_only: bool| {
        ui.page.eval(scripts::SECRET_RECTS, vec![json!(secrets).into(), json!(scoped).into(), json!(rects_only).into(), example.clone().into()])
    };
    let ret = look(false).await?;
    let SecretsOnScreen { rects, changed } =
        serde_json::from_value(ret).context("could not tell where the secrets are on the page (no screenshot taken)")?;
    // Masks matter only to the docs pictures' comparison: not asked for otherwise.
    let masks: Vec<Rect> = if freeze {
        let masks = ui.driver().await?.execute(scripts::MASK_RECTS, vec![json!(ui.locator(key::VISUAL_MASK).xpath), json!(ui.page_specs(key::VISUAL_MASK, false))]).await?;
        serde_json::from_value(masks.json().clone()).unwrap_or_default()
    } else {
        Vec::new()
    };
    let (png, rects) = match previous {
        Some(png) if !changed && !freeze => (png, cover(&rects, &[])),
        _ => {
            let png = std::sync::Arc::new(screenshot(ui, freeze).await?);
            // Where the secrets are once the frame is made: a secret that moved
            // in between was somewhere between here and there.
            let again = look(true).await?;
            let after: Vec<SecretRect> = serde_json::from_value(again["rects"].clone())
                .context("could not tell where the secrets are on the page (the screenshot is not written)")?;
            (png, cover(&rects, &after))
        }
    };
    match writes {
        Some(writes) => {
            let (path, png) = (path.to_path_buf(), png.clone());
            writes.spawn(move || write_redacted(&png, &rects, &path));
        }
        None => write_redacted(&png, &rects, path)?,
    }
    Ok(Captured { masks, png })
}

/// `Page.captureScreenshot`'s parameters for a step's picture. Docs mode
/// (`freeze`): a fresh full raster of the page (captureBeyondViewport
/// re-renders everything), so partial repaints cannot leave a pixel
/// anti-aliased differently from one run to the next. Evidence: the fastest
/// encoding (larger files, same pixels).
pub fn screenshot_params(freeze: bool) -> serde_json::Value {
    if freeze {
        json!({ "format": "png", "captureBeyondViewport": true })
    } else {
        json!({ "format": "png", "optimizeForSpeed": true })
    }
}

/// The viewport as PNG bytes.
async fn screenshot(ui: &Ui, freeze: bool) -> anyhow::Result<Vec<u8>> {
    Ok(if ui.chromium {
        let shot = ui.page.cdp("Page.captureScreenshot", screenshot_params(freeze)).await.context("the browser could not take a screenshot")?;
        let data = shot["data"].as_str().context("the screenshot has no data")?;
        base64_decode(data)?
    } else {
        ui.driver().await?.screenshot_as_png().await.context("the browser could not take a screenshot")?
    })
}

/// Saves the page's DOM as a self-contained HTML file (see [`scripts::DOM_COPY`]),
/// every known secret replaced by `[REDACTED]` again on the way to the disk.
pub async fn save_dom(ui: &Ui, path: &Path) -> anyhow::Result<()> {
    let dialogs = token_value_places(ui);
    let html = ui.page.eval(scripts::DOM_COPY, vec![json!(crate::secret::all()).into(), json!(dialogs).into()]).await.context("could not read the page's DOM")?;
    let html = html.as_str().context("the page's DOM came back as no text")?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, crate::secret::redact(html)).with_context(|| format!("could not write {}", path.display()))
}

/// The drivers' logs in a run's folder (`chromedriver.log`, `geckodriver-N.log`:
/// the browsers' own output, page errors included) rewritten with every known
/// secret and every token-like word replaced, before they are kept or uploaded.
/// Returns the logs that held any.
pub fn redact_driver_logs(run_dir: &Path) -> Vec<PathBuf> {
    let mut redacted = Vec::new();
    for entry in std::fs::read_dir(run_dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if !(name.contains("driver") && name.ends_with(".log")) {
            continue;
        }
        if let Ok(text) = std::fs::read(entry.path()) {
            let text = String::from_utf8_lossy(&text);
            let clean = crate::secret::redact_token_like(&crate::secret::redact(&text));
            if clean != text && std::fs::write(entry.path(), clean).is_ok() {
                redacted.push(entry.path());
            }
        }
    }
    redacted
}

/// Files under `dir` (or `dir` itself, a file) whose bytes contain any of `secrets`.
pub fn leaks(dir: &Path, secrets: &[String]) -> anyhow::Result<Vec<PathBuf>> {
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).filter(|s| !s.is_empty()).collect();
    // Every secret in one pass over each file (the run's many token values
    // against every screenshot, DOM copy and log).
    let any_secret = aho_corasick::AhoCorasick::new(&secrets).context("could not prepare the leak scan")?;
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).with_context(|| format!("cannot list {}", path.display()))? {
                stack.push(entry?.path());
            }
            continue;
        }
        let bytes = std::fs::read(&path)?;
        if !secrets.is_empty() && any_secret.is_match(&bytes) {
            found.push(path);
        }
    }
    Ok(found)
}

fn base64_decode(data: &str) -> anyhow::Result<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(data).context("the screenshot is not base64")
}

/// `Step 4 — Click "Create Token"!` → `step-4-click-create-token`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    out.chars().take(60).collect::<String>().trim_end_matches('-').to_string()
}

/// Where one step's screenshot goes.
pub fn step_path(run_dir: &Path, feature: &str, scenario: &str, index: usize, step_text: &str) -> PathBuf {
    run_dir
        .join("screenshots")
        .join(slug(feature))
        .join(slug(scenario))
        .join(format!("{index:02}-{}.png", slug(step_text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_file_safe() {
        assert_eq!(slug("Step 4 — Click \"Create Token\"!"), "step-4-click-create-token");
        assert_eq!(slug("  a  b "), "a-b");
    }

    #[test]
    fn leaks_are_found_in_any_file() {
        let dir = std::env::temp_dir().join(format!("ai-suite-e2e-leaks-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("clean.xml"), "<ok/>").unwrap();
        std::fs::write(dir.join("sub/report.json"), "{\"msg\": \"dct_abcdefgh\"}").unwrap();
        let found = leaks(&dir, &["dct_abcdefgh".to_string()]).unwrap();
        assert_eq!(found, vec![dir.join("sub/report.json")]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_moving_secret_is_covered_along_its_way() {
        let r = |x, y, w, h, id, shown| SecretRect { x, y, w, h, id, shown };
        let at = |v: &Vec<Rect>| v.iter().map(|r| (r.x, r.y, r.w, r.h)).collect::<Vec<_>>();
        // Sliding up 20 px and growing: both ends, and the way between.
        let covered = cover(&[r(100.0, 300.0, 50.0, 20.0, 1, true)], &[r(100.0, 280.0, 60.0, 20.0, 1, true)]);
        assert_eq!(at(&covered), [(100.0, 300.0, 50.0, 20.0), (100.0, 280.0, 60.0, 20.0), (100.0, 280.0, 60.0, 40.0)]);
        // Fading in while sliding: transparent before, shown after: the way between too.
        let covered = cover(&[r(0.0, 50.0, 10.0, 10.0, 7, false)], &[r(0.0, 40.0, 10.0, 10.0, 7, true)]);
        assert_eq!(at(&covered), [(0.0, 40.0, 10.0, 10.0), (0.0, 40.0, 10.0, 20.0)]);
        // Transparent both times (a closed dialog left in the page): nothing to paint.
        assert!(cover(&[r(0.0, 0.0, 5.0, 5.0, 3, false)], &[r(0.0, 0.0, 5.0, 5.0, 3, false)]).is_empty());
        // Appeared in between, or another element: each as found.
        assert_eq!(at(&cover(&[], &[r(1.0, 2.0, 3.0, 4.0, 9, true)])), [(1.0, 2.0, 3.0, 4.0)]);
        assert_eq!(cover(&[r(0.0, 0.0, 1.0, 1.0, 1, true)], &[r(5.0, 5.0, 1.0, 1.0, 2, true)]).len(), 2);
    }

    #[test]
    fn painted_rectangles_are_solid() {
        let mut img = RgbaImage::from_pixel(20, 10, Rgba([255, 255, 255, 255]));
        paint_over(&mut img, &[Rect { x: 5.0, y: 3.0, w: 4.0, h: 2.0 }]);
        for y in 1..7 {
            for x in 3..11 {
                assert_eq!(*img.get_pixel(x, y), REDACTION, "({x},{y})");
            }
        }
        assert_eq!(*img.get_pixel(0, 0), Rgba([255, 255, 255, 255]));
    }
}
