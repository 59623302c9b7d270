//! The drift check against a published guide: the page docs mode generates
//! (no drift), the reference guide (its own, exact drift), and copies a
//! writer edited, each requiring exactly the drift it is; `--fix` writes a
//! rewording back into a copy of the feature and the drift is gone.

use std::path::{Path, PathBuf};

use ai_suite_e2e::evidence::docs::{self, DOCS_FEATURE, SCREENSHOTS_DIR};

mod common;
use common::run_binary;

/// A docs repository's checkout as GitBook keeps it: the page the features
/// make and the suite's pictures in `.gitbook/assets/`.
struct DocsRepo {
    dir: PathBuf,
}

impl DocsRepo {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("ai-suite-drift-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("access-control")).unwrap();
        std::fs::create_dir_all(dir.join(".gitbook/assets")).unwrap();
        let page = docs::render(Path::new(DOCS_FEATURE), "../.gitbook/assets/").unwrap();
        std::fs::write(dir.join("access-control/user-tokens.md"), page).unwrap();
        for e in std::fs::read_dir(SCREENSHOTS_DIR).unwrap().flatten() {
            if e.path().extension().is_some_and(|x| x == "png") {
                std::fs::copy(e.path(), dir.join(".gitbook/assets").join(e.file_name())).unwrap();
            }
        }
        Self { dir }
    }

    /// A copy of the docs feature for `--fix` to write into (the repository's stays as it is).
    fn feature_copy(&self) -> PathBuf {
        let feature = self.dir.join("guide.feature");
        std::fs::copy(DOCS_FEATURE, &feature).unwrap();
        feature
    }

    fn page(&self) -> PathBuf {
        self.dir.join("access-control/user-tokens.md")
    }

    /// The writer's edit: `from` (which must be there once) becomes `to`.
    fn edit(&self, from: &str, to: &str) -> &Self {
        let text = std::fs::read_to_string(self.page()).unwrap();
        assert_eq!(text.matches(from).count(), 1, "{from:?} is not in the page once");
        std::fs::write(self.page(), text.replacen(from, to, 1)).unwrap();
        self
    }

    fn drift(&self, extra: &[&str]) -> (i32, String) {
        let dir = self.dir.to_string_lossy().to_string();
        let mut args = vec!["drift", dir.as_str()];
        args.extend(extra);
        run_binary(&[], &args)
    }
}

impl Drop for DocsRepo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The rows of the section table that are not "same".
fn drifting(out: &str) -> Vec<String> {
    out.lines()
        .take_while(|l| !l.starts_with("| UI name"))
        .filter(|l| l.starts_with("| ") && !l.starts_with("| section ") && !l.ends_with("| same |"))
        .map(str::to_string)
        .collect()
}

fn sections(out: &str) -> usize {
    out.lines().take_while(|l| !l.starts_with("| UI name")).filter(|l| l.starts_with("| ") && !l.starts_with("| section ")).count()
}

#[test]
fn the_page_docs_mode_generates_agrees_with_the_suite() {
    let repo = DocsRepo::new("same");
    let (code, out) = repo.drift(&[]);
    assert_eq!(code, 0, "{out}");
    assert!(drifting(&out).is_empty(), "{out}");
    assert_eq!(sections(&out), 10, "title, prerequisites and 8 steps: {out}");
    assert!(out.contains("no drift: the published page and the suite agree (10 sections)"), "{out}");
    // Every bold UI name is found by a locator, or is text the suite's own page has too.
    assert!(out.contains("| Create Token | profile.create_token |"), "{out}");
    assert!(out.contains("| Token Created | token_created.dialog |"), "{out}");
    assert!(!out.contains("| NO:"), "{out}");
}

#[test]
fn the_reference_guide_differs_only_where_it_is_a_brief_not_the_published_page() {
    let guide = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/user-tokens-guide.md");
    // The fixture is the reference guide, kept in the repository (a clone has no ../shared).
    let shared = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/reference/user-tokens-guide.md");
    if let Ok(reference) = std::fs::read_to_string(shared) {
        assert_eq!(std::fs::read_to_string(guide).unwrap(), reference, "tests/fixtures/user-tokens-guide.md is not the reference guide: copy it again");
    }
    let (code, out) = run_binary(&[], &["drift", guide]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        drifting(&out),
        [
            "| User Tokens — the product documentation this suite encodes | text changed: heading: User Tokens {+— the product documentation this suite encodes+}; \
             text: This {+is the published user guide for … the published page. This+} document explains how to create a new API Token in the DuploCloud AI Suite, using the User Tokens tab and the Profile page. |",
            "| Step 8 — Copy the Token | text changed: picture only in the suite: \"Step 8 — The new token in the API Tokens table\" (user-tokens-step-09-final-list.png) |",
            "| How this guide is published (facts about the real page) | only in the published page |",
        ],
        "{out}"
    );
    assert!(out.contains("note: the published page marks no UI names in bold"), "{out}");
    // Its one bold word is in its own section about publishing, which the suite does not have.
    assert!(out.contains("| bold | NO: no locator finds \"bold\" by this text (only a section the suite does not have names it"), "{out}");
    assert!(out.contains("note: the published page names some pictures by caption only"), "{out}");
    // Its wording has no Markdown: written into the feature it would drop the bold and code.
    let feature = std::env::temp_dir().join(format!("ai-suite-drift-brief-{}.feature", std::process::id()));
    std::fs::copy(DOCS_FEATURE, &feature).unwrap();
    let (_, out) = run_binary(&[], &["drift", guide, "--fix", "--feature", &feature.to_string_lossy()]);
    assert!(out.contains("--fix: nothing written: the published page marks no UI names in bold"), "{out}");
    assert_eq!(std::fs::read_to_string(&feature).unwrap(), std::fs::read_to_string(DOCS_FEATURE).unwrap());
    let _ = std::fs::remove_file(&feature);
}

