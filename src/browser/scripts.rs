//! The page-side scripts: what runs in the browser, kept as JavaScript files
//! in `src/browser/js/`. Each file is either a library of declarations
//! (`flat_tree.js`, `locate.js`, `describe.js`, `token_dialog.js`) or a small
//! module with an entry function; a script here is the libraries it needs,
//! its file, and a call of the entry with the script's arguments (WebDriver's
//! and DevTools' scripts are function bodies: `arguments` are theirs). The
//! files are syntax-checked, and every script compiled as the browser gets
//! it, by `cargo test` (see the tests below and `tests/page_scripts.rs`).

/// A file of `js/`, by its name without `.js`.
macro_rules! js_file {
    ($name:literal) => {
        include_str!(concat!("js/", $name, ".js"))
    };
}

/// A script: the libraries, then the file, then `return entry(...arguments);`.
macro_rules! script {
    ($entry:literal in $file:literal $(, needs $($lib:literal),+)?) => {
        concat!($($(js_file!($lib), "\n",)+)? js_file!($file), "\nreturn ", $entry, "(...arguments);")
    };
}

/// Every file, for the checks.
pub const FILES: &[(&str, &str)] = &[
    ("flat_tree", js_file!("flat_tree")),
    ("locate", js_file!("locate")),
    ("describe", js_file!("describe")),
    ("token_dialog", js_file!("token_dialog")),
    ("find", js_file!("find")),
    ("candidates", js_file!("candidates")),
    ("labelled_fields", js_file!("labelled_fields")),
    ("ax_candidates", js_file!("ax_candidates")),
    ("visible_matches", js_file!("visible_matches")),
    ("region", js_file!("region")),
    ("painted_background", js_file!("painted_background")),
    ("page_text", js_file!("page_text")),
    ("click_point", js_file!("click_point")),
    ("focus_select", js_file!("focus_select")),
    ("secret_rects", js_file!("secret_rects")),
    ("example_token", js_file!("example_token")),
    ("freeze", js_file!("freeze")),
    ("settled", js_file!("settled")),
    ("mask_rects", js_file!("mask_rects")),
    ("dom_copy", js_file!("dom_copy")),
    ("field_label", js_file!("field_label")),
    ("set_value", js_file!("set_value")),
    ("field_refusal", js_file!("field_refusal")),
    ("sign_in_error", js_file!("sign_in_error")),
    ("control_name", js_file!("control_name")),
    ("read_table", js_file!("read_table")),
    ("token_looking", js_file!("token_looking")),
    ("clipboard_read", js_file!("clipboard_read")),
    ("repair_props", js_file!("repair_props")),
    ("fingerprint", js_file!("fingerprint")),
    ("suggest", js_file!("suggest")),
    ("bidi_call", js_file!("bidi_call")),
    ("animation_speed", js_file!("animation_speed")),
    ("aria_snapshot", js_file!("aria_snapshot")),
    ("axe_version", js_file!("axe_version")),
    ("axe_audit", js_file!("axe_audit")),
    ("screen_key", js_file!("screen_key")),
    ("focus_state", js_file!("focus_state")),
    ("date_order", js_file!("date_order")),
    ("document_loaded", js_file!("document_loaded")),
];

/// The libraries a test page loads to call their functions directly
/// (`tests/page_scripts.rs`): the flat tree, how locators match, how an
/// element is described, the Token Created dialog's shared reads.
pub const LIBRARIES: &str = concat!(js_file!("flat_tree"), "\n", js_file!("locate"), "\n", js_file!("describe"), "\n", js_file!("token_dialog"));

// Locating (the page objects, `crate::pages`).

