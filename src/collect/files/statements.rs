//! What a security policy states, read sentence by sentence and in context: the sentence
//! itself, the lead-in of the list it is an item of ("We'll then:"), and the heading it stands
//! under. A keyword alone states nothing:
//!
//! - a **response time-frame** is a time-frame ("within 3 business days", "90-day") in a
//!   sentence about handling a report — acknowledging, triaging, responding, fixing, releasing,
//!   disclosing — that concerns a vulnerability report or security issue. "Our MSRV will be no
//!   more recent than 9 versions old, or approximately 12 months" states none, and neither does
//!   a support window ("released less than 2 years ago").
//! - a **disclosure policy** is a sentence that says how or when a vulnerability becomes
//!   public: an advisory, a CVE, coordinated disclosure, an embargo, publication once fixed.
//!   "Make sure to disclose any use of AI assistance upfront" is none, and neither is a
//!   reporting instruction ("do not disclose it publicly", "report it through a draft
//!   advisory").
//!
//! Each statement keeps its sentence, so that a rule can quote what decided it.

use std::sync::LazyLock;

use regex::Regex;

use super::text::{LineKind, Outline, strip_list_marker};
use crate::facts::files::{SetAside, Statement};

fn re(pattern: &str) -> Regex {
    // The patterns are literals in this file; a typo is caught by the unit tests.
    Regex::new(pattern).unwrap_or_else(|e| panic!("invalid built-in pattern {pattern}: {e}"))
}

/// At most this many characters of a sentence are quoted.
const QUOTE_CHARS: usize = 240;
const MAX_DISCLOSURE: usize = 10;
const MAX_TIMEFRAMES: usize = 20;
const MAX_SET_ASIDE: usize = 10;

static TIMEFRAME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:(?:within|in|after|up\s+to|no\s+later\s+than|at\s+most|under)\s+)?(?:\d{1,3}|one|two|three|four|five|six|seven|ten|fourteen|thirty|sixty|ninety)(?:\s+|-)(?:business\s+|working\s+|calendar\s+)?(?:hours?|days?|weeks?|months?)\b",
    )
});
/// Verbs that by themselves are about handling a report.
static REPORT_HANDLING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:acknowledg\w*|triag\w*|respond\w*|responses?|repl(?:y|ies|ied)|investigat\w*|get\s+back|hear\s+back|initial\s+assessment)",
    )
});
/// Verbs about handling that also fit other subjects (releases, crates): they need a security
/// noun beside them.
static OTHER_HANDLING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:fix\w*|patch\w*|releas\w*|disclos\w*|advisor(?:y|ies)|embargo\w*|resol\w*|remediat\w*|assess\w*|notif\w*|publish\w*|mitigat\w*|address\w*|handl\w*|keep\s+you\s+(?:informed|updated))",
    )
});
static SECURITY_NOUN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:vulnerab\w*|security|reports?|reported|issues?|bugs?|flaws?|cves?|advisor(?:y|ies)|embargo\w*|disclos\w*|incidents?|exploit\w*|weakness\w*)\b",
    )
});
/// What a vulnerability becomes public with: the sentence is about one.
static VULNERABILITY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:vulnerab\w*|security|issues?|bugs?|flaws?|cves?|fix\w*|patch\w*|exploit\w*|weakness\w*)\b",
    )
});
/// A heading under which a sentence is about handling reports.
static HANDLING_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)vulnerab|security|report|disclos|respon|advisor|embargo|incident|triage")
});
/// A heading under which a sentence is about disclosure.
static DISCLOSURE_HEADING: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)disclos|advisor|embargo|publication|announcement"));
/// The time-frame of the minimum supported Rust version or a toolchain is no response time.
static NOT_RESPONSE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\bmsrv\b|minimum\s+supported\s+rust|\brust\s+version|\brustc\b|\btoolchain\b")
});
/// A support window: "released less than 2 years ago", "the last 12 months", "supported for 6
/// months", "every 6 weeks".
static WINDOW_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:\blast|\bpast|\bprevious|\bsupported\s+for|\bsupport\s+for|\bmaintained\s+for|\bolder\s+than|\bnewer\s+than|\brecent\s+than|\bevery)\s*$",
    )
});
static WINDOW_AFTER: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)^\s*(?:ago|old)\b"));

