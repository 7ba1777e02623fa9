//! Sections of prose documents: their headings, the anchors that designate them in `sdl.toml`
//! (`docs/ops.md#secure-disposal`), and what their headings name — a document kind (a
//! `## Threat model` of SECURITY.md) or one of the SG-1 … SG-6 guideline topics.
//!
//! A heading that names a topic is where to look, not proof: the collector counts it as evidence
//! only in a conventional security document, and elsewhere as a candidate for a person to
//! designate.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::{Regex, RegexSet};

use super::text::{LineKind, Outline, clip};
use crate::facts::files::{Mention, Section};

fn re(pattern: &str) -> Regex {
    // The patterns are literals in this file; a typo is caught by the unit tests.
    Regex::new(pattern).unwrap_or_else(|e| panic!("invalid built-in pattern {pattern}: {e}"))
}

/// One heading of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Heading {
    /// Index of its line in the outline.
    pub(super) idx: usize,
    /// Its text, without markers or a section number ("Threat model").
    pub(super) text: String,
    /// Its anchor, unique in the document.
    pub(super) anchor: String,
}

static LINK: LazyLock<Regex> = LazyLock::new(|| re(r"!?\[([^\]]*)\]\([^)]*\)"));
static TAG: LazyLock<Regex> = LazyLock::new(|| re(r"</?[A-Za-z!][^<>]*>"));

/// The anchor GitHub derives from a heading (the algorithm of github-slugger): lower case,
/// links reduced to their text, every character that is not a letter, digit, mark, `_`, `-` or
/// space dropped, spaces turned into `-`.
pub(crate) fn anchor(heading: &str) -> String {
    let t = LINK.replace_all(heading, "$1");
    let t = TAG.replace_all(&t, "");
    t.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            // Combining marks belong to the letter before them.
            c if ('\u{300}'..='\u{36f}').contains(&c) => Some(c),
            _ => None,
        })
        .collect()
}

/// The headings of `doc`, in order, each with its unique anchor: a repeated anchor gets `-1`,
/// `-2`, … as on GitHub.
pub(super) fn headings(doc: &Outline<'_>) -> Vec<Heading> {
    let mut used: HashSet<String> = HashSet::new();
    // The next suffix to try per anchor, so that a thousand equal headings cost linear time.
    let mut next: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for (idx, l) in doc.lines.iter().enumerate() {
        if !matches!(l.kind, LineKind::Heading(_)) {
            continue;
        }
        // The anchor keeps a section number ("1.2 Scope" → `12-scope`); the text does not.
        let raw = l
            .visible
            .trim()
            .trim_start_matches(['#', '='])
            .trim()
            .trim_end_matches('#')
            .trim();
        let base = anchor(raw);
        let mut n = next.get(&base).copied().unwrap_or(0);
        let suffixed = |n: usize| {
            if n == 0 {
                base.clone()
            } else {
                format!("{base}-{n}")
            }
        };
        let mut unique = suffixed(n);
        while used.contains(&unique) {
            n += 1;
            unique = suffixed(n);
        }
        next.insert(base.clone(), n + 1);
        used.insert(unique.clone());
        out.push(Heading {
            idx,
            text: clip(&doc.heading_text(idx)),
            anchor: unique,
        });
    }
    out
}

/// The section a heading opens, as a fact.
pub(super) fn section(doc: &Outline<'_>, h: &Heading) -> Section {
    Section {
        line: doc.lines[h.idx].no,
        heading: h.text.clone(),
        anchor: h.anchor.clone(),
    }
}

/// The byte range of lines `start..end` of `text` (as `str::lines` numbers them).
pub(super) fn byte_range(text: &str, start: usize, end: usize) -> std::ops::Range<usize> {
    let mut offsets = Vec::new();
    let mut at = 0;
    for piece in text.split_inclusive('\n') {
        offsets.push(at);
        at += piece.len();
    }
    offsets.push(at);
    let from = offsets.get(start).copied().unwrap_or(at);
    let to = offsets.get(end).copied().unwrap_or(at);
    from..to.max(from)
}

