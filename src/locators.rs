//! Every locator the suite uses, in one table, written the way a user reads the
//! page: by role and accessible name, by label, by visible text. Any entry can be
//! replaced from the config file's `[locators]` table without recompiling.
//!
//! Syntax of one locator: alternatives joined by ` || `, tried in the order
//! written; the first alternative that matches any visible element wins. A
//! locator meant to find one element must then match exactly one: several
//! visible matches are an error that lists them and names the key to override
//! (strict, like Playwright's locators). Each alternative is one of:
//! - `role=button[name="Create Token"]`: an element of that ARIA role (implicit
//!   roles of HTML elements included) whose accessible name is exactly the text;
//!   `name~="profile"` matches a case-insensitive substring instead;
//! - `label=Token Name`: the form field labelled so (`<label for>`, a wrapping
//!   label, `aria-label`, `aria-labelledby` or a placeholder);
//! - `text=Access Control`: the innermost element whose visible text is exactly that;
//! - `css=...` and `xpath=...`: escape hatches for unusual markup.
//!
//! Each alternative is translated to XPath here; on a page with open shadow
//! roots (web components) `role=`, `label=`, `text=` and `css=` are answered
//! in the flat tree instead (`src/browser/js/locate.js`): XPath, and so `xpath=`,
//! sees the light DOM only.

use std::collections::BTreeMap;

use anyhow::{Context, bail};

/// A locator of the table, named at compile time: a page object asks for
/// `key::CREATE_TOKEN_NAME`, never a string, so a typo does not build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key(usize);