#[test]
fn a_renamed_step_is_text_changed_and_fix_writes_it_back() {
    let repo = DocsRepo::new("renamed");
    repo.edit("## Step 5 — Enter a Token Name", "## Step 5 — Type a Token Name");
    let (code, out) = repo.drift(&[]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(drifting(&out), ["| Step 5 — Type a Token Name | text changed: heading: Step 5 — [-Enter-]{+Type+} a Token Name |"], "{out}");
    // --fix on a copy of the feature: the heading goes into its doc string, no step changes.
    let feature = repo.feature_copy();
    let f = feature.to_string_lossy().to_string();
    let (code, out) = repo.drift(&["--fix", "--feature", &f]);
    assert_eq!(code, 1, "the run that fixes still reports the drift it found: {out}");
    assert!(out.contains("--fix: wrote the published wording of 1 section into"), "{out}");
    let (before, after) = (std::fs::read_to_string(DOCS_FEATURE).unwrap(), std::fs::read_to_string(&feature).unwrap());
    let changed: Vec<(&str, &str)> = before.lines().zip(after.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(changed, [("      ## Step 5 — Enter a Token Name", "      ## Step 5 — Type a Token Name")]);
    assert_eq!(before.lines().count(), after.lines().count());
    let (code, out) = repo.drift(&["--feature", &f]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_reworded_paragraph_is_fixed_into_the_doc_string_and_nothing_else() {
    let repo = DocsRepo::new("reworded");
    repo.edit("type a descriptive name for the token.", "type a short, descriptive name for the token (it is shown in the table).");
    let (code, out) = repo.drift(&[]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        drifting(&out),
        ["| Step 5 — Enter a Token Name | text changed: text: Click the Token Name field and type a {+short,+} descriptive name for the [-token.-]{+token (it is shown in the table).+} In this example: QA-Test-Token |"],
        "{out}"
    );
    let feature = repo.feature_copy();
    let f = feature.to_string_lossy().to_string();
    let (_, out) = repo.drift(&["--fix", "--feature", &f]);
    assert!(out.contains("--fix: wrote the published wording of 1 section"), "{out}");
    let after = std::fs::read_to_string(&feature).unwrap();
    assert!(after.contains("      Click the **Token Name** field and type a short, descriptive name for the token (it is shown in the table).\n"), "{after}");
    let steps = |t: &str| t.lines().filter(|l| !l.starts_with("      ")).map(str::to_string).collect::<Vec<_>>();
    assert_eq!(steps(&after), steps(&std::fs::read_to_string(DOCS_FEATURE).unwrap()), "steps and assertions are never touched");
    let (code, out) = repo.drift(&["--feature", &f]);
    assert_eq!(code, 0, "{out}");
}

/// A feature file with Windows line ends stays one: only the reworded line changes.
#[test]
fn fix_keeps_a_feature_file_s_line_ends() {
    let repo = DocsRepo::new("crlf");
    repo.edit("type a descriptive name for the token.", "type a short name for the token.");
    let feature = repo.dir.join("guide.feature");
    let crlf = std::fs::read_to_string(DOCS_FEATURE).unwrap().replace('\n', "\r\n");
    std::fs::write(&feature, &crlf).unwrap();
    let (_, out) = repo.drift(&["--fix", "--feature", &feature.to_string_lossy()]);
    assert!(out.contains("--fix: wrote the published wording of 1 section"), "{out}");
    let after = std::fs::read_to_string(&feature).unwrap();
    assert_eq!(after.matches("\r\n").count(), crlf.matches("\r\n").count(), "every line still ends in CRLF");
    assert_eq!(after.matches('\n').count(), after.matches("\r\n").count());
    assert!(after.contains("      Click the **Token Name** field and type a short name for the token.\r\n"), "{after}");
}

#[test]
fn a_changed_button_label_names_the_locator_that_no_longer_finds_it() {
    let repo = DocsRepo::new("label");
    repo.edit("Click the **Create Token** button", "Click the **New Token** button");
    let (code, out) = repo.drift(&[]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        drifting(&out),
        ["| Step 4 — Click \"Create Token\" | text changed: text: … Tokens section. Click the [-Create-]{+New+} Token button on the …; UI names in bold: \"API Tokens\", \"New Token\", \"Create API Token\", \"Token Name\", \"Expiry Date\" (the suite: \"API Tokens\", \"Create Token\", \"Create API Token\", \"Token Name\", \"Expiry Date\") |"],
        "{out}"
    );
    assert!(out.contains("| New Token | NO: no locator finds \"New Token\" by this text"), "{out}");
    let feature = repo.feature_copy();
    let (_, out) = repo.drift(&["--fix", "--feature", &feature.to_string_lossy()]);
    assert!(out.contains("--fix: nothing to write back"), "{out}");
    assert!(out.contains("--fix left: Step 4 — Click \"Create Token\": not only wording (UI names in bold"), "{out}");
    assert_eq!(std::fs::read_to_string(&feature).unwrap(), std::fs::read_to_string(DOCS_FEATURE).unwrap());
}

#[test]
fn a_new_step_is_only_in_the_published_page() {
    let repo = DocsRepo::new("new-step");
    let text = std::fs::read_to_string(repo.page()).unwrap();
    std::fs::write(
        repo.page(),
        format!("{text}\n***\n\n## Step 9 — Use the Token\n\nOpen the **API Explorer** and send it in the `Authorization` header of every API call: `Bearer <token>`.\n"),
    )
    .unwrap();
    let (code, out) = repo.drift(&[]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(drifting(&out), ["| Step 9 — Use the Token | only in the published page |"], "{out}");
    assert!(out.contains("| API Explorer | NO: no locator finds \"API Explorer\" by this text (only a section the suite does not have names it: its steps, and their locators, are to be written) |"), "{out}");
}

#[test]
fn a_changed_expiry_rule_is_the_important_rule_changed() {
    let repo = DocsRepo::new("rule");
    repo.edit("must be greater than today's date", "must be at least 7 days after today's date");
    let (code, out) = repo.drift(&[]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        drifting(&out),
        ["| Step 6 — Set the Expiry Date | text changed: Important rule: The expiry date must be [-greater than-]{+at least 7 days after+} today's date or the form will reject it. |"],
        "{out}"
    );
}

#[test]
fn a_missing_picture_and_a_picture_that_no_longer_matches_are_named() {
    let repo = DocsRepo::new("pictures");
    let assets = repo.dir.join(".gitbook/assets");
    std::fs::remove_file(assets.join("user-tokens-step-05-name-filled.png")).unwrap();
    // Step 3's picture as an older product drew it: a block of the page changed.
    let mut old = image::open(assets.join("user-tokens-step-03-profile-page.png")).unwrap().to_rgba8();
    for y in 300..360 {
        for x in 400..700 {
            old.put_pixel(x, y, image::Rgba([20, 120, 40, 255]));
        }
    }
    old.save(assets.join("user-tokens-step-03-profile-page.png")).unwrap();
    let (code, out) = repo.drift(&[]);
    assert_eq!(code, 1, "{out}");
    let rows = drifting(&out);
    assert_eq!(rows.len(), 2, "{out}");
    // 300×60 pixels repainted: nearly all count (a few where the page already had that colour, or its edges' anti-aliasing, may not).
    let prefix = "| Step 3 — Click \"Profile\" | text changed: picture user-tokens-step-03-profile-page.png no longer matches the suite's (";
    assert!(rows[0].starts_with(prefix), "{out}");
    let differing: usize = rows[0][prefix.len()..].split(' ').next().unwrap().parse().unwrap();
    assert!((15_000..=18_000).contains(&differing) && rows[0].contains(" of 1024000 pixels differ"), "{out}");
    let missing = repo.dir.join(".gitbook/assets/user-tokens-step-05-name-filled.png");
    assert_eq!(rows[1], format!("| Step 5 — Enter a Token Name | text changed: missing picture: \"Step 5 — Token name filled\" links {}, which does not exist |", missing.display()), "{out}");
}

#[test]
fn a_page_that_cannot_be_read_exits_3_naming_why() {
    let (code, out) = run_binary(&[], &["drift", "/nonexistent/docs"]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("/nonexistent/docs does not exist: give the published page"), "{out}");
    let empty = std::env::temp_dir().join(format!("ai-suite-drift-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let (code, out) = run_binary(&[], &["drift", &empty.to_string_lossy()]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("is a folder without access-control/user-tokens.md"), "{out}");
    std::fs::write(empty.join("page.md"), [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let (code, out) = run_binary(&[], &["drift", &empty.join("page.md").to_string_lossy()]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("is not UTF-8 text"), "{out}");
    let _ = std::fs::remove_dir_all(&empty);
}