/// Where a designated section is: the heading whose anchor is `anchor` (compared without regard
/// to case), its section as a fact, and the byte range of its text (the heading included).
pub(super) fn find(
    text: &str,
    ext: &str,
    anchor: &str,
) -> Result<(Section, std::ops::Range<usize>), String> {
    let doc = Outline::new(text, ext);
    let heads = headings(&doc);
    let wanted = anchor.trim_start_matches('#').to_lowercase();
    match heads.iter().find(|h| h.anchor == wanted) {
        Some(h) => {
            let range = byte_range(text, h.idx, doc.section_end(h.idx));
            Ok((section(&doc, h), range))
        }
        None => {
            let known: Vec<String> = heads
                .iter()
                .take(8)
                .map(|h| format!("#{}", h.anchor))
                .collect();
            Err(if known.is_empty() {
                format!("has no heading, so no section `#{wanted}`")
            } else {
                format!(
                    "has no heading whose anchor is `#{wanted}` (its anchors: {}{})",
                    known.join(", "),
                    if heads.len() > 8 { ", …" } else { "" }
                )
            })
        }
    }
}

/// The SG-1 … SG-6 topics: requirement, the `[guidelines]` key, and the words that name them.
/// A heading matches when one of the phrases stands in it as words of their own: not inside an
/// identifier (`cargo-uninstall`), not in inline code, not in a manual page's name
/// (`cargo-uninstall(1)`).
pub(crate) const TOPICS: &[(&str, &str, &str)] = &[
    (
        "SG-1",
        "defense-in-depth",
        r"(?i)defen[cs]e[- ]in[- ]depth|layered\s+(?:defen[cs]e|security)|security\s+(?:architecture|capabilities|features|controls)",
    ),
    (
        "SG-2",
        "environment",
        r"(?i)network\s+(?:segmentation|security|protection|isolation|requirements)|firewall|(?:deployment|operating|runtime|execution)\s+environment|environment(?:al)?\s+(?:requirements|assumptions|protections?|security)|security\s+zones?|\bdmz\b|trust\s+boundar|^\s*(?:the\s+|expected\s+|target\s+)?environment\s*$",
    ),
    (
        "SG-3",
        "hardening",
        r"(?i)\bharden|secure\s+configuration|security\s+(?:configuration|settings|options)|secure\s+defaults|configuration\s+options",
    ),
    (
        "SG-4",
        "disposal",
        r"(?i)\bdispos(?:al|e|ing)\b|decommission|end[- ]of[- ]life|data\s+(?:erasure|deletion|saniti[sz]ation|removal)|secure(?:ly)?\s+(?:eras|delet|wip)|\buninstall",
    ),
    (
        "SG-5",
        "secure-operation",
        r"(?i)secure(?:ly)?\s+operat|operational\s+security|(?:user|administrator|operator|customer)s?['’]?\s+responsibilit|responsibilities\s+of\s+(?:the\s+)?(?:users?|administrators?|operators?)|shared\s+responsibility|security\s+monitoring|incident\s+response",
    ),
    (
        "SG-6",
        "accounts",
        r"(?i)account\s+management|user\s+accounts?|\baccounts?\s+(?:and|&)\s+(?:permissions|privileges|roles)|(?:user|account|administrator|admin|required|minimum)\s+(?:permissions|privileges|rights)|least\s+privilege|default\s+(?:credentials?|passwords?|accounts?)|role[- ]based\s+access|\brbac\b|access\s+control",
    ),
];

/// Document kinds whose section a heading can name, and the words that name them. Only kinds a
/// heading names unambiguously: "Design" or "Process" in a README is no SDL document.
pub(super) const KIND_HEADINGS: &[(&str, &str)] = &[
    (
        "security-policy",
        r"(?i)^(?:security(?:\s+policy)?|(?:reporting|report)\s+(?:an?\s+)?(?:security\s+)?(?:vulnerabilit(?:y|ies)|security\s+(?:issues?|bugs?|problems?))|vulnerability\s+(?:reporting|disclosure)(?:\s+policy)?|security\s+(?:issues|vulnerabilities|disclosure))$",
    ),
    ("threat-model", r"(?i)\bthreat[\s_-]*model(?:s|l?ing)?\b"),
    (
        "security-context",
        r"(?i)\b(?:product\s+)?security\s+context\b",
    ),
    ("security-requirements", r"(?i)\bsecurity\s+requirements\b"),
];

