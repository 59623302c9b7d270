//! The manual (README.md and docs/*.md) against the code, so it cannot go stale:
//! every relative link resolves (file and heading); every `cargo run -- <command>`
//! and every `--flag` it writes exists in the binary's own `--help`; every
//! environment variable the code reads, every config-file key, every locator
//! key and every flag is in the reference pages, every fault switch and variant
//! of the local AI Suite on its page; and nothing is documented that the code
//! does not have. No browser: it reads files and runs `--help`.
//!
//! The truth is read where it lives, not from a list kept here: flags from the
//! binary's `--help`, environment variables from string literals anywhere under
//! `src/`, config keys from `ai-suite.example.toml` and the config file's serde
//! structs (`deny_unknown_fields`) anywhere under `src/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use regex::Regex;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const BIN: &str = env!("CARGO_BIN_EXE_ai-suite-e2e");

/// Flags the manual writes that belong to other programs, and whose they are.
const OTHER_PROGRAMS_FLAGS: &[(&str, &str)] = &[
    ("--release", "cargo"),
    ("--test", "cargo"),
    ("--lib", "cargo test"),
    ("--locked", "cargo install"),
    ("--version", "cargo install"),
    ("--prefix", "npm"),
    ("--nocapture", "libtest"),
    ("--test-threads", "libtest"),
    ("--enable-chrome-logs", "ChromeDriver"),
    ("--enable-blink-features", "Chromium"),
    ("--disable-frame-rate-limit", "Chromium"),
    ("--disable-gpu-vsync", "Chromium"),
    ("--grid-url", "a Selenium Grid node"),
    ("--keep", "scripts/newcomer.sh"),
];

/// The reference pages the completeness checks read.
const CONFIGURATION: &str = "docs/configuration.md";
const LOCATORS: &str = "docs/locators.md";

// ---------------------------------------------------------------- the manual

struct Page {
    /// Relative to the repository, with `/`: `docs/ci.md`.
    name: String,
    text: String,
}

/// README.md and every docs/*.md.
fn manual() -> Vec<Page> {
    let mut names = vec!["README.md".to_string()];
    let mut docs: Vec<String> = std::fs::read_dir(Path::new(ROOT).join("docs"))
        .expect("the docs/ folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    docs.sort();
    names.extend(docs);
    names
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(Path::new(ROOT).join(&name)).unwrap_or_else(|e| panic!("cannot read {name}: {e}"));
            Page { name, text }
        })
        .collect()
}

fn page<'a>(pages: &'a [Page], name: &str) -> &'a Page {
    pages.iter().find(|p| p.name == name).unwrap_or_else(|| panic!("{name} does not exist; the manual needs it"))
}

fn markdown(text: &str) -> Parser<'_> {
    Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS)
}

/// A heading: its text as GitHub shows it, and the Markdown under it
/// up to the next heading of any level.
struct Heading {
    text: String,
    body: String,
}

fn headings(text: &str) -> Vec<Heading> {
    let mut found: Vec<(String, usize, usize)> = vec![]; // text, start, end
    let mut current: Option<(String, usize)> = None;
    for (event, range) in markdown(text).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { .. }) => current = Some((String::new(), range.start)),
            Event::Text(t) | Event::Code(t) => {
                if let Some((s, _)) = current.as_mut() {
                    s.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((s, start)) = current.take() {
                    found.push((s, start, range.end));
                }
            }
            _ => {}
        }
    }
    let starts: Vec<usize> = found.iter().map(|h| h.1).skip(1).chain([text.len()]).collect();
    found.into_iter().zip(starts).map(|((heading, _, end), next)| Heading { text: heading, body: text[end..next].to_string() }).collect()
}

/// GitHub's anchor of a heading: lower case; letters, digits, spaces, `-` and
/// `_` kept, everything else dropped; spaces become `-`; repeats get `-1`, `-2`.
fn slugs(text: &str) -> BTreeSet<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = BTreeSet::new();
    for h in headings(text) {
        let base: String = h
            .text
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let n = seen.entry(base.clone()).or_insert(0);
        out.insert(if *n == 0 { base.clone() } else { format!("{base}-{n}") });
        *n += 1;
    }
    out
}