/// `findVisible(alternatives, scope, mode)`: a locator's visible match(es).
pub const FIND_VISIBLE: &str = script!("findVisible" in "find", needs "flat_tree", "describe", "locate");
/// `candidates(alternatives, scope)`: what a failed find considered (JSON text).
pub const CANDIDATES: &str = script!("candidates" in "candidates", needs "flat_tree", "describe", "locate");
/// `describeAll(...elements)`: the elements as an ambiguity lists them (JSON text).
pub const DESCRIBE: &str = script!("describeAll" in "describe");
/// `labelledFields(names, scope)`: the fields whose HTML labels read one of the names.
pub const LABELLED_FIELDS: &str = script!("labelledFields" in "labelled_fields", needs "flat_tree");
/// `axCandidates(role, tags, field, shownOnly, within, ...scopes)`: the elements that may have that computed role (or be a field).
pub const AX_CANDIDATES: &str = script!("axCandidates" in "ax_candidates", needs "flat_tree", "locate");
/// `visibleMatches(field, scope, ...elements)`: which of them are visible matches.
pub const VISIBLE_MATCHES: &str = script!("visibleMatches" in "visible_matches", needs "flat_tree", "locate");
/// `regionNamedBy(title, needs)`: the region a heading names.
pub const REGION: &str = script!("regionNamedBy" in "region", needs "flat_tree", "locate");
/// `controlName(element)`: a control's accessible name.
pub const CONTROL_NAME: &str = script!("controlName" in "control_name");

/// `fingerprint(element, alternatives, scope)`: what identifies the element a key found.
pub const FINGERPRINT: &str = script!("fingerprint" in "fingerprint", needs "flat_tree", "locate", "repair_props");
/// `suggestCandidates(fingerprint, scope, limit, intentOnly)`: the elements most like it, best first.
pub const SUGGEST: &str = script!("suggestCandidates" in "suggest", needs "flat_tree", "locate", "repair_props");

// Reading the page.

/// `documentLoaded()`: whether the document has loaded (its ready state "complete").
pub const DOCUMENT_LOADED: &str = script!("documentLoaded" in "document_loaded");

/// `flatInnerText(element)`: its rendered text, in the flat tree.
pub const INNER_TEXT: &str = concat!(js_file!("flat_tree"), "\nreturn flatInnerText(...arguments);");
/// `paintedBackground(element)`: the background colour a user sees on it.
pub const PAINTED_BACKGROUND: &str = script!("paintedBackground" in "painted_background", needs "flat_tree");
/// `pageTextAndAttributes()`: every text and attribute and field value.
pub const PAGE_TEXT: &str = script!("pageTextAndAttributes" in "page_text", needs "flat_tree");
/// `readTable(table)`: `{ headers, rows }`.
pub const READ_TABLE: &str = script!("readTable" in "read_table");
/// `tokenLookingElements(container)`: its innermost token-looking texts.
pub const TOKEN_LOOKING: &str = script!("tokenLookingElements" in "token_looking", needs "flat_tree");
/// `fieldLabel(field)`: the label a user reads.
pub const FIELD_LABEL: &str = script!("fieldLabel" in "field_label");
/// `fieldError(field)`: the inline error shown for it, or null.
pub const FIELD_ERROR: &str = script!("fieldError" in "field_refusal");
/// `fieldErrorAnnounced(field)`: the inline error tied to it (described by, or an alert or live region), or null.
pub const FIELD_ERROR_ANNOUNCED: &str = script!("fieldErrorAnnounced" in "field_refusal");
/// `constraintRefusal(field)`: the browser's own validation message, or null.
pub const CONSTRAINT_REFUSAL: &str = script!("constraintRefusal" in "field_refusal");
/// `signInError()`: the sign-in form's error text, or null.
pub const SIGN_IN_ERROR: &str = script!("signInError" in "sign_in_error");

// Acting like a user.

/// `clickPoint(element)`: `[x, y]` where a click lands on it, or why not yet.
pub const CLICK_POINT: &str = script!("clickPoint" in "click_point", needs "flat_tree");
/// `focusAndSelect(field)`: focused with its text selected.
pub const FOCUS_SELECT: &str = script!("focusAndSelect" in "focus_select", needs "flat_tree");
/// `setValueAsPicker(input, value)`: a date picker's own way of setting it.
pub const SET_VALUE: &str = script!("setValueAsPicker" in "set_value");
/// `focusState(target, region)`: where the keyboard focus is, next to an element.
pub const FOCUS_STATE: &str = script!("focusState" in "focus_state", needs "flat_tree", "describe");
/// `dateFieldOrder()`: the order a native date control shows its parts in.
pub const DATE_FIELD_ORDER: &str = script!("dateFieldOrder" in "date_order");
/// `readClipboard(done)` (asynchronous): the clipboard's text as the page reads it.
pub const CLIPBOARD_READ: &str = script!("readClipboard" in "clipboard_read");