/// Headings that make a section elsewhere in the documentation a *candidate* for a document
/// kind: a lead for a person, never evidence by itself, not even in a conventional security
/// file. "Architecture" in a contributor guide may or may not be the product's secure design;
/// "Scope and assumptions" in SECURITY.md may or may not be its security context. The
/// [`KIND_HEADINGS`] name their kinds too, and are candidates outside the security files.
pub(super) const CANDIDATE_HEADINGS: &[(&str, &str)] = &[
    (
        "threat-model",
        r"(?i)\bthreat[\s_-]*model|\bthreats?\b|attack\s+surface",
    ),
    (
        "security-context",
        r"(?i)security\s+context|\bassumptions\b|execution\s+environment|intended\s+(?:use|environment)",
    ),
    ("security-requirements", r"(?i)\bsecurity\s+requirements\b"),
    ("design", r"(?i)\bdesign\b|\barchitecture\b"),
    (
        "design-practices",
        r"(?i)\bdesign\s+(?:principles|practices|guidelines|philosophy)\b",
    ),
    (
        "coding-standard",
        r"(?i)\bcod(?:e|ing)\s+(?:style|conventions?|standards?|guidelines?)\b|\bstyle\s+guide|\bbest\s+practices\b|\bsecure\s+coding\b",
    ),
    (
        "process",
        r"(?i)\b(?:development|review|pull[\s-]+request|release|contribution|contributing|security|change|patch|triage)\s+process(?:es)?\b|^\s*(?:the\s+|our\s+)?process(?:es)?\s*$",
    ),
];

static TOPIC_RES: LazyLock<Vec<Regex>> =
    LazyLock::new(|| TOPICS.iter().map(|(_, _, p)| re(p)).collect());
static KIND_RES: LazyLock<Vec<Regex>> =
    LazyLock::new(|| KIND_HEADINGS.iter().map(|(_, p)| re(p)).collect());
static CANDIDATE_RES: LazyLock<Vec<Regex>> =
    LazyLock::new(|| CANDIDATE_HEADINGS.iter().map(|(_, p)| re(p)).collect());
/// The same patterns as sets: one pass over a line tells which of them can name something in
/// it, and only those are then looked at one by one.
static TOPIC_SET: LazyLock<RegexSet> = LazyLock::new(|| set(TOPICS.iter().map(|(_, _, p)| *p)));
static KIND_SET: LazyLock<RegexSet> = LazyLock::new(|| set(KIND_HEADINGS.iter().map(|(_, p)| *p)));
static CANDIDATE_SET: LazyLock<RegexSet> =
    LazyLock::new(|| set(CANDIDATE_HEADINGS.iter().map(|(_, p)| *p)));
static INLINE_CODE: LazyLock<Regex> = LazyLock::new(|| re(r"`+[^`]*`+"));
/// `cargo-uninstall(1)`: a manual page's name, not a topic.
static MAN_PAGE: LazyLock<Regex> = LazyLock::new(|| re(r"[\w.-]+\(\d\w*\)"));

/// A set of `patterns` without their word boundaries: it matches wherever they do, and more,
/// and it runs as a lazy DFA (a Unicode word boundary sends a set to the slow NFA on text that
/// is not ASCII).
fn set<'p>(patterns: impl Iterator<Item = &'p str>) -> RegexSet {
    // The patterns are the literals above, each compiled alone by `re` too; none escapes a
    // backslash, so every `\b` is a word boundary.
    RegexSet::new(patterns.map(|p| p.replace(r"\b", "")))
        .unwrap_or_else(|e| panic!("invalid built-in pattern set: {e}"))
}

/// `text` as a topic or kind is looked for in it: without inline code and manual page names.
fn cleaned(text: &str) -> Cow<'_, str> {
    let text = if text.contains('`') {
        INLINE_CODE.replace_all(text, " ")
    } else {
        Cow::Borrowed(text)
    };
    if text.contains('(') && MAN_PAGE.is_match(&text) {
        Cow::Owned(MAN_PAGE.replace_all(&text, " ").into_owned())
    } else {
        text
    }
}