/// Every link and image destination of a page.
fn links(text: &str) -> Vec<String> {
    markdown(text)
        .filter_map(|e| match e {
            Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. }) => Some(dest_url.to_string()),
            _ => None,
        })
        .collect()
}

/// `a/b/../c` as `a/c`, without touching the file system; `None` when it
/// climbs out of the repository.
fn normalise(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            Component::Normal(n) => out.push(n),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

fn fail_if_any(what: &str, problems: Vec<String>) {
    if !problems.is_empty() {
        panic!("{what}: {} problem(s)\n{}\n", problems.len(), problems.join("\n"));
    }
}

// ------------------------------------------------------------ the binary

struct Help {
    /// Flags of the suite itself (`cargo run -- --help`).
    main: BTreeSet<String>,
    /// Aliases clap lists (`--ff`, `--scenario-name`): accepted, not required.
    aliases: BTreeSet<String>,
    /// Each command and its flags (`cargo run -- serve --help`).
    commands: BTreeMap<String, BTreeSet<String>>,
}

impl Help {
    fn all(&self) -> BTreeSet<String> {
        self.main.iter().chain(&self.aliases).chain(self.commands.values().flatten()).cloned().collect()
    }
}

fn run_help(args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(ROOT)
        .output()
        .unwrap_or_else(|e| panic!("could not run {BIN} {}: {e}", args.join(" ")));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "`ai-suite-e2e {}` exited {:?}:\n{text}{}", args.join(" "), out.status.code(), String::from_utf8_lossy(&out.stderr));
    text
}

/// The flags an option line of clap's help defines: `  -n, --name <regex>`.
fn defined_flags(help: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let flag = Regex::new(r"--[a-z][a-z0-9-]*").unwrap();
    let alias = Regex::new(r"\[alias(?:es)?: ([^\]]*)\]").unwrap();
    let mut flags = BTreeSet::new();
    let mut aliases = BTreeSet::new();
    for line in help.lines() {
        let t = line.trim_start();
        if t.starts_with('-') {
            let head = t.split("  ").next().unwrap_or("");
            if let Some(m) = flag.find(head) {
                flags.insert(m.as_str().to_string());
            }
        }
        for a in alias.captures_iter(line) {
            aliases.extend(flag.find_iter(&a[1]).map(|m| m.as_str().to_string()));
        }
    }
    (flags, aliases)
}

fn help() -> Help {
    let text = run_help(&["--help"]);
    let (main, mut aliases) = defined_flags(&text);
    assert!(main.contains("--tags") && main.contains("--browser"), "`ai-suite-e2e --help` no longer lists --tags and --browser: the test reads it wrongly\n{text}");
    // The commands, as main.rs lists them under the suite's own help.
    let list = text.split("Other commands:").nth(1).unwrap_or_else(|| panic!("`ai-suite-e2e --help` has no \"Other commands:\" list\n{text}"));
    let names: Vec<String> = list
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    assert!(names.iter().any(|n| n == "serve"), "no command `serve` in the list of `ai-suite-e2e --help`:\n{list}");
    let commands = names
        .into_iter()
        .map(|name| {
            let (flags, more) = defined_flags(&run_help(&[&name, "--help"]));
            aliases.extend(more);
            (name, flags)
        })
        .collect();
    Help { main, aliases, commands }
}

// ---------------------------------------------------------------- the code

/// Every `.rs` file under src/, relative path and text.
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).expect("src/ is readable").filter_map(|e| e.ok()).map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "rs")
                && let Ok(text) = std::fs::read_to_string(&p)
            {
                let rel = p.strip_prefix(ROOT).unwrap_or(&p).to_string_lossy().replace('\\', "/");
                out.push((rel, text));
            }
        }
    }
    let mut out = vec![];
    walk(&Path::new(ROOT).join("src"), &mut out);
    assert!(!out.is_empty(), "no .rs file under src/");
    out
}