impl Key {
    /// The name the config file's `[locators]` table overrides it by.
    pub fn name(self) -> &'static str {
        DEFAULTS[self.0].0
    }

    /// The key of a name (for tests and tools that list keys as text).
    pub fn named(name: &str) -> Option<Key> {
        DEFAULTS.iter().position(|(k, _)| *k == name).map(Key)
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The table and its keys, from one list: `CONSTANT = "name" => locator;`.
macro_rules! table {
    ($($name:ident = $key:literal => $source:expr;)*) => {
        /// The built-in table: key, locator. Keys are what the config file overrides.
        pub const DEFAULTS: &[(&str, &str)] = &[$(($key, $source)),*];
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        enum Position { $($name),* }
        /// Every key of the table.
        pub mod key {
            use super::{Key, Position};
            $(pub const $name: Key = Key(Position::$name as usize);)*
        }
    };
}

table! {
    // Sign-in form (local AI Suite, or any password form).
    LOGIN_EMAIL = "login.email" => r#"label=Email || label=Username || label=Email address"#;
    LOGIN_PASSWORD = "login.password" => r#"label=Password"#;
    // A sign-in page without a password form (an SSO front door).
    LOGIN_PAGE = "login.page" => r#"role=heading[name="Sign in"] || role=heading[name="Log in"] || role=link[name~="sso"] || role=button[name~="sso"]"#;
    LOGIN_SUBMIT = "login.submit" => r#"role=button[name="Sign in"] || role=button[name="Log in"] || role=button[name="Login"]"#;
    // Step 1: AI Admin → Access Control → User Tokens.
    NAV_ACCESS_CONTROL = "nav.access_control" => r#"role=link[name="Access Control"] || role=button[name="Access Control"] || text=Access Control"#;
    ACCESS_CONTROL_USER_TOKENS_TAB = "access_control.user_tokens_tab" => r#"role=tab[name="User Tokens"] || role=link[name="User Tokens"] || role=button[name="User Tokens"] || text=User Tokens"#;
    USER_TOKENS_TABLE = "user_tokens.table" => r#"role=table || role=grid"#;
    // Step 2: the avatar in the top-right corner and its dropdown.
    HEADER_AVATAR = "header.avatar" => r#"role=button[name~="profile"] || role=button[name~="account"] || role=button[name~="user menu"] || xpath=//header//*[@aria-haspopup='menu' or @aria-haspopup='true']"#;
    // The open dropdown. A build whose dropdown has no role is read as the
    // region around its Profile item (see pages::profile_menu).
    PROFILE_MENU_PANEL = "profile_menu.panel" => r#"role=menu || role=listbox || xpath=//*[@id][@id=//*[@aria-expanded='true']/@aria-controls]"#;
    PROFILE_MENU_PROFILE = "profile_menu.profile" => r#"role=menuitem[name="Profile"] || role=link[name="Profile"] || role=button[name="Profile"] || text=Profile"#;
    // Step 3: the Profile page.
    PROFILE_USER_INFO = "profile.user_info" => r#"role=heading[name="User Info"] || text=User Info"#;
    PROFILE_API_TOKENS = "profile.api_tokens" => r#"role=heading[name="API Tokens"] || text=API Tokens"#;
    // Searched inside the API Tokens section (the region its heading names).
    PROFILE_TOKENS_TABLE = "profile.tokens_table" => r#"role=table || role=grid"#;
    PROFILE_CREATE_TOKEN = "profile.create_token" => r#"role=button[name="Create Token"] || role=link[name="Create Token"] || text=Create Token"#;
    PROFILE_REVOKE = "profile.revoke" => r#"role=button[name~="revoke"]"#;
    REVOKE_DIALOG_CONFIRM = "revoke_dialog.confirm" => r#"role=dialog role=button[name="Revoke"]"#;
    // Steps 4-7: the Create API Token modal.
    CREATE_TOKEN_DIALOG = "create_token.dialog" => r#"role=dialog[name="Create API Token"] || xpath=//*[@aria-modal='true'][.//*[normalize-space(.)='Create API Token']]"#;
    CREATE_TOKEN_FIELDS = "create_token.fields" => r#"css=input:not([type=hidden]):not([type=button]):not([type=submit]), textarea, select"#;
    CREATE_TOKEN_NAME = "create_token.name" => r#"label=Token Name"#;
    CREATE_TOKEN_EXPIRY = "create_token.expiry" => r#"label=Expiry Date"#;
    CREATE_TOKEN_SUBMIT = "create_token.submit" => r#"role=button[name="Create"] || text=Create"#;
    CREATE_TOKEN_CANCEL = "create_token.cancel" => r#"role=button[name="Cancel"] || text=Cancel"#;
    // Step 8: the Token Created dialog.
    TOKEN_CREATED_DIALOG = "token_created.dialog" => r#"role=dialog[name="Token Created"] || xpath=//*[@aria-modal='true'][.//*[normalize-space(.)='Token Created']]"#;
    // Inside the dialog: the field labelled so, else its one field, else its one
    // code text; else the one text in the dialog that looks like a token
    // (see pages::token_created_dialog).
    TOKEN_CREATED_VALUE = "token_created.value" => r#"label=Token value || label=Token || css=input, textarea || css=code || css=pre, samp, output"#;
    TOKEN_CREATED_COPY = "token_created.copy" => r#"role=button[name="Copy"] || text=Copy"#;
    TOKEN_CREATED_CLOSE = "token_created.close" => r#"role=button[name="Close"] || text=Close"#;
    // A long table's pager (MUI TablePagination "Go to next page", Bootstrap's
    // .pagination "Next", data grids' "Next Page"), searched in the table's region.
    TABLE_NEXT_PAGE = "table.next_page" => r#"role=button[name~="next page"] || role=link[name~="next page"] || role=button[name="Next"] || role=link[name="Next"]"#;
    TABLE_PREVIOUS_PAGE = "table.previous_page" => r#"role=button[name~="previous page"] || role=link[name~="previous page"] || role=button[name="Previous"] || role=link[name="Previous"]"#;
    // Dynamic regions the guide's picture comparison ignores (timestamps and the like).
    VISUAL_MASK = "visual.mask" => r#"css=time, [class*="timestamp"], [class*="relative-time"]"#;
}

/// How `role=` and `label=` alternatives are resolved (config `[browser]
/// locator_engine`, env `AI_SUITE_LOCATOR_ENGINE`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Engine {
    /// The locator table's XPath translation (an approximation of the
    /// browser's roles and accessible names), in one script per find.
    XPath,
    /// Roles and accessible names as the browser computes them, read in the
    /// page (`Element.computedRole` / `computedName`, one script per find);
    /// where the browser does not expose them, [`Engine::Bidi`] when the
    /// session speaks WebDriver BiDi, else XPath (said once per run).
    #[default]
    AxTree,
    /// WebDriver BiDi `browsingContext.locateNodes` with an accessibility
    /// locator (the driver asks the browser's accessibility tree), on
    /// WebDriver-only sessions; XPath where the session has no BiDi.
    Bidi,
}