/// Says how a vulnerability becomes public, whatever else the sentence says.
static PUBLICATION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\bcoordinated\s+(?:vulnerability\s+)?disclosure|\bresponsible(?:ly)?\s+disclos\w*|\bembargo\w*|\bcves?\b|\bghsa\b|\brustsec\b|\badvisory-db\b|\bsecurity\s+(?:announcement|bulletin|notice)s?\b|\badvisor(?:y|ies)\b|\bpublic(?:ly)?\s+disclos\w*|\bdisclos\w*\s+(?:\w+\s+){0,2}publicly",
    )
});
/// Says something becomes public, if the sentence is about a vulnerability.
static PUBLIC: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\bpublic(?:ly)?\b|\bpublish\w*|\bannounc\w*|\brelease\s+notes\b"));
/// What is made public is the vulnerability, or what is known of it: "the vulnerability is made
/// public", "we publish the details of fixed issues" — not "the release was published less
/// than 2 years ago" in a sentence that also mentions security fixes.
static PUBLIC_OBJECT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:vulnerab\w*|issues?|bugs?|flaws?|exploits?|weakness\w*|details|information|reports?|fix(?:es)?|patch(?:es)?|cves?)\b(?:\s+[\w'’-]+){0,3}?\s+(?:public(?:ly)?|published|announced)\b|\b(?:publish\w*|announc\w*|(?:make|made|makes)\s+public|publicly\s+\w+)(?:\s+[\w'’-]+){0,4}?\s+(?:vulnerab\w*|issues?|bugs?|flaws?|exploits?|weakness\w*|details|information|fix(?:es)?|patch(?:es)?)\b|\brelease\s+notes\b",
    )
});
/// Disclosure at a time: "disclose it once fixed".
static DISCLOSE: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\bdisclos\w*"));
static WHEN: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(?:once|after|when|until|before|within|upon|as\s+soon\s+as|\d+\s+days?)\b")
});
/// An advisory as the reporting channel (GitHub's private reporting opens a draft one).
static REPORTING_CHANNEL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\bdraft\b|\bprivate(?:ly)?\b|report(?:ing)?\s+(?:form|tab|page|button)|report\s+a\s+vulnerability|\breport\w*\s+(?:\w+\s+){0,4}(?:via|through|using|in)\s+(?:a\s+|the\s+)?(?:github\s+)?(?:security\s+)?advisor",
    )
});
/// "Do not disclose it publicly", "disclose it to us at …": instructions to the reporter. The
/// clause they open is not the project's disclosure.
static NOT_DISCLOSURE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:(?:do\s+not|don['’]t|never|not\s+to)\s+(?:publicly\s+)?disclos\w*|disclose\s+(?:it|them|this|the\s+\w+)\s+(?:at|to|via|through|privately|by)\b)[^;.!?]*",
    )
});
static LINK: LazyLock<Regex> = LazyLock::new(|| re(r"!?\[([^\]]*)\]\([^)]*\)"));
static URL: LazyLock<Regex> = LazyLock::new(|| re(r#"<?https?://[^\s)>\]"'`<]+>?"#));
static ABBREVIATION: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(?:^|\W)(?:e\.g|i\.e|etc|vs|approx|cf|no|mr|ms|dr|inc|ltd)\.$"));

/// What a security policy states.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Read {
    pub(super) disclosure: Vec<Statement>,
    pub(super) timeframes: Vec<Statement>,
    pub(super) set_aside: Vec<SetAside>,
}

/// A paragraph, list item or table row, with the line each of its lines starts on.
#[derive(Debug, Default)]
struct Unit {
    /// (byte offset in `text`, line number) of each joined line.
    starts: Vec<(usize, u32)>,
    text: String,
    /// The sentence ending in `:` that opened the list this item belongs to, or a table's
    /// header row.
    lead_in: String,
    /// The nearest heading above.
    heading: String,
    item: bool,
}

impl Unit {
    fn push(&mut self, line: u32, text: &str) {
        if !self.text.is_empty() {
            self.text.push(' ');
        }
        self.starts.push((self.text.len(), line));
        self.text.push_str(text.trim());
    }

    fn line_at(&self, offset: usize) -> u32 {
        self.starts
            .iter()
            .take_while(|(at, _)| *at <= offset)
            .last()
            .map_or(0, |(_, line)| *line)
    }
}

/// The paragraphs, list items and table rows of `doc`, each with its context.
fn units(doc: &Outline<'_>) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    let mut current: Option<Unit> = None;
    let mut heading = String::new();
    // The lead-in of the list being read: kept across blank lines between its items.
    let mut lead_in = String::new();
    let mut table_header = String::new();
    let finish = |current: &mut Option<Unit>, out: &mut Vec<Unit>, lead_in: &mut String| {
        if let Some(u) = current.take() {
            if !u.item && !u.text.is_empty() {
                let last = sentences(&u.text).last().map(|(s, _)| s.trim().to_string());
                *lead_in = last.filter(|s| s.ends_with(':')).unwrap_or_default();
            }
            out.push(u);
        }
    };
    for (i, l) in doc.lines.iter().enumerate() {
        match l.kind {
            LineKind::Heading(_) => {
                finish(&mut current, &mut out, &mut lead_in);
                heading = doc.heading_text(i);
                lead_in.clear();
            }
            LineKind::Text => {
                let item = text_is_item(&l.visible);
                let continues = current.is_some() && !item && i > 0 && {
                    let prev = &doc.lines[i - 1];
                    prev.kind == LineKind::Text
                };
                if continues {
                    if let Some(u) = current.as_mut() {
                        u.push(l.no, &l.visible);
                    }
                    continue;
                }
                finish(&mut current, &mut out, &mut lead_in);
                let mut u = Unit {
                    heading: heading.clone(),
                    item,
                    ..Unit::default()
                };
                if item {
                    u.lead_in = lead_in.clone();
                    u.push(l.no, &strip_list_marker(&l.visible));
                } else {
                    lead_in.clear();
                    u.push(l.no, &l.visible);
                }
                current = Some(u);
            }
            LineKind::TableRow => {
                finish(&mut current, &mut out, &mut lead_in);
                let row = l
                    .visible
                    .trim()
                    .trim_matches('|')
                    .split('|')
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join(" | ");
                let header = doc
                    .lines
                    .get(i + 1)
                    .is_some_and(|n| n.kind == LineKind::TableSeparator);
                if header {
                    table_header = row.clone();
                }
                let mut u = Unit {
                    heading: heading.clone(),
                    item: true,
                    lead_in: if header {
                        String::new()
                    } else {
                        table_header.clone()
                    },
                    ..Unit::default()
                };
                u.push(l.no, &row);
                out.push(u);
            }
            LineKind::Blank => {
                // A blank line ends a paragraph but not the list its lead-in opens.
                let keep = lead_in.clone();
                let was_item = current.as_ref().is_some_and(|u| u.item);
                finish(&mut current, &mut out, &mut lead_in);
                if was_item {
                    lead_in = keep;
                }
            }
            _ => {
                finish(&mut current, &mut out, &mut lead_in);
                lead_in.clear();
            }
        }
    }
    finish(&mut current, &mut out, &mut lead_in);
    out
}

fn text_is_item(line: &str) -> bool {
    strip_list_marker(line).len() != line.len()
}

/// The sentences of `text`, each with its byte offset: split after `.`, `!` or `?` followed by
/// a space and a character that does not continue a sentence (not a lower-case letter), unless
/// the word before is an abbreviation.
fn sentences(text: &str) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(at, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let Some(&(_, space)) = chars.get(k + 1) else {
            continue;
        };
        if !space.is_whitespace() {
            continue;
        }
        let next = chars[k + 1..].iter().find(|(_, c)| !c.is_whitespace());
        if next.is_some_and(|(_, c)| c.is_lowercase()) {
            continue;
        }
        let end = at + c.len_utf8();
        if ABBREVIATION.is_match(&text[start..end]) {
            continue;
        }
        out.push((&text[start..end], start));
        start = chars.get(k + 1).map_or(text.len(), |(i, _)| *i);
    }
    if start < text.len() && !text[start..].trim().is_empty() {
        out.push((&text[start..], start));
    }
    out.into_iter()
        .map(|(s, at)| {
            let trimmed = s.trim_start();
            (trimmed.trim_end(), at + (s.len() - trimmed.len()))
        })
        .filter(|(s, _)| !s.is_empty())
        .collect()
}