// Evidence (`crate::evidence`).

/// `secretRects(secrets, places, rectsOnly, example)`: where the secrets are.
pub const SECRET_RECTS: &str = script!("secretRects" in "secret_rects", needs "flat_tree", "locate", "token_dialog");
/// `showExampleToken(places, example)`: the example token in place of the real one.
pub const SHOW_EXAMPLE_TOKEN: &str = script!("showExampleToken" in "example_token", needs "flat_tree", "locate", "token_dialog");
/// `restoreExampleToken()`: the real one back.
pub const RESTORE_EXAMPLE_TOKEN: &str = script!("restoreExampleToken" in "example_token", needs "flat_tree", "locate", "token_dialog");
/// `freezeMotion()`: no transitions, animations or caret.
pub const FREEZE: &str = script!("freezeMotion" in "freeze", needs "flat_tree");
/// `whenSettled(done)` (asynchronous): fonts loaded and two frames painted.
pub const SETTLED: &str = script!("whenSettled" in "settled");
/// `maskRects(xpath, alternatives)`: the visual masks' rectangles.
pub const MASK_RECTS: &str = script!("maskRects" in "mask_rects", needs "flat_tree", "locate", "token_dialog");
/// `domCopy(secrets, dialogs)`: the page as a redacted offline HTML file.
pub const DOM_COPY: &str = script!("domCopy" in "dom_copy", needs "flat_tree", "locate", "token_dialog");

// Accessibility (`crate::evidence::aria`, `crate::evidence::audit`).

/// The vendored axe-core's version (`js/vendor/axe-core/`).
pub const AXE_VERSION: &str = "4.14.1";
/// Loads axe-core into the page (the scripts below answer `{ needsAxe: true }` without it); answers its version.
pub const AXE_LOAD: &str = concat!(include_str!("js/vendor/axe-core/axe.min.js"), "\n", js_file!("axe_version"), "\nreturn axeVersion(...arguments);");
/// `ariaSnapshot(version, whole)`: the step's region (or the whole page) as a reader meets it (axe loaded first).
pub const ARIA_SNAPSHOT: &str = script!("ariaSnapshot" in "aria_snapshot", needs "axe_version");
/// `axeAudit(version, tags)` (a promise): axe-core's violations of the page now (axe loaded first).
pub const AXE_AUDIT: &str = script!("axeAudit" in "axe_audit", needs "axe_version", "flat_tree", "screen_key");
/// `screenKey()`: the page's path and its open dialog or menu, to audit each screen once.
pub const SCREEN_KEY: &str = script!("screenKey" in "screen_key", needs "flat_tree");

/// A WebDriver-style script (a function body over `arguments`) as a
/// WebDriver BiDi `script.callFunction` declaration: its arguments are JSON
/// text and the elements' nodes, its answer a node, nodes or JSON text (see
/// `js/bidi_call.js`).
pub fn bidi_call(script: &str) -> String {
    let lib = js_file!("bidi_call");
    format!("async function (spec, ...nodes) {{\n{lib}\nreturn bidiAnswer(await (function () {{\n{script}\n}}).apply(this, bidiArgs(spec, nodes)));\n}}")
}

/// The page's transitions and animations at `rate` times their speed, as a
/// WebDriver BiDi preload script (see `js/animation_speed.js`).
pub fn animation_speed_preload(rate: f64) -> String {
    let lib = js_file!("animation_speed");
    format!("() => {{\n{lib}\nspeedUpAnimations({rate});\n}}")
}

