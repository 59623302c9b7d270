//! The guide, regenerated: `docs/user-tokens.md` is built from the `@docs`
//! feature's doc strings (one edit to the feature updates the test and the
//! page) and links the pictures the run captured, in GitBook's conventions.

use std::path::Path;

use anyhow::{Context, bail};
use cucumber::gherkin::{self, GherkinEnv};

pub const DOCS_FEATURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/features/user_tokens_guide.feature");
pub const DOCS_PAGE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/user-tokens.md");
pub const SCREENSHOTS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/screenshots");
/// Where the committed page finds its pictures (GitBook: `../.gitbook/assets/`).
pub const DEFAULT_ASSETS: &str = "../screenshots/";

/// A picture marker in a doc string: `![caption](file.png)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Picture {
    pub caption: String,
    pub file: String,
}

pub fn pictures(docstring: &str) -> Vec<Picture> {
    let mut out = Vec::new();
    let mut rest = docstring;
    while let Some(start) = rest.find("![") {
        let after = &rest[start + 2..];
        let Some(mid) = after.find("](") else { break };
        let Some(end) = after[mid + 2..].find(')') else { break };
        out.push(Picture { caption: after[..mid].to_string(), file: after[mid + 2..mid + 2 + end].to_string() });
        rest = &after[mid + 2 + end..];
    }
    out
}

/// A doc string of the `@docs` scenario (its Background's first), as the
/// feature file holds it.
#[derive(Clone, Debug)]
pub struct DocString {
    pub text: String,
    /// The line (1-based) of the step it belongs to.
    pub step_line: usize,
}

/// The doc strings the page is built from, in the page's order.
pub fn doc_strings(feature_path: &Path) -> anyhow::Result<Vec<DocString>> {
    let feature = gherkin::Feature::parse_path(feature_path, GherkinEnv::default())
        .with_context(|| format!("cannot parse {}", feature_path.display()))?;
    let scenario = feature
        .scenarios
        .iter()
        .find(|s| s.tags.iter().any(|t| t == "docs"))
        .or_else(|| feature.tags.iter().any(|t| t == "docs").then(|| feature.scenarios.first()).flatten())
        .context("no @docs scenario in the docs feature")?;
    let steps = feature.background.iter().flat_map(|b| b.steps.iter()).chain(scenario.steps.iter());
    let docs: Vec<DocString> =
        steps.filter_map(|step| step.docstring.as_ref().map(|doc| DocString { text: doc.replace("\r\n", "\n").trim().to_string(), step_line: step.position.line })).collect();
    if docs.is_empty() {
        bail!("the @docs scenario has no doc strings to build the page from");
    }
    Ok(docs)
}

/// Renders the page from the feature file; picture paths get `assets` in front.
pub fn render(feature_path: &Path, assets: &str) -> anyhow::Result<String> {
    let mut page = String::new();
    for doc in doc_strings(feature_path)? {
        let mut text = doc.text;
        for p in pictures(&text) {
            text = text.replace(&format!("]({})", p.file), &format!("]({assets}{})", p.file));
        }
        if !page.is_empty() {
            // A doc string that opens a section starts with a heading; others continue the last one.
            page.push_str(if text.starts_with('#') { "\n\n***\n\n" } else { "\n\n" });
        }
        page.push_str(&text);
    }
    page.push('\n');
    Ok(page)
}

/// Writes the page (the committed `docs/user-tokens.md`, or elsewhere).
pub fn write(path: &Path, assets: &str) -> anyhow::Result<()> {
    let page = render(Path::new(DOCS_FEATURE), assets)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, page).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picture_markers_are_found() {
        let p = pictures("Text\n\n![Step 1 — User Tokens tab](user-tokens-step-01-user-tokens-tab.png)\n");
        assert_eq!(p, vec![Picture { caption: "Step 1 — User Tokens tab".into(), file: "user-tokens-step-01-user-tokens-tab.png".into() }]);
    }

    /// The committed page is exactly what the feature file produces (a golden file).
    #[test]
    fn the_committed_page_is_up_to_date() {
        let page = render(Path::new(DOCS_FEATURE), DEFAULT_ASSETS).unwrap();
        let committed = std::fs::read_to_string(DOCS_PAGE).unwrap_or_default();
        assert!(page == committed, "docs/user-tokens.md is stale: run `cargo run -- docs`");
    }

    #[test]
    fn the_page_follows_the_published_layout() {
        let page = render(Path::new(DOCS_FEATURE), "../.gitbook/assets/").unwrap();
        assert!(page.starts_with("# User Tokens\n"));
        assert!(page.contains("\n***\n\n## Prerequisites\n\n- Access to the DuploCloud AI Suite admin panel"));
        for n in 1..=8 {
            assert!(page.contains(&format!("## Step {n} — ")), "Step {n} heading");
        }
        for file in [
            "user-tokens-step-01-user-tokens-tab.png",
            "user-tokens-step-02-profile-dropdown.png",
            "user-tokens-step-03-profile-page.png",
            "user-tokens-step-04-create-token-modal.png",
            "user-tokens-step-05-name-filled.png",
            "user-tokens-step-06-expiry-set.png",
            "user-tokens-step-07-ready-to-submit.png",
            "user-tokens-step-08-token-created.png",
            "user-tokens-step-09-final-list.png",
        ] {
            assert!(page.contains(&format!("](../.gitbook/assets/{file})")), "{file}");
        }
        assert!(page.contains("> **Important:** The expiry date must be greater than today's date"));
        assert!(page.contains("`QA-Test-Token`") && page.contains("`2026-04-11`"));
    }
}
