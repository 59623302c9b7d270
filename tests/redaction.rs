//! A secret is painted over in a screenshot even while it moves or fades in:
//! the page is read before the browser's frame is made, and a dialog opening
//! may have moved (or become opaque) by the time it is.

use std::sync::Arc;

use ai_suite_e2e::browser;
use ai_suite_e2e::config::{Config, FileConfig};
use ai_suite_e2e::evidence;
use ai_suite_e2e::pages::Ui;

const SECRET: &str = "dct_SECRET_abcdefghijklmnopqrstuvwxyz0123456789";

/// A page whose only red pixels are the secret's text; `style` sets how the
/// secret's box starts, `moved` where a 400 ms transition takes it.
fn page(start: &str, end: &str) -> String {
    // ('#' would end a data: URL: written %23.)
    format!(
        "data:text/html,<style>body{{margin:0;font:32px sans-serif;background:white}} \
         %23s{{position:absolute;top:300px;left:100px;color:rgb(255,0,0);transition:all 400ms linear;{start}}} \
         %23s.go{{{end}}}</style><div id=s>{SECRET}</div>"
    )
}

/// Red-enough pixels left in a written screenshot: any is part of the secret.
fn red_pixels(path: &std::path::Path) -> usize {
    let img = image::open(path).unwrap().to_rgba8();
    img.pixels().filter(|p| p[0] > 150 && p[1] < 110 && p[2] < 110).count()
}

/// A headless browser of its own, and a page object on it.
async fn open(tag: &str) -> (browser::Driver, browser::Session, Ui, std::path::PathBuf) {
    let config = Arc::new(Config::resolve(FileConfig::default(), &|_| None).unwrap());
    let dir = std::env::temp_dir().join(format!("ai-suite-{tag}-{}", std::process::id()));
    let driver = browser::Driver::start(&config, &dir, &dir.join("tmp")).await.unwrap();
    let session =
        browser::new_session(&config, &driver.url, driver.chromium.as_deref(), "http://127.0.0.1:1", false).await.unwrap();
    let ui = Ui::new(session.driver.clone(), config, "http://127.0.0.1:1".into(), session.input, session.chromium, session.devtools.clone());
    (driver, session, ui, dir)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secret_is_painted_over_while_it_fades_in_or_moves() {
    let (driver, session, ui, dir) = open("redaction").await;
    let secrets = vec![SECRET.to_string()];
    // (name, how it starts, where it goes, after how many frames — a dialog
    // usually starts its transition a frame or two after it is added)
    let cases = [
        ("still", "", "", 0),
        ("fading in", "opacity:0", "opacity:1", 0),
        ("sliding up", "transform:translateY(300px)", "transform:none", 0),
        ("opening like a dialog", "opacity:0;transform:translateY(40px)", "opacity:1;transform:none", 2),
    ];
    for (name, start, end, frames) in cases {
        // Several tries: each catches the transition at another moment.
        for attempt in 0..6 {
            session.driver.goto(&page(start, end)).await.unwrap();
            // The page itself shows the secret in red (the check can see it).
            if name == "still" && attempt == 0 {
                let raw = dir.join("raw.png");
                std::fs::write(&raw, session.driver.screenshot_as_png().await.unwrap()).unwrap();
                assert!(red_pixels(&raw) > 100, "the test page shows no red secret");
            }
            let go = "const go = () => document.getElementById('s').classList.add('go'); \
                      if (arguments[0] === 0) go(); else requestAnimationFrame(() => requestAnimationFrame(go));";
            ui.page.eval(go, vec![serde_json::json!(frames).into()]).await.unwrap();
            let path = dir.join(format!("{}-{attempt}.png", name.replace(' ', "-")));
            evidence::capture(&ui, &path, &secrets, false, false, None, None).await.unwrap();
            let left = red_pixels(&path);
            assert_eq!(left, 0, "{name}, try {}: {left} pixels of the secret are not painted over ({})", attempt + 1, path.display());
        }
    }
    session.driver.quit().await.unwrap();
    driver.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Before the suite has read the value (so it is no known secret yet), a
/// token that a build shows as plain text in the Token Created dialog, not in
/// a field, is painted over too.
#[tokio::test(flavor = "multi_thread")]
async fn a_token_shown_as_plain_text_in_the_dialog_is_painted_over_before_it_is_read() {
    let (driver, session, ui, dir) = open("redaction-plain").await;
    let html = format!(
        "data:text/html,<style>body{{font:28px sans-serif}} span{{color:rgb(255,0,0)}}</style>\
         <div role=dialog aria-modal=true aria-labelledby=t><h2 id=t>Token Created</h2>\
         <p>Copy the token now.</p><p><span>{SECRET}</span></p><button>Close</button></div>"
    );
    session.driver.goto(&html).await.unwrap();
    let raw = dir.join("raw.png");
    std::fs::write(&raw, session.driver.screenshot_as_png().await.unwrap()).unwrap();
    assert!(red_pixels(&raw) > 100, "the test page shows the token in red");
    let path = dir.join("plain.png");
    evidence::capture(&ui, &path, &[], false, false, None, None).await.unwrap();
    assert_eq!(red_pixels(&path), 0, "the plain-text token is painted over ({})", path.display());
    session.driver.quit().await.unwrap();
    driver.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}