/// Every script as the browser gets it, by name, for the checks.
pub const SCRIPTS: &[(&str, &str)] = &[
    ("FIND_VISIBLE", FIND_VISIBLE),
    ("CANDIDATES", CANDIDATES),
    ("DESCRIBE", DESCRIBE),
    ("LABELLED_FIELDS", LABELLED_FIELDS),
    ("AX_CANDIDATES", AX_CANDIDATES),
    ("VISIBLE_MATCHES", VISIBLE_MATCHES),
    ("REGION", REGION),
    ("CONTROL_NAME", CONTROL_NAME),
    ("FINGERPRINT", FINGERPRINT),
    ("SUGGEST", SUGGEST),
    ("DOCUMENT_LOADED", DOCUMENT_LOADED),
    ("INNER_TEXT", INNER_TEXT),
    ("PAINTED_BACKGROUND", PAINTED_BACKGROUND),
    ("PAGE_TEXT", PAGE_TEXT),
    ("READ_TABLE", READ_TABLE),
    ("TOKEN_LOOKING", TOKEN_LOOKING),
    ("FIELD_LABEL", FIELD_LABEL),
    ("FIELD_ERROR", FIELD_ERROR),
    ("FIELD_ERROR_ANNOUNCED", FIELD_ERROR_ANNOUNCED),
    ("CONSTRAINT_REFUSAL", CONSTRAINT_REFUSAL),
    ("SIGN_IN_ERROR", SIGN_IN_ERROR),
    ("CLICK_POINT", CLICK_POINT),
    ("FOCUS_SELECT", FOCUS_SELECT),
    ("SET_VALUE", SET_VALUE),
    ("CLIPBOARD_READ", CLIPBOARD_READ),
    ("FOCUS_STATE", FOCUS_STATE),
    ("DATE_FIELD_ORDER", DATE_FIELD_ORDER),
    ("SECRET_RECTS", SECRET_RECTS),
    ("SHOW_EXAMPLE_TOKEN", SHOW_EXAMPLE_TOKEN),
    ("RESTORE_EXAMPLE_TOKEN", RESTORE_EXAMPLE_TOKEN),
    ("FREEZE", FREEZE),
    ("SETTLED", SETTLED),
    ("MASK_RECTS", MASK_RECTS),
    ("DOM_COPY", DOM_COPY),
    ("AXE_LOAD", AXE_LOAD),
    ("ARIA_SNAPSHOT", ARIA_SNAPSHOT),
    ("AXE_AUDIT", AXE_AUDIT),
    ("SCREEN_KEY", SCREEN_KEY),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::process::{Command, Stdio};

    /// Every file in `js/` is listed here (none forgotten, none stale).
    #[test]
    fn every_file_is_listed() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/browser/js");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.strip_suffix(".js").map(str::to_string))
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = FILES.iter().map(|(n, _)| n.to_string()).collect();
        listed.sort();
        assert_eq!(listed, on_disk, "src/browser/js/ and scripts::FILES must name the same files");
    }

    /// Node.js reads every file (it parses; declarations only at its top
    /// level) and every script as the browser gets it (it compiles as a
    /// function body: no name declared twice across its files); see
    /// `tests/js/compile_check.js`.
    #[test]
    fn files_parse_and_scripts_compile() {
        let check = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js/compile_check.js");
        let mut child = Command::new("node")
            .arg(&check)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start node ({e}): install Node.js (Debian: apt-get install nodejs), one of the README's prerequisites"));
        // And a script as WebDriver BiDi gets it (a function declaration, returned).
        let mut scripts: Vec<(String, String)> = SCRIPTS.iter().map(|(n, s)| (n.to_string(), s.to_string())).collect();
        scripts.push(("bidi_call(FIND_VISIBLE)".into(), format!("return ({});", bidi_call(FIND_VISIBLE))));
        scripts.push(("animation_speed_preload(10)".into(), format!("return ({});", animation_speed_preload(10.0))));
        let input = serde_json::json!({ "files": FILES, "scripts": scripts }).to_string();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{} failed: {}", check.display(), String::from_utf8_lossy(&out.stderr));
        let problems = String::from_utf8_lossy(&out.stdout);
        assert_eq!(problems.trim(), "", "page-side JavaScript that Node.js refuses:\n{problems}");
    }

    /// Each script ends in a call of a function its files declare.
    #[test]
    fn every_entry_is_declared() {
        for (name, src) in SCRIPTS {
            let call = src.rsplit("\nreturn ").next().unwrap();
            let entry = call.split('(').next().unwrap();
            assert!(
                src.contains(&format!("function {entry}(")) || src.contains(&format!("const {entry} = ")),
                "{name} calls {entry}, which none of its files declares"
            );
        }
    }
}
