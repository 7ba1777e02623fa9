//! Property tests: every parser of repository text gets arbitrary bytes, arbitrary strings and
//! near-valid documents (valid text with injected case-folding letters, control characters,
//! very long lines, deep nesting), and must neither panic nor break its own invariants.
//!
//! `PROPTEST_CASES` sets the number of cases per property (default 256). No failure files are
//! written: a failing case is printed, minimised, and belongs in a unit test of its parser.

use std::sync::LazyLock;

use cargo_sdl::catalog::Catalog;
use cargo_sdl::config::Product;
use cargo_sdl::facts::FileRef;
use cargo_sdl::testing as t;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config as ProptestConfig;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// --- generators ---------------------------------------------------------------------------

/// Pieces that have broken parsers: letters that Unicode case folding maps onto ASCII (`ſ`→s,
/// `K`→k; `İ` lower-cases to two characters), control and bidi characters, line breaks
/// other than `\n`, a byte-order mark, combining marks, and very long runs.
fn nasty() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "ſ", "İ", "\u{212A}", "ı", "ß", "\u{0}", "\u{7}", "\u{8}", "\u{1b}[2J", "\u{1b}]0;x\u{7}",
            "\r", "\r\n", "\t", "\u{b}", "\u{c}", "\u{85}", "\u{2028}", "\u{2029}", "\u{feff}",
            "\u{202e}", "e\u{301}", "\u{1F600}", "\u{10FFFF}", "\u{fffd}", "\"", "'", "\\", "#",
            ":", "- ", "[", "{", "}", "]", "&a", "*a", "!!", "---", "...", "%", "@", "<", ">",
            "\n\n", "\n", " ",
        ])
        .prop_map(str::to_string),
        2 => "[\\x00-\\x1f\\x7f]{1,4}",
        2 => any::<char>().prop_map(String::from),
        1 => (1usize..6_000, any::<char>()).prop_map(|(n, c)| c.to_string().repeat(n)),
        1 => (1usize..400).prop_map(|n| "- ".repeat(n)),
        1 => (1usize..400).prop_map(|n| "[".repeat(n)),
        1 => (1usize..400).prop_map(|n| "{a: ".repeat(n)),
    ]
}

/// `base` with up to eight nasty pieces inserted at character boundaries, or a character
/// range replaced by one.
fn near(base: &'static str) -> impl Strategy<Value = String> {
    prop::collection::vec(
        (any::<Index>(), any::<Index>(), any::<bool>(), nasty()),
        0..8,
    )
    .prop_map(move |edits| {
        let mut s = base.to_string();
        for (at, len, replace, piece) in edits {
            let bounds: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
            let start = at.index(bounds.len());
            let end = if replace {
                bounds[start..][len.index(bounds.len() - start).min(8)]
            } else {
                bounds[start]
            };
            s.replace_range(bounds[start]..end, &piece);
        }
        s
    })
}

/// Arbitrary text: any string, or up to `pieces` pieces from [`nasty`] or of ASCII.
fn text(pieces: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(nasty(), 0..pieces).prop_map(|v| v.concat()),
        prop::collection::vec("[a-zA-Z0-9 :#\\-\\n]{0,12}", 0..pieces * 4).prop_map(|v| v.concat()),
    ]
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..2048)
}

// --- commit messages ----------------------------------------------------------------------

static ADVISORY_ID: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(
        r"^(?:RUSTSEC-[0-9]{4}-[0-9]{4}|CVE-[0-9]{4}-[0-9]{4,7}|GHSA(?:-[0-9a-z]{4}){3})$",
    )
    .unwrap()
});

/// What must hold for any message.
fn check_message(message: &[u8]) -> Result<(), TestCaseError> {
    let m = t::analyse_message(message);
    let lower = message.to_ascii_lowercase();
    for id in &m.advisories {
        prop_assert!(ADVISORY_ID.is_match(id), "not an advisory id: {id:?}");
        let needle = id.to_ascii_lowercase();
        prop_assert!(
            lower.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{id} is not in the message"
        );
    }
    prop_assert!(
        m.advisories.windows(2).all(|w| w[0] < w[1]),
        "{:?}",
        m.advisories
    );
    prop_assert!(m.markers < 1 << 7);
    let trailers = t::message_trailers(message);
    for (token, _) in &trailers {
        prop_assert!(m.trailers.contains(token));
    }
    prop_assert!(m.trailers.len() <= t::KNOWN_TRAILERS.len());
    prop_assert!(matches!(
        t::message_independence(message, b"A U Thor", b"author@example.org"),
        "unknown" | "independent" | "self-reviewed"
    ));
    Ok(())
}

const MESSAGE: &str = "Merge pull request #12 from alice/topic (#13)\n\n\
    Fix an overflow in the parser (RUSTSEC-2021-0001, CVE-2020-123456, GHSA-abcd-2345-wxyz).\n\
    \n\
    12: Title r=bob a=alice\n\
    Auto merge of #123 - alice:topic, r=bob\n\
    See merge request group/sub/proj!42\n\
    \n\
    Signed-off-by: A U Thor <author@example.org>\n\
    Reviewed-by: Re Viewer <reviewer@example.org>\n\
    Change-Id: I1234\n  continued\n\
    (cherry picked from commit 0123456789abcdef)\n";

