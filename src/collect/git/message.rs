//! Reading commit messages: trailers from a known list, the review markers forges and merge
//! bots leave, and security-advisory identifiers. Pure functions over bytes.

use std::sync::LazyLock;

use regex::bytes::Regex;

/// The trailers we report. git accepts any `Token: value` line in the last paragraph, which
/// turns URLs (`https://…`) and conventional-commit lines (`fix: …`) into "trailers"; only
/// these tokens carry meaning for the evidence.
pub(crate) const KNOWN_TRAILERS: &[&str] = &[
    "Signed-off-by",
    "Reviewed-by",
    "Acked-by",
    "Tested-by",
    "Co-authored-by",
    "Reported-by",
    "Fixes",
    "Change-Id",
    "Reviewed-on",
];

/// Index into [`KNOWN_TRAILERS`] of the trailers that name a reviewer.
const REVIEWED_BY: usize = 1;
const ACKED_BY: usize = 2;
const REVIEWED_ON: usize = 8;

/// Review marker kinds, as bits.
pub(crate) mod marker {
    pub(crate) const PULL_REQUEST_MERGE: u8 = 1;
    pub(crate) const SQUASH_MERGE: u8 = 1 << 1;
    pub(crate) const BORS: u8 = 1 << 2;
    pub(crate) const GERRIT: u8 = 1 << 3;
    pub(crate) const REVIEWED_BY_TRAILER: u8 = 1 << 4;
    pub(crate) const MERGE_QUEUE: u8 = 1 << 5;
    pub(crate) const MERGE_REQUEST: u8 = 1 << 6;
}

/// Whether the markers show reviewer ≠ author.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Independence {
    /// The markers do not name both a reviewer and the author.
    #[default]
    Unknown,
    /// At least one named reviewer is not the author.
    Independent,
    /// Every named reviewer is the author.
    SelfReviewed,
}

/// What one commit message says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct MessageFacts {
    /// Bit i set: trailer `KNOWN_TRAILERS[i]` is present.
    pub(crate) trailers: u16,
    /// [`marker`] bits.
    pub(crate) markers: u8,
    /// Reviewers named by Reviewed-by/Acked-by trailers: (name, email), lower-cased.
    pub(crate) trailer_reviewers: Vec<(String, String)>,
    /// bors: the pull request's author login and the `r=` reviewers, lower-cased.
    pub(crate) bors_author: Option<String>,
    pub(crate) bors_reviewers: Vec<String>,
    /// Advisory ids, normalised (RUSTSEC-/CVE- upper case, GHSA- parts lower case), sorted.
    pub(crate) advisories: Vec<String>,
}

static PULL_REQUEST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Merge pull request #[0-9]+ from \S|Merged in \S+ \(pull request #[0-9]+\))")
        .expect("valid regex")
});
static SQUASH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(#[0-9]+\)\s*$").expect("valid regex"));
/// homu/bors: `Auto merge of #123 - user:branch, r=alice,bob` (also `Rollup merge of`).
static BORS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Auto|Rollup) merge of (?:rust-lang/[\w.-]+)?#[0-9]+(?: - ([\w.-]+)(?::[^\s,]*)?)?(?:,\s*r=([\w.,@\[\]-]+))?")
        .expect("valid regex")
});
/// bors-ng: subject `Merge #12 #13`, body lines `12: title r=alice a=bob`.
static BORS_NG_SUBJECT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^Merge(?: #[0-9]+)+\s*$").expect("valid regex"));
static BORS_NG_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[0-9]+: .*? r=([\w.,@-]+)(?: a=([\w.,@-]+))?\s*$").expect("valid regex")
});
static MERGE_QUEUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^Merge (?:commit|branch) '[^']*' into gh-readonly-queue/").expect("valid regex")
});
static MERGE_REQUEST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^See merge request [\w.-]+(?:/[\w.-]+)*![0-9]+\s*$").expect("valid regex")
});
/// The ids are ASCII, so the case-insensitive match is ASCII-only (`-u`): Unicode folding would
/// let `ſ` (U+017F) stand for `s` and `K` (U+212A) for `k`, and yield ids that are not ids.
static ADVISORY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?i-u:RUSTSEC-[0-9]{4}-[0-9]{4}|CVE-[0-9]{4}-[0-9]{4,7}|GHSA(?:-[0-9a-z]{4}){3})\b",
    )
    .expect("valid regex")
});

