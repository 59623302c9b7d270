//! The drift check (`cargo run -- drift PATH`): the published guide (a GitBook
//! page, or the docs repository holding it) against the page the features
//! would generate, section by section: headings, prose (a word-level diff),
//! UI names in bold and whether a locator finds each, example values in
//! `code`, the `Important` rule, and the pictures (captions, files, whether
//! each file is in the assets folder and still looks like the suite's picture
//! of that step). `--fix` writes a writer's rewording back into the features'
//! doc strings (see [`fix`]).

pub mod fix;
pub mod page;

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::evidence::{docs, visual};
use crate::locators::{DEFAULTS, Key, Locators};
use page::{Picture, Section};

/// Where the docs repository keeps the page, and its pictures.
pub const PAGE_IN_REPO: &str = "access-control/user-tokens.md";
pub const ASSETS_IN_REPO: &str = ".gitbook/assets";

pub const EXIT_SAME: i32 = 0;
pub const EXIT_DRIFT: i32 = 1;
pub const EXIT_UNREADABLE: i32 = 3;

/// The published page, read.
pub struct Published {
    pub path: PathBuf,
    pub markdown: String,
    pub sections: Vec<Section>,
}

/// Reads the page at `path`: the page itself, or a docs repository holding it at [`PAGE_IN_REPO`].
pub fn read_published(path: &Path) -> anyhow::Result<Published> {
    let page = if path.is_dir() {
        let page = path.join(PAGE_IN_REPO);
        if !page.is_file() {
            bail!("{} is a folder without {PAGE_IN_REPO}: give the docs repository's checkout or the page itself", path.display());
        }
        page
    } else if path.is_file() {
        path.to_path_buf()
    } else {
        bail!("{} does not exist: give the published page (a .md file) or the docs repository's checkout", path.display());
    };
    let bytes = std::fs::read(&page).with_context(|| format!("cannot read {}", page.display()))?;
    let markdown = String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("{} is not UTF-8 text: not a Markdown page", page.display()))?;
    let sections = page::sections(&markdown);
    if !sections.iter().any(|s| !s.heading.is_empty()) {
        bail!("{} has no headings: not a guide page (its steps are `## Step N — …` sections)", page.display());
    }
    Ok(Published { path: page, markdown, sections })
}

/// The suite's side: the sections the features' doc strings make, each block
/// knowing its doc string.
pub fn suite_sections(doc_strings: &[docs::DocString]) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    for (i, doc) in doc_strings.iter().enumerate() {
        for mut section in page::sections(&doc.text) {
            for b in &mut section.blocks {
                b.origin = Some(i);
            }
            if section.heading.is_empty() && !out.is_empty() {
                // A doc string without a heading continues the section before it.
                out.last_mut().expect("not empty").blocks.extend(section.blocks);
            } else {
                section.origin = Some(i);
                out.push(section);
            }
        }
    }
    out
}

/// One way a section of the published page differs from the suite's.
#[derive(Clone, Debug, PartialEq)]
pub enum Finding {
    /// A word-level diff: `[-the suite's words-]{+the published page's+}`.
    Heading(String),
    Prose(String),
    Important(String),
    /// UI names in bold (in order), where they differ.
    Bold { published: Vec<String>, suite: Vec<String> },
    /// Example values in `code`, where they differ.
    Code { published: Vec<String>, suite: Vec<String> },
    PictureOnlyPublished(Picture),
    PictureOnlySuite(Picture),
    Caption { file: String, diff: String },
    PictureFile { alt: String, published: String, suite: String },
    /// The page links a picture its assets folder does not hold.
    MissingPicture { alt: String, path: PathBuf },
    /// The published picture no longer looks like the suite's picture of that step.
    PictureDiffers { file: String, differing: usize, total: usize },
    /// A picture that cannot be compared: the published file is not an image, or the suite has none.
    PictureUnread { file: String, why: String },
}

