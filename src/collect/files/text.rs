//! Reading prose: the outline of a document (headings, sections, tables, code), its title and
//! its substance (words, placeholders, empty headings, requirement ids). Every finding has a
//! line number an auditor can check.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use crate::facts::files::{Mention, Substance};

fn re(pattern: &str) -> Regex {
    // The patterns are literals in this file; a typo is caught by the unit tests.
    Regex::new(pattern).unwrap_or_else(|e| panic!("invalid built-in pattern {pattern}: {e}"))
}

/// `s` trimmed to one quotable piece: at most 160 characters, a cut marked with `…`.
pub(super) fn clip(s: &str) -> String {
    let s = s.trim();
    match s.char_indices().nth(160) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}

/// True when line `i` of `lines` is a heading (Markdown ATX or setext, reStructuredText,
/// AsciiDoc, HTML).
fn is_heading(lines: &[&str], i: usize) -> bool {
    let l = lines[i].trim_start();
    if l.starts_with('#') && l.trim_start_matches('#').starts_with([' ', '\t']) {
        return true;
    }
    if l.starts_with('=') && l.trim_start_matches('=').starts_with(' ') {
        return true;
    }
    let b = l.as_bytes();
    if b.len() >= 3 && b[..2].eq_ignore_ascii_case(b"<h") && b[2].is_ascii_digit() {
        return true;
    }
    if l.is_empty() {
        return false;
    }
    lines.get(i + 1).is_some_and(|next| {
        let n = next.trim();
        n.len() >= 3
            && n.chars().all(|c| matches!(c, '=' | '-' | '~' | '^' | '*'))
            && n.chars().all(|c| n.starts_with(c))
    })
}

/// The first heading of a Markdown / reStructuredText / AsciiDoc document.
pub(super) fn title(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().take(60).collect();
    (0..lines.len()).find(|&i| is_heading(&lines, i)).map(|i| {
        let l = lines[i].trim();
        let t = l
            .trim_start_matches(['#', '='])
            .trim()
            .trim_end_matches('#')
            .trim();
        clip(t)
    })
}

// --- Substance: what a prose document says -------------------------------------------------

/// What a line of a prose document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LineKind {
    Blank,
    /// A heading of level 1 … 6.
    Heading(u8),
    /// A heading's underline, a horizontal rule or another line of repeated punctuation.
    Rule,
    /// Inside a fenced code block (its fences too).
    Code,
    /// Inside an HTML comment or the front matter.
    Comment,
    /// A Markdown table's separator row (`|---|:---:|`).
    TableSeparator,
    TableRow,
    Text,
}