/// Analyse a commit message.
pub(crate) fn analyse(message: &[u8]) -> MessageFacts {
    let mut facts = MessageFacts::default();
    let subject = subject(message);

    if PULL_REQUEST.is_match(subject) {
        facts.markers |= marker::PULL_REQUEST_MERGE;
    }
    if let Some(c) = BORS.captures(subject) {
        facts.markers |= marker::BORS;
        facts.bors_author = c.get(1).map(|m| lower(m.as_bytes()));
        if let Some(r) = c.get(2) {
            facts.bors_reviewers = split_logins(r.as_bytes());
        }
    } else if BORS_NG_SUBJECT.is_match(subject) {
        facts.markers |= marker::BORS;
        // A batch names one author and reviewer set per pull request; only the first is used.
        if let Some(c) = BORS_NG_LINE.captures(message) {
            facts.bors_reviewers = c.get(1).map_or(Vec::new(), |m| split_logins(m.as_bytes()));
            facts.bors_author = c.get(2).map(|m| lower(m.as_bytes()));
        }
    } else if SQUASH.is_match(subject) && !PULL_REQUEST.is_match(subject) {
        facts.markers |= marker::SQUASH_MERGE;
    }
    if MERGE_QUEUE.is_match(subject) {
        facts.markers |= marker::MERGE_QUEUE;
    }
    if MERGE_REQUEST.is_match(message) {
        facts.markers |= marker::MERGE_REQUEST;
    }

    for (index, value) in trailers(message) {
        facts.trailers |= 1 << index;
        match index {
            REVIEWED_BY | ACKED_BY => {
                facts.markers |= marker::REVIEWED_BY_TRAILER;
                facts.trailer_reviewers.push(identity(value));
            }
            REVIEWED_ON => facts.markers |= marker::GERRIT,
            _ => {}
        }
    }

    // The regex's literal prefilter (SIMD) makes this cheap on the many messages without one.
    let mut ids: Vec<String> = ADVISORY
        .find_iter(message)
        .map(|m| normalise_advisory(m.as_bytes()))
        .collect();
    if !ids.is_empty() {
        ids.sort();
        ids.dedup();
        facts.advisories = ids;
    }
    facts
}

impl MessageFacts {
    /// Reviewer ≠ author, judged from the markers. `author` is the mailmap-resolved
    /// (name, email) of the commit's author.
    pub(crate) fn independence(&self, author_name: &[u8], author_email: &[u8]) -> Independence {
        if let Some(pr_author) = &self.bors_author
            && !self.bors_reviewers.is_empty()
        {
            return if self.bors_reviewers.iter().any(|r| r != pr_author) {
                Independence::Independent
            } else {
                Independence::SelfReviewed
            };
        }
        if self.trailer_reviewers.is_empty() {
            return Independence::Unknown;
        }
        let name = lower(author_name);
        let email = lower(author_email);
        let is_author = |(n, e): &(String, String)| {
            (!e.is_empty() && *e == email) || (!n.is_empty() && *n == name)
        };
        if self.trailer_reviewers.iter().any(|r| !is_author(r)) {
            Independence::Independent
        } else {
            Independence::SelfReviewed
        }
    }
}

/// The first line of a message.
pub(crate) fn subject(message: &[u8]) -> &[u8] {
    let end = message
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(message.len());
    trim_end(&message[..end])
}

/// Known trailers in the message's trailer block: `(index into KNOWN_TRAILERS, value)`.
///
/// Like git: the block is the last paragraph, never the subject's paragraph; it qualifies when
/// every line is a `Token: value` line (or a continuation indented under one), or when at
/// least a quarter are and one of them is a Signed-off-by or a `(cherry picked from …)` line.
pub(crate) fn trailers(message: &[u8]) -> Vec<(usize, &[u8])> {
    let body = trim_end(strip_patch_part(message));
    let mut lines: Vec<&[u8]> = body.split(|&b| b == b'\n').map(trim_cr).collect();
    // The subject paragraph ends at the first blank line; a message without one has no block.
    let Some(first_blank) = lines.iter().position(|l| is_blank(l)) else {
        return Vec::new();
    };
    let last_blank = lines
        .iter()
        .rposition(|l| is_blank(l))
        .unwrap_or(first_blank);
    let block: Vec<&[u8]> = lines.drain(last_blank + 1..).collect();
    if block.is_empty() {
        return Vec::new();
    }
    let mut parsed: Vec<Option<(&[u8], &[u8])>> = Vec::with_capacity(block.len());
    let (mut trailer_lines, mut other_lines, mut recognised) = (0usize, 0usize, false);
    for line in &block {
        if line.first().is_some_and(|b| *b == b' ' || *b == b'\t') && !parsed.is_empty() {
            // A continuation of the previous line: counts with it.
            parsed.push(None);
            continue;
        }
        match split_trailer(line) {
            Some((token, value)) => {
                trailer_lines += 1;
                if token.eq_ignore_ascii_case(b"Signed-off-by") {
                    recognised = true;
                }
                parsed.push(Some((token, value)));
            }
            None => {
                if line.starts_with(b"(cherry picked from commit ") {
                    recognised = true;
                    trailer_lines += 1;
                } else {
                    other_lines += 1;
                }
                parsed.push(None);
            }
        }
    }
    let qualifies =
        trailer_lines > 0 && (other_lines == 0 || (recognised && trailer_lines * 3 >= other_lines));
    if !qualifies {
        return Vec::new();
    }
    parsed
        .into_iter()
        .flatten()
        .filter_map(|(token, value)| {
            KNOWN_TRAILERS
                .iter()
                .position(|k| k.as_bytes().eq_ignore_ascii_case(token))
                .map(|i| (i, value))
        })
        .collect()
}

