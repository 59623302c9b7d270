//! Visual regression for the guide's pictures: compare a capture with its
//! committed baseline in `screenshots/`; on a difference, write expected,
//! actual and a diff image side by side (Playwright's toHaveScreenshot flow).

use std::path::Path;

use anyhow::{Context, bail};
use image::{Rgba, RgbaImage};

/// A pixel differs when a channel moves by more than this (anti-aliasing noise).
pub const CHANNEL_TOLERANCE: u8 = 24;
/// The images differ when more than this share of pixels differ (0.02%: about
/// 200 pixels of 1280×800; a changed word, colour or column is far more).
pub const MAX_DIFF_RATIO: f64 = 0.0002;

#[derive(Debug)]
pub struct Comparison {
    pub differing: usize,
    pub total: usize,
    pub diff: Option<RgbaImage>,
}

impl Comparison {
    pub fn matches(&self) -> bool {
        self.diff.is_none() && self.differing as f64 <= self.total as f64 * MAX_DIFF_RATIO
    }
}

pub fn compare(expected: &RgbaImage, actual: &RgbaImage) -> Comparison {
    compare_masked(expected, actual, &[])
}

/// Like [`compare`], ignoring the pixels inside `masks` (dynamic regions).
pub fn compare_masked(expected: &RgbaImage, actual: &RgbaImage, masks: &[super::Rect]) -> Comparison {
    let masked = |x: u32, y: u32| {
        let (x, y) = (x as f64, y as f64);
        masks.iter().any(|r| x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h)
    };
    if expected.dimensions() != actual.dimensions() {
        let (w, h) = actual.dimensions();
        return Comparison { differing: (w * h) as usize, total: (w * h) as usize, diff: Some(actual.clone()) };
    }
    let (w, h) = expected.dimensions();
    let mut diff = RgbaImage::new(w, h);
    let mut differing = 0;
    for (x, y, e) in expected.enumerate_pixels() {
        let a = actual.get_pixel(x, y);
        let moved = !masked(x, y) && e.0.iter().zip(a.0.iter()).any(|(p, q)| p.abs_diff(*q) > CHANNEL_TOLERANCE);
        if moved {
            differing += 1;
            diff.put_pixel(x, y, Rgba([255, 0, 0, 255]));
        } else {
            // The unchanged picture, faded, as context for the red pixels.
            let g = (e.0[0] as u32 + e.0[1] as u32 + e.0[2] as u32) / 3;
            let faded = (g / 4 + 190) as u8;
            diff.put_pixel(x, y, Rgba([faded, faded, faded, 255]));
        }
    }
    let total = (w * h) as usize;
    let over = differing as f64 > total as f64 * MAX_DIFF_RATIO;
    Comparison { differing, total, diff: over.then_some(diff) }
}

/// Compares `actual` (a PNG file) with `baseline`; on a difference writes
/// `<name>.expected.png`, `<name>.actual.png`, `<name>.diff.png` into `out_dir`.
pub fn check_against_baseline(actual: &Path, baseline: &Path, out_dir: &Path, masks: &[super::Rect]) -> anyhow::Result<()> {
    if !baseline.exists() {
        bail!(
            "no baseline {} for this picture: run `cargo run -- docs` (or set AI_SUITE_UPDATE_SCREENSHOTS=1) to create it",
            baseline.display()
        );
    }
    let expected = image::open(baseline).with_context(|| format!("cannot read {}", baseline.display()))?.to_rgba8();
    let got = image::open(actual).with_context(|| format!("cannot read {}", actual.display()))?.to_rgba8();
    let c = compare_masked(&expected, &got, masks);
    if c.matches() {
        return Ok(());
    }
    std::fs::create_dir_all(out_dir)?;
    let stem = baseline.file_stem().and_then(|s| s.to_str()).unwrap_or("picture");
    let exp = out_dir.join(format!("{stem}.expected.png"));
    let act = out_dir.join(format!("{stem}.actual.png"));
    let dif = out_dir.join(format!("{stem}.diff.png"));
    std::fs::copy(baseline, &exp)?;
    std::fs::copy(actual, &act)?;
    if let Some(d) = &c.diff {
        d.save(&dif)?;
    }
    bail!(
        "the picture differs from its baseline {}: {} of {} pixels changed (tolerance {:.2}%); see {}, {} and {}; \
         if the change is intended, run `cargo run -- docs` to update the baselines",
        baseline.display(),
        c.differing,
        c.total,
        MAX_DIFF_RATIO * 100.0,
        exp.display(),
        act.display(),
        dif.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_images_match_and_a_changed_button_does_not() {
        let a = RgbaImage::from_pixel(1280, 800, Rgba([250, 250, 250, 255]));
        assert!(compare(&a, &a).matches());
        let mut b = a.clone();
        for y in 100..130 {
            for x in 100..200 {
                b.put_pixel(x, y, Rgba([109, 74, 255, 255]));
            }
        }
        let c = compare(&a, &b);
        assert_eq!(c.differing, 3000);
        assert!(!c.matches());
        // Anti-aliasing noise stays within the tolerance.
        let mut n = a.clone();
        n.put_pixel(5, 5, Rgba([240, 240, 240, 255]));
        assert!(compare(&a, &n).matches());
    }

    #[test]
    fn a_changed_picture_fails_with_expected_actual_and_diff_images() {
        let dir = std::env::temp_dir().join(format!("ai-suite-e2e-visual-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let base = RgbaImage::from_pixel(200, 100, Rgba([255, 255, 255, 255]));
        let mut changed = base.clone();
        for x in 10..60 {
            changed.put_pixel(x, 10, Rgba([0, 0, 0, 255]));
        }
        base.save(dir.join("pic.png")).unwrap();
        changed.save(dir.join("now.png")).unwrap();
        let e = check_against_baseline(&dir.join("now.png"), &dir.join("pic.png"), &dir.join("out"), &[]).unwrap_err();
        assert!(e.to_string().contains("50 of 20000 pixels changed"), "{e}");
        for f in ["pic.expected.png", "pic.actual.png", "pic.diff.png"] {
            assert!(dir.join("out").join(f).exists(), "{f}");
        }
        check_against_baseline(&dir.join("pic.png"), &dir.join("pic.png"), &dir.join("out"), &[]).unwrap();
        // A masked dynamic region may change freely.
        let mask = crate::evidence::Rect { x: 0.0, y: 0.0, w: 100.0, h: 20.0 };
        check_against_baseline(&dir.join("now.png"), &dir.join("pic.png"), &dir.join("out"), &[mask]).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
