//! A guide page read as a writer wrote it: sections (at `#` and `##`
//! headings), and in each the blocks a reader sees, with the UI names in
//! bold, the example values in `code`, the `Important` rule and the pictures.
//! Parsed by pulldown-cmark (CommonMark), never by patterns over lines.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// A picture: its alt text (the caption) and, when the page links a file, the link as written.
#[derive(Clone, Debug, PartialEq)]
pub struct Picture {
    pub alt: String,
    pub file: Option<String>,
}

impl Picture {
    /// The file's name without its folder (`../.gitbook/assets/x.png` → `x.png`).
    pub fn file_name(&self) -> Option<&str> {
        self.file.as_deref().map(|f| f.rsplit('/').next().unwrap_or(f))
    }
}

/// A link as the file system names it: `%20` and the like decoded.
pub fn unescape_link(link: &str) -> String {
    let bytes = link.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (bytes.get(i + 1).and_then(|b| hex(*b)), bytes.get(i + 2).and_then(|b| hex(*b)))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| link.to_string())
}

/// The pictures of raw HTML (GitBook writes `<figure><img src="…" alt="…"></figure>`).
fn html_pictures(html: &str) -> Vec<Picture> {
    let attribute = |tag: &str, name: &str| -> Option<String> {
        let at = tag.find(&format!(" {name}="))? + name.len() + 2;
        let rest = &tag[at..];
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let value = &rest[1..];
        Some(value[..value.find(quote)?].to_string())
    };
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<img") {
        let tag = &rest[start..];
        let end = tag.find('>').unwrap_or(tag.len());
        let (tag, after) = (&tag[..end], &tag[end..]);
        if let Some(src) = attribute(tag, "src") {
            out.push(Picture { alt: collapse(&attribute(tag, "alt").unwrap_or_default()), file: Some(src) });
        }
        rest = after;
    }
    out
}

/// Text of raw HTML a reader sees: tags dropped.
fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Paragraphs, lists, sub-headings: the prose.
    Prose,
    /// `> **Important:** ...` (or a paragraph that starts so): a rule the product enforces.
    Important,
    /// A paragraph that is only pictures (or a brief's `Screenshot: "caption"` line).
    Picture,
}

#[derive(Clone, Debug)]
pub struct Block {
    pub kind: Kind,
    /// What a reader reads, markup removed, spaces collapsed (a picture's: empty).
    pub text: String,
    pub bold: Vec<String>,
    pub code: Vec<String>,
    pub pictures: Vec<Picture>,
    /// The block's Markdown as written.
    pub source: String,
    /// Which doc string of the feature it came from (the suite's side only).
    pub origin: Option<usize>,
}

#[derive(Clone, Debug, Default)]
pub struct Section {
    /// The heading's text; empty for what comes before the first heading.
    pub heading: String,
    /// The heading's Markdown as written (`## Step 5 — …`).
    pub heading_source: String,
    /// 1 for the page's title (`#`), 2 for a section (`##`), 0 before the first heading.
    pub level: u8,
    pub blocks: Vec<Block>,
    /// The doc string that opened it (the suite's side only).
    pub origin: Option<usize>,
}

impl Section {
    pub fn prose(&self) -> String {
        self.texts(Kind::Prose).join("\n\n")
    }

    pub fn important(&self) -> String {
        self.texts(Kind::Important).join("\n\n")
    }

    fn texts(&self, kind: Kind) -> Vec<&str> {
        self.blocks.iter().filter(|b| b.kind == kind).map(|b| b.text.as_str()).collect()
    }

    pub fn bold(&self) -> Vec<&str> {
        self.blocks.iter().flat_map(|b| b.bold.iter().map(String::as_str)).collect()
    }

    pub fn code(&self) -> Vec<&str> {
        self.blocks.iter().flat_map(|b| b.code.iter().map(String::as_str)).collect()
    }

    pub fn pictures(&self) -> Vec<&Picture> {
        self.blocks.iter().flat_map(|b| b.pictures.iter()).collect()
    }

    /// Every word of it, for matching sections that moved or were renamed.
    pub fn words(&self) -> Vec<String> {
        let captions = self.pictures().into_iter().map(|p| p.alt.as_str()).collect::<Vec<_>>().join(" ");
        let all = format!("{} {} {} {captions}", self.heading, self.prose(), self.important());
        all.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
    }
}

