//! A scenario's video, on request (`--video retain-on-failure`, as
//! Playwright's option): the browser's screencast of the tab, each frame
//! redacted by the screenshots' rule before it is kept — where the secrets
//! were before the frame was made and just after it arrived, and all the way
//! between — then, when the
//! scenario failed, encoded as an animated GIF that a browser plays; thrown
//! away when it passed. A frame whose secrets cannot be located stops the
//! recording: no video is written, and the report says why.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use base64::Engine as _;
use serde_json::json;
use tokio::sync::{Notify, mpsc};

use super::{Rect, SecretRect, cover, paint_over, secret_rects};
use crate::pages::Ui;
use crate::results::VideoRecord;
use crate::sync::lock;

/// Frames at most this wide or high (CSS px of the viewport are scaled down).
const MAX_SIDE: u32 = 800;

/// A frame as the browser sent it.
struct Raw {
    data: String,
    session: i64,
    /// Seconds (the browser's clock) and the viewport's width in CSS px.
    at: f64,
    css_width: f64,
}

#[derive(Default)]
struct Kept {
    /// Redacted frames as JPEG, with the browser's time of each.
    frames: Vec<(f64, Vec<u8>)>,
    /// Why the recording stopped: a frame that could not be redacted.
    broken: Option<String>,
}

/// The screencast of one scenario's tab.
pub struct Recording {
    ui: Ui,
    kept: Arc<Mutex<Kept>>,
    stop: Arc<Notify>,
    task: tokio::task::JoinHandle<()>,
}

impl Recording {
    /// Starts the screencast; an error when the tab has no DevTools channel.
    pub async fn start(ui: &Ui) -> anyhow::Result<Self> {
        let devtools = ui.page.devtools.clone().context("no video: the suite has no DevTools channel to this browser's tab")?;
        let (tx, mut rx) = mpsc::unbounded_channel::<Raw>();
        devtools.listen(Box::new(move |method, p| {
            if method == "Page.screencastFrame" {
                let _ = tx.send(Raw {
                    data: p["data"].as_str().unwrap_or_default().to_string(),
                    session: p["sessionId"].as_i64().unwrap_or_default(),
                    at: p["metadata"]["timestamp"].as_f64().unwrap_or_default(),
                    css_width: p["metadata"]["deviceWidth"].as_f64().unwrap_or_default(),
                });
            }
        }));
        let kept: Arc<Mutex<Kept>> = Default::default();
        let stop = Arc::new(Notify::new());
        let first = secret_rects(ui).await.context("no video: the page's secrets could not be located before the first frame")?;
        let task = {
            let (ui, kept, stop) = (ui.clone(), kept.clone(), stop.clone());
            tokio::spawn(async move {
                // The browser may make a frame before the previous one is
                // acknowledged (two in flight), but not before the one before
                // that was: the looks after the last two frames are both
                // "before" the next one.
                let (mut older, mut last) = (first.clone(), first);
                loop {
                    let raw = tokio::select! {
                        raw = rx.recv() => match raw { Some(raw) => raw, None => break },
                        _ = stop.notified() => break,
                    };
                    let before: Vec<SecretRect> = older.iter().chain(&last).copied().collect();
                    match redacted(&ui, &raw, &before).await {
                        Ok((jpeg, after)) => {
                            older = std::mem::replace(&mut last, after);
                            lock(&kept).frames.push((raw.at, jpeg));
                        }
                        Err(e) => {
                            lock(&kept).broken = Some(crate::secret::redact(&format!("a frame could not be redacted ({e:#}), so no video is kept")));
                            let _ = ui.page.cdp("Page.stopScreencast", json!({})).await;
                            break;
                        }
                    }
                    // The next frame is made after this answer: the look above is "before" it.
                    let _ = ui.page.cdp("Page.screencastFrameAck", json!({ "sessionId": raw.session })).await;
                }
            })
        };
        // Made before the screencast starts: if it cannot start, dropping this ends the task.
        let recording = Self { ui: ui.clone(), kept, stop, task };
        let side = MAX_SIDE as f64;
        ui.page
            .cdp("Page.startScreencast", json!({ "format": "jpeg", "quality": 70, "maxWidth": side, "maxHeight": side, "everyNthFrame": 1 }))
            .await
            .context("no video: the browser would not start its screencast")?;
        Ok(recording)
    }