/// One line, classified.
#[derive(Debug, Clone)]
pub(super) struct Line<'a> {
    pub(super) no: u32,
    pub(super) raw: &'a str,
    pub(super) kind: LineKind,
    /// The line without HTML comments.
    pub(super) visible: Cow<'a, str>,
    /// The line holds placeholder text (outside inline code).
    pub(super) placeholder: bool,
}

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"\b(?:TODO|TBD|TBA|FIXME)\b",
        r"|(?i:^\W*(?:to-?do|tbd|fixme)\W*$|^\W*to-?do\s*:)",
        r"|(?i:\blorem\s+ipsum\b|\bdolor\s+sit\s+amet\b)",
        // "To be written." ends its clause; "memory to be written to disk" goes on. A line
        // that starts with it, or a section that "is (yet) to be written", is a stub whatever
        // follows ("by the security team", "once the design settles").
        r"|(?i:\bto\s+be\s+(?:written|completed|filled\s+in)(?:\s+(?:later|soon|here))?\s*(?:[.!;:,)\]]|$)|\bcoming\s+soon\b)",
        r"|(?i:^\W*to\s+be\s+(?:written|completed|filled\s+in)\b|\b(?:is|are|remains?|yet)\s+(?:still\s+)?to\s+be\s+(?:written|completed|filled\s+in)\b)",
        r"|(?i:\b(?:this|is|as)\s+(?:just\s+)?(?:a\s+)?placeholder\b|\(\s*placeholder\s*\)|^\W*placeholder\W*$)",
        r"|(?i:\b(?:insert|describe|fill\s+in)\s+[^.;:]{0,60}?\bhere\b)",
        r"|(?i:<\s*(?:insert|describe|fill\s+in)\b[^<>]{0,80}>|\[\s*(?:insert|describe|fill\s+in)\b[^\[\]]{0,80}\]|\[\s*your\b[^\[\]]{0,60}\bhere\s*\])",
        r"|\{\{\s*[A-Za-z_][\w.\- ]{0,40}\}\}",
        r"|(?i:\buse\s+this\s+section\s+to\s+tell\b|\breplace\s+this\s+(?:text|section|paragraph|file|template)\b)",
    ))
});
/// A word every alternative of [`PLACEHOLDER`] needs (case folded alike): lines without one
/// (nearly all) are passed over by a literal search, without the word-boundary automaton.
static PLACEHOLDER_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)todo|to-do|tbd|tba|fixme|lorem|dolor|written|completed|fill|coming|placeholder|insert|describe|your|\{\{|section|replace",
    )
});
static INLINE_CODE: LazyLock<Regex> = LazyLock::new(|| re(r"`+[^`]*`+"));
static HTML_TAG: LazyLock<Regex> = LazyLock::new(|| re(r"</?[A-Za-z!][^<>]*>"));
static LIST_MARKER: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*(?:>\s*)*(?:[-*+]|\d{1,3}[.)])\s+"));
static SECTION_NUMBER: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:\d+\.)*\d+\.?\s+"));
static LEADING_ID: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*"));

/// Whether `line` is an item of a list (`- x`, `* x`, `1. x`).
pub(super) fn is_list_item(line: &str) -> bool {
    LIST_MARKER.is_match(line)
}

/// `line` without a list marker or block quote at its start.
pub(super) fn strip_list_marker(line: &str) -> String {
    LIST_MARKER.replace(line, "").into_owned()
}

/// True when `line` holds placeholder text outside inline code.
pub(super) fn is_placeholder(line: &str) -> bool {
    PLACEHOLDER_WORDS.is_match(line) && PLACEHOLDER.is_match(&INLINE_CODE.replace_all(line, " "))
}

/// Tokens with a letter: the words of a line of prose.
fn count_words(text: &str) -> usize {
    HTML_TAG
        .replace_all(text, " ")
        .split(|c: char| c.is_whitespace() || c == '|')
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count()
}

/// A line of only repeated punctuation: an underline, a rule, a table frame.
fn is_rule(l: &str) -> bool {
    let t = l.trim();
    t.len() >= 3
        && t.chars().all(|c| {
            matches!(
                c,
                '=' | '-' | '~' | '^' | '*' | '#' | '+' | '_' | '.' | '`' | ':'
            )
        })
}

fn is_table_separator(l: &str) -> bool {
    let t = l.trim();
    t.contains('|')
        && t.contains('-')
        && t.chars()
            .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t' | '+'))
}

/// The level of a heading at line `i` of `lines` (see [`is_heading`]).
fn heading_level(lines: &[&str], i: usize) -> u8 {
    let l = lines[i].trim_start();
    let count = |c: char| u8::try_from(l.chars().take_while(|x| *x == c).count()).unwrap_or(6);
    if l.starts_with('#') {
        return count('#').min(6);
    }
    if l.starts_with('=') && l.trim_start_matches('=').starts_with(' ') {
        return count('=').min(6);
    }
    let b = l.as_bytes();
    if b.len() >= 3 && b[..2].eq_ignore_ascii_case(b"<h") && b[2].is_ascii_digit() {
        return (b[2] - b'0').clamp(1, 6);
    }
    match lines.get(i + 1).and_then(|n| n.trim().chars().next()) {
        Some('=') => 1,
        Some('-') => 2,
        _ => 3,
    }
}

