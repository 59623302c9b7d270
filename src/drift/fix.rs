//! `drift --fix`: a writer's rewording goes back into the features' doc
//! strings. Only where nothing but wording changed (headings, paragraphs):
//! a changed UI name, example value, rule or picture is what steps and
//! assertions are about, and is left for a person to change.

use std::path::Path;

use anyhow::{Context, bail};

use super::page::{Kind, Section};
use super::{Drift, Finding, Status};
use crate::evidence::docs::{self, DocString};

/// One replacement inside a doc string.
struct Edit {
    doc: usize,
    old: String,
    new: String,
}

/// A published block's Markdown in the feature's form: pictures linked by file name.
fn as_in_feature(block: &super::page::Block) -> String {
    let mut source = block.source.clone();
    for p in &block.pictures {
        if let (Some(link), Some(name)) = (&p.file, p.file_name()) {
            source = source.replace(&format!("]({link})"), &format!("]({name})"));
        }
    }
    source
}

/// The edits that make suite section `s` read as published section `p`, or why not.
fn edits(p: &Section, s: &Section, findings: &[Finding]) -> Result<Vec<Edit>, String> {
    if let Some(f) = findings.iter().find(|f| !f.is_wording()) {
        return Err(format!("not only wording ({f})"));
    }
    let mut out = Vec::new();
    if p.heading != s.heading {
        if p.heading.is_empty() || s.heading.is_empty() || p.level != s.level {
            return Err("a heading was added, removed or changed in level: edit the doc string by hand".into());
        }
        let doc = s.origin.ok_or("the suite's section has no doc string of its own")?;
        out.push(Edit { doc, old: s.heading_source.clone(), new: p.heading_source.clone() });
    }
    let prose = |x: &Section| x.blocks.iter().filter(|b| b.kind == Kind::Prose).cloned().collect::<Vec<_>>();
    let (theirs, ours) = (prose(p), prose(s));
    if theirs.len() != ours.len() {
        return Err(format!("the published section has {} paragraphs where the suite has {}: edit the doc string by hand", theirs.len(), ours.len()));
    }
    for (t, o) in theirs.iter().zip(&ours) {
        // A UI name or example value is what a step is about, even where the words around it changed.
        if t.bold != o.bold || t.code != o.code {
            return Err(format!("a UI name or example value changed in \"{}\": change the steps by hand", o.text));
        }
        if t.text != o.text {
            let doc = o.origin.ok_or("a paragraph without a doc string")?;
            out.push(Edit { doc, old: o.source.clone(), new: as_in_feature(t) });
        }
    }
    Ok(out)
}

/// The whitespace every non-empty line starts with (as gherkin's dedent finds it).
fn common_indent<'a>(lines: &[&'a str]) -> &'a str {
    let mut prefix: Option<&str> = None;
    for l in lines.iter().filter(|l| !l.trim().is_empty()) {
        let own = &l[..l.len() - l.trim_start().len()];
        prefix = Some(match prefix {
            None => own,
            Some(p) => {
                let shared = p.char_indices().zip(own.chars()).take_while(|((_, a), b)| a == b).last().map(|((i, c), _)| i + c.len_utf8()).unwrap_or(0);
                &p[..shared]
            }
        });
    }
    prefix.unwrap_or("")
}

/// Where doc string `doc` sits in the feature file's lines: its content's
/// first line and the line after its last.
fn locate(lines: &[&str], doc: &DocString) -> anyhow::Result<(usize, usize)> {
    let open = (doc.step_line..lines.len())
        .find(|&i| {
            let t = lines[i].trim_start();
            t.starts_with("\"\"\"") || t.starts_with("```")
        })
        .with_context(|| format!("no doc string after line {}", doc.step_line))?;
    let delimiter = &lines[open].trim_start()[..3];
    let close = (open + 1..lines.len()).find(|&i| lines[i].trim() == delimiter).with_context(|| format!("the doc string at line {} is not closed", open + 1))?;
    Ok((open + 1, close))
}

