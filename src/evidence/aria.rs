//! ARIA snapshots: a screen as a screen reader meets it, as text a reviewer
//! reads in a diff. The page-side walk (`js/aria_snapshot.js`, roles and
//! names by axe-core) gives a tree; here it becomes YAML close to
//! Playwright's `toMatchAriaSnapshot` format —
//!
//! ```yaml
//! - dialog "Create API Token":
//!   - heading "Create API Token" [level=2]
//!   - textbox "Token Name" [required]: QA-Test-Token
//!   - button "Create" [disabled]
//! ```
//!
//! — with every known secret replaced by the redaction mark, and two
//! snapshots compare as a tree diff: each change under the path of the
//! nodes it sits in.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::browser::scripts;
use crate::pages::Ui;

/// One line of the tree: text, or a node with a role.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Entry {
    Text(String),
    Node {
        role: String,
        name: String,
        /// `[name, value]`: `true` is a flag (`[disabled]`), anything else `[level=2]`.
        states: Vec<(String, Value)>,
        value: Option<String>,
        children: Vec<Entry>,
    },
}

#[derive(Debug, Deserialize)]
struct Answer {
    #[serde(default, rename = "needsAxe")]
    needs_axe: bool,
    #[serde(default)]
    entries: Vec<Entry>,
}

/// Runs a script that needs axe-core in the page, loading it first when the
/// script answers that the page has none (a new document).
pub async fn with_axe(ui: &Ui, script: &str, args: Vec<Value>) -> anyhow::Result<Value> {
    let call = || {
        let mut all = vec![json!(scripts::AXE_VERSION).into()];
        all.extend(args.iter().cloned().map(Into::into));
        ui.page.eval(script, all)
    };
    let answer = call().await?;
    if answer["needsAxe"] != json!(true) {
        return Ok(answer);
    }
    load_axe(&ui.page).await?;
    let answer = call().await?;
    if answer["needsAxe"] == json!(true) {
        anyhow::bail!("axe-core was loaded into the page and gone at once (the page navigated?)");
    }
    Ok(answer)
}

/// Loads axe-core into the page's document; an error unless it then answers its version.
pub async fn load_axe(page: &crate::browser::page::Page) -> anyhow::Result<()> {
    let loaded = page.eval(scripts::AXE_LOAD, vec![]).await.map_err(|e| anyhow::anyhow!("could not load axe-core into the page: {e:#}"))?;
    if loaded != json!(scripts::AXE_VERSION) {
        anyhow::bail!("axe-core {} did not load into the page (it answers {loaded})", scripts::AXE_VERSION);
    }
    Ok(())
}

/// The page's snapshot as YAML: the region the page is about (its open
/// dialog, else its open menu, else its main area), or with `whole` the
/// whole page; secrets redacted.
pub async fn take(ui: &Ui, whole: bool) -> anyhow::Result<String> {
    let answer = with_axe(ui, scripts::ARIA_SNAPSHOT, vec![json!(whole)]).await?;
    let answer: Answer = serde_json::from_value(answer).map_err(|e| anyhow::anyhow!("the page's ARIA snapshot is not a tree: {e}"))?;
    debug_assert!(!answer.needs_axe);
    Ok(crate::secret::redact(&to_yaml(&answer.entries)))
}

/// The tree as YAML lines, two spaces a level.
pub fn to_yaml(entries: &[Entry]) -> String {
    let mut out = String::new();
    write_entries(&mut out, entries, 0);
    out
}

fn write_entries(out: &mut String, entries: &[Entry], depth: usize) {
    let indent = "  ".repeat(depth);
    for entry in entries {
        match entry {
            Entry::Text(text) => out.push_str(&format!("{indent}- text: {}\n", scalar(text))),
            Entry::Node { role, name, states, value, children } => {
                let mut line = format!("{indent}- {role}");
                if !name.is_empty() {
                    line.push(' ');
                    line.push_str(&json!(name).to_string());
                }
                for (state, v) in states {
                    match v {
                        Value::Bool(true) => line.push_str(&format!(" [{state}]")),
                        Value::String(s) => line.push_str(&format!(" [{state}={s}]")),
                        other => line.push_str(&format!(" [{state}={other}]")),
                    }
                }
                if let Some(v) = value {
                    line.push_str(&format!(": {}", scalar(v)));
                } else if !children.is_empty() {
                    line.push(':');
                }
                out.push_str(&line);
                out.push('\n');
                write_entries(out, children, depth + 1);
            }
        }
    }
}

/// A YAML scalar: plain where YAML reads it back as the same text, else quoted.
fn scalar(text: &str) -> String {
    let special_start = text.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c) || c.is_whitespace());
    let ambiguous = matches!(text.to_ascii_lowercase().as_str(), "" | "true" | "false" | "null" | "yes" | "no" | "~") || text.parse::<f64>().is_ok();
    if special_start || ambiguous || text.contains(": ") || text.contains(" #") || text.ends_with(':') || text.ends_with(char::is_whitespace) {
        json!(text).to_string()
    } else {
        text.to_string()
    }
}