/// What the reader of one top-level block sees, gathered from its events.
#[derive(Default)]
struct Reading {
    text: String,
    bold: Vec<String>,
    code: Vec<String>,
    pictures: Vec<Picture>,
    /// Open `**` spans: where each started in `text`.
    strong: Vec<usize>,
    /// Inside an image: its alt text so far.
    alt: Option<(String, String)>,
    quote: bool,
}

impl Reading {
    fn push(&mut self, s: &str) {
        match &mut self.alt {
            Some((alt, _)) => alt.push_str(s),
            None => self.text.push_str(s),
        }
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A brief's picture line: `Screenshot: "Step 1 — User Tokens tab"`.
fn caption_line(text: &str) -> Option<String> {
    let rest = text.strip_prefix("Screenshot:")?.trim();
    let inner = rest.strip_prefix('"').and_then(|r| r.strip_suffix('"'))?;
    Some(inner.to_string())
}

fn finish(reading: Reading, source: &str) -> Block {
    let text = collapse(&reading.text);
    let mut bold = reading.bold;
    let (kind, text) = if let Some(rule) = text.strip_prefix("Important:") {
        bold.retain(|b| b.trim_end_matches(':') != "Important");
        (Kind::Important, rule.trim().to_string())
    } else if !reading.pictures.is_empty() && reading.pictures.iter().fold(text.clone(), |t, p| t.replacen(&p.alt, "", 1)).trim().is_empty() {
        // Only pictures (a figure's caption repeats its alt text).
        (Kind::Picture, String::new())
    } else if let Some(caption) = caption_line(&text).filter(|_| !reading.quote) {
        let pictures = vec![Picture { alt: caption, file: None }];
        return Block { kind: Kind::Picture, text: String::new(), bold, code: reading.code, pictures, source: source.trim_end().to_string(), origin: None };
    } else {
        (Kind::Prose, text)
    };
    Block { kind, text, bold, code: reading.code, pictures: reading.pictures, source: source.trim_end().to_string(), origin: None }
}

/// The sections of a Markdown page, in order. A YAML front matter block
/// (GitBook's `description:`) is not part of what a reader reads.
pub fn sections(markdown: &str) -> Vec<Section> {
    let markdown = markdown.strip_prefix('\u{feff}').unwrap_or(markdown);
    let mut out: Vec<Section> = vec![Section::default()];
    let mut depth = 0usize;
    let mut reading = Reading::default();
    let mut block: Option<(Range<usize>, u8)> = None; // (source range, the level of a section heading, else 0)
    let mut metadata = false;
    for (event, range) in Parser::new_ext(markdown, Options::ENABLE_YAML_STYLE_METADATA_BLOCKS).into_offset_iter() {
        match &event {
            Event::Start(Tag::MetadataBlock(_)) => metadata = true,
            Event::End(TagEnd::MetadataBlock(_)) => metadata = false,
            _ if metadata => {}
            Event::Start(tag) => {
                if depth == 0 {
                    let level = match tag {
                        Tag::Heading { level: HeadingLevel::H1, .. } => 1,
                        Tag::Heading { level: HeadingLevel::H2, .. } => 2,
                        _ => 0,
                    };
                    block = Some((range.clone(), level));
                    reading = Reading { quote: matches!(tag, Tag::BlockQuote(_)), ..Reading::default() };
                }
                depth += 1;
                match tag {
                    Tag::Strong => reading.strong.push(reading.text.len()),
                    Tag::Image { dest_url, .. } => reading.alt = Some((String::new(), dest_url.to_string())),
                    Tag::Item | Tag::Paragraph if depth > 1 => reading.push(" "),
                    _ => {}
                }
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                match end {
                    TagEnd::Strong => {
                        if let Some(start) = reading.strong.pop() {
                            let name = collapse(&reading.text[start..]);
                            if !name.is_empty() {
                                reading.bold.push(name);
                            }
                        }
                    }
                    TagEnd::Image => {
                        if let Some((alt, file)) = reading.alt.take() {
                            reading.pictures.push(Picture { alt: collapse(&alt), file: Some(file) });
                        }
                    }
                    _ => {}
                }
                if depth == 0
                    && let Some((range, level)) = block.take()
                {
                    let source = &markdown[range];
                    let done = finish(std::mem::take(&mut reading), source);
                    if level > 0 {
                        out.push(Section { heading: done.text, heading_source: done.source, level, blocks: vec![], origin: None });
                    } else {
                        out.last_mut().expect("a section").blocks.push(done);
                    }
                }
            }
            Event::Text(t) => reading.push(t),
            Event::Code(c) => {
                reading.push(c);
                if reading.alt.is_none() {
                    reading.code.push(c.to_string());
                }
            }
            Event::SoftBreak | Event::HardBreak => reading.push(" "),
            // A rule between sections (`***`) says nothing a reader reads.
            Event::Rule => {}
            Event::Html(h) | Event::InlineHtml(h) if depth > 0 => {
                reading.pictures.extend(html_pictures(h));
                reading.push(&html_text(h));
            }
            _ => {}
        }
    }
    // Nothing before the first heading: no section for it.
    if out.first().is_some_and(|s| s.heading.is_empty() && s.blocks.is_empty()) {
        out.remove(0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gitbook_section_is_read_as_a_reader_sees_it() {
        let page = "# User Tokens\n\nIntro with the **User Tokens** tab.\n\n***\n\n## Step 6 — Set the Expiry Date\n\nClick the **Expiry Date** field and enter a date in `YYYY-MM-DD` format.\n\n> **Important:** The expiry date must be greater than today's date.\n\nIn this example: `2026-04-11` (April 11, 2026)\n\n![Step 6 — Expiry date set](../.gitbook/assets/user-tokens-step-06-expiry-set.png)\n";
        let s = sections(page);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].heading, "User Tokens");
        assert_eq!(s[0].bold(), ["User Tokens"]);
        let step = &s[1];
        assert_eq!(step.heading, "Step 6 — Set the Expiry Date");
        assert_eq!(step.prose(), "Click the Expiry Date field and enter a date in YYYY-MM-DD format.\n\nIn this example: 2026-04-11 (April 11, 2026)");
        assert_eq!(step.important(), "The expiry date must be greater than today's date.");
        assert_eq!(step.bold(), ["Expiry Date"]);
        assert_eq!(step.code(), ["YYYY-MM-DD", "2026-04-11"]);
        let p = step.pictures();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].alt, "Step 6 — Expiry date set");
        assert_eq!(p[0].file_name(), Some("user-tokens-step-06-expiry-set.png"));
        assert_eq!(step.blocks[3].source, "![Step 6 — Expiry date set](../.gitbook/assets/user-tokens-step-06-expiry-set.png)");
    }