/// `Token: value` with git's token characters (letters, digits, `-`).
fn split_trailer(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = line.iter().position(|&b| b == b':')?;
    let token = trim_end(&line[..colon]);
    if token.is_empty()
        || !token
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
    {
        return None;
    }
    let value = trim(&line[colon + 1..]);
    Some((token, value))
}

/// Everything before a `---` line that starts a patch, as `git interpret-trailers` does.
fn strip_patch_part(message: &[u8]) -> &[u8] {
    let mut offset = 0;
    for line in message.split(|&b| b == b'\n') {
        if line.starts_with(b"---") && (line.len() == 3 || line[3].is_ascii_whitespace()) {
            return &message[..offset];
        }
        offset += line.len() + 1;
    }
    message
}

/// `Name <email>` → (name, email), lower-cased; a bare value is a name.
fn identity(value: &[u8]) -> (String, String) {
    match (
        value.iter().position(|&b| b == b'<'),
        value.iter().rposition(|&b| b == b'>'),
    ) {
        (Some(open), Some(close)) if open < close => (
            lower(trim(&value[..open])),
            lower(trim(&value[open + 1..close])),
        ),
        _ => (lower(trim(value)), String::new()),
    }
}

fn split_logins(list: &[u8]) -> Vec<String> {
    list.split(|&b| b == b',')
        .map(trim)
        .filter(|s| !s.is_empty())
        .map(|s| lower(s.strip_prefix(b"@").unwrap_or(s)))
        .collect()
}

fn normalise_advisory(id: &[u8]) -> String {
    let s = String::from_utf8_lossy(id);
    match (s.get(..5), s.get(5..)) {
        (Some(prefix), Some(rest)) if !rest.is_empty() && prefix.eq_ignore_ascii_case("GHSA-") => {
            format!("GHSA-{}", rest.to_ascii_lowercase())
        }
        _ => s.to_ascii_uppercase(),
    }
}

fn lower(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_lowercase()
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| b.is_ascii_whitespace())
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn trim_end(s: &[u8]) -> &[u8] {
    let end = s
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    &s[..end]
}