impl std::str::FromStr for Engine {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> anyhow::Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "accessibility" | "ax" | "axtree" => Ok(Engine::AxTree),
            "xpath" => Ok(Engine::XPath),
            "bidi" => Ok(Engine::Bidi),
            other => bail!(
                "unknown locator engine '{other}': use \"accessibility\" (roles and names the browser computes, the default), \"bidi\" (WebDriver BiDi locateNodes) or \"xpath\""
            ),
        }
    }
}

/// One alternative of a locator (the text between ` || `), as XPath.
#[derive(Clone, Debug, PartialEq)]
pub struct Alternative {
    /// Its own text, for error messages.
    pub source: String,
    /// Absolute XPath (`//...`); a union when the alternative is a CSS selector list.
    pub xpath: String,
    /// The same relative to a container element.
    pub scoped: String,
    /// The alternative as a question to the browser's accessibility engine,
    /// when every part of it is one (`role=` or `label=`; a chain is one
    /// question per part, each inside the previous part's matches).
    pub ax: Option<Vec<AxQuery>>,
}

/// A `role=` or `label=` alternative as the accessibility tree is asked it.
#[derive(Clone, Debug, PartialEq)]
pub enum AxQuery {
    /// Any of these computed roles; the name exact, or (`true`) a case-insensitive substring.
    Role { roles: Vec<String>, name: Option<(bool, String)> },
    /// A form field whose computed accessible name is this text.
    Label(String),
}

fn ax_chain(alt: &str) -> Option<Vec<AxQuery>> {
    split_chain(alt).iter().map(|part| ax_query(part)).collect()
}

fn ax_query(alt: &str) -> Option<AxQuery> {
    if let Some(label) = alt.strip_prefix("label=") {
        return Some(AxQuery::Label(label.trim().to_string()));
    }
    let value = alt.strip_prefix("role=")?;
    let (role, name) = match value.split_once('[') {
        None => (value.trim(), None),
        Some((role, rest)) => {
            let inner = rest.strip_suffix(']')?;
            let (contains, quoted) = match inner.strip_prefix("name~=") {
                Some(q) => (true, q),
                None => (false, inner.strip_prefix("name=")?),
            };
            (role.trim(), Some((contains, quoted.strip_prefix('"')?.strip_suffix('"')?.to_string())))
        }
    };
    // The XPath engine's role=dialog takes alert dialogs too.
    let roles = if role == "dialog" { vec!["dialog".to_string(), "alertdialog".to_string()] } else { vec![role.to_string()] };
    Some(AxQuery::Role { roles, name })
}

/// One parsed locator: its alternatives, tried in the order written (the first
/// that matches any visible element wins; see [`crate::pages::Ui::try_find`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Locator {
    /// The text from the table or config, shown in error messages.
    pub source: String,
    pub alternatives: Vec<Alternative>,
    /// Every alternative as one XPath union (absolute): for "anything this could
    /// mean", e.g. what a screenshot must paint over, never to find one element.
    pub xpath: String,
    scoped_xpath: String,
}

impl Locator {
    pub fn parse(source: &str) -> anyhow::Result<Self> {
        let mut alternatives = Vec::new();
        for alt in source.split(" || ").map(str::trim) {
            if alt.is_empty() {
                bail!("empty alternative in locator '{source}'");
            }
            // `role=dialog role=button[...]`: a chain, each part inside the previous one.
            let mut chains = vec![String::new()];
            for part in split_chain(alt) {
                let options = part_to_xpath(&part).with_context(|| format!("in locator '{source}'"))?;
                chains = chains.iter().flat_map(|c| options.iter().map(move |o| format!("{c}{o}"))).collect();
            }
            // A parenthesised XPath such as `(//a)[1]` cannot be made relative.
            let rel: Vec<String> = chains.iter().map(|c| if c.starts_with('(') { c.clone() } else { format!(".{c}") }).collect();
            alternatives.push(Alternative { source: alt.to_string(), xpath: union(&chains), scoped: union(&rel), ax: ax_chain(alt) });
        }
        let all = |f: fn(&Alternative) -> &str| alternatives.iter().map(f).collect::<Vec<_>>().join(" | ");
        let (xpath, scoped_xpath) = (all(|a| &a.xpath), all(|a| &a.scoped));
        Ok(Self { source: source.to_string(), alternatives, xpath, scoped_xpath })
    }