fn advisory_id() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        "RUSTSEC-[0-9]{4}-[0-9]{4}",
        "CVE-[0-9]{4}-[0-9]{4,7}",
        "GHSA-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}",
    ]
    .prop_flat_map(|id| {
        let n = id.len();
        (Just(id), prop::collection::vec(any::<bool>(), n))
    })
    .prop_map(|(id, flips)| {
        let written: String = id
            .chars()
            .zip(flips)
            .map(|(c, f)| {
                if f {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        (id, written)
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn commit_messages_from_arbitrary_bytes(message in bytes()) {
        check_message(&message)?;
    }

    #[test]
    fn commit_messages_from_arbitrary_text(message in text(24)) {
        check_message(message.as_bytes())?;
    }

    #[test]
    fn commit_messages_near_valid(message in near(MESSAGE)) {
        check_message(message.as_bytes())?;
    }

    /// An id written in any ASCII case, between spaces, is found and normalised; with a letter
    /// replaced by one that Unicode case folding equates with it (`ſ` for s, `K` for k) it is
    /// no id at all.
    #[test]
    fn advisory_ids_are_found_in_any_ascii_case(
        before in "[a-zA-Z0-9 .,;()\\n]{0,40}",
        (id, written) in advisory_id(),
        lookalikes in prop::collection::vec(any::<bool>(), 20),
        after in "[a-zA-Z0-9 .,;()\\n]{0,40}",
    ) {
        let message = format!("Fix {before} {written} {after}");
        let m = t::analyse_message(message.as_bytes());
        prop_assert!(m.advisories.contains(&id), "{id} not in {:?}", m.advisories);
        check_message(message.as_bytes())?;

        let folded: String = written
            .chars()
            .zip(lookalikes.iter().chain(std::iter::repeat(&false)))
            .map(|(c, &swap)| match c {
                's' | 'S' if swap => 'ſ',
                'k' | 'K' if swap => '\u{212A}',
                c => c,
            })
            .collect();
        let message = format!("Fix {before} {folded} {after}");
        let m = t::analyse_message(message.as_bytes());
        if folded != written {
            prop_assert!(!m.advisories.contains(&id), "{folded} taken for {id}");
        }
        check_message(message.as_bytes())?;
    }

    /// A reviewer trailer closing the message is read back, whatever the body says.
    #[test]
    fn reviewer_trailers_are_read_back(
        subject in "[^\\n]{0,60}",
        body in prop::collection::vec("[^\\n]{0,60}", 0..6),
        name in "[^\\n\\r<>]{1,30}",
        email in "[a-zA-Z0-9.+-]{1,12}@[a-z0-9.-]{1,12}",
    ) {
        // git ends the message at a `---` line (the patch), so the body has none.
        let body: Vec<String> = body.into_iter().filter(|l| !l.starts_with("---")).collect();
        let message = format!(
            "{subject}\n\n{}\n\nSigned-off-by: X <x@example.org>\nReviewed-by: {name} <{email}>\n",
            body.join("\n")
        );
        let m = t::analyse_message(message.as_bytes());
        prop_assert!(m.trailers.contains(&"Signed-off-by"), "{:?}", m.trailers);
        prop_assert!(m.trailers.contains(&"Reviewed-by"), "{:?}", m.trailers);
        let want = (name.trim_ascii().to_lowercase(), email.to_lowercase());
        prop_assert!(m.trailer_reviewers.contains(&want), "{want:?} not in {:?}", m.trailer_reviewers);
        check_message(message.as_bytes())?;
    }
}

// --- SECURITY.md, security.txt and other prose --------------------------------------------

const POLICY: &str = "# Security Policy\n\
    \n\
    ## Reporting a vulnerability\n\
    \n\
    Report vulnerabilities to security@example.org or through\n\
    https://github.com/acme/widget/security/advisories/new. Use private vulnerability reporting.\n\
    We acknowledge reports within 3 business days and fix critical issues in 30 days.\n\
    We follow coordinated disclosure with a 90-day embargo; do not disclose it publicly.\n\
    Security advisories will be published on GitHub.\n\
    \n\
    Design\n======\n\
    The product targets SL-C 2. Capability security level: 3. Levels SL 1-4 exist.\n\
    Use a firewall; harden the configuration; decommission securely; least privilege.\n";

const SECURITY_TXT: &str = "-----BEGIN PGP SIGNED MESSAGE-----\n\
    Contact: mailto:security@example.org\n\
    Contact: https://example.org/security\n\
    Expires: 2027-01-01T00:00:00+01:00\n\
    Expires: 2028-01-01T00:00:00Z\n";

fn check_prose(text: &str) -> Result<(), TestCaseError> {
    let lines = u32::try_from(text.lines().count()).unwrap_or(u32::MAX);
    let (channels, disclosure, timeframes) = t::security_policy(text);
    prop_assert!(channels.len() <= 20 && disclosure.len() <= 10 && timeframes.len() <= 20);
    for line in channels
        .iter()
        .map(|c| c.line)
        .chain(disclosure.iter().map(|m| m.line))
        .chain(timeframes.iter().map(|m| m.line))
    {
        prop_assert!((1..=lines).contains(&line), "line {line} of {lines}");
    }
    for m in disclosure.iter().chain(&timeframes) {
        // The quoted sentence is one line, already safe for a terminal, and short.
        prop_assert!(!m.sentence.contains('\n'));
        prop_assert!(
            !m.sentence.chars().any(char::is_control),
            "{:?}",
            m.sentence
        );
        prop_assert!(m.sentence.chars().count() <= 241, "{}", m.sentence);
        prop_assert!(!m.phrase.is_empty());
    }

    let txt = t::security_txt(text);
    prop_assert_eq!(txt.expires_raw.is_some(), txt.expires_line.is_some());
    prop_assert!(txt.expires.is_none() || txt.expires_raw.is_some());
    if let Some(e) = &txt.expires {
        // Normalised to UTC, or kept with its offset when it has no UTC form in range.
        prop_assert!(
            cargo_sdl::timefmt::parse(e).is_ok() || OffsetDateTime::parse(e, &Rfc3339).is_ok(),
            "{e}"
        );
    }
    for c in &txt.contacts {
        prop_assert!((1..=lines).contains(&c.line));
    }

    if let Some(title) = t::document_title(text) {
        prop_assert!(
            !title.contains('\n') && title.chars().count() <= 161,
            "{title:?}"
        );
    }
    let topics = t::guideline_topics(text);
    prop_assert_eq!(topics.len(), 6);
    for (line, _, _, _) in topics.iter().flatten() {
        prop_assert!((1..=lines).contains(line));
    }
    if let Some((level, line, _)) = t::security_level(text) {
        prop_assert!((1..=4).contains(&level), "level {level}");
        prop_assert!((1..=lines).contains(&line));
    }

    // Substance: never more words than letters (each word has one), every quoted line a line of
    // the text, at most ten of each kind quoted, each one line of at most 161 characters.
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    for ext in ["md", "adoc", "rst"] {
        let s = t::document_substance(text, ext);
        prop_assert!(s.words <= letters, "{} words, {letters} letters", s.words);
        prop_assert!(s.placeholders.len() <= 10 && s.empty_headings.len() <= 10);
        for m in s.placeholders.iter().chain(&s.empty_headings).chain(&s.ids) {
            prop_assert!((1..=lines).contains(&m.line), "line {} of {lines}", m.line);
            prop_assert!(!m.text.contains('\n') && m.text.chars().count() <= 161);
        }
    }
    let threats = t::prose_threats(text);
    prop_assert!(threats.dispositioned <= threats.total);
    prop_assert!(threats.with_mitigation <= threats.dispositioned);
    prop_assert!(threats.with_severity <= threats.total);
    prop_assert_eq!(
        threats.undecided_at.len(),
        (threats.total - threats.dispositioned).min(10)
    );
    for m in &threats.undecided_at {
        prop_assert!((1..=lines).contains(&m.line), "line {} of {lines}", m.line);
    }
    Ok(())
}

/// A threat model in the forms the rules read, for the near-valid properties.
const THREAT_MODEL_MD: &str = "# Threat model\n\n\
    | Id | Threat | Mitigation | Severity |\n|---|---|---|---|\n\
    | T-1 | Spoofing | TLS with a pinned key | high |\n\
    | T-2 | Tampering | TODO | |\n\n\
    ### T-3 Denial of service\n\n**Disposition:** accepted\n\n\
    ## Empty\n\n<!-- TODO -->\n```\ncode\n```\n";

proptest! {
    #![proptest_config(config())]

    #[test]
    fn prose_from_arbitrary_text(text in text(32)) {
        check_prose(&text)?;
    }

    #[test]
    fn security_policy_near_valid(text in near(POLICY)) {
        check_prose(&text)?;
    }

    #[test]
    fn security_txt_near_valid(text in near(SECURITY_TXT)) {
        check_prose(&text)?;
    }

    #[test]
    fn threat_model_near_valid(text in near(THREAT_MODEL_MD)) {
        check_prose(&text)?;
    }

    /// Any RFC 3339 time in an `Expires:` field is kept, as the same instant.
    #[test]
    fn security_txt_expires_keeps_the_instant(
        year in 0i32..=9999, day in 1u8..=28, month in 1u8..=12,
        hour in 0u8..24, minute in 0u8..60, offset_minutes in -1439i32..=1439,
    ) {
        let sign = if offset_minutes < 0 { '-' } else { '+' };
        let o = offset_minutes.unsigned_abs();
        let written = format!(
            "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:00{sign}{:02}:{:02}",
            o / 60,
            o % 60
        );
        let txt = t::security_txt(&format!("Contact: x@example.org\nExpires: {written}\n"));
        let expires = txt.expires.expect("a valid RFC 3339 time is read");
        let want = OffsetDateTime::parse(&written, &Rfc3339).unwrap();
        let got = cargo_sdl::timefmt::parse(&expires)
            .or_else(|_| OffsetDateTime::parse(&expires, &Rfc3339).map_err(|e| e.to_string()))
            .unwrap();
        prop_assert_eq!(got, want);
    }
}

// --- YAML, GitHub workflows and composite actions -----------------------------------------

const WORKFLOW: &str = "name: CI
on:
  push:
  pull_request_target:
permissions: write-all
defaults: &d
  run:
    shell: bash
jobs:
  test:
    runs-on: ubuntu-latest
    container: returntocorp/semgrep
    permissions:
      contents: read
      pull-requests: write
    steps:
      - uses: actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - uses: actions-rs/cargo@v1
        with:
          command: clippy
          args: --all-targets
      - uses: docker://alpine@sha256:abcd
      - uses: ./.github/actions/setup
      - run: |
          cargo +nightly --locked test --workspace
          bash .ci/run
          gh pr checkout 1
      - run: \"cargo deny check\\ncargo fuzz run parse\"
  reuse:
    uses: org/repo/.github/workflows/x.yml@v1
    <<: *d
";

const ACTION: &str = "name: setup
runs:
  using: composite
  steps:
    - uses: actions/cache@v4
    - run: echo
    - uses: ./local
";

fn check_workflow(text: &str) -> Result<(), TestCaseError> {
    if let Ok(w) = t::workflow(text, &[(".ci/run", "cargo clippy\ncargo test\n")]) {
        for a in w.jobs.iter().flat_map(|j| &j.actions) {
            prop_assert_eq!(a.uses.trim(), a.uses.as_str());
            if a.pinned {
                let local = a.uses.starts_with("./") || a.uses.starts_with("../");
                let image = a.uses.starts_with("docker://") && a.uses.contains("@sha256:");
                let commit = a.uses.rsplit_once('@').is_some_and(|(_, r)| {
                    r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit())
                });
                prop_assert!(local || image || commit, "{} counted as pinned", a.uses);
            }
        }
        let privileged = w
            .triggers
            .iter()
            .any(|t| t == "pull_request_target" || t == "workflow_run");
        prop_assert!(privileged || w.hazards.is_empty(), "{:?}", w.hazards);
        for p in w
            .permissions
            .iter()
            .chain(w.jobs.iter().filter_map(|j| j.permissions.as_ref()))
        {
            prop_assert!(
                p.writes
                    .iter()
                    .all(|k| k == "*" || p.value.contains(k.as_str()))
            );
        }
    }
    if let Ok(a) = t::composite_action(text) {
        prop_assert!(a.actions.iter().all(|u| u.uses.trim() == u.uses));
    }
    Ok(())
}

/// The tree as YAML flow text: every scalar double-quoted with only ASCII inside, so that the
/// parser must read back exactly the same tree.
fn render_flow(node: &t::YamlNode, out: &mut String) {
    match &node.value {
        t::YamlValue::Scalar(s) => {
            out.push('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    ' '..='~' => out.push(c),
                    c if (c as u32) <= 0xFFFF => out.push_str(&format!("\\u{:04X}", c as u32)),
                    c => out.push_str(&format!("\\U{:08X}", c as u32)),
                }
            }
            out.push('"');
        }
        t::YamlValue::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                render_flow(item, out);
            }
            out.push(']');
        }
        t::YamlValue::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                render_flow(k, out);
                out.push_str(": ");
                render_flow(v, out);
            }
            out.push('}');
        }
    }
}