/// Where `topic` stands in `text` (already [`cleaned`]) as words of their own (see [`TOPICS`]).
fn names(topic: &Regex, text: &str) -> Option<String> {
    topic.find_iter(text).find_map(|m| {
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        let glued =
            |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || "-_/.:@".contains(c));
        // A match that ends inside a word (`\buninstall` in "uninstalling") is fine; one glued
        // to an identifier before it, or followed by `(` or `-`, is not.
        (!glued(before) && !matches!(after, Some('(' | '-' | '_' | '/')))
            .then(|| m.as_str().to_string())
    })
}

/// A place a topic is named: a heading (its section), or a sentence (the section holding it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Hit {
    pub(super) line: u32,
    pub(super) heading: bool,
    /// The line, as written (clipped).
    pub(super) text: String,
    /// Words of prose in the section (a heading's own section, or the one holding the mention).
    pub(super) words: usize,
    /// The first line with placeholder text in that section.
    pub(super) placeholder: Option<Mention>,
    /// The section: the heading matched, or the nearest heading above the mention.
    pub(super) section: Option<Section>,
}

impl Hit {
    /// Covers the topic: text under it and no placeholder.
    pub(super) fn complete(&self) -> bool {
        self.words > 0 && self.placeholder.is_none()
    }
}

/// The places one topic is named in a document: its headings, and the lines of prose that
/// mention it (at most [`MAX_HITS`] of each).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Hits {
    pub(super) headings: Vec<Hit>,
    pub(super) mentions: Vec<Hit>,
}

/// Per topic or kind, at most this many headings and mentions per document.
const MAX_HITS: usize = 5;

fn heading_hit(doc: &Outline<'_>, h: &Heading) -> Hit {
    let (start, end) = (h.idx + 1, doc.section_end(h.idx));
    Hit {
        line: doc.lines[h.idx].no,
        heading: true,
        text: clip(doc.lines[h.idx].raw),
        words: doc.words_in(start, end),
        placeholder: doc.first_placeholder(start, end),
        section: Some(section(doc, h)),
    }
}

fn mention_hit(doc: &Outline<'_>, heads: &[Heading], i: usize) -> Hit {
    let (start, end) = doc.enclosing_section(i);
    let above = heads
        .iter()
        .rev()
        .find(|h| h.idx < i && doc.section_end(h.idx) > i);
    Hit {
        line: doc.lines[i].no,
        heading: false,
        text: clip(doc.lines[i].raw),
        words: doc.words_in(start, end),
        placeholder: doc.first_placeholder(start, end),
        section: above.map(|h| section(doc, h)),
    }
}

/// A document's headings as kinds and topics are looked for in them: each heading's text
/// ([`Outline::heading_text`], [`cleaned`]) computed once for every pattern.
struct Prepared<'o, 'a> {
    doc: &'o Outline<'a>,
    heads: &'o [Heading],
    texts: Vec<String>,
}

impl<'o, 'a> Prepared<'o, 'a> {
    fn new(doc: &'o Outline<'a>, heads: &'o [Heading]) -> Self {
        let texts = heads
            .iter()
            .map(|h| cleaned(&doc.heading_text(h.idx)).into_owned())
            .collect();
        Prepared { doc, heads, texts }
    }

    /// Per pattern of `res` (`set` holds the same ones), the first [`MAX_HITS`] headings that
    /// name it, in document order.
    fn headings(&self, res: &[Regex], set: &RegexSet) -> Vec<Vec<Hit>> {
        let mut out = vec![Vec::new(); res.len()];
        for (h, text) in self.heads.iter().zip(&self.texts) {
            for p in set.matches(text).iter() {
                if out[p].len() < MAX_HITS && names(&res[p], text).is_some() {
                    out[p].push(heading_hit(self.doc, h));
                }
            }
        }
        out
    }