impl Finding {
    /// Wording only: what `--fix` may write back into a doc string.
    pub fn is_wording(&self) -> bool {
        matches!(self, Finding::Heading(_) | Finding::Prose(_))
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |v: &[String]| if v.is_empty() { "none".to_string() } else { v.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ") };
        match self {
            Finding::Heading(d) => write!(f, "heading: {d}"),
            Finding::Prose(d) => write!(f, "text: {d}"),
            Finding::Important(d) => write!(f, "Important rule: {d}"),
            Finding::Bold { published, suite } => write!(f, "UI names in bold: {} (the suite: {})", list(published), list(suite)),
            Finding::Code { published, suite } => write!(f, "example values: {} (the suite: {})", list(published), list(suite)),
            Finding::PictureOnlyPublished(p) => write!(f, "picture only in the published page: \"{}\"", p.alt),
            Finding::PictureOnlySuite(p) => write!(f, "picture only in the suite: \"{}\" ({})", p.alt, p.file_name().unwrap_or("-")),
            Finding::Caption { file, diff } => write!(f, "caption of {file}: {diff}"),
            Finding::PictureFile { alt, published, suite } => write!(f, "picture \"{alt}\" is {published} (the suite's: {suite})"),
            Finding::MissingPicture { alt, path } => write!(f, "missing picture: \"{alt}\" links {}, which does not exist", path.display()),
            Finding::PictureUnread { file, why } => write!(f, "picture {file} cannot be compared: {why}"),
            Finding::PictureDiffers { file, differing, total } => {
                write!(f, "picture {file} no longer matches the suite's ({differing} of {total} pixels differ; `cargo run -- docs` makes the new one)")
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Same,
    Changed(Vec<Finding>),
    OnlyPublished,
    OnlySuite,
}

/// One row of the table: a section of either side, or both.
#[derive(Clone, Debug)]
pub struct Row {
    pub published: Option<usize>,
    pub suite: Option<usize>,
    pub status: Status,
}

/// A bold UI name of the published page and the locators that find it by its text.
#[derive(Clone, Debug, PartialEq)]
pub struct UiName {
    pub name: String,
    /// Keys of the locators that name it (each part of `A → B` on its own).
    pub keys: Vec<&'static str>,
    /// The parts of the name no locator names.
    pub unlocated: Vec<String>,
    /// The suite's own page names it in bold too.
    pub in_suite: bool,
    /// Only sections the suite does not have name it.
    pub only_in_new_sections: bool,
}

pub struct Drift {
    pub rows: Vec<Row>,
    /// The published page marks nothing in bold where the suite's page does (a brief in plain text).
    pub plain: bool,
    pub names: Vec<UiName>,
    /// What was not compared, and why (said once each).
    pub notes: Vec<String>,
    pub published: Vec<Section>,
    pub suite: Vec<Section>,
}

impl Drift {
    pub fn agrees(&self) -> bool {
        self.rows.iter().all(|r| r.status == Status::Same)
    }
}

/// Where pictures are looked for: the published page's folder (links are
/// relative to it) and the suite's pictures.
pub struct Pictures<'a> {
    pub page_dir: &'a Path,
    pub suite_dir: &'a Path,
    /// Pictures linked by URL (not compared), said in the notes.
    pub remote: std::cell::RefCell<Vec<String>>,
}

impl<'a> Pictures<'a> {
    pub fn new(page_dir: &'a Path, suite_dir: &'a Path) -> Self {
        Self { page_dir, suite_dir, remote: Default::default() }
    }
}

/// The word-level diff of `suite` → `published`: `[-removed words-]`,
/// `{+added words+}`, with a few words of unchanged context around each
/// change (a short text is shown whole; a long change keeps its ends).
pub fn word_diff(suite: &str, published: &str) -> String {
    use similar::{Algorithm, DiffOp, capture_diff_slices};
    const CONTEXT: usize = 4;
    const LONG_CHANGE: usize = 12;
    let (old, new): (Vec<&str>, Vec<&str>) = (suite.split_whitespace().collect(), published.split_whitespace().collect());
    let context = if old.len() <= 24 { usize::MAX / 4 } else { CONTEXT };
    let changed = |words: &[&str]| {
        if words.len() > LONG_CHANGE { format!("{} … {}", words[..6].join(" "), words[words.len() - 4..].join(" ")) } else { words.join(" ") }
    };
    // Runs of unchanged words, and the changes between them (removed, added).
    type Part<'a> = Result<Vec<&'a str>, (Vec<&'a str>, Vec<&'a str>)>;
    let mut parts: Vec<Part> = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &old, &new) {
        let (removed, added) = match op {
            DiffOp::Equal { old_index, len, .. } => {
                parts.push(Ok(old[old_index..old_index + len].to_vec()));
                continue;
            }
            DiffOp::Delete { old_index, old_len, .. } => (&old[old_index..old_index + old_len], &[][..]),
            DiffOp::Insert { new_index, new_len, .. } => (&[][..], &new[new_index..new_index + new_len]),
            DiffOp::Replace { old_index, old_len, new_index, new_len } => (&old[old_index..old_index + old_len], &new[new_index..new_index + new_len]),
        };
        match parts.last_mut() {
            Some(Err((r, a))) => {
                r.extend(removed);
                a.extend(added);
            }
            _ => parts.push(Err((removed.to_vec(), added.to_vec()))),
        }
    }
    let n = parts.len();
    let mut out: Vec<String> = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        match part {
            Ok(words) => out.push(match (i == 0, i + 1 == n) {
                (true, true) => words.join(" "),
                (true, false) if words.len() > context => format!("… {}", words[words.len() - context..].join(" ")),
                (false, true) if words.len() > context => format!("{} …", words[..context].join(" ")),
                (false, false) if words.len() > 2 * context => {
                    format!("{} … {}", words[..context].join(" "), words[words.len() - context..].join(" "))
                }
                _ => words.join(" "),
            }),
            Err((removed, added)) => {
                let mut change = String::new();
                if !removed.is_empty() {
                    change.push_str(&format!("[-{}-]", changed(removed)));
                }
                if !added.is_empty() {
                    change.push_str(&format!("{{+{}+}}", changed(added)));
                }
                out.push(change);
            }
        }
    }
    out.join(" ")
}

/// How alike two sections are (shared words over all words), for pairing
/// sections that were renamed or moved.
fn likeness(a: &Section, b: &Section) -> f64 {
    use std::collections::BTreeSet;
    // The same heading, or both the page's title (a page has one).
    if (!a.heading.is_empty() && a.heading == b.heading) || (a.level == 1 && b.level == 1) {
        return 2.0;
    }
    let (x, y): (BTreeSet<String>, BTreeSet<String>) = (a.words().into_iter().collect(), b.words().into_iter().collect());
    let union = x.union(&y).count();
    if union == 0 { 0.0 } else { x.intersection(&y).count() as f64 / union as f64 }
}

/// Sections paired in order (an alignment maximising likeness; pairs below
/// half alike are not pairs): (published, suite) indexes.
fn align(published: &[Section], suite: &[Section]) -> Vec<(Option<usize>, Option<usize>)> {
    const PAIR: f64 = 0.5;
    let (n, m) = (published.len(), suite.len());
    let mut best = vec![vec![0.0f64; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let l = likeness(&published[i], &suite[j]);
            let pair = if l >= PAIR { l + best[i + 1][j + 1] } else { f64::MIN };
            best[i][j] = pair.max(best[i + 1][j]).max(best[i][j + 1]);
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n || j < m {
        if i < n && j < m {
            let l = likeness(&published[i], &suite[j]);
            if l >= PAIR && (best[i][j] - (l + best[i + 1][j + 1])).abs() < 1e-9 {
                out.push((Some(i), Some(j)));
                (i, j) = (i + 1, j + 1);
                continue;
            }
            if (best[i][j] - best[i + 1][j]).abs() < 1e-9 {
                out.push((Some(i), None));
                i += 1;
            } else {
                out.push((None, Some(j)));
                j += 1;
            }
        } else if i < n {
            out.push((Some(i), None));
            i += 1;
        } else {
            out.push((None, Some(j)));
            j += 1;
        }
    }
    out
}

fn owned(v: Vec<&str>) -> Vec<String> {
    v.into_iter().map(str::to_string).collect()
}

/// The pictures of two paired sections, paired: by caption, then by file, then in order.
fn pair_pictures<'a>(published: Vec<&'a Picture>, suite: Vec<&'a Picture>) -> Vec<(Option<&'a Picture>, Option<&'a Picture>)> {
    let mut left: Vec<Option<&Picture>> = published.into_iter().map(Some).collect();
    let mut right: Vec<Option<&Picture>> = suite.into_iter().map(Some).collect();
    let mut pairs = Vec::new();
    let same: [fn(&Picture, &Picture) -> bool; 3] = [|a, b| a.alt == b.alt, |a, b| a.file_name().is_some() && a.file_name() == b.file_name(), |_, _| true];
    for rule in same {
        for l in left.iter_mut() {
            let Some(p) = *l else { continue };
            if let Some(r) = right.iter_mut().find(|r| r.is_some_and(|s| rule(p, s))) {
                pairs.push((Some(p), r.take()));
                *l = None;
            }
        }
    }
    pairs.extend(left.into_iter().flatten().map(|p| (Some(p), None)));
    pairs.extend(right.into_iter().flatten().map(|s| (None, Some(s))));
    pairs
}

fn compare_pictures(p: &Picture, s: &Picture, where_: &Pictures, out: &mut Vec<Finding>) {
    let suite_file = s.file_name().unwrap_or_default().to_string();
    if p.alt != s.alt {
        out.push(Finding::Caption { file: suite_file.clone(), diff: word_diff(&s.alt, &p.alt) });
    }
    // A brief names its pictures by caption only: nothing more to compare.
    let (Some(link), Some(name)) = (p.file.as_deref(), p.file_name()) else { return };
    if name != suite_file {
        out.push(Finding::PictureFile { alt: p.alt.clone(), published: name.to_string(), suite: suite_file.clone() });
    }
    if link.contains("://") {
        where_.remote.borrow_mut().push(link.to_string());
        return;
    }
    let path = tidy(&where_.page_dir.join(page::unescape_link(link)));
    if !path.is_file() {
        out.push(Finding::MissingPicture { alt: p.alt.clone(), path });
        return;
    }
    let ours = where_.suite_dir.join(&suite_file);
    let theirs = match image::open(&path) {
        Ok(i) => i.to_rgba8(),
        Err(e) => return out.push(Finding::PictureUnread { file: name.to_string(), why: format!("{} is not an image the suite reads ({e})", path.display()) }),
    };
    let ours = match image::open(&ours) {
        Ok(i) => i.to_rgba8(),
        Err(_) => {
            let why = format!("the suite has no picture {} (`cargo run -- docs` makes it)", ours.display());
            return out.push(Finding::PictureUnread { file: name.to_string(), why });
        }
    };
    let c = visual::compare(&ours, &theirs);
    if !c.matches() {
        out.push(Finding::PictureDiffers { file: name.to_string(), differing: c.differing, total: c.total });
    }
}

/// `a/b/../c` as `a/c` (the page's links climb out of its folder).
fn tidy(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// `plain`: the published page marks nothing in bold (a brief in plain text):
/// its UI names and values are only words of its text.
fn compare_sections(p: &Section, s: &Section, where_: &Pictures, plain: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    if p.heading != s.heading {
        out.push(Finding::Heading(word_diff(&s.heading, &p.heading)));
    }
    if p.prose() != s.prose() {
        out.push(Finding::Prose(word_diff(&s.prose(), &p.prose())));
    }
    if p.important() != s.important() {
        out.push(Finding::Important(word_diff(&s.important(), &p.important())));
    }
    if p.bold() != s.bold() && !plain {
        out.push(Finding::Bold { published: owned(p.bold()), suite: owned(s.bold()) });
    }
    if p.code() != s.code() && !plain {
        out.push(Finding::Code { published: owned(p.code()), suite: owned(s.code()) });
    }
    for pair in pair_pictures(p.pictures(), s.pictures()) {
        match pair {
            (Some(a), Some(b)) => compare_pictures(a, b, where_, &mut out),
            (Some(a), None) => out.push(Finding::PictureOnlyPublished(a.clone())),
            (None, Some(b)) => out.push(Finding::PictureOnlySuite(b.clone())),
            (None, None) => {}
        }
    }
    out
}

/// The texts a locator names an element by: `name="…"` (exact), `name~="…"`
/// (a case-insensitive part), `label=…`, `text=…`.
fn locator_texts(source: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for alt in source.split(" || ") {
        let alt = alt.trim();
        for (prefix, contains) in [("name=\"", false), ("name~=\"", true)] {
            let mut rest = alt;
            while let Some(at) = rest.find(prefix) {
                let after = &rest[at + prefix.len()..];
                let end = after.find('"').unwrap_or(after.len());
                out.push((after[..end].to_string(), contains));
                rest = &after[end..];
            }
        }
        for prefix in ["label=", "text="] {
            if let Some(t) = alt.strip_prefix(prefix) {
                out.push((t.trim().to_string(), false));
            }
        }
    }
    out
}

/// The guide's sections (their headings) whose bold UI names the default
/// locator of `key` finds by that very name, with the name: where the guide
/// must change when a release renames what `key` finds (the guide is the
/// features' doc strings, the page `cargo run -- docs` makes).
pub fn guide_sections_naming(key: &str) -> Vec<(String, String)> {
    let Ok(doc_strings) = docs::doc_strings(Path::new(docs::DOCS_FEATURE)) else { return Vec::new() };
    let Ok(defaults) = Locators::with_overrides(&Default::default()) else { return Vec::new() };
    let mut out = Vec::new();
    for section in suite_sections(&doc_strings) {
        for bold in section.bold() {
            let named = bold.split('→').map(str::trim).any(|part| locators_naming(&defaults, part).contains(&key));
            if named && !out.iter().any(|(h, b): &(String, String)| *h == section.heading && b == bold) {
                out.push((section.heading.clone(), bold.to_string()));
            }
        }
    }
    out
}

/// The locators (keys) that find `text` by that very text.
pub fn locators_naming(locators: &Locators, text: &str) -> Vec<&'static str> {
    DEFAULTS
        .iter()
        .filter_map(|(key, _)| {
            let locator = locators.get(Key::named(key).expect("a key of the table"));
            let names = locator_texts(&locator.source);
            names.iter().any(|(n, contains)| if *contains { text.to_lowercase().contains(&n.to_lowercase()) } else { n == text }).then_some(*key)
        })
        .collect()
}

fn ui_names(published: &[Section], suite: &[Section], paired: &[usize], locators: &Locators) -> Vec<UiName> {
    let ours: Vec<&str> = suite.iter().flat_map(|s| s.bold()).collect();
    let in_paired: Vec<&str> = paired.iter().flat_map(|&i| published[i].bold()).collect();
    let mut out: Vec<UiName> = Vec::new();
    for name in published.iter().flat_map(|s| s.bold()) {
        if out.iter().any(|n| n.name == name) {
            continue;
        }
        let mut keys = Vec::new();
        let mut unlocated = Vec::new();
        // A path through menus (`AI Admin → Access Control`): each part is a name of its own.
        for part in name.split('→').map(str::trim).filter(|p| !p.is_empty()) {
            let found = locators_naming(locators, part);
            if found.is_empty() {
                unlocated.push(part.to_string());
            }
            keys.extend(found);
        }
        keys.dedup();
        out.push(UiName { name: name.to_string(), keys, unlocated, in_suite: ours.contains(&name), only_in_new_sections: !in_paired.contains(&name) });
    }
    out
}

/// Compares the published sections with the suite's.
pub fn compare(published: &[Section], suite: &[Section], locators: &Locators, pictures: &Pictures) -> Drift {
    let pairs = align(published, suite);
    // A page whose sections (those the suite has too) mark nothing in bold is a brief in plain text.
    let paired: Vec<usize> = pairs.iter().filter_map(|(p, s)| p.zip(*s)).map(|(p, _)| p).collect();
    let plain = paired.iter().all(|&p| published[p].bold().is_empty());
    let rows = pairs
        .into_iter()
        .map(|pair| {
            let status = match pair {
                (Some(p), Some(s)) => {
                    let findings = compare_sections(&published[p], &suite[s], pictures, plain);
                    if findings.is_empty() { Status::Same } else { Status::Changed(findings) }
                }
                (Some(_), None) => Status::OnlyPublished,
                (None, _) => Status::OnlySuite,
            };
            Row { published: pair.0, suite: pair.1, status }
        })
        .collect();
    let mut notes = Vec::new();
    if plain {
        notes.push("the published page marks no UI names in bold: UI names and example values are compared as words of the text".to_string());
    }
    let remote = pictures.remote.borrow();
    if !remote.is_empty() {
        notes.push(format!("pictures linked by URL are not compared (only files of the docs repository are): {}", remote.join(", ")));
    }
    if published.iter().flat_map(|s| s.pictures()).any(|p| p.file.is_none()) {
        notes.push("the published page names some pictures by caption only (`Screenshot: \"…\"`): their files are not compared".to_string());
    }
    Drift { rows, plain, names: ui_names(published, suite, &paired, locators), notes, published: published.to_vec(), suite: suite.to_vec() }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// The report: a table of sections and one of UI names.
pub fn table(drift: &Drift) -> String {
    let mut out = String::from("| section | drift |\n|---|---|\n");
    for row in &drift.rows {
        let heading = row
            .published
            .map(|i| &drift.published[i])
            .or(row.suite.map(|i| &drift.suite[i]))
            .map(|s| if s.heading.is_empty() { "(before the first heading)".to_string() } else { s.heading.clone() })
            .unwrap_or_default();
        let what = match &row.status {
            Status::Same => "same".to_string(),
            Status::OnlyPublished => "only in the published page".to_string(),
            Status::OnlySuite => "only in the suite".to_string(),
            Status::Changed(f) => format!("text changed: {}", f.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")),
        };
        out.push_str(&format!("| {} | {} |\n", cell(&heading), cell(&what)));
    }
    if !drift.names.is_empty() {
        out.push_str("\n| UI name (bold) | found by the suite's locators |\n|---|---|\n");
        for n in &drift.names {
            let found = match (n.keys.is_empty(), n.unlocated.is_empty(), n.in_suite) {
                (_, true, _) => n.keys.join(", "),
                (_, false, true) => {
                    let by = if n.keys.is_empty() { String::new() } else { format!("{}; ", n.keys.join(", ")) };
                    format!("{by}no locator names {} (the suite reads it as text, as its own page does)", n.unlocated.join(", "))
                }
                (_, false, false) if n.only_in_new_sections => format!(
                    "NO: no locator finds \"{}\" by this text (only a section the suite does not have names it: its steps, and their locators, are to be written)",
                    n.unlocated.join("\", \"")
                ),
                (_, false, false) => format!("NO: no locator finds \"{}\" by this text: change the step's locator ([locators] in the config) or the page", n.unlocated.join("\", \"")),
            };
            out.push_str(&format!("| {} | {} |\n", cell(&n.name), cell(&found)));
        }
    }
    for note in &drift.notes {
        out.push_str(&format!("\nnote: {note}"));
    }
    let differ = drift.rows.iter().filter(|r| r.status != Status::Same).count();
    out.push_str(&if differ == 0 {
        format!("\n\nno drift: the published page and the suite agree ({} sections)\n", drift.rows.len())
    } else {
        format!(
            "\n\ndrift: {differ} of {} sections differ ([-…-] the suite's words, {{+…+}} the published page's); \
             `cargo run -- drift PATH --fix` writes a rewording back into the features\n",
            drift.rows.len()
        )
    });
    out
}

/// The command: reads the page, compares, prints; with `fix`, writes the
/// published wording back. Returns the exit code.
pub fn run(path: &Path, feature: &Path, pictures_dir: &Path, locators: &Locators, fix: bool) -> i32 {
    let published = match read_published(path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e:#}");
            return EXIT_UNREADABLE;
        }
    };
    let doc_strings = match docs::doc_strings(feature) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e:#}");
            return EXIT_UNREADABLE;
        }
    };
    let suite = suite_sections(&doc_strings);
    let page_dir = published.path.parent().unwrap_or(Path::new("."));
    let drift = compare(&published.sections, &suite, locators, &Pictures::new(page_dir, pictures_dir));
    println!("drift: {} against {}\n", published.path.display(), feature.display());
    print!("{}", table(&drift));
    if drift.agrees() {
        return EXIT_SAME;
    }
    if fix {
        match fix::apply(&drift, feature, &doc_strings) {
            Ok(report) => println!("\n{report}"),
            Err(e) => eprintln!("error: --fix: {e:#}"),
        }
    }
    EXIT_DRIFT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_diff_shows_the_changed_words_in_a_few_words_of_context() {
        assert_eq!(word_diff("Step 5 — Enter a Token Name", "Step 5 — Type a Token Name"), "Step 5 — [-Enter-]{+Type+} a Token Name");
        // A short text is shown whole; a long one keeps four words each side.
        let d = word_diff("Click the Token Name field and type a descriptive name", "Click the Token Name field and type a short name");
        assert_eq!(d, "Click the Token Name field and type a [-descriptive-]{+short+} name");
        let tail = " and then go on with the rest of the guide, step by step, until the token is created";
        let d = word_diff(&format!("Click the Token Name field and type a descriptive name for the token{tail}"), &format!("Click the Token Name field and type a short name for the token{tail}"));
        assert_eq!(d, "… field and type a [-descriptive-]{+short+} name for the token …");
    }

    #[test]
    fn locators_are_read_for_the_texts_they_find_elements_by() {
        let l = Locators::with_overrides(&Default::default()).unwrap();
        assert_eq!(locators_naming(&l, "Create Token"), ["profile.create_token"]);
        assert!(locators_naming(&l, "New Token").is_empty());
        assert!(locators_naming(&l, "Token Name").contains(&"create_token.name"));
    }
}