/// A sentence as quoted: whitespace collapsed, control and bidi characters escaped, at most
/// [`QUOTE_CHARS`] characters.
fn quote(sentence: &str) -> String {
    let collapsed = sentence.split_whitespace().collect::<Vec<_>>().join(" ");
    let safe = crate::sanitize::terminal(&collapsed);
    match safe.char_indices().nth(QUOTE_CHARS) {
        Some((at, _)) => format!("{}…", &safe[..at]),
        None => safe,
    }
}

/// The sentence as read for keywords: links reduced to their text, addresses removed.
fn plain(sentence: &str) -> String {
    let t = LINK.replace_all(sentence, "$1");
    URL.replace_all(&t, " ").replace(['`', '*'], "")
}

/// The time-frames `sentence` states about handling a report, or why its time-frames are not
/// such (None when it has none).
fn timeframes(plain: &str, lead_in: &str, heading: &str) -> Option<Result<Vec<String>, String>> {
    let frames: Vec<regex::Match<'_>> = TIMEFRAME.find_iter(plain).collect();
    if frames.is_empty() {
        return None;
    }
    let windows = |m: &regex::Match<'_>| {
        WINDOW_BEFORE.is_match(&plain[..m.start()]) || WINDOW_AFTER.is_match(&plain[m.end()..])
    };
    if NOT_RESPONSE.is_match(plain) {
        return Some(Err(
            "a time-frame about the supported Rust version, not about handling a report".into(),
        ));
    }
    let kept: Vec<String> = frames
        .iter()
        .filter(|m| !windows(m))
        .map(|m| m.as_str().split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    if kept.is_empty() {
        return Some(Err(
            "a support window or an age, not a time to handle a report".into(),
        ));
    }
    let context = format!("{plain} {lead_in}");
    let security_here = SECURITY_NOUN.is_match(&context);
    let handling = if REPORT_HANDLING.is_match(&context) {
        security_here || HANDLING_HEADING.is_match(heading)
    } else {
        OTHER_HANDLING.is_match(&context) && security_here
    };
    if handling {
        Some(Ok(kept))
    } else {
        Some(Err(
            "a time-frame, but the sentence is not about handling a vulnerability report \
             (acknowledge, triage, respond, fix, release, disclose)"
                .into(),
        ))
    }
}