    /// Per pattern, the first [`MAX_HITS`] lines of prose (no placeholder) that name it.
    fn mentions(&self, res: &[Regex], set: &RegexSet) -> Vec<Vec<Hit>> {
        let mut out: Vec<Vec<Hit>> = vec![Vec::new(); res.len()];
        for (i, l) in self.doc.lines.iter().enumerate() {
            if out.iter().all(|o| o.len() >= MAX_HITS) {
                break;
            }
            if l.kind != LineKind::Text || l.placeholder {
                continue;
            }
            let text = cleaned(&l.visible);
            for p in set.matches(&text).iter() {
                if out[p].len() < MAX_HITS && names(&res[p], &text).is_some() {
                    out[p].push(mention_hit(self.doc, self.heads, i));
                }
            }
        }
        out
    }

    fn topics(&self) -> Vec<Hits> {
        self.headings(&TOPIC_RES, &TOPIC_SET)
            .into_iter()
            .zip(self.mentions(&TOPIC_RES, &TOPIC_SET))
            .map(|(headings, mentions)| Hits { headings, mentions })
            .collect()
    }
}

/// Per topic of [`TOPICS`], in order: where the document names it.
pub(super) fn topic_hits(doc: &Outline<'_>, heads: &[Heading]) -> Vec<Hits> {
    Prepared::new(doc, heads).topics()
}

/// Per kind of [`KIND_HEADINGS`], in order: the headings that name it.
#[cfg(test)]
fn kind_hits(doc: &Outline<'_>, heads: &[Heading]) -> Vec<Vec<Hit>> {
    Prepared::new(doc, heads).headings(&KIND_RES, &KIND_SET)
}

/// Everything a document's outline names: per kind of [`KIND_HEADINGS`] and of
/// [`CANDIDATE_HEADINGS`] the headings that name it, per topic of [`TOPICS`] its headings and
/// mentions. A function of the text (and its format) alone.
#[derive(Debug, Default)]
pub(super) struct OutlineHits {
    pub(super) kinds: Vec<Vec<Hit>>,
    pub(super) candidates: Vec<Vec<Hit>>,
    pub(super) topics: Vec<Hits>,
}

