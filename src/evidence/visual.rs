//! Visual regression for the guide's pictures: compare a capture with its
//! committed baseline in `screenshots/`; on a difference, write expected,
//! actual and a diff image side by side (Playwright's toHaveScreenshot flow).

use std::path::Path;

use anyhow::{Context, bail};
use image::RgbaImage;

/// A pixel differs when its colour moves by more than this share of the
/// largest perceptual (YIQ) difference: pixelmatch's default, which a changed
/// word, colour or border exceeds and a font's anti-aliasing does not.
pub const COLOUR_THRESHOLD: f64 = 0.1;
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
/// Pixels are compared by blazediff: a perceptual colour difference, with
/// anti-aliased pixels (the edges of text and shapes, which move by a pixel
/// between browser builds) left out; the diff image shows differing pixels in
/// red and anti-aliasing in yellow over the faded picture.
pub fn compare_masked(expected: &RgbaImage, actual: &RgbaImage, masks: &[super::Rect]) -> Comparison {
    let (w, h) = actual.dimensions();
    let total = (w * h) as usize;
    if expected.dimensions() != actual.dimensions() {
        return Comparison { differing: total, total, diff: Some(actual.clone()) };
    }
    // A masked pixel is the expected one: it cannot differ.
    let mut actual = actual.clone();
    for r in masks {
        let (x0, y0) = (r.x.max(0.0).floor() as u32, r.y.max(0.0).floor() as u32);
        let (x1, y1) = (((r.x + r.w).ceil().max(0.0) as u32).min(w), ((r.y + r.h).ceil().max(0.0) as u32).min(h));
        for y in y0..y1 {
            for x in x0..x1 {
                actual.put_pixel(x, y, *expected.get_pixel(x, y));
            }
        }
    }
    let image = |i: &RgbaImage| blazediff::Image { data: i.as_raw().clone(), width: w, height: h };
    let mut out = blazediff::Image::new(w, h);
    let options = blazediff::DiffOptions { threshold: COLOUR_THRESHOLD, include_aa: false, ..Default::default() };
    let differing = match blazediff::diff(&image(expected), &image(&actual), Some(&mut out), &options) {
        Ok(result) => result.diff_count as usize,
        Err(_) => total,
    };
    let over = differing as f64 > total as f64 * MAX_DIFF_RATIO;
    let diff = over.then(|| RgbaImage::from_raw(w, h, out.data).unwrap_or_else(|| actual.clone()));
    Comparison { differing, total, diff }
}

/// A browser build as the baselines record it (`Chrome/156.0.8078.108`,
/// `firefox 153.8.0`): its name and major version.
pub fn major(build: &str) -> Option<(&str, &str)> {
    let (name, version) = build.trim().split_once(['/', ' '])?;
    let major = version.split('.').next().filter(|m| !m.is_empty() && m.chars().all(|c| c.is_ascii_digit()))?;
    Some((name, major))
}

/// Whether captures of `browser` compare with baselines made by `baselines`:
/// the same browser and major version (a patch release renders the same page
/// within the tolerance; a new major may change fonts and controls).
pub fn comparable(baselines: &str, browser: &str) -> bool {
    major(baselines).is_some() && major(baselines) == major(browser)
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
        "the picture differs from its baseline {}: {} of {} pixels changed (perceptually, anti-aliasing left out; tolerance {:.2}%); see {}, {} and {}; \
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
    use image::Rgba;

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
        // A faint change of colour is below the perceptual threshold.
        let mut n = a.clone();
        n.put_pixel(5, 5, Rgba([240, 240, 240, 255]));
        assert_eq!(compare(&a, &n).differing, 0);
    }

    /// The edge of a glyph drawn one step lighter or darker (what a browser
    /// patch release's font rasteriser does) is anti-aliasing, not a difference.
    #[test]
    fn anti_aliased_edges_that_move_do_not_count() {
        let mut a = RgbaImage::from_pixel(60, 40, Rgba([255, 255, 255, 255]));
        let mut b = a.clone();
        // A dark vertical stroke with a grey anti-aliased edge, the edge shade moved in b.
        for y in 10..30 {
            for x in 20..23 {
                a.put_pixel(x, y, Rgba([0, 0, 0, 255]));
                b.put_pixel(x, y, Rgba([0, 0, 0, 255]));
            }
            a.put_pixel(23, y, Rgba([150, 150, 150, 255]));
            b.put_pixel(23, y, Rgba([110, 110, 110, 255]));
        }
        let c = compare(&a, &b);
        assert_eq!(c.differing, 0, "{c:?}");
    }

    #[test]
    fn baselines_compare_within_a_major_version_of_the_same_browser() {
        assert!(comparable("Chrome/156.0.8078.108\n", "Chrome/156.0.8078.114"));
        assert!(!comparable("Chrome/156.0.8078.108", "Chrome/157.0.7000.1"));
        assert!(!comparable("Chrome/156.0.8078.108", "firefox 156.0"));
        assert!(comparable("firefox 153.8.0", "firefox 153.9.1"));
        assert!(!comparable("", "Chrome/156.0.8078.114"));
        assert_eq!(major("HeadlessChrome/156.0.1"), Some(("HeadlessChrome", "156")));
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