/// The tree without line numbers, and whether every key is a scalar.
fn shape(
    node: &t::YamlNode,
    depth: usize,
    max_depth: &mut usize,
    scalar_keys: &mut bool,
) -> String {
    *max_depth = (*max_depth).max(depth);
    match &node.value {
        t::YamlValue::Scalar(s) => format!("{s:?}"),
        t::YamlValue::Seq(items) => {
            let inner: Vec<String> = items
                .iter()
                .map(|i| shape(i, depth + 1, max_depth, scalar_keys))
                .collect();
            format!("[{}]", inner.join(","))
        }
        t::YamlValue::Map(entries) => {
            let inner: Vec<String> = entries
                .iter()
                .map(|(k, v)| {
                    *scalar_keys &= matches!(k.value, t::YamlValue::Scalar(_));
                    format!(
                        "{}:{}",
                        shape(k, depth + 1, max_depth, scalar_keys),
                        shape(v, depth + 1, max_depth, scalar_keys)
                    )
                })
                .collect();
            format!("{{{}}}", inner.join(","))
        }
    }
}

fn check_yaml(text: &str) -> Result<(), TestCaseError> {
    let Ok(tree) = t::yaml_tree(text) else {
        return Ok(());
    };
    let (mut depth, mut scalar_keys) = (0, true);
    let before = shape(&tree, 0, &mut depth, &mut scalar_keys);
    prop_assert!(depth <= t::YAML_MAX_DEPTH, "depth {depth}");
    // Written back as flow YAML, the tree reads back the same (an empty document reads as an
    // empty map, so only collections are compared).
    if scalar_keys && !matches!(tree.value, t::YamlValue::Scalar(_)) && before.len() < 100_000 {
        let mut flow = String::new();
        render_flow(&tree, &mut flow);
        let again = t::yaml_tree(&flow);
        prop_assert!(again.is_ok(), "{flow:?} does not parse: {:?}", again.err());
        let (mut d, mut k) = (0, true);
        let after = shape(&again.unwrap(), 0, &mut d, &mut k);
        prop_assert_eq!(before, after);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn workflows_from_arbitrary_text(text in text(32)) {
        check_yaml(&text)?;
        check_workflow(&text)?;
    }

    #[test]
    fn workflows_near_valid(text in near(WORKFLOW)) {
        check_yaml(&text)?;
        check_workflow(&text)?;
    }

    #[test]
    fn composite_actions_near_valid(text in near(ACTION)) {
        check_yaml(&text)?;
        check_workflow(&text)?;
    }

    /// Nesting of any depth and style is read or refused, never a stack overflow.
    #[test]
    fn deeply_nested_yaml(
        depth in 1usize..3000,
        style in prop::sample::select(vec!["- ", "[", "{a: ", "? ", "a:\n", "- a:\n"]),
        tail in "[a-z\\]\\}]{0,3}",
    ) {
        let text = format!("jobs:\n  j:\n    steps:\n{}{tail}\n", style.repeat(depth));
        check_yaml(&text)?;
        check_workflow(&text)?;
        let result = t::yaml_tree(&style.repeat(depth));
        if depth > t::YAML_MAX_DEPTH + 1 && style == "- " {
            prop_assert!(result.is_err());
        }
    }
}

// --- CODEOWNERS ---------------------------------------------------------------------------

const CODEOWNERS: &str = "# owners\n* @team\n/src/gen/ \n*.rs @rust # inline\ndocs/* @docs\n\
    /build/logs/ @ops\n**/logs @ops\ndocs/**/*.md @docs\na?c @x\n\\#file @y\n!x @a\n[ab] @b\n";

fn files() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        prop_oneof![
            "[a-z]{1,5}(/[a-z.]{1,5}){0,3}",
            any::<String>(),
            Just("src/gen/x.rs".to_string()),
            Just("docs/a/b.md".to_string()),
        ],
        0..20,
    )
}