/// A prose document's lines, classified: headings, code, comments, tables and text. Sections,
/// words and placeholders are indexed once, so that every question about a section costs the
/// same whatever the document holds (a hostile one may be all headings).
pub(super) struct Outline<'a> {
    pub(super) lines: Vec<Line<'a>>,
    /// Per line: for a heading, the index after its section; otherwise the next index.
    ends: Vec<usize>,
    /// The nearest heading above each line.
    heading_above: Vec<Option<usize>>,
    /// Words of prose in lines `0..k`.
    words_before: Vec<usize>,
    /// Lines with content (text, table rows, code that is not a fence) in `0..k`.
    content_before: Vec<usize>,
    /// The first line with placeholder text at or after `k` (or the length).
    placeholder_from: Vec<usize>,
}

impl<'a> Outline<'a> {
    /// Classify `text`; `ext` is the file's extension (AsciiDoc's `----` blocks are code).
    pub(super) fn new(text: &'a str, ext: &str) -> Outline<'a> {
        Self::new_at(text, ext, 1)
    }

    /// [`Outline::new`] for text that starts at line `first` of its file (a section), so that
    /// every line number it reports is the file's.
    pub(super) fn new_at(text: &'a str, ext: &str, first: u32) -> Outline<'a> {
        let raw: Vec<&str> = text.lines().collect();
        let mut lines = Vec::with_capacity(raw.len());
        // Comments removed first, so that a heading or a fence inside one is not one.
        let mut visible: Vec<(Cow<'a, str>, bool)> = Vec::with_capacity(raw.len());
        let mut in_comment = false;
        for l in &raw {
            if !in_comment && !l.contains("<!--") {
                visible.push((Cow::Borrowed(l), false));
                continue;
            }
            let mut out = String::new();
            let mut rest: &str = l;
            loop {
                let (mark, len) = if in_comment { ("-->", 3) } else { ("<!--", 4) };
                match rest.find(mark) {
                    Some(at) => {
                        if !in_comment {
                            out.push_str(&rest[..at]);
                            out.push(' ');
                        }
                        rest = &rest[at + len..];
                        in_comment = !in_comment;
                    }
                    None => {
                        if !in_comment {
                            out.push_str(rest);
                        }
                        break;
                    }
                }
            }
            // Not blank, yet nothing visible: the line is (part of) a comment.
            let commented = !l.trim().is_empty() && out.trim().is_empty();
            visible.push((Cow::Owned(out), commented));
        }
        let front_matter_end = match raw.first().map(|l| l.trim()) {
            Some(fence @ ("---" | "+++")) => raw
                .iter()
                .enumerate()
                .skip(1)
                .take(100)
                .find(|(_, l)| l.trim() == fence)
                .map(|(i, _)| i),
            _ => None,
        };
        let adoc = matches!(ext, "adoc" | "asciidoc");
        let texts: Vec<&str> = visible.iter().map(|(v, _)| v.as_ref()).collect();
        let mut fence: Option<(char, usize)> = None;
        let mut in_table = false;
        let mut underline_next = false;
        for (i, l) in raw.iter().enumerate() {
            let no = first.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
            let (v, commented) = (&visible[i].0, visible[i].1);
            let t = v.trim_start();
            let kind = if front_matter_end.is_some_and(|end| i <= end) || commented {
                LineKind::Comment
            } else if let Some((c, n)) = fence {
                let run = t.chars().take_while(|x| *x == c).count();
                if run >= n && t[run * c.len_utf8()..].trim().is_empty() {
                    fence = None;
                }
                LineKind::Code
            } else if t.starts_with("```") || t.starts_with("~~~") {
                let c = t.chars().next().unwrap_or('`');
                fence = Some((c, t.chars().take_while(|x| *x == c).count()));
                LineKind::Code
            } else if adoc && matches!(t.trim_end(), "----" | "....") {
                fence = Some((t.chars().next().unwrap_or('-'), 4));
                LineKind::Code
            } else if t.trim().is_empty() {
                in_table = false;
                LineKind::Blank
            } else if underline_next {
                underline_next = false;
                LineKind::Rule
            } else if is_table_separator(t) {
                in_table = true;
                LineKind::TableSeparator
            } else if is_heading(&texts, i) {
                let level = heading_level(&texts, i);
                let atx = t.starts_with('#')
                    || t.starts_with('=')
                    || t.as_bytes()
                        .get(..2)
                        .is_some_and(|b| b.eq_ignore_ascii_case(b"<h"));
                underline_next = !atx;
                in_table = false;
                LineKind::Heading(level)
            } else if is_rule(t) {
                LineKind::Rule
            } else if t.starts_with('|')
                || in_table
                || texts.get(i + 1).is_some_and(|n| is_table_separator(n))
            {
                LineKind::TableRow
            } else {
                LineKind::Text
            };
            let placeholder = matches!(
                kind,
                LineKind::Text | LineKind::TableRow | LineKind::Heading(_)
            ) && is_placeholder(v);
            lines.push(Line {
                no,
                raw: l,
                kind,
                visible: v.clone(),
                placeholder,
            });
        }
        Self::indexed(lines)
    }

    fn indexed(lines: Vec<Line<'a>>) -> Outline<'a> {
        let n = lines.len();
        let mut ends: Vec<usize> = (1..=n).collect();
        let mut heading_above = Vec::with_capacity(n);
        let mut open: Vec<(usize, u8)> = Vec::new();
        let mut above = None;
        for (i, l) in lines.iter().enumerate() {
            heading_above.push(above);
            if let LineKind::Heading(level) = l.kind {
                while let Some(&(j, lj)) = open.last() {
                    if lj < level {
                        break;
                    }
                    ends[j] = i;
                    open.pop();
                }
                open.push((i, level));
                above = Some(i);
            }
        }
        for (j, _) in open {
            ends[j] = n;
        }
        let mut words_before = Vec::with_capacity(n + 1);
        let mut content_before = Vec::with_capacity(n + 1);
        let (mut words, mut content) = (0, 0);
        words_before.push(0);
        content_before.push(0);
        for l in &lines {
            if !l.placeholder {
                match l.kind {
                    LineKind::Text | LineKind::TableRow => {
                        words += count_words(&l.visible);
                        content += 1;
                    }
                    LineKind::Code if !l.visible.trim_start().starts_with(['`', '~']) => {
                        content += 1;
                    }
                    _ => {}
                }
            }
            words_before.push(words);
            content_before.push(content);
        }
        let mut placeholder_from = vec![n; n + 1];
        for i in (0..n).rev() {
            placeholder_from[i] = if lines[i].placeholder {
                i
            } else {
                placeholder_from[i + 1]
            };
        }
        Outline {
            lines,
            ends,
            heading_above,
            words_before,
            content_before,
            placeholder_from,
        }
    }

    /// The index after the section of the heading at `i`: the next heading of the same or a
    /// higher level, or the end.
    pub(super) fn section_end(&self, i: usize) -> usize {
        self.ends[i]
    }

    /// The lines of the innermost section holding line `i` (without its heading): that of the
    /// nearest heading above it, or the text before the first heading.
    pub(super) fn enclosing_section(&self, i: usize) -> (usize, usize) {
        match self.heading_above[i] {
            Some(h) => (h + 1, self.ends[h]),
            None => {
                let first = self
                    .lines
                    .iter()
                    .position(|l| matches!(l.kind, LineKind::Heading(_)))
                    .unwrap_or(self.lines.len());
                (0, first.max(i + 1))
            }
        }
    }

    /// Words of prose in lines `start..end`.
    pub(super) fn words_in(&self, start: usize, end: usize) -> usize {
        let start = start.min(end);
        self.words_before[end] - self.words_before[start]
    }

    /// The first line with placeholder text in `start..end`.
    pub(super) fn first_placeholder(&self, start: usize, end: usize) -> Option<Mention> {
        let at = self.placeholder_from[start.min(end)];
        (at < end).then(|| Mention {
            text: clip(self.lines[at].raw),
            line: self.lines[at].no,
        })
    }

    /// Something stands under the heading at `i`: text, a table or code that is not a
    /// placeholder.
    fn has_content(&self, i: usize) -> bool {
        let end = self.ends[i];
        self.content_before[end] > self.content_before[(i + 1).min(end)]
    }

    /// The text of the heading at `i`, without its markers and section number.
    pub(super) fn heading_text(&self, i: usize) -> String {
        let t = self.lines[i].visible.trim();
        let t = t
            .trim_start_matches(['#', '='])
            .trim()
            .trim_end_matches('#')
            .trim();
        let t = HTML_TAG.replace_all(t, "");
        SECTION_NUMBER.replace(t.trim(), "").trim().to_string()
    }

    /// The substance of the whole document; `ids` collects the leading ids of its lines.
    pub(super) fn substance(&self, ids: bool) -> Substance {
        let mut out = Substance {
            words: self.words_in(0, self.lines.len()),
            ..Substance::default()
        };
        for (i, l) in self.lines.iter().enumerate() {
            if l.placeholder && out.placeholders.len() < 10 {
                out.placeholders.push(Mention {
                    text: clip(l.raw),
                    line: l.no,
                });
            }
            if matches!(l.kind, LineKind::Heading(_))
                && out.empty_headings.len() < 10
                && !l.placeholder
                && !UNRELEASED.is_match(&l.visible)
                && !self.has_content(i)
            {
                out.empty_headings.push(Mention {
                    text: clip(l.raw),
                    line: l.no,
                });
            }
        }
        if ids {
            out.ids = self.leading_ids(500);
        }
        out
    }

    /// The token that opens line `i` when it looks like an id (letters, then digits:
    /// `SEC-REQ-1`, `SR-12`, `T1`): the first word of a heading, a list item, a table row's
    /// first non-empty cell, or a paragraph.
    pub(super) fn leading_id(&self, i: usize) -> Option<String> {
        let l = &self.lines[i];
        let start: String = match l.kind {
            LineKind::Heading(_) => self.heading_text(i),
            LineKind::TableRow => l
                .visible
                .split('|')
                .map(str::trim)
                .find(|c| !c.is_empty())?
                .to_string(),
            // A list item, or the first line of a paragraph: in a hard-wrapped paragraph any
            // word can open a line.
            LineKind::Text if LIST_MARKER.is_match(&l.visible) => {
                LIST_MARKER.replace(&l.visible, "").into_owned()
            }
            LineKind::Text if i == 0 || self.lines[i - 1].kind != LineKind::Text => {
                l.visible.to_string()
            }
            _ => return None,
        };
        let start = start.trim_start_matches(['*', '_', '`', '[', '(', ' ']);
        let token = LEADING_ID.find(start)?.as_str();
        let token = token.trim_end_matches(['.', '-', '_']);
        // An id is short: a 300-digit run opening a line is not one (and would be quoted whole).
        (token.len() <= 40 && token.ends_with(|c: char| c.is_ascii_digit()))
            .then(|| token.to_string())
    }

    fn leading_ids(&self, max: usize) -> Vec<Mention> {
        let mut seen = std::collections::BTreeSet::new();
        let mut out = Vec::new();
        for i in 0..self.lines.len() {
            if out.len() >= max {
                break;
            }
            if let Some(id) = self.leading_id(i)
                && seen.insert(id.to_ascii_uppercase())
            {
                out.push(Mention {
                    text: id,
                    line: self.lines[i].no,
                });
            }
        }
        out
    }
}

static UNRELEASED: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\bunreleased\b"));

/// The substance of a prose document (see [`Substance`]).
/// A release version opening a line: `v0.3.1 (2026-01-02)`, `- 1.2.0`, `Version 2.32.1`.
static RELEASE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^\s*(?:[-*+]\s+)?\[?(?:(?:version|release)\s+)?v?\d+\.\d+(?:\.\d+)?\b")
});
/// A heading that names a release after up to three words: `## [1.2.0] - 2026-03-01`,
/// `New in 2.2` (underlined), `# Tock 2.1.1`.
static RELEASE_HEADING: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^\s*#{0,6}\s*\[?(?:[a-z][\w.-]*\s+){0,3}\[?v?\d+\.\d+(?:\.\d+)?\b"));
static SETEXT_UNDERLINE: LazyLock<Regex> = LazyLock::new(|| re(r"^\s*(?:=+|-{3,})\s*$"));

/// The first `max` lines of `text` that name a release version: a heading (ATX, or a line
/// underlined with `===`/`---`) that names one ([`RELEASE_HEADING`]), or any line that opens
/// with one ([`RELEASE_LINE`]). Prose that mentions a version ("requires Rust 1.70") is none.
pub(super) fn release_lines(text: &str, max: usize) -> Vec<Mention> {
    let lines: Vec<&str> = text.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter(|(i, l)| {
            let heading = l.trim_start().starts_with('#')
                || lines
                    .get(i + 1)
                    .is_some_and(|n| SETEXT_UNDERLINE.is_match(n));
            RELEASE_LINE.is_match(l) || (heading && RELEASE_HEADING.is_match(l))
        })
        .take(max)
        .map(|(i, l)| Mention {
            text: clip(l),
            line: u32::try_from(i + 1).unwrap_or(u32::MAX),
        })
        .collect()
}

pub(super) fn substance(text: &str, ext: &str, ids: bool) -> Substance {
    Outline::new(text, ext).substance(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        assert_eq!(
            title("\n# Threat model #\ntext"),
            Some("Threat model".into())
        );
        assert_eq!(title("Design\n======\n"), Some("Design".into()));
        assert_eq!(title("= AsciiDoc title\n"), Some("AsciiDoc title".into()));
        assert_eq!(title("just text\n"), None);
        assert_eq!(title("<h2>Html</h2>\n"), Some("<h2>Html</h2>".into()));
        assert_eq!(title("éé\nü\n"), None);
    }

    #[test]
    fn substance_counts_prose_only() {
        let text = "---\ntitle: front matter words\n---\n\
                    # Title words are not prose\n\
                    \n\
                    One two three.\n\
                    <!-- a comment\n spanning lines -->\n\
                    ```rust\nlet code = not_prose();\n```\n\
                    | Id | Threat |\n|---|:---:|\n| T1 | four five |\n\
                    Setext heading\n==============\n\
                    six `inline code` seven <b>eight</b> 42\n";
        let s = substance(text, "md", false);
        // One two three / Id Threat T1 four five / six `inline code` seven eight.
        assert_eq!(s.words, 13, "{s:?}");
        assert!(
            s.placeholders.is_empty() && s.empty_headings.is_empty(),
            "{s:?}"
        );
    }

    #[test]
    fn placeholders_are_found_outside_code() {
        for (line, want) in [
            ("TODO", true),
            ("todo", true),
            ("ToDo: write this", true),
            ("Threats: TBD.", true),
            ("FIXME later", true),
            ("Lorem ipsum dolor sit amet", true),
            ("This section is to be written.", true),
            ("Details: to be completed later", true),
            ("(to be filled in)", true),
            (
                "memory to be written to drive storage when swapping is enabled",
                false,
            ),
            ("the data to be written is checked first", false),
            (
                "This section is to be written by the security team after the audit.",
                true,
            ),
            ("To be written once the design settles.", true),
            ("The rest remains to be written up", true),
            ("Coming soon!", true),
            ("[Insert the product name here]", true),
            ("<describe the threat>", true),
            ("Deployed at {{ customer }}.", true),
            (
                "Use this section to tell people how to report a vulnerability.",
                true,
            ),
            ("This is placeholder text.", true),
            ("(placeholder)", true),
            // One of each alternative: the literal search before the pattern must let each by.
            ("[Your name here]", true),
            ("Fill in the contact address here.", true),
            ("Replace this paragraph with your own.", true),
            ("Dolor sit amet.", true),
            ("Release date: TBA", true),
            ("- to-do:", true),
            ("Kept as a placeholder", true),
            ("The rule fails on `TODO` lines.", false),
            (
                "It flags lines with placeholder text such as `TODO`.",
                false,
            ),
            ("A todo list is kept in the tracker.", false),
            (
                "Decisions to be determined by the PSIRT are recorded.",
                false,
            ),
            ("Enter the passphrase when prompted.", false),
            ("The mitigation is in place.", false),
        ] {
            assert_eq!(is_placeholder(line), want, "{line}");
        }
        let s = substance(
            "# A\n\n```\nTODO in code\n```\n\n<!-- TODO -->\nText.\n",
            "md",
            false,
        );
        assert!(s.placeholders.is_empty(), "{s:?}");
    }

    #[test]
    fn empty_headings_are_those_with_nothing_under_them() {
        let text = "# Doc\n\n## Empty\n\n## Only a placeholder\n\nTBD\n\n\
                    ## Parent\n\n### Child\n\nText.\n\n## Code only\n\n```\nx = 1\n```\n\n\
                    ## [Unreleased]\n\n## Table\n\n| a | b |\n|---|---|\n";
        let s = substance(text, "md", false);
        let lines: Vec<u32> = s.empty_headings.iter().map(|m| m.line).collect();
        assert_eq!(lines, vec![3, 5], "{s:?}");
        assert_eq!(
            s.placeholders.iter().map(|m| m.line).collect::<Vec<_>>(),
            vec![7]
        );
        // A template: every heading empty, one word of prose.
        let template = substance(
            "# Threat model\n\n## Threats\n\nTODO\n\n## Mitigations\n",
            "md",
            false,
        );
        assert_eq!(template.words, 0);
        assert_eq!(template.empty_headings.len(), 3, "{template:?}");
    }

    /// Found by the property tests: a 300-digit run opening a paragraph was taken for an id
    /// and quoted whole.
    #[test]
    fn an_id_is_short() {
        let long = format!("D{}\n", "0".repeat(300));
        assert!(substance(&long, "md", true).ids.is_empty());
        assert_eq!(
            substance("SR-12 The product logs in.\n", "md", true)
                .ids
                .len(),
            1
        );
    }

    #[test]
    fn requirement_ids_open_a_heading_item_row_or_paragraph() {
        let text = "# Security requirements (SR-3)\n\n\
                    ## SEC-REQ-1 Signed updates\n\n\
                    - REQ-2: inputs are validated\n\
                    1. **SR-3** logs are kept\n\n\
                    | Id | Requirement |\n|---|---|\n| SEC-REQ-4 | text |\n\n\
                    SR-5 opens this paragraph, which goes on\n\
                    SR-6 in a wrapped line that does not count.\n";
        let ids: Vec<(String, u32)> = substance(text, "md", true)
            .ids
            .into_iter()
            .map(|m| (m.text, m.line))
            .collect();
        assert_eq!(
            ids,
            vec![
                ("SEC-REQ-1".into(), 3),
                ("REQ-2".into(), 5),
                ("SR-3".into(), 6),
                ("SEC-REQ-4".into(), 10),
                ("SR-5".into(), 12),
            ]
        );
        assert!(substance(text, "md", false).ids.is_empty());
    }

    #[test]
    fn outline_levels_and_sections() {
        let text = "Title\n=====\n\nIntro.\n\nPart\n----\n\n### Deep\n\nText.\n\n# Next\n";
        let o = Outline::new(text, "rst");
        let kinds: Vec<LineKind> = o.lines.iter().map(|l| l.kind).collect();
        assert_eq!(kinds[0], LineKind::Heading(1));
        assert_eq!(kinds[1], LineKind::Rule);
        assert_eq!(kinds[5], LineKind::Heading(2));
        assert_eq!(kinds[8], LineKind::Heading(3));
        assert_eq!(o.section_end(0), 12);
        assert_eq!(o.section_end(5), 12);
        assert_eq!(o.enclosing_section(10), (9, 12));
        assert_eq!(o.words_in(0, o.lines.len()), 2);
        // AsciiDoc listing blocks are code.
        let adoc = Outline::new("= Doc\n\n----\nTODO in a listing\n----\n", "adoc");
        assert!(adoc.lines.iter().all(|l| !l.placeholder));
    }

    #[test]
    fn many_headings_cost_linear_time() {
        let text = "# h\n".repeat(200_000);
        let s = substance(&text, "md", true);
        assert_eq!(s.empty_headings.len(), 10);
    }
}