/// Applies the wording of every section where only wording changed to the
/// feature file (and, for the committed feature, regenerates the committed
/// page); says what it fixed and what it left.
pub fn apply(drift: &Drift, feature: &Path, doc_strings: &[DocString]) -> anyhow::Result<String> {
    if drift.plain {
        return Ok("--fix: nothing written: the published page marks no UI names in bold, so its wording would drop the feature's Markdown".into());
    }
    let mut all = Vec::new();
    let (mut fixed, mut left) = (Vec::new(), Vec::new());
    for row in &drift.rows {
        let name = |s: &Section| s.heading.clone();
        match (&row.status, row.published, row.suite) {
            (Status::Changed(findings), Some(p), Some(s)) => match edits(&drift.published[p], &drift.suite[s], findings) {
                Ok(e) => {
                    fixed.push(name(&drift.published[p]));
                    all.extend(e);
                }
                Err(why) => left.push(format!("{}: {why}", name(&drift.suite[s]))),
            },
            (Status::OnlyPublished, Some(p), _) => left.push(format!("{}: a new section: add its steps by hand", name(&drift.published[p]))),
            (Status::OnlySuite, _, Some(s)) => left.push(format!("{}: gone from the published page: remove or keep its steps by hand", name(&drift.suite[s]))),
            _ => {}
        }
    }
    if !all.is_empty() {
        let text = std::fs::read_to_string(feature).with_context(|| format!("cannot read {}", feature.display()))?;
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let lines: Vec<&str> = text.lines().collect();
        let mut replaced: Vec<(usize, usize, Vec<String>)> = Vec::new();
        for (i, doc) in doc_strings.iter().enumerate() {
            let mine: Vec<&Edit> = all.iter().filter(|e| e.doc == i).collect();
            if mine.is_empty() {
                continue;
            }
            let (first, end) = locate(&lines, doc)?;
            let body = &lines[first..end];
            // Gherkin removes the content's common indentation: so do we, and put the same back.
            let prefix = common_indent(body);
            let mut content = body.iter().map(|l| l.strip_prefix(prefix).unwrap_or(l.trim_start())).collect::<Vec<_>>().join("\n");
            for e in mine {
                if content.matches(&e.old).count() != 1 {
                    bail!("the doc string at line {} does not hold this text once: {:?}", first, e.old);
                }
                content = content.replacen(&e.old, &e.new, 1);
            }
            if content.contains("\"\"\"") || content.contains("```") {
                bail!("the published wording holds a doc string delimiter (\"\"\" or ```): edit the feature by hand");
            }
            replaced.push((first, end, content.lines().map(|l| if l.is_empty() { String::new() } else { format!("{prefix}{l}") }).collect()));
        }
        let mut out: Vec<String> = Vec::new();
        let mut at = 0;
        for (first, end, new) in replaced {
            out.extend(lines[at..first].iter().map(|l| l.to_string()));
            out.extend(new);
            at = end;
        }
        out.extend(lines[at..].iter().map(|l| l.to_string()));
        let mut new_text = out.join(newline);
        if text.ends_with('\n') {
            new_text.push_str(newline);
        }
        std::fs::write(feature, new_text).with_context(|| format!("cannot write {}", feature.display()))?;
        let same = |a: &Path, b: &Path| a.canonicalize().ok().is_some_and(|a| b.canonicalize().ok().is_some_and(|b| a == b));
        if same(feature, Path::new(docs::DOCS_FEATURE)) {
            docs::write(Path::new(docs::DOCS_PAGE), docs::DEFAULT_ASSETS)?;
        }
    }
    let mut report = if fixed.is_empty() {
        "--fix: nothing to write back (no section changed in wording only)".to_string()
    } else {
        format!("--fix: wrote the published wording of {} into {}: {}", if fixed.len() == 1 { "1 section".into() } else { format!("{} sections", fixed.len()) }, feature.display(), fixed.join("; "))
    };
    for l in left {
        report.push_str(&format!("\n--fix left: {l}"));
    }
    Ok(report)
}