    #[test]
    fn gitbook_front_matter_a_byte_order_mark_and_figure_markup_are_read_as_gitbook_shows_them() {
        let page = "\u{feff}---\ndescription: How to create a token\n---\n\n# User Tokens\n\nIntro.\n\n<figure><img src=\"../.gitbook/assets/step%201.png\" alt=\"Step 1 — tab\"><figcaption><p>Step 1 — tab</p></figcaption></figure>\n";
        let s = sections(page);
        assert_eq!(s.len(), 1, "{s:#?}");
        assert_eq!(s[0].heading, "User Tokens");
        assert_eq!(s[0].pictures(), [&Picture { alt: "Step 1 — tab".into(), file: Some("../.gitbook/assets/step%201.png".into()) }]);
        assert_eq!(unescape_link("../.gitbook/assets/step%201.png"), "../.gitbook/assets/step 1.png");
    }

    #[test]
    fn a_brief_names_its_pictures_by_caption_and_states_its_rule_plainly() {
        let s = sections("## Step 6 — Set\n\nImportant: The date must be later.\n\nScreenshot: \"Step 6 — Expiry date set\"\n\n- one\n- two\n");
        assert_eq!(s[0].important(), "The date must be later.");
        assert_eq!(s[0].pictures(), [&Picture { alt: "Step 6 — Expiry date set".into(), file: None }]);
        assert_eq!(s[0].prose(), "one two");
    }
}