pub(super) fn outline_hits(doc: &Outline<'_>, heads: &[Heading]) -> OutlineHits {
    let p = Prepared::new(doc, heads);
    OutlineHits {
        kinds: p.headings(&KIND_RES, &KIND_SET),
        candidates: p.headings(&CANDIDATE_RES, &CANDIDATE_SET),
        topics: p.topics(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_githubs() {
        for (heading, want) in [
            ("Threat model", "threat-model"),
            (
                "Secure disposal & data erasure",
                "secure-disposal--data-erasure",
            ),
            ("1.2 Scope", "12-scope"),
            ("`cargo-uninstall(1)`", "cargo-uninstall1"),
            ("[Hardening](docs/h.md) guide", "hardening-guide"),
            ("Sécurité", "sécurité"),
            ("snake_case option", "snake_case-option"),
        ] {
            assert_eq!(anchor(heading), want, "{heading}");
        }
        let text = "# A\n\n## Notes\n\nx\n\n## Notes\n\ny\n\n## Notes-1\n";
        let doc = Outline::new(text, "md");
        let got: Vec<String> = headings(&doc).into_iter().map(|h| h.anchor).collect();
        assert_eq!(got, vec!["a", "notes", "notes-1", "notes-1-1"]);
    }

    #[test]
    fn a_designated_section_is_found_by_its_anchor() {
        let text = "# Security policy\n\nReport to a@b.org.\n\n## Threat model\n\nScope.\n\n### Boundaries\n\nNet.\n\n## Other\n\nz\n";
        let (s, range) = find(text, "md", "Threat-Model").unwrap();
        assert_eq!(
            (s.line, s.heading.as_str(), s.anchor.as_str()),
            (5, "Threat model", "threat-model")
        );
        assert_eq!(
            &text[range],
            "## Threat model\n\nScope.\n\n### Boundaries\n\nNet.\n\n"
        );
        let err = find(text, "md", "#threats").unwrap_err();
        assert!(
            err.contains("`#threats`") && err.contains("#threat-model"),
            "{err}"
        );
    }

    fn topic(text: &str, requirement: &str) -> Hits {
        let doc = Outline::new(text, "md");
        let heads = headings(&doc);
        let at = TOPICS
            .iter()
            .position(|(r, _, _)| *r == requirement)
            .unwrap();
        topic_hits(&doc, &heads).swap_remove(at)
    }

    #[test]
    fn a_topic_is_named_by_words_of_their_own() {
        // A manual page's name, an identifier and inline code name no topic.
        for heading in [
            "## cargo-uninstall(1)",
            "## The `uninstall` command",
            "## cargo-uninstall",
        ] {
            let h = topic(&format!("{heading}\n\nRemoves a binary.\n"), "SG-4");
            assert!(h.headings.is_empty(), "{heading}: {h:?}");
        }
        let h = topic(
            "## Uninstalling\n\nRemove the binary and ~/.config/x.\n",
            "SG-4",
        );
        assert_eq!(h.headings.len(), 1);
        assert_eq!(
            h.headings[0].section.as_ref().unwrap().anchor,
            "uninstalling"
        );
        // Permissions alone are no account management: publishing rights, storage permissions.
        for heading in ["## GitHub permissions", "## Storage permissions"] {
            let h = topic(&format!("{heading}\n\nThe owners can publish.\n"), "SG-6");
            assert!(h.headings.is_empty(), "{heading}: {h:?}");
        }
        let h = topic(
            "## Accounts and permissions\n\nNo default accounts.\n",
            "SG-6",
        );
        assert_eq!(h.headings.len(), 1);
        // A heading that is the environment alone names SG-2; a development environment does not.
        let h = topic("## Environment\n\nRun it behind a firewall.\n", "SG-2");
        assert_eq!(h.headings.len(), 1);
        let h = topic("## Development environment\n\nInstall rustup.\n", "SG-2");
        assert!(h.headings.is_empty(), "{h:?}");
    }

    #[test]
    fn mentions_carry_the_section_that_holds_them() {
        let h = topic(
            "# Guide\n\n## Operations\n\nAdministrators' responsibilities include rotating keys.\n",
            "SG-5",
        );
        assert!(h.headings.is_empty());
        let m = &h.mentions[0];
        assert_eq!((m.line, m.words), (5, 5));
        assert_eq!(m.section.as_ref().unwrap().anchor, "operations");
    }

    #[test]
    fn kinds_named_by_headings() {
        let doc = Outline::new(
            "# Security Policy\n\n## Threat model\n\nx\n\n## Reporting a vulnerability\n\ny\n",
            "md",
        );
        let heads = headings(&doc);
        let hits = kind_hits(&doc, &heads);
        let kinds: Vec<(&str, Vec<u32>)> = KIND_HEADINGS
            .iter()
            .zip(&hits)
            .map(|((k, _), h)| (*k, h.iter().map(|h| h.line).collect()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("security-policy", vec![1, 7]),
                ("threat-model", vec![3]),
                ("security-context", vec![]),
                ("security-requirements", vec![]),
            ]
        );
    }

    #[test]
    fn the_pattern_sets_let_by_every_line_a_pattern_matches() {
        let lines = [
            "Threat model",
            "Threat-Modelling",
            "Defense in depth",
            "Sécurité: hardening the host",
            "Über die DMZ",
            "dmz",
            "Security",
            "Reporting a vulnerability",
            "Accounts and permissions",
            "Design principles",
            "Process",
            "Code style",
            "The environment",
            "Uninstalling",
            "RBAC für Betreiber",
        ];
        for (res, set) in [
            (&*TOPIC_RES, &*TOPIC_SET),
            (&*KIND_RES, &*KIND_SET),
            (&*CANDIDATE_RES, &*CANDIDATE_SET),
        ] {
            let mut matched = 0;
            for line in lines {
                let by_set = set.matches(line);
                for (i, r) in res.iter().enumerate() {
                    if r.is_match(line) {
                        matched += 1;
                        assert!(
                            by_set.matched(i),
                            "{line}: pattern {i} matches, the set not"
                        );
                    }
                }
            }
            assert!(matched > 0);
        }
    }

    #[test]
    fn many_headings_cost_linear_time() {
        let text = "# h\n".repeat(100_000);
        let doc = Outline::new(&text, "md");
        let heads = headings(&doc);
        assert_eq!(heads.len(), 100_000);
        assert_eq!(topic_hits(&doc, &heads).len(), TOPICS.len());
    }
}