fn check_codeowners(text: &str, files: &[String]) -> Result<(), TestCaseError> {
    let Ok(c) = t::codeowners_coverage(text, files) else {
        return Ok(());
    };
    prop_assert!(c.covered + c.uncovered_examples.len() <= files.len());
    prop_assert!(c.uncovered_examples.len() <= 10);
    prop_assert!(c.uncovered_examples.iter().all(|f| files.contains(f)));
    let pattern_lines = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim().starts_with('#'))
        .count();
    prop_assert!(c.rules + c.unsupported.len() <= pattern_lines);
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn codeowners_from_arbitrary_text(text in text(24), files in files()) {
        check_codeowners(&text, &files)?;
    }

    #[test]
    fn codeowners_near_valid(text in near(CODEOWNERS), files in files()) {
        check_codeowners(&text, &files)?;
    }

    /// Every pattern translates to a regular expression that compiles, or is refused.
    #[test]
    fn codeowners_patterns_compile(pattern in "\\PC{0,40}") {
        if let Ok(re) = t::codeowners_pattern(&pattern) {
            prop_assert!(regex::Regex::new(&re).is_ok(), "{pattern:?} → {re:?}");
        }
    }

    /// A path anchored at the root owns the path itself and what is below it.
    #[test]
    fn codeowners_literal_paths_match_themselves(
        path in "[a-zA-Z0-9_.-]{1,8}(/[a-zA-Z0-9_.-]{1,8}){0,3}",
        below in "[a-z]{1,8}",
    ) {
        let re = regex::Regex::new(&t::codeowners_pattern(&format!("/{path}")).unwrap()).unwrap();
        prop_assert!(re.is_match(&path));
        let inside = format!("{path}/{below}");
        prop_assert!(re.is_match(&inside), "{}", inside);
        let c = t::codeowners_coverage(&format!("/{path} @owner\n"), std::slice::from_ref(&path)).unwrap();
        prop_assert_eq!(c.covered, 1);
    }
}