    /// Stops the screencast; when `keep`, writes the frames to `path` (an
    /// animated GIF) and says where, else says nothing was kept.
    pub async fn finish(mut self, keep: bool, path: &Path) -> VideoRecord {
        let _ = self.ui.page.cdp("Page.stopScreencast", json!({})).await;
        self.stop.notify_one();
        let _ = (&mut self.task).await;
        let kept = std::mem::take(&mut *lock(&self.kept));
        if let Some(why) = kept.broken {
            return VideoRecord { file: None, note: why };
        }
        if !keep {
            return VideoRecord { file: None, note: "the scenario passed: its video was not kept".into() };
        }
        if kept.frames.is_empty() {
            return VideoRecord { file: None, note: "the browser sent no frame".into() };
        }
        let n = kept.frames.len();
        let target = path.to_path_buf();
        match tokio::task::spawn_blocking(move || encode(&kept.frames, &target)).await {
            Ok(Ok(())) => VideoRecord { file: Some(path.to_path_buf()), note: format!("{n} frames") },
            Ok(Err(e)) => VideoRecord { file: None, note: format!("the video could not be written: {e:#}") },
            Err(e) => VideoRecord { file: None, note: format!("the video encoder stopped: {e}") },
        }
    }
}

/// A recording never finished (its scenario's session went away, the run
/// stopped): its task ends with it, and with the task its hold on the tab.
impl Drop for Recording {
    fn drop(&mut self) {
        self.stop.notify_one();
        self.task.abort();
    }
}

/// One frame, painted where the secrets were when it was made; and where they are now.
async fn redacted(ui: &Ui, raw: &Raw, before: &[SecretRect]) -> anyhow::Result<(Vec<u8>, Vec<SecretRect>)> {
    let after = secret_rects(ui).await?;
    let paint = cover(before, &after);
    let data = base64::engine::general_purpose::STANDARD.decode(&raw.data).context("the frame is not base64")?;
    let css_width = raw.css_width;
    let jpeg = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<u8>> {
        let mut img = image::load_from_memory(&data).context("the frame is not an image")?.to_rgba8();
        // The frame is the viewport scaled down: the rectangles (CSS px) too.
        let scale = if css_width > 0.0 { img.width() as f64 / css_width } else { 1.0 };
        let scaled: Vec<Rect> = paint.iter().map(|r| Rect { x: r.x * scale, y: r.y * scale, w: r.w * scale, h: r.h * scale }).collect();
        paint_over(&mut img, &scaled);
        let mut out = Vec::new();
        image::DynamicImage::ImageRgba8(img).to_rgb8().write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg)?;
        Ok(out)
    })
    .await??;
    Ok((jpeg, after))
}

/// The frames as an animated GIF, each shown until the next one was made.
fn encode(frames: &[(f64, Vec<u8>)], path: &Path) -> anyhow::Result<()> {
    use image::codecs::gif::{GifEncoder, Repeat};
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let file = std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut gif = GifEncoder::new_with_speed(std::io::BufWriter::new(file), 30);
    gif.set_repeat(Repeat::Infinite)?;
    for (i, (at, jpeg)) in frames.iter().enumerate() {
        let img = image::load_from_memory(jpeg)?.to_rgba8();
        let shown = frames.get(i + 1).map(|(next, _)| next - at).unwrap_or(1.5).clamp(0.02, 5.0);
        let delay = image::Delay::from_numer_denom_ms((shown * 1000.0) as u32, 1);
        gif.encode_frame(image::Frame::from_parts(img, 0, 0, delay))?;
    }
    Ok(())
}

/// Where a scenario's video goes.
pub fn path(run_dir: &Path, feature: &str, scenario: &str) -> PathBuf {
    run_dir.join("videos").join(super::slug(feature)).join(format!("{}.gif", super::slug(scenario)))
}