    /// The union XPath relative to a container element.
    pub fn scoped(&self) -> &str {
        &self.scoped_xpath
    }

    /// The alternatives' XPaths in order, relative to a container when `scoped`.
    pub fn xpaths(&self, scoped: bool) -> Vec<&str> {
        self.alternatives.iter().map(|a| if scoped { a.scoped.as_str() } else { a.xpath.as_str() }).collect()
    }
}

fn union(parts: &[String]) -> String {
    parts.iter().map(|x| format!("({x})")).collect::<Vec<_>>().join(" | ")
}

/// Splits `role=dialog role=button[name="Revoke"]` into its parts, keeping quoted spaces.
fn split_chain(alt: &str) -> Vec<String> {
    let kinds = ["role=", "label=", "text=", "css=", "xpath="];
    if !alt.starts_with("role=") {
        return vec![alt.to_string()];
    }
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    for (i, c) in alt.char_indices() {
        if c == '"' {
            in_quotes = !in_quotes;
        }
        if c == ' ' && !in_quotes && kinds.iter().any(|k| alt[i + 1..].starts_with(k)) {
            parts.push(std::mem::take(&mut current));
            continue;
        }
        current.push(c);
    }
    parts.push(current);
    parts
}

/// An XPath string literal for any text (XPath 1.0 has no escape character).
pub fn literal(s: &str) -> String {
    if !s.contains('\'') {
        format!("'{s}'")
    } else if !s.contains('"') {
        format!("\"{s}\"")
    } else {
        let pieces: Vec<String> = s.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", pieces.join(", \"'\", "))
    }
}

const LOWER: &str = "translate({}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')";

fn lower(expr: &str) -> String {
    LOWER.replace("{}", expr)
}

/// XPath predicate for "the element's accessible name is `name`".
fn name_predicate(name: &str, contains: bool) -> String {
    let candidates = [
        "normalize-space(.)",
        "normalize-space(@aria-label)",
        "normalize-space(@value)",
        "normalize-space(@title)",
    ];
    // aria-labelledby points at the label: matched from the label's side.
    let labelledby = |cmp: &str| format!("@aria-labelledby=//*[{cmp}]/@id");
    if contains {
        let n = literal(&name.to_lowercase());
        let mut parts: Vec<String> =
            candidates.iter().map(|c| format!("contains({}, {n})", lower(c))).collect();
        parts.push(labelledby(&format!("contains({}, {n})", lower("normalize-space(.)"))));
        format!("[{}]", parts.join(" or "))
    } else {
        let n = literal(name);
        let mut parts: Vec<String> = candidates.iter().map(|c| format!("{c}={n}")).collect();
        parts.push(labelledby(&format!("normalize-space(.)={n}")));
        format!("[{}]", parts.join(" or "))
    }
}

/// What an ARIA role matches, explicit or implicit.
fn role_predicate(role: &str) -> anyhow::Result<String> {
    let implicit = match role {
        "button" => "self::button or (self::input and (@type='button' or @type='submit' or @type='reset'))",
        "link" => "self::a[@href]",
        "tab" => "false()",
        "menu" => "false()",
        "menuitem" => "false()",
        "dialog" => "self::dialog[@open]",
        "heading" => "self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6",
        "table" => "self::table",
        "grid" => "false()",
        "row" => "self::tr",
        "cell" => "self::td",
        "columnheader" => "self::th",
        "textbox" => "self::textarea or (self::input and (not(@type) or @type='text' or @type='email' or @type='search' or @type='tel' or @type='url'))",
        "navigation" => "self::nav",
        "region" => "self::section[@aria-label or @aria-labelledby]",
        "tablist" | "tabpanel" | "alert" | "status" | "alertdialog" | "menubar" | "listbox" => "false()",
        other => bail!("unknown role '{other}'"),
    };
    let explicit = if role == "dialog" {
        "@role='dialog' or @role='alertdialog'".to_string()
    } else {
        format!("@role='{role}'")
    };
    Ok(format!("[{explicit} or {implicit}]"))
}