/// Whether `plain` says how or when a vulnerability becomes public: the phrase that does, or
/// why a sentence that mentions disclosure does not (None when it does not mention it).
fn disclosure(plain: &str, lead_in: &str, heading: &str) -> Option<Result<String, String>> {
    // Reporting instructions ("do not disclose it publicly") are not the project's disclosure.
    let own = NOT_DISCLOSURE.replace_all(plain, " ");
    if let Some(m) = PUBLICATION.find(&own) {
        let advisory_only = PUBLICATION
            .find_iter(&own)
            .all(|m| m.as_str().to_lowercase().starts_with("advisor"));
        if advisory_only && REPORTING_CHANNEL.is_match(&own) {
            return Some(Err(
                "names an advisory as the way to report, not how the vulnerability is published"
                    .into(),
            ));
        }
        return Some(Ok(m.as_str().to_string()));
    }
    let about_vulnerability =
        VULNERABILITY.is_match(&format!("{own} {lead_in}")) || DISCLOSURE_HEADING.is_match(heading);
    // Something made public: the vulnerability, in the sentence or by the heading above it.
    if let Some(m) = PUBLIC.find(&own)
        && about_vulnerability
        && (PUBLIC_OBJECT.is_match(&own) || DISCLOSURE_HEADING.is_match(heading))
    {
        return Some(Ok(m.as_str().to_string()));
    }
    if let Some(m) = DISCLOSE.find(&own) {
        if WHEN.is_match(&own) && about_vulnerability {
            return Some(Ok(m.as_str().to_string()));
        }
        return Some(Err(
            "mentions disclosure, but not how or when a vulnerability becomes public (an \
             advisory, a CVE, coordinated disclosure, an embargo, publication)"
                .into(),
        ));
    }
    None
}