/// How `actual` differs from `expected`, as a tree diff (None: the same):
/// each change with the path of the nodes it sits in and a line of context.
pub fn diff(expected: &str, actual: &str) -> Option<String> {
    if expected == actual {
        return None;
    }
    let old: Vec<&str> = expected.lines().collect();
    let new: Vec<&str> = actual.lines().collect();
    let changes = similar::TextDiff::from_slices(&old, &new);
    let mut out = String::new();
    for group in changes.grouped_ops(1) {
        // Where the change is: the nodes above its first line.
        let first = group.iter().find(|op| op.tag() != similar::DiffTag::Equal).unwrap_or(&group[0]);
        let (lines, at) = match first.tag() {
            similar::DiffTag::Insert => (&new, first.new_range().start),
            _ => (&old, first.old_range().start),
        };
        let path = ancestors(lines, at);
        out.push_str(&format!("  in {}:\n", if path.is_empty() { "the region's top level".to_string() } else { path.join(" > ") }));
        for op in &group {
            for change in changes.iter_changes(op) {
                let sign = match change.tag() {
                    similar::ChangeTag::Equal => ' ',
                    similar::ChangeTag::Delete => '-',
                    similar::ChangeTag::Insert => '+',
                };
                out.push_str(&format!("    {sign} {}\n", change.value()));
            }
        }
    }
    Some(out)
}

/// The nodes a line sits in: the nearest lines above it with less indentation.
fn ancestors(lines: &[&str], at: usize) -> Vec<String> {
    let depth = |l: &str| l.len() - l.trim_start().len();
    let Some(mut limit) = lines.get(at).map(|l| depth(l)) else { return Vec::new() };
    let mut path = Vec::new();
    for line in lines[..at.min(lines.len())].iter().rev() {
        if depth(line) < limit {
            limit = depth(line);
            let node = line.trim_start().trim_start_matches("- ");
            let node = node.split(": ").next().unwrap_or(node).trim_end_matches(':');
            path.push(node.to_string());
        }
        if limit == 0 {
            break;
        }
    }
    path.reverse();
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(role: &str, name: &str, states: Vec<(&str, Value)>, value: Option<&str>, children: Vec<Entry>) -> Entry {
        Entry::Node {
            role: role.into(),
            name: name.into(),
            states: states.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            value: value.map(str::to_string),
            children,
        }
    }

    fn dialog(title: &str, create: &str) -> String {
        to_yaml(&[node(
            "dialog",
            title,
            vec![],
            None,
            vec![
                node("heading", title, vec![("level", json!(2))], None, vec![]),
                node("textbox", "Token Name", vec![("required", json!(true))], Some("QA-Test-Token"), vec![]),
                node("textbox", "Expiry Date", vec![], Some("2026-04-11"), vec![]),
                Entry::Text("The token is shown once: copy it now.".into()),
                node("button", create, vec![("disabled", json!(true))], None, vec![]),
            ],
        )])
    }

    #[test]
    fn a_tree_reads_as_playwright_like_yaml() {
        assert_eq!(
            dialog("Create API Token", "Create"),
            "- dialog \"Create API Token\":\n  \
             - heading \"Create API Token\" [level=2]\n  \
             - textbox \"Token Name\" [required]: QA-Test-Token\n  \
             - textbox \"Expiry Date\": 2026-04-11\n  \
             - text: \"The token is shown once: copy it now.\"\n  \
             - button \"Create\" [disabled]\n"
        );
    }

    #[test]
    fn scalars_are_quoted_only_where_yaml_would_misread_them() {
        assert_eq!(scalar("QA-Test-Token"), "QA-Test-Token");
        assert_eq!(scalar("Active"), "Active");
        assert_eq!(scalar("- not a list"), "\"- not a list\"");
        assert_eq!(scalar("2026"), "\"2026\"");
        assert_eq!(scalar("true"), "\"true\"");
        assert_eq!(scalar("Status: Active"), "\"Status: Active\"");
        assert_eq!(scalar("say \"hi\""), "say \"hi\"");
    }

    #[test]
    fn the_same_tree_has_no_diff() {
        assert_eq!(diff(&dialog("Create API Token", "Create"), &dialog("Create API Token", "Create")), None);
    }

    #[test]
    fn a_renamed_button_is_shown_where_it_sits() {
        let d = diff(&dialog("Create API Token", "Create"), &dialog("Create API Token", "Create token")).expect("a diff");
        assert!(d.contains("in dialog \"Create API Token\":"), "{d}");
        assert!(d.contains("    -   - button \"Create\" [disabled]"), "{d}");
        assert!(d.contains("    +   - button \"Create token\" [disabled]"), "{d}");
        // One line of context, not the whole tree.
        assert!(!d.contains("Token Name"), "{d}");
    }

    #[test]
    fn a_changed_dialog_title_and_column_header_are_diffs() {
        let d = diff(&dialog("Create API Token", "Create"), &dialog("New API Token", "Create")).expect("a diff");
        assert!(d.contains("- - dialog \"Create API Token\":") && d.contains("+ - dialog \"New API Token\":"), "{d}");
        let table = |header: &str| {
            to_yaml(&[node(
                "table",
                "API Tokens",
                vec![],
                None,
                vec![node("row", "", vec![], None, vec![node("columnheader", "Name", vec![], None, vec![]), node("columnheader", header, vec![], None, vec![])])],
            )])
        };
        let d = diff(&table("Last Used"), &table("Last used")).expect("a diff");
        assert!(d.contains("in table \"API Tokens\" > row:"), "{d}");
        assert!(d.contains("-     - columnheader \"Last Used\"") && d.contains("+     - columnheader \"Last used\""), "{d}");
    }

    #[test]
    fn entries_read_from_the_page_answer() {
        let answer: Answer = serde_json::from_value(json!({ "entries": [
            { "role": "button", "name": "Copy", "states": [["expanded", false]], "value": null, "children": [] },
            "Shown once"
        ] }))
        .unwrap();
        assert_eq!(to_yaml(&answer.entries), "- button \"Copy\" [expanded=false]\n- text: Shown once\n");
    }
}