fn part_to_xpath(part: &str) -> anyhow::Result<Vec<String>> {
    let (kind, value) = part
        .split_once('=')
        .with_context(|| format!("'{part}' is not of the form kind=value (role=, label=, text=, css=, xpath=)"))?;
    let value = value.trim();
    Ok(vec![match kind.trim() {
        "role" => {
            let (role, name) = match value.split_once('[') {
                None => (value, None),
                Some((role, rest)) => {
                    let inner = rest.strip_suffix(']').with_context(|| format!("missing ']' in '{part}'"))?;
                    let (op, quoted) = if let Some(q) = inner.strip_prefix("name~=") {
                        (true, q)
                    } else if let Some(q) = inner.strip_prefix("name=") {
                        (false, q)
                    } else {
                        bail!("only [name=\"...\"] or [name~=\"...\"] may follow a role, in '{part}'");
                    };
                    let name = quoted
                        .strip_prefix('"')
                        .and_then(|q| q.strip_suffix('"'))
                        .with_context(|| format!("the name must be in double quotes, in '{part}'"))?;
                    (role, Some((op, name)))
                }
            };
            let mut x = format!("//*{}", role_predicate(role.trim())?);
            if let Some((contains, name)) = name {
                let mut pred = name_predicate(name, contains);
                if ["dialog", "alertdialog", "region", "menu", "tabpanel"].contains(&role.trim()) && !contains {
                    // Containers are often named only by the title they show.
                    let n = literal(name);
                    pred.insert_str(pred.len() - 1, &format!(" or .//*[normalize-space(.)={n}]"));
                }
                x.push_str(&pred);
            }
            x
        }
        "label" => {
            let n = literal(value);
            let field = "(self::input[not(@type='hidden')] or self::textarea or self::select or @role='textbox' or @contenteditable='true')";
            let label_text = format!("normalize-space(translate(., '*', ''))={n}");
            format!(
                "//*[{field} and (@id=//label[{label_text}]/@for or ancestor::label[{label_text}] \
                 or normalize-space(@aria-label)={n} or @aria-labelledby=//*[{label_text}]/@id \
                 or normalize-space(@placeholder)={n})]"
            )
        }
        "text" => {
            let n = literal(value);
            // The innermost element with exactly this text (not its ancestors).
            format!("//*[normalize-space(.)={n} and not(.//*[normalize-space(.)={n}])]")
        }
        "css" => {
            return value
                .split(',')
                .map(|sel| css_simple_to_xpath(sel.trim()).with_context(|| format!("unsupported CSS selector '{sel}'")))
                .collect();
        }
        "xpath" => {
            if !value.starts_with('/') && !value.starts_with('(') {
                bail!("an xpath locator must start with '/' or '(', got '{value}'");
            }
            value.to_string()
        }
        other => bail!("unknown locator kind '{other}' (use role=, label=, text=, css= or xpath=)"),
    }])
}

/// Translates a simple CSS selector (descendant combinators of `tag`, `.class`,
/// `#id`, `[attr]`, `[attr=v]`, `[attr*=v]`, `:not(...)`) to XPath.
fn css_simple_to_xpath(sel: &str) -> anyhow::Result<String> {
    if sel.is_empty() {
        bail!("empty selector");
    }
    let mut xpath = String::new();
    for compound in sel.split_whitespace() {
        xpath.push_str("//");
        xpath.push_str(&compound_to_xpath(compound)?);
    }
    Ok(xpath)
}