// --- sdl.toml -----------------------------------------------------------------------------

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    Catalog::embedded(&cargo_sdl::eval::rules::builtin_ids()).expect("the embedded catalogue loads")
});

/// An empty repository for the checks that look at paths.
static ROOT: LazyLock<tempfile::TempDir> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("docs/security")).unwrap();
    std::fs::write(dir.path().join("docs/security/threat-model.md"), "# TM\n").unwrap();
    dir
});

const SDL_TOML: &str = "[product]\nname = \"xy200-updater\"\nversion = \"1.4.0\"\n\
    description = \"Firmware update service\"\nsecurity-level = 2\n\n\
    [documents]\nthreat-model = \"docs/security/threat-model.md\"\nguidelines = [\"docs/security/threat-model.md\"]\n\n\
    [rules.security-policy-present]\nlevel = \"deny\"\n\n\
    [[not-applicable]]\nrequirement = \"SM-10\"\n\
    justification = \"No component is developed for us by a third party at all.\"\napprover = \"Jane Doe\"\n\
    date = 2026-03-01\nanalysis = \"docs/security/threat-model.md#scope\"\n\n\
    [[waiver]]\nid = \"RUSTSEC-2020-0071\"\nreason = \"build script only\"\nowner = \"Jane Doe\"\nexpires = 2027-03-31\n\n\
    [advisories]\nhistory-depth = 10\n\n[maturity]\nreleases = 3\n\n\
    [git]\nrelease-tag-pattern = \"^v(?P<major>[0-9]+)\\\\.(?P<minor>[0-9]+)\\\\.(?P<patch>[0-9]+)$\"\n";

fn fallback() -> Product {
    Product {
        name: "fallback".into(),
        version: "0.0.0".into(),
        description: None,
        security_level: None,
    }
}