/// Environment variables the code reads, and one file that names each:
/// every `"AI_SUITE_…"` string literal, any other name passed to `env(…)`,
/// `var(…)`, `var_os(…)` or `process_env(…)`, and the `[env: …]` of `--help`.
fn env_vars_in_code(sources: &[(String, String)]) -> BTreeMap<String, String> {
    let literal = Regex::new(r#""(AI_SUITE_[A-Z0-9_]+)""#).unwrap();
    let call = Regex::new(r#"\b(?:env|var|var_os|process_env)\(\s*"([A-Z][A-Z0-9_]*)"\s*\)"#).unwrap();
    let mut out = BTreeMap::new();
    for (file, text) in sources {
        for c in literal.captures_iter(text).chain(call.captures_iter(text)) {
            out.entry(c[1].to_string()).or_insert_with(|| file.clone());
        }
    }
    let from_help = Regex::new(r"\[env: ([A-Z][A-Z0-9_]*)=").unwrap();
    for c in from_help.captures_iter(&run_help(&["--help"])) {
        out.entry(c[1].to_string()).or_insert_with(|| "`cargo run -- --help`".into());
    }
    out
}

/// The locator table's keys: `NAME = "area.element" => locator;`.
fn locator_keys(sources: &[(String, String)]) -> BTreeSet<String> {
    let entry = Regex::new(r#"\b[A-Z][A-Z0-9_]*\s*=\s*"([a-z_]+(?:\.[a-z_]+)+)"\s*=>"#).unwrap();
    sources.iter().flat_map(|(_, text)| entry.captures_iter(text).map(|c| c[1].to_string()).collect::<Vec<_>>()).collect()
}

/// The config file's shape: sections (`target`, `target.session.cookies`) with
/// their keys; `None` for a table of free keys (`locators`, `columns`).
type Shape = BTreeMap<String, Option<BTreeSet<String>>>;

/// The serde structs that read the config file (`deny_unknown_fields`), from
/// `FileConfig` down: a field of another such struct is a section, a map is a
/// table of free keys, anything else a key.
fn shape_from_structs(sources: &[(String, String)]) -> Shape {
    let start = Regex::new(r"deny_unknown_fields[^\n]*\n(?:\s*(?:#\[[^\n]*\]|///[^\n]*)\n)*\s*pub struct (\w+)\s*\{").unwrap();
    let field = Regex::new(r"^\s*pub (\w+)\s*:\s*(.+?),?\s*$").unwrap();
    let rename = Regex::new(r#"rename\s*=\s*"([^"]+)""#).unwrap();
    let mut structs: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (_, text) in sources {
        for c in start.captures_iter(text) {
            let body_start = c.get(0).unwrap().end();
            let body_end = text[body_start..].find("\n}").map(|i| body_start + i).unwrap_or(text.len());
            let mut fields = vec![];
            let mut skip = false;
            let mut renamed: Option<String> = None;
            for line in text[body_start..body_end].lines() {
                let t = line.trim();
                if t.starts_with("#[serde(") {
                    skip |= t.contains("skip");
                    renamed = rename.captures(t).map(|r| r[1].to_string()).or(renamed);
                    continue;
                }
                if let Some(f) = field.captures(line) {
                    if !skip {
                        fields.push((renamed.clone().unwrap_or_else(|| f[1].to_string()), f[2].trim().to_string()));
                    }
                    skip = false;
                    renamed = None;
                }
            }
            structs.insert(c[1].to_string(), fields);
        }
    }
    assert!(
        structs.contains_key("FileConfig"),
        "no `pub struct FileConfig` with deny_unknown_fields under src/: this test reads the config file's shape from it; update the test"
    );
    let mut shape = Shape::new();
    fn walk(structs: &BTreeMap<String, Vec<(String, String)>>, name: &str, section: &str, shape: &mut Shape) {
        for (field, ty) in &structs[name] {
            let ty = ty.trim_start_matches("Option<").trim_end_matches('>');
            let path = if section.is_empty() { field.clone() } else { format!("{section}.{field}") };
            if structs.contains_key(ty) {
                walk(structs, ty, &path, shape);
            } else if ty.contains("Map<") {
                shape.insert(path, None);
            } else {
                shape.entry(section.to_string()).or_insert_with(|| Some(BTreeSet::new())).get_or_insert_with(BTreeSet::new).insert(field.clone());
            }
        }
    }
    walk(&structs, "FileConfig", "", &mut shape);
    shape
}

/// The keys of ai-suite.example.toml, the commented-out ones (`# url = "…"`) included.
fn shape_from_example(free: &BTreeSet<String>) -> (Shape, Vec<String>) {
    let text = std::fs::read_to_string(Path::new(ROOT).join("ai-suite.example.toml")).expect("ai-suite.example.toml");
    let mut problems = vec![];
    if let Err(e) = text.parse::<toml::Table>() {
        problems.push(format!("ai-suite.example.toml is not valid TOML: {e}"));
    }
    let key_line = Regex::new(r#"^\s*("[^"]+"|[A-Za-z0-9_]+)\s*=\s*\S"#).unwrap();
    let uncommented: String = text
        .lines()
        .map(|l| match l.trim_start().strip_prefix('#').map(str::trim_start) {
            Some(rest) if key_line.is_match(rest) && rest.parse::<toml::Table>().is_ok() => rest.to_string(),
            _ => l.to_string(),
        })
        .map(|l| l + "\n")
        .collect();
    let table = uncommented.parse::<toml::Table>().or_else(|_| text.parse::<toml::Table>()).unwrap_or_default();
    let mut shape = Shape::new();
    fn walk(t: &toml::Table, section: &str, free: &BTreeSet<String>, shape: &mut Shape) {
        for (k, v) in t {
            let path = if section.is_empty() { k.clone() } else { format!("{section}.{k}") };
            match v {
                toml::Value::Table(inner) if free.contains(&path) => {
                    let _ = inner;
                    shape.insert(path, None);
                }
                toml::Value::Table(inner) => walk(inner, &path, free, shape),
                _ => {
                    shape.entry(section.to_string()).or_insert_with(|| Some(BTreeSet::new())).get_or_insert_with(BTreeSet::new).insert(k.clone());
                }
            }
        }
    }
    walk(&table, "", free, &mut shape);
    (shape, problems)
}

// ------------------------------------------------------------------ tests

#[test]
fn every_link_in_the_manual_resolves() {
    let pages = manual();
    let mut problems = vec![];
    for p in &pages {
        let dir = Path::new(&p.name).parent().unwrap_or(Path::new("")).to_path_buf();
        for dest in links(&p.text) {
            let scheme = dest.split_once(':').is_some_and(|(s, _)| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)));
            if scheme || dest.starts_with("//") {
                continue;
            }
            let (path, anchor) = dest.split_once('#').map(|(p, a)| (p, Some(a))).unwrap_or((dest.as_str(), None));
            let Some(target) = (if path.is_empty() { Some(PathBuf::from(&p.name)) } else { normalise(&dir.join(path)) }) else {
                problems.push(format!("{} links to {dest}, which is outside the repository", p.name));
                continue;
            };
            let shown = target.to_string_lossy().replace('\\', "/");
            let on_disk = Path::new(ROOT).join(&target);
            if target.components().next().is_none() || !on_disk.exists() {
                problems.push(format!("{} links to {shown}, which does not exist", p.name));
                continue;
            }
            if let Some(anchor) = anchor.filter(|a| !a.is_empty()) {
                if on_disk.extension().is_none_or(|e| e != "md") {
                    problems.push(format!("{} links to #{anchor} in {shown}, which is not a Markdown page", p.name));
                    continue;
                }
                let text = std::fs::read_to_string(&on_disk).unwrap_or_default();
                if !slugs(&text).contains(anchor) {
                    problems.push(format!("{} links to {shown}#{anchor}, but {shown} has no heading with that anchor", p.name));
                }
            }
        }
    }
    fail_if_any("links in README.md and docs/*.md", problems);
}

#[test]
fn every_command_and_flag_in_the_manual_exists() {
    let help = help();
    let all = help.all();
    let other: BTreeMap<&str, &str> = OTHER_PROGRAMS_FLAGS.iter().copied().collect();
    let flag = Regex::new(r"(?:^|[^A-Za-z0-9_-])(--[a-z][a-z0-9-]*)").unwrap();
    let mut problems = vec![];
    for p in &manual() {
        // Anywhere: a flag of the binary, of one of its commands, or of a program named above.
        for c in flag.captures_iter(&p.text) {
            let f = &c[1];
            if !all.contains(f) && !other.contains_key(f) {
                problems.push(format!("{} mentions {f}, which is no flag of ai-suite-e2e (`cargo run -- --help`) nor of any of its commands", p.name));
            }
        }
        // On a command line: the command exists, and takes the flags written after it.
        for line in p.text.lines() {
            for (program, rest) in command_lines(line) {
                let Some(args) = rest.split_once(" -- ").map(|(_, a)| a.trim_start()) else { continue };
                if program == "cargo test" && !rest.contains("--test user_tokens") {
                    continue; // another test binary: its arguments are a test filter
                }
                let first = args.split_whitespace().next().unwrap_or("");
                let (command, flags_of, shown): (Option<&str>, BTreeSet<String>, String) = if first.is_empty() || first.starts_with('-') {
                    (None, help.main.iter().chain(&help.aliases).cloned().collect(), "the suite (`cargo run -- --help`)".into())
                } else if first.starts_with('<') || first.starts_with('…') || first == "..." {
                    (None, all.clone(), "any command".into())
                } else {
                    (Some(first), BTreeSet::new(), format!("`cargo run -- {first} --help`"))
                };
                let flags_of = match command {
                    None => flags_of,
                    Some(c) if program == "cargo test" => {
                        problems.push(format!("{} runs `cargo test --test user_tokens -- {c}`, but the feature suite takes no command", p.name));
                        continue;
                    }
                    // `repeat N` runs the suite with the suite's flags.
                    Some("repeat") => help.main.iter().chain(&help.aliases).cloned().collect(),
                    Some(c) => match help.commands.get(c) {
                        Some(f) => f.clone(),
                        None => {
                            let known: Vec<&str> = help.commands.keys().map(String::as_str).collect();
                            problems.push(format!("{} runs `cargo run -- {c}`, but {c} is no command of ai-suite-e2e (its commands: {})", p.name, known.join(", ")));
                            continue;
                        }
                    },
                };
                let after = &args[first.len().min(args.len())..];
                let after = if command.is_some() { after } else { args };
                for c in flag.captures_iter(after) {
                    let f = &c[1];
                    if !flags_of.contains(f) && f != "--help" {
                        problems.push(format!("{} writes `{program} … {f}`, but {f} is no flag of {shown}", p.name));
                    }
                }
            }
        }
    }
    fail_if_any("commands and flags in README.md and docs/*.md", problems);
}

/// The `cargo run …` / `cargo test …` invocations on one line of Markdown,
/// each cut where the command ends (a comment, the end of a code span or
/// table cell, a shell operator).
fn command_lines(line: &str) -> Vec<(&'static str, String)> {
    let mut out = vec![];
    for program in ["cargo run", "cargo test"] {
        let mut from = 0;
        while let Some(i) = line[from..].find(program) {
            let start = from + i + program.len();
            let rest = &line[start..];
            let end = [" #", "`", "|", "&&", ";", ")"].iter().filter_map(|s| rest.find(s)).min().unwrap_or(rest.len());
            let cut = rest[..end].trim_end();
            out.push((program, format!(" {cut} ")));
            from = start;
        }
    }
    out
}

#[test]
fn the_configuration_reference_lists_every_variable_key_and_flag() {
    let pages = manual();
    let reference = page(&pages, CONFIGURATION);
    let sources = sources();
    let mut problems = vec![];

    // Every environment variable the code reads.
    for (name, file) in env_vars_in_code(&sources) {
        let mentioned = Regex::new(&format!(r"\b{name}\b")).unwrap().is_match(&reference.text);
        if !mentioned {
            problems.push(format!("{name} is read by the code ({file}), but {CONFIGURATION} does not mention it"));
        }
    }

    // Every config-file key, under a heading naming its table: ### `[target]`.
    let structs = shape_from_structs(&sources);
    let free: BTreeSet<String> = structs.iter().filter(|(_, keys)| keys.is_none()).map(|(s, _)| s.clone()).collect();
    let (example, mut example_problems) = shape_from_example(&free);
    problems.append(&mut example_problems);
    let mut shape = structs.clone();
    for (section, keys) in &example {
        match (shape.get_mut(section), keys) {
            (Some(Some(known)), Some(more)) => known.extend(more.iter().cloned()),
            (None, _) => {
                shape.insert(section.clone(), keys.clone());
            }
            _ => {}
        }
    }
    let heads = headings(&reference.text);
    for (section, keys) in &shape {
        let bracket = format!("[{section}]");
        let Some(head) = heads.iter().find(|h| h.text.contains(&bracket)) else {
            problems.push(format!("{CONFIGURATION} has no heading for the config file's table {bracket}"));
            continue;
        };
        for key in keys.iter().flatten() {
            if !head.body.contains(&format!("`{key}`")) {
                problems.push(format!("the config file's key {key} of {bracket} is not in {CONFIGURATION} under \"{}\"", head.text));
            }
        }
    }

    // Every flag of the suite and of each command, under the command's heading.
    let help = help();
    let mut by_heading: Vec<(String, BTreeSet<String>)> = vec![(String::new(), help.main.clone())];
    by_heading.extend(help.commands.iter().map(|(c, f)| (c.clone(), f.clone())));
    for (command, flags) in by_heading {
        let head = heads.iter().find(|h| {
            let t = h.text.trim();
            if command.is_empty() {
                t.starts_with("cargo run") && !t.contains(" -- ")
            } else {
                t.split("cargo run -- ").skip(1).any(|rest| rest.split_whitespace().next() == Some(command.as_str()))
            }
        });
        let shown = if command.is_empty() { "cargo run".to_string() } else { format!("cargo run -- {command}") };
        let Some(head) = head else {
            problems.push(format!("{CONFIGURATION} has no heading for `{shown}`"));
            continue;
        };
        for f in flags.iter().filter(|f| f.as_str() != "--help") {
            let mentioned = Regex::new(&format!(r"{}(?:[^a-z0-9-]|$)", regex::escape(f))).unwrap().is_match(&head.body);
            if !mentioned {
                problems.push(format!("the flag {f} of `{shown}` is not in {CONFIGURATION} under \"{}\"", head.text));
            }
        }
    }

    // Every locator key (the [locators] table's keys).
    let keys = locator_keys(&sources);
    if keys.is_empty() {
        problems.push("found no locator keys under src/ (the table `NAME = \"area.element\" => locator;`): update this test".into());
    }
    let locators = page(&pages, LOCATORS);
    for k in &keys {
        if !locators.text.contains(&format!("`{k}`")) {
            problems.push(format!("the locator key {k} is in the code, but {LOCATORS} does not list it"));
        }
    }
    fail_if_any("the configuration reference", problems);
}

#[test]
fn the_manual_documents_nothing_the_code_does_not_have() {
    let pages = manual();
    let sources = sources();
    let vars = env_vars_in_code(&sources);
    let mut problems = vec![];

    let var = Regex::new(r"\bAI_SUITE_[A-Z0-9_]*[A-Z0-9]\b").unwrap();
    for p in &pages {
        for m in var.find_iter(&p.text) {
            if !vars.contains_key(m.as_str()) {
                problems.push(format!("{} mentions {}, which the code never reads", p.name, m.as_str()));
            }
        }
    }

    // Keys in the reference's tables: the first cell of each row under a [table] heading.
    let structs = shape_from_structs(&sources);
    let free: BTreeSet<String> = structs.iter().filter(|(_, k)| k.is_none()).map(|(s, _)| s.clone()).collect();
    let (example, _) = shape_from_example(&free);
    let reference = page(&pages, CONFIGURATION);
    let code = Regex::new(r"`([^`]+)`").unwrap();
    for head in headings(&reference.text) {
        let sections: Vec<String> = Regex::new(r"\[([a-z_.]+)\]").unwrap().captures_iter(&head.text).map(|c| c[1].to_string()).collect();
        let [section] = sections.as_slice() else { continue };
        // Its keys, and the tables under it (`session` of [target]).
        let mut known: BTreeSet<String> =
            [&structs, &example].iter().filter_map(|s| s.get(section)).flatten().flatten().cloned().collect();
        let below = format!("{section}.");
        known.extend(structs.keys().chain(example.keys()).filter_map(|s| s.strip_prefix(&below)).map(|s| s.split('.').next().unwrap_or(s).to_string()));
        if !structs.contains_key(section) && !example.contains_key(section) {
            problems.push(format!("{CONFIGURATION} has a heading for [{section}], which is no table of the config file"));
            continue;
        }
        for row in head.body.lines().filter(|l| l.starts_with("| `")) {
            let first = row.trim_start_matches('|').split('|').next().unwrap_or("");
            for c in code.captures_iter(first) {
                if !known.contains(&c[1]) {
                    problems.push(format!("{CONFIGURATION} lists `{}` under [{section}], which is no key of that table", &c[1]));
                }
            }
        }
    }

    // Locator keys: in the key table of the locators page, and in any [locators] example.
    let keys = locator_keys(&sources);
    let dotted = Regex::new(r"^[a-z_]+(?:\.[a-z_]+)+$").unwrap();
    let locators = page(&pages, LOCATORS);
    if let Some(head) = headings(&locators.text).into_iter().find(|h| h.text.trim() == "All keys") {
        for row in head.body.lines().filter(|l| l.starts_with("| `")) {
            let first = row.trim_start_matches('|').split('|').next().unwrap_or("");
            for c in code.captures_iter(first).filter(|c| dotted.is_match(&c[1])) {
                if !keys.contains(&c[1]) {
                    problems.push(format!("{LOCATORS} lists the locator key {}, which is not in the code's table", &c[1]));
                }
            }
        }
    } else {
        problems.push(format!("{LOCATORS} has no \"All keys\" heading"));
    }
    // TOML examples: they parse, and each key is one the config file takes.
    for p in &pages {
        for block in toml_blocks(&p.text) {
            let table = match block.parse::<toml::Table>() {
                Ok(t) => t,
                Err(e) => {
                    problems.push(format!("{} has a TOML example that does not parse: {}", p.name, e.message()));
                    continue;
                }
            };
            let mut keys = vec![];
            flatten(&table, "", &free, &mut keys);
            for (section, key) in keys {
                let known = [&structs, &example].iter().any(|s| match s.get(&section) {
                    Some(Some(k)) => k.contains(&key),
                    Some(None) => true,
                    None => false,
                });
                if !known {
                    problems.push(format!("{} has a TOML example with [{section}] {key}, which the config file does not take", p.name));
                }
            }
        }
    }
    let override_line = Regex::new(r#"^"([a-z_]+(?:\.[a-z_]+)+)"\s*="#).unwrap();
    for p in &pages {
        let mut in_locators = false;
        for line in p.text.lines() {
            let t = line.trim();
            if t.starts_with('[') {
                in_locators = t == "[locators]";
            } else if t.starts_with("```") {
                in_locators = false;
            } else if in_locators && let Some(c) = override_line.captures(t) {
                if !keys.contains(&c[1]) {
                    problems.push(format!("{} overrides the locator key {} in [locators], which is not in the code's table", p.name, &c[1]));
                }
            }
        }
    }
    fail_if_any("what README.md and docs/*.md name", problems);
}

#[test]
fn the_contributing_page_lists_every_test_file() {
    const PAGE: &str = "docs/contributing.md";
    let pages = manual();
    let text = &page(&pages, PAGE).text;
    let mut problems = vec![];
    let mut files: Vec<String> = std::fs::read_dir(Path::new(ROOT).join("tests"))
        .expect("tests/")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".rs"))
        .collect();
    files.sort();
    for f in &files {
        if !text.contains(&format!("`tests/{f}`")) {
            problems.push(format!("tests/{f} is not in the table of tests in {PAGE}"));
        }
    }
    // Conversely: every tests/….rs the manual names exists.
    let named = Regex::new(r"\btests/[A-Za-z0-9_/]+\.(?:rs|js)\b").unwrap();
    for p in &pages {
        for m in named.find_iter(&p.text) {
            if !Path::new(ROOT).join(m.as_str()).exists() {
                problems.push(format!("{} names {}, which does not exist", p.name, m.as_str()));
            }
        }
    }
    fail_if_any("the test files", problems);
}

#[test]
fn the_contributing_page_names_every_module_of_src() {
    const PAGE: &str = "docs/contributing.md";
    let pages = manual();
    let text = &page(&pages, PAGE).text;
    let mut problems = vec![];
    let mut entries: Vec<String> = std::fs::read_dir(Path::new(ROOT).join("src"))
        .expect("src/")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    entries.sort();
    for e in &entries {
        // A module is named by its stem, so `src/config.rs` becoming `src/config/` needs no edit here.
        let stem = e.strip_suffix(".rs").unwrap_or(e);
        let named = Regex::new(&format!(r"\bsrc/{}(?:/|\.rs\b)", regex::escape(stem))).unwrap();
        if !named.is_match(text) {
            problems.push(format!("src/{e} is not in the layout of {PAGE}"));
        }
    }
    // Conversely: the modules the layout names exist, as a file or a folder.
    let named = Regex::new(r"(?m)^    (src/[a-z_]+)(/|\.rs)").unwrap();
    for c in named.captures_iter(text) {
        let stem = &c[1];
        if !Path::new(ROOT).join(format!("{stem}.rs")).exists() && !Path::new(ROOT).join(stem).is_dir() {
            problems.push(format!("{PAGE} names {stem}{}, which is neither a file nor a folder", &c[2]));
        }
    }
    fail_if_any("the layout of src/", problems);
}

/// The text of every ```toml code block of a page.
fn toml_blocks(text: &str) -> Vec<String> {
    let mut out = vec![];
    let mut current: Option<String> = None;
    for e in markdown(text) {
        match e {
            Event::Start(Tag::CodeBlock(pulldown_cmark::CodeBlockKind::Fenced(info))) if info.trim() == "toml" => current = Some(String::new()),
            Event::Text(t) => {
                if let Some(c) = current.as_mut() {
                    c.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => out.extend(current.take()),
            _ => {}
        }
    }
    out
}

/// A TOML table as (section, key) pairs, a table of free keys as one (section, "").
fn flatten(t: &toml::Table, section: &str, free: &BTreeSet<String>, out: &mut Vec<(String, String)>) {
    for (k, v) in t {
        let path = if section.is_empty() { k.clone() } else { format!("{section}.{k}") };
        match v {
            toml::Value::Table(_) if free.contains(&path) => out.push((path, String::new())),
            toml::Value::Table(inner) => flatten(inner, &path, free, out),
            _ => out.push((section.to_string(), k.clone())),
        }
    }
}

/// The local AI Suite's fault switches (`Name = "name", step N, …` in the
/// `faults!` table) and variants (the `VARIANTS` list), anywhere under src/.
fn faults_and_variants(sources: &[(String, String)]) -> (BTreeSet<String>, BTreeSet<String>) {
    let fault = Regex::new(r#"=\s*"([a-z0-9-]+)",\s*step\s+\d"#).unwrap();
    let variant = Regex::new(r#"\(\s*"([a-z0-9-]+)",\s*""#).unwrap();
    let mut faults = BTreeSet::new();
    let mut variants = BTreeSet::new();
    for (_, text) in sources {
        faults.extend(fault.captures_iter(text).map(|c| c[1].to_string()));
        if let Some(i) = text.find("VARIANTS: &[(&str, &str)] = &[") {
            let list = &text[i..];
            let list = &list[..list.find("];").unwrap_or(list.len())];
            variants.extend(variant.captures_iter(list).map(|c| c[1].to_string()));
        }
    }
    (faults, variants)
}

#[test]
fn the_local_ai_suite_page_lists_every_fault_and_variant() {
    const PAGE: &str = "docs/local-ai-suite.md";
    let pages = manual();
    let text = &page(&pages, PAGE).text;
    let (faults, variants) = faults_and_variants(&sources());
    let mut problems = vec![];
    if faults.is_empty() || variants.is_empty() {
        problems.push("found no fault switches or no variants under src/ (the faults! table, the VARIANTS list): update this test".into());
    }
    for (kind, names) in [("fault", &faults), ("variant", &variants)] {
        for n in names.iter().filter(|n| !text.contains(&format!("`{n}`"))) {
            problems.push(format!("the local AI Suite's {kind} {n} is not in {PAGE}"));
        }
    }
    // Conversely: the first cell of the tables under the Faults and Variants headings.
    let code = Regex::new(r"`([a-z0-9-]+)`").unwrap();
    for head in headings(text) {
        let (kind, names) = match head.text.trim() {
            "Faults" => ("fault", &faults),
            "Variants" => ("variant", &variants),
            _ => continue,
        };
        for row in head.body.lines().filter(|l| l.starts_with("| `")) {
            let first = row.trim_start_matches('|').split('|').next().unwrap_or("");
            for c in code.captures_iter(first).filter(|c| !names.contains(&c[1])) {
                problems.push(format!("{PAGE} lists the {kind} {}, which the local AI Suite does not have", &c[1]));
            }
        }
    }
    fail_if_any("the local AI Suite's faults and variants", problems);
}