/// Read the statements of a security policy.
pub(super) fn read(doc: &Outline<'_>) -> Read {
    let mut out = Read::default();
    let mut set_aside = |statement: &str, line: u32, sentence: &str, why: String| {
        if out.set_aside.len() < MAX_SET_ASIDE {
            out.set_aside.push(SetAside {
                statement: statement.into(),
                line,
                sentence: quote(sentence),
                why,
            });
        }
    };
    let mut disclosure_found = Vec::new();
    let mut timeframes_found = Vec::new();
    for unit in units(doc) {
        let lead_in = plain(&unit.lead_in);
        for (sentence, at) in sentences(&unit.text) {
            let line = unit.line_at(at);
            let p = plain(sentence);
            match disclosure(&p, &lead_in, &unit.heading) {
                Some(Ok(phrase)) if disclosure_found.len() < MAX_DISCLOSURE => {
                    disclosure_found.push(Statement {
                        line,
                        sentence: quote(sentence),
                        phrase,
                    });
                }
                Some(Err(why)) => set_aside("disclosure", line, sentence, why),
                _ => {}
            }
            match timeframes(&p, &lead_in, &unit.heading) {
                Some(Ok(frames)) => {
                    for phrase in frames {
                        if timeframes_found.len() < MAX_TIMEFRAMES {
                            timeframes_found.push(Statement {
                                line,
                                sentence: quote(sentence),
                                phrase,
                            });
                        }
                    }
                }
                Some(Err(why)) => set_aside("timeframes", line, sentence, why),
                None => {}
            }
        }
    }
    out.disclosure = disclosure_found;
    out.timeframes = timeframes_found;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statements(text: &str) -> Read {
        read(&Outline::new(text, "md"))
    }

    /// (sentence under a `## Reporting` heading, states a response time-frame)
    const TIMEFRAMES: &[(&str, bool)] = &[
        ("We acknowledge reports within 3 business days.", true),
        ("Critical vulnerabilities are fixed in 30 days.", true),
        ("You will hear back from us within 48 hours.", true),
        (
            "We aim to release a patch for a security issue within two weeks.",
            true,
        ),
        ("Reports are triaged within five days of receipt.", true),
        (
            "We follow coordinated disclosure with a 90-day embargo.",
            true,
        ),
        (
            "Our MSRV will be no more recent than 9 versions old, or approximately 12 months.",
            false,
        ),
        (
            "Security fixes are backported to releases published less than 2 years ago.",
            false,
        ),
        ("We release a new version every 6 weeks.", false),
        ("The build takes 10 minutes.", false),
        (
            "Versions are supported for 12 months after their release.",
            false,
        ),
        (
            "The project started 3 years ago and has 20 maintainers.",
            false,
        ),
    ];

    #[test]
    fn a_time_frame_counts_only_in_a_sentence_about_handling_a_report() {
        for (sentence, want) in TIMEFRAMES {
            let r = statements(&format!("# Policy\n\n## Reporting\n\n{sentence}\n"));
            assert_eq!(!r.timeframes.is_empty(), *want, "{sentence}: {r:?}");
            if *want {
                assert_eq!(r.timeframes[0].sentence, *sentence);
                assert_eq!(r.timeframes[0].line, 5);
            } else if r.set_aside.iter().all(|s| s.statement != "timeframes") {
                // A sentence without a time-frame is neither stated nor set aside.
                assert!(!TIMEFRAME.is_match(sentence), "{sentence}");
            }
        }
        // "We respond within 48 hours" needs no security noun under a heading about reports,
        // but a release cadence under the title is no response time.
        let r =
            statements("# Security Policy\n\nWe release every 6 weeks and respond in 2 days.\n");
        assert_eq!(r.timeframes.len(), 1, "{r:?}");
        assert_eq!(r.timeframes[0].phrase, "in 2 days");
    }

    /// (sentence, states a disclosure policy)
    const DISCLOSURE: &[(&str, bool)] = &[
        (
            "We publish a security advisory once a fix is available.",
            true,
        ),
        ("We disclose fixed issues in a GitHub advisory.", true),
        (
            "Fixed vulnerabilities get a CVE and a RustSec advisory.",
            true,
        ),
        ("We follow coordinated disclosure.", true),
        (
            "Do not disclose it publicly; we disclose it once fixed.",
            true,
        ),
        ("The vulnerability is made public after 90 days.", true),
        (
            "Make sure to disclose any use of AI assistance upfront.",
            false,
        ),
        ("**Do not disclose it as a public issue.**", false),
        (
            "Please disclose it at [security advisory](https://x).",
            false,
        ),
        (
            "Please report security bugs [via github](https://github.com/o/r/security/advisories/new).",
            false,
        ),
        (
            "Report it privately through a draft GitHub security advisory.",
            false,
        ),
        ("We publish new versions to crates.io.", false),
        (
            "Security fixes will be backported only to the versions for which the original \
             semver-compatible release was published less than 2 years ago.",
            false,
        ),
        ("Details of fixed issues are announced on the blog.", true),
        (
            "We make the vulnerability public once users can upgrade.",
            true,
        ),
    ];

    #[test]
    fn a_disclosure_policy_says_how_or_when_the_vulnerability_becomes_public() {
        for (sentence, want) in DISCLOSURE {
            let r = statements(&format!("# Security Policy\n\n{sentence}\n"));
            assert_eq!(!r.disclosure.is_empty(), *want, "{sentence}: {r:?}");
        }
        // Under a heading about disclosure, a sentence needs no security noun of its own.
        let r =
            statements("# Policy\n\n## Disclosure\n\nGive us 90 days before public exposure.\n");
        assert_eq!(r.disclosure.len(), 1, "{r:?}");
        let r = statements("# Policy\n\nGive us 90 days before public exposure.\n");
        assert!(r.disclosure.is_empty(), "{r:?}");
    }

    /// The TLS library's policy: the AI-assistance sentence is set aside, the advisory to
    /// RustSec a few lines lower — an item of "We'll then:" — is the disclosure policy, and the
    /// MSRV's twelve months are no response time.
    #[test]
    fn the_tls_library_policy_is_read_in_context() {
        let text = "# Security Policy\n\
            \n\
            ## Supported Versions\n\
            \n\
            Our MSRV will be no more recent than 9 versions old, or approximately 12 months.\n\
            \n\
            ## Reporting a Vulnerability\n\
            \n\
            Please report security bugs [via github](https://github.com/o/r/security/advisories/new).\n\
            Make sure to disclose any use of AI assistance upfront.\n\
            \n\
            We'll then:\n\
            \n\
            - Prepare a fix and regression tests.\n\
            - Submit an advisory to [rustsec/advisory-db](https://github.com/RustSec/advisory-db).\n\
            - Refer to the advisory on the main README.md and release notes.\n";
        let r = statements(text);
        assert!(r.timeframes.is_empty(), "{r:?}");
        let lines: Vec<(u32, &str)> = r
            .disclosure
            .iter()
            .map(|s| (s.line, s.sentence.as_str()))
            .collect();
        assert_eq!(
            lines,
            vec![
                (
                    15,
                    "Submit an advisory to [rustsec/advisory-db](https://github.com/RustSec/advisory-db)."
                ),
                (
                    16,
                    "Refer to the advisory on the main README.md and release notes."
                ),
            ]
        );
        let aside: Vec<(&str, u32)> = r
            .set_aside
            .iter()
            .map(|s| (s.statement.as_str(), s.line))
            .collect();
        assert_eq!(aside, vec![("timeframes", 5), ("disclosure", 10)]);
    }

    #[test]
    fn sentences_keep_their_lines_and_abbreviations() {
        let doc = Outline::new(
            "We fix issues, e.g. crashes. We respond\nwithin 2 days. Then we\npublish it.\n",
            "md",
        );
        let u = units(&doc);
        assert_eq!(u.len(), 1);
        let got: Vec<(&str, u32)> = sentences(&u[0].text)
            .into_iter()
            .map(|(s, at)| (s, u[0].line_at(at)))
            .collect();
        assert_eq!(
            got,
            vec![
                ("We fix issues, e.g. crashes.", 1),
                ("We respond within 2 days.", 1),
                ("Then we publish it.", 2),
            ]
        );
    }

    #[test]
    fn quotes_are_safe_and_short() {
        let long = format!(
            "We acknowledge reports within 2 days \u{1b}[31m{}.",
            "x ".repeat(300)
        );
        let r = statements(&long);
        let s = &r.timeframes[0].sentence;
        assert!(s.chars().count() <= QUOTE_CHARS + 1, "{s}");
        assert!(
            !s.chars().any(char::is_control) && s.contains("\\u{1b}[31m"),
            "{s}"
        );
    }

    #[test]
    fn table_rows_are_read_with_their_header() {
        let r = statements(
            "# Security Policy\n\n| Stage | Time |\n|---|---|\n| Acknowledgement of a report | 3 business days |\n",
        );
        assert_eq!(r.timeframes.len(), 1, "{r:?}");
        assert_eq!(r.timeframes[0].line, 5);
    }
}