fn check_config(text: &str) -> Result<(), TestCaseError> {
    match t::parse_config("sdl.toml", text) {
        Ok(raw) => {
            // Written back as TOML, the configuration reads back and writes the same again.
            if let Ok(written) = toml::to_string(&raw) {
                let again = t::parse_config("sdl.toml", &written);
                prop_assert!(again.is_ok(), "{written:?}: {:?}", again.err());
                let rewritten = toml::to_string(&again.unwrap())
                    .map_err(|e| TestCaseError::fail(format!("{written:?} does not write: {e}")))?;
                prop_assert_eq!(written, rewritten);
            }
            let _ = t::validate_config("sdl.toml", raw, ROOT.path(), &CATALOG, fallback());
        }
        Err(e) => {
            let message = e.to_string();
            prop_assert!(message.starts_with("sdl.toml: "), "{message}");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn sdl_toml_from_arbitrary_text(text in text(24)) {
        check_config(&text)?;
    }

    #[test]
    fn sdl_toml_near_valid(text in near(SDL_TOML)) {
        check_config(&text)?;
    }

    #[test]
    fn sdl_toml_template_near_valid(text in near(cargo_sdl::config::TEMPLATE)) {
        check_config(&text)?;
    }

    #[test]
    fn deeply_nested_toml(depth in 1usize..5000, open in prop::sample::select(vec!["[", "{a = ", "[{a = "])) {
        check_config(&format!("[product]\nname = {}\n", open.repeat(depth)))?;
        check_config(&format!("x = {}", open.repeat(depth)))?;
    }
}

// --- attestations -------------------------------------------------------------------------

const ATTESTATION: &str = "requirements = [\"SR-2\", \"SVV-4\"]\n\
    statement = \"\"\"\nThe threat model was reviewed on 2026-11-25.\"\"\"\n\
    owner = \"Ada Lovelace\"\nowner-role = \"test-lead\"\napprover = \"Grace Hopper\"\n\
    approver-role = \"security-officer\"\ndate = 2026-03-01\nvalid-until = \"2027-03-01\"\n\
    references = [\"docs/security/threat-model.md\", \"ticket:SEC-42\", \"commit:0123abcd\", \"https://example.com/r\"]\n\
    releases = [\"v1.0.0\"]\nmetrics = [\"m\"]\nimprovements = [\"i\"]\n\n\
    [scope]\nproduct = \"cargo-sdl\"\nversions = \">=0.1.0\"\n";

fn check_attestation(text: &str) -> Result<(), TestCaseError> {
    let file = FileRef {
        path: "sdl/attestations/a.toml".into(),
        sha256: String::new(),
    };
    match t::parse_attestation(ROOT.path(), "sdl/attestations/a.toml", text, file, &CATALOG) {
        Ok(a) => {
            prop_assert!(!a.requirements.is_empty());
            let date = |s: &str| {
                time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
            };
            let (from, until) = (date(&a.date), date(&a.valid_until));
            prop_assert!(
                from.is_ok() && until.is_ok(),
                "{} {}",
                a.date,
                a.valid_until
            );
            let (from, until) = (from.unwrap(), until.unwrap());
            // A date after the assessment time is read (the report names it); the order holds.
            prop_assert!(from <= until, "{from} {until}");
        }
        Err(e) => prop_assert_eq!(e.path.as_str(), "sdl/attestations/a.toml"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn attestations_from_arbitrary_text(text in text(24)) {
        check_attestation(&text)?;
    }

    #[test]
    fn attestations_near_valid(text in near(ATTESTATION)) {
        check_attestation(&text)?;
    }

    /// Any reference string is accepted as a reference or refused with a message.
    #[test]
    fn attestation_references(reference in prop_oneof![
        "commit:[0-9a-fA-F]{0,80}",
        "ticket:\\PC{0,20}",
        "https?://\\PC{0,20}",
        "\\PC{0,30}",
        Just("docs/security/threat-model.md".to_string()),
        Just("../outside".to_string()),
        Just("/etc/passwd".to_string()),
    ]) {
        let text = ATTESTATION.replace(
            "\"docs/security/threat-model.md\", ",
            &format!("{}, ", toml::Value::String(reference)),
        );
        check_attestation(&text)?;
    }
}

// --- Cargo.lock and the SBOM made from it ---------------------------------------------------

const LOCKFILE: &str = "# This file is automatically @generated by Cargo.\nversion = 4\n\n\
    [[package]]\nname = \"demo\"\nversion = \"0.1.0\"\ndependencies = [\n \"demo-crate\",\n \"git-crate\",\n \"old-crate 0.1.0\",\n]\n\n\
    [[package]]\nname = \"demo-crate\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\
    checksum = \"0000000000000000000000000000000000000000000000000000000000000001\"\n\n\
    [[package]]\nname = \"git-crate\"\nversion = \"2.0.0-rc.1+meta\"\nsource = \"git+https://example.org/g.git?branch=main#0123abcd\"\n\n\
    [[package]]\nname = \"old-crate\"\nversion = \"0.1.0\"\nsource = \"sparse+https://registry.example.org/index/\"\n\
    checksum = \"0000000000000000000000000000000000000000000000000000000000000003\"\n";

fn check_lockfile(bytes: &[u8]) -> Result<(), TestCaseError> {
    let Ok(lock) = t::parse_lockfile(bytes) else {
        return Ok(());
    };
    let facts = t::from_lockfile(&lock);
    prop_assert_eq!(facts.packages.len(), lock.packages.len());
    prop_assert!(facts.packages.windows(2).all(|w| w[0] <= w[1]));
    let product = Product {
        name: "demo".into(),
        version: "0.1.0".into(),
        description: Some("ſ\u{1b}[2J".into()),
        security_level: None,
    };
    let now = OffsetDateTime::parse("2026-11-25T12:00:00Z", &Rfc3339).unwrap();
    if let Ok(sbom) = cargo_sdl::sbom::generate(&facts, &product, now) {
        // The SBOM made from the lockfile reads back, valid, with every package in it.
        let (version, validation, ids) = t::sbom_json("bom.json", &sbom.bytes)
            .map_err(|e| TestCaseError::fail(format!("generated SBOM does not read back: {e}")))?;
        prop_assert_eq!(version, "1.5");
        prop_assert!(
            matches!(validation, cargo_sdl::facts::cargo::SbomValidation::Valid),
            "{validation:?}"
        );
        prop_assert_eq!(ids.len(), sbom.components);
        let coverage = t::sbom_coverage(&facts, &ids);
        prop_assert!(coverage.missing.is_empty(), "{:?}", coverage.missing);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn lockfiles_from_arbitrary_bytes(bytes in bytes()) {
        check_lockfile(&bytes)?;
    }

    #[test]
    fn lockfiles_from_arbitrary_text(text in text(24)) {
        check_lockfile(text.as_bytes())?;
    }

    #[test]
    fn lockfiles_near_valid(text in near(LOCKFILE)) {
        check_lockfile(text.as_bytes())?;
    }

    /// Package names and versions that parse make an SBOM, or a named error.
    #[test]
    fn lockfile_names_and_versions(
        name in "[a-zA-Z0-9_-]{1,20}|\\PC{1,10}",
        version in "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}(-[a-zA-Z0-9.]{1,8})?(\\+[a-zA-Z0-9.]{1,8})?|\\PC{1,10}",
        source in prop_oneof![
            Just(String::new()),
            Just("source = \"registry+https://github.com/rust-lang/crates.io-index\"\n".to_string()),
            "git\\+\\PC{0,20}".prop_map(|s| format!("source = {}\n", toml::Value::String(s))),
            "registry\\+\\PC{0,20}".prop_map(|s| format!("source = {}\n", toml::Value::String(s))),
        ],
    ) {
        let text = format!(
            "version = 4\n\n[[package]]\nname = {}\nversion = {}\n{source}",
            toml::Value::String(name),
            toml::Value::String(version)
        );
        check_lockfile(text.as_bytes())?;
    }
}

// --- CycloneDX SBOMs ----------------------------------------------------------------------

const SBOM_JSON: &str = r#"{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,
 "serialNumber":"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
 "metadata":{"timestamp":"2026-11-25T12:00:00Z","component":{"type":"application","name":"app","version":"1.0.0","bom-ref":"app"}},
 "components":[
  {"type":"library","name":"serde","version":"1.0.0","bom-ref":"pkg:cargo/serde@1.0.0","purl":"pkg:cargo/serde@1.0.0",
   "licenses":[{"expression":"MIT OR Apache-2.0"}],
   "hashes":[{"alg":"SHA-256","content":"0000000000000000000000000000000000000000000000000000000000000001"}],
   "components":[{"type":"library","name":"inner","version":"0.1.0"}]},
  {"type":"library","name":"left-pad","version":"1.0.0"}],
 "dependencies":[{"ref":"app","dependsOn":["pkg:cargo/serde@1.0.0"]}]}"#;

const SBOM_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5" serialNumber="urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79" version="1">
  <metadata><timestamp>2026-11-25T12:00:00Z</timestamp></metadata>
  <components>
    <component type="library" bom-ref="a"><name>serde</name><version>1.0.0</version>
      <components><component type="library"><name>inner</name><version>0.1.0</version></component></components>
    </component>
    <component type="library"><name>left-pad</name><version>1.0.0</version></component>
  </components>
</bom>
"#;

fn check_sbom(bytes: &[u8]) -> Result<(), TestCaseError> {
    for read in [t::sbom_json, t::sbom_xml] {
        match read("sbom/app.cdx", bytes) {
            Ok((version, _, _)) => {
                prop_assert!(!version.is_empty());
                // Only CycloneDX documents are ingested.
                let text = String::from_utf8_lossy(bytes);
                let json = serde_json::from_slice::<serde_json::Value>(bytes)
                    .is_ok_and(|j| j["bomFormat"] == "CycloneDX");
                prop_assert!(json || text.contains("http://cyclonedx.org/schema/bom/"));
            }
            Err(e) => prop_assert!(e.starts_with("sbom/app.cdx: "), "{e}"),
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn sboms_from_arbitrary_bytes(bytes in bytes()) {
        check_sbom(&bytes)?;
    }

    #[test]
    fn sbom_json_near_valid(text in near(SBOM_JSON)) {
        check_sbom(text.as_bytes())?;
    }

    #[test]
    fn sbom_xml_near_valid(text in near(SBOM_XML)) {
        check_sbom(text.as_bytes())?;
    }

    /// Components nested to any depth are read or refused, never a stack overflow.
    #[test]
    fn deeply_nested_sboms(depth in 1usize..2000) {
        let json = format!(
            r#"{{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":{}[]{}}}"#,
            r#"[{"type":"library","name":"a","version":"1","components":"#.repeat(depth),
            "}]".repeat(depth)
        );
        check_sbom(json.as_bytes())?;
        let xml = format!(
            r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1"><components>{}{}</components></bom>"#,
            r#"<component type="library"><name>a</name><version>1</version><components>"#.repeat(depth),
            "</components></component>".repeat(depth)
        );
        check_sbom(xml.as_bytes())?;
    }
}

// --- threat models ------------------------------------------------------------------------

const THREAT_DRAGON: &str = r#"{"version":"2.2.0","summary":{"title":"Demo"},"detail":{"diagrams":[
  {"cells":[{"data":{"threats":[
    {"title":"Spoofing","status":"Mitigated","mitigation":"mTLS","severity":"High"},
    {"title":"Tampering","status":"Open","mitigation":"","severity":"Medium"},
    {"title":"DoS","status":"Open","mitigation":"rate limit","score":null}]}},{"data":{}}]},
  {"diagramJson":{"cells":[{"threats":[{"title":"x","status":"NotApplicable"}]}]}}]}}"#;

const THREAGILE: &str = "threagile_version: 1.0.0
title: Demo
individual_risk_categories:
  my-risk:
    id: my-risk
    impact: high
    risks_identified:
      \"Risk A\":
        severity: high
      \"Risk B\": {}
  other:
    risks_identified:
      \"Risk C\": {}
risk_tracking:
  my-risk@asset:
    status: mitigated
    justification: done
  sql-injection@db:
    status: unchecked
    justification: later
";

fn check_threats(counts: &cargo_sdl::facts::files::ThreatCounts) -> Result<(), TestCaseError> {
    prop_assert!(counts.with_mitigation <= counts.dispositioned);
    prop_assert!(counts.dispositioned <= counts.total);
    prop_assert!(counts.with_severity <= counts.total);
    prop_assert!(counts.undecided_examples.len() <= 10);
    prop_assert!(counts.undecided_examples.len() <= counts.total - counts.dispositioned);
    Ok(())
}

fn check_threat_models(text: &str) -> Result<(), TestCaseError> {
    if let Ok(Some(c)) = t::threat_dragon(text) {
        check_threats(&c)?;
    }
    if let Ok(Some(c)) = t::threagile(text) {
        check_threats(&c)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn threat_models_from_arbitrary_text(text in text(24)) {
        check_threat_models(&text)?;
    }

    #[test]
    fn threat_dragon_near_valid(text in near(THREAT_DRAGON)) {
        check_threat_models(&text)?;
    }

    #[test]
    fn threagile_near_valid(text in near(THREAGILE)) {
        check_threat_models(&text)?;
        check_yaml(&text)?;
    }
}

/// The templates themselves are what the near-valid generators start from: they must parse.
#[test]
fn templates_are_valid() {
    let m = t::analyse_message(MESSAGE.as_bytes());
    assert_eq!(
        m.advisories,
        [
            "CVE-2020-123456",
            "GHSA-abcd-2345-wxyz",
            "RUSTSEC-2021-0001"
        ]
    );
    assert!(m.trailers.contains(&"Reviewed-by"), "{:?}", m.trailers);
    assert!(!t::security_policy(POLICY).0.is_empty());
    assert!(t::security_txt(SECURITY_TXT).expires.is_some());
    let w = t::workflow(WORKFLOW, &[]).unwrap();
    assert_eq!(w.jobs.len(), 2);
    assert!(!w.hazards.is_empty());
    assert_eq!(t::composite_action(ACTION).unwrap().actions.len(), 2);
    assert_eq!(t::codeowners_coverage(CODEOWNERS, &[]).unwrap().rules, 9);
    let raw = t::parse_config("sdl.toml", SDL_TOML).unwrap();
    t::validate_config("sdl.toml", raw, ROOT.path(), &CATALOG, fallback()).unwrap();
    let file = FileRef {
        path: "a.toml".into(),
        sha256: String::new(),
    };
    t::parse_attestation(ROOT.path(), "a.toml", ATTESTATION, file, &CATALOG).unwrap();
    assert_eq!(
        t::parse_lockfile(LOCKFILE.as_bytes())
            .unwrap()
            .packages
            .len(),
        4
    );
    let (_, validation, ids) = t::sbom_json("bom.json", SBOM_JSON.as_bytes()).unwrap();
    assert!(
        matches!(validation, cargo_sdl::facts::cargo::SbomValidation::Valid),
        "{validation:?}"
    );
    assert_eq!(ids.len(), 3);
    let (_, _, ids) = t::sbom_xml("bom.xml", SBOM_XML.as_bytes()).unwrap();
    assert_eq!(ids.len(), 3);
    assert_eq!(t::threat_dragon(THREAT_DRAGON).unwrap().unwrap().total, 4);
    let threagile = t::threagile(THREAGILE).unwrap().unwrap();
    assert_eq!(threagile.total, 3, "{threagile:?}");
}