fn compound_to_xpath(compound: &str) -> anyhow::Result<String> {
    let bytes: Vec<char> = compound.chars().collect();
    let mut i = 0;
    let mut tag = String::new();
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == '-' || bytes[i] == '*') {
        tag.push(bytes[i]);
        i += 1;
    }
    let mut preds = Vec::new();
    while i < bytes.len() {
        match bytes[i] {
            '.' | '#' => {
                let kind = bytes[i];
                i += 1;
                let mut ident = String::new();
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == '-' || bytes[i] == '_') {
                    ident.push(bytes[i]);
                    i += 1;
                }
                preds.push(if kind == '.' {
                    format!("contains(concat(' ', normalize-space(@class), ' '), {})", literal(&format!(" {ident} ")))
                } else {
                    format!("@id={}", literal(&ident))
                });
            }
            '[' => {
                let end = compound[i..].find(']').map(|e| i + e).context("missing ']'")?;
                let inner: String = bytes[i + 1..end].iter().collect();
                preds.push(attr_to_xpath(&inner)?);
                i = end + 1;
            }
            ':' if compound[i..].starts_with(":not(") => {
                let end = compound[i..].find(')').map(|e| i + e).context("missing ')'")?;
                let inner: String = bytes[i + 5..end].iter().collect();
                let inner_x = compound_to_xpath(&inner)?;
                // inner_x is `tag[preds]` or `*[preds]`: negate its predicates.
                let p = inner_x.trim_start_matches(|c| c != '[');
                preds.push(format!("not(self::node(){p})"));
                i = end + 1;
            }
            other => bail!("unsupported character '{other}'"),
        }
    }
    let tag = if tag.is_empty() { "*".to_string() } else { tag };
    Ok(format!("{tag}{}", preds.iter().map(|p| format!("[{p}]")).collect::<String>()))
}

fn attr_to_xpath(inner: &str) -> anyhow::Result<String> {
    for (op, f) in [("*=", "contains"), ("^=", "starts-with"), ("=", "")] {
        if let Some((name, value)) = inner.split_once(op) {
            let value = value.trim_matches(|c| c == '"' || c == '\'');
            let lit = literal(value);
            return Ok(if f.is_empty() { format!("@{}={lit}", name.trim()) } else { format!("{f}(@{}, {lit})", name.trim()) });
        }
    }
    Ok(format!("@{}", inner.trim()))
}

/// The resolved table: defaults with config overrides applied and parsed.
#[derive(Clone, Debug)]
pub struct Locators {
    /// In the table's order: a [`Key`] is a position in it.
    list: Vec<Locator>,
}

impl Locators {
    pub fn with_overrides(overrides: &BTreeMap<String, String>) -> anyhow::Result<Self> {
        let mut list = Vec::new();
        for (key, default) in DEFAULTS {
            let source = overrides.get(*key).map(String::as_str).unwrap_or(default);
            list.push(Locator::parse(source).with_context(|| format!("locator '{key}'"))?);
        }
        for key in overrides.keys() {
            if Key::named(key).is_none() {
                let known: Vec<&str> = DEFAULTS.iter().map(|(k, _)| *k).collect();
                bail!("unknown locator key '{key}' in [locators]; known keys: {}", known.join(", "));
            }
        }
        Ok(Self { list })
    }

    pub fn get(&self, key: Key) -> &Locator {
        &self.list[key.0]
    }