fn trim(s: &[u8]) -> &[u8] {
    let start = s
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(s.len());
    trim_end(&s[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(message: &str) -> Vec<&'static str> {
        trailers(message.as_bytes())
            .into_iter()
            .map(|(i, _)| KNOWN_TRAILERS[i])
            .collect()
    }

    #[test]
    fn trailers_only_from_the_last_paragraph_and_known_list() {
        let cases: &[(&str, &[&str])] = &[
            ("Subject only", &[]),
            ("Signed-off-by: A <a@x>", &[]),
            ("Fix\n\nSigned-off-by: A <a@x>\n", &["Signed-off-by"]),
            (
                "Fix\n\nbody\n\nReviewed-by: B <b@x>\nAcked-by: C\nChange-Id: I12\n",
                &["Reviewed-by", "Acked-by", "Change-Id"],
            ),
            // A URL and a conventional-commit line look like trailers to git, not to us.
            ("Fix\n\nhttps://example.org/issue/1\n", &[]),
            ("Fix\n\nfix: handle the empty case\n", &[]),
            // Known tokens in a middle paragraph are prose.
            ("Fix\n\nReviewed-by: B <b@x>\n\nmore prose\n", &[]),
            // Prose mixed with a known token and no Signed-off-by: not a block.
            ("Fix\n\nThis was hard.\nReviewed-by: B <b@x>\n", &[]),
            // With Signed-off-by, a quarter of trailer lines is enough.
            (
                "Fix\n\nsome note here\nSigned-off-by: A <a@x>\n",
                &["Signed-off-by"],
            ),
            (
                "Fix\n\nCo-authored-by: D <d@x>\n  continued\nTested-by: E <e@x>\n",
                &["Co-authored-by", "Tested-by"],
            ),
            (
                "Fix\n\nFixes: 1234abcd (\"old\")\n---\nnot: part\n",
                &["Fixes"],
            ),
            ("Fix\r\n\r\nReported-by: F <f@x>\r\n", &["Reported-by"]),
        ];
        for (message, want) in cases {
            assert_eq!(names(message), *want, "{message:?}");
        }
    }

    #[test]
    fn review_markers() {
        use marker::*;
        let cases: &[(&str, u8)] = &[
            ("Add a thing", 0),
            (
                "Merge pull request #12 from alice/topic\n\nAdd a thing",
                PULL_REQUEST_MERGE,
            ),
            ("Merged in feature (pull request #4)", PULL_REQUEST_MERGE),
            ("Add a thing (#12)", SQUASH_MERGE),
            ("Add a thing (#12) and more", 0),
            ("Auto merge of #123 - alice:topic, r=bob\n\nbody", BORS),
            ("Rollup merge of #99 - carol:fix, r=dave", BORS),
            ("Merge #12 #13\n\n12: Title r=bob a=alice\n", BORS),
            (
                "Change\n\nReviewed-on: https://review.example.org/c/1\n",
                GERRIT,
            ),
            (
                "Change\n\nChange-Id: I1\nReviewed-on: https://r/1\nReviewed-by: B <b@x>\n",
                GERRIT | REVIEWED_BY_TRAILER,
            ),
            (
                "Merge commit 'abc' into gh-readonly-queue/main/pr-5-def",
                MERGE_QUEUE,
            ),
            (
                "Merge branch 'topic' into 'main'\n\nTitle\n\nSee merge request group/sub/proj!42\n",
                MERGE_REQUEST,
            ),
            ("Merge branch 'topic'", 0),
            ("Reviewed-by: in the subject", 0),
        ];
        for (message, want) in cases {
            assert_eq!(analyse(message.as_bytes()).markers, *want, "{message:?}");
        }
    }

    #[test]
    fn independence_from_markers() {
        let f = analyse(b"Auto merge of #1 - alice:topic, r=bob");
        assert_eq!(f.independence(b"x", b"y"), Independence::Independent);
        let f = analyse(b"Auto merge of #1 - alice:topic, r=Alice");
        assert_eq!(f.independence(b"x", b"y"), Independence::SelfReviewed);
        let f = analyse(b"Fix\n\nReviewed-by: Alice <ALICE@x.org>\n");
        assert_eq!(
            f.independence(b"Alice", b"alice@x.org"),
            Independence::SelfReviewed
        );
        assert_eq!(
            f.independence(b"Bob", b"bob@x.org"),
            Independence::Independent
        );
        let f = analyse(b"Merge pull request #1 from alice/x");
        assert_eq!(f.independence(b"Bob", b"bob@x"), Independence::Unknown);
    }

    #[test]
    fn advisories_found_and_normalised() {
        let f = analyse(
            b"Fix overflow\n\nFixes RUSTSEC-2021-0001, cve-2020-123456 and\nGHSA-ABCD-2345-wxyz. Not CVE-20-1 nor XRUSTSEC-2021-0001.\n",
        );
        assert_eq!(
            f.advisories,
            [
                "CVE-2020-123456",
                "GHSA-abcd-2345-wxyz",
                "RUSTSEC-2021-0001"
            ]
        );
        assert!(analyse(b"Bump deps").advisories.is_empty());
    }

    /// `ſ` (U+017F) folds to `s` under Unicode case-insensitivity: the match was taken for an
    /// id, and cutting its first five bytes split the two-byte `ſ` (a panic, exit 101).
    #[test]
    fn unicode_case_folding_does_not_make_an_advisory_id() {
        for message in [
            "Fix RUSTſEC-2020-0001",
            "Fix GHſA-abcd-2345-wxyz",
            "Fix GHSA-\u{212A}bcd-2345-wxyz",
            "Fix CVE-2020-1234\u{212A}",
        ] {
            let f = analyse(message.as_bytes());
            assert!(
                f.advisories.iter().all(|a| a.is_ascii()),
                "{message:?}: {:?}",
                f.advisories
            );
        }
        assert!(
            analyse("Fix RUSTſEC-2020-0001".as_bytes())
                .advisories
                .is_empty()
        );
        // Whatever reaches the normaliser, it never cuts inside a character.
        assert_eq!(
            normalise_advisory("RUSTſEC-2020-0001".as_bytes()),
            "RUSTſEC-2020-0001"
        );
        assert_eq!(normalise_advisory("GHSſ".as_bytes()), "GHSſ");
        assert_eq!(normalise_advisory(b"ghsa-ABCD"), "GHSA-abcd");
    }
}