    /// Puts `locator` in `key`'s place (a suggested repair, tried on the live page).
    pub fn set(&mut self, key: Key, locator: Locator) {
        self.list[key.0] = locator;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_parses() {
        let l = Locators::with_overrides(&BTreeMap::new()).unwrap();
        assert!(l.get(key::CREATE_TOKEN_NAME).xpath.contains("Token Name"));
    }

    #[test]
    fn overrides_replace_and_unknown_keys_fail() {
        let mut o = BTreeMap::new();
        o.insert("profile.create_token".to_string(), "css=#new-token".to_string());
        let l = Locators::with_overrides(&o).unwrap();
        assert_eq!(l.get(key::PROFILE_CREATE_TOKEN).xpath, "(//*[@id='new-token'])");
        o.insert("profile.nope".to_string(), "css=a".to_string());
        let err = Locators::with_overrides(&o).unwrap_err().to_string();
        assert!(err.contains("unknown locator key 'profile.nope'"), "{err}");
    }

    #[test]
    fn locator_engines_are_named_and_a_wrong_name_says_which_exist() {
        assert_eq!(Engine::default(), Engine::AxTree, "the browser's own roles and names by default");
        assert_eq!("Accessibility".parse::<Engine>().unwrap(), Engine::AxTree);
        assert_eq!(" xpath ".parse::<Engine>().unwrap(), Engine::XPath);
        assert_eq!("bidi".parse::<Engine>().unwrap(), Engine::Bidi);
        let e = "aria".parse::<Engine>().unwrap_err().to_string();
        assert!(e.contains("unknown locator engine 'aria'") && e.contains("\"accessibility\"") && e.contains("\"xpath\""), "{e}");
    }

    #[test]
    fn bad_locators_say_why() {
        assert!(format!("{:#}", Locator::parse("role=wibble").unwrap_err()).contains("unknown role"));
        assert!(format!("{:#}", Locator::parse("frob=x").unwrap_err()).contains("unknown locator kind"));
        assert!(format!("{:#}", Locator::parse("role=button[name=Create]").unwrap_err()).contains("double quotes"));
    }

    #[test]
    fn role_and_label_alternatives_become_accessibility_queries() {
        let l = Locator::parse(r#"role=button[name~="profile"] || label=Token Name || role=dialog role=button[name="Revoke"] || text=Close"#).unwrap();
        let ax: Vec<_> = l.alternatives.iter().map(|a| a.ax.clone()).collect();
        assert_eq!(ax[0], Some(vec![AxQuery::Role { roles: vec!["button".into()], name: Some((true, "profile".into())) }]));
        assert_eq!(ax[1], Some(vec![AxQuery::Label("Token Name".into())]));
        let chain = ax[2].as_ref().expect("a chain of roles is asked part by part");
        assert_eq!(chain.len(), 2);
        assert_eq!(chain[1], AxQuery::Role { roles: vec!["button".into()], name: Some((false, "Revoke".into())) });
        assert_eq!(ax[3], None, "text= stays XPath");
        let mixed = Locator::parse(r#"role=dialog text=Close"#).unwrap();
        assert_eq!(mixed.alternatives[0].ax, None, "a chain with a text= part stays XPath");
        let d = Locator::parse(r#"role=dialog[name="Token Created"]"#).unwrap();
        assert!(matches!(&d.alternatives[0].ax, Some(q) if matches!(&q[0], AxQuery::Role { roles, .. } if roles.len() == 2)));
    }

    #[test]
    fn alternatives_keep_their_order_and_text() {
        let l = Locator::parse(r#"role=button[name="Create"] || text=Create || css=a, b"#).unwrap();
        let sources: Vec<&str> = l.alternatives.iter().map(|a| a.source.as_str()).collect();
        assert_eq!(sources, ["role=button[name=\"Create\"]", "text=Create", "css=a, b"]);
        assert_eq!(l.alternatives[2].xpath, "(//a) | (//b)", "a CSS list is one alternative");
        assert!(l.xpaths(true).iter().all(|x| x.starts_with("(.")), "{:?}", l.xpaths(true));
    }

    #[test]
    fn literals_quote_anything() {
        assert_eq!(literal("a"), "'a'");
        assert_eq!(literal("it's"), "\"it's\"");
        assert_eq!(literal("a'b\"c"), "concat('a', \"'\", 'b\"c')");
    }

    #[test]
    fn chains_nest() {
        let l = Locator::parse(r#"role=dialog role=button[name="Revoke"]"#).unwrap();
        assert!(l.xpath.contains("dialog") && l.xpath.contains("'Revoke'"));
        assert!(l.xpath.starts_with("(//*["));
    }

    #[test]
    fn css_subset_translates() {
        let l = Locator::parse(r#"css=header [class*="avatar"], input:not([type=hidden])"#).unwrap();
        assert!(l.xpath.contains("contains(@class, 'avatar')"), "{}", l.xpath);
        assert!(l.xpath.contains("not(self::node()[@type='hidden'])"), "{}", l.xpath);
    }
}
